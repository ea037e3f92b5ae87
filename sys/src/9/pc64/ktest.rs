//! Kernel self-tests, chosen by the boot word `ktest=NAME`: each prints
//! `ktest NAME: ok` and powers off with status 0, or prints
//! `ktest NAME: FAIL: why` and powers off with status 1. The QEMU tests in
//! sys/src/planten/qemu/tests/kernel.rs boot them.
//!
//! No 9front counterpart (9front tests its kernel by running it).

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};

use crate::clock;
use crate::kalloc;
use crate::l;
use crate::mem::HZ;
use port::qio::Queue;

use crate::sched::{self, Kernel, QLock, Rendez};
use crate::taslock::ILock;

fn pass(name: &str) -> ! {
    print!("ktest {}: ok\n", name);
    crate::exit(0)
}

fn fail(name: &str, why: core::fmt::Arguments<'_>) -> ! {
    print!("ktest {}: FAIL: {}\n", name, why);
    crate::exit(1)
}

macro_rules! check {
    ($name:expr, $cond:expr, $($why:tt)*) => {
        if !$cond {
            fail($name, format_args!($($why)*));
        }
    };
}

/// Run the test `name`; returns only if there is no such test.
pub fn run(name: &[u8]) {
    match name {
        b"fault" => fault(),
        b"timers" => timers(),
        b"alloc" => allocstress(),
        b"kproc" => kprocs(),
        b"kmesg" => kmesg(),
        b"smp" => smp(),
        b"pingpong" => pingpong(),
        b"locks" => locks(),
        b"kfault" => kfault(),
        b"boot" => pass("boot"),
        b"page" => pagestress(),
        b"tod" => tod(),
        b"random" => random(),
        b"uart" => uart(),
        b"fpu" => fputest(),
        b"vm" => vm(),
        b"bench" => bench(),
        b"user" => user(),
        b"aging" => aging(),
        _ => {}
    }
}

/// A kernel page fault: read a canonical address that no page table maps
/// (PML4 slot 1). The trap handler prints the registers and panics.
fn fault() -> ! {
    const BAD: u64 = 0x0000_0080_0000_0000;
    print!("ktest fault: reading {:#x}\n", BAD);
    // SAFETY: deliberately faults; the page fault handler never returns
    // here (it panics and powers off).
    let v = unsafe { (BAD as *const u64).read_volatile() };
    fail(
        "fault",
        format_args!("read {:#x} at {:#x} did not fault", v, BAD),
    )
}

const NTIMER: usize = 8;
static FIREDAT: [AtomicU64; NTIMER] = [const { AtomicU64::new(0) }; NTIMER];
static ORDER: [AtomicUsize; NTIMER] = [const { AtomicUsize::new(usize::MAX) }; NTIMER];
static NFIRED: AtomicUsize = AtomicUsize::new(0);

fn tfire(i: usize) {
    FIREDAT[i].store(clock::fastticks(), Ordering::SeqCst);
    let n = NFIRED.fetch_add(1, Ordering::SeqCst);
    if n < NTIMER {
        ORDER[n].store(i, Ordering::SeqCst);
    }
}

/// Timers fire in deadline order, each within one tick after its
/// deadline, and the clock ticks at HZ.
fn timers() -> ! {
    let name = "timers";
    let tick = clock::fasthz() / HZ;
    // Deadlines 5, 12, 19, ... ms, added in a scrambled order.
    let mut when = [0u64; NTIMER];
    let mut ids = Vec::new();
    for k in 0..NTIMER {
        let i = (k * 5) % NTIMER;
        let ms = 5 + 7 * i as i64;
        let t = clock::timerstart(ms * 1_000_000, tfire, i);
        when[i] = t.when;
        ids.push(t);
    }
    let t0 = clock::ticks();
    let f0 = clock::fastticks();
    while NFIRED.load(Ordering::SeqCst) < NTIMER {
        l::idlehlt();
        check!(
            name,
            clock::fastticks() - f0 < 2 * clock::fasthz(),
            "only {} of {} timers fired in 2 s",
            NFIRED.load(Ordering::SeqCst),
            NTIMER
        );
    }
    for id in ids {
        clock::timerfree(id);
    }
    for (k, o) in ORDER.iter().enumerate() {
        let i = o.load(Ordering::SeqCst);
        check!(name, i == k, "timer {} fired {}th", i, k);
    }
    for i in 0..NTIMER {
        let at = FIREDAT[i].load(Ordering::SeqCst);
        check!(
            name,
            at >= when[i],
            "timer {} fired {} ticks early",
            i,
            when[i] - at
        );
        let late = at - when[i];
        print!(
            "timer {}: {} µs late\n",
            i,
            late * 1_000_000 / clock::fasthz()
        );
        check!(
            name,
            late <= tick,
            "timer {} fired {} µs after its deadline",
            i,
            late * 1_000_000 / clock::fasthz()
        );
    }
    // 100 ms of ticks.
    let f1 = clock::fastticks();
    let t1 = clock::ticks();
    while clock::fastticks() - f1 < clock::fasthz() / 10 {
        l::idlehlt();
    }
    let n = clock::ticks() - t1;
    check!(name, (9..=11).contains(&n), "{} ticks in 100 ms", n);
    check!(name, clock::ticks() > t0, "no ticks");
    pass(name)
}

fn pattern(i: usize, j: usize) -> u8 {
    (i.wrapping_mul(31) ^ j) as u8
}

/// The heap and xalloc give back every byte: blocks of many sizes,
/// filled and checked for overlap, freed in a scrambled order.
fn allocstress() -> ! {
    let name = "alloc";
    let x0 = kalloc::xfreebytes();
    let (_, _, a0) = kalloc::poolstats();
    let mut seed = 2024u64;
    let mut rnd = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    // Each block is filled with a pattern of its own id and checked when
    // freed: a block handed out twice, or overlapping another, shows.
    let mut live: Vec<(usize, Vec<u8>)> = Vec::new();
    let verify = |id: usize, v: &[u8]| {
        for (j, b) in v.iter().enumerate() {
            check!(
                name,
                *b == pattern(id, j),
                "block {} byte {} overwritten",
                id,
                j
            );
        }
    };
    for id in 0..3000 {
        let n = if id % 97 == 0 {
            rnd() % 300_000
        } else {
            rnd() % 2000
        } + 1;
        let mut v = Vec::with_capacity(n);
        v.extend((0..n).map(|j| pattern(id, j)));
        live.push((id, v));
        if rnd() % 3 == 0 {
            let k = rnd() % live.len();
            let (i, v) = live.swap_remove(k);
            verify(i, &v);
        }
    }
    let (_, _, amid) = kalloc::poolstats();
    check!(name, amid > a0, "nothing allocated");
    while !live.is_empty() {
        let k = rnd() % live.len();
        let (i, v) = live.swap_remove(k);
        verify(i, &v);
    }
    drop(live);
    let (cur, free, a1) = kalloc::poolstats();
    check!(name, a1 == a0, "pool alloc {} after, {} before", a1, a0);
    check!(
        name,
        cur == free + a1,
        "pool cur {} != free {} + alloc {}",
        cur,
        free,
        a1
    );
    kalloc::mallocsummary();

    // xalloc: fewer than Nhole/2 blocks, so scrambled frees never run
    // out of holes.
    let x1 = kalloc::xfreebytes();
    let mut xs: Vec<(*mut u8, usize)> = Vec::new();
    for i in 0..60 {
        let n = rnd() % 10_000 + 1;
        let p = match kalloc::xalloc(n as u64) {
            Some(p) => p,
            None => fail(name, format_args!("xalloc({}) failed", n)),
        };
        // SAFETY: xalloc returned n zeroed bytes.
        let s = unsafe { core::slice::from_raw_parts_mut(p, n) };
        check!(name, s.iter().all(|&b| b == 0), "xalloc not zeroed");
        s.fill(i as u8);
        xs.push((p, n));
    }
    for (i, &(p, n)) in xs.iter().enumerate() {
        // SAFETY: as above; not yet freed.
        let s = unsafe { core::slice::from_raw_parts(p, n) };
        check!(
            name,
            s.iter().all(|&b| b == i as u8),
            "xalloc block {} overwritten",
            i
        );
    }
    while !xs.is_empty() {
        let k = rnd() % xs.len();
        let (p, _) = xs.swap_remove(k);
        // SAFETY: from xalloc, freed once.
        unsafe { kalloc::xfree(p) };
    }
    drop(xs);
    check!(
        name,
        kalloc::xfreebytes() == x1,
        "xalloc free {} after, {} before",
        kalloc::xfreebytes(),
        x1
    );
    let _ = x0;
    kalloc::xsummary();
    pass(name)
}

