//! `ilock`/`iunlock`: the kernel's half of 9front's `port/taslock.c`.
//!
//! No 9front file of its own: port/taslock.rs has the lock word and its
//! spinning; this adds what needs the processor. [`ILock`] is a value
//! guarded by a `Lock` taken with interrupts off (`splhi`), as `ilock`
//! does, and the guard restores the interrupt state on drop (`iunlock`'s
//! `splx(l->sr)`), keeping `m->ilockdepth`. It implements
//! `port::portfns::ILock` for portable code. The lock word's
//! test-and-set is an atomic swap with acquire ordering and the release
//! a store with release ordering, so it is correct across processors;
//! `m->ilockdepth` is the processor's own (dat.rs), counted only with
//! interrupts off.

use core::cell::UnsafeCell;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::Ordering;

use port::taslock::Lock;

use crate::l;

/// A value under an interrupt-safe spin lock.
pub struct ILock<T> {
    l: Lock,
    v: UnsafeCell<T>,
}

// SAFETY: the value is reached only through a guard, and a guard exists
// only while the lock is held, with interrupts off: one holder at a time.
unsafe impl<T: Send> Sync for ILock<T> {}
// SAFETY: moving the lock moves the value; no guard can be alive then.
unsafe impl<T: Send> Send for ILock<T> {}

/// Held while an [`ILock`] is: dropping it is `iunlock`.
pub struct IGuard<'a, T> {
    l: &'a ILock<T>,
    sr: bool,
}

impl<T> ILock<T> {
    /// A new, unlocked lock (usable in statics).
    pub const fn new_const(v: T) -> Self {
        ILock {
            l: Lock::new(),
            v: UnsafeCell::new(v),
        }
    }

    /// `ilock`. The holder recorded (9front's `l->pc`) is the caller's
    /// source location, which `lockloop`'s message names.
    #[track_caller]
    pub fn ilock(&self) -> IGuard<'_, T> {
        let sr = l::splhi();
        let me = core::panic::Location::caller();
        self.l.lock(me as *const _ as usize, |h| {
            // SAFETY: holders are only ever Locations recorded above or
            // by canilock, which are 'static.
            let by = unsafe { &*(h as *const core::panic::Location<'static>) };
            iprint!(
                "cpu{}: lock {:#x} loop at {}:{} held by {}:{} up {:#x}\n",
                crate::dat::m().machno,
                self as *const _ as *const u8 as usize,
                me.file(),
                me.line(),
                by.file(),
                by.line(),
                crate::sched::upaddr()
            );
        });
        crate::dat::m().ilockdepth.fetch_add(1, Ordering::Relaxed);
        IGuard { l: self, sr }
    }

    #[allow(dead_code)]
    /// `canlock` with interrupts off: the guard if the lock was free.
    #[track_caller]
    pub fn canilock(&self) -> Option<IGuard<'_, T>> {
        let sr = l::splhi();
        if self
            .l
            .canlock(core::panic::Location::caller() as *const _ as usize)
        {
            crate::dat::m().ilockdepth.fetch_add(1, Ordering::Relaxed);
            Some(IGuard { l: self, sr })
        } else {
            l::splx(sr);
            None
        }
    }
}

impl<T> Drop for IGuard<'_, T> {
    fn drop(&mut self) {
        crate::dat::m().ilockdepth.fetch_sub(1, Ordering::Relaxed);
        self.l.l.unlock();
        l::splx(self.sr);
    }
}

impl<T> Deref for IGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds the lock.
        unsafe { &*self.l.v.get() }
    }
}

impl<T> DerefMut for IGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard holds the lock, and `&mut self` makes this
        // the only reference made through it.
        unsafe { &mut *self.l.v.get() }
    }
}

impl<T: Send> port::portfns::ILock<T> for ILock<T> {
    type Guard<'a>
        = IGuard<'a, T>
    where
        Self: 'a;

    fn new(v: T) -> Self {
        ILock::new_const(v)
    }

    #[track_caller]
    fn ilock(&self) -> IGuard<'_, T> {
        ILock::ilock(self)
    }
}
