//! rc, the Plan 9 shell: the Rust port of 9front's `sys/src/cmd/rc`.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;
