//! md5sum against 9front's md5sum.c. 9base has no md5sum: digests are
//! checked against RFC 1321's test suite and GNU coreutils' md5sum, the
//! layout (`%M\n`, `%M\t%s\n`) and messages against md5sum.c.

use crate::common::*;
use std::path::PathBuf;

fn gnu_md5(data: &[u8]) -> String {
    let r = run(&PathBuf::from("/usr/bin/md5sum"), &[], data);
    String::from_utf8(r.stdout).unwrap()[..32].to_string()
}

fn big() -> Vec<u8> {
    (0..200_000u32).map(|i| (i * 7 + i / 251) as u8).collect()
}

#[test]
fn stdin_digests() {
    // RFC 1321 A.5, then inputs without a final newline, UTF-8, > 64 KiB.
    for (m, d) in [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
    ] {
        let r = run(&planten("md5sum"), &[], m.as_bytes());
        assert_eq!(String::from_utf8(r.stdout).unwrap(), format!("{d}\n"));
        assert_eq!(r.code, Some(0));
    }
    for data in [b"no newline".to_vec(), "héllo, 世界\n".as_bytes().to_vec(), big()] {
        let r = run(&planten("md5sum"), &[], &data);
        assert_eq!(String::from_utf8(r.stdout).unwrap(), format!("{}\n", gnu_md5(&data)));
    }
}

#[test]
fn files_names_and_errors() {
    let d = scratch("md5sum");
    let a = d.join("a b");
    std::fs::write(&a, b"abc").unwrap();
    let e = d.join("empty");
    std::fs::write(&e, b"").unwrap();
    let (a, e) = (a.to_str().unwrap(), e.to_str().unwrap());
    let missing = d.join("nope");
    let missing = missing.to_str().unwrap();
    let md5sum = planten("md5sum");
    let name = md5sum.display().to_string();
    let r = run(&md5sum, &[a, missing, e], b"ignored");
    // md5sum.c: "%M\t%s\n" for a named file.
    assert_eq!(
        String::from_utf8(r.stdout).unwrap(),
        format!("900150983cd24fb0d6963f7d28e17f72\t{a}\nd41d8cd98f00b204e9800998ecf8427e\t{e}\n")
    );
    // md5sum.c: "argv0: can't open NAME: %r", the status is that message.
    assert!(r.stderr.starts_with(&format!("{name}: can't open {missing}: ")), "{}", r.stderr);
    assert!(r.stderr.contains("does not exist"));
    assert_eq!(r.code, Some(1));
}

#[test]
fn usage() {
    // md5sum.c: any flag is a usage error; the usage names "md5sum".
    let r = run(&planten("md5sum"), &["-x"], b"");
    assert_eq!(r.stderr, "usage: md5sum [file...]\n");
    assert_eq!(r.code, Some(1));
    assert!(r.stdout.is_empty());
    // "--" ends the flags: "-x" is then a file name.
    let r = run(&planten("md5sum"), &["--", "-x"], b"");
    assert!(r.stderr.contains("can't open -x"), "{}", r.stderr);
}
