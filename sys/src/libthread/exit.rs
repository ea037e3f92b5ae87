//! Ending threads and procs: a partial port of 9front's
//! `sys/src/libthread/exit.c`.
//!
//! `threadexits(status)` ends the calling thread; when it is the last one,
//! the program exits with `status`. `threadexitsall(status)` ends the
//! program at once.
//!
//! What differs from 9front: a proc made by [`proccreate`](crate::proccreate)
//! ends when its function returns, and that is the way to end one. A proc
//! other than the last that calls `threadexits` cannot be unwound on
//! Linux (planten builds with `panic = "abort"`), so it sleeps for ever
//! instead; it no longer counts as running.

use core::sync::atomic::{AtomicUsize, Ordering};

/// Procs running besides the program's first.
static RUNNING: AtomicUsize = AtomicUsize::new(0);

pub(crate) fn started() {
    RUNNING.fetch_add(1, Ordering::SeqCst);
}

pub(crate) fn stopped() {
    RUNNING.fetch_sub(1, Ordering::SeqCst);
}

/// How many procs made by this library are running.
pub fn nprocs() -> usize {
    RUNNING.load(Ordering::SeqCst)
}

/// Ends the calling thread; the last one ends the program.
pub fn threadexits(status: &str) -> ! {
    let me = libc::syscall::procpid();
    let first = me == libc::syscall::getpid();
    if first && RUNNING.load(Ordering::SeqCst) == 0 {
        libc::syscall::exits(status);
    }
    if !first {
        stopped();
    }
    loop {
        if first && RUNNING.load(Ordering::SeqCst) == 0 {
            libc::syscall::exits(status);
        }
        let _ = libc::syscall::sleep(if first { 10 } else { 1_000_000 });
    }
}

/// Ends the program, every proc with it.
pub fn threadexitsall(status: &str) -> ! {
    libc::syscall::exits(status)
}
