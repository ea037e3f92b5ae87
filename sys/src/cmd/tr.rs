//! tr: a port of 9front's `sys/src/cmd/tr.c`.
//!
//! Translates, deletes (`-d`) or squeezes (`-s`) runes, with `-c`
//! complementing the first string. The strings are read as 9front's
//! parser does: `a-z` ranges (a leading or trailing `-` is itself; a
//! descending range is "invalid range specification"), `\x` followed by
//! up to four hex digits, `\` followed by up to three octal digits (above
//! 0377 is fatal), and `\c` for any other c. A short second string repeats
//! its last rune; a rune mapped two ways is "ambiguous translation". With
//! `-c`, runes above the highest one named keep the last rune assigned.
//!
//! Input is decoded as 9front's `readrune`: bytes are gathered until
//! `fullrune` says a rune is complete and all of them are consumed by
//! that one decode, so a bad sequence such as `e4 61 62` becomes one
//! U+FFFD, and an incomplete rune at the very end is dropped. Output is
//! written when the input would block, as 9front flushes before each
//! read. planten reads 64 KiB at a time (9front: 4 KiB) and maps ASCII
//! bytes through a table, which changes nothing visible.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use libc::arg::Args;
use libc::rune::{chartorune, fullrune, Rune, RUNEMAX, UTFMAX};
use libc::syscall::{exits, read, write_all, Fd};
use libc::sysfatal;

libc::main!(main);

const NBITS: usize = (RUNEMAX as usize + 1) / 8;

/// A set of runes, 9front's bit arrays.
struct Bits(Vec<u8>);

impl Bits {
    fn new(fill: u8) -> Bits {
        Bits(vec![fill; NBITS])
    }
    fn set(&mut self, c: i64) {
        if (0..=RUNEMAX as i64).contains(&c) {
            self.0[c as usize / 8] |= 1 << (c & 7);
        }
    }
    fn clear(&mut self, c: i64) {
        if (0..=RUNEMAX as i64).contains(&c) {
            self.0[c as usize / 8] &= !(1 << (c & 7));
        }
    }
    fn has(&self, c: i64) -> bool {
        (0..=RUNEMAX as i64).contains(&c) && self.0[c as usize / 8] & (1 << (c & 7)) != 0
    }
}

/// The parse of one string: 9front's `Pcb`.
struct Pcb {
    s: Vec<u8>,
    cur: usize,
    last: i64,
    fin: i64,
}

impl Pcb {
    fn new(s: &str) -> Pcb {
        Pcb { s: s.as_bytes().to_vec(), cur: 0, last: -1, fin: -1 }
    }

    fn rewind(&mut self) {
        self.cur = 0;
        self.last = -1;
        self.fin = -1;
    }

    fn at(&self, i: usize) -> u8 {
        self.s.get(i).copied().unwrap_or(0)
    }

    fn rune_at(&self, i: usize) -> (Rune, usize) {
        chartorune(&self.s[i.min(self.s.len())..])
    }

    /// One rune of the string, with escapes; returns the rune and the
    /// index after it.
    fn getrune(&self, mut i: usize) -> (i64, usize) {
        let (r, n) = self.rune_at(i);
        i += n;
        if r != '\\' as Rune || self.at(i) == 0 {
            return (r as i64, i);
        }
        let mut n: i64 = 0;
        if self.at(i) == b'x' {
            i += 1;
            for k in 0..4 {
                let save = i;
                let (r, l) = self.rune_at(i);
                i += l;
                let d = match r {
                    0x30..=0x39 => r - 0x30,
                    0x61..=0x66 => r - 0x61 + 10,
                    0x41..=0x46 => r - 0x41 + 10,
                    _ => {
                        return (if k == 0 { 'x' as i64 } else { n }, save);
                    }
                };
                n = 16 * n + d as i64;
            }
        } else {
            for k in 0..3 {
                let save = i;
                let (r, l) = self.rune_at(i);
                i += l;
                if (0x30..=0x37).contains(&r) {
                    n = 8 * n + (r - 0x30) as i64;
                } else {
                    if k == 0 {
                        return (r as i64, i);
                    }
                    return (n, save);
                }
            }
            if n > 0o377 {
                sysfatal!("character > 0377");
            }
        }
        (n, i)
    }

    /// The next rune of the specification, -1 at its end.
    fn canon(&mut self) -> i64 {
        if self.fin >= 0 {
            if self.last < self.fin {
                self.last += 1;
                return self.last;
            }
            self.fin = -1;
        }
        if self.at(self.cur) == 0 {
            return -1;
        }
        if self.at(self.cur) == b'-' && self.last >= 0 && self.at(self.cur + 1) != 0 {
            let (r, next) = self.getrune(self.cur + 1);
            self.cur = next;
            if r < self.last {
                sysfatal!("invalid range specification");
            }
            if r > self.last {
                self.fin = r;
                self.last += 1;
                return self.last;
            }
        }
        let (r, next) = self.getrune(self.cur);
        self.cur = next;
        self.last = r;
        r
    }
}

