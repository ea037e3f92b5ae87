//! join: a port of 9front's `sys/src/cmd/join.c`.
//!
//! Joins two files sorted on their join fields (`-1 m`, `-2 m`, archaic
//! `-j[12] m`; the first field by default), printing for each pair of
//! lines with equal join fields the join field and the other fields of
//! both lines, or the fields `-o` lists (`0` is the join field, `N.M`
//! field M of file N; one comma-separated argument or, archaically,
//! separate arguments), with `-e s` for empty fields. `-a n` also prints
//! the lines of file n that pair with none. Fields are separated by blanks
//! (runs of spaces and tabs, leading ones dropped) or by the first rune of
//! `-t`, whose whole argument is also the output separator. `-` is
//! standard input. The options are read as join.c reads them: before the
//! files, each its own argument, and an unknown one (`-v` too, which the
//! manual lists) is ignored.
//!
//! As in 9front: lines are read 4095 bytes at a time (stdio's BUFSIZ
//! less one) and split into at most 99 fields, and a line cut by either
//! limit, or a last line without a newline, makes join end with `join:
//! some input line was truncated` after its output; one file must be
//! seekable (the second is preferred), as pairs are found by rereading
//! it, else `join: neither file is randomly accessible`; a NUL ends a
//! line's text. Errors print `join: ` and the message and exit with it.
//!
//! What differs: a join or output field a line does not have is empty
//! (9front reads a null or stale pointer there), and so is field `N.0`.
//! Input is read into memory before joining. 9front's `seek1` (used when
//! only the first file is seekable) keeps pairing while the *second* file
//! has lines, so when the first file ends inside a run of equal keys it
//! prints the last pair forever (9base does); planten tests the first
//! file's count there, as `seek2` does for the second.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use libc::rune::{chartorune, push_rune, Rune};
use libc::syscall::{exits, open, read, seek, write_all, Fd, OREAD, SEEKCUR};

libc::main!(main);

const NFLD: i64 = 100;
const BUFSIZ: usize = 4096;

/// Where an output field comes from.
#[derive(Clone, Copy, PartialEq)]
enum From {
    F1,
    F2,
    Join,
}

/// A whole input, read into memory, with a read position (the stdio
/// stream's offset).
struct Stream {
    data: Vec<u8>,
    pos: usize,
    seekable: bool,
}

/// A line split into fields.
#[derive(Default)]
struct Line {
    fields: Vec<Vec<Rune>>,
}

struct Join {
    streams: Vec<Stream>,
    f: [usize; 2],
    j: [usize; 2],
    olist: Vec<(From, i64)>,
    sep1: Rune,
    sep2: Rune,
    sepstr: String,
    null: Vec<Rune>,
    discard: u64,
    line: [Line; 2],
    out: Vec<u8>,
}

fn error(msg: &str, out: &[u8]) -> ! {
    let _ = write_all(Fd::STDOUT, out);
    let _ = libc::fprint!(Fd::STDERR, "join: {msg}\n");
    exits(msg)
}

/// C's `atoi` (libc's), widened to join's field numbers.
fn atoi<S: AsRef<[u8]> + ?Sized>(s: &S) -> i64 {
    libc::atol::atoi(s).into()
}

fn strtorune(s: &[u8]) -> Vec<Rune> {
    let mut r = Vec::new();
    let mut s = s;
    while let Some(&c) = s.first() {
        if c == 0 {
            break;
        }
        let (rr, w) = chartorune(s);
        r.push(rr);
        s = &s[w..];
    }
    r
}

