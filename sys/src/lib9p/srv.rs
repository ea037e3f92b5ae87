//! The server loop and `respond`: a port of 9front's
//! `sys/src/lib9p/srv.c` (see 9p(2)).
//!
//! [`srv`] serves one connection: it reads 9P messages, turns each into a
//! [`Req`], checks it as 9front does (fids known and not in use, open
//! modes, offsets, permissions on file trees, wstat fields) and calls the
//! handler of the [`Srv`]. A handler answers with [`Req::respond`], which
//! does 9front's per-message bookkeeping (new fids, open modes, directory
//! offsets, removes on file trees, clunks of fids whose attach or walk
//! failed) and writes the reply. Errors are 9front's strings.
//!
//! Message handling follows `srv.c`:
//!
//! - a message that does not decode, or whose size is over the
//!   negotiated msize ("bad length in 9P2000 message header"), ends the
//!   connection, as `getreq` returning nil ends `srvwork`;
//! - a duplicate tag gets an Rerror "duplicate tag" (with that tag) and the
//!   first request goes on;
//! - R-messages and the illegal Terror get "unknown message";
//! - Tversion: a version not starting "9P" gets "unknown" and msize 256;
//!   otherwise "9P2000", msize at most 1MB, and under 256 is refused with
//!   "version: message size too small";
//! - Tflush answers at once when the tag is not outstanding, and otherwise
//!   after the flushed request's reply (or after the request is abandoned),
//!   so nothing about the flushed request follows the Rflush.
//!
//! What differs from 9front is listed in the crate's documentation:
//! trait-method handlers, Tversion aborting and clunking (version(5)),
//! abandoned requests, one proc per connection reading and dispatching,
//! while handlers may answer from other procs. The "fid mode is" chatter
//! of `ropen` is not printed.

use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicI32, AtomicU32, Ordering};

use libc::fcall::*;
use libc::qlock::QLock;
use libc::syscall::{self, Fd};

use crate::errors::*;
use crate::fid::{allocfid, lookupfid, removefid, Fid, Fidpool};
use crate::file::{opendirfile, removefile, walkfile, Tree};
use crate::req::{allocreq, Req, ReqShared, Reqpool};
use crate::uid::hasperm;
use crate::{AEXEC, AREAD, AWRITE};

/// 9front's `chatty9p`: when positive, every message in and out is
/// printed on standard error (`<-fd- message`, `-fd-> message`).
pub static CHATTY9P: AtomicI32 = AtomicI32::new(0);

fn chatty() -> bool {
    CHATTY9P.load(Ordering::Relaxed) > 0
}

/// A 9P file server: one method per request, each with the behaviour of
/// a nil handler in 9front's `Srv`.
#[allow(unused_variables)]
pub trait Srv: Send + Sync + 'static {
    /// The file tree lib9p serves by itself, if the server has one.
    fn tree(&self) -> Option<Arc<Tree>> {
        None
    }
    /// Tauth; without a handler authentication is refused.
    fn auth(&self, r: Req) {
        let e = format!("{}: authentication not required", libc::main9::argv0());
        r.respond(Some(&e));
    }
    fn attach(&self, r: Req) {
        r.respond(None);
    }
    /// Tflush of an outstanding request (`r.oldreq`); the Rflush goes out
    /// once that request is answered or abandoned.
    fn flush(&self, r: Req) {
        r.respond(None);
    }
    /// Twalk without a file tree; by default [`walkandclone`] with
    /// [`Srv::walk1`] and [`Srv::clone_fid`].
    fn walk(&self, r: Req) {
        walkandclone(r, |f, n| self.walk1(f, n), |o, n| self.clone_fid(o, n));
    }
    /// One step of a walk from `fid` (whose qid lib9p then updates).
    fn walk1(&self, fid: &Fid, name: &WireStr) -> Result<Qid, String> {
        Err(String::from("no walk function, no file trees"))
    }
    /// Called when a walk makes `newfid` from `fid`.
    fn clone_fid(&self, fid: &Fid, newfid: &Fid) -> Result<(), String> {
        Ok(())
    }
    fn open(&self, r: Req) {
        r.respond(None);
    }
    fn create(&self, r: Req) {
        r.respond(Some(ENOCREATE));
    }
    fn read(&self, r: Req) {
        r.respond(Some("no srv->read"));
    }
    fn write(&self, r: Req) {
        r.respond(Some(ENOWRITE));
    }
    /// Tremove; with a file tree the file is removed after a successful
    /// response.
    fn remove(&self, r: Req) {
        let file = r.fid.as_ref().is_some_and(|f| f.file().is_some());
        r.respond(if file { None } else { Some(ENOREMOVE) });
    }
    /// Tstat; `r.d` holds the file's entry when there is a tree.
    fn stat(&self, r: Req) {
        let file = r.fid.as_ref().is_some_and(|f| f.file().is_some());
        r.respond(if file { None } else { Some(ENOSTAT) });
    }
    /// Twstat; `r.d` holds the checked entry.
    fn wstat(&self, r: Req) {
        r.respond(Some(ENOWSTAT));
    }
    /// Called when a fid goes away.
    fn destroyfid(&self, fid: &Fid) {}
    /// Called before serving a connection.
    fn start(&self) {}
    /// Called when a connection ends.
    fn end(&self) {}
}

