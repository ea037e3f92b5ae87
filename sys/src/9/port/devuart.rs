//! The serial line device `#t`: a port of 9front's `port/devuart.c`.
//!
//! Each UART `i` has three files: `eiaI` (the data), `eiaIctl` (reads as
//! the port's number as `readnum` formats it; takes 9front's control
//! messages) and `eiaIstatus` (the line settings and counters in the
//! format of 9front's `i8250status`). The hardware is reached through
//! [`PhysUart`], 9front's `PhysUart` table of functions; the kernel's
//! implementation for the 8250 is in pc/uarti8250.rs.
//!
//! Control messages ([`Uart::uartctl`]), several to a write, each a
//! letter and a number: `bN` baud rate, `cN`/`eN` hang up on loss of
//! DCD/DSR (recorded), `dN` DTR, `f` flush output, `h` hang up, `iN`
//! FIFO trigger level, `kN` send a break of N ms (`break`: the default),
//! `lN` bits per character, `mN` hardware flow control, `nN` non-blocking
//! output, `pC` parity (`e`, `o`, `n`), `qN` queue limit, `rN` RTS, `sN`
//! stop bits, `wN` input timer, `xN` software flow control. Unknown
//! letters are ignored; a value the hardware refuses fails the write with
//! "bad arg in system call", as 9front's.
//!
//! What differs from 9front:
//!
//! - Output is synchronous: a write to `eiaI` goes to the UART through
//!   [`PhysUart::write`] (polled, as the console's own output is) rather
//!   than through an output queue drained by the transmit interrupt. So
//!   there is nothing to drain before a setting changes, and `f`, `n`
//!   have nothing to act on; `x` and `c`/`e` are recorded but there is
//!   no flow control and no modem-status hang-up (no modem interrupt).
//! - Input: `eiaI` reads from the queue the UART's interrupt fills
//!   ([`PhysUart::iq`]). For the console UART that is the console's own
//!   input queue, so a reader of `eia0` and a reader of `/dev/cons`
//!   compete for the bytes, each byte going to one of them (in 9front the
//!   console UART is also `eia0`, and its input goes to the console).
//! - A console UART is open from the start (as 9front's `uartreset` opens
//!   it) with the settings the kernel gave it, so it is never disabled;
//!   `q` does not change its queue's limit (that queue is the console's).
//! - `h` hangs the port up until it is next enabled (its last close and
//!   a new open): reads give end of file and writes "i/o on hungup
//!   channel", as 9front's hung-up queues do; the input queue itself is
//!   left alone.
//! - `w` (the period of 9front's staging timer) is checked (N ≥ 1) but
//!   there is no timer: input goes to the queue at interrupt time.
//! - No `uartmouse`, no power management, no staging buffers.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use libc::fcall::{Dir, Qid, DMDIR, QTDIR};

use crate::chan::Chan;
use crate::dev::*;
use crate::devcons::{readnum, readstr};
use crate::portdat::{Up, COPEN, NUMSIZE};
use crate::portfns::{ILock, QLock, Sched};
use crate::qio::{Maxatomic, Queue};
use crate::{Error, Result};

/// The line as the hardware reports it (the parts of 9front's
/// `i8250status` read from the chip's registers).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Linestat {
    /// Bits per character (LCR).
    pub bits: u32,
    /// `e`, `o` or `n` (LCR).
    pub parity: u8,
    /// Stop bits (LCR).
    pub stop: u32,
    /// Modem-status interrupts on (IER), i.e. hardware flow control.
    pub modem: bool,
    /// RTS raised (MCR).
    pub rts: bool,
    /// FIFO trigger level set by `i`.
    pub fifo: i32,
    /// Modem status (MSR).
    pub cts: bool,
    pub dsr: bool,
    pub dcd: bool,
    pub ring: bool,
    /// Framing errors and overruns counted by the interrupt handler.
    pub ferr: u32,
    pub oerr: u32,
}

