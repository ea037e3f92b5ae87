//! `portstat check`: validates `port-status.toml`.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path};

use regex::Regex;
use walkdir::WalkDir;

use crate::manifest::{Manifest, TIER_EXCLUDED};
use crate::status::{self, Problem, RawEntry, STATUSES};

/// What `check` found.
#[derive(Debug)]
pub struct Outcome {
    /// The problems, in file order (then missing entries in manifest order).
    pub problems: Vec<Problem>,
    /// Entries read.
    pub entries: usize,
    /// Entries per status, in [`STATUSES`] order.
    pub by_status: [usize; 5],
}

impl Outcome {
    /// The one-line summary printed when there is no problem.
    pub fn summary(&self, manifest: Option<&Manifest>) -> String {
        let counts: Vec<String> = STATUSES
            .iter()
            .zip(self.by_status)
            .map(|(s, n)| format!("{} {}", n, s))
            .collect();
        let against = match manifest {
            Some(m) => format!("matches {}", m.source.display()),
            None => "not checked against a manifest".to_string(),
        };
        format!(
            "{}: {} entries ok ({}); {}",
            status::FILE_NAME,
            self.entries,
            counts.join(", "),
            against
        )
    }
}

/// Checks the text of `port-status.toml`; `root` is the repository root that
/// `rust` and `tests` paths are relative to.  Without a manifest, coverage,
/// tiers and line counts are not checked.
pub fn check(root: &Path, text: &str, manifest: Option<&Manifest>) -> Outcome {
    let doc = match status::parse(text) {
        Ok(d) => d,
        Err(problems) => {
            return Outcome {
                problems,
                entries: 0,
                by_status: [0; 5],
            }
        }
    };
    let mut fs = Refs::new(root);
    let mut problems = doc.problems.clone();
    let mut by_status = [0; 5];
    for e in &doc.entries {
        if let Some(s) = &e.status {
            if let Some(i) = STATUSES.iter().position(|x| x == s) {
                by_status[i] += 1;
            }
        }
        check_entry(e, &mut fs, &mut problems);
    }
    if let Some(m) = manifest {
        check_manifest(&doc.entries, m, &mut problems);
    }
    // File order: problems about the whole file first, then each entry's
    // problems in the order of the entries, then missing entries.
    let pos: HashMap<&str, usize> = doc
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.path.as_str(), i + 1))
        .collect();
    let tail = doc.entries.len() + 1;
    let missing_pos = |p: &str| tail + manifest.and_then(|m| m.position(p)).unwrap_or(0);
    problems.sort_by_key(|p| match &p.path {
        None => 0,
        Some(path) => pos
            .get(path.as_str())
            .copied()
            .unwrap_or_else(|| missing_pos(path)),
    });
    Outcome {
        problems,
        entries: doc.entries.len(),
        by_status,
    }
}

fn check_entry(e: &RawEntry, fs: &mut Refs, problems: &mut Vec<Problem>) {
    let mut bad = |msg: String| problems.push(Problem::at(&e.path, msg));
    if let Some(status) = e.status.as_deref() {
        let needs_rust = !matches!(status, "todo" | "excluded");
        if needs_rust && e.rust.as_ref().is_some_and(|r| r.is_empty()) {
            bad(format!("status {:?} needs at least one rust path", status));
        }
        if status == "verified" && e.tests.as_ref().is_some_and(|t| t.is_empty()) {
            bad("status \"verified\" needs at least one test".to_string());
        }
        if matches!(status, "partial" | "excluded")
            && e.note.as_ref().is_some_and(|n| n.trim().is_empty())
        {
            let why = if status == "partial" {
                "what is missing"
            } else if e.tier.as_deref() == Some(TIER_EXCLUDED) {
                "why"
            } else {
                "why a file of a porting tier is excluded"
            };
            bad(format!("status {:?} needs a note saying {}", status, why));
        }
    }
    if let Some(rust) = &e.rust {
        let mut seen = HashSet::new();
        for r in rust {
            if !seen.insert(r) {
                bad(format!("rust path {:?} is listed twice", r));
            } else if r == &e.path && is_script(&e.path) {
                // a 9front script (rc/bin/kill) is ported by a planten
                // script at the same path
                if !fs.root.join(r).is_file() {
                    bad(format!("rust path {:?} (the script itself) does not exist", r));
                }
            } else if let Some(msg) = fs.check_rust(r) {
                bad(msg);
            }
        }
    }
    if let Some(tests) = &e.tests {
        let mut seen = HashSet::new();
        for t in tests {
            if !seen.insert(t) {
                bad(format!("test {:?} is listed twice", t));
            } else if let Some(msg) = fs.check_test(t) {
                bad(msg);
            }
        }
    }
}

fn check_manifest(entries: &[RawEntry], m: &Manifest, problems: &mut Vec<Problem>) {
    let mut present = HashSet::new();
    let mut last: Option<(usize, &str)> = None;
    let mut order_reported = false;
    for e in entries {
        present.insert(e.path.as_str());
        let Some(row) = m.get(&e.path) else {
            problems.push(Problem::at(
                &e.path,
                "not in the manifest (portstat sync --prune drops it)",
            ));
            continue;
        };
        if let Some(t) = &e.tier {
            if *t != row.tier {
                problems.push(Problem::at(
                    &e.path,
                    format!("tier is {:?} but the manifest says {:?}", t, row.tier),
                ));
            }
        }
        if let Some(n) = e.lines {
            if n != row.lines {
                problems.push(Problem::at(
                    &e.path,
                    format!("lines is {} but the manifest says {}", n, row.lines),
                ));
            }
        }
        let pos = m.position(&e.path).unwrap_or(0);
        if let Some((lp, lpath)) = last {
            if pos < lp && !order_reported {
                order_reported = true;
                problems.push(Problem::at(
                    &e.path,
                    format!(
                        "out of manifest order (it comes after {:?}); portstat sync reorders",
                        lpath
                    ),
                ));
            }
        }
        if last.is_none_or(|(lp, _)| pos > lp) {
            last = Some((pos, &e.path));
        }
    }
    for row in &m.rows {
        if !present.contains(row.path.as_str()) {
            problems.push(Problem::at(
                &row.path,
                format!(
                    "missing (manifest: tier {}, {} lines); portstat sync adds it",
                    row.tier, row.lines
                ),
            ));
        }
    }
}

