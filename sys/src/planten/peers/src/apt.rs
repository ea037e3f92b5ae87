//! Installing Debian packages that tests and `cargo boot` need.
//!
//! When a program is missing, root gets its package through apt-get
//! (`--no-install-recommends`, waiting for other users of dpkg, and
//! running `apt-get update` once if the first try fails, as on a machine
//! that never fetched package lists); anyone else is told the exact command.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

/// Looks `name` up in `$PATH`.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| is_executable(p))
}

/// Whether `p` is an executable file.
pub fn is_executable(p: &Path) -> bool {
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

/// The command someone without root should run to get `package`.
pub fn advice(package: &str) -> String {
    format!("sudo apt-get install -y --no-install-recommends {package}")
}

fn apt(args: &[&str], log: &mut String) -> bool {
    let out = Command::new("apt-get")
        .args(["-o", "DPkg::Lock::Timeout=600"])
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

/// Returns `program`'s path, found by `find`, installing the Debian
/// `package` first if it is missing and we may. `note` hears what is done.
pub fn ensure(
    package: &str,
    program: &str,
    find: &dyn Fn() -> Option<PathBuf>,
    note: &mut dyn FnMut(&str),
) -> Result<PathBuf, String> {
    static LOCK: Mutex<()> = Mutex::new(());
    let _g = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(p) = find() {
        return Ok(p);
    }
    if !is_root() || which("apt-get").is_none() {
        return Err(format!(
            "{program} not found; install it with:\n\t{}",
            advice(package)
        ));
    }
    // Tests start from several processes at once: one installs while the
    // others wait here, then find the program in place.
    let _l = crate::lock(&format!("apt-{package}"))?;
    if let Some(p) = find() {
        return Ok(p);
    }
    note(&format!("{program} not found; installing {package} with apt-get"));
    let install = ["install", "-y", "-q", "--no-install-recommends", package];
    let mut log = String::new();
    if !apt(&install, &mut log) {
        note("apt-get install failed; running apt-get update and trying again");
        if !apt(&["update", "-q"], &mut log) || !apt(&install, &mut log) {
            return Err(format!(
                "could not install {package}:\n{log}\nrun:\n\t{}",
                advice(package)
            ));
        }
    }
    find().ok_or_else(|| format!("{package} installed but {program} is still missing"))
}
