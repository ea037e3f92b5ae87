//! rc's parser: the port of 9front's `sys/src/cmd/rc/syn.y`.
//!
//! 9front generates an LALR(1) parser from syn.y with yacc; this is a
//! hand-written recursive-descent parser for the same grammar. It resolves
//! the grammar's ambiguities as yacc resolves them with syn.y's precedences
//! (lowest first: `if`, `while`, `for`, `switch`, `)`, `not`; `&&`, `||`;
//! `!`, `@` and the prefix redirections and assignments; `|`; `^`; `$`,
//! `$#`, `$"`; the subscript), and it calls the lexer at the moments
//! yacc would, so that the lexer's state (free carets after keywords used as
//! words, the newlines `skipnl` skips after `if(...)`, `for(...)`,
//! `while(...)`, `if not` and `switch word`, the here documents read after
//! each newline that ends a command) is the same. Like yacc's it reports an
//! error at the first token that cannot continue a command, with 9front's
//! message, and it keeps count of the entries yacc's stack would hold, so
//! that what overflows 9front's stack ([`YYMAXDEPTH`]) is refused here with
//! 9front's "yacc stack overflow" too. That also bounds the recursion.
//!
//! As in 9front the input is parsed one command (one line, with what the
//! line continues into) at a time: [`parse_command`] reads the next one,
//! and says when it needs more input (after an open brace, a trailing `\`,
//! an unclosed quote, a pipe at the end of a line, a here document still
//! being read), for an interactive reader that prompts for another line.
//! [`parse_script`] reads a whole script.
//!
//! What differs from 9front:
//!
//! - Errors are returned as [`SyntaxError`] values, not printed.
//! - `rc: line '\n'` returns the tree instead of compiling it; the errors
//!   that 9front's `compile` reports (`if not` without `if`, `case`
//!   missing in `switch`) are the code generator's.
//! - A tree deeper than [`MAX_TREE_DEPTH`] is refused ("too deeply
//!   nested"); see [`crate::tree`].

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::here::readhere1;
use crate::lex::{Kw, Lexer, More, RedirTok, SyntaxError, Tok};
use crate::rc::{RType, YYMAXDEPTH};
use crate::tree::{
    caret, epimung, line3, paren, seq, set_cmd, simplemung, Arg, HereDoc, Node, Tree,
    MAX_TREE_DEPTH,
};

/// What reading one command gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// A command; `None` for an empty one (a blank line, a comment).
    Command(Option<Tree>),
    /// The command had errors and is dropped. As in 9front, the rest of
    /// the line after a syntax error has been skipped.
    Error(Vec<SyntaxError>),
    /// No command: the end of the input (`eof`), or a NUL byte where a
    /// command would start (9front's yacc takes it for the end; a script
    /// stops there, an interactive rc reads on).
    End { eof: bool },
}

/// Where the next command starts: the byte offset, the line, and the
/// lexer's state across commands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// Byte offset of the next command in the input.
    pub pos: usize,
    /// Its line number (the first line is 1).
    pub line: u32,
    eof: bool,
    epos: usize,
    prolog: bool,
    block: bool,
}

impl Default for Cursor {
    fn default() -> Self {
        Cursor::new()
    }
}

impl Cursor {
    /// The start of an input read a command at a time.
    pub fn new() -> Cursor {
        Cursor {
            pos: 0,
            line: 1,
            eof: false,
            epos: 0,
            prolog: false,
            block: false,
        }
    }

    /// The start of an input read as one block, as `. -b` reads a file:
    /// as if it were `{` input `}` and a newline.
    pub fn block() -> Cursor {
        Cursor {
            pos: 0,
            line: 1,
            eof: false,
            epos: 0,
            prolog: true,
            block: true,
        }
    }

    /// Has the lexer seen the end of the input?
    pub fn at_eof(&self) -> bool {
        self.eof
    }
}

