//! The types the modules share: a port of 9front's `libregexp/regimpl.h`
//! and of the public part of `/sys/include/regexp.h`.
//!
//! 9front's program is an array of `Reinst` linked by pointers; here it is
//! a `Vec` of [`Reinst`] linked by index. A character class, a chain of
//! `OCLASS` instructions in 9front (one per range, walked in one step), is
//! one instruction here naming a [`Class`]. The parse tree (`Renode`) and
//! the lexer state (`Parselex`) live in [`regcomp`](crate::regcomp); the
//! thread type (`Rethread`) in [`regexec`](crate::regexec).

use alloc::vec::Vec;
use core::cell::RefCell;

use crate::regexec::Scratch;
use crate::Rune;

/// The most submatches a match reports (`NSUBEXPM`).
pub const NSUBEXPM: usize = 32;

/// One submatch: offsets of its start and end in the subject, `None`
/// where 9front has nil (`Resub`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Resub {
    pub sp: Option<usize>,
    pub ep: Option<usize>,
}

/// One instruction of a compiled program (`Reinst`; the operation names
/// are regexp.h's `OANY`, `OBOL`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reinst {
    /// `OANY`: any rune.
    Any,
    /// `OBOL`: at the start of the subject or after a newline.
    Bol,
    /// `OCLASS`: a rune of `classes[class]`, then go to `next`.
    Class { class: u32, next: u32 },
    /// `OEOL`: before a newline, or at the end of an unbounded subject.
    Eol,
    /// `OJMP`.
    Jmp(u32),
    /// `ONOTNL`: fail on newline, consume nothing.
    NotNl,
    /// `ORUNE`: this rune.
    Rune(Rune),
    /// `OSAVE`: submatch `n` starts here.
    Save(u32),
    /// `OSPLIT`: try `a` first, then `b`.
    Split(u32, u32),
    /// `OUNSAVE`: submatch `n` ends here; for 0, a match.
    Unsave(u32),
}

/// The members of a character class: ranges in ascending order, disjoint
/// and not adjacent, with the ASCII members also as a bit set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Class {
    pub(crate) ascii: u128,
    pub(crate) ranges: Vec<(Rune, Rune)>,
}

impl Class {
    pub(crate) fn new(ranges: Vec<(Rune, Rune)>) -> Class {
        let mut ascii = 0u128;
        for &(lo, hi) in &ranges {
            if lo < 128 {
                for c in lo..=hi.min(127) {
                    ascii |= 1 << c;
                }
            }
        }
        Class { ascii, ranges }
    }

    /// Whether `r` is a member.
    #[inline]
    pub fn contains(&self, r: Rune) -> bool {
        if r < 128 {
            return self.ascii >> r & 1 != 0;
        }
        // Few ranges: a linear walk, as 9front's chain of OCLASS.
        for &(lo, hi) in &self.ranges {
            if r < lo {
                return false;
            }
            if r <= hi {
                return true;
            }
        }
        false
    }

    /// The ranges, ascending.
    pub fn ranges(&self) -> &[(Rune, Rune)] {
        &self.ranges
    }
}

/// The runes that can begin a match, when a match cannot be empty: the
/// matcher skips over others while no thread is alive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FirstSet {
    pub(crate) ascii: u128,
    /// Whether any rune of 128 or more may begin a match.
    pub(crate) high: bool,
    /// Bytes that may begin a match in UTF-8 (and NUL, which ends it).
    pub(crate) bytes: [bool; 256],
    /// The only such byte, when there is one (NUL aside).
    pub(crate) single: Option<u8>,
    /// Runes every match starts with (at least two), when the program
    /// begins with them; and their UTF-8, when it has no Runeerror (which
    /// a bad byte also decodes to).
    pub(crate) prefix: Vec<crate::Rune>,
    pub(crate) prefix_bytes: Option<Vec<u8>>,
}

impl FirstSet {
    #[inline]
    pub(crate) fn has_rune(&self, r: Rune) -> bool {
        if r < 128 {
            self.ascii >> r & 1 != 0 || r == 0
        } else {
            self.high
        }
    }
}

/// A compiled regular expression (`Reprog`).
#[derive(Clone, Debug)]
pub struct Reprog {
    pub(crate) inst: Vec<Reinst>,
    pub(crate) classes: Vec<Class>,
    /// The pattern it was compiled from (`regstr`).
    pub(crate) regstr: Vec<u8>,
    pub(crate) first: Option<FirstSet>,
    pub(crate) scratch: RefCell<Scratch>,
}

impl Reprog {
    /// The pattern the program was compiled from.
    pub fn regstr(&self) -> &[u8] {
        &self.regstr
    }

    /// The instructions (`startinst` .. `startinst+len`).
    pub fn insts(&self) -> &[Reinst] {
        &self.inst
    }

    /// The class an `OCLASS` instruction names.
    pub fn class(&self, i: u32) -> &Class {
        &self.classes[i as usize]
    }
}
