//! planten's libauth: the Rust port of 9front's `sys/src/libauth`.
//!
//! So far only `newns.c`: [`newns`] and [`addns`] build a name space
//! from a namespace(6) file. The authentication half of the library
//! (factotum RPCs, `auth_proxy`, `amount`, ...) is still to come, so
//! mounts are made without an authentication file descriptor.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod newns;

pub use newns::{addns, newns, Libc, MountError, Nssys};
