//! planten's bridge: libc's 9P conversions with C ABI under 9front's names
//! (`convM2S`, `convS2M`, `sizeS2M`, `convM2D`, `convD2M`, `sizeD2M`,
//! `statcheck`), over the C types of `include/fcall.h`, whose layout is
//! that of 9front's `Fcall`, `Dir` and `Qid` on amd64.
//!
//! The functions keep 9front's contracts: `convM2S` rejects what 9front's
//! does (planten's `Fcall::decode_prefix` decides), returns the message
//! size or 0, NUL-terminates each string in place by moving it one byte
//! down over its count (so the `Fcall` points into the caller's buffer, as
//! 9front's does), and points `data` and `stat` into the buffer;
//! `convS2M` returns 0 when the buffer is short; `convM2D` copies strings
//! into `strs` or points them at an empty string.
//!
//! Unsafe code is allowed here (the C types hold raw pointers); every
//! block says why it is sound, given the C caller's obligations, which are
//! 9front's: buffers of the lengths passed, NUL-terminated strings, `nwname`
//! and `nwqid` at most MAXWELEM.
#![no_std]
#![allow(non_snake_case)]

extern crate alloc;

use alloc::vec::Vec;
use core::ffi::{c_char, c_int, c_uint, CStr};

use libc::fcall::{self as fc, Dir, Fcall, Msg, Qid, WireStr, MAXWELEM};

/// 9front's `Qid`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct CQid {
    pub path: u64,
    pub vers: u32,
    pub typ: u8,
}

/// 9front's `Dir`.
#[repr(C)]
#[derive(Debug)]
pub struct CDir {
    pub typ: u16,
    pub dev: u32,
    pub qid: CQid,
    pub mode: u32,
    pub atime: u32,
    pub mtime: u32,
    pub length: i64,
    pub name: *mut c_char,
    pub uid: *mut c_char,
    pub gid: *mut c_char,
    pub muid: *mut c_char,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct Version {
    pub msize: u32,
    pub version: *mut c_char,
}
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Flush {
    pub oldtag: u16,
}
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Error {
    pub ename: *mut c_char,
}
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Open {
    pub qid: CQid,
    pub iounit: u32,
}
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Auth {
    pub aqid: CQid,
}
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Attach {
    pub afid: u32,
    pub uname: *mut c_char,
    pub aname: *mut c_char,
}
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Create {
    pub perm: u32,
    pub name: *mut c_char,
    pub mode: u8,
}
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Walk {
    pub newfid: u32,
    pub nwname: u16,
    pub wname: [*mut c_char; MAXWELEM],
}
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Rwalk {
    pub nwqid: u16,
    pub wqid: [CQid; MAXWELEM],
}
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Io {
    pub offset: i64,
    pub count: u32,
    pub data: *mut c_char,
}
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Stat {
    pub nstat: u16,
    pub stat: *mut u8,
}

/// The union of 9front's `Fcall`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union CFcallU {
    pub version: Version,
    pub flush: Flush,
    pub error: Error,
    pub open: Open,
    pub auth: Auth,
    pub attach: Attach,
    pub create: Create,
    pub walk: Walk,
    pub rwalk: Rwalk,
    pub io: Io,
    pub stat: Stat,
}

/// 9front's `Fcall`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct CFcall {
    pub typ: u8,
    pub fid: u32,
    pub tag: u16,
    pub u: CFcallU,
}

fn cq(q: &Qid) -> CQid {
    CQid { path: q.path, vers: q.vers, typ: q.typ }
}

fn rq(q: &CQid) -> Qid {
    Qid { path: q.path, vers: q.vers, typ: q.typ }
}

/// The string at `p`, or the empty string for nil.
///
/// # Safety
/// `p` is nil or a NUL-terminated string.
unsafe fn cstr(p: *const c_char) -> WireStr {
    if p.is_null() {
        return WireStr::new();
    }
    // SAFETY: the caller promises a NUL-terminated string.
    unsafe { CStr::from_ptr(p) }.to_bytes().into()
}

