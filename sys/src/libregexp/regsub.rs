//! `regsub`: a port of 9front's `libregexp/regsub.c`.
//!
//! Expands a replacement: `&` is the whole match, `\0` to `\9` submatch
//! *n* (nothing if it did not take part), `\\` a backslash, `\c` any other
//! `c`; a `\` at the end ends the text. As 9front's fills a buffer of
//! `dlen` bytes with a terminating NUL, the result is cut to `dlen - 1`
//! bytes; here it is returned instead of written.

use alloc::vec::Vec;

use crate::regimpl::Resub;

/// The text of submatch `m` in `subject`, if it took part.
pub(crate) fn part<'a, T>(subject: &'a [T], m: &Resub) -> Option<&'a [T]> {
    let (sp, ep) = (m.sp?, m.ep?);
    subject.get(sp..ep.max(sp))
}

/// The expansion machinery shared with `rregsub`: `src` over units `T`
/// where `\`, `&` and the digits are ASCII.
pub(crate) fn expand<T: Copy + Into<u32>>(
    src: &[T],
    dlen: usize,
    subject: &[T],
    m: &[Resub],
) -> Vec<T> {
    let room = dlen.saturating_sub(1);
    let mut dst: Vec<T> = Vec::new();
    let put = |dst: &mut Vec<T>, s: &[T]| -> bool {
        // strecpy: as much as fits, stopping at a NUL.
        for &c in s {
            if c.into() == 0 || dst.len() >= room {
                break;
            }
            dst.push(c);
        }
        true
    };
    let mut i = 0;
    while i < src.len() {
        let c: u32 = src[i].into();
        if c == 0 {
            break;
        }
        match char::from_u32(c) {
            Some('\\') => {
                i += 1;
                let Some(&n) = src.get(i) else { break };
                let nc: u32 = n.into();
                match char::from_u32(nc) {
                    Some(d @ '0'..='9') => {
                        let k = d as usize - '0' as usize;
                        if k < m.len() && m[k].ep.is_some() {
                            if let Some(p) = part(subject, &m[k]) {
                                put(&mut dst, p);
                            }
                        }
                    }
                    Some('\0') | None if nc == 0 => break,
                    _ => {
                        if dst.len() >= room {
                            break;
                        }
                        dst.push(n);
                    }
                }
            }
            Some('&') => {
                if !m.is_empty() && m[0].sp.is_some() {
                    if let Some(p) = part(subject, &m[0]) {
                        put(&mut dst, p);
                    }
                }
            }
            _ => {
                if dst.len() >= room {
                    break;
                }
                dst.push(src[i]);
            }
        }
        i += 1;
    }
    dst
}

/// `regsub`: expands `src` for the match `m` of `regexec` on `subject`,
/// in at most `dlen - 1` bytes.
pub fn regsub(src: &[u8], dlen: usize, subject: &[u8], m: &[Resub]) -> Vec<u8> {
    expand(src, dlen, subject, m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regcomp;

    #[test]
    fn expansion() {
        let p = regcomp("(a+)(b)?c").unwrap();
        let mut sub = [Resub::default(); 3];
        assert!(p.regexec(b"xaacy", &mut sub));
        assert_eq!(regsub(b"<&|\\1|\\2|\\0|\\\\|\\q>", 100, b"xaacy", &sub), b"<aac|aa||aac|\\|q>");
        assert_eq!(regsub(b"ab\\", 100, b"xaacy", &sub), b"ab");
        assert_eq!(regsub(b"&&&&", 6, b"xaacy", &sub), b"aacaa");
        assert_eq!(regsub(b"abc", 0, b"", &sub), b"");
        assert_eq!(regsub(b"\\5&", 100, b"xaacy", &sub), b"aac");
    }
}
