//! The machine devices in a booted planten: `#r` (rtc(3)), `#P`
//! (arch(3)) and `#t` (uart(3)), read and written from rc as a 9front
//! user would, with bootrc's binds of `#P` and `#t` on /dev (9front's
//! bootrc binds those two; `#r` is read by its name). Each check is
//! derived from 9front's source (devrtc.c, devarch.c, iomap.c, irq.c,
//! devuart.c, uarti8250.c) and compared with QEMU, the real peer: its
//! CMOS clock is the host's clock in UTC, its default processor model
//! (qemu64) is what CPUID describes, its COM1 is the console.

use std::time::{SystemTime, UNIX_EPOCH};

use regex::Regex;

/// Run `script` in rc on a booted planten, one processor, requiring
/// success (see `qemu::rc::run_ok`).
fn rc1(script: &str) -> String {
    qemu::rc::run_ok(script)
}

fn section<'a>(out: &'a str, name: &str) -> &'a str {
    let start = out.find(&format!("<{name}>\n")).unwrap_or_else(|| panic!("no <{name}> in:\n{out}")) + name.len() + 3;
    let end = out[start..].find("</>").map_or(out.len(), |e| start + e);
    &out[start..end]
}

#[test]
fn rtc_arch_and_uart() {
    let out = rc1(concat!(
        "echo '<rtc>'; cat '#r/rtc'; echo; echo '</>'\n",
        "echo '<ls>'; ls -p '#r'; ls -p /dev | grep -e '^(iob|iow|iol|ioalloc|cputype|archctl|irqalloc|eia0|eia0ctl|eia0status)$'; echo '</>'\n",
        "echo '<cputype>'; cat /dev/cputype; echo '</>'\n",
        "echo '<archctl>'; cat /dev/archctl; echo '</>'\n",
        "echo '<ioalloc>'; cat /dev/ioalloc; echo '</>'\n",
        "echo '<irqalloc>'; cat /dev/irqalloc; echo '</>'\n",
        "echo '<status>'; cat /dev/eia0status; echo '</>'\n",
        "echo '<ctl>'; cat /dev/eia0ctl; echo '</>'\n",
        "echo '<ctlw>'; echo l9 >/dev/eia0ctl || echo refused\n",
        "echo b115200 l8 pn s1 >/dev/eia0ctl && echo accepted; echo '</>'\n",
        "echo '<eia0>'; echo from-eia0 >/dev/eia0; echo '</>'\n",
        "echo '<iob>'; dd -if /dev/iob -iseek 1016 -bs 1 -count 1 >[2]/dev/null || echo iob refused; echo '</>'\n",
    ));
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;

    // rtcread: readnum(..., 12): 11 columns and a blank; QEMU's clock is
    // the host's, in UTC.
    let rtc = section(&out, "rtc");
    assert!(Regex::new(r"^ *\d+ \n$").unwrap().is_match(rtc), "rtc: {rtc:?}");
    assert_eq!(rtc.len(), 13, "rtc: {rtc:?}");
    let t: i64 = rtc.trim().parse().unwrap();
    assert!((t - now).abs() < 300, "rtc {t} vs host {now}");

    // rtcdir; devarch.c's archdir with the addarchfile files (no msr);
    // uartreset's three files for eia0.
    assert_eq!(
        section(&out, "ls"),
        "nvram\nrtc\narchctl\ncputype\neia0\neia0ctl\neia0status\nioalloc\niob\niol\niow\nirqalloc\n"
    );

    // cpuidentify on QEMU's qemu64 (AuthenticAMD, family 15): the AMD
    // table's family-15 default, "AMD-K8"; cputyperead's "%s %d\n".
    let ct = section(&out, "cputype");
    let m = Regex::new(r"^AMD-K8 (\d+)\n$").unwrap().captures(ct).unwrap_or_else(|| panic!("cputype: {ct:?}"));
    assert!(m[1].parse::<u32>().unwrap() > 0, "cputype: {ct:?}");

    // archctlread: qemu64 has PGE and SSE2: coherence mfence, cmpswap486;
    // the machine's interrupts go through ACPI's I/O APIC.
    let ac = section(&out, "archctl");
    assert!(
        Regex::new(r"^cpu AMD-K8 \d+ pge\npge (on|off)\ncoherence mfence\ncmpswap cmpswap486\narch (ACPI|generic)\n$")
            .unwrap()
            .is_match(ac),
        "archctl: {ac:?}"
    );

    // iomapread: "%8lux %8lux %-12.12s\n", in port order; the console
    // UART's eight ports and the clock's two.
    let io = section(&out, "ioalloc");
    for line in ["      70       71 rtc/nvr     \n", "     3f8      3ff eia0        \n", "     fff      fff dummy       \n"] {
        assert!(io.contains(line), "ioalloc lacks {line:?}:\n{io}");
    }
    let starts: Vec<u32> = io.lines().map(|l| u32::from_str_radix(l.split_whitespace().next().unwrap(), 16).unwrap()).collect();
    assert!(starts.windows(2).all(|w| w[0] < w[1]), "ioalloc not sorted:\n{io}");

    // irqallocread: "%11d %11d %s\n": the console UART on IRQ 4, the
    // page fault handler on vector 14 (no IRQ, -1).
    let irq = section(&out, "irqalloc");
    assert!(Regex::new(r"(?m)^ +\d+ {11}4 eia0$").unwrap().is_match(irq), "irqalloc:\n{irq}");
    assert!(Regex::new(r"(?m)^ {9}14 {10}-1 .+$").unwrap().is_match(irq), "irqalloc:\n{irq}");
    assert!(irq.lines().all(|l| l.len() >= 24 && &l[11..12] == " "), "irqalloc:\n{irq}");

    // i8250status: the console at 115200 8N1, RTS up, a FIFO.
    let st = section(&out, "status");
    assert!(
        Regex::new(r"^b115200 c0 d[01] e0 l8 m0 pn r1 s1 i1\ndev\(0\) type\(0\) framing\(\d+\) overruns\(\d+\) berr\(0\) serr\(0\)( cts)?( dsr)?( dcd)?( ring)?\n$")
            .unwrap()
            .is_match(st),
        "eia0status: {st:?}"
    );
    // uartread of ctl: readnum of the port number.
    assert_eq!(section(&out, "ctl"), "          0 ");
    // uartctl: 9 bits is refused (Ebadarg); 8N1 at 115200 is accepted.
    let cw = section(&out, "ctlw");
    assert!(cw.contains("bad arg in system call") && cw.contains("refused\n") && cw.ends_with("accepted\n"), "ctl: {cw:?}");
    // A write to eia0 reaches the console UART as it is.
    assert!(section(&out, "eia0").contains("from-eia0\n"), "eia0: {out}");
    // checkport: COM1's ports are claimed, so #P/iob refuses them.
    assert!(section(&out, "iob").contains("iob refused"), "iob: {out}");
}