/// Reads the next command from `input`, starting at `cursor`, and moves
/// the cursor past it. `complete` says that `input` is all there is; when
/// it is false and the command runs past the end of `input`, the result is
/// `None` and the cursor is left as it was: call again with more input.
pub fn parse_command(input: &[u8], cursor: &mut Cursor, complete: bool) -> Option<Step> {
    let lex = Lexer::new(
        input,
        cursor.pos,
        complete,
        cursor.line,
        cursor.eof,
        cursor.block,
        cursor.prolog,
        cursor.epos,
    );
    let mut p = Parser {
        lex,
        la: None,
        queue: Vec::new(),
        bodies: Vec::new(),
    };
    let r = p.rc();
    let step = match r {
        Err(Abort::More) => return None,
        Err(Abort::Fail) => Step::Error(core::mem::take(&mut p.lex.errors)),
        Ok(_) if !p.lex.errors.is_empty() => Step::Error(core::mem::take(&mut p.lex.errors)),
        Ok(None) => Step::End { eof: p.lex.eof },
        Ok(Some(mut t)) => {
            if let Some(t) = &mut t {
                fill_here(t, &mut p.bodies);
            }
            Step::Command(t.map(|t| *t))
        }
    };
    cursor.pos = p.lex.pos;
    cursor.line = p.lex.line;
    cursor.eof = p.lex.eof;
    cursor.epos = p.lex.epos;
    cursor.prolog = false;
    Some(step)
}

/// Parses a whole script, a command at a time as rc reads a file, and
/// returns its commands (empty ones left out). Like rc, it stops at the
/// first command with an error, and at a NUL byte where a command would
/// start.
pub fn parse_script(input: &[u8]) -> Result<Vec<Tree>, SyntaxError> {
    parse_from(input, Cursor::new())
}

/// Parses a whole script read as one block (`. -b`): the result is at
/// most one brace command.
pub fn parse_block(input: &[u8]) -> Result<Vec<Tree>, SyntaxError> {
    parse_from(input, Cursor::block())
}

fn parse_from(input: &[u8], mut cur: Cursor) -> Result<Vec<Tree>, SyntaxError> {
    let mut v = Vec::new();
    loop {
        match parse_command(input, &mut cur, true) {
            Some(Step::Command(Some(t))) => v.push(t),
            Some(Step::Command(None)) => {}
            Some(Step::Error(mut e)) => return Err(e.swap_remove(0)),
            Some(Step::End { .. }) | None => return Ok(v),
        }
    }
}

/// An incremental reader for an interactive rc: feed it input as it
/// arrives and take commands out.
#[derive(Clone, Debug, Default)]
pub struct Reader {
    buf: Vec<u8>,
    cur: Cursor,
    complete: bool,
}

impl Reader {
    /// A reader of commands one at a time.
    pub fn new() -> Reader {
        Reader {
            buf: Vec::new(),
            cur: Cursor::new(),
            complete: false,
        }
    }

    /// A reader of one block (see [`Cursor::block`]).
    pub fn new_block() -> Reader {
        Reader {
            buf: Vec::new(),
            cur: Cursor::block(),
            complete: false,
        }
    }

    /// Adds input.
    pub fn push(&mut self, input: &[u8]) {
        self.buf.extend_from_slice(input);
    }

    /// Says that no more input will come.
    pub fn finish(&mut self) {
        self.complete = true;
    }

    /// The next command, or `None` when more input is needed (the
    /// interactive rc then prompts with its second prompt).
    pub fn next_step(&mut self) -> Option<Step> {
        let s = parse_command(&self.buf, &mut self.cur, self.complete)?;
        self.buf.drain(..self.cur.pos);
        self.cur.pos = 0;
        Some(s)
    }

    /// Is a command partly read? True when input is buffered that has not
    /// made a command yet.
    pub fn pending(&self) -> bool {
        !self.buf.is_empty()
    }

    /// The line the next command starts on.
    pub fn line(&self) -> u32 {
        self.cur.line
    }
}

fn fill_here(t: &mut Tree, bodies: &mut [Option<Vec<u8>>]) {
    if let Node::Redir { here: Some(h), .. } = &mut t.node {
        if let Some(b) = bodies.get_mut(h.seq) {
            h.body = b.take();
        }
    }
    for c in t.children_mut() {
        fill_here(c, bodies);
    }
}

enum Abort {
    /// The input ran out.
    More,
    /// yacc gave up (the error is recorded).
    Fail,
}