impl Join {
    /// Reads the next line of file `n` and splits it (9front's `input`);
    /// the number of fields, 0 at the end of the file.
    fn input(&mut self, n: usize) -> usize {
        let st = &mut self.streams[self.f[n]];
        let rest = &st.data[st.pos..];
        if rest.is_empty() {
            self.line[n].fields.clear();
            return 0;
        }
        let mut len = rest.len().min(BUFSIZ - 1);
        if let Some(p) = rest[..len].iter().position(|&c| c == b'\n') {
            len = p + 1;
        }
        let text = strtorune(&rest[..len]);
        st.pos += len;
        let (sep1, sep2) = (self.sep1, self.sep2);
        let mut fields = Vec::new();
        let mut bp = 0;
        let at = |i: usize| text.get(i).copied().unwrap_or(0);
        let mut c;
        loop {
            if sep1 == b' ' as Rune {
                while at(bp) == sep1 || at(bp) == sep2 {
                    bp += 1;
                }
            }
            let start = bp;
            loop {
                c = at(bp);
                if c == sep1 || c == b'\n' as Rune || c == sep2 || c == 0 {
                    break;
                }
                bp += 1;
            }
            fields.push(text[start.min(text.len())..bp.min(text.len())].to_vec());
            bp += 1;
            if c == b'\n' as Rune || c == 0 || fields.len() as i64 >= NFLD - 1 {
                break;
            }
        }
        if c != b'\n' as Rune {
            self.discard += 1;
        }
        let k = fields.len();
        self.line[n].fields = fields;
        k
    }

    fn field(&self, n: usize, i: i64) -> &[Rune] {
        if i < 0 {
            return &[];
        }
        self.line[n].fields.get(i as usize).map(|v| v.as_slice()).unwrap_or(&[])
    }

    fn comp(&self) -> core::cmp::Ordering {
        self.field(0, self.j[0] as i64).cmp(self.field(1, self.j[1] as i64))
    }

    fn put(&mut self, r: &[Rune]) {
        for &c in r {
            push_rune(&mut self.out, c);
        }
    }

    fn output(&mut self, on1: usize, on2: usize) {
        let sep = self.sepstr.clone();
        if self.olist.is_empty() {
            let key = if on1 > 0 { self.field(0, self.j[0] as i64).to_vec() } else { self.field(1, self.j[1] as i64).to_vec() };
            self.put(&key);
            for (n, on) in [(0, on1), (1, on2)] {
                for i in 0..on {
                    if i != self.j[n] {
                        self.out.extend_from_slice(sep.as_bytes());
                        let f = self.field(n, i as i64).to_vec();
                        self.put(&f);
                    }
                }
            }
            self.out.push(b'\n');
        } else {
            let no = self.olist.len();
            for i in 0..no {
                let (from, fld) = self.olist[i];
                let temp: Vec<Rune> = if from == From::Join && on1 > self.j[0] {
                    self.field(0, self.j[0] as i64).to_vec()
                } else if from == From::Join && on2 > self.j[1] {
                    self.field(1, self.j[1] as i64).to_vec()
                } else {
                    let t = match from {
                        From::F1 if (on1 as i64) > fld => self.field(0, fld),
                        From::F2 if (on2 as i64) > fld => self.field(1, fld),
                        _ => &[],
                    };
                    if t.is_empty() { self.null.clone() } else { t.to_vec() }
                };
                self.put(&temp);
                if i == no - 1 {
                    self.out.push(b'\n');
                } else {
                    self.out.extend_from_slice(sep.as_bytes());
                }
            }
        }
        if self.out.len() >= 8192 {
            let _ = write_all(Fd::STDOUT, &self.out);
            self.out.clear();
        }
    }

    fn tell(&self, n: usize) -> usize {
        self.streams[self.f[n]].pos
    }

    fn seekto(&mut self, n: usize, off: usize) {
        let i = self.f[n];
        self.streams[i].pos = off;
    }

