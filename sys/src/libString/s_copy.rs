//! `s_copy`: a port of 9front's `libString/s_copy.c`.
//!
//! A new string (allocation the C string's length plus its NUL, but no
//! less than `STRLEN`) holding a copy of the C string, the finger on its
//! terminating NUL. `s_clone` (String.h's macro) is [`String::clone_c`].

use crate::{cstr, String};

impl String {
    /// `s_copy`: a string holding `cp` up to its first NUL.
    pub fn copy(cp: &[u8]) -> String {
        let c = cstr(cp);
        let mut s = String::newalloc(c.len() + 1);
        s.buf[..c.len()].copy_from_slice(c);
        s.buf[c.len()] = 0;
        s.ptr = c.len();
        s
    }
}

#[cfg(test)]
mod tests {
    use crate::String;

    #[test]
    fn copy_puts_the_finger_on_the_nul() {
        let s = String::copy(b"abc");
        assert_eq!((s.to_c(), s.len(), s.capacity()), (&b"abc"[..], 3, 128));
        let mut s = s;
        s.putc(b'd');
        s.terminate();
        assert_eq!(s.to_c(), b"abcd");
    }

    #[test]
    fn copy_of_a_long_string_allocates_its_length_and_nul() {
        let long = [b'q'; 200];
        let s = String::copy(&long);
        assert_eq!((s.len(), s.capacity()), (200, 201));
    }

    #[test]
    fn clone_copies_the_c_string_at_the_base() {
        // s_clone(s) is s_copy(s->base): what is past the first NUL and
        // where the finger was are not copied.
        let mut s = String::copy(b"abcdef");
        s.restart();
        s.putc(b'X');
        let c = s.clone_c();
        assert_eq!((c.to_c(), c.len()), (&b"Xbcdef"[..], 6));
    }
}
