//! seq against 9base's seq and 9front's seq.c.

use crate::common::*;

#[test]
fn seq_matches_9base() {
    for args in [
        &["3"][..],
        &["2", "5"],
        &["5", "2"],
        &["10", "-3", "1"],
        &["-5", "2", "1"],
        &["0", ".05", ".1"],
        &["-w", "0", ".05", ".1"],
        &["-w", "8", "11"],
        &["-w", "-3", "3"],
        &["1e6", "1e6"],
        &["-w", "1e6", "1e6"],
        &["1", "0.3", "2"],
        &["-fx%5.2fy", "1", "3"],
        &["-f", "%e", "1", "2"],
        &["-f", "%g\n", "7", "8"],
        &["-f", "%.3f %%", "1", "2"],
        &["1", "2000"],
    ] {
        same_as_9base("seq", args, b"");
    }
}

#[test]
fn zero_increment_and_usage() {
    let r = run(&planten("seq"), &["1", "0", "3"], b"");
    assert_eq!(r.stderr, "seq: zero increment\n");
    assert_eq!(r.code, Some(1));
    assert!(r.stdout.is_empty());
    for args in [&[][..], &["1", "2", "3", "4"], &["-f"]] {
        let r = run(&planten("seq"), args, b"");
        assert_eq!(r.stderr, "usage: seq [-fformat] [-w] [first [incr]] last\n", "{args:?}");
        assert_eq!(r.code, Some(1));
        if args.len() != 1 {
            // (9base's seq crashes on a bare -f; 9front's EARGF calls usage.)
            let theirs = run(&ninebase("seq"), args, b"");
            assert_eq!(theirs.code, r.code);
        }
    }
}

#[test]
fn steps_stop_at_last() {
    // seq.c's loop stops at the last value <= last: 9 (9base's seq, which
    // counts steps, goes on to 11).
    let r = run(&planten("seq"), &["1", "2", "10"], b"");
    assert_eq!(String::from_utf8(r.stdout).unwrap(), "1\n3\n5\n7\n9\n");
    let r = run(&planten("seq"), &["0.5", "3"], b"");
    assert_eq!(String::from_utf8(r.stdout).unwrap(), "0.5\n1.5\n2.5\n");
}

#[test]
fn last_below_first_prints_nothing() {
    // seq.c: for(val = min; val <= max; ...) with min 1, max 0 runs no
    // step (9base's seq prints "1" here).
    let r = run(&planten("seq"), &["0"], b"");
    assert_eq!(r.stdout, b"");
    assert_eq!(r.code, Some(0));
    let r = run(&planten("seq"), &["-w", "5", "-1", "1"], b"");
    assert_eq!(String::from_utf8(r.stdout).unwrap(), "5\n4\n3\n2\n1\n");
}

#[test]
fn rounding_is_9fronts_half_up() {
    // fltfmt.c rounds the decimal digits half up: 0.125 at %.2f is 0.13
    // (C's printf, and so a printf-based seq, gives 0.12).
    let r = run(&planten("seq"), &["-f%.2f", "0.125", "1"], b"");
    assert_eq!(String::from_utf8(r.stdout).unwrap(), "0.13\n");
    // Unknown flags end the flags and stay operands (goto out in seq.c).
    let r = run(&planten("seq"), &["-w", "-2", "1"], b"");
    assert_eq!(String::from_utf8(r.stdout).unwrap(), "-2\n-1\n00\n01\n");
}

#[test]
fn large_output() {
    let r = run(&planten("seq"), &["100000"], b"");
    let want: String = (1..=100000).map(|i| format!("{i}\n")).collect();
    assert_eq!(String::from_utf8(r.stdout).unwrap(), want);
}
