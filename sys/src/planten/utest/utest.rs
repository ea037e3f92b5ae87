//! utest: exercise planten's process system calls from user space.
//!
//! Not a 9front program. `utest CMD` runs one group of checks and prints
//! one line per check, `name: result`, for the QEMU tests
//! (`sys/src/planten/qemu/tests/sysproc.rs`) to compare with what
//! 9front's manual pages and sources say:
//!
//! - `sem`: semacquire(2), tsemacquire and semrelease between two procs
//!   sharing memory (rfork RFPROC|RFMEM), the time-out, the counts, the
//!   bad arguments, and a note interrupting a wait;
//! - `seg`: segattach(2) of "shared" and "memory", a child's writes seen
//!   (or not) by the parent, segbrk, segfree, segflush, segdetach and
//!   the errors of bad arguments;
//! - `exec`: exec(2)'s errors (a missing file, one without permission
//!   to execute, a bad header, a `#!` line without a newline, an empty
//!   argument list) and a `#!` script's arguments;
//! - `alarm`: alarm(2) interrupting a blocking read, the note "alarm";
//! - `fd`: dup(2) and close(2) of descriptors out of range.
//!
//! The semaphore and segment calls have no libc wrapper yet: they are
//! made raw, through libc's system-call stub (`libc::amd64::stubs`), the
//! only unsafe code here, as in sysfuzz. On Linux `utest` says it needs
//! planten and fails.
#![no_std]
#![no_main]

extern crate alloc;

libc::main!(main);

#[cfg(feature = "native")]
mod native {
    use alloc::boxed::Box;
    use alloc::format;
    use alloc::string::String;
    use core::sync::atomic::{AtomicI32, AtomicU64, Ordering};

    use libc::amd64::stubs::Call;
    use libc::sys;
    use libc::syscall::{
        alarm, awaitmsg, close, create, dup, errstr, exits, notify, nsec, open, pendingnote,
        pipe, procrfork, read, rfork, write, Fd, OWRITE, RFPROC,
    };

    fn out(s: &str) {
        let _ = write(Fd::STDOUT, s.as_bytes());
        let _ = write(Fd::STDOUT, b"\n");
    }

    /// A raw system call: its result, or the error string.
    fn raw(nr: u32, a: &[u64]) -> Result<i64, String> {
        let mut args = [0u64; 5];
        args[..a.len()].copy_from_slice(a);
        // SAFETY: each caller passes the words its call expects: addresses
        // of statics or of memory attached by segattach, or deliberately
        // bad ones the kernel must refuse.
        let r = unsafe { Call { nr, args }.make() };
        if r == -1 {
            Err(errstr())
        } else {
            Ok(r)
        }
    }

    fn show(r: Result<i64, String>) -> String {
        match r {
            Ok(v) => format!("{v}"),
            Err(e) => format!("error '{e}'"),
        }
    }

    fn addr(w: &AtomicI32) -> u64 {
        w as *const AtomicI32 as u64
    }

    fn semacquire(w: &AtomicI32, block: bool) -> Result<i64, String> {
        raw(sys::SEMACQUIRE, &[addr(w), block as u64])
    }

    fn tsemacquire(w: &AtomicI32, ms: u32) -> Result<i64, String> {
        raw(sys::TSEMACQUIRE, &[addr(w), ms as u64])
    }

    fn semrelease(w: &AtomicI32, n: i32) -> Result<i64, String> {
        raw(sys::SEMRELEASE, &[addr(w), n as u32 as u64])
    }

    /// Run `f` in a child (rfork RFPROC, standard error on /dev/null)
    /// and return its exit status, from its wait message.
    fn inchild(f: impl FnOnce()) -> String {
        match rfork(RFPROC) {
            Ok(None) => {
                if let Ok(n) = open("/dev/null", OWRITE) {
                    let _ = dup(n, Some(Fd::STDERR));
                }
                f();
                exits("");
            }
            Ok(Some(_)) => {}
            Err(e) => return format!("rfork: {e}"),
        }
        let m = awaitmsg().unwrap_or_default();
        // "pid utime stime rtime 'status'"
        let s = m.split_once('\'').map_or("", |x| x.1);
        String::from(s.strip_suffix('\'').unwrap_or(s))
    }

    /// A status up to its " pc=..." (the pc is the program's own), with
    /// the pid of pexit's "text pid: " prefix written as N.
    fn nopc(s: &str) -> String {
        let s = s.split(" pc=").next().unwrap_or(s);
        match s.split_once(": ") {
            Some((who, rest)) => match who.rsplit_once(' ') {
                Some((text, pid)) if pid.bytes().all(|c| c.is_ascii_digit()) => format!("{text} N: {rest}"),
                _ => String::from(s),
            },
            None => String::from(s),
        }
    }

