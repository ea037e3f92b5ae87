//! The service registry `#s`: a port of 9front's `port/devsrv.c`.
//!
//! `#s` is a tree of boards on which processes post open channels. A
//! create makes an entry; one write of a descriptor number into it
//! (parsed as `strtoul` with base 0) posts that descriptor's channel; an
//! open of the entry gives the posted channel itself, if the open mode
//! agrees with the channel's and the entry's permissions allow it; a
//! remove unposts it (the owner or eve only). A second write to an entry
//! is `Ebadusefd`. Entries list with their owner and permissions;
//! a wstat changes the name, owner or permissions (owner or eve only).
//!
//! Boards ("srv boards", 9front's sub-directories): every board has a
//! `clone` file; opening it makes a new board in the board, named by a
//! number, and gives a lease channel that reads as that number. When the
//! lease is closed the board is closed: its posted channels are let go,
//! opening or posting in it fails (`Eshutdown`), and once nothing refers
//! to it, nor to a board below it, it disappears. Boards are walked into
//! with search (exec) permission, and can be reached from the root
//! (`#s/1/2/...`) as well as by a bind.
//!
//! Qid paths are 9front's: a counter shared by boards and entries
//! shifted left two bits, with the kind (entry or board 0, `clone` 1,
//! lease 2) in the low ones.
//!
//! What differs from 9front:
//!
//! - The registry belongs to the device value ([`DevSrv`]), made once by
//!   the kernel with the host owner's name, who owns the root board.
//! - Boards are kept in a map by their path number, with each board's
//!   entries and children newest first as 9front's lists are; a board's
//!   reference count is kept by hand as 9front's is (a channel on a board
//!   holds one), since a board may live on with no references while it
//!   has children. A closed board that goes is unlinked from its parent,
//!   and so, up the tree, is every closed parent left without children
//!   or references (9front frees such a parent even if still referenced).
//! - `Chan.srvname` cannot be set on a shared channel: the name an entry
//!   was posted under is kept in the entry, and [`DevSrv::srvname`] finds
//!   it for a channel still posted.
//! - The channels of a closed board are dropped when the lease closes,
//!   not handed to the close queue (`ccloseq`).
//! - `close` of an `ORCLOSE` entry removes it without the owner check,
//!   which 9front's comment says always passes (it has no current process
//!   here).

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::any::Any;

use libc::convd2m::convD2M;
use libc::fcall::{
    Dir, Qid, DMDIR, OEXEC, ORCLOSE, ORDWR, OREAD, OTRUNC, OWRITE, QTAUTH, QTDIR, QTFILE,
};

use crate::chan::Chan;
use crate::dev::{
    devattach, devclone, devdir, devdirread, devpermcheck, devstat, isdir, Dev, Dirtab, Gen,
    Walkqid, DEVDOTDOT,
};
use crate::portdat::{Up, COPEN, CRCLOSE};
use crate::portfns::{ILock, Sched};
use crate::qlock::RWlock;
use crate::sysfile::openmode;
use crate::{Error, Result};

/// The kind of a qid: an entry or a board.
const QSRV: u64 = 0;
/// A board's `clone` file.
const QCLONE: u64 = 1;
/// The lease of a board made by opening `clone`.
const QLEASE: u64 = 2;

/// The size of `up->genbuf`: names must be shorter.
const GENBUF: usize = 128;

const CLONE: &str = "clone";

fn srvtype(p: u64) -> u64 {
    p & 3
}

fn srvpath(p: u64) -> u32 {
    (p >> 2) as u32
}

fn srvqid(x: u32, t: u64) -> u64 {
    (x as u64) << 2 | (t & 3)
}

/// A posted entry (9front's `Srv`).
struct Srv<S: Sched> {
    name: String,
    owner: String,
    perm: u32,
    path: u32,
    chan: Option<Arc<Chan<S>>>,
    /// The name the channel was posted by (9front's `c->srvname`).
    postname: String,
}

/// A board (9front's `Board`).
struct Board<S: Sched> {
    name: String,
    owner: String,
    perm: u32,
    path: u32,
    /// Channels on this board (the root's is not counted).
    refs: u32,
    closed: bool,
    /// Entries, oldest first (listed newest first).
    srv: Vec<Srv<S>>,
    /// Child boards by path, oldest first (listed newest first).
    child: Vec<u32>,
    parent: Option<u32>,
}

struct State<S: Sched> {
    boards: BTreeMap<u32, Board<S>>,
    /// The path counter (`srvpath`).
    srvpath: u32,
}

/// The board a channel is on (its `aux`).
struct BoardRef(u32);

/// The root board's path.
const ROOT: u32 = 0;

impl<S: Sched> State<S> {
    fn board(&self, b: u32) -> Result<&Board<S>> {
        self.boards.get(&b).ok_or(Error::Eshutdown)
    }

    fn board_mut(&mut self, b: u32) -> Result<&mut Board<S>> {
        self.boards.get_mut(&b).ok_or(Error::Eshutdown)
    }

    /// `lookup` by name among a board's entries and children.
    fn taken(&self, b: &Board<S>, name: &str) -> bool {
        b.srv.iter().any(|s| s.name == name)
            || b.child
                .iter()
                .any(|c| self.boards.get(c).is_some_and(|c| c.name == name))
    }

    fn child_named(&self, b: &Board<S>, name: &str) -> Option<u32> {
        b.child
            .iter()
            .rev()
            .copied()
            .find(|c| self.boards.get(c).is_some_and(|c| c.name == name))
    }

