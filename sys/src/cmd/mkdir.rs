//! mkdir: a port of 9front's `sys/src/cmd/mkdir.c`.
//!
//! Creates each directory with mode 0777 or `-m`'s octal mode (at most
//! 0777); with `-p`, creates missing parents too and says nothing about a
//! directory that already exists. A name that exists is an error
//! (`mkdir: NAME already exists`), as is a failed create
//! (`mkdir: can't create NAME: ERR`); the exit status is then `error`.
//!
//! What differs on Linux: the process's umask applies to the mode, where
//! 9front's file servers take the parent directory's permissions instead.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use libc::access::{access, AEXIST};
use libc::arg::Args;
use libc::fcall::DMDIR;
use libc::strtoul::strtoul;
use libc::syscall::{close, create, exits, Fd, OREAD};

libc::main!(main);

fn usage() -> ! {
    let _ = libc::fprint!(Fd::STDERR, "usage: mkdir [-p] [-m mode] dir...\n");
    exits("usage");
}

struct Mkdir {
    mode: u32,
    failed: bool,
}

impl Mkdir {
    fn makedir(&mut self, s: &str) -> bool {
        if access(s, AEXIST).is_ok() {
            let _ = libc::fprint!(Fd::STDERR, "mkdir: {s} already exists\n");
            self.failed = true;
            return false;
        }
        match create(s, OREAD, DMDIR | self.mode) {
            Ok(f) => {
                let _ = close(f);
                true
            }
            Err(e) => {
                let _ = libc::fprint!(Fd::STDERR, "mkdir: can't create {s}: {e}\n");
                self.failed = true;
                false
            }
        }
    }

    fn mkdirp(&mut self, s: &str) {
        // Each prefix ending before a '/' (past the first byte), then s.
        for (i, _) in s.match_indices('/').filter(|&(i, _)| i > 0) {
            let p = &s[..i];
            if access(p, AEXIST).is_err() && !self.makedir(p) {
                return;
            }
        }
        if access(s, AEXIST).is_err() {
            self.makedir(s);
        }
    }
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let mut pflag = false;
    let mut mk = Mkdir {
        mode: 0o777,
        failed: false,
    };
    while let Some(c) = a.next_flag() {
        match c {
            'm' => {
                let m = a.value().unwrap_or_else(|| usage());
                // mkdir.c: strtoul(m, &m, 8), then usage above 0777.
                match strtoul(&m, 8).0 {
                    v if v <= 0o777 => mk.mode = v,
                    _ => usage(),
                }
            }
            'p' => pflag = true,
            _ => usage(),
        }
    }
    for d in a.rest() {
        if pflag {
            mk.mkdirp(&d);
        } else {
            mk.makedir(&d);
        }
    }
    exits(if mk.failed { "error" } else { "" });
}
