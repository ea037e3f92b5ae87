//! Reference counts: a port of 9front's `sys/src/libthread/ref.c`
//! (`incref`, `decref`; see lock(2)).
//!
//! What differs from 9front: the count is an atomic integer instead of a
//! Lock and a long.

use core::sync::atomic::{AtomicI64, Ordering};

/// A reference count.
#[derive(Debug, Default)]
pub struct Ref(AtomicI64);

impl Ref {
    pub const fn new(n: i64) -> Ref {
        Ref(AtomicI64::new(n))
    }
    /// Adds one; returns the new count.
    pub fn incref(&self) -> i64 {
        self.0.fetch_add(1, Ordering::AcqRel) + 1
    }
    /// Takes one away; returns the new count.
    pub fn decref(&self) -> i64 {
        self.0.fetch_sub(1, Ordering::AcqRel) - 1
    }
    pub fn get(&self) -> i64 {
        self.0.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts() {
        let r = super::Ref::new(0);
        assert_eq!(r.incref(), 1);
        assert_eq!(r.incref(), 2);
        assert_eq!(r.decref(), 1);
        assert_eq!(r.get(), 1);
    }
}
