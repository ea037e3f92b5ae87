//! The kernel's memory: xalloc over the physical memory map, and the
//! heap behind Rust's `#[global_allocator]`.
//!
//! No 9front file of its own: the machine half of 9front's
//! `port/xalloc.c` (`xinit`, `xalloc`, `xallocz`, `xspanalloc`, `xfree`,
//! `xsummary`, whose hole table is port/xalloc.rs) and of `port/alloc.c`
//! (`mainmem`, `malloc`/`free` through the pool of port/alloc.rs, and
//! `mallocsummary`). Differences from 9front: `xinit` takes the E820
//! RAM ranges itself (9front's come through `conf.mem` from
//! pc/memory.c): everything from the end of the kernel image (and at
//! least 1 MiB) up to the boot mapping's limit (mem::BOOTMAPPED, 1 GiB)
//! and the limit main.rs sets (two fifths of RAM above 1 MiB, about
//! what 9front's confinit leaves the kernel), in whole pages, goes to
//! xalloc; the rest is the user page pool (mmu.rs's `pageinit`).
//! There is one pool, "Main"; `imagmem` and `secrmem` are not made.

use core::alloc::{GlobalAlloc, Layout};

use port::malloc::{arenasize, bitmapwords, Pool};
use port::xalloc::{Xlists, MAGICHOLE, XHDRSIZE};

use crate::mem::{BOOTMAPPED, BY2PG, MIB};
use crate::memory::{E820, E820RAM};
use crate::mmu;
use crate::taslock::ILock;

static XLISTS: ILock<Xlists> = ILock::new_const(Xlists::new());
static MAINMEM: ILock<Pool<'static>> = ILock::new_const(Pool::new("Main", 512 * MIB));

extern "C" {
    static end: u8;
}

/// Physical address of the end of the kernel image (bss included).
fn kernelend() -> u64 {
    let e = core::ptr::addr_of!(end) as u64;
    mmu::paddr(e).expect("kernel in the KZERO window")
}

/// `xinit`: give xalloc the RAM of `map` above the kernel image and
/// below `limit` (the rest is for user pages, mmu.rs's `pageinit`).
/// Returns the bytes given.
pub fn xinit(map: impl Iterator<Item = E820>, limit: u64) -> u64 {
    let lo = crate::mem::pground(kernelend()).max(MIB);
    let mut x = XLISTS.ilock();
    let mut total = 0;
    for e in map.filter(|e| e.typ == E820RAM) {
        let base = crate::mem::pground(e.base.max(lo));
        let top = e.top.min(BOOTMAPPED).min(limit) & !(BY2PG - 1);
        if top > base {
            match x.xhole(base, top - base) {
                Ok(()) => total += top - base,
                Err(err) => print!("{}\n", err),
            }
        }
    }
    total
}

/// `xallocz`: `size` bytes (zeroed if `zero`), with a header that
/// [`xfree`] checks; `None` when memory is exhausted.
pub fn xallocz(size: u64, zero: bool) -> Option<*mut u8> {
    let n = Xlists::blocksize(size)?;
    let pa = XLISTS.ilock().alloc(n)?;
    let va = mmu::kaddr(pa)? as *mut u8;
    // SAFETY: [pa, pa+n) was a hole: RAM below BOOTMAPPED, mapped at
    // KZERO, owned by no one else now; n >= XHDRSIZE + 8, and pa is
    // 8-aligned (holes are whole pages split in multiples of 8).
    unsafe {
        if zero {
            core::ptr::write_bytes(va, 0, n as usize);
        }
        (va as *mut u32).write(n as u32);
        (va as *mut u32).add(1).write(MAGICHOLE);
        Some(va.add(XHDRSIZE as usize))
    }
}

/// `xalloc`: zeroed memory.
pub fn xalloc(size: u64) -> Option<*mut u8> {
    xallocz(size, true)
}

