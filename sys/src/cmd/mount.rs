//! mount: a port of 9front's `sys/src/cmd/mount.c`.
//!
//! `mount [-a|-b] [-cCnNq] [-k keypattern] /srv/service dir [spec]` opens
//! the service for reading and writing and mounts it on `dir` with mount(2)
//! (MAFTER, MBEFORE, MCREATE, MCACHE from `-a -b -c -C`; `-a` with `-b` is a
//! usage error, as is a count of names other than two or three). Errors are
//! `ARGV0: can't open SRV: ERR` (status `open`) and `ARGV0: mount DIR: ERR`
//! (status `mount`); `-q` turns every failure into a quiet success. `-N`
//! becomes the user `none` (writing it to `/dev/user`) before mounting.
//!
//! What differs: planten's libc has no fauth/auth_proxy yet, so every
//! mount is unauthenticated, as with `-n`; `-k` is read and unused. On
//! Linux there is no Plan 9 name space, so mount(2) always fails (and `-N`
//! fails for want of `/dev/user`); 9front's note handler is not installed.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use libc::arg::Args;
use libc::syscall::{
    close, exits, mount, open, write_all, Fd, MAFTER, MBEFORE, MCACHE, MCREATE, MREPL, ORDWR,
    OWRITE,
};

libc::main!(main);

fn usage() -> ! {
    let _ = libc::fprint!(
        Fd::STDERR,
        "usage: mount [-a|-b] [-cCnNq] [-k keypattern] /srv/service dir [spec]\n"
    );
    exits("usage");
}

/// procsetuser(2): write the new user name to the console's `user` file.
fn procsetuser(user: &str) -> libc::syscall::Result<()> {
    let fd = open("/dev/user", OWRITE)?;
    let r = write_all(fd, user.as_bytes());
    let _ = close(fd);
    r
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let mut flag = MREPL;
    let mut qflag = false;
    let mut asnone = false;
    while let Some(c) = a.next_flag() {
        match c {
            'a' => flag |= MAFTER,
            'b' => flag |= MBEFORE,
            'c' => flag |= MCREATE,
            'C' => flag |= MCACHE,
            'k' => {
                // The key pattern would go to auth_proxy; see the module doc.
                let _keyspec = a.value().unwrap_or_else(|| usage());
            }
            'N' => asnone = true,
            'n' => {}
            'q' => qflag = true,
            _ => usage(),
        }
    }
    let argv0 = String::from(a.argv0());
    let args = a.rest();
    let spec = match args.len() {
        3 => args[2].as_str(),
        2 => "",
        _ => usage(),
    };
    if flag & MAFTER != 0 && flag & MBEFORE != 0 {
        usage();
    }
    let fd = match open(&args[0], ORDWR) {
        Ok(fd) => fd,
        Err(e) => {
            if qflag {
                exits("");
            }
            let _ = libc::fprint!(Fd::STDERR, "{argv0}: can't open {}: {e}\n", args[0]);
            exits("open");
        }
    };
    if asnone {
        if let Err(e) = procsetuser("none") {
            if qflag {
                exits("");
            }
            let _ = libc::fprint!(Fd::STDERR, "{argv0}: can't become none: {e}\n");
            exits("becomenone");
        }
    }
    if let Err(e) = mount(fd, None, &args[1], flag, spec) {
        if qflag {
            exits("");
        }
        let _ = libc::fprint!(Fd::STDERR, "{argv0}: mount {}: {e}\n", args[1]);
        exits("mount");
    }
    exits("");
}
