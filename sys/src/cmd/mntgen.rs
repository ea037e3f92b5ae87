//! mntgen: a port of 9front's `sys/src/cmd/mntgen.c` (see mntgen(4)).
//!
//! A file server of mount points: an empty directory in which walking to
//! any name makes a directory of that name, which lasts while some fid
//! refers to it. Its qid path is the first eight bytes of the name's MD5
//! digest (little-endian, as 9front reads them on amd64) cut to 48 bits; a
//! name whose path another name already has is "hash collision". The
//! root lists the directories that exist (owner and group `sys`, mode
//! `d555`, time of creation); the directories themselves are empty, and
//! walking in one to anything but `..` is "path not found". Opening for
//! anything but reading is "permission denied", an attach name is
//! "invalid attach specifier".
//!
//! Flags are 9front's: `-D` (trace 9P), `-s srvname` (post in /srv) and a
//! mount point (default `/n`), on which mntgen mounts itself after what
//! is there (MAFTER).
//!
//! What differs, hosted on Linux: there is no /srv or Plan 9 name space,
//! so posting and mounting fail with lib9p's messages; planten's `-a
//! dialstring` (as ramfs's) announces the address and serves every
//! connection from the one table instead.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::Ordering;

use lib9p::dirread::dirread9p;
use lib9p::{Fid, Req, Srv, CHATTY9P};
use libc::fcall::{Dir, Qid, WireStr, DMDIR, QTDIR};
use libc::qlock::QLock;
use libc::syscall::{self, Fd, MAFTER, OREAD};
use libc::sysfatal;
use libsec::md5::md5sum;

libc::main!(main);

/// A directory that exists because a fid refers to it.
struct Tab {
    name: WireStr,
    qid: u64,
    time: u32,
    refs: i32,
}

struct Mntgen {
    time0: u32,
    tab: QLock<Vec<Tab>>,
}

fn now() -> u32 {
    (syscall::nsec() / 1_000_000_000) as u32
}

/// mntgen.c's `hash`: 48 bits of the name's MD5.
fn hash(name: &[u8]) -> u64 {
    let d = md5sum(name);
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    u64::from_le_bytes(b) & ((1 << 48) - 1)
}

fn dirqid(path: u64) -> Qid {
    Qid { path, vers: 0, typ: QTDIR }
}

impl Mntgen {
    /// mntgen.c's `dirgen`: entry `i` of the table, or the root.
    fn dirgen(&self, tab: &[Tab], i: Option<usize>) -> Option<Dir> {
        let (name, path, time): (WireStr, u64, u32) = match i {
            None => ("/".into(), 0, self.time0),
            Some(i) => {
                let t = tab.get(i)?;
                (t.name.clone(), t.qid, t.time)
            }
        };
        Some(Dir {
            typ: 0,
            dev: 0,
            qid: dirqid(path),
            mode: DMDIR | 0o555,
            atime: time,
            mtime: time,
            length: 0,
            name,
            uid: "sys".into(),
            gid: "sys".into(),
            muid: WireStr::new(),
        })
    }
}

impl Srv for Mntgen {
    fn attach(&self, mut r: Req) {
        let aname = match &r.ifcall.msg {
            libc::fcall::Msg::Tattach { aname, .. } => aname.clone(),
            _ => WireStr::new(),
        };
        if !aname.as_bytes().is_empty() {
            r.respond(Some("invalid attach specifier"));
            return;
        }
        let q = dirqid(0);
        r.ofcall.qid = q;
        if let Some(f) = &r.fid {
            f.lock().qid = q;
        }
        r.respond(None);
    }

    fn open(&self, r: Req) {
        if r.mode() as i32 != OREAD {
            r.respond(Some("permission denied"));
        } else {
            r.respond(None);
        }
    }

    fn read(&self, mut r: Req) {
        let fid = r.fid.clone().expect("a read has a fid");
        if fid.qid().path == 0 {
            let tab = self.tab.qlock();
            dirread9p(&mut r, |i| self.dirgen(&tab, Some(i)));
        }
        r.respond(None);
    }

