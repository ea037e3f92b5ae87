//! aux/9pcon: a port of 9front's `sys/src/cmd/aux/9pcon.c` (see 9pcon(8)).
//!
//! A textual interface to a 9P server: T-messages typed on standard input
//! (`Tattach 0 ~0 glenda ''`, fields as intro(5) lists them, tags added
//! automatically) are sent, and every message from the server is printed
//! as `\t<- ` and 9front's fcallfmt; what was sent is printed as `\t-> `.
//! Lines starting with `#` are ignored. As in 9front's source, there are
//! also R-message lines (checked against what the server sent, with
//! `-a`), `. file` (read commands from a file), `def name` ... `end`
//! (define a command made of lines) and `nexttag n`.
//!
//! Flags are 9front's: `-c` runs `service` as a command speaking 9P on its
//! standard input and output, `-n` dials it as a network address
//! (default service `9fs`), `-m` sets the message buffer size (65536), `-a`
//! checks R-message lines. Errors go to standard error with 9front's texts
//! (`?unknown message`, `?usage: Topen fid mode`, ...).
//!
//! What differs from 9front, hosted on Linux:
//!
//! - `-c` runs the command with `/bin/rc -c`, or 9base's rc, or `/bin/sh
//!   -c` when there is no rc;
//! - a service given as a file name that cannot be opened but is a
//!   Unix-domain socket is dialled (`unix!NAME`), as Linux cannot open a
//!   socket as a file the way a /srv file is opened;
//! - the reader of the server is a proc (a thread) and ends the program
//!   when the server hangs up; when standard input ends, 9pcon exits with
//!   the status of the last fatal error, as 9front's does by killing the
//!   reader;
//! - `nexttag` without its argument is a usage error (9front reads a nil
//!   argument).
#![no_std]
#![no_main]
#![forbid(unsafe_code)]
#![allow(non_upper_case_globals)]

extern crate alloc;

use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;

use libc::arg::Args;
use libc::fcall::*;
use libc::strtoll::strtoll;
use libc::strtoul::strtoul;
use libc::strtoull::strtoull;
use libc::syscall::{self, Fd, ORDWR};
use libc::tokenize::tokenize;
use libc::{print, sysfatal};
use thread::Channel;

libc::main!(main);

fn usage() -> ! {
    let _ = libc::fprint!(
        Fd::STDERR,
        "usage: aux/9pcon [-m messagesize] /srv/service | -c command | -n networkaddress\n"
    );
    syscall::exits("usage")
}


/// `strtol(s, 0, 0)` stored, as 9pcon.c stores it, in an unsigned
/// 32-bit field.
fn strtol(s: &str) -> u32 {
    libc::strtol::strtol(s, 0).0 as u32
}

/// `~0` or a number, for Twstat's 32-bit fields.
fn xstrtoul(s: &str) -> u32 {
    if s == "~0" {
        !0
    } else {
        strtoul(s, 0).0
    }
}

/// `~0` or a number, for Twstat's length.
fn xstrtoull(s: &str) -> u64 {
    if s == "~0" {
        !0
    } else {
        strtoull(s, 0).0
    }
}

/// A qid typed as `{path,vers,type}`.
fn strtoqid(s: &str) -> Result<Qid, String> {
    let mut q = Qid::default();
    let mut state = 0;
    let mut buf = String::new();
    for c in s.chars() {
        match c {
            '{' => continue,
            '}' | ',' => {
                match state {
                    0 => q.path = strtoull(&buf, 0).0,
                    1 => q.vers = strtoul(&buf, 0).0,
                    2 => {
                        q.typ = if buf.starts_with('f') || buf == "QTFILE" {
                            QTFILE
                        } else if buf.starts_with('d') || buf == "QTDIR" {
                            QTDIR
                        } else {
                            strtol(&buf) as u8
                        }
                    }
                    _ => {}
                }
                buf.clear();
                state += 1;
            }
            c => buf.push(c),
        }
    }
    if state != 3 {
        return Err("malformed qid".into());
    }
    Ok(q)
}

