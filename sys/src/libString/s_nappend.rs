//! `s_nappend`: a port of 9front's `libString/s_nappend.c`.
//!
//! Appends at most `n` bytes of a C string (stopping at its NUL) at the
//! finger and terminates.

use crate::String;

impl String {
    /// `s_nappend`: appends up to `n` bytes of `from`, stopping at a NUL.
    pub fn nappend(&mut self, from: &[u8], n: usize) -> &mut String {
        for &c in from.iter().take(n).take_while(|&&c| c != 0) {
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
    fn nappend_stops_at_n_or_nul() {
        let mut s = String::new();
        s.nappend(b"abcdef", 3);
        assert_eq!(s.to_c(), b"abc");
        s.nappend(b"x\0yz", 4);
        assert_eq!((s.to_c(), s.len()), (&b"abcx"[..], 4));
        s.nappend(b"ignored", 0);
        assert_eq!(s.to_c(), b"abcx");
    }
}
