//! Networking for the Linux backend: what 9front gets from `/net` (the
//! `clone`, `ctl`, `data` and `listen` files of devip) and `ndb/cs`, done
//! with Linux sockets so that `announce`, `listen`, `accept`, `reject` and
//! `dial` (`9sys/announce.rs`, `9sys/dial.rs`) keep 9front's interface.
//!
//! Not a 9front file. Linux has no `/net`, so this backend emulates the
//! little of the ctl-file protocol that callers see:
//!
//! - a *connection directory* is a string `/net/PROTO/N`, where `N` is the
//!   number of the descriptor that stands for the conversation's `ctl`
//!   file: for an announcement, the listening socket; for a call, the
//!   connected socket. `PROTO` is `tcp` or `unix`;
//! - `announce` returns the listening socket as its "ctl" and the
//!   directory naming it; closing that descriptor ends the announcement, as
//!   closing an announced ctl file does in 9front;
//! - `listen` waits for a call on the announcement named by a directory
//!   and returns the connected socket as the call's "ctl", with the call's
//!   directory; `accept` returns a new descriptor for the call's `data`
//!   (a duplicate of the socket, so closing the ctl afterwards, as 9front
//!   programs do, leaves the data open); `reject` shuts the call down;
//! - `dial` connects and returns the data descriptor; when asked for a
//!   ctl descriptor it gets a duplicate of the socket.
//!
//! Dial strings are 9front's `[/net/]proto!host!service`. The networks are
//! `tcp` (and `net`, which means tcp here), and planten's addition for
//! Linux, `unix!PATH`, a Unix-domain stream socket at PATH. Hosts are names
//! or addresses, `*` (announce on every address) or an IPv6 literal;
//! services are port numbers or a few well-known names (`9fs` is 564).
//! TCP connections have Nagle's algorithm off, as 9front's devip sends
//! each write at once.

use std::format;
use std::mem::ManuallyDrop;
use std::net::{TcpListener, TcpStream, ToSocketAddrs};
use std::os::fd::{FromRawFd, IntoRawFd};
use std::os::unix::net::{UnixListener, UnixStream};
use std::string::{String, ToString};
use std::sync::atomic::{AtomicU64, Ordering};
use std::vec::Vec;

use crate::syscall::{Error, Fd, Result};

/// Descriptors of network conversations (below 65536), whose writes
/// must not raise SIGPIPE: on 9front writing to a hung-up conversation
/// is the error "i/o on hungup channel", not a note.
static CONNS: [AtomicU64; 1024] = [const { AtomicU64::new(0) }; 1024];

fn bit(fd: Fd) -> Option<(usize, u64)> {
    let n = usize::try_from(fd.0).ok()?;
    (n < 1024 * 64).then(|| (n / 64, 1u64 << (n % 64)))
}

fn mark(fd: Fd) {
    if let Some((i, b)) = bit(fd) {
        CONNS[i].fetch_or(b, Ordering::Relaxed);
    }
}

/// Whether `fd` is a network conversation.
pub fn isconn(fd: Fd) -> bool {
    bit(fd).is_some_and(|(i, b)| CONNS[i].load(Ordering::Relaxed) & b != 0)
}

/// The descriptor was closed.
pub fn closed(fd: Fd) {
    if let Some((i, b)) = bit(fd) {
        CONNS[i].fetch_and(!b, Ordering::Relaxed);
    }
}

/// `new` is a duplicate of `old`.
pub fn duped(old: Fd, new: Fd) {
    if isconn(old) {
        mark(new);
    } else {
        closed(new);
    }
}

/// A write on a conversation: an error, never SIGPIPE, when the other
/// end is gone.
pub fn send(fd: Fd, buf: &[u8]) -> Result<usize> {
    // SAFETY: `buf` is valid for reads of `buf.len()` bytes.
    let n = unsafe { lx::send(fd.0, buf.as_ptr().cast(), buf.len(), lx::MSG_NOSIGNAL) };
    if n < 0 {
        return Err(super::oserr());
    }
    Ok(n as usize)
}

/// The well-known services 9front's `/lib/ndb/common` names, as far as
/// planten's programs use them.
const SERVICES: &[(&str, u16)] = &[
    ("9fs", 564),
    ("9pfs", 564),
    ("styx", 564),
    ("echo", 7),
    ("discard", 9),
    ("ftp", 21),
    ("ssh", 22),
    ("telnet", 23),
    ("smtp", 25),
    ("http", 80),
    ("https", 443),
    ("exportfs", 17007),
    ("rexexec", 17009),
    ("ncpu", 17010),
    ("cpu", 17013),
    ("venti", 17034),
    ("rcpu", 17019),
];

