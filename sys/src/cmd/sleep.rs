//! sleep: a port of 9front's `sys/src/cmd/sleep.c`.
//!
//! Sleeps for the seconds given as the first argument, read as `strtol`
//! (base 0: `0x` hexadecimal, leading `0` octal) with an optional decimal
//! fraction of which only the first three digits count; no floating point,
//! as 9front. No argument, or a value that is not a number, does not
//! sleep; other arguments are ignored; the exit status is always empty.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use libc::syscall::{exits, sleep};

libc::main!(main);

const MAXSEC: i64 = 0x7ffffc00 / 1000;

/// `strtol(s, &end, base)` for `long` (64 bits on amd64): the value and
/// the length of the prefix used.
fn strtol(s: &[u8], base: u32) -> (i64, usize) {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c') {
        i += 1;
    }
    let mut neg = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        neg = s[i] == b'-';
        i += 1;
    }
    let mut base = base;
    if base == 0 {
        if s.get(i) == Some(&b'0') {
            if matches!(s.get(i + 1), Some(b'x' | b'X')) && s.get(i + 2).is_some_and(|c| c.is_ascii_hexdigit()) {
                base = 16;
                i += 2;
            } else {
                base = 8;
            }
        } else {
            base = 10;
        }
    }
    let d0 = i;
    let mut v: i64 = 0;
    while let Some(d) = s.get(i).and_then(|&c| (c as char).to_digit(base)) {
        v = v.saturating_mul(base as i64).saturating_add(d as i64);
        i += 1;
    }
    if i == d0 {
        return (0, 0);
    }
    (if neg { -v } else { v }, i)
}

fn main(argv: Vec<String>) {
    if let Some(arg) = argv.get(1) {
        let s = arg.as_bytes();
        let (mut n, end) = strtol(s, 0);
        while n > MAXSEC {
            let _ = sleep((MAXSEC * 1000) as u32);
            n -= MAXSEC;
        }
        let mut m = 0i64;
        if s.get(end) == Some(&b'.') {
            let p = &s[end + 1..];
            let (v, len) = strtol(p, 10);
            if v > 0 {
                m = match len {
                    1 => v * 100,
                    2 => v * 10,
                    3 => v,
                    // 9front cuts the fraction to three characters.
                    _ => strtol(&p[..3.min(p.len())], 10).0,
                };
            }
        }
        m += n * 1000;
        if m > 0 {
            let _ = sleep(m.min(u32::MAX as i64) as u32);
        }
    }
    exits("");
}
