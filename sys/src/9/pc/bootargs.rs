//! Boot arguments: the Multiboot information structure, and the
//! plan9.ini-style configuration words of the kernel command line.
//!
//! Ports part of 9front `sys/src/9/pc/bootargs.c`. In 9front,
//! `multibootargs` turns the Multiboot information into plan9.ini text
//! (an `*e820=` line from the memory map, the first module as plan9.ini,
//! one line per command-line word) in BOOTARGS, `bootargsinit` splits
//! that into `name=value` pairs, and `getconf` looks names up. planten
//! has no allocator and no BOOTARGS page yet, so here the same ideas are
//! pure functions over byte slices that the caller got from the loader's
//! memory:
//!
//! - [`multiboot`] decodes the fixed part of the information structure;
//! - [`Mmap`] walks the memory map as 9front's loop does (entries whose
//!   size field is under 20, or that run past the map, end it);
//! - [`tokenize`] splits the command line into words the way libc's
//!   `tokenize` does (white space outside single quotes; `''` inside
//!   quotes is a quote), but returns each word as written, quotes kept:
//!   unquoting needs a buffer;
//! - [`getconf`] finds a `name=value` word, the name compared without
//!   regard to ASCII case, the last one winning, as in bootargs.c.
//!
//! Not ported: the framebuffer and VBE information, plan9.ini passed as
//! the first module, `setconfenv` and `writeconf`.
//!
//! This file refers to nothing else in the kernel, so its tests run on
//! the host: `cargo test -p pc64` compiles it into `pc64/tests/pc.rs`.

/// What a Multiboot v1 loader leaves in EAX.
pub const MBOOTMAGIC: u32 = 0x2BAD_B002;

/// Information flags: mem_lower and mem_upper are valid.
pub const MBMEM: u32 = 1 << 0;
/// Information flags: cmdline is valid.
pub const MBCMDLINE: u32 = 1 << 2;
/// Information flags: mmap_length and mmap_addr are valid.
pub const MBMMAP: u32 = 1 << 6;

/// Bytes of the information structure [`multiboot`] reads (up to and
/// including mmap_addr).
pub const MBINFOLEN: usize = 52;

/// The parts of the Multiboot information the kernel uses so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Multiboot {
    pub flags: u32,
    /// KiB of memory from 0, if the loader said (flag bit 0).
    pub mem: Option<(u32, u32)>,
    /// Physical address of the NUL-terminated command line (bit 2).
    pub cmdline: Option<u32>,
    /// Physical address and length in bytes of the memory map (bit 6).
    pub mmap: Option<(u32, u32)>,
}

fn le32(b: &[u8], off: usize) -> Option<u32> {
    let w = b.get(off..off + 4)?;
    Some(u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
}

fn le64(b: &[u8], off: usize) -> Option<u64> {
    Some(le32(b, off)? as u64 | (le32(b, off + 4)? as u64) << 32)
}

/// Decode the information structure `info` (at least [`MBINFOLEN`]
/// bytes). Fields whose flag is off, or whose address is 0, are `None`;
/// as in bootargs.c, a memory map shorter than one entry (24 bytes) is
/// ignored.
pub fn multiboot(info: &[u8]) -> Option<Multiboot> {
    let flags = le32(info, 0)?;
    let mut mb = Multiboot {
        flags,
        mem: None,
        cmdline: None,
        mmap: None,
    };
    if flags & MBMEM != 0 {
        mb.mem = Some((le32(info, 4)?, le32(info, 8)?));
    }
    if flags & MBCMDLINE != 0 {
        mb.cmdline = Some(le32(info, 16)?).filter(|&a| a != 0);
    }
    if flags & MBMMAP != 0 {
        let len = le32(info, 44)?;
        let addr = le32(info, 48)?;
        if len >= 24 && addr != 0 {
            mb.mmap = Some((addr, len));
        }
    }
    Some(mb)
}

/// One entry of the Multiboot memory map: a BIOS E820 range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MmapEntry {
    pub base: u64,
    pub len: u64,
    pub typ: u32,
}

/// The entries of a Multiboot memory map, given its bytes.
#[derive(Clone, Debug)]
pub struct Mmap<'a> {
    rest: &'a [u8],
}

impl<'a> Mmap<'a> {
    pub fn new(map: &'a [u8]) -> Self {
        Mmap { rest: map }
    }
}

impl Iterator for Mmap<'_> {
    type Item = MmapEntry;

    fn next(&mut self) -> Option<MmapEntry> {
        // Each entry is a 32-bit size, not counting itself, then the
        // entry proper: base (64 bits), length (64 bits), type (32 bits).
        let size = le32(self.rest, 0)? as usize;
        if size < 20 || size > self.rest.len() - 4 {
            self.rest = &[];
            return None;
        }
        let e = MmapEntry {
            base: le64(self.rest, 4)?,
            len: le64(self.rest, 12)?,
            typ: le32(self.rest, 20)?,
        };
        self.rest = &self.rest[4 + size..];
        Some(e)
    }
}

/// The bytes of `b` before its first NUL (all of `b` if there is none).
pub fn cstr(b: &[u8]) -> &[u8] {
    match b.iter().position(|&c| c == 0) {
        Some(n) => &b[..n],
        None => b,
    }
}

