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
//!
//! The native backend ([`net`]) is 9front's announce.c itself: the address
//! is translated by `NETDIR/cs` (or used as it is, with
//! `NETDIR/proto/clone`, when there is no cs), the clone file is opened
//! and kept as the control descriptor, the conversation number read from
//! it names the directory, and `announce ADDR` is written to it; `listen`
//! opens `DIR/listen` and reads the new conversation's number; `accept`
//! writes `accept N` (ignoring failure) and opens `DIR/data`; `reject`
//! writes `reject N CAUSE`. The addresses of a conversation are its
//! `local` and `remote` files, as 9front's `getnetconninfo` reads them
//! (`???` when unreadable).

use alloc::format;
use alloc::string::String;

#[cfg(all(feature = "linux", not(feature = "native")))]
use crate::linux::net as backend;
#[cfg(feature = "native")]
use self::net as backend;
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

/// 9front's announce.c over the files of `/net` (the native backend;
/// built everywhere, and tested on the host with a stand-in network
/// directory).
#[cfg_attr(not(feature = "native"), allow(dead_code))]
pub(crate) mod net {
    use alloc::format;
    use alloc::string::String;

    use super::NETPATHLEN;
    use crate::syscall::{self, Error, Fd, Result, OCEXEC, OREAD, ORDWR, SEEKSET};

    /// announce.c's Maxpath.
    const MAXPATH: usize = 256;

    fn cut(s: &str, n: usize) -> String {
        let mut n = n.min(s.len());
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        s[..n].into()
    }

    /// announce.c's `nettrans`: (the address for the network, the clone
    /// file).
    pub fn nettrans(addr: &str) -> Result<(String, String)> {
        let bad = || Error(format!("bad dial string: {addr}"));
        let p = addr.find('!').ok_or_else(bad)?;
        let (netdir, a) = if !addr.starts_with('/') && !addr.starts_with('#') {
            (String::from("/net"), addr)
        } else {
            let i = addr[..p].rfind('/').unwrap_or(0);
            if i == 0 || i >= MAXPATH {
                return Err(bad());
            }
            (String::from(&addr[..i]), &addr[i + 1..])
        };
        let Ok(fd) = syscall::open(&format!("{netdir}/cs"), ORDWR) else {
            // identtrans: no cs, no translation
            let (proto, rest) = a.split_once('!').unwrap_or((a, ""));
            return Ok((cut(rest, MAXPATH - 1), format!("{netdir}/{proto}/clone")));
        };
        let r = (|| {
            syscall::write(fd, a.as_bytes())?;
            syscall::seek(fd, 0, SEEKSET)?;
            let mut buf = [0u8; MAXPATH - 1];
            let n = syscall::read(fd, &mut buf)?;
            if n == 0 {
                return Err(Error(syscall::errstr()));
            }
            Ok(String::from_utf8_lossy(&buf[..n]).into_owned())
        })();
        let _ = syscall::close(fd);
        let reply = r?;
        let (file, naddr) = reply.split_once(' ').ok_or_else(|| Error(syscall::errstr()))?;
        // cs's file is in its name space: replace the mount point. (9front
        // uses the address in place of a file that does not start with
        // '/'; cs never answers so.)
        let f = match file.strip_prefix('/') {
            Some(r) => r.split_once('/').map_or(file, |(_, rest)| rest),
            None => naddr,
        };
        Ok((cut(naddr, MAXPATH - 1), format!("{netdir}/{f}")))
    }

    pub fn announce(addr: &str) -> Result<(Fd, String)> {
        let (naddr, netdir) = nettrans(addr)?;
        let ctl = syscall::open(&netdir, ORDWR).map_err(|e| Error(format!("announce opening {netdir}: {e}")))?;
        let r = (|| {
            let cp = netdir.rfind('/').ok_or_else(|| Error(format!("announce arg format {netdir}")))?;
            let dir = &netdir[..cp];
            let mut buf = [0u8; MAXPATH];
            let room = MAXPATH.saturating_sub(dir.len() + 2);
            let m = match syscall::read(ctl, &mut buf[..room]) {
                Ok(0) => Err(Error(format!("announce reading {dir}: {}", syscall::errstr()))),
                Ok(m) => Ok(m),
                Err(e) => Err(Error(format!("announce reading {dir}: {e}"))),
            }?;
            let conv = format!("{dir}/{}", String::from_utf8_lossy(&buf[..m]));
            let msg = format!("announce {naddr}");
            match syscall::write(ctl, msg.as_bytes()) {
                Ok(n) if n == msg.len() => {}
                Ok(_) => return Err(Error(format!("announce writing {dir}: short write"))),
                Err(e) => return Err(Error(format!("announce writing {dir}: {e}"))),
            }
            Ok(cut(&conv, NETPATHLEN - 1))
        })();
        match r {
            Ok(dir) => Ok((ctl, dir)),
            Err(e) => {
                let _ = syscall::close(ctl);
                Err(e)
            }
        }
    }

