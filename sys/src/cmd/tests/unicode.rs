//! unicode against 9base's unicode, and 9front's unicode.c where 9base's
//! older Runemax (0xFFFF) differs.

use crate::common::*;

#[test]
fn ranges_match_9base() {
    for args in [&["0-20"][..], &["3b1-3c9", "7f-83"], &["0x41-0x43"], &["d7ff-d801"], &["41-41"], &["0-ffff"]] {
        same_as_9base("unicode", args, b"");
    }
    // The full BMP is well over 64 KiB.
    assert!(run(&planten("unicode"), &["0-ffff"], b"").stdout.len() > 500_000);
}

#[test]
fn chars_and_numbers_match_9base() {
    for args in [
        &["41", "42", "0x43"][..],
        &["-t", "41", "42", "3b1"],
        &["-n", "abc"],
        &["hello", "é世"],
        &["-n", "41"],
        &["-n", "héllo", "世界"],
        &["-n", ""],
        &["ffff"],
        &["-x", "41"],
    ] {
        same_as_9base("unicode", args, b"");
    }
}

#[test]
fn errors_match_9base() {
    for args in [&["41-"][..], &["zz-41"], &["41-40"], &["110000"], &["41x"], &["ffffffffff-1"], &["41-42", "x"], &[""]] {
        same_as_9base("unicode", args, b"");
    }
    let r = run(&planten("unicode"), &["41-40"], b"");
    assert_eq!((r.code, r.stderr.as_str()), (Some(1), "unicode: bad range 41-40\n"));
    let r = run(&planten("unicode"), &["41", "4q"], b"");
    assert_eq!((r.stdout.as_slice(), r.stderr.as_str()), (&b"A\n"[..], "unicode: bad unicode value 4q\n"));
    let r = run(&planten("unicode"), &[], b"");
    assert_eq!(r.code, Some(1));
    assert_eq!(r.stderr, "usage: unicode { [-t] hex hex ... | hexmin-hexmax ... | [-n] char ... }\n");
}

#[test]
fn runes_above_the_bmp() {
    // 9front's Runemax is 0x10FFFF (libc.h); 9base's is 0xFFFF.
    let r = run(&planten("unicode"), &["10ffff", "1f600"], b"");
    assert_eq!(r.stdout, "\u{10ffff}\n😀\n".as_bytes());
    let r = run(&planten("unicode"), &["10000-10002"], b"");
    assert_eq!(r.stdout, "10000 \u{10000}\t10001 \u{10001}\t10002 \u{10002}\n".as_bytes());
    let r = run(&planten("unicode"), &["-n", "😀"], b"");
    assert_eq!(r.stdout, b"1f600\n");
    let r = run(&planten("unicode"), &["10fffe-110000"], b"");
    assert_eq!((r.code, r.stderr.as_str()), (Some(1), "unicode: bad range 10fffe-110000\n"));
}
