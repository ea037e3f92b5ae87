//! `brk` and `sbrk`: a port of 9front's `sys/src/libc/9sys/sbrk.c`, for
//! planten's native programs (the allocator of `port/malloc.rs` grows the
//! heap with them).
//!
//! As in 9front, the break starts at `end` (the linker's end of the bss,
//! from `amd64/user.ld`), every break is rounded up to 8 bytes, and the
//! system call `brk_` moves the end of the bss segment, failing when it
//! cannot. What differs: Rust types (`sbrk` returns `None` rather than
//! `(void*)-1`, `brk` an error rather than -1), and the break is kept in
//! an atomic, since procs made with `rfork(RFMEM)` share it (callers
//! serialise growth: the allocator holds its lock).
#![allow(unsafe_code)]

use core::sync::atomic::{AtomicUsize, Ordering};

use crate::amd64::stubs;

/// sbrk.c's Round: breaks are multiples of 8.
const ROUND: usize = 7;

extern "C" {
    /// The end of the bss, defined by the linker script.
    static end: u8;
}

/// The current break; 0 until first used (then `end`).
static BLOC: AtomicUsize = AtomicUsize::new(0);

fn bloc() -> usize {
    match BLOC.load(Ordering::SeqCst) {
        // Only the address of the linker's symbol is taken (safe).
        0 => core::ptr::addr_of!(end) as usize,
        b => b,
    }
}

fn brk_(p: usize) -> bool {
    // SAFETY: brk_ passes an address, not a pointer the kernel follows.
    unsafe { stubs::brk_(p).make() >= 0 }
}

/// Sets the break to `p` (rounded up to 8); the error is the kernel's.
pub fn brk(p: usize) -> crate::syscall::Result<()> {
    let bl = (p + ROUND) & !ROUND;
    if !brk_(bl) {
        return Err(crate::amd64::syserr());
    }
    BLOC.store(bl, Ordering::SeqCst);
    Ok(())
}

/// Grows the break by `n` bytes from its current (rounded) value; returns
/// the start of the new memory, or `None` when the kernel refuses.
pub fn sbrk(n: usize) -> Option<*mut u8> {
    let bl = (bloc() + ROUND) & !ROUND;
    let top = bl.checked_add(n)?;
    if !brk_(top) {
        return None;
    }
    BLOC.store(top, Ordering::SeqCst);
    Some(bl as *mut u8)
}
