//! The mount driver `#M`: a port of 9front's `port/devmnt.c`, the 9P
//! client through which the kernel speaks to every mounted file server,
//! whatever carries the messages (a pipe, a `/srv` entry, a network
//! connection).
//!
//! The channel to the server (the *mount channel*, `c->mux` set) carries
//! one [`Mnt`]: the negotiated message size and version, the queue of
//! requests waiting for replies, and the bytes read but not yet delivered.
//! [`mntversion`] makes it (Tversion, once per connection); [`mntattach`]
//! and [`mntauth`] make the `#M` channels of a mount and of an
//! authentication file. Every `#M` channel keeps its mount channel in
//! `mchan`; a 9P fid is the channel's `fid`.
//!
//! The RPCs follow 9front's `mountrpc`/`mountio`: each request gets a tag,
//! is written whole to the mount channel, and its process waits; the first
//! process to find no one reading becomes the reader (`mountmux`) and
//! hands each reply it reads to the process whose tag it carries, until its
//! own arrives, then lets the next waiter read. A reply with a tag no one
//! waits for is thrown away. A note interrupting the wait (`sleep` gives
//! `Eintr`) sends a Tflush for the request and waits for its Rflush (a
//! note during that wait sends another, for the same old tag); if the
//! original reply came before the Rflush the call gets it, otherwise it
//! fails with "interrupted". A message whose size is out of range or that
//! does not decode, or end of file on the mount channel, fails the call
//! with "mount rpc error", as does a reply of the wrong type; an Rerror
//! fails it with the server's string.
//!
//! Reads and writes are cut into requests of at most the channel's
//! `iounit` (what Ropen said, at most `msize - IOHDRSZ`); directory reads
//! are checked entry by entry (`validstat`) and each entry's type and dev
//! rewritten to `#M`'s (`mntdirfix`), as is a stat.
//!
//! The kernel registers [`DevMnt`] (`DevMnt::new()`) in its device table
//! under `M`: `mntattach` makes its channels with `devattach('M')`, and the
//! system calls of sysfile.rs (`sysmount`, `sysfversion`, `sysfauth`)
//! reach it through the functions here. `#M` itself cannot be attached.
//!
//! What differs from 9front:
//!
//! - Tags are allocated per connection, not from one kernel-wide mask
//!   (9P asks only that they be unique on a connection); there are no
//!   free lists of `Mntrpc`s or `Mnt`s. A connection whose 65534 tags are
//!   all in use fails the call where 9front panics.
//! - The reader is `Mnt.reading`, not `m->rip`: whether a process is the
//!   reader is known to the code that made it one.
//! - The input queue (`m->q`) is a byte vector, read through the mount
//!   channel's `bread`.
//! - The mount cache (cache.c) is not here: MCACHE sets `CCACHE` on the
//!   channels but reads and writes always go to the server. The
//!   read-ahead that only cache.c uses (`mntrahread`, `mntdefer`, the
//!   `Mntproc` workers) is not ported.
//! - A channel closed by dropping its last reference is clunked at once,
//!   as the mount's `closer` process (`Dev::close` is given none), not
//!   by chan.c's close process. Fids come from a counter and are never
//!   reused, so a failed clunk does not abandon the fid (`r->c->fid = 0`).
//! - A read or write split in several requests does not stop early when
//!   a note is pending (9front's `up->nnote` test): [`Sched`] offers no way
//!   to look at the notes.
//! - A server that answers a walk of some names with no qids and no error
//!   gives `Enonexist` (9front leaves `up->errstr` as it was).
//! - A malformed request that cannot be encoded, or a mount channel
//!   without a multiplexer, is "mount rpc error" rather than a panic.

use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use libc::fcall::{
    Fcall, Msg, Tflush, BIT16SZ, BIT32SZ, BIT8SZ, IOHDRSZ, MAXWELEM, NOFID, NOTAG, ORDWR, QTDIR,
    VERSION9P,
};

use crate::allocb::allocb;
use crate::chan::{kstrcpy, Chan};
use crate::dev::{devattach, devclone, Dev, Walkqid};
use crate::portdat::{Up, CCACHE, CMSG, COPEN, MCACHE};
use crate::portfns::{ILock, QLock, Sched};
use crate::sysfile::{openmode, validstat};
use crate::{Error, Result};

/// The largest message of a mount: a header and 32 KiB of data (9front's
/// `MAXRPC`), the message size the kernel offers in Tversion.
pub const MAXRPC: usize = IOHDRSZ + 32768;
/// The largest Tversion or Rversion (`MAXRPC0`).
pub const MAXRPC0: usize = IOHDRSZ + 8192;

/// A directory entry from the server that does not check (`Esbadstat`).
pub const ESBADSTAT: &str = "invalid directory entry received from server";
/// `Enoversion`.
pub const ENOVERSION: &str = "version not established for mount channel";

const TAGSHIFT: usize = 5;
const TAGMASK: usize = (1 << TAGSHIFT) - 1;
const NMASK: usize = (64 * 1024) >> TAGSHIFT;

/// Multiplexer ids and the `dev` of `#M` channels (`mntalloc.id`): one
/// counter, so a channel's dev is above its multiplexer's id.
static MNTID: AtomicU32 = AtomicU32::new(1);

fn nextid() -> u32 {
    MNTID.fetch_add(1, Ordering::Relaxed)
}

fn msg(s: &str) -> Error {
    Error::Msg(String::from(s))
}

/// The 9P multiplexer of a mount channel (9front's `Mnt`).
pub struct Mnt<S: Sched> {
    id: u32,
    msize: u32,
    version: Vec<u8>,
    /// A process is reading replies (`m->rip != nil`).
    reading: AtomicBool,
    /// The requests waiting for replies, the newest first.
    queue: S::Lock<VecDeque<Arc<Rpc<S>>>>,
    /// Bytes read from the mount channel and not yet delivered (`m->q`).
    inq: S::Lock<Vec<u8>>,
    /// The tags in use, a bit each (`mntalloc.tagmask`).
    tags: S::Lock<Vec<u32>>,
    /// The process that clunks the fids of channels closed by dropping
    /// them (9front's `closeproc`): `Dev::close` is given no process, and
    /// the device calls on the mount channel want one. It has the user
    /// of the process that negotiated the version and an empty name
    /// space, and holds the device table (so a device that keeps mount
    /// channels, as `#s` does, keeps the table until it lets them go).
    closer: Up<S>,
}

impl<S: Sched> Mnt<S> {
    fn new(up: &Up<S>, msize: u32, version: Vec<u8>) -> Mnt<S> {
        let mut tags = vec![0u32; NMASK];
        // Neither 0 nor NOTAG is handed out.
        tags[0] = 1;
        tags[NMASK - 1] = 0x8000_0000;
        Mnt {
            id: nextid(),
            msize,
            version,
            reading: AtomicBool::new(false),
            queue: S::Lock::new(VecDeque::new()),
            inq: S::Lock::new(Vec::new()),
            tags: S::Lock::new(tags),
            closer: Up::new(up.devtab.clone(), &up.user),
        }
    }

    /// The multiplexer's id.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// The negotiated message size.
    pub fn msize(&self) -> u32 {
        self.msize
    }

    /// The negotiated version.
    pub fn version(&self) -> &[u8] {
        &self.version
    }

    /// `alloctag`: the lowest free tag.
    fn alloctag(&self) -> Result<u16> {
        let mut t = self.tags.ilock();
        for (i, v) in t.iter_mut().enumerate() {
            if *v == !0 {
                continue;
            }
            let j = (!*v).trailing_zeros() as usize;
            *v |= 1 << j;
            return Ok((i << TAGSHIFT | j) as u16);
        }
        Err(msg("no friggin tags left"))
    }

    /// `freetag`.
    fn freetag(&self, tag: u16) {
        let t = tag as usize;
        self.tags.ilock()[t >> TAGSHIFT] &= !(1 << (t & TAGMASK));
    }
}

/// One request and its reply (9front's `Mntrpc`).
struct Rpc<S: Sched> {
    tag: u16,
    /// The request's type.
    typ: u8,
    /// For a Tflush, the tag it flushes.
    oldtag: u16,
    /// Where its process waits (`r->z`).
    z: S::Rendez,
    /// The reply is in (`r->done`).
    done: AtomicBool,
    reply: S::Lock<Option<Fcall>>,
}

impl<S: Sched> Rpc<S> {
    fn new(tag: u16, typ: u8, oldtag: u16) -> Arc<Rpc<S>> {
        Arc::new(Rpc {
            tag,
            typ,
            oldtag,
            z: S::Rendez::default(),
            done: AtomicBool::new(false),
            reply: S::Lock::new(None),
        })
    }

    fn done(&self) -> bool {
        self.done.load(Ordering::SeqCst)
    }
}

/// A request and the flushes chained from it (`r->flushed`), the
/// original first. Dropping it takes any still queued off the queue and
/// frees their tags (`mntfree`).
struct Chain<'a, S: Sched> {
    m: &'a Mnt<S>,
    rpcs: Vec<Arc<Rpc<S>>>,
}

impl<S: Sched> Drop for Chain<'_, S> {
    fn drop(&mut self) {
        {
            let mut q = self.m.queue.ilock();
            q.retain(|x| !self.rpcs.iter().any(|r| Arc::ptr_eq(x, r)));
        }
        for r in &self.rpcs {
            self.m.freetag(r.tag);
        }
    }
}

/// The reader's turn: dropping it is `mntgate`, which lets the next
/// waiting process read.
struct Gate<'a, S: Sched>(&'a Mnt<S>);

impl<S: Sched> Drop for Gate<'_, S> {
    fn drop(&mut self) {
        mntgate(self.0);
    }
}

/// `mntgate`: no one reads any more; wake the first waiter that sleeps.
fn mntgate<S: Sched>(m: &Mnt<S>) {
    m.reading.store(false, Ordering::SeqCst);
    let waiting: Vec<Arc<Rpc<S>>> = m
        .queue
        .ilock()
        .iter()
        .filter(|q| !q.done())
        .cloned()
        .collect();
    for q in waiting {
        if S::wakeup(&q.z) {
            break;
        }
    }
}

/// The `#M` device (9front's `mntdevtab`). Its state lives in the mount
/// channels' multiplexers and in the channels; the device is a unit.
#[derive(Debug, Default, Clone, Copy)]
pub struct DevMnt;

impl DevMnt {
    /// The device, to be registered in the kernel's device table (letter
    /// `M`); mounts need it there.
    pub fn new() -> DevMnt {
        DevMnt
    }
}

/// The multiplexer of the mount channel `c`, if it has one.
pub fn mux<S: Sched>(c: &Chan<S>) -> Option<Arc<Mnt<S>>> {
    c.mux.ilock().clone()
}

/// `mntversion`: negotiate the version and message size on the mount
/// channel `c`, once: `msize` 0 is [`MAXRPC`], and no more than the
/// channel's iounit; an empty `version` is "9P2000". Later calls only
/// check that `version` agrees with what was negotiated. With `returnlen`
/// (the caller's buffer size, for `fversion`) the version must fit.
///
/// Returns the negotiated version (its length is what `fversion`
/// returns).
pub fn mntversion<S: Sched>(
    up: &Up<S>,
    c: &Arc<Chan<S>>,
    version: &[u8],
    msize: i32,
    returnlen: usize,
) -> Result<Vec<u8>> {
    let _q = c.umqlock().eqlock()?;

    let mut msize = if msize == 0 {
        MAXRPC as i64
    } else {
        msize as i64
    };
    if c.iounit != 0 && msize > c.iounit as i64 {
        msize = c.iounit as i64;
    }
    let v: &[u8] = if version.is_empty() {
        VERSION9P.as_bytes()
    } else {
        version
    };
    if msize < 0 {
        return Err(msg("bad iounit in version call"));
    }
    if !v.starts_with(VERSION9P.as_bytes()) {
        return Err(msg("bad 9P version specification"));
    }

    if let Some(m) = mux(c) {
        drop(_q);
        let k = m.version.len().min(127);
        let have = &m.version[..k];
        if v.len() < k || &v[..k] != have {
            let mut s = format!(
                "incompatible 9P versions {} {}",
                String::from_utf8_lossy(&m.version),
                String::from_utf8_lossy(v)
            );
            let mut n = s.len().min(127);
            while !s.is_char_boundary(n) {
                n -= 1;
            }
            s.truncate(n);
            return Err(Error::Msg(s));
        }
        if returnlen > 0 && returnlen < k {
            return Err(Error::Eshort);
        }
        return Ok(have.to_vec());
    }

    let f = Fcall::new(
        NOTAG,
        Msg::Tversion {
            msize: msize as u32,
            version: v.into(),
        },
    );
    let mut buf = vec![0u8; MAXRPC0];
    let k = libc::convs2m::convS2M(&f, &mut buf) as usize;
    if k == 0 {
        return Err(msg("bad fversion conversion on send"));
    }
    let d = c.devp()?;
    let oo = {
        let mut io = c.io();
        let oo = io.offset;
        io.offset += k as i64;
        oo
    };
    let l = match d.write(up, c, &buf[..k], oo) {
        Ok(l) => l,
        Err(e) => {
            c.io().offset -= k as i64;
            return Err(e);
        }
    };
    if l < k {
        c.io().offset -= (k - l) as i64;
        return Err(msg("short write in fversion"));
    }

    // The request is out: read the reply.
    let mut k = 0;
    while k < BIT32SZ || (k < get32(&buf) as usize && k < MAXRPC0) {
        let off = c.offset();
        let l = d.read(up, c, &mut buf[k..], off)?;
        if l == 0 {
            return Err(msg("EOF receiving fversion reply"));
        }
        c.io().offset += l as i64;
        k += l;
    }
    let f = match Fcall::decode_prefix(&buf[..k]) {
        Ok((f, n)) if n == k => f,
        _ => return Err(msg("bad fversion conversion on reply")),
    };
    let (rmsize, rversion) = match f.msg {
        Msg::Rversion { msize, version } => (msize, version.into_bytes()),
        Msg::Rerror { ename } => return Err(srverror(&ename.to_string_lossy())),
        _ => return Err(msg("unexpected reply type in fversion")),
    };
    if rmsize as i64 > msize {
        return Err(msg("server tries to increase msize in fversion"));
    }
    if !(256..=1024 * 1024).contains(&rmsize) {
        return Err(msg("nonsense value of msize in fversion"));
    }
    // The version ends at its first NUL, as a C string does.
    let rv: Vec<u8> = rversion.iter().copied().take_while(|&b| b != 0).collect();
    if !v.starts_with(&rv) {
        return Err(msg("bad 9P version returned from server"));
    }
    if returnlen > 0 && returnlen < rv.len() {
        return Err(Error::Eshort);
    }

    let m = Arc::new(Mnt::new(up, rmsize, rv.clone()));
    c.setflag(CMSG);
    *c.mux.ilock() = Some(m);
    Ok(rv)
}

