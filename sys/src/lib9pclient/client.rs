//! The multiplexing client.
//!
//! Requests go out with a free tag; the proc that sent one waits for the
//! reply with that tag. Of the waiting procs, one at a time reads from the
//! connection: it files each reply under its tag and wakes the proc that
//! waits for it; when its own reply comes it stops reading, and wakes a
//! sleeping proc to read in its place. A proc that finds its reply filed
//! needs no wakeup at all, so a lone caller reads its own replies.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use libc::fcall::*;

use crate::transport::{Rendezvous, Transport};
use crate::{Error, Result};

/// A fid on the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fid(pub u32);

/// An outstanding request, to wait for or flush.
#[derive(Debug)]
#[must_use]
pub struct Pending {
    pub tag: u16,
}

#[derive(Default)]
struct Slot {
    reply: Option<Result<Fcall>>,
    sleeping: bool,
    /// For a Tflush: the tag it flushes.
    flushes: Option<u16>,
}

struct State {
    slots: BTreeMap<u16, Slot>,
    nexttag: u16,
    reading: bool,
    dead: Option<Error>,
}

struct Rbuf {
    buf: Vec<u8>,
    start: usize,
    end: usize,
}

/// Rendezvous tags: a block of 2^16 per client, clear of the tags libc's
/// locks use (their top bit is set).
static TAGBASE: AtomicUsize = AtomicUsize::new(1);

/// A 9P2000 client on one connection.
pub struct Client {
    t: Box<dyn Transport>,
    rz: Box<dyn Rendezvous>,
    st: spin::Mutex<State>,
    rbuf: spin::Mutex<Rbuf>,
    wlock: spin::Mutex<Vec<u8>>,
    msize: AtomicU32,
    fids: spin::Mutex<(u32, Vec<u32>)>,
    base: usize,
}

const WAKE: usize = 1;

impl Client {
    /// A client on `t`, not yet versioned (msize 8192+IOHDRSZ until
    /// [`Client::version`]).
    pub fn new(t: Box<dyn Transport>, rz: Box<dyn Rendezvous>) -> Client {
        let base = (TAGBASE.fetch_add(1, Ordering::Relaxed) << 17) & !(1usize << (usize::BITS - 1));
        let msize = 8192 + IOHDRSZ as u32;
        Client {
            t,
            rz,
            st: spin::Mutex::new(State { slots: BTreeMap::new(), nexttag: 0, reading: false, dead: None }),
            rbuf: spin::Mutex::new(Rbuf { buf: vec![0; 2 * msize as usize], start: 0, end: 0 }),
            wlock: spin::Mutex::new(Vec::new()),
            msize: AtomicU32::new(msize),
            fids: spin::Mutex::new((0, Vec::new())),
            base,
        }
    }

    /// A client on a libc descriptor, which it closes when dropped.
    #[cfg(any(feature = "linux", feature = "native"))]
    pub fn from_fd(fd: libc::syscall::Fd) -> Client {
        Client::new(Box::new(crate::FdTransport::new(fd)), Box::new(crate::LibcRendezvous))
    }

    /// Dials `addr` (a dial string) and negotiates `msize`.
    #[cfg(any(feature = "linux", feature = "native"))]
    pub fn dial(addr: &str, msize: u32) -> Result<Client> {
        let fd = libc::dial::dial(addr, None).map_err(|e| Error(e.0))?;
        let c = Client::from_fd(fd);
        c.version(msize, VERSION9P)?;
        Ok(c)
    }

    /// The negotiated message size.
    pub fn msize(&self) -> u32 {
        self.msize.load(Ordering::Acquire)
    }

    /// The most data one read or write carries.
    pub fn iounit(&self) -> u32 {
        self.msize() - IOHDRSZ as u32
    }

    /// A fid number not in use.
    pub fn newfid(&self) -> Fid {
        let mut f = self.fids.lock();
        if let Some(n) = f.1.pop() {
            return Fid(n);
        }
        let n = f.0;
        f.0 += 1;
        Fid(n)
    }

    /// Gives back a fid number (after a clunk or remove, or a failed walk).
    pub fn freefid(&self, fid: Fid) {
        self.fids.lock().1.push(fid.0);
    }

    fn key(&self, tag: u16) -> usize {
        self.base | tag as usize
    }

    /// Sends `msg` with tag `tag` (which must be reserved).
    fn send(&self, tag: u16, msg: Msg) -> Result<()> {
        let f = Fcall { tag, msg };
        let mut w = self.wlock.lock();
        let n = f.size().map_err(|e| Error(alloc::format!("{e}")))?;
        if n > self.msize() as usize && f.typ() != Tversion {
            return Err(Error::new("message too large for msize"));
        }
        w.resize(n, 0);
        f.encode(&mut w).map_err(|e| Error(alloc::format!("{e}")))?;
        self.t.write(&w)
    }

