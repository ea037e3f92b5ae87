//! The kernel's random number generator: 9front's `port/random.c`.
//!
//! As 9front's: a ChaCha20 generator (RFC 7539 layout: a 32-byte key,
//! a block counter and a 96-bit nonce) whose key and nonce are the
//! SHA-512 of a 64-byte seed. The seed is gathered by [`Seedbuf`] from
//! timer jitter: a process counts in a loop ([`Seedbuf::count`]) while
//! a periodic timer, at a frequency near but not equal to the clock's,
//! samples how far it got ([`Seedbuf::randomsample`]), folding two bits
//! of each count into the buffer, four samples a byte. `randomread`
//! copies the state, uses the copy first to re-key the state (the key
//! is encrypted with the copy's first block) and then, with the nonce
//! of the state incremented, to encrypt the caller's buffer; so no two
//! reads share a key stream, and the state never holds a key that
//! produced output. `lrand` is xoroshiro128+ seeded by `randomread`.
//!
//! What differs from 9front: the ChaCha20 block and SHA-512 are here
//! (9front takes them from libsec); the state is a value the kernel
//! keeps under its QLock rather than a static; `randomread` takes a
//! slice; no `hwrandbuf` (the kernel may XOR one in first), no
//! `secalloc`. The kernel's sampling period is its own (see pc64's use).

/// The ChaCha constants "expand 32-byte k".
const SIGMA: [u32; 4] = [0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574];

/// A ChaCha state (libsec's `Chachastate` with a 96-bit iv).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Chacha {
    input: [u32; 16],
    rounds: u32,
}

fn qr(x: &mut [u32; 16], a: usize, b: usize, c: usize, d: usize) {
    x[a] = x[a].wrapping_add(x[b]);
    x[d] = (x[d] ^ x[a]).rotate_left(16);
    x[c] = x[c].wrapping_add(x[d]);
    x[b] = (x[b] ^ x[c]).rotate_left(12);
    x[a] = x[a].wrapping_add(x[b]);
    x[d] = (x[d] ^ x[a]).rotate_left(8);
    x[c] = x[c].wrapping_add(x[d]);
    x[b] = (x[b] ^ x[c]).rotate_left(7);
}

