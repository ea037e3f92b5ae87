//! Processes and the scheduler: kernel processes, `sched`, `ready`,
//! `sleep`/`wakeup`/`tsleep`, `QLock`, and the `port::portfns::Sched`
//! implementation the portable kernel uses.
//!
//! No 9front file of its own: the machine half of 9front's
//! `port/proc.c` (`schedinit`, `sched`, `procswitch`, `ready`, `runproc`,
//! `hzsched`, `preempted`, `yield`, `sleep`, `wakeup`, `tsleep`,
//! `twakeup`, `kproc`, `linkproc`, `pexit` for a kernel process) and of
//! `port/qlock.c` (`qlock`, `canqlock`, `qunlock`), over the policy and
//! queue algorithms of port/proc.rs and port/qlock.rs. The context switch
//! is l.rs's `labelswitch`.
//!
//! What differs from 9front:
//!
//! - One processor. `m` is a static [`Mach`]; there is no affinity,
//!   wiring, EDF, or `m->readied` cooperative scheduling.
//! - `schedinit` is a loop on the boot stack that runs the chosen process
//!   with `labelswitch(&m->sched, &p->sched)` and, when the process
//!   switches back, requeues, frees or leaves it according to its state:
//!   the same hand-over as 9front's `setlabel`/`gotolabel` pairs, without
//!   a function that returns twice.
//! - `reprioritize` sees a load of 0 (there is no `accounttime` load
//!   average yet), so a process runs at its base priority; the CPU
//!   average is still kept by `updatecpu`.
//! - A process is only a kernel process: a name, a pid, a kernel stack
//!   of KSTACK bytes and a Rust closure; no notes are posted yet, so
//!   `sleep` returns `Err(Eintr)` only if `notepending` is set by hand.
//! - `sched` does not delay for held spin locks (`nlocks` is not kept):
//!   code holding an `ilock` cannot be preempted anyway.

use alloc::boxed::Box;
use alloc::vec;
use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use port::portfns::Sched;
use port::proc::{updatecpu, Procstate, Runq, PRIKPROC};
use port::qlock::{QLockState, Take};
use port::{Error, Result};

use crate::clock;
use crate::l::{self, Label};
use crate::mem::{HZ, KSTACK};
use crate::taslock::ILock;

/// A process (the parts of 9front's `Proc` a kernel process uses).
pub struct Proc {
    pub pid: u32,
    pub text: &'static str,
    pub state: Procstate,
    pub priority: usize,
    pub basepri: usize,
    pub fixedpri: bool,
    pub cpu: u32,
    pub lastupdate: u32,
    pub delaysched: u32,
    pub preempted: bool,
    pub notepending: bool,
    /// The Rendez it sleeps on (`p->r`), as an address.
    pub r: usize,
    /// `p->trend`: the Rendez of a `tsleep` in progress.
    trend: AtomicUsize,
    sched: Label,
    func: Option<Box<dyn FnOnce() + Send>>,
    _kstack: Box<[u64]>,
}

/// The processor (9front's `Mach`, what the scheduler keeps in it).
struct Mach {
    /// `up`.
    up: UnsafeCell<*mut Proc>,
    /// `m->sched`: where `procswitch` returns to `schedinit`.
    sched: UnsafeCell<Label>,
    /// `m->schedticks`: when the running process's quantum ends.
    schedticks: UnsafeCell<u64>,
}

// SAFETY: one processor; the fields are touched only with interrupts off
// (the scheduler and interrupt handlers) or by the running process for
// itself.
unsafe impl Sync for Mach {}

static M: Mach = Mach {
    up: UnsafeCell::new(core::ptr::null_mut()),
    sched: UnsafeCell::new(Label {
        sp: 0,
        pc: 0,
        regs: [0; 6],
    }),
    schedticks: UnsafeCell::new(0),
};

static RUNQ: ILock<Runq<usize>> = ILock::new_const(Runq::new());
static NEXTPID: AtomicU32 = AtomicU32::new(1);
/// Processes alive.
pub static NPROC: AtomicU32 = AtomicU32::new(0);

