//! `postmountsrv`: a port of 9front's `sys/src/lib9p/mount.c`.
//!
//! Serves `s` on a pipe (see `postsrv`), posts it as `/srv/NAME` when a
//! name is given and mounts it on `mtpt` when one is given. Failures are
//! fatal, as in 9front (`postsrv: ...`, `mount MTPT: ...`).
//!
//! What differs from 9front: on Linux the mount fails (there is no Plan 9
//! name space), so a hosted server must serve a network address or its
//! standard input instead; 9front calls `amount`, which authenticates
//! first, and planten's libc has only `mount` so far.

use alloc::sync::Arc;

use libc::syscall;
use libc::sysfatal;

use crate::post::postsrv;
use crate::srv::Srv;

/// Serves `s`, posted as `name` and mounted on `mtpt` with `flag`.
pub fn postmountsrv(s: Arc<dyn Srv>, name: Option<&str>, mtpt: Option<&str>, flag: u32) {
    let sfd = match postsrv(s, name) {
        Ok(fd) => fd,
        Err(e) => sysfatal!("postsrv: {e}"),
    };
    match mtpt {
        Some(m) => {
            if let Err(e) = syscall::mount(sfd, None, m, flag, "") {
                sysfatal!("mount {m}: {e}");
            }
        }
        None => {
            let _ = syscall::close(sfd);
        }
    }
}