fn le32(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

impl Chacha {
    /// `setupChachastate` with a 32-byte key and a 12-byte iv; the block
    /// counter starts at 0.
    pub fn new(key: &[u8; 32], iv: &[u8; 12], rounds: u32) -> Chacha {
        let mut input = [0u32; 16];
        input[..4].copy_from_slice(&SIGMA);
        for i in 0..8 {
            input[4 + i] = le32(&key[4 * i..]);
        }
        for i in 0..3 {
            input[13 + i] = le32(&iv[4 * i..]);
        }
        Chacha {
            input,
            rounds: if rounds == 0 { 20 } else { rounds },
        }
    }

    /// `chacha_setblock`.
    pub fn setblock(&mut self, n: u32) {
        self.input[12] = n;
    }

    /// One key stream block, advancing the counter.
    fn block(&mut self) -> [u8; 64] {
        let mut x = self.input;
        for _ in 0..self.rounds / 2 {
            qr(&mut x, 0, 4, 8, 12);
            qr(&mut x, 1, 5, 9, 13);
            qr(&mut x, 2, 6, 10, 14);
            qr(&mut x, 3, 7, 11, 15);
            qr(&mut x, 0, 5, 10, 15);
            qr(&mut x, 1, 6, 11, 12);
            qr(&mut x, 2, 7, 8, 13);
            qr(&mut x, 3, 4, 9, 14);
        }
        let mut out = [0u8; 64];
        for i in 0..16 {
            out[4 * i..4 * i + 4].copy_from_slice(&x[i].wrapping_add(self.input[i]).to_le_bytes());
        }
        self.input[12] = self.input[12].wrapping_add(1);
        out
    }

    /// `chacha_encrypt`: XOR `buf` with the key stream; a partial last
    /// block uses up the whole block, as libsec's does.
    pub fn encrypt(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(64) {
            let k = self.block();
            for (b, k) in chunk.iter_mut().zip(k.iter()) {
                *b ^= k;
            }
        }
    }
}

const K512: [u64; 80] = [
    0x428a2f98d728ae22,
    0x7137449123ef65cd,
    0xb5c0fbcfec4d3b2f,
    0xe9b5dba58189dbbc,
    0x3956c25bf348b538,
    0x59f111f1b605d019,
    0x923f82a4af194f9b,
    0xab1c5ed5da6d8118,
    0xd807aa98a3030242,
    0x12835b0145706fbe,
    0x243185be4ee4b28c,
    0x550c7dc3d5ffb4e2,
    0x72be5d74f27b896f,
    0x80deb1fe3b1696b1,
    0x9bdc06a725c71235,
    0xc19bf174cf692694,
    0xe49b69c19ef14ad2,
    0xefbe4786384f25e3,
    0x0fc19dc68b8cd5b5,
    0x240ca1cc77ac9c65,
    0x2de92c6f592b0275,
    0x4a7484aa6ea6e483,
    0x5cb0a9dcbd41fbd4,
    0x76f988da831153b5,
    0x983e5152ee66dfab,
    0xa831c66d2db43210,
    0xb00327c898fb213f,
    0xbf597fc7beef0ee4,
    0xc6e00bf33da88fc2,
    0xd5a79147930aa725,
    0x06ca6351e003826f,
    0x142929670a0e6e70,
    0x27b70a8546d22ffc,
    0x2e1b21385c26c926,
    0x4d2c6dfc5ac42aed,
    0x53380d139d95b3df,
    0x650a73548baf63de,
    0x766a0abb3c77b2a8,
    0x81c2c92e47edaee6,
    0x92722c851482353b,
    0xa2bfe8a14cf10364,
    0xa81a664bbc423001,
    0xc24b8b70d0f89791,
    0xc76c51a30654be30,
    0xd192e819d6ef5218,
    0xd69906245565a910,
    0xf40e35855771202a,
    0x106aa07032bbd1b8,
    0x19a4c116b8d2d0c8,
    0x1e376c085141ab53,
    0x2748774cdf8eeb99,
    0x34b0bcb5e19b48a8,
    0x391c0cb3c5c95a63,
    0x4ed8aa4ae3418acb,
    0x5b9cca4f7763e373,
    0x682e6ff3d6b2b8a3,
    0x748f82ee5defb2fc,
    0x78a5636f43172f60,
    0x84c87814a1f0ab72,
    0x8cc702081a6439ec,
    0x90befffa23631e28,
    0xa4506cebde82bde9,
    0xbef9a3f7b2c67915,
    0xc67178f2e372532b,
    0xca273eceea26619c,
    0xd186b8c721c0c207,
    0xeada7dd6cde0eb1e,
    0xf57d4f7fee6ed178,
    0x06f067aa72176fba,
    0x0a637dc5a2c898a6,
    0x113f9804bef90dae,
    0x1b710b35131c471b,
    0x28db77f523047d84,
    0x32caab7b40c72493,
    0x3c9ebe0a15c9bebc,
    0x431d67c49c100d4c,
    0x4cc5d4becb3e42b6,
    0x597f299cfc657e2a,
    0x5fcb6fab3ad6faec,
    0x6c44198c4a475817,
];

/// SHA-512 of `data` (libsec's `sha2_512`).
pub fn sha2_512(data: &[u8]) -> [u8; 64] {
    let mut h: [u64; 8] = [
        0x6a09e667f3bcc908,
        0xbb67ae8584caa73b,
        0x3c6ef372fe94f82b,
        0xa54ff53a5f1d36f1,
        0x510e527fade682d1,
        0x9b05688c2b3e6c1f,
        0x1f83d9abfb41bd6b,
        0x5be0cd19137e2179,
    ];
    let bits = (data.len() as u128) * 8;
    let mut msg = alloc::vec::Vec::with_capacity(data.len() + 256);
    msg.extend_from_slice(data);
    msg.push(0x80);
    while msg.len() % 128 != 112 {
        msg.push(0);
    }
    msg.extend_from_slice(&bits.to_be_bytes());
    for blk in msg.chunks_exact(128) {
        let mut w = [0u64; 80];
        for (i, c) in blk.chunks_exact(8).enumerate() {
            w[i] = u64::from_be_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        }
        for i in 16..80 {
            let s0 = w[i - 15].rotate_right(1) ^ w[i - 15].rotate_right(8) ^ (w[i - 15] >> 7);
            let s1 = w[i - 2].rotate_right(19) ^ w[i - 2].rotate_right(61) ^ (w[i - 2] >> 6);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let mut v = h;
        for i in 0..80 {
            let s1 = v[4].rotate_right(14) ^ v[4].rotate_right(18) ^ v[4].rotate_right(41);
            let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
            let t1 = v[7]
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K512[i])
                .wrapping_add(w[i]);
            let s0 = v[0].rotate_right(28) ^ v[0].rotate_right(34) ^ v[0].rotate_right(39);
            let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
            let t2 = s0.wrapping_add(maj);
            v = [
                t1.wrapping_add(t2),
                v[0],
                v[1],
                v[2],
                v[3].wrapping_add(t1),
                v[4],
                v[5],
                v[6],
            ];
        }
        for i in 0..8 {
            h[i] = h[i].wrapping_add(v[i]);
        }
    }
    let mut out = [0u8; 64];
    for i in 0..8 {
        out[8 * i..8 * i + 8].copy_from_slice(&h[i].to_be_bytes());
    }
    out
}

/// The seed being gathered (9front's `Seedbuf`).
#[derive(Clone, Debug)]
pub struct Seedbuf {
    randomcount: u64,
    buf: [u8; 64],
    nbuf: usize,
    next: u8,
    bits: u16,
}

impl Default for Seedbuf {
    fn default() -> Self {
        Self::new()
    }
}

impl Seedbuf {
    /// An empty seed.
    pub const fn new() -> Self {
        Seedbuf {
            randomcount: 0,
            buf: [0; 64],
            nbuf: 0,
            next: 0,
            bits: 0,
        }
    }

    /// The counting loop's step (`++s->randomcount`); returns whether
    /// the loop should give others a turn (every 100000 counts, as
    /// `randomseed` checks `anyhigher`).
    pub fn count(&mut self) -> bool {
        self.randomcount += 1;
        self.randomcount > 100_000
    }

    /// `randomsample`, from the periodic timer.
    pub fn randomsample(&mut self) {
        if self.randomcount == 0 || self.nbuf >= self.buf.len() {
            return;
        }
        self.bits = (self.bits << 2) ^ self.randomcount as u16;
        self.randomcount = 0;
        self.next += 1;
        if self.next < 8 / 2 {
            return;
        }
        self.next = 0;
        self.buf[self.nbuf] ^= self.bits as u8;
        self.nbuf += 1;
    }

    /// Whether the 64 bytes are gathered.
    pub fn full(&self) -> bool {
        self.nbuf >= self.buf.len()
    }

    /// XOR in bytes from a hardware generator (`hwrandbuf`).
    pub fn hwrand(&mut self, b: &[u8]) {
        for (x, y) in self.buf.iter_mut().zip(b) {
            *x ^= y;
        }
    }
}

/// The generator (9front's `rs`).
#[derive(Clone, Debug)]
pub struct Random {
    rs: Chacha,
}

impl Random {
    /// The end of `randomseed`: key and nonce from the SHA-512 of the
    /// seed, 20 rounds.
    pub fn new(seed: &Seedbuf) -> Random {
        Self::from_seed(&seed.buf)
    }

    /// The generator for a given 64-byte seed.
    pub fn from_seed(seed: &[u8; 64]) -> Random {
        let h = sha2_512(seed);
        let mut key = [0u8; 32];
        let mut iv = [0u8; 12];
        key.copy_from_slice(&h[..32]);
        iv.copy_from_slice(&h[32..44]);
        Random {
            rs: Chacha::new(&key, &iv, 20),
        }
    }

    /// `randomread`: encrypt `p` in place with a key stream used once.
    pub fn randomread(&mut self, p: &mut [u8]) -> usize {
        if p.is_empty() {
            return 0;
        }
        let mut c = self.rs.clone();
        let mut key = [0u8; 32];
        for i in 0..8 {
            key[4 * i..4 * i + 4].copy_from_slice(&self.rs.input[4 + i].to_le_bytes());
        }
        c.encrypt(&mut key);
        for i in 0..8 {
            self.rs.input[4 + i] = le32(&key[4 * i..]);
        }
        self.rs.input[13] = self.rs.input[13].wrapping_add(1);
        if self.rs.input[13] == 0 {
            self.rs.input[14] = self.rs.input[14].wrapping_add(1);
            if self.rs.input[14] == 0 {
                self.rs.input[15] = self.rs.input[15].wrapping_add(1);
            }
        }
        c.encrypt(p);
        p.len()
    }
}

/// `lrand`'s xoroshiro128+.
#[derive(Clone, Debug)]
pub struct Lrand {
    s: [u64; 2],
}

impl Lrand {
    /// Seeded from the generator, as `lrand` does on first use.
    pub fn new(r: &mut Random) -> Lrand {
        let mut b = [0u8; 16];
        r.randomread(&mut b);
        let mut s = [0u64; 2];
        s[0] = u64::from_le_bytes(b[..8].try_into().expect("8 bytes"));
        s[1] = u64::from_le_bytes(b[8..].try_into().expect("8 bytes"));
        Lrand { s }
    }

    /// `lrand`: 31 random bits.
    pub fn lrand(&mut self) -> u32 {
        let r = (self.s[0].wrapping_add(self.s[1]) >> 33) as u32;
        self.s[1] ^= self.s[0];
        self.s[0] = self.s[0].rotate_left(55) ^ self.s[1] ^ (self.s[1] << 14);
        self.s[1] = self.s[1].rotate_left(36);
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn hex(b: &[u8]) -> alloc::string::String {
        b.iter().map(|x| alloc::format!("{:02x}", x)).collect()
    }

    #[test]
    fn sha512_known_answers() {
        // FIPS 180-2's "abc", the empty string, and a two-block input
        // (checked against Python's hashlib).
        assert_eq!(
            hex(&sha2_512(b"abc")),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        );
        assert_eq!(
            hex(&sha2_512(b"")),
            "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
        );
        assert_eq!(
            hex(&sha2_512(&[b'a'; 200])),
            "4b11459c33f52a22ee8236782714c150a3b2c60994e9acee17fe68947a3e6789f31e7668394592da7bef827cddca88c4e6f86e4df7ed1ae6cba71f3e98faee9f"
        );
    }

    fn key() -> [u8; 32] {
        core::array::from_fn(|i| i as u8)
    }

    #[test]
    fn chacha20_rfc7539() {
        // RFC 7539 2.3.2: the block for counter 1, nonce
        // 000000090000004a00000000.
        let mut c = Chacha::new(&key(), &[0, 0, 0, 9, 0, 0, 0, 0x4a, 0, 0, 0, 0], 20);
        c.setblock(1);
        let mut b = [0u8; 64];
        c.encrypt(&mut b);
        assert_eq!(
            hex(&b),
            "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4ed2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e"
        );
        // 2.4.2: the sunscreen text, counter 1 (as openssl enc -chacha20).
        let mut c = Chacha::new(&key(), &[0, 0, 0, 0, 0, 0, 0, 0x4a, 0, 0, 0, 0], 20);
        c.setblock(1);
        let mut t: Vec<u8> = b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.".to_vec();
        c.encrypt(&mut t);
        assert_eq!(
            hex(&t),
            "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0bf91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d807ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab77937365af90bbf74a35be6b40b8eedf2785e42874d"
        );
    }

    #[test]
    fn randomread_rekeys_every_read() {
        let mut r = Random::from_seed(&[7; 64]);
        let mut r2 = r.clone();
        let mut a = [0u8; 100];
        let mut b = [0u8; 100];
        r.randomread(&mut a);
        r.randomread(&mut b);
        assert_ne!(a, b, "each read has its own key stream");
        // The stream for a read is the pre-read state's, after the 32
        // bytes that re-keyed the state: block 1 onwards.
        let mut c = r2.rs.clone();
        let mut skip = [0u8; 32];
        c.encrypt(&mut skip);
        let mut want = [0u8; 100];
        c.encrypt(&mut want);
        let mut got = [0u8; 100];
        r2.randomread(&mut got);
        assert_eq!(got, want);
        assert_eq!(got, a, "deterministic given the seed");
        // The state's nonce moved on and its key changed.
        assert_eq!(
            r2.rs.input[13],
            Random::from_seed(&[7; 64]).rs.input[13].wrapping_add(1)
        );
        assert_ne!(
            r2.rs.input[4..12],
            Random::from_seed(&[7; 64]).rs.input[4..12]
        );
        assert_eq!(r.randomread(&mut []), 0);
        // Roughly half the bits are set.
        let mut big = [0u8; 4096];
        r.randomread(&mut big);
        let ones: u32 = big.iter().map(|x| x.count_ones()).sum();
        assert!((15_500..17_300).contains(&ones), "{ones} of 32768 bits set");
    }

    #[test]
    fn seed_gathering() {
        let mut s = Seedbuf::new();
        // No count since the last sample: nothing taken.
        s.randomsample();
        assert_eq!(s.nbuf, 0);
        let mut n = 0;
        while !s.full() {
            for _ in 0..(1000 + n * 37 % 91) {
                s.count();
            }
            s.randomsample();
            n += 1;
        }
        assert_eq!(n, 4 * 64, "four samples a byte");
        assert!(s.buf.iter().any(|&b| b != 0));
        let mut r = Random::new(&s);
        let mut l = Lrand::new(&mut r);
        let v: Vec<u32> = (0..100).map(|_| l.lrand()).collect();
        assert!(v.iter().all(|&x| x < 1 << 31));
        assert!(v.windows(2).any(|w| w[0] != w[1]));
    }
}
