//! `Bprint`: a port of 9front's `libbio/bprint.c` (and `bvprint.c`),
//! with Rust's formatting in place of 9front's `%` verbs.

use core::fmt;

use libc::syscall;

use crate::binit::Biobuf;

impl fmt::Write for Biobuf {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        Biobuf::write(self, s.as_bytes()).map(|_| ()).map_err(|_| fmt::Error)
    }
}

impl Biobuf {
    /// `Bprint`: formats `args` into the buffer.
    pub fn print(&mut self, args: fmt::Arguments) -> syscall::Result<usize> {
        let s = alloc::fmt::format(args);
        self.write(s.as_bytes())
    }
}