    static PING: AtomicI32 = AtomicI32::new(0);
    static PONG: AtomicI32 = AtomicI32::new(0);
    static DONE: AtomicI32 = AtomicI32::new(0);
    static W: AtomicI32 = AtomicI32::new(0);
    static COUNT: AtomicU64 = AtomicU64::new(0);

    const ROUNDS: u64 = 1000;

    pub fn sem() {
        // Two procs hand a semaphore back and forth.
        let r = procrfork(
            Box::new(|| {
                for _ in 0..ROUNDS {
                    if semacquire(&PING, true) != Ok(1) {
                        break;
                    }
                    COUNT.fetch_add(1, Ordering::SeqCst);
                    let _ = semrelease(&PONG, 1);
                }
                let _ = semrelease(&DONE, 1);
            }),
            0,
            0,
        );
        if let Err(e) = r {
            out(&format!("procrfork: {e}"));
            exits("procrfork");
        }
        let mut ok = 0;
        for i in 0..ROUNDS {
            let _ = semrelease(&PING, 1);
            if semacquire(&PONG, true) == Ok(1) && COUNT.load(Ordering::SeqCst) == i + 1 {
                ok += 1;
            }
        }
        let _ = semacquire(&DONE, true);
        out(&format!("pingpong: {ok} of {ROUNDS}"));
        out(&format!("words after: {} {}", PING.load(Ordering::SeqCst), PONG.load(Ordering::SeqCst)));

        // Not blocking on a zero semaphore.
        out(&format!("acquire nonblocking: {}", show(semacquire(&W, false))));
        // The time-out.
        let t0 = nsec();
        let r = tsemacquire(&W, 200);
        let ms = (nsec() - t0) / 1_000_000;
        out(&format!("tsemacquire 200ms: {} waited>=190ms: {}", show(r), ms >= 190));
        out(&format!("tsemacquire 0ms: {}", show(tsemacquire(&W, 0))));
        // Released by another proc before the time-out.
        let _ = procrfork(
            Box::new(|| {
                let _ = libc::syscall::sleep(50);
                let _ = semrelease(&W, 1);
            }),
            0,
            0,
        );
        out(&format!("tsemacquire released: {}", show(tsemacquire(&W, 5000))));

        // semrelease returns the new value and wakes as many.
        out(&format!("release 3: {}", show(semrelease(&W, 3))));
        out(&format!("release 0: {}", show(semrelease(&W, 0))));
        let takes: alloc::vec::Vec<String> = (0..4).map(|_| show(semacquire(&W, false))).collect();
        out(&format!("acquire x4: {}", takes.join(" ")));
        out(&format!("release -1: {}", show(semrelease(&W, -1))));
        W.store(-1, Ordering::SeqCst);
        out(&format!("acquire negative: {}", show(semacquire(&W, false))));
        out(&format!("release negative: {}", show(semrelease(&W, 1))));
        W.store(0, Ordering::SeqCst);
        // A read-only word (the text): validaddr's note kills the process.
        let text = sem as *const () as usize as u64;
        let st = inchild(|| {
            let _ = raw(sys::SEMACQUIRE, &[text & !3, 0]);
        });
        out(&format!("acquire text: {}", nopc(&st)));
        // An address in no segment: validaddr's note kills the process.
        let st = inchild(|| {
            let _ = raw(sys::SEMACQUIRE, &[0x1000, 0]);
        });
        out(&format!("acquire unmapped: {}", nopc(&st)));

        // A note interrupts the wait.
        notify(true);
        alarm(100);
        out(&format!("acquire interrupted: {}", show(semacquire(&W, true))));
        out(&format!("note: {}", pendingnote().unwrap_or_default()));
        notify(false);
    }

    fn segattach(attr: u32, name: &str, va: u64, len: u64) -> Result<i64, String> {
        let mut n = alloc::vec::Vec::from(name.as_bytes());
        n.push(0);
        raw(sys::SEGATTACH, &[attr as u64, n.as_ptr() as u64, va, len])
    }

    /// The byte at user address `a`.
    fn peek(a: u64) -> u8 {
        // SAFETY: a lies in a segment this program attached and has not
        // detached; its pages fault in as the segment's type makes them.
        unsafe { (a as *const u8).read_volatile() }
    }

    fn poke(a: u64, b: &[u8]) {
        for (i, &c) in b.iter().enumerate() {
            // SAFETY: as in peek, in a writable segment.
            unsafe { ((a + i as u64) as *mut u8).write_volatile(c) };
        }
    }

    fn peeks(a: u64, n: u64) -> String {
        (0..n).map(|i| peek(a + i)).map(|c| if c == 0 { '.' } else { c as char }).collect()
    }

