//! touch: a port of 9front's `sys/src/cmd/touch.c`.
//!
//! Sets each file's modification time to now, or to `-t`'s time (a
//! number in C's base-0 notation: decimal, 0octal or 0xhex), through
//! wstat; a file that cannot be wstat'd is created (unless `-c`) and then
//! given the time. Messages (`touch: NAME: cannot wstat: ERR`,
//! `touch: NAME: cannot create: ERR`) and the status `touch` are 9front's.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use libc::arg::Args;
use libc::dirfwstat::dirfwstat;
use libc::dirwstat::dirwstat;
use libc::nulldir::nulldir;
use libc::strtoul::strtoul;
use libc::syscall::{close, create, exits, nsec, Fd, OEXCL, OREAD};

libc::main!(main);

fn usage() -> ! {
    let _ = libc::fprint!(Fd::STDERR, "usage: touch [-c] [-t time] files\n");
    exits("usage");
}

/// `strtoul(s, &e, 0)` that must read a number and use all of `s`, as
/// touch.c checks `e`.
fn strtoul0(s: &str) -> Option<u32> {
    let (v, end) = strtoul(s, 0);
    (end != 0 && end == s.len()).then_some(v)
}

fn touch(nocreate: bool, now: u32, name: &str) -> bool {
    let mut d = nulldir();
    d.mtime = now;
    let e = match dirwstat(name, &d) {
        Ok(()) => return true,
        Err(e) => e,
    };
    if nocreate {
        let _ = libc::fprint!(Fd::STDERR, "touch: {name}: cannot wstat: {e}\n");
        return false;
    }
    match create(name, OREAD | OEXCL, 0o666) {
        Ok(fd) => {
            let _ = dirfwstat(fd, &d);
            let _ = close(fd);
            true
        }
        Err(e) => {
            let _ = libc::fprint!(Fd::STDERR, "touch: {name}: cannot create: {e}\n");
            false
        }
    }
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let mut now = (nsec() / 1_000_000_000) as u32;
    let mut nocreate = false;
    while let Some(c) = a.next_flag() {
        match c {
            't' => {
                let t = a.value().unwrap_or_else(|| usage());
                now = strtoul0(&t).unwrap_or_else(|| usage());
            }
            'c' => nocreate = true,
            _ => usage(),
        }
    }
    let files = a.rest();
    if files.is_empty() {
        usage();
    }
    let mut status = 0;
    for f in &files {
        if !touch(nocreate, now, f) {
            status += 1;
        }
    }
    exits(if status > 0 { "touch" } else { "" });
}
