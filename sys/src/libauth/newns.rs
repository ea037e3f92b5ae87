//! Port of 9front's `sys/src/libauth/newns.c`: `newns` and `addns`, the
//! interpreter of namespace(6) files.
//!
//! A file is read line by line (as `Brdline` would: a last line without a
//! newline is not read, and a line longer than the buffer ends the file).
//! Leading blanks are skipped, a line whose first other character is `#`
//! is a comment, and the rest is split into words at blanks, tabs and
//! carriage returns, single quotes protecting them (`gettokens`). Each word
//! then has its `$name`s outside quotes replaced by the first element of
//! the environment variable (a name ends at `/ . ! ' $` or the end of the
//! word, and only the first 27 bytes of a value are read, as 9front reads
//! `#e/name` into an ANAMELEN buffer), and its quotes removed. A line of
//! 15 or more words, or one whose word grows past 280 bytes, is ignored.
//!
//! The commands are `bind`, `mount`, `unmount`, `cd`, `clear`, `chdev` and
//! `.` (include), with the flags `-a -b -c -C` (and `-r -n` for `chdev`)
//! taken as 9front's ARGBEGIN does, unknown flags ignored. As in 9front a
//! line that fails, or names an unknown command or the wrong number of
//! arguments, has no effect and processing continues; failures are only
//! reported (on standard error, in 9front's `newnsdebug` format) when
//! [`Nssys::debug`] says so. A `.` file that cannot be opened is skipped
//! silently. `newns` first gives the process a clean name space and a copy
//! of its environment (`rfork(RFENVG|RFCNAMEG)`) with `$user` and
//! `$home=/usr/$user` set, and, unless a `cd` to an absolute path
//! succeeded, ends by changing to its current directory again (or `/`).
//!
//! What differs from 9front:
//! - the system side is the [`Nssys`] trait, so that the interpreter can
//!   be tested on the host; [`Libc`] implements it over planten's libc;
//! - there is no factotum yet: mounts are made with no authentication
//!   file descriptor (9front tries `fauth` and `fauth_proxy` first);
//! - `.` includes nest at most [`MAXDEPTH`] deep (9front recurses without
//!   limit until its stack overflows); a deeper include is skipped;
//! - `chdev` without `#c/drivers` returns an error from `newns` instead of
//!   calling `sysfatal`;
//! - `import` and other unknown commands are ignored as in 9front (there is
//!   no network yet); with debugging on, `import` is reported as
//!   unsupported;
//! - a successful mount closes the server's file descriptor (9front leaves
//!   it open; the mount holds its own reference);
//! - `mount` with neither 2 nor 3 arguments does nothing (9front opens and
//!   closes the server file).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use libc::syscall::{self, Error, Fd, Result, MAFTER, MBEFORE, MCACHE, MCREATE, MREPL};
use libc::syscall::{OCEXEC, OREAD, ORDWR, OWRITE, RFCNAMEG, RFENVG};

/// Most words on a line, as 9front's NARG; a line with this many or more
/// is ignored.
pub const NARG: usize = 15;
/// ANAMELEN of 9front's authsrv.h.
pub const ANAMELEN: usize = 28;
/// Longest word after expansion, as 9front's MAXARG.
pub const MAXARG: usize = 10 * ANAMELEN;
/// The Biobuf size (9front's Bsize, IOUNIT): the longest line Brdline
/// returns, newline included.
pub const BSIZE: usize = 32 * 1024;
/// How deep `.` files may nest (planten's limit; 9front has none).
pub const MAXDEPTH: usize = 32;

/// Why a `mount` line failed: opening the server file, or the mount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MountError {
    Open(Error),
    Mount(Error),
}

/// The system calls the interpreter makes.
pub trait Nssys {
    /// Reads the whole file `path` (9front's `Bopen` and reads).
    fn read_file(&mut self, path: &str) -> Result<Vec<u8>>;
    fn bind(&mut self, new: &str, old: &str, flag: u32) -> Result<()>;
    /// Opens the server file `srv` for reading and writing and mounts it
    /// on `old` with the attach specifier `spec`.
    fn mount(&mut self, srv: &str, old: &str, flag: u32, spec: &str)
        -> core::result::Result<(), MountError>;
    fn unmount(&mut self, new: Option<&str>, old: &str) -> Result<()>;
    fn chdir(&mut self, dir: &str) -> Result<()>;
    fn getwd(&mut self) -> Result<String>;
    /// rfork without RFPROC: changes the calling process.
    fn rfork(&mut self, flags: u32) -> Result<()>;
    fn getenv(&mut self, name: &str) -> Option<Vec<u8>>;
    fn putenv(&mut self, name: &str, val: &[u8]) -> Result<()>;
    /// Opens `#c/drivers` for writing, for `chdev` lines.
    fn open_drivers(&mut self) -> Result<()>;
    /// Writes a control message to `#c/drivers`; `Err` if it is not open.
    fn write_drivers(&mut self, msg: &str) -> Result<()>;
    /// Whether to report failures (9front's `newnsdebug`).
    fn debug(&self) -> bool {
        false
    }
    /// Reports a failure (on standard error).
    fn diag(&mut self, msg: &str);
}

