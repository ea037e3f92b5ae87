//! Blocks: a port of 9front's `port/allocb.c`, with the block-list helpers
//! that 9front keeps in `qio.c` (`blocklen`, `readblist`, `concatblock`,
//! `pullupblock`, `trimblock`, `padblock`, `copyblock`, `adjustblock`,
//! `packblock`, `pullblock`) and the `Block` of `portdat.h`.
//!
//! A [`Block`] owns a buffer; `rp` and `wp` are offsets into it (9front's
//! `base` is offset 0 and `lim` is the buffer's length), data lies between
//! them, and [`allocb`] leaves [`Hdrspc`] bytes of headroom before it and at
//! least [`Tlrspc`] bytes after the requested size, as 9front's `_allocb`.
//!
//! What differs from 9front:
//!
//! - A list of blocks is a [`Blist`] (`VecDeque<Block>`) rather than a chain
//!   through `next`; `freeb` and `freeblist` are `Drop`. There is no `list`
//!   pointer and no `free` routine for driver-owned buffers yet.
//! - [`BALLOC`](Block::balloc) is exactly `Hdrspc + ROUND(size+Tlrspc,
//!   BLOCKALIGN)`; 9front's also counts alignment padding and whatever extra
//!   its `malloc` pool handed out, so flow-control accounting in `qio` is a
//!   few bytes per block smaller than on 9front.
//! - [`allocb`] cannot wait for memory (`resrcwait`): like every Rust
//!   allocation it fails by the allocator's error handler. [`iallocb`] does
//!   fail without waiting, returning `None`, and marks the block `BINTR`.
//! - Buffers start zeroed (9front's `mallocz(..., 0)` does not clear them).
//! - Functions that take a list and return `nil` on failure in 9front
//!   (`pullupblock`, `trimblock`) work in place and return `false` after
//!   emptying the list.
//! - `checkb` panics on a violated invariant; there is no poisoning, since a
//!   freed block cannot be reached.

use alloc::collections::VecDeque;
use alloc::vec;
use alloc::vec::Vec;

/// Room left before the data for headers added later.
#[allow(non_upper_case_globals)]
pub const Hdrspc: usize = 64;
/// Extra room after the data for pads, CRCs and MACs.
#[allow(non_upper_case_globals)]
pub const Tlrspc: usize = 16;
/// Alignment of block sizes (`BLOCKALIGN` of `pc64/mem.h`).
pub const BLOCKALIGN: usize = 8;

/// Block flags (`Block.flag`), as in `portdat.h`.
pub const BINTR: u16 = 1 << 0;
/// A block on a free list.
pub const BFREE: u16 = 1 << 1;
/// The IP checksum is to be computed by the hardware.
#[allow(non_upper_case_globals)]
pub const Bipck: u16 = 1 << 2;
/// The UDP checksum is to be computed by the hardware.
#[allow(non_upper_case_globals)]
pub const Budpck: u16 = 1 << 3;
/// The TCP checksum is to be computed by the hardware.
#[allow(non_upper_case_globals)]
pub const Btcpck: u16 = 1 << 4;
/// The packet checksum has been checked.
#[allow(non_upper_case_globals)]
pub const Bpktck: u16 = 1 << 5;

/// A list of blocks, 9front's chain through `Block.next`.
pub type Blist = VecDeque<Block>;

/// A buffer of data with room around it (9front's `Block`).
///
/// The invariant is `0 <= rp <= wp <= lim()`; [`Block::checkb`] checks it.
#[derive(Clone, PartialEq, Eq)]
pub struct Block {
    buf: Vec<u8>,
    /// First unconsumed byte.
    pub rp: usize,
    /// First empty byte.
    pub wp: usize,
    /// `BINTR`, `Bipck`, ...
    pub flag: u16,
    /// IP checksum of the complete packet, minus the media header.
    pub checksum: u16,
}

