//! split: a port of 9front's `sys/src/cmd/split.c`.
//!
//! Copies a file (standard input by default) into pieces of `-n` (or
//! `-l`) lines, 1000 by default, named STEM`aa` to STEM`zz` (stem `x`,
//! `-f`); input after the last newline goes to the last piece. With `-e
//! exp` (the last `-e` given counts, as in 9front) a new piece starts at
//! each line that matches: named by the text of the first parenthesised
//! subexpression, with `-s` suffix appended, or else the next STEM`aa`
//! name; `-x` leaves the matching line out, `-i` matches in ASCII lower
//! case (and so names pieces in lower case). Under `-e` every line counts
//! as ended by a newline and a final piece of line without one is
//! dropped; the first piece, STEM`aa`, is created before any input is
//! read. After STEM`zz`, split warns once and keeps writing to it. Lines
//! are read with libbio's `Brdline`, so a line longer than the buffer
//! ends the line-by-line reading, as in 9front.
//!
//! What differs: 9front's `openf` starts its descriptor variable at 0 and
//! so closes standard input when it creates the first piece (and reuses
//! descriptor 0 for it), which cuts off input read from standard input
//! after the first buffer; planten closes only the pieces it created.
//! 9front's 200-byte name buffer is not reproduced. Regular expressions
//! are libregexp's; a bad one is reported by its `regerror`.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use libbio::Biobuf;
use libc::arg::Args;
use libc::atol::atoi;
use libc::syscall::{create, exits, Fd, OREAD, OWRITE};
use libregexp::regcomp::regcomp;
use libregexp::regerror::regerror;
use libregexp::regimpl::Resub;

libc::main!(main);

fn usage() -> ! {
    let _ = libc::fprint!(Fd::STDERR, "usage: split [-n num] [-e exp] [-f stem] [-s suff] [-x] [-i] [file]\n");
    exits("usage")
}

struct Split {
    stem: String,
    suffix: String,
    suff: [u8; 2],
    canopen: bool,
    output: Option<Biobuf>,
}

impl Split {
    /// Starts writing to `name`; a piece that cannot be created is fatal
    /// (with 9front's message, which says grep).
    fn openf(&mut self, name: &str) {
        if let Some(o) = self.output.take() {
            let _ = o.term();
        }
        match create(name, OWRITE, 0o666) {
            Ok(fd) => self.output = Some(Biobuf::new(fd, OWRITE)),
            Err(e) => {
                let _ = libc::fprint!(Fd::STDERR, "grep: can't create {name}: {e}\n");
                exits("create");
            }
        }
    }

    /// Moves on to the next STEMaa..STEMzz piece; false once they are used
    /// up.
    fn nextfile(&mut self) -> bool {
        if self.suff[0] > b'z' {
            if self.canopen {
                let _ = libc::fprint!(Fd::STDERR, "split: file {}zz not split\n", self.stem);
            }
            self.canopen = false;
        } else {
            let name = format!("{}{}{}", self.stem, self.suff[0] as char, self.suff[1] as char);
            self.suff[1] += 1;
            if self.suff[1] > b'z' {
                self.suff[1] = b'a';
                self.suff[0] += 1;
            }
            self.openf(&name);
        }
        self.canopen
    }

    /// Starts the piece a matching line names: its first subexpression,
    /// or the next numbered piece.
    fn matchfile(&mut self, line: &[u8], m: &[Resub]) -> bool {
        if let (Some(sp), Some(ep)) = (m[1].sp, m[1].ep) {
            let mut name = String::from_utf8_lossy(&line[sp..ep]).into_owned();
            name.push_str(&self.suffix);
            self.openf(&name);
            return true;
        }
        self.nextfile()
    }

    fn write(&mut self, b: &[u8]) {
        if let Some(o) = self.output.as_mut() {
            let _ = o.write(b);
        }
    }
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let mut n: i64 = 1000;
    let mut pattern: Option<String> = None;
    let mut xflag = false;
    let mut iflag = false;
    let mut sp = Split { stem: "x".into(), suffix: String::new(), suff: *b"aa", canopen: true, output: None };
    while let Some(c) = a.next_flag() {
        match c {
            'l' | 'n' => n = atoi(&a.value().unwrap_or_else(|| usage())).into(),
            'e' => pattern = Some(a.value().unwrap_or_else(|| usage())),
            'f' => sp.stem = a.value().unwrap_or_else(|| usage()),
            's' => sp.suffix = a.value().unwrap_or_else(|| usage()),
            'x' => xflag = true,
            'i' => iflag = true,
            _ => usage(),
        }
    }
    let args = a.rest();
    if args.len() > 1 {
        usage();
    }
    let mut b = match args.first() {
        Some(f) => match Biobuf::open(f, OREAD) {
            Ok(b) => b,
            Err(e) => {
                let _ = libc::fprint!(Fd::STDERR, "split: can't open {f}: {e}\n");
                exits("open");
            }
        },
        None => Biobuf::new(Fd::STDIN, OREAD),
    };
    if let Some(pat) = pattern {
        let pat = if iflag { pat.to_ascii_lowercase() } else { pat };
        // 9front's regcomp reports a bad expression through regerror,
        // whose default prints `regerror: ...` and exits; split's own
        // badexp is never reached.
        let exp = match regcomp(pat.as_bytes()) {
            Ok(e) => e,
            Err(e) => regerror(&e),
        };
        sp.matchfile(b"", &[Resub::default(), Resub::default()]);
        while let Some(l) = b.rdline(b'\n') {
            let line: Vec<u8> = l[..l.len() - 1].to_vec();
            // 9front's fold copies up to a NUL and lowers ASCII letters.
            let subject = if iflag {
                let end = line.iter().position(|&c| c == 0).unwrap_or(line.len());
                line[..end].to_ascii_lowercase()
            } else {
                line.clone()
            };
            let mut m = [Resub::default(), Resub::default()];
            if exp.regexec(&subject, &mut m) && sp.matchfile(&subject, &m) && xflag {
                continue;
            }
            sp.write(&line);
            sp.write(b"\n");
        }
    } else {
        let mut linecnt = n;
        while let Some(l) = b.rdline(b'\n') {
            let line = l.to_vec();
            linecnt += 1;
            if linecnt > n {
                sp.nextfile();
                linecnt = 1;
            }
            sp.write(&line);
        }
        // A last line without a newline (or one too long for the buffer)
        // goes, with the rest, to the last piece.
        let mut buf = alloc::vec![0u8; 8192];
        loop {
            let k = b.read(&mut buf);
            if k == 0 {
                break;
            }
            if sp.output.is_none() {
                // 9front writes to a Biobuf that was never opened, which
                // drops the bytes.
                break;
            }
            sp.write(&buf[..k]);
        }
    }
    if let Some(o) = sp.output.take() {
        let _ = o.term();
    }
    exits("");
}
