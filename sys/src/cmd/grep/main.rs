//! grep: a port of 9front's `sys/src/cmd/grep/main.c`.
//!
//! Flags `-bchiLlnsv`, `-e pattern` (repeatable) and `-f patternfile`;
//! the patterns are ored. Each input (standard input when there are none)
//! runs through the DFA byte by byte; at each newline the state says
//! whether the line matched. Selected lines are printed (with `file:` when
//! there are several files and no `-h`, and `n: ` under `-n`); `-c`
//! prints a count, `-l` and `-L` names, `-s` nothing. A last line without
//! a newline is searched as if it had one, which is printed only with the
//! file name. Output is flushed every 512 lines, and after each line when
//! reading standard input or under `-b`. The status is empty if any line
//! was selected, else `no matches`; files that cannot be opened are
//! reported and skipped.
//!
//! As in 9front, a line that spans three or more of its 16 KiB reads is
//! printed as its first 16 KiB followed by the part in the read where it
//! ends (9front keeps only that much of a long line); planten reads in
//! larger blocks and cuts long lines where 9front's reads of a regular
//! file would fall.
//!
//! What differs: reads are 1 MiB; in a DFA state that stays put on all
//! but at most three bytes, the search jumps to the next of those bytes
//! with `memchr` instead of stepping through the others (the states and
//! the output are the same).
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

mod comp;
mod grep;
mod sub;

use alloc::string::String;
use alloc::vec::Vec;
use libbio::Biobuf;
use libc::arg::Args;
use libc::syscall::{self, exits, Fd, OREAD, OWRITE};

use grep::*;

libc::main!(main);

const VALIDFLAGS: &str = "bchiLlnsv";

/// 9front's read size and line history (`u.buf`, `u.pre`).
const CHUNK: u64 = 16 * 1024;
/// planten's read size: a multiple of `CHUNK`.
const READ: usize = 64 * CHUNK as usize;

fn usage() -> ! {
    let _ = libc::fprint!(Fd::STDERR, "usage: grep [-{VALIDFLAGS}] [-e pattern] [-f patternfile] [file ...]\n");
    exits("usage")
}

fn main(argv: Vec<String>) {
    let mut g = Grep::new();
    let mut a = Args::new(argv);
    while let Some(c) = a.next_flag() {
        match c {
            'e' => {
                g.flags[b'e' as usize] += 1;
                g.lineno = 0;
                let Some(p) = a.value() else { usage() };
                g.str2top(p.as_bytes());
            }
            'f' => {
                g.flags[b'f' as usize] += 1;
                let Some(f) = a.value() else { usage() };
                match syscall::open(&f, OREAD) {
                    Ok(fd) => g.src = Src::File(Biobuf::new(fd, OREAD)),
                    Err(e) => {
                        let _ = libc::fprint!(Fd::STDERR, "grep: can't open {f}: {e}\n");
                        exits("open");
                    }
                }
                g.filename = Some(f.clone());
                g.lineno = 1;
                g.str2top(f.as_bytes());
            }
            c => {
                if !VALIDFLAGS.contains(c) {
                    usage();
                }
                g.flags[c as usize] += 1;
            }
        }
    }
    let mut files = a.rest();
    if g.flags[b'f' as usize] == 0 && g.flags[b'e' as usize] == 0 {
        if files.is_empty() {
            usage();
        }
        let p = files.remove(0);
        g.str2top(p.as_bytes());
    }
    let top = g.topre.unwrap();
    g.state0 = g.initstate(top.beg);

    let mut bout = Biobuf::new(Fd::STDOUT, OWRITE);
    let mut sr = Searcher::new();
    let status = match files.len() {
        0 => sr.search(&mut g, &mut bout, None, 0),
        1 => sr.search(&mut g, &mut bout, Some(&files[0]), 0),
        _ => {
            let mut status = false;
            for f in &files {
                status |= sr.search(&mut g, &mut bout, Some(f), HFLAG);
            }
            status
        }
    };
    let _ = bout.flush();
    if status {
        exits("");
    }
    exits("no matches");
}

/// How a DFA state is searched: byte by byte, or by jumping to the next
/// of the few bytes that leave it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Accel {
    Unknown(u16),
    Step,
    Skip(u8, [u8; 3]),
}

/// Visits to a state before its transitions are all built to see whether
/// it can be skipped through.
const HOT: u16 = 256;

