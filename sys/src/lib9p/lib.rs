//! planten's lib9p: a port of 9front's `sys/src/lib9p`, the library for
//! writing 9P2000 file servers (see 9p(2), 9pfid(2), 9pfile(2)).
//!
//! A server implements [`Srv`]: one method per 9P request, each with
//! 9front's default for a nil handler. lib9p reads the messages, checks
//! them as 9front's `srv.c` does (fids, open modes, offsets, permissions
//! on file trees), calls the handler with a [`Req`], and the handler
//! answers with [`Req::respond`], at once or later from another proc.
//! A server that keeps a [`Tree`] of [`File`]s gets walks, directory
//! reads, stat and remove done for it, as with 9front's file trees.
//!
//! One module per 9front file: `srv` (the server loop and `respond`),
//! `fid`, `req`, `file`, `intmap`, `uid` (`hasperm`), `util` (`readbuf`,
//! `readstr`), `dirread` (`dirread9p`), `listen` (`listensrv`), `post`
//! (`postsrv`), `mount` (`postmountsrv`) and `rfork` (`srvforker`).
//!
//! What differs from 9front (each module says more):
//!
//! - handlers are trait methods; the request's reply fields are
//!   [`Req::ofcall`] (an [`Ofcall`]) and `respond` takes
//!   `Option<&str>`, the error, as 9front's does;
//! - fids, requests and files are reference counted with `Arc`: a fid is
//!   destroyed (`destroyfid`) when the last reference goes, as `closefid`
//!   does when its count drops to zero;
//! - every connection is served by a proc of its own that reads requests
//!   and calls the handlers; handlers that do not respond at once let it
//!   go on reading (9front needs `srvrelease` for that);
//! - Tversion follows version(5): outstanding requests are aborted (they
//!   get no reply) and every fid is clunked. 9front's lib9p instead
//!   answers a Tversion sent with requests outstanding with "9P protocol
//!   botch";
//! - a request that a handler drops without responding is abandoned: if a
//!   Tflush waits for it, the Rflush goes out and the request gets no
//!   reply; otherwise it gets an Rerror "request abandoned" (9front would
//!   leave the client waiting for ever);
//! - memory is Rust's: `emalloc9p` and friends (`mem.c`) have no
//!   counterpart.
#![no_std]
#![forbid(unsafe_code)]
// 9front's message-type names (Tversion, ...) are matched as constants.
#![allow(non_upper_case_globals)]

extern crate alloc;

pub mod dirread;
pub mod fid;
pub mod file;
pub mod intmap;
pub mod listen;
pub mod mount;
pub mod post;
pub mod req;
pub mod rfork;
pub mod srv;
pub mod uid;
pub mod util;

pub use fid::{Fid, FidState};
pub use file::{File, FileState, Tree};
pub use req::{Ofcall, Req};
pub use srv::{srv, Srv, CHATTY9P};
pub use uid::hasperm;

/// Permission bits asked of `hasperm`, as 9front's `AEXEC`, `AWRITE`,
/// `AREAD` (the `access` modes of libc.h).
pub const AEXEC: u32 = 1;
pub const AWRITE: u32 = 2;
pub const AREAD: u32 = 4;

/// The error strings of 9front's `srv.c`.
pub mod errors {
    pub const EBADATTACH: &str = "unknown specifier in attach";
    pub const EBADOFFSET: &str = "bad offset";
    pub const EBADCOUNT: &str = "bad count";
    pub const EBOTCH: &str = "9P protocol botch";
    pub const ECREATENONDIR: &str = "create in non-directory";
    pub const EDUPFID: &str = "duplicate fid";
    pub const EDUPTAG: &str = "duplicate tag";
    pub const EISDIR: &str = "is a directory";
    pub const ENOCREATE: &str = "create prohibited";
    pub const ENOMEM: &str = "out of memory";
    pub const ENOREMOVE: &str = "remove prohibited";
    pub const ENOSTAT: &str = "stat prohibited";
    pub const ENOTFOUND: &str = "file not found";
    pub const ENOWRITE: &str = "write prohibited";
    pub const ENOWSTAT: &str = "wstat prohibited";
    pub const EPERM: &str = "permission denied";
    pub const EUNKNOWNFID: &str = "unknown fid";
    pub const EBADDIR: &str = "bad directory in wstat";
    pub const EWALKNODIR: &str = "walk in non-directory";
    /// planten's: a handler dropped the request without responding.
    pub const EABANDONED: &str = "request abandoned";
}

/// Seconds since the epoch, as 9front's `time(0)`.
pub(crate) fn now() -> u32 {
    (libc::syscall::nsec() / 1_000_000_000) as u32
}
