//! The architecture device `#P`: a port of 9front's
//! `sys/src/9/pc/devarch.c`, with the files that `port/iomap.c`
//! (`ioalloc`) and `pc/irq.c` (`irqalloc`) add to it.
//!
//! Files, in 9front's order:
//!
//! - `iob`, `iow`, `iol` (0660, eve's): byte, 16-bit and 32-bit port
//!   I/O, the offset being the port. As `archread`/`archwrite`: a count
//!   that is not a multiple of the width, a range past 0x10000 or one
//!   that wraps is "bad arg in system call"; ports that a driver has
//!   claimed with `ioalloc` are "permission denied", except the standard
//!   VGA registers (0x2b0-0x2df, 0x3c0-0x3da).
//! - `ioalloc` (0444): the port map (port/iomap.rs's text, one line per
//!   range, at most one line per read).
//! - `cputype` (0444): `<type> <MHz>\n`, the type named from CPUID by
//!   `cpuidentify`'s tables (vendor, family, model).
//! - `archctl` (0664): reads as the lines `cpu`, `pge`, `coherence`,
//!   `cmpswap`, `arch`; takes `pge on|off`, `coherence mb386|mb586|
//!   mfence|nop` and `cache base size type`.
//! - `irqalloc` (0444): `%11d %11d %s\n` (vector, IRQ, name) per handler
//!   of pc/irq.rs's table, at most one line per read.
//!
//! What differs from 9front:
//!
//! - The machine is reached through [`ArchHost`] (the kernel's port I/O,
//!   CPUID, CR4 and interrupt table; a fake in the host tests) and the
//!   port map is port's [`IoMap`].
//! - No `msr` (planten cannot yet recover from the fault a bad MSR
//!   number raises, which 9front's `rdmsr` turns into an error), no
//!   `realmodemem`, no `addarchfile` for drivers (the table is fixed).
//! - `coherence` and `cmpswap` name what 9front would choose on this
//!   processor (`mfence` with SSE2, `cmpswap486`); a `coherence` message
//!   is checked as 9front checks it and its choice read back, but the
//!   kernel's Rust code keeps its own barriers. `cache` parses its
//!   numbers as 9front's and then fails with "mtrr not supported": there
//!   is no MTRR code, and `archctl` has no MTRR lines.
//! - The kernel's `ioinit` claims the ports of what planten drives:
//!   9front's `dummy` 0xfff, the i8253 and i8259 ranges, `rtc/nvr`, and
//!   COM1 as `eia0` (9front's i8250 console is not in the map; its
//!   `uartisa` names ISA UARTs `UartISA<n>`).

use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use plibc::fcall::{Qid, DMDIR, QTDIR};
use port::chan::Chan;
use port::dev::*;
use port::devcons::readstr;
use port::iomap::IoMap;
use port::parse::{cmderror, lookupcmd, parsecmd, Cmdtab};
use port::portdat::Up;
use port::portfns::{ILock, Sched};
use port::{Error, Result};

/// What CPUID told `cpuidentify`, and what the kernel measured.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CpuInfo {
    /// The vendor string (`GenuineIntel`, `AuthenticAMD`, ...).
    pub vendor: String,
    /// Leaf 1's EAX (signature) and EDX (features).
    pub ax: u32,
    pub dx: u32,
    /// The clock rate in MHz (9front's `m->cpumhz`).
    pub mhz: u32,
    /// Processors running.
    pub nmach: usize,
}

/// CPUID leaf 1 EDX bits that devarch.c looks at.
pub const PGE: u32 = 1 << 13;
pub const SSE2: u32 = 1 << 26;

/// What `#P` needs from the machine.
pub trait ArchHost: Send + Sync {
    fn inb(&self, port: u16) -> u8;
    fn outb(&self, port: u16, v: u8);
    fn ins(&self, port: u16) -> u16;
    fn outs(&self, port: u16, v: u16);
    fn inl(&self, port: u16) -> u32;
    fn outl(&self, port: u16, v: u32);
    /// The processor (the boot processor's, as 9front's `m` at boot).
    fn cpu(&self) -> CpuInfo;
    /// CR4's page-global-enable bit, and setting it.
    fn pge(&self) -> bool;
    fn setpge(&self, on: bool);
    /// `arch->id`: `ACPI` with the I/O APICs of the MADT, else `generic`.
    fn archid(&self) -> String;
    /// Every interrupt handler: (vector, irq, name).
    fn irqs(&self) -> Vec<(u32, i32, String)>;
}

