//! The test-and-set lock of 9front's `port/taslock.c`: `lock`, `canlock`,
//! `unlock` and the `lockstats` counters, over an atomic word.
//!
//! [`Lock`] is the lock word alone, as 9front's `Lock` is: it guards no
//! data of its own. The kernel (`pc64/taslock.rs`) builds `ilock` on it by
//! raising the processor priority first and restoring it after `unlock`,
//! and wraps a value with it for the [`crate::portfns::ILock`] trait.
//!
//! What differs from 9front: the holder's pc, process and processor
//! (`l->pc`, `l->p`, `l->m`) are kept as one caller-chosen word
//! ([`Lock::holder`]); `lock` takes a closure that it calls every
//! [`LOOPCOUNT`] spins, where 9front calls `lockloop` to print who holds
//! the lock (and may `sched`); `unlock` of an unlocked lock returns false
//! where 9front prints "unlock(%#p): not locked".

use core::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

/// Spins between calls of `lock`'s loop hook (9front checks every 10^8
/// iterations on fast machines; the kernel's hook is cheap).
pub const LOOPCOUNT: u64 = 1 << 24;

/// `lockstats`: how often locks were taken, found held, and spun on.
#[derive(Debug, Default)]
pub struct Lockstats {
    pub locks: AtomicU64,
    pub glare: AtomicU64,
    pub inglare: AtomicU64,
}

/// The counters of every lock.
pub static LOCKSTATS: Lockstats = Lockstats {
    locks: AtomicU64::new(0),
    glare: AtomicU64::new(0),
    inglare: AtomicU64::new(0),
};

/// A spin lock word (9front's `Lock`).
#[derive(Debug, Default)]
pub struct Lock {
    key: AtomicBool,
    holder: AtomicUsize,
}

impl Lock {
    /// An unlocked lock.
    pub const fn new() -> Self {
        Lock {
            key: AtomicBool::new(false),
            holder: AtomicUsize::new(0),
        }
    }

    /// `tas`: set the key, returning whether it was already set.
    fn tas(&self) -> bool {
        self.key.swap(true, Ordering::Acquire)
    }

    /// `canlock`: take the lock if it is free.
    pub fn canlock(&self, holder: usize) -> bool {
        if self.tas() {
            return false;
        }
        LOCKSTATS.locks.fetch_add(1, Ordering::Relaxed);
        self.holder.store(holder, Ordering::Relaxed);
        true
    }

    /// `lock`: spin until the lock is ours. `looping` is called with the
    /// current holder every [`LOOPCOUNT`] spins.
    pub fn lock(&self, holder: usize, mut looping: impl FnMut(usize)) {
        LOCKSTATS.locks.fetch_add(1, Ordering::Relaxed);
        if !self.tas() {
            self.holder.store(holder, Ordering::Relaxed);
            return;
        }
        LOCKSTATS.glare.fetch_add(1, Ordering::Relaxed);
        loop {
            LOCKSTATS.inglare.fetch_add(1, Ordering::Relaxed);
            let mut i = 0u64;
            while self.key.load(Ordering::Relaxed) {
                i += 1;
                if i.is_multiple_of(LOOPCOUNT) {
                    looping(self.holder.load(Ordering::Relaxed));
                }
                core::hint::spin_loop();
            }
            if !self.tas() {
                self.holder.store(holder, Ordering::Relaxed);
                return;
            }
        }
    }

    /// `unlock`. Returns false if the lock was not held.
    pub fn unlock(&self) -> bool {
        self.holder.store(0, Ordering::Relaxed);
        self.key.swap(false, Ordering::Release)
    }

    /// Whether the lock is held.
    pub fn islocked(&self) -> bool {
        self.key.load(Ordering::Relaxed)
    }

    /// Who holds it, as given to `lock` (0 when free).
    pub fn holder(&self) -> usize {
        self.holder.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::sync::atomic::AtomicU32;
    use std::thread;

    #[test]
    fn canlock_and_unlock() {
        let l = Lock::new();
        assert!(l.canlock(7));
        assert_eq!(l.holder(), 7);
        assert!(!l.canlock(8), "held");
        assert!(l.unlock());
        assert!(!l.unlock(), "unlock of an unlocked lock is reported");
        assert!(l.canlock(9));
    }

    #[test]
    fn mutual_exclusion() {
        // A non-atomic read-modify-write under the lock from four threads
        // loses no update.
        let l = Lock::new();
        let n = AtomicU32::new(0);
        thread::scope(|s| {
            for t in 1..=4 {
                let (l, n) = (&l, &n);
                s.spawn(move || {
                    for _ in 0..20_000 {
                        l.lock(t, |_| {});
                        let v = n.load(Ordering::Relaxed);
                        n.store(v + 1, Ordering::Relaxed);
                        l.unlock();
                    }
                });
            }
        });
        assert_eq!(n.load(Ordering::Relaxed), 80_000);
        assert!(LOCKSTATS.locks.load(Ordering::Relaxed) >= 80_000);
    }
}
