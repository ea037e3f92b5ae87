//! `Brdline`, `Blinelen`: a port of 9front's `libbio/brdline.c`.
//!
//! A line is returned only if its delimiter is found within one buffer
//! (`Bsize` bytes). Without a delimiter — at end of file, or when the
//! buffer fills — the result is `None`, [`Biobuf::linelen`] says how many
//! bytes were there, and they stay unread, as in 9front.

use crate::binit::{Biobuf, BSIZE};

impl Biobuf {
    /// `Brdline`: the next line, delimiter included.
    pub fn rdline(&mut self, delim: u8) -> Option<&[u8]> {
        let mut searched = 0;
        loop {
            let avail = &self.buf[self.rp + searched..self.re];
            if let Some(p) = avail.iter().position(|&c| c == delim) {
                let s = self.rp;
                let n = searched + p + 1;
                self.rp += n;
                self.rdline = n;
                return Some(&self.buf[s..s + n]);
            }
            searched = self.re - self.rp;
            if searched >= BSIZE {
                self.rdline = BSIZE;
                return None;
            }
            if !self.fill() {
                self.rdline = searched;
                return None;
            }
        }
    }

    /// `Blinelen`: the length of the last line `rdline` looked at.
    pub fn linelen(&self) -> usize {
        self.rdline
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use libc::syscall::{close, pipe, write, OREAD};

    #[test]
    fn lines_partial_and_too_long() {
        let mut data = b"one\ntwo\nend".to_vec();
        let [r, w] = pipe().unwrap();
        let t = std::thread::spawn(move || {
            write(w, &data).unwrap();
            data.clear();
            close(w).unwrap();
        });
        let mut b = Biobuf::new(r, OREAD);
        assert_eq!(b.rdline(b'\n'), Some(&b"one\n"[..]));
        assert_eq!(b.rdline(b'\n'), Some(&b"two\n"[..]));
        assert_eq!(b.rdline(b'\n'), None);
        assert_eq!(b.linelen(), 3);
        // The partial line is still there to read.
        assert_eq!(b.getc(), Some(b'e'));
        t.join().unwrap();

        let [r, w] = pipe().unwrap();
        let t = std::thread::spawn(move || {
            let mut big = std::vec![b'x'; BSIZE + 10];
            big.push(b'\n');
            libc::syscall::write_all(w, &big).unwrap();
            close(w).unwrap();
        });
        let mut b = Biobuf::new(r, OREAD);
        assert_eq!(b.rdline(b'\n'), None);
        assert_eq!(b.linelen(), BSIZE);
        t.join().unwrap();
    }
}
