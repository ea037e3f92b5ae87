//! portstat: keeps track of the port of 9front to Rust in
//! `port-status.toml`.  See README.md beside this crate.

#![forbid(unsafe_code)]

pub mod check;
pub mod manifest;
pub mod report;
pub mod scan;
pub mod status;
pub mod sync;

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::manifest::Manifest;
use crate::status::FILE_NAME;

/// The one-line usage, printed to stderr on bad arguments.
pub const USAGE: &str = "usage: portstat [check|report|scan|sync] ...";

/// The full usage, printed by `portstat --help`.
pub const HELP: &str = "\
usage: portstat [check|report|scan|sync] ...
	portstat check [--manifest PATH] [--root DIR]
		validate port-status.toml against its schema, the repo and the manifest
	portstat report [--markdown] [--manifest PATH] [--root DIR]
		port coverage by area and tier, in files and lines
	portstat scan [--manifest PATH] [--root DIR] DIR
		compare the 9front tree at DIR with the manifest
	portstat sync [--prune] [--manifest PATH] [--root DIR]
		(re)write port-status.toml from the manifest, keeping recorded work
The manifest is --manifest, else $PLANTEN_MANIFEST, else
<root>/../shared/9front-manifest.tsv; the root is --root, else the nearest
directory above the current one holding port-status.toml.
Exit status: 0 ok, 1 problems or differences found, 2 error.
";

/// What the command line is run in.
#[derive(Clone, Debug)]
pub struct Env {
    /// The current directory: relative paths are taken from here.
    pub cwd: PathBuf,
    /// The value of `PLANTEN_MANIFEST`, if set.
    pub manifest_var: Option<String>,
}

impl Env {
    /// The process's environment.
    pub fn from_process() -> Env {
        Env {
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            manifest_var: std::env::var(manifest::ENV_VAR).ok(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cmd {
    Check,
    Report,
    Scan,
    Sync,
}

impl Cmd {
    fn usage(self) -> &'static str {
        match self {
            Cmd::Check => "usage: portstat check [--manifest PATH] [--root DIR]",
            Cmd::Report => "usage: portstat report [--markdown] [--manifest PATH] [--root DIR]",
            Cmd::Scan => "usage: portstat scan [--manifest PATH] [--root DIR] DIR",
            Cmd::Sync => "usage: portstat sync [--prune] [--manifest PATH] [--root DIR]",
        }
    }
}

#[derive(Debug)]
struct Opts {
    cmd: Cmd,
    manifest: Option<PathBuf>,
    root: Option<PathBuf>,
    markdown: bool,
    prune: bool,
    dir: Option<PathBuf>,
}

enum Parsed {
    Run(Opts),
    Help,
    Usage(&'static str),
}

fn parse_args(args: &[String]) -> Parsed {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        return Parsed::Help;
    }
    let cmd = match args.first().map(String::as_str) {
        Some("check") => Cmd::Check,
        Some("report") => Cmd::Report,
        Some("scan") => Cmd::Scan,
        Some("sync") => Cmd::Sync,
        _ => return Parsed::Usage(USAGE),
    };
    let mut o = Opts {
        cmd,
        manifest: None,
        root: None,
        markdown: false,
        prune: false,
        dir: None,
    };
    let mut it = args[1..].iter();
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        match flag {
            "--manifest" | "--root" => {
                let Some(v) = inline.or_else(|| it.next().cloned()) else {
                    return Parsed::Usage(cmd.usage());
                };
                if v.is_empty() {
                    return Parsed::Usage(cmd.usage());
                }
                let slot = if flag == "--root" {
                    &mut o.root
                } else {
                    &mut o.manifest
                };
                *slot = Some(PathBuf::from(v));
            }
            "--markdown" if cmd == Cmd::Report && inline.is_none() => o.markdown = true,
            "--prune" if cmd == Cmd::Sync && inline.is_none() => o.prune = true,
            _ if cmd == Cmd::Scan && !a.starts_with('-') && o.dir.is_none() => {
                o.dir = Some(PathBuf::from(a))
            }
            _ => return Parsed::Usage(cmd.usage()),
        }
    }
    if cmd == Cmd::Scan && o.dir.is_none() {
        return Parsed::Usage(cmd.usage());
    }
    Parsed::Run(o)
}

/// Runs portstat with `args` (without the program name), writing to `out`
/// and `err`; returns the exit status.
pub fn run(args: &[String], env: &Env, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let o = match parse_args(args) {
        Parsed::Help => {
            let _ = out.write_all(HELP.as_bytes());
            return 0;
        }
        Parsed::Usage(u) => {
            let _ = writeln!(err, "{}", u);
            return 2;
        }
        Parsed::Run(o) => o,
    };
    let r = match o.cmd {
        Cmd::Check => cmd_check(&o, env, out, err),
        Cmd::Report => cmd_report(&o, env, out, err),
        Cmd::Scan => cmd_scan(&o, env, out, err),
        Cmd::Sync => cmd_sync(&o, env, out, err),
    };
    match r {
        Ok(code) => code,
        Err(msg) => {
            let _ = writeln!(err, "portstat: {}", msg);
            2
        }
    }
}

type CmdResult = Result<i32, String>;

/// The nearest directory at or above `dir` holding port-status.toml.
pub fn find_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(FILE_NAME).is_file())
        .map(Path::to_path_buf)
}