/// Reads runes as 9front's `readrune`, writes them through a buffer.
struct Io {
    buf: Vec<u8>,
    i: usize,
    n: usize,
    out: Vec<u8>,
}

const NBUF: usize = 65536;

impl Io {
    fn new() -> Io {
        Io { buf: vec![0; NBUF], i: 0, n: 0, out: Vec::with_capacity(NBUF + UTFMAX) }
    }

    fn flush(&mut self) {
        if !self.out.is_empty() {
            if let Err(e) = write_all(Fd::STDOUT, &self.out) {
                sysfatal!("write error: {e}");
            }
            self.out.clear();
        }
    }

    /// Refills the buffer keeping the bytes from `j`; false at the end.
    fn fill(&mut self, j: usize) -> bool {
        self.flush();
        self.buf.copy_within(j..self.n, 0);
        self.i = self.n - j;
        self.n = self.i;
        match read(Fd::STDIN, &mut self.buf[self.i..]) {
            Err(e) => sysfatal!("read error: {e}"),
            Ok(0) => false,
            Ok(m) => {
                self.n += m;
                true
            }
        }
    }

    /// The next rune, or `None` at the end of the input.
    #[inline]
    fn readrune(&mut self) -> Option<i64> {
        if self.i < self.n {
            let c = self.buf[self.i];
            if c < 0x80 {
                self.i += 1;
                return Some(c as i64);
            }
        }
        let mut j = self.i;
        loop {
            if self.i >= self.n {
                if !self.fill(j) {
                    return None;
                }
                j = 0;
            }
            self.i += 1;
            if fullrune(&self.buf[j..self.i]) {
                break;
            }
        }
        Some(chartorune(&self.buf[j..self.i]).0 as i64)
    }

    #[inline]
    fn writerune(&mut self, r: i64) {
        if (0..0x80).contains(&r) {
            self.out.push(r as u8);
        } else {
            // 9front casts to Rune: a negative value is out of range and
            // runetochar writes Runeerror for it.
            let r = if (0..=RUNEMAX as i64).contains(&r) { r as Rune } else { libc::rune::RUNEERROR };
            libc::rune::push_rune(&mut self.out, r);
        }
        if self.out.len() >= NBUF {
            self.flush();
        }
    }
}

/// A map from runes to runes with a byte table for ASCII.
struct Map {
    p: Vec<i64>,
}

impl Map {
    #[inline]
    fn get(&self, c: i64) -> Option<i64> {
        self.p.get(c as usize).copied()
    }
}

fn copy_mapped(io: &mut Io, map: &Map, above: impl Fn(i64) -> i64, squeeze: Option<&Bits>) {
    let mut lastc = RUNEMAX as i64 + 1;
    // Fast path: ASCII input mapped to ASCII output without squeezing.
    let mut ascii = [0u8; 128];
    let mut all_ascii = true;
    for (c, a) in ascii.iter_mut().enumerate() {
        let t = map.get(c as i64).unwrap_or_else(|| above(c as i64));
        if !(0..0x80).contains(&t) {
            all_ascii = false;
        }
        *a = t as u8;
    }
    // Which ASCII results squeeze.
    let mut sq = [false; 128];
    if let Some(t) = squeeze {
        for (c, q) in sq.iter_mut().enumerate() {
            *q = t.has(c as i64);
        }
    }
    loop {
        if squeeze.is_some() && all_ascii {
            let start = io.i;
            let run = io.buf[start..io.n].iter().position(|&c| c >= 0x80).unwrap_or(io.n - start);
            if run > 0 {
                for k in start..start + run {
                    let to = ascii[io.buf[k] as usize];
                    if to as i64 != lastc || !sq[to as usize] {
                        lastc = to as i64;
                        io.out.push(to);
                    }
                }
                io.i += run;
                if io.out.len() >= NBUF {
                    io.flush();
                }
                continue;
            }
        }
        if squeeze.is_none() && all_ascii {
            // Translate a run of ASCII bytes straight from the buffer.
            let start = io.i;
            let run = io.buf[start..io.n].iter().position(|&c| c >= 0x80).unwrap_or(io.n - start);
            if run > 0 {
                for k in start..start + run {
                    let c = io.buf[k];
                    io.out.push(ascii[c as usize]);
                }
                io.i += run;
                if io.out.len() >= NBUF {
                    io.flush();
                }
                continue;
            }
        }
        let Some(c) = io.readrune() else { break };
        let to = match map.get(c) {
            Some(t) => t,
            None => above(c),
        };
        match squeeze {
            Some(t) => {
                if to != lastc || !t.has(to) {
                    lastc = to;
                    io.writerune(to);
                }
            }
            None => io.writerune(to),
        }
    }
    io.flush();
}

