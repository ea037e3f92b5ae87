//! sysfuzz: random system calls with random and hostile arguments, from
//! user space, to show that nothing a program sends makes the kernel
//! panic.
//!
//! Not a 9front program. `sysfuzz [-v] [-s seconds] [-r seed]` runs workers
//! one after another for the given time (default 10 s). Each worker is a
//! child in its own name space, environment, descriptor table and note
//! group (so it can unmount and remove at will without touching the
//! rest of the system) with standard output and error on /dev/null; it
//! makes system calls in a loop, choosing the call number (any of
//! 9front's and a few past the table) and each argument word from pools
//! of small numbers, descriptors, huge and negative counts, good user
//! buffers, nil, kernel addresses, unmapped and misaligned addresses,
//! and strings (file names, device names, junk bytes); one call in
//! sixteen mounts a pipe whose other end a sibling fills with junk (bad
//! 9P). Before each call an alarm of 30 ms is set, so that a call that
//! blocks (a read of an empty pipe, a rendezvous no one answers) is cut
//! short. The worker's note handler continues after the `sys:` notes
//! the kernel posts for a bad address or a bad call (as 9front's
//! handlers may) and after the alarm; a trap (the worker's own memory
//! gone) or any other note ends it, as does its share of calls. Calls
//! that would end the experiment rather than test the kernel are left
//! out: exec (which would run real programs), exits, and rfork with
//! RFPROC or RFMEM. A worker the fuzz has left spinning in user mode is
//! killed through /proc/n/ctl after 5 s. At the end it prints `sysfuzz:
//! N calls, W workers, K killed (H stuck), S s` (with `-v`, each killed
//! worker's wait message too).
//!
//! The only unsafe code makes the raw calls: the arguments are garbage
//! on purpose, and the kernel must cope; nothing the worker owns is
//! touched through them except its own scratch buffers.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;

libc::main!(main);

#[cfg(feature = "native")]
mod fuzz {
    use super::*;
    use libc::amd64::stubs::Call;
    use libc::syscall::{
        awaitmsg, close, exits, nsec, open, pipe, read, rfork, write, Fd, ORDWR,
        RFENVG, RFFDG, RFNAMEG, RFNOTEG, RFPROC,
    };

    /// xorshift64*.
    pub struct Rng(u64);
    impl Rng {
        pub fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            self.0 = x;
            x.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    const NAMES: &[&[u8]] = &[
        b"/\0", b"/tmp\0", b"/tmp/fz\0", b"/tmp/fz/a\0", b"/env/fz\0", b"/dev/null\0",
        b"/dev/zero\0", b"/dev/random\0", b"/dev/time\0", b"/proc\0", b"/fd/0\0", b"#|\0",
        b"#|/data\0", b"#e/fz\0", b"#d\0", b"#p\0", b"#c/pid\0", b"#M\0", b"#/\0", b"#Z\0",
        b"/n\0", b"/mnt\0", b"..\0", b".\0", b"\0", b"/\xff\xfe\0", b"a/../../b\0",
        b"/tmp/fz/\0", b"#s/fz\0", b"/srv/fz\0", b"/lib/namespace\0",
    ];

    /// One argument word.
    fn word(r: &mut Rng, buf: &mut [u8], strs: &[Vec<u8>]) -> u64 {
        let base = buf.as_mut_ptr() as u64;
        match r.below(16) {
            0 => 0,
            1 => r.below(8),
            2 => r.below(200),
            3 => u64::MAX,
            4 => (-(r.below(1 << 20) as i64)) as u64,
            5 => 1 << (r.below(63)),
            6 => base + r.below(buf.len() as u64),
            7 => base,
            8 => strs[r.below(strs.len() as u64) as usize].as_ptr() as u64,
            9 => 0xffff_ffff_8000_0000 + r.below(1 << 30),
            10 => r.below(1 << 21),
            11 => 0x7fff_ffff_f000 - r.below(1 << 16),
            12 => base + buf.len() as u64 - r.below(16),
            13 => r.next(),
            14 => buf.len() as u64,
            _ => r.below(1 << 16),
        }
    }

    /// Calls worth making (9front's numbers), and a few that do not exist.
    const CALLS: &[u32] = &[
        0, 1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 20, 21, 22, 23, 24, 25, 26,
        27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 50,
        51, 52, 53, 54, 99, 1000,
    ];

