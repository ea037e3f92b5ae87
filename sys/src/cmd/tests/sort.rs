//! sort against 9base's sort and 9front's sort.c.
//!
//! 9base sorts up to 500,000 lines in memory where 9front's sort.c
//! (`Nline`) writes a temporary file every 100,000: tied lines of bigger
//! inputs come out in a different order, so the big comparisons give
//! 9base 9front's batch size with `-l`.

use crate::common::*;

const FLAGS: &[&[&str]] = &[
    &[],
    &["-r"],
    &["-n"],
    &["-nr"],
    &["-g"],
    &["-gr"],
    &["-u"],
    &["-f"],
    &["-fu"],
    &["-d"],
    &["-df"],
    &["-dfu"],
    &["-i"],
    &["-w"],
    &["-M"],
    &["-Mr"],
    &["-b", "+1"],
    &["+1"],
    &["+1", "-2"],
    &["+1f", "+0n"],
    &["-n", "+1"],
    &["+0.2", "-0.4"],
    &["+1.1b", "-2"],
    &["-k2"],
    &["-k2,2"],
    &["-k2,2", "-u"],
    &["-k1n,1", "-u"],
    &["-k1.2,1.3"],
    &["-k2M", "-k1n"],
    &["-t.", "-k2"],
    &["-t", " ", "-k2,2n"],
    &["-t:", "+1", "-2"],
    &["-rf"],
    &["-m"],
    &["-c"],
    &["-cu"],
    &["-", "-r"],
    &["--", "-"],
];

/// Lines with words, numbers, months, blanks, runes and Latin-1 letters.
fn corpus(n: usize, seed: u64) -> Vec<u8> {
    let words = [
        "a", "b", "A", "B", "é", "É", "ä", "Ö", "jan", "Feb", "MAR", "dec", "x y", "  3", "-2.5", "1e3", "+7", "0.0", "10",
        "9", "abc", "ABC", "Abc", "ç", "ñ", "z\tq", "", "1.5e-2", "-0", ".5", "世界", "a.b:c", "007",
    ];
    let mut s = seed;
    let mut next = || {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (s >> 33) as usize
    };
    let mut out = Vec::new();
    for _ in 0..n {
        let k = 1 + next() % 4;
        let l: Vec<&str> = (0..k).map(|_| words[next() % words.len()]).collect();
        out.extend_from_slice(l.join(" ").as_bytes());
        out.push(b'\n');
    }
    out
}

#[test]
fn flags_match_9base() {
    let input = corpus(2000, 1);
    for args in FLAGS {
        same_as_9base("sort", args, &input);
    }
    let small = b"b\na\nc\nB\n\xc3\xa9\na\n 4 z\n";
    for args in FLAGS {
        same_as_9base("sort", args, small);
    }
}

#[test]
fn edge_inputs_match_9base() {
    same_as_9base("sort", &[], b"");
    same_as_9base("sort", &["-c"], b"");
    same_as_9base("sort", &[], b"b\na");
    same_as_9base("sort", &["-u"], b"x\nx\nx");
    same_as_9base("sort", &["-c"], b"a\nb\nb\n");
    same_as_9base("sort", &["-cu"], b"a\nb\nb\n");
    same_as_9base("sort", &["-c"], b"b\na\n");
    same_as_9base("sort", &["-n"], b"10\n9\n-1\n+2\n1e2\n.5\n0.50\n00\n\n-0\n");
    same_as_9base("sort", &["-g"], b"10\n9\n-1\n+2\n1e2\n1E-2\n.5\n0.50\n00\n\n-0\n2e+1\n");
    // Very long lines (beyond Bio's buffer) and lines sharing a long prefix.
    let mut long = Vec::new();
    for i in 0..40 {
        long.extend_from_slice(&vec![b'p'; 40000]);
        long.extend_from_slice(format!("{}\n", 39 - i).as_bytes());
    }
    // 9base's sort recurses once per key byte and dies on these; 9front's
    // does the same with its own stack. planten's radix sort keeps its
    // partitions on a list: the lines come out sorted.
    let want: Vec<u8> = {
        let mut lines: Vec<&[u8]> = long.split_inclusive(|&c| c == b'\n').collect();
        lines.sort();
        lines.concat()
    };
    let r = run(&planten("sort"), &[], &long);
    assert!(r.stdout == want, "long lines out of order");
    let r = run(&planten("sort"), &["-r"], &long);
    let mut rev: Vec<&[u8]> = want.split_inclusive(|&c| c == b'\n').collect();
    rev.reverse();
    assert!(r.stdout == rev.concat(), "long lines out of order under -r");
}

#[test]
fn newline_added() {
    let r = run(&planten("sort"), &[], b"b\na");
    assert_eq!(r.stdout, b"a\nb\n");
    assert_eq!(r.stderr, "sort: newline added\n");
}

