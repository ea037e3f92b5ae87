//! The queueing lock of 9front's `port/qlock.c`: `qlock`, `canqlock` and
//! `qunlock` as a state machine over process ids.
//!
//! [`QLockState`] is what 9front's `QLock` holds under its `use` spin lock:
//! whether it is locked and the processes queued for it, in order. The
//! kernel (`pc64/qlock.rs`) keeps it under an `ilock`, puts the calling
//! process to sleep when [`QLockState::qlock`] says [`Take::Wait`], and
//! readies the process [`QLockState::qunlock`] hands the lock to.
//!
//! As in 9front, `qunlock` passes the lock straight to the first waiter
//! (it stays locked), so waiters get it in arrival order and a process
//! that calls `qlock` again at once cannot overtake them. What differs:
//! the queue is a `VecDeque` of ids instead of a list through
//! `Proc.qnext`; `eqlock`'s interruption is [`QLockState::remove`] of the
//! interrupted waiter.
//!
//! [`RWlockState`] is 9front's `RWlock` the same way: `rlock`, `runlock`,
//! `wlock`, `wunlock` and `canrlock`, with the queue of waiting readers
//! and writers in arrival order. As 9front's it prefers writers: a reader
//! queues as soon as anyone is queued, even while only readers hold the
//! lock; the last `runlock` hands the lock to the writer at the head; a
//! `wunlock` hands it to the next writer, or else to every reader at the
//! head of the queue at once. 9front's panics ("runlock", "wunlock")
//! are `Err` here; the waiting state (QueueingR/QueueingW) is kept with
//! each queued id instead of read from `Proc.state`.
//!
//! [`RWlock`] is an `RWlock` for portable code that reaches the scheduler
//! only through [`Sched`] (the name space of chan.rs and pgrp.rs): it is
//! built from the trait's `ilock`, `QLock` and sleep/wakeup, with the
//! same policy: readers share, a writer excludes everyone, and a reader
//! that finds anyone queued queues too, so writers are not starved.
//! Waiters are served in arrival order through a `QLock`. What differs
//! from 9front's: waiting can be interrupted by a note (`Err(Eintr)`, as
//! `eqlock`), since `Sched` has no uninterruptible sleep.

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use crate::portfns::{ILock, QLock, Sched};

/// What `qlock` tells the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Take {
    /// The lock is the caller's.
    Got,
    /// The caller is queued: sleep until `qunlock` hands it over.
    Wait,
}

/// A `QLock`'s state.
#[derive(Debug)]
pub struct QLockState<P> {
    locked: bool,
    queue: VecDeque<P>,
}

impl<P: PartialEq> Default for QLockState<P> {
    fn default() -> Self {
        Self::new()
    }
}

impl<P: PartialEq> QLockState<P> {
    /// An unlocked lock.
    pub const fn new() -> Self {
        QLockState {
            locked: false,
            queue: VecDeque::new(),
        }
    }

    /// `canqlock`: take the lock if it is free.
    pub fn canqlock(&mut self) -> bool {
        if self.locked {
            return false;
        }
        self.locked = true;
        true
    }

    /// `qlock` for process `p`: take the lock, or queue `p` behind the
    /// other waiters.
    pub fn qlock(&mut self, p: P) -> Take {
        if self.canqlock() {
            return Take::Got;
        }
        self.queue.push_back(p);
        Take::Wait
    }

    /// `qunlock`: hand the lock to the first waiter, returned so that the
    /// caller can `ready` it, or unlock it if none waits. `None` also when
    /// the lock was not held (9front panics "qunlock called with qlock not
    /// held"): see [`Self::locked`].
    pub fn qunlock(&mut self) -> Option<P> {
        match self.queue.pop_front() {
            Some(p) => Some(p),
            None => {
                self.locked = false;
                None
            }
        }
    }

    /// Take `p` out of the queue (an interrupted `eqlock`); returns
    /// whether it was there.
    pub fn remove(&mut self, p: &P) -> bool {
        match self.queue.iter().position(|q| q == p) {
            Some(i) => {
                self.queue.remove(i);
                true
            }
            None => false,
        }
    }

    /// Whether the lock is held.
    pub fn locked(&self) -> bool {
        self.locked
    }

    /// Number of processes waiting.
    pub fn waiting(&self) -> usize {
        self.queue.len()
    }
}

/// Whether a queued process wants to read or to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RW {
    /// `QueueingR`.
    Read,
    /// `QueueingW`.
    Write,
}

/// Whom an unlock of an [`RWlockState`] hands the lock to; the caller
/// `ready`s them.
#[derive(Debug, PartialEq, Eq)]
pub enum RWwake<P> {
    /// No one.
    None,
    /// A writer, which now holds the lock.
    Writer(P),
    /// Readers, which now hold the lock together.
    Readers(Vec<P>),
}

