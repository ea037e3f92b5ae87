//! cat against 9base's cat and 9front's cat.c.

use crate::common::*;

#[test]
fn cat_matches_9base() {
    let d = scratch("cat");
    let a = d.join("a");
    let b = d.join("b");
    std::fs::write(&a, b"one\ntwo\n").unwrap();
    std::fs::write(&b, vec![b'x'; 100_000]).unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    same_as_9base("cat", &[a], b"");
    same_as_9base("cat", &[a, b, a], b"");
    same_as_9base("cat", &[], b"from stdin\n");
    same_as_9base("cat", &[], b"");
}

#[test]
fn cat_stops_at_a_missing_file_with_9fronts_message() {
    let d = scratch("catmissing");
    let a = d.join("a");
    std::fs::write(&a, b"before\n").unwrap();
    let a = a.to_str().unwrap();
    let missing = d.join("nope");
    let missing = missing.to_str().unwrap();
    let r = run(&planten("cat"), &[a, missing, a], b"");
    // Output up to the failure, then sysfatal: argv0 is "cat", the error
    // is namec's "file does not exist: 'NAME'" (9front's port/chan.c).
    assert_eq!(r.stdout, b"before\n");
    assert_eq!(
        r.stderr,
        format!("cat: can't open {missing}: file does not exist: '{missing}'\n")
    );
    assert_ne!(r.code, Some(0));
    // 9base agrees on everything but the wording of the error.
    let theirs = run(&ninebase("cat"), &[a, missing, a], b"");
    assert_eq!(theirs.stdout, r.stdout);
    assert_eq!(theirs.code, r.code);
}