    // The worker's note handler (notify(2)): a note about a bad system
    // call or address (the kernel's answer to the fuzz) or the alarm
    // that cuts a blocked call short continues the worker after the
    // failed call (noted(NCONT)); a trap ("sys: trap: ...", the worker's
    // own memory gone) or any other note takes the default and ends it
    // (noted(NDFLT)). 9front starts a handler with
    // SP at a zero return pc, then the Ureg pointer, then the note's
    // text; noted's one argument is read from SP+8.
    core::arch::global_asm!(
        ".globl _sysfuzz_notetramp",
        "_sysfuzz_notetramp:",
        "mov rsi, [rsp + 16]",
        "mov rax, [rsi]",
        "movabs rdx, 0x617274203a737973", // "sys: tra", little-endian
        "cmp rax, rdx",
        "je 1f",
        "mov edx, 0x3a737973", // "sys:"
        "cmp eax, edx",
        "je 2f",
        "mov edx, 0x72616c61", // "alar"
        "cmp eax, edx",
        "je 2f",
        "1:",
        "mov ecx, 1",
        "jmp 3f",
        "2:",
        "xor ecx, ecx",
        "3:",
        "mov [rsp + 8], rcx",
        "mov ebp, 29",
        "syscall",
        "ud2",
    );
    extern "C" {
        fn _sysfuzz_notetramp();
    }

    /// The worker: `n` calls; writes its count to `tell` every 32 calls.
    pub fn worker(seed: u64, n: u64, tell: Fd) -> ! {
        let c = Call { nr: 28, args: [_sysfuzz_notetramp as *const () as usize as u64, 0, 0, 0, 0] };
        // SAFETY: notify with the address of the handler above.
        let _ = unsafe { c.make() };
        let mut r = Rng(seed | 1);
        let mut buf = alloc::vec![0u8; 16384];
        let mut strs: Vec<Vec<u8>> = NAMES.iter().map(|s| s.to_vec()).collect();
        for _ in 0..8 {
            let l = r.below(300) as usize;
            let mut s: Vec<u8> = (0..l).map(|_| (r.next() & 0xff) as u8).collect();
            s.push(0);
            strs.push(s);
        }
        let mut done = 0u64;
        while done < n {
            done += 1;
            if done % 32 == 0 {
                let _ = write(tell, &32u64.to_le_bytes());
            }
            if r.below(16) == 0 {
                junkmount(&mut r);
                continue;
            }
            let nr = CALLS[r.below(CALLS.len() as u64) as usize];
            let mut args = [0u64; 5];
            for a in args.iter_mut() {
                *a = word(&mut r, &mut buf, &strs);
            }
            match nr {
                // exits ends the worker; exec would run programs.
                8 | 7 => continue,
                // rfork: never a new process that runs on here.
                19 => {
                    let f = args[0] as u32 & !(RFPROC | (1 << 5));
                    args[0] = f as u64;
                }
                // sleep and alarm: short.
                17 | 6 => args[0] %= 50,
                // notify would replace the handler the worker relies on,
                // noted outside it kills the worker: both are exercised
                // by the notes themselves.
                28 | 29 => continue,
                // brk, segbrk, segdetach, segfree can take the worker's
                // own memory away (and end it with a trap): rarely.
                24 | 12 | 31 | 32 if r.below(8) != 0 => continue,
                _ => {}
            }
            // A call that blocks (a read of an empty pipe, a rendezvous
            // no one answers) is interrupted by the alarm after 30 ms.
            let al = Call { nr: 6, args: [30, 0, 0, 0, 0] };
            // SAFETY: alarm takes a number.
            let _ = unsafe { al.make() };
            let c = Call { nr, args };
            // SAFETY: the arguments are garbage on purpose; the kernel
            // validates every pointer against this process's segments.
            // The only memory of ours they can name is `buf` and the
            // strings, which nothing else here reads as structured data.
            let _ = unsafe { c.make() };
        }
        exits("")
    }

    /// Mount a pipe whose other end a child fills with junk.
    fn junkmount(r: &mut Rng) {
        let Ok(p) = pipe() else { return };
        let seed = r.next();
        match rfork(RFPROC | RFFDG) {
            Ok(None) => {
                let mut r = Rng(seed | 1);
                let _ = close(p[0]);
                for _ in 0..4 {
                    let l = r.below(200) as usize;
                    let mut b: Vec<u8> = (0..l).map(|_| (r.next() & 0xff) as u8).collect();
                    if r.below(2) == 0 && b.len() >= 7 {
                        // A plausible header: size, a reply type, a tag.
                        let sz = (l as u32).to_le_bytes();
                        b[..4].copy_from_slice(&sz);
                        b[4] = [101u8, 107, 103, 111, 117, 121][r.below(6) as usize];
                    }
                    if write(p[1], &b).is_err() {
                        break;
                    }
                }
                exits("")
            }
            Ok(Some(_)) => {
                let _ = close(p[1]);
                let _ = libc::syscall::mount(p[0], None, "/n", libc::syscall::MREPL, "");
                let _ = close(p[0]);
                let _ = awaitmsg();
            }
            Err(_) => {
                let _ = close(p[0]);
                let _ = close(p[1]);
            }
        }
    }

