//! mtime against 9front's mtime.c and 9base's mtime.

use crate::common::*;

#[test]
fn mtime_prints_times_and_reports_errors() {
    let d = scratch("mtime");
    std::fs::write(d.join("a"), b"x").unwrap();
    std::fs::write(d.join("b c"), b"x").unwrap();
    let t = |s| std::fs::File::options().write(true).open(d.join(s)).unwrap();
    t("a").set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1583298367)).unwrap();
    t("b c").set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(7)).unwrap();
    let r = run_in(&planten("mtime"), &["a", "b c", "nope"], b"", Some(&d));
    // mtime.c: print("%11lud %s\n"); a failed stat is "stat NAME: ERR"
    // and the status "errors".
    assert_eq!(String::from_utf8(r.stdout).unwrap(), " 1583298367 a\n          7 b c\n");
    assert_eq!(r.stderr, "stat nope: file does not exist: 'nope'\n");
    assert_eq!(r.code, Some(1));
    // 9base prints %lud as "Nd" (its fmt lacks the u flag) and Linux's
    // error text, but agrees on the rest.
    let theirs = run_in(&ninebase("mtime"), &["a", "b c", "nope"], b"", Some(&d));
    assert_eq!(String::from_utf8(theirs.stdout).unwrap(), " 1583298367d a\n          7d b c\n");
    assert_eq!(theirs.code, r.code);
    assert!(theirs.stderr.starts_with("stat nope: "));
}

#[test]
fn mtime_usage_and_no_arguments() {
    let r = run(&planten("mtime"), &["-x", "a"], b"");
    assert_eq!(r.stderr, "usage: mtime file...\n");
    assert_eq!(r.code, Some(1));
    same_as_9base("mtime", &["-x", "a"], b"");
    // No files: nothing printed, success.
    same_as_9base("mtime", &[], b"");
}
