//! mkdir against 9base's mkdir and 9front's mkdir.c.

use crate::common::*;
use std::os::unix::fs::PermissionsExt;

fn mode(p: &std::path::Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Runs planten's and 9base's mkdir with `args` in fresh directories
/// prepared by `setup`, and compares status, output and the trees made.
fn same(name: &str, args: &[&str], setup: fn(&std::path::Path)) {
    let a = scratch(&format!("{name}-p"));
    let b = scratch(&format!("{name}-9"));
    setup(&a);
    setup(&b);
    let ours = run_in(&planten("mkdir"), args, b"", Some(&a));
    let theirs = run_in(&ninebase("mkdir"), args, b"", Some(&b));
    assert_eq!((ours.code, &ours.stdout), (theirs.code, &theirs.stdout), "mkdir {args:?}");
    assert_eq!(tree(&a), tree(&b), "mkdir {args:?}");
}

/// The directories under `d`, with their modes.
fn tree(d: &std::path::Path) -> Vec<(String, u32)> {
    let mut v = Vec::new();
    fn walk(root: &std::path::Path, d: &std::path::Path, v: &mut Vec<(String, u32)>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            v.push((p.strip_prefix(root).unwrap().display().to_string(), mode(&p)));
            if p.is_dir() {
                walk(root, &p, v);
            }
        }
    }
    walk(d, d, &mut v);
    v.sort();
    v
}

#[test]
fn mkdir_matches_9base() {
    same("mk1", &["a", "b c"], |_| {});
    same("mk2", &["-p", "x/y/z", "x/w"], |_| {});
    same("mk3", &["-m", "700", "m"], |_| {});
    same("mk4", &["-m700", "-p", "q/r"], |_| {});
    same("mk5", &["-p", "e"], |d| std::fs::create_dir(d.join("e")).unwrap());
    same("mk6", &["n/o"], |_| {});
}

#[test]
fn mkdir_errors_are_9fronts() {
    let d = scratch("mkerr");
    std::fs::create_dir(d.join("e")).unwrap();
    let r = run_in(&planten("mkdir"), &["e", "new", "no/such"], b"", Some(&d));
    // mkdir.c: "mkdir: %s already exists", "mkdir: can't create %s: %r",
    // status "error"; the other names are still made.
    assert_eq!(
        r.stderr,
        "mkdir: e already exists\nmkdir: can't create no/such: file does not exist: 'no/such'\n"
    );
    assert_eq!(r.code, Some(1));
    assert!(d.join("new").is_dir());
    let theirs = run_in(&ninebase("mkdir"), &["e"], b"", Some(&d));
    assert_eq!(theirs.stderr, "mkdir: e already exists\n");
}

#[test]
fn mkdir_mode_and_usage() {
    let d = scratch("mkmode");
    let r = run_in(&planten("mkdir"), &["-m", "750", "m"], b"", Some(&d));
    assert_eq!(r.code, Some(0));
    assert_eq!(mode(&d.join("m")), 0o750);
    // mkdir.c: a mode above 0777, or no mode, is a usage error.
    for args in [&["-m", "1777", "x"][..], &["-m"], &["-z", "x"]] {
        let r = run_in(&planten("mkdir"), args, b"", Some(&d));
        assert_eq!(r.stderr, "usage: mkdir [-p] [-m mode] dir...\n", "{args:?}");
        assert_eq!(r.code, Some(1));
        assert!(!d.join("x").exists());
    }
    // No directories: nothing to do.
    let r = run_in(&planten("mkdir"), &[], b"", Some(&d));
    assert_eq!(r.code, Some(0));
}