/// [`Nssys`] over planten's libc.
#[derive(Debug, Default)]
pub struct Libc {
    /// 9front's `newnsdebug`: report failing lines on standard error.
    pub debug: bool,
    drivers: Option<Fd>,
}

impl Libc {
    pub fn new(debug: bool) -> Libc {
        Libc { debug, drivers: None }
    }
}

impl Drop for Libc {
    fn drop(&mut self) {
        if let Some(fd) = self.drivers.take() {
            let _ = syscall::close(fd);
        }
    }
}

impl Nssys for Libc {
    fn read_file(&mut self, path: &str) -> Result<Vec<u8>> {
        let fd = syscall::open(path, OREAD | OCEXEC)?;
        let mut data = Vec::new();
        let mut buf = [0u8; 8192];
        let r = loop {
            match syscall::read(fd, &mut buf) {
                Ok(0) => break Ok(data),
                Ok(n) => data.extend_from_slice(&buf[..n]),
                Err(e) => break Err(e),
            }
        };
        let _ = syscall::close(fd);
        r
    }
    fn bind(&mut self, new: &str, old: &str, flag: u32) -> Result<()> {
        syscall::bind(new, old, flag)
    }
    fn mount(&mut self, srv: &str, old: &str, flag: u32, spec: &str)
        -> core::result::Result<(), MountError> {
        let fd = syscall::open(srv, ORDWR).map_err(MountError::Open)?;
        let r = syscall::mount(fd, None, old, flag, spec).map_err(MountError::Mount);
        let _ = syscall::close(fd);
        r
    }
    fn unmount(&mut self, new: Option<&str>, old: &str) -> Result<()> {
        syscall::unmount(new, old)
    }
    fn chdir(&mut self, dir: &str) -> Result<()> {
        syscall::chdir(dir)
    }
    fn getwd(&mut self) -> Result<String> {
        syscall::getwd()
    }
    fn rfork(&mut self, flags: u32) -> Result<()> {
        syscall::rfork(flags).map(|_| ())
    }
    fn getenv(&mut self, name: &str) -> Option<Vec<u8>> {
        syscall::getenv(name)
    }
    fn putenv(&mut self, name: &str, val: &[u8]) -> Result<()> {
        syscall::putenv(name, val)
    }
    fn open_drivers(&mut self) -> Result<()> {
        if self.drivers.is_none() {
            self.drivers = Some(syscall::open("#c/drivers", OWRITE | OCEXEC)?);
        }
        Ok(())
    }
    fn write_drivers(&mut self, msg: &str) -> Result<()> {
        match self.drivers {
            Some(fd) => syscall::write(fd, msg.as_bytes()).map(|_| ()),
            None => Err(Error::new("#c/drivers not open")),
        }
    }
    fn debug(&self) -> bool {
        self.debug
    }
    fn diag(&mut self, msg: &str) {
        let _ = libc::fprint!(Fd::STDERR, "{}", msg);
    }
}

/// Builds a new name space for `user` from `file` (`/lib/namespace` when
/// `None`), as 9front's `newns`.
pub fn newns<S: Nssys + ?Sized>(sys: &mut S, user: &str, file: Option<&str>) -> Result<()> {
    buildns(sys, true, user, file)
}

/// Adds the operations of `file` to the current name space, as 9front's
/// `addns`; `file` is required.
pub fn addns<S: Nssys + ?Sized>(sys: &mut S, user: &str, file: Option<&str>) -> Result<()> {
    buildns(sys, false, user, file)
}

fn buildns<S: Nssys + ?Sized>(sys: &mut S, newns: bool, user: &str, file: Option<&str>) -> Result<()> {
    let drivers = match sys.open_drivers() {
        Ok(()) => true,
        Err(e) => {
            if sys.debug() {
                sys.diag(&format!("open #c/drivers: {}\n", e));
            }
            false
        }
    };
    let file = match file {
        Some(f) => f,
        None if newns => "/lib/namespace",
        None => return Err(Error::new("no namespace file specified")),
    };
    let data = sys
        .read_file(file)
        .map_err(|e| Error::new(format!("can't open {}: {}", file, e)))?;
    if newns {
        let _ = sys.rfork(RFENVG | RFCNAMEG);
        let _ = sys.putenv("user", user.as_bytes());
        let _ = sys.putenv("home", format!("/usr/{}", user).as_bytes());
    }
    let mut ns = Interp { sys, name: if newns { "newns" } else { "addns" }, drivers };
    let cdroot = ns.nsfile(&data, 0)?;
    if newns && !cdroot {
        let back = match ns.sys.getwd() {
            Ok(p) => ns.sys.chdir(&p).is_ok(),
            Err(_) => false,
        };
        if !back {
            let _ = ns.sys.chdir("/");
        }
    }
    Ok(())
}

