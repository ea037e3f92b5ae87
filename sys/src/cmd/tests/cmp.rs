//! cmp against 9base's cmp and 9front's cmp.c.

use crate::common::*;

#[test]
fn cmp_matches_9base() {
    let d = scratch("cmp");
    let w = |n: &str, b: &[u8]| {
        let p = d.join(n);
        std::fs::write(&p, b).unwrap();
        p.to_str().unwrap().to_string()
    };
    let mut big = vec![b'x'; 70000];
    big[5] = b'\n';
    big[69000] = b'\n';
    let mut big2 = big.clone();
    big2[68000] = b'y';
    big2[69500] = b'z';
    let a = w("a", b"hello\nworld\n");
    let b = w("b", b"hello\nwurld\n");
    let c = w("c", b"hello\n");
    let e = w("e", b"");
    let u = w("u", "héllo\nworl\n".as_bytes()); // as long as a
    let g = w("big", &big);
    let g2 = w("big2", &big2);
    for args in [
        vec![&a, &a],
        vec![&a, &b],
        vec![&e, &e],
        vec![&a, &u],
        vec![&g, &g2],
        vec![&g, &g],
    ] {
        let args: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
        same_as_9base("cmp", &args, b"");
        for flag in ["-l", "-s", "-L", "-lL"] {
            let mut v = vec![flag];
            v.extend(&args);
            same_as_9base("cmp", &v, b"");
        }
    }
    // At end of file 9front says how many bytes were equal (cmp.c: "EOF on
    // %s after %lld bytes"); 9base's older cmp says only "EOF on %s".
    for (x, y, short, n) in [(&a, &c, &c, 6), (&c, &a, &c, 6), (&e, &a, &e, 0)] {
        let r = run(&planten("cmp"), &[x, y], b"");
        assert_eq!(String::from_utf8(r.stdout).unwrap(), format!("EOF on {short} after {n} bytes\n"));
        assert_eq!(r.code, Some(1));
        let theirs = run(&ninebase("cmp"), &[x, y], b"");
        assert_eq!(String::from_utf8(theirs.stdout).unwrap(), format!("EOF on {short}\n"));
        assert_eq!(theirs.code, r.code);
    }
    // Offsets, decimal, octal and hex (strtoll base 0).
    for offs in [&["6", "6"][..], &["1"], &["0x6", "06"], &["7", "6"]] {
        let mut v = vec![a.as_str(), b.as_str()];
        v.extend(offs);
        same_as_9base("cmp", &v, b"");
    }
}

#[test]
fn messages_and_statuses_are_9fronts() {
    let d = scratch("cmpmsg");
    let a = d.join("a");
    let b = d.join("b");
    std::fs::write(&a, b"ab\ncd\n").unwrap();
    std::fs::write(&b, b"ab\ncx\nmore").unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let c = planten("cmp");
    let r = run(&c, &["-L", a, b], b"");
    assert_eq!(String::from_utf8(r.stdout).unwrap(), format!("{a} {b} differ: char 5 line 2\n"));
    assert_eq!(r.code, Some(1));
    let r = run(&c, &["-l", a, b], b"");
    assert_eq!(String::from_utf8(r.stdout).unwrap(), format!("     5 0x64 0x78\nEOF on {a} after 6 bytes\n"));
    let r = run(&c, &["-s", a, b], b"");
    assert!(r.stdout.is_empty() && r.stderr.is_empty());
    assert_eq!(r.code, Some(1));
    // Usage goes to standard output (cmp.c's usage uses print).
    for args in [&["-x", a, b][..], &[a], &[a, b, "x"], &[a, b, "1", "2", "3"]] {
        let r = run(&c, args, b"");
        assert_eq!(String::from_utf8(r.stdout).unwrap(), "usage: cmp [-lLs] file1 file2 [offset1 [offset2] ]\n");
        assert_eq!(r.code, Some(1));
    }
    // A missing file: perror(name), status "open"; -s keeps quiet.
    let r = run(&c, &["/nonexistent", a], b"");
    assert!(r.stderr.starts_with("/nonexistent: "), "{}", r.stderr);
    assert_eq!(r.code, Some(1));
    let r = run(&c, &["-s", "/nonexistent", a], b"");
    assert!(r.stderr.is_empty());
    assert_eq!(run(&ninebase("cmp"), &["/nonexistent", a], b"").code, Some(1));
}
