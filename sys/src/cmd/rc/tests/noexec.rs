//! `rc -n` (planten's flag: parse, run nothing) reads every script of
//! 9front's `rc/bin` without a syntax error, from the 9front tree named by
//! `PLANTEN_9FRONT` (skipped, saying so, when that is unset), and runs
//! nothing of what it reads.

use std::path::{Path, PathBuf};
use std::process::Command;

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.is_file() {
            out.push(p);
        }
    }
}

fn rc_n(file: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rc"))
        .arg("-n")
        .arg(file)
        .env_clear()
        .env("PATH", "/bin:/usr/bin")
        .output()
        .unwrap()
}

#[test]
fn n_flag_runs_nothing_and_reports_syntax_errors() {
    let dir = std::env::temp_dir().join(format!("planten-rc-n-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ok = dir.join("ok.rc");
    std::fs::write(&ok, "echo ran\nfn f {g}\nf\n").unwrap();
    let o = rc_n(&ok);
    assert!(o.stdout.is_empty());
    assert!(o.status.success());
    let bad = dir.join("bad.rc");
    std::fs::write(&bad, "echo (\n").unwrap();
    let o = rc_n(&bad);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("syntax error"));
}

#[test]
fn parses_9front_rc_bin_with_n() {
    let Some(root) = std::env::var_os("PLANTEN_9FRONT") else {
        eprintln!("skipped: set PLANTEN_9FRONT to the root of a 9front tree");
        return;
    };
    let root = PathBuf::from(root);
    let mut files = Vec::new();
    walk(&root.join("rc/bin"), &mut files);
    files.retain(|p| !p.strip_prefix(&root).unwrap().starts_with("rc/bin/ape"));
    files.retain(|p| std::fs::read(p).map(|b| b.starts_with(b"#!/bin/rc")).unwrap_or(false));
    assert!(files.len() > 100, "only {} scripts", files.len());
    let mut bad = Vec::new();
    for f in &files {
        let o = rc_n(f);
        if !o.status.success() || !o.stdout.is_empty() {
            bad.push(format!("{}: {}", f.display(), String::from_utf8_lossy(&o.stderr)));
        }
    }
    assert!(bad.is_empty(), "{} of {} fail:\n{}", bad.len(), files.len(), bad.join("\n"));
}
