//! `portstat scan DIR`: compares a 9front tree with the manifest.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use walkdir::WalkDir;

use crate::manifest::{kind_of, Kind, TRACKED_ROOTS};

/// A tracked file found in a 9front tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// Relative to the tree's root, `/`-separated.
    pub path: String,
    pub kind: Kind,
    pub lines: u64,
}

/// Lines as the manifest counts them: the number of newline characters
/// (what `wc -l` prints), so a final line without a newline is not counted.
pub fn count_lines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// Every tracked file under `dir` ([`kind_of`] decides), sorted by path
/// (byte order).  Only regular files count: symbolic links are not
/// followed, and `.git` directories are skipped.
pub fn tracked_files(dir: &Path) -> Result<Vec<Found>, String> {
    if !TRACKED_ROOTS.iter().any(|r| dir.join(r).is_dir()) {
        return Err(format!(
            "{}: not a 9front tree (no {} directory)",
            dir.display(),
            TRACKED_ROOTS.join(" or ")
        ));
    }
    let mut out = Vec::new();
    for top in TRACKED_ROOTS {
        let start = dir.join(top);
        if !start.is_dir() {
            continue;
        }
        let walk = WalkDir::new(&start)
            .follow_links(false)
            .into_iter()
            .filter_entry(|e| !(e.file_type().is_dir() && e.file_name() == ".git"));
        for ent in walk {
            let ent = ent.map_err(|e| format!("{}", e))?;
            if !ent.file_type().is_file() {
                continue;
            }
            let rel = ent
                .path()
                .strip_prefix(dir)
                .map_err(|e| format!("{}: {}", ent.path().display(), e))?;
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let rel = rel.join("/");
            let Some(kind) = kind_of(&rel) else { continue };
            let bytes = std::fs::read(ent.path())
                .map_err(|e| format!("{}: {}", ent.path().display(), e))?;
            out.push(Found {
                path: rel,
                kind,
                lines: count_lines(&bytes),
            });
        }
    }
    out.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
    Ok(out)
}

/// The differences between a baseline (the manifest's paths and line counts)
/// and a tree.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diff {
    /// In the tree, not in the baseline, sorted by path.
    pub added: Vec<Found>,
    /// In the baseline, not in the tree, in baseline order: (path, lines).
    pub removed: Vec<(String, u64)>,
    /// In both with different line counts, in baseline order:
    /// (path, old, new).
    pub changed: Vec<(String, u64, u64)>,
    /// Files in both.
    pub compared: usize,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

pub fn compare(baseline: &[(String, u64)], found: &[Found]) -> Diff {
    let in_tree: HashMap<&str, &Found> = found.iter().map(|f| (f.path.as_str(), f)).collect();
    let known: HashSet<&str> = baseline.iter().map(|(p, _)| p.as_str()).collect();
    let mut d = Diff::default();
    for (path, old) in baseline {
        match in_tree.get(path.as_str()) {
            None => d.removed.push((path.clone(), *old)),
            Some(f) => {
                d.compared += 1;
                if f.lines != *old {
                    d.changed.push((path.clone(), *old, f.lines));
                }
            }
        }
    }
    d.added = found
        .iter()
        .filter(|f| !known.contains(f.path.as_str()))
        .cloned()
        .collect();
    d
}

/// The report: one line per difference, then a summary line.  `status`
/// gives each path's port status (from port-status.toml), shown for
/// removed and changed files.
pub fn render(dir: &Path, d: &Diff, status: &HashMap<String, String>) -> Vec<String> {
    let st = |p: &str| {
        status
            .get(p)
            .map_or_else(String::new, |s| format!(" [{}]", s))
    };
    let mut out = Vec::new();
    for f in &d.added {
        out.push(format!("added: {} ({}, {} lines)", f.path, f.kind, f.lines));
    }
    for (p, old) in &d.removed {
        out.push(format!("removed: {} ({} lines){}", p, old, st(p)));
    }
    for (p, old, new) in &d.changed {
        out.push(format!("changed: {}: {} -> {} lines{}", p, old, new, st(p)));
    }
    out.push(format!(
        "scan {}: {} added, {} removed, {} changed; {} files compared",
        dir.display(),
        d.added.len(),
        d.removed.len(),
        d.changed.len(),
        d.compared
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_like_wc() {
        assert_eq!(count_lines(b""), 0);
        assert_eq!(count_lines(b"a"), 0);
        assert_eq!(count_lines(b"a\n"), 1);
        assert_eq!(count_lines(b"a\nb"), 1);
        assert_eq!(count_lines(b"a\n\n"), 2);
    }
}
