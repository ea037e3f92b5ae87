//! xargs: a port of 9front's `sys/src/cmd/xargs.c`.
//!
//! Reads standard input a line at a time and runs the command named by
//! the arguments with up to `-n` lines (default 10) appended as arguments,
//! once per batch, until input runs out. `-p` lets that many runs go on at
//! once. A command that is not a rooted or `./`/`../` path is tried as
//! given and then as `/bin/NAME`, as 9front does; a child that can exec
//! neither prints `xargs: exec: ERR` and exits with that status. xargs
//! waits for every child before it ends, and its own status is always
//! success, whatever the children's.
//!
//! What differs: 9front execs the bytes of each line; planten's exec takes
//! strings, so a line that is not UTF-8 is passed with its bad bytes
//! replaced by U+FFFD. 9front loops forever forking argument-less runs
//! when `-n` is 0 or negative; planten takes such a count as 1.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use libbio::Biobuf;
use libc::arg::Args;
use libc::atol::atoi;
use libc::syscall::{awaitmsg, exec, exits, rfork, Fd, OREAD, RFFDG, RFPROC, RFREND};

libc::main!(main);

fn usage() -> ! {
    let _ = libc::fprint!(Fd::STDERR, "usage: xargs [ -n lines ] [ -p procs ] args ...\n");
    exits("usage");
}

/// Waits for every child left.
fn dowait() {
    while awaitmsg().is_ok() {}
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let mut lines: i64 = 10;
    let mut procs: i64 = 1;
    while let Some(c) = a.next_flag() {
        match c {
            'n' => lines = atoi(&a.value().unwrap_or_else(|| usage())) as i64,
            'p' => procs = atoi(&a.value().unwrap_or_else(|| usage())) as i64,
            _ => usage(),
        }
    }
    let cmd = a.rest();
    if cmd.is_empty() {
        usage();
    }
    let lines = lines.max(1) as usize;
    let mut bp = Biobuf::new(Fd::STDIN, OREAD);
    bp.lethal(None);
    let mut j: i64 = 0;
    let mut run = true;
    while run {
        if j >= procs {
            let _ = awaitmsg();
        }
        j += 1;
        let mut batch: Vec<String> = Vec::new();
        for i in 0..lines {
            match bp.rdstr(b'\n', true) {
                Some(l) => batch.push(String::from_utf8_lossy(&l).into_owned()),
                None => {
                    if i == 0 {
                        dowait();
                        exits("");
                    }
                    run = false;
                    break;
                }
            }
        }
        let mut nargv: Vec<&str> = cmd.iter().map(|s| s.as_str()).collect();
        nargv.extend(batch.iter().map(|s| s.as_str()));
        match rfork(RFPROC | RFFDG | RFREND) {
            Err(e) => libc::sysfatal!("fork: {e}"),
            Ok(None) => {
                let name = nargv[0];
                let mut e = exec(name, &nargv);
                if !name.starts_with('/') && !name.starts_with("./") && !name.starts_with("../") {
                    let b = format!("/bin/{name}");
                    e = exec(&b, &nargv);
                }
                libc::sysfatal!("exec: {e}");
            }
            Ok(Some(_)) => {}
        }
    }
    dowait();
    exits("");
}
