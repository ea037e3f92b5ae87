//! The bootstrap: Multiboot header, 32-bit entry, GDT, boot page tables,
//! the switch to long mode and the jump to the higher half; and the
//! small machine-instruction helpers (port I/O, halting).
//!
//! Ports 9front `sys/src/9/pc64/l.s`, as `global_asm!` (AT&T syntax) plus
//! Rust wrappers around single instructions. Differences from l.s:
//!
//! - The Multiboot flags are 0x00010003 (page-align modules, memory
//!   info, address kludge) rather than 0x00010007: planten does not ask
//!   the loader for a graphics mode, since its console is the serial port.
//! - The kernel is an ELF file laid out by `kernel.ld` with text, data and
//!   bss in one contiguous segment, so l.s's shuffle that moves the data
//!   segment up to a page boundary after a Multiboot load is not needed.
//! - The boot page tables (PML4, one PDP, PD0 and an empty PD1) and the
//!   boot stack are in the kernel's bss, not at the fixed low addresses
//!   CPU0PML4... of mem.h, so they cannot collide with wherever the loader
//!   left its Multiboot information. As in l.s the PML4 has the same PDP
//!   at slot 0 (identity map) and slot 511 (KZERO), and that PDP has PD0
//!   at slot 0 and slot 510, so physical 0–1 GiB appears both at 0 and at
//!   KZERO. l.s maps only up to the end of the kernel plus 16 KiB; this
//!   maps the whole first GiB with 2 MiB pages (mem::BOOTMAPPED).
//! - bss is cleared in 32-bit mode, before the page tables in it are
//!   built, rather than after the jump to the higher half.
//! - SSE is enabled (CR4.OSFXSR|OSXMMEXCPT, CR0.MP, CR0.EM clear) before
//!   any Rust code runs, because the compiler uses SSE registers in
//!   ordinary code. CR0.NE is set for native x87 error reporting.
//! - There is no Mach yet: RMACH (R15) and RUSER (R14) are not set up.
//!   The stack is a 64 KiB array in bss. The Multiboot magic and info
//!   pointer are passed to `main` as arguments rather than read by it from
//!   `multibootptr`.
//! - The interrupt entry (`vectortable`, `_intrcommon`) builds a Ureg
//!   and also saves the SSE state with fxsave, since kernel code uses
//!   xmm registers. From ring 3 it does `swapgs` (GS holds the Mach, not
//!   R15/R14), and the TSS's RSP0 (mmu.rs's `gdtinit`) gives the stack.
//! - `syscallentry` keeps 9front's convention (number in RBP, arguments
//!   on the user stack) but builds a full Ureg, calls `syscall` with it
//!   and returns with iretq through the trap exit, not SYSRET; `touser`
//!   enters ring 3 with a Ureg through the same exit (9front's `touser`
//!   SYSRETs to UTZERO+0x28 with a stack pointer).
//! - `setlabel`/`gotolabel` become `labelswitch` (save here, continue
//!   there) and `gotolabel`, and a `Label` also holds the System V
//!   callee-saved registers; nothing returns twice.
//! - Of the other helpers there are port I/O, `lidt`, `splhi`/`spllo`/
//!   `splx`/`islo`, `idle` (as `idlehlt`), the control registers,
//!   `rdmsr`/`wrmsr`, `coherence` (mfence), `rdtsc` and halting, as
//!   `#[inline]` Rust functions around `asm!`.
//! - The application processors' bootstrap (9front's
//!   `pc64/apbootstrap.s`) is here too, as [`apbootstrap`]: see its
//!   comment.

use core::arch::{asm, global_asm};

use crate::mem::{
    pglsz, ptlx, selector, KDSEL, KE32SEL, KESEL, KZERO, NGDT, PTEACCESSED, PTEDIRTY, PTEGLOBAL,
    PTESIZE, PTEVALID, PTEWRITE, SEGB, SEGD, SEGDATA, SEGEXEC, SEGG, SEGL, SEGP, SEGR, SEGW,
};

/// Multiboot v1 header magic and flags.
const MBMAGIC: u32 = 0x1BAD_B002;
/// Bit 0: page-align modules; bit 1: give memory info; bit 16: the
/// header's address fields are valid (needed to load an ELF64 image).
const MBFLAGS: u32 = 0x0001_0003;
const MBCHECKSUM: u32 = 0u32.wrapping_sub(MBMAGIC.wrapping_add(MBFLAGS));

/// High word of a flat (base 0, limit 4 GiB) descriptor at privilege 0.
const fn flat(bits: u32) -> u32 {
    bits | SEGP | (0xF << 16)
}
/// 64-bit kernel code (KESEG).
const GDTKE: u32 = flat(SEGL | SEGG | SEGEXEC | SEGR);
/// 32-bit kernel data (KDSEG).
const GDTKD: u32 = flat(SEGG | SEGB | SEGDATA | SEGW);
/// 32-bit kernel code (KE32SEG), used only between the GDT load and the
/// switch to long mode.
const GDTKE32: u32 = flat(SEGG | SEGD | SEGEXEC | SEGR);

