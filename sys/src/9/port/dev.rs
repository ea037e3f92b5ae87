//! Devices: a port of 9front's `port/dev.c`, with the `Dev`, `Dirtab` and
//! `Walkqid` structures of `portdat.h` and the device table (`devtab[]`,
//! which 9front's kernel configuration generates).
//!
//! A device is a [`Dev`]: the table entry of 9front, with its letter
//! (`dc`, the `x` of `#x`), its name and its operations, here trait
//! methods that return [`Result`]. The helpers a simple device is built
//! from are here as in dev.c: [`devattach`], [`devclone`], and
//! [`devwalk`], [`devstat`], [`devdirread`] and [`devopen`] driven by a
//! generator over a [`Dirtab`] table ([`devgen`], or the device's own),
//! [`devpermcheck`] for open permissions, and the defaults that fail with
//! `Eperm` ([`devcreate`], [`devremove`], [`devwstat`], ...).
//!
//! What differs from 9front:
//!
//! - The operations take the current process ([`Up`]) where 9front reads
//!   the globals `up`, `eve` and `devtab`; `close` does not (a channel is
//!   closed when its last reference is dropped, wherever that is).
//! - Errors are `Err`: `devwalk` returns `Err` where 9front's returns nil
//!   after an error on the first name, and `Ok` with fewer qids than names
//!   (and no clone) for a partial walk, as 9front's. A generator returns
//!   [`Gen`] (9front's -1, 0, 1) in a `Result`, so that it can fail.
//! - 9front's `devwalk` recognises its own `devgen` by address to refuse
//!   walks below a `Dirtab`'s subdirectories; here passing no generator
//!   (`None`) means `devgen`.
//! - `Dev::open` returns a shared channel (`Arc`), since some devices
//!   (#d, #s) open to a channel that others hold; `create` and the rest
//!   work on a channel the caller owns.
//! - `devclone` of an open channel is an error, not a panic; so is
//!   `devattach` of a letter missing from the table.
//! - `devmask` and `devallowed` shift a 64-bit one, where 9front's `1<<t`
//!   is an int; with fewer than 32 devices they agree. `devallowed` reads
//!   the mask under its `ilock` without the name space's `RWlock`.
//! - The device table is a value ([`Devtab`]) that the kernel builds once;
//!   it also holds `eve`, `kerndate`, the clock for `devdir`'s atime, and
//!   chan.c's close queue.

use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::any::Any;

use libc::convd2m::convD2M;
use libc::fcall::{Dir, Qid, BIT16SZ, DMDIR, DMMOUNT, OREAD, QTDIR, QTMOUNT};

use crate::allocb::{allocb, Block};
use crate::chan::Chan;
use crate::pgrp::Pgrp;
use crate::portdat::{Up, CMSG, COPEN};
use crate::portfns::{ILock, Sched};
use crate::sysfile::openmode;
use crate::{Error, Result};

/// The `i` a generator is given to ask for the parent directory.
pub const DEVDOTDOT: i32 = -1;

/// One entry of a device's table of files (9front's `Dirtab`). The first
/// entry of a table handed to [`devgen`] is the directory itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dirtab {
    pub name: &'static str,
    pub qid: Qid,
    pub length: u64,
    pub perm: u32,
}

impl Dirtab {
    /// A table entry.
    pub const fn new(name: &'static str, qid: Qid, length: u64, perm: u32) -> Dirtab {
        Dirtab {
            name,
            qid,
            length,
            perm,
        }
    }
}

/// The result of a walk (9front's `Walkqid`): the qids of the names
/// walked, and the new channel when every name was.
pub struct Walkqid<S: Sched> {
    pub clone: Option<Chan<S>>,
    pub qid: Vec<Qid>,
}

/// What a generator gives for one index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gen {
    /// No more entries (9front's -1).
    Done,
    /// Nothing at this index; go on (0).
    Skip,
    /// An entry (1).
    Entry(Dir),
}

/// A generator (9front's `Devgen`): the entry `i` of the directory `c`
/// (or, for [`DEVDOTDOT`], its parent), or with a name the entry of that
/// name. See [`devgen`] for the conventions the helpers assume.
pub type Devgen<'a, S> = dyn Fn(&Up<S>, &Chan<S>, Option<&str>, &[Dirtab], i32) -> Result<Gen> + 'a;

/// A device: an entry of 9front's `devtab[]`.
pub trait Dev<S: Sched>: Send + Sync {
    /// The device's letter: the `x` of `#x`.
    fn dc(&self) -> char;
    /// The device's name (`cons`, `root`, ...).
    fn name(&self) -> &str;

