//! Devices for the host tests of the name space (chan.rs, dev.rs,
//! pgrp.rs, sysfile.rs); no 9front file.
//!
//! - `#Z` ([`Zdev`]) is a device of one fixed [`Dirtab`] table driven by
//!   dev.c's helpers with `devgen`, as most small 9front devices are.
//! - `#Y` ([`Ydev`]) is an in-memory file tree per attach specifier
//!   (`#Yroot`, `#Y1`, ...: each is a different `dev`), with create,
//!   remove and writes, driven by dev.c's helpers with its own generator.
//!
//! [`world`] builds a device table of the two and a process whose root
//! is `#Yroot`.

extern crate std;

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use libc::dirread::dirpackage;
use libc::fcall::{Dir, Qid, DMDIR, OREAD, OTRUNC, QTDIR, QTFILE};

use crate::chan::{setroot, Chan};
use crate::dev::*;
use crate::portdat::{Up, COPEN, CRCLOSE};
use crate::portfns::host::Host;
use crate::portfns::Sched;
use crate::sysfile::{openmode, sysclose, sysopen, sysread};
use crate::{Error, Result};

pub type H = Host;

/// The host owner of the tests' kernel.
pub const EVE: &str = "bootes";
/// The user the tests' process runs as.
pub const USER: &str = "glenda";

const fn q(path: u64, typ: u8) -> Qid {
    Qid { path, vers: 0, typ }
}

/// `#Z`'s files: entry 0 is the directory itself.
pub const ZTAB: &[Dirtab] = &[
    Dirtab::new(".", q(0, QTDIR), 0, DMDIR | 0o555),
    Dirtab::new("a", q(1, QTFILE), 5, 0o644),
    Dirtab::new("b", q(2, QTFILE), 0, 0o666),
    Dirtab::new("ro", q(3, QTFILE), 0, 0o444),
    Dirtab::new("secret", q(4, QTFILE), 0, 0o600),
    Dirtab::new("dir", q(5, QTDIR), 0, DMDIR | 0o555),
    Dirtab::new("x", q(6, QTFILE), 0, 0o111),
];

/// The `#Z` device.
#[derive(Default)]
pub struct Zdev {
    /// Calls of `close`.
    pub closes: AtomicUsize,
}

impl<S: Sched> Dev<S> for Zdev {
    fn dc(&self) -> char {
        'Z'
    }
    fn name(&self) -> &str {
        "ztest"
    }
    fn attach(&self, up: &Up<S>, spec: &str) -> Result<Chan<S>> {
        devattach(up, 'Z', spec)
    }
    fn walk(&self, up: &Up<S>, c: &Chan<S>, names: &[&str]) -> Result<Walkqid<S>> {
        devwalk(up, c, names, ZTAB, None)
    }
    fn stat(&self, up: &Up<S>, c: &Chan<S>, db: &mut [u8]) -> Result<usize> {
        devstat(up, c, db, ZTAB, None)
    }
    fn open(&self, up: &Up<S>, c: Chan<S>, omode: u32) -> Result<Arc<Chan<S>>> {
        devopen(up, c, omode, ZTAB, None)
    }
    fn close(&self, _c: &mut Chan<S>) {
        self.closes.fetch_add(1, Ordering::SeqCst);
    }
    fn read(&self, up: &Up<S>, c: &Chan<S>, buf: &mut [u8], off: i64) -> Result<usize> {
        if c.qid.typ & QTDIR != 0 {
            return devdirread(up, c, buf, ZTAB, None);
        }
        let data: &[u8] = if c.qid.path == 1 { b"hello" } else { b"" };
        let off = (off as usize).min(data.len());
        let n = buf.len().min(data.len() - off);
        buf[..n].copy_from_slice(&data[off..off + n]);
        Ok(n)
    }
    fn write(&self, _up: &Up<S>, _c: &Chan<S>, buf: &[u8], _off: i64) -> Result<usize> {
        Ok(buf.len())
    }
}

