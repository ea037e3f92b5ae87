//! The native backend of planten's libc: 9front's amd64 system calls, for
//! programs built to run on planten (feature `native`).
//!
//! Not one 9front file: this is what 9front's `libc/9syscall`,
//! `libc/amd64` and the system-call half of `libc/9sys` give a C program,
//! behind planten's [`crate::syscall`] interface. It is one of the places
//! unsafe code may live.
//!
//! # The ABI (9front's, so that planten's kernel and, later, unmodified
//! 9front binaries agree)
//!
//! - **System calls** (`9syscall/mkfile`, `pc64/l.s`, `pc64/trap.c`): the
//!   number in RARG (BP); the arguments as 8-byte words on the user stack
//!   at SP+8, SP+16, ... (at most 5, `MAXSYSARG`), SP pointing at a return
//!   address; the instruction `SYSCALL`; the result in AX, -1 on failure.
//!   CX and R11 are lost to `SYSCALL`, and of the other registers the
//!   kernel gives back only R14, R15 and SP. See [`stubs`] (`9syscall.rs`).
//! - **Errors**: a failed call sets the process's error string in the
//!   kernel; `errstr(buf, n)` (ERRSTR) *swaps* it with `buf`. `werrstr`
//!   swaps a new string in; `rerrstr` swaps an empty one in and the old one
//!   back, reading it without change ([`crate::werrstr`],
//!   [`crate::rerrstr`]). A failed call here returns the error read that
//!   way, so the kernel's string stays set, as in 9front.
//! - **Entry** (`amd64/main9.s`, `port/sysproc.c`, `pc64/trap.c`
//!   `execregs`): the program starts at `_main` with SP at `argc`, then
//!   `argv[]` and a nil word, and AX holding the address of the `Tos` at
//!   the top of the stack (`sys/include/tos.h`: the pid and the profiling
//!   clocks, 72 bytes under USTKTOP). See [`main9`].
//! - **Memory**: text from UTZERO (0x200000) with the ELF headers at its
//!   start, data at the next 2 MiB boundary (as 9front's 6l lays out an
//!   amd64 a.out), then the bss, whose end (`end`) is the initial break;
//!   the heap grows with `brk_` (BRK) through `sbrk` (`9sys/sbrk.rs`,
//!   `port/malloc.rs`). The linker script is `amd64/user.ld`.
//! - **Notes** (`pc64/trap.c` `notify`/`noted`): see [`note`].
//! - **Processes**: `rfork` returns the child's pid in the parent and 0 in
//!   the child; with RFMEM the stack segment is still copied, which
//!   [`proc`] relies on; the pid is read from `_tos->pid` (`getpid.c`).
//!
//! # Which 9front routine each call follows
//!
//! `read`/`write` are `pread`/`pwrite` at offset -1 (`9sys/read.c`,
//! `write.c`); `seek` is `_seek` with the result stored through a pointer
//! (`amd64/_seek.c`); `stat` retries with the size the kernel asks for
//! (`9sys/dirstat.c`); `getpid` reads `_tos` (`getpid.c`), `getppid`
//! reads `/proc/PID/ppid` (`getppid.c`); `nsec` is the NSEC system call,
//! which returns the time in AX on amd64 (9front's C `nsec` reads
//! `/dev/bintime` instead); `getenv`, `putenv` and the list of names go
//! through `/env` (`getenv.c`, `putenv.c`); `getwd` is `fd2path` of "."
//! (`getwd.c`); `exits` is the EXITS system call (no `atexit` handlers:
//! planten has none).
//!
//! What differs from 9front: strings cross into the kernel as
//! NUL-terminated copies, and a string with a NUL inside is the error "bad
//! character in file name"; counts above 2^31-1 (a 32-bit `long` in 9front)
//! are cut to that, so such a read or write is short.
#![allow(unsafe_code)]
#![cfg_attr(not(feature = "native"), allow(dead_code))]
#![allow(non_upper_case_globals)]

