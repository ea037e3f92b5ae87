//! planten's libsec: the Rust port of 9front's `sys/src/libsec`.
//!
//! So far the message digests of `libsec/port`: MD5 (`md5.c`,
//! `md5block.c`), SHA-1 (`sha1.c`, `sha1block.c`) and SHA-2
//! (`sha2_64.c`, `sha2block64.c` for SHA-224/256, `sha2_128.c`,
//! `sha2block128.c` for SHA-384/512). One module per C file, under
//! `port/` as in 9front.
//!
//! What differs from `libsec.h`: 9front's digest functions take a
//! `DigestState*` that `nil` allocates and a `digest` pointer that, when
//! not nil, finishes the hash and frees the state. Here a state is a value
//! ([`DigestState`]) made by each algorithm's `new`, fed with
//! [`Digest::update`] and consumed by [`Digest::finish`], so a finished
//! state cannot be fed again and nothing is freed by hand. The
//! block-at-a-time buffering and padding of `md5.c`, `sha1.c`,
//! `sha2_64.c` and `sha2_128.c` is the same rule everywhere and lives in
//! [`DigestState`]; each algorithm supplies its block function, initial
//! state and byte order. The assembler block functions of 9front's
//! `amd64/` and `386/` directories are not ported; the portable ones are.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

#[path = "port/md5.rs"]
pub mod md5;
#[path = "port/md5block.rs"]
pub mod md5block;
#[path = "port/sha1.rs"]
pub mod sha1;
#[path = "port/sha1block.rs"]
pub mod sha1block;
#[path = "port/sha2_64.rs"]
pub mod sha2_64;
#[path = "port/sha2block64.rs"]
pub mod sha2block64;
#[path = "port/sha2_128.rs"]
pub mod sha2_128;
#[path = "port/sha2block128.rs"]
pub mod sha2block128;

use alloc::vec::Vec;

/// `MD5dlen`: bytes in an MD5 digest.
pub const MD5DLEN: usize = 16;
/// `SHA1dlen`.
pub const SHA1DLEN: usize = 20;
/// `SHA2_224dlen`.
pub const SHA2_224DLEN: usize = 28;
/// `SHA2_256dlen`.
pub const SHA2_256DLEN: usize = 32;
/// `SHA2_384dlen`.
pub const SHA2_384DLEN: usize = 48;
/// `SHA2_512dlen`.
pub const SHA2_512DLEN: usize = 64;

pub use md5::md5;
pub use sha1::sha1;
pub use sha2_128::{sha2_384, sha2_512};
pub use sha2_64::{sha2_224, sha2_256};

/// A running digest: what 9front's digest functions do with a
/// `DigestState`, as a trait so that a program (sha1sum) can pick the
/// algorithm at run time.
pub trait Digest {
    /// Bytes in the finished digest (`MD5dlen`, `SHA1dlen`, ...).
    fn dlen(&self) -> usize;
    /// Feeds `p`: the `digest == nil` call of 9front's functions.
    fn update(&mut self, p: &[u8]);
    /// Pads, hashes the rest and returns the digest: the last call, with
    /// a digest pointer.
    fn finish(self: alloc::boxed::Box<Self>) -> Vec<u8>;
}

/// How an algorithm lays out its state and its length field.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Layout {
    /// 64-byte blocks, 32-bit words little-endian, 8-byte length (MD5).
    Le32,
    /// 64-byte blocks, 32-bit words big-endian, 8-byte length (SHA-1,
    /// SHA-224/256).
    Be32,
    /// 128-byte blocks, 64-bit words big-endian, 16-byte length
    /// (SHA-384/512).
    Be64,
}

/// 9front's `DigestState` (`MD5state`, `SHA1state`, `SHA2_*state`): the
/// chaining values, the bytes hashed so far and a partial block.
#[derive(Clone)]
pub struct DigestState {
    /// Bytes hashed in whole blocks so far (9front's `len`).
    pub(crate) len: u64,
    /// 32-bit chaining values (`state`), unused by SHA-384/512.
    pub(crate) state: [u32; 8],
    /// 64-bit chaining values (`bstate`) of SHA-384/512.
    pub(crate) bstate: [u64; 8],
    /// The partial block (`buf`, `blen`).
    pub(crate) buf: [u8; 128],
    pub(crate) blen: usize,
    pub(crate) layout: Layout,
    pub(crate) dlen: usize,
    pub(crate) block: fn(&mut DigestState, &[u8]),
}