impl From<More> for Abort {
    fn from(_: More) -> Abort {
        Abort::More
    }
}

type P<T> = Result<T, Abort>;

/// The lookahead's kind.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum K {
    Eof,
    Word,
    Kw(Kw),
    Redir,
    Dup,
    Pipe,
    Sub,
    AndAnd,
    OrOr,
    Dollar,
    Count,
    Quote,
    Ch(u8),
}

/// Precedence levels of the operators after a command (syn.y's order).
const LOW: u8 = 2; // `&&`, `||`; the bodies of `if`, `for`, `while` take them
const PIPE: u8 = 4; // `|`; the operands of `!`, `@`, redirections, assignments take it

fn is_word_start(k: K) -> bool {
    matches!(
        k,
        K::Word | K::Kw(_) | K::Dollar | K::Quote | K::Count | K::Redir | K::Ch(b'`') | K::Ch(b'(')
    )
}

struct Parser<'a> {
    lex: Lexer<'a>,
    la: Option<Tok>,
    /// Here documents waiting for the next newline: (sequence, tag).
    queue: Vec<(usize, Vec<u8>)>,
    bodies: Vec<Option<Vec<u8>>>,
}

impl<'a> Parser<'a> {
    #[inline(never)]
    fn kind(&mut self) -> P<K> {
        if self.la.is_none() {
            let t = self.lex.yylex()?;
            self.la = Some(t);
        }
        Ok(match self.la.as_ref() {
            Some(Tok::Eof) | None => K::Eof,
            Some(Tok::Word(_)) => K::Word,
            Some(Tok::Kw(k, _, _)) => K::Kw(*k),
            Some(Tok::Redir(_)) => K::Redir,
            Some(Tok::Dup(_)) => K::Dup,
            Some(Tok::Pipe(_)) => K::Pipe,
            Some(Tok::Sub) => K::Sub,
            Some(Tok::AndAnd) => K::AndAnd,
            Some(Tok::OrOr) => K::OrOr,
            Some(Tok::Dollar) => K::Dollar,
            Some(Tok::Count) => K::Count,
            Some(Tok::Quote) => K::Quote,
            Some(Tok::Char(c)) => K::Ch(*c),
        })
    }

    /// A push onto yacc's stack, which then holds `size` entries.
    #[inline(never)]
    fn push(&mut self, size: usize) -> P<()> {
        if size > YYMAXDEPTH {
            return Err(self.fail("yacc stack overflow"));
        }
        Ok(())
    }

    /// Shifts the lookahead onto yacc's stack, which then holds `size`
    /// entries.
    #[inline(never)]
    fn shift(&mut self, size: usize) -> P<Tok> {
        self.push(size)?;
        Ok(self.la.take().expect("shift without lookahead"))
    }

    /// Shifts the lookahead if it is `c`; a syntax error otherwise.
    #[inline(never)]
    fn expect(&mut self, c: u8, size: usize) -> P<Tok> {
        if self.kind()? != K::Ch(c) {
            return Err(self.syntax());
        }
        self.shift(size)
    }

    #[inline(never)]
    fn fail(&mut self, msg: &'static str) -> Abort {
        match self.lex.yyerror(msg) {
            Ok(()) => Abort::Fail,
            Err(More) => Abort::More,
        }
    }

    #[inline(never)]
    fn syntax(&mut self) -> Abort {
        self.fail("syntax error")
    }

    /// A new node, refused when too deep.
    #[inline(never)]
    fn mk(&mut self, line: u32, node: Node) -> P<Box<Tree>> {
        self.check(Box::new(Tree::new(line, node)))
    }

    #[inline(never)]
    fn check(&mut self, t: Box<Tree>) -> P<Box<Tree>> {
        if t.depth() > MAX_TREE_DEPTH {
            return Err(self.fail("too deeply nested"));
        }
        Ok(t)
    }

    #[inline(never)]
    fn skipnl(&mut self) -> P<()> {
        self.lex.skipnl()?;
        Ok(())
    }

    /// here.c's `readhere`: read the queued here documents.
    #[inline(never)]
    fn readhere(&mut self) -> P<()> {
        let q = core::mem::take(&mut self.queue);
        for (seq, tag) in q {
            let b = readhere1(&mut self.lex, &tag)?;
            self.bodies[seq] = b;
        }
        Ok(())
    }