/// The kmesg log holds what was printed since boot, the banner first.
fn kmesg() -> ! {
    let name = "kmesg";
    print!("ktest kmesg: a line for the log\n");
    let (start, memline, last) = crate::cons::kmesg(|b| {
        let t = core::str::from_utf8(b).unwrap_or("");
        (
            t.starts_with("planten "),
            t.lines().any(|l| l.ends_with("M memory")),
            t.ends_with("ktest kmesg: a line for the log\n"),
        )
    });
    check!(name, start, "kmesg does not start with the banner");
    check!(name, memline, "kmesg lacks the memory line");
    check!(name, last, "kmesg lacks the last print");
    pass(name)
}

struct Pair {
    ra: Rendez,
    rb: Rendez,
    turn: AtomicU32,
    hits: AtomicU32,
}

const NPAIR: usize = 4;
const ROUNDS: u32 = 200;
const NLOCKER: usize = 4;
const LOCKS: u32 = 200;

struct Shared {
    pairs: Vec<Pair>,
    q: QLock,
    inside: AtomicBool,
    counter: AtomicU32,
    contended: AtomicU32,
    violations: AtomicU32,
    done: Rendez,
    ndone: AtomicU32,
    slept: AtomicU64,
    /// A port::qio queue on the kernel's scheduler, with a small limit so
    /// that the writer is flow-controlled.
    qio: Queue<Kernel>,
    qbytes: AtomicU64,
    qbad: AtomicU32,
}

const QBYTES: usize = 64 * 1024;
const QLIMIT: usize = 512;

fn qpattern(i: usize) -> u8 {
    (i % 251) as u8
}

fn finished(s: &Shared) {
    s.ndone.fetch_add(1, Ordering::SeqCst);
    sched::wakeup(&s.done);
}

/// Kernel processes ping-pong through sleep and wakeup, and contend for
/// a QLock whose holder yields inside its critical section.
fn kprocs() -> ! {
    let s: &'static Shared = Box::leak(Box::new(Shared {
        pairs: (0..NPAIR)
            .map(|_| Pair {
                ra: Rendez::default(),
                rb: Rendez::default(),
                turn: AtomicU32::new(0),
                hits: AtomicU32::new(0),
            })
            .collect(),
        q: QLock::default(),
        inside: AtomicBool::new(false),
        counter: AtomicU32::new(0),
        contended: AtomicU32::new(0),
        violations: AtomicU32::new(0),
        done: Rendez::default(),
        ndone: AtomicU32::new(0),
        slept: AtomicU64::new(0),
        qio: Queue::qopen(QLIMIT, 0, None),
        qbytes: AtomicU64::new(0),
        qbad: AtomicU32::new(0),
    }));
    sched::kproc("qwriter", move || {
        let mut off = 0;
        let mut n = 1;
        while off < QBYTES {
            let m = n.min(QBYTES - off);
            let buf: Vec<u8> = (off..off + m).map(qpattern).collect();
            if s.qio.qwrite(&buf).is_err() {
                s.qbad.fetch_add(1, Ordering::SeqCst);
                break;
            }
            off += m;
            n = n * 7 % 1000 + 1;
        }
        finished(s);
    });
    sched::kproc("qreader", move || {
        let mut off = 0;
        let mut buf = [0u8; 300];
        while off < QBYTES {
            match s.qio.qread(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    for (k, &b) in buf[..n].iter().enumerate() {
                        if b != qpattern(off + k) {
                            s.qbad.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                    off += n;
                }
            }
        }
        s.qbytes.store(off as u64, Ordering::SeqCst);
        finished(s);
    });
    for i in 0..NPAIR {
        sched::kproc("ping", move || {
            let p = &s.pairs[i];
            for _ in 0..ROUNDS {
                turnwait(&p.ra, &p.turn, 0);
                p.hits.fetch_add(1, Ordering::SeqCst);
                p.turn.store(1, Ordering::SeqCst);
                sched::wakeup(&p.rb);
            }
            finished(s);
        });
        sched::kproc("pong", move || {
            let p = &s.pairs[i];
            for _ in 0..ROUNDS {
                turnwait(&p.rb, &p.turn, 1);
                p.hits.fetch_add(1, Ordering::SeqCst);
                p.turn.store(0, Ordering::SeqCst);
                sched::wakeup(&p.ra);
            }
            finished(s);
        });
    }
    for _ in 0..NLOCKER {
        sched::kproc("locker", move || {
            for _ in 0..LOCKS {
                if s.q.canqlock().map(drop).is_none() {
                    s.contended.fetch_add(1, Ordering::SeqCst);
                }
                let g = s.q.qlock();
                if s.inside.swap(true, Ordering::SeqCst) {
                    s.violations.fetch_add(1, Ordering::SeqCst);
                }
                let v = s.counter.load(Ordering::SeqCst);
                sched::yield_();
                s.counter.store(v + 1, Ordering::SeqCst);
                s.inside.store(false, Ordering::SeqCst);
                drop(g);
            }
            finished(s);
        });
    }
    sched::kproc("sleeper", move || {
        let r = Rendez::default();
        let t0 = clock::ticks();
        let _ = sched::tsleep(&r, &mut || false, 50);
        s.slept.store(clock::ticks() - t0, Ordering::SeqCst);
        finished(s);
    });
    sched::kproc("ktest", move || {
        let name = "kproc";
        let total = (2 * NPAIR + NLOCKER + 3) as u32;
        // sleep may return before its condition holds: loop, as 9front's
        // callers do, until all are done or 10 s have passed.
        let t0 = clock::ticks();
        while s.ndone.load(Ordering::SeqCst) < total && clock::ticks() - t0 < 10 * HZ {
            let _ = sched::tsleep(
                &s.done,
                &mut || s.ndone.load(Ordering::SeqCst) == total,
                1000,
            );
        }
        let n = s.ndone.load(Ordering::SeqCst);
        check!(
            name,
            n == total,
            "{} of {} processes finished in 10 s",
            n,
            total
        );
        for (i, p) in s.pairs.iter().enumerate() {
            let h = p.hits.load(Ordering::SeqCst);
            check!(name, h == 2 * ROUNDS, "pair {} ping-ponged {} times", i, h);
        }
        let c = s.counter.load(Ordering::SeqCst);
        check!(name, c == NLOCKER as u32 * LOCKS, "qlock counter {}", c);
        check!(
            name,
            s.violations.load(Ordering::SeqCst) == 0,
            "two holders at once"
        );
        let cont = s.contended.load(Ordering::SeqCst);
        check!(name, cont > 0, "the qlock was never contended");
        let qb = s.qbytes.load(Ordering::SeqCst);
        check!(
            name,
            qb == QBYTES as u64,
            "qio: read {} of {} bytes",
            qb,
            QBYTES
        );
        check!(
            name,
            s.qbad.load(Ordering::SeqCst) == 0,
            "qio: bytes out of order"
        );
        let slept = s.slept.load(Ordering::SeqCst);
        check!(
            name,
            (5..=7).contains(&slept),
            "tsleep 50 ms took {} ticks",
            slept
        );
        print!(
            "ktest kproc: {} ping-pongs, {} qlocks ({} contended), tsleep 50ms = {} ticks, qio {} bytes\n",
            NPAIR as u32 * 2 * ROUNDS,
            c,
            cont,
            slept,
            qb
        );
        pass(name)
    });
    sched::schedinit()
}

/// Wait (as a kernel process) until `n` of `total` are done or `secs`
/// seconds pass.
/// Sleep on `r` until `turn` is `want`. As sleep(9) says, a wakeup need
/// not mean the condition holds: the waker of the last round may call
/// wakeup after the sleeper has already seen its turn (without sleeping),
/// answered, and gone to sleep for the next one. So the sleeper looks
/// again, as 9front's callers of sleep do when wakeups can be stale.
fn turnwait(r: &Rendez, turn: &AtomicU32, want: u32) {
    while turn.load(Ordering::SeqCst) != want {
        let _ = sched::sleep(r, &mut || turn.load(Ordering::SeqCst) == want);
    }
}

