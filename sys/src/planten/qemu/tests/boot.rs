//! The first QEMU tests: planten boots, says who it is and how much memory it
//! found, and powers off cleanly; `cargo boot` does the same from the command
//! line; the harness cuts off a hung guest and reports its transcript.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use qemu::{Guest, Options};

/// Boots the pc64 kernel and reads its banner; returns (memory total in
/// MiB from the `NM memory` line, sum of the e820 `memory` ranges in MiB).
fn boot_and_read_banner(opts: &Options) -> (u64, u64) {
    let mut g = Guest::boot(opts).unwrap();
    let v = g.expect_re(r"planten (\S+?):").unwrap();
    assert_eq!(v[1], env!("CARGO_PKG_VERSION"), "banner names the version");
    let upto = g.expect_re(r"(?m)^(\d+)M memory").unwrap();
    let total: u64 = upto[1].parse().unwrap();
    let mut sum = 0u64;
    let text = g.transcript();
    let re = regex::Regex::new(r"e820: ([0-9a-f]{16}) ([0-9a-f]{16}) (\S.*)").unwrap();
    let mut entries = 0;
    for c in re.captures_iter(&text) {
        entries += 1;
        let lo = u64::from_str_radix(&c[1], 16).unwrap();
        let hi = u64::from_str_radix(&c[2], 16).unwrap();
        assert!(
            lo <= hi,
            "e820 range {lo:#x}..{hi:#x} is backwards:\n{text}"
        );
        if c[3].trim() == "memory" {
            sum += hi - lo;
        }
    }
    assert!(
        entries >= 2,
        "the Multiboot map has several entries:\n{text}"
    );
    g.expect_poweroff().unwrap();
    assert!(
        g.elapsed() < Duration::from_secs(10),
        "powered off in {:?}, not under 10 s",
        g.elapsed()
    );
    (total, sum >> 20)
}

#[test]
fn banner_appears_and_guest_powers_off() {
    // rcmd=echo: boot to rc, which runs `echo` and exits, and init's
    // exit powers off.
    let (total, sum) = boot_and_read_banner(&Options {
        mem: 512,
        append: "rcmd=echo".into(),
        ..Options::default()
    });
    // QEMU keeps the low 640K hole and the BIOS area out of the map.
    assert!((500..512).contains(&total), "512M guest reports {total}M");
    assert_eq!(total, sum, "the total is the sum of the e820 memory ranges");
}

#[test]
fn smp_and_memory_pass_through() {
    let (total, sum) = boot_and_read_banner(&Options {
        mem: 2048,
        smp: 4,
        append: "rcmd=echo".into(),
        ..Options::default()
    });
    assert!(
        (2000..2048).contains(&total),
        "2048M guest reports {total}M"
    );
    assert_eq!(total, sum);
}

#[test]
fn cargo_boot_c_runs_and_exits_zero() {
    // The issue's acceptance line: rc runs the commands on the console,
    // and init's exit powers off with rc's status ('' → 0).
    let out = Command::new(env!("CARGO_BIN_EXE_boot"))
        .args(["-c", "echo hello; ls /; cat /dev/sysname", "--timeout", "60"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "cargo boot -c: {}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = stdout.replace('\r', "");
    assert!(stdout.contains("planten "), "banner printed:\n{stdout}");
    assert!(stdout.contains("M memory"), "memory printed:\n{stdout}");
    assert!(stdout.lines().any(|l| l == "hello"), "echo ran:\n{stdout}");
    // 9front's ls of / prints each name with the directory: /bin, /dev...
    for d in ["/bin", "/dev", "/env", "/proc", "/srv", "/tmp"] {
        assert!(stdout.contains(&format!("\n{d}\n")), "ls / lists {d}:\n{stdout}");
    }
    assert!(stdout.contains("\n/tmp\nplanten"), "sysname after the listing:\n{stdout}");
}

#[test]
fn cargo_boot_c_exits_with_rcs_status() {
    // A failing last command: rc exits with its status, init with rc's,
    // and the guest's status is 1. The error is chan.c's namelenerror
    // ("%s: %#q", the error then the quoted name) after ls.c's "ls: %s: %r".
    let out = Command::new(env!("CARGO_BIN_EXE_boot"))
        .args(["-c", "ls /nonexistent", "--timeout", "60"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("ls: /nonexistent: file does not exist: '/nonexistent'"),
        "ls's error:\n{stdout}"
    );
}

#[test]
fn cargo_boot_rejects_bad_flags() {
    let out = Command::new(env!("CARGO_BIN_EXE_boot"))
        .args(["--smp", "many"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("usage: cargo boot"), "{err}");
}

/// A Multiboot image (the a.out kludge, no ELF) that prints "hung" on COM1
/// and spins forever.
fn hanging_kernel() -> PathBuf {
    const BASE: u32 = 0x0010_0000;
    const MAGIC: u32 = 0x1BAD_B002;
    const FLAGS: u32 = 1 << 16;
    let mut img = Vec::new();
    for w in [
        MAGIC,
        FLAGS,
        0u32.wrapping_sub(MAGIC.wrapping_add(FLAGS)),
        BASE,      // header_addr
        BASE,      // load_addr
        0,         // load_end_addr: the whole file
        0,         // bss_end_addr: no bss
        BASE + 32, // entry_addr: just past this header
    ] {
        img.extend_from_slice(&w.to_le_bytes());
    }
    img.extend_from_slice(&[0x66, 0xba, 0xf8, 0x03]); // mov $0x3f8, %dx
    for &c in b"hung\n" {
        img.extend_from_slice(&[0xb0, c, 0xee]); // mov $c, %al; out %al, (%dx)
    }
    img.extend_from_slice(&[0xeb, 0xfe]); // 1: jmp 1b
    let dir = std::env::temp_dir().join(format!("planten-qemu-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("hang.img");
    std::fs::write(&path, img).unwrap();
    path
}

#[test]
fn harness_reports_the_transcript_of_a_hung_guest() {
    let mut g = Guest::boot(&Options {
        kernel: Some(hanging_kernel()),
        timeout: Duration::from_secs(20),
        ..Options::default()
    })
    .unwrap();
    g.expect("hung").unwrap();
    g.set_timeout(Duration::from_secs(1));
    let f = g.expect("never printed").unwrap_err();
    assert!(f.what.contains("timed out"), "{f}");
    assert!(f.transcript.contains("hung"), "{f}");
    let f = g.wait().unwrap_err();
    assert!(f.what.contains("did not power off"), "{f}");
}

#[test]
fn cargo_boot_cuts_off_a_hang_and_prints_the_log() {
    let out = Command::new(env!("CARGO_BIN_EXE_boot"))
        .args(["-c", "true", "--timeout", "2", "--kernel"])
        .arg(hanging_kernel())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did not power off"), "{err}");
    assert!(
        err.contains("console transcript") && err.contains("hung"),
        "{err}"
    );
}
