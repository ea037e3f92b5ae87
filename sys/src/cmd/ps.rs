//! ps: a port of 9front's `sys/src/cmd/ps.c`.
//!
//! Lists the processes under `/proc` in pid order, one line each from
//! `/proc/PID/status`: user, pid, user and system cpu time (minutes:seconds),
//! memory in KiB, state (cut to 8 characters) and the program name. `-p`
//! adds the base and current priorities, `-n` the note group (from
//! `noteid`, `?` when unreadable), `-r` the elapsed real time, and `-a` the
//! arguments from `/proc/PID/args` (the name and ` ?` when unreadable).
//! Unknown flags are ignored, as in 9front, which has no usage message.
//! A status file with fewer than 12 fields is skipped. A missing `/proc`
//! is `ps: /proc: error: ERR` (status `/proc`); an empty one is `ps: empty
//! directory /proc` (status `empty`).
//!
//! What differs: for tests, the environment variable `PLANTEN_PROC`
//! replaces the `/proc` directory (messages still name `/proc`). On Linux,
//! `/proc` is Linux's, whose status files are not in 9front's format, so
//! the lines printed from it mean little; point `PLANTEN_PROC` at a tree in
//! 9front's format instead.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use libc::arg::Args;
use libc::atol::atoi;
use libc::dirread::dirreadall;
use libc::strtoul::strtoul;
use libc::syscall::{chdir, close, exits, getenv, open, read, Fd, OREAD};
use libc::tokenize::tokenize;

libc::main!(main);

struct Flags {
    a: bool,
    p: bool,
    n: bool,
    r: bool,
}

/// One read of at most `max` bytes of `name`, as ps.c does.
fn readsome(name: &str, max: usize) -> Option<libc::syscall::Result<Vec<u8>>> {
    let fd = open(name, OREAD).ok()?;
    let mut buf = alloc::vec![0u8; max];
    let r = read(fd, &mut buf).map(|n| {
        buf.truncate(n);
        buf
    });
    let _ = close(fd);
    Some(r)
}

/// The elapsed-time column of `-r`: d:hh:mm:ss, h:mm:ss or m:ss, right
/// aligned in 12 columns with a leading blank.
fn rtimefmt(rtime: u32) -> String {
    let s = if rtime >= 86400 {
        format!(
            " {}:{:02}:{:02}:{:02}",
            rtime / 86400,
            (rtime / 3600) % 24,
            (rtime / 60) % 60,
            rtime % 60
        )
    } else if rtime >= 3600 {
        format!(
            " {}:{:02}:{:02}",
            rtime / 3600,
            (rtime / 60) % 60,
            rtime % 60
        )
    } else {
        format!(" {}:{:02}", rtime / 60, rtime % 60)
    };
    format!("{s:>12}")
}

/// The line for process directory `s` whose status file holds `status`;
/// `noteid` and `args` are the other files' contents (`None` when they
/// could not be read). `None` when the status has too few fields.
fn psline(
    s: &str,
    status: &str,
    noteid: Option<&[u8]>,
    args: Option<Option<&[u8]>>,
    f: &Flags,
) -> Option<String> {
    let av = tokenize(status, 15);
    if av.len() < 12 {
        return None;
    }
    let num = |i: usize| strtoul(&av[i], 0).0;
    let utime = num(3) / 1000;
    let stime = num(4) / 1000;
    let rtime = num(5) / 1000;
    let size = num(9);
    let nbuf = if f.n {
        match noteid {
            Some(b) if !b.is_empty() => format!(" {:7}", atoi(b) as u32),
            _ => format!(" {:>8}", "?"),
        }
    } else {
        String::new()
    };
    let pbuf = if f.p {
        format!(" {:2} {:2}", num(10) as i32, num(11) as i32)
    } else {
        String::new()
    };
    let rbuf = if f.r { rtimefmt(rtime) } else { String::new() };
    let state: String = av[2].chars().take(8).collect();
    let mut line = format!(
        "{:<10} {:>8}{nbuf}{rbuf} {:4}:{:02} {:3}:{:02} {pbuf} {:7}K {state:<8} ",
        av[1],
        s,
        utime / 60,
        utime % 60,
        stime / 60,
        stime % 60,
        size
    );
    match (f.a, args) {
        (true, None) => line.push_str(&format!("{} ?\n", av[0])),
        (true, Some(Some(a))) if !a.is_empty() => {
            let a: Vec<u8> = a
                .iter()
                .map(|&c| if c == b'\n' { b' ' } else { c })
                .collect();
            line.push_str(&String::from_utf8_lossy(&a));
            line.push('\n');
        }
        _ => line.push_str(&format!("{}\n", av[0])),
    }
    Some(line)
}

fn ps(s: &str, f: &Flags) -> Option<String> {
    let status = match readsome(&format!("{s}/status"), 4095)? {
        Ok(b) if !b.is_empty() => b,
        _ => return None,
    };
    let status = String::from_utf8_lossy(&status);
    let noteid = if f.n {
        readsome(&format!("{s}/noteid"), 63).and_then(|r| r.ok())
    } else {
        None
    };
    let args = if f.a {
        match readsome(&format!("{s}/args"), 255) {
            None | Some(Err(_)) => None,
            Some(Ok(b)) => Some(Some(b)),
        }
    } else {
        Some(None)
    };
    psline(
        s,
        &status,
        noteid.as_deref(),
        args.as_ref().map(|o| o.as_deref()),
        f,
    )
}

fn error(s: &str, e: libc::syscall::Error) -> ! {
    let _ = libc::fprint!(Fd::STDERR, "ps: {s}: error: {e}\n");
    exits(s);
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let mut f = Flags {
        a: false,
        p: false,
        n: false,
        r: false,
    };
    while let Some(c) = a.next_flag() {
        match c {
            'a' => f.a = true,
            'p' => f.p = true,
            'n' => f.n = true,
            'r' => f.r = true,
            _ => {} // ps.c's ARGBEGIN has no default case.
        }
    }
    let root = getenv("PLANTEN_PROC")
        .map(|v| String::from_utf8_lossy(&v).into_owned())
        .unwrap_or_else(|| "/proc".into());
    if let Err(e) = chdir(&root) {
        error("/proc", e);
    }
    let fd = open(".", OREAD).unwrap_or_else(|e| error("/proc", e));
    let mut dirs = match dirreadall(fd) {
        Ok(d) if !d.is_empty() => d,
        _ => {
            let _ = libc::fprint!(Fd::STDERR, "ps: empty directory /proc\n");
            exits("empty");
        }
    };
    let _ = close(fd);
    dirs.sort_by_key(|d| atoi(&d.name));
    let mut out = String::new();
    for d in &dirs {
        if let Some(l) = ps(&format!("{}", d.name), &f) {
            out.push_str(&l);
        }
        if out.len() >= 8192 {
            let _ = libc::print!("{out}");
            out.clear();
        }
    }
    let _ = libc::print!("{out}");
    exits("");
}