/// `up`: the running process, or null in the scheduler and at boot.
pub fn up() -> *mut Proc {
    // SAFETY: a word read; `up` changes only in schedinit with interrupts
    // off, and a process always sees itself.
    unsafe { *M.up.get() }
}

/// The address of `up`, 0 if none (for dumpregs).
pub fn upaddr() -> u64 {
    up() as u64
}

/// `up->text` and `up->pid`, if a process runs.
pub fn upinfo() -> Option<(&'static str, u32)> {
    let p = up();
    // SAFETY: a running process's Proc is alive while it runs.
    (!p.is_null()).then(|| unsafe { ((*p).text, (*p).pid) })
}

/// `kproc`: a kernel process named `name` running `f`, made ready.
pub fn kproc(name: &'static str, f: impl FnOnce() + Send + 'static) -> u32 {
    let words = (KSTACK / 8) as usize;
    let mut stack = vec![0u64; words].into_boxed_slice();
    // The top word is the return address of linkproc's frame: 0.
    let top = stack.as_mut_ptr() as u64 + KSTACK;
    let sp = (top & !15) - 8;
    let pid = NEXTPID.fetch_add(1, Ordering::Relaxed);
    let p = Box::new(Proc {
        pid,
        text: name,
        state: Procstate::New,
        priority: PRIKPROC,
        basepri: PRIKPROC,
        fixedpri: false,
        cpu: 0,
        lastupdate: (clock::ticks() as u32).wrapping_mul(port::proc::SCALING),
        delaysched: 0,
        preempted: false,
        notepending: false,
        r: 0,
        trend: AtomicUsize::new(0),
        sched: Label {
            sp,
            pc: linkproc as *const () as u64,
            regs: [0; 6],
        },
        func: Some(Box::new(f)),
        _kstack: stack,
    });
    NPROC.fetch_add(1, Ordering::Relaxed);
    ready(Box::into_raw(p));
    pid
}

/// `linkproc`: where a new kernel process starts, on its own stack.
extern "C" fn linkproc() -> ! {
    l::spllo();
    let p = up();
    // SAFETY: up is this process, alive while it runs.
    let f = unsafe { (*p).func.take() };
    if let Some(f) = f {
        f();
    }
    pexit()
}

/// `pexit` of a kernel process: become Moribund and let the scheduler
/// free it.
pub fn pexit() -> ! {
    l::splhi();
    let p = up();
    // SAFETY: up is this process; after the switch the scheduler frees
    // it and nothing runs on its stack again.
    unsafe {
        (*p).state = Procstate::Moribund;
        procswitch();
    }
    unreachable!("pexit: Moribund process rescheduled")
}

/// `procswitch`: save up's context and return to `schedinit`.
///
/// # Safety
/// Interrupts off; up is a live process.
unsafe fn procswitch() {
    let p = up();
    // SAFETY: as the caller promises: p is alive, and M.sched holds
    // schedinit's context, saved before it switched to p.
    unsafe { l::switchlabel(&mut (*p).sched, M.sched.get()) };
}

fn doupdatecpu(p: *mut Proc, running: bool) {
    // SAFETY: called with interrupts off on a live process.
    unsafe {
        let (c, lu) = updatecpu(
            (*p).cpu,
            (*p).lastupdate,
            clock::ticks() as u32,
            HZ as u32,
            running,
        );
        (*p).cpu = c;
        (*p).lastupdate = lu;
    }
}

/// `ready`: queue `p` at its priority.
pub fn ready(p: *mut Proc) {
    let s = l::splhi();
    // SAFETY: p is a live process not on a run queue, and interrupts are
    // off.
    unsafe {
        let isup = p == up();
        if !port::proc::queueable((*p).state, isup) && (*p).state != Procstate::New {
            iprint!(
                "ready {} {} {}\n",
                (*p).text,
                (*p).pid,
                port::proc::statename((*p).state)
            );
            l::splx(s);
            return;
        }
        let pri = (*p).basepri;
        (*p).state = Procstate::Ready;
        (*p).priority = pri;
        RUNQ.ilock().queueproc(pri, p as usize);
    }
    l::splx(s);
}

