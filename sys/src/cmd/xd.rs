//! xd: a port of 9front's `sys/src/cmd/xd.c`.
//!
//! Dumps its input in groups of 16 bytes, one line per format and group,
//! each line led by the group's address: zero-padded for the first format,
//! blank-padded for the others (the address style is the one set by `-a`
//! when the format was read). Formats are a unit size (`1`/`b`, `2`/`w`,
//! `4`/`l`, `8`/`v`) and a style (`o`, `d`, `x`), at most ten of them, or
//! `-c` alone; without one, `-4x`. `-s` reads the units little-endian,
//! `-r` folds runs of identical groups into `*`, `-u` flushes the output
//! before each read. After the last (short or empty) group comes the final
//! address, with 9front's trailing blank; an input that ends on a group
//! boundary, or an empty one, also gets an empty line per format, as
//! 9front's loop prints one for the zero-length read at the end. Several
//! files are dumped one after the other, each under its name.
//!
//! As in 9front, addresses are 32 bits (its `ulong`) and wrap, and an
//! 8-byte unit sign-extends its low word into the high one (9front builds
//! the low word as an `int` before or-ing it into the 64-bit value), so
//! `00000000 80000000` shows as `ffffffff80000000`. Input is read in
//! 32 KiB blocks, not through Bio's function hook.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt::Write;
use libc::syscall::{close, exits, open, read, write_all, Fd, OREAD};

libc::main!(main);

const NARG: usize = 10;

#[derive(Clone, Copy)]
struct Format {
    ascii: bool,
    /// 0, 1, 2, 3: units of 1, 2, 4, 8 bytes.
    loglen: usize,
    /// 0 octal, 1 decimal, 2 hex.
    base: usize,
    /// The address is zero-padded (the first format) or blank-padded.
    zero_addr: bool,
    /// Address style when the format was set.
    abase: usize,
}

struct Out {
    buf: String,
}

impl Out {
    fn flush(&mut self) {
        if !self.buf.is_empty() {
            if write_all(Fd::STDOUT, self.buf.as_bytes()).is_err() {
                let _ = libc::fprint!(Fd::STDERR, "xd: i/o error\n");
                exits("i/o error");
            }
            self.buf.clear();
        }
    }

    fn check(&mut self) {
        if self.buf.len() >= 32768 {
            self.flush();
        }
    }
}

fn usage() -> ! {
    let _ = libc::fprint!(
        Fd::STDERR,
        "usage: xd [-u] [-r] [-s] [-a{{odx}}] [-c|{{b1w2l4v8}}{{odx}}] ... file ...\n"
    );
    exits("usage");
}

fn default_format(narg: usize, abase: usize) -> Format {
    if narg + 1 >= NARG {
        let _ = libc::fprint!(Fd::STDERR, "xd: too many formats (max {NARG})\n");
        exits("usage");
    }
    Format { ascii: false, loglen: 2, base: 2, zero_addr: narg == 0, abase }
}

fn addr(out: &mut String, a: u32, zero: bool, abase: usize) {
    let _ = match (zero, abase) {
        (true, 0) => write!(out, "{a:07o} "),
        (true, 1) => write!(out, "{a:07} "),
        (true, _) => write!(out, "{a:07x} "),
        (false, 0) => write!(out, "{a:7o} "),
        (false, 1) => write!(out, "{a:7} "),
        (false, _) => write!(out, "{a:7x} "),
    };
}

/// One unit of `n` bytes at `d`, in the byte order chosen.
fn unit(d: &[u8], loglen: usize, le: bool) -> u64 {
    let w32 = |d: &[u8]| -> u32 {
        if le {
            u32::from_le_bytes([d[0], d[1], d[2], d[3]])
        } else {
            u32::from_be_bytes([d[0], d[1], d[2], d[3]])
        }
    };
    match loglen {
        0 => d[0] as u64,
        1 => {
            if le {
                u16::from_le_bytes([d[0], d[1]]) as u64
            } else {
                u16::from_be_bytes([d[0], d[1]]) as u64
            }
        }
        2 => w32(d) as u64,
        _ => {
            let (hi, lo) = if le { (w32(&d[4..8]), w32(&d[0..4])) } else { (w32(&d[0..4]), w32(&d[4..8])) };
            // 9front's low word is an int: it sign-extends when or-ed in.
            ((hi as u64) << 32) | (lo as i32 as i64 as u64)
        }
    }
}

fn dump(out: &mut String, f: &Format, data: &[u8; 16], ndata: usize, le: bool) {
    if f.ascii {
        for &c in &data[..ndata] {
            let _ = match c {
                b'\t' => out.write_str(" \\t"),
                b'\r' => out.write_str(" \\r"),
                b'\n' => out.write_str(" \\n"),
                8 => out.write_str(" \\b"),
                c if !(b' '..0x7F).contains(&c) => write!(out, " {c:02x}"),
                c => write!(out, "  {}", c as char),
            };
        }
        return;
    }
    let size = 1 << f.loglen;
    let mut i = 0;
    while i < ndata {
        let v = unit(&data[i..i + size], f.loglen, le);
        let _ = match (f.loglen, f.base) {
            (0, 0) => write!(out, " {v:03o}"),
            (0, 1) => write!(out, " {v:03}"),
            (0, _) => write!(out, " {v:02x}"),
            (1, 0) => write!(out, " {v:06o}"),
            (1, 1) => write!(out, " {v:05}"),
            (1, _) => write!(out, " {v:04x}"),
            (2, 0) => write!(out, " {v:011o}"),
            (2, 1) => write!(out, " {v:010}"),
            (2, _) => write!(out, " {v:08x}"),
            (_, 0) => write!(out, " {v:022o}"),
            (_, 1) => write!(out, " {v:020}"),
            (_, _) => write!(out, " {v:016x}"),
        };
        i += size;
    }
}

