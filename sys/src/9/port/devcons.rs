//! The console device `#c`: a port of 9front's `port/devcons.c`, with the
//! `kmesg` buffer of `portdat.h`, `readnum` and `readstr` (which other
//! devices use), and the host-owner and user writes of `port/auth.c`.
//!
//! [`Cons`] serves 9front's files: `bintime`, `cons`, `consctl`,
//! `cputime`, `drivers`, `hostdomain`, `hostowner`, `kmesg`, `kprint`,
//! `null`, `osversion`, `pid`, `ppid`, `random`, `reboot`, `sysname`,
//! `sysstat`, `time`, `user`, `zero`, `config` and `mordor`, with
//! 9front's formats: numbers as `readnum` pads them (11 columns and a
//! blank), `time` as `%11lud %21llud %21llud %21llud `, `bintime` as three
//! big-endian 64-bit numbers, `sysstat` ten numbers a processor. What it
//! needs from the machine and the kernel comes through [`ConsHost`], which
//! the kernel implements. [`Kmesg`] is the log the kernel keeps of its
//! console output (`kmesgputs`).
//!
//! What differs from 9front:
//!
//! - Console input. 9front's kernel leaves it to `kbdfs(8)`: a read of
//!   `#c/cons` is `Egreg` and `#c/consctl` takes no messages. planten has
//!   no kbdfs yet, so `#c` does what kbdfs does for a serial console:
//!   bytes from the input queue the kernel fills ([`ConsHost::kbdq`])
//!   lose XON/XOFF and NULs, `\r` and `\r\n` become `\n`; in cooked mode a
//!   line is edited as kbdfs's `lineproc` edits it (backspace erases a
//!   rune, ^U the line, ^W back over the last blank, ^D ends the line
//!   without adding itself, so that on an empty line the read gives 0,
//!   Del posts an interrupt and drops the line) with typed runes echoed;
//!   `rawon` on `consctl` passes runes through unechoed until `rawoff` or
//!   the last close of `consctl`. Reads give what kbdfs's `reqproc`
//!   gives: the rest of a line first, then further whole lines that fit.
//!   Bad messages to `consctl` get kbdfs's `invalid argument`. Unlike
//!   kbdfs, which cooks input as it arrives, the cooking (and the echo)
//!   happens when a process reads `cons`: input typed while no one reads
//!   waits, raw, in the queue, and is cooked in the mode of the moment it
//!   is read.
//! - Output (`putstrn`) is the kernel's: [`ConsHost::putstrn`] writes to
//!   the log, the screen and the serial line. A reader of `kprint` gets
//!   what the kernel passes to [`Cons::kprintputs`].
//! - `hostowner` and `user` writes check what 9front checks, then ask the
//!   kernel to rename the host owner and set the process's user
//!   ([`ConsHost::sethostowner`], [`ConsHost::setuser`]); the device table
//!   keeps `eve`. `reboot` hands the parsed message to the kernel.
//! - Not here: 9front's `print`, `iprint`, `panic`, `pprint` (the
//!   kernel's); `swap` is devswap's, not devcons's, and there is no
//!   `mousectl` or `kbd` in 9front's `#c` either.
//! - Offsets are 64-bit; 9front's `readstr` and `readnum` take them as a
//!   32-bit `ulong`.

// The qids keep 9front's names (`Qcons`, ...).
#![allow(non_upper_case_globals)]

use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, Ordering};

use libc::fcall::{Qid, DMDIR, DMEXCL, QTDIR, QTEXCL, QTFILE};
use libc::rune::{chartorune, fullrune, push_rune, Rune, RUNEERROR};

use crate::chan::Chan;
use crate::dev::{
    devallowed, devattach, devdirread, devmask, devopen, devstat, devwalk, Dev, Dirtab, Walkqid,
};
use crate::parse::{lookupcmd, parsecmd, Cmdtab};
use crate::portclock::tk2ms;
use crate::portdat::{Up, COPEN, KNAMELEN, NUMSIZE, READSTR};
use crate::portfns::{ILock, QLock, Sched};
use crate::qio::{Maxatomic, Qcoalesce, Queue};
use crate::{Error, Result};

/// Bytes kept in the kernel's log (the size of `kmesg.buf`).
pub const KMESGSIZE: usize = 16384;

/// The log: the last [`KMESGSIZE`] bytes written, oldest first.
#[derive(Clone)]
pub struct Kmesg {
    n: usize,
    buf: [u8; KMESGSIZE],
}

impl Default for Kmesg {
    fn default() -> Self {
        Self::new()
    }
}

impl Kmesg {
    /// An empty log.
    pub const fn new() -> Self {
        Kmesg {
            n: 0,
            buf: [0; KMESGSIZE],
        }
    }

    /// `kmesgputs`: append `s`; of a write longer than the buffer keep its
    /// tail, and otherwise slide older bytes out to make room.
    pub fn puts(&mut self, mut s: &[u8]) {
        if s.len() > KMESGSIZE {
            s = &s[s.len() - KMESGSIZE..];
        }
        let mut nn = self.n;
        if nn + s.len() >= KMESGSIZE {
            let d = nn + s.len() - KMESGSIZE;
            if d > 0 {
                self.buf.copy_within(d.., 0);
            }
            nn -= d;
        }
        self.buf[nn..nn + s.len()].copy_from_slice(s);
        self.n = nn + s.len();
    }

    /// The logged bytes (what reading `/dev/kmesg` from offset 0 gives).
    pub fn bytes(&self) -> &[u8] {
        &self.buf[..self.n]
    }
}

/// The longest authentication domain name, with its NUL (`authsrv.h`).
pub const DOMLEN: usize = 48;
/// The size of a formatted 64-bit number (`VLNUMSIZE`).
pub const VLNUMSIZE: usize = 22;

/// `readnum`: the part at `off` of `val` formatted as `size` bytes: right
/// aligned in `size-1` columns and a blank. The count copied into `buf`.
pub fn readnum(off: u64, buf: &mut [u8], val: u32, size: usize) -> usize {
    let mut tmp = format!("{:>w$}", val, w = size.saturating_sub(1)).into_bytes();
    // 9front formats into a 64-byte buffer and puts the blank at size-1,
    // over a digit if the number is wider.
    tmp.truncate(63);
    if size == 0 {
        return 0;
    }
    tmp.resize(tmp.len().max(size), 0);
    tmp[size - 1] = b' ';
    readbytes(off, buf, &tmp[..size])
}

/// `readstr`: the part of `s` at `off` that fits in `buf`; the count.
pub fn readstr(off: u64, buf: &mut [u8], s: &str) -> usize {
    readbytes(off, buf, s.as_bytes())
}

/// `readstr` of bytes (9front's strings end at a NUL: pass what precedes it).
pub fn readbytes(off: u64, buf: &mut [u8], s: &[u8]) -> usize {
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

/// The part of a byte string before its first NUL (a C string).
fn cstr(b: &[u8]) -> &[u8] {
    match b.iter().position(|&c| c == 0) {
        Some(i) => &b[..i],
        None => b,
    }
}

/// The qid paths of `#c`'s files, in 9front's order.
pub mod qid {
    pub const Qdir: u64 = 0;
    pub const Qbintime: u64 = 1;
    pub const Qcons: u64 = 2;
    pub const Qconsctl: u64 = 3;
    pub const Qcputime: u64 = 4;
    pub const Qdrivers: u64 = 5;
    pub const Qkmesg: u64 = 6;
    pub const Qkprint: u64 = 7;
    pub const Qhostdomain: u64 = 8;
    pub const Qhostowner: u64 = 9;
    pub const Qnull: u64 = 10;
    pub const Qosversion: u64 = 11;
    pub const Qpid: u64 = 12;
    pub const Qppid: u64 = 13;
    pub const Qrandom: u64 = 14;
    pub const Qreboot: u64 = 15;
    pub const Qsysname: u64 = 16;
    pub const Qsysstat: u64 = 17;
    pub const Qtime: u64 = 18;
    pub const Quser: u64 = 19;
    pub const Qzero: u64 = 20;
    pub const Qmordor: u64 = 21;
    pub const Qconfig: u64 = 22;
}
use qid::*;

const fn fq(path: u64) -> Qid {
    Qid {
        path,
        vers: 0,
        typ: QTFILE,
    }
}

/// `consdir`: the files of `#c`, their lengths and modes.
pub const CONSDIR: &[Dirtab] = &[
    Dirtab::new(
        ".",
        Qid {
            path: Qdir,
            vers: 0,
            typ: QTDIR,
        },
        0,
        DMDIR | 0o555,
    ),
    Dirtab::new("bintime", fq(Qbintime), 24, 0o664),
    Dirtab::new("cons", fq(Qcons), 0, 0o660),
    Dirtab::new("consctl", fq(Qconsctl), 0, 0o220),
    Dirtab::new("cputime", fq(Qcputime), 6 * NUMSIZE as u64, 0o444),
    Dirtab::new("drivers", fq(Qdrivers), 0, 0o666),
    Dirtab::new("hostdomain", fq(Qhostdomain), DOMLEN as u64, 0o664),
    Dirtab::new("hostowner", fq(Qhostowner), 0, 0o664),
    Dirtab::new("kmesg", fq(Qkmesg), 0, 0o440),
    Dirtab::new(
        "kprint",
        Qid {
            path: Qkprint,
            vers: 0,
            typ: QTEXCL,
        },
        0,
        DMEXCL | 0o440,
    ),
    Dirtab::new("null", fq(Qnull), 0, 0o666),
    Dirtab::new("osversion", fq(Qosversion), 0, 0o444),
    Dirtab::new("pid", fq(Qpid), NUMSIZE as u64, 0o444),
    Dirtab::new("ppid", fq(Qppid), NUMSIZE as u64, 0o444),
    Dirtab::new("random", fq(Qrandom), 0, 0o444),
    Dirtab::new("reboot", fq(Qreboot), 0, 0o220),
    Dirtab::new("sysname", fq(Qsysname), 0, 0o664),
    Dirtab::new("sysstat", fq(Qsysstat), 0, 0o664),
    Dirtab::new("time", fq(Qtime), (NUMSIZE + 3 * VLNUMSIZE) as u64, 0o664),
    Dirtab::new("user", fq(Quser), 0, 0o666),
    Dirtab::new("zero", fq(Qzero), 0, 0o444),
    Dirtab::new("config", fq(Qconfig), 0, 0o444),
    Dirtab::new("mordor", fq(Qmordor), 0, 0o666),
];

/// `Proc.time` indices (`portdat.h`).
pub const TUSER: usize = 0;
pub const TSYS: usize = 1;
pub const TREAL: usize = 2;
pub const TCUSER: usize = 3;
pub const TCSYS: usize = 4;
pub const TCREAL: usize = 5;

/// One processor's counters for `sysstat` (fields of 9front's `Mach`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MachStat {
    /// `m->machno`.
    pub machno: u32,
    /// Context switches (`m->cs`).
    pub cs: u32,
    /// Interrupts (`m->intr`).
    pub intr: u32,
    /// System calls (`m->syscall`).
    pub syscall: u32,
    /// Page faults (`m->pfault`).
    pub pfault: u32,
    /// TLB faults (`m->tlbfault`).
    pub tlbfault: u32,
    /// TLB purges (`m->tlbpurge`).
    pub tlbpurge: u32,
    /// The load average in milli-CPUs (`m->load`).
    pub load: u32,
    /// `m->perf.avg_inidle`, `avg_inintr` and `period`: idle and
    /// interrupt time over a period, in the same units.
    pub avg_inidle: u32,
    pub avg_inintr: u32,
    pub period: u32,
}

