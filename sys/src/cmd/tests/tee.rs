//! tee against 9base's tee and 9front's tee.c.

use crate::common::*;

#[test]
fn copies_to_stdout_and_files() {
    let d = scratch("tee");
    let a = d.join("a");
    let b = d.join("b");
    std::fs::write(&a, b"old contents that are longer\n").unwrap();
    let (sa, sb) = (a.to_str().unwrap(), b.to_str().unwrap());
    let mut input = "héllo\nno newline".as_bytes().to_vec();
    input.extend(std::iter::repeat_n(b'z', 100_000));
    let r = run(&planten("tee"), &[sa, sb], &input);
    assert_eq!(r.stdout, input);
    assert_eq!(r.code, Some(0));
    // create truncates.
    assert_eq!(std::fs::read(&a).unwrap(), input);
    assert_eq!(std::fs::read(&b).unwrap(), input);
    // -a appends, and creates a missing file.
    let c = d.join("c");
    let r = run(&planten("tee"), &["-a", sa, c.to_str().unwrap()], b"more\n");
    assert_eq!(r.stdout, b"more\n");
    let mut want = input.clone();
    want.extend_from_slice(b"more\n");
    assert_eq!(std::fs::read(&a).unwrap(), want);
    assert_eq!(std::fs::read(&c).unwrap(), b"more\n");
    // 9base agrees on what reaches stdout and the files.
    let e = d.join("e");
    same_as_9base("tee", &[e.to_str().unwrap()], b"x\ny\n");
    same_as_9base("tee", &[], b"");
    same_as_9base("tee", &["-i"], b"abc");
    same_as_9base("tee", &["-u"], b"abc");
}

#[test]
fn unopenable_files_are_skipped() {
    let d = scratch("teebad");
    let bad = d.join("no/such/dir");
    let good = d.join("good");
    let r = run(&planten("tee"), &[bad.to_str().unwrap(), good.to_str().unwrap()], b"data\n");
    assert!(r.stderr.starts_with(&format!("tee: cannot open {}: ", bad.display())), "{}", r.stderr);
    assert_eq!(r.stdout, b"data\n");
    assert_eq!(std::fs::read(&good).unwrap(), b"data\n");
    assert_eq!(r.code, Some(0));
}

#[test]
fn bad_flag_is_usage() {
    let r = run(&planten("tee"), &["-x"], b"");
    assert_eq!(r.stderr, "usage: tee [-ai] [file ...]\n");
    assert_eq!(r.code, Some(1));
    assert_eq!(run(&ninebase("tee"), &["-x"], b"").code, r.code);
}
