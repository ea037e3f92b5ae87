//! rc's syntax tree: the port of 9front's `sys/src/cmd/rc/tree.c` and of
//! the `tree` node of `rc.h`.
//!
//! What differs from 9front:
//!
//! - A node is a [`Tree`]: the source line, the glob state and a [`Node`],
//!   a Rust enum with one variant per node type of rc.h (`WORD`, `'$'`,
//!   `SIMPLE`, `PIPE`, ...) instead of a type code and three child pointers.
//!   Children that 9front may leave null are `Option`s.
//! - The left-recursive lists of the grammar are vectors: `ARGLIST` chains
//!   become one [`Node::Arglist`], and the `WORDS` chains under `PAREN`,
//!   `SUB`, `FOR`, `~` and `fn` become `Vec<Tree>`. Their glob states are
//!   those `globprop` gives: an item whose glob is deferred to the list is
//!   [`Glob::Pattern`] and the list is [`Glob::Glob`].
//! - `simplemung` drops the redirections it lifts out of an argument list
//!   instead of leaving null slots; a list left with one word becomes that
//!   word (with the glob state the list had), so that printing a command
//!   and reading it back gives the same tree. The code generated from the
//!   two forms is the same.
//! - The free lists and `freenodes` are Rust ownership. `SIMPLE`'s `str`
//!   (a printed copy of the command that nothing reads) is not kept.
//! - A tree deeper than [`MAX_TREE_DEPTH`] is refused by the parser, so that
//!   the recursive walks over trees cannot exhaust the stack. 9front bounds
//!   nesting only through yacc's stack; the left-recursive rules (`^`, `|`,
//!   `&&`, `||`) can build deeper trees there.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::rc::RType;

/// The deepest tree the parser builds (see the module documentation).
pub const MAX_TREE_DEPTH: u32 = 1000;

/// rc.h's `glob` field: whether a word needs globbing, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Glob {
    /// A plain string.
    #[default]
    None = 0,
    /// Glob here: the code for this node is followed by `Xglob`.
    Glob = 1,
    /// Contains glob characters, but the node above globs (or, at run time,
    /// the word is used as a pattern).
    Pattern = 2,
}

/// A here document's text, read after the command that names it.
#[derive(Clone, Debug, Default)]
pub struct HereDoc {
    /// The text, each line with its newline, without the closing tag line;
    /// `None` after the error "NUL bytes in here doc".
    pub body: Option<Vec<u8>>,
    /// The order in which the parser queued it (to fill in `body`).
    pub(crate) seq: usize,
}

impl PartialEq for HereDoc {
    fn eq(&self, other: &Self) -> bool {
        self.body == other.body
    }
}
impl Eq for HereDoc {}

/// One node of the syntax tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tree {
    /// The source line the node is credited to, as 9front's `newtree` and
    /// `tree3` compute it. `pcmd` separates two commands of a list with
    /// `; ` when they are on the same line and with a newline otherwise.
    pub line: u32,
    /// The glob state (see [`Glob`]).
    pub glob: Glob,
    /// What the node is.
    pub node: Node,
    depth: u32,
}

