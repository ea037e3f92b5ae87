//! test: a port of 9front's `sys/src/cmd/test.c`.
//!
//! Evaluates a conditional expression and exits with an empty status
//! when it is true, `false` when it is false, `bad syntax` (after a
//! `test: ...` message) when it is malformed, and `usage` when it is
//! empty. Called as `[`, the last argument must be `]`.
//!
//! Primaries are 9front's: `-e -f -d -r -w -x -s` on files, `-A -L -T`
//! for the append-only, exclusive and temporary bits, `-t [fd]`, `-n -z`
//! and bare strings, `= !=`, the integer comparisons `-eq -ne -gt -lt -ge
//! -le` (integers in C's base-0 notation), `f1 -nt f2`, `f1 -ot f2`,
//! `f -older time` (a time like `1d2h` ago, or a bare number of seconds
//! since the epoch), `!`, `-a`, `-o` and parentheses. `-c -b -u -g` are
//! always false.
//!
//! What differs on Linux: `-t` compares the descriptor with `/dev/cons`
//! by qid, as 9front does, and Linux has no `/dev/cons`, so it is false.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use libc::access::{access, AEXEC, AEXIST, AREAD, AWRITE};
use libc::dirfstat::dirfstat;
use libc::dirstat::dirstat;
use libc::fcall::{DMAPPEND, DMDIR, DMEXCL, DMTMP};
use libc::strtol::strtol;
use libc::strtoul::strtoul;
use libc::syscall::{exits, nsec, write, Fd};

libc::main!(main);

fn synbad(s1: &str, s2: &str) -> ! {
    let mut m = String::from("test: ");
    m.push_str(s1);
    m.push_str(s2);
    m.push('\n');
    let _ = write(Fd::STDERR, m.as_bytes());
    exits("bad syntax");
}

/// 9front's isint: `strtol(s, &ep, 0)` with `*ep == 0` (all used).
fn isint(s: &str) -> Option<i32> {
    let (v, end) = strtol(s, 0);
    (end == s.len()).then_some(v)
}

struct Test {
    av: Vec<String>,
    ap: usize,
}

impl Test {
    fn ac(&self) -> usize {
        self.av.len()
    }

    /// The next argument; at the end, `None` if `mt`, else a syntax error.
    fn nxtarg(&mut self, mt: bool) -> Option<String> {
        if self.ap >= self.ac() {
            if mt {
                self.ap += 1;
                return None;
            }
            synbad("argument expected", "");
        }
        self.ap += 1;
        Some(self.av[self.ap - 1].clone())
    }

    fn arg(&mut self) -> String {
        self.nxtarg(false).unwrap_or_default()
    }

    fn nxtintarg(&mut self) -> Option<i32> {
        if self.ap < self.ac() {
            if let Some(v) = isint(&self.av[self.ap]) {
                self.ap += 1;
                return Some(v);
            }
        }
        None
    }

    fn e(&mut self, eval: bool) -> bool {
        let mut p1 = self.e1(eval);
        while let Some(op) = self.nxtarg(true) {
            if op != "-o" {
                self.ap -= 1;
                return p1;
            }
            if !p1 && eval {
                p1 |= self.e1(true);
            } else {
                self.e1(false);
            }
        }
        p1
    }

    fn e1(&mut self, eval: bool) -> bool {
        let mut p1 = self.e2(eval);
        while let Some(op) = self.nxtarg(true) {
            if op != "-a" {
                self.ap -= 1;
                return p1;
            }
            if p1 && eval {
                p1 &= self.e2(true);
            } else {
                self.e2(false);
            }
        }
        p1
    }

    fn e2(&mut self, eval: bool) -> bool {
        let mut p1 = false;
        loop {
            match self.nxtarg(true) {
                None => return !p1,
                Some(op) if op == "!" => p1 = !p1,
                Some(_) => break,
            }
        }
        self.ap -= 1;
        p1 ^ self.e3(eval)
    }

