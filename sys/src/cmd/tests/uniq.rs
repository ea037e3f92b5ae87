//! uniq against 9base's uniq and 9front's uniq.c.

use crate::common::*;

const INPUT: &[u8] = b"a\na\nb\nc\nc\nc\nd\nx 1\ny 1\nx  2\nab\nabc\nabd\nabd\n";

#[test]
fn uniq_matches_9base() {
    for args in [
        &[][..],
        &["-u"],
        &["-d"],
        &["-c"],
        &["-s"],
        &["-1"],
        &["+1"],
        &["-1", "+1"],
        &["-c", "-1"],
        &["-u", "+2"],
        &["-s", "-u"],
        &["-s", "-d"],
        &["-x"],
    ] {
        same_as_9base("uniq", args, INPUT);
    }
    same_as_9base("uniq", &[], b"");
    same_as_9base("uniq", &["-c"], "é\né\nÉ\n世界\n世界\n".as_bytes());
    // uniq.c reads with Brdline: a last line without a newline is not seen.
    same_as_9base("uniq", &[], b"a\na\nb");
    same_as_9base("uniq", &["-c"], b"only");
}

#[test]
fn last_line_without_newline_is_dropped() {
    let r = run(&planten("uniq"), &[], b"a\na\nb");
    assert_eq!(r.stdout, b"a\n");
    let r = run(&planten("uniq"), &["-c"], b"a\nb\nb\n");
    assert_eq!(r.stdout, b"   1 a\n   2 b\n");
}

#[test]
fn file_argument_and_errors() {
    let d = scratch("uniq");
    let f = d.join("in");
    std::fs::write(&f, INPUT).unwrap();
    let f = f.to_str().unwrap();
    same_as_9base("uniq", &["-d", f], b"");
    let missing = d.join("nope");
    let missing = missing.to_str().unwrap();
    let r = run(&planten("uniq"), &[missing], b"");
    assert_eq!(r.stderr, format!("{}: cannot open {missing}\n", planten("uniq").display()));
    assert_eq!(r.code, Some(1));
    let r = run(&planten("uniq"), &[f, "extra"], b"");
    assert_eq!(r.stderr, format!("{}: unexpected argument extra\n", planten("uniq").display()));
    assert_eq!(r.code, Some(1));
    assert_eq!(run(&ninebase("uniq"), &[f, "extra"], b"").code, Some(1));
}

#[test]
fn large_input() {
    let mut input = Vec::new();
    for i in 0..30000 {
        let l = format!("line {}\n", i / 3);
        input.extend_from_slice(l.as_bytes());
    }
    same_as_9base("uniq", &["-c"], &input);
    let r = run(&planten("uniq"), &[], &input);
    assert_eq!(r.stdout.iter().filter(|&&c| c == b'\n').count(), 10000);
    // Counts wider than "%4d " leaves room for, and runs of one.
    let mut input = "x\n".repeat(123456).into_bytes();
    input.extend_from_slice(b"y\nz\nz\n");
    input.extend_from_slice("w\n".repeat(10000).as_bytes());
    same_as_9base("uniq", &["-c"], &input);
    let r = run(&planten("uniq"), &["-c"], &input);
    assert_eq!(String::from_utf8_lossy(&r.stdout), "123456 x\n   1 y\n   2 z\n10000 w\n");
}
