//! Control messages: a port of 9front's `port/parse.c` (`parsecmd`,
//! `cmderror`, `lookupcmd`), with the `Cmdbuf` and `Cmdtab` structures of
//! `portdat.h`.
//!
//! A device's `ctl` file takes a line of fields, split as `tokenize`
//! splits them (blanks separate, single quotes group); [`lookupcmd`]
//! finds the message in the device's table and checks its field count.
//!
//! What differs from 9front: the fields are owned `String`s (bytes that
//! are not UTF-8 become U+FFFD); the text ends at a NUL, as the C string
//! does; errors are returned rather than raised.

use alloc::string::String;
use alloc::vec::Vec;

use libc::tokenize::tokenize;

use crate::chan::quotefmt;
use crate::proc::ERRMAX;
use crate::{Error, Result};

/// A parsed control message (`Cmdbuf`): its fields; `f.len()` is `nf`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cmdbuf {
    pub f: Vec<String>,
}

impl Cmdbuf {
    /// The number of fields (`cb->nf`).
    pub fn nf(&self) -> usize {
        self.f.len()
    }
}

/// One entry of a device's table of control messages (`Cmdtab`): its
/// index (what the device switches on), its name (`*` matches any), and
/// how many fields it takes, the name included (0: any number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cmdtab {
    pub index: u32,
    pub cmd: &'static str,
    pub narg: usize,
}

impl Cmdtab {
    /// A table entry.
    pub const fn new(index: u32, cmd: &'static str, narg: usize) -> Cmdtab {
        Cmdtab { index, cmd, narg }
    }
}

/// `parsecmd`: the fields of the message `p`, without a final newline.
pub fn parsecmd(p: &[u8]) -> Cmdbuf {
    let mut p = match p.iter().position(|&b| b == 0) {
        Some(i) => &p[..i],
        None => p,
    };
    if let Some((b'\n', rest)) = p.split_last() {
        p = rest;
    }
    let s = String::from_utf8_lossy(p);
    Cmdbuf {
        f: tokenize(&s, usize::MAX),
    }
}

/// Cut `s` to at most `n` bytes, at a character boundary.
fn utftrunc(s: &mut String, n: usize) {
    if s.len() > n {
        let mut k = n;
        while !s.is_char_boundary(k) {
            k -= 1;
        }
        s.truncate(k);
    }
}

/// `cmderror`: the error `s "message"`, with the message rebuilt from its
/// fields (each quoted as `%q` does), in at most ERRMAX-10 bytes before
/// the closing quote, as 9front's `seprint` into `up->genbuf` leaves it.
pub fn cmderror(cb: &Cmdbuf, s: &str) -> Error {
    // seprint(p, e, ...) with e = genbuf+ERRMAX-10 writes at most
    // ERRMAX-11 bytes; a %q that does not fit is cut to what does.
    let lim = ERRMAX - 11;
    let mut out = String::from(s);
    out.push_str(" \"");
    utftrunc(&mut out, lim);
    for (i, f) in cb.f.iter().enumerate() {
        if i > 0 && out.len() < lim {
            out.push(' ');
        }
        let room = lim - out.len();
        if room == 0 {
            break;
        }
        out.push_str(&quotefmt(f, room, false));
    }
    out.push('"');
    Error::Msg(out)
}

/// `lookupcmd`: the entry of `tab` for the message `cb`: "empty control
/// message" for no fields, `Ecmdargs` (with the message) for a wrong
/// number of them, "unknown control message" for a name not in the table.
pub fn lookupcmd<'a>(cb: &Cmdbuf, tab: &'a [Cmdtab]) -> Result<&'a Cmdtab> {
    if cb.f.is_empty() {
        return Err(Error::Msg(String::from("empty control message")));
    }
    for ct in tab {
        if ct.cmd != "*" && ct.cmd != cb.f[0] {
            continue;
        }
        if ct.narg != 0 && ct.narg != cb.f.len() {
            return Err(cmderror(cb, Error::Ecmdargs.as_str()));
        }
        return Ok(ct);
    }
    Err(cmderror(cb, "unknown control message"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    const TAB: &[Cmdtab] = &[
        Cmdtab::new(0, "close", 2),
        Cmdtab::new(1, "kill", 1),
        Cmdtab::new(2, "trace", 0),
    ];

    #[test]
    fn parsecmd_drops_the_newline_and_tokenizes() {
        // parse.c: a final newline is dropped; tokenize splits at blanks
        // and keeps quoted blanks; the C string ends at a NUL.
        assert_eq!(parsecmd(b"close 3\n").f, ["close", "3"]);
        assert_eq!(parsecmd(b"  a 'b c'\t d").f, ["a", "b c", "d"]);
        assert_eq!(parsecmd(b"kill\0junk").f, ["kill"]);
        assert_eq!(parsecmd(b"\n").nf(), 0);
        assert_eq!(parsecmd(b"a\n\n").f, ["a"]);
    }

    #[test]
    fn lookupcmd_errors_are_9fronts() {
        // lookupcmd: empty, wrong count (Ecmdargs) and unknown messages,
        // with cmderror's `%s "%q %q"` rebuilding of the message.
        let e = |m: &[u8]| lookupcmd(&parsecmd(m), TAB).unwrap_err().to_string();
        assert_eq!(e(b""), "empty control message");
        assert_eq!(e(b"kill 9"), "wrong #args in control message \"kill 9\"");
        assert_eq!(e(b"close"), "wrong #args in control message \"close\"");
        assert_eq!(
            e(b"frob a 'b c'"),
            "unknown control message \"frob a 'b c'\""
        );
        assert_eq!(lookupcmd(&parsecmd(b"close 3"), TAB).unwrap().index, 0);
        assert_eq!(lookupcmd(&parsecmd(b"trace 1 2 3"), TAB).unwrap().index, 2);
        // The message is cut to fit ERRMAX-10 bytes, then quoted.
        let long = "x".repeat(300);
        let m = e(long.as_bytes());
        assert_eq!(m.len(), ERRMAX - 11 + 1);
        assert!(m.starts_with("unknown control message \"xxx"));
        assert!(m.ends_with("x\""));
    }
}
