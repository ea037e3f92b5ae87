//! `strtol`: a port of 9front's `libc/port/strtol.c`.
//!
//! Reads a `long`, which is 32 bits on 9front's amd64 (its compilers keep
//! `long` at 32 bits and make only pointers and `vlong` 64), as
//! [`crate::strtoull`] describes: blanks, a sign, a `0x` skipped in base 0
//! or 16, digits below the base. A magnitude above `i32::MAX` gives
//! `i32::MAX`, or `i32::MIN` after a `-`. What differs from 9front: a byte
//! string, an unsigned base, and the end returned as a byte offset (0 when
//! there is no number).

use crate::strtoull::{Prefix, scan};

/// C's `strtol(s, &end, base)`: the value and the bytes used.
pub fn strtol<S: AsRef<[u8]> + ?Sized>(s: &S, base: u32) -> (i32, usize) {
    let r = scan(s.as_ref(), base, Prefix::Skip, i32::MAX as u64);
    (r.signed(i32::MAX.into()) as i32, r.end)
}

#[cfg(test)]
mod tests {
    use super::strtol;

    // Each case follows a rule of 9front's strtol.c.
    #[test]
    fn reads_like_9front() {
        for (s, base, v, end) in [
            ("\t 12 ", 10, 12i32, 4),
            ("-0x1A", 0, -26, 5),
            ("0x1A", 16, 26, 4),
            ("0x1A", 10, 0, 1),
            ("0755", 8, 493, 4),
            ("0755", 0, 493, 4),
            ("0", 0, 0, 1),
            // The 0x goes even with nothing after it: no digits, end 0.
            ("0x", 0, 0, 0),
            ("0xz", 16, 0, 0),
            ("-", 10, 0, 0),
            ("abc", 10, 0, 0),
            ("abc", 16, 0xabc, 3),
            // long is 32 bits: the limits clamp.
            ("2147483647", 10, i32::MAX, 10),
            ("2147483648", 10, i32::MAX, 10),
            ("-2147483648", 10, i32::MIN, 11),
            ("-2147483649", 10, i32::MIN, 11),
            ("4294967296", 0, i32::MAX, 10),
            ("1", 99, 0, 0),
        ] {
            assert_eq!(strtol(s, base), (v, end), "strtol({s:?}, {base})");
        }
    }
}
