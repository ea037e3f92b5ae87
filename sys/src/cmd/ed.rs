//! ed: a port of 9front's `sys/src/cmd/ed.c` (see ed(1)).
//!
//! The line editor: commands read from standard input, each an optional
//! address or address range (`.`, `$`, numbers, `'x` marks, `/re/` and
//! `?re?` searches, `+`/`-`/`^` offsets, ranges with `,` and `;`) and a
//! letter: `a b c d e E f g i j k l m n p P q Q r s t u v w W = !`, with
//! a `p`, `l` or `n` suffix to print. Regular expressions are those of
//! 9front's libregexp (regexp(6)), over runes. Errors print `?` (or `?`
//! and a file name, or `?TMP`), skip the rest of the line and abandon a
//! global command; `q` and `e` refuse once when the buffer has unsaved
//! changes. Reading and writing files prints the count of characters
//! (runes, newlines included). `-` silences the counts, the `!` after a
//! shell command and the unsaved-changes check; `-o` does the same and
//! starts by appending to a buffer whose file is `/fd/1`, with the
//! diagnostics on standard error.
//!
//! Kept as 9front has it, quirks included: lines hold at most 4095 runes
//! (typed lines 4091, read lines 4095 and a newline) and end at a NUL;
//! bad UTF-8 reads as U+FFFD; a file whose last line lacks a newline gets
//! one (`'\n' appended`); `s` takes a count (`s2/a/b/`), `g` and the
//! number, `&` and `\1`…`\8`, and a `\` before a newline in the
//! replacement splits the line; `u` undoes only the last substitution
//! and only on the line it made; `g/re/d` deletes at once; `l` prints
//! control and non-ASCII runes as `\xHHHH`, folds lines at 72 columns and
//! marks a trailing blank with `\n`; an interrupt note abandons the
//! command (`?`), and a hangup saves the buffer in `ed.hup`.
//!
//! What differs: the lines live in memory rather than in a temporary file
//! (`/tmp/eXXXXX`); its size limit is kept, as an error `?TMP` once the
//! text stored passes what 9front's 8191 blocks of 4096 bytes hold. In
//! `l`, a rune above U+FFFF shows the hex digits of its low 16 bits
//! (9front's table lookup runs past its end there). Notes arrive as libc's
//! `pendingnote` while ed reads its input. 9front's ed has no `G`, `V` or
//! `x` commands; they are errors here too.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use libbio::Biobuf;
use libc::dirfstat::dirfstat;
use libc::fcall::DMAPPEND;
use libc::rune::{push_rune, Rune};
use libc::syscall::{
    self, awaitmsg, close, create, exits, open, seek, spawn, write, Fd, OREAD, OWRITE,
};
use libregexp::{regcomp, Reprog, Resub};

libc::main!(main);

/// Longest file name, in bytes, with room for its NUL.
const FNSIZE: usize = 128;
/// Longest line, in runes.
const LBSIZE: usize = 4096;
/// The runes of one block of 9front's temporary file.
const BLKRUNES: usize = 4096 / 4;
/// Blocks in 9front's temporary file.
const NBLK: usize = 8191;
/// Longest regular expression, in bytes.
const ESIZE: usize = 256;
/// Longest global command.
const GBSIZE: usize = 256;
/// Submatches \1 to \8 (9front's MAXSUB is 9, and \9 is literal).
const MAXSUB: usize = 9;
/// Marks an escaped rune in the replacement text.
const ESCFLG: Rune = 0x10FFFF;
const EOF: i32 = -1;

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Why a command stopped: 9front's `error(s)` with its message, or an
/// interrupt note.
struct Fault {
    msg: String,
    intr: bool,
}

type R<T> = Result<T, Fault>;

fn err<T>(s: &str) -> R<T> {
    Err(Fault { msg: s.into(), intr: false })
}

/// 9front's `error(Q)`.
fn q<T>() -> R<T> {
    err("")
}

/// The source `append` takes lines from.
#[derive(Clone, Copy)]
enum Src {
    Tty,
    File,
    Sub,
    Copy,
}

struct Ed {
    /// The buffer: `lines[0]` is line zero, `lines[1..]` the lines, each a
    /// handle of its text (even) with 9front's global mark in bit 0.
    lines: Vec<u32>,
    /// The stored texts, by handle / 2 - 1.
    store: Vec<Vec<Rune>>,
    /// Where 9front's temporary file would be written next, in runes.
    tline: usize,
    dot: isize,
    addr1: isize,
    addr2: isize,
    given: bool,
    names: [u32; 26],
    anymarks: bool,
    subnewa: u32,
    subolda: u32,
    fchange: bool,
    count: i64,
    /// Input: the console, a pushed-back character and the last one read.
    cons: Biobuf,
    peekc: i32,
    lastc: i32,
    /// A command string being read instead of the console (a global
    /// command's, or the initial `r` or `a`): its runes and position.
    globp: Option<(Vec<Rune>, usize)>,
    linebuf: Vec<Rune>,
    /// The rest of a line that a substitution split, for `getsub`.
    linebp: Option<Vec<Rune>>,
    rhsbuf: Vec<Rune>,
    pattern: Option<Reprog>,
    loc1: usize,
    loc2: usize,
    subexp: [Resub; MAXSUB],
    file: String,
    savedfile: String,
    io: Option<Fd>,
    iobuf: Option<Biobuf>,
    wrapp: bool,
    pflag: i32,
    listf: i32,
    listn: i32,
    col: i32,
    /// The output line being gathered (9front's `line`).
    line: Vec<u8>,
    oflag: bool,
    vflag: bool,
    bpagesize: isize,
    bformat: i32,
    bnum: i32,
    rescuing: bool,
}