/// An `RWlock`'s state.
#[derive(Debug)]
pub struct RWlockState<P> {
    readers: usize,
    writer: bool,
    queue: VecDeque<(P, RW)>,
}

impl<P: PartialEq> Default for RWlockState<P> {
    fn default() -> Self {
        Self::new()
    }
}

impl<P: PartialEq> RWlockState<P> {
    /// An unlocked lock.
    pub const fn new() -> Self {
        RWlockState {
            readers: 0,
            writer: false,
            queue: VecDeque::new(),
        }
    }

    /// `canrlock`: read-lock if no writer holds the lock and no one is
    /// queued.
    pub fn canrlock(&mut self) -> bool {
        if !self.writer && self.queue.is_empty() {
            self.readers += 1;
            return true;
        }
        false
    }

    /// `rlock` for `p`.
    pub fn rlock(&mut self, p: P) -> Take {
        if self.canrlock() {
            return Take::Got;
        }
        self.queue.push_back((p, RW::Read));
        Take::Wait
    }

    /// `runlock`: when the last reader leaves and a writer waits, the
    /// writer gets the lock.
    pub fn runlock(&mut self) -> Result<RWwake<P>, &'static str> {
        if self.readers == 0 {
            return Err("runlock");
        }
        self.readers -= 1;
        if self.readers > 0 || self.queue.is_empty() {
            return Ok(RWwake::None);
        }
        match self.queue.pop_front() {
            Some((p, RW::Write)) => {
                self.writer = true;
                Ok(RWwake::Writer(p))
            }
            // A reader queues only behind someone; with no readers left
            // and no writer, the head must be a writer.
            Some((p, RW::Read)) => {
                self.queue.push_front((p, RW::Read));
                Err("runlock")
            }
            None => Ok(RWwake::None),
        }
    }

    /// `wlock` for `p`.
    pub fn wlock(&mut self, p: P) -> Take {
        if self.readers == 0 && !self.writer {
            self.writer = true;
            return Take::Got;
        }
        self.queue.push_back((p, RW::Write));
        Take::Wait
    }

    /// `wunlock`: to the next writer if it heads the queue, else to all
    /// the readers at its head.
    pub fn wunlock(&mut self) -> Result<RWwake<P>, &'static str> {
        if !self.writer {
            return Err("wunlock");
        }
        match self.queue.front() {
            None => {
                self.writer = false;
                Ok(RWwake::None)
            }
            Some((_, RW::Write)) => {
                let (p, _) = self.queue.pop_front().expect("head");
                Ok(RWwake::Writer(p))
            }
            Some((_, RW::Read)) => {
                let mut v = Vec::new();
                while let Some((_, RW::Read)) = self.queue.front() {
                    let (p, _) = self.queue.pop_front().expect("head");
                    self.readers += 1;
                    v.push(p);
                }
                self.writer = false;
                Ok(RWwake::Readers(v))
            }
        }
    }

    /// Readers holding the lock.
    pub fn readers(&self) -> usize {
        self.readers
    }

    /// Whether a writer holds the lock.
    pub fn writer(&self) -> bool {
        self.writer
    }

    /// Processes queued.
    pub fn waiting(&self) -> usize {
        self.queue.len()
    }
}

/// The counts an [`RWlock`] keeps under its `ilock`.
#[derive(Debug, Default)]
struct RWcount {
    readers: usize,
    writer: bool,
    /// Processes between arriving and taking the lock.
    queued: usize,
}

/// A readers-writer lock over a [`Sched`] (9front's `RWlock`, with
/// `rlock`, `runlock`, `wlock`, `wunlock`, `canrlock`).
///
/// It guards no data: as in 9front it orders the holders of a larger
/// operation, and the data it protects lives in an `ilock` beside it.
pub struct RWlock<S: Sched> {
    count: S::Lock<RWcount>,
    /// Serialises waiters, first come first served; its holder is the
    /// only process that sleeps on `r`.
    turn: S::QLock,
    r: S::Rendez,
}

impl<S: Sched> Default for RWlock<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: Sched> core::fmt::Debug for RWlock<S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let c = self.count.ilock();
        f.debug_struct("RWlock")
            .field("readers", &c.readers)
            .field("writer", &c.writer)
            .field("queued", &c.queued)
            .finish()
    }
}

/// A read hold of an [`RWlock`]; dropping it is `runlock`.
pub struct RGuard<'a, S: Sched>(&'a RWlock<S>);

/// The write hold of an [`RWlock`]; dropping it is `wunlock`.
pub struct WGuard<'a, S: Sched>(&'a RWlock<S>);

impl<S: Sched> RWlock<S> {
    /// An unlocked lock.
    pub fn new() -> Self {
        RWlock {
            count: S::Lock::new(RWcount::default()),
            turn: S::QLock::default(),
            r: S::Rendez::default(),
        }
    }

