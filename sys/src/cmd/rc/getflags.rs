//! rc's command-line flags: the port of 9front's
//! `sys/src/cmd/rc/getflags.c`.
//!
//! rc's flags are `-srdiIlxebpvV`, `-c command` and `-m file`, as
//! 9front's `getflags(argc, argv, "srdiIlxebpvVc:1m:1[command]", 1)`.
//! What differs: planten adds `-n` (read and parse commands but run
//! none; rcmain and what it runs itself still run), which 9front's rc
//! does not have, so the usage message names it. Flags are kept as a
//! table of 256 optional argument lists.

use alloc::string::String;
use alloc::vec::Vec;

/// The flag table: `flag[c]` is `Some` when flag `c` is set, with its
/// arguments.
pub struct Flags(pub Vec<Option<Vec<String>>>);

impl Default for Flags {
    fn default() -> Self {
        Flags(alloc::vec![None; 256])
    }
}

impl Flags {
    pub fn set(&self, c: u8) -> bool {
        self.0[c as usize].is_some()
    }
    pub fn on(&mut self, c: u8) {
        self.0[c as usize] = Some(Vec::new());
    }
    pub fn off(&mut self, c: u8) {
        self.0[c as usize] = None;
    }
    pub fn arg(&self, c: u8) -> Option<&str> {
        self.0[c as usize].as_ref().and_then(|v| v.first()).map(|s| s.as_str())
    }
}

/// The flags rc takes, as getflags' format string.
pub const RCFLAGS: &str = "srdiIlxebpvVnc:1m:1[command]";

/// What went wrong reading the flags.
#[derive(Debug, PartialEq, Eq)]
pub enum FlagError {
    Bad(char),
    Twice(char),
    Few(char),
}

/// Parses the flags of `argv` (argv[0] first); returns the flags and
/// the remaining arguments.
pub fn getflags(argv: &[String]) -> Result<(Flags, Vec<String>), FlagError> {
    let mut f = Flags::default();
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].as_bytes();
        if a.first() != Some(&b'-') || a.len() == 1 {
            break;
        }
        i += 1;
        if a == b"--" {
            break;
        }
        let mut k = 1;
        while k < a.len() {
            let c = a[k];
            k += 1;
            let n = nargs(c).ok_or(FlagError::Bad(c as char))?;
            if f.set(c) {
                return Err(FlagError::Twice(c as char));
            }
            let mut args = Vec::new();
            if n > 0 {
                if k < a.len() {
                    args.push(String::from_utf8_lossy(&a[k..]).into_owned());
                    k = a.len();
                } else if i < argv.len() {
                    args.push(argv[i].clone());
                    i += 1;
                } else {
                    return Err(FlagError::Few(c as char));
                }
            }
            f.0[c as usize] = Some(args);
        }
    }
    let mut rest = alloc::vec![argv.first().cloned().unwrap_or_default()];
    rest.extend_from_slice(&argv[i..]);
    Ok((f, rest))
}

fn nargs(c: u8) -> Option<usize> {
    match c {
        b'c' | b'm' => Some(1),
        b's' | b'r' | b'd' | b'i' | b'I' | b'l' | b'x' | b'e' | b'b' | b'p' | b'v' | b'V'
        | b'n' => Some(0),
        _ => None,
    }
}

/// getflags.c's `usage`: the message for `e`.
pub fn usage(e: &FlagError, cmd: &str) -> String {
    let mut s = String::new();
    match e {
        FlagError::Bad(c) => s += &alloc::format!("Illegal flag -{c}\n"),
        FlagError::Twice(c) => s += &alloc::format!("Flag -{c}: set twice\n"),
        FlagError::Few(c) => s += &alloc::format!("Flag -{c}: too few arguments\n"),
    }
    s += &alloc::format!(
        "Usage: {cmd} [-srdiIlxebpvVn] [-c command] [-m arg] [file [arg ...]]\n"
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    fn v(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| String::from(*s)).collect()
    }
    #[test]
    fn flags_and_arguments_as_getflags() {
        let (f, r) = getflags(&v(&["rc", "-xe", "-c", "echo", "a"])).unwrap();
        assert!(f.set(b'x') && f.set(b'e'));
        assert_eq!(f.arg(b'c'), Some("echo"));
        assert_eq!(r, v(&["rc", "a"]));
        let (f, r) = getflags(&v(&["rc", "-cecho hi"])).unwrap();
        assert_eq!(f.arg(b'c'), Some("echo hi"));
        assert_eq!(r.len(), 1);
        assert_eq!(getflags(&v(&["rc", "-z"])).err(), Some(FlagError::Bad('z')));
        assert_eq!(getflags(&v(&["rc", "-c"])).err(), Some(FlagError::Few('c')));
        let (_, r) = getflags(&v(&["rc", "--", "-x"])).unwrap();
        assert_eq!(r, v(&["rc", "-x"]));
    }
}
