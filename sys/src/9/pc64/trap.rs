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
//! - There are no user processes yet: no `usertrap`, `syscall`, `notify`,
//!   `noted`, `execregs`, `forkchild`, `kenter`'s accounting or `kexit`.
//! - The FPU/SSE state of the interrupted code is saved by the entry
//!   stub (fxsave below the Ureg) on every trap, because kernel code
//!   uses SSE; fpu.c's lazy process FPU switching is not ported.
//! - A page fault at a user address in a process with segments is
//!   resolved by mmu.rs's `userfault` (port/fault.rs), in kernel mode
//!   too (there is no user mode yet). Any other page fault
//!   prints the register dump and panics with 9front's message, "kernel fault: no user process pc=%#p addr=%#p" when no
//!   process runs, "fault: read|write addr=%#p" in a kernel process. (In
//!   9front the first panics without `dumpregs`.) `_dumpstack` is not
//!   ported; `dumpregs` ends with the `ur`/`up` line.
//! - The `_rdmsrinst`/`_peekinst` recovery is not needed yet.

use core::cell::UnsafeCell;

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
    if !irq::irqhandled(ureg, vno) {
        dumpregs(ureg);
        match EXCNAME.get(vno as usize) {
            Some(name) => panic!("{}", name),
            None => panic!("unknown trap/intr: {}", vno),
        }
    }
    l::splhi();
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

fn debugbpt(_ureg: &mut Ureg, _a: usize) {
    panic!("kernel bpt");
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
