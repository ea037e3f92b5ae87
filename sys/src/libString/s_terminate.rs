//! `s_terminate`: a port of 9front's `libString/s_terminate.c`.
//!
//! Writes a NUL at the finger without advancing it, growing by one byte
//! when the finger is at the end.

use crate::String;

impl String {
    /// `s_terminate`: a NUL at the finger.
    pub fn terminate(&mut self) {
        if self.ptr >= self.buf.len() {
            self.grow(1);
        }
        self.buf[self.ptr] = 0;
    }
}

#[cfg(test)]
mod tests {
    use crate::String;

    #[test]
    fn terminate_cuts_at_the_finger() {
        let mut s = String::copy(b"abcdef");
        s.restart();
        s.putc(b'a');
        s.putc(b'b');
        s.terminate();
        assert_eq!((s.to_c(), s.len()), (&b"ab"[..], 2));
    }
}
