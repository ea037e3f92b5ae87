//! sed against 9base's sed (plan9port's sed.c, a close relative of
//! 9front's) and against 9front's sed.c where the two differ.

use crate::common::*;
use proptest::prelude::*;

const TEXT: &[u8] = b"hello world\nfoo bar\nbaz qux\n\nlast one\nFoo Bar\nthe end";

fn sed(args: &[&str], stdin: &[u8]) -> Run {
    run(&planten("sed"), args, stdin)
}

#[test]
fn commands_match_9base() {
    for script in [
        "p",
        "s/o/0/",
        "s/o/0/g",
        "s/o/(&)/gp",
        "s/(o)(.)/\\2\\1/g",
        "s/x*/-/g",
        "s/$/$/",
        "s/^/>/g",
        "s/b*/X/g",
        "s/[aeiou]+/<&>/g",
        "s/o\\n*/O/",
        "s/./&&/3",
        "2q",
        "3d",
        "$d",
        "$!d",
        "1,3d",
        "2,4p",
        "/foo/,/last/d",
        "/^$/d",
        "/o/!d",
        "/o/,+2p",
        "2,/e/s/e/E/",
        "4,2p",
        "/e/,1p",
        "=",
        "$=",
        "l",
        "y/abc/xyz/",
        "y/o\\nl/0_L/",
        "G",
        "g",
        "h;d",
        "H;$!d;x",
        "x;$G",
        "N;P;D",
        "$!N;s/\\n/ /",
        "1!G;h;$!d",
        "n;d",
        "N;N;s/\\n/|/g",
        "/foo/{p;p;}",
        "/o/{s/o/0/;/0r/d;}",
        "2{\n=\n}",
        "/e/!{s/^/-/\n}",
        ":a\ns/o/0/\nta",
        ":a;s/l//;ta",
        "s/x/y/;t\np",
        "/foo/b skip\np\n:skip",
        "2i\\\ninserted",
        "2a\\\nappended\\\ntwice",
        "2c\\\nchanged",
        "2,3c\\\nchanged",
        "$a\\\nat end",
        "1i\\\n  indented\\\n\\  kept",
        "P",
        "2,3!p",
        "$p",
        "s/o/\\n/g",
        "s/l/\\&/g",
        "s/\\(//",
        "s/a|e/_/g",
        "s/(he|fo)(l|o)+/[\\1,\\2]/g",
        "D",
        "s/ //;T",
        "#comment\np",
        " ; p ; ",
        "2,3{;p;}",
        "1~2p",
    ] {
        same_as_9base("sed", &[script], TEXT);
        same_as_9base("sed", &["-n", script], TEXT);
    }
}

#[test]
fn flags_match_9base() {
    for args in [
        &["-n", "-e", "p", "-e", "p"][..],
        &["-e", "s/o/0/", "-e", "s/0/O/"],
        &["-ne", "2p"],
        &["-g", "s/o/0/"],
        &["-n", "-g", "s/o/0/p"],
        &["--", "s/o/0/"],
    ] {
        same_as_9base("sed", args, TEXT);
    }
    let d = scratch("sedflags");
    std::fs::write(d.join("script"), "s/o/0/g\n/bar/d\n$a\\\nEND\n").unwrap();
    std::fs::write(d.join("in1"), "one\ntwo").unwrap();
    std::fs::write(d.join("in2"), "foo bar\nthree\n").unwrap();
    for args in [
        &["-f", "script", "in1", "in2"][..],
        &["-n", "$p", "in1", "in2"],
        &["=", "in1", "in2"],
        &["-f", "script", "-e", "s/t/T/", "in2"],
        &["$d", "in2", "in1"],
    ] {
        let ours = run_in(&planten("sed"), args, b"", Some(&d));
        let theirs = run_in(&ninebase("sed"), args, b"", Some(&d));
        assert_eq!((ours.code, ours.stdout), (theirs.code, theirs.stdout), "{args:?}");
    }
    // No arguments at all: nothing, successfully (sed.c's main).
    let r = sed(&[], b"x\n");
    assert_eq!((r.code, r.stdout.len()), (Some(0), 0));
}

