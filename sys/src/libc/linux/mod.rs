//! The Linux backend of planten's libc.
//!
//! Not a 9front file: it gives programs built for Linux the system calls of
//! [`crate::syscall`] with 9front's semantics as far as Linux allows, so
//! that planten's commands can run, and be tested against real Plan 9 tools
//! (Debian's 9base), on a Linux machine. It uses Rust's std and, for what
//! std lacks (fork, exec, raw descriptors), crates.io's `libc` (here
//! `lx`). This is one of the places where unsafe code may live.
//!
//! Where Linux differs:
//! - error strings are 9front's (`file does not exist`, `permission
//!   denied`, ...), with the file name appended as 9front's `namec` does
//!   for failures to find a name (`file does not exist: '/x'`); errors
//!   without a 9front counterpart keep Linux's text;
//! - reading a directory opened with OREAD yields packed 9P directory
//!   entries, as on Plan 9 (see [`dir`]);
//! - pipes are Unix-domain stream socket pairs, so both ends read and write
//!   as in 9front, but writes are not kept apart as messages;
//! - ORCLOSE removes the file when this process closes the descriptor;
//! - `/fd/N`, where 9front's name space has the dup device, opens and
//!   creates Linux's `/dev/fd/N` (a new open file, with an offset of its
//!   own, where 9front's would share N's);
//! - exit statuses cross Linux as numbers: `exits("")` is 0, a numeric
//!   status is that number, any other string is 1; a wait message shows a
//!   Linux program's nonzero exit as its number (as 9base's rc does) and
//!   death by a signal as the note 9front would post (`sys: kill`, ...);
//! - rfork: the name-space flags are accepted and do nothing (Linux has no
//!   Plan 9 name spaces), RFMEM is refused, RFNOWAIT detaches the child;
//!   bind, mount and unmount fail with a clear error; `spawn` (fork, then
//!   exec at once) borrows the parent's memory until the child execs
//!   (see [`spawn`]);
//! - rc lists in the environment are separated by `\x01`, as plan9port's
//!   rc does, and appear NUL-separated through [`crate::syscall::getenv`].
#![allow(unsafe_code)]

pub mod dir;
pub mod note;
pub mod net;
pub mod proc;
pub mod spawn;

use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::{CString, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::string::{String, ToString};
use std::sync::Mutex;
use std::vec::Vec;
use std::format;

use lx::c_int;

use crate::syscall::*;

std::thread_local! {
    static ERRSTR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Descriptors opened with ORCLOSE, and the names to remove at close.
static RCLOSE: Mutex<Option<HashMap<i32, String>>> = Mutex::new(None);

pub fn set_errstr(s: &str) {
    let mut s = s.to_string();
    if s.len() >= ERRMAX {
        let mut n = ERRMAX - 1;
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        s.truncate(n);
    }
    ERRSTR.with(|e| *e.borrow_mut() = s);
}

pub fn errstr() -> String {
    ERRSTR.with(|e| e.borrow().clone())
}

fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// Quotes `s` as 9front's `%#q` does: always in single quotes, with
/// quotes inside doubled.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// 9front's error string for Linux's `e`, if it has one.
pub fn errtext(e: i32) -> Option<&'static str> {
    Some(match e {
        lx::ENOENT => "file does not exist",
        lx::EACCES | lx::EPERM => "permission denied",
        lx::EEXIST => "file already exists",
        lx::ENOTDIR => "not a directory",
        lx::EISDIR => "file is a directory",
        lx::ENAMETOOLONG => "name too long",
        lx::EBADF => "fd out of range or not open",
        lx::EINTR => "interrupted",
        lx::EPIPE => "i/o on hungup channel",
        lx::ECHILD => "no living children",
        lx::ENOEXEC => "exec header invalid",
        lx::EMFILE | lx::ENFILE => "no free file descriptors",
        lx::EIO => "i/o error",
        lx::ESPIPE => "seek on a stream",
        lx::EINVAL => "bad arg in system call",
        lx::ENOMEM => "kernel allocate failed",
        lx::EBUSY => "device or object already in use",
        lx::ENOTEMPTY => "directory not empty",
        lx::ETIMEDOUT => "connection timed out",
        lx::ECONNREFUSED => "connection refused",
        _ => return None,
    })
}

/// The error of the last failed Linux call.
pub fn oserr() -> Error {
    let e = errno();
    match errtext(e) {
        Some(t) => Error::new(t),
        None => Error::new(std::io::Error::from_raw_os_error(e).to_string().to_lowercase()),
    }
}

/// The error of the last failed Linux call on `name`: 9front names the
/// file when a name cannot be found or walked.
pub fn nameerr(name: &str) -> Error {
    let e = errno();
    match e {
        lx::ENOENT | lx::ENOTDIR | lx::EACCES => {
            Error(format!("{}: {}", errtext(e).unwrap_or(""), quote(name)))
        }
        _ => oserr(),
    }
}

fn cstr(s: &str) -> Result<CString> {
    CString::new(s).map_err(|_| Error::new("bad character in file name"))
}

fn flags(mode: i32) -> c_int {
    let mut f = match mode & 3 {
        OREAD | OEXEC => lx::O_RDONLY,
        OWRITE => lx::O_WRONLY,
        _ => lx::O_RDWR,
    };
    if mode & OTRUNC != 0 {
        f |= lx::O_TRUNC;
    }
    if mode & OCEXEC != 0 {
        f |= lx::O_CLOEXEC;
    }
    f
}

fn remember_rclose(fd: i32, mode: i32, name: &str) {
    if mode & ORCLOSE != 0 {
        let mut t = RCLOSE.lock().unwrap_or_else(|e| e.into_inner());
        t.get_or_insert_with(HashMap::new).insert(fd, name.to_string());
    }
}

/// The Linux name of `/fd/N` (9front's dup device): `/dev/fd/N`.
fn fdname(name: &str) -> Option<String> {
    let n = name.strip_prefix("/fd/")?;
    (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())).then(|| format!("/dev/fd/{n}"))
}

