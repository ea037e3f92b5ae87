//! lib9p's semantics, checked against 9front's srv.c, fid.c, file.c and
//! uid.c by speaking raw 9P to a server over a pipe: error strings,
//! version negotiation and reset, flush ordering, fid rules and
//! permission checks on file trees.

use std::sync::{Arc, Mutex};

use lib9p::file::{createfile, Tree};
use lib9p::{Req, Srv};
use libc::fcall::*;
use libc::syscall::{pipe, read, write, Fd};

struct Peer(Fd);

impl Peer {
    fn send(&self, tag: u16, msg: Msg) {
        write(self.0, &Fcall::new(tag, msg).to_bytes().unwrap()).unwrap();
    }
    fn fill(&self, b: &mut [u8]) -> bool {
        let mut o = 0;
        while o < b.len() {
            match read(self.0, &mut b[o..]) {
                Ok(0) | Err(_) => return false,
                Ok(n) => o += n,
            }
        }
        true
    }
    fn recv(&self) -> Fcall {
        self.try_recv().expect("server hung up")
    }
    fn try_recv(&self) -> Option<Fcall> {
        let mut hdr = [0u8; 4];
        if !self.fill(&mut hdr) {
            return None;
        }
        let n = u32::from_le_bytes(hdr) as usize;
        let mut b = vec![0u8; n];
        b[..4].copy_from_slice(&hdr);
        if !self.fill(&mut b[4..]) {
            return None;
        }
        Some(Fcall::decode(&b).unwrap())
    }
    fn rpc(&self, tag: u16, msg: Msg) -> Msg {
        self.send(tag, msg);
        let r = self.recv();
        assert_eq!(r.tag, tag);
        r.msg
    }
    fn err(&self, tag: u16, msg: Msg) -> String {
        match self.rpc(tag, msg) {
            Msg::Rerror { ename } => ename.to_string_lossy().into_owned(),
            m => panic!("expected an error, got {m:?}"),
        }
    }
    fn version(&self, msize: u32) {
        assert_eq!(
            self.rpc(NOTAG, Msg::Tversion { msize, version: "9P2000".into() }),
            Msg::Rversion { msize, version: "9P2000".into() }
        );
    }
    fn attach(&self, fid: u32, uname: &str) -> Qid {
        match self.rpc(1, Msg::Tattach { fid, afid: NOFID, uname: uname.into(), aname: "".into() }) {
            Msg::Rattach { qid } => qid,
            m => panic!("{m:?}"),
        }
    }
}

/// A file-tree server whose reads are held until the test lets them go.
struct Held {
    tree: Arc<Tree>,
    held: Mutex<Vec<Req>>,
    flushes: Mutex<Vec<u16>>,
}

impl Srv for Held {
    fn tree(&self) -> Option<Arc<Tree>> {
        Some(self.tree.clone())
    }
    fn read(&self, r: Req) {
        self.held.lock().unwrap().push(r);
    }
    fn flush(&self, r: Req) {
        self.flushes.lock().unwrap().push(r.oldreq.as_ref().unwrap().tag);
        r.respond(None);
    }
    fn write(&self, mut r: Req) {
        r.ofcall.count = r.writeargs().1.len() as u32;
        r.respond(None);
    }
}

fn serve<S: Srv>(s: Arc<S>) -> Peer {
    let [a, b] = pipe().unwrap();
    std::thread::spawn(move || lib9p::srv::srvfd(s, b));
    Peer(a)
}

fn held() -> (Arc<Held>, Peer) {
    let t = Tree::new(Some("glenda"), Some("sys"), 0o775, None);
    let f = createfile(&t.root, b"file", Some("glenda"), 0o664, None).unwrap();
    createfile(&t.root, b"dir", Some("glenda"), DMDIR | 0o775, None).unwrap();
    drop(f);
    let s = Arc::new(Held { tree: Arc::new(t), held: Mutex::new(vec![]), flushes: Mutex::new(vec![]) });
    let p = serve(s.clone());
    (s, p)
}

