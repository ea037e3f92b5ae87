//! The client's multiplexing, flush and msize negotiation, against a
//! scripted server on the other end of a pipe that answers in whatever
//! order the test says.

use std::sync::Arc;

use libc::fcall::*;
use libc::syscall::{pipe, read, write, Fd};
use lib9pclient::{Client, Fid};

/// The server's end: whole 9P messages in and out.
struct Peer(Fd);

impl Peer {
    fn recv(&self) -> Fcall {
        let mut hdr = [0u8; 4];
        self.fill(&mut hdr);
        let n = u32::from_le_bytes(hdr) as usize;
        let mut b = vec![0u8; n];
        b[..4].copy_from_slice(&hdr);
        self.fill(&mut b[4..]);
        Fcall::decode(&b).unwrap()
    }
    fn fill(&self, b: &mut [u8]) {
        let mut o = 0;
        while o < b.len() {
            let n = read(self.0, &mut b[o..]).unwrap();
            assert!(n > 0, "client hung up");
            o += n;
        }
    }
    fn send(&self, f: Fcall) {
        write(self.0, &f.to_bytes().unwrap()).unwrap();
    }
}

fn pair() -> (Arc<Client>, Peer) {
    let [a, b] = pipe().unwrap();
    (Arc::new(Client::from_fd(a)), Peer(b))
}

#[test]
fn many_outstanding_requests_get_their_own_replies() {
    let (c, p) = pair();
    let mut hs = Vec::new();
    for i in 0..8u32 {
        let c = c.clone();
        hs.push(std::thread::spawn(move || {
            let e = c.stat(Fid(i)).unwrap_err();
            assert_eq!(e.as_str(), format!("no such fid {i}"));
        }));
    }
    // Take all eight, then answer them last first.
    let mut reqs: Vec<Fcall> = (0..8).map(|_| p.recv()).collect();
    let mut tags: Vec<u16> = reqs.iter().map(|f| f.tag).collect();
    tags.sort();
    tags.dedup();
    assert_eq!(tags.len(), 8, "each outstanding request has its own tag");
    reqs.reverse();
    for f in reqs {
        let Msg::Tstat { fid } = f.msg else { panic!("{f:?}") };
        p.send(Fcall::new(f.tag, Msg::Rerror { ename: format!("no such fid {fid}").into() }));
    }
    for h in hs {
        h.join().unwrap();
    }
}

#[test]
fn flush_before_the_reply_interrupts_the_request() {
    let (c, p) = pair();
    let c2 = c.clone();
    let t = std::thread::spawn(move || c2.read(Fid(1), 0, 10));
    let r = p.recv();
    let Msg::Tread { .. } = r.msg else { panic!() };
    let c3 = c.clone();
    let oldtag = r.tag;
    let f = std::thread::spawn(move || c3.flush(oldtag));
    let fl = p.recv();
    assert_eq!(fl.msg, Msg::Tflush { oldtag });
    assert_ne!(fl.tag, oldtag);
    p.send(Fcall::new(fl.tag, Msg::Rflush));
    f.join().unwrap().unwrap();
    assert_eq!(t.join().unwrap().unwrap_err().as_str(), "interrupted");
    // The old tag is free again, and the connection still works.
    let c4 = c.clone();
    let t = std::thread::spawn(move || c4.clunk(Fid(1)));
    let r = p.recv();
    p.send(Fcall::new(r.tag, Msg::Rclunk));
    t.join().unwrap().unwrap();
}

#[test]
fn a_reply_before_the_rflush_is_delivered() {
    let (c, p) = pair();
    let c2 = c.clone();
    let t = std::thread::spawn(move || c2.read(Fid(1), 0, 10));
    let r = p.recv();
    let c3 = c.clone();
    let oldtag = r.tag;
    let f = std::thread::spawn(move || c3.flush(oldtag));
    let fl = p.recv();
    // flush(5): the server answers the old request, then the flush.
    p.send(Fcall::new(oldtag, Msg::Rread { data: b"late".to_vec() }));
    p.send(Fcall::new(fl.tag, Msg::Rflush));
    f.join().unwrap().unwrap();
    assert_eq!(t.join().unwrap().unwrap(), b"late");
}

#[test]
fn version_takes_the_smaller_msize_and_cuts_reads() {
    let (c, p) = pair();
    let c2 = c.clone();
    let t = std::thread::spawn(move || c2.version(65560, "9P2000"));
    let v = p.recv();
    assert_eq!(v.tag, NOTAG);
    assert_eq!(v.msg, Msg::Tversion { msize: 65560, version: "9P2000".into() });
    p.send(Fcall::new(NOTAG, Msg::Rversion { msize: 8216, version: "9P2000".into() }));
    assert_eq!(t.join().unwrap().unwrap(), (8216, "9P2000".into()));
    assert_eq!(c.iounit(), 8216 - IOHDRSZ as u32);
    let c2 = c.clone();
    let t = std::thread::spawn(move || c2.read(Fid(0), 0, 100_000));
    let r = p.recv();
    assert_eq!(r.msg, Msg::Tread { fid: 0, offset: 0, count: 8192 });
    p.send(Fcall::new(r.tag, Msg::Rread { data: vec![7; 3] }));
    assert_eq!(t.join().unwrap().unwrap(), [7, 7, 7]);
}

#[test]
fn a_server_of_another_version_is_refused() {
    let (c, p) = pair();
    let t = std::thread::spawn(move || c.version(8192, "9P2000"));
    let v = p.recv();
    p.send(Fcall::new(v.tag, Msg::Rversion { msize: 8192, version: "unknown".into() }));
    assert!(t.join().unwrap().is_err());
}

#[test]
fn a_hangup_fails_every_waiter() {
    let (c, p) = pair();
    let mut hs = Vec::new();
    for i in 0..3 {
        let c = c.clone();
        hs.push(std::thread::spawn(move || c.stat(Fid(i))));
    }
    for _ in 0..3 {
        p.recv();
    }
    libc::syscall::close(p.0).unwrap();
    for h in hs {
        assert!(h.join().unwrap().is_err());
    }
    assert!(c.stat(Fid(0)).is_err());
}
