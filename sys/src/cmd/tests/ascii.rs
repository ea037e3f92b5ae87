//! ascii against 9base's ascii, and 9front's ascii.c where they differ
//! (the name of form feed, the usage message).

use crate::common::*;

/// 9front's table (ascii.c's str[]) calls 014 `ff `; 9base's calls it
/// `np `. Everything else in the tables is the same.
fn as_9front(b: Vec<u8>) -> String {
    String::from_utf8(b).unwrap().replace(" np ", " ff ").replace("np \n", "ff \n")
}

#[test]
fn tables_match_9base_but_for_form_feed() {
    for args in [&[][..], &["-8"], &["-o"], &["-d"], &["-x"], &["-b", "2"], &["-b", "36"], &["-b3", "-8"], &["-8x"], &["-b", "0x10"]] {
        let ours = run(&planten("ascii"), args, b"");
        let theirs = run(&ninebase("ascii"), args, b"");
        assert_eq!(ours.code, theirs.code);
        assert_eq!(String::from_utf8(ours.stdout).unwrap(), as_9front(theirs.stdout), "{args:?}");
    }
    let t = run(&planten("ascii"), &[], b"");
    let t = String::from_utf8(t.stdout).unwrap();
    assert!(t.starts_with("|00 nul|01 soh|"));
    assert!(t.contains("|0c ff |"));
    assert!(t.ends_with("|7e  ~ |7f del|\n\n"));
    let t = String::from_utf8(run(&planten("ascii"), &["-8"], b"").stdout).unwrap();
    assert!(t.contains("|a0 xa0|a1  ¡ |") && t.ends_with("|ff  ÿ |\n\n"));
}

#[test]
fn conversions_match_9base() {
    for args in [
        &["hello"][..],
        &["41", "42"],
        &["-n", "41"],
        &["-c", "a"],
        &["-t", "68", "69", "a"],
        &["-d", "65", "300"],
        &["-o", "101"],
        &["-x", "zz"],
        &["é"],
        &["-n", "é世"],
        &[""],
        &["-b0x10", "41"],
        &["-tn", "41"],
        &["-b", "2", "1000001", "1010"],
        &["-t", "e9"],
    ] {
        same_as_9base("ascii", args, b"");
    }
    assert_eq!(run(&planten("ascii"), &["-c", "c"], b"").stdout, b"ff \n\n");
}

#[test]
fn errors() {
    // ascii.c's value(): a byte that is no digit is fatal, status "bad".
    for args in [&["41", "zz"][..], &["-c", "1", "--", "2"], &["-d", "13", "1f"]] {
        same_as_9base("ascii", args, b"");
        let r = run(&planten("ascii"), args, b"");
        assert!(r.stderr.ends_with(": bad input char z\n") || r.stderr.ends_with(": bad input char -\n") || r.stderr.ends_with(": bad input char f\n"), "{}", r.stderr);
    }
    // The usage message is 9front's, with argv0.
    for args in [&["-b", "1"][..], &["-b"], &["-q"], &["-b", "37"]] {
        let p = planten("ascii");
        let r = run(&p, args, b"");
        assert_eq!(r.code, Some(1));
        assert_eq!(r.stderr, format!("usage: {} [-8cnt] [-dox | -b n] [text]\n", p.display()));
        assert!(r.stdout.is_empty());
    }
}
