//! Running simple commands and the builtins: the port of 9front's
//! `sys/src/cmd/rc/simple.c` (with plan9.c's `execrfork` and
//! `execfinit`, which 9front keeps there because they differ by system).
//!
//! What differs: 9front's `exitnext` (exec instead of fork when nothing
//! but the exit of a forked child follows) looks ahead in the code
//! vector; the tree walker has no code to look at, so [`Shell::run`]
//! hands the same answer down the tree ([`Shell::tail`], skipping what
//! exitnext skips) and [`Shell::xsimple_at`] execs when it is set. A
//! program rc forks and waits for is started with libc's `spawn` (see
//! [`crate::havefork`]). The builtins read their arguments from a vector
//! instead of the stack.
//! `finit` reads the functions from libc's environment (`fn#name`
//! variables) rather than `/env/fn#*` files.

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use libc::syscall::{self, Fd};

use crate::exec::{xqw, Input, Shell, R};
use crate::var::{List, Word};

/// The builtins, as plan9.c's `Builtin` table.
pub const BUILTINS: [&[u8]; 11] = [
    b"cd", b"whatis", b"eval", b"exec", b"exit", b"shift", b"wait", b".", b"flag", b"finit",
    b"rfork",
];

pub fn isbuiltin(name: &[u8]) -> bool {
    // every builtin's name starts with one of these bytes
    matches!(name.first(), Some(b'c' | b'w' | b'e' | b's' | b'.' | b'f' | b'r')) && BUILTINS.contains(&name)
}

/// simple.c's `makepath`: `dir/file`, or `file` when `dir` is empty.
pub fn makepath(dir: &[u8], file: &[u8]) -> Word {
    if dir.is_empty() {
        return file.to_vec();
    }
    let mut n = dir.len();
    while n > 0 && dir[n - 1] == b'/' {
        n -= 1;
    }
    let mut f = file;
    while f.first() == Some(&b'/') {
        f = &f[1..];
    }
    let mut p = Vec::with_capacity(n + f.len() + 1);
    p.extend_from_slice(&dir[..n]);
    p.push(b'/');
    p.extend_from_slice(f);
    p
}

fn s(w: &[u8]) -> String {
    String::from_utf8_lossy(w).into_owned()
}

impl Shell {
    /// simple.c's `searchpath`: the directories to look for `w` in.
    pub fn searchpath(&self, w: &[u8], var: &[u8]) -> List {
        let rel = !w.is_empty()
            && w[0] != b'/'
            && w[0] != b'#'
            && (w[0] != b'.'
                || (w.len() > 1 && w[1] != b'/' && (w[1] != b'.' || (w.len() > 2 && w[2] != b'/'))));
        if rel {
            let p = self.vars.get(var);
            if !p.is_empty() {
                return p.to_vec();
            }
        }
        alloc::vec![Vec::new()]
    }

    /// exec.c's `Xsimple`.
    pub fn xsimple(&mut self, a: List) -> R<()> {
        self.xsimple_at(a, false)
    }

    /// exec.c's `Xsimple` where `exitnext` says whether only the exit
    /// of a forked child follows: then a program replaces rc rather than
    /// being forked and waited for, as 9front does.
    pub fn xsimple_at(&mut self, mut a: List, exitnext: bool) -> R<()> {
        if a.is_empty() {
            return Err(self.error1("empty argument list"));
        }
        if self.flags.set(b'x') {
            let mut m = Vec::new();
            crate::pfnc::pval(&mut m, &a);
            m.push(b'\n');
            self.perr(&m);
        }
        if self.vars.func(&a[0]).is_some() {
            let name = a.remove(0);
            return self.startfunc_at(&name, a, true, exitnext);
        }
        if a[0] == b"builtin" {
            if a.len() == 1 {
                return Err(self.error1("builtin: empty argument list"));
            }
            a.remove(0);
        }
        if isbuiltin(&a[0]) {
            return self.builtin(a);
        }
        if exitnext {
            // fork and wait is redundant
            return self.execexec(&a);
        }
        let pid = match self.forkexec(&a) {
            Ok(p) => p,
            Err(e) => return Err(self.error2("try again", &e)),
        };
        while self.waitfor(pid) < 0 {}
        Ok(())
    }