/// What `#t` needs from one UART: 9front's `PhysUart` functions.
/// Functions that 9front lets fail (-1) return false.
pub trait PhysUart<S: Sched>: Send + Sync {
    /// The UART's internal name (`COM1`).
    fn name(&self) -> &str;
    /// Turn the UART on, with interrupts if `ie`.
    fn enable(&self, ie: bool);
    /// Turn it off: DTR and RTS down, FIFO and interrupts off.
    fn disable(&self);
    /// Send a break of `ms` milliseconds (200 if `ms` ≤ 0).
    fn dobreak(&self, ms: i32);
    /// Set the baud rate.
    fn baud(&self, baud: i32) -> bool;
    /// Set the bits per character (5 to 8).
    fn bits(&self, bits: i32) -> bool;
    /// Set the stop bits (1 or 2).
    fn stop(&self, stop: i32) -> bool;
    /// Set the parity (`e`, `o`, `n`).
    fn parity(&self, parity: u8) -> bool;
    /// Hardware flow control on or off.
    fn modemctl(&self, on: bool);
    /// Raise or drop RTS.
    fn rts(&self, on: bool);
    /// Raise or drop DTR.
    fn dtr(&self, on: bool);
    /// Set the FIFO trigger level (0 turns it off).
    fn fifo(&self, level: i32);
    /// The line's state.
    fn status(&self) -> Linestat;
    /// Send `buf` as it is (9front's output queue and `kick`).
    fn write(&self, buf: &[u8]);
    /// The queue the receive interrupt fills.
    fn iq(&self) -> &Queue<S>;
}

/// Line settings a UART already has when the kernel hands it over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub baud: i32,
    pub bits: i32,
    pub parity: u8,
    pub stop: i32,
}

#[derive(Debug, Default)]
struct State {
    baud: i32,
    bits: i32,
    stop: i32,
    parity: u8,
    hup_dcd: i32,
    hup_dsr: i32,
    xonoff: i32,
    opens: u32,
    enabled: bool,
    hungup: bool,
    console: bool,
    berr: u32,
    serr: u32,
    /// The permissions of `eiaI` and `eiaIctl` (wstat changes them).
    perm: u32,
}

/// One UART of `#t` (9front's `Uart`, the software side).
pub struct Uart<S: Sched> {
    phys: Arc<dyn PhysUart<S>>,
    /// `qlock(p)`: opens, closes and control messages one at a time.
    ql: S::QLock,
    st: S::Lock<State>,
}

impl<S: Sched> Uart<S> {
    /// A UART over `phys`. A console UART (`console` given, with the
    /// settings the kernel programmed) is open and enabled from the start.
    pub fn new(phys: Arc<dyn PhysUart<S>>, console: Option<Line>) -> Uart<S> {
        let mut st = State {
            perm: 0o660,
            ..Default::default()
        };
        if let Some(l) = console {
            st.baud = l.baud;
            st.bits = l.bits;
            st.parity = l.parity;
            st.stop = l.stop;
            st.console = true;
            st.enabled = true;
            st.opens = 1;
        }
        Uart {
            phys,
            ql: S::QLock::default(),
            st: S::Lock::new(st),
        }
    }

    /// `uartenable`: default settings where there are none, then the
    /// hardware.
    fn enable(&self) -> Result<()> {
        let (bits, stop, parity, baud) = {
            let s = self.st.ilock();
            if s.enabled {
                return Ok(());
            }
            (s.bits, s.stop, s.parity, s.baud)
        };
        self.phys.iq().qreopen();
        if bits == 0 {
            self.uartctl("l8")?;
        }
        if stop == 0 {
            self.uartctl("s1")?;
        }
        if parity == 0 {
            self.uartctl("pn")?;
        }
        if baud == 0 {
            self.uartctl("b9600")?;
        }
        self.phys.enable(true);
        let mut s = self.st.ilock();
        s.enabled = true;
        s.hungup = false;
        Ok(())
    }

    /// `uartdisable`.
    fn disable(&self) {
        if !self.st.ilock().enabled {
            return;
        }
        self.phys.disable();
        self.st.ilock().enabled = false;
    }

