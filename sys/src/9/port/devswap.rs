//! The swap device `#¶`: a port of 9front's `port/devswap.c`, the part
//! that reports memory (`swap`).
//!
//! `#¶/swap` reads as nine lines of memory figures in 9front's format:
//! total memory and page size in bytes, kernel pages, user pages in use
//! out of the user pool, swap and reclaimable pages, then the kernel's
//! malloc, draw and secret pools (current/size/maximum bytes). The
//! figures come from the kernel through [`SwapHost`].
//!
//! What differs: planten has no swapping (no pager, no swap image, no
//! `swapfile` encryption): `swapfile` cannot be opened (9front's error
//! when no swap channel is set, "the front fell off"), a write of
//! `start` does nothing, and a write of a descriptor number is refused
//! with "bad process or channel control request" rather than setting a
//! swap channel. The draw and secret pools read as zeros.

use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;

use libc::fcall::{Qid, DMDIR, QTDIR};

use crate::chan::Chan;
use crate::dev::*;
use crate::devcons::readstr;
use crate::portdat::Up;
use crate::portfns::Sched;
use crate::{Error, Result};

/// Memory figures, as 9front's `conf`, `palloc` and pools hold them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meminfo {
    /// `conf.npage`: pages of memory.
    pub npage: u64,
    /// `BY2PG`.
    pub pagesize: u64,
    /// `conf.npage - conf.upages`: pages the kernel keeps.
    pub kpages: u64,
    /// `palloc.user - palloc.freecount - reclaim`: user pages in use.
    pub userused: u64,
    /// `palloc.user`: the user page pool.
    pub user: u64,
    /// `conf.nswap - swapalloc.free`, `conf.nswap`.
    pub swapused: u64,
    pub nswap: u64,
    /// Pages that could be reclaimed (cached images).
    pub reclaim: u64,
    /// The kernel's malloc pool: bytes allocated, pool size, maximum.
    pub malloc: [u64; 3],
}

/// What `#¶` needs from the kernel.
pub trait SwapHost: Send + Sync {
    /// The figures now.
    fn meminfo(&self) -> Meminfo;
}

const QDIR: u64 = 0;
const QSWAP: u64 = 1;
const QSWAPFILE: u64 = 2;

const fn q(path: u64, typ: u8) -> Qid {
    Qid { path, vers: 0, typ }
}

/// `swapdir`.
const SWAPDIR: &[Dirtab] = &[
    Dirtab::new(".", q(QDIR, QTDIR), 0, DMDIR | 0o555),
    Dirtab::new("swap", q(QSWAP, 0), 0, 0o664),
    Dirtab::new("swapfile", q(QSWAPFILE, 0), 0, 0o600),
];

/// The text of `swap`.
pub fn swaptext(m: &Meminfo) -> String {
    format!(
        "{} memory\n{} pagesize\n{} kernel\n{}/{} user\n{}/{} swap\n{}/{} reclaim\n{}/{}/{} kernel malloc\n0/0/0 kernel draw\n0/0/0 kernel secret\n",
        m.npage * m.pagesize,
        m.pagesize,
        m.kpages,
        m.userused,
        m.user,
        m.swapused,
        m.nswap,
        m.reclaim,
        m.user,
        m.malloc[0],
        m.malloc[1],
        m.malloc[2]
    )
}

/// The `#¶` device.
pub struct DevSwap {
    host: Arc<dyn SwapHost>,
}

impl DevSwap {
    /// The device over the kernel's figures.
    pub fn new(host: Arc<dyn SwapHost>) -> DevSwap {
        DevSwap { host }
    }
}

fn iseve<S: Sched>(up: &Up<S>) -> bool {
    up.user == up.devtab.eve
}

