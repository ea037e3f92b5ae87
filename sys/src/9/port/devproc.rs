//! The process device `#p`: a port of 9front's `port/devproc.c`.
//!
//! `#p` has the file `trace` and a directory per process, named by its
//! pid, holding 9front's files: `args`, `ctl`, `fd`, `fpregs`, `kfpregs`,
//! `kregs`, `mem`, `note`, `noteid`, `notepg`, `ns`, `ppid`, `proc`,
//! `regs`, `segment`, `status`, `text`, `wait`, `profile`, `syscall` and
//! `watchpt`. Qids are 9front's: the file in the low 5 bits of the path,
//! the process's slot in the table plus one above them, its pid in the
//! version (for `notepg`, once open, the note group), so a channel to a
//! process that has gone gives `Eprocdied`. Files belong to the
//! process's user, with the modes of 9front's `procdir` table (those of
//! mode 0 take the process's `procmode`, 0640 by default) and its checks:
//! `procopen`'s per-file open modes, `nonone` (`none` may not touch other
//! processes), eve-only `pri` above normal.
//!
//! The formats are 9front's: `status` as `%-27s %-27s %-11s` and nine
//! `%11lud` numbers (`ps`), `fd` as the current directory then
//! `procfdprint`'s line per descriptor, `ns` as `bind`/`mount` lines
//! with their `-abcC` flags, in mount order, then `cd` (`ns(1)`),
//! `segment` as `%-6s %c%c %8p %8p %4ld`, `wait` as a `Waitmsg`, `args`
//! as quoted strings. `ns` and `fd` read a line at a time, as 9front's
//! do (a read gives at most the rest of one line).
//!
//! The kernel's process table comes through [`ProcTable`], which the
//! kernel implements: snapshots of processes ([`ProcInfo`]) by slot, and
//! what changes one (notes, control messages, wait, memory).
//!
//! What differs from 9front:
//!
//! - There is no `p->debug` lock: each operation takes a snapshot and
//!   the kernel checks the pid again when it acts.
//! - No event tracing: `trace` opens (once, for eve) and reads nothing;
//!   `trace` and `event` messages go to the kernel, which may ignore them.
//! - No real-time scheduling: `period`, `deadline`, `cost`, `sporadic`,
//!   `deadlinenotes`, `admit` and `extra` give `Ebadctl`; `expel` (of a
//!   process that has no EDF parameters) does nothing.
//! - `watchpt` reads empty and refuses writes (`Egreg`): no watchpoints.
//! - Registers, the `Proc` structure and profiles come from the kernel
//!   ([`ProcTable::readregs`], [`ProcTable::profile`]) when it has them.
//! - Offsets are 64-bit; 9front takes the offset of most files as a
//!   32-bit `ulong`.
//! - `procfdprint`, which 9front's devdup calls from here, is
//!   [`crate::devdup`]'s.

// The qids keep 9front's names (`Qctl`, ...).
#![allow(non_upper_case_globals)]

use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt::Write;
use core::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};

use libc::fcall::{Dir, Qid, OREAD, OWRITE, QTDIR, QTFILE};

use crate::chan::{quotefmt, Chan};
use crate::dev::{
    devattach, devdir, devdirread, devopen, devstat, devwalk, mkqid, Dev, Dirtab, Gen, Walkqid,
    DEVDOTDOT,
};
use crate::devcons::{readbytes, readnum, readstr, TCREAL, TCSYS, TCUSER, TREAL, TSYS, TUSER};
use crate::devdup::procfdprint;
use crate::page::BY2PG;
use crate::parse::{lookupcmd, parsecmd, Cmdtab};
use crate::pgrp::{Fgrp, Pgrp};
use crate::portclock::tk2ms;
use crate::portdat::{Up, COPEN, MAFTER, MBEFORE, MCACHE, MCREATE, NUMSIZE};
use crate::portfns::Sched;
use crate::proc::{statename, NoteFlag, Procstate, ERRMAX, NPRIQ, PRINORMAL};
use crate::segment::{SG_FAULT, SG_RONLY, SG_TYPE};
use crate::sysfile::openmode;
use crate::sysproc::Waitmsg;
use crate::{Error, Result};

/// The files, by qid (the low bits of the path), in 9front's order.
pub mod qid {
    pub const Qdir: u64 = 0;
    pub const Qtrace: u64 = 1;
    pub const Qargs: u64 = 2;
    pub const Qctl: u64 = 3;
    pub const Qfd: u64 = 4;
    pub const Qfpregs: u64 = 5;
    pub const Qkfpregs: u64 = 6;
    pub const Qkregs: u64 = 7;
    pub const Qmem: u64 = 8;
    pub const Qnote: u64 = 9;
    pub const Qnoteid: u64 = 10;
    pub const Qnotepg: u64 = 11;
    pub const Qns: u64 = 12;
    pub const Qppid: u64 = 13;
    pub const Qproc: u64 = 14;
    pub const Qregs: u64 = 15;
    pub const Qsegment: u64 = 16;
    pub const Qstatus: u64 = 17;
    pub const Qtext: u64 = 18;
    pub const Qwait: u64 = 19;
    pub const Qprofile: u64 = 20;
    pub const Qsyscall: u64 = 21;
    pub const Qwatchpt: u64 = 22;
}
use qid::*;

/// Where the slot starts in a qid's path (`QSHIFT`).
pub const QSHIFT: u32 = 5;
/// Slots a qid can name (`SLOTMAX`).
pub const SLOTMAX: u64 = 0x400_0000;
/// The size of `status` (`STATSIZE`).
pub const STATSIZE: u64 = 2 * 28 + 12 + 9 * 12;
/// The size of amd64's `Ureg` and `FPsave`, the lengths of the register
/// files.
pub const UREGSIZE: u64 = 23 * 8;
pub const FPSAVESIZE: u64 = 512;

const fn fq(path: u64) -> Qid {
    Qid {
        path,
        vers: 0,
        typ: QTFILE,
    }
}

/// `procdir`: a process's files, their lengths and modes (0: the
/// process's `procmode`).
pub const PROCDIR: &[Dirtab] = &[
    Dirtab::new("args", fq(Qargs), 0, 0o660),
    Dirtab::new("ctl", fq(Qctl), 0, 0o000),
    Dirtab::new("fd", fq(Qfd), 0, 0o444),
    Dirtab::new("fpregs", fq(Qfpregs), FPSAVESIZE, 0o000),
    Dirtab::new("kfpregs", fq(Qkfpregs), FPSAVESIZE, 0o400),
    Dirtab::new("kregs", fq(Qkregs), UREGSIZE, 0o400),
    Dirtab::new("mem", fq(Qmem), 0, 0o000),
    Dirtab::new("note", fq(Qnote), 0, 0o000),
    Dirtab::new("noteid", fq(Qnoteid), 0, 0o664),
    Dirtab::new("notepg", fq(Qnotepg), 0, 0o000),
    Dirtab::new("ns", fq(Qns), 0, 0o444),
    Dirtab::new("ppid", fq(Qppid), 0, 0o444),
    Dirtab::new("proc", fq(Qproc), 0, 0o400),
    Dirtab::new("regs", fq(Qregs), UREGSIZE, 0o000),
    Dirtab::new("segment", fq(Qsegment), 0, 0o444),
    Dirtab::new("status", fq(Qstatus), STATSIZE, 0o444),
    Dirtab::new("text", fq(Qtext), 0, 0o000),
    Dirtab::new("wait", fq(Qwait), 0, 0o400),
    Dirtab::new("profile", fq(Qprofile), 0, 0o400),
    Dirtab::new("syscall", fq(Qsyscall), 0, 0o400),
    Dirtab::new("watchpt", fq(Qwatchpt), 0, 0o600),
];

/// The names of the segment types (`sname`).
const SNAME: [&str; 8] = [
    "Text", "Data", "Bss", "Stack", "Shared", "Phys", "Fixed", "Sticky",
];

/// The file a qid names (`QID`).
pub fn qidfile(q: Qid) -> u64 {
    q.path & 0x1f
}

/// The slot a qid names (`SLOT`); `None` for `#p` itself and `trace`.
pub fn qidslot(q: Qid) -> Option<usize> {
    let s = (q.path >> QSHIFT) & (SLOTMAX - 1);
    (s as usize).checked_sub(1)
}

/// One segment as `segment` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegInfo {
    /// The type and attributes (`s->type`: `SG_TYPE` bits, `SG_RONLY`,
    /// `SG_FAULT`, ...).
    pub typ: u32,
    /// Whether it is being profiled.
    pub profile: bool,
    pub base: u64,
    pub top: u64,
    /// `s->ref`.
    pub r#ref: u32,
}

/// What `#p` reads of a process: a snapshot the kernel takes.
pub struct ProcInfo<S: Sched> {
    pub pid: u32,
    /// `p->text`: the name of the program.
    pub text: String,
    pub user: String,
    pub state: Procstate,
    /// `p->psstate`: what it is doing, shown instead of the state name.
    pub psstate: Option<String>,
    /// `p->time` in ticks: user, system, the tick it started at, and the
    /// children's user, system and real time.
    pub time: [u32; 6],
    /// `procpagecount`: the pages of its segments.
    pub pages: u64,
    pub basepri: u32,
    pub priority: u32,
    /// A kernel process.
    pub kp: bool,
    /// `private` was written to `ctl`.
    pub privatemem: bool,
    /// The mode of the files whose `procdir` mode is 0 (0640 at first).
    pub procmode: u32,
    pub noteid: u32,
    pub parentpid: u32,
    /// Waitmsgs of dead children not yet read (`p->nwait`).
    pub nwait: u32,
    /// `p->args`: the arguments of exec, each ending in a NUL, or (with
    /// `setargs`) what was written to `args`.
    pub args: Vec<u8>,
    pub setargs: bool,
    /// The segments, in `p->seg` order.
    pub segments: Vec<SegInfo>,
    /// `p->syscalltrace`.
    pub syscalltrace: Option<String>,
    /// Its name space, descriptors and current directory; `None` once it
    /// is exiting.
    pub pgrp: Option<Arc<Pgrp<S>>>,
    pub fgrp: Option<Arc<Fgrp<S>>>,
    pub dot: Option<Arc<Chan<S>>>,
}

