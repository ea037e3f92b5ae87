//! Finding QEMU, and installing it on a Debian machine that lacks it.
//!
//! `cargo boot` and `cargo test` must work on a fresh Debian machine that has
//! only Rust. When `qemu-system-x86_64` is not on `$PATH`, root gets Debian's
//! `qemu-system-x86` through apt-get; anyone else is told the exact command.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

/// The emulator we run.
pub const QEMU: &str = "qemu-system-x86_64";
/// The Debian package that has it.
pub const PACKAGE: &str = "qemu-system-x86";

/// Looks `name` up in `$PATH`.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

fn is_root() -> bool {
    // Uid: real effective saved fs
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|u| u == "0"))
        })
        .unwrap_or(false)
}

/// The command a user without root should run.
pub fn advice() -> String {
    format!("sudo apt-get install -y --no-install-recommends {PACKAGE}")
}

fn apt(args: &[&str], log: &mut String) -> bool {
    let out = Command::new("apt-get")
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .stdin(Stdio::null())
        .output();
    match out {
        Ok(o) => {
            log.push_str(&String::from_utf8_lossy(&o.stdout));
            log.push_str(&String::from_utf8_lossy(&o.stderr));
            o.status.success()
        }
        Err(e) => {
            log.push_str(&format!("apt-get: {e}\n"));
            false
        }
    }
}

/// Returns the path of `qemu-system-x86_64`, installing it first if it is
/// missing and we may. `note` is told what is going on.
pub fn ensure(note: &mut dyn FnMut(&str)) -> Result<PathBuf, String> {
    static LOCK: Mutex<()> = Mutex::new(());
    let _g = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(p) = which(QEMU) {
        return Ok(p);
    }
    if !is_root() || which("apt-get").is_none() {
        return Err(format!(
            "{QEMU} not found; install it with:\n\t{}",
            advice()
        ));
    }
    // Tests boot guests from several processes at once: one installs while
    // the others wait on this lock, then find QEMU in place.
    let dir = crate::workspace_root().join("target");
    let _ = std::fs::create_dir_all(&dir);
    let lockfile = std::fs::File::create(dir.join("qemu-install.lock"))
        .map_err(|e| format!("cannot create the install lock: {e}"))?;
    lockfile
        .lock()
        .map_err(|e| format!("cannot take the install lock: {e}"))?;
    if let Some(p) = which(QEMU) {
        return Ok(p);
    }
    note(&format!(
        "{QEMU} not found; installing {PACKAGE} with apt-get"
    ));
    // Wait for other users of dpkg rather than fail at once.
    let install = [
        "-o",
        "DPkg::Lock::Timeout=600",
        "install",
        "-y",
        "-q",
        "--no-install-recommends",
        PACKAGE,
    ];
    let mut log = String::new();
    if !apt(&install, &mut log) {
        // A fresh machine may have no package lists yet.
        note("apt-get install failed; running apt-get update and trying again");
        if !apt(&["-o", "DPkg::Lock::Timeout=600", "update", "-q"], &mut log)
            || !apt(&install, &mut log)
        {
            return Err(format!(
                "could not install {PACKAGE}:\n{log}\nrun:\n\t{}",
                advice()
            ));
        }
    }
    which(QEMU).ok_or_else(|| format!("{PACKAGE} installed but {QEMU} is still not on $PATH"))
}