impl core::fmt::Debug for Block {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Block")
            .field("rp", &self.rp)
            .field("wp", &self.wp)
            .field("lim", &self.lim())
            .field("flag", &self.flag)
            .field("data", &self.data())
            .finish()
    }
}

impl From<Block> for Blist {
    fn from(b: Block) -> Blist {
        let mut l = Blist::new();
        l.push_back(b);
        l
    }
}

const fn round(s: usize, sz: usize) -> usize {
    (s + (sz - 1)) & !(sz - 1)
}

fn layout(size: usize) -> (usize, usize) {
    let room = round(size + Tlrspc, BLOCKALIGN);
    (Hdrspc + room, Hdrspc)
}

fn mkblock(buf: Vec<u8>, rp: usize) -> Block {
    Block {
        buf,
        rp,
        wp: rp,
        flag: 0,
        checksum: 0,
    }
}

/// `allocb`: an empty block with room for at least `size` bytes.
pub fn allocb(size: usize) -> Block {
    let (len, rp) = layout(size);
    mkblock(vec![0; len], rp)
}

/// `iallocb`: as [`allocb`], for interrupt handlers: it returns `None`
/// rather than waiting when memory is short, and marks the block `BINTR`.
pub fn iallocb(size: usize) -> Option<Block> {
    let (len, rp) = layout(size);
    let mut buf = Vec::new();
    buf.try_reserve_exact(len).ok()?;
    buf.resize(len, 0);
    let mut b = mkblock(buf, rp);
    b.flag = BINTR;
    Some(b)
}

impl Block {
    /// `BLEN`: the bytes of data in the block.
    pub fn blen(&self) -> usize {
        self.wp - self.rp
    }

    /// `BALLOC`: the bytes allocated to the block.
    pub fn balloc(&self) -> usize {
        self.buf.len()
    }

    /// `lim`: one past the end of the buffer (its base is 0).
    pub fn lim(&self) -> usize {
        self.buf.len()
    }

    /// Room before the data: `rp - base`.
    pub fn headroom(&self) -> usize {
        self.rp
    }

    /// Room after the data: `lim - wp`.
    pub fn tailroom(&self) -> usize {
        self.lim() - self.wp
    }

    /// The data, `rp` to `wp`.
    pub fn data(&self) -> &[u8] {
        &self.buf[self.rp..self.wp]
    }

    /// The data, `rp` to `wp`, to change in place.
    pub fn data_mut(&mut self) -> &mut [u8] {
        &mut self.buf[self.rp..self.wp]
    }

    /// The whole buffer, `base` to `lim`.
    pub fn buf(&self) -> &[u8] {
        &self.buf
    }

    /// The whole buffer, to fill before moving `rp` or `wp`.
    pub fn buf_mut(&mut self) -> &mut [u8] {
        &mut self.buf
    }

    /// Copy as much of `p` as fits at `wp` and advance `wp` past it
    /// (`memmove(b->wp, p, n); b->wp += n`). Returns the bytes copied.
    pub fn write(&mut self, p: &[u8]) -> usize {
        let n = p.len().min(self.tailroom());
        self.buf[self.wp..self.wp + n].copy_from_slice(&p[..n]);
        self.wp += n;
        n
    }

    /// `checkb`: panic, naming `msg`, if the pointers are out of order.
    pub fn checkb(&self, msg: &str) {
        assert!(
            self.rp <= self.wp,
            "checkb {msg}: rp {} > wp {}",
            self.rp,
            self.wp
        );
        assert!(
            self.wp <= self.lim(),
            "checkb {msg}: wp {} > lim {}",
            self.wp,
            self.lim()
        );
    }
}

/// `blocklen`: the bytes of data in a list.
pub fn blocklen<'a>(bl: impl IntoIterator<Item = &'a Block>) -> usize {
    bl.into_iter().map(Block::blen).sum()
}

/// `blockalloclen`: the bytes allocated to a list.
pub fn blockalloclen<'a>(bl: impl IntoIterator<Item = &'a Block>) -> usize {
    bl.into_iter().map(Block::balloc).sum()
}

