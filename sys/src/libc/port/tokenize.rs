//! `tokenize`: a port of 9front's `sys/src/libc/port/tokenize.c`.
//!
//! Splits a line into at most `max` fields at blanks, tabs, carriage
//! returns and newlines, with rc-style quoting: text between single quotes
//! keeps its blanks, and a doubled quote inside quotes is one quote. Text
//! after the `max`th field is ignored, as in 9front.
//!
//! What differs from 9front: the fields are new `String`s instead of
//! pointers into the rewritten line; `gettokens` is not here yet.

use alloc::string::String;
use alloc::vec::Vec;

fn issep(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// The fields of `s`, at most `max` of them.
pub fn tokenize(s: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut it = s.chars().peekable();
    while out.len() < max {
        while it.peek().is_some_and(|&c| issep(c)) {
            it.next();
        }
        if it.peek().is_none() {
            break;
        }
        let mut tok = String::new();
        let mut quoting = false;
        while let Some(&c) = it.peek() {
            if !quoting && issep(c) {
                break;
            }
            it.next();
            if c != '\'' {
                tok.push(c);
            } else if !quoting {
                quoting = true;
            } else if it.peek() == Some(&'\'') {
                it.next();
                tok.push('\'');
            } else {
                quoting = false;
            }
        }
        out.push(tok);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::tokenize;

    #[test]
    fn tokenize_follows_9front() {
        assert_eq!(tokenize("  Twalk 1 0\t2 a\n", 10), ["Twalk", "1", "0", "2", "a"]);
        assert_eq!(tokenize("Twrite 1 0 'hello world'", 10), ["Twrite", "1", "0", "hello world"]);
        assert_eq!(tokenize("a 'it''s' b", 10), ["a", "it's", "b"]);
        assert_eq!(tokenize("x''y 'a'b", 10), ["xy", "ab"]);
        assert_eq!(tokenize("a b c d", 2), ["a", "b"]);
        assert_eq!(tokenize("", 10), Vec::<&str>::new());
        assert_eq!(tokenize("''", 10), [""]);
    }
}
