//! seq: a port of 9front's `sys/src/cmd/seq.c`.
//!
//! Prints numbers from first (1) to last by incr (1) with `%g`, with a
//! `-f` print format (a newline is added unless it ends in one), or with
//! `-w`, where a `%W.Pf` format is chosen by surveying every value and the
//! leading blanks of each number become zeros. Flags are read as 9front's
//! ARGBEGIN does, and an unknown flag ends them with its argument kept, so
//! negative numbers (`seq -5 5`) are operands. Numbers are read as
//! `atof`: the longest numeric prefix, else 0.
//!
//! What differs: 9front's `-w` survey loops forever when incr is negative
//! and first <= last; planten ends the survey (and prints nothing, as the
//! main loop then does). Output is buffered rather than one write per
//! number.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use libc::fltfmt::{format_double, g};
use libc::syscall::{exits, write_all, Fd};

libc::main!(main);

fn usage() -> ! {
    let _ = libc::fprint!(Fd::STDERR, "usage: seq [-fformat] [-w] [first [incr]] last\n");
    exits("usage");
}

/// `atof`: the value of the longest prefix of `s` that is a number.
fn atof(s: &str) -> f64 {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c') {
        i += 1;
    }
    let start = i;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let d0 = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut nd = i - d0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let f0 = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        nd += i - f0;
    }
    if nd == 0 {
        return 0.0;
    }
    let mant = i;
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        let e0 = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        i = if j > e0 { j } else { mant };
    }
    s[start..i].parse().unwrap_or(0.0)
}

/// The `-w` format: widths and precisions of every value's `%g`.
fn buildfmt(min: f64, max: f64, incr: f64) -> Option<String> {
    let (mut maxw, mut maxp) = (0usize, 0usize);
    let mut val = min;
    while val <= max && incr > 0.0 {
        let buf = g(val);
        if buf.contains('e') {
            return None;
        }
        let (w, p) = match buf.find('.') {
            Some(d) => (d, buf.len() - d - 1),
            None => (buf.len(), 0),
        };
        maxw = maxw.max(w);
        maxp = maxp.max(p);
        val += incr;
    }
    if maxp > 0 {
        maxw += maxp + 1;
    }
    Some(format!("%{maxw}.{maxp}f\n"))
}

fn main(argv: Vec<String>) {
    let mut constant = false;
    let mut format: Option<String> = None;
    // ARGBEGIN by hand: an unknown flag stops with its argument kept.
    let mut i = 1;
    'flags: while i < argv.len() {
        let a = &argv[i];
        if a == "--" {
            i += 1;
            break;
        }
        if !a.starts_with('-') || a.len() < 2 {
            break;
        }
        let mut chars = a[1..].char_indices();
        while let Some((k, c)) = chars.next() {
            match c {
                'w' => constant = true,
                'f' => {
                    let rest = &a[1 + k + 1..];
                    let f = if !rest.is_empty() {
                        String::from(rest)
                    } else if i + 1 < argv.len() {
                        i += 1;
                        argv[i].clone()
                    } else {
                        usage()
                    };
                    format = Some(if f.ends_with('\n') { f } else { f + "\n" });
                    i += 1;
                    continue 'flags;
                }
                _ => break 'flags,
            }
        }
        i += 1;
    }
    let args = &argv[i.min(argv.len())..];
    if args.is_empty() || args.len() > 3 {
        usage();
    }
    let max = atof(&args[args.len() - 1]);
    let min = if args.len() > 1 { atof(&args[0]) } else { 1.0 };
    let incr = if args.len() > 2 { atof(&args[1]) } else { 1.0 };
    if incr == 0.0 {
        let _ = libc::fprint!(Fd::STDERR, "seq: zero increment\n");
        exits("zero increment");
    }
    let format = match format {
        Some(f) => f,
        None if constant => buildfmt(min, max, incr).unwrap_or_else(|| "%g\n".into()),
        None => "%g\n".into(),
    };
    let mut out: Vec<u8> = Vec::new();
    let mut val = min;
    while (incr > 0.0 && val <= max) || (incr < 0.0 && val >= max) {
        let s = format_double(&format, val);
        let mut b = s.into_bytes();
        if constant {
            for c in b.iter_mut().take_while(|c| **c == b' ') {
                *c = b'0';
            }
        }
        out.extend_from_slice(&b);
        if out.len() >= 8192 {
            if write_all(Fd::STDOUT, &out).is_err() {
                exits("write error");
            }
            out.clear();
        }
        val += incr;
    }
    if !out.is_empty() && write_all(Fd::STDOUT, &out).is_err() {
        exits("write error");
    }
    exits("");
}
