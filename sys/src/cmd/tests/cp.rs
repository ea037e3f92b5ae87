//! cp against 9front's cp.c (9base has no cp).

use crate::common::*;
use std::os::unix::fs::PermissionsExt;

fn mtime(p: std::path::PathBuf) -> std::time::SystemTime {
    std::fs::metadata(p).unwrap().modified().unwrap()
}

#[test]
fn cp_copies_files() {
    let d = scratch("cp");
    let big: Vec<u8> = (0..100_000u32).map(|i| i as u8).collect();
    std::fs::write(d.join("big"), &big).unwrap();
    std::fs::write(d.join("it's"), b"q").unwrap();
    std::fs::set_permissions(d.join("big"), std::fs::Permissions::from_mode(0o750)).unwrap();
    std::fs::create_dir(d.join("to")).unwrap();
    let r = run_in(&planten("cp"), &["big", "copy"], b"", Some(&d));
    assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""));
    assert_eq!(std::fs::read(d.join("copy")).unwrap(), big);
    // cp.c creates the target with the source's permission bits.
    let m = std::fs::metadata(d.join("copy")).unwrap().permissions().mode();
    assert_eq!(m & 0o777, 0o750);
    // Many files into a directory, by their last element.
    let r = run_in(&planten("cp"), &["big", "it's", "to"], b"", Some(&d));
    assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""));
    assert_eq!(std::fs::read(d.join("to/big")).unwrap(), big);
    assert_eq!(std::fs::read(d.join("to/it's")).unwrap(), b"q");
    // An existing target is truncated.
    std::fs::write(d.join("short"), b"x").unwrap();
    let r = run_in(&planten("cp"), &["short", "copy"], b"", Some(&d));
    assert_eq!(r.code, Some(0));
    assert_eq!(std::fs::read(d.join("copy")).unwrap(), b"x");
}

#[test]
fn cp_x_keeps_mtime_and_mode() {
    let d = scratch("cpx");
    std::fs::write(d.join("a"), b"a").unwrap();
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_234_567_890);
    std::fs::File::options().write(true).open(d.join("a")).unwrap().set_modified(t).unwrap();
    let r = run_in(&planten("cp"), &["a", "b"], b"", Some(&d));
    assert_eq!(r.code, Some(0));
    assert_ne!(mtime(d.join("b")), t);
    let r = run_in(&planten("cp"), &["-x", "a", "c"], b"", Some(&d));
    assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""));
    assert_eq!(mtime(d.join("c")), t);
    // -g and -u set the group and owner to the source's, which are ours
    // here, so the wstat succeeds.
    let r = run_in(&planten("cp"), &["-gu", "a", "e"], b"", Some(&d));
    assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""));
}

#[test]
fn cp_errors_are_9fronts() {
    let d = scratch("cperr");
    std::fs::write(d.join("a"), b"a").unwrap();
    std::fs::create_dir(d.join("dir")).unwrap();
    let cp = |args: &[&str]| run_in(&planten("cp"), args, b"", Some(&d));
    let usage = "usage:\tcp [-gux] fromfile tofile\n\tcp [-x] fromfile ... todir\n";
    for args in [&["a"][..], &[], &["-r", "a", "b"]] {
        let r = cp(args);
        assert_eq!(r.stderr, usage, "{args:?}");
        assert_eq!(r.code, Some(1));
    }
    let r = cp(&["a", "a", "b"]);
    assert_eq!(r.stderr, "cp: b not a directory\n");
    assert_eq!(r.code, Some(1));
    // cp.c carries on after a failed file and exits "errors".
    let r = cp(&["nope", "dir", "a", "dir"]);
    assert_eq!(
        r.stderr,
        "cp: can't stat nope: file does not exist: 'nope'\ncp: dir is a directory\n"
    );
    assert_eq!(r.code, Some(1));
    assert_eq!(std::fs::read(d.join("dir/a")).unwrap(), b"a");
    let r = cp(&["a", "./a"]);
    assert_eq!(r.stderr, "cp: a and ./a are the same file\n");
    assert_eq!(r.code, Some(1));
    let r = cp(&["a", "no/such"]);
    assert_eq!(r.stderr, "cp: can't create no/such: file does not exist: 'no/such'\n");
    assert_eq!(r.code, Some(1));
}
