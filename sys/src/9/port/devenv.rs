//! The environment device `#e`: a port of 9front's `port/devenv.c`, with
//! the `Egrp` and `Evalue` structures of `portdat.h`.
//!
//! An [`Egrp`] is an environment group: a one-level directory of
//! variables, each a file with a name and a value of bytes. Processes
//! share their group unless rfork(2) splits it: RFENVG copies it
//! ([`envcpy`], called from `pgrp::rforkgrp`), RFCENVG starts an empty
//! one. `#ec` is the one configuration group of the kernel, which every
//! process sees and only the host owner may change.
//!
//! A variable's qid path is 9front's: a per-group counter in the high 32
//! bits and its slot in the group's table in the low ones, so a slot
//! reused after a remove gives a new path, and a stale channel finds
//! nothing (`Enonexist`). The limits are 9front's: a value of at most
//! [`MAXVALSIZE`] bytes (`Etoobig`), a group of at most [`MAXENVSIZE`]
//! bytes in all (`Enomem`; the configuration group has no limit), names
//! shorter than 128 bytes (`Etoolong`).
//!
//! What differs from 9front:
//!
//! - The configuration group (9front's static `confegrp`) belongs to the
//!   device value, [`DevEnv`], which the kernel makes once.
//! - Names are found through a `BTreeMap` rather than 9front's hash
//!   chains; a group's size (`alloc`) is counted from the sizes of the
//!   names, values and table rather than from `msize`, so the limit of
//!   1 MiB is reached a few bytes later or sooner than in 9front.
//! - The table sits in an `ilock` beside the group's `RWlock`, which
//!   orders readers and writers as 9front's does; a value is moved out
//!   of the `ilock` to be copied, so no copy runs with interrupts off.
//! - `close` of an `ORCLOSE` variable removes it without the check of
//!   `envwritable` (it has no current process); 9front's comment says the
//!   same is intended.
//! - [`ksetenv`] and [`DevEnv::getconfenv`] are here; 9front's
//!   `getconfenv` returns a malloc'd string, this a vector of the same
//!   bytes.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use libc::fcall::{Qid, OREAD, OTRUNC, OWRITE, QTDIR, QTFILE};

use crate::chan::{namec, Chan};
use crate::dev::{
    devattach, devdir, devdirread, devstat, devwalk, Dev, Dirtab, Gen, Walkqid, DEVDOTDOT,
};
use crate::portdat::{Amode, Up, COPEN, CRCLOSE};
use crate::portfns::{ILock, Sched};
use crate::qlock::RWlock;
use crate::sysfile::openmode;
use crate::{Error, Result};

/// The most bytes an environment group may hold (9front's `Maxenvsize`).
pub const MAXENVSIZE: usize = 1 << 20;
/// The longest value of a variable (`Maxvalsize`).
pub const MAXVALSIZE: usize = MAXENVSIZE / 2;
/// How many slots the table of variables grows by (`DELTAENV`).
pub const DELTAENV: usize = 32;
/// The size of `up->genbuf`, which a name must fit with its NUL.
const GENBUF: usize = 128;
/// What a variable costs besides its name and value: 9front's
/// `sizeof(Evalue)` on amd64.
const EVALUESZ: usize = 40;
/// What a slot of the table costs (a pointer).
const SLOTSZ: usize = 8;

/// One variable (9front's `Evalue`).
struct Evalue {
    name: String,
    /// The value; moved out of the table while it is copied.
    value: Arc<Vec<u8>>,
    vers: u32,
    /// The qid path: the group's counter << 32 | the slot.
    path: u64,
}

/// The contents of an environment group.
#[derive(Default)]
struct Envtab {
    /// The slots (`ent`, `nent` = its length); a removed variable leaves
    /// `None`.
    ent: Vec<Option<Evalue>>,
    /// The lowest slot that may be free.
    low: usize,
    /// Bytes held (`alloc`).
    alloc: usize,
    /// The qid path generator.
    path: u32,
    /// The group's version: changes with every create, write and remove.
    vers: u32,
    /// Name to slot (9front's hash table).
    byname: BTreeMap<String, usize>,
}

/// 9front's `QID`: the slot of a qid path.
fn qidslot(path: u64) -> usize {
    (path & 0x7FFF_FFFF) as usize
}

impl Envtab {
    /// `envindex`: the variable of qid path `path`, if it still exists.
    fn index(&self, path: u64) -> Option<usize> {
        let i = qidslot(path);
        match self.ent.get(i) {
            Some(Some(e)) if e.path == path => Some(i),
            _ => None,
        }
    }

    fn get(&self, i: usize) -> &Evalue {
        self.ent[i].as_ref().expect("envindex gave a live slot")
    }

