//! Decoding 9P messages: the port of 9front's `sys/src/libc/9sys/convM2S.c`.
//!
//! As in 9front, a message decodes when its size field is at least a
//! header, its type is a 9P2000 message, every count, string and qid lies
//! within the message, a Twalk has at most `MAXWELEM` names and an Rwalk at
//! most `MAXWELEM` qids, and the fields end exactly where the size field
//! says. Nothing else is checked: not UTF-8, not the contents of stat bytes.
//! Bytes after the message are left alone, so a buffer may hold several
//! messages; [`Fcall::decode`] is the strict form that wants exactly one.
//!
//! What differs from 9front:
//!
//! - [`Fcall::decode_prefix`] and [`Fcall::decode`] return a
//!   [`DecodeError`] saying why a message was rejected; [`convM2S`] keeps
//!   9front's interface (the size, or 0), and leaves `f` untouched on error
//!   where 9front leaves it half filled.
//! - The decoded message owns copies of its strings and data; the input
//!   buffer is not modified (9front moves each string down over its count
//!   to make room for a NUL).
//! - A string's bytes are kept whole; 9front's C strings end at the first
//!   NUL (see `fcall.rs`).

use alloc::vec::Vec;

use crate::fcall::*;

impl Fcall {
    /// Decodes the 9P message at the start of `buf`, returning it and the
    /// number of bytes it occupies (its size field). Bytes after it are not
    /// looked at. This is `convM2S` with a typed error.
    pub fn decode_prefix(buf: &[u8]) -> Result<(Fcall, usize), DecodeError> {
        if buf.len() < BIT32SZ + BIT8SZ + BIT16SZ {
            return Err(DecodeError::Truncated);
        }
        let size = gbit32(buf).ok_or(DecodeError::Truncated)?;
        if (size as usize) < BIT32SZ + BIT8SZ + BIT16SZ {
            return Err(DecodeError::BadSize(size));
        }
        let msg = buf.get(..size as usize).ok_or(DecodeError::Truncated)?;
        let mut r = Reader::new(msg, BIT32SZ);
        let typ = r.u8()?;
        let tag = r.u16()?;
        let msg = decode_body(&mut r, typ)?;
        if r.pos() != size as usize {
            return Err(DecodeError::SizeMismatch);
        }
        Ok((Fcall { tag, msg }, size as usize))
    }

    /// Decodes `buf`, which must hold exactly one 9P message.
    pub fn decode(buf: &[u8]) -> Result<Fcall, DecodeError> {
        let (f, n) = Fcall::decode_prefix(buf)?;
        if n != buf.len() {
            return Err(DecodeError::TrailingBytes);
        }
        Ok(f)
    }
}

// The type numbers keep 9front's names.
#[allow(non_upper_case_globals)]
fn decode_body(r: &mut Reader<'_>, typ: u8) -> Result<Msg, DecodeError> {
    let msg = match typ {
        Tversion => Msg::Tversion {
            msize: r.u32()?,
            version: r.string()?,
        },
        Rversion => Msg::Rversion {
            msize: r.u32()?,
            version: r.string()?,
        },
        Tauth => Msg::Tauth {
            afid: r.u32()?,
            uname: r.string()?,
            aname: r.string()?,
        },
        Rauth => Msg::Rauth { aqid: r.qid()? },
        Tattach => Msg::Tattach {
            fid: r.u32()?,
            afid: r.u32()?,
            uname: r.string()?,
            aname: r.string()?,
        },
        Rattach => Msg::Rattach { qid: r.qid()? },
        Rerror => Msg::Rerror { ename: r.string()? },
        Tflush => Msg::Tflush { oldtag: r.u16()? },
        Rflush => Msg::Rflush,
        Twalk => {
            let fid = r.u32()?;
            let newfid = r.u32()?;
            let n = r.u16()?;
            if n as usize > MAXWELEM {
                return Err(DecodeError::TooManyElems(n));
            }
            let mut wname = Vec::with_capacity(n as usize);
            for _ in 0..n {
                wname.push(r.string()?);
            }
            Msg::Twalk { fid, newfid, wname }
        }
        Rwalk => {
            let n = r.u16()?;
            if n as usize > MAXWELEM {
                return Err(DecodeError::TooManyElems(n));
            }
            let mut wqid = Vec::with_capacity(n as usize);
            for _ in 0..n {
                wqid.push(r.qid()?);
            }
            Msg::Rwalk { wqid }
        }
        Topen => Msg::Topen {
            fid: r.u32()?,
            mode: r.u8()?,
        },
        Ropen => Msg::Ropen {
            qid: r.qid()?,
            iounit: r.u32()?,
        },
        Tcreate => Msg::Tcreate {
            fid: r.u32()?,
            name: r.string()?,
            perm: r.u32()?,
            mode: r.u8()?,
        },
        Rcreate => Msg::Rcreate {
            qid: r.qid()?,
            iounit: r.u32()?,
        },
        Tread => Msg::Tread {
            fid: r.u32()?,
            offset: r.u64()?,
            count: r.u32()?,
        },
        Rread => {
            let count = r.u32()?;
            Msg::Rread {
                data: r.bytes(count as usize)?,
            }
        }
        Twrite => {
            let fid = r.u32()?;
            let offset = r.u64()?;
            let count = r.u32()?;
            Msg::Twrite {
                fid,
                offset,
                data: r.bytes(count as usize)?,
            }
        }
        Rwrite => Msg::Rwrite { count: r.u32()? },
        Tclunk => Msg::Tclunk { fid: r.u32()? },
        Rclunk => Msg::Rclunk,
        Tremove => Msg::Tremove { fid: r.u32()? },
        Rremove => Msg::Rremove,
        Tstat => Msg::Tstat { fid: r.u32()? },
        Rstat => {
            let n = r.u16()?;
            Msg::Rstat {
                stat: r.bytes(n as usize)?,
            }
        }
        Twstat => {
            let fid = r.u32()?;
            let n = r.u16()?;
            Msg::Twstat {
                fid,
                stat: r.bytes(n as usize)?,
            }
        }
        Rwstat => Msg::Rwstat,
        _ => return Err(DecodeError::BadType(typ)),
    };
    Ok(msg)
}

/// 9front's `convM2S`: decodes the message at the start of `ap` into `f`
/// and returns its size, or returns 0 (leaving `f` alone) if it is
/// malformed.
#[allow(non_snake_case)]
pub fn convM2S(ap: &[u8], f: &mut Fcall) -> u32 {
    match Fcall::decode_prefix(ap) {
        Ok((m, n)) => {
            *f = m;
            n as u32
        }
        Err(_) => 0,
    }
}
