//! Channels and name evaluation: a port of 9front's `port/chan.c` (with
//! the `Chan`, `Path` and `Mhead` structures of `portdat.h`).
//!
//! A [`Chan`] is the kernel's handle on a file of a device. Channels are
//! shared with [`Arc`]: 9front's `incref` is `Arc::clone`, and `cclose` is
//! dropping the last `Arc`, when [`Chan`]'s `Drop` calls the device's
//! `close` (9front's `cclose` and `chanfree`). [`cunique`] gives back the
//! only reference, cloning the channel if others hold it, as 9front's
//! copy-on-write does.
//!
//! A channel's [`Path`] is the name it was reached by, with, for each
//! element, the channel that element was mounted upon when the walk
//! crossed a mount point; `..` is evaluated lexically on it: walking `..`
//! out of a bound directory goes back to where the name came from, not to
//! the parent of the directory that was bound there.
//!
//! The name space is the process group's mount table: an [`Mhead`] per
//! mounted-upon file, with its list of `Mount`s (a union directory when
//! there are several). [`cmount`] and [`cunmount`] change it with the
//! MREPL, MBEFORE, MAFTER and MCREATE semantics of bind(2); [`findmount`]
//! and [`domount`] cross mount points; [`walk`] walks names through mount
//! points and unions; [`namec`] evaluates a whole name for each access
//! mode, and turns walk errors into 9front's messages, `file does not
//! exist: '/x'`, showing the name up to the element that failed.
//!
//! What differs from 9front:
//!
//! - `Result` instead of `error()`; the errors of a name carry the name as
//!   9front's `namelenerror` writes it, as [`Error::Msg`], truncated to
//!   `ERRMAX` as 9front's `errstr` is.
//! - Fields that change while a channel is shared (offset, device offset,
//!   directory and union read positions, the union member being read, the
//!   rock of `mountfix`) are under the channel's `ilock`, and the flags are
//!   atomic; the rest is set while the channel is owned (`Chan` by value).
//! - There is no channel free list: `fid`s come from a counter.
//! - The close queue (`closechanq`, `ccloseq`) is kept, in the device
//!   table, but there is no `closeproc` kproc to drain it and `cclose`
//!   never defers a devmnt close to it; the kernel drains it with
//!   [`closechandeq`].
//! - Mount heads are found in a hashed table of vectors rather than
//!   chains; `putmhead` is dropping the `Arc`.
//! - `namec` returns the channel without leaving the last element in
//!   `up->genbuf` (exec will take it from the name).
//! - Names are Rust strings: the system-call layer must turn user bytes
//!   into UTF-8 (9front takes any bytes and reads runes from them).
//! - The `RWlock`s (the name space's, each mount head's) are
//!   [`crate::qlock::RWlock`]s, whose waits a note can interrupt.

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::any::Any;
use core::fmt;
use core::sync::atomic::{AtomicU16, AtomicU32, Ordering};

use libc::cleanname::cleanname;
use libc::fcall::{
    Dir, Qid, BIT16SZ, DMDIR, ERRMAX, MAXWELEM, OCEXEC, OEXCL, OEXEC, ORCLOSE, OTRUNC, QTDIR,
    STATFIXLEN,
};

use crate::dev::{devallowed, Dev, Devtab, Walkqid};
use crate::pgrp::{newmount, Mount};
use crate::portdat::{Amode, Up, CRCLOSE, MAFTER, MCREATE, MORDER, MREPL};
use crate::portfns::{ILock, Sched};
use crate::qlock::RWlock;
use crate::{Error, Result};

/// The fields of a channel that change while it is shared.
pub struct ChanIo<S: Sched> {
    /// The offset in the file (`c->offset`), shared by every descriptor
    /// that refers to the channel.
    pub offset: i64,
    /// The offset the device sees in a directory (`c->devoffset`).
    pub devoffset: i64,
    /// The next index of `devdirread` (`c->dri`).
    pub dri: i32,
    /// The union member being read (`c->uri`).
    pub uri: usize,
    /// The open channel of that member (`c->umc`).
    pub(crate) umc: Option<Arc<Chan<S>>>,
    /// Directory entries `mountfix` could not fit (`c->dirrock`).
    pub(crate) dirrock: Vec<u8>,
}

static CHANFID: AtomicU32 = AtomicU32::new(0);

/// A channel (9front's `Chan`).
pub struct Chan<S: Sched> {
    /// The device's index in the device table (`c->type`).
    pub typ: usize,
    /// The device; `None` once the device has forgotten the channel (a
    /// walk in progress, or after `remove`), when dropping it calls no
    /// `close` (9front sets `type` to 0, the root device's, whose close
    /// does nothing).
    dt: Option<Arc<dyn Dev<S>>>,
    /// The device instance (`c->dev`).
    pub dev: u32,
    /// The open mode (`OREAD`, ...).
    pub mode: u8,
    flag: AtomicU16,
    pub qid: Qid,
    /// The channel's 9P fid, for devmnt.
    pub fid: u32,
    /// The I/O unit; 0 means the default.
    pub iounit: u32,
    /// The mount head of the union this channel reads (`c->umh`).
    pub umh: Option<Arc<Mhead<S>>>,
    /// Whether the channel was reached on a mount point.
    pub ismtpt: bool,
    /// The channel to the mounted server (devmnt).
    pub mchan: Option<Arc<Chan<S>>>,
    /// The 9P multiplexer of a channel a mount speaks through
    /// (`c->mux`), set once by devmnt's `mntversion`; it goes with the
    /// channel (`muxclose`).
    pub mux: S::Lock<Option<Arc<crate::devmnt::Mnt<S>>>>,
    /// The qid of the root of the mount point (devmnt).
    pub mqid: Qid,
    /// The name the channel was reached by.
    pub path: Arc<Path<S>>,
    /// The `/srv` name it was posted as.
    pub srvname: Option<String>,
    /// The device's own data.
    pub aux: Option<Arc<dyn Any + Send + Sync>>,
    io: S::Lock<ChanIo<S>>,
    /// Serialises union reads (`c->umqlock`).
    umqlock: S::QLock,
}

impl<S: Sched> fmt::Debug for Chan<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Chan")
            .field("typ", &self.typ)
            .field("dev", &self.dev)
            .field("qid", &self.qid)
            .field("mode", &self.mode)
            .field("flag", &self.flag())
            .field("path", &self.path.s)
            .finish()
    }
}

impl<S: Sched> Chan<S> {
    /// `newchan`: a channel of device `typ` (`dt`) with nothing set.
    pub fn new(typ: usize, dt: Option<Arc<dyn Dev<S>>>) -> Chan<S> {
        Chan {
            typ,
            dt,
            dev: 0,
            mode: 0,
            flag: AtomicU16::new(0),
            qid: Qid::default(),
            fid: CHANFID.fetch_add(1, Ordering::Relaxed).wrapping_add(1),
            iounit: 0,
            umh: None,
            ismtpt: false,
            mchan: None,
            mux: S::Lock::new(None),
            mqid: Qid::default(),
            path: newpath(""),
            srvname: None,
            aux: None,
            io: S::Lock::new(ChanIo {
                offset: 0,
                devoffset: 0,
                dri: 0,
                uri: 0,
                umc: None,
                dirrock: Vec::new(),
            }),
            umqlock: S::QLock::default(),
        }
    }

    /// The device, or an error for a channel its device has forgotten.
    pub fn devp(&self) -> Result<Arc<dyn Dev<S>>> {
        self.dt
            .clone()
            .ok_or_else(|| Error::Msg(String::from("channel has no device")))
    }

    pub(crate) fn devp_opt(&self) -> Option<Arc<dyn Dev<S>>> {
        self.dt.clone()
    }

    pub(crate) fn set_devp(&mut self, d: Option<Arc<dyn Dev<S>>>) {
        self.dt = d;
    }

    /// Detach the channel from its device, so that dropping it calls no
    /// `close` (what 9front's `c->type = 0` does after `remove`).
    pub fn forget(&mut self) {
        self.dt = None;
    }

    /// The flags (`COPEN`, `CRCLOSE`, ...).
    pub fn flag(&self) -> u16 {
        self.flag.load(Ordering::SeqCst)
    }

    /// Set flag bits.
    pub fn setflag(&self, f: u16) {
        self.flag.fetch_or(f, Ordering::SeqCst);
    }