fn get32(p: &[u8]) -> u32 {
    u32::from_le_bytes([p[0], p[1], p[2], p[3]])
}

/// A server's error string, as `error()` keeps it.
fn srverror(s: &str) -> Error {
    Error::from_errstr(&kstrcpy(s, libc::fcall::ERRMAX))
}

/// The multiplexer of `c`'s mount channel, negotiating the version first
/// if no one has.
fn needversion<S: Sched>(up: &Up<S>, c: &Arc<Chan<S>>) -> Result<Arc<Mnt<S>>> {
    if let Some(m) = mux(c) {
        return Ok(m);
    }
    mntversion(up, c, b"", 0, 0)?;
    mux(c).ok_or_else(|| msg(ENOVERSION))
}

/// `mntchan`: a new `#M` channel with a dev of its own. It belongs to
/// no device until the server accepts its fid.
fn mntchan<S: Sched>(up: &Up<S>) -> Result<Chan<S>> {
    let mut c = devattach(up, 'M', "")?;
    c.dev = nextid();
    c.forget();
    Ok(c)
}

/// The `#M` device of the table, to give a channel once its fid is
/// known to the server.
fn mntdev<S: Sched>(up: &Up<S>) -> Result<Arc<dyn Dev<S>>> {
    up.devtab
        .devno('M')
        .and_then(|t| up.devtab.get(t).cloned())
        .ok_or_else(|| msg("devno M 0x4d"))
}

/// `mntauth`: a channel to the authentication file of the server on the
/// mount channel `c`, for the attach name `spec` (Tauth).
pub fn mntauth<S: Sched>(up: &Up<S>, c: &Arc<Chan<S>>, spec: &str) -> Result<Chan<S>> {
    let m = needversion(up, c)?;
    let dt = mntdev(up)?;
    let mut nc = mntchan(up)?;
    let r = mountrpc(
        up,
        &m,
        c,
        Msg::Tauth {
            afid: nc.fid,
            uname: up.user.as_str().into(),
            aname: spec.into(),
        },
    )?;
    let Msg::Rauth { aqid } = r.msg else {
        return Err(Error::Emountrpc);
    };
    nc.set_devp(Some(dt));
    nc.qid = aqid;
    nc.mchan = Some(c.clone());
    nc.mqid = aqid;
    nc.mode = ORDWR;
    nc.iounit = m.msize - IOHDRSZ as u32;
    Ok(nc)
}

/// `mntattach`: the root of the tree `spec` of the server on the mount
/// channel `c` (Tattach as the current user), authenticated by the
/// channel `ac` that [`mntauth`] made on the same mount channel, if any.
/// `flags` may ask for MCACHE.
pub fn mntattach<S: Sched>(
    up: &Up<S>,
    c: &Arc<Chan<S>>,
    ac: Option<&Arc<Chan<S>>>,
    spec: &str,
    flags: u32,
) -> Result<Chan<S>> {
    if let Some(ac) = ac {
        if !ac.mchan.as_ref().is_some_and(|mc| Arc::ptr_eq(mc, c)) {
            return Err(Error::Ebadusefd);
        }
    }
    let m = needversion(up, c)?;
    let dt = mntdev(up)?;
    let mut nc = mntchan(up)?;
    let r = mountrpc(
        up,
        &m,
        c,
        Msg::Tattach {
            fid: nc.fid,
            afid: ac.map_or(NOFID, |a| a.fid),
            uname: up.user.as_str().into(),
            aname: spec.into(),
        },
    )?;
    let Msg::Rattach { qid } = r.msg else {
        return Err(Error::Emountrpc);
    };
    nc.set_devp(Some(dt));
    nc.qid = qid;
    nc.mchan = Some(c.clone());
    nc.mqid = qid;
    if flags & MCACHE != 0 {
        nc.setflag(CCACHE);
    }
    Ok(nc)
}

/// A mount's multiplexer and mount channel.
type Mount<S> = (Arc<Mnt<S>>, Arc<Chan<S>>);

/// `mntchk`: the multiplexer and mount channel of the `#M` channel `c`.
fn mntchk<S: Sched>(c: &Chan<S>) -> Result<Mount<S>> {
    let mc = c.mchan.clone().ok_or(Error::Emountrpc)?;
    let m = mux(&mc).ok_or(Error::Emountrpc)?;
    Ok((m, mc))
}

/// `mountrpc`: send `msg` to the server on `mc` and wait for its reply:
/// the reply of the right type, or the server's error, "interrupted"
/// when the request was flushed, or "mount rpc error".
fn mountrpc<S: Sched>(up: &Up<S>, m: &Mnt<S>, mc: &Arc<Chan<S>>, msg: Msg) -> Result<Fcall> {
    let typ = msg.typ();
    let tag = m.alloctag()?;
    let mut chain = Chain {
        m,
        rpcs: vec![Rpc::new(tag, typ, 0)],
    };
    mountio(up, m, mc, &mut chain, Fcall::new(tag, msg))?;
    let reply = chain.rpcs[0].reply.ilock().take();
    let Some(reply) = reply else {
        return Err(Error::Emountrpc);
    };
    match &reply.msg {
        Msg::Rerror { ename } => Err(srverror(&ename.to_string_lossy())),
        Msg::Rflush => Err(Error::Eintr),
        m if m.typ() == typ + 1 => Ok(reply),
        _ => Err(Error::Emountrpc),
    }
}

/// `mountio`: do the request, flushing it when a note interrupts the
/// wait. Afterwards the original's reply is in, or marks it flushed.
fn mountio<S: Sched>(
    up: &Up<S>,
    m: &Mnt<S>,
    mc: &Arc<Chan<S>>,
    chain: &mut Chain<'_, S>,
    mut req: Fcall,
) -> Result<()> {
    loop {
        let cur = chain.rpcs.last().expect("a request").clone();
        match mountio1(up, m, mc, &cur, &req) {
            Ok(()) => {
                mntflushfree(m, chain);
                return Ok(());
            }
            Err(Error::Eintr) => {
                // mntflushalloc: a flush of the original's tag.
                let oldtag = if cur.typ == Tflush {
                    cur.oldtag
                } else {
                    cur.tag
                };
                let tag = match m.alloctag() {
                    Ok(t) => t,
                    Err(e) => {
                        mntflushfree(m, chain);
                        return Err(e);
                    }
                };
                chain.rpcs.push(Rpc::new(tag, Tflush, oldtag));
                req = Fcall::new(tag, Msg::Tflush { oldtag });
            }
            Err(e) => {
                mntflushfree(m, chain);
                return Err(e);
            }
        }
    }
}

/// One round of `mountio` for the request `r`: queue it, send it, and
/// wait for its reply, reading replies when no one else is.
fn mountio1<S: Sched>(
    up: &Up<S>,
    m: &Mnt<S>,
    mc: &Arc<Chan<S>>,
    r: &Arc<Rpc<S>>,
    req: &Fcall,
) -> Result<()> {
    m.queue.ilock().push_front(r.clone());

    // Transmit the request.
    let n = libc::convs2m::sizeS2M(req) as usize;
    if n == 0 || n > m.msize as usize {
        return Err(Error::Emountrpc);
    }
    let mut b = allocb(n);
    let wp = b.wp;
    let n = libc::convs2m::convS2M(req, &mut b.buf_mut()[wp..wp + n]) as usize;
    if n == 0 {
        return Err(Error::Emountrpc);
    }
    b.wp += n;
    mc.devp()?.bwrite(up, mc, b, 0)?;

    // Gate readers onto the mount one at a time.
    loop {
        if m.reading
            .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            break;
        }
        S::sleep(&r.z, &mut || r.done() || !m.reading.load(Ordering::SeqCst))?;
        if r.done() {
            return Ok(());
        }
    }
    let gate = Gate(m);
    while !r.done() {
        match mntrpcread(up, m, mc)? {
            Some(f) => mountmux(m, f),
            None => return Err(Error::Emountrpc),
        }
    }
    drop(gate);
    Ok(())
}

/// `doread`: read from the mount channel until `len` bytes are in; false
/// at end of file.
fn doread<S: Sched>(up: &Up<S>, m: &Mnt<S>, mc: &Arc<Chan<S>>, len: usize) -> Result<bool> {
    while m.inq.ilock().len() < len {
        let b = mc.devp()?.bread(up, mc, m.msize as usize, 0)?;
        if b.blen() == 0 {
            return Ok(false);
        }
        m.inq.ilock().extend_from_slice(b.data());
    }
    Ok(true)
}

/// `mntrpcread`: the next message from the server, or `None` for end of
/// file or a malformed message (which is thrown away).
fn mntrpcread<S: Sched>(up: &Up<S>, m: &Mnt<S>, mc: &Arc<Chan<S>>) -> Result<Option<Fcall>> {
    const HDR: usize = BIT32SZ + BIT8SZ + BIT16SZ;
    if !doread(up, m, mc, HDR)? {
        return Ok(None);
    }
    let len = get32(&m.inq.ilock()) as usize;
    if len < HDR || len > m.msize as usize {
        m.inq.ilock().clear();
        return Ok(None);
    }
    if !doread(up, m, mc, len)? {
        return Ok(None);
    }
    let mut q = m.inq.ilock();
    let f = Fcall::decode(&q[..len]);
    q.drain(..len);
    Ok(f.ok())
}

/// `mountmux`: give the reply `f` to the request with its tag; a reply
/// no one waits for is dropped.
fn mountmux<S: Sched>(m: &Mnt<S>, f: Fcall) {
    let r = {
        let mut q = m.queue.ilock();
        let Some(i) = q.iter().position(|r| r.tag == f.tag) else {
            return;
        };
        let r = q.remove(i).expect("found");
        *r.reply.ilock() = Some(f);
        r.done.store(true, Ordering::SeqCst);
        r
    };
    S::wakeup(&r.z);
}

/// `mntflushfree`: every request of the chain not answered is taken off
/// the queue and marked flushed.
fn mntflushfree<S: Sched>(m: &Mnt<S>, chain: &Chain<'_, S>) {
    let mut q = m.queue.ilock();
    for r in chain.rpcs.iter().rev() {
        if !r.done() {
            q.retain(|x| !Arc::ptr_eq(x, r));
            *r.reply.ilock() = Some(Fcall::new(r.tag, Msg::Rflush));
            r.done.store(true, Ordering::SeqCst);
        }
    }
}

/// `mntwalk`: walk `c` through at most `MAXWELEM` names with a new fid.
fn mntwalk<S: Sched>(up: &Up<S>, c: &Chan<S>, names: &[&str]) -> Result<Walkqid<S>> {
    if names.len() > MAXWELEM {
        return Err(msg("devmnt: too many name elements"));
    }
    let (m, mc) = mntchk(c)?;
    let mut nc = devclone(c)?;
    // Until the server accepts the new fid, closing it must not clunk.
    nc.forget();
    nc.setflag(c.flag() & CCACHE);
    let r = mountrpc(
        up,
        &m,
        &mc,
        Msg::Twalk {
            fid: c.fid,
            newfid: nc.fid,
            wname: names.iter().map(|&n| n.into()).collect(),
        },
    )?;
    let Msg::Rwalk { wqid } = r.msg else {
        return Err(Error::Emountrpc);
    };
    if wqid.len() > names.len() {
        return Err(msg("too many QIDs returned by walk"));
    }
    if wqid.len() < names.len() {
        drop(nc);
        if wqid.is_empty() {
            return Err(Error::Enonexist);
        }
        return Ok(Walkqid {
            clone: None,
            qid: wqid,
        });
    }
    nc.set_devp(c.devp_opt());
    nc.mchan = Some(mc);
    if let Some(q) = wqid.last() {
        nc.qid = *q;
    }
    Ok(Walkqid {
        clone: Some(nc),
        qid: wqid,
    })
}