    fn get_mut(&mut self, i: usize) -> &mut Evalue {
        self.ent[i].as_mut().expect("envindex gave a live slot")
    }

    /// `envrealloc`'s accounting: `Enomem` if growing an allocation of
    /// `old` bytes to `new` takes the group past its limit.
    fn charge(&mut self, limited: bool, old: usize, new: usize) -> Result<()> {
        if limited && new > old && self.alloc + new - old > MAXENVSIZE {
            return Err(Error::Enomem);
        }
        self.alloc = self.alloc + new - old;
        Ok(())
    }

    /// Add a variable in the lowest free slot (what `envcreate` and
    /// `envcpy` do); its slot.
    fn add(&mut self, limited: bool, name: &str, value: Vec<u8>) -> Result<usize> {
        let mut i = self.low;
        while i < self.ent.len() && self.ent[i].is_some() {
            i += 1;
        }
        if i >= self.ent.len() {
            let n = self.ent.len();
            if n.is_multiple_of(DELTAENV) {
                self.charge(limited, n * SLOTSZ, (n + DELTAENV) * SLOTSZ)?;
            }
            self.ent.push(None);
            self.low = i;
        }
        let cost = EVALUESZ + name.len() + 1;
        self.charge(limited, 0, cost + value.len())?;
        self.path = self.path.wrapping_add(1);
        self.ent[i] = Some(Evalue {
            name: String::from(name),
            value: Arc::new(value),
            vers: 0,
            path: (self.path as u64) << 32 | i as u64,
        });
        self.byname.insert(String::from(name), i);
        self.low = i + 1;
        Ok(i)
    }

    /// Take out the variable in slot `i` (`envremove`'s part under the
    /// lock).
    fn remove(&mut self, i: usize) -> Option<Evalue> {
        let e = self.ent.get_mut(i)?.take()?;
        self.byname.remove(&e.name);
        if i < self.low {
            self.low = i;
        }
        self.vers = self.vers.wrapping_add(1);
        self.alloc -= EVALUESZ + e.name.len() + 1 + e.value.len();
        Some(e)
    }
}

/// An environment group (9front's `Egrp`).
pub struct Egrp<S: Sched> {
    /// Orders readers and writers of the group (the `RWlock` of 9front's
    /// `Egrp`).
    lock: RWlock<S>,
    tab: S::Lock<Envtab>,
    /// The configuration group has no size limit.
    conf: bool,
}

impl<S: Sched> Egrp<S> {
    fn with(conf: bool) -> Egrp<S> {
        Egrp {
            lock: RWlock::new(),
            tab: S::Lock::new(Envtab::default()),
            conf,
        }
    }

    /// The names of the variables, in slot order.
    pub fn names(&self) -> Result<Vec<String>> {
        let _r = self.lock.rlock()?;
        let t = self.tab.ilock();
        Ok(t.ent.iter().flatten().map(|e| e.name.clone()).collect())
    }

    /// The value of `name`, if it is set.
    pub fn getenv(&self, name: &str) -> Result<Option<Vec<u8>>> {
        let _r = self.lock.rlock()?;
        let v = {
            let t = self.tab.ilock();
            t.byname.get(name).map(|&i| t.get(i).value.clone())
        };
        Ok(v.map(|v| v.as_ref().clone()))
    }

    /// Bytes the group holds, as counted against [`MAXENVSIZE`].
    pub fn size(&self) -> usize {
        self.tab.ilock().alloc
    }
}

/// A new, empty environment group (what rfork's RFCENVG gives).
pub fn newegrp<S: Sched>() -> Arc<Egrp<S>> {
    Arc::new(Egrp::with(false))
}

/// `envcpy`: a new group holding a copy of every variable of `from`, in
/// the order of its slots, with new qid paths and versions from 0 (what
/// rfork's RFENVG gives).
pub fn envcpy<S: Sched>(from: &Egrp<S>) -> Result<Arc<Egrp<S>>> {
    let to = Egrp::<S>::with(false);
    let _r = from.lock.rlock()?;
    let vars: Vec<(String, Arc<Vec<u8>>)> = {
        let t = from.tab.ilock();
        t.ent
            .iter()
            .flatten()
            .map(|e| (e.name.clone(), e.value.clone()))
            .collect()
    };
    let mut nt = Envtab::default();
    let n = vars.len();
    let round = n.div_ceil(DELTAENV) * DELTAENV;
    nt.charge(true, 0, round * SLOTSZ)?;
    nt.ent.reserve(round);
    for (name, value) in vars {
        // A copy of a value, made outside any ilock.
        let v: Vec<u8> = value.as_ref().clone();
        let i = nt.ent.len();
        let cost = EVALUESZ + name.len() + 1 + v.len();
        nt.charge(true, 0, cost)?;
        nt.path = nt.path.wrapping_add(1);
        nt.byname.insert(name.clone(), i);
        nt.ent.push(Some(Evalue {
            name,
            value: Arc::new(v),
            vers: 0,
            path: (nt.path as u64) << 32 | i as u64,
        }));
    }
    nt.low = nt.ent.len();
    drop(_r);
    *to.tab.ilock() = nt;
    Ok(Arc::new(to))
}

