//! grep against 9base's grep (same search loop and DFA as 9front's, an
//! older grammar and error reporting) and against 9front's source where
//! they differ.

use crate::common::*;
use proptest::prelude::*;

const TEXT: &[u8] = b"hello world\nfoo bar\nbaz\n\nlast one\nFoo Bar\nfunction x(y)\n\
    a+b=c\n[bracket]\nback\\slash\ntab\there\nca\xc3\xa9 cr\xc3\xa8me\n\xe4\xb8\x96\xe7\x95\x8c\n\
    Stra\xc3\x9fe\n\xff\xfe bad bytes\n\x00nul\nend";

#[test]
fn every_flag_matches_9base() {
    for args in [
        &["o"][..],
        &["-v", "o"],
        &["-c", "o"],
        &["-n", "o"],
        &["-i", "foo"],
        &["-i", "BAR"],
        &["-l", "o"],
        &["-L", "o"],
        &["-L", "zzz"],
        &["-s", "o"],
        &["-s", "zzz"],
        &["-b", "o"],
        &["-h", "o"],
        &["-cv", "a"],
        &["-nv", "a"],
        &["-in", "f"],
        &["-ci", "B"],
        &["-e", "foo", "-e", "baz"],
        &["-e", "-n"],
        &["-n", "-e", "last", "-e", "back"],
        &["-vn", "^$"],
        &["-c", "^"],
        &["-n", "$"],
    ] {
        same(args, TEXT);
    }
}

#[test]
fn files_names_and_statuses() {
    let d = scratch("files");
    std::fs::write(d.join("a"), "one\ntwo\nthree\n").unwrap();
    std::fs::write(d.join("b"), "four\nfive\nsix").unwrap();
    std::fs::write(d.join("empty"), "").unwrap();
    std::fs::write(d.join("pats"), "o\n\nive\n").unwrap();
    for args in [
        &["o", "a"][..],
        &["o", "a", "b"],
        &["-h", "o", "a", "b"],
        &["-c", "o", "a", "b", "empty"],
        &["-l", "e", "a", "b", "empty"],
        &["-L", "e", "a", "b", "empty"],
        &["-n", "i", "a", "b"],
        &["-v", "x", "b", "/dev/null"],
        &["-v", "x", "b"],
        &["x", "empty"],
        &["-v", "x", "empty"],
        &["-f", "pats", "a", "b"],
        &["-c", "-f", "pats", "a", "b"],
        &["-e", "one", "-f", "pats", "a"],
        &["o", "a", "missing"],
        &["zzz", "a", "missing"],
        &["-s", "e", "a", "b"],
    ] {
        same_in(args, b"", Some(&d));
    }
    // A missing file is reported, and the others still count.
    let r = run_in(&planten(), &["o", "a", "missing"], b"", Some(&d));
    assert_eq!(r.code, Some(0));
    assert!(r.stderr.starts_with("grep: can't open missing: "), "{}", r.stderr);
    let r = run_in(&planten(), &["o", "missing"], b"", Some(&d));
    assert_eq!((r.code, r.stdout.len()), (Some(1), 0));
    // main.c: status "no matches" when nothing is selected.
    assert_eq!(run(&planten(), &["zzz"], b"abc\n").code, Some(1));
    assert_eq!(run(&planten(), &["-v", "zzz"], b"abc\n").code, Some(0));
    // stdin is named "stdin" (main.c).
    let r = run(&planten(), &["-l", "b"], b"abc\n");
    assert_eq!(r.stdout, b"stdin\n");
    let r = run_in(&planten(), &["-f", "nosuch", "a"], b"", Some(&d));
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.starts_with("grep: can't open nosuch: "));
}

