//! Encoding directory entries: the port of 9front's
//! `sys/src/libc/9sys/convD2M.c`.
//!
//! An entry is laid out as stat(5) gives it: `size[2] type[2] dev[4]`
//! `qid[13] mode[4] atime[4] mtime[4] length[8]` and the strings name, uid,
//! gid and muid, where size counts the bytes after itself.
//!
//! What differs from 9front:
//!
//! - [`Dir::encode`] returns [`EncodeError::BufferTooSmall`] with the size
//!   needed; [`convD2M`] keeps 9front's interface: 0 for a buffer shorter
//!   than `BIT16SZ`, `BIT16SZ` with the size field written for a buffer too
//!   short for the entry, else the entry's length.
//! - An entry longer than its 16-bit size field can say (`STATMAX` + 2
//!   bytes in all) is an error ([`EncodeError::TooLong`]; 0 from
//!   `convD2M`), where 9front writes a truncated size.
//! - A string is its bytes, NULs included (9front stops at the first NUL).

use alloc::vec;
use alloc::vec::Vec;

use crate::fcall::*;

impl Dir {
    /// The number of bytes the entry encodes to, its size field included
    /// (`sizeD2M`), or why it cannot be encoded.
    pub fn size(&self) -> Result<usize, EncodeError> {
        let mut n = STATFIXLEN;
        for s in [&self.name, &self.uid, &self.gid, &self.muid] {
            n += stringsz(s)? - BIT16SZ;
        }
        if n - BIT16SZ > STATMAX {
            return Err(EncodeError::TooLong);
        }
        Ok(n)
    }

    /// Encodes the entry at the start of `buf` and returns its length.
    pub fn encode(&self, buf: &mut [u8]) -> Result<usize, EncodeError> {
        let size = self.size()?;
        let buf = buf
            .get_mut(..size)
            .ok_or(EncodeError::BufferTooSmall { need: size })?;
        let mut w = Writer::new(buf);
        w.u16((size - BIT16SZ) as u16);
        w.u16(self.typ);
        w.u32(self.dev);
        w.qid(&self.qid);
        w.u32(self.mode);
        w.u32(self.atime);
        w.u32(self.mtime);
        w.u64(self.length);
        for s in [&self.name, &self.uid, &self.gid, &self.muid] {
            w.string(s);
        }
        debug_assert_eq!(w.pos(), size);
        Ok(size)
    }

    /// The entry's encoding in a new vector, as Twstat wants it.
    pub fn to_bytes(&self) -> Result<Vec<u8>, EncodeError> {
        let mut buf = vec![0u8; self.size()?];
        self.encode(&mut buf)?;
        Ok(buf)
    }
}

/// 9front's `sizeD2M`: `STATFIXLEN` plus the lengths of the four strings,
/// whether or not the entry can be encoded (saturating at `u32::MAX`).
#[allow(non_snake_case)]
pub fn sizeD2M(d: &Dir) -> u32 {
    let n = [&d.name, &d.uid, &d.gid, &d.muid]
        .iter()
        .fold(STATFIXLEN, |n, s| n.saturating_add(s.len()));
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// 9front's `convD2M`: encodes `d` at the start of `buf`. Returns the
/// entry's length; or `BIT16SZ`, having stored the entry's size less
/// `BIT16SZ` in the first two bytes, if `buf` is too short for it; or 0 if
/// `buf` is shorter than `BIT16SZ` or `d` cannot be encoded.
#[allow(non_snake_case)]
pub fn convD2M(d: &Dir, buf: &mut [u8]) -> u32 {
    if buf.len() < BIT16SZ {
        return 0;
    }
    match d.encode(buf) {
        Ok(n) => n as u32,
        Err(EncodeError::BufferTooSmall { need }) => {
            let _ = pbit16(buf, (need - BIT16SZ) as u16);
            BIT16SZ as u32
        }
        Err(_) => 0,
    }
}