#[path = "9syscall.rs"]
pub mod stubs;
pub mod main9;
pub mod memcmp;
pub mod memcpy;
pub mod memmove;
pub mod memset;
pub mod note;
pub mod proc;
pub mod spawn;
pub mod strlen;

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::fcall::BIT16SZ;
use crate::syscall::*;

/// A NUL-terminated copy of `s` for the kernel.
pub fn cstr(s: &str) -> Result<Vec<u8>> {
    if s.as_bytes().contains(&0) {
        return Err(Error::new("bad character in file name"));
    }
    let mut v = Vec::with_capacity(s.len() + 1);
    v.extend_from_slice(s.as_bytes());
    v.push(0);
    Ok(v)
}

/// The error of the call that just failed: the kernel's error string,
/// read without clearing it.
pub fn syserr() -> Error {
    Error(crate::rerrstr::rerrstr())
}

/// A call's result: failure is -1.
fn ok(r: i64) -> Result<i64> {
    if r == -1 {
        return Err(syserr());
    }
    Ok(r)
}

pub fn set_errstr(s: &str) {
    crate::werrstr::werrstr(s)
}

pub fn errstr() -> String {
    crate::rerrstr::rerrstr()
}

pub fn open(name: &str, mode: i32) -> Result<Fd> {
    let c = cstr(name)?;
    // SAFETY: `c` is NUL-terminated and outlives the call.
    ok(unsafe { stubs::open(c.as_ptr(), mode).make() }).map(|fd| Fd(fd as i32))
}

pub fn create(name: &str, mode: i32, perm: u32) -> Result<Fd> {
    let c = cstr(name)?;
    // SAFETY: as for open.
    ok(unsafe { stubs::create(c.as_ptr(), mode, perm).make() }).map(|fd| Fd(fd as i32))
}

pub fn close(fd: Fd) -> Result<()> {
    // SAFETY: a descriptor number only.
    ok(unsafe { stubs::close(fd.0).make() }).map(|_| ())
}

pub fn read(fd: Fd, buf: &mut [u8]) -> Result<usize> {
    pread(fd, buf, -1)
}

pub fn pread(fd: Fd, buf: &mut [u8], off: i64) -> Result<usize> {
    // SAFETY: the kernel writes at most buf.len() bytes into `buf`.
    ok(unsafe { stubs::pread(fd.0, buf.as_mut_ptr(), buf.len(), off).make() }).map(|n| n as usize)
}

pub fn write(fd: Fd, buf: &[u8]) -> Result<usize> {
    pwrite(fd, buf, -1)
}

pub fn pwrite(fd: Fd, buf: &[u8], off: i64) -> Result<usize> {
    // SAFETY: the kernel reads at most buf.len() bytes from `buf`.
    ok(unsafe { stubs::pwrite(fd.0, buf.as_ptr(), buf.len(), off).make() }).map(|n| n as usize)
}

pub fn seek(fd: Fd, off: i64, whence: i32) -> Result<i64> {
    let mut ret: i64 = -1;
    // SAFETY: the kernel stores the new offset in `ret`.
    ok(unsafe { stubs::seek(&mut ret, fd.0, off, whence).make() })?;
    Ok(ret)
}

pub fn dup(old: Fd, new: Option<Fd>) -> Result<Fd> {
    // SAFETY: descriptor numbers only.
    ok(unsafe { stubs::dup(old.0, new.map_or(-1, |f| f.0)).make() }).map(|fd| Fd(fd as i32))
}

pub fn pipe() -> Result<[Fd; 2]> {
    let mut fds = [0i32; 2];
    // SAFETY: the kernel stores two ints in `fds`.
    ok(unsafe { stubs::pipe(&mut fds).make() })?;
    Ok([Fd(fds[0]), Fd(fds[1])])
}

pub fn remove(name: &str) -> Result<()> {
    let c = cstr(name)?;
    // SAFETY: as for open.
    ok(unsafe { stubs::remove(c.as_ptr()).make() }).map(|_| ())
}

