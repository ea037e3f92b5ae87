//! `getppid`: a port of 9front's `sys/src/libc/9sys/getppid.c`: the
//! parent's pid is the number in `/proc/PID/ppid`, 0 when it cannot be
//! read. (Older Plan 9 read `/dev/ppid`; 9front's libc reads `/proc`.)
//! What differs: the `/proc` directory is a parameter of [`getppidin`],
//! for the tests.

use alloc::format;

use crate::syscall::{self, Pid, OCEXEC, OREAD};

pub fn getppid() -> Pid {
    getppidin("/proc", syscall::getpid())
}

/// The parent of `pid` as `proc`/PID/ppid says.
pub fn getppidin(proc: &str, pid: Pid) -> Pid {
    let Ok(fd) = syscall::open(&format!("{proc}/{}/ppid", pid.0), OREAD | OCEXEC) else {
        return Pid(0);
    };
    let mut buf = [0u8; 32];
    let n = syscall::read(fd, &mut buf[..31]).unwrap_or(0);
    let _ = syscall::close(fd);
    Pid(crate::atol::atol(&buf[..n]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parent_comes_from_proc_pid_ppid() {
        let d = std::env::temp_dir().join(format!("planten-getppid-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join("42")).unwrap();
        // devproc's ppid file: readnum's number in 11 columns and a blank.
        std::fs::write(d.join("42/ppid"), b"          7 ").unwrap();
        let p = d.to_string_lossy();
        assert_eq!(getppidin(&p, Pid(42)), Pid(7));
        assert_eq!(getppidin(&p, Pid(43)), Pid(0));
        std::fs::remove_dir_all(&d).unwrap();
    }
}