impl<S: Sched> Dev<S> for DevSwap {
    fn dc(&self) -> char {
        '¶'
    }
    fn name(&self) -> &str {
        "swap"
    }
    fn attach(&self, up: &Up<S>, spec: &str) -> Result<Chan<S>> {
        devattach(up, '¶', spec)
    }
    fn walk(&self, up: &Up<S>, c: &Chan<S>, names: &[&str]) -> Result<Walkqid<S>> {
        devwalk(up, c, names, SWAPDIR, None)
    }
    fn stat(&self, up: &Up<S>, c: &Chan<S>, db: &mut [u8]) -> Result<usize> {
        devstat(up, c, db, SWAPDIR, None)
    }
    fn open(&self, up: &Up<S>, c: Chan<S>, omode: u32) -> Result<Arc<Chan<S>>> {
        if c.qid.path == QSWAPFILE {
            // No swap channel is ever set (swapopen's Egreg), after the
            // checks 9front makes first.
            if !iseve(up) || omode & 3 != libc::fcall::ORDWR as u32 {
                return Err(Error::Eperm);
            }
            return Err(Error::Egreg);
        }
        devopen(up, c, omode, SWAPDIR, None)
    }
    fn close(&self, _c: &mut Chan<S>) {}
    fn read(&self, up: &Up<S>, c: &Chan<S>, buf: &mut [u8], off: i64) -> Result<usize> {
        match c.qid.path {
            QDIR => devdirread(up, c, buf, SWAPDIR, None),
            QSWAP => Ok(readstr(off as u64, buf, &swaptext(&self.host.meminfo()))),
            _ => Err(Error::Egreg),
        }
    }
    fn write(&self, up: &Up<S>, c: &Chan<S>, buf: &[u8], _off: i64) -> Result<usize> {
        match c.qid.path {
            QSWAP => {
                if !iseve(up) {
                    return Err(Error::Eperm);
                }
                if buf.len() >= 256 {
                    return Err(Error::Egreg);
                }
                if buf.starts_with(b"start") {
                    // kickpager: there is no pager.
                    Ok(buf.len())
                } else {
                    Err(Error::Ebadctl)
                }
            }
            _ => Err(Error::Egreg),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chan::setroot;
    use crate::sysfile::{sysopen, syspread, syswrite};
    use crate::testdev::*;
    use alloc::vec::Vec;
    use libc::fcall::{OREAD, ORDWR, OWRITE};

    struct Fixed;
    impl SwapHost for Fixed {
        fn meminfo(&self) -> Meminfo {
            Meminfo {
                npage: 131072,
                pagesize: 4096,
                kpages: 52736,
                userused: 1200,
                user: 78336,
                swapused: 0,
                nswap: 0,
                reclaim: 0,
                malloc: [1000, 2000, 3000],
            }
        }
    }

    fn swapworld(user: &str) -> World {
        let mut w = world();
        let devs: Vec<Arc<dyn Dev<H>>> =
            alloc::vec![w.y.clone(), w.z.clone(), Arc::new(DevSwap::new(Arc::new(Fixed)))];
        let mut up = Up::new(Arc::new(Devtab::new(EVE, devs).unwrap()), user);
        setroot(&mut up, "#Yroot").unwrap();
        w.up = up;
        w
    }

    fn readall(up: &Up<H>, name: &str) -> String {
        let fd = sysopen(up, name, OREAD as u32).unwrap() as i32;
        let mut b = [0u8; 1024];
        let n = syspread(up, fd, &mut b, 0).unwrap();
        String::from_utf8(b[..n].to_vec()).unwrap()
    }

    #[test]
    fn swap_reads_as_devswap_c_prints_it() {
        // swapread's nine lines: bytes of memory, page size, kernel
        // pages, used/total user pages, swap, reclaim/user, then the
        // three pools' curalloc/cursize/maxsize.
        let w = swapworld(USER);
        assert_eq!(
            readall(&w.up, "#¶/swap"),
            "536870912 memory\n4096 pagesize\n52736 kernel\n1200/78336 user\n0/0 swap\n0/78336 reclaim\n1000/2000/3000 kernel malloc\n0/0/0 kernel draw\n0/0/0 kernel secret\n"
        );
        // readstr: an offset into the text.
        let fd = sysopen(&w.up, "#¶/swap", OREAD as u32).unwrap() as i32;
        let mut b = [0u8; 8];
        let n = syspread(&w.up, fd, &mut b, 10).unwrap();
        assert_eq!(&b[..n], b"memory\n4");
    }

    #[test]
    fn only_eve_writes_and_swapfile_needs_a_swap_channel() {
        let w = swapworld(USER);
        let fd = sysopen(&w.up, "#¶/swap", OWRITE as u32);
        // 0664 and owned by eve: glenda (not eve) may not write.
        // (namec names the file in an open's error.)
        assert_eq!(err(fd), "permission denied: '#¶/swap'");
        assert_eq!(err(sysopen(&w.up, "#¶/swapfile", ORDWR as u32)), "permission denied: '#¶/swapfile'");
        let w = swapworld(EVE);
        let fd = sysopen(&w.up, "#¶/swap", OWRITE as u32).unwrap() as i32;
        assert_eq!(syswrite(&w.up, fd, b"start").unwrap(), 5);
        assert_eq!(err(syswrite(&w.up, fd, b"bogus")), "bad process or channel control request");
        assert_eq!(err(sysopen(&w.up, "#¶/swapfile", OREAD as u32)), "permission denied: '#¶/swapfile'");
        assert_eq!(err(sysopen(&w.up, "#¶/swapfile", ORDWR as u32)), "the front fell off: '#¶/swapfile'");
    }

    #[test]
    fn the_directory_lists_swap_and_swapfile() {
        let w = swapworld(USER);
        let names: Vec<String> = lsn(&w.up, "#¶", 512).unwrap().into_iter().map(|d| d.name.to_string()).collect();
        assert_eq!(names, ["swap", "swapfile"]);
    }
}
