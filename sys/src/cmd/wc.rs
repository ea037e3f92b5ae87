//! wc: a port of 9front's `sys/src/cmd/wc.c`.
//!
//! Counts lines, words, runes, bad UTF-8 codes and bytes with 9front's
//! state machine: a rune's lead byte (c0-f7) expects its continuation
//! bytes; anything else in their place is a bad code, and so is a stray
//! continuation byte or f8-ff; runes are counted as bytes less the
//! continuation bytes that completed a rune; words are separated by blank,
//! tab and newline only. A missing file is reported with `perror` (the
//! name and the error, without `wc:`), the rest are still counted, and the
//! exit status is "can't open". 9front's table is written as a `match`
//! on the byte's class here, and runs of ASCII between runes are counted
//! by a tighter loop with the same result.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt::Write;
use libc::arg::Args;
use libc::syscall::{close, exits, open, read, Fd, OREAD};

libc::main!(main);

const NBUF: usize = 32768;

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between words.
    Sp,
    /// In a word.
    Wd,
    /// Expecting 1, 2 or 3 more continuation bytes.
    C(u8),
}

#[derive(Default, Clone, Copy)]
struct Counts {
    line: u64,
    word: u64,
    rune: u64,
    badr: u64,
    chr: u64,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.line += o.line;
        self.word += o.word;
        self.rune += o.rune;
        self.badr += o.badr;
        self.chr += o.chr;
    }
}

struct Flags {
    line: bool,
    word: bool,
    rune: bool,
    badr: bool,
    chr: bool,
}

fn step(st: State, c: u8, n: &mut Counts) -> State {
    use State::*;
    let inchar = matches!(st, C(_));
    match c {
        b'\t' | b' ' | b'\n' => {
            if c == b'\n' {
                n.line += 1;
            }
            if inchar {
                n.badr += 1;
            }
            Sp
        }
        0x80..=0xBF => match st {
            Sp => {
                n.word += 1;
                n.badr += 1;
                Wd
            }
            Wd => {
                n.badr += 1;
                Wd
            }
            C(k) => {
                n.rune -= 1;
                if k == 1 {
                    Wd
                } else {
                    C(k - 1)
                }
            }
        },
        0xC0..=0xF7 => {
            let k = if c < 0xE0 {
                1
            } else if c < 0xF0 {
                2
            } else {
                3
            };
            match st {
                Sp => n.word += 1,
                Wd => {}
                C(_) => n.badr += 1,
            }
            C(k)
        }
        _ => {
            // Other ASCII, or f8-ff (never in a rune).
            match st {
                Sp => n.word += 1,
                Wd => {}
                C(_) => n.badr += 1,
            }
            if c >= 0xF8 && !inchar {
                n.badr += 1;
            }
            Wd
        }
    }
}

/// Counts a run of ASCII bytes between runes (the state is not inside a
/// rune) the way [`step`] would, a byte at a time but without its
/// branches; returns how many bytes it took.
fn ascii_run(buf: &[u8], st: &mut State, n: &mut Counts) -> usize {
    let mut inword = *st == State::Wd;
    let mut lines = 0u64;
    let mut words = 0u64;
    let mut i = 0;
    while i < buf.len() {
        let c = buf[i];
        if c >= 0x80 {
            break;
        }
        let blank = c == b' ' || c == b'\t' || c == b'\n';
        lines += (c == b'\n') as u64;
        words += (!blank && !inword) as u64;
        inword = !blank;
        i += 1;
    }
    n.line += lines;
    n.word += words;
    *st = if inword { State::Wd } else { State::Sp };
    i
}

fn count(f: Fd, name: Option<&str>, fl: &Flags) -> Counts {
    let mut n = Counts::default();
    let mut buf = vec![0u8; NBUF];
    let mut st = State::Sp;
    let mut err = None;
    loop {
        match read(f, &mut buf) {
            Ok(0) => break,
            Ok(m) => {
                n.chr += m as u64;
                n.rune += m as u64;
                if fl.line && !(fl.word || fl.rune || fl.badr) {
                    // Only lines are printed: count newlines alone.
                    n.line += buf[..m].iter().filter(|&&c| c == b'\n').count() as u64;
                    continue;
                }
                let mut i = 0;
                while i < m {
                    if !matches!(st, State::C(_)) {
                        i += ascii_run(&buf[i..m], &mut st, &mut n);
                        if i == m {
                            break;
                        }
                    }
                    st = step(st, buf[i], &mut n);
                    i += 1;
                }
            }
            Err(e) => {
                err = Some(e);
                break;
            }
        }
    }
    if matches!(st, State::C(_)) {
        n.badr += 1;
    }
    if let Some(e) = err {
        perror(name, &e);
    }
    report(&n, name, fl);
    n
}

fn perror(name: Option<&str>, e: &libc::syscall::Error) {
    match name {
        Some(s) if !s.is_empty() => {
            let _ = libc::fprint!(Fd::STDERR, "{s}: {e}\n");
        }
        _ => {
            let _ = libc::fprint!(Fd::STDERR, "{e}\n");
        }
    }
}

fn report(n: &Counts, name: Option<&str>, fl: &Flags) {
    let mut line = String::new();
    for (on, v) in [
        (fl.line, n.line),
        (fl.word, n.word),
        (fl.rune, n.rune),
        (fl.badr, n.badr),
        (fl.chr, n.chr),
    ] {
        if on {
            let _ = write!(line, " {v:7}");
        }
    }
    let line = line.get(1..).unwrap_or("");
    let _ = match name {
        Some(s) => libc::print!("{line} {s}\n"),
        None => libc::print!("{line}\n"),
    };
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let mut fl = Flags { line: false, word: false, rune: false, badr: false, chr: false };
    while let Some(c) = a.next_flag() {
        match c {
            'l' => fl.line = true,
            'w' => fl.word = true,
            'r' => fl.rune = true,
            'b' => fl.badr = true,
            'c' => fl.chr = true,
            _ => {
                let _ = libc::fprint!(Fd::STDERR, "usage: {} [-lwrbc] [file ...]\n", a.argv0());
                exits("usage");
            }
        }
    }
    if !(fl.line || fl.word || fl.rune || fl.badr || fl.chr) {
        fl.line = true;
        fl.word = true;
        fl.chr = true;
    }
    let files = a.rest();
    let mut status = "";
    if files.is_empty() {
        count(Fd::STDIN, None, &fl);
    } else {
        let mut total = Counts::default();
        for name in &files {
            match open(name, OREAD) {
                Ok(f) => {
                    total.add(&count(f, Some(name), &fl));
                    let _ = close(f);
                }
                Err(e) => {
                    perror(Some(name), &e);
                    status = "can't open";
                }
            }
        }
        if files.len() > 1 {
            report(&total, Some("total"), &fl);
        }
    }
    exits(status);
}
