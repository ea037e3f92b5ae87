//! Directories and stat for the Linux backend.
//!
//! On Plan 9, reading a directory returns packed directory entries (9P
//! stat records), and `stat` returns one such record; programs unpack them
//! with `dirread` and `dirstat`. This module gives Linux directories and
//! files the same shape, the way plan9port does: type 'M', dev from
//! `st_dev`, qid.path from the inode, qid.vers from the modification time,
//! owner and group names from /etc/passwd and /etc/group, and length 0 for
//! directories.
//!
//! Directory descriptors opened for reading are tracked here, with the
//! entries not yet read; `seek` on them may only rewind to 0, as 9front's
//! `Edirseek` says.

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::string::{String, ToString};
use std::sync::{Arc, Mutex};
use std::vec::Vec;

use crate::convd2m::{convD2M, sizeD2M};
use crate::fcall::{Dir, Qid, DMDIR, QTDIR, QTFILE};
use crate::syscall::{Error, Fd, Result, OREAD};

struct DirState {
    /// Packed entries not yet read; filled on the first read.
    pending: Option<std::collections::VecDeque<Vec<u8>>>,
    /// Where to list from (`/proc/self/fd/N` of the descriptor opened).
    path: String,
}

type Shared = Arc<Mutex<DirState>>;

static DIRS: Mutex<Option<HashMap<i32, Shared>>> = Mutex::new(None);

fn table<T>(f: impl FnOnce(&mut HashMap<i32, Shared>) -> T) -> T {
    let mut t = DIRS.lock().unwrap_or_else(|e| e.into_inner());
    f(t.get_or_insert_with(HashMap::new))
}

fn get(fd: Fd) -> Option<Shared> {
    table(|t| t.get(&fd.0).cloned())
}

/// Notes a descriptor just opened: directories opened for reading are
/// read as packed entries.
pub fn opened(fd: Fd, mode: i32) {
    if mode & 3 != OREAD {
        return;
    }
    let path = std::format!("/proc/self/fd/{}", fd.0);
    if std::fs::metadata(&path).map(|m| m.is_dir()).unwrap_or(false) {
        let st = DirState {
            pending: None,
            path,
        };
        table(|t| t.insert(fd.0, Arc::new(Mutex::new(st))));
    }
}

pub fn closed(fd: Fd) {
    table(|t| t.remove(&fd.0));
}

/// A dup shares the directory's position, as it shares a file offset.
pub fn duped(old: Fd, new: Fd) {
    table(|t| {
        t.remove(&new.0);
        if let Some(s) = t.get(&old.0).cloned() {
            t.insert(new.0, s);
        }
    });
}

/// Reads whole packed entries from a directory descriptor into `buf`;
/// `None` when `fd` is not one.
pub fn read(fd: Fd, buf: &mut [u8]) -> Option<Result<usize>> {
    let s = get(fd)?;
    let mut st = s.lock().unwrap_or_else(|e| e.into_inner());
    if st.pending.is_none() {
        let entries = match list(&st.path) {
            Ok(e) => e,
            Err(e) => return Some(Err(e)),
        };
        st.pending = Some(entries.into());
    }
    let pending = st.pending.as_mut().expect("filled above");
    let mut n = 0;
    while let Some(e) = pending.front() {
        if n + e.len() > buf.len() {
            break;
        }
        buf[n..n + e.len()].copy_from_slice(e);
        n += e.len();
        pending.pop_front();
    }
    if n == 0 && !pending.is_empty() {
        return Some(Err(Error::new("i/o count too small")));
    }
    Some(Ok(n))
}

/// Seeking a directory: only back to the start.
pub fn seek(fd: Fd, off: i64, whence: i32) -> Option<Result<i64>> {
    let s = get(fd)?;
    if off != 0 || whence != crate::syscall::SEEKSET {
        return Some(Err(Error::new("seek in directory")));
    }
    s.lock().unwrap_or_else(|e| e.into_inner()).pending = None;
    Some(Ok(0))
}

fn list(path: &str) -> Result<Vec<Vec<u8>>> {
    let rd = std::fs::read_dir(path).map_err(|e| ioerr(&e))?;
    let mut out = Vec::new();
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if let Ok(m) = std::fs::metadata(e.path()).or_else(|_| e.metadata()) {
            out.push(pack(&todir(&m, &name)));
        }
    }
    Ok(out)
}

fn ioerr(e: &std::io::Error) -> Error {
    match e.raw_os_error().and_then(super::errtext) {
        Some(t) => Error::new(t),
        None => Error::new(e.to_string().to_lowercase()),
    }
}

fn pack(d: &Dir) -> Vec<u8> {
    let mut b = std::vec![0u8; sizeD2M(d) as usize];
    let n = convD2M(d, &mut b) as usize;
    b.truncate(n);
    b
}

