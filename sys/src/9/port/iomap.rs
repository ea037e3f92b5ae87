//! The I/O port map: a port of 9front's `port/iomap.c`.
//!
//! Drivers claim ranges of the I/O port space with [`IoMap::ioalloc`]
//! (or put them aside with [`IoMap::ioreserve`] and
//! [`IoMap::ioreservewin`], to be claimed later), give them back with
//! [`IoMap::iofree`], and `#P/iob` asks [`IoMap::iounused`] before it
//! touches a port. `#P/ioalloc` reads the map as [`IoMap::iomapread`]
//! gives it: one line per range, `%8lux %8lux %-12.12s\n` (first port,
//! last port, tag), and, as 9front's, no more than the rest of one line
//! per read.
//!
//! What differs from 9front: the map is a value ([`IoMap`], made by
//! [`IoMap::iomapinit`] with the mask of valid port bits) whose ranges
//! are a sorted `Vec` under an `ilock`, not a list of preallocated and
//! malloced `IOMap` structures; "no room" (9front's -1) is `None`;
//! `ioalloc`'s complaint about a clash is not printed here but returned
//! by [`IoMap::ioalloc_why`] for the kernel to print. The arithmetic is
//! 9front's `ulong` arithmetic (32 bits, wrapping), so the same odd sizes
//! and ports are refused. `addarchfile("ioalloc", ...)` is the arch
//! device's business (pc/devarch.rs).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::portfns::{ILock, Sched};

/// One range of ports (9front's `IOMap`): `start` up to, not including,
/// `end`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IoRange {
    pub start: u32,
    pub end: u32,
    /// Put aside by `ioreserve`, not yet allocated.
    pub reserved: bool,
    /// Who has it: at most 12 bytes (9front's `tag[13]`).
    pub tag: String,
}

/// The port map.
pub struct IoMap<S: Sched> {
    map: S::Lock<Vec<IoRange>>,
    mask: u32,
}

fn tag12(tag: &str) -> String {
    let mut n = tag.len().min(12);
    while !tag.is_char_boundary(n) {
        n -= 1;
    }
    String::from(&tag[..n])
}

impl<S: Sched> IoMap<S> {
    /// `iomapinit`: an empty map of the ports whose address bits are in
    /// `mask` (0xffff on a PC). 9front asserts that the mask is nonzero
    /// and below 2³¹; here such a mask is clamped to that.
    pub fn iomapinit(mask: u32) -> IoMap<S> {
        let mask = if mask == 0 { 0xffff } else { mask & 0x7fff_ffff };
        IoMap {
            map: S::Lock::new(Vec::new()),
            mask,
        }
    }

    /// The ranges, in order.
    pub fn ranges(&self) -> Vec<IoRange> {
        self.map.ilock().clone()
    }

    /// `ioreserve`: put aside `size` ports at `port`, or (`None`, 9front's
    /// -1) anywhere above 0x400, aligned to `align`. The first port.
    pub fn ioreserve(&self, port: Option<u32>, size: u32, align: u32, tag: &str) -> Option<u32> {
        match port {
            None => self.ioreservewin(0x400, 0u32.wrapping_sub(0x400) & self.mask, size, align, tag),
            Some(p) => self.ioreservewin(p, size, size, align, tag),
        }
    }

    /// `ioreservewin`: put aside `size` free ports, aligned to `align`
    /// (a power of two, or 0), within `win` ports from `port`.
    pub fn ioreservewin(&self, port: u32, win: u32, size: u32, align: u32, tag: &str) -> Option<u32> {
        let mask = self.mask;
        if win == 0 || port & !mask != 0 || (!port & mask) < (win.wrapping_sub(1) & mask) {
            return None;
        }
        let size = size.wrapping_add(!mask) & mask;
        if size == 0 || size > win {
            return None;
        }
        let mut align = align;
        if align != 0 {
            if align & (align - 1) != 0 {
                return None;
            }
            align -= 1;
        }
        let win = win.wrapping_add(port);
        let mut port = port.wrapping_add(align) & !align;
        if port >= win || win - port < size {
            return None;
        }
        let mut map = self.map.ilock();
        let mut at = map.len();
        for (i, m) in map.iter().enumerate() {
            if m.end <= port {
                continue;
            }
            if m.start > port && m.start - port >= size {
                at = i;
                break;
            }
            port = m.end.wrapping_add(align) & !align;
            if port >= win || win - port < size {
                return None;
            }
        }
        map.insert(
            at,
            IoRange {
                start: port,
                end: port.wrapping_add(size),
                reserved: true,
                tag: tag12(tag),
            },
        );
        Some(port)
    }

