//! The portable half of 9front's process system calls: a port of
//! `port/sysproc.c`, with the parts of `port/portdat.h`, `port/proc.c`
//! (`pexit`'s wait message, `pwait`), `pc64/trap.c` (`execregs`, `noted`)
//! and `port/mksystab` that they need.
//!
//! Everything here is pure or generic over [`Sched`]: the kernel (pc64)
//! owns processes, address spaces, registers and user memory, and calls
//! these functions with what it read from the user, then does what they
//! return. In order:
//!
//! - **System-call names** ([`SYSCTAB`], [`sysname`]): `systab.h`'s
//!   `sysctab[]` as `mksystab` makes it from `libc/9syscall/sys.h`, for
//!   `/proc/n/status` and syscall tracing. The numbers themselves are
//!   libc's ([`libc::sys`], re-exported as [`sys`]), shared with the native
//!   libc's stubs, so there is one copy.
//! - **exec** ([`execparse`], [`execresolve`], [`shargs`], [`execstack`],
//!   [`procargs`], [`execelem`]): the checks of `sysexec` on the image,
//!   `#!` scripts, and the new stack. planten's documented deviation:
//!   executables are static ELF64 x86-64 (linked by
//!   `sys/src/libc/amd64/user.ld`), not a.out; see [`elfexec`] for the
//!   rules, which keep a.out's: text at UTZERO with the header in it,
//!   data and bss above it, below the stack, entry inside the text.
//! - **Wait messages** ([`Waitmsg`], [`Waitq`], [`pwait`]): `pexit`'s
//!   message, `sysawait`'s text and its truncation, libc's `wait` parse.
//! - **rfork** ([`rforkplan`], [`sysrfork`]): the flag checks and what
//!   each flag asks for, over `pgrp.rs`'s [`rforkgrp`].
//! - **rendezvous** ([`sysrendezvous`]) over an [`Rgrp`]'s hash.
//! - **Semaphores** ([`syssemacquire`], [`systsemacquire`],
//!   [`syssemrelease`]) on a user word reached through [`UserWord`].
//! - **errstr** ([`Errstr`]): the exchange of `syserrstr`.
//! - **notify/noted** ([`sysnotify`], [`sysnoted`], [`noted`],
//!   [`forknotes`], [`execnotes`]) over `proc.rs`'s [`Notes`].
//! - **sleep and alarm** ([`syssleep`], [`sysalarm`]), **exits**
//!   ([`exitstatus`]), and the **segment** calls.
//!
//! ## The stack exec builds (amd64)
//!
//! [`execstack`] returns the bytes from the new stack pointer up to
//! USTKTOP, which the kernel copies, with the stack pointer and the
//! value of AX. With `n` arguments whose strings, each with its NUL, take
//! `s` bytes, `nbytes = sizeof(Tos) + s` and
//! `ssize = 8*(n+1) + round8(nbytes)`:
//!
//! | address | what |
//! | --- | --- |
//! | USTKTOP−72 … USTKTOP | the `Tos` (`sys/include/tos.h` on amd64: `prof` 40 bytes, `cyclefreq` at 40, `kcycles` 48, `pcycles` 56, `pid` (32 bits) 64, `clock` 68) |
//! | USTKTOP−nbytes … USTKTOP−72 | the argument strings, in order, each NUL-terminated |
//! | USTKTOP−ssize+8n | a nil word, then zeros up to the strings |
//! | USTKTOP−ssize … | `argv[0]` … `argv[n-1]`: the strings' addresses |
//! | SP = USTKTOP−ssize−8 | `argc` (a whole word) |
//!
//! and AX = USTKTOP−72, the `Tos`. This is what `sysexec` and `execregs`
//! make, and what the native libc's `_main` (`sys/src/libc/amd64/main9.rs`)
//! reads: AX into `_tos`, `argc` at SP, `argv` at SP+8, ended by the nil
//! word. SP is 8-aligned, never more (`_main` aligns it for the calls).
//!
//! ## What differs from 9front
//!
//! - exec takes static ELF64 images instead of a.out (above); a file that
//!   is neither ELF nor `#!` is "exec header invalid", as a foreign a.out
//!   is. Well-formed ELF that planten cannot run (32-bit, another
//!   machine, big-endian, dynamic or position-independent, thread-local
//!   storage) gets "exec header invalid: " and the reason.
//! - `#!` with 32 words on the line is taken (9front's `progarg` then
//!   overflows by one); the line is tokenized as bytes.
//! - The kernel reads [`EXECHDR`] bytes of the file, not 256, so that
//!   the ELF program headers are in them; `#!` lines still end within
//!   the first 256.
//! - The `Tos`'s `pid` is filled in by [`execstack`] (9front's `kexit`
//!   writes it on the way out of the kernel).
//! - A rendezvous, semaphore or wait sleeps with [`Sched::sleep`], which
//!   a note pending on entry interrupts too (9front's `sysrendezvous`
//!   calls `sched` directly, so a note posted just before it sleeps is
//!   noticed only by the next one). An interrupted rendezvous returns
//!   `~0`, as in 9front.
//! - `pwait` does not refuse a second waiter with `Einuse` (9front's
//!   `canqlock(&up->qwaitr)`): the kernel holds the process's wait lock.
//! - The segment calls ([`syssegbrk`], [`sysbrk`], [`syssegdetach`],
//!   [`syssegfree`], [`semseg`]) work on `segment.rs`'s [`Segs`] and a
//!   [`Segtab`] the kernel has locked; `segattach` is `Segs::segattach`
//!   itself. `sys_wait` and `_errstr` (calls for old binaries), `sysr1`
//!   and `_nsec` are the kernel's.

use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::alarm::Alarms;
use crate::page::{Palloc, BY2PG};
use crate::pgrp::{rforkgrp, Rgrp};
use crate::portdat::{rfork::*, Up};
use crate::portfns::{ILock, Sched};
use crate::proc::{Note, NoteFlag, Notes, ERRMAX};
pub use crate::segment::USTKTOP;
use crate::segment::{SegId, SegType, Segs, Segtab, BSEG, NSEG, SG_RONLY, SSEG};
use crate::{Error, Result};

pub use libc::sys;

// ---------------------------------------------------------------------
// System-call names.

/// How many system-call numbers there are (`nsyscall`).
pub const NSYSCALL: usize = 54;

/// `sysctab[]`: the name of each system call, as `mksystab` makes it from
/// sys.h (the name with its first letter kept and the rest in lower case,
/// a trailing `_` dropped, `SYSR1` shown as `Running`, `RENDEZVOUS` as
/// `Rendez`); `None` for the numbers sys.h leaves out.
pub const SYSCTAB: [Option<&str>; NSYSCALL] = [
    Some("Running"),
    Some("_errstr"),
    Some("Bind"),
    Some("Chdir"),
    Some("Close"),
    Some("Dup"),
    Some("Alarm"),
    Some("Exec"),
    Some("Exits"),
    Some("_fsession"),
    Some("Fauth"),
    Some("_fstat"),
    Some("Segbrk"),
    Some("_mount"),
    Some("Open"),
    Some("_read"),
    Some("Oseek"),
    Some("Sleep"),
    Some("_stat"),
    Some("Rfork"),
    Some("_write"),
    Some("Pipe"),
    Some("Create"),
    Some("Fd2path"),
    Some("Brk"),
    Some("Remove"),
    Some("_wstat"),
    Some("_fwstat"),
    Some("Notify"),
    Some("Noted"),
    Some("Segattach"),
    Some("Segdetach"),
    Some("Segfree"),
    Some("Segflush"),
    Some("Rendez"),
    Some("Unmount"),
    Some("_wait"),
    Some("Semacquire"),
    Some("Semrelease"),
    Some("Seek"),
    Some("Fversion"),
    Some("Errstr"),
    Some("Stat"),
    Some("Fstat"),
    Some("Wstat"),
    Some("Fwstat"),
    Some("Mount"),
    Some("Await"),
    None,
    None,
    Some("Pread"),
    Some("Pwrite"),
    Some("Tsemacquire"),
    Some("_nsec"),
];

/// The name of system call `n` (`sysctab[n]`), `None` for a number that
/// names none (syscallfmt prints "huh?" for those in range).
pub fn sysname(n: u64) -> Option<&'static str> {
    SYSCTAB.get(usize::try_from(n).ok()?).copied().flatten()
}

// ---------------------------------------------------------------------
// exec.

/// The first address of user text (`pc64/mem.h` UTZERO).
pub const UTZERO: u64 = 0x20_0000;
/// The size of the user stack (`USTKSIZE`, 16 MiB).
pub const USTKSIZE: u64 = 16 * 1024 * 1024;
/// Bytes in a machine word (`BY2WD`).
pub const BY2WD: u64 = 8;
/// `sizeof(Tos)` on amd64 (`sys/include/tos.h`).
pub const TOSSIZE: u64 = 72;
/// How many bytes of a file the kernel reads to decide what it is.
pub const EXECHDR: usize = 4096;
/// The longest `#!` line: it must end (with its newline) within the
/// first 256 bytes of the file (sysexec's `u.buf` and `line`).
pub const SHLINE: usize = 256;
/// The most words of a `#!` line kept (`nelem(progarg)-1`).
pub const NPROGARG: usize = 32;
/// How much of the arguments `/proc/n/args` keeps (sysexec's 128).
pub const NARGS: usize = 128;
/// The size of `up->genbuf`, which holds the program's name.
pub const GENBUF: usize = 128;

const ELFHDR: u64 = 64;
const PHENT: u64 = 56;
const EM_X86_64: u16 = 62;
const PT_LOAD: u32 = 1;
const PT_DYNAMIC: u32 = 2;
const PT_INTERP: u32 = 3;
const PT_SHLIB: u32 = 5;
const PT_TLS: u32 = 7;
const PF_X: u32 = 1;
const PF_W: u32 = 2;
const PF_R: u32 = 4;

fn pground(a: u64) -> Option<u64> {
    Some(a.checked_add(BY2PG - 1)? & !(BY2PG - 1))
}

/// One segment of a new image: `[base, top)`, whose first `flen` bytes
/// come from the file at `fstart`; the rest is zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExecSeg {
    pub base: u64,
    pub top: u64,
    pub fstart: u64,
    pub flen: u64,
}

/// What exec makes of an executable: the segments sysexec builds (text,
/// shared and read-only, from the file; data, private, from the file;
/// bss, zero) and where to start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exec {
    /// The entry point (`_main`).
    pub entry: u64,
    /// TSEG: read-only and executable, the file's first bytes (the
    /// headers with the text, as an a.out's).
    pub text: ExecSeg,
    /// DSEG: writable; `base == top` when there is no data.
    pub data: ExecSeg,
    /// BSEG: zero-filled; `flen` is 0.
    pub bss: ExecSeg,
    /// The end of the bss before rounding (`end`, the initial break).
    pub bssend: u64,
}

/// What the first bytes of a file say it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Image {
    /// An executable.
    Binary(Exec),
    /// A `#!` script: the words of its first line (the interpreter
    /// first), as [`shargs`] splits them.
    Script(Vec<Vec<u8>>),
}

fn foreign(why: &str) -> Error {
    Error::Msg(format!("{}: {}", Error::Ebadexec.as_str(), why))
}

fn rd16(b: &[u8], o: u64) -> Result<u16> {
    let o = usize::try_from(o).map_err(|_| Error::Ebadexec)?;
    let s = b
        .get(o..o.checked_add(2).ok_or(Error::Ebadexec)?)
        .ok_or(Error::Ebadexec)?;
    Ok(u16::from_le_bytes([s[0], s[1]]))
}

