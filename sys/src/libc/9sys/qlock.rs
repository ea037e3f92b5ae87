//! Queueing locks: the `QLock` of 9front's `sys/src/libc/9sys/qlock.c`
//! (see lock(2)).
//!
//! A proc that finds the lock held queues itself and sleeps in
//! `rendezvous` until the holder hands the lock over, in arrival order, as
//! 9front's qlock does; unlike a spin lock it may be held across blocking
//! system calls (a 9P server's write lock is held while the reply is
//! written).
//!
//! What differs from 9front:
//!
//! - Rust's idiom: `QLock<T>` owns the data it guards and `qlock()`
//!   returns a guard that unlocks when dropped, like `std::sync::Mutex`;
//! - only `QLock` (`qlock`, `qunlock` by drop, `canqlock`) is here so far:
//!   9front's `RWLock` and `Rendez` (`rsleep`, `rwakeup`) are to come;
//! - the queue is a `VecDeque` of rendezvous tags instead of 9front's fixed
//!   array of 1024 `QLp` cells.

use alloc::collections::VecDeque;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::{AtomicUsize, Ordering};

/// Rendezvous tags for sleeping procs: distinct from any address.
static TAGS: AtomicUsize = AtomicUsize::new(1);

/// A tag no other sleeper uses.
pub fn newtag() -> usize {
    (1usize << (usize::BITS - 1)) | TAGS.fetch_add(1, Ordering::Relaxed)
}

struct Gate {
    locked: bool,
    queue: VecDeque<usize>,
}

/// A queueing lock guarding a `T`.
pub struct QLock<T> {
    gate: spin::Mutex<Gate>,
    data: spin::Mutex<T>,
}

/// The lock, held; dropping it is `qunlock`.
pub struct QLockGuard<'a, T> {
    q: &'a QLock<T>,
    g: Option<spin::MutexGuard<'a, T>>,
}

impl<T> QLock<T> {
    pub const fn new(v: T) -> QLock<T> {
        QLock {
            gate: spin::Mutex::new(Gate { locked: false, queue: VecDeque::new() }),
            data: spin::Mutex::new(v),
        }
    }

    /// `qlock`: takes the lock, sleeping until it is free.
    pub fn qlock(&self) -> QLockGuard<'_, T> {
        let mut g = self.gate.lock();
        if !g.locked {
            g.locked = true;
        } else {
            let tag = newtag();
            g.queue.push_back(tag);
            drop(g);
            // The holder hands the lock over at this tag.
            crate::syscall::rendezvous(tag, 0);
        }
        // The gate is ours, so the data lock is free.
        QLockGuard { q: self, g: Some(self.data.lock()) }
    }

    /// `canqlock`: takes the lock if it is free.
    pub fn canqlock(&self) -> Option<QLockGuard<'_, T>> {
        let mut g = self.gate.lock();
        if g.locked {
            return None;
        }
        g.locked = true;
        drop(g);
        Some(QLockGuard { q: self, g: Some(self.data.lock()) })
    }

    fn qunlock(&self) {
        let mut g = self.gate.lock();
        match g.queue.pop_front() {
            Some(tag) => {
                drop(g);
                // Hand over: the lock stays taken, by the next in line.
                crate::syscall::rendezvous(tag, 0);
            }
            None => g.locked = false,
        }
    }
}

impl<T: Default> Default for QLock<T> {
    fn default() -> Self {
        QLock::new(T::default())
    }
}

impl<T> Deref for QLockGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.g.as_ref().expect("held until drop")
    }
}

impl<T> DerefMut for QLockGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.g.as_mut().expect("held until drop")
    }
}

impl<T> Drop for QLockGuard<'_, T> {
    fn drop(&mut self) {
        self.g = None;
        self.q.qunlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn qlock_excludes_and_hands_over() {
        let q = Arc::new(QLock::new(0u64));
        let mut hs = std::vec::Vec::new();
        for _ in 0..4 {
            let q = q.clone();
            hs.push(std::thread::spawn(move || {
                for _ in 0..2000 {
                    let mut g = q.qlock();
                    let v = *g;
                    if v % 7 == 0 {
                        std::thread::yield_now();
                    }
                    *g = v + 1;
                }
            }));
        }
        for h in hs {
            h.join().unwrap();
        }
        assert_eq!(*q.qlock(), 8000);
    }

    #[test]
    fn canqlock_fails_while_held() {
        let q = QLock::new(());
        let g = q.qlock();
        assert!(q.canqlock().is_none());
        drop(g);
        assert!(q.canqlock().is_some());
    }

    #[test]
    fn a_sleeper_holds_the_lock_across_blocking() {
        let q = Arc::new(QLock::new(std::vec::Vec::new()));
        let g = q.qlock();
        let q2 = q.clone();
        let t = std::thread::spawn(move || q2.qlock().push(2));
        std::thread::sleep(std::time::Duration::from_millis(50));
        drop(g);
        t.join().unwrap();
        q.qlock().push(3);
        assert_eq!(*q.qlock(), [2, 3]);
    }
}
