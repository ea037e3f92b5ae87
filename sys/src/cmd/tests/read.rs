//! read against 9base's read (which has only -m and -n) and 9front's
//! read.c (-c and -r as well).

use crate::common::*;

#[test]
fn lines_match_9base() {
    let text = b"one\ntwo\nthree\nfour\n";
    for args in [&[][..], &["-n", "2"], &["-n", "10"], &["-m"], &["-n", "0"], &["-n", "-1"], &["-mn", "2"]] {
        same_as_9base("read", args, text);
    }
    same_as_9base("read", &[], b"");
    same_as_9base("read", &["-m"], b"");
    same_as_9base("read", &[], b"no newline");
    same_as_9base("read", &["-n", "3"], b"a\nb");
    same_as_9base("read", &[], "é世界\nx\n".as_bytes());
}

#[test]
fn stops_after_the_line() {
    // read takes one byte at a time: what follows the line is left for
    // the next reader of the same file.
    let d = scratch("read");
    let f = d.join("in");
    std::fs::write(&f, b"first\nsecond\nthird\n").unwrap();
    let script = format!(
        "{{ {r}; {r} -n 1; cat; }} < {f}",
        r = planten("read").display(),
        f = f.display()
    );
    let out = std::process::Command::new("sh").arg("-c").arg(&script).output().unwrap();
    assert_eq!(out.stdout, b"first\nsecond\nthird\n");
    let script = format!("{r} -c 3 < {f}; echo; {r} -r 100 < /dev/null; echo $?", r = planten("read").display(), f = f.display());
    let out = std::process::Command::new("sh").arg("-c").arg(&script).output().unwrap();
    assert_eq!(out.stdout, b"fir\n0\n");
}

#[test]
fn chars_and_runes() {
    let read = planten("read");
    let r = run(&read, &["-c", "4"], "héllo".as_bytes());
    assert_eq!(r.stdout, "hél".as_bytes());
    let r = run(&read, &["-r", "4"], "héllo".as_bytes());
    assert_eq!(r.stdout, "héll".as_bytes());
    let r = run(&read, &["-r", "2"], "世界です\n".as_bytes());
    assert_eq!(r.stdout, "世界".as_bytes());
    // Nothing read: status "eof" (exit 1 on Linux).
    let r = run(&read, &["-c", "10"], b"");
    assert_eq!((r.stdout.len(), r.code), (0, Some(1)));
    let r = run(&read, &["-c", "100000"], &vec![b'x'; 70000]);
    assert_eq!(r.stdout.len(), 70000);
    // read.c: a rune cut short by the end draws a warning; its bytes are
    // written as they are.
    let r = run(&read, &["-r", "5"], b"h\xc3");
    assert_eq!(r.stdout, b"h\xc3");
    assert_eq!(r.stderr, "warning: partial rune at end of <stdin>: \n");
    let r = run(&read, &["-m"], &vec![b'y'; 70000]);
    assert_eq!(r.stdout.len(), 70000);
}

#[test]
fn errors_are_9fronts() {
    let read = planten("read");
    let r = run(&read, &["-x"], b"");
    assert_eq!(r.stderr, "usage: read [ -m | -n nlines | -c nbytes | -r nrunes ] [ file ... ]\n");
    assert_eq!(r.code, Some(1));
    let r = run(&read, &["-n"], b"");
    assert_eq!(r.code, Some(1));
    let d = scratch("read-err");
    let missing = d.join("nope");
    let r = run(&read, &[missing.to_str().unwrap()], b"");
    assert!(r.stderr.starts_with(&format!("read: can't open {}: ", missing.display())), "{}", r.stderr);
    assert_eq!(r.code, Some(1));
    let f = d.join("f");
    std::fs::write(&f, b"a\nb\n").unwrap();
    let f = f.to_str().unwrap();
    // Each file gives its own line.
    assert_eq!(run(&read, &[f, f], b"").stdout, b"a\na\n");
}
