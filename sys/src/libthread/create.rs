//! Making procs and threads: a partial port of 9front's
//! `sys/src/libthread/create.c`.
//!
//! `proccreate(f, stacksize)` starts `f` in a new proc; `procrfork` does
//! the same with extra rfork flags; `threadcreate` would start a thread in
//! the calling proc's cooperative scheduler, and here starts a proc (see
//! the crate's documentation). Each returns the new proc's id.
//!
//! What differs from 9front: the function is a Rust closure instead of a
//! `void (*)(void*)` and its argument; there are no thread ids distinct
//! from proc ids; the stack size is a hint.

use alloc::boxed::Box;

use libc::syscall::{Pid, Result};

use crate::exit::{started, stopped};

/// Starts `f` in a new proc, with rfork `flags` beyond
/// `RFPROC|RFMEM|RFNOWAIT`.
pub fn procrfork<F: FnOnce() + Send + 'static>(f: F, stacksize: usize, flags: u32) -> Result<Pid> {
    started();
    let r = libc::syscall::procrfork(
        Box::new(move || {
            f();
            stopped();
        }),
        flags,
        stacksize,
    );
    if r.is_err() {
        stopped();
    }
    r
}

/// Starts `f` in a new proc.
pub fn proccreate<F: FnOnce() + Send + 'static>(f: F, stacksize: usize) -> Result<Pid> {
    procrfork(f, stacksize, 0)
}

/// Starts `f` as a thread; in planten, a proc of its own.
pub fn threadcreate<F: FnOnce() + Send + 'static>(f: F, stacksize: usize) -> Result<Pid> {
    proccreate(f, stacksize)
}
