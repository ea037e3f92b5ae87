//! planten's portable kernel: the Rust port of 9front's `sys/src/9/port`.
//!
//! One module per 9front file, with the same stem. The crate is `no_std` +
//! `alloc` in the kernel and builds with std for host tests, so everything
//! here can be unit-tested with `cargo test` on Linux. It never names the
//! `pc` or `pc64` code: what it needs from the machine comes in through
//! traits the architecture implements.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod error;

pub use error::{Error, Result};