    /// Clear flag bits.
    pub fn clrflag(&self, f: u16) {
        self.flag.fetch_and(!f, Ordering::SeqCst);
    }

    /// `lock(c)`: the fields that change while the channel is shared.
    pub fn io(&self) -> <S::Lock<ChanIo<S>> as ILock<ChanIo<S>>>::Guard<'_> {
        self.io.ilock()
    }

    /// The offset in the file.
    pub fn offset(&self) -> i64 {
        self.io().offset
    }

    /// Set the offset in the file.
    pub fn set_offset(&self, off: i64) {
        self.io().offset = off;
    }

    /// The device offset of a directory.
    pub fn devoffset(&self) -> i64 {
        self.io().devoffset
    }

    /// `c->dri`.
    pub fn dri(&self) -> i32 {
        self.io().dri
    }

    /// Set `c->dri`.
    pub fn set_dri(&self, i: i32) {
        self.io().dri = i;
    }

    /// The union read position and member being read.
    pub fn uri(&self) -> usize {
        self.io().uri
    }

    pub(crate) fn umqlock(&self) -> &S::QLock {
        &self.umqlock
    }
}

impl<S: Sched> Drop for Chan<S> {
    /// The end of `cclose` and `chanfree`: the device closes the channel;
    /// the union head, union member, mount channel and path go with it.
    fn drop(&mut self) {
        if let Some(d) = self.dt.take() {
            d.close(self);
        }
        let umc = self.io.ilock().umc.take();
        drop(umc);
    }
}

/// `chanpath`: the name a channel was reached by.
pub fn chanpath<S: Sched>(c: &Chan<S>) -> &str {
    &c.path.s
}

/// `isdotdot`.
pub fn isdotdot(p: &str) -> bool {
    p == ".."
}

/// `emptystr`.
pub fn emptystr(s: Option<&str>) -> bool {
    s.is_none_or(str::is_empty)
}

/// `kstrcpy` into a buffer of `ns` bytes: `t` whole if it is shorter than
/// `ns`; otherwise cut to fit with `...` at the end, at a rune boundary.
pub fn kstrcpy(t: &str, ns: usize) -> String {
    if t.len() < ns {
        return String::from(t);
    }
    if ns < 4 {
        let mut n = ns.saturating_sub(1);
        while !t.is_char_boundary(n) {
            n -= 1;
        }
        return String::from(&t[..n]);
    }
    // 9front copies ns-1 bytes, then writes "..." over the rune that
    // starts at or before byte ns-5.
    let mut n = ns - 5;
    while n > 0 && !t.is_char_boundary(n) {
        n -= 1;
    }
    let mut s = String::from(&t[..n]);
    s.push_str("...");
    s
}

/// An error string as `error()` leaves it in `up->errstr`.
pub(crate) fn errstr(s: String) -> Error {
    Error::Msg(kstrcpy(&s, ERRMAX))
}

/// A channel's name: the string and, per element, the channel it was
/// mounted upon if the walk crossed a mount point there (9front's `Path`;
/// `mtpt.len()` is `mlen`).
pub struct Path<S: Sched> {
    pub s: String,
    pub mtpt: Vec<Option<Arc<Chan<S>>>>,
}

impl<S: Sched> Clone for Path<S> {
    /// `copypath`.
    fn clone(&self) -> Self {
        Path {
            s: self.s.clone(),
            mtpt: self.mtpt.clone(),
        }
    }
}

impl<S: Sched> fmt::Debug for Path<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Path")
            .field("s", &self.s)
            .field("mlen", &self.mtpt.len())
            .finish()
    }
}

/// `newpath`: a name of one element with no mount point.
pub fn newpath<S: Sched>(s: &str) -> Arc<Path<S>> {
    Arc::new(Path {
        s: String::from(s),
        mtpt: alloc::vec![None],
    })
}

/// `fixdotdotname`: clean the name after a `..` was added, keeping a
/// `#x` device prefix (`#x/..` is `#x`, but `#/` stays `#/`).
fn fixdotdotname<S: Sched>(p: &mut Path<S>) {
    if p.s.starts_with('#') {
        let Some(i) = p.s.find('/') else { return };
        let mut r = cleanname(&p.s[i..]);
        if r == "/" && p.s.as_bytes().get(1) != Some(&b'/') {
            r.clear();
        }
        p.s.truncate(i);
        p.s.push_str(&r);
    } else {
        p.s = cleanname(&p.s);
    }
}

/// `addelem`: the name `p` followed by `s`, crossing `from` if it is the
/// mount point there; `..` takes the last element (and its mount point)
/// off. The path is copied if it is shared.
pub fn addelem<S: Sched>(mut p: Arc<Path<S>>, s: &str, from: Option<Arc<Chan<S>>>) -> Arc<Path<S>> {
    if s == "." {
        return p;
    }
    let pm = Arc::make_mut(&mut p);
    if !pm.s.is_empty() && !pm.s.ends_with('/') && !s.starts_with('/') {
        pm.s.push('/');
    }
    pm.s.push_str(s);
    if isdotdot(s) {
        fixdotdotname(pm);
        if pm.mtpt.len() > 1 {
            let c = pm.mtpt.pop();
            drop(c);
        }
    } else {
        pm.mtpt.push(from);
    }
    p
}

/// `cclose`: let go of a reference; the last one closes the channel.
pub fn cclose<S: Sched>(c: Arc<Chan<S>>) {
    drop(c);
}

/// `ccloseq`: let go of a reference; if it is the last, queue the channel
/// to be closed by the kernel's close process rather than now.
pub fn ccloseq<S: Sched>(dt: &Devtab<S>, c: Arc<Chan<S>>) {
    if let Ok(c) = Arc::try_unwrap(c) {
        dt.clunkq.ilock().push_back(c);
    }
}

/// `closechandeq`: the next channel queued to be closed.
pub fn closechandeq<S: Sched>(dt: &Devtab<S>) -> Option<Chan<S>> {
    dt.clunkq.ilock().pop_front()
}

/// `chandevreset`: every device's `reset`, in table order.
pub fn chandevreset<S: Sched>(dt: &Devtab<S>) {
    for d in dt.devs() {
        d.reset();
    }
}

/// `chandevinit`: every device's `init`, in table order.
pub fn chandevinit<S: Sched>(dt: &Devtab<S>) {
    for d in dt.devs() {
        d.init();
    }
}

/// `chandevshutdown`: every device's `shutdown`, in reverse order.
pub fn chandevshutdown<S: Sched>(dt: &Devtab<S>) {
    for d in dt.devs().iter().rev() {
        d.shutdown();
    }
}

/// `cunique`: the only reference to `c`, cloning it if it is shared. A
/// union head it carries is dropped.
pub fn cunique<S: Sched>(up: &Up<S>, c: Arc<Chan<S>>) -> Result<Chan<S>> {
    let mut c = match Arc::try_unwrap(c) {
        Ok(c) => c,
        Err(c) => cclone(up, &c)?,
    };
    c.umh = None;
    Ok(c)
}

/// `eqqid`: same file, same version.
pub fn eqqid(a: Qid, b: Qid) -> bool {
    a.path == b.path && a.vers == b.vers
}

/// `eqchan`: the same file of the same device.
pub fn eqchan<S: Sched>(a: &Chan<S>, b: &Chan<S>, skipvers: bool) -> bool {
    eqchantdqid(a, b.typ, b.dev, b.qid, skipvers)
}

/// `eqchantdqid`: whether `a` is the file `qid` of device `typ`, `dev`.
pub fn eqchantdqid<S: Sched>(a: &Chan<S>, typ: usize, dev: u32, qid: Qid, skipvers: bool) -> bool {
    a.qid.path == qid.path && (skipvers || a.qid.vers == qid.vers) && a.typ == typ && a.dev == dev
}

/// A mounted-upon file and what is mounted on it (9front's `Mhead`).
pub struct Mhead<S: Sched> {
    /// The channel mounted upon.
    pub from: Arc<Chan<S>>,
    /// Orders the users of the mount list (9front's `m->lock`).
    pub lock: RWlock<S>,
    mount: S::Lock<Vec<Mount<S>>>,
}

impl<S: Sched> Mhead<S> {
    /// A copy of the mount list, first member first.
    pub fn mounts(&self) -> Vec<Mount<S>> {
        self.mount.ilock().clone()
    }

    /// How many members the list has.
    pub fn nmount(&self) -> usize {
        self.mount.ilock().len()
    }

