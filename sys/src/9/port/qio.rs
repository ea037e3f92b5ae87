//! I/O queues: a port of 9front's `port/qio.c` (the `Queue` it defines and
//! the queue state bits of `portdat.h`). The block-list helpers of `qio.c`
//! (`blocklen`, `concatblock`, `pullupblock`, ...) are in [`crate::allocb`].
//!
//! A [`Queue`] holds blocks between producers and consumers. It counts the
//! bytes of data queued (`qlen`) and, for flow control, the bytes allocated
//! to the blocks (`BALLOC`) that went in (`wp`) and came out (`rp`). A
//! producer that takes the allocation above the limit sets `Qflow`; a
//! process writer then sleeps until everything up to and including its own
//! write has drained to within the limit, and interrupt-level producers
//! (`qpass`, `qproduce`, `qiwrite`) drop what they would add. A consumer that
//! brings the allocation back to the limit or below clears `Qflow`.
//!
//! In message mode (`Qmsg`) a block is a message: reads return at most one,
//! and the part of a message that does not fit in the read is discarded;
//! `qwrite` writes one message of at most [`Maxatomic`] bytes. In stream mode
//! a read splits a block and puts the rest back; with `Qcoalesce` it also
//! gathers several blocks into one read.
//!
//! What differs from 9front:
//!
//! - The queue is generic over [`Sched`], which supplies the interrupt-safe
//!   lock, the reader and writer `QLock`s and `Rendez`es, and sleep/wakeup;
//!   on the host it runs on std threads ([`crate::portfns::host`]).
//! - Errors are returned (`Result`) rather than raised; a blocked call that
//!   a note interrupts returns `Err(Error::Eintr)`. As in 9front, `qbwrite`
//!   and `qwrite` have queued their data by the time they wait for flow
//!   control, so an interrupted write has still written.
//! - `kick` and `bypass` are closures instead of a function and an `arg`.
//! - The results that 9front encodes in an `int` are typed: `qconsume` gives
//!   `None` for 9front's -1; `qpass`, `qpassnolim` and `qproduce` give a
//!   [`Passed`]; `qbread` gives `Ok(None)` at end of file.
//! - `qfree` is `Drop`. `qremove`, `qputback`, `qaddlist` and
//!   `pullupqueue`, which 9front callers use on a queue they have locked,
//!   are not public yet.
//! - After waking a reader, 9front's producer calls `sched()` when the reader
//!   has a higher priority; there is no such yield here.
//! - `qwindow` does not exist in 9front any more and is not ported.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::allocb::{allocb, blocklen, iallocb, readblist, Blist, Block};
use crate::portfns::{ILock, QLock, Sched};
use crate::{Error, Result};

/// The consumer is starved: a producer must wake the reader.
#[allow(non_upper_case_globals)]
pub const Qstarve: u32 = 1 << 0;
/// Message mode: each block is a message (may be given to [`Queue::qopen`]).
#[allow(non_upper_case_globals)]
pub const Qmsg: u32 = 1 << 1;
/// The queue has been closed or hung up.
#[allow(non_upper_case_globals)]
pub const Qclosed: u32 = 1 << 2;
/// Producers are flow controlled.
#[allow(non_upper_case_globals)]
pub const Qflow: u32 = 1 << 3;
/// `qread` gathers several blocks (may be given to [`Queue::qopen`]).
#[allow(non_upper_case_globals)]
pub const Qcoalesce: u32 = 1 << 4;
/// Call the kick routine after every write (may be given to
/// [`Queue::qopen`]).
#[allow(non_upper_case_globals)]
pub const Qkick: u32 = 1 << 5;

/// The largest write that goes into one block: `qwrite` splits longer ones
/// in stream mode and truncates them in message mode.
#[allow(non_upper_case_globals)]
pub const Maxatomic: usize = 64 * 1024;

/// The size of an error string buffer, `ERRMAX` of `libc.h`, counting the
/// terminating NUL that the kernel keeps.
pub const ERRMAX: usize = 128;

/// Called to restart output: after a write when the consumer was starved
/// (or always, with `Qkick`), and after a read that relieved flow control.
pub type Kick = Box<dyn Fn() + Send + Sync>;

/// Takes the blocks of every write to a queue opened by [`Queue::qbypass`].
pub type Bypass = Box<dyn Fn(Blist) + Send + Sync>;

/// What became of blocks given to `qpass`, `qpassnolim` or `qproduce`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passed {
    /// Queued; the bytes of data added.
    Queued(usize),
    /// Dropped: the queue is closed (9front returns 0).
    Closed,
    /// Dropped: the queue is flow controlled (9front returns -1).
    Full,
    /// `qproduce` could not allocate a block (9front returns 0).
    NoMem,
}

impl Passed {
    /// The `int` that 9front's function returns.
    pub fn as_int(self) -> isize {
        match self {
            Passed::Queued(n) => n as isize,
            Passed::Closed | Passed::NoMem => 0,
            Passed::Full => -1,
        }
    }
}

/// The part of a queue under its interrupt-safe lock.
struct Qstate {
    state: u32,
    /// Bytes of data queued.
    dlen: usize,
    /// `BALLOC` bytes read and written so far, modulo 2^32.
    rp: u32,
    wp: u32,
    /// Maximum `BALLOC` bytes queued.
    limit: i32,
    /// The limit given to `qopen`, restored by `qreopen`.
    inilim: i32,
    /// Writes drop rather than wait when the queue is full.
    noblock: bool,
    /// End-of-file reads returned after close.
    eof: u8,
    blocks: Blist,
    /// The error of a closed queue; `None` is 9front's empty string.
    err: Option<Error>,
}

impl Qstate {
    /// The allocation queued, as 9front's `(int)(q->wp - q->rp)`.
    fn inq(&self) -> i32 {
        self.wp.wrapping_sub(self.rp) as i32
    }

    fn closed(&self) -> bool {
        self.state & Qclosed != 0
    }

    fn qremove(&mut self) -> Option<Block> {
        let b = self.blocks.pop_front()?;
        self.dlen -= b.blen();
        self.rp = self.rp.wrapping_add(b.balloc() as u32);
        Some(b)
    }

    fn qputback(&mut self, b: Block) {
        self.dlen += b.blen();
        self.rp = self.rp.wrapping_sub(b.balloc() as u32);
        self.blocks.push_front(b);
    }

    fn qaddlist(&mut self, bl: Blist) -> usize {
        let mut len = 0;
        for b in bl {
            len += b.blen();
            self.wp = self.wp.wrapping_add(b.balloc() as u32);
            self.blocks.push_back(b);
        }
        self.dlen += len;
        len
    }

    fn error(&self) -> Error {
        self.err.clone().unwrap_or(Error::Ehungup)
    }
}

/// `kstrcpy(dst, s, ERRMAX)`: at most `ERRMAX-1` bytes of `s`, not
/// splitting a character.
fn errstr(s: &str) -> &str {
    let mut n = s.len().min(ERRMAX - 1);
    while !s.is_char_boundary(n) {
        n -= 1;
    }
    &s[..n]
}

type Guard<'a, S> = <<S as Sched>::Lock<Qstate> as ILock<Qstate>>::Guard<'a>;

