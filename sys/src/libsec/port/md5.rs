//! MD5 (RFC 1321): a port of 9front's `libsec/port/md5.c`.
//!
//! 9front's `md5(p, len, digest, s)` is split as the crate describes:
//! [`md5`] makes a seeded state, [`crate::Digest::update`] feeds it and
//! [`crate::Digest::finish`] pads (0x80, zeros, the bit count as eight
//! little-endian bytes) and encodes the four chaining words little-endian.
//! `hmac_md5` (hmac.c) is not ported yet.

use crate::md5block::md5block;
use crate::{DigestState, Layout, MD5DLEN};
use alloc::vec::Vec;

/// A fresh MD5 state: `md5(nil, 0, nil, nil)`.
pub fn md5() -> DigestState {
    let mut s = DigestState::seeded(Layout::Le32, MD5DLEN, md5block);
    s.state[..4].copy_from_slice(&[0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476]);
    s
}

/// The MD5 digest of `p` in one call.
pub fn md5sum(p: &[u8]) -> Vec<u8> {
    let mut s = md5();
    s.feed(p);
    s.end()
}
