//! `Brdstr`: a port of 9front's `libbio/brdstr.c`.
//!
//! Reads up to and including the delimiter, however long the line; at end
//! of file, returns what is left, if anything. With `nulldelim`, the
//! delimiter is dropped from the result (9front overwrites it with NUL).

use alloc::vec::Vec;

use crate::binit::Biobuf;

impl Biobuf {
    /// `Brdstr`: the next line of any length.
    pub fn rdstr(&mut self, delim: u8, nulldelim: bool) -> Option<Vec<u8>> {
        let mut line = Vec::new();
        loop {
            let avail = self.unread();
            if avail.is_empty() {
                self.rdline = line.len();
                return if line.is_empty() { None } else { Some(line) };
            }
            if let Some(p) = avail.iter().position(|&c| c == delim) {
                line.extend_from_slice(&avail[..p + 1]);
                self.rp += p + 1;
                self.rdline = line.len();
                if nulldelim {
                    line.pop();
                }
                return Some(line);
            }
            let n = avail.len();
            line.extend_from_slice(avail);
            self.rp += n;
        }
    }
}
