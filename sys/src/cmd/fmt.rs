//! fmt: a port of 9front's `sys/src/cmd/fmt.c`.
//!
//! Fills paragraphs: words (runs of bytes other than blank and tab) are
//! joined into lines of at most `-l`/`-w` columns (70; lengths in runes),
//! each line indented like the input line its first word came from,
//! plus `-i` extra columns, with tabs for every `tabstop` (the
//! environment variable, 8 by default) columns. A change of indentation
//! or a blank line ends a paragraph; `-j` keeps input lines apart. Words
//! ending in `.`, `!` or `?` are followed by two blanks unless they are
//! short (one byte, or under four bytes starting with an upper-case
//! letter). Several files are separated by an empty line. As 9front,
//! a line's text ends at a NUL byte; the quirks of 9front's word queue
//! (a run of blank lines prints blanks between the empty words) are kept.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;
use libbio::Biobuf;
use libc::arg::Args;
use libc::syscall::{exits, getenv, open, Fd, OREAD, OWRITE};

libc::main!(main);

struct Word {
    /// The line's indentation, or -1 for a blank line.
    indent: i64,
    /// Width in runes (`utflen`).
    length: i64,
    /// First word of its input line.
    bol: bool,
    text: Vec<u8>,
}

struct Fmt {
    extraindent: i64,
    indent: i64,
    length: i64,
    join: bool,
    maxtab: i64,
    /// The words of the current line not yet handed out (9front's
    /// static `head`).
    queue: VecDeque<Word>,
    bout: Biobuf,
}

/// `utflen`: runes in `s`.
fn utflen(s: &[u8]) -> i64 {
    libc::rune::runes(s).len() as i64
}

impl Fmt {
    fn indentof(&self, s: &[u8]) -> i64 {
        let mut ind = 0;
        for &c in s {
            match c {
                b' ' => ind += 1,
                b'\t' => {
                    ind += self.maxtab;
                    ind -= ind % self.maxtab;
                }
                _ => return ind,
            }
        }
        // A line of blanks leaves the indentation as it was.
        self.indent
    }

    fn getword(&mut self, bin: &mut Biobuf) -> Option<Word> {
        if let Some(w) = self.queue.pop_front() {
            return Some(w);
        }
        let mut line = bin.rdstr(b'\n', true)?;
        if let Some(z) = line.iter().position(|&c| c == 0) {
            line.truncate(z);
        }
        self.indent = self.indentof(&line);
        let mut i = 0;
        loop {
            while i < line.len() && (line[i] == b' ' || line[i] == b'\t') {
                i += 1;
            }
            if i == line.len() {
                if self.queue.is_empty() {
                    return Some(Word { indent: -1, length: 0, bol: true, text: Vec::new() });
                }
                break;
            }
            let start = i;
            i += 1;
            while i < line.len() && line[i] != b' ' && line[i] != b'\t' {
                i += 1;
            }
            let text = line[start..i].to_vec();
            let bol = self.queue.is_empty();
            self.queue.push_back(Word { indent: self.indent, length: utflen(&text), bol, text });
        }
        self.queue.pop_front()
    }

    fn printindent(&mut self, mut w: i64) {
        while w >= self.maxtab {
            let _ = self.bout.putc(b'\t');
            w -= self.maxtab;
        }
        while w > 0 {
            let _ = self.bout.putc(b' ');
            w -= 1;
        }
    }

    fn fmt(&mut self, bin: &mut Biobuf) {
        let mut w = self.getword(bin);
        while let Some(mut cur) = w {
            if cur.indent == -1 {
                let _ = self.bout.putc(b'\n');
                match self.getword(bin) {
                    Some(n) => cur = n,
                    None => break,
                }
            }
            let mut col = cur.indent;
            self.printindent(self.extraindent + col);
            let mut o = cur;
            loop {
                let _ = self.bout.write(&o.text);
                col += o.length;
                w = self.getword(bin);
                let Some(next) = &w else { break };
                if next.indent != o.indent {
                    break;
                }
                let nsp = nspaceafter(&o.text);
                if col + nsp + next.length > self.length {
                    break;
                }
                if !self.join && next.bol {
                    break;
                }
                for _ in 0..nsp {
                    let _ = self.bout.putc(b' ');
                    col += 1;
                }
                o = w.take().unwrap();
            }
            let _ = self.bout.putc(b'\n');
        }
    }
}

/// Blanks after a word: two after a sentence's end.
fn nspaceafter(s: &[u8]) -> i64 {
    let n = s.len();
    if n < 2 {
        return 1;
    }
    if s[0].is_ascii_uppercase() && n < 4 {
        return 1;
    }
    if matches!(s[n - 1], b'.' | b'!' | b'?') {
        return 2;
    }
    1
}

/// C's `atoi`: `strtol(s, nil, 10)`, saturating to an int.
fn atoi(s: &[u8]) -> i64 {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        i += 1;
    }
    let mut neg = false;
    if i < s.len() && (s[i] == b'-' || s[i] == b'+') {
        neg = s[i] == b'-';
        i += 1;
    }
    let mut v: i64 = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        v = (v * 10 + (s[i] - b'0') as i64).min(1 << 31);
        i += 1;
    }
    (if neg { -v } else { v }).clamp(i32::MIN as i64, i32::MAX as i64)
}

fn usage(argv0: &str) -> ! {
    let _ = libc::fprint!(Fd::STDERR, "usage: {argv0} [-j] [-i indent] [-l length] [file...]\n");
    exits("usage");
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let argv0: String = a.argv0().into();
    let mut f = Fmt {
        extraindent: 0,
        indent: 0,
        length: 70,
        join: true,
        maxtab: 8,
        queue: VecDeque::new(),
        bout: Biobuf::new(Fd::STDOUT, OWRITE),
    };
    while let Some(c) = a.next_flag() {
        match c {
            'i' => f.extraindent = atoi(a.value().unwrap_or_else(|| usage(&argv0)).as_bytes()),
            'j' => f.join = false,
            'w' | 'l' => f.length = atoi(a.value().unwrap_or_else(|| usage(&argv0)).as_bytes()),
            _ => usage(&argv0),
        }
    }
    if f.length <= f.indent {
        let _ = libc::fprint!(Fd::STDERR, "{argv0}: line length<=indentation\n");
        exits("length");
    }
    if let Some(s) = getenv("tabstop") {
        let s: Vec<u8> = s.into_iter().take_while(|&c| c != 0).collect();
        if atoi(&s) > 0 {
            f.maxtab = atoi(&s);
        }
    }
    let files = a.rest();
    let mut err = "";
    if files.is_empty() {
        let mut bin = Biobuf::new(Fd::STDIN, OREAD);
        f.fmt(&mut bin);
    }
    for (i, name) in files.iter().enumerate() {
        match open(name, OREAD) {
            Ok(fd) => {
                let mut bin = Biobuf::new(fd, OREAD);
                f.fmt(&mut bin);
                let _ = bin.term();
                if i != files.len() - 1 {
                    let _ = f.bout.putc(b'\n');
                }
            }
            Err(e) => {
                let _ = f.bout.flush();
                let _ = libc::fprint!(Fd::STDERR, "{argv0}: can't open {name}: {e}\n");
                err = "open";
            }
        }
    }
    let _ = f.bout.flush();
    exits(err);
}
