//! The types and state of grep, and its pattern grammar: a port of
//! 9front's `sys/src/cmd/grep/grep.h` and `grep.y`.
//!
//! A pattern compiles to a graph of [`Re`] nodes over bytes (`Re2` is a
//! fragment: its first node and the list of nodes whose `next` is still
//! to be patched, chained through `next`). The grammar is 9front's yacc
//! grammar: newlines separate alternatives (lowest precedence), `|`
//! alternates, juxtaposition concatenates, `*`, `+` and `?` repeat, and a
//! `*` at the start of an alternative makes the rest of its line literal.
//! The lexer reads bytes: a multi-byte rune is a sequence of literal bytes,
//! while `.` and classes match whole runes.
//!
//! What differs: the yacc parser is written as recursive descent. It
//! reports the same errors at the same points: `empty pattern` when an
//! alternative cannot start the pattern (yacc's default reduction of the
//! empty rule), `syntax error` otherwise, and `yacc stack overflow` when
//! the parse stack of yacc's parser (150 entries) would overflow, which
//! the parser counts. Node and state storage are vectors indexed by
//! number, and the generation stamps are 32-bit (9front's are 16-bit and
//! wrap).

use alloc::string::String;
use alloc::vec::Vec;

use libc::syscall::{exits, Fd};

/// A node kind (`Talt`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Alt,
    Begin,
    Case,
    Class,
    End,
    Or,
}

/// A node index; `NIL` is C's nil.
pub type ReId = u32;
pub const NIL: ReId = u32::MAX;

/// A node of the pattern graph (`Re`).
#[derive(Clone, Debug)]
pub struct Re {
    pub ty: Ty,
    pub gen: u32,
    /// `Talt`, `Tor`: the other branch.
    pub alt: ReId,
    /// `Tcase`: index of its 256-entry table in `Grep::cases`.
    pub cases: u32,
    /// `Tclass`: the byte range.
    pub lo: u32,
    pub hi: u32,
    pub next: ReId,
}

/// A fragment: where it starts, and the chain of ends to patch (`Re2`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Re2 {
    pub beg: ReId,
    pub end: ReId,
}

/// What a fragment says about the bytes of its matches, for the search's
/// prefilter (not in 9front): `exact` if it matches only that string, the
/// bytes every match starts and ends with, and bytes every match holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lit {
    pub exact: Option<Vec<u8>>,
    pub pre: Vec<u8>,
    pub suf: Vec<u8>,
    pub must: Vec<u8>,
}

fn longest(a: Vec<u8>, b: Vec<u8>) -> Vec<u8> {
    if b.len() > a.len() {
        b
    } else {
        a
    }
}

impl Lit {
    fn byte(c: u8) -> Lit {
        let v = alloc::vec![c];
        Lit { exact: Some(v.clone()), pre: v.clone(), suf: v.clone(), must: v }
    }

    fn empty() -> Lit {
        Lit { exact: Some(Vec::new()), ..Lit::default() }
    }

    fn cat(a: Lit, b: Lit) -> Lit {
        let exact = match (&a.exact, &b.exact) {
            (Some(x), Some(y)) => Some([&x[..], &y[..]].concat()),
            _ => None,
        };
        let pre = match &a.exact {
            Some(x) => [&x[..], &b.pre[..]].concat(),
            None => a.pre.clone(),
        };
        let suf = match &b.exact {
            Some(y) => [&a.suf[..], &y[..]].concat(),
            None => b.suf.clone(),
        };
        let mut must = longest(a.must, b.must);
        must = longest(must, [&a.suf[..], &b.pre[..]].concat());
        if let Some(x) = &exact {
            must = longest(must, x.clone());
        }
        Lit { exact, pre, suf, must }
    }

    fn or(a: Lit, b: Lit) -> Lit {
        let exact = if a.exact == b.exact { a.exact.clone() } else { None };
        let n = a.pre.iter().zip(&b.pre).take_while(|(x, y)| x == y).count();
        let pre = a.pre[..n].to_vec();
        let m = a.suf.iter().rev().zip(b.suf.iter().rev()).take_while(|(x, y)| x == y).count();
        let suf = a.suf[a.suf.len() - m..].to_vec();
        let must = match &exact {
            Some(x) => x.clone(),
            None => longest(pre.clone(), suf.clone()),
        };
        Lit { exact, pre, suf, must }
    }

