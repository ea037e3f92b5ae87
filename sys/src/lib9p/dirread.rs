//! `dirread9p`: a port of 9front's `sys/src/lib9p/dirread.c`.
//!
//! Answers a directory read for servers without a file tree: `gen(i)`
//! gives the `i`th entry, or `None` after the last. Offset 0 starts from
//! the first entry; any other offset goes on from where the fid's last
//! read stopped (`Fid::dirindex`). Entries are packed while they fit.

use libc::fcall::Dir;

use crate::req::Req;

/// Fills the reply data of the directory read `r` from `gen`.
pub fn dirread9p(r: &mut Req, mut gen: impl FnMut(usize) -> Option<Dir>) {
    let (off, count) = r.readargs();
    let fid = r.fid.clone().expect("a read has a fid");
    let mut start = if off == 0 { 0 } else { fid.lock().dirindex };
    let mut out = alloc::vec::Vec::new();
    while out.len() < count as usize {
        let Some(d) = gen(start) else { break };
        match d.to_bytes() {
            Ok(b) if out.len() + b.len() <= count as usize => out.extend_from_slice(&b),
            _ => break,
        }
        start += 1;
    }
    fid.lock().dirindex = start;
    r.ofcall.data = out;
}
