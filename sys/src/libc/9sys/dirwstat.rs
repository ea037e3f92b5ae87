//! `dirwstat`: a port of 9front's `libc/9sys/dirwstat.c`.
//!
//! Packs a `Dir` (usually a [`crate::nulldir::nulldir`] with the fields to
//! change set) and writes it with `wstat`.

use alloc::vec;

use crate::convd2m::{convD2M, sizeD2M};
use crate::fcall::Dir;
use crate::syscall::{self, Result};

pub(crate) fn pack(d: &Dir) -> alloc::vec::Vec<u8> {
    let mut buf = vec![0u8; sizeD2M(d) as usize];
    let n = convD2M(d, &mut buf) as usize;
    buf.truncate(n);
    buf
}

/// Changes the attributes of `name` that `d` sets.
pub fn dirwstat(name: &str, d: &Dir) -> Result<()> {
    syscall::wstat(name, &pack(d))
}
