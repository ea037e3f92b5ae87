//! planten's libregexp: the Rust port of 9front's `sys/src/libregexp`.
//!
//! Regular expressions as regexp(6) describes them, over runes: literals,
//! `.`, classes `[...]` and `[^...]` (ranges, runes, `\` escapes; a negated
//! class never matches newline), `^`, `$`, `*`, `+`, `?`, `|` and `(...)`
//! groups, which also number the submatches. A match is the leftmost one
//! and, among those, the longest; submatches come from the thread of
//! highest priority that reaches that end, as in 9front's Pike machine
//! (written from scratch for 9front in 2016).
//!
//! Each 9front file is a module: [`regcomp`](regcomp::regcomp) (with
//! `regcomplit` and `regcompnl`), [`Reprog::regexec`] over UTF-8 bytes,
//! [`Reprog::rregexec`] over runes, [`regsub`](regsub::regsub),
//! [`rregsub`](rregsub::rregsub), [`regerror`](regerror::regerror) and
//! `regprint` (a `Display` for programs, 9front's `%R`).
//!
//! What differs from C:
//! - `regcomp` returns `Result`: the error carries the text 9front hands to
//!   `regerror`, and [`regerror::regerror`] prints it and exits as 9front's
//!   default does. A program that replaced `regerror` matches on the error.
//! - A [`Resub`] holds offsets into the subject (bytes for `regexec`, runes
//!   for `rregexec`), `None` for C's nil.
//! - Strings are slices; as in C, a NUL ends a pattern or a subject early.
//! - Thread storage grows as needed instead of the worst-case estimate, and
//!   a class with no members (`[]`, which C reads from uninitialised memory)
//!   matches nothing; `[^]` matches any rune but newline.
//! - Matching skips ahead, without running the machine, over runes that
//!   cannot begin a match when no thread is alive; the result is the same.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod regcomp;
pub mod regerror;
pub mod regexec;
pub mod regimpl;
pub mod regprint;
pub mod regsub;
pub mod rregexec;
pub mod rregsub;

pub use libc::rune::Rune;
pub use regcomp::{regcomp, regcomplit, regcompnl};
pub use regerror::RegError;
pub use regimpl::{Reprog, Resub, NSUBEXPM};
pub use regsub::regsub;
pub use rregsub::rregsub;