/// A message written to `/dev/reboot`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rebootcmd {
    /// `reboot [kernelpath]`: the fields after `reboot` (`rebootcmd`).
    Reboot(Vec<String>),
    /// `panic`: the kernel panics.
    Panic,
    /// `rdb`: the remote debugger.
    Rdb,
}

/// What `#c` needs from the machine and the kernel.
///
/// The kernel implements it and gives it to [`Cons::new`]. The functions
/// that act on the current process take its [`Up`].
pub trait ConsHost<S: Sched>: Send + Sync {
    /// `putstrn`: put `s` on the console: the kernel's log (`kmesg`), the
    /// screen or `/dev/kprint` (see [`Cons::kprintputs`]), and the serial
    /// line with `\n` turned into `\r\n`.
    fn putstrn(&self, s: &[u8]);
    /// The console's input: the queue the kernel's UART (or keyboard)
    /// interrupt puts typed bytes in (`qproduce`). Only `#c` reads it.
    fn kbdq(&self) -> &Queue<S>;
    /// `todget`: nanoseconds since the epoch and the fast ticks at that
    /// moment.
    fn todget(&self) -> (i64, u64);
    /// `fasthz`: fast ticks a second.
    fn fasthz(&self) -> u64;
    /// `todset(t, delta, n)`: set the time of day to `t` ns (-1: keep it),
    /// or trim it by `delta` ns over `n` seconds.
    fn todset(&self, t: i64, delta: i64, n: i32);
    /// `todsetfreq`: take `f` as the fast-tick frequency (and `fasthz`).
    fn todsetfreq(&self, f: i64);
    /// `MACHP(0)->ticks`: clock ticks (HZ a second) since boot.
    fn ticks(&self) -> u32;
    /// `randomread`: fill `buf` from the kernel's generator; the count.
    fn randomread(&self, buf: &mut [u8]) -> usize;
    /// The current process's `up->time`, in ticks: user, system and the
    /// tick it started at, then the same summed over its dead children
    /// (the real time of those as a duration).
    fn proctime(&self, up: &Up<S>) -> [u32; 6];
    /// The active processors' counters, in processor order.
    fn machs(&self) -> Vec<MachStat>;
    /// Zero the counters of every processor (a write of `sysstat`).
    fn resetstats(&self);
    /// The kernel's log, oldest byte first ([`Kmesg::bytes`]).
    fn kmesg(&self) -> Vec<u8>;
    /// The kernel's configuration file (`configfile`).
    fn config(&self) -> String {
        String::new()
    }
    /// Do what a write of `/dev/reboot` asks (the caller is eve).
    fn reboot(&self, cmd: Rebootcmd) -> Result<()>;
    /// `procsetuser`: make `user` the current process's user.
    fn setuser(&self, up: &Up<S>, user: &str) -> Result<()>;
    /// A write of `hostowner` (checked: the caller is eve): rename the
    /// host owner (`eve`, and the owner of its processes, `/srv` and
    /// `#σ` files, as `renameuser`, `srvrenameuser`, `shrrenameuser` do)
    /// and make it the current process's user.
    fn sethostowner(&self, up: &Up<S>, user: &str) -> Result<()>;
    /// Del typed on a cooked console: post the note `interrupt` to the
    /// console's note group (kbdfs writes it to its `notepg`).
    fn interrupt(&self);
}

/// The control messages of `/dev/reboot` (`rebootmsg`).
const CMREBOOT: u32 = 0;
const CMPANIC: u32 = 1;
const CMRDB: u32 = 2;
const REBOOTMSG: &[Cmdtab] = &[
    Cmdtab::new(CMREBOOT, "reboot", 0),
    Cmdtab::new(CMPANIC, "panic", 0),
    Cmdtab::new(CMRDB, "rdb", 0),
];
/// The control message of `/dev/drivers` (`drivermsg`).
const CMCHDEV: u32 = 0;
const DRIVERMSG: &[Cmdtab] = &[Cmdtab::new(CMCHDEV, "chdev", 0)];

/// The error of a bad write to `time` or `bintime`.
fn ebadtimectl() -> Error {
    Error::Msg(String::from("bad time control"))
}

/// kbdfs's runes: backspace, ^D, ^U, ^W, Del.
const KBS: Rune = 0x08;
const KEOF: Rune = 0x04;
const KNACK: Rune = 0x15;
const KETB: Rune = 0x17;
const KDEL: Rune = 0x7f;
/// Runes in a cooked line (kbdfs's `rb[256]`).
const NLINE: usize = 256;
/// Strings waiting for readers (kbdfs's `conschan`, 128 deep).
const NSTRINGS: usize = 128;

/// The console input state: kbdfs's `consproc`, `lineproc`, `ctlproc` and
/// the string `reqproc` is handing out.
#[derive(Default)]
struct Kbd {
    /// Raw mode (`rawon`).
    raw: bool,
    /// Opens of `consctl` (kbdfs's `consctlopen`).
    ctlopen: usize,
    /// The bytes of an incomplete rune.
    utf: Vec<u8>,
    /// The last rune was `\r`.
    cr: bool,
    /// The line being cooked (`rb`).
    line: Vec<Rune>,
    /// Strings ready for readers: cooked lines, or raw runes.
    ready: VecDeque<Vec<u8>>,
    /// The string a read stopped in, and where.
    cur: Option<(Vec<u8>, usize)>,
}

impl Kbd {
    /// Hand the cooked line to the readers (kbdfs drops it if 128 wait).
    fn endline(&mut self) {
        let mut s = Vec::with_capacity(self.line.len());
        for &r in &self.line {
            push_rune(&mut s, r);
        }
        self.line.clear();
        self.push(s);
    }

    fn push(&mut self, s: Vec<u8>) {
        if self.ready.len() < NSTRINGS {
            self.ready.push_back(s);
        }
    }

    /// One rune from the line: raw, or through `lineproc`'s editing.
    /// The echo goes to `echo`; Del counts in `intr`.
    fn rune(&mut self, r: Rune, echo: &mut Vec<u8>, intr: &mut usize) {
        if self.raw {
            let mut s = Vec::new();
            push_rune(&mut s, r);
            self.push(s);
            return;
        }
        match r {
            KDEL => {
                *intr += 1;
                self.line.clear();
            }
            0 => self.line.clear(),
            KBS | KNACK | KETB => {
                while let Some(c) = self.line.pop() {
                    echo.push(b'\x08');
                    if r == KBS {
                        break;
                    }
                    if r == KETB && (c == ' ' as Rune || c == '\t' as Rune) {
                        break;
                    }
                }
            }
            KEOF => self.endline(),
            _ => {
                self.line.push(r);
                push_rune(echo, r);
                if r == '\n' as Rune || self.line.len() >= NLINE {
                    self.endline();
                }
            }
        }
    }