/// The register files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegFile {
    /// `regs`: the user registers (a `Ureg`).
    Regs,
    /// `fpregs`: the user floating-point state.
    Fpregs,
    /// `kregs`: the kernel registers.
    Kregs,
    /// `kfpregs`: the kernel floating-point state.
    Kfpregs,
    /// `proc`: the kernel's process structure.
    Proc,
}

/// What a `ctl` message asks the kernel to do to a process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProcCtl {
    /// `kill`: exit at the next crossing into the kernel (`sys: killed`).
    Kill,
    /// `hang`, `nohang`.
    Hang(bool),
    /// `noswap`.
    Noswap,
    /// `private`.
    Private,
    /// `pri n`, `fixedpri n` (`procpriority`): the priority, already
    /// clamped to 0..Npriq-1 and checked (above normal is eve's).
    Pri {
        pri: u32,
        fixed: bool,
    },
    /// `wired n` (`procwired`).
    Wired(i32),
    /// `profile`: start (or clear) the profile of the text segment.
    Profile,
    /// `start`, `startstop`, `startsyscall`, `stop`, `waitstop`.
    Start,
    Startstop,
    Startsyscall,
    Stop,
    Waitstop,
    /// `trace`: toggle (`None`) or set.
    Trace(Option<bool>),
    /// `interrupt` (`procinterrupt`).
    Interrupt,
    /// `nointerrupt`: clear a pending interrupt; "notes pending" if there
    /// are notes.
    Nointerrupt,
    /// `event`: a trace event of the writer.
    Event,
}

/// What `#p` needs from the kernel's process table.
///
/// Processes are found by slot as in 9front (`proctab`); the functions
/// that act on one take its pid and fail with `Eprocdied` if it is gone.
pub trait ProcTable<S: Sched>: Send + Sync {
    /// The size of the table (`conf.nproc`).
    fn nproc(&self) -> usize;
    /// The process in `slot`, if there is one with a pid.
    fn proctab(&self, slot: usize) -> Option<ProcInfo<S>>;
    /// `procindex`: the slot of `pid`.
    fn procindex(&self, pid: u32) -> Option<usize>;
    /// `MACHP(0)->ticks`.
    fn ticks(&self) -> u32;
    /// `postnote(p, 0, msg, flag)`: whether it was queued (not when the
    /// process is not yet running, broken, or has NNOTE pending).
    fn postnote(&self, pid: u32, msg: &str, flag: NoteFlag) -> bool;
    /// `postnotepg`: a note to every user process of the note group but
    /// the writer (`up`).
    fn postnotepg(&self, up: &Up<S>, noteid: u32, msg: &str);
    /// Take the first pending note of `pid`, so that it is not delivered
    /// (a read of `note`).
    fn popnote(&self, pid: u32) -> Option<String>;
    /// Do what a `ctl` message asks.
    fn ctl(&self, up: &Up<S>, pid: u32, ctl: ProcCtl) -> Result<()>;
    /// `setnoteid`: move `pid` into the note group `noteid`.
    fn setnoteid(&self, pid: u32, noteid: u32) -> Result<()>;
    /// Set `p->args` to `args` (`setargs`).
    fn setargs(&self, pid: u32, args: &str) -> Result<()>;
    /// A wstat: the new user, and the new `procmode`.
    fn wstat(&self, pid: u32, user: Option<&str>, procmode: Option<u32>) -> Result<()>;
    /// The next Waitmsg of a child of `pid`, waiting for one: `Enochild`
    /// for `up` itself with no children, `Einuse` while another reads it,
    /// `Eprocdied` if `pid` exits.
    fn wait(&self, up: &Up<S>, pid: u32) -> Result<Waitmsg>;
    /// The channel of the file `pid` was executed from (`Enonexist`).
    fn text(&self, pid: u32) -> Result<Arc<Chan<S>>>;
    /// Read the memory of `pid` at `addr` (user, or for eve kernel,
    /// addresses): `Ebadarg` outside its segments.
    fn readmem(&self, up: &Up<S>, pid: u32, addr: u64, buf: &mut [u8]) -> Result<usize>;
    /// Write the memory of the stopped process `pid` at `addr`.
    fn writemem(&self, up: &Up<S>, pid: u32, addr: u64, buf: &[u8]) -> Result<usize>;
    /// Read a register file at `off`.
    fn readregs(&self, _pid: u32, _f: RegFile, _off: u64, _buf: &mut [u8]) -> Result<usize> {
        Err(Error::Enoreg)
    }
    /// Write `regs` or `fpregs` at `off`.
    fn writeregs(&self, _pid: u32, _f: RegFile, _off: u64, _buf: &[u8]) -> Result<usize> {
        Err(Error::Enoreg)
    }
    /// The profile of the text segment.
    fn profile(&self, _pid: u32) -> Result<Vec<u8>> {
        Err(Error::Msg(String::from("profile is off")))
    }
}

/// Where a read of `ns` or `fd` is (9front's `c->nrock` and `c->mrock`).
#[derive(Default)]
struct Rock {
    /// The next mount id (`ns`) or descriptor + 1 (`fd`); `!0` when `ns`
    /// is done.
    nrock: AtomicU64,
    /// The offset the lines generated so far end at.
    mrock: AtomicI64,
}

/// The `#p` device.
pub struct DevProc<S: Sched> {
    table: Arc<dyn ProcTable<S>>,
    /// Opens of `trace` (`topens`).
    topens: AtomicUsize,
}

fn iseve<S: Sched>(up: &Up<S>) -> bool {
    up.user == up.devtab.eve
}

/// `nonone`: `none` may not read or change other processes.
fn nonone<S: Sched>(up: &Up<S>, p: &ProcInfo<S>) -> Result<()> {
    if p.pid == up.pid || up.user != "none" || iseve(up) {
        return Ok(());
    }
    Err(Error::Eperm)
}

/// The part of a C string before its NUL, as text.
fn cstring(b: &[u8]) -> String {
    let b = match b.iter().position(|&c| c == 0) {
        Some(i) => &b[..i],
        None => b,
    };
    String::from_utf8_lossy(b).into_owned()
}

/// `int2flag`: a mount's flags as ns(1) shows them.
fn int2flag(flag: u32) -> String {
    if flag == 0 {
        return String::new();
    }
    let mut s = String::from("-");
    if flag & MAFTER != 0 {
        s.push('a');
    }
    if flag & MBEFORE != 0 {
        s.push('b');
    }
    if flag & MCREATE != 0 {
        s.push('c');
    }
    if flag & MCACHE != 0 {
        s.push('C');
    }
    s
}

/// `%q`, as the kernel quotes (no extra characters).
fn q(s: &str) -> String {
    quotefmt(s, usize::MAX, false)
}

/// 9front's `statbuf`: what `snprint` leaves of a line in 1024 bytes.
const STATBUF: usize = 1024;

fn clip(mut s: String) -> String {
    if s.len() > STATBUF - 1 {
        let mut n = STATBUF - 1;
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        s.truncate(n);
    }
    s
}

/// `procargs`: the arguments as quoted strings (or, once `args` was
/// written, `text [args]`), in at most 1023 bytes.
fn procargs<S: Sched>(p: &ProcInfo<S>) -> String {
    if p.setargs {
        return clip(format!("{} [{}]", p.text, cstring(&p.args)));
    }
    let mut s = String::new();
    let mut a = &p.args[..];
    while !a.is_empty() && s.len() < STATBUF - 1 {
        if !s.is_empty() {
            s.push(' ');
        }
        let end = a.iter().position(|&c| c == 0).unwrap_or(a.len());
        let arg = String::from_utf8_lossy(&a[..end]);
        let room = (STATBUF - 1).saturating_sub(s.len());
        s.push_str(&quotefmt(&arg, room, false));
        a = &a[(end + 1).min(a.len())..];
    }
    clip(s)
}

impl<S: Sched> DevProc<S> {
    /// The device, over the kernel's process table.
    pub fn new(table: Arc<dyn ProcTable<S>>) -> DevProc<S> {
        DevProc {
            table,
            topens: AtomicUsize::new(0),
        }
    }

    /// The process a channel names, if it still has the pid the channel
    /// was made for (`Eprocdied` if not).
    fn procof(&self, c: &Chan<S>) -> Result<ProcInfo<S>> {
        let p = qidslot(c.qid)
            .and_then(|s| self.table.proctab(s))
            .ok_or(Error::Eprocdied)?;
        if p.pid != c.qid.vers {
            return Err(Error::Eprocdied);
        }
        Ok(p)
    }

