//! walk: a port of 9front's `sys/src/cmd/walk.c`.
//!
//! Walks the file trees named by the arguments (or `.`) and prints one line
//! per file, by default its path. `-d` prints only directories, `-f` only
//! other files, `-t` only temporary files (QTTMP), `-x` only files with an
//! execute bit. `-n mind,maxd` (either part may be left out: `-n 2` is
//! `-n ,2`) bounds the depths printed; `-e fmt` chooses the fields, a string
//! of `U` uid, `G` gid, `M` muid, `a` atime, `m` mtime, `n` name, `p` path,
//! `q` qid (`path.vers.type` in hex, decimal, two hex digits), `s` length,
//! `x` mode (as ls -l prints it), `D` dev and `T` type, separated by
//! blanks. `-u` flushes each line; `-C` keeps the arguments as given
//! instead of cleaning them. Files reached twice (same qid, type and dev)
//! are printed once. A directory is printed after what it holds; `.` (when
//! walk was given no argument) is never printed, and paths below it have
//! no `./` prefix. Errors go to standard error, prefixed by the program's name, after
//! what was printed so far; bad `-n` or `-e` arguments end walk with
//! `walk: estrtol: bad input 'X'`, `walk: empty depth argument` or
//! `walk: bad stfmt: FMT` (walk being argv0).
//!
//! What differs: names that are not UTF-8 are walked with their bad bytes
//! replaced by U+FFFD, as planten's open takes strings.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use libbio::Biobuf;
use libc::arg::Args;
use libc::cleanname::cleanname;
use libc::dirmodefmt::dirmodefmt;
use libc::dirread::dirread;
use libc::dirstat::dirstat;
use libc::fcall::{Dir, DMEXEC, QTDIR, QTTMP};
use libc::strtol::strtol;
use libc::syscall::{close, exits, open, Fd, OREAD, OWRITE};

libc::main!(main);

const NOMAX: i64 = 0x7fff_ffff;

struct Walk {
    uflag: bool,
    dflag: bool,
    fflag: bool,
    tflag: bool,
    xflag: bool,
    maxdepth: i64,
    mindepth: i64,
    stfmt: String,
    bout: Biobuf,
    seen: BTreeSet<(u64, u32, u16, u32)>,
}

/// Where a path came from: `.` when walk had no arguments is never
/// printed and does not prefix what is below it.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Dot,
    Named,
}

impl Walk {
    fn warn(&mut self, msg: &str) {
        let _ = self.bout.flush();
        let _ = libc::fprint!(Fd::STDERR, "{}: {msg}\n", libc::main9::argv0());
    }

    fn seen(&mut self, d: &Dir) -> bool {
        !self.seen.insert((d.qid.path, d.qid.vers, d.typ, d.dev))
    }

    fn dofile(&mut self, path: &str, kind: Kind, f: &Dir, isdot: bool, pathonly: bool) {
        if isdot || (self.tflag && f.qid.typ & QTTMP == 0) || (self.xflag && f.mode & DMEXEC == 0) {
            return;
        }
        let fmt: Vec<u8> = self.stfmt.bytes().collect();
        let mut line: Vec<u8> = Vec::new();
        for (i, &c) in fmt.iter().enumerate() {
            match c {
                b'U' => line.extend_from_slice(f.uid.as_bytes()),
                b'G' => line.extend_from_slice(f.gid.as_bytes()),
                b'M' => line.extend_from_slice(f.muid.as_bytes()),
                b'a' => line.extend_from_slice(format!("{}", f.atime).as_bytes()),
                b'm' => line.extend_from_slice(format!("{}", f.mtime).as_bytes()),
                b'n' => line.extend_from_slice(f.name.as_bytes()),
                b'p' => {
                    if kind != Kind::Dot {
                        line.extend_from_slice(path.as_bytes());
                    }
                    if f.qid.typ & QTDIR == 0 && !pathonly {
                        if kind != Kind::Dot {
                            line.push(b'/');
                        }
                        line.extend_from_slice(f.name.as_bytes());
                    }
                }
                b'q' => line.extend_from_slice(
                    format!("{:x}.{}.{:02x}", f.qid.path, f.qid.vers, f.qid.typ).as_bytes(),
                ),
                b's' => line.extend_from_slice(format!("{}", f.length).as_bytes()),
                b'x' => line.extend_from_slice(dirmodefmt(f.mode).as_bytes()),
                b'D' => line.extend_from_slice(format!("{}", f.dev).as_bytes()),
                b'T' => {
                    let c = char::from_u32(f.typ as u32).unwrap_or('\u{fffd}');
                    let mut b = [0u8; 4];
                    line.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
                }
                _ => {}
            }
            if i + 1 < fmt.len() {
                line.push(b' ');
            }
        }
        line.push(b'\n');
        let _ = self.bout.write(&line);
        if self.uflag {
            let _ = self.bout.flush();
        }
    }

