//! dd: a port of 9front's `sys/src/cmd/dd.c` (see dd(1)).
//!
//! Copies standard input, or `-if FILE`, to standard output, or `-of
//! FILE`, in blocks: options come in pairs, `-ibs`, `-obs`, `-bs`, `-cbs`,
//! `-skip`, `-iseek`, `-oseek` (or `-seek`), `-count`, `-files`, `-trunc`,
//! `-quiet` with a number each, and `-conv` with a comma-separated list of
//! `ascii`, `ebcdic`, `ibm`, `block`, `unblock` (the last of these wins),
//! `lcase`, `ucase`, `swab`, `noerror` and `sync`. Numbers may carry the
//! suffixes `m`, `k`, `b` (×2²⁰, ×2¹⁰, ×512), in any sequence, and `x`
//! multiplies by the number that follows. At the end dd prints, unless
//! quiet, `F+P records in`, `F+P records out` (full and partial records)
//! and, if any, `N truncated records`, on standard error, as 9front's
//! `stats` does.
//!
//! As in 9front: with no conversion and equal block sizes each input
//! record is written as it was read (short records stay short); `swab`
//! swaps the first `(n/2) & ~1` pairs of an n-byte record (dd.c's count);
//! a read error with `noerror` prints the summary and goes on past the
//! block; messages and exit statuses are dd.c's (`dd: bad arg: KEY`
//! status `arg`, `dd: argument N out of range` status `range`, `dd:
//! invalid size suffix 'C'` status `invalid`, `dd: open F: ERR`, `dd:
//! create F: ERR`, `read: ERR` and `write: ERR` with status `errors`).
//!
//! What differs: the buffers come from the heap instead of `sbrk`; the
//! EBCDIC tables are built from one table and its inverse (9front's
//! `atoe` is the inverse of `etoa`, and `atoibm` differs from `atoe` in
//! four places); without a conversion buffer (`-cbs`) every conversion
//! is a map from byte to byte, applied to runs of bytes at once, with
//! the same result as dd.c's byte at a time.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use libc::syscall::{create, exits, open, read, seek, werrstr, write, Fd, Result, OREAD, OWRITE};

libc::main!(main);

/// The largest value of most counts (a C `long` of 32 bits).
const BIG: u64 = (1 << 31) - 1;
/// The largest value of offsets and record counts (a `vlong`).
const VBIG: u64 = (1 << 63) - 1;

const LCASE: u32 = 1 << 0;
const UCASE: u32 = 1 << 1;
const SWAB: u32 = 1 << 2;
const NERR: u32 = 1 << 3;
const SYNC: u32 = 1 << 4;

/// EBCDIC to ASCII, the table every dd since Unix's has used.
const ETOA: [u8; 256] = [
    0x00, 0x01, 0x02, 0x03, 0x9c, 0x09, 0x86, 0x7f, 0x97, 0x8d, 0x8e, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0x10, 0x11, 0x12, 0x13, 0x9d, 0x85, 0x08, 0x87, 0x18, 0x19, 0x92, 0x8f, 0x1c, 0x1d, 0x1e, 0x1f,
    0x80, 0x81, 0x82, 0x83, 0x84, 0x0a, 0x17, 0x1b, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x05, 0x06, 0x07,
    0x90, 0x91, 0x16, 0x93, 0x94, 0x95, 0x96, 0x04, 0x98, 0x99, 0x9a, 0x9b, 0x14, 0x15, 0x9e, 0x1a,
    0x20, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0x5b, 0x2e, 0x3c, 0x28, 0x2b, 0x21,
    0x26, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0xb0, 0xb1, 0x5d, 0x24, 0x2a, 0x29, 0x3b, 0x5e,
    0x2d, 0x2f, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0x7c, 0x2c, 0x25, 0x5f, 0x3e, 0x3f,
    0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf, 0xc0, 0xc1, 0xc2, 0x60, 0x3a, 0x23, 0x40, 0x27, 0x3d, 0x22,
    0xc3, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9,
    0xca, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0xcb, 0xcc, 0xcd, 0xce, 0xcf, 0xd0,
    0xd1, 0x7e, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7,
    0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7,
    0x7b, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed,
    0x7d, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x50, 0x51, 0x52, 0xee, 0xef, 0xf0, 0xf1, 0xf2, 0xf3,
    0x5c, 0x9f, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9,
    0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
];

