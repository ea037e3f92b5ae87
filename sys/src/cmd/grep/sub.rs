//! Pattern building and the case optimisation: a port of 9front's
//! `sys/src/cmd/grep/sub.c`.
//!
//! `ral` allocates a node; `re2cat`, `re2star`, `re2or` and `re2char`
//! combine fragments; `str2top` parses one pattern (a `-e` argument, the
//! pattern argument, or the `-f` file) and ors it with those before;
//! `getrec` reads the pattern a byte at a time, folding ASCII capitals
//! under `-i`. `addcase` turns an alternation of seven or more characters
//! into a `Tcase` node that dispatches on the byte (9front's speed-up for
//! large alternations and `-f` word lists).
//!
//! What differs: 9front's allocator (`mal`, `sal`, on `sbrk`) is Rust's;
//! `reprint`, a debugging dump behind a flag that grep's argument parsing
//! never sets, is not ported.

use alloc::vec::Vec;

use libc::rune::{chartorune, runetochar, UTFMAX};
use libc::syscall::{exits, Fd};

use crate::grep::{Grep, Re, Re2, ReId, Src, Ty, CASELIM, NIL};

/// `error`: an internal error, fatal.
pub fn error(s: &str) -> ! {
    let _ = libc::fprint!(Fd::STDERR, "grep: internal error: {s}\n");
    exits(s)
}

/// Appends `s` as 9front's `%s` prints it: rune by rune.
pub fn push_str(out: &mut Vec<u8>, s: &[u8]) {
    let mut b = [0u8; UTFMAX];
    let mut i = 0;
    while i < s.len() && s[i] != 0 {
        let (r, n) = chartorune(&s[i..]);
        let m = runetochar(&mut b, r);
        out.extend_from_slice(&b[..m]);
        i += n;
    }
}

impl Grep {
    /// `ral`: a new node.
    pub fn ral(&mut self, ty: Ty) -> ReId {
        self.res.push(Re { ty, gen: 0, alt: NIL, cases: 0, lo: 0, hi: 0, next: NIL });
        (self.res.len() - 1) as ReId
    }

    fn re(&self, r: ReId) -> &Re {
        &self.res[r as usize]
    }

    fn re_mut(&mut self, r: ReId) -> &mut Re {
        &mut self.res[r as usize]
    }

    /// `countor`: how many characters an alternation of classes covers.
    fn countor(&self, mut r: ReId) -> usize {
        let mut n = 0;
        loop {
            let x = self.re(r);
            match x.ty {
                Ty::Or => {
                    n += self.countor(x.alt);
                    r = x.next;
                }
                Ty::Class => return n + (x.hi - x.lo + 1) as usize,
                _ => return n,
            }
        }
    }

    /// `oralloc`: `r`, or an alternation of `r` and `b` when `b` is set.
    fn oralloc(&mut self, t: Ty, r: ReId, b: ReId) -> ReId {
        if b == NIL {
            return r;
        }
        let a = self.ral(t);
        self.re_mut(a).alt = r;
        self.re_mut(a).next = b;
        a
    }

    /// `case1`: adds the alternatives of `r` to the case node `c`.
    fn case1(&mut self, c: ReId, mut r: ReId) {
        loop {
            let x = self.re(r).clone();
            match x.ty {
                Ty::Or => {
                    self.case1(c, x.alt);
                    r = x.next;
                }
                Ty::Class => {
                    let ci = self.re(c).cases as usize;
                    for n in x.lo..=x.hi {
                        let cur = self.cases[ci][n as usize];
                        let v = self.oralloc(Ty::Or, x.next, cur);
                        self.cases[ci][n as usize] = v;
                    }
                    return;
                }
                _ => {
                    let cur = self.re(c).next;
                    let v = self.oralloc(Ty::Alt, r, cur);
                    self.re_mut(c).next = v;
                    return;
                }
            }
        }
    }