/// The commands: name, type, argument count (0: checked by the command),
/// usage.
const XSOURCE: u8 = Tmax + 1;
const XDEF: u8 = Tmax + 2;
const XEND: u8 = Tmax + 3;
const XNEXTTAG: u8 = Tmax + 4;

const CMDS: &[(&str, u8, usize, &str)] = &[
    ("Tversion", Tversion, 2, "messagesize version"),
    ("Rversion", Rversion, 2, "messagesize version"),
    ("Tauth", Tauth, 3, "afid uname aname"),
    ("Rauth", Rauth, 1, "aqid"),
    ("Rerror", Rerror, 1, "ename"),
    ("Tflush", Tflush, 1, "oldtag"),
    ("Rflush", Rflush, 0, ""),
    ("Tattach", Tattach, 4, "fid afid uname aname"),
    ("Rattach", Rattach, 1, "qid"),
    ("Twalk", Twalk, 0, "fid newfid [name...]"),
    ("Rwalk", Rwalk, 0, "name..."),
    ("Topen", Topen, 2, "fid mode"),
    ("Ropen", Ropen, 2, "qid iounit"),
    ("Tcreate", Tcreate, 4, "fid name perm mode"),
    ("Rcreate", Rcreate, 2, "qid iounit"),
    ("Tread", Tread, 3, "fid offset count"),
    ("Rread", Rread, 1, "data"),
    ("Twrite", Twrite, 3, "fid offset data"),
    ("Rwrite", Rwrite, 1, "count"),
    ("Tclunk", Tclunk, 1, "fid"),
    ("Rclunk", Rclunk, 0, ""),
    ("Tremove", Tremove, 1, "fid"),
    ("Rremove", Rremove, 0, ""),
    ("Tstat", Tstat, 1, "fid"),
    ("Rstat", Rstat, 6, "name uid gid mode mtime length"),
    ("Twstat", Twstat, 7, "fid name uid gid mode mtime length"),
    ("Rwstat", Rwstat, 0, ""),
    (".", XSOURCE, 1, "file"),
    ("def", XDEF, 1, "name"),
    ("end", XEND, 0, ""),
    ("nexttag", XNEXTTAG, 0, ""),
];

/// A command defined with `def`.
struct Func {
    name: String,
    lines: Vec<String>,
}

struct Con {
    messagesize: u32,
    aflag: bool,
    srvfd: Fd,
    taggen: i32,
    globals: Vec<Func>,
    local: Option<Func>,
    /// With -a: what the server sent, handed over one at a time.
    replies: Arc<Channel<Fcall>>,
}

/// The stat bytes of Twstat and Rstat from their expanded fields.
fn statfields(a: &[String]) -> Result<Vec<u8>, String> {
    let mut d = libc::nulldir::nulldir();
    d.name = a[0].as_str().into();
    d.uid = a[1].as_str().into();
    d.gid = a[2].as_str().into();
    d.mode = xstrtoul(&a[3]);
    d.mtime = xstrtoul(&a[4]);
    d.length = xstrtoull(&a[5]);
    d.to_bytes().map_err(|_| String::from("convD2M failed (internal error)"))
}