/// ASCII to EBCDIC: the inverse of [`ETOA`].
fn atoe() -> [u8; 256] {
    let mut t = [0u8; 256];
    for (e, &a) in ETOA.iter().enumerate() {
        t[a as usize] = e as u8;
    }
    t
}

/// ASCII to IBM's EBCDIC: as [`atoe`] but for `!`, `[`, `]` and `|`.
fn atoibm() -> [u8; 256] {
    let mut t = atoe();
    t[b'!' as usize] = 0x5a;
    t[b'[' as usize] = 0xad;
    t[b']' as usize] = 0xbd;
    t[b'|' as usize] = 0x4f;
    t
}

/// The conversion applied to each input byte.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Conv {
    /// None at all (dd.c's `null`).
    Null,
    /// Case only (`cnull`).
    Cnull,
    Ascii,
    Unblock,
    Ebcdic,
    Ibm,
    Block,
}

fn fail(msg: core::fmt::Arguments, status: &str) -> ! {
    let _ = libc::print::fprint_args(Fd::STDERR, msg);
    exits(status)
}

/// dd.c's `number`: digits, then suffixes, `x` multiplying by the number
/// after it; a value above `big` is out of range.
fn number(s: &[u8], big: u64) -> u64 {
    let mut i = 0;
    let mut n: u64 = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        n = n.wrapping_mul(10).wrapping_add((s[i] - b'0') as u64);
        i += 1;
    }
    loop {
        let c = s.get(i).copied().unwrap_or(0);
        i += 1;
        match c {
            b'm' => n = n.wrapping_mul(1024 * 1024),
            b'k' => n = n.wrapping_mul(1024),
            b'b' => n = n.wrapping_mul(512),
            b'x' | 0 => {
                if c == b'x' {
                    n = n.wrapping_mul(number(&s[i..], VBIG));
                }
                if n > big {
                    fail(format_args!("dd: argument {n} out of range\n"), "range");
                }
                return n;
            }
            c => fail(format_args!("dd: invalid size suffix '{}'\n", c as char), "invalid"),
        }
    }
}

/// `perror`: `what: ` and the error string.
fn perror(what: &str, e: &str) {
    let _ = libc::fprint!(Fd::STDERR, "{what}: {e}\n");
}

struct Dd {
    cflag: u32,
    conv: Conv,
    obs: usize,
    cbs: usize,
    obf: Fd,
    quiet: bool,
    obuf: Vec<u8>,
    obc: usize,
    cbc: usize,
    nspace: usize,
    nifr: u64,
    nipr: u64,
    nofr: u64,
    nopr: u64,
    ntrunc: u64,
    atoe: [u8; 256],
    atoibm: [u8; 256],
    /// [`Dd::bytemap`], when `cbs` is 0.
    map: [u8; 256],
}

impl Dd {
    fn stats(&self) {
        if self.quiet {
            return;
        }
        let _ = libc::fprint!(Fd::STDERR, "{}+{} records in\n", self.nifr, self.nipr);
        let _ = libc::fprint!(Fd::STDERR, "{}+{} records out\n", self.nofr, self.nopr);
        if self.ntrunc != 0 {
            let _ = libc::fprint!(Fd::STDERR, "{} truncated records\n", self.ntrunc);
        }
    }

    fn term(&self, status: &str) -> ! {
        self.stats();
        exits(status)
    }

