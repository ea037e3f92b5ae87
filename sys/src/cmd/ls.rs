//! ls: a port of 9front's `sys/src/cmd/ls.c`.
//!
//! Lists files and the contents of directories, sorted by name (or with
//! `-t` by time, newest first; `-r` reverses, `-n` does not sort).
//! Entries of a directory named as an argument are shown as `dir/name`
//! unless `-p`. The flags are 9front's: `-d` directories as files, `-l`
//! long form (`%M %C dev uid gid length time name`, with columns as wide
//! as the widest value listed so far), `-m` the last modifier, `-q` the
//! qid, `-s` size in KB, `-t`/`-u` sort by and show the access time,
//! `-F` `/` after directories and `*` after executables, `-Q` names
//! unquoted (by default they are quoted as rc would need), `-T` the
//! temporary bit.
//!
//! Times in `-l` are ctime(2)'s in the local zone (the `timezone`
//! environment variable, else GMT): `Mmm dd hh:mm` when within six months
//! past and a day ahead of now, else `Mmm dd  yyyy`.
//!
//! What differs: output is gathered per batch and written at each flush,
//! as 9front's Biobuf is flushed in `output`; equal keys keep the order
//! the entries were read in (9front's qsort breaks ties by address).
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;
use libc::arg::Args;
use libc::ctime::ctime;
use libc::dirmodefmt::dirmodefmt;
use libc::dirread::dirreadall;
use libc::dirstat::dirstat;
use libc::fcall::{Dir, DMTMP, QTDIR};
use libc::fmtquote::{quotestr, quotewidth};
use libc::needsrcquote::needsrcquote;
use libc::syscall::{close, exits, nsec, open, write, Fd, OREAD};

libc::main!(main);

#[derive(Default)]
struct Flags {
    d: bool,
    l: bool,
    m: bool,
    n: bool,
    p: bool,
    q: bool,
    big_q: bool,
    r: bool,
    s: bool,
    t: bool,
    big_t: bool,
    u: bool,
    big_f: bool,
}

struct NDir {
    d: Dir,
    prefix: Option<String>,
    /// Where it was read, to break ties.
    seq: usize,
}

#[derive(Default)]
struct Widths {
    s: usize,
    q: usize,
    v: usize,
    u: usize,
    m: usize,
    l: usize,
    g: usize,
}

struct Ls {
    f: Flags,
    clk: i64,
    w: Widths,
    dirbuf: Vec<NDir>,
    out: String,
}

fn q(s: &str) -> String {
    quotestr(s, Some(needsrcquote)).into_owned()
}

/// Pads `s` to `w` as 9front's `%*q`/`%-*q` do.
fn padq(s: &str, w: usize, left: bool) -> String {
    let n = quotewidth(s);
    let pad = " ".repeat(w.saturating_sub(n));
    if left {
        format!("{s}{pad}")
    } else {
        format!("{pad}{s}")
    }
}

/// Folds runs of slashes and removes a trailing slash, but not `.` or
/// `..` (ls.c's xcleanname).
fn xcleanname(name: &str) -> String {
    let mut s = String::with_capacity(name.len());
    let mut prev = '\0';
    for (i, c) in name.char_indices() {
        if c == '/' && i > 0 && prev == '/' {
            continue;
        }
        s.push(c);
        prev = c;
    }
    while s.len() > 1 && s.ends_with('/') {
        s.pop();
    }
    s
}

impl Ls {
    fn asciitime(&self, l: i64) -> String {
        let t = ctime(l);
        let b = t.as_bytes();
        let part = |r: core::ops::Range<usize>| {
            String::from_utf8_lossy(b.get(r).unwrap_or(&[])).into_owned()
        };
        if l < self.clk - 180 * 24 * 60 * 60 || self.clk + 24 * 60 * 60 < l {
            format!("{}{}", part(4..11), part(23..28))
        } else {
            part(4..16)
        }
    }

    fn dowidths(&mut self, i: usize) {
        let d = &self.dirbuf[i].d;
        let w = &mut self.w;
        if self.f.s {
            w.s = w.s.max(format!("{}", d.length.div_ceil(1024)).len());
        }
        if self.f.q {
            w.q = w.q.max(format!("{}", d.qid.vers).len());
        }
        if self.f.m {
            w.m = w.m.max(format!("[{}]", q(&d.muid.to_string_lossy())).len());
        }
        if self.f.l {
            w.v = w.v.max(format!("{}", d.dev).len());
            w.u = w.u.max(q(&d.uid.to_string_lossy()).len());
            w.g = w.g.max(q(&d.gid.to_string_lossy()).len());
            w.l = w.l.max(format!("{}", d.length).len());
        }
    }

