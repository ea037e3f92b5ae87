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
//! - One run queue for all processors, under one ilock, with no
//!   affinity, wiring, EDF or `m->readied`; any idle processor takes the
//!   next ready process. An idle processor halts (9front's `idlehands`
//!   halts only with one processor and otherwise spins or mwaits): a
//!   processor marks itself idle before it last looks at the run queue,
//!   and `ready` sends a wake-up IPI (apic.rs) to an idle processor after
//!   queueing, so no wake-up is lost.
//! - `schedinit` is a loop on each processor's scheduler stack that runs
//!   the chosen process with `labelswitch(&m->sched, &p->sched)` and,
//!   when the process switches back, requeues, frees or leaves it
//!   according to its state: the same hand-over as 9front's
//!   `setlabel`/`gotolabel` pairs, without a function that returns twice.
//!   As 9front's `p->mach`, [`Proc`]'s `mach` says a processor is still
//!   on the process's stack: it is cleared only after the switch back,
//!   and a processor that takes the process off the run queue before
//!   then waits for it (9front's `dequeueproc` skips such a process).
//! - `accounttime` keeps only the load average (on processor 0, from
//!   every processor's count of ticks with a process running), not the
//!   per-processor duty cycles or `p->time`; `ready` reprioritizes by it
//!   and `rebalance` runs once a second from any processor's `runproc`.
//! - A process is a kernel process: a name, a pid, a kernel stack of
//!   KSTACK bytes and a Rust closure, which may build an address space
//!   and enter ring 3 (ktest.rs's `userproc`, l.rs's `touser`). Notes
//!   are posted only by its own traps (trap.rs) and do not interrupt a
//!   sleep: `sleep` returns `Err(Eintr)` only if `notepending` is set by
//!   hand. A user process exits through [`pexitmsg`], which frees its
//!   segments and leaves its status for [`pwait`] (a stand-in for the
//!   parent's wait queue and Waitmsg). The closure's box is not freed
//!   when a process leaves for ring 3 (it never returns).
//! - `sched` does not delay for held spin locks (`nlocks` is not kept):
//!   code holding an `ilock` cannot be preempted anyway.
//! - The `RWlock` of qlock.c (`rlock`, `runlock`, `wlock`, `wunlock`,
//!   `canrlock`) is here, over port::qlock's `RWlockState`, with guards.

use alloc::boxed::Box;
use alloc::vec;
use core::sync::atomic::{fence, AtomicU32, AtomicU64, AtomicUsize, Ordering};

use port::portfns::Sched;
use port::proc::{updatecpu, Procstate, Runq, PRIKPROC};
use port::qlock::{QLockState, RWlockState, RWwake, Take};
use port::{Error, Result};

use crate::clock;
use crate::dat::{self, m};
use crate::l::{self, Label};
use crate::mem::{HZ, KSTACK, MAXMACH};
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
    /// `p->procctl == Proc_exitme`: killed through /proc/n/ctl.
    pub killed: bool,
    /// The Rendez it sleeps on (`p->r`), as an address.
    pub r: usize,
    /// `p->mach`: 1 + the number of the processor on its stack, or 0.
    mach: AtomicUsize,
    /// `p->trend`: the Rendez of a `tsleep` in progress.
    trend: AtomicUsize,
    /// The address space (mmu.rs), if the process has one.
    pub pmap: Option<Box<crate::mmu::Pmap>>,
    /// The segments (`p->seg`), in mmu.rs's arena.
    pub segtab: Option<port::segment::Segtab>,
    /// `p->newtlb`: flush the user mappings before running again (a
    /// segment it shares gave pages back: uproc.rs's `procflushseg`).
    pub newtlb: core::sync::atomic::AtomicBool,
    /// The FPU state (fpu.rs).
    pub fpsave: crate::fpu::FPsave,
    /// Pending notes (`p->note`, `p->nnote`...), posted by traps in
    /// user mode and taken by trap.rs's `notify`.
    pub notes: ILock<port::proc::Notes>,
    /// `p->rlock`: held while `r` and `notepending` change, so that
    /// `postnote` from another process can wake a sleeper safely.
    rlock: ILock<()>,
    /// The top of the kernel stack: where traps and system calls from
    /// ring 3 start (`m->tss->rsp0`).
    pub kstacktop: u64,
    /// The user half (uproc.rs): name space, files, wait queue...; None
    /// for a kernel process.
    pub user: Option<Box<crate::uproc::User>>,
    sched: Label,
    func: Option<Box<dyn FnOnce() + Send>>,
    _kstack: Box<[u64]>,
}

