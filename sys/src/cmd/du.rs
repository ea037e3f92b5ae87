//! du: a port of 9front's `sys/src/cmd/du.c`.
//!
//! Prints the disk usage of each file tree, in units of 1024 bytes
//! (sizes rounded up to the block size, `-b`, 1024 by default): one line
//! per directory, with `-a` (or `-n`, bytes) one per file too, with `-s`
//! only the totals. `-q` prints qid paths, `-t` modification times (`-u`
//! access times), `-p` scales to an SI prefix, `-f` hides warnings, `-r`
//! reads every file and prints nothing. Names are quoted as rc would need.
//! A file that cannot be stat'd gets a warning and counts as 0, as in
//! 9front.
//!
//! What differs: `-e` and `-h` print with C's `%.6g`, whose choice between
//! fixed and exponent forms is not quite 9front's fltfmt.c (which keeps
//! the fixed form up to an exponent equal to the precision).
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use libc::arg::Args;
use libc::dirread::dirread;
use libc::dirstat::dirstat;
use libc::fcall::{Dir, QTDIR};
use libc::fmtquote::quotestr;
use libc::needsrcquote::needsrcquote;
use libc::syscall::{close, errstr, exits, open, read, Fd, OREAD};
use libc::strtoul::strtoul;
use libc::sysfatal;

libc::main!(main);

const VKILO: u64 = 1024;
const PFXES: [&str; 9] = ["", "k", "M", "G", "T", "P", "E", "Z", "Y"];

fn usage() -> ! {
    let _ = libc::fprint!(
        Fd::STDERR,
        "usage: du [-aefhnqstu] [-b size] [-p si-pfx] [file ...]\n"
    );
    exits("usage");
}

/// C's `%.6g`.
fn fmt_g(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let e = format!("{v:.5e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let x: i32 = exp.parse().unwrap_or(0);
    let trim = |s: String| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').into()
        } else {
            s
        }
    };
    if !(-4..6).contains(&x) {
        let m = trim(String::from(mant));
        format!("{m}e{}{:02}", if x < 0 { '-' } else { '+' }, x.abs())
    } else {
        trim(format!("{:.*}", (5 - x).max(0) as usize, v))
    }
}

struct Du {
    aflag: bool,
    autoscale: bool,
    fflag: bool,
    fltflag: bool,
    qflag: bool,
    readflg: bool,
    sflag: bool,
    tflag: bool,
    uflag: bool,
    blocksize: u64,
    unit: u64,
    /// Directories already counted (du.c's cache of qid, type and dev).
    seen: BTreeSet<(u64, u16, u32)>,
    out: String,
}

