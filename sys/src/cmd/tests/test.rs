//! test against 9base's test and 9front's test.c.

use crate::common::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn files(name: &str) -> std::path::PathBuf {
    let d = scratch(name);
    std::fs::write(d.join("empty"), b"").unwrap();
    std::fs::write(d.join("full"), b"data\n").unwrap();
    std::fs::write(d.join("exe"), b"#!/bin/sh\n").unwrap();
    std::fs::set_permissions(d.join("exe"), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(d.join("ro"), b"x").unwrap();
    std::fs::set_permissions(d.join("ro"), std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::create_dir(d.join("dir")).unwrap();
    let set = |f: &str, t: u64| {
        std::fs::File::options()
            .write(true)
            .open(d.join(f))
            .unwrap()
            .set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(t))
            .unwrap()
    };
    set("empty", 1_000_000_000);
    set("full", 1_500_000_000);
    d
}

fn same_in(d: &Path, args: &[&str]) {
    let ours = run_in(&planten("test"), args, b"", Some(d));
    let theirs = run_in(&ninebase("test"), args, b"", Some(d));
    assert_eq!(
        (ours.code, &ours.stdout, &ours.stderr),
        (theirs.code, &theirs.stdout, &theirs.stderr),
        "test {args:?}"
    );
}

#[test]
fn test_file_primaries_match_9base() {
    let d = files("testfiles");
    for f in ["empty", "full", "exe", "ro", "dir", "nope"] {
        for op in ["-e", "-f", "-d", "-r", "-w", "-x", "-s", "-A", "-L", "-T"] {
            if (op, f) == ("-w", "dir") {
                continue;
            }
            same_in(&d, &[op, f]);
        }
    }
    // 9front's access.c tests AWRITE by opening for writing, which a
    // directory refuses; 9base asks Unix's access(2), which allows it.
    let r = run_in(&planten("test"), &["-w", "dir"], b"", Some(&d));
    assert_eq!(r.code, Some(1));
}

#[test]
fn test_c_b_u_g_are_false_and_take_no_operand() {
    // test.c: -c, -b, -u and -g return 0 without reading an operand, so
    // a following name is an unexpected operand (9base's test consumes
    // it). Alone they are false.
    let d = files("testcbug");
    for op in ["-c", "-b", "-u", "-g"] {
        let r = run_in(&planten("test"), &[op, "full"], b"", Some(&d));
        assert_eq!(r.stderr, "test: unexpected operator/operand: full\n");
        assert_eq!(r.code, Some(1));
        let r = run_in(&planten("test"), &[op], b"", Some(&d));
        assert_eq!((r.code, r.stderr.as_str()), (Some(1), ""));
        let r = run_in(&planten("test"), &[op, "-o", "x"], b"", Some(&d));
        assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""));
    }
}

#[test]
fn test_where_9front_differs_from_9base() {
    let d = files("testdiff");
    // test.c's e2: "!" with nothing after it is p1^1 = false, without a
    // message (9base reports "argument expected").
    let r = run_in(&planten("test"), &["!"], b"", Some(&d));
    assert_eq!((r.code, r.stderr.as_str()), (Some(1), ""));
    // test.c's nxtarg(1) moves past the end when it finds nothing, so in
    // "( a" the closing parenthesis is looked for beyond the end:
    // "argument expected" (9base says ") expected").
    let r = run_in(&planten("test"), &["(", "a"], b"", Some(&d));
    assert_eq!((r.code, r.stderr.as_str()), (Some(1), "test: argument expected\n"));
    // "a = b c": the comparison ends at b, and main's last nxtarg finds c.
    let r = run_in(&planten("test"), &["a", "=", "b", "c"], b"", Some(&d));
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (Some(1), "test: unexpected operator/operand: c\n")
    );
    // test.c's isolder: a bare number is an absolute time, not an age.
    let r = run_in(&planten("test"), &["empty", "-older", "1100000000"], b"", Some(&d));
    assert_eq!(r.code, Some(0));
    let r = run_in(&planten("test"), &["full", "-older", "1100000000"], b"", Some(&d));
    assert_eq!(r.code, Some(1));
    let r = run_in(&planten("test"), &["(", "a", "b"], b"", Some(&d));
    assert_eq!((r.code, r.stderr.as_str()), (Some(1), "test: ) expected\n"));
}

