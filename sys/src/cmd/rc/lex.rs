//! rc's lexer: the port of 9front's `sys/src/cmd/rc/lex.c`, with the
//! keyword table of `var.c` (`kinit`, `klook`).
//!
//! The rules are 9front's, character for character: words end at
//! `\n \t#;&|^$=`'{}()<>`; after `$`, `$#` and `$"` a name ends at the
//! first byte that is not an identifier byte; `\` before a newline (outside
//! quotes and comments) is a space; after a word, a `(` with nothing
//! between is the subscript token and the start of another word is
//! preceded by a free `^`; `&&`, `||` and `|` skip the newlines after them;
//! the redirection tokens (`<`, `<<`, `<>`, `>`, `>>`, `|` with `[n]`,
//! `[n=m]`, `[n=]`) are lexed with 9front's checks and messages.
//!
//! What differs from 9front:
//!
//! - The lexer reads from a byte slice. When the slice is used up and the
//!   caller has said more input may follow, reading stops with [`More`]
//!   and the parser gives up the command, to be parsed again from its start
//!   once more input is there (see [`crate::syn::parse_command`]).
//! - `yyerror` records a [`SyntaxError`] instead of printing it; like
//!   9front's, it then skips the rest of the input line. The status string
//!   it sets and the prompt and `-v` echo that `getnext` does belong to the
//!   interpreter.
//! - The token buffer is a vector; 9front's limit ([`NTOK`]) and its error
//!   are kept.

use alloc::vec::Vec;

use crate::io::pwrd;
use crate::rc::{onebyte, threebyte, twobyte, xbyte, RType, GLOB, NTOK};
use crate::tree::Tree;

/// End of input, as lex.c's `EOF`.
pub const EOF: i32 = -1;

/// Reading stopped at the end of the input given so far: the caller must
/// supply more (or say that there is none) and parse again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct More;

pub(crate) type Lx<T> = Result<T, More>;

/// A message of rc's `yyerror`: an error found while reading a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// The line the lexer was on.
    pub line: u32,
    /// The text of the last token read, when 9front prints it: it is
    /// non-empty and does not start with a newline.
    pub token: Option<Vec<u8>>,
    /// What went wrong: `syntax error`, `yacc stack overflow`,
    /// `redirection syntax`, `pipe syntax`, `token buffer too short`,
    /// `Bad here tag`, `NUL bytes in here doc`, or planten's
    /// `too deeply nested` (see [`crate::tree::MAX_TREE_DEPTH`]).
    pub msg: &'static str,
}

impl SyntaxError {
    /// The message as 9front's rc prints it (without the final newline),
    /// for input read from `file`: `file:line: token 'x': msg`. With no
    /// file the line is left out and the message starts with `argv0`, as
    /// rc's `pfln` does.
    pub fn message(&self, file: Option<&[u8]>, argv0: &[u8]) -> Vec<u8> {
        let mut m = Vec::new();
        match file {
            Some(f) if self.line != 0 => {
                m.extend_from_slice(f);
                m.push(b':');
                m.extend_from_slice(alloc::format!("{}", self.line).as_bytes());
            }
            Some(f) => m.extend_from_slice(f),
            None => m.extend_from_slice(argv0),
        }
        m.extend_from_slice(b": ");
        if let Some(t) = &self.token {
            m.extend_from_slice(b"token ");
            pwrd(&mut m, t);
            m.extend_from_slice(b": ");
        }
        m.extend_from_slice(self.msg.as_bytes());
        m
    }
}

impl core::fmt::Display for SyntaxError {
    /// The message with `rc` in the place of the file name.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let m = self.message(Some(b"rc"), b"rc");
        f.write_str(&alloc::string::String::from_utf8_lossy(&m))
    }
}

/// lex.c's `wordchr`: can `c` be part of a word?
pub fn wordchr(c: i32) -> bool {
    c != EOF && c != 0 && !b"\n \t#;&|^$=`'{}()<>".contains(&(c as u8))
}

/// lex.c's `idchr`: can `c` be part of a variable name after `$`?
pub fn idchr(c: i32) -> bool {
    c > b' ' as i32 && !b"!\"#$%&'()+,-./:;<=>?@[\\]^`{|}~".contains(&(c as u8))
}

