//! The system-call fuzzer in the boot image (sys/src/planten/sysfuzz):
//! random calls with random and hostile arguments (bad pointers, huge
//! counts, bad descriptors, junk 9P from a pipe mounted as a server)
//! from user space, on two processors. The kernel must not panic: the
//! fuzzer's summary line comes out, with calls made, and the guest powers
//! off with rc's status. A short run here; `cargo boot --smp 4 -c
//! 'sysfuzz -s 300'` is the long one.

use std::time::Duration;

use qemu::{Guest, Options};

#[test]
fn random_system_calls_do_not_panic_the_kernel() {
    let mut g = Guest::boot(&Options {
        append: format!("rcmd={}", qemu::cmdline::encode("sysfuzz -s 15")),
        smp: 2,
        timeout: Duration::from_secs(120),
        ..Options::default()
    })
    .unwrap();
    let c = g
        .expect_re(r"sysfuzz: (\d+) calls, (\d+) workers, (\d+) killed \((\d+) stuck\), (\d+) s\r?\n")
        .unwrap();
    let calls: u64 = c[1].parse().unwrap();
    let workers: u64 = c[2].parse().unwrap();
    assert!(calls >= 1000 && workers >= 1, "{c:?}");
    g.expect_poweroff().unwrap();
    assert!(!g.transcript().contains("panic"), "{}", g.transcript());
}