/// The environment device, `#e`.
pub struct DevEnv<S: Sched> {
    /// The configuration group, `#ec` (9front's `confegrp`).
    conf: Arc<Egrp<S>>,
}

impl<S: Sched> Default for DevEnv<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: Sched> DevEnv<S> {
    /// The device, with an empty configuration group.
    pub fn new() -> DevEnv<S> {
        DevEnv {
            conf: Arc::new(Egrp::with(true)),
        }
    }

    /// The configuration group, `#ec`.
    pub fn confegrp(&self) -> &Arc<Egrp<S>> {
        &self.conf
    }

    /// `getconfenv`: the configuration group as one string of names and
    /// values, each ended by a NUL (a value only up to its first NUL),
    /// and an empty name at the end.
    pub fn getconfenv(&self) -> Result<Vec<u8>> {
        let _r = self.conf.lock.rlock()?;
        let vars: Vec<(String, Arc<Vec<u8>>)> = {
            let t = self.conf.tab.ilock();
            t.ent
                .iter()
                .flatten()
                .map(|e| (e.name.clone(), e.value.clone()))
                .collect()
        };
        let mut out = Vec::new();
        for (name, value) in vars {
            out.extend_from_slice(name.as_bytes());
            out.push(0);
            let v = match value.iter().position(|&b| b == 0) {
                Some(z) => &value[..z],
                None => &value[..],
            };
            out.extend_from_slice(v);
            out.push(0);
        }
        out.push(0);
        Ok(out)
    }

    /// `envgrp`: the group a channel refers to: the one it was opened or
    /// attached with, else the current process's.
    fn envgrp(&self, up: &Up<S>, c: &Chan<S>) -> Arc<Egrp<S>> {
        c.aux
            .clone()
            .and_then(|a| a.downcast::<Egrp<S>>().ok())
            .unwrap_or_else(|| up.egrp.clone())
    }

    /// `envwritable`: the process's own group, or the host owner.
    fn envwritable(&self, up: &Up<S>, c: &Chan<S>) -> bool {
        let own = match &c.aux {
            None => true,
            Some(a) => match a.clone().downcast::<Egrp<S>>() {
                Ok(eg) => Arc::ptr_eq(&eg, &up.egrp),
                Err(_) => false,
            },
        };
        own || up.user == up.devtab.eve
    }

    /// `envgen`.
    fn gen(&self, up: &Up<S>, c: &Chan<S>, name: Option<&str>, s: i32) -> Result<Gen> {
        let eg = self.envgrp(up, c);
        if s == DEVDOTDOT {
            let vers = eg.tab.ilock().vers;
            let q = Qid { vers, ..c.qid };
            return Ok(Gen::Entry(devdir(up, c, q, "#e", 0, &up.devtab.eve, 0o775)));
        }
        let _r = eg.lock.rlock()?;
        let t = eg.tab.ilock();
        let i = if c.qid.typ & QTDIR == 0 {
            t.index(c.qid.path)
        } else if let Some(name) = name {
            if name.len() >= GENBUF {
                None
            } else {
                t.byname.get(name).copied()
            }
        } else {
            match usize::try_from(s).ok().filter(|&s| s < t.ent.len()) {
                Some(s) if t.ent[s].is_none() => return Ok(Gen::Skip),
                Some(s) => Some(s),
                None => None,
            }
        };
        let Some(i) = i else { return Ok(Gen::Done) };
        let e = t.get(i);
        let q = Qid {
            path: e.path,
            vers: e.vers,
            typ: QTFILE,
        };
        let (ename, len) = (e.name.clone(), e.value.len());
        drop(t);
        let perm = if eg.conf || !Arc::ptr_eq(&eg, &up.egrp) {
            0o664
        } else {
            0o666
        };
        Ok(Gen::Entry(devdir(
            up,
            c,
            q,
            &ename,
            len as u64,
            &up.devtab.eve,
            perm,
        )))
    }

