//! The timer queue of 9front's `port/portclock.c`: `timeradd`, `timerdel`,
//! `timerintr`'s firing loop and `addclock0link`, with `tk2ms`/`ms2tk`, the
//! `Timer` modes of `portdat.h`, and the clock macros (`HZ`, `MS2HZ`,
//! `TK2SEC` of `pc64/mem.h`, `TK2MS` of `portfns.h`).
//!
//! [`Timers`] is one processor's queue (9front keeps one per `Mach`): timers
//! sorted by the `fastticks` value at which they fire, earliest first, timers
//! due at the same time in the order they were added. It is a plain data
//! structure: the caller passes the current `fastticks` value in, programs
//! the hardware timer (`timerset`) with the deadlines returned, and calls
//! the functions that [`Timers::timerintr`] reports as due.
//!
//! What differs from 9front:
//!
//! - The queue owns its timers, named by [`TimerId`], where 9front links
//!   caller-owned `Timer` structs; a timer's function and argument (`tf`,
//!   `ta`) are a value of the caller's type `F`.
//! - There is no locking and no `tactive` (the processor running a timer's
//!   function, which `timerdel` waits for on another processor): that is the
//!   kernel's, around this structure.
//! - `ns2fastticks` is exact integer arithmetic (`ns * hz / 10^9`), where
//!   9front's `tod.c` uses a 32.32 fixed-point multiplier.
//! - `hzclock`, `timersinit` and the statistics (`intrcount`, `fcallcount`)
//!   need the processor and are not here.
//! - `HZ` is pc64's, the one architecture planten has.

use alloc::vec::Vec;

/// Clock interrupts per second (`HZ` of `pc64/mem.h`).
pub const HZ: u32 = 100;
/// Milliseconds per clock tick (`MS2HZ` of `pc64/mem.h`).
pub const MS2HZ: u32 = 1000 / HZ;

/// `TK2SEC(t)`: ticks to seconds, rounding down.
#[allow(non_snake_case)]
pub const fn TK2SEC(t: u32) -> u32 {
    t / HZ
}

/// `TK2MS(x)`: ticks to milliseconds as the `portfns.h` macro does it, in
/// 32-bit `ulong` arithmetic.
#[allow(non_snake_case)]
pub const fn TK2MS(x: u32) -> u32 {
    x.wrapping_mul(1000 / HZ)
}

/// `tk2ms`: ticks to milliseconds through 64 bits, truncated to `ulong`.
pub const fn tk2ms(ticks: u32) -> u32 {
    (ticks as u64 * 1000 / HZ as u64) as u32
}

/// `ms2tk`: milliseconds to ticks, to the nearest tick, or, from
/// `10^9/HZ` ms up where that would overflow, by whole seconds.
pub const fn ms2tk(ms: u32) -> u32 {
    if ms >= 1_000_000_000 / HZ {
        return (ms / 1000) * HZ;
    }
    (ms * HZ + 500) / 1000
}

/// How a timer's `tns` is read (`Timer.tmode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tmode {
    /// Fire once, `tns` nanoseconds after it is added.
    Trelative,
    /// Fire every `tns` nanoseconds (at least 100µs).
    Tperiodic,
}

/// A timer (the public part of 9front's `Timer`, and its deadline).
#[derive(Debug, Clone)]
pub struct Timer<F> {
    /// See [`Tmode`].
    pub tmode: Tmode,
    /// Nanoseconds, read according to `tmode`.
    pub tns: i64,
    /// What to do when it fires (9front's `tf` and `ta`).
    pub tf: F,
    /// The `fastticks` value at which it fires next; 0 before a periodic
    /// timer is first added.
    twhen: u64,
    /// On the queue (9front's `tt != nil`).
    queued: bool,
}

impl<F> Timer<F> {
    /// The `fastticks` value at which the timer fires (`twhen`).
    pub fn twhen(&self) -> u64 {
        self.twhen
    }

    /// Whether the timer is on the queue.
    pub fn queued(&self) -> bool {
        self.queued
    }
}

/// Names a timer of a [`Timers`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimerId(usize);

/// One processor's timer queue (9front's `Timers`).
#[derive(Debug)]
pub struct Timers<F> {
    /// `fastticks` per second.
    hz: u64,
    slots: Vec<Option<Timer<F>>>,
    /// The queue, earliest deadline first.
    head: Vec<TimerId>,
}

impl<F> Timers<F> {
    /// An empty queue on a processor whose `fastticks` count `hz` per
    /// second.
    pub fn new(hz: u64) -> Self {
        assert!(hz > 0);
        Timers {
            hz,
            slots: Vec::new(),
            head: Vec::new(),
        }
    }

    /// `ns2fastticks`.
    pub fn ns2fastticks(&self, ns: u64) -> u64 {
        (ns as u128 * self.hz as u128 / 1_000_000_000) as u64
    }