pub fn open(name: &str, mode: i32) -> Result<Fd> {
    if mode & !(3 | OTRUNC | OCEXEC | ORCLOSE | OEXCL) != 0 {
        return Err(Error::new("bad arg in system call"));
    }
    let c = cstr(fdname(name).as_deref().unwrap_or(name))?;
    // OEXEC wants execute permission, as 9front's devmnt and file servers
    // check; Linux would open it for reading.
    // SAFETY: `c` is a NUL-terminated string that outlives the call.
    if mode & 3 == OEXEC && unsafe { lx::access(c.as_ptr(), lx::X_OK) } < 0 {
        return Err(nameerr(name));
    }
    // SAFETY: `c` is a NUL-terminated string that outlives the call.
    let fd = unsafe { lx::open(c.as_ptr(), flags(mode), 0) };
    if fd < 0 {
        return Err(nameerr(name));
    }
    remember_rclose(fd, mode, name);
    dir::opened(Fd(fd), mode);
    Ok(Fd(fd))
}

pub fn create(name: &str, mode: i32, perm: u32) -> Result<Fd> {
    let c = cstr(fdname(name).as_deref().unwrap_or(name))?;
    if perm & crate::fcall::DMDIR != 0 {
        if mode & 3 != OREAD {
            return Err(Error::new("file is a directory"));
        }
        // SAFETY: `c` is a NUL-terminated string that outlives the call.
        if unsafe { lx::mkdir(c.as_ptr(), (perm & 0o777) as lx::mode_t) } < 0 {
            return Err(nameerr(name));
        }
        return open(name, mode);
    }
    let mut f = flags(mode) | lx::O_CREAT | lx::O_TRUNC;
    if mode & OEXCL != 0 {
        f |= lx::O_EXCL;
    }
    // SAFETY: as above; the mode argument is read because O_CREAT is set.
    let fd = unsafe { lx::open(c.as_ptr(), f, (perm & 0o777) as lx::c_uint) };
    if fd < 0 {
        return Err(nameerr(name));
    }
    remember_rclose(fd, mode, name);
    Ok(Fd(fd))
}

pub fn close(fd: Fd) -> Result<()> {
    dir::closed(fd);
    net::closed(fd);
    // SAFETY: closing a descriptor number touches no memory of ours.
    if unsafe { lx::close(fd.0) } < 0 {
        return Err(oserr());
    }
    let name = {
        let mut t = RCLOSE.lock().unwrap_or_else(|e| e.into_inner());
        t.as_mut().and_then(|t| t.remove(&fd.0))
    };
    if let Some(n) = name {
        let _ = remove(&n);
    }
    Ok(())
}

pub fn read(fd: Fd, buf: &mut [u8]) -> Result<usize> {
    if let Some(r) = dir::read(fd, buf) {
        return r;
    }
    // SAFETY: `buf` is valid for writes of `buf.len()` bytes.
    let n = unsafe { lx::read(fd.0, buf.as_mut_ptr().cast(), buf.len()) };
    if n < 0 {
        return Err(oserr());
    }
    Ok(n as usize)
}

