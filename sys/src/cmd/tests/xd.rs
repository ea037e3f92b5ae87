//! xd against 9front's xd.c (9base has no xd): the expected dumps are
//! written out from xd.c's format tables.

use crate::common::*;

fn xd(args: &[&str], input: &[u8]) -> String {
    let r = run(&planten("xd"), args, input);
    assert_eq!(r.code, Some(0), "{args:?}: {}", r.stderr);
    String::from_utf8(r.stdout).unwrap()
}

#[test]
fn default_is_4x() {
    // Address %.7lux and a blank, units " %.8lux", then the final
    // address with its blank.
    assert_eq!(xd(&[], b"hello\n"), "0000000  68656c6c 6f0a0000\n0000006 \n");
    assert_eq!(xd(&["-4x"], b"hello\n"), "0000000  68656c6c 6f0a0000\n0000006 \n");
    // The zero-length read at the end still prints a line per format.
    assert_eq!(xd(&[], b""), "0000000 \n0000000 \n");
    assert_eq!(
        xd(&[], b"0123456789abcdef"),
        "0000000  30313233 34353637 38396162 63646566\n0000010 \n0000010 \n"
    );
}

#[test]
fn sizes_and_styles() {
    let d = b"\x01\x02\x03\x04\x05\x06\x07\x08\xff";
    assert_eq!(xd(&["-1x"], d), "0000000  01 02 03 04 05 06 07 08 ff\n0000009 \n");
    assert_eq!(xd(&["-b"], d), "0000000  01 02 03 04 05 06 07 08 ff\n0000009 \n");
    assert_eq!(xd(&["-1o"], d), "0000000  001 002 003 004 005 006 007 010 377\n0000009 \n");
    assert_eq!(xd(&["-1d"], d), "0000000  001 002 003 004 005 006 007 008 255\n0000009 \n");
    assert_eq!(xd(&["-2x"], d), "0000000  0102 0304 0506 0708 ff00\n0000009 \n");
    assert_eq!(xd(&["-w"], d), "0000000  0102 0304 0506 0708 ff00\n0000009 \n");
    assert_eq!(xd(&["-2o"], b"\xff\xff"), "0000000  177777\n0000002 \n");
    assert_eq!(xd(&["-2d"], b"\xff\xff"), "0000000  65535\n0000002 \n");
    assert_eq!(xd(&["-4d"], b"\xff\xff\xff\xff"), "0000000  4294967295\n0000004 \n");
    assert_eq!(xd(&["-lo"], b"\xff\xff\xff\xff"), "0000000  37777777777\n0000004 \n");
    assert_eq!(xd(&["-o"], b"\0\0\0\x08"), "0000000  00000000010\n0000004 \n");
    assert_eq!(xd(&["-d"], b"\0\0\x01\0"), "0000000  0000000256\n0000004 \n");
    assert_eq!(xd(&["-8x"], d), "0000000  0102030405060708 ff00000000000000\n0000009 \n");
    assert_eq!(xd(&["-vd"], b"\0\0\0\0\0\0\x01\0"), "0000000  00000000000000000256\n0000008 \n");
    assert_eq!(xd(&["-8o"], b"\0\0\0\0\0\0\0\x09"), "0000000  0000000000000000000011\n0000008 \n");
    // fmt3 builds the low word as an int: its sign bit spreads upward.
    assert_eq!(xd(&["-8x"], b"\0\0\0\0\x80\0\0\0"), "0000000  ffffffff80000000\n0000008 \n");
}

#[test]
fn little_endian_and_addresses() {
    let d = b"\x01\x02\x03\x04\x05\x06\x07\x08";
    assert_eq!(xd(&["-s", "-2x"], d), "0000000  0201 0403 0605 0807\n0000008 \n");
    assert_eq!(xd(&["-s"], d), "0000000  04030201 08070605\n0000008 \n");
    assert_eq!(xd(&["-s", "-8x"], d), "0000000  0807060504030201\n0000008 \n");
    let big = vec![b'a'; 20];
    assert_eq!(
        xd(&["-ad", "-1x"], &big),
        "0000000  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61\n\
         0000016  61 61 61 61\n0000020 \n"
    );
    assert_eq!(xd(&["-ao", "-1x"], &big[..17]).lines().nth(1).unwrap(), "0000020  61");
    // The second format's address is blank-padded.
    assert_eq!(
        xd(&["-c", "-1x"], b"a\tb\n\x7f\x01\x08\r"),
        "0000000   a \\t  b \\n 7f 01 \\b \\r\n      0  61 09 62 0a 7f 01 08 0d\n0000008 \n"
    );
}

#[test]
fn repeats_and_files() {
    let zeros = vec![0u8; 64];
    assert_eq!(
        xd(&["-r"], &zeros),
        "0000000  00000000 00000000 00000000 00000000\n*\n0000040 \n0000040 \n"
    );
    let mut d = vec![0u8; 48];
    d.extend_from_slice(b"x");
    assert_eq!(
        xd(&["-r", "-1x"], &d),
        "0000000  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n*\n\
         0000030  78\n0000031 \n"
    );
    // Without -r every group is printed.
    assert_eq!(xd(&[], &zeros).lines().count(), 6);
    let dir = scratch("xd");
    let a = dir.join("a");
    std::fs::write(&a, b"AB").unwrap();
    let a = a.to_str().unwrap();
    assert_eq!(xd(&["-1x", a], b""), "0000000  41 42\n0000002 \n");
    assert_eq!(xd(&["-1x", a, a], b""), format!("{a}\n0000000  41 42\n0000002 \n{a}\n0000000  41 42\n0000002 \n"));
    let missing = dir.join("nope");
    let r = run(&planten("xd"), &[a, missing.to_str().unwrap()], b"");
    assert_eq!(r.stderr, format!("xd: can't open {}\n", missing.display()));
    assert_eq!(r.code, Some(1));
    // -u flushes before each read; the output is the same.
    assert_eq!(xd(&["-u"], b"hello\n"), "0000000  68656c6c 6f0a0000\n0000006 \n");
}

#[test]
fn large_and_utf8_input() {
    let mut big = Vec::new();
    for i in 0..70000u32 {
        big.push((i % 251) as u8);
    }
    let out = xd(&["-1x"], &big);
    let lines: Vec<&str> = out.lines().collect();
    // 70000 is a multiple of 16: an empty group, then the final address.
    assert_eq!(lines.len(), 70000 / 16 + 2);
    assert_eq!(*lines.last().unwrap(), "0011170 ");
    assert_eq!(lines[1], "0000010  10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f");
    // Runes are bytes to xd: -c shows each byte of é in hex.
    assert_eq!(xd(&["-c"], "é".as_bytes()), "0000000  c3 a9\n0000002 \n");
}

#[test]
fn usage_errors() {
    let usage = "usage: xd [-u] [-r] [-s] [-a{odx}] [-c|{b1w2l4v8}{odx}] ... file ...\n";
    for args in [&["-q"][..], &["-xc"], &["-cx"], &["-a"], &["-aq"], &["-adx"], &["-rs"], &["--"]] {
        let r = run(&planten("xd"), args, b"");
        assert_eq!(r.stderr, usage, "{args:?}");
        assert_eq!(r.code, Some(1));
    }
    let nine = ["-x"; 9];
    assert_eq!(run(&planten("xd"), &nine, b"").code, Some(0));
    let ten = ["-x"; 10];
    let r = run(&planten("xd"), &ten, b"");
    assert_eq!(r.stderr, "xd: too many formats (max 10)\n");
    assert_eq!(r.code, Some(1));
}