    /// `boardclunk`: let go of a reference to `b`; a closed board with no
    /// references and no children goes, and with it any closed parent
    /// left the same way.
    fn clunk(&mut self, b: u32) {
        if b == ROOT {
            return;
        }
        let Some(bd) = self.boards.get_mut(&b) else {
            return;
        };
        bd.refs = bd.refs.saturating_sub(1);
        if bd.refs > 0 {
            return;
        }
        let mut b = b;
        loop {
            let Some(bd) = self.boards.get(&b) else {
                return;
            };
            if b == ROOT || !bd.closed || !bd.child.is_empty() || bd.refs > 0 {
                return;
            }
            let parent = bd.parent.unwrap_or(ROOT);
            self.boards.remove(&b);
            if let Some(p) = self.boards.get_mut(&parent) {
                p.child.retain(|&c| c != b);
            }
            b = parent;
        }
    }
}

/// The service registry, `#s`.
pub struct DevSrv<S: Sched> {
    /// `srvlk`: orders readers and writers of the registry.
    lk: RWlock<S>,
    st: S::Lock<State<S>>,
}

impl<S: Sched> DevSrv<S> {
    /// The registry, with an empty root board `#s` of mode 0777 owned by
    /// `eve` (9front's `srvinit`).
    pub fn new(eve: &str) -> DevSrv<S> {
        let mut boards = BTreeMap::new();
        boards.insert(
            ROOT,
            Board {
                name: String::from("#s"),
                owner: String::from(eve),
                perm: 0o777,
                path: ROOT,
                refs: 0,
                closed: false,
                srv: Vec::new(),
                child: Vec::new(),
                parent: None,
            },
        );
        DevSrv {
            lk: RWlock::new(),
            st: S::Lock::new(State {
                boards,
                srvpath: ROOT + 1,
            }),
        }
    }

    /// The name under which `c` is posted (9front's `c->srvname`), if it
    /// is posted.
    pub fn srvname(&self, c: &Chan<S>) -> Option<String> {
        let st = self.st.ilock();
        st.boards.values().find_map(|b| {
            b.srv.iter().find_map(|s| match &s.chan {
                Some(p) if core::ptr::eq(Arc::as_ptr(p), c) => Some(s.postname.clone()),
                _ => None,
            })
        })
    }

    /// `srvrenameuser`: what `old` owned, `new` owns.
    pub fn srvrenameuser(&self, old: &str, new: &str) -> Result<()> {
        let _w = self.lk.wlock()?;
        let mut st = self.st.ilock();
        for b in st.boards.values_mut() {
            if b.owner == old {
                b.owner = String::from(new);
            }
            for s in b.srv.iter_mut().filter(|s| s.owner == old) {
                s.owner = String::from(new);
            }
        }
        Ok(())
    }

    fn boardof(c: &Chan<S>) -> u32 {
        c.aux
            .as_ref()
            .and_then(|a| a.downcast_ref::<BoardRef>())
            .map_or(ROOT, |b| b.0)
    }

    fn setboard(c: &mut Chan<S>, b: u32) {
        c.aux = Some(Arc::new(BoardRef(b)) as Arc<dyn Any + Send + Sync>);
    }

    fn boarddir(up: &Up<S>, c: &Chan<S>, b: &Board<S>) -> Dir {
        let q = Qid {
            path: srvqid(b.path, QSRV),
            vers: 0,
            typ: QTDIR,
        };
        devdir(up, c, q, &b.name, 0, &b.owner, b.perm | DMDIR)
    }

    /// `srvgen`: the entries of the board `c` is on: `clone`, then the
    /// posted entries, then the boards, newest first.
    fn gen(&self, up: &Up<S>, c: &Chan<S>, s: i32) -> Result<Gen> {
        let _r = self.lk.rlock()?;
        let st = self.st.ilock();
        let b = st.board(Self::boardof(c))?;
        if s == DEVDOTDOT {
            let p = st.board(b.parent.unwrap_or(ROOT))?;
            return Ok(Gen::Entry(Self::boarddir(up, c, p)));
        }
        let Ok(s) = usize::try_from(s) else {
            return Ok(Gen::Done);
        };
        if s == 0 {
            let q = Qid {
                path: srvqid(srvpath(c.qid.path), QCLONE),
                vers: 0,
                typ: QTFILE,
            };
            return Ok(Gen::Entry(devdir(
                up,
                c,
                q,
                CLONE,
                0,
                &up.devtab.eve,
                0o444,
            )));
        }
        let s = s - 1;
        if s < b.srv.len() {
            let sp = &b.srv[b.srv.len() - 1 - s];
            let q = Qid {
                path: srvqid(sp.path, QSRV),
                vers: 0,
                typ: QTFILE,
            };
            return Ok(Gen::Entry(devdir(
                up, c, q, &sp.name, 0, &sp.owner, sp.perm,
            )));
        }
        let s = s - b.srv.len();
        if s < b.child.len() {
            let ch = st.board(b.child[b.child.len() - 1 - s])?;
            return Ok(Gen::Entry(Self::boarddir(up, c, ch)));
        }
        Ok(Gen::Done)
    }

    /// `srvremove`'s work, with or without the owner check; the board's
    /// reference is let go either way.
    fn removeentry(&self, up: Option<&Up<S>>, c: &Chan<S>) -> Result<()> {
        let b = Self::boardof(c);
        let w = self.lk.wlock()?;
        let mut st = self.st.ilock();
        let r = (|| {
            if c.qid.typ == QTDIR {
                return Err(Error::Eperm);
            }
            if matches!(srvtype(c.qid.path), QLEASE | QCLONE) {
                return Err(Error::Eperm);
            }
            let path = srvpath(c.qid.path);
            let bd = st.board_mut(b).map_err(|_| Error::Enonexist)?;
            let i = bd
                .srv
                .iter()
                .position(|s| s.path == path)
                .ok_or(Error::Enonexist)?;
            if let Some(up) = up {
                if bd.srv[i].owner != up.user && up.user != up.devtab.eve {
                    return Err(Error::Eperm);
                }
            }
            Ok(bd.srv.remove(i))
        })();
        st.clunk(b);
        drop(st);
        drop(w);
        r.map(drop)
    }
}

