//! The kernel command line that the runner passes with `-append`.
//!
//! 9front's kernel takes its configuration as `plan9.ini`-style `key=value`
//! words; the Multiboot command line carries them here, separated by spaces.
//! Commands for `cargo boot -c` travel as `rcmd=VALUE`, where VALUE is the
//! commands with every byte outside `[A-Za-z0-9._~/-]` written as `%XX`, so
//! that spaces, quotes and newlines survive the trip.

/// Percent-encodes `s` for use as a command-line value.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b"._~/-".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes what [`encode`] produced; `None` for a malformed escape.
pub fn decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// Builds the command line: the `rcmd=` word for `cmds`, then `extra` words.
pub fn build(cmds: Option<&str>, extra: &[String]) -> String {
    let mut words: Vec<String> = Vec::new();
    if let Some(c) = cmds {
        words.push(format!("rcmd={}", encode(c)));
    }
    words.extend(extra.iter().cloned());
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_what_would_split_words() {
        assert_eq!(encode("echo 'a b'; ls /"), "echo%20%27a%20b%27%3B%20ls%20/");
        assert_eq!(encode("x=1\n"), "x%3D1%0A");
    }

    #[test]
    fn round_trips() {
        for s in ["", "true", "for(i in 1 2 3) echo $i", "é %41 ~/x"] {
            assert_eq!(decode(&encode(s)).unwrap(), s.as_bytes());
        }
        assert_eq!(decode("%4"), None);
        assert_eq!(decode("%zz"), None);
    }

    #[test]
    fn builds_words() {
        assert_eq!(
            build(Some("true"), &["console=0".into()]),
            "rcmd=true console=0"
        );
        assert_eq!(build(None, &[]), "");
    }
}
