//! `port-status.toml`: its data model, reading (with schema validation) and
//! canonical writing.
//!
//! The canonical layout is a fixed comment header, then one 7-line table per
//! file, tables separated by one blank line:
//!
//! ```toml
//! [file."sys/src/9/port/chan.c"]
//! tier = "1"
//! lines = 1763
//! status = "todo"
//! rust = []
//! tests = []
//! note = ""
//! ```

use std::collections::HashMap;
use std::fmt;

use toml::Value;

/// The file's name, at the repository root.
pub const FILE_NAME: &str = "port-status.toml";

/// The allowed statuses, in order of progress (`excluded` last).
pub const STATUSES: [&str; 5] = ["todo", "partial", "ported", "verified", "excluded"];

/// The keys every entry has, in canonical order.
pub const KEYS: [&str; 6] = ["tier", "lines", "status", "rust", "tests", "note"];

/// The comment written at the top of the file by `portstat sync`.
pub const HEADER: &str = "\
# port-status.toml: how far each 9front file in scope is ported to Rust.
# One table per row of the 9front manifest, in manifest order.  Written by
# `portstat sync`, checked by `portstat check`; see import-tools/README.md.
# status: todo | partial | ported | verified | excluded
# rust:   .rs files or directories holding .rs files, relative to the repo root
# tests:  \"path/to/file\" or \"path/to/file.rs::name\" (a `fn name` in that file)
";

pub fn is_status(s: &str) -> bool {
    STATUSES.contains(&s)
}

/// One complete, schema-valid entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub path: String,
    pub tier: String,
    pub lines: u64,
    pub status: String,
    pub rust: Vec<String>,
    pub tests: Vec<String>,
    pub note: String,
}

impl Entry {
    /// The entry `portstat sync` writes for a new manifest row.
    pub fn new(path: &str, tier: &str, lines: u64, manifest_note: &str) -> Entry {
        let excluded = tier == crate::manifest::TIER_EXCLUDED;
        Entry {
            path: path.to_string(),
            tier: tier.to_string(),
            lines,
            status: if excluded { "excluded" } else { "todo" }.to_string(),
            rust: Vec::new(),
            tests: Vec::new(),
            note: if excluded {
                manifest_note.to_string()
            } else {
                String::new()
            },
        }
    }

    /// Whether the entry is what `portstat sync` would write for a new row
    /// of its tier (nobody has recorded any work in it).
    pub fn is_pristine(&self) -> bool {
        if !self.rust.is_empty() || !self.tests.is_empty() {
            return false;
        }
        if self.tier == crate::manifest::TIER_EXCLUDED {
            self.status == "excluded"
        } else {
            self.status == "todo" && self.note.is_empty()
        }
    }
}

/// An entry as read: fields that are missing or of the wrong type are
/// `None` (a [`Problem`] says why).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawEntry {
    pub path: String,
    pub tier: Option<String>,
    pub lines: Option<u64>,
    pub status: Option<String>,
    pub rust: Option<Vec<String>>,
    pub tests: Option<Vec<String>>,
    pub note: Option<String>,
}

impl RawEntry {
    /// The entry, if every field is present and valid.
    pub fn complete(&self) -> Option<Entry> {
        Some(Entry {
            path: self.path.clone(),
            tier: self.tier.clone()?,
            lines: self.lines?,
            status: self.status.clone()?,
            rust: self.rust.clone()?,
            tests: self.tests.clone()?,
            note: self.note.clone()?,
        })
    }
}

/// One problem found in `port-status.toml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The 9front path of the entry concerned, if any.
    pub path: Option<String>,
    pub msg: String,
}

impl Problem {
    pub fn at(path: &str, msg: impl Into<String>) -> Problem {
        Problem {
            path: Some(path.to_string()),
            msg: msg.into(),
        }
    }

    pub fn file(msg: impl Into<String>) -> Problem {
        Problem {
            path: None,
            msg: msg.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(p) => write!(f, "{}: {}: {}", FILE_NAME, p, self.msg),
            None => write!(f, "{}: {}", FILE_NAME, self.msg),
        }
    }
}

/// The result of reading `port-status.toml`: the entries in file order and
/// the schema problems found in them.
#[derive(Clone, Debug, Default)]
pub struct Doc {
    pub entries: Vec<RawEntry>,
    pub problems: Vec<Problem>,
}

impl Doc {
    /// All entries, if there is no schema problem.
    pub fn complete(&self) -> Option<Vec<Entry>> {
        if !self.problems.is_empty() {
            return None;
        }
        self.entries.iter().map(RawEntry::complete).collect()
    }
}

