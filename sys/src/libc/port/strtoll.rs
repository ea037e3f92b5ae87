//! `strtoll`: a port of 9front's `libc/port/strtoll.c`.
//!
//! Reads a signed 64-bit (`vlong`) number as [`crate::strtoull`] describes:
//! blanks, a sign, a `0x` skipped in base 0 or 16, digits below the base.
//! A magnitude above `i64::MAX` gives `i64::MAX`, or `i64::MIN` after a
//! `-`. What differs from 9front: a byte string, an unsigned base, and the
//! end returned as a byte offset (0 when there is no number).

use crate::strtoull::{Prefix, scan};

/// C's `strtoll(s, &end, base)`: the value and the bytes used.
pub fn strtoll<S: AsRef<[u8]> + ?Sized>(s: &S, base: u32) -> (i64, usize) {
    let r = scan(s.as_ref(), base, Prefix::Skip, i64::MAX as u64);
    (r.signed(i64::MAX), r.end)
}

#[cfg(test)]
mod tests {
    use super::strtoll;

    // Each case follows a rule of 9front's strtoll.c.
    #[test]
    fn reads_like_9front() {
        for (s, base, v, end) in [
            ("  -42z", 10, -42i64, 5),
            ("+0x7f", 0, 127, 5),
            ("0777", 0, 511, 4),
            ("08", 0, 0, 1),
            ("0x", 0, 0, 0),
            ("x", 0, 0, 0),
            ("9223372036854775807", 10, i64::MAX, 19),
            // Above the limit: clamped by sign.
            ("9223372036854775808", 10, i64::MAX, 19),
            ("-9223372036854775808", 10, i64::MIN, 20),
            ("-9223372036854775809", 10, i64::MIN, 20),
            ("-99999999999999999999999", 0, i64::MIN, 24),
            // Beyond 32 bits: vlong holds it.
            ("4294967296", 10, 1 << 32, 10),
            ("z", 37, 0, 0),
        ] {
            assert_eq!(strtoll(s, base), (v, end), "strtoll({s:?}, {base})");
        }
    }
}
