//! The file system calls: part of 9front's `port/sysfile.c`.
//!
//! Here are the descriptor table operations (`newfd`, `newfd2`,
//! `fdtochan`, `fdclose`, `growfd`), `openmode`, and the calls that use
//! the name space: `open`, `create`, `close`, `dup`, `read` and `pread`
//! (with union directory reads, `unionread`, and the rewriting of
//! mount points in directory reads, `mountfix`), `write` and `pwrite`,
//! `seek`, `stat`, `fstat`, `wstat`, `fwstat`, `chdir`, `remove`,
//! `fd2path`, `bind`, `unmount` and `pipe`.
//!
//! A union directory reads as the concatenation of its members' reads, in
//! the order of the union (MBEFORE members first, MAFTER ones last); as in
//! 9front, a name found in several members is listed once per member (a
//! walk finds the first). An entry for a file something is mounted upon
//! reads as the stat of what is mounted there, under the entry's name.
//!
//! What differs from 9front:
//!
//! - The calls are functions of the current process ([`Up`]) with Rust
//!   arguments; checking and copying user memory is the system-call
//!   layer's job. They return `Result` (the value or the error string).
//! - `mount`, `fversion` and `fauth` are here (9front has the last two
//!   in auth.c), over devmnt.rs. Not here yet: the old stat calls,
//!   `iounit`, `segattach`... MCACHE marks a mount's channels but there
//!   is no cache.
//! - The warning 9front prints when a process passes a multiple of 100
//!   descriptors is only recorded in the table (`exceed`).

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use libc::convm2d::statcheck;
use libc::fcall::{
    BIT16SZ, BIT32SZ, BIT64SZ, BIT8SZ, OCEXEC, OEXCL, OEXEC, ORDWR, OREAD, OTRUNC, OWRITE, QTDIR,
    STATFIXLEN,
};

use crate::chan::{
    cclone, chanpath, cmount, cunique, cunmount, dirchanstat, eqchantdqid, findmount, namec,
    namelenerror, validname, Chan,
};
use crate::pgrp::Fgrp;
use crate::portdat::{Amode, Up, CCEXEC, CMSG, DELTAFD, MAFTER, MBEFORE, MMASK, MORDER};
use crate::portfns::{ILock, QLock, Sched};
use crate::{Error, Result};

/// The most descriptors a table may grow to (9P has 16 bits of fid).
pub const MAXNFD: usize = 5000;

/// `openmode`: the I/O mode of an open mode: its low bits, with OEXEC
/// read as OREAD; `Ebadarg` for anything else.
pub fn openmode(o: u32) -> Result<u8> {
    let o = o & !((OTRUNC | OCEXEC | libc::fcall::ORCLOSE) as u32);
    if o > OEXEC as u32 {
        return Err(Error::Ebadarg);
    }
    if o == OEXEC as u32 {
        return Ok(OREAD);
    }
    Ok(o as u8)
}

impl<S: Sched> Fgrp<S> {
    /// `growfd`: make room for descriptor `fd`: 0 if there is room, 1 if
    /// the table grew by `DELTAFD`, -1 if `fd` is out of reach or the
    /// table is full.
    fn growfd(t: &mut crate::pgrp::Fdtab<S>, fd: usize) -> i32 {
        let nfd = t.fd.len();
        if fd < nfd {
            return 0;
        }
        if fd >= nfd + DELTAFD {
            return -1;
        }
        if nfd >= MAXNFD {
            return -1;
        }
        t.fd.resize_with(nfd + DELTAFD, || None);
        t.flag.resize(nfd + DELTAFD, 0);
        if fd > t.maxfd {
            if fd / 100 > t.maxfd / 100 {
                t.exceed = (fd / 100) * 100;
            }
            t.maxfd = fd;
        }
        1
    }

    /// `findfreefd`: the lowest free descriptor from `start`.
    fn findfreefd(t: &mut crate::pgrp::Fdtab<S>, start: usize) -> Option<usize> {
        let mut fd = start;
        while fd < t.fd.len() && t.fd[fd].is_some() {
            fd += 1;
        }
        if fd >= t.fd.len() && Self::growfd(t, fd) < 0 {
            return None;
        }
        Some(fd)
    }

    /// `newfd`: put `c` in the lowest free descriptor, close-on-exec if
    /// `mode` has OCEXEC. `Enofd` if the table is full.
    pub fn newfd(&self, c: Arc<Chan<S>>, mode: u32) -> Result<usize> {
        let mut t = self.tab.ilock();
        let Some(fd) = Self::findfreefd(&mut t, 0) else {
            drop(t);
            drop(c);
            return Err(Error::Enofd);
        };
        if fd > t.maxfd {
            t.maxfd = fd;
        }
        t.fd[fd] = Some(c);
        t.flag[fd] = if mode & OCEXEC as u32 != 0 { CCEXEC } else { 0 };
        t.exceed = 0;
        Ok(fd)
    }

    /// `newfd2`: two descriptors, the lowest free ones.
    pub fn newfd2(&self, c: [Arc<Chan<S>>; 2]) -> Result<[usize; 2]> {
        let mut t = self.tab.ilock();
        let fd0 = Self::findfreefd(&mut t, 0);
        let fd1 = fd0.and_then(|f| Self::findfreefd(&mut t, f + 1));
        let (Some(fd0), Some(fd1)) = (fd0, fd1) else {
            drop(t);
            drop(c);
            return Err(Error::Enofd);
        };
        if fd1 > t.maxfd {
            t.maxfd = fd1;
        }
        let [c0, c1] = c;
        t.fd[fd0] = Some(c0);
        t.fd[fd1] = Some(c1);
        t.flag[fd0] = 0;
        t.flag[fd1] = 0;
        Ok([fd0, fd1])
    }

