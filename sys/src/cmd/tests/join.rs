//! join against 9base's join, and 9front's join.c where they differ
//! (stdio's 4096-byte BUFSIZ, the check of field indices, and the loop
//! 9base's seek1 falls into).

use crate::common::*;
use std::path::PathBuf;

struct Files(PathBuf);

impl Files {
    fn new(tag: &str) -> Files {
        let d = scratch(tag);
        let w = |n: &str, s: &str| std::fs::write(d.join(n), s).unwrap();
        w("f1", "a 1\nb 2\nb 3\nc 4\ne 5\n");
        w("f2", "a x\nb y\nb z\nd w\ne v\n");
        w("f3", "a\t1  q\n  b 2\nc\n");
        w("c1", "a:1:2\nb::3\nc:4\n");
        w("c2", "a:x\nb:y\nd:z\n");
        w("u1", "é 1\nü 2\n世 3\n");
        w("u2", "é x\n世 y\n");
        w("nn", "a 1\nb 2");
        w("empty", "");
        let big1: String = (0..5000).map(|i| format!("k{i:05} v{i}\n")).collect();
        let big2: String = (0..5000).step_by(2).map(|i| format!("k{i:05} w{i}\nk{i:05} x{i}\n")).collect();
        w("big1", &big1);
        w("big2", &big2);
        Files(d)
    }

    fn run(&self, prog: &PathBuf, args: &[&str], stdin: &[u8]) -> Run {
        run_in(prog, args, stdin, Some(&self.0))
    }

    fn same(&self, args: &[&str], stdin: &[u8]) {
        let ours = self.run(&planten("join"), args, stdin);
        let theirs = self.run(&ninebase("join"), args, stdin);
        assert_eq!(
            (ours.code, String::from_utf8_lossy(&ours.stdout)),
            (theirs.code, String::from_utf8_lossy(&theirs.stdout)),
            "join {args:?}"
        );
        assert_eq!(ours.stderr, theirs.stderr, "join {args:?}");
    }
}

#[test]
fn joins_match_9base() {
    let f = Files::new("join1");
    for args in [
        &["f1", "f2"][..],
        &["-a1", "f1", "f2"],
        &["-a", "2", "f1", "f2"],
        &["-a1", "-a2", "f1", "f2"],
        &["-o", "1.2,2.2,0", "f1", "f2"],
        &["-o", "1.2", "2.2", "0", "f1", "f2"],
        &["-o1.1,2.2", "f1", "f2"],
        &["-a1", "-e", "NULL", "-o", "0,1.2,2.2", "f1", "f2"],
        &["-t:", "c1", "c2"],
        &["-t", ":", "-o", "1.3,2.2", "-e", "E", "c1", "c2"],
        &["-t:", "-a1", "c1", "c2"],
        &["-tab", "c1", "c2"],
        &["-t,", "f1", "f2"],
        &["f3", "f1"],
        &["-1", "2", "-2", "1", "f1", "f2"],
        &["-j1", "2", "f1", "f2"],
        &["-j", "1", "f1", "f2"],
        &["-j2", "1", "f1", "f2"],
        &["u1", "u2"],
        &["-x", "f1", "f2"],
        &["--", "f1", "f2"],
        &["-o", "0", "f1", "f2"],
        &["-e", "", "-o", "1.5", "f1", "f2"],
        &["empty", "f1"],
        &["-a1", "f1", "empty"],
        &["-a1", "big1", "big2"],
        &["big2", "big1"],
    ] {
        f.same(args, b"");
    }
    // Standard input for either file, read from a pipe.
    let f1 = std::fs::read(f.0.join("f1")).unwrap();
    let big1 = std::fs::read(f.0.join("big1")).unwrap();
    f.same(&["-", "f2"], &f1);
    f.same(&["-a1", "-a2", "-", "f2"], &f1);
    f.same(&["-", "big2"], &big1);
    assert!(f.run(&planten("join"), &["-", "big2"], &big1).stdout.len() > 64 * 1024);
}

