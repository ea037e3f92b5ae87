//! boot: a port of 9front's `sys/src/9/boot/boot.c`, the program the
//! first process runs (`/boot/boot`, exec'd by the kernel after
//! initcode's binds).
//!
//! 9front's boot puts `/boot` after `/bin`, starts paqfs on the boot
//! file system `/boot/bootfs.paq` at `/root`, unions `/root` after `/`,
//! binds `/$cputype/bin`, `/root/rc` and `/rc/bin` into place, and execs
//! `/bin/bootrc` with its own arguments; any failure exits with the
//! error string.
//!
//! What differs: planten has no paqfs boot file system: the kernel's
//! root device (`#/`) already holds the programs, `rc` and `lib`, so the
//! paqfs and `/root` steps are left out, and `/boot/bootrc` is
//! planten's own script (sys/src/9/boot/bootrc).
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use libc::syscall::{bind, exec, exits, open, read, MAFTER, OREAD};

libc::main!(main);

fn fail(e: libc::syscall::Error) -> ! {
    exits(&e.0)
}

fn main(argv: Vec<String>) {
    if let Err(e) = bind("/boot", "/bin", MAFTER) {
        fail(e);
    }
    // $cputype from the kernel's configuration environment.
    let mut cputype = String::from("amd64");
    if let Ok(fd) = open("/env/cputype", OREAD as i32) {
        let mut b = [0u8; 26];
        if let Ok(n) = read(fd, &mut b) {
            let s = String::from_utf8_lossy(&b[..n]);
            let s = s.trim_end_matches('\0');
            if !s.is_empty() {
                cputype = String::from(s);
            }
        }
        let _ = libc::syscall::close(fd);
    }
    for (new, old) in [
        (format!("/{cputype}/bin"), "/bin"),
        (String::from("/rc/bin"), "/bin"),
    ] {
        if let Err(e) = bind(&new, old, MAFTER) {
            fail(e);
        }
    }
    let args: Vec<&str> = argv.iter().map(|s| s.as_str()).collect();
    fail(exec("/bin/bootrc", &args))
}
