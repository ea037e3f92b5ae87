//! QEMU tests of the kernel core: traps, the clock and timers, xalloc
//! and the heap, kernel processes and locks. Each boots pc64 with a
//! `ktest=NAME` word (sys/src/9/pc64/ktest.rs) and checks what it prints
//! and how it powers off.

use std::time::Duration;

use qemu::status::Exit;
use qemu::{Guest, Options};

fn boot(test: &str) -> Guest {
    bootn(test, 1)
}

/// Boot `ktest=TEST` (and any more words) on `smp` processors.
fn bootn(test: &str, smp: u32) -> Guest {
    Guest::boot(&Options {
        append: format!("ktest={test}"),
        smp,
        timeout: Duration::from_secs(60),
        ..Options::default()
    })
    .unwrap()
}

#[test]
fn kernel_fault_dumps_registers_and_panics() {
    // pc64/trap.c: a kernel page fault with no process is fatal; dumpregs
    // prints the Ureg (16-digit upper-case hex, 9front's layout) and the
    // control registers, CR2 holding the faulting address; then panic.
    let mut g = boot("fault");
    g.expect("ktest fault: reading 0x8000000000").unwrap();
    g.expect("cpu0: registers for kernel").unwrap();
    g.expect_re(r"  AX [0-9A-F]{16}  BX [0-9A-F]{16}  CX [0-9A-F]{16}\r?\n")
        .unwrap();
    g.expect_re(r"  DX [0-9A-F]{16}  SI [0-9A-F]{16}  DI [0-9A-F]{16}\r?\n")
        .unwrap();
    g.expect_re(r"  BP [0-9A-F]{16}  R8 [0-9A-F]{16}  R9 [0-9A-F]{16}\r?\n")
        .unwrap();
    g.expect_re(r" R10 [0-9A-F]{16} R11 [0-9A-F]{16} R12 [0-9A-F]{16}\r?\n")
        .unwrap();
    g.expect_re(r" R13 [0-9A-F]{16} R14 [0-9A-F]{16} R15 [0-9A-F]{16}\r?\n")
        .unwrap();
    let pc = g
        .expect_re(r"  CS 0008   SS [0-9A-F]{4}    PC (FFFFFFFF8[0-9A-F]{7})  SP [0-9A-F]{16}\r?\n")
        .unwrap();
    g.expect_re(r"TYPE 0E  ERROR 0000 FLAGS [0-9A-F]{8}\r?\n")
        .unwrap();
    g.expect_re(r" CR0 [0-9a-f]{8} CR2 0000008000000000 CR3 [0-9a-f]{16}")
        .unwrap();
    g.expect_re(r"  ur 0x[0-9a-f]+ up 0x0\r?\n").unwrap();
    let p = g
        .expect_re(r"panic: kernel fault: no user process pc=0x([0-9a-f]+) addr=0x8000000000")
        .unwrap();
    assert_eq!(p[1].to_uppercase(), pc[1], "panic names the dumped PC");
    assert_eq!(g.wait().unwrap(), Exit::Panic);
}

#[test]
fn timers_fire_in_order_within_a_tick() {
    // Lateness is measured in guest time. Under plain TCG the guest's TSC
    // and PIT follow the host's clock, so a loaded host that deschedules
    // QEMU makes timers look late; with -icount the guest's clocks follow
    // the instructions it executes, and a tick is a tick.
    let mut g = Guest::boot(&Options {
        append: "ktest=timers".into(),
        timeout: Duration::from_secs(30),
        qemu_args: vec!["-icount".into(), "shift=4,sleep=off".into()],
        ..Options::default()
    })
    .unwrap();
    for i in 0..8 {
        let late = g.expect_re(&format!(r"timer {i}: (\d+) µs late")).unwrap();
        let us: u64 = late[1].parse().unwrap();
        assert!(
            us <= 10_000,
            "timer {i} {us} µs late, over one tick (HZ=100)"
        );
    }
    g.expect("ktest timers: ok").unwrap();
    g.expect_poweroff().unwrap();
}