    /// `ioalloc`: claim `size` ports at `port`, or (`None`) wherever
    /// `ioreserve` finds room; a reserved range may be claimed whole or
    /// in part. The first port, or `None` if the ports are taken or the
    /// request is malformed.
    pub fn ioalloc(&self, port: Option<u32>, size: u32, align: u32, tag: &str) -> Option<u32> {
        self.ioalloc_why(port, size, align, tag).ok()
    }

    /// [`IoMap::ioalloc`], with 9front's message for a clash (empty for
    /// a malformed request) as the error.
    pub fn ioalloc_why(&self, port: Option<u32>, size: u32, align: u32, tag: &str) -> core::result::Result<u32, String> {
        let port = match port {
            Some(p) => p,
            None => self.ioreserve(None, size, align, tag).unwrap_or(u32::MAX),
        };
        let mask = self.mask;
        let size = size.wrapping_add(!mask) & mask;
        if size == 0 || port & !mask != 0 || (!port & mask) < (size.wrapping_sub(1) & mask) {
            return Err(String::new());
        }
        let mut map = self.map.ilock();
        let mut at = map.len();
        let mut i = 0;
        while i < map.len() {
            let m = &map[i];
            if m.end <= port {
                i += 1;
                continue;
            }
            if m.start > port && m.start - port >= size {
                at = i;
                break;
            }
            if m.reserved && m.start <= port && m.end - port >= size {
                let m = map.remove(i);
                let mut at = i;
                if m.start < port {
                    map.insert(
                        at,
                        IoRange {
                            start: m.start,
                            end: port,
                            reserved: true,
                            tag: m.tag.clone(),
                        },
                    );
                    at += 1;
                }
                map.insert(
                    at,
                    IoRange {
                        start: port,
                        end: port + size,
                        reserved: false,
                        tag: tag12(tag),
                    },
                );
                if m.end - port > size {
                    map.insert(
                        at + 1,
                        IoRange {
                            start: port + size,
                            end: m.end,
                            reserved: true,
                            tag: m.tag,
                        },
                    );
                }
                return Ok(port);
            }
            return Err(format!(
                "ioalloc: {:x} - {:x} {}: clashes with: {:x} - {:x} {}\n",
                port,
                port.wrapping_add(size).wrapping_sub(1),
                tag,
                m.start,
                m.end.wrapping_sub(1),
                m.tag
            ));
        }
        map.insert(
            at,
            IoRange {
                start: port,
                end: port.wrapping_add(size),
                reserved: false,
                tag: tag12(tag),
            },
        );
        Ok(port)
    }

    /// `iofree`: give back the range that starts at `port`.
    pub fn iofree(&self, port: u32) {
        if port & !self.mask != 0 {
            return;
        }
        let mut map = self.map.ilock();
        for i in 0..map.len() {
            if map[i].start == port {
                map.remove(i);
                return;
            }
            if map[i].start > port {
                return;
            }
        }
    }

    /// `iounused`: whether no port from `start` up to `end` is allocated
    /// (reserved ones count as unused).
    pub fn iounused(&self, start: u32, end: u32) -> bool {
        if start & !self.mask != 0 || end < start {
            return false;
        }
        for m in self.map.ilock().iter() {
            if m.end <= start {
                continue;
            }
            if m.start >= end {
                break;
            }
            if !m.reserved {
                return false;
            }
        }
        true
    }

    /// `iomapread`: at `offset` into the map's text, at most the rest of
    /// the line there, into `buf`; the count.
    pub fn iomapread(&self, buf: &mut [u8], offset: i64) -> usize {
        if offset < 0 {
            return 0;
        }
        let mut off = offset;
        for m in self.map.ilock().iter() {
            let line = iomapline(m);
            let l = line.len() as i64;
            if off < l {
                let b = &line.as_bytes()[off as usize..];
                let n = buf.len().min(b.len());
                buf[..n].copy_from_slice(&b[..n]);
                return n;
            }
            off -= l;
        }
        0
    }
}