    /// Bytes from the serial line, as kbdfs's `consproc` reads them: whole
    /// runes only, no XON/XOFF, NUL or bad runes, `\r` and `\r\n` as `\n`.
    fn input(&mut self, b: &[u8], echo: &mut Vec<u8>, intr: &mut usize) {
        let mut buf = core::mem::take(&mut self.utf);
        buf.extend_from_slice(b);
        let mut i = 0;
        while i < buf.len() && fullrune(&buf[i..]) {
            let (mut r, n) = chartorune(&buf[i..]);
            i += n;
            if r == 0o21 || r == 0o23 {
                continue;
            }
            if r == 0 || r == RUNEERROR {
                self.cr = false;
                continue;
            }
            if r == '\n' as Rune && self.cr {
                self.cr = false;
                continue;
            }
            self.cr = r == '\r' as Rune;
            if self.cr {
                r = '\n' as Rune;
            }
            self.rune(r, echo, intr);
        }
        buf.drain(..i);
        self.utf = buf;
    }

    /// kbdfs's `reqproc`: fill `buf` from the ready strings: the rest of
    /// the one a read stopped in, then as many whole ones as fit. An empty
    /// string (^D on an empty line) read first gives 0.
    fn serve(&mut self, buf: &mut [u8]) -> usize {
        let mut got = 0;
        let (mut s, mut p, mut fresh) = match self.cur.take() {
            Some((s, p)) => (s, p, false),
            None => match self.ready.pop_front() {
                Some(s) => (s, 0, true),
                None => return 0,
            },
        };
        loop {
            let mut n = s.len() - p;
            let room = buf.len() - got;
            if n > room {
                if fresh && got > 0 {
                    self.cur = Some((s, p));
                    return got;
                }
                n = room;
            }
            buf[got..got + n].copy_from_slice(&s[p..p + n]);
            got += n;
            p += n;
            if p < s.len() {
                self.cur = Some((s, p));
                return got;
            }
            match self.ready.pop_front() {
                Some(next) => {
                    s = next;
                    p = 0;
                    fresh = true;
                }
                None => return got,
            }
        }
    }
}

/// The `#c` device.
pub struct Cons<S: Sched> {
    host: Arc<dyn ConsHost<S>>,
    /// `sysname`, if set.
    sysname: S::Lock<Option<Vec<u8>>>,
    /// `hostdomain`.
    hostdomain: S::Lock<Vec<u8>>,
    /// Console input, under an ilock held only for moments.
    kbd: S::Lock<Kbd>,
    /// Serialises readers of `cons` (who cook the input).
    kbdrlock: S::QLock,
    /// `kprintoq`: closed while no one has `kprint` open.
    kprintoq: Queue<S>,
    /// `kprintinuse`.
    kprintinuse: AtomicBool,
}

impl<S: Sched> Cons<S> {
    /// The device, over the kernel's `host`.
    pub fn new(host: Arc<dyn ConsHost<S>>) -> Cons<S> {
        let kprintoq = Queue::qopen(8 * 1024, Qcoalesce, None);
        kprintoq.qnoblock(true);
        kprintoq.qhangup(None);
        Cons {
            host,
            sysname: S::Lock::new(None),
            hostdomain: S::Lock::new(Vec::new()),
            kbd: S::Lock::new(Kbd::default()),
            kbdrlock: S::QLock::default(),
            kprintoq,
            kprintinuse: AtomicBool::new(false),
        }
    }

    /// `sysname`, for the kernel.
    pub fn sysname(&self) -> Option<String> {
        self.sysname
            .ilock()
            .as_ref()
            .map(|s| String::from_utf8_lossy(s).into_owned())
    }

    /// Set `sysname` (as the kernel does from `sysname=` at boot).
    pub fn setsysname(&self, s: &str) {
        *self.sysname.ilock() = Some(s.as_bytes().to_vec());
    }

    /// The kernel's `putstrn` calls this with everything it prints: while
    /// `/dev/kprint` is open the text is queued for its reader (without
    /// waiting: what does not fit is dropped) and `true` comes back, in
    /// which case 9front puts it on the serial line but not the screen.
    pub fn kprintputs(&self, s: &[u8]) -> bool {
        if self.kprintoq.qisclosed() {
            return false;
        }
        self.kprintoq.qiwrite(s);
        true
    }

    /// Whether `cons` is in raw mode.
    pub fn israw(&self) -> bool {
        self.kbd.ilock().raw
    }

    /// Cook `b` with the kbd lock held only for that, then echo and
    /// interrupt outside it.
    fn cook(&self, b: &[u8]) {
        let mut echo = Vec::new();
        let mut intr = 0;
        self.kbd.ilock().input(b, &mut echo, &mut intr);
        if !echo.is_empty() {
            self.host.putstrn(&echo);
        }
        for _ in 0..intr {
            self.host.interrupt();
        }
    }

    /// A read of `cons`: wait for a line (or in raw mode any input), then
    /// hand out what `reqproc` would.
    fn consread(&self, buf: &mut [u8]) -> Result<usize> {
        let _r = self.kbdrlock.eqlock()?;
        let q = self.host.kbdq();
        let mut tmp = [0u8; 128];
        loop {
            // What is typed already is cooked before the read is served,
            // as kbdfs would have cooked it on arrival.
            while let Some(n) = q.qconsume(&mut tmp) {
                if n == 0 {
                    break;
                }
                self.cook(&tmp[..n]);
            }
            {
                let mut k = self.kbd.ilock();
                if k.cur.is_some() || !k.ready.is_empty() {
                    return Ok(k.serve(buf));
                }
            }
            let n = q.qread(&mut tmp)?;
            if n == 0 {
                return Ok(0);
            }
            self.cook(&tmp[..n]);
        }
    }

    fn consctlwrite(&self, a: &[u8]) -> Result<()> {
        let mut k = self.kbd.ilock();
        if a.starts_with(b"rawon") {
            k.raw = true;
            // ctlproc sends lineproc a NUL, which flushes the line.
            k.line.clear();
        } else if a.starts_with(b"rawoff") {
            k.raw = false;
        } else {
            return Err(Error::Msg(String::from("invalid argument")));
        }
        Ok(())
    }

    fn iseve(up: &Up<S>) -> bool {
        up.user == up.devtab.eve
    }

    fn readtime(&self, off: u64, buf: &mut [u8]) -> usize {
        let (nsec, ticks) = self.host.todget();
        let fasthz = self.host.fasthz();
        let sec = (nsec / 1_000_000_000) as u32;
        let s = format!(
            "{:>a$} {:>b$} {:>b$} {:>b$} ",
            sec,
            nsec as u64,
            ticks,
            fasthz,
            a = NUMSIZE - 1,
            b = VLNUMSIZE - 1
        );
        readstr(off, buf, &s)
    }

    fn readbintime(&self, buf: &mut [u8]) -> usize {
        let fasthz = self.host.fasthz();
        let (nsec, ticks) = self.host.todget();
        let mut i = 0;
        if buf.len() >= 24 {
            buf[16..24].copy_from_slice(&fasthz.to_be_bytes());
            i += 8;
        }
        if buf.len() >= 16 {
            buf[8..16].copy_from_slice(&ticks.to_be_bytes());
            i += 8;
        }
        if buf.len() >= 8 {
            buf[0..8].copy_from_slice(&nsec.to_be_bytes());
            i += 8;
        }
        i
    }

    fn writetime(&self, a: &[u8]) -> Result<usize> {
        if a.len() >= 13 {
            return Err(ebadtimectl());
        }
        let (i, _) = libc::strtol::strtol(cstr(a), 0);
        if i <= 0 {
            return Err(ebadtimectl());
        }
        self.host.todset(i as i64 * 1_000_000_000, 0, 0);
        Ok(a.len())
    }

    fn writebintime(&self, a: &[u8]) -> Result<usize> {
        let n = a.len();
        if n <= 1 {
            return Err(ebadtimectl());
        }
        let p = &a[1..];
        let be64 = |b: &[u8]| i64::from_be_bytes(b[..8].try_into().expect("8 bytes"));
        match a[0] {
            b'n' => {
                if p.len() < 8 {
                    return Err(ebadtimectl());
                }
                self.host.todset(be64(p), 0, 0);
            }
            b'd' => {
                if p.len() < 12 {
                    return Err(ebadtimectl());
                }
                let delta = be64(p);
                let period = i32::from_be_bytes(p[8..12].try_into().expect("4 bytes"));
                self.host.todset(-1, delta, period);
            }
            b'f' => {
                if p.len() < 8 {
                    return Err(ebadtimectl());
                }
                let f = be64(p);
                if f <= 0 {
                    return Err(ebadtimectl());
                }
                self.host.todsetfreq(f);
            }
            _ => {}
        }
        Ok(n)
    }

    fn sysstat(&self) -> Vec<u8> {
        let mut b = Vec::new();
        let num = |b: &mut Vec<u8>, v: u32| {
            let mut t = [0u8; NUMSIZE];
            readnum(0, &mut t, v, NUMSIZE);
            b.extend_from_slice(&t);
        };
        for m in self.host.machs() {
            let period = if m.period == 0 { 1 } else { m.period };
            for v in [
                m.machno,
                m.cs,
                m.intr,
                m.syscall,
                m.pfault,
                m.tlbfault,
                m.tlbpurge,
                m.load,
                (m.avg_inidle.wrapping_mul(100)) / period,
                (m.avg_inintr.wrapping_mul(100)) / period,
            ] {
                num(&mut b, v);
            }
            b.push(b'\n');
        }
        b
    }

