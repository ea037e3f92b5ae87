//! Running planten's grep and 9base's side by side.

use std::path::{Path, PathBuf};

pub use peers::run::{run, run_in};

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
