//! `rregsub`: a port of 9front's `libregexp/rregsub.c`.
//!
//! [`regsub`](crate::regsub) over runes: the result is cut to `dlen - 1`
//! runes.

use alloc::vec::Vec;

use crate::regimpl::Resub;
use crate::regsub::expand;
use crate::Rune;

/// `rregsub`: expands `src` for the match `m` of `rregexec` on `subject`.
pub fn rregsub(src: &[Rune], dlen: usize, subject: &[Rune], m: &[Resub]) -> Vec<Rune> {
    expand(src, dlen, subject, m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regcomp;

    fn r(s: &str) -> Vec<Rune> {
        s.chars().map(|c| c as Rune).collect()
    }

    #[test]
    fn expansion_over_runes() {
        let p = regcomp("(é)(x)").unwrap();
        let mut sub = [Resub::default(); 3];
        let s = r("aéxb");
        assert!(p.rregexec(&s, &mut sub));
        assert_eq!(rregsub(&r("[\\2\\1&]"), 100, &s, &sub), r("[xééx]"));
        assert_eq!(rregsub(&r("[\\2\\1&]"), 4, &s, &sub), r("[xé"));
    }
}