fn rd32(b: &[u8], o: u64) -> Result<u32> {
    let o = usize::try_from(o).map_err(|_| Error::Ebadexec)?;
    let s = b
        .get(o..o.checked_add(4).ok_or(Error::Ebadexec)?)
        .ok_or(Error::Ebadexec)?;
    Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn rd64(b: &[u8], o: u64) -> Result<u64> {
    let o = usize::try_from(o).map_err(|_| Error::Ebadexec)?;
    let s = b
        .get(o..o.checked_add(8).ok_or(Error::Ebadexec)?)
        .ok_or(Error::Ebadexec)?;
    let mut w = [0u8; 8];
    w.copy_from_slice(s);
    Ok(u64::from_le_bytes(w))
}

#[derive(Clone, Copy)]
struct Phdr {
    flags: u32,
    offset: u64,
    vaddr: u64,
    filesz: u64,
    memsz: u64,
}

/// Whether `hdr` starts with the ELF magic.
pub fn iself(hdr: &[u8]) -> bool {
    hdr.starts_with(b"\x7fELF")
}

/// Check a static ELF64 x86-64 executable and describe the image
/// sysexec would build from it; `hdr` is the file's first bytes (at
/// least its headers: the kernel reads [`EXECHDR`]) and `flen` its
/// length (`u64::MAX` if unknown).
///
/// The rules are a.out's, as sysexec checks them, in ELF's terms, with
/// "exec header invalid" (`Ebadexec`) when one fails:
///
/// - the ELF header is whole, 64-bit little-endian, version 1, for
///   x86-64, of type `ET_EXEC`, with 56-byte program headers that lie
///   within `hdr`; no `PT_INTERP`, `PT_DYNAMIC` or `PT_TLS` (what is
///   well-formed but foreign says so after the colon);
/// - one or two `PT_LOAD`s (empty ones are ignored): the text, then
///   optionally the data;
/// - the text is read/execute, not writable, at UTZERO from file offset
///   0 (so it holds the headers, as an a.out's text does), with no bss
///   of its own; the entry lies in it past the ELF header (sysexec's
///   `entry < text`, `text <= entry`);
/// - the data is writable, page-aligned, at or above the page after the
///   text, with no more file bytes than memory;
/// - every segment's bytes are in the file, each size fits in 32 bits
///   (an a.out header's), and the text end, the data end and the bss
///   end lie below the stack (USTKTOP−USTKSIZE).
pub fn elfexec(hdr: &[u8], flen: u64) -> Result<Exec> {
    if !iself(hdr) || (hdr.len() as u64) < ELFHDR {
        return Err(Error::Ebadexec);
    }
    match hdr[4] {
        2 => {}
        1 => return Err(foreign("32-bit ELF, not amd64")),
        _ => return Err(Error::Ebadexec),
    }
    match hdr[5] {
        1 => {}
        2 => return Err(foreign("big-endian ELF, not amd64")),
        _ => return Err(Error::Ebadexec),
    }
    if hdr[6] != 1 || rd32(hdr, 20)? != 1 {
        return Err(Error::Ebadexec);
    }
    let machine = rd16(hdr, 18)?;
    if machine != EM_X86_64 {
        return Err(foreign(&format!("ELF machine {}, not amd64", machine)));
    }
    match rd16(hdr, 16)? {
        2 => {}
        3 => return Err(foreign("position-independent or dynamic executable")),
        _ => return Err(foreign("not an executable")),
    }
    let entry = rd64(hdr, 24)?;
    let phoff = rd64(hdr, 32)?;
    let phentsize = rd16(hdr, 54)? as u64;
    let phnum = rd16(hdr, 56)? as u64;
    if phentsize != PHENT || phnum == 0 || phnum == 0xffff {
        return Err(Error::Ebadexec);
    }
    let phend = phnum
        .checked_mul(PHENT)
        .and_then(|n| n.checked_add(phoff))
        .ok_or(Error::Ebadexec)?;
    if phend > hdr.len() as u64 || phend > flen {
        return Err(Error::Ebadexec);
    }
    let mut loads: Vec<Phdr> = Vec::new();
    for i in 0..phnum {
        let o = phoff + i * PHENT;
        match rd32(hdr, o)? {
            PT_LOAD => {
                let p = Phdr {
                    flags: rd32(hdr, o + 4)?,
                    offset: rd64(hdr, o + 8)?,
                    vaddr: rd64(hdr, o + 16)?,
                    filesz: rd64(hdr, o + 32)?,
                    memsz: rd64(hdr, o + 40)?,
                };
                if p.memsz != 0 || p.filesz != 0 {
                    if loads.len() == 2 {
                        return Err(Error::Ebadexec);
                    }
                    loads.push(p);
                }
            }
            PT_DYNAMIC | PT_INTERP => return Err(foreign("dynamic executable")),
            PT_TLS => return Err(foreign("thread-local storage")),
            PT_SHLIB => return Err(Error::Ebadexec),
            _ => {}
        }
    }
    let lim = USTKTOP - USTKSIZE;
    let fits = |off: u64, n: u64| off.checked_add(n).is_some_and(|e| e <= flen);
    let big = |n: u64| n > u32::MAX as u64;
    let text = *loads.first().ok_or(Error::Ebadexec)?;
    if text.vaddr != UTZERO
        || text.offset != 0
        || text.flags & (PF_R | PF_X) != (PF_R | PF_X)
        || text.flags & PF_W != 0
        || text.filesz != text.memsz
        || text.filesz < ELFHDR
        || big(text.filesz)
        || !fits(0, text.filesz)
    {
        return Err(Error::Ebadexec);
    }
    let tend = UTZERO + text.filesz;
    if tend >= lim || entry < UTZERO + ELFHDR || entry >= tend {
        return Err(Error::Ebadexec);
    }
    let t = pground(tend).ok_or(Error::Ebadexec)?;
    let (data, bss, bssend) = match loads.get(1) {
        None => (
            ExecSeg {
                base: t,
                top: t,
                fstart: 0,
                flen: 0,
            },
            ExecSeg {
                base: t,
                top: t,
                fstart: 0,
                flen: 0,
            },
            t,
        ),
        Some(d) => {
            if d.flags & (PF_R | PF_W) != (PF_R | PF_W)
                || d.vaddr % BY2PG != 0
                || d.vaddr < t
                || d.filesz > d.memsz
                || big(d.filesz)
                || big(d.memsz)
                || !fits(d.offset, d.filesz)
            {
                return Err(Error::Ebadexec);
            }
            let dend = d.vaddr.checked_add(d.filesz).ok_or(Error::Ebadexec)?;
            let bend = d.vaddr.checked_add(d.memsz).ok_or(Error::Ebadexec)?;
            let dtop = pground(dend).ok_or(Error::Ebadexec)?;
            let btop = pground(bend).ok_or(Error::Ebadexec)?;
            if d.vaddr >= lim || dtop >= lim || btop >= lim {
                return Err(Error::Ebadexec);
            }
            (
                ExecSeg {
                    base: d.vaddr,
                    top: dtop,
                    fstart: d.offset,
                    flen: d.filesz,
                },
                ExecSeg {
                    base: dtop,
                    top: btop,
                    fstart: 0,
                    flen: 0,
                },
                bend,
            )
        }
    };
    Ok(Exec {
        entry,
        text: ExecSeg {
            base: UTZERO,
            top: t,
            fstart: 0,
            flen: text.filesz,
        },
        data,
        bss,
        bssend,
    })
}

/// What the first bytes `hdr` of a file of length `flen` are, as
/// sysexec decides: an ELF executable ([`elfexec`]'s checks), else a
/// `#!` script ([`shargs`]), else "exec header invalid".
pub fn execparse(hdr: &[u8], flen: u64) -> Result<Image> {
    if iself(hdr) {
        return elfexec(hdr, flen).map(Image::Binary);
    }
    let line = &hdr[..hdr.len().min(SHLINE)];
    match shargs(line) {
        Some(w) if !w.is_empty() => Ok(Image::Script(w)),
        _ => Err(Error::Ebadexec),
    }
}

fn issep(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// libc's `tokenize` on bytes, as the kernel's copy runs it on a `#!`
/// line: at most `max` words, split at blanks, tabs, returns and
/// newlines, with rc's quotes; a NUL ends the line.
fn tokenize(s: &[u8], max: usize) -> Vec<Vec<u8>> {
    let end = s.iter().position(|&c| c == 0).unwrap_or(s.len());
    let s = &s[..end];
    let mut out = Vec::new();
    let mut i = 0;
    while out.len() < max {
        while i < s.len() && issep(s[i]) {
            i += 1;
        }
        if i >= s.len() {
            break;
        }
        let mut tok = Vec::new();
        let mut quoting = false;
        while i < s.len() && (quoting || !issep(s[i])) {
            let c = s[i];
            i += 1;
            if c != b'\'' {
                tok.push(c);
            } else if !quoting {
                quoting = true;
            } else if s.get(i) == Some(&b'\'') {
                tok.push(b'\'');
                i += 1;
            } else {
                quoting = false;
            }
        }
        out.push(tok);
    }
    out
}

/// `shargs`: the words of a `#!` line, `None` if `buf` (the file's first
/// bytes, at most [`SHLINE`] of them) does not start with `#!` or
/// holds nothing after it; no newline in `buf` gives no words (both make
/// exec fail). At most [`NPROGARG`] words are kept.
pub fn shargs(buf: &[u8]) -> Option<Vec<Vec<u8>>> {
    let buf = &buf[..buf.len().min(SHLINE)];
    if buf.len() <= 2 || !buf.starts_with(b"#!") {
        return None;
    }
    let s = &buf[2..];
    let Some(nl) = s.iter().position(|&c| c == b'\n') else {
        return Some(Vec::new());
    };
    Some(tokenize(&s[..nl], NPROGARG))
}

/// `kstrcpy(s, t, ns)`: `t` cut to fit `ns` bytes with its NUL; a cut
/// string ends in "..." placed at a UTF-8 boundary.
pub fn kstrcpy(t: &[u8], ns: usize) -> Vec<u8> {
    if t.len() < ns {
        return t.to_vec();
    }
    if ns == 0 {
        return Vec::new();
    }
    let mut s = t[..ns - 1].to_vec();
    if ns < 4 {
        return s;
    }
    let mut n = ns - 4;
    while n > 0 {
        n -= 1;
        if s[n] & 0xC0 != 0x80 {
            break;
        }
    }
    s.truncate(n);
    s.extend_from_slice(b"...");
    s
}

/// The program's name as namec leaves it in `up->genbuf` for exec (the
/// process's `text`): the last element of `name` after any `#c` device
/// prefix, not counting `.` elements, "." if there is none, cut to
/// [`GENBUF`] bytes by [`kstrcpy`].
pub fn execelem(name: &[u8]) -> Vec<u8> {
    let mut rest = name;
    if rest.first() == Some(&b'#') {
        let mut n = 0;
        while n < rest.len() && (rest[n] != b'/' || n < 2) {
            n += 1;
        }
        rest = &rest[n..];
    }
    let last = rest
        .split(|&c| c == b'/')
        .rfind(|e| !e.is_empty() && *e != b".")
        .unwrap_or(b".");
    kstrcpy(last, GENBUF)
}

/// What the kernel's `open` gives [`execresolve`]: the open file (its
/// channel), its first [`EXECHDR`] bytes (fewer if it is shorter) and
/// its length.
pub type Opened<T> = (T, Vec<u8>, u64);

/// An executable found by [`execresolve`].
pub struct Resolved<T> {
    /// The open executable (the kernel's channel).
    pub chan: T,
    /// Its image.
    pub exec: Exec,
    /// The new program's arguments.
    pub argv: Vec<Vec<u8>>,
    /// The process's new `text` (the name exec was given's last
    /// element: a script's, not its interpreter's).
    pub text: Vec<u8>,
}

/// sysexec's search for the image: open `file` with `open` (the kernel's
/// `namec(name, Aopen, OEXEC)`, returning the channel, the file's first
/// [`EXECHDR`] bytes and its length), and if it is a `#!` script, open
/// its interpreter instead, whose arguments are then the script's name
/// (its last element), the words after the interpreter on the `#!`
/// line, `file` as given, and `argv` but its first. A script whose
/// interpreter is a script is "exec header invalid"; so is an empty
/// `#!` line. `argv` must not be empty (Ebadarg).
pub fn execresolve<T>(
    file: &str,
    argv: Vec<Vec<u8>>,
    open: &mut dyn FnMut(&str) -> Result<Opened<T>>,
) -> Result<Resolved<T>> {
    if argv.is_empty() {
        return Err(Error::Ebadarg);
    }
    let elem = execelem(file.as_bytes());
    let mut name = String::from(file);
    let mut progarg: Option<Vec<Vec<u8>>> = None;
    loop {
        let (chan, hdr, flen) = open(&name)?;
        let img = if iself(&hdr) {
            Image::Binary(elfexec(&hdr, flen)?)
        } else if progarg.is_some() {
            return Err(Error::Ebadexec);
        } else {
            execparse(&hdr, flen)?
        };
        match img {
            Image::Binary(exec) => {
                let argv = match progarg {
                    None => argv,
                    Some(mut p) => {
                        p.extend(argv.into_iter().skip(1));
                        p
                    }
                };
                return Ok(Resolved {
                    chan,
                    exec,
                    argv,
                    text: elem,
                });
            }
            Image::Script(mut words) => {
                drop(chan);
                let interp = core::mem::replace(&mut words[0], elem.clone());
                words.push(Vec::from(file.as_bytes()));
                name = String::from_utf8(interp).map_err(|_| Error::Ebadchar)?;
                progarg = Some(words);
            }
        }
    }
}

/// The new stack of an exec: see the module documentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stack {
    /// The initial stack pointer, at `argc`.
    pub sp: u64,
    /// The address of the `Tos`, the program's initial AX.
    pub tos: u64,
    /// The bytes from `sp` to the top of the stack.
    pub image: Vec<u8>,
}

/// Build the stack sysexec and `execregs` make for `argv` under
/// `ustktop`, with the `Tos`'s `cyclefreq` and `pid` (the other clocks
/// zero). The arguments' bytes must hold no NUL (Ebadarg: the kernel
/// reads each up to its NUL); their strings and the `Tos` must take less
/// than USTKSIZE, and the whole less than USTKSIZE when rounded to pages
/// (else "virtual memory allocation failed", 9front's `Enovmem`). An
/// empty `argv` is Ebadarg.
pub fn execstack<A: AsRef<[u8]>>(
    argv: &[A],
    ustktop: u64,
    cyclefreq: u64,
    pid: u32,
) -> Result<Stack> {
    if argv.is_empty() {
        return Err(Error::Ebadarg);
    }
    let mut nbytes = TOSSIZE;
    for a in argv {
        let a = a.as_ref();
        if a.contains(&0) {
            return Err(Error::Ebadarg);
        }
        nbytes += a.len() as u64 + 1;
        if nbytes >= USTKSIZE {
            return Err(Error::Enovmem);
        }
    }
    let nargs = argv.len() as u64;
    let ssize = BY2WD * (nargs + 1) + ((nbytes + BY2WD - 1) & !(BY2WD - 1));
    if pground(ssize).is_none_or(|s| s >= USTKSIZE) {
        return Err(Error::Enovmem);
    }
    let len = ssize + BY2WD;
    if !ustktop.is_multiple_of(BY2WD) || ustktop < len {
        return Err(Error::Enovmem);
    }
    let sp = ustktop - len;
    let tos = ustktop - TOSSIZE;
    let mut image = alloc::vec![0u8; len as usize];
    let off = |a: u64| (a - sp) as usize;
    image[0..8].copy_from_slice(&nargs.to_le_bytes());
    let mut charp = ustktop - nbytes;
    for (i, a) in argv.iter().enumerate() {
        let a = a.as_ref();
        let slot = off(ustktop - ssize) + 8 * i;
        image[slot..slot + 8].copy_from_slice(&charp.to_le_bytes());
        let o = off(charp);
        image[o..o + a.len()].copy_from_slice(a);
        charp += a.len() as u64 + 1;
    }
    let t = off(tos);
    image[t + 40..t + 48].copy_from_slice(&cyclefreq.to_le_bytes());
    image[t + 64..t + 68].copy_from_slice(&pid.to_le_bytes());
    Ok(Stack { sp, tos, image })
}

/// `up->args` after an exec (what `/proc/n/args` reads): the argument
/// strings with their NULs, at most [`NARGS`] bytes of them; when cut,
/// the last is ended by a NUL put at a UTF-8 boundary, as sysexec does
/// with `fullrune`.
pub fn procargs<A: AsRef<[u8]>>(argv: &[A]) -> Vec<u8> {
    let mut a = Vec::new();
    for s in argv {
        a.extend_from_slice(s.as_ref());
        a.push(0);
        if a.len() >= NARGS {
            break;
        }
    }
    a.truncate(NARGS);
    let n = a.len();
    if n > 0 && a[n - 1] != 0 {
        let mut i = n - 1;
        while i > 0 {
            if libc::rune::fullrune(&a[i..n]) {
                break;
            }
            i -= 1;
        }
        a[i] = 0;
        a.truncate(i + 1);
    }
    a
}

// ---------------------------------------------------------------------
// exits and wait.

/// sysexits's status for an unreadable exit string.
pub const INVALIDEXIT: &str = "invalid exit string";

/// sysexits's exit status: `None` for a nil pointer (a normal exit);
/// otherwise the string's bytes as read from user memory (the kernel
/// reads at most ERRMAX bytes, stopping at a NUL; `Err` if it could not
/// read them, which makes the status "invalid exit string"). Without a
/// NUL in its first ERRMAX bytes the string is cut to ERRMAX-1.
pub fn exitstatus(status: Option<Result<&[u8]>>) -> Option<Vec<u8>> {
    let s = match status? {
        Err(_) => return Some(Vec::from(INVALIDEXIT.as_bytes())),
        Ok(s) => s,
    };
    let s = &s[..s.len().min(ERRMAX)];
    Some(match s.iter().position(|&c| c == 0) {
        Some(n) => s[..n].to_vec(),
        None => s[..s.len().min(ERRMAX - 1)].to_vec(),
    })
}

/// Which of a Waitmsg's times is which (`TUser`, `TSys`, `TReal`).
pub const TUSER: usize = 0;
pub const TSYS: usize = 1;
pub const TREAL: usize = 2;

/// A child's wait message (`Waitmsg` of port/lib.h).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waitmsg {
    /// The child's pid.
    pub pid: u32,
    /// Its user and system time (with its children's) and its real
    /// time, in milliseconds.
    pub time: [u32; 3],
    /// "" for a normal exit, else "text pid: status", at most ERRMAX-1
    /// bytes.
    pub msg: String,
}

/// `s` cut to at most `n` bytes at a character boundary (how fmt stops
/// copying a string into a full buffer).
fn cut(s: &str, n: usize) -> &str {
    if s.len() <= n {
        return s;
    }
    let mut k = n;
    while !s.is_char_boundary(k) {
        k -= 1;
    }
    &s[..k]
}

/// How `%q` fits `s` into `nout` bytes (fmtquote.c's `_quotesetup` with
/// the kernel's test: quote for blanks, control characters and quotes):
/// whether it is quoted, how many bytes of `s` it takes.
fn quotesetup(s: &str, nout: usize) -> (bool, usize) {
    let mut quoted = false;
    let mut nout_used = 0usize;
    let mut nin = 0usize;
    if s.is_empty() {
        if nout < 2 {
            return (false, 0);
        }
        quoted = true;
        nout_used = 2;
    }
    for c in s.chars() {
        let w = c.len_utf8();
        if nout_used + w > nout {
            break;
        }
        if c <= ' ' || c == '\'' {
            if !quoted {
                if 1 + nout_used + w + 1 > nout {
                    break;
                }
                nout_used += 2;
                quoted = true;
            }
            if c == '\'' {
                if 1 + nout_used + w > nout {
                    break;
                }
                nout_used += 1;
            }
        }
        nin += w;
        nout_used += w;
    }
    (quoted, nin)
}

impl Waitmsg {
    /// The message `pexit` leaves for the parent of process `pid`
    /// running `text` that exits with `exitstr`: `snprint(msg, ERRMAX,
    /// "%s %lud: %s", ...)` when the status is not empty, else "".
    pub fn new(pid: u32, text: &str, time: [u32; 3], exitstr: Option<&str>) -> Waitmsg {
        let msg = match exitstr {
            Some(e) if !e.is_empty() => {
                let m = format!("{} {}: {}", text, pid, e);
                String::from(cut(&m, ERRMAX - 1))
            }
            _ => String::new(),
        };
        Waitmsg { pid, time, msg }
    }

    /// sysawait's text for a buffer of `n` bytes: `snprint(p, n, "%d
    /// %lud %lud %lud %q", ...)`, which writes at most `n-1` bytes and a
    /// NUL; the result is the bytes before the NUL (the call's return
    /// value is their count). Cut short, the numbers lose their tail
    /// and the message is quoted within what is left, so that it still
    /// parses. `None` for `n == 0` (snprint's -1, which await returns
    /// having taken the message).
    pub fn fmt(&self, n: usize) -> Option<Vec<u8>> {
        if n == 0 {
            return None;
        }
        let room = n - 1;
        let head = format!(
            "{} {} {} {} ",
            self.pid as i32, self.time[TUSER], self.time[TSYS], self.time[TREAL]
        );
        let mut out = Vec::with_capacity(room.min(head.len() + self.msg.len() + 2));
        out.extend_from_slice(&head.as_bytes()[..head.len().min(room)]);
        if out.len() < head.len() {
            return Some(out);
        }
        let (quoted, nin) = quotesetup(&self.msg, room - out.len());
        let m = &self.msg.as_bytes()[..nin];
        if !quoted {
            out.extend_from_slice(m);
        } else {
            out.push(b'\'');
            for &c in m {
                out.push(c);
                if c == b'\'' {
                    out.push(b'\'');
                }
            }
            out.push(b'\'');
        }
        Some(out)
    }

    /// libc's `wait`: a wait message from await's text (`tokenize` into
    /// exactly five fields, `atoi` of the numbers), else "couldn't parse
    /// wait message".
    pub fn parse(b: &[u8]) -> Result<Waitmsg> {
        let s = String::from_utf8_lossy(b);
        let s = s.split('\0').next().unwrap_or("");
        let f = libc::tokenize::tokenize(s, 5);
        if f.len() != 5 {
            return Err(Error::Msg(String::from("couldn't parse wait message")));
        }
        let n = |s: &str| libc::atol::atoi(s) as u32;
        Ok(Waitmsg {
            pid: n(&f[0]),
            time: [n(&f[1]), n(&f[2]), n(&f[3])],
            msg: f[4].clone(),
        })
    }
}

/// The most wait messages a process keeps (pexit's 128).
pub const NWAIT: usize = 128;