    pub fn seg() {
        // va 0: the highest hole below the stack (USTKTOP 0x7ffffffff000,
        // USTKSIZE 16 MiB), the length rounded up to pages.
        let r = segattach(0, "shared", 0, 5000);
        out(&format!("attach shared: {}", r.clone().map_or_else(|e| format!("error '{e}'"), |v| format!("{v:#x}"))));
        let Ok(sh) = r else { exits("segattach") };
        let sh = sh as u64;
        // A child's writes to a shared segment are the parent's.
        let st = inchild(|| poke(sh + 4096, b"hello"));
        out(&format!("child wrote shared: {} status '{}'", peeks(sh + 4096, 5), st));
        // A "memory" segment is private: the child writes its own copy.
        let r = segattach(0, "memory", 0x1000_0000, 4096);
        out(&format!("attach memory: {}", r.clone().map_or_else(|e| format!("error '{e}'"), |v| format!("{v:#x}"))));
        let mem = 0x1000_0000u64;
        poke(mem, b"mine");
        let st = inchild(|| poke(mem, b"kids"));
        out(&format!("child wrote memory: {} status '{}'", peeks(mem, 4), st));

        // Bad arguments.
        out(&format!("attach no such: {}", show(segattach(0, "nosuch", 0, 4096))));
        out(&format!("attach len 0: {}", show(segattach(0, "shared", 0x2000_0000, 0))));
        out(&format!("attach above stack: {}", show(segattach(0, "shared", 0x7fff_ffff_f000, 4096))));
        out(&format!("attach overlap: {}", show(segattach(0, "shared", mem + 10, 4096))));
        out(&format!("attach over text: {}", show(segattach(0, "shared", 0x20_0000, 4096))));

        // segbrk grows a shared segment, not the text.
        out(&format!("segbrk memory: {}", show(raw(sys::SEGBRK, &[mem, mem + 3 * 4096 + 1]))));
        poke(mem + 3 * 4096, b"top");
        out(&format!("after segbrk: {}", peeks(mem + 3 * 4096, 3)));
        out(&format!("segbrk into shared: {}", show(raw(sys::SEGBRK, &[mem, sh + 4096]))));
        out(&format!("segbrk text: {}", show(raw(sys::SEGBRK, &[0x20_0000, 0x30_0000]))));
        out(&format!("segbrk nowhere: {}", show(raw(sys::SEGBRK, &[0x3000_0000, 0x3000_1000]))));

        // segfree: the whole pages come back zero.
        out(&format!("segfree: {}", show(raw(sys::SEGFREE, &[sh + 4096, 4096]))));
        out(&format!("after segfree: {}", peeks(sh + 4096, 5)));
        out(&format!("segfree part page: {}", show(raw(sys::SEGFREE, &[mem + 1, 100]))));
        out(&format!("after part: {}", peeks(mem, 4)));
        out(&format!("segfree past end: {}", show(raw(sys::SEGFREE, &[sh, 16 * 4096]))));
        out(&format!("segfree nowhere: {}", show(raw(sys::SEGFREE, &[0x3000_0000, 4096]))));

        // segflush.
        out(&format!("segflush: {}", show(raw(sys::SEGFLUSH, &[sh, 100]))));
        out(&format!("segflush nowhere: {}", show(raw(sys::SEGFLUSH, &[0x3000_0000, 100]))));

        // segdetach: the segment is gone; the stack cannot go.
        out(&format!("segdetach: {}", show(raw(sys::SEGDETACH, &[sh + 10]))));
        out(&format!("segdetach again: {}", show(raw(sys::SEGDETACH, &[sh]))));
        let stk = &st as *const String as u64;
        out(&format!("segdetach stack: {}", show(raw(sys::SEGDETACH, &[stk]))));
        let st = inchild(|| {
            let _ = peek(sh);
        });
        out(&format!("touch detached: {}", nopc(&st)));
        // Attached again: fresh, zero.
        let r = segattach(0, "shared", 0, 4096).map(|v| v as u64);
        out(&format!("attach again: {}", r.map_or_else(|e| e, |v| format!("{v:#x} {}", peeks(v, 2)))));
    }

    fn exec_raw(name: &str, argv: &[&str]) -> String {
        let mut n = alloc::vec::Vec::from(name.as_bytes());
        n.push(0);
        let strs: alloc::vec::Vec<alloc::vec::Vec<u8>> = argv
            .iter()
            .map(|a| {
                let mut v = alloc::vec::Vec::from(a.as_bytes());
                v.push(0);
                v
            })
            .collect();
        let mut ptrs: alloc::vec::Vec<u64> = strs.iter().map(|s| s.as_ptr() as u64).collect();
        ptrs.push(0);
        ptrs.push(0);
        show(raw(sys::EXEC, &[n.as_ptr() as u64, ptrs.as_ptr() as u64]))
    }

