//! ls against 9base's ls and 9front's ls.c.
//!
//! 9base's ls is plan9port's: its fmt prints `%ud`/`%llud` as the number
//! and a stray `d`, it keeps doubled slashes in names and it shows an
//! empty muid, so -l, -s, -q and -m are asserted from ls.c instead.

use crate::common::*;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

const T2020: u64 = 1_583_298_367; // Wed Mar  4 05:06:07 GMT 2020

fn settime(p: &Path, t: u64) {
    let f = std::fs::File::options().read(true).open(p).unwrap();
    f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(t))
        .unwrap();
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn files(name: &str) -> PathBuf {
    let d = scratch(name);
    std::fs::create_dir(d.join("dir")).unwrap();
    std::fs::write(d.join("dir/inner"), b"12345").unwrap();
    std::fs::write(d.join("a"), b"").unwrap();
    std::fs::write(d.join("b"), vec![b'x'; 3000]).unwrap();
    std::fs::write(d.join("sp ace"), b"1").unwrap();
    std::fs::write(d.join("it's"), b"12").unwrap();
    std::fs::write(d.join("a=b"), b"123").unwrap();
    std::fs::write(d.join("exe"), b"#!").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(d.join("exe"), std::fs::Permissions::from_mode(0o755)).unwrap();
    for (i, f) in ["a", "b", "sp ace", "it's", "a=b", "exe", "dir/inner"].iter().enumerate() {
        settime(&d.join(f), T2020 + 60 * i as u64);
    }
    settime(&d.join("dir"), T2020 - 1);
    d
}

/// Runs ls with the local zone unset (so GMT, as 9front without
/// /env/timezone) in `d`.
fn ls_at(prog: &Path, args: &[&str], d: &Path) -> Run {
    let o = Command::new(prog)
        .args(args)
        .current_dir(d)
        .env_remove("timezone")
        .env("TZ", "GMT")
        .output()
        .unwrap();
    Run {
        code: o.status.code(),
        stdout: o.stdout,
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn ours(args: &[&str], d: &Path) -> (Option<i32>, String, String) {
    let r = ls_at(&planten("ls"), args, d);
    (r.code, String::from_utf8(r.stdout).unwrap(), r.stderr)
}

#[test]
fn ls_matches_9base() {
    let d = files("ls");
    for args in [
        &[][..],
        &["-F"],
        &["-Q"],
        &["-p"],
        &["-r"],
        &["-t"],
        &["-tr"],
        &["-d"],
        &["-d", "dir", "a", "sp ace"],
        &["-dF", "dir", "exe", "a"],
        &["dir"],
        &["dir", "a", "it's"],
        &["-p", "dir", "a"],
        &["-Q", "dir", "it's", "a=b"],
        &["-t", "dir", "a", "b", "exe"],
        &["-n", "a", "exe", "b"],
        &["-r", ".", "dir"],
        &["./dir", "./a"],
        &["dir/"],
    ] {
        let a = ls_at(&planten("ls"), args, &d);
        let b = ls_at(&ninebase("ls"), args, &d);
        assert_eq!(
            (a.code, String::from_utf8_lossy(&a.stdout)),
            (b.code, String::from_utf8_lossy(&b.stdout)),
            "ls {args:?}\n{}\n{}",
            a.stderr,
            b.stderr
        );
    }
}

#[test]
fn ls_quotes_names_as_rc_would() {
    let d = files("lsquote");
    // ls.c: doquote = needsrcquote, names printed with %q unless -Q.
    let (_, out, _) = ours(&[], &d);
    assert_eq!(out, "a\n'a=b'\nb\ndir\nexe\n'it''s'\n'sp ace'\n");
    let (_, out, _) = ours(&["-Q"], &d);
    assert_eq!(out, "a\na=b\nb\ndir\nexe\nit's\nsp ace\n");
    let (_, out, _) = ours(&["-F", "-d", "dir", "exe", "sp ace"], &d);
    assert_eq!(out, "dir/\nexe*\n'sp ace'\n");
}

#[test]
fn ls_long_form_is_9fronts() {
    let d = files("lslong");
    let m = std::fs::metadata(d.join("b")).unwrap();
    let user = String::from_utf8(
        Command::new("id").arg("-un").output().unwrap().stdout,
    )
    .unwrap()
    .trim()
    .to_string();
    let group = String::from_utf8(
        Command::new("id").arg("-gn").output().unwrap().stdout,
    )
    .unwrap()
    .trim()
    .to_string();
    let dev = m.dev() as u32;
    let (code, out, _) = ours(&["-l", "a", "b", "dir"], &d);
    assert_eq!(code, Some(0));
    // ls.c: "%M %C %*ud %*q %*q %*llud %s " then the name: the mode, the
    // device type ('M' for every Linux file), dev right-aligned, uid and
    // gid left-aligned, the length right-aligned to the widest of this
    // listing, then ctime's month, day and year for a time more than six
    // months old. Files given by name come first (they are flushed before
    // a directory is read), then the directory's entries.
    let w = dev.to_string().len();
    let u = user.len();
    let g = group.len();
    let expect = format!(
        "--rw-r--r-- M {dev:>w$} {user:<u$} {group:<g$}    0 Mar  4  2020 a\n\
         --rw-r--r-- M {dev:>w$} {user:<u$} {group:<g$} 3000 Mar  4  2020 b\n\
         --rw-r--r-- M {dev:>w$} {user:<u$} {group:<g$}    5 Mar  4  2020 dir/inner\n"
    );
    assert_eq!(out, expect);
    // A recent file shows the time of day instead of the year (within 180
    // days past and one day ahead of now); one more than a day ahead shows
    // the year. The date text is ctime(2)'s, as 9base's ls prints it.
    settime(&d.join("a"), now() - 3600);
    settime(&d.join("b"), now() + 3 * 24 * 3600);
    let (_, out, _) = ours(&["-l", "a", "b"], &d);
    let nb = ls_at(&ninebase("ls"), &["-l", "a", "b"], &d);
    let date = |s: &str| -> Vec<String> {
        s.lines()
            .map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                f[f.len() - 4..f.len() - 1].join(" ")
            })
            .collect()
    };
    let theirs = String::from_utf8(nb.stdout).unwrap();
    assert_eq!(date(&out), date(&theirs));
    assert!(date(&out)[0].contains(':'), "{out}");
    assert!(!date(&out)[1].contains(':'), "{out}");
    // -u shows (and -t sorts by) the access time.
    let (_, out, _) = ours(&["-lu", "dir/inner"], &d);
    let at = std::fs::metadata(d.join("dir/inner")).unwrap().atime();
    assert!(out.contains(&String::from_utf8(
        ls_at(&ninebase("ls"), &["-lu", "dir/inner"], &d).stdout
    )
    .unwrap()
    .split_whitespace()
    .rev()
    .nth(1)
    .unwrap()
    .to_string()), "{out} {at}");
}