/// An I/O queue (9front's `Queue`).
pub struct Queue<S: Sched> {
    q: S::Lock<Qstate>,
    /// Serialises readers, so that one at a time sleeps on `rr`.
    rlock: S::QLock,
    rr: S::Rendez,
    /// Serialises flow-controlled writers, so that one at a time sleeps
    /// on `wr`.
    wlock: S::QLock,
    wr: S::Rendez,
    kick: Option<Kick>,
    bypass: Option<Bypass>,
}

/// `cut off n bytes from the end of *h`: the tail becomes a block of its
/// own and `h` keeps the head; whichever part is smaller is copied.
fn splitblock(h: &mut Block, n: usize) -> Block {
    let m = h.blen() - n;
    if m < n {
        let mut head = allocb(m);
        head.write(&h.data()[..m]);
        h.rp += m;
        core::mem::replace(h, head)
    } else {
        let mut tail = allocb(n);
        h.wp -= n;
        tail.write(&h.buf()[h.wp..h.wp + n]);
        tail
    }
}

fn clamp_limit(limit: usize) -> i32 {
    i32::try_from(limit).expect("queue limit fits in an int")
}

impl<S: Sched> Queue<S> {
    fn new(st: Qstate, kick: Option<Kick>, bypass: Option<Bypass>) -> Self {
        Queue {
            q: ILock::new(st),
            rlock: Default::default(),
            rr: Default::default(),
            wlock: Default::default(),
            wr: Default::default(),
            kick,
            bypass,
        }
    }

    /// `qopen`: a queue of at most `limit` allocated bytes; `msg` may hold
    /// `Qmsg`, `Qcoalesce` and `Qkick`; `kick` restarts the consumer.
    pub fn qopen(limit: usize, msg: u32, kick: Option<Kick>) -> Self {
        debug_assert_eq!(msg & !(Qmsg | Qcoalesce | Qkick), 0, "qopen: bad mode bits");
        let limit = clamp_limit(limit);
        Self::new(
            Qstate {
                state: msg | Qstarve,
                dlen: 0,
                rp: 0,
                wp: 0,
                limit,
                inilim: limit,
                noblock: false,
                eof: 0,
                blocks: Blist::new(),
                err: None,
            },
            kick,
            None,
        )
    }

    /// `qbypass`: a queue whose writes (`qbwrite`, `qwrite`) go straight to
    /// `bypass` instead of being queued.
    pub fn qbypass(bypass: Bypass) -> Self {
        Self::new(
            Qstate {
                state: 0,
                dlen: 0,
                rp: 0,
                wp: 0,
                limit: 0,
                inilim: 0,
                noblock: false,
                eof: 0,
                blocks: Blist::new(),
                err: None,
            },
            None,
            Some(bypass),
        )
    }

    /// After taking data out: stop flow control when back at or under the
    /// limit, unlock, and wake a flow-controlled writer. The writer is woken
    /// whenever `Qflow` was set, since whether it may go on depends on its
    /// own position in the queue, not on the queue's length.
    fn iunlock_consumer(&self, mut g: Guard<'_, S>) -> u32 {
        let s = g.state;
        if g.inq() <= g.limit {
            g.state = s & !Qflow;
        }
        drop(g);
        if s & Qflow != 0 {
            S::wakeup(&self.wr);
        }
        s
    }

    /// As `iunlock_consumer`, and kick the producer if it was flow
    /// controlled.
    fn iunlock_reader(&self, g: Guard<'_, S>) -> u32 {
        let s = self.iunlock_consumer(g);
        if s & Qflow != 0 {
            if let Some(k) = &self.kick {
                k();
            }
        }
        s
    }

    /// After putting data in: start flow control when over the limit,
    /// unlock, and wake a starved reader.
    fn iunlock_producer(&self, mut g: Guard<'_, S>) -> u32 {
        let mut s = g.state;
        if g.inq() > g.limit {
            s |= Qflow;
        }
        g.state = s & !Qstarve;
        drop(g);
        if s & Qstarve != 0 {
            S::wakeup(&self.rr);
        }
        s
    }

    /// As `iunlock_producer`, and kick the consumer if it was starved or
    /// the queue is `Qkick`.
    fn iunlock_writer(&self, g: Guard<'_, S>) -> u32 {
        let s = self.iunlock_producer(g);
        if s & (Qstarve | Qkick) != 0 {
            if let Some(k) = &self.kick {
                k();
            }
        }
        s
    }

    /// `qget`: the next block, or `None` (marking the consumer starved).
    /// Usable at interrupt level.
    pub fn qget(&self) -> Option<Block> {
        let mut g = self.q.ilock();
        match g.qremove() {
            None => {
                g.state |= Qstarve;
                None
            }
            Some(b) => {
                self.iunlock_consumer(g);
                Some(b)
            }
        }
    }

    /// `qconsume`: copy data out of the next nonempty block into `p`,
    /// dropping empty blocks on the way. In message mode the whole block
    /// goes, even when `p` is shorter; in stream mode only what was copied.
    /// `None` (9front's -1) when the queue is empty. Usable at interrupt
    /// level.
    pub fn qconsume(&self, p: &mut [u8]) -> Option<usize> {
        let mut g = self.q.ilock();
        let mut tofree: Vec<Block> = Vec::new();
        let n = loop {
            match g.blocks.front().map(Block::blen) {
                None => {
                    g.state |= Qstarve;
                    self.iunlock_consumer(g);
                    return None;
                }
                Some(0) => {
                    let b = g.blocks.pop_front().expect("front");
                    g.rp = g.rp.wrapping_add(b.balloc() as u32);
                    tofree.push(b);
                }
                Some(n) => break n,
            }
        };
        let len = n.min(p.len());
        let b = g.blocks.front_mut().expect("front");
        p[..len].copy_from_slice(&b.data()[..len]);
        b.rp += len;
        g.dlen -= len;
        if g.state & Qmsg != 0 || len == n {
            let b = g.blocks.pop_front().expect("front");
            g.rp = g.rp.wrapping_add(b.balloc() as u32);
            g.dlen -= b.blen();
            tofree.push(b);
        }
        self.iunlock_consumer(g);
        drop(tofree);
        Some(len)
    }

    /// `qpass`: queue blocks from interrupt level, dropping them when the
    /// queue is closed or flow controlled.
    pub fn qpass(&self, b: impl Into<Blist>) -> Passed {
        let b = b.into();
        let mut g = self.q.ilock();
        if g.closed() {
            drop(g);
            return Passed::Closed;
        }
        if g.state & Qflow != 0 {
            drop(g);
            return Passed::Full;
        }
        let len = g.qaddlist(b);
        self.iunlock_producer(g);
        Passed::Queued(len)
    }

    /// `qpassnolim`: as `qpass`, ignoring flow control.
    pub fn qpassnolim(&self, b: impl Into<Blist>) -> Passed {
        let b = b.into();
        let mut g = self.q.ilock();
        if g.closed() {
            drop(g);
            return Passed::Closed;
        }
        let len = g.qaddlist(b);
        self.iunlock_producer(g);
        Passed::Queued(len)
    }

    /// `qproduce`: copy `p` into a new block (`iallocb`) and `qpass` it.
    pub fn qproduce(&self, p: &[u8]) -> Passed {
        let Some(mut b) = iallocb(p.len()) else {
            return Passed::NoMem;
        };
        b.write(p);
        self.qpass(b)
    }