/// A connection being served (9front copies the `Srv` per connection).
pub struct Conn {
    pub(crate) srv: Arc<dyn Srv>,
    tree: Option<Arc<Tree>>,
    pub(crate) fpool: Fidpool,
    pub(crate) rpool: Reqpool,
    msize: AtomicU32,
    infd: Fd,
    outfd: Fd,
    owned: bool,
    wlock: QLock<Vec<u8>>,
}

impl Conn {
    pub fn msize(&self) -> u32 {
        self.msize.load(Ordering::Acquire)
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        if self.owned {
            let _ = syscall::close(self.infd);
            if self.outfd != self.infd {
                let _ = syscall::close(self.outfd);
            }
        }
    }
}

/// Reads 9P messages through a buffer.
struct Rbuf {
    buf: Vec<u8>,
    start: usize,
    end: usize,
}

impl Rbuf {
    /// The next message's bounds in `buf`, `Ok(None)` at end of file, or
    /// an error for a bad size (read9pmsg's check).
    fn next(&mut self, fd: Fd, msize: u32) -> Result<Option<(usize, usize)>, String> {
        loop {
            let have = self.end - self.start;
            if have >= BIT32SZ {
                let n = gbit32(&self.buf[self.start..]).unwrap_or(0) as usize;
                if n <= BIT32SZ || n > msize as usize {
                    return Err("bad length in 9P2000 message header".into());
                }
                if have >= n {
                    let s = self.start;
                    self.start += n;
                    return Ok(Some((s, s + n)));
                }
                if self.buf.len() - self.start < n {
                    // Make room for the whole message.
                    self.buf.copy_within(self.start..self.end, 0);
                    self.end -= self.start;
                    self.start = 0;
                    if self.buf.len() < n {
                        self.buf.resize(n.max(2 * self.buf.len()), 0);
                    }
                }
            } else if self.start > 0 && self.start == self.end {
                self.start = 0;
                self.end = 0;
            } else if self.buf.len() - self.end < BIT32SZ {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            }
            match syscall::read(fd, &mut self.buf[self.end..]) {
                Ok(0) => return Ok(None),
                Ok(m) => self.end += m,
                Err(e) => return Err(e.0),
            }
        }
    }
}

/// Serves 9P on `infd`/`outfd` until the client goes away (9front's
/// `srv`). The descriptors stay open.
pub fn srv(s: Arc<dyn Srv>, infd: Fd, outfd: Fd) {
    serve(s, infd, outfd, false)
}

/// Serves the connection `fd` and closes it when the last request on it
/// is done (what `listensrv` does for each call).
pub fn srvfd(s: Arc<dyn Srv>, fd: Fd) {
    serve(s, fd, fd, true)
}