    /// The first member's channel.
    fn first(&self) -> Option<Arc<Chan<S>>> {
        self.mount.ilock().first().map(|m| m.to.clone())
    }

    /// Replace the list; the old one is returned, to be dropped outside
    /// the lock.
    pub(crate) fn setmounts(&self, v: Vec<Mount<S>>) -> Vec<Mount<S>> {
        core::mem::replace(&mut *self.mount.ilock(), v)
    }
}

/// `newmhead`: a mount head on `from` with nothing mounted.
pub fn newmhead<S: Sched>(from: &Arc<Chan<S>>) -> Arc<Mhead<S>> {
    Arc::new(Mhead {
        from: from.clone(),
        lock: RWlock::new(),
        mount: S::Lock::new(Vec::new()),
    })
}

/// `cmount`: mount (or bind) `new` on `old` in the current name space,
/// with the order of `flag` (MREPL, MBEFORE, MAFTER) and MCREATE.
///
/// Both must be directories, or both files with MREPL (`Emount`). When
/// `new` is itself a union (reached by a bind of a mount point), its
/// other members come along after it. MCREATE may not bind a union, nor a
/// mount point whose member forbids creation.
pub fn cmount<S: Sched>(
    up: &Up<S>,
    new: &Arc<Chan<S>>,
    old: &Arc<Chan<S>>,
    flag: u32,
    spec: Option<&str>,
) -> Result<()> {
    if (old.qid.typ ^ new.qid.typ) & QTDIR != 0 {
        return Err(Error::Emount);
    }
    let order = flag & MORDER;
    if old.qid.typ & QTDIR == 0 && order != MREPL {
        return Err(Error::Emount);
    }
    let mut nm = alloc::vec![newmount(new.clone(), flag, spec)];
    if let Some(mh) = &new.umh {
        let _r = mh.lock.rlock()?;
        let um = mh.mounts();
        if let Some(first) = um.first() {
            if flag & MCREATE != 0 && (um.len() > 1 || first.mflag & MCREATE == 0) {
                return Err(Error::Emount);
            }
            for m in &um[1..] {
                let o = if order == MREPL { MAFTER } else { order };
                nm.push(newmount(m.to.clone(), o, m.spec.as_deref()));
            }
        }
    }

    let pg = &up.pgrp;
    let _ns = pg.ns.wlock()?;
    let h = pg.hash(old.qid);
    let found = pg.mnthash.ilock()[h]
        .iter()
        .find(|m| eqchan(&m.from, old, true))
        .cloned();
    let isnew = found.is_none();
    let m = found.unwrap_or_else(|| newmhead(old));
    // A new head is not in the table yet, so its lock is free.
    let _ml = m.lock.wlock()?;
    if isnew {
        if order != MREPL {
            m.setmounts(alloc::vec![newmount(old.clone(), 0, None)]);
        }
        pg.mnthash.ilock()[h].push(m.clone());
    }
    let mut um = m.setmounts(Vec::new());
    let freed;
    if !um.is_empty() && order == MAFTER {
        um.append(&mut nm);
        m.setmounts(um);
        freed = Vec::new();
    } else {
        if order != MREPL {
            nm.append(&mut um);
            freed = Vec::new();
        } else {
            freed = um;
        }
        m.setmounts(nm);
    }
    drop(_ml);
    drop(_ns);
    drop(freed);
    Ok(())
}

/// `cunmount`: undo the mounts on `mnt`: all of them, or the one of
/// `mounted`. `Eunmount` if nothing is mounted there, `Eunion` if
/// `mounted` is not.
pub fn cunmount<S: Sched>(up: &Up<S>, mnt: &Chan<S>, mounted: Option<&Chan<S>>) -> Result<()> {
    let pg = &up.pgrp;
    let ns = pg.ns.wlock()?;
    let h = pg.hash(mnt.qid);
    let m = pg.mnthash.ilock()[h]
        .iter()
        .find(|m| eqchan(&m.from, mnt, true))
        .cloned();
    let Some(m) = m else {
        return Err(Error::Eunmount);
    };
    let ml = m.lock.wlock()?;
    let unhash = || {
        let mut t = pg.mnthash.ilock();
        if let Some(i) = t[h].iter().position(|x| Arc::ptr_eq(x, &m)) {
            t[h].remove(i)
        } else {
            m.clone()
        }
    };
    let Some(mounted) = mounted else {
        let mh = unhash();
        let f = m.setmounts(Vec::new());
        drop(ml);
        drop(ns);
        drop(f);
        drop(mh);
        return Ok(());
    };
    let mut list = m.setmounts(Vec::new());
    let i = list.iter().position(|f| {
        eqchan(&f.to, mounted, true)
            || f.to
                .mchan
                .as_ref()
                .is_some_and(|mc| eqchan(mc, mounted, true))
    });
    let Some(i) = i else {
        m.setmounts(list);
        return Err(Error::Eunion);
    };
    let f = list.remove(i);
    let empty = list.is_empty();
    m.setmounts(list);
    let mh = if empty { Some(unhash()) } else { None };
    drop(ml);
    drop(ns);
    drop(f);
    drop(mh);
    Ok(())
}

/// `cclone`: a new channel to the same file, with the same name.
pub fn cclone<S: Sched>(up: &Up<S>, c: &Chan<S>) -> Result<Chan<S>> {
    let d = c.devp()?;
    let wq = d
        .walk(up, c, &[])
        .map_err(|_| Error::Msg(String::from("clone failed")))?;
    let mut nc = wq
        .clone
        .ok_or_else(|| Error::Msg(String::from("clone failed")))?;
    nc.path = c.path.clone();
    Ok(nc)
}

/// What [`findmount`] finds: the first member and the mount head.
pub type Found<S> = (Arc<Chan<S>>, Arc<Mhead<S>>);

/// `findmount`: what is mounted on the file `qid` of device `typ`, `dev`
/// in the current name space: the first member and the mount head.
pub fn findmount<S: Sched>(up: &Up<S>, typ: usize, dev: u32, qid: Qid) -> Result<Option<Found<S>>> {
    let pg = &up.pgrp;
    let _ns = pg.ns.rlock()?;
    let m = pg.mnthash.ilock()[pg.hash(qid)]
        .iter()
        .find(|m| eqchantdqid(&m.from, typ, dev, qid, true))
        .cloned();
    let Some(m) = m else { return Ok(None) };
    let to = {
        let _r = m.lock.rlock()?;
        m.first()
    };
    Ok(to.map(|to| (to, m)))
}

/// `domount`: cross the mount point at `*c`, if there is one: `*c`
/// becomes the first member, `*mh` the head, and the last element of
/// `path` records the channel mounted upon.
pub fn domount<S: Sched>(
    up: &Up<S>,
    c: &mut Arc<Chan<S>>,
    mh: &mut Option<Arc<Mhead<S>>>,
    path: Option<&mut Arc<Path<S>>>,
) -> Result<bool> {
    let Some((to, m)) = findmount(up, c.typ, c.dev, c.qid)? else {
        return Ok(false);
    };
    if let Some(p) = path {
        let pm = Arc::make_mut(p);
        if let Some(last) = pm.mtpt.last_mut() {
            *last = Some(m.from.clone());
        }
    }
    *c = to;
    *mh = Some(m);
    Ok(true)
}

/// `undomount`: if the last element of `path` was reached through a
/// mount point, the channel mounted upon instead of `c`.
fn undomount<S: Sched>(c: Arc<Chan<S>>, path: &mut Arc<Path<S>>) -> Arc<Chan<S>> {
    let pm = Arc::make_mut(path);
    if let Some(last) = pm.mtpt.last_mut() {
        if let Some(nc) = last.take() {
            drop(c);
            return nc;
        }
    }
    c
}

/// `ewalk`: the device's walk.
fn ewalk<S: Sched>(up: &Up<S>, c: &Chan<S>, names: &[&str]) -> Result<Walkqid<S>> {
    c.devp()?.walk(up, c, names)
}

