//! Flag parsing: the semantics of libc.h's `ARGBEGIN`/`ARGEND`, `ARGF`,
//! `EARGF` and `argv0`.
//!
//! Not a C file in 9front (the macros live in `sys/include/libc.h`). The
//! rules are 9front's: `argv[0]` becomes `argv0`; arguments that start with
//! `-` and are longer than `-` are flag clusters, read one character at a
//! time; `--` ends the flags and is dropped; the first other argument ends
//! the flags and is kept. A flag that takes a value takes the rest of its
//! cluster, or else the next argument.
//!
//! ```
//! # use libc::arg::Args;
//! let mut a = Args::new(vec!["ls".into(), "-lq".into(), "-n".into(), "9".into(), "f".into()]);
//! let mut seen = vec![];
//! while let Some(c) = a.next_flag() {
//!     match c {
//!         'n' => seen.push(format!("n={}", a.value().unwrap())),
//!         c => seen.push(c.to_string()),
//!     }
//! }
//! assert_eq!(seen, ["l", "q", "n=9"]);
//! assert_eq!(a.argv0(), "ls");
//! assert_eq!(a.rest(), ["f"]);
//! ```

use alloc::string::String;
use alloc::vec::Vec;

/// A program's arguments being read as flags.
pub struct Args {
    argv0: String,
    args: Vec<String>,
    /// Index of the argument being read.
    i: usize,
    /// Byte offset in the current cluster, or 0 when between arguments.
    off: usize,
    done: bool,
}

impl Args {
    /// Starts reading `argv` (with `argv[0]`).
    pub fn new(argv: Vec<String>) -> Args {
        let mut it = argv.into_iter();
        let argv0 = it.next().unwrap_or_default();
        Args {
            argv0,
            args: it.collect(),
            i: 0,
            off: 0,
            done: false,
        }
    }

    /// The program's name, `argv[0]`.
    pub fn argv0(&self) -> &str {
        &self.argv0
    }

    /// The next flag character, or `None` at the end of the flags.
    pub fn next_flag(&mut self) -> Option<char> {
        if self.done {
            return None;
        }
        loop {
            let a = self.args.get(self.i)?;
            if self.off == 0 {
                if a == "--" {
                    self.i += 1;
                    self.done = true;
                    return None;
                }
                if !a.starts_with('-') || a.len() < 2 {
                    self.done = true;
                    return None;
                }
                self.off = 1;
            }
            match a[self.off..].chars().next() {
                Some(c) => {
                    self.off += c.len_utf8();
                    return Some(c);
                }
                None => {
                    self.i += 1;
                    self.off = 0;
                }
            }
        }
    }

    /// The value of the flag just read (`ARGF`): the rest of its cluster,
    /// or the next argument; `None` if there is neither.
    pub fn value(&mut self) -> Option<String> {
        let a = self.args.get(self.i)?;
        if self.off > 0 && self.off < a.len() {
            let v = a[self.off..].into();
            self.i += 1;
            self.off = 0;
            return Some(v);
        }
        let v = self.args.get(self.i + 1).cloned();
        if v.is_some() {
            self.i += 2;
            self.off = 0;
        }
        v
    }

    /// The arguments after the flags.
    pub fn rest(mut self) -> Vec<String> {
        while self.next_flag().is_some() {}
        self.args.split_off(self.i.min(self.args.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    fn args(v: &[&str]) -> Args {
        Args::new(v.iter().map(|s| s.to_string()).collect())
    }

    fn flags(a: &mut Args) -> String {
        let mut s = String::new();
        while let Some(c) = a.next_flag() {
            s.push(c);
        }
        s
    }

    #[test]
    fn clusters_and_ends() {
        let mut a = args(&["p", "-ab", "-c", "x", "-d"]);
        assert_eq!(flags(&mut a), "abc");
        assert_eq!(a.rest(), vec!["x", "-d"]);
    }

    #[test]
    fn double_dash_is_dropped_single_dash_is_kept() {
        let mut a = args(&["p", "-a", "--", "-b"]);
        assert_eq!(flags(&mut a), "a");
        assert_eq!(a.rest(), vec!["-b"]);
        let mut a = args(&["p", "-a", "-", "x"]);
        assert_eq!(flags(&mut a), "a");
        assert_eq!(a.rest(), vec!["-", "x"]);
    }

    #[test]
    fn values_from_cluster_or_next_argument() {
        let mut a = args(&["p", "-n5", "-m", "7", "-x"]);
        assert_eq!(a.next_flag(), Some('n'));
        assert_eq!(a.value().as_deref(), Some("5"));
        assert_eq!(a.next_flag(), Some('m'));
        assert_eq!(a.value().as_deref(), Some("7"));
        assert_eq!(a.next_flag(), Some('x'));
        assert_eq!(a.value(), None);
        assert_eq!(a.rest(), Vec::<String>::new());
    }

    #[test]
    fn utf8_flags() {
        let mut a = args(&["p", "-éa"]);
        assert_eq!(flags(&mut a), "éa");
    }

    #[test]
    fn empty_argv() {
        let mut a = Args::new(Vec::new());
        assert_eq!(a.argv0(), "");
        assert_eq!(a.next_flag(), None);
    }
}
