//! Traps and interrupts: the interrupt descriptor table, the dispatch of
//! every vector, the exception handlers and the register dump.
//!
//! Ports 9front `sys/src/9/pc64/trap.c`: `trapinit0` (256 interrupt
//! gates to the entry stubs of l.rs), `trapinit` (the special traps),
//! `excname`, `trap`, `dumpregs`, and the kernel half of `faultamd64`,
//! `debugbpt`, `doublefault` and `unexpected`. The vector table lives in
//! pc/irq.rs (`irqhandled`, `trapenable`, `intrenable`), as in 9front.
//!
//! What differs from 9front:
//!
//! - The IDT is a static array in the kernel's bss, not at IDTADDR.
//! - User mode, first step: a trap from ring 3 becomes a note
//!   (`usertrap`, `faultnote`, `debugbpt`), and `notify` delivers it on
//!   the way back; with no note handlers yet it always takes popnote's
//!   no-handler path ("suicide:" and exit). `syscall` (entered from l.rs's
//!   `syscallentry`) has a table of two calls, `exits` and `pwrite` to the
//!   console (fds 1 and 2, no file descriptor table yet); any other
//!   number gets "sys: bad sys call", even those 9front has. Arguments
//!   and buffers are checked against the segments (`okaddr`,
//!   `validaddr`); errors return -1 without `errstr` yet. No `noted`,
//!   `execregs`, `forkchild`, `procctl`, syscall tracing, `kenter`'s
//!   accounting or `kexit`; the FPU state is not made illegal in note
//!   handlers (there are none).
//! - The FPU/SSE state of the interrupted code is saved by the entry
//!   stub (fxsave below the Ureg) on every trap, because kernel code
//!   uses SSE; fpu.c's lazy process FPU switching is not ported.
//! - A page fault at a user address in a process with segments is
//!   resolved by mmu.rs's `userfault` (port/fault.rs), in kernel and
//!   user mode. Any other page fault in the kernel
//!   prints the register dump and panics with 9front's message, "kernel fault: no user process pc=%#p addr=%#p" when no
//!   process runs, "fault: read|write addr=%#p" in a kernel process. (In
//!   9front the first panics without `dumpregs`.) `_dumpstack` is not
//!   ported; `dumpregs` ends with the `ur`/`up` line.
//! - The `_rdmsrinst`/`_peekinst` recovery is not needed yet.

use core::cell::UnsafeCell;

use port::proc::{Delivery, NoteFlag};

use crate::irq;
use crate::l;
use crate::mem::KESEL;

/// The registers saved on a trap (9front's amd64 `Ureg`), in the order
/// l.rs's `_intrcommon` leaves them on the stack.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub struct Ureg {
    pub ax: u64,
    pub bx: u64,
    pub cx: u64,
    pub dx: u64,
    pub si: u64,
    pub di: u64,
    pub bp: u64,
    pub r8: u64,
    pub r9: u64,
    pub r10: u64,
    pub r11: u64,
    pub r12: u64,
    pub r13: u64,
    pub r14: u64,
    pub r15: u64,
    pub ds: u16,
    pub es: u16,
    pub fs: u16,
    pub gs: u16,
    /// The vector.
    pub typ: u64,
    /// The processor's error code, or 0.
    pub error: u64,
    pub pc: u64,
    pub cs: u64,
    pub flags: u64,
    pub sp: u64,
    pub ss: u64,
}

const _: () = assert!(core::mem::size_of::<Ureg>() == 23 * 8);

// Vectors (pc/io.h).
pub const VECTORDE: u8 = 1;
#[allow(dead_code)]
pub const VECTORNMI: u8 = 2;
pub const VECTORBPT: u8 = 3;
#[allow(dead_code)]
pub const VECTORCNA: u8 = 7;
pub const VECTOR2F: u8 = 8;
#[allow(dead_code)]
pub const VECTORGPF: u8 = 13;
pub const VECTORPF: u8 = 14;
pub const VECTOR15: u8 = 15;
/// First vector of the i8259s.
pub const VECTORPIC: u8 = 32;
pub const VECTORSYSCALL: u8 = 64;

