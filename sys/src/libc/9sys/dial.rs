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
//!
//! The native backend does what 9front's dial.c does ([`net`]): the
//! connection server `NETDIR/cs` translates `proto!rem` into lines of
//! `clonefile address [local]`; for each line in turn the clone file is
//! opened (its first path element replaced by the network directory, since
//! cs may live in another name space), the conversation number read,
//! `connect address [local]` written to it and the conversation's `data`
//! file opened; without cs the address is used as it is with
//! `NETDIR/proto/clone`. A dial string without a network directory tries
//! `/net`, then `/net.alt` unless the call was interrupted or refused. The
//! error reported is 9front's: the last one that is not "does not exist".
//! [`hangup`] writes `hangup` to the conversation's ctl file (found from
//! the data descriptor's name, since planten's `dial` returns no ctl).

use alloc::string::String;

#[cfg(all(feature = "linux", not(feature = "native")))]
use crate::linux::net as backend;
#[cfg(feature = "native")]
use self::net as backend;
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

/// 9front's dial.c over the files of `/net` (the native backend; built
/// everywhere, and tested on the host with a stand-in network directory).
#[cfg_attr(not(feature = "native"), allow(dead_code))]
pub(crate) mod net {
    use alloc::format;
    use alloc::string::String;

    use crate::syscall::{self, Error, Fd, Result, ORDWR, OWRITE, SEEKSET};

    /// dial.c's Maxstring: a dial string is cut to 127 bytes.
    const MAXSTRING: usize = 128;

    /// A parsed dial string: `[netdir/]proto!rem`.
    #[derive(Debug, PartialEq, Eq)]
    pub struct Ds {
        pub netdir: Option<String>,
        pub proto: String,
        pub rem: String,
    }

    fn cut(s: &str, n: usize) -> &str {
        let mut n = n.min(s.len());
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        &s[..n]
    }

    /// dial.c's `_dial_string_parse`.
    pub fn parse(s: &str) -> Ds {
        let b = cut(s, MAXSTRING - 1);
        let Some(p) = b.find('!') else {
            return Ds { netdir: None, proto: "net".into(), rem: b.into() };
        };
        let mut p2 = 0;
        if b.starts_with('#') {
            p2 = match b.find('/') {
                Some(i) if i < p => i,
                _ => 0,
            };
        }
        let rem = String::from(&b[p + 1..]);
        if b.as_bytes()[p2] != b'/' {
            return Ds { netdir: None, proto: b[..p].into(), rem };
        }
        // the last '/' before the '!' (there is one: b[p2] is a '/')
        let slash = b[..p].rfind('/').unwrap_or(p2);
        Ds { netdir: Some(b[..slash].into()), proto: b[slash + 1..p].into(), rem }
    }

    /// `dial(dest, local)`: the data descriptor and the conversation's
    /// directory.
    pub fn dial(dest: &str, local: Option<&str>) -> Result<(Fd, String)> {
        let ds = parse(dest);
        if let Some(nd) = &ds.netdir {
            return csdial(nd, &ds, local);
        }
        let e1 = match csdial("/net", &ds, local) {
            Ok(r) => return Ok(r),
            Err(e) => e,
        };
        if e1.as_str() == "interrupted" || e1.as_str().contains("refused") {
            return Err(e1);
        }
        match csdial("/net.alt", &ds, local) {
            Ok(r) => Ok(r),
            Err(e2) if e2.as_str().contains("translate") || e2.as_str().contains("does not exist") => Err(e1),
            Err(e2) => Err(e2),
        }
    }

    /// dial.c's `csdial`: ask `netdir/cs`, try each answer.
    fn csdial(netdir: &str, ds: &Ds, local: Option<&str>) -> Result<(Fd, String)> {
        let Ok(fd) = syscall::open(&format!("{netdir}/cs"), ORDWR) else {
            // no connection server: no translation
            return call(netdir, &format!("{netdir}/{}/clone", ds.proto), &ds.rem, local);
        };
        let r = (|| {
            syscall::write(fd, format!("{}!{}", ds.proto, ds.rem).as_bytes())?;
            syscall::seek(fd, 0, SEEKSET)?;
            let mut best: Option<Error> = None;
            let mut buf = [0u8; MAXSTRING - 1];
            loop {
                let n = syscall::read(fd, &mut buf)?;
                if n == 0 {
                    break;
                }
                let line = String::from_utf8_lossy(&buf[..n]).into_owned();
                let Some((clone, rest)) = line.split_once(' ') else {
                    continue;
                };
                let (rem, loc) = match rest.split_once(' ') {
                    Some((r, l)) => (r, Some(l)),
                    None => (rest, None),
                };
                match call(netdir, clone, rem, local.or(loc)) {
                    Ok(r) => return Ok(r),
                    Err(e) if e.as_str() == "interrupted" => return Err(e),
                    // keep the last error that is not "does not exist"
                    Err(e) if e.as_str().contains("does not exist") => {
                        best.get_or_insert(e);
                    }
                    Err(e) => best = Some(e),
                }
            }
            Err(best.unwrap_or_else(|| Error(syscall::errstr())))
        })();
        let _ = syscall::close(fd);
        r
    }

