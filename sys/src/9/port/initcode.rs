//! The first user process's start: a port of 9front's
//! `port/initcode.c` (`startboot`).
//!
//! 9front links `startboot` into a page of user code that the first
//! process runs: it binds the kernel's basic devices where the boot
//! program expects them, opens `/dev/cons` as standard input, output and
//! error, and execs `/boot/boot`.
//!
//! What differs: planten runs these steps in the kernel on the first
//! process's behalf (pc64/uproc.rs's `userinit` calls [`startboot`] with
//! the process's name space, then execs the boot program), so there is no
//! initcode page. As in 9front, a bind that fails (a device the kernel
//! lacks) is ignored, and so is a failed open; the exec's error is what
//! the caller reports.

use crate::portdat::{Up, MAFTER, MCREATE, MREPL};
use crate::portfns::Sched;
use crate::sysfile::{sysbind, sysopen};

/// The boot program (`boot[]`).
pub const BOOT: &str = "/boot/boot";
/// The console (`cons[]`).
pub const CONS: &str = "/dev/cons";

/// initcode.c's binds, in its order: (device, mount point, flags).
pub const BINDS: &[(&str, &str, u32)] = &[
    ("#c", "/dev", MAFTER),
    ("#d", "/fd", MREPL),
    ("#ec", "/env", MAFTER),
    ("#e", "/env", MCREATE | MAFTER),
    ("#p", "/proc", MREPL),
    ("#s", "/srv", MREPL | MCREATE),
    ("#σ", "/shr", MREPL),
];

/// `startboot` up to the exec: the binds, then `/dev/cons` opened for
/// reading once and for writing twice (fds 0, 1 and 2 of a process with
/// none open). Returns how many binds and opens succeeded.
pub fn startboot<S: Sched>(up: &Up<S>) -> (usize, usize) {
    let mut nbind = 0;
    for &(dev, old, flag) in BINDS {
        if sysbind(up, dev, old, flag).is_ok() {
            nbind += 1;
        }
    }
    let mut nopen = 0;
    for mode in [libc::fcall::OREAD, libc::fcall::OWRITE, libc::fcall::OWRITE] {
        if sysopen(up, CONS, mode as u32).is_ok() {
            nopen += 1;
        }
    }
    (nbind, nopen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sysfile::{sysfd2path, syswrite};
    use crate::testdev::*;

    #[test]
    fn binds_what_exists_and_opens_the_console_as_0_1_2() {
        // The test world has #Y and #Z only: every bind of initcode.c's
        // names a missing device and is skipped, as 9front's initcode
        // ignores bind's result. The console is a plain file of the
        // root tree here.
        let w = world();
        w.y.mk("root", "dev/cons", "");
        let (nb, no) = startboot(&w.up);
        assert_eq!(nb, 0, "no #c, #d, #e, #p, #s or #σ in the test world");
        assert_eq!(no, 3);
        // fds 0, 1, 2 in that order, all the console.
        for fd in 0..3 {
            assert_eq!(sysfd2path(&w.up, fd).unwrap(), "/dev/cons");
        }
        assert!(syswrite(&w.up, 0, b"x").is_err(), "fd 0 is open for reading");
        assert_eq!(syswrite(&w.up, 1, b"hello").unwrap(), 5);
    }

    #[test]
    fn no_console_no_fds() {
        let w = world();
        let (_, no) = startboot(&w.up);
        assert_eq!(no, 0);
        assert!(sysfd2path(&w.up, 0).is_err());
    }
}
