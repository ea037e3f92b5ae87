//! `strtoull`: a port of 9front's `libc/port/strtoull.c`, and the scanner
//! that `strtol`, `strtoul` and `strtoll` share with it.
//!
//! 9front's four `strto*` functions are one algorithm written four times
//! for four integer types: skip blanks (space, tab, newline, form feed,
//! carriage return, vertical tab), take one `+` or `-`, choose the base,
//! then read digits (`0-9`, then letters of either case as 10 to 35) while
//! they are below the base. A value too big for the type is clamped to its
//! limit; a negative unsigned value wraps as C's unary minus does. When no
//! digit was read the end is the start of the string, so a caller can tell
//! "no number" and "all used" from the end alone. [`scan`] does this once;
//! each module turns its result into its own type.
//!
//! The bases differ in one place. `strtol`, `strtoll` and `strtoull` skip
//! a `0x`/`0X` after a `0` whenever the base is 0 or 16, even with no hex
//! digit after it (so `"0x"` has no digits at all and ends at 0); a base
//! above 36 reads nothing, and base 1 reads `0`s. `strtoul` decides base 16
//! from the `0x` but skips it only before a hex digit (so `"0x"` reads the
//! `0` and ends at 1), and reads nothing in base 1 or above 36.
//!
//! What differs from 9front: the string is a byte slice (its end stands
//! for C's NUL), the base is unsigned (C's negative bases read nothing, as
//! bases above 36 do here), and the end is returned as a byte offset
//! instead of through `endptr`.

/// How the base and its `0x` prefix are chosen.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Prefix {
    /// `strtol`, `strtoll`, `strtoull`: `0x` skipped unconditionally.
    Skip,
    /// `strtoul`: `0x` skipped only before a hex digit.
    Hexdigit,
}

/// What [`scan`] read.
pub(crate) struct Scan {
    /// A `-` came before the digits.
    pub neg: bool,
    /// The magnitude of the digits; meaningless when `ovfl`.
    pub mag: u64,
    /// The magnitude exceeded the type's limit.
    pub ovfl: bool,
    /// Bytes used: 0 when no digit was read.
    pub end: usize,
}

impl Scan {
    /// The value in a signed type whose largest value is `max`: clamped to
    /// `max`, or `-max - 1` after a `-`, when it overflowed.
    pub fn signed(&self, max: i64) -> i64 {
        match (self.ovfl, self.neg) {
            (true, true) => -max - 1,
            (true, false) => max,
            (false, true) => -(self.mag as i64),
            (false, false) => self.mag as i64,
        }
    }

    /// The value in an unsigned type whose largest value is `max` (all
    /// ones): `max` when it overflowed, negated modulo `max + 1` after a
    /// `-`.
    pub fn unsigned(&self, max: u64) -> u64 {
        match (self.ovfl, self.neg) {
            (true, _) => max,
            (false, true) => self.mag.wrapping_neg() & max,
            (false, false) => self.mag,
        }
    }
}

/// The value of digit `c`, or 36 (no base accepts it).
fn digit(c: u8) -> u32 {
    match c {
        b'0'..=b'9' => (c - b'0') as u32,
        b'a'..=b'z' => (c - b'a') as u32 + 10,
        b'A'..=b'Z' => (c - b'A') as u32 + 10,
        _ => 36,
    }
}

