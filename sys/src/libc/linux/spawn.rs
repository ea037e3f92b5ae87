//! `spawn` for the Linux backend: a child that changes its descriptors
//! and execs at once, made without copying the parent's address space.
//!
//! Not a 9front file. A shell that forks only to exec (9front rc's
//! `execforkexec`) pays for `fork` copying its page tables and for the
//! copy-on-write faults that follow in both processes. Here the child is
//! made with `clone(CLONE_VM|CLONE_VFORK)`, as glibc's `posix_spawn`
//! does: it runs on a stack of its own in the parent's memory while the
//! parent is suspended, does only async-signal-safe calls (`sigaction`,
//! `sigprocmask`, `dup2`, `close`, `execv`, `_exit`), and the parent
//! resumes when it has exec'd or exited. What the child does is what
//! 9front's child does between `rfork(RFPROC|RFFDG)` and its exec: the
//! descriptor changes in order, then each file in turn until one execs.
//!
//! The signal mask is blocked across the clone, so no handler of the
//! parent's runs in the child while it shares the parent's memory; the
//! child gives the signals the parent catches their default action (as
//! exec would) before it restores the mask. Which signals the parent
//! catches is asked of the kernel once (64 `sigaction` queries) and kept
//! in [`CAUGHT`] until libc changes a handler ([`caught_changed`], called
//! by `note::notify`), so that the child makes only the calls that
//! change something: the queries cost more than the rest of the child's
//! work before exec. A handler installed behind libc's back after the
//! first spawn would be missed; planten's programs install handlers only
//! through libc (`notify`), and the Rust runtime's own before `main`.

use core::ffi::c_void;
use core::sync::atomic::{AtomicU64, Ordering};
use std::ffi::CString;
use std::vec::Vec;

use crate::syscall::{Error, FdOp, Pid, Result};

/// What the parent hands the child; the child writes back `failed` and
/// `err`. It lives on the parent's stack, which the suspended parent
/// does not touch until the child has exec'd or exited.
#[repr(C)]
struct Args {
    ops: *const FdOp,
    nops: usize,
    files: *const *const lx::c_char,
    nfiles: usize,
    argv: *const *const lx::c_char,
    /// Bit s-1 set: signal s has a handler, which the child resets.
    caught: u64,
    mask: lx::sigset_t,
    /// Set when no file could be exec'd.
    failed: bool,
    /// errno of the last exec, and the index of its file.
    err: lx::c_int,
    last: usize,
}

/// Bytes of stack for the child: it only makes system calls through
/// glibc's thin wrappers.
const STACK: usize = 64 * 1024;

/// Linux's highest signal number.
const NSIG: lx::c_int = 64;

extern "C" fn child(p: *mut c_void) -> lx::c_int {
    // SAFETY: `p` is the parent's `Args`, valid until the child execs or
    // exits (the parent is suspended by CLONE_VFORK); the pointers in it
    // are to the parent's live vectors of the stated lengths. Only
    // async-signal-safe calls are made, none that allocates or takes a
    // lock, and the function never returns to a Rust caller: it ends in
    // exec or _exit.
    unsafe {
        let a = &mut *(p as *mut Args);
        let mut caught = a.caught;
        while caught != 0 {
            let sig = caught.trailing_zeros() as lx::c_int + 1;
            caught &= caught - 1;
            let mut dfl: lx::sigaction = core::mem::zeroed();
            dfl.sa_sigaction = lx::SIG_DFL;
            lx::sigemptyset(&mut dfl.sa_mask);
            lx::sigaction(sig, &dfl, core::ptr::null_mut());
        }
        lx::sigprocmask(lx::SIG_SETMASK, &a.mask, core::ptr::null_mut());
        for i in 0..a.nops {
            // Failures are ignored, as rc's doredir ignores them.
            match *a.ops.add(i) {
                FdOp::Dup(from, to) => {
                    lx::dup2(from.0, to.0);
                }
                FdOp::Close(fd) => {
                    lx::close(fd.0);
                }
            }
        }
        for i in 0..a.nfiles {
            lx::execv(*a.files.add(i), a.argv);
            a.err = *lx::__errno_location();
            a.last = i;
        }
        a.failed = true;
        lx::_exit(127)
    }
}

