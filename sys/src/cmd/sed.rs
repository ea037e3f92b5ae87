//! sed: a port of 9front's `sys/src/cmd/sed.c`.
//!
//! The stream editor of sed(1): scripts from `-e` and `-f` (or the first
//! argument), `-n`, `-g` (every `s` global), `-u` (flush output before each
//! read); `-E` and `-r` are accepted and ignored. Addresses are line
//! numbers, `$`, `/re/` (`//` is the last regular expression compiled),
//! with `,` or `;` between two; `!` negates. Commands: `a\ i\ c\` with
//! text, `b t :` with labels, `d D g G h H l n N p P q r w x y = { }` and
//! `s/re/rhs/` with flags `g`, `p`, `P` and `w file`, in that order.
//! Regular expressions are libregexp's (regexp(6)).
//!
//! As in 9front, lines are runes: a bad UTF-8 byte is read as Runeerror,
//! NULs are dropped, and a line keeps at most 8192 runes (`LBSIZE`); a
//! substitution whose result would reach 8191 runes is an error, as are
//! 9front's other fixed limits (512 commands, 10000 runes of text, 20
//! pending appends, 119 `w` files, 48 labels of at most 7 runes). `P` and
//! the `P` flag write each rune as one byte, as 9front's `Bputc` does; `c`
//! prints its text only on the first line of its range; `w` files are
//! opened for appending. Errors print `sed: ` and 9front's message and exit
//! with status `error`.
//!
//! What differs: nothing a script can see; where 9front overruns a buffer
//! (a `{` nested deeper than 20, a `y` whose first string holds a rune
//! above the highest one it names, `G` or `H` or `N` past `LBSIZE`),
//! planten grows or cuts the buffer instead. Input is decoded a buffer at
//! a time rather than with `Bgetrune`, with the same runes as the result.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use libbio::Biobuf;
use libc::rune::{chartorune, fullrune, runetochar, Rune, RUNEMAX, UTFMAX};
use libc::syscall::{self, exits, Fd, OREAD, OWRITE};
use libregexp::{regcomp, Reprog, Resub};

libc::main!(main);

/// Most commands (`MAXCMDS`).
const MAXCMDS: usize = 512;
/// Runes of text for `a`, `c`, `i`, `r` and right-hand sides (`ADDSIZE`).
const ADDSIZE: usize = 10000;
/// Most appends and reads pending at once (`MAXADDS`).
const MAXADDS: usize = 20;
/// Runes in a line (`LBSIZE`).
const LBSIZE: usize = 8192;
/// Labels, the end-of-script one included (`LABSIZE`).
const LABSIZE: usize = 50;
/// Submatches reported to `s` (`MAXSUB`).
const MAXSUB: usize = 10;
/// Output files, standard output included (`MAXFILES`).
const MAXFILES: usize = 120;
/// Write buffers 9front's libbio flushes at exit (`wbufs`).
const NWBUFS: usize = 20;
/// A right-hand side's escape mark (9front stores Runemax).
const ESC: Rune = RUNEMAX;

const CGMES: &str = "command garbled: ";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Addr {
    None,
    Dol,
    Line(i64),
    /// A regular expression (an index in `res`); `None` is an empty one
    /// with no previous expression, which matches nothing.
    Re(Option<usize>),
    /// `//`, before it is resolved.
    Last,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    A,
    B,
    C,
    CD,
    CN,
    CP,
    D,
    Eq,
    G,
    CG,
    H,
    CH,
    I,
    L,
    N,
    P,
    Q,
    R,
    S,
    T,
    W,
    X,
    Y,
}

/// A command (`SedCom`).
#[derive(Clone, Debug)]
struct SedCom {
    ad1: Addr,
    ad2: Addr,
    op: Option<Op>,
    /// Text of `a`, `c`, `i`; file name of `r`.
    text: Vec<Rune>,
    /// `y`'s table: runes 0..=len-1 map to these.
    ytab: Vec<Rune>,
    re1: Option<usize>,
    rhs: Vec<Rune>,
    /// Branch target: a command index (the end is `cmds.len()`).
    lb1: Option<usize>,
    /// Label of `b` or `t`, resolved by `dechain`.
    label: Option<usize>,
    fcode: Option<usize>,
    gfl: bool,
    pfl: u8,
    active: u8,
    negfl: bool,
}

impl SedCom {
    fn new() -> SedCom {
        SedCom {
            ad1: Addr::None,
            ad2: Addr::None,
            op: None,
            text: Vec::new(),
            ytab: Vec::new(),
            re1: None,
            rhs: Vec::new(),
            lb1: None,
            label: None,
            fcode: None,
            gfl: false,
            pfl: 0,
            active: 0,
            negfl: false,
        }
    }
}

/// A label (`Label`): its name and the command it names, once defined.
struct Label {
    name: Vec<Rune>,
    address: Option<usize>,
}

/// A UTF-8 input decoded as `Bgetrune` would.
struct Rin {
    fd: Fd,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    eof: bool,
}

const RINSIZE: usize = 64 * 1024;

impl Rin {
    fn new(fd: Fd) -> Rin {
        Rin { fd, buf: vec![0; RINSIZE], pos: 0, len: 0, eof: false }
    }

    /// Reads more after the unread bytes; false at end of file.
    fn fill(&mut self, sed: &mut Out) -> bool {
        if self.eof {
            return false;
        }
        self.buf.copy_within(self.pos..self.len, 0);
        self.len -= self.pos;
        self.pos = 0;
        if sed.uflag {
            sed.flushall();
        }
        match syscall::read(self.fd, &mut self.buf[self.len..]) {
            Ok(0) => {
                self.eof = true;
                false
            }
            Ok(n) => {
                self.len += n;
                true
            }
            Err(e) => {
                self.eof = true;
                sed.fatal(&alloc::format!("read error: {e}"))
            }
        }
    }

    /// `Bgetrune`: a rune, or `None` at end of file (also when the file
    /// ends inside a rune, whose bytes are lost).
    fn getrune(&mut self, out: &mut Out) -> Option<Rune> {
        if self.pos == self.len && !self.fill(out) {
            return None;
        }
        let c = self.buf[self.pos];
        if c < 0x80 {
            self.pos += 1;
            return Some(c as Rune);
        }
        while !fullrune(&self.buf[self.pos..self.len]) {
            if self.len - self.pos >= UTFMAX {
                break;
            }
            if !self.fill(out) {
                self.pos = self.len;
                return None;
            }
        }
        let (r, n) = chartorune(&self.buf[self.pos..self.len]);
        self.pos += n;
        Some(r)
    }