    /// Writes the `obc` bytes of `buf` as one output record.
    fn flshbuf(&mut self, buf: &[u8]) {
        if self.obc == 0 {
            return;
        }
        werrstr("");
        match write(self.obf, &buf[..self.obc]) {
            Ok(n) if n == self.obc => {}
            r => {
                let e = match r {
                    Ok(n) => {
                        if n > 0 {
                            self.nopr += 1;
                        }
                        String::new()
                    }
                    Err(e) => e.0,
                };
                perror("write", &e);
                self.term("errors");
            }
        }
        if self.obc == self.obs {
            self.nofr += 1;
        } else {
            self.nopr += 1;
        }
        self.obc = 0;
    }

    fn flsh(&mut self) {
        let buf = core::mem::take(&mut self.obuf);
        self.flshbuf(&buf);
        self.obuf = buf;
    }

    /// `null`: one byte to the output buffer.
    fn null(&mut self, c: u8) {
        self.obuf[self.obc] = c;
        self.obc += 1;
        if self.obc >= self.obs {
            self.flsh();
        }
    }

    fn case(&self, c: u8) -> u8 {
        let mut c = c;
        if self.cflag & UCASE != 0 && c.is_ascii_lowercase() {
            c = c.to_ascii_uppercase();
        }
        if self.cflag & LCASE != 0 && c.is_ascii_uppercase() {
            c = c.to_ascii_lowercase();
        }
        c
    }

    /// `cnull`: the byte in the case asked for.
    fn cnull(&mut self, c: u8) {
        let c = self.case(c);
        self.null(c);
    }

    /// `ascii` (after `etoa`) and `unblock`: records of `cbs` bytes lose
    /// their trailing blanks and end with a newline.
    fn unblock(&mut self, c: u8) {
        if self.cbs == 0 {
            self.cnull(c);
            return;
        }
        if c == b' ' {
            self.nspace += 1;
        } else {
            while self.nspace > 0 {
                self.null(b' ');
                self.nspace -= 1;
            }
            self.cnull(c);
        }
        self.cbc += 1;
        if self.cbc >= self.cbs {
            self.null(b'\n');
            self.cbc = 0;
            self.nspace = 0;
        }
    }

    /// `ebcdic`, `ibm` and `block` (with the identity table): lines become
    /// records of `cbs` bytes, padded with blanks, longer ones cut.
    fn block(&mut self, cc: u8, table: Option<&[u8; 256]>) {
        let c = self.case(cc);
        let conv = |c: u8| table.map_or(c, |t| t[c as usize]);
        let c = conv(c);
        if self.cbs == 0 {
            self.null(c);
            return;
        }
        if cc == b'\n' {
            let blank = conv(b' ');
            while self.cbc < self.cbs {
                self.null(blank);
                self.cbc += 1;
            }
            self.cbc = 0;
            return;
        }
        if self.cbc == self.cbs {
            self.ntrunc += 1;
        }
        self.cbc += 1;
        if self.cbc <= self.cbs {
            self.null(c);
        }
    }

    /// Without a conversion buffer (`cbs` 0) every conversion maps each
    /// byte to one byte: the table of that map.
    fn bytemap(&self) -> [u8; 256] {
        let mut t = [0u8; 256];
        for (i, v) in t.iter_mut().enumerate() {
            let c = i as u8;
            *v = match self.conv {
                Conv::Null => c,
                Conv::Cnull | Conv::Unblock | Conv::Block => self.case(c),
                Conv::Ascii => self.case(ETOA[i]),
                Conv::Ebcdic => self.atoe[self.case(c) as usize],
                Conv::Ibm => self.atoibm[self.case(c) as usize],
            };
        }
        t
    }

    /// Copies `rec` to the output buffer through `map`, flushing each
    /// time it fills: what `null` does a byte at a time.
    fn copy(&mut self, rec: &[u8], map: Option<&[u8; 256]>) {
        let mut rec = rec;
        while !rec.is_empty() {
            let n = core::cmp::min(rec.len(), self.obs - self.obc);
            let out = &mut self.obuf[self.obc..self.obc + n];
            match map {
                None => out.copy_from_slice(&rec[..n]),
                Some(t) => out.iter_mut().zip(&rec[..n]).for_each(|(o, &c)| *o = t[c as usize]),
            }
            self.obc += n;
            rec = &rec[n..];
            if self.obc >= self.obs {
                self.flsh();
            }
        }
    }

