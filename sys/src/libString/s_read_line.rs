//! `s_read_line`: a port of 9front's `libString/s_read_line.c`.
//!
//! Appends the next line read through a [`Biobuf`] (`Brdline`: the
//! newline kept; nothing for a last line without one or a line longer
//! than the buffer) at the finger, terminates, and returns the bytes
//! appended.

use libbio::Biobuf;

use crate::String;

impl String {
    /// `s_read_line`: appends the next line, newline included.
    pub fn read_line(&mut self, fp: &mut Biobuf) -> Option<&[u8]> {
        self.terminate();
        let line = fp.rdline(b'\n')?;
        let llen = line.len();
        if self.buf.len() - self.ptr < llen {
            self.grow(llen);
        }
        let start = self.ptr;
        self.buf[start..start + llen].copy_from_slice(line);
        self.ptr += llen;
        self.terminate();
        Some(&self.buf[start..start + llen])
    }
}

#[cfg(test)]
mod tests {
    use crate::tests::bio;
    use crate::String;

    #[test]
    fn read_line_keeps_the_newline_and_appends() {
        let mut b = bio(b"one\ntwo\nthree");
        let mut s = String::new();
        assert_eq!(s.read_line(&mut b), Some(&b"one\n"[..]));
        assert_eq!(s.read_line(&mut b), Some(&b"two\n"[..]));
        assert_eq!(s.to_c(), b"one\ntwo\n");
        // Brdline: a last line without a newline is not returned
        assert_eq!(s.read_line(&mut b), None);
        assert_eq!(s.to_c(), b"one\ntwo\n");
    }
}
