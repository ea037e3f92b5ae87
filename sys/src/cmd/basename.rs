//! basename: a port of 9front's `sys/src/cmd/basename.c`.
//!
//! Prints the last `/`-separated element of a string, less a suffix if
//! one is given and matches; with `-d` (only as the first argument, as
//! 9front checks it by hand), everything before the last `/`, or `.`.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use libc::syscall::{exits, Fd};

libc::main!(main);

fn main(argv: Vec<String>) {
    let mut args = argv.get(1..).unwrap_or(&[]);
    let dflag = args.first().is_some_and(|a| a == "-d");
    if dflag {
        args = &args[1..];
    }
    if args.is_empty() || args.len() > 2 {
        let _ = libc::fprint!(Fd::STDERR, "usage: basename [-d] string [suffix]\n");
        exits("usage");
    }
    let s = args[0].as_str();
    let slash = s.rfind('/');
    if dflag {
        match slash {
            Some(i) => libc::print!("{}\n", &s[..i]),
            None => libc::print!(".\n"),
        }
        .ok();
        exits("");
    }
    let mut pr = match slash {
        Some(i) => &s[i + 1..],
        None => s,
    };
    if let Some(suf) = args.get(1) {
        if let Some(p) = pr.strip_suffix(suf.as_str()) {
            pr = p;
        }
    }
    let _ = libc::print!("{pr}\n");
    exits("");
}