    /// Called once at boot, before `init`.
    fn reset(&self) {}
    /// Called once at boot.
    fn init(&self) {}
    /// Called at shutdown, in the reverse order of the table.
    fn shutdown(&self) {}

    /// A channel to the root of the tree `spec` names (`#xspec`).
    fn attach(&self, up: &Up<S>, spec: &str) -> Result<Chan<S>>;
    /// Walk `c` through `names`; with no names, clone it.
    fn walk(&self, up: &Up<S>, c: &Chan<S>, names: &[&str]) -> Result<Walkqid<S>>;
    /// `c`'s directory entry, packed into `db`; the length.
    fn stat(&self, up: &Up<S>, c: &Chan<S>, db: &mut [u8]) -> Result<usize>;
    /// Open `c` (which the caller owns) with `omode`.
    fn open(&self, up: &Up<S>, c: Chan<S>, omode: u32) -> Result<Arc<Chan<S>>>;
    /// Create `name` in the directory `c` and open it.
    fn create(&self, up: &Up<S>, c: Chan<S>, name: &str, omode: u32, perm: u32) -> Result<Chan<S>> {
        devcreate(up, c, name, omode, perm)
    }
    /// The last reference to `c` has gone.
    fn close(&self, c: &mut Chan<S>);
    /// Read at `off` into `buf`; the count.
    fn read(&self, up: &Up<S>, c: &Chan<S>, buf: &mut [u8], off: i64) -> Result<usize>;
    /// Read up to `n` bytes at `off` into a block.
    fn bread(&self, up: &Up<S>, c: &Chan<S>, n: usize, off: u64) -> Result<Block> {
        devbread(self, up, c, n, off)
    }
    /// Write `buf` at `off`; the count.
    fn write(&self, up: &Up<S>, c: &Chan<S>, buf: &[u8], off: i64) -> Result<usize>;
    /// Write a block at `off`.
    fn bwrite(&self, up: &Up<S>, c: &Chan<S>, b: Block, off: u64) -> Result<usize> {
        devbwrite(self, up, c, b, off)
    }
    /// Remove the file `c` names. The channel is gone afterwards, even
    /// on error: the caller does not close it.
    fn remove(&self, up: &Up<S>, c: &mut Chan<S>) -> Result<()> {
        devremove(up, c)
    }
    /// Change `c`'s directory entry to the packed `d`.
    fn wstat(&self, up: &Up<S>, c: &Chan<S>, d: &[u8]) -> Result<usize> {
        devwstat(up, c, d)
    }
    /// Power management: on or off.
    fn power(&self, on: bool) -> Result<()> {
        devpower(on)
    }
    /// Configure a device (the machine's `DevConf` is `cf`).
    fn config(&self, on: i32, spec: &str, cf: &mut dyn Any) -> Result<i32> {
        devconfig(on, spec, cf)
    }
}

/// The device table and the globals dev.c reads beside it.
pub struct Devtab<S: Sched> {
    devs: Vec<Arc<dyn Dev<S>>>,
    /// The host owner.
    pub eve: String,
    /// The kernel's date, every device file's mtime.
    pub kerndate: u32,
    /// The clock for `devdir`'s atime (9front's `seconds()`).
    pub seconds: fn() -> u32,
    /// chan.c's close queue (`clunkq`).
    pub(crate) clunkq: S::Lock<VecDeque<Chan<S>>>,
}

fn noclock() -> u32 {
    0
}

impl<S: Sched> Devtab<S> {
    /// The table of `devs`, in order; `eve` is the host owner. There can
    /// be at most 256 devices (the size of a `Pgrp`'s mask), each with its
    /// own letter.
    pub fn new(eve: &str, devs: Vec<Arc<dyn Dev<S>>>) -> Result<Devtab<S>> {
        if devs.len() > 256 {
            return Err(Error::Msg(String::from("too many devices")));
        }
        for (i, d) in devs.iter().enumerate() {
            if devs[..i].iter().any(|e| e.dc() == d.dc()) {
                return Err(Error::Msg(format!("device letter {} twice", d.dc())));
            }
        }
        Ok(Devtab {
            devs,
            eve: String::from(eve),
            kerndate: 0,
            seconds: noclock,
            clunkq: S::Lock::new(VecDeque::new()),
        })
    }

    /// `devno`: the index of the device with letter `c`.
    pub fn devno(&self, c: char) -> Option<usize> {
        self.devs.iter().position(|d| d.dc() == c)
    }