/// Flags of an intermediate page-table entry.
const PTEDIR: u64 = PTEACCESSED | PTEDIRTY | PTEWRITE | PTEVALID;
/// Flags of a 2 MiB kernel page.
const PTEBIG: u64 = PTEACCESSED | PTEDIRTY | PTESIZE | PTEGLOBAL | PTEWRITE | PTEVALID;

const CR0PE: u32 = 1 << 0;
const CR0MP: u32 = 1 << 1;
const CR0EM: u32 = 1 << 2;
const CR0TS: u32 = 1 << 3;
const CR0NE: u32 = 1 << 5;
const CR0WP: u32 = 1 << 16;
const CR0NW: u32 = 1 << 29;
const CR0CD: u32 = 1 << 30;
const CR0PG: u32 = 1 << 31;
const CR4PSE: u32 = 1 << 4;
const CR4PAE: u32 = 1 << 5;
const CR4PGE: u32 = 1 << 7;
const CR4OSFXSR: u32 = 1 << 9;
const CR4OSXMMEXCPT: u32 = 1 << 10;
const MSREFER: u32 = 0xc000_0080;
const EFERLME: u32 = 1 << 8;

/// Size of the boot processor's stack.
const BOOTSTACK: usize = 64 * 1024;

global_asm!(
    // Everything up to _start64v runs at physical addresses, so every
    // reference to a symbol subtracts KZERO.
    ".section .text.boot, \"ax\"",
    ".code32",
    // load_addr: the start of the loaded image. Entered (from
    // _multibootentry) in flat 32-bit protected mode, interrupts maybe on.
    ".globl _protected",
    "_protected:",
    "    cli",
    "    lgdt (_gdtptr32p - {kzero})",
    "    movw ${kdsel}, %ax",
    "    movw %ax, %ds",
    "    movw %ax, %es",
    "    movw %ax, %fs",
    "    movw %ax, %gs",
    "    movw %ax, %ss",
    "    ljmpl ${ke32sel}, $(_warp64 - {kzero})",
    // The Multiboot header: 4-byte aligned, within the first 8 KiB of
    // the file (kernel.ld puts .text.boot first).
    "    .balign 4",
    ".globl _multibootheader",
    "_multibootheader:",
    "    .long {mbmagic}",
    "    .long {mbflags}",
    "    .long {mbchecksum}",
    "    .long _multibootheader - {kzero}", // header_addr
    "    .long _protected - {kzero}",       // load_addr
    "    .long edata - {kzero}",            // load_end_addr
    "    .long end - {kzero}",              // bss_end_addr
    "    .long _multibootentry - {kzero}",  // entry_addr
    // The loader jumps here with EAX = 0x2BADB002 and EBX = the physical
    // address of its information structure; the segments are flat but the
    // GDT may be anywhere, so reload it (in _protected) before anything
    // reloads a segment register.
    ".globl _multibootentry",
    "_multibootentry:",
    "    movl %eax, (multibootmagic - {kzero})",
    "    movl %ebx, (multibootptr - {kzero})",
    "    jmp _protected",
    // Running on our own GDT, still 32-bit, paging off.
    "_warp64:",
    // Clear bss (which holds the page tables and the stack).
    "    cld",
    "    movl $(edata - {kzero}), %edi",
    "    movl $(end - {kzero}), %ecx",
    "    subl %edi, %ecx",
    "    shrl $2, %ecx",
    "    xorl %eax, %eax",
    "    rep stosl",
    // PML4[0] and PML4[KZERO] -> PDP.
    "    movl $(_pml4 - {kzero}), %esi",
    "    movl $(_pdp - {kzero} + {ptedir}), %edx",
    "    movl %edx, {pml4o0}(%esi)",
    "    movl %edx, {pml4okz}(%esi)",
    // PDP[0] and PDP[KZERO] -> PD0; PDP[KZERO+1GiB] -> PD1 (empty for
    // now, but present so that later mappings above 1 GiB need not
    // change the PDP).
    "    movl $(_pdp - {kzero}), %eax",
    "    movl $(_pd0 - {kzero} + {ptedir}), %edx",
    "    movl %edx, {pdpo0}(%eax)",
    "    movl %edx, {pdpokz}(%eax)",
    "    movl $(_pd1 - {kzero} + {ptedir}), %edx",
    "    movl %edx, {pdpokz1}(%eax)",
    // PD0: 512 2 MiB pages, physical 0 to 1 GiB.
    "    movl $(_pd0 - {kzero}), %edi",
    "    movl ${ptebig}, %eax",
    "    movl $512, %ecx",
    "1:",
    "    movl %eax, (%edi)",
    "    addl ${pg2m}, %eax",
    "    addl $8, %edi",
    "    loop 1b",
    // Into long mode: CR3, then PAE and global pages (and SSE) in CR4,
    // then EFER.LME, then paging in CR0, then a far jump to 64-bit code.
    "    movl %esi, %cr3",
    "    movl %cr4, %eax",
    "    andl ${cr4clr}, %eax",
    "    orl ${cr4set}, %eax",
    "    movl %eax, %cr4",
    "    movl ${msrefer}, %ecx",
    "    rdmsr",
    "    orl ${eferlme}, %eax",
    "    wrmsr",
    "    movl %cr0, %edx",
    "    andl ${cr0clr}, %edx",
    "    orl ${cr0set}, %edx",
    "    movl %edx, %cr0",
    "    ljmpl ${kesel}, $(_identity - {kzero})",
    // Long mode, still at the physical (identity-mapped) address.
    ".code64",
    "_identity:",
    "    movabsq $_start64v, %rax",
    "    jmpq *%rax",
    // Now at the linked, higher-half address.
    "_start64v:",
    "    lgdt _gdtptr64v(%rip)",
    "    xorl %eax, %eax",
    "    movw %ax, %ds",
    "    movw %ax, %es",
    "    movw %ax, %fs",
    "    movw %ax, %gs",
    "    movw %ax, %ss",
    "    lldt %ax",
    "    leaq (_bootstack + {bootstack})(%rip), %rsp",
    "    xorl %ebp, %ebp",
    "    pushq $0", // clear the flags, DF and IF among them
    "    popfq",
    "    movl multibootmagic(%rip), %edi",
    "    movl multibootptr(%rip), %esi",
    "    call main",
    "2:",
    "    cli",
    "    hlt",
    "    jmp 2b",
    // The GDT and the pointers lgdt loads.
    "    .balign 16",
    "_gdt:",
    "    .quad 0",
    "    .long 0xFFFF, {gdtke}",
    "    .long 0xFFFF, {gdtkd}",
    "    .long 0xFFFF, {gdtke32}",
    "_gdtptr32p:",
    "    .word {ngdt}*8-1",
    "    .long _gdt - {kzero}",
    "    .balign 8",
    ".globl _gdtptr64v",
    "_gdtptr64v:",
    "    .word {ngdt}*8-1",
    "    .quad _gdt",
    // Saved by _multibootentry, before bss is cleared, so in data.
    ".section .data.multiboot, \"aw\"",
    "    .balign 4",
    ".globl multibootmagic",
    "multibootmagic:",
    "    .long 0",
    ".globl multibootptr",
    "multibootptr:",
    "    .long 0",
    ".section .bss.boot, \"aw\", @nobits",
    "    .balign 4096",
    ".globl _pml4",
    "_pml4:",
    "    .skip 4096",
    "_pdp:",
    "    .skip 4096",
    "_pd0:",
    "    .skip 4096",
    ".globl _pd1",
    "_pd1:",
    "    .skip 4096",
    "_bootstack:",
    "    .skip {bootstack}",
    ".text",
    kzero = const KZERO as i64,
    kdsel = const KDSEL,
    ke32sel = const KE32SEL,
    kesel = const KESEL,
    mbmagic = const MBMAGIC,
    mbflags = const MBFLAGS,
    mbchecksum = const MBCHECKSUM,
    ptedir = const PTEDIR,
    ptebig = const PTEBIG,
    pml4o0 = const ptlx(0, 3) * 8,
    pml4okz = const ptlx(KZERO, 3) * 8,
    pdpo0 = const ptlx(0, 2) * 8,
    pdpokz = const ptlx(KZERO, 2) * 8,
    pdpokz1 = const ptlx(KZERO + pglsz(2), 2) * 8,
    pg2m = const pglsz(1),
    cr4clr = const !CR4PSE,
    cr4set = const CR4PAE | CR4PGE | CR4OSFXSR | CR4OSXMMEXCPT,
    msrefer = const MSREFER,
    eferlme = const EFERLME,
    cr0clr = const !(CR0EM | CR0TS | CR0NW | CR0CD),
    cr0set = const CR0PE | CR0MP | CR0NE | CR0WP | CR0PG,
    bootstack = const BOOTSTACK,
    gdtke = const GDTKE,
    gdtkd = const GDTKD,
    gdtke32 = const GDTKE32,
    ngdt = const NGDT,
    options(att_syntax),
);