    /// `rc: | line '\n'`. `None` when yacc would return 1 at once (the
    /// end of input); otherwise the command.
    fn rc(&mut self) -> P<Option<Option<Box<Tree>>>> {
        if self.kind()? == K::Eof {
            return Ok(None);
        }
        // line: cmd | cmdsa line
        let mut items: Vec<Option<Box<Tree>>> = Vec::new();
        let mut k = 0;
        loop {
            let c = self.cmd(1 + k, 0)?;
            match self.kind()? {
                K::Ch(b';') => {
                    self.shift(1 + k + 2)?;
                    items.push(c);
                }
                K::Ch(b'&') => {
                    self.shift(1 + k + 2)?;
                    let a = self.async_(c)?;
                    items.push(Some(a));
                }
                K::Ch(b'\n') => {
                    items.push(c);
                    break;
                }
                _ => return Err(self.syntax()),
            }
            k += 1;
        }
        self.shift(3)?;
        self.readhere()?;
        Ok(Some(self.fold(items)?))
    }

    #[inline(never)]
    fn async_(&mut self, c: Option<Box<Tree>>) -> P<Box<Tree>> {
        let line = line3(&[c.as_deref()], self.lex.line);
        self.mk(line, Node::Async(c))
    }

    /// The `';'` nodes of a list of commands, nested to the right.
    #[inline(never)]
    fn fold(&mut self, items: Vec<Option<Box<Tree>>>) -> P<Option<Box<Tree>>> {
        let mut acc: Option<Box<Tree>> = None;
        for c in items.into_iter().rev() {
            acc = seq(c, acc);
            if let Some(t) = acc {
                acc = Some(self.check(t)?);
            }
        }
        Ok(acc)
    }

    /// `body: cmd | cmdsan body`, with yacc's stack holding `d` entries
    /// before it.
    #[inline(never)]
    fn body(&mut self, d: usize) -> P<Option<Box<Tree>>> {
        let mut items: Vec<Option<Box<Tree>>> = Vec::new();
        let mut k = 0;
        loop {
            let c = self.cmd(d + k, 0)?;
            match self.kind()? {
                K::Ch(b';') => {
                    self.shift(d + k + 2)?;
                    items.push(c);
                }
                K::Ch(b'&') => {
                    self.shift(d + k + 2)?;
                    let a = self.async_(c)?;
                    items.push(Some(a));
                }
                K::Ch(b'\n') => {
                    self.shift(d + k + 2)?;
                    items.push(c);
                    self.readhere()?;
                }
                _ => {
                    items.push(c);
                    break;
                }
            }
            k += 1;
        }
        self.fold(items)
    }

    /// `brace: '{' body '}'`.
    #[inline(never)]
    fn brace(&mut self, d: usize) -> P<Box<Tree>> {
        self.expect(b'{', d + 1)?;
        let b = self.body(d + 1)?;
        self.expect(b'}', d + 3)?;
        let line = line3(&[b.as_deref()], self.lex.line);
        self.mk(line, Node::Brace(b))
    }

    /// `paren: '(' body ')'` (a `PCMD`).
    #[inline(never)]
    fn pcmd(&mut self, d: usize) -> P<Box<Tree>> {
        self.expect(b'(', d + 1)?;
        let b = self.body(d + 1)?;
        self.expect(b')', d + 3)?;
        let line = line3(&[b.as_deref()], self.lex.line);
        self.mk(line, Node::Pcmd(b))
    }

    /// A command whose operators bind at least as tightly as `min`.
    #[inline(never)]
    fn cmd(&mut self, d: usize, min: u8) -> P<Option<Box<Tree>>> {
        let mut left = self.primary(d)?;
        loop {
            let lvl = match self.kind()? {
                K::AndAnd | K::OrOr => LOW,
                K::Pipe => PIPE,
                _ => break,
            };
            if lvl < min {
                break;
            }
            let op = self.shift(d + 2)?;
            let right = self.cmd(d + 2, lvl + 1)?;
            let t = match op {
                Tok::AndAnd | Tok::OrOr => {
                    let line = line3(&[left.as_deref(), right.as_deref()], self.lex.line);
                    let (l, r) = (left, right);
                    let n = if op == Tok::AndAnd {
                        Node::AndAnd(l, r)
                    } else {
                        Node::OrOr(l, r)
                    };
                    self.mk(line, n)?
                }
                Tok::Pipe(p) => self.mk(
                    p.line,
                    Node::Pipe {
                        fd0: p.fd0,
                        fd1: p.fd1,
                        left,
                        right,
                    },
                )?,
                _ => unreachable!(),
            };
            left = Some(t);
        }
        Ok(left)
    }

