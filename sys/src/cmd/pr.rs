//! pr: a port of 9front's `sys/src/cmd/pr.c`.
//!
//! Prints files in pages of 66 lines (`-lN`), each headed by two blank
//! lines, a line with the file's modification date (the current date for
//! standard input or `-m`), the header (`-h text`, else the file name) and
//! the page number, and two more blank lines, and ended by five blank
//! lines (`-t` drops header and trailer; `-f` ends pages with a form feed).
//! `-N` prints N columns, filled down the page (`-a` across, `-b` or `-n`
//! balances the last page), each `(72-N+1)/N` wide (`-wN` sets the line
//! width) and separated by blanks or, with `-sC`, by C. `-m` prints the
//! files side by side. `-n[C][N]` numbers lines in N digits (5) followed
//! by C (tab); `-e[C][N]` expands input tabs (C) to stops every N (8),
//! `-i[C][N]` turns output blanks into tabs; `-d` double-spaces, `-oN`
//! offsets each line, `+N` starts printing at page N, `-p` pads to an even
//! number of pages. Errors (`pr: can't open F`, `pr: F -- empty file`) go
//! to standard error followed by a blank line, and make the status `error`.
//!
//! Kept from 9front: option letters may be upper case; a `-` alone is a
//! file name; with `-m`, pr prints nothing when a file cannot be opened;
//! `-sC` takes one byte.
//!
//! What differs: where 9front's last-page balancing would read past the
//! buffered text (an unterminated last line), planten stops at its end.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use libbio::Biobuf;
use libc::syscall::{exits, Fd, OREAD, OWRITE};

libc::main!(main);

const ESC: i64 = 0o33;
const LENGTH: i32 = 66;
const LINEW: i32 = 72;
const NUMW: i32 = 5;
const MARGIN: i32 = 10;
const DEFTAB: i32 = 8;
const NFILES: usize = 20;

fn isprint(c: i64) -> bool {
    c >= b' ' as i64
}

struct Fils {
    f: Option<Biobuf>,
    name: String,
    nextc: i64,
}

#[derive(Clone, Copy, Default)]
struct Colp {
    ptr: usize,
    ptr0: usize,
    lno: i64,
}

struct Pr {
    balance: bool,
    bout: Biobuf,
    buffer: Option<Vec<i64>>,
    c: i64,
    colpts: Vec<Colp>,
    colw: i32,
    dblspace: i32,
    error: bool,
    etabc: i64,
    etabn: i32,
    files: Vec<Fils>,
    formfeed: bool,
    fpage: i32,
    head: Option<String>,
    inpos: i32,
    itabc: u8,
    itabn: i32,
    lcolpos: i32,
    len: i32,
    line: i32,
    linew: i32,
    lnumb: i64,
    margin: i32,
    multi: u8,
    ncols: i32,
    nfiles: usize,
    nsepc: i64,
    nspace: i32,
    numw: i32,
    offset: i32,
    outpos: i32,
    padodd: bool,
    page: i32,
    pcolpos: i32,
    plength: i32,
    sepc: i64,
    peekc: i32,
    now: Option<String>,
}

/// An option word and the position being read in it, as findopt's
/// `*argv` pointer.
struct Word<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Word<'_> {
    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }
    /// `atoix`: the digits after the current position.
    fn atoix(&mut self) -> i32 {
        let mut n: i32 = 0;
        while self.at(self.pos + 1).is_ascii_digit() {
            self.pos += 1;
            n = n.wrapping_mul(10).wrapping_add((self.at(self.pos) - b'0') as i32);
        }
        n
    }
    /// `intopt`: an optional non-digit character, then a number.
    fn intopt(&mut self, opt: &mut i64) -> i32 {
        let c = self.at(self.pos + 1);
        if c != 0 && !c.is_ascii_digit() {
            *opt = c as i64;
            self.pos += 1;
        }
        let n = self.atoix();
        if n != 0 { n } else { -1 }
    }
}

impl Pr {
    fn cerror(&mut self, s: &str) {
        let _ = libc::fprint!(Fd::STDERR, "pr: {s}");
    }

    fn die(&mut self, s: &str) -> ! {
        let _ = self.bout.flush();
        self.cerror(s);
        let _ = self.bout.putc(b'\n');
        let _ = self.bout.flush();
        exits("error");
    }

