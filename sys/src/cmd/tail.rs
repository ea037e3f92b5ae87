//! tail: a port of 9front's `sys/src/cmd/tail.c`.
//!
//! POSIX tail plus v10's `-r`: `-n N`, `-c N`, `+N`/`-N` with the
//! suffixes `b` (blocks of 1024), `c`, `l`, then `r` or `f`; `-r` prints
//! lines in reverse; `-f` follows the file, polling every 5 seconds.
//! Seekable files are read from the end (lines) or seeked into (bytes);
//! others are read whole, keeping the tail, or skipped through from the
//! start. Messages and statuses are 9front's (`tail: MSG: ERR`, with the
//! status MSG; "incompatible options", "excess option", "too big").
//!
//! What differs: `-f` re-reads the length with `dirfstat` as 9front does
//! but sleeps with libc's `sleep`; nothing else.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use libbio::Biobuf;
use libc::syscall::{errstr, exits, open, read, seek, Fd, OWRITE, SEEKEND, SEEKSET};

libc::main!(main);

const BSIZE: usize = libbio::BSIZE;
const UMSG: &str = "usage: tail [-n N] [-c N] [-f] [-r] [+-N[bc][fr]] [file]";

#[derive(PartialEq, Eq, Clone, Copy)]
enum Origin {
    Beg,
    End,
}

struct Tail {
    fend: i64,
    count: i64,
    anycount: bool,
    follow: bool,
    file: Fd,
    origin: Origin,
    chars: bool,
    rev: bool,
    bout: Biobuf,
}

fn usage() -> ! {
    let _ = libc::fprint!(Fd::STDERR, "{UMSG}\n");
    exits("usage");
}

impl Tail {
    fn fatal(&mut self, s: &str) -> ! {
        let _ = self.bout.flush();
        let e = errstr();
        let _ = libc::fprint!(Fd::STDERR, "tail: {s}: {e}\n");
        exits(s);
    }

    /// Reads a count from `s` (after an optional sign); false if `s` has
    /// no digit there.
    fn getnumber(&mut self, s: &str) -> bool {
        let b = s.as_bytes();
        let signed = matches!(b.first(), Some(b'-' | b'+'));
        let rest = if signed { &s[1..] } else { s };
        if !rest.starts_with(|c: char| c.is_ascii_digit()) {
            return false;
        }
        if signed && b[0] == b'+' {
            self.origin = Origin::Beg;
        }
        if self.anycount {
            self.fatal("excess option");
        }
        self.anycount = true;
        // atol: leading digits.
        let mut v: i64 = 0;
        for c in rest.bytes().take_while(u8::is_ascii_digit) {
            v = v.wrapping_mul(10).wrapping_add((c - b'0') as i64);
        }
        if v < 0 || v as i32 as i64 != v {
            self.fatal("too big");
        }
        self.count = v;
        true
    }

    fn suffix(&mut self, s: &str) {
        let b = s.as_bytes();
        let mut i = b.iter().position(|c| !b"0123456789+-".contains(c)).unwrap_or(b.len());
        let c = b.get(i).copied();
        if c == Some(b'b') {
            self.count *= 1024;
            if self.count < 0 || self.count > i32::MAX as i64 {
                self.fatal("too big");
            }
        }
        if matches!(c, Some(b'b' | b'c')) {
            self.chars = true;
        }
        if matches!(c, Some(b'b' | b'c' | b'l')) {
            i += 1;
        }
        match b.get(i) {
            Some(b'r') => self.rev = true,
            Some(b'f') => self.follow = true,
            None => {}
            _ => usage(),
        }
    }

    fn tseek(&mut self, o: i64, p: i32) -> i64 {
        match seek(self.file, o, p) {
            Ok(o) => o,
            Err(_) => self.fatal(""),
        }
    }

    fn tread(&mut self, buf: &mut [u8]) -> usize {
        match read(self.file, buf) {
            Ok(n) => n,
            Err(_) => self.fatal(""),
        }
    }

    fn twrite(&mut self, s: &[u8]) {
        if self.bout.write(s).is_err() {
            self.fatal("");
        }
    }

    fn copy(&mut self) {
        let mut buf = vec![0u8; BSIZE];
        loop {
            let n = self.tread(&mut buf);
            if n == 0 {
                break;
            }
            self.twrite(&buf[..n]);
            let _ = self.bout.flush();
        }
    }

    /// Reads past the head of the file to the tail.
    fn skip(&mut self) {
        let mut buf = vec![0u8; BSIZE];
        if self.chars {
            while self.count > 0 {
                let n = (self.count as usize).min(BSIZE);
                let n = self.tread(&mut buf[..n]);
                if n == 0 {
                    return;
                }
                self.count -= n as i64;
            }
        } else {
            let (mut n, mut i) = (0, 0);
            while self.count > 0 {
                n = self.tread(&mut buf);
                if n == 0 {
                    return;
                }
                i = 0;
                while i < n && self.count > 0 {
                    if buf[i] == b'\n' {
                        self.count -= 1;
                    }
                    i += 1;
                }
            }
            self.twrite(&buf[i..n]);
        }
        self.copy();
    }

