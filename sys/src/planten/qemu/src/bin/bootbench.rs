//! bootbench: how long planten takes to boot to the rc prompt under QEMU.
//!
//! Not a 9front program. `cargo run --release -p qemu --bin bootbench --
//! [-n runs] [--smp n]` boots the kernel `runs` times (default 7) and
//! prints the medians (and extremes) of the wall time from starting QEMU
//! to the banner, and to rc's first prompt (`% `): the second is "boot to
//! the rc prompt", the first what QEMU itself costs before the kernel
//! runs.

use std::time::{Duration, Instant};

use qemu::{Guest, Options};

fn median(v: &mut [Duration]) -> (Duration, Duration, Duration) {
    v.sort();
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

fn main() {
    let mut runs = 7usize;
    let mut smp = 1u32;
    let mut a = std::env::args().skip(1);
    while let Some(s) = a.next() {
        let v = a.next().and_then(|v| v.parse::<usize>().ok());
        match (s.as_str(), v) {
            ("-n", Some(v)) if v > 0 => runs = v,
            ("--smp", Some(v)) if v > 0 => smp = v as u32,
            _ => {
                eprintln!("usage: bootbench [-n runs] [--smp n]");
                std::process::exit(2);
            }
        }
    }
    let mut banner = Vec::new();
    let mut prompt = Vec::new();
    for _ in 0..runs {
        let t0 = Instant::now();
        let mut g = Guest::boot(&Options {
            smp,
            timeout: Duration::from_secs(60),
            ..Options::default()
        })
        .unwrap_or_else(|f| panic!("{f}"));
        g.expect("planten ").unwrap_or_else(|f| panic!("{f}"));
        banner.push(t0.elapsed());
        g.expect("% ").unwrap_or_else(|f| panic!("{f}"));
        prompt.push(t0.elapsed());
        let _ = g.send("exit\n");
        let _ = g.wait();
    }
    let (bm, blo, bhi) = median(&mut banner);
    let (pm, plo, phi) = median(&mut prompt);
    println!(
        "bootbench: {runs} boots, {smp} cpus: banner median {:.3} s (min {:.3}, max {:.3}); rc prompt median {:.3} s (min {:.3}, max {:.3})",
        bm.as_secs_f64(),
        blo.as_secs_f64(),
        bhi.as_secs_f64(),
        pm.as_secs_f64(),
        plo.as_secs_f64(),
        phi.as_secs_f64()
    );
}