pub fn pread(fd: Fd, buf: &mut [u8], off: i64) -> Result<usize> {
    if off == -1 {
        return read(fd, buf);
    }
    // SAFETY: `buf` is valid for writes of `buf.len()` bytes.
    let n = unsafe { lx::pread(fd.0, buf.as_mut_ptr().cast(), buf.len(), off) };
    if n < 0 {
        return Err(oserr());
    }
    Ok(n as usize)
}

pub fn write(fd: Fd, buf: &[u8]) -> Result<usize> {
    if net::isconn(fd) {
        return net::send(fd, buf);
    }
    // SAFETY: `buf` is valid for reads of `buf.len()` bytes.
    let n = unsafe { lx::write(fd.0, buf.as_ptr().cast(), buf.len()) };
    if n < 0 {
        return Err(oserr());
    }
    Ok(n as usize)
}

pub fn pwrite(fd: Fd, buf: &[u8], off: i64) -> Result<usize> {
    if off == -1 {
        return write(fd, buf);
    }
    // SAFETY: `buf` is valid for reads of `buf.len()` bytes.
    let n = unsafe { lx::pwrite(fd.0, buf.as_ptr().cast(), buf.len(), off) };
    if n < 0 {
        return Err(oserr());
    }
    Ok(n as usize)
}

pub fn seek(fd: Fd, off: i64, whence: i32) -> Result<i64> {
    let w = match whence {
        SEEKSET => lx::SEEK_SET,
        SEEKCUR => lx::SEEK_CUR,
        SEEKEND => lx::SEEK_END,
        _ => return Err(Error::new("bad arg in system call")),
    };
    if let Some(r) = dir::seek(fd, off, whence) {
        return r;
    }
    // SAFETY: lseek on a descriptor number touches no memory of ours.
    let r = unsafe { lx::lseek(fd.0, off, w) };
    if r < 0 {
        return Err(oserr());
    }
    Ok(r)
}

pub fn dup(old: Fd, new: Option<Fd>) -> Result<Fd> {
    // SAFETY: dup and dup2 on descriptor numbers touch no memory of ours.
    let r = unsafe {
        match new {
            Some(n) => lx::dup2(old.0, n.0),
            None => lx::dup(old.0),
        }
    };
    if r < 0 {
        return Err(oserr());
    }
    dir::duped(old, Fd(r));
    net::duped(old, Fd(r));
    Ok(Fd(r))
}

pub fn pipe() -> Result<[Fd; 2]> {
    let mut fds = [0 as c_int; 2];
    // SAFETY: `fds` has room for the two descriptors socketpair stores.
    let r = unsafe { lx::socketpair(lx::AF_UNIX, lx::SOCK_STREAM, 0, fds.as_mut_ptr()) };
    if r < 0 {
        return Err(oserr());
    }
    Ok([Fd(fds[0]), Fd(fds[1])])
}

pub fn remove(name: &str) -> Result<()> {
    let c = cstr(name)?;
    // SAFETY: `c` is a NUL-terminated string that outlives the calls.
    if unsafe { lx::unlink(c.as_ptr()) } == 0 {
        return Ok(());
    }
    let e = errno();
    if e == lx::EISDIR || e == lx::EPERM {
        // SAFETY: as above.
        if unsafe { lx::rmdir(c.as_ptr()) } == 0 {
            return Ok(());
        }
    }
    Err(nameerr(name))
}

pub fn chdir(name: &str) -> Result<()> {
    let c = cstr(name)?;
    // SAFETY: `c` is a NUL-terminated string that outlives the call.
    if unsafe { lx::chdir(c.as_ptr()) } < 0 {
        return Err(nameerr(name));
    }
    Ok(())
}

pub fn fd2path(fd: Fd) -> Result<String> {
    std::fs::read_link(format!("/proc/self/fd/{}", fd.0))
        .map(|p| p.to_string_lossy().into_owned())
        .map_err(|_| Error::new("fd out of range or not open"))
}

pub fn stat(name: &str) -> Result<Vec<u8>> {
    dir::stat(name)
}

pub fn fstat(fd: Fd) -> Result<Vec<u8>> {
    dir::fstat(fd)
}

pub fn wstat(name: &str, edir: &[u8]) -> Result<()> {
    dir::wstat(name, edir)
}

pub fn fwstat(fd: Fd, edir: &[u8]) -> Result<()> {
    let name = fd2path(fd)?;
    dir::wstat(&name, edir)
}

fn nonamespace() -> Error {
    Error::new("not available on Linux: no Plan 9 name space")
}

pub fn bind(_new: &str, _old: &str, _flag: u32) -> Result<()> {
    Err(nonamespace())
}

pub fn mount(_fd: Fd, _afd: Option<Fd>, _old: &str, _flag: u32, _aname: &str) -> Result<()> {
    Err(nonamespace())
}

