//! sum against 9front's sum.c; `-r` against GNU's `sum -r`, the same
//! Research (BSD) algorithm and layout.

use crate::common::*;
use std::path::PathBuf;

/// 9front's sum32, bit by bit: the reflected CRC-32 polynomial from 0,
/// no final inversion, then the length's four low bytes xor CC 55 CC 55.
fn crc(data: &[u8]) -> u32 {
    fn add(mut c: u32, data: &[u8]) -> u32 {
        for &b in data {
            c ^= b as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 { (c >> 1) ^ 0xEDB8_8320 } else { c >> 1 };
            }
        }
        c
    }
    let n = data.len() as u32;
    let c = add(0, data);
    add(c, &[(n >> 24) as u8 ^ 0xCC, (n >> 16) as u8 ^ 0x55, (n >> 8) as u8 ^ 0xCC, n as u8 ^ 0x55])
}

fn inputs() -> Vec<Vec<u8>> {
    let mut big = Vec::new();
    for i in 0..100_000u32 {
        big.push((i * 7 + i / 13) as u8);
    }
    vec![b"".to_vec(), b"hello\n".to_vec(), "héllo 世界".as_bytes().to_vec(), big]
}

#[test]
fn crc_is_9fronts() {
    for d in inputs() {
        let r = run(&planten("sum"), &[], &d);
        assert_eq!(String::from_utf8(r.stdout).unwrap(), format!("{:08x} {:6}\n", crc(&d), d.len()));
        assert_eq!(r.code, Some(0));
    }
    // The empty input's sum is the CRC of the length bytes alone.
    assert_eq!(run(&planten("sum"), &[], b"").stdout, format!("{:08x}      0\n", crc(b"")).as_bytes());
}

#[test]
fn research_sum_matches_gnu_sum_r() {
    let gnu = PathBuf::from("/usr/bin/sum");
    for d in inputs() {
        let ours = run(&planten("sum"), &["-r"], &d);
        if gnu.exists() {
            let theirs = run(&gnu, &["-r"], &d);
            assert_eq!(ours.stdout, theirs.stdout);
        }
        let mut s: u32 = 0;
        for &b in &d {
            s = ((s >> 1) + b as u32 + if s & 1 != 0 { 0x8000 } else { 0 }) & 0xFFFF;
        }
        assert_eq!(String::from_utf8(ours.stdout).unwrap(), format!("{s:05}{:6}\n", d.len().div_ceil(1024)));
    }
}

#[test]
fn sysv_sum_is_9fronts() {
    // sum5: a 32-bit byte sum folded once, %.5lud, 512-byte blocks.
    for d in inputs() {
        let s: u32 = d.iter().map(|&b| b as u32).sum();
        let s = ((s >> 16) + s) & 0xFFFF;
        let r = run(&planten("sum"), &["-5"], &d);
        assert_eq!(String::from_utf8(r.stdout).unwrap(), format!("{s:05}{:6}\n", d.len().div_ceil(512)));
    }
}

#[test]
fn files_and_errors() {
    let d = scratch("sum");
    let a = d.join("a");
    std::fs::write(&a, b"abc").unwrap();
    let a = a.to_str().unwrap();
    let missing = d.join("nope");
    let missing = missing.to_str().unwrap();
    let sum = planten("sum");
    let name = sum.display().to_string();
    let r = run(&sum, &[a, missing, a], b"");
    let line = format!("{:08x} {:6} {a}\n", crc(b"abc"), 3);
    assert_eq!(String::from_utf8(r.stdout).unwrap(), format!("{line}{line}"));
    // sum.c: "argv0: can't open file: error", the message is the status.
    assert!(r.stderr.starts_with(&format!("{name}: can't open {missing}: ")), "{}", r.stderr);
    assert!(r.stderr.contains("does not exist"), "{}", r.stderr);
    assert_eq!(r.code, Some(1));
    let r = run(&sum, &["-s"], b"");
    assert_eq!(r.stderr, format!("usage: {name} [-5r] [file ...]\n"));
    assert_eq!(r.code, Some(1));
}