    fn close(self) {
        if self.fd.0 > 2 {
            let _ = syscall::close(self.fd);
        }
    }
}

/// The output files (`fcode`): standard output first.
struct Out {
    files: Vec<Biobuf>,
    names: Vec<Vec<u8>>,
    uflag: bool,
}

impl Out {
    fn flushall(&mut self) {
        for f in self.files.iter_mut() {
            let _ = f.flush();
        }
    }

    fn fatal(&mut self, msg: &str) -> ! {
        self.exit_flush();
        libc::sysfatal!("{msg}")
    }

    /// What 9front's libbio does at exit: flush the first `NWBUFS`
    /// write buffers.
    fn exit_flush(&mut self) {
        for f in self.files.iter_mut().take(NWBUFS) {
            let _ = f.flush();
        }
    }
}

fn bio_error(msg: &str) {
    libc::sysfatal!("{msg}");
}

/// Where the script comes from (`prog`).
enum Prog {
    Arg(Vec<u8>, usize, bool),
    File(Rin),
    Done,
}

struct Sed {
    cmds: Vec<SedCom>,
    /// The command being filled (`rep`): fields set by a `}` or `:` stay
    /// for the next command, as in 9front.
    cur: SedCom,
    labels: Vec<Label>,
    res: Vec<Reprog>,
    lastre: Option<usize>,
    /// Runes of `addspace` used.
    addused: usize,
    cmpend: Vec<usize>,
    dollars: u32,
    seof: Rune,
    prog: Prog,
    /// The script line being compiled and where in it (`linebuf`, `cp`).
    lb: Vec<Rune>,
    cp: usize,

    nflag: bool,
    gflag: bool,

    out: Out,
    linebuf: Vec<Rune>,
    hold: Vec<Rune>,
    genbuf: Vec<Rune>,
    obuf: Vec<u8>,
    subexp: [Resub; MAXSUB],
    loc1: usize,
    loc2: usize,
    lnum: i64,
    dolflag: bool,
    sflag: bool,
    jflag: bool,
    delflag: bool,
    abuf: Vec<usize>,
    inputs: Vec<Option<String>>,
    nextinput: usize,
    f: Option<Rin>,
    peekc: i64,
}

fn push_runes(out: &mut Vec<u8>, rs: &[Rune]) {
    let mut b = [0u8; UTFMAX];
    for &r in rs {
        if r < 0x80 {
            out.push(r as u8);
        } else {
            let n = runetochar(&mut b, r);
            out.extend_from_slice(&b[..n]);
        }
    }
}

fn s_runes(s: &str) -> Vec<Rune> {
    s.chars().map(|c| c as Rune).collect()
}

/// A rune string as `%S` prints it: up to its first NUL.
fn pct_s(rs: &[Rune]) -> Vec<u8> {
    let end = rs.iter().position(|&r| r == 0).unwrap_or(rs.len());
    let mut v = Vec::new();
    push_runes(&mut v, &rs[..end]);
    v
}

impl Sed {
    fn new() -> Sed {
        let mut fout = Biobuf::new(Fd::STDOUT, OWRITE);
        fout.lethal(Some(bio_error));
        Sed {
            cmds: Vec::new(),
            cur: SedCom::new(),
            labels: vec![Label { name: Vec::new(), address: None }],
            res: Vec::new(),
            lastre: None,
            addused: 0,
            cmpend: Vec::new(),
            dollars: 0,
            seof: 0,
            prog: Prog::Done,
            lb: Vec::new(),
            cp: 0,
            nflag: false,
            gflag: false,
            out: Out { files: vec![fout], names: vec![Vec::new()], uflag: false },
            linebuf: Vec::with_capacity(LBSIZE + 2),
            hold: Vec::new(),
            genbuf: Vec::with_capacity(LBSIZE + 2),
            obuf: Vec::with_capacity(LBSIZE * 4),
            subexp: [Resub::default(); MAXSUB],
            loc1: 0,
            loc2: 0,
            lnum: 0,
            dolflag: false,
            sflag: false,
            jflag: false,
            delflag: false,
            abuf: Vec::new(),
            inputs: Vec::new(),
            nextinput: 0,
            f: None,
            peekc: 0,
        }
    }

    /// `quit`: `sed: msg` on standard error (in 9front's 256-byte buffer)
    /// and exit with status `error`.
    fn quit(&mut self, msg: &[u8]) -> ! {
        let mut m = b"sed: ".to_vec();
        m.extend_from_slice(msg);
        let mut m = fit(&m, 255);
        if m.len() < 255 {
            m.push(b'\n');
        }
        let _ = syscall::write(Fd::STDERR, &m);
        self.errexit()
    }

    fn errexit(&mut self) -> ! {
        self.out.exit_flush();
        exits("error")
    }

    fn quit_cg(&mut self, what: &[Rune]) -> ! {
        let mut m = pct_s(what);
        m.push(b' ');
        m.extend_from_slice(CGMES.as_bytes());
        m.extend_from_slice(&pct_s(&self.lb));
        self.quit(&m)
    }

    fn quit_line(&mut self, pre: &str) -> ! {
        let mut m = pre.as_bytes().to_vec();
        m.extend_from_slice(&pct_s(&self.lb));
        self.quit(&m)
    }

    // ---- compiling ----

    /// The rune at `cp` of the script line (0 past its end).
    fn c(&self) -> Rune {
        self.lb.get(self.cp).copied().unwrap_or(0)
    }

    fn at(&self, i: usize) -> Rune {
        self.lb.get(i).copied().unwrap_or(0)
    }

    fn next(&mut self) -> Rune {
        let c = self.c();
        self.cp += 1;
        c
    }

    fn newfile_arg(&mut self, s: &str) {
        self.prog = Prog::Arg(s.as_bytes().to_vec(), 0, false);
    }

