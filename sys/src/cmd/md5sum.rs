//! md5sum: a port of 9front's `sys/src/cmd/md5sum.c`.
//!
//! Prints the MD5 digest of each file (standard input when there are none)
//! as 32 lower-case hex digits, followed by a tab and the file's name when
//! one was given. A file that cannot be opened is reported as
//! `argv0: can't open NAME: ERR`; a read error as `reading NAME: ERR`
//! (with no program name, as 9front prints it). The last error is the exit
//! status. The digest comes from planten's libsec (`libsec/port/md5.c`).
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use libc::arg::Args;
use libc::syscall::{close, exits, open, read, Fd, ERRMAX, OREAD};
use libsec::Digest;

libc::main!(main);

/// 9front's IOUNIT, the size of md5sum's reads.
const IOUNIT: usize = 32768;

fn sum(fd: Fd, name: Option<&str>, status: &mut String) {
    let mut s = Box::new(libsec::md5());
    let mut buf = vec![0u8; IOUNIT];
    loop {
        match read(fd, &mut buf) {
            Ok(0) => break,
            Ok(n) => s.update(&buf[..n]),
            Err(e) => {
                // md5sum.c keeps the newline in the status it prints.
                *status = format!("reading {}: {e}\n", name.unwrap_or("stdin"));
                let _ = libc::fprint!(Fd::STDERR, "{status}");
                return;
            }
        }
    }
    let d = libsec::hex(&s.finish());
    let _ = match name {
        None => libc::print!("{d}\n"),
        Some(n) => libc::print!("{d}\t{n}\n"),
    };
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let argv0: String = a.argv0().into();
    if a.next_flag().is_some() {
        let _ = libc::fprint!(Fd::STDERR, "usage: md5sum [file...]\n");
        exits("usage");
    }
    let files = a.rest();
    let mut status = String::new();
    if files.is_empty() {
        sum(Fd::STDIN, None, &mut status);
    }
    for f in &files {
        match open(f, OREAD) {
            Ok(fd) => {
                sum(fd, Some(f), &mut status);
                let _ = close(fd);
            }
            Err(e) => {
                status = format!("can't open {f}: {e}");
                let _ = libc::fprint!(Fd::STDERR, "{argv0}: {status}\n");
            }
        }
    }
    let mut end = status.len().min(ERRMAX - 1);
    while !status.is_char_boundary(end) {
        end -= 1;
    }
    exits(&status[..end]);
}
