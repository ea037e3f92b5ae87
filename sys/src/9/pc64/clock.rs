//! The kernel's half of 9front's `port/portclock.c`: the timer queue of
//! the processor under its lock, `timersinit` (the `hzclock` timer),
//! `timerintr` from the clock interrupt, `timeradd`/`timerdel` for
//! kernel code, `hzclock` (`m->ticks`, `hzsched`), and `fastticks`.
//!
//! No 9front file of its own: `port::portclock::Timers` is the queue;
//! this runs it on the i8253 (pc/i8253.rs), whose counter 2 gives
//! `fastticks` and whose counter 0 is reprogrammed (`timerset`) for the
//! next deadline. Differences from 9front: a timer's function is called
//! with the queue locked (so it must not add or delete timers; `twakeup`
//! and `hzclock` do not); there is no `tod` (time of day) yet.

use core::sync::atomic::{AtomicU64, Ordering};

use port::portclock::{TimerId, Timers, Tmode};

use crate::i8253;
use crate::taslock::ILock;

/// A timer's function and argument (9front's `tf`, `ta`).
#[derive(Clone, Copy)]
pub struct Tf {
    pub f: fn(usize),
    pub a: usize,
}

static TIMERS: ILock<Option<Timers<Tf>>> = ILock::new_const(None);

/// `m->ticks`: clock ticks since boot.
pub static TICKS: AtomicU64 = AtomicU64::new(0);

/// `fastticks`, at [`fasthz`] per second.
pub fn fastticks() -> u64 {
    i8253::i8253read()
}

/// `fastticks` per second.
pub const fn fasthz() -> u64 {
    i8253::FASTHZ
}

/// `timersinit`: the queue, with `hzclock` every tick.
pub fn timersinit() {
    let mut t = TIMERS.ilock();
    let mut tt = Timers::new(fasthz());
    let now = fastticks();
    let (_, when) = tt.addclock0link(Tf { f: hzclock, a: 0 }, 0, now);
    *t = Some(tt);
    drop(t);
    if let Some(w) = when {
        i8253::i8253timerset(w);
    }
}

/// `timerintr`: fire every timer that is due; reprogram the clock for the
/// next.
pub fn timerintr() {
    let now = fastticks();
    let mut g = TIMERS.ilock();
    let next = match g.as_mut() {
        Some(tt) => tt.timerintr(now, |_, t| (t.tf.f)(t.tf.a)),
        None => None,
    };
    drop(g);
    if let Some(n) = next {
        i8253::i8253timerset(n);
    }
}

/// A new one-shot timer calling `f(a)` `ns` nanoseconds after it is
/// added.
pub fn timeralloc(ns: i64, f: fn(usize), a: usize) -> TimerId {
    let mut g = TIMERS.ilock();
    g.as_mut()
        .expect("timersinit")
        .alloc(Tmode::Trelative, ns, Tf { f, a })
}

/// `timeradd`: queue the timer; returns its deadline in fastticks.
pub fn timeradd(id: TimerId) -> u64 {
    let now = fastticks();
    let mut g = TIMERS.ilock();
    let tt = g.as_mut().expect("timersinit");
    let first = tt.timeradd(id, now);
    let when = tt.get(id).twhen();
    drop(g);
    if let Some(w) = first {
        i8253::i8253timerset(w);
    }
    when
}

/// `timerdel` and forget the timer.
pub fn timerfree(id: TimerId) {
    let mut g = TIMERS.ilock();
    if let Some(tt) = g.as_mut() {
        tt.timerdel(id);
        tt.free(id);
    }
}

/// `hzclock`: count the tick and let the scheduler see it.
fn hzclock(_a: usize) {
    TICKS.fetch_add(1, Ordering::Relaxed);
    crate::sched::hzsched();
}

/// `m->ticks`.
pub fn ticks() -> u64 {
    TICKS.load(Ordering::Relaxed)
}