    fn walk(&mut self, path: &str, kind: Kind, cf: Option<(Dir, bool)>, cferr: &str, depth: i64) {
        let Some((cf, isdot)) = cf else {
            self.warn(&format!("path: {path}: {cferr}"));
            return;
        };
        if depth < self.maxdepth {
            let fd = match open(path, OREAD) {
                Ok(fd) => fd,
                Err(e) => {
                    self.warn(&format!("couldn't open {path}: {e}"));
                    return;
                }
            };
            loop {
                let dirs = match dirread(fd) {
                    Ok(d) if d.is_empty() => break,
                    Ok(d) => d,
                    Err(e) => {
                        self.warn(&format!("{path}: {e}"));
                        break;
                    }
                };
                for f in &dirs {
                    if self.seen(f) {
                        continue;
                    }
                    let name = f.name.to_string_lossy();
                    if f.qid.typ & QTDIR == 0 {
                        if self.fflag && depth >= self.mindepth {
                            self.dofile(path, kind, f, false, false);
                        }
                    } else if name == "." || name == ".." {
                        self.warn(&format!(". or .. named file: {path}/{name}"));
                    } else if depth + 1 > self.maxdepth {
                        self.dofile(path, kind, f, false, false);
                    } else {
                        let file = if kind == Kind::Dot {
                            String::from(&*name)
                        } else if path == "/" {
                            format!("/{name}")
                        } else {
                            format!("{path}/{name}")
                        };
                        self.walk(&file, Kind::Named, Some((f.clone(), false)), "", depth + 1);
                    }
                }
            }
            let _ = close(fd);
        }
        let depth = depth - 1;
        if self.dflag && depth >= self.mindepth {
            self.dofile(path, kind, &cf, isdot, false);
        }
    }
}

fn usage(argv0: &str) -> ! {
    let _ = libc::fprint!(Fd::STDERR, "usage: {argv0} [-udftx] [-n mind,maxd] [-e statfmt] [file ...]\n");
    exits("usage");
}

fn estrtol(s: &str) -> i64 {
    let (n, used) = strtol(s, 0);
    if used == 0 || used != s.len() {
        libc::sysfatal!("estrtol: bad input '{s}'");
    }
    n as i64
}

/// `-n`: `min,max`, `min,`, `,max` or `max`.
fn elimdepth(w: &mut Walk, p: &str) {
    if p.is_empty() {
        libc::sysfatal!("empty depth argument");
    }
    let mut p = p;
    if let Some(i) = p.find(',') {
        if i > 0 {
            w.mindepth = estrtol(&p[..i]);
        }
        p = &p[i + 1..];
        if p.is_empty() {
            return;
        }
    }
    w.maxdepth = estrtol(p);
}

/// Drops doubled slashes and trailing ones (but not a lone `/`).
fn slashslash(s: &str) -> String {
    let mut out = String::new();
    let mut prev = None;
    for c in s.chars() {
        if c == '/' && prev == Some('/') {
            continue;
        }
        out.push(c);
        prev = Some(c);
    }
    while out.len() > 1 && out.ends_with('/') {
        out.pop();
    }
    out
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let argv0 = String::from(a.argv0());
    let mut cflag = false;
    let mut w = Walk {
        uflag: false,
        dflag: true,
        fflag: true,
        tflag: false,
        xflag: false,
        maxdepth: NOMAX,
        mindepth: 0,
        stfmt: String::from("p"),
        bout: Biobuf::new(Fd::STDOUT, OWRITE),
        seen: BTreeSet::new(),
    };
    while let Some(c) = a.next_flag() {
        match c {
            'C' => cflag = true,
            'u' => w.uflag = true,
            'd' => {
                w.dflag = true;
                w.fflag = false;
            }
            'f' => {
                w.fflag = true;
                w.dflag = false;
            }
            't' => w.tflag = true,
            'x' => w.xflag = true,
            'n' => {
                let v = a.value().unwrap_or_else(|| usage(&argv0));
                elimdepth(&mut w, &v);
            }
            'e' => {
                let v = a.value().unwrap_or_else(|| usage(&argv0));
                if !v.bytes().all(|c| b"UGMamnpqsxDT".contains(&c)) {
                    libc::sysfatal!("bad stfmt: {v}");
                }
                w.stfmt = v;
            }
            _ => usage(&argv0),
        }
    }
    w.bout.lethal(None);
    if w.maxdepth != NOMAX {
        w.maxdepth += 1;
    }
    let args = a.rest();
    if args.is_empty() {
        match dirstat(".") {
            Ok(d) => w.walk(".", Kind::Dot, Some((d, true)), "", 1),
            Err(e) => w.walk(".", Kind::Dot, None, e.as_str(), 1),
        }
    } else {
        for arg in args {
            let name = if let Some(rest) = arg.strip_prefix("#/") {
                format!("#/{}", slashslash(rest))
            } else if cflag {
                slashslash(&arg)
            } else {
                slashslash(&cleanname(&arg))
            };
            match dirstat(&name) {
                Ok(d) if d.qid.typ & QTDIR == 0 => {
                    if w.fflag && !w.seen(&d) && w.mindepth < 1 {
                        w.dofile(&name, Kind::Named, &d, false, true);
                    }
                }
                Ok(d) => w.walk(&name, Kind::Named, Some((d, false)), "", 1),
                Err(e) => w.walk(&name, Kind::Named, None, e.as_str(), 1),
            }
        }
    }
    let _ = w.bout.flush();
    exits("");
}