#[test]
fn alloc_stress_returns_every_byte() {
    let mut g = boot("alloc");
    // port/alloc.c's poolsummary line, after every block was freed.
    let s = g
        .expect_re(r"Main max (\d+) cur (\d+) free (\d+) alloc (\d+)\r?\n")
        .unwrap();
    let (cur, free, alloc): (u64, u64, u64) = (
        s[2].parse().unwrap(),
        s[3].parse().unwrap(),
        s[4].parse().unwrap(),
    );
    assert_eq!(cur, free + alloc);
    // What remains is what the kernel held before the test (the ktest
    // checks that exactly that much is allocated again): mostly the
    // user page pool's table, a Page per 4 KiB of user memory.
    assert!(
        alloc < 16 << 20,
        "only the kernel's own blocks remain: {alloc}"
    );
    // xsummary: holes free, the holes, the total.
    g.expect_re(r"\d+ holes free").unwrap();
    g.expect_re(r"0x[0-9a-f]{8} 0x[0-9a-f]{8} \d+").unwrap();
    g.expect_re(r"\d+ bytes free").unwrap();
    g.expect("ktest alloc: ok").unwrap();
    g.expect_poweroff().unwrap();
}

#[test]
fn kprocs_sleep_wakeup_and_qlock() {
    let mut g = boot("kproc");
    let c = g
        .expect_re(r"ktest kproc: (\d+) ping-pongs, (\d+) qlocks \((\d+) contended\), tsleep 50ms = (\d+) ticks, qio (\d+) bytes")
        .unwrap();
    assert_eq!(c[1], "1600");
    assert_eq!(c[2], "800", "the counter under the QLock lost no update");
    assert!(c[3].parse::<u32>().unwrap() > 0);
    let t: u32 = c[4].parse().unwrap();
    assert!((5..=7).contains(&t), "tsleep(50ms) took {t} ticks");
    // port::qio's Queue on the kernel's Sched: 64 KiB through a 512-byte
    // limit, in order.
    assert_eq!(c[5], "65536");
    g.expect("ktest kproc: ok").unwrap();
    g.expect_poweroff().unwrap();
}

#[test]
fn kmesg_keeps_the_console_output() {
    // devcons.c's kmesg: everything printed since boot, banner first.
    let mut g = boot("kmesg");
    g.expect("ktest kmesg: ok").unwrap();
    g.expect_poweroff().unwrap();
}

#[test]
fn unknown_ktest_fails() {
    let mut g = boot("nosuch");
    g.expect("ktest nosuch: no such test").unwrap();
    assert_eq!(g.wait().unwrap(), Exit::Guest(1));
}

#[test]
fn smp_every_processor_runs_processes() {
    // pc/mp.c's mpinit starts every enabled processor of the MADT
    // (archacpi.c); each enters the scheduler (squidboy.c) and runs
    // processes from the run queue.
    for n in [1u32, 4] {
        let mut g = bootn("smp", n);
        g.expect(&format!("{n} cpus")).unwrap();
        let c = g
            .expect_re(r"ktest smp: (\d+) cpus, processes ran on (\d+) \((0x[0-9a-f]+)\)")
            .unwrap();
        assert_eq!(c[1], n.to_string());
        assert_eq!(c[2], n.to_string(), "processes ran on {} of {n}", c[3]);
        g.expect("ktest smp: ok").unwrap();
        g.expect_poweroff().unwrap();
    }
}

#[test]
fn smp_lapic_clock_and_ioapic_from_acpi() {
    // archacpi.c's acpiinit maps the local APIC named by the MADT
    // (QEMU's at 0xFEE00000) and apic.c's lapictimerinit prints the
    // calibrated clock.
    let mut g = bootn("smp", 4);
    g.expect("LAPIC: fee00000 0x").unwrap();
    g.expect_re(r"cpu0: lapic clock at \d+MHz").unwrap();
    g.expect("4 cpus").unwrap();
    g.expect_poweroff().unwrap();
}

#[test]
fn smp_acpi_off_uses_the_i8259_and_one_processor() {
    // archacpi.c's identify: *acpi=0 leaves the PC to the i8259 and
    // the i8253 clock; with no MADT there is one processor.
    let mut g = Guest::boot(&Options {
        append: "ktest=kproc *acpi=0".into(),
        smp: 4,
        timeout: Duration::from_secs(60),
        ..Options::default()
    })
    .unwrap();
    g.expect("1 cpus").unwrap();
    g.expect("ktest kproc: ok").unwrap();
    assert!(!g.transcript().contains("LAPIC:"));
    g.expect_poweroff().unwrap();
}

