//! The scheduler and lock primitives that 9front's `port/portfns.h` declares
//! (`ilock`/`iunlock`, `sleep`/`wakeup`, `qlock`/`eqlock`/`qunlock`) and that
//! `proc.c`, `taslock.c` and `qlock.c` implement, as a trait.
//!
//! In 9front these are plain functions over the global `up` (the current
//! process) and `m` (the current processor). planten's portable code is
//! host-testable and never names the architecture, so it reaches them through
//! [`Sched`]: the `pc64` kernel implements it with spin locks that raise the
//! processor priority and with its process table; [`host`] implements it with
//! std's `Mutex` and `Condvar` so that `cargo test` runs queues on real
//! threads.
//!
//! What differs from 9front:
//!
//! - `Lock`, `QLock` and `Rendez` are associated types of [`Sched`] rather
//!   than structs of `portdat.h`; locks hand out guards, and dropping a guard
//!   is `iunlock`/`qunlock` (restoring the interrupt level in the kernel).
//! - `sleep(r, f, arg)` takes a closure for `f(arg)` and returns
//!   `Err(Error::Eintr)` where 9front's `sleep` calls `interrupted()`, which
//!   raises `Eintr` with `error()`.
//! - `wakeup` returns whether a process was woken rather than the `Proc*`.
//! - [`Sched::exiting`] stands for the test of `up->procctl` against
//!   `Proc_exitme`/`Proc_exitbig` that `qio.c`'s `qbloated` makes.

use core::ops::DerefMut;

use crate::Result;

/// An interrupt-safe spin lock around a `T` (`Lock` with `ilock`/`iunlock`).
///
/// The kernel's guard raises the processor priority (`splhi`) while held and
/// restores it on drop, so the lock can be taken from interrupt handlers.
pub trait ILock<T>: Send + Sync {
    /// Held while the lock is held; dropping it is `iunlock`.
    type Guard<'a>: DerefMut<Target = T>
    where
        Self: 'a;

    /// A new, unlocked lock around `v`.
    fn new(v: T) -> Self;

    /// `ilock`: spin until the lock is ours, with interrupts off.
    fn ilock(&self) -> Self::Guard<'_>;
}

/// A sleeping lock for processes (`QLock`).
pub trait QLock: Default + Send + Sync {
    /// Held while the lock is held; dropping it is `qunlock`.
    type Guard<'a>
    where
        Self: 'a;

    /// `qlock`: wait, uninterruptibly, until the lock is ours.
    fn qlock(&self) -> Self::Guard<'_>;

    /// `eqlock`: as `qlock`, but a note posted while waiting (or pending
    /// when the lock is contended) gives `Err(Error::Eintr)`.
    fn eqlock(&self) -> Result<Self::Guard<'_>>;
}

/// What portable kernel code needs from the scheduler.
///
/// The functions act on the current process, 9front's `up`, as 9front's do;
/// that is why they take no `self`.
pub trait Sched: 'static {
    /// An interrupt-safe spin lock.
    type Lock<T: Send>: ILock<T>;
    /// A sleeping lock.
    type QLock: QLock;
    /// A rendezvous point. As in 9front, at most one process sleeps on a
    /// `Rendez` at a time; callers serialise sleepers with a [`QLock`].
    type Rendez: Default + Send + Sync;

    /// `sleep(r, f, arg)`: put the current process to sleep on `r` until
    /// `cond()` holds and `wakeup(r)` is called.
    ///
    /// `cond` is evaluated with `r` locked, so a `wakeup` after the state
    /// that `cond` reads has changed is never lost. As 9front's, `sleep` may
    /// return before `cond` holds (callers loop), and a note pending on entry
    /// or posted while asleep makes it return `Err(Error::Eintr)`, clearing
    /// the note's pending flag.
    fn sleep(r: &Self::Rendez, cond: &mut dyn FnMut() -> bool) -> Result<()>;

    /// `wakeup(r)`: make the process sleeping on `r`, if any, ready to run.
    /// Returns whether there was one.
    fn wakeup(r: &Self::Rendez) -> bool;

    /// Whether the current process is being killed (`up->procctl` is
    /// `Proc_exitme` or `Proc_exitbig`), for code that otherwise waits
    /// through notes.
    fn exiting() -> bool;
}

