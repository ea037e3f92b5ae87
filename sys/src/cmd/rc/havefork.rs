//! Forking: the port of 9front's `sys/src/cmd/rc/havefork.c` (`Xasync`,
//! `Xpipe`, `Xbackq`, `Xpipefd`, `Xsubshell`, `execforkexec`) and of
//! exec.c's `Xpipewait`.
//!
//! What differs: a child does not start a thread on 9front's `runq`; it
//! runs the subtree and exits ([`Shell::child`]). A child that would do
//! nothing but exec a program (a command rc would fork and wait for, or
//! the simple command of `` `{cmd} `` or of a pipeline's left side, whose
//! words evaluate without a fork or an error) is made with libc's
//! [`spawn`](libc::syscall::spawn), which on Linux does not copy rc's
//! memory: the child makes the same descriptor changes (`doredir`) and
//! tries the same files of `$path` as 9front's child, and when none
//! execs rc forks after all, so that the child reports the failure as
//! 9front's does. As in 9front the right
//! side of a pipe runs in rc itself, so its assignments stay. A child's
//! status crosses Linux as a number (see libc's `exits`), so a pipeline
//! run in a child reports to its parent only the status of its last part
//! and `$status` of `a|b|c` is `x|y` where 9front gives `x|y|z` for a
//! pipeline nested in the child, as 9base's rc does.

use alloc::string::String;
use alloc::vec::Vec;

use libc::syscall::{self, Fd, FdOp, Pid};

use crate::exec::{Mode, RKind, Redir, Shell, R};
use crate::rc::RType;
use crate::simple::{isbuiltin, makepath};
use crate::tree::{Node, Tree};
use crate::var::{List, Word};

/// What doredir does for `r`, as [`spawn`](syscall::spawn)'s operations.
fn redir_ops(r: &Redir, ops: &mut Vec<FdOp>) {
    match r.kind {
        RKind::Open => {
            if r.from != r.to {
                ops.push(FdOp::Dup(Fd(r.from), Fd(r.to)));
                ops.push(FdOp::Close(Fd(r.from)));
            }
        }
        RKind::Dup => ops.push(FdOp::Dup(Fd(r.from), Fd(r.to))),
        RKind::Close => ops.push(FdOp::Close(Fd(r.from))),
        RKind::None => {}
    }
}

/// Can evaluating the word `t` fork or touch a file? (`` `{} `` and
/// `<{}` do; globbing only reads directories.)
fn forks(t: &Tree) -> bool {
    match &t.node {
        Node::Word { .. } => false,
        Node::Dollar(c) | Node::Quote(c) | Node::Count(c) => forks(c),
        Node::Sub(c, l) => forks(c) || l.iter().any(forks),
        Node::Caret(a, b) => forks(a) || forks(b),
        Node::Paren(l) | Node::Arglist(l) => l.iter().any(forks),
        _ => true,
    }
}

impl Shell {
    /// rc's `Fork`: exports the environment and forks.
    fn fork(&mut self) -> Result<Option<Pid>, String> {
        self.updenv();
        syscall::rfork(syscall::RFPROC | syscall::RFFDG | syscall::RFREND).map_err(|e| e.0)
    }

    /// Runs `t` in a freshly forked child and exits with its status.
    fn child(&mut self, t: Option<&Tree>, eflag: bool) -> ! {
        self.waitpids.clear();
        self.pipewait.clear();
        self.iflag = false;
        if let Some(t) = t {
            // the code after a child's command is Xexit
            self.tail = true;
            let _: R<()> = self.run(t, eflag);
        }
        self.exit()
    }

    /// The arguments of `t` when a child forked to run it would do
    /// nothing but exec a program: `t` is a simple command (in braces)
    /// whose words evaluate here without a fork or an error, naming
    /// neither a function nor a builtin, and no flag asks the child to
    /// print (`-x`, `-r`).
    fn only_execs(&mut self, mut t: &Tree) -> Option<List> {
        while let Node::Brace(Some(c)) = &t.node {
            t = c;
        }
        let Node::Simple(c) = &t.node else { return None };
        if self.flags.set(b'x') || self.flags.set(b'r') || forks(c) {
            return None;
        }
        self.probe = true;
        let a = self.words(c, Mode::Glob);
        self.probe = false;
        let a = a.ok()?;
        let name = a.first()?;
        if name == b"builtin" || isbuiltin(name) || self.vars.func(name).is_some() {
            return None;
        }
        Some(a)
    }

