//! Process groups: a port of 9front's `port/pgrp.c`, with the `Pgrp`,
//! `Fgrp`, `Rgrp` and `Mount` structures of `portdat.h`.
//!
//! A [`Pgrp`] is a name space: the mount table, hashed by the qid of the
//! file mounted upon, under the `RWlock` `ns`, and the mask of devices
//! its processes may not attach. [`pgrpcpy`] copies one for rfork's
//! RFNAMEG, keeping the order in which the mounts were made. An [`Fgrp`]
//! is a table of file descriptors ([`dupfgrp`] copies it for RFFDG); the
//! calls that use it (`newfd`, `fdtochan`, `fdclose`) are in
//! [`crate::sysfile`], as in 9front. An [`Rgrp`] is a rendezvous group.
//!
//! What differs from 9front:
//!
//! - Groups are shared with `Arc`; `closepgrp`, `closefgrp` and
//!   `closergrp` are their `Drop`s. `mountfree` and `putmhead` are drops.
//! - The mount table is `MNTHASH` vectors under an `ilock`, taken only
//!   for moments, inside the `ns` lock that orders whole operations; each
//!   mount head's list is likewise in an `ilock` beside its `RWlock`.
//!   Channels are never dropped with either `ilock` held, since a close
//!   may sleep.
//! - `dupfgrp` cannot fail (9front's errors when malloc does).
//! - `forceclosefgrp` takes the table to empty as an argument, where
//!   9front finds it in `up->closingfgrp`.
//! - An `Rgrp`'s hash holds what the rendezvous code puts in it, keyed
//!   by tag (9front's `Proc` chains); the rendezvous itself is sysproc.c's.
//! - `resrcwait` belongs with the scheduler and is not here; `Egrp` is
//!   devenv.c's, in [`crate::devenv`]; [`rforkgrp`] copies or empties it.

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};

use libc::fcall::Qid;

use crate::chan::{ccloseq, newmhead, Chan, Mhead};
use crate::dev::Devtab;
use crate::portdat::{rfork::*, Up, DELTAFD, MNTHASH, RENDHASH};
use crate::portfns::{ILock, Sched};
use crate::qlock::RWlock;
use crate::{Error, Result};

/// One member of a mount list (9front's `Mount`).
pub struct Mount<S: Sched> {
    /// When it was made: ids grow with every mount.
    pub mountid: u64,
    /// The flags it was made with (MCREATE, ...).
    pub mflag: u32,
    /// The channel mounted.
    pub to: Arc<Chan<S>>,
    /// The attach specifier of a mount.
    pub spec: Option<String>,
}

impl<S: Sched> Clone for Mount<S> {
    fn clone(&self) -> Self {
        Mount {
            mountid: self.mountid,
            mflag: self.mflag,
            to: self.to.clone(),
            spec: self.spec.clone(),
        }
    }
}

static NEXTMOUNT: AtomicU64 = AtomicU64::new(0);

/// `nextmount`: the next mount id.
pub fn nextmount() -> u64 {
    NEXTMOUNT.fetch_add(1, Ordering::SeqCst) + 1
}

/// `newmount`: a mount of `to` with `flag`, with a new id.
pub fn newmount<S: Sched>(to: Arc<Chan<S>>, flag: u32, spec: Option<&str>) -> Mount<S> {
    Mount {
        mountid: nextmount(),
        mflag: flag,
        to,
        spec: spec.map(String::from),
    }
}

/// A name space (9front's `Pgrp`).
pub struct Pgrp<S: Sched> {
    /// Orders the operations on the mount table: readers evaluate names,
    /// writers mount and unmount.
    pub ns: RWlock<S>,
    /// Devices that may not be attached, a bit per device table index.
    pub(crate) notallowed: S::Lock<[u64; 4]>,
    pub(crate) mnthash: S::Lock<Vec<Vec<Arc<Mhead<S>>>>>,
}

impl<S: Sched> Pgrp<S> {
    /// `MOUNTH`: the bucket of the mount table for `qid`.
    pub fn hash(&self, qid: Qid) -> usize {
        (qid.path & (MNTHASH as u64 - 1)) as usize
    }