/// The node types of rc.h. Each variant names the 9front type it stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// `WORD`: a word. `text` is the token as the lexer left it: in an
    /// unquoted word each `*`, `?`, `[` and [`crate::rc::GLOB`] byte is
    /// preceded by a `GLOB` byte. `quoted` is set for `'...'` words.
    Word { text: Vec<u8>, quoted: bool },
    /// `'$'`: `$w`.
    Dollar(Box<Tree>),
    /// `'"'`: `$"w`.
    Quote(Box<Tree>),
    /// `COUNT`: `$#w`.
    Count(Box<Tree>),
    /// `SUB`: `$w(subscripts)`.
    Sub(Box<Tree>, Vec<Tree>),
    /// `'^'`: `a^b`.
    Caret(Box<Tree>, Box<Tree>),
    /// `` '`' ``: `` `{cmd} `` (ifs `None`) or `` `ifs{cmd} ``; the command
    /// is a [`Node::Brace`].
    Backquote(Option<Box<Tree>>, Box<Tree>),
    /// `PAREN`: a list `(w ...)`.
    Paren(Vec<Tree>),
    /// `PIPEFD`: `<{cmd}`, `>{cmd}` and the other arrows before a brace;
    /// `cmd` is a [`Node::Brace`].
    PipeFd {
        rtype: RType,
        fd0: i32,
        cmd: Box<Tree>,
    },
    /// `SIMPLE`: a simple command; the child is a word or a
    /// [`Node::Arglist`].
    Simple(Box<Tree>),
    /// `ARGLIST`: the words of a simple command.
    Arglist(Vec<Tree>),
    /// `BRACE`: `{body}`.
    Brace(Option<Box<Tree>>),
    /// `PCMD`: the parenthesised condition `(body)` of `if` and `while`.
    Pcmd(Option<Box<Tree>>),
    /// `';'`: two commands in sequence (never with an empty side).
    Seq(Box<Tree>, Box<Tree>),
    /// `'&'`: `cmd &`.
    Async(Option<Box<Tree>>),
    /// `ANDAND`: `a && b`.
    AndAnd(Option<Box<Tree>>, Option<Box<Tree>>),
    /// `OROR`: `a || b`.
    OrOr(Option<Box<Tree>>, Option<Box<Tree>>),
    /// `PIPE`: `a | b`, `a |[fd0] b`, `a |[fd1=fd0] b` (the fields as
    /// 9front's lexer fills them).
    Pipe {
        fd0: i32,
        fd1: i32,
        left: Option<Box<Tree>>,
        right: Option<Box<Tree>>,
    },
    /// `BANG`: `! cmd`.
    Bang(Option<Box<Tree>>),
    /// `SUBSHELL`: `@ cmd`.
    Subshell(Option<Box<Tree>>),
    /// `IF`: `if(cond) cmd`; `cond` is a [`Node::Pcmd`].
    If(Box<Tree>, Option<Box<Tree>>),
    /// `NOT`: `if not cmd`.
    IfNot(Option<Box<Tree>>),
    /// `FOR`: `for(var in list) cmd`, or `for(var) cmd` when `list` is
    /// `None`. An empty `in` list is a list holding one empty
    /// [`Node::Paren`], as 9front builds it.
    For {
        var: Box<Tree>,
        list: Option<Vec<Tree>>,
        body: Option<Box<Tree>>,
    },
    /// `WHILE`: `while(cond) cmd`; `cond` is a [`Node::Pcmd`].
    While(Box<Tree>, Option<Box<Tree>>),
    /// `SWITCH`: `switch word {body}`; the body is a [`Node::Brace`].
    Switch(Box<Tree>, Box<Tree>),
    /// `TWIDDLE`: `~ subject patterns`.
    Twiddle(Box<Tree>, Vec<Tree>),
    /// `FN`: `fn names {body}`, or `fn names` (delete) when the body is
    /// `None`.
    Fn(Vec<Tree>, Option<Box<Tree>>),
    /// `REDIR`: `>target cmd` and the other file redirections. `here` is
    /// set for a here document (`rtype` [`RType::Here`]) whose tag is a
    /// word.
    Redir {
        rtype: RType,
        fd0: i32,
        target: Box<Tree>,
        cmd: Option<Box<Tree>>,
        here: Option<HereDoc>,
    },
    /// `DUP`: `>[fd1=fd0] cmd` (`rtype` [`RType::DupFd`]) or `>[fd0=] cmd`
    /// ([`RType::Close`]).
    Dup {
        rtype: RType,
        fd0: i32,
        fd1: i32,
        cmd: Option<Box<Tree>>,
    },
    /// `'='`: `name=value cmd`, or `name=value` when `cmd` is `None`.
    Assign {
        name: Box<Tree>,
        value: Box<Tree>,
        cmd: Option<Box<Tree>>,
    },
}

