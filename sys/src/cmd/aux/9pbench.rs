//! aux/9pbench: planten's own 9P2000 benchmark (not a 9front command).
//!
//! ```text
//! aux/9pbench -a dialstring [-m msize] [-s reqsize] [-n conns] [-t seconds] [-r runs] [-u user]
//! ```
//!
//! Connects to the 9P2000 server at `dialstring`, negotiates `msize`
//! (default 65560), attaches as `user` (default `$user`, else `none`) and
//! measures, `runs` times (default 5) for `seconds` each (default 2):
//!
//! - `walk+open+clunk/s`: `conns` connections (default 4), each with a
//!   proc of its own, walking a fid to the test file, opening it for
//!   reading and clunking it, as fast as they can;
//! - `write MB/s`: one connection writing the test file sequentially in
//!   `reqsize` requests (default msize - IOHDRSZ), wrapping at 64MB;
//! - `read MB/s`: one connection reading it back sequentially in
//!   `reqsize` requests, wrapping at its end.
//!
//! It prints each run and the median of each measure (MB is 10^6 bytes).
//! It needs nothing but 9P2000 from the server: it creates a file named
//! `9pbench.PID` in the root of the tree (so the user must be allowed to)
//! and removes it at the end.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use lib9pclient::{Client, Fid};
use libc::arg::Args;
use libc::fcall::{IOHDRSZ, OREAD, OWRITE};
use libc::syscall::{self, nsec, Fd};
use libc::{print, sysfatal};

libc::main!(main);

/// The write test wraps here, to bound the server's memory.
const WRAP: u64 = 64 << 20;

fn usage() -> ! {
    let _ = libc::fprint!(
        Fd::STDERR,
        "usage: aux/9pbench -a dialstring [-m msize] [-s reqsize] [-n conns] [-t seconds] [-r runs] [-u user]\n"
    );
    syscall::exits("usage")
}

struct Conf {
    addr: String,
    msize: u32,
    reqsize: u32,
    conns: usize,
    ms: i64,
    runs: usize,
    user: String,
    name: String,
}

struct Conn {
    c: Client,
    root: Fid,
}

fn connect(cf: &Conf) -> Conn {
    let c = match Client::dial(&cf.addr, cf.msize) {
        Ok(c) => c,
        Err(e) => sysfatal!("dial {}: {e}", cf.addr),
    };
    let (root, _) = match c.attach(None, &cf.user, "") {
        Ok(x) => x,
        Err(e) => sysfatal!("attach: {e}"),
    };
    Conn { c, root }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(core::cmp::Ordering::Equal));
    let n = v.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn fmtruns(v: &[f64]) -> String {
    v.iter().map(|x| format!("{x:.1}")).collect::<Vec<_>>().join(" ")
}

/// One proc's walk/open/clunk loop; returns how many it did.
fn wocloop(cn: &Conn, name: &str, ms: i64) -> Result<u64, lib9pclient::Error> {
    let end = nsec() + ms * 1_000_000;
    let mut n = 0;
    while nsec() < end {
        let (f, _) = cn.c.walk(cn.root, &[name])?;
        cn.c.open(f, OREAD)?;
        cn.c.clunk(f)?;
        n += 1;
    }
    Ok(n)
}

fn woc(conns: &[Arc<Conn>], cf: &Conf) -> f64 {
    let done = thread::chancreate::<Result<u64, lib9pclient::Error>>(conns.len());
    let t0 = nsec();
    for cn in conns {
        let cn = cn.clone();
        let done = done.clone();
        let name = cf.name.clone();
        let ms = cf.ms;
        if let Err(e) = thread::proccreate(move || {
            let _ = done.send(wocloop(&cn, &name, ms));
        }, 0) {
            sysfatal!("proccreate: {e}");
        }
    }
    let mut total = 0;
    for _ in conns {
        match done.recv() {
            Some(Ok(n)) => total += n,
            Some(Err(e)) => sysfatal!("walk/open/clunk: {e}"),
            None => sysfatal!("lost a proc"),
        }
    }
    let secs = (nsec() - t0) as f64 / 1e9;
    total as f64 / secs
}

fn seqwrite(cn: &Conn, fid: Fid, cf: &Conf, buf: &[u8]) -> f64 {
    let end = nsec() + cf.ms * 1_000_000;
    let t0 = nsec();
    let mut off = 0u64;
    let mut bytes = 0u64;
    while nsec() < end {
        let n = match cn.c.write(fid, off, buf) {
            Ok(n) => n as u64,
            Err(e) => sysfatal!("write: {e}"),
        };
        if n == 0 {
            sysfatal!("write: wrote nothing");
        }
        bytes += n;
        off += n;
        if off >= WRAP {
            off = 0;
        }
    }
    bytes as f64 / ((nsec() - t0) as f64 / 1e9) / 1e6
}

