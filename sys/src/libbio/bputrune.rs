//! `Bputrune`: a port of 9front's `libbio/bputrune.c`.

use libc::rune::{runetochar, Rune, UTFMAX};
use libc::syscall;

use crate::binit::Biobuf;

impl Biobuf {
    /// `Bputrune`: buffers the UTF-8 encoding of `r`; returns its length.
    pub fn putrune(&mut self, r: Rune) -> syscall::Result<usize> {
        let mut b = [0u8; UTFMAX];
        let n = runetochar(&mut b, r);
        self.write(&b[..n])
    }
}