    /// One command without the binary operators after it (the operands
    /// of prefix forms take theirs). Each form has a function of its own
    /// to keep the frames on the recursive path small.
    #[inline(never)]
    fn primary(&mut self, d: usize) -> P<Option<Box<Tree>>> {
        let k = self.kind()?;
        let t = match k {
            K::Ch(b'{') => self.brace_cmd(d)?,
            K::Kw(Kw::If) => self.if_cmd(d)?,
            K::Kw(Kw::For) => self.for_cmd(d)?,
            K::Kw(Kw::While) => self.while_cmd(d)?,
            K::Kw(Kw::Switch) => self.switch_cmd(d)?,
            K::Kw(Kw::Twiddle) => self.twiddle_cmd(d)?,
            K::Kw(Kw::Bang) | K::Kw(Kw::Subshell) => self.bang_cmd(d, k == K::Kw(Kw::Bang))?,
            K::Kw(Kw::Fn) => self.fn_cmd(d)?,
            K::Redir => self.redir_cmd(d)?,
            K::Dup => self.dup_cmd(d)?,
            K::Word | K::Dollar | K::Quote | K::Count | K::Ch(b'`') | K::Ch(b'(') => {
                self.simple(d, None)?
            }
            _ => {
                // cmd: (empty)
                self.push(d + 1)?;
                return Ok(None);
            }
        };
        Ok(Some(t))
    }

    /// `cmd: brace epilog`.
    #[inline(never)]
    fn brace_cmd(&mut self, d: usize) -> P<Box<Tree>> {
        let b = self.brace(d)?;
        let epi = self.epilog(d + 1)?;
        let t = epimung(b, epi);
        self.check(t)
    }

    /// `cmd: IF paren cmd | IF NOT cmd`.
    #[inline(never)]
    fn if_cmd(&mut self, d: usize) -> P<Box<Tree>> {
        let line = self.kwline(d + 1)?;
        match self.kind()? {
            K::Ch(b'(') => {
                let p = self.pcmd(d + 1)?;
                self.skipnl()?;
                self.push(d + 3)?;
                let c = self.cmd(d + 3, LOW)?;
                self.mk(line, Node::If(p, c))
            }
            K::Kw(Kw::Not) => {
                let nline = self.kwline(d + 2)?;
                self.skipnl()?;
                self.push(d + 3)?;
                let c = self.cmd(d + 3, LOW)?;
                self.mk(nline, Node::IfNot(c))
            }
            _ => Err(self.syntax()),
        }
    }

    /// `cmd: FOR '(' word IN words ')' cmd | FOR '(' word ')' cmd`.
    #[inline(never)]
    fn for_cmd(&mut self, d: usize) -> P<Box<Tree>> {
        let line = self.kwline(d + 1)?;
        self.expect(b'(', d + 2)?;
        let var = self.word(d + 2)?;
        let (list, body) = match self.kind()? {
            K::Kw(Kw::In) => {
                self.shift(d + 4)?;
                let l = self.words(d + 4)?;
                self.expect(b')', d + 6)?;
                self.skipnl()?;
                self.push(d + 7)?;
                let c = self.cmd(d + 7, LOW)?;
                // for(i in) loops over nothing: 9front puts an empty
                // list there to tell it from for(i).
                let l = if l.is_empty() {
                    alloc::vec![*self.mk(self.lex.line, Node::Paren(Vec::new()))?]
                } else {
                    l
                };
                (Some(l), c)
            }
            K::Ch(b')') => {
                self.shift(d + 4)?;
                self.skipnl()?;
                self.push(d + 5)?;
                (None, self.cmd(d + 5, LOW)?)
            }
            _ => return Err(self.syntax()),
        };
        self.mk(line, Node::For { var, list, body })
    }

