//! `Bread`: a port of 9front's `libbio/bread.c`.

use crate::binit::Biobuf;

impl Biobuf {
    /// `Bread`: fills `buf` from the buffer and the file; returns the
    /// bytes read, fewer only at end of file.
    pub fn read(&mut self, buf: &mut [u8]) -> usize {
        let mut n = 0;
        while n < buf.len() {
            let avail = self.unread();
            if avail.is_empty() {
                break;
            }
            let m = avail.len().min(buf.len() - n);
            buf[n..n + m].copy_from_slice(&avail[..m]);
            self.rp += m;
            n += m;
        }
        n
    }

}
