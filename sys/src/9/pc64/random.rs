//! The kernel's random number generator, on the machine: 9front's
//! `randominit`, the `randomseed` kernel process, `randomread`,
//! `genrandom` and `lrand` over port/random.rs.
//!
//! No 9front file of its own (port/random.c is port/random.rs; this is
//! its kernel half, which needs processes and timers). As 9front's,
//! `randominit` starts a kernel process that counts in a loop while a
//! periodic timer samples the count, until 64 bytes of seed are
//! gathered; `randomread` waits until then. Differences: the sampling
//! period is 1.3 ms rather than 9front's MS2HZ+3 (13 ms), so that the
//! seed is ready in about a third of a second instead of three (the
//! period is still not a multiple of the clock's, which is what makes
//! the count jitter); the process runs at priority 1, below every other
//! process, so that it gathers only while nothing else wants the
//! processor (9front's runs at kernel priority and gives way to higher
//! priorities every 100000 counts); readers sleep on a Rendez instead
//! of the QLock.

use core::sync::atomic::{AtomicBool, Ordering};

use port::random::{Lrand, Random, Seedbuf};

use crate::sched::{self, Rendez};
use crate::taslock::ILock;

static SEED: ILock<Seedbuf> = ILock::new_const(Seedbuf::new());
static RS: ILock<Option<Random>> = ILock::new_const(None);
static LR: ILock<Option<Lrand>> = ILock::new_const(None);
static SEEDED: AtomicBool = AtomicBool::new(false);
static SEEDR: Rendez = Rendez::new_const();

fn randomsample(_a: usize) {
    SEED.ilock().randomsample();
}

/// `randominit`: start gathering the seed.
pub fn randominit() {
    sched::kprocpri("randomseed", 1, || {
        let t = crate::clock::timerperiodic(1_300_000, randomsample, 0);
        loop {
            let mut s = SEED.ilock();
            if s.full() {
                break;
            }
            let turn = s.count();
            drop(s);
            if turn {
                sched::yield_();
            }
        }
        crate::clock::timerfree(t);
        let r = Random::new(&SEED.ilock());
        *SEED.ilock() = Seedbuf::new();
        *RS.ilock() = Some(r);
        SEEDED.store(true, Ordering::Release);
        sched::wakeup(&SEEDR);
    });
}

/// Whether the generator is seeded.
pub fn seeded() -> bool {
    SEEDED.load(Ordering::Acquire)
}

/// `randomread`: fill `p` (as 9front, its contents are encrypted in
/// place: callers give zeros or hardware randomness); waits for the
/// seed. Only one process may wait for the seed at a time.
pub fn randomread(p: &mut [u8]) -> usize {
    while !seeded() {
        let _ = sched::sleep(&SEEDR, &mut seeded);
    }
    RS.ilock().as_mut().map_or(0, |r| r.randomread(p))
}

/// `lrand`.
pub fn lrand() -> u32 {
    let mut g = LR.ilock();
    if g.is_none() {
        drop(g);
        let mut b = [0u8; 1];
        randomread(&mut b);
        let l = RS.ilock().as_mut().map(Lrand::new);
        g = LR.ilock();
        if g.is_none() {
            *g = l;
        }
    }
    g.as_mut().map_or(0, |l| l.lrand())
}
