//! The real peers planten's tests run against, installed on demand.
//!
//! Not a port of anything in 9front. `cargo test` must pass on a fresh
//! Debian machine that has only Rust, so the tests fetch what they compare
//! against themselves:
//!
//! - [`apt`]: Debian packages (QEMU for the kernel, `9base` for Plan 9's
//!   rc, sed, awk and friends), installed with apt-get when we are root;
//!   anyone else is told the exact command;
//! - [`ninebase`]: the commands of Debian's `9base`;
//! - [`python`]: private virtual environments with PyPI's 9P clients
//!   (`python-9p`, `p9fs`), one per package, since both install a module
//!   named `py9p`.
//!
//! Installs are serialised across processes with lock files under
//! `target/peers`, so parallel tests install once.
#![forbid(unsafe_code)]

pub mod apt;
pub mod ninebase;
pub mod python;
pub mod run;

use std::path::PathBuf;

/// The workspace root: this crate lives in `sys/src/planten/peers`.
pub fn workspace_root() -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    dir.ancestors()
        .nth(4)
        .expect("crate is four levels below the workspace root")
        .to_path_buf()
}

/// `target/peers`, where installs keep their locks and environments.
pub fn dir() -> PathBuf {
    let d = workspace_root().join("target/peers");
    let _ = std::fs::create_dir_all(&d);
    d
}

/// Holds an exclusive lock on `target/peers/NAME.lock` while alive.
pub struct Lock(#[allow(dead_code)] std::fs::File);

/// Takes the lock named `name`, waiting for other processes.
pub fn lock(name: &str) -> Result<Lock, String> {
    let path = dir().join(format!("{name}.lock"));
    let f = std::fs::File::create(&path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    f.lock()
        .map_err(|e| format!("cannot lock {}: {e}", path.display()))?;
    Ok(Lock(f))
}