impl Con {
    /// The message of a T- or R-message line; `Err` is the line's error.
    fn build(&self, typ: u8, a: &[String]) -> Result<Msg, String> {
        let n = |i: usize| strtol(&a[i]);
        Ok(match typ {
            Tversion | Rversion => {
                let msize = n(0);
                if msize > self.messagesize {
                    return Err("message size too big; use -m option on command line".into());
                }
                let version = a[1].as_str().into();
                if typ == Tversion {
                    Msg::Tversion { msize, version }
                } else {
                    Msg::Rversion { msize, version }
                }
            }
            Tauth => Msg::Tauth { afid: n(0), uname: a[1].as_str().into(), aname: a[2].as_str().into() },
            Rauth => Msg::Rauth { aqid: strtoqid(&a[0])? },
            Rerror => Msg::Rerror { ename: a[0].as_str().into() },
            Tflush => Msg::Tflush { oldtag: n(0) as u16 },
            Rflush => Msg::Rflush,
            Tattach => Msg::Tattach {
                fid: n(0),
                afid: n(1),
                uname: a[2].as_str().into(),
                aname: a[3].as_str().into(),
            },
            Rattach => Msg::Rattach { qid: strtoqid(&a[0])? },
            Twalk => {
                if a.len() < 2 {
                    return Err("usage: Twalk tag fid newfid [name...]".into());
                }
                if a.len() - 2 > MAXWELEM {
                    return Err("too many names".into());
                }
                Msg::Twalk { fid: n(0), newfid: n(1), wname: a[2..].iter().map(|s| s.as_str().into()).collect() }
            }
            Rwalk => {
                if a.len() >= MAXWELEM {
                    return Err("too many names".into());
                }
                let mut wqid = Vec::new();
                for s in a {
                    wqid.push(strtoqid(s)?);
                }
                Msg::Rwalk { wqid }
            }
            Topen => Msg::Topen { fid: n(0), mode: n(1) as u8 },
            Ropen | Rcreate => {
                let iounit = n(1);
                let qid = strtoqid(&a[0])?;
                if typ == Ropen {
                    Msg::Ropen { qid, iounit }
                } else {
                    Msg::Rcreate { qid, iounit }
                }
            }
            Tcreate => Msg::Tcreate {
                fid: n(0),
                name: a[1].as_str().into(),
                perm: strtoul(&a[2], 8).0,
                mode: n(3) as u8,
            },
            Tread => Msg::Tread { fid: n(0), offset: strtoll(&a[1], 0).0 as u64, count: n(2) },
            Rread => Msg::Rread { data: a[0].as_bytes().to_vec() },
            Twrite => Msg::Twrite { fid: n(0), offset: strtoll(&a[1], 0).0 as u64, data: a[2].as_bytes().to_vec() },
            Rwrite => Msg::Rwrite { count: n(0) },
            Tclunk => Msg::Tclunk { fid: n(0) },
            Rclunk => Msg::Rclunk,
            Tremove => Msg::Tremove { fid: n(0) },
            Rremove => Msg::Rremove,
            Tstat => Msg::Tstat { fid: n(0) },
            Rstat => Msg::Rstat { stat: statfields(a)? },
            Twstat => Msg::Twstat { fid: n(0), stat: statfields(&a[1..])? },
            Rwstat => Msg::Rwstat,
            _ => return Err("?unknown message".into()),
        })
    }

