//! sort: a port of 9front's `sys/src/cmd/sort.c`.
//!
//! Each line gets a key, a byte string built from its fields (`+pos1
//! -pos2`, `-k pos1,pos2`) and then, unless `-u` already has field keys,
//! from the whole line under the global flags; lines are ordered by
//! comparing keys as bytes up to the shorter one's length, which works
//! because every key piece ends in a terminator (0, or 0xff reversed).
//! The key encodings are 9front's: `-n`/`-g` numbers become a sign byte,
//! a two-byte decimal-point position and the significant digits; `-M`
//! months a byte from 9 (not a month) to 21; `-d -f -i -w` go through a
//! 256-entry map with 9front's Latin-1 folds; `-r` inverts bytes.
//!
//! Lines are sorted with 9front's MSD radix sort (its partition cycle
//! walk and its insertion sort below 15 lines), so that lines whose keys
//! tie come out in 9front's order, which `-u` and folded keys make
//! visible. The radix sort is iterative here (9front recurses once per
//! key byte, which a long common prefix turns into a deep stack). As in
//! 9front, every 100,000 lines (`-l n` changes it) are sorted and written
//! to a temporary file `/tmp/sort.PPPP.NNNN` (`-T dir`); the files are
//! merged ten at a time, 9front's way, and removed at the end. `-c`
//! checks the order (`-u`: strictly), `-o` writes the output to a file
//! created after all input is read, `-m` is accepted and ignored, `-v`
//! prints 9front's debugging dumps. A last line without a newline gets
//! one, with the message "sort: newline added".
//!
//! What differs: lines live in one buffer per batch instead of one
//! allocation each, and when there are no fields and no global flags the
//! line itself, its newline changed to the terminator, is the key. Notes
//! (interrupt, hangup, a closed pipe) are not caught: temporary files
//! are left behind if sort is killed.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use libc::atol::atol;
use libc::rune::{chartorune, push_rune, Rune, RUNESELF};
use libc::syscall::{self, close, create, exits, open, read, remove, Fd, OREAD, OWRITE};

libc::main!(main);

const NLINE: i64 = 100_000;
const NMERGE: usize = 10;
const NFIELD: usize = 20;
const THRESHOLD: usize = 14;

const BFLAG: u32 = 1 << 0;
const B1FLAG: u32 = 1 << 1;
const DFLAG: u32 = 1 << 2;
const FFLAG: u32 = 1 << 3;
const GFLAG: u32 = 1 << 4;
const IFLAG: u32 = 1 << 5;
const MFLAG: u32 = 1 << 6;
const NFLAG: u32 = 1 << 7;
const RFLAG: u32 = 1 << 8;
const WFLAG: u32 = 1 << 9;

#[derive(Clone, Copy, PartialEq, Eq)]
enum DoKey {
    Plain,
    Rev,
    Num,
    Month,
    Dfi,
}

#[derive(Clone)]
struct Field {
    beg1: i32,
    beg2: i32,
    end1: i32,
    end2: i32,
    flags: u32,
    mapto: [u8; 256],
    dokey: DoKey,
}

impl Field {
    fn new() -> Field {
        Field { beg1: 0, beg2: 0, end1: 0, end2: 0, flags: 0, mapto: [0; 256], dokey: DoKey::Plain }
    }
}

struct Opts {
    ofile: Option<String>,
    tname: Option<String>,
    tabchar: Rune,
    cflag: bool,
    uflag: bool,
    vflag: bool,
    nfield: usize,
    nfile: usize,
    field: Vec<Field>,
    mline: i64,
    /// The key is the line itself (no fields, no global flags).
    shared: bool,
}

/// Temporary files made so far, removed by [`done`].
struct Temps {
    n: usize,
    pid: u32,
    dir: String,
}

impl Temps {
    fn name(&self, n: usize) -> String {
        format!("{}/sort.{:04}.{:04}", self.dir, self.pid % 10000, n)
    }
}

impl Temps {
    /// 9front's `done`: removes the temporary files and exits.
    fn done(&self, xs: &str) -> ! {
        for i in 0..self.n {
            let _ = remove(&self.name(i));
        }
        exits(xs);
    }

    fn next(&mut self) -> String {
        let name = self.name(self.n);
        self.n += 1;
        name
    }
}

/// Exits before any temporary file exists.
fn done(xs: &str) -> ! {
    exits(xs);
}

fn eprint(args: core::fmt::Arguments) {
    let _ = libc::print::fprint_args(Fd::STDERR, args);
}

// ---------------------------------------------------------------- input

/// Reads lines from a file through a large buffer.
struct Lines {
    fd: Fd,
    buf: Vec<u8>,
    rp: usize,
    re: usize,
    eof: bool,
}

impl Lines {
    fn new(fd: Fd) -> Lines {
        Lines { fd, buf: vec![0; 1 << 16], rp: 0, re: 0, eof: false }
    }

