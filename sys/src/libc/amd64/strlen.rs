//! `strlen`: a port of 9front's `sys/src/libc/amd64/strlen.s` (see
//! `memmove.rs` for why native programs carry it; `core::ffi::CStr`
//! calls it). What differs: a byte loop through volatile reads instead of
//! 9front's `repne scasb`.

/// The length of the NUL-terminated string at `s`.
///
/// # Safety
/// `s` must point to a NUL-terminated string.
#[cfg_attr(all(feature = "native", not(test)), no_mangle)]
pub unsafe extern "C" fn strlen(s: *const u8) -> usize {
    let mut n = 0;
    // SAFETY: every byte up to the terminating NUL is readable.
    while unsafe { s.add(n).read_volatile() } != 0 {
        n += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    #[test]
    #[allow(clippy::manual_c_str_literals)] // a NUL inside is the point
    fn strlen_stops_at_the_nul() {
        // SAFETY: NUL-terminated literals.
        unsafe {
            assert_eq!(super::strlen(b"hello\0world\0".as_ptr()), 5);
            assert_eq!(super::strlen(c"".as_ptr().cast()), 0);
        }
    }
}
