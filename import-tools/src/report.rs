//! `portstat report`: port coverage by area and tier.

use std::collections::BTreeMap;

use crate::manifest::{self, Area, Manifest, TIERS};
use crate::status::{Entry, STATUSES};

/// Files and lines in each status, indexed as [`STATUSES`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cell {
    pub files: [u64; 5],
    pub lines: [u64; 5],
}

const PARTIAL: usize = 1;
const PORTED: usize = 2;
const VERIFIED: usize = 3;
const EXCLUDED: usize = 4;

impl Cell {
    fn add(&mut self, status: usize, lines: u64) {
        self.files[status] += 1;
        self.lines[status] += lines;
    }

    fn merge(&mut self, o: &Cell) {
        for i in 0..5 {
            self.files[i] += o.files[i];
            self.lines[i] += o.lines[i];
        }
    }

    pub fn total_files(&self) -> u64 {
        self.files.iter().sum()
    }

    pub fn total_lines(&self) -> u64 {
        self.lines.iter().sum()
    }
}

/// Percentage done of a count vector: (ported + verified) / non-excluded.
pub fn done_pct(v: &[u64; 5]) -> String {
    pct(v[PORTED] + v[VERIFIED], v.iter().sum::<u64>() - v[EXCLUDED])
}

/// Percentage partial of a count vector: partial / non-excluded.
pub fn partial_pct(v: &[u64; 5]) -> String {
    pct(v[PARTIAL], v.iter().sum::<u64>() - v[EXCLUDED])
}

/// `n/d` as a percentage with one decimal, or `-` when `d` is 0.
pub fn pct(n: u64, d: u64) -> String {
    if d == 0 {
        "-".to_string()
    } else {
        format!("{:.1}%", n as f64 * 100.0 / d as f64)
    }
}

/// One line of the report: an area (or `all`), a tier (or `all`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub area: String,
    pub tier: String,
    pub cell: Cell,
}

/// The report: for each area, its tiers then its total; then each tier's
/// total over all areas; then the overall total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub lines: Vec<Line>,
}

/// The area of an entry: the manifest's when it has the path, else derived
/// from the path ([`manifest::area_of`]), else `other`.
fn area_name(path: &str, m: Option<&Manifest>) -> String {
    m.and_then(|m| m.get(path))
        .map(|r| r.area)
        .or_else(|| manifest::area_of(path))
        .map_or_else(|| "other".to_string(), |a| a.name().to_string())
}

pub fn build(entries: &[Entry], m: Option<&Manifest>) -> Report {
    let area_order: Vec<String> = Area::ALL
        .iter()
        .map(|a| a.name().to_string())
        .chain(std::iter::once("other".to_string()))
        .collect();
    let rank = |a: &str| area_order.iter().position(|x| x == a).unwrap_or(usize::MAX);
    let mut cells: BTreeMap<(usize, usize), Cell> = BTreeMap::new();
    for e in entries {
        let Some(s) = STATUSES.iter().position(|x| *x == e.status) else {
            continue;
        };
        let Some(t) = TIERS.iter().position(|x| *x == e.tier) else {
            continue;
        };
        let a = rank(&area_name(&e.path, m));
        cells.entry((a, t)).or_default().add(s, e.lines);
    }
    let mut out = Vec::new();
    let mut by_tier: BTreeMap<usize, Cell> = BTreeMap::new();
    let mut all = Cell::default();
    let mut area_total: Option<(usize, Cell)> = None;
    for (&(a, t), cell) in &cells {
        if let Some((pa, total)) = area_total {
            if pa != a {
                out.push(line(&area_order[pa], "all", total));
                area_total = None;
            }
        }
        out.push(line(&area_order[a], TIERS[t], *cell));
        area_total.get_or_insert((a, Cell::default())).1.merge(cell);
        by_tier.entry(t).or_default().merge(cell);
        all.merge(cell);
    }
    if let Some((pa, total)) = area_total {
        out.push(line(&area_order[pa], "all", total));
    }
    for (t, cell) in by_tier {
        out.push(line("all", TIERS[t], cell));
    }
    out.push(line("all", "all", all));
    Report { lines: out }
}

fn line(area: &str, tier: &str, cell: Cell) -> Line {
    Line {
        area: area.to_string(),
        tier: tier.to_string(),
        cell,
    }
}

const COLUMNS: [&str; 10] = [
    "area", "tier", "total", "todo", "partial", "ported", "verified", "excluded", "done",
    "partial%",
];

fn table(r: &Report, lines: bool) -> Vec<Vec<String>> {
    r.lines
        .iter()
        .map(|l| {
            let v = if lines { &l.cell.lines } else { &l.cell.files };
            let mut row = vec![
                l.area.clone(),
                l.tier.clone(),
                v.iter().sum::<u64>().to_string(),
            ];
            row.extend(v.iter().map(|n| n.to_string()));
            row.push(done_pct(v));
            row.push(partial_pct(v));
            row
        })
        .collect()
}

const TITLES: [(&str, bool); 2] = [
    ("Files by status", false),
    ("Lines of 9front source by status", true),
];

const LEGEND: &str = "done = (ported + verified) / non-excluded; partial% = partial / non-excluded";

/// The report as aligned plain text.
pub fn render_text(r: &Report) -> String {
    let mut out = String::new();
    for (i, (title, lines)) in TITLES.into_iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(title);
        out.push('\n');
        let mut rows = vec![COLUMNS.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
        rows.extend(table(r, lines));
        let widths: Vec<usize> = (0..COLUMNS.len())
            .map(|c| rows.iter().map(|row| row[c].len()).max().unwrap_or(0))
            .collect();
        for row in &rows {
            let cells: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(c, s)| {
                    if c < 2 {
                        format!("{:<w$}", s, w = widths[c])
                    } else {
                        format!("{:>w$}", s, w = widths[c])
                    }
                })
                .collect();
            out.push_str(cells.join("  ").trim_end());
            out.push('\n');
        }
    }
    out.push('\n');
    out.push_str(LEGEND);
    out.push('\n');
    out
}

/// The report as GitHub markdown tables (for docs/compatibility-matrix.md).
pub fn render_markdown(r: &Report) -> String {
    let mut out = String::new();
    for (i, (title, lines)) in TITLES.into_iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!("**{}**\n\n", title));
        out.push_str(&format!("| {} |\n", COLUMNS.join(" | ")));
        let align: Vec<&str> = (0..COLUMNS.len())
            .map(|c| if c < 2 { "---" } else { "---:" })
            .collect();
        out.push_str(&format!("| {} |\n", align.join(" | ")));
        for row in table(r, lines) {
            out.push_str(&format!("| {} |\n", row.join(" | ")));
        }
    }
    out.push('\n');
    out.push_str(&format!("{}.\n", LEGEND));
    out
}