    /// Appends the next line, newline included, to `dst`; false at the
    /// end of the input. A last line without a newline gets one.
    fn next(&mut self, dst: &mut Vec<u8>) -> bool {
        let mut got = false;
        loop {
            if let Some(p) = self.buf[self.rp..self.re].iter().position(|&c| c == b'\n') {
                dst.extend_from_slice(&self.buf[self.rp..self.rp + p + 1]);
                self.rp += p + 1;
                return true;
            }
            if self.rp < self.re {
                dst.extend_from_slice(&self.buf[self.rp..self.re]);
                got = true;
            }
            self.rp = 0;
            self.re = 0;
            if self.eof {
                break;
            }
            match read(self.fd, &mut self.buf) {
                Ok(0) | Err(_) => self.eof = true,
                Ok(n) => self.re = n,
            }
        }
        if got {
            eprint(format_args!("sort: newline added\n"));
            dst.push(b'\n');
        }
        got
    }
}

// ---------------------------------------------------------------- output

struct Out {
    fd: Fd,
    buf: Vec<u8>,
}

impl Out {
    fn new(fd: Fd) -> Out {
        Out { fd, buf: Vec::with_capacity(1 << 16) }
    }

    fn line(&mut self, l: &[u8], shared: bool) {
        if shared {
            self.buf.extend_from_slice(&l[..l.len() - 1]);
            self.buf.push(b'\n');
        } else {
            self.buf.extend_from_slice(l);
        }
        if self.buf.len() >= 1 << 16 {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if !self.buf.is_empty() {
            if syscall::write_all(self.fd, &self.buf).is_err() {
                exits("write");
            }
            self.buf.clear();
        }
    }
}

// ---------------------------------------------------------------- keys

/// Where a field starts or ends (9front's `skip`), as an index into the
/// line (which ends in a newline); `None` when the line ends first.
fn skip(o: &Opts, l: &[u8], n1: i32, n2: i32, bflag: bool, endfield: bool) -> Option<usize> {
    if endfield && n1 < 0 {
        return None;
    }
    let at = |i: usize| l.get(i).copied().unwrap_or(b'\n');
    let mut p = 0usize;
    let mut c = at(p) as u32;
    p += 1;
    let mut ln = 1usize;
    let tc = o.tabchar;
    if tc != 0 {
        if tc < RUNESELF {
            let mut i = n1;
            while i > 0 {
                while c != tc {
                    if c == b'\n' as u32 {
                        return None;
                    }
                    c = at(p) as u32;
                    p += 1;
                }
                if !(endfield && i == 1) {
                    c = at(p) as u32;
                    p += 1;
                }
                i -= 1;
            }
        } else {
            p -= 1;
            let dec = |p: usize| chartorune(&l[p.min(l.len())..]);
            let (mut r, n) = dec(p);
            ln = n;
            p += n;
            let mut i = n1;
            while i > 0 {
                while r != tc {
                    if r == b'\n' as u32 {
                        return None;
                    }
                    let (r2, n) = dec(p);
                    r = r2;
                    ln = n;
                    p += n;
                }
                if !(endfield && i == 1) {
                    let (r2, n) = dec(p);
                    r = r2;
                    ln = n;
                    p += n;
                }
                i -= 1;
            }
            c = r;
        }
    } else {
        let mut i = n1;
        while i > 0 {
            while c == b' ' as u32 || c == b'\t' as u32 {
                c = at(p) as u32;
                p += 1;
            }
            while c != b' ' as u32 && c != b'\t' as u32 {
                if c == b'\n' as u32 {
                    return None;
                }
                c = at(p) as u32;
                p += 1;
            }
            i -= 1;
        }
    }
    if bflag {
        while c == b' ' as u32 || c == b'\t' as u32 {
            c = at(p) as u32;
            p += 1;
            ln = 1;
        }
    }
    p -= ln;
    let mut i = n2;
    while i > 0 {
        let c = at(p);
        if (c as u32) < RUNESELF {
            if c == b'\n' {
                return None;
            }
            p += 1;
        } else {
            p += chartorune(&l[p.min(l.len())..]).1;
        }
        i -= 1;
    }
    Some(p)
}

fn dokey_plain(k: &mut Vec<u8>, s: &[u8]) {
    k.extend_from_slice(s);
    k.push(0);
}

fn dokey_rev(k: &mut Vec<u8>, s: &[u8]) {
    k.extend(s.iter().map(|&c| !c));
    k.push(0xFF);
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ns {
    Start,
    Sign,
    Zero,
    Digit,
    Point,
    Fract,
    ZeroFract,
    Exp,
    ExpSign,
    ExpDigit,
}

fn dokey_gn(k: &mut Vec<u8>, s: &[u8], f: &Field) {
    use Ns::*;
    let base = k.len();
    k.extend_from_slice(&[0, 0, 0]);
    let mut nzero = 0usize;
    let mut exp: i32 = 0;
    let mut expsign = false;
    let mut dp: i32 = 0x4040;
    let mut rflag = f.flags & RFLAG != 0;
    let mut state = Start;
    for &c in s {
        let inv = |c: u8, r: bool| if r { !c } else { c };
        match c {
            b' ' | b'\t' => match state {
                Start | Sign => continue,
                _ => break,
            },
            b'+' | b'-' => match state {
                Start => {
                    state = Sign;
                    if c == b'-' {
                        rflag = !rflag;
                    }
                }
                Exp => {
                    state = ExpSign;
                    if c == b'-' {
                        expsign = true;
                    }
                }
                _ => break,
            },
            b'0' => match state {
                Digit => {
                    k.push(inv(c, rflag));
                    nzero += 1;
                    dp = dp.wrapping_add(1);
                }
                Fract => {
                    k.push(inv(c, rflag));
                    nzero += 1;
                }
                Start | Sign | Zero => state = Zero,
                ZeroFract | Point => {
                    dp = dp.wrapping_sub(1);
                    state = ZeroFract;
                }
                ExpSign | Exp | ExpDigit => {
                    exp = exp.wrapping_mul(10);
                    state = ExpDigit;
                }
            },
            b'1'..=b'9' => match state {
                Zero | Start | Sign | Digit => {
                    k.push(inv(c, rflag));
                    nzero = 0;
                    dp = dp.wrapping_add(1);
                    state = Digit;
                }
                ZeroFract | Point | Fract => {
                    k.push(inv(c, rflag));
                    nzero = 0;
                    state = Fract;
                }
                ExpSign | Exp | ExpDigit => {
                    exp = exp.wrapping_mul(10).wrapping_add((c - b'0') as i32);
                    state = ExpDigit;
                }
            },
            b'.' => match state {
                Start | Sign => state = Point,
                Zero => state = ZeroFract,
                Digit => state = Fract,
                _ => break,
            },
            b'e' | b'E' if f.flags & GFLAG != 0 => match state {
                Digit | Fract => state = Exp,
                _ => break,
            },
            _ => break,
        }
    }
    match state {
        Start | Sign | Zero | ZeroFract | Point => {
            k.truncate(base);
            k.extend_from_slice(&[0x20, 0]);
            return;
        }
        ExpSign | Exp | ExpDigit => {
            if expsign {
                exp = exp.wrapping_neg();
            }
            dp = dp.wrapping_add(exp);
            k.truncate(k.len() - nzero);
        }
        Digit | Fract => k.truncate(k.len() - nzero),
    }
    k.push(if rflag { 0xFF } else { 0 });
    let mut sign = 0x30;
    if rflag {
        sign = 0x10;
        dp = !dp;
    }
    k[base] = sign;
    k[base + 1] = (dp >> 8) as u8;
    k[base + 2] = dp as u8;
}

const MONTHS: [&[u8; 3]; 12] =
    [b"JAN", b"FEB", b"MAR", b"APR", b"MAY", b"JUN", b"JUL", b"AUG", b"SEP", b"OCT", b"NOV", b"DEC"];

fn dokey_m(k: &mut Vec<u8>, s: &[u8], f: &Field) {
    let rflag = f.flags & RFLAG != 0;
    let mut place = [0u32; 3];
    let mut pc = 0;
    let mut p = 0;
    while p < s.len() {
        let mut c = s[p] as u32;
        if c >= RUNESELF {
            let (r, n) = chartorune(&s[p..]);
            p += n;
            c = r;
        } else {
            p += 1;
        }
        if c < 256 {
            c = f.mapto[c as usize] as u32;
            if c == 0 {
                continue;
            }
        }
        place[pc] = c;
        pc += 1;
        if pc < 3 {
            continue;
        }
        let m = MONTHS.iter().rposition(|m| m.iter().zip(place.iter()).all(|(&a, &b)| a as u32 == b));
        let v = (m.map(|m| m as i32).unwrap_or(-1) + 10) as u8;
        k.push(if rflag { !v } else { v });
        break;
    }
    k.push(if rflag { 0xFF } else { 0 });
}

fn dokey_dfi(k: &mut Vec<u8>, s: &[u8], f: &Field) {
    let rflag = f.flags & RFLAG != 0;
    let mut p = 0;
    while p < s.len() {
        let mut c = s[p] as u32;
        if c >= RUNESELF {
            let (r, n) = chartorune(&s[p..]);
            p += n;
            c = r;
        } else {
            p += 1;
        }
        if c != 0 && c < RUNESELF {
            let m = f.mapto[c as usize];
            if m != 0 {
                k.push(m);
            }
            continue;
        }
        // Beyond ASCII the map has no -r; what to ignore follows mapto[255].
        if c != 0 && c < 256 {
            c = f.mapto[c as usize] as u32;
            if c == 0 {
                continue;
            }
        } else if f.mapto[255] == 0 {
            continue;
        }
        let start = k.len();
        push_rune(k, c);
        if rflag {
            for b in &mut k[start..] {
                *b = !*b;
            }
        }
    }
    k.push(if rflag { 0xFF } else { 0 });
}

fn dokey(k: &mut Vec<u8>, s: &[u8], f: &Field) {
    match f.dokey {
        DoKey::Plain => dokey_plain(k, s),
        DoKey::Rev => dokey_rev(k, s),
        DoKey::Num => dokey_gn(k, s, f),
        DoKey::Month => dokey_m(k, s, f),
        DoKey::Dfi => dokey_dfi(k, s, f),
    }
}

/// Appends the key of `line` (newline included) to `k`.
fn buildkey(o: &Opts, line: &[u8], k: &mut Vec<u8>) {
    let start = k.len();
    let ll = line.len() - 1;
    for f in &o.field[1..=o.nfield] {
        let lp = skip(o, line, f.beg1, f.beg2, f.flags & B1FLAG != 0, false).unwrap_or(ll).min(ll);
        let lpe = skip(o, line, f.end1, f.end2, f.flags & BFLAG != 0, true).unwrap_or(ll).min(ll);
        let s = if lpe > lp { &line[lp..lpe] } else { &line[lp..lp] };
        dokey(k, s, f);
    }
    if !(o.uflag && k.len() > start) {
        dokey(k, &line[..ll], &o.field[0]);
    }
    if o.vflag {
        let _ = syscall::write(Fd::STDERR, line);
        let mut s = String::new();
        for &b in &k[start..] {
            s.push_str(&format!(" {b:02x}"));
            if b == 0 || b == 0xFF {
                s.push('\n');
            }
        }
        eprint(format_args!("{s}"));
    }
}

fn kcmp(a: &[u8], b: &[u8]) -> core::cmp::Ordering {
    let n = a.len().min(b.len());
    a[..n].cmp(&b[..n])
}

// ---------------------------------------------------------------- sorting

trait KeySrc {
    fn key(&self, i: u32) -> &[u8];
}

/// 9front's sort4: radix sort above the threshold, insertion sort below.
fn sort4<K: KeySrc + ?Sized>(a: &mut [u32], ks: &K) {
    if a.len() > THRESHOLD {
        rsort4(a, ks);
    } else {
        bsort4(a, ks, 0);
    }
}

/// 9front's rsort4, with an explicit stack of partitions.
fn rsort4<K: KeySrc + ?Sized>(all: &mut [u32], ks: &K) {
    let mut work: Vec<(usize, usize, usize)> = vec![(0, all.len(), 0)];
    let mut clist: Vec<(usize, usize)> = Vec::with_capacity(256);
    while let Some((off, n, b)) = work.pop() {
        let a = &mut all[off..off + n];
        let mut count = [0isize; 257];
        let mut lowc = 256usize;
        let mut higc = 0usize;
        for &t in a.iter() {
            let k = ks.key(t);
            if b >= k.len() {
                count[256] += 1;
                continue;
            }
            let c = k[b] as usize;
            if count[c] == 0 {
                lowc = lowc.min(c);
                higc = higc.max(c);
            }
            count[c] += 1;
        }
        let mut part = [0usize; 257];
        let mut t = count[256] as usize;
        let ended = t;
        part[256] = 0;
        clist.clear();
        if lowc <= higc {
            for c in lowc..=higc {
                if count[c] != 0 {
                    clist.push((count[c] as usize, c));
                    part[c] = t;
                    t += count[c] as usize;
                }
            }
        }
        for &(_, c) in clist.iter() {
            while count[c] > 0 {
                let mut t1 = a[part[c]];
                loop {
                    let k = ks.key(t1);
                    let nb = if b < k.len() { k[b] as usize } else { 256 };
                    let u = part[nb];
                    part[nb] += 1;
                    count[nb] -= 1;
                    let u1 = a[u];
                    a[u] = t1;
                    if nb == c {
                        break;
                    }
                    t1 = u1;
                }
            }
        }
        let mut t = ended;
        for &(n, _) in clist.iter() {
            if n > THRESHOLD {
                work.push((off + t, n, b + 1));
            } else if n > 1 {
                bsort4(&mut a[t..t + n], ks, b + 1);
            }
            t += n;
        }
    }
}

/// Whether the key at `x` sorts after the one at `y`, from byte `b`.
fn after<K: KeySrc + ?Sized>(ks: &K, x: u32, y: u32, b: usize) -> bool {
    let ka = ks.key(x);
    let kb = ks.key(y);
    if ka.len() <= b || kb.len() <= b {
        return false;
    }
    let n = (ka.len() - b).min(kb.len() - b);
    ka[b..b + n] > kb[b..b + n]
}

/// 9front's bsort4: an insertion sort of keys compared from byte `b`.
fn bsort4<K: KeySrc + ?Sized>(a: &mut [u32], ks: &K, b: usize) {
    let mut j = 0;
    loop {
        let mut i = j;
        j += 1;
        if j >= a.len() {
            return;
        }
        if !after(ks, a[i], a[j], b) {
            continue;
        }
        loop {
            a.swap(i, i + 1);
            if i == 0 {
                break;
            }
            i -= 1;
            if !after(ks, a[i], a[i + 1], b) {
                break;
            }
        }
    }
}

/// One batch of lines in memory.
struct Batch {
    data: Vec<u8>,
    /// Line start, line length, key start, key length.
    ents: Vec<(usize, u32, usize, u32)>,
    kdata: Vec<u8>,
    /// Keys are the lines themselves (see [`Opts::shared`]).
    shared: bool,
}

impl KeySrc for Batch {
    #[inline]
    fn key(&self, i: u32) -> &[u8] {
        let (_, _, k, kl) = self.ents[i as usize];
        if self.shared {
            &self.data[k..k + kl as usize]
        } else {
            &self.kdata[k..k + kl as usize]
        }
    }
}

impl Batch {
    fn new(shared: bool) -> Batch {
        Batch { data: Vec::new(), ents: Vec::new(), kdata: Vec::new(), shared }
    }

    fn line(&self, i: u32) -> &[u8] {
        let (l, ll, _, _) = self.ents[i as usize];
        &self.data[l..l + ll as usize]
    }

    /// Reads a line into the batch; false at the end of the input.
    fn add(&mut self, o: &Opts, r: &mut Lines) -> bool {
        let l = self.data.len();
        if !r.next(&mut self.data) {
            return false;
        }
        let ll = self.data.len() - l;
        if o.shared {
            let last = self.data.len() - 1;
            self.data[last] = 0;
            self.ents.push((l, ll as u32, l, ll as u32));
        } else {
            let k = self.kdata.len();
            buildkey(o, &self.data[l..], &mut self.kdata);
            self.ents.push((l, ll as u32, k, (self.kdata.len() - k) as u32));
        }
        true
    }

    fn clear(&mut self) {
        self.data.clear();
        self.ents.clear();
        self.kdata.clear();
    }

    fn order(&self) -> Vec<u32> {
        let mut idx: Vec<u32> = (0..self.ents.len() as u32).collect();
        sort4(&mut idx, self);
        idx
    }
}

struct Sort {
    o: Opts,
    batch: Batch,
    temps: Temps,
}

impl Sort {
    fn tempout(&mut self) {
        let idx = self.batch.order();
        let name = self.temps.next();
        let f = match create(&name, OWRITE, 0o666) {
            Ok(f) => f,
            Err(e) => {
                eprint(format_args!("sort: create {name}: {e}\n"));
                self.temps.done("create");
            }
        };
        let mut out = Out::new(f);
        for &i in &idx {
            out.line(self.batch.line(i), self.o.shared);
        }
        out.flush();
        let _ = close(f);
        self.batch.clear();
    }

    fn dofile(&mut self, fd: Fd) {
        let mut r = Lines::new(fd);
        if self.o.cflag {
            let mut ol = Vec::new();
            let mut ok = Vec::new();
            if !r.next(&mut ol) {
                return;
            }
            buildkey(&self.o, &ol, &mut ok);
            let mut l = Vec::new();
            let mut k = Vec::new();
            loop {
                l.clear();
                k.clear();
                if !r.next(&mut l) {
                    break;
                }
                buildkey(&self.o, &l, &mut k);
                let n = kcmp(&ok, &k);
                if n == core::cmp::Ordering::Greater || (n == core::cmp::Ordering::Equal && self.o.uflag) {
                    eprint(format_args!("sort: -c file not in sort\n"));
                    self.temps.done("order");
                }
                core::mem::swap(&mut ok, &mut k);
            }
            return;
        }
        loop {
            if !self.batch.add(&self.o, &mut r) {
                break;
            }
            if self.batch.ents.len() as i64 > self.o.mline {
                // 9front writes the lines it has before storing the new one.
                let last = self.batch.ents.pop().unwrap();
                let line = self.batch.data[last.0..].to_vec();
                let key = if self.o.shared { Vec::new() } else { self.batch.kdata[last.2..].to_vec() };
                self.batch.data.truncate(last.0);
                self.batch.kdata.truncate(last.2.min(self.batch.kdata.len()));
                self.tempout();
                let l = self.batch.data.len();
                self.batch.data.extend_from_slice(&line);
                let k = self.batch.kdata.len();
                self.batch.kdata.extend_from_slice(&key);
                let kl = if self.o.shared { line.len() } else { key.len() };
                self.batch.ents.push((l, line.len() as u32, if self.o.shared { l } else { k }, kl as u32));
            }
        }
    }

    fn printout(&mut self, out: &mut Out) {
        let idx = self.batch.order();
        let mut ok: Option<u32> = None;
        for &i in &idx {
            if self.o.uflag {
                if let Some(p) = ok {
                    if kcmp(self.batch.key(p), self.batch.key(i)).is_eq() {
                        continue;
                    }
                }
            }
            out.line(self.batch.line(i), self.o.shared);
            ok = Some(i);
        }
    }

    fn mergeout(&mut self, out: &mut Out) {
        let mut i = 0;
        loop {
            let ntemp = self.temps.n;
            if i >= ntemp {
                break;
            }
            let n = ntemp - i;
            if n > NMERGE {
                let name = self.temps.next();
                let f = match create(&name, OWRITE, 0o666) {
                    Ok(f) => f,
                    Err(e) => {
                        eprint(format_args!("sort: create {name}: {e}\n"));
                        self.temps.done("create");
                    }
                };
                let mut tb = Out::new(f);
                self.mergefiles(i, NMERGE, &mut tb);
                tb.flush();
                let _ = close(f);
                i += NMERGE;
            } else {
                self.mergefiles(i, n, out);
                i += n;
            }
        }
    }

    fn mergefiles(&mut self, t: usize, n: usize, out: &mut Out) {
        struct Head {
            r: Lines,
            line: Vec<u8>,
            key: Vec<u8>,
        }
        struct Heads<'a>(&'a [Head]);
        impl KeySrc for Heads<'_> {
            fn key(&self, i: u32) -> &[u8] {
                &self.0[i as usize].key
            }
        }
        let o = &self.o;
        let read_head = |h: &mut Head| -> bool {
            h.line.clear();
            h.key.clear();
            if !h.r.next(&mut h.line) {
                return false;
            }
            if o.shared {
                h.key.extend_from_slice(&h.line[..h.line.len() - 1]);
                h.key.push(0);
            } else {
                buildkey(o, &h.line, &mut h.key);
            }
            true
        };
        let mut heads = Vec::new();
        let mut mmp: Vec<u32> = Vec::new();
        for i in 0..n {
            let name = self.temps.name(t + i);
            let f = match open(&name, OREAD) {
                Ok(f) => f,
                Err(e) => {
                    eprint(format_args!("sort: reopen {name}: {e}\n"));
                    self.temps.done("open");
                }
            };
            let mut h = Head { r: Lines::new(f), line: Vec::new(), key: Vec::new() };
            if read_head(&mut h) {
                mmp.push(heads.len() as u32);
            }
            heads.push(h);
        }
        let mut ok: Option<Vec<u8>> = None;
        loop {
            sort4(&mut mmp, &Heads(&heads));
            if mmp.is_empty() {
                break;
            }
            let m = mmp[0] as usize;
            loop {
                let h = &mut heads[m];
                let dup = o.uflag && ok.as_ref().is_some_and(|k| kcmp(k, &h.key).is_eq());
                if !dup {
                    out.line(&h.line, false);
                    ok = Some(h.key.clone());
                }
                if !read_head(h) {
                    let last = mmp.len() - 1;
                    mmp[0] = mmp[last];
                    mmp.pop();
                    break;
                }
                if mmp.len() > 1
                    && kcmp(&heads[mmp[0] as usize].key, &heads[mmp[1] as usize].key).is_gt()
                {
                    break;
                }
            }
        }
        for h in heads {
            let _ = close(h.r.fd);
        }
    }
}