/// `mntdirfix`: the entry at `p` is of this device's type and `c`'s dev.
fn mntdirfix<S: Sched>(p: &mut [u8], c: &Chan<S>) {
    let r = c.devp_opt().map_or('M', |d| d.dc()) as u32 as u16;
    p[BIT16SZ..2 * BIT16SZ].copy_from_slice(&r.to_le_bytes());
    p[2 * BIT16SZ..2 * BIT16SZ + BIT32SZ].copy_from_slice(&c.dev.to_le_bytes());
}

fn mntstat<S: Sched>(up: &Up<S>, c: &Chan<S>, dp: &mut [u8]) -> Result<usize> {
    if dp.len() < BIT16SZ {
        return Err(Error::Eshortstat);
    }
    let (m, mc) = mntchk(c)?;
    let r = mountrpc(up, &m, &mc, Msg::Tstat { fid: c.fid })?;
    let Msg::Rstat { stat } = r.msg else {
        return Err(Error::Emountrpc);
    };
    let n = stat.len();
    if n > dp.len() {
        // Too small: say how big the entry is.
        let need = (n - BIT16SZ) as u16;
        dp[..BIT16SZ].copy_from_slice(&need.to_le_bytes());
        return Ok(BIT16SZ);
    }
    dp[..n].copy_from_slice(&stat);
    validstat(&dp[..n])?;
    mntdirfix(&mut dp[..n], c);
    Ok(n)
}

/// `mntopencreate`: Topen, or Tcreate of `name` with `perm`.
fn mntopencreate<S: Sched>(
    up: &Up<S>,
    mut c: Chan<S>,
    create: Option<(&str, u32)>,
    omode: u32,
) -> Result<Chan<S>> {
    let mode = openmode(omode)?;
    let (m, mc) = mntchk(&c)?;
    let req = match create {
        None => Msg::Topen {
            fid: c.fid,
            mode: omode as u8,
        },
        Some((name, perm)) => Msg::Tcreate {
            fid: c.fid,
            name: name.into(),
            perm,
            mode: omode as u8,
        },
    };
    let r = mountrpc(up, &m, &mc, req)?;
    let (qid, iounit) = match r.msg {
        Msg::Ropen { qid, iounit } | Msg::Rcreate { qid, iounit } => (qid, iounit),
        _ => return Err(Error::Emountrpc),
    };
    c.qid = qid;
    c.set_offset(0);
    c.mode = mode;
    let max = m.msize - IOHDRSZ as u32;
    c.iounit = if iounit == 0 || iounit > max {
        max
    } else {
        iounit
    };
    c.setflag(COPEN);
    Ok(c)
}

/// `mntclunk`: Tclunk or Tremove of `c`'s fid.
fn mntclunk<S: Sched>(up: &Up<S>, c: &Chan<S>, remove: bool) -> Result<()> {
    let (m, mc) = mntchk(c)?;
    let req = if remove {
        Msg::Tremove { fid: c.fid }
    } else {
        Msg::Tclunk { fid: c.fid }
    };
    mountrpc(up, &m, &mc, req)?;
    Ok(())
}

/// The size of the next request of a read or write.
fn iounit<S: Sched>(c: &Chan<S>, m: &Mnt<S>) -> usize {
    if c.iounit != 0 {
        c.iounit as usize
    } else {
        (m.msize - IOHDRSZ as u32) as usize
    }
}

/// `mntrdwr` for reads: Treads of at most the iounit until the count is
/// read or the server gives less than asked.
fn mntrdwr_read<S: Sched>(up: &Up<S>, c: &Chan<S>, buf: &mut [u8], mut off: i64) -> Result<usize> {
    let (m, mc) = mntchk(c)?;
    let unit = iounit(c, &m);
    let mut cnt = 0;
    loop {
        let nreq = (buf.len() - cnt).min(unit);
        let r = mountrpc(
            up,
            &m,
            &mc,
            Msg::Tread {
                fid: c.fid,
                offset: off as u64,
                count: nreq as u32,
            },
        )?;
        let Msg::Rread { data } = r.msg else {
            return Err(Error::Emountrpc);
        };
        let nr = data.len().min(nreq);
        buf[cnt..cnt + nr].copy_from_slice(&data[..nr]);
        off += nr as i64;
        cnt += nr;
        if nr != nreq || cnt == buf.len() {
            break;
        }
    }
    Ok(cnt)
}

/// `mntrdwr` for writes.
fn mntrdwr_write<S: Sched>(up: &Up<S>, c: &Chan<S>, buf: &[u8], mut off: i64) -> Result<usize> {
    let (m, mc) = mntchk(c)?;
    let unit = iounit(c, &m);
    let mut cnt = 0;
    loop {
        let nreq = (buf.len() - cnt).min(unit);
        let r = mountrpc(
            up,
            &m,
            &mc,
            Msg::Twrite {
                fid: c.fid,
                offset: off as u64,
                data: buf[cnt..cnt + nreq].to_vec(),
            },
        )?;
        let Msg::Rwrite { count } = r.msg else {
            return Err(Error::Emountrpc);
        };
        let nr = (count as usize).min(nreq);
        off += nr as i64;
        cnt += nr;
        if nr != nreq || cnt == buf.len() {
            break;
        }
    }
    Ok(cnt)
}

impl<S: Sched> Dev<S> for DevMnt {
    fn dc(&self) -> char {
        'M'
    }

    fn name(&self) -> &str {
        "mnt"
    }

    /// `#M` is reached only through mount (`noattach`).
    fn attach(&self, _up: &Up<S>, _spec: &str) -> Result<Chan<S>> {
        Err(Error::Enoattach)
    }

    fn walk(&self, up: &Up<S>, c: &Chan<S>, names: &[&str]) -> Result<Walkqid<S>> {
        mntwalk(up, c, names)
    }

    fn stat(&self, up: &Up<S>, c: &Chan<S>, db: &mut [u8]) -> Result<usize> {
        mntstat(up, c, db)
    }

    fn open(&self, up: &Up<S>, c: Chan<S>, omode: u32) -> Result<Arc<Chan<S>>> {
        mntopencreate(up, c, None, omode).map(Arc::new)
    }

    fn create(&self, up: &Up<S>, c: Chan<S>, name: &str, omode: u32, perm: u32) -> Result<Chan<S>> {
        mntopencreate(up, c, Some((name, perm)), omode)
    }

    /// `mntclose`: clunk the fid. The error of a failed clunk has no one
    /// to go to.
    fn close(&self, c: &mut Chan<S>) {
        let Ok((m, _)) = mntchk(c) else { return };
        let _ = mntclunk(&m.closer, c, false);
    }

    fn read(&self, up: &Up<S>, c: &Chan<S>, buf: &mut [u8], off: i64) -> Result<usize> {
        let n = mntrdwr_read(up, c, buf, off)?;
        if c.qid.typ & QTDIR != 0 {
            let mut p = 0;
            while p + BIT16SZ < n {
                let dirlen = BIT16SZ + u16::from_le_bytes([buf[p], buf[p + 1]]) as usize;
                if p + dirlen > n {
                    break;
                }
                validstat(&buf[p..p + dirlen])?;
                mntdirfix(&mut buf[p..p + dirlen], c);
                p += dirlen;
            }
            if p != n {
                return Err(msg(ESBADSTAT));
            }
        }
        Ok(n)
    }

    fn write(&self, up: &Up<S>, c: &Chan<S>, buf: &[u8], off: i64) -> Result<usize> {
        mntrdwr_write(up, c, buf, off)
    }

    /// `mntremove`: Tremove, which clunks the fid whatever the answer.
    fn remove(&self, up: &Up<S>, c: &mut Chan<S>) -> Result<()> {
        let r = mntclunk(up, c, true);
        c.forget();
        r
    }

    fn wstat(&self, up: &Up<S>, c: &Chan<S>, d: &[u8]) -> Result<usize> {
        let (m, mc) = mntchk(c)?;
        mountrpc(
            up,
            &m,
            &mc,
            Msg::Twstat {
                fid: c.fid,
                stat: d.to_vec(),
            },
        )?;
        Ok(d.len())
    }
}

#[cfg(test)]
mod tests {
    //! The driver against real 9P servers (lib9p's, on a Unix socket
    //! pair, bridged to the kernel by the test device `#Q`) and against
    //! scripted ones that misbehave. Each test says which part of 9front
    //! (devmnt.c, sysfile.c, auth.c, chan.c, or the manual) it checks.
    extern crate std;

    use super::*;
    use crate::chan::{namec, setroot};
    use crate::dev::{devopen, devstat, devwalk, Devtab, Dirtab};
    use crate::pgrp::rforkgrp;
    use crate::portdat::{rfork::RFPROC, Amode, CCEXEC, MAFTER, MBEFORE, MCACHE, MCREATE, MREPL};
    use crate::portfns::host;
    use crate::qio::Queue;
    use crate::sysfile::{
        syscreate, sysfauth, sysfstat, sysfversion, sysmount, sysopen, syspread, syspwrite,
        sysread, sysremove, sysstat, sysunmount, syswrite, syswstat,
    };
    use crate::testdev::{err, ls, lsn, Ydev, EVE, H, USER};
    use alloc::boxed::Box;
    use alloc::string::ToString;
    use core::any::Any;
    use libc::fcall::{Dir, Qid, DMDIR, NOTAG, OREAD, OTRUNC, OWRITE, QTAUTH, QTFILE};
    use std::collections::{BTreeMap, BTreeSet};
    use std::sync::{mpsc, Mutex};
    use std::thread;
    use std::time::{Duration, Instant};

    use lib9p::file::{createfile, Tree};
    use lib9p::{Req, Srv};

    // ------------------------------------------------------------------
    // #Q: the kernel's end of a pipe to a server.

    /// The two directions of a connection.
    struct Pipe {
        /// What the kernel writes, for the server.
        tosrv: Queue<H>,
        /// What the server writes, for the kernel.
        fromsrv: Queue<H>,
        /// The iounit of the kernel's channel once open.
        iounit: u32,
    }

    impl Pipe {
        fn hangup(&self) {
            self.tosrv.qhangup(None);
            self.fromsrv.qhangup(None);
        }
    }

    const QTAB: &[Dirtab] = &[
        Dirtab::new(
            ".",
            Qid {
                path: 0,
                vers: 0,
                typ: QTDIR,
            },
            0,
            DMDIR | 0o555,
        ),
        Dirtab::new(
            "data",
            Qid {
                path: 1,
                vers: 0,
                typ: QTFILE,
            },
            0,
            0o666,
        ),
    ];

    /// `#Q`: `#Qn/data` is the kernel's end of pipe `n`, a file to open ORDWR
    /// (a stand-in for a pipe or /srv entry). Closing it hangs up both
    /// directions, as closing a pipe's end does.
    #[derive(Default)]
    struct Qdev {
        pipes: Mutex<Vec<Arc<Pipe>>>,
    }

    impl Qdev {
        fn plug(&self, iounit: u32) -> (usize, Arc<Pipe>) {
            let p = Arc::new(Pipe {
                tosrv: Queue::qopen(1 << 20, 0, None),
                fromsrv: Queue::qopen(1 << 20, 0, None),
                iounit,
            });
            let mut v = self.pipes.lock().unwrap();
            v.push(p.clone());
            (v.len() - 1, p)
        }
    }

    fn pipeof(c: &Chan<H>) -> Arc<Pipe> {
        let a: Arc<dyn Any + Send + Sync> = c.aux.clone().expect("a #Q channel");
        a.downcast::<Pipe>().expect("a pipe")
    }