    /// `envremove` without the permission checks.
    fn removevar(eg: &Egrp<S>, path: u64) -> Result<()> {
        let _w = eg.lock.wlock()?;
        let e = {
            let mut t = eg.tab.ilock();
            match t.index(path) {
                Some(i) => t.remove(i),
                None => None,
            }
        };
        match e {
            Some(e) => {
                drop(_w);
                drop(e);
                Ok(())
            }
            None => Err(Error::Enonexist),
        }
    }
}

impl<S: Sched> Dev<S> for DevEnv<S> {
    fn dc(&self) -> char {
        'e'
    }

    fn name(&self) -> &str {
        "env"
    }

    fn attach(&self, up: &Up<S>, spec: &str) -> Result<Chan<S>> {
        let eg = match spec {
            "" => None,
            "c" => Some(self.conf.clone()),
            _ => return Err(Error::Ebadarg),
        };
        let mut c = devattach(up, 'e', spec)?;
        c.aux = eg.map(|e| e as Arc<dyn core::any::Any + Send + Sync>);
        Ok(c)
    }

    fn walk(&self, up: &Up<S>, c: &Chan<S>, names: &[&str]) -> Result<Walkqid<S>> {
        let g =
            |up: &Up<S>, c: &Chan<S>, n: Option<&str>, _: &[Dirtab], i: i32| self.gen(up, c, n, i);
        devwalk(up, c, names, &[], Some(&g))
    }

    fn stat(&self, up: &Up<S>, c: &Chan<S>, db: &mut [u8]) -> Result<usize> {
        let g =
            |up: &Up<S>, c: &Chan<S>, n: Option<&str>, _: &[Dirtab], i: i32| self.gen(up, c, n, i);
        devstat(up, c, db, &[], Some(&g))
    }

    fn open(&self, up: &Up<S>, mut c: Chan<S>, omode: u32) -> Result<Arc<Chan<S>>> {
        let eg = self.envgrp(up, &c);
        if c.qid.typ & QTDIR != 0 {
            if omode != OREAD as u32 {
                return Err(Error::Eperm);
            }
        } else {
            let trunc = omode & OTRUNC as u32 != 0;
            if omode != OREAD as u32 && !self.envwritable(up, &c) {
                return Err(Error::Eperm);
            }
            let vers = if trunc {
                let _w = eg.lock.wlock()?;
                let mut t = eg.tab.ilock();
                let i = t.index(c.qid.path).ok_or(Error::Enonexist)?;
                let old = t.get(i).value.len();
                if old > 0 {
                    let e = t.get_mut(i);
                    let v = core::mem::take(&mut e.value);
                    e.vers = e.vers.wrapping_add(1);
                    let vers = e.vers;
                    t.alloc -= old;
                    drop(t);
                    drop(v);
                    vers
                } else {
                    t.get(i).vers
                }
            } else {
                let _r = eg.lock.rlock()?;
                let t = eg.tab.ilock();
                let i = t.index(c.qid.path).ok_or(Error::Enonexist)?;
                t.get(i).vers
            };
            c.qid.vers = vers;
        }
        c.mode = openmode(omode)?;
        c.aux = Some(eg);
        c.set_offset(0);
        c.setflag(COPEN);
        Ok(Arc::new(c))
    }

    fn create(
        &self,
        up: &Up<S>,
        mut c: Chan<S>,
        name: &str,
        omode: u32,
        _perm: u32,
    ) -> Result<Chan<S>> {
        if c.qid.typ != QTDIR || !self.envwritable(up, &c) {
            return Err(Error::Eperm);
        }
        if name.len() + 1 > GENBUF {
            return Err(Error::Etoolong);
        }
        let mode = openmode(omode)?;
        let eg = self.envgrp(up, &c);
        let q = {
            let _w = eg.lock.wlock()?;
            let mut t = eg.tab.ilock();
            if t.byname.contains_key(name) {
                return Err(Error::Eexist);
            }
            let i = t.add(!eg.conf, name, Vec::new())?;
            t.vers = t.vers.wrapping_add(1);
            let e = t.get(i);
            Qid {
                path: e.path,
                vers: e.vers,
                typ: QTFILE,
            }
        };
        c.qid = q;
        c.aux = Some(eg);
        c.set_offset(0);
        c.mode = mode;
        c.setflag(COPEN);
        Ok(c)
    }

    fn remove(&self, up: &Up<S>, c: &mut Chan<S>) -> Result<()> {
        if c.qid.typ & QTDIR != 0 || !self.envwritable(up, c) {
            return Err(Error::Eperm);
        }
        let eg = self.envgrp(up, c);
        Self::removevar(&eg, c.qid.path)
    }

