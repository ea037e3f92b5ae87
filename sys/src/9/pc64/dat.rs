//! The processor structure `Mach`, `MACHP`, `m`, `up` and `conf.nmach`.
//!
//! Ports the `Mach` parts of 9front `sys/src/9/pc64/dat.h` that the
//! kernel keeps so far, and the way pc64 reaches them. Differences:
//!
//! - 9front keeps `m` in R15 (RMACH) and `up` in R14 (RUSER), registers
//!   its compiler never allocates. Rust's compiler uses every register,
//!   so the processor's `Mach` is found through the GS segment base
//!   instead (`IA32_GS_BASE`, written by [`setmach`]): its first word
//!   points to itself, and [`m`] is one `mov %gs:0`. [`up`] is one
//!   `mov %gs:8`, a single instruction, so a process that is preempted
//!   and moved to another processor still reads its own `up` (a process
//!   is always the `up` of the processor it runs on). In ring 3 GS is
//!   the user's (0); l.rs `swapgs`es on the way in and out. The third
//!   and fourth words are the kernel stack top for ring-3 entries and
//!   `syscallentry`'s scratch, read through `%gs:` too; `m->tss` (dat.h's
//!   `Tss`) is here, the GDT only in mmu.rs's `gdtinit`.
//! - The fields are atomics or cells touched only with interrupts off on
//!   their own processor, rather than plain C fields; `Mach` holds the
//!   processor's timer queue (9front's `m->timers` is also in Mach), its
//!   scheduler context and ticks; no accounting, `cpuhz`, `cpuid*`,
//!   `perf`, `pml4` or `gdt` yet.
//! - The boot processor's Mach is a static (not at CPU0MACH); the others
//!   are allocated by `mpstartap` (squidboy.rs) from the heap.

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering};

use port::portclock::Timers;

use crate::clock::Tf;
use crate::l::{self, Label};
use crate::mem::MAXMACH;
use crate::sched::Proc;
use crate::taslock::ILock;

/// A processor (9front's `Mach`). `#[repr(C)]`: [`m`] and [`up`] read
/// the first two words through GS.
#[repr(C)]
pub struct Mach {
    /// This Mach's own address (for `m`).
    me: AtomicPtr<Mach>,
    /// `up`: the process running here, or null.
    pub up: AtomicPtr<Proc>,
    /// The top of `up`'s kernel stack (also the TSS's RSP0), where
    /// l.rs's `syscallentry` builds its Ureg; 0 with no process.
    pub kstack: AtomicU64,
    /// Scratch for `syscallentry`: the user stack pointer while it
    /// moves to the kernel stack (interrupts are off meanwhile).
    pub usp: AtomicU64,
    /// `m->tss`, made by mmu.rs's `gdtinit`.
    pub tss: AtomicPtr<Tss>,
    /// `m->machno`.
    pub machno: usize,
    /// The local APIC id (`apic->apicno`), if there is an APIC.
    pub apicno: AtomicU32,
    /// `m->ilockdepth`.
    pub ilockdepth: AtomicU32,
    /// `m->ticks`: clock ticks on this processor.
    pub ticks: AtomicU64,
    /// `m->schedticks`: when the running process's quantum ends.
    pub schedticks: AtomicU64,
    /// `m->sched`: where `procswitch` returns to `schedinit`.
    pub sched: UnsafeCell<Label>,
    /// `m->timers`.
    pub timers: ILock<Option<Timers<Tf>>>,
    /// `apic->online`: running its scheduler.
    pub online: AtomicBool,
    /// Interrupts taken (`m->intr`).
    pub intr: AtomicU64,
}

// SAFETY: `sched` is touched only by the processor owning the Mach with
// interrupts off (schedinit and procswitch); everything else is atomic
// or locked.
unsafe impl Sync for Mach {}

impl Mach {
    /// A fresh Mach for processor `machno`.
    pub const fn new(machno: usize) -> Self {
        Mach {
            me: AtomicPtr::new(core::ptr::null_mut()),
            up: AtomicPtr::new(core::ptr::null_mut()),
            kstack: AtomicU64::new(0),
            usp: AtomicU64::new(0),
            tss: AtomicPtr::new(core::ptr::null_mut()),
            machno,
            apicno: AtomicU32::new(0),
            ilockdepth: AtomicU32::new(0),
            ticks: AtomicU64::new(0),
            schedticks: AtomicU64::new(0),
            sched: UnsafeCell::new(Label {
                sp: 0,
                pc: 0,
                regs: [0; 6],
            }),
            timers: ILock::new_const(None),
            online: AtomicBool::new(false),
            intr: AtomicU64::new(0),
        }
    }
}