#[test]
fn last_line_without_newline() {
    // main.c prints a last line without a newline as it is, unless lines
    // are tagged with file names.
    let r = run(&planten(), &["x"], b"a\nx");
    assert_eq!(r.stdout, b"x");
    let d = scratch("lastline");
    std::fs::write(d.join("f"), "a\nx").unwrap();
    let r = run_in(&planten(), &["x", "f", "/dev/null"], b"", Some(&d));
    assert_eq!(r.stdout, b"f:x\n");
    for args in [&["x", "f"][..], &["x", "f", "/dev/null"], &["-v", "a", "f"], &["-c", "x", "f"]] {
        same_in(args, b"", Some(&d));
    }
    same(&["x"], b"x");
    same(&["-n", "y"], b"x\ny");
    same(&["-v", "q"], b"");
}

#[test]
fn usage() {
    for args in [&[][..], &["-x", "a"], &["-e"], &["-f"], &["-q", "a"]] {
        let r = run(&planten(), args, b"");
        assert_eq!(r.code, Some(1), "{args:?}");
        assert_eq!(r.stderr, "usage: grep [-bchiLlnsv] [-e pattern] [-f patternfile] [file ...]\n");
    }
}

#[test]
fn patterns_match_9base() {
    let input = b"abc\nabbbc\nac\nxyz\naXc\n(paren)\na|b\n*star\nx.y\nxzy\n\
        caf\xc3\xa9\n\xce\xb1\xce\xb2\xce\xb3\n\xe4\xb8\x96\ntab\tx\n\n  \nend\n";
    for p in [
        "ab*c",
        "ab+c",
        "ab?c",
        "a(b|X)c",
        "^a",
        "c$",
        "^$",
        "^...$",
        "x.y",
        "x\\.y",
        "a\\|b",
        "[a-c]",
        "[^a-z\n]",
        "[xyz]+",
        "[\\]]",
        "[\\-]",
        "(a|b|c|x)(b|c|y)",
        "\\(paren\\)",
        "*(paren)",
        "*a|b",
        "a\\",
        "((a))",
        "(ab|a)(c|bc)",
        "caf.",
        "é",
        "[é]",
        "[α-γ]+",
        "[^a-z]",
        ".",
        "..",
        "^.$",
        "^[^a]",
        "[世]",
        "a|b|c|d|e|f|g|h|i",
        "[abcdefgh]x",
        "z|y|x|w|v|u|t|s|r|q|p",
        "b*",
        "(a*)*",
        "(a|)",
        "a**",
        "a+?",
        "\t",
        "[ ]",
        "^ +$",
    ] {
        same(&[p], input);
        same(&["-v", p], input);
        same(&["-i", p], input);
    }
    // Newlines in a pattern separate alternatives, as in a -f file.
    same(&["abc\nxyz"], input);
    same(&["-n", "abc\n\nxyz\n"], input);
}

#[test]
fn classes_and_runes() {
    let mut input = Vec::new();
    for r in [0x41u32, 0x7f, 0x80, 0x7ff, 0x800, 0xfff, 0x1000, 0xffff, 0xe9, 0x3b1, 0x4e16] {
        input.extend_from_slice(char::from_u32(r).unwrap().to_string().as_bytes());
        input.push(b'\n');
    }
    input.extend_from_slice(b"\xc3\n\xe4\xb8\n\xff\n");
    for p in [
        ".",
        "^.$",
        "[^a]",
        "^[^a]$",
        "[\u{80}-\u{7ff}]",
        "^[\u{800}-\u{ffff}]$",
        "[\u{7f}-\u{800}]",
        "[α-ω]",
        "[A-\u{e9}]",
        "^[^\u{e9}]$",
        "[\u{fff}-\u{1000}]",
        "^..$",
    ] {
        same(&["-n", p], &input);
    }
}

