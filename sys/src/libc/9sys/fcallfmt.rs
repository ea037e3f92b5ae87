//! Printing 9P messages and directory entries: the port of 9front's
//! `sys/src/libc/9sys/fcallfmt.c` (`fcallfmt`, the `%F` verb, and
//! `dirfmt`, the `%D` verb).
//!
//! The text is 9front's to the byte, including what follows from how
//! 9front builds it:
//!
//! - fids printed with `%d` (in Tauth, Tattach, Twalk, Tread, Twrite) are
//!   signed 32-bit, so `NOFID` prints as -1; offsets and lengths are signed
//!   64-bit, and a directory entry's times and dev signed 32-bit (on amd64
//!   Plan 9 a `long` has 32 bits);
//! - Twrite and Rread data: at most 64 bytes, quoted as text if every byte
//!   is printable ASCII, tab or newline (DEL included), else in hex with a
//!   space after every 4 bytes;
//! - Rstat and Twstat show the entry when its stat bytes are at most 200,
//!   else `stat(N bytes)`; Rstat has two spaces before `stat`;
//! - strings are C strings printed with `%s`: they end at a NUL, a byte
//!   that is not UTF-8 prints as U+FFFD, and an incomplete sequence at the
//!   end of a string is dropped;
//! - the text is built in a 512-byte buffer (160 for `dirfmt`) by
//!   successive `seprint` calls, so it is cut at 511 (159) bytes: a
//!   character that does not fit ends its `seprint`, and the next one goes
//!   on in whatever room is left.
//!
//! What differs from 9front:
//!
//! - Rust strings cannot hold UTF-16 surrogates, which 9front's
//!   `chartorune` accepts: a surrogate prints as U+FFFD (also three bytes,
//!   so the cut falls in the same place).
//! - Stat bytes of at most 200 that `convM2D` rejects print as
//!   `stat(N bytes)`; 9front prints whatever its uninitialised buffer
//!   holds. Entries whose strings exceed 9front's 200-byte scratch buffer
//!   (which 9front overruns) print in full.
//! - An `Fcall` always has a valid type, so there is no `unknown type`.
//! - The `Display` impls of [`Fcall`] and [`Dir`] give this text and honour
//!   width and precision as `fmtstrcpy` does, counting chars.

use alloc::string::String;
use core::fmt::{self, Write};

use crate::fcall::*;

/// fcallfmt's buffer.
const FCALLBUF: usize = 512;
/// dirfmt's buffer.
const DIRBUF: usize = 160;
/// Stat bytes above this are not decoded for printing (fcallfmt's `tmp`).
const STATTMP: usize = 200;
/// The most data bytes printed.
const DUMPL: usize = 64;

/// A fixed-size text buffer filled by successive `seprint` calls.
struct Sbuf {
    text: String,
    /// Bytes left, keeping one for the terminating NUL.
    room: usize,
}

impl Sbuf {
    fn new(size: usize) -> Sbuf {
        Sbuf {
            text: String::new(),
            room: size - 1,
        }
    }
    /// Starts one `seprint` call.
    fn seprint(&mut self) -> Seprint<'_> {
        Seprint {
            buf: self,
            stopped: false,
        }
    }
}

/// One `seprint` call: it stops at the first character that does not fit.
struct Seprint<'a> {
    buf: &'a mut Sbuf,
    stopped: bool,
}

impl Seprint<'_> {
    fn rune(&mut self, c: char) {
        if self.stopped {
            return;
        }
        let n = c.len_utf8();
        if n > self.buf.room {
            self.stopped = true;
            return;
        }
        self.buf.room -= n;
        self.buf.text.push(c);
    }

    /// `%s` of a C string.
    fn cstr(&mut self, s: &[u8]) {
        let s = match s.iter().position(|&b| b == 0) {
            Some(n) => &s[..n],
            None => s,
        };
        let mut i = 0;
        while i < s.len() {
            let rest = &s[i..];
            if rest[0] < 0x80 {
                self.rune(rest[0] as char);
                i += 1;
                continue;
            }
            if rest.len() < 4 && !fullrune(rest) {
                break;
            }
            let (r, n) = chartorune(rest);
            self.rune(char::from_u32(r).unwrap_or('\u{FFFD}'));
            i += n;
        }
    }

    /// QIDFMT: `(%.16llux %lud %s)`.
    fn qid(&mut self, q: &Qid) {
        let _ = write!(self, "({:016x} {} ", q.path, q.vers);
        if q.typ & QTDIR != 0 {
            self.rune('d');
        }
        if q.typ & QTAPPEND != 0 {
            self.rune('a');
        }
        if q.typ & QTEXCL != 0 {
            self.rune('l');
        }
        if q.typ & QTAUTH != 0 {
            self.rune('A');
        }
        self.rune(')');
    }
}

impl fmt::Write for Seprint<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            self.rune(c);
        }
        Ok(())
    }
}

