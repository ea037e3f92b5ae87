//! Building planten's native programs: every command, built with libc's
//! `native` backend, installed in `amd64/bin` (`cargo native`).
//!
//! Not a 9front file: 9front's `mk install` in `sys/src/cmd` compiles each
//! command with 6c and 6l and copies it to `/amd64/bin`. Here the command
//! crates are built by cargo with their `native` feature (which selects
//! libc's native backend and leaves out the Linux one and Rust's std) for
//! the host target, as the kernel is (see `shared/notes/toolchain.md`):
//! static, not position-independent, without the C runtime, laid out by
//! `sys/src/libc/amd64/user.ld` (text at UTZERO 0x200000, entry `_main`).
//! The link arguments cannot come from a build script of libc (those
//! reach only libc's own binaries), so they go in the target rustflags
//! given with `--config`; naming `--target` keeps them (and the static
//! relocation model) away from build scripts and proc-macros, and the
//! target directory `target/native` keeps these artifacts apart from the
//! host build's.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The target, the host's own.
pub const TARGET: &str = crate::kernel::TARGET;

/// The packages holding commands, built with `--features native`. A new
/// command crate gets a `native` feature (forwarding `libc/native` and
/// its libraries' `native`, with `default-features = false` on them, as
/// sys/src/cmd/Cargo.toml does) and a line here.
pub const PACKAGES: &[&str] = &["cmd", "rc", "aux", "grep", "boot", "sysbench", "sysfuzz", "utest"];

/// The linker script, relative to the workspace root.
pub const LDSCRIPT: &str = "sys/src/libc/amd64/user.ld";

/// 9front's UTZERO (`pc64/mem.h`): where a program's text begins.
pub const UTZERO: u64 = 0x20_0000;

/// Code-generation and link flags for native programs.
pub fn rustflags(root: &Path) -> Vec<String> {
    let mut f: Vec<String> = vec!["-Crelocation-model=static".into()];
    for a in [
        "-nostartfiles",
        "-nostdlib",
        "-static",
        "-no-pie",
        "-Wl,-z,max-page-size=0x1000",
        "-Wl,--build-id=none",
    ] {
        f.push(format!("-Clink-arg={a}"));
    }
    f.push(format!("-Clink-arg=-Wl,-T,{}", root.join(LDSCRIPT).display()));
    f
}

/// Where cargo leaves the native binaries.
pub fn outdir() -> PathBuf {
    crate::workspace_root().join("target/native").join(TARGET).join("release")
}

/// Where they are installed.
pub fn bindir() -> PathBuf {
    crate::workspace_root().join("amd64/bin")
}

/// The cargo command that builds every command natively; with
/// `--message-format=json-render-diagnostics` its standard output names
/// each executable built.
pub fn command() -> Command {
    let root = crate::workspace_root();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let flags = rustflags(&root)
        .iter()
        .map(|f| format!("{f:?}"))
        .collect::<Vec<_>>()
        .join(",");
    let mut cmd = Command::new(cargo);
    cmd.current_dir(&root).args(["build", "--release"]);
    for p in PACKAGES {
        cmd.args(["-p", p]);
    }
    cmd.args(["--no-default-features", "--features", "native", "--target", TARGET])
        .arg("--target-dir")
        .arg(root.join("target/native"))
        .arg("--config")
        .arg(format!("target.{TARGET}.rustflags=[{flags}]"))
        .arg("--message-format=json-render-diagnostics")
        // Flags meant for the host would override --config.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET");
    cmd
}

/// The executables named in cargo's JSON messages.
pub fn executables(json: &str) -> Vec<PathBuf> {
    let re = regex::Regex::new(r#""executable":"((?:[^"\\]|\\.)*)""#).expect("regex");
    let mut v: Vec<PathBuf> = re
        .captures_iter(json)
        .map(|c| PathBuf::from(c[1].replace("\\\\", "\\").replace("\\\"", "\"")))
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Builds every command natively and installs the binaries in
/// `amd64/bin`; returns the installed paths. Cargo's diagnostics go to
/// our standard error when `verbose`, and into the error otherwise.
pub fn build(verbose: bool) -> Result<Vec<PathBuf>, String> {
    let mut cmd = command();
    cmd.stdout(Stdio::piped());
    cmd.stderr(if verbose { Stdio::inherit() } else { Stdio::piped() });
    let out = cmd.output().map_err(|e| format!("cannot run cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "native build failed: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let exes = executables(&String::from_utf8_lossy(&out.stdout));
    if exes.is_empty() {
        return Err("native build produced no executables".into());
    }
    install(&exes)
}

/// Copies `exes` into `amd64/bin`, as 9front's `mk install` does.
pub fn install(exes: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let dir = bindir();
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut done = Vec::new();
    for e in exes {
        let name = e.file_name().ok_or_else(|| format!("{}: no file name", e.display()))?;
        let to = dir.join(name);
        // An unchanged program keeps its file (and its time, so the
        // kernel, which embeds these, is not rebuilt for nothing).
        if let (Ok(a), Ok(b)) = (std::fs::read(e), std::fs::read(&to)) {
            if a == b {
                done.push(to);
                continue;
            }
        }
        // Replace rather than overwrite: a running copy keeps its file.
        let tmp = dir.join(format!(".{}.{}.new", name.to_string_lossy(), std::process::id()));
        std::fs::copy(e, &tmp).map_err(|err| format!("{} -> {}: {err}", e.display(), tmp.display()))?;
        std::fs::rename(&tmp, &to).map_err(|err| format!("{}: {err}", to.display()))?;
        done.push(to);
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executables_come_from_cargos_messages() {
        let json = concat!(
            r#"{"reason":"compiler-artifact","target":{"name":"libc"},"executable":null}"#,
            "\n",
            r#"{"reason":"compiler-artifact","executable":"/w/target/native/x/release/echo","fresh":true}"#,
            "\n",
            r#"{"reason":"compiler-artifact","executable":"/w/a \"q\"/rc"}"#,
            "\n",
            r#"{"reason":"build-finished","success":true}"#,
        );
        assert_eq!(
            executables(json),
            [PathBuf::from("/w/a \"q\"/rc"), PathBuf::from("/w/target/native/x/release/echo")]
        );
    }

    #[test]
    fn flags_are_the_toolchain_notes() {
        let f = rustflags(Path::new("/r"));
        assert!(f.contains(&"-Crelocation-model=static".to_string()));
        assert!(f.contains(&"-Clink-arg=-no-pie".to_string()));
        assert!(f.contains(&"-Clink-arg=-Wl,-T,/r/sys/src/libc/amd64/user.ld".to_string()));
        let c = command();
        let args: Vec<String> = c.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
        let i = args.iter().position(|a| a == "--features").unwrap();
        assert_eq!(args[i + 1], "native");
        assert!(args.contains(&"--no-default-features".to_string()));
    }
}
