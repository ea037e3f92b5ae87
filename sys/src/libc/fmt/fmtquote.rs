//! Quoting strings: the `%q` verb of 9front's `libc/fmt/fmtquote.c`.
//!
//! A string is quoted when it is empty or holds a blank, a control
//! character, a single quote, or a character the program's `doquote`
//! test picks (ls and du use rc's, [`crate::needsrcquote::needsrcquote`]).
//! Quoting puts it in single quotes and doubles the quotes inside.
//!
//! What differs: 9front sets `doquote` globally and installs the verb;
//! here the test is an argument and the result a `Cow`. 9front pads a
//! quoted string to a width by bytes and an unquoted one by runes;
//! [`quotewidth`] gives the width that padding counts.

use alloc::borrow::Cow;
use alloc::string::String;

/// `%q` of `s` with the extra quoting test `doquote`.
pub fn quotestr<'a>(s: &'a str, doquote: Option<fn(char) -> bool>) -> Cow<'a, str> {
    let need = s.is_empty()
        || s
            .chars()
            .any(|c| c <= ' ' || c == '\'' || doquote.is_some_and(|f| f(c)));
    if !need {
        return Cow::Borrowed(s);
    }
    let mut q = String::with_capacity(s.len() + 2);
    q.push('\'');
    for c in s.chars() {
        q.push(c);
        if c == '\'' {
            q.push('\'');
        }
    }
    q.push('\'');
    Cow::Owned(q)
}

/// The width 9front's padding counts for a `%q` result `q`: bytes if it
/// is quoted, runes if not.
pub fn quotewidth(q: &str) -> usize {
    if q.starts_with('\'') {
        q.len()
    } else {
        q.chars().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::needsrcquote::needsrcquote;

    #[test]
    fn quotes_as_9front() {
        assert_eq!(quotestr("abc", None), "abc");
        assert_eq!(quotestr("", None), "''");
        assert_eq!(quotestr("a b", None), "'a b'");
        assert_eq!(quotestr("it's", None), "'it''s'");
        assert_eq!(quotestr("a=b", None), "a=b");
        assert_eq!(quotestr("a=b", Some(needsrcquote)), "'a=b'");
        assert_eq!(quotestr("x$y", Some(needsrcquote)), "'x$y'");
        assert_eq!(quotewidth("'é'"), 4);
        assert_eq!(quotewidth("é"), 1);
    }
}