    /// Runs one line; the result is what 9front's `run` returns: nothing,
    /// or a message whose first character says what to do with it.
    fn run(&mut self, p: &str) -> Option<String> {
        if p.starts_with('#') {
            return None;
        }
        if let Some(l) = &mut self.local {
            if !p.contains("end") {
                l.lines.push(p.to_string());
                return None;
            }
        }
        let f = tokenize(p, 10);
        if f.is_empty() {
            return None;
        }
        let Some(&(name, typ, argc, usage)) = CMDS.iter().find(|c| c.0 == f[0]) else {
            if self.local.is_some() {
                return Some("?unknown message".into());
            }
            if let Some(i) = self.globals.iter().position(|g| g.name == f[0]) {
                let lines = self.globals[i].lines.clone();
                for l in lines {
                    if let Some(e) = self.run(&l) {
                        return Some(e);
                    }
                }
                return None;
            }
            return Some("?unknown message".into());
        };
        let tag = if typ == Tversion {
            NOTAG
        } else {
            self.taggen = self.taggen.wrapping_add(1);
            self.taggen as u16
        };
        if argc != 0 && f.len() != 1 + argc {
            return Some(format!("^usage: {name} {usage}"));
        }
        let a = &f[1..];
        match typ {
            XSOURCE => return self.source(&a[0]),
            XDEF => {
                if let Some(l) = &self.local {
                    return Some(format!("^can not define func {}; {} not terminated", a[0], l.name));
                }
                self.local = Some(Func { name: a[0].clone(), lines: Vec::new() });
                return None;
            }
            XEND => {
                let Some(l) = self.local.take() else {
                    return Some("?no function defined".into());
                };
                self.globals.retain(|g| g.name != l.name);
                self.globals.push(l);
                return None;
            }
            XNEXTTAG => {
                let Some(n) = a.first() else {
                    return Some("^usage: nexttag tag".into());
                };
                self.taggen = libc::strtol::strtol(n, 0).0.wrapping_sub(1);
                return Some(format!("next tag is {}", self.taggen + 1));
            }
            _ => {}
        }
        let t = match self.build(typ, a) {
            Ok(m) => Fcall::new(tag, m),
            Err(e) => return Some(e),
        };
        let buf = match t.to_bytes() {
            Ok(b) if b.len() <= self.messagesize as usize => b,
            _ => return Some("?message too large for buffer".into()),
        };
        if name.starts_with('R') {
            if !self.aflag {
                return None;
            }
            let Some(mut r) = self.replies.recv() else {
                return Some("!assert fail".into());
            };
            r.tag = t.tag;
            if r.to_bytes().ok().as_deref() != Some(&buf[..]) {
                let _ = libc::fprint!(Fd::STDERR, "?mismatch {} != {}\n", fcallfmt(&r), fcallfmt(&t));
                return Some("!assert fail".into());
            }
        } else {
            match syscall::write(self.srvfd, &buf) {
                Ok(n) if n == buf.len() => {}
                _ => return Some("!write fails".into()),
            }
            let _ = print!("\t-> {}\n", fcallfmt(&t));
        }
        None
    }

    fn source(&mut self, name: &str) -> Option<String> {
        match syscall::open(name, libc::syscall::OREAD) {
            Ok(fd) => {
                let e = self.shell9p(fd);
                let _ = syscall::close(fd);
                e
            }
            Err(e) => Some(format!("^could not open {name}: {e}")),
        }
    }

    /// Runs the lines read from `fd`; a fatal (`!`) error stops it.
    fn shell9p(&mut self, fd: Fd) -> Option<String> {
        let mut pending: Vec<u8> = Vec::new();
        let mut buf = vec![0u8; 8192];
        loop {
            while let Some(i) = pending.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = pending.drain(..=i).collect();
                let line = String::from_utf8_lossy(&line[..line.len() - 1]).into_owned();
                let Some(e) = self.run(&line) else { continue };
                match e.chars().next() {
                    None => {}
                    Some('^') => {
                        let _ = libc::fprint!(Fd::STDERR, "?{}\n", &e[1..]);
                    }
                    Some('!') => return Some(e),
                    Some(_) => {
                        let _ = libc::fprint!(Fd::STDERR, "{e}\n");
                    }
                }
            }
            // As Brdline, a last line without a newline is not a line.
            match syscall::read(fd, &mut buf) {
                Ok(0) | Err(_) => return None,
                Ok(n) => pending.extend_from_slice(&buf[..n]),
            }
        }
    }
}

