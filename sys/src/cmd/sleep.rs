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
use libc::strtol::strtol;
use libc::syscall::{exits, sleep};

libc::main!(main);

const MAXSEC: i64 = 0x7ffffc00 / 1000;


fn main(argv: Vec<String>) {
    if let Some(arg) = argv.get(1) {
        let s = arg.as_bytes();
        // libc's strtol reads a 32-bit long, as 9front's; the sums below
        // are done in 64 bits so that they cannot overflow.
        let (n, end) = strtol(s, 0);
        let mut n = i64::from(n);
        while n > MAXSEC {
            let _ = sleep((MAXSEC * 1000) as u32);
            n -= MAXSEC;
        }
        let mut m = 0i64;
        if s.get(end) == Some(&b'.') {
            let p = &s[end + 1..];
            let (v, len) = strtol(p, 10);
            let v = i64::from(v);
            if v > 0 {
                m = match len {
                    1 => v * 100,
                    2 => v * 10,
                    3 => v,
                    // 9front cuts the fraction to three characters.
                    _ => strtol(&p[..3.min(p.len())], 10).0.into(),
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
