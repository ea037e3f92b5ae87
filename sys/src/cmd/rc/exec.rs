//! rc's machine: the port of 9front's `sys/src/cmd/rc/exec.c` (with
//! `main`).
//!
//! 9front compiles each command to a vector of instructions (`Xmark`,
//! `Xword`, `Xsimple`, ...) that threads on `runq` execute. planten
//! walks the syntax tree instead (see [`crate::code`]): [`Shell::run`]
//! does for a command node what the instructions code.c emits for it
//! would do, in the same order, and [`Shell::words`] does the same for
//! the word nodes, which push their values on the argument stack in
//! 9front (right to left, as code.c emits an argument list). What
//! 9front keeps per thread maps so:
//!
//! - a thread's local variables are the top of one stack of locals
//!   ([`crate::var::Vars`]); a thread that starts with none (`.`, a note
//!   function) moves the stack's base;
//! - a thread's redirections are the top of one redirection stack, with
//!   the base of the running thread in `startredir`; as in 9front they are
//!   not applied to rc itself but to each command it forks (`doredir`);
//! - `Xerror`'s unwinding to the interactive thread (`while(!runq->iflag)
//!   Xreturn()`) is the error [`Unwind`] travelling up to the command loop
//!   of `. -i` ([`Shell::rdcmds`]), or out of `main`, which exits;
//! - the dynamic `if not` flag is [`Shell::ifnot`].

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use libc::syscall::{self, Fd};

use crate::getflags::Flags;
use crate::glob::{deglob, globword};
use crate::io::pwrd;
use crate::subr::pfln;
use crate::tree::{Glob, Node, Tree};
use crate::var::{List, Vars, Word};

/// Why execution stops and unwinds (exec.c's `Xerror` and trap.c's
/// interrupt): the message is printed and `$status` set already.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unwind {
    Error,
    Interrupt,
}

/// The result of running something.
pub type R<T> = Result<T, Unwind>;

/// exec.h's redirection types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RKind {
    /// `ROPEN`: `from` was opened by rc; it becomes `to`.
    Open,
    /// `RDUP`: `to` becomes a copy of `from`.
    Dup,
    /// `RCLOSE`: `from` is closed.
    Close,
    /// Cancelled (rfork F, or a descriptor a lexer reads).
    None,
}

/// One redirection (exec.h's `redir`).
#[derive(Clone, Copy, Debug)]
pub struct Redir {
    pub kind: RKind,
    pub from: i32,
    pub to: i32,
}

/// How a word is wanted: code.c's `noglobs` turns words into plain
/// strings (`Deglob`) or patterns (`Pattern`) where rc does not glob.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Glob,
    Deglob,
    Pattern,
}

/// The interpreter's state.
pub struct Shell {
    pub vars: Vars,
    pub redir: Vec<Redir>,
    pub startredir: usize,
    pub ifnot: bool,
    pub flags: Flags,
    pub mypid: i32,
    /// havefork.c's `waitpids`.
    pub waitpids: Vec<i32>,
    /// Pipelines whose left side is still to be waited for, and the status
    /// a `Waitfor` for another process found for it (exec.c's thread
    /// `pid` and `status`).
    pub pipewait: Vec<(i32, Option<Word>)>,
    /// The source file of the running code (exec.c's `srcfile`).
    pub file: Option<Rc<[u8]>>,
    pub line: u32,
    /// The running thread reads commands interactively.
    pub iflag: bool,
    /// rcmain, `finit` and `. -q` read without `-e` and `-v`.
    pub qflag: bool,
    pub beenhere: bool,
    pub argv0: Word,
    /// plan9.c's `interrupted` (a note other than a `sys:` one arrived).
    pub interrupted: bool,
    /// simple.c's `exitnext`, for the command [`Shell::run`] is about to
    /// run: only the exit of a forked child follows it (skipping what
    /// exitnext skips: popping redirections and locals, `-e`'s check, an
    /// `if not` after a taken `if`, a function's return), so a simple
    /// command there execs instead of forking and waiting. Set by a
    /// child for its command, handed down by `run` to the last part of
    /// each command, and cleared by `run` on entry.
    pub tail: bool,
    /// Words are being evaluated ahead of a fork, to see whether the
    /// child would only exec (see [`crate::havefork`]): an error must
    /// leave no trace, as the child will meet it again and report it.
    pub probe: bool,
}

impl Shell {
    pub fn new(flags: Flags, argv0: &str) -> Shell {
        Shell {
            vars: Vars::default(),
            redir: Vec::new(),
            startredir: 0,
            ifnot: false,
            flags,
            mypid: syscall::getpid().0,
            waitpids: Vec::new(),
            pipewait: Vec::new(),
            file: None,
            line: 0,
            iflag: false,
            qflag: false,
            beenhere: false,
            argv0: argv0.as_bytes().to_vec(),
            interrupted: false,
            tail: false,
            probe: false,
        }
    }

    // ---- status ----

    /// exec.c's `setstatus`.
    pub fn setstatus(&mut self, s: &[u8]) {
        self.vars.set1(b"status", s);
    }