// (family, model, name); model -1 is the family's default, family -1
// the table's. The names are 9front's, as cputype shows them.
const X86INTEL: &[(i32, i32, &str)] = &[
    (4, 0, "486DX"),
    (4, 1, "486DX50"),
    (4, 2, "486SX"),
    (4, 3, "486DX2"),
    (4, 4, "486SL"),
    (4, 5, "486SX2"),
    (4, 7, "DX2WB"),
    (4, 8, "DX4"),
    (4, 9, "DX4WB"),
    (5, 0, "P5"),
    (5, 1, "P5"),
    (5, 2, "P54C"),
    (5, 3, "P24T"),
    (5, 4, "P55C MMX"),
    (5, 7, "P54C VRT"),
    (6, 1, "PentiumPro"),
    (6, 3, "PentiumII"),
    (6, 5, "PentiumII/Xeon"),
    (6, 6, "Celeron"),
    (6, 7, "PentiumIII/Xeon"),
    (6, 8, "PentiumIII/Xeon"),
    (6, 0xB, "PentiumIII/Xeon"),
    (6, 0xF, "Xeon5000-series"),
    (6, 0x16, "Celeron"),
    (6, 0x17, "Core 2/Xeon"),
    (6, 0x1A, "Core i7/Xeon"),
    (6, 0x1C, "Atom"),
    (6, 0x1D, "Xeon MP"),
    (0xF, 1, "P4"),
    (0xF, 2, "PentiumIV/Xeon"),
    (0xF, 6, "PentiumIV/Xeon"),
    (3, -1, "386"),
    (4, -1, "486"),
    (5, -1, "P5"),
    (6, -1, "P6"),
    (0xF, -1, "P4"),
    (-1, -1, "unknown"),
];

const X86AMD: &[(i32, i32, &str)] = &[
    (5, 0, "AMD-K5"),
    (5, 1, "AMD-K5"),
    (5, 2, "AMD-K5"),
    (5, 3, "AMD-K5"),
    (5, 4, "AMD Geode GX1"),
    (5, 5, "AMD Geode GX2"),
    (5, 6, "AMD-K6"),
    (5, 7, "AMD-K6"),
    (5, 8, "AMD-K6-2"),
    (5, 9, "AMD-K6-III"),
    (5, 0xa, "AMD Geode LX"),
    (6, 1, "AMD-Athlon"),
    (6, 2, "AMD-Athlon"),
    (0x1F, 9, "AMD-K10 Opteron G34"),
    (4, -1, "Am486"),
    (5, -1, "AMD-K5/K6"),
    (6, -1, "AMD-Athlon"),
    (0xF, -1, "AMD-K8"),
    (0x1F, -1, "AMD-K10"),
    (22, 0, "AMD Jaguar"),
    (22, 3, "AMD Puma"),
    (23, 1, "AMD Ryzen"),
    (-1, -1, "unknown"),
];

const X86WINCHIP: &[(i32, i32, &str)] = &[
    (5, 4, "Winchip"),
    (6, 7, "Via C3 Samuel 2 or Ezra"),
    (6, 8, "Via C3 Ezra-T"),
    (6, 9, "Via C3 Eden-N"),
    (6, 0xd, "Via C7 Eden"),
    (-1, -1, "unknown"),
];

const X86SIS: &[(i32, i32, &str)] = &[(5, 0, "SiS 55x"), (-1, -1, "unknown")];

/// `cpuidentify`'s family, model and type name for a vendor string and
/// leaf 1's EAX. As 9front's, an extended model is added (not shifted)
/// to the model for families 6 and 15, and the extended family to 15.
pub fn cpuidentify(vendor: &str, ax: u32) -> (i32, i32, &'static str) {
    let mut family = (ax >> 8 & 0xf) as i32;
    let mut model = (ax >> 4 & 0xf) as i32;
    match family {
        15 => {
            family += (ax >> 20 & 0xff) as i32;
            model += (ax >> 16 & 0xf) as i32;
        }
        6 => model += (ax >> 16 & 0xf) as i32,
        _ => {}
    }
    let tab = match vendor {
        "AuthenticAMD" | "Geode by NSC" => X86AMD,
        "CentaurHauls" => X86WINCHIP,
        "SiS SiS SiS " => X86SIS,
        _ => X86INTEL,
    };
    let name = tab
        .iter()
        .find(|t| (t.0 == family && t.1 == model) || (t.0 == family && t.1 == -1) || t.0 == -1)
        .map_or("unknown", |t| t.2);
    (family, model, name)
}

/// The text of `cputype`: 9front's `%s %d\n` in 32 bytes.
pub fn cputypetext(cpu: &CpuInfo) -> String {
    let (_, _, name) = cpuidentify(&cpu.vendor, cpu.ax);
    let mut s = format!("{} {}\n", name, cpu.mhz);
    s.truncate(31);
    s
}