fn delete(from: &mut Pcb, to: &mut Pcb, cflag: bool, sflag: bool) {
    let mut f = Bits::new(if cflag { 0xFF } else { 0 });
    let mut t = Bits::new(0);
    loop {
        let c = from.canon();
        if c < 0 {
            break;
        }
        if cflag {
            f.clear(c);
        } else {
            f.set(c);
        }
    }
    if sflag {
        loop {
            let c = to.canon();
            if c < 0 {
                break;
            }
            t.set(c);
        }
    }
    let mut io = Io::new();
    let mut last = RUNEMAX as i64 + 1;
    let mut keep = [false; 128];
    for (c, k) in keep.iter_mut().enumerate() {
        *k = !f.has(c as i64);
    }
    loop {
        if !sflag {
            let start = io.i;
            let run = io.buf[start..io.n].iter().position(|&c| c >= 0x80).unwrap_or(io.n - start);
            if run > 0 {
                for k in start..start + run {
                    let c = io.buf[k];
                    if keep[c as usize] {
                        io.out.push(c);
                    }
                }
                io.i += run;
                if io.out.len() >= NBUF {
                    io.flush();
                }
                continue;
            }
        }
        let Some(c) = io.readrune() else { break };
        if !f.has(c) && (c != last || !t.has(c)) {
            last = c;
            io.writerune(c);
        }
    }
    io.flush();
}

fn complement(from: &mut Pcb, to: &mut Pcb, sflag: bool) {
    let mut f = Bits::new(0);
    let mut t = Bits::new(0);
    let mut high: i64 = 0;
    loop {
        let c = from.canon();
        if c < 0 {
            break;
        }
        high = high.max(c);
        f.set(c);
    }
    let mut last_to;
    loop {
        last_to = to.canon();
        if last_to <= 0 {
            break;
        }
        high = high.max(last_to);
        t.set(last_to);
    }
    to.rewind();
    let mut p = vec![0i64; high as usize + 1];
    let mut lastc: i64 = 0;
    for (i, slot) in p.iter_mut().enumerate() {
        if !f.has(i as i64) {
            last_to = to.canon();
            if last_to < 0 {
                last_to = lastc;
            } else {
                lastc = last_to;
            }
            *slot = last_to;
        } else {
            *slot = i as i64;
        }
    }
    let map = Map { p };
    let mut io = Io::new();
    copy_mapped(&mut io, &map, |_| last_to, if sflag { Some(&t) } else { None });
}

fn translit(from: &mut Pcb, to: &mut Pcb, sflag: bool) {
    let mut f = Bits::new(0);
    let mut t = Bits::new(0);
    let mut high: i64 = 0;
    loop {
        let c = from.canon();
        if c < 0 {
            break;
        }
        high = high.max(c);
    }
    from.rewind();
    let mut p: Vec<i64> = (0..=high).collect();
    let mut lastc: i64 = 0;
    loop {
        let c = from.canon();
        if c < 0 {
            break;
        }
        let mut r = to.canon();
        if r < 0 {
            r = lastc;
        } else {
            lastc = r;
        }
        if f.has(c) && p[c as usize] != r {
            sysfatal!("ambiguous translation");
        }
        f.set(c);
        p[c as usize] = r;
        t.set(r);
    }
    loop {
        let r = to.canon();
        if r < 0 {
            break;
        }
        t.set(r);
    }
    let map = Map { p };
    let mut io = Io::new();
    copy_mapped(&mut io, &map, |c| c, if sflag { Some(&t) } else { None });
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let (mut cflag, mut dflag, mut sflag) = (false, false, false);
    let argv0: String = a.argv0().into();
    let usage = || -> ! {
        let _ = libc::fprint!(Fd::STDERR, "usage: {argv0} [-cds] [string1 [string2]]\n");
        exits("usage");
    };
    while let Some(c) = a.next_flag() {
        match c {
            's' => sflag = true,
            'd' => dflag = true,
            'c' => cflag = true,
            _ => usage(),
        }
    }
    let rest = a.rest();
    let mut from = Pcb::new(rest.first().map(|s| s.as_str()).unwrap_or(""));
    let mut to = Pcb::new(rest.get(1).map(|s| s.as_str()).unwrap_or(""));
    if rest.len() > 2 {
        usage();
    }
    if dflag {
        if (sflag && rest.len() != 2) || (!sflag && rest.len() != 1) {
            usage();
        }
        delete(&mut from, &mut to, cflag, sflag);
    } else {
        if rest.len() != 2 {
            usage();
        }
        if cflag {
            complement(&mut from, &mut to, sflag);
        } else {
            translit(&mut from, &mut to, sflag);
        }
    }
    exits("");
}
