//! planten's libc: the Rust port of 9front's `sys/src/libc`.
//!
//! `no_std` + `alloc`, so the kernel and native programs can use it. Its
//! directories follow 9front's (`9sys`, `port`, `fmt`, ...), one module per
//! C file, included by path where the directory name is not a Rust
//! identifier.
//!
//! The system calls ([`syscall`]) come from a backend chosen by feature:
//! `linux` (the default) runs programs on Linux, `native` on planten
//! (9front's amd64 system calls, `amd64/`; it wins when both are on, so
//! that one crate asking for `linux` cannot put std into a native
//! program). Built without either (`default-features = false`, as the
//! kernel does), libc has only its pure parts: 9P conversion, formatting,
//! flag parsing.
#![cfg_attr(not(any(test, all(feature = "linux", not(feature = "native")))), no_std)]
// Unsafe code is confined to the backends; everything else forbids it.
#![deny(unsafe_code)]

extern crate alloc;

// 9P2000: fcall.h and the conversion functions of 9sys.
pub mod fcall;
#[path = "9sys/convD2M.rs"]
pub mod convd2m;
#[path = "9sys/convM2D.rs"]
pub mod convm2d;
#[path = "9sys/convM2S.rs"]
pub mod convm2s;
#[path = "9sys/convS2M.rs"]
pub mod convs2m;
#[path = "9sys/dirread.rs"]
pub mod dirread;
#[path = "9sys/fcallfmt.rs"]
pub mod fcallfmt;
#[path = "9sys/nulldir.rs"]
pub mod nulldir;

// Names, quoting, modes and times (port, fmt, 9sys).
#[path = "port/cleanname.rs"]
pub mod cleanname;
#[path = "port/needsrcquote.rs"]
pub mod needsrcquote;
#[path = "fmt/fmtquote.rs"]
pub mod fmtquote;
// Runes and floating-point formatting (port/rune.c, fmt/fltfmt.c).
#[path = "port/rune.rs"]
pub mod rune;
#[path = "fmt/fltfmt.rs"]
pub mod fltfmt;
#[path = "9sys/dirmodefmt.rs"]
pub mod dirmodefmt;
#[path = "port/date.rs"]
pub mod date;
#[cfg(any(feature = "linux", feature = "native"))]
#[path = "9sys/ctime.rs"]
pub mod ctime;
// Directory entries and access over the system calls.
#[cfg(any(feature = "linux", feature = "native"))]
#[path = "9sys/dirstat.rs"]
pub mod dirstat;
#[cfg(any(feature = "linux", feature = "native"))]
#[path = "9sys/dirfstat.rs"]
pub mod dirfstat;
#[cfg(any(feature = "linux", feature = "native"))]
#[path = "9sys/dirwstat.rs"]
pub mod dirwstat;
#[cfg(any(feature = "linux", feature = "native"))]
#[path = "9sys/dirfwstat.rs"]
pub mod dirfwstat;
#[cfg(any(feature = "linux", feature = "native"))]
#[path = "9sys/access.rs"]
pub mod access;

// System calls and program start-up.
#[path = "9syscall/sys.rs"]
pub mod sys;
pub mod arg;
#[cfg(any(feature = "linux", feature = "native"))]
pub mod main9;
#[cfg(any(feature = "linux", feature = "native"))]
pub mod print;
#[cfg(any(feature = "linux", feature = "native"))]
#[path = "9sys/sysfatal.rs"]
pub mod sysfatal;
#[cfg(any(feature = "linux", feature = "native"))]
pub mod syscall;
#[cfg(all(feature = "linux", not(feature = "native")))]
mod linux;

// The native backend (amd64/) and the 9sys and port files it needs. The
// backend is compiled in the Linux build's tests too, for its pure parts
// and its host-run stubs; what only a planten program can have (entry,
// allocator, panic handler, mem*) is there only with `native`.
#[cfg(any(feature = "native", all(test, feature = "linux")))]
#[doc(hidden)]
pub mod amd64;
#[cfg(any(feature = "native", all(test, feature = "linux")))]
#[path = "9sys/werrstr.rs"]
pub mod werrstr;
#[cfg(any(feature = "native", all(test, feature = "linux")))]
#[path = "9sys/rerrstr.rs"]
pub mod rerrstr;
#[cfg(any(feature = "native", all(test, feature = "linux")))]
#[path = "9sys/getpid.rs"]
pub mod getpid;
#[cfg(any(feature = "native", all(test, feature = "linux")))]
#[path = "9sys/privalloc.rs"]
pub mod privalloc;
#[cfg(all(feature = "native", not(test)))]
#[path = "9sys/sbrk.rs"]
pub mod sbrk;
#[path = "port/malloc.rs"]
pub mod malloc;
// 9front's environment and names over the system calls, on any backend
// (the native one uses them).
#[cfg(any(feature = "linux", feature = "native"))]
#[path = "9sys/getenv.rs"]
pub mod getenv;
#[cfg(any(feature = "linux", feature = "native"))]
#[path = "9sys/putenv.rs"]
pub mod putenv;
#[cfg(any(feature = "linux", feature = "native"))]
#[path = "9sys/getwd.rs"]
pub mod getwd;
#[cfg(any(feature = "linux", feature = "native"))]
#[path = "9sys/getppid.rs"]
pub mod getppid;

// Networking (dial(2)) and procs.
#[cfg(any(feature = "linux", feature = "native"))]
#[path = "9sys/announce.rs"]
pub mod announce;
#[cfg(any(feature = "linux", feature = "native"))]
#[path = "9sys/dial.rs"]
pub mod dial;
#[path = "port/netmkaddr.rs"]
pub mod netmkaddr;
#[path = "port/tokenize.rs"]
pub mod tokenize;

// Numbers from strings (port/strto*.c, atol.c, atoll.c).
#[path = "port/strtol.rs"]
pub mod strtol;
#[path = "port/strtoul.rs"]
pub mod strtoul;
#[path = "port/strtoll.rs"]
pub mod strtoll;
#[path = "port/strtoull.rs"]
pub mod strtoull;
#[path = "port/atol.rs"]
pub mod atol;
#[path = "port/atoll.rs"]
pub mod atoll;
#[cfg(any(feature = "linux", feature = "native"))]
#[path = "9sys/qlock.rs"]
pub mod qlock;
