//! ns: a port of 9front's `sys/src/cmd/ns.c`.
//!
//! `ns [-r] [pid]` prints the name space of process `pid` (default: its
//! own) from `/proc/PID/ns`, one `bind`/`mount`/`cd` line per entry, with
//! the names quoted rc-style when they hold a blank, tab, quote, backslash,
//! `#` or `$`. Entries have 5, 4 (with or without a flag) or 3 fields, or
//! are `cd DIR`; anything else is `ns: unrecognized format of ns file: N
//! elements on line L` (status `format`). Without `-r`, a mount of
//! `/net/PROTO/N/data` is shown as `PROTO!REMOTE` from the connection's
//! `remote` file. A `pid` that reads as 0 is a usage error.
//!
//! What differs: 9front's kernel gives one entry per read of the ns file;
//! here the file is read whole and split at newlines, so it also works on
//! an ordinary file. A line of 1024 bytes or more is still `ns string too
//! long`. For tests, the environment variable `PLANTEN_PROC` replaces the
//! `/proc` directory (default `/proc`). On Linux `/proc/PID/ns` is Linux's
//! own namespace directory, so without `PLANTEN_PROC` ns fails (its
//! contents are not an ns file).
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use libc::arg::Args;
use libc::atol::atoi;
use libc::syscall::{close, exits, getenv, getpid, open, read, Fd, OREAD};
use libc::tokenize::tokenize;

libc::main!(main);

/// The size of 9front's read buffer: a read that fills it is too long.
const BUF: usize = 1024;

fn usage() -> ! {
    let _ = libc::fprint!(Fd::STDERR, "usage: ns [-r] [pid]\n");
    exits("usage");
}

/// One entry of the ns file.
struct Mount {
    cmd: String,
    flag: String,
    new: String,
    old: String,
    spec: String,
}

/// `s` as ns.c's quote gives it: unchanged unless it holds a character rc
/// would take specially, else in single quotes with quotes doubled. Like
/// 9front's 1024-byte buffer, the quoted text is cut after 1018 bytes.
fn quote(s: &str) -> String {
    if !s
        .chars()
        .any(|c| matches!(c, ' ' | '\'' | '\\' | '\t' | '#' | '$'))
    {
        return s.into();
    }
    let mut out = String::from("'");
    // 9front copies while fewer than 1019 bytes (opening quote included)
    // are in the buffer; a doubled quote counts two.
    let mut n = 1;
    for c in s.chars() {
        if n >= BUF - 5 {
            break;
        }
        if c == '\'' {
            out.push('\'');
            n += 1;
        }
        out.push(c);
        n += c.len_utf8();
    }
    out.push('\'');
    out
}

/// Reads all of `name`.
fn readall(name: &str) -> libc::syscall::Result<Vec<u8>> {
    let fd = open(name, OREAD)?;
    let mut v = Vec::new();
    let mut buf = [0u8; 8192];
    let r = loop {
        match read(fd, &mut buf) {
            Ok(0) => break Ok(v),
            Ok(n) => v.extend_from_slice(&buf[..n]),
            Err(e) => break Err(e),
        }
    };
    let _ = close(fd);
    r
}

/// Rewrites a mount of `/net/PROTO/N/data` as `PROTO!REMOTE`.
fn xlatemnt(m: &mut Mount) {
    let Some(rest) = m.new.strip_prefix("/net/") else {
        return;
    };
    let mut parts = rest.splitn(3, '/');
    let (Some(net), Some(port), Some("data")) = (parts.next(), parts.next(), parts.next()) else {
        return;
    };
    let Ok(fd) = open(&format!("/net/{net}/{port}/remote"), OREAD) else {
        return;
    };
    let mut buf = [0u8; 256];
    let n = read(fd, &mut buf);
    let _ = close(fd);
    let Ok(mut n) = n else { return };
    if n <= 1 {
        return;
    }
    if buf[n - 1] == b'\n' {
        n -= 1;
    }
    m.new = format!("{net}!{}", String::from_utf8_lossy(&buf[..n]));
}

/// Formats one line of the ns file, or the error ns.c exits with.
fn format_line(line: &str, lineno: usize, rflag: bool) -> Result<String, String> {
    let av = tokenize(line, 5);
    let s = |i: usize| av[i].clone();
    let mut m = match av.len() {
        2 if av[0] == "cd" => return Ok(format!("{} {}\n", av[0], quote(&av[1]))),
        5 => Mount {
            cmd: s(0),
            flag: s(1),
            new: s(2),
            old: s(3),
            spec: s(4),
        },
        4 if av[1].starts_with('-') => Mount {
            cmd: s(0),
            flag: s(1),
            new: s(2),
            old: s(3),
            spec: String::new(),
        },
        4 => Mount {
            cmd: s(0),
            flag: String::new(),
            new: s(1),
            old: s(2),
            spec: s(3),
        },
        3 => Mount {
            cmd: s(0),
            flag: String::new(),
            new: s(1),
            old: s(2),
            spec: String::new(),
        },
        n => {
            return Err(format!(
                "ns: unrecognized format of ns file: {n} elements on line {lineno}\n"
            ))
        }
    };
    if !rflag && m.cmd == "mount" {
        xlatemnt(&mut m);
    }
    Ok(format!(
        "{} {} {} {} {}\n",
        m.cmd,
        m.flag,
        quote(&m.new),
        quote(&m.old),
        quote(&m.spec)
    ))
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let mut rflag = false;
    while let Some(c) = a.next_flag() {
        match c {
            'r' => rflag = true,
            _ => usage(),
        }
    }
    let args = a.rest();
    let pid = match args.len() {
        0 => getpid().0,
        1 => match atoi(&args[0]) {
            0 => usage(),
            p => p,
        },
        _ => usage(),
    };
    let root = getenv("PLANTEN_PROC")
        .map(|v| String::from_utf8_lossy(&v).into_owned())
        .unwrap_or_else(|| "/proc".into());
    let name = format!("{root}/{pid}/ns");
    let data = match readall(&name) {
        Ok(d) => d,
        Err(e) => {
            let _ = libc::fprint!(Fd::STDERR, "ns: open {name}: {e}\n");
            exits("open ns");
        }
    };
    let text = String::from_utf8_lossy(&data);
    let mut out = String::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if line.len() >= BUF {
            let _ = libc::print!("{out}");
            let _ = libc::fprint!(Fd::STDERR, "ns: ns string too long\n");
            exits("read ns");
        }
        match format_line(line, i + 1, rflag) {
            Ok(s) => out.push_str(&s),
            Err(msg) => {
                let _ = libc::print!("{out}");
                let _ = libc::fprint!(Fd::STDERR, "{msg}");
                exits("format");
            }
        }
    }
    let _ = libc::print!("{out}");
    exits("");
}
