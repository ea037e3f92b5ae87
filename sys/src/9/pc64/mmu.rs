//! Kernel address translation.
//!
//! Ports `kaddr` and `paddr` from 9front `sys/src/9/pc64/mmu.c`, and
//! nothing else of it yet (no page-table walking, no user mappings, no
//! VMAP). Differences: instead of panicking on an address outside the
//! KZERO window, `kaddr` and `paddr` return `None`; and the window is
//! only what `l.rs` mapped at boot (`mem::BOOTMAPPED`, 1 GiB) rather
//! than all of the 2 GiB above KZERO. [`bootbytes`] is new: it lends out
//! memory the boot loader left (the Multiboot information) as a slice.

use crate::mem::{BOOTMAPPED, KZERO};

/// The kernel virtual address of physical address `pa`, if mapped.
pub fn kaddr(pa: u64) -> Option<u64> {
    if pa < BOOTMAPPED {
        Some(pa + KZERO)
    } else {
        None
    }
}

/// The physical address of kernel virtual address `va`, if it is in the
/// KZERO window.
#[allow(dead_code)]
pub fn paddr(va: u64) -> Option<u64> {
    if va >= KZERO && va - KZERO < BOOTMAPPED {
        Some(va - KZERO)
    } else {
        None
    }
}

/// The `len` bytes of physical memory at `pa`, read through the KZERO
/// map, or `None` if any of them is outside it or `pa` is 0.
///
/// Meant for data the boot loader left behind, which nothing in the
/// kernel writes: the Multiboot information, its memory map and command
/// line.
pub fn bootbytes(pa: u64, len: usize) -> Option<&'static [u8]> {
    if pa == 0 || pa.checked_add(len as u64)? > BOOTMAPPED {
        return None;
    }
    let va = kaddr(pa)?;
    // SAFETY: [pa, pa+len) lies below BOOTMAPPED, which l.rs mapped
    // read-write at KZERO for the kernel's lifetime, so the range is
    // readable; it is not null, u8 needs no alignment, and len fits in
    // isize because BOOTMAPPED does. The only memory there that the
    // kernel writes is its own image, page tables and stack; the callers
    // pass only loader data, which is outside that image (the loader
    // must not put it inside the load_addr..bss_end_addr range it was
    // given), so nothing mutates the bytes while the slice lives.
    Some(unsafe { core::slice::from_raw_parts(va as *const u8, len) })
}

/// The NUL-terminated string at physical address `pa`, at most `max`
/// bytes of it, clipped to the KZERO window.
pub fn bootstr(pa: u64, max: usize) -> Option<&'static [u8]> {
    let room = BOOTMAPPED.checked_sub(pa)?;
    let b = bootbytes(pa, max.min(room as usize))?;
    Some(crate::bootargs::cstr(b))
}