/// The keywords of var.c's `kinit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kw {
    For,
    In,
    While,
    If,
    Not,
    Twiddle,
    Bang,
    Subshell,
    Switch,
    Fn,
}

/// var.c's `klook`: is `name` a keyword?
fn klook(name: &[u8]) -> Option<Kw> {
    Some(match name {
        b"for" => Kw::For,
        b"in" => Kw::In,
        b"while" => Kw::While,
        b"if" => Kw::If,
        b"not" => Kw::Not,
        b"~" => Kw::Twiddle,
        b"!" => Kw::Bang,
        b"@" => Kw::Subshell,
        b"switch" => Kw::Switch,
        b"fn" => Kw::Fn,
        _ => return None,
    })
}

/// A redirection or pipe token's fields, as lex.c fills them in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RedirTok {
    pub rtype: RType,
    pub fd0: i32,
    pub fd1: i32,
    pub line: u32,
}

/// A token (yacc's token number with `yylval`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    /// End of input, a NUL byte (which yacc takes for the end), or the
    /// end 9front's lexer returns after a redirection syntax error.
    Eof,
    /// `WORD`, with its node.
    Word(alloc::boxed::Box<Tree>),
    /// A keyword, with its name and line.
    Kw(Kw, Vec<u8>, u32),
    /// `REDIR`.
    Redir(RedirTok),
    /// `DUP`.
    Dup(RedirTok),
    /// `PIPE` (`fd0`, `fd1` as in [`crate::tree::Node::Pipe`]).
    Pipe(RedirTok),
    /// `SUB`: a `(` right after a word.
    Sub,
    AndAnd,
    OrOr,
    /// `$`
    Dollar,
    /// `$#`
    Count,
    /// `$"`
    Quote,
    /// One of `\n ; & ^ = ` { } ( )`.
    Char(u8),
}

/// The lexer's state (rc.h's `struct lexer`) over one input buffer.
#[derive(Clone)]
pub(crate) struct Lexer<'a> {
    input: &'a [u8],
    pub pos: usize,
    /// No input follows `input`.
    complete: bool,
    pub eof: bool,
    epilog: &'static [u8],
    pub epos: usize,
    pub peekc: i32,
    future: i32,
    lastc: i32,
    inquote: bool,
    incomm: bool,
    pub lastword: bool,
    lastdol: bool,
    pub line: u32,
    pub tok: Vec<u8>,
    pub errors: Vec<SyntaxError>,
}