/// `readblist`: copy up to `p.len()` bytes of a list's data, starting
/// `offset` bytes in, into `p`; the list is unchanged. Returns the bytes
/// copied.
pub fn readblist<'a>(
    bl: impl IntoIterator<Item = &'a Block>,
    p: &mut [u8],
    offset: usize,
) -> usize {
    let mut o = offset;
    let mut r = 0;
    for b in bl {
        if r == p.len() {
            break;
        }
        let d = b.data();
        if o >= d.len() {
            o -= d.len();
            continue;
        }
        let m = (d.len() - o).min(p.len() - r);
        p[r..r + m].copy_from_slice(&d[o..o + m]);
        r += m;
        o = 0;
    }
    r
}

/// `concatblock`: the data of a list in one block. A single block is
/// returned as it is; an empty list gives an empty block; empty blocks
/// left after the data are dropped.
pub fn concatblock(mut bl: Blist) -> Block {
    if bl.len() <= 1 {
        return bl.pop_front().unwrap_or_else(|| allocb(0));
    }
    let n = blocklen(&bl);
    pullupblock(&mut bl, n);
    // The first block has all the data now. 9front returns it still linked
    // to any empty blocks that followed when it had all the data to begin
    // with; here those are dropped.
    bl.pop_front()
        .expect("pullupblock of the list's own length")
}

/// `pullupblock`: make the first block of `bl` hold at least `n` bytes,
/// moving data forward from the blocks after it and dropping those it
/// empties. When the first block lacks room, a new block of `n` bytes is put
/// in front. When the list has fewer than `n` bytes, it is emptied and the
/// result is `false` (9front frees it and returns nil).
pub fn pullupblock(bl: &mut Blist, n: usize) -> bool {
    let Some(first) = bl.front() else {
        return n == 0;
    };
    if first.blen() >= n {
        return true;
    }
    let mut bp = bl.pop_front().expect("nonempty");
    if bp.lim() - bp.rp < n {
        bl.push_front(bp);
        bp = allocb(n);
    }
    let mut need = n - bp.blen();
    while let Some(mut nbp) = bl.pop_front() {
        let i = nbp.blen();
        if i > need {
            bp.write(&nbp.data()[..need]);
            nbp.rp += need;
            bl.push_front(nbp);
            bl.push_front(bp);
            return true;
        }
        bp.write(nbp.data());
        need -= i;
        if need == 0 {
            bl.push_front(bp);
            return true;
        }
    }
    bl.clear();
    false
}

/// `trimblock`: keep only the `len` bytes that start `offset` bytes into
/// the list, dropping the blocks outside them. When the list is shorter
/// than `offset+len`, it is emptied and the result is `false`.
pub fn trimblock(bl: &mut Blist, offset: usize, len: usize) -> bool {
    let l = blocklen(&*bl);
    if offset == 0 && len == l {
        return true;
    }
    if l < offset + len {
        bl.clear();
        return false;
    }
    let mut offset = offset;
    while bl.front().map(Block::blen).unwrap_or(usize::MAX) < offset {
        offset -= bl.pop_front().expect("front").blen();
    }
    bl[0].rp += offset;
    let mut len = len;
    let mut i = 0;
    while bl[i].blen() < len {
        len -= bl[i].blen();
        i += 1;
    }
    let b = &mut bl[i];
    b.wp -= b.blen() - len;
    bl.truncate(i + 1);
    true
}