/// Parses and schema-checks `port-status.toml`.  A file that is not valid
/// TOML (including one that defines a table twice) is `Err`, with one
/// problem per duplicate table or else the parser's message.
pub fn parse(text: &str) -> Result<Doc, Vec<Problem>> {
    let table: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(e) => return Err(parse_error(text, &e)),
    };
    let mut doc = Doc::default();
    for (key, value) in &table {
        if key != "file" {
            doc.problems.push(Problem::file(format!(
                "unknown top-level key `{}` (only [file.\"...\"] tables are allowed)",
                key
            )));
            continue;
        }
        let Value::Table(files) = value else {
            doc.problems.push(Problem::file(format!(
                "`file` must be a table, not {}",
                value.type_str()
            )));
            continue;
        };
        for (path, v) in files {
            doc.entries.push(parse_entry(path, v, &mut doc.problems));
        }
    }
    Ok(doc)
}

fn parse_entry(path: &str, v: &Value, problems: &mut Vec<Problem>) -> RawEntry {
    let mut e = RawEntry {
        path: path.to_string(),
        ..RawEntry::default()
    };
    let Value::Table(t) = v else {
        problems.push(Problem::at(
            path,
            format!("must be a table, not {}", v.type_str()),
        ));
        return e;
    };
    for key in t.keys() {
        if !KEYS.contains(&key.as_str()) {
            problems.push(Problem::at(
                path,
                format!("unknown key `{}` (allowed: {})", key, KEYS.join(", ")),
            ));
        }
    }
    let mut bad = |msg: String| problems.push(Problem::at(path, msg));
    for key in KEYS {
        let Some(v) = t.get(key) else {
            bad(format!("missing key `{}`", key));
            continue;
        };
        match key {
            "tier" => match v {
                Value::String(s) if crate::manifest::is_tier(s) => e.tier = Some(s.clone()),
                Value::String(s) => bad(format!(
                    "tier {:?} is not one of {}",
                    s,
                    crate::manifest::TIERS.join(", ")
                )),
                _ => bad(format!("`tier` must be a string, not {}", v.type_str())),
            },
            "lines" => match v {
                Value::Integer(n) if *n >= 0 => e.lines = Some(*n as u64),
                Value::Integer(n) => bad(format!("lines {} is negative", n)),
                _ => bad(format!("`lines` must be an integer, not {}", v.type_str())),
            },
            "status" => match v {
                Value::String(s) if is_status(s) => e.status = Some(s.clone()),
                Value::String(s) => bad(format!(
                    "status {:?} is not one of {}",
                    s,
                    STATUSES.join(", ")
                )),
                _ => bad(format!("`status` must be a string, not {}", v.type_str())),
            },
            "rust" | "tests" => match string_array(v) {
                Some(a) if key == "rust" => e.rust = Some(a),
                Some(a) => e.tests = Some(a),
                None => bad(format!("`{}` must be an array of strings", key)),
            },
            "note" => match v {
                Value::String(s) => e.note = Some(s.clone()),
                _ => bad(format!("`note` must be a string, not {}", v.type_str())),
            },
            _ => unreachable!(),
        }
    }
    e
}

