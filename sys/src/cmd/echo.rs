//! echo: a port of 9front's `sys/src/cmd/echo.c`.
//!
//! Prints its arguments separated by blanks, then a newline unless the
//! first argument is exactly `-n`; everything goes out in one write, as in
//! 9front, so an echo into a pipe or a file is a single message.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use libc::syscall::{exits, write, Fd};

libc::main!(main);

fn main(argv: Vec<String>) {
    let args = argv.get(1..).unwrap_or(&[]);
    let nflag = args.first().is_some_and(|a| a == "-n");
    let words = &args[nflag as usize..];
    let mut buf = words.join(" ").into_bytes();
    if !nflag {
        buf.push(b'\n');
    }
    if let Err(e) = write(Fd::STDOUT, &buf) {
        let _ = libc::fprint!(Fd::STDERR, "echo: write error: {e}\n");
        exits("write error");
    }
    exits("");
}