/// `n` bytes at `p` (nil is empty).
///
/// # Safety
/// `p` is nil or valid for reads of `n` bytes.
unsafe fn bytes(p: *const u8, n: usize) -> Vec<u8> {
    if p.is_null() || n == 0 {
        return Vec::new();
    }
    // SAFETY: the caller promises `n` readable bytes at `p`.
    unsafe { core::slice::from_raw_parts(p, n) }.to_vec()
}

/// Reads a C `Fcall` into planten's.
///
/// # Safety
/// `f` points to an `Fcall` whose pointers are valid for its type.
unsafe fn fromc(f: &CFcall) -> Option<Fcall> {
    // SAFETY (for each union read below): the variant read is the one the
    // message type says is in use, as 9front's convS2M reads it; the
    // pointers in it are the caller's obligation.
    let msg = unsafe {
        let u = &f.u;
        match f.typ {
            fc::Tversion => Msg::Tversion { msize: u.version.msize, version: cstr(u.version.version) },
            fc::Rversion => Msg::Rversion { msize: u.version.msize, version: cstr(u.version.version) },
            fc::Tauth => Msg::Tauth { afid: u.attach.afid, uname: cstr(u.attach.uname), aname: cstr(u.attach.aname) },
            fc::Rauth => Msg::Rauth { aqid: rq(&u.auth.aqid) },
            fc::Tattach => Msg::Tattach {
                fid: f.fid,
                afid: u.attach.afid,
                uname: cstr(u.attach.uname),
                aname: cstr(u.attach.aname),
            },
            fc::Rattach => Msg::Rattach { qid: rq(&u.open.qid) },
            fc::Rerror => Msg::Rerror { ename: cstr(u.error.ename) },
            fc::Tflush => Msg::Tflush { oldtag: u.flush.oldtag },
            fc::Rflush => Msg::Rflush,
            fc::Twalk => {
                let n = u.walk.nwname as usize;
                if n > MAXWELEM {
                    return None;
                }
                let wname = u.walk.wname[..n].iter().map(|&p| cstr(p)).collect();
                Msg::Twalk { fid: f.fid, newfid: u.walk.newfid, wname }
            }
            fc::Rwalk => {
                let n = u.rwalk.nwqid as usize;
                if n > MAXWELEM {
                    return None;
                }
                Msg::Rwalk { wqid: u.rwalk.wqid[..n].iter().map(rq).collect() }
            }
            fc::Topen => Msg::Topen { fid: f.fid, mode: u.create.mode },
            fc::Ropen => Msg::Ropen { qid: rq(&u.open.qid), iounit: u.open.iounit },
            fc::Tcreate => Msg::Tcreate {
                fid: f.fid,
                name: cstr(u.create.name),
                perm: u.create.perm,
                mode: u.create.mode,
            },
            fc::Rcreate => Msg::Rcreate { qid: rq(&u.open.qid), iounit: u.open.iounit },
            fc::Tread => Msg::Tread { fid: f.fid, offset: u.io.offset as u64, count: u.io.count },
            fc::Rread => Msg::Rread { data: bytes(u.io.data.cast(), u.io.count as usize) },
            fc::Twrite => Msg::Twrite {
                fid: f.fid,
                offset: u.io.offset as u64,
                data: bytes(u.io.data.cast(), u.io.count as usize),
            },
            fc::Rwrite => Msg::Rwrite { count: u.io.count },
            fc::Tclunk => Msg::Tclunk { fid: f.fid },
            fc::Rclunk => Msg::Rclunk,
            fc::Tremove => Msg::Tremove { fid: f.fid },
            fc::Rremove => Msg::Rremove,
            fc::Tstat => Msg::Tstat { fid: f.fid },
            fc::Rstat => Msg::Rstat { stat: bytes(u.stat.stat, u.stat.nstat as usize) },
            fc::Twstat => Msg::Twstat { fid: f.fid, stat: bytes(u.stat.stat, u.stat.nstat as usize) },
            fc::Rwstat => Msg::Rwstat,
            _ => return None,
        }
    };
    Some(Fcall { tag: f.tag, msg })
}

