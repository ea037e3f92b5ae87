//! look: a port of 9front's `sys/src/cmd/look.c`.
//!
//! Finds the lines of a sorted file (`/lib/words` by default) that begin
//! with a string, by binary search (seeking, as 9front does), then a scan.
//! Keys and lines are compared as runes after canonicalisation: Latin-1
//! letters fold to their ASCII base, `-d` keeps only letters, digits,
//! blanks and tabs, `-f` folds upper case; the comparison stops at the
//! tab character (`-t c`). `-n` compares numerically, `-b base` in
//! another base, `-x` prints only exact matches, `-i` reads keys from
//! standard input, one a line. Without a file, `-d` and `-f` are implied.
//! A line longer than the word buffer stops the search with
//! `Look: word too long.  Bailing out.`; a key longer than 49 runes is cut
//! there (9front's fixed key array would overflow).
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use libbio::Biobuf;
use libc::arg::Args;
use libc::rune::{chartorune, push_rune, Rune};
use libc::syscall::{exits, Fd, OREAD, OWRITE, SEEKEND, SEEKSET};

libc::main!(main);

/// 9front's WORDSIZ: runes in a dictionary line, with its terminator.
const WORDSIZ: usize = 4000;
/// The size of 9front's key arrays.
const KEYSIZ: usize = 50;

/// Latin-1 letters 0xC0..=0xFF folded to ASCII; 0 where none.
const LATIN_FOLD: &[u8; 64] = b"aaaaaaaceeeeiiiidnooooo\0ouuuuy\0\0aaaaaaaceeeeiiiidnooooo\0ouuuuy\0y";

#[derive(Clone, Copy, PartialEq)]
enum Cmp {
    Alpha,
    Num,
}

struct Look {
    fold: bool,
    direc: bool,
    exact: bool,
    base: i32,
    compare: Cmp,
    tab: Rune,
    entry: Vec<Rune>,
    word: Vec<Rune>,
    key: Vec<Rune>,
    orig: Vec<Rune>,
}

fn isupper(r: Rune) -> bool {
    ('A' as Rune..='Z' as Rune).contains(&r)
}

fn isalnum(r: Rune) -> bool {
    isupper(r) || ('a' as Rune..='z' as Rune).contains(&r) || ('0' as Rune..='9' as Rune).contains(&r)
}

fn isspace(r: Rune) -> bool {
    r == ' ' as Rune || r == '\t' as Rune || (0x0A..=0x0D).contains(&r)
}

fn sgn(v: i32) -> i32 {
    v.signum()
}

fn notcase(v: i32) -> bool {
    v != 'a' as i32 - 'A' as i32 && v != 'A' as i32 - 'a' as i32
}

/// The rune at `i`, or 0 past the end (the C strings' terminator).
fn at(s: &[Rune], i: usize) -> Rune {
    s.get(i).copied().unwrap_or(0)
}

/// `acomp`: -2 if `s` sorts before `t`, -1 if it is a prefix of `t`, 0 if
/// equal, 1 if `t` is a prefix of `s`, 2 if `t` sorts before `s`.
fn acomp(s: &[Rune], t: &[Rune]) -> i32 {
    let mut i = 0;
    loop {
        let (cs, ct) = (at(s, i), at(t, i));
        if cs != ct {
            return if cs == 0 {
                -1
            } else if ct == 0 {
                1
            } else if cs < ct {
                -2
            } else {
                2
            };
        }
        if cs == 0 {
            return 0;
        }
        i += 1;
    }
}

impl Look {
    /// look.c's `isdigit`: a digit of the current base.
    fn isdigit(&self, r: Rune) -> bool {
        let v = if ('0' as Rune..='9' as Rune).contains(&r) {
            (r - '0' as Rune) as i32
        } else if ('a' as Rune..='z' as Rune).contains(&r) {
            (r - 'a' as Rune) as i32 + 10
        } else if isupper(r) {
            (r - 'A' as Rune) as i32 + 10
        } else {
            self.base
        };
        v < self.base
    }