    /// `uartctl`: apply the control messages of `cmd`; `Err(Ebadarg)`
    /// where 9front's returns -1 (the messages before it stay applied).
    pub fn uartctl(&self, cmd: &str) -> Result<()> {
        for f in libc::tokenize::tokenize(cmd, 16) {
            if f.starts_with("break") {
                self.phys.dobreak(0);
                continue;
            }
            let mut chars = f.chars();
            let Some(c) = chars.next() else { continue };
            let rest = chars.as_str();
            let n = libc::atol::atoi(rest);
            let ok = match c.to_ascii_lowercase() {
                'b' => {
                    let ok = self.phys.baud(n);
                    if ok {
                        self.st.ilock().baud = n;
                    }
                    ok
                }
                'c' => {
                    self.st.ilock().hup_dcd = n;
                    true
                }
                'd' => {
                    self.phys.dtr(n != 0);
                    true
                }
                'e' => {
                    self.st.ilock().hup_dsr = n;
                    true
                }
                // Output is synchronous: nothing queued to flush, nothing
                // to make non-blocking.
                'f' | 'n' => true,
                'h' => {
                    self.st.ilock().hungup = true;
                    true
                }
                'i' => {
                    self.phys.fifo(n);
                    true
                }
                'k' => {
                    self.phys.dobreak(n);
                    true
                }
                'l' => {
                    let ok = self.phys.bits(n);
                    if ok {
                        self.st.ilock().bits = n;
                    }
                    ok
                }
                'm' => {
                    self.phys.modemctl(n != 0);
                    true
                }
                'p' => {
                    let p = rest.bytes().next().unwrap_or(0);
                    let ok = self.phys.parity(p);
                    if ok {
                        self.st.ilock().parity = p;
                    }
                    ok
                }
                'q' => {
                    if !(0..=1024 * 1024).contains(&n) {
                        false
                    } else {
                        if !self.st.ilock().console {
                            self.phys.iq().qsetlimit(n as usize);
                        }
                        true
                    }
                }
                'r' => {
                    self.phys.rts(n != 0);
                    true
                }
                's' => {
                    let ok = self.phys.stop(n);
                    if ok {
                        self.st.ilock().stop = n;
                    }
                    ok
                }
                'w' => n >= 1,
                'x' => {
                    self.st.ilock().xonoff = n;
                    true
                }
                _ => true,
            };
            if !ok {
                return Err(Error::Ebadarg);
            }
        }
        Ok(())
    }

    /// The text of `eiaIstatus` for port `dev` (9front's `i8250status`).
    pub fn statustext(&self, dev: usize) -> String {
        let l = self.phys.status();
        let s = self.st.ilock();
        format!(
            "b{} c{} d{} e{} l{} m{} p{} r{} s{} i{}\ndev({}) type({}) framing({}) overruns({}) berr({}) serr({}){}{}{}{}\n",
            s.baud,
            s.hup_dcd,
            l.dsr as u32,
            s.hup_dsr,
            l.bits,
            l.modem as u32,
            l.parity as char,
            l.rts as u32,
            l.stop,
            l.fifo,
            dev,
            0,
            l.ferr,
            l.oerr,
            s.berr,
            s.serr,
            if l.cts { " cts" } else { "" },
            if l.dsr { " dsr" } else { "" },
            if l.dcd { " dcd" } else { "" },
            if l.ring { " ring" } else { "" },
        )
    }
}

/// `netif.h`'s file types within a port's qid.
const NDATAQID: u64 = 5;
const NCTLQID: u64 = 6;
const NSTATQID: u64 = 7;

const fn netqid(i: usize, t: u64) -> u64 {
    ((i as u64) << 5) | t
}
const fn nettype(path: u64) -> u64 {
    path & 0x1f
}
const fn netid(path: u64) -> usize {
    (path >> 5) as usize
}