/// 9front's `sizeS2M`.
///
/// # Safety
/// `f` points to a valid `Fcall` (see the module documentation).
#[no_mangle]
pub unsafe extern "C" fn sizeS2M(f: *const CFcall) -> c_uint {
    // SAFETY: the caller passes a valid Fcall.
    let Some(f) = (unsafe { f.as_ref() }).and_then(|f| unsafe { fromc(f) }) else {
        return 0;
    };
    fc::sizeS2M(&f)
}

/// 9front's `convS2M`.
///
/// # Safety
/// `f` as for [`sizeS2M`]; `ap` is valid for writes of `nap` bytes.
#[no_mangle]
pub unsafe extern "C" fn convS2M(f: *const CFcall, ap: *mut u8, nap: c_uint) -> c_uint {
    // SAFETY: the caller passes a valid Fcall.
    let Some(f) = (unsafe { f.as_ref() }).and_then(|f| unsafe { fromc(f) }) else {
        return 0;
    };
    if ap.is_null() {
        return 0;
    }
    // SAFETY: the caller promises `nap` writable bytes at `ap`.
    let buf = unsafe { core::slice::from_raw_parts_mut(ap, nap as usize) };
    fc::convS2M(&f, buf)
}

/// Walks a validated message, moving each string down over the high byte
/// of its count and ending it with NUL, as 9front's `gstring` does;
/// returns the string pointers and the offset of the data or stat bytes.
fn fixstrings(buf: &mut [u8], typ: u8) -> (Vec<*mut c_char>, usize) {
    let mut p = 7;
    let mut strs = Vec::new();
    let mut data = 0;
    let base = buf.as_mut_ptr();
    let mut string = |buf: &mut [u8], p: &mut usize| {
        let n = u16::from_le_bytes([buf[*p], buf[*p + 1]]) as usize;
        let s = *p + 1;
        buf.copy_within(s + 1..s + 1 + n, s);
        buf[s + n] = 0;
        // The pointer is into the caller's buffer, which outlives it.
        strs.push(base.wrapping_add(s).cast::<c_char>());
        *p += 2 + n;
    };
    // The fields before, between and after the strings, as intro(5) lays
    // them out.
    match typ {
        fc::Tversion | fc::Rversion => {
            p += 4;
            string(buf, &mut p);
        }
        fc::Tauth => {
            p += 4;
            string(buf, &mut p);
            string(buf, &mut p);
        }
        fc::Tattach => {
            p += 8;
            string(buf, &mut p);
            string(buf, &mut p);
        }
        fc::Rerror => string(buf, &mut p),
        fc::Twalk => {
            p += 8;
            let n = u16::from_le_bytes([buf[p], buf[p + 1]]) as usize;
            p += 2;
            for _ in 0..n {
                string(buf, &mut p);
            }
        }
        fc::Tcreate => {
            p += 4;
            string(buf, &mut p);
        }
        fc::Rread => data = p + 4,
        fc::Twrite => data = p + 16,
        fc::Rstat => data = p + 2,
        fc::Twstat => data = p + 6,
        _ => {}
    }
    (strs, data)
}