#[test]
fn error_messages_are_9fronts() {
    // 9front's grep.y: yyerror names the pattern (plan9port's does not),
    // and `prog: /* empty */` reports "empty pattern" when a pattern
    // cannot start the way it does.
    for (p, msg) in [
        ("", "grep: empty pattern\n"),
        ("a|", "grep: a|: syntax error\n"),
        ("(a", "grep: (a: syntax error\n"),
        ("a)", "grep: a): syntax error\n"),
        ("x[a", "grep: x[a: syntax error\n"),
        ("[a", "grep: [a: empty pattern\n"),
        ("+a", "grep: +a: empty pattern\n"),
        ("|a", "grep: |a: empty pattern\n"),
        (")", "grep: ): empty pattern\n"),
        ("\na", "grep: \na: empty pattern\n"),
        ("*", "grep: *: syntax error\n"),
        ("a||b", "grep: a||b: syntax error\n"),
    ] {
        let r = run(&planten(), &[p], b"a\n");
        assert_eq!((r.code, r.stderr.as_str()), (Some(1), msg), "{p:?}");
        // 9base fails the same patterns, with plan9port's messages.
        assert_eq!(run(&ninebase(), &[p], b"a\n").code, Some(1), "{p:?}");
    }
    // A later empty -e names the pattern before it (str2top checks before
    // it records the pattern).
    let r = run(&planten(), &["-e", "a", "-e", ""], b"a\n");
    assert_eq!(r.stderr, "grep: a: empty pattern\n");
    // -f names the file and line.
    let d = scratch("errs");
    std::fs::write(d.join("p"), "a\nb(\nc\n").unwrap();
    let r = run_in(&planten(), &["-f", "p"], b"", Some(&d));
    assert_eq!(r.stderr, "grep: p:3: syntax error\n");
    std::fs::write(d.join("q"), "\na\n").unwrap();
    let r = run_in(&planten(), &["-f", "q"], b"", Some(&d));
    assert_eq!(r.stderr, "grep: q:2: empty pattern\n");
    // After -f, grep reads every pattern from the file (getrec checks
    // flags['f']): a later -e finds it at its end.
    let r = run_in(&planten(), &["-f", "p", "-e", "x"], b"", Some(&d));
    assert_eq!(r.code, Some(1));
}

#[test]
fn yacc_stack_depth_is_9fronts() {
    // yacc's parse stack has 150 entries (YYMAXDEPTH); 9base's yacc is
    // the same, so the deepest nesting that parses agrees.
    for (n, ok) in [(147, true), (148, false)] {
        let p = format!("{}a{}", "(".repeat(n), ")".repeat(n));
        let r = run(&planten(), &[&p], b"a\n");
        assert_eq!(r.code, Some(if ok { 0 } else { 1 }), "{n}");
        if !ok {
            assert_eq!(r.stderr, format!("grep: {p}: yacc stack overflow\n"));
        }
        same(&[&p], b"a\n");
    }
    for n in [73, 74] {
        let p = format!("{}a{}", "a(".repeat(n), ")".repeat(n));
        same(&["-c", &p], b"a\n");
    }
}

#[test]
fn where_9front_differs_from_9base() {
    // comp.c: 9front's `$` checks for the newline and goes on with what
    // follows it; plan9port's reports a match at any `$` before a
    // newline, so `$a` matched every line there.
    let r = run(&planten(), &["$a"], b"abc\nbcd\n");
    assert_eq!((r.code, r.stdout.len()), (Some(1), 0));
    assert_eq!(run(&ninebase(), &["$a"], b"abc\n").code, Some(0));
    // 9front's rclass goes up to Runemax: `.` and negated classes match
    // runes beyond the BMP (plan9port stops at 0xFFFF).
    let r = run(&planten(), &["^.$"], "\u{1F600}\n".as_bytes());
    assert_eq!(r.stdout, "\u{1F600}\n".as_bytes());
    let r = run(&planten(), &["^[^a]$"], "\u{10FFFF}\n".as_bytes());
    assert_eq!(r.code, Some(0));
    // `^` consumes the newline before a line, so a pattern can span
    // lines: the second line is reported.
    same(&["x^y"], b"ax\nyb\nc\n");
    let r = run(&planten(), &["x^y"], b"ax\nyb\nc\n");
    assert_eq!(r.stdout, b"yb\n");
}

