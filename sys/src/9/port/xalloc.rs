//! The hole allocator of 9front's `port/xalloc.c`: the table of free
//! physical ranges ("holes") that `xinit` fills from the memory banks and
//! that `xalloc`, `xspanalloc`, `xfree`, `xmerge` and `xhole` take from and
//! give back to, and `xsummary`'s report.
//!
//! [`Xlists`] is the algorithm alone, over addresses (`u64`), with no
//! memory behind it: the kernel (`pc64/kalloc.rs`) writes and checks the
//! `Xhdr` of a block (its size and the magic `HOLE`) in the memory itself,
//! with the sizes this module computes ([`Xlists::blocksize`]).
//!
//! What differs from 9front:
//!
//! - The holes are a fixed array kept sorted by address, not a linked list
//!   threaded through a free list; there are still [`NHOLE`] of them, and a
//!   range given back when all are in use is leaked and reported, as
//!   9front prints "xfree: no free holes, leaked %llud bytes".
//! - [`Xlists::xhole`] refuses a range that overlaps a hole (a double
//!   free), returning [`XError::Overlap`], where 9front would corrupt its
//!   list.
//! - [`Xlists::spanalloc`] takes an alignment only (the span is what
//!   9front uses to keep a block within one page); the unused head of the
//!   hole stays a hole, as xspanalloc gives it back with xhole.
//! - There is no lock: the kernel keeps the table under an `ilock`.

use core::fmt;

/// Number of holes (`Nhole`).
pub const NHOLE: usize = 128;
/// The magic word in each block's header (`Magichole`, "HOLE").
pub const MAGICHOLE: u32 = 0x484F_4C45;
/// Bytes of the header before a block's data (`offsetof(Xhdr, data[0])`:
/// a 32-bit size and the 32-bit magic).
pub const XHDRSIZE: u64 = 8;
/// `BY2V`: the rounding unit.
const BY2V: u64 = 8;

/// A free range of physical memory, [addr, top).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hole {
    pub addr: u64,
    pub size: u64,
    pub top: u64,
}

/// Why a range could not be given back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XError {
    /// Every hole is in use: the bytes are lost.
    Leaked(u64),
    /// The range overlaps free memory.
    Overlap { addr: u64, size: u64 },
}

impl fmt::Display for XError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            XError::Leaked(n) => write!(f, "xfree: no free holes, leaked {n} bytes"),
            XError::Overlap { addr, size } => {
                write!(f, "xhole: {addr:#x}+{size:#x} overlaps free memory")
            }
        }
    }
}

/// The hole table (9front's `Xalloc xlists`, less its lock).
#[derive(Debug, Clone)]
pub struct Xlists {
    hole: [Hole; NHOLE],
    /// Holes in use, `hole[..n]`, sorted by address, none touching.
    n: usize,
}

impl Default for Xlists {
    fn default() -> Self {
        Self::new()
    }
}

impl Xlists {
    /// An empty table (before `xinit` gives it memory).
    pub const fn new() -> Self {
        Xlists {
            hole: [Hole {
                addr: 0,
                size: 0,
                top: 0,
            }; NHOLE],
            n: 0,
        }
    }

    /// The size of the block `xallocz(size)` takes: room for the header
    /// and a `BY2V` more, rounded down to `BY2V`, as xallocz computes it.
    /// `None` if that does not fit the header's 32-bit size.
    pub fn blocksize(size: u64) -> Option<u64> {
        let s = size.checked_add(BY2V + XHDRSIZE)? & !(BY2V - 1);
        (s <= u32::MAX as u64).then_some(s)
    }

    /// The holes, lowest address first.
    pub fn holes(&self) -> &[Hole] {
        &self.hole[..self.n]
    }

    /// Holes not in use (xsummary's "holes free").
    pub fn nfree(&self) -> usize {
        NHOLE - self.n
    }

    /// Total free bytes.
    pub fn free_bytes(&self) -> u64 {
        self.holes().iter().map(|h| h.size).sum()
    }

    /// Take `size` bytes from the bottom of the first hole (lowest
    /// address) that has them, as xallocz's first-fit walk does; a hole
    /// used up is freed. `size` is the block size ([`Self::blocksize`]).
    pub fn alloc(&mut self, size: u64) -> Option<u64> {
        if size == 0 {
            return None;
        }
        let i = self.holes().iter().position(|h| h.size >= size)?;
        let h = &mut self.hole[i];
        let a = h.addr;
        h.addr += size;
        h.size -= size;
        if h.size == 0 {
            self.remove(i);
        }
        Some(a)
    }