#[test]
fn smp_ncpu_limits_the_processors_started() {
    // mp.c: *ncpu=N starts at most N processors.
    let mut g = Guest::boot(&Options {
        append: "ktest=smp *ncpu=2".into(),
        smp: 4,
        timeout: Duration::from_secs(60),
        ..Options::default()
    })
    .unwrap();
    g.expect("2 cpus").unwrap();
    g.expect("ktest smp: ok").unwrap();
    g.expect_poweroff().unwrap();
}

#[test]
fn thousand_kprocs_ping_pong_and_hand_off() {
    for n in [1u32, 4] {
        let mut g = bootn("pingpong", n);
        let c = g
            .expect_re(r"ktest pingpong: (\d+) processes, (\d+) ping-pongs, (\d+) exchanges, (\d+) cpus, (\d+) processes left")
            .unwrap();
        assert_eq!(c[1], "1000");
        assert_eq!(c[2], "20000", "250 pairs, 40 rounds each way");
        assert_eq!(c[3], "20000");
        assert_eq!(c[4], n.to_string());
        assert_eq!(
            c[5], "1",
            "every process but the checker exited and was freed"
        );
        g.expect("ktest pingpong: ok").unwrap();
        g.expect_poweroff().unwrap();
    }
}

#[test]
fn qlock_and_rwlock_keep_mutual_exclusion() {
    // qlock.c: qlock excludes; RWlock lets readers share and writers
    // exclude everyone. The counters are read and written without atomic
    // increments, with a yield between, so a second holder would lose an
    // update.
    for n in [1u32, 4] {
        let mut g = bootn("locks", n);
        let c = g
            .expect_re(r"ktest locks: qlock (\d+) of (\d+), wlock (\d+) of (\d+), rlock (\d+) of (\d+), max readers (\d+), violations (\d+), (\d+) cpus")
            .unwrap();
        assert_eq!(c[1], c[2]);
        assert_eq!(c[3], c[4]);
        assert_eq!(c[5], c[6]);
        assert!(c[7].parse::<u32>().unwrap() > 1, "readers shared the lock");
        assert_eq!(c[8], "0");
        assert_eq!(c[9], n.to_string());
        g.expect("ktest locks: ok").unwrap();
        g.expect_poweroff().unwrap();
    }
}

#[test]
fn timers_fire_in_order_within_a_tick_smp() {
    // portclock.c on the local APIC timer (apic.c's lapictimerset).
    // In guest time, as the one-processor test: -icount makes the guest's
    // clocks follow its instructions, not the loaded host's clock.
    let mut g = Guest::boot(&Options {
        append: "ktest=timers".into(),
        smp: 4,
        timeout: Duration::from_secs(60),
        qemu_args: vec!["-icount".into(), "shift=4,sleep=off".into()],
        ..Options::default()
    })
    .unwrap();
    for i in 0..8 {
        let late = g.expect_re(&format!(r"timer {i}: (\d+) µs late")).unwrap();
        let us: u64 = late[1].parse().unwrap();
        assert!(us <= 10_000, "timer {i} {us} µs late, over one tick");
    }
    g.expect("ktest timers: ok").unwrap();
    g.expect_poweroff().unwrap();
}

#[test]
fn kernel_fault_in_a_process_dumps_registers_smp() {
    // trap.c: a fault in a kernel process names the processor and the
    // process in dumpregs, then panics "fault: read addr=".
    let mut g = bootn("kfault", 4);
    g.expect("ktest kfault: reading 0x8000000000").unwrap();
    g.expect_re(r"cpu[0-3]: registers for faulter \d+").unwrap();
    g.expect_re(r"TYPE 0E  ERROR 0000 FLAGS [0-9A-F]{8}")
        .unwrap();
    g.expect_re(r"CR2 0000008000000000").unwrap();
    g.expect("panic: fault: read addr=0x8000000000").unwrap();
    assert_eq!(g.wait().unwrap(), Exit::Panic);
}