fn ioerr(e: &std::io::Error) -> Error {
    use std::io::ErrorKind as K;
    let t = match e.kind() {
        K::ConnectionRefused => "connection refused",
        K::AddrInUse => "address in use",
        K::TimedOut => "connection timed out",
        K::NotFound => "file does not exist",
        K::PermissionDenied => "permission denied",
        K::AddrNotAvailable => "address not available",
        K::ConnectionReset => "connection reset by peer",
        _ => {
            if let Some(t) = e.raw_os_error().and_then(super::errtext) {
                t
            } else {
                return Error(e.to_string().to_lowercase());
            }
        }
    };
    Error::new(t)
}

/// A parsed dial string.
struct Addr {
    proto: Proto,
    /// The host (or, for unix, the path).
    host: String,
    /// The service, if given.
    serv: Option<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Proto {
    Tcp,
    Unix,
}

impl Proto {
    fn name(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Unix => "unix",
        }
    }
}

/// Splits `[/net/]proto!host[!service]` as 9front's `_dial_string_parse`
/// does, dropping a network directory.
fn parse(addr: &str) -> Result<Addr> {
    let bad = || Error(format!("bad dial string: {addr}"));
    let (proto, rest) = match addr.find('!') {
        // Without a '!' the whole string is a host on network `net`.
        None => ("net", addr),
        Some(i) => {
            let p = &addr[..i];
            // A network directory (`/net/tcp`, `/net.alt/tcp`) is dropped.
            let p = match p.rfind('/') {
                Some(j) => &p[j + 1..],
                None => p,
            };
            (p, &addr[i + 1..])
        }
    };
    let proto = match proto {
        "tcp" | "net" | "il" => Proto::Tcp,
        "unix" => Proto::Unix,
        "" => return Err(bad()),
        p => return Err(Error(format!("network {p} not available on Linux"))),
    };
    if proto == Proto::Unix {
        if rest.is_empty() {
            return Err(bad());
        }
        // A service after the path (netmkaddr adds one) is ignored.
        let path = rest.split('!').next().unwrap_or(rest);
        return Ok(Addr { proto, host: path.to_string(), serv: None });
    }
    let (host, serv) = match rest.find('!') {
        Some(i) => (&rest[..i], Some(rest[i + 1..].to_string())),
        None => (rest, None),
    };
    if host.is_empty() {
        return Err(bad());
    }
    Ok(Addr { proto, host: host.to_string(), serv })
}

/// The port of a service name or number, as `ndb/cs` translates it.
fn port(serv: Option<&str>) -> Result<u16> {
    let s = serv.ok_or_else(|| Error::new("cs: can't translate service"))?;
    // A trailing `!extra` (9front's `tcp!h!s!r` options) is ignored.
    let s = s.split('!').next().unwrap_or(s);
    if let Ok(n) = s.parse::<u16>() {
        return Ok(n);
    }
    SERVICES
        .iter()
        .find(|(n, _)| *n == s)
        .map(|(_, p)| *p)
        .ok_or_else(|| Error::new("cs: can't translate service"))
}

fn hostport(host: &str, port: u16) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

fn nodelay(fd: i32) {
    let one: lx::c_int = 1;
    // SAFETY: `one` is a valid c_int for the duration of the call; the
    // result is ignored (a unix socket refuses the option harmlessly).
    unsafe {
        lx::setsockopt(
            fd,
            lx::IPPROTO_TCP,
            lx::TCP_NODELAY,
            (&one as *const lx::c_int).cast(),
            core::mem::size_of::<lx::c_int>() as lx::socklen_t,
        );
    }
}

fn dirname(p: Proto, fd: i32) -> String {
    format!("/net/{}/{}", p.name(), fd)
}

/// Reads a connection directory back: its protocol and descriptor.
fn parsedir(dir: &str) -> Result<(Proto, i32)> {
    let bad = || Error(format!("listen arg format {dir}"));
    let mut it = dir.rsplitn(3, '/');
    let n = it.next().ok_or_else(bad)?;
    let p = it.next().ok_or_else(bad)?;
    let fd: i32 = n.parse().map_err(|_| bad())?;
    let p = match p {
        "tcp" => Proto::Tcp,
        "unix" => Proto::Unix,
        _ => return Err(bad()),
    };
    Ok((p, fd))
}

