//! `s_append`: a port of 9front's `libString/s_append.c`.
//!
//! Copies a C string (up to its first NUL, or all of the slice without
//! one) at the finger, advancing it, and terminates. A nil string or
//! source (9front's special cases) has no counterpart.

use crate::{cstr, String};

impl String {
    /// `s_append`: appends `from` up to its first NUL.
    pub fn append(&mut self, from: &[u8]) -> &mut String {
        for &c in cstr(from) {
            self.putc(c);
        }
        self.terminate();
        self
    }
}

#[cfg(test)]
mod tests {
    use crate::String;

    #[test]
    fn appends_at_the_finger_and_stops_at_nul() {
        let mut s = String::new();
        s.append(b"hello").append(b", world\0ignored");
        assert_eq!(s.to_c(), b"hello, world");
        assert_eq!(s.len(), 12);
    }

    #[test]
    fn append_after_restart_overwrites() {
        // string(2): characters go at the pointer; s_restart moves it
        // to the base without changing the contents.
        let mut s = String::copy(b"abcdef");
        s.restart();
        s.append(b"XY");
        assert_eq!(s.to_c(), b"XY");
        assert_eq!(&s.buf[..7], b"XY\0def\0");
    }

    #[test]
    fn append_grows_past_the_allocation() {
        let mut s = String::new();
        let long = [b'z'; 300];
        s.append(&long);
        assert_eq!(s.to_c(), &long[..]);
        assert!(s.capacity() > 300);
    }
}