/// `strtoul(s, 0, 0)` as the kernel's: leading blanks, a sign, then a
/// number in base 16 (`0x`), 8 (`0`) or 10, as far as it goes; an
/// overflow gives `ULONG_MAX`. 9front's `ulong` has 32 bits.
fn strtoul(s: &[u8]) -> u32 {
    let s = match s.iter().position(|&b| b == 0) {
        Some(z) => &s[..z],
        None => s,
    };
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        i += 1;
    }
    let mut neg = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        neg = s[i] == b'-';
        i += 1;
    }
    let mut base = 10u64;
    if i < s.len() && s[i] == b'0' {
        base = 8;
        if matches!(s.get(i + 1), Some(b'x' | b'X')) {
            base = 16;
            if s.get(i + 2).is_some_and(|c| c.is_ascii_hexdigit()) {
                i += 2;
            }
        }
    }
    let mut n: u64 = 0;
    let mut over = false;
    while i < s.len() {
        let d = match s[i] {
            c @ b'0'..=b'9' => (c - b'0') as u64,
            c @ b'a'..=b'z' => (c - b'a') as u64 + 10,
            c @ b'A'..=b'Z' => (c - b'A') as u64 + 10,
            _ => break,
        };
        if d >= base {
            break;
        }
        n = n * base + d;
        if n > u32::MAX as u64 {
            over = true;
            n = u32::MAX as u64;
        }
        i += 1;
    }
    if over {
        return u32::MAX;
    }
    let n = n as u32;
    if neg {
        n.wrapping_neg()
    } else {
        n
    }
}

/// `readstr`: read the string `s` at `off`.
fn readstr(off: i64, buf: &mut [u8], s: &str) -> usize {
    let s = s.as_bytes();
    let Ok(off) = usize::try_from(off) else {
        return 0;
    };
    if off >= s.len() {
        return 0;
    }
    let n = buf.len().min(s.len() - off);
    buf[..n].copy_from_slice(&s[off..off + n]);
    n
}

impl<S: Sched> Dev<S> for DevSrv<S> {
    fn dc(&self) -> char {
        's'
    }

    fn name(&self) -> &str {
        "srv"
    }

    fn attach(&self, up: &Up<S>, spec: &str) -> Result<Chan<S>> {
        let mut c = devattach(up, 's', spec)?;
        Self::setboard(&mut c, ROOT);
        Ok(c)
    }

    /// `srvwalk`: devwalk with srvgen, which moves the channel to each
    /// board it enters (with search permission).
    fn walk(&self, up: &Up<S>, c: &Chan<S>, names: &[&str]) -> Result<Walkqid<S>> {
        if !names.is_empty() {
            isdir(c)?;
        }
        let mut nc = devclone(c)?;
        nc.forget();
        let mut b = Self::boardof(c);
        let mut qids = Vec::with_capacity(names.len());
        for (j, &n) in names.iter().enumerate() {
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
            let next = {
                let _r = self.lk.rlock()?;
                let st = self.st.ilock();
                let bd = st.board(b)?;
                if n == ".." {
                    let p = bd.parent.unwrap_or(ROOT);
                    let pb = st.board(p)?;
                    devpermcheck(up, &pb.owner, pb.perm, OEXEC as u32)?;
                    Some((Some(p), srvqid(p, QSRV), QTDIR))
                } else if n.len() >= GENBUF {
                    None
                } else if n == CLONE {
                    Some((None, srvqid(srvpath(nc.qid.path), QCLONE), QTFILE))
                } else if let Some(sp) = bd.srv.iter().rev().find(|s| s.name == n) {
                    Some((None, srvqid(sp.path, QSRV), QTFILE))
                } else if let Some(ch) = st.child_named(bd, n) {
                    let cb = st.board(ch)?;
                    devpermcheck(up, &cb.owner, cb.perm, OEXEC as u32)?;
                    Some((Some(ch), srvqid(ch, QSRV), QTDIR))
                } else {
                    None
                }
            };
            match next {
                Some((nb, path, typ)) => {
                    if let Some(nb) = nb {
                        b = nb;
                    }
                    nc.qid = Qid { path, vers: 0, typ };
                    qids.push(nc.qid);
                }
                None => {
                    if j == 0 {
                        return Err(Error::Enonexist);
                    }
                    break;
                }
            }
        }
        if qids.len() < names.len() {
            return Ok(Walkqid {
                clone: None,
                qid: qids,
            });
        }
        Self::setboard(&mut nc, b);
        {
            let mut st = self.st.ilock();
            if b != ROOT {
                st.board_mut(b)?.refs += 1;
            }
        }
        nc.set_devp(c.devp_opt());
        Ok(Walkqid {
            clone: Some(nc),
            qid: qids,
        })
    }

    fn stat(&self, up: &Up<S>, c: &Chan<S>, db: &mut [u8]) -> Result<usize> {
        // devstat makes up a directory's entry; a board's is its own.
        if c.qid.typ == QTDIR {
            let d = {
                let _r = self.lk.rlock()?;
                let st = self.st.ilock();
                Self::boarddir(up, c, st.board(Self::boardof(c))?)
            };
            let n = convD2M(&d, db) as usize;
            if n == 0 {
                return Err(Error::Ebadarg);
            }
            return Ok(n);
        }
        let g = |up: &Up<S>, c: &Chan<S>, _: Option<&str>, _: &[Dirtab], i: i32| self.gen(up, c, i);
        devstat(up, c, db, &[], Some(&g))
    }

