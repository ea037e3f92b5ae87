//! cmp: a port of 9front's `sys/src/cmd/cmp.c`.
//!
//! Compares two files byte by byte, optionally from offsets (`strtoll`
//! base 0, the first character a digit). It prints the first difference
//! (`A B differ: char N`, with ` line L` under `-L`), or with `-l` every
//! difference as `%6lld 0x%.2x 0x%.2x`, or `EOF on NAME after N bytes`;
//! `-s` prints nothing. Statuses are 9front's: "differ", "EOF", "open",
//! "seek", "read error", "usage"; the usage message goes to standard
//! output, as 9front's `print` puts it. Under `-l -L`, 9front counts the
//! newlines of a buffer that had a difference twice; planten does the
//! same.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use libc::arg::Args;
use libc::strtoll::strtoll;
use libc::syscall::{exits, open, read, seek, Fd, OREAD, SEEKSET};

libc::main!(main);

const BUF: usize = 65536;

fn usage() -> ! {
    let _ = libc::print!("usage: cmp [-lLs] file1 file2 [offset1 [offset2] ]\n");
    exits("usage");
}


fn fill(f: Fd, buf: &mut [u8], s: &mut usize, e: &mut isize) {
    if *s as isize >= *e {
        if *s >= BUF {
            *s = 0;
        }
        *e = match read(f, &mut buf[*s..]) {
            Ok(n) => (*s + n) as isize,
            Err(_) => *s as isize - 1,
        };
    }
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let (mut sflag, mut lflag, mut big_l) = (false, false, false);
    while let Some(c) = a.next_flag() {
        match c {
            's' => sflag = true,
            'l' => lflag = true,
            'L' => big_l = true,
            _ => usage(),
        }
    }
    let args = a.rest();
    if args.len() < 2 || args.len() > 4 {
        usage();
    }
    let (name1, name2) = (&args[0], &args[1]);
    let open1 = |name: &str| match open(name, OREAD) {
        Ok(f) => f,
        Err(e) => {
            if !sflag {
                let _ = libc::fprint!(Fd::STDERR, "{name}: {e}\n");
            }
            exits("open");
        }
    };
    let f1 = open1(name1);
    let f2 = open1(name2);
    let mut rest = args[2..].iter();
    for (f, name) in [(f1, name1), (f2, name2)] {
        if let Some(o) = rest.next() {
            if !o.starts_with(|c: char| c.is_ascii_digit()) {
                usage();
            }
            let o = strtoll(o, 0).0;
            if let Err(e) = seek(f, o, SEEKSET) {
                if !sflag {
                    let _ = libc::fprint!(Fd::STDERR, "cmp: {name}: seek by {o}: {e}\n");
                }
                exits("seek");
            }
        }
    }
    let mut buf1 = vec![0u8; BUF];
    let mut buf2 = vec![0u8; BUF];
    let (mut b1s, mut b2s) = (0usize, 0usize);
    let (mut b1e, mut b2e) = (0isize, 0isize);
    let mut nc: i64 = 1;
    let mut l: i64 = 1;
    let mut out = String::new();
    loop {
        fill(f1, &mut buf1, &mut b1s, &mut b1e);
        fill(f2, &mut buf2, &mut b2s, &mut b2e);
        let n = (b2e - b2s as isize).min(b1e - b1s as isize);
        if n <= 0 {
            break;
        }
        let n = n as usize;
        let (p, q) = (&buf1[b1s..b1s + n], &buf2[b2s..b2s + n]);
        if p != q {
            if sflag {
                exits("differ");
            }
            for i in 0..n {
                if p[i] == b'\n' {
                    l += 1;
                }
                if p[i] != q[i] {
                    if !lflag {
                        let _ = libc::print!("{out}");
                        let _ = if big_l {
                            libc::print!("{name1} {name2} differ: char {} line {l}\n", nc + i as i64)
                        } else {
                            libc::print!("{name1} {name2} differ: char {}\n", nc + i as i64)
                        };
                        exits("differ");
                    }
                    out.push_str(&alloc::format!("{:6} 0x{:02x} 0x{:02x}\n", nc + i as i64, p[i], q[i]));
                    if out.len() > 8192 {
                        let _ = libc::print!("{out}");
                        out.clear();
                    }
                }
            }
        }
        if big_l {
            l += buf1[b1s..b1e as usize].iter().filter(|&&c| c == b'\n').count() as i64;
        }
        nc += n as i64;
        b1s += n;
        b2s += n;
    }
    if !out.is_empty() {
        let _ = libc::print!("{out}");
    }
    let r1 = b1e - b1s as isize;
    let r2 = b2e - b2s as isize;
    if r1 < 0 || r2 < 0 {
        if !sflag {
            if r1 < 0 {
                let _ = libc::print!("error on {name1} after {} bytes\n", nc - 1);
            }
            if r2 < 0 {
                let _ = libc::print!("error on {name2} after {} bytes\n", nc - 1);
            }
        }
        exits("read error");
    }
    if r1 == r2 {
        exits("");
    }
    if !sflag {
        let _ = libc::print!("EOF on {} after {} bytes\n", if r1 > r2 { name2 } else { name1 }, nc - 1);
    }
    exits("EOF");
}
