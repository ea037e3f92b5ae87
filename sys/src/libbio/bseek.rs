//! `Bseek`: a port of 9front's `libbio/bseek.c`.
//!
//! A read buffer seeks within its unread bytes when it can (a forward
//! seek that stays inside the buffer, as 9front does), and otherwise
//! discards the buffer and seeks the file; a write buffer is flushed
//! first. End of file is forgotten, so reading resumes at the new offset.
//! What differs: 9front also seeks backwards inside the buffer; planten's
//! buffer keeps history bytes whose file offsets it does not track, so a
//! backward seek always goes to the file.

use crate::binit::{Biobuf, BUNGETSIZE};
use libc::syscall::{self, SEEKCUR, SEEKSET};

impl Biobuf {
    /// `Bseek`: moves to `offset` from `base` (0 start, 1 current, 2 end)
    /// and returns the new offset.
    pub fn seek(&mut self, offset: i64, base: i32) -> syscall::Result<i64> {
        if self.writing {
            self.flush()?;
            let n = syscall::seek(self.fd, offset, base)?;
            self.offset = n;
            return Ok(n);
        }
        self.eof = false;
        let (mut n, mut base) = (offset, base);
        if base == SEEKCUR {
            n += self.offset();
            base = SEEKSET;
        }
        if base == SEEKSET {
            let d = n - self.offset();
            if d >= 0 && d <= (self.re - self.rp) as i64 {
                self.rp += d as usize;
                self.runesize = 0;
                return Ok(n);
            }
        }
        let n = syscall::seek(self.fd, n, base)?;
        self.rp = BUNGETSIZE;
        self.re = BUNGETSIZE;
        self.runesize = 0;
        self.offset = n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use libc::syscall::{OREAD, SEEKEND};

    #[test]
    fn seek_in_and_out_of_the_buffer() {
        let path = std::env::temp_dir().join(format!("planten-bseek-{}", std::process::id()));
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let mut b = Biobuf::open(path.to_str().unwrap(), OREAD).unwrap();
        assert_eq!(b.getc(), Some(data[0]));
        // Forward inside the buffer.
        assert_eq!(b.seek(10, SEEKSET).unwrap(), 10);
        assert_eq!(b.getc(), Some(data[10]));
        assert_eq!(b.offset(), 11);
        // Relative, forward.
        assert_eq!(b.seek(5, SEEKCUR).unwrap(), 16);
        assert_eq!(b.getc(), Some(data[16]));
        // Backwards and far ahead go to the file.
        assert_eq!(b.seek(3, SEEKSET).unwrap(), 3);
        assert_eq!(b.getc(), Some(data[3]));
        assert_eq!(b.seek(90_000, SEEKSET).unwrap(), 90_000);
        assert_eq!(b.getc(), Some(data[90_000]));
        // From the end; at end of file, then back again.
        assert_eq!(b.seek(0, SEEKEND).unwrap(), 100_000);
        assert_eq!(b.getc(), None);
        assert_eq!(b.seek(-1, SEEKEND).unwrap(), 99_999);
        assert_eq!(b.getc(), Some(data[99_999]));
        assert_eq!(b.getc(), None);
        assert_eq!(b.seek(0, SEEKSET).unwrap(), 0);
        assert_eq!(b.getc(), Some(data[0]));
        let _ = std::fs::remove_file(&path);
    }
}
