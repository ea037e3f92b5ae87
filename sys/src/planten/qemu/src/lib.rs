//! planten's QEMU runner and console test harness.
//!
//! This crate is not a port of a 9front file: it is the host-side tool behind
//! `cargo boot` and the QEMU tests of `cargo test`. It
//!
//! - builds the `sys/src/9/pc64` kernel with the kernel code-generation flags
//!   ([`kernel`]),
//! - builds the commands with libc's native backend and installs them in
//!   `amd64/bin` (`cargo native`, [`native`]),
//! - finds `qemu-system-x86_64`, installing Debian's `qemu-system-x86` when
//!   it is missing and we are root ([`install`]),
//! - boots guests under TCG with the serial console on a pipe and drives that
//!   console expect-style, with timeouts, keeping the whole transcript for
//!   failure reports ([`guest`]).
//!
//! The guest tells the host its exit status through QEMU's `isa-debug-exit`
//! device; [`status`] has the encoding.
#![forbid(unsafe_code)]

pub mod cmdline;
pub mod guest;
pub mod install;
pub mod kernel;
pub mod native;
pub mod rc;
pub mod status;

pub use guest::{Failure, Guest, Options};

/// The workspace root: this crate lives in `sys/src/planten/qemu`.
pub fn workspace_root() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    dir.ancestors()
        .nth(4)
        .expect("crate is four levels below the workspace root")
        .to_path_buf()
}
