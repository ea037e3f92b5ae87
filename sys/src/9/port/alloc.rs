//! The kernel's memory pool, from 9front's `port/alloc.c` (the `mainmem`
//! pool, `poolsummary`, `mallocsummary`) and the pool it configures
//! (`libc/port/pool.c`'s arenas grown from `xalloc`).
//!
//! [`Pool`] is the algorithm alone, over addresses: the kernel
//! (`pc64/kalloc.rs`) gets each arena and its bookkeeping bitmap from
//! `xalloc`, hands them over with [`Pool::addarena`], and puts the pool
//! behind Rust's `#[global_allocator]`.
//!
//! What differs from 9front:
//!
//! - pool.c is a best-fit allocator over a tree of free blocks with
//!   boundary tags in the blocks themselves. This is a binary buddy
//!   allocator whose free state is kept out of the blocks, in one bitmap
//!   per arena, so that it needs no unsafe code and can be tested on the
//!   host. Blocks are a power of two of at least [`QUANTUM`] bytes (pool.c's
//!   quantum is 32 too) and aligned to their size from the arena's base,
//!   which is aligned to the arena's size: any alignment up to the block
//!   size is met.
//! - The caller says the size (and alignment) when freeing, as Rust's
//!   allocator interface does, instead of a header giving it.
//! - Arenas are never given back to xalloc, as in pool.c.
//! - The statistics are pool.c's `cursize` (arena bytes), `curfree` and
//!   `curalloc` (bytes in free and in allocated blocks), and [`Summary`]
//!   prints them as poolsummary does.

use core::fmt;

/// The smallest block.
pub const QUANTUM: u64 = 32;
/// The smallest arena (pool.c's `minarena` of mainmem is 128 KiB; planten
/// takes 1 MiB so that the bitmap words stay few).
pub const MINARENA: u64 = 1 << 20;
/// Most arenas a pool can have.
pub const NARENA: usize = 64;

/// log2 of the number of quanta in a block of `n` bytes.
fn order_of(n: u64) -> u32 {
    let q = n.max(QUANTUM).next_power_of_two() / QUANTUM;
    q.trailing_zeros()
}

/// Words of bitmap an arena of `size` bytes (a power of two, at least
/// [`QUANTUM`]) needs: one bit per block of every order.
pub fn bitmapwords(size: u64) -> usize {
    let blocks = size / QUANTUM;
    ((2 * blocks - 1) as usize).div_ceil(64)
}

/// The size of the arena to add so that a block of `size` bytes aligned
/// to `align` fits: at least [`MINARENA`].
pub fn arenasize(size: u64, align: u64) -> Option<u64> {
    let n = size.max(align).max(QUANTUM).checked_next_power_of_two()?;
    Some(n.max(MINARENA))
}

/// Why a free was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolError {
    /// The address is in no arena, or not the start of a block of that
    /// size.
    BadPointer(u64),
    /// The block is already free.
    DoubleFree(u64),
}

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PoolError::BadPointer(a) => write!(f, "free of bad pointer {a:#x}"),
            PoolError::DoubleFree(a) => write!(f, "double free of {a:#x}"),
        }
    }
}

/// One arena: [base, base + QUANTUM << order), its free blocks marked in
/// `bits`, order `order` first (one bit), then order-1 (two), down to
/// order 0.
struct Arena<'m> {
    base: u64,
    order: u32,
    bits: &'m mut [u64],
}

impl Arena<'_> {
    /// Index of the first bit of blocks of order `k`.
    fn level(&self, k: u32) -> usize {
        // Orders order..k+1 have 1 + 2 + ... + 2^(order-k-1) bits.
        (1usize << (self.order - k)) - 1
    }

    fn get(&self, k: u32, i: u64) -> bool {
        let b = self.level(k) + i as usize;
        self.bits[b / 64] & (1 << (b % 64)) != 0
    }

    fn set(&mut self, k: u32, i: u64, v: bool) {
        let b = self.level(k) + i as usize;
        if v {
            self.bits[b / 64] |= 1 << (b % 64);
        } else {
            self.bits[b / 64] &= !(1 << (b % 64));
        }
    }

    /// A free block of order `k`, by index.
    fn find(&self, k: u32) -> Option<u64> {
        let lo = self.level(k);
        let n = 1usize << (self.order - k);
        let mut b = lo;
        while b < lo + n {
            let w = self.bits[b / 64] >> (b % 64);
            if w == 0 {
                b += 64 - b % 64;
                continue;
            }
            let at = b + w.trailing_zeros() as usize;
            return (at < lo + n).then(|| (at - lo) as u64);
        }
        None
    }

    /// Take a block of order `k`, splitting a larger one if need be.
    fn alloc(&mut self, k: u32) -> Option<u64> {
        if k > self.order {
            return None;
        }
        if let Some(i) = self.find(k) {
            self.set(k, i, false);
            return Some(i);
        }
        let p = self.alloc(k + 1)?;
        // Keep the low half, free the high one.
        self.set(k, 2 * p + 1, true);
        Some(2 * p)
    }

    /// Free block `i` of order `k`, merging with free buddies.
    fn free(&mut self, mut k: u32, mut i: u64) {
        while k < self.order && self.get(k, i ^ 1) {
            self.set(k, i ^ 1, false);
            k += 1;
            i /= 2;
        }
        self.set(k, i, true);
    }

    /// Whether block `i` of order `k`, or a block containing it, is free.
    fn isfree(&self, mut k: u32, mut i: u64) -> bool {
        while k <= self.order {
            if self.get(k, i) {
                return true;
            }
            k += 1;
            i /= 2;
        }
        false
    }

    fn size(&self) -> u64 {
        QUANTUM << self.order
    }
}

