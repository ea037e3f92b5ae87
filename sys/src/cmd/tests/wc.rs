//! wc against 9front's wc.c. 9base has no wc, so the counts are asserted
//! from wc.c's state machine and report format (" %7llud" per count, the
//! first blank dropped, then " NAME").

use crate::common::*;
use proptest::prelude::*;

fn wc(args: &[&str], input: &[u8]) -> Run {
    run(&planten("wc"), args, input)
}

/// A model of wc.c's counts (lines, words, runes, bad codes, bytes),
/// written from the manual's definitions rather than the state table:
/// runes are decoded greedily with lead bytes c0-f7 taking as many
/// continuation bytes as they announce.
fn model(b: &[u8]) -> [u64; 5] {
    let lines = b.iter().filter(|&&c| c == b'\n').count() as u64;
    let words = b
        .split(|&c| c == b' ' || c == b'\t' || c == b'\n')
        .filter(|w| !w.is_empty())
        .count() as u64;
    let (mut runes, mut bad) = (0u64, 0u64);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let need = match c {
            0xC0..=0xDF => 1,
            0xE0..=0xEF => 2,
            0xF0..=0xF7 => 3,
            _ => 0,
        };
        runes += 1;
        if need == 0 {
            if c >= 0x80 {
                bad += 1;
            }
            i += 1;
            continue;
        }
        let mut k = 0;
        while k < need && i + 1 + k < b.len() && (0x80..=0xBF).contains(&b[i + 1 + k]) {
            k += 1;
        }
        i += 1 + k;
        if k < need {
            // A cut rune is one bad code; its bytes make one rune. A byte
            // f8-ff that cut it is the same bad code (statec*: AWDX).
            bad += 1;
            if i < b.len() && b[i] >= 0xF8 {
                runes += 1;
                i += 1;
            }
        }
    }
    [lines, words, runes, bad, b.len() as u64]
}

fn line(counts: &[u64]) -> String {
    counts.iter().map(|n| format!("{n:7}")).collect::<Vec<_>>().join(" ")
}

#[test]
fn default_is_lines_words_bytes() {
    let r = wc(&[], b"hello world\nsecond line here\n");
    assert_eq!(String::from_utf8(r.stdout).unwrap(), "      2       5      29\n");
    assert_eq!(r.code, Some(0));
    let r = wc(&[], b"");
    assert_eq!(r.stdout, b"      0       0       0\n");
    // No final newline: the last word still counts, the line does not.
    let r = wc(&[], b"a b\nc");
    assert_eq!(r.stdout, b"      1       3       5\n");
}

#[test]
fn every_flag_in_wc_c_order() {
    let input = "é x\n\u{4e16}\t\u{1F600}\n".as_bytes();
    // Order is always l w r b c, whatever order the flags came in.
    let r = wc(&["-cbrwl"], input);
    assert_eq!(String::from_utf8(r.stdout).unwrap(), format!("{}\n", line(&[2, 4, 8, 0, input.len() as u64])));
    for (f, i) in [("-l", 0), ("-w", 1), ("-r", 2), ("-b", 3), ("-c", 4)] {
        let r = wc(&[f], input);
        let want = model(input)[i];
        assert_eq!(String::from_utf8(r.stdout).unwrap(), format!("{want:7}\n"), "{f}");
    }
}

#[test]
fn bad_utf8_codes_as_wc_c_counts_them() {
    // c3 then 'x': a bad code, 'x' a rune; ff: bad; a stray 80: bad; a
    // truncated rune at end of file: bad (wc.c: state not sp/wd at end),
    // its continuation bytes not counted as runes (AC2R/AWDR).
    for (input, runes, bad) in [
        (&b"\xc3x"[..], 2, 1),
        (b"\xff", 1, 1),
        (b"\x80", 1, 1),
        (b"ab\xe4\xb8", 3, 1),
        (b"\xe4\xb8\x96", 1, 0),
        (b"\xf0\x9f\x98\x80", 1, 0),
        (b"\xc3\xc3\xa9", 2, 1),
    ] {
        let r = wc(&["-rb"], input);
        assert_eq!(String::from_utf8(r.stdout).unwrap(), format!("{}\n", line(&[runes, bad])), "{input:?}");
    }
}

#[test]
fn files_total_and_missing_files() {
    let d = scratch("wc");
    let a = d.join("a");
    let b = d.join("b");
    std::fs::write(&a, b"one two\n").unwrap();
    std::fs::write(&b, b"x\ny\nz\n").unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let missing = d.join("nope");
    let missing = missing.to_str().unwrap();
    let r = wc(&["-lw", a, missing, b], b"");
    assert_eq!(
        String::from_utf8(r.stdout).unwrap(),
        format!("      1       2 {a}\n      3       3 {b}\n      4       5 total\n")
    );
    // perror(name): no "wc:" prefix; status "can't open" (exit 1 on Linux).
    assert!(r.stderr.starts_with(&format!("{missing}: ")), "{}", r.stderr);
    assert_eq!(r.code, Some(1));
    // One file: no total.
    let r = wc(&["-l", a], b"");
    assert_eq!(String::from_utf8(r.stdout).unwrap(), format!("      1 {a}\n"));
}

#[test]
fn bad_flag_is_usage() {
    let r = wc(&["-x"], b"");
    assert_eq!(r.stderr, format!("usage: {} [-lwrbc] [file ...]\n", planten("wc").display()));
    assert_eq!(r.code, Some(1));
    assert!(r.stdout.is_empty());
}

#[test]
fn large_input_crosses_reads() {
    // A rune split across wc.c's 32 KiB reads must still count once.
    let mut input = vec![b'a'; 32767];
    input.extend_from_slice("é\n".as_bytes());
    input.extend(std::iter::repeat_n(b"word \xe4\xb8\x96\n".as_slice(), 20000).flatten());
    let r = wc(&["-lwrbc"], &input);
    assert_eq!(String::from_utf8(r.stdout).unwrap(), format!("{}\n", line(&model(&input))));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn counts_match_the_model(input in proptest::collection::vec(
        prop_oneof![Just(b' '), Just(b'\n'), Just(b'\t'), Just(b'a'), 0x80u8..=0xff, any::<u8>()], 0..300)) {
        let r = wc(&["-lwrbc"], &input);
        prop_assert_eq!(String::from_utf8(r.stdout).unwrap(), format!("{}\n", line(&model(&input))));
    }
}