fn wait_held(s: &Held, n: usize) {
    for _ in 0..500 {
        if s.held.lock().unwrap().len() >= n {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    panic!("the read never reached the server");
}

fn openfile(p: &Peer, fid: u32, name: &str, mode: u8) {
    let Msg::Rwalk { wqid } = p.rpc(2, Msg::Twalk { fid: 0, newfid: fid, wname: vec![name.into()] }) else { panic!() };
    assert_eq!(wqid.len(), 1);
    assert!(matches!(p.rpc(3, Msg::Topen { fid, mode }), Msg::Ropen { .. }));
}

// srv.c's sversion: "9P" prefix, 256 minimum, 1MB maximum.
#[test]
fn version_negotiation_follows_srv_c() {
    let (_s, p) = held();
    assert_eq!(
        p.rpc(NOTAG, Msg::Tversion { msize: 8192, version: "9P2000.L".into() }),
        Msg::Rversion { msize: 8192, version: "9P2000".into() }
    );
    assert_eq!(
        p.rpc(NOTAG, Msg::Tversion { msize: 8192, version: "XP1".into() }),
        Msg::Rversion { msize: 256, version: "unknown".into() }
    );
    assert_eq!(p.err(NOTAG, Msg::Tversion { msize: 255, version: "9P2000".into() }), "version: message size too small");
    assert_eq!(
        p.rpc(NOTAG, Msg::Tversion { msize: 4 << 20, version: "9P2000".into() }),
        Msg::Rversion { msize: 1 << 20, version: "9P2000".into() }
    );
}

#[test]
fn messages_over_msize_end_the_connection() {
    let (_s, p) = held();
    p.version(8192);
    p.attach(0, "glenda");
    openfile(&p, 1, "file", OWRITE);
    p.send(5, Msg::Twrite { fid: 1, offset: 0, data: vec![0; 9000] });
    assert!(p.try_recv().is_none(), "read9pmsg refuses a length over msize");
}

// version(5): a Tversion aborts outstanding requests and clunks all fids.
#[test]
fn tversion_resets_the_session() {
    let (s, p) = held();
    p.version(8192);
    p.attach(0, "glenda");
    openfile(&p, 1, "file", OREAD);
    p.send(7, Msg::Tread { fid: 1, offset: 0, count: 10 });
    wait_held(&s, 1);
    p.version(8192);
    // The held read is answered now, but it was aborted: no reply.
    let r = s.held.lock().unwrap().pop().unwrap();
    r.respond(None);
    assert_eq!(p.err(8, Msg::Tstat { fid: 0 }), "unknown fid");
    assert_eq!(p.err(9, Msg::Tclunk { fid: 1 }), "unknown fid");
    // Fids can be used afresh.
    p.attach(0, "glenda");
}

// srv.c's rflush: the Rflush waits for the flushed request's reply.
#[test]
fn rflush_follows_the_flushed_reply() {
    let (s, p) = held();
    p.version(8192);
    p.attach(0, "glenda");
    openfile(&p, 1, "file", OREAD);
    p.send(7, Msg::Tread { fid: 1, offset: 0, count: 10 });
    wait_held(&s, 1);
    p.send(8, Msg::Tflush { oldtag: 7 });
    for _ in 0..500 {
        if !s.flushes.lock().unwrap().is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    assert_eq!(*s.flushes.lock().unwrap(), [7]);
    let mut r = s.held.lock().unwrap().pop().unwrap();
    r.ofcall.data = b"data".to_vec();
    r.respond(None);
    assert_eq!(p.recv(), Fcall::new(7, Msg::Rread { data: b"data".to_vec() }));
    assert_eq!(p.recv(), Fcall::new(8, Msg::Rflush));
}

// A flushed request the server abandons gets no reply; the Rflush goes.
#[test]
fn an_abandoned_flushed_request_gets_no_reply() {
    let (s, p) = held();
    p.version(8192);
    p.attach(0, "glenda");
    openfile(&p, 1, "file", OREAD);
    p.send(7, Msg::Tread { fid: 1, offset: 0, count: 10 });
    wait_held(&s, 1);
    p.send(8, Msg::Tflush { oldtag: 7 });
    std::thread::sleep(std::time::Duration::from_millis(20));
    drop(s.held.lock().unwrap().pop());
    assert_eq!(p.recv(), Fcall::new(8, Msg::Rflush));
    // Next on the wire is the answer to the next request.
    assert_eq!(p.rpc(9, Msg::Tclunk { fid: 1 }), Msg::Rclunk);
}

#[test]
fn flush_of_an_unknown_tag_answers_at_once() {
    let (_s, p) = held();
    p.version(8192);
    assert_eq!(p.rpc(3, Msg::Tflush { oldtag: 99 }), Msg::Rflush);
    assert_eq!(p.rpc(3, Msg::Tflush { oldtag: 3 }), Msg::Rflush);
}

#[test]
fn a_duplicate_tag_is_an_error_and_the_first_goes_on() {
    let (s, p) = held();
    p.version(8192);
    p.attach(0, "glenda");
    openfile(&p, 1, "file", OREAD);
    p.send(7, Msg::Tread { fid: 1, offset: 0, count: 10 });
    wait_held(&s, 1);
    assert_eq!(p.err(7, Msg::Tstat { fid: 0 }), "duplicate tag");
    s.held.lock().unwrap().pop().unwrap().respond(None);
    assert_eq!(p.recv(), Fcall::new(7, Msg::Rread { data: vec![] }));
}

// The error strings of srv.c, each from the check that makes it.
#[test]
fn fid_and_mode_errors_are_9fronts() {
    let (_s, p) = held();
    p.version(8192);
    p.attach(0, "glenda");
    assert_eq!(p.err(1, Msg::Tattach { fid: 0, afid: NOFID, uname: "x".into(), aname: "".into() }), "duplicate fid");
    assert_eq!(p.err(1, Msg::Tattach { fid: 5, afid: 77, uname: "x".into(), aname: "".into() }), "unknown fid");
    // The failed attach did not keep fid 5.
    assert_eq!(p.err(1, Msg::Tstat { fid: 5 }), "unknown fid");
    assert_eq!(p.err(1, Msg::Twalk { fid: 9, newfid: 10, wname: vec![] }), "unknown fid");
    assert_eq!(p.err(1, Msg::Twalk { fid: 0, newfid: 0 + 0, wname: vec!["nope".into()] }), "file not found");
    openfile(&p, 1, "file", OREAD);
    assert_eq!(p.err(1, Msg::Twalk { fid: 1, newfid: 2, wname: vec![] }), "cannot clone open fid");
    assert_eq!(p.err(1, Msg::Topen { fid: 1, mode: OREAD }), "9P protocol botch");
    assert_eq!(p.err(1, Msg::Twrite { fid: 1, offset: 0, data: vec![1] }), "9P protocol botch");
    assert_eq!(p.err(1, Msg::Tcreate { fid: 1, name: "x".into(), perm: 0o644, mode: 0 }), "9P protocol botch");
    let Msg::Rwalk { .. } = p.rpc(1, Msg::Twalk { fid: 0, newfid: 2, wname: vec!["file".into()] }) else { panic!() };
    assert_eq!(p.err(1, Msg::Twalk { fid: 2, newfid: 3, wname: vec!["x".into()] }), "walk in non-directory");
    assert_eq!(p.err(1, Msg::Tcreate { fid: 2, name: "x".into(), perm: 0o644, mode: 0 }), "create in non-directory");
    assert_eq!(p.err(1, Msg::Tread { fid: 2, offset: 0, count: 1 }), "9P protocol botch");
    assert_eq!(p.err(1, Msg::Twalk { fid: 0, newfid: 2, wname: vec![] }), "duplicate fid");
    let Msg::Rwalk { .. } = p.rpc(1, Msg::Twalk { fid: 0, newfid: 3, wname: vec!["dir".into()] }) else { panic!() };
    assert_eq!(p.err(1, Msg::Topen { fid: 3, mode: OWRITE }), "is a directory");
    assert!(matches!(p.rpc(1, Msg::Topen { fid: 3, mode: OREAD }), Msg::Ropen { .. }));
    // Directory reads must go on from where the last stopped, or restart.
    assert_eq!(p.err(1, Msg::Tread { fid: 3, offset: 5, count: 100 }), "bad offset");
    assert_eq!(p.err(1, Msg::Twstat { fid: 3, stat: vec![1, 2, 3] }), "bad directory in wstat");
    let mut d = libc::nulldir::nulldir();
    d.qid.path = 12345;
    assert_eq!(p.err(1, Msg::Twstat { fid: 3, stat: d.to_bytes().unwrap() }), "wstat -- attempt to change qid.path");
    let mut d = libc::nulldir::nulldir();
    d.mode = 0o1000;
    assert_eq!(p.err(1, Msg::Twstat { fid: 3, stat: d.to_bytes().unwrap() }), "wstat -- unknown bits in mode");
    let mut d = libc::nulldir::nulldir();
    d.mode = 0o644;
    assert_eq!(p.err(1, Msg::Twstat { fid: 3, stat: d.to_bytes().unwrap() }), "wstat -- attempt to change qid.type");
    let d = libc::nulldir::nulldir();
    assert_eq!(p.err(1, Msg::Twstat { fid: 3, stat: d.to_bytes().unwrap() }), "wstat prohibited");
    assert_eq!(p.err(1, Msg::Tcreate { fid: 0, name: "x".into(), perm: 0o644, mode: 0 }), "create prohibited");
    assert_eq!(p.err(1, Msg::Tclunk { fid: 99 }), "unknown fid");
    assert_eq!(p.err(1, Msg::Tremove { fid: 99 }), "unknown fid");
    // An R-message is not a request.
    assert_eq!(p.err(1, Msg::Rclunk), "unknown message");
    // Tauth without an auth handler.
    let e = p.err(1, Msg::Tauth { afid: 50, uname: "glenda".into(), aname: "".into() });
    assert!(e.ends_with(": authentication not required"), "{e}");
    assert_eq!(p.err(1, Msg::Tstat { fid: 50 }), "unknown fid");
}

// Walks: partial walks answer with the qids found and no error; the new
// fid is not made.
#[test]
fn partial_walks_follow_srv_c() {
    let (_s, p) = held();
    p.version(8192);
    p.attach(0, "glenda");
    let Msg::Rwalk { wqid } = p.rpc(1, Msg::Twalk { fid: 0, newfid: 1, wname: vec!["dir".into(), "nope".into()] }) else { panic!() };
    assert_eq!(wqid.len(), 1);
    assert_eq!(p.err(1, Msg::Tstat { fid: 1 }), "unknown fid");
    // `..` of the root is the root.
    let Msg::Rwalk { wqid } = p.rpc(1, Msg::Twalk { fid: 0, newfid: 1, wname: vec!["..".into(), "dir".into(), "..".into()] }) else { panic!() };
    assert_eq!(wqid.iter().map(|q| q.path).collect::<Vec<_>>(), [0, 2, 0]);
    // Walking a fid to itself moves it.
    let Msg::Rwalk { .. } = p.rpc(1, Msg::Twalk { fid: 1, newfid: 1, wname: vec!["file".into()] }) else { panic!() };
    let Msg::Rstat { stat } = p.rpc(1, Msg::Tstat { fid: 1 }) else { panic!() };
    assert_eq!(Dir::decode(&stat).unwrap().name, "file");
}

// uid.c's hasperm decides opens, creates and removes on file trees.
#[test]
fn permissions_on_file_trees_follow_uid_c() {
    let t = Tree::new(Some("glenda"), Some("glenda"), 0o755, None);
    createfile(&t.root, b"secret", Some("glenda"), 0o600, None).unwrap();
    createfile(&t.root, b"shared", Some("glenda"), 0o666, None).unwrap();
    let s = Arc::new(Held { tree: Arc::new(t), held: Mutex::new(vec![]), flushes: Mutex::new(vec![]) });
    let p = serve(s.clone());
    p.version(8192);
    p.attach(0, "bob");
    let walk = |fid, name: &str| {
        let Msg::Rwalk { wqid } = p.rpc(1, Msg::Twalk { fid: 0, newfid: fid, wname: vec![name.into()] }) else { panic!() };
        assert_eq!(wqid.len(), 1);
    };
    walk(1, "secret");
    assert_eq!(p.err(1, Msg::Topen { fid: 1, mode: OREAD }), "permission denied");
    walk(2, "shared");
    assert!(matches!(p.rpc(1, Msg::Topen { fid: 2, mode: ORDWR }), Msg::Ropen { .. }));
    walk(3, "shared");
    // ORCLOSE needs write permission in the directory (0755, not bob's).
    assert_eq!(p.err(1, Msg::Topen { fid: 3, mode: OREAD | ORCLOSE }), "permission denied");
    assert_eq!(p.err(1, Msg::Tcreate { fid: 0, name: "x".into(), perm: 0o644, mode: 0 }), "permission denied");
    // The failed remove still clunks the fid.
    walk(4, "shared");
    assert_eq!(p.err(1, Msg::Tremove { fid: 4 }), "permission denied");
    assert_eq!(p.err(1, Msg::Tstat { fid: 4 }), "unknown fid");
    // The owner may do what bob may not.
    p.attach(10, "glenda");
    let Msg::Rwalk { .. } = p.rpc(1, Msg::Twalk { fid: 10, newfid: 11, wname: vec!["secret".into()] }) else { panic!() };
    assert!(matches!(p.rpc(1, Msg::Topen { fid: 11, mode: ORDWR }), Msg::Ropen { .. }));
    let Msg::Rwalk { .. } = p.rpc(1, Msg::Twalk { fid: 10, newfid: 12, wname: vec!["shared".into()] }) else { panic!() };
    assert_eq!(p.rpc(1, Msg::Tremove { fid: 12 }), Msg::Rremove);
    assert_eq!(p.err(1, Msg::Twalk { fid: 10, newfid: 13, wname: vec!["shared".into()] }), "file not found");
    // Removing the root: lib9p reports removefile's error.
    let Msg::Rwalk { .. } = p.rpc(1, Msg::Twalk { fid: 10, newfid: 14, wname: vec![] }) else { panic!() };
    assert_eq!(p.err(1, Msg::Tremove { fid: 14 }), "remove /: cannot remove root");
}

// Ropen's iounit and the cut of reads to msize - IOHDRSZ (sread).
#[test]
fn reads_are_cut_to_the_iounit() {
    let (s, p) = held();
    p.version(300);
    p.attach(0, "glenda");
    openfile(&p, 1, "file", OREAD);
    p.send(7, Msg::Tread { fid: 1, offset: 0, count: 100_000 });
    wait_held(&s, 1);
    let r = s.held.lock().unwrap().pop().unwrap();
    assert_eq!(r.readargs(), (0, 300 - IOHDRSZ as u32));
    drop(r);
    assert_eq!(p.recv(), Fcall::new(7, Msg::Rerror { ename: "request abandoned".into() }));
}
