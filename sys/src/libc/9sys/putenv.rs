//! `putenv`: a port of 9front's `sys/src/libc/9sys/putenv.c`; the native
//! backend's half of setting the environment.
//!
//! As in 9front, the name must pass getenv's rule (`bad env name:
//! NAME`), `/env/NAME` is created (truncated) with mode 0664 for writing,
//! close-on-exec, and the value goes in one write; a short write is a
//! failure. What differs: the value is bytes, so an rc list's
//! NUL-separated elements go in as they are (9front's C `putenv` takes a C
//! string, which cannot hold them). The directory is a parameter of
//! [`putenvin`], for the tests.

use alloc::format;

use crate::getenv::{badname, ENVDIR};
use crate::syscall::{self, Error, Result, OCEXEC, OWRITE};

/// Sets `name` in `/env`.
pub fn putenv(name: &str, val: &[u8]) -> Result<()> {
    putenvin(ENVDIR, name, val)
}

/// Sets `name` in the environment directory `dir`.
pub fn putenvin(dir: &str, name: &str, val: &[u8]) -> Result<()> {
    if badname(name) {
        return Err(Error(format!("bad env name: {name}")));
    }
    let fd = syscall::create(&format!("{dir}/{name}"), OWRITE | OCEXEC, 0o664)?;
    let r = syscall::write(fd, val);
    let _ = syscall::close(fd);
    match r {
        Ok(n) if n == val.len() => Ok(()),
        Ok(_) => Err(Error::new("short write")),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::getenv::getenvin;

    #[test]
    fn putenv_writes_the_file_getenv_reads() {
        let d = std::env::temp_dir().join(format!("planten-putenv-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        let d = d.to_string_lossy().into_owned();
        putenvin(&d, "x", b"a\0b").unwrap();
        assert_eq!(std::fs::read(format!("{d}/x")).unwrap(), b"a\0b");
        assert_eq!(getenvin(&d, "x").unwrap(), b"a\0b");
        // an existing value is replaced whole (create truncates)
        putenvin(&d, "x", b"c").unwrap();
        assert_eq!(std::fs::read(format!("{d}/x")).unwrap(), b"c");
        assert_eq!(putenvin(&d, "a/b", b"v").unwrap_err().as_str(), "bad env name: a/b");
        assert!(putenvin(&format!("{d}/nonexistent"), "y", b"v").is_err());
        std::fs::remove_dir_all(&d).unwrap();
    }
}
