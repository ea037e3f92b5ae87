//! ascii: a port of 9front's `sys/src/cmd/ascii.c`.
//!
//! With no text, prints the table of the 128 ASCII codes (256 with `-8`,
//! adding Latin-1) in the chosen base (`-x` hex, the default, `-o`, `-d`,
//! `-b n` for 2 to 36), eight `|code name` cells to a line. With text:
//! if the first argument is a number in the base (or with `-c`/`-t`),
//! each argument is a number printed as its character's name (`-t`: as
//! the raw byte, no newline); otherwise (or with `-n`) each byte of each
//! argument is printed as a number, one per line. A final newline always
//! ends the output. A byte that is no digit of the base, met while
//! reading a number, is fatal: `ascii: bad input char C`, status `bad`.
//! The table of names is built here from the mnemonics rather than
//! listed.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use libc::arg::Args;
use libc::strtoul::strtoul;
use libc::syscall::{exits, write_all, Fd};

libc::main!(main);

const DIG: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// The mnemonics of the control codes 0 to 32.
const CTL: [&str; 33] = [
    "nul", "soh", "stx", "etx", "eot", "enq", "ack", "bel", "bs", "ht", "nl", "vt", "ff", "cr", "so",
    "si", "dle", "dc1", "dc2", "dc3", "dc4", "nak", "syn", "etb", "can", "em", "sub", "esc", "fs", "gs",
    "rs", "us", "sp",
];

/// The three-column name of code `i`: a mnemonic padded on the right, a
/// printable character between spaces, or `xNN` for the C1 codes and
/// no-break space.
fn name(i: u8) -> String {
    match i {
        0..=32 => format!("{:<3}", CTL[i as usize]),
        127 => "del".into(),
        0x80..=0xa0 => format!("x{i:02x}"),
        _ => format!(" {} ", i as char),
    }
}

/// Digits of a number for each base, so the table's cells line up.
fn ncol(base: u32) -> usize {
    match base {
        2 => 7,
        3 => 5,
        4 | 5 => 4,
        6..=11 => 3,
        _ => 2,
    }
}

struct Ascii {
    argv0: String,
    base: u32,
    ncol: usize,
    strip: bool,
    out: Vec<u8>,
}

impl Ascii {
    fn putn(&mut self, n: u32, ndig: usize) {
        if ndig == 0 {
            return;
        }
        self.putn(n / self.base, ndig - 1);
        self.out.push(DIG[(n % self.base) as usize]);
    }

    fn put(&mut self, i: u8) {
        self.out.push(b'|');
        self.putn(i as u32, self.ncol);
        self.out.push(b' ');
        self.out.extend_from_slice(name(i).as_bytes());
    }

    /// The digit value of `c`, or None.
    fn value(&self, c: u8) -> Option<u32> {
        DIG[..self.base as usize].iter().position(|&d| d == c).map(|v| v as u32)
    }

    fn isnum(&self, s: &str) -> bool {
        s.bytes().all(|c| self.value(c).is_some())
    }

    fn btoi(&mut self, s: &str) -> i32 {
        let mut n: i32 = 0;
        for c in s.bytes() {
            let Some(v) = self.value(c) else {
                let _ = write_all(Fd::STDOUT, &self.out);
                let mut m = Vec::new();
                m.extend_from_slice(self.argv0.as_bytes());
                m.extend_from_slice(b": bad input char ");
                m.push(c);
                m.push(b'\n');
                let _ = write_all(Fd::STDERR, &m);
                exits("bad");
            };
            n = n.wrapping_mul(self.base as i32).wrapping_add(v as i32);
        }
        n
    }

    fn puttext(&mut self, s: &str) {
        let n = (self.btoi(s) & 0o377) as u8;
        if self.strip {
            self.out.push(n);
        } else {
            self.out.extend_from_slice(name(n).as_bytes());
            self.out.push(b'\n');
        }
    }

    fn putnum(&mut self, s: &str) {
        for c in s.bytes() {
            self.putn(c as u32, self.ncol);
            self.out.push(b'\n');
        }
    }
}


fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let argv0: String = a.argv0().into();
    let usage = || -> ! {
        let _ = libc::fprint!(Fd::STDERR, "usage: {argv0} [-8cnt] [-dox | -b n] [text]\n");
        exits("usage")
    };
    let mut nchars = 128;
    let mut base = 16u32;
    let mut text = 1;
    let mut strip = false;
    while let Some(c) = a.next_flag() {
        match c {
            '8' => nchars = 256,
            'x' => base = 16,
            'o' => base = 8,
            'd' => base = 10,
            'b' => {
                // ascii.c keeps strtoul's ulong in an int.
                let b = strtoul(&a.value().unwrap_or_else(|| usage()), 0).0 as i32;
                if !(2..=36).contains(&b) {
                    usage();
                }
                base = b as u32;
            }
            'n' => text = 0,
            't' => {
                strip = true;
                text = 2;
            }
            'c' => text = 2,
            _ => usage(),
        }
    }
    let args = a.rest();
    let mut st = Ascii { argv0: argv0.clone(), base, ncol: ncol(base), strip, out: Vec::new() };
    if args.is_empty() {
        for i in 0..nchars {
            st.put(i as u8);
            if i & 7 == 7 {
                st.out.extend_from_slice(b"|\n");
            }
        }
    } else {
        if text == 1 && !st.isnum(&args[0]) {
            text = 0;
        }
        for s in &args {
            if text != 0 {
                st.puttext(s);
            } else {
                st.putnum(s);
            }
        }
    }
    st.out.push(b'\n');
    let _ = write_all(Fd::STDOUT, &st.out);
    exits("");
}
