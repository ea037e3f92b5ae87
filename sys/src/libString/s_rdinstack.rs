//! `s_allocinstack`, `s_freeinstack`, `s_rdinstack`: a port of 9front's
//! `libString/s_rdinstack.c`.
//!
//! A stack of open files, read line by line: lines are appended to a
//! string with leading white space (space, tab, newline, carriage
//! return) and empty lines skipped and carriage returns dropped; a
//! backslash before a newline joins lines, before anything else both are
//! kept. A line `#include FILE` (a blank after the word) reads FILE
//! first (one that cannot be opened is skipped); other lines starting
//! with `#` are dropped; at the end of an included file reading goes on
//! in the one that included it.
//!
//! What differs: `s_freeinstack` is `Drop`; 9front `sysfatal`s when the
//! includes nest too deep (its limit is 32 files, checked one late); here
//! a 33rd file is [`TooDeep`]. A backslash at the end of a file stores
//! the byte 0xff after it, as 9front's `s_putc(to, -1)` does. The name
//! of an included file is what follows the blanks after `#include`, up
//! to the end of the line.

use alloc::vec::Vec;

use libbio::Biobuf;
use libc::syscall::OREAD;

use crate::String;

/// How many files may be open at once, 9front's `nelem(sp->fp)`.
pub const MAXDEPTH: usize = 32;

/// Includes nested more than [`MAXDEPTH`] files deep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep;

impl core::fmt::Display for TooDeep {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        f.write_str("s_recgetline: includes too deep")
    }
}

/// A stack of files being read (9front's `Sinstack`).
pub struct Sinstack {
    fp: Vec<Biobuf>,
}

impl Sinstack {
    /// `s_allocinstack`: a stack reading `file`; None if it cannot be
    /// opened.
    pub fn alloc(file: &str) -> Option<Sinstack> {
        let fp = Biobuf::open(file, OREAD).ok()?;
        Some(Sinstack {
            fp: alloc::vec![fp],
        })
    }

    /// How many files are open.
    pub fn depth(&self) -> usize {
        self.fp.len()
    }
}

impl Drop for Sinstack {
    fn drop(&mut self) {
        while let Some(b) = self.fp.pop() {
            let _ = b.term();
        }
    }
}

/// rdline: appends the next non-empty line of `fp` to `to`; the index
/// where it starts, None at the end of the file.
fn rdline(fp: &mut Biobuf, to: &mut String) -> Option<usize> {
    let mut c = fp.getc();
    while matches!(c, Some(b' ' | b'\t' | b'\n' | b'\r')) {
        c = fp.getc();
    }
    c?;
    let mut len = 0;
    loop {
        match c {
            None => break,
            Some(b'\\') => {
                c = fp.getc();
                if c != Some(b'\n') {
                    to.putc(b'\\');
                    to.putc(c.unwrap_or(0xff));
                    len += 2;
                }
                if c.is_none() {
                    break;
                }
            }
            Some(b'\r') => {}
            Some(b'\n') => {
                if len != 0 {
                    break;
                }
            }
            Some(b) => {
                to.putc(b);
                len += 1;
            }
        }
        c = fp.getc();
    }
    to.terminate();
    Some(to.ptr - len)
}

impl String {
    /// `s_rdinstack`: appends the next line of the stack's files that is
    /// not empty, a comment or an include; `Ok(None)` at the end of the
    /// first file.
    pub fn rdinstack(&mut self, sp: &mut Sinstack) -> Result<Option<&[u8]>, TooDeep> {
        self.terminate();
        loop {
            let Some(fp) = sp.fp.last_mut() else {
                return Ok(None);
            };
            let Some(p) = rdline(fp, self) else {
                if sp.fp.len() == 1 {
                    return Ok(None);
                }
                if let Some(b) = sp.fp.pop() {
                    let _ = b.term();
                }
                self.terminate();
                continue;
            };
            let line = &self.buf[p..self.ptr];
            if line.starts_with(b"#include") && matches!(line.get(8), Some(b' ' | b'\t')) {
                let name = &line[8..];
                let skip = name
                    .iter()
                    .take_while(|&&c| c == b' ' || c == b'\t')
                    .count();
                let name = alloc::string::String::from_utf8_lossy(&name[skip..]).into_owned();
                self.ptr = p;
                if sp.fp.len() >= MAXDEPTH {
                    return Err(TooDeep);
                }
                if let Ok(nfp) = Biobuf::open(&name, OREAD) {
                    sp.fp.push(nfp);
                }
                self.terminate();
                continue;
            }
            if self.buf.get(p) != Some(&b'#') {
                return Ok(Some(&self.buf[p..self.ptr]));
            }
            self.ptr = p;
            self.terminate();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::tmpfile;

    fn all(sp: &mut Sinstack) -> Vec<Vec<u8>> {
        let mut v = Vec::new();
        let mut s = String::new();
        while let Some(l) = s.rdinstack(sp).unwrap() {
            v.push(l.to_vec());
        }
        v
    }

    #[test]
    fn lines_without_white_comments_or_carriage_returns() {
        let f = tmpfile(b"\n  first\r\n\n# comment\n\tsecond line\n#\nthird \\\ncontinued\nx\\y");
        let mut sp = Sinstack::alloc(&f).unwrap();
        assert_eq!(
            all(&mut sp),
            [&b"first"[..], b"second line", b"third continued", b"x\\y"]
        );
    }

    #[test]
    fn includes_are_read_in_place() {
        let inner = tmpfile(b"in1\n#include /nonexistent/file\nin2\n");
        let outer = tmpfile(
            format!("out1\n#include  {inner}\nout2\n#included not an include\n").as_bytes(),
        );
        let mut sp = Sinstack::alloc(&outer).unwrap();
        assert_eq!(all(&mut sp), [&b"out1"[..], b"in1", b"in2", b"out2"]);
    }

    #[test]
    fn lines_accumulate_in_the_string() {
        let f = tmpfile(b"a\nb\n");
        let mut sp = Sinstack::alloc(&f).unwrap();
        let mut s = String::new();
        assert_eq!(s.rdinstack(&mut sp), Ok(Some(&b"a"[..])));
        assert_eq!(s.rdinstack(&mut sp), Ok(Some(&b"b"[..])));
        assert_eq!(s.to_c(), b"ab");
        assert_eq!(s.rdinstack(&mut sp), Ok(None));
    }

    #[test]
    fn a_file_including_itself_is_too_deep() {
        let dir =
            std::env::temp_dir().join(format!("planten-libstring-self-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("loop");
        std::fs::write(&f, format!("x\n#include {}\n", f.display())).unwrap();
        let mut sp = Sinstack::alloc(f.to_str().unwrap()).unwrap();
        let mut s = String::new();
        let mut n = 0;
        let r = loop {
            match s.rdinstack(&mut sp) {
                Ok(Some(_)) => n += 1,
                other => break other,
            }
        };
        assert_eq!(r, Err(TooDeep));
        assert_eq!((n, sp.depth()), (MAXDEPTH, MAXDEPTH));
        assert_eq!(TooDeep.to_string(), "s_recgetline: includes too deep");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn missing_file_gives_none() {
        assert!(Sinstack::alloc("/nonexistent/planten/file").is_none());
    }
}
