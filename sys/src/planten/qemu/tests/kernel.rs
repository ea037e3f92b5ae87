//! QEMU tests of the kernel core: traps, the clock and timers, xalloc
//! and the heap, kernel processes and locks. Each boots pc64 with a
//! `ktest=NAME` word (sys/src/9/pc64/ktest.rs) and checks what it prints
//! and how it powers off.

use std::time::Duration;

use qemu::status::Exit;
use qemu::{Guest, Options};

fn boot(test: &str) -> Guest {
    Guest::boot(&Options {
        append: format!("ktest={test}"),
        timeout: Duration::from_secs(30),
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
        .expect_re(r"Main max (\d+) cur (\d+) free (\d+) alloc (\d+)")
        .unwrap();
    let (cur, free, alloc): (u64, u64, u64) = (
        s[2].parse().unwrap(),
        s[3].parse().unwrap(),
        s[4].parse().unwrap(),
    );
    assert_eq!(cur, free + alloc);
    assert!(
        alloc < 4096,
        "only the kernel's own few blocks remain: {alloc}"
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