    /// `cmd: WHILE paren cmd`.
    #[inline(never)]
    fn while_cmd(&mut self, d: usize) -> P<Box<Tree>> {
        let line = self.kwline(d + 1)?;
        if self.kind()? != K::Ch(b'(') {
            return Err(self.syntax());
        }
        let p = self.pcmd(d + 1)?;
        self.skipnl()?;
        self.push(d + 3)?;
        let c = self.cmd(d + 3, LOW)?;
        self.mk(line, Node::While(p, c))
    }

    /// `cmd: SWITCH word brace`. As with 9front's yacc, whose default
    /// reduction runs the `skipnl` after the word whatever follows, the
    /// newlines after the token that follows the word are skipped before
    /// the brace is looked for.
    #[inline(never)]
    fn switch_cmd(&mut self, d: usize) -> P<Box<Tree>> {
        self.shift(d + 1)?;
        let w = self.word(d + 1)?;
        self.skipnl()?;
        self.push(d + 3)?;
        if self.kind()? != K::Ch(b'{') {
            return Err(self.syntax());
        }
        let b = self.brace(d + 3)?;
        let line = w.line;
        self.mk(line, Node::Switch(w, b))
    }

    /// `cmd: TWIDDLE word words`.
    #[inline(never)]
    fn twiddle_cmd(&mut self, d: usize) -> P<Box<Tree>> {
        let line = self.kwline(d + 1)?;
        let w = self.word(d + 1)?;
        let l = self.words(d + 2)?;
        self.mk(line, Node::Twiddle(w, l))
    }

    /// `cmd: BANG cmd | SUBSHELL cmd`.
    #[inline(never)]
    fn bang_cmd(&mut self, d: usize, bang: bool) -> P<Box<Tree>> {
        let line = self.kwline(d + 1)?;
        let c = self.cmd(d + 1, PIPE)?;
        self.mk(
            line,
            if bang {
                Node::Bang(c)
            } else {
                Node::Subshell(c)
            },
        )
    }

    /// `cmd: FN words brace | FN words`.
    #[inline(never)]
    fn fn_cmd(&mut self, d: usize) -> P<Box<Tree>> {
        self.shift(d + 1)?;
        let l = self.words(d + 1)?;
        let b = if self.kind()? == K::Ch(b'{') {
            Some(self.brace(d + 2)?)
        } else {
            None
        };
        let line = line3(&[l.first(), b.as_deref()], self.lex.line);
        self.mk(line, Node::Fn(l, b))
    }

    /// `cmd: redir cmd` for `REDIR word`, or a simple command whose first
    /// word is `REDIR brace`.
    #[inline(never)]
    fn redir_cmd(&mut self, d: usize) -> P<Box<Tree>> {
        let t = self.redirtok(d + 1)?;
        if self.kind()? == K::Ch(b'{') {
            let b = self.brace(d + 1)?;
            let pf = self.mk(
                t.line,
                Node::PipeFd {
                    rtype: t.rtype,
                    fd0: t.fd0,
                    cmd: b,
                },
            )?;
            return self.simple(d, Some(pf));
        }
        let w = self.word(d + 1)?;
        let r = self.mkredir(t, w)?;
        let c = self.cmd(d + 1, PIPE)?;
        let t = set_cmd(r, c);
        self.check(t)
    }

    /// `cmd: redir cmd` for `DUP`.
    #[inline(never)]
    fn dup_cmd(&mut self, d: usize) -> P<Box<Tree>> {
        let r = self.dup(d + 1)?;
        let c = self.cmd(d + 1, PIPE)?;
        let t = set_cmd(r, c);
        self.check(t)
    }

    /// Shifts a keyword and returns its line.
    #[inline(never)]
    fn kwline(&mut self, size: usize) -> P<u32> {
        match self.shift(size)? {
            Tok::Kw(_, _, line) => Ok(line),
            _ => unreachable!(),
        }
    }

    #[inline(never)]
    fn redirtok(&mut self, size: usize) -> P<RedirTok> {
        match self.shift(size)? {
            Tok::Redir(t) | Tok::Dup(t) => Ok(t),
            _ => unreachable!(),
        }
    }

