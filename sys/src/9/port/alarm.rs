//! The alarm list of 9front's `port/alarm.c`: `procalarm` (the `alarm`
//! system call), `checkalarms` (the clock's test) and the pass of
//! `alarmkproc` that posts the `alarm` notes.
//!
//! 9front links the processes with an alarm set through `Proc.palarm`,
//! ordered by `Proc.alarm`, the clock tick (`MACHP(0)->ticks`, a 32-bit
//! `ulong` that wraps) at which the alarm goes off; 0 means none. Ticks are
//! compared by the sign of their difference, so the order survives the wrap.
//! Cancelling an alarm only zeroes it: the process stays on the list until
//! the list's head passes it (or it sets a new alarm).
//!
//! What differs from 9front:
//!
//! - [`Alarms`] is a plain structure over process ids of the caller's type,
//!   with the ticks passed in; it keeps each process's `alarm` itself. The
//!   `QLock` around it, the kernel process and its `Rendez`, and posting the
//!   note are the caller's: [`Alarms::alarmkproc`] returns the processes to
//!   post `alarm` to, asking `canqlock` (9front's `canqlock(&p->debug)`)
//!   whether each can take it now.
//! - `pexit`'s `up->alarm = 0` is [`Alarms::clear`].

use alloc::vec::Vec;

use crate::portclock::{ms2tk, tk2ms};

#[derive(Debug, Clone, Copy)]
struct Entry<P> {
    pid: P,
    /// The tick at which the alarm goes off; 0 for none.
    alarm: u32,
}

/// Whether tick `a` is at or after tick `b`, as `(long)(a - b) >= 0`.
fn after(a: u32, b: u32) -> bool {
    a.wrapping_sub(b) as i32 >= 0
}

/// The list of processes with alarms (9front's `Alarms`).
#[derive(Debug, Clone)]
pub struct Alarms<P> {
    /// From `alarms.head` along `palarm`.
    list: Vec<Entry<P>>,
}

impl<P> Default for Alarms<P> {
    fn default() -> Self {
        Alarms { list: Vec::new() }
    }
}

impl<P: Copy + Eq> Alarms<P> {
    /// An empty list.
    pub const fn new() -> Self {
        Alarms { list: Vec::new() }
    }

    /// `p->alarm`: the tick at which `pid`'s alarm goes off, 0 for none.
    pub fn alarm(&self, pid: P) -> u32 {
        self.list
            .iter()
            .find(|e| e.pid == pid)
            .map_or(0, |e| e.alarm)
    }

