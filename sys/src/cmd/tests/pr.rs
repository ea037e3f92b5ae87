//! pr against 9front's pr.c (9base has no pr). Expected outputs follow
//! pr.c's page layout: 66-line pages with a 5-line head (two blank lines,
//! the heading, two blank lines) and a 5-line tail, unless -t.

use crate::common::*;

fn pr(args: &[&str], input: &[u8]) -> Run {
    run(&planten("pr"), args, input)
}

fn ok(args: &[&str], input: &[u8]) -> String {
    let r = pr(args, input);
    assert_eq!((r.code, r.stderr.as_str()), (Some(0), ""), "{args:?}");
    String::from_utf8(r.stdout).unwrap()
}

fn nums(a: u32, b: u32) -> String {
    (a..=b).map(|i| format!("{i}\n")).collect()
}

#[test]
fn default_page_layout() {
    let d = scratch("pr");
    let f = d.join("f");
    std::fs::write(&f, nums(1, 5)).unwrap();
    let fs = f.to_str().unwrap();
    let out = ok(&[fs], b"");
    let lines: Vec<&str> = out.split('\n').collect();
    assert_eq!(out.matches('\n').count(), 66);
    assert_eq!(&lines[..2], ["", ""]);
    // HEAD: "%12.12s %4.4s  %s Page %d" of ctime's month..minute and year.
    let h = lines[2];
    assert!(h.ends_with(&format!("  {fs} Page 1")), "{h}");
    assert_eq!(h.len(), 12 + 1 + 4 + 2 + fs.len() + " Page 1".len(), "{h}");
    assert_eq!(&lines[3..10], ["", "", "1", "2", "3", "4", "5"]);
    assert!(lines[10..].iter().all(|l| l.is_empty()));
    // -h replaces the file name; -l sets the page length.
    let out = ok(&["-h", "Títle", "-l15", fs], b"");
    assert_eq!(out.matches('\n').count(), 15);
    assert!(out.split('\n').nth(2).unwrap().ends_with("  Títle Page 1"));
    // more than one page: a 12-line page holds 12 - 5 - 5 = 2 lines.
    let out = ok(&["-l12"], nums(1, 5).as_bytes());
    for n in 1..=3 {
        assert_eq!(out.matches(&format!("Page {n}\n")).count(), 1);
    }
    assert_eq!(out.matches('\n').count(), 36);
    assert!(out.contains("\n\n\n1\n2\n\n") && out.contains("\n\n\n5\n\n"));
}

#[test]
fn columns() {
    // -N fills columns down a page: with 66-line pages all ten lines
    // stay in the first column unless -b balances them.
    assert_eq!(ok(&["-t", "-3"], nums(1, 10).as_bytes()), nums(1, 10));
    assert_eq!(ok(&["-t", "-3", "-b"], nums(1, 6).as_bytes()), format!("1{0}3{0}5\n2{0}4{0}6\n", " ".repeat(23)));
    // -a fills across.
    let s = " ".repeat(23);
    assert_eq!(ok(&["-t", "-3", "-a"], nums(1, 10).as_bytes()), format!("1{s}2{s}3\n4{s}5{s}6\n7{s}8{s}9\n10\n"));
    // -s separates columns by one character.
    assert_eq!(ok(&["-t", "-2", "-b", "-s:"], nums(1, 4).as_bytes()), "1:3\n2:4\n");
    // -w narrows: two columns of (5-2+1)/2 = 2 characters.
    assert_eq!(ok(&["-t", "-w5", "-2", "-b"], b"abcdefghij\n"), "ab\n");
    // -m prints files side by side.
    let d = scratch("prm");
    let (a, b) = (d.join("a"), d.join("b"));
    std::fs::write(&a, "1\n2\n").unwrap();
    std::fs::write(&b, "x\n").unwrap();
    let s = " ".repeat(35);
    assert_eq!(ok(&["-t", "-m", a.to_str().unwrap(), b.to_str().unwrap()], b""), format!("1{s}x\n2\n"));
}

