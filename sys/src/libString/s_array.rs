//! `s_array`: a port of 9front's `libString/s_array.c`.
//!
//! 9front's `s_array` makes a `String` that points at the caller's bytes
//! and is marked fixed: growing it is fatal. Here it is [`Array`], which
//! borrows the bytes and has only what reads them (its finger, `s_to_c`,
//! `s_len`, `s_restart`, and being the source of `s_parse`), so it
//! cannot grow. As in 9front, the finger starts at the base and the
//! array's end is `len` bytes on (the end of the slice).

use crate::cstr;

/// A constant string over borrowed bytes (`s_array`).
#[derive(Debug, Clone, Copy)]
pub struct Array<'a> {
    pub(crate) base: &'a [u8],
    pub(crate) ptr: usize,
}

impl<'a> Array<'a> {
    /// `s_array`: a constant string of the bytes `cp`.
    pub fn new(cp: &'a [u8]) -> Array<'a> {
        Array { base: cp, ptr: 0 }
    }

    /// `s_to_c`: the bytes before the first NUL.
    pub fn to_c(&self) -> &'a [u8] {
        cstr(self.base)
    }

    /// `s_len`: how far the finger is from the base.
    pub fn len(&self) -> usize {
        self.ptr
    }

    /// Whether [`Array::len`] is 0.
    pub fn is_empty(&self) -> bool {
        self.ptr == 0
    }

    /// `s_restart`: the finger back at the base.
    pub fn restart(&mut self) {
        self.ptr = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Source, String};

    #[test]
    fn array_reads_the_bytes_given() {
        let a = Array::new(b"to be parsed\0junk");
        assert_eq!((a.to_c(), a.len()), (&b"to be parsed"[..], 0));
    }

    #[test]
    fn array_is_a_parse_source() {
        let mut a = Array::new(b"one 'two three'");
        let mut to = String::new();
        assert!(a.parse(&mut to));
        assert_eq!(to.to_c(), b"one");
        assert_eq!(a.len(), 4);
        let mut to = String::new();
        assert!(a.parse(&mut to));
        assert_eq!(to.to_c(), b"two three");
        assert!(!a.parse(&mut String::new()));
        a.restart();
        assert_eq!(a.parse_new().unwrap().to_c(), b"one");
    }
}