fn waitdone(done: &Rendez, ndone: &AtomicU32, total: u32, secs: u64) -> u32 {
    let t0 = clock::ticks();
    while ndone.load(Ordering::SeqCst) < total && clock::ticks() - t0 < secs * HZ {
        let _ = sched::tsleep(done, &mut || ndone.load(Ordering::SeqCst) == total, 100);
    }
    ndone.load(Ordering::SeqCst)
}

/// Every processor started runs processes: 64 busy kernel processes,
/// each noting the processors it ran on, each running (yielding often)
/// until some process has run on every processor, or 5 s.
fn smp() -> ! {
    struct S {
        ran: AtomicU64,
        done: Rendez,
        ndone: AtomicU32,
    }
    let s: &'static S = Box::leak(Box::new(S {
        ran: AtomicU64::new(0),
        done: Rendez::default(),
        ndone: AtomicU32::new(0),
    }));
    const N: u32 = 64;
    for _ in 0..N {
        sched::kproc("spin", move || {
            let t0 = clock::fastticks();
            let all = (1u64 << crate::dat::nmach()) - 1;
            while clock::fastticks() - t0 < 5 * clock::fasthz()
                && s.ran.load(Ordering::SeqCst) != all
            {
                let s0 = l::splhi();
                let me = crate::dat::m().machno;
                l::splx(s0);
                s.ran.fetch_or(1 << me, Ordering::SeqCst);
                sched::yield_();
            }
            s.ndone.fetch_add(1, Ordering::SeqCst);
            sched::wakeup(&s.done);
        });
    }
    sched::kproc("ktest", move || {
        let name = "smp";
        let n = waitdone(&s.done, &s.ndone, N, 10);
        check!(name, n == N, "{} of {} processes finished", n, N);
        let ran = s.ran.load(Ordering::SeqCst);
        let nmach = crate::dat::nmach();
        print!(
            "ktest smp: {} cpus, processes ran on {} ({:#x}), {} switches\n",
            nmach,
            ran.count_ones(),
            ran,
            sched::NSWITCH.load(Ordering::Relaxed)
        );
        for i in 0..nmach {
            if let Some(mp) = crate::dat::machp(i) {
                print!(
                    "cpu{}: ticks {} intr {} online {}\n",
                    i,
                    mp.ticks.load(Ordering::Relaxed),
                    mp.intr.load(Ordering::Relaxed),
                    mp.online.load(Ordering::Relaxed)
                );
            }
        }
        check!(
            name,
            ran == (1u64 << nmach) - 1,
            "processes ran on {:#x} of {} processors",
            ran,
            nmach
        );
        pass(name)
    });
    sched::schedinit()
}

const NPP: usize = 250;
const PPROUNDS: u32 = 40;

/// A rendezvous-like hand-off point between two processes: the first
/// to arrive leaves its value and sleeps; the second takes it, leaves
/// its own and wakes the first (the exchange of 9front's rendezvous(2)).
/// An arrival that finds the last answer not yet collected waits.
struct Handoff {
    /// The poster waits here for the answer.
    r: Rendez,
    /// An arrival waits here for the last exchange to finish.
    r2: Rendez,
    /// (state: 0 empty, 1 posted, 2 answered; the value; the answer).
    st: ILock<(u8, u64, u64)>,
}

impl Handoff {
    fn exchange(&self, v: u64) -> u64 {
        loop {
            let mut g = self.st.ilock();
            match g.0 {
                0 => {
                    *g = (1, v, 0);
                    drop(g);
                    loop {
                        let _ = sched::sleep(&self.r, &mut || self.st.ilock().0 == 2);
                        let mut g = self.st.ilock();
                        if g.0 == 2 {
                            let a = g.2;
                            g.0 = 0;
                            drop(g);
                            sched::wakeup(&self.r2);
                            return a;
                        }
                    }
                }
                1 => {
                    let theirs = g.1;
                    g.0 = 2;
                    g.2 = v;
                    drop(g);
                    sched::wakeup(&self.r);
                    return theirs;
                }
                _ => {
                    drop(g);
                    let _ = sched::sleep(&self.r2, &mut || self.st.ilock().0 != 2);
                }
            }
        }
    }
}

/// A thousand kernel processes: 250 pairs ping-pong through sleep and
/// wakeup, and 250 pairs exchange values through rendezvous-like
/// hand-offs, 40 rounds each.
fn pingpong() -> ! {
    struct S {
        pairs: Vec<Pair>,
        hand: Vec<Handoff>,
        sum: AtomicU64,
        bad: AtomicU32,
        done: Rendez,
        ndone: AtomicU32,
    }
    let s: &'static S = Box::leak(Box::new(S {
        pairs: (0..NPP)
            .map(|_| Pair {
                ra: Rendez::default(),
                rb: Rendez::default(),
                turn: AtomicU32::new(0),
                hits: AtomicU32::new(0),
            })
            .collect(),
        hand: (0..NPP)
            .map(|_| Handoff {
                r: Rendez::default(),
                r2: Rendez::default(),
                st: ILock::new_const((0, 0, 0)),
            })
            .collect(),
        sum: AtomicU64::new(0),
        bad: AtomicU32::new(0),
        done: Rendez::default(),
        ndone: AtomicU32::new(0),
    }));
    let fin = move || {
        s.ndone.fetch_add(1, Ordering::SeqCst);
        sched::wakeup(&s.done);
    };
    for i in 0..NPP {
        sched::kproc("ping", move || {
            let p = &s.pairs[i];
            for _ in 0..PPROUNDS {
                turnwait(&p.ra, &p.turn, 0);
                p.hits.fetch_add(1, Ordering::SeqCst);
                p.turn.store(1, Ordering::SeqCst);
                sched::wakeup(&p.rb);
            }
            fin();
        });
        sched::kproc("pong", move || {
            let p = &s.pairs[i];
            for _ in 0..PPROUNDS {
                turnwait(&p.rb, &p.turn, 1);
                p.hits.fetch_add(1, Ordering::SeqCst);
                p.turn.store(0, Ordering::SeqCst);
                sched::wakeup(&p.ra);
            }
            fin();
        });
        for side in 0..2u64 {
            sched::kproc("rendez", move || {
                let h = &s.hand[i];
                for k in 0..PPROUNDS as u64 {
                    let mine = (i as u64) << 32 | k << 1 | side;
                    let theirs = h.exchange(mine);
                    // The partner is the other side of the same pair, in
                    // the same round.
                    if theirs != mine ^ 1 {
                        s.bad.fetch_add(1, Ordering::SeqCst);
                    }
                    s.sum.fetch_add(theirs & 0xffff_ffff, Ordering::SeqCst);
                }
                fin();
            });
        }
    }
    sched::kproc("ktest", move || {
        let name = "pingpong";
        let total = 4 * NPP as u32;
        let n = waitdone(&s.done, &s.ndone, total, 60);
        check!(
            name,
            n == total,
            "{} of {} processes finished in 60 s",
            n,
            total
        );
        let hits: u32 = s.pairs.iter().map(|p| p.hits.load(Ordering::SeqCst)).sum();
        check!(
            name,
            hits == NPP as u32 * 2 * PPROUNDS,
            "{} ping-pongs",
            hits
        );
        check!(
            name,
            s.bad.load(Ordering::SeqCst) == 0,
            "{} wrong exchanges",
            s.bad.load(Ordering::SeqCst)
        );
        // Each side receives k<<1 | other side, for k in 0..ROUNDS.
        let want =
            NPP as u64 * (2 * 2 * (PPROUNDS as u64 * (PPROUNDS as u64 - 1) / 2) + PPROUNDS as u64);
        check!(
            name,
            s.sum.load(Ordering::SeqCst) == want,
            "exchange sum {} != {}",
            s.sum.load(Ordering::SeqCst),
            want
        );
        // The finished processes are freed once their processors have
        // left their stacks; the random seeder (random.rs) ends too.
        let r = Rendez::default();
        let t0 = clock::ticks();
        while sched::NPROC.load(Ordering::SeqCst) > 1 && clock::ticks() - t0 < 10 * HZ {
            let _ = sched::tsleep(&r, &mut || false, 10);
        }
        print!(
            "ktest pingpong: {} processes, {} ping-pongs, {} exchanges, {} cpus, {} processes left\n",
            total,
            hits,
            NPP as u32 * 2 * PPROUNDS,
            crate::dat::nmach(),
            sched::NPROC.load(Ordering::SeqCst)
        );
        pass(name)
    });
    sched::schedinit()
}