#[test]
fn files_r_and_w() {
    for (name, prog) in [("planten", planten("sed")), ("9base", ninebase("sed"))] {
        let d = scratch(&format!("sedw-{name}"));
        std::fs::write(d.join("extra"), "EXTRA\n").unwrap();
        std::fs::write(d.join("old"), "kept\n").unwrap();
        let script = "/o/w out\ns/b/B/w subs\n2r extra\n3r missing\n$w old";
        let r = run_in(&prog, &[script], TEXT, Some(&d));
        assert_eq!(r.code, Some(0));
        let got = (
            String::from_utf8_lossy(&r.stdout).into_owned(),
            std::fs::read_to_string(d.join("out")).unwrap(),
            std::fs::read_to_string(d.join("subs")).unwrap(),
            std::fs::read_to_string(d.join("old")).unwrap(),
        );
        // w appends to an existing file (open_file seeks to its end).
        assert_eq!(got.3, "kept\nthe end\n", "{name}");
        assert_eq!(got.1, "hello world\nfoo bar\nlast one\nFoo Bar\n", "{name}");
        assert_eq!(got.2, "foo Bar\nBaz qux\n", "{name}");
        assert!(got.0.contains("foo Bar\nEXTRA\nBaz qux\n\n"), "{name}: {}", got.0);
    }
}

#[test]
fn utf8_runes_and_bad_bytes() {
    let input = "café crème\nαβγ δ\n世界\nStraße\n".as_bytes();
    for script in
        ["s/é/E/g", "s/./[&]/g", "y/αβγ/abc/", "s/[α-ω]+/G/", "l", "s/[^a-z ]/?/g", "s/^.//"]
    {
        same_as_9base("sed", &[script], input);
    }
    // sed reads runes: a bad byte becomes U+FFFD, and NULs are dropped.
    let r = sed(&["s/x/y/"], b"a\xffb\x00c\n");
    assert_eq!(r.stdout, "a\u{fffd}bc\n".as_bytes());
    same_as_9base("sed", &["p"], b"a\xffb\n\xe4\xb8x\n");
    // P writes each rune as a byte (Bputc of a Rune).
    let r = sed(&["-n", "P"], "é\n".as_bytes());
    assert_eq!(r.stdout, b"\xe9\n");
    same_as_9base("sed", &["-n", "P"], "é\n".as_bytes());
    // l prints runes beyond ASCII as \x and 4 hex digits, and folds lines
    // after 72 columns.
    let r = sed(&["-n", "l"], "é\t\\ \u{1F600}\n".as_bytes());
    assert_eq!(r.stdout, b"\\x00e9\\t\\\\ \\xf600\n");
    let long = "x".repeat(200) + "\n";
    same_as_9base("sed", &["-n", "l"], long.as_bytes());
    same_as_9base("sed", &["-n", "l"], b"end with space \n");
}

#[test]
fn regexp_corner_cases_match_9base() {
    let input = b"aaa\nabab\nxyz\n\na.b\n(paren)\nback\\slash\n";
    for script in [
        "s/a*/<&>/g",
        "s/a*$/E/",
        "s/^a*//",
        "s/b*/-/g",
        "s/(a|ab)(c|bcd)?/[&]/",
        "s/.*/[&]/",
        "s/[.]/dot/",
        "s/\\./DOT/",
        "s/[^a-z]/_/g",
        "s/[]a]/R/g",
        "s/\\(/[/",
        "s/a|b|c/|/g",
        "s/(a)(b)/\\2\\1/g",
        "s/x(y)?z/[\\1]/",
        "/^$/s/^$/EMPTY/",
        "s/$/$/g",
        "s/a\\+/+/",
        "s/\\\\/|/",
        "s/(((a)))/\\3/",
        "s/a?b?/!/g",
        "s/[a-c]+/X/2",
    ] {
        same_as_9base("sed", &[script], input);
    }
}