    fn repeat(a: Lit, plus: bool) -> Lit {
        if plus {
            Lit { exact: None, pre: a.pre, suf: a.suf, must: a.must }
        } else {
            Lit::default()
        }
    }
}

/// A DFA state (`State`): the nodes it stands for and whether reaching it
/// on a newline ends a matching line. Its transitions are in
/// `Grep::trans`.
#[derive(Clone, Debug)]
pub struct State {
    pub matched: bool,
    pub re: Vec<ReId>,
}

pub const CASELIM: usize = 7;
/// The pseudo-character of the start of input (`Cbegin`).
pub const CBEGIN: u32 = libc::rune::RUNEMAX + 1;
/// Output is flushed every 512 lines (`Flshcnt`).
pub const FLSHCNT: i64 = (1 << 9) - 1;

pub const CFLAG: u32 = 1 << 0;
pub const HFLAG: u32 = 1 << 1;
pub const IFLAG: u32 = 1 << 2;
pub const LLFLAG: u32 = 1 << 3;
pub const BIGLFLAG: u32 = 1 << 4;
pub const NFLAG: u32 = 1 << 5;
pub const SFLAG: u32 = 1 << 6;
pub const VFLAG: u32 = 1 << 7;
pub const BFLAG: u32 = 1 << 8;

/// Bytes a class may take in the lexer's buffer (`u.string`, 16K, less 5).
const CLASSMAX: usize = 16 * 1024 - 5;
/// Entries of yacc's parse stack (`YYMAXDEPTH`).
const YYMAXDEPTH: usize = 150;

/// A token of the lexer (`LCHAR`, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Class(Vec<u8>),
    Char(u32),
    LParen,
    RParen,
    Alt,
    Star,
    Plus,
    Ques,
    Begin,
    End,
    Dot,
    Bad,
    Newline,
    Eof,
}

impl Tok {
    /// Whether the token can begin `expr3`.
    fn starts_expr3(&self) -> bool {
        matches!(
            self,
            Tok::Class(_) | Tok::Char(_) | Tok::LParen | Tok::Begin | Tok::End | Tok::Dot
        )
    }
}

/// Where the pattern is read from: a string (`input`) or the `-f` file
/// (`rein`).
pub enum Src {
    Str(Vec<u8>, usize),
    File(libbio::Biobuf),
}

/// grep's global state (the `EXTERN` variables of grep.h).
pub struct Grep {
    pub res: Vec<Re>,
    pub cases: Vec<[ReId; 256]>,
    pub states: Vec<State>,
    /// Transitions: `trans[s * 256 + c]` is `next << 8 | flags`, or 11 if not
    /// built yet (the flags are the search's; see main.rs).
    pub trans: Vec<u32>,
    pub lookup: alloc::collections::BTreeMap<(Vec<ReId>, bool), u32>,
    pub follow: Vec<ReId>,
    pub gen: u32,
    pub matched: bool,
    pub flags: [u32; 256],
    pub filename: Option<String>,
    pub pattern: Option<Vec<u8>>,
    pub lineno: i64,
    pub literal: bool,
    pub peekc: i32,
    pub src: Src,
    pub topre: Option<Re2>,
    pub state0: u32,
    /// For the prefilter: bytes every selected line must hold (empty if
    /// none are known), the first node of each pattern, and the nodes of
    /// the wrapping that `prog` adds around each.
    pub must: Vec<u8>,
    pub cores: Vec<ReId>,
    pub wrapper: Vec<ReId>,
}

impl Grep {
    pub fn new() -> Grep {
        Grep {
            res: Vec::new(),
            cases: Vec::new(),
            states: Vec::new(),
            trans: Vec::new(),
            lookup: alloc::collections::BTreeMap::new(),
            follow: Vec::new(),
            gen: 0,
            matched: false,
            flags: [0; 256],
            filename: None,
            pattern: None,
            lineno: 0,
            literal: false,
            peekc: 0,
            src: Src::Str(Vec::new(), 0),
            topre: None,
            state0: 0,
            must: Vec::new(),
            cores: Vec::new(),
            wrapper: Vec::new(),
        }
    }

