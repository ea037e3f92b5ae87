//! mv against 9front's mv.c (9base has no mv).

use crate::common::*;
use std::os::unix::fs::PermissionsExt;

fn read(p: std::path::PathBuf) -> String {
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn mv_renames_within_a_directory() {
    let d = scratch("mv");
    std::fs::write(d.join("a"), b"A").unwrap();
    std::fs::write(d.join("old"), b"O").unwrap();
    std::fs::create_dir_all(d.join("dir1/x")).unwrap();
    let r = run_in(&planten("mv"), &["a", "b c"], b"", Some(&d));
    assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""));
    assert_eq!(read(d.join("b c")), "A");
    assert!(!d.join("a").exists());
    // An existing target is removed first (mv.c: hardremove).
    let r = run_in(&planten("mv"), &["b c", "old"], b"", Some(&d));
    assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""));
    assert_eq!(read(d.join("old")), "A");
    // mv dir1 dir2: a rename of the directory.
    let r = run_in(&planten("mv"), &["dir1", "dir2"], b"", Some(&d));
    assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""));
    assert!(d.join("dir2/x").is_dir());
    // Names are cleaned first: ./dir2//x/ is dir2/x.
    let r = run_in(&planten("mv"), &["./dir2//x/", "dir2/y"], b"", Some(&d));
    assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""));
    assert!(d.join("dir2/y").is_dir());
}

#[test]
fn mv_into_a_directory_copies_and_keeps_mode_and_mtime() {
    let d = scratch("mvdir");
    std::fs::create_dir(d.join("to")).unwrap();
    std::fs::write(d.join("f1"), b"one").unwrap();
    std::fs::write(d.join("f2"), b"two").unwrap();
    std::fs::set_permissions(d.join("f1"), std::fs::Permissions::from_mode(0o640)).unwrap();
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    std::fs::File::options().write(true).open(d.join("f1")).unwrap().set_modified(t).unwrap();
    let r = run_in(&planten("mv"), &["f1", "f2", "to"], b"", Some(&d));
    assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""));
    assert_eq!(read(d.join("to/f1")), "one");
    assert_eq!(read(d.join("to/f2")), "two");
    let m = std::fs::metadata(d.join("to/f1")).unwrap();
    assert_eq!(m.permissions().mode() & 0o777, 0o640);
    assert_eq!(m.modified().unwrap(), t);
    assert!(!d.join("f1").exists() && !d.join("f2").exists());
}

#[test]
fn mv_errors_are_9fronts() {
    let d = scratch("mverr");
    std::fs::write(d.join("a"), b"A").unwrap();
    std::fs::write(d.join("b"), b"B").unwrap();
    std::fs::create_dir_all(d.join("dir/sub")).unwrap();
    std::fs::create_dir(d.join("other")).unwrap();
    let mv = |args: &[&str]| run_in(&planten("mv"), args, b"", Some(&d));
    // mv.c's messages and statuses.
    let r = mv(&["a"]);
    assert_eq!(r.stderr, "usage: mv fromfile tofile\n\t  mv fromfile ... todir\n");
    assert_eq!(r.code, Some(1));
    let r = mv(&["a", "b", "c"]);
    assert_eq!(r.stderr, "mv: c not a directory\n");
    assert_eq!(r.code, Some(1));
    let r = mv(&["nope", "x"]);
    assert_eq!(r.stderr, "mv: can't stat nope: file does not exist: 'nope'\n");
    assert_eq!(r.code, Some(1));
    let r = mv(&["a", "./a"]);
    assert_eq!(r.stderr, "mv: a and ./a are the same\n");
    assert_eq!(r.code, Some(1));
    let r = mv(&["dir/sub", "other"]);
    // mv dir1 dir2 across directories: the target is dir2 itself.
    assert_eq!(r.stderr, "mv: dir/sub is a directory, not copied to ./other\n");
    assert_eq!(r.code, Some(1));
    let r = mv(&["dir/sub", "a", "other"]);
    assert_eq!(r.stderr, "mv: dir/sub is a directory, not copied to other/sub\n");
    assert_eq!(r.code, Some(1));
    assert_eq!(read(d.join("other/a")), "A");
    std::fs::rename(d.join("other/a"), d.join("a")).unwrap();
    assert_eq!(read(d.join("a")), "A");
}
