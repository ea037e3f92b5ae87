//! `s_reset` and `s_restart`: a port of 9front's `libString/s_reset.c`.
//!
//! Both move the finger to the base; `s_reset` also writes a NUL there,
//! emptying the string. (9front makes a shared string unique first and
//! turns a nil one into `s_new()`: see the crate's notes.)

use crate::String;

impl String {
    /// `s_reset`: the empty string, finger at the base.
    pub fn reset(&mut self) -> &mut String {
        self.ptr = 0;
        self.buf[0] = 0;
        self
    }

    /// `s_restart`: the finger at the base, contents unchanged.
    pub fn restart(&mut self) -> &mut String {
        self.ptr = 0;
        self
    }
}

#[cfg(test)]
mod tests {
    use crate::String;

    #[test]
    fn reset_empties_and_restart_keeps() {
        let mut s = String::copy(b"abc");
        s.restart();
        assert_eq!((s.to_c(), s.len()), (&b"abc"[..], 0));
        s.reset();
        assert_eq!((s.to_c(), s.len()), (&b""[..], 0));
        assert_eq!(&s.buf[..4], b"\0bc\0");
    }
}