pub fn chdir(name: &str) -> Result<()> {
    let c = cstr(name)?;
    // SAFETY: as for open.
    ok(unsafe { stubs::chdir(c.as_ptr()).make() }).map(|_| ())
}

/// The string up to the first NUL of `b`.
fn cstring(b: &[u8]) -> String {
    let n = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..n]).into_owned()
}

pub fn fd2path(fd: Fd) -> Result<String> {
    let mut buf = vec![0u8; 1024];
    // SAFETY: the kernel writes at most buf.len() bytes, NUL included.
    ok(unsafe { stubs::fd2path(fd.0, buf.as_mut_ptr(), buf.len()).make() })?;
    Ok(cstring(&buf))
}

/// dirstat.c's DIRSIZE: STATFIXLEN plus room for short strings.
const DIRSIZE: usize = crate::fcall::STATFIXLEN + 16 * 4;

/// A stat-like call into a buffer, retried with the size the kernel asks
/// for, as `dirstat` does; the packed entry.
fn statbuf(mut call: impl FnMut(&mut [u8]) -> i64) -> Result<Vec<u8>> {
    let mut nd = DIRSIZE;
    for _ in 0..4 {
        let mut buf = vec![0u8; BIT16SZ + nd];
        let n = ok(call(&mut buf))? as usize;
        if n < BIT16SZ {
            return Err(Error::new("malformed stat buffer"));
        }
        nd = u16::from_le_bytes([buf[0], buf[1]]) as usize;
        if nd <= n {
            buf.truncate(n);
            return Ok(buf);
        }
    }
    Err(Error::new("malformed stat buffer"))
}

pub fn stat(name: &str) -> Result<Vec<u8>> {
    let c = cstr(name)?;
    // SAFETY: `c` is NUL-terminated; the kernel writes at most b.len()
    // bytes into `b`.
    statbuf(|b| unsafe { stubs::stat(c.as_ptr(), b.as_mut_ptr(), b.len()).make() })
}

pub fn fstat(fd: Fd) -> Result<Vec<u8>> {
    // SAFETY: as for stat.
    statbuf(|b| unsafe { stubs::fstat(fd.0, b.as_mut_ptr(), b.len()).make() })
}

pub fn wstat(name: &str, edir: &[u8]) -> Result<()> {
    let c = cstr(name)?;
    // SAFETY: the kernel reads edir.len() bytes of `edir`.
    ok(unsafe { stubs::wstat(c.as_ptr(), edir.as_ptr(), edir.len()).make() }).map(|_| ())
}

pub fn fwstat(fd: Fd, edir: &[u8]) -> Result<()> {
    // SAFETY: as for wstat.
    ok(unsafe { stubs::fwstat(fd.0, edir.as_ptr(), edir.len()).make() }).map(|_| ())
}

pub fn bind(new: &str, old: &str, flag: u32) -> Result<()> {
    let (n, o) = (cstr(new)?, cstr(old)?);
    // SAFETY: both NUL-terminated and alive across the call.
    ok(unsafe { stubs::bind(n.as_ptr(), o.as_ptr(), flag).make() }).map(|_| ())
}

pub fn mount(fd: Fd, afd: Option<Fd>, old: &str, flag: u32, aname: &str) -> Result<()> {
    let (o, a) = (cstr(old)?, cstr(aname)?);
    // SAFETY: as for bind.
    ok(unsafe { stubs::mount(fd.0, afd.map_or(-1, |f| f.0), o.as_ptr(), flag, a.as_ptr()).make() }).map(|_| ())
}

pub fn unmount(name: Option<&str>, old: &str) -> Result<()> {
    let n = name.map(cstr).transpose()?;
    let o = cstr(old)?;
    let np = n.as_ref().map_or(core::ptr::null(), |n| n.as_ptr());
    // SAFETY: as for bind; a nil name is allowed.
    ok(unsafe { stubs::unmount(np, o.as_ptr()).make() }).map(|_| ())
}

