//! SHA-224 and SHA-256 (FIPS 180-2): a port of 9front's
//! `libsec/port/sha2_64.c`.
//!
//! Both share `_sha2block64` and the 64-byte padding; SHA-224 starts from
//! its own initial values and keeps seven of the eight words. Split into
//! a seeding function, update and finish as the crate describes; the HMAC
//! wrappers are not ported yet.

use crate::sha2block64::sha2block64;
use crate::{DigestState, Layout, SHA2_224DLEN, SHA2_256DLEN};
use alloc::vec::Vec;

/// A fresh SHA-224 state.
pub fn sha2_224() -> DigestState {
    let mut s = DigestState::seeded(Layout::Be32, SHA2_224DLEN, sha2block64);
    s.state = [0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939, 0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4];
    s
}

/// A fresh SHA-256 state.
pub fn sha2_256() -> DigestState {
    let mut s = DigestState::seeded(Layout::Be32, SHA2_256DLEN, sha2block64);
    s.state = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    s
}

/// The SHA-256 digest of `p` in one call.
pub fn sha2_256sum(p: &[u8]) -> Vec<u8> {
    let mut s = sha2_256();
    s.feed(p);
    s.end()
}