    fn stat(&self, mut r: Req) {
        let fid = r.fid.clone().expect("a stat has a fid");
        let path = fid.qid().path;
        let d = {
            let tab = self.tab.qlock();
            if path == 0 {
                self.dirgen(&tab, None)
            } else {
                tab.iter().position(|t| t.qid == path).and_then(|i| self.dirgen(&tab, Some(i)))
            }
        };
        match d {
            Some(d) => {
                r.d = d;
                r.respond(None);
            }
            None => r.respond(Some("path not found (???)")),
        }
    }

    fn walk1(&self, fid: &Fid, name: &WireStr) -> Result<Qid, String> {
        let path = fid.qid().path;
        let mut tab = self.tab.qlock();
        if path != 0 {
            // Nothing in a directory but the way back.
            if name.as_bytes() == b".." {
                if let Some(t) = tab.iter_mut().find(|t| t.qid == path) {
                    t.refs -= 1;
                }
                return Ok(dirqid(0));
            }
            return Err("path not found".into());
        }
        if name.as_bytes() == b".." {
            return Ok(dirqid(0));
        }
        if let Some(t) = tab.iter_mut().find(|t| t.name == *name) {
            t.refs += 1;
            return Ok(dirqid(t.qid));
        }
        let h = hash(name.as_bytes());
        if tab.iter().any(|t| t.qid == h) {
            return Err("hash collision".into());
        }
        tab.push(Tab { name: name.clone(), qid: h, time: now(), refs: 1 });
        Ok(dirqid(h))
    }

    fn clone_fid(&self, fid: &Fid, _newfid: &Fid) -> Result<(), String> {
        let path = fid.qid().path;
        if let Some(t) = self.tab.qlock().iter_mut().find(|t| t.qid == path) {
            t.refs += 1;
        }
        Ok(())
    }

    fn destroyfid(&self, fid: &Fid) {
        let path = fid.qid().path;
        if path == 0 {
            return;
        }
        let mut tab = self.tab.qlock();
        let Some(i) = tab.iter().position(|t| t.qid == path) else {
            let _ = libc::fprint!(Fd::STDERR, "warning: cannot find {path:x}\n");
            return;
        };
        tab[i].refs -= 1;
        if tab[i].refs == 0 {
            tab.swap_remove(i);
        } else if tab[i].refs < 0 {
            let _ = libc::fprint!(Fd::STDERR, "warning: negative ref count for {}\n", tab[i].name.to_string_lossy());
        }
    }
}

fn usage() -> ! {
    let _ = libc::fprint!(Fd::STDERR, "mntgen [-s srvname] [mtpt]\n");
    syscall::exits("usage")
}

fn main(argv: Vec<String>) {
    let time0 = now();
    let mut service: Option<String> = None;
    let mut addr: Option<String> = None;
    let mut a = libc::arg::Args::new(argv);
    while let Some(c) = a.next_flag() {
        match c {
            'D' => {
                CHATTY9P.fetch_add(1, Ordering::Relaxed);
            }
            's' => service = Some(a.value().unwrap_or_else(|| usage())),
            'a' => addr = Some(a.value().unwrap_or_else(|| usage())),
            _ => usage(),
        }
    }
    let rest = a.rest();
    if rest.len() > 1 {
        usage();
    }
    let fs: Arc<dyn Srv> = Arc::new(Mntgen { time0, tab: QLock::new(Vec::new()) });
    if let Some(addr) = addr {
        let e = lib9p::listen::listenloop(fs, &addr);
        sysfatal!("announce {addr}: {e}");
    }
    let mtpt = rest.first().map(|s| s.as_str()).unwrap_or("/n");
    lib9p::mount::postmountsrv(fs, service.as_deref(), Some(mtpt), MAFTER);
    syscall::exits("");
}