struct Node {
    name: String,
    parent: usize,
    qid: Qid,
    perm: u32,
    uid: String,
    data: Vec<u8>,
    kids: Vec<usize>,
}

struct Tree {
    spec: String,
    nodes: Vec<Node>,
}

impl Tree {
    fn new(spec: &str) -> Tree {
        Tree {
            spec: String::from(spec),
            nodes: alloc::vec![Node {
                name: String::from("/"),
                parent: 0,
                qid: q(0, QTDIR),
                perm: DMDIR | 0o777,
                uid: String::from(USER),
                data: Vec::new(),
                kids: Vec::new(),
            }],
        }
    }

    fn lookup(&self, dir: usize, name: &str) -> Option<usize> {
        self.nodes[dir]
            .kids
            .iter()
            .copied()
            .find(|&k| self.nodes[k].name == name)
    }

    fn add(&mut self, dir: usize, name: &str, perm: u32, uid: &str) -> usize {
        let i = self.nodes.len();
        let typ = if perm & DMDIR != 0 { QTDIR } else { QTFILE };
        self.nodes.push(Node {
            name: String::from(name),
            parent: dir,
            qid: q(i as u64, typ),
            perm,
            uid: String::from(uid),
            data: Vec::new(),
            kids: Vec::new(),
        });
        self.nodes[dir].kids.push(i);
        i
    }
}

/// The `#Y` device: a tree per specifier.
#[derive(Default)]
pub struct Ydev {
    trees: Mutex<Vec<Tree>>,
    /// Calls of `close`.
    pub closes: AtomicUsize,
}

impl Ydev {
    fn tree(&self, spec: &str) -> usize {
        let mut t = self.trees.lock().unwrap();
        match t.iter().position(|t| t.spec == spec) {
            Some(i) => i,
            None => {
                t.push(Tree::new(spec));
                t.len() - 1
            }
        }
    }

    /// Make the file (or, ending in `/`, directory) `path` in the tree of
    /// `spec`, with the directories on the way, holding `data`.
    pub fn mk(&self, spec: &str, path: &str, data: &str) {
        let i = self.tree(spec);
        let mut t = self.trees.lock().unwrap();
        let t = &mut t[i];
        let isdir = path.ends_with('/');
        let elems: Vec<&str> = path.split('/').filter(|e| !e.is_empty()).collect();
        let mut at = 0;
        for (k, e) in elems.iter().enumerate() {
            let last = k == elems.len() - 1;
            at = match t.lookup(at, e) {
                Some(n) => n,
                None => {
                    let perm = if last && !isdir { 0o666 } else { DMDIR | 0o777 };
                    t.add(at, e, perm, USER)
                }
            };
        }
        if !isdir {
            t.nodes[at].data = data.as_bytes().to_vec();
        }
    }

    /// Whether `path` exists in the tree of `spec`.
    pub fn exists(&self, spec: &str, path: &str) -> bool {
        let i = self.tree(spec);
        let t = self.trees.lock().unwrap();
        let mut at = 0;
        for e in path.split('/').filter(|e| !e.is_empty()) {
            match t[i].lookup(at, e) {
                Some(n) => at = n,
                None => return false,
            }
        }
        true
    }

    fn dir<S: Sched>(&self, up: &Up<S>, c: &Chan<S>, t: &Tree, n: usize) -> Dir {
        let nd = &t.nodes[n];
        devdir(
            up,
            c,
            nd.qid,
            &nd.name,
            nd.data.len() as u64,
            &nd.uid,
            nd.perm,
        )
    }

    fn gen<S: Sched>(&self, up: &Up<S>, c: &Chan<S>, i: i32) -> Result<Gen> {
        let trees = self.trees.lock().unwrap();
        let t = &trees[c.dev as usize];
        let n = c.qid.path as usize;
        if i == DEVDOTDOT {
            return Ok(Gen::Entry(self.dir(up, c, t, t.nodes[n].parent)));
        }
        match t.nodes[n].kids.get(i as usize) {
            Some(&k) => Ok(Gen::Entry(self.dir(up, c, t, k))),
            None => Ok(Gen::Done),
        }
    }

