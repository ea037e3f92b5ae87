//! planten's portable kernel: the Rust port of 9front's `sys/src/9/port`.
//!
//! One module per 9front file, with the same stem. The crate is `no_std` +
//! `alloc` in the kernel and builds with std for host tests, so everything
//! here can be unit-tested with `cargo test` on Linux. It never names the
//! `pc` or `pc64` code: what it needs from the machine comes in through
//! traits the architecture implements: [`portfns::Sched`] for locks,
//! sleep and wakeup, with a host implementation ([`portfns::host`]) for
//! tests and, with the `std` feature, for other crates' tests.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod alarm;
/// port/alloc.c (named `malloc` here: `alloc` is the crate).
#[path = "alloc.rs"]
pub mod malloc;
pub mod allocb;
pub mod chan;
pub mod dev;
pub mod devcons;
pub mod devdup;
pub mod devenv;
pub mod devmnt;
pub mod devpipe;
pub mod devproc;
pub mod devroot;
pub mod devsrv;
pub mod devswap;
pub mod devuart;
pub mod error;
pub mod fault;
pub mod initcode;
pub mod iomap;
pub mod page;
pub mod parse;
pub mod pgrp;
pub mod portclock;
pub mod portdat;
pub mod portfns;
pub mod proc;
pub mod qio;
pub mod qlock;
pub mod random;
pub mod segment;
pub mod sysfile;
pub mod sysproc;
pub mod taslock;
#[cfg(test)]
mod testdev;
pub mod tod;
pub mod xalloc;

pub use error::{Error, Result};