#[test]
fn errors_are_9fronts() {
    // sed.c's messages: CGMES is "%S command garbled: %S" in 9front
    // (plan9port's is "Command garbled: %S"), and the exit status is
    // "error" in both.
    for (script, msg) in [
        ("s/a/b", "sed: s command garbled: s/a/b\n"),
        ("s/a/b/x", "sed: x command garbled: s/a/b/x\n"),
        ("p p", "sed:  p command garbled: p p\n"),
        ("s/(/x/", "sed: r.e.-using command garbled: s/(/x/\n"),
        ("s/[a/x/", "sed: r.e.-using command garbled: s/[a/x/\n"),
        ("y/ab/c/", "sed: y command garbled: y/ab/c/\n"),
        ("a foo", "sed: a command garbled: a foo\n"),
        ("r", "sed: r command garbled: r\n"),
        ("wfoo", "sed: w command garbled: wfoo\n"),
        ("k", "sed: Unrecognized command: k\n"),
        ("b nowhere", "sed: Undefined label: nowhere\n"),
        (":a\n:a", "sed: Duplicate labels: :a\n"),
        (":abcdefgh", "sed: Label too long: :abcdefgh\n"),
        ("1,2=", "sed: Only one address allowed: 1,2=\n"),
        ("1:a", "sed: No addresses allowed: 1:a\n"),
        ("{p", "sed: Too many {'s\n"),
        ("p;}", "sed: Too many }'s\n"),
        ("0p", "sed: line number 0 is illegal\n"),
        ("//p", "sed: First RE may not be null\n"),
        ("s//x/", "sed: First RE may not be null\n"),
        ("s/(a)/\\2/", "sed: Invalid back reference \\2\n"),
    ] {
        let r = sed(&[script], b"a\nb\n");
        assert_eq!((r.code, r.stderr.as_str()), (Some(1), msg), "{script:?}");
        // 9base rejects the same scripts.
        assert_eq!(run(&ninebase("sed"), &[script], b"a\nb\n").code, Some(1), "{script:?}");
    }
    // 9front's main quits on an unknown flag (plan9port warns and goes
    // on) and knows -u, -E and -r.
    // An empty label is an error in 9front's fcomp (plan9port takes it).
    let r = sed(&[":"], b"a\n");
    assert_eq!((r.code, r.stderr.as_str()), (Some(1), "sed: : command garbled: :\n"));
    let r = sed(&["-x", "p"], b"a\n");
    assert_eq!((r.code, r.stderr.as_str()), (Some(1), "sed: Unknown flag: x\n"));
    for f in ["-u", "-E", "-r"] {
        let r = sed(&[f, "s/a/b/"], b"a\n");
        assert_eq!((r.code, r.stdout.as_slice()), (Some(0), &b"b\n"[..]), "{f}");
    }
    let r = sed(&["-e"], b"");
    assert_eq!(r.stderr, "sed: missing pattern\n");
    let r = sed(&["-f"], b"");
    assert_eq!(r.stderr, "sed: no pattern-file\n");
    let r = sed(&["-f", "/nonexistent"], b"");
    assert_eq!(r.stderr, "sed: Cannot open pattern-file: /nonexistent\n\n");
    let r = sed(&["p", "/nonexistent"], b"");
    assert_eq!((r.code, r.stderr.as_str()), (Some(1), "sed: Can't open /nonexistent\n"));
    // The message fits 9front's 256-byte buffer, newline and all.
    let long = format!("s/a/b/{}", "x".repeat(400));
    let r = sed(&[&long], b"");
    assert_eq!(r.stderr.len(), 255);
    assert!(!r.stderr.ends_with('\n'));
}

#[test]
fn where_9front_differs_from_9base() {
    // 9front's b and t stop their label at `;` (plan9port takes the rest
    // of the line).
    let r = sed(&["b end;p;:end"], b"a\n");
    assert_eq!(r.stdout, b"a\n");
    // A label of up to 7 runes.
    let r = sed(&[":abcdefg\ns/a/b/\nt abcdefg"], b"aaa\n");
    assert_eq!(r.stdout, b"bbb\n");
    // An empty second address is the last expression (plan9port sets the
    // first address's type there by mistake).
    let r = sed(&["-n", "/b/,//p"], b"a\nb\nc\nb\nd\n");
    assert_eq!(r.stdout, b"b\nc\nb\n");
    // c prints its text on the first line of its range only (the active
    // flag is 1 there), and not at all without an address.
    let r = sed(&["2,3c\\\nX"], b"1\n2\n3\n4\n");
    assert_eq!(r.stdout, b"1\nX\n4\n");
    let r = sed(&["c\\\nX"], b"1\n2\n");
    assert_eq!(r.stdout, b"");
    // s's global loop steps over an empty match without another at the
    // end: s/x*/-/g on "abc" is "-a-b-c".
    let r = sed(&["s/x*/-/g"], b"abc\n");
    assert_eq!(r.stdout, b"-a-b-c\n");
    // N at the end of the input drops the pattern space.
    let r = sed(&["N"], b"1\n2\n3\n");
    assert_eq!(r.stdout, b"1\n2\n");
    // q prints and stops.
    let r = sed(&["2q"], b"1\n2\n3\n");
    assert_eq!((r.code, r.stdout.as_slice()), (Some(0), &b"1\n2\n"[..]));
}

