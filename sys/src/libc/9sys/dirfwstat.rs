//! `dirfwstat`: a port of 9front's `libc/9sys/dirfwstat.c`.
//!
//! As [`crate::dirwstat::dirwstat`], for an open file descriptor.

use crate::fcall::Dir;
use crate::syscall::{self, Fd, Result};

/// Changes the attributes of the file open on `fd` that `d` sets.
pub fn dirfwstat(fd: Fd, d: &Dir) -> Result<()> {
    syscall::fwstat(fd, &crate::dirwstat::pack(d))
}
