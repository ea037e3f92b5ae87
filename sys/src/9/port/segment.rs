//! Segments of 9front's `port/segment.c`: `newseg`, `putseg`, `dupseg`
//! (copy-on-write sharing of private segments), `mfreeseg`, `ibrk`,
//! `isoverlap`, `seg` (the segment holding an address), and
//! `segattach`'s checks and hole search.
//!
//! A segment's page map is the pages it has touched, by page index, each
//! holding a reference on its page (9front's `Pte` arrays); `dupseg` of a
//! private segment copies the map and takes a reference on every page
//! (`ptecpy`), so parent and child share the pages until one writes
//! (fault.rs copies a page with more than one reference). Shared, text
//! and physical segments are shared whole: `dupseg` returns the same
//! segment with one more reference.
//!
//! What differs from 9front:
//! - Segments live in an arena ([`Segs`]) named by [`SegId`] with an
//!   explicit reference count (`s->ref`), and a process's segment table
//!   ([`Segtab`]) holds ids; the caller locks the arena (9front locks
//!   each segment with its QLock). The map is a `BTreeMap` from page
//!   index to [`PageId`] rather than `Pte` chunks of PTEPERTAB pages; the
//!   size limit (SEGMAPSIZE*PTEPERTAB pages) is the same.
//! - Errors are `Err(Error)` with 9front's (`Enovmem`, `Esoverlap`,
//!   `Ebadarg`, `Einuse`).
//! - No images yet: a data segment keeps an image id and file range but
//!   nothing loads from them (`data2txt` and `pio` are not ported); no
//!   `segclock`/profiling, no `_globalsegattach`, no `procflushseg`
//!   (the kernel flushes the MMU after `dupseg`, and pc64's uproc.rs
//!   flushes the processes sharing a segment that gave pages back). A
//!   segment's semaphore waiters (`s->sema`) are the kernel's, kept by
//!   segment id (sysproc.rs's `Semalist`). The attachable segments are
//!   [`PHYSSEG`] (`physseg[]`), with no `addphysseg` yet.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::page::{ImageId, PageId, Palloc, BY2PG};
use crate::{Error, Result};

/// `PTEMAPMEM`: memory one Pte chunk maps (amd64).
pub const PTEMAPMEM: u64 = 1024 * 1024;
/// `PTEPERTAB`.
pub const PTEPERTAB: u64 = PTEMAPMEM / BY2PG;
/// `SEGMAPSIZE`.
pub const SEGMAPSIZE: u64 = 65536;
/// `USTKTOP` of amd64: the top of the user address space.
pub const USTKTOP: u64 = 0x0000_7fff_ffff_f000;

/// Segment types (`SG_TYPE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegType {
    Text = 0,
    Data = 1,
    Bss = 2,
    Stack = 3,
    Shared = 4,
    Physical = 5,
    Fixed = 6,
    Sticky = 7,
}

impl SegType {
    fn from_attr(a: u32) -> SegType {
        match a & SG_TYPE {
            0 => SegType::Text,
            1 => SegType::Data,
            2 => SegType::Bss,
            3 => SegType::Stack,
            4 => SegType::Shared,
            5 => SegType::Physical,
            6 => SegType::Fixed,
            _ => SegType::Sticky,
        }
    }
}

/// Attribute bits.
pub const SG_TYPE: u32 = 0o7;
pub const SG_RONLY: u32 = 0o40;
pub const SG_CEXEC: u32 = 0o100;
pub const SG_FAULT: u32 = 0o200;
pub const SG_CACHED: u32 = 0o400;
pub const SG_DEVICE: u32 = 0o1000;
pub const SG_NOEXEC: u32 = 0o2000;

/// A physical segment that `segattach` can attach (`Physseg`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Physseg {
    pub name: &'static str,
    pub attr: u32,
    pub pa: u64,
    pub size: u64,
}

/// `SEGMAXSIZE`: the most a segment can map.
pub const SEGMAXSIZE: u64 = SEGMAPSIZE * PTEMAPMEM;

