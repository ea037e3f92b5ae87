//! planten's libc: the Rust port of 9front's `sys/src/libc`.
//!
//! `no_std` + `alloc`, so the kernel and native programs can use it. Its
//! directories follow 9front's (`9sys`, `port`, `fmt`, ...), one module per
//! C file, included by path where the directory name is not a Rust
//! identifier.
//!
//! The system calls ([`syscall`]) come from a backend chosen by feature:
//! `linux` (the default) runs programs on Linux, `native` (to come) on
//! planten. Built without either (`default-features = false`, as the
//! kernel does), libc has only its pure parts: 9P conversion, formatting,
//! flag parsing.
#![cfg_attr(not(any(test, feature = "linux")), no_std)]
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
#[cfg(feature = "linux")]
#[path = "9sys/ctime.rs"]
pub mod ctime;
// Directory entries and access over the system calls.
#[cfg(feature = "linux")]
#[path = "9sys/dirstat.rs"]
pub mod dirstat;
#[cfg(feature = "linux")]
#[path = "9sys/dirfstat.rs"]
pub mod dirfstat;
#[cfg(feature = "linux")]
#[path = "9sys/dirwstat.rs"]
pub mod dirwstat;
#[cfg(feature = "linux")]
#[path = "9sys/dirfwstat.rs"]
pub mod dirfwstat;
#[cfg(feature = "linux")]
#[path = "9sys/access.rs"]
pub mod access;

// System calls and program start-up.
#[path = "9syscall/sys.rs"]
pub mod sys;
pub mod arg;
#[cfg(feature = "linux")]
pub mod main9;
#[cfg(feature = "linux")]
pub mod print;
#[cfg(feature = "linux")]
#[path = "9sys/sysfatal.rs"]
pub mod sysfatal;
#[cfg(feature = "linux")]
pub mod syscall;
#[cfg(feature = "linux")]
mod linux;

// Networking (dial(2)) and procs.
#[cfg(feature = "linux")]
#[path = "9sys/announce.rs"]
pub mod announce;
#[cfg(feature = "linux")]
#[path = "9sys/dial.rs"]
pub mod dial;
#[path = "port/netmkaddr.rs"]
pub mod netmkaddr;
#[path = "port/tokenize.rs"]
pub mod tokenize;
#[cfg(feature = "linux")]
#[path = "9sys/qlock.rs"]
pub mod qlock;
