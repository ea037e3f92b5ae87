//! comm against 9front's comm.c (9base has no comm).

use crate::common::*;

fn comm(args: &[&str]) -> Run {
    run(&planten("comm"), args, b"")
}

fn files(name: &str, a: &[u8], b: &[u8]) -> (String, String) {
    let d = scratch(name);
    let (pa, pb) = (d.join("a"), d.join("b"));
    std::fs::write(&pa, a).unwrap();
    std::fs::write(&pb, b).unwrap();
    (pa.to_str().unwrap().into(), pb.to_str().unwrap().into())
}

#[test]
fn three_columns_and_suppression() {
    let (a, b) = files("comm", b"apple\nbanana\ncherry\nzebra\n", b"banana\ncarrot\ncherry\n");
    let r = comm(&[&a, &b]);
    assert_eq!(String::from_utf8(r.stdout).unwrap(), "apple\n\t\tbanana\n\tcarrot\n\t\tcherry\nzebra\n");
    assert_eq!(r.code, Some(0));
    let cases = [
        ("-1", "\tbanana\ncarrot\n\tcherry\n"),
        ("-2", "apple\n\tbanana\n\tcherry\nzebra\n"),
        ("-3", "apple\n\tcarrot\nzebra\n"),
        ("-12", "banana\ncherry\n"),
        ("-21", "banana\ncherry\n"),
        ("-13", "carrot\n"),
        ("-23", "apple\nzebra\n"),
        ("-123", ""),
    ];
    for (f, want) in cases {
        let r = comm(&[f, &a, &b]);
        assert_eq!(String::from_utf8(r.stdout).unwrap(), want, "{f}");
    }
}

#[test]
fn comm_c_quirks() {
    // Bytes 80-ff are negative chars: "é" sorts before "a" in comm.c.
    let (a, b) = files("commutf", "é\n".as_bytes(), b"a\n");
    let r = comm(&[&a, &b]);
    assert_eq!(String::from_utf8(r.stdout).unwrap(), "é\n\ta\n");
    // A last line without a newline is not read (rd returns -1 at EOF).
    let (a, b) = files("commnonl", b"x\ny", b"x\ny\n");
    let r = comm(&[&a, &b]);
    assert_eq!(String::from_utf8(r.stdout).unwrap(), "\t\tx\n\ty\n");
    // Lines are cut at 2047 bytes and the next byte is lost.
    let mut long = vec![b'q'; 2050];
    long.push(b'\n');
    let (a, b) = files("commlong", &long, b"");
    let r = comm(&[&a, &b]);
    let mut want = vec![b'q'; 2047];
    want.extend_from_slice(b"\nqq\n");
    assert_eq!(r.stdout, want);
    // "-" is standard input.
    let (a, _) = files("commstdin", b"m\n", b"");
    let r = run(&planten("comm"), &["-", &a], b"l\nm\n");
    assert_eq!(String::from_utf8(r.stdout).unwrap(), "l\n\t\tm\n");
}

#[test]
fn empty_and_large_inputs() {
    let (a, b) = files("commempty", b"", b"");
    assert_eq!(comm(&[&a, &b]).stdout, b"");
    let (a, b) = files("commone", b"", b"x\n");
    assert_eq!(comm(&[&a, &b]).stdout, b"\tx\n");
    let la: String = (0..20000).filter(|i| i % 2 == 0).map(|i| format!("{i:06}\n")).collect();
    let lb: String = (0..20000).filter(|i| i % 3 == 0).map(|i| format!("{i:06}\n")).collect();
    let (a, b) = files("commbig", la.as_bytes(), lb.as_bytes());
    let r = comm(&["-3", &a, &b]);
    let want: String = (0..20000)
        .filter(|i| (i % 2 == 0) != (i % 3 == 0))
        .map(|i| if i % 2 == 0 { format!("{i:06}\n") } else { format!("\t{i:06}\n") })
        .collect();
    assert_eq!(String::from_utf8(r.stdout).unwrap(), want);
}

#[test]
fn errors() {
    let r = comm(&["-x", "a", "b"]);
    assert_eq!(r.stderr, "usage: comm [-123] file1 file2\n");
    assert_eq!(r.code, Some(1));
    let r = comm(&["a"]);
    assert_eq!(r.stderr, "usage: comm [-123] file1 file2\n");
    let r = comm(&["/nonexistent", "/nonexistent"]);
    assert!(r.stderr.starts_with("comm: cannot open /nonexistent: "), "{}", r.stderr);
    assert_eq!(r.code, Some(1));
}