    impl Dev<H> for Qdev {
        fn dc(&self) -> char {
            'Q'
        }
        fn name(&self) -> &str {
            "qtest"
        }
        fn attach(&self, up: &Up<H>, spec: &str) -> Result<Chan<H>> {
            let i: usize = spec.parse().map_err(|_| Error::Ebadspec)?;
            let p = self
                .pipes
                .lock()
                .unwrap()
                .get(i)
                .cloned()
                .ok_or(Error::Ebadspec)?;
            let mut c = devattach(up, 'Q', spec)?;
            c.dev = i as u32;
            c.aux = Some(p);
            Ok(c)
        }
        fn walk(&self, up: &Up<H>, c: &Chan<H>, names: &[&str]) -> Result<Walkqid<H>> {
            devwalk(up, c, names, QTAB, None)
        }
        fn stat(&self, up: &Up<H>, c: &Chan<H>, db: &mut [u8]) -> Result<usize> {
            devstat(up, c, db, QTAB, None)
        }
        fn open(&self, up: &Up<H>, c: Chan<H>, omode: u32) -> Result<Arc<Chan<H>>> {
            let iounit = pipeof(&c).iounit;
            let c = devopen(up, c, omode, QTAB, None)?;
            let mut c = Arc::try_unwrap(c).expect("a new channel");
            c.iounit = iounit;
            Ok(Arc::new(c))
        }
        fn close(&self, c: &mut Chan<H>) {
            if c.flag() & COPEN != 0 && c.qid.path == 1 {
                pipeof(c).hangup();
            }
        }
        fn read(&self, _up: &Up<H>, c: &Chan<H>, buf: &mut [u8], _off: i64) -> Result<usize> {
            pipeof(c).fromsrv.qread(buf)
        }
        fn write(&self, _up: &Up<H>, c: &Chan<H>, buf: &[u8], _off: i64) -> Result<usize> {
            pipeof(c).tosrv.qwrite(buf)
        }
    }

    // ------------------------------------------------------------------
    // The kernel of the tests.

    struct World {
        up: Up<H>,
        q: Arc<Qdev>,
    }

    /// A process rooted at `#Yroot`, which holds the empty directories
    /// `/n/a`, `/n/b` and `/n/u` (with a file `local`), in a kernel of
    /// `#Y`, `#M` and `#Q`.
    fn world() -> World {
        let y = Arc::new(Ydev::default());
        y.mk("root", "n/a/", "");
        y.mk("root", "n/b/", "");
        y.mk("root", "n/u/local", "here");
        let q = Arc::new(Qdev::default());
        let devs: Vec<Arc<dyn Dev<H>>> = vec![y, Arc::new(DevMnt::new()), q.clone()];
        let dt = Devtab::new(EVE, devs).unwrap();
        let mut up = Up::new(Arc::new(dt), USER);
        setroot(&mut up, "#Yroot").unwrap();
        World { up, q }
    }

    /// Open the kernel's end of pipe `slot`.
    fn openpipe(up: &Up<H>, slot: usize) -> i32 {
        sysopen(up, &format!("#Q{slot}/data"), ORDWR as u32).unwrap() as i32
    }

    /// mount(2) the server on pipe `slot`.
    fn mount(up: &Up<H>, slot: usize, old: &str, flag: u32) -> Result<i32> {
        let fd = openpipe(up, slot);
        sysmount(up, fd, -1, old, flag, "")
    }

    /// Every message a server saw and sent, in order.
    type Log = Arc<Mutex<Vec<Fcall>>>;

    /// Cuts a byte stream into 9P messages.
    #[derive(Default)]
    struct Cutter(Vec<u8>);

    impl Cutter {
        fn push(&mut self, b: &[u8], log: &Log) {
            self.0.extend_from_slice(b);
            while self.0.len() >= 4 {
                let n = get32(&self.0) as usize;
                if n < 7 || self.0.len() < n {
                    break;
                }
                if let Ok(f) = Fcall::decode(&self.0[..n]) {
                    log.lock().unwrap().push(f);
                }
                self.0.drain(..n);
            }
        }
    }

    /// A server thread and the bridges to its pipe.
    struct Server {
        slot: usize,
        log: Log,
        threads: Vec<thread::JoinHandle<()>>,
    }

    impl Server {
        /// Wait for the server to see the connection hang up and end;
        /// its transcript. A kernel that keeps the connection (a leaked
        /// channel) fails the test here.
        fn finish(self) -> Vec<Fcall> {
            let t0 = Instant::now();
            while !self.threads.iter().all(|t| t.is_finished()) {
                assert!(
                    t0.elapsed() < Duration::from_secs(10),
                    "the server never saw the connection hang up"
                );
                thread::sleep(Duration::from_millis(5));
            }
            for t in self.threads {
                t.join().expect("server thread");
            }
            let v = self.log.lock().unwrap().clone();
            v
        }

        fn log(&self) -> Vec<Fcall> {
            self.log.lock().unwrap().clone()
        }
    }

    /// Serve `s` with lib9p on a new pipe of `w`, whose kernel channel has
    /// `iounit`.
    fn serve9p(w: &World, s: Arc<dyn Srv>, iounit: u32) -> Server {
        use libc::syscall::{close, pipe, read, write};
        let (slot, p) = w.q.plug(iounit);
        let [k1, s1] = pipe().unwrap();
        let [s2, k2] = pipe().unwrap();
        let log: Log = Default::default();
        let srv = thread::spawn(move || {
            lib9p::srv::srv(s, s1, s2);
            let _ = close(s1);
            let _ = close(s2);
        });
        let (p1, l1) = (p.clone(), log.clone());
        let out = thread::spawn(move || {
            let mut cut = Cutter::default();
            let mut b = vec![0u8; 1 << 16];
            while let Ok(n) = p1.tosrv.qread(&mut b) {
                if n == 0 {
                    break;
                }
                cut.push(&b[..n], &l1);
                let mut o = 0;
                while o < n {
                    match write(k1, &b[o..n]) {
                        Ok(m) if m > 0 => o += m,
                        _ => break,
                    }
                }
            }
            let _ = close(k1);
        });
        let (p2, l2) = (p, log.clone());
        let inb = thread::spawn(move || {
            let mut cut = Cutter::default();
            let mut b = vec![0u8; 1 << 16];
            while let Ok(n) = read(k2, &mut b) {
                if n == 0 {
                    break;
                }
                cut.push(&b[..n], &l2);
                if p2.fromsrv.qwrite(&b[..n]).is_err() {
                    break;
                }
            }
            p2.fromsrv.qhangup(None);
            let _ = close(k2);
        });
        Server {
            slot,
            log,
            threads: vec![srv, out, inb],
        }
    }

    /// The fids a transcript leaves in use. Fids come into use by
    /// Tattach, Tauth and complete Twalks to a new fid, and go by Tclunk
    /// and Tremove whatever their answer (intro(5), clunk(5),
    /// remove(5)); a clunk of a fid not in use fails the test.
    fn livefids(log: &[Fcall]) -> BTreeSet<u32> {
        let mut live = BTreeSet::new();
        let mut pending: BTreeMap<u16, Msg> = BTreeMap::new();
        for f in log {
            if f.msg.is_request() {
                match &f.msg {
                    Msg::Tclunk { fid } | Msg::Tremove { fid } => {
                        assert!(live.remove(fid), "fid {fid} clunked but not in use");
                    }
                    Msg::Tversion { .. } => live.clear(),
                    _ => {}
                }
                pending.insert(f.tag, f.msg.clone());
                continue;
            }
            let Some(t) = pending.remove(&f.tag) else {
                continue;
            };
            match (t, &f.msg) {
                (Msg::Tattach { fid, .. }, Msg::Rattach { .. })
                | (Msg::Tauth { afid: fid, .. }, Msg::Rauth { .. }) => {
                    assert!(live.insert(fid), "fid {fid} reused");
                }
                (
                    Msg::Twalk {
                        fid, newfid, wname, ..
                    },
                    Msg::Rwalk { wqid },
                ) if wqid.len() == wname.len() && newfid != fid => {
                    assert!(live.insert(newfid), "fid {newfid} reused");
                }
                _ => {}
            }
        }
        live
    }

    // ------------------------------------------------------------------
    // A ramfs over lib9p (after sys/src/cmd/ramfs.rs): files are byte
    // vectors in the tree's files; Ropen and Rcreate give `iounit`.

    struct Ramfs {
        tree: Arc<Tree>,
        iounit: u32,
    }

    fn data(st: &mut lib9p::FileState) -> &mut Vec<u8> {
        if st.aux.is_none() {
            st.aux = Some(Box::new(Vec::<u8>::new()));
        }
        st.aux.as_mut().unwrap().downcast_mut::<Vec<u8>>().unwrap()
    }

    impl Srv for Ramfs {
        fn tree(&self) -> Option<Arc<Tree>> {
            Some(self.tree.clone())
        }
        fn open(&self, mut r: Req) {
            if r.mode() & OTRUNC != 0 {
                let f = r.fid.as_ref().and_then(|f| f.file()).unwrap();
                let mut st = f.write();
                data(&mut st).clear();
                st.dir.length = 0;
            }
            r.ofcall.iounit = self.iounit;
            r.respond(None);
        }
        fn create(&self, mut r: Req) {
            let fid = r.fid.clone().unwrap();
            let f = fid.file().unwrap();
            let (name, perm, _) = r.createargs();
            let name = name.clone();
            match createfile(&f, name.as_bytes(), Some(&fid.uid()), perm, None) {
                Err(e) => r.respond(Some(&e)),
                Ok(nf) => {
                    r.ofcall.qid = nf.qid();
                    r.ofcall.iounit = self.iounit;
                    fid.lock().file = Some(nf);
                    r.respond(None);
                }
            }
        }
        fn read(&self, mut r: Req) {
            let f = r.fid.as_ref().and_then(|f| f.file()).unwrap();
            let (off, count) = r.readargs();
            let out = {
                let mut st = f.write();
                let d = data(&mut st);
                let o = (off as usize).min(d.len());
                let e = (o + count as usize).min(d.len());
                d[o..e].to_vec()
            };
            r.ofcall.data = out;
            r.respond(None);
        }
        fn write(&self, mut r: Req) {
            let f = r.fid.as_ref().and_then(|f| f.file()).unwrap();
            let (off, buf) = r.writeargs();
            let (off, buf) = (off as usize, buf.to_vec());
            {
                let mut st = f.write();
                let d = data(&mut st);
                if d.len() < off + buf.len() {
                    d.resize(off + buf.len(), 0);
                }
                d[off..off + buf.len()].copy_from_slice(&buf);
                let l = d.len() as u64;
                st.dir.length = l;
                st.dir.qid.vers += 1;
            }
            r.ofcall.count = buf.len() as u32;
            r.respond(None);
        }
        fn wstat(&self, r: Req) {
            let f = r.fid.as_ref().and_then(|f| f.file()).unwrap();
            if !r.d.name.is_empty() {
                f.write().dir.name = r.d.name.clone();
            }
            r.respond(None);
        }
    }

    /// A ramfs holding `files` (a trailing `/` makes a directory).
    fn ramfs(files: &[(&str, &str)], iounit: u32) -> Arc<Ramfs> {
        let t = Tree::new(Some(USER), Some(USER), 0o775, None);
        for (name, body) in files {
            let (name, dir) = match name.strip_suffix('/') {
                Some(n) => (n, true),
                None => (*name, false),
            };
            let perm = if dir { DMDIR | 0o775 } else { 0o664 };
            let f = createfile(&t.root, name.as_bytes(), Some(USER), perm, None).unwrap();
            if !dir {
                let mut st = f.write();
                data(&mut st).extend_from_slice(body.as_bytes());
                st.dir.length = body.len() as u64;
            }
        }
        Arc::new(Ramfs {
            tree: Arc::new(t),
            iounit,
        })
    }

    fn readall(up: &Up<H>, name: &str) -> Result<Vec<u8>> {
        let fd = sysopen(up, name, OREAD as u32)? as i32;
        let mut out = Vec::new();
        let mut b = vec![0u8; 8192];
        loop {
            let n = sysread(up, fd, &mut b)?;
            if n == 0 {
                break;
            }
            out.extend_from_slice(&b[..n]);
        }
        crate::sysfile::sysclose(up, fd)?;
        Ok(out)
    }

    fn stat(up: &Up<H>, name: &str) -> Dir {
        let mut b = [0u8; 512];
        let n = sysstat(up, name, &mut b).unwrap();
        Dir::decode(&b[..n]).unwrap()
    }

    /// The requests of a transcript of type `t`.
    fn reqs(log: &[Fcall], t: u8) -> Vec<Msg> {
        log.iter()
            .filter(|f| f.typ() == t)
            .map(|f| f.msg.clone())
            .collect()
    }

    // ------------------------------------------------------------------
    // Against lib9p.