    /// `canrlock`: read-lock if no writer holds the lock and no one is
    /// queued.
    pub fn canrlock(&self) -> Option<RGuard<'_, S>> {
        let mut c = self.count.ilock();
        if !c.writer && c.queued == 0 {
            c.readers += 1;
            return Some(RGuard(self));
        }
        None
    }

    /// `rlock`: share the lock with other readers, after any writer
    /// that holds it or waits for it.
    pub fn rlock(&self) -> crate::Result<RGuard<'_, S>> {
        if let Some(g) = self.canrlock() {
            return Ok(g);
        }
        self.wait(|c| !c.writer, |c| c.readers += 1)?;
        Ok(RGuard(self))
    }

    /// `wlock`: hold the lock alone.
    pub fn wlock(&self) -> crate::Result<WGuard<'_, S>> {
        {
            let mut c = self.count.ilock();
            if c.readers == 0 && !c.writer && c.queued == 0 {
                c.writer = true;
                return Ok(WGuard(self));
            }
        }
        self.wait(|c| c.readers == 0 && !c.writer, |c| c.writer = true)?;
        Ok(WGuard(self))
    }

    /// Queue, then sleep at the head of the queue until `ok` holds and
    /// `take` the lock.
    fn wait(&self, ok: fn(&RWcount) -> bool, take: fn(&mut RWcount)) -> crate::Result<()> {
        self.count.ilock().queued += 1;
        let r = self.waitturn(ok, take);
        self.count.ilock().queued -= 1;
        r
    }

    fn waitturn(&self, ok: fn(&RWcount) -> bool, take: fn(&mut RWcount)) -> crate::Result<()> {
        let _turn = self.turn.eqlock()?;
        loop {
            {
                let mut c = self.count.ilock();
                if ok(&c) {
                    take(&mut c);
                    return Ok(());
                }
            }
            S::sleep(&self.r, &mut || ok(&self.count.ilock()))?;
        }
    }

    /// Readers holding the lock.
    pub fn readers(&self) -> usize {
        self.count.ilock().readers
    }

    /// Whether a writer holds the lock.
    pub fn writer(&self) -> bool {
        self.count.ilock().writer
    }
}

impl<S: Sched> Drop for RGuard<'_, S> {
    fn drop(&mut self) {
        let last = {
            let mut c = self.0.count.ilock();
            c.readers -= 1;
            c.readers == 0
        };
        if last {
            S::wakeup(&self.0.r);
        }
    }
}