fn string_array(v: &Value) -> Option<Vec<String>> {
    let Value::Array(a) = v else { return None };
    a.iter()
        .map(|x| match x {
            Value::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

/// Turns a TOML parse error into problems.  Duplicate `[file."..."]` tables
/// are found by scanning the table headers, so that every duplicate is
/// reported with its line (the parser stops at the first).
fn parse_error(text: &str, e: &toml::de::Error) -> Vec<Problem> {
    let dups = duplicate_headers(text);
    if !dups.is_empty() {
        return dups
            .into_iter()
            .map(|(path, line, first)| {
                Problem::at(
                    &path,
                    format!(
                        "duplicate table [file.{}] at line {} (first at line {})",
                        quote(&path),
                        line,
                        first
                    ),
                )
            })
            .collect();
    }
    let msg = e.message().trim().replace('\n', "; ");
    match e.span() {
        Some(span) => {
            let (line, col) = line_col(text, span.start);
            vec![Problem::file(format!(
                "line {}, column {}: TOML parse error: {}",
                line, col, msg
            ))]
        }
        None => vec![Problem::file(format!("TOML parse error: {}", msg))],
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Finds `[file.KEY]` headers that occur more than once: (path, line, first
/// line), in file order.  Headers this simple scanner cannot read are
/// skipped (the TOML parser reports them).
pub fn duplicate_headers(text: &str) -> Vec<(String, usize, usize)> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut dups = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(keys) = header_keys(line) else {
            continue;
        };
        if keys.len() != 2 || keys[0] != "file" {
            continue;
        }
        let path = keys[1].clone();
        match seen.get(&path) {
            Some(&first) => dups.push((path, i + 1, first)),
            None => {
                seen.insert(path, i + 1);
            }
        }
    }
    dups
}

/// Parses a standard table header line (`[a."b".'c']`) into its keys.
fn header_keys(line: &str) -> Option<Vec<String>> {
    let s = line.trim_start();
    let mut cs = s.strip_prefix('[')?.chars().peekable();
    if cs.peek() == Some(&'[') {
        return None;
    }
    let mut keys = Vec::new();
    loop {
        while cs.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
        let key = match cs.next()? {
            '"' => {
                let mut k = String::new();
                loop {
                    match cs.next()? {
                        '"' => break,
                        '\\' => k.push(unescape(&mut cs)?),
                        c => k.push(c),
                    }
                }
                k
            }
            '\'' => {
                let mut k = String::new();
                loop {
                    match cs.next()? {
                        '\'' => break,
                        c => k.push(c),
                    }
                }
                k
            }
            c if c.is_ascii_alphanumeric() || c == '_' || c == '-' => {
                let mut k = String::from(c);
                while let Some(c) =
                    cs.next_if(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                {
                    k.push(c);
                }
                k
            }
            _ => return None,
        };
        keys.push(key);
        while cs.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
        match cs.next()? {
            '.' => continue,
            ']' => break,
            _ => return None,
        }
    }
    let rest: String = cs.collect();
    let rest = rest.trim();
    if rest.is_empty() || rest.starts_with('#') {
        Some(keys)
    } else {
        None
    }
}

fn unescape(cs: &mut impl Iterator<Item = char>) -> Option<char> {
    Some(match cs.next()? {
        'b' => '\u{8}',
        't' => '\t',
        'n' => '\n',
        'f' => '\u{c}',
        'r' => '\r',
        'e' => '\u{1b}',
        '"' => '"',
        '\\' => '\\',
        'u' => hex(cs, 4)?,
        'U' => hex(cs, 8)?,
        _ => return None,
    })
}

fn hex(cs: &mut impl Iterator<Item = char>, n: usize) -> Option<char> {
    let mut v = 0u32;
    for _ in 0..n {
        v = v * 16 + cs.next()?.to_digit(16)?;
    }
    char::from_u32(v)
}

/// A TOML basic string for `s`, escaped as TOML requires (`"`, `\` and
/// control characters).
pub fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\u{8}' => q.push_str("\\b"),
            '\t' => q.push_str("\\t"),
            '\n' => q.push_str("\\n"),
            '\u{c}' => q.push_str("\\f"),
            '\r' => q.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                q.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

fn array(a: &[String]) -> String {
    let items: Vec<String> = a.iter().map(|s| quote(s)).collect();
    format!("[{}]", items.join(", "))
}

/// Writes one entry in the canonical 7-line layout (with a final newline).
pub fn render_entry(e: &Entry, out: &mut String) {
    use std::fmt::Write;
    let _ = write!(
        out,
        "[file.{}]\ntier = {}\nlines = {}\nstatus = {}\nrust = {}\ntests = {}\nnote = {}\n",
        quote(&e.path),
        quote(&e.tier),
        e.lines,
        quote(&e.status),
        array(&e.rust),
        array(&e.tests),
        quote(&e.note)
    );
}

/// The whole file in canonical form: the header, then the entries in the
/// given order, separated by blank lines.
pub fn render(entries: &[Entry]) -> String {
    let mut out = String::with_capacity(HEADER.len() + entries.len() * 160);
    out.push_str(HEADER);
    for e in entries {
        out.push('\n');
        render_entry(e, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str) -> Entry {
        Entry::new(path, "1", 10, "")
    }

    #[test]
    fn quoting() {
        assert_eq!(quote("a/b.c"), "\"a/b.c\"");
        assert_eq!(quote("rc/bin/\""), "\"rc/bin/\\\"\"");
        assert_eq!(quote("a\\b"), "\"a\\\\b\"");
        assert_eq!(quote("t\tn\nx\u{1}\u{7f}"), "\"t\\tn\\nx\\u0001\\u007F\"");
    }

    #[test]
    fn canonical_layout() {
        let mut e = entry("sys/src/9/port/chan.c");
        e.lines = 1763;
        let text = render(&[e]);
        let body = text.strip_prefix(HEADER).unwrap();
        assert_eq!(
            body,
            "\n[file.\"sys/src/9/port/chan.c\"]\ntier = \"1\"\nlines = 1763\nstatus = \"todo\"\n\
             rust = []\ntests = []\nnote = \"\"\n"
        );
    }

    #[test]
    fn round_trip_with_awkward_paths() {
        let mut a = entry("rc/bin/\"");
        a.status = "ported".into();
        a.rust = vec!["x/a.rs".into(), "x/b\\c.rs".into()];
        a.tests = vec!["t.rs::m::f".into()];
        a.note = "quote \" and\nnewline".into();
        let b = Entry::new("rc/bin/\"\"", "x", 13, "POSIX environment");
        let c = entry("rc/bin/service/!tcp80.namespace");
        let entries = vec![a, b, c];
        let text = render(&entries);
        let doc = parse(&text).unwrap();
        assert!(doc.problems.is_empty(), "{:?}", doc.problems);
        assert_eq!(doc.complete().unwrap(), entries);
        // 7 lines per entry, one blank line between entries.
        let n = HEADER.lines().count();
        assert_eq!(text.lines().count(), n + 3 * 8);
        assert_eq!(render(&doc.complete().unwrap()), text);
    }

    #[test]
    fn schema_problems() {
        let text = "x = 1\n\
            [file.\"a.c\"]\ntier = 1\nlines = -3\nstatus = \"done\"\nrust = [1]\ntests = \"t\"\nnote = 5\nextra = true\n\
            [file.\"b.c\"]\ntier = \"9\"\n";
        let doc = parse(text).unwrap();
        let got: Vec<String> = doc.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            got,
            vec![
                "port-status.toml: unknown top-level key `x` (only [file.\"...\"] tables are allowed)",
                "port-status.toml: a.c: unknown key `extra` (allowed: tier, lines, status, rust, tests, note)",
                "port-status.toml: a.c: `tier` must be a string, not integer",
                "port-status.toml: a.c: lines -3 is negative",
                "port-status.toml: a.c: status \"done\" is not one of todo, partial, ported, verified, excluded",
                "port-status.toml: a.c: `rust` must be an array of strings",
                "port-status.toml: a.c: `tests` must be an array of strings",
                "port-status.toml: a.c: `note` must be a string, not integer",
                "port-status.toml: b.c: tier \"9\" is not one of 1, 2, 3, 4, x",
                "port-status.toml: b.c: missing key `lines`",
                "port-status.toml: b.c: missing key `status`",
                "port-status.toml: b.c: missing key `rust`",
                "port-status.toml: b.c: missing key `tests`",
                "port-status.toml: b.c: missing key `note`",
            ]
        );
        assert_eq!(doc.entries.len(), 2);
        assert!(doc.complete().is_none());
    }

    #[test]
    fn duplicate_tables_are_reported_with_lines() {
        let one = render(&[entry("a.c")]);
        let text = format!(
            "{}\n{}\n{}",
            one,
            render_entry_str(&entry("b\".c")),
            render_entry_str(&entry("a.c"))
        );
        let text = format!("{}\n{}", text, render_entry_str(&entry("b\".c")));
        let probs = parse(&text).unwrap_err();
        let got: Vec<String> = probs.iter().map(|p| p.to_string()).collect();
        let h = HEADER.lines().count();
        assert_eq!(
            got,
            vec![
                format!(
                    "port-status.toml: a.c: duplicate table [file.\"a.c\"] at line {} (first at line {})",
                    h + 18,
                    h + 2
                ),
                format!(
                    "port-status.toml: b\".c: duplicate table [file.\"b\\\".c\"] at line {} (first at line {})",
                    h + 26,
                    h + 10
                ),
            ]
        );
    }

    fn render_entry_str(e: &Entry) -> String {
        let mut s = String::new();
        render_entry(e, &mut s);
        s
    }

    #[test]
    fn syntax_errors_have_a_line() {
        let probs = parse("[file.\"a.c\"]\ntier = \"1\nlines = 3\n").unwrap_err();
        assert_eq!(probs.len(), 1);
        let s = probs[0].to_string();
        assert!(s.starts_with("port-status.toml: line 2, column "), "{}", s);
        assert!(s.contains("TOML parse error"), "{}", s);
    }

    #[test]
    fn header_scanner() {
        assert_eq!(
            header_keys("[file.\"a\\\"b\"]"),
            Some(vec!["file".into(), "a\"b".into()])
        );
        assert_eq!(
            header_keys(" [ file . 'x\\y' ] # c"),
            Some(vec!["file".into(), "x\\y".into()])
        );
        assert_eq!(
            header_keys("[file.bare-key_1]"),
            Some(vec!["file".into(), "bare-key_1".into()])
        );
        assert_eq!(header_keys("[[file]]"), None);
        assert_eq!(header_keys("tier = \"1\""), None);
        assert_eq!(header_keys("[file.\"a\"] x"), None);
    }

    #[test]
    fn pristine() {
        assert!(Entry::new("a", "1", 1, "").is_pristine());
        assert!(Entry::new("a", "x", 1, "games").is_pristine());
        let mut e = Entry::new("a", "1", 1, "");
        e.note = "looked at it".into();
        assert!(!e.is_pristine());
        let mut e = Entry::new("a", "x", 1, "games");
        e.status = "todo".into();
        assert!(!e.is_pristine());
    }
}
