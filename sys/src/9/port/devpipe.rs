//! The pipe device `#|`: a port of 9front's `port/devpipe.c`.
//!
//! Each attach makes a new pipe: a directory holding `data` and `data1`,
//! two ends joined by a pair of queues, one each way. What is written on
//! one end is read on the other; a read returns at most one write (the
//! queues are opened without `Qcoalesce`, so `qread` takes one block and
//! keeps the rest of it for the next read), and writes up to
//! [`Maxatomic`] bytes go in as one block, which is also the channel's
//! `iounit`. The last close of one end hangs up the other end's queue (its
//! reader gets what is left, then end of file) and closes its own (a
//! writer on the other end gets `Ehungup`); when both ends are closed
//! the queues are reopened, so a bound `#|` can be opened again. A stat
//! of an end gives, as its length, the bytes waiting to be read there;
//! a wstat of an end sets the limit of both queues.
//!
//! What differs from 9front:
//!
//! - A failed write posts the note `sys: write on closed pipe` to the
//!   writer through the [`PostNote`] closure the kernel gives
//!   [`DevPipe::new`] (9front calls `postnote(up, ...)`), unless the
//!   channel is a mount's (`CMSG`), as in 9front; the write's error is
//!   the queue's (`i/o on hungup channel`), as in 9front.
//! - The pipe's reference count (`Pipe.ref`) is the `Arc` of the
//!   channels' `aux`; the count of opens of each end stays, under the
//!   pipe's `QLock`.
//! - `pipeinit`'s `conf.pipeqsize` is the size given to `new`.

use alloc::sync::Arc;
use core::any::Any;
use core::sync::atomic::{AtomicU32, Ordering};

use libc::convd2m::convD2M;
use libc::fcall::{Dir, Qid, BIT16SZ, DMDIR, OREAD, QTDIR, QTFILE};

use crate::allocb::{allocb, Block};
use crate::chan::Chan;
use crate::dev::{devattach, devdir, devdirread, devwalk, Dev, Dirtab, Gen, Walkqid, DEVDOTDOT};
use crate::portdat::{Up, CMSG, COPEN};
use crate::portfns::{QLock, Sched};
use crate::qio::{Maxatomic, Queue};
use crate::sysfile::openmode;
use crate::{Error, Result};

/// Posts a note to the current process: the kernel's `postnote(up, 1,
/// msg, NUser)`.
pub type PostNote<S> = Arc<dyn Fn(&Up<S>, &str) + Send + Sync>;

/// The note a writer on a pipe with no reader gets.
pub const PIPENOTE: &str = "sys: write on closed pipe";

/// The default size of a pipe's queues (9front's `conf.pipeqsize`).
pub const PIPEQSIZE: usize = 256 * 1024;

const QDIR: u64 = 0;
const QDATA0: u64 = 1;
const QDATA1: u64 = 2;

const fn q(path: u64, typ: u8) -> Qid {
    Qid { path, vers: 0, typ }
}

/// The pipe's directory (`pipedir`); entry 0 is the directory itself.
pub const PIPEDIR: &[Dirtab] = &[
    Dirtab::new(".", q(QDIR, QTDIR), 0, DMDIR | 0o500),
    Dirtab::new("data", q(QDATA0, QTFILE), 0, 0o666),
    Dirtab::new("data1", q(QDATA1, QTFILE), 0, 0o666),
];

/// `NETQID`: a pipe's number and a file's type in a qid path.
fn netqid(id: u64, t: u64) -> u64 {
    (id << 5) | t
}

/// `NETTYPE`.
fn nettype(path: u64) -> u64 {
    path & 0x1f
}

/// `NETID`.
fn netid(path: u64) -> u64 {
    path >> 5
}

/// A pipe (9front's `Pipe`): the queue read at `data` (`q[0]`) and the
/// one read at `data1` (`q[1]`), and how often each end is open.
struct Pipe<S: Sched> {
    q: [Queue<S>; 2],
    qref: S::Lock<[u32; 2]>,
    lock: S::QLock,
}

