//! read: a port of 9front's `sys/src/cmd/read.c`.
//!
//! Copies one line (`-n N`: N lines; `-m`: all lines) of its input to
//! standard output, reading a byte at a time so that nothing past the line
//! is taken from a shared input. `-c N` copies N bytes and `-r N` N runes
//! (completing a rune split by a read; a rune cut short by the end of the
//! input draws a warning and the bytes are written as they are). If no
//! byte at all could be read, the exit status is "eof". Each file named is
//! read in turn; one that cannot be opened ends the command with status
//! "open". Counts are parsed as 9front's `atoi`/`atoll` (leading digits,
//! garbage is 0).
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use libc::arg::Args;
use libc::atol::atoi;
use libc::atoll::atoll;
use libc::rune::{chartorune, fullrune, UTFMAX};
use libc::syscall::{close, exits, open, read, write, Fd, OREAD};

libc::main!(main);

#[derive(Clone, Copy)]
enum Mode {
    Lines,
    Chars,
    Runes,
}

struct St {
    multi: bool,
    count: i64,
    status: &'static str,
}

fn read_error(file: &str, e: &libc::syscall::Error) -> ! {
    let _ = libc::fprint!(Fd::STDERR, "read: error reading {file}: {e}\n");
    exits("read error");
}

fn line(st: &mut St, fd: Fd, file: &str) -> usize {
    let mut buf = Vec::new();
    let mut c = [0u8; 1];
    loop {
        match read(fd, &mut c) {
            Err(e) => read_error(file, &e),
            Ok(0) => {
                if buf.is_empty() {
                    st.status = "eof";
                }
                break;
            }
            Ok(_) => {
                buf.push(c[0]);
                if c[0] == b'\n' {
                    break;
                }
            }
        }
    }
    if !buf.is_empty() {
        let _ = write(Fd::STDOUT, &buf);
    }
    buf.len()
}

fn lines(st: &mut St, fd: Fd, file: &str) {
    loop {
        if line(st, fd, file) == 0 {
            break;
        }
        if !st.multi {
            st.count -= 1;
            if st.count <= 0 {
                break;
            }
        }
    }
}

fn chars(st: &mut St, fd: Fd, file: &str) {
    let mut buf = vec![0u8; 8192];
    let mut m: i64 = 0;
    while m < st.count {
        let want = (buf.len() as i64).min(st.count - m) as usize;
        let n = match read(fd, &mut buf[..want]) {
            Err(e) => read_error(file, &e),
            Ok(n) => n,
        };
        if n == 0 {
            if m == 0 {
                st.status = "eof";
            }
            break;
        }
        let _ = write(Fd::STDOUT, &buf[..n]);
        m += n as i64;
    }
}

fn runes(st: &mut St, fd: Fd, file: &str) {
    const N: usize = 8192;
    let mut buf = vec![0u8; N];
    while st.count > 0 {
        let want = if st.count + (UTFMAX as i64) < N as i64 { st.count as usize } else { N - UTFMAX };
        let mut e = match read(fd, &mut buf[..want]) {
            Err(err) => read_error(file, &err),
            Ok(n) => n,
        };
        if e == 0 {
            break;
        }
        let mut s = 0;
        while s < e && fullrune(&buf[s..e]) {
            st.count -= 1;
            s += chartorune(&buf[s..e]).1;
        }
        if s < e {
            while !fullrune(&buf[s..e]) {
                match read(fd, &mut buf[e..e + 1]) {
                    Err(err) => read_error(file, &err),
                    Ok(0) => {
                        let _ = libc::fprint!(Fd::STDERR, "warning: partial rune at end of {file}: \n");
                        let _ = write(Fd::STDOUT, &buf[..e]);
                        return;
                    }
                    Ok(_) => e += 1,
                }
            }
            st.count -= 1;
        }
        let _ = write(Fd::STDOUT, &buf[..e]);
    }
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let usage = || -> ! {
        let _ = libc::fprint!(Fd::STDERR, "usage: read [ -m | -n nlines | -c nbytes | -r nrunes ] [ file ... ]\n");
        exits("usage");
    };
    let mut st = St { multi: false, count: 0, status: "" };
    let mut mode = Mode::Lines;
    while let Some(c) = a.next_flag() {
        match c {
            'c' => {
                st.count = atoll(&a.value().unwrap_or_else(|| usage()));
                mode = Mode::Chars;
            }
            'r' => {
                st.count = atoll(&a.value().unwrap_or_else(|| usage()));
                mode = Mode::Runes;
            }
            // 9front reads -n with atoi: an int.
            'n' => st.count = atoi(&a.value().unwrap_or_else(|| usage())).into(),
            'm' => st.multi = true,
            _ => usage(),
        }
    }
    let files = a.rest();
    let run = |st: &mut St, fd: Fd, name: &str| match mode {
        Mode::Lines => lines(st, fd, name),
        Mode::Chars => chars(st, fd, name),
        Mode::Runes => runes(st, fd, name),
    };
    if files.is_empty() {
        run(&mut st, Fd::STDIN, "<stdin>");
    } else {
        for f in &files {
            match open(f, OREAD) {
                Ok(fd) => {
                    run(&mut st, fd, f);
                    let _ = close(fd);
                }
                Err(e) => {
                    let _ = libc::fprint!(Fd::STDERR, "read: can't open {f}: {e}\n");
                    exits("open");
                }
            }
        }
    }
    exits(st.status);
}