    /// A new timer, not yet on the queue (9front's callers allocate a
    /// `Timer` and fill in `tmode`, `tns`, `tf` and `ta`).
    pub fn alloc(&mut self, tmode: Tmode, tns: i64, tf: F) -> TimerId {
        let t = Timer {
            tmode,
            tns,
            tf,
            twhen: 0,
            queued: false,
        };
        match self.slots.iter().position(Option::is_none) {
            Some(i) => {
                self.slots[i] = Some(t);
                TimerId(i)
            }
            None => {
                self.slots.push(Some(t));
                TimerId(self.slots.len() - 1)
            }
        }
    }

    /// Take a timer off the queue and forget it.
    pub fn free(&mut self, id: TimerId) -> Timer<F> {
        self.tdel(id);
        self.slots[id.0].take().expect("free: no such timer")
    }

    /// The timer `id`.
    pub fn get(&self, id: TimerId) -> &Timer<F> {
        self.slots[id.0].as_ref().expect("no such timer")
    }

    /// The timer `id`, to change its mode, period or function.
    pub fn get_mut(&mut self, id: TimerId) -> &mut Timer<F> {
        self.slots[id.0].as_mut().expect("no such timer")
    }

    /// The deadline of the first timer, for `timerset`.
    pub fn next(&self) -> Option<u64> {
        self.head.first().map(|&id| self.get(id).twhen)
    }