/// The user or group name of `id` in `file` (/etc/passwd or /etc/group),
/// or the number.
fn idname(file: &str, id: u32) -> String {
    static CACHE: Mutex<Option<HashMap<(String, u32), String>>> = Mutex::new(None);
    let mut c = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let c = c.get_or_insert_with(HashMap::new);
    c.entry((file.to_string(), id))
        .or_insert_with(|| {
            std::fs::read_to_string(file)
                .ok()
                .and_then(|s| {
                    s.lines().find_map(|l| {
                        let mut f = l.split(':');
                        let name = f.next()?;
                        f.next()?;
                        (f.next()?.parse::<u32>().ok()? == id).then(|| name.to_string())
                    })
                })
                .unwrap_or_else(|| id.to_string())
        })
        .clone()
}

/// The Plan 9 directory entry for a Linux file.
pub fn todir(m: &std::fs::Metadata, name: &str) -> Dir {
    let isdir = m.is_dir();
    let uid = idname("/etc/passwd", m.uid());
    Dir {
        typ: b'M' as u16,
        dev: m.dev() as u32,
        qid: Qid {
            path: m.ino(),
            vers: m.mtime() as u32,
            typ: if isdir { QTDIR } else { QTFILE },
        },
        mode: (m.mode() & 0o777) | if isdir { DMDIR } else { 0 },
        atime: m.atime() as u32,
        mtime: m.mtime() as u32,
        length: if isdir { 0 } else { m.len() },
        name: name.into(),
        uid: uid.as_str().into(),
        gid: idname("/etc/group", m.gid()).as_str().into(),
        muid: uid.as_str().into(),
    }
}

/// The last element of `name`, as Plan 9 names a file in its entry.
fn lastelem(name: &str) -> &str {
    let t = name.trim_end_matches('/');
    if t.is_empty() {
        return "/";
    }
    t.rsplit('/').next().unwrap_or(t)
}

/// The error of a name that cannot be walked (missing, not a directory on
/// the way, no permission): reported with the name, as namec does; other
/// errors as [`ioerr`].
fn walkerr(e: &std::io::Error, name: &str) -> Error {
    match e.raw_os_error() {
        Some(c) if c == lx::ENOENT || c == lx::ENOTDIR || c == lx::EACCES => {
            Error(std::format!("{}: {}", super::errtext(c).unwrap_or(""), super::quote(name)))
        }
        _ => ioerr(e),
    }
}

pub fn stat(name: &str) -> Result<Vec<u8>> {
    let m = std::fs::metadata(name).map_err(|e| walkerr(&e, name))?;
    Ok(pack(&todir(&m, lastelem(name))))
}

pub fn fstat(fd: Fd) -> Result<Vec<u8>> {
    let path = std::format!("/proc/self/fd/{}", fd.0);
    let m = std::fs::metadata(&path).map_err(|_| Error::new("fd out of range or not open"))?;
    let name = std::fs::read_link(&path)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(pack(&todir(&m, lastelem(&name))))
}

/// Applies the fields of `edir` that are not "don't touch" (all ones, or
/// an empty string) to `name`: the name (a rename within the directory),
/// mode, mtime and length. Changing the owner (or, for now, the group) is
/// refused, as 9front's file servers do.
pub fn wstat(name: &str, edir: &[u8]) -> Result<()> {
    let mut d = Dir::default();
    if crate::convm2d::convM2D(edir, &mut d) == 0 {
        return Err(Error::new("malformed stat buffer"));
    }
    let m = std::fs::metadata(name).map_err(|e| walkerr(&e, name))?;
    if d.mode != !0 {
        if (d.mode & DMDIR != 0) != m.is_dir() {
            return Err(Error::new("attempt to change directory bit"));
        }
        let perm = std::fs::Permissions::from_mode_bits(d.mode & 0o777);
        std::fs::set_permissions(name, perm).map_err(|e| ioerr(&e))?;
    }
    if d.length != !0 && d.length != m.len() {
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(name)
            .map_err(|e| ioerr(&e))?;
        f.set_len(d.length).map_err(|e| ioerr(&e))?;
    }
    if d.mtime != !0 {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(d.mtime as u64);
        let f = std::fs::File::options()
            .write(!m.is_dir())
            .read(m.is_dir())
            .open(name)
            .map_err(|e| ioerr(&e))?;
        f.set_modified(t).map_err(|e| ioerr(&e))?;
    }
    if !d.uid.is_empty() && d.uid.as_bytes() != idname("/etc/passwd", m.uid()).as_bytes() {
        return Err(Error::new("permission denied"));
    }
    if !d.gid.is_empty() && d.gid.as_bytes() != idname("/etc/group", m.gid()).as_bytes() {
        return Err(Error::new("permission denied"));
    }
    if !d.name.is_empty() && d.name.as_bytes() != lastelem(name).as_bytes() {
        let newname = d.name.to_string_lossy().into_owned();
        if newname.contains('/') {
            return Err(Error::new("bad character in file name"));
        }
        let parent = match name.trim_end_matches('/').rfind('/') {
            Some(i) => &name[..=i],
            None => "",
        };
        std::fs::rename(name, std::format!("{parent}{newname}")).map_err(|e| ioerr(&e))?;
    }
    Ok(())
}

trait FromModeBits {
    fn from_mode_bits(mode: u32) -> Self;
}

impl FromModeBits for std::fs::Permissions {
    fn from_mode_bits(mode: u32) -> Self {
        use std::os::unix::fs::PermissionsExt;
        std::fs::Permissions::from_mode(mode)
    }
}
