//! cleanname against 9base's cleanname and 9front's cleanname.c.

use crate::common::*;

#[test]
fn cleanname_matches_9base() {
    for n in [
        "", ".", "/", "//", "a//b", "a/./b/", "./a", "a/..", "a/../..", "../a/../..", "/..",
        "/../a", "x/./..", "a b/../c", "/a/b/../c",
    ] {
        same_as_9base("cleanname", &[n], b"");
    }
    same_as_9base("cleanname", &["a", "/b/../c", "d/"], b"");
    same_as_9base("cleanname", &["-d", "/x/y", "a", "../b", "/abs"], b"");
    same_as_9base("cleanname", &["-d/x", "../../.."], b"");
}

#[test]
fn cleanname_keeps_device_names_apart() {
    // 9front's libc/port/cleanname.c: a name that started with a `#x`
    // device only after `.` or `..` removed its prefix gets "./" in front;
    // 9base's cleanname lacks that rule.
    let r = run(&planten("cleanname"), &["#c/../#d", "./#c", "#c/x"], b"");
    assert_eq!(String::from_utf8(r.stdout).unwrap(), "./#d\n./#c\n#c/x\n");
    assert_eq!(r.code, Some(0));
}

#[test]
fn cleanname_usage() {
    for args in [&[][..], &["-d"], &["-z", "a"], &["-d", "x"]] {
        let r = run(&planten("cleanname"), args, b"");
        assert_eq!(r.stderr, "usage: cleanname [-d pwd] name...\n");
        assert_eq!(r.code, Some(1));
        same_as_9base("cleanname", args, b"");
    }
}
