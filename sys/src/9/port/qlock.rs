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
//! interrupted waiter. `RWlock` is not here yet.

use alloc::collections::VecDeque;

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

#[cfg(test)]
mod tests {
    use super::*;

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