    /// `ncomp`: numeric comparison, with the results of `acomp`.
    fn ncomp(&self, s: &[Rune], t: &[Rune]) -> i32 {
        let (mut s0, mut t0) = (0, 0);
        while isspace(at(s, s0)) {
            s0 += 1;
        }
        while isspace(at(t, t0)) {
            t0 += 1;
        }
        let (mut ssgn, mut tsgn) = (-2, -2);
        if at(s, s0) == '-' as Rune {
            s0 += 1;
            ssgn = -ssgn;
        }
        if at(t, t0) == '-' as Rune {
            t0 += 1;
            tsgn = -tsgn;
        }
        let mut is = s0;
        while self.isdigit(at(s, is)) {
            is += 1;
        }
        let mut it = t0;
        while self.isdigit(at(t, it)) {
            it += 1;
        }
        let (js, jt) = (is, it);
        let mut a = 0;
        if ssgn == tsgn {
            while it > t0 && is > s0 {
                it -= 1;
                is -= 1;
                let b = at(t, it) as i32 - at(s, is) as i32;
                if b != 0 && notcase(b) {
                    a = b;
                }
            }
        }
        while is > s0 {
            is -= 1;
            if at(s, is) != '0' as Rune {
                return -ssgn;
            }
        }
        while it > t0 {
            it -= 1;
            if at(t, it) != '0' as Rune {
                return tsgn;
            }
        }
        if a != 0 {
            return sgn(a) * ssgn;
        }
        let (mut si, mut ti) = (js, jt);
        if at(s, si) == '.' as Rune {
            si += 1;
        }
        if at(t, ti) == '.' as Rune {
            ti += 1;
        }
        if ssgn == tsgn {
            while self.isdigit(at(s, si)) && self.isdigit(at(t, ti)) {
                let a = at(t, ti) as i32 - at(s, si) as i32;
                si += 1;
                ti += 1;
                if a != 0 && notcase(a) {
                    return sgn(a) * ssgn;
                }
            }
        }
        while self.isdigit(at(s, si)) {
            si += 1;
            if at(s, si - 1) != '0' as Rune {
                return -ssgn;
            }
        }
        while self.isdigit(at(t, ti)) {
            ti += 1;
            if at(t, ti - 1) != '0' as Rune {
                return tsgn;
            }
        }
        0
    }

    fn compare(&self, s: &[Rune], t: &[Rune]) -> i32 {
        match self.compare {
            Cmp::Alpha => acomp(s, t),
            Cmp::Num => self.ncomp(s, t),
        }
    }

    /// `rcanon`: the comparable form of a line or key.
    fn rcanon(&self, old: &[Rune]) -> Vec<Rune> {
        let mut new = Vec::with_capacity(old.len());
        for &r0 in old {
            if r0 == 0 || r0 == self.tab {
                break;
            }
            let mut r = r0;
            if (0xC0..=0xFF).contains(&r) && LATIN_FOLD[(r - 0xC0) as usize] != 0 {
                r = LATIN_FOLD[(r - 0xC0) as usize] as Rune;
            }
            if self.direc && !(isalnum(r) || r == ' ' as Rune || r == '\t' as Rune) {
                continue;
            }
            if self.fold && isupper(r) {
                r = r - 'A' as Rune + 'a' as Rune;
            }
            new.push(r);
        }
        new
    }

    /// `locate`: binary search for the key's first line, left in
    /// `entry`/`word`; false if there is none.
    fn locate(&mut self, dfile: &mut Biobuf) -> bool {
        let mut bot: i64 = 0;
        let mut top = dfile.seek(0, SEEKEND).unwrap_or(0);
        loop {
            let mut mid = (top + bot) / 2;
            let _ = dfile.seek(mid, SEEKSET);
            while let Some(c) = dfile.getrune() {
                if c == '\n' as Rune {
                    break;
                }
            }
            mid = dfile.offset();
            let Some(e) = getword(dfile, WORDSIZ) else { break };
            self.entry = e;
            self.word = self.rcanon(&self.entry);
            match self.compare(&self.key, &self.word) {
                -2..=0 => {
                    if top <= mid {
                        break;
                    }
                    top = mid;
                }
                1 | 2 => bot = mid,
                _ => break,
            }
        }
        let _ = dfile.seek(bot, SEEKSET);
        while let Some(e) = getword(dfile, WORDSIZ) {
            self.entry = e;
            self.word = self.rcanon(&self.entry);
            match self.compare(&self.key, &self.word) {
                -2 => return false,
                -1 => return !self.exact,
                0 => return true,
                _ => continue,
            }
        }
        false
    }
}

/// `getword`: the next line as runes, without its newline; `None` at end
/// of file (a last line without a newline is not a word) or when the line
/// does not fit in `n - 1` runes.
fn getword(f: &mut Biobuf, n: usize) -> Option<Vec<Rune>> {
    let mut w = Vec::new();
    for _ in 0..n {
        let c = f.getrune()?;
        if c == '\n' as Rune {
            return Some(w);
        }
        w.push(c);
    }
    let _ = libc::fprint!(Fd::STDERR, "Look: word too long.  Bailing out.\n");
    None
}

