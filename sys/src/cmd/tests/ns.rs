//! ns against 9front's ns.c (9base has none), on a fake process tree:
//! `PLANTEN_PROC` replaces `/proc` (see `sys/src/cmd/ns.rs`).

use crate::common::*;
use std::path::Path;
use std::process::Command;

fn ns(root: &Path, args: &[&str]) -> Run {
    let out = Command::new(planten("ns"))
        .args(args)
        .env("PLANTEN_PROC", root)
        .output()
        .unwrap();
    Run {
        code: out.status.code(),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn tree(test: &str, pid: u32, nsfile: &[u8]) -> std::path::PathBuf {
    let d = scratch(test);
    std::fs::create_dir_all(d.join(pid.to_string())).unwrap();
    std::fs::write(d.join(format!("{pid}/ns")), nsfile).unwrap();
    d
}

#[test]
fn ns_formats_each_kind_of_line() {
    let input = concat!(
        "bind  #c /dev\n",                        // 3 fields: empty flag and spec
        "bind -c #e /env\n",                      // 4 with a flag: empty spec
        "mount  #s/boot /root main\n",            // 4 without a flag
        "mount -bC #s/x /n/x spec\n",             // 5
        "mount -a '/srv/a b' '/n/it''s' 'x$y'\n", // tokenize's quoting
        "bind /n/ünï\t/usr/glenda/ẞ\n",           // UTF-8, tabs
        "bind -b /a\\b /c\n",                     // backslash is quoted
        "cd /usr/glenda\n",
        "cd '/usr/a b'\n",
        "mount -a /net/tcp/1/data /n/y\n" // no /net on Linux: kept
    );
    let d = tree("ns-kinds", 7, input.as_bytes());
    let want = concat!(
        "bind  '#c' /dev \n",
        "bind -c '#e' /env \n",
        "mount  '#s/boot' /root main\n",
        "mount -bC '#s/x' /n/x spec\n",
        "mount -a '/srv/a b' '/n/it''s' 'x$y'\n",
        "bind  /n/ünï /usr/glenda/ẞ \n",
        "bind -b '/a\\b' /c \n",
        "cd /usr/glenda\n",
        "cd '/usr/a b'\n",
        "mount -a /net/tcp/1/data /n/y \n"
    );
    let r = ns(&d, &["7"]);
    assert_eq!(
        (String::from_utf8_lossy(&r.stdout).as_ref(), r.code),
        (want, Some(0)),
        "{}",
        r.stderr
    );
    // -r only skips the /net translation.
    let r = ns(&d, &["-r", "7"]);
    assert_eq!(String::from_utf8_lossy(&r.stdout), want);
    // A pid is read with atoi: "7x" is 7.
    let r = ns(&d, &["7x"]);
    assert_eq!(String::from_utf8_lossy(&r.stdout), want);
}

#[test]
fn ns_empty_unterminated_and_large() {
    let d = tree("ns-empty", 3, b"");
    let r = ns(&d, &["3"]);
    assert_eq!((r.stdout.as_slice(), r.code), (&b""[..], Some(0)));
    // A last line without a newline is still an entry.
    let d = tree("ns-nonl", 3, b"bind /a /b\ncd /c");
    let r = ns(&d, &["3"]);
    assert_eq!(r.stdout, b"bind  /a /b \ncd /c\n");
    // More than 64 KiB of entries.
    let mut input = String::new();
    let mut want = String::new();
    for i in 0..5000 {
        input.push_str(&format!("mount -a #s/srv{i} /n/dïr{i} spec{i}\n"));
        want.push_str(&format!("mount -a '#s/srv{i}' /n/dïr{i} spec{i}\n"));
    }
    assert!(input.len() > 65536);
    let d = tree("ns-large", 3, input.as_bytes());
    let r = ns(&d, &["3"]);
    assert_eq!(String::from_utf8_lossy(&r.stdout), want);
    assert_eq!(r.code, Some(0));
}

#[test]
fn ns_errors() {
    // ns.c: a line of 2 fields other than cd, or of 1, 6+ ... fields, is
    // "unrecognized format"; lines before it have been printed.
    for (input, n, line) in [
        ("bind /a /b\nfoo\n", 1, 2),
        ("foo bar\n", 2, 1),
        ("bind /a /b\n\n", 0, 2),
    ] {
        let d = tree("ns-format", 5, input.as_bytes());
        let r = ns(&d, &["5"]);
        assert_eq!(
            r.stderr,
            format!("ns: unrecognized format of ns file: {n} elements on line {line}\n")
        );
        assert_eq!(r.code, Some(1));
        if line == 2 {
            assert_eq!(r.stdout, b"bind  /a /b \n");
        }
    }
    // Six fields: tokenize stops at five, so the sixth is dropped.
    let d = tree("ns-six", 5, b"mount -a x y z extra\n");
    assert_eq!(ns(&d, &["5"]).stdout, b"mount -a x y z\n");
    // An entry of 1024 bytes or more fills ns.c's buffer.
    let long = format!("bind /{} /b\n", "a".repeat(1020));
    let d = tree("ns-long", 5, long.as_bytes());
    let r = ns(&d, &["5"]);
    assert_eq!(
        (r.stderr.as_str(), r.code),
        ("ns: ns string too long\n", Some(1))
    );
    // No such process: "ns: open NAME: %r", status "open ns".
    let r = ns(&d, &["6"]);
    let want = format!("ns: open {}/6/ns: ", d.display());
    assert!(r.stderr.starts_with(&want), "{}", r.stderr);
    assert_eq!(r.code, Some(1));
}

#[test]
fn ns_usage() {
    // ns.c: one pid at most, atoi(pid) != 0, only -r.
    let d = tree("ns-usage", 5, b"");
    for args in [&["0"][..], &["abc"], &["1", "2"], &["-x"], &["-x", "5"]] {
        let r = ns(&d, args);
        assert_eq!(
            (r.code, r.stderr.as_str()),
            (Some(1), "usage: ns [-r] [pid]\n"),
            "{args:?}"
        );
    }
}