/// `excname`: the names of the processor's exceptions.
pub const EXCNAME: [&str; 32] = [
    "divide error",
    "debug exception",
    "nonmaskable interrupt",
    "breakpoint",
    "overflow",
    "bounds check",
    "invalid opcode",
    "coprocessor not available",
    "double fault",
    "coprocessor segment overrun",
    "invalid TSS",
    "segment not present",
    "stack exception",
    "general protection violation",
    "page fault",
    "15 (reserved)",
    "coprocessor error",
    "alignment check",
    "machine check",
    "simd error",
    "20 (reserved)",
    "21 (reserved)",
    "22 (reserved)",
    "23 (reserved)",
    "24 (reserved)",
    "25 (reserved)",
    "26 (reserved)",
    "27 (reserved)",
    "28 (reserved)",
    "29 (reserved)",
    "30 (reserved)",
    "31 (reserved)",
];

// Gate descriptor bits (mem.h).
const SEGP: u32 = 1 << 15;
const SEGIG: u32 = 0x0E << 8;
const fn segpl(x: u32) -> u32 {
    x << 13
}

/// The IDT: 256 16-byte gates.
#[repr(C, align(16))]
struct Idt(UnsafeCell<[u32; 256 * 4]>);
// SAFETY: written only by trapinit0 on the boot processor before
// interrupts are enabled; read by the processor afterwards.
unsafe impl Sync for Idt {}
static IDT: Idt = Idt(UnsafeCell::new([0; 256 * 4]));

/// `trapinit0`: fill the IDT with interrupt gates to the entry stubs (the
/// breakpoint and system-call gates usable from ring 3) and load it.
pub fn trapinit0() {
    // SAFETY: only the boot processor runs this, once, with interrupts
    // off, so nothing else reads or writes the table meanwhile.
    let idt = unsafe { &mut *IDT.0.get() };
    for v in 0..256usize {
        let vaddr = l::vectoraddr(v as u8);
        let pl = if v == VECTORBPT as usize || v == VECTORSYSCALL as usize {
            segpl(3)
        } else {
            segpl(0)
        };
        idt[4 * v] = (vaddr as u32 & 0xFFFF) | (KESEL as u32) << 16;
        idt[4 * v + 1] = (vaddr as u32 & 0xFFFF_0000) | SEGP | pl | SEGIG;
        idt[4 * v + 2] = (vaddr >> 32) as u32;
        idt[4 * v + 3] = 0;
    }
    // SAFETY: the table is a static of 256 valid gates.
    unsafe { l::lidt(IDT.0.get() as u64, (256 * 16 - 1) as u16) };
}

/// An application processor's IDT: the one `trapinit0` filled.
pub fn trapinitap() {
    // SAFETY: the table was filled by trapinit0 before any application
    // processor started, and is never written again.
    unsafe { l::lidt(IDT.0.get() as u64, (256 * 16 - 1) as u16) };
}

/// `trapinit`: the handlers of the special traps.
pub fn trapinit() {
    irq::trapenable(VECTORDE, debugexc, 0, "debugexc");
    irq::trapenable(VECTORBPT, debugbpt, 0, "debugpt");
    irq::trapenable(VECTORPF, faultamd64, 0, "faultamd64");
    irq::trapenable(VECTOR2F, doublefault, 0, "doublefault");
    irq::trapenable(VECTOR15, unexpected, 0, "unexpected");
    crate::fpu::mathinit();
}

/// `trap`: called by l.rs's `_intrcommon` for every vector, with
/// interrupts off.
#[no_mangle]
pub extern "C" fn trap(ureg: &mut Ureg) {
    let vno = ureg.typ as u8;
    let user = userureg(ureg);
    if !irq::irqhandled(ureg, vno) && !(user && usertrap(vno)) {
        dumpregs(ureg);
        match EXCNAME.get(vno as usize) {
            Some(name) => panic!("{}", name),
            None => panic!("unknown trap/intr: {}", vno),
        }
    }
    l::splhi();
    if user {
        notify(ureg);
    }
}

/// `userureg`: whether `ureg` was saved in ring 3.
pub fn userureg(ureg: &Ureg) -> bool {
    ureg.cs & 3 == 3
}

/// The running process, which a trap from ring 3 always has.
fn me() -> &'static mut crate::sched::Proc {
    let p = crate::sched::up();
    assert!(!p.is_null(), "user trap with no process");
    // SAFETY: up is alive while it runs, and only it touches its notes
    // (there is no postnote from other processes yet).
    unsafe { &mut *p }
}