    /// The mask of devices that may not be attached.
    pub fn notallowed(&self) -> [u64; 4] {
        *self.notallowed.ilock()
    }

    /// Every mount head, bucket by bucket (what `/proc/n/ns` walks).
    pub fn mheads(&self) -> Vec<Arc<Mhead<S>>> {
        self.mnthash.ilock().iter().flatten().cloned().collect()
    }
}

/// `newpgrp`: an empty name space.
pub fn newpgrp<S: Sched>() -> Arc<Pgrp<S>> {
    Arc::new(Pgrp {
        ns: RWlock::new(),
        notallowed: S::Lock::new([0; 4]),
        mnthash: S::Lock::new((0..MNTHASH).map(|_| Vec::new()).collect()),
    })
}

impl<S: Sched> Drop for Pgrp<S> {
    /// `closepgrp`: empty every mount head, which channels that read a
    /// union may still hold, and let go of them.
    fn drop(&mut self) {
        let heads: Vec<Vec<Arc<Mhead<S>>>> = core::mem::take(&mut *self.mnthash.ilock());
        for f in heads.into_iter().flatten() {
            let l = f.lock.wlock();
            let m = f.setmounts(Vec::new());
            drop(l);
            drop(m);
        }
    }
}

/// `pgrpcpy`: make `to` (a new, empty name space) a copy of `from`. The
/// copies get new mount ids in the order of the originals', so that the
/// order in which things were mounted survives the copy.
pub fn pgrpcpy<S: Sched>(to: &Pgrp<S>, from: &Pgrp<S>) -> Result<()> {
    let _w = to.ns.wlock()?;
    let _r = from.ns.rlock()?;
    let heads: Vec<Vec<Arc<Mhead<S>>>> = from.mnthash.ilock().clone();
    let mut table: Vec<Vec<Arc<Mhead<S>>>> = Vec::with_capacity(MNTHASH);
    // (old id, bucket, head, member) of every copied mount.
    let mut order = Vec::new();
    let mut lists: Vec<Vec<Vec<Mount<S>>>> = Vec::with_capacity(MNTHASH);
    for (b, bucket) in heads.iter().enumerate() {
        let mut nb = Vec::with_capacity(bucket.len());
        let mut nl = Vec::with_capacity(bucket.len());
        for (h, f) in bucket.iter().enumerate() {
            let _fr = f.lock.rlock()?;
            let mh = newmhead(&f.from);
            let ms = f.mounts();
            for (k, m) in ms.iter().enumerate() {
                order.push((m.mountid, b, h, k));
            }
            nb.push(mh);
            nl.push(ms);
        }
        table.push(nb);
        lists.push(nl);
    }
    order.sort_by_key(|o| o.0);
    for (_, b, h, k) in order {
        lists[b][h][k].mountid = nextmount();
    }
    for (nb, nl) in table.iter().zip(lists) {
        for (mh, ms) in nb.iter().zip(nl) {
            mh.setmounts(ms);
        }
    }
    let old = core::mem::replace(&mut *to.mnthash.ilock(), table);
    drop(_r);
    drop(_w);
    drop(old);
    Ok(())
}

/// A table of file descriptors, under its group's lock.
pub struct Fdtab<S: Sched> {
    /// The channel of each descriptor; the length is 9front's `nfd`.
    pub fd: Vec<Option<Arc<Chan<S>>>>,
    /// Per-descriptor flags (`CCEXEC`).
    pub flag: Vec<u16>,
    /// The highest descriptor in use (0 when none is).
    pub maxfd: usize,
    /// Set when the table grows past a multiple of 100 (a warning).
    pub exceed: usize,
}

/// A file descriptor group (9front's `Fgrp`).
pub struct Fgrp<S: Sched> {
    pub(crate) tab: S::Lock<Fdtab<S>>,
}

impl<S: Sched> Fgrp<S> {
    /// `lock(f)`: the table.
    pub fn lock(&self) -> <S::Lock<Fdtab<S>> as ILock<Fdtab<S>>>::Guard<'_> {
        self.tab.ilock()
    }

    /// The size of the table (`nfd`).
    pub fn nfd(&self) -> usize {
        self.tab.ilock().fd.len()
    }

    /// The highest descriptor in use.
    pub fn maxfd(&self) -> usize {
        self.tab.ilock().maxfd
    }
}