/// The `#t` device.
pub struct DevUart<S: Sched> {
    uarts: Vec<Uart<S>>,
    names: Vec<[&'static str; 3]>,
}

impl<S: Sched> DevUart<S> {
    /// `uartreset`: the device over `uarts`, which become `eia0`, `eia1`,
    /// ... in order.
    pub fn new(uarts: Vec<Uart<S>>) -> DevUart<S> {
        let names = (0..uarts.len())
            .map(|i| {
                let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
                [leak(format!("eia{i}")), leak(format!("eia{i}ctl")), leak(format!("eia{i}status"))]
            })
            .collect();
        DevUart { uarts, names }
    }

    /// The UART of port `i`.
    pub fn uart(&self, i: usize) -> Option<&Uart<S>> {
        self.uarts.get(i)
    }

    /// 9front's `uartdir`, with the data files' lengths (`setlength`).
    fn dirtab(&self) -> Vec<Dirtab> {
        let mut d = Vec::with_capacity(1 + 3 * self.uarts.len());
        d.push(Dirtab::new(".", Qid { path: 0, vers: 0, typ: QTDIR }, 0, DMDIR | 0o555));
        for (i, u) in self.uarts.iter().enumerate() {
            let (perm, open) = {
                let s = u.st.ilock();
                (s.perm, s.opens > 0)
            };
            let len = if open { u.phys.iq().qlen() as u64 } else { 0 };
            let q = |t| Qid { path: netqid(i, t), vers: 0, typ: 0 };
            d.push(Dirtab::new(self.names[i][0], q(NDATAQID), len, perm));
            d.push(Dirtab::new(self.names[i][1], q(NCTLQID), 0, perm));
            d.push(Dirtab::new(self.names[i][2], q(NSTATQID), 0, 0o444));
        }
        d
    }

