//! bind: a port of 9front's `sys/src/cmd/bind.c`.
//!
//! `bind [-a|-b|-c|-ac|-bc] [-q] new old` calls bind(2) with MAFTER,
//! MBEFORE and MCREATE from the flags; `-a` with `-b`, or a count of names
//! other than two, is a usage error. On failure it names whichever of the
//! two files does not exist (`bind: NAME: ERR`), else both
//! (`bind NEW OLD: ERR`), and exits with status `bind`; with `-q` it exits
//! quietly with success, as 9front does.
//!
//! What differs on Linux: there is no Plan 9 name space, so libc's bind
//! always fails and so does this command (with 9front's message around
//! libc's error text).
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use libc::access::access;
use libc::arg::Args;
use libc::syscall::{bind, exits, Fd, MAFTER, MBEFORE, MCREATE};

libc::main!(main);

fn usage() -> ! {
    let _ = libc::fprint!(Fd::STDERR, "usage: bind [-b|-a|-c|-bc|-ac] new old\n");
    exits("usage");
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let mut flag = 0u32;
    let mut qflag = false;
    while let Some(c) = a.next_flag() {
        match c {
            'a' => flag |= MAFTER,
            'b' => flag |= MBEFORE,
            'c' => flag |= MCREATE,
            'q' => qflag = true,
            _ => usage(),
        }
    }
    let args = a.rest();
    if args.len() != 2 || (flag & MAFTER != 0 && flag & MBEFORE != 0) {
        usage();
    }
    let (new, old) = (&args[0], &args[1]);
    if let Err(e) = bind(new, old, flag) {
        if qflag {
            exits("");
        }
        // Name the missing file if there is one, for a clearer message;
        // access's own error replaces bind's, as %r does in 9front.
        if let Err(e) = access(new, 0) {
            let _ = libc::fprint!(Fd::STDERR, "bind: {new}: {e}\n");
        } else if let Err(e) = access(old, 0) {
            let _ = libc::fprint!(Fd::STDERR, "bind: {old}: {e}\n");
        } else {
            let _ = libc::fprint!(Fd::STDERR, "bind {new} {old}: {e}\n");
        }
        exits("bind");
    }
    exits("");
}
