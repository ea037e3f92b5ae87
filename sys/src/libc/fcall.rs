//! 9P2000 messages and directory entries: the port of 9front's
//! `sys/include/fcall.h`, with the `Qid`/`Dir` types and the `QT*`, `DM*`
//! and `O*` constants of `sys/include/libc.h`.
//!
//! planten keeps no C headers in `sys/include`, so the header's types and
//! constants live in this module, and it re-exports the functions of the
//! `9sys` modules that implement them (`convM2S`, `convS2M`, `sizeS2M`,
//! `convM2D`, `convD2M`, `sizeD2M`, `statcheck`, `dirpackage`, `fcallfmt`,
//! `dirfmt`), so that `libc::fcall` is the whole 9P interface.
//!
//! What differs from 9front:
//!
//! - 9front's `Fcall` is one struct with a `type` byte and a union of
//!   fields. Here a message is [`Fcall`] `{ tag, msg }`, where [`Msg`] is an
//!   enum with one variant per T- and R-message, holding exactly that
//!   message's fields. The type numbers stay as constants ([`Tversion`] …
//!   [`Rwstat`], and the illegal [`Terror`]); [`Msg::typ`] gives a message's
//!   number. `Fcall::count` and `nstat` are not stored: they are the lengths
//!   of `data` and `stat`.
//! - Decoded messages own their data (9front points into the message
//!   buffer, and `convM2S` even moves strings within it to NUL-terminate
//!   them).
//! - Strings are [`WireStr`]: the bytes on the wire, kept as they are.
//!   9front's `convM2S` does not check that strings are UTF-8 and neither
//!   does planten, so that a name a file server sends can be sent back
//!   unchanged (to walk to it, or to remove it). intro(5) says strings are
//!   UTF-8 without NUL; whoever interprets a name (the kernel's name
//!   validation) rejects what it must. Unlike 9front, a NUL byte inside a
//!   string does not end it: it is kept, and encoded again.
//!   [`WireStr::as_str`] gives the `&str` when the bytes are UTF-8.
//! - The `GBIT*`/`PBIT*` macros are the functions [`gbit8`] … [`pbit64`],
//!   which check the slice they are given instead of reading past it.
//! - Errors are typed: [`DecodeError`] says why a message or directory
//!   entry was rejected where 9front returns 0 or -1, and [`EncodeError`]
//!   reports what 9front cannot represent (strings over 65535 bytes, more
//!   than `MAXWELEM` walk elements, …) and would encode wrongly.
//! - There is no `MAXMSG`: 9front's `fcall.h` has none; the message size is
//!   negotiated by Tversion (the kernel's mount driver uses `IOHDRSZ+32768`).
//!   `read9pmsg` (a system-call wrapper) and `dirmodefmt` are not here.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

pub use crate::convd2m::{convD2M, sizeD2M};
pub use crate::convm2d::{convM2D, statcheck};
pub use crate::convm2s::convM2S;
pub use crate::convs2m::{convS2M, sizeS2M};
pub use crate::dirread::dirpackage;
pub use crate::fcallfmt::{dirfmt, fcallfmt};

/// The protocol version string planten speaks.
pub const VERSION9P: &str = "9P2000";

/// The most names a Twalk carries, and qids an Rwalk returns.
pub const MAXWELEM: usize = 16;

pub const BIT8SZ: usize = 1;
pub const BIT16SZ: usize = 2;
pub const BIT32SZ: usize = 4;
pub const BIT64SZ: usize = 8;
/// A qid on the wire: `type[1] vers[4] path[8]`.
pub const QIDSZ: usize = BIT8SZ + BIT32SZ + BIT64SZ;

/// The fixed-length part of a machine-independent directory entry,
/// counting its leading 16-bit size field and the four 16-bit string
/// lengths (the size field's value excludes the field itself).
pub const STATFIXLEN: usize = BIT16SZ + QIDSZ + 5 * BIT16SZ + 4 * BIT32SZ + BIT64SZ;

/// The largest value of a directory entry's size field (`libc.h`).
pub const STATMAX: usize = 65535;
/// The longest error string (`libc.h`).
pub const ERRMAX: usize = 128;

/// The tag of a message that needs none (Tversion).
pub const NOTAG: u16 = !0;
/// The fid that names no file (the afid of an attach without
/// authentication).
pub const NOFID: u32 = !0;
/// Room enough for the header of a Twrite or Rread: the most data such a
/// message carries is msize - IOHDRSZ.
pub const IOHDRSZ: usize = 24;

