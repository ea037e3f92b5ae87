//! Globbing and pattern matching: the port of 9front's
//! `sys/src/cmd/rc/glob.c`.
//!
//! A word fresh from the lexer marks each metacharacter `*`, `?`, `[`
//! (and a literal [`GLOB`] byte) with a preceding [`GLOB`] byte; quoted
//! text and values of variables carry no marks, so they match literally.
//! What differs: directories are read through libc's `dirread` (on Linux,
//! libc's backend presents a directory as packed 9P entries, without `.`
//! and `..`, as Plan 9 does); lists are vectors.

use alloc::vec::Vec;

use libc::syscall::{self, Fd, OREAD};

use crate::rc::GLOB;
use crate::simple::makepath;
use crate::var::Word;

/// glob.c's `deglob`: the word without its GLOB marks.
pub fn deglob(s: &[u8]) -> Word {
    if !s.contains(&GLOB) {
        return s.to_vec();
    }
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == GLOB {
            i += 1;
            if i == s.len() {
                break;
            }
        }
        out.push(s[i]);
        i += 1;
    }
    out
}

fn at(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}

/// The index of the next UTF-8 sequence after the one at `i`.
fn nextutf(s: &[u8], i: usize) -> usize {
    let c = at(s, i) as i32;
    let n = if c & 0x80 == 0 {
        return i + 1;
    } else if c & 0xe0 == 0xc0 {
        2
    } else if c & 0xf0 == 0xe0 {
        3
    } else {
        4
    };
    let mut k = 1;
    while k < n {
        if at(s, i + k) & 0xc0 != 0x80 {
            break;
        }
        k += 1;
    }
    i + k
}

/// The code point at `i`, or -1 for a broken sequence.
fn unicode(s: &[u8], i: usize) -> i32 {
    let c = at(s, i) as i32;
    let x = |k: usize| at(s, i + k) & 0xc0 == 0x80;
    let b = |k: usize| (at(s, i + k) & 0x3f) as i32;
    if c & 0x80 == 0 {
        c
    } else if c & 0xe0 == 0xc0 {
        if x(1) {
            ((c & 0x1f) << 6) | b(1)
        } else {
            -1
        }
    } else if c & 0xf0 == 0xe0 {
        if x(1) && x(2) {
            ((c & 0x0f) << 12) | (b(1) << 6) | b(2)
        } else {
            -1
        }
    } else if c & 0xf8 == 0xf0 {
        if x(1) && x(2) && x(3) {
            ((c & 0x07) << 18) | (b(1) << 12) | (b(2) << 6) | b(3)
        } else {
            -1
        }
    } else {
        -1
    }
}

/// glob.c's `match`: does `s` match the pattern `p` (up to the byte
/// `stop`, or its end)?
pub fn matches(s: &[u8], p: &[u8], stop: u8) -> bool {
    match1(s, 0, p, 0, stop)
}

fn match1(s: &[u8], mut si: usize, p: &[u8], mut pi: usize, stop: u8) -> bool {
    while at(p, pi) != stop && pi < p.len() {
        if at(p, pi) != GLOB {
            if at(p, pi) != at(s, si) || si >= s.len() || unicode(p, pi) != unicode(s, si) {
                return false;
            }
        } else {
            pi += 1;
            match at(p, pi) {
                GLOB => {
                    if at(s, si) != GLOB {
                        return false;
                    }
                }
                b'*' => {
                    let np = nextutf(p, pi);
                    loop {
                        if match1(s, si, p, np, stop) {
                            return true;
                        }
                        if si >= s.len() {
                            break;
                        }
                        si = nextutf(s, si);
                    }
                    return false;
                }
                b'?' => {
                    if si >= s.len() {
                        return false;
                    }
                }
                b'[' => {
                    if si >= s.len() {
                        return false;
                    }
                    let c = unicode(s, si);
                    pi += 1;
                    let compl = at(p, pi) == b'~';
                    if compl {
                        pi += 1;
                    }
                    let mut hit = false;
                    while at(p, pi) != b']' {
                        if pi >= p.len() {
                            return false;
                        }
                        let mut lo = unicode(p, pi);
                        pi = nextutf(p, pi);
                        let mut hi;
                        if at(p, pi) != b'-' {
                            hi = lo;
                        } else {
                            pi += 1;
                            if pi >= p.len() {
                                return false;
                            }
                            hi = unicode(p, pi);
                            pi = nextutf(p, pi);
                            if hi < lo {
                                core::mem::swap(&mut lo, &mut hi);
                            }
                        }
                        if lo <= c && c <= hi {
                            hit = true;
                        }
                    }
                    if compl {
                        hit = !hit;
                    }
                    if !hit {
                        return false;
                    }
                }
                _ => {
                    // A GLOB mark before an ordinary byte: match it
                    // literally, as 9front's loop compares it next round.
                    if at(p, pi) != at(s, si) {
                        return false;
                    }
                }
            }
        }
        si = nextutf(s, si);
        pi = nextutf(p, pi);
    }
    si >= s.len()
}

