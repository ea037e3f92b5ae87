//! `s_memappend`: a port of 9front's `libString/s_memappend.c`.
//!
//! Appends all `n` bytes of a slice (NULs included) at the finger and
//! terminates; the slice's length is 9front's `n`.

use crate::String;

impl String {
    /// `s_memappend`: appends every byte of `from`.
    pub fn memappend(&mut self, from: &[u8]) -> &mut String {
        for &c in from {
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
    fn memappend_copies_nuls_too() {
        // string(2): like s_nappend but does not stop at a NUL.
        let mut s = String::new();
        s.memappend(b"a\0b");
        assert_eq!(s.len(), 3);
        assert_eq!(s.to_c(), b"a");
        assert_eq!(&s.buf[..4], b"a\0b\0");
    }
}
