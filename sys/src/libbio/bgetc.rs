//! `Bgetc`, `Bungetc`: a port of 9front's `libbio/bgetc.c`.
//!
//! A refill keeps the last `Bungetsize` bytes before the new data, so that
//! many bytes can be pushed back across the refill, as in 9front.

use crate::binit::{Biobuf, BSIZE, BUNGETSIZE};
use libc::syscall;

impl Biobuf {
    /// Reads more input after the unread bytes, keeping `BUNGETSIZE` bytes
    /// of history; false at end of file or on an error.
    pub(crate) fn fill(&mut self) -> bool {
        if self.eof {
            return false;
        }
        // Move the unread bytes and some history to the front.
        let keep_from = self.rp.saturating_sub(BUNGETSIZE);
        self.buf.copy_within(keep_from..self.re, 0);
        self.rp -= keep_from;
        self.re -= keep_from;
        if self.re >= self.buf.len() {
            return false;
        }
        let end = (self.re + BSIZE).min(self.buf.len());
        match syscall::read(self.fd, &mut self.buf[self.re..end]) {
            Ok(0) => {
                self.eof = true;
                false
            }
            Ok(n) => {
                self.re += n;
                self.offset += n as i64;
                true
            }
            Err(e) => {
                self.eof = true;
                self.error(&alloc::format!("read error: {e}"));
                false
            }
        }
    }

    /// `Bgetc`: the next byte, or `None` at end of file.
    pub fn getc(&mut self) -> Option<u8> {
        if self.rp == self.re && !self.fill() {
            return None;
        }
        let c = self.buf[self.rp];
        self.rp += 1;
        Some(c)
    }

    /// `Bungetc`: pushes the last byte read back.
    pub fn ungetc(&mut self) {
        if self.rp > 0 {
            self.rp -= 1;
        }
    }

    /// The unread bytes, filling the buffer first if it is empty.
    pub(crate) fn unread(&mut self) -> &[u8] {
        if self.rp == self.re {
            self.fill();
        }
        &self.buf[self.rp..self.re]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use libc::syscall::{pipe, write, OREAD};

    #[test]
    fn getc_and_ungetc() {
        let [r, w] = pipe().unwrap();
        write(w, b"ab").unwrap();
        libc::syscall::close(w).unwrap();
        let mut b = Biobuf::new(r, OREAD);
        assert_eq!(b.getc(), Some(b'a'));
        b.ungetc();
        assert_eq!(b.getc(), Some(b'a'));
        assert_eq!(b.getc(), Some(b'b'));
        assert_eq!(b.getc(), None);
        assert_eq!(b.getc(), None);
    }
}
