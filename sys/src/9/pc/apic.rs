//! The local APIC of each processor and the I/O APICs.
//!
//! Ports 9front `sys/src/9/pc/apic.c`: `lapicinit` (destination format,
//! task priority, the spurious vector and unit enable, the error vector,
//! the INIT level de-assert), `lapictimerinit` (calibrating the APIC
//! timer against `fastticks`), `lapiconline` (the periodic clock on,
//! de-synchronised between processors, task priority 0),
//! `lapicstartap` (INIT and two STARTUP IPIs), `lapicerror`,
//! `lapicspurious`, `lapicisr`, `lapiceoi`, `lapicicrw`,
//! `lapictimerset` (the next clock interrupt), `lapicclock`,
//! `lapicintron`/`lapicintroff`, and `ioapicrdtr`/`ioapicrdtw`/
//! `ioapicinit`.
//!
//! Differences from 9front:
//! - The calibration counts three times, for 5 ms each at divide-by-1,
//!   keeps the median, and derives
//!   the divider from the rate, where 9front counts for 100 ms at each
//!   divider in turn until the rate is no more than fastticks' (up to
//!   three times under QEMU): this keeps the boot fast. As 9front's, a
//!   rate within a tenth of fastticks' is taken as equal to it. And
//!   `lapictimerset` converts fastticks to APIC timer counts by the
//!   exact ratio (9front divides by the integer
//!   `hz/a->hz`, which is 1 under QEMU, making every timer up to a fifth
//!   late).
//! - [`lapicwake`] is new: a fixed IPI on planten's `IrqWAKEUP` vector,
//!   which `ready` sends to a halted idle processor (9front's idle
//!   processors spin or mwait instead of halting).
//! - No Pentium errata (TR12), no `mtrrclock`, no NMI enabling.
//! - The registers are reached through `vmap` (mmu.rs) with volatile
//!   accesses; the I/O APIC's select/window pair is used under the
//!   lock of mp.rs's table rather than a Lock in each `Apic`.

use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::clock::{fasthz, fastticks};
use crate::dat::m;
use crate::l;
use crate::mem::HZ;
use crate::trap::VECTORPIC;

// Local APIC registers.
const LAPICID: usize = 0x0020;
const LAPICVER: usize = 0x0030;
const LAPICTPR: usize = 0x0080;
const LAPICEOI: usize = 0x00B0;
const LAPICLDR: usize = 0x00D0;
const LAPICDFR: usize = 0x00E0;
const LAPICSVR: usize = 0x00F0;
const LAPICISR: usize = 0x0100;
const LAPICESR: usize = 0x0280;
const LAPICICRLO: usize = 0x0300;
const LAPICICRHI: usize = 0x0310;
const LAPICTIMER: usize = 0x0320;
const LAPICPCINT: usize = 0x0340;
const LAPICERROR: usize = 0x0370;
const LAPICTICR: usize = 0x0380;
const LAPICTCCR: usize = 0x0390;
const LAPICTDCR: usize = 0x03E0;

const LAPICENABLE: u32 = 0x100;
const LAPICASSERT: u32 = 0x4000;
const LAPICDEASSERT: u32 = 0;
const LAPICFIELD: u32 = 0;
const LAPICALLINC: u32 = 0x0008_0000;
const LAPICONESHOT: u32 = 0;
const LAPICPERIODIC: u32 = 0x0002_0000;
const LAPICCLKIN: u32 = 0;

// mp.h's redirection and ICR bits.
pub const APICFIXED: u32 = 0x0000_0000;
#[allow(dead_code)]
pub const APICNMI: u32 = 0x0000_0400;
#[allow(dead_code)]
pub const APICSMI: u32 = 0x0000_0200;
pub const APICINIT: u32 = 0x0000_0500;
pub const APICSTARTUP: u32 = 0x0000_0600;
#[allow(dead_code)]
pub const APICEXTINT: u32 = 0x0000_0700;
pub const APICPHYSICAL: u32 = 0;
pub const APICDELIVS: u32 = 0x0000_1000;
pub const APICLOW: u32 = 0x0000_2000;
#[allow(dead_code)]
pub const APICREMOTEIRR: u32 = 0x0000_4000;
pub const APICEDGE: u32 = 0;
pub const APICLEVEL: u32 = 0x0000_8000;
pub const APICIMASK: u32 = 0x0001_0000;

