//! `announce`, `listen`, `accept` and `reject`: a port of 9front's
//! `sys/src/libc/9sys/announce.c` (see dial(2)).
//!
//! The interface is 9front's: `announce(addr)` gives a control descriptor
//! and the connection directory of the announcement; `listen(dir)` waits
//! for a call and gives the call's control descriptor and directory;
//! `accept(ctl, dir)` gives the call's data descriptor; `reject(ctl, dir,
//! cause)` refuses it. Addresses are dial strings (`tcp!*!564`,
//! `tcp!127.0.0.1!5640`, and on Linux `unix!/path`).
//!
//! What differs from 9front:
//!
//! - errors are `Result`s, and the directory is returned instead of being
//!   written into the caller's `NETPATHLEN` buffer;
//! - 9front opens `/net/PROTO/clone`, reads the conversation number and
//!   writes `announce ADDR` to its ctl file, translating the address
//!   through `/net/cs`. On Linux there is no `/net`: the backend emulates
//!   the ctl-file protocol (see `linux/net.rs`): an announcement's "ctl" is
//!   the listening socket, a call's "ctl" is the connected socket, and a
//!   directory `/net/tcp/N` names the descriptor `N`. Programs use the
//!   descriptors and directories only as 9front's do (pass the directory
//!   to `listen` and `accept`, close the ctl when done), so they work the
//!   same on both.
//! - errors carry 9front's prefixes where the cause is the address
//!   (`announce tcp!x!y: ...`).

use alloc::format;
use alloc::string::String;

#[cfg(feature = "linux")]
use crate::linux::net as backend;
use crate::syscall::{Error, Fd, Result};

/// 9front's NETPATHLEN: the longest connection directory name.
pub const NETPATHLEN: usize = 40;

fn keep<T>(r: Result<T>) -> Result<T> {
    if let Err(e) = &r {
        crate::syscall::werrstr(e.as_str());
    }
    r
}

/// Announces the service `addr`; returns the announcement's control
/// descriptor and its connection directory. Keep the descriptor open as
/// long as the service is to be offered.
pub fn announce(addr: &str) -> Result<(Fd, String)> {
    keep(backend::announce(addr))
}

/// Waits for a call on the announcement whose directory is `dir`; returns
/// the call's control descriptor and its directory.
pub fn listen(dir: &str) -> Result<(Fd, String)> {
    keep(backend::listen(dir).map_err(|e| {
        if e.as_str().starts_with("listen") {
            e
        } else {
            Error(format!("listen opening {dir}/listen: {e}"))
        }
    }))
}

/// Accepts the call whose control descriptor is `ctl` and directory `dir`;
/// returns its data descriptor.
pub fn accept(ctl: Fd, dir: &str) -> Result<Fd> {
    keep(backend::accept(ctl, dir))
}

/// Rejects the call, telling the network `cause`.
pub fn reject(ctl: Fd, dir: &str, cause: &str) -> Result<()> {
    keep(backend::reject(ctl, dir, cause))
}

/// The two ends of a connection, as 9front's `getnetconninfo` reads them
/// from the directory's `local` and `remote` files (`sys!serv` each).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetConnInfo {
    pub dir: String,
    pub lsys: String,
    pub lserv: String,
    pub rsys: String,
    pub rserv: String,
}

/// The addresses of the connection or announcement whose directory is
/// `dir` (9front's `getnetconninfo(dir, -1)`, from `9sys/getnetconninfo.c`;
/// here for the announce side's use).
pub fn getnetconninfo(dir: &str) -> Result<NetConnInfo> {
    let (l, r) = keep(backend::addrs(dir))?;
    let split = |a: &str| match a.rfind('!') {
        Some(i) => (String::from(&a[..i]), String::from(&a[i + 1..])),
        None => (String::from(a), String::new()),
    };
    let (lsys, lserv) = split(&l);
    let (rsys, rserv) = split(&r);
    Ok(NetConnInfo { dir: dir.into(), lsys, lserv, rsys, rserv })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dial::dial;
    use crate::syscall::{close, read, write};

    #[test]
    fn announce_listen_accept_dial_over_tcp() {
        // Port 0: the system picks one; find it from the socket.
        let (ctl, dir) = announce("tcp!127.0.0.1!0").unwrap();
        assert!(dir.starts_with("/net/tcp/"), "{dir}");
        let port = getnetconninfo(&dir).unwrap().lserv;
        assert_eq!(getnetconninfo(&dir).unwrap().lsys, "127.0.0.1");
        let t = std::thread::spawn(move || {
            let fd = dial(&format!("tcp!127.0.0.1!{port}"), None).unwrap();
            write(fd, b"hello").unwrap();
            let mut b = [0u8; 5];
            assert_eq!(read(fd, &mut b).unwrap(), 5);
            assert_eq!(&b, b"HELLO");
            close(fd).unwrap();
        });
        let (lcfd, ldir) = listen(&dir).unwrap();
        assert!(ldir.starts_with("/net/tcp/"), "{ldir}");
        let data = accept(lcfd, &ldir).unwrap();
        close(lcfd).unwrap();
        let mut b = [0u8; 5];
        assert_eq!(read(data, &mut b).unwrap(), 5);
        assert_eq!(&b, b"hello");
        write(data, b"HELLO").unwrap();
        t.join().unwrap();
        close(data).unwrap();
        close(ctl).unwrap();
    }

    #[test]
    fn unix_sockets_are_plantens_addition() {
        let path = std::env::temp_dir().join(format!("planten-announce-{}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let addr = format!("unix!{}", path.display());
        let (ctl, dir) = announce(&addr).unwrap();
        assert!(dir.starts_with("/net/unix/"), "{dir}");
        let a2 = addr.clone();
        let t = std::thread::spawn(move || {
            let fd = dial(&a2, None).unwrap();
            write(fd, b"x").unwrap();
            close(fd).unwrap();
        });
        let (lcfd, ldir) = listen(&dir).unwrap();
        let data = accept(lcfd, &ldir).unwrap();
        let mut b = [0u8; 1];
        assert_eq!(read(data, &mut b).unwrap(), 1);
        t.join().unwrap();
        close(data).unwrap();
        close(lcfd).unwrap();
        close(ctl).unwrap();
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn rejected_calls_see_end_of_file() {
        let (ctl, dir) = announce("tcp!127.0.0.1!0").unwrap();
        let port = getnetconninfo(&dir).unwrap().lserv;
        let t = std::thread::spawn(move || {
            let fd = dial(&format!("tcp!127.0.0.1!{port}"), None).unwrap();
            let mut b = [0u8; 1];
            assert_eq!(read(fd, &mut b).unwrap_or(0), 0);
        });
        let (lcfd, ldir) = listen(&dir).unwrap();
        reject(lcfd, &ldir, "go away").unwrap();
        close(lcfd).unwrap();
        t.join().unwrap();
        close(ctl).unwrap();
    }

    #[test]
    fn bad_addresses_are_errors() {
        assert_eq!(announce("tcp!*!nosuchservice").unwrap_err().as_str(), "cs: can't translate service");
        assert_eq!(announce("!x").unwrap_err().as_str(), "bad dial string: !x");
        assert!(listen("/net/tcp/notanumber").is_err());
    }
}
