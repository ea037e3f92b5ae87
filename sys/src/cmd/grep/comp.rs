//! The incremental DFA and the UTF-8 classes: a port of 9front's
//! `sys/src/cmd/grep/comp.c`.
//!
//! A state is the sorted list of nodes the pattern may be at. `increment`
//! builds the transition of a state on one byte the first time the search
//! meets it: `fol1` collects the nodes that follow each node on that byte
//! (`^` follows a newline or the start, `$` must see a newline, and the
//! final `$` marks the new state as ending a matching line); states are
//! looked up by their node lists so that each is built once. `re2class`
//! turns a class of runes into alternatives of byte sequences, splitting
//! ranges where the length of their UTF-8 encoding or a leading byte
//! changes (`rclass`).
//!
//! What differs: `fol1` walks with an explicit stack instead of recursing;
//! states are found in a `BTreeMap` instead of 9front's binary tree of
//! states; the class parser's 200-pair table is a `Vec` with the same
//! limit. A class with no members (`[]`, where C reads uninitialised
//! memory) matches nothing.

use alloc::vec::Vec;

use libc::rune::{chartorune, runetochar, Rune, RUNEMAX, UTFMAX};

use crate::grep::{Grep, Re2, ReId, State, Ty, CBEGIN, NIL};
use crate::sub::error;

/// Where `rclass` splits ranges into same-length encodings (`tab1`) and
/// into whole trailing-byte blocks (`tab2`).
const TAB1: [Rune; 3] = [0x007f, 0x07ff, 0xffff];
const TAB2: [Rune; 3] = [0x003f, 0x0fff, 0x3ffff];

impl Grep {
    /// `increment`: builds the transition of state `s` on byte `c`.
    pub fn increment(&mut self, s: u32, c: u32) -> u32 {
        self.follow.clear();
        self.gen += 1;
        self.matched = false;
        let list = core::mem::take(&mut self.states[s as usize].re);
        for &r in &list {
            self.fol1(r, c);
        }
        self.states[s as usize].re = list;
        self.follow.sort_unstable();
        let key = (core::mem::take(&mut self.follow), self.matched);
        let t = match self.lookup.get(&key) {
            Some(&t) => {
                self.follow = key.0;
                t
            }
            None => {
                let t = self.states.len() as u32;
                self.states.push(State { matched: key.1, re: key.0.clone() });
                self.trans.resize(self.trans.len() + 256, 11);
                self.lookup.insert(key, t);
                t
            }
        };
        // Slow until the search finds the way plain; a newline always is
        // (see main.rs).
        let flags =
            if c == b'\n' as u32 { 3 | (self.states[t as usize].matched as u32) << 2 } else { 1 };
        self.trans[s as usize * 256 + c as usize] = t << 8 | flags;
        t
    }

    /// `fol1`: the nodes after `r` on `c` into `follow`.
    pub fn fol1(&mut self, r: ReId, c: u32) {
        let mut work: Vec<ReId> = alloc::vec![r];
        while let Some(mut r) = work.pop() {
            loop {
                if r == NIL {
                    break;
                }
                let gen = self.gen;
                let x = &mut self.res[r as usize];
                if x.gen == gen {
                    break;
                }
                x.gen = gen;
                match x.ty {
                    Ty::Case => {
                        let (cases, next) = (x.cases, x.next);
                        if c < 256 {
                            let r1 = self.cases[cases as usize][c as usize];
                            if r1 != NIL {
                                self.follow.push(r1);
                            }
                        }
                        r = next;
                    }
                    Ty::Alt | Ty::Or => {
                        work.push(x.alt);
                        r = x.next;
                    }
                    Ty::Begin => {
                        if c == b'\n' as u32 || c == CBEGIN {
                            let n = x.next;
                            self.follow.push(n);
                        }
                        break;
                    }
                    Ty::End => {
                        if c == b'\n' as u32 {
                            if x.next == NIL {
                                self.matched = true;
                                break;
                            }
                            r = x.next;
                            continue;
                        }
                        break;
                    }
                    Ty::Class => {
                        if c >= x.lo && c <= x.hi {
                            let n = x.next;
                            self.follow.push(n);
                        }
                        break;
                    }
                }
            }
        }
    }

