//! pwd: a port of 9front's `sys/src/cmd/pwd.c`.
//!
//! Prints the current directory. 9front gets it with `getwd` (fd2path of
//! an open `.`); here it is libc's `getwd` system call, which on Linux is
//! the kernel's idea of the current directory. On failure it prints
//! `pwd: ERR` and exits with status `getwd`, as 9front does.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use libc::syscall::{exits, getwd, Fd};

libc::main!(main);

fn main(_argv: Vec<String>) {
    match getwd() {
        Ok(d) => {
            let _ = libc::print!("{d}\n");
            exits("");
        }
        Err(e) => {
            let _ = libc::fprint!(Fd::STDERR, "pwd: {e}\n");
            exits("getwd");
        }
    }
}
