//! Resolving a page fault: 9front's `port/fault.c` (`fault`,
//! `fixfault`).
//!
//! [`fault`] finds the segment of the faulting address, refuses a write
//! to a read-only segment, and [`fixfault`] makes the page present as
//! 9front does: zero-filled on first touch in bss, shared and stack
//! segments (demand zero); on a write to a page that has other
//! references (after `dupseg`) or belongs to an image's cache, a private
//! copy (copy on write); on a read of such a page, the page itself
//! mapped read-only, unless `copymode` (9front sets `conf.copymode` on
//! multiprocessors) or the segment is shared by several processes, in
//! which case the copy is made at once; physical segments map their
//! physical memory. The result is what `putmmu` should map.
//!
//! What differs from 9front: pure, over [`Segs`] and [`Palloc`] (the
//! kernel locks them, makes the mapping and flushes); when memory is
//! short it returns [`Fault::Nomem`] and the kernel waits for pages and
//! tries again (9front's `newpage` sleeps with the segment unlocked and
//! makes `fault` retry the same way). No images: a missing text page is
//! [`Fault::Nopage`] (9front's `pio` would read it), and a missing data
//! page is zero-filled. No `SG_FAULT` (`segflush`), no profiling, no
//! `notes` (the caller posts "sys: trap: fault read addr=...").

use crate::page::{PageMem, Palloc, BY2PG, PG_MOD, PG_REF};
use crate::segment::{SegId, SegType, Segs, Segtab, SG_RONLY};

/// What to map: the page's physical address and whether writable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fix {
    pub va: u64,
    pub pa: u64,
    pub write: bool,
}

/// Why a fault could not be resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// No segment holds the address.
    Noseg,
    /// A write to a read-only segment.
    Ronly,
    /// No memory now: wait for pages and try again.
    Nomem,
    /// A text page that would have to be read from its image.
    Nopage,
}

/// `fault`: resolve a fault at `addr` (a read if `read`) in the address
/// space `tab`.
pub fn fault(
    segs: &mut Segs,
    tab: &Segtab,
    palloc: &mut Palloc,
    mem: &mut dyn PageMem,
    addr: u64,
    read: bool,
    copymode: bool,
) -> Result<Fix, Fault> {
    let (_, id) = segs.seg(tab, addr).ok_or(Fault::Noseg)?;
    if !read && segs.get(id).attr & SG_RONLY != 0 {
        return Err(Fault::Ronly);
    }
    fixfault(segs, id, palloc, mem, addr, read, copymode)
}