static RUNQ: ILock<Runq<usize>> = ILock::new_const(Runq::new());
/// Every process by pid (9front's `procalloc` table): the Proc's
/// address. A process leaves it before it is freed, so holding the lock
/// keeps every Proc in it alive.
pub static PROCS: ILock<alloc::collections::BTreeMap<u32, usize>> =
    ILock::new_const(alloc::collections::BTreeMap::new());
static NEXTPID: AtomicU32 = AtomicU32::new(1);
/// Processes alive.
pub static NPROC: AtomicU32 = AtomicU32::new(0);
/// Processors halted in `runproc`, one bit each.
static IDLE: [AtomicU64; MAXMACH / 64] = [const { AtomicU64::new(0) }; MAXMACH / 64];
/// `accounttime`'s decaying load sum (the load in thousandths × 100).
static LOADSUM: AtomicU64 = AtomicU64::new(0);
/// `MACHP(0)->load`: the load average in thousandths.
pub static LOAD: AtomicU32 = AtomicU32::new(0);
/// Ticks at which some processor was running a process, since
/// processor 0 last looked (accounttime's `nrun`).
static NRUN: AtomicU64 = AtomicU64::new(0);
/// `balancetime`: the tick of the last `rebalance`.
static BALANCETIME: AtomicU64 = AtomicU64::new(0);
/// Context switches, all processors.
pub static NSWITCH: AtomicU64 = AtomicU64::new(0);

/// `up`: the running process, or null in the scheduler and at boot.
pub fn up() -> *mut Proc {
    dat::up()
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
    kprocpri(name, PRIKPROC, f)
}

/// `kproc` at base priority `pri` (as 9front's `procpriority` after
/// `kproc`).
pub fn kprocpri(name: &'static str, pri: usize, f: impl FnOnce() + Send + 'static) -> u32 {
    newproc(name, pri, None, None, f)
}

/// `newproc`: a process named `name` at base priority `pri` that runs
/// `f` on a fresh kernel stack, with the user half `user` and the FPU
/// state `fp` (fpinit's if None), made ready; its pid.
pub fn newproc(
    name: &'static str,
    pri: usize,
    user: Option<Box<crate::uproc::User>>,
    fp: Option<&crate::fpu::FPsave>,
    f: impl FnOnce() + Send + 'static,
) -> u32 {
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
        priority: pri,
        basepri: pri,
        fixedpri: false,
        cpu: 0,
        lastupdate: (clock::ticks() as u32).wrapping_mul(port::proc::SCALING),
        delaysched: 0,
        preempted: false,
        notepending: false,
        killed: false,
        r: 0,
        mach: AtomicUsize::new(0),
        trend: AtomicUsize::new(0),
        pmap: None,
        segtab: None,
        newtlb: core::sync::atomic::AtomicBool::new(false),
        fpsave: fp.cloned().unwrap_or_else(crate::fpu::FPsave::new),
        notes: ILock::new_const(port::proc::Notes::new()),
        rlock: ILock::new_const(()),
        kstacktop: top & !15,
        user,
        sched: Label {
            sp,
            pc: linkproc as *const () as u64,
            regs: [0; 6],
        },
        func: Some(Box::new(f)),
        _kstack: stack,
    });
    NPROC.fetch_add(1, Ordering::Relaxed);
    let p = Box::into_raw(p);
    if let Some(u) = unsafe_user(p) {
        u.up.pid = pid;
        if u.up.noteid == 0 {
            u.up.noteid = pid;
        }
    }
    PROCS.ilock().insert(pid, p as usize);
    ready(p);
    pid
}

/// The user half of a process not yet running.
fn unsafe_user(p: *mut Proc) -> Option<&'static mut crate::uproc::User> {
    // SAFETY: called by newproc on a process no one else can see yet.
    unsafe { (*p).user.as_deref_mut() }
}