/// The reader of the server: prints what it sends.
fn watch(fd: Fd, messagesize: u32, aflag: bool, replies: Arc<Channel<Fcall>>) {
    let mut buf = vec![0u8; messagesize as usize];
    let status = loop {
        let mut hdr = [0u8; 4];
        match syscall::readn(fd, &mut hdr) {
            Ok(4) => {}
            Ok(_) => break Ok(()),
            Err(e) => break Err(e.0),
        }
        let len = u32::from_le_bytes(hdr) as usize;
        if len <= BIT32SZ || len > messagesize as usize {
            break Err("bad length in 9P2000 message header".into());
        }
        buf[..4].copy_from_slice(&hdr);
        match syscall::readn(fd, &mut buf[4..len]) {
            Ok(m) if m == len - 4 => {}
            Ok(_) => break Ok(()),
            Err(e) => break Err(e.0),
        }
        let f = match Fcall::decode(&buf[..len]) {
            Ok(f) => f,
            Err(e) => {
                let _ = print!("convM2S: {e}\n");
                continue;
            }
        };
        if aflag {
            let _ = replies.send(f.clone());
        }
        let _ = print!("\t<- {}\n", fcallfmt(&f));
    };
    match status {
        Ok(()) => {
            let _ = print!("server eof\n");
        }
        Err(e) => {
            let _ = print!("read9pmsg from server: {e}\n");
        }
    }
    syscall::exits("");
}

/// Runs `cmd` with its standard input and output on a pipe; returns our
/// end.
fn connectcmd(cmd: &str) -> syscall::Result<Fd> {
    let [p0, p1] = syscall::pipe()?;
    match syscall::rfork(syscall::RFPROC | syscall::RFFDG)? {
        None => {
            let _ = syscall::dup(p0, Some(Fd(0)));
            let _ = syscall::dup(p0, Some(Fd(1)));
            let _ = syscall::close(p1);
            let mut err = None;
            for sh in ["/bin/rc", "/usr/lib/plan9/bin/rc", "/bin/sh"] {
                let name = sh.rsplit('/').next().unwrap_or(sh);
                let e = syscall::exec(sh, &[name, "-c", cmd]);
                err.get_or_insert(e);
            }
            let _ = libc::fprint!(Fd::STDERR, "exec failed: {}\n", err.map(|e| e.0).unwrap_or_default());
            syscall::exits("exec");
        }
        Some(_) => {
            let _ = syscall::close(p0);
            Ok(p1)
        }
    }
}

fn main(argv: Vec<String>) {
    let mut messagesize: u32 = 65536;
    let mut aflag = false;
    let mut cmd = false;
    let mut net = false;
    let mut a = Args::new(argv);
    while let Some(c) = a.next_flag() {
        match c {
            'a' => aflag = true,
            'c' => cmd = true,
            'm' => messagesize = strtol(&a.value().unwrap_or_else(|| usage())),
            'n' => net = true,
            _ => usage(),
        }
    }
    let rest = a.rest();
    if rest.len() != 1 || (cmd && net) {
        usage();
    }
    let service = &rest[0];
    let srvfd = if cmd {
        match connectcmd(service) {
            Ok(fd) => fd,
            Err(e) => sysfatal!("fork failed: {e}"),
        }
    } else if net {
        let addr = libc::netmkaddr::netmkaddr(service, Some("net"), Some("9fs"));
        match libc::dial::dial(&addr, None) {
            Ok(fd) => fd,
            Err(e) => sysfatal!("dial: {e}"),
        }
    } else {
        match syscall::open(service, ORDWR) {
            Ok(fd) => fd,
            Err(e) => match libc::dial::dial(&format!("unix!{service}"), None) {
                Ok(fd) => fd,
                Err(_) => sysfatal!("open: {e}"),
            },
        }
    };
    let replies = thread::chancreate::<Fcall>(0);
    let r2 = replies.clone();
    if let Err(e) = thread::proccreate(move || watch(srvfd, messagesize, aflag, r2), 0) {
        sysfatal!("rfork: {e}");
    }
    let mut con = Con { messagesize, aflag, srvfd, taggen: 0, globals: Vec::new(), local: None, replies };
    let status = con.shell9p(Fd::STDIN);
    syscall::exits(status.as_deref().unwrap_or(""));
}
