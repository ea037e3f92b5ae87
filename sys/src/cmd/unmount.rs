//! unmount: a port of 9front's `sys/src/cmd/unmount.c`.
//!
//! `unmount mountpoint` undoes every bind and mount on `mountpoint`;
//! `unmount mounted mountpoint` only the one of `mounted` (the names come in
//! mount's order). There are no flags: any other number of arguments
//! prints the two-line usage and exits with `usage`. A failure is
//! `sysfatal("MTPT: ERR")`.
//!
//! What differs on Linux: there is no Plan 9 name space, so libc's unmount
//! always fails and so does this command.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use libc::syscall::{exits, unmount, Fd};

libc::main!(main);

fn main(argv: Vec<String>) {
    let (mnted, mtpt) = match argv.len() {
        2 => (None, &argv[1]),
        3 => (Some(argv[1].as_str()), &argv[2]),
        _ => {
            let _ = libc::fprint!(
                Fd::STDERR,
                "usage: unmount mountpoint\n       unmount mounted mountpoint\n"
            );
            exits("usage");
        }
    };
    if let Err(e) = unmount(mnted, mtpt) {
        libc::sysfatal!("{mtpt}: {e}");
    }
    exits("");
}