    fn e3(&mut self, eval: bool) -> bool {
        let a = self.arg();
        match a.as_str() {
            "(" => {
                let p1 = self.e(eval);
                if self.arg() != ")" {
                    synbad(") expected", "");
                }
                return p1;
            }
            "-A" => return hasmode(&self.arg(), DMAPPEND) && eval,
            "-L" => return hasmode(&self.arg(), DMEXCL) && eval,
            "-T" => return hasmode(&self.arg(), DMTMP) && eval,
            "-f" => return isreg(&self.arg()) && eval,
            "-d" => return hasmode(&self.arg(), DMDIR) && eval,
            "-r" => return tio(&self.arg(), AREAD) && eval,
            "-w" => return tio(&self.arg(), AWRITE) && eval,
            "-x" => return tio(&self.arg(), AEXEC) && eval,
            "-e" => return tio(&self.arg(), AEXIST) && eval,
            "-c" | "-b" | "-u" | "-g" => return false,
            "-s" => return fsizep(&self.arg()) && eval,
            "-t" => {
                if self.ap >= self.ac() {
                    return eval && isatty(1);
                }
                match self.nxtintarg() {
                    Some(fd) => return eval && isatty(fd),
                    None => synbad("not a valid file descriptor number ", ""),
                }
            }
            "-n" => return !self.arg().is_empty(),
            "-z" => return self.arg().is_empty(),
            _ => {}
        }
        let Some(p2) = self.nxtarg(true) else {
            return !a.is_empty();
        };
        match p2.as_str() {
            "=" => return self.arg() == a,
            "!=" => return self.arg() != a,
            "-older" => {
                let b = self.arg();
                return eval && isolder(&b, &a);
            }
            "-ot" => {
                let b = self.arg();
                return eval && mtimecmp(&b, &a, |x, y| x > y);
            }
            "-nt" => {
                let b = self.arg();
                return eval && mtimecmp(&b, &a, |x, y| x < y);
            }
            _ => {}
        }
        if let Some(i1) = isint(&a) {
            if let Some(i2) = self.nxtintarg() {
                match p2.as_str() {
                    "-eq" => return i1 == i2,
                    "-ne" => return i1 != i2,
                    "-gt" => return i1 > i2,
                    "-lt" => return i1 < i2,
                    "-ge" => return i1 >= i2,
                    "-le" => return i1 <= i2,
                    _ => self.ap -= 1,
                }
            }
        }
        self.ap -= 1;
        !a.is_empty()
    }
}

fn tio(a: &str, mode: i32) -> bool {
    access(a, mode).is_ok()
}

fn hasmode(f: &str, m: u32) -> bool {
    dirstat(f).is_ok_and(|d| d.mode & m != 0)
}

fn isreg(f: &str) -> bool {
    dirstat(f).is_ok_and(|d| d.mode & DMDIR == 0)
}

fn fsizep(f: &str) -> bool {
    dirstat(f).is_ok_and(|d| d.length > 0)
}

fn isatty(fd: i32) -> bool {
    match (dirfstat(Fd(fd)), dirstat("/dev/cons")) {
        (Ok(d1), Ok(d2)) => d1.typ == d2.typ && d1.dev == d2.dev && d1.qid.path == d2.qid.path,
        _ => false,
    }
}

/// `cmp(mtime(a), mtime(b))`, false if either cannot be stat'd.
fn mtimecmp(a: &str, b: &str, cmp: fn(u32, u32) -> bool) -> bool {
    match (dirstat(a), dirstat(b)) {
        (Ok(ad), Ok(bd)) => cmp(ad.mtime, bd.mtime),
        _ => false,
    }
}

/// Whether `f` was modified before the time `pin`: a duration ago
/// (`1y2M3d4h5m6s`, units multiplying down: y=12M, M=30d) or, when the
/// last number has no unit, that absolute time.
fn isolder(pin: &str, f: &str) -> bool {
    let Ok(dir) = dirstat(f) else {
        return false;
    };
    let mut n: u32 = 0;
    let mut relative = true;
    let mut p = pin;
    while !p.is_empty() {
        let (mut m, used) = strtoul(p, 0);
        let rest = &p[used..];
        let mut unit = rest.chars();
        let c = unit.next();
        let mult: u32 = match c {
            None => {
                n = m;
                relative = false;
                break;
            }
            Some('y') => 12 * 30 * 24 * 60 * 60,
            Some('M') => 30 * 24 * 60 * 60,
            Some('d') => 24 * 60 * 60,
            Some('h') => 60 * 60,
            Some('m') => 60,
            Some('s') => 1,
            Some(_) => synbad("bad time syntax, ", pin),
        };
        m = m.wrapping_mul(mult);
        n = n.wrapping_add(m);
        p = unit.as_str();
    }
    if relative {
        n = ((nsec() / 1_000_000_000) as u32).wrapping_sub(n);
    }
    dir.mtime < n
}

fn main(argv: Vec<String>) {
    let mut av = argv;
    if av.first().is_some_and(|a| a == "[") {
        if av.last().is_none_or(|a| a != "]") || av.len() < 2 {
            synbad("] missing", "");
        }
        av.pop();
    }
    if av.len() <= 1 {
        exits("usage");
    }
    let mut t = Test { av, ap: 1 };
    let r = t.e(true);
    if let Some(c) = t.nxtarg(true) {
        synbad("unexpected operator/operand: ", &c);
    }
    exits(if r { "" } else { "false" });
}
