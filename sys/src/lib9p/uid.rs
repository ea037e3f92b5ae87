//! Permission checks: a port of 9front's `sys/src/lib9p/uid.c`.
//!
//! `hasperm(f, uid, p)` says whether `uid` may access `f` for `p` (a mask
//! of `AREAD`, `AWRITE`, `AEXEC`), with 9front's simple rule: other bits
//! apply to everyone, owner bits to the owner, group bits to a user whose
//! name is the file's group (each user leads a group of her own name).

use crate::file::File;

/// Whether `uid` has permission `p` on `f`.
pub fn hasperm(f: &File, uid: &str, p: u32) -> bool {
    let st = f.read();
    permits(st.dir.mode, st.dir.uid.as_bytes(), st.dir.gid.as_bytes(), uid.as_bytes(), p)
}

/// The rule of `hasperm` on a mode, owner and group.
pub fn permits(mode: u32, fuid: &[u8], fgid: &[u8], uid: &[u8], p: u32) -> bool {
    let mut m = mode & 7;
    if p & m == p {
        return true;
    }
    if fuid == uid {
        m |= (mode >> 6) & 7;
        if p & m == p {
            return true;
        }
    }
    if fgid == uid {
        m |= (mode >> 3) & 7;
        if p & m == p {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::permits;
    use crate::{AEXEC, AREAD, AWRITE};

    // uid.c: other bits for all, then owner, then group-as-user.
    #[test]
    fn hasperm_follows_uid_c() {
        assert!(permits(0o004, b"glenda", b"sys", b"bob", AREAD));
        assert!(!permits(0o004, b"glenda", b"sys", b"bob", AWRITE));
        assert!(permits(0o600, b"glenda", b"sys", b"glenda", AREAD | AWRITE));
        assert!(!permits(0o600, b"glenda", b"sys", b"bob", AREAD));
        assert!(permits(0o060, b"glenda", b"bob", b"bob", AREAD | AWRITE));
        assert!(!permits(0o060, b"glenda", b"sys", b"bob", AREAD));
        // Owner bits and other bits add up.
        assert!(permits(0o401, b"glenda", b"sys", b"glenda", AREAD | AEXEC));
        assert!(!permits(0o400, b"glenda", b"sys", b"glenda", AREAD | AEXEC));
        // No bits asked: always allowed.
        assert!(permits(0, b"a", b"b", b"c", 0));
    }
}