impl Ed {
    fn dol(&self) -> isize {
        self.lines.len() as isize - 1
    }

    fn at(&self, a: isize) -> u32 {
        self.lines[a as usize]
    }

    fn set(&mut self, a: isize, v: u32) {
        self.lines[a as usize] = v;
    }

    // ---- input

    /// A note taken while reading: an interrupt abandons the command, a
    /// hangup saves the buffer and ends ed, any other ends ed.
    fn note(&mut self) -> R<()> {
        let Some(n) = syscall::pendingnote() else { return Ok(()) };
        match n.as_str() {
            "interrupt" => Err(Fault { msg: String::new(), intr: true }),
            "hangup" => {
                if self.rescuing {
                    exits(&n);
                }
                self.rescue()
            }
            _ => {
                let _ = libc::fprint!(Fd::STDERR, "ed: note: {n}\n");
                exits(&n)
            }
        }
    }

    /// `Bgetrune` on the console; 9front's Biobuf gives end of file once
    /// and then reads again.
    fn consrune(&mut self) -> R<i32> {
        self.note()?;
        match self.cons.getrune() {
            Some(r) => Ok(r as i32),
            None => {
                self.cons = Biobuf::new(Fd::STDIN, OREAD);
                self.note()?;
                Ok(EOF)
            }
        }
    }

    fn getchr(&mut self) -> R<i32> {
        self.lastc = self.peekc;
        if self.lastc != 0 {
            self.peekc = 0;
            return Ok(self.lastc);
        }
        if let Some((g, i)) = &mut self.globp {
            let c = g.get(*i).copied().unwrap_or(0);
            if c != 0 {
                *i += 1;
                self.lastc = c as i32;
                return Ok(self.lastc);
            }
            // As in 9front, the last character is then the string's NUL.
            self.globp = None;
            self.lastc = 0;
            return Ok(EOF);
        }
        self.lastc = self.consrune()?;
        Ok(self.lastc)
    }

    /// Whether the command string is at its end (9front's `!globp[0]`).
    fn globp_at_end(&self) -> bool {
        match &self.globp {
            None => true,
            Some((g, i)) => g.get(*i).copied().unwrap_or(0) == 0,
        }
    }

    fn getnum(&mut self) -> R<i32> {
        let mut r: i32 = 0;
        let c = loop {
            let c = self.getchr()?;
            if !(b'0' as i32..=b'9' as i32).contains(&c) {
                break c;
            }
            r = r.wrapping_mul(10).wrapping_add(c - b'0' as i32);
        };
        self.peekc = c;
        Ok(r)
    }

    /// Reads a typed line into `linebuf`: 0, or EOF at the end of the
    /// input.
    fn gety(&mut self) -> R<i32> {
        self.linebuf.clear();
        let gf = self.globp.is_some();
        loop {
            let c = self.getchr()?;
            if c == b'\n' as i32 {
                return Ok(0);
            }
            if c == EOF {
                if gf {
                    self.peekc = c;
                }
                return Ok(c);
            }
            if c == 0 {
                continue;
            }
            self.linebuf.push(c as Rune);
            if self.linebuf.len() >= LBSIZE - 4 {
                return q();
            }
        }
    }

    fn gettty(&mut self) -> R<i32> {
        let rc = self.gety()?;
        if rc != 0 {
            return Ok(rc);
        }
        if self.linebuf.len() == 1 && self.linebuf[0] == b'.' as Rune {
            return Ok(EOF);
        }
        Ok(0)
    }

    /// Reads a line of the file being read into `linebuf`.
    fn getfile(&mut self) -> R<i32> {
        self.linebuf.clear();
        loop {
            let c = match self.iobuf.as_mut().and_then(|b| b.getrune()) {
                Some(r) => r as i32,
                None => {
                    if self.linebuf.is_empty() {
                        return Ok(EOF);
                    }
                    self.putst("'\\n' appended");
                    b'\n' as i32
                }
            };
            if self.linebuf.len() >= LBSIZE {
                self.lastc = b'\n' as i32;
                return q();
            }
            self.linebuf.push(c as Rune);
            self.count += 1;
            if c == b'\n' as i32 {
                break;
            }
        }
        self.linebuf.pop();
        // The stored line ends at a NUL, as 9front's strings do.
        if let Some(z) = self.linebuf.iter().position(|&r| r == 0) {
            self.linebuf.truncate(z);
        }
        Ok(0)
    }

    fn getsub(&mut self) -> R<i32> {
        match self.linebp.take() {
            None => Ok(EOF),
            Some(l) => {
                self.linebuf = l;
                Ok(0)
            }
        }
    }

    fn getcopy(&mut self) -> R<i32> {
        if self.addr1 > self.addr2 {
            return Ok(EOF);
        }
        let a = self.addr1;
        self.addr1 += 1;
        self.getline(self.at(a));
        Ok(0)
    }

    fn next_line(&mut self, src: Src) -> R<i32> {
        match src {
            Src::Tty => self.gettty(),
            Src::File => self.getfile(),
            Src::Sub => self.getsub(),
            Src::Copy => self.getcopy(),
        }
    }

    // ---- the line store

    /// Copies the text of line handle `tl` into `linebuf`.
    fn getline(&mut self, tl: u32) {
        let i = (tl >> 1) as usize - 1;
        self.linebuf.clear();
        self.linebuf.extend_from_slice(&self.store[i]);
    }