// The selector arithmetic above assumes these.
const _: () = assert!(selector(1, 0, 0) == KESEL && KESEL == 8);

/// Read a byte from an I/O port.
///
/// # Safety
/// Port I/O can reconfigure or disturb any device; the caller must know
/// what the port is and that reading it has no harmful side effect.
#[inline]
#[allow(dead_code)]
pub unsafe fn inb(port: u16) -> u8 {
    let v: u8;
    // SAFETY: the caller vouches for the port; `in` touches no memory.
    unsafe {
        asm!("in al, dx", out("al") v, in("dx") port, options(nomem, nostack, preserves_flags))
    };
    v
}

/// Write a byte to an I/O port.
///
/// # Safety
/// As for [`inb`].
#[inline]
pub unsafe fn outb(port: u16, v: u8) {
    // SAFETY: the caller vouches for the port; `out` touches no memory.
    unsafe {
        asm!("out dx, al", in("dx") port, in("al") v, options(nomem, nostack, preserves_flags))
    };
}

/// Read a 32-bit word from an I/O port.
///
/// # Safety
/// As for [`inb`].
#[inline]
#[allow(dead_code)]
pub unsafe fn inl(port: u16) -> u32 {
    let v: u32;
    // SAFETY: the caller vouches for the port; `in` touches no memory.
    unsafe {
        asm!("in eax, dx", out("eax") v, in("dx") port, options(nomem, nostack, preserves_flags))
    };
    v
}

