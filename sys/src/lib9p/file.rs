//! File trees: a port of 9front's `sys/src/lib9p/file.c` (see 9pfile(2)).
//!
//! A [`Tree`] is a hierarchy of [`File`]s that lib9p serves by itself:
//! walks, directory reads, stat and remove need no handler. Files are
//! made with [`createfile`], found with [`walkfile`], taken out with
//! [`removefile`]; a directory's entries are read through a [`Readdir`]
//! from [`opendirfile`]. Every file has a qid path of its own, given out
//! in creation order from the tree's generator (the root's is 0).
//!
//! What differs from 9front:
//!
//! - files are `Arc<File>`; a file's metadata (its `Dir`), its children
//!   and the server's `aux` data sit behind a reader-writer spin lock
//!   ([`File::read`], [`File::write`]) where 9front has an RWLock; the
//!   lock order is 9front's: child before parent;
//! - the parent link is an enum: the root is its own parent, a removed
//!   file has none;
//! - `closefile` is dropping the `Arc`; the tree's `destroy` hook runs when
//!   the last reference to a file goes, as 9front's does;
//! - 9front recycles `File` structures through a free list; planten
//!   allocates and frees them.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::any::Any;
use core::sync::atomic::{AtomicU64, Ordering};

use libc::fcall::{Dir, Qid, WireStr, DMAPPEND, DMDIR, DMEXCL, QTAPPEND, QTDIR, QTEXCL};

/// What `destroy` is given: the file being freed.
pub type Destroy = Box<dyn Fn(&mut FileState) + Send + Sync>;

struct TreeShared {
    qidgen: AtomicU64,
    destroy: Option<Destroy>,
}

/// A file tree.
pub struct Tree {
    pub root: Arc<File>,
    #[allow(dead_code)]
    shared: Arc<TreeShared>,
}

/// Where a file hangs.
#[derive(Clone)]
pub enum Parent {
    /// The tree's root, its own parent.
    Root,
    Dir(Arc<File>),
    /// Removed from the tree.
    Removed,
}

/// A file's state, behind its lock.
pub struct FileState {
    /// The directory entry: qid, mode, times, length and names.
    pub dir: Dir,
    /// The server's data for the file.
    pub aux: Option<Box<dyn Any + Send + Sync>>,
    parent: Parent,
    /// The entries, in creation order; removed ones leave a hole while
    /// the directory is being read.
    children: Vec<Option<Arc<File>>>,
    nchild: usize,
    nxchild: usize,
    readers: usize,
}

impl FileState {
    pub fn parent(&self) -> &Parent {
        &self.parent
    }
    /// How many files the directory holds.
    pub fn nchild(&self) -> usize {
        self.nchild
    }
}

/// A file of a tree.
pub struct File {
    st: spin::RwLock<FileState>,
    tree: Arc<TreeShared>,
}

impl File {
    /// Takes the file's lock for reading (9front's `rlock(f)`).
    pub fn read(&self) -> spin::RwLockReadGuard<'_, FileState> {
        self.st.read()
    }
    /// Takes the file's lock for writing (`wlock(f)`).
    pub fn write(&self) -> spin::RwLockWriteGuard<'_, FileState> {
        self.st.write()
    }
    pub fn qid(&self) -> Qid {
        self.read().dir.qid
    }
    pub fn is_dir(&self) -> bool {
        self.read().dir.mode & DMDIR != 0
    }
    /// The file's directory entry (for stat).
    pub fn dir(&self) -> Dir {
        self.read().dir.clone()
    }
    /// The directory the file is in: the root's is the root; `None` once
    /// it is removed.
    pub fn parent(self: &Arc<File>) -> Option<Arc<File>> {
        match &self.read().parent {
            Parent::Root => Some(self.clone()),
            Parent::Dir(p) => Some(p.clone()),
            Parent::Removed => None,
        }
    }
}

