//! col: a port of 9front's `sys/src/cmd/col.c`.
//!
//! A filter that resolves reverse line feeds (ESC 7, VT), half-line feeds
//! (ESC 8 up, ESC 9 down), carriage returns, backspaces and tabs into a
//! page image of half-lines, and prints it with forward motion only. `-f`
//! keeps half-line feeds in the output (as ESC 9), `-b` drops backspaces
//! by letting a later character replace an earlier one in the same column
//! instead of overstriking it, and `-x` prints blanks instead of turning
//! runs of them into tabs. Other control characters and NUL are dropped;
//! other escapes are ignored. col can go back at most 128 lines (256
//! half-lines) and, as in 9front, the text after the last newline is
//! dropped.
//!
//! As in 9front, columns count bytes, so a multi-byte character takes as
//! many columns as it has bytes, and a character overstruck on a non-blank
//! column is stored as its low byte only.
//!
//! What differs: 9front's line buffer holds 800 bytes and longer lines
//! overrun it; planten's grows.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use libbio::Biobuf;
use libc::arg::Args;
use libc::rune::{runetochar, Rune, UTFMAX};
use libc::syscall::{exits, Fd, OREAD, OWRITE};

libc::main!(main);

const ESC: u8 = 0o33;
const RLF: Rune = 0o13;
const PL: i64 = 256;
const TABSTOP: i64 = 8;

struct Col {
    bflag: bool,
    xflag: bool,
    fflag: bool,
    /// The column being written.
    cp: i64,
    /// The column `line` stands at.
    lp: i64,
    half: i64,
    ll: i64,
    llh: i64,
    mustwr: i64,
    pcp: i64,
    cline: i64,
    page: Vec<Option<Vec<u8>>>,
    /// The current line, NUL-terminated as in C; `line` indexes it.
    lbuff: Vec<u8>,
    line: usize,
    bout: Biobuf,
}

impl Col {
    fn at(&mut self, i: usize) -> u8 {
        if i >= self.lbuff.len() {
            self.lbuff.resize(i + 16, 0);
        }
        self.lbuff[i]
    }

    fn set(&mut self, i: usize, c: u8) {
        self.at(i);
        self.lbuff[i] = c;
    }

    fn cstr(&self) -> Vec<u8> {
        let n = self.lbuff.iter().position(|&c| c == 0).unwrap_or(self.lbuff.len());
        self.lbuff[..n].to_vec()
    }

    fn outc(&mut self, c: Rune) {
        if self.lp > self.cp {
            self.line = 0;
            self.lp = 0;
        }
        while self.lp < self.cp {
            match self.at(self.line) {
                0 => {
                    self.set(self.line, b' ');
                    self.lp += 1;
                }
                b'\x08' => self.lp -= 1,
                _ => self.lp += 1,
            }
            self.line += 1;
        }
        while self.at(self.line) == b'\x08' {
            self.line += 2;
        }
        let here = self.at(self.line);
        if self.bflag || here == 0 || here == b' ' {
            let mut b = [0u8; UTFMAX];
            let n = runetochar(&mut b, c);
            for (k, &x) in b[..n].iter().enumerate() {
                self.set(self.line + k, x);
            }
            self.cp += n as i64 - 1;
        } else {
            // overstrike: insert "\b c" after the character here.
            self.line += 1;
            let mut c1 = self.at(self.line);
            self.set(self.line, b'\x08');
            self.line += 1;
            let mut c2 = self.at(self.line);
            self.set(self.line, c as u8);
            self.line += 1;
            while c1 != 0 {
                let c3 = self.at(self.line);
                self.set(self.line, c1);
                self.line += 1;
                c1 = c2;
                c2 = c3;
            }
            self.lp = 0;
            self.line = 0;
        }
    }

    fn store(&mut self, lno: i64) {
        let s = self.cstr();
        self.page[lno.rem_euclid(PL) as usize] = Some(s);
    }

    fn fetch(&mut self, lno: i64) {
        self.lbuff.iter_mut().for_each(|c| *c = 0);
        self.line = 0;
        self.lp = 0;
        if let Some(p) = &self.page[lno.rem_euclid(PL) as usize] {
            let p = p.clone();
            for (k, &x) in p.iter().enumerate() {
                self.set(k, x);
            }
        }
    }

    fn putc(&mut self, c: u8) {
        let _ = self.bout.putc(c);
    }

