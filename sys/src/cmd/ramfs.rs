//! ramfs: a port of 9front's `sys/src/cmd/ramfs.c` (see ramfs(4)).
//!
//! A file server keeping its files in memory, built on lib9p's file tree.
//! File data is kept in 64K blocks, as 9front's; reading a hole gives
//! zeros. Writes beyond the largest file 9front allows, or over the memory
//! limit (800MB, or none with `-u`), fail with 9front's errors ("bad file
//! offset or count", "no memory"). Opening a DMEXCL file that another fid
//! holds and that was used within five minutes fails with "file is
//! locked"; ORCLOSE files go when their fid is clunked; wstat follows
//! ramfs.c's rules (length and name need write permission, mode changes
//! need the owner or group leader; a new group is checked but, as in
//! 9front, not set).
//!
//! Flags are 9front's: `-D` (trace 9P), `-i` (serve standard input and
//! output), `-s` and `-S srvname` (post in /srv), `-m mountpoint`, `-p`,
//! `-u`, `-b` and `-c` (mount flags).
//!
//! What differs from 9front, hosted on Linux:
//!
//! - `-a dialstring` (planten's) announces the address (`tcp!*!5640`,
//!   `unix!/tmp/ramfs.sock`) and serves every connection from the one
//!   tree. 9front's ramfs.c has an unlisted `-a` meaning "mount after"
//!   (MAFTER); ramfs(4) does not document it, and mounting is impossible
//!   on Linux, so planten gives the letter to the address;
//! - without `-i` or `-a` ramfs tries to post and mount as 9front's does,
//!   which fails on Linux (no /srv, no Plan 9 name space) with 9front's
//!   messages;
//! - `-p` (private memory through /proc/N/ctl) is accepted and does
//!   nothing on Linux.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use lib9p::file::{createfile, removefile, walkfile, FileState, Tree};
use lib9p::{hasperm, Fid, Req, Srv, AWRITE, CHATTY9P};
use libc::arg::Args;
use libc::fcall::{DMAPPEND, DMDIR, DMEXCL, ORCLOSE, OTRUNC};
use libc::syscall::{self, Fd, MBEFORE, MCREATE, MREPL};
use libc::sysfatal;

libc::main!(main);

const EBADOFF: &str = "bad file offset or count";
const EEXIST: &str = "file already exists";
const ENOMEM: &str = "no memory";
const EPERM: &str = "permission denied";
const ENOTOWNER: &str = "not owner";
const ELOCKED: &str = "file is locked";

/// The size of a block of file data.
const ESIZE: usize = 64 * 1024;
/// The largest file: as many blocks as 9front's index block can point to.
const MAXFSIZE: u64 = (0x7fff_ffff / 8) * ESIZE as u64;
/// The memory limit without -u (rampool's maxsize).
const MAXMEM: usize = 800 * 1024 * 1024;

/// A file's data: its blocks, each as long as what was written into it.
#[derive(Default)]
struct Ram {
    blocks: Vec<Vec<u8>>,
}

/// The memory the files use, and whether it is limited.
struct Pool {
    used: AtomicUsize,
    unlimited: AtomicBool,
}

impl Pool {
    fn grow(&self, n: usize) -> bool {
        let u = self.used.fetch_add(n, Ordering::Relaxed);
        if !self.unlimited.load(Ordering::Relaxed) && u + n > MAXMEM {
            self.used.fetch_sub(n, Ordering::Relaxed);
            return false;
        }
        true
    }
    fn shrink(&self, n: usize) {
        self.used.fetch_sub(n, Ordering::Relaxed);
    }
}

struct Ramfs {
    tree: Arc<Tree>,
    pool: Arc<Pool>,
}

fn now() -> u32 {
    (syscall::nsec() / 1_000_000_000) as u32
}

/// ramfs.c's `accessfile`.
fn accessfile(st: &mut FileState, write: bool) {
    st.dir.atime = now();
    if write {
        st.dir.mtime = st.dir.atime;
        st.dir.qid.vers = st.dir.qid.vers.wrapping_add(1);
    }
}

fn ram(st: &mut FileState) -> Option<&mut Ram> {
    st.aux.as_mut().and_then(|a| a.downcast_mut::<Ram>())
}

/// ramfs.c's `truncfile`.
fn truncfile(pool: &Pool, st: &mut FileState, l: u64) {
    if let Some(r) = ram(st) {
        let i = (l / ESIZE as u64) as usize;
        let o = (l % ESIZE as u64) as usize;
        let mut freed = 0;
        let mut keep = i;
        if o != 0 && i < r.blocks.len() {
            if o < r.blocks[i].len() {
                freed += r.blocks[i].len() - o;
                r.blocks[i].truncate(o);
            }
            keep = i + 1;
        }
        if keep < r.blocks.len() {
            freed += r.blocks[keep..].iter().map(|b| b.len()).sum::<usize>();
            r.blocks.truncate(keep);
        }
        pool.shrink(freed);
        if l == 0 {
            st.aux = None;
        }
    }
    st.dir.length = l;
}