    fn alloctag(&self) -> Result<u16> {
        let mut st = self.st.lock();
        if let Some(e) = &st.dead {
            return Err(e.clone());
        }
        if st.slots.len() >= 65535 {
            return Err(Error::new("too many outstanding requests"));
        }
        loop {
            let t = st.nexttag;
            st.nexttag = st.nexttag.wrapping_add(1);
            if t != NOTAG && !st.slots.contains_key(&t) {
                st.slots.insert(t, Slot::default());
                return Ok(t);
            }
        }
    }

    fn freetag(&self, tag: u16) {
        self.st.lock().slots.remove(&tag);
    }

    /// Sends a request; wait for its reply with [`Client::wait`].
    pub fn start(&self, msg: Msg) -> Result<Pending> {
        let tag = if let Msg::Tversion { .. } = msg { NOTAG } else { self.alloctag()? };
        if tag == NOTAG {
            let mut st = self.st.lock();
            if st.slots.contains_key(&NOTAG) {
                return Err(Error::new("version already outstanding"));
            }
            st.slots.insert(NOTAG, Slot::default());
        }
        if let Msg::Tflush { oldtag } = msg {
            if let Some(s) = self.st.lock().slots.get_mut(&tag) {
                s.flushes = Some(oldtag);
            }
        }
        if let Err(e) = self.send(tag, msg) {
            self.freetag(tag);
            return Err(e);
        }
        Ok(Pending { tag })
    }

    /// Reads the next message from the connection.
    fn readmsg(&self) -> Result<Fcall> {
        let mut rb = self.rbuf.lock();
        loop {
            let have = rb.end - rb.start;
            if have >= BIT32SZ {
                let n = gbit32(&rb.buf[rb.start..]).unwrap_or(0) as usize;
                if n < BIT32SZ + BIT8SZ + BIT16SZ || n > self.msize() as usize {
                    return Err(Error::new("bad length in 9P2000 message header"));
                }
                if have >= n {
                    let s = rb.start;
                    rb.start += n;
                    return Fcall::decode(&rb.buf[s..s + n]).map_err(|e| Error(alloc::format!("{e}")));
                }
                if rb.buf.len() - rb.start < n {
                    let (s, e) = (rb.start, rb.end);
                    rb.buf.copy_within(s..e, 0);
                    rb.end -= s;
                    rb.start = 0;
                    if rb.buf.len() < n {
                        rb.buf.resize(n, 0);
                    }
                }
            } else if rb.start == rb.end {
                rb.start = 0;
                rb.end = 0;
            } else if rb.buf.len() - rb.end < BIT32SZ {
                let (s, e) = (rb.start, rb.end);
                rb.buf.copy_within(s..e, 0);
                rb.end -= s;
                rb.start = 0;
            }
            let end = rb.end;
            let m = self.t.read(&mut rb.buf[end..])?;
            if m == 0 {
                return Err(Error::new("connection closed"));
            }
            rb.end += m;
        }
    }

    /// Wakes a sleeping proc so that it reads in our place.
    fn handoff(&self, st: &mut State) -> Option<u16> {
        if st.reading {
            return None;
        }
        let t = st.slots.iter_mut().find(|(_, s)| s.sleeping).map(|(t, s)| {
            s.sleeping = false;
            *t
        })?;
        Some(t)
    }

    /// Waits for the reply to `p`.
    pub fn wait(&self, p: Pending) -> Result<Fcall> {
        let tag = p.tag;
        let mut st = self.st.lock();
        loop {
            if let Some(r) = st.slots.get_mut(&tag).and_then(|s| s.reply.take()) {
                st.slots.remove(&tag);
                let w = self.handoff(&mut st);
                drop(st);
                if let Some(w) = w {
                    self.rz.rendezvous(self.key(w), WAKE);
                }
                return r;
            }
            if !st.reading {
                st.reading = true;
                drop(st);
                let res = self.readmsg();
                st = self.st.lock();
                st.reading = false;
                let mut wake: Vec<u16> = Vec::new();
                match res {
                    Ok(f) => {
                        let mut flushed = None;
                        if let Some(s) = st.slots.get_mut(&f.tag) {
                            if s.reply.is_none() {
                                let t = f.tag;
                                flushed = s.flushes.take();
                                s.reply = Some(Ok(f));
                                if s.sleeping {
                                    s.sleeping = false;
                                    wake.push(t);
                                }
                            }
                        }
                        // A reply to no one (a flushed tag) is dropped.
                        // After an Rflush, the flushed request will get no
                        // reply: it is interrupted.
                        if let Some(old) = flushed {
                            if let Some(s) = st.slots.get_mut(&old) {
                                if s.reply.is_none() {
                                    s.reply = Some(Err(Error::new("interrupted")));
                                    if s.sleeping {
                                        s.sleeping = false;
                                        wake.push(old);
                                    }
                                }
                            }
                        }
                    }
                    Err(e) => {
                        st.dead = Some(e.clone());
                        for (t, s) in st.slots.iter_mut() {
                            if s.reply.is_none() {
                                s.reply = Some(Err(e.clone()));
                            }
                            if s.sleeping {
                                s.sleeping = false;
                                wake.push(*t);
                            }
                        }
                    }
                }
                if !wake.is_empty() {
                    drop(st);
                    for t in wake {
                        self.rz.rendezvous(self.key(t), WAKE);
                    }
                    st = self.st.lock();
                }
                continue;
            }
            match st.slots.get_mut(&tag) {
                Some(s) => s.sleeping = true,
                None => return Err(Error::new("unknown tag")),
            }
            drop(st);
            self.rz.rendezvous(self.key(tag), 0);
            st = self.st.lock();
        }
    }

