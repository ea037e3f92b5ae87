//! Fids: a port of 9front's `sys/src/lib9p/fid.c` (see 9pfid(2)).
//!
//! A connection's fids live in a pool keyed by fid number.
//! [`allocfid`] adds one (failing if the number is in use),
//! [`lookupfid`] finds one, [`removefid`] takes one out of the pool (a
//! clunk). A fid is destroyed when the last reference to it goes: the
//! pool's and those of the requests using it. Then its directory reader
//! is closed, the server's `destroyfid` runs and its file reference goes,
//! in 9front's order.
//!
//! What differs from 9front: a fid is an `Arc<Fid>` whose mutable part,
//! [`FidState`], is behind a spin lock ([`Fid::lock`]); `closefid` is
//! dropping the `Arc`; `aux` is `Box<dyn Any + Send>`.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use core::any::Any;

use libc::fcall::Qid;

use crate::file::{File, Readdir};
use crate::intmap::Intmap;
use crate::srv::Srv;

/// A fid's state.
pub struct FidState {
    /// The open mode, or -1 while not open.
    pub omode: i32,
    pub qid: Qid,
    /// The file, for servers with a file tree.
    pub file: Option<Arc<File>>,
    /// The user that attached.
    pub uid: String,
    /// The offset the next directory read must have (0 restarts).
    pub diroffset: u64,
    /// For `dirread9p`: the index of the next entry.
    pub dirindex: usize,
    /// The directory being read, for file trees.
    pub rdir: Option<Readdir>,
    /// The server's data.
    pub aux: Option<Box<dyn Any + Send>>,
}

/// A fid.
pub struct Fid {
    pub fid: u32,
    st: spin::Mutex<FidState>,
    srv: Option<Arc<dyn Srv>>,
}

impl Fid {
    pub(crate) fn new(fid: u32, srv: Option<Arc<dyn Srv>>) -> Fid {
        Fid {
            fid,
            st: spin::Mutex::new(FidState {
                omode: -1,
                qid: Qid::default(),
                file: None,
                uid: String::new(),
                diroffset: 0,
                dirindex: 0,
                rdir: None,
                aux: None,
            }),
            srv,
        }
    }
    /// Locks the fid's state.
    pub fn lock(&self) -> spin::MutexGuard<'_, FidState> {
        self.st.lock()
    }
    pub fn omode(&self) -> i32 {
        self.lock().omode
    }
    pub fn qid(&self) -> Qid {
        self.lock().qid
    }
    pub fn file(&self) -> Option<Arc<File>> {
        self.lock().file.clone()
    }
    pub fn uid(&self) -> String {
        self.lock().uid.clone()
    }
}

impl Drop for Fid {
    fn drop(&mut self) {
        // closefid: the directory reader, then destroyfid, then the file.
        let rdir = self.st.get_mut().rdir.take();
        drop(rdir);
        if let Some(s) = self.srv.take() {
            s.destroyfid(self);
        }
    }
}

/// A connection's fids.
pub type Fidpool = Intmap<Arc<Fid>>;

/// `allocfid`: a new fid numbered `fid`, or `None` if it is in use.
pub fn allocfid(pool: &Fidpool, fid: u32, srv: Option<Arc<dyn Srv>>) -> Option<Arc<Fid>> {
    let f = Arc::new(Fid::new(fid, srv));
    if pool.caninsertkey(fid as u64, f.clone()) {
        Some(f)
    } else {
        None
    }
}

/// `lookupfid`.
pub fn lookupfid(pool: &Fidpool, fid: u32) -> Option<Arc<Fid>> {
    pool.lookupkey(fid as u64)
}

/// `removefid`: takes the fid out of the pool.
pub fn removefid(pool: &Fidpool, fid: u32) -> Option<Arc<Fid>> {
    pool.deletekey(fid as u64)
}
