//! date: a port of 9front's `sys/src/cmd/date.c`.
//!
//! Prints the time now, or the time given as seconds since the epoch (read
//! as C's `strtoll` with base 0 reads it: leading blanks, a sign, `0x` hex
//! or `0` octal, stopping at the first other byte), in the local zone (the
//! `timezone` environment variable, 9front's `/env/timezone`) or with
//! `-u` in GMT, in tmdate(2)'s format: ctime's by default, `-t` ISO 8601
//! with time and zone, `-i` the ISO date, `-f` any format. `-n` prints
//! the seconds instead. As in 9front, a local zone that cannot be loaded
//! is fatal (`date: timezone: ...`), and a garbled format prints nothing
//! and exits with `garbled format FMT`. The formatting is libc's
//! [`libc::date::tmfmt`].
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use libc::arg::Args;
use libc::date::{tmfmt, tmnorm, tmtimens, tzload_err, CTIMEFMT};
use libc::syscall::{exits, nsec, Fd};

libc::main!(main);

const NSEC: i64 = 1_000_000_000;

fn usage() -> ! {
    let _ = libc::fprint!(Fd::STDERR, "usage: date [-itun] [-f fmt] [seconds]\n");
    exits("usage")
}

/// C's `strtoll(s, nil, 0)`: the longest prefix that is a number, 0 if
/// none, clamped to the range of a 64-bit integer.
fn strtoll(s: &str) -> i64 {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c') {
        i += 1;
    }
    let mut neg = false;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        neg = b[i] == b'-';
        i += 1;
    }
    let mut base = 10;
    if i < b.len() && b[i] == b'0' {
        if i + 2 < b.len() && (b[i + 1] | 0x20) == b'x' && b[i + 2].is_ascii_hexdigit() {
            base = 16;
            i += 2;
        } else {
            base = 8;
        }
    }
    let mut v: i128 = 0;
    while i < b.len() {
        let d = match (b[i] as char).to_digit(base) {
            Some(d) => d,
            None => break,
        };
        v = (v * base as i128 + d as i128).min(i64::MAX as i128 + 1);
        i += 1;
    }
    let v = if neg { -v } else { v };
    v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let mut nflg = false;
    let mut uflg = false;
    let mut fmt = String::from(CTIMEFMT);
    while let Some(c) = a.next_flag() {
        match c {
            'n' => nflg = true,
            'u' => uflg = true,
            't' => fmt = "YYYY-MM-DDThh:mm:ssZZ".into(),
            'i' => fmt = "YYYY-MM-DD".into(),
            'f' => fmt = a.value().unwrap_or_else(|| usage()),
            _ => usage(),
        }
    }
    let args = a.rest();
    let (s, ns) = match args.len() {
        0 => {
            let n = nsec();
            (n / NSEC, n % NSEC)
        }
        1 => (strtoll(&args[0]), 0),
        _ => usage(),
    };
    let tz = if uflg {
        None
    } else {
        match tzload_err("local") {
            Ok(z) => Some(z),
            Err(e) => libc::sysfatal!("timezone: {e}"),
        }
    };
    let mut tm = tmtimens(s, ns, tz.as_ref());
    if nflg {
        let _ = libc::print!("{}\n", tmnorm(&mut tm));
    } else {
        match tmfmt(&tm, Some(&fmt)) {
            Ok(t) => {
                if let Err(e) = libc::print!("{t}\n") {
                    libc::sysfatal!("{e}");
                }
            }
            Err(e) => libc::sysfatal!("{e}"),
        }
    }
    exits("");
}