    /// Sends `msg` and waits for its reply; an Rerror is an `Err`.
    pub fn rpc(&self, msg: Msg) -> Result<Msg> {
        let p = self.start(msg)?;
        let f = self.wait(p)?;
        match f.msg {
            Msg::Rerror { ename } => Err(Error(ename.to_string_lossy().into_owned())),
            m => Ok(m),
        }
    }

    /// Flushes the request with tag `oldtag` (flush(5)). When it returns,
    /// the old request is answered: by its reply, if the server sent one
    /// before the Rflush, or else by the error "interrupted".
    pub fn flush(&self, oldtag: u16) -> Result<()> {
        match self.rpc(Msg::Tflush { oldtag }) {
            Ok(Msg::Rflush) => Ok(()),
            Ok(_) => Err(Error::new("unexpected reply to Tflush")),
            Err(e) => Err(e),
        }
    }

    /// Tversion: offers `msize` and `version`; keeps the smaller msize.
    /// The server's version must be 9P2000.
    pub fn version(&self, msize: u32, version: &str) -> Result<(u32, String)> {
        match self.rpc(Msg::Tversion { msize, version: version.into() })? {
            Msg::Rversion { msize: m, version: v } => {
                let v = v.to_string_lossy().into_owned();
                if v != VERSION9P {
                    return Err(Error(alloc::format!("server speaks {v}, not {VERSION9P}")));
                }
                let m = m.min(msize);
                if (m as usize) <= IOHDRSZ {
                    return Err(Error::new("msize too small"));
                }
                self.msize.store(m, Ordering::Release);
                let mut rb = self.rbuf.lock();
                if rb.buf.len() < 2 * m as usize {
                    rb.buf.resize(2 * m as usize, 0);
                }
                Ok((m, v))
            }
            _ => Err(Error::new("unexpected reply to Tversion")),
        }
    }

    /// Tauth: a new fid for authentication, and its qid.
    pub fn auth(&self, uname: &str, aname: &str) -> Result<(Fid, Qid)> {
        let afid = self.newfid();
        match self.rpc(Msg::Tauth { afid: afid.0, uname: uname.into(), aname: aname.into() }) {
            Ok(Msg::Rauth { aqid }) => Ok((afid, aqid)),
            Ok(_) => {
                self.freefid(afid);
                Err(Error::new("unexpected reply to Tauth"))
            }
            Err(e) => {
                self.freefid(afid);
                Err(e)
            }
        }
    }

    /// Tattach: a fid for the root of the tree `aname`, as `uname`.
    pub fn attach(&self, afid: Option<Fid>, uname: &str, aname: &str) -> Result<(Fid, Qid)> {
        let fid = self.newfid();
        let afid = afid.map_or(NOFID, |f| f.0);
        match self.rpc(Msg::Tattach { fid: fid.0, afid, uname: uname.into(), aname: aname.into() }) {
            Ok(Msg::Rattach { qid }) => Ok((fid, qid)),
            Ok(_) => {
                self.freefid(fid);
                Err(Error::new("unexpected reply to Tattach"))
            }
            Err(e) => {
                self.freefid(fid);
                Err(e)
            }
        }
    }

    /// Twalk from `fid` to a new fid along `names` (at most MAXWELEM).
    /// Returns the new fid only if the whole walk succeeded; a partial
    /// walk is the error "file not found" with no new fid.
    pub fn walk(&self, fid: Fid, names: &[&str]) -> Result<(Fid, Vec<Qid>)> {
        let newfid = self.newfid();
        let wname = names.iter().map(|n| WireStr::from(*n)).collect::<Vec<_>>();
        match self.rpc(Msg::Twalk { fid: fid.0, newfid: newfid.0, wname }) {
            Ok(Msg::Rwalk { wqid }) if wqid.len() == names.len() => Ok((newfid, wqid)),
            Ok(Msg::Rwalk { .. }) => {
                self.freefid(newfid);
                Err(Error::new("file not found"))
            }
            Ok(_) => {
                self.freefid(newfid);
                Err(Error::new("unexpected reply to Twalk"))
            }
            Err(e) => {
                self.freefid(newfid);
                Err(e)
            }
        }
    }

