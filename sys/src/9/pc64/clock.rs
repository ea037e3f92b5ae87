//! The kernel's half of 9front's `port/portclock.c`: each processor's
//! timer queue under its lock, `timersinit` (the `hzclock` timer),
//! `timerintr` from the clock interrupt, `timeradd`/`timerdel` for
//! kernel code, `hzclock` (`m->ticks`, `hzsched`), and `fastticks`.
//!
//! No 9front file of its own: `port::portclock::Timers` is the queue;
//! this runs one per processor (`m->timers`, dat.rs), as 9front does.
//! `fastticks` is the i8253's counter 2 (pc/i8253.rs), shared by all
//! processors, as 9front's `i8253read` under archacpi; the interrupt
//! that runs `timerintr` is the processor's local APIC timer (pc/apic.rs,
//! `lapictimerset`) when there is an APIC, else the i8253's counter 0
//! (`i8253timerset`). Differences from 9front: a timer's function is
//! called with its queue locked (so it must not add or delete timers;
//! `twakeup` and `hzclock` do not), which also makes `timerdel` wait for
//! a function running on another processor (9front's `tactive` loop); a
//! timer is queued on the processor that starts it ([`timerstart`]
//! allocates and adds in one step, with interrupts off). The time of day
//! (port/tod.rs's `Tod`) is kept here under an ilock: `todinit` sets it
//! from the CMOS clock (pc/devrtc.rs) and adds `todfix` every 100 ms to
//! the boot processor's queue (`addclock0link`); `todget` and `seconds`
//! read it.

use core::sync::atomic::{AtomicU64, Ordering};

use port::portclock::{TimerId, Timers, Tmode};

use crate::dat::{self, m};
use crate::i8253;
use crate::l;

/// A timer's function and argument (9front's `tf`, `ta`).
#[derive(Clone, Copy)]
pub struct Tf {
    pub f: fn(usize),
    pub a: usize,
}

/// A started timer: the processor whose queue holds it, and its id there.
#[derive(Clone, Copy)]
pub struct KTimer {
    mach: usize,
    id: TimerId,
    /// Its deadline, in fastticks.
    pub when: u64,
}

/// `MACHP(0)->ticks`: clock ticks since boot.
pub static TICKS: AtomicU64 = AtomicU64::new(0);

/// `fastticks`, at [`fasthz`] per second.
pub fn fastticks() -> u64 {
    i8253::i8253read()
}

/// `fastticks` per second.
pub const fn fasthz() -> u64 {
    i8253::FASTHZ
}

/// `timerset`: the next clock interrupt of this processor at `next`.
fn timerset(next: u64) {
    if crate::apic::lapicactive() {
        crate::apic::lapictimerset(next);
    } else {
        i8253::i8253timerset(next);
    }
}

/// `timersinit`: this processor's queue, with `hzclock` every tick.
pub fn timersinit() {
    let s = l::splhi();
    let mut t = m().timers.ilock();
    let mut tt = Timers::new(fasthz());
    let now = fastticks();
    let (_, when) = tt.addclock0link(Tf { f: hzclock, a: 0 }, 0, now);
    *t = Some(tt);
    drop(t);
    if let Some(w) = when {
        timerset(w);
    }
    l::splx(s);
}

/// `timerintr`: fire every timer of this processor that is due;
/// reprogram the clock for the next.
pub fn timerintr() {
    let now = fastticks();
    let mut g = m().timers.ilock();
    let next = match g.as_mut() {
        Some(tt) => tt.timerintr(now, |_, t| (t.tf.f)(t.tf.a)),
        None => None,
    };
    drop(g);
    if let Some(n) = next {
        timerset(n);
    }
}

/// `timeradd` of a new one-shot timer calling `f(a)` `ns` nanoseconds
/// from now, on this processor's queue.
pub fn timerstart(ns: i64, f: fn(usize), a: usize) -> KTimer {
    timernew(Tmode::Trelative, ns, f, a)
}