pub fn rfork(flags: u32) -> Result<Option<Pid>> {
    // SAFETY: a flag word. With RFPROC the child returns here on a copy
    // of the stack (shared data too with RFMEM, as the caller asked).
    let r = ok(unsafe { stubs::rfork(flags).make() })?;
    Ok(if r == 0 { None } else { Some(Pid(r as i32)) })
}

pub fn exec(name: &str, argv: &[&str]) -> Error {
    let c = match cstr(name) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let args: Vec<Vec<u8>> = match argv.iter().map(|a| cstr(a)).collect::<Result<_>>() {
        Ok(v) => v,
        Err(_) => return Error::new("bad arg in system call"),
    };
    let mut ptrs: Vec<*const u8> = args.iter().map(|a| a.as_ptr()).collect();
    ptrs.push(core::ptr::null());
    // SAFETY: the name and every argument are NUL-terminated, the vector
    // nil-terminated, all alive across the call, which returns only on
    // failure.
    unsafe { stubs::exec(c.as_ptr(), ptrs.as_ptr()).make() };
    syserr()
}

/// `msg` as a NUL-terminated string of at most ERRMAX bytes, cut at a
/// character boundary (as the kernel's utfecpy would).
pub fn errbuf(msg: &str) -> [u8; ERRMAX] {
    let mut n = msg.len().min(ERRMAX - 1);
    while !msg.is_char_boundary(n) {
        n -= 1;
    }
    let mut b = [0u8; ERRMAX];
    b[..n].copy_from_slice(&msg.as_bytes()[..n]);
    b
}

pub fn exits(msg: &str) -> ! {
    let b = errbuf(msg);
    // SAFETY: a NUL-terminated status; the call does not return.
    unsafe { stubs::exits(b.as_ptr()).make() };
    #[allow(clippy::empty_loop)]
    loop {}
}

/// Wait messages read by `spawn` while it looked for its own child.
static STASH: spin::Mutex<VecDeque<String>> = spin::Mutex::new(VecDeque::new());

/// Waits for the child `pid`, keeping the other wait messages for
/// [`awaitmsg`].
pub fn reap(pid: i32) {
    loop {
        match await1() {
            Ok(m) => {
                if m.split(' ').next().and_then(|p| p.parse::<i32>().ok()) == Some(pid) {
                    return;
                }
                STASH.lock().push_back(m);
            }
            Err(_) => return,
        }
    }
}

fn await1() -> Result<String> {
    let mut buf = [0u8; 512];
    // SAFETY: the kernel writes at most len-1 bytes into `buf`.
    let n = ok(unsafe { stubs::await_(buf.as_mut_ptr(), buf.len() - 1).make() })? as usize;
    Ok(String::from_utf8_lossy(&buf[..n.min(buf.len())]).into_owned())
}

pub fn awaitmsg() -> Result<String> {
    if let Some(m) = STASH.lock().pop_front() {
        return Ok(m);
    }
    await1()
}

pub fn sleep(ms: u32) -> Result<()> {
    // SAFETY: a count only.
    ok(unsafe { stubs::sleep(ms).make() }).map(|_| ())
}

pub fn alarm(ms: u32) -> u32 {
    // SAFETY: a count only.
    unsafe { stubs::alarm(ms).make() as u32 }
}

pub fn getpid() -> Pid {
    crate::getpid::getpid()
}

pub fn getppid() -> Pid {
    crate::getppid::getppid()
}

pub fn nsec() -> i64 {
    // SAFETY: no arguments.
    unsafe { stubs::nsec().make() }
}

pub fn getenv(name: &str) -> Option<Vec<u8>> {
    crate::getenv::getenv(name)
}

pub fn putenv(name: &str, val: &[u8]) -> Result<()> {
    crate::putenv::putenv(name, val)
}

pub fn envnames() -> Vec<String> {
    crate::getenv::envnames()
}

pub fn getwd() -> Result<String> {
    crate::getwd::getwd()
}

pub fn args() -> Vec<String> {
    main9::args()
}

