//! Decoding directory entries: the port of 9front's
//! `sys/src/libc/9sys/convM2D.c` (`statcheck` and `convM2D`).
//!
//! As in 9front there are two levels of checking. `convM2D`
//! ([`Dir::decode_prefix`]) wants `STATFIXLEN` bytes and the four strings
//! within the buffer; it ignores the entry's size field and any bytes after
//! the strings, and returns how many bytes it used. `statcheck`
//! ([`Dir::check`]) also wants the size field to be the buffer's length
//! less 2 and the strings to end exactly at the end of the buffer: it is
//! what an entry from a client (Twstat) must pass. [`Dir::decode`] is both.
//!
//! What differs from 9front:
//!
//! - The `Dir` owns its strings (9front copies them to a caller's buffer
//!   `strs`, or leaves them empty when `strs` is nil); the strings are the
//!   bytes as they are, not cut at a NUL, and not checked for UTF-8.
//! - Errors are a [`DecodeError`]; [`statcheck`] and [`convM2D`] keep
//!   9front's interface (0 or -1; the length or 0). `convM2D` leaves `d`
//!   untouched on error, where 9front leaves it half filled.

use crate::fcall::*;

impl Dir {
    /// `statcheck`: whether `buf` holds exactly one well-formed entry, size
    /// field included.
    pub fn check(buf: &[u8]) -> Result<(), DecodeError> {
        if buf.len() < STATFIXLEN {
            return Err(DecodeError::Truncated);
        }
        let size = gbit16(buf).ok_or(DecodeError::Truncated)?;
        if buf.len() != BIT16SZ + size as usize {
            return Err(DecodeError::SizeMismatch);
        }
        let mut p = STATFIXLEN - 4 * BIT16SZ;
        for _ in 0..4 {
            let n = buf
                .get(p..)
                .and_then(gbit16)
                .ok_or(DecodeError::BadString)?;
            p += BIT16SZ + n as usize;
        }
        if p > buf.len() {
            return Err(DecodeError::BadString);
        }
        if p != buf.len() {
            return Err(DecodeError::SizeMismatch);
        }
        Ok(())
    }

    /// `convM2D`: decodes the entry at the start of `buf`, returning it
    /// and the number of bytes its fields occupy. The size field is not
    /// looked at, nor are bytes after the last string.
    pub fn decode_prefix(buf: &[u8]) -> Result<(Dir, usize), DecodeError> {
        if buf.len() < STATFIXLEN {
            return Err(DecodeError::Truncated);
        }
        let mut r = Reader::new(buf, BIT16SZ);
        let mut d = Dir {
            typ: r.u16()?,
            dev: r.u32()?,
            qid: r.qid()?,
            mode: r.u32()?,
            atime: r.u32()?,
            mtime: r.u32()?,
            length: r.u64()?,
            ..Dir::default()
        };
        for s in [&mut d.name, &mut d.uid, &mut d.gid, &mut d.muid] {
            *s = r.string().map_err(|_| DecodeError::BadString)?;
        }
        Ok((d, r.pos()))
    }

    /// Decodes `buf`, which must hold exactly one well-formed entry
    /// (`statcheck`, then `convM2D`).
    pub fn decode(buf: &[u8]) -> Result<Dir, DecodeError> {
        Dir::check(buf)?;
        let (d, _) = Dir::decode_prefix(buf)?;
        Ok(d)
    }
}

/// 9front's `statcheck`: 0 if `buf` is exactly one well-formed entry,
/// else -1.
pub fn statcheck(buf: &[u8]) -> i32 {
    match Dir::check(buf) {
        Ok(()) => 0,
        Err(_) => -1,
    }
}

/// 9front's `convM2D`: decodes the entry at the start of `buf` into `d`
/// and returns the number of bytes it occupies, or 0 (leaving `d` alone)
/// if the buffer is too short for it.
#[allow(non_snake_case)]
pub fn convM2D(buf: &[u8], d: &mut Dir) -> u32 {
    match Dir::decode_prefix(buf) {
        Ok((e, n)) => {
            *d = e;
            n as u32
        }
        Err(_) => 0,
    }
}
