//! SHA-1 (FIPS 180): a port of 9front's `libsec/port/sha1.c`.
//!
//! As md5.c, split into [`sha1`] (a seeded state), update and finish; the
//! bit count and the five chaining words are big-endian. `hmac_sha1` is
//! not ported yet.

use crate::sha1block::sha1block;
use crate::{DigestState, Layout, SHA1DLEN};
use alloc::vec::Vec;

/// A fresh SHA-1 state: `sha1(nil, 0, nil, nil)`.
pub fn sha1() -> DigestState {
    let mut s = DigestState::seeded(Layout::Be32, SHA1DLEN, sha1block);
    s.state[..5].copy_from_slice(&[0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476, 0xc3d2_e1f0]);
    s
}

/// The SHA-1 digest of `p` in one call.
pub fn sha1sum(p: &[u8]) -> Vec<u8> {
    let mut s = sha1();
    s.feed(p);
    s.end()
}