/// Whether `s` holds a whole UTF-8 sequence by the measure of its first
/// byte (9front's `fullrune`).
fn fullrune(s: &[u8]) -> bool {
    let need = match s.first() {
        None => return false,
        Some(&c) if c < 0x80 => 1,
        Some(&c) if c < 0xe0 => 2,
        Some(&c) if c < 0xf0 => 3,
        Some(_) => 4,
    };
    s.len() >= need
}

/// Decodes one rune as 9front's `chartorune` does, reading the bytes
/// after `s` as the NUL that ends a C string: a bad sequence gives
/// U+FFFD and consumes one byte; surrogates are not rejected.
fn chartorune(s: &[u8]) -> (u32, usize) {
    const BAD: (u32, usize) = (0xfffd, 1);
    let b = |k: usize| s.get(k).copied().unwrap_or(0) as u32;
    let c = b(0);
    if c < 0x80 {
        return (c, 1);
    }
    let c1 = b(1) ^ 0x80;
    if c1 & 0xc0 != 0 {
        return BAD;
    }
    if c < 0xe0 {
        if c < 0xc0 {
            return BAD;
        }
        let l = ((c << 6) | c1) & 0x7ff;
        return if l <= 0x7f { BAD } else { (l, 2) };
    }
    let c2 = b(2) ^ 0x80;
    if c2 & 0xc0 != 0 {
        return BAD;
    }
    if c < 0xf0 {
        let l = ((((c << 6) | c1) << 6) | c2) & 0xffff;
        return if l <= 0x7ff { BAD } else { (l, 3) };
    }
    let c3 = b(3) ^ 0x80;
    if c3 & 0xc0 != 0 {
        return BAD;
    }
    if c < 0xf8 {
        let l = ((((((c << 6) | c1) << 6) | c2) << 6) | c3) & 0x1f_ffff;
        return if l <= 0xffff || l > 0x10_ffff {
            BAD
        } else {
            (l, 4)
        };
    }
    BAD
}

/// dumpsome: the first 64 bytes of `data`, quoted, as text or hex.
fn dumpsome(p: &mut Seprint<'_>, data: &[u8]) {
    let data = &data[..data.len().min(DUMPL)];
    let printable = data
        .iter()
        .all(|&c| !((c < 32 && c != b'\n' && c != b'\t') || c > 127));
    p.rune('\'');
    if printable {
        for &c in data {
            p.rune(c as char);
        }
    } else {
        for (i, c) in data.iter().enumerate() {
            if i > 0 && i % 4 == 0 {
                p.rune(' ');
            }
            let _ = write!(p, "{:02x}", c);
        }
    }
    p.rune('\'');
}

/// fdirconv: a directory entry on one line.
fn fdirconv(p: &mut Seprint<'_>, d: &Dir) {
    for (i, s) in [&d.name, &d.uid, &d.gid, &d.muid].into_iter().enumerate() {
        if i > 0 {
            p.rune(' ');
        }
        p.rune('\'');
        p.cstr(s.as_bytes());
        p.rune('\'');
    }
    p.rune(' ');
    let _ = p.write_str("q ");
    p.qid(&d.qid);
    // %#luo: a leading 0 unless the value is 0.
    if d.mode == 0 {
        let _ = p.write_str(" m 0");
    } else {
        let _ = write!(p, " m 0{:o}", d.mode);
    }
    let _ = write!(
        p,
        " at {} mt {} l {} t {} d {}",
        d.atime as i32, d.mtime as i32, d.length as i64, d.typ, d.dev as i32
    );
}

/// The stat part of Rstat and Twstat.
fn statconv(b: &mut Sbuf, stat: &[u8]) {
    let entry = if stat.len() > STATTMP {
        None
    } else {
        Dir::decode_prefix(stat).ok()
    };
    match entry {
        None => {
            let _ = write!(b.seprint(), " stat({} bytes)", stat.len());
        }
        Some((d, _)) => {
            let _ = b.seprint().write_str(" stat ");
            fdirconv(&mut b.seprint(), &d);
        }
    }
}