impl Drop for File {
    fn drop(&mut self) {
        if let Some(d) = &self.tree.destroy {
            d(self.st.get_mut());
        }
    }
}

/// The user lib9p names a tree's owner after when none is given
/// (9front's `getuser()`): `$user`, else `$USER` on Linux, else `none`.
pub fn getuser() -> String {
    for v in ["user", "USER"] {
        if let Some(u) = libc::syscall::getenv(v) {
            let u: Vec<u8> = u.into_iter().take_while(|&b| b != 0).collect();
            if !u.is_empty() {
                return String::from_utf8_lossy(&u).into_owned();
            }
        }
    }
    String::from("none")
}

impl Tree {
    /// `alloctree`: a tree whose root, `/`, belongs to `uid` (default:
    /// the user running the server) and group `gid` (default: `uid`), with
    /// permissions `mode`; `destroy` is called for each file freed.
    pub fn new(uid: Option<&str>, gid: Option<&str>, mode: u32, destroy: Option<Destroy>) -> Tree {
        let uid = uid.map(String::from).unwrap_or_else(getuser);
        let gid = gid.map(String::from).unwrap_or_else(|| uid.clone());
        let t = crate::now();
        let shared = Arc::new(TreeShared { qidgen: AtomicU64::new(1), destroy });
        let dir = Dir {
            qid: Qid { path: 0, vers: 0, typ: QTDIR },
            mode: DMDIR | mode,
            atime: t,
            mtime: t,
            length: 0,
            name: "/".into(),
            uid: uid.clone().into(),
            gid: gid.into(),
            muid: uid.into(),
            ..Dir::default()
        };
        let root = Arc::new(File {
            st: spin::RwLock::new(FileState {
                dir,
                aux: None,
                parent: Parent::Root,
                children: Vec::new(),
                nchild: 0,
                nxchild: 0,
                readers: 0,
            }),
            tree: shared.clone(),
        });
        Tree { root, shared }
    }
}

/// Drops the holes left by removed files, when no one reads the directory.
fn cleanfilelist(st: &mut FileState) {
    if st.readers != 0 || st.nxchild == 0 {
        return;
    }
    st.children.retain(|c| c.is_some());
    st.nxchild = 0;
}

/// `createfile`: makes `name` in the directory `fp`, owned by `uid`
/// (default: the directory's owner), with permissions `perm`.
pub fn createfile(
    fp: &Arc<File>,
    name: &[u8],
    uid: Option<&str>,
    perm: u32,
    aux: Option<Box<dyn Any + Send + Sync>>,
) -> Result<Arc<File>, String> {
    let mut ps = fp.write();
    if ps.dir.qid.typ & QTDIR == 0 {
        return Err("create in non-directory".into());
    }
    if let Parent::Removed = ps.parent {
        return Err("create in deleted directory".into());
    }
    if ps.children.iter().flatten().any(|c| c.read().dir.name.as_bytes() == name) {
        return Err("file already exists".into());
    }
    let mut qid = Qid { path: fp.tree.qidgen.fetch_add(1, Ordering::Relaxed), vers: 0, typ: 0 };
    if perm & DMDIR != 0 {
        qid.typ |= QTDIR;
    }
    if perm & DMAPPEND != 0 {
        qid.typ |= QTAPPEND;
    }
    if perm & DMEXCL != 0 {
        qid.typ |= QTEXCL;
    }
    let t = crate::now();
    let owner: WireStr = match uid {
        Some(u) => u.into(),
        None => ps.dir.uid.clone(),
    };
    let dir = Dir {
        qid,
        mode: perm,
        atime: t,
        mtime: t,
        length: 0,
        name: name.into(),
        uid: owner,
        gid: ps.dir.gid.clone(),
        muid: uid.unwrap_or("unknown").into(),
        ..Dir::default()
    };
    let f = Arc::new(File {
        st: spin::RwLock::new(FileState {
            dir,
            aux,
            parent: Parent::Dir(fp.clone()),
            children: Vec::new(),
            nchild: 0,
            nxchild: 0,
            readers: 0,
        }),
        tree: fp.tree.clone(),
    });
    ps.children.push(Some(f.clone()));
    ps.nchild += 1;
    Ok(f)
}