    /// `redir: DUP`.
    #[inline(never)]
    fn dup(&mut self, size: usize) -> P<Box<Tree>> {
        let t = self.redirtok(size)?;
        self.mk(
            t.line,
            Node::Dup {
                rtype: t.rtype,
                fd0: t.fd0,
                fd1: t.fd1,
                cmd: None,
            },
        )
    }

    /// `redir: REDIR word`, with here.c's `heredoc` for `<<`.
    #[inline(never)]
    fn mkredir(&mut self, t: RedirTok, w: Box<Tree>) -> P<Box<Tree>> {
        let mut here = None;
        if t.rtype == RType::Here {
            match &w.node {
                Node::Word { text, .. } => {
                    let seq = self.bodies.len();
                    self.bodies.push(None);
                    self.queue.push((seq, text.clone()));
                    here = Some(HereDoc { body: None, seq });
                }
                _ => self.lex.yyerror("Bad here tag")?,
            }
        }
        self.mk(
            t.line,
            Node::Redir {
                rtype: t.rtype,
                fd0: t.fd0,
                target: w,
                cmd: None,
                here,
            },
        )
    }

    /// `epilog: | redir epilog`, after a brace at entry `d`.
    #[inline(never)]
    #[allow(clippy::vec_box)]
    fn epilog(&mut self, d: usize) -> P<Vec<Box<Tree>>> {
        let mut v = Vec::new();
        loop {
            match self.kind()? {
                K::Redir => {
                    let t = self.redirtok(d + v.len() + 1)?;
                    let w = self.word(d + v.len() + 1)?;
                    let r = self.mkredir(t, w)?;
                    v.push(r);
                }
                K::Dup => {
                    let r = self.dup(d + v.len() + 1)?;
                    v.push(r);
                }
                _ => break,
            }
        }
        self.push(d + v.len() + 1)?;
        Ok(v)
    }

    /// `simple`, or `assign cmd`: a command that starts with a word
    /// (`first`); `lead` is its first `comword` when already read.
    #[inline(never)]
    fn simple(&mut self, d: usize, lead: Option<Box<Tree>>) -> P<Box<Tree>> {
        // first: comword | first '^' word
        let first = match lead {
            Some(t) => t,
            None => self.comword(d)?,
        };
        let first = self.word_rest(d, first)?;
        if self.kind()? == K::Ch(b'=') {
            // assign: first '=' word; cmd: assign cmd
            self.shift(d + 2)?;
            let value = self.word(d + 2)?;
            let c = self.cmd(d + 1, PIPE)?;
            let line = first.line;
            return self.mk(
                line,
                Node::Assign {
                    name: first,
                    value,
                    cmd: c,
                },
            );
        }
        let mut args = alloc::vec![Arg::Word(first)];
        loop {
            match self.kind()? {
                K::Redir => {
                    let t = self.redirtok(d + 2)?;
                    if self.kind()? == K::Ch(b'{') {
                        let b = self.brace(d + 2)?;
                        let pf = self.mk(
                            t.line,
                            Node::PipeFd {
                                rtype: t.rtype,
                                fd0: t.fd0,
                                cmd: b,
                            },
                        )?;
                        let w = self.word_rest(d + 1, pf)?;
                        args.push(Arg::Word(w));
                    } else {
                        let w = self.word(d + 2)?;
                        let r = self.mkredir(t, w)?;
                        args.push(Arg::Redir(r));
                    }
                }
                K::Dup => {
                    let r = self.dup(d + 2)?;
                    args.push(Arg::Redir(r));
                }
                k if is_word_start(k) => {
                    let w = self.word(d + 1)?;
                    args.push(Arg::Word(w));
                }
                _ => break,
            }
        }
        let t = simplemung(args);
        self.check(t)
    }

    /// `words: | words word`.
    #[inline(never)]
    fn words(&mut self, d: usize) -> P<Vec<Tree>> {
        self.push(d + 1)?;
        let mut v = Vec::new();
        while is_word_start(self.kind()?) {
            v.push(*self.word(d + 1)?);
        }
        Ok(v)
    }