    /// The device at index `t`.
    pub fn get(&self, t: usize) -> Option<&Arc<dyn Dev<S>>> {
        self.devs.get(t)
    }

    /// The devices, in order.
    pub fn devs(&self) -> &[Arc<dyn Dev<S>>] {
        &self.devs
    }
}

/// `mkqid`.
pub fn mkqid(path: u64, vers: u32, typ: u8) -> Qid {
    Qid { path, vers, typ }
}

/// `devmask`: forbid `#x` for the letters of `devs`, or with `invert`
/// for every letter but those. Devices already forbidden stay so.
pub fn devmask<S: Sched>(dt: &Devtab<S>, pgrp: &Pgrp<S>, invert: bool, devs: &str) -> Result<()> {
    let mut mask = [if invert { !0u64 } else { 0 }; 4];
    for r in devs.chars() {
        let Some(t) = dt.devno(r) else { continue };
        if invert {
            mask[t / 64] &= !(1u64 << (t % 64));
        } else {
            mask[t / 64] |= 1u64 << (t % 64);
        }
    }
    let _w = pgrp.ns.wlock()?;
    let mut na = pgrp.notallowed.ilock();
    for (n, m) in na.iter_mut().zip(mask) {
        *n |= m;
    }
    Ok(())
}

/// `devallowed`: whether `#r` may be attached in `pgrp`'s name space.
pub fn devallowed<S: Sched>(dt: &Devtab<S>, pgrp: &Pgrp<S>, r: char) -> bool {
    let Some(t) = dt.devno(r) else { return false };
    let na = pgrp.notallowed.ilock();
    na[t / 64] & (1u64 << (t % 64)) == 0
}

/// `canmount`: mounts are allowed while `#M` is.
pub fn canmount<S: Sched>(dt: &Devtab<S>, pgrp: &Pgrp<S>) -> bool {
    devallowed(dt, pgrp, 'M')
}

/// `devdir`: the directory entry of a device file.
pub fn devdir<S: Sched>(
    up: &Up<S>,
    c: &Chan<S>,
    mut qid: Qid,
    name: &str,
    length: u64,
    user: &str,
    perm: u32,
) -> Dir {
    if c.flag() & CMSG != 0 {
        qid.typ |= QTMOUNT;
    }
    let dc = up.devtab.get(c.typ).map_or('\0', |d| d.dc());
    Dir {
        typ: dc as u32 as u16,
        dev: c.dev,
        qid,
        mode: perm | (qid.typ as u32) << 24,
        atime: (up.devtab.seconds)(),
        mtime: up.devtab.kerndate,
        length,
        name: name.into(),
        uid: user.into(),
        gid: up.devtab.eve.as_str().into(),
        muid: user.into(),
    }
}

/// `devgen`: the generator of a `Dirtab` table whose entry 0 is the
/// directory itself. With a name it finds that entry; with an index it
/// lists the entries after the first, whatever `c` is (so for the table's
/// directory it lists its children, and for a file its siblings); for
/// [`DEVDOTDOT`] it gives entry 0. Every file belongs to eve.
pub fn devgen<S: Sched>(
    up: &Up<S>,
    c: &Chan<S>,
    name: Option<&str>,
    tab: &[Dirtab],
    i: i32,
) -> Result<Gen> {
    if tab.is_empty() {
        return Ok(Gen::Done);
    }
    let t = if i == DEVDOTDOT {
        &tab[0]
    } else if let Some(name) = name {
        match tab[1..].iter().find(|t| t.name == name) {
            Some(t) => t,
            None => return Ok(Gen::Done),
        }
    } else {
        match usize::try_from(i).ok().and_then(|i| tab.get(i + 1)) {
            Some(t) => t,
            None => return Ok(Gen::Done),
        }
    };
    Ok(Gen::Entry(devdir(
        up,
        c,
        t.qid,
        t.name,
        t.length,
        &up.devtab.eve,
        t.perm,
    )))
}

fn gen<S: Sched>(
    g: Option<&Devgen<'_, S>>,
    up: &Up<S>,
    c: &Chan<S>,
    name: Option<&str>,
    tab: &[Dirtab],
    i: i32,
) -> Result<Gen> {
    match g {
        Some(g) => g(up, c, name, tab, i),
        None => devgen(up, c, name, tab, i),
    }
}