fn serve(s: Arc<dyn Srv>, infd: Fd, outfd: Fd, owned: bool) {
    let tree = s.tree();
    let msize = 8192 + IOHDRSZ as u32;
    let conn = Arc::new(Conn {
        srv: s.clone(),
        tree,
        fpool: Fidpool::new(),
        rpool: Reqpool::new(),
        msize: AtomicU32::new(msize),
        infd,
        outfd,
        owned,
        wlock: QLock::new(Vec::new()),
    });
    s.start();
    let mut rb = Rbuf { buf: vec![0u8; 2 * msize as usize], start: 0, end: 0 };
    loop {
        let (a, b) = match rb.next(infd, conn.msize()) {
            Ok(Some(m)) => m,
            Ok(None) => break,
            Err(e) => {
                if chatty() {
                    let _ = libc::fprint!(Fd::STDERR, "<-{}- read9pmsg: {}\n", infd.0, e);
                }
                break;
            }
        };
        let f = match Fcall::decode(&rb.buf[a..b]) {
            Ok(f) => f,
            Err(e) => {
                if chatty() {
                    let _ = libc::fprint!(Fd::STDERR, "<-{}- convM2S: {}\n", infd.0, e);
                }
                break;
            }
        };
        let r = match allocreq(&conn, f.clone()) {
            Some(r) => {
                if chatty() {
                    let _ = libc::fprint!(Fd::STDERR, "<-{}- {}\n", infd.0, fcallfmt(&r.ifcall));
                }
                r
            }
            None => {
                // A duplicate tag: a request outside the pool, answered
                // with an error.
                if chatty() {
                    let _ = libc::fprint!(Fd::STDERR, "<-{}- {}: dup tag\n", infd.0, fcallfmt(&f));
                }
                let tag = f.tag;
                let mut r = Req::new(&conn, f, Arc::new(ReqShared::new(tag)), false);
                r.error = Some(EDUPTAG);
                r
            }
        };
        dispatch(&conn, r);
    }
    // The client is gone: clunk its fids (they are destroyed when the
    // requests still using them finish).
    drop(conn.fpool.drain());
    s.end();
}

fn dispatch(conn: &Arc<Conn>, r: Req) {
    if let Some(e) = r.error {
        r.respond(Some(e));
        return;
    }
    match r.ifcall.typ() {
        Tversion => sversion(conn, r),
        Tauth => sauth(conn, r),
        Tattach => sattach(conn, r),
        Tflush => sflush(conn, r),
        Twalk => swalk(conn, r),
        Topen => sopen(conn, r),
        Tcreate => screate(conn, r),
        Tread => sread(conn, r),
        Twrite => swrite(conn, r),
        Tclunk => sclunk(conn, r),
        Tremove => sremove(conn, r),
        Tstat => sstat(conn, r),
        Twstat => swstat(conn, r),
        _ => r.respond(Some("unknown message")),
    }
}

fn fidof(f: &Fcall) -> u32 {
    match &f.msg {
        Msg::Tattach { fid, .. }
        | Msg::Twalk { fid, .. }
        | Msg::Topen { fid, .. }
        | Msg::Tcreate { fid, .. }
        | Msg::Tread { fid, .. }
        | Msg::Twrite { fid, .. }
        | Msg::Tclunk { fid }
        | Msg::Tremove { fid }
        | Msg::Tstat { fid }
        | Msg::Twstat { fid, .. } => *fid,
        _ => NOFID,
    }
}

fn sversion(conn: &Arc<Conn>, mut r: Req) {
    let (msize, version) = match &r.ifcall.msg {
        Msg::Tversion { msize, version } => (*msize, version.clone()),
        _ => unreachable!(),
    };
    // version(5): abort everything outstanding (no replies) and clunk
    // every fid.
    for (tag, st) in conn.rpool.drain().into_iter().map(|s| (s.tag, s)) {
        if Arc::ptr_eq(&st, &r.shared) {
            conn.rpool.insertkey(tag as u64, st);
            continue;
        }
        st.st.lock().aborted = true;
    }
    drop(conn.fpool.drain());
    if !version.as_bytes().starts_with(b"9P") {
        r.ofcall.version = "unknown".into();
        r.ofcall.msize = 256;
        r.respond(None);
        return;
    }
    r.ofcall.version = "9P2000".into();
    if msize < 256 {
        r.respond(Some("version: message size too small"));
        return;
    }
    r.ofcall.msize = msize.min(1024 * 1024);
    r.respond(None);
}

fn sauth(conn: &Arc<Conn>, mut r: Req) {
    let afid = match &r.ifcall.msg {
        Msg::Tauth { afid, .. } => *afid,
        _ => unreachable!(),
    };
    match allocfid(&conn.fpool, afid, Some(conn.srv.clone())) {
        None => r.respond(Some(EDUPFID)),
        Some(f) => {
            r.afid = Some(f);
            conn.srv.auth(r);
        }
    }
}

