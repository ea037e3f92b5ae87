//! `access`: a port of 9front's `libc/9sys/access.c`.
//!
//! As in 9front, existence is a `stat`, and the other modes are an
//! attempt to open the file in the matching mode (read and execute
//! together, and write and execute together, are approximated as in
//! 9front). What differs: the result is a `Result`.

use crate::syscall::{self, Result, OEXEC, OREAD, ORDWR, OWRITE};

pub const AEXIST: i32 = 0;
pub const AEXEC: i32 = 1;
pub const AWRITE: i32 = 2;
pub const AREAD: i32 = 4;

/// Whether `name` can be used in `mode` (AEXIST, or a sum of AREAD,
/// AWRITE, AEXEC).
pub fn access(name: &str, mode: i32) -> Result<()> {
    if mode == AEXIST {
        return syscall::stat(name).map(|_| ());
    }
    const OMODE: [i32; 8] = [0, OEXEC, OWRITE, ORDWR, OREAD, OEXEC, ORDWR, ORDWR];
    let fd = syscall::open(name, OMODE[(mode & 7) as usize])?;
    let _ = syscall::close(fd);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn modes_follow_open() {
        let d = std::env::temp_dir().join(std::format!("planten-access-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        let f = d.join("f");
        std::fs::write(&f, b"").unwrap();
        let f = f.to_str().unwrap();
        let ds = d.to_str().unwrap();
        assert!(access(f, AEXIST).is_ok());
        assert!(access(f, AREAD).is_ok());
        assert!(access(f, AWRITE).is_ok());
        // OEXEC wants an execute bit.
        std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(access(f, AEXEC).is_err());
        std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(access(f, AEXEC).is_ok());
        // A directory exists and reads, but cannot be opened for writing.
        assert!(access(ds, AEXIST).is_ok());
        assert!(access(ds, AREAD).is_ok());
        assert!(access(ds, AWRITE).is_err());
        assert!(access(&std::format!("{ds}/nope"), AEXIST).is_err());
        std::fs::remove_dir_all(&d).unwrap();
    }
}
