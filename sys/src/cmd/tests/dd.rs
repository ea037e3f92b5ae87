//! dd against 9base's dd (plan9port's dd.c, 9front's without the `m`
//! suffix and the check for bad suffixes) and 9front's dd.c where they
//! differ. 9base prints its summary with plan9port's fmt, which shows
//! `%lud` as a number followed by `d` ("2d+1d records in"); 9front's fmt
//! prints "2+1 records in", which is what planten's must print, so 9base's
//! summary is read back into 9front's form before comparing.

use std::path::PathBuf;

use peers::run::{run_in, Run};

fn ours() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_dd"))
}

fn theirs() -> PathBuf {
    peers::ninebase::bin("dd").unwrap()
}

fn scratch(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("planten-dd-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// 9base's summary in 9front's format: "Nd" after a count becomes "N".
fn ninefront_summary(s: &str) -> String {
    let mut out = String::new();
    let b = s.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'd' && i > 0 && b[i - 1].is_ascii_digit() {
            continue;
        }
        out.push(c as char);
    }
    out
}

fn dd(args: &[&str], stdin: &[u8]) -> Run {
    run_in(&ours(), args, stdin, None)
}

/// Where two outputs first differ, for messages that stay short.
fn diff(a: &[u8], b: &[u8]) -> String {
    let i = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    format!("{} vs {} bytes, first difference at {i}", a.len(), b.len())
}

/// Runs both dd's and asserts the same output, summary and status.
fn same(args: &[&str], stdin: &[u8]) {
    let a = run_in(&ours(), args, stdin, None);
    let b = run_in(&theirs(), args, stdin, None);
    assert!(a.stdout == b.stdout, "dd {args:?}: output: {}", diff(&a.stdout, &b.stdout));
    assert_eq!(
        (a.code, a.stderr.clone()),
        (b.code, ninefront_summary(&b.stderr)),
        "dd {args:?}: planten vs 9base"
    );
}

fn text() -> Vec<u8> {
    b"hello World\nfoo [bar]! | x\n\nA longer line, with Capitals and 123\nshort\n".to_vec()
}

fn all_bytes() -> Vec<u8> {
    (0..=255u8).chain((0..=255u8).rev()).collect()
}

#[test]
fn block_sizes_match_9base() {
    // Large input comes from a file: reads of a pipe may stop short
    // wherever the writer was, which would change the record counts.
    let d = scratch("blocks");
    let big = d.join("big");
    std::fs::write(&big, (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect::<Vec<u8>>()).unwrap();
    let big = big.to_str().unwrap();
    for args in [
        &[][..],
        &["-bs", "3"],
        &["-bs", "1"],
        &["-bs", "1k"],
        &["-ibs", "3", "-obs", "5"],
        &["-ibs", "5", "-obs", "3"],
        &["-ibs", "1b", "-obs", "2k"],
        &["-bs", "2x3"],
        &["-bs", "2x3x2"],
        &["-bs", "1kx2"],
        &["-count", "2", "-bs", "4"],
        &["-count", "0", "-bs", "4"],
        &["-skip", "1", "-bs", "4"],
        &["-skip", "100", "-bs", "4"],
        &["-ibs", "7", "-obs", "4", "-count", "3"],
        &["-files", "2"],
        &["-bs", "8", "-files", "3", "-conv", "sync"],
        &["-trunc", "0"],
    ] {
        same(args, &text());
        same(args, b"");
        let mut a = vec!["-if", big];
        a.extend_from_slice(args);
        same(&a, b"");
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn conversions_match_9base() {
    for conv in [
        "ucase",
        "lcase",
        "swab",
        "ascii",
        "ebcdic",
        "ibm",
        "block",
        "unblock",
        "ibm,lcase",
        "ebcdic,ucase",
        "ascii,lcase",
        "block,ucase",
        ",,ucase,",
        "sync",
        "swab,sync",
        "noerror",
        "ucase,lcase",
        "ebcdic,ascii",
        "unblock,block",
    ] {
        for extra in [&[][..], &["-cbs", "8"], &["-cbs", "1"], &["-bs", "5"], &["-ibs", "6", "-obs", "4", "-cbs", "3"], &["-bs", "7", "-cbs", "4"]] {
            let mut args = vec!["-conv", conv];
            args.extend_from_slice(extra);
            same(&args, &text());
            same(&args, &all_bytes());
        }
    }
}

#[test]
fn files_and_seeks_match_9base() {
    for (i, args) in [
        &["-if", "in", "-of", "out"][..],
        &["-if", "in", "-of", "out", "-bs", "4", "-seek", "2"],
        &["-if", "in", "-of", "out", "-bs", "4", "-oseek", "1", "-trunc", "0"],
        &["-if", "in", "-of", "out", "-bs", "3", "-iseek", "2"],
        &["-if", "in", "-of", "out", "-bs", "3", "-iseek", "2", "-skip", "1", "-count", "2"],
        &["-if", "in", "-of", "out", "-trunc", "0", "-bs", "2", "-count", "1"],
        &["-if", "in", "-of", "missing/out"],
        &["-if", "nonexistent"],
        &["-of", "out", "-trunc", "0", "-conv", "ucase"],
    ]
    .iter()
    .enumerate()
    {
        let mut results = Vec::new();
        for prog in [ours(), theirs()] {
            let d = scratch(&format!("files{i}"));
            std::fs::write(d.join("in"), "0123456789abcdefghij\n").unwrap();
            std::fs::write(d.join("out"), "OLD CONTENTS OF OUT, LONG ENOUGH\n").unwrap();
            let r = run_in(&prog, args, b"from stdin\n", Some(&d));
            let out = std::fs::read(d.join("out")).unwrap();
            results.push((r.code, r.stdout, out, ninefront_summary(&r.stderr)));
            let _ = std::fs::remove_dir_all(&d);
        }
        // The error texts are the systems' own ("file does not exist" on
        // planten, Linux's on 9base); compare the rest.
        let strip = |s: &str| s.split(": ").take(2).collect::<Vec<_>>().join(": ");
        assert_eq!(results[0].0, results[1].0, "{args:?}");
        assert_eq!(results[0].1, results[1].1, "{args:?}");
        assert_eq!(results[0].2, results[1].2, "{args:?}");
        assert_eq!(strip(&results[0].3), strip(&results[1].3), "{args:?}");
    }
}

// stats in dd.c: "%lud+%lud records in", "... records out" and, when
// block, ebcdic or ibm cut lines, "%lud truncated records".
#[test]
fn summary_is_9fronts() {
    let r = dd(&["-bs", "4"], b"0123456789");
    assert_eq!(r.stdout, b"0123456789");
    assert_eq!(r.stderr, "2+1 records in\n2+1 records out\n");
    assert_eq!(r.code, Some(0));
    let r = dd(&["-ibs", "4", "-obs", "3"], b"0123456789");
    assert_eq!(r.stderr, "2+1 records in\n3+1 records out\n");
    let r = dd(&["-conv", "block", "-cbs", "4"], b"ab\nlonger line\nxy\n");
    assert_eq!(r.stdout, b"ab  longxy  ");
    // One count per line cut, however much of it goes.
    assert_eq!(r.stderr, "0+1 records in\n0+1 records out\n1 truncated records\n");
    // -quiet (which 9base's older dd lacks) silences the summary.
    let r = dd(&["-quiet", "1", "-bs", "4"], b"0123456789");
    assert_eq!((r.stdout.as_slice(), r.stderr.as_str()), (&b"0123456789"[..], ""));
    let r = dd(&["-quiet", "0", "-bs", "4"], b"0123456789");
    assert_eq!(r.stderr, "2+1 records in\n2+1 records out\n");
}

// dd.c's number: 'm' multiplies by 1024*1024 (9base has no 'm'), any other
// letter is "dd: invalid size suffix 'C'" with status "invalid" (9base
// ignores it), and a value above the option's limit is out of range.
#[test]
fn number_suffixes_are_9fronts() {
    let d = scratch("mega");
    let f = d.join("in");
    std::fs::write(&f, vec![7u8; 3 << 20]).unwrap();
    let r = dd(&["-if", f.to_str().unwrap(), "-bs", "1m", "-count", "1"], b"");
    let _ = std::fs::remove_dir_all(&d);
    assert_eq!(r.stdout.len(), 1 << 20);
    assert_eq!(r.stderr, "1+0 records in\n1+0 records out\n");
    let r = dd(&["-bs", "1q"], b"x");
    assert_eq!((r.code, r.stderr.as_str()), (Some(1), "dd: invalid size suffix 'q'\n"));
    assert!(r.stdout.is_empty());
    let r = dd(&["-bs", "2g"], b"x");
    assert_eq!(r.stderr, "dd: invalid size suffix 'g'\n");
    let r = dd(&["-bs", "4m"], b"");
    assert_eq!(r.stderr, "0+0 records in\n0+0 records out\n");
    let r = dd(&["-bs", "2048m"], b"x");
    assert_eq!((r.code, r.stderr.as_str()), (Some(1), "dd: argument 2147483648 out of range\n"));
    let r = dd(&["-bs", "2x2k"], b"0123456789");
    assert_eq!(r.stderr, "0+1 records in\n0+1 records out\n");
    let r = dd(&["-skip", "3x3", "-bs", "1"], b"0123456789");
    assert_eq!(r.stdout, b"9");
}

// The messages and statuses of dd.c's main.
#[test]
fn errors_are_9fronts() {
    let r = dd(&["-bs"], b"");
    assert_eq!((r.code, r.stderr.as_str()), (Some(1), "dd: arg -bs needs a value\n"));
    let r = dd(&["bs", "1"], b"");
    assert_eq!(r.stderr, "dd: bad arg: bs\n");
    let r = dd(&["-size", "1"], b"");
    assert_eq!(r.stderr, "dd: bad arg: -size\n");
    // 9front: an unknown conversion is "bad conv" with the whole value
    // (9base says "bad arg: -conv").
    let r = dd(&["-conv", "ucase,foo"], b"");
    assert_eq!((r.code, r.stderr.as_str()), (Some(1), "dd: bad conv ucase,foo\n"));
    let r = dd(&["-ibs", "0"], b"x");
    assert_eq!((r.code, r.stderr.as_str()), (Some(1), "dd: counts: cannot be zero\n"));
    // -bs 0 is no -bs at all: 512-byte blocks.
    let r = dd(&["-bs", "0"], &[1u8; 1000]);
    assert_eq!(r.stderr, "1+1 records in\n1+1 records out\n");
    let r = dd(&["-if", "/nonexistent/x"], b"");
    assert_eq!(r.stderr, "dd: open /nonexistent/x: file does not exist: '/nonexistent/x'\n");
    let r = dd(&["-of", "/nonexistent/x"], b"");
    assert!(r.stderr.starts_with("dd: create /nonexistent/x: "), "{}", r.stderr);
    let r = dd(&["-of", "/nonexistent/x", "-trunc", "0"], b"");
    assert!(r.stderr.starts_with("dd: create /nonexistent/x: "), "{}", r.stderr);
    assert_eq!(r.code, Some(1));
}

// A read error (dd.c's loop): the error is reported; without noerror dd
// stops there with the summary and status "errors"; with it, the summary
// is printed, the block skipped and counted as partial, and with sync it
// becomes a block of zeros. /proc/self/mem cannot be read at offset 0.
// (9base's older dd ends with success and handles noerror otherwise.)
#[test]
fn read_errors_are_9fronts() {
    let mem = ["-if", "/proc/self/mem", "-bs", "16", "-count", "2"];
    let r = dd(&mem, b"");
    assert_eq!((r.code, r.stderr.as_str()), (Some(1), "read: i/o error\n0+0 records in\n0+0 records out\n"));
    let r = dd(&[&mem[..], &["-conv", "noerror"]].concat(), b"");
    assert_eq!(r.code, Some(0));
    assert!(r.stdout.is_empty());
    assert_eq!(
        r.stderr,
        "read: i/o error\n0+0 records in\n0+0 records out\nread: i/o error\n0+1 records in\n0+0 records out\n0+2 records in\n0+0 records out\n"
    );
    let r = dd(&[&mem[..], &["-conv", "noerror,sync"]].concat(), b"");
    assert_eq!(r.stdout, vec![0u8; 32]);
    assert_eq!(
        r.stderr,
        "read: i/o error\n0+0 records in\n0+0 records out\nread: i/o error\n0+1 records in\n1+0 records out\n0+2 records in\n2+0 records out\n"
    );
}