// ---------------------------------------------------------------- flags

fn setfield(o: &mut Opts, n: usize, c: char) {
    let f = &mut o.field[n];
    f.flags |= match c {
        'b' => BFLAG,
        'd' => DFLAG,
        'f' => FFLAG,
        'g' => GFLAG,
        'i' => IFLAG,
        'M' => MFLAG,
        'n' => NFLAG,
        'r' => RFLAG,
        'w' => WFLAG,
        _ => {
            eprint(format_args!("sort: unknown option: field.{c}\n"));
            done("option");
        }
    };
}

/// Reads `m.n` followed by flags into (`n1`, `n2`) of the current field.
fn dofield(o: &mut Opts, s: &str, which: u8, off1: i32, off2: i32) {
    let b = s.as_bytes();
    let mut p = 0;
    let num = |p: &mut usize| -> i32 {
        let mut n: i32 = 0;
        while *p < b.len() && b[*p].is_ascii_digit() {
            n = n.wrapping_mul(10).wrapping_add((b[*p] - b'0') as i32);
            *p += 1;
        }
        n
    };
    let nf = o.nfield;
    if p < b.len() && b[p].is_ascii_digit() {
        let n = num(&mut p) - off1;
        if n < 0 {
            eprint(format_args!("sort: field offset must be positive\n"));
            done("option");
        }
        let f = &mut o.field[nf];
        if which == 0 {
            f.beg1 = n;
        } else {
            f.end1 = n;
        }
    }
    if p < b.len() && b[p] == b'.' {
        p += 1;
        if p < b.len() && b[p].is_ascii_digit() {
            let n = num(&mut p) - off2;
            if n < 0 {
                eprint(format_args!("sort: character offset must be positive\n"));
                done("option");
            }
            let f = &mut o.field[nf];
            if which == 0 {
                f.beg2 = n;
            } else {
                f.end2 = n;
            }
        }
    }
    for c in s[p..].chars() {
        setfield(o, nf, c);
    }
}