/// The body of [`Tree::children`] and [`Tree::children_mut`], which differ
/// only in mutability: pushes onto `$v` the children of `$node` (a `&Node`
/// or `&mut Node`), with `$iter` and `$deref` the matching `iter` and
/// `as_deref` methods.
macro_rules! push_children {
    ($v:ident, $node:expr, $iter:ident, $deref:ident) => {{
        macro_rules! o {
            ($t:expr) => {
                $v.extend($t.$deref())
            };
        }
        match $node {
            Node::Word { .. } => {}
            Node::Dollar(a) | Node::Quote(a) | Node::Count(a) => $v.push(a),
            Node::Sub(a, l) => {
                $v.push(a);
                $v.extend(l.$iter());
            }
            Node::Caret(a, b) | Node::Seq(a, b) | Node::Switch(a, b) => {
                $v.push(a);
                $v.push(b);
            }
            Node::Backquote(a, b) => {
                o!(a);
                $v.push(b);
            }
            Node::Paren(l) | Node::Arglist(l) => $v.extend(l.$iter()),
            Node::PipeFd { cmd, .. } => $v.push(cmd),
            Node::Simple(a) => $v.push(a),
            Node::Brace(a)
            | Node::Pcmd(a)
            | Node::Async(a)
            | Node::Bang(a)
            | Node::Subshell(a)
            | Node::IfNot(a) => o!(a),
            Node::AndAnd(a, b)
            | Node::OrOr(a, b)
            | Node::Pipe {
                left: a, right: b, ..
            } => {
                o!(a);
                o!(b);
            }
            Node::If(a, b) | Node::While(a, b) => {
                $v.push(a);
                o!(b);
            }
            Node::For { var, list, body } => {
                $v.push(var);
                if let Some(l) = list {
                    $v.extend(l.$iter());
                }
                o!(body);
            }
            Node::Twiddle(a, l) => {
                $v.push(a);
                $v.extend(l.$iter());
            }
            Node::Fn(l, b) => {
                $v.extend(l.$iter());
                o!(b);
            }
            Node::Redir { target, cmd, .. } => {
                $v.push(target);
                o!(cmd);
            }
            Node::Dup { cmd, .. } => o!(cmd),
            Node::Assign { name, value, cmd } => {
                $v.push(name);
                $v.push(value);
                o!(cmd);
            }
        }
    }};
}

impl Tree {
    /// A node credited to `line`, with glob state [`Glob::None`].
    pub fn new(line: u32, node: Node) -> Tree {
        let mut t = Tree {
            line,
            glob: Glob::None,
            node,
            depth: 1,
        };
        t.depth = 1 + t.children().iter().map(|c| c.depth).max().unwrap_or(0);
        t
    }

    /// A word node.
    pub fn word(line: u32, text: &[u8], quoted: bool) -> Tree {
        Tree::new(
            line,
            Node::Word {
                text: text.to_vec(),
                quoted,
            },
        )
    }

    /// The same node with glob state `glob`.
    pub fn with_glob(mut self, glob: Glob) -> Tree {
        self.glob = glob;
        self
    }

    /// The number of nodes on the longest path from this node down.
    pub fn depth(&self) -> u32 {
        self.depth
    }

    /// The children, in source order.
    pub fn children(&self) -> Vec<&Tree> {
        let mut v: Vec<&Tree> = Vec::new();
        push_children!(v, &self.node, iter, as_deref);
        v
    }

    /// The children, mutably, in source order.
    pub fn children_mut(&mut self) -> Vec<&mut Tree> {
        let mut v: Vec<&mut Tree> = Vec::new();
        push_children!(v, &mut self.node, iter_mut, as_deref_mut);
        v
    }

    /// Sets the line of every node to `line` (to compare trees without
    /// their lines).
    pub fn set_lines(&mut self, line: u32) {
        self.line = line;
        for c in self.children_mut() {
            c.set_lines(line);
        }
    }