    /// Starts a child that makes the descriptor changes `pre`, those of
    /// the redirection stack, then `post`, and execs `a` as
    /// [`Shell::execexec`] would; `None` when no file of `$path` execs
    /// (or the system refuses), and nothing has happened.
    pub fn spawnexec(&mut self, a: &[Word], pre: &[FdOp], post: &[Redir]) -> Option<i32> {
        self.updenv();
        let mut ops: Vec<FdOp> = pre.to_vec();
        for r in self.redir.iter().chain(post) {
            redir_ops(r, &mut ops);
        }
        let s = |w: &[u8]| String::from_utf8_lossy(w).into_owned();
        let files: Vec<String> = self.searchpath(&a[0], b"path").iter().map(|d| s(&makepath(d, &a[0]))).collect();
        let files: Vec<&str> = files.iter().map(|f| f.as_str()).collect();
        let args: Vec<String> = a.iter().map(|w| s(w)).collect();
        let argv: Vec<&str> = args.iter().map(|x| x.as_str()).collect();
        let pid = syscall::spawn(&ops, &files, &argv).ok()?;
        self.waitpids.push(pid.0);
        Some(pid.0)
    }

    /// havefork.c's `Xasync`: `cmd &`.
    pub fn xasync(&mut self, c: Option<&Tree>, eflag: bool) -> R<()> {
        match self.fork() {
            Err(e) => Err(self.error2("try again", &e)),
            Ok(None) => {
                // code.c: the command reads /dev/null and runs in its own
                // note group (`rfork s`).
                let r = (|| -> R<()> {
                    match crate::plan9::open(b"/dev/null", 0) {
                        Ok(fd) => self.pushredir(RKind::Open, fd.0, 0),
                        Err(e) => return Err(self.error3("< can't open", b"/dev/null", &e.0)),
                    }
                    let _ = syscall::rfork(syscall::RFNOTEG);
                    Ok(())
                })();
                if r.is_err() {
                    self.exit()
                }
                self.child(c, eflag)
            }
            Ok(Some(pid)) => {
                self.waitpids.push(pid.0);
                self.vars.set(b"apid", alloc::vec![alloc::format!("{}", pid.0).into_bytes()]);
                Ok(())
            }
        }
    }

    /// havefork.c's `Xsubshell`: `@ cmd`.
    pub fn xsubshell(&mut self, c: Option<&Tree>, eflag: bool) -> R<()> {
        match self.fork() {
            Err(e) => Err(self.error2("try again", &e)),
            Ok(None) => self.child(c, eflag),
            Ok(Some(pid)) => {
                self.waitpids.push(pid.0);
                while self.waitfor(pid.0) < 0 {}
                Ok(())
            }
        }
    }

