//! `atol` and `atoi`: a port of 9front's `libc/port/atol.c`.
//!
//! Both are [`crate::strtol`] in base 10 with the end thrown away: blanks,
//! a sign, decimal digits, clamped to 32 bits (`long` and `int` are both
//! 32 bits on 9front's amd64). Nothing differs from 9front but the string
//! type.

use crate::strtol::strtol;

/// C's `atol(s)`: `strtol(s, nil, 10)`.
pub fn atol<S: AsRef<[u8]> + ?Sized>(s: &S) -> i32 {
    strtol(s, 10).0
}

/// C's `atoi(s)`: `strtol(s, nil, 10)` as an `int`.
pub fn atoi<S: AsRef<[u8]> + ?Sized>(s: &S) -> i32 {
    strtol(s, 10).0
}

#[cfg(test)]
mod tests {
    use super::{atoi, atol};

    // atol.c is strtol(s, nil, 10) for both.
    #[test]
    fn decimal_only_and_clamped() {
        for (s, v) in [
            ("  -17x", -17),
            ("0x10", 0),
            ("010", 10),
            ("", 0),
            ("3000000000", i32::MAX),
            ("-3000000000", i32::MIN),
        ] {
            assert_eq!(atoi(s), v, "atoi({s:?})");
            assert_eq!(atol(s), v, "atol({s:?})");
        }
    }
}