fn sattach(conn: &Arc<Conn>, mut r: Req) {
    let (fid, afid, uname) = match &r.ifcall.msg {
        Msg::Tattach { fid, afid, uname, .. } => (*fid, *afid, uname.clone()),
        _ => unreachable!(),
    };
    let Some(f) = allocfid(&conn.fpool, fid, Some(conn.srv.clone())) else {
        r.respond(Some(EDUPFID));
        return;
    };
    r.fid = Some(f.clone());
    if afid != NOFID {
        match lookupfid(&conn.fpool, afid) {
            None => {
                r.respond(Some(EUNKNOWNFID));
                return;
            }
            Some(a) => r.afid = Some(a),
        }
    }
    {
        let mut st = f.lock();
        st.uid = uname.to_string_lossy().into_owned();
        if let Some(t) = &conn.tree {
            st.file = Some(t.root.clone());
            st.qid = t.root.qid();
            r.ofcall.qid = st.qid;
        }
    }
    conn.srv.attach(r);
}

fn sflush(conn: &Arc<Conn>, mut r: Req) {
    let oldtag = match &r.ifcall.msg {
        Msg::Tflush { oldtag } => *oldtag,
        _ => unreachable!(),
    };
    let old = conn.rpool.lookupkey(oldtag as u64);
    match old {
        Some(o) if !Arc::ptr_eq(&o, &r.shared) => {
            r.oldreq = Some(o);
            conn.srv.flush(r);
        }
        _ => r.respond(None),
    }
}

/// Walks a request whose fid has a file.
fn filewalk(mut r: Req) {
    let fid = r.fid.clone().expect("walk has a fid");
    let mut f = fid.file().expect("filewalk on a file");
    let mut ok = true;
    for name in r.wname().to_vec() {
        match walkfile(&f, name.as_bytes()) {
            Some(n) => {
                r.ofcall.wqid.push(n.qid());
                f = n;
            }
            None => {
                ok = false;
                break;
            }
        }
    }
    if ok {
        let nf = r.newfid.clone().expect("walk has a newfid");
        let mut st = nf.lock();
        st.qid = f.qid();
        st.file = Some(f);
    }
    r.respond(None);
}

/// `walkandclone`: walks a request without a file tree, one name at a
/// time with `walk1`, after `clone` makes the new fid. A walk of a fid to
/// itself with more than one name is refused, as in 9front.
pub fn walkandclone(
    mut r: Req,
    walk1: impl Fn(&Fid, &WireStr) -> Result<Qid, String>,
    clone: impl Fn(&Fid, &Fid) -> Result<(), String>,
) {
    let fid = r.fid.clone().expect("walk has a fid");
    let newfid = r.newfid.clone().expect("walk has a newfid");
    let same = Arc::ptr_eq(&fid, &newfid);
    if same && r.wname().len() > 1 {
        r.respond(Some("lib9p: unused documented feature not implemented"));
        return;
    }
    if !same {
        let q = fid.qid();
        newfid.lock().qid = q;
        if let Err(e) = clone(&fid, &newfid) {
            r.respond(Some(&e));
            return;
        }
    }
    let mut err = None;
    for name in r.wname().to_vec() {
        match walk1(&newfid, &name) {
            Ok(q) => {
                newfid.lock().qid = q;
                r.ofcall.wqid.push(q);
            }
            Err(e) => {
                err = Some(e);
                break;
            }
        }
    }
    match err {
        Some(e) if r.ofcall.wqid.is_empty() => r.respond(Some(&e)),
        _ => r.respond(None),
    }
}

fn swalk(conn: &Arc<Conn>, mut r: Req) {
    let (fidno, newfidno, nwname) = match &r.ifcall.msg {
        Msg::Twalk { fid, newfid, wname } => (*fid, *newfid, wname.len()),
        _ => unreachable!(),
    };
    let Some(fid) = lookupfid(&conn.fpool, fidno) else {
        r.respond(Some(EUNKNOWNFID));
        return;
    };
    r.fid = Some(fid.clone());
    if fid.omode() != -1 {
        r.respond(Some("cannot clone open fid"));
        return;
    }
    if nwname > 0 && fid.qid().typ & QTDIR == 0 {
        r.respond(Some(EWALKNODIR));
        return;
    }
    if fidno != newfidno {
        let Some(nf) = allocfid(&conn.fpool, newfidno, Some(conn.srv.clone())) else {
            r.respond(Some(EDUPFID));
            return;
        };
        nf.lock().uid = fid.uid();
        r.newfid = Some(nf);
    } else {
        r.newfid = Some(fid.clone());
    }
    if fid.file().is_some() {
        filewalk(r);
    } else {
        conn.srv.walk(r);
    }
}

