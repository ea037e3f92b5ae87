//! `regexec`: a port of 9front's `libregexp/regexec.c`, and the machine
//! that `rregexec` shares.
//!
//! 9front runs a Pike machine: a list of threads in priority order, one
//! step per rune. A new thread starts at every rune until a match is
//! found; a split puts its second branch right after the thread that split;
//! an instruction runs once per step (the first thread to reach it wins);
//! the first thread to reach the end of submatch 0 records a match, and
//! threads that started later are dropped, while those that started as
//! early keep running and may record a longer match. So the match is the
//! leftmost-longest one.
//!
//! On entry, `match[0].sp` (if set) is where matching starts, and
//! `match[0].ep` (if set, and not at the end) is where the subject ends for
//! this call; `$` then does not match there, as 9front cuts the string
//! with a NUL and remembers that it did.
//!
//! What differs: threads live in a deque and a slab of submatch arrays
//! that grow as needed (9front allocates the worst case it estimates and
//! asserts); instructions are marked with a step counter kept across calls;
//! and while no thread is alive and no match is found, runes that cannot
//! begin a match are skipped without running the machine.

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use libc::rune::chartorune;

use crate::regimpl::{FirstSet, Reinst, Reprog, Resub, NSUBEXPM};
use crate::Rune;

/// What the machine needs of a subject: bytes (`regexec`) or runes
/// (`rregexec`).
pub(crate) trait Subject {
    fn len(&self) -> usize;
    /// The rune at `i` (before `end`) and how many units it takes.
    fn rune(&self, i: usize, end: usize) -> (Rune, usize);
    /// Whether the unit before `i` (> 0) is a newline.
    fn after_nl(&self, i: usize) -> bool;
    /// Whether the unit at `i` is NUL.
    fn is_nul(&self, i: usize) -> bool;
    /// The first rune boundary at or after `i` (a boundary) whose rune may
    /// begin a match, or `end`.
    fn skip(&self, i: usize, end: usize, fs: &FirstSet) -> usize;
}

impl Subject for [u8] {
    fn len(&self) -> usize {
        <[u8]>::len(self)
    }

    #[inline]
    fn rune(&self, i: usize, end: usize) -> (Rune, usize) {
        let c = self[i];
        if c < 0x80 {
            return (c as Rune, 1);
        }
        chartorune(&self[i..end])
    }

    fn after_nl(&self, i: usize) -> bool {
        self[i - 1] == b'\n'
    }

    fn is_nul(&self, i: usize) -> bool {
        self[i] == 0
    }

    fn skip(&self, i: usize, end: usize, fs: &FirstSet) -> usize {
        if i >= end {
            return end;
        }
        let hay = &self[i..end];
        if let Some(p) = &fs.prefix_bytes {
            // The first place the literal starts, unless a NUL ends the
            // string before it.
            let at = memchr::memmem::find(hay, p).unwrap_or(hay.len());
            return i + memchr::memchr(0, &hay[..at]).unwrap_or(at);
        }
        if let Some(b) = fs.single {
            return i + memchr::memchr2(b, 0, hay).unwrap_or(hay.len());
        }
        // Only ASCII bytes are skipped when runes of 128 or more may begin
        // a match, so the stop is a rune boundary; when they may not, every
        // byte of 128 or more is skipped and the stop is ASCII.
        i + hay.iter().position(|&c| fs.bytes[c as usize]).unwrap_or(hay.len())
    }
}

impl Subject for [Rune] {
    fn len(&self) -> usize {
        <[Rune]>::len(self)
    }

    #[inline]
    fn rune(&self, i: usize, _end: usize) -> (Rune, usize) {
        (self[i], 1)
    }

    fn after_nl(&self, i: usize) -> bool {
        self[i - 1] == '\n' as Rune
    }

    fn is_nul(&self, i: usize) -> bool {
        self[i] == 0
    }

    fn skip(&self, i: usize, end: usize, fs: &FirstSet) -> usize {
        if i >= end {
            return end;
        }
        let hay = &self[i..end];
        if let Some((&first, rest)) = fs.prefix.split_first() {
            // The first place the literal starts, or a NUL.
            let mut j = 0;
            while j < hay.len() {
                let r = hay[j];
                if r == 0 || (r == first && hay[j + 1..].starts_with(rest)) {
                    return i + j;
                }
                j += 1;
            }
            return end;
        }
        i + hay.iter().position(|&r| fs.has_rune(r)).unwrap_or(hay.len())
    }
}

/// A thread (`Rethread`): where it is, the step it started at, and its
/// submatch array in the slab.
#[derive(Clone, Copy, Debug)]
struct Thread {
    pc: u32,
    gen: u32,
    caps: u32,
}

const NONE: usize = usize::MAX;