/// Reads a number from `s` in `base` (0: from its prefix), flagging a
/// magnitude above `max`.
pub(crate) fn scan(s: &[u8], base: u32, prefix: Prefix, max: u64) -> Scan {
    let at = |i: usize| s.get(i).copied().unwrap_or(0);
    let mut p = 0;
    while matches!(at(p), b' ' | b'\t' | b'\n' | b'\x0c' | b'\r' | b'\x0b') {
        p += 1;
    }
    let mut neg = false;
    if matches!(at(p), b'-' | b'+') {
        neg = at(p) == b'-';
        p += 1;
    }
    let x = matches!(at(p + 1), b'x' | b'X');
    let mut base = base;
    let none = Scan { neg, mag: 0, ovfl: false, end: 0 };
    match prefix {
        Prefix::Skip => {
            if base == 0 {
                base = 10;
                if at(p) == b'0' {
                    base = 8;
                    if x {
                        p += 2;
                        base = 16;
                    }
                }
            } else if base == 16 && at(p) == b'0' {
                if x {
                    p += 2;
                }
            } else if base > 36 {
                return none;
            }
        }
        Prefix::Hexdigit => {
            if base == 0 {
                base = match (at(p), x) {
                    (b'0', true) => 16,
                    (b'0', false) => 8,
                    _ => 10,
                };
            }
            if !(2..=36).contains(&base) {
                return none;
            }
            if base == 16 && at(p) == b'0' && x && at(p + 2).is_ascii_hexdigit() {
                p += 2;
            }
        }
    }
    let mut mag: u64 = 0;
    let mut ovfl = false;
    let start = p;
    loop {
        let v = digit(at(p));
        if v >= base {
            break;
        }
        // The digits only grow the value, so it passes the limit exactly
        // when some prefix of them does; 9front's two checks amount to it.
        match mag.checked_mul(base as u64).and_then(|m| m.checked_add(v as u64)) {
            Some(m) if m <= max => mag = m,
            _ => ovfl = true,
        }
        p += 1;
    }
    if p == start {
        return none;
    }
    Scan { neg, mag, ovfl, end: p }
}

/// C's `strtoull(s, &end, base)`: the value as a 64-bit unsigned integer
/// and the bytes used (0 when there is no number). Too big is
/// `u64::MAX`; a `-` negates modulo 2⁶⁴.
pub fn strtoull<S: AsRef<[u8]> + ?Sized>(s: &S, base: u32) -> (u64, usize) {
    let r = scan(s.as_ref(), base, Prefix::Skip, u64::MAX);
    (r.unsigned(u64::MAX), r.end)
}

#[cfg(test)]
mod tests {
    use super::strtoull;

    // Each case follows a rule of 9front's strtoull.c.
    #[test]
    fn reads_like_9front() {
        for (s, base, v, end) in [
            // Blanks: the six of the white-space loop, then a sign.
            (" \t\n\x0c\r\x0b42", 10, 42u64, 8),
            ("+7", 10, 7, 2),
            // A '-' negates in the unsigned type.
            ("-1", 10, u64::MAX, 2),
            ("-0x10", 0, 0u64.wrapping_sub(16), 5),
            // Base 0: 0x is hex, 0 is octal, else decimal.
            ("0x1f", 0, 31, 4),
            ("0X1F", 0, 31, 4),
            ("017", 0, 15, 3),
            ("019", 0, 1, 2),
            ("19", 0, 19, 2),
            // Base 16 skips 0x too; other bases do not.
            ("0xff", 16, 255, 4),
            ("0x10", 10, 0, 1),
            // The 0x is skipped even with no hex digit: no digits, end 0.
            ("0x", 0, 0, 0),
            ("0xg", 16, 0, 0),
            // Letters are digits of either case up to the base.
            ("zZ", 36, 35 * 36 + 35, 2),
            ("12a", 10, 12, 2),
            // No digits: value 0, end at the very start (before blanks).
            ("  +", 10, 0, 0),
            ("", 0, 0, 0),
            // A base above 36 reads nothing.
            ("12", 37, 0, 0),
            // Overflow clamps to the type's limit, even when negative.
            ("18446744073709551615", 10, u64::MAX, 20),
            ("18446744073709551616", 10, u64::MAX, 20),
            ("-99999999999999999999", 10, u64::MAX, 21),
            ("0xffffffffffffffff", 0, u64::MAX, 18),
        ] {
            assert_eq!(strtoull(s, base), (v, end), "strtoull({s:?}, {base})");
        }
    }

    #[test]
    fn base_one_reads_zeros() {
        // 9front's loop accepts a digit below the base, so base 1 takes 0s.
        assert_eq!(strtoull("001", 1), (0, 2));
        assert_eq!(strtoull("1", 1), (0, 0));
    }
}