/// Whether the directory holding the fid's file may be written (for
/// ORCLOSE and remove).
fn dirwritable(fid: &Fid) -> bool {
    let Some(f) = fid.file() else { return true };
    match f.parent() {
        Some(p) => hasperm(&p, &fid.uid(), AWRITE),
        None => true,
    }
}

fn sopen(conn: &Arc<Conn>, mut r: Req) {
    let (fidno, mode) = match &r.ifcall.msg {
        Msg::Topen { fid, mode } => (*fid, *mode),
        _ => unreachable!(),
    };
    let Some(fid) = lookupfid(&conn.fpool, fidno) else {
        r.respond(Some(EUNKNOWNFID));
        return;
    };
    r.fid = Some(fid.clone());
    if fid.omode() != -1 {
        r.respond(Some(EBOTCH));
        return;
    }
    let qid = fid.qid();
    if qid.typ & QTDIR != 0 && (mode & !ORCLOSE) != OREAD {
        r.respond(Some(EISDIR));
        return;
    }
    r.ofcall.qid = qid;
    let mut p = match mode & 3 {
        OREAD => AREAD,
        OWRITE => AWRITE,
        ORDWR => AREAD | AWRITE,
        _ => AEXEC,
    };
    if mode & OTRUNC != 0 {
        p |= AWRITE;
    }
    if qid.typ & QTDIR != 0 && p != AREAD {
        r.respond(Some(EPERM));
        return;
    }
    if let Some(f) = fid.file() {
        if !hasperm(&f, &fid.uid(), p) {
            r.respond(Some(EPERM));
            return;
        }
        if mode & ORCLOSE != 0 && !dirwritable(&fid) {
            r.respond(Some(EPERM));
            return;
        }
        r.ofcall.qid = f.qid();
        if r.ofcall.qid.typ & QTDIR != 0 {
            match opendirfile(&f) {
                Some(rd) => fid.lock().rdir = Some(rd),
                None => {
                    r.respond(Some("opendirfile failed"));
                    return;
                }
            }
        }
    }
    conn.srv.open(r);
}

fn screate(conn: &Arc<Conn>, mut r: Req) {
    let Some(fid) = lookupfid(&conn.fpool, fidof(&r.ifcall)) else {
        r.respond(Some(EUNKNOWNFID));
        return;
    };
    r.fid = Some(fid.clone());
    if fid.omode() != -1 {
        r.respond(Some(EBOTCH));
    } else if fid.qid().typ & QTDIR == 0 {
        r.respond(Some(ECREATENONDIR));
    } else if fid.file().is_some_and(|f| !hasperm(&f, &fid.uid(), AWRITE)) {
        r.respond(Some(EPERM));
    } else {
        conn.srv.create(r);
    }
}

fn sread(conn: &Arc<Conn>, mut r: Req) {
    let Some(fid) = lookupfid(&conn.fpool, fidof(&r.ifcall)) else {
        r.respond(Some(EUNKNOWNFID));
        return;
    };
    r.fid = Some(fid.clone());
    let o = fid.omode();
    if o == -1 {
        r.respond(Some(EBOTCH));
        return;
    }
    if o & 3 == OWRITE as i32 {
        r.respond(Some(EBOTCH));
        return;
    }
    let (offset, count) = r.readargs();
    let (qid, diroffset) = {
        let st = fid.lock();
        (st.qid, st.diroffset)
    };
    if (offset as i64) < 0 || (qid.typ & QTDIR != 0 && offset != 0 && offset != diroffset) {
        r.respond(Some(EBADOFFSET));
        return;
    }
    if (count as i32) < 0 {
        r.respond(Some(EBOTCH));
        return;
    }
    let iounit = conn.msize() - IOHDRSZ as u32;
    if count > iounit {
        if let Msg::Tread { count, .. } = &mut r.ifcall.msg {
            *count = iounit;
        }
    }
    if qid.typ & QTDIR != 0 && fid.file().is_some() {
        let (offset, count) = r.readargs();
        let data = match fid.lock().rdir.as_mut() {
            Some(rd) => rd.read(count as usize, offset),
            None => Vec::new(),
        };
        r.ofcall.data = data;
        r.respond(None);
        return;
    }
    conn.srv.read(r);
}

