//! `s_new`, `s_newalloc`, `s_incref` and `s_free`: a port of 9front's
//! `libString/s_alloc.c`.
//!
//! A new string has at least `STRLEN` (128) bytes allocated, holds the
//! empty string and has its finger at the base. `s_free` is `Drop`, and
//! the reference count is [`Arc`]'s (see the crate's notes); `_s_alloc`,
//! the head allocation, has no counterpart. 9front `sysfatal`s when
//! malloc fails; Rust's allocator aborts.

use alloc::sync::Arc;
use alloc::vec;

use crate::String;

/// The least allocation of a new string, 9front's `STRLEN`.
pub const STRLEN: usize = 128;

impl String {
    /// `s_new`: an empty string with `STRLEN` bytes allocated.
    pub fn new() -> String {
        String {
            buf: vec![0; STRLEN],
            ptr: 0,
        }
    }

    /// `s_newalloc`: an empty string with `len` bytes allocated, but no
    /// fewer than `STRLEN`.
    pub fn newalloc(len: usize) -> String {
        String {
            buf: vec![0; len.max(STRLEN)],
            ptr: 0,
        }
    }
}

impl Default for String {
    fn default() -> String {
        String::new()
    }
}

/// `s_incref`: another reference to a shared string.
pub fn incref(s: &Arc<String>) -> Arc<String> {
    Arc::clone(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_is_empty_with_strlen_bytes() {
        // s_new: 128 bytes, terminated at the base.
        let s = String::new();
        assert_eq!((s.len(), s.capacity(), s.to_c()), (0, 128, &b""[..]));
    }

    #[test]
    fn newalloc_takes_at_least_strlen() {
        assert_eq!(String::newalloc(10).capacity(), 128);
        assert_eq!(String::newalloc(1000).capacity(), 1000);
        assert_eq!(String::newalloc(1000).to_c(), b"");
    }

    #[test]
    fn incref_shares() {
        let a = Arc::new(String::copy(b"x"));
        let b = incref(&a);
        assert_eq!(Arc::strong_count(&a), 2);
        drop(b); // s_free of one reference leaves the other
        assert_eq!(Arc::strong_count(&a), 1);
        assert_eq!(a.to_c(), b"x");
    }
}
