//! Building the pc64 kernel.
//!
//! The kernel is a `no_std` binary for the host target, built with kernel
//! code-generation flags that must not reach the host's build scripts and
//! proc-macros. Naming `--target` explicitly keeps target rustflags away from
//! them, and a target directory of its own keeps the kernel's artifacts from
//! invalidating the host build (see `shared/notes/toolchain.md`).

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The host triple, also used for the kernel.
pub const TARGET: &str = "x86_64-unknown-linux-gnu";
/// Code-generation flags for kernel code.
pub const RUSTFLAGS: &[&str] = &[
    "-Crelocation-model=static",
    "-Ccode-model=kernel",
    "-Cno-redzone=yes",
];

/// Where the built kernel lands.
pub fn path() -> PathBuf {
    crate::workspace_root()
        .join("target/kernel")
        .join(TARGET)
        .join("release/9pc64")
}

/// The cargo command that builds the kernel.
pub fn command() -> Command {
    let root = crate::workspace_root();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let flags = RUSTFLAGS
        .iter()
        .map(|f| format!("\"{f}\""))
        .collect::<Vec<_>>()
        .join(",");
    let mut cmd = Command::new(cargo);
    cmd.current_dir(&root)
        .args([
            "build",
            "--release",
            "-p",
            "pc64",
            "--bin",
            "9pc64",
            "--features",
            "kernel",
            "--target",
            TARGET,
        ])
        .arg("--target-dir")
        .arg(root.join("target/kernel"))
        .arg("--config")
        .arg(format!("target.{TARGET}.rustflags=[{flags}]"))
        // Flags meant for the host would override --config; the kernel
        // takes only its own.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET");
    cmd
}

/// Builds the kernel, with cargo's progress on our stderr; first the
/// native programs it embeds in its root file system (`cargo native`).
pub fn build_verbose() -> Result<PathBuf, String> {
    crate::native::build(true)?;
    let status = command()
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit())
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("kernel build failed: {status}"));
    }
    Ok(path())
}

/// Builds the native programs and then the kernel, once per process,
/// quietly; on failure the error carries cargo's output.
pub fn build() -> Result<PathBuf, String> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            crate::native::build(false)?;
            let out = command()
                .output()
                .map_err(|e| format!("cannot run cargo: {e}"))?;
            if !out.status.success() {
                return Err(format!(
                    "kernel build failed: {}\n{}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
            Ok(path())
        })
        .clone()
}
