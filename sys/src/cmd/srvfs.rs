//! srvfs: a port of 9front's `sys/src/cmd/srvfs.c` (see exportfs(4)).
//!
//! `srvfs [-dR] [-p perm] [-P patternfile] [-e exportfs] name path`
//! serves the name space under `path` on a pipe posted as `/srv/name` (or
//! at `name` itself when it begins with `/`), with mode `perm` (octal,
//! default 600): it creates the post with ORCLOSE, writes the number of
//! the pipe's far end into it, and starts `exportfs -r path` (with `-d`,
//! `-R` and `-P patternfile` as given, in the order given) on the near
//! end as its standard input and output, without waiting for it. Errors
//! are srvfs.c's: `can't pipe: ERR` (status `pipe`), `can't create NAME:
//! ERR` (`create`), `can't exec exportfs: ERR` (`exec`, from the child).
//!
//! What falls short: planten has no exportfs yet, so the default
//! `/bin/exportfs` cannot be run and nothing is served; on Linux there is
//! no /srv device, so a post is an ordinary file holding a number that no
//! other process can mount, and it is not removed when the server ends.
//! When exec fails the message comes from srvfs itself (libc's `spawn`
//! reports the child's failed exec to the parent), which still exits
//! with success, as 9front's parent does.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use libc::arg::Args;
use libc::strtol::strtol;
use libc::syscall::{close, create, exits, pipe, spawn, write, Fd, FdOp, ORCLOSE, OWRITE};

libc::main!(main);

fn usage(argv0: &str) -> ! {
    let _ = libc::fprint!(
        Fd::STDERR,
        "usage: {argv0} [-dR] [-p perm] [-P patternfile] [-e exportfs] srvname path\n"
    );
    exits("usage")
}

/// The first `n - 1` bytes of `s` (srvfs.c's 64-byte buffer and its NUL),
/// not splitting a character.
fn clip(s: String, n: usize) -> String {
    if s.len() < n {
        return s;
    }
    let mut k = n - 1;
    while !s.is_char_boundary(k) {
        k -= 1;
    }
    s[..k].into()
}

fn main(argv: Vec<String>) {
    let mut ename = String::from("/bin/exportfs");
    let mut arglist: Vec<String> = alloc::vec!["exportfs".into()];
    let mut perm: u32 = 0o600;
    let mut a = Args::new(argv);
    let argv0 = String::from(a.argv0());
    while let Some(c) = a.next_flag() {
        match c {
            'd' => arglist.push("-d".into()),
            'e' => ename = a.value().unwrap_or_else(|| usage(&argv0)),
            'p' => {
                let v = a.value().unwrap_or_else(|| usage(&argv0));
                perm = strtol(v.as_str(), 8).0 as u32;
            }
            'P' => {
                let v = a.value().unwrap_or_else(|| usage(&argv0));
                arglist.push("-P".into());
                arglist.push(v);
            }
            'R' => arglist.push("-R".into()),
            _ => usage(&argv0),
        }
    }
    let rest = a.rest();
    if rest.len() != 2 {
        usage(&argv0);
    }
    arglist.push("-r".into());
    arglist.push(rest[1].clone());

    let [p0, p1] = match pipe() {
        Ok(p) => p,
        Err(e) => {
            let _ = libc::fprint!(Fd::STDERR, "can't pipe: {e}\n");
            exits("pipe")
        }
    };
    let buf = if rest[0].starts_with('/') { rest[0].clone() } else { format!("/srv/{}", rest[0]) };
    let buf = clip(buf, 64);
    let fd = match create(&buf, OWRITE | ORCLOSE, perm) {
        Ok(fd) => fd,
        Err(e) => {
            let _ = libc::fprint!(Fd::STDERR, "can't create {buf}: {e}\n");
            exits("create")
        }
    };
    let _ = write(fd, format!("{}", p1.0).as_bytes());
    let _ = close(p1);

    let ops = [FdOp::Dup(p0, Fd(0)), FdOp::Dup(p0, Fd(1)), FdOp::Close(p0)];
    let args: Vec<&str> = arglist.iter().map(|s| s.as_str()).collect();
    if let Err(e) = spawn(&ops, &[ename.as_str()], &args) {
        let _ = libc::fprint!(Fd::STDERR, "can't exec exportfs: {e}\n");
    }
    exits("")
}