    /// exec.c's `getstatus`.
    pub fn getstatus(&self) -> Word {
        self.vars.get(b"status").first().cloned().unwrap_or_default()
    }

    /// exec.c's `truestatus`: only `0`s and `|`s.
    pub fn truestatus(&self) -> bool {
        let v = self.vars.get(b"status");
        match v.first() {
            None => true,
            Some(s) => s.iter().all(|&c| c == b'|' || c == b'0'),
        }
    }

    // ---- errors ----

    /// Writes `msg` to standard error in one write.
    pub fn perr(&self, msg: &[u8]) {
        let _ = syscall::write(Fd::STDERR, msg);
    }

    fn errprefix(&self) -> Vec<u8> {
        let mut m = Vec::new();
        pfln(&mut m, self.file.as_deref(), self.line, &self.argv0);
        m
    }

    /// exec.c's `Xerror1`.
    pub fn error1(&mut self, s: &str) -> Unwind {
        if self.probe {
            return Unwind::Error;
        }
        self.setstatus(b"error");
        let mut m = self.errprefix();
        m.extend_from_slice(b": ");
        m.extend_from_slice(s.as_bytes());
        m.push(b'\n');
        self.perr(&m);
        Unwind::Error
    }

    /// exec.c's `Xerror2`.
    pub fn error2(&mut self, s: &str, e: &str) -> Unwind {
        if self.probe {
            return Unwind::Error;
        }
        self.setstatus(e.as_bytes());
        let m = [&self.errprefix()[..], b": ", s.as_bytes(), b": ", e.as_bytes(), b"\n"].concat();
        self.perr(&m);
        Unwind::Error
    }

    /// exec.c's `Xerror3`.
    pub fn error3(&mut self, s: &str, f: &[u8], e: &str) -> Unwind {
        if self.probe {
            return Unwind::Error;
        }
        self.setstatus(e.as_bytes());
        let m = [
            &self.errprefix()[..],
            b": ",
            s.as_bytes(),
            b": ",
            f,
            b": ",
            e.as_bytes(),
            b"\n",
        ]
        .concat();
        self.perr(&m);
        Unwind::Error
    }

    // ---- redirections ----

    pub fn pushredir(&mut self, kind: RKind, from: i32, to: i32) {
        self.redir.push(Redir { kind, from, to });
    }

    /// exec.c's `Xpopredir`.
    pub fn popredir(&mut self) {
        if let Some(r) = self.redir.pop() {
            if r.kind == RKind::Open {
                let _ = syscall::close(Fd(r.from));
            }
        }
    }

    /// Pops redirections down to `n`, as `Xreturn` does.
    pub fn popredirs_to(&mut self, n: usize) {
        while self.redir.len() > n {
            self.popredir();
        }
    }

    /// exec.c's `shuffleredir`: the newest redirection goes to the bottom
    /// of the running thread's, so that it lasts until the thread returns.
    pub fn shuffleredir(&mut self) {
        if let Some(r) = self.redir.pop() {
            let at = self.startredir.min(self.redir.len());
            self.redir.insert(at, r);
        }
    }

    /// simple.c's `doredir`: applies the redirections, oldest first, to
    /// this process (a child about to exec, or `exec` itself).
    pub fn doredir(&mut self) {
        for r in self.redir.clone() {
            match r.kind {
                RKind::Open => {
                    if r.from != r.to {
                        let _ = syscall::dup(Fd(r.from), Some(Fd(r.to)));
                        let _ = syscall::close(Fd(r.from));
                    }
                }
                RKind::Dup => {
                    let _ = syscall::dup(Fd(r.from), Some(Fd(r.to)));
                }
                RKind::Close => {
                    let _ = syscall::close(Fd(r.from));
                }
                RKind::None => {}
            }
        }
    }

    /// simple.c's `mapfd`: where rc's own writes to `fd` should go.
    pub fn mapfd(&self, mut fd: i32) -> i32 {
        for r in self.redir.iter().rev() {
            match r.kind {
                RKind::Close => {
                    if r.from == fd {
                        fd = -1;
                    }
                }
                RKind::Dup | RKind::Open => {
                    if r.to == fd {
                        fd = r.from;
                    }
                }
                RKind::None => {}
            }
        }
        fd
    }

    // ---- words ----

