//! Memory and machine constants of the amd64 kernel.
//!
//! Ports 9front `sys/src/9/pc64/mem.h`. Only the constants the boot
//! skeleton needs are here so far: the size units, the page size, the
//! kernel's virtual layout (KZERO, KTZERO), the segment selectors and
//! the page-table-entry bits. The C macros (`ROUND`, `PTLX`, `PGLSZ`...)
//! become `const fn`s. The fixed low-memory addresses of mem.h
//! (CPU0PML4, CPU0MACH, CONFADDR...) are not used: the boot page tables
//! and the boot stack live in the kernel's bss instead (see `l.rs`).
//!
//! The assembly in `l.rs` cannot see these constants through `const`
//! operands in every place it needs them (symbol arithmetic), so it
//! repeats KZERO; the linker script `kernel.ld` repeats KZERO and KTZERO.
//! Keep the three in step.

#![allow(dead_code)]

pub const KIB: u64 = 1024;
pub const MIB: u64 = 1024 * KIB;
pub const GIB: u64 = 1024 * MIB;
pub const TIB: u64 = 1024 * GIB;

/// Bytes per machine word.
pub const BY2WD: u64 = 8;
/// Bytes per page.
pub const BY2PG: u64 = 0x1000;
/// log2(BY2PG).
pub const PGSHIFT: u32 = 12;

/// Round `s` up to a multiple of `sz`, which must be a power of two.
pub const fn round(s: u64, sz: u64) -> u64 {
    (s + (sz - 1)) & !(sz - 1)
}

/// Round `s` up to a whole page.
pub const fn pground(s: u64) -> u64 {
    round(s, BY2PG)
}

/// Maximum number of processors.
pub const MAXMACH: usize = 128;
/// Size of a process's kernel stack.
pub const KSTACK: u64 = 32 * KIB;

/// Clock ticks per second.
pub const HZ: u64 = 100;

// User address space.
pub const UTZERO: u64 = 0x0000_0000_0020_0000;
pub const USTKTOP: u64 = 0x0000_7fff_ffff_f000;
pub const USTKSIZE: u64 = 16 * MIB;

/// Where physical memory is mapped in the kernel's address space.
pub const KZERO: u64 = 0xffff_ffff_8000_0000;
/// Where the kernel's text starts (and is linked): KZERO + 1 MiB + 64 KiB.
pub const KTZERO: u64 = KZERO + MIB + 64 * KIB;

/// How much physical memory `l.rs` maps at KZERO (and at 0) during boot.
/// Stands in for 9front's `MemMin` until memory.rs maps the rest.
pub const BOOTMAPPED: u64 = GIB;

// Segment descriptors in the GDT set up by l.rs, and their selectors.
pub const NULLSEG: u16 = 0;
/// Kernel 64-bit code.
pub const KESEG: u16 = 1;
/// Kernel data (flat 32-bit, used only before long mode).
pub const KDSEG: u16 = 2;
/// Flat 32-bit code, used only on the way into long mode.
pub const KE32SEG: u16 = 3;

pub const SELGDT: u16 = 0 << 2;

pub const fn selector(i: u16, t: u16, p: u16) -> u16 {
    (i << 3) | t | p
}

pub const KESEL: u16 = selector(KESEG, SELGDT, 0);
pub const KDSEL: u16 = selector(KDSEG, SELGDT, 0);
pub const KE32SEL: u16 = selector(KE32SEG, SELGDT, 0);
/// Number of GDT entries set up at boot.
pub const NGDT: u16 = 4;

// The processor's own GDT (mmu.rs's `gdtinit`), laid out as 9front's:
// slot 3 holds 32-bit user code there (the boot GDT's KE32SEG is needed
// only on the way into long mode), so that SYSRET's selector arithmetic
// (STAR) gives UDSEL and UESEL.
/// User 32-bit code.
pub const UE32SEG: u16 = 3;
/// User data and stack.
pub const UDSEG: u16 = 4;
/// User 64-bit code.
pub const UESEG: u16 = 5;
/// The task state segment (two descriptors).
pub const TSSSEG: u16 = 8;
/// Entries in the processor's GDT.
pub const NGDTMACH: u16 = 10;
pub const UE32SEL: u16 = selector(UE32SEG, SELGDT, 3);
pub const UDSEL: u16 = selector(UDSEG, SELGDT, 3);
pub const UESEL: u16 = selector(UESEG, SELGDT, 3);
pub const TSSSEL: u16 = selector(TSSSEG, SELGDT, 0);
/// A 64-bit TSS descriptor's type.
pub const SEGTSS: u32 = 0x9 << 8;

// Fields in the high word of a segment descriptor.
pub const SEGDATA: u32 = 0x10 << 8;
pub const SEGEXEC: u32 = 0x18 << 8;
pub const SEGP: u32 = 1 << 15;
pub const fn segpl(x: u32) -> u32 {
    x << 13
}
/// Default operand size 32 bits (code), or big (data).
pub const SEGD: u32 = 1 << 22;
pub const SEGB: u32 = 1 << 22;
pub const SEGW: u32 = 1 << 9;
pub const SEGR: u32 = 1 << 9;
/// 64-bit code segment.
pub const SEGL: u32 = 1 << 21;
/// Limit counts 4 KiB units.
pub const SEGG: u32 = 1 << 23;

// Page table entry bits.
pub const PTEVALID: u64 = 1 << 0;
pub const PTEWRITE: u64 = 1 << 1;
pub const PTEUSER: u64 = 1 << 2;
pub const PTEWT: u64 = 1 << 3;
pub const PTEUNCACHED: u64 = 1 << 4;
pub const PTEACCESSED: u64 = 1 << 5;
pub const PTEDIRTY: u64 = 1 << 6;
pub const PTESIZE: u64 = 1 << 7;
pub const PTEGLOBAL: u64 = 1 << 8;
pub const PTENOEXEC: u64 = 1 << 63;

/// Size of a page-table page.
pub const PTSZ: u64 = 4 * KIB;
/// Bits of virtual address resolved per page-table level.
pub const PTSHIFT: u32 = 9;

/// Index into the level-`l` page-table page for virtual address `v`
/// (level 3 is the PML4, 0 the page table).
pub const fn ptlx(v: u64, l: u32) -> u64 {
    (v >> (l * PTSHIFT + PGSHIFT)) & ((1 << PTSHIFT) - 1)
}

/// Size of the memory one level-`l` entry maps.
pub const fn pglsz(l: u32) -> u64 {
    1 << (l * PTSHIFT + PGSHIFT)
}
