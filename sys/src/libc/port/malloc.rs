//! The memory allocator of planten's native programs: a partial port of
//! 9front's `sys/src/libc/port/malloc.c`, the `malloc`/`free`/`realloc`
//! that every 9front program gets, over the break (`9sys/sbrk.rs`).
//!
//! 9front's malloc hands requests to the pool library (`port/pool.c`,
//! pool(2)): a best-fit allocator over arenas got with `sbrk`, with block
//! tags, a tree of free blocks and checking. Here the same job, for Rust's
//! `GlobalAlloc`, is done more simply:
//!
//! - requests of up to 2048 bytes (size and alignment rounded up to a
//!   power of two, at least 16) come from per-size free lists, refilled
//!   by carving 64 KiB chunks; a block of size 2^k is aligned to 2^k;
//! - larger requests are whole pages (4096 bytes), taken first-fit from a
//!   free list of page spans kept sorted by address, split as needed and
//!   merged with their neighbours when freed;
//! - the heap grows by at least 256 KiB at a time with `sbrk`, page
//!   aligned, so successive growths merge into one span.
//!
//! What falls short of 9front: no pool(2) interface (`poolcheck`,
//! `setmalloctag`, `mallocsummary`), no `malloc`/`free` with C ABI, small
//! blocks are never returned to the page lists, memory is never given back
//! with `brk`, and a failed allocation ends in Rust's allocation-failure
//! panic instead of a nil return. Procs made with `rfork(RFMEM)` share the
//! heap; the lock is a spin lock that gives up the processor
//! (`sleep(0)`) while it waits, as 9front's `lock` does.
#![allow(unsafe_code)]

use core::alloc::{GlobalAlloc, Layout};
use core::ptr::null_mut;

/// Page size: the granule of large blocks and of growth.
pub const PAGE: usize = 4096;
/// The largest small block.
pub const MAXSMALL: usize = 2048;
/// Small classes: 16, 32, ..., 2048 bytes.
const NCLASS: usize = 8;
/// What a small class takes from the page lists when it runs out.
const CHUNK: usize = 64 * 1024;
/// The least the heap grows by.
const GROW: usize = 256 * 1024;

/// Where a heap gets memory from.
pub trait Core {
    /// `n` (a multiple of PAGE) more bytes, page aligned; `None` when
    /// there is no more.
    fn more(&mut self, n: usize) -> Option<*mut u8>;
}

/// A free small block: the link to the next one of its class.
struct Free {
    next: *mut Free,
}

/// A free span of pages: its size and the next span above it.
struct Span {
    size: usize,
    next: *mut Span,
}

/// The allocator's state.
pub struct Heap<C: Core> {
    small: [*mut Free; NCLASS],
    spans: *mut Span,
    core: C,
}

// SAFETY: the raw pointers are to memory the heap owns; it is used under
// a lock (see Malloc).
unsafe impl<C: Core + Send> Send for Heap<C> {}

fn roundup(n: usize, a: usize) -> usize {
    (n + a - 1) & !(a - 1)
}

/// Where a layout is served from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Bucket {
    /// A small class (block size 16 << class).
    Small(usize),
    /// Whole pages: the byte count, and the alignment.
    Large(usize, usize),
}

fn bucket(l: Layout) -> Bucket {
    let size = l.size().max(l.align()).max(16);
    if size <= MAXSMALL {
        let s = size.next_power_of_two();
        Bucket::Small(s.trailing_zeros() as usize - 4)
    } else {
        Bucket::Large(roundup(size, PAGE), l.align().max(PAGE))
    }
}

impl<C: Core> Heap<C> {
    pub const fn new(core: C) -> Heap<C> {
        Heap { small: [null_mut(); NCLASS], spans: null_mut(), core }
    }

    /// Allocates for `l`; null when memory is exhausted.
    pub fn alloc(&mut self, l: Layout) -> *mut u8 {
        match bucket(l) {
            Bucket::Small(c) => {
                if self.small[c].is_null() && !self.refill(c) {
                    return null_mut();
                }
                let b = self.small[c];
                // SAFETY: a block on a free list holds its link.
                self.small[c] = unsafe { (*b).next };
                b.cast()
            }
            Bucket::Large(n, a) => self.pages(n, a),
        }
    }