// I/O APIC registers.
const IOAPICID: u32 = 0x00;
const IOAPICVER: u32 = 0x01;
const IOAPICRDT: u32 = 0x10;

// io.h's local interrupts, offsets from VectorPIC.
pub const IRQLINT0: i32 = 16;
pub const IRQTIMER: i32 = 18;
pub const IRQERROR: i32 = 19;
/// planten's: the wake-up IPI to an idle processor.
pub const IRQWAKEUP: i32 = 21;
pub const IRQSPURIOUS: i32 = 31;
pub const MAXIRQLAPIC: i32 = 31;

/// `lapictdxtab`: LapicTDCR values dividing by 1, 2, 4 ... 128.
const LAPICTDXTAB: [u32; 8] = [0x0B, 0x00, 0x01, 0x02, 0x03, 0x08, 0x09, 0x0A];

/// The local APICs' registers (all processors see their own at the same
/// address), mapped; 0 before `lapicinit`.
static LAPICBASE: AtomicU64 = AtomicU64::new(0);
/// The calibration, shared by all processors (9front copies
/// processor 0's to each): counts per second, the divider index.
static TIMERHZ: AtomicU64 = AtomicU64::new(0);
static TIMERTDX: AtomicU64 = AtomicU64::new(0);
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Whether the local APIC runs the clock (archacpi's `timerset`).
pub fn lapicactive() -> bool {
    ACTIVE.load(Ordering::Acquire)
}

fn lapicr(r: usize) -> u32 {
    let b = LAPICBASE.load(Ordering::Relaxed);
    // SAFETY: b maps the local APIC's 4 KiB of registers uncached
    // (vmap); r is a register offset below 0x400, 4-aligned.
    unsafe { ((b as usize + r) as *const u32).read_volatile() }
}

fn lapicw(r: usize, v: u32) {
    let b = LAPICBASE.load(Ordering::Relaxed);
    // SAFETY: as in lapicr; a register write, then a read of the ID
    // register to push it out, as 9front does.
    unsafe {
        ((b as usize + r) as *mut u32).write_volatile(v);
        ((b as usize + LAPICID) as *const u32).read_volatile();
    }
}

/// This processor's local APIC id.
pub fn lapicid() -> u32 {
    lapicr(LAPICID) >> 24
}

/// `lapicinit`: set up this processor's local APIC, mapped at `va`;
/// the boot processor also calibrates the timer.
pub fn lapicinit(va: u64) {
    if LAPICBASE.load(Ordering::Relaxed) == 0 {
        LAPICBASE.store(va, Ordering::Release);
    }
    let (_, b, c, d) = l::cpuid(0, 0);
    let amd = (b, d, c) == (0x6874_7541, 0x6974_6e65, 0x444d_4163);
    lapicw(LAPICDFR, if amd { 0xf000_0000 } else { 0xffff_ffff });
    lapicw(LAPICLDR, 0);
    lapicw(LAPICTPR, 0xff);
    lapicw(
        LAPICSVR,
        LAPICENABLE | (VECTORPIC as u32 + IRQSPURIOUS as u32),
    );
    lapictimerinit();
    lapiceoi(0);
    let lvt = (lapicr(LAPICVER) >> 16) & 0xff;
    if lvt >= 4 {
        lapicw(LAPICPCINT, APICIMASK);
    }
    lapicw(LAPICERROR, VECTORPIC as u32 + IRQERROR as u32);
    lapicw(LAPICESR, 0);
    lapicr(LAPICESR);
    // An INIT level de-assert to all, synchronising arbitration ids.
    lapicw(LAPICICRHI, 0);
    lapicw(
        LAPICICRLO,
        LAPICALLINC | APICLEVEL | LAPICDEASSERT | APICINIT,
    );
    while lapicr(LAPICICRLO) & APICDELIVS != 0 {
        core::hint::spin_loop();
    }
}

/// `lapictimerinit`: on the boot processor, count the timer against
/// fastticks, and pick the smallest divider that makes it run no faster
/// than fastticks (within a tenth).
fn lapictimerinit() {
    if m().machno != 0 {
        return;
    }
    let s = l::splhi();
    let hz = fasthz();
    lapicw(
        LAPICTIMER,
        APICIMASK | LAPICCLKIN | LAPICONESHOT | (VECTORPIC as u32 + IRQTIMER as u32),
    );
    lapicw(LAPICTDCR, LAPICTDXTAB[0]);
    // Count three times and keep the median: under TCG on a loaded host
    // one short window can be badly off (a rate a hundred times too low
    // was seen with twenty guests on two cores), and a clock calibrated
    // from it floods the processor with timer interrupts.
    let mut rates = [0u64; 3];
    for r in rates.iter_mut() {
        let x0 = fastticks();
        lapicw(LAPICTICR, 0xffff_ffff);
        let x = x0 + hz / 200;
        let mut now = fastticks();
        while now < x {
            core::hint::spin_loop();
            now = fastticks();
        }
        let counted = 0xffff_ffffu64 - lapicr(LAPICTCCR) as u64;
        *r = counted * hz / (now - x0).max(1);
    }
    rates.sort_unstable();
    let rate = rates[1];
    let mut tdx = 0;
    let mut v = rate;
    while v > hz + hz / 10 && tdx < LAPICTDXTAB.len() - 1 {
        tdx += 1;
        v = rate >> tdx;
    }
    if v > hz - hz / 10 && v <= hz + hz / 10 {
        v = hz;
    }
    assert!(v >= 100 * HZ, "lapic timer too slow: {} Hz", v);
    TIMERHZ.store(v, Ordering::Relaxed);
    TIMERTDX.store(tdx as u64, Ordering::Relaxed);
    l::splx(s);
    print!(
        "cpu{}: lapic clock at {}MHz\n",
        m().machno,
        (v + 500_000) / 1_000_000
    );
}

/// `lapiconline`: this processor's clock on, periodic at HZ (offset by
/// a fraction of a tick per processor), and interrupts accepted.
pub fn lapiconline(nmach: usize) {
    let hz = TIMERHZ.load(Ordering::Relaxed);
    let machno = m().machno as u64;
    crate::clock::microdelay((1_000_000 / HZ) / nmach.max(1) as u64 * machno);
    lapicw(LAPICTICR, (hz / HZ) as u32);
    lapicw(
        LAPICTIMER,
        LAPICCLKIN | LAPICPERIODIC | (VECTORPIC as u32 + IRQTIMER as u32),
    );
    lapicw(
        LAPICTDCR,
        LAPICTDXTAB[TIMERTDX.load(Ordering::Relaxed) as usize],
    );
    lapicw(LAPICTPR, 0);
    ACTIVE.store(true, Ordering::Release);
}

/// `lapicstartap`: INIT, then two STARTUP IPIs pointing at the page `v`.
pub fn lapicstartap(apicno: u32, v: u64) {
    let crhi = apicno << 24;
    lapicw(LAPICICRHI, crhi);
    lapicw(LAPICICRLO, LAPICFIELD | APICLEVEL | LAPICASSERT | APICINIT);
    crate::clock::microdelay(200);
    lapicw(
        LAPICICRLO,
        LAPICFIELD | APICLEVEL | LAPICDEASSERT | APICINIT,
    );
    crate::clock::delay(10);
    for _ in 0..2 {
        lapicw(LAPICICRHI, crhi);
        lapicw(
            LAPICICRLO,
            LAPICFIELD | APICEDGE | APICSTARTUP | (v / crate::mem::BY2PG) as u32,
        );
        crate::clock::microdelay(200);
    }
}

/// `lapicerror`.
pub fn lapicerror(_u: &mut crate::trap::Ureg, _a: usize) {
    lapicw(LAPICESR, 0);
    let esr = lapicr(LAPICESR);
    print!("cpu{}: lapicerror: 0x{:08X}\n", m().machno, esr);
}

/// `lapicspurious`.
pub fn lapicspurious(_u: &mut crate::trap::Ureg, _a: usize) {
    print!("cpu{}: lapicspurious\n", m().machno);
}

/// The wake-up IPI's handler: nothing; the interrupt itself ends the
/// idle processor's halt.
pub fn lapicwakeintr(_u: &mut crate::trap::Ureg, _a: usize) {}

/// `lapicisr`: whether vector `v` is in service.
#[allow(dead_code)]
pub fn lapicisr(v: u8) -> bool {
    let isr = lapicr(LAPICISR + (v as usize / 32) * 16);
    isr & (1 << (v % 32)) != 0
}

/// `lapiceoi`.
pub fn lapiceoi(v: u8) -> bool {
    lapicw(LAPICEOI, 0);
    let _ = v;
    true
}

/// `lapicicrw`: send an IPI; interrupts are kept off between the two
/// halves, and the previous one must have gone.
pub fn lapicicrw(hi: u32, lo: u32) {
    let s = l::splhi();
    while lapicr(LAPICICRLO) & APICDELIVS != 0 {
        core::hint::spin_loop();
    }
    lapicw(LAPICICRHI, hi);
    lapicw(LAPICICRLO, lo);
    l::splx(s);
}

/// Wake the processor with local APIC `apicno` (planten's).
pub fn lapicwake(apicno: u32) {
    if !lapicactive() {
        return;
    }
    lapicicrw(
        apicno << 24,
        LAPICFIELD | APICEDGE | APICFIXED | (VECTORPIC as u32 + IRQWAKEUP as u32),
    );
}

/// `lapictimerset`: the next clock interrupt of this processor at
/// fastticks `next`, between a hundredth of a tick and a tick away.
pub fn lapictimerset(next: u64) {
    let hz = TIMERHZ.load(Ordering::Relaxed);
    let (max, min) = (hz / HZ, hz / (100 * HZ));
    let now = fastticks();
    let d = next.saturating_sub(now);
    let mut period = (d as u128 * hz as u128 / fasthz() as u128) as u64;
    if period < min {
        period = min;
    } else if period > max - min {
        period = max;
    }
    lapicw(LAPICTICR, period as u32);
}

/// `lapicintron`.
#[allow(dead_code)]
pub fn lapicintron() {
    lapicw(LAPICTPR, 0);
}

/// `lapicintroff`.
#[allow(dead_code)]
pub fn lapicintroff() {
    lapicw(LAPICTPR, 0xff);
}

/// An I/O APIC's registers, mapped at `va`.
#[derive(Clone, Copy, Debug)]
pub struct Ioapic {
    pub va: u64,
}

impl Ioapic {
    fn sel(self, r: u32) {
        // SAFETY: va maps the I/O APIC's registers uncached; offset 0 is
        // the select register.
        unsafe { (self.va as *mut u32).write_volatile(r) };
    }
    fn rd(self) -> u32 {
        // SAFETY: as in sel; offset 0x10 is the window.
        unsafe { ((self.va + 0x10) as *const u32).read_volatile() }
    }
    fn wr(self, v: u32) {
        // SAFETY: as in rd.
        unsafe { ((self.va + 0x10) as *mut u32).write_volatile(v) };
    }

    /// `ioapicrdtr`: (hi, lo) of redirection entry `sel`. The caller
    /// holds mp.rs's lock.
    pub fn rdtr(self, sel: u32) -> (u32, u32) {
        let r = IOAPICRDT + 2 * sel;
        self.sel(r + 1);
        let hi = self.rd();
        self.sel(r);
        (hi, self.rd())
    }

    /// `ioapicrdtw`. The caller holds mp.rs's lock.
    pub fn rdtw(self, sel: u32, hi: u32, lo: u32) {
        let r = IOAPICRDT + 2 * sel;
        self.sel(r + 1);
        self.wr(hi);
        self.sel(r);
        self.wr(lo);
    }

    /// `ioapicinit`: set its id, and mask every entry; returns `mre`,
    /// the highest entry.
    pub fn init(self, apicno: u32) -> u32 {
        self.sel(IOAPICVER);
        let mre = (self.rd() >> 16) & 0xff;
        self.sel(IOAPICID);
        self.wr(apicno << 24);
        for v in 0..=mre {
            self.rdtw(v, 0, APICIMASK);
        }
        mre
    }
}
