//! The kernel's process table as `#p` sees it: the implementation of
//! port's `devproc::ProcTable` over pc64's processes (sched.rs's PROCS,
//! uproc.rs's user halves).
//!
//! No 9front file of its own: 9front's devproc.c reads `proctab(i)`
//! directly. What differs: slots are the processes in pid order at the
//! moment of the call (no fixed `procalloc` array), so a directory read
//! of /proc racing with exits may miss or repeat a process; per-process
//! times are zero (no accounting yet); `text`, register files and
//! memory of other processes are not readable yet.

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use port::chan::Chan;
use port::devproc::{ProcCtl, ProcInfo, ProcTable, SegInfo};
use port::portdat::Up;
use port::proc::NoteFlag;
use port::sysproc::Waitmsg;
use port::{Error, Result};

use crate::sched::{self, Kernel, Proc};

/// The table.
pub struct Table;

/// Most processes (`conf.nproc`).
pub const NPROC: usize = 2000;

/// Call `f` with process `pid`, alive while the table's lock is held.
fn withproc<R>(pid: u32, f: impl FnOnce(&mut Proc) -> R) -> Result<R> {
    let procs = sched::PROCS.ilock();
    let pp = *procs.get(&pid).ok_or(Error::Eprocdied)?;
    // SAFETY: a process in PROCS is alive while its lock is held; what
    // f reads of another process is a snapshot (as 9front's devproc,
    // which reads without the process's locks).
    let r = f(unsafe { &mut *(pp as *mut Proc) });
    drop(procs);
    Ok(r)
}

fn info(p: &Proc) -> ProcInfo<Kernel> {
    let u = p.user.as_deref();
    let mut segments = Vec::new();
    let mut pages = 0u64;
    if let Some(tab) = p.segtab {
        let segs = crate::mmu::SEGS.ilock();
        for id in tab.iter() {
            if let Some(id) = id {
                let s = segs.get(*id);
                pages += s.map.len() as u64;
                segments.push(SegInfo {
                    typ: s.attr,
                    profile: false,
                    base: s.base,
                    top: s.top,
                    r#ref: s.r#ref,
                });
            }
        }
    }
    ProcInfo {
        pid: p.pid,
        text: String::from(p.text),
        user: u.map_or_else(|| String::from(crate::uproc::EVE), |u| u.up.user.clone()),
        state: p.state,
        psstate: None,
        time: [0; 6],
        pages,
        basepri: p.basepri as u32,
        priority: p.priority as u32,
        kp: u.is_none(),
        privatemem: false,
        procmode: 0o640,
        noteid: u.map_or(0, |u| u.up.noteid),
        parentpid: u.map_or(0, |u| u.up.parentpid),
        nwait: u.map_or(0, |u| u.waitq.ilock().msgs.len() as u32),
        args: u.map_or_else(Vec::new, |u| u.args.clone()),
        setargs: false,
        segments,
        syscalltrace: None,
        pgrp: u.map(|u| u.up.pgrp.clone()),
        fgrp: u.map(|u| u.up.fgrp.clone()),
        dot: u.and_then(|u| u.up.dot.clone()),
    }
}

impl ProcTable<Kernel> for Table {
    fn nproc(&self) -> usize {
        NPROC
    }
    fn proctab(&self, slot: usize) -> Option<ProcInfo<Kernel>> {
        let procs = sched::PROCS.ilock();
        let &pp = procs.values().nth(slot)?;
        // SAFETY: as in withproc.
        let i = info(unsafe { &*(pp as *const Proc) });
        drop(procs);
        Some(i)
    }
    fn procindex(&self, pid: u32) -> Option<usize> {
        sched::PROCS.ilock().keys().position(|&k| k == pid)
    }
    fn ticks(&self) -> u32 {
        crate::clock::ticks() as u32
    }
    fn postnote(&self, pid: u32, msg: &str, flag: NoteFlag) -> bool {
        crate::uproc::postnotepid(pid, msg, flag, false).is_ok()
    }
    fn postnotepg(&self, up: &Up<Kernel>, noteid: u32, msg: &str) {
        let pids: Vec<u32> = {
            let procs = sched::PROCS.ilock();
            procs
                .iter()
                .filter(|(&pid, &pp)| {
                    // SAFETY: as in withproc.
                    let q = unsafe { &*(pp as *const Proc) };
                    pid != up.pid && q.user.as_deref().is_some_and(|u| u.up.noteid == noteid)
                })
                .map(|(&pid, _)| pid)
                .collect()
        };
        for pid in pids {
            let _ = crate::uproc::postnotepid(pid, msg, NoteFlag::User, false);
        }
    }
    fn popnote(&self, pid: u32) -> Option<String> {
        withproc(pid, |p| p.notes.ilock().popnote(None))
            .ok()
            .flatten()
            .map(|d| match d {
                port::proc::Delivery::Handler(m) => m,
                port::proc::Delivery::Exit { msg, .. } => msg,
            })
    }
    fn ctl(&self, _up: &Up<Kernel>, pid: u32, ctl: ProcCtl) -> Result<()> {
        match ctl {
            ProcCtl::Kill => {
                withproc(pid, |p| p.killed = true)?;
                crate::uproc::postnotepid(pid, "sys: killed", NoteFlag::Exit, false)
            }
            ProcCtl::Pri { pri, fixed } => withproc(pid, |p| {
                p.basepri = pri as usize;
                p.priority = pri as usize;
                p.fixedpri = fixed;
            }),
            ProcCtl::Hang(_) | ProcCtl::Noswap | ProcCtl::Private => withproc(pid, |_| ()),
            ProcCtl::Interrupt => {
                crate::uproc::postnotepid(pid, "interrupt", NoteFlag::User, false)
            }
            _ => Err(Error::Ebadctl),
        }
    }
    fn setnoteid(&self, pid: u32, noteid: u32) -> Result<()> {
        withproc(pid, |p| {
            if let Some(u) = p.user.as_deref_mut() {
                u.up.noteid = noteid;
            }
        })
    }
    fn setargs(&self, pid: u32, args: &str) -> Result<()> {
        withproc(pid, |p| {
            if let Some(u) = p.user.as_deref_mut() {
                u.args = args.as_bytes().to_vec();
            }
        })
    }
    fn wstat(&self, pid: u32, user: Option<&str>, _procmode: Option<u32>) -> Result<()> {
        withproc(pid, |p| {
            if let (Some(u), Some(n)) = (p.user.as_deref_mut(), user) {
                u.up.user = String::from(n);
            }
        })
    }
    fn wait(&self, up: &Up<Kernel>, pid: u32) -> Result<Waitmsg> {
        if pid != up.pid {
            return Err(Error::Eperm);
        }
        crate::uproc::await_()
    }
    fn text(&self, _pid: u32) -> Result<Arc<Chan<Kernel>>> {
        Err(Error::Enonexist)
    }
    fn readmem(&self, _up: &Up<Kernel>, _pid: u32, _addr: u64, _buf: &mut [u8]) -> Result<usize> {
        Err(Error::Ebadarg)
    }
    fn writemem(&self, _up: &Up<Kernel>, _pid: u32, _addr: u64, _buf: &[u8]) -> Result<usize> {
        Err(Error::Ebadarg)
    }
}
