//! `cargo native`: build every command with libc's native backend and
//! install the binaries in `amd64/bin` (see `qemu::native`).
//!
//! ```text
//! cargo native
//! ```

use std::process::ExitCode;

fn main() -> ExitCode {
    if std::env::args().len() > 1 {
        eprintln!("usage: cargo native");
        return ExitCode::from(2);
    }
    match qemu::native::build(true) {
        Ok(bins) => {
            let dir = qemu::native::bindir();
            let root = qemu::workspace_root();
            let shown = dir.strip_prefix(&root).unwrap_or(&dir);
            println!("{} binaries in {}", bins.len(), shown.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cargo native: {e}");
            ExitCode::FAILURE
        }
    }
}