    /// `fdtochan`: the channel of `fd`, checked for `mode` (`None`: any):
    /// `Ebadfd` if `fd` is not open, `Ebadusefd` if it was opened for
    /// something else, or (with `chkmnt`) if it is a mount's channel.
    pub fn fdtochan(&self, fd: i32, mode: Option<u32>, chkmnt: bool) -> Result<Arc<Chan<S>>> {
        let c = {
            let t = self.tab.ilock();
            usize::try_from(fd)
                .ok()
                .and_then(|fd| t.fd.get(fd).cloned().flatten())
        };
        let c = c.ok_or(Error::Ebadfd)?;
        if chkmnt && c.flag() & CMSG != 0 {
            return Err(Error::Ebadusefd);
        }
        let Some(mode) = mode else { return Ok(c) };
        if c.mode == ORDWR {
            return Ok(c);
        }
        if mode & OTRUNC as u32 != 0 && c.mode == OREAD {
            return Err(Error::Ebadusefd);
        }
        if mode & !(OTRUNC as u32) != c.mode as u32 {
            return Err(Error::Ebadusefd);
        }
        Ok(c)
    }

    /// `fdclose`: close `fd`, or with `flag` only if the descriptor or
    /// its channel has one of those flags (CCEXEC for exec).
    pub fn fdclose(&self, fd: usize, flag: u16) {
        let c = {
            let mut t = self.tab.ilock();
            if fd > t.maxfd || fd >= t.fd.len() {
                return;
            }
            let Some(c) = &t.fd[fd] else { return };
            if flag != 0 && (t.flag[fd] | c.flag()) & flag == 0 {
                return;
            }
            let c = t.fd[fd].take();
            if fd == t.maxfd {
                let mut f = fd;
                while f > 0 && t.fd[f].is_none() {
                    f -= 1;
                    t.maxfd = f;
                }
            }
            c
        };
        drop(c);
    }

    /// What exec does to the table: close every close-on-exec descriptor.
    pub fn closeexec(&self) {
        let max = self.maxfd();
        for fd in 0..=max {
            self.fdclose(fd, CCEXEC);
        }
    }
}

/// `sysfd2path`: the name `fd` was opened by.
pub fn sysfd2path<S: Sched>(up: &Up<S>, fd: i32) -> Result<String> {
    let c = up.fgrp.fdtochan(fd, None, false)?;
    Ok(String::from(chanpath(&c)))
}

/// `sysdup`: a new descriptor for `fd`'s channel: `nfd`, closing what was
/// there, or with -1 the lowest free one.
pub fn sysdup<S: Sched>(up: &Up<S>, fd: i32, nfd: i32) -> Result<usize> {
    let c = up.fgrp.fdtochan(fd, None, false)?;
    if nfd == -1 {
        return up.fgrp.newfd(c, 0);
    }
    let oc = {
        let mut t = up.fgrp.tab.ilock();
        let nfd = match usize::try_from(nfd) {
            Ok(n) if Fgrp::growfd(&mut t, n) >= 0 => n,
            _ => {
                drop(t);
                drop(c);
                return Err(Error::Ebadfd);
            }
        };
        if nfd > t.maxfd {
            t.maxfd = nfd;
        }
        t.flag[nfd] = 0;
        t.exceed = 0;
        (t.fd[nfd].replace(c), nfd)
    };
    let (oc, nfd) = oc;
    drop(oc);
    Ok(nfd)
}

/// `syspipe`: attach a new pipe (`#|`), open its two ends ORDWR and
/// give them the two lowest free descriptors: `data`, then `data1`.
pub fn syspipe<S: Sched>(up: &Up<S>) -> Result<[usize; 2]> {
    let c0 = namec(up, "#|", Amode::Atodir, 0, 0)?;
    let c1 = Arc::new(cclone(up, &c0)?);
    let mut c = [c0, c1];
    for (c, name) in c.iter_mut().zip(["data", "data1"]) {
        crate::chan::walk(up, c, &[name], true, None).map_err(|_| Error::Egreg)?;
    }
    let [c0, c1] = c;
    let open = |c: Arc<Chan<S>>| -> Result<Arc<Chan<S>>> {
        let c = cunique(up, c)?;
        let d = c.devp()?;
        d.open(up, c, ORDWR as u32)
    };
    let c0 = open(c0)?;
    let c1 = open(c1)?;
    up.fgrp.newfd2([c0, c1])
}

/// `sysopen`: open `name` with `mode`; the descriptor.
pub fn sysopen<S: Sched>(up: &Up<S>, name: &str, mode: u32) -> Result<usize> {
    openmode(mode)?;
    let c = namec(up, name, Amode::Aopen, mode, 0)?;
    up.fgrp.newfd(c, mode)
}

/// `syscreate`: create (or truncate) `name` with `mode` and `perm`.
pub fn syscreate<S: Sched>(up: &Up<S>, name: &str, mode: u32, perm: u32) -> Result<usize> {
    openmode(mode & !OEXCL)?;
    let c = namec(up, name, Amode::Acreate, mode, perm)?;
    up.fgrp.newfd(c, mode)
}

/// `sysclose`.
pub fn sysclose<S: Sched>(up: &Up<S>, fd: i32) -> Result<()> {
    up.fgrp.fdtochan(fd, None, false)?;
    up.fgrp.fdclose(fd as usize, 0);
    Ok(())
}

/// `unionread`: read the union directory `c` member by member, in the
/// union's order, from where the last read stopped; a member that fails
/// is skipped.
pub fn unionread<S: Sched>(up: &Up<S>, c: &Chan<S>, buf: &mut [u8]) -> Result<usize> {
    let _q = c.umqlock().eqlock()?;
    let Some(m) = c.umh.clone() else {
        return Ok(0);
    };
    let _r = m.lock.rlock()?;
    let mounts = m.mounts();
    let mut i = c.io().uri;
    let mut nr = 0;
    while i < mounts.len() {
        let umc = c.io().umc.clone();
        let r = (|| -> Result<usize> {
            let umc = match umc {
                Some(u) => u,
                None => {
                    let nc = cclone(up, &mounts[i].to)?;
                    let d = nc.devp()?;
                    let u = d.open(up, nc, OREAD as u32)?;
                    c.io().umc = Some(u.clone());
                    u
                }
            };
            let off = umc.offset();
            let n = umc.devp()?.read(up, &umc, buf, off)?;
            umc.io().offset += n as i64;
            Ok(n)
        })();
        nr = r.unwrap_or(0);
        if nr > 0 {
            break;
        }
        let old = {
            let mut io = c.io();
            io.uri += 1;
            io.umc.take()
        };
        drop(old);
        i += 1;
    }
    Ok(nr)
}