/// Write a 32-bit word to an I/O port.
///
/// # Safety
/// As for [`inb`].
#[inline]
pub unsafe fn outl(port: u16, v: u32) {
    // SAFETY: the caller vouches for the port; `out` touches no memory.
    unsafe {
        asm!("out dx, eax", in("dx") port, in("eax") v, options(nomem, nostack, preserves_flags))
    };
}

// The interrupt entry points (l.s's `vectortable` and `_intrcommon`):
// 256 stubs, 16 bytes apart from `vectortable`, each pushing a zero error
// code when the processor pushes none, then its vector number, then
// jumping to `_intrcommon`. That completes a `Ureg` (trap.rs) on the
// stack: the general registers below `type`, `error` and the processor's
// frame. The SSE/x87 state is saved below the Ureg with fxsave, since
// kernel code uses xmm registers (9front saves it in fpu.c only for
// processes). `trap` gets the Ureg's address; on return the state is
// restored and iretq resumes the interrupted code. A trap from ring 3
// arrives on the TSS's RSP0 (the process's kernel stack) and swaps GS on
// the way in and out; one in ring 0 stays on the current stack.
global_asm!(
    ".section .text",
    ".balign 16",
    ".globl vectortable",
    "vectortable:",
    ".set vno, 0",
    ".rept 256",
    "    .balign 16",
    "    .if (vno == 8) || (vno == 10) || (vno == 11) || (vno == 12) || (vno == 13) || (vno == 14) || (vno == 17) || (vno == 21) || (vno == 29) || (vno == 30)",
    "    .else",
    "    pushq $0",
    "    .endif",
    "    pushq $vno",
    "    jmp _intrcommon",
    "    .set vno, vno+1",
    ".endr",
    ".globl vectortableend",
    "vectortableend:",
    "_intrcommon:",
    // From ring 3 (the old CS's privilege bits): GS to the kernel's.
    "    testb $3, 24(%rsp)",
    "    jz 1f",
    "    swapgs",
    "1:",
    "    pushq $0", // ds, es, fs, gs: not kept in long mode
    "    pushq %r15",
    "    pushq %r14",
    "    pushq %r13",
    "    pushq %r12",
    "    pushq %r11",
    "    pushq %r10",
    "    pushq %r9",
    "    pushq %r8",
    "    pushq %rbp",
    "    pushq %rdi",
    "    pushq %rsi",
    "    pushq %rdx",
    "    pushq %rcx",
    "    pushq %rbx",
    "    pushq %rax",
    "    movq %rsp, %rbx",
    "    subq $512, %rsp",
    "    andq $-16, %rsp",
    "    fxsave64 (%rsp)",
    "    cld",
    "    movq %rbx, %rdi",
    "    xorl %r12d, %r12d",
    "5:",
    "    testq %r12, %r12",
    "    jnz 2f",
    "    call trap",
    "    jmp 3f",
    "2:",
    "    call syscall",
    "3:",
    "    fxrstor64 (%rsp)",
    "    movq %rbx, %rsp",
    // touser arrives here with the Ureg it made at %rsp.
    "_intrrestore:",
    "    popq %rax",
    "    popq %rbx",
    "    popq %rcx",
    "    popq %rdx",
    "    popq %rsi",
    "    popq %rdi",
    "    popq %rbp",
    "    popq %r8",
    "    popq %r9",
    "    popq %r10",
    "    popq %r11",
    "    popq %r12",
    "    popq %r13",
    "    popq %r14",
    "    popq %r15",
    // Back to ring 3: the user's GS again.
    "    testb $3, 32(%rsp)",
    "    jz 4f",
    "    swapgs",
    "4:",
    "    addq $24, %rsp", // segments, type, error
    "    iretq",
    // syscallentry: SYSCALL from ring 3 arrives here (LSTAR), with the
    // user's pc in RCX, flags in R11, interrupts off (SFMASK), still on
    // the user's stack. As 9front's: swap to the kernel's GS, move to
    // up's kernel stack and build the frame a trap from ring 3 would
    // have (UDSEL, sp, flags, UESEL, pc, error 0, type 64), then the
    // rest of the Ureg as _intrcommon does; `syscall` gets it. The
    // system call number is in RBP (9front's RARG), the arguments on
    // the user stack above the return address. The way back is
    // _intrcommon's, with iretq rather than 9front's SYSRET, so every
    // register comes back as the Ureg holds it.
    ".globl syscallentry",
    "syscallentry:",
    "    swapgs",
    "    movq %rsp, %gs:{machusp}",
    "    movq %gs:{machkstack}, %rsp",
    "    pushq ${udsel}",
    "    pushq %gs:{machusp}",
    "    pushq %r11",
    "    pushq ${uesel}",
    "    pushq %rcx",
    "    pushq $0",
    "    pushq ${vsyscall}",
    "    pushq $0",
    "    pushq %r15",
    "    pushq %r14",
    "    pushq %r13",
    "    pushq %r12",
    "    pushq %r11",
    "    pushq %r10",
    "    pushq %r9",
    "    pushq %r8",
    "    pushq %rbp",
    "    pushq %rdi",
    "    pushq %rsi",
    "    pushq %rdx",
    "    pushq %rcx",
    "    pushq %rbx",
    "    pushq %rax",
    "    movq %rsp, %rbx",
    "    subq $512, %rsp",
    "    andq $-16, %rsp",
    "    fxsave64 (%rsp)",
    "    cld",
    "    movq %rbx, %rdi",
    "    movl $1, %r12d",
    "    jmp 5b",
    // touser(ureg): enter ring 3 with the registers of the Ureg at
    // `ureg` (on the current kernel stack, which is then abandoned).
    ".globl touser",
    "touser:",
    "    movq %rdi, %rsp",
    "    jmp _intrrestore",
    // labelswitch(save, to): l.s's setlabel on `save` followed by
    // gotolabel of `to`. A Label holds sp and pc and, unlike 9front's
    // (whose compiler keeps nothing in registers across calls), the
    // System V callee-saved registers. Resuming `save` later returns
    // from this call.
    ".globl labelswitch",
    "labelswitch:",
    "    movq (%rsp), %rax",
    "    leaq 8(%rsp), %rcx",
    "    movq %rcx, 0(%rdi)",
    "    movq %rax, 8(%rdi)",
    "    movq %rbx, 16(%rdi)",
    "    movq %rbp, 24(%rdi)",
    "    movq %r12, 32(%rdi)",
    "    movq %r13, 40(%rdi)",
    "    movq %r14, 48(%rdi)",
    "    movq %r15, 56(%rdi)",
    "    movq %rsi, %rdi",
    // gotolabel(to): load the registers and jump to its pc.
    ".globl gotolabel",
    "gotolabel:",
    "    movq 16(%rdi), %rbx",
    "    movq 24(%rdi), %rbp",
    "    movq 32(%rdi), %r12",
    "    movq 40(%rdi), %r13",
    "    movq 48(%rdi), %r14",
    "    movq 56(%rdi), %r15",
    "    movq 0(%rdi), %rsp",
    "    jmpq *8(%rdi)",
    machusp = const crate::dat::MACHUSP,
    machkstack = const crate::dat::MACHKSTACK,
    udsel = const crate::mem::UDSEL,
    uesel = const crate::mem::UESEL,
    vsyscall = const crate::trap::VECTORSYSCALL,
    options(att_syntax),
);