/// `checkport`: whether `#P/io*` may touch ports `start` up to `end`.
pub fn checkport<S: Sched>(iomap: &IoMap<S>, start: u32, end: u32) -> Result<()> {
    if end < start || end > 0x10000 {
        return Err(Error::Ebadarg);
    }
    if (start >= 0x2b0 && end <= 0x2df + 1) || (start >= 0x3c0 && end <= 0x3da + 1) {
        return Ok(());
    }
    if iomap.iounused(start, end) {
        return Ok(());
    }
    Err(Error::Eperm)
}

/// One line of `irqalloc`: 9front's `%11d %11d %.*s\n` with KNAMELEN.
pub fn irqline(vno: u32, irq: i32, name: &str) -> String {
    let mut n = name.len().min(port::portdat::KNAMELEN);
    while !name.is_char_boundary(n) {
        n -= 1;
    }
    format!("{:11} {:11} {}\n", vno, irq, &name[..n])
}

/// At `offset` into the text of `lines`, at most the rest of the line
/// there (how `irqallocread` and `iomapread` read).
pub fn readline(lines: impl Iterator<Item = String>, buf: &mut [u8], offset: i64) -> usize {
    if offset < 0 {
        return 0;
    }
    let mut off = offset as u64;
    for l in lines {
        let len = l.len() as u64;
        if off < len {
            let b = &l.as_bytes()[off as usize..];
            let n = buf.len().min(b.len());
            buf[..n].copy_from_slice(&b[..n]);
            return n;
        }
        off -= len;
    }
    0
}

const QDIR: u64 = 0;
const QIOB: u64 = 1;
const QIOW: u64 = 2;
const QIOL: u64 = 3;
// Qmsr (4) is not served.
const QIOALLOC: u64 = 5;
const QCPUTYPE: u64 = 6;
const QARCHCTL: u64 = 7;
const QIRQALLOC: u64 = 8;

const fn q(path: u64, typ: u8) -> Qid {
    Qid { path, vers: 0, typ }
}

/// `archdir`, with the files `addarchfile` adds at boot.
const ARCHDIR: &[Dirtab] = &[
    Dirtab::new(".", q(QDIR, QTDIR), 0, DMDIR | 0o555),
    Dirtab::new("iob", q(QIOB, 0), 0, 0o660),
    Dirtab::new("iow", q(QIOW, 0), 0, 0o660),
    Dirtab::new("iol", q(QIOL, 0), 0, 0o660),
    Dirtab::new("ioalloc", q(QIOALLOC, 0), 0, 0o444),
    Dirtab::new("cputype", q(QCPUTYPE, 0), 0, 0o444),
    Dirtab::new("archctl", q(QARCHCTL, 0), 0, 0o664),
    Dirtab::new("irqalloc", q(QIRQALLOC, 0), 0, 0o444),
];

const CMPGE: u32 = 0;
const CMCOHERENCE: u32 = 1;
const CMCACHE: u32 = 2;

const ARCHCTLMSG: &[Cmdtab] = &[
    Cmdtab::new(CMPGE, "pge", 2),
    Cmdtab::new(CMCOHERENCE, "coherence", 2),
    Cmdtab::new(CMCACHE, "cache", 4),
];

/// The `#P` device.
pub struct DevArch<S: Sched> {
    host: Arc<dyn ArchHost>,
    iomap: Arc<IoMap<S>>,
    /// The `coherence` chosen: archinit's, or a message's.
    coherence: S::Lock<&'static str>,
}

impl<S: Sched> DevArch<S> {
    /// `archinit`: the device over the machine and its port map;
    /// `coherence` is `mfence` with SSE2, else `mb586` from the Pentium
    /// on, else `nop`.
    pub fn new(host: Arc<dyn ArchHost>, iomap: Arc<IoMap<S>>) -> DevArch<S> {
        let cpu = host.cpu();
        let (family, _, _) = cpuidentify(&cpu.vendor, cpu.ax);
        let coherence = if cpu.dx & SSE2 != 0 {
            "mfence"
        } else if family >= 5 {
            "mb586"
        } else {
            "nop"
        };
        DevArch {
            host,
            iomap,
            coherence: S::Lock::new(coherence),
        }
    }

    /// The text of `archctl`.
    pub fn archctltext(&self) -> String {
        let cpu = self.host.cpu();
        let (family, _, name) = cpuidentify(&cpu.vendor, cpu.ax);
        format!(
            "cpu {} {}{}\npge {}\ncoherence {}\ncmpswap {}\narch {}\n",
            name,
            cpu.mhz,
            if cpu.dx & PGE != 0 { " pge" } else { "" },
            if self.host.pge() { "on" } else { "off" },
            *self.coherence.ilock(),
            if family >= 4 { "cmpswap486" } else { "cmpswap386" },
            self.host.archid()
        )
    }