struct Interp<'a, S: Nssys + ?Sized> {
    sys: &'a mut S,
    /// "newns" or "addns", the prefix of reports.
    name: &'static str,
    /// Whether `#c/drivers` is open.
    drivers: bool,
}

impl<S: Nssys + ?Sized> Interp<'_, S> {
    /// Runs the lines of a file; true if one changed to an absolute path.
    fn nsfile(&mut self, data: &[u8], depth: usize) -> Result<bool> {
        let mut cdroot = false;
        let mut rest = data;
        while let Some(nl) = rest.iter().position(|&c| c == b'\n') {
            if nl + 1 > BSIZE {
                break;
            }
            let mut line = &rest[..nl];
            rest = &rest[nl + 1..];
            // a C string ends at its first NUL
            if let Some(z) = line.iter().position(|&c| c == 0) {
                line = &line[..z];
            }
            while let [b' ' | b'\t', tail @ ..] = line {
                line = tail;
            }
            if line.first() == Some(&b'#') {
                continue;
            }
            let argv = splitargs(line, |name| self.sys.getenv(name));
            if !argv.is_empty() {
                cdroot |= self.nsop(argv, depth)?;
            }
        }
        Ok(cdroot)
    }

    fn nsop(&mut self, argv: Vec<String>, depth: usize) -> Result<bool> {
        if self.sys.debug() {
            let mut s = String::new();
            for a in &argv {
                s.push_str(a);
                s.push(' ');
            }
            s.push('\n');
            self.sys.diag(&s);
        }
        let mut flags = 0u32;
        let mut devop = "&";
        let mut it = argv.into_iter();
        let argv0 = it.next().unwrap_or_default();
        let mut args: Vec<String> = it.collect();
        // ARGBEGIN: flag words up to "--" or the first word that is not one
        let mut i = 0;
        while i < args.len() && args[i].starts_with('-') && args[i].len() > 1 {
            if args[i] == "--" {
                i += 1;
                break;
            }
            for c in args[i][1..].chars() {
                match c {
                    'a' => flags |= MAFTER,
                    'b' => flags |= MBEFORE,
                    'c' => flags |= MCREATE,
                    'C' => flags |= MCACHE,
                    'r' => devop = "&~",
                    'n' => devop = "~",
                    _ => {}
                }
            }
            i += 1;
        }
        args.drain(..i);
        if flags & (MAFTER | MBEFORE) == 0 {
            flags |= MREPL;
        }
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let debug = self.sys.debug();
        let name = self.name;
        let mut cdroot = false;
        match (argv0.as_str(), a.as_slice()) {
            (".", [file]) => {
                if depth + 1 >= MAXDEPTH {
                    if debug {
                        self.sys.diag(&format!("{}: .: {}: include nesting too deep\n", name, file));
                    }
                } else if let Ok(data) = self.sys.read_file(file) {
                    cdroot |= self.nsfile(&data, depth + 1)?;
                }
            }
            ("clear", []) => {
                let _ = self.sys.rfork(RFCNAMEG);
            }
            ("bind", [new, old]) => {
                if let Err(e) = self.sys.bind(new, old, flags) {
                    if debug {
                        self.sys.diag(&format!("{}: bind: {} {}: {}\n", name, new, old, e));
                    }
                }
            }
            ("unmount", [old]) => {
                let _ = self.sys.unmount(None, old);
            }
            ("unmount", [new, old]) => {
                let _ = self.sys.unmount(Some(new), old);
            }
            ("mount", [srv, old]) | ("mount", [srv, old, _]) => {
                let spec = a.get(2).copied().unwrap_or("");
                match self.sys.mount(srv, old, flags, spec) {
                    Ok(()) => {}
                    Err(_) if !debug => {}
                    Err(MountError::Open(e)) => {
                        self.sys.diag(&format!("{}: mount: {}: {}\n", name, srv, e));
                    }
                    Err(MountError::Mount(e)) => {
                        let what = if a.len() == 3 {
                            format!("{} {} {}", srv, old, spec)
                        } else {
                            format!("{} {}", srv, old)
                        };
                        self.sys.diag(&format!("{}: mount: {}: {}\n", name, what, e));
                    }
                }
            }
            ("cd", [dir]) => {
                let ok = self.sys.chdir(dir).is_ok();
                cdroot = ok && dir.starts_with('/');
            }
            ("chdev", rest) => {
                if !self.drivers {
                    return Err(Error::new("chdev requested, but could not open #c/drivers"));
                }
                let msg = match rest {
                    [] if devop.starts_with('~') => Some(String::from("chdev ~")),
                    [mask] => Some(format!("chdev {} {}", devop, mask)),
                    _ => None,
                };
                if let Some(msg) = msg {
                    if let Err(e) = self.sys.write_drivers(&msg) {
                        if debug {
                            self.sys.diag(&format!("{}: {}: {}\n", name, msg, e));
                        }
                    }
                }
            }
            ("import", _) if debug => {
                self.sys.diag(&format!("{}: import: not supported: no network\n", name));
            }
            _ => {}
        }
        Ok(cdroot)
    }
}