    fn port(&self, c: &Chan<S>) -> Result<&Uart<S>> {
        self.uarts.get(netid(c.qid.path)).ok_or(Error::Enonexist)
    }
}

fn iseve<S: Sched>(up: &Up<S>) -> bool {
    up.user == up.devtab.eve
}

impl<S: Sched> Dev<S> for DevUart<S> {
    fn dc(&self) -> char {
        't'
    }
    fn name(&self) -> &str {
        "uart"
    }
    fn attach(&self, up: &Up<S>, spec: &str) -> Result<Chan<S>> {
        devattach(up, 't', spec)
    }
    fn walk(&self, up: &Up<S>, c: &Chan<S>, names: &[&str]) -> Result<Walkqid<S>> {
        devwalk(up, c, names, &self.dirtab(), None)
    }
    fn stat(&self, up: &Up<S>, c: &Chan<S>, db: &mut [u8]) -> Result<usize> {
        devstat(up, c, db, &self.dirtab(), None)
    }
    fn open(&self, up: &Up<S>, mut c: Chan<S>, omode: u32) -> Result<Arc<Chan<S>>> {
        c.iounit = Maxatomic as u32;
        let c = devopen(up, c, omode, &self.dirtab(), None)?;
        match nettype(c.qid.path) {
            NCTLQID | NDATAQID => {
                let p = self.port(&c)?;
                let _g = p.ql.qlock();
                let opens = p.st.ilock().opens;
                if opens == 0 {
                    if let Err(e) = p.enable() {
                        c.clrflag(COPEN);
                        return Err(e);
                    }
                }
                p.st.ilock().opens += 1;
            }
            _ => {}
        }
        Ok(c)
    }
    fn close(&self, c: &mut Chan<S>) {
        if c.qid.typ & QTDIR != 0 || c.flag() & COPEN == 0 {
            return;
        }
        if let NDATAQID | NCTLQID = nettype(c.qid.path) {
            let Ok(p) = self.port(c) else { return };
            let _g = p.ql.qlock();
            let last = {
                let mut s = p.st.ilock();
                s.opens = s.opens.saturating_sub(1);
                s.opens == 0
            };
            if last {
                p.phys.iq().qclose();
                p.disable();
                p.st.ilock().hungup = false;
            }
        }
    }
    fn read(&self, up: &Up<S>, c: &Chan<S>, buf: &mut [u8], off: i64) -> Result<usize> {
        if c.qid.typ & QTDIR != 0 {
            return devdirread(up, c, buf, &self.dirtab(), None);
        }
        let p = self.port(c)?;
        match nettype(c.qid.path) {
            NDATAQID => {
                if p.st.ilock().hungup {
                    return Ok(0);
                }
                p.phys.iq().qread(buf)
            }
            NCTLQID => Ok(readnum(off as u64, buf, netid(c.qid.path) as u32, NUMSIZE)),
            NSTATQID => Ok(readstr(off as u64, buf, &p.statustext(netid(c.qid.path)))),
            _ => Ok(0),
        }
    }
    fn write(&self, _up: &Up<S>, c: &Chan<S>, buf: &[u8], _off: i64) -> Result<usize> {
        if c.qid.typ & QTDIR != 0 {
            return Err(Error::Eperm);
        }
        let p = self.port(c)?;
        match nettype(c.qid.path) {
            NDATAQID => {
                let _g = p.ql.qlock();
                if p.st.ilock().hungup {
                    return Err(Error::Ehungup);
                }
                p.phys.write(buf);
                Ok(buf.len())
            }
            NCTLQID => {
                let cmd = String::from_utf8_lossy(buf);
                let cmd = cmd.split('\0').next().unwrap_or("");
                let _g = p.ql.qlock();
                p.uartctl(cmd)?;
                Ok(buf.len())
            }
            _ => Ok(buf.len()),
        }
    }
    fn wstat(&self, up: &Up<S>, c: &Chan<S>, d: &[u8]) -> Result<usize> {
        if !iseve(up) || c.qid.typ & QTDIR != 0 || nettype(c.qid.path) == NSTATQID {
            return Err(Error::Eperm);
        }
        let p = self.port(c)?;
        let mut dir = Dir::default();
        let n = libc::convm2d::convM2D(d, &mut dir) as usize;
        if n == 0 {
            return Err(Error::Eshortstat);
        }
        if dir.mode != !0u32 {
            p.st.ilock().perm = dir.mode;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chan::setroot;
    use crate::portfns::host::Host;
    use crate::sysfile::{sysclose, sysopen, syspread, sysread, syswrite};
    use crate::testdev::*;
    use alloc::string::ToString;
    use libc::fcall::{OREAD, ORDWR, OWRITE};
    use std::sync::Mutex;

    extern crate std;

    /// An 8250 as a record of what was asked of it.
    struct Fake {
        iq: Queue<Host>,
        line: Mutex<Linestat>,
        log: Mutex<Vec<String>>,
        out: Mutex<Vec<u8>>,
    }

    impl Fake {
        fn new() -> Arc<Fake> {
            Arc::new(Fake {
                iq: Queue::qopen(1024, 0, None),
                line: Mutex::new(Linestat {
                    bits: 8,
                    parity: b'n',
                    stop: 1,
                    ..Default::default()
                }),
                log: Mutex::new(Vec::new()),
                out: Mutex::new(Vec::new()),
            })
        }
        fn log(&self, s: String) {
            self.log.lock().unwrap().push(s);
        }
        fn took(&self) -> Vec<String> {
            core::mem::take(&mut *self.log.lock().unwrap())
        }
    }

    impl PhysUart<Host> for Fake {
        fn name(&self) -> &str {
            "COM1"
        }
        fn enable(&self, ie: bool) {
            self.log(format!("enable {ie}"));
        }
        fn disable(&self) {
            self.log("disable".to_string());
        }
        fn dobreak(&self, ms: i32) {
            self.log(format!("break {ms}"));
        }
        // i8250baud: fails for a zero or negative rate.
        fn baud(&self, baud: i32) -> bool {
            self.log(format!("baud {baud}"));
            baud > 0
        }
        // i8250bits: 5 to 8.
        fn bits(&self, bits: i32) -> bool {
            self.log(format!("bits {bits}"));
            let ok = (5..=8).contains(&bits);
            if ok {
                self.line.lock().unwrap().bits = bits as u32;
            }
            ok
        }
        // i8250stop: 1 or 2.
        fn stop(&self, stop: i32) -> bool {
            self.log(format!("stop {stop}"));
            let ok = stop == 1 || stop == 2;
            if ok {
                self.line.lock().unwrap().stop = stop as u32;
            }
            ok
        }
        // i8250parity: e, o, n.
        fn parity(&self, p: u8) -> bool {
            self.log(format!("parity {}", p as char));
            let ok = matches!(p, b'e' | b'o' | b'n');
            if ok {
                self.line.lock().unwrap().parity = p;
            }
            ok
        }
        fn modemctl(&self, on: bool) {
            self.log(format!("modem {on}"));
            self.line.lock().unwrap().modem = on;
        }
        fn rts(&self, on: bool) {
            self.log(format!("rts {on}"));
            self.line.lock().unwrap().rts = on;
        }
        fn dtr(&self, on: bool) {
            self.log(format!("dtr {on}"));
        }
        fn fifo(&self, level: i32) {
            self.log(format!("fifo {level}"));
            self.line.lock().unwrap().fifo = level;
        }
        fn status(&self) -> Linestat {
            *self.line.lock().unwrap()
        }
        fn write(&self, buf: &[u8]) {
            self.out.lock().unwrap().extend_from_slice(buf);
        }
        fn iq(&self) -> &Queue<Host> {
            &self.iq
        }
    }

    const CONS: Line = Line {
        baud: 115200,
        bits: 8,
        parity: b'n',
        stop: 1,
    };

    /// A world with `#t` over a console UART (eia0) and a second one.
    fn uartworld(user: &str) -> (World, Arc<Fake>, Arc<Fake>) {
        let mut w = world();
        let f0 = Fake::new();
        let f1 = Fake::new();
        let dev = DevUart::new(alloc::vec![Uart::new(f0.clone(), Some(CONS)), Uart::new(f1.clone(), None)]);
        let devs: Vec<Arc<dyn Dev<H>>> = alloc::vec![w.y.clone(), w.z.clone(), Arc::new(dev)];
        let mut up = Up::new(Arc::new(Devtab::new(EVE, devs).unwrap()), user);
        setroot(&mut up, "#Yroot").unwrap();
        w.up = up;
        (w, f0, f1)
    }

    fn readall(up: &Up<H>, name: &str) -> String {
        let fd = sysopen(up, name, OREAD as u32).unwrap() as i32;
        let mut b = [0u8; 512];
        let n = syspread(up, fd, &mut b, 0).unwrap();
        sysclose(up, fd).unwrap();
        String::from_utf8(b[..n].to_vec()).unwrap()
    }

    fn ctl(up: &Up<H>, name: &str, msg: &str) -> Result<usize> {
        let fd = sysopen(up, name, OWRITE as u32)? as i32;
        let r = syswrite(up, fd, msg.as_bytes());
        sysclose(up, fd).unwrap();
        r
    }

    #[test]
    fn three_files_per_port() {
        // uartreset: eiaN, eiaNctl (0660) and eiaNstatus (0444) per UART.
        let (w, _, _) = uartworld(EVE);
        let d = lsn(&w.up, "#t", 1024).unwrap();
        let names: Vec<(String, u32)> = d.iter().map(|d| (d.name.to_string(), d.mode)).collect();
        assert_eq!(
            names,
            [
                ("eia0".to_string(), 0o660),
                ("eia0ctl".to_string(), 0o660),
                ("eia0status".to_string(), 0o444),
                ("eia1".to_string(), 0o660),
                ("eia1ctl".to_string(), 0o660),
                ("eia1status".to_string(), 0o444)
            ]
        );
        // NETQID(i, Ndataqid).
        assert_eq!(d[3].qid.path, (1 << 5) | 5);
    }

    #[test]
    fn ctl_reads_as_the_port_number() {
        // uartread's Nctlqid: readnum(offset, buf, n, NETID, NUMSIZE).
        let (w, _, _) = uartworld(EVE);
        assert_eq!(readall(&w.up, "#t/eia0ctl"), "          0 ");
        assert_eq!(readall(&w.up, "#t/eia1ctl"), "          1 ");
    }

    #[test]
    fn status_is_i8250statuss_format() {
        // i8250status: "b%d c%d d%d e%d l%d m%d p%c r%d s%d i%d\n"
        // "dev(%d) type(%d) framing(%d) overruns(%d) berr(%d) serr(%d)"
        // and the modem status words.
        let (w, f0, _) = uartworld(EVE);
        assert_eq!(
            readall(&w.up, "#t/eia0status"),
            "b115200 c0 d0 e0 l8 m0 pn r0 s1 i0\ndev(0) type(0) framing(0) overruns(0) berr(0) serr(0)\n"
        );
        {
            let mut l = f0.line.lock().unwrap();
            l.cts = true;
            l.dsr = true;
            l.dcd = true;
            l.ring = true;
            l.ferr = 3;
            l.oerr = 4;
        }
        ctl(&w.up, "#t/eia0ctl", "b9600 l7 pe s2 r1 i8 c1 e1 m1").unwrap();
        assert_eq!(
            readall(&w.up, "#t/eia0status"),
            "b9600 c1 d1 e1 l7 m1 pe r1 s2 i8\ndev(0) type(0) framing(3) overruns(4) berr(0) serr(0) cts dsr dcd ring\n"
        );
        assert!(readall(&w.up, "#t/eia1status").contains("dev(1)"));
    }

    #[test]
    fn ctl_messages_reach_the_hardware_in_order() {
        // uartctl: each field is a letter and atoi of the rest; upper
        // case is the same; "break" sends a default break; unknown
        // letters are ignored.
        let (w, f0, _) = uartworld(EVE);
        f0.took();
        ctl(&w.up, "#t/eia0ctl", "B19200 D0 r0 k250 break i1 m0 z99 x1 w5 n1 f q100").unwrap();
        assert_eq!(
            f0.took(),
            ["baud 19200", "dtr false", "rts false", "break 250", "break 0", "fifo 1", "modem false"]
        );
    }

    #[test]
    fn refused_values_are_ebadarg() {
        // uartctl returns -1 (uartwrite: error(Ebadarg)) for a baud rate,
        // bits, parity or stop bits the hardware refuses, a queue limit
        // out of 0..1MiB and a timer period below 1.
        let (w, f0, _) = uartworld(EVE);
        for bad in ["b0", "b", "l9", "l4", "px", "p", "s3", "s0", "q-1", "q2000000", "w0"] {
            assert_eq!(err(ctl(&w.up, "#t/eia0ctl", bad)), "bad arg in system call", "{bad}");
        }
        // Messages before the bad one are applied.
        f0.took();
        assert!(ctl(&w.up, "#t/eia0ctl", "d1 l9 r1").is_err());
        assert_eq!(f0.took(), ["dtr true", "bits 9"]);
    }

    #[test]
    fn first_open_enables_with_defaults_last_close_disables() {
        // uartenable: l8, s1, pn, b9600 where unset, then enable(1);
        // uartclose: the last close disables. The console UART is open
        // from boot and never disabled.
        let (w, f0, f1) = uartworld(EVE);
        let fd = sysopen(&w.up, "#t/eia1", ORDWR as u32).unwrap() as i32;
        assert_eq!(f1.took(), ["bits 8", "stop 1", "parity n", "baud 9600", "enable true"]);
        let fd2 = sysopen(&w.up, "#t/eia1ctl", ORDWR as u32).unwrap() as i32;
        assert!(f1.took().is_empty());
        // status is not counted as an open.
        let _ = readall(&w.up, "#t/eia1status");
        sysclose(&w.up, fd).unwrap();
        assert!(f1.took().is_empty());
        sysclose(&w.up, fd2).unwrap();
        assert_eq!(f1.took(), ["disable"]);
        // Reopened: settings kept from the last time.
        let fd = sysopen(&w.up, "#t/eia1", ORDWR as u32).unwrap() as i32;
        assert_eq!(f1.took(), ["enable true"]);
        sysclose(&w.up, fd).unwrap();
        let fd = sysopen(&w.up, "#t/eia0", ORDWR as u32).unwrap() as i32;
        sysclose(&w.up, fd).unwrap();
        assert!(f0.took().is_empty());
    }

    #[test]
    fn data_goes_out_and_comes_in() {
        let (w, f0, _) = uartworld(EVE);
        let fd = sysopen(&w.up, "#t/eia0", ORDWR as u32).unwrap() as i32;
        assert_eq!(syswrite(&w.up, fd, b"hello\n").unwrap(), 6);
        // No \n to \r\n: the bytes as written.
        assert_eq!(*f0.out.lock().unwrap(), b"hello\n");
        f0.iq.qproduce(b"in");
        let mut b = [0u8; 10];
        assert_eq!(sysread(&w.up, fd, &mut b).unwrap(), 2);
        assert_eq!(&b[..2], b"in");
        // The data file's length is the input queued (setlength).
        f0.iq.qproduce(b"abc");
        let d = lsn(&w.up, "#t", 1024).unwrap();
        assert_eq!(d[0].length, 3);
    }

    #[test]
    fn hangup_ends_reads_and_fails_writes() {
        // 'h': qhangup of both queues: reads return 0, writes fail with
        // Ehungup, until the port is enabled again.
        let (w, f0, f1) = uartworld(EVE);
        ctl(&w.up, "#t/eia0ctl", "h").unwrap();
        let fd = sysopen(&w.up, "#t/eia0", ORDWR as u32).unwrap() as i32;
        f0.iq.qproduce(b"x");
        let mut b = [0u8; 4];
        assert_eq!(sysread(&w.up, fd, &mut b).unwrap(), 0);
        assert_eq!(err(syswrite(&w.up, fd, b"y")), "i/o on hungup channel");
        let fd1 = sysopen(&w.up, "#t/eia1ctl", ORDWR as u32).unwrap() as i32;
        syswrite(&w.up, fd1, b"h").unwrap();
        sysclose(&w.up, fd1).unwrap();
        let fd1 = sysopen(&w.up, "#t/eia1", ORDWR as u32).unwrap() as i32;
        assert_eq!(syswrite(&w.up, fd1, b"ok").unwrap(), 2);
        assert_eq!(*f1.out.lock().unwrap(), b"ok");
    }

    #[test]
    fn permissions_and_wstat() {
        // eia files are 0660, owned by eve: glenda may not open them.
        // uartwstat: eve only, not the status file; the mode applies to
        // both eiaN and eiaNctl.
        let (w, _, _) = uartworld(USER);
        assert_eq!(err(sysopen(&w.up, "#t/eia0", OREAD as u32)), "permission denied: '#t/eia0'");
        assert!(sysopen(&w.up, "#t/eia0status", OREAD as u32).is_ok());
        assert_eq!(err(sysopen(&w.up, "#t/eia0status", OWRITE as u32)), "permission denied: '#t/eia0status'");
        let mut d = libc::nulldir::nulldir();
        d.mode = 0o666;
        let st = d.to_bytes().unwrap();
        assert_eq!(err(crate::sysfile::syswstat(&w.up, "#t/eia0", &st)), "permission denied");
        let (w, _, _) = uartworld(EVE);
        crate::sysfile::syswstat(&w.up, "#t/eia0", &st).unwrap();
        assert!(crate::sysfile::syswstat(&w.up, "#t/eia0status", &st).is_err());
        let d = lsn(&w.up, "#t", 1024).unwrap();
        assert_eq!((d[0].mode, d[1].mode, d[3].mode), (0o666, 0o666, 0o660));
    }
}