/// `padblock`: make room for `size` bytes of header in front of the data
/// (`size >= 0`: `rp` moves back over the new room), or for `-size` bytes of
/// trailer after it (`size < 0`: `wp` stays, the room is after it). The block
/// is reused when it has the room; otherwise its data move to a new block
/// (with no flags, as in 9front).
pub fn padblock(mut b: Block, size: isize) -> Block {
    let n = b.blen();
    if size >= 0 {
        let size = size as usize;
        if b.headroom() >= size {
            b.rp -= size;
            return b;
        }
        let mut nb = allocb(size + n);
        nb.rp += size;
        nb.wp = nb.rp;
        nb.write(b.data());
        nb.rp -= size;
        nb
    } else {
        let size = size.unsigned_abs();
        if b.tailroom() >= size {
            return b;
        }
        let mut nb = allocb(n + size);
        nb.write(b.data());
        nb
    }
}

/// `copyblock`: a new block holding a copy of the first `count` bytes of
/// the list, padded with zeros when the list is shorter.
pub fn copyblock<'a>(bl: impl IntoIterator<Item = &'a Block>, count: usize) -> Block {
    let mut nb = allocb(count);
    let mut left = count;
    for b in bl {
        if left == 0 {
            break;
        }
        let l = b.blen().min(left);
        nb.write(&b.data()[..l]);
        left -= l;
    }
    let wp = nb.wp;
    nb.buf[wp..wp + left].fill(0);
    nb.wp += left;
    nb
}

/// `adjustblock`: make the block hold exactly `len` bytes, cutting data
/// off the end or adding zeros, in a new block when it lacks the room.
/// A negative `len` frees the block and gives `None`.
pub fn adjustblock(mut b: Block, len: isize) -> Option<Block> {
    if len < 0 {
        return None;
    }
    let len = len as usize;
    if b.rp + len > b.lim() {
        return Some(copyblock([&b], len));
    }
    let n = b.blen();
    if len > n {
        let wp = b.wp;
        b.buf[wp..wp + (len - n)].fill(0);
    }
    b.wp = b.rp + len;
    Some(b)
}

/// `packblock`: copy each block that uses less than a quarter of its
/// allocation into a block of its size.
pub fn packblock(bl: &mut Blist) {
    for b in bl.iter_mut() {
        let n = b.blen();
        if (n << 2) < b.balloc() {
            let mut nb = allocb(n);
            nb.write(b.data());
            *b = nb;
        }
    }
}

