//! uniq: a port of 9front's `sys/src/cmd/uniq.c`.
//!
//! Compares adjacent lines and prints one of each run (`-u`: only lines
//! without duplicates, `-d`: one copy of duplicated lines, `-c`: every run
//! with its count as `%4d `; `-s`: a line that is a prefix of the previous
//! one counts as equal, but not as a repeat for `-u`/`-d`). `-N` skips N
//! fields (blanks, then non-blanks) and `+N` then N bytes before
//! comparing. The arguments are read by hand, as 9front does: any `-X`
//! sets the mode X, the first other argument is the file, and anything
//! after it is "unexpected". Lines are read with `Brdline`, so, as in
//! 9front, a last line without a newline is not seen, a line longer than
//! the buffer (32 KiB) ends the input, and a NUL ends a line's text.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use libbio::Biobuf;
use libc::syscall::{exits, open, Fd, OREAD, OWRITE};
use libc::sysfatal;

libc::main!(main);

struct Uniq {
    fields: usize,
    letters: usize,
    linec: i64,
    mode: u8,
    uniq: i64,
    fin: Biobuf,
    fout: Biobuf,
}

/// C's `atoi` (libc's) as a count: uniq's skip loops run while the
/// count is above 0, so a negative one is 0.
fn atoi(s: &str) -> usize {
    libc::atol::atoi(s).max(0) as usize
}

impl Uniq {
    /// Reads the next line (without its newline, cut at a NUL); false at
    /// the end of the input.
    fn gline(&mut self, buf: &mut Vec<u8>) -> bool {
        match self.fin.rdline(b'\n') {
            Some(l) => {
                let l = &l[..l.len() - 1];
                let l = match l.iter().position(|&c| c == 0) {
                    Some(z) => &l[..z],
                    None => l,
                };
                buf.clear();
                buf.extend_from_slice(l);
                true
            }
            None => false,
        }
    }

    fn pline(&mut self, buf: &[u8]) {
        match self.mode {
            b'u' => {
                if self.uniq != 0 {
                    self.uniq = 0;
                    return;
                }
            }
            b'd' => {
                if self.uniq == 0 {
                    return;
                }
            }
            b'c' => {
                // "%4d ", formatted here rather than through Bprint: one
                // count a line is most of the work of uniq -c.
                let mut b = [b' '; 24];
                let mut i = b.len() - 1;
                let mut n = self.linec.unsigned_abs();
                loop {
                    i -= 1;
                    b[i] = b'0' + (n % 10) as u8;
                    n /= 10;
                    if n == 0 {
                        break;
                    }
                }
                if self.linec < 0 {
                    i -= 1;
                    b[i] = b'-';
                }
                let i = i.min(b.len() - 1 - 4);
                let _ = self.fout.write(&b[i..]);
            }
            _ => {}
        }
        self.uniq = 0;
        let _ = self.fout.write(buf);
        let _ = self.fout.putc(b'\n');
    }

    fn skip<'a>(&self, s: &'a [u8]) -> &'a [u8] {
        let mut i = 0;
        for _ in 0..self.fields {
            while i < s.len() && (s[i] == b' ' || s[i] == b'\t') {
                i += 1;
            }
            while i < s.len() && !(s[i] == b' ' || s[i] == b'\t') {
                i += 1;
            }
        }
        let i = (i + self.letters.min(s.len())).min(s.len());
        &s[i..]
    }

    fn equal(&mut self, b1: &[u8], b2: &[u8]) -> bool {
        let (b1, b2) = if self.fields != 0 || self.letters != 0 {
            (self.skip(b1), self.skip(b2))
        } else {
            (b1, b2)
        };
        if b1 == b2 {
            self.uniq += 1;
            return true;
        }
        // 9front: the first difference is the end of b1 under -s.
        self.mode == b's' && b2.starts_with(b1)
    }

    fn done(&mut self) -> ! {
        let _ = self.fout.flush();
        exits("");
    }
}

fn main(argv: Vec<String>) {
    let mut fields = 0;
    let mut letters = 0;
    let mut mode = 0u8;
    let mut f = Fd::STDIN;
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
        if let Some(r) = a.strip_prefix('-') {
            if r.starts_with(|c: char| c.is_ascii_digit()) {
                fields = atoi(r);
            } else {
                mode = r.as_bytes().first().copied().unwrap_or(0);
            }
            i += 1;
            continue;
        }
        if let Some(r) = a.strip_prefix('+') {
            letters = atoi(r);
            i += 1;
            continue;
        }
        match open(a, OREAD) {
            Ok(fd) => f = fd,
            Err(_) => sysfatal!("cannot open {a}"),
        }
        break;
    }
    if i + 1 < argv.len() {
        sysfatal!("unexpected argument {}", argv[i + 1]);
    }
    let mut u = Uniq {
        fields,
        letters,
        linec: 0,
        mode,
        uniq: 0,
        fin: Biobuf::new(f, OREAD),
        fout: Biobuf::new(Fd::STDOUT, OWRITE),
    };
    let mut b1 = Vec::new();
    let mut b2 = Vec::new();
    if !u.gline(&mut b1) {
        u.done();
    }
    loop {
        u.linec += 1;
        if !u.gline(&mut b2) {
            u.pline(&b1);
            u.done();
        }
        if !u.equal(&b1, &b2) {
            u.pline(&b1);
            u.linec = 0;
            loop {
                u.linec += 1;
                if !u.gline(&mut b1) {
                    u.pline(&b2);
                    u.done();
                }
                if !u.equal(&b2, &b1) {
                    break;
                }
            }
            u.pline(&b2);
            u.linec = 0;
        }
    }
}