    /// Joins rereading file `s` (0 or 1) from the start of each run of
    /// equal keys: 9front's `seek1` and `seek2`, which mirror each other.
    fn seekjoin(&mut self, a1: bool, a2: bool, s: usize) {
        use core::cmp::Ordering::*;
        let o = 1 - s;
        // Ordering of file s's key against the other's, as seen from s.
        let cmp_s = |j: &Join| if s == 1 { j.comp().reverse() } else { j.comp() };
        let (as_, ao) = if s == 1 { (a2, a1) } else { (a1, a2) };
        let mut n = [0usize; 2];
        let mut top = 0;
        let mut bot = self.tell(s);
        n[0] = self.input(0);
        n[1] = self.input(1);
        let emit = |j: &mut Join, no: usize, ns: usize| {
            if s == 1 { j.output(no, ns) } else { j.output(ns, no) }
        };
        while n[0] > 0 && n[1] > 0 || (a1 || a2) && n[0] + n[1] > 0 {
            if n[s] > 0 && n[o] > 0 && cmp_s(self) == Less || n[o] == 0 {
                // The seekable file's line pairs with nothing.
                if as_ {
                    emit(self, 0, n[s]);
                }
                bot = self.tell(s);
                n[s] = self.input(s);
            } else if n[s] > 0 && n[o] > 0 && cmp_s(self) == Greater || n[s] == 0 {
                if ao {
                    emit(self, n[o], 0);
                }
                n[o] = self.input(o);
            } else {
                while n[s] > 0 && self.comp() == Equal {
                    emit(self, n[o], n[s]);
                    top = self.tell(s);
                    n[s] = self.input(s);
                }
                self.seekto(s, bot);
                n[s] = self.input(s);
                n[o] = self.input(o);
                loop {
                    if n[0] > 0 && n[1] > 0 && self.comp() == Equal {
                        emit(self, n[o], n[s]);
                        n[s] = self.input(s);
                    } else if n[0] > 0 && n[1] > 0 && cmp_s(self) == Greater || n[s] == 0 {
                        self.seekto(s, bot);
                        n[s] = self.input(s);
                        n[o] = self.input(o);
                    } else {
                        self.seekto(s, top);
                        bot = top;
                        n[s] = self.input(s);
                        break;
                    }
                }
            }
        }
    }
}

/// Reads all of `fd`.
fn slurp(fd: Fd) -> Vec<u8> {
    let mut data = Vec::new();
    let mut buf = alloc::vec![0u8; 65536];
    while let Ok(n) = read(fd, &mut buf) {
        if n == 0 {
            break;
        }
        data.extend_from_slice(&buf[..n]);
    }
    data
}

