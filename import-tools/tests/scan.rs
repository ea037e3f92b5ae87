//! `portstat scan` on a tiny synthetic 9front tree.

mod common;

use common::Fixture;

fn lines(n: usize) -> String {
    "x\n".repeat(n)
}

/// A tree matching the fixture manifest exactly.
fn tree(f: &Fixture) -> std::path::PathBuf {
    let t = f.dir.join("9front");
    let w = |rel: &str, text: &str| {
        let p = t.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    w("rc/bin/\"", &format!("#!/bin/rc\n{}", lines(2)));
    w("sys/src/9/port/chan.c", &lines(100));
    w("sys/src/9/port/dev.c", &lines(50));
    // A final line without a newline is not counted (like wc -l).
    w("sys/src/cmd/cat.c", &format!("{}last", lines(40)));
    w("sys/src/cmd/rc/code.c", &lines(200));
    w("sys/src/libc/port/strlen.c", &lines(10));
    w("sys/src/games/doom/d.c", &lines(1000));
    // Not tracked:
    w("sys/src/cmd/sh.C", "x\n");
    w("sys/src/cmd/mkfile", "x\n");
    w("sys/src/9/boot/bootrc", "#!/bin/rc\necho\n");
    w("sys/include/libc.h", "x\n");
    w("acme/bin/source/x.c", "x\n");
    w("sys/src/.git/objects/x.c", "x\n");
    t
}

#[test]
fn identical_tree() {
    let f = Fixture::synced("scan-same");
    let t = tree(&f);
    let (code, out, err) = f.run(&["scan", t.to_str().unwrap()]);
    assert_eq!(code, 0, "{}{}", out, err);
    assert_eq!(
        out,
        format!(
            "scan {}: 0 added, 0 removed, 0 changed; 7 files compared\n",
            t.display()
        )
    );
}

#[test]
fn added_removed_changed() {
    let f = Fixture::synced("scan-diff");
    f.edit_entry("sys/src/9/port/dev.c", |e| {
        e.status = "excluded".into();
        e.note = "gone".into();
    });
    let t = tree(&f);
    std::fs::write(t.join("rc/bin/\""), "#!/bin/rc\necho\n").unwrap();
    std::fs::remove_file(t.join("sys/src/9/port/dev.c")).unwrap();
    std::fs::create_dir_all(t.join("rc/lib")).unwrap();
    std::fs::write(t.join("rc/lib/rcmain"), "# rcmain: no #! line\n").unwrap();
    std::fs::write(t.join("sys/src/cmd/new.y"), "%%\n%%\n").unwrap();
    std::fs::write(t.join("sys/src/9/port/chan.c"), lines(101)).unwrap();
    let (code, out, err) = f.run(&["scan", t.to_str().unwrap()]);
    assert_eq!(code, 1, "{}", err);
    assert_eq!(
        out,
        format!(
            "added: rc/lib/rcmain (rc, 1 lines)\n\
             added: sys/src/cmd/new.y (y, 2 lines)\n\
             removed: sys/src/9/port/dev.c (50 lines) [excluded]\n\
             changed: rc/bin/\": 3 -> 2 lines [todo]\n\
             changed: sys/src/9/port/chan.c: 100 -> 101 lines [todo]\n\
             scan {}: 2 added, 1 removed, 2 changed; 6 files compared\n",
            t.display()
        )
    );
}

#[test]
fn library_level() {
    let f = Fixture::new("scan-lib");
    let t = tree(&f);
    let found = portstat::scan::tracked_files(&t).unwrap();
    let paths: Vec<&str> = found.iter().map(|x| x.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "rc/bin/\"",
            "sys/src/9/port/chan.c",
            "sys/src/9/port/dev.c",
            "sys/src/cmd/cat.c",
            "sys/src/cmd/rc/code.c",
            "sys/src/games/doom/d.c",
            "sys/src/libc/port/strlen.c",
        ]
    );
    assert_eq!(found[3].lines, 40);
    assert_eq!(found[0].kind, portstat::manifest::Kind::Rc);
}

#[test]
fn scan_errors_and_fallbacks() {
    let f = Fixture::synced("scan-err");
    // Not a 9front tree.
    let (code, _, err) = f.run(&["scan", f.dir.join("shared").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("not a 9front tree"), "{}", err);
    // Without the manifest, port-status.toml is the baseline.
    let t = tree(&f);
    std::fs::remove_dir_all(f.dir.join("shared")).unwrap();
    let (code, out, err) = f.run(&["scan", t.to_str().unwrap()]);
    assert_eq!(code, 0, "{}", out);
    assert!(err.contains("comparing with port-status.toml"), "{}", err);
    // Neither: an error.
    let (code, _, err) = f.run_in(&f.dir, &["scan", t.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("no manifest at"), "{}", err);
}