    #[test]
    fn ramfs_through_a_mount() {
        // devmnt.c end to end: mntversion sends Tversion with NOTAG, MAXRPC
        // and "9P2000"; mntattach sends Tattach as up->user with no afid;
        // walks, open/create, read/write, stat (mntdirfix: type 'M', the
        // mount's dev), wstat and remove go to the server; every fid the
        // kernel made is clunked by the end.
        let w = world();
        let s = serve9p(&w, ramfs(&[("hello", "hello, world"), ("d/", "")], 0), 0);
        assert_eq!(mount(&w.up, s.slot, "/n/a", MREPL | MCREATE), Ok(0));
        let up = &w.up;
        let log = s.log();
        assert_eq!(
            log[0],
            Fcall::new(
                NOTAG,
                Msg::Tversion {
                    msize: MAXRPC as u32,
                    version: "9P2000".into()
                }
            )
        );
        assert_eq!(
            log[1].msg,
            Msg::Rversion {
                msize: MAXRPC as u32,
                version: "9P2000".into()
            }
        );
        let Msg::Tattach {
            afid, uname, aname, ..
        } = &log[2].msg
        else {
            panic!("{:?}", log[2]);
        };
        assert_eq!(
            (*afid, uname.as_str(), aname.as_str()),
            (NOFID, Some(USER), Some(""))
        );

        assert_eq!(ls(up, "/n/a"), ["hello", "d"]);
        assert_eq!(readall(up, "/n/a/hello").unwrap(), b"hello, world");
        let d = stat(up, "/n/a/hello");
        assert_eq!(
            (d.typ, d.length, d.uid.as_str()),
            ('M' as u16, 12, Some(USER))
        );
        let root = stat(up, "/n/a");
        assert_eq!(root.typ, 'M' as u16);
        assert_eq!(root.dev, d.dev, "one attach, one dev");
        assert!(lsn(up, "/n/a", 8192)
            .unwrap()
            .iter()
            .all(|e| e.typ == 'M' as u16 && e.dev == d.dev));

        // create (MCREATE), write, read back, rename, remove.
        let fd = syscreate(up, "/n/a/d/new", ORDWR as u32, 0o664).unwrap() as i32;
        assert_eq!(syswrite(up, fd, b"0123456789"), Ok(10));
        let mut b = [0u8; 4];
        assert_eq!(syspread(up, fd, &mut b, 3), Ok(4));
        assert_eq!(&b, b"3456");
        let mut sb = [0u8; 256];
        let n = sysfstat(up, fd, &mut sb).unwrap();
        assert_eq!(Dir::decode(&sb[..n]).unwrap().length, 10);
        crate::sysfile::sysclose(up, fd).unwrap();
        let mut nd = libc::nulldir::nulldir();
        nd.name = "renamed".into();
        let st = nd.to_bytes().unwrap();
        assert_eq!(syswstat(up, "/n/a/d/new", &st), Ok(st.len()));
        assert_eq!(ls(up, "/n/a/d"), ["renamed"]);
        sysremove(up, "/n/a/d/renamed").unwrap();
        assert!(ls(up, "/n/a/d").is_empty());
        let removes = reqs(&s.log(), libc::fcall::Tremove);
        assert_eq!(removes.len(), 1);

        // Errors: the server's string for a walk failing at its first
        // name (chan.c names it); a walk failing later is Enonexist.
        assert_eq!(
            err(sysopen(up, "/n/a/nope", OREAD as u32)),
            "file not found: '/n/a/nope'"
        );
        assert_eq!(
            err(sysopen(up, "/n/a/d/nope/deeper", OREAD as u32)),
            "file does not exist: '/n/a/d/nope'"
        );
        assert_eq!(
            err(sysopen(up, "/n/a/hello", OWRITE as u32 | 0x10000)),
            "bad arg in system call"
        );

        // Walks clone fids (Twalk with no names to a new fid).
        let log = s.log();
        assert!(log.iter().any(|f| matches!(&f.msg,
            Msg::Twalk { fid, newfid, wname } if wname.is_empty() && fid != newfid)));

        sysunmount(up, None, "/n/a").unwrap();
        drop(w);
        let log = s.finish();
        assert_eq!(livefids(&log), BTreeSet::new(), "every fid clunked");
    }

    #[test]
    fn long_walks_go_sixteen_names_at_a_time() {
        // walk(5) carries at most MAXWELEM names; chan.c's walk cuts a
        // longer name into pieces, and devmnt.c refuses more than that
        // in one walk ("devmnt: too many name elements").
        let w = world();
        let s = serve9p(&w, ramfs(&[], 0), 0);
        mount(&w.up, s.slot, "/n/a", MREPL | MCREATE).unwrap();
        let up = &w.up;
        let mut path = String::from("/n/a");
        for i in 0..20 {
            path.push_str(&format!("/d{i}"));
            syscreate(up, &path, OREAD as u32, DMDIR | 0o775).unwrap();
        }
        let fd = syscreate(up, &(path.clone() + "/deep"), OWRITE as u32, 0o664).unwrap();
        syswrite(up, fd as i32, b"at the bottom").unwrap();
        crate::sysfile::sysclose(up, fd as i32).unwrap();
        assert_eq!(
            readall(up, &(path.clone() + "/deep")).unwrap(),
            b"at the bottom"
        );
        let walks: Vec<usize> = reqs(&s.log(), libc::fcall::Twalk)
            .into_iter()
            .map(|m| match m {
                Msg::Twalk { wname, .. } => wname.len(),
                _ => 0,
            })
            .collect();
        assert!(walks.iter().all(|&n| n <= MAXWELEM), "{walks:?}");
        assert!(
            walks.contains(&MAXWELEM),
            "a 21-name walk is cut at 16: {walks:?}"
        );
        let mc = namec(up, "/n/a", Amode::Aaccess, 0, 0).unwrap();
        let names: Vec<&str> = (0..17).map(|_| "x").collect();
        assert_eq!(
            DevMnt.walk(up, &mc, &names).err(),
            Some(Error::Msg("devmnt: too many name elements".into()))
        );
        drop(mc);
        drop(w);
        assert_eq!(livefids(&s.finish()), BTreeSet::new());
    }

    #[test]
    fn reads_and_writes_are_cut_at_the_iounit() {
        // devmnt.c's mntopencreate: the iounit is Ropen's, or msize -
        // IOHDRSZ when it says 0 or more; mntrdwr cuts reads and writes
        // into requests of at most that.
        let w = world();
        let s = serve9p(&w, ramfs(&[("f", "")], 1000), 0);
        mount(&w.up, s.slot, "/n/a", MREPL).unwrap();
        let up = &w.up;
        let big: Vec<u8> = (0..2500u32).map(|i| (i % 251) as u8).collect();
        let fd = sysopen(up, "/n/a/f", ORDWR as u32).unwrap() as i32;
        assert_eq!(syswrite(up, fd, &big), Ok(2500));
        let mut back = vec![0u8; 4000];
        assert_eq!(syspread(up, fd, &mut back, 0), Ok(2500));
        assert_eq!(&back[..2500], &big[..]);
        let log = s.log();
        let wr: Vec<usize> = reqs(&log, libc::fcall::Twrite)
            .iter()
            .map(|m| match m {
                Msg::Twrite { data, .. } => data.len(),
                _ => 0,
            })
            .collect();
        assert_eq!(wr, [1000, 1000, 500]);
        let rd: Vec<(u64, u32)> = reqs(&log, libc::fcall::Tread)
            .iter()
            .map(|m| match m {
                Msg::Tread { offset, count, .. } => (*offset, *count),
                _ => (0, 0),
            })
            .collect();
        // The third read gets less than it asked (500 of 1000) and ends
        // the loop.
        assert_eq!(rd, [(0, 1000), (1000, 1000), (2000, 1000)]);
        crate::sysfile::sysclose(up, fd).unwrap();
        drop(w);
        assert_eq!(livefids(&s.finish()), BTreeSet::new());
    }

    #[test]
    fn msize_follows_the_channel_iounit() {
        // mntversion: the msize offered is no more than the mount
        // channel's iounit; with Ropen's iounit 0 the channel's iounit is
        // msize - IOHDRSZ.
        let w = world();
        let s = serve9p(&w, ramfs(&[("f", "")], 0), 4096 + IOHDRSZ as u32);
        mount(&w.up, s.slot, "/n/a", MREPL).unwrap();
        let up = &w.up;
        let fd = sysopen(up, "/n/a/f", ORDWR as u32).unwrap() as i32;
        assert_eq!(syswrite(up, fd, &[7u8; 10000]), Ok(10000));
        let log = s.log();
        assert_eq!(
            log[0].msg,
            Msg::Tversion {
                msize: 4096 + IOHDRSZ as u32,
                version: "9P2000".into()
            }
        );
        let wr: Vec<usize> = reqs(&log, libc::fcall::Twrite)
            .iter()
            .map(|m| match m {
                Msg::Twrite { data, .. } => data.len(),
                _ => 0,
            })
            .collect();
        assert_eq!(wr, [4096, 4096, 1808]);
        crate::sysfile::sysclose(up, fd).unwrap();
        drop(w);
        s.finish();
    }

    #[test]
    fn union_of_two_servers_lists_in_order() {
        // bind(2): a union directory lists its members in order (MBEFORE
        // first, MAFTER last); a name in several is found in the first;
        // create goes to the first member mounted with MCREATE.
        let w = world();
        let sa = serve9p(&w, ramfs(&[("a1", "A"), ("both", "from a")], 0), 0);
        let sb = serve9p(&w, ramfs(&[("b1", "B"), ("both", "from b")], 0), 0);
        let up = &w.up;
        mount(up, sa.slot, "/n/u", MAFTER).unwrap();
        mount(up, sb.slot, "/n/u", MAFTER | MCREATE).unwrap();
        assert_eq!(ls(up, "/n/u"), ["local", "a1", "both", "b1", "both"]);
        assert_eq!(readall(up, "/n/u/both").unwrap(), b"from a");
        assert_eq!(readall(up, "/n/u/b1").unwrap(), b"B");
        syscreate(up, "/n/u/made", OWRITE as u32, 0o664).unwrap();
        assert_eq!(ls(up, "/n/u")[3..], ["b1", "both", "made"]);
        // The two mounts have different devs.
        assert_ne!(stat(up, "/n/u/a1").dev, stat(up, "/n/u/b1").dev);
        sysunmount(up, None, "/n/u").unwrap();
        assert_eq!(ls(up, "/n/u"), ["local"]);
        drop(w);
        assert_eq!(livefids(&sa.finish()), BTreeSet::new());
        assert_eq!(livefids(&sb.finish()), BTreeSet::new());
    }

    #[test]
    fn mbefore_mounts_come_first() {
        // bind(2): MBEFORE adds the new member at the head of the union.
        let w = world();
        let s = serve9p(&w, ramfs(&[("r1", ""), ("local", "remote")], 0), 0);
        let up = &w.up;
        mount(up, s.slot, "/n/u", MBEFORE).unwrap();
        assert_eq!(ls(up, "/n/u"), ["r1", "local", "local"]);
        assert_eq!(readall(up, "/n/u/local").unwrap(), b"remote");
        drop(w);
        assert_eq!(livefids(&s.finish()), BTreeSet::new());
    }

    #[test]
    fn create_in_a_mount_needs_mcreate() {
        // bind(2)/chan.c's createdir: without MCREATE the mounted
        // directory forbids creation, even with MREPL.
        let w = world();
        let s = serve9p(&w, ramfs(&[], 0), 0);
        let up = &w.up;
        mount(up, s.slot, "/n/a", MREPL).unwrap();
        assert_eq!(
            err(syscreate(up, "/n/a/x", OWRITE as u32, 0o664)),
            "mounted directory forbids creation: '/n/a/x'"
        );
        assert!(reqs(&s.log(), libc::fcall::Tcreate).is_empty());
        drop(w);
        assert_eq!(livefids(&s.finish()), BTreeSet::new());
    }

    #[test]
    fn many_processes_share_one_mount() {
        // devmnt.c's mountmux: processes using one mount at once each
        // get their own replies, whoever reads them.
        let w = world();
        let files: Vec<(String, String)> =
            (0..8).map(|i| (format!("f{i}"), String::new())).collect();
        let fs: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let s = serve9p(&w, ramfs(&fs, 0), 0);
        mount(&w.up, s.slot, "/n/a", MREPL).unwrap();
        thread::scope(|sc| {
            for i in 0..8 {
                let p = rforkgrp(&w.up, RFPROC).unwrap();
                sc.spawn(move || {
                    let name = format!("/n/a/f{i}");
                    let fd = sysopen(&p, &name, ORDWR as u32).unwrap() as i32;
                    for k in 0..40 {
                        let msg = format!("proc {i} pass {k}");
                        assert_eq!(syspwrite(&p, fd, msg.as_bytes(), 0), Ok(msg.len()));
                        let mut b = [0u8; 64];
                        let n = syspread(&p, fd, &mut b, 0).unwrap();
                        assert_eq!(&b[..n], msg.as_bytes());
                    }
                    crate::sysfile::sysclose(&p, fd).unwrap();
                });
            }
        });
        drop(w);
        assert_eq!(livefids(&s.finish()), BTreeSet::new());
    }

    // ------------------------------------------------------------------
    // Scripted servers.

    /// The server's end of a pipe, for scripted servers. Dropping it
    /// hangs the connection up.
    struct Wire {
        p: Arc<Pipe>,
        cut: Vec<u8>,
        log: Log,
        /// The file each fid is on, as the basic server sees it.
        fids: BTreeMap<u32, u64>,
    }

    impl Drop for Wire {
        fn drop(&mut self) {
            self.p.hangup();
        }
    }

    /// The basic server's files: the root (0), `f` (1, "0123456789"),
    /// `g` (2, empty) and `dir` (3, an empty directory).
    fn fqid(path: u64) -> Qid {
        Qid {
            path,
            vers: 0,
            typ: if path == 0 || path == 3 {
                QTDIR
            } else {
                QTFILE
            },
        }
    }

