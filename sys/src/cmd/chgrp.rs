//! chgrp: a port of 9front's `sys/src/cmd/chgrp.c`.
//!
//! `chgrp group file ...` sets each file's group (with `-u` or `-o`, its
//! owner) by a wstat that changes nothing else. A file that cannot be
//! changed is reported (`chgrp: can't wstat FILE: ERR`) and the others are
//! still tried; the exit status is then `can't wstat`. A group with no
//! files is not an error.
//!
//! What differs: nothing in chgrp itself. On Linux, planten's wstat
//! accepts only the owner and group the file already has and refuses any
//! other with `permission denied` (it does not chown).
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use libc::arg::Args;
use libc::dirwstat::dirwstat;
use libc::nulldir::nulldir;
use libc::syscall::{exits, Fd};

libc::main!(main);

fn usage() -> ! {
    let _ = libc::fprint!(Fd::STDERR, "usage: chgrp [ -uo ] group file ....\n");
    exits("usage");
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let mut uflag = false;
    while let Some(c) = a.next_flag() {
        match c {
            'u' | 'o' => uflag = true,
            _ => usage(),
        }
    }
    let args = a.rest();
    let Some((group, files)) = args.split_first() else {
        usage();
    };
    let mut errs = "";
    for f in files {
        let mut d = nulldir();
        if uflag {
            d.uid = group.as_str().into();
        } else {
            d.gid = group.as_str().into();
        }
        if let Err(e) = dirwstat(f, &d) {
            let _ = libc::fprint!(Fd::STDERR, "chgrp: can't wstat {f}: {e}\n");
            errs = "can't wstat";
        }
    }
    exits(errs);
}
