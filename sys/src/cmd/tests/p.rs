//! p against 9front's p.c (9base has no p). The console is a pseudo-tty
//! made p's controlling terminal (planten's p falls back to /dev/tty for
//! 9front's /dev/cons); p's output goes to a pipe, so it is exact.

use crate::common::*;

/// Runs p with `args` and `stdin`, typing `answers` on its terminal
/// once p has printed the first page.
fn p(args: &[&str], stdin: &[u8], answers: &str) -> Run {
    let script = r#"
import os, sys, fcntl, termios, tty, subprocess, time
prog, answers, args = sys.argv[1], sys.argv[2], sys.argv[3:]
m, s = os.openpty()
tty.setraw(s)
def ctty():
    os.setsid()
    fcntl.ioctl(s, termios.TIOCSCTTY, 0)
c = subprocess.Popen([prog] + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE, preexec_fn=ctty, pass_fds=[s])
os.close(s)
import threading
def feed():
    time.sleep(0.3)
    os.write(m, answers.encode())
threading.Thread(target=feed, daemon=True).start()
out, err = c.communicate(sys.stdin.buffer.read(), timeout=30)
sys.stdout.buffer.write(out)
sys.stderr.buffer.write(err)
sys.exit(c.returncode)
"#;
    let prog = planten("p");
    let mut a = vec!["-c", script, prog.to_str().unwrap(), answers];
    a.extend_from_slice(args);
    run(&peers::python::python3().unwrap(), &a, stdin)
}

fn nums(a: u32, b: u32) -> String {
    (a..=b).map(|i| format!("{i}\n")).collect()
}

#[test]
fn pages_of_22_lines() {
    let input = nums(1, 30);
    // p.c: the last line of a page goes out without its newline.
    let r = p(&[], input.as_bytes(), "\n\n");
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let want = format!("{}22{}", nums(1, 21), nums(23, 30));
    assert_eq!(String::from_utf8_lossy(&r.stdout), want);
    // q stops after the first page.
    let r = p(&[], input.as_bytes(), "q\n");
    assert_eq!(String::from_utf8_lossy(&r.stdout), format!("{}22", nums(1, 21)));
    // only the first character counts.
    let r = p(&[], input.as_bytes(), "quit\n");
    assert_eq!((r.code, String::from_utf8_lossy(&r.stdout).into_owned()), (Some(0), format!("{}22", nums(1, 21))));
}

#[test]
fn page_length_and_files() {
    let d = scratch("p");
    let f = d.join("f");
    std::fs::write(&f, nums(1, 7)).unwrap();
    let fs = f.to_str().unwrap();
    let r = p(&["-3", fs], b"ignored\n", "\n\n\n");
    assert_eq!(String::from_utf8_lossy(&r.stdout), "1\n2\n34\n5\n67\n");
    // a bad count is 22.
    let r = p(&["-0", fs], b"", "\n");
    assert_eq!(String::from_utf8_lossy(&r.stdout), nums(1, 7));
    let r = p(&["-x", fs], b"", "\n");
    assert_eq!(String::from_utf8_lossy(&r.stdout), nums(1, 7));
    // an unopenable file is reported and skipped.
    let r = p(&["/no/such/file", fs], b"", "\n");
    assert_eq!(r.code, Some(0));
    assert!(r.stderr.starts_with("p: can't open /no/such/file - "), "{}", r.stderr);
    assert_eq!(String::from_utf8_lossy(&r.stdout), nums(1, 7));
}

#[test]
fn utf8_empty_unterminated_large() {
    let r = p(&[], "héllo\n日本".as_bytes(), "\n");
    assert_eq!(String::from_utf8_lossy(&r.stdout), "héllo\n日本");
    let r = p(&[], b"", "");
    assert_eq!((r.code, r.stdout.len()), (Some(0), 0));
    // a line longer than a Bio buffer is copied whole.
    let mut big = "x".repeat(100_000);
    big.push('\n');
    big.push_str("end\n");
    let r = p(&[], big.as_bytes(), "\n\n");
    assert_eq!(String::from_utf8_lossy(&r.stdout), big);
}

#[test]
fn shell_escape() {
    // "!cmd" runs /bin/rc -c cmd, when there is one.
    if !std::path::Path::new("/bin/rc").exists() {
        return;
    }
    // p.c: after the command p waits for another line.
    let r = p(&["-2"], b"a\nb\nc\n", "!echo hi\n\n");
    assert_eq!(String::from_utf8_lossy(&r.stdout), "a\nbhi\nc\n");
}

#[test]
fn no_console() {
    // p.c: without a console p fails at once.
    let r = run(&std::path::PathBuf::from("setsid"), &["-w", planten("p").to_str().unwrap()], b"x\n");
    assert_eq!(r.code, Some(1));
    assert_eq!(r.stderr, "p: can't open /dev/cons\n");
    assert_eq!(r.stdout, b"");
}
