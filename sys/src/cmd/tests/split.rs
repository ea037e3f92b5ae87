//! split against 9base's split (the pieces it writes, its output and exit
//! status), and 9front's split.c where they differ (-e's first piece).

use crate::common::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Runs `prog` with `args` in a fresh directory holding `input` as `in`
/// (passed as the file argument unless `stdin`), and returns the exit
/// code and the files it left (but `in`).
fn pieces(prog: &Path, tag: &str, args: &[&str], input: &[u8], stdin: bool) -> (Option<i32>, BTreeMap<String, Vec<u8>>, String) {
    let d = scratch(tag);
    std::fs::write(d.join("in"), input).unwrap();
    let mut a: Vec<&str> = args.to_vec();
    if !stdin {
        a.push("in");
    }
    let r = run_in(&prog.to_path_buf(), &a, if stdin { input } else { b"" }, Some(&d));
    let mut files = BTreeMap::new();
    for e in std::fs::read_dir(&d).unwrap() {
        let e = e.unwrap();
        let n = e.file_name().into_string().unwrap();
        if n != "in" {
            files.insert(n, std::fs::read(e.path()).unwrap());
        }
    }
    let _ = std::fs::remove_dir_all(&d);
    (r.code, files, r.stderr)
}

fn same(tag: &str, args: &[&str], input: &[u8]) {
    for stdin in [false, true] {
        let ours = pieces(&planten("split"), &format!("{tag}-p"), args, input, stdin);
        let theirs = pieces(&ninebase("split"), &format!("{tag}-9"), args, input, stdin);
        assert_eq!((ours.0, &ours.1), (theirs.0, &theirs.1), "split {args:?} stdin={stdin}");
    }
}

fn big() -> Vec<u8> {
    (1..=20000).map(|i| format!("line {i} ünïcödé\n")).collect::<String>().into_bytes()
}

#[test]
fn line_counts_match_9base() {
    same("basic", &["-n", "2"], b"a\nb\nc\nd\ne\n");
    same("nonl", &["-n", "2"], b"a\nb\nc");
    same("onlynonl", &[], b"abc");
    same("empty", &[], b"");
    same("l1", &["-l", "1"], b"a\nb\n");
    same("l1b", &["-l1"], b"a\nb\n");
    same("n0", &["-n", "0"], b"a\nb\n");
    same("nneg", &["-n", "-3"], b"a\nb\n");
    same("natoi", &["-n", "2x"], b"a\nb\nc\n");
    same("stem", &["-n", "1", "-f", "pre"], b"a\nb\nc\n");
    same("utf", &["-n", "1", "-f", "ü"], "é\nü\n世\n".as_bytes());
    same("big", &["-n", "7000"], &big());
    same("default", &[], &big());
    // More than xaa..xzz: the rest goes to xzz, with a warning.
    let many: String = (0..700).map(|i| format!("{i}\n")).collect();
    same("many", &["-n", "1"], many.as_bytes());
    let r = pieces(&planten("split"), "many-msg", &["-n", "1"], many.as_bytes(), false);
    assert_eq!(r.2, "split: file xzz not split\n");
    assert_eq!(r.1["xzz"], (675..700).map(|i| format!("{i}\n")).collect::<String>().into_bytes());
}

#[test]
fn expressions() {
    // split.c calls matchfile with an empty match before reading, so under
    // -e the lines before the first match go to xaa (9base drops them).
    let input = b"x\n# one\ny\n# two\nz\n";
    let r = pieces(&planten("split"), "e1", &["-e", "^# (.*)"], input, false);
    let want: BTreeMap<String, Vec<u8>> =
        [("xaa", &b"x\n"[..]), ("one", b"# one\ny\n"), ("two", b"# two\nz\n")].iter().map(|(k, v)| (k.to_string(), v.to_vec())).collect();
    assert_eq!((r.0, r.1), (Some(0), want));
    let r = pieces(&planten("split"), "e2", &["-e", "^# (.*)", "-x", "-s", ".txt"], input, true);
    let want: BTreeMap<String, Vec<u8>> =
        [("xaa", &b"x\n"[..]), ("one.txt", b"y\n"), ("two.txt", b"z\n")].iter().map(|(k, v)| (k.to_string(), v.to_vec())).collect();
    assert_eq!(r.1, want);
    // -i folds the line (so the name) and the expression; a last line
    // without a newline is dropped under -e.
    let r = pieces(&planten("split"), "e3", &["-e", "^# (T.*)", "-i"], "x\n# One\ny\n# TWÖ\nz".as_bytes(), false);
    let want: BTreeMap<String, Vec<u8>> =
        [("xaa", &b"x\n# One\ny\n"[..]), ("twÖ", "# TWÖ\n".as_bytes())].iter().map(|(k, v)| (k.to_string(), v.to_vec())).collect();
    assert_eq!(r.1, want);
    // Without a subexpression, pieces are numbered; the last -e counts.
    let r = pieces(&planten("split"), "e4", &["-e", "nothing", "-e", "SEP"], b"x\nSEP\ny\nSEP\nz\n", false);
    let want: BTreeMap<String, Vec<u8>> =
        [("xaa", &b"x\n"[..]), ("xab", b"SEP\ny\n"), ("xac", b"SEP\nz\n")].iter().map(|(k, v)| (k.to_string(), v.to_vec())).collect();
    assert_eq!(r.1, want);
    let r = pieces(&planten("split"), "e5", &["-x", "-e", "SEP", "-f", "p"], b"x\nSEP\ny\nSEP\nz\n", false);
    let want: BTreeMap<String, Vec<u8>> =
        [("paa", &b"x\n"[..]), ("pab", b"y\n"), ("pac", b"z\n")].iter().map(|(k, v)| (k.to_string(), v.to_vec())).collect();
    assert_eq!(r.1, want);
    // No match: everything in xaa; empty input: an empty xaa.
    let r = pieces(&planten("split"), "e6", &["-e", "zzz"], &big(), false);
    assert_eq!(r.1["xaa"], big());
    let r = pieces(&planten("split"), "e7", &["-e", "zzz"], b"", false);
    assert_eq!(r.1["xaa"], b"");
}

#[test]
fn errors() {
    let r = pieces(&planten("split"), "u1", &["-q"], b"", true);
    assert_eq!((r.0, r.2.as_str()), (Some(1), "usage: split [-n num] [-e exp] [-f stem] [-s suff] [-x] [-i] [file]\n"));
    let r = pieces(&planten("split"), "u2", &["a", "b"], b"", true);
    assert_eq!(r.0, Some(1));
    assert!(r.2.starts_with("usage: split"));
    let r = pieces(&planten("split"), "u3", &["-n"], b"", true);
    assert!(r.2.starts_with("usage: split"));
    let r = pieces(&planten("split"), "open", &["nope"], b"", true);
    assert_eq!((r.0, r.2.as_str()), (Some(1), "split: can't open nope: file does not exist: 'nope'\n"));
    assert!(r.1.is_empty());
    // A bad expression is reported by regcomp's default regerror.
    let r = pieces(&planten("split"), "badre", &["-e", "("], b"x\n", true);
    assert_eq!(r.0, Some(1));
    assert!(r.2.starts_with("regerror: "), "{}", r.2);
    // A piece that cannot be created: 9front's message says grep.
    let r = pieces(&planten("split"), "create", &["-f", "no/such/dir/x"], b"a\n", true);
    assert_eq!(r.0, Some(1));
    assert!(r.2.starts_with("grep: can't create no/such/dir/xaa: "), "{}", r.2);
}
