//! The root device `#/`: a port of 9front's `port/devroot.c`.
//!
//! `#/` is the first root of the name space: a read-only tree whose top
//! level holds 9front's fixed directories (`boot`, then the mount points
//! `bin dev env fd mnt n net net.alt proc rc root srv shr` that exist so
//! that bind has something to bind onto) and whatever files the kernel
//! carries in its image. Every file and directory belongs to eve, with
//! the kernel's date as its mtime; directories have mode `DMDIR|0555`.
//! Reads of a file give its bytes; writes are `Egreg`, as in 9front;
//! create, remove and wstat are `Eperm`.
//!
//! What differs from 9front:
//!
//! - 9front's device has two fixed tables, the top level and `/boot`,
//!   that `addbootfile` fills. Here the kernel gives the whole table once
//!   to [`DevRoot::new`]: [`RootFile`]s with a path of any depth
//!   (`bin/rc`, `rc/lib/rcmain`), their bytes as a `&'static` slice (never
//!   copied: a read copies from it into the reader's buffer) and a mode
//!   (0555 for programs, 0444 otherwise); the directories on the way are
//!   made as needed, after the fixed ones. Each directory keeps its
//!   entries in the order they were added, for reads, and sorted by name,
//!   for walks, which look names up by binary search.
//! - A qid path is the file's index in the tree (0 is the root), not
//!   9front's `Qboot`-based numbers.
//! - As in 9front, `open` checks no permissions (9front's `rootopen` uses
//!   `devopen` with no table): a file may be opened for writing, and the
//!   write fails with `Egreg`.

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use libc::fcall::{Qid, DMDIR, QTDIR, QTFILE};

use crate::chan::Chan;
use crate::dev::{
    devattach, devdir, devdirread, devopen, devstat, devwalk, Dev, Dirtab, Gen, Walkqid, DEVDOTDOT,
};
use crate::portdat::Up;
use crate::portfns::Sched;
use crate::{Error, Result};

/// The directories at the top of `#/`, in 9front's order (`rootdir` and
/// `rootreset`).
pub const ROOTDIRS: &[&str] = &[
    "boot", "bin", "dev", "env", "fd", "mnt", "n", "net", "net.alt", "proc", "rc", "root", "srv",
    "shr",
];

/// A file the kernel puts in `#/`.
#[derive(Debug, Clone)]
pub struct RootFile {
    /// Its path from the root, without a leading slash: `bin/rc`.
    pub path: String,
    /// Its contents.
    pub data: &'static [u8],
    /// Its permissions (0555 for programs, 0444 otherwise), or
    /// `DMDIR|0555` for an empty directory.
    pub mode: u32,
}

impl RootFile {
    /// A file at `path` holding `data`, with `mode`.
    pub fn new(path: &str, data: &'static [u8], mode: u32) -> RootFile {
        RootFile {
            path: String::from(path),
            data,
            mode,
        }
    }

    /// An empty directory at `path`.
    pub fn dir(path: &str) -> RootFile {
        RootFile::new(path, &[], DMDIR | 0o555)
    }
}

struct Node {
    name: String,
    parent: u32,
    perm: u32,
    data: &'static [u8],
    /// Children in the order they were added.
    kids: Vec<u32>,
    /// Children sorted by name.
    byname: Vec<u32>,
}

impl Node {
    fn isdir(&self) -> bool {
        self.perm & DMDIR != 0
    }
}

/// The root device, `#/`.
pub struct DevRoot {
    nodes: Vec<Node>,
    bytes: usize,
}