/// 9front's `fcallfmt`: the text `%F` prints for `f`.
pub fn fcallfmt(f: &Fcall) -> String {
    let mut b = Sbuf::new(FCALLBUF);
    let tag = f.tag;
    let mut p = b.seprint();
    match &f.msg {
        Msg::Tversion { msize, version } => {
            let _ = write!(p, "Tversion tag {} msize {} version '", tag, msize);
            p.cstr(version.as_bytes());
            p.rune('\'');
        }
        Msg::Rversion { msize, version } => {
            let _ = write!(p, "Rversion tag {} msize {} version '", tag, msize);
            p.cstr(version.as_bytes());
            p.rune('\'');
        }
        Msg::Tauth { afid, uname, aname } => {
            let _ = write!(p, "Tauth tag {} afid {} uname ", tag, *afid as i32);
            p.cstr(uname.as_bytes());
            let _ = p.write_str(" aname ");
            p.cstr(aname.as_bytes());
        }
        Msg::Rauth { aqid } => {
            let _ = write!(p, "Rauth tag {} qid ", tag);
            p.qid(aqid);
        }
        Msg::Tattach {
            fid,
            afid,
            uname,
            aname,
        } => {
            let _ = write!(
                p,
                "Tattach tag {} fid {} afid {} uname ",
                tag, *fid as i32, *afid as i32
            );
            p.cstr(uname.as_bytes());
            let _ = p.write_str(" aname ");
            p.cstr(aname.as_bytes());
        }
        Msg::Rattach { qid } => {
            let _ = write!(p, "Rattach tag {} qid ", tag);
            p.qid(qid);
        }
        Msg::Rerror { ename } => {
            let _ = write!(p, "Rerror tag {} ename ", tag);
            p.cstr(ename.as_bytes());
        }
        Msg::Tflush { oldtag } => {
            let _ = write!(p, "Tflush tag {} oldtag {}", tag, oldtag);
        }
        Msg::Rflush => {
            let _ = write!(p, "Rflush tag {}", tag);
        }
        Msg::Twalk { fid, newfid, wname } => {
            let _ = write!(
                p,
                "Twalk tag {} fid {} newfid {} nwname {} ",
                tag,
                *fid as i32,
                *newfid as i32,
                wname.len()
            );
            if wname.len() <= MAXWELEM {
                for (i, w) in wname.iter().enumerate() {
                    let mut p = b.seprint();
                    let _ = write!(p, "{}:", i);
                    p.cstr(w.as_bytes());
                    p.rune(' ');
                }
            }
        }
        Msg::Rwalk { wqid } => {
            let _ = write!(p, "Rwalk tag {} nwqid {} ", tag, wqid.len());
            if wqid.len() <= MAXWELEM {
                for (i, q) in wqid.iter().enumerate() {
                    let mut p = b.seprint();
                    let _ = write!(p, "{}:", i);
                    p.qid(q);
                    p.rune(' ');
                }
            }
        }
        Msg::Topen { fid, mode } => {
            let _ = write!(p, "Topen tag {} fid {} mode {}", tag, fid, mode);
        }
        Msg::Ropen { qid, iounit } => {
            let _ = write!(p, "Ropen tag {} qid ", tag);
            p.qid(qid);
            let _ = write!(p, " iounit {} ", iounit);
        }
        Msg::Tcreate {
            fid,
            name,
            perm,
            mode,
        } => {
            let _ = write!(p, "Tcreate tag {} fid {} name ", tag, fid);
            p.cstr(name.as_bytes());
            let _ = write!(p, " perm 0{:o} mode {}", perm, mode);
        }
        Msg::Rcreate { qid, iounit } => {
            let _ = write!(p, "Rcreate tag {} qid ", tag);
            p.qid(qid);
            let _ = write!(p, " iounit {} ", iounit);
        }
        Msg::Tread { fid, offset, count } => {
            let _ = write!(
                p,
                "Tread tag {} fid {} offset {} count {}",
                tag, *fid as i32, *offset as i64, count
            );
        }
        Msg::Rread { data } => {
            let _ = write!(p, "Rread tag {} count {} ", tag, data.len());
            dumpsome(&mut b.seprint(), data);
        }
        Msg::Twrite { fid, offset, data } => {
            let _ = write!(
                p,
                "Twrite tag {} fid {} offset {} count {} ",
                tag,
                *fid as i32,
                *offset as i64,
                data.len()
            );
            dumpsome(&mut b.seprint(), data);
        }
        Msg::Rwrite { count } => {
            let _ = write!(p, "Rwrite tag {} count {}", tag, count);
        }
        Msg::Tclunk { fid } => {
            let _ = write!(p, "Tclunk tag {} fid {}", tag, fid);
        }
        Msg::Rclunk => {
            let _ = write!(p, "Rclunk tag {}", tag);
        }
        Msg::Tremove { fid } => {
            let _ = write!(p, "Tremove tag {} fid {}", tag, fid);
        }
        Msg::Rremove => {
            let _ = write!(p, "Rremove tag {}", tag);
        }
        Msg::Tstat { fid } => {
            let _ = write!(p, "Tstat tag {} fid {}", tag, fid);
        }
        Msg::Rstat { stat } => {
            let _ = write!(p, "Rstat tag {} ", tag);
            statconv(&mut b, stat);
        }
        Msg::Twstat { fid, stat } => {
            let _ = write!(p, "Twstat tag {} fid {}", tag, fid);
            statconv(&mut b, stat);
        }
        Msg::Rwstat => {
            let _ = write!(p, "Rwstat tag {}", tag);
        }
    }
    b.text
}

/// 9front's `dirfmt`: the text `%D` prints for `d`.
pub fn dirfmt(d: &Dir) -> String {
    let mut b = Sbuf::new(DIRBUF);
    fdirconv(&mut b.seprint(), d);
    b.text
}

impl fmt::Display for Fcall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&fcallfmt(self))
    }
}

impl fmt::Display for Dir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&dirfmt(self))
    }
}
