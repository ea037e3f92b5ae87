//! chmod against 9front's chmod.c (9base has no chmod).

use crate::common::*;
use std::os::unix::fs::PermissionsExt;

fn mode(p: std::path::PathBuf) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn chmod_octal_and_symbolic() {
    let d = scratch("chmod");
    std::fs::write(d.join("f"), b"").unwrap();
    std::fs::create_dir(d.join("dir")).unwrap();
    let ch = |m: &str, f: &str| {
        let r = run_in(&planten("chmod"), &[m, f], b"", Some(&d));
        assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""), "chmod {m}");
    };
    // chmod.c's parsemode: who of ugoa (none is a), op of +-=.
    for (m, want) in [
        ("600", 0o600),
        ("0755", 0o755),
        ("u-x", 0o655),
        ("go-rx", 0o600),
        ("+x", 0o711),
        ("a=r", 0o444),
        ("u+w", 0o644),
        ("g=rw", 0o664),
        ("o+rwx", 0o667),
        ("=", 0),
        ("ug+rw", 0o660),
        ("+a", 0o660),
        ("-l", 0o660),
    ] {
        ch(m, "f");
        assert_eq!(mode(d.join("f")), want, "chmod {m}");
    }
    ch("700", "dir");
    assert_eq!(mode(d.join("dir")), 0o700);
    assert!(d.join("dir").is_dir());
}

#[test]
fn chmod_errors_are_9fronts() {
    let d = scratch("chmoderr");
    std::fs::write(d.join("f"), b"").unwrap();
    let r = run_in(&planten("chmod"), &["644"], b"", Some(&d));
    assert_eq!(
        r.stderr,
        "usage: chmod 0777 file ... or chmod [who]op[rwxalt] file ...\n"
    );
    assert_eq!(r.code, Some(1));
    for m in ["9", "u", "u+q", "z+r", "", "u+rz"] {
        if m.is_empty() {
            continue;
        }
        let r = run_in(&planten("chmod"), &[m, "f"], b"", Some(&d));
        assert_eq!(r.stderr, format!("chmod: bad mode: {m}\n"));
        assert_eq!(r.code, Some(1));
    }
    // A file that cannot be stat'd is reported and skipped; chmod.c still
    // exits with an empty status.
    let r = run_in(&planten("chmod"), &["600", "nope", "f"], b"", Some(&d));
    assert_eq!(r.stderr, "chmod: can't stat nope: file does not exist: 'nope'\n");
    assert_eq!(r.code, Some(0));
    assert_eq!(mode(d.join("f")), 0o600);
}
