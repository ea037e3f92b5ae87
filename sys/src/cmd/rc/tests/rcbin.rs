//! The scripts of `rc/bin`, run by planten's rc.
//!
//! Each script must parse (`rc -n`), and print what 9front's script of
//! the same name prints. The process scripts (kill, slay, broke, Kill,
//! stop, start, psu, who) read `ps`: here a fake `ps` first in `$path`
//! prints a fixed table in the layout of 9front's ps.c
//! (`%-10s %8s %4lud:%.2lud %3lud:%.2lud %7ludK %-8.8s %s`). The other
//! programs the scripts run come from Debian's 9base (Plan 9's sed, sort,
//! ls, echo, cat), as planten's are not all built yet (sed, mc). The
//! expected outputs are what 9front's own scripts print for the same
//! table and arguments, found by running them with 9base's rc and sed;
//! `lc` without an `mc` in `$path` is planten's fallback (one name a
//! line), and with one it must pipe through it.

use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn rc() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_rc"))
}

fn rcbin() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../../rc/bin")
}

/// 9front's ps output for the fixture: glenda's, bootes's and others'
/// processes in assorted states, with names that end alike (rio, xrio)
/// and a user whose name starts with another's (glendax).
const PS: &str = "\
glenda            1    0:00   0:00     1240K Await    bootrc
glenda            2    0:00   0:00        0K Wakeme   genrandom
glenda           37    0:01   0:02     9000K Pread    rio
glenda           40    0:00   0:00      120K Await    rc
bootes           41    0:00   0:00      300K Pread    rio
glenda           55    0:00   0:00      120K Broken   acme
glenda           56    0:00   0:00      400K Stopped  xrio
glenda           57    0:00   0:00      400K Stopped  rio
glenda          120    0:00   0:00      400K Pread    acme
glenda         1234    0:00   0:00     1234K Exiting  cat
none             99    0:00   0:00      100K Pread    listen
glendax         300    0:00   0:00      100K Pread    rio
bootes          301    0:00   0:00      100K Broken   cs
";

/// A scratch directory with `bin/` (the fake ps and 9base's programs),
/// or `None` when 9base cannot be had.
struct Sandbox {
    dir: PathBuf,
}