    /// `initstate`: the start state, after the case optimisation.
    pub fn initstate(&mut self, r: ReId) -> u32 {
        self.addcase(r);
        self.follow.clear();
        self.gen += 1;
        self.fol1(r, CBEGIN);
        self.follow.push(r);
        self.follow.sort_unstable();
        let list = core::mem::take(&mut self.follow);
        let s = self.states.len() as u32;
        self.states.push(State { matched: false, re: list.clone() });
        self.trans.resize(self.trans.len() + 256, 11);
        self.lookup.insert((list, false), s);
        s
    }

    /// `rclass`: the byte sequences of the runes `p0..=p1`.
    pub fn rclass(&mut self, p0: Rune, p1: Rune) -> Re2 {
        if p0 > p1 {
            return self.re2char(0xff, 0xff); // no match
        }
        for &m in &TAB1 {
            if p0 <= m && p1 > m {
                let a = self.rclass(p0, m);
                let b = self.rclass(m + 1, p1);
                return self.re2or(a, b);
            }
        }
        for &m in &TAB2 {
            if (p0 & !m) != (p1 & !m) {
                if (p0 & m) != 0 {
                    let a = self.rclass(p0, p0 | m);
                    let b = self.rclass((p0 | m) + 1, p1);
                    return self.re2or(a, b);
                }
                if (p1 & m) != m {
                    let a = self.rclass(p0, (p1 & !m) - 1);
                    let b = self.rclass(p1 & !m, p1);
                    return self.re2or(a, b);
                }
            }
        }
        let mut x0 = [0u8; UTFMAX];
        let mut x1 = [0u8; UTFMAX];
        let n = runetochar(&mut x0, p0);
        let i = runetochar(&mut x1, p1);
        if i != n {
            error("length");
        }
        let mut x = self.re2char(x0[0] as u32, x1[0] as u32);
        for k in 1..n {
            let y = self.re2char(x0[k] as u32, x1[k] as u32);
            x = self.re2cat(x, y);
        }
        x
    }

    /// `re2class`: a class from the lexer's text (`^` first if negated).
    pub fn re2class(&mut self, s: &[u8]) -> Re2 {
        let mut s = s;
        let mut nc = false;
        if s.first() == Some(&b'^') {
            nc = true;
            s = &s[1..];
        }
        let mut i = 0;
        let mut get = || -> Rune {
            if i >= s.len() || s[i] == 0 {
                return 0;
            }
            let (r, n) = chartorune(&s[i..]);
            i += n;
            r
        };
        let mut pairs: Vec<(Rune, Rune)> = Vec::new();
        let mut p = get();
        loop {
            if p == b'\\' as Rune {
                p = get();
            }
            if p == 0 {
                break;
            }
            let lo = p;
            pairs.push((lo, lo));
            if pairs.len() >= 100 {
                error("class too big");
            }
            p = get();
            if p != b'-' as Rune {
                continue;
            }
            p = get();
            if p == b'\\' as Rune {
                p = get();
            }
            if p == 0 {
                // A `-` at the end is dropped.
                break;
            }
            pairs.last_mut().unwrap().1 = p;
            p = get();
        }
        pairs.sort();
        // Merge overlapping pairs; reversed ones after the first are dropped.
        let mut q: Vec<(Rune, Rune)> = Vec::new();
        for (k, &(a, b)) in pairs.iter().enumerate() {
            if k == 0 {
                q.push((a, b));
                continue;
            }
            if a > b {
                continue;
            }
            let last = q.last_mut().unwrap();
            if a > last.1 || b < last.0 {
                q.push((a, b));
                continue;
            }
            if a < last.0 {
                last.0 = a;
            }
            if b > last.1 {
                last.1 = b;
            }
        }
        if q.is_empty() {
            // `[]`: nothing.
            let r = self.ral(Ty::Class);
            self.res[r as usize].lo = 1;
            self.res[r as usize].hi = 0;
            return Re2 { beg: r, end: r };
        }
        if nc {
            let mut x = self.rclass(0, q[0].0.wrapping_sub(1));
            let mut ov = q[0].1.wrapping_add(1);
            for &(a, b) in &q[1..] {
                let y = self.rclass(ov, a.wrapping_sub(1));
                x = self.re2or(x, y);
                ov = b.wrapping_add(1);
            }
            let y = self.rclass(ov, RUNEMAX);
            self.re2or(x, y)
        } else {
            let mut x = self.rclass(q[0].0, q[0].1);
            for &(a, b) in &q[1..] {
                let y = self.rclass(a, b);
                x = self.re2or(x, y);
            }
            x
        }
    }
}