/// Allocates a timer of `mode` on this processor's queue and adds it,
/// reprogramming the clock when it becomes the first to fire.
fn timernew(mode: Tmode, ns: i64, f: fn(usize), a: usize) -> KTimer {
    let s = l::splhi();
    let mm = m();
    let now = fastticks();
    let mut g = mm.timers.ilock();
    let tt = g.as_mut().expect("timersinit");
    let id = tt.alloc(mode, ns, Tf { f, a });
    let first = tt.timeradd(id, now);
    let when = tt.get(id).twhen();
    drop(g);
    if let Some(w) = first {
        timerset(w);
    }
    l::splx(s);
    KTimer {
        mach: mm.machno,
        id,
        when,
    }
}

/// `timerdel` and forget the timer; waits for its function if it is
/// running on another processor.
pub fn timerfree(t: KTimer) {
    let mm = dat::machp(t.mach).expect("timer of an unknown processor");
    let mut g = mm.timers.ilock();
    if let Some(tt) = g.as_mut() {
        tt.timerdel(t.id);
        tt.free(t.id);
    }
}

/// `hzclock`: count the tick and let the scheduler see it.
fn hzclock(_a: usize) {
    let mm = m();
    mm.ticks.fetch_add(1, Ordering::Relaxed);
    if mm.machno == 0 {
        TICKS.fetch_add(1, Ordering::Relaxed);
    }
    crate::sched::accounttime();
    crate::sched::hzsched();
}

/// `MACHP(0)->ticks`.
pub fn ticks() -> u64 {
    TICKS.load(Ordering::Relaxed)
}

/// `microdelay`: spin for `us` microseconds by fastticks.
pub fn microdelay(us: u64) {
    let end = fastticks() + us * fasthz() / 1_000_000;
    while fastticks() < end {
        core::hint::spin_loop();
    }
}

/// `delay`: spin for `ms` milliseconds.
pub fn delay(ms: u64) {
    microdelay(ms * 1000)
}

/// A periodic timer calling `f(a)` every `ms` milliseconds on this
/// processor (`addclock0link`, on processor 0 when called at boot).
pub fn addclock0link(f: fn(usize), a: usize, ms: u32) {
    let s = l::splhi();
    let now = fastticks();
    let mut g = m().timers.ilock();
    let tt = g.as_mut().expect("timersinit");
    let (_, first) = tt.addclock0link(Tf { f, a }, ms, now);
    drop(g);
    if let Some(w) = first {
        timerset(w);
    }
    l::splx(s);
}

/// A periodic timer every `ns` nanoseconds on this processor; stopped
/// with [`timerfree`].
pub fn timerperiodic(ns: i64, f: fn(usize), a: usize) -> KTimer {
    timernew(Tmode::Tperiodic, ns, f, a)
}

static TOD: crate::taslock::ILock<Option<port::tod::Tod>> = crate::taslock::ILock::new_const(None);

fn todfix(_a: usize) {
    let now = fastticks();
    if let Some(t) = TOD.ilock().as_mut() {
        t.todfix(now);
    }
}

/// `todinit`, and the time from the CMOS clock.
pub fn todinit() {
    let secs = crate::devrtc::rtctime();
    let now = fastticks();
    let mut t = port::tod::Tod::new(fasthz(), now);
    t.todset((secs * port::tod::TODFREQ) as i64, 0, 0, now, ticks());
    *TOD.ilock() = Some(t);
    addclock0link(todfix, 0, 100);
}

/// `todget`: nanoseconds since the epoch.
pub fn todget() -> i64 {
    let now = fastticks();
    let tk = ticks();
    TOD.ilock().as_mut().map_or(0, |t| t.todget(now, tk))
}

/// `seconds`.
pub fn seconds() -> i64 {
    todget() / port::tod::TODFREQ as i64
}