    /// `procgen`.
    fn gen(&self, up: &Up<S>, c: &Chan<S>, name: Option<&str>, s: i32) -> Result<Gen> {
        let eve = up.devtab.eve.as_str();
        if s == DEVDOTDOT {
            return Ok(Gen::Entry(devdir(
                up,
                c,
                mkqid(Qdir, 0, QTDIR),
                "#p",
                0,
                eve,
                0o555,
            )));
        }
        let trace = || {
            Gen::Entry(devdir(
                up,
                c,
                mkqid(Qtrace, !0, QTFILE),
                "trace",
                0,
                eve,
                0o400,
            ))
        };
        if c.qid.path == Qdir {
            if s == 0 {
                return Ok(trace());
            }
            let slot = if let Some(name) = name {
                let pid = match name.parse::<u32>() {
                    Ok(pid) if pid != 0 => pid,
                    _ => return Ok(Gen::Done),
                };
                match self.table.procindex(pid) {
                    Some(slot) => slot,
                    None => return Ok(Gen::Done),
                }
            } else {
                let slot = (s - 1) as usize;
                if slot >= self.table.nproc() {
                    return Ok(Gen::Done);
                }
                slot
            };
            let Some(p) = self.table.proctab(slot).filter(|p| p.pid != 0) else {
                return Ok(if name.is_some() { Gen::Done } else { Gen::Skip });
            };
            let pidname = format!("{}", p.pid);
            if name.is_some_and(|n| n != pidname) {
                return Ok(Gen::Done);
            }
            let qid = mkqid(((slot as u64) + 1) << QSHIFT, p.pid, QTDIR);
            return Ok(Gen::Entry(devdir(up, c, qid, &pidname, 0, &p.user, 0o555)));
        }
        if c.qid.path == Qtrace {
            return Ok(trace());
        }
        let Some(tab) = usize::try_from(s).ok().and_then(|s| PROCDIR.get(s)) else {
            return Ok(Gen::Done);
        };
        let Some(p) = qidslot(c.qid).and_then(|s| self.table.proctab(s)) else {
            return Ok(Gen::Done);
        };
        let perm = if tab.perm == 0 {
            p.procmode
        } else {
            tab.perm | (p.procmode & 0o444)
        };
        let len = match tab.qid.path {
            Qwait => p.nwait as u64,
            Qprofile => self.table.profile(p.pid).map_or(0, |v| v.len() as u64),
            _ => tab.length,
        };
        let path = c.qid.path & !((1 << QSHIFT) - 1);
        let qid = mkqid(path | tab.qid.path, c.qid.vers, QTFILE);
        Ok(Gen::Entry(devdir(up, c, qid, tab.name, len, &p.user, perm)))
    }

    /// `changenoteid`.
    fn changenoteid(&self, up: &Up<S>, p: &ProcInfo<S>, noteid: u32) -> Result<()> {
        if noteid == 0 {
            return Err(Error::Ebadarg);
        }
        if noteid == p.noteid {
            return Ok(());
        }
        if noteid == p.pid {
            return self.table.setnoteid(p.pid, noteid);
        }
        for i in 0..self.table.nproc() {
            let Some(pp) = self.table.proctab(i) else {
                continue;
            };
            if pp.noteid != noteid || pp.kp {
                continue;
            }
            if pp.user == p.user {
                nonone(up, &pp)?;
                return self.table.setnoteid(p.pid, noteid);
            }
        }
        Err(Error::Eperm)
    }

    /// `procctlclosefiles`: close `fd`, or with `all` every descriptor
    /// from `fd` on.
    fn closefiles(&self, p: &ProcInfo<S>, all: bool, fd: i32) -> Result<()> {
        let Ok(mut fd) = usize::try_from(fd) else {
            return Err(Error::Ebadfd);
        };
        let f = p.fgrp.as_ref().ok_or(Error::Eprocdied)?;
        loop {
            let c = {
                let mut t = f.lock();
                if fd > t.maxfd || fd >= t.fd.len() {
                    break;
                }
                t.fd[fd].take()
            };
            drop(c);
            if !all {
                break;
            }
            fd += 1;
        }
        Ok(())
    }

    /// `procctlreq`.
    fn ctlreq(&self, up: &Up<S>, p: &ProcInfo<S>, a: &[u8]) -> Result<()> {
        let cb = parsecmd(a);
        let ct = lookupcmd(&cb, PROCCMD)?;
        let atoi = |i: usize| libc::atol::atoi(cb.f[i].as_bytes());
        let ctl = match ct.index {
            CMclose => return self.closefiles(p, false, atoi(1)),
            CMclosefiles => return self.closefiles(p, true, 0),
            CMhang => ProcCtl::Hang(true),
            CMnohang => ProcCtl::Hang(false),
            CMkill => ProcCtl::Kill,
            CMnoswap => ProcCtl::Noswap,
            CMprivate => ProcCtl::Private,
            CMpri | CMfixedpri => {
                let pri = atoi(1);
                if pri > PRINORMAL as i32 && !iseve(up) {
                    return Err(Error::Eperm);
                }
                let pri = pri.clamp(0, NPRIQ as i32 - 1) as u32;
                ProcCtl::Pri {
                    pri,
                    fixed: ct.index == CMfixedpri,
                }
            }
            CMprofile => ProcCtl::Profile,
            CMstart => ProcCtl::Start,
            CMstartstop => ProcCtl::Startstop,
            CMstartsyscall => ProcCtl::Startsyscall,
            CMstop => ProcCtl::Stop,
            CMwaitstop => ProcCtl::Waitstop,
            CMwired => ProcCtl::Wired(atoi(1)),
            CMtrace => match cb.nf() {
                1 => ProcCtl::Trace(None),
                2 => ProcCtl::Trace(Some(atoi(1) != 0)),
                _ => return Err(Error::Msg(String::from("args"))),
            },
            CMinterrupt => ProcCtl::Interrupt,
            CMnointerrupt => ProcCtl::Nointerrupt,
            CMexpel => return Ok(()),
            CMevent => ProcCtl::Event,
            _ => return Err(Error::Ebadctl),
        };
        self.table.ctl(up, p.pid, ctl)
    }

    /// `readns1`: the next line of `ns`: the mount with the smallest id
    /// from `nrock` on, or the `cd` line, or nothing.
    fn readns1(&self, rock: &Rock, p: &ProcInfo<S>) -> Result<String> {
        let (Some(pg), Some(dot)) = (&p.pgrp, &p.dot) else {
            return Err(Error::Eprocdied);
        };
        let minid = rock.nrock.load(Ordering::SeqCst);
        if minid == !0 {
            return Ok(String::new());
        }
        let _r = pg.ns.rlock()?;
        let mut best: Option<(u64, crate::pgrp::Mount<S>, Arc<crate::chan::Mhead<S>>)> = None;
        for mh in pg.mheads() {
            for m in mh.mounts() {
                if m.mountid >= minid && best.as_ref().is_none_or(|b| m.mountid < b.0) {
                    best = Some((m.mountid, m, mh.clone()));
                }
            }
        }
        let Some((id, cm, mh)) = best else {
            rock.nrock.store(!0, Ordering::SeqCst);
            return Ok(clip(format!("cd {}\n", q(&dot.path.s))));
        };
        rock.nrock.store(id + 1, Ordering::SeqCst);
        let flag = int2flag(cm.mflag);
        let line = if cm.to.path.s == "#M" {
            let srv = cm
                .to
                .mchan
                .as_ref()
                .map(|m| m.srvname.clone().unwrap_or_else(|| m.path.s.clone()))
                .unwrap_or_default();
            match cm.spec.as_deref() {
                Some(spec) if !spec.is_empty() => {
                    format!(
                        "mount {} {} {} {}\n",
                        flag,
                        q(&srv),
                        q(&mh.from.path.s),
                        q(spec)
                    )
                }
                _ => format!("mount {} {} {}\n", flag, q(&srv), q(&mh.from.path.s)),
            }
        } else {
            format!(
                "bind {} {} {}\n",
                flag,
                q(&cm.to.path.s),
                q(&mh.from.path.s)
            )
        };
        Ok(clip(line))
    }

    /// `readfd1`: the next line of `fd`: the current directory, then the
    /// next open descriptor.
    fn readfd1(&self, up: &Up<S>, rock: &Rock, p: &ProcInfo<S>) -> String {
        let (Some(fg), Some(dot)) = (&p.fgrp, &p.dot) else {
            return String::new();
        };
        if rock.nrock.load(Ordering::SeqCst) == 0 {
            rock.nrock.store(1, Ordering::SeqCst);
            return clip(format!("{}\n", dot.path.s));
        }
        loop {
            let i = rock.nrock.load(Ordering::SeqCst) as usize - 1;
            let c = {
                let t = fg.lock();
                if i > t.maxfd || i >= t.fd.len() {
                    return String::new();
                }
                t.fd[i].clone()
            };
            rock.nrock.fetch_add(1, Ordering::SeqCst);
            if let Some(c) = c {
                return clip(procfdprint(up, &c, i));
            }
        }
    }

