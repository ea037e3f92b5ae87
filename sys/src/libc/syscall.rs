//! planten's system-call interface, the same on both backends.
//!
//! Not a port of one 9front file: this is the set of calls 9front's
//! `libc.h` declares over `9syscall` (open, read, rfork, exec, ...), with
//! their 9front semantics, in Rust dress:
//!
//! - a failed call returns `Err(Error)`, whose text is the error string
//!   9front's `errstr` would give; the process's error string is set too,
//!   so [`errstr`] works as in 9front;
//! - file descriptors and process ids are the types [`Fd`] and [`Pid`];
//! - calls that take a buffer and a count take a slice.
//!
//! A backend provides the calls: `linux` (the default feature) implements
//! them on Linux so that commands can be tested against real Plan 9 tools;
//! `native` makes 9front's amd64 system calls on planten (`amd64/`). With
//! neither feature only the pure parts of libc are built.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

#[cfg(feature = "native")]
use crate::amd64 as backend;
#[cfg(all(feature = "linux", not(feature = "native")))]
use crate::linux as backend;

/// A file descriptor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fd(pub i32);

impl Fd {
    pub const STDIN: Fd = Fd(0);
    pub const STDOUT: Fd = Fd(1);
    pub const STDERR: Fd = Fd(2);
}

/// A process id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pid(pub i32);

impl fmt::Display for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// An error string, as `errstr` gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error(pub String);

