//! rc's system interface: the port of 9front's `sys/src/cmd/rc/plan9.c`.
//!
//! In planten the system is reached through libc, so this module is the
//! same on every backend; what it says about Linux is what libc's Linux
//! backend gives. What differs from 9front:
//!
//! - the environment is libc's `getenv`/`putenv`/`envnames` rather than
//!   files in `/env` (list elements NUL-separated in libc's API; libc's
//!   Linux backend stores them separated by `\x01`, as 9base's rc does).
//!   Functions are the variables `fn#name`, holding `fn name {body}`.
//!   Hosted on Linux, when the environment has no `path` but a `PATH`,
//!   `$path` is read from `PATH`'s colon-separated list, as 9base's rc does;
//! - opening `/fd/N` duplicates descriptor N, which is what 9front's
//!   `#d` device gives (rcmain reads `/fd/0`); `<{cmd}` names its pipe
//!   `/dev/fd/N` hosted on Linux (a Linux pipe that other programs can
//!   open), and `/fd/N`, 9front's name, natively (`#d` is bound on /fd);
//! - `Isatty` asks for the name of the descriptor as 9front does, and
//!   takes a Linux terminal (`/dev/pts/*`, `/dev/tty*`) for `/dev/cons`;
//! - `Prompt` does not write `/dev/wdir` (there is none on Linux);
//! - the builtins table is [`crate::simple::BUILTINS`]; `execrfork` and
//!   `execfinit` are in [`crate::simple`].

use alloc::string::String;
use alloc::vec::Vec;

use libc::syscall::{self, Error, Fd};

use crate::exec::Shell;
use crate::var::Word;

/// plan9.c's `Fdprefix`, hosted on Linux.
#[cfg(not(feature = "native"))]
pub const FDPREFIX: &str = "/dev/fd/";
/// plan9.c's `Fdprefix`, natively: `#d` on /fd, as 9front has it.
#[cfg(feature = "native")]
pub const FDPREFIX: &str = "/fd/";

fn s(w: &[u8]) -> String {
    String::from_utf8_lossy(w).into_owned()
}

/// `/fd/N`: the descriptor N.
fn fdname(name: &[u8]) -> Option<i32> {
    let n = name.strip_prefix(b"/fd/")?;
    if n.is_empty() || !n.iter().all(|c| c.is_ascii_digit()) || n.len() > 9 {
        return None;
    }
    core::str::from_utf8(n).ok()?.parse().ok()
}

/// plan9.c's `Open`: mode 0 read, 1 write, 2 read and write, 3 read and
/// remove on close.
pub fn open(file: &[u8], mode: i32) -> Result<Fd, Error> {
    if let Some(n) = fdname(file) {
        return syscall::dup(Fd(n), None);
    }
    let m = [
        syscall::OREAD,
        syscall::OWRITE,
        syscall::ORDWR,
        syscall::OREAD | syscall::ORCLOSE,
    ][(mode & 3) as usize];
    syscall::open(&s(file), m)
}

/// plan9.c's `Creat`.
pub fn creat(file: &[u8]) -> Result<Fd, Error> {
    if let Some(n) = fdname(file) {
        return syscall::dup(Fd(n), None);
    }
    syscall::create(&s(file), syscall::OWRITE, 0o666)
}

pub fn chdir(dir: &[u8]) -> Result<(), Error> {
    syscall::chdir(&s(dir))
}

/// plan9.c's `Exec`.
pub fn exec(file: &str, argv: &[&str]) -> Error {
    syscall::exec(file, argv)
}

/// plan9.c's `Executable`: a file (not a directory) with an execute bit.
pub fn executable(file: &[u8]) -> bool {
    let Ok(st) = syscall::stat(&s(file)) else {
        return false;
    };
    let mut d = libc::fcall::Dir::default();
    if libc::convm2d::convM2D(&st, &mut d) == 0 {
        return false;
    }
    d.mode & 0o111 != 0 && d.mode & libc::fcall::DMDIR == 0
}