impl DevRoot {
    /// The tree of the fixed directories and `files`. A path that is
    /// empty, has an element `.` or `..`, names a file twice, or goes
    /// through a file is an error.
    pub fn new(files: Vec<RootFile>) -> Result<DevRoot> {
        let mut r = DevRoot {
            nodes: alloc::vec![Node {
                name: String::from("#/"),
                parent: 0,
                perm: DMDIR | 0o555,
                data: &[],
                kids: Vec::new(),
                byname: Vec::new(),
            }],
            bytes: 0,
        };
        for d in ROOTDIRS {
            r.add(0, d, DMDIR | 0o555, &[])?;
        }
        for f in files {
            let elems: Vec<&str> = f.path.split('/').filter(|e| !e.is_empty()).collect();
            let bad = || Error::Msg(alloc::format!("bad root file name: {}", f.path));
            if elems.is_empty() || elems.iter().any(|e| *e == "." || *e == "..") {
                return Err(bad());
            }
            let mut at = 0u32;
            for (i, e) in elems.iter().enumerate() {
                let last = i == elems.len() - 1;
                match r.lookup(at, e) {
                    Some(n) if !last && r.nodes[n as usize].isdir() => at = n,
                    Some(n) if last && f.mode & DMDIR != 0 && r.nodes[n as usize].isdir() => at = n,
                    Some(_) => return Err(bad()),
                    None if last => {
                        let perm = if f.mode & DMDIR != 0 {
                            DMDIR | 0o555
                        } else {
                            f.mode & 0o777
                        };
                        let data = if f.mode & DMDIR != 0 { &[][..] } else { f.data };
                        at = r.add(at, e, perm, data)?;
                        r.bytes += data.len();
                    }
                    None => at = r.add(at, e, DMDIR | 0o555, &[])?,
                }
            }
        }
        Ok(r)
    }

    fn add(&mut self, dir: u32, name: &str, perm: u32, data: &'static [u8]) -> Result<u32> {
        let i = u32::try_from(self.nodes.len()).map_err(|_| Error::Enomem)?;
        let pos = match self.search(dir, name) {
            Ok(_) => return Err(Error::Eexist),
            Err(p) => p,
        };
        self.nodes.push(Node {
            name: String::from(name),
            parent: dir,
            perm,
            data,
            kids: Vec::new(),
            byname: Vec::new(),
        });
        let d = &mut self.nodes[dir as usize];
        d.kids.push(i);
        d.byname.insert(pos, i);
        Ok(i)
    }

    fn search(&self, dir: u32, name: &str) -> core::result::Result<usize, usize> {
        let d = &self.nodes[dir as usize];
        d.byname
            .binary_search_by(|&k| self.nodes[k as usize].name.as_str().cmp(name))
    }

    /// The child `name` of the directory `dir`.
    fn lookup(&self, dir: u32, name: &str) -> Option<u32> {
        let d = &self.nodes[dir as usize];
        self.search(dir, name).ok().map(|p| d.byname[p])
    }

    /// The bytes of the file at `path` (from the root, as in
    /// [`RootFile::path`]), for the kernel's own use (the boot program).
    pub fn data(&self, path: &str) -> Option<&'static [u8]> {
        let mut at = 0;
        for e in path.split('/').filter(|e| !e.is_empty()) {
            at = self.lookup(at, e)?;
        }
        let n = &self.nodes[at as usize];
        (!n.isdir()).then_some(n.data)
    }

    /// How many files and directories the tree has, the root included.
    pub fn nfiles(&self) -> usize {
        self.nodes.len()
    }

    /// The bytes of all the files.
    pub fn size(&self) -> usize {
        self.bytes
    }

    fn node(&self, c_path: u64) -> Option<(u32, &Node)> {
        let i = u32::try_from(c_path).ok()?;
        self.nodes.get(i as usize).map(|n| (i, n))
    }

    fn qid(&self, i: u32) -> Qid {
        let typ = if self.nodes[i as usize].isdir() {
            QTDIR
        } else {
            QTFILE
        };
        Qid {
            path: i as u64,
            vers: 0,
            typ,
        }
    }

    fn entry<S: Sched>(&self, up: &Up<S>, c: &Chan<S>, i: u32) -> Gen {
        let n = &self.nodes[i as usize];
        Gen::Entry(devdir(
            up,
            c,
            self.qid(i),
            &n.name,
            n.data.len() as u64,
            &up.devtab.eve,
            n.perm,
        ))
    }

    /// `rootgen`: a directory's entries (a name is looked up directly);
    /// a file's own entry at index 0.
    fn gen<S: Sched>(&self, up: &Up<S>, c: &Chan<S>, name: Option<&str>, s: i32) -> Result<Gen> {
        let Some((i, n)) = self.node(c.qid.path) else {
            return Ok(Gen::Done);
        };
        if s == DEVDOTDOT {
            let q = self.qid(n.parent);
            return Ok(Gen::Entry(devdir(up, c, q, "#/", 0, &up.devtab.eve, 0o555)));
        }
        if !n.isdir() {
            return Ok(if s == 0 {
                self.entry(up, c, i)
            } else {
                Gen::Done
            });
        }
        if let Some(name) = name {
            return Ok(match self.lookup(i, name) {
                Some(k) => self.entry(up, c, k),
                None => Gen::Done,
            });
        }
        match usize::try_from(s).ok().and_then(|s| n.kids.get(s)) {
            Some(&k) => Ok(self.entry(up, c, k)),
            None => Ok(Gen::Done),
        }
    }
}

