//! echo against 9base's echo and 9front's echo.c.

use crate::common::*;

#[test]
fn echo_matches_9base() {
    for args in [
        &[][..],
        &["hello"],
        &["a", "b", "  c  "],
        &["-n", "no", "newline"],
        &["-n"],
        &["", ""],
        &["é", "世界"],
    ] {
        same_as_9base("echo", args, b"");
    }
}

#[test]
fn only_a_leading_dash_n_is_a_flag() {
    // echo.c looks at argv[1] alone, and only for exactly "-n".
    let r = run(&planten("echo"), &["a", "-n"], b"");
    assert_eq!(r.stdout, b"a -n\n");
    let r = run(&planten("echo"), &["-nn", "x"], b"");
    assert_eq!(r.stdout, b"-nn x\n");
    let r = run(&planten("echo"), &["-n", "-n"], b"");
    assert_eq!(r.stdout, b"-n");
    assert_eq!(r.code, Some(0));
}
