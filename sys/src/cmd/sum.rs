//! sum: a port of 9front's `sys/src/cmd/sum.c`.
//!
//! Prints a checksum and size for each file (standard input by default):
//! by default a 32-bit CRC (the reflected polynomial 0xEDB88320, starting
//! from 0, with the length mixed in at the end as four bytes xor-ed with
//! CC 55 CC 55) as `%.8lux %6lld`; `-r` the Research 16-bit rotating sum
//! with the size in 1 KiB blocks, `-5` the System V sum with the size in
//! 512-byte blocks, both as `%.5lud%6lld`. A file's name follows its sum.
//! A file that cannot be opened or read is reported on standard error as
//! `argv0: can't open name: error`, and the last such message is the exit
//! status. The CRC table is computed here rather than listed. As in 9front,
//! the System V sum is 32 bits before folding and the length mixed into
//! the CRC is the size's low 32 bits.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use libc::arg::Args;
use libc::syscall::{close, exits, open, read, Fd, OREAD};

libc::main!(main);

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Crc,
    Research,
    SysV,
}

const fn crc_table() -> [u32; 256] {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
}

static CRC: [u32; 256] = crc_table();

fn crc(mut c: u32, buf: &[u8]) -> u32 {
    for &b in buf {
        c = CRC[((c ^ b as u32) & 0xFF) as usize] ^ (c >> 8);
    }
    c
}

fn add(kind: Kind, mut sum: u32, buf: &[u8]) -> u32 {
    match kind {
        Kind::Crc => crc(sum, buf),
        Kind::SysV => {
            for &b in buf {
                sum = sum.wrapping_add(b as u32);
            }
            sum
        }
        Kind::Research => {
            for &b in buf {
                sum = if sum & 1 != 0 {
                    0xFFFF & ((sum >> 1) + b as u32 + 0x8000)
                } else {
                    0xFFFF & ((sum >> 1) + b as u32)
                };
            }
            sum
        }
    }
}

fn finish(kind: Kind, sum: u32, size: u64) -> String {
    match kind {
        Kind::SysV => {
            let s = ((sum >> 16).wrapping_add(sum)) & 0xFFFF;
            format!("{s:05}{:6}", size.div_ceil(512))
        }
        Kind::Research => format!("{:05}{:6}", sum & 0xFFFF, size.div_ceil(1024)),
        Kind::Crc => {
            let n = size as u32;
            let x = [(n >> 24) as u8 ^ 0xCC, (n >> 16) as u8 ^ 0x55, (n >> 8) as u8 ^ 0xCC, n as u8 ^ 0x55];
            format!("{:08x} {:6}", crc(sum, &x), size)
        }
    }
}

fn sumfile(argv0: &str, file: Option<&str>, kind: Kind, status: &mut String) {
    let fd = match file {
        Some(f) => match open(f, OREAD) {
            Ok(fd) => fd,
            Err(e) => {
                *status = format!("can't open {f}: {e}");
                let _ = libc::fprint!(Fd::STDERR, "{argv0}: {status}\n");
                return;
            }
        },
        None => Fd::STDIN,
    };
    let mut buf = vec![0u8; 65536];
    let mut size = 0u64;
    let mut sum = 0u32;
    loop {
        match read(fd, &mut buf) {
            Ok(0) => break,
            Ok(n) => {
                size += n as u64;
                sum = add(kind, sum, &buf[..n]);
            }
            Err(e) => {
                *status = format!("reading {}: {e}", file.unwrap_or("<stdin>"));
                let _ = libc::fprint!(Fd::STDERR, "{argv0}: {status}\n");
                if file.is_some() {
                    let _ = close(fd);
                }
                return;
            }
        }
    }
    if file.is_some() {
        let _ = close(fd);
    }
    let s = finish(kind, sum, size);
    let _ = match file {
        Some(f) => libc::print!("{s} {f}\n"),
        None => libc::print!("{s}\n"),
    };
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let argv0: String = a.argv0().into();
    let mut kind = Kind::Crc;
    while let Some(c) = a.next_flag() {
        match c {
            'r' => kind = Kind::Research,
            '5' => kind = Kind::SysV,
            _ => {
                let _ = libc::fprint!(Fd::STDERR, "usage: {argv0} [-5r] [file ...]\n");
                exits("usage");
            }
        }
    }
    let files = a.rest();
    let mut status = String::new();
    if files.is_empty() {
        sumfile(&argv0, None, kind, &mut status);
    } else {
        for f in &files {
            sumfile(&argv0, Some(f), kind, &mut status);
        }
    }
    // ERRMAX bounds 9front's status.
    let mut end = status.len().min(libc::syscall::ERRMAX - 1);
    while !status.is_char_boundary(end) {
        end -= 1;
    }
    exits(&status[..end]);
}
