//! The system-call benchmark in the boot image (sys/src/planten/sysbench)
//! runs and prints its four figures: a null call, a one-byte pipe round
//! trip, pipe throughput with 8 KiB writes, and fork+exec+await. No
//! thresholds (TCG's speed depends on the host): each figure must be
//! there and positive. `cargo boot -c sysbench` prints them for the record.

use std::time::Duration;

use qemu::{Guest, Options};

#[test]
fn sysbench_prints_its_figures() {
    let mut g = Guest::boot(&Options {
        append: "rcmd=sysbench".into(),
        timeout: Duration::from_secs(120),
        ..Options::default()
    })
    .unwrap();
    for (name, unit) in [("null", "ns"), ("pipert", "ns"), ("pipebw", "MB/s"), ("forkexec", "us")] {
        let c = g
            .expect_re(&format!(r"sysbench {name}: (\d+) {unit}\r?\n"))
            .unwrap();
        let v: u64 = c[1].parse().unwrap();
        assert!(v > 0, "{name} {v}");
    }
    g.expect_poweroff().unwrap();
}
