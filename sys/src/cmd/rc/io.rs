//! Quoting for output: the port of `pquo` and `pwrd` from 9front's
//! `sys/src/cmd/rc/io.c`.
//!
//! What differs: only these two pure formatting helpers are here so far;
//! they append to a byte vector instead of writing to an `io` buffer. The
//! rest of io.c (buffered file descriptors, `pfmt`) comes with the
//! interpreter and libc.

use alloc::vec::Vec;

/// io.c's `pquo`: `s` in single quotes, each quote doubled.
pub fn pquo(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'\'');
    for &c in s {
        if c == b'\'' {
            out.push(c);
        }
        out.push(c);
    }
    out.push(b'\'');
}

/// Does `c` force quoting in [`pwrd`]? 9front tests the byte as a signed
/// `char`, so bytes from 0x80 up never do.
fn needs_quote(c: u8) -> bool {
    c < 0x80 && (c <= b' ' || b"`^#*[]=|\\?${}()'<>&;".contains(&c))
}

/// io.c's `pwrd`: `s` as rc would read it back as one word: quoted with
/// [`pquo`] when it is empty or holds a character special to rc.
pub fn pwrd(out: &mut Vec<u8>, s: &[u8]) {
    if s.is_empty() || s.iter().any(|&c| needs_quote(c)) {
        pquo(out, s);
    } else {
        out.extend_from_slice(s);
    }
}