/// Splits a line into words and expands them, as 9front's `splitargs`;
/// an empty result means the line is ignored.
fn splitargs(line: &[u8], mut getenv: impl FnMut(&str) -> Option<Vec<u8>>) -> Vec<String> {
    let toks = gettokens(line);
    if toks.len() >= NARG {
        return Vec::new();
    }
    let mut argv = Vec::with_capacity(toks.len());
    for t in toks {
        let Some(w) = expandarg(t, &mut getenv) else {
            return Vec::new();
        };
        argv.push(String::from_utf8_lossy(&unquote(&w)).into_owned());
    }
    argv
}

fn issep(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r')
}

/// Words separated by blanks, tabs and carriage returns, quotes kept;
/// at most NARG of them (9front's `gettokens`).
fn gettokens(mut s: &[u8]) -> Vec<&[u8]> {
    let mut toks = Vec::new();
    while toks.len() < NARG {
        while let [c, tail @ ..] = s {
            if !issep(*c) {
                break;
            }
            s = tail;
        }
        if s.is_empty() {
            break;
        }
        // the end of the word: a separator outside quotes
        let mut quoting = false;
        let mut i = 0;
        while i < s.len() && (quoting || !issep(s[i])) {
            if s[i] == b'\'' {
                if !quoting {
                    quoting = true;
                } else if s.get(i + 1) == Some(&b'\'') {
                    i += 1;
                } else {
                    quoting = false;
                }
            }
            i += 1;
        }
        toks.push(&s[..i]);
        s = &s[i..];
    }
    toks
}

/// Removes quotes; a doubled quote inside quotes stands for one.
fn unquote(s: &[u8]) -> Vec<u8> {
    let mut w = Vec::with_capacity(s.len());
    let mut inquote = false;
    let mut r = 0;
    while r < s.len() {
        if s[r] != b'\'' {
            w.push(s[r]);
        } else if inquote {
            if s.get(r + 1) == Some(&b'\'') {
                w.push(b'\'');
                r += 1;
            } else {
                inquote = false;
            }
        } else {
            inquote = true;
        }
        r += 1;
    }
    w
}

/// The index of the next `$` outside quotes.
fn nextdollar(arg: &[u8]) -> Option<usize> {
    let mut inquote = false;
    for (i, &c) in arg.iter().enumerate() {
        if c == b'\'' {
            inquote = !inquote;
        }
        if c == b'$' && !inquote {
            return Some(i);
        }
    }
    None
}

