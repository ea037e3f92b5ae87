//! `cargo boot`: build planten and boot it in QEMU.
//!
//! ```text
//! cargo boot [-c cmds] [--smp n] [--mem mb] [--timeout secs] [--append words] [--kernel file]
//! ```
//!
//! Without `-c` the console is the terminal. With `-c`, the rc commands
//! `cmds` run at the console non-interactively; the console output is
//! printed and `cargo boot` exits with their status. A guest that does not
//! power off within the timeout is killed and its console log printed.

use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use qemu::status::{self, Exit};
use qemu::{cmdline, install, kernel, Guest, Options};

const USAGE: &str =
    "usage: cargo boot [-c cmds] [--smp n] [--mem mb] [--timeout secs] [--append words] [--kernel file]";

#[derive(Debug, Default, PartialEq)]
struct Args {
    cmds: Option<String>,
    smp: Option<u32>,
    mem: Option<u32>,
    timeout: Option<u64>,
    append: Vec<String>,
    kernel: Option<String>,
}

fn parse(argv: &[String]) -> Result<Args, String> {
    let mut a = Args::default();
    let mut it = argv.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match inline.clone() {
                Some(v) => Ok(v),
                None => it
                    .next()
                    .cloned()
                    .ok_or_else(|| format!("{name} needs a value")),
            }
        };
        let number = |name: &str, v: String| -> Result<u64, String> {
            v.parse::<u64>()
                .ok()
                .filter(|&n| n > 0)
                .ok_or_else(|| format!("{name}: bad number {v:?}"))
        };
        match flag {
            "-c" => a.cmds = Some(value("-c")?),
            "--smp" => a.smp = Some(number("--smp", value("--smp")?)?.min(255) as u32),
            "--mem" => a.mem = Some(number("--mem", value("--mem")?)?.min(1 << 20) as u32),
            "--timeout" => a.timeout = Some(number("--timeout", value("--timeout")?)?),
            "--append" => a.append.push(value("--append")?),
            "--kernel" => a.kernel = Some(value("--kernel")?),
            "-h" | "--help" => return Err(String::new()),
            _ => return Err(format!("unknown argument {arg:?}")),
        }
    }
    Ok(a)
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse(&argv) {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("cargo boot: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("cargo boot: {e}");
            ExitCode::from(1)
        }
    }
}

fn run(args: Args) -> Result<u8, String> {
    let kernel = match &args.kernel {
        Some(k) => k.into(),
        None => kernel::build_verbose()?,
    };
    let qemu = install::ensure(&mut |m| eprintln!("cargo boot: {m}"))?;
    let mut opts = Options {
        kernel: Some(kernel),
        append: cmdline::build(args.cmds.as_deref(), &args.append),
        ..Options::default()
    };
    if let Some(n) = args.smp {
        opts.smp = n;
    }
    if let Some(m) = args.mem {
        opts.mem = m;
    }
    if args.cmds.is_some() {
        opts.timeout = Duration::from_secs(args.timeout.unwrap_or(120));
        opts.echo = true;
        let mut g = Guest::boot(&opts).map_err(|f| f.to_string())?;
        return match g.wait() {
            Ok(Exit::Guest(s)) => Ok(s.clamp(0, 255) as u8),
            Ok(Exit::Panic) => Err("the kernel panicked".into()),
            Ok(Exit::Qemu(c)) => Err(g
                .failure(format!(
                    "qemu stopped without the guest powering off ({c:?})"
                ))
                .to_string()),
            Err(f) => Err(f.to_string()),
        };
    }
    interactive(&qemu, &opts, args.timeout.map(Duration::from_secs))
}

/// Runs QEMU with the console on our terminal.
fn interactive(
    qemu: &std::path::Path,
    opts: &Options,
    timeout: Option<Duration>,
) -> Result<u8, String> {
    let kernel = opts.kernel.as_ref().expect("kernel chosen");
    let mut child = Command::new(qemu)
        .args(qemu::guest::qemu_args(kernel, opts))
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", qemu.display()))?;
    let start = Instant::now();
    let st = loop {
        if let Some(st) = child.try_wait().map_err(|e| e.to_string())? {
            break st;
        }
        if timeout.is_some_and(|t| start.elapsed() >= t) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "no poweroff within {:?}; killed qemu",
                timeout.unwrap()
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    match status::decode(st.code()) {
        Exit::Guest(s) => Ok(s.clamp(0, 255) as u8),
        Exit::Panic => Err("the kernel panicked".into()),
        Exit::Qemu(c) => Err(format!(
            "qemu stopped without the guest powering off ({c:?})"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(v: &[&str]) -> Result<Args, String> {
        parse(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn parses_flags() {
        let a = p(&[
            "-c",
            "echo hi",
            "--smp",
            "4",
            "--mem=2048",
            "--timeout",
            "9",
        ])
        .unwrap();
        assert_eq!(a.cmds.as_deref(), Some("echo hi"));
        assert_eq!((a.smp, a.mem, a.timeout), (Some(4), Some(2048), Some(9)));
        assert_eq!(p(&[]).unwrap(), Args::default());
    }

    #[test]
    fn rejects_bad_flags() {
        assert!(p(&["--smp"]).unwrap_err().contains("needs a value"));
        assert!(p(&["--smp", "0"]).unwrap_err().contains("bad number"));
        assert!(p(&["--mem", "lots"]).unwrap_err().contains("bad number"));
        assert!(p(&["-x"]).unwrap_err().contains("unknown argument"));
        assert_eq!(p(&["--help"]).unwrap_err(), "");
    }
}
