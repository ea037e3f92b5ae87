//! rc: the program. The port of `main` in 9front's
//! `sys/src/cmd/rc/exec.c` lives in [`rc::exec`]; this file only names it
//! as the program's entry.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;

libc::main!(main);

fn main(argv: Vec<String>) {
    rc::exec::main(argv)
}
