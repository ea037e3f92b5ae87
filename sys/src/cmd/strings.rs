//! strings: a port of 9front's `sys/src/cmd/strings.c`.
//!
//! Prints each run of at least `-m min` (default 6) printable runes —
//! ASCII from blank to `~`, or any rune above U+00A0 other than the
//! error rune — as its offset (`%8lld: `), then the run, then a newline.
//! The offset is 9front's: the byte offset after the run's first `min`
//! runes, less `min` (runes, not bytes). Input is decoded with `Bgetrune`,
//! so a rune cut short by the end of the input ends it. With several
//! files, each is introduced by `name:`; a file that cannot be opened is
//! reported as `open: error` and skipped. A `min` that is not positive is
//! a usage error.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use libbio::Biobuf;
use libc::arg::Args;
use libc::atol::atoi;
use libc::rune::{Rune, RUNEERROR};
use libc::syscall::{close, exits, open, Fd, OREAD, OWRITE};

libc::main!(main);

fn isprint(r: Rune) -> bool {
    r != RUNEERROR && ((0x20..0x7F).contains(&r) || r > 0xA0)
}

fn stringit(fd: Fd, minspan: usize, fout: &mut Biobuf) {
    let mut fin = Biobuf::new(fd, OREAD);
    let mut span: Vec<Rune> = Vec::with_capacity(minspan);
    // Inside a run already printed (9front's sp == nil).
    let mut printing = false;
    while let Some(c) = fin.getrune() {
        if isprint(c) {
            if printing {
                let _ = fout.putrune(c);
                continue;
            }
            span.push(c);
            if span.len() < minspan {
                continue;
            }
            let _ = fout.print(format_args!("{:8}: ", fin.offset() - minspan as i64));
            for &r in &span {
                let _ = fout.putrune(r);
            }
            printing = true;
        } else {
            if printing {
                let _ = fout.putc(b'\n');
            }
            printing = false;
            span.clear();
        }
    }
    if printing {
        let _ = fout.putc(b'\n');
    }
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let argv0: String = a.argv0().into();
    let usage = || -> ! {
        let _ = libc::fprint!(Fd::STDERR, "usage: {argv0} [-m min] [file...]\n");
        exits("usage");
    };
    let mut minspan: i64 = 6;
    while let Some(c) = a.next_flag() {
        match c {
            'm' => {
                minspan = atoi(&a.value().unwrap_or_else(|| usage())).into();
                if minspan <= 0 {
                    usage();
                }
            }
            _ => usage(),
        }
    }
    let files = a.rest();
    let minspan = minspan as usize;
    let mut fout = Biobuf::new(Fd::STDOUT, OWRITE);
    if files.is_empty() {
        stringit(Fd::STDIN, minspan, &mut fout);
        let _ = fout.flush();
        exits("");
    }
    for f in &files {
        if files.len() > 1 {
            let _ = fout.print(format_args!("{f}:\n"));
            let _ = fout.flush();
        }
        match open(f, OREAD) {
            Ok(fd) => {
                stringit(fd, minspan, &mut fout);
                let _ = close(fd);
            }
            Err(e) => {
                let _ = libc::fprint!(Fd::STDERR, "open: {e}\n");
            }
        }
    }
    let _ = fout.flush();
    exits("");
}