    /// `archctlwrite`.
    fn archctl(&self, buf: &[u8]) -> Result<()> {
        let cb = parsecmd(buf);
        let ct = lookupcmd(&cb, ARCHCTLMSG)?;
        let cpu = self.host.cpu();
        let (family, _, _) = cpuidentify(&cpu.vendor, cpu.ax);
        let arg = cb.f[1].as_str();
        match ct.index {
            CMPGE => {
                if cpu.dx & PGE == 0 {
                    return Err(Error::Msg("processor does not support pge".into()));
                }
                match arg {
                    "on" => self.host.setpge(true),
                    "off" => self.host.setpge(false),
                    _ => return Err(cmderror(&cb, "invalid pge ctl")),
                }
            }
            CMCOHERENCE => {
                let c = match arg {
                    "mb386" => "mb386",
                    "mb586" if family < 5 => {
                        return Err(Error::Msg("invalid coherence ctl on this cpu family".into()))
                    }
                    "mb586" => "mb586",
                    "mfence" if cpu.dx & SSE2 == 0 => {
                        return Err(Error::Msg("invalid coherence ctl on this cpu family".into()))
                    }
                    "mfence" => "mfence",
                    "nop" if cpu.nmach > 1 => {
                        return Err(Error::Msg("cannot disable coherence on a multiprocessor".into()))
                    }
                    "nop" => "nop",
                    _ => return Err(cmderror(&cb, "invalid coherence ctl")),
                };
                *self.coherence.ilock() = c;
            }
            _ => {
                let num = |s: &str| {
                    let (v, end) = plibc::strtoull::strtoull(s, 0);
                    (end == s.len()).then_some(v)
                };
                if num(&cb.f[1]).is_none() {
                    return Err(Error::Msg("cache: parse error: base not a number?".into()));
                }
                if num(&cb.f[2]).is_none() {
                    return Err(Error::Msg("cache: parse error: size not a number?".into()));
                }
                return Err(Error::Msg("mtrr not supported".into()));
            }
        }
        Ok(())
    }

    /// Port I/O for `iob`, `iow`, `iol`: `width` bytes a port.
    fn io(&self, path: u64, buf: &mut [u8], wbuf: Option<&[u8]>, off: i64) -> Result<usize> {
        let n = buf.len().max(wbuf.map_or(0, |w| w.len()));
        let width = match path {
            QIOB => 1,
            QIOW => 2,
            _ => 4,
        };
        if n % width != 0 {
            return Err(Error::Ebadarg);
        }
        // 9front's ports and counts are ulongs: 32 bits.
        let start = off as u32;
        let end = start.wrapping_add(n as u32);
        if n > u32::MAX as usize {
            return Err(Error::Ebadarg);
        }
        checkport(&self.iomap, start, end)?;
        for (i, p) in (start..end).step_by(width).enumerate() {
            let p = p as u16;
            let at = i * width;
            match (width, wbuf) {
                (1, None) => buf[at] = self.host.inb(p),
                (1, Some(w)) => self.host.outb(p, w[at]),
                (2, None) => buf[at..at + 2].copy_from_slice(&self.host.ins(p).to_le_bytes()),
                (2, Some(w)) => self.host.outs(p, u16::from_le_bytes([w[at], w[at + 1]])),
                (_, None) => buf[at..at + 4].copy_from_slice(&self.host.inl(p).to_le_bytes()),
                (_, Some(w)) => self.host.outl(p, u32::from_le_bytes([w[at], w[at + 1], w[at + 2], w[at + 3]])),
            }
        }
        Ok(n)
    }
}

impl<S: Sched> Dev<S> for DevArch<S> {
    fn dc(&self) -> char {
        'P'
    }
    fn name(&self) -> &str {
        "arch"
    }
    fn attach(&self, up: &Up<S>, spec: &str) -> Result<Chan<S>> {
        devattach(up, 'P', spec)
    }
    fn walk(&self, up: &Up<S>, c: &Chan<S>, names: &[&str]) -> Result<Walkqid<S>> {
        devwalk(up, c, names, ARCHDIR, None)
    }
    fn stat(&self, up: &Up<S>, c: &Chan<S>, db: &mut [u8]) -> Result<usize> {
        devstat(up, c, db, ARCHDIR, None)
    }
    fn open(&self, up: &Up<S>, c: Chan<S>, omode: u32) -> Result<Arc<Chan<S>>> {
        devopen(up, c, omode, ARCHDIR, None)
    }
    fn close(&self, _c: &mut Chan<S>) {}
    fn read(&self, up: &Up<S>, c: &Chan<S>, buf: &mut [u8], off: i64) -> Result<usize> {
        match c.qid.path {
            QDIR => devdirread(up, c, buf, ARCHDIR, None),
            QIOB | QIOW | QIOL => self.io(c.qid.path, buf, None, off),
            QIOALLOC => Ok(self.iomap.iomapread(buf, off)),
            QCPUTYPE => Ok(readstr(off as u64, buf, &cputypetext(&self.host.cpu()))),
            QARCHCTL => Ok(readstr(off as u64, buf, &self.archctltext())),
            QIRQALLOC => {
                if off < 0 {
                    return Err(Error::Ebadarg);
                }
                let irqs = self.host.irqs();
                Ok(readline(irqs.iter().map(|(v, i, n)| irqline(*v, *i, n)), buf, off))
            }
            _ => Err(Error::Eperm),
        }
    }
    fn write(&self, _up: &Up<S>, c: &Chan<S>, buf: &[u8], off: i64) -> Result<usize> {
        match c.qid.path {
            QIOB | QIOW | QIOL => self.io(c.qid.path, &mut [], Some(buf), off),
            QARCHCTL => {
                self.archctl(buf)?;
                Ok(buf.len())
            }
            _ => Err(Error::Eperm),
        }
    }
}