/// `unionrewind`: back to the first member.
fn unionrewind<S: Sched>(c: &Chan<S>) -> Result<()> {
    let _q = c.umqlock().eqlock()?;
    let old = {
        let mut io = c.io();
        io.uri = 0;
        io.umc.take()
    };
    drop(old);
    Ok(())
}

fn gbit16(p: &[u8]) -> usize {
    u16::from_le_bytes([p[0], p[1]]) as usize
}

fn pbit16(p: &mut [u8], v: usize) {
    p[..2].copy_from_slice(&(v as u16).to_le_bytes());
}

/// Where the name's count is in a packed entry.
const NAMEOFF: usize =
    BIT16SZ + BIT16SZ + BIT32SZ + BIT8SZ + BIT32SZ + BIT64SZ + 3 * BIT32SZ + BIT64SZ;

/// The fixed part of a packed entry that `mountfix` needs.
struct Fixed {
    len: usize,
    typ: Option<usize>,
    dev: u32,
    qid: libc::fcall::Qid,
}

/// `dirfixed`: the entry at the start of `p`, if it is whole.
fn dirfixed<S: Sched>(up: &Up<S>, p: &[u8]) -> Option<Fixed> {
    if p.len() < BIT16SZ {
        return None;
    }
    let len = gbit16(p) + BIT16SZ;
    if len > p.len() || len < STATFIXLEN {
        return None;
    }
    let dc = u16::from_le_bytes([p[2], p[3]]);
    let typ = char::from_u32(dc as u32).and_then(|r| up.devtab.devno(r));
    let dev = u32::from_le_bytes(p[4..8].try_into().ok()?);
    let qid = libc::fcall::Qid {
        typ: p[8],
        vers: u32::from_le_bytes(p[9..13].try_into().ok()?),
        path: u64::from_le_bytes(p[13..21].try_into().ok()?),
    };
    Some(Fixed { len, typ, dev, qid })
}

/// `dirsetname`: replace the name of the packed entry `p[..n]` (in a
/// buffer of `maxn` bytes) by `name`; the new length, or `BIT16SZ` (with
/// the size set) if it does not fit.
fn dirsetname(name: &[u8], p: &mut [u8], n: usize, maxn: usize) -> usize {
    if n == BIT16SZ || n < NAMEOFF + BIT16SZ {
        return BIT16SZ;
    }
    let maxn = maxn.min(p.len());
    let olen = gbit16(&p[NAMEOFF..]);
    let oname = NAMEOFF + BIT16SZ;
    if oname + olen > n {
        return BIT16SZ;
    }
    let nn = n + name.len() - olen;
    pbit16(p, nn - BIT16SZ);
    if nn > maxn {
        return BIT16SZ;
    }
    if name.len() != olen {
        p.copy_within(oname + olen..n, oname + name.len());
    }
    pbit16(&mut p[NAMEOFF..], name.len());
    p[oname..oname + name.len()].copy_from_slice(name);
    nn
}

/// `mountrock`: move the last entry of `buf[p..*e]` to `c`'s rock.
fn mountrock<S: Sched>(c: &Chan<S>, buf: &[u8], mut p: usize, e: &mut usize) {
    let mut len;
    loop {
        len = BIT16SZ + gbit16(&buf[p..]);
        if p + len >= *e {
            break;
        }
        p += len;
    }
    let len = len.min(*e - p);
    c.io().dirrock.extend_from_slice(&buf[p..p + len]);
    *e = p;
}

/// `mountrockread`: satisfy a directory read from `c`'s rock.
fn mountrockread<S: Sched>(c: &Chan<S>, op: &mut [u8]) -> Option<usize> {
    let mut io = c.io();
    if io.dirrock.is_empty() {
        return None;
    }
    let mut rp = 0;
    let mut p = 0;
    while rp + BIT16SZ <= io.dirrock.len() {
        let dirlen = BIT16SZ + gbit16(&io.dirrock[rp..]);
        if p + dirlen > op.len() || rp + dirlen > io.dirrock.len() {
            break;
        }
        op[p..p + dirlen].copy_from_slice(&io.dirrock[rp..rp + dirlen]);
        p += dirlen;
        rp += dirlen;
    }
    if p == 0 {
        return None;
    }
    io.dirrock.drain(..rp);
    Some(p)
}