    fn newfile_file(&mut self, name: &str) {
        match syscall::open(name, OREAD) {
            Ok(fd) => self.prog = Prog::File(Rin::new(fd)),
            Err(_) => self.quit(alloc::format!("Cannot open pattern-file: {name}\n").as_bytes()),
        }
    }

    /// `getrune`: the script's next rune; an argument ends with a newline.
    fn getrune(&mut self) -> Option<Rune> {
        match &mut self.prog {
            Prog::Arg(s, pos, ended) => {
                if *ended {
                    return None;
                }
                if *pos < s.len() && s[*pos] != 0 {
                    let (r, n) = chartorune(&s[*pos..]);
                    *pos += n;
                    Some(r)
                } else {
                    *ended = true;
                    Some('\n' as Rune)
                }
            }
            Prog::File(_) => {
                let Prog::File(mut f) = core::mem::replace(&mut self.prog, Prog::Done) else {
                    unreachable!()
                };
                match f.getrune(&mut self.out) {
                    Some(r) => {
                        self.prog = Prog::File(f);
                        Some(r)
                    }
                    None => {
                        f.close();
                        None
                    }
                }
            }
            Prog::Done => None,
        }
    }

    /// `rline`: the next script line into `lb`, with `\` pairs kept;
    /// false when the script ended (the line then is not used).
    fn rline(&mut self) -> bool {
        self.lb.clear();
        let room = LBSIZE + 1;
        while let Some(mut r) = self.getrune() {
            if r == '\\' as Rune {
                if self.lb.len() < room {
                    self.lb.push(r);
                }
                match self.getrune() {
                    Some(c) => r = c,
                    None => break,
                }
            } else if r == '\n' as Rune {
                self.trim_nul();
                return true;
            }
            if self.lb.len() < room {
                self.lb.push(r);
            }
        }
        self.trim_nul();
        false
    }

    fn trim_nul(&mut self) {
        if let Some(n) = self.lb.iter().position(|&r| r == 0) {
            self.lb.truncate(n);
        }
    }

