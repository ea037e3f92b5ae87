//! p: a port of 9front's `sys/src/cmd/p.c`.
//!
//! Pages the named files (or standard input) 22 lines at a time; `-N`
//! anywhere among the arguments sets the page length for the files after
//! it (a count of 0 or less, or no number, means 22). After each page p
//! waits for a line from the console: a line starting with `q`, or end of
//! file, ends p; `!cmd` runs `cmd` with `/bin/rc -c`, its standard input
//! being the console, and waits again; any other line shows the next page.
//! The last line of a page is printed without its newline, so the answer
//! typed ends it. A file that cannot be opened is reported
//! (`p: can't open NAME - ERR`) and skipped. Lines longer than a Bio
//! buffer, and a last line without newline, are copied as they are.
//!
//! What differs: Linux has no `/dev/cons`; when it cannot be opened p uses
//! `/dev/tty`, the controlling terminal. Without either it fails as 9front
//! does, with `p: can't open /dev/cons` and status `missing /dev/cons`.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use libbio::Biobuf;
use libc::atol::atoi;
use libc::syscall::{awaitmsg, close, dup, exec, exits, open, rfork, Fd, OREAD, OWRITE, RFFDG, RFPROC, RFREND};

libc::main!(main);

const DEF: i32 = 22;

struct P {
    cons: Biobuf,
    bout: Biobuf,
    pglen: i32,
}

impl P {
    fn printfile(&mut self, f: Fd) {
        let mut b = Biobuf::new(f, OREAD);
        b.lethal(None);
        loop {
            for i in 1..=self.pglen {
                match b.rdline(b'\n') {
                    Some(s) => {
                        let s = &s[..s.len() - 1];
                        let _ = self.bout.write(s);
                        if i < self.pglen {
                            let _ = self.bout.write(b"\n");
                        }
                    }
                    None => {
                        let n = b.linelen();
                        if n == 0 {
                            return;
                        }
                        // too long for a buffer, or unterminated: copy.
                        for _ in 0..n {
                            if let Some(c) = b.getc() {
                                let _ = self.bout.putc(c);
                            }
                        }
                    }
                }
            }
            let _ = self.bout.flush();
            loop {
                let cmd = match self.cons.rdline(b'\n') {
                    None => self.quit(),
                    Some(c) => c[..c.len() - 1].to_vec(),
                };
                if cmd.first() == Some(&b'q') {
                    self.quit();
                }
                if cmd.first() != Some(&b'!') {
                    break;
                }
                let cmd = String::from_utf8_lossy(&cmd[1..]).into_owned();
                match rfork(RFPROC | RFFDG | RFREND) {
                    Ok(None) => {
                        let _ = dup(self.cons.fd(), Some(Fd::STDIN));
                        let _ = exec("/bin/rc", &["rc", "-c", &cmd]);
                        exits("exec");
                    }
                    Ok(Some(_)) => {
                        let _ = awaitmsg();
                    }
                    Err(_) => {}
                }
            }
        }
    }

    fn quit(&mut self) -> ! {
        let _ = self.bout.flush();
        exits("");
    }
}

fn main(argv: Vec<String>) {
    let cons = match Biobuf::open("/dev/cons", OREAD).or_else(|_| Biobuf::open("/dev/tty", OREAD)) {
        Ok(b) => b,
        Err(_) => {
            let _ = libc::fprint!(Fd::STDERR, "p: can't open /dev/cons\n");
            exits("missing /dev/cons");
        }
    };
    let mut p = P { cons, bout: Biobuf::new(Fd::STDOUT, OWRITE), pglen: DEF };
    p.cons.lethal(None);
    p.bout.lethal(None);
    let mut n = 0;
    for a in &argv[1..] {
        if let Some(num) = a.strip_prefix('-') {
            p.pglen = atoi(num);
            if p.pglen <= 0 {
                p.pglen = DEF;
            }
        } else {
            n += 1;
            match open(a, OREAD) {
                Ok(f) => {
                    p.printfile(f);
                    let _ = close(f);
                }
                Err(e) => {
                    let _ = p.bout.flush();
                    let _ = libc::fprint!(Fd::STDERR, "p: can't open {a} - {e}\n");
                }
            }
        }
    }
    if n == 0 {
        p.printfile(Fd::STDIN);
    }
    p.quit();
}