/// Distance between entry stubs in `vectortable`.
pub const VECTORSTRIDE: u64 = 16;

/// A saved context (9front's `Label`): stack and program counter, and
/// the registers the System V ABI has a callee preserve.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub struct Label {
    pub sp: u64,
    pub pc: u64,
    pub regs: [u64; 6],
}

extern "C" {
    static vectortable: u8;
    static vectortableend: u8;
    fn labelswitch(save: *mut Label, to: *const Label);
    fn gotolabel(to: *const Label) -> !;
    fn syscallentry();
    #[link_name = "touser"]
    fn touser_(ureg: *const crate::trap::Ureg) -> !;
}

/// The address of `syscallentry`, for LSTAR.
pub fn syscallentryaddr() -> u64 {
    syscallentry as *const () as u64
}

/// `touser`: leave the kernel for ring 3 with the registers in `ureg`.
///
/// # Safety
/// `ureg` must be on the current kernel stack (which is abandoned: what
/// is on it is never dropped), with a user pc, flags, stack and the
/// user selectors; the current address space must map the user's pages;
/// interrupts off; this processor's kernel stack (TSS RSP0 and
/// `m->kstack`) must be the running process's.
pub unsafe fn touser(ureg: &crate::trap::Ureg) -> ! {
    // SAFETY: as the caller promises.
    unsafe { touser_(ureg) }
}

