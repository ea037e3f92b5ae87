//! Notes: the port of 9front's `sys/src/cmd/rc/trap.c` (`dotrap`), with
//! the note handler of plan9.c (`notifyf`, `Trapinit`).
//!
//! What differs: libc's [`notify`](libc::syscall::notify) records notes
//! instead of calling a handler, and the interpreter polls for them
//! between commands and after an interrupted system call
//! ([`Shell::dotrap`]), where 9front's handler counts them in `trap[]`
//! for the main loop.

use alloc::vec::Vec;

use libc::syscall;

use crate::exec::{Shell, Unwind, R};

/// plan9.c's `Signame` and `syssigname`: the function rc runs for a note,
/// by the note's prefix.
const SIGS: [(&str, &[u8]); 7] = [
    ("hangup", b"sighup"),
    ("interrupt", b"sigint"),
    ("quit", b"sigquit"),
    ("alarm", b"sigalrm"),
    ("kill", b"sigkill"),
    ("sys: fp: ", b"sigfpe"),
    ("term", b"sigterm"),
];

/// plan9.c's `Trapinit`.
pub fn trapinit() {
    syscall::notify(true);
}

impl Shell {
    /// trap.c's `dotrap`: runs the function for each note that arrived,
    /// or unwinds to the interactive loop for an interrupt, or exits.
    pub fn dotrap(&mut self) -> R<()> {
        while let Some(note) = syscall::pendingnote() {
            let Some(&(_, fname)) = SIGS.iter().find(|(p, _)| note.starts_with(p)) else {
                continue;
            };
            if !note.starts_with("sys: ") {
                self.interrupted = true;
            }
            if syscall::getpid().0 != self.mypid {
                self.exit();
            }
            if self.vars.func(fname).is_some() {
                let star: Vec<_> = self.vars.get(b"*").to_vec();
                self.startfunc(fname, star, false)?;
            } else if fname == b"sigint" || fname == b"sigquit" {
                return Err(Unwind::Interrupt);
            } else {
                self.exit();
            }
        }
        Ok(())
    }
}