// Message types, with 9front's names.
#[allow(non_upper_case_globals)]
mod types {
    pub const Tversion: u8 = 100;
    pub const Rversion: u8 = 101;
    pub const Tauth: u8 = 102;
    pub const Rauth: u8 = 103;
    pub const Tattach: u8 = 104;
    pub const Rattach: u8 = 105;
    /// Illegal: there is no Terror. A message of this type does not decode.
    pub const Terror: u8 = 106;
    pub const Rerror: u8 = 107;
    pub const Tflush: u8 = 108;
    pub const Rflush: u8 = 109;
    pub const Twalk: u8 = 110;
    pub const Rwalk: u8 = 111;
    pub const Topen: u8 = 112;
    pub const Ropen: u8 = 113;
    pub const Tcreate: u8 = 114;
    pub const Rcreate: u8 = 115;
    pub const Tread: u8 = 116;
    pub const Rread: u8 = 117;
    pub const Twrite: u8 = 118;
    pub const Rwrite: u8 = 119;
    pub const Tclunk: u8 = 120;
    pub const Rclunk: u8 = 121;
    pub const Tremove: u8 = 122;
    pub const Rremove: u8 = 123;
    pub const Tstat: u8 = 124;
    pub const Rstat: u8 = 125;
    pub const Twstat: u8 = 126;
    pub const Rwstat: u8 = 127;
    /// One past the last message type.
    pub const Tmax: u8 = 128;
}
pub use types::*;

// Qid types: the high byte of a file's mode.
/// A directory.
pub const QTDIR: u8 = 0x80;
/// An append-only file.
pub const QTAPPEND: u8 = 0x40;
/// An exclusive-use file.
pub const QTEXCL: u8 = 0x20;
/// A mounted channel.
pub const QTMOUNT: u8 = 0x10;
/// An authentication file.
pub const QTAUTH: u8 = 0x08;
/// A file not backed up.
pub const QTTMP: u8 = 0x04;
/// A plain file.
pub const QTFILE: u8 = 0x00;

// Mode bits of a directory entry.
pub const DMDIR: u32 = 0x8000_0000;
pub const DMAPPEND: u32 = 0x4000_0000;
pub const DMEXCL: u32 = 0x2000_0000;
pub const DMMOUNT: u32 = 0x1000_0000;
pub const DMAUTH: u32 = 0x0800_0000;
pub const DMTMP: u32 = 0x0400_0000;
pub const DMREAD: u32 = 0x4;
pub const DMWRITE: u32 = 0x2;
pub const DMEXEC: u32 = 0x1;

// Open modes: the mode byte of Topen and Tcreate.
pub const OREAD: u8 = 0;
pub const OWRITE: u8 = 1;
pub const ORDWR: u8 = 2;
/// Read, but check execute permission.
pub const OEXEC: u8 = 3;
/// Truncate the file first (with any mode but OEXEC).
pub const OTRUNC: u8 = 16;
/// Close on exec.
pub const OCEXEC: u8 = 32;
/// Remove the file when the fid is clunked.
pub const ORCLOSE: u8 = 64;
/// Exclusive use (create only). A flag of the open and create system calls:
/// it does not fit the one-byte mode of a 9P message, hence its wider type.
pub const OEXCL: u32 = 0x1000;

/// A 9P string: the bytes of a `string[s]` field, kept as they came.
///
/// Usually UTF-8 text; see the module documentation for why planten does
/// not insist. Build one from `&str`, `String`, `&[u8]` or `Vec<u8>` with
/// `into()`.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WireStr(Vec<u8>);

impl WireStr {
    pub const fn new() -> WireStr {
        WireStr(Vec::new())
    }
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
    /// The string, if its bytes are UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        core::str::from_utf8(&self.0).ok()
    }
    /// The string, with any bytes that are not UTF-8 replaced by U+FFFD.
    pub fn to_string_lossy(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.0)
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<&str> for WireStr {
    fn from(s: &str) -> WireStr {
        WireStr(s.as_bytes().to_vec())
    }
}
impl From<String> for WireStr {
    fn from(s: String) -> WireStr {
        WireStr(s.into_bytes())
    }
}
impl From<&[u8]> for WireStr {
    fn from(s: &[u8]) -> WireStr {
        WireStr(s.to_vec())
    }
}
impl From<Vec<u8>> for WireStr {
    fn from(s: Vec<u8>) -> WireStr {
        WireStr(s)
    }
}
impl AsRef<[u8]> for WireStr {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}
impl PartialEq<str> for WireStr {
    fn eq(&self, other: &str) -> bool {
        self.0 == other.as_bytes()
    }
}
impl PartialEq<&str> for WireStr {
    fn eq(&self, other: &&str) -> bool {
        self.0 == other.as_bytes()
    }
}
impl fmt::Debug for WireStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_str() {
            Some(s) => fmt::Debug::fmt(s, f),
            None => {
                f.write_str("b\"")?;
                for &b in &self.0 {
                    fmt::Display::fmt(&core::ascii::escape_default(b), f)?;
                }
                f.write_str("\"")
            }
        }
    }
}
impl fmt::Display for WireStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.to_string_lossy())
    }
}

