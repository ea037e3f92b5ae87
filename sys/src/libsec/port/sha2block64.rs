//! The SHA-224/256 compression function: a port of 9front's
//! `libsec/port/sha2block64.c` (`_sha2block64`).
//!
//! 9front unrolls the 64 rounds over a 16-word rolling schedule; this
//! loops over the same schedule with FIPS 180-2's functions.

use crate::DigestState;

/// The first 32 bits of the fractional parts of the cube roots of the
/// first 64 primes.
const K256: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// `_sha2block64`: hashes whole 64-byte blocks of `p` into `s.state`.
pub(crate) fn sha2block64(s: &mut DigestState, p: &[u8]) {
    for blk in p.chunks_exact(64) {
        let mut w = [0u32; 16];
        let mut v = s.state;
        for i in 0..64 {
            if i < 16 {
                w[i] = u32::from_be_bytes([blk[4 * i], blk[4 * i + 1], blk[4 * i + 2], blk[4 * i + 3]]);
            } else {
                let x = w[(i + 14) & 15];
                let y = w[(i + 1) & 15];
                let s1 = x.rotate_right(17) ^ x.rotate_right(19) ^ (x >> 10);
                let s0 = y.rotate_right(7) ^ y.rotate_right(18) ^ (y >> 3);
                w[i & 15] = w[i & 15].wrapping_add(s1).wrapping_add(w[(i + 9) & 15]).wrapping_add(s0);
            }
            let [a, b, c, d, e, f, g, h] = v;
            let t1 = h
                .wrapping_add(e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25))
                .wrapping_add(g ^ (e & (f ^ g)))
                .wrapping_add(K256[i])
                .wrapping_add(w[i & 15]);
            let t2 = (a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22)).wrapping_add((a & b) | (c & (a | b)));
            v = [t1.wrapping_add(t2), a, b, c, d.wrapping_add(t1), e, f, g];
        }
        for (st, x) in s.state.iter_mut().zip(v) {
            *st = st.wrapping_add(x);
        }
    }
}
