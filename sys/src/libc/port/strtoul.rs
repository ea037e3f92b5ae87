//! `strtoul`: a port of 9front's `libc/port/strtoul.c`.
//!
//! Reads a `ulong`, 32 bits on 9front's amd64, as [`crate::strtoull`]
//! describes, with this file's own prefix rule: base 0 picks 16 after
//! `0x`/`0X`, 8 after `0`, else 10, and the `0x` is skipped only when a
//! hex digit follows it (so `"0x"` reads as the number 0, one byte used);
//! bases 1 and above 36 read nothing. Too big is `u32::MAX`; a `-` negates
//! modulo 2³². What differs from 9front: a byte string, an unsigned base,
//! and the end returned as a byte offset (0 when there is no number).

use crate::strtoull::{Prefix, scan};

/// C's `strtoul(s, &end, base)`: the value and the bytes used.
pub fn strtoul<S: AsRef<[u8]> + ?Sized>(s: &S, base: u32) -> (u32, usize) {
    let r = scan(s.as_ref(), base, Prefix::Hexdigit, u32::MAX.into());
    (r.unsigned(u32::MAX.into()) as u32, r.end)
}

#[cfg(test)]
mod tests {
    use super::strtoul;

    // Each case follows a rule of 9front's strtoul.c.
    #[test]
    fn reads_like_9front() {
        for (s, base, v, end) in [
            (" \x0b+10", 0, 10u32, 5),
            ("0x10", 0, 16, 4),
            ("0X10", 16, 16, 4),
            ("010", 0, 8, 3),
            ("10", 8, 8, 2),
            // 0x not followed by a hex digit stays: the 0 is the number.
            ("0x", 0, 0, 1),
            ("0xg", 16, 0, 1),
            ("-0x", 0, 0, 2),
            // A '-' negates modulo 2^32.
            ("-1", 10, u32::MAX, 2),
            ("-0x10", 0, 0u32.wrapping_sub(16), 5),
            // Overflow is ULONG_MAX, signed or not.
            ("4294967295", 10, u32::MAX, 10),
            ("4294967296", 10, u32::MAX, 10),
            ("-4294967296", 10, u32::MAX, 11),
            ("0x100000000", 0, u32::MAX, 11),
            // No digits: end 0.
            ("", 0, 0, 0),
            (" k", 0, 0, 0),
            // Bases below 2 or above 36 read nothing.
            ("00", 1, 0, 0),
            ("1", 37, 0, 0),
        ] {
            assert_eq!(strtoul(s, base), (v, end), "strtoul({s:?}, {base})");
        }
    }
}
