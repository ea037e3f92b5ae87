//! `needsrcquote`: a port of 9front's `libc/port/needsrcquote.c`.
//!
//! Whether rc would need a character quoted: blanks and control
//! characters, and rc's special characters.

/// Whether `c` must be quoted for rc.
pub fn needsrcquote(c: char) -> bool {
    c <= ' ' || "`^#*[]=|\\?${}()'<>&;".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rc_specials() {
        for c in "`^#*[]=|\\?${}()'<>&; \t\n".chars() {
            assert!(needsrcquote(c), "{c:?}");
        }
        for c in "aZ09-_.,/+:@%~!\"é".chars() {
            assert!(!needsrcquote(c), "{c:?}");
        }
    }
}
