//! rm against 9front's rm.c (9base has no rm).

use crate::common::*;

#[test]
fn rm_removes_files_and_empty_directories() {
    let d = scratch("rm");
    std::fs::write(d.join("a"), b"").unwrap();
    std::fs::write(d.join("b c"), b"").unwrap();
    std::fs::create_dir(d.join("empty")).unwrap();
    let r = run_in(&planten("rm"), &["a", "b c", "empty"], b"", Some(&d));
    assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""));
    assert_eq!(std::fs::read_dir(&d).unwrap().count(), 0);
}

#[test]
fn rm_reports_errors_and_exits_with_the_last() {
    let d = scratch("rmerr");
    std::fs::create_dir_all(d.join("full/sub")).unwrap();
    std::fs::write(d.join("x"), b"").unwrap();
    let r = run_in(&planten("rm"), &["nope", "full", "x"], b"", Some(&d));
    // rm.c: err() prints "rm: NAME: ERR"; the status is the last error
    // string (non-empty, so a failure); other names are still removed.
    assert_eq!(
        r.stderr,
        "rm: nope: file does not exist: 'nope'\nrm: full: directory not empty\n"
    );
    assert_eq!(r.code, Some(1));
    assert!(!d.join("x").exists());
    assert!(d.join("full/sub").is_dir());
}

#[test]
fn rm_f_is_silent_and_succeeds() {
    let d = scratch("rmf");
    std::fs::create_dir_all(d.join("full/sub")).unwrap();
    // rm.c: with -f, err() neither prints nor fills errbuf, so the exit
    // status is empty: success.
    let r = run_in(&planten("rm"), &["-f", "nope", "full"], b"", Some(&d));
    assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""));
    assert!(d.join("full").is_dir());
}

#[test]
fn rm_r_removes_trees() {
    let d = scratch("rmr");
    std::fs::create_dir_all(d.join("t/a/b/c")).unwrap();
    std::fs::create_dir_all(d.join("t/e")).unwrap();
    std::fs::write(d.join("t/f"), b"1").unwrap();
    std::fs::write(d.join("t/a/it's"), b"1").unwrap();
    std::fs::write(d.join("t/a/b/c/g h"), b"1").unwrap();
    std::fs::write(d.join("plain"), b"1").unwrap();
    let r = run_in(&planten("rm"), &["-r", "t", "plain"], b"", Some(&d));
    assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""));
    assert_eq!(std::fs::read_dir(&d).unwrap().count(), 0);
    let r = run_in(&planten("rm"), &["-rf", "nope"], b"", Some(&d));
    assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""));
    let r = run_in(&planten("rm"), &["-r", "nope"], b"", Some(&d));
    assert_eq!(r.stderr, "rm: nope: file does not exist: 'nope'\n");
    assert_eq!(r.code, Some(1));
}

#[test]
fn rm_usage() {
    let r = run(&planten("rm"), &["-x", "a"], b"");
    assert_eq!(r.stderr, "usage: rm [-fr] file ...\n");
    assert_eq!(r.code, Some(1));
    // No files: nothing to do, success (rm.c has no check).
    let r = run(&planten("rm"), &[], b"");
    assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""));
}
