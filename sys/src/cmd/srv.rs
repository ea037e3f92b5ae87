//! srv: a port of 9front's `sys/src/cmd/srv.c` (srv(4)).
//!
//! `srv [-abcCmnNq] [-s secs] [net!]host [srvname [mtpt]]` dials `host`
//! (default network `net`, service `9fs`) and posts the connection as
//! `/srv/SRVNAME` (default: the address's last element), printing `post...`
//! on standard error; `-e command` runs `rc -c command` and posts a pipe to
//! it instead. With `-m`, `-a`, `-b`, `-c`, `-C` or a mount point it then
//! mounts the service on `mtpt` (default `/n/HOST`); `-q` mounts only if the
//! service was already posted. An existing post is reused when mounting
//! (and removed if it cannot be opened), else reported as `srv: SRV already
//! exists` with success. `-N` becomes `none` before mounting, `-n` skips
//! authentication, `-r` is ignored, `-s` sleeps before posting. A mount
//! that fails with a hangup or a timeout is retried once after a fresh dial.
//! Errors: `srv: dial DEST: ERR` (status `dial`), `srv DEST: WHAT: ERR`
//! (status `srv: error`), `srv DEST: mount failed: ERR` (status `mount`).
//!
//! What differs: planten's libc has no fauth/amount yet, so mounts are
//! unauthenticated, as with `-n`; there is no ten-second alarm on the dial
//! and no note handler. On Linux there is no `/srv` or Plan 9 name space,
//! so posting fails with libc's error.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use libc::access::access;
use libc::arg::Args;
use libc::atol::atoi;
use libc::dial::dial;
use libc::netmkaddr::netmkaddr;
use libc::syscall::{
    close, create, exits, mount, open, pipe, remove, sleep, spawn, write, Fd, FdOp, MAFTER,
    MBEFORE, MCACHE, MCREATE, MREPL, ORDWR, OWRITE,
};

libc::main!(main);

fn usage(argv0: &str) -> ! {
    let _ = libc::fprint!(
        Fd::STDERR,
        "usage: {argv0} [-abcCmnNq] [net!]host [srvname [mtpt]]\n    or {argv0} -e [-abcCmnNq] command [srvname [mtpt]]\n"
    );
    exits("usage");
}

/// A pipe to `rc -c cmd`; the child's standard input and output are the
/// other end.
fn connectcmd(cmd: &str) -> libc::syscall::Result<Fd> {
    let p = pipe()?;
    let ops = [
        FdOp::Dup(p[0], Fd(0)),
        FdOp::Dup(p[0], Fd(1)),
        FdOp::Close(p[0]),
        FdOp::Close(p[1]),
    ];
    if let Err(e) = spawn(&ops, &["/bin/rc"], &["rc", "-c", cmd]) {
        // 9front's child reports this and exits; the parent goes on.
        let _ = libc::fprint!(Fd::STDERR, "exec failed: {e}\n");
    }
    let _ = close(p[0]);
    Ok(p[1])
}

/// The last element of an address: after its last `/`, then after its
/// first `!`.
fn lastelem(addr: &str) -> (&str, &str) {
    let p = addr.rsplit('/').next().unwrap_or(addr);
    let p2 = p.split_once('!').map_or(p, |(_, r)| r);
    (p, p2)
}

fn procsetuser(user: &str) -> libc::syscall::Result<()> {
    let fd = open("/dev/user", OWRITE)?;
    let r = write(fd, user.as_bytes());
    let _ = close(fd);
    r.map(|_| ())
}

struct Srv {
    dest: String,
}

impl Srv {
    fn error(&self, s: &str, e: libc::syscall::Error) -> ! {
        let _ = libc::fprint!(Fd::STDERR, "srv {}: {s}: {e}\n", self.dest);
        exits("srv: error");
    }

