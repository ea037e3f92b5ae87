//! `werrstr`: a port of 9front's `sys/src/libc/9sys/werrstr.c` for the
//! native backend: the new error string, cut to ERRMAX-1 bytes at a
//! character boundary, is swapped into the kernel with the ERRSTR system
//! call (the old one comes back in the buffer and is dropped). What
//! differs: the text is formatted by the caller (Rust's `format!` rather
//! than `vseprint`).

#![allow(unsafe_code)]

use crate::amd64::{errbuf, stubs};

pub fn werrstr(msg: &str) {
    let mut b = errbuf(msg);
    // SAFETY: the kernel reads and writes at most b.len() bytes of `b`.
    unsafe { stubs::errstr(b.as_mut_ptr(), b.len()).make() };
}