    /// `size` bytes at an address that is a multiple of `align` (a power of
    /// two), from the first hole that has them; the part of the hole below
    /// the block stays a hole. Never given back in 9front's use (arenas,
    /// page tables); if it is, use [`Self::xhole`] with the same size.
    pub fn spanalloc(&mut self, size: u64, align: u64) -> Option<u64> {
        if size == 0 || !align.is_power_of_two() {
            return None;
        }
        for i in 0..self.n {
            let h = self.hole[i];
            let a = h.addr.checked_add(align - 1)? & !(align - 1);
            let end = match a.checked_add(size) {
                Some(e) => e,
                None => continue,
            };
            if end > h.top {
                continue;
            }
            let head = a - h.addr;
            let tail = h.top - end;
            match (head > 0, tail > 0) {
                (false, false) => self.remove(i),
                (false, true) => {
                    self.hole[i].addr = end;
                    self.hole[i].size = tail;
                }
                (true, false) => {
                    self.hole[i].top = a;
                    self.hole[i].size = head;
                }
                (true, true) => {
                    if self.n == NHOLE {
                        continue; // no hole for the tail; try elsewhere
                    }
                    self.hole[i].top = a;
                    self.hole[i].size = head;
                    self.insert(
                        i + 1,
                        Hole {
                            addr: end,
                            size: tail,
                            top: h.top,
                        },
                    );
                }
            }
            return Some(a);
        }
        None
    }

    fn remove(&mut self, i: usize) {
        self.hole.copy_within(i + 1..self.n, i);
        self.n -= 1;
    }

    fn insert(&mut self, i: usize, h: Hole) {
        self.hole.copy_within(i..self.n, i + 1);
        self.hole[i] = h;
        self.n += 1;
    }

    /// `xhole`: give [addr, addr+size) back, merging it with the holes it
    /// touches.
    pub fn xhole(&mut self, addr: u64, size: u64) -> Result<(), XError> {
        if size == 0 {
            return Ok(());
        }
        let top = addr
            .checked_add(size)
            .ok_or(XError::Overlap { addr, size })?;
        // The first hole that ends after addr.
        let i = self.holes().iter().position(|h| h.top > addr);
        if let Some(i) = i {
            if self.hole[i].addr < top {
                return Err(XError::Overlap { addr, size });
            }
        }
        let i = i.unwrap_or(self.n);
        // Touches the hole below: grow it, and swallow the one above if
        // the range filled the gap between them.
        if i > 0 && self.hole[i - 1].top == addr {
            let h = &mut self.hole[i - 1];
            h.size += size;
            h.top = top;
            if i < self.n && self.hole[i].addr == top {
                let c = self.hole[i];
                let h = &mut self.hole[i - 1];
                h.top = c.top;
                h.size += c.size;
                self.remove(i);
            }
            return Ok(());
        }
        // Touches the hole above: grow it downwards.
        if i < self.n && self.hole[i].addr == top {
            let h = &mut self.hole[i];
            h.addr = addr;
            h.size += size;
            return Ok(());
        }
        if self.n == NHOLE {
            return Err(XError::Leaked(size));
        }
        self.insert(i, Hole { addr, size, top });
        Ok(())
    }

    /// `xmerge`'s test: whether block `p` (of `psize` bytes) ends where
    /// block `q` starts, so the two can become one of `psize + qsize`.
    pub fn adjacent(p: u64, psize: u64, q: u64) -> bool {
        p.checked_add(psize) == Some(q)
    }