    fn open(&self, up: &Up<S>, mut c: Chan<S>, omode: u32) -> Result<Arc<Chan<S>>> {
        if omode & OTRUNC as u32 != 0 {
            return Err(Error::Eexist);
        }
        if omode & ORCLOSE as u32 != 0 {
            return Err(Error::Eperm);
        }
        let mode = openmode(omode)?;
        let b = Self::boardof(&c);
        if srvtype(c.qid.path) == QCLONE {
            let _w = self.lk.wlock()?;
            let mut st = self.st.ilock();
            if st.board(b)?.closed {
                return Err(Error::Eshutdown);
            }
            let mut path;
            loop {
                path = st.srvpath;
                st.srvpath = st.srvpath.wrapping_add(1);
                let name = format!("{path}");
                if !st.board(b)?.srv.iter().any(|s| s.name == name) {
                    break;
                }
            }
            st.boards.insert(
                path,
                Board {
                    name: format!("{path}"),
                    owner: up.user.clone(),
                    perm: 0o770,
                    path,
                    refs: 1,
                    closed: false,
                    srv: Vec::new(),
                    child: Vec::new(),
                    parent: Some(b),
                },
            );
            st.board_mut(b)?.child.push(path);
            st.clunk(b);
            drop(st);
            Self::setboard(&mut c, path);
            c.qid.path = srvqid(path, QLEASE);
            c.mode = mode;
            return Ok(Arc::new(c));
        }
        let nc = {
            let _r = self.lk.rlock()?;
            let st = self.st.ilock();
            let bd = st.board(b)?;
            if c.qid.typ == QTDIR {
                if omode != OREAD as u32 {
                    return Err(Error::Eisdir);
                }
                devpermcheck(up, &bd.owner, bd.perm, omode)?;
                drop(st);
                c.mode = mode;
                c.setflag(COPEN);
                c.set_offset(0);
                return Ok(Arc::new(c));
            }
            if bd.closed {
                return Err(Error::Eshutdown);
            }
            let path = srvpath(c.qid.path);
            let sp = bd
                .srv
                .iter()
                .find(|s| s.path == path)
                .ok_or(Error::Eshutdown)?;
            let nc = sp.chan.clone().ok_or(Error::Eshutdown)?;
            if mode != nc.mode && nc.mode != ORDWR {
                drop(st);
                drop(nc);
                return Err(Error::Eperm);
            }
            if let Err(e) = devpermcheck(up, &sp.owner, sp.perm, omode) {
                drop(st);
                drop(nc);
                return Err(e);
            }
            nc
        };
        // c is closed as it is dropped, letting go of its board.
        drop(c);
        Ok(nc)
    }

    fn create(
        &self,
        up: &Up<S>,
        mut c: Chan<S>,
        name: &str,
        omode: u32,
        perm: u32,
    ) -> Result<Chan<S>> {
        if openmode(omode)? != OWRITE {
            return Err(Error::Eperm);
        }
        if name.len() >= GENBUF {
            return Err(Error::Etoolong);
        }
        if name == CLONE {
            return Err(Error::Eexist);
        }
        let b = Self::boardof(&c);
        let path = {
            let _w = self.lk.wlock()?;
            let mut st = self.st.ilock();
            let bd = st.board(b)?;
            if bd.closed {
                return Err(Error::Eshutdown);
            }
            devpermcheck(up, &bd.owner, bd.perm, OWRITE as u32)?;
            if st.taken(bd, name) {
                return Err(Error::Eexist);
            }
            let path = st.srvpath;
            st.srvpath = st.srvpath.wrapping_add(1);
            st.board_mut(b)?.srv.push(Srv {
                name: String::from(name),
                owner: up.user.clone(),
                perm: perm & 0o777,
                path,
                chan: None,
                postname: String::new(),
            });
            path
        };
        c.qid = Qid {
            path: srvqid(path, QSRV),
            vers: 0,
            typ: QTFILE,
        };
        c.setflag(COPEN);
        c.mode = OWRITE;
        Ok(c)
    }

    fn remove(&self, up: &Up<S>, c: &mut Chan<S>) -> Result<()> {
        self.removeentry(Some(up), c)
    }

    fn wstat(&self, up: &Up<S>, c: &Chan<S>, dp: &[u8]) -> Result<usize> {
        if matches!(srvtype(c.qid.path), QLEASE | QCLONE) {
            return Err(Error::Eperm);
        }
        let b = Self::boardof(c);
        if c.qid.typ == QTDIR && b == ROOT {
            return Err(Error::Eperm);
        }
        let d = Dir::decode(dp).map_err(|_| Error::Eshortstat)?;
        let _w = self.lk.wlock()?;
        let mut st = self.st.ilock();
        let bd = st.board(b).map_err(|_| Error::Enonexist)?;
        if bd.closed {
            return Err(Error::Eshutdown);
        }
        let isdir = c.qid.typ == QTDIR;
        let path = srvpath(c.qid.path);
        let (lname, lowner) = if isdir {
            (bd.name.clone(), bd.owner.clone())
        } else {
            let sp = bd
                .srv
                .iter()
                .find(|s| s.path == path)
                .ok_or(Error::Enonexist)?;
            (sp.name.clone(), sp.owner.clone())
        };
        if lowner != up.user && up.user != up.devtab.eve {
            return Err(Error::Eperm);
        }
        let newname = d.name.to_string_lossy().into_owned();
        let rename = !newname.is_empty() && newname != lname;
        if rename {
            if newname.contains('/') {
                return Err(Error::Ebadchar);
            }
            if newname.len() >= GENBUF {
                return Err(Error::Etoolong);
            }
            if newname == CLONE {
                return Err(Error::Eexist);
            }
            let s = if isdir { bd.parent.unwrap_or(ROOT) } else { b };
            let sb = st.board(s)?;
            if st.taken(sb, &newname) {
                return Err(Error::Eexist);
            }
        }
        let uid = d.uid.to_string_lossy().into_owned();
        let bd = st.board_mut(b)?;
        let (name, owner, perm) = if isdir {
            (&mut bd.name, &mut bd.owner, &mut bd.perm)
        } else {
            let sp = bd
                .srv
                .iter_mut()
                .find(|s| s.path == path)
                .ok_or(Error::Enonexist)?;
            (&mut sp.name, &mut sp.owner, &mut sp.perm)
        };
        if rename {
            *name = newname;
        }
        if !uid.is_empty() {
            *owner = uid;
        }
        if d.mode != !0u32 {
            *perm = d.mode & 0o777;
        }
        Ok(dp.len())
    }