    /// The value of the word node `t`, as the code for it leaves it on
    /// the stack.
    pub fn words(&mut self, t: &Tree, mode: Mode) -> R<List> {
        let mut v = match &t.node {
            Node::Word { text, .. } => {
                if mode == Mode::Deglob && t.glob != Glob::None {
                    alloc::vec![deglob(text)]
                } else {
                    alloc::vec![text.clone()]
                }
            }
            Node::Dollar(c) => match plain_name(c) {
                // `$name`, `$1`: looked up without building the name's list
                Some(name) => match star_index(name) {
                    None => self.vars.get(name).to_vec(),
                    Some(n) => self.vars.get(b"*").get(n - 1).cloned().into_iter().collect(),
                },
                None => {
                    let name = self.words(c, Mode::Deglob)?;
                    self.xdol(&name)?
                }
            },
            Node::Quote(c) => {
                let name = self.words(c, Mode::Deglob)?;
                let v = self.xdol(&name)?;
                alloc::vec![xqw(&v)]
            }
            Node::Count(c) => match plain_name(c) {
                Some(name) if star_index(name).is_none() => {
                    alloc::vec![alloc::format!("{}", self.vars.get(name).len()).into_bytes()]
                }
                _ => {
                    let name = self.words(c, Mode::Deglob)?;
                    self.xcount(&name)?
                }
            },
            Node::Sub(c, subs) => {
                let name = self.words(c, Mode::Deglob)?;
                let s = self.wordlist(subs, Mode::Deglob)?;
                self.xsub(&name, &s)?
            }
            Node::Caret(a, b) => {
                let r = self.words(b, mode)?;
                let l = self.words(a, mode)?;
                self.xconc(l, r)?
            }
            Node::Backquote(ifs, cmd) => {
                let split = match ifs {
                    Some(w) => {
                        let v = self.words(w, Mode::Deglob)?;
                        xqw(&v)
                    }
                    None => xqw(self.vars.get(b"ifs")),
                };
                self.xbackq(&split, cmd)?
            }
            Node::Paren(l) | Node::Arglist(l) => self.wordlist(l, mode)?,
            Node::PipeFd { rtype, cmd, .. } => alloc::vec![self.xpipefd(*rtype, cmd)?],
            _ => {
                // A command where a word was expected cannot come from
                // the parser.
                return Err(self.error1("bad word in outcode"));
            }
        };
        if mode == Mode::Glob && t.glob == Glob::Glob {
            let mut g = Vec::with_capacity(v.len());
            for w in v {
                g.extend(globword(&w));
            }
            v = g;
        }
        Ok(v)
    }

    /// The values of the word nodes `l` in order, evaluated right to
    /// left as code.c emits an argument list.
    pub fn wordlist(&mut self, l: &[Tree], mode: Mode) -> R<List> {
        if let [w] = l {
            return self.words(w, mode);
        }
        // each value reversed onto `out`, then the whole turned round;
        // words as written and `$name`s go straight there
        let mut out: List = Vec::with_capacity(l.len());
        for w in l.iter().rev() {
            match &w.node {
                Node::Word { text, .. } if w.glob == Glob::None => out.push(text.clone()),
                Node::Dollar(c) if w.glob != Glob::Glob => match plain_name(c) {
                    Some(name) if star_index(name).is_none() => {
                        out.extend(self.vars.get(name).iter().rev().cloned());
                    }
                    _ => {
                        let x = self.words(w, mode)?;
                        out.extend(x.into_iter().rev());
                    }
                },
                _ => {
                    let x = self.words(w, mode)?;
                    out.extend(x.into_iter().rev());
                }
            }
        }
        out.reverse();
        Ok(out)
    }

    /// exec.c's `Xdol`.
    fn xdol(&mut self, name: &[Word]) -> R<List> {
        if name.len() != 1 {
            return Err(self.error1("$ variable name not singleton!"));
        }
        let s = &name[0];
        if let Some(n) = star_index(s) {
            let star = self.vars.get(b"*");
            return Ok(star.get(n - 1).cloned().into_iter().collect());
        }
        Ok(self.vars.get(s).to_vec())
    }

    /// exec.c's `Xcount`.
    fn xcount(&mut self, name: &[Word]) -> R<List> {
        if name.len() != 1 {
            return Err(self.error1("$# variable name not singleton!"));
        }
        let s = &name[0];
        let n = match star_index(s) {
            Some(n) => (n <= self.vars.get(b"*").len()) as usize,
            None => self.vars.get(s).len(),
        };
        Ok(alloc::vec![alloc::format!("{n}").into_bytes()])
    }

    /// exec.c's `Xsub`.
    fn xsub(&mut self, name: &[Word], subs: &[Word]) -> R<List> {
        if name.len() != 1 {
            return Err(self.error1("$() variable name not singleton!"));
        }
        let val = self.vars.get(&name[0]).to_vec();
        let len = val.len() as i64;
        let mut out = Vec::new();
        for s in subs {
            let mut i = 0;
            let num = |i: &mut usize| {
                let mut n: i64 = 0;
                while *i < s.len() && s[*i].is_ascii_digit() {
                    n = n.saturating_mul(10).saturating_add((s[*i] - b'0') as i64);
                    *i += 1;
                }
                n
            };
            let n = num(&mut i);
            let mut m: i64 = 0;
            if i < s.len() && s[i] == b'-' {
                i += 1;
                if i == s.len() {
                    m = len - n;
                } else {
                    m = num(&mut i) - n;
                }
            }
            if n < 1 || n > len || m < 0 {
                continue;
            }
            if n + m > len {
                m = len - n;
            }
            for k in 0..=m {
                out.push(val[(n - 1 + k) as usize].clone());
            }
        }
        Ok(out)
    }

