//! `rerrstr`: a port of 9front's `sys/src/libc/9sys/rerrstr.c` for the
//! native backend: the error string is read without changing it, by
//! swapping an empty string in with ERRSTR and the old string back. What
//! differs: the string is returned (9front copies it into the caller's
//! buffer).

#![allow(unsafe_code)]

use alloc::string::String;

use crate::amd64::stubs;
use crate::syscall::ERRMAX;

pub fn rerrstr() -> String {
    let mut tmp = [0u8; ERRMAX];
    // SAFETY: the kernel reads and writes at most ERRMAX bytes of `tmp`.
    unsafe { stubs::errstr(tmp.as_mut_ptr(), tmp.len()).make() };
    let n = tmp.iter().position(|&b| b == 0).unwrap_or(ERRMAX);
    let s = String::from_utf8_lossy(&tmp[..n]).into_owned();
    // SAFETY: as above; this puts the string back.
    unsafe { stubs::errstr(tmp.as_mut_ptr(), tmp.len()).make() };
    s
}