/// A file's unique identity on its server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Qid {
    /// Unique among the server's files.
    pub path: u64,
    /// Changes when the file does.
    pub vers: u32,
    /// `QT*` bits.
    pub typ: u8,
}

/// A directory entry, as `stat` returns it (`Dir` of 9front's `libc.h`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dir {
    /// Server type (for kernel use).
    pub typ: u16,
    /// Server subtype (for kernel use).
    pub dev: u32,
    pub qid: Qid,
    /// Permissions and `DM*` bits.
    pub mode: u32,
    /// Last read time, seconds since the epoch.
    pub atime: u32,
    /// Last write time.
    pub mtime: u32,
    /// File length in bytes.
    pub length: u64,
    /// Last element of the path.
    pub name: WireStr,
    /// Owner.
    pub uid: WireStr,
    /// Group.
    pub gid: WireStr,
    /// Last modifier.
    pub muid: WireStr,
}

/// A 9P message: its tag and the message proper.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fcall {
    pub tag: u16,
    pub msg: Msg,
}

/// The T- and R-messages of 9P2000, one variant each, with their fields as
/// intro(5) lists them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    Tversion {
        msize: u32,
        version: WireStr,
    },
    Rversion {
        msize: u32,
        version: WireStr,
    },
    Tauth {
        afid: u32,
        uname: WireStr,
        aname: WireStr,
    },
    Rauth {
        aqid: Qid,
    },
    Tattach {
        fid: u32,
        afid: u32,
        uname: WireStr,
        aname: WireStr,
    },
    Rattach {
        qid: Qid,
    },
    Rerror {
        ename: WireStr,
    },
    Tflush {
        oldtag: u16,
    },
    Rflush,
    /// At most [`MAXWELEM`] names encode or decode.
    Twalk {
        fid: u32,
        newfid: u32,
        wname: Vec<WireStr>,
    },
    /// At most [`MAXWELEM`] qids encode or decode.
    Rwalk {
        wqid: Vec<Qid>,
    },
    Topen {
        fid: u32,
        mode: u8,
    },
    Ropen {
        qid: Qid,
        iounit: u32,
    },
    Tcreate {
        fid: u32,
        name: WireStr,
        perm: u32,
        mode: u8,
    },
    Rcreate {
        qid: Qid,
        iounit: u32,
    },
    Tread {
        fid: u32,
        offset: u64,
        count: u32,
    },
    /// The count on the wire is `data.len()`.
    Rread {
        data: Vec<u8>,
    },
    /// The count on the wire is `data.len()`.
    Twrite {
        fid: u32,
        offset: u64,
        data: Vec<u8>,
    },
    Rwrite {
        count: u32,
    },
    Tclunk {
        fid: u32,
    },
    Rclunk,
    Tremove {
        fid: u32,
    },
    Rremove,
    Tstat {
        fid: u32,
    },
    /// A machine-independent directory entry, size field included, as the
    /// server sent it (see [`Dir::decode`]).
    Rstat {
        stat: Vec<u8>,
    },
    /// A machine-independent directory entry (see [`Dir::to_bytes`]).
    Twstat {
        fid: u32,
        stat: Vec<u8>,
    },
    Rwstat,
}

impl Msg {
    /// The message's type number (`Tversion` … `Rwstat`).
    pub fn typ(&self) -> u8 {
        match self {
            Msg::Tversion { .. } => Tversion,
            Msg::Rversion { .. } => Rversion,
            Msg::Tauth { .. } => Tauth,
            Msg::Rauth { .. } => Rauth,
            Msg::Tattach { .. } => Tattach,
            Msg::Rattach { .. } => Rattach,
            Msg::Rerror { .. } => Rerror,
            Msg::Tflush { .. } => Tflush,
            Msg::Rflush => Rflush,
            Msg::Twalk { .. } => Twalk,
            Msg::Rwalk { .. } => Rwalk,
            Msg::Topen { .. } => Topen,
            Msg::Ropen { .. } => Ropen,
            Msg::Tcreate { .. } => Tcreate,
            Msg::Rcreate { .. } => Rcreate,
            Msg::Tread { .. } => Tread,
            Msg::Rread { .. } => Rread,
            Msg::Twrite { .. } => Twrite,
            Msg::Rwrite { .. } => Rwrite,
            Msg::Tclunk { .. } => Tclunk,
            Msg::Rclunk => Rclunk,
            Msg::Tremove { .. } => Tremove,
            Msg::Rremove => Rremove,
            Msg::Tstat { .. } => Tstat,
            Msg::Rstat { .. } => Rstat,
            Msg::Twstat { .. } => Twstat,
            Msg::Rwstat => Rwstat,
        }
    }

