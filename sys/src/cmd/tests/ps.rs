//! ps against 9front's ps.c (9base has none), on a fake process tree:
//! `PLANTEN_PROC` replaces `/proc` (see `sys/src/cmd/ps.rs`). The status
//! files are laid out as 9front's kernel writes them (procread's Qstatus):
//! text, user, state, six times in milliseconds, memory in KiB, base and
//! current priority.

use crate::common::*;
use std::path::Path;
use std::process::Command;

fn ps(root: &Path, args: &[&str]) -> Run {
    let out = Command::new(planten("ps"))
        .args(args)
        .env("PLANTEN_PROC", root)
        .output()
        .unwrap();
    Run {
        code: out.status.code(),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn status(text: &str, user: &str, state: &str, t: [u32; 6], mem: u32, bp: u32, p: u32) -> String {
    let mut s = format!("{text:<28}{user:<28}{state:<12}");
    for x in t {
        s.push_str(&format!("{x:<12}"));
    }
    s.push_str(&format!("{mem:<12}{bp:<12}{p:<12}"));
    s
}

fn proc(root: &Path, pid: &str, status: &str, args: Option<&str>, noteid: Option<&str>) {
    let d = root.join(pid);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("status"), status).unwrap();
    if let Some(a) = args {
        std::fs::write(d.join("args"), a).unwrap();
    }
    if let Some(n) = noteid {
        std::fs::write(d.join("noteid"), n).unwrap();
    }
}

fn sample(test: &str) -> std::path::PathBuf {
    let d = scratch(test);
    // utime 1 s, stime 62 s, real 3723 s.
    proc(
        &d,
        "20",
        &status(
            "rc",
            "glenda",
            "Pread",
            [1500, 62000, 3723000, 0, 0, 0],
            2048,
            10,
            13,
        ),
        Some("rc\n-c\necho hi"),
        Some("42"),
    );
    // Over a day of real time; a UTF-8 user; a long state cut to 8.
    proc(
        &d,
        "3",
        &status(
            "fossil",
            "böötes",
            "Semacquire",
            [0, 0, 90061000, 0, 0, 0],
            123456,
            19,
            19,
        ),
        Some(""),
        None,
    );
    // No args or noteid file.
    proc(
        &d,
        "100",
        &status(
            "cat",
            "glenda",
            "Ready",
            [600000, 59999, 59000, 0, 0, 0],
            0,
            10,
            10,
        ),
        None,
        None,
    );
    // Too few fields, and no status at all: skipped.
    proc(&d, "4", "short status\n", None, None);
    std::fs::create_dir_all(d.join("5")).unwrap();
    d
}

/// ps.c's Bprint, piece by piece: user, pid, noteid, real time, utime,
/// stime, priorities, memory, state, then the name or arguments.
const L3: [&str; 9] = [
    "böötes    ",
    "        3",
    "",
    "",
    "    0:00",
    "   0:00",
    " ",
    "  123456K",
    " Semacqui ",
];
const L20: [&str; 9] = [
    "glenda    ",
    "       20",
    "",
    "",
    "    0:01",
    "   1:02",
    " ",
    "    2048K",
    " Pread    ",
];
const L100: [&str; 9] = [
    "glenda    ",
    "      100",
    "",
    "",
    "   10:00",
    "   0:59",
    " ",
    "       0K",
    " Ready    ",
];

fn line<'a>(mut f: [&'a str; 9], n: &'a str, r: &'a str, p: &str, name: &str) -> String {
    f[2] = n;
    f[3] = r;
    let mut s = String::new();
    for (i, x) in f.iter().enumerate() {
        s.push_str(x);
        if i == 6 {
            s.push_str(p);
        }
    }
    format!("{s}{name}\n")
}

#[test]
fn ps_default_in_pid_order() {
    let d = sample("ps-default");
    let r = ps(&d, &[]);
    let want = line(L3, "", "", "", "fossil")
        + &line(L20, "", "", "", "rc")
        + &line(L100, "", "", "", "cat");
    assert_eq!(
        (String::from_utf8_lossy(&r.stdout).into_owned(), r.code),
        (want, Some(0)),
        "{}",
        r.stderr
    );
}

#[test]
fn ps_flags() {
    let d = sample("ps-flags");
    // -a: args with newlines as blanks; empty args give the name; no args
    // file gives "NAME ?".
    let r = ps(&d, &["-a"]);
    let want = line(L3, "", "", "", "fossil")
        + &line(L20, "", "", "", "rc -c echo hi")
        + &line(L100, "", "", "", "cat ?");
    assert_eq!(String::from_utf8_lossy(&r.stdout), want);
    // -p: " %2d %2d" of base and current priority.
    let r = ps(&d, &["-p"]);
    let want = line(L3, "", "", " 19 19", "fossil")
        + &line(L20, "", "", " 10 13", "rc")
        + &line(L100, "", "", " 10 10", "cat");
    assert_eq!(String::from_utf8_lossy(&r.stdout), want);
    // -n: " %7ud" of noteid, " %8s" of "?" without it.
    let r = ps(&d, &["-n"]);
    let want = line(L3, "        ?", "", "", "fossil")
        + &line(L20, "      42", "", "", "rc")
        + &line(L100, "        ?", "", "", "cat");
    assert_eq!(String::from_utf8_lossy(&r.stdout), want);
    // -r: real time as d:hh:mm:ss, h:mm:ss or m:ss in 12 columns.
    let r = ps(&d, &["-r"]);
    let want = line(L3, "", "  1:01:01:01", "", "fossil")
        + &line(L20, "", "     1:02:03", "", "rc")
        + &line(L100, "", "        0:59", "", "cat");
    assert_eq!(String::from_utf8_lossy(&r.stdout), want);
    // All at once, and unknown flags are ignored (no default case).
    let r = ps(&d, &["-anprx"]);
    let want = line(L3, "        ?", "  1:01:01:01", " 19 19", "fossil")
        + &line(L20, "      42", "     1:02:03", " 10 13", "rc -c echo hi")
        + &line(L100, "        ?", "        0:59", " 10 10", "cat ?");
    assert_eq!(
        (String::from_utf8_lossy(&r.stdout).into_owned(), r.code),
        (want, Some(0))
    );
}

#[test]
fn ps_large_and_errors() {
    // Over 64 KiB of output.
    let d = scratch("ps-large");
    for pid in 1..=1200 {
        proc(
            &d,
            &pid.to_string(),
            &status("rc", "glenda", "Pread", [0; 6], pid, 10, 10),
            None,
            None,
        );
    }
    let r = ps(&d, &[]);
    assert!(r.stdout.len() > 65536);
    let lines: Vec<&str> = std::str::from_utf8(&r.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), 1200);
    assert_eq!(
        lines[0],
        "glenda            1    0:00   0:00        1K Pread    rc"
    );
    assert_eq!(
        lines[1199],
        "glenda         1200    0:00   0:00     1200K Pread    rc"
    );
    // An empty /proc.
    let d = scratch("ps-empty");
    let r = ps(&d, &[]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (Some(1), "ps: empty directory /proc\n")
    );
    assert!(r.stdout.is_empty());
    // No /proc: "ps: /proc: " then perror("error"), status "/proc".
    let r = ps(&d.join("nonexistent"), &[]);
    assert!(r.stderr.starts_with("ps: /proc: error: "), "{}", r.stderr);
    assert_eq!(r.code, Some(1));
}
