//! `getwd`: a port of 9front's `sys/src/libc/9sys/getwd.c`: the current
//! directory is the name `fd2path` gives for "." opened close-on-exec.
//! What differs: the name is returned as a `String`, with no length limit
//! but the system call's buffer.

use alloc::string::String;

use crate::syscall::{self, Result, OCEXEC, OREAD};

pub fn getwd() -> Result<String> {
    let fd = syscall::open(".", OREAD | OCEXEC)?;
    let r = syscall::fd2path(fd);
    let _ = syscall::close(fd);
    r
}

#[cfg(test)]
mod tests {
    #[test]
    fn getwd_names_the_current_directory() {
        let want = std::env::current_dir().unwrap();
        assert_eq!(super::getwd().unwrap(), want.to_string_lossy());
    }
}
