//! `portstat sync`: (re)writes `port-status.toml` from the manifest.

use std::collections::{HashMap, HashSet};

use crate::manifest::Manifest;
use crate::status::{self, Entry, Problem};

/// What `sync` produced.
#[derive(Debug)]
pub struct Outcome {
    /// The new file's text.
    pub text: String,
    /// One line per notable change (new rows when a file existed, tier
    /// and line-count changes, rows not in the manifest).
    pub messages: Vec<String>,
    pub entries: usize,
    pub added: usize,
    pub kept: usize,
    pub dropped: usize,
    /// Rows not in the manifest kept (no `--prune`).
    pub orphans: usize,
}

impl Outcome {
    pub fn summary(&self) -> String {
        format!(
            "{} entries ({} new, {} kept, {} not in the manifest), {} dropped",
            self.entries, self.added, self.kept, self.orphans, self.dropped
        )
    }
}

/// Builds the new file from the manifest and the existing file's text, if
/// any.  Each manifest row, in manifest order, gets an entry whose `tier`
/// and `lines` are the manifest's and whose `status`, `rust`, `tests` and
/// `note` are kept from the existing entry, or are the defaults for a new
/// row (`todo`; or `excluded` with the manifest's note for tier x).  An
/// existing entry whose tier changed is reset to the new tier's defaults
/// only if nobody recorded work in it (it still has its old tier's
/// defaults); otherwise it is kept and reported.  Entries not in the
/// manifest are dropped with `prune`, else kept at the end (and reported).
///
/// An existing file that cannot be read as TOML or has schema problems is
/// refused: those problems are returned.
pub fn sync(existing: Option<&str>, m: &Manifest, prune: bool) -> Result<Outcome, Vec<Problem>> {
    let old: Vec<Entry> = match existing {
        None => Vec::new(),
        Some(text) => {
            let doc = status::parse(text)?;
            if !doc.problems.is_empty() {
                return Err(doc.problems);
            }
            doc.complete().unwrap_or_default()
        }
    };
    let by_path: HashMap<&str, &Entry> = old.iter().map(|e| (e.path.as_str(), e)).collect();
    let mut out = Outcome {
        text: String::new(),
        messages: Vec::new(),
        entries: 0,
        added: 0,
        kept: 0,
        dropped: 0,
        orphans: 0,
    };
    let mut entries = Vec::with_capacity(m.rows.len());
    for row in &m.rows {
        let Some(&e) = by_path.get(row.path.as_str()) else {
            if existing.is_some() {
                out.messages.push(format!(
                    "new: {} (tier {}, {} lines)",
                    row.path, row.tier, row.lines
                ));
            }
            out.added += 1;
            entries.push(Entry::new(&row.path, &row.tier, row.lines, &row.note));
            continue;
        };
        out.kept += 1;
        let mut e = e.clone();
        if e.lines != row.lines {
            out.messages
                .push(format!("lines: {}: {} -> {}", e.path, e.lines, row.lines));
            e.lines = row.lines;
        }
        if e.tier != row.tier {
            if e.is_pristine() {
                let n = Entry::new(&row.path, &row.tier, row.lines, &row.note);
                out.messages.push(format!(
                    "tier: {}: {} -> {}, status reset to {}",
                    e.path, e.tier, row.tier, n.status
                ));
                e = n;
            } else {
                out.messages.push(format!(
                    "tier: {}: {} -> {}, status {} kept: review it",
                    e.path, e.tier, row.tier, e.status
                ));
                e.tier = row.tier.clone();
            }
        }
        entries.push(e);
    }
    let in_manifest: HashSet<&str> = m.rows.iter().map(|r| r.path.as_str()).collect();
    for e in &old {
        if in_manifest.contains(e.path.as_str()) {
            continue;
        }
        if prune {
            out.dropped += 1;
            out.messages
                .push(format!("dropped (not in the manifest): {}", e.path));
        } else {
            out.orphans += 1;
            out.messages.push(format!(
                "not in the manifest, kept (--prune drops it): {}",
                e.path
            ));
            entries.push(e.clone());
        }
    }
    out.entries = entries.len();
    out.text = status::render(&entries);
    Ok(out)
}
