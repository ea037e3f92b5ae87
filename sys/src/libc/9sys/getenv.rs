//! `getenv`: a port of 9front's `sys/src/libc/9sys/getenv.c`, with the
//! list of names a shell needs; the native backend's environment.
//!
//! 9front keeps the environment as files in `/env` (devenv): `getenv`
//! refuses a name that is empty, `.`, `..`, holds a `/` or is 95 bytes or
//! longer (`bad env name: NAME`), reads `/env/NAME` whole, and drops the
//! NULs that end it. What differs: the value is returned as bytes with
//! the NULs *between* an rc list's elements kept (planten's interface;
//! 9front's C `getenv` turns them into blanks), and failure is `None`
//! with the error string set. [`envnames`] (not a 9front function; rc
//! reads the directory itself) lists `/env`. The directory is a parameter
//! of the `*in` forms, so the tests can use another.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::syscall::{self, OCEXEC, OREAD};

/// Where the environment lives.
pub const ENVDIR: &str = "/env";

/// getenv.c's HUNK: names of HUNK-5 bytes or more are refused.
const HUNK: usize = 100;

/// The rule of getenv.c and putenv.c for names.
pub fn badname(name: &str) -> bool {
    name.is_empty() || name == "." || name == ".." || name.contains('/') || name.len() >= HUNK - 5
}

/// The value of `name` in `/env`.
pub fn getenv(name: &str) -> Option<Vec<u8>> {
    getenvin(ENVDIR, name)
}

/// The value of `name` in the environment directory `dir`.
pub fn getenvin(dir: &str, name: &str) -> Option<Vec<u8>> {
    if badname(name) {
        syscall::werrstr(&format!("bad env name: {name}"));
        return None;
    }
    let fd = syscall::open(&format!("{dir}/{name}"), OREAD | OCEXEC).ok()?;
    let mut v = Vec::new();
    let mut buf = [0u8; HUNK];
    let r = loop {
        match syscall::read(fd, &mut buf) {
            Ok(0) => break Ok(()),
            Ok(n) => v.extend_from_slice(&buf[..n]),
            Err(e) => break Err(e),
        }
    };
    let _ = syscall::close(fd);
    r.ok()?;
    while v.last() == Some(&0) {
        v.pop();
    }
    Some(v)
}

/// The names in `/env`.
pub fn envnames() -> Vec<String> {
    envnamesin(ENVDIR)
}

/// The names in the environment directory `dir` (none if it cannot be
/// read).
pub fn envnamesin(dir: &str) -> Vec<String> {
    let Ok(fd) = syscall::open(dir, OREAD | OCEXEC) else {
        return Vec::new();
    };
    let d = crate::dirread::dirreadall(fd);
    let _ = syscall::close(fd);
    d.map(|d| d.iter().map(|e| e.name.to_string_lossy().into_owned()).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    fn envdir(tag: &str) -> String {
        let d = std::env::temp_dir().join(format!("planten-getenv-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d.to_string_lossy().into_owned()
    }

    #[test]
    fn values_lose_their_final_nuls_and_keep_the_others() {
        let d = envdir("val");
        // rc's list (a b '') as 9front's rc writes it: each element ends
        // with a NUL.
        std::fs::write(format!("{d}/list"), b"a\0b\0\0").unwrap();
        std::fs::write(format!("{d}/plain"), b"hello").unwrap();
        std::fs::write(format!("{d}/empty"), b"").unwrap();
        assert_eq!(getenvin(&d, "list").unwrap(), b"a\0b");
        assert_eq!(getenvin(&d, "plain").unwrap(), b"hello");
        assert_eq!(getenvin(&d, "empty").unwrap(), b"");
        assert_eq!(getenvin(&d, "absent"), None);
        let mut names = envnamesin(&d);
        names.sort();
        assert_eq!(names, ["empty", "list", "plain"]);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn bad_names_are_refused_with_9fronts_error() {
        let d = envdir("bad");
        for n in ["", ".", "..", "a/b", &"x".repeat(95)] {
            assert_eq!(getenvin(&d, n), None);
            assert_eq!(syscall::errstr(), format!("bad env name: {n}"));
        }
        // 94 bytes is still a name.
        std::fs::write(format!("{d}/{}", "y".repeat(94)), b"ok").unwrap();
        assert_eq!(getenvin(&d, &"y".repeat(94)).unwrap(), b"ok");
        assert!(badname("a/b") && !badname("fn#x"));
        let _ = "".to_string();
        std::fs::remove_dir_all(&d).unwrap();
    }
}
