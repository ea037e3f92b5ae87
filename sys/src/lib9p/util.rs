//! `readbuf` and `readstr`: a port of 9front's `sys/src/lib9p/util.c`.
//!
//! Answer a Tread from a byte string: the request's offset and count
//! select the part of `s` that goes into the reply's data.

use crate::req::Req;

/// Fills the reply data of the read `r` from `s`.
pub fn readbuf(r: &mut Req, s: &[u8]) {
    let (off, count) = r.readargs();
    let n = s.len() as u64;
    if off >= n {
        r.ofcall.data.clear();
        return;
    }
    let end = core::cmp::min(n, off + count as u64);
    r.ofcall.data.clear();
    r.ofcall.data.extend_from_slice(&s[off as usize..end as usize]);
}

/// Fills the reply data of the read `r` from the string `s`.
pub fn readstr(r: &mut Req, s: &str) {
    readbuf(r, s.as_bytes())
}
