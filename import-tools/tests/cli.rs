//! The binary's command line, and checks against the real repository and
//! the real manifest (the latter only where ../shared exists).

use std::path::{Path, PathBuf};
use std::process::Command;

use portstat::manifest::{self, Manifest};

fn bin(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_portstat"))
        .args(args)
        .env_remove(manifest::ENV_VAR)
        .output()
        .unwrap();
    (
        o.status.code().unwrap(),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

#[test]
fn usage_on_bad_arguments() {
    let usage = "usage: portstat [check|report|scan|sync] ...\n";
    for args in [&[][..], &["frob"], &["--root"]] {
        assert_eq!(
            bin(args),
            (2, String::new(), usage.to_string()),
            "{:?}",
            args
        );
    }
    let cases: [(&[&str], &str); 6] = [
        (
            &["check", "--markdown"],
            "usage: portstat check [--manifest PATH] [--root DIR]\n",
        ),
        (
            &["check", "--root"],
            "usage: portstat check [--manifest PATH] [--root DIR]\n",
        ),
        (
            &["report", "extra"],
            "usage: portstat report [--markdown] [--manifest PATH] [--root DIR]\n",
        ),
        (
            &["scan"],
            "usage: portstat scan [--manifest PATH] [--root DIR] DIR\n",
        ),
        (
            &["scan", "a", "b"],
            "usage: portstat scan [--manifest PATH] [--root DIR] DIR\n",
        ),
        (
            &["sync", "--prune=yes"],
            "usage: portstat sync [--prune] [--manifest PATH] [--root DIR]\n",
        ),
    ];
    for (args, want) in cases {
        assert_eq!(
            bin(args),
            (2, String::new(), want.to_string()),
            "{:?}",
            args
        );
    }
}

#[test]
fn help() {
    let (code, out, err) = bin(&["--help"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(out.starts_with("usage: portstat [check|report|scan|sync] ...\n"));
    for c in ["check", "report", "scan", "sync"] {
        assert!(out.contains(&format!("\tportstat {} ", c)), "{}", c);
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn real_manifest() -> Option<Manifest> {
    let p = repo_root().join(manifest::DEFAULT_RELATIVE);
    p.is_file().then(|| Manifest::load(&p).unwrap())
}

/// The repository's own port-status.toml has no problem (checked against
/// the manifest when ../shared has it).
#[test]
fn real_port_status_is_clean() {
    let root = repo_root();
    let text = std::fs::read_to_string(root.join(portstat::status::FILE_NAME)).unwrap();
    let m = real_manifest();
    let outcome = portstat::check::check(&root, &text, m.as_ref());
    let problems: Vec<String> = outcome.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(problems, Vec::<String>::new());
    if let Some(m) = &m {
        assert_eq!(outcome.entries, m.rows.len());
    }
    // And through the binary.
    let root_s = root.to_str().unwrap();
    let (code, out, err) = bin(&["check", "--root", root_s]);
    assert_eq!(code, 0, "{}{}", out, err);
    assert!(out.starts_with("port-status.toml: "), "{}", out);
}

/// The path-derived area and kind reproduce every manifest row.
#[test]
fn heuristics_reproduce_the_real_manifest() {
    let Some(m) = real_manifest() else {
        eprintln!("no ../shared manifest: skipped");
        return;
    };
    let mut wrong = Vec::new();
    for r in &m.rows {
        if manifest::area_of(&r.path) != Some(r.area) {
            wrong.push(format!(
                "area {}: {:?} vs {}",
                r.path,
                manifest::area_of(&r.path),
                r.area
            ));
        }
        if manifest::kind_of(&r.path) != Some(r.kind) {
            wrong.push(format!(
                "kind {}: {:?} vs {}",
                r.path,
                manifest::kind_of(&r.path),
                r.kind
            ));
        }
    }
    assert_eq!(wrong, Vec::<String>::new());
    assert!(m.rows.len() > 7000);
}

/// `portstat sync` would not change the committed file.
#[test]
fn real_port_status_is_in_sync() {
    let Some(m) = real_manifest() else { return };
    let root = repo_root();
    let text = std::fs::read_to_string(root.join(portstat::status::FILE_NAME)).unwrap();
    let outcome = portstat::sync::sync(Some(&text), &m, false).unwrap();
    assert!(
        outcome.text == text,
        "port-status.toml is not what portstat sync writes: run portstat sync"
    );
}

/// docs/compatibility-matrix.md carries `portstat report --markdown`
/// between two markers; it must say what port-status.toml says.
#[test]
fn compatibility_matrix_has_the_current_report() {
    let root = repo_root();
    let doc = std::fs::read_to_string(root.join("docs/compatibility-matrix.md")).unwrap();
    let begin = "<!-- begin: portstat report --markdown";
    let end = "<!-- end: portstat report -->";
    let b = doc.find(begin).expect("begin marker");
    let b = b + doc[b..].find('\n').unwrap() + 1;
    let e = doc.find(end).expect("end marker");
    let (code, out, err) = bin(&["report", "--markdown", "--root", root.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        &doc[b..e],
        out,
        "docs/compatibility-matrix.md is stale: paste `cargo run -p portstat -- report --markdown` between its markers"
    );
}
