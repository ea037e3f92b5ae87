//! Unpacking directory reads: the pure part of 9front's
//! `sys/src/libc/9sys/dirread.c`.
//!
//! A read of a directory returns whole directory entries, one after the
//! other (read(5)). [`dirpackage`] turns such a buffer into `Dir`s as
//! 9front's static `dirpackage` does: every entry must pass `statcheck`,
//! and the entries must fill the buffer exactly; otherwise nothing is
//! returned.
//!
//! [`dirread`] reads one buffer's worth of entries from a directory
//! descriptor, [`dirreadall`] reads to the end; both need the system calls
//! (the `linux` feature).
//!
//! What differs from 9front: `dirpackage` is public, returns a `Vec<Dir>`
//! (9front mallocs one block for the array and the strings) and says why
//! it failed; `dirread` and `dirreadall` return `Result<Vec<Dir>, Error>`
//! (an empty vector at the end of the directory) instead of a count and
//! an array, and a malformed buffer is the error `malformed stat buffer`.

use alloc::vec::Vec;

use crate::fcall::*;

/// Decodes the directory entries packed in `buf`. An empty buffer gives no
/// entries. As in 9front, every entry is checked before any is decoded.
pub fn dirpackage(buf: &[u8]) -> Result<Vec<Dir>, DecodeError> {
    let mut n = 0;
    let mut i = 0;
    while i < buf.len() {
        // 9front wants more than the size field (i+BIT16SZ >= ts fails).
        if i + BIT16SZ >= buf.len() {
            return Err(DecodeError::Truncated);
        }
        let m = BIT16SZ + gbit16(&buf[i..]).ok_or(DecodeError::Truncated)? as usize;
        let entry = buf.get(i..i + m).ok_or(DecodeError::Truncated)?;
        Dir::check(entry)?;
        n += 1;
        i += m;
    }
    let mut dirs = Vec::with_capacity(n);
    let mut i = 0;
    while i < buf.len() {
        let m = BIT16SZ + gbit16(&buf[i..]).ok_or(DecodeError::Truncated)? as usize;
        let entry = buf.get(i..i + m).ok_or(DecodeError::Truncated)?;
        dirs.push(Dir::decode(entry)?);
        i += m;
    }
    Ok(dirs)
}

/// Bytes read at a time, as 9front's DIRMAX (`sizeof(Dir)+STATMAX`, with
/// room to spare).
#[cfg(any(feature = "linux", feature = "native"))]
const DIRMAX: usize = 8192 + STATMAX;

#[cfg(any(feature = "linux", feature = "native"))]
fn packerr(_: DecodeError) -> crate::syscall::Error {
    let e = crate::syscall::Error::new("malformed stat buffer");
    crate::syscall::werrstr(e.as_str());
    e
}

/// Reads the next entries of the directory open on `fd`: those one
/// `read` returns. At the end of the directory, no entries.
#[cfg(any(feature = "linux", feature = "native"))]
pub fn dirread(fd: crate::syscall::Fd) -> crate::syscall::Result<Vec<Dir>> {
    let mut buf = alloc::vec![0u8; DIRMAX];
    let n = crate::syscall::read(fd, &mut buf)?;
    dirpackage(&buf[..n]).map_err(packerr)
}

/// Reads all the remaining entries of the directory open on `fd`. As in
/// 9front, a read error after some entries were read ends the reading
/// and the entries read so far are returned.
#[cfg(any(feature = "linux", feature = "native"))]
pub fn dirreadall(fd: crate::syscall::Fd) -> crate::syscall::Result<Vec<Dir>> {
    let mut buf: Vec<u8> = Vec::new();
    let mut err = None;
    loop {
        let ts = buf.len();
        buf.resize(ts + DIRMAX, 0);
        match crate::syscall::read(fd, &mut buf[ts..]) {
            Ok(0) => {
                buf.truncate(ts);
                break;
            }
            Ok(n) => buf.truncate(ts + n),
            Err(e) => {
                buf.truncate(ts);
                err = Some(e);
                break;
            }
        }
    }
    match err {
        Some(e) if buf.is_empty() => Err(e),
        _ => dirpackage(&buf).map_err(packerr),
    }
}

#[cfg(all(test, feature = "linux"))]
mod readtests {
    use super::*;

    #[test]
    fn dirreadall_reads_every_entry_once() {
        let d = std::env::temp_dir().join(std::format!("planten-dirread-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        for i in 0..500 {
            std::fs::write(d.join(std::format!("file-with-a-longish-name-{i}")), b"x").unwrap();
        }
        let open = || crate::syscall::open(d.to_str().unwrap(), crate::syscall::OREAD).unwrap();
        let fd = open();
        let mut all = dirreadall(fd).unwrap();
        assert_eq!(all.len(), 500);
        // At the end: nothing more.
        assert!(dirreadall(fd).unwrap().is_empty());
        crate::syscall::close(fd).unwrap();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        all.dedup_by(|a, b| a.name == b.name);
        assert_eq!(all.len(), 500);
        // dirread: whole entries per read, until an empty read.
        let fd = open();
        let mut n = 0;
        loop {
            let v = dirread(fd).unwrap();
            if v.is_empty() {
                break;
            }
            n += v.len();
        }
        assert_eq!(n, 500);
        crate::syscall::close(fd).unwrap();
        std::fs::remove_dir_all(&d).unwrap();
    }
}
