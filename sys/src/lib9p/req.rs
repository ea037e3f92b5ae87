//! Requests: a port of 9front's `sys/src/lib9p/req.c`.
//!
//! Each T-message becomes a [`Req`]: the message (`ifcall`), the fields of
//! the reply being built (`ofcall`), the fids it names and, for Tflush,
//! the request it flushes. Outstanding requests are kept in the
//! connection's pool by tag, so that a duplicate tag is noticed and a
//! Tflush finds its request.
//!
//! What differs from 9front: a `Req` is owned by whoever must answer it
//! and is consumed by `respond` (in `srv.rs`); what the pool and flushes
//! share of it is a [`ReqShared`]. The reply fields are the struct
//! [`Ofcall`] instead of an Fcall union. A `Req` dropped without a
//! response is abandoned (see the crate's documentation).

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use libc::fcall::{Dir, Fcall, Msg, Qid, WireStr};

use crate::fid::Fid;
use crate::intmap::Intmap;
use crate::srv::Conn;

/// The fields of a reply, filled in by lib9p and the handler.
#[derive(Clone, Debug, Default)]
pub struct Ofcall {
    /// Rversion.
    pub msize: u32,
    pub version: String,
    /// Rauth.
    pub aqid: Qid,
    /// Rattach, Ropen, Rcreate.
    pub qid: Qid,
    /// Ropen, Rcreate: 0 means msize less the header.
    pub iounit: u32,
    /// Rwalk.
    pub wqid: Vec<Qid>,
    /// Rread.
    pub data: Vec<u8>,
    /// Rwrite.
    pub count: u32,
    /// Rstat: encoded from [`Req::d`].
    pub stat: Vec<u8>,
}

/// What a request's pool entry and its flushers share.
pub struct ReqShared {
    pub tag: u16,
    pub(crate) st: spin::Mutex<ReqFlags>,
}

pub(crate) struct ReqFlags {
    pub(crate) responded: bool,
    /// Aborted by Tversion: no reply goes out.
    pub(crate) aborted: bool,
    /// Tflushes waiting for this request to be answered.
    pub(crate) flushes: Vec<Req>,
}

impl ReqShared {
    pub(crate) fn new(tag: u16) -> ReqShared {
        ReqShared {
            tag,
            st: spin::Mutex::new(ReqFlags { responded: false, aborted: false, flushes: Vec::new() }),
        }
    }
    /// Whether the request has been answered (or abandoned).
    pub fn responded(&self) -> bool {
        self.st.lock().responded
    }
    /// Whether a Tflush waits for it.
    pub fn flushed(&self) -> bool {
        !self.st.lock().flushes.is_empty()
    }
}

/// A connection's outstanding requests.
pub type Reqpool = Intmap<Arc<ReqShared>>;

/// A request.
pub struct Req {
    pub tag: u16,
    /// The T-message.
    pub ifcall: Fcall,
    /// The reply's fields.
    pub ofcall: Ofcall,
    pub fid: Option<Arc<Fid>>,
    pub newfid: Option<Arc<Fid>>,
    pub afid: Option<Arc<Fid>>,
    /// Tstat: the entry to reply with; Twstat: the entry sent.
    pub d: Dir,
    /// Tflush: the request being flushed, if it is outstanding.
    pub oldreq: Option<Arc<ReqShared>>,
    pub(crate) conn: Arc<Conn>,
    pub(crate) shared: Arc<ReqShared>,
    /// In the pool (a duplicate tag's request is not).
    pub(crate) pooled: bool,
    /// An error decided before dispatch (duplicate tag).
    pub(crate) error: Option<&'static str>,
    pub(crate) done: bool,
}

/// `allocreq`: a request for `f`, added to the pool; `None` if the tag
/// is outstanding already.
pub(crate) fn allocreq(conn: &Arc<Conn>, f: Fcall) -> Option<Req> {
    let shared = Arc::new(ReqShared::new(f.tag));
    if !conn.rpool.caninsertkey(f.tag as u64, shared.clone()) {
        return None;
    }
    Some(Req::new(conn, f, shared, true))
}

impl Req {
    pub(crate) fn new(conn: &Arc<Conn>, f: Fcall, shared: Arc<ReqShared>, pooled: bool) -> Req {
        Req {
            tag: f.tag,
            ifcall: f,
            ofcall: Ofcall::default(),
            fid: None,
            newfid: None,
            afid: None,
            d: Dir::default(),
            oldreq: None,
            conn: conn.clone(),
            shared,
            pooled,
            error: None,
            done: false,
        }
    }

    /// What this request's pool entry and flushers see.
    pub fn shared(&self) -> &Arc<ReqShared> {
        &self.shared
    }

    /// The message type of the request.
    pub fn typ(&self) -> u8 {
        self.ifcall.typ()
    }

    /// Tread: the offset and count (the count already cut to the iounit).
    pub fn readargs(&self) -> (u64, u32) {
        match &self.ifcall.msg {
            Msg::Tread { offset, count, .. } => (*offset, *count),
            _ => (0, 0),
        }
    }

    /// Twrite: the offset and data.
    pub fn writeargs(&self) -> (u64, &[u8]) {
        match &self.ifcall.msg {
            Msg::Twrite { offset, data, .. } => (*offset, data),
            _ => (0, &[]),
        }
    }

    /// Tcreate: the name, permissions and mode.
    pub fn createargs(&self) -> (&WireStr, u32, u8) {
        static EMPTY: WireStr = WireStr::new();
        match &self.ifcall.msg {
            Msg::Tcreate { name, perm, mode, .. } => (name, *perm, *mode),
            _ => (&EMPTY, 0, 0),
        }
    }

    /// Topen and Tcreate: the open mode.
    pub fn mode(&self) -> u8 {
        match &self.ifcall.msg {
            Msg::Topen { mode, .. } | Msg::Tcreate { mode, .. } => *mode,
            _ => 0,
        }
    }

    /// Twalk: the names.
    pub fn wname(&self) -> &[WireStr] {
        match &self.ifcall.msg {
            Msg::Twalk { wname, .. } => wname,
            _ => &[],
        }
    }

    /// The negotiated message size of the connection.
    pub fn msize(&self) -> u32 {
        self.conn.msize()
    }
}