#[test]
fn ls_columns_s_q_m_t() {
    let d = files("lscols");
    // -s: size in KB, rounded up, right-aligned to the widest.
    let (_, out, _) = ours(&["-s", "a", "b", "sp ace"], &d);
    assert_eq!(out, "0 a\n3 b\n1 'sp ace'\n");
    // -q: "(%.16llux %*lud %.2ux) " qid path, version, type.
    let (_, out, _) = ours(&["-q", "a", "dir"], &d);
    let ino = |f: &str| std::fs::metadata(d.join(f)).unwrap().ino();
    let inner = ino("dir/inner");
    let a = ino("a");
    // Linux's qid.vers is the mtime (libc's Linux backend).
    assert_eq!(
        out,
        format!(
            "({a:016x} {} 00) a\n({inner:016x} {} 00) dir/inner\n",
            T2020,
            T2020 + 360
        )
    );
    let (_, out, _) = ours(&["-qd", "dir"], &d);
    assert!(out.ends_with(&format!(" {} 80) dir\n", T2020 - 1)), "{out}");
    // -m: "[muid] " padded to the widest.
    let (_, out, _) = ours(&["-m", "a"], &d);
    let user = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout).unwrap();
    assert_eq!(out, format!("[{}] a\n", user.trim()));
    // -T: the temporary bit, never set on Linux.
    let (_, out, _) = ours(&["-T", "a"], &d);
    assert_eq!(out, "- a\n");
    // -t: newest first; -r reverses.
    let (_, out, _) = ours(&["-t", "a", "b", "exe"], &d);
    assert_eq!(out, "exe\nb\na\n");
    let (_, out, _) = ours(&["-tr", "a", "b", "exe"], &d);
    assert_eq!(out, "a\nb\nexe\n");
    // -n: argument order, no sort.
    let (_, out, _) = ours(&["-n", "exe", "a", "b"], &d);
    assert_eq!(out, "exe\na\nb\n");
}

#[test]
fn ls_names_are_xcleaned() {
    let d = files("lsclean");
    // ls.c's xcleanname folds runs of slashes and drops a trailing one
    // (plan9port's ls keeps "//").
    let (_, out, _) = ours(&[".//dir//"], &d);
    assert_eq!(out, "./dir/inner\n");
    let (_, out, _) = ours(&["-d", ".//dir//"], &d);
    assert_eq!(out, "./dir\n");
}

#[test]
fn ls_errors_and_usage() {
    let d = files("lserr");
    let (code, out, err) = ours(&["a", "nope", "b"], &d);
    // ls.c: "ls: NAME: ERR", carries on, status "errors".
    assert_eq!(out, "a\nb\n");
    assert_eq!(err, "ls: nope: file does not exist: 'nope'\n");
    assert_eq!(code, Some(1));
    let (code, out, err) = ours(&["-x"], &d);
    assert_eq!(err, "usage: ls [-dlmnpqrstuFQT] [file ...]\n");
    assert_eq!((code, out.as_str()), (Some(1), ""));
    // 9base agrees on the status.
    let theirs = ls_at(&ninebase("ls"), &["a", "nope", "b"], &d);
    assert_eq!(theirs.code, Some(1));
}
