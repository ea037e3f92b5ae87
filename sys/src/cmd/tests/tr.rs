//! tr against 9base's tr and 9front's tr.c.

use crate::common::*;

#[test]
fn tr_matches_9base() {
    let text = "hello world\n\theello  wworld\naabbcc-xyz\n".as_bytes();
    for args in [
        &["a-z", "A-Z"][..],
        &["-d", "l"],
        &["-d", "a-c"],
        &["-s", "a-z ", "a-z "],
        &["-c", "a-z", "X"],
        &["-cs", "a-z", "X"],
        &["-c", "a-c", "\\n"],
        &["-d", "-c", "a\n"],
        &["-ds", "a", "b"],
        &["-dc", "a-z"],
        &["a-", "xy"],
        &["-a", "b"],
        &["\\141", "\\x42"],
        &["\\x", "y"],
        &["\\x4142", "y"],
        &["\\0777", "x"],
        &["a-c", "z"],
        &["ab", "xyz"],
        &["lo", "ol"],
        &["\\-", "_"],
    ] {
        same_as_9base("tr", args, text);
    }
    // Runes: ranges and maps beyond ASCII.
    same_as_9base("tr", &["é世", "e界"], "héllo 世界\n".as_bytes());
    same_as_9base("tr", &["α-ω", "Α-Ω"], "αβγ δ ω\n".as_bytes());
    same_as_9base("tr", &["-d", "α-ω"], "aαβγb\n".as_bytes());
    same_as_9base("tr", &["-c", "a-z\n", "?"], "aé世b\n".as_bytes());
    // Bad UTF-8, and no final newline.
    same_as_9base("tr", &["a", "b"], b"a\xe4ab\n");
    same_as_9base("tr", &["a", "b"], b"ab\xe4\xb8");
    same_as_9base("tr", &["a", "b"], b"no newline a");
    same_as_9base("tr", &["a", "b"], b"");
}

#[test]
fn readrune_rules() {
    // tr.c's readrune gathers bytes until fullrune and decodes them as
    // one: e4 61 62 is a single error rune; an incomplete rune at the end
    // is dropped.
    let r = run(&planten("tr"), &["x", "y"], b"a\xe4abx");
    assert_eq!(r.stdout, "a\u{FFFD}y".as_bytes());
    let r = run(&planten("tr"), &["x", "y"], b"x\xe4\xb8");
    assert_eq!(r.stdout, b"y");
    // -c: runes above the highest named one take the last rune assigned.
    let r = run(&planten("tr"), &["-c", "a", "xy"], "a世b".as_bytes());
    assert_eq!(r.stdout, b"ayy");
}

#[test]
fn errors_are_9fronts() {
    let tr = planten("tr");
    let name = tr.display().to_string();
    // tr.c's usage(): argv0 and the synopsis; status "usage".
    for args in [&[][..], &["a"], &["a", "b", "c"], &["-d"], &["-d", "a", "b"], &["-s", "a"], &["-x", "a", "b"]] {
        let r = run(&tr, args, b"");
        assert_eq!(r.stderr, format!("usage: {name} [-cds] [string1 [string2]]\n"), "{args:?}");
        assert_eq!(r.code, Some(1));
    }
    // 9front: "invalid range specification" (9base capitalises it).
    let r = run(&tr, &["c-a", "z"], b"abc");
    assert_eq!(r.stderr, format!("{name}: invalid range specification\n"));
    assert_eq!(r.code, Some(1));
    let r = run(&tr, &["aa", "xy"], b"abc");
    assert_eq!(r.stderr, format!("{name}: ambiguous translation\n"));
    let r = run(&tr, &["\\777", "x"], b"abc");
    assert_eq!(r.stderr, format!("{name}: character > 0377\n"));
}

#[test]
fn large_input() {
    let mut input = Vec::new();
    for i in 0..20000 {
        input.extend_from_slice(format!("line {i} of the input, ÉTÉ été\n").as_bytes());
    }
    assert!(input.len() > 65536);
    same_as_9base("tr", &["a-zé", "A-ZÉ"], &input);
    same_as_9base("tr", &["-d", "0-9"], &input);
    same_as_9base("tr", &["-s", "a-z", "a-z"], &input);
    same_as_9base("tr", &["-cs", "a-z", "\\n"], &input);
}