#[test]
fn twenty_boots_without_deadlock_or_panic() {
    // A mix of one and four processors and of workloads, in parallel.
    // (Workloads whose checks do not depend on the host giving QEMU
    // time promptly: twenty guests share the build machine.)
    let tests = ["smp", "locks", "pingpong"];
    // Five guests at a time: the build machines have two cores, and
    // twenty TCG guests at once starve each other for minutes.
    let mut results = Vec::new();
    for batch in (0..20).collect::<Vec<usize>>().chunks(5) {
        let handles: Vec<_> = batch
            .iter()
            .map(|&i| {
                let test = tests[i % tests.len()];
                let smp = if i % 2 == 0 { 4 } else { 1 };
                std::thread::spawn(move || {
                    let mut g = bootn(test, smp);
                    let r = g.expect(&format!("ktest {test}: ok"));
                    let t = g.transcript();
                    (i, test, smp, r.is_ok() && !t.contains("panic"), t, g.wait())
                })
            })
            .collect();
        results.extend(handles.into_iter().map(|h| h.join().unwrap()));
    }
    for (i, test, smp, ok, t, w) in results {
        assert!(ok, "boot {i} ({test}, smp {smp}) failed:\n{t}");
        assert_eq!(w.unwrap(), Exit::Guest(0), "boot {i} ({test}, smp {smp})");
    }
}

#[test]
fn page_stress_returns_every_page() {
    // page.c: newpage waits while memory is short (a hog holds all but
    // the high-water mark) and putpage gives every page back.
    for n in [1u32, 4] {
        let mut g = bootn("page", n);
        g.expect_re(r"(\d+)M memory: (\d+)M kernel data, (\d+)M user, 0M swap")
            .unwrap();
        let c = g
            .expect_re(r"ktest page: (\d+) user pages, (\d+) free before, (\d+) after, hog held (\d+), newpage waited (\d+) times, (\d+) bad pages")
            .unwrap();
        assert_eq!(c[2], c[3], "every page returned");
        assert!(c[5].parse::<u32>().unwrap() > 0, "newpage waited");
        assert_eq!(c[6], "0");
        g.expect("ktest page: ok").unwrap();
        g.expect_poweroff().unwrap();
    }
}

#[test]
fn address_space_demand_zero_and_copy_on_write() {
    // fault.c/segment.c: bss pages are zero on first touch; after dupseg
    // the child reads the parent's values and its writes are its own; with
    // several processors (conf.copymode) a read copies at once, so there
    // are fewer faults.
    let mut faults = Vec::new();
    for n in [1u32, 4] {
        let mut g = bootn("vm", n);
        let c = g
            .expect_re(r"ktest vm: (\d+) pages touched, (\d+) faults first, (\d+) faults in all, (\d+) free before, (\d+) after, (\d+) cpus")
            .unwrap();
        assert_eq!(c[1], "65");
        assert_eq!(c[4], c[5], "every page returned");
        assert_eq!(c[6], n.to_string());
        faults.push(c[2].parse::<u32>().unwrap());
        g.expect("ktest vm: ok").unwrap();
        g.expect_poweroff().unwrap();
    }
    // One processor: a read maps read-only, the write faults again.
    assert_eq!(faults, vec![129, 65]);
}

#[test]
fn time_of_day_from_the_cmos_clock() {
    // devrtc.c's rtctime (QEMU's clock follows the host's UTC) and
    // tod.c's todget/seconds.
    let mut g = bootn("tod", 1);
    let c = g
        .expect_re(r"ktest tod: rtc (\d+) seconds (\d+) todget advanced (\d+) ms in 200 ms")
        .unwrap();
    let host = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let rtc: u64 = c[1].parse().unwrap();
    assert!(rtc.abs_diff(host) <= 5, "guest clock {rtc}, host {host}");
    assert!(c[2].parse::<u64>().unwrap().abs_diff(rtc) <= 2);
    g.expect("ktest tod: ok").unwrap();
    g.expect_poweroff().unwrap();
}