/// `lgdt`: load the GDT register.
///
/// # Safety
/// `base` must hold `limit+1` bytes of descriptors that stay put, with
/// the kernel's code and data selectors unchanged.
pub unsafe fn lgdt(base: u64, limit: u16) {
    #[repr(C, packed)]
    struct Ptr {
        limit: u16,
        base: u64,
    }
    let p = Ptr { limit, base };
    // SAFETY: as the caller promises; lgdt only reads the pointer.
    unsafe { asm!("lgdt [{}]", in(reg) &p, options(readonly, nostack, preserves_flags)) };
}

/// `ltr`: load the task register.
///
/// # Safety
/// `sel` must select an available TSS descriptor of the current GDT.
pub unsafe fn ltr(sel: u16) {
    // SAFETY: as the caller promises.
    unsafe { asm!("ltr {0:x}", in(reg) sel, options(nostack, preserves_flags)) };
}

/// The address of the entry stub of vector `v`.
pub fn vectoraddr(v: u8) -> u64 {
    let (b, e) = (
        core::ptr::addr_of!(vectortable) as u64,
        core::ptr::addr_of!(vectortableend) as u64,
    );
    debug_assert!(e - b <= 256 * VECTORSTRIDE);
    b + v as u64 * VECTORSTRIDE
}

/// Save the current context in `save` and continue at `to`; returns
/// when something switches back to `save`.
///
/// # Safety
/// `to` must hold a context saved by this function or made for a new
/// process (a stack it owns, an entry that never returns), and both must
/// stay valid until used. Call with interrupts off.
pub unsafe fn switchlabel(save: *mut Label, to: *const Label) {
    // SAFETY: as the caller promises.
    unsafe { labelswitch(save, to) }
}

/// Continue at `to` for good.
///
/// # Safety
/// As for [`switchlabel`].
#[allow(dead_code)]
pub unsafe fn jumplabel(to: *const Label) -> ! {
    // SAFETY: as the caller promises.
    unsafe { gotolabel(to) }
}

/// Load the interrupt descriptor table register.
///
/// # Safety
/// `base` must point to `limit+1` bytes of valid gate descriptors that
/// stay put for as long as interrupts can happen.
pub unsafe fn lidt(base: u64, limit: u16) {
    #[repr(C, packed)]
    struct Ptr {
        limit: u16,
        base: u64,
    }
    let p = Ptr { limit, base };
    // SAFETY: as the caller promises; lidt only reads the pointer.
    unsafe { asm!("lidt [{}]", in(reg) &p, options(readonly, nostack, preserves_flags)) };
}

const IF: u64 = 1 << 9;

fn getflags() -> u64 {
    let f: u64;
    // SAFETY: pushfq/pop reads the flags and touches only the stack.
    unsafe { asm!("pushfq", "pop {}", out(reg) f, options(nomem, preserves_flags)) };
    f
}

/// `splhi`: interrupts off; returns whether they were on.
pub fn splhi() -> bool {
    let was = getflags() & IF != 0;
    // SAFETY: disabling interrupts touches no memory. The compiler
    // barrier (no `nomem`) keeps memory accesses from moving out of the
    // section this opens.
    unsafe { asm!("cli", options(nostack)) };
    was
}

/// `spllo`: interrupts on; returns whether they were on.
pub fn spllo() -> bool {
    let was = getflags() & IF != 0;
    // SAFETY: enabling interrupts touches no memory; the handlers save
    // and restore all state they change.
    unsafe { asm!("sti", options(nostack)) };
    was
}

/// `splx`: interrupts on if `on`, as [`splhi`] or [`spllo`] said.
pub fn splx(on: bool) {
    if on {
        spllo();
    } else {
        splhi();
    }
}

/// `islo`: whether interrupts are on.
#[allow(dead_code)]
pub fn islo() -> bool {
    getflags() & IF != 0
}

/// `idle` of l.s: enable interrupts and halt until one arrives, then
/// disable them again. The sti's one-instruction shadow makes sure the
/// interrupt cannot slip in before the hlt.
pub fn idlehlt() {
    // SAFETY: waits for an interrupt; the handlers preserve all state.
    unsafe { asm!("sti", "hlt", "cli", options(nostack)) };
}

macro_rules! getcr {
    ($name:ident, $reg:literal) => {
        /// Read a control register.
        pub fn $name() -> u64 {
            let v: u64;
            // SAFETY: reading a control register in ring 0 has no effect.
            unsafe { asm!(concat!("mov {}, ", $reg), out(reg) v, options(nomem, nostack, preserves_flags)) };
            v
        }
    };
}
getcr!(getcr0, "cr0");
getcr!(getcr2, "cr2");
getcr!(getcr3, "cr3");
getcr!(getcr4, "cr4");