    /// `word: keyword | comword | word '^' word`.
    #[inline(never)]
    fn word(&mut self, d: usize) -> P<Box<Tree>> {
        let t = self.word1(d)?;
        self.word_rest(d, t)
    }

    /// The carets after the first part of a word at entry `d + 1`.
    #[inline(never)]
    fn word_rest(&mut self, d: usize, mut t: Box<Tree>) -> P<Box<Tree>> {
        while self.kind()? == K::Ch(b'^') {
            self.shift(d + 2)?;
            let r = self.word1(d + 2)?;
            t = caret(t, r);
            t = self.check(t)?;
        }
        Ok(t)
    }

    /// A keyword or a `comword`: a word without carets.
    #[inline(never)]
    fn word1(&mut self, d: usize) -> P<Box<Tree>> {
        if let K::Kw(_) = self.kind()? {
            // word: keyword, which makes the lexer treat it as a word.
            match self.shift(d + 1)? {
                Tok::Kw(_, name, line) => {
                    self.lex.lastword = true;
                    return Ok(Box::new(Tree::word(line, &name, false)));
                }
                _ => unreachable!(),
            }
        }
        self.comword(d)
    }

    #[inline(never)]
    fn comword(&mut self, d: usize) -> P<Box<Tree>> {
        match self.kind()? {
            K::Dollar => self.dollar(d),
            K::Quote => self.quote_count(d, true),
            K::Count => self.quote_count(d, false),
            K::Word => match self.shift(d + 1)? {
                Tok::Word(t) => Ok(t),
                _ => unreachable!(),
            },
            K::Ch(b'`') => self.backquote(d),
            K::Ch(b'(') => self.list(d),
            K::Redir => self.pipefd(d),
            _ => Err(self.syntax()),
        }
    }

    /// `comword: '$' word | '$' word SUB words ')'`.
    #[inline(never)]
    fn dollar(&mut self, d: usize) -> P<Box<Tree>> {
        self.shift(d + 1)?;
        let w = self.word1(d + 1)?;
        let line = w.line;
        if self.kind()? == K::Sub {
            self.shift(d + 3)?;
            let l = self.words(d + 3)?;
            self.expect(b')', d + 5)?;
            return self.mk(line, Node::Sub(w, l));
        }
        self.mk(line, Node::Dollar(w))
    }

    /// `comword: '"' word | COUNT word`.
    #[inline(never)]
    fn quote_count(&mut self, d: usize, quote: bool) -> P<Box<Tree>> {
        self.shift(d + 1)?;
        let w = self.word1(d + 1)?;
        let line = w.line;
        self.mk(
            line,
            if quote {
                Node::Quote(w)
            } else {
                Node::Count(w)
            },
        )
    }

    /// `` comword: '`' brace | '`' word brace ``.
    #[inline(never)]
    fn backquote(&mut self, d: usize) -> P<Box<Tree>> {
        self.shift(d + 1)?;
        if self.kind()? == K::Ch(b'{') {
            let b = self.brace(d + 1)?;
            let line = b.line;
            return self.mk(line, Node::Backquote(None, b));
        }
        let w = self.word(d + 1)?;
        if self.kind()? != K::Ch(b'{') {
            return Err(self.syntax());
        }
        let b = self.brace(d + 2)?;
        let line = w.line;
        self.mk(line, Node::Backquote(Some(w), b))
    }

    /// `comword: '(' words ')'`.
    #[inline(never)]
    fn list(&mut self, d: usize) -> P<Box<Tree>> {
        self.shift(d + 1)?;
        let l = self.words(d + 1)?;
        self.expect(b')', d + 3)?;
        let t = paren(l, self.lex.line);
        self.check(t)
    }

    /// `comword: REDIR brace`.
    #[inline(never)]
    fn pipefd(&mut self, d: usize) -> P<Box<Tree>> {
        let t = self.redirtok(d + 1)?;
        if self.kind()? != K::Ch(b'{') {
            return Err(self.syntax());
        }
        let b = self.brace(d + 1)?;
        self.mk(
            t.line,
            Node::PipeFd {
                rtype: t.rtype,
                fd0: t.fd0,
                cmd: b,
            },
        )
    }
}
