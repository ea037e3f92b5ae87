//! `Boffset`: a port of 9front's `libbio/boffset.c`.

use crate::binit::Biobuf;

impl Biobuf {
    /// `Boffset`: where the next byte read or written is, in the file.
    pub fn offset(&self) -> i64 {
        if self.writing {
            self.offset + self.out.len() as i64
        } else {
            self.offset - (self.re - self.rp) as i64
        }
    }
}