/// `walk`: walk `*cp` through `names`, crossing mount points (unless
/// `nomount`) and trying each member of a union in turn; `..` is
/// lexical, by the path. All or nothing: on error `*cp` is unchanged
/// and `*nerror` says how many names to show in the message.
pub fn walk<S: Sched>(
    up: &Up<S>,
    cp: &mut Arc<Chan<S>>,
    names: &[&str],
    nomount: bool,
    mut nerror: Option<&mut usize>,
) -> Result<()> {
    let mut seterr = |n: usize| {
        if let Some(e) = nerror.as_deref_mut() {
            *e = n;
        }
    };
    let mut c = cp.clone();
    let mut path = c.path.clone();
    let mut mh: Option<Arc<Mhead<S>>> = None;
    let mut didmount = false;
    let mut nhave = 0;
    while nhave < names.len() {
        if c.qid.typ & QTDIR == 0 {
            seterr(nhave);
            return Err(Error::Enotdir);
        }
        let mut ntry = (names.len() - nhave).min(MAXWELEM);
        let mut dotdot = false;
        if let Some(i) = names[nhave..nhave + ntry].iter().position(|n| isdotdot(n)) {
            if i == 0 {
                dotdot = true;
                ntry = 1;
            } else {
                ntry = i;
            }
        }
        if !dotdot && !nomount && !didmount {
            if let Err(e) = domount(up, &mut c, &mut mh, Some(&mut path)) {
                seterr(nhave);
                return Err(e);
            }
        }
        let mut typ = c.typ;
        let mut dev = c.dev;
        let tnames = &names[nhave..nhave + ntry];
        let wq = match ewalk(up, &c, tnames) {
            Ok(wq) => wq,
            Err(mut err) => {
                // Try the other members of a union, in order.
                let mut found = None;
                if let (Some(m), false) = (&mh, nomount) {
                    let _r = m.lock.rlock();
                    for f in m.mounts().iter().skip(1) {
                        match ewalk(up, &f.to, tnames) {
                            Ok(wq) => {
                                typ = f.to.typ;
                                dev = f.to.dev;
                                found = Some(wq);
                                break;
                            }
                            Err(e) => err = e,
                        }
                    }
                }
                match found {
                    Some(wq) => wq,
                    None => {
                        seterr(nhave + 1);
                        return Err(err);
                    }
                }
            }
        };
        didmount = false;
        let nc;
        let nmh;
        let n;
        if dotdot {
            let Some(clone) = wq.clone.filter(|_| wq.qid.len() == 1) else {
                seterr(nhave + 1);
                return Err(Error::Msg(String::from("broken walk of ..")));
            };
            path = addelem(path, "..", None);
            nc = undomount(Arc::new(clone), &mut path);
            nmh = None;
            n = 1;
        } else {
            let mut crossed = None;
            if !nomount {
                for i in 0..wq.qid.len().min(ntry - 1) {
                    match findmount(up, typ, dev, wq.qid[i]) {
                        Ok(Some((to, m))) => {
                            crossed = Some((to, m, i));
                            didmount = true;
                            break;
                        }
                        Ok(None) => {}
                        Err(e) => {
                            seterr(nhave);
                            return Err(e);
                        }
                    }
                }
            }
            match crossed {
                None => {
                    let Some(clone) = wq.clone else {
                        let nq = wq.qid.len();
                        if wq.qid.last().is_none_or(|q| q.typ & QTDIR != 0) {
                            seterr(nhave + nq + 1);
                            return Err(Error::Enonexist);
                        }
                        seterr(nhave + nq);
                        return Err(Error::Enotdir);
                    };
                    n = wq.qid.len();
                    nc = Arc::new(clone);
                    nmh = None;
                }
                Some((to, m, i)) => {
                    drop(wq.clone);
                    n = i + 1;
                    nc = to;
                    nmh = Some(m);
                }
            }
            for i in 0..n {
                let mtpt = if i == n - 1 {
                    nmh.as_ref().map(|m: &Arc<Mhead<S>>| m.from.clone())
                } else {
                    None
                };
                path = addelem(path, names[nhave + i], mtpt);
            }
        }
        c = nc;
        mh = nmh;
        nhave += n;
    }
    drop(mh);
    let mut c = match cunique(up, c) {
        Ok(c) => c,
        Err(e) => {
            seterr(nhave);
            return Err(e);
        }
    };
    c.path = path;
    *cp = Arc::new(c);
    seterr(nhave);
    Ok(())
}

/// `createdir`: the first member of the union `m` that permits creation
/// (mounted with MCREATE), in place of `c`; `Enocreate` if none does.
pub fn createdir<S: Sched>(up: &Up<S>, c: Arc<Chan<S>>, m: &Mhead<S>) -> Result<Arc<Chan<S>>> {
    let _r = m.lock.rlock()?;
    for f in m.mounts() {
        if f.mflag & MCREATE != 0 {
            let nc = cclone(up, &f.to)?;
            drop(c);
            return Ok(Arc::new(nc));
        }
    }
    Err(Error::Enocreate)
}

/// `skipslash`: skip leading `/` and `./` as far as possible.
pub fn skipslash(name: &str) -> &str {
    let b = name.as_bytes();
    let mut i = 0;
    while i < b.len() && (b[i] == b'/' || (b[i] == b'.' && (i + 1 == b.len() || b[i + 1] == b'/')))
    {
        i += 1;
    }
    &name[i..]
}

/// A name split into elements (9front's `Elemlist`).
struct Elemlist<'a> {
    elems: Vec<&'a str>,
    /// `off[0]` is where the first element starts; `off[i]` where the
    /// `i`th ends (the end of the name for the last, or after the
    /// trailing slashes when the name must be a directory).
    off: Vec<usize>,
    mustbedir: bool,
}

/// `parsename`: the elements of `name`. A name ending in `/` or `/.`
/// must be a directory.
fn parsename(name: &str) -> Elemlist<'_> {
    let base = name.as_ptr() as usize;
    let at = |s: &str| s.as_ptr() as usize - base;
    let mut e = Elemlist {
        elems: Vec::new(),
        off: alloc::vec![at(skipslash(name))],
        mustbedir: false,
    };
    let mut rest = name;
    loop {
        rest = skipslash(rest);
        if rest.is_empty() {
            let n = e.elems.len();
            e.off[n] = name.len();
            e.mustbedir = true;
            break;
        }
        match rest.find('/') {
            None => {
                e.elems.push(rest);
                e.off.push(name.len());
                e.mustbedir = false;
                break;
            }
            Some(i) => {
                e.elems.push(&rest[..i]);
                e.off.push(at(rest) + i);
                rest = &rest[i + 1..];
            }
        }
    }
    e
}

/// The longest prefix of `s` of at most `n` bytes that ends at a rune
/// boundary.
fn utftrunc(s: &str, n: usize) -> &str {
    if s.len() <= n {
        return s;
    }
    let mut n = n;
    while !s.is_char_boundary(n) {
        n -= 1;
    }
    &s[..n]
}

/// `%q` (or `%#q` with `sharp`) of `s` with room for `nout` bytes, as
/// 9front's `_quotesetup` and `qstrfmt` write it: quoted if `sharp`, if
/// empty, or if it holds a blank, control character or quote; quotes
/// inside doubled; cut short, keeping the closing quote, if it does not
/// fit. The kernel sets no `doquote`.
pub fn quotefmt(s: &str, nout: usize, sharp: bool) -> String {
    let mut quoted = false;
    let mut nbytesout = 0;
    let mut nbytesin = 0;
    if sharp || s.is_empty() {
        if nout < 2 {
            return String::new();
        }
        quoted = true;
        nbytesout = 2;
    }
    for c in s.chars() {
        let w = c.len_utf8();
        if c == '\0' || nbytesout + w > nout {
            break;
        }
        if c <= ' ' || c == '\'' {
            if !quoted {
                if 1 + nbytesout + w + 1 > nout {
                    break;
                }
                nbytesout += 2;
                quoted = true;
            }
            if c == '\'' {
                if 1 + nbytesout + w > nout {
                    break;
                }
                nbytesout += 1;
            }
        }
        nbytesin += w;
        nbytesout += w;
    }
    let body = &s[..nbytesin];
    if !quoted {
        return String::from(body);
    }
    let mut q = String::with_capacity(nbytesout);
    q.push('\'');
    for c in body.chars() {
        q.push(c);
        if c == '\'' {
            q.push('\'');
        }
    }
    q.push('\'');
    q
}

/// `snprint(buf, ERRMAX, "%s: %#q", err, name)`.
fn errname(err: &str, name: &str) -> Error {
    let mut s = String::from(utftrunc(err, ERRMAX - 1));
    if s.len() + 2 < ERRMAX {
        s.push_str(": ");
        let room = ERRMAX - 1 - s.len();
        s.push_str(&quotefmt(name, room, true));
    } else {
        s.push_str(utftrunc(": ", ERRMAX - 1 - s.len()));
    }
    Error::Msg(s)
}

