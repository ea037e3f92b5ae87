//! `memmove`: a port of 9front's `sys/src/libc/amd64/memmove.s` for
//! planten's native programs.
//!
//! The compiler's output calls `memmove` (and `memcpy`, `memset`,
//! `memcmp`, `bcmp`, `strlen`) by name, and the host's prebuilt
//! `compiler_builtins` does not define them, so a native program gets them
//! from libc, as a 9front program gets them from `/amd64/lib/libc.a`.
//! What differs from 9front's: the copy is `rep movsb` in either
//! direction, without the word-at-a-time loop (the string instructions are
//! fast on the processors planten runs on). On a host build (the tests)
//! the functions keep Rust names, so they do not replace the C library's.

use core::arch::asm;

/// Copies `n` bytes from `s2` to `s1`; the areas may overlap.
///
/// # Safety
/// `s1` must be valid for `n` writes and `s2` for `n` reads.
#[cfg_attr(all(feature = "native", not(test)), no_mangle)]
pub unsafe extern "C" fn memmove(s1: *mut u8, s2: *const u8, n: usize) -> *mut u8 {
    if n == 0 {
        return s1;
    }
    if (s1 as usize).wrapping_sub(s2 as usize) >= n {
        // The destination is below the source, or apart from it: forwards.
        // SAFETY: the caller vouches for both areas; DF is clear, as the
        // System V ABI has it at every call.
        unsafe {
            asm!("rep movsb", inout("rcx") n => _, inout("rdi") s1 => _, inout("rsi") s2 => _,
                options(nostack, preserves_flags));
        }
    } else {
        // The destination overlaps the source from above: backwards from
        // the last byte, then DF cleared again.
        // SAFETY: as above; n > 0, so the last bytes are in the areas.
        unsafe {
            asm!("std", "rep movsb", "cld", inout("rcx") n => _,
                inout("rdi") s1.add(n - 1) => _, inout("rsi") s2.add(n - 1) => _,
                options(nostack));
        }
    }
    s1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memmove_copies_overlapping_areas_both_ways() {
        let mut b: [u8; 10] = core::array::from_fn(|i| i as u8);
        // SAFETY: both areas are inside `b`.
        unsafe { memmove(b.as_mut_ptr().add(2), b.as_ptr(), 6) };
        assert_eq!(b, [0, 1, 0, 1, 2, 3, 4, 5, 8, 9]);
        let mut b: [u8; 10] = core::array::from_fn(|i| i as u8);
        // SAFETY: as above.
        unsafe { memmove(b.as_mut_ptr(), b.as_ptr().add(3), 7) };
        assert_eq!(b, [3, 4, 5, 6, 7, 8, 9, 7, 8, 9]);
        // SAFETY: zero bytes touch nothing.
        unsafe { memmove(b.as_mut_ptr(), b.as_ptr(), 0) };
    }
}
