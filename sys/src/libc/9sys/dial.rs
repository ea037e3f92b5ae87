//! `dial`: a port of 9front's `sys/src/libc/9sys/dial.c` (see dial(2)).
//!
//! `dial(dest, local)` makes a call to the dial string `dest`
//! (`[/net/]proto!host!service`) and returns the data descriptor.
//! [`dialconn`] is dial with 9front's `dir` and `cfdp` results.
//!
//! What differs from 9front: 9front asks `/net/cs` to translate the
//! address, then opens the network's clone file and writes `connect` to
//! it, trying each translation and falling back to `/net.alt`. On Linux the
//! backend resolves the host with the system's resolver and connects a
//! socket (see `linux/net.rs`); the networks are `tcp` (and `net`, which
//! is tcp here) and planten's `unix!PATH`. Errors are 9front's where the
//! cause matches (`connection refused`, `cs: can't translate address`,
//! `bad dial string: ...`). `local` is accepted and ignored.

use alloc::string::String;

#[cfg(feature = "linux")]
use crate::linux::net as backend;
use crate::syscall::{Fd, Result};

/// A call made by [`dialconn`].
#[derive(Debug)]
pub struct Conn {
    /// The data descriptor.
    pub data: Fd,
    /// The connection's directory (`/net/tcp/N`).
    pub dir: String,
}

fn keep<T>(r: Result<T>) -> Result<T> {
    if let Err(e) = &r {
        crate::syscall::werrstr(e.as_str());
    }
    r
}

/// Calls `dest`; returns the data descriptor.
pub fn dial(dest: &str, local: Option<&str>) -> Result<Fd> {
    keep(backend::dial(dest, local)).map(|(fd, _)| fd)
}

/// Calls `dest`; returns the data descriptor and the connection directory.
pub fn dialconn(dest: &str, local: Option<&str>) -> Result<Conn> {
    keep(backend::dial(dest, local)).map(|(data, dir)| Conn { data, dir })
}

/// Shuts a call down in both directions, so that a proc blocked reading
/// it returns end of file (9front writes `hangup` to the call's ctl file).
pub fn hangup(fd: Fd) -> Result<()> {
    keep(backend::hangup(fd))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_and_untranslatable_calls() {
        // Find a port no one listens on: announce, note it, close.
        let (ctl, dir) = crate::announce::announce("tcp!127.0.0.1!0").unwrap();
        let port = crate::announce::getnetconninfo(&dir).unwrap().lserv;
        crate::syscall::close(ctl).unwrap();
        let e = dial(&alloc::format!("tcp!127.0.0.1!{port}"), None).unwrap_err();
        assert_eq!(e.as_str(), "connection refused");
        assert_eq!(crate::syscall::errstr(), "connection refused");
        let e = dial("tcp!no.such.host.invalid!564", None).unwrap_err();
        assert_eq!(e.as_str(), "cs: can't translate address");
        let e = dial("tcp!127.0.0.1", None).unwrap_err();
        assert_eq!(e.as_str(), "cs: can't translate service");
        assert!(dial("unix!/nonexistent/planten/sock", None).is_err());
    }

    #[test]
    fn net_directories_are_dropped() {
        let (ctl, dir) = crate::announce::announce("/net/tcp!127.0.0.1!0").unwrap();
        let port = crate::announce::getnetconninfo(&dir).unwrap().lserv;
        let t = std::thread::spawn(move || {
            let c = dialconn(&alloc::format!("net!127.0.0.1!{port}"), None).unwrap();
            assert!(c.dir.starts_with("/net/tcp/"));
            crate::syscall::close(c.data).unwrap();
        });
        let (l, _) = crate::announce::listen(&dir).unwrap();
        t.join().unwrap();
        crate::syscall::close(l).unwrap();
        crate::syscall::close(ctl).unwrap();
    }
}