    /// dial.c's `call`: one clone file, one address.
    fn call(netdir: &str, clone: &str, rem: &str, local: Option<&str>) -> Result<(Fd, String)> {
        // cs is in a different name space: replace the mount point
        let p = if clone.starts_with('/') || clone.starts_with('#') {
            match clone[1..].find('/') {
                Some(i) => &clone[i + 2..],
                None => clone,
            }
        } else {
            clone
        };
        let cname = format!("{netdir}/{p}");
        let cfd = syscall::open(&cname, ORDWR)?;
        let r = (|| {
            let mut name = [0u8; 255];
            let n = syscall::read(cfd, &mut name)?;
            let num = crate::strtoul::strtoul(name[..n].trim_ascii_start(), 0).0 as i32;
            let cdir = &cname[..cname.rfind('/').unwrap_or(0)];
            let dir = format!("{cdir}/{num}");
            let msg = match local {
                Some(l) => format!("connect {rem} {l}"),
                None => format!("connect {rem}"),
            };
            syscall::write(cfd, msg.as_bytes())?;
            let fd = syscall::open(&format!("{dir}/data"), ORDWR)?;
            Ok((fd, dir))
        })();
        let _ = syscall::close(cfd);
        r
    }

    /// `hangup`: `hangup` written to the conversation's ctl file.
    pub fn hangup(fd: Fd) -> Result<()> {
        let path = syscall::fd2path(fd)?;
        let ctl = match path.strip_suffix("/data") {
            Some(dir) => syscall::open(&format!("{dir}/ctl"), OWRITE)?,
            None if path.ends_with("/ctl") => fd,
            None => return Err(Error(format!("hangup: not a network connection: {path}"))),
        };
        let r = syscall::write(ctl, b"hangup");
        if ctl != fd {
            let _ = syscall::close(ctl);
        }
        match r {
            Ok(6) => Ok(()),
            Ok(_) => Err(Error::new("short write")),
            Err(e) => Err(e),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use std::string::ToString;

        #[test]
        fn dial_strings_parse_as_9fronts() {
            let ds = |n: Option<&str>, p: &str, r: &str| Ds { netdir: n.map(|s| s.to_string()), proto: p.into(), rem: r.into() };
            assert_eq!(parse("tcp!host!564"), ds(None, "tcp", "host!564"));
            assert_eq!(parse("host"), ds(None, "net", "host"));
            assert_eq!(parse("/net.alt/tcp!h!9fs"), ds(Some("/net.alt"), "tcp", "h!9fs"));
            assert_eq!(parse("#I1/tcp!h!80"), ds(Some("#I1"), "tcp", "h!80"));
            // a '/' after the '!' is part of the address
            assert_eq!(parse("unix!/tmp/s"), ds(None, "unix", "/tmp/s"));
            assert_eq!(parse("#Ix!y/z"), ds(None, "#Ix", "y/z"));
            assert_eq!(parse(&"a".repeat(200)).rem.len(), 127);
        }

        #[test]
        fn call_speaks_the_clone_file_protocol() {
            // Without cs, dial opens NETDIR/proto/clone, reads the number,
            // writes "connect ADDR" and opens the data file. As in 9front,
            // the clone path's first element is replaced by NETDIR, so a
            // stand-in directory D is reached as D/<last element of D>.
            let top = std::env::temp_dir().join(std::format!("pdial{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&top);
            let leaf = top.file_name().unwrap().to_string_lossy().into_owned();
            let net = top.join(&leaf).join("tcp");
            std::fs::create_dir_all(net.join("7")).unwrap();
            std::fs::write(net.join("clone"), b"  7").unwrap();
            std::fs::write(net.join("7/data"), b"").unwrap();
            let d = top.to_string_lossy().into_owned();
            let (fd, dir) = dial(&std::format!("{d}/tcp!10.0.0.1!564"), None).unwrap();
            syscall::close(fd).unwrap();
            assert_eq!(dir, std::format!("{d}/{leaf}/tcp/7"));
            // the connect message followed the number on the clone file
            assert_eq!(std::fs::read(net.join("clone")).unwrap(), b"  7connect 10.0.0.1!564");
            // a local address goes after the remote one
            std::fs::write(net.join("clone"), b"7").unwrap();
            let (fd, _) = dial(&std::format!("{d}/tcp!h!1"), Some("1.2.3.4!9")).unwrap();
            syscall::close(fd).unwrap();
            assert_eq!(std::fs::read(net.join("clone")).unwrap(), b"7connect h!1 1.2.3.4!9");
            // no such protocol: the open's error
            let e = dial(&std::format!("{d}/udp!h!1"), None).unwrap_err();
            assert!(e.as_str().contains("does not exist"), "{e}");
            std::fs::remove_dir_all(&top).unwrap();
        }

        #[test]
        fn hangup_writes_hangup_to_the_conversations_ctl() {
            // hangup.c: write(ctl, "hangup", 6); planten's dial returns the
            // data descriptor, so the ctl beside it is used.
            let top = std::env::temp_dir().join(std::format!("phangup{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&top);
            let conv = top.join("tcp/7");
            std::fs::create_dir_all(&conv).unwrap();
            std::fs::write(conv.join("ctl"), b"").unwrap();
            std::fs::write(conv.join("data"), b"").unwrap();
            let data = syscall::open(&conv.join("data").to_string_lossy(), ORDWR).unwrap();
            hangup(data).unwrap();
            assert_eq!(std::fs::read(conv.join("ctl")).unwrap(), b"hangup");
            syscall::close(data).unwrap();
            let other = syscall::open(&top.to_string_lossy(), crate::syscall::OREAD).unwrap();
            assert!(hangup(other).unwrap_err().as_str().starts_with("hangup: not a network connection"));
            syscall::close(other).unwrap();
            std::fs::remove_dir_all(&top).unwrap();
        }
    }
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
