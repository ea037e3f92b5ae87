//! mtime: a port of 9front's `sys/src/cmd/mtime.c`.
//!
//! Prints each file's modification time, right-aligned in 11 columns,
//! and its name; a file that cannot be stat'd gets `stat NAME: ERR` on
//! standard error and the exit status `errors`. No flags.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use libc::arg::Args;
use libc::dirstat::dirstat;
use libc::syscall::{exits, Fd};

libc::main!(main);

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    if a.next_flag().is_some() {
        let _ = libc::fprint!(Fd::STDERR, "usage: mtime file...\n");
        exits("usage");
    }
    let mut errors = false;
    for f in a.rest() {
        match dirstat(&f) {
            Ok(d) => {
                let _ = libc::print!("{:11} {f}\n", d.mtime);
            }
            Err(e) => {
                let _ = libc::fprint!(Fd::STDERR, "stat {f}: {e}\n");
                errors = true;
            }
        }
    }
    exits(if errors { "errors" } else { "" });
}