/// segment.c's `physseg[]`: what `segattach` can attach by name when no
/// driver has added more (`addphysseg`): "shared", zero-filled on demand
/// and shared with children, and "memory", private as a bss.
pub const PHYSSEG: [Physseg; 2] = [
    Physseg {
        name: "shared",
        attr: SegType::Shared as u32,
        pa: 0,
        size: SEGMAXSIZE,
    },
    Physseg {
        name: "memory",
        attr: SegType::Bss as u32,
        pa: 0,
        size: SEGMAXSIZE,
    },
];

/// A segment (9front's `Segment`).
#[derive(Debug, Clone)]
pub struct Segment {
    /// Type and attributes (`s->type`).
    pub attr: u32,
    pub base: u64,
    pub top: u64,
    /// Pages.
    pub size: u64,
    /// `s->ref`.
    pub r#ref: u32,
    /// The pages touched, by index from `base`.
    pub map: BTreeMap<u64, PageId>,
    pub image: Option<ImageId>,
    pub fstart: u64,
    pub flen: u64,
    /// For a physical segment.
    pub pseg: Option<Physseg>,
}

impl Segment {
    /// The type.
    pub fn typ(&self) -> SegType {
        SegType::from_attr(self.attr)
    }
}

/// Names a segment of a [`Segs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SegId(u32);

/// Every segment.
#[derive(Debug, Default)]
pub struct Segs {
    arena: Vec<Option<Segment>>,
}

/// Slots of a process's segment table (`SSEG`, `TSEG`...).
pub const SSEG: usize = 0;
pub const TSEG: usize = 1;
pub const DSEG: usize = 2;
pub const BSEG: usize = 3;
pub const ESEG: usize = 4;
pub const LSEG: usize = 5;
pub const NSEG: usize = 10;

/// A process's segments (`up->seg`).
pub type Segtab = [Option<SegId>; NSEG];

impl Segs {
    /// No segments.
    pub const fn new() -> Self {
        Segs { arena: Vec::new() }
    }

    /// `newseg`: a segment of `size` pages at `base` with attributes
    /// `attr` (type included), one reference.
    pub fn newseg(&mut self, attr: u32, base: u64, size: u64) -> Result<SegId> {
        if size > SEGMAPSIZE * PTEPERTAB {
            return Err(Error::Enovmem);
        }
        let s = Segment {
            attr,
            base,
            top: base + size * BY2PG,
            size,
            r#ref: 1,
            map: BTreeMap::new(),
            image: None,
            fstart: 0,
            flen: 0,
            pseg: None,
        };
        let i = match self.arena.iter().position(Option::is_none) {
            Some(i) => {
                self.arena[i] = Some(s);
                i
            }
            None => {
                self.arena.push(Some(s));
                self.arena.len() - 1
            }
        };
        Ok(SegId(i as u32))
    }

    /// The segment `id`.
    pub fn get(&self, id: SegId) -> &Segment {
        self.arena[id.0 as usize].as_ref().expect("no such segment")
    }

    /// The segment `id`, to change.
    pub fn get_mut(&mut self, id: SegId) -> &mut Segment {
        self.arena[id.0 as usize].as_mut().expect("no such segment")
    }

    /// Segments alive.
    pub fn count(&self) -> usize {
        self.arena.iter().flatten().count()
    }

    /// `incref`.
    pub fn incref(&mut self, id: SegId) {
        self.get_mut(id).r#ref += 1;
    }