/// One line of `#P/ioalloc`: 9front's `%8lux %8lux %-12.12s\n`.
pub fn iomapline(m: &IoRange) -> String {
    format!("{:8x} {:8x} {:<12.12}\n", m.start, m.end.wrapping_sub(1), m.tag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portfns::host::Host;

    fn map() -> IoMap<Host> {
        IoMap::iomapinit(0xffff)
    }

    fn text(m: &IoMap<Host>) -> String {
        let mut s = String::new();
        let mut off = 0i64;
        let mut buf = [0u8; 100];
        loop {
            let n = m.iomapread(&mut buf, off);
            if n == 0 {
                break;
            }
            s.push_str(core::str::from_utf8(&buf[..n]).unwrap());
            off += n as i64;
        }
        s
    }

    #[test]
    fn alloc_keeps_the_map_sorted_and_refuses_clashes() {
        // iomap.c's ioalloc: ranges are kept in port order; an overlap
        // with an allocated range fails (-1) and names both.
        let m = map();
        assert_eq!(m.ioalloc(Some(0x3f8), 8, 0, "eia0"), Some(0x3f8));
        assert_eq!(m.ioalloc(Some(0x70), 2, 0, "rtc/nvr"), Some(0x70));
        assert_eq!(m.ioalloc(Some(0x0fff), 1, 0, "dummy"), Some(0xfff));
        assert_eq!(m.ioalloc(Some(0x71), 1, 0, "x"), None);
        assert_eq!(
            m.ioalloc_why(Some(0x3fc), 8, 0, "y").unwrap_err(),
            "ioalloc: 3fc - 403 y: clashes with: 3f8 - 3ff eia0\n"
        );
        // Adjacent ranges do not clash.
        assert_eq!(m.ioalloc(Some(0x72), 1, 0, "next"), Some(0x72));
        let starts: Vec<u32> = m.ranges().iter().map(|r| r.start).collect();
        assert_eq!(starts, [0x70, 0x72, 0x3f8, 0xfff]);
    }

    #[test]
    fn malformed_requests_fail() {
        // Size 0, a port beyond the mask, a range running past 0xffff.
        let m = map();
        assert_eq!(m.ioalloc(Some(0x100), 0, 0, "z"), None);
        assert_eq!(m.ioalloc(Some(0x10000), 1, 0, "z"), None);
        assert_eq!(m.ioalloc(Some(0xfffe), 4, 0, "z"), None);
        assert_eq!(m.ioalloc(Some(0xfffc), 4, 0, "z"), Some(0xfffc));
        assert!(m.ranges().len() == 1);
    }

    #[test]
    fn reserved_ranges_are_split_when_claimed() {
        // ioreserve puts a range aside; ioalloc within it splits it,
        // leaving the rest reserved; reserved ports count as unused.
        let m = map();
        assert_eq!(m.ioreserve(Some(0x1000), 0x100, 0, "res"), Some(0x1000));
        assert!(m.iounused(0x1000, 0x1100));
        assert_eq!(m.ioalloc(Some(0x1010), 0x10, 0, "dev"), Some(0x1010));
        let r = m.ranges();
        assert_eq!(
            r.iter().map(|r| (r.start, r.end, r.reserved)).collect::<Vec<_>>(),
            [(0x1000, 0x1010, true), (0x1010, 0x1020, false), (0x1020, 0x1100, true)]
        );
        assert!(!m.iounused(0x1000, 0x1100));
        assert!(m.iounused(0x1000, 0x1010));
        assert!(!m.iounused(0x10, 0x8));
    }

    #[test]
    fn anywhere_is_above_0x400_and_aligned() {
        let m = map();
        assert_eq!(m.ioalloc(Some(0x400), 0x10, 0, "a"), Some(0x400));
        // Alignment 0x100: the next free aligned start after 0x410.
        assert_eq!(m.ioalloc(None, 0x20, 0x100, "b"), Some(0x500));
        assert_eq!(m.ioalloc(None, 8, 3, "c"), None);
        m.iofree(0x500);
        assert_eq!(m.ioalloc(None, 0x20, 0x100, "b2"), Some(0x500));
    }

    #[test]
    fn the_text_is_one_line_per_range_as_iomapread_prints() {
        // "%8lux %8lux %-12.12s\n": no 0x, padded, the tag cut at 12.
        let m = map();
        m.ioalloc(Some(0x70), 2, 0, "rtc/nvr");
        m.ioalloc(Some(0x3f8), 8, 0, "a very long tag name");
        assert_eq!(text(&m), "      70       71 rtc/nvr     \n     3f8      3ff a very long \n");
        // A read returns at most the rest of one line.
        let mut b = [0u8; 100];
        assert_eq!(m.iomapread(&mut b, 0), 31);
        assert_eq!(m.iomapread(&mut b, 25), 6);
        assert_eq!(&b[..6], b"     \n");
        assert_eq!(m.iomapread(&mut b, 62), 0);
    }
}