fn newfield(o: &mut Opts) {
    let n = o.nfield + 1;
    if n >= NFIELD {
        eprint(format_args!("sort: too many fields specified\n"));
        done("option");
    }
    o.nfield = n;
    let f = &mut o.field[n];
    f.beg1 = -1;
    f.beg2 = -1;
    f.end1 = -1;
    f.end2 = -1;
}

fn makemapm(f: &mut Field) {
    for i in 0..256usize {
        let c = match i as u8 {
            b' ' | b'\t' => 0,
            b'a'..=b'z' => i as u8 - b'a' + b'A',
            b'A'..=b'Z' => i as u8,
            _ => 1,
        };
        f.mapto[i] = c;
    }
}

/// Latin-1 capitals 9front's `-d` keeps and `-f` folds, with their
/// folds; each one's small letter is the capital + 0x20.
const LATIN: [(&str, u8); 10] = [
    ("ÀÁÂÄÃÅ", b'A'),
    ("ÈÉÊË", b'E'),
    ("ÌÍÎÏ", b'I'),
    ("ÒÓÔÖÕØ", b'O'),
    ("ÙÚÛÜ", b'U'),
    ("Æ", b'A'),
    ("Ð", b'D'),
    ("Ñ", b'N'),
    ("Ý", b'Y'),
    ("Ç", b'C'),
];

