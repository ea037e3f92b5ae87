//! look against 9base's look (the same look.c), on a sorted word list
//! with Latin-1 letters, blanks and tabs, and on numbers for -n.

use crate::common::*;

fn dict() -> (std::path::PathBuf, std::path::PathBuf) {
    let d = scratch("look");
    let mut words: Vec<String> = Vec::new();
    let mut x: u32 = 12345;
    for _ in 0..30_000 {
        let mut w = String::new();
        x = x.wrapping_mul(1103515245).wrapping_add(12345);
        for k in 0..(1 + (x >> 16) % 9) {
            w.push((b'a' + ((x >> (k + 3)) % 26) as u8) as char);
        }
        words.push(w);
    }
    for w in ["Apple", "apple", "apples", "éclair", "Éclat", "Zebra", "naïve", "über", "a b", "a-b", "ab\tdef", "abc\tzzz"] {
        words.push(w.into());
    }
    words.sort_by_key(|w| w.to_lowercase());
    words.dedup();
    let mut text = words.join("\n").into_bytes();
    text.extend_from_slice(b"\nzzzz no final newline");
    assert!(text.len() > 65536);
    let p = d.join("dict");
    std::fs::write(&p, text).unwrap();
    let mut nums: Vec<i32> = (0..400).map(|i| (i * 7919 % 2001) - 1000).collect();
    nums.sort();
    nums.dedup();
    let n = d.join("nums");
    std::fs::write(&n, nums.iter().map(|n| format!("{n}\n")).collect::<String>()).unwrap();
    (p, n)
}

#[test]
fn matches_9base() {
    let (dict, nums) = dict();
    let dict = dict.to_str().unwrap();
    let nums = nums.to_str().unwrap();
    for key in ["ab", "apple", "App", "zz", "q", "", "éc", "ecl", "naive", "a b", "abc", "zzzz", "zzzzz"] {
        for flags in [&[][..], &["-f"], &["-d"], &["-x"], &["-fd"], &["-fx"], &["-t", "-"], &["-t", "b"]] {
            let mut args: Vec<&str> = flags.to_vec();
            args.extend(["--", key, dict]);
            same_as_9base("look", &args, b"");
        }
    }
    for key in ["5", "-5", "12", "-999", "0", "999", "1000", "-1000", "3.0", "  7"] {
        same_as_9base("look", &["-n", "--", key, nums], b"");
        same_as_9base("look", &["-nx", "--", key, nums], b"");
    }
    // -i: keys from standard input, one a line.
    same_as_9base("look", &["-fi", dict], b"abc\nzeb\nappl\nnothing\n");
    same_as_9base("look", &["-i", dict], b"");
    same_as_9base("look", &["-i", dict], b"ab\nlast without newline");
}

#[test]
fn found_and_not_found() {
    let (dict, _) = dict();
    let dict = dict.to_str().unwrap();
    let r = run(&planten("look"), &["-f", "apple", dict], b"");
    // Latin-1 letters always fold; -f folds case; a tab ends the key part.
    assert_eq!(r.stdout, b"Apple\napple\napples\n");
    assert_eq!(r.code, Some(0));
    // Latin-1 letters fold to their ASCII base even without -f.
    let small = scratch("look-latin").join("w");
    std::fs::write(&small, "ebb\néclair\nÉclat\nedge\n").unwrap();
    let r = run(&planten("look"), &["ecla", small.to_str().unwrap()], b"");
    assert_eq!(String::from_utf8(r.stdout).unwrap(), "éclair\nÉclat\n");
    same_as_9base("look", &["ecla", small.to_str().unwrap()], b"");
    // look.c: exits("not found") when the key is not there.
    let r = run(&planten("look"), &["qqqqqqqqq", dict], b"");
    assert!(r.stdout.is_empty());
    assert_eq!(r.code, Some(1));
}

#[test]
fn errors_are_9fronts() {
    let look = planten("look");
    let name = look.display().to_string();
    // look.c: "look: can't open FILE", status "no dictionary".
    let r = run(&look, &["x", "/nonexistent/words"], b"");
    assert_eq!(r.stderr, "look: can't open /nonexistent/words\n");
    assert_eq!(r.code, Some(1));
    // look.c's usage is "[-dfinx]" (9base prints "-[dfinx]"), after
    // "argv0: bad option c" for an unknown flag.
    let r = run(&look, &["-q", "x"], b"");
    assert_eq!(r.stderr, format!("{name}: bad option q\nusage: {name} [-dfinx] [-t c] [string] [file]\n"));
    assert_eq!(r.code, Some(1));
    let r = run(&look, &["-t"], b"");
    assert_eq!(r.stderr, format!("usage: {name} [-dfinx] [-t c] [string] [file]\n"));
    // A line longer than WORDSIZ (4000 runes) stops the scan.
    let d = scratch("look-long");
    let p = d.join("w");
    std::fs::write(&p, format!("a\naa{}\nab\n", "x".repeat(5000))).unwrap();
    let r = run(&look, &["a", p.to_str().unwrap()], b"");
    assert!(r.stderr.contains("Look: word too long.  Bailing out.\n"), "{}", r.stderr);
}
