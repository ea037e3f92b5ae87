//! The C library routines the compiler's output calls: `memmove`,
//! `memcpy`, `memset`, `memcmp`, `bcmp` and `strlen`; and the two
//! unwinding symbols the prebuilt `alloc`/`core` refer to.
//!
//! Ports 9front `sys/src/libc/amd64/memmove.s`, `memset.s`, `memcmp.s`
//! and `strlen.s`, which a 9front kernel gets by linking /amd64/lib/libc.a.
//! planten's kernel cannot link a C library, and the host's prebuilt
//! `compiler_builtins` does not export these symbols, so the kernel
//! carries them itself; this module gathers them, named after the
//! library they come from. Differences: the string instructions do the
//! work (`rep movsb`, `rep stosb`), without 9front's word-at-a-time
//! paths; `memcpy` is `memmove` (as in 9front, where memcpy.s is the same
//! code); `bcmp` is `memcmp`. The comparison and `strlen` are byte loops
//! through volatile reads, so that LLVM cannot recognise them as calls to
//! the very routines being defined.
//!
//! `_Unwind_Resume` and `rust_eh_personality` have no 9front
//! counterpart: the prebuilt `alloc` is compiled with unwinding and
//! refers to them, although with `panic = "abort"` they are never
//! called.

use core::arch::asm;

/// Copy `n` bytes from `s2` to `s1`; the areas may overlap.
///
/// # Safety
/// `s1` must be valid for `n` writes and `s2` for `n` reads.
#[no_mangle]
pub unsafe extern "C" fn memmove(s1: *mut u8, s2: *const u8, n: usize) -> *mut u8 {
    if (s1 as usize).wrapping_sub(s2 as usize) >= n {
        // Destination below the source, or no overlap: copy forwards.
        // SAFETY: the caller guarantees both areas; DF is clear (the
        // System V ABI requires it on entry and exit of every function).
        unsafe {
            asm!("rep movsb", inout("rcx") n => _, inout("rdi") s1 => _, inout("rsi") s2 => _,
                options(nostack, preserves_flags));
        }
    } else {
        // Destination overlaps the source from above: copy backwards,
        // starting with the last byte, and clear DF again afterwards.
        // SAFETY: as above; n > 0 here, so the last-byte pointers are
        // within the areas.
        unsafe {
            asm!("std", "rep movsb", "cld", inout("rcx") n => _,
                inout("rdi") s1.add(n - 1) => _, inout("rsi") s2.add(n - 1) => _,
                options(nostack));
        }
    }
    s1
}

/// Copy `n` bytes from `s2` to `s1`.
///
/// # Safety
/// As for [`memmove`].
#[no_mangle]
pub unsafe extern "C" fn memcpy(s1: *mut u8, s2: *const u8, n: usize) -> *mut u8 {
    // SAFETY: same contract.
    unsafe { memmove(s1, s2, n) }
}

/// Set `n` bytes at `p` to `c`.
///
/// # Safety
/// `p` must be valid for `n` writes.
#[no_mangle]
pub unsafe extern "C" fn memset(p: *mut u8, c: i32, n: usize) -> *mut u8 {
    // SAFETY: the caller guarantees the area; DF is clear.
    unsafe {
        asm!("rep stosb", inout("rcx") n => _, inout("rdi") p => _, in("al") c as u8,
            options(nostack, preserves_flags));
    }
    p
}

/// Compare `n` bytes; the sign of the result is that of the first
/// differing byte of `s1` minus that of `s2` (as unsigned bytes).
///
/// # Safety
/// Both areas must be valid for `n` reads.
#[no_mangle]
pub unsafe extern "C" fn memcmp(s1: *const u8, s2: *const u8, n: usize) -> i32 {
    let mut i = 0;
    while i < n {
        // SAFETY: i < n, and the caller guarantees n readable bytes.
        let (a, b) = unsafe { (s1.add(i).read_volatile(), s2.add(i).read_volatile()) };
        if a != b {
            return a as i32 - b as i32;
        }
        i += 1;
    }
    0
}

/// Compare `n` bytes for equality only.
///
/// # Safety
/// As for [`memcmp`].
#[no_mangle]
pub unsafe extern "C" fn bcmp(s1: *const u8, s2: *const u8, n: usize) -> i32 {
    // SAFETY: same contract.
    unsafe { memcmp(s1, s2, n) }
}

/// Length of the NUL-terminated string at `s`.
///
/// # Safety
/// `s` must point to a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn strlen(s: *const u8) -> usize {
    let mut n = 0;
    // SAFETY: the caller guarantees a terminating NUL, so every byte up
    // to and including it is readable.
    while unsafe { s.add(n).read_volatile() } != 0 {
        n += 1;
    }
    n
}

/// Never called: with `panic = "abort"` nothing unwinds.
#[no_mangle]
pub extern "C" fn _Unwind_Resume() -> ! {
    crate::l::halt()
}

/// Never called: with `panic = "abort"` nothing unwinds.
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}