#[test]
fn temporary_files_merge_as_9front() {
    // 250,000 lines: two temporary files of 100,000 lines and a third.
    let input = corpus(250_000, 2);
    assert!(input.len() > 1 << 20);
    let dir = scratch("sort-tmp");
    let d = dir.to_str().unwrap();
    for args in [&[][..], &["-n"], &["-fu"], &["-k2,2", "-u"], &["-M"], &["-r"]] {
        let mut ours: Vec<&str> = vec!["-T", d];
        ours.extend_from_slice(args);
        let mut theirs: Vec<&str> = vec!["-l", "100000"];
        theirs.extend_from_slice(args);
        let a = run(&planten("sort"), &ours, &input);
        let b = run(&ninebase("sort"), &theirs, &input);
        assert_eq!((a.code, &a.stdout), (b.code, &b.stdout), "sort {args:?}");
    }
    // The temporary files are gone.
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    // More than ten files: merged ten at a time into further files.
    let input = corpus(30_000, 3);
    for args in [&[][..], &["-u"], &["-f"], &["-k2n"]] {
        let mut ours: Vec<&str> = vec!["-T", d, "-l", "1000"];
        ours.extend_from_slice(args);
        let mut theirs: Vec<&str> = vec!["-l", "1000"];
        theirs.extend_from_slice(args);
        let a = run(&planten("sort"), &ours, &input);
        let b = run(&ninebase("sort"), &theirs, &input);
        assert_eq!(a.stdout, b.stdout, "sort -l 1000 {args:?}");
    }
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

#[test]
fn files_and_output() {
    let dir = scratch("sort-files");
    let a = dir.join("a");
    let b = dir.join("b");
    std::fs::write(&a, "c\na\n").unwrap();
    std::fs::write(&b, "b\nd\n").unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    same_as_9base("sort", &[a, b], b"");
    same_as_9base("sort", &[a, "-", b], b"e\n");
    // -o may name an input: it is created after all input is read.
    let r = run(&planten("sort"), &["-o", a, a, b], b"");
    assert_eq!(r.code, Some(0));
    assert_eq!(std::fs::read(a).unwrap(), b"a\nb\nc\nd\n");
    let r = run(&planten("sort"), &["-r", &format!("-o{b}"), a], b"");
    assert_eq!(r.code, Some(0));
    assert_eq!(std::fs::read(b).unwrap(), b"d\nc\nb\na\n");
    // `--` ends the options; what follows is a file, and sort.c then
    // reads the standard input too (nfile counts only what came before).
    let r = run(&planten("sort"), &["--", a], b"0\n");
    assert_eq!(r.stdout, b"0\na\nb\nc\nd\n");
}

#[test]
fn errors_are_9fronts() {
    let sort = planten("sort");
    let check = |args: &[&str], stderr: &str, code: i32| {
        let r = run(&sort, args, b"b\na\n");
        assert_eq!(r.stderr, stderr, "{args:?}");
        assert_eq!(r.code, Some(code), "{args:?}");
    };
    check(&["-c"], "sort: -c file not in sort\n", 1);
    check(&["-y"], "sort: unknown option: -y\n", 1);
    check(&["+x"], "sort: unknown option: +x\n", 1);
    check(&["+1q"], "sort: unknown option: field.q\n", 1);
    check(&["-k0"], "sort: field offset must be positive\n", 1);
    check(&["-k1.0"], "sort: character offset must be positive\n", 1);
    check(&["-nM"], "sort: illegal combination of flags: c0\n", 1);
    // -w with -r alone is missing from sort.c's list of combinations.
    check(&["-wr"], "sort: illegal combination of flags: 300\n", 1);
    check(&["-t\n"], "aw come on, rob\n", 1);
    let many: Vec<String> = (0..20).map(|i| format!("+{i}")).collect();
    let many: Vec<&str> = many.iter().map(|s| s.as_str()).collect();
    check(&many, "sort: too many fields specified\n", 1);
    check(&["-c", "/dev/null", "/dev/null"], "sort: -c can have at most one input file\n", 1);
    let r = run(&sort, &["-k2", "-n"], b"1 b\n2 a\n");
    assert_eq!(r.stderr, "sort: global field set after -k\n");
    let r = run(&sort, &["/nonexistent/x"], b"");
    assert!(r.stderr.starts_with("sort: open /nonexistent/x: "), "{}", r.stderr);
    assert_eq!(r.code, Some(1));
    let r = run(&sort, &["-o", "/nonexistent/x"], b"a\n");
    assert!(r.stderr.starts_with("sort: create /nonexistent/x: "), "{}", r.stderr);
    assert_eq!(r.code, Some(1));
}

#[test]
fn debugging_dump() {
    // -v: sort.c's printargs, the maps, the key bytes of each line and a
    // rule, all on standard error: the same as 9base's.
    for args in [&["-v", "-n"][..], &["-v", "+1r", "-u"], &["-v", "-df"], &["-v", "-k2M", "-t:"]] {
        let input = b"12 mar
 a:b:feb
";
        let a = run(&planten("sort"), args, input);
        let b = run(&ninebase("sort"), args, input);
        assert_eq!((a.stdout, a.stderr), (b.stdout, b.stderr), "{args:?}");
    }
    let r = run(&planten("sort"), &["-v", "-n"], b"12\n");
    assert_eq!(r.stderr, "sort -n\n12\n 30 40 42 31 32 00\n=========\n");
}