/// plan9.c's `Isatty`.
pub fn isatty(fd: Fd) -> bool {
    match syscall::fd2path(fd) {
        Ok(p) => p.ends_with("/dev/cons") || p.starts_with("/dev/pts/") || p.starts_with("/dev/tty"),
        Err(_) => false,
    }
}

/// exec.c's `herefile`: a new temporary file for a here document.
pub fn herefile() -> Option<(Fd, Word)> {
    static SER: core::sync::atomic::AtomicU32 = core::sync::atomic::AtomicU32::new(0);
    let pid = syscall::getpid().0;
    let ser = SER.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
    let a = (b'A' + (ser / 26 % 26) as u8) as char;
    let b = (b'A' + (ser % 26) as u8) as char;
    // 'a' up to but not including 'z', as exec.c's herefile
    #[allow(clippy::almost_complete_range)]
    let letters = b'a'..b'z';
    for c in [None].into_iter().chain(letters.map(Some)) {
        let mut name = alloc::format!("/tmp/here{pid:010}{a}{b}");
        if let Some(c) = c {
            name.replace_range(9..10, core::str::from_utf8(&[c]).unwrap_or("a"));
        }
        if syscall::stat(&name).is_ok() {
            continue;
        }
        if let Ok(fd) = syscall::create(&name, syscall::OWRITE, 0o666) {
            return Some((fd, name.into_bytes()));
        }
    }
    None
}

/// What plan9.c's `Prompt` does after printing: nothing on Linux.
pub fn prompt_hook() {}

impl Shell {
    /// plan9.c's `Vinit`: the variables of the environment.
    pub fn vinit(&mut self) {
        let mut names = syscall::envnames();
        names.sort();
        for n in names {
            if n.starts_with("fn#") {
                continue;
            }
            let Some(v) = syscall::getenv(&n) else { continue };
            if v.is_empty() {
                continue;
            }
            let w = crate::havefork::rstr_split_env(&v);
            let var = self.vars.gvlook(n.as_bytes());
            var.val = w;
            var.changed = false;
        }
        if self.vars.get(b"path").is_empty() {
            if let Some(p) = syscall::getenv("PATH") {
                let w: Vec<Word> = p
                    .split(|&c| c == b':')
                    .map(|d| if d.is_empty() { b".".to_vec() } else { d.to_vec() })
                    .collect();
                let var = self.vars.gvlook(b"path");
                var.val = w;
                var.changed = false;
            }
        }
    }

    /// plan9.c's `Updenv`: exports what changed.
    pub fn updenv(&mut self) {
        let mut out: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        for (name, v) in self.vars.globals_mut() {
            if v.changed {
                v.changed = false;
                out.push((name.clone(), join_env(&v.val)));
            }
            if v.fnchanged {
                v.fnchanged = false;
                let mut f = b"fn#".to_vec();
                f.extend_from_slice(name);
                let text = match &v.func {
                    Some(func) => {
                        let mut t = b"fn ".to_vec();
                        crate::io::pwrd(&mut t, name);
                        t.push(b' ');
                        t.extend_from_slice(&func.text);
                        t.push(b'\n');
                        t
                    }
                    None => Vec::new(),
                };
                out.push((f, text));
            }
        }
        // the locals visible now that changed, outermost first
        // (updenvlocal)
        let base = self.vars.base.min(self.vars.locals.len());
        for l in &mut self.vars.locals[base..] {
            if l.changed {
                l.changed = false;
                out.push((l.name.clone(), join_env(&l.val)));
            }
        }
        for (n, v) in out {
            let name = s(&n);
            if syscall::putenv(&name, &v).is_err() {
                let e = syscall::errstr();
                self.perr(&[&self.argv0[..], b": can't open: ", e.as_bytes(), b"\n"].concat());
            }
        }
    }
}

/// A list as the environment holds it: elements NUL-separated.
fn join_env(v: &[Word]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, w) in v.iter().enumerate() {
        if i > 0 {
            out.push(0);
        }
        out.extend_from_slice(w);
    }
    out
}