/// A process's children (`up->waitq`, `nwait`, `nchild`), under the
/// kernel's lock (`up->exl`).
#[derive(Debug, Default)]
pub struct Waitq {
    q: VecDeque<Waitmsg>,
    /// Children that will leave a message (forked without RFNOWAIT,
    /// not yet exited).
    pub nchild: u32,
}

impl Waitq {
    /// No children.
    pub const fn new() -> Waitq {
        Waitq {
            q: VecDeque::new(),
            nchild: 0,
        }
    }

    /// A child forked without RFNOWAIT (sysrfork's `nchild++`).
    pub fn addchild(&mut self) {
        self.nchild += 1;
    }

    /// pexit's delivery of a child's message: one child fewer, and the
    /// message kept unless [`NWAIT`] are already waiting (pexit drops it
    /// then, against daemons that never wait). Whether it was kept: then
    /// the kernel wakes the parent's `waitr`, after letting go of the
    /// lock.
    pub fn childexit(&mut self, w: Waitmsg) -> bool {
        self.nchild = self.nchild.saturating_sub(1);
        if self.q.len() >= NWAIT {
            return false;
        }
        self.q.push_front(w);
        true
    }

    /// Messages waiting (`nwait`).
    pub fn nwait(&self) -> usize {
        self.q.len()
    }

    /// `haswaitq`: whether a message waits.
    pub fn haswaitq(&self) -> bool {
        !self.q.is_empty()
    }

    /// pwait's test: the newest message (9front keeps them as a stack),
    /// `Ok(None)` if there is none yet but children live (sleep until
    /// [`Waitq::haswaitq`]), "no living children" if there are neither.
    pub fn take(&mut self) -> Result<Option<Waitmsg>> {
        if let Some(w) = self.q.pop_front() {
            return Ok(Some(w));
        }
        if self.nchild == 0 {
            return Err(Error::Enochild);
        }
        Ok(None)
    }

    /// pexit's end of a process: its own messages are dropped and its
    /// children can leave no more (`nchild = nwait = 0`).
    pub fn clear(&mut self) {
        self.q.clear();
        self.nchild = 0;
    }
}

/// `pwait`: the next wait message of the caller, whose children are in
/// `q`, sleeping on `waitr` until one comes; "no living children" when
/// there is none to wait for, "interrupted" by a note.
pub fn pwait<S: Sched>(q: &S::Lock<Waitq>, waitr: &S::Rendez) -> Result<Waitmsg> {
    loop {
        if let Some(w) = q.ilock().take()? {
            return Ok(w);
        }
        S::sleep(waitr, &mut || {
            let g = q.ilock();
            g.haswaitq() || g.nchild == 0
        })?;
    }
}

// ---------------------------------------------------------------------
// rfork.

/// What happens to one of a process's groups in an rfork.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grp {
    /// Shared with the parent.
    Share,
    /// A copy of the parent's (RFNAMEG, RFFDG, RFENVG).
    Copy,
    /// A new, empty one (RFCNAMEG, RFCFDG, RFCENVG, RFREND).
    Clean,
}

/// What an rfork asks for (`sysrfork`): without `proc` the changes are
/// to the caller itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rforkplan {
    /// RFPROC: make a new process.
    pub proc: bool,
    /// The file descriptor table.
    pub fd: Grp,
    /// The name space.
    pub ns: Grp,
    /// The environment (`Egrp`).
    pub env: Grp,
    /// The rendezvous group: `Share` or `Clean`.
    pub rend: Grp,
    /// RFNOTEG: a new note group (the caller's or the child's).
    pub noteg: bool,
    /// RFMEM: the child shares the data and bss (and other shareable)
    /// segments instead of copies; the stack is copied regardless.
    pub mem: bool,
    /// RFNOWAIT: the child leaves no wait message and is not counted
    /// among the parent's children.
    pub nowait: bool,
    /// RFNOMNT: the name space may attach only `|decp`.
    pub nomnt: bool,
}

fn grp(flag: u32, copy: u32, clean: u32) -> Grp {
    if flag & copy != 0 {
        Grp::Copy
    } else if flag & clean != 0 {
        Grp::Clean
    } else {
        Grp::Share
    }
}

/// sysrfork's flag checks, made before anything changes: RFFDG with
/// RFCFDG, RFNAMEG with RFCNAMEG, RFENVG with RFCENVG, and RFMEM or
/// RFNOWAIT without RFPROC are "bad arg in system call". Other bits are
/// ignored, as in 9front.
pub fn rforkplan(flag: u32) -> Result<Rforkplan> {
    if flag & (RFFDG | RFCFDG) == (RFFDG | RFCFDG)
        || flag & (RFNAMEG | RFCNAMEG) == (RFNAMEG | RFCNAMEG)
        || flag & (RFENVG | RFCENVG) == (RFENVG | RFCENVG)
    {
        return Err(Error::Ebadarg);
    }
    let proc = flag & RFPROC != 0;
    if !proc && flag & (RFMEM | RFNOWAIT) != 0 {
        return Err(Error::Ebadarg);
    }
    Ok(Rforkplan {
        proc,
        fd: grp(flag, RFFDG, RFCFDG),
        ns: grp(flag, RFNAMEG, RFCNAMEG),
        env: grp(flag, RFENVG, RFCENVG),
        rend: if flag & RFREND != 0 {
            Grp::Clean
        } else {
            Grp::Share
        },
        noteg: flag & RFNOTEG != 0,
        mem: flag & RFMEM != 0,
        nowait: flag & RFNOWAIT != 0,
        nomnt: flag & RFNOMNT != 0,
    })
}

/// sysrfork's portable part: the plan, and the groups (name space,
/// descriptors, rendezvous group, environment) of the child, or of the
/// caller when `flag` lacks RFPROC, made by [`rforkgrp`]. The kernel
/// then does the rest: a new note id when `plan.noteg`
/// (`setnoteid(p, 0)`), and with RFPROC the new process
/// (its segments duplicated with `plan.mem`, its notes from
/// [`forknotes`], no arguments, zero times) counted in the caller's
/// [`Waitq`] unless `plan.nowait`.
pub fn sysrfork<S: Sched>(up: &Up<S>, flag: u32) -> Result<(Rforkplan, Up<S>)> {
    let plan = rforkplan(flag)?;
    let n = rforkgrp(up, flag)?;
    Ok((plan, n))
}

// ---------------------------------------------------------------------
// rendezvous.

/// What `rendezvous` returns when a note interrupts it (`~0`).
pub const RENDINTR: u64 = !0;

/// A process waiting in a rendezvous: what 9front keeps in the `Proc`
/// (`rendtag`, `rendval`, `rendhash`) and what an [`Rgrp`]'s hash holds.
pub struct Rendwait<S: Sched> {
    tag: u64,
    /// The value offered, then the value received.
    val: AtomicU64,
    /// Set, under the group's lock, when a partner has come.
    done: AtomicBool,
    r: S::Rendez,
}

impl<S: Sched> Rendwait<S> {
    /// A process waiting at `tag` offering `val`.
    pub fn new(tag: u64, val: u64) -> Rendwait<S> {
        Rendwait {
            tag,
            val: AtomicU64::new(val),
            done: AtomicBool::new(false),
            r: S::Rendez::default(),
        }
    }

    /// The tag it waits at.
    pub fn tag(&self) -> u64 {
        self.tag
    }
}

/// `sysrendezvous`: meet another process of `rgrp` at `tag`. If one
/// waits there (the first to come, if several), take its value, give it
/// `new`, wake it and return; otherwise wait for one and return what it
/// gives. A note while waiting returns [`RENDINTR`] (`~0`), unless a
/// partner came first.
pub fn sysrendezvous<S: Sched>(rgrp: &Rgrp<S>, tag: u64, new: u64) -> u64 {
    let b = Rgrp::<S>::rend(tag);
    let w = {
        let mut h = rgrp.rendhash.ilock();
        if let Some(i) = h[b].iter().position(|p| p.tag == tag) {
            let p = h[b].remove(i);
            let val = p.val.swap(new, Ordering::SeqCst);
            p.done.store(true, Ordering::SeqCst);
            drop(h);
            S::wakeup(&p.r);
            return val;
        }
        let w = Arc::new(Rendwait::<S>::new(tag, new));
        h[b].push(w.clone());
        w
    };
    loop {
        let r = S::sleep(&w.r, &mut || w.done.load(Ordering::SeqCst));
        if w.done.load(Ordering::SeqCst) {
            return w.val.load(Ordering::SeqCst);
        }
        if r.is_err() {
            let mut h = rgrp.rendhash.ilock();
            if let Some(i) = h[b].iter().position(|p| Arc::ptr_eq(p, &w)) {
                h[b].remove(i);
                return RENDINTR;
            }
            drop(h);
            // A partner took us off the hash just before the note: the
            // exchange stands.
            return w.val.load(Ordering::SeqCst);
        }
    }
}

// ---------------------------------------------------------------------
// Semaphores.

/// A semaphore's word in user memory (a `long`, 32 bits on amd64), as
/// the kernel reaches it. Reads and the compare-and-swap may fault: the
/// error is the call's.
pub trait UserWord {
    /// The word's value.
    fn get(&self) -> Result<i32>;
    /// `cmpswap`: if the word is `old`, make it `new`; whether it was.
    fn cas(&self, old: i32, new: i32) -> Result<bool>;
}

/// The timed sleep and the clock `tsemacquire` needs besides [`Sched`]
/// (the kernel's `tsleep` and `MACHP(0)->ticks`).
pub trait Tsleep<S: Sched> {
    /// `tsleep(r, cond, ms)`: as [`Sched::sleep`], for at most `ms`
    /// milliseconds.
    fn tsleep(&self, r: &S::Rendez, cond: &mut dyn FnMut() -> bool, ms: u64) -> Result<()>;
    /// Milliseconds since some fixed time (`TK2MS(ticks)`).
    fn ms(&self) -> u64;
}

/// A process waiting for a semaphore (`Sema`).
pub struct Sema<S: Sched> {
    addr: u64,
    waiting: AtomicBool,
    r: S::Rendez,
}

/// The processes waiting for semaphores in one segment (`s->sema`).
/// The kernel keeps one per segment, so that processes sharing a
/// segment find each other; `addr` names the word within it.
pub struct Semalist<S: Sched> {
    l: S::Lock<Vec<Arc<Sema<S>>>>,
}

impl<S: Sched> Default for Semalist<S> {
    fn default() -> Self {
        Semalist {
            l: S::Lock::new(Vec::new()),
        }
    }
}

impl<S: Sched> Semalist<S> {
    /// No one waiting.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many wait.
    pub fn len(&self) -> usize {
        self.l.ilock().len()
    }

    /// Whether no one waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn queue(&self, addr: u64) -> Arc<Sema<S>> {
        let p = Arc::new(Sema {
            addr,
            waiting: AtomicBool::new(false),
            r: S::Rendez::default(),
        });
        self.l.ilock().push(p.clone());
        p
    }

    fn dequeue(&self, p: &Arc<Sema<S>>) {
        self.l.ilock().retain(|q| !Arc::ptr_eq(q, p));
    }

    /// `semwakeup`: wake up to `n` of those waiting with `waiting` set
    /// at `addr`, first come first.
    fn wakeup(&self, addr: u64, mut n: i64) {
        let l = self.l.ilock();
        for p in l.iter() {
            if n <= 0 {
                break;
            }
            if p.addr == addr && p.waiting.load(Ordering::SeqCst) {
                p.waiting.store(false, Ordering::SeqCst);
                S::wakeup(&p.r);
                n -= 1;
            }
        }
    }
}

/// `canacquire`: take one from the word if it is positive.
fn canacquire(w: &dyn UserWord) -> Result<bool> {
    loop {
        let v = w.get()?;
        if v <= 0 {
            return Ok(false);
        }
        if w.cas(v, v - 1)? {
            return Ok(true);
        }
    }
}

/// The acquirer's loop of `semacquire` and `tsemacquire`: queued, set
/// `waiting`, try once more, sleep until a releaser clears `waiting`.
/// The wake-up of a process that leaves without using it (it was
/// interrupted, timed out, or got the semaphore by itself) is passed on.
fn semwait<S: Sched>(
    list: &Semalist<S>,
    w: &dyn UserWord,
    addr: u64,
    sleep: &mut dyn FnMut(&Sema<S>) -> Result<bool>,
) -> Result<bool> {
    let p = list.queue(addr);
    let r = loop {
        p.waiting.store(true, Ordering::SeqCst);
        match canacquire(w) {
            Ok(true) => break Ok(true),
            Err(e) => break Err(e),
            Ok(false) => {}
        }
        match sleep(&p) {
            Ok(true) => {}
            r => break r,
        }
    };
    list.dequeue(&p);
    if !p.waiting.load(Ordering::SeqCst) {
        list.wakeup(addr, 1);
    }
    r
}

/// `syssemacquire` once the kernel has found the word's segment (not
/// read-only, the word inside it: else Ebadarg): take one from the
/// semaphore at `addr`, waiting for it if `block`. A negative word is
/// Ebadarg. Whether it was taken; a note while waiting is "interrupted".
pub fn syssemacquire<S: Sched>(
    list: &Semalist<S>,
    w: &dyn UserWord,
    addr: u64,
    block: bool,
) -> Result<bool> {
    if w.get()? < 0 {
        return Err(Error::Ebadarg);
    }
    if canacquire(w)? {
        return Ok(true);
    }
    if !block {
        return Ok(false);
    }
    semwait(list, w, addr, &mut |p| {
        S::sleep(&p.r, &mut || !p.waiting.load(Ordering::SeqCst)).map(|_| true)
    })
}

/// `systsemacquire`: as [`syssemacquire`], waiting at most `ms`
/// milliseconds (none if 0); whether it was taken.
pub fn systsemacquire<S: Sched>(
    list: &Semalist<S>,
    w: &dyn UserWord,
    addr: u64,
    ms: u32,
    t: &dyn Tsleep<S>,
) -> Result<bool> {
    if w.get()? < 0 {
        return Err(Error::Ebadarg);
    }
    if canacquire(w)? {
        return Ok(true);
    }
    if ms == 0 {
        return Ok(false);
    }
    let mut left = ms as u64;
    semwait(list, w, addr, &mut |p| {
        let t0 = t.ms();
        t.tsleep(&p.r, &mut || !p.waiting.load(Ordering::SeqCst), left)?;
        let spent = t.ms().saturating_sub(t0);
        if spent >= left {
            return Ok(false);
        }
        left -= spent;
        Ok(true)
    })
}

/// `syssemrelease`: add `delta` to the semaphore at `addr` and wake as
/// many waiters; the new value. A negative `delta` or word is Ebadarg;
/// a `delta` of 0 changes nothing.
pub fn syssemrelease<S: Sched>(
    list: &Semalist<S>,
    w: &dyn UserWord,
    addr: u64,
    delta: i32,
) -> Result<i32> {
    if delta < 0 || w.get()? < 0 {
        return Err(Error::Ebadarg);
    }
    let v = loop {
        let v = w.get()?;
        if w.cas(v, v.wrapping_add(delta))? {
            break v;
        }
    };
    list.wakeup(addr, delta as i64);
    Ok(v.wrapping_add(delta))
}

// ---------------------------------------------------------------------
// errstr.

/// The length the old `_errstr` call assumes.
pub const OERRLEN: usize = 64;

/// `utfecpy(to, to+n, from)`: `from` up to its NUL, or cut to fit `n`
/// bytes with a NUL, backing up over UTF-8 continuation bytes to the
/// start of the last character.
fn utfecpy(from: &[u8], n: usize) -> Vec<u8> {
    if n == 0 {
        return Vec::new();
    }
    let from = &from[..from.len().min(n)];
    if let Some(z) = from.iter().position(|&c| c == 0) {
        return from[..z].to_vec();
    }
    if from.len() < n {
        return from.to_vec();
    }
    let mut end = n;
    while end > 0 {
        end -= 1;
        if from[end] & 0xC0 != 0x80 {
            break;
        }
    }
    from[..end].to_vec()
}

/// A process's error strings: `up->errstr`, where `error()` writes, and
/// `up->syserrstr`, what `errstr` gives the user (the system call that
/// failed swaps them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Errstr {
    errstr: Vec<u8>,
    syserrstr: Vec<u8>,
}

impl Errstr {
    /// Both empty.
    pub const fn new() -> Errstr {
        Errstr {
            errstr: Vec::new(),
            syserrstr: Vec::new(),
        }
    }

    /// `error(err)`: `kstrcpy(up->errstr, err, ERRMAX)`.
    pub fn error(&mut self, err: &str) {
        self.errstr = kstrcpy(err.as_bytes(), ERRMAX);
    }

    /// A system call failed: its error becomes the process's
    /// (`syscall`'s swap).
    pub fn failed(&mut self) {
        core::mem::swap(&mut self.errstr, &mut self.syserrstr);
    }

    /// A system call failed with `e`: [`Errstr::error`] then
    /// [`Errstr::failed`].
    pub fn syscallerr(&mut self, e: &Error) {
        self.error(e.as_str());
        self.failed();
    }

    /// The process's error string (`up->syserrstr`), as `rerrstr`
    /// reads it.
    pub fn syserrstr(&self) -> &[u8] {
        &self.syserrstr
    }

