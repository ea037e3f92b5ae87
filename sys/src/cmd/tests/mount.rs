//! mount against 9front's mount.c (9base has none). On Linux libc's mount
//! fails for want of a Plan 9 name space; the service file is opened first.

use crate::common::*;

const USAGE: &str = "usage: mount [-a|-b] [-cCnNq] [-k keypattern] /srv/service dir [spec]\n";
const NONS: &str = "not available on Linux: no Plan 9 name space";

#[test]
fn mount_usage() {
    // mount.c: 2 or 3 names; -a with -b; -k needs a value; unknown flags.
    for args in [
        &[][..],
        &["/etc/hostname"],
        &["a", "b", "c", "d"],
        &["-a", "-b", "/etc/hostname", "/mnt"],
        &["-ab", "/etc/hostname", "/mnt"],
        &["-x", "/etc/hostname", "/mnt"],
        &["-k"],
    ] {
        let r = run(&planten("mount"), args, b"");
        assert_eq!((r.code, r.stderr.as_str()), (Some(1), USAGE), "{args:?}");
    }
}

#[test]
fn mount_open_failure() {
    // mount.c: "%s: can't open %s: %r" with argv0, status "open".
    let exe = planten("mount");
    let r = run(&exe, &["/nonexistent/srv", "/mnt"], b"");
    let want = format!("{}: can't open /nonexistent/srv: ", exe.display());
    assert!(r.stderr.starts_with(&want), "{}", r.stderr);
    assert_eq!(r.code, Some(1));
    // -q: quiet success.
    let r = run(&exe, &["-q", "/nonexistent/srv", "/mnt"], b"");
    assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""));
}

#[test]
fn mount_failure_on_linux() {
    let d = scratch("mount");
    let srv = d.join("sërv");
    std::fs::write(&srv, b"").unwrap();
    let srv = srv.to_str().unwrap();
    let exe = planten("mount");
    // Every flag and a spec are accepted; then "%s: mount %s: %r", "mount".
    for flags in [
        &[][..],
        &["-a"],
        &["-b"],
        &["-c"],
        &["-C"],
        &["-n"],
        &["-k", "proto=p9any"],
        &["-kproto=p9any"],
        &["-bcCn"],
    ] {
        for spec in [&[][..], &["spëc"]] {
            let mut args = flags.to_vec();
            args.extend([srv, "/n/x"]);
            args.extend(spec);
            let r = run(&exe, &args, b"");
            assert_eq!(
                r.stderr,
                format!("{}: mount /n/x: {NONS}\n", exe.display()),
                "{args:?}"
            );
            assert_eq!(r.code, Some(1));
            assert!(r.stdout.is_empty());
        }
    }
    let r = run(&exe, &["-q", srv, "/n/x"], b"");
    assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""));
    // -N: procsetuser("none") fails first (no /dev/user on Linux):
    // "%s: can't become none: %r", status "becomenone".
    let r = run(&exe, &["-N", srv, "/n/x"], b"");
    let want = format!("{}: can't become none: ", exe.display());
    assert!(r.stderr.starts_with(&want), "{}", r.stderr);
    assert_eq!(r.code, Some(1));
    let r = run(&exe, &["-qN", srv, "/n/x"], b"");
    assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""));
}