    fn fdir(path: u64) -> Dir {
        let name = ["/", "f", "g", "dir"][path as usize];
        let q = fqid(path);
        Dir {
            qid: q,
            mode: if q.typ == QTDIR { DMDIR | 0o775 } else { 0o664 },
            length: if path == 1 { 10 } else { 0 },
            name: name.into(),
            uid: USER.into(),
            gid: USER.into(),
            muid: USER.into(),
            ..Dir::default()
        }
    }

    impl Wire {
        /// The next message from the kernel; `None` when it hangs up.
        fn recv(&mut self) -> Option<Fcall> {
            loop {
                if self.cut.len() >= 4 {
                    let n = get32(&self.cut) as usize;
                    if self.cut.len() >= n {
                        let f = Fcall::decode(&self.cut[..n]).expect("the kernel sends 9P");
                        self.cut.drain(..n);
                        self.log.lock().unwrap().push(f.clone());
                        return Some(f);
                    }
                }
                let mut b = vec![0u8; 1 << 16];
                match self.p.tosrv.qread(&mut b) {
                    Ok(0) | Err(_) => return None,
                    Ok(n) => self.cut.extend_from_slice(&b[..n]),
                }
            }
        }

        fn send(&self, tag: u16, msg: Msg) {
            let f = Fcall::new(tag, msg);
            self.log.lock().unwrap().push(f.clone());
            let _ = self.p.fromsrv.qwrite(&f.to_bytes().unwrap());
        }

        fn raw(&self, b: &[u8]) {
            let _ = self.p.fromsrv.qwrite(b);
        }

        fn hangup(&self) {
            self.p.hangup();
        }

        /// The answer of a well-behaved server with the files of
        /// [`fdir`].
        fn basic(&mut self, f: &Fcall) {
            let t = f.tag;
            match &f.msg {
                Msg::Tversion { msize, .. } => self.send(
                    t,
                    Msg::Rversion {
                        msize: *msize,
                        version: "9P2000".into(),
                    },
                ),
                Msg::Tauth { .. } => self.send(
                    t,
                    Msg::Rerror {
                        ename: "authentication not required".into(),
                    },
                ),
                Msg::Tattach { fid, .. } => {
                    self.fids.insert(*fid, 0);
                    self.send(t, Msg::Rattach { qid: fqid(0) });
                }
                Msg::Twalk { fid, newfid, wname } => {
                    let mut at = self.fids[fid];
                    let mut wqid = Vec::new();
                    for n in wname {
                        let next = match (at, n.as_str()) {
                            (_, Some(".")) => Some(at),
                            (3, Some("..")) | (0, Some("..")) => Some(0),
                            (0, Some("f")) => Some(1),
                            (0, Some("g")) => Some(2),
                            (0, Some("dir")) => Some(3),
                            _ => None,
                        };
                        let Some(next) = next else { break };
                        at = next;
                        wqid.push(fqid(at));
                    }
                    if wqid.is_empty() && !wname.is_empty() {
                        self.send(
                            t,
                            Msg::Rerror {
                                ename: "file not found".into(),
                            },
                        );
                        return;
                    }
                    if wqid.len() == wname.len() {
                        self.fids.insert(*newfid, at);
                    }
                    self.send(t, Msg::Rwalk { wqid });
                }
                Msg::Topen { fid, .. } => {
                    let q = fqid(self.fids[fid]);
                    self.send(t, Msg::Ropen { qid: q, iounit: 0 });
                }
                Msg::Tread { fid, offset, count } => {
                    let path = self.fids[fid];
                    let all: Vec<u8> = match path {
                        1 => b"0123456789".to_vec(),
                        0 if *offset == 0 => [1u64, 2, 3]
                            .iter()
                            .flat_map(|&p| fdir(p).to_bytes().unwrap())
                            .collect(),
                        _ => Vec::new(),
                    };
                    let o = (*offset as usize).min(all.len());
                    let e = (o + *count as usize).min(all.len());
                    self.send(
                        t,
                        Msg::Rread {
                            data: all[o..e].to_vec(),
                        },
                    );
                }
                Msg::Twrite { data, .. } => self.send(
                    t,
                    Msg::Rwrite {
                        count: data.len() as u32,
                    },
                ),
                Msg::Tclunk { fid } => {
                    self.fids.remove(fid);
                    self.send(t, Msg::Rclunk);
                }
                Msg::Tremove { fid } => {
                    self.fids.remove(fid);
                    self.send(t, Msg::Rremove);
                }
                Msg::Tstat { fid } => {
                    let d = fdir(self.fids[fid]);
                    self.send(
                        t,
                        Msg::Rstat {
                            stat: d.to_bytes().unwrap(),
                        },
                    );
                }
                Msg::Twstat { .. } => self.send(t, Msg::Rwstat),
                Msg::Tflush { .. } => self.send(t, Msg::Rflush),
                Msg::Tcreate { .. } => self.send(
                    t,
                    Msg::Rerror {
                        ename: "create prohibited".into(),
                    },
                ),
                m => panic!("a reply from the kernel: {m:?}"),
            }
        }

        /// Answer each message with `h`, or as [`Wire::basic`] when `h`
        /// says false, until the kernel hangs up.
        fn serve(&mut self, mut h: impl FnMut(&mut Wire, &Fcall) -> bool) {
            while let Some(f) = self.recv() {
                if !h(self, &f) {
                    self.basic(&f);
                }
            }
        }
    }

    /// A scripted server on a new pipe of `w`: `h` answers what it wants
    /// to, the basic server the rest.
    fn fake(w: &World, h: impl FnMut(&mut Wire, &Fcall) -> bool + Send + 'static) -> Server {
        let (slot, p) = w.q.plug(0);
        let log: Log = Default::default();
        let mut wire = Wire {
            p,
            cut: Vec::new(),
            log: log.clone(),
            fids: BTreeMap::new(),
        };
        let t = thread::spawn(move || wire.serve(h));
        Server {
            slot,
            log,
            threads: vec![t],
        }
    }

    fn is_file_read(f: &Fcall) -> bool {
        matches!(f.msg, Msg::Tread { .. })
    }