    /// `werrstr`: set the process's error string (cut to ERRMAX-1 bytes
    /// at a character boundary, as `vseprint` does).
    pub fn werrstr(&mut self, s: &str) {
        self.syserrstr = Vec::from(cut(s, ERRMAX - 1).as_bytes());
    }

    /// exec clears both (`errbuf0[0] = errbuf1[0] = 0`).
    pub fn clear(&mut self) {
        self.errstr.clear();
        self.syserrstr.clear();
    }

    /// The bytes of the user's buffer the `errstr(buf, nbuf)` call uses
    /// (the kernel validates these for writing): `min(nbuf, ERRMAX)`;
    /// a zero `nbuf` is Ebadarg.
    pub fn errstrlen(nbuf: u32) -> Result<usize> {
        if nbuf == 0 {
            return Err(Error::Ebadarg);
        }
        Ok((nbuf as usize).min(ERRMAX))
    }

    /// `generrstr`: exchange the process's error string with the user's
    /// string in `buf` (its first [`Errstr::errstrlen`] bytes): each is
    /// cut to fit `buf` with a NUL at a UTF-8 boundary; the process's
    /// old string is written into `buf` with its NUL.
    pub fn generrstr(&mut self, buf: &mut [u8]) -> Result<()> {
        let n = Self::errstrlen(u32::try_from(buf.len()).unwrap_or(u32::MAX))?;
        let buf = &mut buf[..n];
        let user = utfecpy(buf, n);
        let sys = utfecpy(&self.syserrstr, n);
        buf[..sys.len()].copy_from_slice(&sys);
        buf[sys.len()] = 0;
        self.errstr = user;
        core::mem::swap(&mut self.errstr, &mut self.syserrstr);
        Ok(())
    }
}

// ---------------------------------------------------------------------
// Notes.

/// `noted`'s arguments (libc.h).
pub const NCONT: u32 = 0;
pub const NDFLT: u32 = 1;
pub const NSAVE: u32 = 2;
pub const NRSTR: u32 = 3;

/// `sysnotify`: register the handler at `f` (0 cancels it: the default
/// action again). The kernel checks that a non-zero `f` is a user
/// address and keeps it.
pub fn sysnotify(notes: &mut Notes, f: u64) {
    notes.handler = f != 0;
}

/// `sysnoted`'s own check: `noted` with anything but NRSTR outside a
/// handler is "the front fell off". (The kernel then calls [`noted`]
/// all the same, which kills the process.)
pub fn sysnoted(notes: &Notes, arg: u32) -> Result<()> {
    if arg != NRSTR && !notes.notified {
        return Err(Error::Egreg);
    }
    Ok(())
}

/// What `noted` (pc64/trap.c) does on the way out of the call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Noted {
    /// NCONT or NRSTR: resume the context saved when the note came (the
    /// kernel restores the saved Ureg, its pc and sp checked as user
    /// addresses, else "suicide: trap in noted").
    Cont,
    /// NSAVE: start the handler again on the saved frame (the kernel
    /// builds it, its pc and sp checked as for NCONT).
    Save,
    /// Not in a handler (and not NRSTR): the kernel prints "call to
    /// noted() when not notified" and exits with "Suicide", leaving the
    /// process Broken.
    NotNotified,
    /// NDFLT, or an unknown argument (which marks the note NDebug): the
    /// default action for the last note: exit with it as the status,
    /// printing "suicide: msg" first when `suicide` (an NDebug note).
    Exit { msg: String, suicide: bool },
}

/// `noted(arg)`: leave the note handler.
pub fn noted(notes: &mut Notes, arg: u32) -> Noted {
    if arg != NRSTR && !notes.notified {
        return Noted::NotNotified;
    }
    notes.notified = false;
    match arg {
        NCONT | NRSTR => Noted::Cont,
        NSAVE => Noted::Save,
        _ => {
            let Some(n) = notes.lastnote.as_mut() else {
                return Noted::NotNotified;
            };
            if arg != NDFLT {
                n.flag = NoteFlag::Debug;
            }
            Noted::Exit {
                msg: n.msg.clone(),
                suicide: n.flag == NoteFlag::Debug,
            }
        }
    }
}

/// The notes of a child of rfork: the parent's handler, no notes, not
/// in a handler.
pub fn forknotes(parent: &Notes) -> Notes {
    let mut n = Notes::new();
    n.handler = parent.handler;
    n
}

/// What exec does to the notes: none pending, no last note, no handler,
/// not in one.
pub fn execnotes(notes: &mut Notes) {
    notes.freenotes();
    notes.lastnote = None;
    notes.handler = false;
    notes.notified = false;
}

/// The last note taken, for `/proc/n/note` readers and the kernel.
pub fn lastnote(notes: &Notes) -> Option<&Note> {
    notes.lastnote.as_ref()
}

// ---------------------------------------------------------------------
// Segments.

/// `syssegbrk(addr, newtop)`: move the end of the segment holding
/// `addr` to `newtop` (segment.c's `ibrk`: rounded to a page, 0 for its
/// base); text, data, stack, physical, fixed and sticky segments cannot
/// move (Ebadarg), nor can an address in no segment.
pub fn syssegbrk(
    segs: &mut Segs,
    palloc: &mut Palloc,
    tab: &Segtab,
    addr: u64,
    newtop: u64,
) -> Result<u64> {
    for (i, id) in tab.iter().enumerate() {
        let Some(id) = *id else { continue };
        let s = segs.get(id);
        if addr < s.base || addr >= s.top {
            continue;
        }
        return match s.typ() {
            SegType::Text
            | SegType::Data
            | SegType::Stack
            | SegType::Physical
            | SegType::Fixed
            | SegType::Sticky => Err(Error::Ebadarg),
            SegType::Bss | SegType::Shared => segs.ibrk(palloc, tab, newtop, i),
        };
    }
    Err(Error::Ebadarg)
}

/// `sysbrk_` (libc's `brk`): move the end of the bss.
pub fn sysbrk(segs: &mut Segs, palloc: &mut Palloc, tab: &Segtab, addr: u64) -> Result<u64> {
    segs.ibrk(palloc, tab, addr, BSEG)
}

/// `syssegdetach(addr)`: take the segment holding `addr` (or an empty
/// one based there) out of the address space and put it; the initial
/// stack cannot go, and an address in no segment is Ebadarg. The kernel
/// flushes the MMU after.
pub fn syssegdetach(
    segs: &mut Segs,
    palloc: &mut Palloc,
    tab: &mut Segtab,
    addr: u64,
) -> Result<()> {
    let i = (0..NSEG)
        .find(|&i| {
            tab[i].is_some_and(|id| {
                let s = segs.get(id);
                (addr >= s.base && addr < s.top) || (s.top == s.base && addr == s.base)
            })
        })
        .ok_or(Error::Ebadarg)?;
    if i == SSEG {
        return Err(Error::Ebadarg);
    }
    if let Some(id) = tab[i].take() {
        segs.putseg(palloc, id);
    }
    Ok(())
}

/// `syssegfree(va, len)`: free the whole pages of `[va, va+len)` in the
/// segment holding `va` (they come back as the segment's type makes
/// them); `len` is a `ulong`, 32 bits. A span that wraps, starts in no
/// segment or ends past its segment is Ebadarg; one holding no whole
/// page frees nothing. The kernel flushes the MMU after.
pub fn syssegfree(
    segs: &mut Segs,
    palloc: &mut Palloc,
    tab: &Segtab,
    va: u64,
    len: u32,
) -> Result<()> {
    let to = va.checked_add(len as u64).ok_or(Error::Ebadarg)?;
    let (_, id) = segs.seg(tab, va).ok_or(Error::Ebadarg)?;
    let to = to & !(BY2PG - 1);
    let from = pground(va).ok_or(Error::Ebadarg)?;
    if from >= to {
        return Ok(());
    }
    if to > segs.get(id).top {
        return Err(Error::Ebadarg);
    }
    segs.mfreeseg(palloc, id, from, (to - from) / BY2PG);
    Ok(())
}

/// The segment whose [`Semalist`] a semaphore at `addr` uses
/// (`syssemacquire`'s checks): one holding the whole 32-bit word and not
/// read-only, else Ebadarg. (9front first calls `validaddr`, which
/// posts "sys: bad address in syscall" for an address in no segment.)
pub fn semseg(segs: &Segs, tab: &Segtab, addr: u64) -> Result<SegId> {
    let (_, id) = segs.seg(tab, addr).ok_or(Error::Ebadarg)?;
    let s = segs.get(id);
    if s.attr & SG_RONLY != 0 || addr.checked_add(4).is_none_or(|e| e > s.top) {
        return Err(Error::Ebadarg);
    }
    Ok(id)
}

// ---------------------------------------------------------------------
// sleep and alarm.

/// What `sleep(ms)` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sleep {
    /// `ms <= 0`: give up the processor if another process is ready
    /// (`yield`; `edfyield` for an admitted real-time process).
    Yield,
    /// `tsleep` for this many milliseconds; a note interrupts it
    /// ("interrupted", -1).
    Tsleep(u32),
}

/// `syssleep`: its argument is a `long` (32 bits, signed).
pub fn syssleep(ms: i32) -> Sleep {
    if ms <= 0 {
        Sleep::Yield
    } else {
        Sleep::Tsleep(ms as u32)
    }
}

