//! Runs the scripts of `tests/run/` with planten's rc and checks what
//! they print and how they exit.
//!
//! A script `NAME.rc` with no `NAME.out` beside it is run by planten's rc
//! and by Debian 9base's rc (`peers::ninebase::bin("rc")`), and the two
//! must print the same bytes on standard output and exit with the same
//! status. A script with `NAME.out` uses 9front-only syntax or behaviour,
//! or one where 9base's older rc differs from 9front: planten's output
//! must be the `.out` file (derived from 9front's source and manual, see
//! `run/README`), and its exit status the number in `NAME.status` (0 when
//! there is none). Standard error is not compared (messages name
//! different files), except where a script sends it to standard output.
//!
//! Each script runs in a fresh scratch directory, with only `PATH`
//! (`/bin:/usr/bin`) and `HOME` (the scratch directory) in the
//! environment. A first line `#args: FLAGS` gives flags to put before the
//! script's name; `NAME.in` is fed to standard input.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::io::Write;

fn planten_rc() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_rc"))
}

fn run(rc: &Path, script: &Path, scratch: &Path) -> (Vec<u8>, i32) {
    let src = fs::read_to_string(script).unwrap();
    let mut args: Vec<String> = Vec::new();
    if let Some(l) = src.lines().next() {
        if let Some(f) = l.strip_prefix("#args:") {
            args.extend(f.split_whitespace().map(String::from));
        }
    }
    let _ = fs::remove_dir_all(scratch);
    fs::create_dir_all(scratch).unwrap();
    let input = fs::read(script.with_extension("in")).unwrap_or_default();
    let mut child = Command::new(rc)
        .args(&args)
        .arg(script)
        .current_dir(scratch)
        .env_clear()
        .env("PATH", "/bin:/usr/bin")
        .env("HOME", scratch)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let t = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    t.join().unwrap();
    (out.stdout, out.status.code().unwrap_or(-1))
}

fn scripts() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/run");
    let mut v: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rc"))
        .collect();
    v.sort();
    v
}

fn scratch(name: &str, who: &str) -> PathBuf {
    std::env::temp_dir().join(format!("planten-rc-run-{}-{who}-{name}", std::process::id()))
}

#[test]
fn corpus_is_big_enough() {
    assert!(scripts().len() >= 150, "only {} scripts", scripts().len());
}

#[test]
fn scripts_match_9base_or_9front() {
    let mine = planten_rc();
    let theirs = match peers::ninebase::bin("rc") {
        Ok(p) => Some(p),
        Err(e) => {
            eprintln!("9base's rc unavailable ({e}): only scripts with .out files are checked");
            None
        }
    };
    let mut failures = Vec::new();
    let mut compared = 0;
    for s in scripts() {
        let name = s.file_stem().unwrap().to_string_lossy().into_owned();
        let (out, st) = run(&mine, &s, &scratch(&name, "planten"));
        let _ = fs::remove_dir_all(scratch(&name, "planten"));
        let expect = s.with_extension("out");
        if expect.exists() {
            let want = fs::read(&expect).unwrap();
            let wst: i32 = fs::read_to_string(s.with_extension("status"))
                .map(|x| x.trim().parse().unwrap())
                .unwrap_or(0);
            if out != want || st != wst {
                failures.push(format!(
                    "{name} (9front .out): status {st} want {wst}\n--- got\n{}--- want\n{}",
                    String::from_utf8_lossy(&out),
                    String::from_utf8_lossy(&want)
                ));
            }
            compared += 1;
            continue;
        }
        let Some(theirs) = &theirs else { continue };
        let (tout, tst) = run(theirs, &s, &scratch(&name, "9base"));
        let _ = fs::remove_dir_all(scratch(&name, "9base"));
        if out != tout || st != tst {
            failures.push(format!(
                "{name} (9base): status {st} want {tst}\n--- got\n{}--- want\n{}",
                String::from_utf8_lossy(&out),
                String::from_utf8_lossy(&tout)
            ));
        }
        compared += 1;
    }
    assert!(failures.is_empty(), "{} of {compared} scripts differ:\n{}", failures.len(), failures.join("\n"));
}