    /// `qcopy`: a block with a copy of up to `len` bytes of the queued
    /// data, starting `offset` bytes in; the queue is unchanged.
    pub fn qcopy(&self, len: usize, offset: usize) -> Block {
        let mut b = allocb(len);
        let g = self.q.ilock();
        let wp = b.wp;
        let n = readblist(&g.blocks, &mut b.buf_mut()[wp..wp + len], offset);
        drop(g);
        b.wp += n;
        b
    }

    fn notempty(&self) -> bool {
        let g = self.q.ilock();
        !g.blocks.is_empty() || g.closed()
    }

    /// `qwait`: with the queue locked, wait until it has a block (giving
    /// the guard back) or is closed. A closed, empty queue gives end of file
    /// (`None`) three times, then its error; at once if it was hung up with
    /// an error other than `Ehungup`.
    fn qwait<'a>(&'a self, mut g: Guard<'a, S>) -> Result<Option<Guard<'a, S>>> {
        loop {
            if !g.blocks.is_empty() {
                return Ok(Some(g));
            }
            if g.closed() {
                let hungup = matches!(g.err, None | Some(Error::Ehungup));
                if g.eof >= 3 || !hungup {
                    return Err(g.error());
                }
                g.eof += 1;
                return Ok(None);
            }
            g.state |= Qstarve;
            drop(g);
            S::sleep(&self.rr, &mut || self.notempty())?;
            g = self.q.ilock();
        }
    }

    /// `qbread`: the next block, of at most `len` bytes: in stream mode the
    /// rest is put back, in message mode it is discarded. Waits for data;
    /// `Ok(None)` at end of file.
    pub fn qbread(&self, len: usize) -> Result<Option<Block>> {
        let _r = self.rlock.eqlock()?;
        let g = self.q.ilock();
        let Some(mut g) = self.qwait(g)? else {
            return Ok(None);
        };
        let mut b = g.qremove().expect("qwait saw a block");
        let n = b.blen();
        if n > len {
            if g.state & Qmsg == 0 {
                let tail = splitblock(&mut b, n - len);
                g.qputback(tail);
            } else {
                b.wp -= n - len;
            }
        }
        self.iunlock_reader(g);
        Ok(Some(b))
    }

    /// `qread`: read into `p`, waiting for data. A message queue gives one
    /// message and discards what of it does not fit; a stream queue gives
    /// one block, or with `Qcoalesce` as many as fit, and keeps the rest.
    /// `Ok(0)` at end of file (or for an empty message).
    pub fn qread(&self, p: &mut [u8]) -> Result<usize> {
        let len = p.len();
        let r = self.rlock.eqlock()?;
        let mut g = self.q.ilock();
        let mut first = Blist::new();
        let n = loop {
            let Some(mut gg) = self.qwait(g)? else {
                return Ok(0);
            };
            if gg.state & Qcoalesce != 0 {
                // Empty blocks just go away when coalescing.
                if gg.blocks.front().map(Block::blen) == Some(0) {
                    drop(gg.qremove());
                    g = gg;
                    continue;
                }
                let mut n = 0;
                loop {
                    let b = gg.qremove().expect("block");
                    n += b.blen();
                    first.push_back(b);
                    if n >= len || gg.blocks.is_empty() {
                        break;
                    }
                }
                g = gg;
                break n;
            }
            let b = gg.qremove().expect("block");
            let n = b.blen();
            first.push_back(b);
            g = gg;
            break n;
        };
        if n > len && g.state & Qmsg == 0 {
            let last = first.back_mut().expect("block");
            let tail = splitblock(last, n - len);
            g.qputback(tail);
        }
        self.iunlock_reader(g);
        drop(r);
        Ok(readblist(&first, p, 0))
    }

    /// `qflow`: wait until the writer whose write ended at position `p` may
    /// go on: the queue drained to within the limit up to `p`, or went
    /// non-blocking, or closed.
    fn qflow(&self, p: u32) -> Result<()> {
        let unblocked = || {
            let g = self.q.ilock();
            g.noblock || p.wrapping_sub(g.rp) as i32 <= g.limit || g.closed()
        };
        while !unblocked() {
            let _w = self.wlock.eqlock()?;
            S::sleep(&self.wr, &mut || unblocked())?;
        }
        Ok(())
    }

    /// `qbwrite`: queue blocks, then wait while the queue is flow
    /// controlled. A closed queue gives its error; a full non-blocking queue
    /// drops the blocks (and reports them written). A note interrupts the
    /// wait (`Err(Error::Eintr)`) but not the write, which is done by then.
    pub fn qbwrite(&self, b: impl Into<Blist>) -> Result<usize> {
        let b = b.into();
        if let Some(bypass) = &self.bypass {
            let len = blocklen(&b);
            bypass(b);
            return Ok(len);
        }
        let mut g = self.q.ilock();
        if g.closed() {
            return Err(g.error());
        }
        if g.state & Qflow != 0 && g.noblock {
            drop(g);
            return Ok(blocklen(&b));
        }
        let len = g.qaddlist(b);
        let p = g.wp;
        if self.iunlock_writer(g) & Qflow != 0 {
            self.qflow(p)?;
        }
        Ok(len)
    }

    /// `qbloated`: wait, through notes, for the queue to drain; only a
    /// process being killed gets out early, with `Egreg`.
    fn qbloated(&self) -> Result<()> {
        let p = self.q.ilock().wp;
        loop {
            match self.qflow(p) {
                Ok(()) => return Ok(()),
                Err(_) if S::exiting() => return Err(Error::Egreg),
                Err(_) => {}
            }
        }
    }

    fn state(&self) -> u32 {
        self.q.ilock().state
    }

    /// `qwrite`: write `p` as blocks of at most [`Maxatomic`] bytes through
    /// `qbwrite`. In message mode it is one message, and bytes past
    /// `Maxatomic` are lost; 9front returns the full length either way, and
    /// so does this. When earlier writes were interrupted and the queue grew
    /// past twice its limit, first waits, uninterruptibly, for it to drain.
    pub fn qwrite(&self, p: &[u8]) -> Result<usize> {
        let len = p.len();
        let bloated = {
            let g = self.q.ilock();
            g.state & Qflow != 0 && g.inq() / 2 > g.limit
        };
        if bloated {
            self.qbloated()?;
        }
        let mut sofar = 0;
        loop {
            let n = (len - sofar).min(Maxatomic);
            let mut b = allocb(n);
            b.write(&p[sofar..sofar + n]);
            sofar += self.qbwrite(b)?;
            if !(sofar < len && self.state() & Qmsg == 0) {
                break;
            }
        }
        Ok(len)
    }

    /// `qiwrite`: as `qwrite` without waiting or locking out other
    /// writers (for `print` at interrupt level): it stops at the first
    /// block it cannot allocate or that would go to a full or closed queue.
    /// Returns the bytes queued.
    pub fn qiwrite(&self, p: &[u8]) -> usize {
        let len = p.len();
        let mut sofar = 0;
        loop {
            let n = (len - sofar).min(Maxatomic);
            let Some(mut b) = iallocb(n) else { break };
            b.write(&p[sofar..sofar + n]);
            let mut g = self.q.ilock();
            if g.state & (Qflow | Qclosed) != 0 {
                break;
            }
            sofar += g.qaddlist(b.into());
            let s = self.iunlock_writer(g);
            if !(sofar < len && s & Qmsg == 0) {
                break;
            }
        }
        sofar
    }