/// QLock and RWlock under contention keep mutual exclusion: counters
/// updated with a plain load and store (and a yield between) inside the
/// locks lose no update, no reader sees a writer inside, and readers do
/// share the lock.
fn locks() -> ! {
    use crate::sched::RWlock;
    struct S {
        q: QLock,
        rw: RWlock,
        qinside: AtomicBool,
        qcount: AtomicU32,
        writers: AtomicU32,
        readers: AtomicU32,
        maxreaders: AtomicU32,
        wcount: AtomicU32,
        bad: AtomicU32,
        rreads: AtomicU32,
        done: Rendez,
        ndone: AtomicU32,
    }
    let s: &'static S = Box::leak(Box::new(S {
        q: QLock::default(),
        rw: RWlock::default(),
        qinside: AtomicBool::new(false),
        qcount: AtomicU32::new(0),
        writers: AtomicU32::new(0),
        readers: AtomicU32::new(0),
        maxreaders: AtomicU32::new(0),
        wcount: AtomicU32::new(0),
        bad: AtomicU32::new(0),
        rreads: AtomicU32::new(0),
        done: Rendez::default(),
        ndone: AtomicU32::new(0),
    }));
    const NQ: u32 = 16;
    const QN: u32 = 300;
    const NW: u32 = 4;
    const WN: u32 = 100;
    const NR: u32 = 12;
    const RN: u32 = 200;
    let fin = move || {
        s.ndone.fetch_add(1, Ordering::SeqCst);
        sched::wakeup(&s.done);
    };
    for _ in 0..NQ {
        sched::kproc("qlocker", move || {
            for i in 0..QN {
                let g = if i % 3 == 0 {
                    match s.q.canqlock() {
                        Some(g) => g,
                        None => s.q.qlock(),
                    }
                } else {
                    s.q.qlock()
                };
                if s.qinside.swap(true, Ordering::SeqCst) {
                    s.bad.fetch_add(1, Ordering::SeqCst);
                }
                let v = s.qcount.load(Ordering::SeqCst);
                if i % 4 == 0 {
                    sched::yield_();
                }
                s.qcount.store(v + 1, Ordering::SeqCst);
                s.qinside.store(false, Ordering::SeqCst);
                drop(g);
            }
            fin();
        });
    }
    for _ in 0..NW {
        sched::kproc("writer", move || {
            for _ in 0..WN {
                let g = s.rw.wlock();
                if s.writers.fetch_add(1, Ordering::SeqCst) != 0
                    || s.readers.load(Ordering::SeqCst) != 0
                {
                    s.bad.fetch_add(1, Ordering::SeqCst);
                }
                let v = s.wcount.load(Ordering::SeqCst);
                sched::yield_();
                s.wcount.store(v + 1, Ordering::SeqCst);
                s.writers.fetch_sub(1, Ordering::SeqCst);
                drop(g);
                sched::yield_();
            }
            fin();
        });
    }
    for k in 0..NR {
        sched::kproc("reader", move || {
            for i in 0..RN {
                let g = if (i + k) % 5 == 0 {
                    match s.rw.canrlock() {
                        Some(g) => g,
                        None => s.rw.rlock(),
                    }
                } else {
                    s.rw.rlock()
                };
                let n = s.readers.fetch_add(1, Ordering::SeqCst) + 1;
                s.maxreaders.fetch_max(n, Ordering::SeqCst);
                if s.writers.load(Ordering::SeqCst) != 0 {
                    s.bad.fetch_add(1, Ordering::SeqCst);
                }
                sched::yield_();
                if s.writers.load(Ordering::SeqCst) != 0 {
                    s.bad.fetch_add(1, Ordering::SeqCst);
                }
                s.rreads.fetch_add(1, Ordering::SeqCst);
                s.readers.fetch_sub(1, Ordering::SeqCst);
                drop(g);
            }
            fin();
        });
    }
    sched::kproc("ktest", move || {
        let name = "locks";
        let total = NQ + NW + NR;
        let n = waitdone(&s.done, &s.ndone, total, 60);
        check!(name, n == total, "{} of {} processes finished", n, total);
        let q = s.qcount.load(Ordering::SeqCst);
        let w = s.wcount.load(Ordering::SeqCst);
        let r = s.rreads.load(Ordering::SeqCst);
        let mx = s.maxreaders.load(Ordering::SeqCst);
        let bad = s.bad.load(Ordering::SeqCst);
        print!(
            "ktest locks: qlock {} of {}, wlock {} of {}, rlock {} of {}, max readers {}, violations {}, {} cpus\n",
            q,
            NQ * QN,
            w,
            NW * WN,
            r,
            NR * RN,
            mx,
            bad,
            crate::dat::nmach()
        );
        check!(name, q == NQ * QN, "qlock counter {}", q);
        check!(name, w == NW * WN, "wlock counter {}", w);
        check!(name, r == NR * RN, "rlock count {}", r);
        check!(name, bad == 0, "{} exclusion violations", bad);
        check!(name, mx > 1, "readers never shared the lock");
        pass(name)
    });
    sched::schedinit()
}

/// A kernel fault in a kernel process, on whatever processor runs it:
/// the register dump names the process, then the panic.
fn kfault() -> ! {
    sched::kproc("faulter", move || {
        const BAD: u64 = 0x0000_0080_0000_0000;
        print!("ktest kfault: reading {:#x}\n", BAD);
        // SAFETY: deliberately faults; the handler panics.
        let v = unsafe { (BAD as *const u64).read_volatile() };
        fail("kfault", format_args!("read {:#x} did not fault", v))
    });
    sched::schedinit()
}

/// The page pool gives back every page: kernel processes take pages
/// (zeroed), fill them with a pattern of their own, check them and put
/// them, after one hog has taken all a swapping process may, so that
/// they must first wait in newpage until it lets go. (Were the hog still
/// taking pages while the others hold some, all could wait for ever:
/// 9front's way out is the swapper.)
fn pagestress() -> ! {
    use crate::mmu::{palloc, KMem};
    use port::page::PageId;
    struct S {
        bad: AtomicU32,
        done: Rendez,
        ndone: AtomicU32,
        held: AtomicU32,
    }
    let s: &'static S = Box::leak(Box::new(S {
        bad: AtomicU32::new(0),
        done: Rendez::default(),
        ndone: AtomicU32::new(0),
        held: AtomicU32::new(0),
    }));
    let pool = palloc();
    let free0 = pool.freecount();
    let user = pool.with(|p| p.user());
    let high = pool.with(|p| p.highwater());
    const NW: u32 = 8;
    const ROUNDS: usize = 30;
    let fin = move || {
        s.ndone.fetch_add(1, Ordering::SeqCst);
        sched::wakeup(&s.done);
    };
    let fill = |p: PageId, v: u8| {
        let pa = palloc().with(|pl| pl.page(p).pa);
        let va = crate::mmu::kaddr(pa).expect("pool page mapped");
        // SAFETY: the page is this process's, mapped at KZERO.
        let b = unsafe { core::slice::from_raw_parts_mut(va as *mut u8, 4096) };
        let zero = b.iter().all(|&x| x == 0);
        b.fill(v);
        zero
    };
    let check = |p: PageId, v: u8| {
        let pa = palloc().with(|pl| pl.page(p).pa);
        let va = crate::mmu::kaddr(pa).expect("pool page mapped");
        // SAFETY: as in fill.
        let b = unsafe { core::slice::from_raw_parts(va as *const u8, 4096) };
        b.iter().all(|&x| x == v)
    };
    sched::kproc("hog", move || {
        let n = free0 - high;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(palloc().newpage(&mut KMem, false, 0, false));
        }
        s.held.store(v.len() as u32, Ordering::SeqCst);
        let r = Rendez::default();
        let _ = sched::tsleep(&r, &mut || false, 100);
        for p in v {
            palloc().putpage(p);
        }
        fin();
    });
    for w in 0..NW {
        sched::kproc("pager", move || {
            let r = Rendez::default();
            while s.held.load(Ordering::SeqCst) == 0 {
                let _ = sched::tsleep(&r, &mut || false, 1);
            }
            let mut seed = 77 + w as u64;
            for round in 0..ROUNDS {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let n = 1 + (seed >> 40) as usize % 64;
                let v: Vec<PageId> = (0..n)
                    .map(|_| palloc().newpage(&mut KMem, true, 0, false))
                    .collect();
                let tag = (w as usize * 31 + round) as u8 | 1;
                for &p in &v {
                    if !fill(p, tag) {
                        s.bad.fetch_add(1, Ordering::SeqCst);
                    }
                }
                sched::yield_();
                for &p in &v {
                    if !check(p, tag) {
                        s.bad.fetch_add(1, Ordering::SeqCst);
                    }
                    palloc().putpage(p);
                }
            }
            fin();
        });
    }
    sched::kproc("ktest", move || {
        let name = "page";
        let total = NW + 1;
        let n = waitdone(&s.done, &s.ndone, total, 60);
        check!(name, n == total, "{} of {} processes finished", n, total);
        let free1 = palloc().freecount();
        print!(
            "ktest page: {} user pages, {} free before, {} after, hog held {}, newpage waited {} times, {} bad pages\n",
            user,
            free0,
            free1,
            s.held.load(Ordering::SeqCst),
            palloc().waits(),
            s.bad.load(Ordering::SeqCst)
        );
        check!(
            name,
            free1 == free0,
            "{} pages free after, {} before",
            free1,
            free0
        );
        check!(
            name,
            s.bad.load(Ordering::SeqCst) == 0,
            "pages not zeroed or overwritten"
        );
        check!(name, palloc().waits() > 0, "newpage never waited");
        pass(name)
    });
    sched::schedinit()
}