    /// `putseg`: drop a reference; the last frees the segment and puts
    /// its pages. Returns whether it was freed.
    pub fn putseg(&mut self, palloc: &mut Palloc, id: SegId) -> bool {
        let s = self.get_mut(id);
        s.r#ref -= 1;
        if s.r#ref > 0 {
            return false;
        }
        let s = self.arena[id.0 as usize].take().expect("segment");
        for (_, p) in s.map {
            palloc.putpage(p);
        }
        true
    }

    /// `dupseg` of slot `segno` of a process for a child (`share`: the
    /// child shares data and bss, as rfork(RFMEM)).
    pub fn dupseg(
        &mut self,
        palloc: &mut Palloc,
        id: SegId,
        segno: usize,
        share: bool,
    ) -> Result<SegId> {
        let s = self.get(id).clone();
        let same = match s.typ() {
            SegType::Text
            | SegType::Shared
            | SegType::Physical
            | SegType::Fixed
            | SegType::Sticky => true,
            SegType::Stack => false,
            SegType::Bss | SegType::Data => share,
        };
        // 9front turns a data segment in the text slot into text
        // (data2txt); without images that is a shared segment.
        if same || (s.typ() == SegType::Data && segno == TSEG) {
            self.incref(id);
            return Ok(id);
        }
        let n = self.newseg(s.attr, s.base, s.size)?;
        let ns = self.get_mut(n);
        if s.typ() == SegType::Data {
            ns.image = s.image;
            ns.fstart = s.fstart;
            ns.flen = s.flen;
        }
        ns.map = s.map.clone();
        for p in s.map.values() {
            palloc.incref(*p);
        }
        Ok(n)
    }

    /// `mfreeseg`: put the pages of `pages` pages from `start`.
    pub fn mfreeseg(&mut self, palloc: &mut Palloc, id: SegId, start: u64, pages: u64) {
        let s = self.get_mut(id);
        let first = (start - s.base) / BY2PG;
        let gone: Vec<u64> = s.map.range(first..first + pages).map(|(&k, _)| k).collect();
        for k in gone {
            if let Some(p) = s.map.remove(&k) {
                palloc.putpage(p);
            }
        }
    }

    /// `isoverlap`: the segment of `tab` overlapping [va, va+len).
    pub fn isoverlap(&self, tab: &Segtab, va: u64, len: u64) -> Option<SegId> {
        let newtop = va.checked_add(len)?;
        tab.iter().flatten().copied().find(|&id| {
            let s = self.get(id);
            newtop > s.base && va < s.top
        })
    }

    /// `seg`: the slot and segment of `tab` holding `addr`.
    pub fn seg(&self, tab: &Segtab, addr: u64) -> Option<(usize, SegId)> {
        tab.iter().enumerate().find_map(|(i, s)| {
            let id = (*s)?;
            let s = self.get(id);
            (addr >= s.base && addr < s.top).then_some((i, id))
        })
    }

    /// `ibrk`: move the end of slot `segno` to `addr` (rounded up to a
    /// page); `addr` 0 asks for the base. Shrinking frees the pages
    /// beyond; a segment shared with others cannot shrink (`Einuse`).
    pub fn ibrk(
        &mut self,
        palloc: &mut Palloc,
        tab: &Segtab,
        addr: u64,
        segno: usize,
    ) -> Result<u64> {
        let id = tab.get(segno).copied().flatten().ok_or(Error::Ebadarg)?;
        let s = self.get(id);
        if addr == 0 {
            return Ok(s.base);
        }
        let mut addr = addr;
        if addr < s.base {
            // The bss may start out overlapping the data.
            let dbase = tab[DSEG].map(|d| self.get(d).base);
            if segno != BSEG || dbase.is_none_or(|b| addr < b) {
                return Err(Error::Enovmem);
            }
            addr = s.base;
        }
        let newtop = addr.checked_add(BY2PG - 1).ok_or(Error::Enovmem)? & !(BY2PG - 1);
        let newsize = (newtop - s.base) / BY2PG;
        if newtop < s.top {
            if s.r#ref > 1 {
                return Err(Error::Einuse);
            }
            let (top, _) = (s.top, ());
            self.mfreeseg(palloc, id, newtop, (top - newtop) / BY2PG);
            let s = self.get_mut(id);
            s.top = newtop;
            s.size = newsize;
            return Ok(0);
        }
        for o in tab.iter().flatten() {
            if *o == id {
                continue;
            }
            let ns = self.get(*o);
            if newtop > ns.base && s.base < ns.top {
                return Err(Error::Esoverlap);
            }
        }
        if newsize > SEGMAPSIZE * PTEPERTAB {
            return Err(Error::Enovmem);
        }
        let s = self.get_mut(id);
        s.top = newtop;
        s.size = newsize;
        Ok(0)
    }

    /// `segattach`: attach physical segment `name` of `physsegs` at `va`
    /// (0: the highest hole below the stack) for `len` bytes, in a free
    /// slot of `tab`; returns the address.
    pub fn segattach(
        &mut self,
        tab: &mut Segtab,
        physsegs: &[Physseg],
        attr: u32,
        name: &str,
        va: u64,
        len: u64,
    ) -> Result<u64> {
        if va != 0 && va >= USTKTOP {
            return Err(Error::Ebadarg);
        }
        let sno = (0..NSEG)
            .find(|&i| tab[i].is_none() && i != ESEG)
            .ok_or(Error::Enovmem)?;
        let len = len
            .checked_add(va & (BY2PG - 1))
            .and_then(|l| l.checked_add(BY2PG - 1))
            .ok_or(Error::Ebadarg)?
            & !(BY2PG - 1);
        if len == 0 {
            return Err(Error::Ebadarg);
        }
        let mut va = va;
        if va == 0 {
            let mut os = tab[SSEG];
            while let Some(o) = os {
                va = self.get(o).base;
                if len >= va {
                    return Err(Error::Enovmem);
                }
                va -= len;
                os = self.isoverlap(tab, va, len);
            }
        }
        va &= !(BY2PG - 1);
        if va == 0 || va.checked_add(len).is_none_or(|e| e > USTKTOP) {
            return Err(Error::Ebadarg);
        }
        if self.isoverlap(tab, va, len).is_some() {
            return Err(Error::Esoverlap);
        }
        let ps = physsegs
            .iter()
            .find(|p| p.name == name)
            .copied()
            .ok_or(Error::Ebadarg)?;
        if len > ps.size {
            return Err(Error::Enovmem);
        }
        let attr = (attr & !(SG_TYPE | SG_CACHED | SG_DEVICE)) | ps.attr;
        let id = self.newseg(attr, va, len / BY2PG)?;
        self.get_mut(id).pseg = Some(ps);
        tab[sno] = Some(id);
        Ok(va)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::tests::Mem;

    const UTZERO: u64 = 0x20_0000;

    fn touch(segs: &mut Segs, pa: &mut Palloc, m: &mut Mem, id: SegId, idx: u64) -> PageId {
        let p = pa.newpage(m, true, 0, true).unwrap();
        segs.get_mut(id).map.insert(idx, p);
        p
    }

    #[test]
    fn newseg_limits_and_types() {
        let mut s = Segs::new();
        let id = s.newseg(SegType::Bss as u32, UTZERO, 16).unwrap();
        let g = s.get(id);
        assert_eq!(
            (g.base, g.top, g.size, g.r#ref),
            (UTZERO, UTZERO + 16 * 4096, 16, 1)
        );
        assert_eq!(g.typ(), SegType::Bss);
        assert_eq!(
            s.newseg(SegType::Bss as u32, 0, SEGMAPSIZE * PTEPERTAB + 1)
                .unwrap_err(),
            Error::Enovmem
        );
    }

    #[test]
    fn dupseg_shares_or_copies_with_references() {
        let mut m = Mem::default();
        let mut pa = Palloc::new(&[(0, 64)]);
        let mut s = Segs::new();
        let bss = s.newseg(SegType::Bss as u32, UTZERO, 8).unwrap();
        let text = s
            .newseg(SegType::Text as u32 | SG_RONLY, 0x1000, 1)
            .unwrap();
        let stk = s.newseg(SegType::Stack as u32, 0x7000_0000, 4).unwrap();
        let p0 = touch(&mut s, &mut pa, &mut m, bss, 0);
        let p3 = touch(&mut s, &mut pa, &mut m, bss, 3);
        touch(&mut s, &mut pa, &mut m, stk, 1);
        // Text is shared: the same segment, one more reference.
        assert_eq!(s.dupseg(&mut pa, text, TSEG, false).unwrap(), text);
        assert_eq!(s.get(text).r#ref, 2);
        // Private bss: a new segment sharing the pages copy-on-write.
        let c = s.dupseg(&mut pa, bss, BSEG, false).unwrap();
        assert_ne!(c, bss);
        assert_eq!(s.get(c).map.get(&0), Some(&p0));
        assert_eq!(pa.page(p0).r#ref, 2);
        assert_eq!(pa.page(p3).r#ref, 2);
        // Shared (RFMEM) bss: the same segment.
        assert_eq!(s.dupseg(&mut pa, bss, BSEG, true).unwrap(), bss);
        assert_eq!(s.get(bss).r#ref, 2);
        // The stack is always copied, even when sharing.
        let cs = s.dupseg(&mut pa, stk, SSEG, true).unwrap();
        assert_ne!(cs, stk);
        // Putting the copies drops the page references again.
        let free0 = pa.freecount();
        assert!(s.putseg(&mut pa, c));
        assert_eq!(pa.page(p0).r#ref, 1);
        assert!(!s.putseg(&mut pa, bss));
        assert!(s.putseg(&mut pa, bss));
        assert_eq!(pa.freecount(), free0 + 2, "the bss pages are free");
        assert!(s.putseg(&mut pa, cs));
        assert!(s.putseg(&mut pa, stk));
        assert_eq!(pa.freecount(), 64);
    }

    #[test]
    fn ibrk_grows_shrinks_and_checks() {
        let mut m = Mem::default();
        let mut pa = Palloc::new(&[(0, 64)]);
        let mut s = Segs::new();
        let mut tab: Segtab = [None; NSEG];
        let d = s.newseg(SegType::Data as u32, UTZERO, 2).unwrap();
        let b = s.newseg(SegType::Bss as u32, UTZERO + 2 * 4096, 2).unwrap();
        let st = s
            .newseg(SegType::Stack as u32, UTZERO + 0x10_0000, 1)
            .unwrap();
        tab[DSEG] = Some(d);
        tab[BSEG] = Some(b);
        tab[SSEG] = Some(st);
        assert_eq!(s.ibrk(&mut pa, &tab, 0, BSEG), Ok(UTZERO + 2 * 4096));
        // Grow to a byte past 6 pages: rounded up to 7.
        assert_eq!(s.ibrk(&mut pa, &tab, UTZERO + 6 * 4096 + 1, BSEG), Ok(0));
        assert_eq!(s.get(b).top, UTZERO + 7 * 4096);
        assert_eq!(s.get(b).size, 5);
        touch(&mut s, &mut pa, &mut m, b, 4);
        touch(&mut s, &mut pa, &mut m, b, 0);
        // Into the stack: Esoverlap.
        assert_eq!(
            s.ibrk(&mut pa, &tab, UTZERO + 0x10_0001, BSEG),
            Err(Error::Esoverlap)
        );
        // Below the data: Enovmem; between data and bss base: the base.
        assert_eq!(s.ibrk(&mut pa, &tab, UTZERO - 1, BSEG), Err(Error::Enovmem));
        assert_eq!(s.ibrk(&mut pa, &tab, UTZERO + 1, BSEG), Ok(0));
        assert_eq!(s.get(b).top, UTZERO + 2 * 4096, "shrunk to its base");
        assert_eq!(pa.freecount(), 64, "the pages beyond were put");
        // A shared segment cannot shrink.
        s.incref(b);
        s.ibrk(&mut pa, &tab, UTZERO + 4 * 4096, BSEG).unwrap();
        assert_eq!(
            s.ibrk(&mut pa, &tab, UTZERO + 3 * 4096, BSEG),
            Err(Error::Einuse)
        );
        assert_eq!(s.ibrk(&mut pa, &tab, 1, LSEG), Err(Error::Ebadarg));
    }

    #[test]
    fn physseg_is_9fronts() {
        // segment.c's physseg[]: "shared" (SG_SHARED) and "memory"
        // (SG_BSS), from physical address 0, each SEGMAXSIZE
        // (SEGMAPSIZE*PTEMAPMEM) long.
        assert_eq!(SEGMAXSIZE, 65536 * 1024 * 1024);
        let names: Vec<(&str, SegType, u64)> = PHYSSEG
            .iter()
            .map(|p| (p.name, SegType::from_attr(p.attr), p.size))
            .collect();
        assert_eq!(
            names,
            [("shared", SegType::Shared, SEGMAXSIZE), ("memory", SegType::Bss, SEGMAXSIZE)]
        );
        // Attaching "memory" makes a bss-like segment: private to a
        // child (dupseg copies it), unlike "shared".
        let mut pa = Palloc::new(&[(0, 8)]);
        let mut s = Segs::new();
        let mut tab: Segtab = [None; NSEG];
        let va = s.segattach(&mut tab, &PHYSSEG, 0, "memory", 0x1000_0000, 4096).unwrap();
        let (slot, id) = s.seg(&tab, va).unwrap();
        assert_eq!(s.get(id).typ(), SegType::Bss);
        assert_ne!(s.dupseg(&mut pa, id, slot, false).unwrap(), id);
        let va = s.segattach(&mut tab, &PHYSSEG, 0, "shared", 0x2000_0000, 4096).unwrap();
        let (slot, id) = s.seg(&tab, va).unwrap();
        assert_eq!(s.dupseg(&mut pa, id, slot, false).unwrap(), id);
    }

    #[test]
    fn segattach_checks_and_finds_holes() {
        let mut s = Segs::new();
        let mut tab: Segtab = [None; NSEG];
        let phys = [Physseg {
            name: "shared",
            attr: SegType::Shared as u32,
            pa: 0,
            size: 16 * 4096,
        }];
        let stk = s
            .newseg(SegType::Stack as u32, USTKTOP - 16 * 1024 * 1024, 4096)
            .unwrap();
        tab[SSEG] = Some(stk);
        assert_eq!(
            s.segattach(&mut tab, &phys, 0, "shared", USTKTOP, 4096),
            Err(Error::Ebadarg)
        );
        assert_eq!(
            s.segattach(&mut tab, &phys, 0, "none", 0x1000_0000, 4096),
            Err(Error::Ebadarg)
        );
        assert_eq!(
            s.segattach(&mut tab, &phys, 0, "shared", 0x1000_0000, 0),
            Err(Error::Ebadarg)
        );
        assert_eq!(
            s.segattach(&mut tab, &phys, 0, "shared", 0x1000_0000, 17 * 4096),
            Err(Error::Enovmem)
        );
        // va 0: just below the stack.
        let va = s
            .segattach(&mut tab, &phys, SG_RONLY, "shared", 0, 4096)
            .unwrap();
        assert_eq!(va, USTKTOP - 16 * 1024 * 1024 - 4096);
        let (slot, id) = s.seg(&tab, va).unwrap();
        assert_eq!(slot, TSEG, "the first free slot");
        assert_eq!(s.get(id).attr, SG_RONLY | SegType::Shared as u32);
        // Then below that one; overlapping an attached one fails.
        let va2 = s.segattach(&mut tab, &phys, 0, "shared", 0, 100).unwrap();
        assert_eq!(va2, va - 4096);
        assert_eq!(
            s.segattach(&mut tab, &phys, 0, "shared", va2 + 5, 1),
            Err(Error::Esoverlap)
        );
        // An unaligned va takes in the page it starts in.
        let va3 = s
            .segattach(&mut tab, &phys, 0, "shared", 0x1000_0010, 4096)
            .unwrap();
        assert_eq!(va3, 0x1000_0000);
        assert_eq!(s.get(s.seg(&tab, va3).unwrap().1).size, 2);
    }
}
