//! `s_read`: a port of 9front's `libString/s_read.c`.
//!
//! Appends up to `len` bytes read through a [`Biobuf`] at the finger,
//! growing the string by at least `Minread` (256) bytes whenever fewer
//! than that are free, and terminates; an end of file or error stops it.
//! Returns how many bytes were read.

use libbio::Biobuf;

use crate::String;

/// The least room made for a read, 9front's `Minread`.
const MINREAD: usize = 256;

impl String {
    /// `s_read`: appends up to `len` bytes of `fp`.
    pub fn read(&mut self, fp: &mut Biobuf, len: usize) -> usize {
        let mut rv = 0;
        while rv < len {
            let mut n = self.buf.len() - self.ptr;
            if n < MINREAD {
                self.grow(MINREAD);
                n = self.buf.len() - self.ptr;
            }
            n = n.min(len - rv);
            let got = fp.read(&mut self.buf[self.ptr..self.ptr + n]);
            if got == 0 {
                break;
            }
            self.ptr += got;
            rv += got;
        }
        self.terminate();
        rv
    }
}

#[cfg(test)]
mod tests {
    use crate::tests::bio;
    use crate::String;

    #[test]
    fn read_appends_up_to_len() {
        let mut b = bio(b"0123456789");
        let mut s = String::copy(b"x");
        assert_eq!(s.read(&mut b, 4), 4);
        assert_eq!(s.to_c(), b"x0123");
        assert_eq!(s.read(&mut b, 100), 6);
        assert_eq!((s.to_c(), s.len()), (&b"x0123456789"[..], 11));
        assert_eq!(s.read(&mut b, 100), 0);
    }

    #[test]
    fn read_of_a_big_file_grows() {
        let data: Vec<u8> = (0..100_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        let mut b = bio(&data);
        let mut s = String::new();
        assert_eq!(s.read(&mut b, 1 << 20), data.len());
        assert_eq!(s.to_c(), &data[..]);
    }
}