impl<S: Sched> Dev<S> for DevRoot {
    fn dc(&self) -> char {
        '/'
    }

    fn name(&self) -> &str {
        "root"
    }

    fn attach(&self, up: &Up<S>, spec: &str) -> Result<Chan<S>> {
        devattach(up, '/', spec)
    }

    fn walk(&self, up: &Up<S>, c: &Chan<S>, names: &[&str]) -> Result<Walkqid<S>> {
        let g =
            |up: &Up<S>, c: &Chan<S>, n: Option<&str>, _: &[Dirtab], i: i32| self.gen(up, c, n, i);
        devwalk(up, c, names, &[], Some(&g))
    }

    fn stat(&self, up: &Up<S>, c: &Chan<S>, db: &mut [u8]) -> Result<usize> {
        let g =
            |up: &Up<S>, c: &Chan<S>, n: Option<&str>, _: &[Dirtab], i: i32| self.gen(up, c, n, i);
        devstat(up, c, db, &[], Some(&g))
    }

    fn open(&self, up: &Up<S>, c: Chan<S>, omode: u32) -> Result<Arc<Chan<S>>> {
        devopen(up, c, omode, &[], None)
    }

    fn close(&self, _c: &mut Chan<S>) {}

    fn read(&self, up: &Up<S>, c: &Chan<S>, buf: &mut [u8], off: i64) -> Result<usize> {
        let Some((_, n)) = self.node(c.qid.path) else {
            return Err(Error::Egreg);
        };
        if n.isdir() {
            let g = |up: &Up<S>, c: &Chan<S>, nm: Option<&str>, _: &[Dirtab], i: i32| {
                self.gen(up, c, nm, i)
            };
            return devdirread(up, c, buf, &[], Some(&g));
        }
        let data = n.data;
        match usize::try_from(off) {
            Ok(off) if off < data.len() => {
                let k = buf.len().min(data.len() - off);
                buf[..k].copy_from_slice(&data[off..off + k]);
                Ok(k)
            }
            _ => Ok(0),
        }
    }