    /// The queued timers, earliest first.
    pub fn queue(&self) -> impl Iterator<Item = TimerId> + '_ {
        self.head.iter().copied()
    }

    /// `tadd`: compute the deadline and insert after every timer due no
    /// later. A periodic timer added for the first time fires a period after
    /// the next firing of a queued periodic timer with the same period, so
    /// that the two fire together, or a period from now; one added again
    /// fires a period after its last deadline. Returns the deadline if the
    /// timer went to the head of the queue.
    fn tadd(&mut self, id: TimerId, now: u64) -> Option<u64> {
        let hz = self.hz;
        let ticks = |ns: i64| (ns as u128 * hz as u128 / 1_000_000_000) as u64;
        let t = self.get(id);
        assert!(!t.queued, "tadd: timer already queued");
        let twhen = match t.tmode {
            Tmode::Trelative => {
                let tns = t.tns.max(1);
                now + ticks(tns)
            }
            Tmode::Tperiodic => {
                assert!(t.tns >= 100_000, "timer period under 100µs");
                let mut base = t.twhen;
                if base == 0 {
                    base = self
                        .head
                        .iter()
                        .map(|&o| self.get(o))
                        .find(|o| o.tmode == Tmode::Tperiodic && o.tns == t.tns)
                        .map_or(now, |o| o.twhen);
                }
                base + ticks(t.tns)
            }
        };
        let t = self.get_mut(id);
        if t.tmode == Tmode::Trelative && t.tns <= 0 {
            t.tns = 1;
        }
        t.twhen = twhen;
        t.queued = true;
        let at = self
            .head
            .iter()
            .position(|&o| self.get(o).twhen > twhen)
            .unwrap_or(self.head.len());
        self.head.insert(at, id);
        (at == 0).then_some(twhen)
    }

    /// `tdel`: take the timer off the queue. Returns the new first
    /// deadline if it was first and others remain.
    fn tdel(&mut self, id: TimerId) -> Option<u64> {
        if !self.get(id).queued {
            return None;
        }
        let at = self
            .head
            .iter()
            .position(|&o| o == id)
            .expect("queued timer on the queue");
        self.head.remove(at);
        self.get_mut(id).queued = false;
        if at == 0 {
            self.next()
        } else {
            None
        }
    }

    /// `timeradd`: put the timer on the queue, first taking it off if it is
    /// there. Returns the deadline to program (`timerset`) when it is now
    /// the first.
    pub fn timeradd(&mut self, id: TimerId, now: u64) -> Option<u64> {
        self.tdel(id);
        self.tadd(id, now)
    }

    /// `timerdel`: take the timer off the queue and make it one-shot
    /// (`Trelative`), so that a periodic timer firing now is not put back.
    /// Returns the deadline to program when it was the first.
    pub fn timerdel(&mut self, id: TimerId) -> Option<u64> {
        self.get_mut(id).tmode = Tmode::Trelative;
        self.tdel(id)
    }

    /// `timerintr`: take every timer due at `now` off the queue, in
    /// deadline order, and call `fire` with it; then put periodic ones back
    /// a period after their deadline, so that a late interrupt fires them
    /// once for each period missed. `fire` may change the timer (making it
    /// `Trelative` stops a periodic one). Returns the deadline to program
    /// next, if any timer is left.
    pub fn timerintr(
        &mut self,
        now: u64,
        mut fire: impl FnMut(TimerId, &mut Timer<F>),
    ) -> Option<u64> {
        while let Some(&id) = self.head.first() {
            if self.get(id).twhen > now {
                return Some(self.get(id).twhen);
            }
            self.head.remove(0);
            let t = self.get_mut(id);
            t.queued = false;
            fire(id, t);
            if t.tmode == Tmode::Tperiodic {
                self.tadd(id, now);
            }
        }
        None
    }

    /// `addclock0link`: a periodic timer calling `tf` every `ms`
    /// milliseconds (every tick when `ms` is 0). Returns it and the deadline
    /// to program when it is first.
    pub fn addclock0link(&mut self, tf: F, ms: u32, now: u64) -> (TimerId, Option<u64>) {
        let ms = if ms == 0 { 1000 / HZ } else { ms };
        let id = self.alloc(Tmode::Tperiodic, ms as i64 * 1_000_000, tf);
        let when = self.tadd(id, now);
        (id, when)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    const MS: u64 = 1_000_000;

    /// A queue whose fastticks are nanoseconds.
    fn ns() -> Timers<&'static str> {
        Timers::new(1_000_000_000)
    }

    fn fired(tt: &mut Timers<&'static str>, now: u64) -> (Vec<&'static str>, Option<u64>) {
        let mut v = Vec::new();
        let next = tt.timerintr(now, |_, t| v.push(t.tf));
        (v, next)
    }

    #[test]
    fn tk2ms_ms2tk_as_9front() {
        // tk2ms: ticks*1000/HZ in 64 bits, truncated to ulong; ms2tk rounds
        // to the nearest tick below 10^9/HZ ms, by whole seconds above.
        assert_eq!(HZ, 100);
        assert_eq!(tk2ms(0), 0);
        assert_eq!(tk2ms(1), 10);
        assert_eq!(tk2ms(123), 1230);
        assert_eq!(tk2ms(429_496_730), 4, "4294967300 mod 2^32");
        assert_eq!(TK2MS(7), 70);
        assert_eq!(TK2MS(429_496_730), 4);
        assert_eq!(TK2SEC(250), 2);
        assert_eq!(ms2tk(0), 0);
        assert_eq!(ms2tk(4), 0);
        assert_eq!(ms2tk(5), 1);
        assert_eq!(ms2tk(14), 1);
        assert_eq!(ms2tk(15), 2);
        assert_eq!(ms2tk(1000), 100);
        assert_eq!(ms2tk(9_999_999), 1_000_000);
        assert_eq!(ms2tk(10_000_999), 1_000_000, "whole seconds from 10^7 ms");
        assert_eq!(ms2tk(u32::MAX), 429_496_700);
    }

    #[test]
    fn fire_in_deadline_order() {
        // tadd keeps the list sorted by twhen (equal deadlines in the order
        // added); timerintr fires everything with twhen <= now, in order,
        // and returns the next deadline for timerset.
        let mut tt = ns();
        let c = tt.alloc(Tmode::Trelative, 30 * MS as i64, "c");
        let a = tt.alloc(Tmode::Trelative, 10 * MS as i64, "a");
        let b = tt.alloc(Tmode::Trelative, 20 * MS as i64, "b");
        let b2 = tt.alloc(Tmode::Trelative, 20 * MS as i64, "b2");
        assert_eq!(tt.timeradd(c, 0), Some(30 * MS), "first timer is the head");
        assert_eq!(tt.timeradd(a, 0), Some(10 * MS), "new head");
        assert_eq!(tt.timeradd(b, 0), None, "not the head: no timerset");
        assert_eq!(tt.timeradd(b2, 0), None);
        assert_eq!(tt.queue().collect::<Vec<_>>(), vec![a, b, b2, c]);
        assert_eq!(fired(&mut tt, 9 * MS), (vec![], Some(10 * MS)));
        assert_eq!(
            fired(&mut tt, 20 * MS),
            (vec!["a", "b", "b2"], Some(30 * MS))
        );
        assert!(!tt.get(a).queued());
        assert_eq!(fired(&mut tt, 100 * MS), (vec!["c"], None));
        assert_eq!(tt.next(), None);
    }

    #[test]
    fn relative_uses_now_and_minimum() {
        // Trelative: twhen = now + ns2fastticks(tns), tns <= 0 becoming 1.
        let mut tt: Timers<()> = Timers::new(3_579_545);
        let t = tt.alloc(Tmode::Trelative, 1_000_000_000, ());
        assert_eq!(tt.timeradd(t, 500), Some(500 + 3_579_545));
        let z = tt.alloc(Tmode::Trelative, -5, ());
        tt.timeradd(z, 500);
        assert_eq!(tt.get(z).tns, 1);
        assert_eq!(tt.get(z).twhen(), 500, "1ns is 0 ticks at 3.58MHz");
        assert_eq!(tt.ns2fastticks(2_000_000), 7159);
    }

    #[test]
    fn periodic_rearms_at_period_multiples() {
        // Tperiodic: re-added by timerintr at twhen + period, not now +
        // period; a late interrupt fires it once per missed period.
        let mut tt = ns();
        let p = tt.alloc(Tmode::Tperiodic, 10 * MS as i64, "p");
        assert_eq!(tt.timeradd(p, 3 * MS), Some(13 * MS));
        assert_eq!(fired(&mut tt, 14 * MS), (vec!["p"], Some(23 * MS)));
        assert_eq!(fired(&mut tt, 22 * MS), (vec![], Some(23 * MS)));
        // Due at 23, 33, 43 and 53: four firings in one interrupt.
        assert_eq!(
            fired(&mut tt, 55 * MS),
            (vec!["p", "p", "p", "p"], Some(63 * MS))
        );
        // timeradd of a queued periodic timer moves it a period on.
        assert_eq!(tt.timeradd(p, 56 * MS), Some(73 * MS));
    }

    #[test]
    fn periodic_timers_of_one_period_fire_together() {
        // A new periodic timer takes the twhen of a queued one with the same
        // tns; a different period starts from now.
        let mut tt = ns();
        let a = tt.alloc(Tmode::Tperiodic, 10 * MS as i64, "a");
        let b = tt.alloc(Tmode::Tperiodic, 10 * MS as i64, "b");
        let c = tt.alloc(Tmode::Tperiodic, 7 * MS as i64, "c");
        tt.timeradd(a, 0);
        assert_eq!(tt.timeradd(b, 4 * MS), None);
        assert_eq!(tt.get(b).twhen(), 20 * MS);
        assert_eq!(tt.timeradd(c, 4 * MS), None);
        assert_eq!(tt.get(c).twhen(), 11 * MS);
        // a at 10 (back at 20, after b), c at 11 and 18, then b and a at 20.
        assert_eq!(
            fired(&mut tt, 20 * MS),
            (vec!["a", "c", "c", "b", "a"], Some(25 * MS))
        );
    }

    #[test]
    #[should_panic(expected = "100µs")]
    fn periodic_minimum() {
        // tadd asserts tns >= 100000 for Tperiodic.
        let mut tt = ns();
        let t = tt.alloc(Tmode::Tperiodic, 99_999, "fast");
        tt.timeradd(t, 0);
    }

    #[test]
    fn timerdel_prevents_firing() {
        // timerdel unlinks the timer (returning the new head's twhen when
        // it was first) and makes it Trelative; a periodic timer can stop
        // itself from its function the same way.
        let mut tt = ns();
        let a = tt.alloc(Tmode::Trelative, 10 * MS as i64, "a");
        let b = tt.alloc(Tmode::Trelative, 20 * MS as i64, "b");
        let p = tt.alloc(Tmode::Tperiodic, 5 * MS as i64, "p");
        tt.timeradd(a, 0);
        tt.timeradd(b, 0);
        assert_eq!(tt.timerdel(b), None, "not first");
        assert_eq!(tt.timerdel(b), None, "not queued");
        assert_eq!(tt.timerdel(a), None, "first, none left");
        assert_eq!(fired(&mut tt, 50 * MS), (vec![], None));
        tt.timeradd(a, 0);
        tt.timeradd(b, 0);
        assert_eq!(tt.timerdel(a), Some(20 * MS));
        tt.timeradd(p, 0);
        let mut n = 0;
        let next = tt.timerintr(30 * MS, |id, t| {
            if id == p {
                n += 1;
                if n == 2 {
                    t.tmode = Tmode::Trelative;
                }
            }
        });
        assert_eq!(n, 2);
        assert_eq!(next, None, "b fired, p stopped after its second firing");
        assert!(!tt.get(p).queued());
        // timerdel makes a periodic timer relative.
        let q = tt.alloc(Tmode::Tperiodic, 5 * MS as i64, "q");
        tt.timeradd(q, 0);
        tt.timerdel(q);
        assert_eq!(tt.get(q).tmode, Tmode::Trelative);
        let f = tt.free(q);
        assert_eq!(f.tf, "q");
    }

    #[test]
    fn addclock0link_period() {
        // addclock0link: ms 0 means one tick (1000/HZ ms), periodic.
        let mut tt = ns();
        let (id, when) = tt.addclock0link("hz", 0, 1000);
        assert_eq!(when, Some(1000 + 10 * MS));
        assert_eq!(tt.get(id).tmode, Tmode::Tperiodic);
        let (id2, when) = tt.addclock0link("slow", 250, 1000);
        assert_eq!(when, None);
        assert_eq!(tt.get(id2).twhen(), 1000 + 250 * MS);
    }
}
