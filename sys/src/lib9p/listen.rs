//! `listensrv`: a port of 9front's `sys/src/lib9p/listen.c`.
//!
//! Announces a network address and serves every call on it with the same
//! [`Srv`], each connection in a proc of its own with its own fids and
//! tags: the calls share the server's files.
//!
//! What differs from 9front: the announcement is made before
//! `listensrv` returns, so that a bad address is reported to the caller
//! (9front's listener proc prints it and gives up); [`listenloop`] is the
//! listener itself, for a program whose main proc has nothing else to do.
//! The remote system's name is not kept (9front puts it in `Srv.addr`).

use alloc::string::String;
use alloc::sync::Arc;

use libc::announce::{accept, announce, listen};
use libc::syscall::{self, Fd, Result};

use crate::rfork::srvforker;
use crate::srv::{srvfd, Srv};

/// Announces `addr` and serves its calls in the background; returns the
/// announcement's directory (for `getnetconninfo`: a port 0 in `addr`
/// lets the system choose one).
pub fn listensrv(s: Arc<dyn Srv>, addr: &str) -> Result<String> {
    let (ctl, dir) = announce(addr)?;
    let d = dir.clone();
    srvforker(
        move || {
            listenloop_on(s, ctl, d);
        },
        0,
    )?;
    Ok(dir)
}

/// Announces `addr` and serves its calls; returns only on error.
pub fn listenloop(s: Arc<dyn Srv>, addr: &str) -> syscall::Error {
    match announce(addr) {
        Ok((ctl, dir)) => listenloop_on(s, ctl, dir),
        Err(e) => e,
    }
}

fn listenloop_on(s: Arc<dyn Srv>, ctl: Fd, dir: String) -> syscall::Error {
    let argv0 = libc::main9::argv0();
    let err = loop {
        let (nctl, ndir) = match listen(&dir) {
            Ok(x) => x,
            Err(e) => {
                let _ = libc::fprint!(Fd::STDERR, "{argv0}: listen {dir}: {e}\n");
                break e;
            }
        };
        let data = match accept(nctl, &ndir) {
            Ok(d) => d,
            Err(e) => {
                let _ = libc::fprint!(Fd::STDERR, "{argv0}: accept {ndir}: {e}\n");
                let _ = syscall::close(nctl);
                continue;
            }
        };
        let _ = syscall::close(nctl);
        let s = s.clone();
        if let Err(e) = srvforker(move || srvfd(s, data), 0) {
            let _ = libc::fprint!(Fd::STDERR, "{argv0}: rfork: {e}\n");
            let _ = syscall::close(data);
        }
    };
    let _ = syscall::close(ctl);
    err
}
