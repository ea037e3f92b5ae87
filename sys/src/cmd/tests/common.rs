//! Running a planten command and its 9base counterpart side by side.

use std::path::PathBuf;

pub use peers::run::{run, run_in, Run};

/// planten's build of `name`.
pub fn planten(name: &str) -> PathBuf {
    let exe = match name {
        "echo" => env!("CARGO_BIN_EXE_echo"),
        "cat" => env!("CARGO_BIN_EXE_cat"),
        "wc" => env!("CARGO_BIN_EXE_wc"),
        "seq" => env!("CARGO_BIN_EXE_seq"),
        "sleep" => env!("CARGO_BIN_EXE_sleep"),
        "tee" => env!("CARGO_BIN_EXE_tee"),
        "uniq" => env!("CARGO_BIN_EXE_uniq"),
        "tail" => env!("CARGO_BIN_EXE_tail"),
        "cmp" => env!("CARGO_BIN_EXE_cmp"),
        "comm" => env!("CARGO_BIN_EXE_comm"),
        "pwd" => env!("CARGO_BIN_EXE_pwd"),
        "basename" => env!("CARGO_BIN_EXE_basename"),
        "cleanname" => env!("CARGO_BIN_EXE_cleanname"),
        "mkdir" => env!("CARGO_BIN_EXE_mkdir"),
        "rm" => env!("CARGO_BIN_EXE_rm"),
        "mv" => env!("CARGO_BIN_EXE_mv"),
        "cp" => env!("CARGO_BIN_EXE_cp"),
        "touch" => env!("CARGO_BIN_EXE_touch"),
        "ls" => env!("CARGO_BIN_EXE_ls"),
        "du" => env!("CARGO_BIN_EXE_du"),
        "chmod" => env!("CARGO_BIN_EXE_chmod"),
        "mtime" => env!("CARGO_BIN_EXE_mtime"),
        "test" => env!("CARGO_BIN_EXE_test"),
        "xd" => env!("CARGO_BIN_EXE_xd"),
        "tr" => env!("CARGO_BIN_EXE_tr"),
        "strings" => env!("CARGO_BIN_EXE_strings"),
        "sum" => env!("CARGO_BIN_EXE_sum"),
        "read" => env!("CARGO_BIN_EXE_read"),
        "sort" => env!("CARGO_BIN_EXE_sort"),
        "date" => env!("CARGO_BIN_EXE_date"),
        "unicode" => env!("CARGO_BIN_EXE_unicode"),
        "ascii" => env!("CARGO_BIN_EXE_ascii"),
        "split" => env!("CARGO_BIN_EXE_split"),
        "join" => env!("CARGO_BIN_EXE_join"),
        "md5sum" => env!("CARGO_BIN_EXE_md5sum"),
        "sha1sum" => env!("CARGO_BIN_EXE_sha1sum"),
        "freq" => env!("CARGO_BIN_EXE_freq"),
        "look" => env!("CARGO_BIN_EXE_look"),
        "fmt" => env!("CARGO_BIN_EXE_fmt"),
        "sed" => env!("CARGO_BIN_EXE_sed"),
        "xargs" => env!("CARGO_BIN_EXE_xargs"),
        "time" => env!("CARGO_BIN_EXE_time"),
        "walk" => env!("CARGO_BIN_EXE_walk"),
        "chgrp" => env!("CARGO_BIN_EXE_chgrp"),
        "col" => env!("CARGO_BIN_EXE_col"),
        "p" => env!("CARGO_BIN_EXE_p"),
        "pr" => env!("CARGO_BIN_EXE_pr"),
        "bind" => env!("CARGO_BIN_EXE_bind"),
        "mount" => env!("CARGO_BIN_EXE_mount"),
        "unmount" => env!("CARGO_BIN_EXE_unmount"),
        "ns" => env!("CARGO_BIN_EXE_ns"),
        "srv" => env!("CARGO_BIN_EXE_srv"),
        "ps" => env!("CARGO_BIN_EXE_ps"),
        _ => panic!("no command {name}"),
    };
    PathBuf::from(exe)
}

/// 9base's `name`, installed if need be.
pub fn ninebase(name: &str) -> PathBuf {
    peers::ninebase::bin(name).unwrap()
}

/// A scratch directory for one test.
pub fn scratch(test: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("planten-cmd-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Asserts that planten's and 9base's `name` print the same and end the
/// same way for `args` and `stdin`.
pub fn same_as_9base(name: &str, args: &[&str], stdin: &[u8]) {
    let ours = run(&planten(name), args, stdin);
    let theirs = run(&ninebase(name), args, stdin);
    assert_eq!(
        (ours.code, String::from_utf8_lossy(&ours.stdout)),
        (theirs.code, String::from_utf8_lossy(&theirs.stdout)),
        "{name} {args:?}: planten vs 9base\nplanten stderr: {}\n9base stderr: {}",
        ours.stderr,
        theirs.stderr
    );
}