    /// Frees what [`alloc`](Self::alloc) gave for `l`.
    ///
    /// # Safety
    /// `p` must have come from this heap's `alloc` with the same layout,
    /// and not be freed already.
    pub unsafe fn free(&mut self, p: *mut u8, l: Layout) {
        match bucket(l) {
            Bucket::Small(c) => {
                let b = p as *mut Free;
                // SAFETY: the block is ours again, and at least 16 bytes.
                unsafe { b.write(Free { next: self.small[c] }) };
                self.small[c] = b;
            }
            // SAFETY: the pages were a span of this heap.
            Bucket::Large(n, _) => unsafe { self.freespan(p as usize, n) },
        }
    }

    /// Resizes, in place when the layout stays in its bucket.
    ///
    /// # Safety
    /// As for [`free`](Self::free); `new` must be a valid size for `l`'s
    /// alignment.
    pub unsafe fn realloc(&mut self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let Ok(nl) = Layout::from_size_align(new, l.align()) else {
            return null_mut();
        };
        if bucket(nl) == bucket(l) {
            return p;
        }
        let q = self.alloc(nl);
        if !q.is_null() {
            // SAFETY: both blocks are live and at least min(...) long.
            unsafe {
                core::ptr::copy_nonoverlapping(p, q, l.size().min(new));
                self.free(p, l);
            }
        }
        q
    }

    /// Carves a chunk into blocks of class `c`.
    fn refill(&mut self, c: usize) -> bool {
        let bs = 16usize << c;
        let chunk = self.pages(CHUNK, PAGE);
        if chunk.is_null() {
            return false;
        }
        for i in (0..CHUNK / bs).rev() {
            // SAFETY: each block lies inside the fresh chunk.
            unsafe {
                let b = chunk.add(i * bs) as *mut Free;
                b.write(Free { next: self.small[c] });
                self.small[c] = b;
            }
        }
        true
    }

    /// `n` bytes of pages aligned to `a`, first fit; grows the heap when
    /// no span fits.
    fn pages(&mut self, n: usize, a: usize) -> *mut u8 {
        loop {
            let mut s = self.spans;
            while !s.is_null() {
                let base = s as usize;
                // SAFETY: every span on the list is free memory of ours
                // headed by its Span.
                let (size, next) = unsafe { ((*s).size, (*s).next) };
                let at = roundup(base, a);
                if at.checked_add(n).is_some_and(|e| e <= base + size) {
                    // SAFETY: the span is taken off the list whole, and
                    // what is left on either side goes back.
                    unsafe {
                        self.unlink(s);
                        if at > base {
                            self.freespan(base, at - base);
                        }
                        if at + n < base + size {
                            self.freespan(at + n, base + size - (at + n));
                        }
                    }
                    return at as *mut u8;
                }
                s = next;
            }
            let Some(want) = n.checked_add(a - PAGE).map(|w| roundup(w.max(GROW), PAGE)) else {
                return null_mut();
            };
            match self.core.more(want) {
                // SAFETY: fresh pages from the core are ours.
                Some(p) => unsafe { self.freespan(p as usize, want) },
                None => return null_mut(),
            }
        }
    }

    /// Takes span `s` off the list.
    ///
    /// # Safety
    /// `s` must be on the list.
    unsafe fn unlink(&mut self, s: *mut Span) {
        let mut pp: *mut *mut Span = &mut self.spans;
        // SAFETY: walking the list of our spans; `s` is on it.
        unsafe {
            while *pp != s {
                pp = &mut (**pp).next;
            }
            *pp = (*s).next;
        }
    }

    /// Puts pages [p, p+n) on the span list, in address order, merged
    /// with the spans just below and above.
    ///
    /// # Safety
    /// The pages must be ours, free, and not on the list.
    unsafe fn freespan(&mut self, p: usize, n: usize) {
        let mut prev: *mut Span = null_mut();
        let mut next = self.spans;
        // SAFETY: walking and relinking our spans; [p, p+n) is ours.
        unsafe {
            while !next.is_null() && (next as usize) < p {
                prev = next;
                next = (*next).next;
            }
            let s = p as *mut Span;
            s.write(Span { size: n, next });
            if !next.is_null() && p + n == next as usize {
                (*s).size += (*next).size;
                (*s).next = (*next).next;
            }
            if prev.is_null() {
                self.spans = s;
            } else if prev as usize + (*prev).size == p {
                (*prev).size += (*s).size;
                (*prev).next = (*s).next;
            } else {
                (*prev).next = s;
            }
        }
    }

