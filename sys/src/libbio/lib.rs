//! planten's libbio: the Rust port of 9front's `sys/src/libbio`.
//!
//! A [`Biobuf`] buffers reads or writes on a libc file descriptor, as
//! 9front's `Biobuf`: `Bsize` (IOUNIT, 32 KiB) bytes of buffer, `Brdline`
//! lines no longer than the buffer, runes decoded as 9front's
//! `chartorune`. Each 9front file is a module adding its functions as
//! methods (`Bgetc` → [`Biobuf::getc`], `Brdline` → [`Biobuf::rdline`],
//! ...).
//!
//! What differs: 9front flushes every open `Biobuf` at exit through
//! `atexit`; planten's programs call [`Biobuf::flush`] (or
//! [`Biobuf::term`]) before `exits`. Read and write errors are reported
//! through the error function set by [`Biobuf::lethal`], as `Berror`
//! does, and otherwise end input (reads) or fail the call (writes).
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod binit;
pub mod bgetc;
pub mod bgetrune;
pub mod brdline;
pub mod brdstr;
pub mod bread;
pub mod boffset;
pub mod bseek;
pub mod bputc;
pub mod bputrune;
pub mod bwrite;
pub mod bflush;
pub mod bprint;
pub mod blethal;

pub use binit::{Biobuf, BSIZE};