    /// Runs the bytes of one input record through the conversion.
    fn convert(&mut self, rec: &[u8]) {
        if self.conv == Conv::Null {
            return self.copy(rec, None);
        }
        if self.cbs == 0 {
            let t = self.map;
            return self.copy(rec, Some(&t));
        }
        match self.conv {
            Conv::Null => unreachable!("copied above"),
            Conv::Cnull => rec.iter().for_each(|&c| self.cnull(c)),
            Conv::Ascii => rec.iter().for_each(|&c| self.unblock(ETOA[c as usize])),
            Conv::Unblock => rec.iter().for_each(|&c| self.unblock(c)),
            Conv::Ebcdic => {
                let t = self.atoe;
                rec.iter().for_each(|&c| self.block(c, Some(&t)))
            }
            Conv::Ibm => {
                let t = self.atoibm;
                rec.iter().for_each(|&c| self.block(c, Some(&t)))
            }
            Conv::Block => rec.iter().for_each(|&c| self.block(c, None)),
        }
    }
}

/// dd.c's `match`: whether `s` begins `*rest`; if so, `*rest` moves past it.
fn eat(rest: &mut &[u8], s: &str) -> bool {
    match rest.strip_prefix(s.as_bytes()) {
        Some(r) => {
            *rest = r;
            true
        }
        None => false,
    }
}