    fn mkfile(name: &str, perm: u32, body: &[u8]) {
        match create(name, OWRITE, perm) {
            Ok(fd) => {
                let _ = write(fd, body);
                let _ = close(fd);
            }
            Err(e) => out(&format!("create {name}: {e}")),
        }
    }

    pub fn exec() {
        out(&format!("missing: {}", exec_raw("/tmp/nonexistent", &["x"])));
        mkfile("/tmp/noexec", 0o666, b"#!/bin/echo\n");
        out(&format!("not executable: {}", exec_raw("/tmp/noexec", &["noexec"])));
        mkfile("/tmp/junk", 0o777, b"this is not a program\n");
        out(&format!("bad header: {}", exec_raw("/tmp/junk", &["junk"])));
        mkfile("/tmp/short", 0o777, b"\x7fELF\x02\x01\x01");
        out(&format!("short elf: {}", exec_raw("/tmp/short", &["short"])));
        mkfile("/tmp/nonl", 0o777, b"#!/bin/echo");
        out(&format!("no newline: {}", exec_raw("/tmp/nonl", &["nonl"])));
        mkfile("/tmp/empty", 0o777, b"#!\n");
        out(&format!("empty #!: {}", exec_raw("/tmp/empty", &["empty"])));
        mkfile("/tmp/nointerp", 0o777, b"#!/tmp/nonexistent\n");
        out(&format!("missing interpreter: {}", exec_raw("/tmp/nointerp", &["nointerp"])));
        mkfile("/tmp/indirect", 0o777, b"#!/tmp/nonl\n");
        out(&format!("script interpreter: {}", exec_raw("/tmp/indirect", &["indirect"])));
        out(&format!("no arguments: {}", exec_raw("/bin/echo", &[])));
        // A script runs its interpreter with its name, the words of the
        // #! line, the file as given, and the arguments but the first.
        mkfile("/tmp/script", 0o777, b"#!/bin/echo  one 'two three'\n");
        let st = inchild(|| {
            let e = libc::syscall::exec("/tmp/script", &["arg0", "arg1"]);
            out(&format!("exec: {e}"));
        });
        out(&format!("script status: '{st}'"));
    }

    pub fn alarm_() {
        notify(true);
        out(&format!("alarm first: {}", alarm(100)));
        let p = match pipe() {
            Ok(p) => p,
            Err(e) => {
                out(&format!("pipe: {e}"));
                exits("pipe");
            }
        };
        let mut b = [0u8; 8];
        let t0 = nsec();
        let r = read(p[0], &mut b);
        let ms = (nsec() - t0) / 1_000_000;
        out(&format!("read: {}", r.map_or_else(|e| format!("error '{e}'"), |n| format!("{n}"))));
        out(&format!("note: {}", pendingnote().unwrap_or_default()));
        out(&format!("waited>=90ms: {}", ms >= 90));
        // The milliseconds left of a pending alarm; 0 cancels.
        alarm(5000);
        let left = alarm(0);
        out(&format!("left of 5000: {}", left > 4000 && left <= 5000));
        out(&format!("left after cancel: {}", alarm(0)));
        notify(false);
    }

    pub fn fd() {
        out(&format!("dup huge: {}", dup(Fd::STDIN, Some(Fd(100_000))).map_or_else(|e| format!("error '{e}'"), |f| format!("{}", f.0))));
        out(&format!("dup negative: {}", show(raw(sys::DUP, &[0, (-2i32) as u32 as u64]))));
        out(&format!("dup closed: {}", dup(Fd(77), None).map_or_else(|e| format!("error '{e}'"), |f| format!("{}", f.0))));
        out(&format!("close huge: {}", close(Fd(100_000)).map_or_else(|e| format!("error '{e}'"), |_| String::from("0"))));
    }
}

fn main(args: alloc::vec::Vec<alloc::string::String>) {
    let cmd = args.get(1).map(|s| s.as_str()).unwrap_or("");
    #[cfg(feature = "native")]
    {
        match cmd {
            "sem" => native::sem(),
            "seg" => native::seg(),
            "exec" => native::exec(),
            "alarm" => native::alarm_(),
            "fd" => native::fd(),
            _ => {
                let _ = libc::fprint!(libc::syscall::Fd::STDERR, "usage: utest sem|seg|exec|alarm|fd\n");
                libc::syscall::exits("usage");
            }
        }
        libc::syscall::exits("");
    }
    #[cfg(not(feature = "native"))]
    {
        let _ = cmd;
        let _ = libc::fprint!(libc::syscall::Fd::STDERR, "utest: runs only on planten\n");
        libc::syscall::exits("not planten");
    }
}