#[cfg(not(test))]
mod hw {
    use alloc::string::String;
    use alloc::sync::Arc;
    use alloc::vec::Vec;
    use core::arch::asm;
    use core::sync::atomic::{AtomicPtr, AtomicU32, Ordering};

    use port::iomap::IoMap;

    use super::{ArchHost, CpuInfo};
    use crate::sched::Kernel;

    /// The kernel's side of `#P`.
    pub struct KArch {
        mhz: u32,
    }

    static MHZ: AtomicU32 = AtomicU32::new(0);

    impl KArch {
        /// The machine, with the processor's clock measured once (the
        /// time-stamp counter against the i8253 over 20 ms), as 9front's
        /// `guesscpuhz` rounds it: (hz + hz/200) / 10⁶.
        pub fn new() -> KArch {
            let mut mhz = MHZ.load(Ordering::Relaxed);
            if mhz == 0 {
                let hz = crate::clock::fasthz();
                let t0 = crate::clock::fastticks();
                let c0 = crate::l::rdtsc();
                let mut t1 = t0;
                while t1 - t0 < hz / 50 {
                    core::hint::spin_loop();
                    t1 = crate::clock::fastticks();
                }
                let c1 = crate::l::rdtsc();
                let cpuhz = (c1 - c0) as u128 * hz as u128 / (t1 - t0).max(1) as u128;
                let cpuhz = cpuhz as u64;
                mhz = ((cpuhz + cpuhz / 200) / 1_000_000) as u32;
                MHZ.store(mhz, Ordering::Relaxed);
            }
            KArch { mhz }
        }
    }

    fn setcr4(v: u64) {
        // SAFETY: only the page-global-enable bit changes, which flushes
        // the TLB and otherwise leaves every mapping as it is.
        unsafe { asm!("mov cr4, {}", in(reg) v, options(nostack, preserves_flags)) };
    }

    impl ArchHost for KArch {
        fn inb(&self, port: u16) -> u8 {
            // SAFETY: #P's ports are eve's to touch and not claimed by a
            // driver (checkport); port I/O touches no memory.
            unsafe { crate::l::inb(port) }
        }
        fn outb(&self, port: u16, v: u8) {
            // SAFETY: as inb.
            unsafe { crate::l::outb(port, v) }
        }
        fn ins(&self, port: u16) -> u16 {
            let v: u16;
            // SAFETY: as inb.
            unsafe { asm!("in ax, dx", out("ax") v, in("dx") port, options(nomem, nostack, preserves_flags)) };
            v
        }
        fn outs(&self, port: u16, v: u16) {
            // SAFETY: as inb.
            unsafe { asm!("out dx, ax", in("dx") port, in("ax") v, options(nomem, nostack, preserves_flags)) };
        }
        fn inl(&self, port: u16) -> u32 {
            // SAFETY: as inb.
            unsafe { crate::l::inl(port) }
        }
        fn outl(&self, port: u16, v: u32) {
            // SAFETY: as inb.
            unsafe { crate::l::outl(port, v) }
        }
        fn cpu(&self) -> CpuInfo {
            let (_, b, c, d) = crate::l::cpuid(0, 0);
            let mut v = Vec::with_capacity(12);
            for w in [b, d, c] {
                v.extend_from_slice(&w.to_le_bytes());
            }
            let (ax, _, _, dx) = crate::l::cpuid(1, 0);
            CpuInfo {
                vendor: String::from_utf8_lossy(&v).into_owned(),
                ax,
                dx,
                mhz: self.mhz,
                nmach: crate::dat::nmach(),
            }
        }
        fn pge(&self) -> bool {
            crate::l::getcr4() & 0x80 != 0
        }
        fn setpge(&self, on: bool) {
            let cr4 = crate::l::getcr4();
            setcr4(if on { cr4 | 0x80 } else { cr4 & !0x80 });
        }
        fn archid(&self) -> String {
            String::from(if crate::mp::mpactive() { "ACPI" } else { "generic" })
        }
        fn irqs(&self) -> Vec<(u32, i32, String)> {
            crate::irq::irqlist().into_iter().map(|(v, i, n)| (v, i, String::from(n))).collect()
        }
    }