    /// `qdiscard`: throw away up to `len` bytes from the front (in stream
    /// and message mode alike). Returns the bytes thrown away.
    pub fn qdiscard(&self, len: usize) -> usize {
        let mut g = self.q.ilock();
        let st = &mut *g;
        let mut tofree: Vec<Block> = Vec::new();
        let mut sofar = 0;
        while sofar < len {
            let Some(b) = st.blocks.front_mut() else {
                break;
            };
            let mut n = b.blen();
            if n <= len - sofar {
                let b = st.blocks.pop_front().expect("front");
                st.rp = st.rp.wrapping_add(b.balloc() as u32);
                tofree.push(b);
            } else {
                n = len - sofar;
                b.rp += n;
            }
            st.dlen -= n;
            sofar += n;
        }
        self.iunlock_reader(g);
        drop(tofree);
        sofar
    }

    /// `qflush`: throw away everything queued.
    pub fn qflush(&self) {
        let mut g = self.q.ilock();
        let tofree = core::mem::take(&mut g.blocks);
        g.rp = g.wp;
        g.dlen = 0;
        self.iunlock_reader(g);
        drop(tofree);
    }

    /// `qclose`: close the queue and throw away its data; readers get end
    /// of file, writers `Ehungup`. Sleepers are woken.
    pub fn qclose(&self) {
        let mut g = self.q.ilock();
        g.state |= Qclosed;
        g.state &= !(Qflow | Qstarve);
        g.err = Some(Error::Ehungup);
        let tofree = core::mem::take(&mut g.blocks);
        g.rp = g.wp;
        g.dlen = 0;
        g.noblock = false;
        drop(g);
        S::wakeup(&self.rr);
        S::wakeup(&self.wr);
        drop(tofree);
    }

    /// `qhangup`: close the queue, keeping its data for readers, with
    /// error `msg` (`Ehungup` when `None` or empty). Sleepers are woken.
    pub fn qhangup(&self, msg: Option<&str>) {
        let mut g = self.q.ilock();
        g.state |= Qclosed;
        g.err = Some(match msg {
            Some(m) if !m.is_empty() => Error::from_errstr(errstr(m)),
            _ => Error::Ehungup,
        });
        drop(g);
        S::wakeup(&self.rr);
        S::wakeup(&self.wr);
    }

    /// `qisclosed`: whether the queue is closed or hung up.
    pub fn qisclosed(&self) -> bool {
        self.q.ilock().closed()
    }

    /// `qreopen`: undo a close or hangup, and restore the limit given to
    /// `qopen`. The error string stays until the next close.
    pub fn qreopen(&self) {
        let mut g = self.q.ilock();
        g.state &= !Qclosed;
        g.state |= Qstarve;
        g.eof = 0;
        g.limit = g.inilim;
    }

    /// `qlen`: the bytes of data queued.
    pub fn qlen(&self) -> usize {
        self.q.ilock().dlen
    }

    /// `qcanread`: whether a read would find a block without waiting.
    pub fn qcanread(&self) -> bool {
        !self.q.ilock().blocks.is_empty()
    }

    /// `qfull`: whether producers are flow controlled.
    pub fn qfull(&self) -> bool {
        self.state() & Qflow != 0
    }

    /// `qsetlimit`: change the limit, waking writers it lets go.
    pub fn qsetlimit(&self, limit: usize) {
        let mut g = self.q.ilock();
        g.limit = clamp_limit(limit);
        self.iunlock_consumer(g);
    }