fn main(argv: Vec<String>) {
    let mut args: Vec<String> = argv;
    let mut a1 = false;
    let mut a2 = false;
    let mut j1: i64 = 1;
    let mut j2: i64 = 1;
    let mut olist: Vec<(From, i64)> = Vec::new();
    let mut null: Vec<Rune> = Vec::new();
    let mut sepstr = String::from(" ");
    let mut sep: (Rune, Rune) = (b' ' as Rune, b'\t' as Rune);
    // argv[1] is always args[i]; "consuming" moves i on.
    let mut i = 1;
    // getoptarg: the rest of the option, or the next argument if it is not
    // an option.
    fn optarg(args: &[String], i: &mut usize) -> String {
        let a = &args[*i];
        if a.len() > 2 {
            return a[2..].into();
        }
        if args.len() - *i <= 1 || args[*i + 1].starts_with('-') {
            error(&alloc::format!("incomplete option {a}"), &[]);
        }
        *i += 1;
        args[*i].clone()
    }
    while args.len() - i >= 1 && args[i].starts_with('-') {
        let a = args[i].clone();
        let Some(opt) = a.as_bytes().get(1).copied() else { break };
        let argc = args.len() - i + 1;
        match opt {
            b'-' => {
                i += 1;
                break;
            }
            b'a' => match optarg(&args, &mut i).as_bytes().first() {
                Some(b'1') => a1 = true,
                Some(b'2') => a2 = true,
                _ => error("incomplete option -a", &[]),
            },
            b'e' => null = strtorune(optarg(&args, &mut i).as_bytes()),
            b't' => {
                sepstr = optarg(&args, &mut i);
                let r = if sepstr.is_empty() { 0 } else { chartorune(sepstr.as_bytes()).0 };
                sep = (r, r);
            }
            b'o' => {
                if a.len() > 2 || argc > 2 && args[i + 1].contains(',') {
                    let s = optarg(&args, &mut i);
                    olist = oparse(s.as_bytes());
                } else {
                    olist.clear();
                    while olist.len() < 2 * NFLD as usize && args.len() - i > 1 {
                        let n = args[i + 1].as_bytes();
                        if n.len() >= 2 && n[0] == b'1' && n[1] == b'.' {
                            olist.push((From::F1, atoi(&args[i + 1][2..])));
                        } else if n.len() >= 2 && n[0] == b'2' && n[1] == b'.' {
                            olist.push((From::F2, atoi(&args[i + 1][2..])));
                        } else if n.first() == Some(&b'0') {
                            olist.push((From::Join, 0));
                        } else {
                            break;
                        }
                        i += 1;
                    }
                }
            }
            b'j' => {
                if argc <= 2 {
                    i += 1;
                    continue;
                }
                let v = atoi(&args[i + 1]);
                match a.as_bytes().get(2) {
                    Some(b'1') => j1 = v,
                    Some(b'2') => j2 = v,
                    _ => {
                        j1 = v;
                        j2 = v;
                    }
                }
                i += 1;
            }
            b'1' => j1 = atoi(&optarg(&args, &mut i)),
            b'2' => j2 = atoi(&optarg(&args, &mut i)),
            _ => {}
        }
        i += 1;
    }
    for o in olist.iter_mut() {
        if o.1 > NFLD {
            error("field number too big in -o", &[]);
        }
        o.1 -= 1;
    }
    let files: Vec<String> = args.split_off(i.min(args.len()));
    if files.len() != 2 {
        error("usage: join [-1 x -2 y] [-o list] file1 file2", &[]);
    }
    if j1 < 1 || j2 < 1 {
        error("invalid field indices", &[]);
    }
    let mut streams: Vec<Stream> = Vec::new();
    let mut stdin: Option<usize> = None;
    let mut f = [0usize; 2];
    for (k, name) in files.iter().enumerate() {
        if name == "-" {
            if stdin.is_none() {
                let seekable = seek(Fd::STDIN, 0, SEEKCUR).is_ok();
                streams.push(Stream { data: slurp(Fd::STDIN), pos: 0, seekable });
                stdin = Some(streams.len() - 1);
            }
            f[k] = stdin.unwrap_or(0);
        } else {
            match open(name, OREAD) {
                Ok(fd) => {
                    streams.push(Stream { data: slurp(fd), pos: 0, seekable: true });
                    let _ = libc::syscall::close(fd);
                    f[k] = streams.len() - 1;
                }
                Err(_) => error(&alloc::format!("can't open {name}"), &[]),
            }
        }
    }
    let mut j = Join {
        f,
        j: [(j1 - 1) as usize, (j2 - 1) as usize],
        olist,
        sep1: sep.0,
        sep2: sep.1,
        sepstr,
        null,
        discard: 0,
        line: [Line::default(), Line::default()],
        out: Vec::new(),
        streams,
    };
    if j.streams[j.f[1]].seekable {
        j.seekjoin(a1, a2, 1);
    } else if j.streams[j.f[0]].seekable {
        j.seekjoin(a1, a2, 0);
    } else {
        error("neither file is randomly accessible", &[]);
    }
    if j.discard > 0 {
        error("some input line was truncated", &j.out);
    }
    let _ = write_all(Fd::STDOUT, &j.out);
    exits("");
}

/// Reads a comma-separated `-o` list as join.c's `oparse` does, quirks
/// and all: after `N.` only the byte after the first digit may be the
/// comma, so `1.12,2.1` is invalid.
fn oparse(s: &[u8]) -> Vec<(From, i64)> {
    let mut l = Vec::new();
    let mut p = 0;
    while l.len() < 2 * NFLD as usize && p < s.len() {
        match s[p] {
            b'0' => l.push((From::Join, 0)),
            c @ (b'1' | b'2') if s.get(p + 1) == Some(&b'.') && s.get(p + 2).is_some_and(|d| d.is_ascii_digit()) => {
                p += 2;
                let v = atoi(&s[p..]);
                l.push((if c == b'1' { From::F1 } else { From::F2 }, v));
            }
            _ => error("invalid -o list", &[]),
        }
        if s.get(p + 1) == Some(&b',') {
            p += 1;
        }
        p += 1;
    }
    l
}