    fn close(&self, c: &mut Chan<S>) {
        if c.flag() & COPEN == 0 {
            return;
        }
        let eg = c.aux.take().and_then(|a| a.downcast::<Egrp<S>>().ok());
        if c.flag() & CRCLOSE != 0 {
            if let Some(eg) = &eg {
                // close cannot fail: an error of the remove is dropped.
                let _ = Self::removevar(eg, c.qid.path);
            }
        }
    }

    fn read(&self, up: &Up<S>, c: &Chan<S>, buf: &mut [u8], off: i64) -> Result<usize> {
        if c.qid.typ & QTDIR != 0 {
            let g = |up: &Up<S>, c: &Chan<S>, n: Option<&str>, _: &[Dirtab], i: i32| {
                self.gen(up, c, n, i)
            };
            return devdirread(up, c, buf, &[], Some(&g));
        }
        let eg = self.envgrp(up, c);
        let r = eg.lock.rlock()?;
        let v = {
            let t = eg.tab.ilock();
            let i = t.index(c.qid.path).ok_or(Error::Enonexist)?;
            t.get(i).value.clone()
        };
        let n = match usize::try_from(off) {
            Ok(off) if off < v.len() => {
                let n = buf.len().min(v.len() - off);
                buf[..n].copy_from_slice(&v[off..off + n]);
                n
            }
            _ => 0,
        };
        drop(v);
        drop(r);
        Ok(n)
    }

    fn write(&self, up: &Up<S>, c: &Chan<S>, buf: &[u8], off: i64) -> Result<usize> {
        let eg = self.envgrp(up, c);
        let n = buf.len();
        let w = eg.lock.wlock()?;
        // Take the value out of the ilock to change it.
        let (i, mut v) = {
            let mut t = eg.tab.ilock();
            let i = t.index(c.qid.path).ok_or(Error::Enonexist)?;
            let off = usize::try_from(off).unwrap_or(usize::MAX);
            if off > MAXVALSIZE || n > MAXVALSIZE - off {
                return Err(Error::Etoobig);
            }
            let len = t.get(i).value.len();
            if off + n > len {
                t.charge(!eg.conf, len, off + n)?;
            }
            (i, core::mem::take(&mut t.get_mut(i).value))
        };
        let off = off as usize;
        let val = Arc::make_mut(&mut v);
        if off + n > val.len() {
            val.resize(off + n, 0);
        }
        val[off..off + n].copy_from_slice(buf);
        {
            let mut t = eg.tab.ilock();
            let e = t.get_mut(i);
            e.value = v;
            e.vers = e.vers.wrapping_add(1);
            t.vers = t.vers.wrapping_add(1);
        }
        drop(w);
        Ok(n)
    }
}

