//! The 9front manifest: `9front-manifest.tsv`, one row per 9front file in
//! the port's scope, with the columns `path kind lines area tier unit note`.
//!
//! This module also holds the two classification rules that reproduce the
//! manifest from a 9front tree: [`kind_of`] (which files are tracked, and as
//! what) and [`area_of`] (which area a path belongs to).

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The manifest's header row, tab-separated.
pub const HEADER: [&str; 7] = ["path", "kind", "lines", "area", "tier", "unit", "note"];

/// Where the manifest is looked for when neither `--manifest` nor
/// `PLANTEN_MANIFEST` names one: relative to the repository root.
pub const DEFAULT_RELATIVE: &str = "../shared/9front-manifest.tsv";

/// The environment variable that names the manifest.
pub const ENV_VAR: &str = "PLANTEN_MANIFEST";

/// The part of 9front a file belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Area {
    Kernel,
    Boot,
    Lib,
    Cmd,
    Rc,
}

impl Area {
    pub const ALL: [Area; 5] = [Area::Kernel, Area::Boot, Area::Lib, Area::Cmd, Area::Rc];

    pub fn name(self) -> &'static str {
        match self {
            Area::Kernel => "kernel",
            Area::Boot => "boot",
            Area::Lib => "lib",
            Area::Cmd => "cmd",
            Area::Rc => "rc",
        }
    }

    pub fn parse(s: &str) -> Option<Area> {
        Area::ALL.into_iter().find(|a| a.name() == s)
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What kind of source a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    C,
    H,
    S,
    Y,
    L,
    Rc,
}

impl Kind {
    pub const ALL: [Kind; 6] = [Kind::C, Kind::H, Kind::S, Kind::Y, Kind::L, Kind::Rc];

    pub fn name(self) -> &'static str {
        match self {
            Kind::C => "c",
            Kind::H => "h",
            Kind::S => "s",
            Kind::Y => "y",
            Kind::L => "l",
            Kind::Rc => "rc",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Porting tiers: 1 (first) to 4 (last), and x (excluded).
pub const TIERS: [&str; 5] = ["1", "2", "3", "4", "x"];

/// The excluded tier.
pub const TIER_EXCLUDED: &str = "x";

pub fn is_tier(s: &str) -> bool {
    TIERS.contains(&s)
}

/// The kind of a 9front file given its path relative to the 9front root, or
/// `None` if the file is not tracked.  This reproduces the manifest exactly
/// on the March 2024 snapshot:
///
/// * every file under `rc/` is kind `rc`, whatever its first line (209 of
///   the 216 start with `#!/bin/rc`, but `rc/lib/rcmain`, `rc/bin/uptime`
///   (an awk script), `rc/bin/inst/defs`, `rc/bin/replica/defs` and
///   `rc/bin/service/!tcp80.namespace` do not, and they are in the manifest);
/// * under `sys/src/`, files ending in `.c`, `.h`, `.s`, `.y` or `.l`
///   (case-sensitive: `sys/src/cmd/sh.C` is not tracked); rc scripts under
///   `sys/src/` (mkfile helpers, boot scripts) are not tracked;
/// * nothing else (`sys/include`, `acme`, `*/include` are out of scope).
pub fn kind_of(path: &str) -> Option<Kind> {
    if let Some(rest) = path.strip_prefix("rc/") {
        return if rest.is_empty() {
            None
        } else {
            Some(Kind::Rc)
        };
    }
    let rest = path.strip_prefix("sys/src/")?;
    let name = rest.rsplit('/').next()?;
    let (stem, ext) = name.rsplit_once('.')?;
    if stem.is_empty() {
        return None;
    }
    match ext {
        "c" => Some(Kind::C),
        "h" => Some(Kind::H),
        "s" => Some(Kind::S),
        "y" => Some(Kind::Y),
        "l" => Some(Kind::L),
        _ => None,
    }
}

/// The directories of a 9front tree that hold tracked files.
pub const TRACKED_ROOTS: [&str; 2] = ["rc", "sys/src"];

/// The area of a 9front path, derived from the path alone the way the
/// manifest assigns it (a test checks this against every manifest row):
/// `sys/src/9/` → kernel, `sys/src/boot/` → boot, `sys/src/lib*` → lib,
/// `sys/src/cmd/`, `sys/src/ape/`, `sys/src/games/` → cmd, `rc/` → rc.
pub fn area_of(path: &str) -> Option<Area> {
    if path.starts_with("rc/") {
        return Some(Area::Rc);
    }
    let rest = path.strip_prefix("sys/src/")?;
    let top = rest.split('/').next()?;
    if !rest.contains('/') {
        return None;
    }
    match top {
        "9" => Some(Area::Kernel),
        "boot" => Some(Area::Boot),
        "cmd" | "ape" | "games" => Some(Area::Cmd),
        t if t.starts_with("lib") => Some(Area::Lib),
        _ => None,
    }
}

/// One manifest row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub path: String,
    pub kind: Kind,
    pub lines: u64,
    pub area: Area,
    pub tier: String,
    pub unit: String,
    pub note: String,
}

/// A parsed manifest, rows in file order.
#[derive(Clone, Debug)]
pub struct Manifest {
    pub source: PathBuf,
    pub rows: Vec<Row>,
    index: HashMap<String, usize>,
}

impl Manifest {
    /// Parses manifest text.  `source` is used in messages only.
    pub fn parse(text: &str, source: &Path) -> Result<Manifest, String> {
        let at = |n: usize, msg: String| format!("{}:{}: {}", source.display(), n, msg);
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, h)) if h.split('\t').eq(HEADER.iter().copied()) => {}
            Some((_, h)) => {
                return Err(at(
                    1,
                    format!("bad header {:?}, want {:?}", h, HEADER.join("\t")),
                ))
            }
            None => return Err(at(1, "empty manifest".to_string())),
        }
        let mut rows = Vec::new();
        let mut index = HashMap::new();
        for (i, line) in lines {
            let n = i + 1;
            if line.is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() != HEADER.len() {
                return Err(at(
                    n,
                    format!("{} columns, want {}", cols.len(), HEADER.len()),
                ));
            }
            let path = cols[0];
            if path.is_empty() {
                return Err(at(n, "empty path".to_string()));
            }
            let kind =
                Kind::parse(cols[1]).ok_or_else(|| at(n, format!("bad kind {:?}", cols[1])))?;
            let line_count: u64 = cols[2]
                .parse()
                .map_err(|_| at(n, format!("bad line count {:?}", cols[2])))?;
            let area =
                Area::parse(cols[3]).ok_or_else(|| at(n, format!("bad area {:?}", cols[3])))?;
            if !is_tier(cols[4]) {
                return Err(at(n, format!("bad tier {:?}", cols[4])));
            }
            if index.insert(path.to_string(), rows.len()).is_some() {
                return Err(at(n, format!("duplicate path {:?}", path)));
            }
            rows.push(Row {
                path: path.to_string(),
                kind,
                lines: line_count,
                area,
                tier: cols[4].to_string(),
                unit: cols[5].to_string(),
                note: cols[6].to_string(),
            });
        }
        Ok(Manifest {
            source: source.to_path_buf(),
            rows,
            index,
        })
    }

    /// Reads and parses the manifest at `path`.
    pub fn load(path: &Path) -> Result<Manifest, String> {
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("{}: {}", path.display(), e))?;
        Manifest::parse(&text, path)
    }

    pub fn get(&self, path: &str) -> Option<&Row> {
        self.index.get(path).map(|&i| &self.rows[i])
    }

    /// The position of `path` in the manifest.
    pub fn position(&self, path: &str) -> Option<usize> {
        self.index.get(path).copied()
    }
}

