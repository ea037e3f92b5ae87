//! The SHA-1 compression function: a port of 9front's
//! `libsec/port/sha1block.c` (`_sha1block`).
//!
//! 9front unrolls the 80 steps with a 16-word rolling schedule; this runs
//! them in a loop over the same rolling schedule.

use crate::DigestState;

/// `_sha1block`: hashes whole 64-byte blocks of `p` into `s.state[..5]`.
pub(crate) fn sha1block(s: &mut DigestState, p: &[u8]) {
    for blk in p.chunks_exact(64) {
        let mut w = [0u32; 16];
        let [mut a, mut b, mut c, mut d, mut e] = [s.state[0], s.state[1], s.state[2], s.state[3], s.state[4]];
        for i in 0..80 {
            let wi = if i < 16 {
                w[i] = u32::from_be_bytes([blk[4 * i], blk[4 * i + 1], blk[4 * i + 2], blk[4 * i + 3]]);
                w[i]
            } else {
                let x = w[(i + 13) & 15] ^ w[(i + 8) & 15] ^ w[(i + 2) & 15] ^ w[i & 15];
                w[i & 15] = x.rotate_left(1);
                w[i & 15]
            };
            let f = match i / 20 {
                0 => (d ^ (b & (c ^ d))).wrapping_add(0x5a82_7999),
                1 => (b ^ c ^ d).wrapping_add(0x6ed9_eba1),
                2 => ((b & c) | ((b | c) & d)).wrapping_add(0x8f1b_bcdc),
                _ => (b ^ c ^ d).wrapping_add(0xca62_c1d6),
            };
            let t = a.rotate_left(5).wrapping_add(f).wrapping_add(e).wrapping_add(wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        s.state[0] = s.state[0].wrapping_add(a);
        s.state[1] = s.state[1].wrapping_add(b);
        s.state[2] = s.state[2].wrapping_add(c);
        s.state[3] = s.state[3].wrapping_add(d);
        s.state[4] = s.state[4].wrapping_add(e);
    }
}
