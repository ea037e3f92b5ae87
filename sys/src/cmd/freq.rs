//! freq: a port of 9front's `sys/src/cmd/freq.c`.
//!
//! Counts how often each byte (or, with `-r`, each rune) occurs in each
//! file (standard input by default) and prints one line per value seen,
//! in increasing order: with `-d` the value in decimal (`%3ld `), `-o` in
//! octal (`%.3lo `), `-x` in hex (`%.2lx `), `-c` as a character (`- `
//! for controls, space, C1 controls, and values above 0xFF when counting
//! bytes), then the count (`%8llud`). With none of `-dxoc`, all four.
//! Counts restart for each file. A file that cannot be opened is reported
//! as `open NAME: ERR` and skipped; the exit status is still empty, as in
//! 9front.
//!
//! What differs: planten's libbio does not tell a read error from end of
//! file, so 9front's `freq: read error on NAME` is not printed; the counts
//! up to the error are.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;
use libbio::Biobuf;
use libc::arg::Args;
use libc::syscall::{exits, open, Fd, OREAD, OWRITE};

libc::main!(main);

const FDEC: u32 = 1 << 0;
const FHEX: u32 = 1 << 1;
const FOCT: u32 = 1 << 2;
const FCHAR: u32 = 1 << 3;
const FRUNE: u32 = 1 << 4;

fn freq(fd: Fd, flag: u32, bout: &mut Biobuf) {
    let mut bytes = [0u64; 256];
    let mut runes: BTreeMap<u32, u64> = BTreeMap::new();
    let mut bin = Biobuf::new(fd, OREAD);
    if flag & FRUNE != 0 {
        while let Some(r) = bin.getrune() {
            *runes.entry(r).or_insert(0) += 1;
        }
    } else {
        while let Some(c) = bin.getc() {
            bytes[c as usize] += 1;
        }
        for (i, &n) in bytes.iter().enumerate() {
            if n != 0 {
                runes.insert(i as u32, n);
            }
        }
    }
    // Bterm would close the descriptor: the caller closes files, and
    // standard input stays open, so the buffer is just dropped.
    drop(bin);
    let mut line = String::new();
    for (&i, &n) in &runes {
        line.clear();
        if flag & FDEC != 0 {
            let _ = write!(line, "{i:3} ");
        }
        if flag & FOCT != 0 {
            let _ = write!(line, "{i:03o} ");
        }
        if flag & FHEX != 0 {
            let _ = write!(line, "{i:02x} ");
        }
        if flag & FCHAR != 0 {
            if i <= 0x20 || (0x7f..0xa0).contains(&i) || (i > 0xff && flag & FRUNE == 0) {
                line.push_str("- ");
            } else {
                line.push(char::from_u32(i).unwrap_or('\u{FFFD}'));
                line.push(' ');
            }
        }
        let _ = writeln!(line, "{n:8}");
        let _ = bout.write(line.as_bytes());
    }
    let _ = bout.flush();
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let mut flag = 0;
    while let Some(c) = a.next_flag() {
        flag |= match c {
            'd' => FDEC,
            'x' => FHEX,
            'o' => FOCT,
            'c' => FCHAR,
            'r' => FRUNE,
            _ => {
                let _ = libc::fprint!(Fd::STDERR, "usage: freq [-cdorx] [file ...]\n");
                exits("usage");
            }
        };
    }
    if flag & (FDEC | FHEX | FOCT | FCHAR) == 0 {
        flag |= FDEC | FHEX | FOCT | FCHAR;
    }
    let mut bout = Biobuf::new(Fd::STDOUT, OWRITE);
    let files = a.rest();
    if files.is_empty() {
        freq(Fd::STDIN, flag, &mut bout);
        exits("");
    }
    for f in &files {
        match open(f, OREAD) {
            Ok(fd) => {
                freq(fd, flag, &mut bout);
                let _ = libc::syscall::close(fd);
            }
            Err(e) => {
                let _ = libc::fprint!(Fd::STDERR, "open {f}: {e}\n");
            }
        }
    }
    exits("");
}