fn swrite(conn: &Arc<Conn>, mut r: Req) {
    let Some(fid) = lookupfid(&conn.fpool, fidof(&r.ifcall)) else {
        r.respond(Some(EUNKNOWNFID));
        return;
    };
    r.fid = Some(fid.clone());
    let o = fid.omode();
    if o == -1 {
        r.respond(Some(EBOTCH));
        return;
    }
    if o & 3 != OWRITE as i32 && o & 3 != ORDWR as i32 {
        r.respond(Some(EBOTCH));
        return;
    }
    if fid.qid().typ & QTDIR != 0 {
        r.respond(Some(EBOTCH));
        return;
    }
    let (offset, _) = r.writeargs();
    if (offset as i64) < 0 {
        r.respond(Some(EBOTCH));
        return;
    }
    let iounit = (conn.msize() - IOHDRSZ as u32) as usize;
    if let Msg::Twrite { data, .. } = &mut r.ifcall.msg {
        data.truncate(iounit);
    }
    conn.srv.write(r);
}

fn sclunk(conn: &Arc<Conn>, mut r: Req) {
    match removefid(&conn.fpool, fidof(&r.ifcall)) {
        None => r.respond(Some(EUNKNOWNFID)),
        Some(f) => {
            r.fid = Some(f);
            r.respond(None);
        }
    }
}

fn sremove(conn: &Arc<Conn>, mut r: Req) {
    let Some(fid) = removefid(&conn.fpool, fidof(&r.ifcall)) else {
        r.respond(Some(EUNKNOWNFID));
        return;
    };
    r.fid = Some(fid.clone());
    if !dirwritable(&fid) {
        r.respond(Some(EPERM));
        return;
    }
    conn.srv.remove(r);
}

fn sstat(conn: &Arc<Conn>, mut r: Req) {
    let Some(fid) = lookupfid(&conn.fpool, fidof(&r.ifcall)) else {
        r.respond(Some(EUNKNOWNFID));
        return;
    };
    r.fid = Some(fid.clone());
    if let Some(f) = fid.file() {
        r.d = f.dir();
    }
    conn.srv.stat(r);
}

fn swstat(conn: &Arc<Conn>, mut r: Req) {
    let Some(fid) = lookupfid(&conn.fpool, fidof(&r.ifcall)) else {
        r.respond(Some(EUNKNOWNFID));
        return;
    };
    r.fid = Some(fid.clone());
    let stat = match &r.ifcall.msg {
        Msg::Twstat { stat, .. } => stat.clone(),
        _ => unreachable!(),
    };
    let d = match Dir::decode(&stat) {
        Ok(d) => d,
        Err(_) => {
            r.respond(Some(EBADDIR));
            return;
        }
    };
    let fq = fid.qid();
    if d.qid.path != !0 && d.qid.path != fq.path {
        r.respond(Some("wstat -- attempt to change qid.path"));
        return;
    }
    if d.qid.vers != !0 && d.qid.vers != fq.vers {
        r.respond(Some("wstat -- attempt to change qid.vers"));
        return;
    }
    if d.mode != !0 {
        if d.mode & !(DMDIR | DMAPPEND | DMEXCL | DMTMP | 0o777) != 0 {
            r.respond(Some("wstat -- unknown bits in mode"));
            return;
        }
        if d.qid.typ != !0 && d.qid.typ != (d.mode >> 24) as u8 {
            r.respond(Some("wstat -- qid.type/mode mismatch"));
            return;
        }
        if ((d.mode >> 24) as u8 ^ fq.typ) & !(QTAPPEND | QTEXCL | QTTMP) != 0 {
            r.respond(Some("wstat -- attempt to change qid.type"));
            return;
        }
    } else if d.qid.typ != !0 && d.qid.typ != fq.typ {
        r.respond(Some("wstat -- attempt to change qid.type"));
        return;
    }
    r.d = d;
    conn.srv.wstat(r);
}

