//! chgrp against 9front's chgrp.c (9base has no chgrp).

use crate::common::*;
use std::os::unix::fs::MetadataExt;

fn group_of(p: &std::path::Path) -> String {
    let gid = std::fs::metadata(p).unwrap().gid();
    let groups = std::fs::read_to_string("/etc/group").unwrap();
    groups
        .lines()
        .find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f.len() > 2 && f[2] == gid.to_string()).then(|| f[0].to_string())
        })
        .unwrap()
}

fn owner_of(p: &std::path::Path) -> String {
    let uid = std::fs::metadata(p).unwrap().uid();
    let users = std::fs::read_to_string("/etc/passwd").unwrap();
    users
        .lines()
        .find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f.len() > 2 && f[2] == uid.to_string()).then(|| f[0].to_string())
        })
        .unwrap()
}

#[test]
fn sets_group_or_owner() {
    let d = scratch("chgrp");
    let f = d.join("fïle");
    std::fs::write(&f, b"x").unwrap();
    let fs = f.to_str().unwrap();
    let g = group_of(&f);
    let r = run(&planten("chgrp"), &[&g, fs], b"");
    assert_eq!((r.code, r.stderr.as_str(), r.stdout.len()), (Some(0), "", 0));
    let u = owner_of(&f);
    for flag in ["-u", "-o"] {
        let r = run(&planten("chgrp"), &[flag, &u, fs], b"");
        assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""), "{flag}");
    }
    // chgrp.c: a group and no files is no error.
    let r = run(&planten("chgrp"), &[&g], b"");
    assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""));
}

#[test]
fn failures_are_reported_and_the_rest_tried() {
    let d = scratch("chgrpbad");
    let f = d.join("f");
    std::fs::write(&f, b"x").unwrap();
    let missing = d.join("missing");
    let (fs, ms) = (f.to_str().unwrap(), missing.to_str().unwrap());
    let g = group_of(&f);
    let r = run(&planten("chgrp"), &[&g, ms, fs], b"");
    // chgrp.c: "chgrp: can't wstat NAME: ERR", status "can't wstat".
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.starts_with(&format!("chgrp: can't wstat {ms}: ")), "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1);
    // planten's Linux wstat refuses a group the file does not have.
    let r = run(&planten("chgrp"), &["no-such-group-planten", fs], b"");
    assert_eq!(r.code, Some(1));
    assert_eq!(r.stderr, format!("chgrp: can't wstat {fs}: permission denied\n"));
    assert_eq!(group_of(&f), g);
}

#[test]
fn usage() {
    for args in [&[][..], &["-x", "g", "f"][..]] {
        let r = run(&planten("chgrp"), args, b"");
        assert_eq!((r.code, r.stderr.as_str()), (Some(1), "usage: chgrp [ -uo ] group file ....\n"), "{args:?}");
    }
}