/// `linkproc`: where a new kernel process starts, on its own stack.
extern "C" fn linkproc() -> ! {
    let p = up();
    // A new process's FPU state is fpuprocsetup's (fpinit's), not what
    // the processor last ran.
    // SAFETY: up is this process, alive while it runs.
    unsafe { crate::fpu::fpuprocrestore(&mut *p) };
    l::spllo();
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

/// Exit statuses of user processes not yet collected: (pid, status).
static WAITS: ILock<alloc::vec::Vec<(u32, alloc::string::String)>> =
    ILock::new_const(alloc::vec::Vec::new());
/// Where [`pwait`] sleeps.
static WAITR: Rendez = Rendez::new_const();

/// `pexit(exitstr)` for a process with a user address space: give back
/// its segments and page tables, leave `exitstr` for [`pwait`] (9front
/// leaves a Waitmsg on the parent's wait queue), and exit.
pub fn pexitmsg(exitstr: &str) -> ! {
    let p = up();
    // SAFETY: p is the running process; its segments and address space
    // are its own. The kernel's page tables are loaded before the pages
    // go back to the pool.
    let (pid, tab) = unsafe {
        let s = l::splhi();
        (*p).pmap = None;
        crate::mmu::mmuswitch(&*p);
        l::splx(s);
        ((*p).pid, (*p).segtab.take())
    };
    if let Some(t) = tab {
        let mut segs = crate::mmu::SEGS.ilock();
        crate::mmu::palloc().with(|pa| {
            for id in t.iter().flatten() {
                segs.putseg(pa, *id);
            }
        });
        drop(segs);
        crate::mmu::palloc().kick();
    }
    WAITS.ilock().push((pid, alloc::string::String::from(exitstr)));
    wakeup(&WAITR);
    pexit()
}

/// Wait for user process `pid` to exit (`pwait`, for one child) and
/// return its exit status; `None` after `secs` seconds.
pub fn pwait(pid: u32, secs: u64) -> Option<alloc::string::String> {
    let t0 = clock::ticks();
    loop {
        let found = {
            let mut w = WAITS.ilock();
            w.iter()
                .position(|e| e.0 == pid)
                .map(|i| w.swap_remove(i).1)
        };
        if found.is_some() || clock::ticks() - t0 > secs * HZ {
            return found;
        }
        let _ = tsleep(
            &WAITR,
            &mut || WAITS.ilock().iter().any(|e| e.0 == pid),
            100,
        );
    }
}

/// `procswitch`: save up's context and return to this processor's
/// `schedinit`.
///
/// # Safety
/// Interrupts off; up is a live process.
unsafe fn procswitch() {
    let p = up();
    let mm = m();
    if mm.ilockdepth.load(Ordering::Relaxed) != 0 {
        panic!(
            "cpu{}: ilockdepth {}",
            mm.machno,
            mm.ilockdepth.load(Ordering::Relaxed)
        );
    }
    // SAFETY: as the caller promises: p is alive, and m->sched holds
    // schedinit's context, saved before it switched to p. Interrupts are
    // off, so this processor stays the one whose m->sched this is.
    unsafe {
        crate::fpu::fpuprocsave(&mut *p);
        l::switchlabel(&mut (*p).sched, mm.sched.get());
        crate::fpu::fpuprocrestore(&mut *p);
    }
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

/// `ready`: queue `p` at its priority, and wake an idle processor.
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
        let pri = reprioritize(p);
        (*p).state = Procstate::Ready;
        (*p).priority = pri;
        RUNQ.ilock().queueproc(pri, p as usize);
    }
    wakeidle();
    l::splx(s);
}

/// `reprioritize`: the priority `p` has earned by its CPU use under the
/// present load (its base priority if fixed or with no load).
///
/// # Safety
/// Interrupts off; `p` is alive and not running elsewhere.
unsafe fn reprioritize(p: *mut Proc) -> usize {
    doupdatecpu(p, false);
    // SAFETY: as the caller promises.
    unsafe {
        if (*p).fixedpri {
            return (*p).basepri;
        }
        port::proc::reprioritize(
            (*p).cpu,
            (*p).basepri,
            LOAD.load(Ordering::Relaxed),
            dat::nmach() as u32,
        )
    }
}

