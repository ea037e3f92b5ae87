//! `sysfatal`: a port of 9front's `libc/9sys/sysfatal.c`.
//!
//! Prints `argv0: message` on standard error and exits with the message as
//! the status. 9front lets a program replace the printing through
//! `_sysfatal`; planten does not have that hook yet.

use core::fmt;

use crate::syscall::{exits, Fd};

/// Reports a fatal error and exits; use through [`sysfatal!`](crate::sysfatal).
pub fn sysfatal_args(args: fmt::Arguments) -> ! {
    let msg = alloc::fmt::format(args);
    let argv0 = crate::main9::argv0();
    let name = if argv0.is_empty() { "<prog>" } else { &argv0 };
    let _ = crate::print::fprint_args(Fd::STDERR, format_args!("{name}: {msg}\n"));
    exits(&msg)
}

/// `sysfatal!("fmt", args...)`.
#[macro_export]
macro_rules! sysfatal {
    ($($t:tt)*) => { $crate::sysfatal::sysfatal_args(format_args!($($t)*)) };
}