    fn builtin(&mut self, a: List) -> R<()> {
        match &a[0][..] {
            b"cd" => self.execcd(a),
            b"whatis" => self.execwhatis(a),
            b"eval" => self.execeval(a),
            b"exec" => self.execexec(&a[1..]),
            b"exit" => self.execexit(a),
            b"shift" => self.execshift(a),
            b"wait" => self.execwait(a),
            b"." => self.execdot(a),
            b"flag" => self.execflag(a),
            b"finit" => self.execfinit(),
            b"rfork" => self.execrfork(a),
            _ => Ok(()),
        }
    }

    /// simple.c's `execexec`: replaces rc by the command; returns only by
    /// exiting.
    pub fn execexec(&mut self, a: &[Word]) -> R<()> {
        if a.is_empty() {
            return Err(self.error1("exec: empty argument list"));
        }
        self.updenv();
        self.doredir();
        let args: Vec<String> = a.iter().map(|w| s(w)).collect();
        let argv: Vec<&str> = args.iter().map(|x| x.as_str()).collect();
        let mut err = String::new();
        for dir in self.searchpath(&a[0], b"path") {
            let file = makepath(&dir, &a[0]);
            err = crate::plan9::exec(&s(&file), &argv).0;
        }
        self.setstatus(err.as_bytes());
        let mut m = Vec::new();
        crate::subr::pfln(&mut m, self.file.as_deref(), self.line, &self.argv0);
        m.extend_from_slice(b": ");
        m.extend_from_slice(&a[0]);
        m.extend_from_slice(b": ");
        m.extend_from_slice(err.as_bytes());
        m.push(b'\n');
        self.perr(&m);
        self.exit()
    }

    fn execcd(&mut self, a: List) -> R<()> {
        self.setstatus(b"can't cd");
        match a.len() {
            2 => {
                let mut ok = false;
                let mut last = String::new();
                for cdp in self.searchpath(&a[1], b"cdpath") {
                    let dir = makepath(&cdp, &a[1]);
                    match crate::plan9::chdir(&dir) {
                        Ok(()) => {
                            if !cdp.is_empty() && cdp != b"." {
                                self.perr(&[&dir[..], b"\n"].concat());
                            }
                            self.setstatus(b"");
                            ok = true;
                            break;
                        }
                        Err(e) => last = e.0,
                    }
                }
                if !ok {
                    self.perr(&[b"Can't cd ", &a[1][..], b": ", last.as_bytes(), b"\n"].concat());
                }
            }
            1 => match self.vars.get(b"home").first().cloned() {
                Some(h) => match crate::plan9::chdir(&h) {
                    Ok(()) => self.setstatus(b""),
                    Err(e) => self.perr(&[b"Can't cd ", &h[..], b": ", e.0.as_bytes(), b"\n"].concat()),
                },
                None => self.perr(b"Can't cd -- $home empty\n"),
            },
            _ => self.perr(b"Usage: cd [directory]\n"),
        }
        Ok(())
    }

    fn execexit(&mut self, a: List) -> R<()> {
        if a.len() > 2 {
            self.perr(b"Usage: exit [status]\nExiting anyway\n");
        }
        if a.len() >= 2 {
            self.setstatus(&a[1]);
        }
        self.exit()
    }

    fn execshift(&mut self, a: List) -> R<()> {
        let n = match a.len() {
            1 => 1,
            2 => atoi(&a[1]),
            _ => {
                self.perr(b"Usage: shift [n]\n");
                self.setstatus(b"shift usage");
                return Ok(());
            }
        };
        // in place, as 9front frees the words off the front of $*
        let star = self.vars.val_mut(b"*");
        let k = (n.max(0) as usize).min(star.len());
        star.drain(..k);
        self.setstatus(b"");
        Ok(())
    }

    fn execwait(&mut self, a: List) -> R<()> {
        match a.len() {
            1 => {
                self.waitfor(-1);
            }
            2 => {
                self.waitfor(atoi(&a[1]) as i32);
            }
            _ => return Err(self.error1("Usage: wait [pid]")),
        }
        Ok(())
    }