    /// The `ns` and `fd` reads: a line at a time, regenerated from the
    /// start when the offset is not where the last read ended.
    fn readlines(
        &self,
        up: &Up<S>,
        c: &Chan<S>,
        p: &ProcInfo<S>,
        buf: &mut [u8],
        off: u64,
    ) -> Result<usize> {
        let rock = c
            .aux
            .as_ref()
            .and_then(|a| a.clone().downcast::<Rock>().ok())
            .ok_or(Error::Egreg)?;
        let offset = off as i64;
        if offset == 0 || offset != rock.mrock.load(Ordering::SeqCst) {
            rock.nrock.store(0, Ordering::SeqCst);
            rock.mrock.store(0, Ordering::SeqCst);
        }
        let mut line;
        loop {
            line = if qidfile(c.qid) == Qns {
                self.readns1(&rock, p)?
            } else {
                self.readfd1(up, &rock, p)
            };
            if line.is_empty() {
                break;
            }
            let m = rock.mrock.fetch_add(line.len() as i64, Ordering::SeqCst) + line.len() as i64;
            if m > offset {
                break;
            }
        }
        let j = line.len() as i64;
        let i = rock.mrock.load(Ordering::SeqCst) - offset;
        if i <= 0 || i > j {
            return Ok(0);
        }
        let n = buf.len().min(i as usize);
        Ok(readbytes((j - i) as u64, &mut buf[..n], line.as_bytes()))
    }

    fn status(&self, p: &ProcInfo<S>) -> String {
        let ticks = self.table.ticks();
        let sps = p.psstate.as_deref().unwrap_or(statename(p.state));
        let t = &p.time;
        format!(
            "{:<27} {:<27} {:<11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11}\n",
            p.text,
            p.user,
            sps,
            tk2ms(t[TUSER]),
            tk2ms(t[TSYS]),
            tk2ms(ticks.wrapping_sub(t[TREAL])),
            tk2ms(t[TCUSER]),
            tk2ms(t[TCSYS]),
            tk2ms(t[TCREAL]),
            (p.pages.wrapping_mul(BY2PG) / 1024) as u32,
            p.basepri,
            p.priority
        )
    }

    fn segments(p: &ProcInfo<S>) -> String {
        let mut s = String::new();
        for g in &p.segments {
            let f = if g.typ & SG_FAULT != 0 {
                'F'
            } else if g.typ & SG_RONLY != 0 {
                'R'
            } else {
                ' '
            };
            let _ = write!(
                s,
                "{:<6} {}{} {:>8x} {:>8x} {:>4}\n",
                SNAME[(g.typ & SG_TYPE) as usize],
                f,
                if g.profile { 'P' } else { ' ' },
                g.base,
                g.top,
                g.r#ref as i32
            );
        }
        clip(s)
    }
}

/// The control messages of `ctl` (`proccmd`).
const CMclose: u32 = 0;
const CMclosefiles: u32 = 1;
const CMfixedpri: u32 = 2;
const CMhang: u32 = 3;
const CMkill: u32 = 4;
const CMnohang: u32 = 5;
const CMnoswap: u32 = 6;
const CMpri: u32 = 7;
const CMprivate: u32 = 8;
const CMprofile: u32 = 9;
const CMstart: u32 = 10;
const CMstartstop: u32 = 11;
const CMstartsyscall: u32 = 12;
const CMstop: u32 = 13;
const CMwaitstop: u32 = 14;
const CMwired: u32 = 15;
const CMtrace: u32 = 16;
const CMinterrupt: u32 = 17;
const CMnointerrupt: u32 = 18;
const CMperiod: u32 = 19;
const CMdeadline: u32 = 20;
const CMcost: u32 = 21;
const CMsporadic: u32 = 22;
const CMdeadlinenotes: u32 = 23;
const CMadmit: u32 = 24;
const CMextra: u32 = 25;
const CMexpel: u32 = 26;
const CMevent: u32 = 27;

const PROCCMD: &[Cmdtab] = &[
    Cmdtab::new(CMclose, "close", 2),
    Cmdtab::new(CMclosefiles, "closefiles", 1),
    Cmdtab::new(CMfixedpri, "fixedpri", 2),
    Cmdtab::new(CMhang, "hang", 1),
    Cmdtab::new(CMnohang, "nohang", 1),
    Cmdtab::new(CMnoswap, "noswap", 1),
    Cmdtab::new(CMkill, "kill", 1),
    Cmdtab::new(CMpri, "pri", 2),
    Cmdtab::new(CMprivate, "private", 1),
    Cmdtab::new(CMprofile, "profile", 1),
    Cmdtab::new(CMstart, "start", 1),
    Cmdtab::new(CMstartstop, "startstop", 1),
    Cmdtab::new(CMstartsyscall, "startsyscall", 1),
    Cmdtab::new(CMstop, "stop", 1),
    Cmdtab::new(CMwaitstop, "waitstop", 1),
    Cmdtab::new(CMwired, "wired", 2),
    Cmdtab::new(CMtrace, "trace", 0),
    Cmdtab::new(CMinterrupt, "interrupt", 1),
    Cmdtab::new(CMnointerrupt, "nointerrupt", 1),
    Cmdtab::new(CMperiod, "period", 2),
    Cmdtab::new(CMdeadline, "deadline", 2),
    Cmdtab::new(CMcost, "cost", 2),
    Cmdtab::new(CMsporadic, "sporadic", 1),
    Cmdtab::new(CMdeadlinenotes, "deadlinenotes", 1),
    Cmdtab::new(CMadmit, "admit", 1),
    Cmdtab::new(CMextra, "extra", 1),
    Cmdtab::new(CMexpel, "expel", 1),
    Cmdtab::new(CMevent, "event", 1),
];

/// `off2addr`: an offset of `mem` as an address (63 bits, sign-extended).
pub fn off2addr(off: i64) -> u64 {
    ((off << 1) >> 1) as u64
}

impl<S: Sched> Dev<S> for DevProc<S> {
    fn dc(&self) -> char {
        'p'
    }

    fn name(&self) -> &str {
        "proc"
    }

