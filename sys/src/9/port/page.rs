//! The page pool of 9front's `port/page.c`: `pageinit`, `newpage`,
//! `putpage`, `freepages`, `copypage`, `zeropage`, the image page cache
//! (`cachepage`, `uncachepage`, `lookpage`, `cachedel`, `pagereclaim`)
//! and `ptecpy`'s reference counting.
//!
//! [`Palloc`] is the pool's state (9front's `palloc` under its lock):
//! every user page, with its physical address, reference count,
//! `modref` bits and, for a cached page, the image and disk address it
//! holds; the free list; the cache. It is pure: memory is reached
//! through [`PageMem`] (the kernel's `kmap` of a page), so its tests run
//! on the host. [`Pool`] adds what needs the scheduler: `newpage` waits,
//! as 9front's does, while memory is short (`ispages` false) until
//! `putpage` or `freepages` gives pages back (`pagechaindone`'s wakeup).
//!
//! What differs from 9front:
//! - Pages are named by [`PageId`] (an index into the pool) instead of
//!   `Page*`; images by [`ImageId`]; the cache is a map from (image,
//!   disk address) rather than `Image.pghash` chains, and an image's
//!   `pgref` is counted here.
//! - There is no swap: no `onswap`, `kickpager`, `swapalloc` (the
//!   high-water mark is still 5% of the user pages, as `pageinit` sets
//!   it, and only processes marked `noswap` may take pages below it);
//!   no page colours (NCOLOR is 1 on amd64); no `zeroprivatepages`.
//! - `newpage`'s `Segment **s` dance (drop the segment lock and make the
//!   fault retry) is the caller's: [`Palloc::newpage`] returns `None`
//!   when memory is short and [`Pool::newpage`] waits.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::portfns::{ILock, QLock, Sched};

/// Bytes per page (amd64).
pub const BY2PG: u64 = 4096;

/// `modref` bits.
pub const PG_MOD: u8 = 0x01;
pub const PG_REF: u8 = 0x02;
pub const PG_PRIV: u8 = 0x04;

/// Names a page of a [`Palloc`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PageId(u32);

/// Names an image (a text file's cached pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ImageId(pub u32);

/// A page (9front's `Page`).
#[derive(Debug, Clone)]
pub struct Page {
    /// Physical address.
    pub pa: u64,
    /// The user address it was last allocated for.
    pub va: u64,
    /// References: page tables of segments (and `lookpage` callers).
    pub r#ref: u32,
    pub modref: u8,
    /// The image whose page this is, if cached.
    pub image: Option<ImageId>,
    /// Its offset in the image.
    pub daddr: u64,
    free: bool,
}

/// Reading and writing pages: the kernel maps them (`kmap`).
pub trait PageMem {
    /// `zeropage`.
    fn zero(&mut self, pa: u64);
    /// `copypage`: from `f` to `t`.
    fn copy(&mut self, f: u64, t: u64);
}

/// The pool (9front's `palloc`).
#[derive(Debug)]
pub struct Palloc {
    pages: Vec<Page>,
    free: Vec<PageId>,
    highwater: usize,
    cache: BTreeMap<(ImageId, u64), PageId>,
    pgref: BTreeMap<ImageId, usize>,
}

impl Palloc {
    /// `pageinit`: every page of the banks `(base, npages)`.
    pub fn new(banks: &[(u64, u64)]) -> Palloc {
        let n: u64 = banks.iter().map(|b| b.1).sum();
        let mut pages = Vec::with_capacity(n as usize);
        for &(base, n) in banks {
            for j in 0..n {
                pages.push(Page {
                    pa: base + j * BY2PG,
                    va: 0,
                    r#ref: 0,
                    modref: 0,
                    image: None,
                    daddr: !0,
                    free: true,
                });
            }
        }
        // 9front links the list in address order and takes from the head.
        let free = (0..pages.len() as u32).rev().map(PageId).collect();
        let user = pages.len();
        Palloc {
            pages,
            free,
            highwater: user * 5 / 100,
            cache: BTreeMap::new(),
            pgref: BTreeMap::new(),
        }
    }

    /// `palloc.user`: pages in the pool.
    pub fn user(&self) -> usize {
        self.pages.len()
    }

    /// `palloc.freecount`.
    pub fn freecount(&self) -> usize {
        self.free.len()
    }