/// A memory pool (9front's `Pool`).
pub struct Pool<'m> {
    name: &'static str,
    maxsize: u64,
    cursize: u64,
    curfree: u64,
    curalloc: u64,
    narena: usize,
    arenas: [Option<Arena<'m>>; NARENA],
}

impl<'m> Pool<'m> {
    /// An empty pool that may grow to `maxsize` bytes of arenas.
    pub const fn new(name: &'static str, maxsize: u64) -> Self {
        Pool {
            name,
            maxsize,
            cursize: 0,
            curfree: 0,
            curalloc: 0,
            narena: 0,
            arenas: [const { None }; NARENA],
        }
    }

    /// Whether an arena of `size` bytes may still be added.
    pub fn cangrow(&self, size: u64) -> bool {
        self.narena < NARENA && self.cursize.saturating_add(size) <= self.maxsize
    }

    /// Add the arena [base, base+size): `size` a power of two, at least
    /// [`QUANTUM`], `base` a multiple of it, `bits` at least
    /// [`bitmapwords`]`(size)` words. Returns false (adding nothing) if
    /// those do not hold or the pool is full.
    pub fn addarena(&mut self, base: u64, size: u64, bits: &'m mut [u64]) -> bool {
        if !size.is_power_of_two()
            || size < QUANTUM
            || !base.is_multiple_of(size)
            || bits.len() < bitmapwords(size)
            || !self.cangrow(size)
        {
            return false;
        }
        bits.fill(0);
        let mut a = Arena {
            base,
            order: order_of(size),
            bits,
        };
        a.set(a.order, 0, true);
        self.arenas[self.narena] = Some(a);
        self.narena += 1;
        self.cursize += size;
        self.curfree += size;
        true
    }

    /// `poolalloc`: a block of at least `size` bytes aligned to `align`
    /// (a power of two), or `None` if no arena has one (the caller adds
    /// an arena of [`arenasize`] and tries again).
    pub fn alloc(&mut self, size: u64, align: u64) -> Option<u64> {
        let n = size.max(align).max(QUANTUM).checked_next_power_of_two()?;
        let k = order_of(n);
        for a in self.arenas[..self.narena].iter_mut().flatten() {
            if let Some(i) = a.alloc(k) {
                self.curfree -= n;
                self.curalloc += n;
                return Some(a.base + i * n);
            }
        }
        None
    }

    /// `poolfree`: give back the block at `addr` that `alloc(size, align)`
    /// returned.
    pub fn free(&mut self, addr: u64, size: u64, align: u64) -> Result<(), PoolError> {
        let n = size
            .max(align)
            .max(QUANTUM)
            .checked_next_power_of_two()
            .ok_or(PoolError::BadPointer(addr))?;
        let k = order_of(n);
        let a = self.arenas[..self.narena]
            .iter_mut()
            .flatten()
            .find(|a| addr >= a.base && addr - a.base < a.size())
            .ok_or(PoolError::BadPointer(addr))?;
        let off = addr - a.base;
        if !off.is_multiple_of(n) || k > a.order {
            return Err(PoolError::BadPointer(addr));
        }
        let i = off / n;
        if a.isfree(k, i) {
            return Err(PoolError::DoubleFree(addr));
        }
        a.free(k, i);
        self.curfree += n;
        self.curalloc -= n;
        Ok(())
    }

    /// Bytes in arenas.
    pub fn cursize(&self) -> u64 {
        self.cursize
    }
    /// Bytes in free blocks.
    pub fn curfree(&self) -> u64 {
        self.curfree
    }
    /// Bytes in allocated blocks.
    pub fn curalloc(&self) -> u64 {
        self.curalloc
    }
    /// Number of arenas.
    pub fn narena(&self) -> usize {
        self.narena
    }

    /// The pool's statistics, to print.
    pub fn summary(&self) -> Summary {
        Summary {
            name: self.name,
            maxsize: self.maxsize,
            cursize: self.cursize,
            curfree: self.curfree,
            curalloc: self.curalloc,
        }
    }
}