    /// Reads the whole input, keeping the tail.
    fn keep(&mut self) {
        let mut buf: Vec<u8> = Vec::new();
        let mut len = 0usize;
        let mut n = 1;
        while n != 0 {
            if len + BSIZE > buf.len() {
                buf.resize(buf.len() + 2 * BSIZE, 0);
            }
            while n != 0 && len < buf.len() {
                n = self.tread(&mut buf[len..]);
                len += n;
            }
            if self.count as usize >= len {
                continue;
            }
            let j = if self.chars {
                len - self.count as usize
            } else {
                let mut j = if buf[len - 1] == b'\n' { len - 1 } else { len };
                let mut k = 0;
                while j > 0 {
                    if buf[j - 1] == b'\n' {
                        k += 1;
                        if k >= self.count {
                            break;
                        }
                    }
                    j -= 1;
                }
                j
            };
            buf.copy_within(j..len, 0);
            len -= j;
        }
        if self.rev {
            if len > 0 && buf[len - 1] != b'\n' {
                if len >= buf.len() {
                    buf.push(0);
                }
                buf[len] = b'\n';
                len += 1;
            }
            let mut j = len - 1.min(len);
            while j > 0 {
                if buf[j - 1] == b'\n' {
                    let out = buf[j..len].to_vec();
                    self.twrite(&out);
                    self.count -= 1;
                    if self.count <= 0 {
                        return;
                    }
                    len = j;
                }
                j -= 1;
            }
        }
        if self.count > 0 {
            let out = buf[..len].to_vec();
            self.twrite(&out);
        }
    }

    /// Counts lines backwards from the end of a seekable file.
    fn reverse(&mut self) {
        let mut buf: Vec<u8> = Vec::new();
        let mut len = 0usize;
        let mut n = 0usize;
        let mut pos = self.tseek(0, SEEKEND);
        let mut first = true;
        while pos > 0 && self.count > 0 {
            n = if pos > BSIZE as i64 { BSIZE } else { pos as usize };
            pos -= n as i64;
            if len + n + 1 > buf.len() {
                buf.resize(buf.len() + 2 * BSIZE + 1, 0);
            }
            buf.copy_within(0..len, n);
            len += n;
            self.tseek(pos, SEEKSET);
            if self.tread(&mut buf[..n]) != n {
                self.fatal("length error");
            }
            if first && buf[len - 1] != b'\n' {
                buf[len] = b'\n';
                len += 1;
            }
            first = false;
            n = len - 1;
            while n > 0 && self.count > 0 {
                if buf[n - 1] == b'\n' {
                    self.count -= 1;
                    if self.rev {
                        let out = buf[n..len].to_vec();
                        self.twrite(&out);
                    }
                    len = n;
                }
                n -= 1;
            }
        }
        if !self.rev {
            if n != 0 {
                self.tseek(pos + n as i64 + 1, SEEKSET);
            } else {
                self.tseek(0, SEEKSET);
            }
            self.copy();
        } else if self.count > 0 {
            let out = buf[..len].to_vec();
            self.twrite(&out);
        }
    }

    fn isseekable(&mut self) -> bool {
        self.fend = seek(self.file, 0, SEEKEND).unwrap_or(-1);
        self.fend > 0 && seek(self.file, 0, SEEKSET) == Ok(0)
    }

    fn length(&self) -> Option<i64> {
        libc::dirfstat::dirfstat(self.file).ok().map(|d| d.length as i64)
    }
}

fn main(argv: Vec<String>) {
    let mut t = Tail {
        fend: 0,
        count: 0,
        anycount: false,
        follow: false,
        file: Fd::STDIN,
        origin: Origin::End,
        chars: false,
        rev: false,
        bout: Biobuf::new(Fd::STDOUT, OWRITE),
    };
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].clone();
        let c = a.as_bytes()[0..].first().copied();
        if c != Some(b'-') && c != Some(b'+') {
            break;
        }
        if t.getnumber(&a) {
            t.suffix(&a);
            i += 1;
            continue;
        }
        if c == Some(b'-') {
            match a.as_bytes().get(1) {
                Some(&f @ (b'c' | b'n')) => {
                    if f == b'c' {
                        t.chars = true;
                    }
                    if t.getnumber(&a[2..]) {
                        i += 1;
                        continue;
                    } else if i + 1 < argv.len() && t.getnumber(&argv[i + 1].clone()) {
                        i += 2;
                        continue;
                    } else {
                        usage();
                    }
                }
                Some(b'r') => {
                    t.rev = true;
                    i += 1;
                    continue;
                }
                Some(b'f') => {
                    t.follow = true;
                    i += 1;
                    continue;
                }
                Some(b'-') => {
                    i += 1;
                }
                _ => {}
            }
        }
        break;
    }
    if t.rev && (t.chars || t.follow || t.origin == Origin::Beg) {
        t.fatal("incompatible options");
    }
    if !t.anycount {
        t.count = if t.rev { i64::MAX } else { 10 };
    }
    if t.origin == Origin::Beg && !t.chars && t.count > 0 {
        t.count -= 1;
    }
    if argv.len() > i + 1 {
        usage();
    }
    if let Some(name) = argv.get(i) {
        match open(name, 0) {
            Ok(f) => t.file = f,
            Err(_) => t.fatal(name),
        }
    }
    let seekable = t.isseekable();
    match (seekable, t.origin, t.chars) {
        (false, Origin::End, _) => t.keep(),
        (false, Origin::Beg, _) => t.skip(),
        (true, Origin::End, true) => {
            let c = t.count;
            t.tseek(-c, SEEKEND);
            t.copy();
        }
        (true, Origin::Beg, true) => {
            let c = t.count;
            t.tseek(c, SEEKSET);
            t.copy();
        }
        (true, Origin::End, false) => t.reverse(),
        (true, Origin::Beg, false) => t.skip(),
    }
    let _ = t.bout.flush();
    if t.follow && (seekable || t.fend == 0) {
        let mut old: Option<i64> = None;
        loop {
            if let Some(l) = t.length() {
                if l < old.unwrap_or(0) {
                    t.tseek(0, SEEKSET);
                }
                old = Some(l);
            }
            t.copy();
            let _ = t.bout.flush();
            let _ = libc::syscall::sleep(5000);
        }
    }
    exits("");
}