fn root(o: &Opts, env: &Env) -> Result<PathBuf, String> {
    match &o.root {
        Some(r) => {
            let r = env.cwd.join(r);
            if r.is_dir() {
                Ok(r)
            } else {
                Err(format!("{}: not a directory", r.display()))
            }
        }
        None => find_root(&env.cwd).ok_or_else(|| {
            format!(
                "no {} in {} or above (use --root DIR)",
                FILE_NAME,
                env.cwd.display()
            )
        }),
    }
}

fn read_status(root: &Path) -> Result<String, String> {
    let p = root.join(FILE_NAME);
    std::fs::read_to_string(&p).map_err(|e| format!("{}: {}", p.display(), e))
}

fn load_manifest(
    o: &Opts,
    env: &Env,
    root: Option<&Path>,
) -> Result<(Option<Manifest>, PathBuf), String> {
    let flag = o.manifest.as_ref().map(|m| env.cwd.join(m));
    manifest::locate(flag.as_deref(), env.manifest_var.as_deref(), root)
}

fn cmd_check(o: &Opts, env: &Env, out: &mut dyn Write, err: &mut dyn Write) -> CmdResult {
    let root = root(o, env)?;
    let text = read_status(&root)?;
    let (m, looked) = load_manifest(o, env, Some(&root))?;
    if m.is_none() {
        let _ = writeln!(
            err,
            "portstat: warning: no manifest at {} (use --manifest or ${}): coverage, tier and lines not checked against the manifest",
            looked.display(),
            manifest::ENV_VAR
        );
    }
    let outcome = check::check(&root, &text, m.as_ref());
    if outcome.problems.is_empty() {
        let _ = writeln!(out, "{}", outcome.summary(m.as_ref()));
        return Ok(0);
    }
    for p in &outcome.problems {
        let _ = writeln!(out, "{}", p);
    }
    let _ = writeln!(err, "portstat: {} problems", outcome.problems.len());
    Ok(1)
}

/// Reads port-status.toml's entries, refusing a file with problems.
fn complete_entries(root: &Path) -> Result<Vec<status::Entry>, String> {
    let text = read_status(root)?;
    let doc = status::parse(&text).map_err(|p| format!("{} (run portstat check)", p[0]))?;
    if let Some(p) = doc.problems.first() {
        return Err(format!("{} (run portstat check)", p));
    }
    doc.complete()
        .ok_or_else(|| format!("{}: incomplete entries (run portstat check)", FILE_NAME))
}

fn cmd_report(o: &Opts, env: &Env, out: &mut dyn Write, err: &mut dyn Write) -> CmdResult {
    let root = root(o, env)?;
    let entries = complete_entries(&root)?;
    let (m, looked) = load_manifest(o, env, Some(&root))?;
    if m.is_none() {
        let _ = writeln!(
            err,
            "portstat: warning: no manifest at {}: areas derived from the paths",
            looked.display()
        );
    }
    let r = report::build(&entries, m.as_ref());
    let text = if o.markdown {
        report::render_markdown(&r)
    } else {
        report::render_text(&r)
    };
    let _ = out.write_all(text.as_bytes());
    Ok(0)
}