    fn removenode(t: &mut Tree, n: usize) {
        let p = t.nodes[n].parent;
        t.nodes[p].kids.retain(|&k| k != n);
    }
}

impl<S: Sched> Dev<S> for Ydev {
    fn dc(&self) -> char {
        'Y'
    }
    fn name(&self) -> &str {
        "ytest"
    }
    fn attach(&self, up: &Up<S>, spec: &str) -> Result<Chan<S>> {
        let mut c = devattach(up, 'Y', spec)?;
        c.dev = self.tree(spec) as u32;
        Ok(c)
    }
    fn walk(&self, up: &Up<S>, c: &Chan<S>, names: &[&str]) -> Result<Walkqid<S>> {
        let g = |up: &Up<S>, c: &Chan<S>, _: Option<&str>, _: &[Dirtab], i: i32| self.gen(up, c, i);
        devwalk(up, c, names, &[], Some(&g))
    }
    fn stat(&self, up: &Up<S>, c: &Chan<S>, db: &mut [u8]) -> Result<usize> {
        let d = {
            let trees = self.trees.lock().unwrap();
            self.dir(up, c, &trees[c.dev as usize], c.qid.path as usize)
        };
        Ok(libc::convd2m::convD2M(&d, db) as usize)
    }
    fn open(&self, up: &Up<S>, mut c: Chan<S>, omode: u32) -> Result<Arc<Chan<S>>> {
        {
            let mut trees = self.trees.lock().unwrap();
            let nd = &mut trees[c.dev as usize].nodes[c.qid.path as usize];
            devpermcheck(up, &nd.uid, nd.perm, omode)?;
            if nd.perm & DMDIR != 0 && omode != OREAD as u32 {
                return Err(Error::Eperm);
            }
            if omode & OTRUNC as u32 != 0 {
                nd.data.clear();
            }
        }
        c.mode = openmode(omode)?;
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
        perm: u32,
    ) -> Result<Chan<S>> {
        let mut trees = self.trees.lock().unwrap();
        let t = &mut trees[c.dev as usize];
        let dir = c.qid.path as usize;
        let d = &t.nodes[dir];
        if d.perm & DMDIR == 0 {
            return Err(Error::Enotdir);
        }
        devpermcheck(up, &d.uid, d.perm, 1)?;
        if t.lookup(dir, name).is_some() {
            return Err(Error::Eexist);
        }
        let n = t.add(dir, name, perm, &up.user);
        c.qid = t.nodes[n].qid;
        c.mode = openmode(omode)?;
        c.setflag(COPEN);
        Ok(c)
    }
    fn close(&self, c: &mut Chan<S>) {
        self.closes.fetch_add(1, Ordering::SeqCst);
        if c.flag() & (COPEN | CRCLOSE) == COPEN | CRCLOSE {
            let mut trees = self.trees.lock().unwrap();
            Self::removenode(&mut trees[c.dev as usize], c.qid.path as usize);
        }
    }
    fn read(&self, up: &Up<S>, c: &Chan<S>, buf: &mut [u8], off: i64) -> Result<usize> {
        if c.qid.typ & QTDIR != 0 {
            let g =
                |up: &Up<S>, c: &Chan<S>, _: Option<&str>, _: &[Dirtab], i: i32| self.gen(up, c, i);
            return devdirread(up, c, buf, &[], Some(&g));
        }
        let trees = self.trees.lock().unwrap();
        let data = &trees[c.dev as usize].nodes[c.qid.path as usize].data;
        let off = (off as usize).min(data.len());
        let n = buf.len().min(data.len() - off);
        buf[..n].copy_from_slice(&data[off..off + n]);
        Ok(n)
    }
    fn write(&self, _up: &Up<S>, c: &Chan<S>, buf: &[u8], off: i64) -> Result<usize> {
        let mut trees = self.trees.lock().unwrap();
        let nd = &mut trees[c.dev as usize].nodes[c.qid.path as usize];
        let off = off as usize;
        if nd.data.len() < off + buf.len() {
            nd.data.resize(off + buf.len(), 0);
        }
        nd.data[off..off + buf.len()].copy_from_slice(buf);
        nd.qid.vers += 1;
        Ok(buf.len())
    }
    fn remove(&self, up: &Up<S>, c: &mut Chan<S>) -> Result<()> {
        let mut trees = self.trees.lock().unwrap();
        let t = &mut trees[c.dev as usize];
        let n = c.qid.path as usize;
        if n == 0 {
            return Err(Error::Eperm);
        }
        if !t.nodes[n].kids.is_empty() {
            return Err(Error::Msg(String::from("directory not empty")));
        }
        let p = &t.nodes[t.nodes[n].parent];
        devpermcheck(up, &p.uid, p.perm, 1)?;
        Self::removenode(t, n);
        Ok(())
    }
}

