//! touch against 9base's touch and 9front's touch.c.

use crate::common::*;

fn mtime(p: std::path::PathBuf) -> u64 {
    std::fs::metadata(p)
        .unwrap()
        .modified()
        .unwrap()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[test]
fn touch_sets_times_like_9base() {
    for (prog, name) in [(planten("touch"), "p"), (ninebase("touch"), "9")] {
        let d = scratch(&format!("touch-{name}"));
        std::fs::write(d.join("old"), b"keep").unwrap();
        let r = run_in(&prog, &["-t", "1000000000", "old", "new file"], b"", Some(&d));
        assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""), "{name}");
        assert_eq!(mtime(d.join("old")), 1_000_000_000, "{name}");
        assert_eq!(mtime(d.join("new file")), 1_000_000_000, "{name}");
        assert_eq!(std::fs::read(d.join("old")).unwrap(), b"keep");
        // strtoul's base 0: hex and octal.
        let r = run_in(&prog, &["-t", "0x10", "old"], b"", Some(&d));
        assert_eq!(r.code, Some(0));
        assert_eq!(mtime(d.join("old")), 16, "{name}");
        let r = run_in(&prog, &["-t010", "old"], b"", Some(&d));
        assert_eq!(r.code, Some(0));
        assert_eq!(mtime(d.join("old")), 8, "{name}");
        // Without -t: now.
        let before = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let r = run_in(&prog, &["old"], b"", Some(&d));
        assert_eq!(r.code, Some(0));
        assert!(mtime(d.join("old")) >= before, "{name}");
        // -c does not create.
        let r = run_in(&prog, &["-c", "absent"], b"", Some(&d));
        assert_eq!(r.code, Some(1), "{name}");
        assert!(r.stderr.starts_with("touch: absent: cannot wstat: "), "{name}: {}", r.stderr);
        assert!(!d.join("absent").exists());
    }
}

#[test]
fn touch_errors_and_usage() {
    let d = scratch("toucherr");
    let r = run_in(&planten("touch"), &["-c", "absent", "no/such"], b"", Some(&d));
    // touch.c: "touch: NAME: cannot wstat: ERR", status "touch".
    assert_eq!(
        r.stderr,
        "touch: absent: cannot wstat: file does not exist: 'absent'\n\
         touch: no/such: cannot wstat: file does not exist: 'no/such'\n"
    );
    assert_eq!(r.code, Some(1));
    let r = run_in(&planten("touch"), &["no/such"], b"", Some(&d));
    assert_eq!(r.stderr, "touch: no/such: cannot create: file does not exist: 'no/such'\n");
    assert_eq!(r.code, Some(1));
    let usage = "usage: touch [-c] [-t time] files\n";
    for args in [&[][..], &["-t"], &["-t", "12x", "f"], &["-t", "", "f"], &["-z", "f"], &["-t", "08", "f"]] {
        let r = run_in(&planten("touch"), args, b"", Some(&d));
        assert_eq!(r.stderr, usage, "{args:?}");
        assert_eq!(r.code, Some(1));
    }
    // 9base agrees where its touch checks too; it accepts a -t value with
    // junk after the number, which 9front's touch.c refuses (*s != '\0').
    for args in [&[][..], &["-t"], &["-z", "f"]] {
        let theirs = run_in(&ninebase("touch"), args, b"", Some(&d));
        assert_eq!((theirs.code, theirs.stderr.as_str()), (Some(1), usage), "{args:?}");
    }
    assert!(!d.join("f").exists());
}