    fn execflag(&mut self, a: List) -> R<()> {
        match a.len() {
            2 => {
                let c = a[1].first().copied().unwrap_or(0);
                let set = self.flags.set(c);
                self.setstatus(if set { b"" } else { b"flag not set" });
                return Ok(());
            }
            3 if a[1].len() == 1 => {
                if a[2] == b"+" {
                    self.flags.on(a[1][0]);
                    self.setstatus(b"");
                    return Ok(());
                }
                if a[2] == b"-" {
                    self.flags.off(a[1][0]);
                    self.setstatus(b"");
                    return Ok(());
                }
            }
            _ => {}
        }
        Err(self.error1("Usage: flag [letter] [+-]"))
    }

    /// simple.c's `execwhatis`.
    fn execwhatis(&mut self, a: List) -> R<()> {
        if a.len() < 2 {
            return Err(self.error1("Usage: whatis name ..."));
        }
        self.setstatus(b"");
        let out = Fd(self.mapfd(1));
        for name in &a[1..] {
            let mut m = Vec::new();
            let val = self.vars.get(name).to_vec();
            let found = !val.is_empty();
            if found {
                m.extend_from_slice(name);
                m.push(b'=');
                if val.len() == 1 {
                    crate::io::pwrd(&mut m, &val[0]);
                    m.push(b'\n');
                } else {
                    for (i, w) in val.iter().enumerate() {
                        m.push(if i == 0 { b'(' } else { b' ' });
                        crate::io::pwrd(&mut m, w);
                    }
                    m.extend_from_slice(b")\n");
                }
            }
            if let Some(f) = self.vars.func(name) {
                m.extend_from_slice(b"fn ");
                crate::io::pwrd(&mut m, name);
                m.push(b' ');
                m.extend_from_slice(&f.text);
                m.push(b'\n');
            } else if isbuiltin(name) {
                m.extend_from_slice(b"builtin ");
                m.extend_from_slice(name);
                m.push(b'\n');
            } else {
                let mut hit = false;
                for dir in self.searchpath(name, b"path") {
                    let file = makepath(&dir, name);
                    if crate::plan9::executable(&file) {
                        m.extend_from_slice(&file);
                        m.push(b'\n');
                        hit = true;
                        break;
                    }
                }
                if !hit && !found {
                    self.perr(&[&name[..], b": not found\n"].concat());
                    self.setstatus(b"not found");
                }
            }
            if out.0 >= 0 && !m.is_empty() {
                let _ = syscall::write(out, &m);
            }
        }
        Ok(())
    }

    /// simple.c's `execeval`.
    fn execeval(&mut self, a: List) -> R<()> {
        if a.len() < 2 {
            return Err(self.error1("Usage: eval cmd ..."));
        }
        let mut cmds = xqw(&a[1..]);
        cmds.push(b'\n');
        let mut f = Vec::new();
        crate::subr::pfln(&mut f, self.file.as_deref(), self.line, &self.argv0);
        f.extend_from_slice(b" *eval*");
        let iflag = self.iflag;
        let r = self.rdcmds(Input::Core(cmds), Rc::from(f), true, false, false);
        self.iflag = iflag;
        r
    }

