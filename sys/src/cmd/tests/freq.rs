//! freq against 9base's freq, which shares 9front's freq.c formats.

use crate::common::*;

fn inputs() -> Vec<Vec<u8>> {
    let mut big = Vec::new();
    for i in 0..80_000u32 {
        big.extend_from_slice(if i % 3 == 0 { "ü世".as_bytes() } else { b"x\n" });
        big.push((i % 256) as u8);
    }
    vec![
        b"".to_vec(),
        b"hello, world\n".to_vec(),
        b"no final newline".to_vec(),
        "héllo 世界 ☺\n".as_bytes().to_vec(),
        (0..=255u8).collect(),
        b"bad \xc3 utf \xe4\xb8 \xff\xfe\n".to_vec(),
        big,
    ]
}

#[test]
fn matches_9base() {
    for d in inputs() {
        for flags in [&[][..], &["-d"], &["-x"], &["-o"], &["-c"], &["-dxo"]] {
            same_as_9base("freq", flags, &d);
        }
        // Runes: 9base's UTFmax is 3, 9front's 4, so they split bytes
        // 0xF0-0xFF differently; compare only input without them.
        if d.iter().all(|&b| b < 0xF0) {
            for flags in [&["-r"][..], &["-rc"], &["-r", "-c", "-x"]] {
                same_as_9base("freq", flags, &d);
            }
        }
    }
}


#[test]
fn runes_beyond_the_bmp() {
    // 9front's freq.c counts to Runemax (0x10FFFF) and Bgetrune reads
    // four-byte UTF-8; 9base's Runemax is 0xFFFF and it counts each such
    // sequence as Runeerror, so only 9front's rule is asserted.
    let r = run(&planten("freq"), &["-r"], "\u{1F600}\u{1F600}\u{10FFFF}".as_bytes());
    assert_eq!(
        String::from_utf8(r.stdout).unwrap(),
        "128512 373000 1f600 \u{1F600}        2\n1114111 4177777 10ffff \u{10FFFF}        1\n"
    );
    // bgetrune.c: a rune cut short by end of file is not counted; a bad
    // byte is Runeerror, and decoding resumes at the next byte.
    let r = run(&planten("freq"), &["-r", "-d"], b"\xf0\x9f\x98");
    assert!(r.stdout.is_empty());
    let r = run(&planten("freq"), &["-r", "-d"], b"\xf0a\xf4\x90\x80\x80");
    assert_eq!(String::from_utf8(r.stdout).unwrap(), " 97        1\n65533        4\n");
    // Counting bytes, they are four bytes each.
    let r = run(&planten("freq"), &["-d"], "\u{1F600}".as_bytes());
    assert_eq!(String::from_utf8(r.stdout).unwrap(), "128        1\n152        1\n159        1\n240        1\n");
}

#[test]
fn layout_is_9fronts() {
    // freq.c: "%3ld " "%.3lo " "%.2lx " then "%C " or "- ", "%8llud\n".
    let r = run(&planten("freq"), &[], b"a\n\xe9");
    assert_eq!(
        String::from_utf8(r.stdout).unwrap(),
        " 10 012 0a -        1\n 97 141 61 a        1\n233 351 e9 é        1\n"
    );
    // Runes above 0xFF print as characters only with -r.
    let r = run(&planten("freq"), &["-rc"], "世".as_bytes());
    assert_eq!(String::from_utf8(r.stdout).unwrap(), "世        1\n");
}

#[test]
fn files_and_errors() {
    let d = scratch("freq");
    let a = d.join("a");
    std::fs::write(&a, b"aab").unwrap();
    let a = a.to_str().unwrap();
    let missing = d.join("nope");
    let missing = missing.to_str().unwrap();
    // Counts restart for each file; a missing file is reported and
    // skipped, and the status stays empty (freq.c exits(0)).
    same_as_9base("freq", &["-c", a, missing, a], b"");
    let r = run(&planten("freq"), &["-c", a, missing, a], b"");
    assert_eq!(r.stdout, b"a        2\nb        1\na        2\nb        1\n");
    assert!(r.stderr.starts_with(&format!("open {missing}: ")), "{}", r.stderr);
    assert_eq!(r.code, Some(0));
    // freq.c's usage names "freq" whatever argv0 is.
    let r = run(&planten("freq"), &["-z"], b"");
    assert_eq!(r.stderr, "usage: freq [-cdorx] [file ...]\n");
    assert_eq!(r.code, Some(1));
}