    /// Stores `linebuf` up to its first newline (whose rest goes to
    /// `linebp`); returns the new line's handle.
    fn putline(&mut self) -> R<u32> {
        self.fchange = true;
        let n = self.linebuf.iter().position(|&r| r == b'\n' as Rune);
        let len = n.unwrap_or(self.linebuf.len());
        if (self.tline + len) / BLKRUNES >= NBLK {
            self.lastc = b'\n' as i32;
            return err("TMP");
        }
        if let Some(n) = n {
            self.linebp = Some(self.linebuf[n + 1..].to_vec());
        }
        self.tline += (len + 1 + 3) & 0o77776;
        self.store.push(self.linebuf[..len].to_vec());
        Ok((self.store.len() as u32) << 1)
    }

    fn append(&mut self, src: Src, a: isize) -> R<isize> {
        let mut nline = 0;
        self.dot = a;
        while self.next_line(src)? == 0 {
            let tl = self.putline()?;
            nline += 1;
            self.dot += 1;
            self.lines.insert(self.dot as usize, tl);
        }
        Ok(nline)
    }

    fn rdelete(&mut self, ad1: isize, ad2: isize) {
        self.lines.drain(ad1 as usize..=ad2 as usize);
        self.dot = ad1.min(self.dol());
        self.fchange = true;
    }

    /// Deletes the lines a global command marked.
    fn gdelete(&mut self) {
        let dol = self.dol();
        let mut a1: isize = 0;
        while self.at(a1) & 1 == 0 {
            if a1 >= dol {
                return;
            }
            a1 += 1;
        }
        let mut a2 = a1 + 1;
        while a2 <= dol {
            if self.at(a2) & 1 != 0 {
                a2 += 1;
                self.dot = a1;
            } else {
                let v = self.at(a2);
                self.set(a1, v);
                a1 += 1;
                a2 += 1;
            }
        }
        self.lines.truncate(a1 as usize);
        if self.dot > self.dol() {
            self.dot = self.dol();
        }
        self.fchange = true;
    }

    fn init(&mut self) {
        self.tline = 2;
        self.store.clear();
        self.names = [0; 26];
        self.subnewa = 0;
        self.anymarks = false;
        self.lines.clear();
        self.lines.push(0);
        self.dot = 0;
    }

    // ---- output

    fn putchr(&mut self, ac: i32) {
        let mut c = ac;
        if self.listf != 0 {
            if c == b'\n' as i32 {
                if self.line.last() == Some(&b' ') {
                    self.line.extend_from_slice(b"\\n");
                }
            } else {
                if self.col > 72 - 6 - 2 {
                    self.col = 8;
                    self.line.extend_from_slice(b"\\\n\t");
                }
                self.col += 1;
                if c == 0x08 || c == b'\t' as i32 || c == b'\\' as i32 {
                    self.line.push(b'\\');
                    c = match c {
                        0x08 => b'b' as i32,
                        9 => b't' as i32,
                        _ => c,
                    };
                    self.col += 1;
                } else if c < b' ' as i32 || c >= 0o177 {
                    let h = |n: i32| HEX[(n & 0xF) as usize];
                    self.line.extend_from_slice(&[b'\\', b'x', h(c >> 12), h(c >> 8), h(c >> 4)]);
                    c = h(c) as i32;
                    self.col += 5;
                }
            }
        }
        push_rune(&mut self.line, c as Rune);
        if c == b'\n' as i32 || self.line.len() >= 70 - 5 {
            let fd = if self.oflag { Fd::STDERR } else { Fd::STDOUT };
            let _ = write(fd, &self.line);
            self.line.clear();
        }
    }

    fn putd(&mut self) {
        let r = self.count % 10;
        self.count /= 10;
        if self.count != 0 {
            self.putd();
        }
        self.putchr(b'0' as i32 + r as i32);
    }

    fn putst(&mut self, s: &str) {
        self.col = 0;
        for c in s.chars() {
            self.putchr(c as i32);
        }
        self.putchr(b'\n' as i32);
    }

    fn putshst(&mut self) {
        self.col = 0;
        let l = core::mem::take(&mut self.linebuf);
        for &r in &l {
            self.putchr(r as i32);
        }
        self.linebuf = l;
        self.putchr(b'\n' as i32);
    }

    // ---- errors and ending

