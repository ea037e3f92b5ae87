//! Printing a tree as rc source: the port of 9front's
//! `sys/src/cmd/rc/pcmd.c`.
//!
//! This is the text `whatis` shows for a function (`fn name {...}`) and
//! that rc exports in `fn#name`. The format is 9front's exactly: a brace
//! opens a new line indented by one more tab (modulo eight), two commands
//! of a list are separated by `; ` when they came from one line and by a
//! newline otherwise, redirections print before their command with a space
//! in front, here documents print their text after the command.
//!
//! What differs: the output goes to a byte vector, and the tab depth is
//! the printer's rather than a global.

use alloc::vec::Vec;

use crate::io::pquo;
use crate::rc::{RType, GLOB};
use crate::tree::{Node, Tree};

/// pcmd.c's `pcmd`: appends `t` as rc source to `out`.
pub fn pcmd(out: &mut Vec<u8>, t: Option<&Tree>) {
    Printer { out, ntab: 0 }.pcmd(t);
}

/// tree.c's `fnstr`: the text of `t` (for a function, its brace).
pub fn fnstr(t: &Tree) -> Vec<u8> {
    let mut v = Vec::new();
    pcmd(&mut v, Some(t));
    v
}

/// pcmd.c's `pdeglob`: a word's text without the GLOB escapes.
fn pdeglob(out: &mut Vec<u8>, s: &[u8]) {
    let mut i = 0;
    while i < s.len() {
        if s[i] == GLOB {
            i += 1;
            if i == s.len() {
                break;
            }
        }
        out.push(s[i]);
        i += 1;
    }
}

struct Printer<'a> {
    out: &'a mut Vec<u8>,
    ntab: usize,
}

