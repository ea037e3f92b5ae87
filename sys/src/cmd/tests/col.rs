//! col against 9front's col.c (9base has no col). Expected outputs are
//! worked out from col.c's page-image rules.

use crate::common::*;

fn col(args: &[&str], input: &[u8]) -> Vec<u8> {
    let r = run(&planten("col"), args, input);
    assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""), "{args:?}");
    r.stdout
}

#[test]
fn reverse_line_feeds_overstrike() {
    // ESC 7 goes back a line; what lands on a used column is overstruck
    // with a backspace.
    assert_eq!(col(&[], b"abc\n\x1b7xyz\n"), b"a\x08xb\x08yc\x08z\n");
    // VT (013) is a reverse line feed too.
    assert_eq!(col(&[], b"abc\n\x0bxyz\n"), b"a\x08xb\x08yc\x08z\n");
    // filling a blank column needs no backspace.
    assert_eq!(col(&[], b"a c\n\x1b7 b\n"), b"abc\n");
    // -b: the later character replaces the earlier.
    assert_eq!(col(&["-b"], b"abc\n\x1b7xyz\n"), b"xyz\n");
    assert_eq!(col(&["-b"], b"a\x08b\n"), b"b\n");
    assert_eq!(col(&[], b"a\x08b\n"), b"a\x08b\n");
}

#[test]
fn tabs_blanks_and_returns() {
    // runs of blanks reaching a tab stop become tabs, unless -x.
    assert_eq!(col(&[], b"a          x\n"), b"a\t   x\n");
    assert_eq!(col(&["-x"], b"a          x\n"), b"a          x\n");
    assert_eq!(col(&["-x"], b"a\tb\n"), b"a       b\n");
    assert_eq!(col(&[], b"ab\rc\n"), b"a\x08cb\n");
    // control characters, NUL and unknown escapes are dropped.
    assert_eq!(col(&[], b"a\x01\x00b\x1bqc\x7f\n"), b"abc\n");
    // trailing blanks vanish.
    assert_eq!(col(&[], b"x   \n"), b"x\n");
}

#[test]
fn half_lines() {
    // without -f, a half-line down then a full line: text goes to the
    // next full line.
    assert_eq!(col(&[], b"ab\x1b9c\n"), b"ab\n  c\n");
    // -f keeps half-line motion as ESC 9.
    // (the line below was padded with blanks up to c's column.)
    assert_eq!(col(&["-f"], b"ab\x1b9c\n"), b"ab\x1b9\r  c\n\x1b9");
    // down and back up cancel.
    assert_eq!(col(&[], b"a\x1b9\x1b8b\n"), b"ab\n");
}

#[test]
fn utf8_empty_unterminated_large() {
    // columns count bytes.
    assert_eq!(col(&[], "héllo\tx\n".as_bytes()), "héllo\tx\n".as_bytes());
    assert_eq!(col(&[], "日本\n".as_bytes()), "日本\n".as_bytes());
    assert_eq!(col(&[], b""), b"");
    // col.c stores a line only at its newline: unterminated text is lost.
    assert_eq!(col(&[], b"one\ntwo"), b"one\n");
    assert_eq!(col(&[], b"no newline"), b"");
    // blank lines survive.
    assert_eq!(col(&[], b"a\n\n\nb\n"), b"a\n\n\nb\n");
    let mut big = Vec::new();
    for i in 0..10_000 {
        big.extend_from_slice(format!("line {i}\n").as_bytes());
    }
    assert!(big.len() > 64 * 1024);
    assert_eq!(col(&[], &big), big);
    // a line longer than 9front's 800-byte buffer.
    let long = format!("{}\n", "z".repeat(5000));
    assert_eq!(col(&[], long.as_bytes()), long.as_bytes());
}

#[test]
fn cannot_back_up_past_the_page() {
    let mut input = Vec::new();
    for _ in 0..200 {
        input.extend_from_slice(b"x\n");
    }
    // within reach: 100 lines back from line 200 is line 100.
    let mut near = input.clone();
    near.extend(std::iter::repeat_n(0x0bu8, 100));
    near.extend_from_slice(b" y\n");
    let out = col(&[], &near);
    let lines: Vec<&[u8]> = out.split(|&c| c == b'\n').collect();
    assert_eq!(lines[100], b"xy");
    assert_eq!(lines.iter().filter(|l| l == &&&b"xy"[..]).count(), 1);
    assert_eq!(lines.len(), 201);
    // col.c: decr() stops when the half-line would fall out of the
    // 256-entry page; here that leaves y on a half-line, shown as ESC 9.
    let mut far = input;
    far.extend(std::iter::repeat_n(0x0bu8, 200));
    far.extend_from_slice(b" y\n");
    let out = col(&[], &far);
    assert!(out.windows(10).any(|w| w == b"x\x1b9\r y\x1b9\rx"), "{:?}", String::from_utf8_lossy(&out));
    assert!(!out.windows(2).any(|w| w == b"xy"));
}

#[test]
fn usage() {
    let r = run(&planten("col"), &["-q"], b"");
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.starts_with("usage: ") && r.stderr.ends_with(" [-bfx]\n"), "{}", r.stderr);
}
