//! `Bgetrune`, `Bungetrune`: a port of 9front's `libbio/bgetrune.c`.
//!
//! As in 9front, bytes are gathered until they hold a full rune
//! (`fullrune`) and decoded by `chartorune`; bytes the rune did not use
//! are pushed back, and end of file inside a rune ends the input.

use crate::binit::Biobuf;
use libc::rune::{chartorune, fullrune, Rune, RUNESELF, UTFMAX};

impl Biobuf {
    /// `Bgetrune`: the next rune, or `None` at end of file.
    pub fn getrune(&mut self) -> Option<Rune> {
        let c = self.getc()?;
        if (c as u32) < RUNESELF {
            self.runesize = 1;
            return Some(c as Rune);
        }
        let mut s = [c, 0, 0, 0];
        let mut i = 1;
        loop {
            let c = self.getc()?;
            s[i] = c;
            i += 1;
            if fullrune(&s[..i]) || i == UTFMAX {
                let (r, n) = chartorune(&s[..i]);
                while i > n {
                    self.ungetc();
                    i -= 1;
                }
                self.runesize = n;
                return Some(r);
            }
        }
    }

    /// `Bungetrune`: pushes the last rune read back.
    pub fn ungetrune(&mut self) {
        self.rp = self.rp.saturating_sub(self.runesize);
        self.runesize = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use libc::syscall::{close, pipe, write, OREAD};

    fn buf(data: &[u8]) -> Biobuf {
        let [r, w] = pipe().unwrap();
        write(w, data).unwrap();
        close(w).unwrap();
        Biobuf::new(r, OREAD)
    }

    #[test]
    fn runes_bad_bytes_and_truncation() {
        let mut b = buf("aé世\u{1F600}".as_bytes());
        assert_eq!(b.getrune(), Some('a' as u32));
        assert_eq!(b.getrune(), Some(0xE9));
        b.ungetrune();
        assert_eq!(b.getrune(), Some(0xE9));
        assert_eq!(b.getrune(), Some(0x4E16));
        assert_eq!(b.getrune(), Some(0x1F600));
        assert_eq!(b.getrune(), None);
        // A bad byte is Runeerror and the next byte is read again.
        let mut b = buf(b"\xc3x\xe4\xb8");
        assert_eq!(b.getrune(), Some(0xFFFD));
        assert_eq!(b.getrune(), Some('x' as u32));
        // A rune cut by end of file ends the input.
        assert_eq!(b.getrune(), None);
    }
}