    /// exec.c's `Xconc`.
    fn xconc(&mut self, l: List, r: List) -> R<List> {
        let (lc, rc) = (l.len(), r.len());
        if lc == 0 && rc == 0 {
            return Ok(l);
        }
        if lc == 0 || rc == 0 {
            return Err(self.error1("null list in concatenation"));
        }
        if lc != 1 && rc != 1 && lc != rc {
            return Err(self.error1("mismatched list lengths in concatenation"));
        }
        if rc == 1 || lc == rc {
            // each word of `l` grows in place
            let mut l = l;
            for (i, w) in l.iter_mut().enumerate() {
                w.extend_from_slice(&r[if rc == 1 { 0 } else { i }]);
            }
            return Ok(l);
        }
        let n = lc.max(rc);
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let a = &l[if lc == 1 { 0 } else { i }];
            let b = &r[if rc == 1 { 0 } else { i }];
            let mut w = Vec::with_capacity(a.len() + b.len());
            w.extend_from_slice(a);
            w.extend_from_slice(b);
            out.push(w);
        }
        Ok(out)
    }

    // ---- commands ----

    /// Runs the command `t`; `eflag` says whether `-e` applies to it (as
    /// code.c's `outcode(t, eflag)`).
    pub fn run(&mut self, t: &Tree, eflag: bool) -> R<()> {
        // simple.c's exitnext: is nothing but the exit of a forked child
        // left to run after `t`? Taken here, given back only to the parts
        // of `t` that end it (see [`Shell::tail`]).
        let tail = core::mem::take(&mut self.tail);
        self.dotrap()?;
        if t.line != 0 {
            self.line = t.line;
        }
        if self.flags.set(b'r') {
            self.trace(t);
        }
        match &t.node {
            Node::Simple(c) => {
                let a = self.words(c, Mode::Glob)?;
                self.xsimple_at(a, tail)?;
                if eflag {
                    self.xeflag();
                }
            }
            Node::Seq(a, b) => {
                // an `if not` after an `if` is skipped when the `if`'s
                // body ran (exitnext's Xwastrue and Xifnot)
                self.tail = tail && skipped_after_if(b);
                self.run(a, eflag)?;
                self.tail = tail;
                self.run(b, eflag)?;
            }
            Node::Brace(c) | Node::Pcmd(c) => {
                if let Some(c) = c {
                    self.tail = tail;
                    self.run(c, eflag)?;
                }
            }
            Node::AndAnd(a, b) => {
                if let Some(a) = a {
                    self.run(a, false)?;
                }
                if self.truestatus() {
                    if let Some(b) = b {
                        self.tail = tail;
                        self.run(b, eflag)?;
                    }
                }
            }
            Node::OrOr(a, b) => {
                if let Some(a) = a {
                    self.run(a, false)?;
                }
                if !self.truestatus() {
                    if let Some(b) = b {
                        self.tail = tail;
                        self.run(b, eflag)?;
                    }
                }
            }
            Node::Bang(c) => {
                if let Some(c) = c {
                    self.run(c, eflag)?;
                }
                let s: &[u8] = if self.truestatus() { b"false" } else { b"" };
                self.setstatus(s);
            }
            Node::If(cond, body) => {
                self.run(cond, false)?;
                self.ifnot = true;
                if self.truestatus() {
                    if let Some(b) = body {
                        self.tail = tail;
                        self.run(b, eflag)?;
                    }
                    self.ifnot = false;
                }
            }
            Node::IfNot(body) => {
                if self.ifnot {
                    if let Some(b) = body {
                        self.tail = tail;
                        self.run(b, eflag)?;
                    }
                }
            }
            Node::While(cond, body) => loop {
                self.run(cond, false)?;
                if matches!(cond.node, Node::Pcmd(None)) {
                    self.setstatus(b"");
                }
                if !self.truestatus() {
                    break;
                }
                if let Some(b) = body {
                    self.run(b, eflag)?;
                }
                self.dotrap()?;
            },
            Node::For { var, list, body } => {
                let vals = match list {
                    Some(l) => self.wordlist(l, Mode::Glob)?,
                    None => self.vars.get(b"*").to_vec(),
                };
                let name = self.words(var, Mode::Deglob)?;
                if name.len() != 1 {
                    return Err(self.error1("local variable name must be singleton"));
                }
                let depth = self.vars.locals.len();
                self.vars.push_local(&name[0], Vec::new());
                for v in vals {
                    let l = &mut self.vars.locals[depth];
                    l.val.clear();
                    l.val.push(v);
                    l.changed = true;
                    if let Some(b) = body {
                        self.run(b, eflag)?;
                    }
                    self.dotrap()?;
                }
                self.vars.truncate_locals(depth);
            }
            Node::Switch(subj, body) => self.xswitch(subj, body, eflag)?,
            Node::Twiddle(subj, pats) => {
                // patterns that are words as written need no evaluating
                // (and evaluating them could have no effect)
                let p = match literal_words(pats) {
                    true => None,
                    false => Some(self.wordlist(pats, Mode::Pattern)?),
                };
                let mut sv = self.words(subj, Mode::Glob)?;
                let s = match sv.len() {
                    1 => sv.pop().unwrap_or_default(),
                    _ => xqw(&sv),
                };
                let hit = match &p {
                    Some(p) => p.iter().any(|p| crate::glob::matches(&s, p, 0)),
                    None => pats.iter().any(|w| crate::glob::matches(&s, word_text(w), 0)),
                };
                self.setstatus(if hit { b"" } else { b"no match" });
                if eflag {
                    self.xeflag();
                }
            }
            Node::Fn(names, body) => {
                let n = self.wordlist(names, Mode::Deglob)?;
                match body {
                    Some(b) => {
                        let f = crate::var::Func {
                            body: Rc::new((**b).clone()),
                            text: crate::pcmd::fnstr(b).into(),
                            file: self.file.clone().unwrap_or_else(|| Rc::from(&b""[..])),
                            eflag,
                        };
                        for name in n {
                            let v = self.vars.gvlook(&name);
                            v.func = Some(f.clone());
                            v.fnchanged = true;
                        }
                    }
                    None => {
                        for name in n {
                            let v = self.vars.gvlook(&name);
                            v.func = None;
                            v.fnchanged = true;
                        }
                    }
                }
            }
            Node::Redir {
                rtype,
                fd0,
                target,
                cmd,
                here,
            } => {
                self.xredir(*rtype, *fd0, target, here.as_ref())?;
                if let Some(c) = cmd {
                    self.tail = tail;
                    self.run(c, eflag)?;
                }
                self.popredir();
            }
            Node::Dup {
                rtype,
                fd0,
                fd1,
                cmd,
            } => {
                if *rtype == crate::rc::RType::DupFd {
                    self.pushredir(RKind::Dup, *fd0, *fd1);
                } else {
                    self.pushredir(RKind::Close, *fd0, 0);
                }
                if let Some(c) = cmd {
                    self.tail = tail;
                    self.run(c, eflag)?;
                }
                self.popredir();
            }
            Node::Assign { .. } => self.xassign(t, eflag, tail)?,
            Node::Pipe {
                fd0,
                fd1,
                left,
                right,
            } => self.xpipe(*fd0, *fd1, left.as_deref(), right.as_deref(), eflag)?,
            Node::Async(c) => self.xasync(c.as_deref(), eflag)?,
            Node::Subshell(c) => {
                self.xsubshell(c.as_deref(), eflag)?;
                if eflag {
                    self.xeflag();
                }
            }
            _ => {
                // A word where a command was expected: run it as a
                // simple command, as the parser never builds this.
                let a = self.words(t, Mode::Glob)?;
                self.xsimple(a)?;
            }
        }
        Ok(())
    }

    /// exec.c's `Xeflag`.
    pub fn xeflag(&mut self) {
        if !self.truestatus() {
            self.exit();
        }
    }

    /// code.c's `'='`: `a=b cmd` makes locals for the command; `a=b`
    /// assigns.
    fn xassign(&mut self, t: &Tree, eflag: bool, tail: bool) -> R<()> {
        let mut chain = Vec::new();
        let mut c = Some(t);
        let mut cmd = None;
        while let Some(x) = c {
            match &x.node {
                Node::Assign { name, value, cmd: next } => {
                    chain.push((&**name, &**value));
                    c = next.as_deref();
                }
                _ => {
                    cmd = Some(x);
                    c = None;
                }
            }
        }
        match cmd {
            Some(cmd) => {
                let depth = self.vars.locals.len();
                for (name, value) in chain {
                    let v = self.words(value, Mode::Glob)?;
                    if let Some(n) = plain_name(name) {
                        self.vars.push_local(n, v);
                        continue;
                    }
                    let n = self.words(name, Mode::Deglob)?;
                    if n.len() != 1 {
                        return Err(self.error1("local variable name must be singleton"));
                    }
                    self.vars.push_local(&n[0], v);
                }
                self.tail = tail;
                self.run(cmd, eflag)?;
                self.vars.truncate_locals(depth);
            }
            None => {
                for (name, value) in chain {
                    let v = self.words(value, Mode::Glob)?;
                    if let Some(n) = plain_name(name) {
                        self.vars.set(n, v);
                        continue;
                    }
                    let n = self.words(name, Mode::Deglob)?;
                    if n.len() != 1 {
                        return Err(self.error1("= variable name not singleton!"));
                    }
                    self.vars.set(&n[0], v);
                }
            }
        }
        Ok(())
    }

    /// code.c's `codeswitch` with exec.c's `Xcase`.
    fn xswitch(&mut self, subj: &Tree, body: &Tree, eflag: bool) -> R<()> {
        let mut sv = self.words(subj, Mode::Glob)?;
        let s = match sv.len() {
            1 => sv.pop().unwrap_or_default(),
            _ => xqw(&sv),
        };
        let mut items = Vec::new();
        if let Node::Brace(Some(b)) = &body.node {
            flatten(b, &mut items);
        }
        let mut i = 0;
        while i < items.len() {
            let Some(pats) = case_words(items[i]) else {
                i += 1;
                continue;
            };
            let hit = if literal_words(pats) {
                pats.iter().any(|w| crate::glob::matches(&s, word_text(w), 0))
            } else {
                let p = self.wordlist(pats, Mode::Pattern)?;
                p.iter().any(|p| crate::glob::matches(&s, p, 0))
            };
            i += 1;
            if hit {
                while i < items.len() && case_words(items[i]).is_none() {
                    self.run(items[i], eflag)?;
                    i += 1;
                }
                return Ok(());
            }
            while i < items.len() && case_words(items[i]).is_none() {
                i += 1;
            }
        }
        Ok(())
    }

    /// Runs the function `name` as `startfunc` does: `$*` is `star`, the
    /// locals are the caller's (or none, for a note function).
    pub fn startfunc(&mut self, name: &[u8], star: List, inherit: bool) -> R<()> {
        self.startfunc_at(name, star, inherit, false)
    }

    /// [`Shell::startfunc`] for a call that `tail` says nothing but the
    /// exit follows: the function's last command need not fork
    /// (exitnext follows `Xreturn` to the caller's code).
    pub fn startfunc_at(&mut self, name: &[u8], star: List, inherit: bool, tail: bool) -> R<()> {
        let Some(f) = self.vars.func(name).cloned() else {
            return Ok(());
        };
        let saved = (self.file.clone(), self.line, self.startredir, self.vars.base, self.iflag);
        let depth = self.vars.locals.len();
        if !inherit {
            self.vars.base = depth;
        }
        self.startredir = self.redir.len();
        self.vars.push_local(b"*", star);
        self.file = Some(f.file.clone());
        self.iflag = false;
        self.tail = tail;
        let r = self.run(&f.body, f.eflag);
        self.popredirs_to(self.startredir);
        self.vars.truncate_locals(depth);
        (self.file, self.line, self.startredir, self.vars.base, self.iflag) = saved;
        r
    }

    /// exec.c's `Xexit` (and plan9.c's `Exit`): runs `sigexit` once in the
    /// first rc, then exits with `$status`.
    pub fn exit(&mut self) -> ! {
        if syscall::getpid().0 == self.mypid && !self.beenhere && self.vars.func(b"sigexit").is_some() {
            self.beenhere = true;
            let star = self.vars.get(b"*").to_vec();
            let st = self.getstatus();
            let _ = self.startfunc(b"sigexit", star, false);
            self.setstatus(&st);
        }
        self.updenv();
        let s = if self.truestatus() {
            String::new()
        } else {
            String::from_utf8_lossy(&self.getstatus()).into_owned()
        };
        syscall::exits(&s)
    }

    /// The `-r` trace of one command (see [`crate::pfnc`]).
    fn trace(&self, t: &Tree) {
        let mut m = Vec::new();
        pfln(&mut m, self.file.as_deref(), self.line, &self.argv0);
        m.extend_from_slice(
            alloc::format!(" pid {} {}\n", syscall::getpid().0, crate::pfnc::xname(t)).as_bytes(),
        );
        self.perr(&m);
    }
}

