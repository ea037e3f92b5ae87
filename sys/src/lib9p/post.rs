//! `postsrv`: a port of 9front's `sys/src/lib9p/post.c`.
//!
//! Makes a pipe, serves 9P on one end in a new proc and returns the other
//! end; with a name, the client end is also posted as `/srv/NAME`, for
//! other processes to mount.
//!
//! What differs from 9front: on Linux there is no `/srv`, so posting a
//! name fails with the error of creating it; without a name the pipe works
//! everywhere. The server proc does not get a name space or note group of
//! its own (RFNAMEG|RFNOTEG are ignored on Linux).

use alloc::format;
use alloc::sync::Arc;

use libc::syscall::{self, Fd, Result, OCEXEC, ORCLOSE, OWRITE, RFNAMEG, RFNOTEG};

use crate::rfork::srvforker;
use crate::srv::{srvfd, Srv};

/// Serves `s` on a new pipe; returns the client's end.
pub fn postsrv(s: Arc<dyn Srv>, name: Option<&str>) -> Result<Fd> {
    let [c, sfd] = syscall::pipe()?;
    if let Some(name) = name {
        let posted = (|| {
            let cfd = syscall::create(&format!("/srv/{name}"), OWRITE | ORCLOSE | OCEXEC, 0o600)?;
            syscall::write(cfd, format!("{}", c.0).as_bytes())?;
            // The posting stays while this process runs, as 9front's
            // ORCLOSE file does.
            Ok(())
        })();
        if let Err(e) = posted {
            let _ = syscall::close(c);
            let _ = syscall::close(sfd);
            return Err(e);
        }
    }
    if let Err(e) = srvforker(move || srvfd(s, sfd), RFNAMEG | RFNOTEG) {
        let _ = syscall::close(c);
        let _ = syscall::close(sfd);
        return Err(e);
    }
    Ok(c)
}