/// The host implementation of [`Sched`]: every std thread is a process.
///
/// A thread's process ([`up`]) can be handed to another thread, which may
/// post it a note ([`Proc::postnote`]) to interrupt a sleep, or mark it as
/// being killed ([`Proc::set_exiting`]).
#[cfg(any(test, feature = "std"))]
pub mod host {
    extern crate std;

    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Condvar, Mutex, MutexGuard};

    use super::{ILock, QLock, Sched};
    use crate::{Error, Result};

    /// The scheduler of host tests.
    #[derive(Debug)]
    pub enum Host {}

    fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
        m.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A process: the state of one thread that `sleep` and notes use.
    #[derive(Clone, Debug)]
    pub struct Proc(Arc<ProcInner>);

    #[derive(Debug, Default)]
    struct ProcInner {
        notepending: AtomicBool,
        exiting: AtomicBool,
        /// The rendezvous this process sleeps on (`up->r`).
        r: Mutex<Option<Arc<RendezInner>>>,
    }

    std::thread_local! {
        static UP: Proc = Proc(Arc::new(ProcInner::default()));
    }

    /// The calling thread's process, 9front's `up`.
    pub fn up() -> Proc {
        UP.with(|p| p.clone())
    }

    impl Proc {
        /// Post a note: a sleep in progress returns `Err(Error::Eintr)`, and
        /// so does the next one if none is.
        pub fn postnote(&self) {
            self.0.notepending.store(true, Ordering::SeqCst);
            let r = lock(&self.0.r).clone();
            if let Some(r) = r {
                let _g = lock(&r.m);
                r.cv.notify_all();
            }
        }

        /// Whether a note is pending.
        pub fn notepending(&self) -> bool {
            self.0.notepending.load(Ordering::SeqCst)
        }

        /// Clear the pending note, if any, as taking the note does;
        /// returns whether there was one.
        pub fn takenote(&self) -> bool {
            self.0.notepending.swap(false, Ordering::SeqCst)
        }

        /// Mark the process as being killed, as `up->procctl = Proc_exitme`
        /// does, and interrupt it.
        pub fn set_exiting(&self) {
            self.0.exiting.store(true, Ordering::SeqCst);
            self.postnote();
        }
    }

    #[derive(Debug, Default)]
    struct RendezInner {
        /// How many threads sleep here.
        m: Mutex<usize>,
        cv: Condvar,
    }

    /// A rendezvous point. The host allows several sleepers; the kernel's
    /// does not, and portable code must not rely on it.
    #[derive(Debug, Default)]
    pub struct Rendez(Arc<RendezInner>);

    /// An `ilock` of the host: a std mutex.
    #[derive(Debug)]
    pub struct Lock<T>(Mutex<T>);

    impl<T: Send> ILock<T> for Lock<T> {
        type Guard<'a>
            = MutexGuard<'a, T>
        where
            Self: 'a;

        fn new(v: T) -> Self {
            Lock(Mutex::new(v))
        }

        fn ilock(&self) -> MutexGuard<'_, T> {
            lock(&self.0)
        }
    }

    /// A `QLock` of the host.
    #[derive(Debug, Default)]
    pub struct HostQLock {
        locked: AtomicBool,
        r: Rendez,
    }

    /// Held while a [`HostQLock`] is held.
    #[derive(Debug)]
    pub struct QGuard<'a>(&'a HostQLock);

    impl Drop for QGuard<'_> {
        fn drop(&mut self) {
            self.0.locked.store(false, Ordering::SeqCst);
            let _g = lock(&self.0.r.0.m);
            self.0.r.0.cv.notify_all();
        }
    }

    impl HostQLock {
        fn cantake(&self) -> bool {
            self.locked
                .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
        }
    }

    impl QLock for HostQLock {
        type Guard<'a>
            = QGuard<'a>
        where
            Self: 'a;

        fn qlock(&self) -> QGuard<'_> {
            loop {
                if self.cantake() {
                    return QGuard(self);
                }
                let mut g = lock(&self.r.0.m);
                while self.locked.load(Ordering::SeqCst) {
                    g = self.r.0.cv.wait(g).unwrap_or_else(|e| e.into_inner());
                }
            }
        }

        fn eqlock(&self) -> Result<QGuard<'_>> {
            loop {
                if self.cantake() {
                    return Ok(QGuard(self));
                }
                let up = up();
                if up.0.notepending.swap(false, Ordering::SeqCst) {
                    return Err(Error::Eintr);
                }
                Host::sleep(&self.r, &mut || !self.locked.load(Ordering::SeqCst))?;
            }
        }
    }

    impl Sched for Host {
        type Lock<T: Send> = Lock<T>;
        type QLock = HostQLock;
        type Rendez = Rendez;

        fn sleep(r: &Rendez, cond: &mut dyn FnMut() -> bool) -> Result<()> {
            let up = up();
            *lock(&up.0.r) = Some(r.0.clone());
            {
                let mut g = lock(&r.0.m);
                *g += 1;
                while !up.notepending() && !cond() {
                    g = r.0.cv.wait(g).unwrap_or_else(|e| e.into_inner());
                }
                *g -= 1;
            }
            *lock(&up.0.r) = None;
            if up.0.notepending.swap(false, Ordering::SeqCst) {
                return Err(Error::Eintr);
            }
            Ok(())
        }

        fn wakeup(r: &Rendez) -> bool {
            let g = lock(&r.0.m);
            r.0.cv.notify_all();
            *g > 0
        }

        fn exiting() -> bool {
            up().0.exiting.load(Ordering::SeqCst)
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use std::sync::mpsc;
        use std::thread;
        use std::time::Duration;

        #[test]
        fn pending_note_interrupts_sleep() {
            // proc.c's sleep: a note pending on entry makes sleep raise
            // Eintr even when the condition already holds, and clears it.
            let r = Rendez::default();
            up().postnote();
            assert_eq!(Host::sleep(&r, &mut || true), Err(Error::Eintr));
            assert!(!up().notepending());
            assert_eq!(Host::sleep(&r, &mut || true), Ok(()));
        }

        #[test]
        fn note_wakes_sleeper() {
            // postnote interrupts a process asleep on a Rendez.
            let r = Arc::new(Rendez::default());
            let (tx, rx) = mpsc::channel();
            let r2 = r.clone();
            let t = thread::spawn(move || {
                tx.send(up()).unwrap();
                Host::sleep(&r2, &mut || false)
            });
            let p = rx.recv().unwrap();
            thread::sleep(Duration::from_millis(50));
            p.postnote();
            assert_eq!(t.join().unwrap(), Err(Error::Eintr));
            assert!(!Host::wakeup(&r));
        }

        #[test]
        fn eqlock_contended_note() {
            // qlock.c's eqlock: an uncontended lock is taken even with a
            // note pending; a contended one raises Eintr.
            let q = HostQLock::default();
            up().postnote();
            let g = q.eqlock().expect("uncontended eqlock succeeds");
            let r = thread::scope(|s| {
                s.spawn(|| {
                    up().postnote();
                    q.eqlock().map(|_| ())
                })
                .join()
                .unwrap()
            });
            assert_eq!(r, Err(Error::Eintr));
            drop(g);
            assert!(q.eqlock().is_ok());
            assert!(up().takenote(), "eqlock left the note pending");
        }
    }
}