/// The name in `$name` when it is a word without glob marks (so that
/// its value is the text itself).
fn plain_name(t: &Tree) -> Option<&[u8]> {
    match &t.node {
        Node::Word { text, .. } if t.glob == Glob::None && !text.contains(&crate::rc::GLOB) => Some(text),
        _ => None,
    }
}

/// Are the nodes `l` all words as written (whose value as patterns is
/// their text)?
fn literal_words(l: &[Tree]) -> bool {
    l.iter().all(|w| matches!(w.node, Node::Word { .. }))
}

/// The text of a word node (empty for any other node).
fn word_text(t: &Tree) -> &[u8] {
    match &t.node {
        Node::Word { text, .. } => text,
        _ => &[],
    }
}

/// Does nothing run after `t` when the `if` before it ran its body (a
/// chain of `if not`s)?
fn skipped_after_if(t: &Tree) -> bool {
    match &t.node {
        Node::IfNot(_) => true,
        Node::Seq(a, b) => skipped_after_if(a) && skipped_after_if(b),
        _ => false,
    }
}

/// A number naming an element of `$*` (`$1`, `$#2`): all digits, not 0.
fn star_index(s: &[u8]) -> Option<usize> {
    if s.is_empty() || !s.iter().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut n: usize = 0;
    for &c in s {
        n = n.saturating_mul(10).saturating_add((c - b'0') as usize);
    }
    if n == 0 {
        None
    } else {
        Some(n)
    }
}

