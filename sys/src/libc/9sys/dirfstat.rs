//! `dirfstat`: a port of 9front's `libc/9sys/dirfstat.c`.
//!
//! As [`crate::dirstat::dirstat`], for an open file descriptor.

use crate::fcall::Dir;
use crate::syscall::{self, Fd, Result};

/// The directory entry of the file open on `fd`.
pub fn dirfstat(fd: Fd) -> Result<Dir> {
    crate::dirstat::unpack(&syscall::fstat(fd)?)
}