fn fgrpof<S: Sched>(nfd: usize) -> Fdtab<S> {
    Fdtab {
        fd: (0..nfd).map(|_| None).collect(),
        flag: alloc::vec![0; nfd],
        maxfd: 0,
        exceed: 0,
    }
}

/// `dupfgrp`: a copy of `f` (the same channels, with their flags), in a
/// table rounded up to a multiple of `DELTAFD`; with `None`, an empty
/// table of `DELTAFD` slots.
pub fn dupfgrp<S: Sched>(f: Option<&Fgrp<S>>) -> Arc<Fgrp<S>> {
    let Some(f) = f else {
        return Arc::new(Fgrp {
            tab: S::Lock::new(fgrpof(DELTAFD)),
        });
    };
    let t = f.tab.ilock();
    let mut nfd = t.maxfd + 1;
    if nfd % DELTAFD != 0 {
        nfd += DELTAFD - nfd % DELTAFD;
    }
    let mut n = fgrpof(nfd);
    n.maxfd = t.maxfd;
    for i in 0..=t.maxfd.min(t.fd.len().saturating_sub(1)) {
        if let Some(c) = &t.fd[i] {
            n.fd[i] = Some(c.clone());
            n.flag[i] = t.flag[i];
        }
    }
    drop(t);
    Arc::new(Fgrp {
        tab: S::Lock::new(n),
    })
}

impl<S: Sched> Drop for Fgrp<S> {
    /// `closefgrp`: close every descriptor.
    fn drop(&mut self) {
        let fds = core::mem::take(&mut self.tab.ilock().fd);
        drop(fds);
    }
}

/// `forceclosefgrp`: hand every channel still in `f` to the close queue,
/// for a process killed while closing its descriptors.
pub fn forceclosefgrp<S: Sched>(dt: &Devtab<S>, f: &Fgrp<S>) {
    let fds: Vec<Arc<Chan<S>>> = {
        let mut t = f.tab.ilock();
        t.fd.iter_mut().filter_map(Option::take).collect()
    };
    for c in fds {
        ccloseq(dt, c);
    }
}

/// A rendezvous group (9front's `Rgrp`): the processes waiting in
/// `rendezvous` (sysproc.rs), in `RENDHASH` buckets by tag, oldest first.
pub struct Rgrp<S: Sched> {
    pub rendhash: S::Lock<Vec<Vec<Arc<crate::sysproc::Rendwait<S>>>>>,
}

impl<S: Sched> Rgrp<S> {
    /// `REND`: the bucket of `tag`.
    pub fn rend(tag: u64) -> usize {
        (tag & (RENDHASH as u64 - 1)) as usize
    }
}

/// `newrgrp`: an empty rendezvous group.
pub fn newrgrp<S: Sched>() -> Arc<Rgrp<S>> {
    Arc::new(Rgrp {
        rendhash: S::Lock::new((0..RENDHASH).map(|_| Vec::new()).collect()),
    })
}

