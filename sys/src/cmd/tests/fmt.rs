//! fmt against 9base's fmt, which follows 9front's fmt.c, including its
//! handling of runs of blank lines.

use crate::common::*;

fn text() -> Vec<u8> {
    let mut t = String::new();
    t.push_str("This is a paragraph.  It has sentences! Does it? Yes.\nMr. Smith\tand Dr. Who went\n");
    t.push_str("\n\n\n    an indented paragraph with   several   blanks\n    continued here.\n");
    t.push_str("\tand a tab-indented line that is rather long, long enough to need folding at seventy columns\n");
    t.push_str("   \n");
    t.push_str("UTF-8: naïve café façade über 世界 ☺☺☺ résumé coöperate\n");
    t.push_str("averyveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryverylongword here\n");
    t.push_str("last line without newline");
    t.into_bytes()
}

fn big() -> Vec<u8> {
    let mut t = Vec::new();
    let mut i = 0u32;
    while t.len() < 100_000 {
        t.extend_from_slice(format!("word{} ", i % 97).as_bytes());
        if i % 13 == 0 {
            t.extend_from_slice(b"end.\n");
        }
        if i % 101 == 0 {
            t.extend_from_slice(b"\n  ");
        }
        i += 1;
    }
    t
}

#[test]
fn matches_9base() {
    for d in [b"".to_vec(), b"\n".to_vec(), b"one".to_vec(), b"a\n\n\n\nb\n".to_vec(), text(), big()] {
        for flags in [
            &[][..],
            &["-j"],
            &["-l", "20"],
            &["-w", "30"],
            &["-l1"],
            &["-i", "4"],
            &["-i", "10", "-l", "40", "-j"],
        ] {
            same_as_9base("fmt", flags, &d);
        }
    }
}

#[test]
fn files_same_as_9base() {
    let d = scratch("fmt");
    let a = d.join("a");
    std::fs::write(&a, text()).unwrap();
    let b = d.join("b");
    std::fs::write(&b, b"x y\nz\n").unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    // Files are separated by an empty line.
    same_as_9base("fmt", &[a, b], b"");
    let r = run(&planten("fmt"), &[b, b], b"");
    assert_eq!(r.stdout, b"x y z\n\nx y z\n");
}

#[test]
fn tabstop() {
    // fmt.c reads $tabstop for the width of a tab.
    let fmt = planten("fmt");
    let mut c = std::process::Command::new(&fmt);
    c.env("tabstop", "4").args(["-i", "9"]);
    let out = c.stdin(std::process::Stdio::null()).output().unwrap();
    assert!(out.stdout.is_empty());
    let out = std::process::Command::new(&fmt)
        .env("tabstop", "4")
        .args(["-i", "9", "/dev/stdin"])
        .stdin(std::fs::File::open(scratch_file("tabstop", b"\tx\n")).unwrap())
        .output()
        .unwrap();
    // 4 (the tab) + 9 = 13 columns: three tabs of 4 and a blank.
    assert_eq!(out.stdout, b"\t\t\t x\n");
}

fn scratch_file(test: &str, data: &[u8]) -> std::path::PathBuf {
    let p = scratch(&format!("fmt-{test}")).join("in");
    std::fs::write(&p, data).unwrap();
    p
}

#[test]
fn errors_are_9fronts() {
    let fmt = planten("fmt");
    let name = fmt.display().to_string();
    let d = scratch("fmt-err");
    let missing = d.join("nope");
    let missing = missing.to_str().unwrap();
    // fmt.c: "argv0: can't open NAME: %r", status "open", others go on.
    let r = run(&fmt, &[missing], b"");
    assert!(r.stderr.starts_with(&format!("{name}: can't open {missing}: ")), "{}", r.stderr);
    assert_eq!(r.code, Some(1));
    // fmt.c: a length not above the indentation (0) is refused.
    let r = run(&fmt, &["-l", "0"], b"x\n");
    assert_eq!(r.stderr, format!("{name}: line length<=indentation\n"));
    assert_eq!(r.code, Some(1));
    assert!(r.stdout.is_empty());
    for args in [&["-x"][..], &["-l"][..], &["-i"][..]] {
        let r = run(&fmt, args, b"");
        assert_eq!(r.stderr, format!("usage: {name} [-j] [-i indent] [-l length] [file...]\n"));
        assert_eq!(r.code, Some(1));
    }
}