/// Address spaces through faults, in kernel mode: a process with its
/// own page tables and bss and stack segments touches its pages (demand
/// zero), "forks" a child whose segments are dupseg copies (copy on
/// write), and both check that each sees its own writes and the other's
/// writes before the fork only; then every page goes back to the pool.
fn vm() -> ! {
    use crate::mem::{BY2PG, UTZERO};
    use crate::mmu::{palloc, Pmap, NFAULT, SEGS};
    use port::segment::{SegType, Segtab, BSEG, NSEG, SSEG};
    struct S {
        done: Rendez,
        ndone: AtomicU32,
        bad: AtomicU32,
        childtab: ILock<Option<Segtab>>,
    }
    let s: &'static S = Box::leak(Box::new(S {
        done: Rendez::default(),
        ndone: AtomicU32::new(0),
        bad: AtomicU32::new(0),
        childtab: ILock::new_const(None),
    }));
    const NPG: u64 = 64;
    const STK: u64 = 0x7fff_f000_0000;
    let free0 = palloc().freecount();
    let word = |va: u64| va as *mut u64;
    fn me() -> &'static mut sched::Proc {
        // SAFETY: the running process, alive while it runs.
        unsafe { &mut *sched::up() }
    }
    fn setspace(pm: Pmap, tab: Segtab) {
        let s0 = l::splhi();
        let p = me();
        p.pmap = Some(Box::new(pm));
        p.segtab = Some(tab);
        crate::mmu::mmuswitch(p);
        l::splx(s0);
    }
    sched::kproc("vmparent", move || {
        let name = "vm";
        let mut tab: Segtab = [None; NSEG];
        {
            let mut segs = SEGS.ilock();
            tab[BSEG] = Some(
                segs.newseg(SegType::Bss as u32, UTZERO, NPG)
                    .expect("newseg"),
            );
            tab[SSEG] = Some(segs.newseg(SegType::Stack as u32, STK, 4).expect("newseg"));
        }
        setspace(Pmap::new().expect("pmap"), tab);
        let f0 = NFAULT.load(Ordering::Relaxed);
        for i in 0..NPG {
            // SAFETY: a user address of this process's bss; the fault
            // handler maps a zeroed page on first touch.
            unsafe {
                let w = word(UTZERO + i * BY2PG);
                if w.read_volatile() != 0 {
                    s.bad.fetch_add(1, Ordering::SeqCst);
                }
                w.write_volatile(0x1000 + i);
                word(STK + 8).write_volatile(7);
            }
        }
        let faults = NFAULT.load(Ordering::Relaxed) - f0;
        // Each touched page is mapped user, writable (it was written).
        for i in 0..NPG {
            let e = me()
                .pmap
                .as_ref()
                .unwrap()
                .lookup(UTZERO + i * BY2PG)
                .unwrap_or(0);
            let want = crate::mem::PTEVALID | crate::mem::PTEWRITE | crate::mem::PTEUSER;
            check!(name, e & want == want, "page {} pte {:#x}", i, e);
        }
        check!(
            name,
            me().pmap
                .as_ref()
                .unwrap()
                .lookup(UTZERO + NPG * BY2PG)
                .is_none(),
            "page past the bss mapped"
        );
        check!(
            name,
            s.bad.load(Ordering::SeqCst) == 0,
            "bss not zero on first touch"
        );
        let used = free0 - palloc().freecount();
        check!(
            name,
            used == NPG as usize + 1,
            "{} pages used for {} touched",
            used,
            NPG + 1
        );
        // fork: the child's segments share the pages copy-on-write; the
        // parent's mappings are flushed (9front's flushmmu after dupseg).
        let mut ctab: Segtab = [None; NSEG];
        {
            let mut segs = SEGS.ilock();
            palloc().with(|pa| {
                for i in [BSEG, SSEG] {
                    ctab[i] = Some(segs.dupseg(pa, tab[i].unwrap(), i, false).expect("dupseg"));
                }
            });
        }
        me().pmap.as_mut().unwrap().flush();
        *s.childtab.ilock() = Some(ctab);
        sched::kproc("vmchild", move || {
            let ctab = s.childtab.ilock().take().unwrap();
            setspace(Pmap::new().expect("pmap"), ctab);
            for i in 0..NPG {
                // SAFETY: the child's own bss (copy-on-write pages).
                unsafe {
                    let w = word(UTZERO + i * BY2PG);
                    if w.read_volatile() != 0x1000 + i {
                        s.bad.fetch_add(1, Ordering::SeqCst);
                    }
                    if i % 2 == 0 {
                        w.write_volatile(0x2000 + i);
                    }
                }
            }
            for i in 0..NPG {
                let want = if i % 2 == 0 { 0x2000 + i } else { 0x1000 + i };
                // SAFETY: as above.
                if unsafe { word(UTZERO + i * BY2PG).read_volatile() } != want {
                    s.bad.fetch_add(1, Ordering::SeqCst);
                }
            }
            // Exit: drop the segments (the pages they alone hold go back).
            let p = me();
            let t = p.segtab.take().unwrap();
            let mut segs = SEGS.ilock();
            palloc().with(|pa| {
                for id in t.iter().flatten() {
                    segs.putseg(pa, *id);
                }
            });
            drop(segs);
            palloc().kick();
            s.ndone.fetch_add(1, Ordering::SeqCst);
            sched::wakeup(&s.done);
        });
        let n = waitdone(&s.done, &s.ndone, 1, 30);
        check!(name, n == 1, "the child did not finish");
        for i in 0..NPG {
            // SAFETY: the parent's bss again: its own values, whatever
            // the child wrote.
            unsafe {
                let w = word(UTZERO + i * BY2PG);
                if w.read_volatile() != 0x1000 + i {
                    s.bad.fetch_add(1, Ordering::SeqCst);
                }
                w.write_volatile(0x3000 + i);
            }
        }
        check!(
            name,
            s.bad.load(Ordering::SeqCst) == 0,
            "{} words wrong",
            s.bad.load(Ordering::SeqCst)
        );
        let p = me();
        let t = p.segtab.take().unwrap();
        let s0 = l::splhi();
        p.pmap = None;
        crate::mmu::mmuswitch(p);
        l::splx(s0);
        {
            let mut segs = SEGS.ilock();
            palloc().with(|pa| {
                for id in t.iter().flatten() {
                    segs.putseg(pa, *id);
                }
            });
            check!(name, segs.count() == 0, "{} segments left", segs.count());
        }
        let free1 = palloc().freecount();
        print!(
            "ktest vm: {} pages touched, {} faults first, {} faults in all, {} free before, {} after, {} cpus\n",
            NPG + 1,
            faults,
            NFAULT.load(Ordering::Relaxed) - f0,
            free0,
            free1,
            crate::dat::nmach()
        );
        check!(
            name,
            free1 == free0,
            "{} pages free after, {} before",
            free1,
            free0
        );
        pass(name)
    });
    sched::schedinit()
}