    /// Whether this is a request (T-message); replies have odd numbers.
    pub fn is_request(&self) -> bool {
        self.typ() & 1 == 0
    }
}

impl Fcall {
    pub fn new(tag: u16, msg: Msg) -> Fcall {
        Fcall { tag, msg }
    }
    /// The message's type number.
    pub fn typ(&self) -> u8 {
        self.msg.typ()
    }
}

/// Why a message or directory entry did not decode. 9front's `convM2S`
/// and `convM2D` return 0 and `statcheck` -1 for all of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The buffer ends before the 7-byte message header, before the size
    /// its size field gives, or (for a directory entry) before
    /// `STATFIXLEN` bytes.
    Truncated,
    /// The message's size field is less than a header (7).
    BadSize(u32),
    /// Not a 9P2000 message type (this includes the illegal Terror).
    BadType(u8),
    /// A fixed-size field or qid lies past the end of the message as its
    /// size field delimits it.
    ShortMessage,
    /// A string's length runs past the end of the message or entry.
    BadString,
    /// The count of Twrite or Rread data, or of Twstat or Rstat stat bytes,
    /// runs past the end of the message.
    BadCount,
    /// A Twalk with more than `MAXWELEM` names or an Rwalk with more than
    /// `MAXWELEM` qids.
    TooManyElems(u16),
    /// The fields end before the size field says the message (or the
    /// buffer says the directory entry) does, or a directory entry's size
    /// field is not its length less 2.
    SizeMismatch,
    /// [`Fcall::decode`] and [`Dir::decode`] only: the buffer holds bytes
    /// after the message.
    TrailingBytes,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Truncated => f.write_str("truncated 9P message"),
            DecodeError::BadSize(n) => write!(f, "bad 9P message size {}", n),
            DecodeError::BadType(t) => write!(f, "bad 9P message type {}", t),
            DecodeError::ShortMessage => f.write_str("9P message too short for its fields"),
            DecodeError::BadString => f.write_str("9P string runs past the end"),
            DecodeError::BadCount => f.write_str("9P count runs past the end"),
            DecodeError::TooManyElems(n) => write!(f, "too many walk elements ({})", n),
            DecodeError::SizeMismatch => f.write_str("9P size field does not match contents"),
            DecodeError::TrailingBytes => f.write_str("bytes after 9P message"),
        }
    }
}

impl core::error::Error for DecodeError {}

/// Why a message or directory entry did not encode. 9front's `convS2M` and
/// `convD2M` return 0 (or `BIT16SZ`) for a short buffer and too many walk
/// elements, and encode the other cases wrongly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// The buffer is shorter than the encoding, which needs `need` bytes.
    BufferTooSmall { need: usize },
    /// A string longer than 65535 bytes.
    StringTooLong,
    /// A Twalk or Rwalk with more than `MAXWELEM` elements.
    TooManyElems,
    /// Stat bytes longer than 65535, or data longer than a 32-bit count.
    CountTooLarge,
    /// A message longer than its 32-bit size field can say, or a
    /// directory entry longer than its 16-bit one can.
    TooLong,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::BufferTooSmall { need } => {
                write!(f, "buffer too small for 9P message ({} bytes)", need)
            }
            EncodeError::StringTooLong => f.write_str("9P string longer than 65535 bytes"),
            EncodeError::TooManyElems => f.write_str("too many walk elements"),
            EncodeError::CountTooLarge => f.write_str("9P count too large"),
            EncodeError::TooLong => f.write_str("9P message too long"),
        }
    }
}

impl core::error::Error for EncodeError {}