impl Error {
    pub fn new(s: impl Into<String>) -> Error {
        Error(s.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The result of a system call.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Longest error string, as 9front's ERRMAX.
pub const ERRMAX: usize = 128;

// Open modes, as libc.h.
pub const OREAD: i32 = 0;
pub const OWRITE: i32 = 1;
pub const ORDWR: i32 = 2;
pub const OEXEC: i32 = 3;
pub const OTRUNC: i32 = 16;
pub const OCEXEC: i32 = 32;
pub const ORCLOSE: i32 = 64;
pub const OEXCL: i32 = 0x1000;

// Seek whence.
pub const SEEKSET: i32 = 0;
pub const SEEKCUR: i32 = 1;
pub const SEEKEND: i32 = 2;

// rfork flags, as libc.h.
pub const RFNAMEG: u32 = 1 << 0;
pub const RFENVG: u32 = 1 << 1;
pub const RFFDG: u32 = 1 << 2;
pub const RFNOTEG: u32 = 1 << 3;
pub const RFPROC: u32 = 1 << 4;
pub const RFMEM: u32 = 1 << 5;
pub const RFNOWAIT: u32 = 1 << 6;
pub const RFCNAMEG: u32 = 1 << 10;
pub const RFCENVG: u32 = 1 << 11;
pub const RFCFDG: u32 = 1 << 12;
pub const RFREND: u32 = 1 << 13;
pub const RFNOMNT: u32 = 1 << 14;

// bind and mount flags, as libc.h.
pub const MREPL: u32 = 0x0000;
pub const MBEFORE: u32 = 0x0001;
pub const MAFTER: u32 = 0x0002;
pub const MORDER: u32 = 0x0003;
pub const MCREATE: u32 = 0x0004;
pub const MCACHE: u32 = 0x0010;

fn keep<T>(r: Result<T>) -> Result<T> {
    if let Err(e) = &r {
        backend::set_errstr(&e.0);
    }
    r
}

/// Opens `name` with `mode` (OREAD, OWRITE, ORDWR, OEXEC, with OTRUNC,
/// OCEXEC, ORCLOSE).
pub fn open(name: &str, mode: i32) -> Result<Fd> {
    keep(backend::open(name, mode))
}

/// Creates `name` with permissions `perm` (DMDIR makes a directory) and
/// opens it with `mode`; an existing file is truncated, as in 9front.
pub fn create(name: &str, mode: i32, perm: u32) -> Result<Fd> {
    keep(backend::create(name, mode, perm))
}

pub fn close(fd: Fd) -> Result<()> {
    keep(backend::close(fd))
}

pub fn read(fd: Fd, buf: &mut [u8]) -> Result<usize> {
    keep(backend::read(fd, buf))
}

pub fn pread(fd: Fd, buf: &mut [u8], off: i64) -> Result<usize> {
    keep(backend::pread(fd, buf, off))
}

pub fn write(fd: Fd, buf: &[u8]) -> Result<usize> {
    keep(backend::write(fd, buf))
}

pub fn pwrite(fd: Fd, buf: &[u8], off: i64) -> Result<usize> {
    keep(backend::pwrite(fd, buf, off))
}

/// Reads until `buf` is full or end of file, as libc's `readn`.
pub fn readn(fd: Fd, buf: &mut [u8]) -> Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match read(fd, &mut buf[n..])? {
            0 => break,
            m => n += m,
        }
    }
    Ok(n)
}

/// Writes all of `buf`; a short write is an error, as in 9front.
pub fn write_all(fd: Fd, buf: &[u8]) -> Result<()> {
    let n = write(fd, buf)?;
    if n != buf.len() {
        return keep(Err(Error::new("short write")));
    }
    Ok(())
}

pub fn seek(fd: Fd, off: i64, whence: i32) -> Result<i64> {
    keep(backend::seek(fd, off, whence))
}

/// Duplicates `old` onto `new`, or onto the lowest free descriptor.
pub fn dup(old: Fd, new: Option<Fd>) -> Result<Fd> {
    keep(backend::dup(old, new))
}

/// Makes a pipe; each end can be read and written, as in 9front.
pub fn pipe() -> Result<[Fd; 2]> {
    keep(backend::pipe())
}

pub fn remove(name: &str) -> Result<()> {
    keep(backend::remove(name))
}

pub fn chdir(name: &str) -> Result<()> {
    keep(backend::chdir(name))
}

/// The name `fd` was opened by.
pub fn fd2path(fd: Fd) -> Result<String> {
    keep(backend::fd2path(fd))
}

/// The machine-independent directory entry of `name`, packed as 9P's stat.
pub fn stat(name: &str) -> Result<Vec<u8>> {
    keep(backend::stat(name))
}

pub fn fstat(fd: Fd) -> Result<Vec<u8>> {
    keep(backend::fstat(fd))
}

pub fn wstat(name: &str, edir: &[u8]) -> Result<()> {
    keep(backend::wstat(name, edir))
}

pub fn fwstat(fd: Fd, edir: &[u8]) -> Result<()> {
    keep(backend::fwstat(fd, edir))
}

pub fn bind(new: &str, old: &str, flag: u32) -> Result<()> {
    keep(backend::bind(new, old, flag))
}

pub fn mount(fd: Fd, afd: Option<Fd>, old: &str, flag: u32, aname: &str) -> Result<()> {
    keep(backend::mount(fd, afd, old, flag, aname))
}

pub fn unmount(name: Option<&str>, old: &str) -> Result<()> {
    keep(backend::unmount(name, old))
}

/// 9front's rfork: with RFPROC, a new process; `Some(pid)` in the parent,
/// `None` in the child. Without RFPROC the flags change the calling
/// process, and the result is `None`.
pub fn rfork(flags: u32) -> Result<Option<Pid>> {
    keep(backend::rfork(flags))
}

/// Replaces the process's program; returns only on failure.
pub fn exec(name: &str, argv: &[&str]) -> Error {
    let e = backend::exec(name, argv);
    backend::set_errstr(&e.0);
    e
}

/// A change to its descriptors that a [`spawn`]ed child makes before it
/// execs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FdOp {
    /// `dup(from, to)`: `to` becomes a copy of `from`.
    Dup(Fd, Fd),
    /// `close(fd)`.
    Close(Fd),
}

/// `rfork(RFPROC|RFFDG)`, and in the child `ops` in order (failures
/// ignored), then `exec` of each of `files` in turn, with `argv`, until
/// one succeeds: what a shell's child does when it forks only to exec.
/// Returns the child's pid. When no file could be exec'd the child has
/// exited and been waited for, and the error is the last exec's. On
/// Linux the child borrows the parent's memory until it execs (vfork),
/// sparing the copy of the parent's address space.
pub fn spawn(ops: &[FdOp], files: &[&str], argv: &[&str]) -> Result<Pid> {
    keep(backend::spawn::spawn(ops, files, argv))
}

