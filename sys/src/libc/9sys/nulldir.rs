//! `nulldir`: a port of 9front's `libc/9sys/nulldir.c`.
//!
//! The directory entry that `wstat` reads as "change nothing": every
//! integer all ones, every string empty. Set the fields to change and
//! leave the rest.

use crate::fcall::{Dir, Qid};

/// A `Dir` that changes nothing when written with wstat.
pub fn nulldir() -> Dir {
    Dir {
        typ: !0,
        dev: !0,
        qid: Qid {
            path: !0,
            vers: !0,
            typ: !0,
        },
        mode: !0,
        atime: !0,
        mtime: !0,
        length: !0,
        ..Dir::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_is_dont_touch() {
        let d = nulldir();
        assert_eq!((d.typ, d.dev, d.mode, d.atime, d.mtime), (!0, !0, !0, !0, !0));
        assert_eq!((d.qid.path, d.qid.vers, d.qid.typ, d.length), (!0, !0, !0, !0));
        assert!(d.name.is_empty() && d.uid.is_empty() && d.gid.is_empty() && d.muid.is_empty());
    }
}
