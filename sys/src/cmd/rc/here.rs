//! Here documents: the port of the parse-time half of 9front's
//! `sys/src/cmd/rc/here.c` (`heredoc`, `readhere`, `readhere1`).
//!
//! After the newline that ends a command, rc reads the text of each here
//! document the command named, in order, straight from the input (no
//! `\`-newline joining, no comments), up to a line that is exactly the tag.
//!
//! What differs: the queue of pending here documents belongs to one parse
//! (see [`crate::syn`]) rather than to the process, so a command dropped for
//! a syntax error leaves none behind; 9front would read the next here
//! document for a freed tree node. The prompts 9front prints between lines
//! are the caller's. The substitution of `$var` in the text at run time
//! (`psubst`) comes with the interpreter.

use alloc::vec::Vec;

use crate::lex::{Lexer, Lx, EOF};

/// here.c's `readhere1`: the text of a here document ended by a line
/// holding just `tag`. At the end of input the text is what was read. A
/// NUL byte is an error (the text is then `None`). As in 9front, where the
/// byte is read into a signed `char`, a 0xFF byte ends the text as the
/// end of input would.
pub(crate) fn readhere1(lex: &mut Lexer<'_>, tag: &[u8]) -> Lx<Option<Vec<u8>>> {
    let mut out = Vec::new();
    // How much of the tag the current line matches so far.
    let mut m: Option<usize> = Some(0);
    loop {
        let c = lex.rchr()?;
        if c == EOF || c == 0xff {
            break;
        }
        if c == 0 {
            lex.yyerror("NUL bytes in here doc")?;
            return Ok(None);
        }
        if c == b'\n' as i32 {
            lex.line += 1;
            if m == Some(tag.len()) {
                out.truncate(out.len() - tag.len());
                break;
            }
            m = Some(0);
        } else if let Some(i) = m {
            m = if i < tag.len() && tag[i] as i32 == c {
                Some(i + 1)
            } else {
                None
            };
        }
        out.push(c as u8);
    }
    Ok(Some(out))
}

impl crate::exec::Shell {
    /// here.c's `psubst`: the text of an unquoted here document with
    /// `$name` (and `$n`) replaced by the value, `$$` by `$`; a `^` right
    /// after a name ends it and disappears.
    pub fn psubst(&self, s: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(s.len());
        let mut i = 0;
        while i < s.len() {
            if s[i] != b'$' {
                out.push(s[i]);
                i += 1;
                continue;
            }
            i += 1;
            if i < s.len() && s[i] == b'$' {
                out.push(b'$');
                i += 1;
                continue;
            }
            let st = i;
            while i < s.len() && crate::lex::idchr(s[i] as i32) {
                i += 1;
            }
            let name = &s[st..i];
            let all_digits = !name.is_empty() && name.iter().all(|c| c.is_ascii_digit());
            let n: usize = if all_digits {
                core::str::from_utf8(name).ok().and_then(|x| x.parse().ok()).unwrap_or(0)
            } else {
                0
            };
            if n != 0 {
                if let Some(w) = self.vars.get(b"*").get(n - 1) {
                    out.extend_from_slice(w);
                }
            } else {
                let v = self.vars.get(name);
                for (k, w) in v.iter().enumerate() {
                    if k > 0 {
                        out.push(b' ');
                    }
                    out.extend_from_slice(w);
                }
            }
            if i < s.len() && s[i] == b'^' {
                i += 1;
            }
        }
        out
    }
}