/// The signals this process catches (bit s-1 for signal s), or
/// [`UNKNOWN`] when they must be asked of the kernel again.
static CAUGHT: AtomicU64 = AtomicU64::new(UNKNOWN);
/// No set of caught signals: SIGKILL's bit, which no handler can have.
const UNKNOWN: u64 = 1 << (lx::SIGKILL - 1);

/// Forgets [`CAUGHT`]: a handler was installed or removed.
pub fn caught_changed() {
    CAUGHT.store(UNKNOWN, Ordering::SeqCst);
}

/// The signals with a handler (neither SIG_DFL nor SIG_IGN).
fn caught() -> u64 {
    let c = CAUGHT.load(Ordering::SeqCst);
    if c != UNKNOWN {
        return c;
    }
    let mut c = 0u64;
    for sig in 1..=NSIG {
        if sig == lx::SIGKILL || sig == lx::SIGSTOP {
            continue;
        }
        // SAFETY: sigaction is plain data, valid when zeroed; a query
        // with a null new action changes nothing.
        let old = unsafe {
            let mut old: lx::sigaction = core::mem::zeroed();
            if lx::sigaction(sig, core::ptr::null(), &mut old) != 0 {
                continue;
            }
            old
        };
        if old.sa_sigaction != lx::SIG_DFL && old.sa_sigaction != lx::SIG_IGN {
            c |= 1 << (sig - 1);
        }
    }
    CAUGHT.store(c, Ordering::SeqCst);
    c
}