    /// Twalk as sent, returning the Rwalk's qids (partial walks included).
    pub fn walkraw(&self, fid: Fid, newfid: Fid, names: &[&str]) -> Result<Vec<Qid>> {
        let wname = names.iter().map(|n| WireStr::from(*n)).collect::<Vec<_>>();
        match self.rpc(Msg::Twalk { fid: fid.0, newfid: newfid.0, wname })? {
            Msg::Rwalk { wqid } => Ok(wqid),
            _ => Err(Error::new("unexpected reply to Twalk")),
        }
    }

    /// Topen: the qid and iounit.
    pub fn open(&self, fid: Fid, mode: u8) -> Result<(Qid, u32)> {
        match self.rpc(Msg::Topen { fid: fid.0, mode })? {
            Msg::Ropen { qid, iounit } => Ok((qid, iounit)),
            _ => Err(Error::new("unexpected reply to Topen")),
        }
    }

    /// Tcreate: `fid` becomes the new file, open with `mode`.
    pub fn create(&self, fid: Fid, name: &str, perm: u32, mode: u8) -> Result<(Qid, u32)> {
        match self.rpc(Msg::Tcreate { fid: fid.0, name: name.into(), perm, mode })? {
            Msg::Rcreate { qid, iounit } => Ok((qid, iounit)),
            _ => Err(Error::new("unexpected reply to Tcreate")),
        }
    }

    /// Tread of at most `count` bytes (cut to the iounit).
    pub fn read(&self, fid: Fid, offset: u64, count: u32) -> Result<Vec<u8>> {
        let count = count.min(self.iounit());
        match self.rpc(Msg::Tread { fid: fid.0, offset, count })? {
            Msg::Rread { data } => Ok(data),
            _ => Err(Error::new("unexpected reply to Tread")),
        }
    }

    /// Twrite of `data` (at most the iounit); returns the count written.
    pub fn write(&self, fid: Fid, offset: u64, data: &[u8]) -> Result<u32> {
        let n = data.len().min(self.iounit() as usize);
        match self.rpc(Msg::Twrite { fid: fid.0, offset, data: data[..n].to_vec() })? {
            Msg::Rwrite { count } => Ok(count),
            _ => Err(Error::new("unexpected reply to Twrite")),
        }
    }

    /// Reads from `offset` to the end of the file.
    pub fn readall(&self, fid: Fid, mut offset: u64) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        loop {
            let b = self.read(fid, offset, self.iounit())?;
            if b.is_empty() {
                return Ok(out);
            }
            offset += b.len() as u64;
            out.extend_from_slice(&b);
        }
    }

    /// Writes all of `data` at `offset`, in iounit pieces.
    pub fn writeall(&self, fid: Fid, mut offset: u64, data: &[u8]) -> Result<()> {
        let mut p = 0;
        while p < data.len() {
            let n = self.write(fid, offset, &data[p..])? as usize;
            if n == 0 {
                return Err(Error::new("short write"));
            }
            p += n;
            offset += n as u64;
        }
        Ok(())
    }

    /// Tclunk; the fid is freed whatever the answer.
    pub fn clunk(&self, fid: Fid) -> Result<()> {
        let r = self.rpc(Msg::Tclunk { fid: fid.0 });
        self.freefid(fid);
        r.map(|_| ())
    }

    /// Tremove; the fid is freed whatever the answer.
    pub fn remove(&self, fid: Fid) -> Result<()> {
        let r = self.rpc(Msg::Tremove { fid: fid.0 });
        self.freefid(fid);
        r.map(|_| ())
    }

    /// Tstat.
    pub fn stat(&self, fid: Fid) -> Result<Dir> {
        match self.rpc(Msg::Tstat { fid: fid.0 })? {
            Msg::Rstat { stat } => Dir::decode(&stat).map_err(|e| Error(alloc::format!("{e}"))),
            _ => Err(Error::new("unexpected reply to Tstat")),
        }
    }

    /// Twstat with `d` (start from `nulldir` to change only some fields).
    pub fn wstat(&self, fid: Fid, d: &Dir) -> Result<()> {
        let stat = d.to_bytes().map_err(|e| Error(alloc::format!("{e}")))?;
        self.rpc(Msg::Twstat { fid: fid.0, stat }).map(|_| ())
    }
}