    /// `yyerror`: reports a pattern error and exits with `syntax`.
    pub fn yyerror(&self, e: &str) -> ! {
        let mut m = b"grep: ".to_vec();
        if let Some(f) = &self.filename {
            m.extend_from_slice(alloc::format!("{f}:{}: ", self.lineno).as_bytes());
        } else if let Some(p) = &self.pattern {
            crate::sub::push_str(&mut m, p);
            m.extend_from_slice(b": ");
        }
        m.extend_from_slice(e.as_bytes());
        m.push(b'\n');
        let _ = libc::syscall::write(Fd::STDERR, &m);
        exits("syntax")
    }

    /// `yylex`.
    fn yylex(&mut self) -> Tok {
        if self.peekc != 0 {
            self.peekc = 0;
            return Tok::Eof;
        }
        let mut c = self.getrec();
        if self.literal {
            if c != 0 && c != b'\n' as u32 {
                return Tok::Char(c);
            }
            self.literal = false;
        }
        match c {
            0x5C => {
                // `\`
                c = self.getrec();
                if c == b'\n' as u32 {
                    Tok::Newline
                } else {
                    Tok::Char(c)
                }
            }
            0x5B => self.getclass(),
            0x28 => Tok::LParen,
            0x29 => Tok::RParen,
            0x7C => Tok::Alt,
            0x2A => Tok::Star,
            0x2B => Tok::Plus,
            0x3F => Tok::Ques,
            0x5E => Tok::Begin,
            0x24 => Tok::End,
            0x2E => Tok::Dot,
            0 => {
                self.peekc = -1;
                Tok::Newline
            }
            0x0A => Tok::Newline,
            _ => Tok::Char(c),
        }
    }

    /// The class after `[`, as text for `re2class`; a negated one starts
    /// with `^` and excludes newline.
    fn getclass(&mut self) -> Tok {
        let mut q: Vec<u8> = Vec::new();
        let mut c = self.getrec();
        if c == b'^' as u32 {
            q.extend_from_slice(b"^\n-\n");
            c = self.getrec();
        }
        loop {
            if q.len() >= CLASSMAX {
                crate::sub::error("class too long");
            }
            if c == b']' as u32 || c == 0 {
                break;
            }
            if c == b'\\' as u32 {
                q.push(c as u8);
                c = self.getrec();
                if c == 0 {
                    break;
                }
            }
            q.push(c as u8);
            c = self.getrec();
        }
        if c == 0 {
            return Tok::Bad;
        }
        Tok::Class(q)
    }

    /// `yyparse`: parses the pattern from `src` into `topre`.
    pub fn yyparse(&mut self) {
        let mut p = Parser { g: self, la: None, sp: 0 };
        p.prog();
    }
}

/// The parse, with the depth yacc's stack would have (`sp` symbols).
struct Parser<'a> {
    g: &'a mut Grep,
    la: Option<Tok>,
    sp: usize,
}