    fn close(&self, c: &mut Chan<S>) {
        if c.flag() & CRCLOSE != 0 && srvtype(c.qid.path) != QLEASE {
            let _ = self.removeentry(None, c);
            return;
        }
        let b = Self::boardof(c);
        if b == ROOT {
            return;
        }
        // close cannot fail: wait for the lock through notes.
        let w = loop {
            if let Ok(w) = self.lk.wlock() {
                break w;
            }
        };
        let mut st = self.st.ilock();
        if srvtype(c.qid.path) != QLEASE {
            st.clunk(b);
            return;
        }
        let srv = match st.boards.get_mut(&b) {
            Some(bd) => {
                bd.closed = true;
                core::mem::take(&mut bd.srv)
            }
            None => Vec::new(),
        };
        st.clunk(b);
        drop(st);
        drop(w);
        drop(srv);
    }

    fn read(&self, up: &Up<S>, c: &Chan<S>, buf: &mut [u8], off: i64) -> Result<usize> {
        if srvtype(c.qid.path) == QLEASE {
            let _r = self.lk.rlock()?;
            let name = self.st.ilock().board(Self::boardof(c))?.name.clone();
            return Ok(readstr(off, buf, &name));
        }
        isdir(c)?;
        let g = |up: &Up<S>, c: &Chan<S>, _: Option<&str>, _: &[Dirtab], i: i32| self.gen(up, c, i);
        devdirread(up, c, buf, &[], Some(&g))
    }