/// Checks `rust` paths and test references against the files under the
/// repository root, caching what it reads.
struct Refs<'a> {
    root: &'a Path,
    has_rs: HashMap<String, bool>,
    fns: HashMap<String, Option<HashSet<String>>>,
    fn_re: Regex,
    ident_re: Regex,
}

impl<'a> Refs<'a> {
    fn new(root: &'a Path) -> Refs<'a> {
        Refs {
            root,
            has_rs: HashMap::new(),
            fns: HashMap::new(),
            fn_re: Regex::new(r"\bfn\s+(?:r#)?([A-Za-z_][A-Za-z0-9_]*)").expect("fn regex"),
            ident_re: Regex::new(r"^(?:r#)?[A-Za-z_][A-Za-z0-9_]*$").expect("ident regex"),
        }
    }

    /// A `rust` path is an existing `.rs` file, or an existing directory
    /// that holds at least one `.rs` file (at any depth, not counting
    /// `target` and hidden directories).
    fn check_rust(&mut self, p: &str) -> Option<String> {
        if let Some(msg) = not_relative(p) {
            return Some(format!("rust path {:?} {}", p, msg));
        }
        let full = self.root.join(p);
        let Ok(meta) = std::fs::metadata(&full) else {
            return Some(format!("rust path {:?} does not exist", p));
        };
        if meta.is_dir() {
            let key = p.trim_end_matches('/').to_string();
            let has = *self.has_rs.entry(key).or_insert_with(|| dir_has_rs(&full));
            return (!has).then(|| format!("rust path {:?} is a directory with no .rs file", p));
        }
        if p.ends_with('/') || !p.ends_with(".rs") {
            return Some(format!(
                "rust path {:?} is not a .rs file or a directory",
                p
            ));
        }
        None
    }

    /// A test reference is `path` (an existing file) or `path::name`, or
    /// `path::module::name`, where `path` is an existing `.rs` file that
    /// contains `fn name` (only the last segment is looked for).
    fn check_test(&mut self, t: &str) -> Option<String> {
        let Some((file, names)) = t.split_once("::") else {
            if let Some(msg) = not_relative(t) {
                return Some(format!("test {:?}: path {}", t, msg));
            }
            let full = self.root.join(t);
            return match std::fs::metadata(&full) {
                Err(_) => Some(format!("test file {:?} does not exist", t)),
                Ok(m) if !m.is_file() => Some(format!("test {:?} is not a file", t)),
                Ok(_) => None,
            };
        };
        let segs: Vec<&str> = names.split("::").collect();
        if let Some(bad) = segs.iter().find(|s| !self.ident_re.is_match(s)) {
            return Some(format!("test {:?}: {:?} is not a Rust identifier", t, bad));
        }
        if let Some(msg) = not_relative(file) {
            return Some(format!("test {:?}: path {}", t, msg));
        }
        if !file.ends_with(".rs") {
            return Some(format!("test {:?}: {:?} is not a .rs file", t, file));
        }
        let name = segs[segs.len() - 1].trim_start_matches("r#");
        let root = self.root;
        let fn_re = &self.fn_re;
        let fns = self.fns.entry(file.to_string()).or_insert_with(|| {
            let text = std::fs::read(root.join(file)).ok()?;
            let text = String::from_utf8_lossy(&text);
            Some(
                fn_re
                    .captures_iter(&text)
                    .map(|c| c[1].to_string())
                    .collect(),
            )
        });
        match fns {
            None => Some(format!("test {:?}: file {:?} does not exist", t, file)),
            Some(set) if !set.contains(name) => {
                Some(format!("test {:?}: no `fn {}` in {}", t, name, file))
            }
            Some(_) => None,
        }
    }
}

/// Is the 9front file `p` a script (not C, assembler, yacc or a header)?
/// Its port may be a file of the same path instead of Rust.
fn is_script(p: &str) -> bool {
    let name = p.rsplit('/').next().unwrap_or(p);
    !matches!(name.rsplit_once('.'), Some((_, "c" | "h" | "s" | "y" | "l")))
}

/// Why `p` is not a plain path relative to the repository root, if it is not.
fn not_relative(p: &str) -> Option<&'static str> {
    if p.is_empty() {
        return Some("is empty");
    }
    let path = Path::new(p);
    if path.is_absolute() {
        return Some("must be relative to the repo root");
    }
    if path.components().any(|c| matches!(c, Component::ParentDir)) {
        return Some("must not contain `..`");
    }
    None
}

fn dir_has_rs(dir: &Path) -> bool {
    WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || {
                let n = e.file_name().to_string_lossy();
                !(n.starts_with('.') || (n == "target" && e.file_type().is_dir()))
            }
        })
        .filter_map(Result::ok)
        .any(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "rs"))
}