/// The time of day comes from the CMOS clock and advances with the
/// clock.
fn tod() -> ! {
    let name = "tod";
    let rtc = crate::devrtc::rtctime();
    let t0 = clock::todget();
    let f0 = clock::fastticks();
    while clock::fastticks() - f0 < clock::fasthz() / 5 {
        l::idlehlt();
    }
    let t1 = clock::todget();
    let d = t1 - t0;
    print!(
        "ktest tod: rtc {} seconds {} todget advanced {} ms in 200 ms\n",
        rtc,
        clock::seconds(),
        d / 1_000_000
    );
    check!(
        name,
        (190_000_000..=260_000_000).contains(&d),
        "todget advanced {} ns in 200 ms",
        d
    );
    check!(
        name,
        clock::seconds().abs_diff(rtc as i64) <= 2,
        "seconds {} rtc {}",
        clock::seconds(),
        rtc
    );
    pass(name)
}

/// Priorities age as 9front's: twice as many busy processes at
/// PRINORMAL as processors, and one that sleeps 20 ms at a time. After
/// two seconds the load average (accounttime) is about the number of
/// busy processes, a busy process has earned a priority below its base
/// (reprioritize: its fair share over its CPU use), and the sleeper, which
/// uses little, a higher one.
fn aging() -> ! {
    use port::proc::PRINORMAL;
    struct S {
        stop: AtomicBool,
        hogpri: AtomicUsize,
        sleeperpri: AtomicUsize,
        done: Rendez,
        ndone: AtomicU32,
    }
    let s: &'static S = Box::leak(Box::new(S {
        stop: AtomicBool::new(false),
        hogpri: AtomicUsize::new(usize::MAX),
        sleeperpri: AtomicUsize::new(usize::MAX),
        done: Rendez::default(),
        ndone: AtomicU32::new(0),
    }));
    fn mypri() -> usize {
        // SAFETY: up is the running process, alive while it runs.
        unsafe { (*sched::up()).priority }
    }
    sched::kproc("ktest", move || {
        let name = "aging";
        let ncpu = crate::dat::nmach() as u32;
        let nhog = 2 * ncpu;
        for _ in 0..nhog {
            sched::kprocpri("hog", PRINORMAL, move || {
                while !s.stop.load(Ordering::SeqCst) {
                    s.hogpri.store(mypri(), Ordering::SeqCst);
                    core::hint::spin_loop();
                }
                s.ndone.fetch_add(1, Ordering::SeqCst);
                sched::wakeup(&s.done);
            });
        }
        sched::kprocpri("sleeper", PRINORMAL, move || {
            let r = Rendez::default();
            while !s.stop.load(Ordering::SeqCst) {
                let _ = sched::tsleep(&r, &mut || false, 20);
                s.sleeperpri.store(mypri(), Ordering::SeqCst);
            }
            s.ndone.fetch_add(1, Ordering::SeqCst);
            sched::wakeup(&s.done);
        });
        let r = Rendez::default();
        let _ = sched::tsleep(&r, &mut || false, 2000);
        let load = sched::LOAD.load(Ordering::SeqCst);
        let (hog, sleeper) = (
            s.hogpri.load(Ordering::SeqCst),
            s.sleeperpri.load(Ordering::SeqCst),
        );
        s.stop.store(true, Ordering::SeqCst);
        let n = waitdone(&s.done, &s.ndone, nhog + 1, 30);
        print!(
            "ktest aging: {} cpus, {} busy: load {}, busy priority {}, sleeper priority {}\n",
            ncpu, nhog, load, hog, sleeper
        );
        check!(name, n == nhog + 1, "{} of {} processes finished", n, nhog + 1);
        // The sleeper counts too when a tick finds it just readied by its
        // timer, as in 9front, where timers run in the same interrupt.
        check!(
            name,
            load >= nhog * 750 && load <= (nhog + 1) * 1250,
            "load {} for {} busy processes",
            load,
            nhog
        );
        check!(name, hog < PRINORMAL, "a busy process kept priority {}", hog);
        check!(
            name,
            sleeper > hog && sleeper <= PRINORMAL,
            "the sleeper has priority {}, a busy one {}",
            sleeper,
            hog
        );
        pass(name)
    });
    sched::schedinit()
}

/// The generator is seeded from timer jitter and gives different,
/// balanced bytes to each read.
fn random() -> ! {
    sched::kproc("ktest", || {
        let name = "random";
        let t0 = clock::ticks();
        let mut a = [0u8; 256];
        let mut b = [0u8; 256];
        crate::random::randomread(&mut a);
        let took = clock::ticks() - t0;
        crate::random::randomread(&mut b);
        let ones: u32 = a.iter().chain(b.iter()).map(|x| x.count_ones()).sum();
        let l: Vec<u32> = (0..4).map(|_| crate::random::lrand()).collect();
        print!(
            "ktest random: seeded in {} ticks, {} of 4096 bits set, first bytes {:02x}{:02x}{:02x}{:02x}, lrand {:?}\n",
            took, ones, a[0], a[1], a[2], a[3], l
        );
        check!(name, a != b, "two reads gave the same bytes");
        check!(
            name,
            (1800..2300).contains(&ones),
            "{} of 4096 bits set",
            ones
        );
        check!(name, l.iter().all(|&x| x < 1 << 31), "lrand over 31 bits");
        pass(name)
    });
    sched::schedinit()
}

/// Console input arrives by interrupt into the input queue, where a
/// process reads it.
fn uart() -> ! {
    sched::kproc("ktest", || {
        let name = "uart";
        let q = match crate::uarti8250::iq() {
            Some(q) => q,
            None => fail(name, format_args!("no input queue")),
        };
        print!("ktest uart: ready\n");
        let mut line = Vec::new();
        let mut buf = [0u8; 64];
        while !line.contains(&b'\n') {
            match q.qread(&mut buf) {
                Ok(n) => line.extend_from_slice(&buf[..n]),
                Err(_) => fail(name, format_args!("qread failed")),
            }
        }
        let s = core::str::from_utf8(&line).unwrap_or("?");
        print!(
            "ktest uart: read {:?} ({} bytes by interrupt)\n",
            s.trim_end(),
            crate::uarti8250::NRECV.load(Ordering::Relaxed)
        );
        pass(name)
    });
    sched::schedinit()
}

fn getmxcsr() -> u32 {
    let mut v: u32 = 0;
    // SAFETY: stmxcsr stores MXCSR into v.
    unsafe { core::arch::asm!("stmxcsr [{}]", in(reg) &mut v, options(nostack)) };
    v
}

fn getfcw() -> u16 {
    let mut v: u16 = 0;
    // SAFETY: fnstcw stores the x87 control word into v.
    unsafe { core::arch::asm!("fnstcw [{}]", in(reg) &mut v, options(nostack)) };
    v
}

/// Each process has its own FPU state: a new one starts with fpinit's
/// control word 0x0232 and MXCSR 0x1900; a rounding mode one process sets
/// survives switches to others that set different ones.
fn fputest() -> ! {
    struct S {
        bad: AtomicU32,
        init: AtomicU32,
        done: Rendez,
        ndone: AtomicU32,
    }
    let s: &'static S = Box::leak(Box::new(S {
        bad: AtomicU32::new(0),
        init: AtomicU32::new(0),
        done: Rendez::default(),
        ndone: AtomicU32::new(0),
    }));
    const N: u32 = 8;
    for k in 0..N {
        sched::kproc("fp", move || {
            let fresh = crate::fpu::FPsave::new();
            if getmxcsr() != fresh.mxcsr() || getfcw() != fresh.fcw() {
                s.init.fetch_add(1, Ordering::SeqCst);
            }
            // Rounding control (bits 13-14) differs between processes.
            let mine = 0x1900 | (k & 3) << 13 | (k >> 2) << 6;
            // SAFETY: loading a valid MXCSR value (masks and rounding).
            unsafe { core::arch::asm!("ldmxcsr [{}]", in(reg) &mine, options(nostack)) };
            for _ in 0..200 {
                sched::yield_();
                if getmxcsr() & 0xffc0 != mine & 0xffc0 {
                    s.bad.fetch_add(1, Ordering::SeqCst);
                }
            }
            s.ndone.fetch_add(1, Ordering::SeqCst);
            sched::wakeup(&s.done);
        });
    }
    sched::kproc("ktest", move || {
        let name = "fpu";
        let n = waitdone(&s.done, &s.ndone, N, 30);
        check!(name, n == N, "{} of {} finished", n, N);
        print!(
            "ktest fpu: {} processes, {} started wrong, {} lost their MXCSR, switches {}\n",
            N,
            s.init.load(Ordering::SeqCst),
            s.bad.load(Ordering::SeqCst),
            sched::NSWITCH.load(Ordering::Relaxed)
        );
        check!(
            name,
            s.init.load(Ordering::SeqCst) == 0,
            "initial FPU state not fpinit's"
        );
        check!(
            name,
            s.bad.load(Ordering::SeqCst) == 0,
            "MXCSR lost across switches"
        );
        pass(name)
    });
    sched::schedinit()
}