impl DigestState {
    fn blocksize(&self) -> usize {
        if self.layout == Layout::Be64 {
            128
        } else {
            64
        }
    }

    /// The common middle of md5.c, sha1.c, sha2_64.c and sha2_128.c: fill
    /// the partial block, hash whole blocks, keep the rest.
    pub(crate) fn feed(&mut self, mut p: &[u8]) {
        let bs = self.blocksize();
        if self.blen > 0 {
            let i = (bs - self.blen).min(p.len());
            let blen = self.blen;
            self.buf[blen..blen + i].copy_from_slice(&p[..i]);
            self.blen += i;
            p = &p[i..];
            if self.blen == bs {
                let buf = self.buf;
                (self.block)(self, &buf[..bs]);
                self.len += bs as u64;
                self.blen = 0;
            }
        }
        let whole = p.len() & !(bs - 1);
        if whole > 0 {
            (self.block)(self, &p[..whole]);
            self.len += whole as u64;
            p = &p[whole..];
        }
        if !p.is_empty() {
            let blen = self.blen;
            self.buf[blen..blen + p.len()].copy_from_slice(p);
            self.blen += p.len();
        }
    }

    /// The last call: pad with 0x80 and zeros to the length field, append
    /// the length in bits in the algorithm's byte order, hash, and encode
    /// the chaining values as the digest.
    pub(crate) fn end(mut self) -> Vec<u8> {
        let bs = self.blocksize();
        let lenfield = if self.layout == Layout::Be64 { 16 } else { 8 };
        let mut last = [0u8; 256];
        let n = self.blen;
        last[..n].copy_from_slice(&self.buf[..n]);
        self.len += n as u64;
        let pad = if n < bs - lenfield { bs - lenfield - n } else { 2 * bs - lenfield - n };
        last[n] = 0x80;
        let mut total = n + pad;
        let bits = self.len << 3;
        match self.layout {
            Layout::Le32 => last[total..total + 8].copy_from_slice(&bits.to_le_bytes()),
            Layout::Be32 => last[total..total + 8].copy_from_slice(&bits.to_be_bytes()),
            // sha2_128.c writes a zero high half: lengths below 2^64 bits.
            Layout::Be64 => last[total + 8..total + 16].copy_from_slice(&bits.to_be_bytes()),
        }
        total += lenfield;
        (self.block)(&mut self, &last[..total]);
        let mut out = Vec::with_capacity(self.dlen);
        match self.layout {
            Layout::Le32 => {
                for w in &self.state[..self.dlen / 4] {
                    out.extend_from_slice(&w.to_le_bytes());
                }
            }
            Layout::Be32 => {
                for w in &self.state[..self.dlen / 4] {
                    out.extend_from_slice(&w.to_be_bytes());
                }
            }
            Layout::Be64 => {
                for w in &self.bstate[..self.dlen.div_ceil(8)] {
                    out.extend_from_slice(&w.to_be_bytes());
                }
                out.truncate(self.dlen);
            }
        }
        out
    }

    pub(crate) fn seeded(layout: Layout, dlen: usize, block: fn(&mut DigestState, &[u8])) -> DigestState {
        DigestState { len: 0, state: [0; 8], bstate: [0; 8], buf: [0; 128], blen: 0, layout, dlen, block }
    }
}

impl Digest for DigestState {
    fn dlen(&self) -> usize {
        self.dlen
    }
    fn update(&mut self, p: &[u8]) {
        self.feed(p)
    }
    fn finish(self: alloc::boxed::Box<Self>) -> Vec<u8> {
        (*self).end()
    }
}

/// Formats a digest as lower-case hexadecimal, two digits a byte, as the
/// `%.2ux` loops of md5sum.c and sha1sum.c.
pub fn hex(digest: &[u8]) -> alloc::string::String {
    use core::fmt::Write;
    let mut s = alloc::string::String::with_capacity(digest.len() * 2);
    for b in digest {
        let _ = write!(s, "{b:02x}");
    }
    s
}