/// 9front's `convM2S`.
///
/// # Safety
/// `ap` is valid for reads and writes of `nap` bytes and `f` for a write
/// of an `Fcall`; the `Fcall` points into `ap` afterwards.
#[no_mangle]
pub unsafe extern "C" fn convM2S(ap: *mut u8, nap: c_uint, f: *mut CFcall) -> c_uint {
    if ap.is_null() || f.is_null() {
        return 0;
    }
    // SAFETY: the caller promises `nap` bytes at `ap`.
    let buf = unsafe { core::slice::from_raw_parts_mut(ap, nap as usize) };
    let Ok((m, size)) = Fcall::decode_prefix(buf) else {
        return 0;
    };
    let typ = m.typ();
    let (strs, data) = fixstrings(&mut buf[..size], typ);
    let dataptr = ap.wrapping_add(data);
    let mut c = CFcall { typ, fid: 0, tag: m.tag, u: CFcallU { rwalk: Rwalk { nwqid: 0, wqid: [CQid::default(); MAXWELEM] } } };
    let s = |i: usize| strs.get(i).copied().unwrap_or(core::ptr::null_mut());
    match &m.msg {
        Msg::Tversion { msize, .. } | Msg::Rversion { msize, .. } => {
            c.u.version = Version { msize: *msize, version: s(0) }
        }
        Msg::Tauth { afid, .. } => c.u.attach = Attach { afid: *afid, uname: s(0), aname: s(1) },
        Msg::Rauth { aqid } => c.u.auth = Auth { aqid: cq(aqid) },
        Msg::Tattach { fid, afid, .. } => {
            c.fid = *fid;
            c.u.attach = Attach { afid: *afid, uname: s(0), aname: s(1) };
        }
        Msg::Rattach { qid } => c.u.open = Open { qid: cq(qid), iounit: 0 },
        Msg::Rerror { .. } => c.u.error = Error { ename: s(0) },
        Msg::Tflush { oldtag } => c.u.flush = Flush { oldtag: *oldtag },
        Msg::Rflush | Msg::Rclunk | Msg::Rremove | Msg::Rwstat => {}
        Msg::Twalk { fid, newfid, wname } => {
            c.fid = *fid;
            let mut w = [core::ptr::null_mut(); MAXWELEM];
            for (i, slot) in w.iter_mut().enumerate().take(wname.len()) {
                *slot = s(i);
            }
            c.u.walk = Walk { newfid: *newfid, nwname: wname.len() as u16, wname: w };
        }
        Msg::Rwalk { wqid } => {
            let mut q = [CQid::default(); MAXWELEM];
            for (d, w) in q.iter_mut().zip(wqid) {
                *d = cq(w);
            }
            c.u.rwalk = Rwalk { nwqid: wqid.len() as u16, wqid: q };
        }
        Msg::Topen { fid, mode } => {
            c.fid = *fid;
            c.u.create = Create { perm: 0, name: core::ptr::null_mut(), mode: *mode };
        }
        Msg::Ropen { qid, iounit } | Msg::Rcreate { qid, iounit } => {
            c.u.open = Open { qid: cq(qid), iounit: *iounit }
        }
        Msg::Tcreate { fid, perm, mode, .. } => {
            c.fid = *fid;
            c.u.create = Create { perm: *perm, name: s(0), mode: *mode };
        }
        Msg::Tread { fid, offset, count } => {
            c.fid = *fid;
            c.u.io = Io { offset: *offset as i64, count: *count, data: core::ptr::null_mut() };
        }
        Msg::Rread { data } => c.u.io = Io { offset: 0, count: data.len() as u32, data: dataptr.cast() },
        Msg::Twrite { fid, offset, data } => {
            c.fid = *fid;
            c.u.io = Io { offset: *offset as i64, count: data.len() as u32, data: dataptr.cast() };
        }
        Msg::Rwrite { count } => c.u.io = Io { offset: 0, count: *count, data: core::ptr::null_mut() },
        Msg::Tclunk { fid } | Msg::Tremove { fid } | Msg::Tstat { fid } => c.fid = *fid,
        Msg::Rstat { stat } => c.u.stat = Stat { nstat: stat.len() as u16, stat: dataptr },
        Msg::Twstat { fid, stat } => {
            c.fid = *fid;
            c.u.stat = Stat { nstat: stat.len() as u16, stat: dataptr };
        }
    }
    // SAFETY: `f` is valid for a write of an Fcall (checked non-nil).
    unsafe { f.write(c) };
    size as c_uint
}

/// 9front's `statcheck`.
///
/// # Safety
/// `buf` is valid for reads of `nbuf` bytes.
#[no_mangle]
pub unsafe extern "C" fn statcheck(buf: *const u8, nbuf: c_uint) -> c_int {
    if buf.is_null() {
        return -1;
    }
    // SAFETY: the caller promises `nbuf` bytes at `buf`.
    fc::statcheck(unsafe { core::slice::from_raw_parts(buf, nbuf as usize) })
}