/// `devattach`: a new channel to the root directory of device `tc`, named
/// `#tc` followed by `spec`.
pub fn devattach<S: Sched>(up: &Up<S>, tc: char, spec: &str) -> Result<Chan<S>> {
    let t = up
        .devtab
        .devno(tc)
        .ok_or_else(|| Error::Msg(format!("devno {tc} {:#x}", tc as u32)))?;
    let d = up.devtab.get(t).cloned();
    let mut c = Chan::new(t, d);
    c.qid = mkqid(0, 0, QTDIR);
    c.path = crate::chan::newpath(&format!("#{tc}{spec}"));
    Ok(c)
}

/// `devclone`: a copy of the unopened channel `c` on the same device.
pub fn devclone<S: Sched>(c: &Chan<S>) -> Result<Chan<S>> {
    if c.flag() & COPEN != 0 {
        return Err(Error::Msg(format!("clone of open file type {}", c.typ)));
    }
    let mut nc = Chan::new(c.typ, c.devp_opt());
    nc.dev = c.dev;
    nc.mode = c.mode;
    nc.qid = c.qid;
    nc.set_offset(c.offset());
    nc.aux = c.aux.clone();
    nc.mqid = c.mqid;
    nc.path = c.path.clone();
    Ok(nc)
}

/// `isdir`: `Enotdir` unless `c` is a directory.
pub fn isdir<S: Sched>(c: &Chan<S>) -> Result<()> {
    if c.qid.typ & QTDIR != 0 {
        Ok(())
    } else {
        Err(Error::Enotdir)
    }
}

/// `devwalk`: walk `c` through `names` with the generator `g` over `tab`
/// (`None` is [`devgen`], which walks only the table's own directory).
///
/// A failure at the first name is `Err` (`Enotdir`, `Enonexist`); a
/// later one ends the walk with the qids so far and no clone.
pub fn devwalk<S: Sched>(
    up: &Up<S>,
    c: &Chan<S>,
    names: &[&str],
    tab: &[Dirtab],
    g: Option<&Devgen<'_, S>>,
) -> Result<Walkqid<S>> {
    if !names.is_empty() {
        isdir(c)?;
    }
    let mut nc = devclone(c)?;
    // The device does not know this channel until the walk succeeds: a
    // failed walk drops it without calling close.
    nc.forget();
    let mut qids = Vec::with_capacity(names.len());
    'names: for (j, &n) in names.iter().enumerate() {
        if nc.qid.typ & QTDIR == 0 {
            if j == 0 {
                return Err(Error::Enotdir);
            }
            break;
        }
        if n == "." {
            qids.push(nc.qid);
            continue;
        }
        if n == ".." {
            match gen(g, up, &nc, None, tab, DEVDOTDOT)? {
                Gen::Entry(d) => {
                    nc.qid = d.qid;
                    qids.push(nc.qid);
                    continue;
                }
                _ => return Err(Error::Msg(String::from("broken devgen"))),
            }
        }
        let found = if g.is_none() && tab.first().is_some_and(|t| nc.qid.path != t.qid.path) {
            None
        } else {
            let mut found = None;
            let mut i = 0;
            loop {
                match gen(g, up, &nc, Some(n), tab, i)? {
                    Gen::Done => break,
                    Gen::Skip => {}
                    Gen::Entry(d) => {
                        if d.name == n {
                            found = Some(d.qid);
                            break;
                        }
                    }
                }
                i += 1;
            }
            found
        };
        match found {
            Some(q) => {
                nc.qid = q;
                qids.push(q);
                continue 'names;
            }
            None => {
                if j == 0 {
                    return Err(Error::Enonexist);
                }
                break;
            }
        }
    }
    let clone = if qids.len() < names.len() {
        None
    } else {
        nc.set_devp(c.devp_opt());
        Some(nc)
    };
    Ok(Walkqid { clone, qid: qids })
}

/// The last element of `c`'s name, for the entry `devstat` makes up.
fn lastelem<S: Sched>(c: &Chan<S>) -> &str {
    let s = c.path.s.as_str();
    if s == "/" {
        return "/";
    }
    match s.rfind('/') {
        Some(i) => &s[i + 1..],
        None => s,
    }
}