/// exec.c's `Xqw`: the list as one word, blank-separated (`""` for none).
pub fn xqw(v: &[Word]) -> Word {
    let mut out = Vec::new();
    for (i, w) in v.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        out.extend_from_slice(w);
    }
    out
}

/// The commands of a `;` chain, in order.
fn flatten<'a>(t: &'a Tree, out: &mut Vec<&'a Tree>) {
    match &t.node {
        Node::Seq(a, b) => {
            flatten(a, out);
            flatten(b, out);
        }
        _ => out.push(t),
    }
}

/// code.c's `iscase`: the words after `case` when `t` is `case ...`.
pub fn case_words(t: &Tree) -> Option<&[Tree]> {
    let Node::Simple(c) = &t.node else {
        return None;
    };
    let is_case = |w: &Tree| matches!(&w.node, Node::Word { text, quoted: false } if text == b"case");
    match &c.node {
        Node::Arglist(l) if l.first().is_some_and(is_case) => Some(&l[1..]),
        _ if is_case(c) => Some(&[]),
        _ => None,
    }
}

/// Formats `s` as `%q` does.
pub fn q(s: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    pwrd(&mut v, s);
    v
}

/// Where a command loop reads: a descriptor, or text in core (`eval`,
/// `finit`).
pub enum Input {
    Fd(Fd),
    Core(Vec<u8>),
}

