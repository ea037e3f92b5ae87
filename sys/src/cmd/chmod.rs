//! chmod: a port of 9front's `sys/src/cmd/chmod.c`.
//!
//! `chmod 0777 file...` sets the permission bits; `chmod [who]op[rwxalt]
//! file...` (who of `ugoa`, op of `+-=`) changes the named bits, where
//! `a`, `l` and `t` are the append-only, exclusive-use and temporary bits.
//! A file that cannot be stat'd or wstat'd gets a message and is skipped;
//! as in 9front the exit status is still success. A bad mode exits
//! `mode`, too few arguments `usage`.
//!
//! What differs on Linux: libc's wstat keeps only the permission bits.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use libc::dirstat::dirstat;
use libc::dirwstat::dirwstat;
use libc::fcall::{DMAPPEND, DMEXCL, DMTMP};
use libc::nulldir::nulldir;
use libc::strtol::strtol;
use libc::syscall::{exits, Fd};

libc::main!(main);

const RWE: u32 = 7;
const fn u(x: u32) -> u32 {
    x << 6
}
const fn g(x: u32) -> u32 {
    x << 3
}
const fn all(x: u32) -> u32 {
    u(x) | g(x) | x
}

/// `strtol(s, &p, 8)` with `*p == 0`: all of `s` used (only the empty
/// string passes with no digits, as mode 0), as chmod.c tests it.
fn octal(s: &str) -> Option<u32> {
    let (v, end) = strtol(s, 8);
    (end == s.len()).then_some(v as u32)
}

/// The mask and mode of a symbolic mode, or `None` if it is malformed.
fn parsemode(spec: &str) -> Option<(u32, u32)> {
    let b = spec.as_bytes();
    let mut mask = DMAPPEND | DMEXCL | DMTMP;
    let mut i = 0;
    loop {
        match b.get(i) {
            Some(b'u') => mask |= u(RWE),
            Some(b'g') => mask |= g(RWE),
            Some(b'o') => mask |= RWE,
            Some(b'a') => mask |= all(RWE),
            None => return None,
            _ => break,
        }
        i += 1;
    }
    if i == 0 {
        mask |= all(RWE);
    }
    let op = b[i];
    if op != b'+' && op != b'-' && op != b'=' {
        return None;
    }
    let mut mode = 0;
    for &c in &b[i + 1..] {
        mode |= match c {
            b'r' => all(4),
            b'w' => all(2),
            b'x' => all(1),
            b'a' => DMAPPEND,
            b'l' => DMEXCL,
            b't' => DMTMP,
            _ => return None,
        };
    }
    if op == b'+' || op == b'-' {
        mask &= mode;
    }
    if op == b'-' {
        mode = !mode;
    }
    Some((mask, mode))
}

fn main(argv: Vec<String>) {
    if argv.len() < 3 {
        let _ = libc::fprint!(
            Fd::STDERR,
            "usage: chmod 0777 file ... or chmod [who]op[rwxalt] file ...\n"
        );
        exits("usage");
    }
    let (mask, mode) = match octal(&argv[1]) {
        Some(m) => (all(RWE), m),
        None => match parsemode(&argv[1]) {
            Some(mm) => mm,
            None => {
                let _ = libc::fprint!(Fd::STDERR, "chmod: bad mode: {}\n", argv[1]);
                exits("mode");
            }
        },
    };
    let mut nd = nulldir();
    for f in &argv[2..] {
        let d = match dirstat(f) {
            Ok(d) => d,
            Err(e) => {
                let _ = libc::fprint!(Fd::STDERR, "chmod: can't stat {f}: {e}\n");
                continue;
            }
        };
        nd.mode = (d.mode & !mask) | (mode & mask);
        if let Err(e) = dirwstat(f, &nd) {
            let _ = libc::fprint!(Fd::STDERR, "chmod: can't wstat {f}: {e}\n");
        }
    }
    exits("");
}
