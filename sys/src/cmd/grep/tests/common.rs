//! Running planten's grep and 9base's side by side.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What a run printed and how it ended.
#[derive(Debug, PartialEq, Eq)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

/// Runs `prog` with `args` in `dir`, feeding it `stdin`.
pub fn run_in(prog: &Path, args: &[&str], stdin: &[u8], dir: Option<&Path>) -> Run {
    let mut c = Command::new(prog);
    c.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    if let Some(d) = dir {
        c.current_dir(d);
    }
    let mut child = c.spawn().unwrap_or_else(|e| panic!("{}: {e}", prog.display()));
    let mut w = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = w.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    Run {
        code: out.status.code(),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn run(prog: &Path, args: &[&str], stdin: &[u8]) -> Run {
    run_in(prog, args, stdin, None)
}

/// planten's grep.
pub fn planten() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_grep"))
}

/// 9base's grep, installed if need be.
pub fn ninebase() -> PathBuf {
    peers::ninebase::bin("grep").unwrap()
}

/// A scratch directory for one test.
pub fn scratch(test: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("planten-grep-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Asserts that planten's and 9base's grep print the same and exit the
/// same way, in `dir` if given.
pub fn same_in(args: &[&str], stdin: &[u8], dir: Option<&Path>) {
    let ours = run_in(&planten(), args, stdin, dir);
    let theirs = run_in(&ninebase(), args, stdin, dir);
    assert_eq!(
        (ours.code, String::from_utf8_lossy(&ours.stdout)),
        (theirs.code, String::from_utf8_lossy(&theirs.stdout)),
        "grep {args:?}: planten vs 9base\nplanten stderr: {}\n9base stderr: {}",
        ours.stderr,
        theirs.stderr
    );
}

pub fn same(args: &[&str], stdin: &[u8]) {
    same_in(args, stdin, None)
}