    fn write(&self, _up: &Up<S>, _c: &Chan<S>, _buf: &[u8], _off: i64) -> Result<usize> {
        Err(Error::Egreg)
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use crate::chan::setroot;
    use crate::dev::Devtab;
    use crate::portdat::MREPL;
    use crate::sysfile::*;
    use crate::testdev::*;
    use alloc::boxed::Box;
    use alloc::format;
    use libc::fcall::{Dir, ORDWR, OREAD, OWRITE};

    static RC: &[u8] = b"\x7fELF pretend rc";
    static RCMAIN: &[u8] = b"# rcmain\n";

    fn now() -> u32 {
        1_700_000_000
    }

    /// A kernel of #/ (with the table given), #Y and #Z, and a process
    /// whose root is #/, as 9front's first process has.
    fn rootworld(files: Vec<RootFile>) -> (World, Arc<DevRoot>) {
        let mut w = world();
        let root = Arc::new(DevRoot::new(files).unwrap());
        let devs: Vec<Arc<dyn Dev<H>>> = alloc::vec![root.clone(), w.y.clone(), w.z.clone()];
        let mut dt = Devtab::new(EVE, devs).unwrap();
        dt.kerndate = 1_600_000_000;
        dt.seconds = now;
        let mut up = Up::new(Arc::new(dt), USER);
        setroot(&mut up, "#/").unwrap();
        w.up = up;
        (w, root)
    }

    fn table() -> Vec<RootFile> {
        alloc::vec![
            RootFile::new("bin/rc", RC, 0o555),
            RootFile::new("rc/lib/rcmain", RCMAIN, 0o444),
            RootFile::new("boot/boot", b"boot", 0o555),
            RootFile::dir("tmp"),
        ]
    }

    fn stat(up: &Up<H>, name: &str) -> Dir {
        let mut b = [0u8; 256];
        let n = sysstat(up, name, &mut b).unwrap();
        Dir::decode(&b[..n]).unwrap()
    }

    #[test]
    fn the_top_level_is_9fronts() {
        // devroot.c: "#/" holds boot and the directories rootreset adds,
        // in that order; the kernel's new directories come after.
        let (w, _) = rootworld(table());
        let up = &w.up;
        assert_eq!(
            ls(up, "/"),
            [
                "boot", "bin", "dev", "env", "fd", "mnt", "n", "net", "net.alt", "proc", "rc",
                "root", "srv", "shr", "tmp"
            ]
        );
        assert_eq!(ls(up, "/bin"), ["rc"]);
        assert_eq!(ls(up, "/rc"), ["lib"]);
        assert_eq!(ls(up, "/rc/lib"), ["rcmain"]);
        assert!(ls(up, "/dev").is_empty());
        assert_eq!(ls(up, "/boot"), ["boot"]);
        // namec reads "#/boot" as #/ with the specifier "boot", which
        // rootattach ignores: it is the root.
        assert_eq!(ls(up, "#/boot").len(), 15);
        assert_eq!(ls(up, "#//boot"), ["boot"]);
        // Everything is eve's, dated with the kernel; directories 0555.
        let d = stat(up, "/bin");
        assert_eq!(
            (d.mode, d.length, d.uid.as_str()),
            (DMDIR | 0o555, 0, Some(EVE))
        );
        assert_eq!((d.mtime, d.atime), (1_600_000_000, 1_700_000_000));
        let all = lsn(up, "/", 8192).unwrap();
        assert!(all
            .iter()
            .all(|d| d.uid == EVE && d.gid == EVE && d.typ == '/' as u16));
        assert!(all
            .iter()
            .all(|d| d.mode == DMDIR | 0o555 && d.mtime == 1_600_000_000));
    }

    #[test]
    fn files_read_their_bytes() {
        // rootread: reads at an offset, 0 past the end; the length and
        // mode are the table's.
        let (w, root) = rootworld(table());
        let up = &w.up;
        assert_eq!(cat(up, "/bin/rc").unwrap(), "\x7fELF pretend rc");
        assert_eq!(cat(up, "/rc/lib/rcmain").unwrap(), "# rcmain\n");
        let d = stat(up, "/bin/rc");
        assert_eq!(
            (d.mode, d.length, d.qid.typ),
            (0o555, RC.len() as u64, QTFILE)
        );
        assert_eq!(d.name, "rc");
        assert_eq!(stat(up, "/rc/lib/rcmain").mode, 0o444);
        let fd = sysopen(up, "/bin/rc", OREAD as u32).unwrap() as i32;
        let mut b = [0u8; 4];
        assert_eq!(syspread(up, fd, &mut b, 5).unwrap(), 4);
        assert_eq!(&b, b"pret");
        assert_eq!(syspread(up, fd, &mut b, RC.len() as i64 - 2).unwrap(), 2);
        assert_eq!(&b[..2], b"rc");
        assert_eq!(syspread(up, fd, &mut b, RC.len() as i64).unwrap(), 0);
        assert_eq!(syspread(up, fd, &mut b, 1 << 40).unwrap(), 0);
        // The kernel's data is not copied.
        assert!(core::ptr::eq(root.data("bin/rc").unwrap(), RC));
        assert!(root.data("bin").is_none());
        assert_eq!(root.data("/boot/boot").unwrap(), b"boot");
        assert_eq!(root.nfiles(), 1 + 14 + 1 + 1 + 1 + 1 + 1);
        assert_eq!(root.size(), RC.len() + RCMAIN.len() + 4);
    }

    #[test]
    fn nothing_can_be_changed() {
        // devroot.c: rootwrite is Egreg ("the front fell off"), after an
        // open that checks no permission; create, remove and wstat are
        // dev.c's Eperm; a directory opens only for reading.
        let (w, _) = rootworld(table());
        let up = &w.up;
        let fd = sysopen(up, "/bin/rc", ORDWR as u32).unwrap() as i32;
        assert_eq!(err(syswrite(up, fd, b"x")), "the front fell off");
        assert_eq!(cat(up, "/bin/rc").unwrap(), "\x7fELF pretend rc");
        assert_eq!(
            err(syscreate(up, "/bin/new", OWRITE as u32, 0o666)),
            "permission denied: '/bin/new'"
        );
        assert_eq!(err(sysremove(up, "/bin/rc")), "permission denied");
        let st = libc::nulldir::nulldir().to_bytes().unwrap();
        assert_eq!(err(syswstat(up, "/bin/rc", &st)), "permission denied");
        assert_eq!(
            err(sysopen(up, "/bin", OWRITE as u32)),
            "permission denied: '/bin'"
        );
        assert_eq!(
            err(sysopen(up, "/bin/nope", OREAD as u32)),
            "file does not exist: '/bin/nope'"
        );
        assert_eq!(
            err(sysopen(up, "/bin/rc/x", OREAD as u32)),
            "not a directory: '/bin/rc'"
        );
    }

    #[test]
    fn bind_onto_the_mount_points() {
        // root(3): the names are "place-holders, to allow a place to
        // bind to"; walks by .. go up the tree.
        let (w, _) = rootworld(table());
        let up = &w.up;
        sysbind(up, "#Yroot/a", "/mnt", MREPL).unwrap();
        assert_eq!(ls(up, "/mnt"), ["x", "a1"]);
        assert_eq!(cat(up, "/mnt/x").unwrap(), "a");
        assert_eq!(
            cat(up, "/rc/lib/../../bin/rc").unwrap(),
            "\x7fELF pretend rc"
        );
        let fd = sysopen(up, "#//rc/lib/..", OREAD as u32).unwrap() as i32;
        // chan.c's fixdotdotname cleans the name after the "#/".
        assert_eq!(sysfd2path(up, fd).unwrap(), "#/rc");
        let mut b = [0u8; 512];
        let n = sysread(up, fd, &mut b).unwrap();
        let d = libc::dirread::dirpackage(&b[..n]).unwrap();
        assert_eq!(d[0].name, "lib");
    }

    #[test]
    fn bad_tables_are_refused() {
        // A name twice, a file under a file, "." or "..", an empty path.
        for bad in [
            alloc::vec![
                RootFile::new("bin/rc", RC, 0o555),
                RootFile::new("bin/rc", RC, 0o555)
            ],
            alloc::vec![
                RootFile::new("bin/rc", RC, 0o555),
                RootFile::new("bin/rc/x", RC, 0o555)
            ],
            alloc::vec![RootFile::new("bin", RC, 0o555)],
            alloc::vec![RootFile::new("a/../b", RC, 0o555)],
            alloc::vec![RootFile::new("/", RC, 0o555)],
        ] {
            assert!(DevRoot::new(bad).is_err());
        }
        // A directory named again, or a leading slash, is fine.
        let ok = DevRoot::new(alloc::vec![
            RootFile::dir("bin"),
            RootFile::new("/lib/x", RC, 0o444),
            RootFile::dir("lib")
        ])
        .unwrap();
        assert_eq!(ok.data("lib/x").unwrap(), RC);
    }

    #[test]
    fn a_large_tree_is_cheap_to_walk() {
        // Hundreds of files, 20 MB: walks look names up by binary
        // search, reads copy from the kernel's slices.
        let blob: &'static [u8] = Box::leak(alloc::vec![7u8; 20 << 20].into_boxed_slice());
        let mut files = Vec::new();
        for d in 0..20 {
            for f in 0..25 {
                let k = d * 25 + f;
                let chunk = &blob[k * 40_000..(k + 1) * 40_000];
                files.push(RootFile::new(&format!("lib/d{d:02}/f{f:02}"), chunk, 0o444));
            }
        }
        let (w, root) = rootworld(files);
        let up = &w.up;
        assert_eq!(root.size(), 500 * 40_000);
        assert_eq!(ls(up, "/lib").len(), 20);
        assert_eq!(ls(up, "/lib/d07").len(), 25);
        let t = std::time::Instant::now();
        for d in 0..20 {
            for f in 0..25 {
                let st = stat(up, &format!("/lib/d{d:02}/f{f:02}"));
                assert_eq!(st.length, 40_000);
            }
        }
        assert!(t.elapsed() < std::time::Duration::from_secs(5));
        let last = root.data("lib/d19/f24").unwrap();
        assert!(core::ptr::eq(last.as_ptr(), blob[499 * 40_000..].as_ptr()));
        let fd = sysopen(up, "/lib/d19/f24", OREAD as u32).unwrap() as i32;
        let mut b = alloc::vec![0u8; 50_000];
        assert_eq!(sysread(up, fd, &mut b).unwrap(), 40_000);
    }
}
