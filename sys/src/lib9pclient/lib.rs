//! lib9pclient: planten's 9P2000 client library.
//!
//! Not a port of a 9front file: 9front's clients are the kernel's mount
//! driver (`devmnt.c`) and programs that speak 9P by hand (aux/9pcon).
//! The name and the idea come from plan9port's `lib9pclient`, but the
//! code and interface are planten's own. The core is `no_std` + `alloc`
//! so that planten's kernel mount driver can use it later:
//!
//! - [`Client`] multiplexes many outstanding requests from many procs
//!   over one connection: each request gets a free tag, whichever waiting
//!   proc finds no one reading becomes the reader and hands each reply to
//!   the proc that owns its tag (no proc of its own is needed, as in
//!   plan9port's libmux);
//! - [`Client::version`] negotiates the message size; reads and writes
//!   are cut to `msize - IOHDRSZ`;
//! - [`Client::flush`] flushes an outstanding request (flush(5)): after
//!   the Rflush its caller gets the reply if it came first, or the error
//!   "interrupted";
//! - fids are allocated and freed by the client ([`Fid`]);
//! - Rerror becomes `Err(Error)` with the server's string.
//!
//! The connection is a [`Transport`]; [`FdTransport`] (feature `linux`
//! or `native`, libc's backends) is a libc descriptor. Procs waiting for
//! replies sleep in a [`Rendezvous`]; [`LibcRendezvous`] (the same
//! features) is libc's.
#![no_std]
#![forbid(unsafe_code)]
#![allow(non_upper_case_globals)]

extern crate alloc;

pub mod client;
pub mod transport;

pub use client::{Client, Fid, Pending};
#[cfg(any(feature = "linux", feature = "native"))]
pub use transport::{FdTransport, LibcRendezvous};
pub use transport::{Rendezvous, Transport};

use alloc::string::String;
use core::fmt;

/// An error: the server's Rerror string, or what went wrong locally.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error(pub String);

impl Error {
    pub fn new(s: impl Into<String>) -> Error {
        Error(s.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub type Result<T, E = Error> = core::result::Result<T, E>;
