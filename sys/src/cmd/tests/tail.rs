//! tail against 9base's tail and 9front's tail.c.

use crate::common::*;

fn numbers(n: usize) -> Vec<u8> {
    (1..=n).map(|i| format!("{i}\n")).collect::<String>().into_bytes()
}

const FORMS: &[&[&str]] = &[
    &[],
    &["-n", "3"],
    &["-n3"],
    &["-3"],
    &["+3"],
    &["-n", "+4"],
    &["-c", "20"],
    &["-c20"],
    &["-20c"],
    &["+20c"],
    &["-2b"],
    &["-r"],
    &["-5r"],
    &["-r", "-n", "4"],
    &["-0"],
    &["+0"],
    &["-1l"],
    &["--", "-"],
];

#[test]
fn tail_matches_9base_on_files_and_pipes() {
    let d = scratch("tail");
    let big = d.join("big");
    // > 64 KiB: crosses tail.c's Bsize reads backwards and forwards.
    std::fs::write(&big, numbers(30000)).unwrap();
    let small = d.join("small");
    std::fs::write(&small, "one\ntwo\nthree\nfour, é\nno newline").unwrap();
    for f in [&big, &small] {
        let f = f.to_str().unwrap();
        for form in FORMS {
            if form.contains(&"-") {
                continue;
            }
            let mut args: Vec<&str> = form.to_vec();
            args.push(f);
            same_as_9base("tail", &args, b"");
        }
    }
    for input in [numbers(30000), b"a\nb\nlast".to_vec(), Vec::new()] {
        for form in FORMS {
            same_as_9base("tail", form, &input);
        }
    }
}

#[test]
fn counts_as_tail_c_reads_them() {
    let r = run(&planten("tail"), &["+2"], b"1\n2\n3\n");
    assert_eq!(r.stdout, b"2\n3\n");
    let r = run(&planten("tail"), &["-r"], b"1\n2\n3");
    // -r adds the missing final newline before reversing (keep()).
    assert_eq!(r.stdout, b"3\n2\n1\n");
    let r = run(&planten("tail"), &["-c", "3"], "aé世".as_bytes());
    assert_eq!(r.stdout, "世".as_bytes());
}

#[test]
fn errors_are_9fronts() {
    let t = planten("tail");
    let r = run(&t, &["-r", "-c", "5"], b"");
    assert_eq!(r.stderr.split(':').take(2).collect::<Vec<_>>(), ["tail", " incompatible options"]);
    assert_eq!(r.code, Some(1));
    let r = run(&t, &["-3", "-4"], b"");
    assert!(r.stderr.starts_with("tail: excess option:"), "{}", r.stderr);
    let r = run(&t, &["-n"], b"");
    assert_eq!(r.stderr, "usage: tail [-n N] [-c N] [-f] [-r] [+-N[bc][fr]] [file]\n");
    assert_eq!(r.code, Some(1));
    let r = run(&t, &["-3x"], b"");
    assert!(r.stderr.starts_with("usage: tail"));
    let r = run(&t, &["a", "b"], b"");
    assert!(r.stderr.starts_with("usage: tail"));
    let r = run(&t, &["-99999999999"], b"");
    assert!(r.stderr.starts_with("tail: too big:"), "{}", r.stderr);
    let r = run(&t, &["/nonexistent/file"], b"");
    assert!(r.stderr.starts_with("tail: /nonexistent/file: "), "{}", r.stderr);
    assert_eq!(r.code, Some(1));
    for args in [&["-r", "-c", "5"][..], &["-3", "-4"], &["-n"], &["/nonexistent/file"]] {
        assert_eq!(run(&ninebase("tail"), args, b"").code, Some(1), "{args:?}");
    }
}

#[test]
fn follow_is_parsed_and_prints_the_tail_first() {
    let d = scratch("tailf");
    let f = d.join("f");
    std::fs::write(&f, b"a\nb\n").unwrap();
    let mut child = std::process::Command::new(planten("tail"))
        .args(["-f", "-1"])
        .arg(&f)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    std::fs::OpenOptions::new().append(true).open(&f).unwrap();
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.stdout, b"b\n");
}