/// Batches per measurement in `bench`; the median is reported.
const BENCHBATCH: usize = 7;
/// `sched` calls per kproc in one batch of the switch measurement.
const BENCHYIELD: u64 = 2000;
/// Round trips in one batch of the sleep/wakeup measurement.
const BENCHRT: u64 = 1000;

/// fastticks to nanoseconds.
fn fast2ns(t: u64) -> u64 {
    (t as u128 * 1_000_000_000 / clock::fasthz() as u128) as u64
}

/// The median, smallest and largest of `v`.
fn median(v: &mut [u64]) -> (u64, u64, u64) {
    v.sort_unstable();
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

/// The running processor's number.
fn machno() -> usize {
    let s = l::splhi();
    let n = crate::dat::m().machno;
    l::splx(s);
    n
}

/// A measurement of the scheduler, in a stable format, under whatever
/// processors the kernel was booted with (medians of [`BENCHBATCH`]
/// batches, timed with `fastticks`):
///
/// - `bench switch`: two kernel processes each call `sched` BENCHYIELD
///   times; the wall time of the batch over the 2·BENCHYIELD calls. On
///   one processor every call is a switch to the other process. On
///   several the two may run at once on different processors, so the
///   figure is the time per `sched` call over both (a process's trip
///   through its processor's scheduler and back); the line counts the
///   switches and how many resumed a process on another processor.
/// - `bench sleepwakeup`: two kernel processes take turns, each waking
///   the other and sleeping until its turn (the `kproc` test's
///   ping-pong); the wall time of a batch over its BENCHRT round trips.
///   The line counts the wake-ups that ran the sleeper on a different
///   processor from its waker.
///
/// No thresholds: the test checks that the numbers are there and sane.
fn bench() -> ! {
    struct S {
        /// Batch start, set by the first of the pair to run (0: unset).
        t0: AtomicU64,
        /// Batch end, set by the last to finish.
        t1: AtomicU64,
        turn: AtomicU32,
        /// The processor of the last waker.
        waker: AtomicUsize,
        cross: AtomicU64,
        moved: AtomicU64,
        ra: Rendez,
        rb: Rendez,
        done: Rendez,
        ndone: AtomicU32,
    }
    let s: &'static S = Box::leak(Box::new(S {
        t0: AtomicU64::new(0),
        t1: AtomicU64::new(0),
        turn: AtomicU32::new(0),
        waker: AtomicUsize::new(0),
        cross: AtomicU64::new(0),
        moved: AtomicU64::new(0),
        ra: Rendez::default(),
        rb: Rendez::default(),
        done: Rendez::default(),
        ndone: AtomicU32::new(0),
    }));
    fn start(s: &S) {
        let _ = s
            .t0
            .compare_exchange(0, clock::fastticks(), Ordering::SeqCst, Ordering::SeqCst);
    }
    fn finish(s: &S) {
        s.t1.store(clock::fastticks(), Ordering::SeqCst);
        s.ndone.fetch_add(1, Ordering::SeqCst);
        sched::wakeup(&s.done);
    }
    fn reset(s: &S) {
        s.t0.store(0, Ordering::SeqCst);
        s.t1.store(0, Ordering::SeqCst);
        s.turn.store(0, Ordering::SeqCst);
        s.ndone.store(0, Ordering::SeqCst);
    }
    sched::kproc("ktest", move || {
        let name = "bench";
        let ncpu = crate::dat::nmach();
        print!("bench: {} cpus, fastticks at {} Hz\n", ncpu, clock::fasthz());

        let mut sw = [0u64; BENCHBATCH];
        let sw0 = sched::NSWITCH.load(Ordering::Relaxed);
        for b in sw.iter_mut() {
            reset(s);
            for _ in 0..2 {
                sched::kproc("yielder", move || {
                    start(s);
                    let mut last = machno();
                    for _ in 0..BENCHYIELD {
                        sched::sched();
                        let now = machno();
                        if now != last {
                            s.moved.fetch_add(1, Ordering::Relaxed);
                        }
                        last = now;
                    }
                    finish(s);
                });
            }
            let n = waitdone(&s.done, &s.ndone, 2, 30);
            check!(name, n == 2, "switch: {} of 2 kprocs finished", n);
            let t = s.t1.load(Ordering::SeqCst) - s.t0.load(Ordering::SeqCst);
            *b = fast2ns(t) / (2 * BENCHYIELD);
        }
        let nsw = sched::NSWITCH.load(Ordering::Relaxed) - sw0;
        let (med, lo, hi) = median(&mut sw);
        print!(
            "bench switch: {} cpus, {} batches of 2x{} sched: median {} ns/switch, min {} max {}, {} switches, {} moved cpu\n",
            ncpu,
            BENCHBATCH,
            BENCHYIELD,
            med,
            lo,
            hi,
            nsw,
            s.moved.load(Ordering::Relaxed)
        );
        check!(name, lo > 0, "a switch took no time");
        check!(
            name,
            nsw >= (BENCHBATCH as u64) * 2 * BENCHYIELD,
            "{} switches for {} sched calls",
            nsw,
            BENCHBATCH as u64 * 2 * BENCHYIELD
        );

        let mut rt = [0u64; BENCHBATCH];
        for b in rt.iter_mut() {
            reset(s);
            sched::kproc("ping", move || {
                start(s);
                for _ in 0..BENCHRT {
                    turnwait(&s.ra, &s.turn, 0);
                    s.waker.store(machno(), Ordering::SeqCst);
                    s.turn.store(1, Ordering::SeqCst);
                    sched::wakeup(&s.rb);
                }
                // Wait for the last answer: a round trip is there and back.
                turnwait(&s.ra, &s.turn, 0);
                finish(s);
            });
            sched::kproc("pong", move || {
                for _ in 0..BENCHRT {
                    turnwait(&s.rb, &s.turn, 1);
                    if s.waker.load(Ordering::SeqCst) != machno() {
                        s.cross.fetch_add(1, Ordering::Relaxed);
                    }
                    s.turn.store(0, Ordering::SeqCst);
                    sched::wakeup(&s.ra);
                }
                s.ndone.fetch_add(1, Ordering::SeqCst);
                sched::wakeup(&s.done);
            });
            let n = waitdone(&s.done, &s.ndone, 2, 30);
            check!(name, n == 2, "sleepwakeup: {} of 2 kprocs finished", n);
            let t = s.t1.load(Ordering::SeqCst) - s.t0.load(Ordering::SeqCst);
            *b = fast2ns(t) / BENCHRT;
        }
        let (med, lo, hi) = median(&mut rt);
        print!(
            "bench sleepwakeup: {} cpus, {} batches of {} round trips: median {} ns/roundtrip, min {} max {}, {} of {} wakeups cross-cpu\n",
            ncpu,
            BENCHBATCH,
            BENCHRT,
            med,
            lo,
            hi,
            s.cross.load(Ordering::Relaxed),
            BENCHBATCH as u64 * BENCHRT
        );
        check!(name, lo > 0, "a round trip took no time");
        pass(name)
    });
    sched::schedinit()
}

