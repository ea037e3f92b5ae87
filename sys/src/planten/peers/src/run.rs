//! Running a program the way command tests do: arguments, standard input
//! fed from a thread (so large inputs cannot deadlock against the output),
//! and everything it printed collected with its exit status.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// What a run printed and how it ended.
#[derive(Debug, PartialEq, Eq)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

/// Runs `prog` with `args` in `dir` (or here), feeding it `stdin`.
pub fn run_in(prog: &Path, args: &[&str], stdin: &[u8], dir: Option<&Path>) -> Run {
    let mut c = Command::new(prog);
    c.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(d) = dir {
        c.current_dir(d);
    }
    let mut child = c
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", prog.display()));
    let mut w = child.stdin.take().expect("piped stdin");
    let input = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = w.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait for the program");
    feeder.join().expect("stdin feeder");
    Run {
        code: out.status.code(),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `prog` with `args` here, feeding it `stdin`.
pub fn run(prog: &Path, args: &[&str], stdin: &[u8]) -> Run {
    run_in(prog, args, stdin, None)
}