#[test]
fn regexp_oddities_are_9fronts() {
    // regcomp.c: a `)` with no `(` ends the expression; the rest is
    // ignored.
    let r = sed(&["s/a)b/X/"], b"cab\n");
    assert_eq!(r.stdout, b"cXb\n");
    // A repeated optional is still leftmost-longest (regexp(6));
    // plan9port's older regexec finds no match at all here.
    let r = sed(&["s/a??*/<&>/;s/>b??+/[&]/"], b"ab\n");
    assert_eq!(r.stdout, b"<a[>b]\n");
    let r = sed(&["s/^?*/<&>/;s/(b?)?*$/[&]/"], b"ab\n");
    assert_eq!(r.stdout, b"<>a[b]\n");
    // An empty class matches nothing; `[^]` anything but newline.
    let r = sed(&["s/[]/X/;s/[^]/Y/"], b"ab\n");
    assert_eq!(r.stdout, b"Yb\n");
}

#[test]
fn long_lines_and_limits() {
    // gline keeps at most LBSIZE (8192) runes of a line; 9base the same.
    let long = "é".repeat(9000) + "\nshort\n";
    same_as_9base("sed", &["p"], long.as_bytes());
    let r = sed(&["s/short/S/"], long.as_bytes());
    assert_eq!(r.stdout, ("é".repeat(8192) + "\nS\n").as_bytes());
    // A substitution whose line would reach 8191 runes is an error in
    // 9front (dosub's "Output line too long"); plan9port writes past its
    // buffer instead.
    let line = "a".repeat(8190) + "\n";
    let r = sed(&["s/a/aa/"], line.as_bytes());
    assert_eq!((r.code, r.stderr.as_str()), (Some(1), "sed: Output line too long\n"));
    let line = "a".repeat(8189) + "\n";
    let r = sed(&["s/a/aa/"], line.as_bytes());
    assert_eq!((r.code, r.stdout.len()), (Some(0), 8191));
    // Too many appends pending (MAXADDS is 20).
    let script = "a\\\nx\n".repeat(20);
    let r = sed(&[&script], b"1\n");
    assert_eq!(r.stderr, "sed: Too many appends after line 1\n");
    let script = "a\\\nx\n".repeat(19);
    assert_eq!(sed(&[&script], b"1\n").stdout.len(), 2 + 19 * 2);
    // Output already produced is flushed when sed quits on an error.
    let r = sed(&["p\n/b/s/(a)|b/\\1/"], b"a\nb\n");
    assert_eq!((r.code, r.stdout.as_slice()), (Some(1), &b"a\na\nb\n"[..]));
}

#[test]
fn large_input_matches_9base() {
    let mut input = Vec::new();
    for i in 0..40_000 {
        input.extend_from_slice(
            format!("line {i} the quick brown fox {} jumps\n", i * 7 % 13).as_bytes(),
        );
    }
    for script in
        ["s/the/THE/g", "/7 jumps/d", "s/(o)(x|w)/\\2\\1/g", "$!N;s/\\n/ /", "10000,20000d"]
    {
        same_as_9base("sed", &[script], &input);
    }
    same_as_9base("sed", &["-n", "/fox 1[0-2]/p"], &input);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    /// Random substitutions: the regular expressions and the global loop
    /// agree with 9base's sed on what matches and what is replaced.
    #[test]
    fn random_substitutions_match_9base(
        re in prop::collection::vec(prop::sample::select(vec![
            "a", "b", "é", ".", "*", "+", "?", "|", "(", ")", "[ab]", "[^a]", "^", "$", "x",
        ]), 1..7),
        g in any::<bool>(),
    ) {
        let re: String = re.concat();
        // 9front's regcomp ends the expression at a `)` with no `(`
        // (plan9port's rejects it): see regexp_oddities_are_9fronts.
        let depth = re.chars().try_fold(0i32, |d, c| match c {
            '(' => Some(d + 1),
            ')' => if d > 0 { Some(d - 1) } else { None },
            _ => Some(d),
        });
        prop_assume!(depth.is_some());
        // plan9port's older regexec misses every match of a repetition of
        // a repetition that can be empty (`x?*`, `^**`): see
        // regexp_oddities_are_9fronts.
        let reps = |c: char| "*+?".contains(c);
        prop_assume!(!re.chars().zip(re.chars().skip(1)).any(|(a, b)| reps(a) && reps(b)));
        let script = format!("s/{re}/<&>/{}", if g { "g" } else { "" });
        let input = b"ab\nba\naab\n\nx\n\xc3\xa9a\nb\xc3\xa9b\nabxab\n";
        let ours = sed(&[&script], input);
        let theirs = run(&ninebase("sed"), &[&script], input);
        // Bad expressions fail in both (with different messages).
        prop_assert_eq!((ours.code, ours.stdout), (theirs.code, theirs.stdout), "script {:?}", script);
    }
}