pub fn unmount(_name: Option<&str>, _old: &str) -> Result<()> {
    Err(nonamespace())
}

/// What rfork does to the calling process, with or without RFPROC.
fn rforkself(flags: u32) {
    if flags & RFCFDG != 0 {
        // A clean descriptor table.
        let max = 1024;
        for fd in 0..max {
            // SAFETY: closing descriptor numbers touches no memory of ours.
            unsafe { lx::close(fd) };
        }
    }
    if flags & RFNOTEG != 0 {
        // SAFETY: setpgid on ourselves touches no memory.
        unsafe { lx::setpgid(0, 0) };
    }
    if flags & RFCENVG != 0 {
        for (k, _) in std::env::vars_os() {
            std::env::remove_var(k);
        }
    }
}

fn fork() -> Result<i32> {
    // SAFETY: the child continues in this single-threaded program's copy;
    // callers fork only from single-threaded programs (as 9front's rc and
    // commands are), so no lock is held by a thread that vanished.
    let pid = unsafe { lx::fork() };
    if pid < 0 {
        return Err(oserr());
    }
    Ok(pid)
}

pub fn rfork(flags: u32) -> Result<Option<Pid>> {
    if flags & RFMEM != 0 {
        return Err(Error::new("rfork: RFMEM is not available on Linux"));
    }
    if flags & RFPROC == 0 {
        rforkself(flags);
        return Ok(None);
    }
    if flags & RFNOWAIT != 0 {
        // Detach: an intermediate child forks the real one and exits at
        // once, so the caller never waits for it; the real pid comes back
        // through a pipe.
        let mut p = [0 as c_int; 2];
        // SAFETY: `p` has room for the two descriptors pipe stores.
        if unsafe { lx::pipe(p.as_mut_ptr()) } < 0 {
            return Err(oserr());
        }
        let mid = fork()?;
        if mid == 0 {
            let pid = match fork() {
                Ok(pid) => pid,
                // SAFETY: _exit ends the process without running anything.
                Err(_) => unsafe { lx::_exit(1) },
            };
            if pid != 0 {
                let b = pid.to_le_bytes();
                // SAFETY: `b` is valid for 4 bytes; _exit ends at once.
                unsafe {
                    lx::write(p[1], b.as_ptr().cast(), 4);
                    lx::_exit(0)
                }
            }
            // SAFETY: closing our copies of the pipe.
            unsafe {
                lx::close(p[0]);
                lx::close(p[1]);
            }
            rforkself(flags);
            return Ok(None);
        }
        let mut b = [0u8; 4];
        // SAFETY: `b` is valid for 4 bytes; the rest are plain calls.
        unsafe {
            lx::close(p[1]);
            let n = lx::read(p[0], b.as_mut_ptr().cast(), 4);
            lx::close(p[0]);
            lx::waitpid(mid, core::ptr::null_mut(), 0);
            if n != 4 {
                return Err(Error::new("rfork: lost the child"));
            }
        }
        return Ok(Some(Pid(i32::from_le_bytes(b))));
    }
    let pid = fork()?;
    if pid == 0 {
        rforkself(flags);
        return Ok(None);
    }
    Ok(Some(Pid(pid)))
}

pub fn exec(name: &str, argv: &[&str]) -> Error {
    let Ok(c) = cstr(name) else {
        return Error::new("bad character in file name");
    };
    let args: Vec<CString> = match argv.iter().map(|a| CString::new(*a)).collect() {
        Ok(v) => v,
        Err(_) => return Error::new("bad arg in system call"),
    };
    let mut ptrs: Vec<*const lx::c_char> = args.iter().map(|a| a.as_ptr()).collect();
    ptrs.push(core::ptr::null());
    // SAFETY: `c` and every string in `ptrs` (NULL-terminated) outlive the
    // call; execv returns only on failure.
    unsafe { lx::execv(c.as_ptr(), ptrs.as_ptr()) };
    execerr(name, errno())
}

/// The error of a failed exec of `name` with errno `e`.
pub fn execerr(name: &str, e: i32) -> Error {
    if e == lx::ENOEXEC {
        return Error(format!("exec header invalid: {}", quote(name)));
    }
    // SAFETY: setting the calling thread's errno, which nameerr reads.
    unsafe { *lx::__errno_location() = e };
    nameerr(name)
}

pub fn exits(msg: &str) -> ! {
    let code = if msg.is_empty() {
        0
    } else {
        match msg.parse::<i32>() {
            Ok(n) if (1..=255).contains(&n) => n,
            _ => 1,
        }
    };
    std::process::exit(code)
}