/// The pipe device, `#|`.
pub struct DevPipe<S: Sched> {
    qsize: usize,
    /// The pipe counter (`pipealloc.path`).
    path: AtomicU32,
    note: Option<PostNote<S>>,
}

impl<S: Sched> DevPipe<S> {
    /// The device, with queues of `pipeqsize` bytes (0 for the default,
    /// [`PIPEQSIZE`]), rounded up to a multiple of [`Maxatomic`] as
    /// `pipeinit` does; `note` posts `sys: write on closed pipe` to the
    /// current process.
    pub fn new(pipeqsize: usize, note: Option<PostNote<S>>) -> DevPipe<S> {
        let size = if pipeqsize == 0 { PIPEQSIZE } else { pipeqsize };
        DevPipe {
            qsize: size.div_ceil(Maxatomic) * Maxatomic,
            path: AtomicU32::new(0),
            note,
        }
    }

    /// The size of a pipe's queues.
    pub fn qsize(&self) -> usize {
        self.qsize
    }

    fn pipe(c: &Chan<S>) -> Result<Arc<Pipe<S>>> {
        c.aux
            .clone()
            .and_then(|a| a.downcast::<Pipe<S>>().ok())
            .ok_or(Error::Egreg)
    }

    /// `pipegen`.
    fn gen(&self, up: &Up<S>, c: &Chan<S>, tab: &[Dirtab], i: i32) -> Result<Gen> {
        if i == DEVDOTDOT {
            return Ok(Gen::Entry(devdir(
                up,
                c,
                c.qid,
                "#|",
                0,
                &up.devtab.eve,
                0o555,
            )));
        }
        let Some(t) = usize::try_from(i)
            .ok()
            .and_then(|i| tab.get(i.checked_add(1)?))
        else {
            return Ok(Gen::Done);
        };
        let p = Self::pipe(c)?;
        let len = match t.qid.path {
            QDATA0 => p.q[0].qlen(),
            QDATA1 => p.q[1].qlen(),
            _ => t.length as usize,
        };
        let q = q(netqid(netid(c.qid.path), t.qid.path), QTFILE);
        Ok(Gen::Entry(devdir(
            up,
            c,
            q,
            t.name,
            len as u64,
            &up.devtab.eve,
            t.perm,
        )))
    }

    /// What a failed write does: the note, unless a mount's channel.
    fn writeerr(&self, up: &Up<S>, c: &Chan<S>, e: Error) -> Error {
        if c.flag() & CMSG == 0 {
            if let Some(n) = &self.note {
                n(up, PIPENOTE);
            }
        }
        e
    }
}

impl<S: Sched> Dev<S> for DevPipe<S> {
    fn dc(&self) -> char {
        '|'
    }

    fn name(&self) -> &str {
        "pipe"
    }

    fn attach(&self, up: &Up<S>, spec: &str) -> Result<Chan<S>> {
        let mut c = devattach(up, '|', spec)?;
        let p = Pipe::<S> {
            q: [
                Queue::qopen(self.qsize, 0, None),
                Queue::qopen(self.qsize, 0, None),
            ],
            qref: <S::Lock<[u32; 2]> as crate::portfns::ILock<[u32; 2]>>::new([0, 0]),
            lock: S::QLock::default(),
        };
        let path = self.path.fetch_add(1, Ordering::SeqCst).wrapping_add(1);
        c.qid = q(netqid(path as u64, QDIR), QTDIR);
        c.aux = Some(Arc::new(p) as Arc<dyn Any + Send + Sync>);
        c.dev = 0;
        Ok(c)
    }

    fn walk(&self, up: &Up<S>, c: &Chan<S>, names: &[&str]) -> Result<Walkqid<S>> {
        let g = |up: &Up<S>, c: &Chan<S>, _: Option<&str>, tab: &[Dirtab], i: i32| {
            self.gen(up, c, tab, i)
        };
        devwalk(up, c, names, PIPEDIR, Some(&g))
    }