impl Req {
    /// `respond`: answers the request, with `error` or with the reply
    /// fields in `ofcall`, after lib9p's bookkeeping for its type.
    pub fn respond(mut self, error: Option<&str>) {
        let mut error: Option<String> = error.map(String::from);
        match self.ifcall.typ() {
            Tflush => {
                // Wait for the flushed request to be answered.
                if let Some(old) = self.oldreq.clone() {
                    let mut st = old.st.lock();
                    if !st.responded {
                        self.done = true;
                        st.flushes.push(self);
                        return;
                    }
                }
                self.oldreq = None;
                error = None;
            }
            Tversion => {
                if error.is_none() {
                    self.conn.msize.store(self.ofcall.msize, Ordering::Release);
                }
            }
            Tauth => {
                if let Some(a) = &self.afid {
                    if error.is_some() {
                        removefid(&self.conn.fpool, a.fid);
                    } else if a.omode() == -1 {
                        a.lock().omode = ORDWR as i32;
                    }
                }
            }
            Tattach => {
                if error.is_some() {
                    if let Some(f) = &self.fid {
                        self.conn.fpool.deleteif(f.fid as u64, |x| Arc::ptr_eq(x, f));
                    }
                }
            }
            Twalk => self.rwalk(&mut error),
            Topen | Tcreate => {
                if error.is_none() {
                    let iounit = self.conn.msize() - IOHDRSZ as u32;
                    if self.ofcall.iounit > iounit {
                        self.ofcall.iounit = iounit;
                    }
                    let mode = self.mode();
                    if let Some(f) = &self.fid {
                        let mut st = f.lock();
                        if self.ofcall.qid.typ & QTDIR != 0 {
                            st.diroffset = 0;
                        }
                        st.qid = self.ofcall.qid;
                        st.omode = mode as i32;
                    }
                }
            }
            Tread => {
                if error.is_none() {
                    if let Some(f) = &self.fid {
                        let mut st = f.lock();
                        if st.qid.typ & QTDIR != 0 {
                            st.diroffset = self.readargs().0 + self.ofcall.data.len() as u64;
                        }
                    }
                }
            }
            Twrite => {
                if error.is_none() {
                    if let Some(file) = self.fid.as_ref().and_then(|f| f.file()) {
                        file.write().dir.qid.vers += 1;
                    }
                }
            }
            Tremove => {
                if error.is_none() {
                    if let Some(f) = &self.fid {
                        let file = f.lock().file.take();
                        if let Some(file) = file {
                            if let Err(e) = removefile(&file) {
                                let name = file.read().dir.name.to_string_lossy().into_owned();
                                error = Some(format!("remove {name}: {e}"));
                            }
                        }
                    }
                }
            }
            Tstat => {
                if error.is_none() {
                    match self.d.to_bytes() {
                        Ok(b) => self.ofcall.stat = b,
                        Err(_) => error = Some("convD2M fails".into()),
                    }
                }
            }
            _ => {}
        }
        let reply = match &error {
            Some(e) => Msg::Rerror { ename: e.as_str().into() },
            None => self.reply(),
        };
        let f = Fcall { tag: self.ifcall.tag, msg: reply };
        self.done = true;
        if self.pooled {
            let sh = self.shared.clone();
            self.conn.rpool.deleteif(self.tag as u64, |x| Arc::ptr_eq(x, &sh));
        }
        // Let go of the fids before the reply, so that what a clunk
        // destroys is gone when the client hears of it.
        self.fid = None;
        self.newfid = None;
        self.afid = None;
        let aborted = self.shared.st.lock().aborted;
        if !aborted {
            self.conn.send(&f);
        }
        self.finish();
    }

    /// Marks the request answered and answers the flushes that waited.
    fn finish(&mut self) {
        let flushes = {
            let mut st = self.shared.st.lock();
            st.responded = true;
            core::mem::take(&mut st.flushes)
        };
        for mut fl in flushes {
            fl.done = false;
            fl.respond(None);
        }
    }