/// `removefile`: takes `f` out of its directory. Errors are 9front's:
/// "cannot remove root", "no parent", "has children".
pub fn removefile(f: &Arc<File>) -> Result<(), String> {
    let fp = match &f.read().parent {
        Parent::Root => return Err("cannot remove root".into()),
        Parent::Removed => return Err("no parent".into()),
        Parent::Dir(p) => p.clone(),
    };
    // Child, then parent.
    let mut fs = f.write();
    let mut ps = fp.write();
    if fs.nchild != 0 {
        return Err("has children".into());
    }
    match &fs.parent {
        Parent::Dir(p) if Arc::ptr_eq(p, &fp) => {}
        _ => return Err("parent changed underfoot".into()),
    }
    let slot = ps
        .children
        .iter_mut()
        .find(|c| matches!(c, Some(c) if Arc::ptr_eq(c, f)))
        .expect("a file is in its parent's list");
    *slot = None;
    ps.nchild -= 1;
    ps.nxchild += 1;
    fs.parent = Parent::Removed;
    drop(fs);
    cleanfilelist(&mut ps);
    Ok(())
}

/// One step of a walk: `..` is the parent (the root's is the root).
fn walkfile1(dir: &Arc<File>, elem: &[u8]) -> Option<Arc<File>> {
    let st = dir.read();
    if elem == b".." {
        return match &st.parent {
            Parent::Root => Some(dir.clone()),
            Parent::Dir(p) => Some(p.clone()),
            Parent::Removed => None,
        };
    }
    st.children.iter().flatten().find(|c| c.read().dir.name.as_bytes() == elem).cloned()
}

/// `walkfile`: walks from `f` along `path`, whose elements are separated
/// by `/` as in 9front.
pub fn walkfile(f: &Arc<File>, path: &[u8]) -> Option<Arc<File>> {
    if !path.contains(&b'/') {
        return walkfile1(f, path);
    }
    // As 9front: each element up to a `/`; an empty one (from `//`) finds
    // nothing, a trailing `/` ends the walk.
    let mut f = f.clone();
    let mut s = path;
    while !s.is_empty() {
        let (elem, rest) = match s.iter().position(|&b| b == b'/') {
            Some(i) => (&s[..i], &s[i + 1..]),
            None => (s, &s[s.len()..]),
        };
        f = walkfile1(&f, elem)?;
        s = rest;
    }
    Some(f)
}

/// A directory being read (9front's `Readdir`).
pub struct Readdir {
    dir: Arc<File>,
    pos: usize,
}

/// `opendirfile`: starts reading the directory `dir`; `None` if it is
/// not one.
pub fn opendirfile(dir: &Arc<File>) -> Option<Readdir> {
    let mut st = dir.write();
    if st.dir.mode & DMDIR == 0 {
        return None;
    }
    st.readers += 1;
    Some(Readdir { dir: dir.clone(), pos: 0 })
}

impl Readdir {
    /// `readdirfile`: up to `n` bytes of directory entries; offset 0
    /// starts again from the first entry, any other goes on from where
    /// the last read stopped.
    pub fn read(&mut self, n: usize, off: u64) -> Vec<u8> {
        if off == 0 {
            self.pos = 0;
        }
        let st = self.dir.read();
        let mut out = Vec::new();
        while self.pos < st.children.len() {
            if let Some(c) = &st.children[self.pos] {
                let d = c.read().dir.to_bytes();
                match d {
                    Ok(b) if out.len() + b.len() <= n => out.extend_from_slice(&b),
                    _ => break,
                }
            }
            self.pos += 1;
        }
        out
    }
}