    fn write(&self, up: &Up<S>, c: &Chan<S>, buf: &[u8], _off: i64) -> Result<usize> {
        if srvtype(c.qid.path) == QLEASE {
            return Err(Error::Eperm);
        }
        if buf.len() >= 32 {
            return Err(Error::Etoobig);
        }
        let fd = strtoul(buf) as i32;
        let c1 = up.fgrp.fdtochan(fd, None, false)?;
        let b = Self::boardof(c);
        let w = self.lk.wlock()?;
        let mut st = self.st.ilock();
        let r = (|| {
            let bd = st.board_mut(b)?;
            if bd.closed {
                return Err(Error::Eshutdown);
            }
            if c1.qid.typ & QTAUTH != 0 {
                return Err(Error::Msg(String::from("cannot post auth file in srv")));
            }
            let path = srvpath(c.qid.path);
            let sp = bd
                .srv
                .iter_mut()
                .find(|s| s.path == path)
                .ok_or(Error::Enonexist)?;
            if sp.chan.is_some() {
                return Err(Error::Ebadusefd);
            }
            sp.chan = Some(c1.clone());
            sp.postname = c.path.s.clone();
            Ok(buf.len())
        })();
        drop(st);
        drop(w);
        drop(c1);
        r
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use crate::chan::setroot;
    use crate::dev::Devtab;
    use crate::pgrp::rforkgrp;
    use crate::portdat::{rfork::RFPROC, MCREATE, MREPL};
    use crate::sysfile::*;
    use crate::testdev::*;
    use libc::fcall::OEXEC;

    /// world() with #s in the device table, bound on /x with -c.
    fn srvworld() -> (World, Arc<DevSrv<H>>) {
        let mut w = world();
        let srv = Arc::new(DevSrv::new(EVE));
        let devs: Vec<Arc<dyn Dev<H>>> = alloc::vec![w.y.clone(), w.z.clone(), srv.clone()];
        let mut up = Up::new(Arc::new(Devtab::new(EVE, devs).unwrap()), USER);
        setroot(&mut up, "#Yroot").unwrap();
        sysbind(&up, "#s", "/x", MREPL | MCREATE).unwrap();
        w.up = up;
        (w, srv)
    }

    /// Post `fd` as `name`, as srv(3)'s example does.
    fn post(up: &Up<H>, name: &str, fd: usize) -> Result<()> {
        let s = syscreate(up, name, OWRITE as u32, 0o666)? as i32;
        let r = syswrite(up, s, format!("{fd}").as_bytes());
        sysclose(up, s)?;
        r.map(drop)
    }

    /// Read from the start: a posted channel's offset is shared by all
    /// who open it.
    fn rd(up: &Up<H>, fd: usize) -> Result<String> {
        let mut b = [0u8; 256];
        let n = syspread(up, fd as i32, &mut b, 0)?;
        Ok(String::from_utf8_lossy(&b[..n]).into_owned())
    }

    fn entries(up: &Up<H>, dir: &str) -> Vec<(String, String, u32)> {
        lsn(up, dir, 4096)
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d.name.to_string_lossy().into_owned(),
                    d.uid.to_string_lossy().into_owned(),
                    d.mode,
                )
            })
            .collect()
    }

    #[test]
    fn posting_and_opening_give_the_same_channel() {
        // srv(3): create a file and write a descriptor number into it;
        // an open of the file gives that open file again.
        let (w, srv) = srvworld();
        let up = &w.up;
        let f = sysopen(up, "/f", ORDWR as u32).unwrap();
        post(up, "/x/myserv", f).unwrap();
        let g = sysopen(up, "/x/myserv", ORDWR as u32).unwrap();
        let a = up.fgrp.fdtochan(f as i32, None, false).unwrap();
        let b = up.fgrp.fdtochan(g as i32, None, false).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(rd(up, g).unwrap(), "file");
        assert_eq!(sysfd2path(up, g as i32).unwrap(), "/f");
        assert_eq!(srv.srvname(&a).unwrap(), "/x/myserv");
        drop((a, b));
        // The entry holds the channel when no descriptor does.
        sysclose(up, f as i32).unwrap();
        sysclose(up, g as i32).unwrap();
        let before = w.y.closes.load(core::sync::atomic::Ordering::SeqCst);
        let g = sysopen(up, "#s/myserv", OREAD as u32).unwrap();
        assert_eq!(rd(up, g).unwrap(), "file");
        sysclose(up, g as i32).unwrap();
        assert_eq!(
            w.y.closes.load(core::sync::atomic::Ordering::SeqCst),
            before
        );
        // Removing the entry lets it go.
        sysremove(up, "/x/myserv").unwrap();
        assert_eq!(
            w.y.closes.load(core::sync::atomic::Ordering::SeqCst),
            before + 1
        );
        assert!(entries(up, "/x").iter().all(|e| e.0 != "myserv"));
        assert_eq!(
            err(sysopen(up, "/x/myserv", OREAD as u32)),
            "file does not exist: '/x/myserv'"
        );
    }

    #[test]
    fn posting_errors_are_9fronts() {
        // devsrv.c's srvwrite: the number is strtoul's; a descriptor
        // that is not open is Ebadfd; a second post is Ebadusefd; 32
        // bytes or more is Etoobig. srvcreate: OWRITE only, names in use
        // or "clone" are Eexist.
        let (w, _) = srvworld();
        let up = &w.up;
        let f = sysopen(up, "/f", OREAD as u32).unwrap();
        assert_eq!(f, 0);
        let s = syscreate(up, "/x/a", OWRITE as u32, 0o666).unwrap() as i32;
        assert_eq!(err(syswrite(up, s, b"7")), "fd out of range or not open");
        assert_eq!(err(syswrite(up, s, b"-1")), "fd out of range or not open");
        assert_eq!(
            err(syswrite(up, s, b"99999999999")),
            "fd out of range or not open"
        );
        assert_eq!(err(syswrite(up, s, &[b'0'; 32])), "read or write too large");
        // Junk parses as 0, which is open.
        assert_eq!(syswrite(up, s, b"junk").unwrap(), 4);
        assert_eq!(err(syswrite(up, s, b"0")), "inappropriate use of fd");
        sysclose(up, s).unwrap();
        // " 0x0" and "00": strtoul's bases.
        assert_eq!(strtoul(b" 0x1f"), 31);
        assert_eq!(strtoul(b"010"), 8);
        assert_eq!(strtoul(b"12abc"), 12);
        assert_eq!(strtoul(b"0x"), 0);
        assert_eq!(strtoul(b"-2"), u32::MAX - 1);
        assert_eq!(strtoul(b"3\0 9"), 3);
        let s = syscreate(up, "/x/b", OWRITE as u32, 0o666).unwrap() as i32;
        assert_eq!(syswrite(up, s, b"0x0\n").unwrap(), 4);
        assert_eq!(
            rd(up, sysopen(up, "/x/b", OREAD as u32).unwrap()).unwrap(),
            "file"
        );
        // Creating a name in use opens the entry with OTRUNC: Eexist.
        assert_eq!(
            err(syscreate(up, "/x/a", OWRITE as u32, 0o666)),
            "file already exists: '/x/a'"
        );
        assert_eq!(
            err(syscreate(up, "/x/clone", OWRITE as u32, 0o666)),
            "file already exists: '/x/clone'"
        );
        assert_eq!(
            err(syscreate(up, "/x/r", OREAD as u32, 0o666)),
            "permission denied: '/x/r'"
        );
        assert_eq!(
            err(syscreate(
                up,
                &format!("/x/{}", "n".repeat(128)),
                OWRITE as u32,
                0o666
            )),
            format!("name too long: '...{}'", "n".repeat(32))
        );
        // An entry created but not posted opens to nothing.
        syscreate(up, "/x/empty", OWRITE as u32, 0o666).unwrap();
        assert_eq!(
            err(sysopen(up, "/x/empty", OREAD as u32)),
            "device shut down: '/x/empty'"
        );
    }

    #[test]
    fn open_modes_and_permissions() {
        // srvopen: the mode must agree with the posted channel's unless
        // that is ORDWR (Eperm); the entry's permissions are checked;
        // OTRUNC is Eexist, ORCLOSE Eperm.
        let (w, _) = srvworld();
        let up = &w.up;
        let r = sysopen(up, "/f", OREAD as u32).unwrap();
        post(up, "/x/ro", r).unwrap();
        assert_eq!(
            err(sysopen(up, "/x/ro", OWRITE as u32)),
            "permission denied: '/x/ro'"
        );
        assert_eq!(
            err(sysopen(up, "/x/ro", (OREAD | OTRUNC) as u32)),
            "file already exists: '/x/ro'"
        );
        assert_eq!(
            err(sysopen(up, "/x/ro", (OREAD | ORCLOSE) as u32)),
            "permission denied: '/x/ro'"
        );
        assert!(sysopen(up, "/x/ro", OREAD as u32).is_ok());
        // Permissions: 0600 keeps others out; eve is group.
        let rw = sysopen(up, "/f", ORDWR as u32).unwrap();
        let s = syscreate(up, "/x/private", OWRITE as u32, 0o600).unwrap() as i32;
        syswrite(up, s, format!("{rw}").as_bytes()).unwrap();
        let mut other = rforkgrp(up, RFPROC).unwrap();
        other.user = "other".into();
        assert_eq!(
            err(sysopen(&other, "/x/private", OREAD as u32)),
            "permission denied: '/x/private'"
        );
        assert!(sysopen(up, "/x/private", OWRITE as u32).is_ok());
        // Only the owner or eve removes.
        assert_eq!(err(sysremove(&other, "/x/private")), "permission denied");
        other.user = EVE.into();
        sysremove(&other, "/x/private").unwrap();
        // The directory: OREAD only.
        assert_eq!(err(sysopen(up, "#s", OWRITE as u32)), "file is a directory");
    }

    #[test]
    fn the_listing_shows_owner_and_permissions() {
        // srvgen: clone (eve, 0444), then the entries newest first, with
        // their owner and perm&0777, then the boards.
        let (w, _) = srvworld();
        let up = &w.up;
        let f = sysopen(up, "/f", OREAD as u32).unwrap();
        post(up, "/x/one", f).unwrap();
        post(up, "/x/two", f).unwrap();
        syscreate(up, "/x/three", OWRITE as u32, DMDIR | 0o1640).unwrap();
        assert_eq!(
            entries(up, "/x"),
            [
                ("clone".into(), EVE.into(), 0o444),
                ("three".into(), USER.into(), 0o640),
                ("two".into(), USER.into(), 0o666),
                ("one".into(), USER.into(), 0o666),
            ]
        );
        // The root board: eve's, 0777.
        let mut b = [0u8; 256];
        let n = sysstat(up, "#s", &mut b).unwrap();
        let d = Dir::decode(&b[..n]).unwrap();
        assert_eq!((d.uid.as_str(), d.mode), (Some(EVE), DMDIR | 0o777));
        let n = sysstat(up, "/x/two", &mut b).unwrap();
        let d = Dir::decode(&b[..n]).unwrap();
        assert_eq!(
            (d.name.as_str(), d.length, d.typ),
            (Some("two"), 0, 's' as u16)
        );
        assert_eq!(d.qid.path & 3, 0);
    }

    #[test]
    fn wstat_changes_name_owner_and_mode() {
        // srvwstat: owner or eve; a new name must be free and not
        // "clone"; the root board cannot be changed.
        let (w, _) = srvworld();
        let up = &w.up;
        let f = sysopen(up, "/f", OREAD as u32).unwrap();
        post(up, "/x/a", f).unwrap();
        post(up, "/x/b", f).unwrap();
        let mut d = libc::nulldir::nulldir();
        d.mode = 0o640;
        d.name = "c".into();
        syswstat(up, "/x/a", &d.to_bytes().unwrap()).unwrap();
        let e = entries(up, "/x");
        assert_eq!(e[2], ("c".into(), USER.into(), 0o640));
        let mut d = libc::nulldir::nulldir();
        d.name = "b".into();
        assert_eq!(
            err(syswstat(up, "/x/c", &d.to_bytes().unwrap())),
            "file already exists"
        );
        d.name = "clone".into();
        assert_eq!(
            err(syswstat(up, "/x/c", &d.to_bytes().unwrap())),
            "file already exists"
        );
        let mut d = libc::nulldir::nulldir();
        d.uid = "other".into();
        syswstat(up, "/x/c", &d.to_bytes().unwrap()).unwrap();
        assert_eq!(
            err(syswstat(up, "/x/c", &d.to_bytes().unwrap())),
            "permission denied"
        );
        assert_eq!(err(sysremove(up, "/x/c")), "permission denied");
        assert_eq!(
            err(syswstat(up, "#s", &d.to_bytes().unwrap())),
            "permission denied"
        );
        assert_eq!(
            err(syswstat(up, "#s/clone", &d.to_bytes().unwrap())),
            "permission denied"
        );
    }

    #[test]
    fn a_channel_posted_twice() {
        // Nothing stops one channel being posted under two names; each
        // entry holds it, and it closes when both are removed.
        let (w, _) = srvworld();
        let up = &w.up;
        let f = sysopen(up, "/sub/s/deep", OREAD as u32).unwrap();
        post(up, "/x/p1", f).unwrap();
        post(up, "/x/p2", f).unwrap();
        sysclose(up, f as i32).unwrap();
        let c = sysopen(up, "/x/p2", OREAD as u32).unwrap();
        let c1 = up.fgrp.fdtochan(c as i32, None, false).unwrap();
        drop(c1);
        sysclose(up, c as i32).unwrap();
        let closes = || w.y.closes.load(core::sync::atomic::Ordering::SeqCst);
        let before = closes();
        sysremove(up, "/x/p1").unwrap();
        assert_eq!(closes(), before);
        assert_eq!(
            rd(up, sysopen(up, "/x/p2", OREAD as u32).unwrap()).unwrap(),
            "deep"
        );
        sysclose(up, 0).unwrap();
        sysremove(up, "/x/p2").unwrap();
        assert_eq!(closes(), before + 1);
    }

    #[test]
    fn orclose_entries_go_when_closed() {
        // namec's ORCLOSE on create: srvclose removes the entry.
        let (w, _) = srvworld();
        let up = &w.up;
        let f = sysopen(up, "/f", OREAD as u32).unwrap();
        let s = syscreate(up, "/x/tmp", (OWRITE | ORCLOSE) as u32, 0o666).unwrap() as i32;
        syswrite(up, s, format!("{f}").as_bytes()).unwrap();
        assert!(sysopen(up, "/x/tmp", OREAD as u32).is_ok());
        sysclose(up, s).unwrap();
        assert_eq!(
            err(sysopen(up, "/x/tmp", OREAD as u32)),
            "file does not exist: '/x/tmp'"
        );
    }

    #[test]
    fn clone_makes_boards() {
        // srv(3): opening clone makes a board; reading clone gives its
        // id; it is reachable as /srv/id, has its own clone and entries,
        // and goes when the clone descriptor is closed.
        let (w, _) = srvworld();
        let up = &w.up;
        let f = sysopen(up, "/f", OREAD as u32).unwrap();
        post(up, "/x/top", f).unwrap();
        let lease = sysopen(up, "/x/clone", OREAD as u32).unwrap();
        let id = rd(up, lease).unwrap();
        assert_eq!(id, "2", "path 1 was top's");
        let mut b = [0u8; 8];
        assert_eq!(syspread(up, lease as i32, &mut b, 1).unwrap(), 0);
        assert_eq!(
            err(syswrite(up, lease as i32, b"1")),
            "inappropriate use of fd"
        );
        let e = entries(up, "/x");
        assert_eq!(e[2], (id.clone(), USER.into(), DMDIR | 0o770));
        post(up, &format!("/x/{id}/inner"), f).unwrap();
        assert_eq!(
            rd(up, sysopen(up, "#s/2/inner", OREAD as u32).unwrap()).unwrap(),
            "file"
        );
        assert_eq!(
            entries(up, "#s/2"),
            [
                ("clone".into(), EVE.into(), 0o444),
                ("inner".into(), USER.into(), 0o666)
            ]
        );
        // Boards nest; .. goes back up.
        let l2 = sysopen(up, "#s/2/clone", OREAD as u32).unwrap();
        assert_eq!(rd(up, l2).unwrap(), "4");
        assert_eq!(
            entries(up, "#s/2/4/.."),
            [
                ("clone".into(), EVE.into(), 0o444),
                ("inner".into(), USER.into(), 0o666),
                ("4".into(), USER.into(), DMDIR | 0o770),
            ]
        );
        // A board's stat is its own.
        let mut b = [0u8; 256];
        let n = sysstat(up, "#s/2", &mut b).unwrap();
        let d = Dir::decode(&b[..n]).unwrap();
        assert_eq!((d.uid.as_str(), d.mode), (Some(USER), DMDIR | 0o770));
        // Another user may not enter a 0770 board.
        let mut other = rforkgrp(up, RFPROC).unwrap();
        other.user = "other".into();
        assert_eq!(
            err(sysopen(&other, "#s/2/inner", OREAD as u32)),
            "permission denied: '#s/2'"
        );
        // Bind a board as /srv (bind -c #s/2 /srv).
        sysbind(up, "#s/2", "/y", MREPL | MCREATE).unwrap();
        post(up, "/y/more", f).unwrap();
        assert_eq!(
            rd(up, sysopen(up, "#s/2/more", OREAD as u32).unwrap()).unwrap(),
            "file"
        );
        // Closing the lease closes the board: entries go (and the
        // channels only they held close), posting fails.
        let held = sysopen(up, "/c/c1", OREAD as u32).unwrap();
        post(up, "/y/held", held).unwrap();
        sysclose(up, held as i32).unwrap();
        let closes = || w.y.closes.load(core::sync::atomic::Ordering::SeqCst);
        let before = closes();
        sysclose(up, lease as i32).unwrap();
        assert_eq!(closes(), before + 1, "the held channel closed");
        assert_eq!(
            err(sysopen(up, "/y/inner", OREAD as u32)),
            "file does not exist: '/y/inner'"
        );
        assert_eq!(
            err(syscreate(up, "/y/new", OWRITE as u32, 0o666)),
            "device shut down: '/y/new'"
        );
        assert_eq!(
            err(sysopen(up, "/y/clone", OREAD as u32)),
            "device shut down: '/y/clone'"
        );
        // The board stays while the bind and its child hold it.
        assert!(entries(up, "/x").iter().any(|e| e.0 == "2"));
        sysunmount(up, None, "/y").unwrap();
        assert!(
            entries(up, "/x").iter().any(|e| e.0 == "2"),
            "board 4 is below"
        );
        sysclose(up, l2 as i32).unwrap();
        assert!(entries(up, "/x").iter().all(|e| e.0 != "2"), "both gone");
        assert_eq!(
            err(sysopen(up, "#s/2", OREAD as u32)),
            "file does not exist: '#s/2'"
        );
        // New boards get new numbers.
        let l3 = sysopen(up, "/x/clone", OREAD as u32).unwrap();
        assert_eq!(rd(up, l3).unwrap(), "7");
    }

    #[test]
    fn a_lease_is_not_removable_and_exec_walks() {
        // srvremove: clone and lease are Eperm, as are boards; OEXEC
        // opens of a posted entry need its x bit.
        let (w, _) = srvworld();
        let up = &w.up;
        assert_eq!(err(sysremove(up, "/x/clone")), "permission denied");
        let l = sysopen(up, "/x/clone", OREAD as u32).unwrap();
        let id = rd(up, l).unwrap();
        assert_eq!(err(sysremove(up, &format!("/x/{id}"))), "permission denied");
        let f = sysopen(up, "#Z/x", OEXEC as u32).unwrap();
        post(up, "/x/exe", f).unwrap();
        assert_eq!(
            err(sysopen(up, "/x/exe", OEXEC as u32)),
            "permission denied: '/x/exe'"
        );
        let mut d = libc::nulldir::nulldir();
        d.mode = 0o755;
        syswstat(up, "/x/exe", &d.to_bytes().unwrap()).unwrap();
        assert!(sysopen(up, "/x/exe", OEXEC as u32).is_ok());
    }
}