/// `GBIT8`: the byte at the start of `p`, if there is one.
pub fn gbit8(p: &[u8]) -> Option<u8> {
    p.first().copied()
}
/// `GBIT16`: the little-endian 16-bit value at the start of `p`.
pub fn gbit16(p: &[u8]) -> Option<u16> {
    Some(u16::from_le_bytes(*p.first_chunk()?))
}
/// `GBIT32`: the little-endian 32-bit value at the start of `p`.
pub fn gbit32(p: &[u8]) -> Option<u32> {
    Some(u32::from_le_bytes(*p.first_chunk()?))
}
/// `GBIT64`: the little-endian 64-bit value at the start of `p`.
pub fn gbit64(p: &[u8]) -> Option<u64> {
    Some(u64::from_le_bytes(*p.first_chunk()?))
}
/// `PBIT8`: store `v` at the start of `p`; `None` if `p` is too short.
pub fn pbit8(p: &mut [u8], v: u8) -> Option<()> {
    *p.first_mut()? = v;
    Some(())
}
/// `PBIT16`: store `v` little-endian at the start of `p`.
pub fn pbit16(p: &mut [u8], v: u16) -> Option<()> {
    *p.first_chunk_mut()? = v.to_le_bytes();
    Some(())
}
/// `PBIT32`: store `v` little-endian at the start of `p`.
pub fn pbit32(p: &mut [u8], v: u32) -> Option<()> {
    *p.first_chunk_mut()? = v.to_le_bytes();
    Some(())
}
/// `PBIT64`: store `v` little-endian at the start of `p`.
pub fn pbit64(p: &mut [u8], v: u64) -> Option<()> {
    *p.first_chunk_mut()? = v.to_le_bytes();
    Some(())
}

/// Reads the fields of a message or directory entry in order, never past
/// the end of its slice.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8], pos: usize) -> Reader<'a> {
        Reader { buf, pos }
    }
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }
    fn take(&mut self, n: usize, err: DecodeError) -> Result<&'a [u8], DecodeError> {
        let rest = self.buf.get(self.pos..).unwrap_or(&[]);
        let b = rest.get(..n).ok_or(err)?;
        self.pos += n;
        Ok(b)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let b = self.take(N, DecodeError::ShortMessage)?;
        let mut a = [0u8; N];
        a.copy_from_slice(b);
        Ok(a)
    }
    pub(crate) fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.array::<1>()?[0])
    }
    pub(crate) fn u16(&mut self) -> Result<u16, DecodeError> {
        Ok(u16::from_le_bytes(self.array()?))
    }
    pub(crate) fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    pub(crate) fn u64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    pub(crate) fn qid(&mut self) -> Result<Qid, DecodeError> {
        // Check the whole qid first, as gqid does.
        let b = self.take(QIDSZ, DecodeError::ShortMessage)?;
        let mut r = Reader::new(b, 0);
        let typ = r.u8()?;
        let vers = r.u32()?;
        let path = r.u64()?;
        Ok(Qid { path, vers, typ })
    }
    /// A `string[s]`: the length is a fixed field, the bytes must fit.
    pub(crate) fn string(&mut self) -> Result<WireStr, DecodeError> {
        let n = self.u16()? as usize;
        Ok(WireStr(self.take(n, DecodeError::BadString)?.to_vec()))
    }
    /// `n` bytes of data whose count has been read.
    pub(crate) fn bytes(&mut self, n: usize) -> Result<Vec<u8>, DecodeError> {
        Ok(self.take(n, DecodeError::BadCount)?.to_vec())
    }
}

/// Writes the fields of a message or directory entry into a slice whose
/// length the caller has checked against the encoding's size.
pub(crate) struct Writer<'a> {
    buf: &'a mut [u8],
    pos: usize,
}

impl<'a> Writer<'a> {
    pub(crate) fn new(buf: &'a mut [u8]) -> Writer<'a> {
        Writer { buf, pos: 0 }
    }
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }
    pub(crate) fn put(&mut self, b: &[u8]) {
        self.buf[self.pos..self.pos + b.len()].copy_from_slice(b);
        self.pos += b.len();
    }
    pub(crate) fn u8(&mut self, v: u8) {
        self.put(&[v]);
    }
    pub(crate) fn u16(&mut self, v: u16) {
        self.put(&v.to_le_bytes());
    }
    pub(crate) fn u32(&mut self, v: u32) {
        self.put(&v.to_le_bytes());
    }
    pub(crate) fn u64(&mut self, v: u64) {
        self.put(&v.to_le_bytes());
    }
    pub(crate) fn qid(&mut self, q: &Qid) {
        self.u8(q.typ);
        self.u32(q.vers);
        self.u64(q.path);
    }
    /// A string whose length the size computation has checked.
    pub(crate) fn string(&mut self, s: &WireStr) {
        self.u16(s.len() as u16);
        self.put(s.as_bytes());
    }
}

/// The encoded size of a string, or an error if its length does not fit
/// its 16-bit count.
pub(crate) fn stringsz(s: &WireStr) -> Result<usize, EncodeError> {
    if s.len() > u16::MAX as usize {
        return Err(EncodeError::StringTooLong);
    }
    Ok(BIT16SZ + s.len())
}