/// `announce`: a listening socket for `addr`, and its directory.
pub fn announce(addr: &str) -> Result<(Fd, String)> {
    let a = parse(addr)?;
    let fd = match a.proto {
        Proto::Tcp => {
            let port = port(a.serv.as_deref())?;
            let host = if a.host == "*" { "0.0.0.0" } else { a.host.as_str() };
            let l = TcpListener::bind(hostport(host, port)).map_err(|e| ioerr(&e))?;
            l.into_raw_fd()
        }
        Proto::Unix => {
            let l = UnixListener::bind(&a.host).map_err(|e| ioerr(&e))?;
            l.into_raw_fd()
        }
    };
    Ok((Fd(fd), dirname(a.proto, fd)))
}

/// `listen`: waits for a call on the announcement `dir`; returns the
/// call's socket (its "ctl") and directory.
pub fn listen(dir: &str) -> Result<(Fd, String)> {
    let (p, lfd) = parsedir(dir)?;
    let fd = match p {
        Proto::Tcp => {
            // SAFETY: `lfd` is the listening socket the caller announced
            // and still owns; ManuallyDrop keeps this view from closing it.
            let l = ManuallyDrop::new(unsafe { TcpListener::from_raw_fd(lfd) });
            let (s, _) = l.accept().map_err(|e| ioerr(&e))?;
            let fd = s.into_raw_fd();
            nodelay(fd);
            fd
        }
        Proto::Unix => {
            // SAFETY: as above.
            let l = ManuallyDrop::new(unsafe { UnixListener::from_raw_fd(lfd) });
            let (s, _) = l.accept().map_err(|e| ioerr(&e))?;
            s.into_raw_fd()
        }
    };
    mark(Fd(fd));
    Ok((Fd(fd), dirname(p, fd)))
}

/// `accept`: the data descriptor of the call whose ctl is `ctl`.
pub fn accept(ctl: Fd, _dir: &str) -> Result<Fd> {
    super::dup(ctl, None)
}

/// `reject`: refuses the call; the peer sees the connection close.
pub fn reject(ctl: Fd, _dir: &str, _cause: &str) -> Result<()> {
    // SAFETY: shutdown on a descriptor number touches no memory of ours.
    if unsafe { lx::shutdown(ctl.0, lx::SHUT_RDWR) } < 0 {
        return Err(super::oserr());
    }
    Ok(())
}

/// `dial`: connects to `dest`; returns the data descriptor and the
/// connection's directory.
pub fn dial(dest: &str, _local: Option<&str>) -> Result<(Fd, String)> {
    let a = parse(dest)?;
    match a.proto {
        Proto::Tcp => {
            let port = port(a.serv.as_deref())?;
            let addrs: Vec<_> = hostport(&a.host, port)
                .to_socket_addrs()
                .map_err(|_| Error::new("cs: can't translate address"))?
                .collect();
            if addrs.is_empty() {
                return Err(Error::new("cs: can't translate address"));
            }
            // Try each address, as dial tries each line cs returns, and
            // keep the last error.
            let mut err = Error::new("cs: can't translate address");
            for sa in addrs {
                match TcpStream::connect(sa) {
                    Ok(s) => {
                        let fd = s.into_raw_fd();
                        nodelay(fd);
                        mark(Fd(fd));
                        return Ok((Fd(fd), dirname(Proto::Tcp, fd)));
                    }
                    Err(e) => err = ioerr(&e),
                }
            }
            Err(err)
        }
        Proto::Unix => {
            let s = UnixStream::connect(&a.host).map_err(|e| ioerr(&e))?;
            let fd = s.into_raw_fd();
            mark(Fd(fd));
            Ok((Fd(fd), dirname(Proto::Unix, fd)))
        }
    }
}

/// Shuts a connection down in both directions, so that a proc blocked
/// reading it returns (`hangup` on a 9front conversation's ctl).
pub fn hangup(fd: Fd) -> Result<()> {
    // SAFETY: shutdown on a descriptor number touches no memory of ours.
    if unsafe { lx::shutdown(fd.0, lx::SHUT_RDWR) } < 0 {
        return Err(super::oserr());
    }
    Ok(())
}

/// The local and remote addresses of a connection, as 9front's
/// `/net/tcp/N/local` and `remote` files give them (`ip!port`).
pub fn addrs(dir: &str) -> Result<(String, String)> {
    let (_, fd) = parsedir(dir)?;
    let fd = Fd(fd);
    // SAFETY: the stream view borrows the caller's descriptor and does not
    // close it.
    let s = ManuallyDrop::new(unsafe { TcpStream::from_raw_fd(fd.0) });
    let f = |a: std::net::SocketAddr| format!("{}!{}", a.ip(), a.port());
    match (s.local_addr(), s.peer_addr()) {
        (Ok(l), Ok(r)) => Ok((f(l), f(r))),
        (Ok(l), Err(_)) => Ok((f(l), String::from("::!0"))),
        (Err(e), _) => Err(ioerr(&e)),
    }
}