pub fn spawn(ops: &[FdOp], files: &[&str], argv: &[&str]) -> Result<Pid> {
    if files.is_empty() {
        return Err(Error::new("file does not exist"));
    }
    let cfiles: Vec<CString> = match files.iter().map(|f| CString::new(*f)).collect() {
        Ok(v) => v,
        Err(_) => return Err(Error::new("bad character in file name")),
    };
    let cargs: Vec<CString> = match argv.iter().map(|a| CString::new(*a)).collect() {
        Ok(v) => v,
        Err(_) => return Err(Error::new("bad arg in system call")),
    };
    let fptrs: Vec<*const lx::c_char> = cfiles.iter().map(|c| c.as_ptr()).collect();
    let mut aptrs: Vec<*const lx::c_char> = cargs.iter().map(|c| c.as_ptr()).collect();
    aptrs.push(core::ptr::null());
    let mut stack: Vec<u8> = Vec::with_capacity(STACK);
    // SAFETY: sigset_t is plain data, valid when zeroed.
    let mut a = Args {
        ops: ops.as_ptr(),
        nops: ops.len(),
        files: fptrs.as_ptr(),
        nfiles: fptrs.len(),
        argv: aptrs.as_ptr(),
        caught: caught(),
        mask: unsafe { core::mem::zeroed() },
        failed: false,
        err: 0,
        last: 0,
    };
    // SAFETY: the sets are plain data filled in by the calls; blocking
    // every signal keeps the parent's handlers from running in the child
    // while it shares this memory, and the old mask is put back below.
    // The stack pointer is the 16-byte-aligned top of `stack`, which
    // outlives the child's use of it (the parent is suspended until the
    // child execs or exits); `child` is an `extern "C" fn` that only
    // reads and writes `a` as its SAFETY comment says.
    let pid = unsafe {
        let mut all: lx::sigset_t = core::mem::zeroed();
        lx::sigfillset(&mut all);
        lx::sigprocmask(lx::SIG_SETMASK, &all, &mut a.mask);
        let top = (stack.as_mut_ptr().add(STACK) as usize) & !15;
        let pid = lx::clone(
            child,
            top as *mut c_void,
            lx::CLONE_VM | lx::CLONE_VFORK | lx::SIGCHLD,
            &mut a as *mut Args as *mut c_void,
        );
        let errno = *lx::__errno_location();
        lx::sigprocmask(lx::SIG_SETMASK, &a.mask, core::ptr::null_mut());
        if pid < 0 {
            *lx::__errno_location() = errno;
            return Err(super::oserr());
        }
        pid
    };
    drop(stack);
    // SAFETY: the child has exec'd or exited, so `a` is ours again; the
    // reads are volatile because the child wrote the fields behind the
    // compiler's back.
    let (failed, err, last) = unsafe {
        (
            core::ptr::read_volatile(&a.failed),
            core::ptr::read_volatile(&a.err),
            core::ptr::read_volatile(&a.last),
        )
    };
    if failed {
        let mut st: lx::c_int = 0;
        // SAFETY: reaping our own child; `st` is valid for the call.
        unsafe { lx::waitpid(pid, &mut st, 0) };
        return Err(super::execerr(files[last.min(files.len() - 1)], err));
    }
    Ok(Pid(pid))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syscall::{self, Fd};
    use std::string::String;

    /// Waits for `pid` alone (the test harness runs other tests' children
    /// beside ours) and returns its exit code.
    fn wait(pid: Pid) -> i32 {
        let mut st: lx::c_int = 0;
        // SAFETY: `st` is valid for the call.
        unsafe { lx::waitpid(pid.0, &mut st, 0) };
        lx::WEXITSTATUS(st)
    }

    fn readall(fd: Fd) -> String {
        let mut out = Vec::new();
        let mut b = [0u8; 512];
        while let Ok(n) = syscall::read(fd, &mut b) {
            if n == 0 {
                break;
            }
            out.extend_from_slice(&b[..n]);
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_child_dups_then_execs_the_first_file_that_runs() {
        let [r, w] = syscall::fdpipe().unwrap();
        let ops = [FdOp::Close(r), FdOp::Dup(w, Fd(1)), FdOp::Close(w)];
        let pid = spawn(&ops, &["/nonexistent/echo", "/bin/echo"], &["echo", "a", "b c"]).unwrap();
        syscall::close(w).unwrap();
        assert_eq!(readall(r), "a b c\n");
        syscall::close(r).unwrap();
        assert_eq!(wait(pid), 0);
    }

    #[test]
    fn the_parent_keeps_its_descriptors() {
        let [r, w] = syscall::fdpipe().unwrap();
        // the child closes its copy of `w` before the shell writes to it
        let pid = spawn(&[FdOp::Close(w), FdOp::Dup(r, Fd(0))], &["/bin/sh"], &["sh", "-c", "exit 3"]).unwrap();
        assert_eq!(wait(pid), 3);
        assert_eq!(syscall::write(w, b"x").unwrap(), 1);
        let mut b = [0u8; 1];
        assert_eq!(syscall::read(r, &mut b).unwrap(), 1);
        syscall::close(r).unwrap();
        syscall::close(w).unwrap();
    }

    #[test]
    fn the_caught_signals_follow_notify() {
        // What the child resets is what the kernel says has a handler,
        // asked again after libc's notify changes the handlers.
        let bit = |s: lx::c_int| 1u64 << (s - 1);
        crate::linux::note::notify(true);
        let on = caught();
        for s in [lx::SIGHUP, lx::SIGINT, lx::SIGQUIT, lx::SIGALRM, lx::SIGTERM] {
            assert_ne!(on & bit(s), 0, "signal {s} not seen caught");
        }
        assert_eq!(on & bit(lx::SIGKILL), 0);
        crate::linux::note::notify(false);
        let off = caught();
        for s in [lx::SIGHUP, lx::SIGINT, lx::SIGQUIT, lx::SIGALRM, lx::SIGTERM] {
            assert_eq!(off & bit(s), 0, "signal {s} still seen caught");
        }
        // a spawned child still runs with the handlers reset
        let pid = spawn(&[], &["/bin/sh"], &["sh", "-c", "exit 4"]).unwrap();
        assert_eq!(wait(pid), 4);
    }

    #[test]
    fn a_file_that_cannot_run_is_the_error() {
        let e = syscall::spawn(&[], &["/nonexistent/a", "/nonexistent/b"], &["b"]).unwrap_err();
        assert_eq!(e.0, "file does not exist: '/nonexistent/b'");
        assert_eq!(syscall::errstr(), e.0);
        let e = spawn(&[], &["/"], &["x"]).unwrap_err();
        assert_eq!(e.0, "permission denied: '/'");
        assert!(spawn(&[], &[], &["x"]).is_err());
        assert!(spawn(&[], &["/bin/echo"], &["a\0b"]).is_err());
    }
}