    fn findopt(&mut self, argv: &[String]) -> Vec<String> {
        let mut eargv = Vec::new();
        let mut i = 1;
        while i < argv.len() {
            let arg = argv[i].as_bytes();
            let mut w = Word { b: arg, pos: 0 };
            let first = w.at(0);
            let mut isopt = false;
            if first == b'-' {
                w.pos = 1;
                if w.at(1) != 0 {
                    isopt = true;
                }
            } else if first == b'+' {
                isopt = true;
            }
            if !isopt {
                eargv.push(argv[i].clone());
                i += 1;
                continue;
            }
            let mut took_head = false;
            loop {
                let c = w.at(w.pos);
                if c.is_ascii_digit() {
                    w.pos -= 1;
                    self.ncols = w.atoix();
                } else {
                    match c.to_ascii_lowercase() {
                        b'+' => {
                            self.fpage = w.atoix();
                            if self.fpage < 1 {
                                self.fpage = 1;
                            }
                        }
                        b'd' => self.dblspace = 2,
                        b'e' => {
                            let mut t = self.etabc;
                            self.etabn = w.intopt(&mut t);
                            self.etabc = t;
                            if self.etabn < 0 {
                                self.etabn = DEFTAB;
                            }
                        }
                        b'f' => self.formfeed = true,
                        b'h' => {
                            if i + 1 < argv.len() {
                                self.head = Some(argv[i + 1].clone());
                                took_head = true;
                            }
                        }
                        b'i' => {
                            let mut t = self.itabc as i64;
                            self.itabn = w.intopt(&mut t);
                            self.itabc = t as u8;
                            if self.itabn < 0 {
                                self.itabn = DEFTAB;
                            }
                        }
                        b'l' => self.len = w.atoix(),
                        b'a' | b'm' => self.multi = c.to_ascii_lowercase(),
                        b'o' => self.offset = w.atoix(),
                        b's' => {
                            let s = w.at(w.pos + 1);
                            if s != 0 {
                                self.sepc = s as i64;
                                w.pos += 1;
                            } else {
                                self.sepc = b'\t' as i64;
                            }
                        }
                        b't' => self.margin = 0,
                        b'w' => self.linew = w.atoix(),
                        b'n' => {
                            self.lnumb += 1;
                            let mut t = self.nsepc;
                            self.numw = w.intopt(&mut t);
                            self.nsepc = t;
                            if self.numw <= 0 {
                                self.numw = NUMW;
                            }
                            self.balance = true;
                        }
                        b'b' => self.balance = true,
                        b'p' => self.padodd = true,
                        _ => self.die("bad option"),
                    }
                }
                w.pos += 1;
                if w.at(w.pos) == 0 {
                    break;
                }
            }
            i += if took_head { 2 } else { 1 };
        }
        if self.len == 0 {
            self.len = LENGTH;
        }
        if self.len <= self.margin {
            self.margin = 0;
        }
        self.plength = self.len - self.margin / 2;
        if self.multi == b'm' {
            self.ncols = eargv.len() as i32;
        }
        match self.ncols {
            0 => self.ncols = 1,
            1 => {}
            _ => {
                if self.etabn == 0 {
                    self.etabn = DEFTAB;
                }
            }
        }
        if self.linew == 0 {
            self.linew = if self.ncols != 1 && self.sepc == 0 { LINEW } else { 512 };
        }
        if self.lnumb != 0 {
            self.linew -= if self.multi == b'm' { self.numw } else { self.numw * self.ncols };
        }
        self.colw = (self.linew - self.ncols + 1) / self.ncols;
        if self.colw < 1 {
            self.die("width too small");
        }
        if self.ncols != 1 && self.multi == 0 {
            let buflen = ((self.plength / self.dblspace + 1) as usize) * ((self.linew + 1) as usize);
            self.buffer = Some(vec![0; buflen]);
            self.colpts = vec![Colp::default(); self.ncols as usize + 1];
        }
        eargv
    }

    fn getdate(&mut self) -> String {
        if self.nfiles > 1 || self.files[0].name.is_empty() {
            if self.now.is_none() {
                self.now = Some(libc::ctime::ctime(libc::syscall::nsec() / 1_000_000_000));
            }
            return self.now.clone().unwrap();
        }
        let mtime = libc::dirstat::dirstat(&self.files[0].name).map(|d| d.mtime).unwrap_or(0);
        libc::ctime::ctime(mtime as i64)
    }