/// A kernel of `#Y` and `#Z`, and a process in it.
pub struct World {
    pub y: Arc<Ydev>,
    pub z: Arc<Zdev>,
    pub up: Up<H>,
}

/// A process as [`USER`] whose root is `#Yroot`, holding `/a` (files
/// `x` = "a", `a1`), `/b` (`x` = "b", `b1`), `/c` (`c1`), `/d` (`d1`),
/// `/x` and `/y` (empty), `/sub` (`s/deep`), and `/f`, a file.
pub fn world() -> World {
    let y = Arc::new(Ydev::default());
    let z = Arc::new(Zdev::default());
    y.mk("root", "a/x", "a");
    y.mk("root", "a/a1", "");
    y.mk("root", "b/x", "b");
    y.mk("root", "b/b1", "");
    y.mk("root", "c/c1", "");
    y.mk("root", "d/d1", "");
    y.mk("root", "x/", "");
    y.mk("root", "y/", "");
    y.mk("root", "sub/s/deep", "deep");
    y.mk("root", "f", "file");
    let devs: Vec<Arc<dyn Dev<H>>> = alloc::vec![y.clone(), z.clone()];
    let dt = Devtab::new(EVE, devs).unwrap();
    let mut up = Up::new(Arc::new(dt), USER);
    setroot(&mut up, "#Yroot").unwrap();
    World { y, z, up }
}

/// The error string of a result.
pub fn err<T: core::fmt::Debug>(r: Result<T>) -> String {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => String::from(e.as_str()),
    }
}

/// The entries of the directory `name`, read with reads of `bufsize`.
pub fn lsn(up: &Up<H>, name: &str, bufsize: usize) -> Result<Vec<Dir>> {
    let fd = sysopen(up, name, OREAD as u32)? as i32;
    let mut buf = alloc::vec![0u8; bufsize];
    let mut all = Vec::new();
    loop {
        let n = sysread(up, fd, &mut buf)?;
        if n == 0 {
            break;
        }
        all.extend(dirpackage(&buf[..n]).map_err(|_| Error::Ebadstat)?);
    }
    sysclose(up, fd)?;
    Ok(all)
}

/// The names in the directory `name`, in the order read.
pub fn ls(up: &Up<H>, name: &str) -> Vec<String> {
    lsn(up, name, 8192)
        .unwrap()
        .into_iter()
        .map(|d| d.name.to_string_lossy().into_owned())
        .collect()
}

/// The contents of the file `name`.
pub fn cat(up: &Up<H>, name: &str) -> Result<String> {
    let fd = sysopen(up, name, OREAD as u32)? as i32;
    let mut buf = alloc::vec![0u8; 8192];
    let n = sysread(up, fd, &mut buf)?;
    sysclose(up, fd)?;
    Ok(String::from_utf8_lossy(&buf[..n]).into_owned())
}