    /// The free spans, (address, size) in order (for tests and checks).
    pub fn spans(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        let mut s = self.spans;
        core::iter::from_fn(move || {
            if s.is_null() {
                return None;
            }
            // SAFETY: a span on our list.
            let r = unsafe { (s as usize, (*s).size) };
            // SAFETY: as above.
            s = unsafe { (*s).next };
            Some(r)
        })
    }
}

/// How a waiting proc passes the time: natively it gives up the processor
/// (9front's `lock` sleeps too); on the host it spins.
pub struct Relax;

impl spin::relax::RelaxStrategy for Relax {
    fn relax() {
        #[cfg(all(feature = "native", not(test)))]
        // SAFETY: sleep(0) only yields.
        unsafe {
            crate::amd64::stubs::sleep(0).make();
        }
        #[cfg(not(all(feature = "native", not(test))))]
        core::hint::spin_loop();
    }
}

/// A heap under a lock, as a `GlobalAlloc`.
pub struct Malloc<C: Core> {
    heap: spin::mutex::SpinMutex<Heap<C>, Relax>,
}

impl<C: Core> Malloc<C> {
    pub const fn new(core: C) -> Malloc<C> {
        Malloc { heap: spin::mutex::SpinMutex::new(Heap::new(core)) }
    }
}

// SAFETY: every block handed out is a distinct, suitably aligned piece of
// memory the heap owns until it is freed; the lock serialises all use.
unsafe impl<C: Core + Send> GlobalAlloc for Malloc<C> {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        self.heap.lock().alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        // SAFETY: GlobalAlloc's contract is free's.
        unsafe { self.heap.lock().free(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        // SAFETY: GlobalAlloc's contract is realloc's.
        unsafe { self.heap.lock().realloc(p, l, new) }
    }
}

/// The break, as a core: page-aligned growth through `sbrk`.
#[cfg(all(feature = "native", not(test)))]
pub struct Brk;

#[cfg(all(feature = "native", not(test)))]
impl Core for Brk {
    fn more(&mut self, n: usize) -> Option<*mut u8> {
        let cur = crate::sbrk::sbrk(0)? as usize;
        let pad = roundup(cur, PAGE) - cur;
        let p = crate::sbrk::sbrk(pad + n)? as usize;
        Some(roundup(p, PAGE) as *mut u8)
    }
}

#[cfg(all(feature = "native", not(test)))]
#[global_allocator]
static MALLOC: Malloc<Brk> = Malloc::new(Brk);

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    /// A core over a big buffer, handing out pages upwards as a break
    /// does; `gap` pages are skipped between growths when set, so that
    /// they do not merge.
    struct Arena {
        base: usize,
        used: usize,
        len: usize,
        gap: usize,
        _buf: Vec<u8>,
    }

    impl Arena {
        fn new(len: usize, gap: usize) -> Arena {
            let buf = std::vec![0u8; len + PAGE];
            let base = roundup(buf.as_ptr() as usize, PAGE);
            Arena { base, used: 0, len, gap, _buf: buf }
        }
    }

    impl Core for Arena {
        fn more(&mut self, n: usize) -> Option<*mut u8> {
            if self.used + n > self.len {
                return None;
            }
            let p = self.base + self.used;
            self.used += n + self.gap * PAGE;
            Some(p as *mut u8)
        }
    }