/// Working storage kept with a program between calls.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scratch {
    marks: Vec<u32>,
    stamp: u32,
    clist: VecDeque<Thread>,
    nlist: VecDeque<Thread>,
    caps: Vec<usize>,
    free: Vec<u32>,
}

impl Scratch {
    pub(crate) fn new(ninst: usize) -> Scratch {
        Scratch { marks: alloc::vec![0; ninst], ..Scratch::default() }
    }
}

/// Runs `prog` over `s` (see the module's notes), filling `sem` on a match.
pub(crate) fn execute<S: Subject + ?Sized>(prog: &Reprog, s: &S, sem: &mut [Resub]) -> bool {
    match prog.scratch.try_borrow_mut() {
        Ok(mut sc) => run(prog, &mut sc, s, sem),
        Err(_) => run(prog, &mut Scratch::new(prog.inst.len()), s, sem),
    }
}

fn run<S: Subject + ?Sized>(prog: &Reprog, sc: &mut Scratch, s: &S, sem: &mut [Resub]) -> bool {
    let msize = sem.len().min(NSUBEXPM);
    let ncap = 2 * msize;
    let len = s.len();
    let mut pos = 0;
    let mut end = len;
    let mut bounded = false;
    if msize > 0 {
        if let Some(p) = sem[0].sp {
            pos = p;
        }
        if let Some(e) = sem[0].ep {
            if e < len && !s.is_nul(e) {
                end = e;
                bounded = true;
            }
        }
    }
    pos = pos.min(end);

    if sc.marks.len() != prog.inst.len() {
        sc.marks = alloc::vec![0; prog.inst.len()];
        sc.stamp = 0;
    }
    // Each step takes a new stamp; restart the marks before they wrap.
    if sc.stamp as usize > (u32::MAX as usize).saturating_sub(end - pos + 2) {
        sc.marks.iter_mut().for_each(|m| *m = 0);
        sc.stamp = 0;
    }
    if end - pos + 2 > u32::MAX as usize {
        // Beyond what stamps can count: no program could run so long here.
        return false;
    }
    sc.clist.clear();
    sc.nlist.clear();
    sc.caps.clear();
    sc.free.clear();

    let Scratch { marks, stamp, clist, nlist, caps, free } = sc;
    let inst = &prog.inst[..];
    let mut matchgen = 0u32;

    let alloc_caps = |caps: &mut Vec<usize>, free: &mut Vec<u32>, from: Option<u32>| -> u32 {
        if ncap == 0 {
            return 0;
        }
        let slot = match free.pop() {
            Some(i) => i,
            None => {
                caps.resize(caps.len() + ncap, NONE);
                (caps.len() / ncap - 1) as u32
            }
        };
        let at = slot as usize * ncap;
        match from {
            Some(f) => caps.copy_within(f as usize * ncap..(f as usize + 1) * ncap, at),
            None => caps[at..at + ncap].iter_mut().for_each(|c| *c = NONE),
        }
        slot
    };

    loop {
        let (r, w) = if pos < end { s.rune(pos, end) } else { (0, 0) };
        if matchgen == 0 && clist.is_empty() {
            if let Some(fs) = &prog.first {
                if !fs.has_rune(r) {
                    pos = s.skip(pos + w, end, fs);
                    continue;
                }
            }
        }
        *stamp += 1;
        let gen = *stamp;
        if matchgen == 0 {
            let c = alloc_caps(caps, free, None);
            clist.push_back(Thread { pc: 0, gen, caps: c });
        }
        if clist.is_empty() {
            break;
        }
        while let Some(mut t) = clist.pop_front() {
            let mut ci = t.pc as usize;
            let moved = loop {
                if marks[ci] == gen {
                    break false;
                }
                marks[ci] = gen;
                match inst[ci] {
                    Reinst::Rune(c) => {
                        if r != c {
                            break false;
                        }
                        t.pc = ci as u32 + 1;
                        break true;
                    }
                    Reinst::Any => {
                        t.pc = ci as u32 + 1;
                        break true;
                    }
                    Reinst::Class { class, next } => {
                        if !prog.classes[class as usize].contains(r) {
                            break false;
                        }
                        t.pc = next;
                        break true;
                    }
                    Reinst::NotNl => {
                        if r == '\n' as Rune {
                            break false;
                        }
                        ci += 1;
                    }
                    Reinst::Bol => {
                        if !(pos == 0 || s.after_nl(pos)) {
                            break false;
                        }
                        ci += 1;
                    }
                    Reinst::Eol => {
                        if !(r == '\n' as Rune || (r == 0 && !bounded)) {
                            break false;
                        }
                        ci += 1;
                    }
                    Reinst::Jmp(a) => ci = a as usize,
                    Reinst::Split(a, b) => {
                        let c = alloc_caps(caps, free, Some(t.caps));
                        clist.push_front(Thread { pc: b, gen: t.gen, caps: c });
                        ci = a as usize;
                    }
                    Reinst::Save(k) => {
                        let k = k as usize;
                        if k < msize {
                            caps[t.caps as usize * ncap + 2 * k] = pos;
                        }
                        ci += 1;
                    }
                    Reinst::Unsave(k) => {
                        let k = k as usize;
                        if k == 0 {
                            matchgen = t.gen;
                            if msize > 0 {
                                let at = t.caps as usize * ncap;
                                for (j, m) in sem.iter_mut().take(msize).enumerate() {
                                    let get = |v: usize| if v == NONE { None } else { Some(v) };
                                    *m = Resub {
                                        sp: get(caps[at + 2 * j]),
                                        ep: get(caps[at + 2 * j + 1]),
                                    };
                                }
                                sem[0].ep = Some(pos);
                            }
                            break false;
                        }
                        if k < msize {
                            caps[t.caps as usize * ncap + 2 * k + 1] = pos;
                        }
                        ci += 1;
                    }
                }
            };
            if moved {
                nlist.push_back(t);
            } else if ncap > 0 {
                free.push(t.caps);
            }
            if matchgen != 0 && clist.front().is_some_and(|n| n.gen > matchgen) {
                if ncap > 0 {
                    free.extend(clist.iter().map(|t| t.caps));
                }
                clist.clear();
            }
        }
        core::mem::swap(clist, nlist);
        if r == 0 {
            break;
        }
        pos += w;
    }
    matchgen != 0
}