/// The group part of `sysrfork` (sysproc.c): the name space, descriptors
/// and rendezvous group of a process made with `flag`, or of the caller
/// itself when `flag` lacks RFPROC. RFNAMEG copies the name space, and
/// RFCNAMEG starts an empty one (both keep the device mask); RFFDG copies
/// the descriptors, RFCFDG starts with none; RFREND starts a new
/// rendezvous group; RFENVG copies the environment group (`envcpy`),
/// RFCENVG starts an empty one; RFNOMNT forbids every device but
/// `|decp`. Without those the groups are shared.
pub fn rforkgrp<S: Sched>(up: &Up<S>, flag: u32) -> Result<Up<S>> {
    if flag & (RFFDG | RFCFDG) == (RFFDG | RFCFDG)
        || flag & (RFNAMEG | RFCNAMEG) == (RFNAMEG | RFCNAMEG)
        || flag & (RFENVG | RFCENVG) == (RFENVG | RFCENVG)
    {
        return Err(Error::Ebadarg);
    }
    if flag & RFPROC == 0 && flag & (RFMEM | RFNOWAIT) != 0 {
        return Err(Error::Ebadarg);
    }
    let fgrp = if flag & RFFDG != 0 {
        dupfgrp(Some(&up.fgrp))
    } else if flag & RFCFDG != 0 {
        dupfgrp(None)
    } else {
        up.fgrp.clone()
    };
    let pgrp = if flag & (RFNAMEG | RFCNAMEG) != 0 {
        let p = newpgrp();
        if flag & RFNAMEG != 0 {
            pgrpcpy(&p, &up.pgrp)?;
        }
        *p.notallowed.ilock() = up.pgrp.notallowed();
        p
    } else {
        up.pgrp.clone()
    };
    if flag & RFNOMNT != 0 {
        crate::dev::devmask(&up.devtab, &pgrp, true, "|decp")?;
    }
    let rgrp = if flag & RFREND != 0 {
        newrgrp()
    } else {
        up.rgrp.clone()
    };
    let egrp = if flag & RFENVG != 0 {
        crate::devenv::envcpy(&up.egrp)?
    } else if flag & RFCENVG != 0 {
        crate::devenv::newegrp()
    } else {
        up.egrp.clone()
    };
    Ok(Up {
        devtab: up.devtab.clone(),
        user: up.user.clone(),
        pgrp,
        fgrp,
        rgrp,
        egrp,
        slash: up.slash.clone(),
        dot: up.dot.clone(),
        // The kernel gives the child its pid; the note group is kept
        // unless RFNOTEG (sysrfork's business).
        pid: 0,
        parentpid: up.pid,
        noteid: up.noteid,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chan::closechandeq;
    use crate::portdat::{MAFTER, MBEFORE, MREPL};
    use crate::sysfile::{sysbind, sysclose, sysdup, sysopen, sysread, sysunmount};
    use crate::testdev::*;
    use core::sync::atomic::Ordering as O;
    use libc::fcall::OREAD;

    #[test]
    fn rfork_namespace_copy_is_separate() {
        // fork(2) RFNAMEG: "make a copy of the parent's name space";
        // pgrpcpy. Changes after the copy stay on their side.
        let w = world();
        let up = &w.up;
        sysbind(up, "/b", "/a", MBEFORE).unwrap();
        let child = rforkgrp(up, RFPROC | RFNAMEG).unwrap();
        assert_eq!(ls(&child, "/a"), ["x", "b1", "x", "a1"]);
        sysbind(&child, "/c", "/a", MAFTER).unwrap();
        assert_eq!(ls(&child, "/a"), ["x", "b1", "x", "a1", "c1"]);
        assert_eq!(
            ls(up, "/a"),
            ["x", "b1", "x", "a1"],
            "the child's bind stays there"
        );
        sysunmount(up, None, "/a").unwrap();
        assert_eq!(ls(up, "/a"), ["x", "a1"]);
        assert_eq!(
            ls(&child, "/a"),
            ["x", "b1", "x", "a1", "c1"],
            "and the parent's unmount"
        );
    }

    #[test]
    fn rfork_without_rfnameg_shares() {
        // fork(2): without RFNAMEG or RFCNAMEG the name space is shared;
        // RFCNAMEG starts a clean one.
        let w = world();
        let up = &w.up;
        let child = rforkgrp(up, RFPROC).unwrap();
        assert!(Arc::ptr_eq(&child.pgrp, &up.pgrp));
        sysbind(&child, "/b", "/a", MREPL).unwrap();
        assert_eq!(ls(up, "/a"), ["x", "b1"]);
        let clean = rforkgrp(up, RFPROC | RFCNAMEG).unwrap();
        assert_eq!(ls(&clean, "/a"), ["x", "a1"]);
        assert!(clean.pgrp.mheads().is_empty());
        assert_eq!(rforkgrp(up, RFNAMEG | RFCNAMEG).err(), Some(Error::Ebadarg));
        assert_eq!(rforkgrp(up, RFFDG | RFCFDG).err(), Some(Error::Ebadarg));
        assert_eq!(
            rforkgrp(up, RFMEM).err(),
            Some(Error::Ebadarg),
            "RFMEM needs RFPROC"
        );
    }

    #[test]
    fn pgrpcpy_keeps_mount_order() {
        // pgrpcpy "MUST preserve the mountid allocation order of the
        // parent group": the copies' ids are new but in the same order.
        let w = world();
        let up = &w.up;
        sysbind(up, "/d", "/y", MREPL).unwrap();
        sysbind(up, "/b", "/a", MBEFORE).unwrap();
        sysbind(up, "/c", "/x", MREPL).unwrap();
        sysbind(up, "/c", "/a", MAFTER).unwrap();
        let ids = |pg: &Pgrp<H>| {
            let mut v: Vec<(u64, String, String)> = pg
                .mheads()
                .iter()
                .flat_map(|m| {
                    let from = m.from.path.s.clone();
                    m.mounts()
                        .into_iter()
                        .map(move |mt| (mt.mountid, from.clone(), mt.to.path.s.clone()))
                })
                .collect();
            v.sort();
            v.into_iter().map(|(_, f, t)| (f, t)).collect::<Vec<_>>()
        };
        let child = rforkgrp(up, RFPROC | RFNAMEG).unwrap();
        let before = ids(&up.pgrp);
        assert_eq!(before.len(), 5);
        assert_eq!(ids(&child.pgrp), before);
        let maxold = up
            .pgrp
            .mheads()
            .iter()
            .flat_map(|m| m.mounts())
            .map(|m| m.mountid)
            .max();
        let minnew = child
            .pgrp
            .mheads()
            .iter()
            .flat_map(|m| m.mounts())
            .map(|m| m.mountid)
            .min();
        assert!(minnew > maxold, "the copies get new ids");
        // The devices a process may attach are inherited (sysrfork).
        crate::dev::devmask(&up.devtab, &up.pgrp, false, "Z").unwrap();
        let c2 = rforkgrp(up, RFPROC | RFNAMEG).unwrap();
        assert_eq!(c2.pgrp.notallowed(), up.pgrp.notallowed());
        let c3 = rforkgrp(&w.up, RFPROC | RFNOMNT).unwrap();
        assert!(!crate::dev::devallowed(&c3.devtab, &c3.pgrp, 'Y'));
    }

    #[test]
    fn rffdg_copies_descriptors_sharing_channels() {
        // dupfgrp: the copy has the same channels (and so the same
        // offsets) in the same slots; closing one side's descriptor does
        // not close the other's. Without RFFDG the table is shared.
        let w = world();
        let up = &w.up;
        let fd = sysopen(up, "/b/x", OREAD as u32).unwrap() as i32;
        let child = rforkgrp(up, RFPROC | RFFDG).unwrap();
        assert!(!Arc::ptr_eq(&child.fgrp, &up.fgrp));
        let mut b = [0u8; 8];
        assert_eq!(sysread(up, fd, &mut b).unwrap(), 1);
        assert_eq!(
            sysread(&child, fd, &mut b).unwrap(),
            0,
            "the offset is the channel's"
        );
        sysclose(&child, fd).unwrap();
        assert_eq!(sysclose(&child, fd), Err(Error::Ebadfd));
        let before = w.y.closes.load(O::SeqCst);
        assert!(sysclose(up, fd).is_ok());
        assert_eq!(
            w.y.closes.load(O::SeqCst),
            before + 1,
            "closed with the last descriptor"
        );
        let shared = rforkgrp(up, RFPROC).unwrap();
        let fd = sysopen(&shared, "/b/x", OREAD as u32).unwrap() as i32;
        assert!(up.fgrp.fdtochan(fd, None, false).is_ok());
        let empty = rforkgrp(up, RFPROC | RFCFDG).unwrap();
        assert_eq!(
            empty.fgrp.fdtochan(fd, None, false).err(),
            Some(Error::Ebadfd)
        );
    }

    #[test]
    fn dupfgrp_rounds_the_table() {
        // dupfgrp: the copy's table is maxfd+1 rounded up to DELTAFD.
        let w = world();
        let up = &w.up;
        let fd = sysopen(up, "/f", OREAD as u32).unwrap() as i32;
        assert_eq!(up.fgrp.nfd(), DELTAFD);
        sysdup(up, fd, 23).unwrap();
        assert_eq!(up.fgrp.nfd(), 2 * DELTAFD);
        assert_eq!(up.fgrp.maxfd(), 23);
        assert_eq!(dupfgrp(Some(&up.fgrp)).nfd(), 2 * DELTAFD);
        sysclose(up, 23).unwrap();
        assert_eq!(up.fgrp.maxfd(), 0);
        assert_eq!(dupfgrp(Some(&up.fgrp)).nfd(), DELTAFD);
        assert_eq!(dupfgrp::<H>(None).nfd(), DELTAFD);
    }

    #[test]
    fn forceclosefgrp_queues_the_channels() {
        // forceclosefgrp hands the channels to the close queue; they are
        // closed when the close process takes them.
        let w = world();
        let up = &w.up;
        let fd = sysopen(up, "#Z/a", OREAD as u32).unwrap() as i32;
        let fd2 = sysdup(up, fd, -1).unwrap();
        assert_eq!(fd2, 1);
        let before = w.z.closes.load(O::SeqCst);
        forceclosefgrp(&up.devtab, &up.fgrp);
        assert_eq!(w.z.closes.load(O::SeqCst), before);
        let c = closechandeq(&up.devtab).expect("queued once, at its last reference");
        assert!(closechandeq(&up.devtab).is_none());
        drop(c);
        assert_eq!(w.z.closes.load(O::SeqCst), before + 1);
        assert_eq!(up.fgrp.fdtochan(fd, None, false).err(), Some(Error::Ebadfd));
    }

    #[test]
    fn shared_name_space_under_concurrent_binds() {
        // Processes sharing a Pgrp see each bind and unmount whole: the
        // ns RWlock orders them against name evaluation (chan.c's
        // cmount/cunmount take it to write, findmount to read).
        extern crate std;
        use std::thread;
        let w = world();
        let up = &w.up;
        let a = rforkgrp(up, RFPROC).unwrap();
        let b = rforkgrp(up, RFPROC).unwrap();
        let c = rforkgrp(up, RFPROC).unwrap();
        thread::scope(|s| {
            s.spawn(move || {
                for _ in 0..200 {
                    sysbind(&a, "/c", "/a", MAFTER).unwrap();
                    sysunmount(&a, Some("/c"), "/a").unwrap();
                }
            });
            s.spawn(move || {
                for _ in 0..200 {
                    sysbind(&b, "/d", "/y", MREPL).unwrap();
                    sysunmount(&b, None, "/y").unwrap();
                }
            });
            s.spawn(move || {
                for _ in 0..200 {
                    let l = ls(&c, "/a");
                    assert!(l == ["x", "a1"] || l == ["x", "a1", "c1"], "{l:?}");
                    let y = ls(&c, "/y");
                    assert!(y.is_empty() || y == ["d1"], "{y:?}");
                }
            });
        });
        assert!(up.pgrp.mheads().iter().all(|m| m.nmount() > 0));
        assert_eq!(ls(up, "/a"), ["x", "a1"]);
    }

    #[test]
    fn rfrend_makes_a_new_rendezvous_group() {
        // sysrfork: RFREND gives a new Rgrp, else it is shared.
        let w = world();
        let up = &w.up;
        let a = rforkgrp(up, RFPROC).unwrap();
        assert!(Arc::ptr_eq(&a.rgrp, &up.rgrp));
        let b = rforkgrp(up, RFPROC | RFREND).unwrap();
        assert!(!Arc::ptr_eq(&b.rgrp, &up.rgrp));
        assert_eq!(Rgrp::<H>::rend(33), 1);
        b.rgrp.rendhash.ilock()[Rgrp::<H>::rend(33)]
            .push(Arc::new(crate::sysproc::Rendwait::new(33, 1)));
        assert!(up.rgrp.rendhash.ilock()[1].is_empty());
    }
}
