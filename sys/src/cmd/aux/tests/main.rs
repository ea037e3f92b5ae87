//! Tests of aux/9pcon and aux/9pbench against a lib9p file server on a
//! loopback port. 9pcon's lines are 9front's fcallfmt (checked against
//! 9front's fcallfmt.c in libc's tests); its errors and flags are those
//! of 9front's 9pcon.c.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use lib9p::file::Tree;
use lib9p::{Req, Srv};

struct Fs(Arc<Tree>);

impl Srv for Fs {
    fn tree(&self) -> Option<Arc<Tree>> {
        Some(self.0.clone())
    }
    fn read(&self, mut r: Req) {
        lib9p::util::readstr(&mut r, "hello from lib9p");
        r.respond(None);
    }
    fn write(&self, mut r: Req) {
        r.ofcall.count = r.writeargs().1.len() as u32;
        r.respond(None);
    }
    fn create(&self, mut r: Req) {
        let fid = r.fid.clone().unwrap();
        let (name, perm, _) = r.createargs();
        let name = name.clone();
        match lib9p::file::createfile(&fid.file().unwrap(), name.as_bytes(), Some(&fid.uid()), perm, None) {
            Ok(f) => {
                r.ofcall.qid = f.qid();
                fid.lock().file = Some(f);
                r.respond(None);
            }
            Err(e) => r.respond(Some(&e)),
        }
    }
}

fn server() -> u16 {
    let fs: Arc<dyn Srv> = Arc::new(Fs(Arc::new(Tree::new(Some("glenda"), Some("sys"), 0o777, None))));
    let dir = lib9p::listen::listensrv(fs, "tcp!127.0.0.1!0").unwrap();
    libc::announce::getnetconninfo(&dir).unwrap().lserv.parse().unwrap()
}

/// Runs 9pcon with `args`, types `input`, waits for `want` lines of
/// output, then ends its input; returns (stdout lines, stderr, success).
fn con(args: &[&str], input: &str, want: usize) -> (Vec<String>, String, bool) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_9pcon"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut w = child.stdin.take().unwrap();
    let out = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines() {
            if tx.send(l.unwrap()).is_err() {
                break;
            }
        }
    });
    w.write_all(input.as_bytes()).unwrap();
    let mut lines = Vec::new();
    while lines.len() < want {
        match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(l) => lines.push(l),
            Err(_) => break,
        }
    }
    drop(w);
    let st = child.wait_with_output().unwrap();
    while let Ok(l) = rx.recv_timeout(Duration::from_millis(100)) {
        lines.push(l);
    }
    (lines, String::from_utf8_lossy(&st.stderr).into_owned(), st.status.success())
}

#[test]
fn ninepcon_speaks_9p_in_fcallfmt_lines() {
    let port = server();
    let input = "Tversion 8192 9P2000\n\
                 # a comment\n\
                 Tattach 0 ~0 glenda ''\n\
                 Twalk 0 1\n\
                 Tcreate 1 f 644 2\n\
                 Twrite 1 0 'hi there'\n\
                 Tread 1 0 100\n\
                 Twalk 0 2 nope\n\
                 Tclunk 9\n";
    let (lines, err, ok) = con(&["-n", &format!("tcp!127.0.0.1!{port}")], input, 16);
    assert!(ok, "{err}");
    assert_eq!(lines.len(), 16, "{lines:?}");
    let sent: Vec<&String> = lines.iter().filter(|l| l.starts_with("\t->")).collect();
    let got: Vec<&String> = lines.iter().filter(|l| l.starts_with("\t<-")).collect();
    assert_eq!(
        sent,
        [
            "\t-> Tversion tag 65535 msize 8192 version '9P2000'",
            "\t-> Tattach tag 1 fid 0 afid 0 uname glenda aname ",
            "\t-> Twalk tag 2 fid 0 newfid 1 nwname 0 ",
            "\t-> Tcreate tag 3 fid 1 name f perm 0644 mode 2",
            "\t-> Twrite tag 4 fid 1 offset 0 count 8 'hi there'",
            "\t-> Tread tag 5 fid 1 offset 0 count 100",
            "\t-> Twalk tag 6 fid 0 newfid 2 nwname 1 0:nope ",
            "\t-> Tclunk tag 7 fid 9",
        ]
    );
    assert_eq!(got[0], "\t<- Rversion tag 65535 msize 8192 version '9P2000'");
    assert_eq!(got[1], "\t<- Rattach tag 1 qid (0000000000000000 0 d)");
    assert_eq!(got[2], "\t<- Rwalk tag 2 nwqid 0 ");
    assert_eq!(got[3], "\t<- Rcreate tag 3 qid (0000000000000001 0 ) iounit 0 ");
    assert_eq!(got[4], "\t<- Rwrite tag 4 count 8");
    assert_eq!(got[5], "\t<- Rread tag 5 count 16 'hello from lib9p'");
    assert_eq!(got[6], "\t<- Rerror tag 6 ename file not found");
    assert_eq!(got[7], "\t<- Rerror tag 7 ename unknown fid");
}

