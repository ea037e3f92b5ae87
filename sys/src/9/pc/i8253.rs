//! The 8253/8254 programmable interval timer: the clock interrupt and
//! the `fastticks` counter.
//!
//! Ports 9front `sys/src/9/pc/i8253.c`: `i8253reset` (counter 0 as a
//! HZ square wave for the clock interrupt, counter 2 free-running as the
//! time base), `i8253timerset` (reload counter 0 for the next timer
//! deadline, between MinPeriod and MaxPeriod), `i8253clock`/
//! `i8253enable` (IRQ 0 drives `timerintr`), and `i8253read` (the
//! cumulative count of counter 2, shifted by Tickshift, at
//! Freq<<Tickshift per second).
//!
//! Difference: `i8253read` counts a reading equal to the previous one as
//! no time passed, where 9front's takes it for missed wraps and adds
//! half a period (which makes a tight polling loop under emulation run
//! the clock ahead).
//!
//! Not ported: `i8253cpufreq` (the processor speed from an AAM loop),
//! `m->loopconst` and `delay`'s calibration, and `ioalloc`.

use crate::l::{inb, outb};
use crate::taslock::ILock;
use crate::trap::Ureg;

const T0CNTR: u16 = 0x40;
const T2CNTR: u16 = 0x42;
const TMODE: u16 = 0x43;
const T2CTL: u16 = 0x61;

const LATCH0: u8 = 0x00;
const LOAD0: u8 = 0x30;
const LATCH2: u8 = 0x80;
const LOAD2: u8 = 0xb0;
const SQUARE: u8 = 0x6;
const T2GATE: u8 = 1 << 0;

/// The counters' clock, in Hz.
pub const FREQ: u64 = 1_193_182;
/// Extra bits of `fastticks`.
pub const TICKSHIFT: u32 = 8;
const HZ: u64 = crate::mem::HZ;
const MAXPERIOD: u64 = FREQ / HZ;
const MINPERIOD: u64 = FREQ / (100 * HZ);

struct I8253 {
    /// Counter 0's period.
    period: u64,
    /// Last value read from counter 2.
    last: u16,
    /// Cumulative ticks of counter 2.
    ticks: u64,
    periodset: u64,
}

static I8253: ILock<I8253> = ILock::new_const(I8253 {
    period: MAXPERIOD,
    last: 0,
    ticks: 0,
    periodset: 0,
});

/// `i8253reset`.
pub fn i8253reset() {
    let mut t = I8253.ilock();
    t.last = 0;
    t.period = FREQ / HZ;
    // SAFETY: the PIT's ports on every PC; programming counters 0 and 2
    // and the counter-2 gate touches no memory.
    unsafe {
        outb(TMODE, LOAD0 | SQUARE);
        outb(T0CNTR, (FREQ / HZ) as u8);
        outb(T0CNTR, ((FREQ / HZ) >> 8) as u8);

        outb(TMODE, LOAD2 | SQUARE);
        outb(T2CNTR, 0);
        outb(T2CNTR, 0);
        let x = inb(T2CTL) | T2GATE;
        outb(T2CTL, x);

        // Wait until counter 0 is counting down.
        let mut x = FREQ / HZ;
        let mut loops = 0;
        while loops < 100_000 && x >= FREQ / HZ {
            outb(TMODE, LATCH0);
            x = inb(T0CNTR) as u64;
            x |= (inb(T0CNTR) as u64) << 8;
            loops += 1;
        }
    }
}

/// `i8253timerset`: make the next clock interrupt come at `next` (in
/// `fastticks`), as near as counter 0's range allows.
pub fn i8253timerset(next: u64) {
    let want = next >> TICKSHIFT;
    let mut t = I8253.ilock();
    let now = t.ticks;
    let period = (want as i64 - now as i64).clamp(MINPERIOD as i64, MAXPERIOD as i64) as u64;
    if t.period != period {
        // SAFETY: reloading counter 0.
        unsafe {
            outb(TMODE, LOAD0 | SQUARE);
            outb(T0CNTR, period as u8);
            outb(T0CNTR, (period >> 8) as u8);
        }
        t.period = period;
        t.periodset += 1;
    }
}

fn i8253clock(_ureg: &mut Ureg, _a: usize) {
    crate::clock::timerintr();
}

/// `i8253enable`: the clock interrupt on.
pub fn i8253enable() {
    crate::irq::intrenable(0, i8253clock, 0, "clock");
}

/// `i8253read`: counter 2's cumulative ticks, shifted left by
/// [`TICKSHIFT`]; with `FREQ << TICKSHIFT` of them a second.
pub fn i8253read() -> u64 {
    let mut t = I8253.ilock();
    // SAFETY: latching and reading counter 2.
    let y = unsafe {
        outb(TMODE, LATCH2);
        let mut y = inb(T2CNTR) as u16;
        y |= (inb(T2CNTR) as u16) << 8;
        y
    };
    let x: u64 = if y < t.last {
        (t.last - y) as u64
    } else if y == t.last {
        // No count since the last read (likely under emulation, where
        // two reads can fall within one 838 ns count): no time passed.
        // 9front takes it for a wrap and, as that is over 3*MaxPeriod,
        // for missed wraps, adding half a period each time.
        0
    } else {
        let x = t.last as u64 + (0x10000 - y as u64);
        if x > 3 * MAXPERIOD {
            // Missed a wrap or more: restart counter 2 and count one
            // period.
            // SAFETY: reloading counter 2.
            unsafe {
                outb(TMODE, LOAD2 | SQUARE);
                outb(T2CNTR, 0);
                outb(T2CNTR, 0);
            }
            t.last = 0xFFFF;
            t.ticks += t.period >> 1;
            return t.ticks << TICKSHIFT;
        }
        x
    };
    t.last = y;
    t.ticks += x >> 1;
    t.ticks << TICKSHIFT
}

/// `fastticks` frequency.
pub const FASTHZ: u64 = FREQ << TICKSHIFT;