/// `schedinit`: the scheduler loop, on the boot stack; never returns.
pub fn schedinit() -> ! {
    l::splhi();
    loop {
        let p = runproc();
        // SAFETY: p came off the run queue, so it is alive and not
        // running; interrupts are off. Its label is its saved context (or
        // linkproc on its fresh stack).
        unsafe {
            (*p).state = Procstate::Running;
            *M.up.get() = p;
            *M.schedticks.get() = clock::ticks() + HZ / 10;
            l::switchlabel(M.sched.get(), &(*p).sched);
            // p switched back.
            doupdatecpu(p, true);
            *M.up.get() = core::ptr::null_mut();
            match (*p).state {
                Procstate::Running => {
                    (*p).state = Procstate::Scheding;
                    ready(p);
                }
                Procstate::Moribund => {
                    (*p).state = Procstate::Dead;
                    NPROC.fetch_sub(1, Ordering::Relaxed);
                    drop(Box::from_raw(p));
                }
                _ => {}
            }
        }
    }
}

/// `runproc`: the next process to run, idling until there is one.
fn runproc() -> *mut Proc {
    loop {
        if let Some((_, p)) = RUNQ.ilock().runproc() {
            return p as *mut Proc;
        }
        l::idlehlt();
    }
}

/// `sched`: give up the processor; the process stays ready if it is
/// Running.
pub fn sched() {
    let p = up();
    if p.is_null() {
        return;
    }
    let s = l::splhi();
    // SAFETY: p is the running process; interrupts are off.
    unsafe {
        (*p).delaysched = 0;
        procswitch();
    }
    l::splx(s);
}

/// `yield`: let other ready processes run.
pub fn yield_() {
    if RUNQ.ilock().anyready() != 0 {
        sched();
    }
}

/// `hzsched`: at each tick, see whether the running process's quantum is
/// over or a higher priority process waits.
pub fn hzsched() {
    let p = up();
    if p.is_null() {
        return;
    }
    let rq = RUNQ.ilock();
    // SAFETY: called from the clock interrupt, interrupts off; p runs.
    unsafe {
        if rq.anyhigher((*p).priority)
            || (!(*p).fixedpri && clock::ticks() > *M.schedticks.get() && rq.anyready() != 0)
        {
            (*p).delaysched += 1;
        }
    }
}

/// `preempted`: at the end of an interrupt, switch if the clock said so
/// or a higher priority process became ready.
pub fn preempted(clockintr: bool) {
    let p = up();
    if p.is_null() {
        return;
    }
    // SAFETY: interrupts off; p is the interrupted running process.
    unsafe {
        if (*p).state != Procstate::Running {
            return;
        }
        if !clockintr {
            if (*p).preempted || !RUNQ.ilock().anyhigher((*p).priority) {
                return;
            }
            (*p).preempted = true;
            sched();
            (*p).preempted = false;
        } else if (*p).delaysched > 0 {
            sched();
        }
    }
}

/// A rendezvous point: the process sleeping on it, if any.
#[derive(Default)]
pub struct Rendez {
    p: ILock<usize>,
}

impl Default for ILock<usize> {
    fn default() -> Self {
        ILock::new_const(0)
    }
}

/// `sleep`: sleep on `r` until `cond()` and a `wakeup(r)`.
pub fn sleep(r: &Rendez, cond: &mut dyn FnMut() -> bool) -> Result<()> {
    let p = up();
    assert!(!p.is_null(), "sleep: no process");
    let s = l::splhi();
    // SAFETY: p is the running process; interrupts are off from here to
    // the switch, so no wakeup can come between the test and the sleep
    // except through r's lock.
    let note = unsafe {
        let mut g = r.p.ilock();
        if *g != 0 {
            print!("double sleep {} {}\n", *g, (*p).pid);
        }
        if cond() || (*p).notepending {
            drop(g);
        } else {
            (*p).state = Procstate::Wakeme;
            (*p).r = r as *const Rendez as usize;
            *g = p as usize;
            drop(g);
            procswitch();
        }
        core::mem::replace(&mut (*p).notepending, false)
    };
    l::splx(s);
    if note {
        return Err(Error::Eintr);
    }
    Ok(())
}