/// `namelenerror`: `err` with the first `len` bytes of `aname`, quoted;
/// of a long name only a suffix from an element boundary, after `...`.
pub fn namelenerror(aname: &str, len: usize, err: &Error) -> Error {
    let err = err.as_str();
    let errlen = err.len();
    let len = len.min(aname.len());
    let short = |len: usize| len < ERRMAX / 3 || len + errlen < 2 * ERRMAX / 3;
    let genbuf = if short(len) {
        String::from(utftrunc(&aname[..len], 127))
    } else {
        let b = aname.as_bytes();
        let ename = len;
        let mut next = ename;
        let mut name;
        loop {
            name = next;
            if next == 0 {
                break;
            }
            while next > 0 {
                next -= 1;
                if b[next] == b'/' {
                    break;
                }
            }
            if !short(ename - next) {
                break;
            }
        }
        if name == ename {
            name = ename.saturating_sub(ERRMAX / 4);
            let mut i = 0;
            while i < 4 && name < ename && b[name] & 0xC0 == 0x80 {
                name += 1;
                i += 1;
            }
            while !aname.is_char_boundary(name) {
                name += 1;
            }
        }
        let mut g = String::from("...");
        g.push_str(utftrunc(&aname[name..ename], 124));
        g
    };
    errname(err, &genbuf)
}

/// Characters 9front forbids in names: control characters, `/` and DEL.
fn isfrog(c: u8) -> bool {
    c < 0x20 || c == b'/' || c == 0x7f
}

/// `validname`: the name fits a 9P string (under 64 KiB) and has no
/// forbidden character (`/` is allowed with `slashok`).
pub fn validname(aname: &str, slashok: bool) -> Result<()> {
    if aname.len() >= 1 << 16 {
        return Err(Error::Etoolong);
    }
    for &c in aname.as_bytes() {
        if c < 0x80 && isfrog(c) && !(slashok && c == b'/') {
            let mut s = String::from(Error::Ebadchar.as_str());
            s.push_str(": ");
            let room = 127 - s.len();
            s.push_str(&quotefmt(aname, room, false));
            return Err(errstr(s));
        }
    }
    Ok(())
}

/// The channel a name starts from, and the length of its `#x` prefix.
fn namestart<S: Sched>(
    up: &Up<S>,
    name: &str,
    devunmount: bool,
) -> Result<(Arc<Chan<S>>, usize, bool)> {
    let noroot = || Error::Msg(String::from("no root directory"));
    match name.as_bytes()[0] {
        b'/' => Ok((up.slash.clone().ok_or_else(noroot)?, 0, false)),
        b'#' => {
            let b = name.as_bytes();
            let mut n = 0;
            while n < b.len() && (b[n] != b'/' || n < 2) {
                if n >= 128 - 1 {
                    return Err(Error::Efilename);
                }
                n += 1;
            }
            let genbuf = &name[..n];
            let r = genbuf[1..].chars().next().ok_or(Error::Ebadsharp)?;
            let t = up.devtab.devno(r).ok_or(Error::Ebadsharp)?;
            if !devunmount && !devallowed(&up.devtab, &up.pgrp, r) {
                return Err(Error::Enoattach);
            }
            let d = up.devtab.get(t).ok_or(Error::Ebadsharp)?.clone();
            let c = d.attach(up, &genbuf[1 + r.len_utf8()..])?;
            Ok((Arc::new(c), n, true))
        }
        _ => Ok((up.dot.clone().ok_or_else(noroot)?, 0, false)),
    }
}

/// The `Open:` part of `namec`: cross the final mount point, take a
/// channel of our own with the right name, and open it for Aopen and
/// Acreate.
fn namecopen<S: Sched>(
    up: &Up<S>,
    mut c: Arc<Chan<S>>,
    amode: Amode,
    omode: u32,
    nomount: bool,
) -> Result<Arc<Chan<S>>> {
    let mut path = c.path.clone();
    let mut m = None;
    if !nomount {
        domount(up, &mut c, &mut m, Some(&mut path))?;
    }
    let mut c = cunique(up, c)?;
    c.path = path;
    c.ismtpt = m.is_some();
    match amode {
        Amode::Aopen | Amode::Acreate => {
            if let Some(m) = m {
                let _r = m.lock.rlock()?;
                if m.nmount() > 1 {
                    c.umh = Some(m.clone());
                }
            }
            let d = c.devp()?;
            let c = d.open(up, c, omode & !(OCEXEC as u32))?;
            if omode & ORCLOSE as u32 != 0 {
                c.setflag(CRCLOSE);
            }
            Ok(c)
        }
        _ => Ok(Arc::new(c)),
    }
}

/// The part of `namec` whose errors show the name.
#[allow(clippy::too_many_arguments)]
fn namecwalk<S: Sched>(
    up: &Up<S>,
    mut c: Arc<Chan<S>>,
    e: &Elemlist<'_>,
    nomount: bool,
    amode: Amode,
    mut omode: u32,
    perm: u32,
    nerror: &mut usize,
) -> Result<Arc<Chan<S>>> {
    let mut nelems = e.elems.len();
    if amode == Amode::Acreate {
        if e.mustbedir && perm & DMDIR == 0 {
            *nerror = nelems;
            return Err(Error::Msg(String::from("create without DMDIR")));
        }
        if nelems == 0 {
            return Err(Error::Eexist);
        }
        nelems -= 1;
    }
    if let Err(err) = walk(up, &mut c, &e.elems[..nelems], nomount, Some(nerror)) {
        if *nerror > nelems {
            *nerror = 0;
        }
        return Err(err);
    }
    if e.mustbedir && c.qid.typ & QTDIR == 0 {
        return Err(Error::Msg(String::from("not a directory")));
    }
    if amode == Amode::Aopen && omode & 3 == OEXEC as u32 && c.qid.typ & QTDIR != 0 {
        return Err(Error::Msg(String::from("cannot exec directory")));
    }
    match amode {
        Amode::Abind => {
            let mut m = None;
            if !nomount {
                domount(up, &mut c, &mut m, None)?;
            }
            let mut c = cunique(up, c)?;
            c.umh = m;
            Ok(Arc::new(c))
        }
        Amode::Aaccess | Amode::Aremove | Amode::Aopen | Amode::Aunmount => {
            namecopen(up, c, amode, omode, nomount)
        }
        Amode::Atodir => {
            if c.qid.typ & QTDIR == 0 {
                return Err(Error::Enotdir);
            }
            Ok(c)
        }
        Amode::Amount => Ok(c),
        Amode::Acreate => {
            nelems += 1;
            *nerror += 1;
            let last = &e.elems[nelems - 1..nelems];
            let mut f = c.clone();
            if walk(up, &mut f, last, nomount, None).is_ok() {
                if omode & OEXCL != 0 {
                    return Err(Error::Eexist);
                }
                return namecopen(up, f, amode, omode | OTRUNC as u32, nomount);
            }
            drop(f);
            let created = (|| -> Result<Chan<S>> {
                let mut m = None;
                let mut cnew = c.clone();
                if !nomount {
                    if let Some((to, mh)) = findmount(up, c.typ, c.dev, c.qid)? {
                        cnew = createdir(up, to, &mh)?;
                        m = Some(mh);
                    }
                }
                let mut cnew = cunique(up, cnew)?;
                cnew.path = c.path.clone();
                let d = cnew.devp()?;
                let mut cnew =
                    d.create(up, cnew, last[0], omode & !(OEXCL | OCEXEC as u32), perm)?;
                if omode & ORCLOSE as u32 != 0 {
                    cnew.setflag(CRCLOSE);
                }
                drop(m);
                cnew.path = addelem(cnew.path.clone(), last[0], None);
                Ok(cnew)
            })();
            match created {
                Ok(cnew) => Ok(Arc::new(cnew)),
                Err(err) => {
                    if omode & OEXCL != 0 {
                        return Err(err);
                    }
                    // Someone else may have created it meanwhile: open it.
                    if walk(up, &mut c, last, nomount, None).is_err() {
                        return Err(err);
                    }
                    omode |= OTRUNC as u32;
                    namecopen(up, c, amode, omode, nomount)
                }
            }
        }
    }
}

