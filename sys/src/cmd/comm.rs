//! comm: a port of 9front's `sys/src/cmd/comm.c`.
//!
//! Prints the lines only in file1, only in file2, and in both, in three
//! columns led by tabs; `-1`, `-2`, `-3` drop a column (and its tab). As
//! in 9front: lines are compared as C strings of signed `char` (so bytes
//! 80-ff sort before ASCII, and a NUL ends a line's text); a line is cut
//! after 2047 bytes and the byte where it was cut is lost; a last line
//! without a newline is ignored; `-` names standard input.
//!
//! What differs: 9front opens `/fd/0` for `-`; planten reads descriptor 0
//! directly, which is the same file.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;
use libbio::Biobuf;
use libc::arg::Args;
use libc::syscall::{exits, Fd, OREAD, OWRITE};

libc::main!(main);

const LB: usize = 2048;

struct Comm {
    one: bool,
    two: bool,
    three: bool,
    ldr: [&'static str; 3],
    out: Biobuf,
}

/// Reads a line into `buf`; false at end of file.
fn rd(f: &mut Biobuf, buf: &mut Vec<u8>) -> bool {
    buf.clear();
    let mut i = 0;
    while let Some(c) = f.getc() {
        if c == b'\n' || i > LB - 2 {
            if let Some(z) = buf.iter().position(|&c| c == 0) {
                buf.truncate(z);
            }
            return true;
        }
        buf.push(c);
        i += 1;
    }
    false
}

/// 9front's compare: 1 if a sorts first, 2 if b does, 0 if equal, on
/// signed chars.
fn compare(a: &[u8], b: &[u8]) -> u8 {
    let sa = a.iter().map(|&c| c as i8);
    let sb = b.iter().map(|&c| c as i8);
    // A shorter string has its NUL (0) compared against the other's byte.
    match sa.chain(core::iter::once(0)).cmp(sb.chain(core::iter::once(0))) {
        Ordering::Equal => 0,
        Ordering::Less => 1,
        Ordering::Greater => 2,
    }
}

impl Comm {
    fn wr(&mut self, s: &[u8], n: usize) {
        let skip = match n {
            1 => self.one,
            2 => self.two,
            _ => self.three,
        };
        if skip {
            return;
        }
        let _ = self.out.write(self.ldr[n - 1].as_bytes());
        let _ = self.out.write(s);
        let _ = self.out.putc(b'\n');
    }

    fn copy(&mut self, f: &mut Biobuf, buf: &mut Vec<u8>, n: usize) -> ! {
        loop {
            self.wr(buf, n);
            if !rd(f, buf) {
                break;
            }
        }
        self.exit()
    }

    fn exit(&mut self) -> ! {
        let _ = self.out.flush();
        exits("");
    }
}

fn openfil(s: &str) -> Biobuf {
    if s == "-" {
        return Biobuf::new(Fd::STDIN, OREAD);
    }
    match Biobuf::open(s, OREAD) {
        Ok(b) => b,
        Err(e) => {
            let _ = libc::fprint!(Fd::STDERR, "comm: cannot open {s}: {e}\n");
            exits("open");
        }
    }
}

fn usage() -> ! {
    let _ = libc::fprint!(Fd::STDERR, "usage: comm [-123] file1 file2\n");
    exits("usage");
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let (mut one, mut two, mut three) = (false, false, false);
    while let Some(c) = a.next_flag() {
        match c {
            '1' => one = true,
            '2' => two = true,
            '3' => three = true,
            _ => usage(),
        }
    }
    let args = a.rest();
    if args.len() < 2 {
        usage();
    }
    let tabs = ["", "\t", "\t\t"];
    let mut c = Comm {
        one,
        two,
        three,
        ldr: ["", if one { "" } else { "\t" }, tabs[2 - one as usize - two as usize]],
        out: Biobuf::new(Fd::STDOUT, OWRITE),
    };
    let mut ib1 = openfil(&args[0]);
    let mut ib2 = openfil(&args[1]);
    let mut lb1 = Vec::new();
    let mut lb2 = Vec::new();
    if !rd(&mut ib1, &mut lb1) {
        if !rd(&mut ib2, &mut lb2) {
            c.exit();
        }
        c.copy(&mut ib2, &mut lb2, 2);
    }
    if !rd(&mut ib2, &mut lb2) {
        c.copy(&mut ib1, &mut lb1, 1);
    }
    loop {
        match compare(&lb1, &lb2) {
            0 => {
                c.wr(&lb1, 3);
                if !rd(&mut ib1, &mut lb1) {
                    if !rd(&mut ib2, &mut lb2) {
                        c.exit();
                    }
                    c.copy(&mut ib2, &mut lb2, 2);
                }
                if !rd(&mut ib2, &mut lb2) {
                    c.copy(&mut ib1, &mut lb1, 1);
                }
            }
            1 => {
                c.wr(&lb1, 1);
                if !rd(&mut ib1, &mut lb1) {
                    c.copy(&mut ib2, &mut lb2, 2);
                }
            }
            _ => {
                c.wr(&lb2, 2);
                if !rd(&mut ib2, &mut lb2) {
                    c.copy(&mut ib1, &mut lb1, 1);
                }
            }
        }
    }
}