/// Ends the process with exit status `msg` ("" is success).
pub fn exits(msg: &str) -> ! {
    backend::exits(msg)
}

/// Waits for a child to exit and returns its wait message, in 9front's
/// `await` format: `pid utime stime rtime 'status'`.
pub fn awaitmsg() -> Result<String> {
    keep(backend::awaitmsg())
}

pub fn sleep(ms: u32) -> Result<()> {
    keep(backend::sleep(ms))
}

/// Sets an alarm in `ms` milliseconds (0 cancels); returns the milliseconds
/// left of the previous one.
pub fn alarm(ms: u32) -> u32 {
    backend::alarm(ms)
}

pub fn getpid() -> Pid {
    backend::getpid()
}

pub fn getppid() -> Pid {
    backend::getppid()
}

/// Nanoseconds since the epoch.
pub fn nsec() -> i64 {
    backend::nsec()
}

/// The process's error string: that of the last failed call, or what
/// [`werrstr`] set.
pub fn errstr() -> String {
    backend::errstr()
}

/// Sets the process's error string.
pub fn werrstr(msg: &str) {
    backend::set_errstr(msg)
}

/// The environment variable `name`: its value, whose elements (for an rc
/// list) are separated by NUL bytes, as in 9front's /env.
pub fn getenv(name: &str) -> Option<Vec<u8>> {
    backend::getenv(name)
}

pub fn putenv(name: &str, val: &[u8]) -> Result<()> {
    keep(backend::putenv(name, val))
}

/// The names of all environment variables.
pub fn envnames() -> Vec<String> {
    backend::envnames()
}

/// The current directory.
pub fn getwd() -> Result<String> {
    keep(backend::getwd())
}

/// The program's arguments, `argv[0]` first.
pub fn args() -> Vec<String> {
    backend::args()
}

/// Catches notes, as 9front's `notify` with a handler that records the
/// note and returns with `noted(NCONT)`: while `on`, the notes
/// "interrupt", "hangup", "alarm", "kill" and "quit" do not kill the
/// process but wait to be taken with [`pendingnote`], and a system call
/// they interrupt fails with "interrupted". `notify(false)` restores the
/// default (`noted(NDFLT)`): such a note kills the process.
pub fn notify(on: bool) {
    backend::note::notify(on)
}

/// Takes a note that arrived while notes were caught (see [`notify`]).
pub fn pendingnote() -> Option<String> {
    backend::note::pendingnote()
}

/// A pipe, [read end, write end], whose ends other programs can open by
/// name under `/dev/fd` (rc's `<{cmd}`). On Linux a kernel pipe, one-way,
/// unlike [`pipe`]'s socket pair.
pub fn fdpipe() -> Result<[Fd; 2]> {
    keep(backend::note::fdpipe())
}

/// 9front's `rendezvous`: the first proc to arrive at `tag` sleeps until
/// another arrives at the same tag; each then returns the other's value.
pub fn rendezvous(tag: usize, val: usize) -> usize {
    backend::proc::rendezvous(tag, val)
}

/// `rfork(RFPROC|RFMEM|flags)` with the child running `f`: a new proc
/// that shares this one's memory and ends when `f` returns. Returns the
/// child's pid. On Linux the proc is a thread of the process and the
/// flags are ignored; natively it is `rfork(RFPROC|RFMEM|RFNOWAIT|flags)`
/// with a stack of its own. `stack` is a hint (0 for the default).
pub fn procrfork(f: alloc::boxed::Box<dyn FnOnce() + Send + 'static>, flags: u32, stack: usize) -> Result<Pid> {
    keep(backend::proc::procrfork(f, flags, stack))
}

/// The pid of the calling proc (procs made by [`procrfork`] have their
/// own).
pub fn procpid() -> Pid {
    backend::proc::procpid()
}