    /// `xsummary`: the number of unused holes, each hole (addr, top,
    /// size), and the total free.
    pub fn summary<W: fmt::Write>(&self, w: &mut W) -> fmt::Result {
        writeln!(w, "{} holes free", self.nfree())?;
        for h in self.holes() {
            writeln!(w, "{:#010x} {:#010x} {}", h.addr, h.top, h.size)?;
        }
        writeln!(w, "{} bytes free", self.free_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;
    use alloc::vec::Vec;

    fn spans(x: &Xlists) -> Vec<(u64, u64)> {
        x.holes().iter().map(|h| (h.addr, h.top)).collect()
    }

    #[test]
    fn blocksize_as_xallocz() {
        // size += BY2V + offsetof(Xhdr, data[0]); size &= ~(BY2V-1).
        assert_eq!(Xlists::blocksize(0), Some(16));
        assert_eq!(Xlists::blocksize(1), Some(16));
        assert_eq!(Xlists::blocksize(7), Some(16));
        assert_eq!(Xlists::blocksize(8), Some(24));
        assert_eq!(Xlists::blocksize(100), Some(112));
        assert_eq!(Xlists::blocksize(u64::MAX), None);
        assert_eq!(Xlists::blocksize(u32::MAX as u64), None);
    }

    #[test]
    fn first_fit_from_the_bottom() {
        // xallocz takes from h->addr of the first hole big enough and
        // frees a hole it uses up.
        let mut x = Xlists::new();
        x.xhole(0x1000, 0x100).unwrap();
        x.xhole(0x8000, 0x10000).unwrap();
        assert_eq!(x.alloc(0x200), Some(0x8000), "first hole too small");
        assert_eq!(x.alloc(0x100), Some(0x1000), "exact fit");
        assert_eq!(spans(&x), [(0x8200, 0x18000)]);
        assert_eq!(x.nfree(), NHOLE - 1);
        assert_eq!(x.alloc(0x10000), None);
        assert_eq!(x.alloc(0), None);
    }

    #[test]
    fn xhole_merges_both_sides() {
        // xhole extends the hole ending at addr, and then swallows the
        // next one if it now touches it; or extends the hole starting at
        // top downwards; else adds a hole in address order.
        let mut x = Xlists::new();
        x.xhole(0x3000, 0x1000).unwrap();
        x.xhole(0x1000, 0x1000).unwrap();
        assert_eq!(spans(&x), [(0x1000, 0x2000), (0x3000, 0x4000)]);
        x.xhole(0x2000, 0x1000).unwrap();
        assert_eq!(spans(&x), [(0x1000, 0x4000)]);
        assert_eq!(x.holes()[0].size, 0x3000);
        x.xhole(0x800, 0x800).unwrap();
        assert_eq!(spans(&x), [(0x800, 0x4000)]);
        x.xhole(0x4000, 0x10).unwrap();
        assert_eq!(spans(&x), [(0x800, 0x4010)]);
        assert_eq!(x.free_bytes(), 0x4010 - 0x800);
        assert_eq!(
            x.xhole(0x1000, 8),
            Err(XError::Overlap {
                addr: 0x1000,
                size: 8
            })
        );
        assert_eq!(x.xhole(0x10, 0), Ok(()));
    }

    #[test]
    fn out_of_holes_leaks() {
        // With all Nhole holes in use, a range that merges with none is
        // lost ("no free holes, leaked").
        let mut x = Xlists::new();
        for i in 0..NHOLE as u64 {
            x.xhole(i * 0x100, 0x10).unwrap();
        }
        assert_eq!(x.nfree(), 0);
        assert_eq!(x.xhole(0x100000, 0x40), Err(XError::Leaked(0x40)));
        assert_eq!(
            XError::Leaked(0x40).to_string(),
            "xfree: no free holes, leaked 64 bytes"
        );
        // One that merges still goes back.
        x.xhole(0x10, 0x10).unwrap();
    }

    #[test]
    fn spanalloc_aligns_and_keeps_the_rest() {
        let mut x = Xlists::new();
        x.xhole(0x1100, 0x10000).unwrap();
        let a = x.spanalloc(0x2000, 0x1000).unwrap();
        assert_eq!(a, 0x2000);
        assert_eq!(spans(&x), [(0x1100, 0x2000), (0x4000, 0x11100)]);
        x.xhole(a, 0x2000).unwrap();
        assert_eq!(spans(&x), [(0x1100, 0x11100)]);
        assert_eq!(x.spanalloc(0x100000, 8), None);
        assert_eq!(x.spanalloc(16, 3), None);
    }

    #[test]
    fn stress_returns_every_byte() {
        // Allocate blocks of many sizes, free them in a scrambled order:
        // the table ends as it began. (200 blocks freed in any order make
        // at most 100 holes, within Nhole.)
        let mut x = Xlists::new();
        x.xhole(0x10_0000, 0x100_0000).unwrap();
        let before = (x.free_bytes(), spans(&x));
        let mut v = Vec::new();
        let mut seed = 12345u64;
        for _ in 0..200 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            let n = Xlists::blocksize((seed >> 33) % 5000).unwrap();
            v.push((x.alloc(n).unwrap(), n));
        }
        let mut i = 0;
        while !v.is_empty() {
            i = (i + 7919) % v.len();
            let (a, n) = v.swap_remove(i);
            x.xhole(a, n).unwrap();
        }
        assert_eq!((x.free_bytes(), spans(&x)), before);
        let mut s = String::new();
        x.summary(&mut s).unwrap();
        assert_eq!(
            s,
            "127 holes free\n0x00100000 0x01100000 16777216\n16777216 bytes free\n"
        );
    }
}
