//! `s_unique`: a port of 9front's `libString/s_unique.c`.
//!
//! A string with one reference is returned as it is; a shared one is
//! replaced by `s_clone` of it (a copy of its C string, finger on the
//! NUL) and the reference given up. Sharing is [`Arc`]'s here.

use alloc::sync::Arc;

use crate::String;

/// `s_unique`: a string of one's own.
pub fn unique(s: Arc<String>) -> String {
    match Arc::try_unwrap(s) {
        Ok(s) => s,
        Err(shared) => shared.clone_c(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incref;

    #[test]
    fn unique_keeps_a_lone_string() {
        let mut s = String::copy(b"abc");
        s.restart();
        let u = unique(Arc::new(s));
        // the same string: the finger stays at the base
        assert_eq!((u.to_c(), u.len()), (&b"abc"[..], 0));
    }

    #[test]
    fn unique_clones_a_shared_string() {
        let mut s = String::copy(b"abc");
        s.restart();
        let a = Arc::new(s);
        let b = incref(&a);
        let u = unique(b);
        // s_clone: the C string copied, finger at its end
        assert_eq!((u.to_c(), u.len()), (&b"abc"[..], 3));
        assert_eq!(Arc::strong_count(&a), 1);
    }
}