#[test]
fn random_generator_is_seeded_and_varies() {
    // random.c: seeded from timer jitter, so two boots give different
    // bytes; each read its own key stream.
    let mut firsts = Vec::new();
    for n in [1u32, 4] {
        let mut g = bootn("random", n);
        let c = g
            .expect_re(r"ktest random: seeded in (\d+) ticks, (\d+) of 4096 bits set, first bytes ([0-9a-f]{8})")
            .unwrap();
        firsts.push(c[3].clone());
        g.expect("ktest random: ok").unwrap();
        g.expect_poweroff().unwrap();
    }
    assert_ne!(firsts[0], firsts[1], "two boots, the same random bytes");
}

#[test]
fn console_input_by_interrupt() {
    // uarti8250.c: the receive interrupt (IRQ 4, routed through the I/O
    // APIC with four processors, the i8259 with *acpi=0) puts bytes in
    // the input queue a process reads.
    for (smp, extra) in [(4u32, ""), (1, " *acpi=0")] {
        let mut g = Guest::boot(&Options {
            append: format!("ktest=uart{extra}"),
            smp,
            timeout: Duration::from_secs(60),
            ..Options::default()
        })
        .unwrap();
        g.expect("ktest uart: ready").unwrap();
        g.send("hello, planten\n").unwrap();
        let c = g
            .expect_re(r#"ktest uart: read "hello, planten" \((\d+) bytes by interrupt\)"#)
            .unwrap();
        assert!(c[1].parse::<u32>().unwrap() >= 15);
        g.expect("ktest uart: ok").unwrap();
        g.expect_poweroff().unwrap();
    }
}

#[test]
fn fpu_state_is_per_process() {
    // fpu.c: a new process starts with fpinit's state (control word
    // 0x0232, MXCSR 0x1900) and keeps its own across switches.
    for n in [1u32, 4] {
        let mut g = bootn("fpu", n);
        let c = g
            .expect_re(r"ktest fpu: (\d+) processes, (\d+) started wrong, (\d+) lost their MXCSR")
            .unwrap();
        assert_eq!((&c[2][..], &c[3][..]), ("0", "0"));
        g.expect("ktest fpu: ok").unwrap();
        g.expect_poweroff().unwrap();
    }
}

#[test]
fn bench_switch_and_sleep_wakeup() {
    bench(1);
}

// With four processors. This once failed about one boot in six: the
// bench's ping/pong took a wakeup for its turn without looking at the
// turn again (sleep(9) makes no such promise; a stale wakeup of the
// previous round can come), so one side ran ahead and the other slept
// for good. The kernel was right; the bench now looks again.
#[test]
fn bench_switch_and_sleep_wakeup_smp() {
    bench(4);
}

fn bench(n: u32) {
    // ktest.rs's bench: medians of context-switch and sleep/wakeup
    // round-trip times, on one processor and on four. No thresholds
    // (TCG's speed depends on the host): the lines must be there, with
    // every count right and the times ordered and non-zero.
    {
        let mut g = bootn("bench", n);
        let c = g
            .expect_re(r"bench switch: (\d+) cpus, 7 batches of 2x2000 sched: median (\d+) ns/switch, min (\d+) max (\d+), (\d+) switches, (\d+) moved cpu\r?\n")
            .unwrap();
        let v: Vec<u64> = (1..=6).map(|i| c[i].parse().unwrap()).collect();
        assert_eq!(v[0], n as u64);
        assert!(v[2] > 0 && v[2] <= v[1] && v[1] <= v[3], "min <= median <= max: {v:?}");
        assert!(v[3] < 1_000_000_000, "a switch under a second: {v:?}");
        assert!(v[4] >= 7 * 2 * 2000, "every sched call switched: {v:?}");
        if n == 1 {
            assert_eq!(v[5], 0, "one processor: nothing moves");
        }
        let c = g
            .expect_re(r"bench sleepwakeup: (\d+) cpus, 7 batches of 1000 round trips: median (\d+) ns/roundtrip, min (\d+) max (\d+), (\d+) of 7000 wakeups cross-cpu\r?\n")
            .unwrap();
        let v: Vec<u64> = (1..=5).map(|i| c[i].parse().unwrap()).collect();
        assert_eq!(v[0], n as u64);
        assert!(v[2] > 0 && v[2] <= v[1] && v[1] <= v[3], "min <= median <= max: {v:?}");
        assert!(v[3] < 1_000_000_000, "a round trip under a second: {v:?}");
        if n == 1 {
            assert_eq!(v[4], 0, "one processor: no wakeup crosses");
        }
        g.expect("ktest bench: ok").unwrap();
        g.expect_poweroff().unwrap();
    }
}

#[test]
fn user_mode_syscalls_and_traps_as_notes() {
    // Ring 3 through pc64/l.s's syscallentry (number in RBP, arguments
    // on the user stack above the return address) to pwrite and exits;
    // traps become trap.c's notes (usertrap's "sys: trap: %s" with
    // excname, faultnote's "sys: trap: fault read addr=%#p", debugbpt's
    // "sys: breakpoint" at the int3's pc, syscall's "sys: bad sys call",
    // validaddr's "sys: bad address in syscall"); popnote appends
    // " pc=%#p" to sys: notes and, with no handler, the process prints
    // "suicide: <note>" and exits with the note. The kernel goes on.
    for n in [1u32, 4] {
        let mut g = bootn("user", n);
        g.expect_re(r"hello from user space\r?\n").unwrap();
        let c = g.expect_re(r"ktest user: hello pid (\d+) exits '([^\r\n]*)'\r?\n").unwrap();
        assert_eq!(c[2], "", "exits(nil)");
        let cases = [
            ("fault", "sys: trap: fault read addr=0x0"),
            ("divide", "sys: trap: divide error"),
            ("bpt", "sys: breakpoint"),
            ("badcall", "sys: bad sys call"),
            ("badaddr", "sys: bad address in syscall"),
        ];
        for (prog, note) in cases {
            let pc = g
                .expect_re(&format!(r"ktest user: {prog} trap pc (0x2[0-9a-f]{{5}})\r?\n"))
                .unwrap();
            let pc = &pc[1];
            if prog == "badaddr" {
                g.expect_re(&format!(
                    r"{prog} \d+: suicide: invalid address 0x10/5 in sys call pc={pc}\r?\n"
                ))
                .unwrap();
            }
            let want = format!("{note} pc={pc}");
            let s = g
                .expect_re(&format!(r"{prog} (\d+): suicide: ([^\r\n]*)\r?\n"))
                .unwrap();
            assert_eq!(s[2], want);
            let e = g
                .expect_re(&format!(r"ktest user: {prog} pid (\d+) exits '([^\r\n]*)'\r?\n"))
                .unwrap();
            assert_eq!(e[1], s[1], "the suicide line names the process");
            assert_eq!(e[2], want, "the exit status is the note");
        }
        let c = g
            .expect_re(r"ktest user: (\d+) programs, (\d+) pages free before, (\d+) after, (\d+) cpus")
            .unwrap();
        assert_eq!(c[2], c[3], "every page returned");
        assert_eq!(c[4], n.to_string());
        g.expect("ktest user: ok").unwrap();
        g.expect_poweroff().unwrap();
    }
}

#[test]
fn priorities_age_with_cpu_use_and_load() {
    // port/proc.c: accounttime's load average counts running and ready
    // processes; reprioritize gives a process its fair share over its CPU
    // use, capped at its base: busy processes sink below PRINORMAL (10),
    // one that mostly sleeps stays above them.
    for n in [1u32, 4] {
        let mut g = bootn("aging", n);
        let c = g
            .expect_re(r"ktest aging: (\d+) cpus, (\d+) busy: load (\d+), busy priority (\d+), sleeper priority (\d+)\r?\n")
            .unwrap();
        let v: Vec<u64> = (1..=5).map(|i| c[i].parse().unwrap()).collect();
        assert_eq!(v[0], n as u64);
        assert_eq!(v[1], 2 * n as u64, "twice as many busy as processors");
        assert!(v[2] >= v[1] * 750, "load {} for {} busy", v[2], v[1]);
        assert!(v[3] < 10 && v[4] > v[3], "priorities {v:?}");
        g.expect("ktest aging: ok").unwrap();
        g.expect_poweroff().unwrap();
    }
}
