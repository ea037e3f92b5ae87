//! Encoding 9P messages: the port of 9front's `sys/src/libc/9sys/convS2M.c`.
//!
//! A message is laid out as intro(5) gives it: `size[4] type[1] tag[2]` and
//! the message's fields, integers little-endian, strings as a 16-bit count
//! and the bytes, qids as `type[1] vers[4] path[8]`.
//!
//! What differs from 9front:
//!
//! - [`Fcall::size`] and [`Fcall::encode`] return an [`EncodeError`] for
//!   what 9front cannot represent: a string over 65535 bytes or stat bytes
//!   over 65535 (9front truncates the count and writes a malformed
//!   message), data over 2^32-1 bytes, a message whose size does not fit
//!   32 bits, and more than `MAXWELEM` walk elements (9front's `convS2M`
//!   returns 0, its `sizeS2M` reads past the array). [`sizeS2M`] and
//!   [`convS2M`] keep 9front's interface and return 0 for all of these, as
//!   `convS2M` does for a buffer that is too small.
//! - The counts of Twrite and Rread are the lengths of their data, and the
//!   stat counts of Rstat and Twstat those of their stat bytes.
//! - A string is its bytes, NULs included (9front stops at the first NUL).

use alloc::vec;
use alloc::vec::Vec;

use crate::fcall::*;

const HDR: usize = BIT32SZ + BIT8SZ + BIT16SZ;

fn walk_len(n: usize) -> Result<(), EncodeError> {
    if n > MAXWELEM {
        return Err(EncodeError::TooManyElems);
    }
    Ok(())
}

fn data_len(n: usize) -> Result<usize, EncodeError> {
    if n > u32::MAX as usize {
        return Err(EncodeError::CountTooLarge);
    }
    Ok(n)
}

fn stat_len(n: usize) -> Result<usize, EncodeError> {
    if n > u16::MAX as usize {
        return Err(EncodeError::CountTooLarge);
    }
    Ok(n)
}

impl Fcall {
    /// The number of bytes the message encodes to, size field included
    /// (`sizeS2M`), or why it cannot be encoded.
    pub fn size(&self) -> Result<usize, EncodeError> {
        let body = match &self.msg {
            Msg::Tversion { version, .. } | Msg::Rversion { version, .. } => {
                BIT32SZ + stringsz(version)?
            }
            Msg::Tauth { uname, aname, .. } => BIT32SZ + stringsz(uname)? + stringsz(aname)?,
            Msg::Rauth { .. } | Msg::Rattach { .. } => QIDSZ,
            Msg::Tattach { uname, aname, .. } => {
                BIT32SZ + BIT32SZ + stringsz(uname)? + stringsz(aname)?
            }
            Msg::Rerror { ename } => stringsz(ename)?,
            Msg::Tflush { .. } => BIT16SZ,
            Msg::Rflush | Msg::Rclunk | Msg::Rremove | Msg::Rwstat => 0,
            Msg::Twalk { wname, .. } => {
                walk_len(wname.len())?;
                let mut n = BIT32SZ + BIT32SZ + BIT16SZ;
                for w in wname {
                    n += stringsz(w)?;
                }
                n
            }
            Msg::Rwalk { wqid } => {
                walk_len(wqid.len())?;
                BIT16SZ + wqid.len() * QIDSZ
            }
            Msg::Topen { .. } => BIT32SZ + BIT8SZ,
            Msg::Ropen { .. } | Msg::Rcreate { .. } => QIDSZ + BIT32SZ,
            Msg::Tcreate { name, .. } => BIT32SZ + stringsz(name)? + BIT32SZ + BIT8SZ,
            Msg::Tread { .. } => BIT32SZ + BIT64SZ + BIT32SZ,
            Msg::Rread { data } => BIT32SZ + data_len(data.len())?,
            Msg::Twrite { data, .. } => BIT32SZ + BIT64SZ + BIT32SZ + data_len(data.len())?,
            Msg::Rwrite { .. } => BIT32SZ,
            Msg::Tclunk { .. } | Msg::Tremove { .. } | Msg::Tstat { .. } => BIT32SZ,
            Msg::Rstat { stat } => BIT16SZ + stat_len(stat.len())?,
            Msg::Twstat { stat, .. } => BIT32SZ + BIT16SZ + stat_len(stat.len())?,
        };
        let n = HDR + body;
        if n > u32::MAX as usize {
            return Err(EncodeError::TooLong);
        }
        Ok(n)
    }