/// The boot processor's Mach.
pub static MACH0: Mach = Mach::new(0);

/// `MACHP(n)`: the Mach of each processor started.
static MACHP: [AtomicPtr<Mach>; MAXMACH] =
    [const { AtomicPtr::new(core::ptr::null_mut()) }; MAXMACH];

/// `conf.nmach`: processors started.
static NMACH: AtomicUsize = AtomicUsize::new(1);

const _: () = assert!(core::mem::offset_of!(Mach, me) == 0);
const _: () = assert!(core::mem::offset_of!(Mach, up) == 8);
const _: () = assert!(core::mem::offset_of!(Mach, kstack) == MACHKSTACK);
const _: () = assert!(core::mem::offset_of!(Mach, usp) == MACHUSP);

/// Offsets of [`Mach`]'s `kstack` and `usp`, for l.rs's `%gs:` loads.
pub const MACHKSTACK: usize = 16;
pub const MACHUSP: usize = 24;

/// The 64-bit task state segment (dat.h's `Tss`): only RSP0 (the stack
/// a trap from ring 3 switches to) and the I/O map base are used.
#[repr(C, packed(4))]
pub struct Tss {
    _rsvd0: u32,
    pub rsp0: u64,
    pub rsp1: u64,
    pub rsp2: u64,
    _rsvd1: u64,
    pub ist: [u64; 7],
    _rsvd2: u64,
    /// 9front's `iomap` word: 0xDFFF (its high half, the I/O map base,
    /// is 0, inside the limit but with no map: ring 3 gets no ports).
    pub iomap: u32,
}

const _: () = assert!(core::mem::size_of::<Tss>() == 104);

impl Tss {
    /// A zeroed TSS with 9front's `iomap`.
    pub const fn new() -> Self {
        Tss {
            _rsvd0: 0,
            rsp0: 0,
            rsp1: 0,
            rsp2: 0,
            _rsvd1: 0,
            ist: [0; 7],
            _rsvd2: 0,
            iomap: 0xDFFF,
        }
    }
}

/// Make `top` this processor's kernel stack for traps and system calls
/// from ring 3 (`m->tss->rsp0`, and `syscallentry`'s stack).
pub fn setkstack(top: u64) {
    let mm = m();
    mm.kstack.store(top, Ordering::Relaxed);
    let t = mm.tss.load(Ordering::Relaxed);
    if !t.is_null() {
        // SAFETY: the TSS is this processor's, leaked by gdtinit; the
        // processor reads RSP0 only on a trap from ring 3, which cannot
        // happen while the kernel runs here.
        unsafe { core::ptr::addr_of_mut!((*t).rsp0).write_unaligned(top) };
    }
}

/// Make `mach` this processor's (`m = mach`): record it in MACHP and
/// point GS at it.
pub fn setmach(mach: &'static Mach) {
    let p = mach as *const Mach as *mut Mach;
    mach.me.store(p, Ordering::Relaxed);
    MACHP[mach.machno].store(p, Ordering::Release);
    // SAFETY: IA32_GS_BASE only changes where %gs-relative loads go;
    // nothing but m() and up() use them, and both expect this Mach.
    unsafe { l::wrmsr(l::MSRGSBASE, p as u64) };
}

/// `m`: this processor's Mach. Stable for the caller only while
/// interrupts are off (a preempted process may move to another
/// processor).
#[inline]
pub fn m() -> &'static Mach {
    let p: *const Mach;
    // SAFETY: GS points at this processor's Mach (setmach runs before
    // anything else on every processor), whose first word is its own
    // address.
    unsafe {
        core::arch::asm!("mov {}, gs:[0]", out(reg) p, options(nostack, readonly, preserves_flags));
        &*p
    }
}

/// `up`: the running process, or null. One load, so right even if the
/// caller moves between processors.
#[inline]
pub fn up() -> *mut Proc {
    let p: *mut Proc;
    // SAFETY: as in m(); the second word of a Mach is its `up`.
    unsafe {
        core::arch::asm!("mov {}, gs:[8]", out(reg) p, options(nostack, readonly, preserves_flags));
    }
    p
}

/// `MACHP(i)`, if processor `i` was started.
pub fn machp(i: usize) -> Option<&'static Mach> {
    let p = MACHP.get(i)?.load(Ordering::Acquire);
    // SAFETY: a Mach in MACHP lives for ever (a static or leaked).
    (!p.is_null()).then(|| unsafe { &*p })
}

/// `conf.nmach`.
pub fn nmach() -> usize {
    NMACH.load(Ordering::Acquire)
}

/// One more processor (`conf.nmach++`).
pub fn addmach() {
    NMACH.fetch_add(1, Ordering::AcqRel);
}
