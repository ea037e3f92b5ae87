//! bind against 9front's bind.c (9base has no bind). On Linux there is no
//! Plan 9 name space: libc's bind fails with "not available on Linux: no
//! Plan 9 name space", so the failure paths are what can be checked.

use crate::common::*;

const USAGE: &str = "usage: bind [-b|-a|-c|-bc|-ac] new old\n";
const NONS: &str = "not available on Linux: no Plan 9 name space";

#[test]
fn bind_usage() {
    // bind.c: argc != 2, or MAFTER with MBEFORE, or an unknown flag.
    for args in [
        &[][..],
        &["/tmp"],
        &["/tmp", "/tmp", "/tmp"],
        &["-a", "-b", "/tmp", "/tmp"],
        &["-ab", "/tmp", "/tmp"],
        &["-abc", "/tmp", "/tmp"],
        &["-x", "/tmp", "/tmp"],
        &["-C", "/tmp", "/tmp"],
    ] {
        let r = run(&planten("bind"), args, b"");
        assert_eq!(r.stderr, USAGE, "{args:?}");
        assert_eq!(r.code, Some(1), "{args:?}");
        assert!(r.stdout.is_empty());
    }
}

#[test]
fn bind_failure_names_both_files() {
    // bind.c: both files exist, so "bind NEW OLD: %r", status "bind".
    for flags in [
        &[][..],
        &["-a"],
        &["-b"],
        &["-c"],
        &["-bc"],
        &["-ac"],
        &["-a", "-c"],
    ] {
        let mut args = flags.to_vec();
        args.extend(["/tmp", "/"]);
        let r = run(&planten("bind"), &args, b"");
        assert_eq!(r.stderr, format!("bind /tmp /: {NONS}\n"), "{args:?}");
        assert_eq!(r.code, Some(1));
        assert!(r.stdout.is_empty());
    }
}

#[test]
fn bind_failure_names_the_missing_file() {
    let d = scratch("bind-missing");
    let gone = d.join("gønë");
    let gone = gone.to_str().unwrap();
    // bind.c: access(new) fails first, so "bind: NEW: %r" (access's error).
    let r = run(&planten("bind"), &[gone, "/tmp"], b"");
    assert!(
        r.stderr.starts_with(&format!("bind: {gone}: ")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("does not exist"), "{}", r.stderr);
    assert_eq!(r.code, Some(1));
    // Then old.
    let r = run(&planten("bind"), &["/tmp", gone], b"");
    assert!(
        r.stderr.starts_with(&format!("bind: {gone}: ")),
        "{}",
        r.stderr
    );
    assert_eq!(r.code, Some(1));
}

#[test]
fn bind_q_is_quiet_success() {
    // bind.c: with -q a failed bind exits(0) and prints nothing.
    for args in [&["-q", "/tmp", "/"][..], &["-qa", "/nonexistent", "/"]] {
        let r = run(&planten("bind"), args, b"");
        assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""), "{args:?}");
    }
    // -q does not hide usage errors.
    let r = run(&planten("bind"), &["-q", "/tmp"], b"");
    assert_eq!((r.code, r.stderr.as_str()), (Some(1), USAGE));
}
