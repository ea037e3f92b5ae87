//! Running rc scripts in a booted planten, for the QEMU tests.
//!
//! Not a 9front file. The script travels on the kernel command line as
//! `rcmd=` (percent-encoded, as `cargo boot -c` sends it); bootrc runs it
//! with `rc -c`, and init's exit powers the guest off with rc's status.

use std::time::Duration;

use crate::{Guest, Options};

/// Run `script` in rc on a booted planten with `smp` processors. Returns
/// the console output between the kernel's processor count and init's
/// exit, with `\r` removed, and whether init exited with an empty status.
/// A guest that does not power off within two minutes is a panic.
pub fn run(script: &str, smp: u32) -> (String, bool) {
    let mut g = Guest::boot(&Options {
        append: format!("rcmd={}", crate::cmdline::encode(script)),
        smp,
        timeout: Duration::from_secs(120),
        ..Options::default()
    })
    .unwrap_or_else(|f| panic!("{f}"));
    let ok = matches!(
        g.wait().unwrap_or_else(|f| panic!("{f}")),
        crate::status::Exit::Guest(0)
    );
    let t = g.transcript().replace('\r', "");
    (output(&t).to_string(), ok)
}

/// As [`run`] on one processor, requiring init's empty exit status.
pub fn run_ok(script: &str) -> String {
    let (out, ok) = run(script, 1);
    assert!(ok, "script failed:\n{out}");
    out
}

/// The part of a transcript that a script wrote: after the line with the
/// processor count (`N cpus`), up to `init: exits`.
pub fn output(t: &str) -> &str {
    let start = t
        .find(" cpus\n")
        .map(|i| i + 6)
        .or_else(|| t.find(" cpu\n").map(|i| i + 5))
        .unwrap_or_else(|| panic!("no processor count in:\n{t}"));
    let end = t.rfind("init: exits").unwrap_or(t.len());
    &t[start..end.max(start)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_between_the_cpus_line_and_inits_exit() {
        let t = "banner\n4 cpus\nhello\nworld\ninit: exits ''\n";
        assert_eq!(output(t), "hello\nworld\n");
        assert_eq!(output("1 cpus\nx\n"), "x\n");
    }
}
