//! `s_parse`: a port of 9front's `libString/s_parse.c`.
//!
//! Takes the next field from the source's finger and appends it to
//! another string: a field is delimited by white space (space, tab,
//! newline), or is quoted with `'` or `"` (the quotes not copied, no
//! escapes, an unclosed quote running to the end). White space after the
//! field is skipped. At the end of the source (its NUL) there is no
//! field. A source is a [`String`] or an [`Array`] (whose end counts as
//! its NUL); 9front's nil `to` is [`Source::parse_new`].

use crate::{Array, String};

fn isspace(c: u8) -> bool {
    c == b' ' || c == b'\t' || c == b'\n'
}

/// What `s_parse` reads from: bytes with a finger.
pub trait Source {
    /// The bytes from the finger to the end of the allocation.
    fn rest(&self) -> &[u8];
    /// Moves the finger `n` bytes on.
    fn advance(&mut self, n: usize);

    /// `s_parse`: appends the next field to `to`; false (and `to`
    /// untouched) at the end of the source.
    fn parse(&mut self, to: &mut String) -> bool {
        let at = |s: &Self, i: usize| s.rest().get(i).copied().unwrap_or(0);
        let c = at(self, 0);
        if c == 0 {
            return false;
        }
        let mut i = 0;
        if c == b'\'' || c == b'"' {
            i += 1;
            while at(self, i) != c && at(self, i) != 0 {
                to.putc(at(self, i));
                i += 1;
            }
            if at(self, i) == c {
                i += 1;
            }
        } else {
            while !isspace(at(self, i)) && at(self, i) != 0 {
                to.putc(at(self, i));
                i += 1;
            }
        }
        to.terminate();
        while isspace(at(self, i)) {
            i += 1;
        }
        self.advance(i);
        true
    }

    /// `s_parse` with a nil `to`: the next field in a new string.
    fn parse_new(&mut self) -> Option<String> {
        let mut to = String::new();
        self.parse(&mut to).then_some(to)
    }
}

impl Source for String {
    fn rest(&self) -> &[u8] {
        &self.buf[self.ptr..]
    }
    fn advance(&mut self, n: usize) {
        self.ptr += n;
    }
}

impl Source for Array<'_> {
    fn rest(&self) -> &[u8] {
        &self.base[self.ptr.min(self.base.len())..]
    }
    fn advance(&mut self, n: usize) {
        self.ptr += n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(s: &[u8]) -> Vec<Vec<u8>> {
        let mut from = String::copy(s);
        from.restart();
        let mut v = Vec::new();
        while let Some(f) = from.parse_new() {
            v.push(f.to_c().to_vec());
        }
        v
    }

    #[test]
    fn fields_split_on_space_tab_newline() {
        assert_eq!(fields(b"a  b\tc\nd"), [&b"a"[..], b"b", b"c", b"d"]);
        assert_eq!(fields(b""), Vec::<Vec<u8>>::new());
    }

    #[test]
    fn quotes_make_one_field_without_escapes() {
        // both quotes, bounding quotes not copied, no escape mechanism
        assert_eq!(
            fields(b"'a b' \"c 'd\" e\\ f"),
            [&b"a b"[..], b"c 'd", b"e\\", b"f"]
        );
        // an unclosed quote runs to the end
        assert_eq!(fields(b"x 'open to end"), [&b"x"[..], b"open to end"]);
        // an empty quoted field is a field
        assert_eq!(fields(b"'' y"), [&b""[..], b"y"]);
    }

    #[test]
    fn leading_white_is_not_skipped() {
        // s_parse.c skips white only after a field: at leading white the
        // field is empty (the loop stops at once), then the white goes.
        assert_eq!(fields(b" a"), [&b""[..], b"a"]);
        // a quote inside a word is part of it
        assert_eq!(fields(b"it's"), [&b"it's"[..]]);
    }

    #[test]
    fn parse_appends_to_what_is_there() {
        let mut from = String::copy(b"tail rest");
        from.restart();
        let mut to = String::copy(b"head-");
        assert!(from.parse(&mut to));
        assert_eq!(to.to_c(), b"head-tail");
        assert_eq!(from.len(), 5);
    }
}
