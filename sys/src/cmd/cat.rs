//! cat: a port of 9front's `sys/src/cmd/cat.c`.
//!
//! Copies each named file, or standard input when there are none, to
//! standard output. It stops at the first file it cannot open or read,
//! with 9front's messages (`cat: can't open NAME: ERR`), through sysfatal.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use libc::syscall::{close, exits, open, read, write, Fd, OREAD};
use libc::sysfatal;

libc::main!(main);

/// 9front's IOUNIT: the default buffer size for 9P I/O.
const IOUNIT: usize = 32768;

fn cat(f: Fd, name: &str) {
    let mut buf = vec![0u8; IOUNIT];
    loop {
        match read(f, &mut buf) {
            Ok(0) => return,
            Ok(n) => match write(Fd::STDOUT, &buf[..n]) {
                Ok(m) if m == n => {}
                Ok(_) => sysfatal!("write error copying {name}: short write"),
                Err(e) => sysfatal!("write error copying {name}: {e}"),
            },
            Err(e) => sysfatal!("error reading {name}: {e}"),
        }
    }
}

fn main(argv: Vec<String>) {
    libc::main9::set_argv0("cat");
    if argv.len() <= 1 {
        cat(Fd::STDIN, "<stdin>");
    }
    for name in argv.iter().skip(1) {
        match open(name, OREAD) {
            Ok(f) => {
                cat(f, name);
                let _ = close(f);
            }
            Err(e) => sysfatal!("can't open {name}: {e}"),
        }
    }
    exits("");
}
