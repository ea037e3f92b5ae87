//! The name-space part of 9front's `port/portdat.h`: the access modes of
//! `namec`, the channel flags, the sizes of the process groups, the mount
//! and rfork flags the kernel shares with `libc.h`, and [`Up`], the
//! fields of the current process (`up`) that the name-space code reads.
//!
//! The structures themselves live with the code that ports them: `Chan`,
//! `Path` and `Mhead` in [`crate::chan`]; `Dev`, `Dirtab` and `Walkqid` in
//! [`crate::dev`]; `Pgrp`, `Fgrp`, `Rgrp` and `Mount` in [`crate::pgrp`].
//!
//! What differs from 9front:
//!
//! - 9front reaches the current process through the global `up` and the
//!   device table through the global `devtab[]`; planten passes an [`Up`]
//!   to every function that needs them. It holds the process's groups, its
//!   root and current directory, its user, and the kernel's device table.
//! - `up->slash` and `up->dot` are `Option`s: a process without a root
//!   gets an error from `namec` where 9front would dereference nil.
//! - Not here yet: the rest of `portdat.h` (Proc, Segment, Image, Note,
//!   the Mnt structures of devmnt, Block and Queue, which are in allocb.rs
//!   and qio.rs). `Egrp` is in [`crate::devenv`].

use alloc::string::String;
use alloc::sync::Arc;

use crate::chan::Chan;
use crate::dev::Devtab;
use crate::devenv::Egrp;
use crate::pgrp::{Fgrp, Pgrp, Rgrp};
use crate::portfns::Sched;

/// How `namec` is to use the name it evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Amode {
    /// As in stat and wstat.
    Aaccess,
    /// The new file of a bind.
    Abind,
    /// As in chdir.
    Atodir,
    /// For I/O.
    Aopen,
    /// To be mounted or mounted upon.
    Amount,
    /// To be created.
    Acreate,
    /// To be removed by the caller.
    Aremove,
    /// The first argument of unmount.
    Aunmount,
}

/// Channel flags (`Chan.flag`).
pub mod cflag {
    /// Open for I/O.
    pub const COPEN: u16 = 0x0001;
    /// The message channel of a mount.
    pub const CMSG: u16 = 0x0002;
    /// Close on exec (a per-descriptor flag, `Fgrp.flag`).
    pub const CCEXEC: u16 = 0x0008;
    /// Not in use (kept for the value; Rust's ownership makes it moot).
    pub const CFREE: u16 = 0x0010;
    /// Remove on close.
    pub const CRCLOSE: u16 = 0x0020;
    /// Client cache.
    pub const CCACHE: u16 = 0x0080;
}

pub use cflag::*;

/// log2 of the number of rendezvous hash buckets.
pub const RENDLOG: u32 = 5;
/// Rendezvous hash buckets of an `Rgrp`.
pub const RENDHASH: usize = 1 << RENDLOG;
/// log2 of the number of mount hash buckets.
pub const MNTLOG: u32 = 5;
/// Mount hash buckets of a `Pgrp` (`MOUNTH` hashes by `qid.path`).
pub const MNTHASH: usize = 1 << MNTLOG;
/// Per-process file descriptors (9front's nominal count).
pub const NFD: usize = 100;
/// How many slots an `Fgrp`'s table grows by.
pub const DELTAFD: usize = 20;

/// The longest name a kernel `Dirtab` holds, with its NUL (port/lib.h).
pub const KNAMELEN: usize = 28;

/// The size of a number as devices format it: 11 digits and a blank
/// (`readnum`).
pub const NUMSIZE: usize = 12;
/// The size of the buffer a device formats a read into (`READSTR`).
pub const READSTR: usize = 8000;
/// The longest line `print` formats (`PRINTSIZE`).
pub const PRINTSIZE: usize = 256;

/// Mount flags (`libc.h`, shared with the kernel through port/lib.h).
pub mod mflag {
    /// The bits that give the order of a mount.
    pub const MORDER: u32 = 0x0003;
    /// The mount replaces the old file.
    pub const MREPL: u32 = 0x0000;
    /// The mount goes before the others in a union directory.
    pub const MBEFORE: u32 = 0x0001;
    /// The mount goes after the others in a union directory.
    pub const MAFTER: u32 = 0x0002;
    /// Creation is permitted in the mounted directory.
    pub const MCREATE: u32 = 0x0004;
    /// Cache some data.
    pub const MCACHE: u32 = 0x0010;
    /// Every valid bit.
    pub const MMASK: u32 = 0x0017;
}

pub use mflag::*;

/// rfork flags (`libc.h`).
pub mod rfork {
    pub const RFNAMEG: u32 = 1 << 0;
    pub const RFENVG: u32 = 1 << 1;
    pub const RFFDG: u32 = 1 << 2;
    pub const RFNOTEG: u32 = 1 << 3;
    pub const RFPROC: u32 = 1 << 4;
    pub const RFMEM: u32 = 1 << 5;
    pub const RFNOWAIT: u32 = 1 << 6;
    pub const RFCNAMEG: u32 = 1 << 10;
    pub const RFCENVG: u32 = 1 << 11;
    pub const RFCFDG: u32 = 1 << 12;
    pub const RFREND: u32 = 1 << 13;
    pub const RFNOMNT: u32 = 1 << 14;
}

/// The fields of the current process (9front's `up`, a `Proc`) that the
/// name space reads and changes, with the kernel's device table.
pub struct Up<S: Sched> {
    /// The device table (the global `devtab[]`, `eve` and `kerndate`).
    pub devtab: Arc<Devtab<S>>,
    /// The user the process runs as (`up->user`).
    pub user: String,
    /// The name space (`up->pgrp`).
    pub pgrp: Arc<Pgrp<S>>,
    /// The file descriptors (`up->fgrp`).
    pub fgrp: Arc<Fgrp<S>>,
    /// The rendezvous group (`up->rgrp`).
    pub rgrp: Arc<Rgrp<S>>,
    /// The environment group (`up->egrp`).
    pub egrp: Arc<Egrp<S>>,
    /// The root directory (`up->slash`).
    pub slash: Option<Arc<Chan<S>>>,
    /// The current directory (`up->dot`).
    pub dot: Option<Arc<Chan<S>>>,
    /// The process id (`up->pid`); 0 until the kernel gives one.
    pub pid: u32,
    /// The parent's process id (`up->parentpid`).
    pub parentpid: u32,
    /// The note group (`up->noteid`).
    pub noteid: u32,
}

impl<S: Sched> Up<S> {
    /// A process with an empty name space, no open files and no root,
    /// running as `user`.
    pub fn new(devtab: Arc<Devtab<S>>, user: &str) -> Up<S> {
        Up {
            devtab,
            user: String::from(user),
            pgrp: crate::pgrp::newpgrp(),
            fgrp: crate::pgrp::dupfgrp(None),
            rgrp: crate::pgrp::newrgrp(),
            egrp: crate::devenv::newegrp(),
            slash: None,
            dot: None,
            pid: 0,
            parentpid: 0,
            noteid: 0,
        }
    }
}
