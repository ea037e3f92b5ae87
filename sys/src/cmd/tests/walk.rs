//! walk against 9front's walk.c (9base has no walk).

use crate::common::*;
use std::path::Path;

fn sorted(b: &[u8]) -> Vec<String> {
    let mut v: Vec<String> = String::from_utf8_lossy(b).lines().map(String::from).collect();
    v.sort();
    v
}

/// d/ with: a/ (b/ (deep), f), g (executable), ü.txt (no newline).
fn tree(name: &str) -> std::path::PathBuf {
    let d = scratch(name);
    std::fs::create_dir_all(d.join("a/b")).unwrap();
    std::fs::write(d.join("a/b/deep"), b"").unwrap();
    std::fs::write(d.join("a/f"), b"hello\n").unwrap();
    std::fs::write(d.join("g"), b"#!/bin/sh\n").unwrap();
    std::fs::write(d.join("ü.txt"), b"no newline").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(d.join("g"), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(d.join("a/f"), std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(d.join("ü.txt"), std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(d.join("a/b/deep"), std::fs::Permissions::from_mode(0o600)).unwrap();
    d
}

fn walk(dir: &Path, args: &[&str]) -> Run {
    run_in(&planten("walk"), args, b"", Some(dir))
}

#[test]
fn default_walks_dot_without_prefix() {
    let d = tree("walkdot");
    let r = walk(&d, &[]);
    assert_eq!(r.code, Some(0));
    // walk.c: "." itself is not printed and does not prefix paths.
    assert_eq!(sorted(&r.stdout), ["a", "a/b", "a/b/deep", "a/f", "g", "ü.txt"]);
    // a directory comes after what it holds.
    let out = String::from_utf8(r.stdout).unwrap();
    let pos = |s: &str| out.lines().position(|l| l == s).unwrap();
    assert!(pos("a/b/deep") < pos("a/b") && pos("a/b") < pos("a") && pos("a/f") < pos("a"));
    // a named "." is printed, with the prefix.
    let r = walk(&d, &["."]);
    assert_eq!(sorted(&r.stdout), [".", "./a", "./a/b", "./a/b/deep", "./a/f", "./g", "./ü.txt"]);
}

#[test]
fn dirs_files_exec_and_depth() {
    let d = tree("walkflags");
    assert_eq!(sorted(&walk(&d, &["-d"]).stdout), ["a", "a/b"]);
    assert_eq!(sorted(&walk(&d, &["-f"]).stdout), ["a/b/deep", "a/f", "g", "ü.txt"]);
    // -x: an execute bit; directories have one.
    assert_eq!(sorted(&walk(&d, &["-x"]).stdout), ["a", "a/b", "g"]);
    assert_eq!(sorted(&walk(&d, &["-x", "-f"]).stdout), ["g"]);
    // -t: QTTMP; no Linux file has it.
    assert_eq!(walk(&d, &["-t"]).stdout, b"");
    // -n max, -n min,max, -n min,
    assert_eq!(sorted(&walk(&d, &["-n", "1"]).stdout), ["a", "g", "ü.txt"]);
    assert_eq!(sorted(&walk(&d, &["-n", "2,2"]).stdout), ["a/b", "a/f"]);
    assert_eq!(sorted(&walk(&d, &["-n", "2,"]).stdout), ["a/b", "a/b/deep", "a/f"]);
    assert_eq!(sorted(&walk(&d, &["-n", ",2"]).stdout), ["a", "a/b", "a/f", "g", "ü.txt"]);
    assert_eq!(sorted(&walk(&d, &["-n0x2"]).stdout), ["a", "a/b", "a/f", "g", "ü.txt"]);
    assert_eq!(walk(&d, &["-n", "0"]).stdout, b"");
    // -u changes only buffering; -C keeps the arguments uncleaned.
    assert_eq!(sorted(&walk(&d, &["-u", "-f"]).stdout), ["a/b/deep", "a/f", "g", "ü.txt"]);
    assert_eq!(sorted(&walk(&d, &["-C", "-d", "./a/../a"]).stdout), ["./a/../a", "./a/../a/b"]);
    assert_eq!(sorted(&walk(&d, &["-d", "./a/../a"]).stdout), ["a", "a/b"]);
}

#[test]
fn arguments_are_cleaned_and_files_printed_as_given() {
    let d = tree("walkargs");
    assert_eq!(sorted(&walk(&d, &["a//", "g"]).stdout), ["a", "a/b", "a/b/deep", "a/f", "g"]);
    assert_eq!(walk(&d, &["./a/f"]).stdout, b"a/f\n");
    // walk.c: a file named twice is printed once (seen()).
    assert_eq!(walk(&d, &["g", "g"]).stdout, b"g\n");
    // -n 1, (min depth 1) drops a file argument, which is at depth 0.
    assert_eq!(walk(&d, &["-n", "1,", "g"]).stdout, b"");
    let abs = d.join("a/b");
    assert_eq!(walk(&d, &[abs.to_str().unwrap()]).stdout, format!("{0}/deep\n{0}\n", abs.display()).as_bytes());
}

#[test]
fn stat_formats() {
    let d = tree("walkfmt");
    let r = walk(&d, &["-e", "nspm", "ü.txt"]);
    let mtime = std::fs::metadata(d.join("ü.txt")).unwrap();
    use std::os::unix::fs::MetadataExt;
    assert_eq!(String::from_utf8(r.stdout).unwrap(), format!("ü.txt 10 ü.txt {}\n", mtime.mtime()));
    let r = walk(&d, &["-e", "x", "-f", "a"]);
    assert_eq!(sorted(&r.stdout), ["--rw-------", "--rw-r--r--"]);
    let r = walk(&d, &["-e", "xn", "-d", "a"]);
    assert_eq!(sorted(&r.stdout), ["d-rwxr-xr-x a", "d-rwxr-xr-x b"]);
    // every letter gives one field; q is hex.vers.type.
    let r = walk(&d, &["-e", "UGMamnpqsxDT", "g"]);
    let line = String::from_utf8(r.stdout).unwrap();
    let f: Vec<&str> = line.trim_end().split(' ').collect();
    assert_eq!(f.len(), 12, "{line}");
    assert_eq!(&f[5..7], ["g", "g"]);
    assert_eq!(f[8], "10");
    let q: Vec<&str> = f[7].split('.').collect();
    assert_eq!(q.len(), 3);
    assert!(u64::from_str_radix(q[0], 16).is_ok() && q[2] == "00", "{}", f[7]);
    // an empty format prints an empty line per file.
    assert_eq!(walk(&d, &["-e", "", "g"]).stdout, b"\n");
}

#[test]
fn large_directories() {
    let d = scratch("walkbig");
    for i in 0..3000 {
        std::fs::write(d.join(format!("file-with-a-long-name-{i:05}")), b"").unwrap();
    }
    let r = walk(&d, &["-f"]);
    assert!(r.stdout.len() > 64 * 1024);
    let got = sorted(&r.stdout);
    assert_eq!(got.len(), 3000);
    assert_eq!(got[0], "file-with-a-long-name-00000");
}

#[test]
fn errors() {
    let d = tree("walkerr");
    let r = walk(&d, &["nosuch", "g"]);
    // walk.c warns "path: NAME: ERR" and goes on; the status stays nil.
    assert_eq!((r.code, r.stdout.as_slice()), (Some(0), &b"g\n"[..]));
    assert!(r.stderr.ends_with("walk: path: nosuch: file does not exist: 'nosuch'\n") || r.stderr.contains(": path: nosuch: "), "{}", r.stderr);
    let r = walk(&d, &["-n", "x"]);
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.ends_with(": estrtol: bad input 'x'\n"), "{}", r.stderr);
    let r = walk(&d, &["-n", "1,2x"]);
    assert!(r.stderr.ends_with(": estrtol: bad input '2x'\n"), "{}", r.stderr);
    let r = walk(&d, &["-n", ""]);
    assert!(r.stderr.ends_with(": empty depth argument\n"), "{}", r.stderr);
    let r = walk(&d, &["-e", "pz"]);
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.ends_with(": bad stfmt: pz\n"), "{}", r.stderr);
    for args in [&["-k"][..], &["-e"][..], &["-n"][..]] {
        let r = walk(&d, args);
        assert_eq!(r.code, Some(1), "{args:?}");
        assert!(r.stderr.starts_with("usage: ") && r.stderr.ends_with(" [-udftx] [-n mind,maxd] [-e statfmt] [file ...]\n"), "{}", r.stderr);
    }
}
