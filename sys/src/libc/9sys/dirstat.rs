//! `dirstat`: a port of 9front's `libc/9sys/dirstat.c`.
//!
//! Stats a file by name and unpacks the entry. What differs: the result
//! is a `Result<Dir, Error>` rather than a malloc'd `Dir*` or nil with the
//! error string set (the error string is set too, by the system call); the
//! buffer grows as needed instead of 9front's two tries.

use crate::fcall::Dir;
use crate::syscall::{self, Error, Result};

/// Unpacks a stat buffer, as `convM2D` after `stat`.
pub(crate) fn unpack(buf: &[u8]) -> Result<Dir> {
    match Dir::decode_prefix(buf) {
        Ok((d, _)) => Ok(d),
        Err(_) => {
            let e = Error::new("malformed stat buffer");
            syscall::werrstr(e.as_str());
            Err(e)
        }
    }
}

/// The directory entry of `name`.
pub fn dirstat(name: &str) -> Result<Dir> {
    unpack(&syscall::stat(name)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_files_and_names_missing_ones() {
        let d = std::env::temp_dir().join(format!("planten-dirstat-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("f"), b"12345").unwrap();
        let f = d.join("f");
        let st = dirstat(f.to_str().unwrap()).unwrap();
        assert_eq!((st.name.as_bytes(), st.length), (&b"f"[..], 5));
        assert_eq!(st.mode & crate::fcall::DMDIR, 0);
        let st = dirstat(d.to_str().unwrap()).unwrap();
        assert_ne!(st.mode & crate::fcall::DMDIR, 0);
        assert_eq!(st.qid.typ, crate::fcall::QTDIR);
        // namec's error names the file (9front's port/chan.c).
        let n = d.join("nope");
        let n = n.to_str().unwrap();
        assert_eq!(dirstat(n).unwrap_err().0, std::format!("file does not exist: '{n}'"));
        assert_eq!(crate::syscall::errstr(), std::format!("file does not exist: '{n}'"));
        // dirwstat with a nulldir and a new mtime and name.
        let mut nd = crate::nulldir::nulldir();
        nd.mtime = 1_000_000;
        crate::dirwstat::dirwstat(f.to_str().unwrap(), &nd).unwrap();
        assert_eq!(dirstat(f.to_str().unwrap()).unwrap().mtime, 1_000_000);
        let mut nd = crate::nulldir::nulldir();
        nd.name = "g".into();
        crate::dirwstat::dirwstat(f.to_str().unwrap(), &nd).unwrap();
        assert!(d.join("g").exists() && !f.exists());
        let fd = crate::syscall::open(d.join("g").to_str().unwrap(), crate::syscall::OREAD).unwrap();
        assert_eq!(crate::dirfstat::dirfstat(fd).unwrap().length, 5);
        let mut nd = crate::nulldir::nulldir();
        nd.mode = 0o600;
        crate::dirfwstat::dirfwstat(fd, &nd).unwrap();
        assert_eq!(crate::dirfstat::dirfstat(fd).unwrap().mode, 0o600);
        crate::syscall::close(fd).unwrap();
        std::fs::remove_dir_all(&d).unwrap();
    }
}
