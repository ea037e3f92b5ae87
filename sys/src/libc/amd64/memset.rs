//! `memset`: a port of 9front's `sys/src/libc/amd64/memset.s` (see
//! `memmove.rs` for why native programs carry it). What differs: `rep
//! stosb` does all of it, without 9front's word-at-a-time middle.

use core::arch::asm;

/// Sets `n` bytes at `p` to `c`.
///
/// # Safety
/// `p` must be valid for `n` writes.
#[cfg_attr(all(feature = "native", not(test)), no_mangle)]
pub unsafe extern "C" fn memset(p: *mut u8, c: i32, n: usize) -> *mut u8 {
    // SAFETY: the caller vouches for the area; DF is clear.
    unsafe {
        asm!("rep stosb", inout("rcx") n => _, inout("rdi") p => _, in("al") c as u8,
            options(nostack, preserves_flags));
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memset_fills_exactly_n_bytes() {
        let mut b = [1u8; 8];
        // SAFETY: inside `b`.
        unsafe { memset(b.as_mut_ptr().add(1), 0x1ab, 5) };
        assert_eq!(b, [1, 0xab, 0xab, 0xab, 0xab, 0xab, 1, 1]);
    }
}