impl<S: Sched> Drop for WGuard<'_, S> {
    fn drop(&mut self) {
        self.0.count.ilock().writer = false;
        S::wakeup(&self.0.r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn rwlock_readers_share_writers_exclude() {
        let mut q = RWlockState::new();
        assert_eq!(q.rlock(1), Take::Got);
        assert_eq!(q.rlock(2), Take::Got);
        assert!(q.canrlock());
        assert_eq!(q.readers(), 3);
        assert_eq!(q.wlock(3), Take::Wait);
        assert_eq!(q.runlock(), Ok(RWwake::None));
        assert_eq!(q.runlock(), Ok(RWwake::None));
        // The last reader hands the lock to the waiting writer.
        assert_eq!(q.runlock(), Ok(RWwake::Writer(3)));
        assert!(q.writer());
        assert_eq!(q.runlock(), Err("runlock"), "no reader holds it");
        assert_eq!(q.wunlock(), Ok(RWwake::None));
        assert!(!q.writer());
        assert_eq!(q.wunlock(), Err("wunlock"), "no writer holds it");
    }

    #[test]
    fn rwlock_prefers_writers() {
        // qlock.c's rlock: a reader waits whenever anyone is queued, so a
        // writer waiting behind readers is not starved by new readers.
        let mut q = RWlockState::new();
        assert_eq!(q.rlock(1), Take::Got);
        assert_eq!(q.wlock(2), Take::Wait);
        assert_eq!(q.rlock(3), Take::Wait, "reader queues behind the writer");
        assert!(!q.canrlock());
        assert_eq!(q.rlock(4), Take::Wait);
        assert_eq!(q.wlock(5), Take::Wait);
        assert_eq!(q.rlock(6), Take::Wait);
        assert_eq!(q.runlock(), Ok(RWwake::Writer(2)));
        // wunlock wakes the readers at the head together, up to the next
        // writer.
        assert_eq!(q.wunlock(), Ok(RWwake::Readers(vec![3, 4])));
        assert_eq!(q.readers(), 2);
        assert!(!q.writer());
        assert_eq!(q.runlock(), Ok(RWwake::None));
        assert_eq!(q.runlock(), Ok(RWwake::Writer(5)));
        assert_eq!(q.wunlock(), Ok(RWwake::Readers(vec![6])));
        assert_eq!(q.runlock(), Ok(RWwake::None));
        assert_eq!(q.waiting(), 0);
        assert_eq!(q.wlock(7), Take::Got);
        assert_eq!(q.wlock(8), Take::Wait);
        assert_eq!(q.wunlock(), Ok(RWwake::Writer(8)), "writer to writer");
        assert!(q.writer());
    }

    mod sched {
        extern crate std;

        use super::super::RWlock;
        use crate::portfns::host::{up, Host};
        use crate::Error;
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::{mpsc, Arc, Mutex};
        use std::thread;
        use std::time::Duration;
        use std::vec::Vec;

        fn settle() {
            thread::sleep(Duration::from_millis(60));
        }

        #[test]
        fn rwlock_readers_share_writer_waits() {
            // qlock.c: rlock lets readers in together; wlock waits until
            // the last runlock.
            let l = Arc::new(RWlock::<Host>::new());
            let r1 = l.rlock().unwrap();
            let r2 = l.rlock().unwrap();
            assert_eq!(l.readers(), 2);
            let got = Arc::new(AtomicBool::new(false));
            let (l2, got2) = (l.clone(), got.clone());
            let w = thread::spawn(move || {
                let g = l2.wlock().unwrap();
                got2.store(true, Ordering::SeqCst);
                assert!(l2.writer());
                drop(g);
            });
            settle();
            assert!(!got.load(Ordering::SeqCst), "writer got in beside readers");
            drop(r1);
            settle();
            assert!(!got.load(Ordering::SeqCst), "writer got in beside a reader");
            drop(r2);
            w.join().unwrap();
            assert!(got.load(Ordering::SeqCst));
            assert!(!l.writer());
            assert!(l.canrlock().is_some());
        }

        #[test]
        fn rwlock_queued_writer_goes_before_later_readers() {
            // qlock.c's rlock queues a reader whenever anyone is queued,
            // so a writer waiting behind readers is served before readers
            // that come after it.
            let l = Arc::new(RWlock::<Host>::new());
            let order = Arc::new(Mutex::new(Vec::new()));
            let r = l.rlock().unwrap();
            let (l2, o2) = (l.clone(), order.clone());
            let w = thread::spawn(move || {
                let _g = l2.wlock().unwrap();
                o2.lock().unwrap().push("writer");
                settle();
            });
            settle();
            assert!(l.canrlock().is_none(), "canrlock with a writer queued");
            let (l3, o3) = (l.clone(), order.clone());
            let rd = thread::spawn(move || {
                let _g = l3.rlock().unwrap();
                o3.lock().unwrap().push("reader");
            });
            settle();
            assert!(order.lock().unwrap().is_empty());
            drop(r);
            w.join().unwrap();
            rd.join().unwrap();
            assert_eq!(*order.lock().unwrap(), ["writer", "reader"]);
        }

        #[test]
        fn rwlock_note_interrupts_waiter() {
            // As eqlock: a note ends the wait with Eintr, and the lock is
            // left as it was.
            let l = Arc::new(RWlock::<Host>::new());
            let r = l.rlock().unwrap();
            let (tx, rx) = mpsc::channel();
            let l2 = l.clone();
            let w = thread::spawn(move || {
                tx.send(up()).unwrap();
                l2.wlock().map(|_| ())
            });
            let p = rx.recv().unwrap();
            settle();
            p.postnote();
            assert_eq!(w.join().unwrap(), Err(Error::Eintr));
            assert!(!l.writer());
            assert!(
                l.canrlock().is_some(),
                "the interrupted writer left no queue"
            );
            drop(r);
            assert!(l.wlock().is_ok());
        }
    }

    #[test]
    fn handoff_in_arrival_order() {
        // qunlock gives the lock to the head of the queue, which stays
        // locked, and unlocks only when no one waits.
        let mut q = QLockState::new();
        assert_eq!(q.qlock(1), Take::Got);
        assert_eq!(q.qlock(2), Take::Wait);
        assert_eq!(q.qlock(3), Take::Wait);
        assert!(!q.canqlock());
        assert_eq!(q.waiting(), 2);
        assert_eq!(q.qunlock(), Some(2));
        assert!(q.locked(), "handed over, still locked");
        assert_eq!(q.qlock(1), Take::Wait, "no overtaking the queue");
        assert_eq!(q.qunlock(), Some(3));
        assert_eq!(q.qunlock(), Some(1));
        assert_eq!(q.qunlock(), None);
        assert!(!q.locked());
        assert!(q.canqlock());
    }

    #[test]
    fn interrupted_waiter_leaves_the_queue() {
        let mut q = QLockState::new();
        q.qlock(1);
        q.qlock(2);
        q.qlock(3);
        assert!(q.remove(&2));
        assert!(!q.remove(&2));
        assert_eq!(q.qunlock(), Some(3));
    }
}
