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
use libc::strtoll::strtoll;
use libc::syscall::{exits, nsec, Fd};

libc::main!(main);

const NSEC: i64 = 1_000_000_000;

fn usage() -> ! {
    let _ = libc::fprint!(Fd::STDERR, "usage: date [-itun] [-f fmt] [seconds]\n");
    exits("usage")
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
        1 => (strtoll(&args[0], 0).0, 0),
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
