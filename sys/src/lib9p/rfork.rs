//! `srvforker`: a port of 9front's `sys/src/lib9p/rfork.c`.
//!
//! Starts a function in a new proc that shares the server's memory, as
//! 9front's `rfork(RFPROC|RFMEM|RFNOWAIT|flag)` does; lib9p uses it for
//! the listener and for each connection.
//!
//! What differs from 9front: the proc comes from libthread's `procrfork`
//! (a thread of the process on Linux), and a failure to make one is
//! returned rather than being fatal.

use libc::syscall::{Pid, Result};

/// Runs `f` in a new proc.
pub fn srvforker<F: FnOnce() + Send + 'static>(f: F, flag: u32) -> Result<Pid> {
    thread::procrfork(f, 64 * 1024, flag)
}
