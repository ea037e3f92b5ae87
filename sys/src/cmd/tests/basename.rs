//! basename against 9base's basename and 9front's basename.c.

use crate::common::*;

#[test]
fn basename_matches_9base() {
    for args in [
        &["/a/b/c.c", ".c"][..],
        &["/a/b/c.c"],
        &["c.c", "c.c"],
        &["c.c", "x.c"],
        &["/"],
        &["a/"],
        &[""],
        &["-d", "/a/b/c"],
        &["-d", "c"],
        &["-d", "/c"],
        &["-d", "a/b", "b"],
        &["a b/c d", " d"],
    ] {
        same_as_9base("basename", args, b"");
    }
}

#[test]
fn basename_usage() {
    for args in [&[][..], &["a", "b", "c"], &["-d"]] {
        let r = run(&planten("basename"), args, b"");
        // basename.c: argc must be 2 or 3 after -d; usage exits "usage".
        assert_eq!(r.stderr, "usage: basename [-d] string [suffix]\n");
        assert_eq!(r.code, Some(1));
        assert!(r.stdout.is_empty());
        same_as_9base("basename", args, b"");
    }
}