#[test]
fn numbering_spacing_offset_tabs() {
    // -n: 5-digit numbers and a tab; it also balances (pr.c falls into -b).
    assert_eq!(ok(&["-t", "-n"], b"a\nb\n"), "    1\ta\n    2\tb\n");
    assert_eq!(ok(&["-t", "-n:3"], b"a\n"), "  1:a\n");
    let out = ok(&["-t", "-n", "-2"], nums(1, 3).as_bytes());
    assert_eq!(out, format!("    1\t1{}3\n    2\t2\n", " ".repeat(30)));
    // -d double-spaces, -o offsets.
    assert_eq!(ok(&["-t", "-o3", "-d"], nums(1, 2).as_bytes()), "   1\n\n   2\n\n");
    // -e expands input tabs to stops of 4; -i makes output tabs.
    assert_eq!(ok(&["-t", "-e4"], b"a\tb\n"), "a   b\n");
    assert_eq!(ok(&["-t", "-i"], b"         x\n"), "\t x\n");
    // -f ends a page with a form feed (but -t's last page just ends).
    assert!(ok(&["-f", "-l12"], b"x\n").ends_with("x\n\x0c"));
    assert_eq!(ok(&["-t", "-f"], b"x\n"), "x\n");
    // +N starts at page N; -p pads to an even number of pages.
    assert_eq!(ok(&["-l8", "+2"], nums(1, 3).as_bytes()), "");
    assert_eq!(ok(&["-l8", "-p"], nums(1, 3).as_bytes()), format!("{}{}", nums(1, 3), "\n".repeat(8)));
    // upper-case option letters are the same.
    assert_eq!(ok(&["-T", "-D"], b"x\n"), "x\n\n");
}

#[test]
fn utf8_empty_unterminated_large() {
    assert_eq!(ok(&["-t", "-2", "-b", "-w12"], "héllo wörld\n日本\n".as_bytes()), "héllo 日本\n");
    assert_eq!(ok(&["-t"], "ünïcödé\n".as_bytes()), "ünïcödé\n");
    // pr.c's putpage() ends at end of file without a newline when -t.
    assert_eq!(ok(&["-t"], b"x"), "x");
    assert!(ok(&[], b"x").contains("\n\n\nx\n\n"));
    assert_eq!(ok(&["-t", "-2", "-b"], b"a\nb"), format!("a{}b\n", " ".repeat(35)));
    let big = nums(1, 20_000);
    assert!(big.len() > 64 * 1024);
    assert_eq!(ok(&["-t"], big.as_bytes()), big);
    let out = ok(&[], big.as_bytes());
    // 56 lines of text per 66-line page.
    let pages = 20_000usize.div_ceil(56);
    assert_eq!(out.matches('\n').count(), pages * 66);
    assert!(out.contains(&format!("Page {pages}\n")));
    // pr.c: an empty input is an error ("NAME -- empty file").
    let r = pr(&[], b"");
    assert_eq!((r.code, r.stdout.len(), r.stderr.as_str()), (Some(1), 0, "pr:  -- empty file\n\n"));
}

#[test]
fn errors() {
    let r = pr(&["/no/such/file"], b"");
    assert_eq!((r.code, r.stderr.as_str(), r.stdout.len()), (Some(1), "pr: can't open /no/such/file\n\n", 0));
    // the other files are still printed.
    let r = pr(&["-t", "/no/such", "/dev/null"], b"");
    assert_eq!(r.code, Some(1));
    assert_eq!(r.stderr, "pr: can't open /no/such\n\npr: /dev/null -- empty file\n\n");
    // die(): the message, and a newline on standard output.
    let r = pr(&["-z"], b"x\n");
    assert_eq!((r.code, r.stderr.as_str(), r.stdout.as_slice()), (Some(1), "pr: bad option", &b"\n"[..]));
    let r = pr(&["-w1", "-2"], b"x\n");
    assert_eq!((r.code, r.stderr.as_str()), (Some(1), "pr: width too small"));
    // -m with an unopenable file prints nothing at all.
    let r = pr(&["-t", "-m", "/no/such", "/etc/hostname"], b"");
    assert_eq!((r.code, r.stdout.len()), (Some(1), 0));
}
