//! Finding QEMU, and installing it on a Debian machine that lacks it.
//!
//! `cargo boot` and `cargo test` must work on a fresh Debian machine that has
//! only Rust. When `qemu-system-x86_64` is not on `$PATH`, root gets Debian's
//! `qemu-system-x86` (see [`peers::apt`]); anyone else is told the command.

use std::path::PathBuf;

/// The emulator we run.
pub const QEMU: &str = "qemu-system-x86_64";
/// The Debian package that has it.
pub const PACKAGE: &str = "qemu-system-x86";

/// Returns the path of `qemu-system-x86_64`, installing it first if it is
/// missing and we may. `note` is told what is going on.
pub fn ensure(note: &mut dyn FnMut(&str)) -> Result<PathBuf, String> {
    peers::apt::ensure(PACKAGE, QEMU, &|| peers::apt::which(QEMU), note)
}