/// `mountfix`: rewrite the entries of the directory read `buf[..n]` for
/// files something is mounted upon: each reads as the stat of the first
/// member mounted there, under the entry's own name, unless the file is
/// itself a member of that union. Entries that no longer fit in `maxn`
/// bytes go to the channel's rock for the next read.
fn mountfix<S: Sched>(
    up: &Up<S>,
    c: &Chan<S>,
    buf: &mut [u8],
    n: usize,
    maxn: usize,
) -> Result<usize> {
    let maxn = maxn.min(buf.len());
    let mut p = 0;
    let mut e = n;
    while p + BIT16SZ < e {
        let Some(d) = dirfixed(up, &buf[p..e]) else {
            break;
        };
        let mut dirlen = d.len;
        let found = match d.typ {
            Some(t) => findmount(up, t, d.dev, d.qid)?,
            None => None,
        };
        if let (Some((nc, mh)), Some(t)) = (found, d.typ) {
            let inunion = {
                let _r = mh.lock.rlock()?;
                mh.mounts()
                    .iter()
                    .any(|m| eqchantdqid(&m.to, t, d.dev, d.qid, true))
            };
            if !inunion {
                let olen = gbit16(&buf[p + NAMEOFF..]);
                let name: Vec<u8> =
                    buf[p + NAMEOFF + BIT16SZ..p + NAMEOFF + BIT16SZ + olen].to_vec();
                let ent = (|| -> Result<Vec<u8>> {
                    let dv = nc.devp()?;
                    let mut nbuf = 4096;
                    let mut sb = alloc::vec![0u8; nbuf];
                    let mut l = dv.stat(up, &nc, &mut sb)?;
                    if l < BIT16SZ {
                        return Err(Error::Eshortstat);
                    }
                    let rest = BIT16SZ + gbit16(&sb) + name.len();
                    if rest > nbuf {
                        nbuf = rest;
                        sb = alloc::vec![0u8; nbuf];
                        l = dv.stat(up, &nc, &mut sb)?;
                    }
                    let l = dirsetname(&name, &mut sb, l, nbuf);
                    if l <= BIT16SZ {
                        return Err(Error::Eshortstat);
                    }
                    sb.truncate(l);
                    Ok(sb)
                })();
                if let Ok(ent) = ent {
                    let l = ent.len();
                    let mut rest = e - (p + dirlen);
                    let mut skip = false;
                    if l > dirlen {
                        while p + l + rest > maxn {
                            mountrock(c, buf, p, &mut e);
                            if e == p {
                                dirlen = 0;
                                skip = true;
                                break;
                            }
                            rest = e - (p + dirlen);
                        }
                    }
                    if !skip {
                        if l != dirlen {
                            buf.copy_within(p + dirlen..p + dirlen + rest, p + l);
                            dirlen = l;
                            e = p + dirlen + rest;
                        }
                        buf[p..p + l].copy_from_slice(&ent);
                    }
                }
            }
        }
        p += dirlen;
    }
    if p != e {
        return Err(Error::Msg(String::from("oops in rockfix")));
    }
    Ok(e)
}

/// `read`: read `fd` into `buf`, at its offset or at `offp` (pread).
fn read<S: Sched>(up: &Up<S>, fd: i32, buf: &mut [u8], offp: Option<i64>) -> Result<usize> {
    let c = up.fgrp.fdtochan(fd, Some(OREAD as u32), true)?;
    let isdir = c.qid.typ & QTDIR != 0;
    let off = offp.unwrap_or_else(|| c.offset());
    if off < 0 {
        return Err(Error::Enegoff);
    }
    if off == 0 {
        if offp.is_none() || isdir {
            let mut io = c.io();
            io.offset = 0;
            io.devoffset = 0;
        }
        c.io().dirrock.clear();
        unionrewind(&c)?;
    }
    let (nn, nnn);
    if isdir {
        if let Some(k) = mountrockread(&c, buf) {
            nn = k;
        } else if c.umh.is_some() {
            nn = unionread(up, &c, buf)?;
        } else {
            if off != c.offset() {
                return Err(Error::Edirseek);
            }
            let devoff = c.devoffset();
            nn = c.devp()?.read(up, &c, buf, devoff)?;
        }
        let maxn = buf.len();
        nnn = mountfix(up, &c, buf, nn, maxn)?;
    } else {
        nn = c.devp()?.read(up, &c, buf, off)?;
        nnn = nn;
    }
    if offp.is_none() || isdir {
        let mut io = c.io();
        io.devoffset += nn as i64;
        io.offset += nnn as i64;
    }
    Ok(nnn)
}

/// `sys_read`.
pub fn sysread<S: Sched>(up: &Up<S>, fd: i32, buf: &mut [u8]) -> Result<usize> {
    read(up, fd, buf, None)
}

/// `syspread`: at `off`, or at the descriptor's offset for -1.
pub fn syspread<S: Sched>(up: &Up<S>, fd: i32, buf: &mut [u8], off: i64) -> Result<usize> {
    read(up, fd, buf, if off == -1 { None } else { Some(off) })
}

/// `write`: write `buf` to `fd`, at its offset or at `offp` (pwrite).
fn write<S: Sched>(up: &Up<S>, fd: i32, buf: &[u8], offp: Option<i64>) -> Result<usize> {
    let c = up.fgrp.fdtochan(fd, Some(OWRITE as u32), true)?;
    if c.qid.typ & QTDIR != 0 {
        return Err(Error::Eisdir);
    }
    let n = buf.len() as i64;
    let off = match offp {
        None => {
            let mut io = c.io();
            let off = io.offset;
            io.offset += n;
            off
        }
        Some(o) => o,
    };
    let undo = |k: i64| {
        if offp.is_none() {
            c.io().offset -= k;
        }
    };
    if off < 0 {
        undo(n);
        return Err(Error::Enegoff);
    }
    let m = match c.devp().and_then(|d| d.write(up, &c, buf, off)) {
        Ok(m) => m,
        Err(e) => {
            undo(n);
            return Err(e);
        }
    };
    if (m as i64) < n {
        undo(n - m as i64);
    }
    Ok(m)
}

/// `sys_write`.
pub fn syswrite<S: Sched>(up: &Up<S>, fd: i32, buf: &[u8]) -> Result<usize> {
    write(up, fd, buf, None)
}

/// `syspwrite`: at `off`, or at the descriptor's offset for -1.
pub fn syspwrite<S: Sched>(up: &Up<S>, fd: i32, buf: &[u8], off: i64) -> Result<usize> {
    write(up, fd, buf, if off == -1 { None } else { Some(off) })
}