    /// Opens `s` (standard input when empty) into files[k]; false when it
    /// cannot be opened or is empty.
    fn mustopen(&mut self, s: &str, k: usize) -> bool {
        while self.files.len() <= k {
            self.files.push(Fils { f: None, name: String::new(), nextc: -1 });
        }
        let mut msg;
        let f = if s.is_empty() {
            msg = String::new();
            Some(Biobuf::new(Fd::STDIN, OREAD))
        } else {
            msg = format!("can't open {s}\n");
            Biobuf::open(s, OREAD).ok()
        };
        self.files[k].name = String::from(s);
        self.files[k].f = f;
        if let Some(b) = &mut self.files[k].f {
            b.lethal(None);
            let c = b.getrune().map(|r| r as i64).unwrap_or(-1);
            self.files[k].nextc = c;
            if c >= 0 || self.multi == b'm' {
                return true;
            }
            msg = format!("{s} -- empty file\n");
            if let Some(b) = self.files[k].f.take() {
                if !s.is_empty() {
                    let _ = b.term();
                }
            }
        }
        self.error = true;
        self.cerror(&msg);
        let _ = libc::fprint!(Fd::STDERR, "\n");
        false
    }

    fn pr(&mut self, name: &str) -> bool {
        if self.multi != b'm' && !self.mustopen(name, 0) {
            return false;
        }
        if self.buffer.is_some() {
            if let Some(b) = &mut self.files[0].f {
                b.ungetc();
            }
        }
        if self.lnumb != 0 {
            self.lnumb = 1;
        }
        let mut date: Option<String> = None;
        let mut head: Option<String> = None;
        self.page = 0;
        loop {
            if self.c == -1 {
                break;
            }
            if self.buffer.is_some() {
                self.nexbuf();
            }
            self.inpos = 0;
            if self.get(0) == -1 {
                break;
            }
            let _ = self.bout.flush();
            self.page += 1;
            if self.page >= self.fpage && self.margin != 0 {
                if date.is_none() {
                    date = Some(self.getdate());
                }
                if head.is_none() {
                    head = Some(match &self.head {
                        Some(h) => h.clone(),
                        None if self.nfiles < 2 => self.files[0].name.clone(),
                        None => String::new(),
                    });
                }
                let _ = self.bout.write(b"\n\n");
                self.nspace = self.offset;
                self.putspace();
                let d = date.as_deref().unwrap_or("").as_bytes();
                let part = |a: usize, n: usize| String::from_utf8_lossy(&d[a.min(d.len())..(a + n).min(d.len())]).into_owned();
                let line = format!(
                    "{:>12} {:>4}  {} Page {}\n\n\n",
                    part(4, 12),
                    part(24, 4),
                    head.as_deref().unwrap_or(""),
                    self.page
                );
                let _ = self.bout.write(line.as_bytes());
            }
            self.putpage();
        }
        if self.padodd && self.page & 1 == 1 {
            self.line = 0;
            if self.formfeed {
                self.put(0x0c);
            } else {
                while self.line < self.len {
                    self.put(b'\n' as i64);
                }
            }
        }
        self.c = 0;
        true
    }

    fn putpage(&mut self) {
        self.line = self.margin / 2;
        loop {
            self.nspace = self.offset;
            let mut colno: i32 = 0;
            self.outpos = 0;
            while self.c != 0x0c {
                if self.lnumb != 0 && self.c != -1 && (colno == 0 || self.multi == b'a') {
                    if self.page >= self.fpage {
                        self.putspace();
                        let n = if self.buffer.is_some() {
                            let p = &mut self.colpts[colno as usize];
                            p.lno += 1;
                            p.lno - 1
                        } else {
                            self.lnumb
                        };
                        let s = format!("{:>w$}", n, w = self.numw.max(0) as usize);
                        let _ = self.bout.write(s.as_bytes());
                        self.outpos += self.numw;
                        self.put(self.nsepc);
                    }
                    self.lnumb += 1;
                }
                self.lcolpos = 0;
                self.pcolpos = 0;
                while self.c != b'\n' as i64 && self.c != 0x0c && self.c != -1 {
                    self.put(self.c);
                    self.get(colno);
                }
                if self.c == -1 {
                    break;
                }
                colno += 1;
                if colno == self.ncols || (self.c == b'\n' as i64 && self.get(colno) == -1) {
                    break;
                }
                if self.sepc != 0 {
                    self.put(self.sepc);
                } else {
                    self.nspace += self.colw - self.lcolpos + 1;
                    if self.nspace < 1 {
                        self.nspace = 1;
                    }
                }
            }
            if self.c == -1 && colno == 0 {
                if self.margin != 0 {
                    break;
                }
                return;
            }
            if self.c == 0x0c {
                break;
            }
            self.put(b'\n' as i64);
            if self.dblspace == 2 && self.line < self.plength {
                self.put(b'\n' as i64);
            }
            if self.line >= self.plength {
                break;
            }
            self.get(0);
        }
        if self.formfeed {
            self.put(0x0c);
        } else {
            while self.line < self.len {
                self.put(b'\n' as i64);
            }
        }
    }