    static IOMAP: AtomicPtr<IoMap<Kernel>> = AtomicPtr::new(core::ptr::null_mut());

    /// `ioinit`: the port map (made once), with the ports of the devices
    /// planten drives claimed.
    pub fn ioinit() -> Arc<IoMap<Kernel>> {
        let p = IOMAP.load(Ordering::Acquire);
        if !p.is_null() {
            // SAFETY: p came from Arc::into_raw below, whose reference
            // the static keeps forever.
            unsafe {
                Arc::increment_strong_count(p);
                return Arc::from_raw(p);
            }
        }
        let m = Arc::new(IoMap::iomapinit(0xffff));
        for (port, size, tag) in [
            (0x0fff, 1, "dummy"),
            (0x20, 2, "i8259.0"),
            (0xa0, 2, "i8259.1"),
            (0x40, 4, "i8253"),
            (0x61, 1, "i8253.cntr2ctl"),
            (0x70, 2, "rtc/nvr"),
            (crate::uarti8250::UART0 as u32, 8, "eia0"),
        ] {
            if let Err(e) = m.ioalloc_why(Some(port), size, 0, tag) {
                print!("{}", e);
            }
        }
        IOMAP.store(Arc::into_raw(m.clone()) as *mut _, Ordering::Release);
        m
    }
}