impl Sandbox {
    fn new(name: &str) -> Option<Sandbox> {
        let dir = std::env::temp_dir().join(format!("planten-rcbin-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let bin = dir.join("bin");
        fs::create_dir_all(&bin).unwrap();
        for p in ["sed", "sort", "ls", "echo", "cat"] {
            match peers::ninebase::bin(p) {
                Ok(path) => symlink(path, bin.join(p)).unwrap(),
                Err(e) => {
                    eprintln!("9base's {p} unavailable ({e}): rc/bin scripts not run");
                    return None;
                }
            }
        }
        fs::write(dir.join("ps.out"), PS).unwrap();
        // ps's flags, when given, show as a line of glenda's
        let ps = format!(
            "#!/bin/sh\nif [ $# -gt 0 ]; then echo \"glenda         9999 flags: $*\"; fi\nexec /bin/cat {}\n",
            dir.join("ps.out").display()
        );
        let s = Sandbox { dir };
        s.script("ps", &ps);
        Some(s)
    }

    /// Puts an executable `name` holding `text` in `bin/`.
    fn script(&self, name: &str, text: &str) {
        let p = self.dir.join("bin").join(name);
        fs::write(&p, text).unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
    }

    /// Runs `rc/bin/NAME args` with planten's rc, in `cwd`, as user
    /// glenda with only `bin/` in `$path`.
    fn run_in(&self, cwd: &Path, name: &str, args: &[&str]) -> Output {
        Command::new(rc())
            .arg(rcbin().join(name))
            .args(args)
            .current_dir(cwd)
            .env_clear()
            .env("PATH", self.dir.join("bin"))
            .env("user", "glenda")
            .env("HOME", &self.dir)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    /// [`Sandbox::run_in`] the scratch directory: standard output and
    /// the exit code.
    fn run(&self, name: &str, args: &[&str]) -> (String, i32) {
        let o = self.run_in(&self.dir, name, args);
        (String::from_utf8(o.stdout).unwrap(), o.status.code().unwrap_or(-1))
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn scripts() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(rcbin()).unwrap().map(|e| e.unwrap().path()).collect();
    v.sort();
    v
}

#[test]
fn every_script_parses() {
    let all = scripts();
    for want in ["kill", "slay", "broke", "Kill", "stop", "start", "psu", "who", "lc", "bundle"] {
        assert!(all.iter().any(|p| p.ends_with(want)), "rc/bin/{want} is missing");
    }
    for s in all {
        let o = Command::new(rc()).arg("-n").arg(&s).stdin(Stdio::null()).output().unwrap();
        assert!(
            o.status.success() && o.stderr.is_empty(),
            "rc -n {}: {}",
            s.display(),
            String::from_utf8_lossy(&o.stderr)
        );
        let text = fs::read_to_string(&s).unwrap();
        assert!(text.starts_with("#!/bin/rc\n"), "{} does not start with #!/bin/rc", s.display());
        let mode = fs::metadata(&s).unwrap().permissions().mode();
        assert!(mode & 0o111 != 0, "{} is not executable", s.display());
    }
}

#[test]
fn kill_prints_notes_for_the_users_processes_of_that_name() {
    let Some(s) = Sandbox::new("kill") else { return };
    assert_eq!(
        s.run("kill", &["rio"]),
        ("@{echo kill>/proc/37/note} # rio\n@{echo kill>/proc/57/note} # rio\n".into(), 0)
    );
    // one pass over ps per name, in the order given
    assert_eq!(
        s.run("kill", &["rc", "acme"]).0,
        "@{echo kill>/proc/40/note} # rc\n@{echo kill>/proc/55/note} # acme\n@{echo kill>/proc/120/note} # acme\n"
    );
    assert_eq!(s.run("kill", &["cat"]).0, "@{echo kill>/proc/1234/note} # cat\n");
    // the name is a regular expression, anchored at the end of the line
    assert_eq!(
        s.run("kill", &["r.o|xx"]).0,
        "@{echo kill>/proc/37/note} # rio\n@{echo kill>/proc/57/note} # rio\n"
    );
    assert_eq!(s.run("kill", &["nothing"]), (String::new(), 0));
    assert_eq!(s.run("kill", &[]), (String::new(), 0));
}

#[test]
fn slay_writes_kill_to_ctl() {
    let Some(s) = Sandbox::new("slay") else { return };
    assert_eq!(
        s.run("slay", &["acme", "rc"]),
        (
            "@{echo kill>/proc/55/ctl} # acme\n@{echo kill>/proc/120/ctl} # acme\n@{echo kill>/proc/40/ctl} # rc\n"
                .into(),
            0
        )
    );
}

#[test]
fn broke_finds_broken_processes_of_a_user() {
    let Some(s) = Sandbox::new("broke") else { return };
    assert_eq!(s.run("broke", &[]), ("echo kill>/proc/55/ctl # acme\n".into(), 0));
    assert_eq!(s.run("broke", &["bootes"]).0, "echo kill>/proc/301/ctl # cs\n");
    // only one argument names a user; more are ignored, as in 9front
    assert_eq!(s.run("broke", &["bootes", "none"]).0, "echo kill>/proc/55/ctl # acme\n");
}

#[test]
fn capital_kill_takes_every_users_processes() {
    let Some(s) = Sandbox::new("Kill") else { return };
    assert_eq!(
        s.run("Kill", &["rio"]).0,
        "chmod 666 /proc/37/ctl;@{echo kill>/proc/37/ctl}\n\
         chmod 666 /proc/41/ctl;@{echo kill>/proc/41/ctl}\n\
         chmod 666 /proc/57/ctl;@{echo kill>/proc/57/ctl}\n\
         chmod 666 /proc/300/ctl;@{echo kill>/proc/300/ctl}\n"
    );
}

#[test]
fn stop_and_start() {
    let Some(s) = Sandbox::new("stop") else { return };
    assert_eq!(s.run("stop", &["rio"]), ("echo stop>/proc/37/ctl\necho stop>/proc/57/ctl\n".into(), 0));
    // start only wakes Stopped processes
    assert_eq!(s.run("start", &["rio"]), ("echo start>/proc/57/ctl\n".into(), 0));
    // without a name: nothing, and a true status
    assert_eq!(s.run("stop", &[]), (String::new(), 0));
    assert_eq!(s.run("start", &[]), (String::new(), 0));
}

#[test]
fn psu_filters_by_user_and_passes_flags() {
    let Some(s) = Sandbox::new("psu") else { return };
    let mine: String = PS.lines().filter(|l| l.starts_with("glenda ")).map(|l| format!("{l}\n")).collect();
    assert_eq!(s.run("psu", &[]), (mine.clone(), 0));
    assert_eq!(
        s.run("psu", &["bootes"]).0,
        "bootes           41    0:00   0:00      300K Pread    rio\n\
         bootes          301    0:00   0:00      100K Broken   cs\n"
    );
    assert_eq!(s.run("psu", &["-a", "-n"]).0, format!("glenda         9999 flags: -a -n\n{mine}"));
    assert_eq!(s.run("psu", &["-a", "none"]).0, "none             99    0:00   0:00      100K Pread    listen\n");
    let o = s.run_in(&s.dir, "psu", &["a", "b"]);
    assert_eq!(String::from_utf8_lossy(&o.stderr), "usage: psu [ps-flags] [ user ]\n");
    assert!(o.stdout.is_empty());
    assert_eq!(o.status.code(), Some(1), "exit usage");
}

#[test]
fn who_lists_live_users_once() {
    let Some(s) = Sandbox::new("who") else { return };
    assert_eq!(s.run("who", &[]), ("bootes\nglenda\nglendax\nnone\n".into(), 0));
}

#[test]
fn lc_lists_marked_names_through_mc() {
    let Some(s) = Sandbox::new("lc") else { return };
    let d = s.dir.join("d");
    fs::create_dir_all(d.join("sub")).unwrap();
    fs::write(d.join("a"), "").unwrap();
    fs::write(d.join("bb"), "").unwrap();
    fs::write(d.join("exe"), "").unwrap();
    fs::set_permissions(d.join("exe"), fs::Permissions::from_mode(0o755)).unwrap();
    // no mc: ls -pF as it is
    let o = s.run_in(&d, "lc", &[]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), "a\nbb\nexe*\nsub/\n");
    assert!(o.status.success());
    let o = s.run_in(&s.dir, "lc", &["d/sub", "d/exe"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), "exe*\n");
    // with an mc, its columns
    s.script("mc", "#!/bin/sh\n/usr/bin/tr '\\n' ' '; echo '(mc)'\n");
    let o = s.run_in(&d, "lc", &[]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), "a bb exe* sub/ (mc)\n");
}

#[test]
fn bundle_output_recreates_the_files() {
    let Some(s) = Sandbox::new("bundle") else { return };
    let src = s.dir.join("src");
    fs::create_dir_all(&src).unwrap();
    fs::write(src.join("f1"), "line one\n-dash\n\n  indented\n").unwrap();
    fs::write(src.join("f2"), "").unwrap();
    let o = s.run_in(&src, "bundle", &["f1", "f2"]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert_eq!(
        out,
        "# To unbundle, run this file\n\
         echo f1\n\
         sed 's/.//' >f1 <<'//GO.SYSIN DD f1'\n\
         -line one\n\
         --dash\n\
         -\n\
         -  indented\n\
         //GO.SYSIN DD f1\n\
         echo f2\n\
         sed 's/.//' >f2 <<'//GO.SYSIN DD f2'\n\
         //GO.SYSIN DD f2\n"
    );
    let dst = s.dir.join("dst");
    fs::create_dir_all(&dst).unwrap();
    fs::write(dst.join("bundle.rc"), &out).unwrap();
    let o = Command::new(rc())
        .arg("./bundle.rc")
        .current_dir(&dst)
        .env_clear()
        .env("PATH", s.dir.join("bin"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout), "f1\nf2\n");
    assert_eq!(fs::read(dst.join("f1")).unwrap(), fs::read(src.join("f1")).unwrap());
    assert_eq!(fs::read(dst.join("f2")).unwrap(), b"");
}
