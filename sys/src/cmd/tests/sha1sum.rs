//! sha1sum against 9base's sha1sum (SHA-1) and, for 9front's `-2 bits`
//! (SHA-2, which 9base lacks), against GNU coreutils' sha*sum.

use crate::common::*;
use std::path::PathBuf;

fn big() -> Vec<u8> {
    (0..300_000u32).map(|i| (i * 13 + i / 97) as u8).collect()
}

fn inputs() -> Vec<Vec<u8>> {
    vec![
        b"".to_vec(),
        b"abc".to_vec(),
        b"line\nno final newline".to_vec(),
        "UTF-8: ☺ 世界 ü\n".as_bytes().to_vec(),
        vec![b'a'; 64],
        vec![b'a'; 55],
        big(),
    ]
}

#[test]
fn sha1_same_as_9base() {
    for d in inputs() {
        same_as_9base("sha1sum", &[], &d);
    }
    let r = run(&planten("sha1sum"), &[], b"abc");
    assert_eq!(r.stdout, b"a9993e364706816aba3e25717850c26c9cd0d89d\n");
}

#[test]
fn files_same_as_9base() {
    let d = scratch("sha1sum");
    let a = d.join("a");
    std::fs::write(&a, b"abc").unwrap();
    let b = d.join("big");
    std::fs::write(&b, big()).unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    same_as_9base("sha1sum", &[a, b], b"");
    // A missing file: the others are still summed, the status is an error.
    let missing = d.join("missing");
    let missing = missing.to_str().unwrap();
    let sha1sum = planten("sha1sum");
    let ours = run(&sha1sum, &[a, missing, b], b"");
    let theirs = run(&ninebase("sha1sum"), &[a, missing, b], b"");
    assert_eq!(ours.stdout, theirs.stdout);
    // 9front's sha1sum.c keeps "can't open NAME: %r" in exitstr and exits
    // with it; 9base's exits(nil), so only 9front's status is asserted.
    assert_eq!(ours.code, Some(1));
    // sha1sum.c: "argv0: can't open NAME: %r".
    assert!(ours.stderr.starts_with(&format!("{}: can't open {missing}: ", sha1sum.display())), "{}", ours.stderr);
}

#[test]
fn sha2_bits() {
    // 9front's sha1sum.c takes -2 224|256|384|512; 9base's has no flags.
    for (bits, tool) in [("224", "sha224sum"), ("256", "sha256sum"), ("384", "sha384sum"), ("512", "sha512sum")] {
        for d in inputs() {
            let ours = run(&planten("sha1sum"), &["-2", bits], &d);
            let theirs = run(&PathBuf::from(format!("/usr/bin/{tool}")), &[], &d);
            let want = String::from_utf8(theirs.stdout).unwrap().split(' ').next().unwrap().to_string();
            assert_eq!(String::from_utf8(ours.stdout).unwrap(), format!("{want}\n"), "-2 {bits}");
            assert_eq!(ours.code, Some(0));
        }
    }
    // The value may be glued to the flag, as ARGBEGIN allows.
    let r = run(&planten("sha1sum"), &["-2256"], b"abc");
    assert_eq!(r.stdout, b"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n");
}

#[test]
fn errors_are_9fronts() {
    let sha1sum = planten("sha1sum");
    let name = sha1sum.display().to_string();
    // sha1sum.c: sysfatal("unknown number of sha2 bits: %d", atoi(arg)).
    let r = run(&sha1sum, &["-2", "100"], b"");
    assert_eq!(r.stderr, format!("{name}: unknown number of sha2 bits: 100\n"));
    assert_eq!(r.code, Some(1));
    let r = run(&sha1sum, &["-2", "x"], b"");
    assert_eq!(r.stderr, format!("{name}: unknown number of sha2 bits: 0\n"));
    // sha1sum.c's usage() names argv0 and -2; a missing value is usage.
    for args in [&["-x"][..], &["-2"][..]] {
        let r = run(&sha1sum, args, b"");
        assert_eq!(r.stderr, format!("usage: {name} [-2 bits] [file...]\n"));
        assert_eq!(r.code, Some(1));
        assert!(r.stdout.is_empty());
    }
}