    fn attach(&self, up: &Up<S>, spec: &str) -> Result<Chan<S>> {
        devattach(up, 'p', spec)
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

    fn open(&self, up: &Up<S>, mut c: Chan<S>, omode0: u32) -> Result<Arc<Chan<S>>> {
        let g =
            |up: &Up<S>, c: &Chan<S>, n: Option<&str>, _: &[Dirtab], i: i32| self.gen(up, c, n, i);
        if c.qid.typ & QTDIR != 0 {
            return devopen(up, c, omode0, &[], Some(&g));
        }
        let file = qidfile(c.qid);
        if file == Qtrace {
            if omode0 != OREAD as u32 || !iseve(up) {
                return Err(Error::Eperm);
            }
            if self
                .topens
                .compare_exchange(0, 1, Ordering::SeqCst, Ordering::SeqCst)
                .is_err()
            {
                return Err(Error::Msg(String::from("already open")));
            }
            c.mode = OREAD;
            c.setflag(COPEN);
            c.set_offset(0);
            return Ok(Arc::new(c));
        }
        let p = self.procof(&c)?;
        let omode = openmode(omode0)? as u32;
        let mut pid = p.pid;
        match file {
            Qtext => {
                if omode != OREAD as u32 {
                    return Err(Error::Eperm);
                }
                nonone(up, &p)?;
                let tc = self.table.text(p.pid)?;
                tc.set_offset(0);
                return Ok(tc);
            }
            Qstatus | Qppid | Qproc | Qkfpregs | Qkregs | Qsegment | Qns | Qfd => {
                if omode != OREAD as u32 {
                    return Err(Error::Eperm);
                }
            }
            Qctl | Qargs | Qwait | Qnoteid | Qnote => {
                if (file == Qnote || omode != OREAD as u32) && p.kp {
                    return Err(Error::Eperm);
                }
            }
            Qnotepg => {
                if p.kp || omode != OWRITE as u32 {
                    return Err(Error::Eperm);
                }
                pid = p.noteid;
            }
            Qmem | Qregs | Qfpregs | Qprofile | Qsyscall | Qwatchpt => {
                if p.kp || p.privatemem {
                    return Err(Error::Eperm);
                }
            }
            _ => return Err(Error::Egreg),
        }
        nonone(up, &p)?;
        if pid == 0 {
            return Err(Error::Eprocdied);
        }
        if file == Qns || file == Qfd {
            c.aux = Some(Arc::new(Rock::default()));
        }
        // Affix the pid (for notepg the note group) to the qid; the
        // generator finds the process by slot, so it is still found.
        c.qid.vers = pid;
        devopen(up, c, omode, &[], Some(&g))
    }

    fn close(&self, c: &mut Chan<S>) {
        if c.flag() & COPEN == 0 {
            return;
        }
        if qidfile(c.qid) == Qtrace && c.qid.typ & QTDIR == 0 {
            let _ = self
                .topens
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        }
    }

    fn read(&self, up: &Up<S>, c: &Chan<S>, buf: &mut [u8], off: i64) -> Result<usize> {
        if c.qid.typ & QTDIR != 0 {
            let g = |up: &Up<S>, c: &Chan<S>, n: Option<&str>, _: &[Dirtab], i: i32| {
                self.gen(up, c, n, i)
            };
            return devdirread(up, c, buf, &[], Some(&g));
        }
        let file = qidfile(c.qid);
        if file == Qtrace {
            return Ok(0);
        }
        let offset = off as u64;
        let p = self.procof(c)?;
        let statbufread = |s: &[u8], buf: &mut [u8]| readbytes(offset, buf, s);
        match file {
            Qmem => self.table.readmem(up, p.pid, off2addr(off), buf),
            Qctl => Ok(readnum(offset, buf, p.pid, NUMSIZE)),
            Qnoteid => Ok(readnum(offset, buf, p.noteid, NUMSIZE)),
            Qppid => Ok(readnum(offset, buf, p.parentpid, NUMSIZE)),
            Qprofile => {
                let v = self.table.profile(p.pid)?;
                Ok(readbytes(offset, buf, &v))
            }
            Qproc => self.table.readregs(p.pid, RegFile::Proc, offset, buf),
            Qregs => self.table.readregs(p.pid, RegFile::Regs, offset, buf),
            Qkregs => self.table.readregs(p.pid, RegFile::Kregs, offset, buf),
            Qkfpregs => self.table.readregs(p.pid, RegFile::Kfpregs, offset, buf),
            Qfpregs => self.table.readregs(p.pid, RegFile::Fpregs, offset, buf),
            Qstatus => Ok(statbufread(self.status(&p).as_bytes(), buf)),
            Qsegment => Ok(statbufread(Self::segments(&p).as_bytes(), buf)),
            Qwait => {
                let w = self.table.wait(up, p.pid)?;
                // snprint into the 1024-byte statbuf, then the part that
                // fits, from offset 0.
                let s = w.fmt(STATBUF).unwrap_or_default();
                Ok(readbytes(0, buf, &s))
            }
            Qns | Qfd => self.readlines(up, c, &p, buf, offset),
            Qargs => Ok(statbufread(procargs(&p).as_bytes(), buf)),
            Qwatchpt => Ok(0),
            Qsyscall => Ok(p
                .syscalltrace
                .as_deref()
                .map_or(0, |s| readstr(offset, buf, s))),
            Qnote => {
                if buf.is_empty() {
                    return Err(Error::Etoosmall);
                }
                let Some(msg) = self.table.popnote(p.pid) else {
                    return Ok(0);
                };
                let n = buf.len().min(msg.len() + 1);
                buf[..n - 1].copy_from_slice(&msg.as_bytes()[..n - 1]);
                buf[n - 1] = 0;
                Ok(n)
            }
            _ => Err(Error::Egreg),
        }
    }

    fn write(&self, up: &Up<S>, c: &Chan<S>, a: &[u8], off: i64) -> Result<usize> {
        if c.qid.typ & QTDIR != 0 {
            return Err(Error::Eisdir);
        }
        let n = a.len();
        let file = qidfile(c.qid);
        if file == Qnotepg {
            if n >= ERRMAX {
                return Err(Error::Etoobig);
            }
            self.table.postnotepg(up, c.qid.vers, &cstring(a));
            return Ok(n);
        }
        let p = self.procof(c)?;
        match file {
            Qargs => {
                if off != 0 || n >= ERRMAX {
                    return Err(Error::Etoobig);
                }
                self.table.setargs(p.pid, &cstring(a))?;
            }
            Qmem => {
                if p.state != Procstate::Stopped {
                    return Err(Error::Ebadctl);
                }
                return self.table.writemem(up, p.pid, off2addr(off), a);
            }
            Qregs => return self.table.writeregs(p.pid, RegFile::Regs, off as u64, a),
            Qfpregs => return self.table.writeregs(p.pid, RegFile::Fpregs, off as u64, a),
            Qctl => self.ctlreq(up, &p, a)?,
            Qnote => {
                if n >= ERRMAX {
                    return Err(Error::Etoobig);
                }
                if !self.table.postnote(p.pid, &cstring(a), NoteFlag::User) {
                    return Err(Error::Msg(String::from("note not posted")));
                }
            }
            Qnoteid => {
                if off != 0 || n >= ERRMAX {
                    return Err(Error::Etoobig);
                }
                let id = libc::atol::atoi(cstring(a).as_bytes());
                self.changenoteid(up, &p, id as u32)?;
            }
            _ => return Err(Error::Egreg),
        }
        Ok(n)
    }

    fn wstat(&self, up: &Up<S>, c: &Chan<S>, db: &[u8]) -> Result<usize> {
        if c.qid.typ & QTDIR != 0 {
            return Err(Error::Eperm);
        }
        let file = qidfile(c.qid);
        if file == Qnotepg || file == Qtrace {
            return Err(Error::Eperm);
        }
        let d = Dir::decode(db).map_err(|_| Error::Eshortstat)?;
        let p = self.procof(c)?;
        nonone(up, &p)?;
        if up.user != p.user && !iseve(up) {
            return Err(Error::Eperm);
        }
        let uid = d.uid.to_string_lossy();
        let mut user = None;
        if !uid.is_empty() && uid != p.user {
            if uid != "none" && !iseve(up) {
                return Err(Error::Eperm);
            }
            user = Some(uid.as_ref());
        }
        let mode = (d.mode != !0).then_some(d.mode & 0o777);
        self.table.wstat(p.pid, user, mode)?;
        Ok(db.len())
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use crate::chan::setroot;
    use crate::dev::Devtab;
    use crate::portdat::{MAFTER, MBEFORE, MCREATE, MREPL};
    use crate::segment::{SG_FAULT, SG_RONLY};
    use crate::sysfile::{
        sysbind, sysclose, sysfd2path, sysfstat, sysopen, syspread, sysread, sysstat, syswrite,
        syswstat,
    };
    use crate::testdev::{err, ls, lsn, Ydev, Zdev, EVE, H, USER};
    use alloc::collections::VecDeque;
    use alloc::string::ToString;
    use alloc::vec;
    use libc::convd2m::convD2M;
    use libc::fcall::{DMDIR, ORDWR};
    use libc::nulldir::nulldir;
    use std::sync::Mutex;

    /// A process of the fake table.
    #[derive(Clone)]
    struct P {
        pid: u32,
        text: &'static str,
        user: String,
        state: Procstate,
        kp: bool,
        procmode: u32,
        noteid: u32,
        parentpid: u32,
        args: Vec<u8>,
        setargs: bool,
        notes: VecDeque<String>,
        /// Whether it is the test's own process (its groups are `up`'s).
        isup: bool,
    }

    fn p(pid: u32, text: &'static str, user: &str) -> P {
        P {
            pid,
            text,
            user: user.to_string(),
            state: Procstate::Rendezvous,
            kp: false,
            procmode: 0o640,
            noteid: pid,
            parentpid: 1,
            args: Vec::new(),
            setargs: false,
            notes: VecDeque::new(),
            isup: false,
        }
    }

    /// The kernel's process table as `#p` sees it, recording requests.
    #[derive(Default)]
    struct Table {
        slots: Mutex<Vec<Option<P>>>,
        groups: Mutex<Option<(Arc<Pgrp<H>>, Arc<Fgrp<H>>, Option<Arc<Chan<H>>>)>>,
        ctls: Mutex<Vec<(u32, ProcCtl)>>,
        notepgs: Mutex<Vec<(u32, String, u32)>>,
        noteids: Mutex<Vec<(u32, u32)>>,
        wstats: Mutex<Vec<(u32, Option<String>, Option<u32>)>>,
        text: Mutex<Option<Arc<Chan<H>>>>,
    }

    impl Table {
        fn with<R>(&self, pid: u32, f: impl FnOnce(&mut P) -> R) -> Option<R> {
            let mut s = self.slots.lock().unwrap();
            s.iter_mut().flatten().find(|p| p.pid == pid).map(f)
        }
    }

    impl ProcTable<H> for Table {
        fn nproc(&self) -> usize {
            self.slots.lock().unwrap().len()
        }
        fn proctab(&self, slot: usize) -> Option<ProcInfo<H>> {
            let p = self.slots.lock().unwrap().get(slot).cloned().flatten()?;
            let g = if p.isup {
                self.groups.lock().unwrap().clone()
            } else {
                None
            };
            Some(ProcInfo {
                pid: p.pid,
                text: p.text.to_string(),
                user: p.user.clone(),
                state: p.state,
                psstate: None,
                time: [150, 20, 400, 7, 3, 1234],
                pages: 30,
                basepri: 10,
                priority: 9,
                kp: p.kp,
                privatemem: false,
                procmode: p.procmode,
                noteid: p.noteid,
                parentpid: p.parentpid,
                nwait: 0,
                args: p.args.clone(),
                setargs: p.setargs,
                segments: vec![
                    SegInfo {
                        typ: 3,
                        profile: false,
                        base: 0x7ffffefff000,
                        top: 0x7ffffffff000,
                        r#ref: 1,
                    },
                    SegInfo {
                        typ: SG_RONLY,
                        profile: false,
                        base: 0x200000,
                        top: 0x22a000,
                        r#ref: 2,
                    },
                    SegInfo {
                        typ: 1 | SG_FAULT,
                        profile: true,
                        base: 0x22a000,
                        top: 0x230000,
                        r#ref: 1,
                    },
                ],
                syscalltrace: None,
                pgrp: g.as_ref().map(|g| g.0.clone()),
                fgrp: g.as_ref().map(|g| g.1.clone()),
                dot: g.and_then(|g| g.2),
            })
        }
        fn procindex(&self, pid: u32) -> Option<usize> {
            let s = self.slots.lock().unwrap();
            s.iter()
                .position(|p| p.as_ref().is_some_and(|p| p.pid == pid))
        }
        fn ticks(&self) -> u32 {
            1000
        }
        fn postnote(&self, pid: u32, msg: &str, flag: NoteFlag) -> bool {
            assert_eq!(flag, NoteFlag::User);
            self.with(pid, |p| {
                if p.notes.len() >= crate::proc::NNOTE {
                    return false;
                }
                p.notes.push_back(msg.to_string());
                true
            })
            .unwrap_or(false)
        }
        fn postnotepg(&self, up: &Up<H>, noteid: u32, msg: &str) {
            self.notepgs
                .lock()
                .unwrap()
                .push((noteid, msg.to_string(), up.pid));
        }
        fn popnote(&self, pid: u32) -> Option<String> {
            self.with(pid, |p| p.notes.pop_front()).flatten()
        }
        fn ctl(&self, _up: &Up<H>, pid: u32, ctl: ProcCtl) -> Result<()> {
            self.ctls.lock().unwrap().push((pid, ctl));
            Ok(())
        }
        fn setnoteid(&self, pid: u32, noteid: u32) -> Result<()> {
            self.noteids.lock().unwrap().push((pid, noteid));
            Ok(())
        }
        fn setargs(&self, pid: u32, args: &str) -> Result<()> {
            self.with(pid, |p| {
                p.args = args.as_bytes().to_vec();
                p.setargs = true;
            })
            .ok_or(Error::Eprocdied)
        }
        fn wstat(&self, pid: u32, user: Option<&str>, mode: Option<u32>) -> Result<()> {
            self.wstats
                .lock()
                .unwrap()
                .push((pid, user.map(String::from), mode));
            Ok(())
        }
        fn wait(&self, up: &Up<H>, pid: u32) -> Result<Waitmsg> {
            if pid == up.pid {
                return Err(Error::Enochild);
            }
            Ok(Waitmsg {
                pid: 61,
                time: [10, 20, 30],
                msg: String::from("sys: killed"),
            })
        }
        fn text(&self, _pid: u32) -> Result<Arc<Chan<H>>> {
            self.text.lock().unwrap().clone().ok_or(Error::Enonexist)
        }
        fn readmem(&self, _up: &Up<H>, _pid: u32, addr: u64, buf: &mut [u8]) -> Result<usize> {
            if addr != 0x200000 {
                return Err(Error::Ebadarg);
            }
            buf.fill(0xcc);
            Ok(buf.len())
        }
        fn writemem(&self, _up: &Up<H>, _pid: u32, _addr: u64, buf: &[u8]) -> Result<usize> {
            Ok(buf.len())
        }
    }

    struct W {
        t: Arc<Table>,
        up: Up<H>,
    }

    /// A kernel of `#Y`, `#Z` and `#p` whose table holds the kernel
    /// process 1 (eve's), the process 42 that is `up` (a glenda rc in
    /// slot 2, slot 1 being empty), bootes's 57 and glenda's 60 (in
    /// note group 42) and 61; `#p` is bound on `/proc`.
    fn pworld(user: &str) -> W {
        let t = Arc::new(Table::default());
        let y = Arc::new(Ydev::default());
        y.mk("root", "proc/", "");
        y.mk("root", "a/x", "a");
        y.mk("root", "b/", "");
        y.mk("root", "bin/cat", "ELF");
        let devs: Vec<Arc<dyn Dev<H>>> = vec![
            y,
            Arc::new(Zdev::default()),
            Arc::new(DevProc::new(t.clone() as Arc<dyn ProcTable<H>>)),
        ];
        let dt = Devtab::new(EVE, devs).unwrap();
        let mut up = Up::new(Arc::new(dt), user);
        setroot(&mut up, "#Yroot").unwrap();
        up.pid = 42;
        up.parentpid = 1;
        up.noteid = 42;
        sysbind(&up, "#p", "/proc", MREPL).unwrap();
        let mut kp = p(1, "alarm", EVE);
        kp.kp = true;
        let mut me = p(42, "rc", user);
        me.isup = true;
        me.args = b"rc\0-i\0".to_vec();
        let mut cat = p(57, "cat", EVE);
        cat.args = b"cat\0-n\0a b\0it's\0".to_vec();
        let mut sleep = p(60, "sleep", USER);
        sleep.noteid = 42;
        sleep.parentpid = 42;
        *t.slots.lock().unwrap() = vec![
            Some(kp),
            None,
            Some(me),
            Some(cat),
            Some(sleep),
            Some(p(61, "echo", USER)),
        ];
        *t.groups.lock().unwrap() = Some((up.pgrp.clone(), up.fgrp.clone(), up.dot.clone()));
        W { t, up }
    }

    fn open(up: &Up<H>, name: &str, mode: u8) -> Result<i32> {
        sysopen(up, name, mode as u32).map(|fd| fd as i32)
    }

    fn read1(up: &Up<H>, fd: i32, n: usize) -> Vec<u8> {
        let mut buf = vec![0u8; n];
        let k = sysread(up, fd, &mut buf).unwrap();
        buf.truncate(k);
        buf
    }

    /// Each read of `name` with a buffer of `n`, until one returns 0.
    fn reads(up: &Up<H>, name: &str, n: usize) -> Vec<Vec<u8>> {
        let fd = open(up, name, OREAD).unwrap();
        let mut v = Vec::new();
        loop {
            let b = read1(up, fd, n);
            if b.is_empty() {
                break;
            }
            v.push(b);
        }
        sysclose(up, fd).unwrap();
        v
    }

    fn readall(up: &Up<H>, name: &str, n: usize) -> String {
        String::from_utf8(reads(up, name, n).concat()).unwrap()
    }

    fn write(up: &Up<H>, name: &str, data: &[u8]) -> Result<usize> {
        let fd = open(up, name, OWRITE)?;
        let r = syswrite(up, fd, data);
        sysclose(up, fd).unwrap();
        r
    }

    #[test]
    fn directories_list_processes_and_procdir() {
        // procgen: #p has trace, then a directory per process in slot
        // order, named by pid, owned by its user, mode 0555; each holds
        // procdir's files.
        let w = pworld(USER);
        let up = &w.up;
        assert_eq!(ls(up, "/proc"), ["trace", "1", "42", "57", "60", "61"]);
        let d = lsn(up, "/proc", 8192).unwrap();
        assert_eq!(d[3].uid.to_string_lossy(), EVE);
        assert_eq!(d[3].mode, DMDIR | 0o555);
        assert_eq!(d[3].qid, mkqid(4 << QSHIFT, 57, QTDIR));
        assert_eq!(d[0].qid, mkqid(Qtrace, !0, QTFILE));
        assert_eq!(d[0].mode, 0o400);
        let names: Vec<&str> = PROCDIR.iter().map(|d| d.name).collect();
        assert_eq!(ls(up, "/proc/60"), names);
        // Modes: procmode (0640) for files of mode 0, else the table's
        // mode with procmode's read bits.
        let d = lsn(up, "/proc/60", 8192).unwrap();
        let mode = |n: &str| {
            d.iter()
                .find(|d| d.name.to_string_lossy() == n)
                .unwrap()
                .mode
        };
        assert_eq!(mode("ctl"), 0o640);
        assert_eq!(mode("args"), 0o660);
        assert_eq!(mode("wait"), 0o440);
        assert_eq!(mode("noteid"), 0o664);
        assert_eq!(mode("status"), 0o444);
        assert_eq!(d[0].uid.to_string_lossy(), USER);
        let st = d
            .iter()
            .find(|d| d.name.to_string_lossy() == "status")
            .unwrap();
        assert_eq!(st.length, 176);
        assert_eq!(st.qid, mkqid((5 << QSHIFT) | Qstatus, 60, QTFILE));
        // Names must be the pid as formatted.
        for bad in [
            "/proc/060",
            "/proc/0",
            "/proc/99",
            "/proc/x",
            "/proc/60/nope",
        ] {
            assert_eq!(
                err(open(up, bad, OREAD)),
                format!("file does not exist: '{bad}'")
            );
        }
        let mut db = [0u8; 200];
        let n = sysstat(up, "/proc/60/..", &mut db).unwrap();
        assert_eq!(Dir::decode(&db[..n]).unwrap().qid, mkqid(Qdir, 0, QTDIR));
    }

    #[test]
    fn status_is_9fronts_fixed_width_line() {
        // procread's Qstatus: "%-27s %-27s %-11s" and nine "%11lud":
        // six times in ms (real: now - start), memory in KiB, priorities.
        let w = pworld(USER);
        let s = readall(&w.up, "/proc/57/status", 1000);
        let want = format!(
            "{:<27} {:<27} {:<11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11}\n",
            "cat", "bootes", "Rendez", 1500, 200, 6000, 70, 30, 12340, 120, 10, 9
        );
        assert_eq!(s, want);
        assert_eq!(s.len(), STATSIZE as usize);
        assert_eq!(readall(&w.up, "/proc/57/status", 7), want);
        let fd = open(&w.up, "/proc/57/status", OREAD).unwrap();
        let mut b = [0u8; 10];
        assert_eq!(syspread(&w.up, fd, &mut b, 170).unwrap(), 6);
        assert_eq!(&b[..6], b"    9\n");
        assert_eq!(
            err(open(&w.up, "/proc/57/status", OWRITE)),
            "permission denied: '/proc/57/status'"
        );
    }

    #[test]
    fn numbers_segments_and_args() {
        // Qctl, Qnoteid, Qppid: readnum; Qsegment: "%-6s %c%c %8p %8p
        // %4ld"; Qargs: the exec arguments quoted, or "text [args]".
        let w = pworld(USER);
        let up = &w.up;
        assert_eq!(readall(up, "/proc/60/ctl", 100), "         60 ");
        assert_eq!(readall(up, "/proc/60/noteid", 5), "         42 ");
        assert_eq!(readall(up, "/proc/60/ppid", 100), "         42 ");
        assert_eq!(
            readall(up, "/proc/57/segment", 1000),
            "Stack     7ffffefff000 7ffffffff000    1\n\
             Text   R    200000   22a000    2\n\
             Data   FP   22a000   230000    1\n"
        );
        assert_eq!(readall(up, "/proc/42/args", 100), "rc -i");
        assert_eq!(
            readall(&pworld(EVE).up, "/proc/57/args", 3),
            "cat -n 'a b' 'it''s'"
        );
        assert_eq!(write(up, "/proc/60/args", b"sleep 1000").unwrap(), 10);
        assert_eq!(readall(up, "/proc/60/args", 100), "sleep [sleep 1000]");
        assert_eq!(
            err(write(up, "/proc/60/args", &[b'x'; ERRMAX])),
            "read or write too large"
        );
        let fd = open(up, "/proc/60/args", ORDWR).unwrap();
        assert_eq!(
            err(crate::sysfile::syspwrite(up, fd, b"x", 1)),
            "read or write too large"
        );
    }

    #[test]
    fn ns_reads_a_line_at_a_time() {
        // readns1: the mounts in the order they were made, as
        // "bind %s %q %q" with int2flag's flags, then "cd %q"; each read
        // gives at most one line (ns(1) reads it this way).
        let w = pworld(USER);
        let up = &w.up;
        sysbind(up, "/b", "/a", MBEFORE).unwrap();
        sysbind(up, "#Z", "/a", MAFTER | MCREATE).unwrap();
        sysbind(up, "/a/x", "/bin/cat", MREPL).unwrap();
        let lines: Vec<String> = reads(up, "/proc/42/ns", 1000)
            .into_iter()
            .map(|b| String::from_utf8(b).unwrap())
            .collect();
        assert_eq!(
            lines,
            [
                "bind  #p /proc\n",
                "bind -b /b /a\n",
                "bind  /a /a\n",
                "bind -ac #Z /a\n",
                "bind  /a/x /bin/cat\n",
                "cd /\n"
            ]
        );
        let all = lines.concat();
        assert_eq!(readall(up, "/proc/42/ns", 3), all);
        // A read at another offset starts again and finds its line.
        let fd = open(up, "/proc/42/ns", OREAD).unwrap();
        let mut b = [0u8; 100];
        let n = syspread(up, fd, &mut b, 17).unwrap();
        assert_eq!(&b[..n], b"nd -b /b /a\n");
        let n = syspread(up, fd, &mut b, 0).unwrap();
        assert_eq!(&b[..n], b"bind  #p /proc\n");
        let n = syspread(up, fd, &mut b, all.len() as i64).unwrap();
        assert_eq!(n, 0);
        // Another process's ns is readable (0444) but this one's groups
        // are the kernel's; a process without them has died.
        assert_eq!(
            err(open(up, "/proc/42/ns", OWRITE)),
            "permission denied: '/proc/42/ns'"
        );
        assert_eq!(readall(up, "/proc/60/status", 1000).len(), 176);
        let fd = open(up, "/proc/60/ns", OREAD).unwrap();
        assert_eq!(err(sysread(up, fd, &mut b)), "process exited");
    }

    #[test]
    fn fd_lists_dot_and_descriptors() {
        // readfd1 and procfdprint: the current directory, then
        // "%3d %.2s %C %4ld (%.16llux %lud %.2ux) %5ld %8lld %s".
        let w = pworld(USER);
        let up = &w.up;
        let a = open(up, "/a/x", OREAD).unwrap();
        read1(up, a, 1);
        let z = open(up, "#Z/b", ORDWR).unwrap();
        sysclose(up, open(up, "/a/x", OREAD).unwrap() + 0).ok();
        let mut db = [0u8; 200];
        let n = sysfstat(up, a, &mut db).unwrap();
        let ax = Dir::decode(&db[..n]).unwrap().qid;
        let lines: Vec<String> = reads(up, "/proc/42/fd", 1000)
            .into_iter()
            .map(|b| String::from_utf8(b).unwrap())
            .collect();
        assert_eq!(
            lines,
            [
                "/\n".to_string(),
                format!(
                    "  0 r  Y    0 ({:016x} {} 00)     0        1 /a/x\n",
                    ax.path, ax.vers
                ),
                "  1 rw Z    0 (0000000000000002 0 00)     0        0 #Z/b\n".to_string(),
                // The reading channel's offset is where this read starts.
                format!(
                    "  2 r  p    0 ({:016x} 42 00)     0 {:>8} /proc/42/fd\n",
                    (3 << QSHIFT) | Qfd,
                    lines[..3].concat().len()
                ),
            ]
        );
        let _ = z;
    }

    #[test]
    fn notes_are_posted_and_read() {
        // procwrite's Qnote: a note shorter than ERRMAX is posted (or
        // "note not posted"); a read takes the first one, NUL ended.
        let w = pworld(USER);
        let up = &w.up;
        assert_eq!(write(up, "/proc/60/note", b"hangup").unwrap(), 6);
        assert_eq!(
            err(write(up, "/proc/60/note", &[b'n'; ERRMAX])),
            "read or write too large"
        );
        assert_eq!(
            write(up, "/proc/60/note", &[b'n'; ERRMAX - 1]).unwrap(),
            ERRMAX - 1
        );
        for _ in 0..3 {
            write(up, "/proc/60/note", b"interrupt").unwrap();
        }
        assert_eq!(
            err(write(up, "/proc/60/note", b"one more")),
            "note not posted"
        );
        let fd = open(up, "/proc/60/note", OREAD).unwrap();
        assert_eq!(read1(up, fd, 100), b"hangup\0");
        assert_eq!(read1(up, fd, 5), b"nnnn\0");
        assert_eq!(err(sysread(up, fd, &mut [])), "read or write too small");
        // Another user's process: the note file is procmode 0640.
        assert_eq!(
            err(write(up, "/proc/57/note", b"kill")),
            "permission denied: '/proc/57/note'"
        );
        // A kernel process takes no notes, even from eve.
        let e = pworld(EVE);
        assert_eq!(
            err(write(&e.up, "/proc/1/note", b"x")),
            "permission denied: '/proc/1/note'"
        );
        // notepg: write only, to the note group (the opener's group).
        assert_eq!(
            err(open(up, "/proc/60/notepg", OREAD)),
            "permission denied: '/proc/60/notepg'"
        );
        assert_eq!(write(up, "/proc/60/notepg", b"alarm\0junk").unwrap(), 10);
        assert_eq!(
            *w.t.notepgs.lock().unwrap(),
            [(42, "alarm".to_string(), 42)]
        );
        assert_eq!(
            err(write(up, "/proc/60/notepg", &[b'x'; ERRMAX])),
            "read or write too large"
        );
    }

    #[test]
    fn ctl_messages() {
        // procctlreq: proccmd's messages; the priority above PriNormal is
        // eve's and is clamped; unknown and wrong-count messages are
        // lookupcmd's errors; real-time ones are not supported.
        let w = pworld(USER);
        let up = &w.up;
        for m in [
            "kill",
            "hang",
            "nohang\n",
            "pri 5",
            "pri -3",
            "wired 1",
            "trace",
            "trace 0",
            "interrupt",
            "stop",
        ] {
            assert_eq!(
                write(up, "/proc/60/ctl", m.as_bytes()).unwrap(),
                m.len(),
                "{m}"
            );
        }
        assert_eq!(
            w.t.ctls
                .lock()
                .unwrap()
                .iter()
                .map(|c| c.1.clone())
                .collect::<Vec<_>>(),
            [
                ProcCtl::Kill,
                ProcCtl::Hang(true),
                ProcCtl::Hang(false),
                ProcCtl::Pri {
                    pri: 5,
                    fixed: false
                },
                ProcCtl::Pri {
                    pri: 0,
                    fixed: false
                },
                ProcCtl::Wired(1),
                ProcCtl::Trace(None),
                ProcCtl::Trace(Some(false)),
                ProcCtl::Interrupt,
                ProcCtl::Stop,
            ]
        );
        assert_eq!(
            err(write(up, "/proc/60/ctl", b"pri 11")),
            "permission denied"
        );
        assert_eq!(
            err(write(up, "/proc/60/ctl", b"frob")),
            "unknown control message \"frob\""
        );
        assert_eq!(
            err(write(up, "/proc/60/ctl", b"kill 9")),
            "wrong #args in control message \"kill 9\""
        );
        assert_eq!(err(write(up, "/proc/60/ctl", b"")), "empty control message");
        assert_eq!(err(write(up, "/proc/60/ctl", b"trace 1 2")), "args");
        assert_eq!(
            err(write(up, "/proc/60/ctl", b"period 10ms")),
            "bad process or channel control request"
        );
        assert_eq!(
            err(write(up, "/proc/60/ctl", b"close -1")),
            "fd out of range or not open"
        );
        // Another user's ctl: procmode 0640 gives others nothing, and eve
        // only the group's read bit.
        assert_eq!(
            err(write(up, "/proc/57/ctl", b"kill")),
            "permission denied: '/proc/57/ctl'"
        );
        let e = pworld(EVE);
        assert_eq!(
            err(write(&e.up, "/proc/60/ctl", b"kill")),
            "permission denied: '/proc/60/ctl'"
        );
        assert_eq!(
            err(write(&e.up, "/proc/1/ctl", b"kill")),
            "permission denied: '/proc/1/ctl'"
        );
        write(&e.up, "/proc/57/ctl", b"fixedpri 25").unwrap();
        assert_eq!(
            e.t.ctls.lock().unwrap()[0],
            (
                57,
                ProcCtl::Pri {
                    pri: 19,
                    fixed: true
                }
            )
        );
    }

    #[test]
    fn ctl_closes_descriptors() {
        // procctlclosefiles: "close n" closes one descriptor of the
        // process, "closefiles" all of them.
        let w = pworld(USER);
        let up = &w.up;
        let a = open(up, "/a/x", OREAD).unwrap();
        let b = open(up, "/a/x", OREAD).unwrap();
        let c = open(up, "/a/x", OREAD).unwrap();
        let ctl = open(up, "/proc/42/ctl", OWRITE).unwrap();
        syswrite(up, ctl, format!("close {b}").as_bytes()).unwrap();
        assert_eq!(err(sysfd2path(up, b)), "fd out of range or not open");
        assert_eq!(sysfd2path(up, c).unwrap(), "/a/x");
        syswrite(up, ctl, b"close 50").unwrap();
        syswrite(up, ctl, b"closefiles").unwrap();
        for fd in [a, c, ctl] {
            assert_eq!(err(sysfd2path(up, fd)), "fd out of range or not open");
        }
    }

    #[test]
    fn none_cannot_touch_other_processes() {
        // nonone: none may not open another process's files, even those
        // every user may read; its own it may.
        let w = pworld("none");
        assert_eq!(
            err(open(&w.up, "/proc/57/status", OREAD)),
            "permission denied: '/proc/57/status'"
        );
        assert_eq!(readall(&w.up, "/proc/42/status", 1000).len(), 176);
    }

    #[test]
    fn noteid_moves_between_groups_of_the_same_user() {
        // changenoteid: to the process's own pid, or to a group that a
        // process of the same user is in; else Eperm; 0 is Ebadarg.
        let w = pworld(USER);
        let up = &w.up;
        write(up, "/proc/60/noteid", b"42").unwrap();
        write(up, "/proc/60/noteid", b"60").unwrap();
        write(up, "/proc/60/noteid", b"61").unwrap();
        assert_eq!(
            err(write(up, "/proc/60/noteid", b"57")),
            "permission denied"
        );
        assert_eq!(
            err(write(up, "/proc/60/noteid", b"1")),
            "permission denied",
            "kproc's"
        );
        assert_eq!(
            err(write(up, "/proc/60/noteid", b"0")),
            "bad arg in system call"
        );
        assert_eq!(
            err(write(up, "/proc/60/noteid", b"junk")),
            "bad arg in system call"
        );
        assert_eq!(*w.t.noteids.lock().unwrap(), [(60, 60), (60, 61)]);
        let fd = open(up, "/proc/60/noteid", ORDWR).unwrap();
        assert_eq!(
            err(crate::sysfile::syspwrite(up, fd, b"61", 2)),
            "read or write too large"
        );
    }

    #[test]
    fn wait_reads_a_waitmsg() {
        // Qwait: "%d %lud %lud %lud %q" of the next Waitmsg, from offset
        // 0 whatever the offset; the kernel's errors come through.
        let w = pworld(USER);
        let up = &w.up;
        let fd = open(up, "/proc/60/wait", OREAD).unwrap();
        assert_eq!(read1(up, fd, 100), b"61 10 20 30 'sys: killed'");
        assert_eq!(read1(up, fd, 5), b"61 10");
        assert_eq!(err(readall_r(up, "/proc/42/wait")), "no living children");
        assert_eq!(
            err(open(up, "/proc/57/wait", OREAD)),
            "permission denied: '/proc/57/wait'"
        );
    }

    fn readall_r(up: &Up<H>, name: &str) -> Result<usize> {
        let fd = open(up, name, OREAD)?;
        sysread(up, fd, &mut [0u8; 100])
    }

    #[test]
    fn text_opens_the_program() {
        // procopen's Qtext: the channel of the executed file, rewound.
        let w = pworld(USER);
        let up = &w.up;
        assert_eq!(
            err(open(up, "/proc/60/text", OREAD)),
            "file does not exist: '/proc/60/text'"
        );
        let c = crate::chan::namec(
            up,
            "/bin/cat",
            crate::portdat::Amode::Aopen,
            OREAD as u32,
            0,
        )
        .unwrap();
        c.set_offset(2);
        *w.t.text.lock().unwrap() = Some(c);
        let fd = open(up, "/proc/60/text", OREAD).unwrap();
        assert_eq!(read1(up, fd, 100), b"ELF");
        assert_eq!(sysfd2path(up, fd).unwrap(), "/bin/cat");
        assert_eq!(
            err(open(up, "/proc/60/text", OWRITE)),
            "permission denied: '/proc/60/text'"
        );
    }

    #[test]
    fn a_dead_process_gives_eprocdied() {
        // The pid in the qid no longer names the slot's process.
        let w = pworld(USER);
        let up = &w.up;
        let fd = open(up, "/proc/60/status", OREAD).unwrap();
        w.t.slots.lock().unwrap()[4].as_mut().unwrap().pid = 70;
        assert_eq!(err(sysread(up, fd, &mut [0u8; 10])), "process exited");
        w.t.slots.lock().unwrap()[4] = None;
        assert_eq!(err(sysread(up, fd, &mut [0u8; 10])), "process exited");
        assert_eq!(
            err(open(up, "/proc/60/ctl", OREAD)),
            "file does not exist: '/proc/60'"
        );
    }

    #[test]
    fn mem_regs_and_trace() {
        // Qmem: reads at the address; writes only to a stopped process.
        // Registers the kernel does not keep: Enoreg. trace: eve's, once.
        let w = pworld(USER);
        let up = &w.up;
        let fd = open(up, "/proc/60/mem", ORDWR).unwrap();
        let mut b = [0u8; 4];
        assert_eq!(syspread(up, fd, &mut b, 0x200000).unwrap(), 4);
        assert_eq!(b, [0xcc; 4]);
        assert_eq!(
            err(syspread(up, fd, &mut b, 0x100)),
            "bad arg in system call"
        );
        assert_eq!(
            err(crate::sysfile::syspwrite(up, fd, &b, 0x200000)),
            "bad process or channel control request"
        );
        w.t.with(60, |p| p.state = Procstate::Stopped);
        assert_eq!(crate::sysfile::syspwrite(up, fd, &b, 0x200000).unwrap(), 4);
        assert_eq!(off2addr(-1), u64::MAX);
        let fd = open(up, "/proc/60/regs", OREAD).unwrap();
        assert_eq!(
            err(sysread(up, fd, &mut b)),
            "process has no saved registers"
        );
        assert_eq!(
            err(open(up, "/proc/57/mem", OREAD)),
            "permission denied: '/proc/57/mem'"
        );
        assert_eq!(
            err(open(up, "/proc/trace", OREAD)),
            "permission denied: '/proc/trace'"
        );
        let e = pworld(EVE);
        let t = open(&e.up, "/proc/trace", OREAD).unwrap();
        assert_eq!(
            err(open(&e.up, "/proc/trace", OREAD)),
            "already open: '/proc/trace'"
        );
        assert_eq!(read1(&e.up, t, 100), b"");
        sysclose(&e.up, t).unwrap();
        let t = open(&e.up, "/proc/trace", OREAD).unwrap();
        sysclose(&e.up, t).unwrap();
    }

    #[test]
    fn wstat_changes_user_and_procmode() {
        // procwstat: the owner or eve; a new user only none (or any, by
        // eve); the mode's permission bits become procmode.
        let w = pworld(USER);
        let up = &w.up;
        let mut d = nulldir();
        d.mode = 0o666;
        let mut db = [0u8; 100];
        let n = convD2M(&d, &mut db) as usize;
        assert_eq!(syswstat(up, "/proc/60/ctl", &db[..n]).unwrap(), n);
        d.mode = !0;
        d.uid = "bob".into();
        let n = convD2M(&d, &mut db) as usize;
        assert_eq!(
            err(syswstat(up, "/proc/60/ctl", &db[..n])),
            "permission denied"
        );
        assert_eq!(
            err(syswstat(up, "/proc/57/ctl", &db[..n])),
            "permission denied"
        );
        assert_eq!(err(syswstat(up, "/proc/60", &db[..n])), "permission denied");
        d.uid = "none".into();
        let n = convD2M(&d, &mut db) as usize;
        syswstat(up, "/proc/60/status", &db[..n]).unwrap();
        assert_eq!(
            *w.t.wstats.lock().unwrap(),
            [
                (60, None, Some(0o666)),
                (60, Some("none".to_string()), None)
            ]
        );
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(128))]

            #[test]
            fn junk_written_to_proc_files_is_an_error_or_taken(
                data in proptest::collection::vec(any::<u8>(), 0..200),
                words in "(kill|pri|close|wired|trace|closefiles|period|nohang) ?-?[0-9]{0,12}",
                file in 0usize..5,
                off in 0i64..1000,
            ) {
                // The kernel never panics on what a program writes or how
                // it reads: every call gives a count or an error string.
                let w = pworld(USER);
                let up = &w.up;
                let name = ["ctl", "note", "noteid", "args", "notepg"][file];
                let fd = open(up, &format!("/proc/60/{name}"), OWRITE).unwrap();
                let _ = crate::sysfile::syspwrite(up, fd, &data, off);
                let _ = crate::sysfile::syspwrite(up, fd, words.as_bytes(), 0);
                for f in ["status", "ns", "fd", "segment", "args", "ctl"] {
                    let fd = open(up, &format!("/proc/42/{f}"), OREAD).unwrap();
                    let mut b = vec![0u8; (off as usize % 64) + 1];
                    let r = syspread(up, fd, &mut b, off);
                    prop_assert!(r.is_ok());
                }
            }
        }
    }
}