    fn nexbuf(&mut self) {
        let ncols = self.ncols as usize;
        let mut buf = self.buffer.take().unwrap();
        let bufend = buf.len();
        let mut s: usize = 0;
        let mut p: usize = 0;
        let mut bline: i64 = 0;
        loop {
            self.colpts[p].ptr0 = s;
            self.colpts[p].ptr = s;
            if p == ncols {
                self.buffer = Some(buf);
                return;
            }
            self.colpts[p].lno = self.lnumb + bline;
            p += 1;
            let mut j = (self.len - self.margin) / self.dblspace;
            loop {
                j -= 1;
                if j < 0 {
                    break;
                }
                self.inpos = 0;
                loop {
                    let c = self.files[0].f.as_mut().and_then(|b| b.getrune()).map(|r| r as i64).unwrap_or(-1);
                    if c == -1 {
                        buf[s] = -1;
                        while p <= ncols {
                            self.colpts[p].ptr0 = s;
                            self.colpts[p].ptr = s;
                            p += 1;
                        }
                        self.buffer = Some(buf);
                        if self.balance {
                            self.balancecols(bline);
                        }
                        return;
                    }
                    if isprint(c) {
                        self.inpos += 1;
                    }
                    if self.inpos <= self.colw || c == b'\n' as i64 {
                        buf[s] = c;
                        s += 1;
                        if s >= bufend {
                            self.buffer = Some(buf);
                            self.die("page-buffer overflow");
                        }
                    }
                    if c == b'\n' as i64 {
                        break;
                    }
                    if c == 0x08 && self.inpos == 0 {
                        s = s.saturating_sub(1);
                    }
                    if (c == 0x08 || c == ESC) && self.inpos > 0 {
                        self.inpos -= 1;
                    }
                }
                bline += 1;
            }
        }
    }

    /// Evens out the columns of the last page.
    fn balancecols(&mut self, bline: i64) {
        let buf = self.buffer.as_ref().unwrap();
        let ncols = self.ncols as i64;
        let mut s = 0usize;
        let mut p = 0usize;
        let mut colno = 0;
        let c = bline % ncols;
        let mut l = (bline + ncols - 1) / ncols;
        let mut bl = 0;
        loop {
            for _ in 0..l {
                while s < buf.len() && buf[s] != -1 {
                    s += 1;
                    if buf[s - 1] == b'\n' as i64 {
                        break;
                    }
                }
            }
            p += 1;
            bl += l;
            self.colpts[p].lno = self.lnumb + bl;
            self.colpts[p].ptr0 = s;
            self.colpts[p].ptr = s;
            colno += 1;
            if colno == c {
                l -= 1;
            }
            if colno >= ncols - 1 {
                break;
            }
        }
    }

