//! UTF-8 runes: a port of 9front's `libc/port/rune.c` (`chartorune`,
//! `runetochar`, `runelen`, `runenlen`, `fullrune`).
//!
//! A [`Rune`] is a `u32`, as 9front's `Rune` is an unsigned 32-bit value:
//! unlike Rust's `char` it can hold surrogates, which 9front decodes and
//! encodes like any other code point. The decoder follows 9front exactly:
//! an invalid or overlong sequence, a value above [`RUNEMAX`] or a
//! truncated sequence decodes as [`RUNEERROR`] with length 1. Where the C
//! code reads the NUL after a short string, a slice here simply ends, with
//! the same outcome.

/// A Unicode code point, as 9front's `Rune`.
pub type Rune = u32;

/// Most bytes in one rune's encoding (`UTFmax`).
pub const UTFMAX: usize = 4;
/// Runes below this are one byte, the same as their value (`Runeself`).
pub const RUNESELF: u32 = 0x80;
/// The rune a bad encoding decodes to (`Runeerror`).
pub const RUNEERROR: Rune = 0xFFFD;
/// The largest rune (`Runemax`).
pub const RUNEMAX: Rune = 0x10FFFF;

fn cont(s: &[u8], i: usize) -> Option<u32> {
    let c = *s.get(i)? as u32 ^ 0x80;
    if c & 0xC0 != 0 {
        None
    } else {
        Some(c)
    }
}

/// Decodes the rune at the start of `s`: the rune and how many bytes it
/// took (`chartorune`). An empty slice gives (0, 1), as a C string's NUL.
pub fn chartorune(s: &[u8]) -> (Rune, usize) {
    let Some(&c) = s.first() else { return (0, 1) };
    let c = c as u32;
    if c < 0x80 {
        return (c, 1);
    }
    let bad = (RUNEERROR, 1);
    let Some(c1) = cont(s, 1) else { return bad };
    if c < 0xE0 {
        if c < 0xC0 {
            return bad;
        }
        let l = ((c << 6) | c1) & 0x7FF;
        return if l <= 0x7F { bad } else { (l, 2) };
    }
    let Some(c2) = cont(s, 2) else { return bad };
    if c < 0xF0 {
        let l = ((((c << 6) | c1) << 6) | c2) & 0xFFFF;
        return if l <= 0x7FF { bad } else { (l, 3) };
    }
    let Some(c3) = cont(s, 3) else { return bad };
    if c < 0xF8 {
        let l = ((((((c << 6) | c1) << 6) | c2) << 6) | c3) & 0x1F_FFFF;
        if l <= 0xFFFF || l > RUNEMAX {
            return bad;
        }
        return (l, 4);
    }
    bad
}

/// Encodes `r` into `buf`, returning the bytes used (`runetochar`); runes
/// above [`RUNEMAX`] encode as [`RUNEERROR`].
pub fn runetochar(buf: &mut [u8; UTFMAX], r: Rune) -> usize {
    let c = if r > RUNEMAX { RUNEERROR } else { r };
    if c <= 0x7F {
        buf[0] = c as u8;
        1
    } else if c <= 0x7FF {
        buf[0] = 0xC0 | (c >> 6) as u8;
        buf[1] = 0x80 | (c & 0x3F) as u8;
        2
    } else if c <= 0xFFFF {
        buf[0] = 0xE0 | (c >> 12) as u8;
        buf[1] = 0x80 | ((c >> 6) & 0x3F) as u8;
        buf[2] = 0x80 | (c & 0x3F) as u8;
        3
    } else {
        buf[0] = 0xF0 | (c >> 18) as u8;
        buf[1] = 0x80 | ((c >> 12) & 0x3F) as u8;
        buf[2] = 0x80 | ((c >> 6) & 0x3F) as u8;
        buf[3] = 0x80 | (c & 0x3F) as u8;
        4
    }
}

/// Appends the encoding of `r` to `out`.
pub fn push_rune(out: &mut alloc::vec::Vec<u8>, r: Rune) {
    let mut b = [0u8; UTFMAX];
    let n = runetochar(&mut b, r);
    out.extend_from_slice(&b[..n]);
}

/// Bytes in the encoding of `r` (`runelen`).
pub fn runelen(r: Rune) -> usize {
    let mut b = [0u8; UTFMAX];
    runetochar(&mut b, r)
}

/// Bytes in the encoding of all of `rs` (`runenlen`).
pub fn runenlen(rs: &[Rune]) -> usize {
    rs.iter()
        .map(|&c| match c {
            0..=0x7F => 1,
            0x80..=0x7FF => 2,
            0x800..=0xFFFF => 3,
            c if c > RUNEMAX => 3,
            _ => 4,
        })
        .sum()
}

/// Whether `s` holds enough bytes to decode its first rune (`fullrune`).
pub fn fullrune(s: &[u8]) -> bool {
    let Some(&c) = s.first() else { return false };
    let n = s.len();
    if c < 0x80 {
        true
    } else if c < 0xE0 {
        n >= 2
    } else if c < 0xF0 {
        n >= 3
    } else {
        n >= 4
    }
}

/// Decodes all of `s` into runes, as repeated `chartorune`.
pub fn runes(s: &[u8]) -> alloc::vec::Vec<Rune> {
    let mut v = alloc::vec::Vec::new();
    let mut i = 0;
    while i < s.len() {
        let (r, n) = chartorune(&s[i..]);
        v.push(r);
        i += n;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_like_9front() {
        assert_eq!(chartorune(b"a"), ('a' as u32, 1));
        assert_eq!(chartorune("é".as_bytes()), (0xE9, 2));
        assert_eq!(chartorune("世".as_bytes()), (0x4E16, 3));
        assert_eq!(chartorune("😀".as_bytes()), (0x1F600, 4));
        // Surrogates decode (9front checks only for overlong forms).
        assert_eq!(chartorune(b"\xed\xa0\x80"), (0xD800, 3));
        // Overlong, stray continuation, truncated, too large: Runeerror, 1.
        for bad in [&b"\xc0\x80"[..], b"\x80", b"\xe4\xb8", b"\xf4\x90\x80\x80", b"\xff", b"\xc3"] {
            assert_eq!(chartorune(bad), (RUNEERROR, 1), "{bad:?}");
        }
    }

    #[test]
    fn encodes_and_round_trips() {
        for r in [0u32, 0x7F, 0x80, 0x7FF, 0x800, 0xD800, 0xFFFF, 0x10000, RUNEMAX] {
            let mut b = [0; UTFMAX];
            let n = runetochar(&mut b, r);
            assert_eq!(n, runelen(r));
            assert_eq!(chartorune(&b[..n]), (r, n));
            if let Some(c) = char::from_u32(r) {
                assert_eq!(&b[..n], c.to_string().as_bytes());
            }
        }
        assert_eq!(runelen(RUNEMAX + 1), 3);
        assert_eq!(runenlen(&[0x41, 0xE9, 0x4E16, 0x1F600, 0x200000]), 1 + 2 + 3 + 4 + 3);
    }

    #[test]
    fn fullrune_counts_bytes() {
        assert!(!fullrune(b""));
        assert!(fullrune(b"a"));
        assert!(!fullrune(b"\xc3"));
        assert!(fullrune(b"\xc3\xa9"));
        assert!(!fullrune(b"\xe4\xb8"));
        assert!(!fullrune(b"\xf0\x9f\x98"));
        // A stray continuation byte asks for a second byte, as 9front (c < T3).
        assert!(!fullrune(b"\x80"));
        assert!(fullrune(b"\x80a"));
    }
}