    /// `fcomp`: compiles the script from `prog`.
    fn fcomp(&mut self) {
        'lines: while self.rline() {
            self.cp = 0;
            'comploop: loop {
                while self.c() == ' ' as Rune || self.c() == '\t' as Rune {
                    self.cp += 1;
                }
                if self.c() == 0 || self.c() == '#' as Rune {
                    continue 'lines;
                }
                if self.c() == ';' as Rune {
                    self.cp += 1;
                    continue 'comploop;
                }
                let ad1 = self.address();
                self.cur.ad1 = ad1;
                if ad1 != Addr::None {
                    if ad1 == Addr::Dol {
                        self.dollars += 1;
                    }
                    if ad1 == Addr::Last {
                        if self.lastre.is_none() {
                            self.quit(b"First RE may not be null");
                        }
                        self.cur.ad1 = Addr::Re(self.lastre);
                    }
                    if self.c() == ',' as Rune || self.c() == ';' as Rune {
                        self.cp += 1;
                        let mut ad2 = self.address();
                        if ad2 == Addr::Last {
                            ad2 = Addr::Re(self.lastre);
                        }
                        self.cur.ad2 = ad2;
                    } else {
                        self.cur.ad2 = Addr::None;
                    }
                }
                // swit:
                let push = loop {
                    while self.c() == ' ' as Rune || self.c() == '\t' as Rune {
                        self.cp += 1;
                    }
                    let c = self.next();
                    let Some(ch) = char::from_u32(c) else {
                        self.quit_line("Unrecognized command: ");
                    };
                    match ch {
                        '!' => {
                            self.cur.negfl = true;
                            continue;
                        }
                        '{' => {
                            self.cur.op = Some(Op::B);
                            self.cur.negfl = !self.cur.negfl;
                            self.cmpend.push(self.cmds.len());
                            self.commit();
                            if self.cmds.len() >= MAXCMDS {
                                self.quit_line("Too many commands: ");
                            }
                            if self.c() == 0 {
                                continue 'lines;
                            }
                            continue 'comploop;
                        }
                        '}' => {
                            if self.cur.ad1 != Addr::None {
                                self.quit_line("No addresses allowed: ");
                            }
                            let Some(b) = self.cmpend.pop() else {
                                self.quit(b"Too many }'s");
                            };
                            self.cmds[b].lb1 = Some(self.cmds.len());
                            if self.c() == 0 {
                                continue 'lines;
                            }
                            continue 'comploop;
                        }
                        '=' => {
                            self.cur.op = Some(Op::Eq);
                            self.one_address();
                        }
                        ':' => {
                            if self.cur.ad1 != Addr::None {
                                self.quit_line("No addresses allowed: ");
                            }
                            while self.c() == ' ' as Rune {
                                self.cp += 1;
                            }
                            let mut name = Vec::new();
                            loop {
                                let c = self.c();
                                if c == 0
                                    || c == ';' as Rune
                                    || c == ' ' as Rune
                                    || c == '\t' as Rune
                                    || c == '#' as Rune
                                {
                                    break;
                                }
                                name.push(c);
                                self.cp += 1;
                                if name.len() >= 8 {
                                    self.quit_line("Label too long: ");
                                }
                            }
                            if name.is_empty() {
                                self.quit_cg(&s_runes(":"));
                            }
                            let here = self.cmds.len();
                            match self.search(&name) {
                                Some(l) => {
                                    if self.labels[l].address.is_some() {
                                        self.quit_line("Duplicate labels: ");
                                    }
                                    self.labels[l].address = Some(here);
                                }
                                None => {
                                    self.labels.push(Label { name, address: Some(here) });
                                    if self.labels.len() >= LABSIZE {
                                        self.quit_line("Too many labels: ");
                                    }
                                }
                            }
                            if self.c() == '#' as Rune {
                                continue 'lines;
                            }
                            break false;
                        }
                        'a' | 'c' | 'i' => {
                            self.cur.op = Some(match ch {
                                'a' => Op::A,
                                'c' => Op::C,
                                _ => Op::I,
                            });
                            if ch != 'c' {
                                self.one_address();
                            }
                            if self.c() == '\\' as Rune {
                                self.cp += 1;
                            }
                            if self.next() != '\n' as Rune {
                                self.quit_cg(&[c]);
                            }
                            self.cur.text = self.stext();
                        }
                        'g' => self.cur.op = Some(Op::G),
                        'G' => self.cur.op = Some(Op::CG),
                        'h' => self.cur.op = Some(Op::H),
                        'H' => self.cur.op = Some(Op::CH),
                        't' | 'b' => {
                            self.cur.op = Some(if ch == 't' { Op::T } else { Op::B });
                            while self.c() == ' ' as Rune {
                                self.cp += 1;
                            }
                            if self.c() == 0 || self.c() == ';' as Rune {
                                // No label: to the end of the script.
                                self.cur.label = Some(0);
                                break true;
                            }
                            let mut name = Vec::new();
                            loop {
                                let c = self.next();
                                if c == 0 || c == ';' as Rune {
                                    break;
                                }
                                name.push(c);
                                if name.len() >= 8 {
                                    self.quit_line("Label too long: ");
                                }
                            }
                            self.cp -= 1;
                            let l = match self.search(&name) {
                                Some(l) => l,
                                None => {
                                    self.labels.push(Label { name, address: None });
                                    if self.labels.len() >= LABSIZE {
                                        self.quit_line("Too many labels: ");
                                    }
                                    self.labels.len() - 1
                                }
                            };
                            self.cur.label = Some(l);
                        }
                        'n' => self.cur.op = Some(Op::N),
                        'N' => self.cur.op = Some(Op::CN),
                        'p' => self.cur.op = Some(Op::P),
                        'P' => self.cur.op = Some(Op::CP),
                        'r' => {
                            self.cur.op = Some(Op::R);
                            self.one_address();
                            if self.next() != ' ' as Rune {
                                self.quit_cg(&s_runes("r"));
                            }
                            self.cur.text = self.stext();
                        }
                        'd' => self.cur.op = Some(Op::D),
                        'D' => {
                            self.cur.op = Some(Op::CD);
                            self.cur.lb1 = Some(0);
                        }
                        'q' => {
                            self.cur.op = Some(Op::Q);
                            self.one_address();
                        }
                        'l' => self.cur.op = Some(Op::L),
                        's' => {
                            self.cur.op = Some(Op::S);
                            self.seof = self.next();
                            self.cur.re1 = match self.compile() {
                                Some(r) => Some(r),
                                None => {
                                    if self.lastre.is_none() {
                                        self.quit(b"First RE may not be null");
                                    }
                                    self.lastre
                                }
                            };
                            match self.compsub() {
                                Some(rhs) => self.cur.rhs = rhs,
                                None => self.quit_cg(&s_runes("s")),
                            }
                            if self.c() == 'g' as Rune {
                                self.cp += 1;
                                self.cur.gfl = true;
                            } else if self.gflag {
                                self.cur.gfl = true;
                            }
                            if self.c() == 'p' as Rune {
                                self.cp += 1;
                                self.cur.pfl = 1;
                            }
                            if self.c() == 'P' as Rune {
                                self.cp += 1;
                                self.cur.pfl = 2;
                            }
                            if self.c() == 'w' as Rune {
                                self.cp += 1;
                                if self.next() != ' ' as Rune {
                                    self.quit_cg(&s_runes("s"));
                                }
                                let name = self.text();
                                match self.out.names.iter().rposition(|n| *n == name) {
                                    Some(i) => self.cur.fcode = Some(i),
                                    None => {
                                        if self.out.files.len() >= MAXFILES {
                                            self.quit(b"Too many files in w commands 1");
                                        }
                                        self.cur.fcode = Some(self.open_file(name));
                                    }
                                }
                            }
                        }
                        'w' => {
                            self.cur.op = Some(Op::W);
                            if self.next() != ' ' as Rune {
                                self.quit_cg(&s_runes("w"));
                            }
                            let name = self.text();
                            match self.out.names.iter().rposition(|n| *n == name) {
                                Some(i) => self.cur.fcode = Some(i),
                                None => {
                                    if self.out.files.len() >= MAXFILES {
                                        let n = self.out.files.len();
                                        let _ = libc::fprint!(
                                            Fd::STDERR,
                                            "sed: Too many files in w commands 2 \n"
                                        );
                                        let _ = libc::fprint!(
                                            Fd::STDERR,
                                            "nfiles = {n}; MAXF = {MAXFILES}\n"
                                        );
                                        self.errexit();
                                    }
                                    self.cur.fcode = Some(self.open_file(name));
                                }
                            }
                        }
                        'x' => self.cur.op = Some(Op::X),
                        'y' => {
                            self.cur.op = Some(Op::Y);
                            self.seof = self.next();
                            if !self.ycomp() {
                                self.quit_cg(&s_runes("y"));
                            }
                        }
                        _ => self.quit_line("Unrecognized command: "),
                    }
                    break true;
                };
                // done:
                if push {
                    self.commit();
                    if self.cmds.len() >= MAXCMDS {
                        self.quit_line("Too many commands, last: ");
                    }
                }
                let c = self.next();
                if c != 0 {
                    if c == ';' as Rune {
                        continue 'comploop;
                    }
                    let rest = self.lb[self.cp - 1..].to_vec();
                    self.quit_cg(&rest);
                }
                continue 'lines;
            }
        }
    }

    fn commit(&mut self) {
        let c = core::mem::replace(&mut self.cur, SedCom::new());
        self.cmds.push(c);
    }

    fn one_address(&mut self) {
        if self.cur.ad2 != Addr::None {
            self.quit_line("Only one address allowed: ");
        }
    }

    fn search(&self, name: &[Rune]) -> Option<usize> {
        self.labels.iter().position(|l| l.name == name)
    }

    /// `address`: `$`, `/re/` or a line number at `cp`.
    fn address(&mut self) -> Addr {
        let c = self.next();
        if c == '$' as Rune {
            return Addr::Dol;
        }
        if c == '/' as Rune {
            self.seof = c;
            return match self.compile() {
                Some(r) => Addr::Re(Some(r)),
                None => Addr::Last,
            };
        }
        if ('0' as Rune..='9' as Rune).contains(&c) {
            let mut lno = (c - '0' as Rune) as i64;
            while ('0' as Rune..='9' as Rune).contains(&self.c()) {
                lno = lno.wrapping_mul(10).wrapping_add((self.next() - '0' as Rune) as i64);
            }
            if lno == 0 {
                self.quit(b"line number 0 is illegal");
            }
            return Addr::Line(lno);
        }
        self.cp -= 1;
        Addr::None
    }

    /// `compile`: the regular expression up to `seof`, or `None` if it is
    /// empty.
    fn compile(&mut self) -> Option<usize> {
        let mut c = self.next();
        if c == self.seof {
            return None;
        }
        let mut exp: Vec<u8> = Vec::new();
        let mut b = [0u8; UTFMAX];
        loop {
            if c == 0 || c == '\n' as Rune {
                self.quit_line("Too much text: ");
            }
            if c == '\\' as Rune {
                if exp.len() >= 512 {
                    self.quit_line("Too much text: ");
                }
                exp.push(b'\\');
                c = self.next();
                if c == 'n' as Rune {
                    c = '\n' as Rune;
                }
            }
            if exp.len() >= 512 {
                self.quit_line("Too much text: ");
            }
            let n = runetochar(&mut b, c);
            exp.extend_from_slice(&b[..n]);
            c = self.next();
            if c == self.seof {
                break;
            }
        }
        match regcomp(&exp) {
            Ok(p) => {
                self.res.push(p);
                self.lastre = Some(self.res.len() - 1);
                self.lastre
            }
            // sed's own regerror.
            Err(_) => self.quit_cg(&s_runes("r.e.-using")),
        }
    }

    /// `compsub`: the right-hand side of `s` up to `seof`; `\` becomes a
    /// mark before the rune after it (`\n` a newline).
    fn compsub(&mut self) -> Option<Vec<Rune>> {
        let mut rhs = Vec::new();
        let room = |used: &mut usize| -> bool {
            if *used < ADDSIZE {
                *used += 1;
                true
            } else {
                false
            }
        };
        loop {
            let mut r = self.next();
            if r == 0 {
                return None;
            }
            if r == '\\' as Rune {
                if !room(&mut self.addused) {
                    return None;
                }
                rhs.push(ESC);
                r = self.next();
                if r == 'n' as Rune {
                    r = '\n' as Rune;
                }
            } else if r == self.seof {
                if !room(&mut self.addused) {
                    return None;
                }
                return Some(rhs);
            }
            if !room(&mut self.addused) {
                return None;
            }
            rhs.push(r);
        }
    }

    /// `stext`: text to the end of the line, leading blanks (and those
    /// after each newline) stripped, `\` quoting the next rune.
    fn stext(&mut self) -> Vec<Rune> {
        let mut t = Vec::new();
        while self.c() == ' ' as Rune || self.c() == '\t' as Rune {
            self.cp += 1;
        }
        while self.c() != 0 {
            if self.c() == '\\' as Rune {
                self.cp += 1;
                if self.c() == 0 {
                    break;
                }
            }
            if self.addused >= ADDSIZE - 1 {
                self.quit_line("Too much text: ");
            }
            self.addused += 1;
            let r = self.next();
            t.push(r);
            if r == '\n' as Rune {
                while self.c() == ' ' as Rune || self.c() == '\t' as Rune {
                    self.cp += 1;
                }
            }
        }
        self.addused += 1;
        t
    }

    /// `text`: a file name to the end of the line, as UTF-8.
    fn text(&mut self) -> Vec<u8> {
        let mut v = Vec::new();
        while self.c() == ' ' as Rune || self.c() == '\t' as Rune {
            self.cp += 1;
        }
        while self.c() != 0 {
            let mut r = self.next();
            if r == '\\' as Rune {
                r = self.next();
                if r == 0 {
                    break;
                }
            }
            if r == '\n' as Rune {
                while self.c() == ' ' as Rune || self.c() == '\t' as Rune {
                    self.cp += 1;
                }
            }
            push_runes(&mut v, &[r]);
        }
        v
    }

    /// `open_file`: opens (or creates) a `w` file for appending.
    fn open_file(&mut self, name: Vec<u8>) -> usize {
        let s = String::from_utf8_lossy(&name).into_owned();
        let fd = match syscall::open(&s, OWRITE) {
            Ok(fd) => fd,
            Err(_) => match syscall::create(&s, OWRITE, 0o666) {
                Ok(fd) => fd,
                Err(_) => self.quit(alloc::format!("Cannot create {s}").as_bytes()),
            },
        };
        let _ = syscall::seek(fd, 0, 2);
        let mut b = Biobuf::new(fd, OWRITE);
        b.lethal(Some(bio_error));
        self.out.files.push(b);
        self.out.names.push(name);
        self.out.files.len() - 1
    }

    /// `ycomp`: `y`'s two strings into a table.
    fn ycomp(&mut self) -> bool {
        let seof = self.seof;
        let mut highc: Rune = 0;
        let mut tsp = self.cp;
        while self.at(tsp) != seof {
            if self.at(tsp) == '\\' as Rune {
                tsp += 1;
            }
            let c = self.at(tsp);
            if c == '\n' as Rune || c == 0 {
                return false;
            }
            highc = highc.max(c);
            tsp += 1;
        }
        tsp += 1;
        let mut tab: Vec<Rune> = (0..=highc).collect();
        let mut sp = self.cp;
        loop {
            let mut c = self.at(sp);
            sp += 1;
            if c == seof {
                break;
            }
            if c == '\\' as Rune && self.at(sp) == 'n' as Rune {
                sp += 1;
                c = '\n' as Rune;
            }
            let mut to = self.at(tsp);
            tsp += 1;
            if to == '\\' as Rune && self.at(tsp) == 'n' as Rune {
                to = '\n' as Rune;
                tsp += 1;
            }
            if c as usize >= tab.len() {
                // 9front writes past its table here.
                let n = tab.len() as Rune;
                tab.extend(n..=c);
            }
            tab[c as usize] = to;
            if to == seof || to == 0 {
                return false;
            }
        }
        if self.at(tsp) != seof {
            return false;
        }
        tab.truncate(highc as usize + 1);
        self.cur.ytab = tab;
        self.cp = tsp + 1;
        true
    }

    /// `dechain`: resolves labels to commands.
    fn dechain(&mut self) {
        let end = self.cmds.len();
        self.labels[0].address = Some(end);
        for i in 0..self.labels.len() {
            if self.labels[i].address.is_none() {
                let mut m = b"Undefined label: ".to_vec();
                m.extend_from_slice(&pct_s(&self.labels[i].name));
                self.quit(&m);
            }
        }
        for c in self.cmds.iter_mut() {
            if let Some(l) = c.label {
                c.lb1 = self.labels[l].address;
            }
        }
    }

    // ---- running ----

    fn execute(&mut self) {
        while self.gline(false) {
            let mut ipc = 0;
            while ipc < self.cmds.len() {
                if !self.executable(ipc) {
                    ipc += 1;
                    continue;
                }
                self.command(ipc);
                if self.delflag {
                    break;
                }
                if self.jflag {
                    self.jflag = false;
                    match self.cmds[ipc].lb1 {
                        Some(t) => ipc = t,
                        None => break,
                    }
                } else {
                    ipc += 1;
                }
            }
            if !self.nflag && !self.delflag {
                self.putline(0, None);
            }
            if !self.abuf.is_empty() {
                self.arout();
            }
            self.delflag = false;
        }
    }

    /// `executable`: whether command `i` applies to this line.
    fn executable(&mut self, i: usize) -> bool {
        let negfl = self.cmds[i].negfl;
        if self.cmds[i].active != 0 {
            if self.cmds[i].active == 1 {
                self.cmds[i].active = 2;
            }
            match self.cmds[i].ad2 {
                Addr::None => self.cmds[i].active = 0,
                Addr::Dol => return !negfl,
                Addr::Line(n) => {
                    if self.lnum <= n {
                        if n == self.lnum {
                            self.cmds[i].active = 0;
                        }
                        return !negfl;
                    }
                    self.cmds[i].active = 0;
                    return negfl;
                }
                Addr::Re(r) => {
                    if self.matches(r, 0) {
                        self.cmds[i].active = 0;
                    }
                    return !negfl;
                }
                Addr::Last => self.quit(b"Internal error"),
            }
        }
        match self.cmds[i].ad1 {
            Addr::None => return !negfl,
            Addr::Dol => {
                if self.dolflag {
                    return !negfl;
                }
            }
            Addr::Line(n) => {
                if n == self.lnum {
                    self.cmds[i].active = 1;
                    return !negfl;
                }
            }
            Addr::Re(r) => {
                if self.matches(r, 0) {
                    self.cmds[i].active = 1;
                    return !negfl;
                }
            }
            Addr::Last => self.quit(b"Internal error"),
        }
        negfl
    }

    /// `match`: runs expression `re` over the line from `from`.
    fn matches(&mut self, re: Option<usize>, from: usize) -> bool {
        let Some(re) = re else { return false };
        self.subexp[0] = Resub { sp: Some(from), ep: None };
        if self.res[re].rregexec(&self.linebuf, &mut self.subexp) {
            self.loc1 = self.subexp[0].sp.unwrap_or(0);
            self.loc2 = self.subexp[0].ep.unwrap_or(0);
            true
        } else {
            self.loc1 = 0;
            self.loc2 = 0;
            false
        }
    }

    fn substitute(&mut self, i: usize) -> bool {
        let re = self.cmds[i].re1;
        if !self.matches(re, 0) {
            return false;
        }
        self.sflag = true;
        let rhs = core::mem::take(&mut self.cmds[i].rhs);
        if !self.cmds[i].gfl {
            self.dosub(&rhs);
        } else {
            loop {
                let len = self.loc2 - self.loc1;
                self.dosub(&rhs);
                if self.loc2 >= self.linebuf.len() {
                    break;
                }
                if len == 0 {
                    self.loc2 += 1;
                }
                if self.loc2 >= self.linebuf.len() {
                    break;
                }
                let from = self.loc2;
                if !self.matches(re, from) {
                    break;
                }
            }
        }
        self.cmds[i].rhs = rhs;
        true
    }

    fn too_long(&mut self) -> ! {
        self.quit(b"Output line too long")
    }

    /// `dosub`: replaces `loc1..loc2` by the expansion of `rhs`.
    fn dosub(&mut self, rhs: &[Rune]) {
        let mut g = core::mem::take(&mut self.genbuf);
        g.clear();
        g.extend_from_slice(&self.linebuf[..self.loc1]);
        let mut k = 0;
        while k < rhs.len() {
            let mut c = rhs[k];
            k += 1;
            if c == '&' as Rune {
                for &r in &self.linebuf[self.loc1..self.loc2] {
                    g.push(r);
                    if g.len() >= LBSIZE {
                        self.too_long();
                    }
                }
                continue;
            }
            if c == ESC {
                c = rhs.get(k).copied().unwrap_or(0);
                k += 1;
                if c == 0 {
                    break;
                }
                if ('1' as Rune..('0' as usize + MAXSUB) as Rune).contains(&c) {
                    let n = (c - '0' as Rune) as usize;
                    let m = self.subexp[n];
                    match (m.sp, m.ep) {
                        (Some(a), Some(b)) => {
                            for &r in &self.linebuf[a..b.max(a)] {
                                g.push(r);
                                if g.len() >= LBSIZE {
                                    self.too_long();
                                }
                            }
                            continue;
                        }
                        _ => self.quit(alloc::format!("Invalid back reference \\{n}").as_bytes()),
                    }
                }
            }
            g.push(c);
            if g.len() >= LBSIZE {
                self.too_long();
            }
        }
        let newloc2 = g.len();
        for &r in &self.linebuf[self.loc2..] {
            g.push(r);
            if g.len() >= LBSIZE {
                self.too_long();
            }
        }
        // The NUL that ends the line must fit too.
        if g.len() + 1 >= LBSIZE {
            self.too_long();
        }
        core::mem::swap(&mut self.linebuf, &mut g);
        self.genbuf = g;
        self.loc2 = newloc2;
    }

    /// `putline`: runes and a newline to output file `f` (the line, or
    /// `what`).
    fn putline(&mut self, f: usize, what: Option<&[Rune]>) {
        self.obuf.clear();
        push_runes(&mut self.obuf, what.unwrap_or(&self.linebuf));
        self.obuf.push(b'\n');
        let _ = self.out.files[f].write(&self.obuf);
    }

    /// `P`: the line up to its first newline, each rune as one byte.
    fn cpcom(&mut self) {
        self.obuf.clear();
        for &r in &self.linebuf {
            if r == '\n' as Rune {
                break;
            }
            self.obuf.push(r as u8);
        }
        self.obuf.push(b'\n');
        let _ = self.out.files[0].write(&self.obuf);
    }

    fn command(&mut self, i: usize) {
        let Some(op) = self.cmds[i].op else { return };
        match op {
            Op::A => {
                self.abuf.push(i);
                if self.abuf.len() >= MAXADDS {
                    let l = self.lnum;
                    self.quit(alloc::format!("Too many appends after line {l}").as_bytes());
                }
            }
            Op::C => {
                self.delflag = true;
                if self.cmds[i].active == 1 {
                    let t = core::mem::take(&mut self.cmds[i].text);
                    self.putline(0, Some(&t));
                    self.cmds[i].text = t;
                }
            }
            Op::D => self.delflag = true,
            Op::CD => match self.linebuf.iter().position(|&r| r == '\n' as Rune) {
                None => self.delflag = true,
                Some(n) => {
                    self.linebuf.drain(..=n);
                    self.jflag = true;
                }
            },
            Op::Eq => {
                let l = self.lnum;
                let _ = self.out.files[0].write(alloc::format!("{l}\n").as_bytes());
            }
            Op::G => {
                self.linebuf.clear();
                self.linebuf.extend_from_slice(&self.hold);
            }
            Op::CG => {
                if self.linebuf.len() <= LBSIZE {
                    self.linebuf.push('\n' as Rune);
                }
                let room = (LBSIZE - 1).saturating_sub(self.linebuf.len());
                let take = self.hold.len().min(room);
                let h = &self.hold[..take];
                self.linebuf.extend_from_slice(h);
                if self.hold.len() > room {
                    self.linebuf.truncate(LBSIZE - 1);
                }
            }
            Op::H => {
                self.hold.clear();
                self.hold.extend_from_slice(&self.linebuf);
            }
            Op::CH => {
                if self.hold.len() <= LBSIZE {
                    self.hold.push('\n' as Rune);
                }
                let room = (LBSIZE - 1).saturating_sub(self.hold.len());
                let take = self.linebuf.len().min(room);
                self.hold.extend_from_slice(&self.linebuf[..take]);
                if self.linebuf.len() > room {
                    self.hold.truncate(LBSIZE - 1);
                }
            }
            Op::I => {
                let t = core::mem::take(&mut self.cmds[i].text);
                self.putline(0, Some(&t));
                self.cmds[i].text = t;
            }
            Op::B => self.jflag = true,
            Op::L => self.lcom(),
            Op::N => {
                if !self.nflag {
                    self.putline(0, None);
                }
                if !self.abuf.is_empty() {
                    self.arout();
                }
                if !self.gline(false) {
                    self.delflag = true;
                }
            }
            Op::CN => {
                if !self.abuf.is_empty() {
                    self.arout();
                }
                if self.linebuf.len() <= LBSIZE {
                    self.linebuf.push('\n' as Rune);
                }
                if !self.gline(true) {
                    self.delflag = true;
                }
            }
            Op::P => self.putline(0, None),
            Op::CP => self.cpcom(),
            Op::Q => {
                if !self.nflag {
                    self.putline(0, None);
                }
                if !self.abuf.is_empty() {
                    self.arout();
                }
                self.out.exit_flush();
                exits("");
            }
            Op::R => {
                self.abuf.push(i);
                if self.abuf.len() >= MAXADDS {
                    let l = self.lnum;
                    self.quit(alloc::format!("Too many reads after line {l}").as_bytes());
                }
            }
            Op::S => {
                let done = self.substitute(i);
                if done && self.cmds[i].pfl != 0 {
                    if self.cmds[i].pfl == 1 {
                        self.putline(0, None);
                    } else {
                        self.cpcom();
                    }
                }
                if done {
                    if let Some(f) = self.cmds[i].fcode {
                        self.putline(f, None);
                    }
                }
            }
            Op::T => {
                if self.sflag {
                    self.sflag = false;
                    self.jflag = true;
                }
            }
            Op::W => {
                let f = self.cmds[i].fcode.unwrap_or(0);
                self.putline(f, None);
            }
            Op::X => core::mem::swap(&mut self.linebuf, &mut self.hold),
            Op::Y => {
                let tab = &self.cmds[i].ytab;
                for r in self.linebuf.iter_mut() {
                    if let Some(&t) = tab.get(*r as usize) {
                        *r = t;
                    }
                }
            }
        }
    }

    /// `l`: the line with unprintable runes escaped, folded at 72.
    fn lcom(&mut self) {
        let mut o = Vec::new();
        let mut col = 0;
        let mut c: u32 = 0;
        let put = |o: &mut Vec<u8>, b: u8, col: &mut i32| {
            o.push(b);
            let was = *col;
            *col += 1;
            if was > 71 {
                o.extend_from_slice(b"\\\n");
                *col = 0;
            }
        };
        for &r in &self.linebuf {
            c = r;
            if (0x20..0x7F).contains(&r) && r != '\\' as Rune {
                put(&mut o, r as u8, &mut col);
            } else {
                let esc: Vec<u8> = match r {
                    8 => b"\\b".to_vec(),
                    10 => b"\\n".to_vec(),
                    13 => b"\\r".to_vec(),
                    9 => b"\\t".to_vec(),
                    92 => b"\\\\".to_vec(),
                    _ => {
                        let hex = b"0123456789abcdef";
                        let mut v = b"\\x".to_vec();
                        for sh in [12, 8, 4, 0] {
                            v.push(hex[(r >> sh & 0xF) as usize]);
                        }
                        v
                    }
                };
                for b in esc {
                    c = b as u32;
                    put(&mut o, b, &mut col);
                }
            }
        }
        if c == ' ' as u32 {
            o.extend_from_slice(b"\\n");
        }
        o.push(b'\n');
        let _ = self.out.files[0].write(&o);
    }

    /// `arout`: the pending appends and reads.
    fn arout(&mut self) {
        let pending = core::mem::take(&mut self.abuf);
        for &i in &pending {
            if self.cmds[i].op == Some(Op::A) {
                let t = core::mem::take(&mut self.cmds[i].text);
                self.putline(0, Some(&t));
                self.cmds[i].text = t;
            } else {
                // The name, as 9front copies it into a 128-byte buffer.
                let mut name = Vec::new();
                for &r in &self.cmds[i].text {
                    if r == 0 || name.len() >= 128 - UTFMAX - 1 {
                        break;
                    }
                    push_runes(&mut name, &[r]);
                }
                let name = String::from_utf8_lossy(&name).into_owned();
                let Ok(fd) = syscall::open(&name, OREAD) else { continue };
                let mut buf = vec![0u8; 32768];
                loop {
                    if self.out.uflag {
                        self.out.flushall();
                    }
                    match syscall::read(fd, &mut buf) {
                        Ok(0) => break,
                        Ok(n) => {
                            let _ = self.out.files[0].write(&buf[..n]);
                        }
                        Err(e) => {
                            let _ = syscall::close(fd);
                            self.out.fatal(&alloc::format!("read error: {e}"));
                        }
                    }
                }
                let _ = syscall::close(fd);
            }
        }
        self.abuf = pending;
        self.abuf.clear();
    }

    /// `opendata`: opens the next input; false when there is none.
    fn opendata(&mut self) -> bool {
        if self.nextinput >= self.inputs.len() {
            return false;
        }
        let fd = match &self.inputs[self.nextinput] {
            Some(name) => match syscall::open(name, OREAD) {
                Ok(fd) => fd,
                Err(_) => {
                    let m = alloc::format!("Can't open {name}");
                    self.quit(m.as_bytes());
                }
            },
            None => Fd::STDIN,
        };
        self.f = Some(Rin::new(fd));
        self.nextinput += 1;
        true
    }

    fn more_inputs(&self) -> bool {
        self.nextinput < self.inputs.len()
    }

    /// `gline`: reads the next line into the line buffer (after what is
    /// there when `append`); false at the end of the input.
    fn gline(&mut self, append: bool) -> bool {
        if self.f.is_none() && !self.opendata() {
            return false;
        }
        self.sflag = false;
        self.lnum = self.lnum.wrapping_add(1);
        let start = if append { self.linebuf.len() } else { 0 };
        loop {
            self.linebuf.truncate(start);
            let mut f = self.f.take().unwrap();
            let mut c: i64 = if self.peekc != 0 {
                self.peekc
            } else {
                f.getrune(&mut self.out).map_or(-1, |r| r as i64)
            };
            while c >= 0 {
                if c == '\n' as i64 {
                    if self.dollars != 0 {
                        self.peekc = f.getrune(&mut self.out).map_or(-1, |r| r as i64);
                        if self.peekc < 0 && !self.more_inputs() {
                            self.dolflag = true;
                        }
                    }
                    self.f = Some(f);
                    return true;
                }
                if c != 0 && self.linebuf.len() < LBSIZE {
                    self.linebuf.push(c as Rune);
                }
                // The common case, a run of ASCII in the buffer.
                let mut p = f.pos;
                while p < f.len {
                    let b = f.buf[p];
                    if b >= 0x80 || b == b'\n' || b == 0 {
                        break;
                    }
                    if self.linebuf.len() < LBSIZE {
                        self.linebuf.push(b as Rune);
                    }
                    p += 1;
                }
                f.pos = p;
                c = f.getrune(&mut self.out).map_or(-1, |r| r as i64);
            }
            if self.linebuf.len() != start {
                // A last line without a newline.
                self.peekc = -1;
                if !self.more_inputs() {
                    self.dolflag = true;
                }
                self.f = Some(f);
                return true;
            }
            self.peekc = 0;
            f.close();
            if !self.opendata() {
                break;
            }
        }
        self.f = None;
        false
    }
}