struct Opts {
    repeats: bool,
    le: bool,
    flush: bool,
    abase: usize,
    formats: Vec<Format>,
}

/// Input read in blocks, flushing the output first under `-u`.
struct Input {
    fd: Fd,
    buf: Vec<u8>,
    rp: usize,
    re: usize,
    eof: bool,
}

impl Input {
    /// Fills `data` with up to 16 bytes: fewer only at the end.
    fn read16(&mut self, data: &mut [u8; 16], out: &mut Out, flush: bool) -> usize {
        let mut n = 0;
        while n < 16 {
            if self.rp == self.re {
                if self.eof {
                    break;
                }
                if flush {
                    out.flush();
                }
                match read(self.fd, &mut self.buf) {
                    Ok(0) | Err(_) => {
                        self.eof = true;
                        break;
                    }
                    Ok(m) => {
                        self.rp = 0;
                        self.re = m;
                    }
                }
            }
            let m = (self.re - self.rp).min(16 - n);
            data[n..n + m].copy_from_slice(&self.buf[self.rp..self.rp + m]);
            self.rp += m;
            n += m;
        }
        n
    }
}

fn xd(o: &Opts, out: &mut Out, name: Option<&str>, title: bool) -> bool {
    let fd = match name {
        Some(n) => match open(n, OREAD) {
            Ok(fd) => fd,
            Err(_) => {
                out.flush();
                let _ = libc::fprint!(Fd::STDERR, "xd: can't open {n}\n");
                return true;
            }
        },
        None => Fd::STDIN,
    };
    let mut input = Input { fd, buf: vec![0; 32768], rp: 0, re: 0, eof: false };
    if title {
        out.buf.push_str(name.unwrap_or(""));
        out.buf.push('\n');
    }
    let mut a: u32 = 0;
    let mut star = false;
    let mut data = [0u8; 16];
    let mut odata = [0u8; 16];
    loop {
        let ndata = input.read16(&mut data, out, o.flush);
        data[ndata..].fill(0);
        if ndata == 16 && o.repeats {
            if a > 0 && data == odata {
                a = a.wrapping_add(16);
                if !star {
                    star = true;
                    out.buf.push_str("*\n");
                }
                continue;
            }
            odata = data;
            star = false;
        }
        for f in &o.formats {
            addr(&mut out.buf, a, f.zero_addr, f.abase);
            dump(&mut out.buf, f, &data, ndata, o.le);
            out.buf.push('\n');
        }
        out.check();
        a = a.wrapping_add(ndata as u32);
        if ndata < 16 {
            addr(&mut out.buf, a, true, o.abase);
            out.buf.push('\n');
            break;
        }
    }
    if name.is_some() {
        let _ = close(fd);
    }
    false
}

fn main(argv: Vec<String>) {
    let mut o = Opts { repeats: false, le: false, flush: false, abase: 2, formats: Vec::new() };
    let mut i = 1;
    while i < argv.len() && argv[i].len() > 1 && argv[i].starts_with('-') {
        let s = &argv[i].as_bytes()[1..];
        i += 1;
        match s[0] {
            b'r' | b's' | b'u' => {
                if s.len() > 1 {
                    usage();
                }
                match s[0] {
                    b'r' => o.repeats = true,
                    b's' => o.le = true,
                    _ => o.flush = true,
                }
                continue;
            }
            b'a' => {
                o.abase = match s.get(1) {
                    Some(b'o') => 0,
                    Some(b'd') => 1,
                    Some(b'x') => 2,
                    _ => usage(),
                };
                if s.len() > 2 {
                    usage();
                }
                continue;
            }
            _ => {}
        }
        let mut f = default_format(o.formats.len(), o.abase);
        for (j, &c) in s.iter().enumerate() {
            match c {
                b'c' => {
                    f.ascii = true;
                    f.loglen = 0;
                    if j + 1 < s.len() || j > 0 {
                        usage();
                    }
                }
                b'o' => f.base = 0,
                b'd' => f.base = 1,
                b'x' => f.base = 2,
                b'b' | b'1' => f.loglen = 0,
                b'w' | b'2' => f.loglen = 1,
                b'l' | b'4' => f.loglen = 2,
                b'v' | b'8' => f.loglen = 3,
                _ => usage(),
            }
        }
        o.formats.push(f);
    }
    if o.formats.is_empty() {
        let f = default_format(0, o.abase);
        o.formats.push(f);
    }
    let files = &argv[i..];
    let mut out = Out { buf: String::new() };
    let err = match files.len() {
        0 => xd(&o, &mut out, None, false),
        1 => xd(&o, &mut out, Some(&files[0]), false),
        _ => {
            let mut e = false;
            for f in files {
                e |= xd(&o, &mut out, Some(f), true);
            }
            e
        }
    };
    out.flush();
    exits(if err { "error" } else { "" });
}