    /// `qnoblock`: make writes to a full queue drop their data rather than
    /// wait (or wait again), waking writers waiting now.
    pub fn qnoblock(&self, onoff: bool) {
        let mut g = self.q.ilock();
        g.noblock = onoff;
        self.iunlock_consumer(g);
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use crate::allocb::Hdrspc;
    use crate::portfns::host::{up, Host, Proc};
    use alloc::collections::VecDeque;
    use alloc::string::String;
    use alloc::sync::Arc;
    use alloc::vec;
    use proptest::prelude::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;
    use std::thread;
    use std::time::Duration;

    type Q = Queue<Host>;

    const BIG: usize = 1 << 30;
    const BLOCKED: Duration = Duration::from_millis(200);
    const SOON: Duration = Duration::from_secs(20);

    /// BALLOC of the block qwrite makes for `n` bytes.
    fn balloc(n: usize) -> u32 {
        allocb(n).balloc() as u32
    }

    fn read(q: &Q, n: usize) -> Result<Vec<u8>> {
        let mut buf = vec![0u8; n];
        let got = q.qread(&mut buf)?;
        buf.truncate(got);
        Ok(buf)
    }

    /// Run `f` on a thread; return its process (for notes) and a receiver
    /// for its result.
    fn spawn<T: Send + 'static>(
        f: impl FnOnce() -> T + Send + 'static,
    ) -> (Proc, mpsc::Receiver<T>) {
        let (ptx, prx) = mpsc::channel();
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            ptx.send(up()).unwrap();
            let _ = tx.send(f());
        });
        (prx.recv().unwrap(), rx)
    }

    fn blocked<T: core::fmt::Debug>(rx: &mpsc::Receiver<T>) {
        match rx.recv_timeout(BLOCKED) {
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            other => panic!("expected the thread to be blocked, got {other:?}"),
        }
    }

    #[test]
    fn message_boundaries() {
        // Qmsg: each write is a block, and a read returns one block only.
        let q = Q::qopen(BIG, Qmsg, None);
        assert_eq!(q.qwrite(b"hello"), Ok(5));
        assert_eq!(q.qwrite(b"world!"), Ok(6));
        assert_eq!(q.qwrite(b""), Ok(0));
        assert_eq!(q.qwrite(b"x"), Ok(1));
        assert_eq!(q.qlen(), 12);
        assert_eq!(read(&q, 100).unwrap(), b"hello");
        assert_eq!(read(&q, 100).unwrap(), b"world!");
        assert_eq!(
            read(&q, 100).unwrap(),
            b"",
            "an empty write is an empty message"
        );
        assert_eq!(read(&q, 100).unwrap(), b"x");
        assert_eq!(q.qlen(), 0);
        assert!(!q.qcanread());
    }

    #[test]
    fn message_short_read_discards_rest() {
        // qread on Qmsg: no splitblock/qputback; readblist copies len bytes
        // and freeblist drops the rest of the message. qbread cuts wp.
        let q = Q::qopen(BIG, Qmsg, None);
        q.qwrite(b"abcdefgh").unwrap();
        q.qwrite(b"ijkl").unwrap();
        q.qwrite(b"mnopqr").unwrap();
        assert_eq!(read(&q, 3).unwrap(), b"abc");
        assert_eq!(q.qlen(), 10, "defgh is gone");
        let b = q.qbread(2).unwrap().unwrap();
        assert_eq!(b.data(), b"ij");
        assert_eq!(q.qlen(), 6);
        let mut p = [0u8; 4];
        assert_eq!(q.qconsume(&mut p), Some(4));
        assert_eq!(&p, b"mnop");
        assert_eq!(q.qlen(), 0, "qconsume drops the rest of a message too");
        assert!(!q.qcanread());
    }

    #[test]
    fn stream_without_coalesce_reads_one_block() {
        // Stream mode without Qcoalesce: one block per read; a block longer
        // than the read is split and the tail put back.
        let q = Q::qopen(BIG, 0, None);
        q.qwrite(b"abc").unwrap();
        q.qwrite(b"defghij").unwrap();
        assert_eq!(read(&q, 10).unwrap(), b"abc");
        assert_eq!(read(&q, 4).unwrap(), b"defg");
        assert_eq!(q.qlen(), 3);
        assert_eq!(read(&q, 10).unwrap(), b"hij");
        q.qwrite(b"xyz").unwrap();
        let b = q.qbread(1).unwrap().unwrap();
        assert_eq!(b.data(), b"x");
        assert_eq!(read(&q, 10).unwrap(), b"yz");
    }

    #[test]
    fn stream_coalesce() {
        // Qcoalesce: qread takes blocks while they fit, splits the last;
        // empty blocks vanish.
        let q = Q::qopen(BIG, Qcoalesce, None);
        q.qwrite(b"").unwrap();
        q.qwrite(b"abc").unwrap();
        q.qwrite(b"def").unwrap();
        q.qwrite(b"").unwrap();
        q.qwrite(b"gh").unwrap();
        assert_eq!(read(&q, 7).unwrap(), b"abcdefg");
        assert_eq!(q.qlen(), 1);
        assert_eq!(read(&q, 7).unwrap(), b"h");
        q.qwrite(b"ab").unwrap();
        q.qwrite(b"cd").unwrap();
        assert_eq!(read(&q, 100).unwrap(), b"abcd");
    }

    #[test]
    fn qwrite_maxatomic() {
        // qwrite splits at Maxatomic in stream mode; in message mode it
        // writes one block of Maxatomic bytes and still returns len.
        let data: Vec<u8> = (0..100_000u32).map(|i| i as u8).collect();
        let q = Q::qopen(BIG, 0, None);
        assert_eq!(q.qwrite(&data), Ok(100_000));
        assert_eq!(q.qlen(), 100_000);
        assert_eq!(q.qget().unwrap().blen(), Maxatomic);
        assert_eq!(q.qget().unwrap().blen(), 100_000 - Maxatomic);
        let q = Q::qopen(BIG, Qmsg, None);
        assert_eq!(q.qwrite(&data), Ok(100_000));
        assert_eq!(q.qlen(), Maxatomic);
        let b = q.qget().unwrap();
        assert_eq!(b.data(), &data[..Maxatomic]);
        assert!(q.qget().is_none());
    }

    #[test]
    fn flow_control_writer_blocks_until_its_write_drains() {
        // qbwrite/qflow: Qflow is set once wp-rp > limit; the writer then
        // sleeps until (its position - rp) <= limit, counting BALLOC bytes.
        let ba = balloc(100);
        assert_eq!(ba as usize, Hdrspc + 120);
        let limit = ba as usize + 16; // one block fits, two do not
        let q = Arc::new(Q::qopen(limit, 0, None));
        let data = [7u8; 100];
        q.qwrite(&data).unwrap();
        assert!(!q.qfull());
        let q2 = q.clone();
        let (_p, rx) = spawn(move || q2.qwrite(&[8u8; 100]));
        blocked(&rx);
        assert!(q.qfull());
        assert_eq!(q.qlen(), 200, "the data is queued before the wait");
        // Reading half of the first block: splitblock puts a new 50-byte
        // block back, so only BALLOC(100)-BALLOC(50) came out.
        assert_eq!(read(&q, 50).unwrap(), &data[..50]);
        let released = ba - balloc(50);
        assert!(2 * ba - released > limit as u32);
        blocked(&rx);
        assert!(q.qfull());
        assert_eq!(read(&q, 50).unwrap(), &data[..50]);
        assert_eq!(rx.recv_timeout(SOON).unwrap(), Ok(100));
        assert!(!q.qfull(), "iunlock_consumer cleared Qflow at the limit");
        assert_eq!(read(&q, 200).unwrap(), [8u8; 100]);
    }

    #[test]
    fn flow_control_counts_the_writers_own_position() {
        // unblocked(): the test is (f->p - q->rp) <= limit with the
        // writer's own position, not the queue's length: blocks queued
        // after the writer's do not hold it back, though Qflow stays set.
        let ba = balloc(100);
        let limit = ba as usize + 16;
        let q = Arc::new(Q::qopen(limit, 0, None));
        q.qwrite(&[1u8; 100]).unwrap();
        let q2 = q.clone();
        let (_p, rx) = spawn(move || q2.qwrite(&[2u8; 100]));
        blocked(&rx);
        let mut later = allocb(100);
        later.write(&[3u8; 100]);
        assert_eq!(q.qpassnolim(later), Passed::Queued(100));
        assert_eq!(q.qget().unwrap().data(), [1u8; 100]);
        assert_eq!(q.q.ilock().inq(), 2 * ba as i32);
        assert_eq!(rx.recv_timeout(SOON).unwrap(), Ok(100));
        assert!(q.qfull(), "the queue is still over its limit");
        assert_eq!(q.qlen(), 200);
    }

    #[test]
    fn qsetlimit_and_qnoblock_release_writers() {
        // qsetlimit and qnoblock end in iunlock_consumer, which wakes
        // flow-controlled writers; unblocked() then lets them go.
        let q = Arc::new(Q::qopen(0, 0, None));
        let q2 = q.clone();
        let (_p, rx) = spawn(move || q2.qwrite(b"abc"));
        blocked(&rx);
        q.qsetlimit(1000);
        assert_eq!(rx.recv_timeout(SOON).unwrap(), Ok(3));
        assert!(!q.qfull());

        let q = Arc::new(Q::qopen(0, 0, None));
        let q2 = q.clone();
        let (_p, rx) = spawn(move || q2.qwrite(b"abc"));
        blocked(&rx);
        q.qnoblock(true);
        assert_eq!(rx.recv_timeout(SOON).unwrap(), Ok(3));
        assert!(q.qfull(), "still over the limit");
        // Full and non-blocking: qbwrite drops and reports the length.
        assert_eq!(q.qwrite(b"defg"), Ok(4));
        assert_eq!(q.qlen(), 3);
        // qreopen restores the qopen limit.
        q.qsetlimit(5000);
        q.qclose();
        q.qreopen();
        assert_eq!(q.q.ilock().limit, 0);
    }

    #[test]
    fn qnoblock_drops() {
        // noblock: writes queue until Qflow is set, then are dropped
        // silently, returning the length.
        let limit = balloc(100) as usize; // the first write fits exactly
        let q = Q::qopen(limit, 0, None);
        q.qnoblock(true);
        assert_eq!(q.qwrite(&[1; 100]), Ok(100));
        assert!(!q.qfull(), "wp-rp == limit is not over it");
        assert_eq!(q.qwrite(&[2; 100]), Ok(100));
        assert!(q.qfull());
        assert_eq!(q.qwrite(&[3; 100]), Ok(100));
        assert_eq!(q.qlen(), 200);
        assert_eq!(read(&q, 300).unwrap(), [1; 100]);
        assert_eq!(read(&q, 300).unwrap(), [2; 100]);
        assert!(!q.qcanread());
    }

    #[test]
    fn interrupt_producers_drop_when_full_or_closed() {
        // qpass/qproduce/qiwrite drop on Qflow (qpass -1) and Qclosed
        // (qpass 0); qpassnolim ignores the limit.
        let q = Q::qopen(0, 0, None);
        assert_eq!(q.qproduce(b"abc"), Passed::Queued(3));
        assert!(q.qfull());
        assert_eq!(q.qproduce(b"def"), Passed::Full);
        assert_eq!(Passed::Full.as_int(), -1);
        assert_eq!(q.qiwrite(b"ghi"), 0);
        let mut b = allocb(3);
        b.write(b"jkl");
        assert_eq!(q.qpass(b.clone()), Passed::Full);
        assert_eq!(q.qpassnolim(b.clone()), Passed::Queued(3));
        assert_eq!(q.qlen(), 6);
        let mut p = [0u8; 10];
        assert_eq!(q.qconsume(&mut p), Some(3));
        assert_eq!(&p[..3], b"abc");
        q.qclose();
        assert_eq!(q.qpass(b.clone()), Passed::Closed);
        assert_eq!(q.qpassnolim(b), Passed::Closed);
        assert_eq!(q.qproduce(b"x"), Passed::Closed);
        assert_eq!(q.qiwrite(b"x"), 0);
        assert_eq!(Passed::Closed.as_int(), 0);
        // qiwrite splits long writes like qwrite and marks blocks BINTR.
        let q = Q::qopen(BIG, 0, None);
        assert_eq!(q.qiwrite(&vec![5u8; Maxatomic + 10]), Maxatomic + 10);
        let b = q.qget().unwrap();
        assert_eq!((b.blen(), b.flag), (Maxatomic, crate::allocb::BINTR));
    }

    #[test]
    fn qconsume_stream_and_starve() {
        // qconsume: stream mode keeps the rest of a block; an empty queue
        // gives -1 and sets Qstarve; empty blocks are skipped.
        let q = Q::qopen(BIG, 0, None);
        q.qwrite(b"").unwrap();
        q.qwrite(b"abcdef").unwrap();
        let mut p = [0u8; 4];
        assert_eq!(q.qconsume(&mut p), Some(4));
        assert_eq!(&p, b"abcd");
        assert_eq!(q.qlen(), 2);
        assert_eq!(q.qconsume(&mut p), Some(2));
        assert_eq!(q.q.ilock().state & Qstarve, 0);
        assert_eq!(q.qconsume(&mut p), None);
        assert_ne!(q.q.ilock().state & Qstarve, 0);
        assert_eq!(q.q.ilock().inq(), 0, "all BALLOC bytes accounted");
    }

    #[test]
    fn qclose_drops_data_then_eof_then_error() {
        // qclose frees the blocks and sets err to Ehungup; qwait returns 0
        // (eof) three times, then raises the error; writes raise it.
        let q = Q::qopen(BIG, 0, None);
        q.qwrite(b"lost").unwrap();
        q.qclose();
        assert!(q.qisclosed());
        assert_eq!(q.qlen(), 0);
        for _ in 0..3 {
            assert_eq!(read(&q, 10), Ok(vec![]));
        }
        assert_eq!(read(&q, 10), Err(Error::Ehungup));
        assert_eq!(q.qbread(10).map(|b| b.is_some()), Err(Error::Ehungup));
        assert_eq!(q.qwrite(b"x"), Err(Error::Ehungup));
        // qreopen clears eof and the closed state.
        q.qreopen();
        assert!(!q.qisclosed());
        q.qwrite(b"again").unwrap();
        assert_eq!(read(&q, 10).unwrap(), b"again");
    }

    #[test]
    fn qhangup_keeps_data_and_error() {
        // qhangup keeps the blocks; once drained, a hangup message other
        // than Ehungup is raised at once (no eof reads). Writers get it too.
        let q = Q::qopen(BIG, Qmsg, None);
        q.qwrite(b"one").unwrap();
        q.qwrite(b"two").unwrap();
        q.qhangup(Some("connection reset"));
        assert_eq!(
            q.qwrite(b"x"),
            Err(Error::Msg(String::from("connection reset")))
        );
        assert_eq!(read(&q, 10).unwrap(), b"one");
        assert_eq!(read(&q, 10).unwrap(), b"two");
        assert_eq!(
            read(&q, 10),
            Err(Error::Msg(String::from("connection reset")))
        );
        // A named error string maps back to its Error.
        let q = Q::qopen(BIG, 0, None);
        q.qhangup(Some("connection timed out"));
        assert_eq!(read(&q, 10), Err(Error::Etimedout));
        // nil or "" is Ehungup, which gives eof reads first.
        let q = Q::qopen(BIG, 0, None);
        q.qwrite(b"data").unwrap();
        q.qhangup(Some(""));
        assert_eq!(read(&q, 10).unwrap(), b"data");
        assert_eq!(read(&q, 10), Ok(vec![]));
        // kstrcpy(q->err, msg, ERRMAX) keeps ERRMAX-1 bytes.
        let long = "é".repeat(100);
        let q = Q::qopen(BIG, 0, None);
        q.qhangup(Some(&long));
        match read(&q, 1) {
            Err(Error::Msg(m)) => assert_eq!(m, "é".repeat(63)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn qhangup_wakes_blocked_reader() {
        // qhangup wakes q->rr; the reader's qwait sees Qclosed and raises
        // the hangup message.
        let q = Arc::new(Q::qopen(BIG, 0, None));
        let q2 = q.clone();
        let (_p, rx) = spawn(move || read(&q2, 10));
        blocked(&rx);
        q.qhangup(Some("boom"));
        assert_eq!(
            rx.recv_timeout(SOON).unwrap(),
            Err(Error::Msg(String::from("boom")))
        );
        // qclose wakes a reader with eof.
        let q = Arc::new(Q::qopen(BIG, 0, None));
        let q2 = q.clone();
        let (_p, rx) = spawn(move || read(&q2, 10));
        blocked(&rx);
        q.qclose();
        assert_eq!(rx.recv_timeout(SOON).unwrap(), Ok(vec![]));
    }

    #[test]
    fn qclose_wakes_blocked_writer() {
        // unblocked() is true on a closed queue: the writer returns the
        // length it had queued.
        let q = Arc::new(Q::qopen(0, 0, None));
        let q2 = q.clone();
        let (_p, rx) = spawn(move || q2.qwrite(b"abc"));
        blocked(&rx);
        q.qclose();
        assert_eq!(rx.recv_timeout(SOON).unwrap(), Ok(3));
    }

    #[test]
    fn discard_and_flush() {
        // qdiscard returns the bytes thrown away, splitting a block;
        // qflush empties the queue, ends flow control and wakes writers.
        let q = Q::qopen(BIG, 0, None);
        for _ in 0..3 {
            q.qwrite(&[1; 10]).unwrap();
        }
        assert_eq!(q.qdiscard(15), 15);
        assert_eq!(q.qlen(), 15);
        assert_eq!(q.qdiscard(100), 15);
        assert_eq!(q.qdiscard(1), 0);
        assert_eq!(q.q.ilock().inq(), 0);

        let q = Arc::new(Q::qopen(0, 0, None));
        let q2 = q.clone();
        let (_p, rx) = spawn(move || q2.qwrite(b"abcdef"));
        blocked(&rx);
        q.qflush();
        assert_eq!(rx.recv_timeout(SOON).unwrap(), Ok(6));
        assert_eq!(q.qlen(), 0);
        assert!(!q.qcanread());
        // A zero-limit queue flow-controls again on the next block.
        assert_eq!(q.qpass(allocb(0)), Passed::Queued(0));
        assert!(q.qfull());
    }

    #[test]
    fn note_interrupts_blocked_reader() {
        // sleep raises Eintr when a note is posted; the queue still works.
        let q = Arc::new(Q::qopen(BIG, 0, None));
        let q2 = q.clone();
        let (p, rx) = spawn(move || {
            let r = read(&q2, 10);
            (r, read(&q2, 10))
        });
        blocked(&rx);
        p.postnote();
        blocked(&rx);
        q.qwrite(b"after").unwrap();
        let (first, second) = rx.recv_timeout(SOON).unwrap();
        assert_eq!(first, Err(Error::Eintr));
        assert_eq!(second.unwrap(), b"after");
    }

    #[test]
    fn pending_note_interrupts_read_at_once() {
        // sleep checks up->notepending before sleeping.
        let q = Q::qopen(BIG, 0, None);
        up().postnote();
        assert_eq!(read(&q, 10), Err(Error::Eintr));
        q.qwrite(b"ok").unwrap();
        up().postnote();
        assert_eq!(read(&q, 10).unwrap(), b"ok", "no sleep, so the note stays");
        assert!(up().takenote());
    }

    #[test]
    fn interrupted_writer_has_written() {
        // qbwrite queues before qflow, so a note interrupts only the wait.
        // With the queue past twice the limit, qwrite's qbloated waits
        // through notes, until the process is being killed (Egreg).
        let limit = 100;
        let q = Arc::new(Q::qopen(limit, 0, None));
        for i in 0..2u8 {
            let q2 = q.clone();
            let (p, rx) = spawn(move || q2.qwrite(&[i; 100]));
            blocked(&rx);
            p.postnote();
            assert_eq!(rx.recv_timeout(SOON).unwrap(), Err(Error::Eintr));
        }
        assert_eq!(q.qlen(), 200);
        assert!(q.q.ilock().inq() / 2 > limit as i32);
        let q2 = q.clone();
        let (p, rx) = spawn(move || q2.qwrite(&[9; 10]));
        blocked(&rx);
        p.postnote();
        blocked(&rx);
        assert_eq!(q.qlen(), 200, "qbloated waits before allocating");
        p.set_exiting();
        assert_eq!(rx.recv_timeout(SOON).unwrap(), Err(Error::Egreg));
        assert_eq!(q.qlen(), 200);
    }

    #[test]
    fn kick_rules() {
        // iunlock_writer kicks when the consumer was starved or Qkick is
        // set; iunlock_reader kicks when it relieved flow control.
        let n = Arc::new(AtomicUsize::new(0));
        let kick = |n: &Arc<AtomicUsize>| -> Option<Kick> {
            let n = n.clone();
            Some(Box::new(move || {
                n.fetch_add(1, Ordering::SeqCst);
            }))
        };
        let q = Q::qopen(BIG, 0, kick(&n));
        q.qwrite(b"a").unwrap();
        assert_eq!(n.load(Ordering::SeqCst), 1, "qopen starts starved");
        q.qwrite(b"b").unwrap();
        assert_eq!(n.load(Ordering::SeqCst), 1);
        q.qget().unwrap();
        q.qget().unwrap();
        assert!(q.qget().is_none()); // sets Qstarve
        q.qwrite(b"c").unwrap();
        assert_eq!(n.load(Ordering::SeqCst), 2);

        let n = Arc::new(AtomicUsize::new(0));
        let q = Q::qopen(BIG, Qkick, kick(&n));
        for _ in 0..3 {
            q.qwrite(b"x").unwrap();
        }
        assert_eq!(n.load(Ordering::SeqCst), 3);

        let n = Arc::new(AtomicUsize::new(0));
        let q = Q::qopen(0, 0, kick(&n));
        assert_eq!(q.qpass(allocb(1)), Passed::Queued(0));
        assert_eq!(n.load(Ordering::SeqCst), 0, "qpass does not kick");
        assert!(q.qfull());
        assert_eq!(q.qdiscard(10), 0);
        assert_eq!(n.load(Ordering::SeqCst), 1, "reader relieved Qflow");
    }

    #[test]
    fn qcopy_and_bypass() {
        // qcopy copies from an offset without consuming; qbypass hands
        // every write to the bypass routine.
        let q = Q::qopen(BIG, 0, None);
        q.qwrite(b"abc").unwrap();
        q.qwrite(b"defg").unwrap();
        assert_eq!(q.qcopy(4, 2).data(), b"cdef");
        assert_eq!(q.qcopy(10, 5).data(), b"fg");
        assert_eq!(q.qlen(), 7);
        let got = Arc::new(std::sync::Mutex::new(Vec::new()));
        let g2 = got.clone();
        let q = Q::qbypass(Box::new(move |bl| {
            for b in bl {
                g2.lock().unwrap().extend_from_slice(b.data());
            }
        }));
        assert_eq!(q.qwrite(b"through"), Ok(7));
        assert_eq!(&got.lock().unwrap()[..], b"through");
        assert_eq!(q.qlen(), 0);
    }

    fn fnv(d: &[u8]) -> u64 {
        d.iter().fold(0xcbf29ce484222325u64, |h, &b| {
            (h ^ b as u64).wrapping_mul(0x100000001b3)
        })
    }

    #[test]
    fn concurrent_messages_lose_and_duplicate_nothing() {
        // Qmsg under flow control with 4 writers and 2 readers: every
        // message arrives once, whole, and each reader sees each writer's
        // messages in order (the queue is FIFO).
        const WRITERS: u8 = 4;
        const PER: u32 = 300;
        let q = Arc::new(Q::qopen(2048, Qmsg, None));
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let q = q.clone();
                thread::spawn(move || {
                    for seq in 0..PER {
                        let len = 13 + (seq as usize * 37 + w as usize * 11) % 400;
                        let mut m = vec![0u8; len];
                        m[0] = w;
                        m[1..5].copy_from_slice(&seq.to_le_bytes());
                        for (i, x) in m[13..].iter_mut().enumerate() {
                            *x = (i as u32 ^ seq ^ w as u32) as u8;
                        }
                        let h = fnv(&m[13..]);
                        m[5..13].copy_from_slice(&h.to_le_bytes());
                        assert_eq!(q.qwrite(&m), Ok(len));
                    }
                })
            })
            .collect();
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let q = q.clone();
                thread::spawn(move || {
                    let mut got = Vec::new();
                    let mut last = [None::<u32>; WRITERS as usize];
                    loop {
                        let m = read(&q, 1000).unwrap();
                        if m.is_empty() {
                            return got;
                        }
                        let w = m[0];
                        let seq = u32::from_le_bytes(m[1..5].try_into().unwrap());
                        let h = u64::from_le_bytes(m[5..13].try_into().unwrap());
                        assert_eq!(fnv(&m[13..]), h, "message {w}/{seq} intact");
                        assert!(last[w as usize].is_none_or(|l| l < seq), "in order");
                        last[w as usize] = Some(seq);
                        got.push((w, seq));
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().unwrap();
        }
        q.qhangup(None);
        let mut all: Vec<(u8, u32)> = readers
            .into_iter()
            .flat_map(|r| r.join().unwrap())
            .collect();
        all.sort();
        let want: Vec<(u8, u32)> = (0..WRITERS)
            .flat_map(|w| (0..PER).map(move |s| (w, s)))
            .collect();
        assert_eq!(all, want);
    }

    #[test]
    fn concurrent_stream_and_interrupt_producers() {
        // A stream under flow control: the bytes a process writer writes
        // arrive in order; interrupt-level producers (qproduce) on a second
        // queue lose only what they were told was dropped.
        let q = Arc::new(Q::qopen(1000, Qcoalesce, None));
        let data: Vec<u8> = (0..200_000u32).map(|i| (i * 7 + i / 251) as u8).collect();
        let d2 = data.clone();
        let q2 = q.clone();
        let w = thread::spawn(move || {
            let mut off = 0;
            let mut k = 1;
            while off < d2.len() {
                let n = (k * 131 % 3000).min(d2.len() - off);
                assert_eq!(q2.qwrite(&d2[off..off + n]), Ok(n));
                off += n;
                k += 1;
            }
            q2.qhangup(None);
        });
        let mut got = Vec::new();
        let mut k = 1;
        loop {
            let m = read(&q, 1 + k * 97 % 700).unwrap();
            if m.is_empty() {
                break;
            }
            got.extend_from_slice(&m);
            k += 1;
        }
        w.join().unwrap();
        assert_eq!(got.len(), data.len());
        assert_eq!(fnv(&got), fnv(&data));

        let q = Arc::new(Q::qopen(4000, 0, None));
        let accepted = Arc::new(AtomicUsize::new(0));
        let producers: Vec<_> = (0..2u8)
            .map(|t| {
                let q = q.clone();
                let accepted = accepted.clone();
                thread::spawn(move || {
                    for i in 0..5000u32 {
                        let rec = [t, i as u8, (i >> 8) as u8, 0xA5];
                        if let Passed::Queued(n) = q.qproduce(&rec) {
                            assert_eq!(n, 4);
                            accepted.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                })
            })
            .collect();
        let mut recs = 0usize;
        let mut seen = std::collections::HashSet::new();
        let mut done = false;
        while !done {
            done = producers.iter().all(|p| p.is_finished());
            while let Some(b) = q.qget() {
                assert_eq!(b.blen(), 4);
                let d = b.data();
                assert_eq!(d[3], 0xA5);
                assert!(seen.insert((d[0], d[1], d[2])), "no duplicates");
                recs += 1;
            }
            thread::yield_now();
        }
        for p in producers {
            p.join().unwrap();
        }
        while q.qget().is_some() {
            recs += 1;
        }
        assert_eq!(recs, accepted.load(Ordering::SeqCst));
        assert!(recs > 0);
    }

    #[derive(Debug, Clone)]
    enum Op {
        Write(Vec<u8>),
        Bwrite(Vec<u8>),
        Iwrite(Vec<u8>),
        Produce(Vec<u8>),
        Read(usize),
        Bread(usize),
        Consume(usize),
        Get,
    }

    fn op() -> impl Strategy<Value = Op> {
        let bytes = || proptest::collection::vec(any::<u8>(), 0..300);
        prop_oneof![
            bytes().prop_map(Op::Write),
            bytes().prop_map(Op::Bwrite),
            bytes().prop_map(Op::Iwrite),
            bytes().prop_map(Op::Produce),
            (0usize..400).prop_map(Op::Read),
            (0usize..400).prop_map(Op::Bread),
            (0usize..400).prop_map(Op::Consume),
            Just(Op::Get),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn stream_queue_keeps_bytes_in_order(
            coalesce in any::<bool>(),
            ops in proptest::collection::vec(op(), 0..60),
        ) {
            // In stream mode (with or without Qcoalesce), any mix of writes
            // and reads gives back the bytes written, in order, no more.
            let q = Q::qopen(BIG, if coalesce { Qcoalesce } else { 0 }, None);
            let mut model: VecDeque<u8> = VecDeque::new();
            let mut out: Vec<u8> = Vec::new();
            let mut written: Vec<u8> = Vec::new();
            fn take(got: &[u8], model: &mut VecDeque<u8>, out: &mut Vec<u8>) -> std::result::Result<(), TestCaseError> {
                prop_assert!(got.len() <= model.len(), "read more than was written");
                let want: Vec<u8> = model.drain(..got.len()).collect();
                prop_assert_eq!(got, &want[..]);
                out.extend_from_slice(got);
                Ok(())
            }
            for op in ops {
                match op {
                    Op::Write(d) => {
                        prop_assert_eq!(q.qwrite(&d), Ok(d.len()));
                        model.extend(&d);
                        written.extend_from_slice(&d);
                    }
                    Op::Bwrite(d) => {
                        let mut b = allocb(d.len());
                        b.write(&d);
                        prop_assert_eq!(q.qbwrite(b), Ok(d.len()));
                        model.extend(&d);
                        written.extend_from_slice(&d);
                    }
                    Op::Iwrite(d) => {
                        prop_assert_eq!(q.qiwrite(&d), d.len());
                        model.extend(&d);
                        written.extend_from_slice(&d);
                    }
                    Op::Produce(d) => {
                        prop_assert_eq!(q.qproduce(&d), Passed::Queued(d.len()));
                        model.extend(&d);
                        written.extend_from_slice(&d);
                    }
                    // Reads would wait on an empty queue (a coalescing read
                    // skips empty blocks), so read only when there is data.
                    Op::Read(n) if q.qlen() > 0 => {
                        let got = read(&q, n).unwrap();
                        prop_assert!(got.len() <= n);
                        if coalesce && n > 0 {
                            prop_assert!(!got.is_empty());
                        }
                        take(&got, &mut model, &mut out)?;
                    }
                    Op::Bread(n) if q.qcanread() => {
                        let b = q.qbread(n).unwrap().unwrap();
                        prop_assert!(b.blen() <= n);
                        take(b.data(), &mut model, &mut out)?;
                    }
                    Op::Consume(n) => {
                        let mut p = vec![0u8; n];
                        match q.qconsume(&mut p) {
                            None => prop_assert!(model.is_empty()),
                            Some(k) => take(&p[..k], &mut model, &mut out)?,
                        }
                    }
                    Op::Get => {
                        if let Some(b) = q.qget() {
                            take(b.data(), &mut model, &mut out)?;
                        }
                    }
                    _ => {}
                }
                prop_assert_eq!(q.qlen(), model.len());
            }
            while q.qlen() > 0 {
                let got = read(&q, 128).unwrap();
                take(&got, &mut model, &mut out)?;
            }
            prop_assert!(model.is_empty());
            prop_assert_eq!(out, written);
        }
    }
}