/// `accounttime`, at every tick on every processor: count a tick with a
/// process running; processor 0 brings the load average up to date.
pub fn accounttime() {
    if !up().is_null() {
        NRUN.fetch_add(1, Ordering::Relaxed);
    }
    if m().machno != 0 {
        return;
    }
    crate::uproc::checkalarms();
    let nrun = NRUN.swap(0, Ordering::Relaxed);
    let nrdy = RUNQ.ilock().nrdy() as u64;
    let l = port::proc::loadavg(LOADSUM.load(Ordering::Relaxed), nrun, nrdy, HZ);
    LOADSUM.store(l, Ordering::Relaxed);
    LOAD.store((l / 100) as u32, Ordering::Relaxed);
}

/// `rebalance`: once a second, move the first process of each queue that
/// is not at its base priority to the priority it has earned now.
fn rebalance() {
    let t = clock::ticks();
    let last = BALANCETIME.load(Ordering::Relaxed);
    if t.wrapping_sub(last) < HZ
        || BALANCETIME
            .compare_exchange(last, t, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
    {
        return;
    }
    let mut rq = RUNQ.ilock();
    for pri in 0..port::proc::NPRIQ {
        while let Some(&h) = rq.head(pri) {
            let p = h as *mut Proc;
            // SAFETY: a process on the run queue is alive and not running;
            // the run queue's lock is held, interrupts off.
            let npri = unsafe {
                if pri == (*p).basepri {
                    break;
                }
                reprioritize(p)
            };
            // SAFETY: as above.
            if !port::proc::rebalances(pri, unsafe { (*p).basepri }, npri)
                || !rq.dequeueproc(pri, &h)
            {
                break;
            }
            // SAFETY: as above.
            unsafe { (*p).priority = npri };
            rq.queueproc(npri, h);
        }
    }
}

/// Send a wake-up to one idle processor other than this one, if any.
/// Called after queueing; pairs with the idle marking in `runproc`.
fn wakeidle() {
    fence(Ordering::SeqCst);
    let me = m().machno;
    for (w, word) in IDLE.iter().enumerate() {
        let mut bits = word.load(Ordering::SeqCst);
        if w == me / 64 {
            bits &= !(1u64 << (me % 64));
        }
        if bits != 0 {
            let i = w * 64 + bits.trailing_zeros() as usize;
            if let Some(mp) = dat::machp(i) {
                crate::apic::lapicwake(mp.apicno.load(Ordering::Relaxed));
            }
            return;
        }
    }
}

/// `schedinit`: the scheduler loop, on this processor's scheduler
/// stack; never returns.
pub fn schedinit() -> ! {
    l::splhi();
    let mm = m();
    mm.online.store(true, Ordering::Release);
    loop {
        let p = runproc();
        // SAFETY: p came off the run queue and no processor is on its
        // stack (runproc waited for mach to clear), so it is alive and
        // not running; interrupts are off. Its label is its saved context
        // (or linkproc on its fresh stack).
        unsafe {
            (*p).mach.store(mm.machno + 1, Ordering::Relaxed);
            (*p).state = Procstate::Running;
            mm.up.store(p, Ordering::Relaxed);
            mm.schedticks.store(
                mm.ticks.load(Ordering::Relaxed) + HZ / 10,
                Ordering::Relaxed,
            );
            if (*p).newtlb.swap(false, Ordering::AcqRel) {
                if let Some(pm) = (*p).pmap.as_mut() {
                    pm.flush();
                }
            }
            crate::mmu::mmuswitch(&*p);
            dat::setkstack((*p).kstacktop);
            NSWITCH.fetch_add(1, Ordering::Relaxed);
            l::switchlabel(mm.sched.get(), &(*p).sched);
            // p switched back. Leave its address space: another
            // processor may change or free its page tables from now on,
            // and this one must not keep them in CR3 (or their entries in
            // its TLB) while idle or for p's next turn here.
            crate::mmu::mmukernel();
            doupdatecpu(p, true);
            mm.up.store(core::ptr::null_mut(), Ordering::Relaxed);
            match (*p).state {
                Procstate::Running => {
                    (*p).state = Procstate::Scheding;
                    ready(p);
                }
                Procstate::Moribund => {
                    PROCS.ilock().remove(&(*p).pid);
                    (*p).state = Procstate::Dead;
                    NPROC.fetch_sub(1, Ordering::Relaxed);
                    crate::mmu::mmurelease(&mut *p);
                    drop(Box::from_raw(p));
                    continue;
                }
                _ => {}
            }
            // Its context is saved: another processor may run it now.
            (*p).mach.store(0, Ordering::Release);
        }
    }
}

/// `runproc`: the next process to run, idling until there is one.
fn runproc() -> *mut Proc {
    let me = m().machno;
    let (w, bit) = (me / 64, 1u64 << (me % 64));
    loop {
        rebalance();
        let next = RUNQ.ilock().runproc();
        if let Some((_, p)) = next {
            let p = p as *mut Proc;
            // SAFETY: p is alive (it was on the run queue); only its
            // mach word is read, atomically.
            let mach = unsafe { &(*p).mach };
            while mach.load(Ordering::Acquire) != 0 {
                core::hint::spin_loop();
            }
            return p;
        }
        IDLE[w].fetch_or(bit, Ordering::SeqCst);
        fence(Ordering::SeqCst);
        if RUNQ.ilock().anyready() == 0 {
            l::idlehlt();
        }
        IDLE[w].fetch_and(!bit, Ordering::SeqCst);
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
    let mm = m();
    let rq = RUNQ.ilock();
    // SAFETY: called from the clock interrupt, interrupts off; p runs.
    unsafe {
        if rq.anyhigher((*p).priority)
            || (!(*p).fixedpri
                && mm.ticks.load(Ordering::Relaxed) > mm.schedticks.load(Ordering::Relaxed)
                && rq.anyready() != 0)
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

impl Rendez {
    /// A Rendez no one sleeps on (usable in statics).
    pub const fn new_const() -> Self {
        Rendez {
            p: ILock::new_const(0),
        }
    }
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
    // except through r's lock; a wakeup on another processor after the
    // lock is dropped readies p, but no processor runs it before this
    // one has saved its context (the mach word).
    let note = unsafe {
        let mut g = r.p.ilock();
        if *g != 0 {
            print!("double sleep {} {}\n", *g, (*p).pid);
        }
        let rl = (*p).rlock.ilock();
        if cond() || (*p).notepending {
            drop(rl);
            drop(g);
        } else {
            (*p).state = Procstate::Wakeme;
            (*p).r = r as *const Rendez as usize;
            *g = p as usize;
            drop(rl);
            drop(g);
            procswitch();
        }
        let _rl = (*p).rlock.ilock();
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
            let _rl = (*p).rlock.ilock();
            if (*p).state != Procstate::Wakeme || (*p).r != r as *const Rendez as usize {
                panic!("wakeup: state");
            }
            (*p).r = 0;
            ready(p);
        }
    }
    drop(g);
    l::splx(s);
    !p.is_null()
}

/// `postnote`: queue note `msg` for process `p` and, if it sleeps,
/// wake it so that its sleep fails with "interrupted" (9front's lock
/// dance: `p->rlock`, then try the Rendez's lock, backing off to avoid
/// the reverse order `sleep` takes them in). Whether the note was queued.
/// Safe with ilocks held: it never switches.
///
/// # Safety
/// `p` must be alive for the call (held in PROCS under its lock, or the
/// running process).
pub unsafe fn postnote(p: *mut Proc, msg: &str, flag: port::proc::NoteFlag) -> bool {
    // SAFETY: as the caller promises.
    unsafe {
        if !(*p).notes.ilock().postnote(msg, flag) {
            return false;
        }
        loop {
            let rl = (*p).rlock.ilock();
            (*p).notepending = true;
            let r = (*p).r;
            if r == 0 {
                break;
            }
            // While p->r is set under p's rlock, p is asleep on it and
            // the Rendez is alive.
            let r = &*(r as *const Rendez);
            if let Some(mut g) = r.p.canilock() {
                if *g == p as usize && (*p).state == Procstate::Wakeme {
                    *g = 0;
                    (*p).r = 0;
                    ready(p);
                }
                drop(g);
                drop(rl);
                break;
            }
            drop(rl);
            // 9front calls sched() here to let the holder of the
            // Rendez's lock finish; that lock is an ilock, whose holder
            // runs with interrupts off on another processor and lets go
            // soon, and the caller may hold an ilock itself (PROCS), so
            // spin instead of switching.
            core::hint::spin_loop();
        }
    }
    true
}

fn twakeup(a: usize) {
    let p = a as *mut Proc;
    // SAFETY: the timer is freed by tsleep before the process can exit
    // (and timerfree waits for a timer function running elsewhere), so
    // p is alive; trend, if set, names a Rendez the sleeper keeps.
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
    let t = clock::timerstart((ms * 1_000_000) as i64, twakeup, p as usize);
    let res = sleep(r, &mut || trend.load(Ordering::SeqCst) == 0 || cond());
    trend.store(0, Ordering::SeqCst);
    clock::timerfree(t);
    res
}

/// Put the running process in `state` and switch away; the lock guard
/// `g` (of the structure that queued it) is dropped with interrupts
/// still off, so the one who readies it cannot do so before it is
/// marked.
fn queuesleep<G>(p: *mut Proc, state: Procstate, g: G) {
    assert!(!p.is_null(), "qlock: contended with no process");
    let s = l::splhi();
    // SAFETY: p runs; interrupts stay off until the switch, and whoever
    // readies it (qunlock, runlock, wunlock) hands the lock over first.
    unsafe {
        (*p).state = state;
        drop(g);
        procswitch();
    }
    l::splx(s);
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
            queuesleep(p, Procstate::Queueing, g);
        } else {
            drop(g);
        }
        l::splx(s);
        QGuard(self)
    }

    /// `canqlock`.
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

/// A readers-writer lock (`RWlock`), preferring writers as 9front's.
pub struct RWlock {
    q: ILock<RWlockState<usize>>,
}

impl Default for RWlock {
    fn default() -> Self {
        RWlock {
            q: ILock::new_const(RWlockState::new()),
        }
    }
}

/// Held while an [`RWlock`] is read-locked; dropping it is `runlock`.
pub struct RGuard<'a>(&'a RWlock);
/// Held while an [`RWlock`] is write-locked; dropping it is `wunlock`.
pub struct WGuard<'a>(&'a RWlock);

