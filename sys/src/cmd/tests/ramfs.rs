//! ramfs served on a loopback TCP port (`ramfs -a tcp!127.0.0.1!PORT`),
//! driven by 9P clients that no one here wrote: PyPI's `python-9p`
//! (whose codec is plan9port's C) and `p9fs` (a Python 9P client), each
//! in a private venv, plus hostile raw traffic while a well-behaved client
//! goes on. What the clients must see is 9front's behaviour, from
//! lib9p's srv.c and ramfs.c (each assertion names its rule).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use libc::fcall::*;

fn ramfs_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ramfs"))
}

/// A ramfs serving a loopback port, killed when dropped.
struct Ramfs {
    child: Child,
    port: u16,
}

impl Ramfs {
    fn start() -> Ramfs {
        for _ in 0..20 {
            // A port free a moment ago; retry if someone took it since.
            let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let mut child = Command::new(ramfs_bin())
                .arg("-a")
                .arg(format!("tcp!127.0.0.1!{port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let t0 = Instant::now();
            while t0.elapsed() < Duration::from_secs(5) {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Ramfs { child, port };
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("ramfs would not start");
    }
    fn addr(&self) -> String {
        format!("tcp!127.0.0.1!{}", self.port)
    }
}

impl Drop for Ramfs {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a Python script with the interpreter of the venv `name`; the
/// script gets the port as argv[1] and must exit 0.
fn python(venv: &str, pkg: &str, script: &str, port: u16) {
    let py = peers::python::venv(venv, &[pkg]).unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new(py)
        .arg("-c")
        .arg(script)
        .arg(port.to_string())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{venv} script failed:\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

const PY9P_PRELUDE: &str = r#"
import sys
from py9p.client import Client, RemoteError
from py9p.constants import OREAD, OWRITE, ORDWR, OEXEC, OTRUNC, ORCLOSE, DMDIR, DMAPPEND, DMEXCL, QTDIR, NOFID
from py9p.messages import Dir, Tflush, Rflush, Tread, Rread
port = int(sys.argv[1])
def err(f, *a):
    try:
        f(*a)
    except RemoteError as e:
        return str(e)
    raise AssertionError("no error from %r%r" % (f, a))
def eq(a, b):
    assert a == b, "%r != %r" % (a, b)
"#;

// Version and msize (srv.c's sversion), attach, walks including partial
// ones, create and open in every mode, reads and writes across msize.
#[test]
fn python_9p_session() {
    let fs = Ramfs::start();
    let script = String::from(PY9P_PRELUDE)
        + r#"
c = Client.connect_tcp("127.0.0.1", port, msize=8192)
r = c.negotiate()
eq((r.msize, r.version), (8192, "9P2000"))
# srv.c caps msize at 1MB.
big = Client.connect_tcp("127.0.0.1", port, msize=4 << 20)
eq(big.negotiate().msize, 1 << 20)
big.close()
root = c.attach(0, uname="glenda")
eq(root.type, QTDIR)
eq(root.path, 0)
eq(c.walk(0, 1, []), ())
# Create in each mode; qid paths count up from 1 (file.c).
q, iounit = c.create(1, "d", DMDIR | 0o777, OREAD)
eq(q.type, QTDIR)
eq(err(c.walk, 1, 2, ["x"]), "cannot clone open fid")
c.clunk(1)
c.walk(0, 1, ["d"])
q, _ = c.create(1, "w", 0o666, OWRITE)
eq(c.write(1, b"written"), 7)
eq(err(c.read, 1, 10, 0), "9P protocol botch")
c.clunk(1)
c.walk(0, 1, ["d"])
c.create(1, "rw", 0o644, ORDWR)
c.write(1, b"abc", 0)
eq(c.read(1, 10, 0), b"abc")
c.clunk(1)
# Walks: a partial walk returns the qids found, no error, no new fid.
qs = c.walk(0, 2, ["d", "nope", "x"])
eq(len(qs), 1)
eq(err(c.stat, 2), "unknown fid")
eq(err(c.walk, 0, 2, ["nope"]), "file not found")
eq(len(c.walk(0, 2, ["d", "..", "d", "w"])), 4)
eq(err(c.walk, 2, 3, ["x"]), "walk in non-directory")
# OEXEC needs execute permission; the file was made 0644.
c.walk(0, 3, ["d", "rw"])
eq(err(c.open, 3, OEXEC), "permission denied")
c.open(3, OREAD)
eq(c.read(3, 100, 0), b"abc")
c.clunk(3)
# OTRUNC empties the file (ramfs.c's fsopen).
c.open(2, OWRITE | OTRUNC)
c.clunk(2)
c.walk(0, 2, ["d", "w"])
eq(c.stat(2).length, 0)
c.clunk(2)
# Reads and writes across msize boundaries: 8192 - IOHDRSZ per message.
data = bytes(i % 251 for i in range(100000))
c.walk(0, 2, ["d"])
c.create(2, "big", 0o644, ORDWR)
off = 0
while off < len(data):
    n = c.write(2, data[off:off + 8168], off)
    eq(n, min(8168, len(data) - off))
    off += n
# A read asking for more than the iounit gets the iounit.
eq(len(c.read(2, 60000, 0)), 8168)
got = b""
while True:
    b = c.read(2, 8168, len(got))
    if not b: break
    got += b
eq(got, data)
# Holes read as zeros.
c.write(2, b"end", 300000)
eq(c.read(2, 10, 200000), bytes(10))
eq(c.stat(2).length, 300003)
c.clunk(2)
# Directory reads list what was made, in creation order.
c.walk(0, 4, ["d"])
c.open(4, OREAD)
buf = b""
while True:
    b = c.read(4, 8168, len(buf))
    if not b: break
    buf += b
from py9p.native import decode_dir
names = []
while buf:
    n = int.from_bytes(buf[:2], "little") + 2
    names.append(decode_dir(buf[:n]).name)
    buf = buf[n:]
eq(names, ["w", "rw", "big"])
# A directory read must go on from where the last one stopped.
eq(err(c.read, 4, 100, 5), "bad offset")
c.clunk(4)
print("ok")
"#;
    python("python-9p", "python-9p", &script, fs.port);
}

// stat and wstat (ramfs.c's fswstat), remove, clunk, ORCLOSE, flush and
// the errors for missing files and bad fids.
#[test]
fn python_9p_stat_wstat_remove_flush() {
    let fs = Ramfs::start();
    let script = String::from(PY9P_PRELUDE)
        + r#"
c = Client.connect_tcp("127.0.0.1", port, msize=8192)
c.negotiate()
c.attach(0, uname="glenda")
c.walk(0, 1, [])
c.create(1, "f", 0o664, ORDWR)
c.write(1, b"0123456789")
d = c.stat(1)
eq((d.name, d.uid, d.muid, d.length, d.mode), ("f", "glenda", "glenda", 10, 0o664))
c.clunk(1)
def nulldir(name="", mode=0xffffffff, mtime=0xffffffff, length=0xffffffffffffffff, gid=""):
    # python-9p's Dir cannot hold ~0 lengths: pack the entry by hand.
    import struct
    def s(x):
        b = x.encode()
        return struct.pack("<H", len(b)) + b
    body = struct.pack("<HIBIQIIIQ", 0xffff, 0xffffffff, 0xff, 0xffffffff, 0xffffffffffffffff,
                       mode, 0xffffffff, mtime, length) + s(name) + s("") + s(gid) + s("")
    return struct.pack("<H", len(body)) + body
c.walk(0, 1, ["f"])
# Rename, truncate and chmod as the owner.
c.wstat(1, nulldir(name="g"))
eq(err(c.walk, 0, 2, ["f"]), "file not found")
c.wstat(1, nulldir(length=4))
c.wstat(1, nulldir(mode=0o600, mtime=12345))
d = c.stat(1)
eq((d.name, d.length, d.mode, d.mtime), ("g", 4, 0o600, 12345))
# srv.c's checks before the server's.
eq(err(c.wstat, 1, nulldir(mode=0o1000)), "wstat -- unknown bits in mode")
eq(err(c.wstat, 1, nulldir(mode=DMDIR | 0o777)), "wstat -- attempt to change qid.type")
eq(err(c.wstat, 1, b"\x01\x02"), "bad directory in wstat")
# Another user: not the owner.
o = Client.connect_tcp("127.0.0.1", port, msize=8192)
o.negotiate()
o.attach(0, uname="bob")
o.walk(0, 1, ["g"])
eq(err(o.wstat, 1, nulldir(mode=0o777)), "not owner")
eq(err(o.open, 1, OREAD), "permission denied")
o.close()
# A rename onto an existing name.
c.walk(0, 3, [])
c.create(3, "h", 0o644, OREAD)
c.clunk(3)
eq(err(c.wstat, 1, nulldir(name="h")), "file already exists")
# Remove, and the errors after it.
c.remove(1)
eq(err(c.stat, 1), "unknown fid")
eq(err(c.walk, 0, 1, ["g"]), "file not found")
eq(err(c.clunk, 99), "unknown fid")
eq(err(lambda: c.attach(0, uname="glenda")), "duplicate fid")
# Removing the root is removefile's error.
c.walk(0, 5, [])
eq(err(c.remove, 5), "remove /: cannot remove root")
# ORCLOSE removes the file when the fid is clunked.
c.walk(0, 6, [])
c.create(6, "tmp", 0o644, ORDWR | ORCLOSE)
c.clunk(6)
eq(err(c.walk, 0, 6, ["tmp"]), "file not found")
# Creating what exists.
c.walk(0, 7, [])
eq(err(c.create, 7, "h", 0o644, OREAD), "file already exists")
# Tflush of a tag not outstanding is answered at once.
r = c.rpc(Tflush(oldtag=1234), Rflush)
eq(type(r).__name__, "Rflush")
# An exclusive-use file: a second open while one is open is refused.
c.walk(0, 8, [])
c.create(8, "excl", DMEXCL | 0o666, ORDWR)
c.walk(0, 9, ["excl"])
eq(err(c.open, 9, OREAD), "file is locked")
print("ok")
"#;
    python("python-9p", "python-9p", &script, fs.port);
}

// Two clients on two connections see each other's changes: one tree.
#[test]
fn two_python_9p_clients_share_the_tree() {
    let fs = Ramfs::start();
    let script = String::from(PY9P_PRELUDE)
        + r#"
a = Client.connect_tcp("127.0.0.1", port, msize=8192); a.negotiate(); a.attach(0, uname="glenda")
b = Client.connect_tcp("127.0.0.1", port, msize=8192); b.negotiate(); b.attach(0, uname="glenda")
a.walk(0, 1, [])
a.create(1, "shared", 0o666, ORDWR)
a.write(1, b"from a")
b.walk(0, 1, ["shared"])
b.open(1, ORDWR)
eq(b.read(1, 100, 0), b"from a")
b.write(1, b"B", 0)
eq(a.read(1, 100, 0), b"Brom a")
# Writes change the qid version (lib9p's rwrite and ramfs's accessfile).
v1 = a.stat(1).qid.vers
b.write(1, b"x", 1)
assert a.stat(1).qid.vers > v1
b.clunk(1)
b.walk(0, 2, ["shared"])
b.remove(2)
eq(err(a.walk, 0, 3, ["shared"]), "file not found")
print("ok")
"#;
    python("python-9p", "python-9p", &script, fs.port);
}

// p9fs's client, through its fsspec interface, speaking 9P2000.
#[test]
fn p9fs_client() {
    let fs = Ramfs::start();
    let script = r#"
import sys
import p9fs
port = int(sys.argv[1])
fs = p9fs.P9FileSystem("127.0.0.1", port, "glenda", version="9P2000")
fs.mkdir("dir")
data = bytes(i % 256 for i in range(50000))
with fs.open("dir/file", "wb") as f:
    f.write(data)
assert fs.cat("dir/file") == data
info = fs.info("dir/file")
assert info["size"] == 50000 and info["type"] == "file", info
assert fs.isdir("dir") and not fs.isdir("dir/file")
assert [e.split("/")[-1] for e in fs.ls("dir", detail=False)] == ["file"]
# A second connection sees the first's files.
other = p9fs.P9FileSystem("127.0.0.1", port, "glenda", version="9P2000", skip_instance_cache=True)
assert other.cat("dir/file") == data
with fs.open("dir/small", "wb") as f:
    f.write(b"tiny")
fs.mv("dir/small", "dir/moved")
assert other.cat("dir/moved") == b"tiny"
fs.rm("dir/file")
assert not other.exists("dir/file")
try:
    fs.cat("dir/nope")
    raise AssertionError("no error")
except Exception as e:
    assert type(e).__name__ in ("P9FileNotFound", "FileNotFoundError"), repr(e)
print("ok")
"#;
    python("p9fs", "p9fs", script, fs.port);
}

/// Raw 9P on a socket, for the hostile tests.
struct Raw(TcpStream);

impl Raw {
    fn connect(port: u16) -> Raw {
        let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        Raw(s)
    }
    fn send(&mut self, tag: u16, msg: Msg) {
        self.0.write_all(&Fcall::new(tag, msg).to_bytes().unwrap()).unwrap();
    }
    fn recv(&mut self) -> Option<Fcall> {
        let mut h = [0u8; 4];
        self.0.read_exact(&mut h).ok()?;
        let n = u32::from_le_bytes(h) as usize;
        let mut b = vec![0u8; n];
        b[..4].copy_from_slice(&h);
        self.0.read_exact(&mut b[4..]).ok()?;
        Some(Fcall::decode(&b).unwrap())
    }
    fn rpc(&mut self, tag: u16, msg: Msg) -> Msg {
        self.send(tag, msg);
        let r = self.recv().expect("server hung up");
        assert_eq!(r.tag, tag);
        r.msg
    }
    /// Whether the server has closed the connection.
    fn closed(&mut self) -> bool {
        let mut b = [0u8; 64];
        matches!(self.0.read(&mut b), Ok(0) | Err(_))
    }
}

// Garbage, huge sizes, tag and fid reuse on some connections, while a
// well-behaved client on another goes on being served.
#[test]
fn hostile_traffic_does_not_stop_other_clients() {
    let fs = Ramfs::start();
    let addr = fs.addr();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let st = stop.clone();
    let good = std::thread::spawn(move || {
        let c = lib9pclient::Client::dial(&addr, 8192).unwrap();
        let (root, _) = c.attach(None, "glenda", "").unwrap();
        let (f, _) = c.walk(root, &[]).unwrap();
        c.create(f, "good", 0o644, ORDWR).unwrap();
        let mut n = 0u64;
        while !st.load(std::sync::atomic::Ordering::Relaxed) || n < 100 {
            let data = n.to_le_bytes();
            c.write(f, 0, &data).unwrap();
            assert_eq!(c.read(f, 0, 8).unwrap(), data);
            let (g, _) = c.walk(root, &["good"]).unwrap();
            c.clunk(g).unwrap();
            n += 1;
        }
        n
    });

    // Garbage: not a 9P message (srv.c's getreq fails: connection ends).
    let mut r = Raw::connect(fs.port);
    r.0.write_all(b"GET / HTTP/1.0\r\n\r\n").unwrap();
    assert!(r.closed());
    // A size over msize (read9pmsg: bad length), and a huge one.
    for size in [8192 + 24 + 1, 0xffff_ffffu32, 3] {
        let mut r = Raw::connect(fs.port);
        r.0.write_all(&size.to_le_bytes()).unwrap();
        r.0.write_all(&[Tclunk, 0, 0, 0, 0, 0, 0]).unwrap();
        assert!(r.closed(), "size {size}");
    }
    // A bad message type with a good size.
    let mut r = Raw::connect(fs.port);
    r.0.write_all(&[7, 0, 0, 0, 200, 1, 0]).unwrap();
    assert!(r.closed());
    // Truncated: half a message, then hang up.
    let mut r = Raw::connect(fs.port);
    r.0.write_all(&[100, 0, 0, 0, Tversion]).unwrap();
    drop(r);
    // Fid reuse and tag reuse on a live session get 9front's errors and
    // the session goes on.
    let mut r = Raw::connect(fs.port);
    assert_eq!(
        r.rpc(NOTAG, Msg::Tversion { msize: 8192, version: "9P2000".into() }),
        Msg::Rversion { msize: 8192, version: "9P2000".into() }
    );
    let att = || Msg::Tattach { fid: 0, afid: NOFID, uname: "evil".into(), aname: "".into() };
    assert!(matches!(r.rpc(1, att()), Msg::Rattach { .. }));
    assert_eq!(r.rpc(1, att()), Msg::Rerror { ename: "duplicate fid".into() });
    assert!(matches!(r.rpc(1, Msg::Twalk { fid: 0, newfid: 1, wname: vec![] }), Msg::Rwalk { .. }));
    assert_eq!(r.rpc(1, Msg::Twalk { fid: 0, newfid: 1, wname: vec![] }), Msg::Rerror { ename: "duplicate fid".into() });
    assert_eq!(r.rpc(1, Msg::Tclunk { fid: 1 }), Msg::Rclunk);
    assert_eq!(r.rpc(1, Msg::Tclunk { fid: 1 }), Msg::Rerror { ename: "unknown fid".into() });
    assert_eq!(r.rpc(1, Msg::Rclunk), Msg::Rerror { ename: "unknown message".into() });
    // The same tag many times in one write: each is answered in turn.
    let mut burst = Vec::new();
    for _ in 0..50 {
        burst.extend(Fcall::new(9, Msg::Tstat { fid: 0 }).to_bytes().unwrap());
    }
    r.0.write_all(&burst).unwrap();
    for _ in 0..50 {
        let f = r.recv().unwrap();
        assert_eq!(f.tag, 9);
        assert!(matches!(f.msg, Msg::Rstat { .. }));
    }
    // Many connections opened and dropped mid-session.
    for _ in 0..50 {
        let mut r = Raw::connect(fs.port);
        r.send(NOTAG, Msg::Tversion { msize: 8192, version: "9P2000".into() });
        r.send(1, Msg::Tattach { fid: 0, afid: NOFID, uname: "x".into(), aname: "".into() });
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let n = good.join().unwrap();
    assert!(n >= 100);
    // And the server still serves new clients.
    let c = lib9pclient::Client::dial(&fs.addr(), 8192).unwrap();
    let (root, _) = c.attach(None, "glenda", "").unwrap();
    let (f, _) = c.walk(root, &["good"]).unwrap();
    c.open(f, OREAD).unwrap();
    assert_eq!(c.read(f, 0, 8).unwrap().len(), 8);
}

// ramfs -i serves standard input and output (ramfs.c's stdio mode).
#[test]
fn ramfs_i_serves_standard_input() {
    let mut child = Command::new(ramfs_bin())
        .arg("-i")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut w = child.stdin.take().unwrap();
    let mut rd = child.stdout.take().unwrap();
    w.write_all(&Fcall::new(NOTAG, Msg::Tversion { msize: 8192, version: "9P2000".into() }).to_bytes().unwrap())
        .unwrap();
    let mut h = [0u8; 4];
    rd.read_exact(&mut h).unwrap();
    let n = u32::from_le_bytes(h) as usize;
    let mut b = vec![0u8; n];
    b[..4].copy_from_slice(&h);
    rd.read_exact(&mut b[4..]).unwrap();
    assert_eq!(Fcall::decode(&b).unwrap().msg, Msg::Rversion { msize: 8192, version: "9P2000".into() });
    drop(w);
    let st = child.wait().unwrap();
    assert!(st.success());
}

// Flags: a bad one gets the usage message; without -i or -a ramfs tries
// to mount on /tmp as 9front's does, which Linux cannot.
#[test]
fn ramfs_flags() {
    let out = Command::new(ramfs_bin()).arg("-x").output().unwrap();
    assert!(!out.status.success());
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.starts_with("usage: ") && e.contains("[-m mountpoint] [-S srvname]"), "{e}");
    let out = Command::new(ramfs_bin()).arg("extra").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("usage: "));
    let out = Command::new(ramfs_bin()).output().unwrap();
    assert!(!out.status.success());
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("mount /tmp: "), "{e}");
    let out = Command::new(ramfs_bin()).args(["-a", "tcp!*!nosuchservice"]).output().unwrap();
    assert!(!out.status.success());
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("announce tcp!*!nosuchservice: cs: can't translate service"), "{e}");
}