impl Du {
    fn printamt(&mut self, amt: u64, name: &str) {
        if self.readflg {
            return;
        }
        let q = quotestr(name, Some(needsrcquote));
        let line = if self.autoscale {
            let mut val = amt as f64 / self.unit as f64;
            let mut scale = 0;
            while val.abs() >= 1024.0 && scale < PFXES.len() - 1 {
                scale += 1;
                val /= 1024.0;
            }
            format!("{}{}\t{q}\n", fmt_g(val), PFXES[scale])
        } else if self.fltflag {
            format!("{}\t{q}\n", fmt_g(amt as f64 / self.unit as f64))
        } else {
            let n = amt.div_ceil(self.unit);
            if self.qflag {
                format!("{n:016x}\t{q}\n")
            } else {
                format!("{n}\t{q}\n")
            }
        };
        self.out.push_str(&line);
        if self.out.len() > 8192 {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if !self.out.is_empty() {
            let _ = libc::print!("{}", self.out);
            self.out.clear();
        }
    }

    fn warn(&mut self, s: &str) -> u64 {
        if !self.fflag {
            self.flush();
            let _ = libc::fprint!(Fd::STDERR, "du: {s}: {}\n", errstr());
        }
        0
    }

    fn blkmultiple(&self, n: u64) -> u64 {
        if self.blocksize == 1 {
            n
        } else {
            n.div_ceil(self.blocksize) * self.blocksize
        }
    }

    fn dirval(&self, d: &Dir, size: u64) -> u64 {
        if self.qflag {
            d.qid.path
        } else if self.tflag {
            if self.uflag {
                d.atime as u64
            } else {
                d.mtime as u64
            }
        } else {
            size
        }
    }

    fn readfile(&mut self, name: &str) {
        let fd = match open(name, OREAD) {
            Ok(fd) => fd,
            Err(_) => {
                self.warn(name);
                return;
            }
        };
        let mut buf = vec![0u8; self.blocksize.min(1 << 24) as usize];
        loop {
            match read(fd, &mut buf) {
                Ok(0) => break,
                Ok(_) => {}
                Err(_) => {
                    self.warn(name);
                    break;
                }
            }
        }
        let _ = close(fd);
    }

    fn dufile(&mut self, name: &str, d: &Dir) -> u64 {
        let mut t = self.blkmultiple(d.length);
        if self.aflag || self.readflg {
            let file = format!("{name}/{}", d.name.to_string_lossy());
            if self.readflg {
                self.readfile(&file);
            }
            t = self.dirval(d, t);
            self.printamt(t, &file);
        }
        t
    }

    fn seen(&mut self, d: &Dir) -> bool {
        !self.seen.insert((d.qid.path, d.typ, d.dev))
    }

    fn du(&mut self, name: &str, dir: Option<Dir>) -> u64 {
        let Some(dir) = dir else {
            return self.warn(name);
        };
        if dir.qid.typ & QTDIR == 0 {
            return self.dirval(&dir, self.blkmultiple(dir.length));
        }
        let fd = match open(name, OREAD) {
            Ok(fd) => fd,
            Err(_) => return self.warn(name),
        };
        let mut nk = 0u64;
        loop {
            let buf = match dirread(fd) {
                Ok(b) if b.is_empty() => break,
                Ok(b) => b,
                Err(_) => {
                    self.warn(name);
                    break;
                }
            };
            for d in &buf {
                if d.qid.typ & QTDIR == 0 {
                    nk = nk.wrapping_add(self.dufile(name, d));
                    continue;
                }
                if d.name == "." || d.name == ".." || self.seen(d) {
                    continue;
                }
                let file = format!("{name}/{}", d.name.to_string_lossy());
                let t = self.du(&file, Some(d.clone()));
                nk = nk.wrapping_add(t);
                let t = self.dirval(d, t);
                if !self.sflag {
                    self.printamt(t, &file);
                }
            }
        }
        let _ = close(fd);
        self.dirval(&dir, nk)
    }
}


fn main(argv: Vec<String>) {
    libc::main9::set_argv0("du");
    let mut a = Args::new(argv);
    let mut du = Du {
        aflag: false,
        autoscale: false,
        fflag: false,
        fltflag: false,
        qflag: false,
        readflg: false,
        sflag: false,
        tflag: false,
        uflag: false,
        blocksize: VKILO,
        unit: 0,
        seen: BTreeSet::new(),
        out: String::new(),
    };
    while let Some(c) = a.next_flag() {
        match c {
            'a' => du.aflag = true,
            'b' => {
                if let Some(s) = a.value() {
                    // du.c: strtoul's value, or 1 when it read no number.
                    let (v, used) = strtoul(&s, 0);
                    du.blocksize = if used == 0 { 1 } else { v.into() };
                    let rest = &s[used..];
                    for c in rest.chars() {
                        if c != 'k' {
                            break;
                        }
                        du.blocksize = du.blocksize.saturating_mul(1024);
                    }
                }
            }
            'e' => du.fltflag = true,
            'f' => du.fflag = true,
            'h' => du.autoscale = true,
            'n' => {
                du.aflag = true;
                du.blocksize = 1;
                du.unit = 1;
            }
            'p' => {
                if let Some(s) = a.value() {
                    let Some(scale) = PFXES.iter().position(|p| p.eq_ignore_ascii_case(&s))
                    else {
                        sysfatal!("unknown suffix {s}");
                    };
                    du.unit = VKILO.pow(scale as u32);
                }
            }
            'q' => du.qflag = true,
            'r' => du.readflg = true,
            's' => du.sflag = true,
            't' => du.tflag = true,
            'u' => du.uflag = true,
            _ => usage(),
        }
    }
    if du.unit == 0 {
        du.unit = if du.qflag || du.tflag || du.uflag || du.autoscale {
            1
        } else {
            VKILO
        };
    }
    if du.blocksize < 1 {
        du.blocksize = 1;
    }
    let args = a.rest();
    if args.is_empty() {
        let d = dirstat(".").ok();
        let t = du.du(".", d);
        du.printamt(t, ".");
    } else {
        for name in &args {
            let d = dirstat(name).ok();
            let t = du.du(name, d);
            du.printamt(t, name);
        }
    }
    du.flush();
    exits("");
}
