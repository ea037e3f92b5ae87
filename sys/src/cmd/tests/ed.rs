//! ed against 9base's ed (plan9port's ed.c, the same editor as 9front's
//! but for its temporary-file size and typed-line limit) with scripted
//! sessions on standard input: what each prints, its exit status and the
//! files it leaves must be the same byte for byte. Where 9front and 9base
//! differ the test asserts 9front's ed.c, naming the rule.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use peers::run::{run_in, Run};
use proptest::prelude::*;

fn ours() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ed"))
}

fn theirs() -> PathBuf {
    peers::ninebase::bin("ed").unwrap()
}

fn scratch(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("planten-ed-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The files each session starts with.
const FILES: &[(&str, &[u8])] = &[
    ("f", b"one\ntwo\nthree\nfour five\nsix\n"),
    ("g", b"alpha\nbeta\n"),
    ("odd", b"tab\there\\back\x08sp \nctl\x01\x7f\xc3\xa9\xe4\xb8\x96\nnul\0cut\nbad\xff\xfex\nno newline"),
];

/// The files in `d` after a session.
fn files(d: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    for e in std::fs::read_dir(d).unwrap() {
        let e = e.unwrap();
        m.insert(e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap());
    }
    m
}

/// Runs `ed args` on `script` in a fresh directory holding FILES.
fn session(prog: &Path, tag: &str, args: &[&str], script: &[u8]) -> (Run, BTreeMap<String, Vec<u8>>) {
    let d = scratch(tag);
    for (n, b) in FILES {
        std::fs::write(d.join(n), b).unwrap();
    }
    let r = run_in(prog, args, script, Some(&d));
    let f = files(&d);
    let _ = std::fs::remove_dir_all(&d);
    (r, f)
}

/// Asserts that planten's and 9base's ed print the same, end the same and
/// leave the same files.
fn same(tag: &str, args: &[&str], script: &str) {
    let (a, fa) = session(&ours(), &format!("{tag}-p"), args, script.as_bytes());
    let (b, fb) = session(&theirs(), &format!("{tag}-9"), args, script.as_bytes());
    assert_eq!(
        (a.code, String::from_utf8_lossy(&a.stdout), &fa),
        (b.code, String::from_utf8_lossy(&b.stdout), &fb),
        "ed {args:?} with {script:?}: planten vs 9base\nplanten stderr: {}\n9base stderr: {}",
        a.stderr,
        b.stderr
    );
}

/// Runs planten's ed alone.
fn ed(args: &[&str], script: &[u8]) -> (Run, BTreeMap<String, Vec<u8>>) {
    session(&ours(), "alone", args, script)
}

#[test]
fn printing_and_addresses_match_9base() {
    for s in [
        ",p\n",
        "p\n",
        "2p\n$p\n",
        "1,$p\n",
        ";p\n",
        "$-2,$p\n",
        "3-1p\n",
        "--p\n",
        "-2p\n",
        "-,+p\n",
        "+p\n",
        "^p\n",
        "+++p\n",
        "2;+2p\n",
        "3,1p\n",
        "7p\n",
        "0p\n",
        "1,1000p\n",
        "1,2,3p\n",
        "1;2;3p\n",
        "\n\n\n\n\n\n",
        "2\n\n",
        "3;\n",
        "/fo/p\n",
        "?t?p\n",
        "/o/\n//\n??\n",
        "/t/,/f/p\n",
        "/t/;/f/p\n",
        "/o/+p\n",
        "/o/--p\n",
        "/o/-/o/p\n",
        "/nomatch/p\n",
        "//p\n",
        "$/o/p\n",
        "/o/;//p\n",
        "2ka\n$p\n'ap\n",
        "ka\nkb\n'bp\n",
        "'a\n",
        "kA\n",
        "k\n",
        "2ka\n'a,$d\n,p\n",
        "2n\n",
        ",n\n",
        ",l\n",
        "2pl\n",
        "pn\n",
        "np\n",
        "p p\n",
        "=\n",
        ".=\n",
        "2=\n/six/=\n",
        "$=\n",
        "b\n",
        "b2\nb\n",
        "2b-1\n",
        "1b2n\nb\n",
        "x\n",
        "G\n",
        "V\n",
        "zz\n",
        "2,3z\n",
    ] {
        same("print", &["f"], s);
    }
}

#[test]
fn editing_matches_9base() {
    for s in [
        "a\nnew\n.\n,p\n",
        "0a\nat top\n.\n,p\nw\n",
        "$a\nend\n.\nw\n",
        "2i\nins\n.\n,p\nw\n",
        "1i\nfirst\n.\nw\n",
        "0i\nzero\n.\n,p\n",
        "2,3c\nchanged\n.\n,p\nw\n",
        "$c\nlast\nlines\n.\n,p\n",
        "2,3d\n,p\n",
        "$d\n.p\n",
        ",d\n,p\na\nfresh\n.\n,p\n",
        "1,2j\n,p\n",
        "j\np\n",
        "$j\n",
        ",j\n,p\n",
        "2,3j\np\n",
        "1m$\n,p\n",
        "$m0\n,p\n",
        "2,3m4\n,p\n",
        "2,3m2\n",
        "2,3m1\n,p\n",
        "m.\n",
        "1m1\n",
        "1,2t$\n,p\n",
        "3t0\n,p\n",
        "t.\n,p\n",
        "2t1\n,p\n",
        "1,5t3\n,p\n",
        "a\nno dot",
        "d",
        "d\n",
    ] {
        same("edit", &["f"], s);
    }
}

#[test]
fn substitution_matches_9base() {
    for s in [
        ",s/o/0/g\nw\nq\n",
        "s/o/0/\nu\np\n",
        "s/x/y/\n",
        "2s/t/T/p\n",
        "2s/w/&&/\np\n",
        ",s/\\(o\\)/[\\1]/g\n,p\n",
        ",s/(o)/[\\1]/g\n,p\n",
        ",s/o/\\\n/g\n,p\n",
        ",s2/o/0/\n,p\n",
        "s/o/O/3\n",
        ",s/o/O/2\n,p\n",
        ",s/o/O/2g\n,p\n",
        ",s/e*/_/2\n,p\n",
        ",s/$/X/\n,p\n",
        ",s/^/>/g\n,p\n",
        ",s/x*/-/g\n,p\n",
        ",s/[aeiou]+/<&>/g\n,p\n",
        ",s/e/\\&/g\n,p\n",
        ",s/o/\\9/\n,p\n",
        ",s/(x)?o/[\\1]/\n,p\n",
        "s/(.)(.)(.)/\\3\\2\\1/\n",
        "s/o/&\\\n&/\n,p\nu\n,p\n",
        "s/o/\\\n/\nu\n,p\n",
        "s/one/1/\n2s/two/2/\nu\n,p\n",
        "s/o/0/\n2u\n",
        "u\n",
        "s/o/O/gp\n",
        "s/o/O/pg\n",
        "s/o\n",
        "s/o/O\n",
        "s/o",
        "s/o/0",
        "s o o \n",
        "s\n",
        "s/(/x/\n",
        "2ka\ns/t/T/\n'ap\n",
        ",s/./&&/g\n,p\n",
        ",s:o:/:g\n,p\n",
        "s/o/O/\ns//X/\n,p\n",
    ] {
        same("sub", &["f"], s);
    }
}

#[test]
fn global_commands_match_9base() {
    for s in [
        "g/o/p\n",
        "g/o/s//0/\n,p\n",
        "v/o/d\n,p\n",
        "g/e/d\n,p\n.=\n",
        "g/x/d\n.=\n",
        "g/o/.,+1p\n",
        "g/o/s/o/0/\\\np\n",
        "g/o/s/x/y/\n",
        "g/o/g/x/p\n",
        "g/x\n",
        "g\n",
        "g/o/\n",
        "g/o/d\nu\n",
        "g/t/-1d\n,p\n",
        "g/o/m0\n,p\n",
        "2,3g/./d\n,p\n",
        "g/o/a\\\nadded\n,p\n",
        "g/o/i\\\nA\\\nB\n,p\n",
        "g/o/c\\\nC\n,p\n",
        "v/zz/s/$/!/\n,p\n",
        "1,3g/./m0\n,p\n",
        "g/o/t$\n,p\n",
        "2,4g/e/s/e/E/p\n",
        "g/o/s/o/\\\n/\n,p\n",
        "g/o/n\n",
        "g/./j\n,p\n",
        "g/o/q\n",
        "v/./p\n",
    ] {
        same("global", &["f"], s);
    }
}

#[test]
fn files_match_9base() {
    for s in [
        "e g\n,p\n",
        "E g\n,p\n",
        "d\ne g\ne g\n,p\n",
        "d\nE g\n,p\n",
        "q\n",
        "d\nq\nq\n",
        "d\nQ\n",
        "f\n",
        "f newname\nf\nw\n",
        "f  spaced\n",
        "f with space\n",
        "ffoo\n",
        "r g\n,p\n",
        "0r g\n,p\n",
        "$r f\n,p\n",
        "r\n",
        "w out2\n",
        "2,3w part\nq\nq\n",
        "2,3w part\nw\nq\n",
        "W f\n,p\nq\n",
        "2W g\n",
        "wq\n",
        "d\nwq\n",
        "d\nwQ\n",
        "d\nw\nq\n",
        "e nonexist\n",
        "r nonexist\n",
        "w /nonexistent/dir/file\n",
        "e\n",
        "e odd\n,l\nw\n",
        "r odd\n,p\n",
        "2r odd\nw\n",
    ] {
        same("files", &["f"], s);
    }
    for s in [
        "a\nhello\n.\nw new\n",
        "r f\nr g\nw\n",
        "f\n",
        "w\n",
        "e\n",
        "p\n",
        "a\nx\n.\nq\nq\n",
        "a\nx\n.\n",
        "i\nfirst\n.\ni\nzeroth\n.\n,p\n",
        "c\n",
        "g/./p\n",
        "v/./p\n",
        "=\n",
    ] {
        same("nofile", &[], s);
    }
    same("missing", &["missing"], "a\nx\n.\nw\n");
}

#[test]
fn odd_bytes_and_list_format_match_9base() {
    // l shows control and non-ASCII runes as \xHHHH (ed.c's putchr, which
    // 9base's ed shares), \t \b \\ escaped, a trailing blank as \n, and
    // folds at 72 columns; bad UTF-8 reads as U+FFFD, a NUL ends a line,
    // and the unterminated last line gets its newline.
    let long = format!("{}\n", "x".repeat(200));
    for s in [",l\n", ",p\nw\n", ",n\n", "$a\nlong\n.\nw\n", &format!("a\n{long}.\n,l\n")] {
        same("odd", &["odd"], s);
    }
}

#[test]
fn flags_match_9base() {
    for s in [",p\n", "d\nq\n", "e g\n", "w\n", "!\n", "r f\n"] {
        same("dash", &["-", "f"], s);
    }
    same("o", &["-o"], "line\nanother\n.\nw\n");
    same("o2", &["-o"], "one\n.\ns/one/two/p\n,s/o/0/\nw\nq\n");
    same("oflag-x", &["-x", "f"], ",p\n");
}

// ed -o: 9front's savedfile is /fd/1 (ed.c's main; 9base's is
// /dev/stdout), and messages go to standard error (putchr writes to 2
// under oflag).
#[test]
fn o_flag_writes_to_fd_1() {
    let (r, _) = ed(&["-o"], b"text\n.\nf\np\nx\nw\n");
    assert_eq!(String::from_utf8_lossy(&r.stdout), "text\n");
    assert_eq!(r.stderr, "/fd/1\ntext\n?\n");
}

// A shell escape prints `!` when it is done (callunix, under vflag).
#[test]
fn shell_escape_prints_bang() {
    same("bang", &["f"], "!\n,p\n");
    same("bang2", &["f"], "2!\n");
}

// ed.c's gety: a typed line stops at LBSIZE-sizeof(Rune), so 4091 runes
// go in and 4092 are an error (9base's bound is LBSIZE-2).
#[test]
fn typed_line_limit_is_9fronts() {
    let ok = format!("a\n{}\n.\n$=\nQ\n", "q".repeat(4091));
    let (r, _) = ed(&[], ok.as_bytes());
    assert_eq!(String::from_utf8_lossy(&r.stdout), "1\n");
    let long = format!("a\n{}\n.\n$=\nQ\n", "é".repeat(4092));
    let (r, _) = ed(&[], long.as_bytes());
    // The error ends the append; "." then prints the (empty) buffer's dot.
    assert_eq!(String::from_utf8_lossy(&r.stdout), "?\n?\n0\n");
}

// ed.c's getblock: the temporary file holds NBLK (8191) blocks of 1024
// runes; a line that would go past them is "?TMP" (9base's NBLK is
// 32767). putline advances by (runes + 1 + 3) & 077776 from 2.
#[test]
fn temporary_file_limit_is_9fronts() {
    let line = "y".repeat(99);
    let mut t = 2usize;
    let mut n = 0;
    while (t + 99) / 1024 < 8191 {
        t += (99 + 1 + 3) & 0o77776;
        n += 1;
    }
    let d = scratch("tmp");
    let big = d.join("big");
    std::fs::write(&big, format!("{line}\n").repeat(n + 10)).unwrap();
    let r = run_in(&ours(), &[big.to_str().unwrap()], b"$=\nQ\n", None);
    assert_eq!(String::from_utf8_lossy(&r.stdout), format!("?TMP\n{n}\n"));
    let _ = std::fs::remove_dir_all(&d);
}

// A hangup saves the buffer in ed.hup (rescue); an interrupt abandons the
// command with "?" (notifyf). Both as 9base's ed.
#[test]
fn interrupt_and_hangup_match_9base() {
    fn drive(prog: &Path, d: &Path) -> (Vec<u8>, Option<Vec<u8>>) {
        let mut p = Command::new(prog)
            .current_dir(d)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let pid = p.id().to_string();
        let mut w = p.stdin.take().unwrap();
        w.write_all(b"a\nsaved line\nanother\n.\n1p\n").unwrap();
        w.flush().unwrap();
        std::thread::sleep(Duration::from_millis(300));
        Command::new("kill").args(["-INT", &pid]).status().unwrap();
        std::thread::sleep(Duration::from_millis(200));
        w.write_all(b"2p\n").unwrap();
        w.flush().unwrap();
        std::thread::sleep(Duration::from_millis(200));
        Command::new("kill").args(["-HUP", &pid]).status().unwrap();
        let out = p.wait_with_output().unwrap();
        drop(w);
        (out.stdout, std::fs::read(d.join("ed.hup")).ok())
    }
    let (d1, d2) = (scratch("hup-p"), scratch("hup-9"));
    let a = drive(&ours(), &d1);
    let b = drive(&theirs(), &d2);
    assert_eq!(a, b);
    assert_eq!(a.1.as_deref(), Some(&b"saved line\nanother\n"[..]));
    let _ = std::fs::remove_dir_all(&d1);
    let _ = std::fs::remove_dir_all(&d2);
}

/// Commands for random sessions: each is a whole line.
const VOCAB: &[&str] = &[
    "p", ",p", "2p", "$p", "n", "l", "=", ".=", "d", "2d", "$d", "1,2d", "j", "1,3j", "m0", "2m$",
    "1,2m3", "t0", "2t$", "1,2t.", "s/o/0/", "s/e/E/g", ",s/[aeiou]/<&>/g", "s/(.)(.)/\\2\\1/",
    ",s/$/!/", "s/x*/-/g", "u", "ka", "'ap", "'a,.p", "g/o/p", "g/e/d", "v/e/s/^/#/", "g/t/m0",
    "/o/", "?e?", "/e/;+1p", "a\nadded\n.", "i\ninserted\n.", "c\nchanged\n.", "2,3c\nx\ny\n.",
    "r g", "0r g", "w", "w out", "2W out", "f", "+", "-", "+2", "k", "zz", "e", "E g", "q", "Q",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn random_sessions_match_9base(cmds in proptest::collection::vec(0..VOCAB.len(), 1..12)) {
        let script: String = cmds.iter().map(|&i| format!("{}\n", VOCAB[i])).collect::<String>() + ",p\nQ\n";
        same("random", &["f"], &script);
    }
}
