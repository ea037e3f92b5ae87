//! xargs against 9front's xargs.c (9base has no xargs).

use crate::common::*;

fn echo() -> String {
    planten("echo").to_str().unwrap().to_string()
}

#[test]
fn batches_of_n_lines() {
    let e = echo();
    // xargs.c: -n lines per run, default 10.
    let r = run(&planten("xargs"), &["-n", "3", &e], b"1\n2\n3\n4\n5\n6\n7\n");
    assert_eq!((r.code, r.stdout.as_slice()), (Some(0), &b"1 2 3\n4 5 6\n7\n"[..]));
    let input: String = (1..=25).map(|i| format!("{i}\n")).collect();
    let r = run(&planten("xargs"), &[&e], input.as_bytes());
    let want = "1 2 3 4 5 6 7 8 9 10\n11 12 13 14 15 16 17 18 19 20\n21 22 23 24 25\n";
    assert_eq!(String::from_utf8_lossy(&r.stdout), want);
    // the command's own arguments come first; -n3 as one word.
    let r = run(&planten("xargs"), &["-n3", &e, "-z", "x"], b"a\nb\n");
    assert_eq!(r.stdout, b"-z x a b\n");
}

#[test]
fn utf8_empty_and_unterminated_input() {
    let e = echo();
    let r = run(&planten("xargs"), &[&e], "héllo wörld\n日本\n".as_bytes());
    // each line is one argument, blanks and all.
    assert_eq!(String::from_utf8_lossy(&r.stdout), "héllo wörld 日本\n");
    // xargs.c: no line at all, no run.
    let r = run(&planten("xargs"), &[&e, "x"], b"");
    assert_eq!((r.code, r.stdout.len()), (Some(0), 0));
    let r = run(&planten("xargs"), &["-n", "1", &e], b"a\nlast");
    assert_eq!(r.stdout, b"a\nlast\n");
    // an empty line is an empty argument.
    let r = run(&planten("xargs"), &[&e, "<"], b"\n\n");
    assert_eq!(r.stdout, b"<  \n");
}

#[test]
fn large_input() {
    let e = echo();
    let line = "x".repeat(100_000);
    let input = format!("{line}\n{line}\n");
    let r = run(&planten("xargs"), &["-n", "1", &e], input.as_bytes());
    assert_eq!(r.stdout, input.as_bytes());
    let input: String = (0..20_000).map(|i| format!("{i}\n")).collect();
    let r = run(&planten("xargs"), &["-n", "100", &e], input.as_bytes());
    let got: Vec<String> = String::from_utf8_lossy(&r.stdout).split_whitespace().map(String::from).collect();
    assert_eq!(got.len(), 20_000);
    assert_eq!(r.stdout.iter().filter(|&&c| c == b'\n').count(), 200);
}

#[test]
fn parallel_runs_all_batches() {
    let e = echo();
    let input: String = (1..=40).map(|i| format!("{i}\n")).collect();
    let r = run(&planten("xargs"), &["-p", "4", "-n", "2", &e], input.as_bytes());
    assert_eq!(r.code, Some(0));
    let mut lines: Vec<String> = String::from_utf8_lossy(&r.stdout).lines().map(String::from).collect();
    lines.sort();
    let mut want: Vec<String> = (0..20).map(|k| format!("{} {}", 2 * k + 1, 2 * k + 2)).collect();
    want.sort();
    assert_eq!(lines, want);
}

#[test]
fn bin_fallback_and_exec_errors() {
    // xargs.c: a bare name is tried as given, then as /bin/NAME.
    let r = run(&planten("xargs"), &["echo"], b"viabin\n");
    assert_eq!(r.stdout, b"viabin\n");
    // the child that cannot exec reports and fails; xargs itself exits
    // nil (it never looks at its children's status).
    let r = run(&planten("xargs"), &["nosuchcommand-planten"], b"a\n");
    assert_eq!(r.code, Some(0));
    assert!(r.stderr.contains("exec: ") && r.stderr.contains("/bin/nosuchcommand-planten"), "{}", r.stderr);
    let r = run(&planten("xargs"), &["./nosuch"], b"a\n");
    assert!(r.stderr.contains("exec: ") && !r.stderr.contains("/bin/"), "{}", r.stderr);
    // a failing command does not change xargs' status.
    let r = run(&planten("xargs"), &["/bin/false"], b"a\n");
    assert_eq!(r.code, Some(0));
}

#[test]
fn usage() {
    let u = "usage: xargs [ -n lines ] [ -p procs ] args ...\n";
    for args in [&[][..], &["-z", "echo"][..], &["-n"][..], &["-n", "2"][..]] {
        let r = run(&planten("xargs"), args, b"a\n");
        assert_eq!((r.code, r.stderr.as_str(), r.stdout.len()), (Some(1), u, 0), "{args:?}");
    }
}