impl Printer<'_> {
    fn s(&mut self, s: &str) {
        self.out.extend_from_slice(s.as_bytes());
    }

    fn tabs(&mut self) {
        for _ in 0..self.ntab % 8 {
            self.out.push(b'\t');
        }
    }

    fn num(&mut self, n: i32) {
        self.out
            .extend_from_slice(alloc::format!("{}", n).as_bytes());
    }

    fn b(&mut self, t: &Option<alloc::boxed::Box<Tree>>) {
        self.pcmd(t.as_deref());
    }

    fn list(&mut self, l: &[Tree]) {
        for (i, w) in l.iter().enumerate() {
            if i > 0 {
                self.out.push(b' ');
            }
            self.pcmd(Some(w));
        }
    }

    fn pcmd(&mut self, t: Option<&Tree>) {
        let t = match t {
            Some(t) => t,
            None => return,
        };
        match &t.node {
            Node::Dollar(a) => {
                self.s("$");
                self.pcmd(Some(a));
            }
            Node::Quote(a) => {
                self.s("$\"");
                self.pcmd(Some(a));
            }
            Node::Async(a) => {
                self.b(a);
                self.s("&");
            }
            Node::Caret(a, b) => {
                self.pcmd(Some(a));
                self.s("^");
                self.pcmd(Some(b));
            }
            Node::Backquote(a, b) => {
                self.s("`");
                self.b(a);
                self.pcmd(Some(b));
            }
            Node::AndAnd(a, b) => {
                self.b(a);
                self.s(" && ");
                self.b(b);
            }
            Node::Bang(a) => {
                self.s("! ");
                self.b(a);
            }
            Node::Brace(a) => {
                self.ntab += 1;
                self.s("{\n");
                self.tabs();
                self.b(a);
                self.ntab -= 1;
                self.s("\n");
                self.tabs();
                self.s("}");
            }
            Node::Count(a) => {
                self.s("$#");
                self.pcmd(Some(a));
            }
            Node::Fn(l, b) => {
                self.s("fn ");
                self.list(l);
                self.s(" ");
                self.b(b);
            }
            Node::If(a, b) => {
                self.s("if");
                self.pcmd(Some(a));
                self.b(b);
            }
            Node::IfNot(a) => {
                self.s("if not ");
                self.b(a);
            }
            Node::OrOr(a, b) => {
                self.b(a);
                self.s(" || ");
                self.b(b);
            }
            Node::Pcmd(a) => {
                self.s("(");
                self.b(a);
                self.s(")");
            }
            Node::Paren(l) => {
                self.s("(");
                self.list(l);
                self.s(")");
            }
            Node::Sub(a, l) => {
                self.s("$");
                self.pcmd(Some(a));
                self.s("(");
                self.list(l);
                self.s(")");
            }
            Node::Simple(a) => self.pcmd(Some(a)),
            Node::Subshell(a) => {
                self.s("@ ");
                self.b(a);
            }
            Node::Switch(a, b) => {
                self.s("switch ");
                self.pcmd(Some(a));
                self.s(" ");
                self.pcmd(Some(b));
            }
            Node::Twiddle(a, l) => {
                self.s("~ ");
                self.pcmd(Some(a));
                self.s(" ");
                self.list(l);
            }
            Node::While(a, b) => {
                self.s("while ");
                self.pcmd(Some(a));
                self.b(b);
            }
            Node::Arglist(l) => self.list(l),
            Node::Seq(a, b) => {
                self.pcmd(Some(a));
                if a.line == b.line {
                    self.s("; ");
                } else {
                    self.s("\n");
                    self.tabs();
                }
                self.pcmd(Some(b));
            }
            Node::For { var, list, body } => {
                self.s("for(");
                self.pcmd(Some(var));
                if let Some(l) = list {
                    self.s(" in ");
                    self.list(l);
                }
                self.s(")");
                self.b(body);
            }
            Node::Word { text, quoted } => {
                if *quoted {
                    pquo(self.out, text);
                } else {
                    pdeglob(self.out, text);
                }
            }
            Node::Dup {
                rtype,
                fd0,
                fd1,
                cmd,
            } => {
                if *rtype == RType::DupFd {
                    self.s(">[");
                    self.num(*fd1);
                    self.s("=");
                    self.num(*fd0);
                    self.s("]");
                } else {
                    self.s(">[");
                    self.num(*fd0);
                    self.s("=]");
                }
                self.b(cmd);
            }
            Node::PipeFd { rtype, fd0, cmd } => {
                self.redir(*rtype, *fd0, cmd, None);
                if *rtype == RType::Here {
                    // 9front prints the (absent) here text and tag of a
                    // PIPEFD node as "(null)".
                    self.s("\n(null)(null)\n");
                }
            }
            Node::Redir {
                rtype,
                fd0,
                target,
                cmd,
                here,
            } => {
                if *rtype == RType::Here {
                    self.out.push(b' ');
                    if cmd.is_some() {
                        self.b(cmd);
                        self.s(" ");
                    }
                    self.s("<");
                    self.arrow(*rtype, *fd0);
                    self.pcmd(Some(target));
                    self.s("\n");
                    match here.as_ref().and_then(|h| h.body.as_ref()) {
                        Some(b) => self.out.extend_from_slice(b),
                        None => self.s("(null)"),
                    }
                    match target.word_text() {
                        Some(w) => self.out.extend_from_slice(w),
                        None => self.s("(null)"),
                    }
                    self.s("\n");
                } else {
                    self.redir(*rtype, *fd0, target, Some(cmd));
                }
            }
            Node::Assign { name, value, cmd } => {
                self.pcmd(Some(name));
                self.s("=");
                self.pcmd(Some(value));
                if cmd.is_some() {
                    self.s(" ");
                    self.b(cmd);
                }
            }
            Node::Pipe {
                fd0,
                fd1,
                left,
                right,
            } => {
                self.b(left);
                self.s("|");
                if *fd1 == 0 {
                    if *fd0 != 1 {
                        self.s("[");
                        self.num(*fd0);
                        self.s("]");
                    }
                } else {
                    self.s("[");
                    self.num(*fd0);
                    self.s("=");
                    self.num(*fd1);
                    self.s("]");
                }
                self.b(right);
            }
        }
    }

    /// The arrow of a redirection other than a here document's second
    /// `<`, and its fd when not the default.
    fn arrow(&mut self, rtype: RType, fd0: i32) {
        match rtype {
            RType::Here | RType::Read | RType::RdWr => {
                self.s("<");
                if rtype == RType::RdWr {
                    self.s(">");
                }
                if fd0 != 0 {
                    self.s("[");
                    self.num(fd0);
                    self.s("]");
                }
            }
            RType::Append | RType::Write => {
                if rtype == RType::Append {
                    self.s(">");
                }
                self.s(">");
                if fd0 != 1 {
                    self.s("[");
                    self.num(fd0);
                    self.s("]");
                }
            }
            RType::DupFd | RType::Close => {}
        }
    }

    /// ` arrow target cmd` for REDIR and PIPEFD nodes.
    fn redir(
        &mut self,
        rtype: RType,
        fd0: i32,
        target: &Tree,
        cmd: Option<&Option<alloc::boxed::Box<Tree>>>,
    ) {
        self.out.push(b' ');
        if rtype == RType::Here {
            self.s("<");
        }
        self.arrow(rtype, fd0);
        self.pcmd(Some(target));
        if let Some(c) = cmd {
            if c.is_some() {
                self.s(" ");
                self.b(c);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syn::parse_script;

    fn body(src: &str) -> String {
        let t = parse_script(src.as_bytes()).unwrap();
        let crate::tree::Node::Fn(_, Some(b)) = &t[0].node else { panic!() };
        String::from_utf8(super::fnstr(b)).unwrap()
    }

    /// The layout read from 9front's pcmd.c (and seen in its rc's
    /// `whatis`): tabs per brace depth, `; ` within a line, redirections
    /// first with a space before, no spaces around `|`.
    #[test]
    fn whatis_layout_is_9fronts() {
        assert_eq!(body("fn f {a; b\nc}\n"), "{\n\ta; b\n\tc\n}");
        assert_eq!(body("fn f {if(x) {y}}\n"), "{\n\tif(x){\n\t\ty\n\t}\n}");
        assert_eq!(body("fn f {a >f <g | b >[2=1]}\n"), "{\n\t >f  <g a|>[2=1]b\n}");
        assert_eq!(body("fn f {for(i) x; for(i in) y; while(z) w}\n"), "{\n\tfor(i)x; for(i in ())y; while (z)w\n}");
        assert_eq!(body("fn f {~ $x 'a b' *.c; x=`{ls} y}\n"), "{\n\t~ $x 'a b' *.c; x=`{\n\t\tls\n\t} y\n}");
        assert_eq!(body("fn f {! a && @ b || fn g}\n"), "{\n\t! a && @ b || fn g \n}");
        let deep = "fn f {".to_string() + &"{".repeat(9) + "x" + &"}".repeat(9) + "}\n";
        // Indentation wraps after eight tabs, as 9front's tabs() does.
        let want = "{\n\t{\n\t\t{\n\t\t\t{\n\t\t\t\t{\n\t\t\t\t\t{\n\t\t\t\t\t\t{\n\t\t\t\t\t\t\t{\n{\n\t{\n\t\tx\n\t}\n}\n\t\t\t\t\t\t\t}\n\t\t\t\t\t\t}\n\t\t\t\t\t}\n\t\t\t\t}\n\t\t\t}\n\t\t}\n\t}\n}";
        assert_eq!(body(&deep), want);
    }
}