impl Srv for Ramfs {
    fn tree(&self) -> Option<Arc<Tree>> {
        Some(self.tree.clone())
    }

    fn read(&self, mut r: Req) {
        let file = r.fid.as_ref().and_then(|f| f.file()).expect("tree fid");
        let (off, count) = r.readargs();
        let mut st = file.write();
        let len = st.dir.length;
        if count == 0 || off >= len || st.aux.is_none() {
            drop(st);
            r.respond(None);
            return;
        }
        let top = off.saturating_add(count as u64);
        if top > MAXFSIZE {
            drop(st);
            r.respond(Some(EBADOFF));
            return;
        }
        let top = top.min(len);
        let mut out = Vec::with_capacity((top - off) as usize);
        let blocks = &ram(&mut st).expect("checked").blocks;
        let mut off = off;
        while off < top {
            let i = (off / ESIZE as u64) as usize;
            let o = (off % ESIZE as u64) as usize;
            let n = core::cmp::min((ESIZE - o) as u64, top - off) as usize;
            match blocks.get(i) {
                Some(b) if o < b.len() => {
                    let m = core::cmp::min(n, b.len() - o);
                    out.extend_from_slice(&b[o..o + m]);
                    out.resize(out.len() + (n - m), 0);
                }
                _ => out.resize(out.len() + n, 0),
            }
            off += n as u64;
        }
        accessfile(&mut st, false);
        drop(st);
        r.ofcall.data = out;
        r.respond(None);
    }

    fn write(&self, mut r: Req) {
        let file = r.fid.as_ref().and_then(|f| f.file()).expect("tree fid");
        let (off, data) = r.writeargs();
        let mut st = file.write();
        let off = if st.dir.mode & DMAPPEND != 0 { st.dir.length } else { off };
        if data.is_empty() {
            drop(st);
            r.ofcall.count = 0;
            r.respond(None);
            return;
        }
        let top = off.saturating_add(data.len() as u64);
        if top > MAXFSIZE {
            drop(st);
            r.respond(Some(EBADOFF));
            return;
        }
        if st.aux.is_none() {
            st.aux = Some(Box::new(Ram::default()));
        }
        let nblocks = top.div_ceil(ESIZE as u64) as usize;
        let pool = &self.pool;
        let rm = ram(&mut st).expect("made above");
        if rm.blocks.len() < nblocks {
            rm.blocks.resize_with(nblocks, Vec::new);
        }
        let mut p = 0;
        let mut off = off;
        let mut failed = false;
        while p < data.len() {
            let i = (off / ESIZE as u64) as usize;
            let o = (off % ESIZE as u64) as usize;
            let n = core::cmp::min(ESIZE - o, data.len() - p);
            let b = &mut rm.blocks[i];
            if b.len() < o + n {
                if !pool.grow(o + n - b.len()) {
                    failed = true;
                    break;
                }
                b.resize(o + n, 0);
            }
            b[o..o + n].copy_from_slice(&data[p..p + n]);
            p += n;
            off += n as u64;
        }
        if failed {
            drop(st);
            r.respond(Some(ENOMEM));
            return;
        }
        if top > st.dir.length {
            st.dir.length = top;
        }
        accessfile(&mut st, true);
        drop(st);
        r.ofcall.count = p as u32;
        r.respond(None);
    }

    fn wstat(&self, r: Req) {
        let fid = r.fid.clone().expect("wstat has a fid");
        let f = fid.file().expect("tree fid");
        let u = fid.uid();
        let d = r.d.clone();
        let (flen, fname, fmode, fuid, fgid) = {
            let st = f.read();
            (st.dir.length, st.dir.name.clone(), st.dir.mode, st.dir.uid.clone(), st.dir.gid.clone())
        };
        // To change length, must have write permission on file.
        if d.length != !0 && d.length != flen {
            if d.length > MAXFSIZE {
                r.respond(Some(EBADOFF));
                return;
            }
            if !hasperm(&f, &u, AWRITE) || fmode & DMDIR != 0 {
                r.respond(Some(EPERM));
                return;
            }
        }
        // To change name, must have write permission in parent.
        if !d.name.is_empty() && d.name != fname {
            let Some(w) = f.parent() else {
                r.respond(Some(EPERM));
                return;
            };
            if !hasperm(&w, &u, AWRITE) {
                r.respond(Some(EPERM));
                return;
            }
            if walkfile(&w, d.name.as_bytes()).is_some() {
                r.respond(Some(EEXIST));
                return;
            }
        }
        // To change mode, must be owner or group leader.
        if d.mode != !0 && fmode != d.mode && u.as_bytes() != fuid.as_bytes() && u.as_bytes() != fgid.as_bytes() {
            r.respond(Some(ENOTOWNER));
            return;
        }
        // To change group, must be owner and member of new group, or
        // leader of current group and leader of new group.
        if !d.gid.is_empty() && fgid != d.gid {
            let ok = u.as_bytes() == fuid.as_bytes()
                || (u.as_bytes() == fgid.as_bytes() && u.as_bytes() == d.gid.as_bytes());
            if !ok {
                r.respond(Some(ENOTOWNER));
                return;
            }
        }
        {
            let mut st = f.write();
            if d.mode != !0 {
                st.dir.mode = d.mode;
                st.dir.qid.typ = (d.mode >> 24) as u8;
            }
            if !d.name.is_empty() {
                st.dir.name = d.name.clone();
            }
            if d.length != !0 && d.length != st.dir.length {
                truncfile(&self.pool, &mut st, d.length);
            }
            accessfile(&mut st, true);
            if d.mtime != !0 {
                st.dir.mtime = d.mtime;
            }
        }
        r.respond(None);
    }