    pub fn run(secs: i64, seed: u64, verbose: bool) {
        let t0 = nsec();
        let end = t0 + secs * 1_000_000_000;
        let (mut calls, mut workers, mut killed, mut hung) = (0u64, 0u64, 0u64, 0u64);
        let mut r = Rng(seed | 1);
        while nsec() < end {
            let Ok(p) = pipe() else { break };
            let wseed = r.next();
            workers += 1;
            match rfork(RFPROC | RFFDG | RFNAMEG | RFENVG | RFNOTEG) {
                Err(_) => break,
                Ok(None) => {
                    let _ = close(p[0]);
                    if let Ok(nul) = open("/dev/null", ORDWR as i32) {
                        let _ = libc::syscall::dup(nul, Some(Fd(0)));
                        let _ = libc::syscall::dup(nul, Some(Fd(1)));
                        let _ = libc::syscall::dup(nul, Some(Fd(2)));
                    }
                    worker(wseed, 2000, p[1])
                }
                Ok(Some(pid)) => {
                    let _ = close(p[1]);
                    // A worker whose memory the fuzz wrecked may spin in
                    // user mode, where no alarm of its own reaches it:
                    // after 5 s it is killed through /proc/n/ctl.
                    libc::syscall::notify(true);
                    let _ = libc::syscall::alarm(5000);
                    let mut b = [0u8; 8];
                    loop {
                        match read(p[0], &mut b) {
                            // Only the worker's own reports: a fuzzed
                            // write may reach this pipe too.
                            Ok(8) if u64::from_le_bytes(b) == 32 => calls += 32,
                            Ok(8) => {}
                            Ok(_) => break,
                            Err(_) => {
                                if libc::syscall::pendingnote().as_deref() == Some("alarm") {
                                    if let Ok(c) = open(&alloc::format!("/proc/{}/ctl", pid.0), ORDWR as i32) {
                                        let _ = write(c, b"kill");
                                        let _ = close(c);
                                    }
                                    hung += 1;
                                }
                            }
                        }
                    }
                    let _ = libc::syscall::alarm(0);
                    libc::syscall::notify(false);
                    let _ = close(p[0]);
                    // A worker that ran its course exits with ''; any
                    // other status is a note that killed it.
                    if let Ok(m) = awaitmsg() {
                        if !m.ends_with("''") {
                            killed += 1;
                            if verbose {
                                let _ = libc::print!("sysfuzz: worker: {}\n", m);
                            }
                        }
                    }
                }
            }
        }
        let _ = libc::print!(
            "sysfuzz: {} calls, {} workers, {} killed ({} stuck), {} s\n",
            calls,
            workers,
            killed,
            hung,
            (nsec() - t0) / 1_000_000_000
        );
    }
}

fn main(argv: Vec<String>) {
    let mut secs = 10i64;
    let mut seed = 0u64;
    let mut verbose = false;
    let mut a = argv.iter().skip(1);
    while let Some(s) = a.next() {
        if s == "-v" {
            verbose = true;
            continue;
        }
        let v = a.next().and_then(|v| v.parse::<u64>().ok());
        match (s.as_str(), v) {
            ("-s", Some(v)) => secs = v as i64,
            ("-r", Some(v)) => seed = v,
            _ => {
                let _ = libc::fprint!(libc::syscall::Fd::STDERR, "usage: sysfuzz [-v] [-s seconds] [-r seed]\n");
                libc::syscall::exits("usage")
            }
        }
    }
    #[cfg(feature = "native")]
    {
        if seed == 0 {
            seed = libc::syscall::nsec() as u64;
        }
        fuzz::run(secs, seed, verbose);
        libc::syscall::exits("")
    }
    #[cfg(not(feature = "native"))]
    {
        let _ = (secs, seed, verbose);
        let _ = libc::fprint!(libc::syscall::Fd::STDERR, "sysfuzz: runs only on planten\n");
        libc::syscall::exits("not planten")
    }
}