impl<'a> Lexer<'a> {
    /// A lexer at byte `pos` of `input`, on line `line`. `complete` says
    /// that no input follows. In block mode the input is read as if it
    /// were `{input}` followed by a newline (9front's `peekc` and
    /// `epilog`, used by `. -b`); `prolog` says whether the opening brace
    /// is still to come and `epos` how much of the epilog has been read.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        input: &'a [u8],
        pos: usize,
        complete: bool,
        line: u32,
        eof: bool,
        block: bool,
        prolog: bool,
        epos: usize,
    ) -> Lexer<'a> {
        Lexer {
            input,
            pos,
            complete,
            eof,
            epilog: if block { b"}\n" } else { b"" },
            epos,
            peekc: if prolog { b'{' as i32 } else { EOF },
            future: EOF,
            lastc: 0,
            inquote: false,
            incomm: false,
            lastword: false,
            lastdol: false,
            line,
            tok: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// io.c's `rchr`: the next byte of input, uninterpreted.
    pub fn rchr(&mut self) -> Lx<i32> {
        if self.pos < self.input.len() {
            let c = self.input[self.pos];
            self.pos += 1;
            Ok(c as i32)
        } else if self.complete {
            Ok(EOF)
        } else {
            Err(More)
        }
    }

    /// lex.c's `getnext`: the next character, with `\`-newline turned
    /// into a space and the epilog after the end of input.
    fn getnext(&mut self) -> Lx<i32> {
        if self.peekc != EOF {
            let c = self.peekc;
            self.peekc = EOF;
            return Ok(c);
        }
        if !self.eof {
            let mut c = self.rchr()?;
            if c == b'\\' as i32 && !self.inquote {
                c = self.rchr()?;
                if c == b'\n' as i32 && !self.incomm {
                    c = b' ' as i32;
                } else {
                    self.peekc = c;
                    c = b'\\' as i32;
                }
            }
            if c != EOF {
                return Ok(c);
            }
            self.eof = true;
        }
        if self.epos < self.epilog.len() {
            self.epos += 1;
            return Ok(self.epilog[self.epos - 1] as i32);
        }
        Ok(EOF)
    }

    /// lex.c's `nextc`: look at the next character.
    fn nextc(&mut self) -> Lx<i32> {
        if self.future == EOF {
            self.future = self.getnext()?;
        }
        Ok(self.future)
    }

    /// lex.c's `advance`: consume the next character.
    fn advance(&mut self) -> Lx<i32> {
        let c = self.nextc()?;
        self.lastc = self.future;
        self.future = EOF;
        if c == b'\n' as i32 {
            self.line += 1;
        }
        Ok(c)
    }

    fn skipwhite(&mut self) -> Lx<()> {
        loop {
            let mut c = self.nextc()?;
            if c == b'#' as i32 {
                self.incomm = true;
                loop {
                    c = self.nextc()?;
                    if c == b'\n' as i32 || c == EOF {
                        self.incomm = false;
                        break;
                    }
                    self.advance()?;
                }
            }
            if c == b' ' as i32 || c == b'\t' as i32 {
                self.advance()?;
            } else {
                return Ok(());
            }
        }
    }

    /// lex.c's `skipnl`: skip blanks, comments and newlines.
    #[inline(never)]
    pub fn skipnl(&mut self) -> Lx<()> {
        loop {
            self.skipwhite()?;
            if self.nextc()? != b'\n' as i32 {
                return Ok(());
            }
            self.advance()?;
        }
    }

    fn nextis(&mut self, c: u8) -> Lx<bool> {
        if self.nextc()? == c as i32 {
            self.advance()?;
            return Ok(true);
        }
        Ok(false)
    }

    /// lex.c's `addtok`; `ok` is false once the buffer has overflowed.
    fn addtok(&mut self, ok: &mut bool, c: u8) -> Lx<()> {
        if !*ok {
            return Ok(());
        }
        if self.tok.len() == NTOK - 1 {
            *ok = false;
            return self.yyerror("token buffer too short");
        }
        self.tok.push(c);
        Ok(())
    }

    /// lex.c's `addutf`: add `c` and the continuation bytes after it.
    fn addutf(&mut self, ok: &mut bool, c: i32) -> Lx<()> {
        self.addtok(ok, c as u8)?;
        if onebyte(c) {
            return Ok(());
        }
        let n = if twobyte(c) {
            2
        } else if threebyte(c) {
            3
        } else {
            4
        };
        for _ in 1..n {
            let c = self.nextc()?;
            if c == EOF || !xbyte(c) {
                break;
            }
            let c = self.advance()?;
            self.addtok(ok, c as u8)?;
        }
        Ok(())
    }

    fn settok(&mut self, s: &[u8]) {
        self.tok.clear();
        self.tok.extend_from_slice(s);
    }

    /// The token text as C sees it: up to the first NUL.
    fn tokstr(&self) -> &[u8] {
        let n = self
            .tok
            .iter()
            .position(|&c| c == 0)
            .unwrap_or(self.tok.len());
        &self.tok[..n]
    }

    /// lex.c's `yyerror`: record `msg` and skip the rest of the line.
    #[inline(never)]
    pub fn yyerror(&mut self, msg: &'static str) -> Lx<()> {
        let t = self.tokstr();
        let token = if !t.is_empty() && t[0] != b'\n' {
            Some(t.to_vec())
        } else {
            None
        };
        self.errors.push(SyntaxError {
            line: self.line,
            token,
            msg,
        });
        self.lastword = false;
        self.lastdol = false;
        while self.lastc != b'\n' as i32 && self.lastc != EOF {
            self.advance()?;
        }
        Ok(())
    }

    /// lex.c's `yylex`: the next token.
    #[inline(never)]
    pub fn yylex(&mut self) -> Lx<Tok> {
        let d = self.nextc()?;
        // After a word, `(` is a subscript and another word is joined to
        // it by a free caret.
        if self.lastword {
            self.lastword = false;
            if d == b'(' as i32 {
                self.advance()?;
                self.settok(b"( [SUB]");
                return Ok(Tok::Sub);
            }
            if wordchr(d)
                || d == b'\'' as i32
                || d == b'`' as i32
                || d == b'$' as i32
                || d == b'"' as i32
            {
                self.settok(b"^");
                return Ok(Tok::Char(b'^'));
            }
        }
        self.inquote = false;
        self.skipwhite()?;
        let c = self.advance()?;
        if c == EOF {
            self.lastdol = false;
            self.settok(b"EOF");
            return Ok(Tok::Eof);
        }
        match c as u8 {
            b'$' => {
                self.lastdol = true;
                if self.nextis(b'#')? {
                    self.settok(b"$#");
                    return Ok(Tok::Count);
                }
                if self.nextis(b'"')? {
                    self.settok(b"$\"");
                    return Ok(Tok::Quote);
                }
                self.settok(b"$");
                return Ok(Tok::Dollar);
            }
            b'&' => {
                self.lastdol = false;
                if self.nextis(b'&')? {
                    self.skipnl()?;
                    self.settok(b"&&");
                    return Ok(Tok::AndAnd);
                }
                self.settok(b"&");
                return Ok(Tok::Char(b'&'));
            }
            b'|' | b'<' | b'>' => {
                self.lastdol = false;
                if c == b'|' as i32 && self.nextis(b'|')? {
                    self.skipnl()?;
                    self.settok(b"||");
                    return Ok(Tok::OrOr);
                }
                return self.redir(c as u8);
            }
            b'\'' => return self.quoted(),
            _ => {}
        }
        if !wordchr(c) {
            self.lastdol = false;
            self.tok.clear();
            self.tok.push(c as u8);
            return Ok(if c == 0 { Tok::Eof } else { Tok::Char(c as u8) });
        }
        self.tok.clear();
        let mut ok = true;
        let mut glob = false;
        let mut c = c;
        loop {
            if c == b'*' as i32 || c == b'[' as i32 || c == b'?' as i32 || c == GLOB as i32 {
                glob = true;
                self.addtok(&mut ok, GLOB)?;
            }
            self.addutf(&mut ok, c)?;
            c = self.nextc()?;
            if if self.lastdol { !idchr(c) } else { !wordchr(c) } {
                break;
            }
            self.advance()?;
        }
        self.lastword = true;
        self.lastdol = false;
        let text = self.tokstr().to_vec();
        if let Some(k) = klook(&text) {
            self.lastword = false;
            return Ok(Tok::Kw(k, text, self.line));
        }
        let g = if glob {
            crate::tree::Glob::Glob
        } else {
            crate::tree::Glob::None
        };
        Ok(Tok::Word(alloc::boxed::Box::new(
            Tree::word(self.line, &text, false).with_glob(g),
        )))
    }

    /// A quoted word: `'...'` with `''` for a quote.
    fn quoted(&mut self) -> Lx<Tok> {
        self.lastdol = false;
        self.lastword = true;
        self.inquote = true;
        self.tok.clear();
        let mut ok = true;
        loop {
            let c = self.advance()?;
            if c == EOF {
                break;
            }
            if c == b'\'' as i32 {
                if self.nextc()? != b'\'' as i32 {
                    break;
                }
                self.advance()?;
            }
            self.addutf(&mut ok, c)?;
        }
        let text = self.tokstr().to_vec();
        Ok(Tok::Word(alloc::boxed::Box::new(Tree::word(
            self.line, &text, true,
        ))))
    }

    /// The redirection and pipe tokens:
    /// arrow, or arrow `[fd]`, `[fd=]`, `[fd=fd]`.
    fn redir(&mut self, c: u8) -> Lx<Tok> {
        self.tok.clear();
        self.tok.push(c);
        let line = self.line;
        let pipe = c == b'|';
        let mut dup = false;
        let (mut rtype, mut fd0, mut fd1): (RType, i32, i32) = match c {
            b'|' => (RType::Write, 1, 0),
            b'>' => {
                if self.nextis(b'>')? {
                    self.tok.push(b'>');
                    (RType::Append, 1, 0)
                } else {
                    (RType::Write, 1, 0)
                }
            }
            _ => {
                if self.nextis(b'<')? {
                    self.tok.push(b'<');
                    (RType::Here, 0, 0)
                } else if self.nextis(b'>')? {
                    self.tok.push(b'<');
                    (RType::RdWr, 0, 0)
                } else {
                    (RType::Read, 0, 0)
                }
            }
        };
        if self.nextis(b'[')? {
            self.tok.push(b'[');
            let mut c = self.advance()?;
            self.tok.push(c as u8);
            if !(b'0' as i32..=b'9' as i32).contains(&c) {
                return self.redirerr(pipe);
            }
            fd0 = 0;
            loop {
                fd0 = fd0.wrapping_mul(10).wrapping_add(c - b'0' as i32);
                self.tok.push(c as u8);
                c = self.advance()?;
                if !(b'0' as i32..=b'9' as i32).contains(&c) {
                    break;
                }
            }
            if c == b'=' as i32 {
                self.tok.push(b'=');
                if !pipe {
                    dup = true;
                }
                c = self.advance()?;
                if (b'0' as i32..=b'9' as i32).contains(&c) {
                    rtype = RType::DupFd;
                    fd1 = fd0;
                    fd0 = 0;
                    loop {
                        fd0 = fd0.wrapping_mul(10).wrapping_add(c - b'0' as i32);
                        self.tok.push(c as u8);
                        c = self.advance()?;
                        if !(b'0' as i32..=b'9' as i32).contains(&c) {
                            break;
                        }
                    }
                } else {
                    if pipe {
                        return self.redirerr(pipe);
                    }
                    rtype = RType::Close;
                }
            }
            if c != b']' as i32 || dup && (rtype == RType::Here || rtype == RType::Append) {
                return self.redirerr(pipe);
            }
            self.tok.push(b']');
        }
        let t = RedirTok {
            rtype,
            fd0,
            fd1,
            line,
        };
        if pipe {
            self.skipnl()?;
            return Ok(Tok::Pipe(t));
        }
        Ok(if dup { Tok::Dup(t) } else { Tok::Redir(t) })
    }

    fn redirerr(&mut self, pipe: bool) -> Lx<Tok> {
        self.yyerror(if pipe {
            "pipe syntax"
        } else {
            "redirection syntax"
        })?;
        Ok(Tok::Eof)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &[u8]) -> Vec<Vec<u8>> {
        let mut l = Lexer::new(src, 0, true, 1, false, false, false, 0);
        let mut v = Vec::new();
        loop {
            let t = l.yylex().unwrap();
            if t == Tok::Eof {
                return v;
            }
            v.push(l.tok.clone());
        }
    }

    #[test]
    fn word_and_name_characters_are_9fronts() {
        for c in b"\n \t#;&|^$=`'{}()<>" {
            assert!(!wordchr(*c as i32), "{}", *c as char);
        }
        for c in b"!\"%*+,-./:?@[\\]_~azAZ09" {
            assert!(wordchr(*c as i32), "{}", *c as char);
        }
        assert!(!wordchr(0) && !wordchr(EOF) && wordchr(0x80) && wordchr(b'\r' as i32));
        for c in b"!\"#$%&'()+,-./:;<=>?@[\\]^`{|}~ \t\n" {
            assert!(!idchr(*c as i32), "{}", *c as char);
        }
        for c in b"az_*09" {
            assert!(idchr(*c as i32));
        }
        assert!(idchr(0xc3) && !idchr(EOF));
    }

    #[test]
    fn free_carets_and_subscripts() {
        let t = |s: &[u8]| toks(s).into_iter().map(|t| String::from_utf8(t).unwrap()).collect::<Vec<_>>();
        assert_eq!(t(b"$a.c\n"), ["$", "a", "^", ".c", "\n"]);
        assert_eq!(t(b"x$y'z'`{}\n"), ["x", "^", "$", "y", "^", "z", "^", "`", "{", "}", "\n"]);
        assert_eq!(t(b"$x(1) x (y)\n"), ["$", "x", "( [SUB]", "1", ")", "x", "(", "y", ")", "\n"]);
        assert_eq!(t(b"a\\\nb 'it''s' #c\n"), ["a", "b", "it's", "\n"]);
        assert_eq!(t(b"<> << >> >[2=1] |[2] && || $# $\"\n"), ["<<", "<<", ">>", ">[22=1]", "|[22]", "&&", "||", "$#", "$\"", "\n"]);
    }
}
