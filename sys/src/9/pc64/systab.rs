//! The system call table: 9front's `port/systab.h` (which `mksystab`
//! makes from `libc/9syscall/sys.h`) and the argument handling of
//! `port/sysfile.c` and `port/sysproc.c` (`validaddr`, `validnamedup`,
//! `evenaddr`) that turns a call's words into typed values.
//!
//! `trap.rs`'s `syscall` reads the number (RBP) and the five argument
//! words from the user stack, then calls [`dispatch`]. Each call checks
//! its user pointers against the process's segments and makes them
//! slices ([`ubuf`], [`ubufmut`], [`ustr`]) before the portable code
//! (port's sysfile.rs, uproc.rs here) sees them. A failing call sets the
//! process's error string and returns -1, as 9front's `error()` does by
//! way of `waserror` in `syscall()`.
//!
//! What differs from 9front: the old (pre-9P2000) calls (`_errstr`,
//! `_fsession`, `_fstat`, `_mount`, `_read`, `_stat`, `_write`,
//! `_wstat`, `_fwstat`, `_wait`) answer "sys: bad sys call" as unknown
//! numbers do; so do the calls not yet here (listed in `port-status.toml`'s
//! note for port/sysproc.c).

use alloc::string::String;
use alloc::vec::Vec;

use plibc::sys;
use port::{Error, Result};

use crate::trap::Ureg;
use crate::uproc::{self, user, ERRMAX};

/// Check `[addr, addr+len)` and make it a byte slice.
///
/// The slice is in the running process's address space, whose pages
/// fault in as the kernel touches them (mmu.rs's `userfault`).
pub fn ubuf(addr: u64, len: u64, pc: u64) -> Result<&'static [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    crate::trap::validaddr(addr, len, false, pc)?;
    // SAFETY: validaddr checked that the range lies in the process's
    // segments, below USTKTOP; the address space is the running
    // process's and stays so for the call.
    Ok(unsafe { core::slice::from_raw_parts(addr as *const u8, len as usize) })
}

/// As [`ubuf`], for a buffer the kernel writes.
pub fn ubufmut(addr: u64, len: u64, pc: u64) -> Result<&'static mut [u8]> {
    if len == 0 {
        return Ok(&mut []);
    }
    crate::trap::validaddr(addr, len, true, pc)?;
    // SAFETY: as in ubuf, in writable segments.
    Ok(unsafe { core::slice::from_raw_parts_mut(addr as *mut u8, len as usize) })
}

/// The NUL-terminated string at `addr` (9front's `validnamedup`: at most
/// a page or so, valid UTF-8 is not required but is how names travel).
pub fn ustr(addr: u64, pc: u64) -> Result<String> {
    let mut v = Vec::new();
    let mut a = addr;
    loop {
        // Check a page at a time.
        let end = (a | (crate::mem::BY2PG - 1)) + 1;
        let b = ubuf(a, end - a, pc)?;
        match b.iter().position(|&c| c == 0) {
            Some(i) => {
                v.extend_from_slice(&b[..i]);
                break;
            }
            None => v.extend_from_slice(b),
        }
        if v.len() > 8192 {
            return Err(Error::Etoolong);
        }
        a = end;
    }
    String::from_utf8(v).map_err(|_| Error::Ebadchar)
}

/// exec's argument vector at `ap` (sysexec's two passes over `argp0`):
/// each string's bytes up to its NUL, not necessarily UTF-8. A nil
/// `argv[0]` is Ebadarg; strings that with the Tos reach USTKSIZE are
/// "virtual memory allocation failed" (Enovmem), as 9front's count.
fn uargv(ap: u64, pc: u64) -> Result<Vec<Vec<u8>>> {
    let word = |a: u64| -> Result<u64> {
        let w = ubuf(a, 8, pc)?;
        Ok(u64::from_le_bytes(w.try_into().map_err(|_| Error::Ebadarg)?))
    };
    // validaddr(argp0, 2*BY2WD): argv[0] and the word after it.
    ubuf(ap, 16, pc)?;
    let mut argv = Vec::new();
    let mut nbytes = port::sysproc::TOSSIZE;
    let mut ap = ap;
    loop {
        let p = word(ap)?;
        if p == 0 {
            break;
        }
        let mut v = Vec::new();
        let mut a = p;
        loop {
            let end = (a | (crate::mem::BY2PG - 1)) + 1;
            let b = ubuf(a, end - a, pc)?;
            match b.iter().position(|&c| c == 0) {
                Some(i) => {
                    v.extend_from_slice(&b[..i]);
                    break;
                }
                None => v.extend_from_slice(b),
            }
            if nbytes + v.len() as u64 >= crate::mem::USTKSIZE {
                return Err(Error::Enovmem);
            }
            a = end;
        }
        nbytes += v.len() as u64 + 1;
        if nbytes >= crate::mem::USTKSIZE {
            return Err(Error::Enovmem);
        }
        argv.push(v);
        ap = ap.checked_add(8).ok_or(Error::Ebadarg)?;
    }
    if argv.is_empty() {
        return Err(Error::Ebadarg);
    }
    Ok(argv)
}