/// `postnote(up, 1, msg, NDebug)`.
pub fn postnote(msg: &str) {
    let s = l::splhi();
    me().notes.ilock().postnote(msg, NoteFlag::Debug);
    l::splx(s);
}

/// `usertrap`: an exception in ring 3 becomes the note `sys: trap: ...`.
fn usertrap(vno: u8) -> bool {
    match EXCNAME.get(vno as usize) {
        Some(name) => {
            postnote(&port::proc::trapnote(name));
            true
        }
        None => false,
    }
}

/// `notify`, on the way back to ring 3: deliver the first pending note.
/// There are no user note handlers yet (`up->notify` is nil), so, as
/// 9front's `popnote` does then, the process prints `suicide: <note>`
/// for a kernel (NDebug) note and exits with the note as its status.
/// (9front's `pprint` writes to the process's fd 2; here the console.)
fn notify(ureg: &mut Ureg) {
    let p = me();
    if p.killed {
        // procctl's Proc_exitme.
        l::spllo();
        crate::uproc::exitproc("Killed");
    }
    let d = {
        let mut n = p.notes.ilock();
        if n.is_empty() {
            return;
        }
        n.popnote(Some(ureg.pc))
    };
    match d {
        None => {}
        Some(Delivery::Exit { msg, suicide }) => {
            if suicide {
                crate::uproc::pprint(format_args!("suicide: {}\n", msg));
            }
            l::spllo();
            crate::uproc::exitproc(&msg)
        }
        Some(Delivery::Handler(msg)) => {
            let flag = if msg.starts_with("sys:") { NoteFlag::Debug } else { NoteFlag::User };
            match p.user.as_deref_mut() {
                Some(u) => {
                    u.lastnote = Some(port::proc::Note { msg: msg.clone(), flag });
                    crate::uproc::notifyuser(ureg, &msg);
                }
                None => {
                    l::spllo();
                    crate::sched::pexitmsg(&msg)
                }
            }
        }
    }
}

/// System call numbers (libc/9syscall/sys.h) that exist so far.
pub const EXITS: u64 = 8;
pub const PWRITE: u64 = 51;
/// Arguments read from the user stack (`Sargs`; MAXSYSARG).
const MAXSYSARG: usize = 5;

/// `okaddr`: whether [addr, addr+len) lies in the running process's
/// segments (writable ones if `write`).
pub fn okaddr(addr: u64, len: u64, write: bool) -> bool {
    let p = me();
    let tab = match p.segtab {
        Some(t) => t,
        None => return false,
    };
    let end = match addr.checked_add(len) {
        Some(e) if e <= crate::mem::USTKTOP => e,
        _ => return false,
    };
    let segs = crate::mmu::SEGS.ilock();
    let mut a = addr;
    loop {
        let (_, id) = match segs.seg(&tab, a) {
            Some(x) => x,
            None => return false,
        };
        let sg = segs.get(id);
        if write && sg.attr & port::segment::SG_RONLY != 0 {
            return false;
        }
        if end <= sg.top {
            return true;
        }
        a = sg.top;
    }
}

/// `validaddr`: as 9front's, a bad address in a system call prints
/// `suicide: invalid address ... in sys call pc=...`, posts `sys: bad
/// address in syscall` and fails the call (Ebadarg).
pub fn validaddr(addr: u64, len: u64, write: bool, pc: u64) -> Result<(), port::Error> {
    if okaddr(addr, len, write) {
        return Ok(());
    }
    crate::uproc::pprint(format_args!(
        "suicide: invalid address {:#x}/{} in sys call pc={:#x}\n",
        addr, len, pc
    ));
    postnote(port::proc::BADADDRNOTE);
    Err(port::Error::Ebadarg)
}

/// `syscall`: called by l.rs's `syscallentry` with the Ureg it built.
/// As 9front's amd64 convention: the number in RBP (RARG), the
/// arguments in 8-byte slots on the user stack above the return
/// address (`Sargs` at sp+8), the result in RAX. Only `exits` and
/// `pwrite` (to the console, fds 1 and 2) exist so far; any other
/// number posts `sys: bad sys call` and fails, as in 9front.
#[no_mangle]
pub extern "C" fn syscall(ureg: &mut Ureg) {
    if !userureg(ureg) {
        panic!("syscall: cs {:#06X}", ureg.cs);
    }
    let scallnr = ureg.bp;
    l::spllo();
    let ret = if me().user.is_some() {
        usyscall(ureg, scallnr)
    } else {
        sysdispatch(ureg, scallnr).unwrap_or(-1)
    };
    // noted's return is the restored Ureg's own AX.
    if scallnr != plibc::sys::NOTED as u64 {
        ureg.ax = ret as u64;
    }
    l::splhi();
    notify(ureg);
    crate::uproc::kexit();
}