    /// The same tree up to lines: equal shapes, words, fds and glob states.
    pub fn same_as(&self, other: &Tree) -> bool {
        let mut a = self.clone();
        let mut b = other.clone();
        a.set_lines(0);
        b.set_lines(0);
        a == b
    }

    /// The text of a word node.
    pub fn word_text(&self) -> Option<&[u8]> {
        match &self.node {
            Node::Word { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A one-line rendering of the tree as an S-expression, for tests and
    /// debugging: words as `"text"` (unquoted, GLOB bytes shown as `\1`)
    /// or `'text'` (quoted), a glob state as `:g1`/`:g2` after the node, an
    /// absent child as `nil`.
    pub fn sexp(&self) -> alloc::string::String {
        let mut s = alloc::string::String::new();
        sexp(&mut s, Some(self));
        s
    }
}

fn esc(s: &mut alloc::string::String, text: &[u8], q: char) {
    s.push(q);
    for &b in text {
        match b {
            b'\\' => s.push_str("\\\\"),
            b'\n' => s.push_str("\\n"),
            b'\t' => s.push_str("\\t"),
            0x01 => s.push_str("\\1"),
            _ if b == q as u8 => {
                s.push('\\');
                s.push(q)
            }
            0x20..=0x7e => s.push(b as char),
            _ => {
                use core::fmt::Write;
                let _ = write!(s, "\\x{:02x}", b);
            }
        }
    }
    s.push(q);
}

fn sexp(s: &mut alloc::string::String, t: Option<&Tree>) {
    use core::fmt::Write;
    let t = match t {
        None => {
            s.push_str("nil");
            return;
        }
        Some(t) => t,
    };
    fn o(t: &Option<Box<Tree>>) -> Option<&Tree> {
        t.as_deref()
    }
    let mut kids: Vec<Option<&Tree>> = Vec::new();
    let name: alloc::string::String = match &t.node {
        Node::Word { text, quoted } => {
            esc(s, text, if *quoted { '\'' } else { '"' });
            if t.glob != Glob::None {
                let _ = write!(s, ":g{}", t.glob as u8);
            }
            return;
        }
        Node::Dollar(a) => {
            kids.push(Some(a));
            "$".into()
        }
        Node::Quote(a) => {
            kids.push(Some(a));
            "$\"".into()
        }
        Node::Count(a) => {
            kids.push(Some(a));
            "$#".into()
        }
        Node::Sub(a, l) => {
            kids.push(Some(a));
            kids.extend(l.iter().map(Some));
            "sub".into()
        }
        Node::Caret(a, b) => {
            kids.push(Some(a));
            kids.push(Some(b));
            "^".into()
        }
        Node::Backquote(a, b) => {
            kids.push(o(a));
            kids.push(Some(b));
            "`".into()
        }
        Node::Paren(l) => {
            kids.extend(l.iter().map(Some));
            "paren".into()
        }
        Node::PipeFd { rtype, fd0, cmd } => {
            kids.push(Some(cmd));
            alloc::format!("pipefd{}{}", rname(*rtype), fd0)
        }
        Node::Simple(a) => {
            kids.push(Some(a));
            "simple".into()
        }
        Node::Arglist(l) => {
            kids.extend(l.iter().map(Some));
            "args".into()
        }
        Node::Brace(a) => {
            kids.push(o(a));
            "brace".into()
        }
        Node::Pcmd(a) => {
            kids.push(o(a));
            "pcmd".into()
        }
        Node::Seq(a, b) => {
            kids.push(Some(a));
            kids.push(Some(b));
            ";".into()
        }
        Node::Async(a) => {
            kids.push(o(a));
            "&".into()
        }
        Node::AndAnd(a, b) => {
            kids.push(o(a));
            kids.push(o(b));
            "&&".into()
        }
        Node::OrOr(a, b) => {
            kids.push(o(a));
            kids.push(o(b));
            "||".into()
        }
        Node::Pipe {
            fd0,
            fd1,
            left,
            right,
        } => {
            kids.push(o(left));
            kids.push(o(right));
            alloc::format!("|{}={}", fd0, fd1)
        }
        Node::Bang(a) => {
            kids.push(o(a));
            "!".into()
        }
        Node::Subshell(a) => {
            kids.push(o(a));
            "@".into()
        }
        Node::If(a, b) => {
            kids.push(Some(a));
            kids.push(o(b));
            "if".into()
        }
        Node::IfNot(a) => {
            kids.push(o(a));
            "ifnot".into()
        }
        Node::For { var, list, body } => {
            let _ = write!(s, "(for ");
            sexp(s, Some(var));
            match list {
                None => s.push_str(" nil"),
                Some(l) => {
                    s.push_str(" (in");
                    for w in l {
                        s.push(' ');
                        sexp(s, Some(w));
                    }
                    s.push(')');
                }
            }
            s.push(' ');
            sexp(s, o(body));
            s.push(')');
            return;
        }
        Node::While(a, b) => {
            kids.push(Some(a));
            kids.push(o(b));
            "while".into()
        }
        Node::Switch(a, b) => {
            kids.push(Some(a));
            kids.push(Some(b));
            "switch".into()
        }
        Node::Twiddle(a, l) => {
            kids.push(Some(a));
            kids.extend(l.iter().map(Some));
            "~".into()
        }
        Node::Fn(l, b) => {
            let _ = write!(s, "(fn (");
            for (i, w) in l.iter().enumerate() {
                if i > 0 {
                    s.push(' ');
                }
                sexp(s, Some(w));
            }
            s.push_str(") ");
            sexp(s, o(b));
            s.push(')');
            return;
        }
        Node::Redir {
            rtype,
            fd0,
            target,
            cmd,
            here,
        } => {
            kids.push(Some(target));
            kids.push(o(cmd));
            let mut n = alloc::format!("redir{}{}", rname(*rtype), fd0);
            if let Some(h) = here {
                n.push_str(" here=");
                match &h.body {
                    Some(b) => {
                        let mut e = alloc::string::String::new();
                        esc(&mut e, b, '"');
                        n.push_str(&e);
                    }
                    None => n.push_str("nil"),
                }
            }
            n
        }
        Node::Dup {
            rtype,
            fd0,
            fd1,
            cmd,
        } => {
            kids.push(o(cmd));
            match rtype {
                RType::DupFd => alloc::format!("dup[{}={}]", fd1, fd0),
                _ => alloc::format!("dup[{}=]", fd0),
            }
        }
        Node::Assign { name, value, cmd } => {
            kids.push(Some(name));
            kids.push(Some(value));
            kids.push(o(cmd));
            "=".into()
        }
    };
    s.push('(');
    s.push_str(&name);
    if t.glob != Glob::None {
        let _ = write!(s, ":g{}", t.glob as u8);
    }
    for k in kids {
        s.push(' ');
        sexp(s, k);
    }
    s.push(')');
}

fn rname(r: RType) -> &'static str {
    match r {
        RType::Append => ">>",
        RType::Write => ">",
        RType::Read => "<",
        RType::Here => "<<",
        RType::DupFd => "=",
        RType::Close => "=",
        RType::RdWr => "<>",
    }
}

/// The line of the first present child, or `cur` (tree.c's `tree3`).
pub(crate) fn line3(kids: &[Option<&Tree>], cur: u32) -> u32 {
    kids.iter().flatten().map(|t| t.line).next().unwrap_or(cur)
}

/// tree.c's `globprop` for a two-child node: a child that globs defers to
/// the new node, which globs.
pub(crate) fn globprop2(t: &mut Tree) {
    let mut any = false;
    for c in t.children_mut() {
        if c.glob != Glob::None {
            c.glob = Glob::Pattern;
            any = true;
        }
    }
    if any {
        t.glob = Glob::Glob;
    }
}

/// `globprop` for a list (`PAREN`, and `ARGLIST` whose chain `globprop`
/// sees one link at a time): the list globs if any item does.
pub(crate) fn globprop_list(items: &mut [Tree]) -> Glob {
    let mut g = Glob::None;
    for c in items.iter_mut() {
        if c.glob != Glob::None {
            c.glob = Glob::Pattern;
            g = Glob::Glob;
        }
    }
    g
}

// The parser passes boxed trees around to keep its recursive frames small.

/// `'^'`: `tree2('^', a, b)` under `globprop`.
pub(crate) fn caret(a: Box<Tree>, b: Box<Tree>) -> Box<Tree> {
    let line = a.line;
    let mut t = Box::new(Tree::new(line, Node::Caret(a, b)));
    globprop2(&mut t);
    t
}

/// `tree1(PAREN, words)` under `globprop`.
pub(crate) fn paren(mut words: Vec<Tree>, cur: u32) -> Box<Tree> {
    let line = words.first().map(|w| w.line).unwrap_or(cur);
    let g = globprop_list(&mut words);
    Box::new(Tree::new(line, Node::Paren(words)).with_glob(g))
}

/// One item of a simple command's argument list: a word or a redirection
/// still to be lifted out by [`simplemung`].
pub(crate) enum Arg {
    Word(Box<Tree>),
    Redir(Box<Tree>),
}

/// tree.c's `simplemung`: builds the `SIMPLE` node over the argument list
/// and lifts the redirections above it, the first one outermost.
pub(crate) fn simplemung(args: Vec<Arg>) -> Box<Tree> {
    let mut words: Vec<Tree> = Vec::new();
    let mut redirs: Vec<Box<Tree>> = Vec::new();
    let mut glob = Glob::None;
    let n = args.len();
    for a in args {
        match a {
            Arg::Word(mut w) => {
                if n > 1 && w.glob != Glob::None {
                    w.glob = Glob::Pattern;
                    glob = Glob::Glob;
                }
                words.push(*w);
            }
            Arg::Redir(r) => redirs.push(r),
        }
    }
    let inner = if words.len() == 1 {
        let mut w = words.pop().unwrap();
        if glob == Glob::Glob {
            w.glob = Glob::Glob;
        }
        w
    } else {
        let line = words[0].line;
        Tree::new(line, Node::Arglist(words)).with_glob(glob)
    };
    let line = inner.line;
    let mut t = Box::new(Tree::new(line, Node::Simple(Box::new(inner))));
    while let Some(r) = redirs.pop() {
        t = set_cmd(r, Some(t));
    }
    t
}

/// Sets the command of a redirection node (`REDIR` or `DUP`): the `c1`
/// that `mung2` and `simplemung` fill in.
#[allow(clippy::boxed_local)]
pub(crate) fn set_cmd(r: Box<Tree>, c: Option<Box<Tree>>) -> Box<Tree> {
    let mut r = *r;
    match &mut r.node {
        Node::Redir { cmd, .. } | Node::Dup { cmd, .. } => *cmd = c,
        _ => unreachable!("set_cmd on a node that is not a redirection"),
    }
    Box::new(Tree::new(r.line, r.node).with_glob(r.glob))
}

/// tree.c's `epimung`: the redirections after a brace, the first one
/// outermost, with the brace innermost.
#[allow(clippy::vec_box)]
pub(crate) fn epimung(comp: Box<Tree>, epi: Vec<Box<Tree>>) -> Box<Tree> {
    let mut t = comp;
    for r in epi.into_iter().rev() {
        t = set_cmd(r, Some(t));
    }
    t
}

/// `tree2(';', a, b)`, which drops an empty side.
pub(crate) fn seq(a: Option<Box<Tree>>, b: Option<Box<Tree>>) -> Option<Box<Tree>> {
    match (a, b) {
        (None, b) => b,
        (a, None) => a,
        (Some(a), Some(b)) => {
            let line = a.line;
            Some(Box::new(Tree::new(line, Node::Seq(a, b))))
        }
    }
}