static NULLSTRING: [u8; 1] = [0];

/// 9front's `convM2D`.
///
/// # Safety
/// `buf` is valid for `nbuf` bytes, `d` for a write of a `Dir`, and
/// `strs`, when not nil, for the entry's strings and their NULs (at most
/// `nbuf` bytes).
#[no_mangle]
pub unsafe extern "C" fn convM2D(buf: *const u8, nbuf: c_uint, d: *mut CDir, strs: *mut c_char) -> c_uint {
    if buf.is_null() || d.is_null() {
        return 0;
    }
    // SAFETY: the caller promises `nbuf` bytes at `buf`.
    let b = unsafe { core::slice::from_raw_parts(buf, nbuf as usize) };
    let mut rd = Dir::default();
    let n = fc::convM2D(b, &mut rd);
    if n == 0 {
        return 0;
    }
    let null = NULLSTRING.as_ptr().cast_mut().cast::<c_char>();
    let mut sv = [null; 4];
    if !strs.is_null() {
        let mut p = strs;
        for (i, s) in [&rd.name, &rd.uid, &rd.gid, &rd.muid].into_iter().enumerate() {
            sv[i] = p;
            // SAFETY: the caller gave room for every string and its NUL;
            // together they are shorter than the entry.
            unsafe {
                core::ptr::copy_nonoverlapping(s.as_bytes().as_ptr(), p.cast::<u8>(), s.len());
                p = p.add(s.len());
                *p = 0;
                p = p.add(1);
            }
        }
    }
    let c = CDir {
        typ: rd.typ,
        dev: rd.dev,
        qid: cq(&rd.qid),
        mode: rd.mode,
        atime: rd.atime,
        mtime: rd.mtime,
        length: rd.length as i64,
        name: sv[0],
        uid: sv[1],
        gid: sv[2],
        muid: sv[3],
    };
    // SAFETY: `d` is valid for a write of a Dir (checked non-nil).
    unsafe { d.write(c) };
    n
}

/// Reads a C `Dir`.
///
/// # Safety
/// `d` points to a `Dir` whose strings are nil or NUL-terminated.
unsafe fn dirfromc(d: &CDir) -> Dir {
    // SAFETY: the caller's obligation, passed on.
    unsafe {
        Dir {
            typ: d.typ,
            dev: d.dev,
            qid: rq(&d.qid),
            mode: d.mode,
            atime: d.atime,
            mtime: d.mtime,
            length: d.length as u64,
            name: cstr(d.name),
            uid: cstr(d.uid),
            gid: cstr(d.gid),
            muid: cstr(d.muid),
        }
    }
}

/// 9front's `sizeD2M`.
///
/// # Safety
/// `d` as for [`convD2M`].
#[no_mangle]
pub unsafe extern "C" fn sizeD2M(d: *const CDir) -> c_uint {
    // SAFETY: the caller passes a valid Dir.
    match unsafe { d.as_ref() } {
        Some(d) => fc::sizeD2M(&unsafe { dirfromc(d) }),
        None => 0,
    }
}

/// 9front's `convD2M`.
///
/// # Safety
/// `d` points to a `Dir` whose strings are nil or NUL-terminated; `buf` is
/// valid for writes of `nbuf` bytes.
#[no_mangle]
pub unsafe extern "C" fn convD2M(d: *const CDir, buf: *mut u8, nbuf: c_uint) -> c_uint {
    // SAFETY: the caller passes a valid Dir.
    let Some(d) = (unsafe { d.as_ref() }) else { return 0 };
    if buf.is_null() {
        return 0;
    }
    // SAFETY: as promised above.
    let rd = unsafe { dirfromc(d) };
    // SAFETY: the caller promises `nbuf` writable bytes at `buf`.
    let b = unsafe { core::slice::from_raw_parts_mut(buf, nbuf as usize) };
    fc::convD2M(&rd, b)
}