// The user programs of `ktest=user`, assembled into the kernel's
// read-only data and copied into a user page at UTZERO: position
// independent, 9front's amd64 system call convention (number in RBP,
// arguments in 8-byte slots above the return address on the stack,
// SYSCALL). Each has a start label, a `_trap` label at the instruction
// that traps (if any), and an `_end` label.
core::arch::global_asm!(
    ".pushsection .rodata.uprogs, \"a\"",
    // pwrite(1, "hello from user space\n", 22, -1); exits(nil), or
    // exits("bad pwrite") if pwrite did not return 22.
    ".globl uhello",
    "uhello:",
    "    subq $48, %rsp",
    "    movq $1, 8(%rsp)",
    "    leaq uhello_msg(%rip), %rax",
    "    movq %rax, 16(%rsp)",
    "    movq $22, 24(%rsp)",
    "    movq $-1, 32(%rsp)",
    "    movl ${pwrite}, %ebp",
    "    syscall",
    "    leaq uhello_bad(%rip), %rcx",
    "    xorl %edx, %edx",
    "    cmpq $22, %rax",
    "    cmovneq %rcx, %rdx",
    "    movq %rdx, 8(%rsp)",
    "    movl ${exits}, %ebp",
    "    syscall",
    "    int3",
    "uhello_msg:",
    "    .ascii \"hello from user space\\n\"",
    "uhello_bad:",
    "    .asciz \"bad pwrite\"",
    ".globl uhello_end",
    "uhello_end:",
    // Read address 0, which no segment holds.
    ".globl ufault",
    "ufault:",
    "    nop",
    ".globl ufault_trap",
    "ufault_trap:",
    "    movq 0, %rax",
    "    int3",
    ".globl ufault_end",
    "ufault_end:",
    // Divide by zero.
    ".globl udivide",
    "udivide:",
    "    xorl %ecx, %ecx",
    "    movl $1, %eax",
    "    xorl %edx, %edx",
    ".globl udivide_trap",
    "udivide_trap:",
    "    divl %ecx",
    "    int3",
    ".globl udivide_end",
    "udivide_end:",
    // A breakpoint.
    ".globl ubpt",
    "ubpt:",
    "    nop",
    "    nop",
    ".globl ubpt_trap",
    "ubpt_trap:",
    "    int3",
    "    nop",
    ".globl ubpt_end",
    "ubpt_end:",
    // A system call that does not exist.
    ".globl ubadcall",
    "ubadcall:",
    "    subq $48, %rsp",
    "    movl $9999, %ebp",
    "    syscall",
    ".globl ubadcall_trap",
    "ubadcall_trap:",
    "    int3",
    ".globl ubadcall_end",
    "ubadcall_end:",
    // pwrite from an address outside every segment.
    ".globl ubadaddr",
    "ubadaddr:",
    "    subq $48, %rsp",
    "    movq $1, 8(%rsp)",
    "    movq $16, 16(%rsp)",
    "    movq $5, 24(%rsp)",
    "    movq $-1, 32(%rsp)",
    "    movl ${pwrite}, %ebp",
    "    syscall",
    ".globl ubadaddr_trap",
    "ubadaddr_trap:",
    "    int3",
    ".globl ubadaddr_end",
    "ubadaddr_end:",
    ".popsection",
    pwrite = const crate::trap::PWRITE,
    exits = const crate::trap::EXITS,
    options(att_syntax),
);

extern "C" {
    static uhello: u8;
    static uhello_end: u8;
    static ufault: u8;
    static ufault_trap: u8;
    static ufault_end: u8;
    static udivide: u8;
    static udivide_trap: u8;
    static udivide_end: u8;
    static ubpt: u8;
    static ubpt_trap: u8;
    static ubpt_end: u8;
    static ubadcall: u8;
    static ubadcall_trap: u8;
    static ubadcall_end: u8;
    static ubadaddr: u8;
    static ubadaddr_trap: u8;
    static ubadaddr_end: u8;
}

/// A user program: its bytes and the offset of its trapping instruction.
fn uprog(start: *const u8, trap: *const u8, end: *const u8) -> (&'static [u8], u64) {
    // SAFETY: the labels delimit bytes of the kernel's read-only data
    // (the global_asm above), mapped and never written.
    let code = unsafe { core::slice::from_raw_parts(start, end as usize - start as usize) };
    (code, trap as u64 - start as u64)
}

/// Start a process that runs `code` in ring 3: a user address space
/// with the code in a one-page segment at UTZERO (a bss segment the
/// kernel writes the bytes into; there is no text image yet) and a
/// stack segment of USTKSIZE below USTKTOP, entered at UTZERO with the
/// stack pointer just below USTKTOP. Returns its pid.
fn userproc(name: &'static str, code: &'static [u8]) -> u32 {
    use crate::mem::{BY2PG, UDSEL, UESEL, USTKSIZE, USTKTOP, UTZERO};
    use crate::mmu::{Pmap, SEGS};
    use port::segment::{SegType, Segtab, BSEG, NSEG, SSEG};
    sched::kproc(name, move || {
        let mut tab: Segtab = [None; NSEG];
        {
            let mut segs = SEGS.ilock();
            tab[BSEG] = Some(
                segs.newseg(SegType::Bss as u32, UTZERO, 1)
                    .expect("newseg"),
            );
            tab[SSEG] = Some(
                segs.newseg(SegType::Stack as u32, USTKTOP - USTKSIZE, USTKSIZE / BY2PG)
                    .expect("newseg"),
            );
        }
        assert!(code.len() as u64 <= BY2PG);
        let s0 = l::splhi();
        // SAFETY: the running process, alive while it runs.
        let p = unsafe { &mut *sched::up() };
        p.pmap = Some(Box::new(Pmap::new().expect("pmap")));
        p.segtab = Some(tab);
        crate::mmu::mmuswitch(p);
        l::splx(s0);
        // SAFETY: UTZERO is in this process's bss segment, mapped (as a
        // zeroed page) by the fault handler on first touch.
        unsafe { core::ptr::copy_nonoverlapping(code.as_ptr(), UTZERO as *mut u8, code.len()) };
        let ureg = crate::trap::Ureg {
            pc: UTZERO,
            cs: UESEL as u64,
            flags: 0x200,
            sp: USTKTOP - 64,
            ss: UDSEL as u64,
            ..Default::default()
        };
        l::splhi();
        crate::fpu::fpinit();
        // SAFETY: ureg is on this process's kernel stack, which this
        // processor's TSS and m->kstack name (schedinit set them when it
        // switched here); the address space maps the code and the stack.
        unsafe { l::touser(&ureg) }
    })
}

/// User mode: processes run programs in ring 3 that make system calls
/// (pwrite to the console, exits) through SYSCALL, or trap; a trap
/// becomes a note, and with no note handler the process prints
/// `suicide: <note>` and exits with it, the kernel going on.
fn user() -> ! {
    sched::kproc("ktest", || {
        let name = "user";
        // SAFETY: taking the addresses of the program labels only.
        let progs = unsafe {
            [
                ("hello", uprog(&uhello, &uhello_end, &uhello_end)),
                ("fault", uprog(&ufault, &ufault_trap, &ufault_end)),
                ("divide", uprog(&udivide, &udivide_trap, &udivide_end)),
                ("bpt", uprog(&ubpt, &ubpt_trap, &ubpt_end)),
                ("badcall", uprog(&ubadcall, &ubadcall_trap, &ubadcall_end)),
                ("badaddr", uprog(&ubadaddr, &ubadaddr_trap, &ubadaddr_end)),
            ]
        };
        let free0 = crate::mmu::palloc().freecount();
        for (pname, (code, trapoff)) in progs {
            let pc = crate::mem::UTZERO + trapoff;
            print!("ktest user: {} trap pc {:#x}\n", pname, pc);
            let pid = userproc(pname, code);
            let st = match sched::pwait(pid, 30) {
                Some(st) => st,
                None => fail(name, format_args!("{} did not exit in 30 s", pname)),
            };
            print!("ktest user: {} pid {} exits '{}'\n", pname, pid, st);
            let want = match pname {
                "hello" => alloc::string::String::new(),
                "fault" => alloc::format!("sys: trap: fault read addr=0x0 pc={:#x}", pc),
                "divide" => alloc::format!("sys: trap: divide error pc={:#x}", pc),
                "bpt" => alloc::format!("sys: breakpoint pc={:#x}", pc),
                "badcall" => alloc::format!("sys: bad sys call pc={:#x}", pc),
                _ => alloc::format!("sys: bad address in syscall pc={:#x}", pc),
            };
            check!(name, st == want, "{} exits '{}', not '{}'", pname, st, want);
        }
        // Let the scheduler free the last one, then count the pages.
        for _ in 0..10 {
            sched::sched();
        }
        let free1 = crate::mmu::palloc().freecount();
        print!(
            "ktest user: {} programs, {} pages free before, {} after, {} cpus\n",
            progs.len(),
            free0,
            free1,
            crate::dat::nmach()
        );
        check!(name, free1 == free0, "{} pages free after, {} before", free1, free0);
        pass(name)
    });
    sched::schedinit()
}