/// Finds the manifest: `flag` (from `--manifest`), else `env` (the value of
/// `PLANTEN_MANIFEST`), else `<root>/../shared/9front-manifest.tsv`.  A
/// manifest named by the flag or the variable must exist; the default one
/// may be absent, and then `Ok(None)` is returned with the path looked at.
pub fn locate(
    flag: Option<&Path>,
    env: Option<&str>,
    root: Option<&Path>,
) -> Result<(Option<Manifest>, PathBuf), String> {
    if let Some(p) = flag {
        return Manifest::load(p).map(|m| (Some(m), p.to_path_buf()));
    }
    if let Some(e) = env.filter(|e| !e.is_empty()) {
        let p = PathBuf::from(e);
        return Manifest::load(&p)
            .map(|m| (Some(m), p.clone()))
            .map_err(|err| format!("{} (from {})", err, ENV_VAR));
    }
    let Some(root) = root else {
        return Ok((None, PathBuf::from(DEFAULT_RELATIVE)));
    };
    let p = root.join(DEFAULT_RELATIVE);
    if p.is_file() {
        Manifest::load(&p).map(|m| (Some(m), p))
    } else {
        Ok((None, p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TSV: &str = "path\tkind\tlines\tarea\ttier\tunit\tnote\n\
        rc/bin/\"\trc\t22\trc\t2\trc/bin\t\n\
        sys/src/9/port/chan.c\tc\t1763\tkernel\t1\t9/port\t\n\
        sys/src/games/doom/d.c\tc\t10\tcmd\tx\tgames\tgames\n";

    #[test]
    fn parses_rows() {
        let m = Manifest::parse(TSV, Path::new("m.tsv")).unwrap();
        assert_eq!(m.rows.len(), 3);
        assert_eq!(m.rows[0].path, "rc/bin/\"");
        let r = m.get("sys/src/9/port/chan.c").unwrap();
        assert_eq!(
            (r.kind, r.lines, r.area, r.tier.as_str()),
            (Kind::C, 1763, Area::Kernel, "1")
        );
        assert_eq!(m.get("sys/src/games/doom/d.c").unwrap().note, "games");
        assert_eq!(m.position("sys/src/games/doom/d.c"), Some(2));
        assert!(m.get("nope").is_none());
    }

    #[test]
    fn rejects_bad_manifests() {
        let bad = |t: &str| Manifest::parse(t, Path::new("m")).unwrap_err();
        assert!(bad("").contains("empty manifest"));
        assert!(bad("path\tkind\n").contains("bad header"));
        let h = "path\tkind\tlines\tarea\ttier\tunit\tnote\n";
        assert_eq!(
            bad(&format!("{h}a.c\tc\t1\tcmd\t1\tu\n")),
            "m:2: 6 columns, want 7"
        );
        assert_eq!(
            bad(&format!("{h}a.c\tq\t1\tcmd\t1\tu\t\n")),
            "m:2: bad kind \"q\""
        );
        assert_eq!(
            bad(&format!("{h}a.c\tc\tx\tcmd\t1\tu\t\n")),
            "m:2: bad line count \"x\""
        );
        assert_eq!(
            bad(&format!("{h}a.c\tc\t1\tusr\t1\tu\t\n")),
            "m:2: bad area \"usr\""
        );
        assert_eq!(
            bad(&format!("{h}a.c\tc\t1\tcmd\t5\tu\t\n")),
            "m:2: bad tier \"5\""
        );
        assert_eq!(
            bad(&format!(
                "{h}a.c\tc\t1\tcmd\t1\tu\t\na.c\tc\t1\tcmd\t1\tu\t\n"
            )),
            "m:3: duplicate path \"a.c\""
        );
    }

    #[test]
    fn kinds() {
        assert_eq!(kind_of("rc/bin/\""), Some(Kind::Rc));
        assert_eq!(kind_of("rc/lib/rcmain"), Some(Kind::Rc));
        assert_eq!(kind_of("rc/bin/service/!tcp80.namespace"), Some(Kind::Rc));
        assert_eq!(kind_of("sys/src/9/port/chan.c"), Some(Kind::C));
        assert_eq!(kind_of("sys/src/9/pc64/l.s"), Some(Kind::S));
        assert_eq!(kind_of("sys/src/cmd/cc/cc.y"), Some(Kind::Y));
        assert_eq!(kind_of("sys/src/cmd/diff/test/diff-t1.l"), Some(Kind::L));
        assert_eq!(kind_of("sys/src/libc/port/u.h"), Some(Kind::H));
        assert_eq!(kind_of("sys/src/cmd/sh.C"), None);
        assert_eq!(kind_of("sys/src/9/boot/bootrc"), None);
        assert_eq!(kind_of("sys/src/cmd/mkfile"), None);
        assert_eq!(kind_of("sys/include/libc.h"), None);
        assert_eq!(kind_of("sys/src/cmd/.c"), None);
    }

    #[test]
    fn areas() {
        assert_eq!(area_of("sys/src/9/port/chan.c"), Some(Area::Kernel));
        assert_eq!(area_of("sys/src/boot/pc/x.c"), Some(Area::Boot));
        assert_eq!(area_of("sys/src/libc/port/x.c"), Some(Area::Lib));
        assert_eq!(area_of("sys/src/lib9p/srv.c"), Some(Area::Lib));
        assert_eq!(area_of("sys/src/cmd/rc/code.c"), Some(Area::Cmd));
        assert_eq!(area_of("sys/src/ape/lib/x.c"), Some(Area::Cmd));
        assert_eq!(area_of("sys/src/games/doom/d.c"), Some(Area::Cmd));
        assert_eq!(area_of("rc/bin/9fs"), Some(Area::Rc));
        assert_eq!(area_of("sys/src/x.c"), None);
        assert_eq!(area_of("sys/include/libc.h"), None);
    }

    #[test]
    fn locate_rules() {
        let dir = std::env::temp_dir().join(format!("portstat-locate-{}", std::process::id()));
        let root = dir.join("repo");
        std::fs::create_dir_all(&root).unwrap();
        // Nothing found at the default location: not an error.
        let (m, p) = locate(None, None, Some(&root)).unwrap();
        assert!(m.is_none());
        assert!(p.ends_with("../shared/9front-manifest.tsv"));
        // An explicit manifest that does not exist is an error.
        assert!(locate(Some(&dir.join("nope.tsv")), None, Some(&root)).is_err());
        assert!(locate(None, Some("/nonexistent/m.tsv"), Some(&root))
            .unwrap_err()
            .contains(ENV_VAR));
        // The default location is used when present.
        std::fs::create_dir_all(dir.join("shared")).unwrap();
        std::fs::write(dir.join("shared/9front-manifest.tsv"), TSV).unwrap();
        let (m, _) = locate(None, None, Some(&root)).unwrap();
        assert_eq!(m.unwrap().rows.len(), 3);
        // The flag wins over the variable.
        let other = dir.join("other.tsv");
        std::fs::write(&other, "path\tkind\tlines\tarea\ttier\tunit\tnote\n").unwrap();
        let (m, _) = locate(Some(&other), Some("/nonexistent"), Some(&root)).unwrap();
        assert_eq!(m.unwrap().rows.len(), 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