#[cfg(not(test))]
pub use hw::{ioinit, KArch};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hostdev::*;
    use plibc::fcall::{ORDWR, OREAD, OWRITE};
    use port::sysfile::{sysopen, syspread, syspwrite, syswrite};
    use std::sync::Mutex;

    extern crate std;

    struct Fake {
        cpu: CpuInfo,
        pge: Mutex<bool>,
        /// (width, port, value) of every out, and ins as (width, port, 0).
        log: Mutex<Vec<(u8, u16, u32)>>,
    }

    impl Fake {
        fn io(&self, w: u8, p: u16, v: u32) {
            self.log.lock().unwrap().push((w, p, v));
        }
    }

    impl ArchHost for Fake {
        fn inb(&self, port: u16) -> u8 {
            self.io(1, port, 0);
            port as u8
        }
        fn outb(&self, port: u16, v: u8) {
            self.io(1, port, v as u32)
        }
        fn ins(&self, port: u16) -> u16 {
            self.io(2, port, 0);
            port ^ 0xff00
        }
        fn outs(&self, port: u16, v: u16) {
            self.io(2, port, v as u32)
        }
        fn inl(&self, port: u16) -> u32 {
            self.io(4, port, 0);
            0xdead_0000 | port as u32
        }
        fn outl(&self, port: u16, v: u32) {
            self.io(4, port, v)
        }
        fn cpu(&self) -> CpuInfo {
            self.cpu.clone()
        }
        fn pge(&self) -> bool {
            *self.pge.lock().unwrap()
        }
        fn setpge(&self, on: bool) {
            *self.pge.lock().unwrap() = on;
        }
        fn archid(&self) -> String {
            "ACPI".into()
        }
        fn irqs(&self) -> Vec<(u32, i32, String)> {
            alloc::vec![(1, -1, "debugexc".into()), (14, -1, "pagefault".into()), (68, 4, "eia0".into())]
        }
    }

    /// QEMU's default CPU (qemu64): AuthenticAMD, family 15 model 6,
    /// extended model 6, with PGE and SSE2.
    fn qemu64() -> CpuInfo {
        CpuInfo {
            vendor: "AuthenticAMD".into(),
            ax: 0x0006_0f61,
            dx: 0x0781_abfd,
            mhz: 2994,
            nmach: 1,
        }
    }

    fn archworld(user: &str, cpu: CpuInfo) -> (Up<H>, Arc<Fake>) {
        let f = Arc::new(Fake {
            cpu,
            pge: Mutex::new(false),
            log: Mutex::new(Vec::new()),
        });
        let m: Arc<IoMap<H>> = Arc::new(IoMap::iomapinit(0xffff));
        m.ioalloc(Some(0x70), 2, 0, "rtc/nvr");
        m.ioalloc(Some(0x3f8), 8, 0, "eia0");
        m.ioalloc(Some(0x3c0), 0x20, 0, "vga");
        (hostworld(Arc::new(DevArch::new(f.clone(), m)), user), f)
    }

    #[test]
    fn cpu_types_from_cpuid_as_cpuidentify() {
        // cpuidentify: family 15 adds the extended family and model,
        // 6 the extended model; the vendor picks the table; a family's
        // -1 entry and the table's last entry are defaults.
        assert_eq!(cpuidentify("AuthenticAMD", 0x0006_0f61), (15, 12, "AMD-K8"));
        assert_eq!(cpuidentify("AuthenticAMD", 0x0080_0f11), (23, 1, "AMD Ryzen"));
        // Nehalem (0x106a5): model 0xa plus extended model 1 is 11, not 0x1a.
        assert_eq!(cpuidentify("GenuineIntel", 0x0001_06a5), (6, 11, "PentiumIII/Xeon"));
        assert_eq!(cpuidentify("GenuineIntel", 0x0009_06ea), (6, 0x17, "Core 2/Xeon"));
        assert_eq!(cpuidentify("GenuineIntel", 0x0000_0633), (6, 3, "PentiumII"));
        assert_eq!(cpuidentify("GenuineIntel", 0x0000_0543), (5, 4, "P55C MMX"));
        assert_eq!(cpuidentify("GenuineIntel", 0x0000_0a00), (10, 0, "unknown"));
        assert_eq!(cpuidentify("CentaurHauls", 0x0000_06d0), (6, 0xd, "Via C7 Eden"));
        assert_eq!(cpuidentify("Whatever", 0x0000_0f00), (15, 0, "P4"));
    }

    #[test]
    fn cputype_and_archctl_read_as_9front_prints_them() {
        // cputyperead: "%s %d\n"; archctlread: cpu, pge, coherence,
        // cmpswap, arch lines.
        let (up, f) = archworld(USER, qemu64());
        assert_eq!(readfile(&up, "#P/cputype", 0), "AMD-K8 2994\n");
        assert_eq!(
            readfile(&up, "#P/archctl", 0),
            "cpu AMD-K8 2994 pge\npge off\ncoherence mfence\ncmpswap cmpswap486\narch ACPI\n"
        );
        *f.pge.lock().unwrap() = true;
        assert!(readfile(&up, "#P/archctl", 0).contains("\npge on\n"));
        // A 486 without PGE or SSE2.
        let cpu = CpuInfo {
            vendor: "GenuineIntel".into(),
            ax: 0x0000_0430,
            dx: 0,
            mhz: 33,
            nmach: 1,
        };
        let (up, _) = archworld(USER, cpu);
        assert_eq!(
            readfile(&up, "#P/archctl", 0),
            "cpu 486DX2 33\npge off\ncoherence nop\ncmpswap cmpswap486\narch ACPI\n"
        );
    }

    #[test]
    fn the_directory_is_9fronts_less_msr() {
        let (up, _) = archworld(USER, qemu64());
        let names: Vec<(String, u32)> = ls(&up, "#P").into_iter().map(|(n, m, _)| (n, m)).collect();
        let want: Vec<(String, u32)> = [
            ("iob", 0o660),
            ("iow", 0o660),
            ("iol", 0o660),
            ("ioalloc", 0o444),
            ("cputype", 0o444),
            ("archctl", 0o664),
            ("irqalloc", 0o444),
        ]
        .iter()
        .map(|(n, m)| (String::from(*n), *m))
        .collect();
        assert_eq!(names, want);
        // Port I/O is eve's.
        assert_eq!(err(sysopen(&up, "#P/iob", OREAD as u32)), "permission denied: '#P/iob'");
    }

    #[test]
    fn ioalloc_and_irqalloc_lines() {
        // iomapread: "%8lux %8lux %-12.12s\n"; irqallocread:
        // "%11d %11d %.*s\n"; both one line per read.
        let (up, _) = archworld(USER, qemu64());
        assert_eq!(
            readall(&up, "#P/ioalloc", 100),
            "      70       71 rtc/nvr     \n     3c0      3df vga         \n     3f8      3ff eia0        \n"
        );
        assert_eq!(readfile(&up, "#P/ioalloc", 0).len(), 31);
        let irq = readall(&up, "#P/irqalloc", 100);
        assert_eq!(
            irq,
            "          1          -1 debugexc\n         14          -1 pagefault\n         68           4 eia0\n"
        );
        assert_eq!(readfile(&up, "#P/irqalloc", 0), "          1          -1 debugexc\n");
        assert_eq!(irqline(1, 2, "a-name-longer-than-twenty-eight-bytes"), "          1           2 a-name-longer-than-twenty-ei\n");
    }

    #[test]
    fn port_io_checks_as_archread() {
        let (up, f) = archworld(EVE, qemu64());
        let b = sysopen(&up, "#P/iob", ORDWR as u32).unwrap() as i32;
        let w = sysopen(&up, "#P/iow", ORDWR as u32).unwrap() as i32;
        let l = sysopen(&up, "#P/iol", ORDWR as u32).unwrap() as i32;
        let mut buf = [0u8; 8];
        // Free ports: one access per port (byte) or per 2/4 ports.
        assert_eq!(syspread(&up, b, &mut buf[..3], 0x80).unwrap(), 3);
        assert_eq!(&buf[..3], &[0x80, 0x81, 0x82]);
        assert_eq!(syspread(&up, w, &mut buf[..4], 0x1f0).unwrap(), 4);
        assert_eq!(&buf[..4], &[0xf0, 0xfe, 0xf2, 0xfe]);
        assert_eq!(syspread(&up, l, &mut buf[..4], 0xcfc).unwrap(), 4);
        assert_eq!(u32::from_le_bytes(buf[..4].try_into().unwrap()), 0xdead_0cfc);
        f.log.lock().unwrap().clear();
        assert_eq!(syspwrite(&up, w, &[0x34, 0x12], 0x500).unwrap(), 2);
        assert_eq!(syspwrite(&up, l, &[1, 2, 3, 4], 0xcf8).unwrap(), 4);
        assert_eq!(*f.log.lock().unwrap(), [(2, 0x500, 0x1234), (4, 0xcf8, 0x0403_0201)]);
        // Counts not a multiple of the width: Ebadarg.
        assert_eq!(err(syspread(&up, w, &mut buf[..3], 0x500)), "bad arg in system call");
        assert_eq!(err(syspwrite(&up, l, &[0; 6], 0x500)), "bad arg in system call");
        // Past the port space: Ebadarg.
        assert_eq!(err(syspread(&up, b, &mut buf[..2], 0xffff)), "bad arg in system call");
        assert_eq!(err(syspread(&up, b, &mut buf[..1], 0x10000)), "bad arg in system call");
        // Claimed ports: Eperm; the VGA registers stay open.
        assert_eq!(err(syspread(&up, b, &mut buf[..1], 0x3f8)), "permission denied");
        assert_eq!(err(syspwrite(&up, b, &[0; 4], 0x6e)), "permission denied");
        assert_eq!(syspread(&up, b, &mut buf[..1], 0x3c4).unwrap(), 1);
        assert_eq!(syspread(&up, b, &mut buf[..1], 0x72).unwrap(), 1);
    }

    #[test]
    fn archctl_messages() {
        // archctlwrite: pge on/off needs PGE; coherence choices are
        // checked against the processor; cache needs numbers (and here
        // MTRR support, which planten lacks).
        let (up, f) = archworld(EVE, qemu64());
        let fd = sysopen(&up, "#P/archctl", OWRITE as u32).unwrap() as i32;
        let w = |s: &str| syswrite(&up, fd, s.as_bytes());
        w("pge on").unwrap();
        assert!(*f.pge.lock().unwrap());
        w("pge off\n").unwrap();
        assert!(!*f.pge.lock().unwrap());
        assert_eq!(err(w("pge maybe")), "invalid pge ctl \"pge maybe\"");
        w("coherence mb586").unwrap();
        assert!(readfile(&up, "#P/archctl", 0).contains("coherence mb586\n"));
        w("coherence nop").unwrap();
        assert_eq!(err(w("coherence wish")), "invalid coherence ctl \"coherence wish\"");
        assert_eq!(err(w("cache 0x1000 x wc")), "cache: parse error: size not a number?");
        assert_eq!(err(w("cache z 0x1000 wc")), "cache: parse error: base not a number?");
        assert_eq!(err(w("cache 0x1000 0x1000 wc")), "mtrr not supported");
        assert_eq!(err(w("pge")), "wrong #args in control message \"pge\"");
        assert_eq!(err(w("bogus 1")), "unknown control message \"bogus 1\"");
        // Without PGE or SSE2, on a 486 with two processors.
        let cpu = CpuInfo {
            vendor: "GenuineIntel".into(),
            ax: 0x0000_0430,
            dx: 0,
            mhz: 33,
            nmach: 2,
        };
        let (up, _) = archworld(EVE, cpu);
        let fd = sysopen(&up, "#P/archctl", OWRITE as u32).unwrap() as i32;
        let w = |s: &str| syswrite(&up, fd, s.as_bytes());
        assert_eq!(err(w("pge on")), "processor does not support pge");
        assert_eq!(err(w("coherence mb586")), "invalid coherence ctl on this cpu family");
        assert_eq!(err(w("coherence mfence")), "invalid coherence ctl on this cpu family");
        assert_eq!(err(w("coherence nop")), "cannot disable coherence on a multiprocessor");
        // Only eve writes archctl (0664, eve's).
        let (up, _) = archworld(USER, qemu64());
        assert_eq!(err(sysopen(&up, "#P/archctl", OWRITE as u32)), "permission denied: '#P/archctl'");
    }
}
