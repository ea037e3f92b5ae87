//! libsec's digests against the published test vectors (RFC 1321's
//! appendix A.5 for MD5, FIPS 180-2's examples and RFC 3174 for SHA-1,
//! FIPS 180-2 for SHA-2) and against GNU coreutils' md5sum, sha1sum and
//! sha*sum on random data fed in random pieces.

use libsec::{hex, md5, sha1, sha2_224, sha2_256, sha2_384, sha2_512, Digest, DigestState};
use proptest::prelude::*;

fn whole(mut s: DigestState, p: &[u8]) -> String {
    s.update(p);
    hex(&Box::new(s).finish())
}

#[test]
fn md5_rfc1321_suite() {
    let v: &[(&str, &str)] = &[
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
        (
            "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
            "57edf4a22be3c955ac49da2e2107b67a",
        ),
    ];
    for (m, d) in v {
        assert_eq!(whole(md5(), m.as_bytes()), *d, "md5({m:?})");
    }
}

#[test]
fn sha1_fips_vectors() {
    assert_eq!(whole(sha1(), b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    assert_eq!(whole(sha1(), b""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    assert_eq!(
        whole(sha1(), b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
    );
    // A million a's, fed a piece at a time as sha1sum feeds reads.
    let mut s = sha1();
    for _ in 0..1000 {
        s.update(&[b'a'; 1000]);
    }
    assert_eq!(hex(&Box::new(s).finish()), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    // RFC 3174's fourth test: "0123456701234567..." (64 bytes) 10 times.
    let mut s = sha1();
    for _ in 0..10 {
        s.update(b"0123456701234567012345670123456701234567012345670123456701234567");
    }
    assert_eq!(hex(&Box::new(s).finish()), "dea356a2cddd90c7a7ecedc5ebb563934f460452");
}

#[test]
fn sha2_fips_vectors() {
    assert_eq!(whole(sha2_224(), b"abc"), "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
    assert_eq!(whole(sha2_256(), b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_eq!(
        whole(sha2_256(), b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    );
    assert_eq!(
        whole(sha2_384(), b"abc"),
        "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"
    );
    assert_eq!(
        whole(sha2_512(), b"abc"),
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
    );
    assert_eq!(
        whole(
            sha2_512(),
            b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
        ),
        "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"
    );
    assert_eq!(whole(sha2_224(), b"").len(), 56);
    assert_eq!(whole(sha2_384(), b"").len(), 96);
}

/// Padding boundaries: lengths around one and two blocks, where the
/// length field does or does not fit after the 0x80.
#[test]
fn padding_boundaries_match_coreutils() {
    for n in [55usize, 56, 57, 63, 64, 65, 111, 112, 113, 119, 120, 127, 128, 129, 200] {
        let data: Vec<u8> = (0..n).map(|i| (i * 31 + 7) as u8).collect();
        for (tool, s) in [
            ("md5sum", md5()),
            ("sha1sum", sha1()),
            ("sha224sum", sha2_224()),
            ("sha256sum", sha2_256()),
            ("sha384sum", sha2_384()),
            ("sha512sum", sha2_512()),
        ] {
            let theirs = coreutils(tool, &data).unwrap_or_else(|| panic!("coreutils {tool} missing"));
            assert_eq!(whole(s, &data), theirs, "{tool} of {n} bytes");
        }
    }
}

fn coreutils(tool: &str, data: &[u8]) -> Option<String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut c = Command::new(tool).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().ok()?;
    c.stdin.take().unwrap().write_all(data).unwrap();
    let out = c.wait_with_output().unwrap();
    Some(String::from_utf8(out.stdout).unwrap().split(' ').next().unwrap().to_string())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Feeding in arbitrary pieces gives the digest of the whole, as
    /// md5.c's partial-block buffering promises.
    #[test]
    fn pieces_equal_whole(data in proptest::collection::vec(any::<u8>(), 0..700), cuts in proptest::collection::vec(0usize..700, 0..8)) {
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(data.len())).collect();
        cuts.sort();
        for mk in [md5 as fn() -> DigestState, sha1, sha2_224, sha2_256, sha2_384, sha2_512] {
            let mut s = mk();
            let mut at = 0;
            for &c in &cuts {
                s.update(&data[at..c]);
                at = c;
            }
            s.update(&data[at..]);
            prop_assert_eq!(hex(&Box::new(s).finish()), whole(mk(), &data));
        }
    }
}
