//! SHA-384 and SHA-512 (FIPS 180-2): a port of 9front's
//! `libsec/port/sha2_128.c`.
//!
//! Both share `_sha2block128` and the 128-byte padding; as in 9front the
//! 128-bit length field's high half is zero. SHA-384 starts from its own
//! initial values and keeps six of the eight words. The HMAC wrappers are
//! not ported yet.

use crate::sha2block128::sha2block128;
use crate::{DigestState, Layout, SHA2_384DLEN, SHA2_512DLEN};
use alloc::vec::Vec;

/// A fresh SHA-384 state.
pub fn sha2_384() -> DigestState {
    let mut s = DigestState::seeded(Layout::Be64, SHA2_384DLEN, sha2block128);
    s.bstate = [
        0xcbbb9d5dc1059ed8, 0x629a292a367cd507, 0x9159015a3070dd17, 0x152fecd8f70e5939,
        0x67332667ffc00b31, 0x8eb44a8768581511, 0xdb0c2e0d64f98fa7, 0x47b5481dbefa4fa4,
    ];
    s
}

/// A fresh SHA-512 state.
pub fn sha2_512() -> DigestState {
    let mut s = DigestState::seeded(Layout::Be64, SHA2_512DLEN, sha2block128);
    s.bstate = [
        0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
        0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
    ];
    s
}

/// The SHA-512 digest of `p` in one call.
pub fn sha2_512sum(p: &[u8]) -> Vec<u8> {
    let mut s = sha2_512();
    s.feed(p);
    s.end()
}