    /// `swapalloc.highwater`: pages kept for `noswap` processes.
    pub fn highwater(&self) -> usize {
        self.highwater
    }

    /// `ispages`: whether a process (one that may not swap if `noswap`)
    /// may take a page now.
    pub fn ispages(&self, noswap: bool) -> bool {
        self.free.len() > self.highwater || (noswap && !self.free.is_empty())
    }

    /// The page `p`.
    pub fn page(&self, p: PageId) -> &Page {
        &self.pages[p.0 as usize]
    }

    /// The page `p`, to change its `modref`.
    pub fn page_mut(&mut self, p: PageId) -> &mut Page {
        &mut self.pages[p.0 as usize]
    }

    /// `newpage`: a page for user address `va` with one reference,
    /// zeroed if `clear`; `None` if memory is short (the caller waits
    /// for [`Self::ispages`] and tries again).
    pub fn newpage(
        &mut self,
        mem: &mut dyn PageMem,
        clear: bool,
        va: u64,
        noswap: bool,
    ) -> Option<PageId> {
        if !self.ispages(noswap) {
            return None;
        }
        let id = self.free.pop()?;
        let p = &mut self.pages[id.0 as usize];
        p.free = false;
        p.r#ref = 1;
        p.va = va;
        p.modref = 0;
        if clear {
            mem.zero(p.pa);
        }
        Some(id)
    }

    /// `incref` of a page (`ptecpy`, `lookpage`).
    pub fn incref(&mut self, p: PageId) {
        let pg = &mut self.pages[p.0 as usize];
        assert!(!pg.free, "incref of a free page");
        pg.r#ref += 1;
    }

    /// `freepages` of one page.
    fn freepage(&mut self, id: PageId) {
        let p = &mut self.pages[id.0 as usize];
        p.r#ref = 0;
        p.free = true;
        self.free.push(id);
    }

    /// `putpage`: drop a reference; a page no one refers to goes back
    /// to the free list, unless the image cache holds it (then it stays,
    /// unreferenced, until `pagereclaim` or `uncachepage`). Returns
    /// whether it was freed.
    pub fn putpage(&mut self, id: PageId) -> bool {
        let p = &mut self.pages[id.0 as usize];
        assert!(!p.free && p.r#ref > 0, "putpage of a free page");
        p.r#ref -= 1;
        if p.image.is_some() || p.r#ref > 0 {
            return false;
        }
        self.freepage(id);
        true
    }

    /// `copypage`.
    pub fn copypage(&self, mem: &mut dyn PageMem, f: PageId, t: PageId) {
        mem.copy(self.page(f).pa, self.page(t).pa);
    }

    /// `cachepage`: `p` holds offset `daddr` of `image`.
    pub fn cachepage(&mut self, id: PageId, image: ImageId, daddr: u64) {
        let p = &mut self.pages[id.0 as usize];
        p.image = Some(image);
        p.daddr = daddr;
        if let Some(old) = self.cache.insert((image, daddr), id) {
            // 9front pushes the new page in front of the old on the hash
            // chain; lookpage finds the newer. Forget the older.
            if old != id {
                let o = &mut self.pages[old.0 as usize];
                o.image = None;
                o.daddr = !0;
                if o.r#ref == 0 && !o.free {
                    self.freepage(old);
                }
                return;
            }
        }
        *self.pgref.entry(image).or_insert(0) += 1;
    }

    /// `uncachepage`: take `p` out of its image's cache (freeing it if
    /// nothing refers to it).
    pub fn uncachepage(&mut self, id: PageId) {
        let p = &mut self.pages[id.0 as usize];
        let image = match p.image.take() {
            Some(i) => i,
            None => return,
        };
        let daddr = core::mem::replace(&mut p.daddr, !0);
        let r = p.r#ref;
        if self.cache.get(&(image, daddr)) == Some(&id) {
            self.cache.remove(&(image, daddr));
            if let Some(n) = self.pgref.get_mut(&image) {
                *n -= 1;
            }
        }
        if r == 0 {
            self.freepage(id);
        }
    }

    /// `lookpage`: the cached page for `daddr` of `image`, with a new
    /// reference.
    pub fn lookpage(&mut self, image: ImageId, daddr: u64) -> Option<PageId> {
        let id = *self.cache.get(&(image, daddr))?;
        self.pages[id.0 as usize].r#ref += 1;
        Some(id)
    }

    /// `cachedel`: forget `daddr` of `image`.
    pub fn cachedel(&mut self, image: ImageId, daddr: u64) {
        while let Some(p) = self.lookpage(image, daddr) {
            self.uncachepage(p);
            self.putpage(p);
        }
    }

    /// `pagereclaim`: free the unreferenced cached pages of `image`;
    /// returns how many.
    pub fn pagereclaim(&mut self, image: ImageId) -> usize {
        let ids: Vec<PageId> = self
            .cache
            .range((image, 0)..=(image, u64::MAX))
            .map(|(_, &p)| p)
            .filter(|&p| self.pages[p.0 as usize].r#ref == 0)
            .collect();
        for &p in &ids {
            self.uncachepage(p);
        }
        ids.len()
    }

    /// An image's cached pages (`Image.pgref`).
    pub fn pgref(&self, image: ImageId) -> usize {
        self.pgref.get(&image).copied().unwrap_or(0)
    }

    /// `pageinit`'s report: `NM memory: NM kernel data, NM user, 0M
    /// swap`, given all memory in bytes.
    pub fn summary(&self, memory: u64) -> alloc::string::String {
        let u = self.user() as u64 * BY2PG;
        let mib = 1024 * 1024;
        alloc::format!(
            "{}M memory: {}M kernel data, {}M user, 0M swap",
            memory.div_ceil(mib),
            (memory - u.min(memory)).div_ceil(mib),
            u / mib
        )
    }
}