/// `wakeup`: ready the process sleeping on `r`; whether there was one.
pub fn wakeup(r: &Rendez) -> bool {
    let s = l::splhi();
    let mut g = r.p.ilock();
    let p = core::mem::replace(&mut *g, 0) as *mut Proc;
    if !p.is_null() {
        // SAFETY: a process sleeping on r is alive and asleep until
        // readied, and r's lock keeps it so.
        unsafe {
            if (*p).state != Procstate::Wakeme || (*p).r != r as *const Rendez as usize {
                panic!("wakeup: state");
            }
            (*p).r = 0;
        }
        ready(p);
    }
    drop(g);
    l::splx(s);
    !p.is_null()
}

fn twakeup(a: usize) {
    let p = a as *mut Proc;
    // SAFETY: the timer is freed by tsleep before the process can exit,
    // so p is alive; trend, if set, names a Rendez the sleeper keeps.
    unsafe {
        let t = (*p).trend.swap(0, Ordering::SeqCst);
        if t != 0 {
            wakeup(&*(t as *const Rendez));
        }
    }
}

/// `tsleep`: `sleep`, for at most `ms` milliseconds.
pub fn tsleep(r: &Rendez, cond: &mut dyn FnMut() -> bool, ms: u64) -> Result<()> {
    let p = up();
    assert!(!p.is_null(), "tsleep: no process");
    // SAFETY: p is the running process, alive throughout.
    let trend = unsafe { &(*p).trend };
    trend.store(r as *const Rendez as usize, Ordering::SeqCst);
    let id = clock::timeralloc((ms * 1_000_000) as i64, twakeup, p as usize);
    clock::timeradd(id);
    let res = sleep(r, &mut || trend.load(Ordering::SeqCst) == 0 || cond());
    trend.store(0, Ordering::SeqCst);
    clock::timerfree(id);
    res
}

/// A queueing lock (`QLock`).
pub struct QLock {
    q: ILock<QLockState<usize>>,
}

impl Default for QLock {
    fn default() -> Self {
        QLock {
            q: ILock::new_const(QLockState::new()),
        }
    }
}

/// Held while a [`QLock`] is; dropping it is `qunlock`.
pub struct QGuard<'a>(&'a QLock);

impl QLock {
    /// `qlock`.
    pub fn qlock(&self) -> QGuard<'_> {
        let p = up();
        let s = l::splhi();
        let mut g = self.q.ilock();
        if g.qlock(p as usize) == Take::Wait {
            assert!(!p.is_null(), "qlock: contended with no process");
            // SAFETY: p runs; interrupts stay off until the switch, and
            // qunlock hands the lock over before readying p.
            unsafe {
                (*p).state = Procstate::Queueing;
                drop(g);
                procswitch();
            }
        } else {
            drop(g);
        }
        l::splx(s);
        QGuard(self)
    }

    /// `canqlock`.
    #[allow(dead_code)]
    pub fn canqlock(&self) -> Option<QGuard<'_>> {
        // The guard is made only on success: dropping one is qunlock.
        let got = self.q.ilock().canqlock();
        if got {
            Some(QGuard(self))
        } else {
            None
        }
    }
}

impl Drop for QGuard<'_> {
    fn drop(&mut self) {
        let next = self.0.q.ilock().qunlock();
        if let Some(p) = next {
            ready(p as *mut Proc);
        }
    }
}

impl port::portfns::QLock for QLock {
    type Guard<'a>
        = QGuard<'a>
    where
        Self: 'a;

    fn qlock(&self) -> QGuard<'_> {
        QLock::qlock(self)
    }

    fn eqlock(&self) -> Result<QGuard<'_>> {
        Ok(QLock::qlock(self))
    }
}

/// The kernel's scheduler, for the portable kernel.
pub enum Kernel {}

impl Sched for Kernel {
    type Lock<T: Send> = ILock<T>;
    type QLock = QLock;
    type Rendez = Rendez;

    fn sleep(r: &Rendez, cond: &mut dyn FnMut() -> bool) -> Result<()> {
        sleep(r, cond)
    }

    fn wakeup(r: &Rendez) -> bool {
        wakeup(r)
    }

    fn exiting() -> bool {
        false
    }
}