impl Drop for Readdir {
    fn drop(&mut self) {
        let mut st = self.dir.write();
        st.readers -= 1;
        if st.readers == 0 {
            cleanfilelist(&mut st);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_walk_remove_follow_file_c() {
        let t = Tree::new(Some("glenda"), None, 0o777, None);
        let d = createfile(&t.root, b"d", Some("bob"), DMDIR | 0o775, None).unwrap();
        let f = createfile(&d, b"f", None, 0o644, None).unwrap();
        // Qid paths come from the tree's generator, after the root's 0.
        assert_eq!(t.root.qid().path, 0);
        assert_eq!(d.qid(), Qid { path: 1, vers: 0, typ: QTDIR });
        assert_eq!(f.qid().path, 2);
        // Owner: the creator, or the directory's owner; group: the
        // directory's; muid "unknown" without a creator.
        assert_eq!(f.dir().uid, "bob");
        assert_eq!(f.dir().gid, "glenda");
        assert_eq!(f.dir().muid, "unknown");
        assert_eq!(
            createfile(&d, b"f", None, 0o644, None).err().as_deref(),
            Some("file already exists")
        );
        assert_eq!(
            createfile(&f, b"x", None, 0o644, None).err().as_deref(),
            Some("create in non-directory")
        );
        assert!(Arc::ptr_eq(&walkfile(&t.root, b"d/f").unwrap(), &f));
        assert!(Arc::ptr_eq(&walkfile(&f, b"..").unwrap(), &d));
        assert!(Arc::ptr_eq(&walkfile(&t.root, b"..").unwrap(), &t.root));
        assert!(walkfile(&t.root, b"nope").is_none());
        assert_eq!(removefile(&d).err().as_deref(), Some("has children"));
        assert_eq!(removefile(&t.root).err().as_deref(), Some("cannot remove root"));
        removefile(&f).unwrap();
        assert_eq!(removefile(&f).err().as_deref(), Some("no parent"));
        assert_eq!(
            createfile(&d, b"g", None, 0o644, None).map(|_| ()),
            Ok(())
        );
    }

    #[test]
    fn directory_reads_skip_removed_files_and_restart_at_zero() {
        let t = Tree::new(Some("u"), None, 0o777, None);
        let names: Vec<_> = (0..5).map(|i| alloc::format!("f{i}")).collect();
        let fs: Vec<_> = names
            .iter()
            .map(|n| createfile(&t.root, n.as_bytes(), None, 0o644, None).unwrap())
            .collect();
        let mut rd = opendirfile(&t.root).unwrap();
        let one = fs[0].dir().to_bytes().unwrap().len();
        // Room for two entries.
        let b = rd.read(2 * one + 1, 0);
        assert_eq!(libc::fcall::dirpackage(&b).unwrap().len(), 2);
        removefile(&fs[2]).unwrap();
        let b = rd.read(10 * one, b.len() as u64);
        let got: Vec<_> = libc::fcall::dirpackage(&b).unwrap().into_iter().map(|d| d.name).collect();
        assert_eq!(got, ["f3", "f4"]);
        let b = rd.read(10 * one, 0);
        assert_eq!(libc::fcall::dirpackage(&b).unwrap().len(), 4);
        drop(rd);
        assert_eq!(t.root.read().children.len(), 4);
    }

    #[test]
    fn destroy_runs_when_the_last_reference_goes() {
        use core::sync::atomic::AtomicUsize;
        static N: AtomicUsize = AtomicUsize::new(0);
        let t = Tree::new(Some("u"), None, 0o777, Some(Box::new(|_| {
            N.fetch_add(1, Ordering::SeqCst);
        })));
        let f = createfile(&t.root, b"f", None, 0o644, None).unwrap();
        removefile(&f).unwrap();
        assert_eq!(N.load(Ordering::SeqCst), 0);
        drop(f);
        assert_eq!(N.load(Ordering::SeqCst), 1);
    }
}
