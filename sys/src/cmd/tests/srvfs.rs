//! srvfs's command line and plumbing, against 9front's srvfs.c: the
//! exportfs it starts (here a stand-in script, as planten has no exportfs
//! yet) must get srvfs.c's argument list and the pipe as its standard
//! input and output, and the post must hold the pipe's other end.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn srvfs() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_srvfs"))
}

fn scratch(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("planten-srvfs-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A stand-in exportfs that records its arguments and what its standard
/// input and output are.
fn fake_exportfs(d: &Path) -> PathBuf {
    let f = d.join("exportfs");
    let rec = d.join("record");
    std::fs::write(
        &f,
        format!(
            "#!/bin/sh\nin=$(readlink /proc/$$/fd/0)\nout=$(readlink /proc/$$/fd/1)\nprintf '%s\\n' \"$*\" \"$in\" \"$out\" > {}.tmp\nmv {}.tmp {}\n",
            rec.display(),
            rec.display(),
            rec.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o755)).unwrap();
    f
}

fn wait_for(p: &Path) -> String {
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(10) {
        if let Ok(s) = std::fs::read_to_string(p) {
            return s;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("{} never appeared", p.display());
}

// srvfs.c's main: exportfs gets "-d", "-P file", "-R" in the order of the
// flags, then "-r path"; its fds 0 and 1 are one end of the pipe; the post
// is made with the -p mode and holds the other end's number.
#[test]
fn starts_exportfs_on_a_posted_pipe() {
    let d = scratch("plumb");
    let fake = fake_exportfs(&d);
    let post = d.join("post");
    let out = Command::new(srvfs())
        .args(["-R", "-p", "644", "-d", "-P", "pats", "-e", fake.to_str().unwrap(), post.to_str().unwrap(), "/some/path"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let rec = wait_for(&d.join("record"));
    let lines: Vec<&str> = rec.lines().collect();
    assert_eq!(lines[0], "-R -d -P pats -r /some/path");
    assert_eq!(lines[1], lines[2], "exportfs's stdin and stdout are one pipe end");
    let meta = std::fs::metadata(&post).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o644);
    let n = std::fs::read_to_string(&post).unwrap();
    assert!(!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()), "{n:?}");
    // The default mode is 600.
    let post2 = d.join("post2");
    let _ = std::fs::remove_file(d.join("record"));
    let out = Command::new(srvfs())
        .args(["-e", fake.to_str().unwrap(), post2.to_str().unwrap(), "/"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(wait_for(&d.join("record")).lines().next(), Some("-r /"));
    assert_eq!(std::fs::metadata(&post2).unwrap().permissions().mode() & 0o777, 0o600);
    let _ = std::fs::remove_dir_all(&d);
}

// The errors of srvfs.c: usage (status "usage"), the post that cannot be
// made ("can't create NAME: ERR"), and exportfs that cannot be run ("can't
// exec exportfs: ERR", while srvfs itself succeeds).
#[test]
fn errors_are_9fronts() {
    let out = Command::new(srvfs()).arg("onlyone").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.starts_with("usage: ") && e.ends_with(" [-dR] [-p perm] [-P patternfile] [-e exportfs] srvname path\n"), "{e}");
    let out = Command::new(srvfs()).args(["-x", "a", "b"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("usage: "));
    let out = Command::new(srvfs()).args(["/nonexistent/dir/post", "/"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "can't create /nonexistent/dir/post: file does not exist: '/nonexistent/dir/post'\n"
    );
    let d = scratch("noexec");
    let post = d.join("post");
    let out = Command::new(srvfs())
        .args(["-e", "/nonexistent/exportfs", post.to_str().unwrap(), "/"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "can't exec exportfs: file does not exist: '/nonexistent/exportfs'\n"
    );
    let _ = std::fs::remove_dir_all(&d);
}