    /// havefork.c's `Xpipe` and exec.c's `Xpipewait`: the left side in a
    /// child, the right side here.
    pub fn xpipe(
        &mut self,
        lfd: i32,
        rfd: i32,
        left: Option<&Tree>,
        right: Option<&Tree>,
        eflag: bool,
    ) -> R<()> {
        let [prd, pwr] = match syscall::pipe() {
            Ok(p) => p,
            Err(e) => return Err(self.error2("can't get pipe", &e.0)),
        };
        let spawned = match left.and_then(|l| self.only_execs(l)) {
            Some(a) => {
                let w = Redir { kind: RKind::Open, from: pwr.0, to: lfd };
                self.spawnexec(&a, &[FdOp::Close(prd)], &[w])
            }
            None => None,
        };
        let pid = match spawned {
            Some(pid) => pid,
            None => match self.fork() {
                Err(e) => return Err(self.error2("try again", &e)),
                Ok(None) => {
                    let _ = syscall::close(prd);
                    self.startredir = self.redir.len();
                    self.pushredir(RKind::Open, pwr.0, lfd);
                    self.child(left, eflag)
                }
                Ok(Some(pid)) => {
                    self.waitpids.push(pid.0);
                    pid.0
                }
            },
        };
        let _ = syscall::close(pwr);
        self.pipewait.push((pid, None));
        let saved = self.startredir;
        self.startredir = self.redir.len();
        self.pushredir(RKind::Open, prd.0, rfd);
        let r = match right {
            Some(t) => self.run(t, eflag),
            None => Ok(()),
        };
        self.popredirs_to(self.startredir);
        self.startredir = saved;
        r?;
        // Xpipewait
        let old = self.getstatus();
        let i = self.pipewait.iter().rposition(|p| p.0 == pid);
        let early = i.and_then(|i| self.pipewait.remove(i).1);
        let left = match early {
            Some(s) => s,
            None => {
                self.pipewait.push((pid, None));
                while self.waitfor(pid) < 0 {}
                if let Some(i) = self.pipewait.iter().rposition(|p| p.0 == pid) {
                    self.pipewait.remove(i);
                }
                self.getstatus()
            }
        };
        let mut s = left;
        if !s.is_empty() {
            s.push(b'|');
        }
        s.extend_from_slice(&old);
        self.setstatus(&s);
        Ok(())
    }

    /// havefork.c's `Xbackq`: the output of `cmd`, split at the bytes of
    /// `split` (and at NUL). The pipe is libc's one-way `fdpipe` (only
    /// the child writes): natively the same as `pipe`, on Linux a kernel
    /// pipe, cheaper to make than `pipe`'s socket pair and what a Unix rc
    /// gives the command.
    pub fn xbackq(&mut self, split: &[u8], cmd: &Tree) -> R<List> {
        let [prd, pwr] = match syscall::fdpipe() {
            Ok(p) => p,
            Err(e) => return Err(self.error2("can't make pipe", &e.0)),
        };
        let spawned = match self.only_execs(cmd) {
            Some(a) => {
                let w = Redir { kind: RKind::Open, from: pwr.0, to: 1 };
                self.spawnexec(&a, &[FdOp::Close(prd)], &[w])
            }
            None => None,
        };
        let pid = match spawned {
            Some(pid) => pid,
            None => match self.fork() {
                Err(e) => {
                    let _ = syscall::close(prd);
                    let _ = syscall::close(pwr);
                    return Err(self.error2("try again", &e));
                }
                Ok(None) => {
                    let _ = syscall::close(prd);
                    self.pushredir(RKind::Open, pwr.0, 1);
                    self.child(Some(cmd), false)
                }
                Ok(Some(pid)) => {
                    self.waitpids.push(pid.0);
                    pid.0
                }
            },
        };
        let _ = syscall::close(pwr);
        let mut data = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            match syscall::read(prd, &mut buf) {
                Ok(0) => break,
                Ok(n) => data.extend_from_slice(&buf[..n]),
                Err(e) if e.0 == "interrupted" => continue,
                Err(_) => break,
            }
        }
        let _ = syscall::close(prd);
        let words = rstr_split(&data, split);
        self.waitfor(pid);
        Ok(words)
    }

    /// havefork.c's `Xpipefd`: `<{cmd}` and `>{cmd}`; the word naming the
    /// pipe's end.
    pub fn xpipefd(&mut self, rtype: RType, cmd: &Tree) -> R<Word> {
        let [prd, pwr] = match syscall::fdpipe() {
            Ok(p) => p,
            Err(e) => return Err(self.error2("can't get pipe", &e.0)),
        };
        let (sidefd, mainfd) = if rtype == RType::Read { (pwr, prd) } else { (prd, pwr) };
        match self.fork() {
            Err(e) => Err(self.error2("try again", &e)),
            Ok(None) => {
                let _ = syscall::close(mainfd);
                self.startredir = self.redir.len();
                self.pushredir(RKind::Open, sidefd.0, if rtype == RType::Read { 1 } else { 0 });
                self.child(Some(cmd), false)
            }
            Ok(Some(pid)) => {
                self.waitpids.push(pid.0);
                let _ = syscall::close(sidefd);
                self.pushredir(RKind::Open, mainfd.0, mainfd.0);
                self.shuffleredir();
                Ok(alloc::format!("{}{}", crate::plan9::FDPREFIX, mainfd.0).into_bytes())
            }
        }
    }

    /// havefork.c's `execforkexec`.
    pub fn forkexec(&mut self, a: &[Word]) -> Result<i32, String> {
        if let Some(pid) = self.spawnexec(a, &[], &[]) {
            return Ok(pid);
        }
        match self.fork()? {
            None => {
                self.waitpids.clear();
                let _ = self.execexec(a);
                self.exit()
            }
            Some(pid) => {
                self.waitpids.push(pid.0);
                Ok(pid.0)
            }
        }
    }

    /// plan9.c's `Waitfor`: waits for `pid` (any child for -1) and sets
    /// `$status`; -1 when a note interrupted the wait.
    pub fn waitfor(&mut self, pid: i32) -> i32 {
        if pid >= 0 && !self.waitpids.contains(&pid) {
            return 0;
        }
        loop {
            match syscall::awaitmsg() {
                Ok(m) => {
                    let (wpid, msg) = parse_await(&m);
                    self.waitpids.retain(|&p| p != wpid);
                    if wpid == pid {
                        self.setstatus(&msg);
                        return 0;
                    }
                    if let Some(p) = self.pipewait.iter_mut().rev().find(|p| p.0 == wpid) {
                        p.1 = Some(msg);
                    }
                }
                Err(e) => {
                    if e.0 == "interrupted" {
                        return -1;
                    }
                    return 0;
                }
            }
        }
    }
}