/// `sseek`: set `fd`'s offset from the start (0), the current offset (1)
/// or the end (2). A directory may only be rewound to 0.
pub fn sysseek<S: Sched>(up: &Up<S>, fd: i32, o: i64, typ: i32) -> Result<i64> {
    let c = up.fgrp.fdtochan(fd, None, true)?;
    if c.devp()?.dc() == '|' {
        return Err(Error::Eisstream);
    }
    let isdir = c.qid.typ & QTDIR != 0;
    let off = match typ {
        0 => {
            if isdir && o != 0 {
                return Err(Error::Eisdir);
            }
            if o < 0 {
                return Err(Error::Enegoff);
            }
            c.set_offset(o);
            o
        }
        1 => {
            if isdir {
                return Err(Error::Eisdir);
            }
            let mut io = c.io();
            let off = o + io.offset;
            if off < 0 {
                return Err(Error::Enegoff);
            }
            io.offset = off;
            off
        }
        2 => {
            if isdir {
                return Err(Error::Eisdir);
            }
            let d = dirchanstat(up, &c)?;
            let off = d.length as i64 + o;
            if off < 0 {
                return Err(Error::Enegoff);
            }
            c.set_offset(off);
            off
        }
        _ => return Err(Error::Ebadarg),
    };
    let mut io = c.io();
    io.uri = 0;
    io.dri = 0;
    Ok(off)
}

/// `validstat`: `Ebadstat` for a malformed entry; the name must be a
/// valid element (or `/`).
pub fn validstat(s: &[u8]) -> Result<()> {
    if statcheck(s) < 0 {
        return Err(Error::Ebadstat);
    }
    let m = gbit16(&s[STATFIXLEN - 4 * BIT16SZ..]);
    if m + 1 > 64 {
        return Ok(());
    }
    let at = STATFIXLEN - 3 * BIT16SZ;
    let name = core::str::from_utf8(&s[at..at + m]).map_err(|_| Error::Ebadchar)?;
    if name != "/" {
        validname(name, false)?;
    }
    Ok(())
}

/// `pathlast`: the last element of a path.
fn pathlast<S: Sched>(c: &Chan<S>) -> Option<&str> {
    let s = c.path.s.as_str();
    if s.is_empty() {
        return None;
    }
    Some(match s.rfind('/') {
        Some(i) => &s[i + 1..],
        None => s,
    })
}

fn statname<S: Sched>(up: &Up<S>, c: &Chan<S>, s: &mut [u8]) -> Result<usize> {
    let mut r = c.devp()?.stat(up, c, s)?;
    if let Some(name) = pathlast(c) {
        let l = s.len();
        r = dirsetname(name.as_bytes(), s, r, l);
    }
    Ok(r)
}

/// `sysstat`: `name`'s entry, packed into `s`, named by the last element
/// of the name it was reached by.
pub fn sysstat<S: Sched>(up: &Up<S>, name: &str, s: &mut [u8]) -> Result<usize> {
    let c = namec(up, name, Amode::Aaccess, 0, 0)?;
    statname(up, &c, s)
}

/// `sysfstat`.
pub fn sysfstat<S: Sched>(up: &Up<S>, fd: i32, s: &mut [u8]) -> Result<usize> {
    let c = up.fgrp.fdtochan(fd, None, false)?;
    statname(up, &c, s)
}

fn wstat<S: Sched>(up: &Up<S>, c: &Chan<S>, d: &[u8]) -> Result<usize> {
    if c.ismtpt && gbit16(&d[NAMEOFF..]) != 0 {
        let p = chanpath(c);
        return Err(namelenerror(p, p.len(), &Error::Eismtpt));
    }
    c.devp()?.wstat(up, c, d)
}

/// `syswstat`: change `name`'s entry; a mount point may not be renamed.
pub fn syswstat<S: Sched>(up: &Up<S>, name: &str, d: &[u8]) -> Result<usize> {
    validstat(d)?;
    let c = namec(up, name, Amode::Aaccess, 0, 0)?;
    wstat(up, &c, d)
}

/// `sysfwstat`.
pub fn sysfwstat<S: Sched>(up: &Up<S>, fd: i32, d: &[u8]) -> Result<usize> {
    validstat(d)?;
    let c = up.fgrp.fdtochan(fd, None, true)?;
    wstat(up, &c, d)
}

/// `syschdir`: make `name` the current directory.
pub fn syschdir<S: Sched>(up: &mut Up<S>, name: &str) -> Result<()> {
    let c = namec(up, name, Amode::Atodir, 0, 0)?;
    up.dot = Some(c);
    Ok(())
}

/// `sysremove`: remove `name`; mount points may not be removed.
pub fn sysremove<S: Sched>(up: &Up<S>, name: &str) -> Result<()> {
    let c = namec(up, name, Amode::Aremove, 0, 0)?;
    let mut c = cunique(up, c)?;
    if c.ismtpt {
        return Err(Error::Eismtpt);
    }
    let d = c.devp()?;
    let r = d.remove(up, &mut c);
    // remove clunked the fid: the device must not close the channel.
    c.forget();
    r
}

/// `bindmount` for bind: make `old` refer to `new` with `flag`.
pub fn sysbind<S: Sched>(up: &Up<S>, new: &str, old: &str, flag: u32) -> Result<i32> {
    if flag & !MMASK != 0 || flag & MORDER == (MBEFORE | MAFTER) {
        return Err(Error::Ebadarg);
    }
    let c0 = namec(up, new, Amode::Abind, 0, 0)?;
    let c1 = namec(up, old, Amode::Amount, 0, 0)?;
    cmount(up, &c0, &c1, flag, None)?;
    Ok(0)
}

/// `sysunmount`: undo what is mounted on `old`: everything, or `name`.
pub fn sysunmount<S: Sched>(up: &Up<S>, name: Option<&str>, old: &str) -> Result<()> {
    let cm = namec(up, old, Amode::Amount, 0, 0)?;
    let cd = match name {
        Some(n) => Some(namec(up, n, Amode::Aunmount, OREAD as u32, 0)?),
        None => None,
    };
    cunmount(up, &cm, cd.as_deref())
}