/// The pool with `newpage`'s waiting (9front's `palloc` with
/// `palloc.pwait`).
pub struct Pool<S: Sched> {
    p: S::Lock<Palloc>,
    /// Serialises the sleepers, as 9front's `Rendezq`.
    q: S::QLock,
    r: S::Rendez,
    waits: core::sync::atomic::AtomicU64,
}

impl<S: Sched> Pool<S> {
    /// A pool over `palloc`.
    pub fn new(palloc: Palloc) -> Self {
        Pool {
            p: S::Lock::new(palloc),
            q: S::QLock::default(),
            r: S::Rendez::default(),
            waits: core::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Times `newpage` had to wait.
    pub fn waits(&self) -> u64 {
        self.waits.load(core::sync::atomic::Ordering::Relaxed)
    }

    /// Wake a process waiting for memory (`pagechaindone`), after pages
    /// were freed through [`Self::with`].
    pub fn kick(&self) {
        S::wakeup(&self.r);
    }

    /// Run `f` with the pool locked.
    pub fn with<R>(&self, f: impl FnOnce(&mut Palloc) -> R) -> R {
        let mut g = self.p.ilock();
        f(&mut g)
    }

    /// Wait until a page may be taken (`ispages`).
    pub fn waitpages(&self, noswap: bool) -> crate::Result<()> {
        self.waits
            .fetch_add(1, core::sync::atomic::Ordering::Relaxed);
        let _q = self.q.qlock();
        S::sleep(&self.r, &mut || self.p.ilock().ispages(noswap))
    }

    /// `newpage`, waiting while memory is short.
    pub fn newpage(&self, mem: &mut dyn PageMem, clear: bool, va: u64, noswap: bool) -> PageId {
        loop {
            if let Some(p) = self.p.ilock().newpage(mem, clear, va, noswap) {
                return p;
            }
            let _ = self.waitpages(noswap);
        }
    }

    /// `putpage`, waking a process waiting for memory (`pagechaindone`)
    /// if the page was freed.
    pub fn putpage(&self, p: PageId) {
        let freed = self.p.ilock().putpage(p);
        if freed {
            S::wakeup(&self.r);
        }
    }

    /// Free pages.
    pub fn freecount(&self) -> usize {
        self.p.ilock().freecount()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    extern crate std;
    use super::*;
    use std::collections::HashMap;

    /// Pages as byte arrays, keyed by physical address.
    #[derive(Default)]
    pub struct Mem(pub HashMap<u64, std::vec::Vec<u8>>);

    impl Mem {
        pub fn get(&self, pa: u64) -> &[u8] {
            self.0.get(&pa).map(|v| &v[..]).unwrap_or(&[0; 4096])
        }
        pub fn put(&mut self, pa: u64, off: usize, b: u8) {
            self.0.entry(pa).or_insert_with(|| std::vec![0xAA; 4096])[off] = b;
        }
    }

    impl PageMem for Mem {
        fn zero(&mut self, pa: u64) {
            self.0.insert(pa, std::vec![0; 4096]);
        }
        fn copy(&mut self, f: u64, t: u64) {
            let v = self.get(f).to_vec();
            self.0.insert(t, v);
        }
    }

    #[test]
    fn newpage_putpage_counts() {
        let mut m = Mem::default();
        let mut p = Palloc::new(&[(0x100000, 40), (0x400000, 60)]);
        assert_eq!(p.user(), 100);
        assert_eq!(p.highwater(), 5, "pageinit: 5% of the user pages");
        let a = p.newpage(&mut m, true, 0x1000, false).unwrap();
        assert_eq!(p.page(a).pa, 0x100000, "lowest address first");
        assert_eq!(p.page(a).r#ref, 1);
        assert!(m.get(0x100000).iter().all(|&b| b == 0), "cleared");
        p.incref(a);
        assert!(!p.putpage(a));
        assert!(p.putpage(a), "the last reference frees it");
        assert_eq!(p.freecount(), 100);
        // Below the high-water mark only noswap processes get pages.
        let mut got = std::vec::Vec::new();
        while let Some(x) = p.newpage(&mut m, false, 0, false) {
            got.push(x);
        }
        assert_eq!(got.len(), 95);
        assert!(!p.ispages(false) && p.ispages(true));
        assert!(p.newpage(&mut m, false, 0, true).is_some());
        for x in got {
            p.putpage(x);
        }
        assert_eq!(p.freecount(), 99);
    }

    #[test]
    #[should_panic(expected = "putpage of a free page")]
    fn putpage_twice_panics() {
        let mut m = Mem::default();
        let mut p = Palloc::new(&[(0, 4)]);
        let a = p.newpage(&mut m, false, 0, true).unwrap();
        p.putpage(a);
        p.putpage(a);
    }

    #[test]
    fn image_cache() {
        let mut m = Mem::default();
        let mut p = Palloc::new(&[(0, 10)]);
        let img = ImageId(7);
        let a = p.newpage(&mut m, false, 0, true).unwrap();
        p.cachepage(a, img, 0x2000);
        assert_eq!(p.pgref(img), 1);
        // A cached page survives its last putpage...
        assert!(!p.putpage(a));
        assert_eq!(p.freecount(), 9);
        // ...and is found again with a new reference.
        assert_eq!(p.lookpage(img, 0x2000), Some(a));
        assert_eq!(p.page(a).r#ref, 1);
        assert_eq!(p.lookpage(img, 0x3000), None);
        assert_eq!(p.pagereclaim(img), 0, "referenced pages stay");
        p.putpage(a);
        assert_eq!(p.pagereclaim(img), 1);
        assert_eq!(p.freecount(), 10);
        assert_eq!(p.pgref(img), 0);
        let b = p.newpage(&mut m, false, 0, true).unwrap();
        p.cachepage(b, img, 0);
        p.cachedel(img, 0);
        assert_eq!(p.page(b).image, None, "cachedel forgets the page");
        assert_eq!(p.page(b).r#ref, 1, "its holder keeps it");
        assert!(p.putpage(b), "no longer cached: the last put frees it");
        assert_eq!(p.freecount(), 10);
    }

    #[test]
    fn pool_newpage_waits_for_putpage() {
        use crate::portfns::host::Host;
        use std::sync::Arc;
        let pool: Arc<Pool<Host>> = Arc::new(Pool::new(Palloc::new(&[(0, 20)])));
        let mut m = Mem::default();
        // Take everything a swapping process may have: 19 (highwater 1).
        let held: std::vec::Vec<PageId> = (0..19)
            .map(|_| pool.newpage(&mut m, false, 0, false))
            .collect();
        let p2 = pool.clone();
        let t = std::thread::spawn(move || {
            let mut m = Mem::default();
            p2.newpage(&mut m, false, 0, false)
        });
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(!t.is_finished(), "newpage waits while memory is short");
        pool.putpage(held[0]);
        let got = t.join().unwrap();
        assert_eq!(got, held[0]);
        assert_eq!(pool.freecount(), 1);
    }

    #[test]
    fn summary_line() {
        let p = Palloc::new(&[(0, 256 * 60)]);
        assert_eq!(
            p.summary(512 * 1024 * 1024),
            "512M memory: 452M kernel data, 60M user, 0M swap"
        );
    }
}