struct Searcher {
    data: Vec<u8>,
    accel: Vec<Accel>,
    fold: [u8; 256],
}

impl Searcher {
    fn new() -> Searcher {
        let mut fold = [0u8; 256];
        for (i, f) in fold.iter_mut().enumerate() {
            *f = if (b'A'..=b'Z').contains(&(i as u8)) { i as u8 + (b'a' - b'A') } else { i as u8 };
        }
        Searcher { data: Vec::new(), accel: Vec::new(), fold }
    }

}

/// Builds all transitions of `s` and decides how to search it.
fn classify(accel: &mut Vec<Accel>, fold: &[u8; 256], g: &mut Grep, s: u32, iflag: bool) {
    {
        let st = s as usize;
        for c in 0..256u32 {
            if g.trans[st * 256 + c as usize] == 0 {
                g.increment(s, c);
            }
        }
        let mut set = [0u8; 3];
        let mut n = 0;
        let mut ok = true;
        for b in 0..256usize {
            let c = if iflag { fold[b] as usize } else { b };
            if b == b'\n' as usize || g.trans[st * 256 + c] != s + 1 {
                if n == 3 {
                    ok = false;
                    break;
                }
                set[n] = b as u8;
                n += 1;
            }
        }
        if accel.len() < g.states.len() {
            accel.resize(g.states.len(), Accel::Unknown(0));
        }
        accel[st] = if ok { Accel::Skip(n as u8, set) } else { Accel::Step };
    }
}