/// `devstat`: `c`'s entry as the generator lists it among its siblings;
/// for a directory it does not list, an entry made up from the last
/// element of its name, owned by eve with mode `DMDIR|0555`.
pub fn devstat<S: Sched>(
    up: &Up<S>,
    c: &Chan<S>,
    db: &mut [u8],
    tab: &[Dirtab],
    g: Option<&Devgen<'_, S>>,
) -> Result<usize> {
    let mut i = 0;
    loop {
        match gen(g, up, c, None, tab, i)? {
            Gen::Done => {
                if c.qid.typ & QTDIR != 0 {
                    let d = devdir(up, c, c.qid, lastelem(c), 0, &up.devtab.eve, DMDIR | 0o555);
                    let n = convD2M(&d, db) as usize;
                    if n == 0 {
                        return Err(Error::Ebadarg);
                    }
                    return Ok(n);
                }
                return Err(Error::Enonexist);
            }
            Gen::Skip => {}
            Gen::Entry(mut d) => {
                if c.qid.path == d.qid.path {
                    if c.flag() & CMSG != 0 {
                        d.mode |= DMMOUNT;
                    }
                    let n = convD2M(&d, db) as usize;
                    if n == 0 {
                        return Err(Error::Ebadarg);
                    }
                    return Ok(n);
                }
            }
        }
        i += 1;
    }
}

/// `devdirread`: read the directory `c` as packed entries from the
/// generator, from where the last read stopped (`c->dri`). Whole entries
/// only; `Eshort` if not even one fits.
pub fn devdirread<S: Sched>(
    up: &Up<S>,
    c: &Chan<S>,
    d: &mut [u8],
    tab: &[Dirtab],
    g: Option<&Devgen<'_, S>>,
) -> Result<usize> {
    let mut dri = c.dri();
    let mut m = 0;
    let r = loop {
        if m >= d.len() {
            break Ok(m);
        }
        match gen(g, up, c, None, tab, dri) {
            Err(e) => break Err(e),
            Ok(Gen::Done) => break Ok(m),
            Ok(Gen::Skip) => {}
            Ok(Gen::Entry(dir)) => {
                let dsz = convD2M(&dir, &mut d[m..]) as usize;
                if dsz <= BIT16SZ {
                    if m == 0 {
                        break Err(Error::Eshort);
                    }
                    break Ok(m);
                }
                m += dsz;
            }
        }
        dri += 1;
    };
    c.set_dri(dri);
    r
}

/// `devpermcheck`: `Eperm` unless `up`'s user may open a file of owner
/// `fileuid` and mode `perm` with `omode`. The owner's bits apply to the
/// owner, the group's to eve, the others' to everyone else.
pub fn devpermcheck<S: Sched>(up: &Up<S>, fileuid: &str, perm: u32, omode: u32) -> Result<()> {
    const ACCESS: [u32; 4] = [0o400, 0o200, 0o600, 0o100];
    let perm = if up.user == fileuid {
        perm
    } else if up.user == up.devtab.eve {
        perm << 3
    } else {
        perm << 6
    };
    let t = ACCESS[(omode & 3) as usize];
    if t & perm != t {
        return Err(Error::Eperm);
    }
    Ok(())
}

/// `devopen`: check the permission of the entry the generator gives for
/// `c` (if any), refuse to open a directory for anything but reading, and
/// mark `c` open with the mode.
pub fn devopen<S: Sched>(
    up: &Up<S>,
    mut c: Chan<S>,
    omode: u32,
    tab: &[Dirtab],
    g: Option<&Devgen<'_, S>>,
) -> Result<Arc<Chan<S>>> {
    let mut i = 0;
    loop {
        match gen(g, up, &c, None, tab, i)? {
            Gen::Done => break,
            Gen::Skip => {}
            Gen::Entry(d) => {
                if c.qid.path == d.qid.path {
                    devpermcheck(up, &d.uid.to_string_lossy(), d.mode, omode)?;
                    break;
                }
            }
        }
        i += 1;
    }
    c.set_offset(0);
    if c.qid.typ & QTDIR != 0 && omode != OREAD as u32 {
        return Err(Error::Eperm);
    }
    c.mode = openmode(omode)?;
    c.setflag(COPEN);
    Ok(Arc::new(c))
}

/// `devcreate`: devices do not create files.
pub fn devcreate<S: Sched>(
    _up: &Up<S>,
    _c: Chan<S>,
    _name: &str,
    _omode: u32,
    _perm: u32,
) -> Result<Chan<S>> {
    Err(Error::Eperm)
}

/// `devbread`: a block read with the device's `read`.
pub fn devbread<S: Sched, D: Dev<S> + ?Sized>(
    d: &D,
    up: &Up<S>,
    c: &Chan<S>,
    n: usize,
    off: u64,
) -> Result<Block> {
    let mut b = allocb(n);
    let wp = b.wp;
    let got = d.read(up, c, &mut b.buf_mut()[wp..wp + n], off as i64)?;
    b.wp += got.min(n);
    Ok(b)
}

