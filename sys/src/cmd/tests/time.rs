//! time against 9front's time.c (9base has no time).

use crate::common::*;

/// Splits time's report into the three times and the rest.
fn report(stderr: &str) -> (Vec<f64>, String) {
    let line = stderr.strip_suffix('\n').expect("one line");
    let (times, rest) = line.split_once(" \t").expect("blank and tab after the times");
    let mut v = Vec::new();
    for (t, unit) in times.split(' ').zip(['u', 's', 'r']) {
        let n = t.strip_suffix(unit).unwrap_or_else(|| panic!("{t}: no {unit}"));
        let (s, c) = n.split_once('.').unwrap();
        assert_eq!(c.len(), 2, "hundredths: {n}");
        assert!(s.bytes().all(|b| b.is_ascii_digit()));
        v.push(n.parse().unwrap());
    }
    (v, rest.to_string())
}

#[test]
fn reports_times_and_command() {
    let echo = planten("echo");
    let e = echo.to_str().unwrap();
    let r = run(&planten("time"), &[e, "héllo"], b"");
    assert_eq!((r.code, r.stdout.as_slice()), (Some(0), &"héllo\n".as_bytes()[..]));
    let (t, rest) = report(&r.stderr);
    assert_eq!(t.len(), 3);
    // time.c's add() puts a blank before each piece, the tab and every
    // argument included.
    assert_eq!(rest, format!(" {e} héllo"));
    // real time covers a sleep.
    let r = run(&planten("time"), &["/bin/sleep", "0.3"], b"");
    let (t, rest) = report(&r.stderr);
    assert!(t[2] >= 0.29 && t[2] < 5.0, "{t:?}");
    assert_eq!(rest, " /bin/sleep 0.3");
}

#[test]
fn long_command_lines_are_cut_after_five_words() {
    let r = run(&planten("time"), &["/bin/true", "1", "2", "3", "4", "5", "6"], b"");
    let (_, rest) = report(&r.stderr);
    assert_eq!(rest, " /bin/true 1 2 3 4 ...");
    let r = run(&planten("time"), &["/bin/true", "1", "2", "3"], b"");
    assert_eq!(report(&r.stderr).1, " /bin/true 1 2 3");
}

#[test]
fn passes_stdin_and_status() {
    let cat = planten("cat");
    let mut big = "ü".repeat(40_000).into_bytes();
    big.extend_from_slice(b"no newline");
    let r = run(&planten("time"), &[cat.to_str().unwrap()], &big);
    assert_eq!((r.code, r.stdout), (Some(0), big));
    let r = run(&planten("time"), &[cat.to_str().unwrap()], b"");
    assert_eq!((r.code, r.stdout.len()), (Some(0), 0));
    // time.c: a failed command's status is shown after "# status=" and
    // becomes time's own.
    let r = run(&planten("time"), &["/bin/false"], b"");
    assert_eq!(r.code, Some(1));
    assert_eq!(report(&r.stderr).1, " /bin/false  # status=1");
    // bare names are tried in /bin too.
    let r = run(&planten("time"), &["true"], b"");
    assert_eq!(r.code, Some(0));
}

#[test]
fn errors() {
    let r = run(&planten("time"), &[], b"");
    assert_eq!((r.code, r.stderr.as_str()), (Some(1), "usage: time command\n"));
    // time.c: the child reports "time: NAME: ERR" when neither NAME nor
    // /bin/NAME can be exec'd.
    let r = run(&planten("time"), &["nosuch-planten-cmd"], b"");
    assert_ne!(r.code, Some(0));
    let first = r.stderr.lines().next().unwrap();
    assert!(first.starts_with("time: nosuch-planten-cmd: "), "{}", r.stderr);
    assert!(first.contains("/bin/nosuch-planten-cmd"), "{}", r.stderr);
}
