//! Small helpers: the port of 9front's `sys/src/cmd/rc/subr.c`.
//!
//! What differs: `emalloc`, `erealloc` and `estrdup` are Rust's
//! allocation; `panic` is not needed (the interpreter has no impossible
//! states to report); `inttoascii` is Rust formatting. What is left is
//! `pfln`, the prefix of rc's error messages.

use alloc::vec::Vec;

/// subr.c's `pfln`: `file:line`, `file` when the line is unknown, or
/// argv0 when there is no file.
pub fn pfln(out: &mut Vec<u8>, file: Option<&[u8]>, line: u32, argv0: &[u8]) {
    match file {
        Some(f) if line != 0 => {
            out.extend_from_slice(f);
            out.extend_from_slice(alloc::format!(":{line}").as_bytes());
        }
        Some(f) => out.extend_from_slice(f),
        None => out.extend_from_slice(argv0),
    }
}

/// subr.c's `inttoascii`.
pub fn itoa(n: i64) -> Vec<u8> {
    alloc::format!("{n}").into_bytes()
}