/// `devbwrite`: a block written with the device's `write`.
pub fn devbwrite<S: Sched, D: Dev<S> + ?Sized>(
    d: &D,
    up: &Up<S>,
    c: &Chan<S>,
    b: Block,
    off: u64,
) -> Result<usize> {
    d.write(up, c, b.data(), off as i64)
}

/// `devremove`: devices do not remove files.
pub fn devremove<S: Sched>(_up: &Up<S>, _c: &mut Chan<S>) -> Result<()> {
    Err(Error::Eperm)
}

/// `devwstat`: devices do not change directory entries.
pub fn devwstat<S: Sched>(_up: &Up<S>, _c: &Chan<S>, _d: &[u8]) -> Result<usize> {
    Err(Error::Eperm)
}

/// `devpower`: no power management.
pub fn devpower(_on: bool) -> Result<()> {
    Err(Error::Eperm)
}

/// `devconfig`: no configuration.
pub fn devconfig(_on: i32, _spec: &str, _cf: &mut dyn Any) -> Result<i32> {
    Err(Error::Eperm)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chan::namec;
    use crate::portdat::Amode;
    use crate::sysfile::{sysopen, sysread, sysstat, syswstat};
    use crate::testdev::*;
    use libc::fcall::{OEXEC, ORDWR, OTRUNC, OWRITE, QTFILE};

    fn zroot(w: &World) -> Arc<Chan<H>> {
        namec(&w.up, "#Z", Amode::Atodir, 0, 0).unwrap()
    }

    #[test]
    fn devattach_names_the_device() {
        // devattach: a directory of qid path 0 named #c followed by the
        // specifier.
        let w = world();
        let c = devattach(&w.up, 'Z', "spec").unwrap();
        assert_eq!(c.path.s, "#Zspec");
        assert_eq!(c.qid, mkqid(0, 0, QTDIR));
        assert_eq!(c.typ, w.up.devtab.devno('Z').unwrap());
        assert!(devattach(&w.up, 'Q', "").is_err());
        // One letter per device.
        let z: Arc<dyn Dev<H>> = Arc::new(Zdev::default());
        assert!(Devtab::new(EVE, alloc::vec![z.clone(), z]).is_err());
    }

    #[test]
    fn devwalk_walks_the_table() {
        // devwalk: each name is looked up with the generator; a failure
        // at the first name is an error, a later one a partial walk with
        // no clone; devgen does not walk below the table's directory.
        let w = world();
        let up = &w.up;
        let c = zroot(&w);
        let wq = devwalk(up, &c, &["a"], ZTAB, None).unwrap();
        assert_eq!(wq.qid, [mkqid(1, 0, QTFILE)]);
        assert_eq!(wq.clone.as_ref().unwrap().qid.path, 1);
        let wq = devwalk(up, &c, &["dir", "a"], ZTAB, None).unwrap();
        assert_eq!(wq.qid, [mkqid(5, 0, QTDIR)]);
        assert!(wq.clone.is_none());
        let wq = devwalk(up, &c, &["a", "b"], ZTAB, None).unwrap();
        assert_eq!(wq.qid.len(), 1, "a file ends the walk");
        assert!(wq.clone.is_none());
        assert_eq!(
            devwalk(up, &c, &["nope"], ZTAB, None).err(),
            Some(Error::Enonexist)
        );
        let wq = devwalk(up, &c, &["dir", "..", ".", "a"], ZTAB, None).unwrap();
        assert_eq!(
            wq.qid.iter().map(|q| q.path).collect::<Vec<_>>(),
            [5, 0, 0, 1]
        );
        let wq = devwalk(up, &c, &[], ZTAB, None).unwrap();
        assert!(wq.qid.is_empty());
        assert_eq!(wq.clone.unwrap().qid, c.qid);
        let a = wq_clone(up, &c, "a");
        assert_eq!(
            devwalk(up, &a, &["x"], ZTAB, None).err(),
            Some(Error::Enotdir)
        );
    }

    fn wq_clone(up: &Up<H>, c: &Chan<H>, n: &str) -> Chan<H> {
        devwalk(up, c, &[n], ZTAB, None).unwrap().clone.unwrap()
    }

    #[test]
    fn a_failed_walk_closes_nothing() {
        // devwalk's clone belongs to no device until the walk succeeds
        // (9front sets its type to 0), so dropping it calls no close.
        let w = world();
        let c = zroot(&w);
        let before = w.z.closes.load(core::sync::atomic::Ordering::SeqCst);
        let _ = devwalk(&w.up, &c, &["dir", "nope"], ZTAB, None).unwrap();
        let _ = devwalk(&w.up, &c, &["nope"], ZTAB, None);
        assert_eq!(
            w.z.closes.load(core::sync::atomic::Ordering::SeqCst),
            before
        );
        let ok = devwalk(&w.up, &c, &["a"], ZTAB, None).unwrap();
        drop(ok);
        assert_eq!(
            w.z.closes.load(core::sync::atomic::Ordering::SeqCst),
            before + 1
        );
    }

    #[test]
    fn devstat_finds_the_entry_or_makes_one_up() {
        // devstat: a file's entry from the table, owned by eve; for a
        // directory the generator does not list, DMDIR|0555 named by the
        // last element of the channel's name.
        let w = world();
        let up = &w.up;
        let mut buf = [0u8; 256];
        let n = sysstat(up, "#Z/a", &mut buf).unwrap();
        let d = Dir::decode(&buf[..n]).unwrap();
        assert_eq!(d.name, "a");
        assert_eq!(d.mode, 0o644);
        assert_eq!(d.length, 5);
        assert_eq!(d.uid, EVE);
        assert_eq!(d.gid, EVE);
        assert_eq!(d.muid, EVE);
        assert_eq!(d.typ, 'Z' as u16);
        assert_eq!(d.qid, mkqid(1, 0, QTFILE));
        let c = zroot(&w);
        let n = devstat(up, &c, &mut buf, ZTAB, None).unwrap();
        let d = Dir::decode(&buf[..n]).unwrap();
        assert_eq!(d.name, "#Z");
        assert_eq!(d.mode, DMDIR | 0o555);
        assert_eq!(d.qid.typ, QTDIR);
        let n = sysstat(up, "#Z/dir", &mut buf).unwrap();
        let d = Dir::decode(&buf[..n]).unwrap();
        assert_eq!((d.name.as_str(), d.mode), (Some("dir"), DMDIR | 0o555));
        // Too small a buffer: convD2M's BIT16SZ with the size.
        let n = devstat(up, &c, &mut buf[..10], ZTAB, None).unwrap();
        assert_eq!(n, BIT16SZ);
        // Not in the table and not a directory.
        let mut f = wq_clone(up, &c, "a");
        f.qid.path = 99;
        assert_eq!(devstat(up, &f, &mut buf, ZTAB, None), Err(Error::Enonexist));
    }

    #[test]
    fn devdirread_reads_whole_entries() {
        // devdirread: entries after the table's first, whole, resuming
        // at c->dri; Eshort if not even one fits.
        let w = world();
        let up = &w.up;
        assert_eq!(ls(up, "#Z"), ["a", "b", "ro", "secret", "dir", "x"]);
        let one = lsn(up, "#Z", 80).unwrap();
        assert_eq!(one.len(), 6, "one or more entries per read, none lost");
        let fd = sysopen(up, "#Z", OREAD as u32).unwrap() as i32;
        let mut small = [0u8; 20];
        assert_eq!(
            sysread(up, fd, &mut small).map_err(|e| e.to_string()),
            Err("i/o count too small".into())
        );
    }

    #[test]
    fn devpermcheck_uses_owner_eve_and_other_bits() {
        // devpermcheck: the owner's bits for the owner, the group's for
        // eve, the others' for everyone else; OEXEC needs x.
        let mut w = world();
        let up = &mut w.up;
        assert_eq!(devpermcheck(up, USER, 0o600, OREAD as u32), Ok(()));
        assert_eq!(
            devpermcheck(up, USER, 0o400, ORDWR as u32),
            Err(Error::Eperm)
        );
        assert_eq!(devpermcheck(up, "other", 0o604, OREAD as u32), Ok(()));
        assert_eq!(
            devpermcheck(up, "other", 0o640, OREAD as u32),
            Err(Error::Eperm)
        );
        assert_eq!(devpermcheck(up, "other", 0o001, OEXEC as u32), Ok(()));
        assert_eq!(
            devpermcheck(up, "other", 0o001, OREAD as u32),
            Err(Error::Eperm)
        );
        up.user = EVE.into();
        assert_eq!(devpermcheck(up, "other", 0o640, OREAD as u32), Ok(()));
        assert_eq!(
            devpermcheck(up, "other", 0o604, OREAD as u32),
            Err(Error::Eperm)
        );
        assert_eq!(devpermcheck(up, EVE, 0o600, ORDWR as u32), Ok(()));
        // Through devopen: eve owns #Z's files.
        assert!(sysopen(up, "#Z/secret", ORDWR as u32).is_ok());
        up.user = USER.into();
        assert!(sysopen(up, "#Z/secret", OREAD as u32).is_err());
        assert!(sysopen(up, "#Z/a", OREAD as u32).is_ok());
        assert!(sysopen(up, "#Z/a", OWRITE as u32).is_err());
        assert!(sysopen(up, "#Z/b", ORDWR as u32).is_ok());
        assert!(sysopen(up, "#Z/x", OEXEC as u32).is_ok());
    }

    #[test]
    fn devopen_modes() {
        // devopen: directories open only OREAD; the mode is openmode's
        // (OEXEC reads); the offset starts at 0; COPEN is set.
        let w = world();
        let up = &w.up;
        let c = zroot(&w);
        let d = crate::chan::cclone(up, &c).unwrap();
        assert_eq!(
            devopen(up, d, OWRITE as u32, ZTAB, None).err(),
            Some(Error::Eperm)
        );
        let d = crate::chan::cclone(up, &c).unwrap();
        assert_eq!(
            devopen(up, d, (OREAD | OTRUNC) as u32, ZTAB, None).err(),
            Some(Error::Eperm)
        );
        let x = wq_clone(up, &c, "x");
        let x = devopen(up, x, OEXEC as u32, ZTAB, None).unwrap();
        assert_eq!(x.mode, OREAD);
        assert_ne!(x.flag() & COPEN, 0);
        assert_eq!(openmode(7).err(), Some(Error::Ebadarg));
        assert_eq!(openmode((ORDWR | OTRUNC) as u32), Ok(ORDWR));
        // An open channel cannot be cloned.
        assert!(devclone(&x).is_err());
    }

    #[test]
    fn defaults_refuse_with_eperm() {
        // dev.c: devcreate, devremove, devwstat, devpower, devconfig.
        let w = world();
        let up = &w.up;
        let mut buf = [0u8; 256];
        let n = sysstat(up, "#Z/a", &mut buf).unwrap();
        assert_eq!(syswstat(up, "#Z/a", &buf[..n]), Err(Error::Eperm));
        assert_eq!(
            crate::sysfile::syscreate(up, "#Z/new", OWRITE as u32, 0o644),
            Err(Error::Msg("permission denied: '#Z/new'".into()))
        );
        let d: &dyn Dev<H> = &*w.z;
        assert_eq!(d.power(true), Err(Error::Eperm));
        assert_eq!(d.config(0, "", &mut ()), Err(Error::Eperm));
        // bread and bwrite go through read and write.
        let c = namec(up, "#Z/a", Amode::Aopen, OREAD as u32, 0).unwrap();
        let b = d.bread(up, &c, 3, 1).unwrap();
        assert_eq!(b.data(), b"ell");
        let mut blk = crate::allocb::allocb(4);
        blk.write(b"abcd");
        assert_eq!(d.bwrite(up, &c, blk, 0), Ok(4));
    }

    #[test]
    fn devmask_forbids_attach() {
        // devmask/devallowed: a forbidden #x gives Enoattach; masks only
        // ever add devices.
        let w = world();
        let up = &w.up;
        assert!(devallowed(&up.devtab, &up.pgrp, 'Z'));
        crate::sysfile::sysbind(up, "#Z", "/x", crate::portdat::MAFTER).unwrap();
        assert!(
            !devallowed(&up.devtab, &up.pgrp, 'Q'),
            "unknown devices are not allowed"
        );
        devmask(&up.devtab, &up.pgrp, false, "Z").unwrap();
        assert_eq!(
            sysopen(up, "#Z/a", OREAD as u32).err(),
            Some(Error::Enoattach)
        );
        assert!(
            sysopen(up, "/a", OREAD as u32).is_ok(),
            "#Y is still allowed"
        );
        // namec: unmounting a bare #x from a union is allowed even when
        // the device is not.
        assert_eq!(ls(up, "/x"), ["a", "b", "ro", "secret", "dir", "x"]);
        crate::sysfile::sysunmount(up, Some("#Z"), "/x").unwrap();
        assert!(ls(up, "/x").is_empty());
        assert_eq!(
            crate::sysfile::sysunmount(up, Some("#Z/dir"), "/x").err(),
            Some(Error::Enoattach)
        );
        devmask(&up.devtab, &up.pgrp, true, "Z").unwrap();
        assert!(!devallowed(&up.devtab, &up.pgrp, 'Y'));
        assert!(
            !devallowed(&up.devtab, &up.pgrp, 'Z'),
            "a mask is never lifted"
        );
        assert!(!canmount(&up.devtab, &up.pgrp));
    }
}