fn latin_fold(c: i32) -> Option<u8> {
    for (caps, fold) in LATIN {
        for u in caps.chars() {
            let u = u as i32;
            if c == u || c == u + 0x20 {
                return Some(fold);
            }
        }
    }
    None
}

fn makemapd(f: &mut Field) {
    for i in 0..256i32 {
        let mut c = i;
        if f.flags & IFLAG != 0 && !(0o40..=0o176).contains(&c) {
            c = -1;
        }
        if f.flags & WFLAG != 0 && c >= 0 && (c == b' ' as i32 || c == b'\t' as i32) {
            c = -1;
        }
        if f.flags & DFLAG != 0 && c >= 0 {
            let keep = matches!(c as u8, b' ' | b'\t' | b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9') && c < 128;
            if !keep && latin_fold(c).is_none() {
                c = -1;
            }
        }
        if f.flags & FFLAG != 0 && c >= 0 {
            if (b'a' as i32..=b'z' as i32).contains(&c) {
                c += b'A' as i32 - b'a' as i32;
            }
            if let Some(fold) = latin_fold(c) {
                c = fold as i32;
            }
        }
        if f.flags & RFLAG != 0 && c >= 0 && i > 0 && i < RUNESELF as i32 {
            c = !c & 0xFF;
        }
        if c < 0 {
            c = 0;
        }
        f.mapto[i as usize] = c as u8;
    }
}

fn dumpmap(f: &Field) {
    let mut s = String::new();
    for (i, &c) in f.mapto.iter().enumerate() {
        if i & 15 == 0 {
            s.push('\t');
        }
        s.push_str(&format!(" {c:02x}"));
        if i & 15 == 15 {
            s.push('\n');
        }
    }
    eprint(format_args!("{s}"));
}

/// The value of a flag that takes one: the rest of the cluster or the
/// next argument (which is then used up).
fn optval(argv: &mut [Option<String>], i: &mut usize, rest: &str) -> Option<String> {
    if rest.is_empty() {
        *i += 1;
        if *i < argv.len() {
            return argv[*i].take();
        }
        None
    } else {
        Some(rest.into())
    }
}

fn doargs(o: &mut Opts, argv: &mut [Option<String>]) {
    let mut hadplus = false;
    let mut i = 1;
    'args: while i < argv.len() {
        let s = argv[i].clone().unwrap_or_default();
        if let Some(s) = s.strip_prefix('-') {
            if s.is_empty() {
                break;
            }
            argv[i] = None;
            let c0 = s.as_bytes()[0];
            if c0 == b'.' || c0.is_ascii_digit() {
                if !hadplus {
                    newfield(o);
                }
                dofield(o, s, 1, 0, 0);
                hadplus = false;
                i += 1;
                continue;
            }
            let mut it = s.char_indices();
            let mut end = false;
            while let Some((at, c)) = it.next() {
                let rest = &s[at + c.len_utf8()..];
                match c {
                    // The end of the options; the cluster's other flags
                    // still count, as in 9front.
                    '-' => end = true,
                    'T' => {
                        if let Some(v) = optval(argv, &mut i, rest) {
                            o.tname = Some(v);
                        }
                        break;
                    }
                    'o' => {
                        if let Some(v) = optval(argv, &mut i, rest) {
                            o.ofile = Some(v);
                        }
                        break;
                    }
                    'k' => {
                        let Some(p) = optval(argv, &mut i, rest) else { break };
                        newfield(o);
                        let (p1, q) = match p.find(',') {
                            Some(x) => (&p[..x], Some(&p[x + 1..])),
                            None => (&p[..], None),
                        };
                        dofield(o, p1, 0, 1, 1);
                        let nf = o.nfield;
                        let f = &mut o.field[nf];
                        if f.flags & BFLAG != 0 {
                            f.flags |= B1FLAG;
                            f.flags &= !BFLAG;
                        }
                        if let Some(q) = q {
                            dofield(o, q, 1, 1, 0);
                            let f = &mut o.field[nf];
                            if f.end2 <= 0 {
                                f.end1 += 1;
                            }
                        }
                        hadplus = false;
                        break;
                    }
                    't' => {
                        if rest.is_empty() {
                            i += 1;
                            if i < argv.len() {
                                let v = argv[i].take().unwrap_or_default();
                                o.tabchar = chartorune(v.as_bytes()).0;
                            }
                        } else {
                            let (r, n) = chartorune(rest.as_bytes());
                            o.tabchar = r;
                            // Continue the cluster after the tab rune.
                            for _ in 0..rest[..n.min(rest.len())].chars().count() {
                                it.next();
                            }
                        }
                        if o.tabchar == b'\n' as Rune {
                            eprint(format_args!("aw come on, rob\n"));
                            done("rob");
                        }
                    }
                    'c' => o.cflag = true,
                    'u' => o.uflag = true,
                    'v' => o.vflag = true,
                    'l' => {
                        if let Some(v) = optval(argv, &mut i, rest) {
                            o.mline = atol(&v).into();
                        }
                        break;
                    }
                    'M' | 'b' | 'd' | 'f' | 'g' | 'i' | 'n' | 'r' | 'w' => {
                        if o.nfield > 0 {
                            eprint(format_args!("sort: global field set after -k\n"));
                        }
                        setfield(o, 0, c);
                    }
                    'm' => {}
                    _ => {
                        eprint(format_args!("sort: unknown option: -{c}\n"));
                        done("option");
                    }
                }
            }
            if end {
                break 'args;
            }
            i += 1;
            continue;
        }
        if let Some(s) = s.strip_prefix('+') {
            argv[i] = None;
            let c0 = s.as_bytes().first().copied().unwrap_or(0);
            if c0 == b'.' || c0.is_ascii_digit() {
                newfield(o);
                dofield(o, s, 0, 0, 0);
                let nf = o.nfield;
                let f = &mut o.field[nf];
                if f.flags & BFLAG != 0 {
                    f.flags |= B1FLAG;
                    f.flags &= !BFLAG;
                }
                hadplus = true;
                i += 1;
                continue;
            }
            let c = s.chars().next().unwrap_or('\0');
            if c == '\0' {
                eprint(format_args!("sort: unknown option: +\0\n"));
            } else {
                eprint(format_args!("sort: unknown option: +{c}\n"));
            }
            done("option");
        }
        o.nfile += 1;
        i += 1;
    }

    let g = o.field[0].flags;
    for i in 0..=o.nfield {
        let f = &mut o.field[i];
        if f.flags == 0 {
            f.flags = g;
            if g & BFLAG != 0 {
                f.flags |= B1FLAG;
            }
        }
        let fl = f.flags & !(BFLAG | B1FLAG);
        f.dokey = if fl == 0 {
            DoKey::Plain
        } else if fl == RFLAG {
            DoKey::Rev
        } else if fl & !(GFLAG | NFLAG | RFLAG) == 0 && fl & (GFLAG | NFLAG) != 0 {
            DoKey::Num
        } else if fl == MFLAG || fl == MFLAG | RFLAG {
            DoKey::Month
        } else if fl & !(DFLAG | FFLAG | IFLAG | RFLAG | WFLAG) == 0 && fl & !RFLAG != 0 && fl != WFLAG | RFLAG {
            // 9front's list of combinations lacks -w with -r alone.
            DoKey::Dfi
        } else {
            eprint(format_args!("sort: illegal combination of flags: {:x}\n", f.flags));
            done("option");
        };
        match f.dokey {
            DoKey::Month => makemapm(f),
            DoKey::Dfi => makemapd(f),
            _ => {}
        }
        if o.vflag && matches!(f.dokey, DoKey::Month | DoKey::Dfi) {
            dumpmap(&o.field[i]);
        }
    }
    if o.nfile > 1 && o.cflag {
        eprint(format_args!("sort: -c can have at most one input file\n"));
        done("option");
    }
}