    /// `addcase`: replaces large alternations under `r` by case nodes.
    pub fn addcase(&mut self, r: ReId) -> ReId {
        if self.re(r).gen == self.gen {
            return r;
        }
        let gen = self.gen;
        self.re_mut(r).gen = gen;
        match self.re(r).ty {
            Ty::Or => {
                let n = self.countor(r);
                if n >= CASELIM {
                    let a = self.ral(Ty::Case);
                    self.cases.push([NIL; 256]);
                    self.re_mut(a).cases = (self.cases.len() - 1) as u32;
                    self.case1(a, r);
                    let ci = self.re(a).cases as usize;
                    for i in 0..256 {
                        let x = self.cases[ci][i];
                        if x != NIL && self.countor(x) < n {
                            let v = self.addcase(x);
                            self.cases[ci][i] = v;
                        }
                    }
                    return a;
                }
                r
            }
            Ty::Alt => {
                let next = self.re(r).next;
                let v = self.addcase(next);
                self.re_mut(r).next = v;
                let alt = self.re(r).alt;
                let v = self.addcase(alt);
                self.re_mut(r).alt = v;
                r
            }
            Ty::Begin | Ty::End | Ty::Class => r,
            Ty::Case => error("addcase"),
        }
    }

    /// `str2top`: parses pattern `p` and ors it into `topre`.
    pub fn str2top(&mut self, p: &[u8]) {
        let oldtop = self.topre;
        if !matches!(self.src, Src::File(_)) {
            self.src = Src::Str(p.to_vec(), 0);
        }
        if p.is_empty() {
            self.yyerror("empty pattern");
        }
        if self.flags[b'f' as usize] == 0 {
            self.pattern = Some(p.to_vec());
        }
        self.topre = None;
        self.yyparse();
        self.gen += 1;
        let Some(top) = self.topre else { self.yyerror("syntax") };
        if let Some(old) = oldtop {
            self.topre = Some(self.re2or(old, top));
        }
    }

    /// `appendnext`: adds `b` at the end of the chain from `a`.
    pub fn appendnext(&mut self, mut a: ReId, b: ReId) {
        loop {
            let n = self.re(a).next;
            if n == NIL {
                break;
            }
            a = n;
        }
        self.re_mut(a).next = b;
    }

    /// `patchnext`: points every node of the chain from `a` at `b`.
    pub fn patchnext(&mut self, mut a: ReId, b: ReId) {
        while a != NIL {
            let n = self.re(a).next;
            self.re_mut(a).next = b;
            a = n;
        }
    }

    /// `getrec`: the pattern's next byte (0 at its end).
    pub fn getrec(&mut self) -> u32 {
        let mut c: u32 = match &mut self.src {
            Src::File(b) => match b.getc() {
                Some(c) if c != 0 => c as u32,
                _ => return 0,
            },
            Src::Str(s, pos) => {
                // C reads on past the string's NUL; here it stays at 0.
                let c = s.get(*pos).copied().unwrap_or(0);
                if c != 0 {
                    *pos += 1;
                }
                c as u32
            }
        };
        if self.flags[b'i' as usize] != 0 && (b'A' as u32..=b'Z' as u32).contains(&c) {
            c += (b'a' - b'A') as u32;
        }
        if c == b'\n' as u32 {
            self.lineno += 1;
        }
        c
    }

    pub fn re2cat(&mut self, a: Re2, b: Re2) -> Re2 {
        self.patchnext(a.end, b.beg);
        Re2 { beg: a.beg, end: b.end }
    }

    pub fn re2star(&mut self, a: Re2) -> Re2 {
        let beg = self.ral(Ty::Alt);
        self.re_mut(beg).alt = a.beg;
        self.patchnext(a.end, beg);
        Re2 { beg, end: beg }
    }

    pub fn re2or(&mut self, a: Re2, b: Re2) -> Re2 {
        let beg = self.ral(Ty::Or);
        self.re_mut(beg).alt = b.beg;
        self.re_mut(beg).next = a.beg;
        self.appendnext(b.end, a.end);
        Re2 { beg, end: b.end }
    }

    pub fn re2char(&mut self, c0: u32, c1: u32) -> Re2 {
        let r = self.ral(Ty::Class);
        self.re_mut(r).lo = c0 & 0xff;
        self.re_mut(r).hi = c1 & 0xff;
        Re2 { beg: r, end: r }
    }
}
