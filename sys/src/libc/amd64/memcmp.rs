//! `memcmp` (and `bcmp`, which the compiler calls for equality): a port
//! of 9front's `sys/src/libc/amd64/memcmp.s` (see `memmove.rs` for why
//! native programs carry it). As 9front's, the bytes compare unsigned and
//! the sign of the result is that of the first difference. What differs:
//! a byte loop through volatile reads (so that LLVM cannot make it a call
//! to the very function), without 9front's word-at-a-time compare.

/// Compares `n` bytes at `s1` and `s2`.
///
/// # Safety
/// Both areas must be valid for `n` reads.
#[cfg_attr(all(feature = "native", not(test)), no_mangle)]
pub unsafe extern "C" fn memcmp(s1: *const u8, s2: *const u8, n: usize) -> i32 {
    let mut i = 0;
    while i < n {
        // SAFETY: i < n, and the caller vouches for n bytes of each.
        let (a, b) = unsafe { (s1.add(i).read_volatile(), s2.add(i).read_volatile()) };
        if a != b {
            return a as i32 - b as i32;
        }
        i += 1;
    }
    0
}

/// Zero if the `n` bytes are equal.
///
/// # Safety
/// As for [`memcmp`].
#[cfg_attr(all(feature = "native", not(test)), no_mangle)]
pub unsafe extern "C" fn bcmp(s1: *const u8, s2: *const u8, n: usize) -> i32 {
    // SAFETY: the same contract.
    unsafe { memcmp(s1, s2, n) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memcmp_compares_unsigned_bytes() {
        // SAFETY: every area is a live array of the length given.
        unsafe {
            assert_eq!(memcmp(b"abc".as_ptr(), b"abc".as_ptr(), 3), 0);
            assert!(memcmp(b"abc".as_ptr(), b"abd".as_ptr(), 3) < 0);
            // 0x80 is above 0x7f, as unsigned chars (9front's memcmp.s
            // compares with unsigned byte loads).
            assert!(memcmp([0x80u8].as_ptr(), [0x7fu8].as_ptr(), 1) > 0);
            assert_eq!(memcmp(b"x".as_ptr(), b"y".as_ptr(), 0), 0);
            assert_ne!(bcmp(b"ab".as_ptr(), b"ac".as_ptr(), 2), 0);
        }
    }
}