fn printargs(o: &Opts) {
    let mut s = String::from("sort");
    for i in 0..=o.nfield {
        let f = &o.field[i];
        let mut prefix = " -";
        if i > 0 {
            let num = |n: i32| if n >= 0 { format!("{n}") } else { "*".into() };
            s.push_str(&format!(" +{}.{}", num(f.beg1), num(f.beg2)));
            if f.flags & B1FLAG != 0 {
                s.push('b');
            }
            s.push_str(&format!(" -{}.{}", num(f.end1), num(f.end2)));
            prefix = "";
        }
        for (bit, c) in [
            (BFLAG, 'b'),
            (DFLAG, 'd'),
            (FFLAG, 'f'),
            (GFLAG, 'g'),
            (IFLAG, 'i'),
            (MFLAG, 'M'),
            (NFLAG, 'n'),
            (RFLAG, 'r'),
            (WFLAG, 'w'),
        ] {
            if f.flags & bit != 0 {
                s.push_str(prefix);
                s.push(c);
            }
        }
    }
    if o.cflag {
        s.push_str(" -c");
    }
    if o.uflag {
        s.push_str(" -u");
    }
    if let Some(f) = &o.ofile {
        s.push_str(&format!(" -o {f}"));
    }
    if o.mline != NLINE {
        s.push_str(&format!(" -l {}", o.mline));
    }
    s.push('\n');
    eprint(format_args!("{s}"));
}