    fn create(&self, mut r: Req) {
        let fid = r.fid.clone().expect("create has a fid");
        let f = fid.file().expect("tree fid");
        let (name, perm, _) = r.createargs();
        let name = name.clone();
        let fmode = f.read().dir.mode;
        let p = if perm & DMDIR != 0 {
            (perm & !0o777) | (perm & fmode & 0o777)
        } else {
            (perm & !0o666) | (perm & fmode & 0o666)
        };
        let uid = fid.uid();
        match createfile(&f, name.as_bytes(), Some(&uid), p, None) {
            Err(e) => r.respond(Some(&e)),
            Ok(nf) => {
                {
                    let mut st = nf.write();
                    let t = now();
                    st.dir.atime = t;
                    st.dir.mtime = t;
                    st.aux = None;
                }
                r.ofcall.qid = nf.qid();
                fid.lock().file = Some(nf);
                r.respond(None);
            }
        }
    }

    fn open(&self, r: Req) {
        let fid = r.fid.clone().expect("open has a fid");
        let f = fid.file().expect("tree fid");
        let mode = r.mode();
        let mut st = f.write();
        if st.dir.mode & DMEXCL != 0 {
            // Besides the tree, this fid and the `f` held here, is another
            // holding it?
            let refs = Arc::strong_count(&f) - 1;
            if refs > 2 && now().wrapping_sub(st.dir.atime) < 300 {
                drop(st);
                r.respond(Some(ELOCKED));
                return;
            }
        }
        if st.dir.mode & DMAPPEND == 0 && mode & OTRUNC != 0 {
            truncfile(&self.pool, &mut st, 0);
            accessfile(&mut st, true);
        }
        drop(st);
        r.respond(None);
    }

    fn destroyfid(&self, fid: &Fid) {
        let st = fid.lock();
        if st.omode != -1 && st.omode & ORCLOSE as i32 != 0 {
            if let Some(f) = &st.file {
                if f.parent().is_some() {
                    let _ = removefile(f);
                }
            }
        }
    }
}

fn usage() -> ! {
    let _ = libc::fprint!(
        Fd::STDERR,
        "usage: {} [-Dipsubc] [-a dialstring] [-m mountpoint] [-S srvname]\n",
        libc::main9::argv0()
    );
    syscall::exits("usage")
}

fn main(argv: Vec<String>) {
    let pool = Arc::new(Pool { used: AtomicUsize::new(0), unlimited: AtomicBool::new(false) });
    let p2 = pool.clone();
    let destroy: lib9p::file::Destroy = Box::new(move |st: &mut FileState| truncfile(&p2, st, 0));
    let tree = Arc::new(Tree::new(None, None, DMDIR | 0o777, Some(destroy)));

    let mut srvname: Option<String> = None;
    let mut mtpt: Option<String> = Some("/tmp".into());
    let mut addr: Option<String> = None;
    let mut mountflags = 0u32;
    let mut stdio = false;
    let mut a = Args::new(argv);
    while let Some(c) = a.next_flag() {
        match c {
            'D' => {
                CHATTY9P.fetch_add(1, Ordering::Relaxed);
            }
            's' => {
                srvname = Some("ramfs".into());
                mtpt = None;
            }
            'S' => {
                srvname = Some(a.value().unwrap_or_else(|| usage()));
                mtpt = None;
            }
            'm' => mtpt = Some(a.value().unwrap_or_else(|| usage())),
            'i' => stdio = true,
            'p' => {}
            'u' => pool.unlimited.store(true, Ordering::Relaxed),
            'b' => mountflags |= MBEFORE,
            'c' => mountflags |= MCREATE,
            'a' => addr = Some(a.value().unwrap_or_else(|| usage())),
            _ => usage(),
        }
    }
    if !a.rest().is_empty() {
        usage();
    }
    let fs: Arc<dyn Srv> = Arc::new(Ramfs { tree, pool });

    if stdio {
        lib9p::srv(fs, Fd(0), Fd(1));
        syscall::exits("");
    }
    if let Some(addr) = addr {
        let e = lib9p::listen::listenloop(fs, &addr);
        sysfatal!("announce {addr}: {e}");
    }
    if srvname.is_none() && mtpt.is_none() {
        sysfatal!("must specify -S, or -m option");
    }
    if mountflags == 0 {
        mountflags = MREPL | MCREATE;
    }
    lib9p::mount::postmountsrv(fs, srvname.as_deref(), mtpt.as_deref(), mountflags);
    syscall::exits("");
}