    fn stat(&self, up: &Up<S>, c: &Chan<S>, db: &mut [u8]) -> Result<usize> {
        let p = Self::pipe(c)?;
        let t = nettype(c.qid.path);
        let d: Dir = match t {
            QDIR => devdir(
                up,
                c,
                c.qid,
                PIPEDIR[0].name,
                0,
                &up.devtab.eve,
                PIPEDIR[0].perm,
            ),
            QDATA0 | QDATA1 => {
                let e = &PIPEDIR[t as usize];
                let len = p.q[(t - 1) as usize].qlen();
                devdir(up, c, c.qid, e.name, len as u64, &up.devtab.eve, e.perm)
            }
            _ => return Err(Error::Egreg),
        };
        let n = convD2M(&d, db) as usize;
        if n < BIT16SZ {
            return Err(Error::Eshortstat);
        }
        Ok(n)
    }

    fn open(&self, _up: &Up<S>, mut c: Chan<S>, omode: u32) -> Result<Arc<Chan<S>>> {
        if c.qid.typ & QTDIR != 0 {
            if omode != OREAD as u32 {
                return Err(Error::Ebadarg);
            }
            c.mode = OREAD;
            c.setflag(COPEN);
            c.set_offset(0);
            return Ok(Arc::new(c));
        }
        let mode = openmode(omode)?;
        let p = Self::pipe(&c)?;
        {
            let _l = p.lock.qlock();
            let mut r = crate::portfns::ILock::ilock(&p.qref);
            match nettype(c.qid.path) {
                QDATA0 => r[0] += 1,
                QDATA1 => r[1] += 1,
                _ => {}
            }
        }
        c.mode = mode;
        c.setflag(COPEN);
        c.set_offset(0);
        c.iounit = Maxatomic as u32;
        Ok(Arc::new(c))
    }

    fn close(&self, c: &mut Chan<S>) {
        let Ok(p) = Self::pipe(c) else { return };
        let _l = p.lock.qlock();
        let mut r = crate::portfns::ILock::ilock(&p.qref);
        if c.flag() & COPEN != 0 {
            // Closing either end hangs up the other.
            match nettype(c.qid.path) {
                QDATA0 => {
                    r[0] -= 1;
                    if r[0] == 0 {
                        p.q[1].qhangup(None);
                        p.q[0].qclose();
                    }
                }
                QDATA1 => {
                    r[1] -= 1;
                    if r[1] == 0 {
                        p.q[0].qhangup(None);
                        p.q[1].qclose();
                    }
                }
                _ => {}
            }
        }
        // Both ends closed: the pipe may be used again.
        if r[0] == 0 && r[1] == 0 {
            p.q[0].qreopen();
            p.q[1].qreopen();
        }
    }

    fn read(&self, up: &Up<S>, c: &Chan<S>, buf: &mut [u8], _off: i64) -> Result<usize> {
        match nettype(c.qid.path) {
            QDIR => {
                let g = |up: &Up<S>, c: &Chan<S>, _: Option<&str>, tab: &[Dirtab], i: i32| {
                    self.gen(up, c, tab, i)
                };
                devdirread(up, c, buf, PIPEDIR, Some(&g))
            }
            QDATA0 => Self::pipe(c)?.q[0].qread(buf),
            QDATA1 => Self::pipe(c)?.q[1].qread(buf),
            _ => Err(Error::Egreg),
        }
    }

    fn bread(&self, up: &Up<S>, c: &Chan<S>, n: usize, off: u64) -> Result<Block> {
        let i = match nettype(c.qid.path) {
            QDATA0 => 0,
            QDATA1 => 1,
            _ => return crate::dev::devbread(self, up, c, n, off),
        };
        Ok(Self::pipe(c)?.q[i].qbread(n)?.unwrap_or_else(|| allocb(0)))
    }

    fn write(&self, up: &Up<S>, c: &Chan<S>, buf: &[u8], _off: i64) -> Result<usize> {
        let i = match nettype(c.qid.path) {
            QDATA0 => 1,
            QDATA1 => 0,
            _ => return Err(Error::Egreg),
        };
        let p = Self::pipe(c)?;
        p.q[i].qwrite(buf).map_err(|e| self.writeerr(up, c, e))
    }

