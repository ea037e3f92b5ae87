//! strings against 9base's strings and 9front's strings.c.

use crate::common::*;

#[test]
fn strings_match_9base() {
    let mut bin = Vec::new();
    bin.extend_from_slice(b"\x01\x02hello\x00world, this is a test\x03\x04abcdef\x05");
    // Runes only after the first six: 9front's offset counts the first
    // six runes as six bytes, 9base's as their length.
    bin.extend_from_slice("utf text: 世界 here\x00".as_bytes());
    bin.extend_from_slice(b"short\x00tail without end");
    same_as_9base("strings", &[], &bin);
    same_as_9base("strings", &[], b"");
    // A string at the very start: 9base says offset 1; strings.c's
    // Boffset(&fin)-minspan is 0.
    assert_eq!(run(&planten("strings"), &[], b"abcdefghij\n").stdout, b"       0: abcdefghij\n");
    let mut big = Vec::new();
    for i in 0..5000 {
        big.extend_from_slice(format!("\x01\x02string number {i}\x00").as_bytes());
    }
    assert!(big.len() > 65536);
    same_as_9base("strings", &[], &big);
}

#[test]
fn strings_are_9fronts() {
    let s = planten("strings");
    // 9front's isprint rejects Runeerror (9base prints it) and the
    // offset is bytes after the first min runes, less min.
    let r = run(&s, &[], b"\x01abcdef\xffghijklm");
    assert_eq!(r.stdout, b"       1: abcdef\n       8: ghijklm\n");
    let r = run(&s, &[], "\x01ééééééé!".as_bytes());
    assert_eq!(r.stdout, "       7: ééééééé!\n".as_bytes());
    // -m (9front only).
    let r = run(&s, &["-m", "3"], b"ab\x00abc\x00abcd");
    assert_eq!(r.stdout, b"       3: abc\n       7: abcd\n");
    let r = run(&s, &["-m2"], b"\x00xy");
    assert_eq!(r.stdout, b"       1: xy\n");
    // Below U+00A1 only ASCII blank to ~ is printable.
    let r = run(&s, &["-m", "1"], "a\u{A0}b\u{A1}".as_bytes());
    assert_eq!(r.stdout, "       0: a\n       3: b\u{A1}\n".as_bytes());
}

#[test]
fn files_and_errors() {
    let s = planten("strings");
    let name = s.display().to_string();
    for args in [&["-m", "0"][..], &["-m", "x"], &["-q"], &["-m"]] {
        let r = run(&s, args, b"");
        assert_eq!(r.stderr, format!("usage: {name} [-m min] [file...]\n"), "{args:?}");
        assert_eq!(r.code, Some(1));
    }
    let d = scratch("strings");
    let a = d.join("a");
    std::fs::write(&a, b"\x00first string\x00").unwrap();
    let a = a.to_str().unwrap();
    let missing = d.join("nope");
    let missing = missing.to_str().unwrap();
    let r = run(&s, &[a, missing, a], b"");
    let one = "       1: first string\n";
    assert_eq!(String::from_utf8(r.stdout).unwrap(), format!("{a}:\n{one}{missing}:\n{a}:\n{one}"));
    // strings.c: perror("open"), and the exit status stays empty.
    assert!(r.stderr.starts_with("open: "), "{}", r.stderr);
    assert_eq!(r.code, Some(0));
    same_as_9base("strings", &[a], b"");
}