fn main(argv: Vec<String>) {
    let mut argv: Vec<Option<String>> = argv.into_iter().map(Some).collect();
    let mut o = Opts {
        ofile: None,
        tname: None,
        tabchar: 0,
        cflag: false,
        uflag: false,
        vflag: false,
        nfield: 0,
        nfile: 0,
        field: vec![Field::new(); NFIELD],
        mline: NLINE,
        shared: false,
    };
    doargs(&mut o, &mut argv);
    if o.vflag {
        printargs(&o);
    }
    let dir = o.tname.clone().unwrap_or_else(|| "/tmp".into());
    if dir.len() >= 100 - 20 {
        eprint(format_args!("temp file directory name is too long: {dir}\n"));
        done("tdir");
    }
    let pid = match libc::syscall::getpid().0 as u32 {
        0 => 1,
        p => p,
    };
    let temps = Temps { n: 0, pid, dir };
    // 9front would index past its array with a limit below one line.
    o.mline = o.mline.max(1);
    o.shared = o.nfield == 0 && o.field[0].dokey == DoKey::Plain && !o.vflag;
    let shared = o.shared;
    let mut s = Sort { o, batch: Batch::new(shared), temps };

    let files: Vec<String> = argv.iter().skip(1).flatten().cloned().collect();
    for name in &files {
        if name == "-" {
            s.dofile(Fd::STDIN);
            continue;
        }
        let f = match open(name, OREAD) {
            Ok(f) => f,
            Err(e) => {
                eprint(format_args!("sort: open {name}: {e}\n"));
                s.temps.done("open");
            }
        };
        s.dofile(f);
        let _ = close(f);
    }
    if s.o.nfile == 0 {
        s.dofile(Fd::STDIN);
    }
    if s.o.cflag {
        s.temps.done("");
    }
    if s.o.vflag {
        eprint(format_args!("=========\n"));
    }
    let f = match &s.o.ofile {
        Some(name) => match create(name, OWRITE, 0o666) {
            Ok(f) => f,
            Err(e) => {
                eprint(format_args!("sort: create {name}: {e}\n"));
                s.temps.done("create");
            }
        },
        None => Fd::STDOUT,
    };
    let mut out = Out::new(f);
    if s.temps.n > 0 {
        s.tempout();
        s.mergeout(&mut out);
    } else {
        s.printout(&mut out);
    }
    out.flush();
    s.temps.done("");
}