/// A system call of a user process (one with a name space): the table
/// of systab.rs; a failure sets the error string and returns -1.
fn usyscall(ureg: &mut Ureg, scallnr: u64) -> i64 {
    let sp = ureg.sp;
    let n = (MAXSYSARG as u64) * 8;
    let r = validaddr(sp.wrapping_add(8), n, false, ureg.pc).and_then(|_| {
        let mut a = [0u64; MAXSYSARG];
        for (i, v) in a.iter_mut().enumerate() {
            // SAFETY: validaddr checked the words are in the process's
            // segments.
            *v = unsafe { ((sp + 8 + 8 * i as u64) as *const u64).read_volatile() };
        }
        crate::systab::dispatch(ureg, scallnr, a)
    });
    if SYSTRACE.load(core::sync::atomic::Ordering::Relaxed) {
        let p = me();
        match &r {
            Ok(v) => print!("{} {}: sys {} -> {:#x}\n", p.text, p.pid, scallnr, v),
            Err(e) => print!("{} {}: sys {} -> error '{}'\n", p.text, p.pid, scallnr, e.as_str()),
        }
    }
    match r {
        Ok(v) => v,
        Err(e) => {
            if let Some(u) = me().user.as_deref_mut() {
                u.errstr = alloc::string::String::from(e.as_str());
            }
            -1
        }
    }
}

/// Print every system call of user processes and its result (the boot
/// word `systrace=1`; 9front traces one process through /proc/n/ctl).
pub static SYSTRACE: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);

fn sysdispatch(ureg: &Ureg, scallnr: u64) -> Result<i64, port::Error> {
    let sp = ureg.sp;
    let n = (MAXSYSARG as u64) * 8;
    validaddr(sp.wrapping_add(8), n, false, ureg.pc)?;
    let mut a = [0u64; MAXSYSARG];
    for (i, v) in a.iter_mut().enumerate() {
        // SAFETY: validaddr checked the words are in the process's
        // segments; a page not yet there is faulted in (mmu.rs's
        // userfault) under the process's own page tables.
        *v = unsafe { ((sp + 8 + 8 * i as u64) as *const u64).read_volatile() };
    }
    match scallnr {
        EXITS => sysexits(ureg, a[0]),
        PWRITE => syspwrite(ureg, a[0] as i32, a[1], a[2] as i64, a[3] as i64),
        _ => {
            postnote(port::proc::BADSYSCALLNOTE);
            Err(port::Error::Ebadarg)
        }
    }
}

/// `sysexits`: exit with the status string at `status` (nil: ""), at
/// most ERRMAX-1 bytes; a bad one exits "invalid exit string".
fn sysexits(ureg: &Ureg, status: u64) -> ! {
    let mut msg = alloc::string::String::new();
    if status != 0 {
        if validaddr(status, 1, false, ureg.pc).is_err() {
            crate::sched::pexitmsg("invalid exit string");
        }
        let mut b = alloc::vec::Vec::new();
        for i in 0..port::proc::ERRMAX as u64 - 1 {
            if !okaddr(status + i, 1, false) {
                break;
            }
            // SAFETY: the byte is in the process's segments (okaddr).
            let c = unsafe { ((status + i) as *const u8).read_volatile() };
            if c == 0 {
                break;
            }
            b.push(c);
        }
        msg = alloc::string::String::from_utf8_lossy(&b).into_owned();
    }
    crate::sched::pexitmsg(&msg)
}

/// `syspwrite` for the console only: fds 1 and 2 write to it (there is
/// no file descriptor table yet); any other is Ebadfd. The offset is
/// ignored, as the console's is.
fn syspwrite(ureg: &Ureg, fd: i32, buf: u64, len: i64, _off: i64) -> Result<i64, port::Error> {
    // As 9front's write: a negative length is a huge one, so an invalid
    // address.
    validaddr(buf, len as u64, false, ureg.pc)?;
    if fd != 1 && fd != 2 {
        return Err(port::Error::Ebadfd);
    }
    let mut v = alloc::vec::Vec::with_capacity(len as usize);
    for i in 0..len as u64 {
        // SAFETY: validaddr checked [buf, buf+len).
        v.push(unsafe { ((buf + i) as *const u8).read_volatile() });
    }
    print!("{}", alloc::string::String::from_utf8_lossy(&v));
    Ok(len)
}