    /// 9front's `error1`: resets the command state, skips the rest of the
    /// input line and prints `?` and the message.
    fn error1(&mut self, s: &str) {
        self.wrapp = false;
        self.listf = 0;
        self.listn = 0;
        self.count = 0;
        let _ = seek(Fd::STDIN, 0, 2);
        self.pflag = 0;
        if self.globp.is_some() {
            self.lastc = b'\n' as i32;
        }
        self.globp = None;
        self.peekc = self.lastc;
        if self.lastc != 0 {
            loop {
                match self.getchr() {
                    Ok(c) if c == b'\n' as i32 || c == EOF => break,
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
        }
        if let Some(fd) = self.io.take() {
            let _ = close(fd);
        }
        self.iobuf = None;
        self.putchr(b'?' as i32);
        self.putst(s);
    }

    fn quit(&mut self) -> R<()> {
        if self.vflag && self.fchange && self.dol() != 0 {
            self.fchange = false;
            return q();
        }
        exits("")
    }

    /// On a hangup: the buffer goes to `ed.hup`.
    fn rescue(&mut self) -> R<()> {
        self.rescuing = true;
        if self.dol() > 0 {
            self.addr1 = 1;
            self.addr2 = self.dol();
            if let Ok(fd) = create("ed.hup", OWRITE, 0o666) {
                self.io = Some(fd);
                self.iobuf = Some(Biobuf::new(fd, OWRITE));
                self.putfile()?;
            }
        }
        self.fchange = false;
        self.quit()
    }

    // ---- addresses

    fn setwide(&mut self) {
        if !self.given {
            self.addr1 = if self.dol() > 0 { 1 } else { 0 };
            self.addr2 = self.dol();
        }
    }

    fn setnoaddr(&mut self) -> R<()> {
        if self.given {
            return q();
        }
        Ok(())
    }

    fn squeeze(&mut self, i: isize) -> R<()> {
        if self.addr1 < i || self.addr2 > self.dol() || self.addr1 > self.addr2 {
            return q();
        }
        Ok(())
    }

    fn nonzero(&mut self) -> R<()> {
        self.squeeze(1)
    }

    fn newline(&mut self) -> R<()> {
        let mut c = self.getchr()?;
        if c == b'\n' as i32 || c == EOF {
            return Ok(());
        }
        if c == b'p' as i32 || c == b'l' as i32 || c == b'n' as i32 {
            self.pflag += 1;
            if c == b'l' as i32 {
                self.listf += 1;
            } else if c == b'n' as i32 {
                self.listn += 1;
            }
            c = self.getchr()?;
            if c == b'\n' as i32 {
                return Ok(());
            }
        }
        q()
    }

    /// One address, or `None` when there is none.
    fn address(&mut self) -> R<Option<isize>> {
        let mut nextopand: i32 = -1;
        let mut sign: isize = 1;
        let mut opcnt: i32 = 0;
        let mut a = self.dot;
        loop {
            let mut c;
            loop {
                c = self.getchr()?;
                if c != b' ' as i32 && c != b'\t' as i32 {
                    break;
                }
            }
            let mut step = true;
            if (b'0' as i32..=b'9' as i32).contains(&c) {
                self.peekc = c;
                if opcnt == 0 {
                    a = 0;
                }
                a = a.wrapping_add(sign.wrapping_mul(self.getnum()? as isize));
            } else {
                match c as u8 {
                    b'$' | b'.' if c < 128 => {
                        if c == b'$' as i32 {
                            a = self.dol();
                        }
                        if opcnt != 0 {
                            return q();
                        }
                    }
                    b'\'' if c < 128 => {
                        c = self.getchr()?;
                        if opcnt != 0 || !(b'a' as i32..=b'z' as i32).contains(&c) {
                            return q();
                        }
                        let name = self.names[(c - b'a' as i32) as usize];
                        a = 1;
                        while a <= self.dol() && name != self.at(a) & !1 {
                            a += 1;
                        }
                    }
                    b'?' | b'/' if c < 128 => {
                        if c == b'?' as i32 {
                            sign = -sign;
                        }
                        self.compile(c)?;
                        let b = a;
                        loop {
                            a += sign;
                            if a <= 0 {
                                a = self.dol();
                            }
                            if a > self.dol() {
                                a = 0;
                            }
                            if self.match_line(Some(a)) {
                                break;
                            }
                            if a == b {
                                return q();
                            }
                        }
                    }
                    _ => {
                        step = false;
                        let mut out = false;
                        if nextopand == opcnt {
                            a += sign;
                            if a < 0 || self.dol() < a {
                                out = true;
                            }
                        }
                        if !out {
                            if c != b'+' as i32 && c != b'-' as i32 && c != b'^' as i32 {
                                self.peekc = c;
                                return Ok(if opcnt == 0 { None } else { Some(a) });
                            }
                            sign = if c == b'+' as i32 { 1 } else { -1 };
                            opcnt += 1;
                            nextopand = opcnt;
                        }
                    }
                }
            }
            if step {
                sign = 1;
                opcnt += 1;
            }
            if !(0 <= a && a <= self.dol()) {
                return q();
            }
        }
    }

    // ---- regular expressions

    fn compile(&mut self, eof: i32) -> R<()> {
        let mut c = self.getchr()?;
        if c == b'\n' as i32 {
            self.peekc = c;
            c = eof;
        }
        if c == eof {
            if self.pattern.is_none() {
                return q();
            }
            return Ok(());
        }
        self.pattern = None;
        let mut exp: Vec<u8> = Vec::new();
        loop {
            if c == b'\\' as i32 {
                if exp.len() >= ESIZE {
                    return q();
                }
                exp.push(b'\\');
                c = self.getchr()?;
                if c == b'\n' as i32 {
                    return q();
                }
            }
            if exp.len() >= ESIZE {
                return q();
            }
            push_rune(&mut exp, c as Rune);
            c = self.getchr()?;
            if c == eof || c == b'\n' as i32 {
                break;
            }
        }
        if c == b'\n' as i32 {
            self.peekc = c;
        }
        match regcomp(&exp) {
            Ok(p) => {
                self.pattern = Some(p);
                Ok(())
            }
            Err(_) => q(),
        }
    }

    /// Matches the pattern against line `addr`, or (`None`) against the
    /// rest of `linebuf` after the last match.
    fn match_line(&mut self, addr: Option<isize>) -> bool {
        if self.pattern.is_none() {
            return false;
        }
        let start = match addr {
            Some(a) => {
                if a == 0 {
                    return false;
                }
                self.getline(self.at(a));
                0
            }
            None => self.loc2,
        };
        self.subexp = [Resub::default(); MAXSUB];
        self.subexp[0].sp = Some(start);
        let p = self.pattern.as_ref().expect("checked");
        if p.rregexec(&self.linebuf, &mut self.subexp) {
            self.loc1 = self.subexp[0].sp.unwrap_or(0);
            self.loc2 = self.subexp[0].ep.unwrap_or(0);
            return true;
        }
        self.loc1 = 0;
        self.loc2 = 0;
        false
    }

    // ---- commands

    fn printcom(&mut self) -> R<()> {
        self.nonzero()?;
        let mut a1 = self.addr1;
        loop {
            if self.listn != 0 {
                self.count = a1 as i64;
                self.putd();
                self.putchr(b'\t' as i32);
            }
            self.getline(self.at(a1));
            a1 += 1;
            self.putshst();
            if a1 > self.addr2 {
                break;
            }
        }
        self.dot = self.addr2;
        self.listf = 0;
        self.listn = 0;
        self.pflag = 0;
        Ok(())
    }

    fn add(&mut self, i: i32) -> R<()> {
        if i != 0 && (self.given || self.dol() > 0) {
            self.addr1 -= 1;
            self.addr2 -= 1;
        }
        self.squeeze(0)?;
        self.newline()?;
        self.append(Src::Tty, self.addr2)?;
        Ok(())
    }

    fn browse(&mut self) -> R<()> {
        let mut forward = true;
        self.peekc = self.getchr()?;
        if self.peekc != b'\n' as i32 {
            if self.peekc == b'-' as i32 || self.peekc == b'+' as i32 {
                if self.peekc == b'-' as i32 {
                    forward = false;
                }
                self.getchr()?;
            }
            let n = self.getnum()?;
            if n > 0 {
                self.bpagesize = n as isize;
            }
        }
        self.newline()?;
        if self.pflag != 0 {
            self.bformat = self.listf;
            self.bnum = self.listn;
        } else {
            self.listf = self.bformat;
            self.listn = self.bnum;
        }
        if forward {
            self.addr1 = self.addr2;
            self.addr2 += self.bpagesize;
            if self.addr2 > self.dol() {
                self.addr2 = self.dol();
            }
        } else {
            self.addr1 = self.addr2 - self.bpagesize;
            if self.addr1 <= 0 {
                self.addr1 = 1;
            }
        }
        self.printcom()
    }

    fn filename(&mut self, comm: u8) -> R<()> {
        self.count = 0;
        let mut c = self.getchr()?;
        if c == b'\n' as i32 || c == EOF {
            if self.savedfile.is_empty() && comm != b'f' {
                return q();
            }
            self.file = self.savedfile.clone();
            return Ok(());
        }
        if c != b' ' as i32 {
            return q();
        }
        loop {
            c = self.getchr()?;
            if c != b' ' as i32 {
                break;
            }
        }
        if c == b'\n' as i32 {
            return q();
        }
        let mut f: Vec<u8> = Vec::new();
        loop {
            if f.len() >= FNSIZE - 6 || c == b' ' as i32 || c == EOF {
                return q();
            }
            push_rune(&mut f, c as Rune);
            c = self.getchr()?;
            if c == b'\n' as i32 {
                break;
            }
        }
        self.file = String::from_utf8_lossy(&f).into_owned();
        if self.savedfile.is_empty() || comm == b'e' || comm == b'f' {
            self.savedfile = self.file.clone();
        }
        Ok(())
    }

    fn exfile(&mut self, om: i32) -> R<()> {
        if om == OWRITE {
            if let Some(b) = self.iobuf.as_mut() {
                if b.flush().is_err() {
                    return q();
                }
            }
        }
        self.iobuf = None;
        if let Some(fd) = self.io.take() {
            let _ = close(fd);
        }
        if self.vflag {
            self.putd();
            self.putchr(b'\n' as i32);
        }
        Ok(())
    }

    fn putfile(&mut self) -> R<()> {
        let mut a1 = self.addr1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            self.getline(self.at(a1));
            a1 += 1;
            for &r in &self.linebuf {
                push_rune(&mut out, r);
            }
            out.push(b'\n');
            self.count += self.linebuf.len() as i64 + 1;
            let b = self.iobuf.as_mut().expect("putfile has a file");
            if out.len() >= 8192 || a1 > self.addr2 {
                if b.write(&out).is_err() {
                    return q();
                }
                out.clear();
            }
            if a1 > self.addr2 {
                break;
            }
        }
        let b = self.iobuf.as_mut().expect("putfile has a file");
        if b.flush().is_err() {
            return q();
        }
        Ok(())
    }

    /// `r`, and the end of `e`: reads `file` after `addr2`.
    fn readfile(&mut self) -> R<()> {
        let fd = match open(&self.file, OREAD) {
            Ok(fd) => fd,
            Err(_) => {
                self.lastc = b'\n' as i32;
                let f = self.file.clone();
                return err(&f);
            }
        };
        self.io = Some(fd);
        if let Ok(d) = dirfstat(fd) {
            if d.mode & DMAPPEND != 0 {
                let _ = libc::print!("warning: {} is append only\n", self.file);
            }
        }
        let mut b = Biobuf::new(fd, OREAD);
        b.lethal(None);
        self.iobuf = Some(b);
        self.setwide();
        self.squeeze(0)?;
        let c = self.dol() != 0;
        self.append(Src::File, self.addr2)?;
        self.exfile(OREAD)?;
        self.fchange = c;
        Ok(())
    }

    fn callunix(&mut self) -> R<()> {
        self.setnoaddr()?;
        let mut buf: Vec<u8> = Vec::new();
        loop {
            let c = self.getchr()?;
            if c == EOF || c == b'\n' as i32 {
                break;
            }
            if buf.len() < 512 - 6 {
                push_rune(&mut buf, c as Rune);
            }
        }
        let cmd = String::from_utf8_lossy(&buf).into_owned();
        if let Ok(pid) = spawn(&[], &["/bin/rc"], &["rc", "-c", &cmd]) {
            let want = alloc::format!("{} ", pid.0);
            loop {
                match awaitmsg() {
                    Ok(m) if m.starts_with(&want) => break,
                    Ok(_) => {}
                    Err(_) => {
                        // An interrupt while waiting is ignored, as 9front's
                        // handler does; anything else ends the wait.
                        match syscall::pendingnote().as_deref() {
                            Some("interrupt") => {}
                            Some(_) | None => break,
                        }
                    }
                }
            }
        }
        if self.vflag {
            self.putst("!");
        }
        Ok(())
    }

    fn global(&mut self, k: bool) -> R<()> {
        if self.globp.is_some() {
            return q();
        }
        self.setwide();
        let z = (self.dol() > 0) as isize;
        self.squeeze(z)?;
        let mut c = self.getchr()?;
        if c == b'\n' as i32 {
            return q();
        }
        self.compile(c)?;
        let mut globuf: Vec<Rune> = Vec::new();
        loop {
            c = self.getchr()?;
            if c == b'\n' as i32 {
                break;
            }
            if c == EOF {
                return q();
            }
            if c == b'\\' as i32 {
                c = self.getchr()?;
                if c != b'\n' as i32 {
                    globuf.push(b'\\' as Rune);
                }
            }
            globuf.push(c as Rune);
            if globuf.len() >= GBSIZE - 2 {
                return q();
            }
        }
        if globuf.is_empty() {
            globuf.push(b'p' as Rune);
        }
        globuf.push(b'\n' as Rune);
        for a1 in 0..=self.dol() {
            let v = self.at(a1) & !1;
            self.set(a1, v);
            if a1 >= self.addr1 && a1 <= self.addr2 && self.match_line(Some(a1)) == k {
                self.set(a1, v | 1);
            }
        }
        // g/re/d at once, not line by line.
        if globuf == [b'd' as Rune, b'\n' as Rune] {
            self.gdelete();
            return Ok(());
        }
        let mut a1: isize = 0;
        while a1 <= self.dol() {
            if self.at(a1) & 1 != 0 {
                let v = self.at(a1) & !1;
                self.set(a1, v);
                self.dot = a1;
                self.globp = Some((globuf.clone(), 0));
                self.commands()?;
                a1 = 0;
            }
            a1 += 1;
        }
        Ok(())
    }

    fn join(&mut self) -> R<()> {
        self.nonzero()?;
        let mut gen: Vec<Rune> = Vec::new();
        for a1 in self.addr1..=self.addr2 {
            self.getline(self.at(a1));
            for &r in &self.linebuf {
                if gen.len() >= LBSIZE - 4 {
                    return q();
                }
                gen.push(r);
            }
        }
        self.linebuf = gen;
        let tl = self.putline()?;
        self.set(self.addr1, tl);
        if self.addr1 < self.addr2 {
            self.rdelete(self.addr1 + 1, self.addr2);
        }
        self.dot = self.addr1;
        Ok(())
    }

    fn substitute(&mut self, inglob: bool) -> R<()> {
        let mut inglob = inglob;
        let n = self.getnum()?;
        let gsubf = self.compsub()?;
        let mut a1 = self.addr1;
        while a1 <= self.addr2 {
            if self.match_line(Some(a1)) {
                let mut m = n;
                loop {
                    let span = self.loc2 - self.loc1;
                    m -= 1;
                    if m <= 0 {
                        self.dosub()?;
                        if !gsubf {
                            break;
                        }
                        if span == 0 {
                            if self.loc2 >= self.linebuf.len() {
                                break;
                            }
                            self.loc2 += 1;
                        }
                    }
                    if !self.match_line(None) {
                        break;
                    }
                }
                if m <= 0 {
                    inglob = true;
                    self.subnewa = self.putline()?;
                    let old = self.at(a1) & !1;
                    self.set(a1, old);
                    if self.anymarks {
                        for mp in self.names.iter_mut() {
                            if *mp == old {
                                *mp = self.subnewa;
                            }
                        }
                    }
                    self.subolda = old;
                    self.set(a1, self.subnewa);
                    let nl = self.append(Src::Sub, a1)?;
                    self.addr2 += nl;
                    a1 += nl;
                }
            }
            a1 += 1;
        }
        if !inglob {
            return q();
        }
        Ok(())
    }

    fn compsub(&mut self) -> R<bool> {
        let seof = self.getchr()?;
        if seof == b'\n' as i32 || seof == b' ' as i32 {
            return q();
        }
        self.compile(seof)?;
        self.rhsbuf.clear();
        let max = LBSIZE / 4;
        loop {
            let mut c = self.getchr()?;
            if c == b'\\' as i32 {
                c = self.getchr()?;
                self.rhsbuf.push(ESCFLG);
                if self.rhsbuf.len() >= max {
                    return q();
                }
            } else if c == b'\n' as i32 && self.globp_at_end() {
                self.peekc = c;
                self.pflag += 1;
                break;
            } else if c == seof {
                break;
            }
            self.rhsbuf.push(c as Rune);
            if self.rhsbuf.len() >= max {
                return q();
            }
        }
        self.peekc = self.getchr()?;
        if self.peekc == b'g' as i32 {
            self.peekc = 0;
            self.newline()?;
            return Ok(true);
        }
        self.newline()?;
        Ok(false)
    }

    fn dosub(&mut self) -> R<()> {
        let (loc1, loc2) = (self.loc1, self.loc2);
        let mut gen: Vec<Rune> = self.linebuf[..loc1].to_vec();
        let place = |gen: &mut Vec<Rune>, from: &[Rune]| -> R<()> {
            for &r in from {
                gen.push(r);
                if gen.len() >= LBSIZE {
                    return q();
                }
            }
            Ok(())
        };
        let mut i = 0;
        while i < self.rhsbuf.len() {
            let mut c = self.rhsbuf[i];
            i += 1;
            if c == b'&' as Rune {
                place(&mut gen, &self.linebuf[loc1..loc2])?;
                continue;
            }
            if c == ESCFLG {
                c = self.rhsbuf.get(i).copied().unwrap_or(0);
                i += 1;
                if c >= b'1' as Rune && c < b'0' as Rune + MAXSUB as Rune {
                    let s = self.subexp[(c - b'0' as Rune) as usize];
                    match (s.sp, s.ep) {
                        (Some(sp), Some(ep)) => {
                            place(&mut gen, &self.linebuf[sp..ep])?;
                            continue;
                        }
                        _ => return q(),
                    }
                }
            }
            gen.push(c);
            if gen.len() >= LBSIZE {
                return q();
            }
        }
        self.loc2 = gen.len();
        for &r in &self.linebuf[loc2..] {
            gen.push(r);
            if gen.len() >= LBSIZE {
                return q();
            }
        }
        self.linebuf = gen;
        Ok(())
    }

    fn reverse(&mut self, a1: isize, a2: isize) {
        if a1 < a2 {
            self.lines[a1 as usize..a2 as usize].reverse();
        }
    }

    fn move_lines(&mut self, cflag: bool) -> R<()> {
        self.nonzero()?;
        let Some(mut adt) = self.address()? else { return q() };
        self.newline()?;
        let (ad1, mut ad2);
        if cflag {
            let d = self.dol();
            self.append(Src::Copy, d)?;
            ad1 = d + 1;
            ad2 = self.dol();
        } else {
            ad2 = self.addr2;
            for a in self.addr1..=ad2 {
                let v = self.at(a) & !1;
                self.set(a, v);
            }
            ad1 = self.addr1;
        }
        ad2 += 1;
        if adt < ad1 {
            self.dot = adt + (ad2 - ad1);
            adt += 1;
            if adt == ad1 {
                return Ok(());
            }
            self.reverse(adt, ad1);
            self.reverse(ad1, ad2);
            self.reverse(adt, ad2);
        } else if adt >= ad2 {
            self.dot = adt;
            adt += 1;
            self.reverse(ad1, ad2);
            self.reverse(ad2, adt);
            self.reverse(ad1, adt);
        } else {
            return q();
        }
        self.fchange = true;
        Ok(())
    }

    fn commands(&mut self) -> R<()> {
        loop {
            if self.pflag != 0 {
                self.pflag = 0;
                self.addr1 = self.dot;
                self.addr2 = self.dot;
                self.printcom()?;
            }
            let mut c = b'\n' as i32;
            let mut addr1: Option<isize> = None;
            let mut a1;
            let mut lastsep;
            loop {
                lastsep = c;
                a1 = self.address()?;
                c = self.getchr()?;
                if c != b',' as i32 && c != b';' as i32 {
                    break;
                }
                if lastsep == b',' as i32 {
                    return q();
                }
                let a = match a1 {
                    Some(a) => a,
                    None => {
                        if 1 > self.dol() {
                            0
                        } else {
                            1
                        }
                    }
                };
                addr1 = Some(a);
                if c == b';' as i32 {
                    self.dot = a;
                }
            }
            if lastsep != b'\n' as i32 && a1.is_none() {
                a1 = Some(self.dol());
            }
            match a1 {
                None => {
                    self.given = false;
                    self.addr2 = self.dot;
                }
                Some(a) => {
                    self.given = true;
                    self.addr2 = a;
                }
            }
            self.addr1 = addr1.unwrap_or(self.addr2);

            if c == EOF {
                return Ok(());
            }
            let cmd = if (0..128).contains(&c) { c as u8 } else { 0 };
            match cmd {
                b'a' => self.add(0)?,
                b'b' => {
                    self.nonzero()?;
                    self.browse()?;
                }
                b'c' => {
                    self.nonzero()?;
                    self.newline()?;
                    self.rdelete(self.addr1, self.addr2);
                    self.append(Src::Tty, self.addr1 - 1)?;
                }
                b'd' => {
                    self.nonzero()?;
                    self.newline()?;
                    self.rdelete(self.addr1, self.addr2);
                }
                b'E' | b'e' => {
                    if cmd == b'E' {
                        self.fchange = false;
                    }
                    self.setnoaddr()?;
                    if self.vflag && self.fchange {
                        self.fchange = false;
                        return q();
                    }
                    self.filename(b'e')?;
                    self.init();
                    self.addr2 = 0;
                    self.readfile()?;
                }
                b'f' => {
                    self.setnoaddr()?;
                    self.filename(b'f')?;
                    let s = self.savedfile.clone();
                    self.putst(&s);
                }
                b'g' => self.global(true)?,
                b'i' => self.add(-1)?,
                b'j' => {
                    if !self.given {
                        self.addr2 += 1;
                    }
                    self.newline()?;
                    self.join()?;
                }
                b'k' => {
                    self.nonzero()?;
                    let c = self.getchr()?;
                    if !(b'a' as i32..=b'z' as i32).contains(&c) {
                        return q();
                    }
                    self.newline()?;
                    self.names[(c - b'a' as i32) as usize] = self.at(self.addr2) & !1;
                    self.anymarks = true;
                }
                b'm' => self.move_lines(false)?,
                b'n' => {
                    self.listn += 1;
                    self.newline()?;
                    self.printcom()?;
                }
                b'\n' => {
                    let a = match a1 {
                        Some(a) => a,
                        None => {
                            let a = self.dot + 1;
                            self.addr2 = a;
                            self.addr1 = a;
                            a
                        }
                    };
                    if lastsep == b';' as i32 {
                        self.addr1 = a;
                    }
                    self.printcom()?;
                }
                b'l' | b'p' | b'P' => {
                    if cmd == b'l' {
                        self.listf += 1;
                    }
                    self.newline()?;
                    self.printcom()?;
                }
                b'Q' | b'q' => {
                    if cmd == b'Q' {
                        self.fchange = false;
                    }
                    self.setnoaddr()?;
                    self.newline()?;
                    self.quit()?;
                }
                b'r' => {
                    self.filename(b'r')?;
                    self.readfile()?;
                }
                b's' => {
                    self.nonzero()?;
                    let g = self.globp.is_some();
                    self.substitute(g)?;
                }
                b't' => self.move_lines(true)?,
                b'u' => {
                    self.nonzero()?;
                    self.newline()?;
                    if self.at(self.addr2) & !1 != self.subnewa {
                        return q();
                    }
                    self.set(self.addr2, self.subolda);
                    self.dot = self.addr2;
                }
                b'v' => self.global(false)?,
                b'W' | b'w' => {
                    if cmd == b'W' {
                        self.wrapp = true;
                    }
                    self.setwide();
                    let z = (self.dol() > 0) as isize;
                    self.squeeze(z)?;
                    let mut temp = self.getchr()?;
                    if temp != b'q' as i32 && temp != b'Q' as i32 {
                        self.peekc = temp;
                        temp = 0;
                    }
                    self.filename(cmd)?;
                    let mut fd = None;
                    if self.wrapp {
                        if let Ok(f) = open(&self.file, OWRITE) {
                            if seek(f, 0, 2).is_ok() {
                                fd = Some(f);
                            }
                        }
                    }
                    let fd = match fd {
                        Some(f) => f,
                        None => match create(&self.file, OWRITE, 0o666) {
                            Ok(f) => f,
                            Err(_) => {
                                let f = self.file.clone();
                                return err(&f);
                            }
                        },
                    };
                    self.io = Some(fd);
                    self.iobuf = Some(Biobuf::new(fd, OWRITE));
                    self.wrapp = false;
                    if self.dol() > 0 {
                        self.putfile()?;
                    }
                    self.exfile(OWRITE)?;
                    if self.addr1 <= 1 && self.addr2 == self.dol() {
                        self.fchange = false;
                    }
                    if temp == b'Q' as i32 {
                        self.fchange = false;
                    }
                    if temp != 0 {
                        self.quit()?;
                    }
                }
                b'=' => {
                    self.setwide();
                    self.squeeze(0)?;
                    self.newline()?;
                    self.count = self.addr2 as i64;
                    self.putd();
                    self.putchr(b'\n' as i32);
                }
                b'!' => self.callunix()?,
                _ => return q(),
            }
        }
    }
}

fn main(argv: Vec<String>) {
    let mut oflag = false;
    let mut vflag = true;
    let mut a = libc::arg::Args::new(argv);
    while let Some(c) = a.next_flag() {
        if c == 'o' {
            oflag = true;
            vflag = false;
        }
    }
    let mut rest = a.rest();
    if rest.first().map(|s| s.as_str()) == Some("-") {
        rest.remove(0);
        vflag = false;
    }
    let mut ed = Ed {
        lines: Vec::new(),
        store: Vec::new(),
        tline: 2,
        dot: 0,
        addr1: 0,
        addr2: 0,
        given: false,
        names: [0; 26],
        anymarks: false,
        subnewa: 0,
        subolda: 0,
        fchange: false,
        count: 0,
        cons: Biobuf::new(Fd::STDIN, OREAD),
        peekc: 0,
        lastc: 0,
        globp: None,
        linebuf: Vec::new(),
        linebp: None,
        rhsbuf: Vec::new(),
        pattern: None,
        loc1: 0,
        loc2: 0,
        subexp: [Resub::default(); MAXSUB],
        file: String::new(),
        savedfile: String::new(),
        io: None,
        iobuf: None,
        wrapp: false,
        pflag: 0,
        listf: 0,
        listn: 0,
        col: 0,
        line: Vec::new(),
        oflag,
        vflag,
        bpagesize: 20,
        bformat: 0,
        bnum: 0,
        rescuing: false,
    };
    if oflag {
        ed.savedfile = "/fd/1".into();
        ed.globp = Some((alloc::vec![b'a' as Rune], 0));
    } else if let Some(f) = rest.first() {
        // 9front keeps the first 127 bytes of the name.
        let mut n = f.len().min(FNSIZE - 1);
        while !f.is_char_boundary(n) {
            n -= 1;
        }
        ed.savedfile = f[..n].into();
        ed.globp = Some((alloc::vec![b'r' as Rune], 0));
    }
    syscall::notify(true);
    ed.init();
    loop {
        let r = ed.commands().and_then(|_| ed.quit());
        if let Err(f) = r {
            if f.intr {
                ed.putchr(b'\n' as i32);
                ed.lastc = b'\n' as i32;
            }
            ed.error1(&f.msg);
        }
    }
}
