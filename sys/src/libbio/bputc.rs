//! `Bputc`: a port of 9front's `libbio/bputc.c`.

use libc::syscall;

use crate::binit::Biobuf;

impl Biobuf {
    /// `Bputc`: buffers one byte.
    pub fn putc(&mut self, c: u8) -> syscall::Result<()> {
        self.write(&[c]).map(|_| ())
    }
}
