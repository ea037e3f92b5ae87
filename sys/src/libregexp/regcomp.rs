//! `regcomp`, `regcomplit`, `regcompnl`: a port of 9front's
//! `libregexp/regcomp.c`.
//!
//! The grammar is regexp(6)'s, parsed as 9front parses it: `e0` is
//! alternation, `e1` concatenation, `e2` an atom with `*`, `+` or `?`
//! repeated, `e3` an atom. The lexer reads runes; `\` makes the next rune
//! literal (a `\` at the end is dropped), and `[` reads a class. The errors
//! are 9front's: `regexp PAT: syntax error: C` where an atom was due,
//! `regexp PAT: parsing error` when the pattern ended instead, `regexp
//! PAT: no matching parenthesis`, and for classes `Malformed class`, `No
//! closing ] for class` and `Class too big` (more than 200 ranges). As in
//! 9front, a `)` with no `(` ends the pattern: the rest is ignored.
//!
//! What differs: the parser and code generator keep explicit stacks
//! instead of recursing (9front recurses, and inverts concatenations to
//! bound the depth), so no pattern can exhaust the stack; the program is
//! laid out exactly as 9front's, but a class is one instruction.

use alloc::vec;
use alloc::vec::Vec;
use core::cell::RefCell;

use libc::rune::{chartorune, RUNEMAX};

use crate::regerror::{push_rune, push_str, RegError};
use crate::regexec::Scratch;
use crate::regimpl::{Class, FirstSet, Reinst, Reprog};
use crate::Rune;

/// The lexer's tokens (regimpl.h's `LANY`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lex {
    Any,
    Bol,
    Class,
    End,
    Eol,
    LPar,
    Or,
    Rep,
    RPar,
    Rune,
}

/// A node of the parse tree (`Renode`; the kinds are regimpl.h's `TANY`,
/// ...). Children are always created before their parents, so they have
/// smaller indices.
#[derive(Clone, Debug)]
enum Renode {
    Any,
    Bol,
    Cat(Vec<usize>),
    Class(u32),
    /// A negated class: `TCAT(TNOTNL, class)` in 9front.
    NotNlClass(u32),
    Eol,
    Or(usize, usize),
    Plus(usize),
    Ques(usize),
    Rune(Rune),
    Star(usize),
    Sub(usize),
}

/// Parser and lexer state (`Parselex`).
struct Parselex<'a> {
    raw: &'a [u8],
    pos: usize,
    /// `regcomplit`: every rune is literal.
    lit: bool,
    rune: Rune,
    peek: bool,
    peeklex: Lex,
    done: bool,
    literal: bool,
    /// The class just read is negated.
    nc: bool,
    /// The class just read, as ascending ranges.
    cranges: Vec<(Rune, Rune)>,
    nodes: Vec<Renode>,
    classes: Vec<Class>,
}

/// The most ranges a class may be written with (`cpairs` holds 400+2).
const NCLASSPAIRS: usize = 200;

