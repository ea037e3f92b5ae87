//! `portstat sync`: generation, preservation, pruning.

mod common;

use common::{Fixture, MANIFEST};
use portstat::status::{self, Entry};

#[test]
fn generates_the_canonical_file() {
    let f = Fixture::synced("sync-gen");
    let text = f.read(status::FILE_NAME);
    let body = text.strip_prefix(status::HEADER).unwrap();
    assert!(body.starts_with(
        "\n[file.\"rc/bin/\\\"\"]\ntier = \"2\"\nlines = 3\nstatus = \"todo\"\nrust = []\ntests = []\nnote = \"\"\n\n\
         [file.\"sys/src/9/port/chan.c\"]\n"
    ));
    assert!(body.ends_with(
        "\n[file.\"sys/src/games/doom/d.c\"]\ntier = \"x\"\nlines = 1000\nstatus = \"excluded\"\n\
         rust = []\ntests = []\nnote = \"games\"\n"
    ));
    // 7 lines per entry, one blank line before each.
    assert_eq!(body.lines().count(), 7 * 8);
    let paths: Vec<String> = f.entries().into_iter().map(|e| e.path).collect();
    let want: Vec<&str> = MANIFEST
        .lines()
        .skip(1)
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(paths, want);
    // Running it again changes nothing.
    let (code, out, _) = f.run(&["sync"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "sync: port-status.toml unchanged: 7 entries (0 new, 7 kept, 0 not in the manifest), 0 dropped\n"
    );
    assert_eq!(f.read(status::FILE_NAME), text);
}

#[test]
fn keeps_recorded_work_and_follows_the_manifest() {
    let f = Fixture::synced("sync-keep");
    f.write("x/a.rs", "fn t() {}\n");
    f.edit_entry("sys/src/9/port/chan.c", |e| {
        e.status = "verified".into();
        e.rust = vec!["x/a.rs".into()];
        e.tests = vec!["x/a.rs::t".into()];
        e.note = "done".into();
    });
    f.edit_entry("sys/src/cmd/rc/code.c", |e| {
        e.status = "partial".into();
        e.rust = vec!["x/a.rs".into()];
        e.note = "no here-docs".into();
    });
    // 9front moves on: chan.c grows, cat.c is now excluded, code.c changes
    // tier, strlen.c goes, new.c arrives.
    let m = MANIFEST
        .replace("chan.c\tc\t100\t", "chan.c\tc\t120\t")
        .replace(
            "cat.c\tc\t40\tcmd\t1\tcmd/cat\t",
            "cat.c\tc\t40\tcmd\tx\tcmd/cat\tPOSIX",
        )
        .replace("code.c\tc\t200\tcmd\t2", "code.c\tc\t200\tcmd\t3")
        .replace("sys/src/libc/port/strlen.c\tc\t10\tlib\t1\tlibc\t\n", "")
        .replace(
            "sys/src/games",
            "sys/src/cmd/new.c\tc\t5\tcmd\t2\tcmd\t\nsys/src/games",
        );
    f.write("../shared/9front-manifest.tsv", &m);
    let (code, out, err) = f.run(&["sync"]);
    assert_eq!(code, 0, "{}", err);
    assert_eq!(
        out,
        "lines: sys/src/9/port/chan.c: 100 -> 120\n\
         tier: sys/src/cmd/cat.c: 1 -> x, status reset to excluded\n\
         tier: sys/src/cmd/rc/code.c: 2 -> 3, status partial kept: review it\n\
         new: sys/src/cmd/new.c (tier 2, 5 lines)\n\
         not in the manifest, kept (--prune drops it): sys/src/libc/port/strlen.c\n\
         sync: wrote port-status.toml: 8 entries (1 new, 6 kept, 1 not in the manifest), 0 dropped\n"
    );
    let es = f.entries();
    let get = |p: &str| es.iter().find(|e| e.path == p).unwrap().clone();
    assert_eq!(
        get("sys/src/9/port/chan.c"),
        Entry {
            path: "sys/src/9/port/chan.c".into(),
            tier: "1".into(),
            lines: 120,
            status: "verified".into(),
            rust: vec!["x/a.rs".into()],
            tests: vec!["x/a.rs::t".into()],
            note: "done".into(),
        }
    );
    assert_eq!(
        get("sys/src/cmd/cat.c"),
        Entry::new("sys/src/cmd/cat.c", "x", 40, "POSIX")
    );
    assert_eq!(get("sys/src/cmd/rc/code.c").tier, "3");
    assert_eq!(get("sys/src/cmd/rc/code.c").status, "partial");
    assert_eq!(es.last().unwrap().path, "sys/src/libc/port/strlen.c");
    // The kept row is an error for check until pruned.
    assert_eq!(
        f.problems(),
        ["port-status.toml: sys/src/libc/port/strlen.c: not in the manifest (portstat sync --prune drops it)"]
    );
    let (code, out, _) = f.run(&["sync", "--prune"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "dropped (not in the manifest): sys/src/libc/port/strlen.c\n\
         sync: wrote port-status.toml: 7 entries (0 new, 7 kept, 0 not in the manifest), 1 dropped\n"
    );
    f.assert_clean();
}

#[test]
fn canonicalizes_hand_edits() {
    let f = Fixture::synced("sync-canon");
    let canonical = f.read(status::FILE_NAME);
    f.write("x/a.rs", "\n");
    f.edit_entry("sys/src/9/port/dev.c", |e| {
        e.status = "ported".into();
        e.rust = vec!["x/a.rs".into()];
    });
    let want = f.read(status::FILE_NAME);
    assert_ne!(want, canonical);
    let messy = want
        .replace(
            "rust = [\"x/a.rs\"]",
            "rust = [\n  \"x/a.rs\",\n]   # hand-written",
        )
        .replace(
            "[file.\"sys/src/9/port/dev.c\"]",
            "[file.'sys/src/9/port/dev.c']",
        );
    f.write(status::FILE_NAME, &messy);
    f.assert_clean();
    let (code, _, _) = f.run(&["sync"]);
    assert_eq!(code, 0);
    assert_eq!(f.read(status::FILE_NAME), want);
}

#[test]
fn refuses_a_broken_file_and_needs_the_manifest() {
    let f = Fixture::synced("sync-refuse");
    let before = f
        .read(status::FILE_NAME)
        .replacen("status = \"todo\"", "status = 3", 1);
    f.write(status::FILE_NAME, &before);
    let (code, _, err) = f.run(&["sync"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "port-status.toml: rc/bin/\": `status` must be a string, not integer\n\
         portstat: port-status.toml cannot be synced: fix it first\n"
    );
    assert_eq!(f.read(status::FILE_NAME), before);
    std::fs::remove_dir_all(f.dir.join("shared")).unwrap();
    let (code, _, err) = f.run(&["sync"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("portstat: sync needs the manifest: none at "),
        "{}",
        err
    );
}
