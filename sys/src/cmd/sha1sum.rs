//! sha1sum: a port of 9front's `sys/src/cmd/sha1sum.c`.
//!
//! Prints the SHA-1 digest of each file (standard input when there are
//! none) in hex, followed by a tab and the name when one was given; with
//! `-2 bits` (224, 256, 384 or 512) a SHA-2 digest instead. Any other
//! number of bits is fatal (`unknown number of sha2 bits: N`). Errors and
//! the exit status are md5sum's. The digests come from planten's libsec
//! (`sha1.c`, `sha2_64.c`, `sha2_128.c`).
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
use libc::sysfatal;
use libsec::{Digest, DigestState};

libc::main!(main);

/// 9front's IOUNIT, the size of sha1sum's reads.
const IOUNIT: usize = 32768;

fn sum(mk: fn() -> DigestState, fd: Fd, name: Option<&str>, status: &mut String) {
    let mut s = Box::new(mk());
    let mut buf = vec![0u8; IOUNIT];
    loop {
        match read(fd, &mut buf) {
            Ok(0) => break,
            Ok(n) => s.update(&buf[..n]),
            Err(e) => {
                // sha1sum.c keeps the newline in the status it prints.
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

/// C's `atoi`: `strtol(s, nil, 10)`, saturating to an int.
fn atoi(s: &str) -> i64 {
    let s = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (neg, d) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut v: i64 = 0;
    for c in d.bytes().take_while(|c| c.is_ascii_digit()) {
        v = (v * 10 + (c - b'0') as i64).min(1 << 31);
    }
    (if neg { -v } else { v }).clamp(i32::MIN as i64, i32::MAX as i64)
}

fn usage(argv0: &str) -> ! {
    let _ = libc::fprint!(Fd::STDERR, "usage: {argv0} [-2 bits] [file...]\n");
    exits("usage");
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let argv0: String = a.argv0().into();
    let mut mk: fn() -> DigestState = libsec::sha1;
    while let Some(c) = a.next_flag() {
        match c {
            '2' => {
                let Some(v) = a.value() else { usage(&argv0) };
                let bits = atoi(&v);
                mk = match bits {
                    224 => libsec::sha2_224,
                    256 => libsec::sha2_256,
                    384 => libsec::sha2_384,
                    512 => libsec::sha2_512,
                    _ => sysfatal!("unknown number of sha2 bits: {bits}"),
                };
            }
            _ => usage(&argv0),
        }
    }
    let files = a.rest();
    let mut status = String::new();
    if files.is_empty() {
        sum(mk, Fd::STDIN, None, &mut status);
    }
    for f in &files {
        match open(f, OREAD) {
            Ok(fd) => {
                sum(mk, fd, Some(f), &mut status);
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