/// `namec`: evaluate `aname` for `amode`: `Abind` for the new file of a
/// bind (crossing its mount point, keeping the union), `Atodir` for a
/// directory to change to (not crossing the final mount point), `Aopen`
/// to open with `omode`, `Amount` for the file mounted upon (not
/// crossing), `Acreate` to create with `omode` and `perm` (or open and
/// truncate what exists), `Aremove` and `Aaccess` for a channel of our
/// own, and `Aunmount` as `Aopen` for unmount's first argument.
///
/// Names starting with `/` start at the root, `#x` at device `x`'s root
/// (and never cross mount points), anything else at the current
/// directory. Errors in the walk show the name up to the failing element:
/// `file does not exist: '/x/y'`.
pub fn namec<S: Sched>(
    up: &Up<S>,
    aname: &str,
    amode: Amode,
    omode: u32,
    perm: u32,
) -> Result<Arc<Chan<S>>> {
    if aname.is_empty() {
        return Err(Error::Msg(String::from("empty file name")));
    }
    validname(aname, true)?;
    let mut amode = amode;
    let mut devunmount = false;
    if amode == Amode::Aunmount {
        if aname.starts_with('#') && aname.chars().count() == 2 {
            devunmount = true;
        }
        amode = Amode::Aopen;
    }
    let (c, prefix, nomount) = namestart(up, aname, devunmount)?;
    let e = parsename(&aname[prefix..]);
    let mut nerror = 0;
    match namecwalk(up, c, &e, nomount, amode, omode, perm, &mut nerror) {
        Ok(c) => Ok(c),
        Err(err) if nerror == 0 => Err(err),
        Err(err) => {
            let k = nerror.min(e.off.len() - 1);
            Err(namelenerror(aname, prefix + e.off[k], &err))
        }
    }
}

/// The size of a first try at a stat: enough for the fixed part and
/// some reasonable strings.
const DIRSIZE: usize = STATFIXLEN + 16 * 4;

/// `dirchanstat`: `c`'s directory entry, unpacked.
pub fn dirchanstat<S: Sched>(up: &Up<S>, c: &Chan<S>) -> Result<Dir> {
    let d = c.devp()?;
    let mut nd = DIRSIZE;
    for _ in 0..2 {
        let mut buf = alloc::vec![0u8; BIT16SZ + nd];
        let n = d.stat(up, c, &mut buf)?;
        if n < BIT16SZ {
            return Err(Error::Eshortstat);
        }
        nd = u16::from_le_bytes([buf[0], buf[1]]) as usize;
        if nd <= n {
            return Dir::decode(&buf[..n]).map_err(|_| Error::Eshortstat);
        }
    }
    Err(Error::Eshortstat)
}