/// `dumpregs`: the registers of `ureg` and the control registers, in
/// 9front's layout.
pub fn dumpregs(ureg: &Ureg) {
    match crate::sched::upinfo() {
        Some((text, pid)) => iprint!(
            "cpu{}: registers for {} {}\n",
            crate::dat::m().machno,
            text,
            pid
        ),
        None => iprint!("cpu{}: registers for kernel\n", crate::dat::m().machno),
    }
    iprint!(
        "  AX {:016X}  BX {:016X}  CX {:016X}\n",
        ureg.ax,
        ureg.bx,
        ureg.cx
    );
    iprint!(
        "  DX {:016X}  SI {:016X}  DI {:016X}\n",
        ureg.dx,
        ureg.si,
        ureg.di
    );
    iprint!(
        "  BP {:016X}  R8 {:016X}  R9 {:016X}\n",
        ureg.bp,
        ureg.r8,
        ureg.r9
    );
    iprint!(
        " R10 {:016X} R11 {:016X} R12 {:016X}\n",
        ureg.r10,
        ureg.r11,
        ureg.r12
    );
    iprint!(
        " R13 {:016X} R14 {:016X} R15 {:016X}\n",
        ureg.r13,
        ureg.r14,
        ureg.r15
    );
    iprint!(
        "  CS {:04X}   SS {:04X}    PC {:016X}  SP {:016X}\n",
        ureg.cs & 0xffff,
        ureg.ss & 0xffff,
        ureg.pc,
        ureg.sp
    );
    iprint!(
        "TYPE {:02X}  ERROR {:04X} FLAGS {:08X}\n",
        ureg.typ & 0xff,
        ureg.error & 0xffff,
        ureg.flags & 0xffff_ffff
    );
    iprint!(
        " CR0 {:08x} CR2 {:016x} CR3 {:016x} CR4 {:016x}\n",
        l::getcr0(),
        l::getcr2(),
        l::getcr3(),
        l::getcr4()
    );
    iprint!(
        "  ur {:#x} up {:#x}\n",
        ureg as *const Ureg as u64,
        crate::sched::upaddr()
    );
}

fn debugexc(_ureg: &mut Ureg, _a: usize) {
    panic!("kernel debug exception dr6={:#010x}", 0);
}

fn debugbpt(ureg: &mut Ureg, _a: usize) {
    if !userureg(ureg) {
        panic!("kernel bpt");
    }
    // The pc of the int3 itself, as 9front restores it.
    ureg.pc -= 1;
    postnote(port::proc::BPTNOTE);
}

fn doublefault(_ureg: &mut Ureg, _a: usize) {
    panic!("double fault");
}

fn unexpected(ureg: &mut Ureg, _a: usize) {
    print!("unexpected trap {}; ignoring\n", ureg.typ);
}

/// `faultamd64` for kernel mode: there is nothing to page in, so the
/// fault is fatal.
fn faultamd64(ureg: &mut Ureg, _a: usize) {
    let addr = l::getcr2();
    let read = ureg.error & 2 == 0;
    if addr < crate::mem::USTKTOP && crate::mmu::userfault(addr, read) {
        return;
    }
    if userureg(ureg) {
        if SYSTRACE.load(core::sync::atomic::Ordering::Relaxed) {
            dumpregs(ureg);
        }
        // faultnote.
        postnote(&port::proc::faultnote(read, addr));
        return;
    }
    dumpregs(ureg);
    if addr >= crate::mem::USTKTOP {
        panic!(
            "kernel fault: bad address pc={:#x} addr={:#x}",
            ureg.pc, addr
        );
    }
    if crate::sched::upaddr() == 0 {
        panic!(
            "kernel fault: no user process pc={:#x} addr={:#x}",
            ureg.pc, addr
        );
    }
    panic!(
        "fault: {} addr={:#x}",
        if read { "read" } else { "write" },
        addr
    );
}