    fn emit(&mut self, s: &[u8], lineno: i64) {
        if s.is_empty() {
            return;
        }
        while self.cline < lineno - 1 {
            self.putc(b'\n');
            self.pcp = 0;
            self.cline += 2;
        }
        if self.cline != lineno {
            self.putc(ESC);
            self.putc(b'9');
            self.cline += 1;
        }
        if self.pcp != 0 {
            self.putc(b'\r');
        }
        self.pcp = 0;
        let mut p = 0;
        while p < s.len() {
            let mut ncp = self.pcp;
            while p < s.len() && s[p] == b' ' {
                p += 1;
                ncp += 1;
                if ncp & 7 == 0 && !self.xflag {
                    self.pcp = ncp;
                    self.putc(b'\t');
                }
            }
            if p >= s.len() {
                break;
            }
            while self.pcp < ncp {
                self.putc(b' ');
                self.pcp += 1;
            }
            self.putc(s[p]);
            if s[p] == b'\x08' {
                self.pcp -= 1;
            } else {
                self.pcp += 1;
            }
            p += 1;
        }
    }

    fn incr(&mut self) {
        self.store(self.ll);
        self.ll += 1;
        if self.ll > self.llh {
            self.llh = self.ll;
        }
        let lno = self.ll.rem_euclid(PL) as usize;
        if self.ll >= self.mustwr {
            if let Some(p) = self.page[lno].take() {
                self.emit(&p, self.ll - PL);
                self.mustwr += 1;
            }
        }
        self.fetch(self.ll);
    }

    fn decr(&mut self) {
        if self.ll > self.mustwr - PL {
            self.store(self.ll);
            self.ll -= 1;
            self.fetch(self.ll);
        }
    }
}

fn usage(argv0: &str) -> ! {
    let _ = libc::fprint!(Fd::STDERR, "usage: {argv0} [-bfx]\n");
    exits("usage");
}

fn isprint(c: Rune) -> bool {
    (0x20..0x7f).contains(&c)
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let argv0 = String::from(a.argv0());
    let mut c = Col {
        bflag: false,
        xflag: false,
        fflag: false,
        cp: 0,
        lp: 0,
        half: 0,
        ll: 0,
        llh: 0,
        mustwr: PL,
        pcp: 0,
        cline: 0,
        page: vec![None; PL as usize],
        lbuff: vec![0; 800],
        line: 0,
        bout: Biobuf::new(Fd::STDOUT, OWRITE),
    };
    while let Some(f) = a.next_flag() {
        match f {
            'b' => c.bflag = true,
            'f' => c.fflag = true,
            'x' => c.xflag = true,
            _ => usage(&argv0),
        }
    }
    let mut bin = Biobuf::new(Fd::STDIN, OREAD);
    while let Some(ch) = bin.getrune() {
        match ch {
            0x0a => {
                c.incr();
                c.incr();
                c.cp = 0;
            }
            0 => {}
            0x1b => match bin.getrune() {
                Some(0x37) => {
                    c.decr();
                    c.decr();
                }
                Some(0x38) => {
                    if c.fflag {
                        c.decr();
                    } else {
                        c.half -= 1;
                        if c.half < -1 {
                            c.decr();
                            c.decr();
                            c.half += 2;
                        }
                    }
                }
                Some(0x39) => {
                    if c.fflag {
                        c.incr();
                    } else {
                        c.half += 1;
                        if c.half > 0 {
                            c.incr();
                            c.incr();
                            c.half -= 2;
                        }
                    }
                }
                _ => {}
            },
            RLF => {
                c.decr();
                c.decr();
            }
            0x0d => c.cp = 0,
            0x09 => c.cp = (c.cp + TABSTOP) & -TABSTOP,
            0x08 => {
                if c.cp > 0 {
                    c.cp -= 1;
                }
            }
            0x20 => c.cp += 1,
            _ => {
                if ch >= 0x80 || isprint(ch) {
                    c.outc(ch);
                    c.cp += 1;
                }
            }
        }
    }
    for i in 0..PL {
        let lno = (c.mustwr + i).rem_euclid(PL) as usize;
        if let Some(p) = c.page[lno].clone() {
            c.emit(&p, c.mustwr + i - PL);
        }
    }
    let last = (c.llh + 1) & -2;
    c.emit(b" ", last);
    let _ = c.bout.flush();
    exits("");
}