    pub fn listen(dir: &str) -> Result<(Fd, String)> {
        let lname = format!("{dir}/listen");
        let ctl = syscall::open(&lname, ORDWR).map_err(|e| Error(format!("listen opening {lname}: {e}")))?;
        let r = (|| {
            let d = cut(dir, MAXPATH - 1);
            let cp = d.rfind('/').ok_or_else(|| Error(format!("listen arg format {dir}")))?;
            let prefix = &d[..=cp];
            let mut buf = [0u8; MAXPATH];
            let room = MAXPATH.saturating_sub(prefix.len() + 1);
            let m = match syscall::read(ctl, &mut buf[..room]) {
                Ok(0) => Err(Error(format!("listen reading {dir}/listen: {}", syscall::errstr()))),
                Ok(m) => Ok(m),
                Err(e) => Err(Error(format!("listen reading {dir}/listen: {e}"))),
            }?;
            Ok(cut(&format!("{prefix}{}", String::from_utf8_lossy(&buf[..m])), NETPATHLEN - 1))
        })();
        match r {
            Ok(newdir) => Ok((ctl, newdir)),
            Err(e) => {
                let _ = syscall::close(ctl);
                Err(e)
            }
        }
    }

    /// The conversation number: the last element of `dir`.
    fn num(dir: &str) -> &str {
        dir.rsplit('/').next().unwrap_or(dir)
    }

    pub fn accept(ctl: Fd, dir: &str) -> Result<Fd> {
        // the network might not need accepts: the result is ignored
        let _ = syscall::write(ctl, format!("accept {}", num(dir)).as_bytes());
        syscall::open(&format!("{dir}/data"), ORDWR)
    }

    pub fn reject(ctl: Fd, dir: &str, cause: &str) -> Result<()> {
        let msg = format!("reject {} {cause}", num(dir));
        match syscall::write(ctl, msg.as_bytes()) {
            Ok(n) if n == msg.len() => Ok(()),
            Ok(_) => Err(Error::new("short write")),
            Err(e) => Err(e),
        }
    }

    /// getnetconninfo.c's `getendpoint`: `sys!serv` from `dir/file`, the
    /// last byte (a newline) dropped; `???!???` when unreadable.
    fn endpoint(dir: &str, file: &str) -> String {
        let unknown = || String::from("???!???");
        let Ok(fd) = syscall::open(&format!("{dir}/{file}"), OREAD | OCEXEC) else {
            return unknown();
        };
        let mut buf = [0u8; 128];
        let n = syscall::read(fd, &mut buf[..127]).unwrap_or(0);
        let _ = syscall::close(fd);
        if n == 0 {
            return unknown();
        }
        String::from_utf8_lossy(&buf[..n - 1]).into_owned()
    }

    pub fn addrs(dir: &str) -> Result<(String, String)> {
        Ok((endpoint(dir, "local"), endpoint(dir, "remote")))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn announce_listen_accept_speak_the_ctl_protocol() {
            let top = std::env::temp_dir().join(std::format!("pannounce{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&top);
            let tcp = top.join("tcp");
            std::fs::create_dir_all(tcp.join("3")).unwrap();
            std::fs::create_dir_all(tcp.join("4")).unwrap();
            std::fs::write(tcp.join("clone"), b"3").unwrap();
            std::fs::write(tcp.join("3/listen"), b"4").unwrap();
            std::fs::write(tcp.join("4/data"), b"").unwrap();
            std::fs::write(tcp.join("4/local"), b"10.0.0.2!564\n").unwrap();
            let d = top.to_string_lossy().into_owned();
            // no cs: the address as it is, with NETDIR/tcp/clone
            assert_eq!(nettrans(&std::format!("{d}/tcp!*!564")).unwrap(), ("*!564".into(), std::format!("{d}/tcp/clone")));
            let (ctl, dir) = announce(&std::format!("{d}/tcp!*!564")).unwrap();
            assert_eq!(dir, std::format!("{d}/tcp/3"));
            assert_eq!(std::fs::read(tcp.join("clone")).unwrap(), b"3announce *!564");
            let (lctl, ldir) = listen(&dir).unwrap();
            assert_eq!(ldir, std::format!("{d}/tcp/4"));
            let data = accept(lctl, &ldir).unwrap();
            assert_eq!(std::fs::read(tcp.join("3/listen")).unwrap(), b"4accept 4");
            reject(lctl, &ldir, "busy").unwrap();
            assert_eq!(std::fs::read(tcp.join("3/listen")).unwrap(), b"4accept 4reject 4 busy");
            assert_eq!(addrs(&ldir).unwrap(), ("10.0.0.2!564".into(), "???!???".into()));
            for fd in [data, lctl, ctl] {
                syscall::close(fd).unwrap();
            }
            let e = listen(&std::format!("{d}/tcp/9")).unwrap_err();
            assert!(e.as_str().starts_with(&std::format!("listen opening {d}/tcp/9/listen: ")), "{e}");
            assert_eq!(nettrans("tcp").unwrap_err().as_str(), "bad dial string: tcp");
            assert_eq!(nettrans("/tcp!x").unwrap_err().as_str(), "bad dial string: /tcp!x");
            std::fs::remove_dir_all(&top).unwrap();
        }
    }
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
