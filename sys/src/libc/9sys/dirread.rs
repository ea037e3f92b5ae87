//! Unpacking directory reads: the pure part of 9front's
//! `sys/src/libc/9sys/dirread.c`.
//!
//! A read of a directory returns whole directory entries, one after the
//! other (read(5)). [`dirpackage`] turns such a buffer into `Dir`s as
//! 9front's static `dirpackage` does: every entry must pass `statcheck`,
//! and the entries must fill the buffer exactly; otherwise nothing is
//! returned.
//!
//! What differs from 9front: `dirread` and `dirreadall`, which read the
//! file descriptor, belong with the system calls and are not here;
//! `dirpackage` is public, returns a `Vec<Dir>` (9front mallocs one block
//! for the array and the strings) and says why it failed.

use alloc::vec::Vec;

use crate::fcall::*;

/// Decodes the directory entries packed in `buf`. An empty buffer gives no
/// entries. As in 9front, every entry is checked before any is decoded.
pub fn dirpackage(buf: &[u8]) -> Result<Vec<Dir>, DecodeError> {
    let mut n = 0;
    let mut i = 0;
    while i < buf.len() {
        // 9front wants more than the size field (i+BIT16SZ >= ts fails).
        if i + BIT16SZ >= buf.len() {
            return Err(DecodeError::Truncated);
        }
        let m = BIT16SZ + gbit16(&buf[i..]).ok_or(DecodeError::Truncated)? as usize;
        let entry = buf.get(i..i + m).ok_or(DecodeError::Truncated)?;
        Dir::check(entry)?;
        n += 1;
        i += m;
    }
    let mut dirs = Vec::with_capacity(n);
    let mut i = 0;
    while i < buf.len() {
        let m = BIT16SZ + gbit16(&buf[i..]).ok_or(DecodeError::Truncated)? as usize;
        let entry = buf.get(i..i + m).ok_or(DecodeError::Truncated)?;
        dirs.push(Dir::decode(entry)?);
        i += m;
    }
    Ok(dirs)
}