/// `cycles`: the time-stamp counter.
#[allow(dead_code)]
pub fn rdtsc() -> u64 {
    let (lo, hi): (u32, u32);
    // SAFETY: rdtsc reads a counter and touches no memory.
    unsafe {
        asm!("rdtsc", out("eax") lo, out("edx") hi, options(nomem, nostack, preserves_flags))
    };
    (hi as u64) << 32 | lo as u64
}

/// Turn interrupts off and halt this processor for good.
///
/// l.s has `idle` (STI; HLT), which waits for the next interrupt; with
/// no interrupt handling yet, this is the only way to stop.
pub fn halt() -> ! {
    loop {
        // SAFETY: disabling interrupts and halting changes no memory and
        // cannot break any invariant; a non-maskable interrupt would
        // resume after the hlt, and the loop halts again.
        unsafe { asm!("cli", "hlt", options(nomem, nostack)) };
    }
}

/// `IA32_GS_BASE`, where dat.rs keeps the processor's Mach.
pub const MSRGSBASE: u32 = 0xc000_0101;
/// `IA32_KERNEL_GS_BASE`: the GS base `swapgs` exchanges (the user's, 0,
/// while the kernel runs).
pub const MSRKGSBASE: u32 = 0xc000_0102;
/// `Efer`, and its system-call enable bit.
pub const MSREFERX: u32 = 0xc000_0080;
pub const EFERSCE: u64 = 1;
/// `Star`, `Lstar`, `Sfmask`: SYSCALL's selectors, entry and flag mask.
pub const MSRSTAR: u32 = 0xc000_0081;
pub const MSRLSTAR: u32 = 0xc000_0082;
pub const MSRSFMASK: u32 = 0xc000_0084;

/// `rdmsr`.
///
/// # Safety
/// `msr` must exist on this processor (else #GP).
#[allow(dead_code)]
pub unsafe fn rdmsr(msr: u32) -> u64 {
    let (lo, hi): (u32, u32);
    // SAFETY: as the caller promises; rdmsr touches no memory.
    unsafe {
        asm!("rdmsr", in("ecx") msr, out("eax") lo, out("edx") hi, options(nomem, nostack, preserves_flags))
    };
    (hi as u64) << 32 | lo as u64
}

/// `wrmsr`.
///
/// # Safety
/// `msr` must exist, and the value must not break what the kernel
/// relies on (paging, segments, the GS base of dat.rs).
pub unsafe fn wrmsr(msr: u32, v: u64) {
    // SAFETY: as the caller promises.
    unsafe {
        asm!("wrmsr", in("ecx") msr, in("eax") v as u32, in("edx") (v >> 32) as u32, options(nostack, preserves_flags))
    };
}

/// `coherence`: a full memory barrier (mfence).
pub fn coherence() {
    // SAFETY: a fence has no effect but ordering.
    unsafe { asm!("mfence", options(nostack, preserves_flags)) };
}

/// Write CR3 (load a page-table root).
///
/// # Safety
/// `pml4` must be the physical address of a PML4 that maps the kernel
/// (text, data, stacks, KZERO) exactly as the current one does.
pub unsafe fn putcr3(pml4: u64) {
    // SAFETY: as the caller promises.
    unsafe { asm!("mov cr3, {}", in(reg) pml4, options(nostack, preserves_flags)) };
}

/// `invlpg`: drop the TLB entry of `va`.
pub fn invlpg(va: u64) {
    // SAFETY: invalidating a TLB entry cannot make any access wrong.
    unsafe { asm!("invlpg [{}]", in(reg) va, options(nostack, preserves_flags)) };
}

/// `cpuid`: (eax, ebx, ecx, edx) of leaf `ax`, subleaf `cx`.
pub fn cpuid(ax: u32, cx: u32) -> (u32, u32, u32, u32) {
    let r = core::arch::x86_64::__cpuid_count(ax, cx);
    (r.eax, r.ebx, r.ecx, r.edx)
}

/// Where the application processors' bootstrap is copied (9front's
/// APBOOTSTRAP, minus KZERO): a page in the first 64 KiB, since the
/// code below addresses itself with 16-bit offsets from segment 0.
pub const APBOOTSTRAP: u64 = 0x7000;
/// Offsets of the words mpstartap fills in the copied bootstrap.
pub const APVECTOR: u64 = 0x08;
pub const APPML4: u64 = 0x10;
pub const APSTACK: u64 = 0x18;
pub const APMACH: u64 = 0x20;