impl RWlock {
    /// `rlock`.
    pub fn rlock(&self) -> RGuard<'_> {
        let p = up();
        let s = l::splhi();
        let mut g = self.q.ilock();
        if g.rlock(p as usize) == Take::Wait {
            queuesleep(p, Procstate::QueueingR, g);
        } else {
            drop(g);
        }
        l::splx(s);
        RGuard(self)
    }

    /// `canrlock`.
    pub fn canrlock(&self) -> Option<RGuard<'_>> {
        // The guard is made only on success: dropping one is runlock.
        let got = self.q.ilock().canrlock();
        if got {
            Some(RGuard(self))
        } else {
            None
        }
    }

    /// `wlock`.
    pub fn wlock(&self) -> WGuard<'_> {
        let p = up();
        let s = l::splhi();
        let mut g = self.q.ilock();
        if g.wlock(p as usize) == Take::Wait {
            queuesleep(p, Procstate::QueueingW, g);
        } else {
            drop(g);
        }
        l::splx(s);
        WGuard(self)
    }

    /// Readers holding the lock.
    #[allow(dead_code)]
    pub fn readers(&self) -> usize {
        self.q.ilock().readers()
    }
}

fn rwwake(w: RWwake<usize>) {
    match w {
        RWwake::None => {}
        RWwake::Writer(p) => ready(p as *mut Proc),
        RWwake::Readers(v) => {
            for p in v {
                ready(p as *mut Proc);
            }
        }
    }
}

impl Drop for RGuard<'_> {
    fn drop(&mut self) {
        let w = self.0.q.ilock().runlock();
        match w {
            Ok(w) => rwwake(w),
            Err(e) => panic!("{}", e),
        }
    }
}

impl Drop for WGuard<'_> {
    fn drop(&mut self) {
        let w = self.0.q.ilock().wunlock();
        match w {
            Ok(w) => rwwake(w),
            Err(e) => panic!("{}", e),
        }
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
