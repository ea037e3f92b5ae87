//! Shared test fixtures: a tiny repository with a tiny manifest beside it,
//! laid out like the real one (`<dir>/repo` and `<dir>/shared`).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use portstat::status::{self, Entry};

pub const MANIFEST: &str = "path\tkind\tlines\tarea\ttier\tunit\tnote
rc/bin/\"\trc\t3\trc\t2\trc/bin\t
sys/src/9/port/chan.c\tc\t100\tkernel\t1\t9/port\t
sys/src/9/port/dev.c\tc\t50\tkernel\t1\t9/port\t
sys/src/cmd/cat.c\tc\t40\tcmd\t1\tcmd/cat\t
sys/src/cmd/rc/code.c\tc\t200\tcmd\t2\tcmd/rc\t
sys/src/libc/port/strlen.c\tc\t10\tlib\t1\tlibc\t
sys/src/games/doom/d.c\tc\t1000\tcmd\tx\tgames\tgames
";

static COUNTER: AtomicUsize = AtomicUsize::new(0);

pub struct Fixture {
    pub dir: PathBuf,
    pub repo: PathBuf,
}

impl Fixture {
    /// An empty repo (no port-status.toml) with the manifest in ../shared.
    pub fn new(name: &str) -> Fixture {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!(
            "portstat-test-{}-{}-{}",
            name,
            std::process::id(),
            n
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let repo = dir.join("repo");
        std::fs::create_dir_all(&repo).unwrap();
        let f = Fixture { dir, repo };
        f.write("../shared/9front-manifest.tsv", MANIFEST);
        f
    }

    /// A repo whose port-status.toml was made by `portstat sync`.
    pub fn synced(name: &str) -> Fixture {
        let f = Fixture::new(name);
        std::fs::create_dir(f.repo.join(".git")).unwrap();
        let (code, out, err) = f.run(&["sync"]);
        assert_eq!(code, 0, "sync failed: {}{}", out, err);
        f
    }

    /// Writes `rel` (relative to the repo), creating directories.
    pub fn write(&self, rel: &str, text: &str) {
        let p = self.repo.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.repo.join(rel)).unwrap()
    }

    pub fn entries(&self) -> Vec<Entry> {
        status::parse(&self.read(status::FILE_NAME))
            .unwrap()
            .complete()
            .unwrap()
    }

    /// Rewrites port-status.toml after `f` edits its entries.
    pub fn edit(&self, f: impl FnOnce(&mut Vec<Entry>)) {
        let mut es = self.entries();
        f(&mut es);
        self.write(status::FILE_NAME, &status::render(&es));
    }

    /// Rewrites one entry.
    pub fn edit_entry(&self, path: &str, f: impl FnOnce(&mut Entry)) {
        self.edit(|es| {
            f(es.iter_mut()
                .find(|e| e.path == path)
                .expect("no such entry"))
        });
    }

    /// Runs portstat in the repo: (exit status, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        self.run_in(&self.repo, args)
    }

    pub fn run_in(&self, cwd: &Path, args: &[&str]) -> (i32, String, String) {
        let env = portstat::Env {
            cwd: cwd.to_path_buf(),
            manifest_var: None,
        };
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = portstat::run(&args, &env, &mut out, &mut err);
        (
            code,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    /// `portstat check`'s problem lines (asserting exit status 1).
    pub fn problems(&self) -> Vec<String> {
        let (code, out, err) = self.run(&["check"]);
        assert_eq!(code, 1, "check passed unexpectedly: {}{}", out, err);
        out.lines().map(String::from).collect()
    }

    /// Asserts `portstat check` passes.
    pub fn assert_clean(&self) -> String {
        let (code, out, err) = self.run(&["check"]);
        assert_eq!(code, 0, "check failed:\n{}{}", out, err);
        out
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