#[test]
fn errors_match_9base() {
    let f = Files::new("join2");
    for args in [
        &["f1"][..],
        &["f1", "f2", "f3"],
        &["-a3", "f1", "f2"],
        &["-a"],
        &["-o", "1.12,2.1", "f1", "f2"],
        &["-o", "1.200", "f1", "f2"],
        &["nope", "f2"],
        &["f1", "nope"],
        &["-e", "-x", "f1", "f2"],
    ] {
        f.same(args, b"");
    }
    let r = f.run(&planten("join"), &["f1"], b"");
    assert_eq!((r.code, r.stderr.as_str()), (Some(1), "join: usage: join [-1 x -2 y] [-o list] file1 file2\n"));
    // Both files on a pipe: nothing to reread.
    let r = f.run(&planten("join"), &["-", "-"], b"a\n");
    assert_eq!((r.code, r.stderr.as_str()), (Some(1), "join: neither file is randomly accessible\n"));
    // join.c checks j1 and j2 (9base crashes on -1 0).
    let r = f.run(&planten("join"), &["-1", "0", "f1", "f2"], b"");
    assert_eq!((r.code, r.stderr.as_str()), (Some(1), "join: invalid field indices\n"));
}

#[test]
fn truncated_lines() {
    let f = Files::new("join3");
    // A last line without a newline counts as truncated: the output comes
    // first, then the error.
    for args in [&["nn", "f1"][..], &["f1", "nn"]] {
        f.same(args, b"");
        let r = f.run(&planten("join"), args, b"");
        assert_eq!((r.code, r.stderr.as_str()), (Some(1), "join: some input line was truncated\n"));
    }
    // 9front's stdio reads lines of at most BUFSIZ-1 = 4095 bytes
    // (sys/include/stdio.h); the rest is the next line.
    let long = format!("{}\n", "a".repeat(5000));
    std::fs::write(f.0.join("long"), &long).unwrap();
    let r = f.run(&planten("join"), &["long", "long"], b"");
    assert_eq!(r.stdout, format!("{}\n", "a".repeat(4095)).as_bytes());
    assert_eq!((r.code, r.stderr.as_str()), (Some(1), "join: some input line was truncated\n"));
    // At most 99 fields.
    let wide: String = (0..120).map(|i| format!("f{i} ")).collect::<String>() + "\n";
    std::fs::write(f.0.join("wide"), &wide).unwrap();
    let r = f.run(&planten("join"), &["wide", "wide"], b"");
    assert_eq!(r.code, Some(1));
    let out = String::from_utf8(r.stdout).unwrap();
    assert_eq!(out.split(' ').count(), 1 + 98 * 2);
}

#[test]
fn rereading_the_first_file() {
    // With the second file on a pipe, join.c's seek1 rereads the first.
    // 9base (whose seek1 tests the wrong count) repeats the last pair
    // forever when the first file ends inside a run of equal keys; the
    // pairs before that agree (these are 9base's first lines).
    let f = Files::new("join4");
    let f2 = std::fs::read(f.0.join("f2")).unwrap();
    let r = f.run(&planten("join"), &["f1", "-"], &f2);
    assert_eq!(String::from_utf8(r.stdout).unwrap(), "a 1 x\nb 2 y\nb 3 y\nb 2 z\nb 3 z\ne 5 v\n");
    let r = f.run(&planten("join"), &["-a1", "-a2", "f1", "-"], &f2);
    assert_eq!(String::from_utf8(r.stdout).unwrap(), "a 1 x\nb 2 y\nb 3 y\nb 2 z\nb 3 z\nc 4\nd w\ne 5 v\n");
    let big2 = std::fs::read(f.0.join("big2")).unwrap();
    let ours = f.run(&planten("join"), &["big1", "-"], &big2);
    let theirs = f.run(&ninebase("join"), &["big1", "big2"], b"");
    assert_eq!(ours.stdout, theirs.stdout);
}