impl Shell {
    /// exec.c's `Xread`, `Xwrite`, `Xappend`, `Xrdwr`, `Xhere` and
    /// `Xhereq`: opens the file of a redirection and pushes it.
    fn xredir(
        &mut self,
        rtype: crate::rc::RType,
        fd0: i32,
        target: &Tree,
        here: Option<&crate::tree::HereDoc>,
    ) -> R<()> {
        use crate::plan9::{creat, open};
        use crate::rc::RType;
        if rtype == RType::Here {
            let quoted = matches!(target.node, Node::Word { quoted: true, .. });
            let body = here.and_then(|h| h.body.clone()).unwrap_or_default();
            let text = if quoted { body } else { self.psubst(&body) };
            let (fd, name) = match crate::plan9::herefile() {
                Some(x) => x,
                None => {
                    let e = syscall::errstr();
                    return Err(self.error3("<< can't get temp file", b"/tmp/here", &e));
                }
            };
            let _ = syscall::write(fd, &text);
            let _ = syscall::close(fd);
            match open(&name, 3) {
                Ok(fd) => self.pushredir(RKind::Open, fd.0, fd0),
                Err(e) => return Err(self.error3("<< can't open", &name, &e.0)),
            }
            return Ok(());
        }
        let w = self.words(target, Mode::Glob)?;
        let op = match rtype {
            RType::Append => ">>",
            RType::Write => ">",
            RType::Read => "<",
            _ => "<>",
        };
        if w.len() != 1 {
            let m = if w.is_empty() {
                alloc::format!("{op} requires file")
            } else {
                alloc::format!("{op} requires singleton")
            };
            return Err(self.error1(&m));
        }
        let file = &w[0];
        let r = match rtype {
            RType::Append => open(file, 1).or_else(|_| creat(file)).inspect(|&fd| {
                let _ = syscall::seek(fd, 0, syscall::SEEKEND);
            }),
            RType::Write => creat(file),
            RType::Read => open(file, 0),
            _ => open(file, 2),
        };
        match r {
            Ok(fd) => {
                self.pushredir(RKind::Open, fd.0, fd0);
                Ok(())
            }
            Err(e) => {
                let what = match rtype {
                    RType::Append => ">> can't open",
                    RType::Write => "> can't create",
                    RType::Read => "< can't open",
                    _ => "<> can't open",
                };
                Err(self.error3(what, file, &e.0))
            }
        }
    }

