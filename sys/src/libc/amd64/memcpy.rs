//! `memcpy`: a port of 9front's `sys/src/libc/amd64/memcpy.s`, which is
//! the same code as its `memmove.s`; here it is [`memmove`] (see
//! `memmove.rs` for why native programs carry these).

use super::memmove::memmove;

/// Copies `n` bytes from `s2` to `s1` (overlap allowed, as in 9front).
///
/// # Safety
/// As for [`memmove`].
#[cfg_attr(all(feature = "native", not(test)), no_mangle)]
pub unsafe extern "C" fn memcpy(s1: *mut u8, s2: *const u8, n: usize) -> *mut u8 {
    // SAFETY: the same contract.
    unsafe { memmove(s1, s2, n) }
}
