//! `s_grow`: a port of 9front's `libString/s_grow.c`.
//!
//! Grows the allocation by `incr` bytes, or by half its size when that
//! is more (to grow less often), keeping the contents and the finger's
//! offset. Constant strings (9front's fatal case) are [`crate::Array`],
//! which has no `grow`; a shared one is made unique by [`crate::unique`]
//! first.

use crate::String;

impl String {
    /// `s_grow`: at least `incr` more bytes of allocation.
    pub fn grow(&mut self, incr: usize) -> &mut String {
        let mut size = self.buf.len();
        if size / 2 < incr {
            size += incr;
        } else {
            size += size / 2;
        }
        self.buf.resize(size, 0);
        self
    }
}

#[cfg(test)]
mod tests {
    use crate::String;

    #[test]
    fn grows_by_half_or_by_the_increment() {
        // size/2 >= incr: grow by size/2; else by incr.
        let mut s = String::new();
        s.grow(10);
        assert_eq!(s.capacity(), 192);
        s.grow(200);
        assert_eq!(s.capacity(), 392);
    }

    #[test]
    fn grow_keeps_contents_and_finger() {
        let mut s = String::copy(b"keep");
        s.grow(1000);
        assert_eq!((s.to_c(), s.len()), (&b"keep"[..], 4));
    }
}