/// The longest prefix of `s` of at most `max` bytes ending at a rune
/// boundary, as 9front's `seprint` into a full buffer stops.
fn fit(s: &[u8], max: usize) -> Vec<u8> {
    let mut i = 0;
    while i < s.len() {
        let (_, n) = chartorune(&s[i..]);
        if i + n > max {
            break;
        }
        i += n;
    }
    s[..i].to_vec()
}

fn main(argv: Vec<String>) {
    libc::main9::set_argv0("sed");
    let mut sed = Sed::new();
    if argv.len() == 1 {
        exits("");
    }
    // ARGBEGIN, with 9front's argc: the arguments left, this one included.
    let args = &argv[1..];
    let mut i = 0;
    let mut compfl = false;
    while i < args.len() {
        let a = args[i].as_str();
        if !a.starts_with('-') || a.len() < 2 {
            break;
        }
        if a == "--" {
            i += 1;
            break;
        }
        let argc = args.len() - i;
        let mut off = 1;
        while off < a.len() {
            let c = a[off..].chars().next().unwrap();
            off += c.len_utf8();
            match c {
                'e' | 'f' => {
                    if argc <= 1 {
                        sed.quit(if c == 'e' { b"missing pattern" } else { b"no pattern-file" });
                    }
                    // ARGF: the rest of this argument, or the next one.
                    let v = if off < a.len() {
                        String::from(&a[off..])
                    } else {
                        i += 1;
                        args[i].clone()
                    };
                    if c == 'e' {
                        sed.newfile_arg(&v);
                    } else {
                        sed.newfile_file(&v);
                    }
                    sed.fcomp();
                    compfl = true;
                    break;
                }
                'g' => sed.gflag = true,
                'n' => sed.nflag = true,
                'u' => sed.out.uflag = true,
                'E' | 'r' => {}
                _ => {
                    let m = alloc::format!("Unknown flag: {c}");
                    sed.quit(m.as_bytes());
                }
            }
        }
        i += 1;
    }
    let mut rest = args[i.min(args.len())..].iter();
    if !compfl {
        match rest.next() {
            Some(s) => {
                let s = s.clone();
                sed.newfile_arg(&s);
                sed.fcomp();
            }
            None => sed.quit(b"missing pattern"),
        }
    }
    if !sed.cmpend.is_empty() {
        sed.quit(b"Too many {'s");
    }
    sed.dechain();
    let files: Vec<Option<String>> = rest.map(|s| Some(s.clone())).collect();
    sed.inputs = if files.is_empty() { vec![None] } else { files };
    sed.execute();
    sed.out.exit_flush();
    exits("");
}