fn torune(s: &str, max: usize) -> Vec<Rune> {
    let mut out = Vec::new();
    let mut b = s.as_bytes();
    while !b.is_empty() && out.len() < max {
        let (r, n) = chartorune(b);
        out.push(r);
        b = &b[n..];
    }
    out
}

/// C's `atoi`: `strtol(s, nil, 10)`, saturating to an int.
fn atoi(s: &str) -> i32 {
    let s = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (neg, d) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut v: i64 = 0;
    for c in d.bytes().take_while(|c| c.is_ascii_digit()) {
        v = (v * 10 + (c - b'0') as i64).min(1 << 31);
    }
    (if neg { -v } else { v }).clamp(i32::MIN as i64, i32::MAX as i64) as i32
}

fn usage(argv0: &str) -> ! {
    let _ = libc::fprint!(Fd::STDERR, "usage: {argv0} [-dfinx] [-t c] [string] [file]\n");
    exits("usage");
}

fn put(bout: &mut Biobuf, runes: &[Rune]) {
    let mut b = Vec::with_capacity(runes.len() + 1);
    for &r in runes {
        push_rune(&mut b, r);
    }
    b.push(b'\n');
    let _ = bout.write(&b);
}

fn finish(bout: &mut Biobuf, status: &str) -> ! {
    let _ = bout.flush();
    exits(status);
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let argv0: String = a.argv0().into();
    let mut lk = Look {
        fold: false,
        direc: false,
        exact: false,
        base: 10,
        compare: Cmp::Alpha,
        tab: '\t' as Rune,
        entry: Vec::new(),
        word: Vec::new(),
        key: Vec::new(),
        orig: Vec::new(),
    };
    let mut iflag = false;
    while let Some(c) = a.next_flag() {
        match c {
            'b' => {
                let Some(v) = a.value() else { usage(&argv0) };
                lk.base = atoi(&v);
                lk.compare = Cmp::Num;
            }
            'd' => lk.direc = true,
            'f' => lk.fold = true,
            'i' => iflag = true,
            'n' => lk.compare = Cmp::Num,
            't' => {
                let Some(v) = a.value() else { usage(&argv0) };
                // An empty argument is C's terminating NUL.
                lk.tab = if v.is_empty() { 0 } else { chartorune(v.as_bytes()).0 };
            }
            'x' => lk.exact = true,
            c => {
                let _ = libc::fprint!(Fd::STDERR, "{argv0}: bad option {c}\n");
                usage(&argv0);
            }
        }
    }
    let mut rest = a.rest().into_iter();
    if !iflag {
        match rest.next() {
            Some(s) => lk.orig = torune(&s, KEYSIZ - 1),
            None => iflag = true,
        }
    }
    let filename = match rest.next() {
        Some(f) => f,
        None => {
            lk.direc = true;
            lk.fold = true;
            "/lib/words".into()
        }
    };
    if !iflag {
        lk.key = lk.rcanon(&lk.orig);
    }
    let mut bout = Biobuf::new(Fd::STDOUT, OWRITE);
    let Ok(mut dfile) = Biobuf::open(&filename, OREAD) else {
        let _ = libc::fprint!(Fd::STDERR, "look: can't open {filename}\n");
        exits("no dictionary");
    };
    let mut bin = Biobuf::new(Fd::STDIN, OREAD);
    if !iflag && !lk.locate(&mut dfile) {
        finish(&mut bout, "not found");
    }
    loop {
        if iflag {
            let _ = bout.flush();
            let Some(o) = getword(&mut bin, KEYSIZ) else { finish(&mut bout, "") };
            lk.orig = o;
            lk.key = lk.rcanon(&lk.orig);
            if !lk.locate(&mut dfile) {
                continue;
            }
        }
        if !lk.exact || acomp(&lk.word, &lk.key) == 0 {
            put(&mut bout, &lk.entry);
        }
        while let Some(e) = getword(&mut dfile, WORDSIZ) {
            lk.entry = e;
            lk.word = lk.rcanon(&lk.entry);
            match lk.compare(&lk.key, &lk.word) {
                -1 if lk.exact => break,
                -1 | 0 => {
                    // look.c compares with the key as typed here, not its
                    // canonical form.
                    if !lk.exact || acomp(&lk.word, &lk.orig) == 0 {
                        put(&mut bout, &lk.entry);
                    }
                }
                _ => break,
            }
        }
        if !iflag {
            break;
        }
    }
    finish(&mut bout, "");
}
