//! date against 9base's date (`-u`, `-n`, given seconds) and 9front's
//! date.c and tmdate(2) formats where 9base has no counterpart.

use crate::common::*;
use std::path::PathBuf;

const EASTERN: &str = "EST -18000 EDT -14400\n 1583650800 1604210400\n";

fn date_env(args: &[&str], tz: Option<&str>) -> Run {
    let mut c = std::process::Command::new(planten("date"));
    c.args(args);
    match tz {
        Some(z) => c.env("timezone", z),
        None => c.env_remove("timezone"),
    };
    let o = c.output().unwrap();
    Run { code: o.status.code(), stdout: o.stdout, stderr: String::from_utf8_lossy(&o.stderr).into() }
}

fn out(r: &Run) -> &str {
    std::str::from_utf8(&r.stdout).unwrap()
}

#[test]
fn gmt_matches_9base() {
    // 9base's date keeps 32-bit times; within them the two agree.
    for s in ["0", "1583298367", "951782400", "978307199", "2147483647", "86399"] {
        same_as_9base("date", &["-u", s], b"");
        same_as_9base("date", &["-un", s], b"");
        same_as_9base("date", &["-u", "-n", s], b"");
    }
    // A leading `-` is a flag to both.
    same_as_9base("date", &["-u", "-1"], b"");
}

#[test]
fn iso_and_formats() {
    // date.c: -t is YYYY-MM-DDThh:mm:ssZZ, -i YYYY-MM-DD, -f any format.
    assert_eq!(out(&date_env(&["-ut", "1583298367"], None)), "2020-03-04T05:06:07+00:00\n");
    assert_eq!(out(&date_env(&["-ui", "1583298367"], None)), "2020-03-04\n");
    let r = date_env(&["-u", "-f", "WWW, MMMM Do YYYY hh:mm:ss.ttt|nnn ZZZ Z [literal YYYY] ö", "1583298367"], None);
    assert_eq!(out(&r), "Wednesday, March 4th 2020 05:06:07.000|  0 GMT +0000 literal YYYY ö\n");
    assert_eq!(r.code, Some(0));
    // The last of -t, -i, -f wins.
    assert_eq!(out(&date_env(&["-u", "-t", "-fYY", "1583298367"], None)), "20\n");
    // 64-bit times (9base's are 32-bit).
    assert_eq!(out(&date_env(&["-u", "4102444800"], None)), "Fri Jan  1 00:00:00 GMT 2100\n");
    assert_eq!(out(&date_env(&["-u", "-n", "4102444800"], None)), "4102444800\n");
}

#[test]
fn seconds_are_strtoll() {
    // date.c reads the seconds with strtoll(argv[0], nil, 0).
    for (arg, want) in [("0x10", "16"), ("010", "8"), ("12abc", "12"), ("abc", "0"), ("  7", "7"), ("+5", "5")] {
        assert_eq!(out(&date_env(&["-un", arg], None)), format!("{want}\n"), "{arg}");
    }
    // Negative times: the argument must follow -- to not be a flag.
    assert_eq!(out(&date_env(&["-u", "--", "-1"], None)), "Wed Dec 31 23:59:59 GMT 1969\n");
    assert_eq!(out(&date_env(&["-un", "--", "-86401"], None)), "-86401\n");
}

#[test]
fn local_zone_is_env_timezone() {
    let r = date_env(&["1583298367"], Some(EASTERN));
    assert_eq!(out(&r), "Wed Mar  4 00:06:07 EST 2020\n");
    let r = date_env(&["-t", "1590000000"], Some(EASTERN));
    assert_eq!(out(&r), "2020-05-20T14:40:00-04:00\n");
    let r = date_env(&["-n", "1590000000"], Some(EASTERN));
    assert_eq!(out(&r), "1590000000\n");
    // date.c: no local zone is fatal unless -u.
    let r = date_env(&["0"], None);
    assert_eq!((r.code, out(&r)), (Some(1), ""));
    assert!(r.stderr.ends_with("date: timezone: file does not exist: '/env/timezone'\n"), "{}", r.stderr);
    let r = date_env(&["0"], Some("EST -18000 EDT"));
    assert!(r.stderr.ends_with("date: timezone: truncated name\n"), "{}", r.stderr);
}

#[test]
fn now_is_now() {
    let before = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let r = date_env(&["-un"], None);
    let n: i64 = out(&r).trim().parse().unwrap();
    assert!((n - before).abs() <= 2, "{n} vs {before}");
    let ours = out(&date_env(&["-u"], None)).to_string();
    let theirs = run(&ninebase("date"), &["-u"], b"");
    // The same second, or the next one.
    let t = String::from_utf8(theirs.stdout).unwrap();
    assert_eq!(ours.len(), t.len());
    assert_eq!(ours[..11], t[..11]);
}

#[test]
fn errors() {
    let p: PathBuf = planten("date");
    for args in [&["-x"][..], &["-u", "1", "2"], &["-f"]] {
        let r = run(&p, args, b"");
        assert_eq!(r.code, Some(1), "{args:?}");
        assert_eq!(r.stderr, "usage: date [-itun] [-f fmt] [seconds]\n");
        assert!(r.stdout.is_empty());
    }
    // τconv: a field of a length it has no form for is a garbled format,
    // and nothing is printed.
    for f in ["YYY", "DDD", "zz", "[open"] {
        let r = date_env(&["-u", "-f", f, "0"], None);
        assert_eq!((r.code, out(&r)), (Some(1), ""));
        assert!(r.stderr.ends_with(&format!("date: garbled format {f}\n")), "{}", r.stderr);
    }
}