fn cmd_scan(o: &Opts, env: &Env, out: &mut dyn Write, err: &mut dyn Write) -> CmdResult {
    let dir = env.cwd.join(o.dir.as_ref().expect("scan has a DIR"));
    let root = match &o.root {
        Some(_) => Some(root(o, env)?),
        None => find_root(&env.cwd),
    };
    let (m, looked) = load_manifest(o, env, root.as_deref())?;
    let entries = match &root {
        Some(r) => match complete_entries(r) {
            Ok(e) => Some(e),
            Err(e) => {
                let _ = writeln!(err, "portstat: warning: {}: statuses not shown", e);
                None
            }
        },
        None => None,
    };
    let baseline: Vec<(String, u64)> = match (&m, &entries) {
        (Some(m), _) => m.rows.iter().map(|r| (r.path.clone(), r.lines)).collect(),
        (None, Some(es)) => {
            let _ = writeln!(
                err,
                "portstat: warning: no manifest at {}: comparing with {}",
                looked.display(),
                FILE_NAME
            );
            es.iter().map(|e| (e.path.clone(), e.lines)).collect()
        }
        (None, None) => {
            return Err(format!(
                "no manifest at {} and no {} to compare with",
                looked.display(),
                FILE_NAME
            ))
        }
    };
    let statuses: HashMap<String, String> = entries
        .unwrap_or_default()
        .into_iter()
        .map(|e| (e.path, e.status))
        .collect();
    let found = scan::tracked_files(&dir)?;
    let d = scan::compare(&baseline, &found);
    for l in scan::render(o.dir.as_deref().unwrap_or(&dir), &d, &statuses) {
        let _ = writeln!(out, "{}", l);
    }
    Ok(if d.is_empty() { 0 } else { 1 })
}

fn cmd_sync(o: &Opts, env: &Env, out: &mut dyn Write, err: &mut dyn Write) -> CmdResult {
    let root = match &o.root {
        Some(_) => root(o, env)?,
        None => find_root(&env.cwd)
            .or_else(|| {
                env.cwd
                    .ancestors()
                    .find(|d| d.join(".git").exists())
                    .map(Path::to_path_buf)
            })
            .ok_or_else(|| {
                format!(
                    "no {} or git repository in {} or above (use --root DIR)",
                    FILE_NAME,
                    env.cwd.display()
                )
            })?,
    };
    let (m, looked) = load_manifest(o, env, Some(&root))?;
    let m = m.ok_or_else(|| {
        format!(
            "sync needs the manifest: none at {} (use --manifest or ${})",
            looked.display(),
            manifest::ENV_VAR
        )
    })?;
    let path = root.join(FILE_NAME);
    let existing = match std::fs::read_to_string(&path) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("{}: {}", path.display(), e)),
    };
    let outcome = match sync::sync(existing.as_deref(), &m, o.prune) {
        Ok(x) => x,
        Err(problems) => {
            for p in &problems {
                let _ = writeln!(err, "{}", p);
            }
            return Err(format!("{} cannot be synced: fix it first", FILE_NAME));
        }
    };
    for msg in &outcome.messages {
        let _ = writeln!(out, "{}", msg);
    }
    if existing.as_deref() == Some(outcome.text.as_str()) {
        let _ = writeln!(out, "sync: {} unchanged: {}", FILE_NAME, outcome.summary());
        return Ok(0);
    }
    let tmp = root.join(format!(".{}.tmp", FILE_NAME));
    std::fs::write(&tmp, &outcome.text).map_err(|e| format!("{}: {}", tmp.display(), e))?;
    std::fs::rename(&tmp, &path).map_err(|e| format!("{}: {}", path.display(), e))?;
    let _ = writeln!(out, "sync: wrote {}: {}", FILE_NAME, outcome.summary());
    Ok(0)
}
