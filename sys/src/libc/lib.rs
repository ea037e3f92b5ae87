//! planten's libc: the Rust port of 9front's `sys/src/libc`.
//!
//! `no_std` + `alloc`, so the kernel and native programs can use it. Its
//! directories follow 9front's (`9sys`, `port`, `fmt`, ...), one module per
//! C file, included by path where the directory name is not a Rust
//! identifier.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;
