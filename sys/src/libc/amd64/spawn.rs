//! `spawn` for the native backend (see [`crate::syscall::spawn`]).
//!
//! Not a 9front file: it is what 9front's rc does to run a command
//! (`rfork(RFPROC|RFFDG)`, the redirections, then `exec` of each
//! candidate file), with one addition the interface asks for: the parent
//! learns whether an exec succeeded. The child gets the write end of a
//! pipe opened close-on-exec (9front's `pipe` has no such flag, so the end
//! is reopened through `#d/N`, the dup device, with OCEXEC): a successful
//! exec closes it and the parent reads end of file; when every file
//! fails, the child writes the last exec's error string to it and exits
//! with that status, and the parent reads the string, waits for the child
//! and returns the error. Wait messages of other children that come first
//! are kept for `awaitmsg`.
//!
//! The child only makes system calls between `rfork` and `exec` (no
//! allocation: the heap's lock may be held by another proc of a program
//! that uses them). Everything it needs is prepared before the fork.

use alloc::format;
use alloc::vec::Vec;

use crate::syscall::{Error, Fd, FdOp, Pid, Result, ERRMAX, OCEXEC, OWRITE, RFFDG, RFPROC};

use super::stubs;

pub fn spawn(ops: &[FdOp], files: &[&str], argv: &[&str]) -> Result<Pid> {
    if files.is_empty() {
        return Err(Error::new("file does not exist"));
    }
    let cfiles: Vec<Vec<u8>> = files.iter().map(|f| super::cstr(f)).collect::<Result<_>>()?;
    let cargs: Vec<Vec<u8>> = argv
        .iter()
        .map(|a| super::cstr(a).map_err(|_| Error::new("bad arg in system call")))
        .collect::<Result<_>>()?;
    let mut aptrs: Vec<*const u8> = cargs.iter().map(|a| a.as_ptr()).collect();
    aptrs.push(core::ptr::null());

    let [r, w] = super::pipe()?;
    let cw = super::open(&format!("#d/{}", w.0), OWRITE | OCEXEC);
    let _ = super::close(w);
    let cw = match cw {
        Ok(fd) => fd,
        Err(e) => {
            let _ = super::close(r);
            return Err(e);
        }
    };
    let dev = super::cstr(&format!("#d/{}", cw.0))?;

    // SAFETY: rfork takes a flag word; the child below only makes system
    // calls on memory prepared above, which its copy of the address space
    // holds too.
    let pid = unsafe { stubs::rfork(RFPROC | RFFDG).make() };
    if pid == -1 {
        let _ = super::close(r);
        let _ = super::close(cw);
        return Err(super::syserr());
    }
    if pid == 0 {
        // SAFETY: see child.
        unsafe { child(ops, &cfiles, &aptrs, r, cw, &dev) }
    }

    let _ = super::close(cw);
    let mut msg = [0u8; ERRMAX];
    let mut n = 0;
    while n < msg.len() {
        match super::read(r, &mut msg[n..]) {
            Ok(0) | Err(_) => break,
            Ok(m) => n += m,
        }
    }
    let _ = super::close(r);
    if n == 0 {
        return Ok(Pid(pid as i32));
    }
    super::reap(pid as i32);
    Err(Error(alloc::string::String::from_utf8_lossy(&msg[..n]).into_owned()))
}

/// The child: redirections, then each file in turn; never returns.
///
/// # Safety
/// Called once, in the child of `rfork(RFPROC|RFFDG)`, with the vectors
/// `spawn` prepared (NUL-terminated strings, a nil-terminated `argv`).
unsafe fn child(ops: &[FdOp], files: &[Vec<u8>], argv: &[*const u8], r: Fd, mut cw: Fd, dev: &[u8]) -> ! {
    // SAFETY: each call passes descriptors, or pointers to the prepared
    // NUL-terminated strings and arrays, which live until exec or exits.
    unsafe {
        stubs::close(r.0).make();
        // Keep the error pipe out of the way of the redirections: reopen it
        // (close-on-exec again) while a redirection would replace it.
        let mut tries = 0;
        while tries <= ops.len() && ops.iter().any(|op| matches!(*op, FdOp::Dup(_, t) | FdOp::Close(t) if t == cw)) {
            let nfd = stubs::open(dev.as_ptr(), OWRITE | OCEXEC).make();
            if nfd < 0 {
                break;
            }
            cw = Fd(nfd as i32);
            tries += 1;
        }
        for op in ops {
            // Failures are ignored, as rc's doredir ignores them.
            match *op {
                FdOp::Dup(from, to) => stubs::dup(from.0, to.0).make(),
                FdOp::Close(fd) => stubs::close(fd.0).make(),
            };
        }
        for f in files {
            stubs::exec(f.as_ptr(), argv.as_ptr()).make();
        }
        // Every exec failed: the error string is the last one's.
        let mut e = [0u8; ERRMAX];
        stubs::errstr(e.as_mut_ptr(), e.len()).make();
        e[ERRMAX - 1] = 0;
        let mut n = e.iter().position(|&b| b == 0).unwrap_or(0);
        if n == 0 {
            // The parent must not read end of file, which means success.
            let m = b"exec failed";
            e[..m.len()].copy_from_slice(m);
            n = m.len();
        }
        stubs::pwrite(cw.0, e.as_ptr(), n, -1).make();
        stubs::exits(e.as_ptr()).make();
    }
    #[allow(clippy::empty_loop)]
    loop {}
}
