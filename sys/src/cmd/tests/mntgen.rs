//! mntgen served on a Unix socket (planten's `-a unix!PATH`), driven by
//! PyPI's python-9p (whose codec is plan9port's C), no one here wrote it.
//! What the client sees must be 9front's mntgen.c and lib9p's srv.c; each
//! assertion names its rule.

use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn mntgen_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_mntgen"))
}

/// A mntgen serving a Unix socket of its own (no port another test's
/// server could have taken), killed when dropped.
struct Mntgen {
    child: Child,
    dir: PathBuf,
    sock: PathBuf,
}

static SERIAL: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl Mntgen {
    fn start() -> Mntgen {
        let n = SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("planten-mntgen-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let sock = dir.join("sock");
        let mut child = Command::new(mntgen_bin())
            .arg("-a")
            .arg(format!("unix!{}", sock.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(st)) = child.try_wait() {
                panic!("mntgen exited: {st}");
            }
            if UnixStream::connect(&sock).is_ok() {
                return Mntgen { child, dir, sock };
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = child.kill();
        panic!("mntgen would not start");
    }
}

impl Drop for Mntgen {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn python(script: &str, sock: &Path) {
    let py = peers::python::venv("python-9p", &["python-9p"]).unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new(py).arg("-c").arg(script).arg(sock).output().unwrap();
    assert!(
        out.status.success(),
        "python-9p script failed:\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

const PRELUDE: &str = r#"
import sys, time, hashlib
from py9p.client import Client, RemoteError
from py9p.constants import OREAD, OWRITE, ORDWR, OEXEC, OTRUNC, ORCLOSE, DMDIR, QTDIR
from py9p.native import decode_dir
sock = sys.argv[1]
def err(f, *a):
    try:
        f(*a)
    except RemoteError as e:
        return str(e)
    raise AssertionError("no error from %r%r" % (f, a))
def eq(a, b):
    assert a == b, "%r != %r" % (a, b)
def h(name):
    # mntgen.c's hash: the first vlong of the MD5 digest, 48 bits of it.
    return int.from_bytes(hashlib.md5(name.encode()).digest()[:8], "little") & ((1 << 48) - 1)
def ls(c, fid):
    c.walk(0, fid, [])
    c.open(fid, OREAD)
    buf = b""
    while True:
        b = c.read(fid, 8000, len(buf))
        if not b: break
        buf += b
    c.clunk(fid)
    ds = []
    while buf:
        n = int.from_bytes(buf[:2], "little") + 2
        ds.append(decode_dir(buf[:n]))
        buf = buf[n:]
    return ds
c = Client.connect_unix(sock, msize=8192)
c.negotiate()
"#;

#[test]
fn walking_makes_transient_directories() {
    let fs = Mntgen::start();
    let script = String::from(PRELUDE)
        + r#"
# fsattach: an attach name is refused; the root is qid (0, 0, QTDIR).
eq(err(lambda: c.attach(9, uname="glenda", aname="spec")), "invalid attach specifier")
root = c.attach(0, uname="glenda")
eq((root.type, root.path, root.vers), (QTDIR, 0, 0))
# dirgen(-1): the root's entry.
d = c.stat(0)
eq((d.name, d.uid, d.gid, d.muid, d.mode, d.length), ("/", "sys", "sys", "", DMDIR | 0o555, 0))
eq((d.qid.type, d.qid.path), (QTDIR, 0))
eq(ls(c, 20), [])
# fswalk1: walking to a name makes it, with the hash as its path.
t0 = int(time.time())
qs = c.walk(0, 1, ["foo"])
eq([(q.type, q.path, q.vers) for q in qs], [(QTDIR, h("foo"), 0)])
d = c.stat(1)
eq((d.name, d.uid, d.gid, d.mode, d.length, d.qid.path), ("foo", "sys", "sys", DMDIR | 0o555, 0, h("foo")))
assert abs(d.mtime - t0) <= 2 and d.atime == d.mtime, d
eq([e.name for e in ls(c, 20)], ["foo"])
# Walking to it again finds the same directory.
eq(c.walk(0, 2, ["foo"])[0].path, h("foo"))
# A child directory holds nothing: only .. leads anywhere.
eq(err(c.walk, 1, 3, ["bar"]), "path not found")
eq(c.walk(1, 3, [".."])[0].path, 0)
c.clunk(3)
eq(c.walk(0, 3, [".."])[0].path, 0)
c.clunk(3)
# Every file is a directory, so srv.c's sopen refuses any mode but OREAD
# (ORCLOSE aside) first; fsopen then refuses anything but plain OREAD.
eq(err(c.open, 1, OWRITE), "is a directory")
eq(err(c.open, 1, ORDWR), "is a directory")
eq(err(c.open, 1, OREAD | OTRUNC), "is a directory")
eq(err(c.open, 1, OREAD | ORCLOSE), "permission denied")
c.open(1, OREAD)
# fsread: a child directory reads empty.
eq(c.read(1, 100, 0), b"")
# fsclunk: the directory goes when the last fid does.
c.clunk(1)
eq([e.name for e in ls(c, 20)], ["foo"])
c.clunk(2)
eq(ls(c, 20), [])
# The table removes by moving the last entry into the hole, so the order
# of the listing follows.
c.walk(0, 4, ["a"]); c.walk(0, 5, ["b"]); c.walk(0, 6, ["c"])
eq([e.name for e in ls(c, 20)], ["a", "b", "c"])
c.clunk(4)
eq([e.name for e in ls(c, 20)], ["c", "b"])
# A clone counts as a reference (fsclone).
c.walk(5, 7, [])
c.clunk(5)
eq(sorted(e.name for e in ls(c, 20)), ["b", "c"])
c.clunk(7)
eq([e.name for e in ls(c, 20)], ["c"])
c.clunk(6)
# A walk that fails after its first name makes nothing lasting: the new
# fid is clunked (srv.c's rwalk), and with it the directory.
qs = c.walk(0, 8, ["x", "y"])
eq(len(qs), 1)
eq(err(c.stat, 8), "unknown fid")
eq(ls(c, 20), [])
# Walking out with .. drops the count without removing the entry, and
# the fid, now at the root, frees nothing: the directory stays.
eq([q.path for q in c.walk(0, 9, ["q", ".."])], [h("q"), 0])
c.clunk(9)
eq([e.name for e in ls(c, 20)], ["q"])
print("ok")
"#;
    python(&script, &fs.sock);
}

// Many names, listed across several reads of the root (dirread9p).
#[test]
fn many_directories_list_across_reads() {
    let fs = Mntgen::start();
    let script = String::from(PRELUDE)
        + r#"
c.attach(0, uname="glenda")
names = ["dir%03d" % i for i in range(300)]
for i, n in enumerate(names):
    c.walk(0, 100 + i, [n])
got = ls(c, 20)
eq([e.name for e in got], names)
eq({e.qid.path for e in got}, {h(n) for n in names})
for i in range(300):
    c.clunk(100 + i)
eq(ls(c, 20), [])
print("ok")
"#;
    python(&script, &fs.sock);
}

// main: more than one argument is the usage message (without "usage:",
// as mntgen.c prints it); without -a, mntgen posts and mounts, which
// Linux cannot do.
#[test]
fn usage_and_mount() {
    let out = Command::new(mntgen_bin()).args(["a", "b"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "mntgen [-s srvname] [mtpt]\n");
    assert_eq!(out.status.code(), Some(1));
    let out = Command::new(mntgen_bin()).arg("-x").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "mntgen [-s srvname] [mtpt]\n");
    let out = Command::new(mntgen_bin()).output().unwrap();
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("mount /n: "), "{e}");
    assert_eq!(out.status.code(), Some(1));
}