    fn drivers(&self, up: &Up<S>) -> Result<String> {
        let _r = up.pgrp.ns.rlock()?;
        let mut s = String::new();
        for d in up.devtab.devs() {
            if !devallowed(&up.devtab, &up.pgrp, d.dc()) {
                continue;
            }
            let line = format!("#{} {}\n", d.dc(), d.name());
            if s.len() + line.len() >= READSTR {
                break;
            }
            s.push_str(&line);
        }
        Ok(s)
    }

    fn driverswrite(&self, up: &Up<S>, a: &[u8]) -> Result<()> {
        let cb = parsecmd(a);
        let ct = lookupcmd(&cb, DRIVERMSG)?;
        if ct.index != CMCHDEV || cb.nf() == 1 {
            return Err(Error::Ebadarg);
        }
        let op = cb.f[1].as_bytes();
        let mut invert = true;
        let mut devs = "";
        match op.first() {
            Some(b'&') => {
                if cb.nf() != 3 {
                    return Err(Error::Ebadarg);
                }
                devs = &cb.f[2];
                if op.get(1) == Some(&b'~') {
                    invert = false;
                }
            }
            Some(b'~') => {
                if cb.nf() != 2 {
                    return Err(Error::Ebadarg);
                }
            }
            _ => return Err(Error::Ebadarg),
        }
        devmask(&up.devtab, &up.pgrp, invert, devs)
    }

    fn rebootwrite(&self, up: &Up<S>, a: &[u8]) -> Result<()> {
        if !Self::iseve(up) {
            return Err(Error::Eperm);
        }
        let cb = parsecmd(a);
        let ct = lookupcmd(&cb, REBOOTMSG)?;
        let cmd = match ct.index {
            CMREBOOT => Rebootcmd::Reboot(cb.f[1..].to_vec()),
            CMPANIC => Rebootcmd::Panic,
            _ => Rebootcmd::Rdb,
        };
        self.host.reboot(cmd)
    }

    /// auth.c's `hostownerwrite`.
    fn hostownerwrite(&self, up: &Up<S>, a: &[u8]) -> Result<usize> {
        if !Self::iseve(up) {
            return Err(Error::Eperm);
        }
        if a.is_empty() {
            return Err(Error::Ebadarg);
        }
        if a.len() >= KNAMELEN {
            return Err(Error::Etoolong);
        }
        let name = String::from_utf8_lossy(cstr(a)).into_owned();
        self.host.sethostowner(up, &name)?;
        Ok(a.len())
    }

    /// auth.c's `hostdomainwrite`.
    fn hostdomainwrite(&self, up: &Up<S>, a: &[u8]) -> Result<usize> {
        if !Self::iseve(up) {
            return Err(Error::Eperm);
        }
        if a.is_empty() || a.len() >= DOMLEN {
            return Err(Error::Ebadarg);
        }
        let d = cstr(a);
        if d.is_empty() {
            return Err(Error::Ebadarg);
        }
        *self.hostdomain.ilock() = d.to_vec();
        Ok(a.len())
    }

    /// auth.c's `userwrite`: anyone can become none, and only that.
    fn userwrite(&self, up: &Up<S>, a: &[u8]) -> Result<usize> {
        if a != b"none" {
            return Err(Error::Eperm);
        }
        self.host.setuser(up, "none")?;
        Ok(a.len())
    }
}

impl<S: Sched> Dev<S> for Cons<S> {
    fn dc(&self) -> char {
        'c'
    }

    fn name(&self) -> &str {
        "cons"
    }

    fn attach(&self, up: &Up<S>, spec: &str) -> Result<Chan<S>> {
        devattach(up, 'c', spec)
    }

    fn walk(&self, up: &Up<S>, c: &Chan<S>, names: &[&str]) -> Result<Walkqid<S>> {
        devwalk(up, c, names, CONSDIR, None)
    }

    fn stat(&self, up: &Up<S>, c: &Chan<S>, db: &mut [u8]) -> Result<usize> {
        devstat(up, c, db, CONSDIR, None)
    }

    fn open(&self, up: &Up<S>, mut c: Chan<S>, omode: u32) -> Result<Arc<Chan<S>>> {
        c.aux = None;
        let path = c.qid.path;
        if path == Qkprint {
            c.iounit = Maxatomic as u32;
        }
        let c = devopen(up, c, omode, CONSDIR, None)?;
        match path {
            Qkprint => {
                if self.kprintinuse.swap(true, Ordering::SeqCst) {
                    c.clrflag(COPEN);
                    return Err(Error::Einuse);
                }
                self.kprintoq.qreopen();
            }
            Qconsctl => self.kbd.ilock().ctlopen += 1,
            _ => {}
        }
        Ok(c)
    }

    fn close(&self, c: &mut Chan<S>) {
        if c.flag() & COPEN == 0 {
            return;
        }
        match c.qid.path {
            Qkprint => {
                self.kprintinuse.store(false, Ordering::SeqCst);
                self.kprintoq.qhangup(None);
            }
            Qconsctl => {
                let mut k = self.kbd.ilock();
                k.ctlopen = k.ctlopen.saturating_sub(1);
                if k.ctlopen == 0 {
                    k.raw = false;
                }
            }
            _ => {}
        }
    }