impl Parser<'_> {
    fn la(&mut self) -> &Tok {
        if self.la.is_none() {
            self.la = Some(self.g.yylex());
        }
        self.la.as_ref().unwrap()
    }

    fn push(&mut self) {
        self.sp += 1;
        if self.sp >= YYMAXDEPTH {
            self.g.yyerror("yacc stack overflow");
        }
    }

    fn shift(&mut self) -> Tok {
        let t = self.la.take().unwrap();
        self.push();
        t
    }

    /// A reduction by a rule of `n` symbols.
    fn reduce(&mut self, n: usize) {
        self.sp -= n;
        self.push();
    }

    fn syntax(&self) -> ! {
        self.g.yyerror("syntax error")
    }

    fn prog(&mut self) {
        let t = self.la();
        if !(t.starts_expr3() || *t == Tok::Star) {
            // The default reduction of `prog: /* empty */`.
            self.g.yyerror("empty pattern");
        }
        let (mut e, mut lit) = self.expr0();
        self.reduce(1); // expr: expr0
        loop {
            if *self.la() != Tok::Newline {
                self.syntax();
            }
            self.shift();
            self.reduce(1); // newlines: LNEWLINE
            while *self.la() == Tok::Newline {
                self.shift();
                self.reduce(2); // newlines: newlines LNEWLINE
            }
            let t = self.la();
            if t.starts_expr3() || *t == Tok::Star {
                let (e2, l2) = self.expr0();
                self.reduce(3); // expr: expr newlines expr0
                e = self.g.re2or(e, e2);
                lit = Lit::or(lit, l2);
                continue;
            }
            break;
        }
        // prog: expr newlines
        self.reduce(2);
        let g = &mut *self.g;
        let end = g.ral(Ty::End);
        let tail = Re2 { beg: end, end };
        let nl1 = g.re2char(0x00, b'\n' as u32 - 1);
        let nl2 = g.re2char(b'\n' as u32 + 1, 0xff);
        let notnl = g.re2or(nl1, nl2);
        let notnl = g.re2star(notnl);
        let tail = g.re2cat(notnl, tail);
        g.cores.push(e.beg);
        let x = g.re2cat(e, tail);
        let any = g.re2char(0x00, 0xff);
        g.wrapper.extend_from_slice(&[nl1.beg, nl2.beg, any.beg]);
        let any = g.re2star(any);
        g.topre = Some(g.re2cat(any, x));
        // The prefilter knows one pattern only.
        g.must = if g.cores.len() == 1 { lit.must } else { Vec::new() };
        if *self.la() != Tok::Eof {
            self.syntax();
        }
    }

    fn expr0(&mut self) -> (Re2, Lit) {
        if *self.la() == Tok::Star {
            self.shift();
            // The mid-rule action, reduced before the next token is read.
            self.reduce(0);
            self.g.literal = true;
            let e = self.expr1();
            self.reduce(3);
            return e;
        }
        let e = self.expr1();
        self.reduce(1);
        e
    }

    fn expr1(&mut self) -> (Re2, Lit) {
        let (mut e, mut lit) = self.expr2();
        self.reduce(1);
        while *self.la() == Tok::Alt {
            self.shift();
            let (e2, l2) = self.expr2();
            self.reduce(3);
            e = self.g.re2or(e, e2);
            lit = Lit::or(lit, l2);
        }
        (e, lit)
    }

    fn expr2(&mut self) -> (Re2, Lit) {
        let (mut e, mut lit) = self.expr3();
        self.reduce(1);
        while self.la().starts_expr3() {
            let (e3, l3) = self.expr3();
            self.reduce(2);
            e = self.g.re2cat(e, e3);
            lit = Lit::cat(lit, l3);
        }
        (e, lit)
    }

    fn expr3(&mut self) -> (Re2, Lit) {
        let (mut e, mut lit) = self.expr4();
        self.reduce(1);
        loop {
            match self.la() {
                Tok::Star => {
                    self.shift();
                    self.reduce(2);
                    e = self.g.re2star(e);
                    lit = Lit::repeat(lit, false);
                }
                Tok::Plus => {
                    self.shift();
                    self.reduce(2);
                    let g = &mut *self.g;
                    let beg = g.ral(Ty::Alt);
                    g.patchnext(e.end, beg);
                    g.res[beg as usize].alt = e.beg;
                    e = Re2 { beg: e.beg, end: beg };
                    lit = Lit::repeat(lit, true);
                }
                Tok::Ques => {
                    self.shift();
                    self.reduce(2);
                    let g = &mut *self.g;
                    let beg = g.ral(Ty::Alt);
                    g.res[beg as usize].alt = e.beg;
                    g.appendnext(e.end, beg);
                    e = Re2 { beg, end: e.end };
                    lit = Lit::repeat(lit, false);
                }
                _ => return (e, lit),
            }
        }
    }

    fn expr4(&mut self) -> (Re2, Lit) {
        let t = self.la().clone();
        match t {
            Tok::Char(c) => {
                self.shift();
                self.reduce(1);
                let r = self.g.ral(Ty::Class);
                self.g.res[r as usize].lo = c;
                self.g.res[r as usize].hi = c;
                (Re2 { beg: r, end: r }, Lit::byte(c as u8))
            }
            Tok::Begin | Tok::End => {
                self.shift();
                self.reduce(1);
                let r = self.g.ral(if t == Tok::Begin { Ty::Begin } else { Ty::End });
                (Re2 { beg: r, end: r }, Lit::empty())
            }
            Tok::Dot => {
                self.shift();
                self.reduce(1);
                (self.g.re2class(b"^\n"), Lit::default())
            }
            Tok::Class(s) => {
                self.shift();
                self.reduce(1);
                (self.g.re2class(&s), Lit::default())
            }
            Tok::LParen => {
                self.shift();
                let e = self.expr1();
                if *self.la() != Tok::RParen {
                    self.syntax();
                }
                self.shift();
                self.reduce(3);
                e
            }
            _ => self.syntax(),
        }
    }
}