impl Reprog {
    /// `regexec`: matches the UTF-8 string `s` (which a NUL ends early).
    /// On a match, fills `m` with byte offsets (at most `NSUBEXPM`
    /// entries) and returns true. See the module's notes for `m[0]` on
    /// entry.
    pub fn regexec(&self, s: &[u8], m: &mut [Resub]) -> bool {
        execute(self, s, m)
    }
}

#[cfg(test)]
mod tests {
    use crate::{regcomp, regcompnl, Resub};

    fn m(p: &str, s: &str) -> Option<(usize, usize)> {
        let prog = regcomp(p).unwrap();
        let mut sub = [Resub::default(); 1];
        prog.regexec(s.as_bytes(), &mut sub).then(|| (sub[0].sp.unwrap(), sub[0].ep.unwrap()))
    }

    #[test]
    fn leftmost_longest() {
        assert_eq!(m("a*", "baaa"), Some((0, 0)));
        assert_eq!(m("a+", "baaa"), Some((1, 4)));
        assert_eq!(m("a|ab|abc", "xabcd"), Some((1, 4)));
        assert_eq!(m("(a|ab)(c|bcd)", "abcd"), Some((0, 4)));
        assert_eq!(m("x*$", "abxx"), Some((2, 4)));
        assert_eq!(m("^b", "a\nb"), Some((2, 3)));
        assert_eq!(m("a$", "a\nb"), Some((0, 1)));
        assert_eq!(m(".", "\n"), None);
        assert_eq!(m("[^a]", "a\nb"), Some((2, 3)));
        assert_eq!(m("é+", "xééy"), Some((1, 5)));
        assert_eq!(m("[α-ω]+", "abγδε!"), Some((2, 8)));
        assert_eq!(m("b", "a\0b"), None);
        assert_eq!(m("[]", "abc"), None);
        assert_eq!(m("[^]+", "ab\nc"), Some((0, 2)));
        let nl = regcompnl("a.b").unwrap();
        assert!(nl.regexec(b"a\nb", &mut []));
    }

    #[test]
    fn submatches_and_bounds() {
        let p = regcomp("(a*)(b|bc)(c*)").unwrap();
        let mut sub = [Resub::default(); 4];
        assert!(p.regexec(b"xaabcc", &mut sub));
        let got: alloc::vec::Vec<_> = sub.iter().map(|r| (r.sp, r.ep)).collect();
        assert_eq!(
            got,
            [(Some(1), Some(6)), (Some(1), Some(3)), (Some(3), Some(4)), (Some(4), Some(6))]
        );
        // Unused groups are empty.
        let p = regcomp("(a)|(b)").unwrap();
        let mut sub = [Resub::default(); 3];
        assert!(p.regexec(b"b", &mut sub));
        assert_eq!(sub[1], Resub::default());
        assert_eq!(sub[2], Resub { sp: Some(0), ep: Some(1) });
        // A start and an end.
        let p = regcomp("^a|b$").unwrap();
        let mut sub = [Resub { sp: Some(1), ep: None }];
        assert!(!p.regexec(b"aa", &mut sub));
        let mut sub = [Resub { sp: Some(0), ep: Some(2) }];
        assert!(!p.regexec(b"cbb", &mut sub));
        let mut sub = [Resub { sp: Some(0), ep: Some(3) }];
        assert!(p.regexec(b"cbb", &mut sub));
        assert_eq!(sub[0], Resub { sp: Some(2), ep: Some(3) });
    }
}
