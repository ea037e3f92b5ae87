//! `s_getline`: a port of 9front's `libString/s_getline.c`.
//!
//! Appends the next useful line read through a [`Biobuf`] to the string:
//! leading white space (space, tab, newline, carriage return) and the
//! lines it leads to that start with `#` are skipped; the line then runs
//! to a newline (not kept) or the end of the file. A backslash before a
//! newline joins the lines (both dropped); before any other byte both
//! are kept. Nothing at the end of the file.
//!
//! What differs: 9front returns `to->ptr - len`, where `len` counts one
//! more than the bytes of most lines (the newline or end, and an escape
//! pair counts once), so its pointer is off; callers use it only as
//! non-nil. This returns the bytes appended. A backslash at the very end
//! of the file is kept with the byte 0xff after it, as 9front's
//! `s_putc(to, -1)` stores.

use libbio::Biobuf;

use crate::String;

impl String {
    /// `s_getline`: appends the next line that is not empty or a comment.
    pub fn getline(&mut self, fp: &mut Biobuf) -> Option<&[u8]> {
        self.terminate();
        let mut c = fp.getc()?;
        loop {
            while matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                c = fp.getc()?;
            }
            if c == b'#' {
                loop {
                    c = fp.getc()?;
                    if c == b'\n' {
                        break;
                    }
                }
                continue;
            }
            break;
        }
        let start = self.ptr;
        let mut c = Some(c);
        loop {
            match c {
                None | Some(b'\n') => break,
                Some(b'\\') => {
                    let n = fp.getc();
                    if n != Some(b'\n') {
                        self.putc(b'\\');
                        self.putc(n.unwrap_or(0xff));
                    }
                    c = n;
                    if c.is_none() {
                        break;
                    }
                }
                Some(b) => self.putc(b),
            }
            c = fp.getc();
        }
        self.terminate();
        Some(&self.buf[start..self.ptr])
    }
}

#[cfg(test)]
mod tests {
    use crate::tests::bio;
    use crate::String;

    fn lines(input: &[u8]) -> Vec<Vec<u8>> {
        let mut b = bio(input);
        let mut v = Vec::new();
        loop {
            let mut s = String::new();
            match s.getline(&mut b) {
                Some(l) => {
                    let l = l.to_vec();
                    assert_eq!(s.to_c(), &l[..]);
                    v.push(l)
                }
                None => break,
            }
        }
        v
    }

    #[test]
    fn skips_white_empty_lines_and_comments() {
        let got = lines(b"\n\n  # a comment\n\t first line \n#x\n\r\nsecond\nlast");
        assert_eq!(got, [&b"first line "[..], b"second", b"last"]);
        assert!(lines(b"  \n# only comments\n#\n").is_empty());
        // a comment without a newline at the end of the file ends input
        assert!(lines(b"#unterminated").is_empty());
    }

    #[test]
    fn a_hash_after_the_start_is_kept() {
        assert_eq!(lines(b"a # not a comment\n"), [&b"a # not a comment"[..]]);
    }

    #[test]
    fn backslash_joins_lines_and_is_kept_otherwise() {
        assert_eq!(lines(b"one \\\ntwo\nx\\ty\n"), [&b"one two"[..], b"x\\ty"]);
        // at the end of the file: the backslash and 0xff (s_putc of -1)
        assert_eq!(lines(b"end\\"), [&b"end\\\xff"[..]]);
    }

    #[test]
    fn getline_appends() {
        let mut b = bio(b"x\ny\n");
        let mut s = String::copy(b"head:");
        assert_eq!(s.getline(&mut b), Some(&b"x"[..]));
        assert_eq!(s.getline(&mut b), Some(&b"y"[..]));
        assert_eq!(s.to_c(), b"head:xy");
        assert_eq!(s.getline(&mut b), None);
    }
}
