//! `getpid`: a port of 9front's `sys/src/libc/9sys/getpid.c`: the pid is
//! what the kernel keeps in `_tos->pid` (see `amd64/main9.rs`), without a
//! system call. Native backend only.

use crate::syscall::Pid;

pub fn getpid() -> Pid {
    Pid(crate::amd64::main9::tospid() as i32)
}
