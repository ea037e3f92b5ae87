//! `rregexec`: a port of 9front's `libregexp/rregexec.c`.
//!
//! The same machine as [`regexec`](crate::regexec), over a string of runes
//! instead of UTF-8; offsets in the [`Resub`]s count runes.

use crate::regexec::execute;
use crate::regimpl::{Reprog, Resub};
use crate::Rune;

impl Reprog {
    /// `rregexec`: matches the rune string `s` (which a 0 rune ends early).
    pub fn rregexec(&self, s: &[Rune], m: &mut [Resub]) -> bool {
        execute(self, s, m)
    }
}

#[cfg(test)]
mod tests {
    use crate::{regcomp, Resub, Rune};
    use alloc::vec::Vec;

    fn runes(s: &str) -> Vec<Rune> {
        s.chars().map(|c| c as Rune).collect()
    }

    #[test]
    fn offsets_count_runes() {
        let p = regcomp("(é+)x").unwrap();
        let mut sub = [Resub::default(); 2];
        assert!(p.rregexec(&runes("aééx"), &mut sub));
        assert_eq!(sub[0], Resub { sp: Some(1), ep: Some(4) });
        assert_eq!(sub[1], Resub { sp: Some(1), ep: Some(3) });
        // Starting later: ^ still means the start of the string.
        let p = regcomp("^a").unwrap();
        let mut sub = [Resub { sp: Some(3), ep: None }];
        assert!(!p.rregexec(&runes("a\naa"), &mut sub));
        let mut sub = [Resub { sp: Some(1), ep: None }];
        assert!(p.rregexec(&runes("a\naa"), &mut sub));
        assert_eq!(sub[0], Resub { sp: Some(2), ep: Some(3) });
        // Runes beyond Runemax match nothing in a class.
        let p = regcomp("[^a]").unwrap();
        assert!(!p.rregexec(&[0x20_0000], &mut []));
    }
}
