//! time: a port of 9front's `sys/src/cmd/time.c`.
//!
//! Runs the command given by the arguments (tried as given, then as
//! `/bin/NAME` unless it is a rooted or `./`/`../` path), waits for it and
//! prints on standard error its user, system and real time in seconds,
//! `U.UUu S.SSs R.RRr`, a blank, a tab and the command line, each argument
//! preceded by a blank (at most five
//! arguments, then `...`), followed by ` # status=MSG` when the command
//! failed, MSG being the text after the first `:` of the wait message.
//! time exits with the command's status. Interrupts do not kill time; it
//! goes on waiting.
//!
//! What differs: Linux's wait reports no real time, so planten measures it
//! itself, from before the fork to the end of the wait. A Linux command's
//! failure status is its exit code (`# status=1`), not 9front's
//! `name pid: message`.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use libc::syscall::{awaitmsg, exec, exits, nsec, notify, rfork, Fd, RFFDG, RFPROC, RFREND};

libc::main!(main);

fn error(s: &str, e: &libc::syscall::Error) -> ! {
    let _ = libc::fprint!(Fd::STDERR, "time: {s}: {e}\n");
    exits(s);
}

/// `ms` milliseconds as 9front's `S.CC` (hundredths, truncated).
fn secs(ms: u64) -> String {
    format!("{}.{:02}", ms / 1000, (ms % 1000) / 10)
}

fn main(argv: Vec<String>) {
    if argv.len() <= 1 {
        let _ = libc::fprint!(Fd::STDERR, "usage: time command\n");
        exits("usage");
    }
    let start = nsec();
    let cargv: Vec<&str> = argv[1..].iter().map(|s| s.as_str()).collect();
    match rfork(RFPROC | RFFDG | RFREND) {
        Err(e) => error("fork", &e),
        Ok(None) => {
            let name = cargv[0];
            let mut e = exec(name, &cargv);
            if !name.starts_with('/') && !name.starts_with("./") && !name.starts_with("../") {
                e = exec(&format!("/bin/{name}"), &cargv);
            }
            error(name, &e);
        }
        Ok(Some(_)) => {}
    }
    notify(true);
    let w = loop {
        match awaitmsg() {
            Ok(w) => break w,
            Err(e) if e.as_str() == "interrupted" => continue,
            Err(e) => error("wait", &e),
        }
    };
    let real = ((nsec() - start).max(0) / 1_000_000) as u64;
    // pid utime stime rtime 'msg'
    let mut f = w.splitn(5, ' ');
    let _pid = f.next();
    let user: u64 = f.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    let sys: u64 = f.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    let _rt = f.next();
    let msg = libc::tokenize::tokenize(f.next().unwrap_or(""), 1).into_iter().next().unwrap_or_default();
    let mut out = format!("{}u {}s {}r \t", secs(user), secs(sys), secs(real));
    // 9front's add() puts a blank before every piece after the first,
    // the tab and the status included.
    for (i, a) in argv.iter().enumerate().skip(1) {
        out.push(' ');
        out.push_str(a);
        if i > 4 {
            out.push_str(" ...");
            break;
        }
    }
    if !msg.is_empty() {
        let p = match msg.find(':') {
            Some(i) if i + 1 < msg.len() => &msg[i + 1..],
            _ => msg.as_str(),
        };
        out.push_str("  # status=");
        out.push_str(p);
    }
    let _ = libc::fprint!(Fd::STDERR, "{out}\n");
    exits(&msg);
}
