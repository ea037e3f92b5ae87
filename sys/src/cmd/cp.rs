//! cp: a port of 9front's `sys/src/cmd/cp.c`.
//!
//! `cp [-gux] from to` or `cp [-x] from... todir`. Copies files (never
//! directories: 9front's cp has no -r), creating the target with the
//! source's permission bits; `-x` then sets the target's mode and mtime
//! from the source, `-g` its group and `-u` its owner and group, through
//! wstat. Messages and exit statuses (`usage`, `bad usage`, `errors`)
//! are 9front's.
//!
//! What differs on Linux: the target is created through the process's
//! umask; changing owner or group works only where libc's wstat can
//! (it refuses a change, as 9front's file servers do for non-owners).
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use libc::arg::Args;
use libc::dirfwstat::dirfwstat;
use libc::dirstat::dirstat;
use libc::fcall::{Dir, DMDIR};
use libc::nulldir::nulldir;
use libc::syscall::{close, create, exits, open, read, write, Fd, OREAD, OWRITE};

libc::main!(main);

/// 9front's IOUNIT, used when iounit(2) gives nothing.
const IOUNIT: usize = 8192;

fn eprint(s: String) {
    let _ = libc::fprint!(Fd::STDERR, "{s}");
}

fn usage() -> ! {
    eprint("usage:\tcp [-gux] fromfile tofile\n".into());
    eprint("\tcp [-x] fromfile ... todir\n".into());
    exits("usage");
}

struct Cp {
    gflag: bool,
    uflag: bool,
    xflag: bool,
    failed: bool,
}

fn samefile(a: &Dir, an: &str, bn: &str) -> bool {
    match dirstat(bn) {
        Ok(b)
            if b.qid.typ == a.qid.typ
                && b.qid.path == a.qid.path
                && b.qid.vers == a.qid.vers
                && b.dev == a.dev
                && b.typ == a.typ =>
        {
            eprint(format!("cp: {an} and {bn} are the same file\n"));
            true
        }
        _ => false,
    }
}

impl Cp {
    fn copy1(&mut self, fdf: Fd, fdt: Fd, from: &str, to: &str) -> bool {
        let mut buf = vec![0u8; IOUNIT];
        loop {
            match read(fdf, &mut buf) {
                Ok(0) => return true,
                Ok(n) => {
                    let r = write(fdt, &buf[..n]);
                    if !matches!(r, Ok(m) if m == n) {
                        let e = match r {
                            Err(e) => e.0,
                            Ok(_) => "short write".into(),
                        };
                        eprint(format!("cp: error writing {to}: {e}\n"));
                        self.failed = true;
                        return false;
                    }
                }
                Err(e) => {
                    eprint(format!("cp: error reading {from}: {e}\n"));
                    self.failed = true;
                    return false;
                }
            }
        }
    }

    fn copy(&mut self, from: &str, to: &str, todir: bool) {
        let name;
        let to = if todir {
            let elem = from.rsplit('/').next().unwrap_or(from);
            name = format!("{to}/{elem}");
            name.as_str()
        } else {
            to
        };
        let dirb = match dirstat(from) {
            Ok(d) => d,
            Err(e) => {
                eprint(format!("cp: can't stat {from}: {e}\n"));
                self.failed = true;
                return;
            }
        };
        if dirb.mode & DMDIR != 0 {
            eprint(format!("cp: {from} is a directory\n"));
            self.failed = true;
            return;
        }
        if samefile(&dirb, from, to) {
            self.failed = true;
            return;
        }
        let fdf = match open(from, OREAD) {
            Ok(f) => f,
            Err(e) => {
                eprint(format!("cp: can't open {from}: {e}\n"));
                self.failed = true;
                return;
            }
        };
        let fdt = match create(to, OWRITE, dirb.mode & 0o777) {
            Ok(f) => f,
            Err(e) => {
                eprint(format!("cp: can't create {to}: {e}\n"));
                self.failed = true;
                let _ = close(fdf);
                return;
            }
        };
        if self.copy1(fdf, fdt, from, to) && (self.xflag || self.gflag || self.uflag) {
            let mut d = nulldir();
            if self.xflag {
                d.mtime = dirb.mtime;
                d.mode = dirb.mode;
            }
            if self.uflag {
                d.uid = dirb.uid.clone();
            }
            if self.gflag {
                d.gid = dirb.gid.clone();
            }
            if let Err(e) = dirfwstat(fdt, &d) {
                eprint(format!("cp: warning: can't wstat {to}: {e}\n"));
            }
        }
        let _ = close(fdf);
        let _ = close(fdt);
    }
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let mut cp = Cp {
        gflag: false,
        uflag: false,
        xflag: false,
        failed: false,
    };
    while let Some(c) = a.next_flag() {
        match c {
            'g' => cp.gflag = true,
            'u' => {
                cp.uflag = true;
                cp.gflag = true;
            }
            'x' => cp.xflag = true,
            _ => usage(),
        }
    }
    let args = a.rest();
    if args.len() < 2 {
        usage();
    }
    let last = &args[args.len() - 1];
    let todir = dirstat(last).is_ok_and(|d| d.mode & DMDIR != 0);
    if args.len() > 2 && !todir {
        eprint(format!("cp: {last} not a directory\n"));
        exits("bad usage");
    }
    for f in &args[..args.len() - 1] {
        cp.copy(f, last, todir);
    }
    exits(if cp.failed { "errors" } else { "" });
}
