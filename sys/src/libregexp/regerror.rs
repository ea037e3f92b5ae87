//! `regerror`: a port of 9front's `libregexp/regerror.c`.
//!
//! In 9front, `regcomp` calls `regerror(msg)` on a bad pattern; the
//! default prints `regerror: msg` and exits with status `regerr`, and a
//! program may supply its own. Here `regcomp` returns the message as a
//! [`RegError`], and [`regerror`] is the default action for a program to
//! call. The message is bytes, since it may quote runes that are not
//! Unicode scalar values (9front's runes include surrogates).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use libc::rune::{chartorune, runetochar, Rune, UTFMAX};
use libc::syscall::{exits, write, Fd};

/// A compile error: the text 9front passes to `regerror`.
#[derive(Clone, PartialEq, Eq)]
pub struct RegError {
    msg: Vec<u8>,
}

impl RegError {
    /// A message as 9front's `snprint` into a 128-byte buffer leaves it:
    /// at most 127 bytes, cut at a rune boundary.
    pub(crate) fn new(msg: Vec<u8>) -> RegError {
        RegError { msg: fit(&msg, 127) }
    }

    /// A message that 9front passes without formatting.
    pub(crate) fn fixed(msg: &str) -> RegError {
        RegError { msg: msg.as_bytes().to_vec() }
    }

    /// The message's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.msg
    }
}

impl fmt::Display for RegError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.msg))
    }
}

impl fmt::Debug for RegError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "RegError({:?})", String::from_utf8_lossy(&self.msg))
    }
}

/// Appends `s` as 9front's `%s` prints it: rune by rune, a bad byte as
/// Runeerror.
pub(crate) fn push_str(out: &mut Vec<u8>, s: &[u8]) {
    let mut i = 0;
    while i < s.len() {
        let (r, n) = chartorune(&s[i..]);
        push_rune(out, r);
        i += n;
    }
}

/// Appends `r` as `%C` prints it.
pub(crate) fn push_rune(out: &mut Vec<u8>, r: Rune) {
    let mut b = [0u8; UTFMAX];
    let n = runetochar(&mut b, r);
    out.extend_from_slice(&b[..n]);
}

/// The longest prefix of `s` of at most `max` bytes that ends at a rune
/// boundary, as 9front's formatted printing into a full buffer stops.
pub(crate) fn fit(s: &[u8], max: usize) -> Vec<u8> {
    let mut i = 0;
    while i < s.len() {
        let (_, n) = chartorune(&s[i..]);
        if i + n > max {
            break;
        }
        i += n;
    }
    s[..i].to_vec()
}

/// The default `regerror`: prints `regerror: msg` on standard error and
/// exits with status `regerr`.
pub fn regerror(e: &RegError) -> ! {
    let mut buf = b"regerror: ".to_vec();
    buf.extend_from_slice(e.as_bytes());
    buf.push(b'\n');
    let _ = write(Fd::STDERR, &buf);
    exits("regerr")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_cut_at_rune_boundaries() {
        let long = "é".repeat(100);
        let e = RegError::new(long.clone().into_bytes());
        assert_eq!(e.as_bytes().len(), 126);
        assert_eq!(e.to_string(), "é".repeat(63));
        assert_eq!(RegError::new(b"short".to_vec()).as_bytes(), b"short");
        let mut v = Vec::new();
        push_str(&mut v, b"a\xffb");
        assert_eq!(v, "a\u{fffd}b".as_bytes());
    }
}