    /// Encodes the message at the start of `buf` and returns its length
    /// (`convS2M`). Bytes of `buf` after it are not touched.
    pub fn encode(&self, buf: &mut [u8]) -> Result<usize, EncodeError> {
        let size = self.size()?;
        let buf = buf
            .get_mut(..size)
            .ok_or(EncodeError::BufferTooSmall { need: size })?;
        let mut w = Writer::new(buf);
        w.u32(size as u32);
        w.u8(self.msg.typ());
        w.u16(self.tag);
        match &self.msg {
            Msg::Tversion { msize, version } | Msg::Rversion { msize, version } => {
                w.u32(*msize);
                w.string(version);
            }
            Msg::Tauth { afid, uname, aname } => {
                w.u32(*afid);
                w.string(uname);
                w.string(aname);
            }
            Msg::Rauth { aqid } => w.qid(aqid),
            Msg::Tattach {
                fid,
                afid,
                uname,
                aname,
            } => {
                w.u32(*fid);
                w.u32(*afid);
                w.string(uname);
                w.string(aname);
            }
            Msg::Rattach { qid } => w.qid(qid),
            Msg::Rerror { ename } => w.string(ename),
            Msg::Tflush { oldtag } => w.u16(*oldtag),
            Msg::Rflush | Msg::Rclunk | Msg::Rremove | Msg::Rwstat => {}
            Msg::Twalk { fid, newfid, wname } => {
                w.u32(*fid);
                w.u32(*newfid);
                w.u16(wname.len() as u16);
                for s in wname {
                    w.string(s);
                }
            }
            Msg::Rwalk { wqid } => {
                w.u16(wqid.len() as u16);
                for q in wqid {
                    w.qid(q);
                }
            }
            Msg::Topen { fid, mode } => {
                w.u32(*fid);
                w.u8(*mode);
            }
            Msg::Ropen { qid, iounit } | Msg::Rcreate { qid, iounit } => {
                w.qid(qid);
                w.u32(*iounit);
            }
            Msg::Tcreate {
                fid,
                name,
                perm,
                mode,
            } => {
                w.u32(*fid);
                w.string(name);
                w.u32(*perm);
                w.u8(*mode);
            }
            Msg::Tread { fid, offset, count } => {
                w.u32(*fid);
                w.u64(*offset);
                w.u32(*count);
            }
            Msg::Rread { data } => {
                w.u32(data.len() as u32);
                w.put(data);
            }
            Msg::Twrite { fid, offset, data } => {
                w.u32(*fid);
                w.u64(*offset);
                w.u32(data.len() as u32);
                w.put(data);
            }
            Msg::Rwrite { count } => w.u32(*count),
            Msg::Tclunk { fid } | Msg::Tremove { fid } | Msg::Tstat { fid } => w.u32(*fid),
            Msg::Rstat { stat } => {
                w.u16(stat.len() as u16);
                w.put(stat);
            }
            Msg::Twstat { fid, stat } => {
                w.u32(*fid);
                w.u16(stat.len() as u16);
                w.put(stat);
            }
        }
        debug_assert_eq!(w.pos(), size);
        Ok(size)
    }

    /// The message's encoding in a new vector.
    pub fn to_bytes(&self) -> Result<Vec<u8>, EncodeError> {
        let mut buf = vec![0u8; self.size()?];
        self.encode(&mut buf)?;
        Ok(buf)
    }
}

/// 9front's `sizeS2M`: the encoded size of `f`, or 0 if it cannot be
/// encoded.
#[allow(non_snake_case)]
pub fn sizeS2M(f: &Fcall) -> u32 {
    f.size().map_or(0, |n| n as u32)
}

/// 9front's `convS2M`: encodes `f` at the start of `ap` and returns its
/// size, or 0 if `ap` is too small or `f` cannot be encoded.
#[allow(non_snake_case)]
pub fn convS2M(f: &Fcall, ap: &mut [u8]) -> u32 {
    f.encode(ap).map_or(0, |n| n as u32)
}