/// glob.c's `matchfn`: `.` and `..` match only a pattern starting with `.`.
fn matchfn(s: &[u8], p: &[u8]) -> bool {
    if s.first() == Some(&b'.') && (s.len() == 1 || s == b"..") && p.first() != Some(&b'.') {
        return false;
    }
    matches(s, p, b'/')
}

fn exists(name: &[u8]) -> bool {
    match core::str::from_utf8(name) {
        Ok(n) => syscall::stat(n).is_ok(),
        Err(_) => false,
    }
}

/// The names in directory `name` (only subdirectories if `onlydirs`).
fn readdir(name: &[u8], onlydirs: bool) -> Vec<Word> {
    let mut out = Vec::new();
    let Ok(n) = core::str::from_utf8(name) else {
        return out;
    };
    let Ok(fd) = syscall::open(n, OREAD) else {
        return out;
    };
    while let Ok(ents) = libc::dirread::dirread(Fd(fd.0)) {
        if ents.is_empty() {
            break;
        }
        for d in ents {
            if onlydirs && d.mode & libc::fcall::DMDIR == 0 {
                continue;
            }
            out.push(d.name.as_bytes().to_vec());
        }
    }
    let _ = syscall::close(fd);
    out
}

/// glob.c's `globdir`: appends to `out` the names matching `pattern`
/// under the directory `name`.
fn globdir(out: &mut Vec<Word>, mut pattern: &[u8], mut name: Word) {
    while pattern.first() == Some(&b'/') {
        name = makepath(&name, b"/");
        pattern = &pattern[1..];
    }
    if pattern.is_empty() {
        out.push(name);
        return;
    }
    let Some(g) = pattern.iter().position(|&c| c == GLOB) else {
        let n = makepath(&name, pattern);
        if exists(&n) {
            out.push(n);
        }
        return;
    };
    if let Some(sl) = pattern[..g].iter().rposition(|&c| c == b'/') {
        name = makepath(&name, &pattern[..sl]);
        pattern = &pattern[sl + 1..];
    }
    let g = pattern.iter().position(|&c| c == GLOB).unwrap_or(0);
    let slash = pattern[g..].iter().position(|&c| c == b'/').map(|i| g + i);
    let dir: &[u8] = if name.is_empty() { b"." } else { &name };
    for entry in readdir(dir, slash.is_some()) {
        if matchfn(&entry, pattern) {
            let rest = match slash {
                Some(i) => &pattern[i..],
                None => &b""[..],
            };
            globdir(out, rest, makepath(&name, &entry));
        }
    }
}

/// glob.c's `globword`: the word's expansion, sorted; the word itself,
/// without its marks, when nothing matches.
pub fn globword(w: &[u8]) -> Vec<Word> {
    if !w.contains(&GLOB) {
        return alloc::vec![w.to_vec()];
    }
    let mut out = Vec::new();
    globdir(&mut out, w, Vec::new());
    if out.is_empty() {
        return alloc::vec![deglob(w)];
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pat(s: &str) -> Vec<u8> {
        let mut v = Vec::new();
        for b in s.bytes() {
            if b"*?[".contains(&b) {
                v.push(GLOB);
            }
            v.push(b);
        }
        v
    }

    #[test]
    fn patterns_match_as_rc_man_page_says() {
        assert!(matches(b"abc", &pat("a*"), 0));
        assert!(matches(b"abc", &pat("a?c"), 0));
        assert!(!matches(b"abc", &pat("a?"), 0));
        assert!(matches(b"b", &pat("[a-c]"), 0));
        assert!(!matches(b"b", &pat("[~a-c]"), 0));
        assert!(matches(b"d", &pat("[~a-c]"), 0));
        assert!(matches(b"", &pat("*"), 0));
        assert!(!matches(b"a*", b"ab", 0));
        assert!(matches("é".as_bytes(), &pat("?"), 0));
        // unmarked metacharacters are literal
        assert!(matches(b"a*", b"a*", 0));
        assert!(!matches(b"ab", b"a*", 0));
    }

    #[test]
    fn deglob_removes_marks() {
        assert_eq!(deglob(&pat("a*b")), b"a*b");
        assert_eq!(deglob(&[GLOB, GLOB]), &[GLOB]);
    }
}
