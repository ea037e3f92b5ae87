//! du against 9base's du and 9front's du.c.

use crate::common::*;
use std::path::Path;

fn tree(name: &str) -> std::path::PathBuf {
    let d = scratch(name);
    std::fs::create_dir_all(d.join("t/d1/d2")).unwrap();
    std::fs::create_dir_all(d.join("t/e")).unwrap();
    std::fs::write(d.join("t/d1/f"), vec![0u8; 5000]).unwrap();
    std::fs::write(d.join("t/d1/d2/g"), vec![0u8; 10]).unwrap();
    std::fs::write(d.join("t/h"), vec![0u8; 2048]).unwrap();
    std::fs::write(d.join("t/z"), b"").unwrap();
    d
}

fn du(d: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let r = run_in(&planten("du"), args, b"", Some(d));
    (r.code, String::from_utf8(r.stdout).unwrap(), r.stderr)
}

/// 9base's du output with its fmt's stray "d" after %llud removed.
fn du9(d: &Path, args: &[&str]) -> (Option<i32>, String) {
    let r = run_in(&ninebase("du"), args, b"", Some(d));
    let s = String::from_utf8(r.stdout).unwrap();
    let s: String = s
        .lines()
        .map(|l| {
            let (n, rest) = l.split_once('\t').unwrap();
            format!("{}\t{rest}\n", n.trim_end_matches('d'))
        })
        .collect();
    (r.code, s)
}

#[test]
fn du_matches_9base() {
    let d = tree("du");
    for args in [
        &["t"][..],
        &["-a", "t"],
        &["-s", "t"],
        &["-n", "t"],
        &["-an", "t"],
        &["-t", "t"],
        &["-b", "1k", "t"],
        &["t/d1", "t/h"],
    ] {
        let (code, out, _) = du(&d, args);
        assert_eq!((code, out), du9(&d, args), "du {args:?}");
    }
    // With no arguments, ".".
    let (code, out, _) = du(&d.join("t"), &[]);
    assert_eq!((code, out), du9(&d.join("t"), &[]));
}

#[test]
fn du_follows_9front_where_9base_differs() {
    let d = tree("du9front");
    // du.c prints HOWMANY(blkmultiple(n), unit): 10 bytes in 512-byte
    // blocks is one 512 block, which rounds up to 1 KB.
    let (_, out, _) = du(&d, &["-s", "-b", "512", "t/d1/d2"]);
    assert_eq!(out, "1\tt/d1/d2\n");
    // -p scales to an SI prefix (9base's du lacks -p).
    let (_, out, _) = du(&d, &["-s", "-p", "k", "t"]);
    assert_eq!(out, "8\tt\n");
    let (_, out, _) = du(&d, &["-s", "-p", "", "t"]);
    assert_eq!(out, "8192\tt\n");
    // -h: at least 1024 units become the next prefix.
    let (_, out, _) = du(&d, &["-s", "-h", "t"]);
    assert_eq!(out, "8k\tt\n");
    // -e: %.6g of the amount; -n lists files in bytes (it sets aflag).
    let (_, out, _) = du(&d, &["-e", "-s", "-n", "t/d1"]);
    assert_eq!(out, "10\tt/d1/d2/g\n5000\tt/d1/f\n5010\tt/d1\n");
    let (_, out, _) = du(&d, &["-e", "-s", "t/d1"]);
    assert_eq!(out, "6\tt/d1\n");
    // -q: the qid path as 16 hex digits.
    let (_, out, _) = du(&d, &["-q", "t/z"]);
    let ino = std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(d.join("t/z")).unwrap());
    assert_eq!(out, format!("{ino:016x}\tt/z\n"));
    // -r reads everything and prints nothing.
    let (code, out, _) = du(&d, &["-r", "t"]);
    assert_eq!((code, out.as_str()), (Some(0), ""));
    // Names are quoted as rc would need (doquote = needsrcquote).
    std::fs::write(d.join("t/it's"), b"").unwrap();
    std::fs::write(d.join("t/a=b"), b"").unwrap();
    let (_, out, _) = du(&d, &["-a", "t/it's", "t/a=b"]);
    assert_eq!(out, "0\t't/it''s'\n0\t't/a=b'\n");
}

#[test]
fn du_errors_and_usage() {
    let d = tree("duerr");
    // du.c: warn() prints "du: NAME: ERR" and counts 0, status empty.
    let (code, out, err) = du(&d, &["nope", "t/h"]);
    assert_eq!(out, "0\tnope\n2\tt/h\n");
    assert_eq!(err, "du: nope: file does not exist: 'nope'\n");
    assert_eq!(code, Some(0));
    let (code, out, err) = du(&d, &["-f", "nope"]);
    assert_eq!((code, out.as_str(), err.as_str()), (Some(0), "0\tnope\n", ""));
    let (code, _, err) = du(&d, &["-x"]);
    assert_eq!(err, "usage: du [-aefhnqstu] [-b size] [-p si-pfx] [file ...]\n");
    assert_eq!(code, Some(1));
    // An unknown prefix is fatal: sysfatal("unknown suffix %s").
    let (code, _, err) = du(&d, &["-p", "q", "t"]);
    assert_eq!(err, "du: unknown suffix q\n");
    assert_eq!(code, Some(1));
}
