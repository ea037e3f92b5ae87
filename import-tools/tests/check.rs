//! `portstat check` on small synthetic repositories.

mod common;

use common::Fixture;
use portstat::status::{self, Entry};

const CHAN: &str = "sys/src/9/port/chan.c";
const CAT: &str = "sys/src/cmd/cat.c";

#[test]
fn fresh_sync_is_clean() {
    let f = Fixture::synced("fresh");
    let out = f.assert_clean();
    assert_eq!(
        out.trim_end(),
        format!(
            "port-status.toml: 7 entries ok (6 todo, 0 partial, 0 ported, 0 verified, 1 excluded); matches {}",
            f.repo.join("../shared/9front-manifest.tsv").display()
        )
    );
    let e = f.entries();
    assert_eq!(
        e[6],
        Entry::new("sys/src/games/doom/d.c", "x", 1000, "games")
    );
    assert_eq!(e[6].status, "excluded");
    assert_eq!(e[6].note, "games");
}

#[test]
fn bad_status() {
    let f = Fixture::synced("badstatus");
    let text = f
        .read(status::FILE_NAME)
        .replacen("status = \"todo\"", "status = \"done\"", 1);
    f.write(status::FILE_NAME, &text);
    assert_eq!(
        f.problems(),
        ["port-status.toml: rc/bin/\": status \"done\" is not one of todo, partial, ported, verified, excluded"]
    );
}

#[test]
fn schema_unknown_and_missing_keys_and_types() {
    let f = Fixture::synced("schema");
    let text = f
        .read(status::FILE_NAME)
        .replacen("note = \"\"\n", "note = \"\"\nowner = \"me\"\n", 1)
        .replacen("lines = 100\n", "lines = \"100\"\n", 1)
        .replacen("tests = []\n", "", 1);
    f.write(status::FILE_NAME, &text);
    assert_eq!(
        f.problems(),
        [
            "port-status.toml: rc/bin/\": unknown key `owner` (allowed: tier, lines, status, rust, tests, note)",
            "port-status.toml: rc/bin/\": missing key `tests`",
            "port-status.toml: sys/src/9/port/chan.c: `lines` must be an integer, not string",
        ]
    );
}

#[test]
fn rust_paths() {
    let f = Fixture::synced("rust");
    f.write("sys/src/9/port/chan.rs", "pub fn x() {}\n");
    f.write("sys/src/cmd/cat/src/main.rs", "fn main() {}\n");
    f.write("sys/src/cmd/empty/README", "nothing\n");
    f.write("sys/src/cmd/notrust.txt", "x\n");
    f.edit_entry(CHAN, |e| {
        e.status = "ported".into();
        e.rust = vec![
            "sys/src/9/port/chan.rs".into(),
            "sys/src/9/port/gone.rs".into(),
        ];
    });
    f.edit_entry(CAT, |e| {
        e.status = "ported".into();
        e.rust = vec![
            "sys/src/cmd/cat".into(),
            "sys/src/cmd/cat/".into(),
            "sys/src/cmd/empty".into(),
            "sys/src/cmd/notrust.txt".into(),
            "/abs/x.rs".into(),
            "../x.rs".into(),
            "sys/src/cmd/cat".into(),
        ];
    });
    f.edit_entry("sys/src/9/port/dev.c", |e| e.status = "ported".into());
    assert_eq!(
        f.problems(),
        [
            "port-status.toml: sys/src/9/port/chan.c: rust path \"sys/src/9/port/gone.rs\" does not exist",
            "port-status.toml: sys/src/9/port/dev.c: status \"ported\" needs at least one rust path",
            "port-status.toml: sys/src/cmd/cat.c: rust path \"sys/src/cmd/empty\" is a directory with no .rs file",
            "port-status.toml: sys/src/cmd/cat.c: rust path \"sys/src/cmd/notrust.txt\" is not a .rs file or a directory",
            "port-status.toml: sys/src/cmd/cat.c: rust path \"/abs/x.rs\" must be relative to the repo root",
            "port-status.toml: sys/src/cmd/cat.c: rust path \"../x.rs\" must not contain `..`",
            "port-status.toml: sys/src/cmd/cat.c: rust path \"sys/src/cmd/cat\" is listed twice",
        ]
    );
}

#[test]
fn scripts_are_ported_by_the_script_of_the_same_path() {
    let f = Fixture::synced("script");
    f.write("rc/bin/\"", "#!/bin/rc\n");
    f.write("sys/src/9/port/chan.c", "int x;\n");
    f.edit_entry("rc/bin/\"", |e| {
        e.status = "ported".into();
        e.rust = vec!["rc/bin/\"".into()];
    });
    f.assert_clean();
    // a C file is not ported by itself
    f.edit_entry(CHAN, |e| {
        e.status = "ported".into();
        e.rust = vec!["sys/src/9/port/chan.c".into()];
    });
    std::fs::remove_file(f.repo.join("rc/bin/\"")).unwrap();
    assert_eq!(
        f.problems(),
        [
            "port-status.toml: rc/bin/\": rust path \"rc/bin/\\\"\" (the script itself) does not exist",
            "port-status.toml: sys/src/9/port/chan.c: rust path \"sys/src/9/port/chan.c\" is not a .rs file or a directory",
        ]
    );
}