/// The note 9front would post for the Linux signal `sig`.
pub fn signote(sig: i32) -> String {
    match sig {
        lx::SIGINT => "interrupt".into(),
        lx::SIGHUP => "hangup".into(),
        lx::SIGALRM => "alarm".into(),
        lx::SIGKILL => "sys: kill".into(),
        lx::SIGTERM => "kill".into(),
        lx::SIGPIPE => "sys: write on closed pipe".into(),
        lx::SIGSEGV => "sys: trap: fault read".into(),
        lx::SIGBUS => "sys: trap: bus error".into(),
        lx::SIGILL => "sys: trap: illegal instruction".into(),
        lx::SIGFPE => "sys: fp: trap".into(),
        lx::SIGABRT => "sys: abort".into(),
        s => format!("sys: signal {s}"),
    }
}

/// Quotes `s` as 9front's `%q`: only when it is empty or holds blanks,
/// control characters or quotes.
pub fn quoteifneeded(s: &str) -> String {
    if s.is_empty() || s.chars().any(|c| c <= ' ' || c == '\'') {
        quote(s)
    } else {
        s.to_string()
    }
}

pub fn awaitmsg() -> Result<String> {
    let mut status: c_int = 0;
    // SAFETY: rusage is plain data, valid when zeroed.
    let mut ru: lx::rusage = unsafe { core::mem::zeroed() };
    // SAFETY: `status` and `ru` are valid for the kernel to fill in.
    let pid = unsafe { lx::wait4(-1, &mut status, 0, &mut ru) };
    if pid < 0 {
        return Err(oserr());
    }
    let ms = |t: lx::timeval| (t.tv_sec as u64) * 1000 + (t.tv_usec as u64) / 1000;
    let msg = if lx::WIFEXITED(status) {
        match lx::WEXITSTATUS(status) {
            0 => String::new(),
            n => n.to_string(),
        }
    } else if lx::WIFSIGNALED(status) {
        signote(lx::WTERMSIG(status))
    } else {
        String::from("unknown")
    };
    Ok(format!(
        "{} {} {} {} {}",
        pid,
        ms(ru.ru_utime),
        ms(ru.ru_stime),
        0,
        quoteifneeded(&msg)
    ))
}

pub fn sleep(ms: u32) -> Result<()> {
    std::thread::sleep(std::time::Duration::from_millis(ms as u64));
    Ok(())
}

pub fn alarm(ms: u32) -> u32 {
    let tv = |ms: u64| lx::timeval {
        tv_sec: (ms / 1000) as _,
        tv_usec: ((ms % 1000) * 1000) as _,
    };
    let new = lx::itimerval {
        it_interval: tv(0),
        it_value: tv(ms as u64),
    };
    let mut old = lx::itimerval {
        it_interval: tv(0),
        it_value: tv(0),
    };
    // SAFETY: both structures are valid for the call.
    unsafe { lx::setitimer(lx::ITIMER_REAL, &new, &mut old) };
    (old.it_value.tv_sec as u64 * 1000 + old.it_value.tv_usec as u64 / 1000) as u32
}

pub fn getpid() -> Pid {
    Pid(std::process::id() as i32)
}

pub fn getppid() -> Pid {
    // SAFETY: getppid has no arguments and cannot fail.
    Pid(unsafe { lx::getppid() })
}

pub fn nsec() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}

pub fn getenv(name: &str) -> Option<Vec<u8>> {
    if name.is_empty() || name.contains('=') || name.contains('\0') {
        return None;
    }
    let v = std::env::var_os(name)?.into_vec();
    Some(v.into_iter().map(|b| if b == 1 { 0 } else { b }).collect())
}

pub fn putenv(name: &str, val: &[u8]) -> Result<()> {
    if name.is_empty() || name.contains('=') || name.contains('\0') {
        return Err(Error::new("bad character in file name"));
    }
    let v: Vec<u8> = val.iter().map(|&b| if b == 0 { 1 } else { b }).collect();
    std::env::set_var(name, OsString::from_vec(v));
    Ok(())
}

pub fn envnames() -> Vec<String> {
    std::env::vars_os()
        .map(|(k, _)| String::from_utf8_lossy(k.as_bytes()).into_owned())
        .collect()
}

pub fn getwd() -> Result<String> {
    std::env::current_dir()
        .map(|p| p.to_string_lossy().into_owned())
        .map_err(|_| oserr())
}

pub fn args() -> Vec<String> {
    std::env::args_os()
        .map(|a| String::from_utf8_lossy(a.as_bytes()).into_owned())
        .collect()
}

#[cfg(test)]
mod tests;