impl<'a> Parselex<'a> {
    fn new(raw: &'a [u8], lit: bool) -> Parselex<'a> {
        Parselex {
            raw,
            pos: 0,
            lit,
            rune: 0,
            peek: false,
            peeklex: Lex::End,
            done: false,
            literal: false,
            nc: false,
            cranges: Vec::new(),
            nodes: Vec::new(),
            classes: Vec::new(),
        }
    }

    fn decode(&mut self) {
        let rest = self.raw.get(self.pos..).unwrap_or(&[]);
        let (r, n) = chartorune(rest);
        self.rune = r;
        self.pos += n;
        if self.pos >= self.raw.len() {
            self.done = true;
        }
    }

    /// `getnextr`: the next rune, `\` quoting the one after it.
    fn getnextr(&mut self) {
        if self.lit {
            return self.getnextrlit();
        }
        self.literal = false;
        if self.done {
            self.rune = 0;
            return;
        }
        self.decode();
        if self.rune == '\\' as Rune {
            self.getnextrlit();
        }
    }

    /// `getnextrlit`: the next rune, literally.
    fn getnextrlit(&mut self) {
        self.literal = true;
        if self.done {
            self.literal = false;
            self.rune = 0;
            return;
        }
        self.decode();
    }

    fn lex(&mut self) -> Result<Lex, RegError> {
        if self.peek {
            self.peek = false;
            return Ok(self.peeklex);
        }
        self.getnextr();
        let l = if self.literal {
            Lex::Rune
        } else {
            match char::from_u32(self.rune) {
                Some('\0') => Lex::End,
                Some('*' | '?' | '+') => Lex::Rep,
                Some('|') => Lex::Or,
                Some('.') => Lex::Any,
                Some('(') => Lex::LPar,
                Some(')') => Lex::RPar,
                Some('^') => Lex::Bol,
                Some('$') => Lex::Eol,
                Some('[') => {
                    self.getclass()?;
                    Lex::Class
                }
                _ => Lex::Rune,
            }
        };
        self.peeklex = l;
        Ok(l)
    }

    /// `getclass`: reads a class after `[` into `cranges` (merged,
    /// ascending) and `nc`.
    fn getclass(&mut self) -> Result<(), RegError> {
        const RB: Rune = ']' as Rune;
        const MINUS: Rune = '-' as Rune;
        const BSL: Rune = '\\' as Rune;
        self.nc = false;
        self.getnextrlit();
        if self.rune == '^' as Rune {
            self.nc = true;
            self.getnextrlit();
        }
        let mut pairs: Vec<(Rune, Rune)> = Vec::new();
        loop {
            let mut lo = self.rune;
            if self.rune == RB {
                break;
            }
            if self.rune == MINUS {
                return Err(RegError::fixed("Malformed class"));
            }
            if self.rune == BSL {
                self.getnextrlit();
                lo = self.rune;
            }
            if self.rune == 0 {
                return Err(RegError::fixed("No closing ] for class"));
            }
            self.getnextrlit();
            let mut hi = lo;
            if self.rune == MINUS {
                self.getnextrlit();
                if self.rune == RB || self.rune == MINUS {
                    return Err(RegError::fixed("Malformed class"));
                }
                if self.rune == BSL {
                    self.getnextrlit();
                }
                hi = self.rune;
                if lo > hi {
                    core::mem::swap(&mut lo, &mut hi);
                }
                self.getnextrlit();
            }
            if pairs.len() >= NCLASSPAIRS {
                return Err(RegError::fixed("Class too big\n"));
            }
            pairs.push((lo, hi));
        }
        // 9front sorts the pairs in descending order and merges those that
        // overlap or touch.
        pairs.sort_by(|a, b| b.cmp(a));
        let mut merged: Vec<(Rune, Rune)> = Vec::with_capacity(pairs.len());
        for p in pairs {
            match merged.last_mut() {
                Some(q) if p.1 >= q.0.wrapping_sub(1) => {
                    q.0 = p.0;
                    if p.1 > q.1 {
                        q.1 = p.1;
                    }
                }
                _ => merged.push(p),
            }
        }
        merged.reverse();
        self.cranges = merged;
        Ok(())
    }

    fn node(&mut self, n: Renode) -> usize {
        self.nodes.push(n);
        self.nodes.len() - 1
    }

    fn error(&self, what: &[u8]) -> RegError {
        let mut m = b"regexp ".to_vec();
        push_str(&mut m, self.raw);
        m.extend_from_slice(b": ");
        m.extend_from_slice(what);
        RegError::new(m)
    }

    /// `buildclass` and `buildclassn`: a class node for `cranges`.
    fn buildclass(&mut self) -> usize {
        let ranges = core::mem::take(&mut self.cranges);
        let id = self.classes.len() as u32;
        if self.nc {
            // The complement within 0..=Runemax.
            let mut comp = Vec::with_capacity(ranges.len() + 1);
            let mut start: Rune = 0;
            for &(lo, hi) in &ranges {
                if lo > start {
                    comp.push((start, lo - 1));
                }
                start = hi.saturating_add(1);
            }
            if start <= RUNEMAX {
                comp.push((start, RUNEMAX));
            }
            self.classes.push(Class::new(comp));
            self.node(Renode::NotNlClass(id))
        } else {
            self.classes.push(Class::new(ranges));
            self.node(Renode::Class(id))
        }
    }

    /// `e2`'s loop: the repetitions after an atom.
    fn reps(&mut self, mut n: usize) -> Result<usize, RegError> {
        loop {
            if self.lex()? != Lex::Rep {
                self.peek = true;
                return Ok(n);
            }
            let k = match char::from_u32(self.rune) {
                Some('*') => Renode::Star(n),
                Some('+') => Renode::Plus(n),
                _ => Renode::Ques(n),
            };
            n = self.node(k);
        }
    }

    /// `e0` for the whole pattern, wrapped in submatch 0. 9front's
    /// recursive descent, with the open parentheses on an explicit stack.
    fn parse(&mut self) -> Result<usize, RegError> {
        struct Frame {
            alt: Option<usize>,
            cat: Vec<usize>,
        }
        let mut stack = vec![Frame { alt: None, cat: Vec::new() }];
        let mut need_atom = true;
        loop {
            if need_atom {
                // e3
                let atom = match self.lex()? {
                    Lex::Any => self.node(Renode::Any),
                    Lex::Bol => self.node(Renode::Bol),
                    Lex::Eol => self.node(Renode::Eol),
                    Lex::Rune => {
                        let r = self.rune;
                        self.node(Renode::Rune(r))
                    }
                    Lex::Class => self.buildclass(),
                    Lex::LPar => {
                        stack.push(Frame { alt: None, cat: Vec::new() });
                        continue;
                    }
                    Lex::End | Lex::Or | Lex::Rep | Lex::RPar => {
                        if self.rune != 0 {
                            let mut w = b"syntax error: ".to_vec();
                            push_rune(&mut w, self.rune);
                            return Err(self.error(&w));
                        }
                        return Err(self.error(b"parsing error"));
                    }
                };
                let n = self.reps(atom)?;
                stack.last_mut().unwrap().cat.push(n);
                need_atom = false;
                continue;
            }
            // e1: concatenate until the end, `|` or `)`.
            let sym = self.lex()?;
            if !matches!(sym, Lex::End | Lex::Or | Lex::RPar) {
                self.peek = true;
                need_atom = true;
                continue;
            }
            let f = stack.last_mut().unwrap();
            let cat = core::mem::take(&mut f.cat);
            let alt = f.alt;
            let e1 = if cat.len() == 1 { cat[0] } else { self.node(Renode::Cat(cat)) };
            let e1 = match alt {
                None => e1,
                Some(a) => self.node(Renode::Or(a, e1)),
            };
            stack.last_mut().unwrap().alt = Some(e1);
            if sym == Lex::Or {
                need_atom = true;
                continue;
            }
            // e0 ends at the end of the pattern or at `)`.
            let e0 = stack.pop().unwrap().alt.unwrap();
            if stack.is_empty() {
                return Ok(self.node(Renode::Sub(e0)));
            }
            if sym != Lex::RPar {
                return Err(self.error(b"no matching parenthesis"));
            }
            let sub = self.node(Renode::Sub(e0));
            let n = self.reps(sub)?;
            stack.last_mut().unwrap().cat.push(n);
            need_atom = false;
        }
    }
}

/// Lays out the tree rooted at `root` as 9front's `compile1` does.
fn compile(nodes: &[Renode], root: usize, nl: bool) -> Vec<Reinst> {
    let mut size = vec![0usize; nodes.len()];
    for (i, n) in nodes.iter().enumerate() {
        size[i] = match n {
            Renode::Any => {
                if nl {
                    1
                } else {
                    2
                }
            }
            Renode::Bol | Renode::Eol | Renode::Rune(_) | Renode::Class(_) => 1,
            Renode::NotNlClass(_) => 2,
            Renode::Cat(v) => v.iter().map(|&c| size[c]).sum(),
            Renode::Or(l, r) => 2 + size[*l] + size[*r],
            Renode::Star(l) | Renode::Sub(l) => 2 + size[*l],
            Renode::Plus(l) | Renode::Ques(l) => 1 + size[*l],
        };
    }
    let mut inst = vec![Reinst::Any; size[root]];
    let mut sub = 0u32;
    let mut work = vec![(root, 0usize)];
    while let Some((n, s)) = work.pop() {
        let u = |x: usize| x as u32;
        match &nodes[n] {
            Renode::Any => {
                if nl {
                    inst[s] = Reinst::Any;
                } else {
                    inst[s] = Reinst::NotNl;
                    inst[s + 1] = Reinst::Any;
                }
            }
            Renode::Bol => inst[s] = Reinst::Bol,
            Renode::Eol => inst[s] = Reinst::Eol,
            Renode::Rune(r) => inst[s] = Reinst::Rune(*r),
            Renode::Class(c) => inst[s] = Reinst::Class { class: *c, next: u(s + 1) },
            Renode::NotNlClass(c) => {
                inst[s] = Reinst::NotNl;
                inst[s + 1] = Reinst::Class { class: *c, next: u(s + 2) };
            }
            Renode::Cat(v) => {
                let mut at = s;
                let mut pos = Vec::with_capacity(v.len());
                for &c in v {
                    pos.push((c, at));
                    at += size[c];
                }
                work.extend(pos.into_iter().rev());
            }
            Renode::Or(l, r) => {
                let (l, r) = (*l, *r);
                let j = s + 1 + size[l];
                inst[s] = Reinst::Split(u(s + 1), u(j + 1));
                inst[j] = Reinst::Jmp(u(s + size[n]));
                work.push((r, j + 1));
                work.push((l, s + 1));
            }
            Renode::Star(l) => {
                let j = s + 1 + size[*l];
                inst[s] = Reinst::Split(u(s + 1), u(j + 1));
                inst[j] = Reinst::Jmp(u(s));
                work.push((*l, s + 1));
            }
            Renode::Plus(l) => {
                let e = s + size[*l];
                inst[e] = Reinst::Split(u(s), u(e + 1));
                work.push((*l, s));
            }
            Renode::Ques(l) => {
                inst[s] = Reinst::Split(u(s + 1), u(s + 1 + size[*l]));
                work.push((*l, s + 1));
            }
            Renode::Sub(l) => {
                inst[s] = Reinst::Save(sub);
                inst[s + 1 + size[*l]] = Reinst::Unsave(sub);
                sub += 1;
                work.push((*l, s + 1));
            }
        }
    }
    inst
}

/// The runes that can begin a match, or `None` if a match can be empty or
/// begin with any rune.
fn firstset(inst: &[Reinst], classes: &[Class]) -> Option<FirstSet> {
    let mut seen = vec![false; inst.len()];
    let mut work = vec![0usize];
    let mut ascii = 0u128;
    let mut high = false;
    while let Some(i) = work.pop() {
        if i >= inst.len() || seen[i] {
            continue;
        }
        seen[i] = true;
        match inst[i] {
            Reinst::Any => return None,
            Reinst::Unsave(0) => return None,
            Reinst::Bol | Reinst::Eol | Reinst::NotNl | Reinst::Save(_) | Reinst::Unsave(_) => {
                work.push(i + 1)
            }
            Reinst::Jmp(a) => work.push(a as usize),
            Reinst::Split(a, b) => {
                work.push(b as usize);
                work.push(a as usize);
            }
            Reinst::Rune(r) => {
                if r < 128 {
                    ascii |= 1 << r;
                } else {
                    high = true;
                }
            }
            Reinst::Class { class, .. } => {
                let c = &classes[class as usize];
                ascii |= c.ascii;
                if c.ranges.last().is_some_and(|&(_, hi)| hi >= 128) {
                    high = true;
                }
            }
        }
    }
    // NUL ends a subject: the matcher must stop there too.
    let full = !1u128;
    if high && ascii & full == full {
        return None;
    }
    let mut bytes = [false; 256];
    bytes[0] = true;
    let mut count = 0;
    let mut last = 0u8;
    for (b, slot) in bytes.iter_mut().enumerate().skip(1) {
        let on = if b < 128 { ascii >> b & 1 != 0 } else { high };
        if on {
            *slot = true;
            count += 1;
            last = b as u8;
        }
    }
    // A literal the program starts with: Save(0) then runes.
    let mut prefix = Vec::new();
    if inst.first() == Some(&Reinst::Save(0)) {
        for i in &inst[1..] {
            match *i {
                Reinst::Rune(r) if r != 0 => prefix.push(r),
                _ => break,
            }
        }
    }
    if prefix.len() < 2 {
        prefix.clear();
    }
    let prefix_bytes =
        (!prefix.is_empty() && !prefix.contains(&libc::rune::RUNEERROR)).then(|| {
            let mut v = Vec::new();
            for &r in &prefix {
                libc::rune::push_rune(&mut v, r);
            }
            v
        });
    Some(FirstSet {
        ascii,
        high,
        bytes,
        single: if count == 1 { Some(last) } else { None },
        prefix,
        prefix_bytes,
    })
}

fn regcomp1(s: &[u8], nl: bool, lit: bool) -> Result<Reprog, RegError> {
    // As in C, a NUL ends the pattern.
    let s = match s.iter().position(|&c| c == 0) {
        Some(n) => &s[..n],
        None => s,
    };
    let mut plex = Parselex::new(s, lit);
    let root = plex.parse()?;
    let inst = compile(&plex.nodes, root, nl);
    let first = firstset(&inst, &plex.classes);
    let scratch = RefCell::new(Scratch::new(inst.len()));
    Ok(Reprog { inst, classes: plex.classes, regstr: s.to_vec(), first, scratch })
}

/// `regcomp`: compiles a regular expression.
pub fn regcomp(s: impl AsRef<[u8]>) -> Result<Reprog, RegError> {
    regcomp1(s.as_ref(), false, false)
}

/// `regcomplit`: compiles `s` as a literal string.
pub fn regcomplit(s: impl AsRef<[u8]>) -> Result<Reprog, RegError> {
    regcomp1(s.as_ref(), false, true)
}

/// `regcompnl`: as `regcomp`, but `.` also matches newline.
pub fn regcompnl(s: impl AsRef<[u8]>) -> Result<Reprog, RegError> {
    regcomp1(s.as_ref(), true, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    fn err(p: &str) -> alloc::string::String {
        regcomp(p).unwrap_err().to_string()
    }

    #[test]
    fn errors_are_9fronts() {
        assert_eq!(err(""), "regexp : parsing error");
        assert_eq!(err("*a"), "regexp *a: syntax error: *");
        assert_eq!(err("a|"), "regexp a|: parsing error");
        assert_eq!(err("|a"), "regexp |a: syntax error: |");
        assert_eq!(err("a||b"), "regexp a||b: syntax error: |");
        assert_eq!(err("()"), "regexp (): syntax error: )");
        assert_eq!(err("(a"), "regexp (a: no matching parenthesis");
        assert_eq!(err("((a)"), "regexp ((a): no matching parenthesis");
        assert_eq!(err("(a|"), "regexp (a|: parsing error");
        assert_eq!(err("a(*)"), "regexp a(*): syntax error: *");
        assert_eq!(err("[a"), "No closing ] for class");
        assert_eq!(err("[a-"), "No closing ] for class");
        assert_eq!(err("[-a]"), "Malformed class");
        assert_eq!(err("[a-]"), "Malformed class");
        assert_eq!(err("[a--]"), "Malformed class");
        assert_eq!(err("[ab-]"), "Malformed class");
        assert_eq!(err("[\\"), "No closing ] for class");
        assert_eq!(err("é|*"), "regexp é|*: syntax error: *");
        let big: alloc::string::String =
            (0..201).map(|i| char::from_u32(0x100 + 2 * i).unwrap()).collect();
        assert_eq!(err(&alloc::format!("[{big}]")), "Class too big\n");
        let ok: alloc::string::String =
            (0..200).map(|i| char::from_u32(0x100 + 2 * i).unwrap()).collect();
        assert!(regcomp(alloc::format!("[{ok}]")).is_ok());
        // The message is cut to fit 9front's 128-byte buffer.
        let long = alloc::format!("{}(", "a".repeat(200));
        assert_eq!(err(&long).len(), 127);
    }

    #[test]
    fn accepted_oddities() {
        // A `)` with no `(` ends the pattern; a trailing `\` is dropped.
        for p in ["a)", "a)b(", "a\\", "[]", "[^]", "^*", "$+", "a**", "[\\]]", "[a\\-z]"] {
            assert!(regcomp(p).is_ok(), "{p}");
        }
        assert!(regcomplit("(*[").is_ok());
        // C reads the NUL of an empty literal as a rune to match: nothing.
        assert!(regcomplit("").is_ok());
    }

    #[test]
    fn layout_is_9fronts() {
        use Reinst::*;
        let p = regcomp("a|b*").unwrap();
        assert_eq!(
            p.insts(),
            &[
                Save(0),
                Split(2, 4),
                Rune('a' as u32),
                Jmp(7),
                Split(5, 7),
                Rune('b' as u32),
                Jmp(4),
                Unsave(0)
            ]
        );
        let p = regcomp("(a)+.?").unwrap();
        assert_eq!(
            p.insts(),
            &[
                Save(0),
                Save(1),
                Rune('a' as u32),
                Unsave(1),
                Split(1, 5),
                Split(6, 8),
                NotNl,
                Any,
                Unsave(0)
            ]
        );
        let p = regcompnl("[^b-a]").unwrap();
        assert_eq!(p.insts(), &[Save(0), NotNl, Class { class: 0, next: 3 }, Unsave(0)]);
        assert_eq!(p.class(0).ranges(), &[(0, 'a' as u32 - 1), ('c' as u32, RUNEMAX)]);
        let p = regcomp("[c-ea-bx]").unwrap();
        assert_eq!(p.class(0).ranges(), &[('a' as u32, 'e' as u32), ('x' as u32, 'x' as u32)]);
    }

    #[test]
    fn deep_nesting_does_not_exhaust_the_stack() {
        let n = 200_000;
        let p = alloc::format!("{}a{}", "(".repeat(n), ")".repeat(n));
        let prog = regcomp(&p).unwrap();
        assert_eq!(prog.insts().len(), 2 * n + 3);
        let p = "a".repeat(n);
        assert!(regcomp(&p).is_ok());
        let p = alloc::format!("{}a", "(".repeat(n));
        assert!(regcomp(&p).is_err());
    }
}