fn seqread(cn: &Conn, fid: Fid, cf: &Conf) -> f64 {
    let end = nsec() + cf.ms * 1_000_000;
    let t0 = nsec();
    let mut off = 0u64;
    let mut bytes = 0u64;
    while nsec() < end {
        let b = match cn.c.read(fid, off, cf.reqsize) {
            Ok(b) => b,
            Err(e) => sysfatal!("read: {e}"),
        };
        if b.is_empty() {
            if off == 0 {
                sysfatal!("read: the file is empty");
            }
            off = 0;
            continue;
        }
        bytes += b.len() as u64;
        off += b.len() as u64;
    }
    bytes as f64 / ((nsec() - t0) as f64 / 1e9) / 1e6
}

fn num(s: Option<String>) -> u64 {
    match s.as_deref().map(str::parse::<u64>) {
        Some(Ok(n)) => n,
        _ => usage(),
    }
}

fn main(argv: Vec<String>) {
    libc::main9::set_argv0("9pbench");
    let user = syscall::getenv("user")
        .or_else(|| syscall::getenv("USER"))
        .map(|v| String::from_utf8_lossy(&v).into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "none".into());
    let mut cf = Conf {
        addr: String::new(),
        msize: 65560,
        reqsize: 0,
        conns: 4,
        ms: 2000,
        runs: 5,
        user,
        name: format!("9pbench.{}", syscall::getpid()),
    };
    let mut a = Args::new(argv);
    while let Some(c) = a.next_flag() {
        match c {
            'a' => cf.addr = a.value().unwrap_or_else(|| usage()),
            'm' => cf.msize = num(a.value()) as u32,
            's' => cf.reqsize = num(a.value()) as u32,
            'n' => cf.conns = num(a.value()).max(1) as usize,
            't' => cf.ms = (num(a.value()) as i64).max(1) * 1000,
            'r' => cf.runs = num(a.value()).max(1) as usize,
            'u' => cf.user = a.value().unwrap_or_else(|| usage()),
            _ => usage(),
        }
    }
    if cf.addr.is_empty() || !a.rest().is_empty() {
        usage();
    }
    let conns: Vec<Arc<Conn>> = (0..cf.conns).map(|_| Arc::new(connect(&cf))).collect();
    let c0 = &conns[0];
    let msize = c0.c.msize();
    let iounit = msize - IOHDRSZ as u32;
    if cf.reqsize == 0 || cf.reqsize > iounit {
        cf.reqsize = iounit;
    }
    let _ = print!(
        "9pbench: {} msize {} reqsize {} conns {} runs {} x {}s\n",
        cf.addr,
        msize,
        cf.reqsize,
        cf.conns,
        cf.runs,
        cf.ms / 1000
    );
    // The test file.
    let (fid, _) = match c0.c.walk(c0.root, &[]) {
        Ok(x) => x,
        Err(e) => sysfatal!("walk: {e}"),
    };
    // Created for writing, and opened again for reading on a second fid:
    // the plainest 9P (py9p's server, for one, fails ORDWR).
    if let Err(e) = c0.c.create(fid, &cf.name, 0o666, OWRITE) {
        sysfatal!("create {}: {e}", cf.name);
    }
    let rfid = match c0.c.walk(c0.root, &[&cf.name]) {
        Ok((f, _)) => f,
        Err(e) => sysfatal!("walk {}: {e}", cf.name),
    };
    if let Err(e) = c0.c.open(rfid, OREAD) {
        sysfatal!("open {}: {e}", cf.name);
    }
    let buf: Vec<u8> = (0..cf.reqsize).map(|i| (i % 251) as u8).collect();
    let mut w = Vec::new();
    let mut r = Vec::new();
    let mut o = Vec::new();
    for run in 0..cf.runs {
        let ws = seqwrite(c0, fid, &cf, &buf);
        let rs = seqread(c0, rfid, &cf);
        let os = woc(&conns, &cf);
        let _ = print!("run {}: write {:.1} MB/s, read {:.1} MB/s, walk+open+clunk {:.0}/s\n", run + 1, ws, rs, os);
        w.push(ws);
        r.push(rs);
        o.push(os);
    }
    let _ = print!("walk+open+clunk/s ({} conns): median {:.0} (runs: {})\n", cf.conns, median(&mut o.clone()), fmtruns(&o));
    let _ = print!("write MB/s (1 conn): median {:.1} (runs: {})\n", median(&mut w.clone()), fmtruns(&w));
    let _ = print!("read MB/s (1 conn): median {:.1} (runs: {})\n", median(&mut r.clone()), fmtruns(&r));
    let _ = c0.c.clunk(rfid);
    if let Err(e) = c0.c.remove(fid) {
        sysfatal!("remove {}: {e}", cf.name);
    }
    syscall::exits("");
}