fn isspace(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// The words of `s`, split at white space outside single quotes.
pub fn tokenize(s: &[u8]) -> Tokens<'_> {
    Tokens { rest: s }
}

/// Iterator returned by [`tokenize`].
#[derive(Clone, Debug)]
pub struct Tokens<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Tokens<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let start = self.rest.iter().position(|&c| !isspace(c))?;
        let s = &self.rest[start..];
        let mut quoted = false;
        let mut i = 0;
        while i < s.len() {
            let c = s[i];
            if quoted {
                if c == b'\'' {
                    if s.get(i + 1) == Some(&b'\'') {
                        i += 1; // '' is a literal quote
                    } else {
                        quoted = false;
                    }
                }
            } else if c == b'\'' {
                quoted = true;
            } else if isspace(c) {
                break;
            }
            i += 1;
        }
        self.rest = &s[i..];
        Some(&s[..i])
    }
}

/// The value of the last `name=value` word of `cmdline` whose name
/// equals `name` ignoring ASCII case; words starting with `#` are
/// comments. The value is as written (quotes kept).
pub fn getconf<'a>(cmdline: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    tokenize(cmdline)
        .filter(|w| w.first() != Some(&b'#'))
        .filter_map(|w| {
            let eq = w.iter().position(|&c| c == b'=')?;
            Some((&w[..eq], &w[eq + 1..]))
        })
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .last()
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put32(v: &mut [u8], off: usize, x: u32) {
        v[off..off + 4].copy_from_slice(&x.to_le_bytes());
    }

    fn entry(base: u64, len: u64, typ: u32) -> [u8; 24] {
        let mut e = [0u8; 24];
        e[0..4].copy_from_slice(&20u32.to_le_bytes());
        e[4..12].copy_from_slice(&base.to_le_bytes());
        e[12..20].copy_from_slice(&len.to_le_bytes());
        e[20..24].copy_from_slice(&typ.to_le_bytes());
        e
    }

    #[test]
    fn info() {
        let mut b = [0u8; MBINFOLEN];
        put32(&mut b, 0, MBMEM | MBCMDLINE | MBMMAP);
        put32(&mut b, 4, 639);
        put32(&mut b, 8, 523264);
        put32(&mut b, 16, 0x9000);
        put32(&mut b, 44, 144);
        put32(&mut b, 48, 0x9100);
        let mb = multiboot(&b).unwrap();
        assert_eq!(mb.mem, Some((639, 523264)));
        assert_eq!(mb.cmdline, Some(0x9000));
        assert_eq!(mb.mmap, Some((0x9100, 144)));

        put32(&mut b, 0, MBMEM);
        let mb = multiboot(&b).unwrap();
        assert_eq!((mb.cmdline, mb.mmap), (None, None));
        assert_eq!(multiboot(&b[..4]), None);
    }

    #[test]
    fn mmap() {
        let mut m = Vec::new();
        m.extend_from_slice(&entry(0, 0x9fc00, 1));
        m.extend_from_slice(&entry(0x9fc00, 0x400, 2));
        m.extend_from_slice(&entry(0x100000, 0x1fee0000, 1));
        let v: Vec<_> = Mmap::new(&m).collect();
        assert_eq!(v.len(), 3);
        assert_eq!(
            v[1],
            MmapEntry {
                base: 0x9fc00,
                len: 0x400,
                typ: 2
            }
        );

        // A truncated last entry ends the walk.
        let v: Vec<_> = Mmap::new(&m[..m.len() - 1]).collect();
        assert_eq!(v.len(), 2);

        // Entries may be larger than 20 bytes; the size field says.
        let mut big = entry(0x1000, 0x2000, 1).to_vec();
        big[0..4].copy_from_slice(&24u32.to_le_bytes());
        big.extend_from_slice(&[0xff; 4]);
        big.extend_from_slice(&entry(0x5000, 0x1000, 3));
        let v: Vec<_> = Mmap::new(&big).collect();
        assert_eq!(v.len(), 2);
        assert_eq!(v[1].typ, 3);

        // A size under 20 ends it.
        let mut bad = entry(0, 1, 1);
        bad[0] = 8;
        assert_eq!(Mmap::new(&bad).count(), 0);
    }

    #[test]
    fn words() {
        let s = b"  console=0 rcmd='echo hi' x='it''s'\tlast ";
        let v: Vec<&[u8]> = tokenize(s).collect();
        assert_eq!(
            v,
            [&b"console=0"[..], b"rcmd='echo hi'", b"x='it''s'", b"last"]
        );
        assert_eq!(tokenize(b"   ").count(), 0);
        assert_eq!(cstr(b"ab\0cd"), b"ab");
        assert_eq!(cstr(b"ab"), b"ab");
    }

    #[test]
    fn conf() {
        let s = b"rcmd=true RCMD=false #x=1 novalue console=0";
        assert_eq!(getconf(s, b"rcmd"), Some(&b"false"[..]));
        assert_eq!(getconf(s, b"console"), Some(&b"0"[..]));
        assert_eq!(getconf(s, b"x"), None);
        assert_eq!(getconf(s, b"novalue"), None);
        assert_eq!(getconf(b"rcmd=", b"rcmd"), Some(&b""[..]));
    }
}