/// `fixfault`.
pub fn fixfault(
    segs: &mut Segs,
    id: SegId,
    palloc: &mut Palloc,
    mem: &mut dyn PageMem,
    addr: u64,
    read: bool,
    copymode: bool,
) -> Result<Fix, Fault> {
    let addr = addr & !(BY2PG - 1);
    let s = segs.get_mut(id);
    let idx = (addr - s.base) / BY2PG;
    let sref = s.r#ref;
    match s.typ() {
        SegType::Physical => {
            let ps = s.pseg.ok_or(Fault::Nopage)?;
            return Ok(Fix {
                va: addr,
                pa: ps.pa + (addr - s.base),
                write: s.attr & SG_RONLY == 0,
            });
        }
        SegType::Text => {
            let p = *s.map.get(&idx).ok_or(Fault::Nopage)?;
            palloc.page_mut(p).modref = PG_REF;
            return Ok(Fix {
                va: addr,
                pa: palloc.page(p).pa,
                write: false,
            });
        }
        SegType::Bss | SegType::Shared | SegType::Stack | SegType::Data => {
            if let alloc::collections::btree_map::Entry::Vacant(e) = s.map.entry(idx) {
                let p = palloc.newpage(mem, true, addr, false).ok_or(Fault::Nomem)?;
                e.insert(p);
            }
        }
        SegType::Fixed | SegType::Sticky => {}
    }
    let old = *s.map.get(&idx).ok_or(Fault::Nopage)?;
    if matches!(
        s.typ(),
        SegType::Bss | SegType::Shared | SegType::Stack | SegType::Data
    ) {
        if read && !copymode && sref == 1 {
            palloc.page_mut(old).modref |= PG_REF;
            return Ok(Fix {
                va: addr,
                pa: palloc.page(old).pa,
                write: false,
            });
        }
        let pg = palloc.page(old);
        if pg.r#ref > 1 || pg.image.is_some() {
            let new = palloc
                .newpage(mem, false, addr, false)
                .ok_or(Fault::Nomem)?;
            palloc.copypage(mem, old, new);
            palloc.putpage(old);
            s.map.insert(idx, new);
        }
    }
    let p = s.map[&idx];
    palloc.page_mut(p).modref |= PG_MOD | PG_REF;
    Ok(Fix {
        va: addr,
        pa: palloc.page(p).pa,
        write: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::tests::Mem;
    use crate::segment::{Physseg, BSEG, DSEG, NSEG, SSEG, TSEG};

    const U: u64 = 0x20_0000;

    struct World {
        m: Mem,
        pa: Palloc,
        segs: Segs,
        tab: Segtab,
    }

    fn world() -> World {
        let mut segs = Segs::new();
        let mut tab: Segtab = [None; NSEG];
        tab[TSEG] = Some(segs.newseg(SegType::Text as u32 | SG_RONLY, U, 1).unwrap());
        tab[DSEG] = Some(segs.newseg(SegType::Data as u32, U + 0x1000, 1).unwrap());
        tab[BSEG] = Some(segs.newseg(SegType::Bss as u32, U + 0x2000, 4).unwrap());
        tab[SSEG] = Some(
            segs.newseg(SegType::Stack as u32, 0x7fff_0000_0000, 2)
                .unwrap(),
        );
        World {
            m: Mem::default(),
            pa: Palloc::new(&[(0x100_0000, 32)]),
            segs,
            tab,
        }
    }

    impl World {
        fn f(&mut self, addr: u64, read: bool) -> Result<Fix, Fault> {
            fault(
                &mut self.segs,
                &self.tab,
                &mut self.pa,
                &mut self.m,
                addr,
                read,
                false,
            )
        }
    }

    #[test]
    fn demand_zero_then_writable() {
        let mut w = world();
        w.m.put(0x100_0000, 0, 0x55); // stale contents of the first page
        let fx = w.f(U + 0x2010, false).unwrap();
        assert_eq!(
            fx,
            Fix {
                va: U + 0x2000,
                pa: 0x100_0000,
                write: true
            }
        );
        assert!(w.m.get(fx.pa).iter().all(|&b| b == 0), "zero filled");
        // The same page again: no new page.
        let again = w.f(U + 0x2ff0, false).unwrap();
        assert_eq!(again.pa, fx.pa);
        assert_eq!(w.pa.freecount(), 31);
        // A first read of an untouched bss page: zeroed and, with the
        // segment unshared and copymode off, mapped read-only.
        let r = w.f(U + 0x3000, true).unwrap();
        assert!(!r.write);
        assert_eq!(
            w.pa.page(w.segs.get(w.tab[BSEG].unwrap()).map[&1]).modref & PG_MOD,
            0
        );
    }

    #[test]
    fn errors() {
        let mut w = world();
        assert_eq!(w.f(U + 0x100_0000, true), Err(Fault::Noseg));
        assert_eq!(w.f(U, false), Err(Fault::Ronly), "text is read-only");
        assert_eq!(
            w.f(U, true),
            Err(Fault::Nopage),
            "no image to load text from"
        );
        // Out of pages: Nomem, and nothing is left half done.
        let mut w = world();
        w.pa = Palloc::new(&[(0, 0)]);
        assert_eq!(w.f(U + 0x2000, false), Err(Fault::Nomem));
        assert!(w.segs.get(w.tab[BSEG].unwrap()).map.is_empty());
    }

    #[test]
    fn copy_on_write_after_dupseg() {
        let mut w = world();
        let b = w.tab[BSEG].unwrap();
        let parent = w.f(U + 0x2000, false).unwrap();
        w.m.put(parent.pa, 7, 42);
        // fork: the child's bss shares the page.
        let c = w.segs.dupseg(&mut w.pa, b, BSEG, false).unwrap();
        let mut ctab = w.tab;
        ctab[BSEG] = Some(c);
        let p = w.segs.get(b).map[&0];
        assert_eq!(w.pa.page(p).r#ref, 2);
        // A read by the child maps the shared page read-only.
        let r = fault(
            &mut w.segs,
            &ctab,
            &mut w.pa,
            &mut w.m,
            U + 0x2000,
            true,
            false,
        )
        .unwrap();
        assert_eq!((r.pa, r.write), (parent.pa, false));
        // A write by the child copies it.
        let cw = fault(
            &mut w.segs,
            &ctab,
            &mut w.pa,
            &mut w.m,
            U + 0x2000,
            false,
            false,
        )
        .unwrap();
        assert!(cw.write);
        assert_ne!(cw.pa, parent.pa);
        assert_eq!(w.m.get(cw.pa)[7], 42, "the copy has the contents");
        assert_eq!(w.pa.page(p).r#ref, 1, "the child let go of the original");
        w.m.put(cw.pa, 7, 43);
        assert_eq!(w.m.get(parent.pa)[7], 42, "the parent's page is unchanged");
        // Now the parent is the only user: its write needs no copy.
        let pw = w.f(U + 0x2000, false).unwrap();
        assert_eq!(pw.pa, parent.pa);
        assert_eq!(w.pa.freecount(), 30);
    }

    #[test]
    fn copymode_copies_on_reference() {
        // With conf.copymode (9front sets it on multiprocessors) a read
        // of a shared page also takes a private copy.
        let mut w = world();
        let b = w.tab[BSEG].unwrap();
        let parent = w.f(U + 0x2000, false).unwrap();
        let c = w.segs.dupseg(&mut w.pa, b, BSEG, false).unwrap();
        let mut ctab = w.tab;
        ctab[BSEG] = Some(c);
        let r = fault(
            &mut w.segs,
            &ctab,
            &mut w.pa,
            &mut w.m,
            U + 0x2000,
            true,
            true,
        )
        .unwrap();
        assert!(r.write);
        assert_ne!(r.pa, parent.pa);
    }

    #[test]
    fn physical_segments_map_their_memory() {
        let mut w = world();
        let phys = [Physseg {
            name: "fb",
            attr: SegType::Physical as u32,
            pa: 0xfd00_0000,
            size: 0x10000,
        }];
        let va = w
            .segs
            .segattach(&mut w.tab, &phys, 0, "fb", 0x1000_0000, 0x2000)
            .unwrap();
        let fx = w.f(va + 0x1234, false).unwrap();
        assert_eq!(
            fx,
            Fix {
                va: va + 0x1000,
                pa: 0xfd00_1000,
                write: true
            }
        );
        assert_eq!(w.pa.freecount(), 32, "no page used");
    }
}