    /// simple.c's `execdot`.
    fn execdot(&mut self, a: List) -> R<()> {
        let (mut bflag, mut iflag, mut qflag) = (false, false, false);
        let mut i = 1;
        while i < a.len() && a[i].first() == Some(&b'-') {
            let f = &a[i][1..];
            i += 1;
            if f.first() == Some(&b'-') {
                break;
            }
            for &c in f {
                match c {
                    b'b' => bflag = true,
                    b'i' => iflag = true,
                    b'q' => qflag = true,
                    _ => return Err(self.error1("Usage: . [-biq] file [arg ...]")),
                }
            }
        }
        if i >= a.len() {
            return Err(self.error1("Usage: . [-biq] file [arg ...]"));
        }
        let argv = a[i..].to_vec();
        let mut opened = None;
        let mut err = String::new();
        for dir in self.searchpath(&argv[0], b"path") {
            let file = makepath(&dir, &argv[0]);
            match crate::plan9::open(&file, 0) {
                Ok(fd) => {
                    opened = Some((fd, file));
                    break;
                }
                Err(e) => err = e.0,
            }
        }
        let Some((fd, file)) = opened else {
            if !qflag {
                return Err(self.error3(". can't open", &argv[0], &err));
            }
            return Ok(());
        };
        // The new thread starts with no locals but $* and $0.
        let saved_base = self.vars.base;
        let depth = self.vars.locals.len();
        self.vars.base = depth;
        self.vars.push_local(b"*", argv[1..].to_vec());
        self.vars.push_local(b"0", alloc::vec![argv[0].clone()]);
        let block = !iflag && (bflag || self.flags.set(b'b'));
        let r = self.rdcmds(Input::Fd(fd), Rc::from(file), block, iflag, qflag);
        let _ = syscall::close(fd);
        self.vars.truncate_locals(depth);
        self.vars.base = saved_base;
        r
    }

    /// plan9.c's `execfinit`: defines the functions of the environment.
    fn execfinit(&mut self) -> R<()> {
        let mut names: Vec<String> =
            syscall::envnames().into_iter().filter(|n| n.starts_with("fn#")).collect();
        names.sort();
        for n in names {
            let Some(mut v) = syscall::getenv(&n) else { continue };
            if v.is_empty() {
                continue;
            }
            // A value read back from the environment: drop NUL padding.
            while v.last() == Some(&0) {
                v.pop();
            }
            v.push(b'\n');
            let line = self.line;
            let mut file = Vec::new();
            crate::subr::pfln(&mut file, self.file.as_deref(), 0, &self.argv0);
            let _ = self.rdcmds(Input::Core(v), Rc::from(file), true, false, true);
            self.line = line;
        }
        // what finit defined came from the environment: nothing to export
        for (_, v) in self.vars.globals_mut() {
            v.fnchanged = false;
        }
        Ok(())
    }

    /// plan9.c's `execrfork`.
    fn execrfork(&mut self, a: List) -> R<()> {
        use libc::syscall::*;
        let arg = match a.len() {
            1 => RFENVG | RFNAMEG | RFNOTEG,
            2 => {
                let mut f = 0;
                for &c in &a[1] {
                    f |= match c {
                        b'n' => RFNAMEG,
                        b'N' => RFCNAMEG,
                        b'm' => RFNOMNT,
                        b'e' => RFENVG,
                        b'E' => RFCENVG,
                        b's' => RFNOTEG,
                        b'f' => RFFDG,
                        b'F' => RFCFDG,
                        _ => {
                            self.perr(&[b"Usage: ", &a[0][..], b" [fnesFNEm]\n"].concat());
                            self.setstatus(b"rfork usage");
                            return Ok(());
                        }
                    };
                }
                f
            }
            _ => {
                self.perr(&[b"Usage: ", &a[0][..], b" [fnesFNEm]\n"].concat());
                self.setstatus(b"rfork usage");
                return Ok(());
            }
        };
        match syscall::rfork(arg) {
            Err(_) => {
                self.perr(&[&self.argv0[..], b": ", &a[0][..], b" failed\n"].concat());
                self.setstatus(b"rfork failed");
            }
            Ok(_) => {
                if arg & RFCFDG != 0 {
                    for r in self.redir.iter_mut() {
                        r.kind = crate::exec::RKind::None;
                    }
                }
                self.setstatus(b"");
            }
        }
        Ok(())
    }
}

/// C's `atoi`: leading blanks, a sign, digits.
pub fn atoi(s: &[u8]) -> i64 {
    let mut i = 0;
    while i < s.len() && (s[i] == b' ' || s[i] == b'\t') {
        i += 1;
    }
    let neg = i < s.len() && s[i] == b'-';
    if i < s.len() && (s[i] == b'-' || s[i] == b'+') {
        i += 1;
    }
    let mut n: i64 = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        n = n.saturating_mul(10).saturating_add((s[i] - b'0') as i64);
        i += 1;
    }
    if neg {
        -n
    } else {
        n
    }
}
