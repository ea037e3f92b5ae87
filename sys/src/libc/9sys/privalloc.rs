//! `privalloc`: a port of 9front's `sys/src/libc/9sys/privalloc.c`: hands
//! out the per-process words `_callmain` put on the main stack
//! (`_privates`, `_nprivates`; see `amd64/main9.rs`), until they run out.
//! What differs: an atomic decrement instead of a `Lock`, and `None`
//! instead of nil. Native backend only.

use core::sync::atomic::Ordering;

use crate::amd64::main9::{_nprivates, _privates};

pub fn privalloc() -> Option<*mut usize> {
    let n = _nprivates
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| (n > 0).then(|| n - 1))
        .ok()?;
    let p = _privates.load(Ordering::SeqCst);
    if p.is_null() {
        return None;
    }
    Some(p.wrapping_add((n - 1) as usize))
}