    fn read(&self, up: &Up<S>, c: &Chan<S>, buf: &mut [u8], off: i64) -> Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let off = off as u64;
        match c.qid.path {
            Qdir => devdirread(up, c, buf, CONSDIR, None),
            Qcons => self.consread(buf),
            Qcputime => {
                let t = self.host.proctime(up);
                let ticks = self.host.ticks();
                let mut s = [0u8; 6 * NUMSIZE];
                for (i, &l) in t.iter().enumerate() {
                    let l = if i == TREAL { ticks.wrapping_sub(l) } else { l };
                    readnum(0, &mut s[NUMSIZE * i..], tk2ms(l), NUMSIZE);
                }
                Ok(readbytes(off, buf, &s))
            }
            Qkmesg => Ok(readbytes(off, buf, &self.host.kmesg())),
            Qkprint => self.kprintoq.qread(buf),
            Qpid => Ok(readnum(off, buf, up.pid, NUMSIZE)),
            Qppid => Ok(readnum(off, buf, up.parentpid, NUMSIZE)),
            Qtime => Ok(self.readtime(off, buf)),
            Qbintime => Ok(self.readbintime(buf)),
            Qhostowner => Ok(readstr(off, buf, &up.devtab.eve)),
            Qhostdomain => {
                let d = self.hostdomain.ilock().clone();
                Ok(readbytes(off, buf, &d))
            }
            Quser => Ok(readstr(off, buf, &up.user)),
            Qnull => Ok(0),
            Qconfig => Ok(readstr(off, buf, &self.host.config())),
            Qsysstat => Ok(readbytes(off, buf, &self.sysstat())),
            Qsysname => {
                let s = self.sysname.ilock().clone();
                Ok(s.map_or(0, |s| readbytes(off, buf, &s)))
            }
            Qrandom => Ok(self.host.randomread(buf)),
            Qdrivers => Ok(readstr(off, buf, &self.drivers(up)?)),
            Qzero => {
                buf.fill(0);
                Ok(buf.len())
            }
            Qmordor => Err(Error::Msg(String::from(
                "one does not simply read from mordor",
            ))),
            Qosversion => Ok(readstr(off, buf, "2000")),
            _ => Err(Error::Egreg),
        }
    }

    fn write(&self, up: &Up<S>, c: &Chan<S>, a: &[u8], off: i64) -> Result<usize> {
        let n = a.len();
        match c.qid.path {
            Qcons => {
                for chunk in a.chunks(256) {
                    self.host.putstrn(chunk);
                }
            }
            Qconsctl => self.consctlwrite(a)?,
            Qtime => {
                if !Self::iseve(up) {
                    return Err(Error::Eperm);
                }
                return self.writetime(a);
            }
            Qbintime => {
                if !Self::iseve(up) {
                    return Err(Error::Eperm);
                }
                return self.writebintime(a);
            }
            Qhostowner => return self.hostownerwrite(up, a),
            Qhostdomain => return self.hostdomainwrite(up, a),
            Quser => return self.userwrite(up, a),
            Qnull => {}
            Qconfig => return Err(Error::Eperm),
            Qdrivers => self.driverswrite(up, a)?,
            Qreboot => self.rebootwrite(up, a)?,
            Qsysstat => self.host.resetstats(),
            Qsysname => {
                if off != 0 || n == 0 || n >= 256 {
                    return Err(Error::Ebadarg);
                }
                let mut s = cstr(a).to_vec();
                if s.len() == n && s.last() == Some(&b'\n') {
                    s.pop();
                }
                *self.sysname.ilock() = Some(s);
            }
            Qmordor => {
                return Err(Error::Msg(String::from(
                    "one does not simply write into mordor",
                )))
            }
            _ => return Err(Error::Egreg),
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use crate::chan::setroot;
    use crate::dev::Devtab;
    use crate::portdat::MREPL;
    use crate::sysfile::{
        sysbind, sysclose, sysopen, syspread, syspwrite, sysread, sysstat, syswrite,
    };
    use crate::testdev::{err, ls, Ydev, Zdev, EVE, H, USER};
    use alloc::string::ToString;
    use alloc::vec;
    use core::sync::atomic::AtomicUsize;
    use libc::fcall::Dir;
    use libc::fcall::{ORDWR, OREAD, OWRITE};
    use std::sync::Mutex;

    /// The kernel as `#c` sees it, recording what it is asked to do.
    struct Fake {
        out: Mutex<Vec<u8>>,
        kbdq: Queue<H>,
        tod: (i64, u64),
        fasthz: u64,
        todsets: Mutex<Vec<(i64, i64, i32)>>,
        freqs: Mutex<Vec<i64>>,
        ticks: u32,
        time: [u32; 6],
        machs: Vec<MachStat>,
        resets: AtomicUsize,
        reboots: Mutex<Vec<Rebootcmd>>,
        users: Mutex<Vec<String>>,
        owners: Mutex<Vec<String>>,
        intrs: AtomicUsize,
    }

    impl Fake {
        fn new() -> Fake {
            Fake {
                out: Mutex::new(Vec::new()),
                kbdq: Queue::qopen(4096, 0, None),
                tod: (1_700_000_000_123_456_789, 987_654_321),
                fasthz: 3_000_000_000,
                todsets: Mutex::new(Vec::new()),
                freqs: Mutex::new(Vec::new()),
                ticks: 1000,
                // 150 ticks of user time, 20 of system, started at tick
                // 400, children 7, 3 and 1234 ticks.
                time: [150, 20, 400, 7, 3, 1234],
                machs: vec![
                    MachStat {
                        machno: 0,
                        cs: 1234,
                        intr: 5678,
                        syscall: 42,
                        pfault: 7,
                        tlbfault: 0,
                        tlbpurge: 3,
                        load: 250,
                        avg_inidle: 75,
                        avg_inintr: 5,
                        period: 100,
                    },
                    MachStat {
                        machno: 1,
                        ..MachStat::default()
                    },
                ],
                resets: AtomicUsize::new(0),
                reboots: Mutex::new(Vec::new()),
                users: Mutex::new(Vec::new()),
                owners: Mutex::new(Vec::new()),
                intrs: AtomicUsize::new(0),
            }
        }

        fn out(&self) -> Vec<u8> {
            core::mem::take(&mut *self.out.lock().unwrap())
        }

        fn typed(&self, s: &[u8]) {
            self.kbdq.qproduce(s);
        }
    }

    impl ConsHost<H> for Fake {
        fn putstrn(&self, s: &[u8]) {
            self.out.lock().unwrap().extend_from_slice(s);
        }
        fn kbdq(&self) -> &Queue<H> {
            &self.kbdq
        }
        fn todget(&self) -> (i64, u64) {
            self.tod
        }
        fn fasthz(&self) -> u64 {
            self.fasthz
        }
        fn todset(&self, t: i64, delta: i64, n: i32) {
            self.todsets.lock().unwrap().push((t, delta, n));
        }
        fn todsetfreq(&self, f: i64) {
            self.freqs.lock().unwrap().push(f);
        }
        fn ticks(&self) -> u32 {
            self.ticks
        }
        fn randomread(&self, buf: &mut [u8]) -> usize {
            buf.fill(0xa5);
            buf.len()
        }
        fn proctime(&self, _up: &Up<H>) -> [u32; 6] {
            self.time
        }
        fn machs(&self) -> Vec<MachStat> {
            self.machs.clone()
        }
        fn resetstats(&self) {
            self.resets.fetch_add(1, Ordering::SeqCst);
        }
        fn kmesg(&self) -> Vec<u8> {
            b"boot\nmessages\n".to_vec()
        }
        fn config(&self) -> String {
            String::from("dev\n\tcons\n")
        }
        fn reboot(&self, cmd: Rebootcmd) -> Result<()> {
            self.reboots.lock().unwrap().push(cmd);
            Ok(())
        }
        fn setuser(&self, _up: &Up<H>, user: &str) -> Result<()> {
            self.users.lock().unwrap().push(user.to_string());
            Ok(())
        }
        fn sethostowner(&self, _up: &Up<H>, user: &str) -> Result<()> {
            self.owners.lock().unwrap().push(user.to_string());
            Ok(())
        }
        fn interrupt(&self) {
            self.intrs.fetch_add(1, Ordering::SeqCst);
        }
    }

    struct W {
        fake: Arc<Fake>,
        cons: Arc<Cons<H>>,
        up: Up<H>,
    }

    /// A kernel of `#Y`, `#Z` and `#c`, and a process of `user` (pid 42,
    /// parent 7) with `#c` bound on `/dev`.
    fn cworld(user: &str) -> W {
        let fake = Arc::new(Fake::new());
        let cons = Arc::new(Cons::new(fake.clone() as Arc<dyn ConsHost<H>>));
        let y = Arc::new(Ydev::default());
        y.mk("root", "dev/", "");
        let devs: Vec<Arc<dyn Dev<H>>> = vec![y, Arc::new(Zdev::default()), cons.clone()];
        let dt = Devtab::new(EVE, devs).unwrap();
        let mut up = Up::new(Arc::new(dt), user);
        setroot(&mut up, "#Yroot").unwrap();
        up.pid = 42;
        up.parentpid = 7;
        sysbind(&up, "#c", "/dev", MREPL).unwrap();
        W { fake, cons, up }
    }

    fn open(up: &Up<H>, name: &str, mode: u8) -> Result<i32> {
        sysopen(up, name, mode as u32).map(|fd| fd as i32)
    }

    /// Read `name` whole with reads of `n` bytes.
    fn readall(up: &Up<H>, name: &str, n: usize) -> Vec<u8> {
        let fd = open(up, name, OREAD).unwrap();
        let mut all = Vec::new();
        let mut buf = vec![0u8; n];
        loop {
            let k = sysread(up, fd, &mut buf).unwrap();
            if k == 0 {
                break;
            }
            all.extend_from_slice(&buf[..k]);
        }
        sysclose(up, fd).unwrap();
        all
    }

    fn read1(up: &Up<H>, fd: i32, n: usize) -> Vec<u8> {
        let mut buf = vec![0u8; n];
        let k = sysread(up, fd, &mut buf).unwrap();
        buf.truncate(k);
        buf
    }

    fn write(up: &Up<H>, name: &str, data: &[u8]) -> Result<usize> {
        let fd = open(up, name, OWRITE)?;
        let r = syswrite(up, fd, data);
        sysclose(up, fd).unwrap();
        r
    }

    #[test]
    fn the_directory_is_consdirs() {
        // devcons.c's consdir: names in order, lengths and modes, owned
        // by eve.
        let w = cworld(USER);
        let names: Vec<&str> = CONSDIR[1..].iter().map(|d| d.name).collect();
        assert_eq!(ls(&w.up, "/dev"), names);
        let mut db = [0u8; 256];
        let stat = |name: &str, db: &mut [u8]| {
            let n = sysstat(&w.up, name, db).unwrap();
            Dir::decode(&db[..n]).unwrap()
        };
        let d = stat("/dev/time", &mut db);
        assert_eq!(d.length, 12 + 3 * 22);
        assert_eq!(d.mode, 0o664);
        assert_eq!(d.uid.to_string_lossy(), EVE);
        assert_eq!(stat("/dev/cputime", &mut db).length, 72);
        assert_eq!(stat("/dev/bintime", &mut db).length, 24);
        assert_eq!(stat("/dev/hostdomain", &mut db).length, 48);
        assert_eq!(stat("/dev/consctl", &mut db).mode, 0o220);
        let k = stat("/dev/kprint", &mut db);
        assert_eq!(k.mode, DMEXCL | 0o440);
        assert_eq!(k.qid.typ, QTEXCL);
    }

    #[test]
    fn numbers_read_as_readnum_pads_them() {
        // readnum: "%*lud" in size-1 columns, then a blank; reads take
        // the part at the offset (cons(3): 11 digits and a blank).
        let w = cworld(USER);
        let up = &w.up;
        assert_eq!(readall(up, "/dev/pid", 100), b"         42 ");
        assert_eq!(readall(up, "/dev/ppid", 100), b"          7 ");
        // Small reads go on from the offset.
        assert_eq!(readall(up, "/dev/pid", 5), b"         42 ");
        let fd = open(up, "/dev/pid", OREAD).unwrap();
        assert_eq!(read1(up, fd, 10), b"         4");
        assert_eq!(read1(up, fd, 10), b"2 ");
        assert_eq!(read1(up, fd, 10), b"");
        let mut b = [0u8; 4];
        assert_eq!(syspread(up, fd, &mut b, 11).unwrap(), 1);
        assert_eq!(b[0], b' ');
        assert_eq!(syspread(up, fd, &mut b, 12).unwrap(), 0);
        assert_eq!(syspread(up, fd, &mut b, 1 << 40).unwrap(), 0);
        // A number wider than the field keeps size bytes, the last a blank.
        let mut t = [0u8; 12];
        assert_eq!(readnum(0, &mut t, 4_000_000_000, 12), 12);
        assert_eq!(&t, b" 4000000000 ");
        assert_eq!(readnum(0, &mut t[..6], 123_456_789, 6), 6);
        assert_eq!(&t[..6], b"12345 ");
        assert_eq!(readstr(3, &mut t, "hello"), 2);
        assert_eq!(&t[..2], b"lo");
    }

    #[test]
    fn time_is_four_padded_numbers() {
        // readtime: "%*lud %*llud %*llud %*llud " with NUMSIZE-1 and
        // VLNUMSIZE-1 columns: seconds, ns, fast ticks, fasthz.
        let w = cworld(USER);
        let t = readall(&w.up, "/dev/time", 1000);
        let want =
            b" 1700000000   1700000000123456789             987654321            3000000000 ";
        assert_eq!(t, want);
        assert_eq!(t.len(), 12 + 3 * 22);
        assert_eq!(readall(&w.up, "/dev/time", 7), want);
        // Only eve may set it (the file is eve's 0664; conswrite checks too).
        assert_eq!(
            err(write(&w.up, "/dev/time", b"12345")),
            "permission denied: '/dev/time'"
        );
    }

    #[test]
    fn eve_sets_the_time() {
        // writetime: a decimal (strtol base 0) number of seconds, fewer
        // than 13 bytes, above 0; else "bad time control".
        let w = cworld(EVE);
        let up = &w.up;
        assert_eq!(write(up, "/dev/time", b"1234567890\n").unwrap(), 11);
        assert_eq!(write(up, "/dev/time", b"0x10").unwrap(), 4);
        assert_eq!(err(write(up, "/dev/time", b"0")), "bad time control");
        assert_eq!(err(write(up, "/dev/time", b"junk")), "bad time control");
        assert_eq!(
            err(write(up, "/dev/time", b"1234567890123")),
            "bad time control"
        );
        assert_eq!(
            *w.fake.todsets.lock().unwrap(),
            [(1_234_567_890_000_000_000, 0, 0), (16_000_000_000, 0, 0)]
        );
    }

    #[test]
    fn bintime_is_big_endian() {
        // readbintime: ns, ticks, fasthz as 8-byte big-endian numbers
        // (cons(3)), as many as fit; the offset is ignored.
        let w = cworld(EVE);
        let up = &w.up;
        let fd = open(up, "/dev/bintime", ORDWR).unwrap();
        let mut b = [0u8; 30];
        assert_eq!(syspread(up, fd, &mut b, 0).unwrap(), 24);
        assert_eq!(&b[..8], &1_700_000_000_123_456_789i64.to_be_bytes());
        assert_eq!(&b[8..16], &987_654_321u64.to_be_bytes());
        assert_eq!(&b[16..24], &3_000_000_000u64.to_be_bytes());
        assert_eq!(syspread(up, fd, &mut b[..17], 100).unwrap(), 16);
        assert_eq!(syspread(up, fd, &mut b[..9], 0).unwrap(), 8);
        assert_eq!(syspread(up, fd, &mut b[..7], 0).unwrap(), 0);
        // writebintime: n<ns>, d<delta><period>, f<freq>.
        let mut m = vec![b'n'];
        m.extend_from_slice(&5_000_000_000i64.to_be_bytes());
        assert_eq!(syspwrite(up, fd, &m, 0).unwrap(), 9);
        let mut m = vec![b'd'];
        m.extend_from_slice(&(-300i64).to_be_bytes());
        m.extend_from_slice(&10i32.to_be_bytes());
        assert_eq!(syspwrite(up, fd, &m, 0).unwrap(), 13);
        assert_eq!(err(syspwrite(up, fd, &m[..12], 0)), "bad time control");
        let mut m = vec![b'f'];
        m.extend_from_slice(&1_000_000i64.to_be_bytes());
        assert_eq!(syspwrite(up, fd, &m, 0).unwrap(), 9);
        m[1..].copy_from_slice(&0i64.to_be_bytes());
        assert_eq!(err(syspwrite(up, fd, &m, 0)), "bad time control");
        assert_eq!(err(syspwrite(up, fd, b"n", 0)), "bad time control");
        assert_eq!(
            syspwrite(up, fd, b"x123", 0).unwrap(),
            4,
            "unknown: ignored"
        );
        assert_eq!(
            *w.fake.todsets.lock().unwrap(),
            [(5_000_000_000, 0, 0), (-1, -300, 10)]
        );
        assert_eq!(*w.fake.freqs.lock().unwrap(), [1_000_000]);
    }

    #[test]
    fn cputime_is_six_numbers_in_ms() {
        // consread's Qcputime: up->time in ms (tk2ms, HZ 100), the real
        // time as ticks since the process started.
        let w = cworld(USER);
        let t = readall(&w.up, "/dev/cputime", 100);
        let want = format!(
            "{:>11} {:>11} {:>11} {:>11} {:>11} {:>11} ",
            1500, 200, 6000, 70, 30, 12340
        );
        assert_eq!(String::from_utf8(t).unwrap(), want);
        assert_eq!(readall(&w.up, "/dev/cputime", 5), want.as_bytes());
    }

    #[test]
    fn sysstat_is_ten_numbers_a_processor() {
        // consread's Qsysstat: id, cs, intr, syscall, pfault, tlbfault,
        // tlbpurge, load, idle%, intr%, each readnum'd, a line each.
        let w = cworld(USER);
        let s = String::from_utf8(readall(&w.up, "/dev/sysstat", 1000)).unwrap();
        let line = |v: [u32; 10]| {
            let mut l = String::new();
            for x in v {
                l.push_str(&format!("{:>11} ", x));
            }
            l.push('\n');
            l
        };
        let want =
            line([0, 1234, 5678, 42, 7, 0, 3, 250, 75, 5]) + &line([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(s, want);
        assert_eq!(s.len(), 2 * 121);
        // A write resets the counters; the file is eve's 0664.
        assert_eq!(
            err(write(&w.up, "/dev/sysstat", b"0")),
            "permission denied: '/dev/sysstat'"
        );
        let e = cworld(EVE);
        write(&e.up, "/dev/sysstat", b"0").unwrap();
        assert_eq!(e.fake.resets.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn drivers_lists_and_masks() {
        // Qdrivers: "#%C %s\n" for each device the name space allows;
        // "chdev & devs", "chdev &~ devs", "chdev ~" (cons(3)).
        let w = cworld(USER);
        let up = &w.up;
        assert_eq!(
            readall(up, "/dev/drivers", 100),
            b"#Y ytest\n#Z ztest\n#c cons\n"
        );
        assert_eq!(
            readall(up, "/dev/drivers", 3),
            b"#Y ytest\n#Z ztest\n#c cons\n"
        );
        assert_eq!(
            err(write(up, "/dev/drivers", b"chdev")),
            "bad arg in system call"
        );
        assert_eq!(
            err(write(up, "/dev/drivers", b"chdev & ")),
            "bad arg in system call"
        );
        assert_eq!(
            err(write(up, "/dev/drivers", b"chdev ~ Z")),
            "bad arg in system call"
        );
        assert_eq!(
            err(write(up, "/dev/drivers", b"chdev + Z")),
            "bad arg in system call"
        );
        assert_eq!(
            err(write(up, "/dev/drivers", b"frob")),
            "unknown control message \"frob\""
        );
        write(up, "/dev/drivers", b"chdev &~ Z\n").unwrap();
        assert_eq!(readall(up, "/dev/drivers", 100), b"#Y ytest\n#c cons\n");
        assert_eq!(
            err(sysopen(up, "#Z/a", OREAD as u32)),
            "mount/attach disallowed"
        );
        write(up, "/dev/drivers", b"chdev & cZ").unwrap();
        assert_eq!(
            readall(up, "/dev/drivers", 100),
            b"#c cons\n",
            "Z stays out"
        );
        write(up, "/dev/drivers", b"chdev ~").unwrap();
        assert_eq!(readall(up, "/dev/drivers", 100), b"");
    }

    #[test]
    fn strings_read_at_offsets() {
        // readstr: hostowner, user, osversion, kmesg, config, null, zero.
        let w = cworld(USER);
        let up = &w.up;
        assert_eq!(readall(up, "/dev/hostowner", 100), EVE.as_bytes());
        assert_eq!(readall(up, "/dev/user", 2), USER.as_bytes());
        assert_eq!(readall(up, "/dev/osversion", 100), b"2000");
        assert_eq!(readall(up, "/dev/config", 100), b"dev\n\tcons\n");
        assert_eq!(readall(up, "/dev/null", 100), b"");
        assert_eq!(readall(up, "/dev/sysname", 100), b"", "no sysname yet");
        assert_eq!(readall(up, "/dev/hostdomain", 100), b"");
        let fd = open(up, "/dev/zero", OREAD).unwrap();
        assert_eq!(read1(up, fd, 7), [0u8; 7]);
        let fd = open(up, "/dev/random", OREAD).unwrap();
        assert_eq!(read1(up, fd, 3), [0xa5; 3]);
        assert_eq!(
            err(open(up, "/dev/kmesg", OREAD)),
            "permission denied: '/dev/kmesg'"
        );
        let e = cworld(EVE);
        assert_eq!(readall(&e.up, "/dev/kmesg", 5), b"boot\nmessages\n");
        let fd = open(&e.up, "/dev/kmesg", OREAD).unwrap();
        let mut b = [0u8; 100];
        assert_eq!(syspread(&e.up, fd, &mut b, 5).unwrap(), 9);
        assert_eq!(&b[..9], b"messages\n");
        assert_eq!(syspread(&e.up, fd, &mut b, 14).unwrap(), 0);
        assert_eq!(
            err(readall_r(up, "/dev/mordor")),
            "one does not simply read from mordor"
        );
        assert_eq!(
            err(write(up, "/dev/mordor", b"x")),
            "one does not simply write into mordor"
        );
        assert_eq!(write(up, "/dev/null", b"anything").unwrap(), 8);
        assert_eq!(
            err(open(up, "/dev/zero", OWRITE)),
            "permission denied: '/dev/zero'"
        );
    }

    fn readall_r(up: &Up<H>, name: &str) -> Result<usize> {
        let fd = open(up, name, OREAD)?;
        let mut b = [0u8; 10];
        sysread(up, fd, &mut b)
    }

    #[test]
    fn only_eve_writes_hostowner_and_anyone_becomes_none() {
        // auth.c: hostownerwrite is eve's, 1 to KNAMELEN-1 bytes;
        // userwrite takes exactly "none".
        let w = cworld(USER);
        assert_eq!(
            err(write(&w.up, "/dev/hostowner", b"glenda")),
            "permission denied: '/dev/hostowner'"
        );
        assert_eq!(
            err(write(&w.up, "/dev/user", b"bootes")),
            "permission denied"
        );
        assert_eq!(
            err(write(&w.up, "/dev/user", b"none\n")),
            "permission denied"
        );
        assert_eq!(write(&w.up, "/dev/user", b"none").unwrap(), 4);
        assert_eq!(*w.fake.users.lock().unwrap(), ["none"]);
        let e = cworld(EVE);
        let up = &e.up;
        assert_eq!(
            err(write(up, "/dev/hostowner", b"")),
            "bad arg in system call"
        );
        assert_eq!(
            err(write(up, "/dev/hostowner", &[b'x'; KNAMELEN])),
            "name too long"
        );
        assert_eq!(write(up, "/dev/hostowner", b"sape").unwrap(), 4);
        assert!(write(up, "/dev/hostowner", &[b'y'; KNAMELEN - 1]).is_ok());
        assert_eq!(
            *e.fake.owners.lock().unwrap(),
            ["sape".to_string(), "y".repeat(27)]
        );
        assert!(e.fake.users.lock().unwrap().is_empty());
    }

    #[test]
    fn sysname_and_hostdomain() {
        // Qsysname: one write at offset 0 of 1..255 bytes, without a
        // final newline; hostdomainwrite: eve's, 1..DOMLEN-1 bytes.
        let e = cworld(EVE);
        let up = &e.up;
        assert_eq!(write(up, "/dev/sysname", b"kremvax\n").unwrap(), 8);
        assert_eq!(readall(up, "/dev/sysname", 3), b"kremvax");
        assert_eq!(e.cons.sysname().as_deref(), Some("kremvax"));
        let fd = open(up, "/dev/sysname", OWRITE).unwrap();
        assert_eq!(err(syspwrite(up, fd, b"x", 1)), "bad arg in system call");
        assert_eq!(
            err(syspwrite(up, fd, &[b'a'; 256], 0)),
            "bad arg in system call"
        );
        assert_eq!(
            write(up, "/dev/hostdomain", b"outside.plan9.bell-labs.com").unwrap(),
            27
        );
        assert_eq!(
            readall(up, "/dev/hostdomain", 100),
            b"outside.plan9.bell-labs.com"
        );
        assert_eq!(
            err(write(up, "/dev/hostdomain", &[b'd'; DOMLEN])),
            "bad arg in system call"
        );
        assert_eq!(
            err(write(up, "/dev/hostdomain", b"\0x")),
            "bad arg in system call"
        );
        let w = cworld(USER);
        assert_eq!(
            err(write(&w.up, "/dev/sysname", b"mine")),
            "permission denied: '/dev/sysname'"
        );
    }

    #[test]
    fn reboot_is_eves() {
        // Qreboot: 0220 and iseve; rebootmsg's reboot, panic, rdb.
        let w = cworld(USER);
        assert_eq!(
            err(write(&w.up, "/dev/reboot", b"reboot")),
            "permission denied: '/dev/reboot'"
        );
        let e = cworld(EVE);
        let up = &e.up;
        assert_eq!(
            err(open(up, "/dev/reboot", OREAD)),
            "permission denied: '/dev/reboot'"
        );
        write(up, "/dev/reboot", b"reboot\n").unwrap();
        write(up, "/dev/reboot", b"reboot /amd64/9pc64").unwrap();
        write(up, "/dev/reboot", b"rdb").unwrap();
        assert_eq!(
            err(write(up, "/dev/reboot", b"halt now")),
            "unknown control message \"halt now\""
        );
        assert_eq!(err(write(up, "/dev/reboot", b"")), "empty control message");
        assert_eq!(
            *e.fake.reboots.lock().unwrap(),
            [
                Rebootcmd::Reboot(vec![]),
                Rebootcmd::Reboot(vec!["/amd64/9pc64".to_string()]),
                Rebootcmd::Rdb
            ]
        );
    }

    #[test]
    fn writes_to_cons_are_printed() {
        // Qcons: putstrn0, in pieces of at most 256 bytes.
        let w = cworld(EVE);
        let big: Vec<u8> = (0..700).map(|i| b'a' + (i % 26) as u8).collect();
        assert_eq!(write(&w.up, "/dev/cons", b"hello\n").unwrap(), 6);
        // cons is eve's, 0660.
        let g = cworld(USER);
        assert_eq!(
            err(write(&g.up, "/dev/cons", b"x")),
            "permission denied: '/dev/cons'"
        );
        assert_eq!(write(&w.up, "/dev/cons", &big).unwrap(), 700);
        let mut want = b"hello\n".to_vec();
        want.extend_from_slice(&big);
        assert_eq!(w.fake.out(), want);
    }

    /// Type `s`, then read `/dev/cons` once with a buffer of `n`.
    fn typeread(w: &W, fd: i32, s: &[u8], n: usize) -> Vec<u8> {
        w.fake.typed(s);
        read1(&w.up, fd, n)
    }

    #[test]
    fn cooked_lines_are_edited_and_echoed() {
        // kbdfs(8) lineproc: backspace erases a rune, ^U the line, ^W
        // back through the last blank; typed runes are echoed, erasures
        // as backspaces.
        let w = cworld(EVE);
        let fd = open(&w.up, "/dev/cons", ORDWR).unwrap();
        assert_eq!(typeread(&w, fd, b"abc\x08d\n", 100), b"abd\n");
        assert_eq!(w.fake.out(), b"abc\x08d\n");
        assert_eq!(typeread(&w, fd, b"xy\x15ok\n", 100), b"ok\n");
        assert_eq!(w.fake.out(), b"xy\x08\x08ok\n");
        assert_eq!(typeread(&w, fd, b"ab cd\x17ef\n", 100), b"abef\n");
        assert_eq!(w.fake.out(), b"ab cd\x08\x08\x08ef\n");
        // Erasing stops at the start of the line; a rune is one erase.
        assert_eq!(typeread(&w, fd, "\x08\x08é\x08z\n".as_bytes(), 100), b"z\n");
        assert_eq!(w.fake.out(), "é\x08z\n".as_bytes());
        // The serial line's \r and \r\n are \n; XON, XOFF, NUL vanish.
        assert_eq!(typeread(&w, fd, b"a\x11\x13\0b\r\n", 100), b"ab\n");
        assert_eq!(typeread(&w, fd, b"c\r", 100), b"c\n");
        assert_eq!(
            typeread(&w, fd, b"\nd\n", 100),
            b"d\n",
            "the \\n after \\r goes"
        );
    }

    #[test]
    fn control_d_ends_a_line_or_input() {
        // ^D ends the line without going into it; on an empty line the
        // read returns 0 (kbdfs(8)).
        let w = cworld(EVE);
        let fd = open(&w.up, "/dev/cons", OREAD).unwrap();
        assert_eq!(typeread(&w, fd, b"abc\x04", 100), b"abc");
        assert_eq!(w.fake.out(), b"abc", "^D is not echoed");
        assert_eq!(typeread(&w, fd, b"\x04", 100), b"");
        assert_eq!(typeread(&w, fd, b"next\n", 100), b"next\n");
    }

    #[test]
    fn reads_take_part_of_a_line_or_several() {
        // reqproc: the rest of a line first; then whole lines while they
        // fit (kbdfs's conschan holds the cooked lines).
        let w = cworld(EVE);
        let fd = open(&w.up, "/dev/cons", OREAD).unwrap();
        assert_eq!(typeread(&w, fd, b"hello\n", 2), b"he");
        assert_eq!(typeread(&w, fd, b"one\ntwo\n", 3), b"llo");
        assert_eq!(read1(&w.up, fd, 100), b"\none\ntwo\n");
        w.fake.typed(b"l1\nl2\n");
        assert_eq!(read1(&w.up, fd, 4), b"l1\n", "l2 does not fit whole");
        assert_eq!(read1(&w.up, fd, 4), b"l2\n");
        // A line stops at 256 runes.
        let long = vec![b'x'; 300];
        assert_eq!(typeread(&w, fd, &long, 1000), &long[..256]);
        assert_eq!(
            typeread(&w, fd, b"\n", 1000),
            [&long[256..], b"\n"].concat()
        );
    }

    #[test]
    fn del_interrupts_and_drops_the_line() {
        // lineproc's Kdel: post "interrupt" to the note group, flush.
        let w = cworld(EVE);
        let fd = open(&w.up, "/dev/cons", OREAD).unwrap();
        assert_eq!(typeread(&w, fd, b"rm -rf\x7fls\n", 100), b"ls\n");
        assert_eq!(w.fake.intrs.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn rawon_passes_bytes_unechoed() {
        // kbdfs(8): after rawon, runes are not echoed, backspace, ^U, ^W
        // and ^D are not special, and reads return as soon as there is
        // input; rawoff or the last close of consctl ends it.
        let w = cworld(EVE);
        let up = &w.up;
        let fd = open(up, "/dev/cons", OREAD).unwrap();
        let ctl = open(up, "/dev/consctl", OWRITE).unwrap();
        assert_eq!(syswrite(up, ctl, b"rawon").unwrap(), 5);
        assert!(w.cons.israw());
        assert_eq!(typeread(&w, fd, b"a\x08\x04\x15", 100), b"a\x08\x04\x15");
        assert_eq!(typeread(&w, fd, b"x", 100), b"x");
        assert_eq!(w.fake.out(), b"", "no echo");
        assert_eq!(syswrite(up, ctl, b"rawoff\n").unwrap(), 7);
        assert_eq!(typeread(&w, fd, b"ab\x08\n", 100), b"a\n");
        syswrite(up, ctl, b"rawon").unwrap();
        let ctl2 = open(up, "/dev/consctl", OWRITE).unwrap();
        sysclose(up, ctl).unwrap();
        assert!(w.cons.israw(), "consctl is still open");
        sysclose(up, ctl2).unwrap();
        assert!(!w.cons.israw(), "the last close ends raw mode");
        let ctl = open(up, "/dev/consctl", OWRITE).unwrap();
        assert_eq!(err(syswrite(up, ctl, b"raw")), "invalid argument");
        assert_eq!(err(syswrite(up, ctl, b"holdon")), "invalid argument");
        // consctl is write-only, and eve's.
        assert_eq!(
            err(open(up, "/dev/consctl", OREAD)),
            "permission denied: '/dev/consctl'"
        );
        let g = cworld(USER);
        assert_eq!(
            err(open(&g.up, "/dev/consctl", OWRITE)),
            "permission denied: '/dev/consctl'"
        );
    }

    #[test]
    fn a_reader_waits_for_a_line() {
        // A read blocks until a line is complete; echo comes as it is
        // typed; rawon drops the partial line (ctlproc flushes lineproc).
        let w = cworld(EVE);
        let up = &w.up;
        let fd = open(up, "/dev/cons", OREAD).unwrap();
        std::thread::scope(|s| {
            let t = s.spawn(|| read1(up, fd, 100));
            w.fake.typed(b"ab");
            while w.fake.out.lock().unwrap().len() < 2 {
                std::thread::yield_now();
            }
            assert!(!t.is_finished());
            assert_eq!(w.fake.out(), b"ab");
            w.fake.typed(b"c\n");
            assert_eq!(t.join().unwrap(), b"abc\n");
        });
        assert_eq!(w.fake.out(), b"c\n");
        std::thread::scope(|s| {
            let t = s.spawn(|| read1(up, fd, 100));
            w.fake.typed(b"xy");
            while w.fake.out.lock().unwrap().len() < 2 {
                std::thread::yield_now();
            }
            let ctl = open(up, "/dev/consctl", OWRITE).unwrap();
            syswrite(up, ctl, b"rawon").unwrap();
            w.fake.typed(b"z");
            assert_eq!(t.join().unwrap(), b"z");
            sysclose(up, ctl).unwrap();
        });
    }

    #[test]
    fn a_note_interrupts_a_read() {
        // consread waits interruptibly: a note makes it fail with Eintr.
        let w = cworld(EVE);
        let up = &w.up;
        let fd = open(up, "/dev/cons", OREAD).unwrap();
        std::thread::scope(|s| {
            let (tx, rx) = std::sync::mpsc::channel();
            let t = s.spawn(move || {
                tx.send(crate::portfns::host::up()).unwrap();
                let mut b = [0u8; 10];
                sysread(up, fd, &mut b)
            });
            let p = rx.recv().unwrap();
            std::thread::sleep(std::time::Duration::from_millis(30));
            p.postnote();
            assert_eq!(t.join().unwrap(), Err(Error::Eintr));
        });
    }

    #[test]
    fn kprint_is_exclusive_and_gets_console_output() {
        // consopen's Qkprint: one open at a time (Einuse); it reads what
        // is printed after it was opened; its close lets others open it.
        let e = cworld(EVE);
        let up = &e.up;
        assert!(!e.cons.kprintputs(b"before\n"));
        let fd = open(up, "/dev/kprint", OREAD).unwrap();
        assert_eq!(
            err(open(up, "/dev/kprint", OREAD)),
            "device or object already in use: '/dev/kprint'"
        );
        assert!(e.cons.kprintputs(b"one\n"));
        assert!(e.cons.kprintputs(b"two\n"));
        assert_eq!(read1(up, fd, 100), b"one\ntwo\n");
        sysclose(up, fd).unwrap();
        assert!(!e.cons.kprintputs(b"after\n"));
        let fd = open(up, "/dev/kprint", OREAD).unwrap();
        assert!(e.cons.kprintputs(b"again\n"));
        assert_eq!(read1(up, fd, 100), b"again\n");
        let w = cworld(USER);
        assert_eq!(
            err(open(&w.up, "/dev/kprint", OREAD)),
            "permission denied: '/dev/kprint'"
        );
    }

    #[test]
    fn appends_then_keeps_the_tail() {
        let mut k = Kmesg::new();
        k.puts(b"hello ");
        k.puts(b"world\n");
        assert_eq!(k.bytes(), b"hello world\n");
        // Filling past the end slides the oldest bytes out.
        let fill: Vec<u8> = (0..KMESGSIZE).map(|i| b'a' + (i % 26) as u8).collect();
        k.puts(&fill[..KMESGSIZE - 4]);
        assert_eq!(k.bytes().len(), KMESGSIZE);
        assert_eq!(
            &k.bytes()[..8],
            b"rld\nabcd",
            "12+16380 bytes: the first 8 went"
        );
        k.puts(b"XY");
        assert_eq!(k.bytes().len(), KMESGSIZE);
        assert!(k.bytes().ends_with(b"XY"));
        assert_eq!(&k.bytes()[..4], b"d\nab");
        // A write longer than the buffer leaves only its tail.
        let mut big = vec![b'z'; KMESGSIZE + 10];
        big[10] = b'!';
        k.puts(&big);
        assert_eq!(k.bytes()[0], b'!');
        assert_eq!(k.bytes().len(), KMESGSIZE);
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]

            #[test]
            fn cooked_plain_lines_read_back_whole(
                lines in proptest::collection::vec("[ -~]{0,40}", 1..8),
                sizes in proptest::collection::vec(1usize..64, 1..16),
            ) {
                // kbdfs(8): without editing runes, a cooked read gives
                // back exactly what was typed, lines whole, whatever the
                // read sizes; every typed rune is echoed.
                let w = cworld(EVE);
                let fd = open(&w.up, "/dev/cons", OREAD).unwrap();
                let typed: String = lines.iter().map(|l| format!("{l}\n")).collect();
                w.fake.typed(typed.as_bytes());
                let mut got = Vec::new();
                let mut i = 0;
                while got.len() < typed.len() {
                    let b = read1(&w.up, fd, sizes[i % sizes.len()]);
                    prop_assert!(!b.is_empty());
                    got.extend_from_slice(&b);
                    i += 1;
                }
                prop_assert_eq!(got, typed.as_bytes());
                prop_assert_eq!(w.fake.out(), typed.as_bytes());
            }

            #[test]
            fn any_input_is_taken_without_panic(
                input in proptest::collection::vec(any::<u8>(), 0..600),
                raw in any::<bool>(),
                n in 1usize..300,
            ) {
                // Whatever arrives on the line, reads return at most the
                // buffer; in raw mode, printable ASCII comes back as is.
                let w = cworld(EVE);
                let up = &w.up;
                let ctl = open(up, "/dev/consctl", OWRITE).unwrap();
                if raw {
                    syswrite(up, ctl, b"rawon").unwrap();
                }
                let fd = open(up, "/dev/cons", OREAD).unwrap();
                let mut tail = input.clone();
                tail.extend_from_slice(b"\n\x04\x04");
                w.fake.typed(&tail);
                let b = read1(up, fd, n);
                prop_assert!(b.len() <= n);
                if raw {
                    let printable: Vec<u8> =
                        tail.iter().copied().take_while(|c| (b' '..=b'~').contains(c)).collect();
                    let k = printable.len().min(n).min(b.len());
                    prop_assert_eq!(&b[..k], &printable[..k]);
                }
            }
        }
    }
}
