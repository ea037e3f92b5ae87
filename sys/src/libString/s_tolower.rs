//! `s_tolower`: a port of 9front's `libString/s_tolower.c`.
//!
//! Lower-cases the ASCII letters from the finger to the next NUL.
//! string(2) says "all ASCII characters in the string", but 9front's code
//! starts at the finger, not the base, so after `s_copy` or an append
//! (finger on the NUL) it changes nothing: this follows the code.

use crate::String;

impl String {
    /// `s_tolower`: ASCII upper case to lower, from the finger on.
    pub fn tolower(&mut self) {
        for c in self.buf[self.ptr..].iter_mut().take_while(|c| **c != 0) {
            c.make_ascii_lowercase();
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::String;

    #[test]
    fn tolower_works_from_the_finger() {
        let mut s = String::copy(b"MiXeD Case \xc3\x84");
        s.tolower();
        // the finger is on the NUL: nothing changes (s_tolower.c)
        assert_eq!(s.to_c(), b"MiXeD Case \xc3\x84");
        s.restart();
        s.tolower();
        // only ASCII letters change; bytes of UTF-8 stay
        assert_eq!(s.to_c(), b"mixed case \xc3\x84");
        let mut s = String::copy(b"ABCDEF");
        s.restart();
        s.putc(b'Q');
        s.tolower();
        assert_eq!(s.to_c(), b"Qbcdef");
    }
}