/// `ksetenv`: set the variable `name` to `val`, in the configuration
/// group with `conf`, else in the current process's, through the name
/// space as 9front does (`#e/name` or `#ec/name`, created or truncated).
pub fn ksetenv<S: Sched>(up: &Up<S>, name: &str, val: &str, conf: bool) -> Result<()> {
    let path = format!("#e{}/{}", if conf { "c" } else { "" }, name);
    let c = namec(up, &path, Amode::Acreate, OWRITE as u32, 0o666)?;
    c.devp()?.write(up, &c, val.as_bytes(), 0)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chan::setroot;
    use crate::dev::Devtab;
    use crate::pgrp::rforkgrp;
    use crate::portdat::rfork::*;
    use crate::sysfile::*;
    use crate::testdev::*;
    use libc::fcall::{Dir, ORCLOSE, ORDWR};

    /// world() with #e in the device table.
    fn envworld() -> (World, Arc<DevEnv<H>>) {
        let mut w = world();
        let env = Arc::new(DevEnv::new());
        let devs: Vec<Arc<dyn Dev<H>>> = alloc::vec![w.y.clone(), w.z.clone(), env.clone()];
        let mut up = Up::new(Arc::new(Devtab::new(EVE, devs).unwrap()), USER);
        setroot(&mut up, "#Yroot").unwrap();
        sysbind(
            &up,
            "#e",
            "/x",
            crate::portdat::MREPL | crate::portdat::MCREATE,
        )
        .unwrap();
        w.up = up;
        (w, env)
    }

    fn setenv(up: &Up<H>, name: &str, val: &[u8]) {
        let fd = syscreate(up, name, OWRITE as u32, 0o666).unwrap() as i32;
        assert_eq!(syswrite(up, fd, val).unwrap(), val.len());
        sysclose(up, fd).unwrap();
    }

    fn getenv(up: &Up<H>, name: &str) -> Result<Vec<u8>> {
        let fd = sysopen(up, name, OREAD as u32)? as i32;
        let mut buf = alloc::vec![0u8; MAXVALSIZE + 10];
        let n = sysread(up, fd, &mut buf)?;
        sysclose(up, fd)?;
        buf.truncate(n);
        Ok(buf)
    }

    fn stat(up: &Up<H>, name: &str) -> Dir {
        let mut buf = [0u8; 512];
        let n = sysstat(up, name, &mut buf).unwrap();
        Dir::decode(&buf[..n]).unwrap()
    }

    #[test]
    fn variables_are_created_written_and_read() {
        // env(3): files with arbitrary names and contents; devenv.c's
        // envcreate, envwrite, envread.
        let (w, _) = envworld();
        let up = &w.up;
        setenv(up, "/x/path", b"/bin\0.");
        assert_eq!(getenv(up, "/x/path").unwrap(), b"/bin\0.");
        assert_eq!(getenv(up, "#e/path").unwrap(), b"/bin\0.");
        setenv(up, "/x/home", b"/usr/glenda");
        assert_eq!(ls(up, "/x"), ["path", "home"]);
        // Creating an existing variable truncates it (namec opens it
        // with OTRUNC).
        setenv(up, "/x/path", b"x");
        assert_eq!(getenv(up, "/x/path").unwrap(), b"x");
        assert_eq!(up.egrp.getenv("home").unwrap().unwrap(), b"/usr/glenda");
        // Reading a variable that does not exist.
        assert_eq!(err(getenv(up, "/x/nope")), "file does not exist: '/x/nope'");
        // A directory entry: owner eve, mode 0666 in the process's own
        // group, the value's length.
        let d = stat(up, "/x/home");
        assert_eq!(d.mode, 0o666);
        assert_eq!(d.length, 11);
        assert_eq!(d.uid, EVE);
        assert_eq!(d.qid.typ, QTFILE);
        assert_eq!(d.typ, 'e' as u16);
        // qid paths: the group's counter << 32 | the slot.
        assert_eq!(d.qid.path, 2 << 32 | 1);
        assert_eq!(stat(up, "/x/path").qid.path, 1 << 32);
    }

    #[test]
    fn reads_and_writes_at_offsets() {
        // envread/envwrite: reads past the end give 0; a write past the
        // end fills the gap with zeros; each write changes the version.
        let (w, _) = envworld();
        let up = &w.up;
        let fd = syscreate(up, "/x/v", ORDWR as u32, 0o666).unwrap() as i32;
        assert_eq!(syspwrite(up, fd, b"abc", 0).unwrap(), 3);
        assert_eq!(syspwrite(up, fd, b"Z", 5).unwrap(), 1);
        let mut b = [0u8; 16];
        assert_eq!(syspread(up, fd, &mut b, 0).unwrap(), 6);
        assert_eq!(&b[..6], b"abc\0\0Z");
        assert_eq!(syspread(up, fd, &mut b[..2], 1).unwrap(), 2);
        assert_eq!(&b[..2], b"bc");
        assert_eq!(syspread(up, fd, &mut b, 6).unwrap(), 0);
        assert_eq!(syspread(up, fd, &mut b, 1000).unwrap(), 0);
        assert_eq!(syspwrite(up, fd, b"B", 1).unwrap(), 1);
        assert_eq!(syspread(up, fd, &mut b, 0).unwrap(), 6);
        assert_eq!(&b[..6], b"aBc\0\0Z");
        assert_eq!(stat(up, "/x/v").qid.vers, 3);
        assert_eq!(stat(up, "/x/v").length, 6);
        // Negative offsets are sysfile's Enegoff.
        assert_eq!(err(syspwrite(up, fd, b"B", -5)), "negative i/o offset");
    }

    #[test]
    fn limits_are_9fronts() {
        // devenv.c: a value of at most Maxvalsize (512K) bytes, else
        // Etoobig; a group of at most Maxenvsize (1M), else Enomem;
        // names shorter than genbuf (128), else Etoolong.
        let (w, env) = envworld();
        let up = &w.up;
        let fd = syscreate(up, "/x/big", ORDWR as u32, 0o666).unwrap() as i32;
        let big = alloc::vec![b'x'; MAXVALSIZE];
        assert_eq!(syspwrite(up, fd, &big, 0).unwrap(), MAXVALSIZE);
        assert_eq!(
            err(syspwrite(up, fd, b"y", MAXVALSIZE as i64)),
            "read or write too large"
        );
        assert_eq!(
            err(syspwrite(up, fd, b"y", MAXVALSIZE as i64 + 100)),
            "read or write too large"
        );
        assert_eq!(syspwrite(up, fd, b"y", MAXVALSIZE as i64 - 1).unwrap(), 1);
        let fd2 = syscreate(up, "/x/big2", ORDWR as u32, 0o666).unwrap() as i32;
        assert_eq!(
            syspwrite(up, fd2, &big[..400 * 1024], 0).unwrap(),
            400 * 1024
        );
        let fd3 = syscreate(up, "/x/big3", ORDWR as u32, 0o666).unwrap() as i32;
        assert_eq!(
            err(syspwrite(up, fd3, &big[..200 * 1024], 0)),
            "kernel allocate failed"
        );
        assert_eq!(getenv(up, "/x/big3").unwrap(), b"");
        // The configuration group has no such limit (eve writes it).
        let mut eve = rforkgrp(up, RFPROC).unwrap();
        eve.user = EVE.into();
        for k in 0..3 {
            let fd = syscreate(&eve, &format!("#ec/c{k}"), OWRITE as u32, 0o666).unwrap() as i32;
            assert_eq!(syswrite(&eve, fd, &big[..400 * 1024]).unwrap(), 400 * 1024);
        }
        assert!(env.confegrp().size() > MAXENVSIZE);
        // Names.
        let long = format!("/x/{}", "n".repeat(128));
        // namec shows a long name's tail (namelenerror).
        assert_eq!(
            err(syscreate(up, &long, OWRITE as u32, 0o666)),
            format!("name too long: '...{}'", "n".repeat(32))
        );
        let ok = format!("/x/{}", "n".repeat(127));
        setenv(up, &ok, b"1");
        assert_eq!(getenv(up, &ok).unwrap(), b"1");
        // A name of 128 bytes or more is not found (envgen).
        assert_eq!(
            err(getenv(up, &long)),
            format!("file does not exist: '...{}'", "n".repeat(32))
        );
    }

    #[test]
    fn remove_and_reuse_of_slots() {
        // envremove frees the slot; the next create takes the lowest
        // free slot with a new qid path, so an old channel finds nothing.
        let (w, _) = envworld();
        let up = &w.up;
        setenv(up, "/x/a", b"1");
        setenv(up, "/x/b", b"2");
        setenv(up, "/x/c", b"3");
        let old = sysopen(up, "/x/b", OREAD as u32).unwrap() as i32;
        sysremove(up, "/x/b").unwrap();
        assert_eq!(ls(up, "/x"), ["a", "c"]);
        assert_eq!(err(sysremove(up, "/x/b")), "file does not exist: '/x/b'");
        let mut b = [0u8; 8];
        assert_eq!(err(sysread(up, old, &mut b)), "file does not exist");
        setenv(up, "/x/d", b"4");
        assert_eq!(ls(up, "/x"), ["a", "d", "c"], "d takes b's slot");
        assert_eq!(stat(up, "/x/d").qid.path, 4 << 32 | 1);
        assert_eq!(err(sysread(up, old, &mut b)), "file does not exist");
        // The directory itself cannot be removed, nor written.
        assert_eq!(err(sysremove(up, "#e")), "permission denied");
        assert_eq!(err(sysopen(up, "#e", OWRITE as u32)), "permission denied");
        // ORCLOSE removes the variable when it is closed.
        let fd = syscreate(up, "/x/tmp", (ORDWR | ORCLOSE) as u32, 0o666).unwrap() as i32;
        assert!(ls(up, "/x").contains(&"tmp".into()));
        sysclose(up, fd).unwrap();
        assert_eq!(ls(up, "/x"), ["a", "d", "c"]);
        // OTRUNC empties a value and bumps its version.
        let v0 = stat(up, "/x/a").qid.vers;
        let fd = sysopen(up, "/x/a", (OWRITE | OTRUNC) as u32).unwrap() as i32;
        sysclose(up, fd).unwrap();
        assert_eq!(getenv(up, "/x/a").unwrap(), b"");
        assert_eq!(stat(up, "/x/a").qid.vers, v0 + 1);
    }

    #[test]
    fn directory_reads_list_every_variable() {
        // devdirread over envgen: whole entries, resuming where the last
        // read stopped; removed slots are skipped.
        let (w, _) = envworld();
        let up = &w.up;
        let mut want = Vec::new();
        for i in 0..40 {
            let n = format!("var{i}");
            setenv(up, &format!("/x/{n}"), n.as_bytes());
            want.push(n);
        }
        sysremove(up, "/x/var7").unwrap();
        want.retain(|n| n != "var7");
        for size in [80, 100, 1000, 8192] {
            let got: Vec<String> = lsn(up, "#e", size)
                .unwrap()
                .iter()
                .map(|d| d.name.to_string_lossy().into_owned())
                .collect();
            assert_eq!(got, want, "reads of {size}");
        }
        let all = lsn(up, "#e", 8192).unwrap();
        assert!(all.iter().all(|d| d.length == d.name.len() as u64));
    }

    #[test]
    fn rfork_envg_copies_and_cenvg_clears() {
        // env(3)/fork(2): without RFENVG parent and child share the
        // group; RFENVG splits it with a copy; RFCENVG with an empty one.
        let (w, _) = envworld();
        let up = &w.up;
        setenv(up, "/x/a", b"1");
        let shared = rforkgrp(up, RFPROC).unwrap();
        setenv(&shared, "#e/b", b"2");
        assert_eq!(getenv(up, "/x/b").unwrap(), b"2");
        let copy = rforkgrp(up, RFPROC | RFENVG).unwrap();
        assert_eq!(ls(&copy, "#e"), ["a", "b"]);
        assert_eq!(getenv(&copy, "#e/a").unwrap(), b"1");
        setenv(&copy, "#e/a", b"child");
        setenv(&copy, "#e/c", b"3");
        assert_eq!(getenv(up, "/x/a").unwrap(), b"1");
        assert_eq!(ls(up, "#e"), ["a", "b"]);
        setenv(up, "/x/b", b"parent");
        assert_eq!(getenv(&copy, "#e/b").unwrap(), b"2");
        let clear = rforkgrp(up, RFPROC | RFCENVG).unwrap();
        assert!(ls(&clear, "#e").is_empty());
        assert_eq!(ls(up, "#e"), ["a", "b"]);
        // Both at once is Ebadarg (sysrfork).
        assert_eq!(
            rforkgrp(up, RFPROC | RFENVG | RFCENVG).err(),
            Some(Error::Ebadarg)
        );
        // Without RFPROC the caller's own group is replaced.
        let me = rforkgrp(up, RFCENVG).unwrap();
        assert!(ls(&me, "#e").is_empty());
    }

    #[test]
    fn another_groups_variables_are_read_only() {
        // envwritable: a channel opened in a group that is no longer the
        // process's (an inherited descriptor) shows mode 0664 and cannot
        // be opened for writing, created in, or removed from; eve may.
        let (w, _) = envworld();
        let up = &w.up;
        setenv(up, "/x/a", b"1");
        let dirfd = sysopen(up, "#e", OREAD as u32).unwrap() as i32;
        let child = rforkgrp(up, RFPROC | RFENVG).unwrap();
        let mut buf = [0u8; 1024];
        let n = sysread(&child, dirfd, &mut buf).unwrap();
        let d = libc::dirread::dirpackage(&buf[..n]).unwrap();
        assert_eq!(d[0].name, "a");
        assert_eq!(d[0].mode, 0o664, "the parent's group, seen by the child");
        // The configuration group: 0664 and eve's only.
        let mut eve = rforkgrp(up, RFPROC).unwrap();
        eve.user = EVE.into();
        assert_eq!(
            err(syscreate(up, "#ec/x", OWRITE as u32, 0o666)),
            "permission denied: '#ec/x'"
        );
        ksetenv(&eve, "console", "0 b115200", true).unwrap();
        assert_eq!(getenv(up, "#ec/console").unwrap(), b"0 b115200");
        assert_eq!(stat(up, "#ec/console").mode, 0o664);
        assert_eq!(
            err(sysopen(up, "#ec/console", OWRITE as u32)),
            "permission denied: '#ec/console'"
        );
        assert_eq!(err(sysremove(up, "#ec/console")), "permission denied");
        // The configuration group is the same for every process.
        let other = rforkgrp(up, RFPROC | RFCENVG).unwrap();
        assert_eq!(ls(&other, "#ec"), ["console"]);
        assert!(ls(&other, "#e").is_empty());
        // Other specifiers are refused.
        assert_eq!(
            err(sysopen(up, "#ex", OREAD as u32)),
            "bad arg in system call"
        );
    }

    #[test]
    fn getconfenv_packs_names_and_values() {
        // devenv.c's getconfenv: "name\0value\0"... then "\0"; a value
        // is cut at its first NUL.
        let (w, env) = envworld();
        let mut eve = rforkgrp(&w.up, RFPROC).unwrap();
        eve.user = EVE.into();
        ksetenv(&eve, "a", "1", true).unwrap();
        ksetenv(&eve, "bb", "x\0y", true).unwrap();
        assert_eq!(env.getconfenv().unwrap(), b"a\x001\0bb\0x\0\0");
        ksetenv(&eve, "p", "q", false).unwrap();
        assert_eq!(getenv(&w.up, "#e/p").unwrap(), b"q");
    }
}