// The application processor bootstrap (9front's pc64/apbootstrap.s).
// mpstartap copies the bytes from `apbootstrap` to `apbootstrapend` to
// physical APBOOTSTRAP and sends the processor a startup IPI; it starts
// in real mode at APBOOTSTRAP:0 (CS = APBOOTSTRAP/16). Every reference to
// the bootstrap's own bytes is `APBOOTSTRAP + (label - apbootstrap)`, so
// the copy works wherever the kernel was linked. As apbootstrap.s it
// loads a small GDT, enters protected mode, loads the page tables
// mpstartap gives it (the boot PML4, which maps low memory at 0 as well
// as at KZERO), enables PAE and long mode, and jumps to 64-bit code
// still in the copy; that loads the kernel's GDT and calls the entry
// (squidboy) with the Mach as argument on the stack it was given.
// Differences: the stack is one of its own (apbootstrap.s uses the Mach
// page), the Mach goes in RDI rather than RMACH, SSE is enabled in CR4
// and CR0 as for the boot processor, and there is no EFER.NXE yet.
global_asm!(
    ".pushsection .text.apboot, \"ax\"",
    ".code16",
    ".globl apbootstrap",
    "apbootstrap:",
    "    jmp 3f",
    "    .balign 8",
    "_apvector: .quad 0", // +0x08
    "_appml4: .quad 0",   // +0x10
    "_apstack: .quad 0",  // +0x18
    "_apmach: .quad 0",   // +0x20
    "    .balign 8",
    "_apgdt:",
    "    .quad 0",
    "    .long 0xFFFF, {gdtke}",
    "    .long 0xFFFF, {gdtkd}",
    "    .long 0xFFFF, {gdtke32}",
    "_apgdtptr:",
    "    .word 4*8-1",
    "    .long {apb} + (_apgdt - apbootstrap)",
    "3:",
    "    cli",
    "    cld",
    "    xorw %ax, %ax",
    "    movw %ax, %ds",
    "    lgdtl ({apb} + (_apgdtptr - apbootstrap))",
    "    movl %cr0, %eax",
    "    orl ${cr0pe}, %eax",
    "    movl %eax, %cr0",
    "    ljmpl ${ke32sel}, ${apb} + (_ap32 - apbootstrap)",
    ".code32",
    "_ap32:",
    "    movw ${kdsel}, %ax",
    "    movw %ax, %ds",
    "    movw %ax, %es",
    "    movw %ax, %fs",
    "    movw %ax, %gs",
    "    movw %ax, %ss",
    "    movl %cr4, %eax",
    "    andl ${cr4clr}, %eax",
    "    orl ${cr4set}, %eax",
    "    movl %eax, %cr4",
    "    movl ({apb} + (_appml4 - apbootstrap)), %eax",
    "    movl %eax, %cr3",
    "    movl ${msrefer}, %ecx",
    "    rdmsr",
    "    orl ${eferlme}, %eax",
    "    wrmsr",
    "    movl %cr0, %edx",
    "    andl ${cr0clr}, %edx",
    "    orl ${cr0set}, %edx",
    "    movl %edx, %cr0",
    "    ljmpl ${kesel}, ${apb} + (_ap64 - apbootstrap)",
    ".code64",
    "_ap64:",
    "    movabsq $_gdtptr64v, %rax",
    "    lgdt (%rax)",
    "    xorl %eax, %eax",
    "    movw %ax, %ds",
    "    movw %ax, %es",
    "    movw %ax, %fs",
    "    movw %ax, %gs",
    "    movw %ax, %ss",
    "    lldt %ax",
    "    movq ({apb} + (_apstack - apbootstrap)), %rsp",
    "    movq ({apb} + (_apmach - apbootstrap)), %rdi",
    "    xorl %ebp, %ebp",
    "    pushq $0",
    "    popfq",
    "    movq ({apb} + (_apvector - apbootstrap)), %rax",
    "    call *%rax",
    "4:",
    "    cli",
    "    hlt",
    "    jmp 4b",
    ".globl apbootstrapend",
    "apbootstrapend:",
    ".popsection",
    apb = const APBOOTSTRAP,
    gdtke = const GDTKE,
    gdtkd = const GDTKD,
    gdtke32 = const GDTKE32,
    cr0pe = const CR0PE,
    ke32sel = const KE32SEL,
    kdsel = const KDSEL,
    kesel = const KESEL,
    cr4clr = const !CR4PSE,
    cr4set = const CR4PAE | CR4PGE | CR4OSFXSR | CR4OSXMMEXCPT,
    msrefer = const MSREFER,
    eferlme = const EFERLME,
    cr0clr = const !(CR0EM | CR0TS | CR0NW | CR0CD),
    cr0set = const CR0PE | CR0MP | CR0NE | CR0WP | CR0PG,
    options(att_syntax),
);

extern "C" {
    static apbootstrap: u8;
    static apbootstrapend: u8;
}

/// The bytes of the application processor bootstrap, to be copied to
/// [`APBOOTSTRAP`].
pub fn apbootstrapcode() -> &'static [u8] {
    let (b, e) = (
        core::ptr::addr_of!(apbootstrap),
        core::ptr::addr_of!(apbootstrapend),
    );
    // SAFETY: both symbols delimit the bootstrap's bytes in the kernel's
    // text, which is mapped and never written.
    unsafe { core::slice::from_raw_parts(b, e as usize - b as usize) }
}