    fn bwrite(&self, up: &Up<S>, c: &Chan<S>, b: Block, _off: u64) -> Result<usize> {
        let i = match nettype(c.qid.path) {
            QDATA0 => 1,
            QDATA1 => 0,
            _ => return Err(Error::Egreg),
        };
        let p = Self::pipe(c)?;
        p.q[i].qbwrite(b).map_err(|e| self.writeerr(up, c, e))
    }

    fn wstat(&self, _up: &Up<S>, c: &Chan<S>, dp: &[u8]) -> Result<usize> {
        let d = Dir::decode(dp).map_err(|_| Error::Eshortstat)?;
        let p = Self::pipe(c)?;
        match nettype(c.qid.path) {
            QDIR => Err(Error::Eperm),
            QDATA0 | QDATA1 => {
                if d.length > self.qsize as u64 {
                    return Err(Error::Ebadarg);
                }
                p.q[0].qsetlimit(d.length as usize);
                p.q[1].qsetlimit(d.length as usize);
                Ok(dp.len())
            }
            _ => Err(Error::Egreg),
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use crate::chan::setroot;
    use crate::dev::Devtab;
    use crate::pgrp::rforkgrp;
    use crate::portdat::{rfork::RFPROC, MREPL};
    use crate::sysfile::*;
    use crate::testdev::*;
    use alloc::string::String;
    use alloc::vec::Vec;
    use libc::fcall::{ORDWR, OWRITE};
    use std::sync::Mutex;

    struct Notes(Mutex<Vec<(u32, String)>>);

    /// world() with #| in the device table, and the notes it posts.
    fn pipeworld(qsize: usize) -> (World, Arc<Notes>) {
        let mut w = world();
        let notes = Arc::new(Notes(Mutex::new(Vec::new())));
        let n2 = notes.clone();
        let post: PostNote<H> = Arc::new(move |up: &Up<H>, msg: &str| {
            n2.0.lock().unwrap().push((up.pid, String::from(msg)));
        });
        let pipe = Arc::new(DevPipe::new(qsize, Some(post)));
        let devs: Vec<Arc<dyn Dev<H>>> = alloc::vec![w.y.clone(), w.z.clone(), pipe];
        let mut up = Up::new(Arc::new(Devtab::new(EVE, devs).unwrap()), USER);
        setroot(&mut up, "#Yroot").unwrap();
        up.pid = 7;
        w.up = up;
        (w, notes)
    }

    fn rd(up: &Up<H>, fd: usize, n: usize) -> Result<Vec<u8>> {
        let mut b = alloc::vec![0u8; n];
        let k = sysread(up, fd as i32, &mut b)?;
        b.truncate(k);
        Ok(b)
    }

    fn fstat(up: &Up<H>, fd: usize) -> Dir {
        let mut b = [0u8; 256];
        let n = sysfstat(up, fd as i32, &mut b).unwrap();
        Dir::decode(&b[..n]).unwrap()
    }

    #[test]
    fn syspipe_gives_two_connected_descriptors() {
        // pipe(2): two descriptors, the lowest free, open ORDWR; what is
        // written on one is read on the other, both ways.
        let (w, _) = pipeworld(0);
        let up = &w.up;
        let [a, b] = syspipe(up).unwrap();
        assert_eq!((a, b), (0, 1));
        assert_eq!(sysfd2path(up, a as i32).unwrap(), "#|/data");
        assert_eq!(sysfd2path(up, b as i32).unwrap(), "#|/data1");
        assert_eq!(up.fgrp.fdtochan(a as i32, None, false).unwrap().mode, ORDWR);
        assert_eq!(syswrite(up, b as i32, b"to a").unwrap(), 4);
        assert_eq!(syswrite(up, a as i32, b"to b").unwrap(), 4);
        assert_eq!(rd(up, a, 100).unwrap(), b"to a");
        assert_eq!(rd(up, b, 100).unwrap(), b"to b");
        sysclose(up, 0).unwrap();
        let [c, d] = syspipe(up).unwrap();
        assert_eq!((c, d), (0, 2));
    }

    #[test]
    fn reads_keep_write_boundaries() {
        // pipe(3): "each read terminates when the read buffer is full or
        // after reading the last byte of a write"; qread without
        // Qcoalesce keeps the rest of a write for the next read.
        let (w, _) = pipeworld(0);
        let up = &w.up;
        let [a, b] = syspipe(up).unwrap();
        syswrite(up, b as i32, b"hello").unwrap();
        syswrite(up, b as i32, b"world").unwrap();
        syswrite(up, b as i32, b"abcdef").unwrap();
        assert_eq!(rd(up, a, 100).unwrap(), b"hello");
        assert_eq!(rd(up, a, 100).unwrap(), b"world");
        assert_eq!(rd(up, a, 4).unwrap(), b"abcd");
        assert_eq!(rd(up, a, 100).unwrap(), b"ef");
        // A write of zero bytes reads as zero bytes (pipe(2)'s BUGS).
        syswrite(up, b as i32, b"").unwrap();
        syswrite(up, b as i32, b"x").unwrap();
        assert_eq!(rd(up, a, 100).unwrap(), b"");
        assert_eq!(rd(up, a, 100).unwrap(), b"x");
        // Writes up to Maxatomic are one read; longer ones are split into
        // blocks of Maxatomic (qwrite).
        let big: Vec<u8> = (0..Maxatomic + 10).map(|i| i as u8).collect();
        assert_eq!(syswrite(up, b as i32, &big).unwrap(), big.len());
        assert_eq!(rd(up, a, 2 * Maxatomic).unwrap(), &big[..Maxatomic]);
        assert_eq!(rd(up, a, 2 * Maxatomic).unwrap(), &big[Maxatomic..]);
    }

    #[test]
    fn closing_one_end_hangs_up_the_other() {
        // devpipe.c's pipeclose: the reader gets what was written, then
        // end of file (qio's qwait: three times, then the queue's error);
        // a writer gets "i/o on hungup channel" and the note "sys: write
        // on closed pipe" (pipe(2)).
        let (w, notes) = pipeworld(0);
        let up = &w.up;
        let [a, b] = syspipe(up).unwrap();
        syswrite(up, b as i32, b"last").unwrap();
        syswrite(up, a as i32, b"lost").unwrap();
        sysclose(up, b as i32).unwrap();
        assert_eq!(rd(up, a, 100).unwrap(), b"last");
        for _ in 0..3 {
            assert_eq!(rd(up, a, 100).unwrap(), b"");
        }
        assert_eq!(err(rd(up, a, 100)), "i/o on hungup channel");
        assert!(notes.0.lock().unwrap().is_empty());
        assert_eq!(err(syswrite(up, a as i32, b"x")), "i/o on hungup channel");
        assert_eq!(*notes.0.lock().unwrap(), [(7, String::from(PIPENOTE))]);
        // No note for a mount's channel (CMSG).
        let c = up.fgrp.fdtochan(a as i32, None, false).unwrap();
        c.setflag(CMSG);
        assert_eq!(
            c.devp().unwrap().write(up, &c, b"x", 0),
            Err(Error::Ehungup)
        );
        assert_eq!(notes.0.lock().unwrap().len(), 1);
    }

    #[test]
    fn a_dup_keeps_the_end_open() {
        // pipeclose hangs up only on the last close of an end (qref).
        let (w, _) = pipeworld(0);
        let up = &w.up;
        let [a, b] = syspipe(up).unwrap();
        syswrite(up, b as i32, b"1").unwrap();
        let b2 = sysdup(up, b as i32, -1).unwrap();
        sysclose(up, b as i32).unwrap();
        syswrite(up, b2 as i32, b"2").unwrap();
        assert_eq!(rd(up, a, 10).unwrap(), b"1");
        assert_eq!(rd(up, a, 10).unwrap(), b"2");
        // A second open of the end through a bound #| counts too.
        sysbind(up, "#|", "/x", MREPL).unwrap();
        let d0 = sysopen(up, "/x/data", ORDWR as u32).unwrap();
        let d1 = sysopen(up, "/x/data1", ORDWR as u32).unwrap();
        let d1b = sysopen(up, "/x/data1", OWRITE as u32).unwrap();
        sysclose(up, d1 as i32).unwrap();
        syswrite(up, d1b as i32, b"still").unwrap();
        assert_eq!(rd(up, d0, 10).unwrap(), b"still");
        sysclose(up, d1b as i32).unwrap();
        assert_eq!(rd(up, d0, 10).unwrap(), b"");
    }

    #[test]
    fn a_bound_pipe_is_reusable_after_both_ends_close() {
        // pipeclose: "if both sides are closed, they are reusable"
        // (qreopen); each attach is a new pipe.
        let (w, _) = pipeworld(0);
        let up = &w.up;
        sysbind(up, "#|", "/x", MREPL).unwrap();
        let d0 = sysopen(up, "/x/data", ORDWR as u32).unwrap();
        let d1 = sysopen(up, "/x/data1", ORDWR as u32).unwrap();
        syswrite(up, d1 as i32, b"one").unwrap();
        assert_eq!(rd(up, d0, 10).unwrap(), b"one");
        sysclose(up, d0 as i32).unwrap();
        sysclose(up, d1 as i32).unwrap();
        let d0 = sysopen(up, "/x/data", ORDWR as u32).unwrap();
        let d1 = sysopen(up, "/x/data1", ORDWR as u32).unwrap();
        syswrite(up, d0 as i32, b"two").unwrap();
        assert_eq!(rd(up, d1, 10).unwrap(), b"two");
        // Another attach is another pipe, with another qid.
        let [a, _b] = syspipe(up).unwrap();
        assert_ne!(fstat(up, a).qid.path >> 5, fstat(up, d0).qid.path >> 5);
    }

    #[test]
    fn stat_and_directory_give_lengths() {
        // pipe(2): "The number of bytes available to a read is reported
        // in the Length field"; pipegen/pipestat: eve, 0666, DMDIR|0500.
        let (w, _) = pipeworld(0);
        let up = &w.up;
        sysbind(up, "#|", "/x", MREPL).unwrap();
        let d0 = sysopen(up, "/x/data", ORDWR as u32).unwrap();
        let d1 = sysopen(up, "/x/data1", ORDWR as u32).unwrap();
        syswrite(up, d1 as i32, b"12345").unwrap();
        syswrite(up, d1 as i32, b"678").unwrap();
        let s = fstat(up, d0);
        assert_eq!(
            (s.name.as_str(), s.length, s.mode),
            (Some("data"), 8, 0o666)
        );
        assert_eq!(s.uid, EVE);
        assert_eq!(s.qid.typ, QTFILE);
        assert_eq!(s.qid.path & 0x1f, 1);
        assert_eq!(fstat(up, d1).length, 0);
        let l = lsn(up, "/x", 1024).unwrap();
        let v: Vec<(String, u64, u32)> = l
            .iter()
            .map(|d| (d.name.to_string_lossy().into_owned(), d.length, d.mode))
            .collect();
        assert_eq!(v, [("data".into(), 8, 0o666), ("data1".into(), 0, 0o666)]);
        let mut b = [0u8; 256];
        let n = sysstat(up, "/x", &mut b).unwrap();
        let d = Dir::decode(&b[..n]).unwrap();
        assert_eq!(d.mode, DMDIR | 0o500);
        assert_eq!(d.name, "x");
        assert_eq!(d.typ, '|' as u16);
    }

    #[test]
    fn iounit_seek_open_and_wstat() {
        // pipeopen: iounit is qiomaxatomic; directories open only OREAD
        // (Ebadarg); sseek refuses pipes (Eisstream); pipewstat sets the
        // queues' limit, at most conf.pipeqsize, and refuses the dir.
        let (w, _) = pipeworld(100_000);
        let up = &w.up;
        let [a, b] = syspipe(up).unwrap();
        let c = up.fgrp.fdtochan(a as i32, None, false).unwrap();
        assert_eq!(c.iounit, 65536);
        assert_eq!(err(sysseek(up, a as i32, 0, 0)), "seek on a stream");
        assert_eq!(
            err(sysopen(up, "#|", OWRITE as u32)),
            "bad arg in system call"
        );
        // 100000 rounds up to two Maxatomics.
        let mut d = libc::nulldir::nulldir();
        d.length = 2 * 65536 + 1;
        assert_eq!(
            err(sysfwstat(up, a as i32, &d.to_bytes().unwrap())),
            "bad arg in system call"
        );
        assert_eq!(
            err(sysfwstat(
                up,
                a as i32,
                &libc::nulldir::nulldir().to_bytes().unwrap()
            )),
            "bad arg in system call",
            "nulldir's length is ~0"
        );
        d.length = 2 * 65536;
        assert!(sysfwstat(up, a as i32, &d.to_bytes().unwrap()).is_ok());
        d.length = 16;
        assert!(sysfwstat(up, b as i32, &d.to_bytes().unwrap()).is_ok());
        sysbind(up, "#|", "/x", MREPL).unwrap();
        assert_eq!(
            err(syswstat(up, "/x", &d.to_bytes().unwrap())),
            "permission denied"
        );
        // With a limit of 16 bytes, a writer waits for the reader.
        let reader = rforkgrp(up, RFPROC).unwrap();
        std::thread::scope(|s| {
            let t = s.spawn(move || {
                let mut got = Vec::new();
                while got.len() < 3000 {
                    got.extend(rd(&reader, a, 1000).unwrap());
                }
                got
            });
            for k in 0..30u8 {
                syswrite(up, b as i32, &[k; 100]).unwrap();
            }
            let got = t.join().unwrap();
            let want: Vec<u8> = (0..30u8).flat_map(|k| [k; 100]).collect();
            assert_eq!(got, want);
        });
    }

    #[test]
    fn a_reader_waits_for_a_writer() {
        // qread sleeps until a write arrives; a close of the other end
        // wakes it with end of file.
        let (w, _) = pipeworld(0);
        let up = &w.up;
        let [a, b] = syspipe(up).unwrap();
        let reader = rforkgrp(up, RFPROC).unwrap();
        std::thread::scope(|s| {
            let t = s.spawn(move || {
                let x = rd(&reader, a, 100).unwrap();
                let y = rd(&reader, a, 100).unwrap();
                (x, y)
            });
            std::thread::sleep(std::time::Duration::from_millis(30));
            syswrite(up, b as i32, b"wake").unwrap();
            std::thread::sleep(std::time::Duration::from_millis(30));
            sysclose(up, b as i32).unwrap();
            assert_eq!(t.join().unwrap(), (b"wake".to_vec(), Vec::new()));
        });
    }

    #[test]
    fn block_reads_and_writes() {
        // pipebread/pipebwrite: qbread and qbwrite on the queues.
        let (w, _) = pipeworld(0);
        let up = &w.up;
        let [a, b] = syspipe(up).unwrap();
        let ca = up.fgrp.fdtochan(a as i32, None, false).unwrap();
        let cb = up.fgrp.fdtochan(b as i32, None, false).unwrap();
        let d = ca.devp().unwrap();
        let mut blk = allocb(6);
        blk.write(b"blocks");
        assert_eq!(d.bwrite(up, &cb, blk, 0), Ok(6));
        assert_eq!(d.bread(up, &ca, 3, 0).unwrap().data(), b"blo");
        assert_eq!(d.bread(up, &ca, 30, 0).unwrap().data(), b"cks");
        drop(cb);
        sysclose(up, b as i32).unwrap();
        assert_eq!(d.bread(up, &ca, 30, 0).unwrap().blen(), 0);
    }
}