/// `sysalarm`: `procalarm(ms)` for process `pid` at tick `now`: the
/// milliseconds that were left of its previous alarm (0 if none);
/// `ms == 0` cancels.
pub fn sysalarm<P: Copy + Eq>(alarms: &mut Alarms<P>, pid: P, now: u32, ms: u32) -> u32 {
    alarms.procalarm(pid, now, ms)
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use crate::portfns::host::{up, Host, Rendez};
    use crate::testdev::{world, H};
    use alloc::string::ToString;
    use alloc::vec;
    use core::sync::atomic::AtomicI32;
    use proptest::prelude::*;
    use std::sync::mpsc;
    use std::thread;
    use std::time::{Duration, Instant};

    // -----------------------------------------------------------------
    // System-call names.

    /// sys.h's #define lines, as written there.
    const SYS_H: &[(&str, u32)] = &[
        ("SYSR1", 0),
        ("_ERRSTR", 1),
        ("BIND", 2),
        ("CHDIR", 3),
        ("CLOSE", 4),
        ("DUP", 5),
        ("ALARM", 6),
        ("EXEC", 7),
        ("EXITS", 8),
        ("_FSESSION", 9),
        ("FAUTH", 10),
        ("_FSTAT", 11),
        ("SEGBRK", 12),
        ("_MOUNT", 13),
        ("OPEN", 14),
        ("_READ", 15),
        ("OSEEK", 16),
        ("SLEEP", 17),
        ("_STAT", 18),
        ("RFORK", 19),
        ("_WRITE", 20),
        ("PIPE", 21),
        ("CREATE", 22),
        ("FD2PATH", 23),
        ("BRK_", 24),
        ("REMOVE", 25),
        ("_WSTAT", 26),
        ("_FWSTAT", 27),
        ("NOTIFY", 28),
        ("NOTED", 29),
        ("SEGATTACH", 30),
        ("SEGDETACH", 31),
        ("SEGFREE", 32),
        ("SEGFLUSH", 33),
        ("RENDEZVOUS", 34),
        ("UNMOUNT", 35),
        ("_WAIT", 36),
        ("SEMACQUIRE", 37),
        ("SEMRELEASE", 38),
        ("SEEK", 39),
        ("FVERSION", 40),
        ("ERRSTR", 41),
        ("STAT", 42),
        ("FSTAT", 43),
        ("WSTAT", 44),
        ("FWSTAT", 45),
        ("MOUNT", 46),
        ("AWAIT", 47),
        ("PREAD", 50),
        ("PWRITE", 51),
        ("TSEMACQUIRE", 52),
        ("_NSEC", 53),
    ];

    /// mksystab's sam commands: the first letter kept when it is a
    /// letter, the rest in lower case, a trailing `_` dropped, Sysr1
    /// shown as Running and Rendezvous as Rendez.
    fn mksystab(name: &str) -> String {
        let mut s: String = name
            .char_indices()
            .map(|(i, c)| {
                if i == 0 && c.is_ascii_uppercase() {
                    c
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        if s.ends_with('_') {
            s.pop();
        }
        match s.as_str() {
            "Sysr1" => "Running".to_string(),
            "Rendezvous" => "Rendez".to_string(),
            _ => s,
        }
    }

    #[test]
    fn sysctab_is_mksystabs() {
        // port/mksystab over libc/9syscall/sys.h: every number named,
        // 48 and 49 not, 54 numbers in all.
        assert_eq!(NSYSCALL, 54);
        for &(name, n) in SYS_H {
            assert_eq!(sysname(n as u64), Some(mksystab(name).as_str()), "{name}");
        }
        assert_eq!(SYSCTAB.iter().filter(|n| n.is_some()).count(), SYS_H.len());
        assert_eq!(sysname(48), None);
        assert_eq!(sysname(49), None);
        assert_eq!(sysname(54), None);
        assert_eq!(sysname(u64::MAX), None);
        // The numbers libc's native stubs use are sys.h's too.
        let libc_nums = [
            (sys::SYSR1, "Running"),
            (sys::OLDERRSTR, "_errstr"),
            (sys::BRK, "Brk"),
            (sys::RENDEZVOUS, "Rendez"),
            (sys::EXEC, "Exec"),
            (sys::RFORK, "Rfork"),
            (sys::AWAIT, "Await"),
            (sys::ERRSTR, "Errstr"),
            (sys::NOTED, "Noted"),
            (sys::SEMACQUIRE, "Semacquire"),
            (sys::TSEMACQUIRE, "Tsemacquire"),
            (sys::NSEC, "_nsec"),
            (sys::PWRITE, "Pwrite"),
            (sys::SLEEP, "Sleep"),
        ];
        for (n, name) in libc_nums {
            assert_eq!(sysname(n as u64), Some(name));
        }
    }

    // -----------------------------------------------------------------
    // ELF images, built by hand.

    #[derive(Clone, Copy, Debug)]
    struct Ph {
        ptype: u32,
        flags: u32,
        offset: u64,
        vaddr: u64,
        filesz: u64,
        memsz: u64,
    }

    #[derive(Clone, Debug)]
    struct Elf {
        ident: [u8; 16],
        etype: u16,
        machine: u16,
        version: u32,
        entry: u64,
        phoff: u64,
        phentsize: u16,
        phnum: Option<u16>,
        ph: Vec<Ph>,
        len: usize,
    }

    const TEXT: Ph = Ph {
        ptype: 1,
        flags: 5,
        offset: 0,
        vaddr: UTZERO,
        filesz: 0x1800,
        memsz: 0x1800,
    };
    const DATA: Ph = Ph {
        ptype: 1,
        flags: 6,
        offset: 0x2000,
        vaddr: 0x40_0000,
        filesz: 0x1a0,
        memsz: 0x3228,
    };

    impl Elf {
        /// As user.ld links a native program: text with the headers at
        /// UTZERO, data at the next 2 MiB.
        fn good() -> Elf {
            let mut ident = [0u8; 16];
            ident[..7].copy_from_slice(b"\x7fELF\x02\x01\x01");
            Elf {
                ident,
                etype: 2,
                machine: 62,
                version: 1,
                entry: UTZERO + 0xb0,
                phoff: 64,
                phentsize: 56,
                phnum: None,
                ph: vec![TEXT, DATA],
                len: 0x21a0,
            }
        }

        fn bytes(&self) -> Vec<u8> {
            let phend = if self.ph.is_empty() {
                0
            } else {
                self.phoff as usize + self.ph.len() * 56
            };
            let mut b = vec![0u8; self.len.max(64).max(phend)];
            b[..16].copy_from_slice(&self.ident);
            b[16..18].copy_from_slice(&self.etype.to_le_bytes());
            b[18..20].copy_from_slice(&self.machine.to_le_bytes());
            b[20..24].copy_from_slice(&self.version.to_le_bytes());
            b[24..32].copy_from_slice(&self.entry.to_le_bytes());
            b[32..40].copy_from_slice(&self.phoff.to_le_bytes());
            b[52..54].copy_from_slice(&64u16.to_le_bytes());
            b[54..56].copy_from_slice(&self.phentsize.to_le_bytes());
            let n = self.phnum.unwrap_or(self.ph.len() as u16);
            b[56..58].copy_from_slice(&n.to_le_bytes());
            for (i, p) in self.ph.iter().enumerate() {
                let o = self.phoff as usize + 56 * i;
                b[o..o + 4].copy_from_slice(&p.ptype.to_le_bytes());
                b[o + 4..o + 8].copy_from_slice(&p.flags.to_le_bytes());
                b[o + 8..o + 16].copy_from_slice(&p.offset.to_le_bytes());
                b[o + 16..o + 24].copy_from_slice(&p.vaddr.to_le_bytes());
                b[o + 24..o + 32].copy_from_slice(&p.vaddr.to_le_bytes());
                b[o + 32..o + 40].copy_from_slice(&p.filesz.to_le_bytes());
                b[o + 40..o + 48].copy_from_slice(&p.memsz.to_le_bytes());
                b[o + 48..o + 56].copy_from_slice(&0x1000u64.to_le_bytes());
            }
            b
        }

        fn parse(&self) -> Result<Exec> {
            let b = self.bytes();
            elfexec(&b, b.len() as u64)
        }

        fn with(mut self, f: impl FnOnce(&mut Elf)) -> Elf {
            f(&mut self);
            self
        }
    }

    fn seg(base: u64, top: u64, fstart: u64, flen: u64) -> ExecSeg {
        ExecSeg {
            base,
            top,
            fstart,
            flen,
        }
    }

    #[test]
    fn elf_text_data_bss() {
        // sysexec's layout: text from the file's start at UTZERO to the
        // page after it, data from its file bytes, bss zero to the page
        // after the end (d = PGROUND(t+data), b = PGROUND(bssend)).
        let e = Elf::good().parse().unwrap();
        assert_eq!(
            e,
            Exec {
                entry: UTZERO + 0xb0,
                text: seg(UTZERO, UTZERO + 0x2000, 0, 0x1800),
                data: seg(0x40_0000, 0x40_1000, 0x2000, 0x1a0),
                bss: seg(0x40_1000, 0x40_4000, 0, 0),
                bssend: 0x40_3228,
            }
        );
        assert_eq!(
            execparse(&Elf::good().bytes(), 0x21a0),
            Ok(Image::Binary(e))
        );
        // Text alone: empty data and bss at its end, as 9front's
        // newseg(SG_DATA, t, 0).
        let t = Elf::good().with(|e| {
            e.ph.truncate(1);
            e.len = 0x1800;
        });
        let e = t.parse().unwrap();
        assert_eq!(e.data, seg(UTZERO + 0x2000, UTZERO + 0x2000, 0, 0));
        assert_eq!(e.bss, seg(UTZERO + 0x2000, UTZERO + 0x2000, 0, 0));
        assert_eq!(e.bssend, UTZERO + 0x2000);
        // Empty program headers of other types are ignored.
        let g = Elf::good().with(|e| {
            e.ph.push(Ph {
                ptype: 0x6474_e551,
                flags: 6,
                offset: 0,
                vaddr: 0,
                filesz: 0,
                memsz: 0,
            });
            e.ph.push(Ph {
                ptype: 4,
                flags: 4,
                offset: 0x100,
                vaddr: UTZERO + 0x100,
                filesz: 0x20,
                memsz: 0x20,
            });
        });
        assert_eq!(g.parse().unwrap().data.base, 0x40_0000);
    }

    #[test]
    fn elf_bad_headers_are_ebadexec() {
        // sysexec's checks, in ELF's terms: each is "exec header
        // invalid" (port/error.h's Ebadexec).
        let bad: Vec<(&str, Elf)> = vec![
            ("version", Elf::good().with(|e| e.version = 0)),
            ("ident version", Elf::good().with(|e| e.ident[6] = 0)),
            ("class 0", Elf::good().with(|e| e.ident[4] = 0)),
            ("encoding 0", Elf::good().with(|e| e.ident[5] = 3)),
            ("phentsize", Elf::good().with(|e| e.phentsize = 32)),
            ("no phdrs", Elf::good().with(|e| e.phnum = Some(0))),
            ("PN_XNUM", Elf::good().with(|e| e.phnum = Some(0xffff))),
            (
                "phdrs past the file",
                Elf::good().with(|e| e.phnum = Some(200)),
            ),
            (
                "phoff wraps",
                Elf::good().with(|e| {
                    e.phoff = u64::MAX - 8;
                    e.ph.clear();
                    e.phnum = Some(2);
                }),
            ),
            (
                "no loads",
                Elf::good().with(|e| e.ph.iter_mut().for_each(|p| p.ptype = 4)),
            ),
            (
                "three loads",
                Elf::good().with(|e| {
                    e.ph.push(Ph {
                        vaddr: 0x80_0000,
                        ..DATA
                    })
                }),
            ),
            (
                "PT_SHLIB",
                Elf::good().with(|e| e.ph.push(Ph { ptype: 5, ..DATA })),
            ),
            (
                "text not at UTZERO",
                Elf::good().with(|e| {
                    e.ph[0].vaddr = UTZERO + 0x1000;
                    e.entry = UTZERO + 0x1100;
                }),
            ),
            (
                "text below UTZERO",
                Elf::good().with(|e| {
                    e.ph[0].vaddr = 0x1000;
                    e.entry = 0x1100;
                }),
            ),
            (
                "text not from offset 0",
                Elf::good().with(|e| e.ph[0].offset = 0x1000),
            ),
            ("text writable", Elf::good().with(|e| e.ph[0].flags = 7)),
            (
                "text not executable",
                Elf::good().with(|e| e.ph[0].flags = 4),
            ),
            ("text not readable", Elf::good().with(|e| e.ph[0].flags = 1)),
            (
                "text with bss",
                Elf::good().with(|e| e.ph[0].memsz = 0x2000),
            ),
            (
                "text smaller than the header",
                Elf::good().with(|e| {
                    e.ph[0].filesz = 0x20;
                    e.ph[0].memsz = 0x20;
                    e.entry = UTZERO + 0x10;
                }),
            ),
            (
                "text past the file",
                Elf::good().with(|e| {
                    e.ph.truncate(1);
                    e.len = 0x1000;
                }),
            ),
            (
                "text too large",
                Elf::good().with(|e| {
                    e.ph.truncate(1);
                    e.ph[0].filesz = 1 << 32;
                    e.ph[0].memsz = 1 << 32;
                }),
            ),
            (
                "entry in the header",
                Elf::good().with(|e| e.entry = UTZERO + 0x20),
            ),
            (
                "entry at text end",
                Elf::good().with(|e| e.entry = UTZERO + 0x1800),
            ),
            ("entry below text", Elf::good().with(|e| e.entry = 0x1000)),
            ("entry in data", Elf::good().with(|e| e.entry = 0x40_0010)),
            ("data read-only", Elf::good().with(|e| e.ph[1].flags = 4)),
            (
                "data misaligned",
                Elf::good().with(|e| e.ph[1].vaddr = 0x40_0010),
            ),
            (
                "data overlaps text",
                Elf::good().with(|e| e.ph[1].vaddr = UTZERO + 0x1000),
            ),
            (
                "data before text",
                Elf::good().with(|e| {
                    e.ph.swap(0, 1);
                }),
            ),
            (
                "data filesz > memsz",
                Elf::good().with(|e| e.ph[1].memsz = 0x100),
            ),
            ("data past the file", Elf::good().with(|e| e.len = 0x2100)),
            (
                "data offset wraps",
                Elf::good().with(|e| e.ph[1].offset = u64::MAX - 0x10),
            ),
            (
                "bss too large",
                Elf::good().with(|e| e.ph[1].memsz = 1 << 32),
            ),
            (
                "bss into the stack",
                Elf::good().with(|e| {
                    e.ph[1].vaddr = USTKTOP - USTKSIZE - 0x1000;
                    e.ph[1].memsz = 0x2000;
                }),
            ),
            (
                "data at the stack",
                Elf::good().with(|e| e.ph[1].vaddr = USTKTOP - USTKSIZE),
            ),
            (
                "data above USTKTOP",
                Elf::good().with(|e| e.ph[1].vaddr = USTKTOP + 0x1000),
            ),
            (
                "data wraps",
                Elf::good().with(|e| {
                    e.ph[1].vaddr = 0xffff_ffff_ffff_f000;
                    e.ph[1].memsz = 0x2000;
                }),
            ),
        ];
        for (why, e) in bad {
            assert_eq!(e.parse(), Err(Error::Ebadexec), "{why}");
        }
        // Too short to hold an ELF header, with or without the magic.
        assert_eq!(elfexec(b"\x7fELF\x02\x01\x01", 7), Err(Error::Ebadexec));
        let b = Elf::good().bytes();
        assert_eq!(elfexec(&b[..63], 0x21a0), Err(Error::Ebadexec));
        assert_eq!(execparse(&b[..63], 0x21a0), Err(Error::Ebadexec));
        assert_eq!(execparse(b"\x7fEL", 3), Err(Error::Ebadexec));
        // Headers that the file is too short to hold.
        assert_eq!(elfexec(&b, 100), Err(Error::Ebadexec));
        // Not ELF and not #!: a 9front a.out (S_MAGIC) is foreign here.
        let aout = [0, 0, 0x8a, 0x97, 0, 0, 0x10, 0];
        assert_eq!(execparse(&aout, 8), Err(Error::Ebadexec));
        assert_eq!(execparse(b"", 0), Err(Error::Ebadexec));
        assert_eq!(Error::Ebadexec.as_str(), "exec header invalid");
    }

    #[test]
    fn elf_foreign_formats_say_why() {
        // Well-formed ELF planten cannot run: still "exec header
        // invalid", with the reason after it.
        let why = |e: Elf| match e.parse() {
            Err(Error::Msg(m)) => m,
            r => panic!("{r:?}"),
        };
        let m = why(Elf::good().with(|e| e.ident[4] = 1));
        assert_eq!(m, "exec header invalid: 32-bit ELF, not amd64");
        let m = why(Elf::good().with(|e| e.ident[5] = 2));
        assert_eq!(m, "exec header invalid: big-endian ELF, not amd64");
        let m = why(Elf::good().with(|e| e.machine = 183));
        assert_eq!(m, "exec header invalid: ELF machine 183, not amd64");
        let m = why(Elf::good().with(|e| e.etype = 3));
        assert_eq!(
            m,
            "exec header invalid: position-independent or dynamic executable"
        );
        let m = why(Elf::good().with(|e| e.etype = 1));
        assert_eq!(m, "exec header invalid: not an executable");
        let interp = Ph {
            ptype: 3,
            flags: 4,
            offset: 0xb0,
            vaddr: UTZERO + 0xb0,
            filesz: 0x1c,
            memsz: 0x1c,
        };
        let m = why(Elf::good().with(|e| e.ph.insert(0, interp)));
        assert_eq!(m, "exec header invalid: dynamic executable");
        let m = why(Elf::good().with(|e| e.ph.push(Ph { ptype: 2, ..DATA })));
        assert_eq!(m, "exec header invalid: dynamic executable");
        let m = why(Elf::good().with(|e| {
            e.ph.push(Ph {
                ptype: 7,
                flags: 4,
                ..DATA
            })
        }));
        assert_eq!(m, "exec header invalid: thread-local storage");
    }

    fn nativebin() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../../amd64/bin")
    }

    #[test]
    fn native_binaries_parse() {
        // The binaries `cargo native` links with user.ld: static ELF64,
        // text at UTZERO with the headers, entry _main inside it, data
        // and bss at the next 2 MiB.
        let dir = nativebin();
        let Ok(rd) = std::fs::read_dir(&dir) else {
            std::eprintln!("skipped: no {} (run cargo native)", dir.display());
            return;
        };
        let mut n = 0;
        for f in rd.flatten() {
            let b = std::fs::read(f.path()).unwrap();
            if !iself(&b) {
                continue;
            }
            let name = f.file_name().to_string_lossy().into_owned();
            let e = elfexec(&b[..b.len().min(EXECHDR)], b.len() as u64)
                .unwrap_or_else(|err| panic!("{name}: {err}"));
            // What the headers say, read here independently.
            let rd64 = |o: usize| u64::from_le_bytes(b[o..o + 8].try_into().unwrap());
            assert_eq!(e.entry, rd64(24), "{name}");
            assert_eq!(e.text.base, UTZERO);
            assert_eq!(e.text.flen, rd64(64 + 32), "{name}: text filesz");
            assert!(e.entry > UTZERO && e.entry < UTZERO + e.text.flen);
            assert_eq!(
                e.data.base % 0x20_0000,
                0,
                "{name}: data at a 2 MiB boundary"
            );
            assert!(e.data.fstart + e.data.flen <= b.len() as u64);
            assert!(e.bss.top < USTKTOP - USTKSIZE);
            n += 1;
        }
        let echo = dir.join("echo");
        if echo.exists() {
            let b = std::fs::read(&echo).unwrap();
            let img = execparse(&b[..EXECHDR.min(b.len())], b.len() as u64).unwrap();
            assert!(matches!(img, Image::Binary(_)));
        }
        // An rc script runs the native rc.
        let rc = dir.join("rc");
        if rc.exists() {
            let fs = Files(vec![
                ("/bin/rc", std::fs::read(&rc).unwrap()),
                ("/bin/hello", b"#!/bin/rc\necho hello\n".to_vec()),
            ]);
            let r =
                execresolve("/bin/hello", words(&["hello", "-x"]), &mut |f| fs.open(f)).unwrap();
            assert_eq!(r.chan, "/bin/rc");
            assert_eq!(r.argv, words(&["hello", "/bin/hello", "-x"]));
            assert!(execstack(&r.argv, USTKTOP, 0, 2).is_ok());
        }
        std::eprintln!("{n} native binaries parsed");
    }

    fn check_invariants(e: &Exec) {
        let pg = |a: u64| a.is_multiple_of(BY2PG);
        assert_eq!(e.text.base, UTZERO);
        assert!(e.entry >= UTZERO + 64 && e.entry < UTZERO + e.text.flen);
        for s in [e.text, e.data, e.bss] {
            assert!(pg(s.base) && pg(s.top) && s.base <= s.top);
            assert!(s.top - s.base >= s.flen);
            assert!(s.top < USTKTOP - USTKSIZE);
        }
        assert!(e.text.top <= e.data.base);
        assert_eq!(e.data.top, e.bss.base);
        assert!(e.bssend <= e.bss.top);
    }

    proptest! {
        #[test]
        fn exec_never_panics_on_random_bytes(
            b in proptest::collection::vec(any::<u8>(), 0..700),
            flen in any::<u64>(),
        ) {
            // A user can exec any file: junk is an error, never a panic.
            let _ = execparse(&b, flen);
            let _ = execparse(&b, b.len() as u64);
            let mut e = b"\x7fELF".to_vec();
            e.extend_from_slice(&b);
            let _ = execparse(&e, flen);
        }

        #[test]
        fn exec_never_panics_on_mangled_elf(
            edits in proptest::collection::vec((0usize..64 + 3 * 56, any::<u8>()), 1..12),
            flen in prop_oneof![Just(0x21a0u64), any::<u64>()],
        ) {
            let mut b = Elf::good().with(|e| e.ph.push(Ph { ptype: 4, ..TEXT })).bytes();
            for (i, v) in edits {
                b[i] = v;
            }
            if let Ok(Image::Binary(e)) = execparse(&b, flen) {
                check_invariants(&e);
            }
        }
    }

    // -----------------------------------------------------------------
    // #! scripts.

    fn words(v: &[&str]) -> Vec<Vec<u8>> {
        v.iter().map(|s| s.as_bytes().to_vec()).collect()
    }

    #[test]
    fn shargs_lines() {
        // sysexec's shargs: "#!" then a newline within the first 256
        // bytes; the line tokenized (tokenize(2): blanks, tabs, rc
        // quotes) into at most 32 words (exec(2)).
        assert_eq!(shargs(b"#!/bin/rc\nls\n"), Some(words(&["/bin/rc"])));
        assert_eq!(
            shargs(b"#!/bin/rc -x 'a b' c''d\t'it''s'\r\n"),
            Some(words(&["/bin/rc", "-x", "a b", "cd", "it's"]))
        );
        assert_eq!(shargs(b"#! /bin/rc\n"), Some(words(&["/bin/rc"])));
        assert_eq!(shargs(b"#!\n"), Some(vec![]));
        assert_eq!(shargs(b"#!/bin/rc"), Some(vec![]), "no newline");
        assert_eq!(shargs(b"#!"), None, "n <= 2");
        assert_eq!(shargs(b"#"), None);
        assert_eq!(shargs(b"# /bin/rc\n"), None);
        assert_eq!(shargs(b"ls\n"), None);
        assert_eq!(
            shargs(b"#!/bin/rc\0-x\n"),
            Some(words(&["/bin/rc"])),
            "a NUL ends it"
        );
        // A line of 256 bytes with its newline fits; one more does not.
        let mut l = b"#!/bin/rc ".to_vec();
        l.resize(255, b'x');
        l.push(b'\n');
        let w = shargs(&l).unwrap();
        assert_eq!(w.len(), 2);
        assert_eq!(w[1].len(), 255 - 10);
        let mut l2 = b"#!/bin/rc ".to_vec();
        l2.resize(256, b'x');
        l2.push(b'\n');
        assert_eq!(shargs(&l2), Some(vec![]));
        assert_eq!(execparse(&l2, l2.len() as u64), Err(Error::Ebadexec));
        assert_eq!(execparse(&l, l.len() as u64), Ok(Image::Script(w)));
        // At most 32 words.
        let mut many = b"#!/bin/rc".to_vec();
        for i in 0..40 {
            many.extend_from_slice(format!(" {i}").as_bytes());
        }
        many.push(b'\n');
        let w = shargs(&many).unwrap();
        assert_eq!(w.len(), NPROGARG);
        assert_eq!(w[31], b"30");
        // Nothing on the line: exec fails.
        assert_eq!(execparse(b"#!\n", 3), Err(Error::Ebadexec));
        assert_eq!(execparse(b"#!  \t\n", 6), Err(Error::Ebadexec));
    }

    proptest! {
        #[test]
        fn tokenize_agrees_with_libc(s in "[ a-z'\t\r\n]{0,40}", max in 1usize..8) {
            // The kernel's byte tokenize is libc's tokenize(2).
            let ours: Vec<String> = tokenize(s.as_bytes(), max)
                .into_iter()
                .map(|w| String::from_utf8(w).unwrap())
                .collect();
            prop_assert_eq!(ours, libc::tokenize::tokenize(&s, max));
        }
    }

    #[test]
    fn execelem_is_namecs_last_element() {
        // namec leaves the last element in genbuf ("." if none),
        // skipping "." elements (skipslash) and a #c prefix.
        assert_eq!(execelem(b"/bin/rc"), b"rc");
        assert_eq!(execelem(b"rc"), b"rc");
        assert_eq!(execelem(b"/bin/x/"), b"x");
        assert_eq!(execelem(b"./a/./."), b"a");
        assert_eq!(execelem(b"/"), b".");
        assert_eq!(execelem(b"a/.."), b"..");
        assert_eq!(execelem(b"#c/cons"), b"cons");
        assert_eq!(execelem(b"#c"), b".");
        assert_eq!(execelem(b"#/"), b".");
        assert_eq!(execelem(b"#//bin/rc"), b"rc");
        // kstrcpy into the 128-byte genbuf: cut with "...".
        let long = vec![b'x'; 200];
        let e = execelem(&long);
        assert_eq!(e.len(), 126);
        assert!(e.ends_with(b"x..."));
        assert_eq!(execelem(&long[..127]), &long[..127]);
        // The "..." goes at a UTF-8 boundary.
        let mut u = vec![b'y'; 121];
        u.extend_from_slice("é".repeat(10).as_bytes());
        let e = execelem(&u);
        assert_eq!(&e[..121], &u[..121]);
        assert!(core::str::from_utf8(&e).is_ok());
        assert!(e.ends_with(b"..."));
    }

    #[test]
    fn kstrcpy_as_chan_c() {
        assert_eq!(kstrcpy(b"abc", 4), b"abc");
        assert_eq!(kstrcpy(b"abcd", 4), b"...");
        assert_eq!(kstrcpy(b"abcdefgh", 6), b"a...");
        assert_eq!(kstrcpy(b"abcdefgh", 3), b"ab");
        assert_eq!(kstrcpy(b"abc", 0), b"");
    }

    struct Files(Vec<(&'static str, Vec<u8>)>);

    impl Files {
        fn open(&self, name: &str) -> Result<(String, Vec<u8>, u64)> {
            let (_, b) = self
                .0
                .iter()
                .find(|(n, _)| *n == name)
                .ok_or(Error::Enonexist)?;
            Ok((
                String::from(name),
                b[..b.len().min(EXECHDR)].to_vec(),
                b.len() as u64,
            ))
        }
    }

    #[test]
    fn exec_of_a_script_runs_its_interpreter() {
        // exec(2): for a #! file the interpreter gets the file's name,
        // the line's arguments, the file's name again, then argv[1...];
        // the process's text is the script's name (sysexec's elem).
        let fs = Files(vec![
            ("/bin/rc", Elf::good().bytes()),
            ("/bin/x", b"#!/bin/rc -e 'a b'\necho hi\n".to_vec()),
            ("/bin/y", b"#!/bin/x\n".to_vec()),
            ("/bin/z", b"#!/bin/nope\n".to_vec()),
            ("/bin/junk", b"hello\n".to_vec()),
            ("/bin/empty", b"#!\n".to_vec()),
        ]);
        let mut open = |n: &str| fs.open(n);
        let r = execresolve("/bin/x", words(&["x", "1", "2"]), &mut open).unwrap();
        assert_eq!(r.chan, "/bin/rc");
        assert_eq!(r.argv, words(&["x", "-e", "a b", "/bin/x", "1", "2"]));
        assert_eq!(r.text, b"x");
        assert_eq!(r.exec, Elf::good().parse().unwrap());
        // A binary: argv as given, text its last element.
        let r = execresolve("/bin/rc", words(&["rc", "-c", "ls"]), &mut open).unwrap();
        assert_eq!(r.argv, words(&["rc", "-c", "ls"]));
        assert_eq!(r.text, b"rc");
        // Only one level of #! (sysexec's `if(indir++)`).
        assert_eq!(
            execresolve("/bin/y", words(&["y"]), &mut open).err(),
            Some(Error::Ebadexec)
        );
        assert_eq!(
            execresolve("/bin/z", words(&["z"]), &mut open).err(),
            Some(Error::Enonexist)
        );
        assert_eq!(
            execresolve("/bin/junk", words(&["j"]), &mut open).err(),
            Some(Error::Ebadexec)
        );
        assert_eq!(
            execresolve("/bin/empty", words(&["e"]), &mut open).err(),
            Some(Error::Ebadexec)
        );
        assert_eq!(
            execresolve("/bin/none", words(&["n"]), &mut open).err(),
            Some(Error::Enonexist)
        );
        // argv[0] is required (sysexec: *argp0 == nil).
        assert_eq!(
            execresolve("/bin/rc", vec![], &mut open).err(),
            Some(Error::Ebadarg)
        );
    }

    // -----------------------------------------------------------------
    // The new stack.

    fn le64(b: &[u8], o: usize) -> u64 {
        u64::from_le_bytes(b[o..o + 8].try_into().unwrap())
    }

    #[test]
    fn stack_layout_bytes() {
        // sysexec for argv {"ls", "-l"}: nbytes = sizeof(Tos) + 6 = 78,
        // ssize = 8*3 + 80 = 104; execregs pushes argc under it.
        let top = USTKTOP;
        let s = execstack(&["ls", "-l"], top, 0x1122_3344_5566_7788, 42).unwrap();
        assert_eq!(s.sp, top - 112);
        assert_eq!(s.tos, top - 72);
        let mut want = Vec::new();
        want.extend_from_slice(&2u64.to_le_bytes()); // argc
        want.extend_from_slice(&(top - 78).to_le_bytes()); // argv[0]
        want.extend_from_slice(&(top - 75).to_le_bytes()); // argv[1]
        want.extend_from_slice(&[0; 8]); // nil
        want.extend_from_slice(&[0; 2]); // rounding of nbytes to 80
        want.extend_from_slice(b"ls\0-l\0");
        let mut tos = [0u8; 72];
        tos[40..48].copy_from_slice(&0x1122_3344_5566_7788u64.to_le_bytes());
        tos[64..68].copy_from_slice(&42u32.to_le_bytes());
        want.extend_from_slice(&tos);
        assert_eq!(s.image, want);
    }

    /// What sys/src/libc/amd64/main9.rs's `_callmain` (and
    /// argvstrings) read: argc at SP, argv at SP+8 to a nil, each a
    /// C string; the Tos at AX with pid at 64 and cyclefreq at 40.
    fn read_as_main9(s: &Stack) -> (Vec<Vec<u8>>, u32, u64) {
        let at = |a: u64| (a - s.sp) as usize;
        let argc = le64(&s.image, 0) as usize;
        let mut argv = Vec::new();
        for i in 0..=argc {
            let p = le64(&s.image, 8 + 8 * i);
            if i == argc {
                assert_eq!(p, 0, "argv ends with nil");
                break;
            }
            let o = at(p);
            let n = s.image[o..].iter().position(|&c| c == 0).unwrap();
            argv.push(s.image[o..o + n].to_vec());
        }
        let t = at(s.tos);
        let pid = u32::from_le_bytes(s.image[t + 64..t + 68].try_into().unwrap());
        (argv, pid, le64(&s.image, t + 40))
    }

    #[test]
    fn stack_reads_back_as_main9_expects() {
        let top = USTKTOP;
        for argv in [
            words(&["echo"]),
            words(&["rc", "-c", "echo 'hi there'", ""]),
            (0..100)
                .map(|i| vec![b'a' + (i % 26) as u8; i])
                .collect::<Vec<_>>(),
        ] {
            let s = execstack(&argv, top, 3_000_000_000, 7).unwrap();
            assert_eq!(s.sp % 8, 0);
            assert_eq!(s.sp + s.image.len() as u64, top);
            assert_eq!(s.tos, top - TOSSIZE);
            let (got, pid, freq) = read_as_main9(&s);
            assert_eq!(got, argv);
            assert_eq!((pid, freq), (7, 3_000_000_000));
            // The strings end where the Tos begins.
            let tosoff = (s.tos - s.sp) as usize;
            assert_eq!(s.image[tosoff - 1], 0);
        }
    }

    #[test]
    fn stack_limits() {
        // sysexec: the strings and Tos under USTKSIZE, the whole under
        // USTKSIZE once rounded to pages, else Enovmem; no argv[0] is
        // Ebadarg.
        let top = USTKTOP;
        assert_eq!(execstack::<&[u8]>(&[], top, 0, 1), Err(Error::Ebadarg));
        assert_eq!(execstack(&[&b"a\0b"[..]], top, 0, 1), Err(Error::Ebadarg));
        // One argument: nbytes = 72 + len + 1, ssize = 16 + round8(nbytes).
        let ok = (USTKSIZE - 4096 - 16 - 72 - 1) as usize;
        assert!(execstack(&[vec![b'x'; ok]], top, 0, 1).is_ok());
        assert_eq!(
            execstack(&[vec![b'x'; ok + 1]], top, 0, 1),
            Err(Error::Enovmem)
        );
        let huge = (USTKSIZE - 72 - 1) as usize;
        assert_eq!(
            execstack(&[vec![b'x'; huge]], top, 0, 1),
            Err(Error::Enovmem)
        );
        // Many small ones count their pointers too.
        let n = (USTKSIZE / 16) as usize;
        let many: Vec<&[u8]> = vec![&b"abcdefg"[..]; n];
        assert_eq!(execstack(&many, top, 0, 1), Err(Error::Enovmem));
        assert_eq!(Error::Enovmem.as_str(), "virtual memory allocation failed");
    }

    #[test]
    fn procargs_keeps_128_bytes() {
        // sysexec's up->args: the strings with their NULs, at most 128
        // bytes, the last NUL at a rune boundary (fullrune).
        assert_eq!(procargs(&["ls", "-l"]), b"ls\0-l\0");
        let a = [b'a'; 200];
        let p = procargs(&[&a[..]]);
        assert_eq!(p.len(), 128);
        assert_eq!(&p[..127], &a[..127]);
        assert_eq!(p[127], 0);
        // Exactly 128 with the NUL: kept whole.
        let p = procargs(&[&a[..127]]);
        assert_eq!(p.len(), 128);
        assert_eq!(p[127], 0);
        // Cut inside the last string: sysexec's loop looks back from
        // byte 127 for the first byte that starts a full rune within the
        // 128 and puts the NUL there, over that rune. A lead byte at 127
        // is not full, so the 'a' before it goes.
        let mut u = vec![b'a'; 127];
        u.extend_from_slice("é".as_bytes());
        let p = procargs(&[&u[..]]);
        assert_eq!(p, [&u[..126], &[0][..]].concat());
        // A whole two-byte rune at 126..128 is full: it becomes the NUL.
        let mut u = vec![b'a'; 126];
        u.extend_from_slice("é".as_bytes());
        u.push(b'z');
        let p = procargs(&[&u[..]]);
        assert_eq!(p, [&u[..126], &[0][..]].concat());
        // A continuation byte with one after it counts as full
        // (fullrune looks at the first byte only).
        let mut u = vec![b'a'; 125];
        u.extend_from_slice("€".as_bytes());
        let p = procargs(&[&u[..]]);
        assert_eq!(p, [&u[..126], &[0][..]].concat());
    }

    // -----------------------------------------------------------------
    // exits and wait.

    #[test]
    fn exit_status_as_sysexits() {
        // sysexits: nil is a normal exit; a string is taken to its NUL
        // within ERRMAX, else cut to ERRMAX-1; an unreadable one is
        // "invalid exit string".
        assert_eq!(exitstatus(None), None);
        assert_eq!(exitstatus(Some(Ok(b"fail\0junk"))), Some(b"fail".to_vec()));
        assert_eq!(exitstatus(Some(Ok(b"\0"))), Some(vec![]));
        let long = vec![b'x'; 300];
        assert_eq!(exitstatus(Some(Ok(&long))).unwrap().len(), ERRMAX - 1);
        let mut nul = vec![b'x'; ERRMAX];
        nul[ERRMAX - 1] = 0;
        assert_eq!(exitstatus(Some(Ok(&nul))).unwrap().len(), ERRMAX - 1);
        assert_eq!(
            exitstatus(Some(Err(Error::Ebadarg))),
            Some(b"invalid exit string".to_vec())
        );
    }

    #[test]
    fn waitmsg_as_pexit_makes_it() {
        // pexit: "%s %lud: %s" (text, pid, status) in msg[ERRMAX], or ""
        // for a nil or empty status (wait(2): "prefixed by the process
        // name, a blank, the process id, and a colon").
        let w = Waitmsg::new(12, "cat", [1, 2, 3], Some("open: file does not exist"));
        assert_eq!(w.msg, "cat 12: open: file does not exist");
        assert_eq!(Waitmsg::new(12, "cat", [0; 3], None).msg, "");
        assert_eq!(Waitmsg::new(12, "cat", [0; 3], Some("")).msg, "");
        let long = "é".repeat(100);
        let w = Waitmsg::new(7, "x", [0; 3], Some(&long));
        assert!(w.msg.len() < ERRMAX && w.msg.len() >= ERRMAX - 2);
        assert!(w.msg.starts_with("x 7: éé"));
    }

    #[test]
    fn await_text_as_sysawait() {
        // "%d %lud %lud %lud %q", %q quoting for blanks and quotes only
        // (the kernel sets no doquote); libc's quotestr agrees.
        let w = Waitmsg::new(12, "cat", [1, 20, 300], Some("no such file"));
        assert_eq!(w.fmt(512).unwrap(), b"12 1 20 300 'cat 12: no such file'");
        let q = libc::fmtquote::quotestr(&w.msg, None);
        assert_eq!(w.fmt(512).unwrap(), format!("12 1 20 300 {q}").into_bytes());
        let ok = Waitmsg::new(5, "true", [0; 3], None);
        assert_eq!(ok.fmt(512).unwrap(), b"5 0 0 0 ''");
        let w = Waitmsg {
            pid: 3,
            time: [0; 3],
            msg: "it's".into(),
        };
        assert_eq!(w.fmt(512).unwrap(), b"3 0 0 0 'it''s'");
        let w = Waitmsg {
            pid: 3,
            time: [0; 3],
            msg: "plain".into(),
        };
        assert_eq!(w.fmt(512).unwrap(), b"3 0 0 0 plain");
    }

    #[test]
    fn await_truncation() {
        // snprint into n bytes: n-1 at most; the numbers cut anywhere,
        // the message quoted within what is left (_quotesetup), so the
        // text still parses (wait(2)).
        let w = Waitmsg::new(12, "cat", [1, 2, 3], Some("bad"));
        assert_eq!(w.msg, "cat 12: bad");
        assert_eq!(w.fmt(0), None);
        assert_eq!(w.fmt(1).unwrap(), b"");
        assert_eq!(w.fmt(4).unwrap(), b"12 ");
        assert_eq!(w.fmt(10).unwrap(), b"12 1 2 3 ");
        // One byte for the message: "c" unquoted.
        assert_eq!(w.fmt(11).unwrap(), b"12 1 2 3 c");
        // No room for quotes around "cat ": the plain prefix.
        assert_eq!(w.fmt(15).unwrap(), b"12 1 2 3 cat");
        assert_eq!(w.fmt(16).unwrap(), b"12 1 2 3 'cat '");
        assert_eq!(w.fmt(17).unwrap(), b"12 1 2 3 'cat 1'");
        let full = w.fmt(512).unwrap();
        assert_eq!(full, b"12 1 2 3 'cat 12: bad'");
        assert_eq!(w.fmt(full.len() + 1).unwrap(), full);
        assert_eq!(w.fmt(full.len()).unwrap(), b"12 1 2 3 'cat 12: ba'");
        // An empty message needs two bytes for its quotes.
        let ok = Waitmsg::new(5, "t", [0; 3], None);
        assert_eq!(ok.fmt(9).unwrap(), b"5 0 0 0 ");
        assert_eq!(ok.fmt(10).unwrap(), b"5 0 0 0 ");
        assert_eq!(ok.fmt(11).unwrap(), b"5 0 0 0 ''");
        // A quote inside takes two bytes or none.
        let q = Waitmsg {
            pid: 1,
            time: [0; 3],
            msg: "a'b".into(),
        };
        assert_eq!(q.fmt(512).unwrap(), b"1 0 0 0 'a''b'");
        assert_eq!(q.fmt(13).unwrap(), b"1 0 0 0 'a'");
        assert_eq!(q.fmt(14).unwrap(), b"1 0 0 0 'a'''");
        // Each truncation still parses into five fields, the message a
        // prefix of the whole one.
        for n in 18..full.len() + 2 {
            let t = w.fmt(n).unwrap();
            let p = Waitmsg::parse(&t).unwrap();
            assert_eq!((p.pid, p.time), (12, [1, 2, 3]));
            assert!(w.msg.starts_with(&p.msg), "{n}: {:?}", p.msg);
        }
    }

    #[test]
    fn wait_parses_await() {
        // libc's wait: tokenize into exactly five fields.
        let w = Waitmsg::new(12, "rc", [10, 20, 30], Some("it's 'quoted' too"));
        assert_eq!(Waitmsg::parse(&w.fmt(511).unwrap()).unwrap(), w);
        let ok = Waitmsg::new(5, "t", [0; 3], None);
        assert_eq!(Waitmsg::parse(&ok.fmt(511).unwrap()).unwrap(), ok);
        let e = Err(Error::Msg("couldn't parse wait message".into()));
        assert_eq!(Waitmsg::parse(b"12 1 2 3"), e);
        assert_eq!(Waitmsg::parse(b""), e);
        // atoi: junk numbers are 0, as libc's.
        let p = Waitmsg::parse(b"x 1 2 3 msg").unwrap();
        assert_eq!(p.pid, 0);
    }

    proptest! {
        #[test]
        fn await_never_overflows(msg in "[ -~é']{0,140}", n in 0usize..200, pid in 1u32..100000) {
            let w = Waitmsg { pid, time: [1, 2, 3], msg };
            match w.fmt(n) {
                None => prop_assert_eq!(n, 0),
                Some(t) => {
                    prop_assert!(t.len() < n);
                    prop_assert!(core::str::from_utf8(&t).is_ok());
                    let full = w.fmt(1000).unwrap();
                    if n > full.len() {
                        prop_assert_eq!(t, full);
                    }
                }
            }
        }
    }

    #[test]
    fn waitq_keeps_128_newest_first() {
        // pexit pushes on the parent's waitq (newest first), at most 128;
        // pwait takes the head, Enochild with no children and no message.
        let mut q = Waitq::new();
        assert_eq!(q.take(), Err(Error::Enochild));
        for _ in 0..200 {
            q.addchild();
        }
        assert_eq!(q.take(), Ok(None));
        for pid in 1..=200 {
            let kept = q.childexit(Waitmsg::new(pid, "x", [0; 3], None));
            assert_eq!(kept, pid <= 128);
        }
        assert_eq!(q.nwait(), 128);
        assert_eq!(q.nchild, 0);
        assert_eq!(q.take().unwrap().unwrap().pid, 128);
        assert_eq!(q.take().unwrap().unwrap().pid, 127);
        q.clear();
        assert_eq!(q.take(), Err(Error::Enochild));
    }

    #[test]
    fn pwait_sleeps_for_a_child() {
        use crate::portfns::host::Lock;
        let q: Lock<Waitq> = ILock::new(Waitq::new());
        let r = Rendez::default();
        q.ilock().addchild();
        thread::scope(|s| {
            let t = s.spawn(|| pwait::<H>(&q, &r));
            thread::sleep(Duration::from_millis(30));
            let kept = q.ilock().childexit(Waitmsg::new(9, "c", [0; 3], Some("x")));
            assert!(kept);
            Host::wakeup(&r);
            assert_eq!(t.join().unwrap().unwrap().msg, "c 9: x");
        });
        assert_eq!(pwait::<H>(&q, &r), Err(Error::Enochild));
        // A note interrupts the wait.
        q.ilock().addchild();
        let (tx, rx) = mpsc::channel();
        thread::scope(|s| {
            let t = s.spawn(|| {
                tx.send(up()).unwrap();
                pwait::<H>(&q, &r)
            });
            let p = rx.recv().unwrap();
            thread::sleep(Duration::from_millis(30));
            p.postnote();
            assert_eq!(t.join().unwrap(), Err(Error::Eintr));
        });
    }

    // -----------------------------------------------------------------
    // rfork.

    #[test]
    fn rfork_flags() {
        // sysrfork's Ebadarg cases (fork(2): the C flags are mutually
        // exclusive with their copy flags; RFMEM "may be set only with
        // RFPROC", and RFNOWAIT makes sense only with it).
        for f in [
            RFFDG | RFCFDG,
            RFNAMEG | RFCNAMEG,
            RFENVG | RFCENVG,
            RFMEM,
            RFNOWAIT,
            RFPROC | RFFDG | RFCFDG,
        ] {
            assert_eq!(rforkplan(f), Err(Error::Ebadarg), "{f:#x}");
        }
        // fork() is rfork(RFFDG|RFREND|RFPROC).
        let p = rforkplan(RFFDG | RFREND | RFPROC).unwrap();
        assert_eq!(
            p,
            Rforkplan {
                proc: true,
                fd: Grp::Copy,
                ns: Grp::Share,
                env: Grp::Share,
                rend: Grp::Clean,
                noteg: false,
                mem: false,
                nowait: false,
                nomnt: false,
            }
        );
        let p =
            rforkplan(RFPROC | RFMEM | RFNOWAIT | RFCNAMEG | RFCENVG | RFCFDG | RFNOMNT).unwrap();
        assert_eq!((p.fd, p.ns, p.env), (Grp::Clean, Grp::Clean, Grp::Clean));
        assert!(p.mem && p.nowait && p.nomnt && !p.noteg);
        // RFNOTEG "regardless of RFPROC".
        let p = rforkplan(RFNOTEG).unwrap();
        assert!(!p.proc && p.noteg);
        assert_eq!(rforkplan(RFENVG).unwrap().env, Grp::Copy);
        // Unknown bits are not checked.
        assert!(rforkplan(1 << 20 | RFPROC).is_ok());
    }

    #[test]
    fn sysrfork_makes_the_groups() {
        // fork(2): what is not asked for is shared.
        let w = world();
        let (p, c) = sysrfork(&w.up, RFPROC | RFREND | RFFDG).unwrap();
        assert!(p.proc);
        assert!(!Arc::ptr_eq(&c.rgrp, &w.up.rgrp));
        assert!(!Arc::ptr_eq(&c.fgrp, &w.up.fgrp));
        assert!(Arc::ptr_eq(&c.pgrp, &w.up.pgrp));
        assert!(Arc::ptr_eq(&c.egrp, &w.up.egrp));
        let (p, c) = sysrfork(&w.up, RFCENVG | RFNOTEG).unwrap();
        assert!(!p.proc && p.noteg && p.env == Grp::Clean);
        assert!(!Arc::ptr_eq(&c.egrp, &w.up.egrp));
        assert!(Arc::ptr_eq(&c.rgrp, &w.up.rgrp));
        assert_eq!(c.parentpid, w.up.pid);
        assert_eq!(sysrfork(&w.up, RFMEM).err(), Some(Error::Ebadarg));
    }

    // -----------------------------------------------------------------
    // rendezvous.

    fn waiting(g: &Rgrp<H>, tag: u64) -> usize {
        g.rendhash.ilock()[Rgrp::<H>::rend(tag)]
            .iter()
            .filter(|w| w.tag() == tag)
            .count()
    }

    fn until(mut f: impl FnMut() -> bool) {
        let t = Instant::now();
        while !f() {
            assert!(t.elapsed() < Duration::from_secs(10), "timed out");
            thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn rendezvous_exchanges_values() {
        // rendezvous(2): the second to come takes the first's value and
        // gives its own; both return.
        let g = crate::pgrp::newrgrp::<H>();
        thread::scope(|s| {
            let t = s.spawn(|| sysrendezvous(&g, 5, 100));
            until(|| waiting(&g, 5) == 1);
            assert_eq!(sysrendezvous(&g, 5, 200), 100);
            assert_eq!(t.join().unwrap(), 200);
        });
        assert_eq!(waiting(&g, 5), 0);
    }

    #[test]
    fn rendezvous_only_equal_tags_meet() {
        // sysrendezvous compares the whole tag: one in the same hash
        // bucket (REND(tag)) waits on.
        let g = crate::pgrp::newrgrp::<H>();
        let other = 5 + RENDHASH_TEST as u64;
        assert_eq!(Rgrp::<H>::rend(5), Rgrp::<H>::rend(other));
        thread::scope(|s| {
            let a = s.spawn(|| sysrendezvous(&g, 5, 1));
            until(|| waiting(&g, 5) == 1);
            let c = s.spawn(|| sysrendezvous(&g, other, 3));
            until(|| waiting(&g, other) == 1);
            assert_eq!(waiting(&g, 5), 1);
            assert_eq!(sysrendezvous(&g, other, 30), 3);
            assert_eq!(c.join().unwrap(), 30);
            assert_eq!(sysrendezvous(&g, 5, 10), 1);
            assert_eq!(a.join().unwrap(), 10);
        });
    }

    const RENDHASH_TEST: usize = crate::portdat::RENDHASH;

    #[test]
    fn rendezvous_groups_are_separate() {
        // fork(2) RFREND: a new tag space.
        let g1 = crate::pgrp::newrgrp::<H>();
        let g2 = crate::pgrp::newrgrp::<H>();
        thread::scope(|s| {
            let t = s.spawn(|| sysrendezvous(&g1, 9, 1));
            until(|| waiting(&g1, 9) == 1);
            let u = s.spawn(|| sysrendezvous(&g2, 9, 2));
            until(|| waiting(&g2, 9) == 1);
            assert_eq!(waiting(&g1, 9), 1, "no meeting across groups");
            assert_eq!(sysrendezvous(&g2, 9, 4), 2);
            assert_eq!(sysrendezvous(&g1, 9, 3), 1);
            assert_eq!(t.join().unwrap(), 3);
            assert_eq!(u.join().unwrap(), 4);
        });
    }

    #[test]
    fn rendezvous_interrupted_returns_all_ones() {
        // rendezvous(2): "If a rendezvous is interrupted the return
        // value is ~0"; postnote takes the process off the hash.
        let g = crate::pgrp::newrgrp::<H>();
        let (tx, rx) = mpsc::channel();
        thread::scope(|s| {
            let t = s.spawn(|| {
                tx.send(up()).unwrap();
                sysrendezvous(&g, 7, 1)
            });
            let p = rx.recv().unwrap();
            until(|| waiting(&g, 7) == 1);
            p.postnote();
            assert_eq!(t.join().unwrap(), !0u64);
        });
        assert_eq!(waiting(&g, 7), 0);
        // The next to come waits rather than meeting the one that left.
        thread::scope(|s| {
            let t = s.spawn(|| sysrendezvous(&g, 7, 2));
            until(|| waiting(&g, 7) == 1);
            assert_eq!(sysrendezvous(&g, 7, 3), 2);
            assert_eq!(t.join().unwrap(), 3);
        });
    }

    #[test]
    fn rendezvous_many_pairs() {
        // Exchanges between many threads at many tags: every value
        // reaches exactly one partner.
        let g = crate::pgrp::newrgrp::<H>();
        let n = 16u64;
        let got: Vec<(u64, u64)> = thread::scope(|s| {
            let hs: Vec<_> = (0..2 * n)
                .map(|i| {
                    let g = &g;
                    s.spawn(move || (i, sysrendezvous(g, i / 2, 1000 + i)))
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for (i, v) in got {
            assert_eq!(v, 1000 + (i ^ 1), "thread {i}");
        }
    }

    // -----------------------------------------------------------------
    // Semaphores.

    struct Word(AtomicI32);

    impl Word {
        fn new(v: i32) -> Word {
            Word(AtomicI32::new(v))
        }
        fn v(&self) -> i32 {
            self.0.load(Ordering::SeqCst)
        }
    }

    impl UserWord for Word {
        fn get(&self) -> Result<i32> {
            Ok(self.0.load(Ordering::SeqCst))
        }
        fn cas(&self, old: i32, new: i32) -> Result<bool> {
            Ok(self
                .0
                .compare_exchange(old, new, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok())
        }
    }

    /// The host's tsleep: polls the condition and the process's note.
    struct Clock(Instant);

    impl Tsleep<Host> for Clock {
        fn tsleep(&self, _r: &Rendez, cond: &mut dyn FnMut() -> bool, ms: u64) -> Result<()> {
            let t = Instant::now();
            loop {
                if up().takenote() {
                    return Err(Error::Eintr);
                }
                if cond() || t.elapsed() >= Duration::from_millis(ms) {
                    return Ok(());
                }
                thread::sleep(Duration::from_millis(1));
            }
        }
        fn ms(&self) -> u64 {
            self.0.elapsed().as_millis() as u64
        }
    }

    #[test]
    fn semacquire_without_blocking() {
        // semacquire(2): with block 0, 0 when the value is not positive;
        // else 1 and the value less one.
        let l = Semalist::<H>::new();
        let w = Word::new(0);
        assert_eq!(syssemacquire(&l, &w, 8, false), Ok(false));
        let w = Word::new(2);
        assert_eq!(syssemacquire(&l, &w, 8, false), Ok(true));
        assert_eq!(syssemacquire(&l, &w, 8, true), Ok(true));
        assert_eq!(w.v(), 0);
        assert!(l.is_empty());
    }

    #[test]
    fn semaphore_bad_values() {
        // syssemacquire/syssemrelease: a negative value or delta is
        // Ebadarg; a delta of 0 "is a no-op, not a release".
        let l = Semalist::<H>::new();
        let w = Word::new(-1);
        assert_eq!(syssemacquire(&l, &w, 0, false), Err(Error::Ebadarg));
        assert_eq!(
            systsemacquire(&l, &w, 0, 10, &Clock(Instant::now())),
            Err(Error::Ebadarg)
        );
        assert_eq!(syssemrelease(&l, &w, 0, 1), Err(Error::Ebadarg));
        let w = Word::new(3);
        assert_eq!(syssemrelease(&l, &w, 0, -1), Err(Error::Ebadarg));
        assert_eq!(syssemrelease(&l, &w, 0, 0), Ok(3));
        assert_eq!(syssemrelease(&l, &w, 0, 4), Ok(7), "the new value");
    }

    #[test]
    fn semacquire_blocks_until_release() {
        let l = Semalist::<H>::new();
        let w = Word::new(0);
        thread::scope(|s| {
            let t = s.spawn(|| syssemacquire(&l, &w, 16, true));
            until(|| l.len() == 1);
            assert_eq!(syssemrelease(&l, &w, 16, 1), Ok(1));
            assert_eq!(t.join().unwrap(), Ok(true));
        });
        assert_eq!(w.v(), 0);
        assert!(l.is_empty());
    }

    #[test]
    fn semrelease_wakes_count_waiters() {
        // Releasing n lets n acquirers through; the others wait on. A
        // release at another word wakes no one here.
        let l = Semalist::<H>::new();
        let w = Word::new(0);
        let other = Word::new(0);
        let done = AtomicI32::new(0);
        thread::scope(|s| {
            let hs: Vec<_> = (0..3)
                .map(|_| {
                    s.spawn(|| {
                        let r = syssemacquire(&l, &w, 16, true);
                        done.fetch_add(1, Ordering::SeqCst);
                        r
                    })
                })
                .collect();
            until(|| l.len() == 3);
            assert_eq!(syssemrelease(&l, &other, 24, 5), Ok(5));
            thread::sleep(Duration::from_millis(30));
            assert_eq!(done.load(Ordering::SeqCst), 0);
            assert_eq!(syssemrelease(&l, &w, 16, 2), Ok(2));
            until(|| done.load(Ordering::SeqCst) == 2);
            thread::sleep(Duration::from_millis(30));
            assert_eq!(done.load(Ordering::SeqCst), 2);
            assert_eq!(w.v(), 0);
            syssemrelease(&l, &w, 16, 1).unwrap();
            for h in hs {
                assert_eq!(h.join().unwrap(), Ok(true));
            }
        });
        assert_eq!(w.v(), 0);
    }

    #[test]
    fn semacquire_interrupted_by_a_note() {
        // semacquire(2): -1 "if they were interrupted"; the wake-up a
        // release meant for it is not lost.
        let l = Semalist::<H>::new();
        let w = Word::new(0);
        let (tx, rx) = mpsc::channel();
        thread::scope(|s| {
            let t = s.spawn(|| {
                tx.send(up()).unwrap();
                syssemacquire(&l, &w, 16, true)
            });
            let p = rx.recv().unwrap();
            until(|| l.len() == 1);
            p.postnote();
            assert_eq!(t.join().unwrap(), Err(Error::Eintr));
        });
        assert!(l.is_empty());
        assert_eq!(syssemrelease(&l, &w, 16, 1), Ok(1));
        assert_eq!(w.v(), 1, "no one took it");
        // tsemacquire too.
        let w = Word::new(0);
        let c = Clock(Instant::now());
        let (tx, rx) = mpsc::channel();
        thread::scope(|s| {
            let t = s.spawn(|| {
                tx.send(up()).unwrap();
                systsemacquire(&l, &w, 16, 10_000, &c)
            });
            let p = rx.recv().unwrap();
            until(|| l.len() == 1);
            p.postnote();
            assert_eq!(t.join().unwrap(), Err(Error::Eintr));
        });
        assert!(l.is_empty());
    }

    #[test]
    fn tsemacquire_times_out() {
        // semacquire(2): tsemacquire "only waits ms milliseconds" and
        // returns 0 if the semaphore did not come; 0 ms does not wait.
        let l = Semalist::<H>::new();
        let c = Clock(Instant::now());
        let w = Word::new(0);
        let t = Instant::now();
        assert_eq!(systsemacquire(&l, &w, 16, 0, &c), Ok(false));
        assert_eq!(systsemacquire(&l, &w, 16, 50, &c), Ok(false));
        assert!(t.elapsed() >= Duration::from_millis(50));
        assert!(l.is_empty());
        let w = Word::new(1);
        assert_eq!(systsemacquire(&l, &w, 16, 0, &c), Ok(true));
        // Released in time.
        let w = Word::new(0);
        thread::scope(|s| {
            let h = s.spawn(|| systsemacquire(&l, &w, 16, 10_000, &c));
            until(|| l.len() == 1);
            syssemrelease(&l, &w, 16, 1).unwrap();
            assert_eq!(h.join().unwrap(), Ok(true));
        });
        assert_eq!(w.v(), 0);
    }

    #[test]
    fn semaphore_as_a_lock_loses_no_wakeup() {
        // A semaphore of 1 used as a lock by many threads: every
        // acquire gets through, and mutual exclusion holds.
        let l = Semalist::<H>::new();
        let w = Word::new(1);
        let inside = AtomicI32::new(0);
        let count = AtomicI32::new(0);
        thread::scope(|s| {
            for _ in 0..6 {
                s.spawn(|| {
                    for _ in 0..300 {
                        assert_eq!(syssemacquire(&l, &w, 0, true), Ok(true));
                        assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0);
                        count.fetch_add(1, Ordering::SeqCst);
                        inside.fetch_sub(1, Ordering::SeqCst);
                        syssemrelease(&l, &w, 0, 1).unwrap();
                    }
                });
            }
        });
        assert_eq!(count.load(Ordering::SeqCst), 1800);
        assert_eq!(w.v(), 1);
        assert!(l.is_empty());
    }

    // -----------------------------------------------------------------
    // errstr.

    fn cstr(b: &[u8]) -> &[u8] {
        &b[..b.iter().position(|&c| c == 0).unwrap()]
    }

    #[test]
    fn errstr_swaps() {
        // errstr(2): the per-process string is exchanged with the
        // user's; an errstr with an empty string clears it.
        let mut e = Errstr::new();
        e.syscallerr(&Error::Enonexist);
        assert_eq!(e.syserrstr(), b"file does not exist");
        let mut buf = [0u8; ERRMAX];
        e.generrstr(&mut buf).unwrap();
        assert_eq!(cstr(&buf), b"file does not exist");
        assert_eq!(e.syserrstr(), b"");
        let mut buf = [0u8; ERRMAX];
        e.generrstr(&mut buf).unwrap();
        assert_eq!(cstr(&buf), b"");
        // "a mechanism for libraries to set the return value for the
        // next call to errstr".
        let mut buf = [0u8; 64];
        buf[..5].copy_from_slice(b"mine\0");
        e.generrstr(&mut buf).unwrap();
        assert_eq!(cstr(&buf), b"");
        assert_eq!(e.syserrstr(), b"mine");
        let mut buf = [b'z'; 64];
        buf[0] = 0;
        e.generrstr(&mut buf).unwrap();
        assert_eq!(cstr(&buf), b"mine");
        assert_eq!(&buf[5..], &[b'z'; 59][..], "the rest is left alone");
        // The next failing call's error replaces the process's.
        e.werrstr("library says");
        e.syscallerr(&Error::Eperm);
        assert_eq!(e.syserrstr(), b"permission denied");
        e.clear();
        assert_eq!(e.syserrstr(), b"");
    }

    #[test]
    fn errstr_truncates() {
        // "at most nerr bytes ... truncated at a UTF character boundary";
        // nerr 0 is Ebadarg, more than ERRMAX counts as ERRMAX.
        let mut e = Errstr::new();
        e.syscallerr(&Error::Enonexist);
        let mut b5 = [0u8; 5];
        e.generrstr(&mut b5).unwrap();
        assert_eq!(&b5, b"file\0");
        e.werrstr("aé");
        let mut b3 = [0u8; 3];
        e.generrstr(&mut b3).unwrap();
        assert_eq!(&b3[..2], b"a\0");
        // The user's string without a NUL within nerr is cut too.
        e.werrstr("");
        let mut b4 = *b"abcd";
        e.generrstr(&mut b4).unwrap();
        assert_eq!(e.syserrstr(), b"abc");
        let mut b = [b'x', b'y', 0xC3, 0xA9];
        e.generrstr(&mut b).unwrap();
        assert_eq!(e.syserrstr(), b"xy");
        assert_eq!(e.generrstr(&mut []), Err(Error::Ebadarg));
        assert_eq!(Errstr::errstrlen(0), Err(Error::Ebadarg));
        assert_eq!(Errstr::errstrlen(1000), Ok(ERRMAX));
        let mut big = [b'q'; 300];
        e.generrstr(&mut big).unwrap();
        assert_eq!(
            e.syserrstr().len(),
            ERRMAX - 1,
            "the user's string cut to ERRMAX-1"
        );
        assert_eq!(&big[ERRMAX..], &[b'q'; 300 - ERRMAX][..]);
    }

    #[test]
    fn error_strings_cut_with_dots() {
        // error() is kstrcpy(up->errstr, err, ERRMAX): "..." at the end
        // of a cut string.
        let mut e = Errstr::new();
        let long = "x".repeat(200);
        e.syscallerr(&Error::Msg(long));
        assert_eq!(e.syserrstr().len(), 126);
        assert!(e.syserrstr().ends_with(b"x..."));
        e.werrstr(&"y".repeat(200));
        assert_eq!(e.syserrstr().len(), ERRMAX - 1);
    }

    // -----------------------------------------------------------------
    // Notes.

    #[test]
    fn notify_and_noted() {
        // notify(2): with a handler, a note calls it; until noted,
        // external notes are held off; NCONT resumes; NDFLT takes the
        // default action (exit with the note; no "suicide" print for
        // an external one).
        let mut n = Notes::new();
        sysnotify(&mut n, 0x20_1000);
        assert!(n.handler);
        n.postnote("interrupt", NoteFlag::User);
        assert_eq!(
            n.popnote(Some(0x20_2000)),
            Some(crate::proc::Delivery::Handler("interrupt".into()))
        );
        n.postnote("hangup", NoteFlag::User);
        assert_eq!(n.popnote(None), None, "held off in the handler");
        assert_eq!(sysnoted(&n, NCONT), Ok(()));
        assert_eq!(noted(&mut n, NCONT), Noted::Cont);
        assert!(!n.notified);
        assert_eq!(
            n.popnote(None),
            Some(crate::proc::Delivery::Handler("hangup".into()))
        );
        assert_eq!(lastnote(&n).unwrap().msg, "hangup");
        assert_eq!(
            noted(&mut n, NDFLT),
            Noted::Exit {
                msg: "hangup".into(),
                suicide: false
            }
        );
        // A sys: note taken by the handler and passed to NDFLT: the
        // default for a system note prints "suicide:".
        n.postnote("sys: trap: divide error", NoteFlag::Debug);
        assert!(matches!(
            n.popnote(Some(0x20_0010)),
            Some(crate::proc::Delivery::Handler(_))
        ));
        assert_eq!(
            noted(&mut n, NDFLT),
            Noted::Exit {
                msg: "sys: trap: divide error pc=0x200010".into(),
                suicide: true
            }
        );
        // An unknown argument marks the note NDebug (trap.c's default).
        n.postnote("alarm", NoteFlag::User);
        n.popnote(None).unwrap();
        assert_eq!(
            noted(&mut n, 99),
            Noted::Exit {
                msg: "alarm".into(),
                suicide: true
            }
        );
        // NSAVE and NRSTR.
        n.postnote("alarm", NoteFlag::User);
        n.popnote(None).unwrap();
        assert_eq!(noted(&mut n, NSAVE), Noted::Save);
        assert_eq!(sysnoted(&n, NRSTR), Ok(()), "NRSTR after NSAVE");
        assert_eq!(noted(&mut n, NRSTR), Noted::Cont);
    }

    #[test]
    fn noted_outside_a_handler() {
        // sysnoted: Egreg unless notified (or NRSTR); trap.c's noted
        // then kills the process ("call to noted() when not notified").
        let mut n = Notes::new();
        assert_eq!(sysnoted(&n, NCONT), Err(Error::Egreg));
        assert_eq!(Error::Egreg.as_str(), "the front fell off");
        assert_eq!(noted(&mut n, NCONT), Noted::NotNotified);
        assert_eq!(noted(&mut n, NDFLT), Noted::NotNotified);
        assert_eq!(noted(&mut n, NRSTR), Noted::Cont);
    }

    #[test]
    fn system_notes_kill_without_a_handler_or_in_one() {
        // notify(2): with no handler a system note kills (printing
        // "suicide:"), an external one kills quietly; a system note in
        // the handler kills too.
        let mut n = Notes::new();
        n.postnote("sys: write on closed pipe", NoteFlag::Debug);
        assert_eq!(
            n.popnote(Some(0x20_0040)),
            Some(crate::proc::Delivery::Exit {
                msg: "sys: write on closed pipe pc=0x200040".into(),
                suicide: true
            })
        );
        sysnotify(&mut n, 0x20_1000);
        n.postnote("interrupt", NoteFlag::User);
        assert!(matches!(
            n.popnote(None),
            Some(crate::proc::Delivery::Handler(_))
        ));
        n.postnote("sys: trap: fault read addr=0x0", NoteFlag::Debug);
        assert!(matches!(
            n.popnote(Some(0x20_0050)),
            Some(crate::proc::Delivery::Exit { suicide: true, .. })
        ));
        // notify(0) restores the default.
        let mut n = Notes::new();
        sysnotify(&mut n, 0x20_1000);
        sysnotify(&mut n, 0);
        n.postnote("interrupt", NoteFlag::User);
        assert!(matches!(
            n.popnote(None),
            Some(crate::proc::Delivery::Exit { suicide: false, .. })
        ));
    }

    #[test]
    fn fork_keeps_and_exec_drops_the_handler() {
        // notify(2): fork leaves the handler registered in both; exec
        // restores the default (sysexec: freenotes, notify = nil).
        let mut n = Notes::new();
        sysnotify(&mut n, 0x20_1000);
        n.postnote("interrupt", NoteFlag::User);
        n.popnote(None).unwrap();
        n.postnote("hangup", NoteFlag::User);
        let c = forknotes(&n);
        assert!(c.handler && !c.notified && c.is_empty() && c.lastnote.is_none());
        execnotes(&mut n);
        assert!(!n.handler && !n.notified && n.is_empty() && n.lastnote.is_none());
    }

    // -----------------------------------------------------------------
    // Segments.

    struct Space {
        segs: Segs,
        pa: Palloc,
        tab: Segtab,
        mem: crate::page::tests::Mem,
    }

    /// Text, data, bss and stack as exec leaves them, and a shared
    /// segment.
    fn space() -> Space {
        let mut segs = Segs::new();
        let mut tab: Segtab = [None; NSEG];
        tab[SSEG] = Some(
            segs.newseg(SegType::Stack as u32, USTKTOP - USTKSIZE, USTKSIZE / BY2PG)
                .unwrap(),
        );
        tab[crate::segment::TSEG] = Some(
            segs.newseg(SegType::Text as u32 | SG_RONLY, UTZERO, 2)
                .unwrap(),
        );
        tab[crate::segment::DSEG] = Some(segs.newseg(SegType::Data as u32, 0x40_0000, 1).unwrap());
        tab[BSEG] = Some(segs.newseg(SegType::Bss as u32, 0x40_1000, 8).unwrap());
        tab[6] = Some(segs.newseg(SegType::Shared as u32, 0x1000_0000, 4).unwrap());
        Space {
            segs,
            pa: Palloc::new(&[(0, 64)]),
            tab,
            mem: Default::default(),
        }
    }

    #[test]
    fn segbrk_and_brk() {
        // syssegbrk: only bss and shared segments move; brk_ moves the
        // bss (ibrk rounds up to a page).
        let mut sp = space();
        let Space { segs, pa, tab, .. } = &mut sp;
        for a in [UTZERO, 0x40_0000, USTKTOP - 8, 0x9000_0000] {
            assert_eq!(
                syssegbrk(segs, pa, tab, a, 0x2000_0000),
                Err(Error::Ebadarg),
                "{a:#x}"
            );
        }
        assert_eq!(syssegbrk(segs, pa, tab, 0x1000_0000, 0x1000_8001), Ok(0));
        assert_eq!(segs.get(tab[6].unwrap()).top, 0x1000_9000);
        assert_eq!(
            syssegbrk(segs, pa, tab, 0x1000_0000, 0),
            Ok(0x1000_0000),
            "0 asks the base"
        );
        assert_eq!(sysbrk(segs, pa, tab, 0x40_a123), Ok(0));
        assert_eq!(segs.get(tab[BSEG].unwrap()).top, 0x40_b000);
        // Into the shared segment: segments may not overlap.
        assert_eq!(sysbrk(segs, pa, tab, 0x1000_1000), Err(Error::Esoverlap));
    }

    #[test]
    fn segdetach_keeps_the_stack() {
        // segattach(2): "will not permit the initial stack segment to be
        // detached"; any address within the segment names it.
        let mut sp = space();
        let Space { segs, pa, tab, .. } = &mut sp;
        assert_eq!(
            syssegdetach(segs, pa, tab, USTKTOP - 16),
            Err(Error::Ebadarg)
        );
        assert_eq!(
            syssegdetach(segs, pa, tab, 0x9000_0000),
            Err(Error::Ebadarg)
        );
        let n = segs.count();
        assert_eq!(syssegdetach(segs, pa, tab, 0x1000_3fff), Ok(()));
        assert!(tab[6].is_none());
        assert_eq!(segs.count(), n - 1);
        assert_eq!(
            syssegdetach(segs, pa, tab, 0x1000_0000),
            Err(Error::Ebadarg)
        );
        // An empty segment is named by its base.
        tab[7] = Some(segs.newseg(SegType::Shared as u32, 0x2000_0000, 0).unwrap());
        assert_eq!(syssegdetach(segs, pa, tab, 0x2000_0000), Ok(()));
        assert!(tab[7].is_none());
    }

    #[test]
    fn segfree_frees_whole_pages() {
        // syssegfree: [PGROUND(va), (va+len)&~(BY2PG-1)) in va's segment;
        // nothing outside it; a span past the segment is Ebadarg.
        let mut sp = space();
        let Space { segs, pa, tab, mem } = &mut sp;
        let bss = tab[BSEG].unwrap();
        for i in 0..8 {
            let p = pa.newpage(mem, true, 0, true).unwrap();
            segs.get_mut(bss).map.insert(i, p);
        }
        let free = pa.freecount();
        // From the middle of page 1 to the middle of page 4: pages 2 and 3.
        assert_eq!(syssegfree(segs, pa, tab, 0x40_2800, 0x2800), Ok(()));
        let left: Vec<u64> = segs.get(bss).map.keys().copied().collect();
        assert_eq!(left, [0, 1, 4, 5, 6, 7]);
        assert_eq!(pa.freecount(), free + 2);
        // Less than a page: nothing.
        assert_eq!(syssegfree(segs, pa, tab, 0x40_1010, 0x100), Ok(()));
        assert_eq!(segs.get(bss).map.len(), 6);
        assert_eq!(
            syssegfree(segs, pa, tab, 0x40_1000, 0x9000),
            Err(Error::Ebadarg)
        );
        assert_eq!(
            syssegfree(segs, pa, tab, 0x9000_0000, 0x1000),
            Err(Error::Ebadarg)
        );
        assert_eq!(
            syssegfree(segs, pa, tab, u64::MAX - 10, 0x1000),
            Err(Error::Ebadarg)
        );
        assert_eq!(syssegfree(segs, pa, tab, 0x40_1000, 0x8000), Ok(()));
        assert!(segs.get(bss).map.is_empty());
    }

    #[test]
    fn semaphores_need_a_writable_word() {
        // syssemacquire: the word in a segment, not read-only, whole.
        let sp = space();
        let bss = sp.tab[BSEG].unwrap();
        assert_eq!(semseg(&sp.segs, &sp.tab, 0x40_1000), Ok(bss));
        assert_eq!(semseg(&sp.segs, &sp.tab, 0x40_8ffc), Ok(bss));
        assert_eq!(semseg(&sp.segs, &sp.tab, 0x40_8ffd), Err(Error::Ebadarg));
        assert_eq!(
            semseg(&sp.segs, &sp.tab, UTZERO + 8),
            Err(Error::Ebadarg),
            "text is read-only"
        );
        assert_eq!(semseg(&sp.segs, &sp.tab, 0x9000_0000), Err(Error::Ebadarg));
    }

    // -----------------------------------------------------------------
    // sleep and alarm.

    #[test]
    fn sleep_and_alarm() {
        // syssleep: ms <= 0 yields (sleep(2): "If millisecs is 0, the
        // process gives up the CPU if another process is waiting").
        assert_eq!(syssleep(0), Sleep::Yield);
        assert_eq!(syssleep(-5), Sleep::Yield);
        assert_eq!(syssleep(i32::MIN), Sleep::Yield);
        assert_eq!(syssleep(250), Sleep::Tsleep(250));
        // sleep(2): alarm returns "the amount of time previously
        // remaining in the alarm clock"; 0 clears it.
        let mut a = Alarms::new();
        assert_eq!(sysalarm(&mut a, 1u32, 1000, 5000), 0);
        assert_eq!(
            sysalarm(&mut a, 1, 1100, 2000),
            4000,
            "100 ticks of 10 ms passed"
        );
        assert_eq!(sysalarm(&mut a, 1, 1100, 0), 2000);
        assert_eq!(sysalarm(&mut a, 1, 1100, 0), 0);
    }
}