impl Searcher {
    /// `search`: one input; whether any line was selected.
    fn search(&mut self, g: &mut Grep, bout: &mut Biobuf, file: Option<&str>, mut flag: u32) -> bool {
        let (name, fd) = match file {
            None => {
                flag |= BFLAG;
                ("stdin", Fd::STDIN)
            }
            Some(f) => match syscall::open(f, OREAD) {
                Ok(fd) => (f, fd),
                Err(e) => {
                    let _ = libc::fprint!(Fd::STDERR, "grep: can't open {f}: {e}\n");
                    return false;
                }
            },
        };
        let fl = |c: u8| g.flags[c as usize] != 0;
        if fl(b'b') {
            flag |= BFLAG;
        }
        if fl(b'c') {
            flag |= CFLAG;
        }
        if fl(b'h') {
            flag &= !HFLAG;
        }
        if fl(b'i') {
            flag |= IFLAG;
        }
        if fl(b'l') {
            flag |= LLFLAG;
        }
        if fl(b'L') {
            flag |= BIGLFLAG;
        }
        if fl(b'n') {
            flag |= NFLAG;
        }
        if fl(b's') {
            flag |= SFLAG;
        }
        if fl(b'v') {
            flag |= VFLAG;
        }
        let iflag = flag & IFLAG != 0;
        let quiet = flag & (CFLAG | SFLAG | LLFLAG | BIGLFLAG) != 0;
        let want = flag & VFLAG == 0;

        let mut s = g.state0;
        let mut lineno: i64 = 0;
        let mut count: i64 = 0;
        let mut eof = false;
        let mut nl = false;
        let mut empty = true;

        // data[i] is the byte at stream offset base + i; the current line
        // starts at offset lstart, and if its middle was dropped, head
        // holds its first CHUNK bytes.
        let data = &mut self.data;
        let accel = &mut self.accel;
        let fold = &self.fold;
        data.clear();
        let mut base: u64 = 0;
        let mut lstart: u64 = 0;
        let mut head: Option<Vec<u8>> = None;
        let mut size: u64 = 0;
        let mut lp: usize;

        loop {
            // loop0: keep the current line, or its head and the block the
            // scan is in, and read more.
            let keep_from = if head.is_some() || (data.len() as u64 + base - lstart) > CHUNK + READ as u64 {
                if head.is_none() {
                    let i = (lstart - base) as usize;
                    head = Some(data[i..i + CHUNK as usize].to_vec());
                }
                let pos = base + data.len() as u64;
                (pos - pos % CHUNK).max(base)
            } else {
                lstart
            };
            let drop = (keep_from - base) as usize;
            data.drain(..drop);
            base = keep_from;
            lp = data.len();
            let old = data.len();
            data.resize(old + READ, 0);
            let n = match syscall::read(fd, &mut data[old..]) {
                Ok(n) => n,
                Err(e) => {
                    data.truncate(old);
                    let _ = libc::fprint!(Fd::STDERR, "grep: read error on {name}: {e}\n");
                    return count != 0;
                }
            };
            data.truncate(old + n);
            let mut fake = false;
            if n > 0 {
                empty = false;
                nl = data[old + n - 1] == b'\n';
                size += n as u64;
            } else if !eof && !nl && !empty {
                data.push(b'\n');
                eof = true;
                fake = true;
            }
            if data.len() == old {
                if fd.0 > 2 {
                    let _ = syscall::close(fd);
                }
                if flag & CFLAG != 0 {
                    if flag & HFLAG != 0 {
                        let _ = bout.write(alloc::format!("{name}:").as_bytes());
                    }
                    let _ = bout.write(alloc::format!("{count}\n").as_bytes());
                }
                if (flag & LLFLAG != 0 && count != 0) || (flag & BIGLFLAG != 0 && count == 0) {
                    let _ = bout.write(alloc::format!("{name}\n").as_bytes());
                }
                let _ = bout.flush();
                return count != 0;
            }
            let end = data.len();
            if accel.len() < g.states.len() {
                accel.resize(g.states.len(), Accel::Unknown(0));
            }
            while lp < end {
                let st = s as usize;
                match accel[st] {
                    Accel::Step => {}
                    Accel::Skip(k, set) => {
                        let hay = &data[lp..end];
                        let at = match k {
                            1 => memchr::memchr(set[0], hay),
                            2 => memchr::memchr2(set[0], set[1], hay),
                            _ => memchr::memchr3(set[0], set[1], set[2], hay),
                        };
                        match at {
                            Some(i) => lp += i,
                            None => break,
                        }
                    }
                    Accel::Unknown(h) => {
                        if h >= HOT {
                            classify(accel, fold, g, s, iflag);
                            continue;
                        }
                        accel[st] = Accel::Unknown(h + 1);
                    }
                }
                let b = data[lp];
                let c = if iflag { fold[b as usize] } else { b } as usize;
                let ns = g.trans[st * 256 + c];
                if ns == 0 {
                    g.increment(s, c as u32);
                    if accel.len() < g.states.len() {
                        accel.resize(g.states.len(), Accel::Unknown(0));
                    }
                    continue;
                }
                lp += 1;
                s = ns - 1;
                if c != b'\n' as usize {
                    continue;
                }
                lineno += 1;
                if g.states[s as usize].matched == want {
                    count += 1;
                    if quiet {
                        lstart = base + lp as u64;
                        head = None;
                        continue;
                    }
                    if flag & HFLAG != 0 {
                        let _ = bout.write(alloc::format!("{name}:").as_bytes());
                    }
                    if flag & NFLAG != 0 {
                        let _ = bout.write(alloc::format!("{lineno}: ").as_bytes());
                    }
                    let cut = eof && flag & HFLAG == 0;
                    put_line(bout, data, base, lstart, &head, lp - 1, if fake { Some(size) } else { None }, cut);
                    if flag & BFLAG != 0 {
                        let _ = bout.flush();
                    }
                }
                if lineno & FLSHCNT == 0 {
                    let _ = bout.flush();
                }
                lstart = base + lp as u64;
                head = None;
            }
        }
    }
}

/// Prints the line ending at `data[e]`, as much of it as 9front would have
/// kept (see the module's notes); `fake` is the offset of a newline grep
/// added at the end of the input, which `cut` leaves out.
#[allow(clippy::too_many_arguments)]
fn put_line(
    bout: &mut Biobuf,
    data: &[u8],
    base: u64,
    lstart: u64,
    head: &Option<Vec<u8>>,
    e: usize,
    fake: Option<u64>,
    cut: bool,
) {
    let eoff = base + e as u64;
    let block = match fake {
        Some(size) => size,
        None => eoff - eoff % CHUNK,
    };
    let end = if cut { e } else { e + 1 };
    if lstart + CHUNK < block {
        match head {
            Some(h) => {
                let _ = bout.write(h);
            }
            None => {
                let i = (lstart - base) as usize;
                let _ = bout.write(&data[i..i + CHUNK as usize]);
            }
        }
        let _ = bout.write(&data[(block - base) as usize..end]);
    } else {
        let _ = bout.write(&data[(lstart - base) as usize..end]);
    }
}
