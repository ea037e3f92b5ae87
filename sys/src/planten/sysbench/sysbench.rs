//! sysbench: time planten's system calls from user space.
//!
//! Not a 9front program. `sysbench [-n scale]` prints one line per
//! measurement, each the median of five runs:
//!
//! - `null`: a system call that does nothing but return (`nsec`), ns;
//! - `pipert`: one byte to a child through a pipe and back, ns;
//! - `pipebw`: 8 KiB writes from a child through a pipe, MB/s;
//! - `forkexec`: rfork+exec of `/bin/echo` writing nothing, and await, µs.
//!
//! `-n` multiplies the iteration counts (default 1), for steadier
//! figures on fast machines.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use libc::syscall::{
    awaitmsg, close, exits, nsec, pipe, read, rfork, spawn, write, Fd, FdOp, RFFDG, RFPROC,
};

libc::main!(main);

fn median(mut v: Vec<i64>) -> i64 {
    v.sort_unstable();
    v[v.len() / 2]
}

fn fatal(what: &str, e: libc::syscall::Error) -> ! {
    let _ = libc::fprint!(Fd::STDERR, "sysbench: {what}: {e}\n");
    exits(what)
}

/// Nanoseconds per call of `nsec` over `n` calls.
fn null(n: i64) -> i64 {
    let t0 = nsec();
    for _ in 0..n {
        let _ = core::hint::black_box(nsec());
    }
    (nsec() - t0) / n
}

/// A child that copies what it reads on `r` back to `w`, or writes
/// `nw` blocks of 8 KiB to `w` if `nw` is not 0; then exits.
fn child(r: Fd, w: Fd, nw: i64) -> ! {
    if nw > 0 {
        let b = [0x5au8; 8192];
        for _ in 0..nw {
            if write(w, &b).is_err() {
                exits("write");
            }
        }
        exits("");
    }
    let mut b = [0u8; 64];
    loop {
        match read(r, &mut b) {
            Ok(0) | Err(_) => exits(""),
            Ok(k) => {
                if write(w, &b[..k]).is_err() {
                    exits("");
                }
            }
        }
    }
}

/// Fork a child with pipes to and from it.
fn withchild(nw: i64) -> (Fd, Fd) {
    let a = pipe().unwrap_or_else(|e| fatal("pipe", e));
    let b = pipe().unwrap_or_else(|e| fatal("pipe", e));
    match rfork(RFPROC | RFFDG) {
        Err(e) => fatal("rfork", e),
        Ok(None) => {
            let _ = close(a[1]);
            let _ = close(b[0]);
            child(a[0], b[1], nw)
        }
        Ok(Some(_)) => {
            let _ = close(a[0]);
            let _ = close(b[1]);
            (a[1], b[0])
        }
    }
}

/// Nanoseconds per one-byte round trip, over `n`.
fn pipert(n: i64) -> i64 {
    let (w, r) = withchild(0);
    let mut b = [0u8; 1];
    let t0 = nsec();
    for _ in 0..n {
        if write(w, b"x").is_err() || read(r, &mut b) != Ok(1) {
            fatal("pipe round trip", libc::syscall::Error(String::from("short")));
        }
    }
    let t = (nsec() - t0) / n;
    let _ = close(w);
    let _ = close(r);
    let _ = awaitmsg();
    t
}

/// MB/s of 8 KiB writes through a pipe, `n` of them.
fn pipebw(n: i64) -> i64 {
    let (w, r) = withchild(n);
    let _ = close(w);
    let mut b = alloc::vec![0u8; 65536];
    let mut got = 0i64;
    let t0 = nsec();
    loop {
        match read(r, &mut b) {
            Ok(0) | Err(_) => break,
            Ok(k) => got += k as i64,
        }
    }
    let t = (nsec() - t0).max(1);
    let _ = close(r);
    let _ = awaitmsg();
    if got != n * 8192 {
        fatal("pipe throughput", libc::syscall::Error(String::from("short")));
    }
    got * 1000 / t
}

/// Microseconds per fork+exec+await of `/bin/echo -n`, over `n`.
fn forkexec(n: i64) -> i64 {
    let t0 = nsec();
    for _ in 0..n {
        if let Err(e) = spawn(&[] as &[FdOp], &["/bin/echo"], &["echo", "-n"]) {
            fatal("spawn /bin/echo", e);
        }
        if let Err(e) = awaitmsg() {
            fatal("await", e);
        }
    }
    (nsec() - t0) / n / 1000
}

fn main(argv: Vec<String>) {
    let mut scale = 1i64;
    let mut a = argv.iter().skip(1);
    while let Some(s) = a.next() {
        match s.as_str() {
            "-n" => {
                scale = a.next().and_then(|v| v.parse().ok()).filter(|&v| v > 0).unwrap_or_else(|| {
                    let _ = libc::fprint!(Fd::STDERR, "usage: sysbench [-n scale]\n");
                    exits("usage")
                })
            }
            _ => {
                let _ = libc::fprint!(Fd::STDERR, "usage: sysbench [-n scale]\n");
                exits("usage");
            }
        }
    }
    let runs = 5;
    let v: Vec<i64> = (0..runs).map(|_| null(20_000 * scale)).collect();
    let _ = libc::print!("sysbench null: {} ns\n", median(v));
    let v: Vec<i64> = (0..runs).map(|_| pipert(2_000 * scale)).collect();
    let _ = libc::print!("sysbench pipert: {} ns\n", median(v));
    let v: Vec<i64> = (0..runs).map(|_| pipebw(1_000 * scale)).collect();
    let _ = libc::print!("sysbench pipebw: {} MB/s\n", median(v));
    let v: Vec<i64> = (0..runs).map(|_| forkexec(50 * scale)).collect();
    let _ = libc::print!("sysbench forkexec: {} us\n", median(v));
    exits("");
}
