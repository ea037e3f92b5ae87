//! Debian's `9base`: Plan 9's userland from plan9port's snapshot (rc, mk,
//! sed, awk, grep, ls, ...), the reference for planten's commands where
//! 9front and Plan 9 agree.

use std::path::PathBuf;

/// Where 9base installs its commands.
pub const BIN: &str = "/usr/lib/plan9/bin";

/// The path of 9base's `name` (e.g. "rc"), installing 9base if need be.
pub fn bin(name: &str) -> Result<PathBuf, String> {
    let want = PathBuf::from(BIN).join(name);
    let w = want.clone();
    crate::apt::ensure(
        "9base",
        &want.display().to_string(),
        &move || crate::apt::is_executable(&w).then(|| w.clone()),
        &mut |m| eprintln!("peers: {m}"),
    )
}