#[test]
fn test_strings_integers_and_logic_match_9base() {
    let d = files("testlogic");
    for args in [
        &["a"][..],
        &[""],
        &["-n", "a"],
        &["-n", ""],
        &["-z", ""],
        &["-z", "a"],
        &["a", "=", "a"],
        &["a", "=", "b"],
        &["a", "!=", "b"],
        &["1", "-lt", "2"],
        &["2", "-lt", "1"],
        &["3", "-eq", "3"],
        &["3", "-ne", "3"],
        &["3", "-ge", "3"],
        &["3", "-le", "2"],
        &["3", "-gt", "2"],
        &["0x10", "-eq", "16"],
        &["010", "-eq", "8"],
        &["-5", "-lt", "0"],
        &["a", "-eq", "a"],
        &["!", "a"],
        &["!", "!", "a"],
        &["-f", "full", "-a", "-f", "nope"],
        &["-f", "full", "-o", "-f", "nope"],
        &["-f", "nope", "-o", "-d", "dir"],
        &["(", "-f", "full", ")"],
        &["(", "a", "=", "b", "-o", "b", "=", "b", ")", "-a", "x"],
        &["full", "-nt", "empty"],
        &["empty", "-nt", "full"],
        &["full", "-ot", "empty"],
        &["empty", "-ot", "full"],
        &["nope", "-nt", "full"],
        &["empty", "-older", "1d"],
        &["full", "-older", "40y"],
        &["full", "-older", "1y"],
        &["full", "-older", "1y2M3d4h5m6s"],
        &["-t", "7"],
    ] {
        same_in(&d, args);
    }
}

#[test]
fn test_syntax_errors_and_usage() {
    let d = files("testsyntax");
    // test.c's synbad: "test: " and the message, status "bad syntax".
    for (args, msg) in [
        (&["-f"][..], "test: argument expected\n"),
        (&["a", "b"], "test: unexpected operator/operand: b\n"),
        (&["full", "-older", "1q"], "test: bad time syntax, 1q\n"),
        (&["-t", "x"], "test: not a valid file descriptor number \n"),
    ] {
        let r = run_in(&planten("test"), args, b"", Some(&d));
        assert_eq!(r.stderr, msg, "test {args:?}");
        assert_eq!(r.code, Some(1));
        same_in(&d, args);
    }
    // No expression: exits "usage" without a message.
    let r = run(&planten("test"), &[], b"");
    assert_eq!((r.code, r.stderr.as_str()), (Some(1), ""));
    same_in(&d, &[]);
}

#[test]
fn test_as_bracket_wants_a_closing_bracket() {
    // test.c: called as "[", the last argument must be "]" (9base
    // installs no "[", so this follows the source). argv[0] is "[".
    let d = files("testbracket");
    let bracket = |args: &[&str]| {
        use std::os::unix::process::CommandExt;
        let o = std::process::Command::new(planten("test"))
            .arg0("[")
            .args(args)
            .current_dir(&d)
            .output()
            .unwrap();
        (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
    };
    assert_eq!(bracket(&["-f", "full", "]"]), (Some(0), String::new()));
    assert_eq!(bracket(&["-f", "nope", "]"]), (Some(1), String::new()));
    assert_eq!(bracket(&["-f", "full"]), (Some(1), "test: ] missing\n".into()));
    assert_eq!(bracket(&[]), (Some(1), "test: ] missing\n".into()));
    assert_eq!(bracket(&["]"]), (Some(1), String::new()));
}