/// Expands the `$name`s of a word (9front's `expandarg`); `None` if the
/// result would not fit in MAXARG.
fn expandarg(mut arg: &[u8], getenv: &mut impl FnMut(&str) -> Option<Vec<u8>>) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    while let Some(p) = nextdollar(arg) {
        if buf.len() + p + ANAMELEN >= MAXARG - 1 {
            return None;
        }
        buf.extend_from_slice(&arg[..p]);
        let after = &arg[p + 1..];
        let len = after
            .iter()
            .position(|c| b"/.!'$".contains(c))
            .unwrap_or(after.len());
        let name = &after[..len];
        arg = &after[len..];
        if len == 0 || len >= ANAMELEN {
            continue;
        }
        if let Some(v) = getenv(&String::from_utf8_lossy(name)) {
            // a read of at most ANAMELEN-1 bytes, up to the first NUL
            let v = &v[..v.len().min(ANAMELEN - 1)];
            let v = match v.iter().position(|&c| c == 0) {
                Some(z) => &v[..z],
                None => v,
            };
            buf.extend_from_slice(v);
        }
    }
    if buf.len() + arg.len() >= MAXARG - 1 {
        return None;
    }
    buf.extend_from_slice(arg);
    Some(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::string::ToString;

    /// Records every call; files, variables and failures are set up front.
    #[derive(Default)]
    struct Fake {
        files: HashMap<String, Vec<u8>>,
        env: HashMap<String, Vec<u8>>,
        calls: Vec<String>,
        diags: Vec<String>,
        fail: Vec<String>,
        debug: bool,
        no_drivers: bool,
        wd: String,
    }

    impl Fake {
        fn new() -> Fake {
            Fake { wd: "/usr/glenda".to_string(), ..Fake::default() }
        }
        fn file(mut self, path: &str, text: &str) -> Fake {
            self.files.insert(path.to_string(), text.as_bytes().to_vec());
            self
        }
        fn var(mut self, name: &str, val: &[u8]) -> Fake {
            self.env.insert(name.to_string(), val.to_vec());
            self
        }
        fn failing(&self, what: &str) -> Result<()> {
            if self.fail.iter().any(|f| f == what) {
                Err(Error::new(format!("'{}' file does not exist", what)))
            } else {
                Ok(())
            }
        }
        /// The recorded calls other than file reads and environment.
        fn ops(&self) -> Vec<&str> {
            self.calls
                .iter()
                .map(String::as_str)
                .filter(|c| !c.starts_with("read ") && !c.starts_with("getenv "))
                .collect()
        }
    }

    fn fl(flag: u32) -> String {
        let mut s = String::new();
        if flag & MBEFORE != 0 {
            s.push('b');
        }
        if flag & MAFTER != 0 {
            s.push('a');
        }
        if flag & MCREATE != 0 {
            s.push('c');
        }
        if flag & MCACHE != 0 {
            s.push('C');
        }
        s
    }

    impl Nssys for Fake {
        fn read_file(&mut self, path: &str) -> Result<Vec<u8>> {
            self.calls.push(format!("read {}", path));
            self.files
                .get(path)
                .cloned()
                .ok_or_else(|| Error::new(format!("'{}' file does not exist", path)))
        }
        fn bind(&mut self, new: &str, old: &str, flag: u32) -> Result<()> {
            self.calls.push(format!("bind -{} {} {}", fl(flag), new, old));
            self.failing(new)
        }
        fn mount(&mut self, srv: &str, old: &str, flag: u32, spec: &str)
            -> core::result::Result<(), MountError> {
            if !self.files.contains_key(srv) {
                return Err(MountError::Open(Error::new(format!("'{}' file does not exist", srv))));
            }
            self.calls.push(format!("mount -{} {} {} '{}'", fl(flag), srv, old, spec));
            self.failing(old).map_err(MountError::Mount)
        }
        fn unmount(&mut self, new: Option<&str>, old: &str) -> Result<()> {
            self.calls.push(format!("unmount {:?} {}", new, old));
            Ok(())
        }
        fn chdir(&mut self, dir: &str) -> Result<()> {
            self.calls.push(format!("chdir {}", dir));
            self.failing(dir)?;
            self.wd = dir.to_string();
            Ok(())
        }
        fn getwd(&mut self) -> Result<String> {
            self.calls.push("getwd".to_string());
            Ok(self.wd.clone())
        }
        fn rfork(&mut self, flags: u32) -> Result<()> {
            self.calls.push(format!("rfork {:#x}", flags));
            Ok(())
        }
        fn getenv(&mut self, name: &str) -> Option<Vec<u8>> {
            self.calls.push(format!("getenv {}", name));
            self.env.get(name).cloned()
        }
        fn putenv(&mut self, name: &str, val: &[u8]) -> Result<()> {
            self.calls.push(format!("putenv {}={}", name, String::from_utf8_lossy(val)));
            self.env.insert(name.to_string(), val.to_vec());
            Ok(())
        }
        fn open_drivers(&mut self) -> Result<()> {
            if self.no_drivers {
                Err(Error::new("'#c/drivers' file does not exist"))
            } else {
                Ok(())
            }
        }
        fn write_drivers(&mut self, msg: &str) -> Result<()> {
            self.calls.push(format!("drivers {}", msg));
            Ok(())
        }
        fn debug(&self) -> bool {
            self.debug
        }
        fn diag(&mut self, msg: &str) {
            self.diags.push(msg.to_string());
        }
    }

    fn words(line: &str, env: &[(&str, &[u8])]) -> Vec<String> {
        splitargs(line.as_bytes(), |n| env.iter().find(|(k, _)| *k == n).map(|(_, v)| v.to_vec()))
    }

    fn addns_ops(text: &str) -> Vec<String> {
        let mut f = Fake::new().file("/ns", text);
        addns(&mut f, "glenda", Some("/ns")).unwrap();
        f.ops().into_iter().map(String::from).collect()
    }

    #[test]
    fn split_quotes() {
        // gettokens keeps quoted blanks in a word; unquote removes the quotes
        // and folds a doubled quote inside quotes into one.
        assert_eq!(words("bind 'a b' /x", &[]), ["bind", "a b", "/x"]);
        assert_eq!(words("  bind\t'it''s'\r/x ", &[]), ["bind", "it's", "/x"]);
        assert_eq!(words("a'b c'd e", &[]), ["ab cd", "e"]);
        // an unterminated quote runs to the end of the line
        assert_eq!(words("bind 'a b", &[]), ["bind", "a b"]);
        assert_eq!(words("", &[]), Vec::<String>::new());
    }

    #[test]
    fn split_too_many_words() {
        // NARG is 15: gettokens stops at 15 and splitargs rejects n == NARG.
        let fourteen = vec!["w"; 14].join(" ");
        assert_eq!(words(&fourteen, &[]).len(), 14);
        let fifteen = vec!["w"; 15].join(" ");
        assert!(words(&fifteen, &[]).is_empty());
        assert!(words(&(fifteen + " w w"), &[]).is_empty());
    }

    #[test]
    fn expand_vars() {
        let env: &[(&str, &[u8])] = &[
            ("cputype", b"amd64"),
            ("list", b"first\0second\0"),
            ("long", b"0123456789abcdefghijklmnopqrstuvwxyz"),
        ];
        assert_eq!(words("/$cputype/bin", env), ["/amd64/bin"]);
        // a name ends at / . ! ' $; other characters belong to the name
        assert_eq!(words("$cputype.x $cputype!y $cputype$cputype", env), ["amd64.x", "amd64!y", "amd64amd64"]);
        assert_eq!(words("$cputype-x", env), [""]);
        // lists: the first element
        assert_eq!(words("$list", env), ["first"]);
        // only ANAMELEN-1 bytes of a value are read
        assert_eq!(words("$long", env), ["0123456789abcdefghijklmnopq"]);
        // unset variables and a bare $ expand to nothing
        assert_eq!(words("a$nosuch/b", env), ["a/b"]);
        assert_eq!(words("a$/b $", env), ["a/b", ""]);
        // a name of ANAMELEN or more bytes is dropped
        assert_eq!(words(&format!("x${}/y", "n".repeat(28)), env), ["x/y"]);
        // no expansion inside quotes
        assert_eq!(words("'$cputype' '$'$cputype", env), ["$cputype", "$amd64"]);
    }

    #[test]
    fn expand_too_long() {
        // MAXARG is 280: a word that grows to 279 bytes or more loses its line.
        let ok = "a".repeat(278);
        assert_eq!(words(&format!("bind {} /x", ok), &[]).len(), 3);
        assert!(words(&format!("bind {} /x", "a".repeat(279)), &[]).is_empty());
        // before each $ there must be room for ANAMELEN more bytes
        let env: &[(&str, &[u8])] = &[("v", b"v")];
        assert_eq!(words(&format!("{}$v", "a".repeat(250)), env).len(), 1);
        assert!(words(&format!("{}$v", "a".repeat(251)), env).is_empty());
    }

    #[test]
    fn comments_blank_and_partial_lines() {
        let ops = addns_ops("# a comment\n   \t# indented comment\n\nbind /a /b # not a comment\nbind /c /d\nbind /e /f");
        // '#' only starts a comment as the first non-blank character; the
        // unterminated last line is not read (Brdline).
        assert_eq!(ops, ["bind - /c /d"]);
        let ops = addns_ops("bind #c /dev\n");
        assert_eq!(ops, ["bind - #c /dev"]);
        // Brdline returns lines of up to BSIZE bytes, newline included; a
        // longer one ends the file.
        let fits = format!("bind /a /b\n#{}\nbind /c /d\n", "x".repeat(BSIZE - 2));
        assert_eq!(addns_ops(&fits), ["bind - /a /b", "bind - /c /d"]);
        let long = format!("bind /a /b\n#{}\nbind /c /d\n", "x".repeat(BSIZE - 1));
        assert_eq!(addns_ops(&long), ["bind - /a /b"]);
    }

    #[test]
    fn flags_as_argbegin() {
        let ops = addns_ops(
            "bind -a /a /b\nbind -b /a /b\nbind -bc /a /b\nbind -c -C /a /b\nbind -q /a /b\nbind -- -a /b\nbind - /b\n",
        );
        assert_eq!(
            ops,
            [
                "bind -a /a /b",
                "bind -b /a /b",
                "bind -bc /a /b",
                "bind -cC /a /b",
                // unknown flags are ignored, as ARGBEGIN with no default case
                "bind - /a /b",
                // -- ends the flags
                "bind - -a /b",
                // a lone - is an argument
                "bind - - /b",
            ]
        );
    }

    #[test]
    fn commands_and_arity() {
        let mut f = Fake::new()
            .file("/ns", "mount /srv/x /n/x\nmount -b /srv/x /n/y spec\nmount /srv/x\nmount /srv/x a b c\nunmount /n/x\nunmount /a /n/x\nclear\nclear x\nbind /a\nbind /a /b /c\nfrobnicate /a /b\nimport tcp!x /n\ncd\ncd rel\n")
            .file("/srv/x", "");
        addns(&mut f, "glenda", Some("/ns")).unwrap();
        assert_eq!(
            f.ops(),
            [
                "mount - /srv/x /n/x ''",
                "mount -b /srv/x /n/y 'spec'",
                "unmount None /n/x",
                "unmount Some(\"/a\") /n/x",
                "rfork 0x400",
                "chdir rel",
            ]
        );
        assert!(f.diags.is_empty());
    }

    #[test]
    fn failures_continue_and_debug_reports() {
        let text = "bind /bad /x\nbind /a /b\nmount /srv/none /n\nmount /srv/x /bad s\nimport x /n\n";
        let mut f = Fake::new().file("/ns", text).file("/srv/x", "");
        f.fail.push("/bad".into());
        addns(&mut f, "glenda", Some("/ns")).unwrap();
        assert_eq!(f.ops(), ["bind - /bad /x", "bind - /a /b", "mount - /srv/x /bad 's'"]);
        assert!(f.diags.is_empty());

        let mut f = Fake::new().file("/ns", text).file("/srv/x", "");
        f.fail.push("/bad".into());
        f.debug = true;
        addns(&mut f, "glenda", Some("/ns")).unwrap();
        // newnsdebug: each command, then the failure in 9front's format
        assert_eq!(
            f.diags,
            [
                "bind /bad /x \n",
                "addns: bind: /bad /x: '/bad' file does not exist\n",
                "bind /a /b \n",
                "mount /srv/none /n \n",
                "addns: mount: /srv/none: '/srv/none' file does not exist\n",
                "mount /srv/x /bad s \n",
                "addns: mount: /srv/x /bad s: '/bad' file does not exist\n",
                "import x /n \n",
                "addns: import: not supported: no network\n",
            ]
        );
    }

    #[test]
    fn include_missing_and_depth() {
        // a missing . file is skipped silently; an included file runs in place
        let ops = {
            let mut f = Fake::new()
                .file("/ns", "bind /a /b\n. /missing\n. /inc\nbind /e /f\n")
                .file("/inc", "bind /c /d\n");
            f.debug = false;
            addns(&mut f, "glenda", Some("/ns")).unwrap();
            f.ops().into_iter().map(String::from).collect::<Vec<_>>()
        };
        assert_eq!(ops, ["bind - /a /b", "bind - /c /d", "bind - /e /f"]);
        // . takes exactly one argument
        assert_eq!(addns_ops(". /ns /ns\n.\n"), Vec::<String>::new());

        // a file that includes itself stops at MAXDEPTH
        let mut f = Fake::new().file("/ns", "bind /a /b\n. /ns\n");
        addns(&mut f, "glenda", Some("/ns")).unwrap();
        assert_eq!(f.ops().len(), MAXDEPTH);
        assert_eq!(f.calls.iter().filter(|c| c.as_str() == "read /ns").count(), MAXDEPTH);
    }

    #[test]
    fn chdev() {
        let mut f = Fake::new().file("/ns", "chdev -r M\nchdev -n\nchdev cI\nchdev\n");
        addns(&mut f, "glenda", Some("/ns")).unwrap();
        assert_eq!(f.ops(), ["drivers chdev &~ M", "drivers chdev ~", "drivers chdev & cI"]);
        // without #c/drivers chdev is fatal (9front: sysfatal)
        let mut f = Fake::new().file("/ns", "bind /a /b\nchdev cI\nbind /c /d\n");
        f.no_drivers = true;
        let e = addns(&mut f, "glenda", Some("/ns")).unwrap_err();
        assert_eq!(e.as_str(), "chdev requested, but could not open #c/drivers");
        assert_eq!(f.ops(), ["bind - /a /b"]);
    }

    #[test]
    fn newns_setup_and_cd() {
        let mut f = Fake::new().file("/lib/namespace", "bind /$user /x\ncd /usr/$user\n");
        newns(&mut f, "glenda", None).unwrap();
        // rfork(RFENVG|RFCNAMEG), then $user and $home, before the lines;
        // a cd to an absolute path is kept.
        assert_eq!(
            f.ops(),
            ["rfork 0x402", "putenv user=glenda", "putenv home=/usr/glenda", "bind - /glenda /x", "chdir /usr/glenda"]
        );
        // without one, newns changes to the current directory again
        let mut f = Fake::new().file("/ns", "cd rel\n");
        newns(&mut f, "glenda", Some("/ns")).unwrap();
        assert_eq!(f.ops()[3..], ["chdir rel", "getwd", "chdir rel"]);
        // or to / when that fails
        let mut f = Fake::new().file("/ns", "\n");
        f.fail.push("/usr/glenda".into());
        newns(&mut f, "glenda", Some("/ns")).unwrap();
        assert_eq!(f.ops()[3..], ["getwd", "chdir /usr/glenda", "chdir /"]);
        // addns neither forks nor sets variables nor changes directory
        let mut f = Fake::new().file("/ns", "bind /a /b\n");
        addns(&mut f, "glenda", Some("/ns")).unwrap();
        assert_eq!(f.ops(), ["bind - /a /b"]);
    }

    #[test]
    fn errors() {
        let mut f = Fake::new();
        assert_eq!(addns(&mut f, "glenda", None).unwrap_err().as_str(), "no namespace file specified");
        let e = newns(&mut f, "glenda", Some("/nosuch")).unwrap_err();
        assert_eq!(e.as_str(), "can't open /nosuch: '/nosuch' file does not exist");
        // nothing happened
        assert!(f.ops().is_empty());
    }

    #[test]
    fn libc_backend() {
        // the real system side reads the file through libc; on Linux bind
        // fails, which addns ignores.
        let path = std::env::temp_dir().join(format!("newns-test-{}", std::process::id()));
        std::fs::write(&path, "bind /a /b\n. /nonexistent/ns\n").unwrap();
        let path = path.to_str().unwrap().to_string();
        let mut sys = Libc::new(false);
        assert_eq!(sys.read_file(&path).unwrap(), b"bind /a /b\n. /nonexistent/ns\n");
        assert!(addns(&mut sys, "glenda", Some(&path)).is_ok());
        std::fs::remove_file(&path).unwrap();
        let e = addns(&mut sys, "glenda", Some("/nonexistent/ns")).unwrap_err();
        assert!(e.as_str().starts_with("can't open /nonexistent/ns: "), "{}", e);
    }

    #[test]
    fn lib_namespace() {
        // this repository's lib/namespace, with cputype=amd64 and no
        // per-site files: exactly the binds its lines say, in order.
        let text = include_str!("../../../lib/namespace");
        let mut f = Fake::new().file("/lib/namespace", text).var("cputype", b"amd64").var("sysname", b"gnot");
        newns(&mut f, "glenda", None).unwrap();
        assert_eq!(
            f.ops(),
            [
                "rfork 0x402",
                "putenv user=glenda",
                "putenv home=/usr/glenda",
                "bind - #c /dev",
                "bind - #d /fd",
                "bind -c #e /env",
                "bind - #p /proc",
                "bind -c #s /srv",
                "bind - /amd64/bin /bin",
                "bind -a /rc/bin /bin",
                "getwd",
                "chdir /usr/glenda",
            ]
        );
        let reads: Vec<&str> = f.calls.iter().filter(|c| c.starts_with("read ")).map(String::as_str).collect();
        assert_eq!(reads, ["read /lib/namespace", "read /lib/namespace.local", "read /lib/namespace.gnot"]);
    }

    #[test]
    fn lib_namespace_9front() {
        // 9front's own /lib/namespace (its rules, not its text): the missing
        // included files are skipped, a present one is run.
        let text = "bind -c #s$srvspec /srv\nmount -C /srv/boot /root $rootspec\nbind -a $rootdir /\nbind /$cputype/bin /bin\nbind -c /usr/$user/tmp /tmp\ncd /usr/$user\n. /lib/namespace.local\n. /lib/namespace.$sysname\n. /cfg/$sysname/namespace\n";
        let mut f = Fake::new()
            .file("/lib/namespace", text)
            .file("/srv/boot", "")
            .file("/cfg/cirno/namespace", "bind -b /n/x /bin\n")
            .var("cputype", b"amd64")
            .var("sysname", b"cirno")
            .var("rootdir", b"/root");
        newns(&mut f, "glenda", None).unwrap();
        assert_eq!(
            f.ops(),
            [
                "rfork 0x402",
                "putenv user=glenda",
                "putenv home=/usr/glenda",
                "bind -c #s /srv",
                "mount -C /srv/boot /root ''",
                "bind -a /root /",
                "bind - /amd64/bin /bin",
                "bind -c /usr/glenda/tmp /tmp",
                "chdir /usr/glenda",
                "bind -b /n/x /bin",
            ]
        );
    }
}
