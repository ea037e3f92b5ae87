//! `s_putc`: a port of 9front's `libString/s_putc.c`.
//!
//! Writes a byte at the finger and advances it, growing by 2 when the
//! finger is at the end; it does not terminate. (9front's fatal error on
//! a shared string cannot arise: see the crate's notes.)

use crate::String;

impl String {
    /// `s_putc`: `c` at the finger, which moves past it.
    pub fn putc(&mut self, c: u8) {
        if self.ptr >= self.buf.len() {
            self.grow(2);
        }
        self.buf[self.ptr] = c;
        self.ptr += 1;
    }
}

#[cfg(test)]
mod tests {
    use crate::String;

    #[test]
    fn putc_does_not_terminate() {
        let mut s = String::copy(b"abc");
        s.restart();
        s.putc(b'X');
        assert_eq!((s.to_c(), s.len()), (&b"Xbc"[..], 1));
    }

    #[test]
    fn putc_grows_at_the_end() {
        let mut s = String::newalloc(128);
        for _ in 0..128 {
            s.putc(b'a');
        }
        assert_eq!(s.capacity(), 128);
        s.putc(b'b');
        assert_eq!(s.capacity(), 192);
        s.terminate();
        assert_eq!(s.to_c().len(), 129);
    }
}