/// `pullblock`: throw away up to `count` bytes from the front of the list,
/// dropping the blocks emptied. Returns the bytes thrown away.
pub fn pullblock(bl: &mut Blist, count: usize) -> usize {
    let mut left = count;
    let mut bytes = 0;
    while left > 0 {
        let Some(b) = bl.front_mut() else { break };
        let n = b.blen().min(left);
        bytes += n;
        left -= n;
        b.rp += n;
        if b.blen() == 0 {
            bl.pop_front();
        }
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;
    use proptest::prelude::*;

    fn blk(d: &[u8]) -> Block {
        let mut b = allocb(d.len());
        assert_eq!(b.write(d), d.len());
        b
    }

    fn list(parts: &[&[u8]]) -> Blist {
        parts.iter().map(|p| blk(p)).collect()
    }

    fn bytes(bl: &Blist) -> Vec<u8> {
        bl.iter().flat_map(|b| b.data().iter().copied()).collect()
    }

    #[test]
    fn allocb_layout() {
        // _allocb: Hdrspc bytes of headroom, size+Tlrspc rounded up to
        // BLOCKALIGN after rp, empty (rp == wp).
        let b = allocb(100);
        assert_eq!(b.blen(), 0);
        assert_eq!(b.rp, 64);
        assert_eq!(b.headroom(), Hdrspc);
        assert_eq!(b.tailroom(), 120);
        assert_eq!(b.balloc(), 184);
        assert_eq!(b.flag, 0);
        assert_eq!(allocb(0).tailroom(), 16);
        assert_eq!(allocb(1).tailroom(), 24);
        b.checkb("allocb_layout");
    }

    #[test]
    fn iallocb_marks_bintr() {
        // iallocb sets b->flag = BINTR.
        let b = iallocb(10).expect("memory");
        assert_eq!(b.flag, BINTR);
        assert_eq!(b.tailroom(), 32);
    }

    #[test]
    fn padblock_front() {
        // padblock(n >= 0): reuse the headroom when there is enough, else
        // a new block with the data after n bytes of room and rp at the room.
        let b = blk(b"data");
        let lim = b.lim();
        let b = padblock(b, 20);
        assert_eq!(b.lim(), lim, "same buffer");
        assert_eq!(b.rp, Hdrspc - 20);
        assert_eq!(b.blen(), 24);
        assert_eq!(&b.data()[20..], b"data");

        let mut b = padblock(b, 100);
        assert_eq!(b.blen(), 124);
        assert_eq!(&b.data()[120..], b"data");
        assert_eq!(b.rp, Hdrspc, "new block: pad sits where allocb put rp");
        b.flag = Bipck;
        let b = padblock(b, 65);
        assert_eq!(b.flag, 0, "9front does not carry flags to the new block");
        assert_eq!(b.blen(), 189);
        assert_eq!(&b.data()[185..], b"data");
    }

    #[test]
    fn padblock_back() {
        // padblock(n < 0): make -n bytes of room after wp, without moving wp.
        let b = blk(b"abc");
        let tail = b.tailroom();
        assert_eq!(tail, 21);
        let b = padblock(b, -21);
        assert_eq!(b.tailroom(), 21, "enough room: same block");
        let b = padblock(b, -22);
        assert_eq!(b.data(), b"abc");
        assert!(b.tailroom() >= 22);
        assert_eq!(
            b.tailroom(),
            48 - 3,
            "allocb(25): ROUND(25+16, 8) bytes after rp"
        );
    }

    #[test]
    fn pullupblock_moves_data_forward() {
        // pullupblock: first block gets n bytes; emptied blocks are freed;
        // a partly used block keeps the rest.
        let mut bl = list(&[b"ab", b"cde", b"fgh"]);
        assert!(pullupblock(&mut bl, 6));
        assert_eq!(bl.len(), 2);
        assert_eq!(bl[0].data(), b"abcdef");
        assert_eq!(bl[1].data(), b"gh");
        // Already long enough: nothing changes.
        assert!(pullupblock(&mut bl, 3));
        assert_eq!(bl.len(), 2);
        // Exactly everything: one block.
        assert!(pullupblock(&mut bl, 8));
        assert_eq!(bl.len(), 1);
        assert_eq!(bl[0].data(), b"abcdefgh");
        // Too much: the list is freed.
        assert!(!pullupblock(&mut bl, 9));
        assert!(bl.is_empty());
    }

    #[test]
    fn pullupblock_new_front_block() {
        // Not enough room after rp in the first block: a new block of n
        // bytes goes in front.
        let mut small = allocb(0);
        small.write(b"x");
        let mut bl: Blist = [small, blk(&[7u8; 40])].into_iter().collect();
        assert!(bl[0].lim() - bl[0].rp < 30);
        assert!(pullupblock(&mut bl, 30));
        assert_eq!(bl.len(), 2);
        assert_eq!(bl[0].blen(), 30);
        assert_eq!(bl[0].data()[0], b'x');
        assert_eq!(bl[1].blen(), 11);
        assert_eq!(blocklen(&bl), 41);
    }

    #[test]
    fn concat_and_copy() {
        // concatblock: one block with all the data; copyblock pads with 0.
        let bl = list(&[b"one", b"", b"two"]);
        let c = copyblock(&bl, 10);
        assert_eq!(c.data(), b"onetwo\0\0\0\0");
        let c = copyblock(&bl, 4);
        assert_eq!(c.data(), b"onet");
        let b = concatblock(bl);
        assert_eq!(b.data(), b"onetwo");
        let b2 = concatblock(Blist::from(b.clone()));
        assert_eq!(b2, b, "a single block comes back unchanged");
    }

    #[test]
    fn trimblock_cuts() {
        // trimblock(bp, offset, len): drop blocks before offset and after
        // offset+len; a list too short is freed.
        let mut bl = list(&[b"abc", b"def", b"ghi", b"jkl"]);
        assert!(trimblock(&mut bl, 4, 5));
        assert_eq!(bytes(&bl), b"efghi");
        assert_eq!(bl.len(), 2);
        let mut bl = list(&[b"abc", b"def"]);
        assert!(trimblock(&mut bl, 3, 0));
        assert_eq!(bl.len(), 1, "block with BLEN == offset stays, emptied");
        assert_eq!(blocklen(&bl), 0);
        let mut bl = list(&[b"abc", b"def"]);
        assert!(!trimblock(&mut bl, 2, 5));
        assert!(bl.is_empty());
    }

    #[test]
    fn readblist_offsets() {
        // readblist copies from an offset across blocks, list unchanged.
        let bl = list(&[b"abc", b"def", b"gh"]);
        let mut p = [0u8; 4];
        assert_eq!(readblist(&bl, &mut p, 2), 4);
        assert_eq!(&p, b"cdef");
        assert_eq!(readblist(&bl, &mut p, 6), 2);
        assert_eq!(&p[..2], b"gh");
        assert_eq!(readblist(&bl, &mut p, 8), 0);
        assert_eq!(blocklen(&bl), 8);
        assert_eq!(blockalloclen(&bl), 3 * (64 + 24));
    }

    #[test]
    fn adjust_pack_pull() {
        // adjustblock grows with zeros or cuts; negative frees.
        let b = adjustblock(blk(b"abcdef"), 3).unwrap();
        assert_eq!(b.data(), b"abc");
        let b = adjustblock(b, 5).unwrap();
        assert_eq!(b.data(), b"abc\0\0");
        let b = adjustblock(b, 200).unwrap();
        assert_eq!(b.blen(), 200);
        assert_eq!(&b.data()[..5], b"abc\0\0");
        assert!(adjustblock(b, -1).is_none());
        // packblock reallocates blocks using under a quarter of BALLOC.
        let mut big = allocb(1000);
        big.write(b"hi");
        let mut bl: Blist = [big, blk(&[1u8; 100])].into_iter().collect();
        packblock(&mut bl);
        assert_eq!(bl[0].balloc(), 64 + 24);
        assert_eq!(bl[0].data(), b"hi");
        assert_eq!(bl[1].balloc(), 64 + 120, "100 of 184 bytes is kept");
        // pullblock discards from the front, freeing emptied blocks.
        let mut bl = list(&[b"abc", b"def"]);
        assert_eq!(pullblock(&mut bl, 4), 4);
        assert_eq!(bytes(&bl), b"ef");
        assert_eq!(bl.len(), 1);
        assert_eq!(pullblock(&mut bl, 10), 2);
        assert!(bl.is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn list_ops_keep_bytes(
            parts in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..50), 1..8),
            a in 0usize..400,
            b in 0usize..400,
        ) {
            // pullupblock/trimblock/concatblock keep the data in order and
            // only move it between blocks.
            let bl: Blist = parts.iter().map(|p| blk(p)).collect();
            let all: Vec<u8> = parts.concat();
            let total = all.len();

            let mut x = bl.clone();
            let ok = pullupblock(&mut x, a);
            prop_assert_eq!(ok, a <= total);
            if ok {
                prop_assert!(x[0].blen() >= a);
                prop_assert_eq!(bytes(&x), all.clone());
            } else {
                prop_assert!(x.is_empty());
            }

            let (off, len) = (a.min(total), b);
            let mut y = bl.clone();
            let ok = trimblock(&mut y, off, len);
            prop_assert_eq!(ok, off + len <= total);
            if ok {
                prop_assert_eq!(bytes(&y), all[off..off + len].to_vec());
            }
            for b in &y {
                b.checkb("trim");
            }

            let c = concatblock(bl);
            prop_assert_eq!(c.data(), &all[..]);
        }
    }
}