fn main(argv: Vec<String>) {
    let mut conv = Conv::Null;
    let mut cflag = 0u32;
    let mut ifile: Option<String> = None;
    let mut ofile: Option<String> = None;
    let (mut ibs, mut obs, mut bs, mut cbs) = (512u64, 512u64, 0u64, 0u64);
    let (mut skip, mut oseekn, mut iseekn, mut count) = (0u64, 0u64, 0u64, 0u64);
    let mut files: i64 = 1;
    let mut dotrunc = true;
    let mut quiet = false;

    let mut c = 1;
    while c < argv.len() {
        let key = &argv[c];
        c += 1;
        if c >= argv.len() {
            fail(format_args!("dd: arg {key} needs a value\n"), "arg");
        }
        let val = &argv[c];
        c += 1;
        let s = val.as_bytes();
        match key.strip_prefix('-').unwrap_or("") {
            "ibs" => ibs = number(s, BIG),
            "obs" => obs = number(s, BIG),
            "cbs" => cbs = number(s, BIG),
            "bs" => bs = number(s, BIG),
            "if" => ifile = Some(val.clone()),
            "of" => ofile = Some(val.clone()),
            "trunc" => dotrunc = number(s, BIG) != 0,
            "quiet" => quiet = number(s, BIG) != 0,
            "skip" => skip = number(s, VBIG),
            "seek" | "oseek" => oseekn = number(s, VBIG),
            "iseek" => iseekn = number(s, VBIG),
            "count" => count = number(s, VBIG),
            "files" => files = number(s, BIG) as i64,
            "conv" => {
                let mut rest = s;
                loop {
                    if eat(&mut rest, ",") {
                        continue;
                    }
                    if rest.is_empty() {
                        break;
                    }
                    // dd.c tries the names in this order; `block` is
                    // tried before `unblock`, which it is not a prefix of.
                    let named = [
                        ("ebcdic", Some(Conv::Ebcdic), 0),
                        ("ibm", Some(Conv::Ibm), 0),
                        ("ascii", Some(Conv::Ascii), 0),
                        ("block", Some(Conv::Block), 0),
                        ("unblock", Some(Conv::Unblock), 0),
                        ("lcase", None, LCASE),
                        ("ucase", None, UCASE),
                        ("swab", None, SWAB),
                        ("noerror", None, NERR),
                        ("sync", None, SYNC),
                    ];
                    match named.iter().find(|(n, _, _)| eat(&mut rest, n)) {
                        Some(&(_, cv, f)) => {
                            if let Some(cv) = cv {
                                conv = cv;
                            }
                            cflag |= f;
                        }
                        None => fail(format_args!("dd: bad conv {val}\n"), "arg"),
                    }
                }
            }
            _ => fail(format_args!("dd: bad arg: {key}\n"), "arg"),
        }
    }
    if conv == Conv::Null && cflag & (LCASE | UCASE) != 0 {
        conv = Conv::Cnull;
    }
    let ibf = match &ifile {
        Some(f) => match open(f, OREAD) {
            Ok(fd) => fd,
            Err(e) => fail(format_args!("dd: open {f}: {e}\n"), "open"),
        },
        None => Fd::STDIN,
    };
    let obf = match &ofile {
        Some(f) => {
            let r = if dotrunc { create(f, OWRITE, 0o664) } else { open(f, OWRITE) };
            match r {
                Ok(fd) => fd,
                Err(e) => fail(format_args!("dd: create {f}: {e}\n"), "create"),
            }
        }
        None => Fd::STDOUT,
    };
    if bs != 0 {
        ibs = bs;
        obs = bs;
    }
    let fflag = ibs == obs && conv == Conv::Null;
    if ibs == 0 || obs == 0 {
        fail(format_args!("dd: counts: cannot be zero\n"), "counts");
    }
    let (ibs, obs) = (ibs as usize, obs as usize);
    let alloc = |n: usize| -> Option<Vec<u8>> {
        let mut v = Vec::new();
        v.try_reserve_exact(n).ok()?;
        v.resize(n, 0);
        Some(v)
    };
    let ibuf = alloc(ibs);
    let obuf = if fflag { Some(Vec::new()) } else { alloc(obs) };
    let (Some(mut ibuf), Some(obuf)) = (ibuf, obuf) else {
        fail(format_args!("dd: not enough memory: kernel allocate failed\n"), "memory");
    };

    let mut dd = Dd {
        cflag,
        conv,
        obs,
        cbs: cbs as usize,
        obf,
        quiet,
        obuf,
        obc: 0,
        cbc: 0,
        nspace: 0,
        nifr: 0,
        nipr: 0,
        nofr: 0,
        nopr: 0,
        ntrunc: 0,
        atoe: atoe(),
        atoibm: atoibm(),
        map: [0; 256],
    };
    dd.map = dd.bytemap();

    let _ = seek(obf, (obs as i64).wrapping_mul(oseekn as i64), 1);
    let _ = seek(ibf, (ibs as i64).wrapping_mul(iseekn as i64), 1);
    while skip > 0 {
        let _ = read(ibf, &mut ibuf);
        skip -= 1;
    }

    loop {
        let mut got: Result<usize> = Ok(0);
        if count == 0 || dd.nifr + dd.nipr != count {
            if cflag & (NERR | SYNC) != 0 {
                ibuf.fill(0);
            }
            got = read(ibf, &mut ibuf);
        }
        let mut ibc = match got {
            Err(e) => {
                perror("read", &e.0);
                if cflag & NERR == 0 {
                    dd.flsh();
                    dd.term("errors");
                }
                let n = ibuf.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
                let _ = seek(ibf, ibs as i64, 1);
                dd.stats();
                n
            }
            Ok(n) => {
                if n == 0 {
                    files -= 1;
                    if files <= 0 {
                        dd.flsh();
                        dd.term("");
                    }
                }
                n
            }
        };
        if ibc != ibs {
            dd.nipr += 1;
            if cflag & SYNC != 0 {
                ibc = ibs;
            }
        } else {
            dd.nifr += 1;
        }
        if cflag & SWAB != 0 {
            let pairs = (ibc >> 1) & !1;
            ibuf[..2 * pairs].chunks_exact_mut(2).for_each(|p| p.swap(0, 1));
        }
        if fflag {
            dd.obc = ibc;
            dd.flshbuf(&ibuf);
            continue;
        }
        dd.convert(&ibuf[..ibc]);
    }
}