    fn get(&mut self, colno: i32) -> i64 {
        let mut c: i64;
        if self.peekc != 0 {
            self.peekc = 0;
            c = self.etabc;
        } else if let Some(buf) = &self.buffer {
            let k = colno as usize;
            let p = self.colpts[k];
            if p.ptr >= self.colpts[k + 1].ptr0 {
                c = -1;
            } else {
                c = buf[p.ptr];
                if c != -1 {
                    self.colpts[k].ptr += 1;
                }
            }
        } else {
            let k = if self.multi == b'a' { 0 } else { colno as usize };
            c = self.files.get(k).map(|f| f.nextc).unwrap_or(-1);
            if c == -1 {
                if self.files[..self.nfiles.min(self.files.len())].iter().any(|f| f.nextc != -1) {
                    c = b'\n' as i64;
                }
            } else {
                let q = &mut self.files[k];
                q.nextc = q.f.as_mut().and_then(|b| b.getrune()).map(|r| r as i64).unwrap_or(-1);
            }
        }
        if self.etabn != 0 && c == self.etabc {
            self.inpos += 1;
            self.peekc = self.inpos % self.etabn;
            c = b' ' as i64;
        } else if isprint(c) {
            self.inpos += 1;
        } else if c == 0x08 || c == ESC {
            if self.inpos > 0 {
                self.inpos -= 1;
            }
        } else if c == 0x0c && self.ncols != 1 {
            c = b'\n' as i64;
            self.inpos = 0;
        } else if c == b'\n' as i64 || c == b'\r' as i64 {
            self.inpos = 0;
        }
        self.c = c;
        c
    }

    fn put(&mut self, c: i64) {
        let mv: i32;
        match c {
            0x20 => {
                self.nspace += 1;
                self.lcolpos += 1;
                return;
            }
            0x08 | ESC => {
                if c == 0x08 {
                    if self.lcolpos == 0 {
                        return;
                    }
                    if self.nspace > 0 {
                        self.nspace -= 1;
                        self.lcolpos -= 1;
                        return;
                    }
                    if self.lcolpos > self.pcolpos {
                        self.lcolpos -= 1;
                        return;
                    }
                }
                mv = -1;
            }
            _ => {
                if c == b'\n' as i64 {
                    self.line += 1;
                }
                if c == b'\n' as i64 || c == b'\r' as i64 || c == 0x0c {
                    self.pcolpos = 0;
                    self.lcolpos = 0;
                    self.nspace = 0;
                    self.outpos = 0;
                }
                mv = isprint(c) as i32;
            }
        }
        if self.page < self.fpage {
            return;
        }
        if self.lcolpos > 0 || mv > 0 {
            self.lcolpos += mv;
        }
        if self.lcolpos <= self.colw {
            self.putspace();
            let _ = self.bout.putrune(c as u32);
            self.pcolpos = self.lcolpos;
            self.outpos += mv;
        }
    }

    fn putspace(&mut self) {
        while self.nspace > 0 {
            let nc;
            if self.itabn > 0 && self.nspace > 1 && self.nspace >= self.itabn - self.outpos % self.itabn {
                nc = self.itabn - self.outpos % self.itabn;
                let _ = self.bout.putc(self.itabc);
            } else {
                nc = 1;
                let _ = self.bout.putc(b' ');
            }
            self.outpos += nc;
            self.nspace -= nc;
        }
    }
}

fn main(argv: Vec<String>) {
    let mut p = Pr {
        balance: false,
        bout: Biobuf::new(Fd::STDOUT, OWRITE),
        buffer: None,
        c: 0,
        colpts: Vec::new(),
        colw: 0,
        dblspace: 1,
        error: false,
        etabc: b'\t' as i64,
        etabn: 0,
        files: Vec::new(),
        formfeed: false,
        fpage: 1,
        head: None,
        inpos: 0,
        itabc: b'\t',
        itabn: 0,
        lcolpos: 0,
        len: LENGTH,
        line: 0,
        linew: 0,
        lnumb: 0,
        margin: MARGIN,
        multi: 0,
        ncols: 1,
        nfiles: 0,
        nsepc: b'\t' as i64,
        nspace: 0,
        numw: 0,
        offset: 0,
        outpos: 0,
        padodd: false,
        page: 0,
        pcolpos: 0,
        plength: 0,
        sepc: 0,
        peekc: 0,
        now: None,
    };
    p.bout.lethal(None);
    p.files.push(Fils { f: None, name: String::new(), nextc: -1 });
    let args = p.findopt(&argv);
    let mut nfdone = 0;
    for a in &args {
        if p.multi == b'm' {
            if p.nfiles >= NFILES - 1 {
                p.die("too many files");
            }
            let k = p.nfiles;
            p.nfiles += 1;
            if !p.mustopen(a, k) {
                nfdone += 1;
            }
        } else {
            if p.pr(a) {
                if let Some(b) = p.files[0].f.take() {
                    let _ = b.term();
                }
            }
            nfdone += 1;
        }
    }
    if nfdone == 0 {
        p.pr("");
    }
    let _ = p.bout.flush();
    exits(if p.error { "error" } else { "" });
}
