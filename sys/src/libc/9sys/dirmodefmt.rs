//! `dirmodefmt`: a port of 9front's `libc/9sys/dirmodefmt.c`, the `%M`
//! format of ls(1) and friends.
//!
//! Eleven characters: the kind (`d` directory, `a` append-only, `A`
//! authentication file, `-` otherwise), `l` for exclusive use or `-`, and
//! `rwx` triples for owner, group and others. What differs: 9front
//! installs a `fmt` verb; here it is a function returning the text.

use alloc::string::String;

use crate::fcall::{DMAPPEND, DMAUTH, DMDIR, DMEXCL};

/// The `%M` text of mode `m`, e.g. `d-rwxr-xr-x`.
pub fn dirmodefmt(m: u32) -> String {
    let mut s = String::with_capacity(11);
    s.push(if m & DMDIR != 0 {
        'd'
    } else if m & DMAPPEND != 0 {
        'a'
    } else if m & DMAUTH != 0 {
        'A'
    } else {
        '-'
    });
    s.push(if m & DMEXCL != 0 { 'l' } else { '-' });
    for shift in [6, 3, 0] {
        let b = (m >> shift) & 7;
        s.push(if b & 4 != 0 { 'r' } else { '-' });
        s.push(if b & 2 != 0 { 'w' } else { '-' });
        s.push(if b & 1 != 0 { 'x' } else { '-' });
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    // The layout dirmodefmt.c builds: kind, exclusive bit, three triples.
    #[test]
    fn modes() {
        assert_eq!(dirmodefmt(0o644), "--rw-r--r--");
        assert_eq!(dirmodefmt(DMDIR | 0o755), "d-rwxr-xr-x");
        assert_eq!(dirmodefmt(DMAPPEND | DMEXCL | 0o600), "alrw-------");
        assert_eq!(dirmodefmt(DMAUTH), "A----------");
        assert_eq!(dirmodefmt(DMDIR | DMAPPEND | 0o7), "d-------rwx");
    }
}
