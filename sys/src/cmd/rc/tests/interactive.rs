//! `rc -i` reading commands from a pipe: it prints `$prompt(1)` on
//! standard error before each command and runs each line. The prompt
//! text, the output and the exit status are compared with 9base's rc;
//! the continuation prompt `$prompt(2)` (a tab) with 9front's rule: one
//! for each further line of a command (exec.c's `pprompt`).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn run(rc: &PathBuf, input: &str) -> (Vec<u8>, Vec<u8>, i32) {
    let dir = std::env::temp_dir().join(format!("planten-rc-i-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut c = Command::new(rc)
        .arg("-i")
        .current_dir(&dir)
        .env_clear()
        .env("PATH", "/bin:/usr/bin")
        .env("HOME", &dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let o = c.wait_with_output().unwrap();
    (o.stdout, o.stderr, o.status.code().unwrap_or(-1))
}

fn mine() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_rc"))
}

#[test]
fn prompts_and_runs_lines_as_9base() {
    let input = "echo one\nx=two\necho $x\nfalse\n";
    let (out, err, st) = run(&mine(), input);
    assert_eq!(String::from_utf8_lossy(&out), "one\ntwo\n");
    // a prompt before each of the four lines and one at the end of input
    assert_eq!(String::from_utf8_lossy(&err), "% % % % % ");
    let Ok(nb) = peers::ninebase::bin("rc") else {
        eprintln!("9base's rc unavailable: compared with 9front's rule only");
        return;
    };
    let (tout, terr, tst) = run(&nb, input);
    assert_eq!(out, tout);
    assert_eq!(err, terr);
    assert_eq!(st, tst);
}

#[test]
fn prompt_variable_sets_the_prompt() {
    let input = "prompt=('> ' '>> ')\necho a\n";
    let (out, err, _) = run(&mine(), input);
    assert_eq!(out, b"a\n");
    assert_eq!(String::from_utf8_lossy(&err), "% > > ");
    if let Ok(nb) = peers::ninebase::bin("rc") {
        let (_, terr, _) = run(&nb, input);
        assert_eq!(err, terr);
    }
}

#[test]
fn continuation_lines_get_the_second_prompt() {
    // 9front: pprompt prints prompt(1) first, then prompt(2) for each
    // further line the lexer reads for the same command.
    let (out, err, _) = run(&mine(), "for(i in a b){\necho $i\n}\n");
    assert_eq!(out, b"a\nb\n");
    assert_eq!(String::from_utf8_lossy(&err), "% \t\t% ");
}

#[test]
fn errors_do_not_end_an_interactive_rc() {
    let (out, _, _) = run(&mine(), "echo (a b)^(c d e)\necho still here\n");
    assert_eq!(out, b"still here\n");
}
