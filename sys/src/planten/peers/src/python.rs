//! Private Python environments holding PyPI's 9P clients.
//!
//! `python-9p` (a client whose wire codec is plan9port's C) and `p9fs`
//! (which carries a Python 3 port of the py9p client and server) both
//! install a top-level module named `py9p`, so each gets a virtual
//! environment of its own under `target/peers/venv-NAME`.

use std::path::PathBuf;
use std::process::Command;

/// Returns the Python interpreter of a virtual environment that has the
/// PyPI packages `packages`, creating it on first use.
pub fn venv(name: &str, packages: &[&str]) -> Result<PathBuf, String> {
    let _l = crate::lock(&format!("venv-{name}"))?;
    let dir = crate::dir().join(format!("venv-{name}"));
    let python = dir.join("bin/python");
    let stamp = dir.join(".planten-installed");
    let want = packages.join(" ");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(want.as_str()) {
        return Ok(python);
    }
    let python3 = python3()?;
    let run = |cmd: &mut Command| -> Result<(), String> {
        let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{cmd:?} failed:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    };
    if !python.exists() {
        let venv = || run(Command::new(&python3).args(["-m", "venv"]).arg(&dir));
        if venv().is_err() {
            // Debian splits venv (and ensurepip) out of python3.
            let _ = std::fs::remove_dir_all(&dir);
            crate::apt::ensure("python3-venv", "python3 -m venv", &|| venvworks(&python3), &mut |m| {
                eprintln!("peers: {m}")
            })?;
            venv()?;
        }
    }
    run(Command::new(&python)
        .args(["-m", "pip", "install", "-q", "--disable-pip-version-check"])
        .args(packages))?;
    std::fs::write(&stamp, &want).map_err(|e| e.to_string())?;
    Ok(python)
}

/// Python 3, installed with apt-get (as root) when missing.
pub fn python3() -> Result<PathBuf, String> {
    crate::apt::ensure("python3", "python3", &|| crate::apt::which("python3"), &mut |m| {
        eprintln!("peers: {m}")
    })
}

fn venvworks(python3: &std::path::Path) -> Option<PathBuf> {
    Command::new(python3)
        .args(["-c", "import venv, ensurepip"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| python3.to_path_buf())
}
