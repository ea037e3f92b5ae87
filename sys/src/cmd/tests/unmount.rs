//! unmount against 9front's unmount.c (9base has none). On Linux libc's
//! unmount fails for want of a Plan 9 name space.

use crate::common::*;

#[test]
fn unmount_usage() {
    // unmount.c: argc must be 2 or 3; the usage is two lines; no flags.
    let usage = "usage: unmount mountpoint\n       unmount mounted mountpoint\n";
    for args in [&[][..], &["a", "b", "c"]] {
        let r = run(&planten("unmount"), args, b"");
        assert_eq!((r.code, r.stderr.as_str()), (Some(1), usage), "{args:?}");
    }
}

#[test]
fn unmount_failure_is_sysfatal() {
    // unmount.c: sysfatal("%s: %r", mtpt): argv0, the mount point, the error.
    let exe = planten("unmount");
    let nons = "not available on Linux: no Plan 9 name space";
    for args in [&["/mnt"][..], &["/srv/x", "/mnt"], &["-x"], &["/n/ünï"]] {
        let r = run(&exe, args, b"");
        let mtpt = args.last().unwrap();
        assert_eq!(
            r.stderr,
            format!("{}: {mtpt}: {nons}\n", exe.display()),
            "{args:?}"
        );
        assert_eq!(r.code, Some(1));
        assert!(r.stdout.is_empty());
    }
}