    /// The list, head first, with each process's `alarm` (0 for a
    /// cancelled one not yet passed).
    pub fn list(&self) -> impl Iterator<Item = (P, u32)> + '_ {
        self.list.iter().map(|e| (e.pid, e.alarm))
    }

    /// `procalarm(time)` for process `pid` at tick `now`: set its alarm to
    /// go off `ms` milliseconds from now (rounded to ticks by `ms2tk`), or
    /// cancel it when `ms` is 0. Returns the milliseconds that were left of
    /// the previous alarm (0 if none or overdue).
    pub fn procalarm(&mut self, pid: P, now: u32, ms: u32) -> u32 {
        let cur = self.list.iter().position(|e| e.pid == pid);
        let old = match cur.map(|i| self.list[i].alarm) {
            None | Some(0) => 0,
            Some(a) => {
                let left = a.wrapping_sub(now);
                if (left as i32) > 0 {
                    tk2ms(left)
                } else {
                    0
                }
            }
        };
        if ms == 0 {
            if let Some(i) = cur {
                self.list[i].alarm = 0;
            }
            return old;
        }
        let mut when = now.wrapping_add(ms2tk(ms));
        if when == 0 {
            when = 1;
        }
        if let Some(i) = cur {
            self.list.remove(i);
        }
        // Before the first live alarm due at or after this one.
        let at = self
            .list
            .iter()
            .position(|e| e.alarm != 0 && after(e.alarm, when))
            .unwrap_or(self.list.len());
        self.list.insert(at, Entry { pid, alarm: when });
        old
    }

    /// `pexit`'s `up->alarm = 0`: `pid` has no alarm any more.
    pub fn clear(&mut self, pid: P) {
        if let Some(e) = self.list.iter_mut().find(|e| e.pid == pid) {
            e.alarm = 0;
        }
    }

    /// `checkalarms`, each clock tick: whether `alarmkproc` should run,
    /// because the head's alarm is due at `now` or was cancelled.
    pub fn checkalarms(&self, now: u32) -> bool {
        match self.list.first() {
            None => false,
            Some(e) => e.alarm == 0 || after(now, e.alarm),
        }
    }

    /// One pass of `alarmkproc` at tick `now`: from the head, skip cancelled
    /// alarms and take due ones, until one is not due or its process cannot
    /// take a note now (`canqlock` false). Returns the processes to post the
    /// `alarm` note to, in order; their alarms are now 0, and the list
    /// starts at the entry where the pass stopped.
    pub fn alarmkproc(&mut self, now: u32, mut canqlock: impl FnMut(P) -> bool) -> Vec<P> {
        let mut notes = Vec::new();
        let mut stop = self.list.len();
        for (i, e) in self.list.iter_mut().enumerate() {
            if e.alarm == 0 {
                continue;
            }
            if !after(now, e.alarm) || !canqlock(e.pid) {
                stop = i;
                break;
            }
            notes.push(e.pid);
            e.alarm = 0;
        }
        self.list.drain(..stop);
        notes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn order(a: &Alarms<u32>) -> Vec<(u32, u32)> {
        a.list().collect()
    }

    #[test]
    fn procalarm_orders_and_returns_remaining() {
        // procalarm inserts by deadline (ms2tk ticks from now), returns the
        // old alarm's remaining time in ms (tk2ms), 0 when none.
        let mut a = Alarms::new();
        assert_eq!(a.procalarm(1, 1000, 50), 0);
        assert_eq!(a.procalarm(2, 1000, 20), 0);
        assert_eq!(a.procalarm(3, 1000, 34), 0);
        assert_eq!(order(&a), vec![(2, 1002), (3, 1003), (1, 1005)]);
        assert_eq!(a.alarm(1), 1005);
        assert_eq!(a.alarm(9), 0);
        // 3 ticks left of pid 1's alarm: 30 ms. 1 ms rounds to 0 ticks, so
        // it is due now, and goes before pid 2's alarm due at the same tick.
        assert_eq!(a.procalarm(1, 1002, 1), 30);
        assert_eq!(order(&a), vec![(1, 1002), (2, 1002), (3, 1003)]);
        // An overdue alarm has 0 ms left.
        assert_eq!(a.procalarm(2, 1010, 10), 0);
    }

    #[test]
    fn equal_deadlines_newest_first() {
        // The insertion loop stops at the first alarm with
        // (long)(alarm - when) >= 0, so an equal deadline goes before.
        let mut a = Alarms::new();
        a.procalarm(1, 0, 100);
        a.procalarm(2, 0, 100);
        assert_eq!(order(&a), vec![(2, 10), (1, 10)]);
        assert_eq!(a.alarmkproc(10, |_| true), vec![2, 1]);
    }

    #[test]
    fn cancel_keeps_entry_until_passed() {
        // procalarm(0) zeroes up->alarm only; checkalarms wakes the kproc
        // for a zero head, which drops it; insertion skips zero entries.
        let mut a = Alarms::new();
        a.procalarm(1, 0, 100);
        a.procalarm(2, 0, 200);
        assert!(!a.checkalarms(5));
        assert_eq!(a.procalarm(1, 4, 0), 60);
        assert_eq!(a.procalarm(1, 4, 0), 0, "no alarm left");
        assert_eq!(order(&a), vec![(1, 0), (2, 20)]);
        assert!(a.checkalarms(5), "head cancelled");
        a.procalarm(3, 5, 10);
        assert_eq!(order(&a), vec![(1, 0), (3, 6), (2, 20)]);
        assert_eq!(a.alarmkproc(5, |_| true), vec![]);
        assert_eq!(order(&a), vec![(3, 6), (2, 20)]);
        a.clear(2);
        assert_eq!(a.alarm(2), 0);
    }

    #[test]
    fn alarms_fire_in_deadline_order() {
        // checkalarms is true once the head is due; alarmkproc posts notes
        // to every due process in list order and stops at the first not due.
        let mut a = Alarms::new();
        for (pid, ms) in [(1, 70), (2, 10), (3, 40), (4, 20)] {
            a.procalarm(pid, 100, ms);
        }
        assert!(!a.checkalarms(100));
        assert!(a.checkalarms(101));
        assert_eq!(a.alarmkproc(104, |_| true), vec![2, 4, 3]);
        assert_eq!(a.alarm(2), 0);
        assert_eq!(order(&a), vec![(1, 107)]);
        assert!(!a.checkalarms(106));
        assert_eq!(a.alarmkproc(200, |_| true), vec![1]);
        assert!(!a.checkalarms(200));
        assert_eq!(order(&a), vec![]);
    }

    #[test]
    fn busy_process_stops_the_pass() {
        // !canqlock(&rp->debug): break, leaving that process at the head
        // with its alarm, to be tried on the next pass.
        let mut a = Alarms::new();
        a.procalarm(1, 0, 10);
        a.procalarm(2, 0, 20);
        a.procalarm(3, 0, 30);
        assert_eq!(a.alarmkproc(5, |p| p != 2), vec![1]);
        assert_eq!(order(&a), vec![(2, 2), (3, 3)]);
        assert!(a.checkalarms(5));
        assert_eq!(a.alarmkproc(5, |_| true), vec![2, 3]);
    }

    #[test]
    fn ticks_wrap() {
        // ulong ticks wrap; order and due tests use the signed difference,
        // and a deadline of 0 becomes 1.
        let mut a = Alarms::new();
        let now = u32::MAX - 2; // 3 ticks before the wrap
        a.procalarm(1, now, 50); // wraps to 2
        a.procalarm(2, now, 20); // u32::MAX
        a.procalarm(3, now, 30); // 0, made 1
        assert_eq!(order(&a), vec![(2, u32::MAX), (3, 1), (1, 2)]);
        assert!(!a.checkalarms(now));
        assert_eq!(a.alarmkproc(0, |_| true), vec![2]);
        assert_eq!(a.alarmkproc(1, |_| true), vec![3]);
        assert_eq!(a.procalarm(1, 1, 0), 10);
    }
}