    fn post(&self, srv: &str, fd: Fd) {
        let _ = libc::fprint!(Fd::STDERR, "post...\n");
        let f =
            create(srv, OWRITE, 0o666).unwrap_or_else(|e| self.error(&format!("create({srv})"), e));
        let buf = format!("{}", fd.0);
        match write(f, buf.as_bytes()) {
            Ok(n) if n == buf.len() => {}
            Ok(_) => self.error("write", libc::syscall::Error::new("short write")),
            Err(e) => self.error("write", e),
        }
    }
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let argv0 = String::from(a.argv0());
    let mut mountflag = MREPL;
    let (mut domount, mut reallymount, mut doexec) = (false, false, false);
    let (mut doauth, mut asnone, mut sleeptime) = (true, false, 0);
    while let Some(c) = a.next_flag() {
        match c {
            'a' | 'b' | 'c' | 'C' | 'm' => {
                mountflag |= match c {
                    'a' => MAFTER,
                    'b' => MBEFORE,
                    'c' => MCREATE,
                    'C' => MCACHE,
                    _ => 0,
                };
                domount = true;
                reallymount = true;
            }
            'e' => doexec = true,
            'N' => {
                asnone = true;
                doauth = false;
            }
            'n' => doauth = false,
            'q' => {
                domount = true;
                reallymount = false;
            }
            'r' => {} // deprecated, ignored
            's' => sleeptime = atoi(&a.value().unwrap_or_else(|| usage(&argv0))),
            _ => usage(&argv0),
        }
    }
    let _ = doauth; // see the module doc: every mount is unauthenticated
    if mountflag & MAFTER != 0 && mountflag & MBEFORE != 0 {
        usage(&argv0);
    }
    let args = a.rest();
    let (srv, mtpt) = match args.len() {
        1 => {
            let (p, p2) = lastelem(&args[0]);
            (format!("/srv/{p}"), format!("/n/{p2}"))
        }
        2 => (
            format!("/srv/{}", args[1]),
            format!("/n/{}", lastelem(&args[0]).1),
        ),
        3 => {
            domount = true;
            reallymount = true;
            (format!("/srv/{}", args[1]), args[2].clone())
        }
        _ => usage(&argv0),
    };
    let mut s = Srv {
        dest: args[0].clone(),
    };
    let mut tries = 0;
    loop {
        tries += 1;
        let mut fd = None;
        if access(&srv, 0).is_ok() {
            if !domount {
                let _ = libc::fprint!(Fd::STDERR, "srv: {srv} already exists\n");
                exits("");
            }
            match open(&srv, ORDWR) {
                Ok(f) => fd = Some(f),
                Err(_) => {
                    let _ = remove(&srv);
                }
            }
        }
        let fd = match fd {
            Some(f) => f,
            None => {
                let r = if doexec {
                    connectcmd(&s.dest)
                } else {
                    s.dest = netmkaddr(&s.dest, None, Some("9fs"));
                    dial(&s.dest, None)
                };
                let fd = r.unwrap_or_else(|e| {
                    let _ = libc::fprint!(Fd::STDERR, "srv: dial {}: {e}\n", s.dest);
                    exits("dial");
                });
                if sleeptime != 0 {
                    let _ = libc::fprint!(Fd::STDERR, "sleep...");
                    let _ = sleep((sleeptime.max(0) as u32).saturating_mul(1000));
                }
                s.post(&srv, fd);
                fd
            }
        };
        if !domount || !reallymount {
            exits("");
        }
        if asnone {
            if let Err(e) = procsetuser("none") {
                let _ = libc::fprint!(Fd::STDERR, "srv {}: can't become none: {e}\n", s.dest);
                exits("becomenone");
            }
            tries = 0; // no retry
        }
        match mount(fd, None, &mtpt, mountflag, "") {
            Ok(()) => exits(""),
            Err(e) => {
                let err = e.0.as_str();
                if err.contains("Hangup") || err.contains("hungup") || err.contains("timed out") {
                    let _ = remove(&srv);
                    if tries == 1 {
                        continue;
                    }
                }
                let _ = libc::fprint!(Fd::STDERR, "srv {}: mount failed: {err}\n", s.dest);
                exits("mount");
            }
        }
    }
}