// run()'s errors: unknown commands and wrong argument counts.
#[test]
fn ninepcon_reports_bad_lines_as_9front_does() {
    let port = server();
    let input = "Bogus 1\nTopen 1\nnexttag 100\nTclunk 5\nend\n";
    let (lines, err, ok) = con(&["-n", &format!("tcp!127.0.0.1!{port}")], input, 2);
    assert!(ok);
    assert_eq!(
        err,
        "?unknown message\n?usage: Topen fid mode\nnext tag is 100\n?no function defined\n"
    );
    assert!(lines.contains(&"\t-> Tclunk tag 100 fid 5".to_string()), "{lines:?}");
}

// def/end and -a: R lines are checked against what the server sent.
#[test]
fn ninepcon_functions_and_assertions() {
    let port = server();
    let input = "def hello\nTversion 8192 9P2000\nRversion 8192 9P2000\nend\nhello\nTclunk 3\nRclunk\n";
    let (lines, err, ok) = con(&["-a", "-n", &format!("tcp!127.0.0.1!{port}")], input, 3);
    assert!(!ok, "the mismatch ends 9pcon with a failure: {lines:?} {err}");
    // Every line but Tversion takes a tag, def and end included (9pcon.c's run):
    // def 1, end 2, Rversion 3, Tclunk 4, Rclunk 5; the check copies the tag.
    assert!(err.starts_with("?mismatch Rerror tag 5 ename unknown fid != Rclunk tag 5"), "{err}");
    assert_eq!(lines[0], "\t-> Tversion tag 65535 msize 8192 version '9P2000'");
}

#[test]
fn ninepcon_usage() {
    let out = Command::new(env!("CARGO_BIN_EXE_9pcon")).output().unwrap();
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "usage: aux/9pcon [-m messagesize] /srv/service | -c command | -n networkaddress\n"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_9pcon")).args(["-c", "-n", "x"]).output().unwrap();
    assert!(!out.status.success());
}

// 9pbench runs against any 9P2000 server: here lib9p's, briefly.
#[test]
fn ninepbench_reports_medians() {
    let port = server();
    let out = Command::new(env!("CARGO_BIN_EXE_9pbench"))
        .args(["-a", &format!("tcp!127.0.0.1!{port}"), "-t", "1", "-r", "1", "-n", "2", "-m", "8216"])
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{s}{}", String::from_utf8_lossy(&out.stderr));
    assert!(s.starts_with(&format!("9pbench: tcp!127.0.0.1!{port} msize 8216 reqsize 8192 conns 2 runs 1 x 1s\n")), "{s}");
    for m in ["walk+open+clunk/s (2 conns): median ", "write MB/s (1 conn): median ", "read MB/s (1 conn): median "] {
        assert!(s.contains(m), "{s}");
    }
}
