//! System-call numbers: a port of 9front's `libc/9syscall/sys.h`.
//!
//! These are 9front's numbers, which planten's kernel uses too, so that the
//! native backend's stubs (and, one day, unmodified 9front binaries) reach
//! the right calls. The names drop sys.h's leading underscores, which mark
//! obsolete calls kept for old binaries; those keep an `OLD` prefix here.

pub const SYSR1: u32 = 0;
pub const OLDERRSTR: u32 = 1;
pub const BIND: u32 = 2;
pub const CHDIR: u32 = 3;
pub const CLOSE: u32 = 4;
pub const DUP: u32 = 5;
pub const ALARM: u32 = 6;
pub const EXEC: u32 = 7;
pub const EXITS: u32 = 8;
pub const OLDFSESSION: u32 = 9;
pub const FAUTH: u32 = 10;
pub const OLDFSTAT: u32 = 11;
pub const SEGBRK: u32 = 12;
pub const OLDMOUNT: u32 = 13;
pub const OPEN: u32 = 14;
pub const OLDREAD: u32 = 15;
pub const OSEEK: u32 = 16;
pub const SLEEP: u32 = 17;
pub const OLDSTAT: u32 = 18;
pub const RFORK: u32 = 19;
pub const OLDWRITE: u32 = 20;
pub const PIPE: u32 = 21;
pub const CREATE: u32 = 22;
pub const FD2PATH: u32 = 23;
pub const BRK: u32 = 24;
pub const REMOVE: u32 = 25;
pub const OLDWSTAT: u32 = 26;
pub const OLDFWSTAT: u32 = 27;
pub const NOTIFY: u32 = 28;
pub const NOTED: u32 = 29;
pub const SEGATTACH: u32 = 30;
pub const SEGDETACH: u32 = 31;
pub const SEGFREE: u32 = 32;
pub const SEGFLUSH: u32 = 33;
pub const RENDEZVOUS: u32 = 34;
pub const UNMOUNT: u32 = 35;
pub const OLDWAIT: u32 = 36;
pub const SEMACQUIRE: u32 = 37;
pub const SEMRELEASE: u32 = 38;
pub const SEEK: u32 = 39;
pub const FVERSION: u32 = 40;
pub const ERRSTR: u32 = 41;
pub const STAT: u32 = 42;
pub const FSTAT: u32 = 43;
pub const WSTAT: u32 = 44;
pub const FWSTAT: u32 = 45;
pub const MOUNT: u32 = 46;
pub const AWAIT: u32 = 47;
pub const PREAD: u32 = 50;
pub const PWRITE: u32 = 51;
pub const TSEMACQUIRE: u32 = 52;
pub const NSEC: u32 = 53;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_9fronts() {
        // Spot checks against sys.h: the calls a port most often gets wrong.
        assert_eq!((OPEN, CREATE, CLOSE, PREAD, PWRITE), (14, 22, 4, 50, 51));
        assert_eq!((RFORK, EXEC, EXITS, AWAIT), (19, 7, 8, 47));
        assert_eq!((ERRSTR, STAT, FSTAT, WSTAT, FWSTAT, MOUNT), (41, 42, 43, 44, 45, 46));
        assert_eq!((SEEK, TSEMACQUIRE, NSEC), (39, 52, 53));
    }
}