    /// exec.c's `Xrdcmds` with simple.c's `execcmds`: reads commands from
    /// `input` and runs each, until the end of the input. `block` reads
    /// the input as one block (`. -b`, eval). An interactive loop
    /// (`iflag`) prompts, survives errors and interrupts, and reads on
    /// after syntax errors.
    pub fn rdcmds(&mut self, input: Input, file: Rc<[u8]>, block: bool, iflag: bool, qflag: bool) -> R<()> {
        use crate::syn::{parse_command, Cursor, Step};
        let saved = (self.file.clone(), self.line, self.iflag, self.qflag, self.startredir);
        self.file = Some(file.clone());
        self.iflag = iflag;
        self.qflag = qflag;
        self.startredir = self.redir.len();
        let (mut buf, fd, mut complete) = match input {
            Input::Fd(fd) => (Vec::new(), Some(fd), false),
            Input::Core(v) => (v, None, true),
        };
        let mut cur = if block { Cursor::block() } else { Cursor::new() };
        let mut iflast = false;
        let base_locals = self.vars.locals.len();
        let result = loop {
            // Xrdcmds' prologue.
            if self.flags.set(b's') && !self.truestatus() {
                let mut m = b"status=".to_vec();
                crate::pfnc::pval(&mut m, self.vars.get(b"status"));
                m.push(b'\n');
                self.perr(&m);
            }
            let p0 = self.vars.get(b"prompt").first().cloned().unwrap_or(b"% ".to_vec());
            let p1 = self.vars.get(b"prompt").get(1).cloned().unwrap_or(b"\t".to_vec());
            if iflag {
                self.interrupted = false;
                self.perr(&p0);
                crate::plan9::prompt_hook();
            }
            let start = cur.pos;
            // continuation prompts printed while reading this command
            let mut more = 0usize;
            let step = loop {
                if let Some(s) = parse_command(&buf, &mut cur, complete) {
                    break s;
                }
                let Some(fd) = fd else {
                    complete = true;
                    continue;
                };
                if iflag && buf[start..].contains(&b'\n') {
                    self.perr(&p1);
                    more += 1;
                }
                let mut chunk = [0u8; 8192];
                match syscall::read(fd, &mut chunk) {
                    Ok(0) => complete = true,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    Err(e) if e.0 == "interrupted" => {
                        if iflag {
                            // rc prints a newline and reads the command anew
                            while syscall::pendingnote().is_some() {}
                            self.perr(b"\n");
                            buf.truncate(start);
                            cur.pos = start;
                            self.perr(&p0);
                            more = 0;
                            continue;
                        }
                        if let Err(u) = self.dotrap() {
                            break Step::End { eof: u == Unwind::Error };
                        }
                    }
                    Err(_) => complete = true,
                }
            };
            if iflag {
                let nl = buf[start..cur.pos.min(buf.len())].iter().filter(|&&c| c == b'\n').count();
                for _ in (more + 1)..nl {
                    self.perr(&p1);
                }
            }
            if (!qflag && self.flags.set(b'v')) || self.flags.set(b'V') {
                self.perr(&buf[start..cur.pos.min(buf.len())]);
            }
            match step {
                Step::End { eof } => {
                    if eof || !iflag {
                        break Ok(());
                    }
                }
                Step::Error(errs) => {
                    for e in &errs {
                        let mut m = e.message(Some(&file), &self.argv0);
                        m.push(b'\n');
                        self.perr(&m);
                        self.setstatus(e.msg.as_bytes());
                    }
                    if !iflag {
                        break Ok(());
                    }
                }
                Step::Command(None) => {}
                Step::Command(Some(t)) => {
                    if let Err(msg) = crate::code::check(&t, &mut iflast) {
                        let mut m = Vec::new();
                        pfln(&mut m, Some(&file), cur.line.saturating_sub(1), &self.argv0);
                        m.extend_from_slice(b": ");
                        m.extend_from_slice(msg.as_bytes());
                        m.push(b'\n');
                        self.perr(&m);
                        self.setstatus(msg.as_bytes());
                        if !iflag {
                            break Ok(());
                        }
                        continue;
                    }
                    if self.flags.set(b'n') && !qflag {
                        continue;
                    }
                    let eflag = !qflag && self.flags.set(b'e');
                    let r = self.run(&t, eflag);
                    if let Err(u) = r {
                        if !iflag {
                            break Err(u);
                        }
                        // unwound to this interactive thread
                        self.popredirs_to(self.startredir);
                        self.vars.truncate_locals(base_locals);
                        if u == Unwind::Interrupt {
                            self.perr(b"\n");
                        }
                    }
                }
            }
            // drop what has been read
            if cur.pos > 0 && fd.is_some() {
                buf.drain(..cur.pos);
                cur.pos = 0;
            }
        };
        self.popredirs_to(self.startredir);
        (self.file, self.line, self.iflag, self.qflag, self.startredir) = saved;
        result
    }
}

/// The rcmain rc reads first, hosted: the repository's `rc/lib/rcmain`.
#[cfg(not(feature = "native"))]
pub const RCMAIN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../../rc/lib/rcmain");
/// The rcmain rc reads first on planten: 9front's `/rc/lib/rcmain`.
#[cfg(feature = "native")]
pub const RCMAIN: &str = "/rc/lib/rcmain";

/// exec.c's `main`: reads the flags, imports the environment, sets
/// `$pid`, `$cflag`, `$rcname` and `$*`, then runs `. -bq rcmain $*` and
/// exits with its status. rcmain is `-m file`, else the environment's
/// `PLANTEN_RCMAIN`, else [`RCMAIN`].
pub fn main(argv: Vec<String>) -> ! {
    let argv0 = argv.first().cloned().unwrap_or_else(|| String::from("rc"));
    let (mut flags, args) = match crate::getflags::getflags(&argv) {
        Ok(x) => x,
        Err(e) => {
            let _ = syscall::write(Fd::STDERR, crate::getflags::usage(&e, &argv0).as_bytes());
            syscall::exits("bad flags")
        }
    };
    if argv0.starts_with('-') {
        flags.on(b'l');
    }
    if flags.set(b'I') {
        flags.off(b'i');
    } else if !flags.set(b'i') && args.len() == 1 && crate::plan9::isatty(Fd::STDIN) {
        flags.on(b'i');
    }
    let rcmain: String = match flags.arg(b'm') {
        Some(m) => String::from(m),
        None => match syscall::getenv("PLANTEN_RCMAIN") {
            Some(v) if !v.is_empty() => String::from_utf8_lossy(&v).into_owned(),
            _ => String::from(RCMAIN),
        },
    };
    let cflag = flags.arg(b'c').map(|s| s.as_bytes().to_vec());
    let mut sh = Shell::new(flags, &argv0);
    crate::trap::trapinit();
    sh.vinit();
    sh.vars.set(b"pid", alloc::vec![alloc::format!("{}", sh.mypid).into_bytes()]);
    sh.vars.set(b"cflag", cflag.into_iter().collect());
    sh.vars.set(b"rcname", alloc::vec![argv0.as_bytes().to_vec()]);
    sh.file = Some(Rc::from(&b"*bootstrap*"[..]));
    sh.line = 0;
    let star: List = args[1..].iter().map(|a| a.as_bytes().to_vec()).collect();
    sh.vars.set(b"*", star.clone());
    let mut a: List = alloc::vec![b".".to_vec(), b"-bq".to_vec(), rcmain.into_bytes()];
    a.extend(star);
    let _ = sh.xsimple(a);
    sh.exit()
}