#[test]
fn test_references() {
    let f = Fixture::synced("tests");
    f.write("sys/src/9/port/chan.rs", "pub fn walk() {}\n");
    f.write(
        "sys/src/9/port/tests/chan.rs",
        "mod walk {\n    #[test]\n    fn walks_dotdot() {}\n    fn  r#match() {}\n}\nfn helper_long() {}\n",
    );
    f.write("sys/src/cmd/rc/tests/corpus/if.rc", "if(true) echo yes\n");
    f.edit_entry(CHAN, |e| {
        e.status = "verified".into();
        e.rust = vec!["sys/src/9/port/chan.rs".into()];
        e.tests = vec![
            "sys/src/9/port/tests/chan.rs::walk::walks_dotdot".into(),
            "sys/src/9/port/tests/chan.rs::walks_dotdot".into(),
            "sys/src/9/port/tests/chan.rs::r#match".into(),
            "sys/src/cmd/rc/tests/corpus/if.rc".into(),
            // failures:
            "sys/src/9/port/tests/chan.rs::helper".into(),
            "sys/src/9/port/tests/nope.rs::walk".into(),
            "sys/src/cmd/rc/tests/corpus/else.rc".into(),
            "sys/src/cmd/rc/tests/corpus".into(),
            "sys/src/cmd/rc/tests/corpus/if.rc::x".into(),
            "sys/src/9/port/tests/chan.rs::bad-name".into(),
            "sys/src/9/port/tests/chan.rs::".into(),
        ];
    });
    f.edit_entry(CAT, |e| {
        e.status = "verified".into();
        e.rust = vec!["sys/src/9/port/chan.rs".into()];
    });
    assert_eq!(
        f.problems(),
        [
            "port-status.toml: sys/src/9/port/chan.c: test \"sys/src/9/port/tests/chan.rs::helper\": no `fn helper` in sys/src/9/port/tests/chan.rs",
            "port-status.toml: sys/src/9/port/chan.c: test \"sys/src/9/port/tests/nope.rs::walk\": file \"sys/src/9/port/tests/nope.rs\" does not exist",
            "port-status.toml: sys/src/9/port/chan.c: test file \"sys/src/cmd/rc/tests/corpus/else.rc\" does not exist",
            "port-status.toml: sys/src/9/port/chan.c: test \"sys/src/cmd/rc/tests/corpus\" is not a file",
            "port-status.toml: sys/src/9/port/chan.c: test \"sys/src/cmd/rc/tests/corpus/if.rc::x\": \"sys/src/cmd/rc/tests/corpus/if.rc\" is not a .rs file",
            "port-status.toml: sys/src/9/port/chan.c: test \"sys/src/9/port/tests/chan.rs::bad-name\": \"bad-name\" is not a Rust identifier",
            "port-status.toml: sys/src/9/port/chan.c: test \"sys/src/9/port/tests/chan.rs::\": \"\" is not a Rust identifier",
            "port-status.toml: sys/src/cmd/cat.c: status \"verified\" needs at least one test",
        ]
    );
}

#[test]
fn duplicate_table() {
    let f = Fixture::synced("dup");
    let text = f.read(status::FILE_NAME);
    let mut extra = String::new();
    status::render_entry(&Entry::new(CHAN, "1", 100, ""), &mut extra);
    let n = text.lines().count();
    let first = text
        .lines()
        .position(|l| l == "[file.\"sys/src/9/port/chan.c\"]")
        .unwrap()
        + 1;
    f.write(status::FILE_NAME, &format!("{}\n{}", text, extra));
    assert_eq!(
        f.problems(),
        [format!(
            "port-status.toml: sys/src/9/port/chan.c: duplicate table [file.\"sys/src/9/port/chan.c\"] at line {} (first at line {})",
            n + 2,
            first
        )]
    );
}

#[test]
fn missing_and_extra_rows_and_order() {
    let f = Fixture::synced("coverage");
    f.edit(|es| {
        es.retain(|e| e.path != CAT && e.path != "sys/src/games/doom/d.c");
        es.push(Entry::new("sys/src/cmd/new.c", "2", 5, ""));
        es.swap(1, 2); // dev.c before chan.c
    });
    assert_eq!(
        f.problems(),
        [
            "port-status.toml: sys/src/9/port/chan.c: out of manifest order (it comes after \"sys/src/9/port/dev.c\"); portstat sync reorders",
            "port-status.toml: sys/src/cmd/new.c: not in the manifest (portstat sync --prune drops it)",
            "port-status.toml: sys/src/cmd/cat.c: missing (manifest: tier 1, 40 lines); portstat sync adds it",
            "port-status.toml: sys/src/games/doom/d.c: missing (manifest: tier x, 1000 lines); portstat sync adds it",
        ]
    );
}

