//! rm: a port of 9front's `sys/src/cmd/rm.c`.
//!
//! Removes each file; with `-r`, a directory that cannot be removed is
//! emptied first, depth first (entries that are not directories go
//! first, as in 9front). Errors are `rm: NAME: ERR`; with `-f` they are
//! neither printed nor reflected in the exit status, which is the last
//! error's text, as 9front exits with its error buffer.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use libc::arg::Args;
use libc::dirread::dirreadall;
use libc::dirstat::dirstat;
use libc::fcall::{QTDIR, QTFILE};
use libc::syscall::{close, errstr, exits, open, remove, Fd, OREAD};

libc::main!(main);

struct Rm {
    ignerr: bool,
    errbuf: String,
}

impl Rm {
    fn err(&mut self, f: &str) {
        if !self.ignerr {
            self.errbuf = errstr();
            let _ = libc::fprint!(Fd::STDERR, "rm: {f}: {}\n", self.errbuf);
        }
    }

    /// `f` is a directory that would not go: remove its contents, then it.
    fn rmdir(&mut self, f: &str) {
        let fd = match open(f, OREAD) {
            Ok(fd) => fd,
            Err(_) => return self.err(f),
        };
        let r = dirreadall(fd);
        let _ = close(fd);
        let mut dirs = match r {
            Ok(d) => d,
            Err(_) => return self.err("dirreadall"),
        };
        let mut ndir = 0;
        for d in dirs.iter_mut() {
            let name = format!("{f}/{}", d.name.to_string_lossy());
            if remove(&name).is_ok() {
                d.qid.typ = QTFILE;
            } else if d.qid.typ & QTDIR != 0 {
                ndir += 1;
            } else {
                self.err(&name);
            }
        }
        if ndir > 0 {
            for d in dirs.iter().filter(|d| d.qid.typ & QTDIR != 0) {
                self.rmdir(&format!("{f}/{}", d.name.to_string_lossy()));
            }
        }
        if remove(f).is_err() {
            self.err(f);
        }
    }
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let mut recurse = false;
    let mut rm = Rm {
        ignerr: false,
        errbuf: String::new(),
    };
    while let Some(c) = a.next_flag() {
        match c {
            'r' => recurse = true,
            'f' => rm.ignerr = true,
            _ => {
                let _ = libc::fprint!(Fd::STDERR, "usage: rm [-fr] file ...\n");
                exits("usage");
            }
        }
    }
    for f in a.rest() {
        if remove(&f).is_ok() {
            continue;
        }
        // The error of the remove, unless dirstat fails and sets its own.
        if recurse && dirstat(&f).is_ok_and(|d| d.qid.typ & QTDIR != 0) {
            rm.rmdir(&f);
        } else {
            rm.err(&f);
        }
    }
    exits(&rm.errbuf.clone());
}