    /// Run `f` as a process of its own; its `up()`, to post it notes, and
    /// its result.
    fn proc<T: Send + 'static>(
        p: Up<H>,
        f: impl FnOnce(&Up<H>) -> T + Send + 'static,
    ) -> (host::Proc, thread::JoinHandle<T>) {
        let (tx, rx) = mpsc::channel();
        let t = thread::spawn(move || {
            tx.send(host::up()).unwrap();
            f(&p)
        });
        (rx.recv().unwrap(), t)
    }

    fn join<T>(t: thread::JoinHandle<T>) -> T {
        let t0 = Instant::now();
        while !t.is_finished() {
            assert!(
                t0.elapsed() < Duration::from_secs(10),
                "a process never returned"
            );
            thread::sleep(Duration::from_millis(2));
        }
        t.join().unwrap()
    }

    fn pread(up: &Up<H>, name: &str, n: usize, off: i64) -> Result<Vec<u8>> {
        let fd = sysopen(up, name, OREAD as u32)? as i32;
        let mut b = vec![0u8; n];
        let r = syspread(up, fd, &mut b, off);
        crate::sysfile::sysclose(up, fd)?;
        let n = r?;
        b.truncate(n);
        Ok(b)
    }

    #[test]
    fn version_refusals_are_9fronts() {
        // devmnt.c's mntversion checks the Rversion: no bigger msize than
        // offered, msize in 256..1M, a version that is a prefix of ours,
        // the right type, exactly one message; Rerror is its string.
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (
                Fcall::new(
                    NOTAG,
                    Msg::Rversion {
                        msize: MAXRPC as u32 + 1,
                        version: "9P2000".into(),
                    },
                )
                .to_bytes()
                .unwrap(),
                "server tries to increase msize in fversion",
            ),
            (
                Fcall::new(
                    NOTAG,
                    Msg::Rversion {
                        msize: 255,
                        version: "9P2000".into(),
                    },
                )
                .to_bytes()
                .unwrap(),
                "nonsense value of msize in fversion",
            ),
            (
                Fcall::new(
                    NOTAG,
                    Msg::Rversion {
                        msize: 8192,
                        version: "unknown".into(),
                    },
                )
                .to_bytes()
                .unwrap(),
                "bad 9P version returned from server",
            ),
            (
                Fcall::new(
                    NOTAG,
                    Msg::Rversion {
                        msize: 8192,
                        version: "9P2000.L".into(),
                    },
                )
                .to_bytes()
                .unwrap(),
                "bad 9P version returned from server",
            ),
            (
                Fcall::new(
                    NOTAG,
                    Msg::Rerror {
                        ename: "go away".into(),
                    },
                )
                .to_bytes()
                .unwrap(),
                "go away",
            ),
            (
                Fcall::new(NOTAG, Msg::Rattach { qid: fqid(0) })
                    .to_bytes()
                    .unwrap(),
                "unexpected reply type in fversion",
            ),
            (
                {
                    let mut b = Fcall::new(
                        NOTAG,
                        Msg::Rversion {
                            msize: 8192,
                            version: "9P2000".into(),
                        },
                    )
                    .to_bytes()
                    .unwrap();
                    b.extend_from_slice(b"trailing");
                    b
                },
                "bad fversion conversion on reply",
            ),
            (vec![], "EOF receiving fversion reply"),
        ];
        for (reply, want) in cases {
            let w = world();
            let s = fake(&w, move |wire, f| {
                if let Msg::Tversion { .. } = f.msg {
                    if reply.is_empty() {
                        wire.hangup();
                    } else {
                        wire.raw(&reply);
                    }
                    return true;
                }
                false
            });
            assert_eq!(err(mount(&w.up, s.slot, "/n/a", MREPL)), want);
            assert!(reqs(&s.log(), libc::fcall::Tattach).is_empty());
            drop(w);
            s.finish();
        }
    }

    #[test]
    fn a_smaller_msize_from_the_server_is_used() {
        // version(5), devmnt.c: the server may lower msize; the mount's
        // requests then carry at most msize - IOHDRSZ bytes.
        let w = world();
        let s = fake(&w, |wire, f| match f.msg {
            Msg::Tversion { .. } => {
                wire.send(
                    f.tag,
                    Msg::Rversion {
                        msize: 600,
                        version: "9P2000".into(),
                    },
                );
                true
            }
            Msg::Tread { count, .. } if count > 0 && wire.fids.values().any(|&p| p == 1) => {
                assert!(count as usize <= 600 - IOHDRSZ, "Tread of {count}");
                wire.send(
                    f.tag,
                    Msg::Rread {
                        data: vec![b'x'; count as usize],
                    },
                );
                true
            }
            _ => false,
        });
        mount(&w.up, s.slot, "/n/a", MREPL).unwrap();
        assert_eq!(pread(&w.up, "/n/a/f", 2000, 0).unwrap().len(), 2000);
        let counts: Vec<u32> = reqs(&s.log(), libc::fcall::Tread)
            .iter()
            .map(|m| match m {
                Msg::Tread { count, .. } => *count,
                _ => 0,
            })
            .collect();
        assert_eq!(counts, [576, 576, 576, 272]);
        // Writes are cut the same way.
        let fd = sysopen(&w.up, "/n/a/f", ORDWR as u32).unwrap() as i32;
        assert_eq!(syswrite(&w.up, fd, &[1u8; 1000]), Ok(1000));
        let sizes: Vec<usize> = reqs(&s.log(), libc::fcall::Twrite)
            .iter()
            .map(|m| match m {
                Msg::Twrite { data, .. } => data.len(),
                _ => 0,
            })
            .collect();
        assert_eq!(sizes, [576, 424]);
        // A request that does not fit in msize is not sent (mountio's
        // "mount rpc error"): a walk of a 700-byte name.
        let long = String::from("/n/a/") + &"x".repeat(700);
        let e = err(sysopen(&w.up, &long, OREAD as u32));
        assert!(e.starts_with("mount rpc error: '"), "{e}");
        assert!(!s.log().iter().any(|f| matches!(&f.msg,
            Msg::Twalk { wname, .. } if wname.iter().any(|n| n.len() == 700))));
        drop(w);
        assert_eq!(livefids(&s.finish()), BTreeSet::new());
    }

    #[test]
    fn fversion_follows_auth_c() {
        // auth.c's sysfversion and devmnt.c's mntversion: the buffer must
        // hold a NUL; the answer is the negotiated version and its
        // length; a second call only compares versions (no message);
        // errors for bad specifications and short buffers.
        let w = world();
        let up = &w.up;
        let s = fake(&w, |_, _| false);
        let fd = openpipe(up, s.slot);
        let mut v = [0u8; 16];
        assert_eq!(sysfversion(up, fd, 0, &mut v), Ok(6));
        assert_eq!(&v[..6], b"9P2000");
        assert_eq!(
            s.log()[0].msg,
            Msg::Tversion {
                msize: MAXRPC as u32,
                version: "9P2000".into()
            }
        );
        let mut v = *b"9P2000.u\0";
        assert_eq!(
            sysfversion(up, fd, 8192, &mut v),
            Ok(6),
            "a longer version agrees"
        );
        assert_eq!(
            reqs(&s.log(), libc::fcall::Tversion).len(),
            1,
            "version is sent once"
        );
        let mut v = *b"9P1999\0";
        assert_eq!(
            err(sysfversion(up, fd, 0, &mut v)),
            "bad 9P version specification"
        );
        let mut v = *b"9P2000";
        assert_eq!(sysfversion(up, fd, 0, &mut v), Err(Error::Ebadarg));
        let mut v = [0u8; 3];
        assert_eq!(err(sysfversion(up, fd, 0, &mut v)), "i/o count too small");
        let mut v = [0u8; 16];
        assert_eq!(
            err(sysfversion(up, fd, -1, &mut v)),
            "bad iounit in version call"
        );
        // The descriptor is a mount channel now: no reads (fdtochan).
        let mut b = [0u8; 8];
        assert_eq!(sysread(up, fd, &mut b), Err(Error::Ebadusefd));
        let ro = sysopen(up, &format!("#Q{}/data", s.slot), OREAD as u32).unwrap() as i32;
        assert_eq!(sysfversion(up, ro, 0, &mut v), Err(Error::Ebadusefd));
        // mount uses the negotiated connection: no second Tversion.
        sysmount(up, fd, -1, "/n/a", MREPL, "").unwrap();
        assert_eq!(reqs(&s.log(), libc::fcall::Tversion).len(), 1);
        assert_eq!(readall(up, "/n/a/f").unwrap(), b"0123456789");

        // A server that agrees to 9P2000.L: asking later for plain
        // 9P2000 is incompatible.
        let s2 = fake(&w, |wire, f| match &f.msg {
            Msg::Tversion { msize, version } => {
                wire.send(
                    f.tag,
                    Msg::Rversion {
                        msize: *msize,
                        version: version.clone(),
                    },
                );
                true
            }
            _ => false,
        });
        let fd = openpipe(up, s2.slot);
        let mut v = *b"9P2000.L\0";
        assert_eq!(sysfversion(up, fd, 0, &mut v), Ok(8));
        let mut v = *b"9P2000\0";
        assert_eq!(
            err(sysfversion(up, fd, 0, &mut v)),
            "incompatible 9P versions 9P2000.L 9P2000"
        );
        drop(w);
        assert_eq!(livefids(&s.finish()), BTreeSet::new());
        s2.finish();
    }

    #[test]
    fn interrupted_call_is_flushed() {
        // devmnt.c's mountio: a note while waiting for a reply sends
        // Tflush with the request's tag as oldtag; after the Rflush the
        // call fails with "interrupted" (mountrpc's Rflush case). The
        // mount goes on working.
        let w = world();
        let (seen_tx, seen) = mpsc::channel();
        let s = fake(&w, move |wire, f| {
            if is_file_read(f) && !wire.fids.is_empty() {
                let Msg::Tread { fid, .. } = f.msg else {
                    unreachable!()
                };
                if wire.fids[&fid] == 1 && seen_tx.send(f.clone()).is_ok() {
                    // Held: no reply. The next read is answered.
                    return true;
                }
            }
            false
        });
        mount(&w.up, s.slot, "/n/a", MREPL).unwrap();
        let p = rforkgrp(&w.up, RFPROC).unwrap();
        let (pr, t) = proc(p, |up| pread(up, "/n/a/f", 10, 0));
        let tread = seen.recv().unwrap();
        pr.postnote();
        let r = join(t);
        assert_eq!(r, Err(Error::Eintr));
        assert_eq!(Error::Eintr.as_str(), "interrupted");
        let log = s.log();
        let flushes: Vec<(u16, u16)> = log
            .iter()
            .filter_map(|f| match f.msg {
                Msg::Tflush { oldtag } => Some((f.tag, oldtag)),
                _ => None,
            })
            .collect();
        assert_eq!(flushes.len(), 1);
        assert_eq!(flushes[0].1, tread.tag, "Tflush names the read's tag");
        assert_ne!(flushes[0].0, tread.tag);
        drop(seen);
        assert_eq!(pread(&w.up, "/n/a/f", 10, 0).unwrap(), b"0123456789");
        drop(w);
        assert_eq!(livefids(&s.finish()), BTreeSet::new());
    }

    #[test]
    fn a_reply_before_the_rflush_wins() {
        // flush(5) and devmnt.c's mntflushfree: when the original reply
        // comes before the Rflush, the call has its answer.
        let w = world();
        let (seen_tx, seen) = mpsc::channel();
        let s = fake(&w, move |wire, f| match &f.msg {
            Msg::Tread { fid, .. } if wire.fids.get(fid) == Some(&1) => {
                seen_tx.send(f.tag).unwrap();
                true
            }
            Msg::Tflush { oldtag } => {
                wire.send(
                    *oldtag,
                    Msg::Rread {
                        data: b"late".to_vec(),
                    },
                );
                wire.send(f.tag, Msg::Rflush);
                true
            }
            _ => false,
        });
        mount(&w.up, s.slot, "/n/a", MREPL).unwrap();
        let p = rforkgrp(&w.up, RFPROC).unwrap();
        let (pr, t) = proc(p, |up| pread(up, "/n/a/f", 10, 0));
        seen.recv().unwrap();
        pr.postnote();
        assert_eq!(join(t), Ok(b"late".to_vec()));
        assert_eq!(reqs(&s.log(), Tflush).len(), 1);
        drop(w);
        assert_eq!(livefids(&s.finish()), BTreeSet::new());
    }

    #[test]
    fn a_note_during_a_flush_flushes_again() {
        // devmnt.c's mntflushalloc: interrupting the wait for an Rflush
        // sends another Tflush, for the original tag again.
        let w = world();
        let (seen_tx, seen) = mpsc::channel();
        let mut flushes = 0;
        let s = fake(&w, move |wire, f| match &f.msg {
            Msg::Tread { fid, .. } if wire.fids.get(fid) == Some(&1) => {
                seen_tx.send(f.tag).unwrap();
                true
            }
            Msg::Tflush { .. } => {
                flushes += 1;
                if flushes == 1 {
                    seen_tx.send(f.tag).unwrap();
                } else {
                    wire.send(f.tag, Msg::Rflush);
                }
                true
            }
            _ => false,
        });
        mount(&w.up, s.slot, "/n/a", MREPL).unwrap();
        let p = rforkgrp(&w.up, RFPROC).unwrap();
        let (pr, t) = proc(p, |up| pread(up, "/n/a/f", 10, 0));
        let tag = seen.recv().unwrap();
        pr.postnote();
        seen.recv().unwrap();
        pr.postnote();
        assert_eq!(join(t), Err(Error::Eintr));
        let old: Vec<u16> = reqs(&s.log(), Tflush)
            .iter()
            .map(|m| match m {
                Msg::Tflush { oldtag } => *oldtag,
                _ => 0,
            })
            .collect();
        assert_eq!(old, [tag, tag]);
        drop(w);
        assert_eq!(livefids(&s.finish()), BTreeSet::new());
    }

    #[test]
    fn a_waiting_process_is_flushed_through_the_reader() {
        // mountmux: one process reads replies for all; a process waiting
        // behind it that is interrupted sends its Tflush and gets the
        // Rflush from the reader, which then gets its own reply.
        let w = world();
        let (seen_tx, seen) = mpsc::channel();
        let held: Arc<Mutex<Vec<u16>>> = Default::default();
        let h2 = held.clone();
        let s = fake(&w, move |wire, f| match &f.msg {
            Msg::Tread { fid, offset, .. } if wire.fids.get(fid) == Some(&1) => {
                h2.lock().unwrap().push(f.tag);
                seen_tx.send((f.tag, *offset)).unwrap();
                true
            }
            Msg::Tflush { .. } => {
                wire.send(f.tag, Msg::Rflush);
                // Now answer the first read.
                let first = h2.lock().unwrap()[0];
                wire.send(
                    first,
                    Msg::Rread {
                        data: b"first".to_vec(),
                    },
                );
                true
            }
            _ => false,
        });
        mount(&w.up, s.slot, "/n/a", MREPL).unwrap();
        let (_p1, t1) = proc(rforkgrp(&w.up, RFPROC).unwrap(), |up| {
            pread(up, "/n/a/f", 10, 0)
        });
        let (tag1, _) = seen.recv().unwrap();
        let (p2, t2) = proc(rforkgrp(&w.up, RFPROC).unwrap(), |up| {
            pread(up, "/n/a/f", 10, 5)
        });
        let (tag2, off2) = seen.recv().unwrap();
        assert_eq!(off2, 5);
        p2.postnote();
        assert_eq!(join(t2), Err(Error::Eintr));
        assert_eq!(join(t1), Ok(b"first".to_vec()));
        let old: Vec<Msg> = reqs(&s.log(), Tflush);
        assert_eq!(old, [Msg::Tflush { oldtag: tag2 }]);
        assert_ne!(tag1, tag2);
        drop(w);
        assert_eq!(livefids(&s.finish()), BTreeSet::new());
    }

    #[test]
    fn replies_go_to_their_processes_in_any_order() {
        // mountmux: replies are matched to requests by tag, in whatever
        // order the server sends them; four requests are outstanding at
        // once on one mount.
        let w = world();
        let mut pending: Vec<Fcall> = Vec::new();
        let s = fake(&w, move |wire, f| match &f.msg {
            Msg::Tread { fid, .. } if wire.fids.get(fid) == Some(&1) => {
                pending.push(f.clone());
                if pending.len() == 4 {
                    for r in pending.drain(..).rev() {
                        let Msg::Tread { offset, .. } = r.msg else {
                            unreachable!()
                        };
                        wire.send(
                            r.tag,
                            Msg::Rread {
                                data: format!("at {offset}").into_bytes(),
                            },
                        );
                    }
                }
                true
            }
            _ => false,
        });
        mount(&w.up, s.slot, "/n/a", MREPL).unwrap();
        let ts: Vec<_> = (0..4)
            .map(|i| {
                proc(rforkgrp(&w.up, RFPROC).unwrap(), move |up| {
                    pread(up, "/n/a/f", 20, i * 100)
                })
                .1
            })
            .collect();
        for (i, t) in ts.into_iter().enumerate() {
            assert_eq!(join(t), Ok(format!("at {}", i * 100).into_bytes()));
        }
        drop(w);
        assert_eq!(livefids(&s.finish()), BTreeSet::new());
    }

    /// Mount a server that answers the first read of `f` with `first`
    /// and is basic otherwise; the result of reading 10 bytes of `f`,
    /// and whether the mount still reads `f` afterwards.
    fn first_read(
        first: impl FnOnce(&mut Wire, &Fcall) + Send + 'static,
    ) -> (Result<Vec<u8>>, Result<Vec<u8>>) {
        let w = world();
        let mut first = Some(first);
        let s = fake(&w, move |wire, f| match &f.msg {
            Msg::Tread { fid, .. } if wire.fids.get(fid) == Some(&1) => match first.take() {
                Some(h) => {
                    h(wire, f);
                    true
                }
                None => false,
            },
            _ => false,
        });
        mount(&w.up, s.slot, "/n/a", MREPL).unwrap();
        let a = pread(&w.up, "/n/a/f", 10, 0);
        let b = pread(&w.up, "/n/a/f", 10, 0);
        drop(w);
        let log = s.finish();
        // Nothing leaks even when the server misbehaves, unless it hung
        // up (then the kernel cannot clunk).
        let hungup = [&a, &b].iter().any(|r| {
            r.as_ref()
                .is_err_and(|e| e.as_str().contains("hungup") || *e == Error::Emountrpc)
        });
        if !hungup {
            assert_eq!(livefids(&log), BTreeSet::new());
        }
        (a, b)
    }

    fn ok10() -> Result<Vec<u8>> {
        Ok(b"0123456789".to_vec())
    }

    #[test]
    fn hostile_replies_are_errors_not_panics() {
        // devmnt.c: a reply for a tag no one waits for is dropped
        // (mountmux); a reply of the wrong type is "mount rpc error"
        // (mountrpc); Rerror gives its string; a size out of range or a
        // message that does not decode is dropped with "mount rpc error"
        // (mntrpcread); an Rread longer than asked is cut to the count.
        let (a, b) = first_read(|wire, f| {
            wire.send(
                f.tag.wrapping_add(77),
                Msg::Rread {
                    data: b"stray".to_vec(),
                },
            );
            wire.send(
                f.tag,
                Msg::Rread {
                    data: b"good".to_vec(),
                },
            );
        });
        assert_eq!((a, b), (Ok(b"good".to_vec()), ok10()));
        let (a, b) = first_read(|wire, f| wire.send(f.tag, Msg::Rclunk));
        assert_eq!((a, b), (Err(Error::Emountrpc), ok10()));
        assert_eq!(Error::Emountrpc.as_str(), "mount rpc error");
        let (a, b) = first_read(|wire, f| {
            wire.send(
                f.tag,
                Msg::Rerror {
                    ename: "the front fell off".into(),
                },
            )
        });
        assert_eq!(
            (a.map_err(|e| e.to_string()), b),
            (Err("the front fell off".into()), ok10())
        );
        let (a, b) = first_read(|wire, _| wire.raw(&[3, 0, 0, 0, 117, 1, 0]));
        assert_eq!((a, b), (Err(Error::Emountrpc), ok10()));
        let (a, b) = first_read(|wire, _| {
            let mut m = ((MAXRPC + 1) as u32).to_le_bytes().to_vec();
            m.extend_from_slice(&[117, 1, 0]);
            wire.raw(&m);
        });
        assert_eq!((a, b), (Err(Error::Emountrpc), ok10()));
        let (a, b) = first_read(|wire, f| {
            let mut m = 12u32.to_le_bytes().to_vec();
            m.push(200);
            m.extend_from_slice(&f.tag.to_le_bytes());
            m.extend_from_slice(&[0; 5]);
            wire.raw(&m);
        });
        assert_eq!((a, b), (Err(Error::Emountrpc), ok10()));
        let (a, b) = first_read(|wire, f| {
            // An Rread whose count runs past the message.
            let mut m = 11u32.to_le_bytes().to_vec();
            m.push(117);
            m.extend_from_slice(&f.tag.to_le_bytes());
            m.extend_from_slice(&100u32.to_le_bytes());
            wire.raw(&m);
        });
        assert_eq!((a, b), (Err(Error::Emountrpc), ok10()));
        let (a, b) = first_read(|wire, f| {
            wire.send(
                f.tag,
                Msg::Rread {
                    data: vec![b'y'; 50],
                },
            )
        });
        assert_eq!((a, b), (Ok(vec![b'y'; 10]), ok10()));
        let long = "e".repeat(300);
        let (a, _) = first_read(move |wire, f| {
            wire.send(
                f.tag,
                Msg::Rerror {
                    ename: long.as_str().into(),
                },
            )
        });
        let e = a.unwrap_err().to_string();
        assert!(
            e.len() < libc::fcall::ERRMAX && e.ends_with("e..."),
            "error() keeps ERRMAX: {e}"
        );
    }

    #[test]
    fn a_hangup_mid_call_fails_the_call() {
        // devmnt.c's doread: end of file while waiting for a reply is
        // "mount rpc error"; after that, writing to the hung-up channel
        // is the pipe's "i/o on hungup channel" (qio.c's qbwrite).
        let (a, b) = first_read(|wire, _| wire.hangup());
        assert_eq!(a, Err(Error::Emountrpc));
        // The walk of the next open fails; namec names the file.
        assert_eq!(err(b), "i/o on hungup channel: '/n/a/f'");
        assert_eq!(Error::Ehungup.as_str(), "i/o on hungup channel");
    }

    #[test]
    fn bad_walks_stats_and_directories_are_refused() {
        // devmnt.c: more qids than names is "too many QIDs returned by
        // walk"; stat and directory entries are checked (validstat:
        // "malformed stat buffer") and a directory read must end on an
        // entry boundary (Esbadstat).
        let w = world();
        let s = fake(&w, |wire, f| match &f.msg {
            Msg::Twalk { wname, .. } if wname.len() == 1 && wname[0] == "g" => {
                wire.send(
                    f.tag,
                    Msg::Rwalk {
                        wqid: vec![fqid(2), fqid(2)],
                    },
                );
                true
            }
            Msg::Tstat { fid } if wire.fids.get(fid) == Some(&1) => {
                wire.send(
                    f.tag,
                    Msg::Rstat {
                        stat: vec![1, 2, 3, 4],
                    },
                );
                true
            }
            Msg::Tread { fid, offset: 0, .. } if wire.fids.get(fid) == Some(&3) => {
                let mut d = fdir(1).to_bytes().unwrap();
                d.extend_from_slice(&[40, 0, 1, 2, 3]);
                wire.send(f.tag, Msg::Rread { data: d });
                true
            }
            Msg::Tread { fid, offset: 0, .. } if wire.fids.get(fid) == Some(&0) => {
                let mut d = fdir(1).to_bytes().unwrap();
                d[libc::fcall::STATFIXLEN - 4 * BIT16SZ] = 0xff;
                wire.send(f.tag, Msg::Rread { data: d });
                true
            }
            _ => false,
        });
        mount(&w.up, s.slot, "/n/a", MREPL).unwrap();
        let up = &w.up;
        assert_eq!(
            err(sysopen(up, "/n/a/g", OREAD as u32)),
            "too many QIDs returned by walk: '/n/a/g'"
        );
        let mut b = [0u8; 256];
        assert_eq!(err(sysstat(up, "/n/a/f", &mut b)), "malformed stat buffer");
        assert_eq!(
            lsn(up, "/n/a/dir", 8192).err(),
            Some(Error::Msg(ESBADSTAT.into()))
        );
        assert_eq!(lsn(up, "/n/a", 8192).err(), Some(Error::Ebadstat));
        // A stat buffer too small gets the size the entry needs.
        let c = namec(up, "/n/a/dir", Amode::Aaccess, 0, 0).unwrap();
        let mut small = [0u8; 10];
        assert_eq!(DevMnt.stat(up, &c, &mut small), Ok(BIT16SZ));
        let need = fdir(3).to_bytes().unwrap().len() - BIT16SZ;
        assert_eq!(u16::from_le_bytes([small[0], small[1]]) as usize, need);
        assert_eq!(DevMnt.stat(up, &c, &mut small[..1]), Err(Error::Eshortstat));
        drop(c);
        drop(w);
        let log = s.finish();
        // The walk to g that came back with two qids made no fid the
        // kernel knows; the server's copy leaks, as in 9front.
        let live = livefids(&log);
        assert!(live.len() <= 1, "{live:?}");
    }

    #[test]
    fn auth_then_attach_with_the_afid() {
        // auth.c's sysfauth: Tauth as up->user with the aname, a
        // close-on-exec descriptor to read and write the auth file;
        // mount(2) with that afd sends its fid as Tattach's afid.
        // mntattach: an afd of another connection is Ebadusefd.
        let w = world();
        let up = &w.up;
        let s = fake(&w, |wire, f| match &f.msg {
            Msg::Tauth { afid, .. } => {
                wire.fids.insert(*afid, 99);
                wire.send(
                    f.tag,
                    Msg::Rauth {
                        aqid: Qid {
                            path: 99,
                            vers: 0,
                            typ: QTAUTH,
                        },
                    },
                );
                true
            }
            Msg::Tread { fid, .. } if wire.fids.get(fid) == Some(&99) => {
                wire.send(
                    f.tag,
                    Msg::Rread {
                        data: b"challenge".to_vec(),
                    },
                );
                true
            }
            _ => false,
        });
        let other = fake(&w, |wire, f| match &f.msg {
            Msg::Tauth { afid, .. } => {
                wire.fids.insert(*afid, 99);
                wire.send(
                    f.tag,
                    Msg::Rauth {
                        aqid: Qid {
                            path: 99,
                            vers: 0,
                            typ: QTAUTH,
                        },
                    },
                );
                true
            }
            _ => false,
        });
        let fd = openpipe(up, s.slot);
        let afd = sysfauth(up, fd, "tree").unwrap() as i32;
        assert_eq!(up.fgrp.lock().flag[afd as usize], CCEXEC);
        assert_eq!(syswrite(up, afd, b"response"), Ok(8));
        let mut b = [0u8; 32];
        assert_eq!(sysread(up, afd, &mut b), Ok(9));
        assert_eq!(&b[..9], b"challenge");
        let ofd = openpipe(up, other.slot);
        let oafd = sysfauth(up, ofd, "").unwrap() as i32;
        assert_eq!(
            sysmount(up, fd, oafd, "/n/a", MREPL, "tree"),
            Err(Error::Ebadusefd)
        );
        assert_eq!(sysmount(up, fd, afd, "/n/a", MREPL, "tree"), Ok(0));
        let log = s.log();
        let Msg::Tauth { afid, uname, aname } = &reqs(&log, libc::fcall::Tauth)[0] else {
            panic!()
        };
        assert_eq!((uname.as_str(), aname.as_str()), (Some(USER), Some("tree")));
        let Msg::Twrite { fid, data, .. } = &reqs(&log, libc::fcall::Twrite)[0] else {
            panic!()
        };
        assert_eq!((fid, data.as_slice()), (afid, &b"response"[..]));
        let Msg::Tattach {
            afid: a2,
            aname: n2,
            ..
        } = &reqs(&log, libc::fcall::Tattach)[0]
        else {
            panic!()
        };
        assert_eq!((a2, n2.as_str()), (afid, Some("tree")));
        assert_eq!(readall(up, "/n/a/f").unwrap(), b"0123456789");
        drop(w);
        assert_eq!(livefids(&s.finish()), BTreeSet::new());
        assert_eq!(livefids(&other.finish()), BTreeSet::new());
    }

    #[test]
    fn mount_checks_its_arguments() {
        // sysfile.c's bindmount: flags (Ebadarg), the aname (validname),
        // canmount (Enoattach), the descriptors (ORDWR, fdtochan); #M
        // cannot be attached by name (noattach); a mount closes fd.
        let w = world();
        let up = &w.up;
        let s = fake(&w, |_, _| false);
        let fd = openpipe(up, s.slot);
        assert_eq!(sysmount(up, fd, -1, "/n/a", 0x100, ""), Err(Error::Ebadarg));
        assert_eq!(
            sysmount(up, fd, -1, "/n/a", MBEFORE | MAFTER, ""),
            Err(Error::Ebadarg)
        );
        assert!(err(sysmount(up, fd, -1, "/n/a", MREPL, "a\x01b"))
            .starts_with("bad character in file name"));
        assert_eq!(sysmount(up, 77, -1, "/n/a", MREPL, ""), Err(Error::Ebadfd));
        assert_eq!(sysmount(up, fd, 78, "/n/a", MREPL, ""), Err(Error::Ebadfd));
        let ro = sysopen(up, &format!("#Q{}/data", s.slot), OREAD as u32).unwrap() as i32;
        assert_eq!(
            sysmount(up, ro, -1, "/n/a", MREPL, ""),
            Err(Error::Ebadusefd)
        );
        assert!(err(sysopen(up, "#M", OREAD as u32)).contains("mount/attach disallowed"));
        assert!(
            reqs(&s.log(), libc::fcall::Tversion).is_empty(),
            "nothing was sent yet"
        );
        // A plain file is no server: the Tversion written to it is not
        // answered (mntversion reads on from where it wrote).
        let yfd = syscreate(up, "/n/b/plain", ORDWR as u32, 0o664).unwrap() as i32;
        assert_eq!(
            err(sysmount(up, yfd, -1, "/n/a", MREPL, "")),
            "EOF receiving fversion reply"
        );
        // Mounting on a file that is not a directory: cmount's Emount,
        // after the attach (which is then clunked).
        assert_eq!(
            err(sysmount(up, fd, -1, "/n/u/local", MREPL, "")),
            "inconsistent mount"
        );
        assert_eq!(sysmount(up, fd, -1, "/n/a", MREPL | MCACHE, ""), Ok(0));
        assert_eq!(
            up.fgrp.fdtochan(fd, None, false).err(),
            Some(Error::Ebadfd),
            "fd closed"
        );
        // MCACHE marks the mount's channels (mntattach, mntwalk).
        let c = namec(up, "/n/a/f", Amode::Aaccess, 0, 0).unwrap();
        assert_ne!(c.flag() & CCACHE, 0);
        drop(c);
        let child = rforkgrp(
            up,
            RFPROC | crate::portdat::rfork::RFNAMEG | crate::portdat::rfork::RFNOMNT,
        )
        .unwrap();
        let fd2 = sysopen(&child, &format!("#Q{}/data", s.slot), ORDWR as u32);
        assert_eq!(fd2.err(), Some(Error::Enoattach), "RFNOMNT forbids #Q too");
        crate::dev::devmask(&up.devtab, &up.pgrp, false, "M").unwrap();
        let fd3 = openpipe(up, s.slot);
        assert_eq!(
            sysmount(up, fd3, -1, "/n/b", MREPL, ""),
            Err(Error::Enoattach)
        );
        drop(child);
        drop(w);
        assert_eq!(livefids(&s.finish()), BTreeSet::new());
    }

    mod junk {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(48))]

            #[test]
            fn junk_replies_never_panic(junk in proptest::collection::vec(any::<u8>(), 0..48), tagged in any::<bool>()) {
                // Whatever comes back, the call ends with a result; the
                // server hangs up after its junk.
                let (a, _) = first_read(move |wire, f| {
                    let mut m = junk.clone();
                    if tagged && m.len() >= 7 {
                        let n = m.len() as u32;
                        m[..4].copy_from_slice(&n.to_le_bytes());
                        m[5..7].copy_from_slice(&f.tag.to_le_bytes());
                    }
                    wire.raw(&m);
                    wire.hangup();
                });
                if let Ok(d) = a {
                    prop_assert!(d.len() <= 10);
                }
            }
        }
    }
}