#[test]
fn tier_and_lines_mismatch() {
    let f = Fixture::synced("tier");
    f.edit_entry(CHAN, |e| {
        e.tier = "3".into();
        e.lines = 99;
    });
    assert_eq!(
        f.problems(),
        [
            "port-status.toml: sys/src/9/port/chan.c: tier is \"3\" but the manifest says \"1\"",
            "port-status.toml: sys/src/9/port/chan.c: lines is 99 but the manifest says 100",
        ]
    );
}

#[test]
fn notes() {
    let f = Fixture::synced("notes");
    f.write("sys/src/9/port/chan.rs", "\n");
    f.edit_entry(CHAN, |e| {
        e.status = "partial".into();
        e.rust = vec!["sys/src/9/port/chan.rs".into()];
        e.note = "  ".into();
    });
    f.edit_entry("sys/src/games/doom/d.c", |e| e.note = String::new());
    f.edit_entry(CAT, |e| e.status = "excluded".into());
    assert_eq!(
        f.problems(),
        [
            "port-status.toml: sys/src/9/port/chan.c: status \"partial\" needs a note saying what is missing",
            "port-status.toml: sys/src/cmd/cat.c: status \"excluded\" needs a note saying why a file of a porting tier is excluded",
            "port-status.toml: sys/src/games/doom/d.c: status \"excluded\" needs a note saying why",
        ]
    );
    // Excluding a file of a porting tier is allowed with a note; a partial
    // port with a note is fine.
    f.edit_entry(CAT, |e| e.note = "cat(1) is provided by the rc port".into());
    f.edit_entry(CHAN, |e| e.note = "no walk yet".into());
    f.edit_entry("sys/src/games/doom/d.c", |e| e.note = "games".into());
    f.assert_clean();
}

#[test]
fn parse_error() {
    let f = Fixture::synced("syntax");
    let text = f
        .read(status::FILE_NAME)
        .replacen("tier = \"2\"", "tier = \"2", 1);
    f.write(status::FILE_NAME, &text);
    let p = f.problems();
    assert_eq!(p.len(), 1);
    let line = text.lines().position(|l| l == "tier = \"2").unwrap() + 1;
    assert!(
        p[0].starts_with(&format!("port-status.toml: line {}, column ", line)),
        "{}",
        p[0]
    );
}

#[test]
fn without_manifest() {
    let f = Fixture::synced("nomanifest");
    std::fs::remove_dir_all(f.dir.join("shared")).unwrap();
    f.edit_entry(CHAN, |e| e.lines = 1); // not checkable without the manifest
    let (code, out, err) = f.run(&["check"]);
    assert_eq!(code, 0, "{}{}", out, err);
    assert!(out.ends_with("not checked against a manifest\n"), "{}", out);
    assert!(
        err.starts_with("portstat: warning: no manifest at "),
        "{}",
        err
    );
    assert!(
        err.contains("coverage, tier and lines not checked"),
        "{}",
        err
    );
    // Everything else is still checked.
    f.edit_entry(CHAN, |e| e.status = "ported".into());
    let (code, out, _) = f.run(&["check"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "port-status.toml: sys/src/9/port/chan.c: status \"ported\" needs at least one rust path\n"
    );
}

#[test]
fn manifest_flag_and_root_lookup() {
    let f = Fixture::synced("flags");
    // Found from a subdirectory.
    std::fs::create_dir_all(f.repo.join("sys/src/9/port")).unwrap();
    let (code, _, _) = f.run_in(&f.repo.join("sys/src/9/port"), &["check"]);
    assert_eq!(code, 0);
    // --root from elsewhere, --manifest naming another manifest.
    let other = f.dir.join("other.tsv");
    std::fs::write(&other, "path\tkind\tlines\tarea\ttier\tunit\tnote\n").unwrap();
    let repo = f.repo.to_str().unwrap();
    let (code, out, _) = f.run_in(
        &f.dir,
        &[
            "check",
            "--root",
            repo,
            "--manifest",
            other.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 7);
    assert!(out
        .lines()
        .all(|l| l.ends_with("not in the manifest (portstat sync --prune drops it)")));
    // A named manifest that does not exist is an error.
    let (code, _, err) = f.run(&["check", "--manifest=/nonexistent.tsv"]);
    assert_eq!(code, 2);
    assert!(err.starts_with("portstat: /nonexistent.tsv: "), "{}", err);
    // No port-status.toml anywhere.
    let (code, _, err) = f.run_in(&f.dir, &["check"]);
    assert_eq!(code, 2);
    assert!(err.contains("no port-status.toml in"), "{}", err);
}