/// `poolsummary`'s line: `Main max N cur N free N alloc N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub name: &'static str,
    pub maxsize: u64,
    pub cursize: u64,
    pub curfree: u64,
    pub curalloc: u64,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} max {} cur {} free {} alloc {}",
            self.name, self.maxsize, self.cursize, self.curfree, self.curalloc
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;
    use alloc::vec::Vec;

    fn arena(p: &mut Pool<'static>, base: u64, size: u64) {
        let bits = vec![0u64; bitmapwords(size)].leak();
        assert!(p.addarena(base, size, bits));
    }

    #[test]
    fn sizes() {
        assert_eq!(bitmapwords(32), 1);
        assert_eq!(bitmapwords(64 * 32), 2, "127 bits");
        assert_eq!(bitmapwords(1 << 20), (2 * 32768 - 1usize).div_ceil(64));
        assert_eq!(arenasize(10, 8), Some(MINARENA));
        assert_eq!(arenasize(3 << 20, 8), Some(4 << 20));
        assert_eq!(arenasize(u64::MAX, 8), None);
    }

    #[test]
    fn blocks_are_aligned_and_disjoint() {
        let mut p = Pool::new("Main", 64 << 20);
        assert_eq!(p.alloc(8, 8), None, "no arena yet");
        arena(&mut p, 0x100000, 1 << 20);
        let mut v: Vec<(u64, u64)> = Vec::new();
        for (i, sz) in [1u64, 31, 32, 33, 100, 4096, 5000, 65536]
            .iter()
            .enumerate()
        {
            let align = 1u64 << (i % 5 * 3);
            let a = p.alloc(*sz, align).unwrap();
            assert_eq!(a % align, 0);
            let n = (*sz).max(align).max(32).next_power_of_two();
            assert_eq!(a % n, 0, "buddy blocks are aligned to their size");
            for &(b, m) in &v {
                assert!(a + n <= b || b + m <= a, "overlap");
            }
            v.push((a, n));
        }
        assert_eq!(p.curalloc(), v.iter().map(|x| x.1).sum::<u64>());
        assert_eq!(p.curalloc() + p.curfree(), p.cursize());
        assert_eq!(p.alloc(1 << 20, 8), None, "arena partly used");
    }

    #[test]
    fn free_merges_back_to_one_block() {
        let mut p = Pool::new("Main", 64 << 20);
        arena(&mut p, 0, 1 << 20);
        let a = p.alloc(32, 1).unwrap();
        let b = p.alloc(32, 1).unwrap();
        assert_eq!((a, b), (0, 32));
        p.free(a, 32, 1).unwrap();
        assert_eq!(p.free(a, 32, 1), Err(PoolError::DoubleFree(a)));
        assert_eq!(p.free(b + 8, 32, 1), Err(PoolError::BadPointer(b + 8)));
        assert_eq!(p.free(5 << 20, 32, 1), Err(PoolError::BadPointer(5 << 20)));
        p.free(b, 32, 1).unwrap();
        assert_eq!(p.curalloc(), 0);
        assert_eq!(p.alloc(1 << 20, 1), Some(0), "the whole arena again");
    }

    #[test]
    fn stress_returns_every_byte() {
        let mut p = Pool::new("Main", 64 << 20);
        arena(&mut p, 0x400000, 1 << 20);
        arena(&mut p, 0x800000, 4 << 20);
        let mut v = Vec::new();
        let mut seed = 99u64;
        for round in 0..4000 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let sz = (seed >> 40) % if round % 50 == 0 { 200_000 } else { 700 } + 1;
            if let Some(a) = p.alloc(sz, 8) {
                v.push((a, sz));
            }
            if seed % 3 == 0 && !v.is_empty() {
                let i = (seed >> 20) as usize % v.len();
                let (a, s) = v.swap_remove(i);
                p.free(a, s, 8).unwrap();
            }
            assert_eq!(p.curalloc() + p.curfree(), p.cursize());
        }
        for (a, s) in v {
            p.free(a, s, 8).unwrap();
        }
        assert_eq!(p.curalloc(), 0);
        assert_eq!(p.curfree(), 5 << 20);
        assert_eq!(p.alloc(4 << 20, 8), Some(0x800000));
    }

    #[test]
    fn summary_line() {
        // alloc.c's poolsummary: "%s max %llud cur %llud free %llud alloc %llud".
        let mut p = Pool::new("Main", 4 << 20);
        arena(&mut p, 0, 1 << 20);
        p.alloc(100, 8).unwrap();
        assert_eq!(
            p.summary().to_string(),
            "Main max 4194304 cur 1048576 free 1048448 alloc 128"
        );
        assert!(!p.cangrow(4 << 20), "maxsize caps the arenas");
    }
}