    fn lay(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).unwrap()
    }

    #[test]
    fn blocks_are_aligned_distinct_and_keep_their_contents() {
        let mut h = Heap::new(Arena::new(32 << 20, 0));
        let mut live: Vec<(*mut u8, Layout, u8)> = Vec::new();
        let mut seed = 12345u32;
        let mut rnd = || {
            seed = seed.wrapping_mul(1103515245).wrapping_add(12345);
            seed >> 8
        };
        for i in 0..20000u32 {
            if live.len() > 300 || (!live.is_empty() && rnd() % 3 == 0) {
                let k = rnd() as usize % live.len();
                let (p, l, v) = live.swap_remove(k);
                // SAFETY: a live block of layout l.
                let s = unsafe { core::slice::from_raw_parts(p, l.size()) };
                assert!(s.iter().all(|&b| b == v), "block {i} changed");
                // SAFETY: freed once, with its layout.
                unsafe { h.free(p, l) };
            } else {
                let size = match rnd() % 10 {
                    0 => 3000 + rnd() as usize % 40000,
                    1 => 1 + rnd() as usize % 5000,
                    _ => 1 + rnd() as usize % 300,
                };
                let align = [1, 8, 16, 64, 4096, 8192][rnd() as usize % 6];
                let l = lay(size, align);
                let p = h.alloc(l);
                assert!(!p.is_null());
                assert_eq!(p as usize % align, 0, "{l:?}");
                let v = (i % 251) as u8;
                // SAFETY: a fresh block of l.size() bytes.
                unsafe { core::ptr::write_bytes(p, v, l.size()) };
                for &(q, ql, _) in &live {
                    let (a, b) = (p as usize, q as usize);
                    assert!(a + l.size() <= b || b + ql.size() <= a, "overlap");
                }
                live.push((p, l, v));
            }
        }
        for (p, l, _) in live {
            // SAFETY: each live block freed once.
            unsafe { h.free(p, l) };
        }
    }

    #[test]
    fn freed_pages_merge_back_into_one_span() {
        let mut h = Heap::new(Arena::new(8 << 20, 0));
        let ls: Vec<Layout> = (1..=20).map(|i| lay(i * 5000, 8)).collect();
        let ps: Vec<*mut u8> = ls.iter().map(|&l| h.alloc(l)).collect();
        // free in a scattered order
        for i in (0..20).step_by(2).chain((1..20).step_by(2)) {
            // SAFETY: each block freed once.
            unsafe { h.free(ps[i], ls[i]) };
        }
        let spans: Vec<_> = h.spans().collect();
        assert_eq!(spans.len(), 1, "{spans:?}");
    }

    #[test]
    fn growth_is_asked_of_the_core_and_exhaustion_is_null() {
        // Gaps between growths: spans cannot merge across them.
        let mut h = Heap::new(Arena::new(4 * GROW, 1));
        let l = lay(GROW, 8);
        let a = h.alloc(l);
        let b = h.alloc(l);
        assert!(!a.is_null() && !b.is_null());
        // the arena's 1 MiB is used up (with gaps) after this
        let mut n = 2;
        while !h.alloc(l).is_null() {
            n += 1;
        }
        assert!(n <= 4);
        assert!(h.alloc(lay(16 * GROW, 8)).is_null());
    }

    #[test]
    fn realloc_stays_in_place_within_a_bucket_and_copies_across() {
        let mut h = Heap::new(Arena::new(4 << 20, 0));
        let l = lay(20, 8);
        let p = h.alloc(l);
        // SAFETY: p is a live block of l; the new sizes keep the alignment.
        unsafe {
            core::ptr::copy_nonoverlapping(b"0123456789abcdefghij".as_ptr(), p, 20);
            assert_eq!(h.realloc(p, l, 30), p);
            let q = h.realloc(p, l, 5000);
            assert_ne!(q, p);
            assert_eq!(core::slice::from_raw_parts(q, 20), b"0123456789abcdefghij");
            h.free(q, lay(5000, 8));
        }
    }

    #[test]
    fn small_sizes_round_to_powers_of_two() {
        assert_eq!(bucket(lay(1, 1)), Bucket::Small(0));
        assert_eq!(bucket(lay(17, 1)), Bucket::Small(1));
        assert_eq!(bucket(lay(8, 64)), Bucket::Small(2));
        assert_eq!(bucket(lay(2048, 8)), Bucket::Small(7));
        assert_eq!(bucket(lay(2049, 8)), Bucket::Large(4096, 4096));
        assert_eq!(bucket(lay(10, 8192)), Bucket::Large(8192, 8192));
    }
}
