//! `atoll`: a port of 9front's `libc/port/atoll.c`.
//!
//! [`crate::strtoll`] in base 10 with the end thrown away. Nothing differs
//! from 9front but the string type.

use crate::strtoll::strtoll;

/// C's `atoll(s)`: `strtoll(s, nil, 10)`.
pub fn atoll<S: AsRef<[u8]> + ?Sized>(s: &S) -> i64 {
    strtoll(s, 10).0
}

#[cfg(test)]
mod tests {
    use super::atoll;

    // atoll.c is strtoll(s, nil, 10).
    #[test]
    fn decimal_only_and_clamped() {
        for (s, v) in [
            ("\n+5000000000", 5_000_000_000i64),
            ("0x10", 0),
            ("-", 0),
            ("99999999999999999999", i64::MAX),
            ("-99999999999999999999", i64::MIN),
        ] {
            assert_eq!(atoll(s), v, "atoll({s:?})");
        }
    }
}