/// `bindmount` for mount: attach to the 9P server on the open channel
/// `fd` (negotiating the version first if no one has) as the current
/// user, with the tree `aname`, authenticated by `afd` (from `fauth`;
/// -1 for none), and mount the attached root on `old` with `flag`
/// (MREPL, MBEFORE or MAFTER, MCREATE, MCACHE). `fd` is closed once the
/// mount is made; the mount keeps the channel. `#M` must be allowed.
pub fn sysmount<S: Sched>(
    up: &Up<S>,
    fd: i32,
    afd: i32,
    old: &str,
    flag: u32,
    aname: &str,
) -> Result<i32> {
    if flag & !MMASK != 0 || flag & MORDER == (MBEFORE | MAFTER) {
        return Err(Error::Ebadarg);
    }
    validname(aname, true)?;
    if !crate::dev::canmount(&up.devtab, &up.pgrp) {
        return Err(Error::Enoattach);
    }
    let bc = up.fgrp.fdtochan(fd, Some(ORDWR as u32), false)?;
    let ac = if afd >= 0 {
        Some(up.fgrp.fdtochan(afd, Some(ORDWR as u32), false)?)
    } else {
        None
    };
    let c0 = crate::devmnt::mntattach(up, &bc, ac.as_ref(), aname, flag & crate::portdat::MCACHE)?;
    drop(ac);
    drop(bc);
    let c0 = Arc::new(c0);
    let c1 = namec(up, old, Amode::Amount, 0, 0)?;
    cmount(up, &c0, &c1, flag, Some(aname))?;
    drop(c1);
    drop(c0);
    up.fgrp.fdclose(fd as usize, 0);
    Ok(0)
}

/// `sysfversion` (9front's auth.c): negotiate the 9P version and message
/// size `msize` on the open channel `fd`. `vers` holds the version asked
/// for, NUL-terminated (empty for the default), and receives the version
/// negotiated, not terminated; its length is returned. The buffer must
/// be big enough for the answer (`Eshort`).
pub fn sysfversion<S: Sched>(up: &Up<S>, fd: i32, msize: i32, vers: &mut [u8]) -> Result<usize> {
    let Some(nul) = vers.iter().position(|&b| b == 0) else {
        return Err(Error::Ebadarg);
    };
    let c = up.fgrp.fdtochan(fd, Some(ORDWR as u32), false)?;
    let v = crate::devmnt::mntversion(up, &c, &vers[..nul], msize, vers.len())?;
    let k = v.len().min(vers.len());
    vers[..k].copy_from_slice(&v[..k]);
    Ok(v.len())
}

