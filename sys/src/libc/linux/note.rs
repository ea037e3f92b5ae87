//! Notes on Linux: the Linux backend's half of 9front's `notify` and
//! `noted` (see [`crate::syscall::notify`]).
//!
//! Not a 9front file. A Linux signal that stands for a 9front note
//! (SIGINT "interrupt", SIGHUP "hangup", SIGALRM "alarm", SIGTERM "kill",
//! SIGQUIT "quit") is caught by a handler that only records it in an
//! atomic set; the program takes the notes with
//! [`crate::syscall::pendingnote`] when it is ready, which is the
//! simple, safe form of a note handler that returns with `noted(NCONT)`.
//! The handler is installed without SA_RESTART, so a blocking call the
//! signal interrupts fails with 9front's error string "interrupted".

use core::sync::atomic::{AtomicU32, Ordering};
use std::string::String;

use super::signote;

/// The signals that carry notes, in the order pending notes are taken.
const SIGNALS: [i32; 5] = [lx::SIGHUP, lx::SIGINT, lx::SIGQUIT, lx::SIGALRM, lx::SIGTERM];

/// Bit i is set when SIGNALS[i] arrived and has not been taken.
static PENDING: AtomicU32 = AtomicU32::new(0);

extern "C" fn record(sig: lx::c_int) {
    // Only an atomic store: async-signal-safe.
    for (i, &s) in SIGNALS.iter().enumerate() {
        if s == sig {
            PENDING.fetch_or(1 << i, Ordering::SeqCst);
        }
    }
}

/// Catches the note-carrying signals (`on`), or gives them back their
/// default action.
pub fn notify(on: bool) {
    for &s in SIGNALS.iter() {
        // SAFETY: sigaction is plain data, valid when zeroed; `record` is
        // an `extern "C" fn(c_int)` that only touches an atomic, so it is
        // safe to run as a signal handler at any moment.
        unsafe {
            let mut sa: lx::sigaction = core::mem::zeroed();
            sa.sa_sigaction = if on {
                record as extern "C" fn(lx::c_int) as usize
            } else {
                lx::SIG_DFL
            };
            sa.sa_flags = 0; // no SA_RESTART: blocking calls see EINTR
            lx::sigemptyset(&mut sa.sa_mask);
            lx::sigaction(s, &sa, core::ptr::null_mut());
        }
    }
    super::spawn::caught_changed();
}

/// Takes one pending note, if any.
pub fn pendingnote() -> Option<String> {
    loop {
        let p = PENDING.load(Ordering::SeqCst);
        if p == 0 {
            return None;
        }
        let i = p.trailing_zeros();
        if PENDING
            .compare_exchange(p, p & !(1 << i), Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            let s = SIGNALS[i as usize];
            return Some(if s == lx::SIGQUIT { "quit".into() } else { signote(s) });
        }
    }
}

/// Posts the note for `sig` to this process, as if it had arrived (for
/// tests).
#[cfg(test)]
pub fn post(sig: i32) {
    // SAFETY: raise sends a signal to ourselves and touches no memory.
    unsafe { lx::raise(sig) };
}

/// A one-way pipe, [read end, write end], whose ends other programs can
/// open through /dev/fd (a Linux pipe, not the socket pair of `pipe`).
pub fn fdpipe() -> crate::syscall::Result<[crate::syscall::Fd; 2]> {
    let mut p = [0 as lx::c_int; 2];
    // SAFETY: `p` has room for the two descriptors pipe stores.
    if unsafe { lx::pipe(p.as_mut_ptr()) } < 0 {
        return Err(super::oserr());
    }
    Ok([crate::syscall::Fd(p[0]), crate::syscall::Fd(p[1])])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caught_signal_becomes_a_pending_note() {
        notify(true);
        post(lx::SIGHUP);
        assert_eq!(pendingnote().as_deref(), Some("hangup"));
        assert_eq!(pendingnote(), None);
        post(lx::SIGALRM);
        post(lx::SIGINT);
        // Taken in a fixed order: interrupt before alarm.
        assert_eq!(pendingnote().as_deref(), Some("interrupt"));
        assert_eq!(pendingnote().as_deref(), Some("alarm"));
        notify(false);
    }

    #[test]
    fn fdpipe_ends_open_through_dev_fd() {
        let [r, w] = fdpipe().unwrap();
        let name = std::format!("/dev/fd/{}", w.0);
        let fd2 = crate::syscall::open(&name, crate::syscall::OWRITE).unwrap();
        crate::syscall::write(fd2, b"x").unwrap();
        let mut b = [0u8; 1];
        assert_eq!(crate::syscall::read(r, &mut b).unwrap(), 1);
        assert_eq!(&b, b"x");
    }
}