    fn fileflag(&self, d: &Dir) -> &'static str {
        if !self.f.big_f {
            ""
        } else if d.qid.typ & QTDIR != 0 {
            "/"
        } else if d.mode & 0o111 != 0 {
            "*"
        } else {
            ""
        }
    }

    fn format(&self, d: &Dir, name: &str) -> String {
        let mut o = String::new();
        let w = &self.w;
        if self.f.s {
            o += &format!("{:>1$} ", d.length.div_ceil(1024), w.s);
        }
        if self.f.m {
            let muid = d.muid.to_string_lossy();
            o += &format!("[{}] ", q(&muid));
            for _ in 2 + muid.len()..w.m {
                o.push(' ');
            }
        }
        if self.f.q {
            o += &format!(
                "({:016x} {:>qw$} {:02x}) ",
                d.qid.path,
                d.qid.vers,
                d.qid.typ,
                qw = w.q
            );
        }
        if self.f.big_t {
            o += if d.mode & DMTMP != 0 { "t " } else { "- " };
        }
        if self.f.l {
            let t = if self.f.u { d.atime } else { d.mtime };
            o += &format!(
                "{} {} {:>vw$} {} {} {:>lw$} {} ",
                dirmodefmt(d.mode),
                char::from_u32(d.typ as u32).unwrap_or('?'),
                d.dev,
                padq(&q(&d.uid.to_string_lossy()), w.u, true),
                padq(&q(&d.gid.to_string_lossy()), w.g, true),
                d.length,
                self.asciitime(t as i64),
                vw = w.v,
                lw = w.l,
            );
        }
        let shown = if self.f.big_q { String::from(name) } else { q(name) };
        o += &shown;
        o += self.fileflag(d);
        o.push('\n');
        o
    }

    fn compar(&self, a: &NDir, b: &NDir) -> Ordering {
        let (ad, bd) = (&a.d, &b.d);
        let mut i = if self.f.t {
            let (x, y) = if self.f.u {
                (ad.atime, bd.atime)
            } else {
                (ad.mtime, bd.mtime)
            };
            // 9front: i = b - a as a long.
            (y.wrapping_sub(x) as i32).cmp(&0)
        } else {
            let an = ad.name.as_bytes();
            let bn = bd.name.as_bytes();
            match (&a.prefix, &b.prefix) {
                (Some(ap), Some(bp)) => ap.as_bytes().cmp(bp.as_bytes()).then(an.cmp(bn)),
                (Some(ap), None) => ap.as_bytes().cmp(bn).then(Ordering::Greater),
                (None, Some(bp)) => an.cmp(bp.as_bytes()).then(Ordering::Less),
                (None, None) => an.cmp(bn),
            }
        };
        if i == Ordering::Equal {
            i = a.seq.cmp(&b.seq);
        }
        if self.f.r {
            i = i.reverse();
        }
        i
    }

    fn output(&mut self) {
        let mut dirbuf = core::mem::take(&mut self.dirbuf);
        if !self.f.n {
            dirbuf.sort_by(|a, b| self.compar(a, b));
        }
        self.dirbuf = dirbuf;
        for i in 0..self.dirbuf.len() {
            self.dowidths(i);
        }
        let mut out = core::mem::take(&mut self.out);
        for nd in &self.dirbuf {
            let name = nd.d.name.to_string_lossy();
            match &nd.prefix {
                Some(p) if !self.f.p => {
                    let p = if p == "/" { "" } else { p.as_str() };
                    out += &self.format(&nd.d, &format!("{p}/{name}"));
                }
                _ => out += &self.format(&nd.d, &name),
            }
        }
        self.dirbuf.clear();
        if !out.is_empty() {
            let _ = write(Fd::STDOUT, out.as_bytes());
        }
    }

    fn push(&mut self, d: Dir, prefix: Option<String>) {
        let seq = self.dirbuf.len();
        self.dirbuf.push(NDir { d, prefix, seq });
    }

    /// Lists `s`; true on error.
    fn ls(&mut self, s: &str, multi: bool) -> bool {
        let err = |e: libc::syscall::Error| {
            let _ = libc::fprint!(Fd::STDERR, "ls: {s}: {e}\n");
            true
        };
        let db = match dirstat(s) {
            Ok(d) => d,
            Err(e) => return err(e),
        };
        if db.qid.typ & QTDIR != 0 && !self.f.d {
            self.output();
            let fd = match open(s, OREAD) {
                Ok(fd) => fd,
                Err(e) => return err(e),
            };
            let r = dirreadall(fd);
            let dirs = match r {
                Ok(d) => d,
                Err(e) => {
                    let _ = close(fd);
                    return err(e);
                }
            };
            let s = xcleanname(s);
            for d in dirs {
                self.push(d, multi.then(|| s.clone()));
            }
            let _ = close(fd);
            self.output();
        } else {
            let s = xcleanname(s);
            let prefix = s.rfind('/').map(|i| String::from(&s[..i]));
            self.push(db, prefix);
        }
        false
    }
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let mut f = Flags::default();
    while let Some(c) = a.next_flag() {
        match c {
            'F' => f.big_f = true,
            'd' => f.d = true,
            'l' => f.l = true,
            'm' => f.m = true,
            'n' => f.n = true,
            'p' => f.p = true,
            'q' => f.q = true,
            'Q' => f.big_q = true,
            'r' => f.r = true,
            's' => f.s = true,
            't' => f.t = true,
            'T' => f.big_t = true,
            'u' => f.u = true,
            _ => {
                let _ = libc::fprint!(Fd::STDERR, "usage: ls [-dlmnpqrstuFQT] [file ...]\n");
                exits("usage");
            }
        }
    }
    let clk = if f.l { nsec() / 1_000_000_000 } else { 0 };
    let mut ls = Ls {
        f,
        clk,
        w: Widths::default(),
        dirbuf: Vec::new(),
        out: String::new(),
    };
    let args = a.rest();
    let mut errs = false;
    if args.is_empty() {
        errs = ls.ls(".", false);
    } else {
        for s in &args {
            errs |= ls.ls(s, true);
        }
    }
    ls.output();
    exits(if errs { "errors" } else { "" });
}