#[test]
fn long_lines_are_cut_as_9fronts() {
    // main.c keeps the first 16K of a line that spans three or more of
    // its 16K reads, then the read where the line ends; 9base does the
    // same, so compare on files (pipes read in other sizes).
    let d = scratch("long");
    let mut data = Vec::new();
    let mut x: u32 = 7;
    for n in [10usize, 16383, 16384, 16385, 32767, 32768, 40000, 70000, 100, 200_000] {
        for _ in 0..n {
            x = x.wrapping_mul(1103515245).wrapping_add(12345);
            data.push(b"abcxyz"[(x >> 16) as usize % 6]);
        }
        data.push(b'\n');
    }
    data.extend_from_slice(&[b'q'; 50000]); // no final newline
    std::fs::write(d.join("f"), &data).unwrap();
    for args in [
        &["xyz", "f"][..],
        &["-n", "abc", "f"],
        &["-v", "qqq", "f"],
        &["q", "f"],
        &["q", "f", "/dev/null"],
        &["-c", "a", "f"],
        &["-i", "XYZA", "f"],
    ] {
        same_in(args, b"", Some(&d));
    }
    // The last line (50000 bytes, no newline) ends in the added newline's
    // own read: its first 16K is all that is printed.
    let r = run_in(&planten(), &["q", "f"], b"", Some(&d));
    assert_eq!(r.stdout, vec![b'q'; 16384]);
}

/// A large input with many lines, for the multi-chain search and the
/// prefilter (which only work on inputs of more than 64 KiB).
fn big() -> Vec<u8> {
    let words = [
        "the", "of", "and", "function", "value", "error", "string", "Foo", "BAR", "xyzzy", "é",
        "ab",
    ];
    let mut out = Vec::new();
    let mut x: u64 = 1;
    for i in 0..60_000 {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let n = (x >> 60) as usize;
        for k in 0..n {
            if k > 0 {
                out.push(b' ');
            }
            out.extend_from_slice(words[(x >> (k * 4 % 56)) as usize % words.len()].as_bytes());
        }
        if i % 1000 == 7 {
            out.extend_from_slice(b" rare");
        }
        out.push(b'\n');
    }
    out
}

#[test]
fn large_inputs_match_9base() {
    let d = scratch("big");
    let data = big();
    std::fs::write(d.join("big"), &data).unwrap();
    for args in [
        &["rare", "big"][..],
        &["-n", "rare", "big"],
        &["-c", "function", "big"],
        &["-n", "the", "big"],
        &["-v", "e", "big"],
        &["-vn", "of", "big"],
        &["-ci", "foo", "big"],
        &["-in", "BAR value", "big"],
        &["-c", "e(rr|xx)or", "big"],
        &["-n", "^ab", "big"],
        &["-c", "[xyz]$", "big"],
        &["-n", "é ab$", "big"],
        &["-c", "^$", "big"],
        &["-l", "rare", "big", "/dev/null"],
        &["-n", "x^the", "big"],
        &["-c", "ab\nrare", "big"],
    ] {
        same_in(args, b"", Some(&d));
    }
    // Standard input too.
    same(&["-c", "of the"], &data);
    same(&["-n", "rare"], &data);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Random patterns over grep's syntax, without the `$` that 9front
    /// and plan9port treat differently: same lines, same status.
    #[test]
    fn random_patterns_match_9base(
        p in prop::collection::vec(prop::sample::select(vec![
            "a", "b", "é", ".", "*", "+", "?", "|", "(", ")", "[ab]", "[^a]", "^", "\\.", "x",
        ]), 1..8)
    ) {
        let p: String = p.concat();
        let input = b"ab\nba\naab\n\nx.y\n\xc3\xa9a\nb\xc3\xa9\n";
        let ours = run(&planten(), &["-n", &p], input);
        let theirs = run(&ninebase(), &["-n", &p], input);
        prop_assert_eq!((ours.code, ours.stdout), (theirs.code, theirs.stdout), "pattern {:?}", p);
    }
}
