//! cleanname: a port of 9front's `sys/src/cmd/cleanname.c`.
//!
//! Prints each name cleaned by libc's `cleanname`; with `-d pwd`, a
//! relative name is first put under `pwd`.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use libc::arg::Args;
use libc::cleanname::cleanname;
use libc::syscall::{exits, Fd};

libc::main!(main);

fn usage() -> ! {
    let _ = libc::fprint!(Fd::STDERR, "usage: cleanname [-d pwd] name...\n");
    exits("usage");
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let mut dir: Option<String> = None;
    while let Some(c) = a.next_flag() {
        match c {
            'd' => match a.value() {
                Some(d) => dir = Some(d),
                None => usage(),
            },
            _ => usage(),
        }
    }
    let names = a.rest();
    if names.is_empty() {
        usage();
    }
    let mut out = String::new();
    for n in &names {
        let c = match &dir {
            Some(d) if !n.starts_with('/') => cleanname(&format!("{d}/{n}")),
            _ => cleanname(n),
        };
        out.push_str(&c);
        out.push('\n');
    }
    let _ = libc::print!("{out}");
    exits("");
}