/// `up->slash` from `name` (`#/` in 9front's boot), renamed `/`, and
/// `up->dot` a clone of it, as the first process's start does.
pub fn setroot<S: Sched>(up: &mut Up<S>, name: &str) -> Result<()> {
    let c = namec(up, name, Amode::Atodir, 0, 0)?;
    let mut c = cunique(up, c)?;
    c.path = newpath("/");
    let c = Arc::new(c);
    let dot = cclone(up, &c)?;
    up.slash = Some(c);
    up.dot = Some(Arc::new(dot));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portdat::{MBEFORE, MCREATE};
    use crate::sysfile::{
        sysbind, syschdir, sysclose, syscreate, sysfd2path, sysopen, sysremove, sysunmount,
    };
    use crate::testdev::*;
    use alloc::string::ToString;
    use alloc::vec;
    use core::sync::atomic::Ordering;
    use libc::fcall::{ORDWR, OREAD, OWRITE};

    fn open(up: &Up<H>, name: &str, mode: u8) -> Result<usize> {
        sysopen(up, name, mode as u32)
    }

    #[test]
    fn bind_replace_hides_the_old_directory() {
        // bind(2) MREPL: "Henceforth, an evaluation of old will be
        // translated to the new file", a union of one directory.
        let w = world();
        let up = &w.up;
        sysbind(up, "/b", "/a", MREPL).unwrap();
        assert_eq!(ls(up, "/a"), ["x", "b1"]);
        assert_eq!(cat(up, "/a/x").unwrap(), "b");
        assert_eq!(
            err(open(up, "/a/a1", OREAD)),
            "file does not exist: '/a/a1'"
        );
        // The new name still refers to its own file (bind(1)).
        assert_eq!(ls(up, "/b"), ["x", "b1"]);
    }

    #[test]
    fn bind_before_and_after_search_order() {
        // bind(2): after MBEFORE "the new directory will be searched
        // first"; MAFTER puts it at the end of the union.
        let w = world();
        let up = &w.up;
        sysbind(up, "/b", "/a", MAFTER).unwrap();
        assert_eq!(cat(up, "/a/x").unwrap(), "a", "the original comes first");
        assert_eq!(cat(up, "/a/b1").unwrap(), "", "b's files are found too");
        sysbind(up, "/c", "/a", MBEFORE).unwrap();
        sysbind(up, "/b", "/y", MBEFORE).unwrap();
        assert_eq!(cat(up, "/y/x").unwrap(), "b");
        let w = world();
        let up = &w.up;
        sysbind(up, "/b", "/a", MBEFORE).unwrap();
        assert_eq!(cat(up, "/a/x").unwrap(), "b", "MBEFORE member found first");
        assert_eq!(cat(up, "/a/a1").unwrap(), "", "then the original");
    }

    #[test]
    fn bind_needs_matching_kinds() {
        // cmount: both directories, or both files with MREPL; else
        // Emount. bindmount: unknown flags or MBEFORE|MAFTER are Ebadarg.
        let w = world();
        let up = &w.up;
        w.y.mk("root", "g", "gee");
        assert_eq!(err(sysbind(up, "/f", "/a", MREPL)), "inconsistent mount");
        assert_eq!(err(sysbind(up, "/a", "/f", MREPL)), "inconsistent mount");
        assert_eq!(err(sysbind(up, "/g", "/f", MAFTER)), "inconsistent mount");
        sysbind(up, "/g", "/f", MREPL).unwrap();
        assert_eq!(cat(up, "/f").unwrap(), "gee");
        assert_eq!(
            err(sysbind(up, "/b", "/a", MBEFORE | MAFTER)),
            "bad arg in system call"
        );
        assert_eq!(
            err(sysbind(up, "/b", "/a", 0x100)),
            "bad arg in system call"
        );
        assert_eq!(
            err(sysbind(up, "/nope", "/a", 0)),
            "file does not exist: '/nope'"
        );
        assert_eq!(
            err(sysbind(up, "/b", "/a/nope", 0)),
            "file does not exist: '/a/nope'"
        );
    }

    #[test]
    fn unmount_one_member_or_all() {
        // bind(2)/unmount(1): with a name, undo that one binding
        // (Eunion if it is not in the union); without, undo everything
        // (Eunmount if nothing is mounted).
        let w = world();
        let up = &w.up;
        sysbind(up, "/b", "/a", MBEFORE).unwrap();
        sysbind(up, "/c", "/a", MAFTER).unwrap();
        assert_eq!(ls(up, "/a"), ["x", "b1", "x", "a1", "c1"]);
        sysunmount(up, Some("/b"), "/a").unwrap();
        assert_eq!(ls(up, "/a"), ["x", "a1", "c1"]);
        assert_eq!(err(sysunmount(up, Some("/b"), "/a")), "not in union");
        assert_eq!(err(sysunmount(up, Some("/d"), "/a")), "not in union");
        sysunmount(up, None, "/a").unwrap();
        assert_eq!(ls(up, "/a"), ["x", "a1"]);
        assert_eq!(err(sysunmount(up, None, "/a")), "not mounted");
        // Taking out the last member takes out the mount point.
        sysbind(up, "/d", "/x", MREPL).unwrap();
        assert_eq!(ls(up, "/x"), ["d1"]);
        sysunmount(up, Some("/d"), "/x").unwrap();
        assert_eq!(ls(up, "/x"), Vec::<String>::new());
        assert_eq!(err(sysunmount(up, None, "/x")), "not mounted");
    }

    #[test]
    fn binding_a_union_copies_it() {
        // cmount: "copy a union when binding it onto a directory": the
        // new name gets every member, in order (MREPL puts the others
        // after the first); later changes to the old union do not follow.
        let w = world();
        let up = &w.up;
        sysbind(up, "/b", "/a", MBEFORE).unwrap();
        sysbind(up, "/a", "/y", MREPL).unwrap();
        assert_eq!(ls(up, "/y"), ["x", "b1", "x", "a1"]);
        sysbind(up, "/c", "/a", MAFTER).unwrap();
        assert_eq!(ls(up, "/y"), ["x", "b1", "x", "a1"]);
        sysbind(up, "/a", "/x", MAFTER).unwrap();
        assert_eq!(ls(up, "/x"), ["x", "b1", "x", "a1", "c1"]);
        let x = namec(up, "/x", Amode::Amount, 0, 0).unwrap();
        let (_, m) = findmount(up, x.typ, x.dev, x.qid).unwrap().unwrap();
        let flags: Vec<u32> = m.mounts().iter().map(|m| m.mflag).collect();
        assert_eq!(flags, [0, MAFTER, MAFTER, MAFTER]);
    }

    #[test]
    fn create_goes_to_the_first_mcreate_member() {
        // bind(1) -c: "a new file created in a union directory ... is
        // placed in the first element of the union that has been bound
        // or mounted with the -c flag"; chan.c's createdir.
        let w = world();
        let up = &w.up;
        sysbind(up, "/b", "/a", MBEFORE).unwrap();
        sysbind(up, "/c", "/a", MAFTER | MCREATE).unwrap();
        sysbind(up, "/d", "/a", MAFTER | MCREATE).unwrap();
        let fd = syscreate(up, "/a/new", OWRITE as u32, 0o644).unwrap();
        assert_eq!(sysfd2path(up, fd as i32).unwrap(), "/a/new");
        assert!(w.y.exists("root", "c/new"));
        assert!(!w.y.exists("root", "d/new"));
        assert!(!w.y.exists("root", "b/new"));
        assert!(!w.y.exists("root", "a/new"));
        sysclose(up, fd as i32).unwrap();
        assert_eq!(cat(up, "/a/new").unwrap(), "");
        // A later MBEFORE|MCREATE member takes over.
        sysbind(up, "/x", "/a", MBEFORE | MCREATE).unwrap();
        syscreate(up, "/a/newer", OWRITE as u32, 0o644).unwrap();
        assert!(w.y.exists("root", "x/newer"));
    }

    #[test]
    fn create_in_a_union_without_mcreate_fails() {
        // bind(2): the members are searched for one with MCREATE; with
        // none, Enocreate. Even a plain MREPL bind forbids creation.
        let w = world();
        let up = &w.up;
        sysbind(up, "/b", "/a", MBEFORE).unwrap();
        assert_eq!(
            err(syscreate(up, "/a/new", OWRITE as u32, 0o644)),
            "mounted directory forbids creation: '/a/new'"
        );
        sysbind(up, "/c", "/x", MREPL).unwrap();
        assert_eq!(
            err(syscreate(up, "/x/new", OWRITE as u32, 0o644)),
            "mounted directory forbids creation: '/x/new'"
        );
        // A file that exists is opened and truncated instead (open(2)).
        let fd = syscreate(up, "/a/x", ORDWR as u32, 0o644).unwrap();
        assert_eq!(sysfd2path(up, fd as i32).unwrap(), "/a/x");
        assert_eq!(cat(up, "/b/x").unwrap(), "", "truncated");
        assert_eq!(cat(up, "/a/a1").unwrap(), "");
        // With OEXCL it must not exist (open(2)).
        assert_eq!(
            err(syscreate(up, "/a/a1", OWRITE as u32 | OEXCL, 0o644)),
            "file already exists: '/a/a1'"
        );
        // -c of a union is refused (cmount).
        assert_eq!(
            err(sysbind(up, "/a", "/y", MREPL | MCREATE)),
            "inconsistent mount"
        );
        sysbind(up, "/x", "/y", MREPL | MCREATE).unwrap_err();
        sysbind(up, "/d", "/y", MREPL | MCREATE).unwrap();
        syscreate(up, "/y/made", OWRITE as u32, 0o644).unwrap();
        assert!(w.y.exists("root", "d/made"));
    }

    #[test]
    fn dotdot_is_lexical() {
        // intro(2): ".." is evaluated lexically by the name the file was
        // reached by; walking .. out of a bind returns to where the name
        // came from, not to the parent of the bound directory.
        let w = world();
        w.y.mk("root", "sub/s/dd/in", "in");
        let mut up = w.up;
        sysbind(&up, "/sub/s", "/x", MREPL).unwrap();
        assert_eq!(ls(&up, "/x"), ["deep", "dd"]);
        let root = ls(&up, "/");
        assert_eq!(ls(&up, "/x/.."), root, "/x/.. is /, not /sub");
        let fd = open(&up, "/x/..", OREAD).unwrap();
        assert_eq!(sysfd2path(&up, fd as i32).unwrap(), "/");
        assert_eq!(cat(&up, "/x/dd/../deep").unwrap(), "deep");
        assert_eq!(ls(&up, "/x/dd/.."), ["deep", "dd"], "back into the union");
        assert_eq!(
            err(open(&up, "/x/deep/..", OREAD)),
            "not a directory: '/x/deep'"
        );
        let fd = open(&up, "/x/dd/..", OREAD).unwrap();
        assert_eq!(sysfd2path(&up, fd as i32).unwrap(), "/x");
        // From a current directory reached through the bind.
        syschdir(&mut up, "/x").unwrap();
        assert_eq!(cat(&up, "deep").unwrap(), "deep");
        assert_eq!(ls(&up, ".."), root);
        assert_eq!(ls(&up, "../.."), root, "/.. is /");
        // In a device tree, #Z/dir/.. is #Z.
        let fd = open(&up, "#Z/dir/..", OREAD).unwrap();
        assert_eq!(sysfd2path(&up, fd as i32).unwrap(), "#Z");
    }

    #[test]
    fn sharp_names_do_not_cross_mount_points() {
        // namec: names that begin with # set nomount.
        let w = world();
        let up = &w.up;
        sysbind(up, "#Z", "/x", MREPL).unwrap();
        sysbind(up, "/c", "#Z/dir", MREPL).unwrap();
        assert_eq!(ls(up, "/x/dir"), ["c1"], "through / the bind applies");
        // Through #Z it does not: #Z/dir reads as devgen makes it, which
        // lists the table's entries whatever the directory (dev.c).
        assert_eq!(ls(up, "#Z/dir"), ["a", "b", "ro", "secret", "dir", "x"]);
        assert_eq!(
            err(open(up, "#Z/dir/c1", OREAD)),
            "file does not exist: '#Z/dir/c1'"
        );
        assert_eq!(cat(up, "/x/a").unwrap(), "hello");
        assert_eq!(err(open(up, "#Q", OREAD)), "unknown device in # filename");
        assert_eq!(err(open(up, "#", OREAD)), "unknown device in # filename");
        let long = "#Z".to_string() + &"s".repeat(200);
        assert_eq!(err(open(up, &long, OREAD)), "file name syntax");
    }

    #[test]
    fn name_errors_are_9fronts() {
        // chan.c: walk sets the error and how much of the name to show;
        // namelenerror writes "%s: %#q".
        let w = world();
        let mut up = w.up;
        let e = |up: &Up<H>, n: &str| err(open(up, n, OREAD));
        assert_eq!(e(&up, "/nope"), "file does not exist: '/nope'");
        assert_eq!(e(&up, "/a/nope/deeper"), "file does not exist: '/a/nope'");
        assert_eq!(e(&up, "/a/nope"), "file does not exist: '/a/nope'");
        assert_eq!(e(&up, "nope"), "file does not exist: 'nope'");
        assert_eq!(e(&up, "/f/x"), "not a directory: '/f'");
        assert_eq!(e(&up, "/f/x/y"), "not a directory: '/f'");
        assert_eq!(e(&up, "/f/"), "not a directory: '/f/'");
        assert_eq!(e(&up, "/f/."), "not a directory: '/f/.'");
        assert_eq!(err(syschdir(&mut up, "/f")), "not a directory: '/f'");
        assert_eq!(e(&up, "#Z/secret"), "permission denied: '#Z/secret'");
        assert_eq!(e(&up, "#Z/nope"), "file does not exist: '#Z/nope'");
        assert_eq!(
            err(open(&up, "#Z/ro", OWRITE)),
            "permission denied: '#Z/ro'"
        );
        assert_eq!(err(open(&up, "/a", OWRITE)), "permission denied: '/a'");
        assert_eq!(err(open(&up, "/", OWRITE)), "permission denied");
        assert_eq!(err(open(&up, "/a", OEXEC)), "cannot exec directory: '/a'");
        assert_eq!(
            e(&up, "/a/b\x01c"),
            "bad character in file name: '/a/b\x01c'"
        );
        assert_eq!(e(&up, "/a/b\x7fc"), "bad character in file name: /a/b\x7fc");
        assert_eq!(e(&up, ""), "empty file name");
        assert_eq!(e(&up, &"a".repeat(1 << 16)), "name too long");
        assert_eq!(e(&up, "it's"), "file does not exist: 'it''s'");
        assert_eq!(
            err(syscreate(&up, "/a/new/", OWRITE as u32, 0o644)),
            "create without DMDIR: '/a/new/'"
        );
        assert_eq!(
            err(syscreate(&up, "/", OREAD as u32, DMDIR | 0o777)),
            "file already exists"
        );
    }

    #[test]
    fn long_names_show_a_suffix() {
        // namelenerror: a name of ERRMAX/3 bytes or more that would make
        // the message 2*ERRMAX/3 long shows "..." and the shortest
        // suffix from a slash that is that long.
        let w = world();
        let up = &w.up;
        // "/a/" then nine 9-byte elements: the failure is at the first.
        let name = "/a/".to_string() + &["nonexist1"; 9].join("/");
        assert_eq!(name.len(), 92);
        let msg = err(open(up, &name, OREAD));
        // The shown part is "/a/nonexist1": 12 bytes, short enough.
        assert_eq!(msg, "file does not exist: '/a/nonexist1'");
        // Fail at the end of a long name of existing directories.
        let mut path = String::new();
        for i in 0..8 {
            path.push_str(&format!("/dir{i}-long"));
        }
        w.y.mk("root", &(path[1..].to_string() + "/"), "");
        let name = path.clone() + "/missing";
        assert_eq!(name.len(), 8 * 10 + 8);
        // len 88 >= 42 and 88+19 >= 85: back up a slash at a time while
        // the suffix is shorter than 42 or than 85-19: the do-while stops
        // at 68 bytes and shows the suffix before that step, 58 bytes.
        assert_eq!(
            err(open(up, &name, OREAD)),
            "file does not exist: '.../dir3-long/dir4-long/dir5-long/dir6-long/dir7-long/missing'"
        );
        let m = err(open(up, &(path + "/" + &"z".repeat(100)), OREAD));
        assert!(m.starts_with("file does not exist: '..."), "{m}");
        assert!(m.len() < ERRMAX, "{}", m.len());
        assert!(m.ends_with("zzz'"), "{m}");
    }

    #[test]
    fn errstr_truncation_is_kstrcpys() {
        // kstrcpy: a string too long for the buffer is cut at a rune
        // boundary with "..." at the end.
        assert_eq!(kstrcpy("short", ERRMAX), "short");
        let long = "x".repeat(200);
        let k = kstrcpy(&long, ERRMAX);
        assert_eq!(k.len(), 126);
        assert!(k.ends_with("x..."));
        let u = "é".repeat(100);
        let k = kstrcpy(&u, ERRMAX);
        assert!(k.ends_with("é..."));
        assert_eq!(k.len(), 122 + 3);
        // %#q always quotes; %q only when needed.
        assert_eq!(quotefmt("abc", 100, true), "'abc'");
        assert_eq!(quotefmt("abc", 100, false), "abc");
        assert_eq!(quotefmt("a b", 100, false), "'a b'");
        assert_eq!(quotefmt("a'b", 100, true), "'a''b'");
        assert_eq!(quotefmt("abcdef", 5, true), "'abc'");
    }

    #[test]
    fn paths_and_parsename() {
        // parsename: elements, offsets and mustbedir.
        let e = parsename("/a//b/./c/");
        assert_eq!(e.elems, ["a", "b", "c"]);
        assert!(e.mustbedir);
        assert_eq!(e.off, [1, 2, 5, 10]);
        let e = parsename("a/b");
        assert_eq!(e.elems, ["a", "b"]);
        assert_eq!(e.off, [0, 1, 3]);
        assert!(!e.mustbedir);
        let e = parsename("/");
        assert!(e.elems.is_empty() && e.mustbedir);
        // addelem and fixdotdotname.
        let p: Arc<Path<H>> = newpath("#Z");
        let p = addelem(p, "dir", None);
        assert_eq!(p.s, "#Z/dir");
        assert_eq!(p.mtpt.len(), 2);
        let p = addelem(p, "..", None);
        assert_eq!(p.s, "#Z");
        assert_eq!(p.mtpt.len(), 1);
        let p: Arc<Path<H>> = newpath("#/");
        let p = addelem(addelem(p, "x", None), "..", None);
        assert_eq!(p.s, "#/");
        let p: Arc<Path<H>> = newpath("/");
        let p = addelem(addelem(addelem(p, "a", None), "b", None), "..", None);
        assert_eq!(p.s, "/a");
        assert_eq!(addelem(p, ".", None).s, "/a");
        assert_eq!(skipslash("/./a"), "a");
        assert_eq!(skipslash("./.x"), ".x");
    }

    #[test]
    fn channels_close_when_the_last_reference_goes() {
        // cclose: the device's close runs when the last reference is
        // dropped, not before.
        let w = world();
        let up = &w.up;
        let c = namec(up, "#Z/a", Amode::Aopen, OREAD as u32, 0).unwrap();
        let before = w.z.closes.load(Ordering::SeqCst);
        let c2 = c.clone();
        drop(c);
        assert_eq!(w.z.closes.load(Ordering::SeqCst), before);
        drop(c2);
        assert_eq!(w.z.closes.load(Ordering::SeqCst), before + 1);
        // A mount holds its channel until it is unmounted.
        sysbind(up, "#Z", "/x", MREPL).unwrap();
        let before = w.z.closes.load(Ordering::SeqCst);
        sysunmount(up, None, "/x").unwrap();
        assert_eq!(w.z.closes.load(Ordering::SeqCst), before + 1);
        // So does a name space until its last process lets go.
        sysbind(up, "#Z", "/x", MREPL).unwrap();
        let before = w.z.closes.load(Ordering::SeqCst);
        let World { up, .. } = w;
        let pg = up.pgrp.clone();
        drop(up);
        assert_eq!(w.z.closes.load(Ordering::SeqCst), before);
        drop(pg);
        assert_eq!(w.z.closes.load(Ordering::SeqCst), before + 1);
    }

    #[test]
    fn remove_follows_the_name_space() {
        // sysremove: mount points may not be removed (Eismtpt); other
        // files go from the member the walk found.
        let w = world();
        let up = &w.up;
        sysbind(up, "/b", "/a", MBEFORE).unwrap();
        assert_eq!(err(sysremove(up, "/a")), "is a mount point");
        sysremove(up, "/a/x").unwrap();
        assert!(!w.y.exists("root", "b/x"));
        assert!(w.y.exists("root", "a/x"));
        assert_eq!(cat(up, "/a/x").unwrap(), "a");
        assert_eq!(err(sysremove(up, "#Z/a")), "permission denied");
        assert_eq!(
            err(sysremove(up, "/a/gone")),
            "file does not exist: '/a/gone'"
        );
    }

    #[test]
    fn findmount_matches_device_and_qid() {
        // eqchan: a mount point is the file of that qid path on that
        // device instance; the same path on another instance is not.
        let w = world();
        let up = &w.up;
        w.y.mk("other", "a/", "");
        sysbind(up, "/b", "/a", MREPL).unwrap();
        sysbind(up, "#Yother", "/y", MREPL).unwrap();
        assert_eq!(
            ls(up, "/y/a"),
            Vec::<String>::new(),
            "#Yother's /a is not /a"
        );
        assert_eq!(ls(up, "/a"), ["x", "b1"]);
        let a = namec(up, "/a", Amode::Amount, 0, 0).unwrap();
        let m = findmount(up, a.typ, a.dev, a.qid).unwrap();
        let (to, mh) = m.unwrap();
        assert_eq!(to.path.s, "/b");
        assert_eq!(mh.nmount(), 1);
        assert!(eqchan(&mh.from, &a, true));
        let _ = vec![0];
    }
}
