//! The MD5 compression function: a port of 9front's
//! `libsec/port/md5block.c` (`_md5block`).
//!
//! 9front unrolls each round by four with a table of the RFC's sine
//! constants; this lists the same RFC constants (`floor(abs(sin(i)) *
//! 2^32)`) and runs the 64 steps in a loop with the RFC's message-word
//! schedule for each round.

use crate::DigestState;

/// The RFC 1321 constants T[1..64].
const T: [u32; 64] = [
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
];

/// Rotations of each round, by step within a group of four.
const S: [[u32; 4]; 4] = [[7, 12, 17, 22], [5, 9, 14, 20], [4, 11, 16, 23], [6, 10, 15, 21]];

/// `_md5block`: hashes whole 64-byte blocks of `p` into `s.state[..4]`.
pub(crate) fn md5block(s: &mut DigestState, p: &[u8]) {
    for blk in p.chunks_exact(64) {
        let mut x = [0u32; 16];
        for (i, w) in x.iter_mut().enumerate() {
            *w = u32::from_le_bytes([blk[4 * i], blk[4 * i + 1], blk[4 * i + 2], blk[4 * i + 3]]);
        }
        let [mut a, mut b, mut c, mut d] = [s.state[0], s.state[1], s.state[2], s.state[3]];
        for i in 0..64 {
            let round = i / 16;
            let (f, g) = match round {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let t = a.wrapping_add(f).wrapping_add(x[g]).wrapping_add(T[i]);
            let t = b.wrapping_add(t.rotate_left(S[round][i % 4]));
            a = d;
            d = c;
            c = b;
            b = t;
        }
        s.state[0] = s.state[0].wrapping_add(a);
        s.state[1] = s.state[1].wrapping_add(b);
        s.state[2] = s.state[2].wrapping_add(c);
        s.state[3] = s.state[3].wrapping_add(d);
    }
}