/// `xfree`: give back a block from [`xallocz`]; panics (as 9front) on a
/// block whose header is not xalloc's.
///
/// # Safety
/// `p` must have come from `xallocz` and not have been freed.
pub unsafe fn xfree(p: *mut u8) {
    // SAFETY: the caller promises a block of xallocz, whose header
    // precedes it.
    let (size, magix) = unsafe {
        let h = p.sub(XHDRSIZE as usize) as *const u32;
        (h.read(), h.add(1).read())
    };
    let va = p as u64 - XHDRSIZE;
    if magix != MAGICHOLE {
        xsummary();
        panic!("xfree({:#x}) {:#x} != {:#x}", p as u64, MAGICHOLE, magix);
    }
    let pa = mmu::paddr(va).expect("xfree: not a KZERO address");
    if let Err(e) = XLISTS.ilock().xhole(pa, size as u64) {
        print!("{}\n", e);
    }
}

/// Give the page at physical `pa` (from [`xspanalloc`]) back to xalloc
/// as a hole.
pub fn xfreepage(pa: u64) {
    if let Err(e) = XLISTS.ilock().xhole(pa, BY2PG) {
        print!("{}\n", e);
    }
}

/// `xspanalloc` (alignment only): never freed.
pub fn xspanalloc(size: u64, align: u64) -> Option<*mut u8> {
    let pa = XLISTS.ilock().spanalloc(size, align)?;
    mmu::kaddr(pa).map(|v| v as *mut u8)
}

/// `xsummary`.
pub fn xsummary() {
    let x = XLISTS.ilock().clone();
    let mut s = Summ;
    let _ = x.summary(&mut s);
}

struct Summ;
impl core::fmt::Write for Summ {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        print!("{}", s);
        Ok(())
    }
}

/// Free bytes in xalloc's holes.
pub fn xfreebytes() -> u64 {
    XLISTS.ilock().free_bytes()
}

/// `mallocsummary`: poolsummary of the pool.
pub fn mallocsummary() {
    let s = MAINMEM.ilock().summary();
    print!("{}\n", s);
}

/// The main pool's (cursize, curfree, curalloc).
pub fn poolstats() -> (u64, u64, u64) {
    let p = MAINMEM.ilock();
    (p.cursize(), p.curfree(), p.curalloc())
}

/// Add to `pool` an arena big enough for `size` bytes aligned to
/// `align`, from xalloc.
fn grow(pool: &mut Pool<'static>, size: u64, align: u64) -> bool {
    let asz = match arenasize(size, align) {
        Some(a) => a,
        None => return false,
    };
    if !pool.cangrow(asz) {
        return false;
    }
    let words = bitmapwords(asz);
    let base = match xspanalloc(asz, asz) {
        Some(b) => b,
        None => return false,
    };
    let bits = match xspanalloc(words as u64 * 8, 8) {
        Some(b) => b as *mut u64,
        None => return false,
    };
    // SAFETY: xspanalloc gave `words` 8-aligned words of RAM mapped at
    // KZERO that no one else owns, for the kernel's lifetime.
    let bits = unsafe { core::slice::from_raw_parts_mut(bits, words) };
    pool.addarena(base as u64, asz, bits)
}

/// The kernel heap: the "Main" pool.
pub struct Mainmem;

// SAFETY: blocks come from the pool, which hands out each byte to one
// block at a time, aligned as asked (buddy blocks are aligned to their
// size, which is at least the alignment), within xalloc'd arenas mapped
// at KZERO; `dealloc` gets back exactly what `alloc` returned with the
// same layout.
unsafe impl GlobalAlloc for Mainmem {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let (size, align) = (layout.size() as u64, layout.align() as u64);
        let mut p = MAINMEM.ilock();
        if let Some(a) = p.alloc(size, align) {
            return a as *mut u8;
        }
        if grow(&mut p, size, align) {
            if let Some(a) = p.alloc(size, align) {
                return a as *mut u8;
            }
        }
        core::ptr::null_mut()
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let r = MAINMEM
            .ilock()
            .free(ptr as u64, layout.size() as u64, layout.align() as u64);
        if let Err(e) = r {
            panic!("free: {}", e);
        }
    }
}

#[global_allocator]
static HEAP: Mainmem = Mainmem;