/// Panics natively: `argv0: panic: MSG` on standard error, then the
/// message as the exit status (there is no std to unwind or abort). The
/// text is formatted into fixed buffers: the panic may come from inside
/// the allocator.
#[cfg(all(feature = "native", not(test)))]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    use core::fmt::Write;
    use core::sync::atomic::{AtomicBool, Ordering};

    static PANICKING: AtomicBool = AtomicBool::new(false);
    if PANICKING.swap(true, Ordering::SeqCst) {
        exits("panic");
    }
    let mut line = Fixed::<512>::new();
    {
        let name = crate::main9::ARGV0.try_lock();
        let name = name.as_deref().map(|s| s.as_str()).unwrap_or("");
        let _ = write!(line, "{}: panic: {}", if name.is_empty() { "<prog>" } else { name }, info.message());
    }
    let _ = line.write_str("\n");
    let _ = write(Fd::STDERR, line.as_bytes());
    let mut status = Fixed::<ERRMAX>::new();
    let _ = write!(status, "{}", info.message());
    exits(status.as_str())
}

/// A string in a fixed buffer; what does not fit is dropped.
#[cfg_attr(test, allow(dead_code))]
struct Fixed<const N: usize> {
    buf: [u8; N],
    len: usize,
}

#[cfg_attr(test, allow(dead_code))]
impl<const N: usize> Fixed<N> {
    fn new() -> Self {
        Fixed { buf: [0; N], len: 0 }
    }
    fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
    fn as_str(&self) -> &str {
        core::str::from_utf8(self.as_bytes()).unwrap_or("panic")
    }
}

impl<const N: usize> core::fmt::Write for Fixed<N> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for c in s.chars() {
            let mut b = [0u8; 4];
            let e = c.encode_utf8(&mut b);
            if self.len + e.len() > N {
                return Err(core::fmt::Error);
            }
            self.buf[self.len..self.len + e.len()].copy_from_slice(e.as_bytes());
            self.len += e.len();
        }
        Ok(())
    }
}

/// Never called: with `panic = "abort"` nothing unwinds, but the prebuilt
/// `alloc` refers to it.
#[cfg(all(feature = "native", not(test)))]
#[no_mangle]
pub extern "C" fn _Unwind_Resume() -> ! {
    exits("_Unwind_Resume")
}

/// Never called, for the same reason.
#[cfg(all(feature = "native", not(test)))]
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}

#[cfg(test)]
mod tests {
    use super::*;
    use core::fmt::Write;

    #[test]
    fn strings_cross_as_nul_terminated_copies() {
        assert_eq!(cstr("/bin/ls").unwrap(), b"/bin/ls\0");
        assert_eq!(cstr("a\0b").unwrap_err().as_str(), "bad character in file name");
    }

    #[test]
    fn error_strings_are_cut_to_errmax_at_a_character() {
        let b = errbuf("short");
        assert_eq!(&b[..6], b"short\0");
        // 9front's ERRMAX is 128: at most 127 bytes and the NUL.
        let long = "é".repeat(100);
        let b = errbuf(&long);
        let n = b.iter().position(|&c| c == 0).unwrap();
        assert_eq!(n, 126);
        assert!(core::str::from_utf8(&b[..n]).is_ok());
    }

    #[test]
    fn fixed_buffers_drop_what_does_not_fit() {
        let mut f = Fixed::<8>::new();
        let _ = f.write_str("abcdefghij");
        assert_eq!(f.as_str(), "abcdefgh");
    }

    #[test]
    fn stat_retries_with_the_size_the_kernel_asks_for() {
        // A kernel that needs 300 bytes: the first call (DIRSIZE) gets
        // BIT16SZ and the size, as port/sysfile.c's sysstat answers a
        // short buffer.
        let mut calls = Vec::new();
        let got = statbuf(|b| {
            calls.push(b.len());
            let need = 300usize;
            b[..2].copy_from_slice(&(need as u16).to_le_bytes());
            if b.len() < need + 2 {
                return 2;
            }
            (need + 2) as i64
        })
        .unwrap();
        assert_eq!(calls, [2 + DIRSIZE, 302]);
        assert_eq!(got.len(), 302);
    }
}