/// An `int` argument: the low half of its word.
fn int(w: u64) -> i32 {
    w as u32 as i32
}

/// A `long` count argument (32 bits on 9front's amd64), as a length: a
/// negative one is a huge one, which fails validaddr.
fn count(w: u64) -> u64 {
    w as u32 as i32 as i64 as u64
}

/// Copy `s` into the user buffer at `addr` of `n` bytes, NUL-terminated
/// and truncated as 9front's `kstrcpy`.
fn putstr(addr: u64, n: u64, s: &str, pc: u64) -> Result<()> {
    if n == 0 {
        return Ok(());
    }
    let b = ubufmut(addr, n, pc)?;
    let mut k = s.len().min(b.len() - 1);
    while !s.is_char_boundary(k) {
        k -= 1;
    }
    b[..k].copy_from_slice(&s.as_bytes()[..k]);
    b[k] = 0;
    Ok(())
}

/// The call `nr` with argument words `a`; Err for a failed call, whose
/// string becomes the process's error string.
pub fn dispatch(ureg: &mut Ureg, nr: u64, a: [u64; 5]) -> Result<i64> {
    let pc = ureg.pc;
    let u = user();
    let up = &u.up;
    let nr = match u32::try_from(nr) {
        Ok(n) => n,
        Err(_) => return Err(badcall()),
    };
    match nr {
        sys::EXITS => {
            let msg = if a[0] == 0 {
                String::new()
            } else {
                match ustr(a[0], pc) {
                    Ok(s) => s.chars().take(ERRMAX - 1).collect(),
                    Err(_) => String::from("invalid exit string"),
                }
            };
            uproc::pexit(&msg)
        }
        sys::ERRSTR => {
            // Swap the process's error string with the user's buffer.
            let n = count(a[1]).min(ERRMAX as u64);
            let b = ubufmut(a[0], n, pc)?;
            let theirs = b.iter().position(|&c| c == 0).map_or(&b[..], |i| &b[..i]);
            let theirs = String::from_utf8_lossy(theirs).into_owned();
            let mine = core::mem::replace(&mut u.errstr, theirs);
            putstr(a[0], n, &mine, pc)?;
            Ok(0)
        }
        sys::OPEN => {
            let name = ustr(a[0], pc)?;
            Ok(port::sysfile::sysopen(up, &name, int(a[1]) as u32)? as i64)
        }
        sys::CREATE => {
            let name = ustr(a[0], pc)?;
            Ok(port::sysfile::syscreate(up, &name, int(a[1]) as u32, a[2] as u32)? as i64)
        }
        sys::CLOSE => port::sysfile::sysclose(up, int(a[0])).map(|_| 0),
        sys::PREAD => {
            let b = ubufmut(a[1], count(a[2]), pc)?;
            Ok(port::sysfile::syspread(up, int(a[0]), b, a[3] as i64)? as i64)
        }
        sys::PWRITE => {
            let b = ubuf(a[1], count(a[2]), pc)?;
            Ok(port::sysfile::syspwrite(up, int(a[0]), b, a[3] as i64)? as i64)
        }
        sys::SEEK => {
            let r = ubufmut(a[0], 8, pc)?;
            let off = port::sysfile::sysseek(up, int(a[1]), a[2] as i64, int(a[3]))?;
            r.copy_from_slice(&off.to_le_bytes());
            Ok(0)
        }
        sys::DUP => Ok(port::sysfile::sysdup(up, int(a[0]), int(a[1]))? as i64),
        sys::FD2PATH => {
            let s = port::sysfile::sysfd2path(up, int(a[0]))?;
            putstr(a[1], count(a[2]), &s, pc)?;
            Ok(0)
        }
        sys::STAT => {
            let name = ustr(a[0], pc)?;
            let b = ubufmut(a[1], count(a[2]), pc)?;
            Ok(port::sysfile::sysstat(up, &name, b)? as i64)
        }
        sys::FSTAT => {
            let b = ubufmut(a[1], count(a[2]), pc)?;
            Ok(port::sysfile::sysfstat(up, int(a[0]), b)? as i64)
        }
        sys::WSTAT => {
            let name = ustr(a[0], pc)?;
            let b = ubuf(a[1], count(a[2]), pc)?;
            Ok(port::sysfile::syswstat(up, &name, b)? as i64)
        }
        sys::FWSTAT => {
            let b = ubuf(a[1], count(a[2]), pc)?;
            Ok(port::sysfile::sysfwstat(up, int(a[0]), b)? as i64)
        }
        sys::REMOVE => {
            let name = ustr(a[0], pc)?;
            port::sysfile::sysremove(up, &name).map(|_| 0)
        }
        sys::CHDIR => {
            let name = ustr(a[0], pc)?;
            port::sysfile::syschdir(&mut u.up, &name).map(|_| 0)
        }
        sys::BIND => {
            let new = ustr(a[0], pc)?;
            let old = ustr(a[1], pc)?;
            Ok(port::sysfile::sysbind(up, &new, &old, a[2] as u32)? as i64)
        }
        sys::UNMOUNT => {
            let name = if a[0] == 0 { None } else { Some(ustr(a[0], pc)?) };
            let old = ustr(a[1], pc)?;
            port::sysfile::sysunmount(up, name.as_deref(), &old).map(|_| 0)
        }
        sys::RFORK => uproc::rfork(ureg, a[0] as u32),
        sys::EXEC => {
            let name = ustr(a[0], pc)?;
            let argv = uargv(a[1], pc)?;
            uproc::exec(ureg, &name, argv)
        }
        sys::SEMACQUIRE => uproc::semacquire(a[0], int(a[1]) != 0, pc),
        sys::TSEMACQUIRE => uproc::tsemacquire(a[0], a[1] as u32, pc),
        sys::SEMRELEASE => uproc::semrelease(a[0], int(a[1]), pc),
        sys::SEGATTACH => {
            let name = ustr(a[1], pc)?;
            uproc::segattach(int(a[0]) as u32, &name, a[2], a[3] as u32)
        }
        sys::SEGDETACH => uproc::segdetach(a[0]),
        sys::SEGFREE => uproc::segfree(a[0], a[1] as u32),
        sys::SEGBRK => uproc::segbrk(a[0], a[1]),
        sys::SEGFLUSH => uproc::segflush(a[0], a[1] as u32),
        sys::AWAIT => {
            let n = count(a[1]);
            let b = ubufmut(a[0], n, pc)?;
            let m = uproc::await_()?;
            match m.fmt(b.len()) {
                None => Ok(-1),
                Some(t) => {
                    b[..t.len()].copy_from_slice(&t);
                    if t.len() < b.len() {
                        b[t.len()] = 0;
                    }
                    Ok(t.len() as i64)
                }
            }
        }
        sys::PIPE => {
            let b = ubufmut(a[0], 8, pc)?;
            let fd = port::sysfile::syspipe(up)?;
            b[..4].copy_from_slice(&(fd[0] as i32).to_le_bytes());
            b[4..].copy_from_slice(&(fd[1] as i32).to_le_bytes());
            Ok(0)
        }
        sys::MOUNT => {
            let old = ustr(a[2], pc)?;
            let aname = if a[4] == 0 { String::new() } else { ustr(a[4], pc)? };
            Ok(port::sysfile::sysmount(up, int(a[0]), int(a[1]), &old, a[3] as u32, &aname)? as i64)
        }
        sys::FVERSION => {
            let b = ubufmut(a[2], count(a[3]), pc)?;
            Ok(port::sysfile::sysfversion(up, int(a[0]), int(a[1]), b)? as i64)
        }
        sys::FAUTH => {
            let aname = ustr(a[1], pc)?;
            Ok(port::sysfile::sysfauth(up, int(a[0]), &aname)? as i64)
        }
        sys::RENDEZVOUS => {
            Ok(port::sysproc::sysrendezvous(&up.rgrp, a[0], a[1]) as i64)
        }
        sys::ALARM => Ok(uproc::alarm(int(a[0]).max(0) as u64) as i64),
        sys::NOTIFY => {
            u.notify = a[0];
            crate::uproc::me().notes.ilock().handler = a[0] != 0;
            Ok(0)
        }
        sys::NOTED => uproc::noted(ureg, int(a[0])),
        sys::BRK => {
            let p = crate::uproc::me();
            let tab = p.segtab.ok_or(Error::Ebadarg)?;
            let mut segs = crate::mmu::SEGS.ilock();
            let id = tab[port::segment::BSEG].ok_or(Error::Ebadarg)?;
            let oldtop = segs.get(id).top;
            crate::mmu::palloc().with(|pa| segs.ibrk(pa, &tab, a[0], port::segment::BSEG))?;
            let shrunk = segs.get(id).top < oldtop;
            drop(segs);
            if shrunk {
                let s = crate::l::splhi();
                if let Some(pm) = p.pmap.as_mut() {
                    pm.flush();
                }
                crate::l::splx(s);
            }
            Ok(0)
        }
        sys::SLEEP => {
            let ms = int(a[0]);
            if ms <= 0 {
                crate::sched::yield_();
            } else {
                let r = crate::sched::Rendez::default();
                crate::sched::tsleep(&r, &mut || false, ms as u64)?;
            }
            Ok(0)
        }
        sys::NSEC => Ok(crate::clock::todget()),
        _ => Err(badcall()),
    }
}

/// An unknown call: 9front posts `sys: bad sys call` and fails it.
fn badcall() -> Error {
    crate::trap::postnote(port::proc::BADSYSCALLNOTE);
    Error::Ebadarg
}
