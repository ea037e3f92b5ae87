//! planten's libthread: a partial port of 9front's `sys/src/libthread`
//! (see thread(2)).
//!
//! 9front's libthread gives a program procs (made with rfork, scheduled by
//! the kernel) each running cooperatively scheduled threads, and channels
//! to talk between them. This port has what planten's 9P servers and
//! clients need so far:
//!
//! - [`create`]: `proccreate`, `procrfork` and `threadcreate`;
//! - [`channel`]: `Channel` with `chancreate`, `send`, `recv`, `nbsend`,
//!   `nbrecv` and `chanclose`;
//! - [`exit`]: `threadexits` and `threadexitsall`;
//! - [`ref`](mod@r#ref): `Ref` with `incref`/`decref`;
//! - queueing locks come from libc ([`libc::qlock::QLock`]).
//!
//! What differs from 9front, and is missing:
//!
//! - there are no cooperative threads: `threadcreate` makes a proc, so
//!   "threads" run in parallel and must lock what they share (planten's
//!   users do). On Linux a proc is a thread of the process (libc's
//!   `procrfork`); natively it will be `rfork(RFPROC|RFMEM)`;
//! - channels are typed (`Channel<T>`) instead of carrying `elsize`-byte
//!   elements, so `sendp`/`sendul` and friends are plain `send`;
//! - not yet here: `alt`, `threadmain` (programs use `libc::main!`),
//!   `threadid`/`threadgetname`, notes, ioprocs, `procexec`, `threadwait`.
//!
//! No unsafe code: the blocking primitive is libc's `rendezvous`.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod channel;
pub mod create;
pub mod exit;
pub mod r#ref;

pub use channel::{chancreate, Channel};
pub use create::{proccreate, procrfork, threadcreate};
pub use exit::{threadexits, threadexitsall};
pub use libc::qlock::{QLock, QLockGuard};
pub use r#ref::Ref;