    fn rwalk(&mut self, error: &mut Option<String>) {
        let nwname = self.wname().len();
        let nwqid = self.ofcall.wqid.len();
        if error.is_some() || nwqid < nwname {
            let same = match (&self.fid, &self.newfid) {
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                _ => true,
            };
            if !same {
                if let Some(nf) = &self.newfid {
                    self.conn.fpool.deleteif(nf.fid as u64, |x| Arc::ptr_eq(x, nf));
                }
            }
            if nwqid == 0 {
                if error.is_none() && nwname != 0 {
                    *error = Some(ENOTFOUND.into());
                }
            } else {
                // No error on a partial walk.
                *error = None;
            }
        } else if let (Some(fid), Some(nf)) = (&self.fid, &self.newfid) {
            let q = if nwqid == 0 { fid.qid() } else { self.ofcall.wqid[nwqid - 1] };
            nf.lock().qid = q;
        }
    }

    /// The reply message from `ofcall`.
    fn reply(&mut self) -> Msg {
        let o = &mut self.ofcall;
        match self.ifcall.typ() {
            Tversion => Msg::Rversion { msize: o.msize, version: o.version.as_str().into() },
            Tauth => Msg::Rauth { aqid: o.aqid },
            Tattach => Msg::Rattach { qid: o.qid },
            Tflush => Msg::Rflush,
            Twalk => Msg::Rwalk { wqid: core::mem::take(&mut o.wqid) },
            Topen => Msg::Ropen { qid: o.qid, iounit: o.iounit },
            Tcreate => Msg::Rcreate { qid: o.qid, iounit: o.iounit },
            Tread => Msg::Rread { data: core::mem::take(&mut o.data) },
            Twrite => Msg::Rwrite { count: o.count },
            Tclunk => Msg::Rclunk,
            Tremove => Msg::Rremove,
            Tstat => Msg::Rstat { stat: core::mem::take(&mut o.stat) },
            Twstat => Msg::Rwstat,
            _ => Msg::Rerror { ename: "unknown message".into() },
        }
    }
}

impl Drop for Req {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        // Dropped without a response: abandoned.
        self.done = true;
        let flushed = !self.shared.st.lock().flushes.is_empty();
        if flushed {
            if self.pooled {
                let sh = self.shared.clone();
                self.conn.rpool.deleteif(self.tag as u64, |x| Arc::ptr_eq(x, &sh));
            }
            self.finish();
            return;
        }
        let r = Req {
            tag: self.tag,
            ifcall: self.ifcall.clone(),
            ofcall: Default::default(),
            fid: self.fid.take(),
            newfid: self.newfid.take(),
            afid: self.afid.take(),
            d: Dir::default(),
            oldreq: None,
            conn: self.conn.clone(),
            shared: self.shared.clone(),
            pooled: self.pooled,
            error: None,
            done: false,
        };
        // A Tflush dropped by its handler still gets its Rflush.
        let e = if self.ifcall.typ() == Tflush { None } else { Some(EABANDONED) };
        let mut r = r;
        r.oldreq = self.oldreq.take();
        r.respond(e);
    }
}

impl Conn {
    /// Encodes and writes a reply under the write lock.
    fn send(&self, f: &Fcall) {
        let mut wbuf = self.wlock.qlock();
        let n = match f.size() {
            Ok(n) => n,
            Err(e) => {
                let _ = libc::fprint!(Fd::STDERR, "{}: lib9p: cannot encode {}: {}\n", libc::main9::argv0(), fcallfmt(f), e);
                return;
            }
        };
        if n > self.msize() as usize {
            // A handler's reply too big for msize: 9front aborts.
            let _ = libc::fprint!(Fd::STDERR, "{}: msize = {} n = {} {}\n", libc::main9::argv0(), self.msize(), n, fcallfmt(f));
        }
        if wbuf.len() < n {
            wbuf.resize(n, 0);
        }
        if f.encode(&mut wbuf[..n]).is_err() {
            return;
        }
        if chatty() {
            let _ = libc::fprint!(Fd::STDERR, "-{}-> {}\n", self.outfd.0, fcallfmt(f));
        }
        let mut off = 0;
        while off < n {
            match syscall::write(self.outfd, &wbuf[off..n]) {
                Ok(0) => break,
                Ok(m) => off += m,
                Err(e) => {
                    if chatty() {
                        let _ = libc::fprint!(Fd::STDERR, "{}: 9p write {} returned -1 on fd {}: {}\n", libc::main9::argv0(), n, self.outfd.0, e);
                    }
                    break;
                }
            }
        }
    }
}