/// io.c's `rstr` applied until the end: the words of `data` separated by
/// runs of bytes of `stop`; a NUL always ends a word.
pub fn rstr_split(data: &[u8], stop: &[u8]) -> List {
    let is_stop = |c: u8| c == 0 || stop.contains(&c);
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        // skip leading separators (but not NUL)
        while i < data.len() && data[i] != 0 && stop.contains(&data[i]) {
            i += 1;
        }
        if i >= data.len() {
            break;
        }
        let st = i;
        while i < data.len() && !is_stop(data[i]) {
            i += 1;
        }
        out.push(data[st..i].to_vec());
        if i < data.len() {
            i += 1; // the separator
        }
    }
    out
}

/// Splits a wait message `pid utime stime rtime status` into the pid and
/// the status (unquoted).
pub fn parse_await(m: &str) -> (i32, Word) {
    let mut it = m.splitn(5, ' ');
    let pid = it.next().and_then(|p| p.parse().ok()).unwrap_or(-1);
    let _ = (it.next(), it.next(), it.next());
    let st = it.next().unwrap_or("");
    let st = if st.len() >= 2 && st.starts_with('\'') && st.ends_with('\'') {
        st[1..st.len() - 1].replace("''", "'")
    } else {
        String::from(st)
    };
    (pid, st.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn rstr_splits_as_backquote() {
        assert_eq!(rstr_split(b"a b\n\nc\n", b" \t\n"), alloc::vec![b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]);
        assert_eq!(rstr_split(b"a:b", b""), alloc::vec![b"a:b".to_vec()]);
        assert_eq!(rstr_split(b"a\0\0b", b" "), alloc::vec![b"a".to_vec(), b"".to_vec(), b"b".to_vec()]);
        assert!(rstr_split(b"   ", b" ").is_empty());
    }
    #[test]
    fn await_messages_parse() {
        assert_eq!(parse_await("12 0 0 0 ''"), (12, b"".to_vec()));
        assert_eq!(parse_await("12 0 0 0 'it''s x'"), (12, b"it's x".to_vec()));
        assert_eq!(parse_await("7 1 2 3 1"), (7, b"1".to_vec()));
    }
}

/// plan9.c's `Vinit` reading of one variable: `rstr(f, "")` until the
/// end, so each NUL ends an element.
pub fn rstr_split_env(v: &[u8]) -> List {
    let mut out: List = Vec::new();
    let mut cur = Vec::new();
    for &c in v {
        if c == 0 {
            out.push(core::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}