/// `sysfauth` (9front's auth.c): a descriptor, close-on-exec, for the
/// authentication file of the server on `fd` for the tree `aname`.
pub fn sysfauth<S: Sched>(up: &Up<S>, fd: i32, aname: &str) -> Result<usize> {
    validname(aname, true)?;
    let c = up.fgrp.fdtochan(fd, Some(ORDWR as u32), false)?;
    let ac = crate::devmnt::mntauth(up, &c, aname)?;
    drop(c);
    up.fgrp.newfd(Arc::new(ac), OCEXEC as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portdat::{MAFTER, MBEFORE, MREPL};
    use crate::testdev::*;
    use core::sync::atomic::Ordering as O;
    use libc::fcall::{Dir, DMDIR, ORCLOSE};

    fn names(v: &[Dir]) -> Vec<String> {
        v.iter()
            .map(|d| d.name.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn union_reads_in_union_order_listing_every_member() {
        // sysfile.c's unionread reads the members in the union's order
        // (MBEFORE ones first, MAFTER ones last) and concatenates their
        // reads: a name in two members is listed twice, as in 9front
        // (which has no duplicate suppression in the kernel); a walk
        // finds the first.
        let w = world();
        let up = &w.up;
        sysbind(up, "/b", "/a", MBEFORE).unwrap();
        sysbind(up, "/c", "/a", MAFTER).unwrap();
        sysbind(up, "/d", "/a", MBEFORE).unwrap();
        assert_eq!(ls(up, "/a"), ["d1", "x", "b1", "x", "a1", "c1"]);
        assert_eq!(cat(up, "/a/x").unwrap(), "b");
        // Reads of any size see the same sequence; each read returns
        // whole entries of one member.
        for size in [80, 100, 200, 1000] {
            assert_eq!(
                names(&lsn(up, "/a", size).unwrap()),
                ["d1", "x", "b1", "x", "a1", "c1"],
                "reads of {size}"
            );
        }
    }

    #[test]
    fn union_read_rewinds_at_offset_zero() {
        // read: an offset of 0 rewinds the union to its first member.
        let w = world();
        let up = &w.up;
        sysbind(up, "/b", "/a", MAFTER).unwrap();
        let fd = sysopen(up, "/a", OREAD as u32).unwrap() as i32;
        let mut buf = alloc::vec![0u8; 8192];
        let n = sysread(up, fd, &mut buf).unwrap();
        assert_eq!(
            names(&libc::dirread::dirpackage(&buf[..n]).unwrap()),
            ["x", "a1"]
        );
        let n = sysread(up, fd, &mut buf).unwrap();
        assert_eq!(
            names(&libc::dirread::dirpackage(&buf[..n]).unwrap()),
            ["x", "b1"]
        );
        assert_eq!(sysread(up, fd, &mut buf).unwrap(), 0);
        assert_eq!(sysseek(up, fd, 0, 0).unwrap(), 0);
        let n = sysread(up, fd, &mut buf).unwrap();
        assert_eq!(
            names(&libc::dirread::dirpackage(&buf[..n]).unwrap()),
            ["x", "a1"]
        );
        // A directory seeks only to 0 (sseek), and pread elsewhere than
        // the channel's offset is Edirseek (read).
        assert_eq!(sysseek(up, fd, 5, 0), Err(Error::Eisdir));
        assert_eq!(sysseek(up, fd, 0, 1), Err(Error::Eisdir));
        let fd2 = sysopen(up, "/c", OREAD as u32).unwrap() as i32;
        assert_eq!(syspread(up, fd2, &mut buf, 3), Err(Error::Edirseek));
    }

    #[test]
    fn mount_points_read_as_what_is_mounted() {
        // mountfix: a directory entry for a mount point is rewritten to
        // the stat of what is mounted there, keeping the entry's name;
        // sysstat names the entry by the last element of the path.
        let w = world();
        let up = &w.up;
        sysbind(up, "#Z", "/x", MREPL).unwrap();
        let root = lsn(up, "/", 8192).unwrap();
        let x = root.iter().find(|d| d.name == "x").unwrap();
        assert_eq!(x.typ, 'Z' as u16);
        assert_eq!(x.qid.path, 0);
        assert_eq!(x.uid, EVE, "Z's root, made up by devstat, belongs to eve");
        let y = root.iter().find(|d| d.name == "y").unwrap();
        assert_eq!(y.typ, 'Y' as u16);
        let mut buf = [0u8; 512];
        let n = sysstat(up, "/x", &mut buf).unwrap();
        let d = Dir::decode(&buf[..n]).unwrap();
        assert_eq!((d.name.as_str(), d.typ), (Some("x"), 'Z' as u16));
        // A member of the union is not rewritten: a union on /y that
        // contains /y itself.
        sysbind(up, "/d", "/y", MAFTER).unwrap();
        let root = lsn(up, "/", 8192).unwrap();
        let y = root.iter().find(|d| d.name == "y").unwrap();
        assert_eq!(y.typ, 'Y' as u16);
        // Renaming or removing a mount point is refused.
        let mut nd = libc::nulldir::nulldir();
        nd.name = "z".into();
        let st = nd.to_bytes().unwrap();
        assert_eq!(
            syswstat(up, "/x", &st).map_err(|e| String::from(e.as_str())),
            Err("is a mount point: '/x'".into())
        );
        assert_eq!(sysremove(up, "/x"), Err(Error::Eismtpt));
    }

    #[test]
    fn mountfix_overflow_goes_to_the_rock() {
        // mountfix/mountrock: an entry that grows past the buffer when it
        // is rewritten is kept in the channel's rock and given by the
        // next read (mountrockread); nothing is lost or repeated.
        let w = world();
        let mut up = w.up;
        // A directory whose entry is longer than the ones it will
        // replace: its owner's name is long.
        up.user = "a-rather-long-user-name".into();
        syscreate(&up, "/long", OREAD as u32, DMDIR | 0o777).unwrap();
        up.user = USER.into();
        let plain: Vec<Dir> = lsn(&up, "/", 8192).unwrap();
        for d in ["a", "b", "c", "d", "x", "y", "sub"] {
            sysbind(&up, "/long", &(String::from("/") + d), MREPL).unwrap();
        }
        let fixed: Vec<Dir> = lsn(&up, "/", 8192).unwrap();
        assert_eq!(names(&fixed), names(&plain));
        let a = fixed.iter().find(|d| d.name == "a").unwrap();
        assert_eq!(a.uid, "a-rather-long-user-name");
        let raw = plain[0].size().unwrap();
        let grown = a.size().unwrap();
        assert!(grown > raw);
        // Reads of every size from the largest entry up: some take two
        // raw entries but not two rewritten ones.
        let max = fixed
            .iter()
            .chain(&plain)
            .map(|d| d.size().unwrap())
            .max()
            .unwrap();
        let sorted = |mut v: Vec<Dir>| {
            v.sort_by(|a, b| a.name.cmp(&b.name));
            v
        };
        for size in (max..3 * max).chain([8192]) {
            let got = lsn(&up, "/", size).unwrap();
            assert_eq!(sorted(got), sorted(fixed.clone()), "reads of {size}");
        }
        // As in 9front, entries put by one after another from the end of
        // a read are appended to the rock, so they come back in reverse:
        // a read of a, b, c, d (4 raw entries) keeps a and b, and puts by
        // d, then c.
        let got = lsn(&up, "/", 4 * raw).unwrap();
        assert_eq!(names(&got)[..4], ["a", "b", "d", "c"]);
        // The rock is used: a read of two raw entries returns one.
        let fd = sysopen(&up, "/", OREAD as u32).unwrap() as i32;
        let mut buf = alloc::vec![0u8; 2 * raw];
        let n = sysread(&up, fd, &mut buf).unwrap();
        assert_eq!(n, grown);
        let n = sysread(&up, fd, &mut buf).unwrap();
        let d = libc::dirread::dirpackage(&buf[..n]).unwrap();
        assert_eq!(names(&d), ["b"], "the entry put by is read next");
    }

    #[test]
    fn descriptors_are_the_lowest_free_and_limited() {
        // intro(2)/sysfile.c: newfd takes the lowest free descriptor;
        // tables grow by DELTAFD up to 5000 descriptors, then Enofd; dup
        // to a descriptor beyond the next DELTAFD is Ebadfd.
        let w = world();
        let up = &w.up;
        let a = sysopen(up, "/f", OREAD as u32).unwrap();
        let b = sysopen(up, "/f", OREAD as u32).unwrap();
        assert_eq!((a, b), (0, 1));
        sysclose(up, 0).unwrap();
        assert_eq!(sysopen(up, "/f", OREAD as u32).unwrap(), 0);
        assert_eq!(sysdup(up, 0, 39).unwrap(), 39);
        assert_eq!(
            sysdup(up, 0, 60).err(),
            Some(Error::Ebadfd),
            "more than DELTAFD past the table"
        );
        assert_eq!(sysdup(up, 0, -2).err(), Some(Error::Ebadfd));
        assert_eq!(sysdup(up, 7, -1).err(), Some(Error::Ebadfd));
        assert_eq!(sysdup(up, 0, -1).unwrap(), 2);
        for i in 3..MAXNFD {
            if i != 39 {
                assert_eq!(sysopen(up, "#Z/a", OREAD as u32).unwrap(), i);
            }
        }
        assert_eq!(up.fgrp.nfd(), MAXNFD);
        assert_eq!(sysopen(up, "#Z/a", OREAD as u32).err(), Some(Error::Enofd));
        assert_eq!(sysdup(up, 0, -1).err(), Some(Error::Enofd));
        assert_eq!(sysdup(up, 0, MAXNFD as i32).err(), Some(Error::Ebadfd));
        assert_eq!(sysclose(up, -1), Err(Error::Ebadfd));
        assert_eq!(sysclose(up, MAXNFD as i32), Err(Error::Ebadfd));
        sysclose(up, 4000).unwrap();
        assert_eq!(sysopen(up, "#Z/a", OREAD as u32).unwrap(), 4000);
    }

    #[test]
    fn close_on_exec_closes_only_ocexec_descriptors() {
        // open(2) OCEXEC: "close the file when an exec(2) ... is made";
        // a dup does not inherit the flag (sysdup clears it).
        let w = world();
        let up = &w.up;
        let keep = sysopen(up, "#Z/a", OREAD as u32).unwrap();
        let gone = sysopen(up, "#Z/a", (OREAD | OCEXEC) as u32).unwrap();
        let dup = sysdup(up, gone as i32, -1).unwrap();
        let before = w.z.closes.load(O::SeqCst);
        up.fgrp.closeexec();
        assert!(up.fgrp.fdtochan(keep as i32, None, false).is_ok());
        assert_eq!(
            up.fgrp.fdtochan(gone as i32, None, false).err(),
            Some(Error::Ebadfd)
        );
        assert!(up.fgrp.fdtochan(dup as i32, None, false).is_ok());
        assert_eq!(
            w.z.closes.load(O::SeqCst),
            before,
            "the dup still holds the channel"
        );
        let c = syscreate(up, "/a/e", (OWRITE | OCEXEC) as u32, 0o644).unwrap();
        up.fgrp.closeexec();
        assert_eq!(sysclose(up, c as i32), Err(Error::Ebadfd));
    }

    #[test]
    fn descriptor_modes_are_checked() {
        // fdtochan: a descriptor is used only as it was opened
        // (Ebadusefd); ORDWR allows both.
        let w = world();
        let up = &w.up;
        let r = sysopen(up, "/f", OREAD as u32).unwrap() as i32;
        let wr = sysopen(up, "/f", OWRITE as u32).unwrap() as i32;
        let rw = sysopen(up, "/f", ORDWR as u32).unwrap() as i32;
        let mut b = [0u8; 16];
        assert_eq!(syswrite(up, r, b"x"), Err(Error::Ebadusefd));
        assert_eq!(sysread(up, wr, &mut b), Err(Error::Ebadusefd));
        assert_eq!(syswrite(up, wr, b"FILE"), Ok(4));
        assert_eq!(sysread(up, rw, &mut b), Ok(4));
        assert_eq!(&b[..4], b"FILE");
        assert_eq!(
            sysread(up, r, &mut b),
            Ok(4),
            "the read channel has its own offset"
        );
        assert_eq!(syspwrite(up, rw, b"!", 4), Ok(1));
        assert_eq!(syspread(up, r, &mut b, 0), Ok(5));
        assert_eq!(&b[..5], b"FILE!");
        assert_eq!(sysseek(up, r, -1, 2), Ok(4));
        assert_eq!(sysseek(up, r, -10, 1), Err(Error::Enegoff));
        assert_eq!(sysseek(up, r, 0, 3), Err(Error::Ebadarg));
        assert_eq!(sysfd2path(up, rw).unwrap(), "/f");
        assert_eq!(
            up.fgrp.fdtochan(r, Some(OTRUNC as u32), false).err(),
            Some(Error::Ebadusefd)
        );
    }

    #[test]
    fn orclose_removes_on_the_last_close() {
        // open(2) ORCLOSE: remove the file when it is closed by everyone
        // holding it (namec sets CRCLOSE; the device removes on close).
        let w = world();
        let up = &w.up;
        let fd = syscreate(up, "/c/tmp", (ORDWR | ORCLOSE) as u32, 0o644).unwrap() as i32;
        let fd2 = sysdup(up, fd, -1).unwrap() as i32;
        sysclose(up, fd).unwrap();
        assert!(w.y.exists("root", "c/tmp"));
        sysclose(up, fd2).unwrap();
        assert!(!w.y.exists("root", "c/tmp"));
    }

    #[test]
    fn chdir_and_relative_names() {
        // chdir: names not starting with / or # start at dot; fd2path
        // shows the name made absolute (intro(2)).
        let w = world();
        let mut up = w.up;
        syschdir(&mut up, "/sub").unwrap();
        let fd = sysopen(&up, "s/deep", OREAD as u32).unwrap() as i32;
        assert_eq!(sysfd2path(&up, fd).unwrap(), "/sub/s/deep");
        syschdir(&mut up, "s").unwrap();
        assert_eq!(cat(&up, "deep").unwrap(), "deep");
        assert_eq!(cat(&up, "./deep").unwrap(), "deep");
        assert_eq!(cat(&up, "../../f").unwrap(), "file");
        assert_eq!(
            syschdir(&mut up, "nope").map_err(|e| String::from(e.as_str())),
            Err("file does not exist: 'nope'".into())
        );
        // A chdir stays before the mount point (namec's Atodir), so
        // binding onto dot shows at once.
        syschdir(&mut up, "/x").unwrap();
        sysbind(&up, "/b", "/x", MREPL).unwrap();
        assert_eq!(cat(&up, "x").unwrap(), "b");
    }

    #[test]
    fn validstat_checks_the_name() {
        // validstat: a malformed entry is Ebadstat; its name must be a
        // valid element or "/".
        let mut d = libc::nulldir::nulldir();
        d.name = "a/b".into();
        assert_eq!(
            validstat(&d.to_bytes().unwrap()).map_err(|e| String::from(e.as_str())),
            Err("bad character in file name: a/b".into())
        );
        d.name = "/".into();
        assert_eq!(validstat(&d.to_bytes().unwrap()), Ok(()));
        assert_eq!(validstat(&[1, 2, 3]), Err(Error::Ebadstat));
    }
}
