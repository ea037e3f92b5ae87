//! tee: a port of 9front's `sys/src/cmd/tee.c`.
//!
//! Copies standard input to standard output and to each file, created
//! (mode 0666) or, with `-a`, opened for appending (created if missing). A
//! file that cannot be opened is reported (`tee: cannot open NAME: ERR`)
//! and skipped. `-i` ignores interrupts; `-u` is accepted and ignored.
//! Output is written as each read returns, and write errors are ignored,
//! as in 9front.
//!
//! What differs: 9front dups the files onto descriptors 3, 4, ...; planten
//! keeps the descriptors it got. `-i` catches notes with libc's `notify`:
//! an interrupt does not kill tee, but the read it interrupts fails and
//! tee ends, as a 9front read interrupted by a continued note does; 9front
//! catches only "interrupt", planten also hangup, alarm and quit.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use libc::arg::Args;
use libc::syscall::{create, exits, open, read, seek, write, Fd, OWRITE, SEEKEND};

libc::main!(main);

const IOUNIT: usize = 32768;

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let mut aflag = false;
    while let Some(c) = a.next_flag() {
        match c {
            'a' => aflag = true,
            'i' => libc::syscall::notify(true),
            'u' => {}
            _ => {
                let _ = libc::fprint!(Fd::STDERR, "usage: tee [-ai] [file ...]\n");
                exits("usage");
            }
        }
    }
    let mut fds = Vec::new();
    for name in a.rest() {
        let r = if aflag {
            let f = open(&name, OWRITE).or_else(|_| create(&name, OWRITE, 0o666));
            if let Ok(f) = f {
                let _ = seek(f, 0, SEEKEND);
            }
            f
        } else {
            create(&name, OWRITE, 0o666)
        };
        match r {
            Ok(f) => fds.push(f),
            Err(e) => {
                let _ = libc::fprint!(Fd::STDERR, "tee: cannot open {name}: {e}\n");
            }
        }
    }
    let mut buf = vec![0u8; IOUNIT];
    loop {
        let n = match read(Fd::STDIN, &mut buf) {
            Ok(0) | Err(_) => exits(""),
            Ok(n) => n,
        };
        for &f in &fds {
            let _ = write(f, &buf[..n]);
        }
        let _ = write(Fd::STDOUT, &buf[..n]);
    }
}
