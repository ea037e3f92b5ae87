//! rc's run-script corpus (`sys/src/cmd/rc/tests/run`) in the booted
//! system: a subset of the scripts that `cargo test -p rc` runs with the
//! hosted rc on Linux is run by the native rc in planten's boot image,
//! and each one's standard output and exit status must be what the
//! corpus's reference gives — its `NAME.out` (and `NAME.status`) where
//! the script has one (9front behaviour that 9base lacks), else Debian
//! 9base's rc run on Linux as `run.rs` runs it (fresh scratch directory
//! as the current one, standard input empty, standard error discarded).
//!
//! Scripts travel on the kernel command line (`rcmd=`, which the kernel
//! keeps to 4096 bytes), so they are packed into batches that fit: each
//! script is written to /tmp with `echo -n '...'`, run by `rc` in a
//! fresh directory of the ramfs, and framed by markers carrying its exit
//! status; batches boot in parallel.
//!
//! Each script runs in a child of the booted rc with a clean environment
//! (`rfork E`, as the hosted run clears it), so that one script's
//! variables and functions do not reach the next through the shared
//! /env. `true` and `false`, which the corpus takes from Linux's /bin
//! and 9front has only under /rc/bin/ape, are tiny rc scripts in
//! /tmp/bin (`exit false` for false), bound after /bin.
//!
//! The subset ([`SCRIPTS`]) takes the scripts that need only what
//! planten has natively (its commands in amd64/bin and rc/bin, and rc's
//! builtins) and whose output does not depend on the host (9front's
//! wait messages, Linux's commands); [`LEFT_OUT`] lists the rest of the
//! corpus with the reason.
//! `PLANTEN_NATIVE_RC=all` runs every script of the corpus instead (to
//! look for new candidates; many of those differ for the reasons given).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use qemu::{Guest, Options};

/// The scripts run natively, by name (`run/NAME.rc`).
const SCRIPTS: &[&str] = &[
    "andor-chain",
    "assign-glob",
    "async",
    "async-apid",
    "async-stdin",
    "backq",
    "backq-empty",
    "backq-errors",
    "backq-fn",
    "backq-ifs",
    "backq-ifs-form",
    "backq-in-word",
    "backq-nested",
    "backslash-newline",
    "bang",
    "brace-group",
    "builtin-builtin",
    "builtin-cd",
    "builtin-cd-fail",
    "builtin-cd-home",
    "builtin-cdpath",
    "builtin-dot",
    "builtin-dot-vars",
    "builtin-dot-zero",
    "builtin-eval",
    "builtin-eval-list",
    "builtin-exec",
    "builtin-exec-redir",
    "builtin-finit",
    "builtin-flag",
    "builtin-rfork",
    "builtin-shift",
    "builtin-shift-toomuch",
    "builtin-wait",
    "builtin-wait-pid",
    "builtin-whatis-builtin",
    "builtin-whatis-fn",
    "builtin-whatis-notfound",
    "builtin-whatis-path",
    "builtin-whatis-var",
    "caret-basic",
    "caret-free",
    "caret-free-list",
    "caret-list",
    "caret-mismatch",
    "caret-null",
    "cmd-path-slash",
    "comment",
    "count",
    "count-star",
    "dollar-dollar",
    "dollar-quote",
    "dollar-star",
    "dollar-zero",
    "dot-missing",
    "dot-q",
    "empty-command",
    "env-import",
    "eval-syntax-error",
    "exit-fn",
    "exit-last",
    "exit-plain",
    "exit-status",
    "exit-string",
    "exit-zero",
    "flag-e",
    "flag-e-cond",
    "flag-n",
    "flag-s",
    "flag-star-args",
    "flag-x",
    "flag-x-out",
    "fn-body-print",
    "fn-define",
    "fn-delete",
    "fn-dynamic-scope",
    "fn-env-export",
    "fn-local-star",
    "fn-pipe",
    "fn-recursive",
    "fn-redefine",
    "fn-redir",
    "fn-status",
    "for-empty",
    "for-glob",
    "for-list",
    "for-nested",
    "for-star",
    "glob-abs",
    "glob-caret",
    "glob-class",
    "glob-dir",
    "glob-dotfiles",
    "glob-in-list",
    "glob-nomatch",
    "glob-question",
    "glob-quoted",
    "glob-slash",
    "glob-sorted",
    "glob-star",
    "glob-var-no",
    "global-assign-multi",
    "heredoc",
    "heredoc-caret",
    "heredoc-fd",
    "heredoc-list",
    "heredoc-quoted",
    "heredoc-star",
    "heredoc-subst",
    "heredoc-two",
    "home-var",
    "if-nested",
    "if-not",
    "if-not-brace",
    "if-status-list",
    "if-true",
    "ifnot-error",
    "ifs-var",
    "interactive-i",
    "keyword-fn-name",
    "keywords-as-words",
    "list-assign",
    "list-empty",
    "list-nested",
    "local-assign-fn",
    "long-list",
    "nested-braces",
    "note-sigexit",
    "note-sigexit-status",
    "oror",
    "path-var",
    "pid-var",
    "pipe-basic",
    "pipe-for",
    "pipe-right-assign",
    "pipe-stderr",
    "pipefd-read",
    "pipefd-two",
    "pipefd-write",
    "prompt-var",
    "quote-empty-arg",
    "quote-newline",
    "quote-simple",
    "quote-special",
    "redir-append",
    "redir-close",
    "redir-create-fail",
    "redir-dup",
    "redir-dup-order",
    "redir-fd",
    "redir-fd3",
    "redir-glob-target",
    "redir-missing",
    "redir-multiple",
    "redir-on-brace",
    "redir-on-for",
    "redir-rdwr",
    "redir-read",
    "redir-write",
    "semicolon-newline",
    "seq-semicolon",
    "status-bang-value",
    "status-notfound",
    "status-pipe3",
    "status-true",
    "status-var-set",
    "subscript",
    "subscript-range",
    "subscript-var",
    "subshell",
    "subshell-cd",
    "switch",
    "switch-default",
    "switch-multi",
    "switch-nomatch",
    "switch-pattern-quoted",
    "syntax-error-script",
    "twiddle",
    "twiddle-class",
    "twiddle-empty",
    "twiddle-status",
    "twiddle-subject-list",
    "twiddle-var",
    "utf8",
    "var-concat-in-assign",
    "var-indirect-list",
    "var-names",
    "var-numeric",
    "var-unset",
    "while",
    "while-false",
];

/// Corpus scripts not run natively, and why.
const LEFT_OUT: &[(&str, &str)] = &[
    ("andand", "prints the status of `false` (a stand-in here): 9front's wait message: the status of a child is \"name pid: msg\" (sysproc.c pexit; rc's plan9.c Waitfor sets it whole), not Linux's exit code"),
    ("backq-ifs-empty", "needs printf(1), which planten lacks (9front too)"),
    ("backq-newlines", "needs printf(1), which planten lacks"),
    ("backq-redir-stack", "needs /bin/sh"),
    ("backq-status", "prints the status of `false`: 9front's wait message: the status of a child is \"name pid: msg\" (sysproc.c pexit; rc's plan9.c Waitfor sets it whole), not Linux's exit code"),
    ("env-export", "needs env(1), od(1) and cut(1), which planten lacks (9front has no env command: /env is a directory)"),
    ("env-export-lazy", "needs /bin/sh"),
    ("exitnext-9front", "needs /bin/sh to print its parent's pid"),
    ("exitnext-backq", "needs /bin/sh to print its parent's pid"),
    ("exitnext-fork", "needs /bin/sh to print its parent's pid"),
    ("flag-c", "prints the status of a child rc: 9front's wait message: the status of a child is \"name pid: msg\" (sysproc.c pexit; rc's plan9.c Waitfor sets it whole), not Linux's exit code"),
    ("fn-multiple", "prints $0, the script's path, which differs (/tmp/s/... in the guest)"),
    ("local-assign", "needs env(1)"),
    ("local-assign-multi", "needs env(1)"),
    ("note-sigalrm", "sends a Unix signal with kill -ALRM; planten's kill(1) is 9front's (process names, prints commands)"),
    ("note-sighup", "sends a Unix signal with kill -HUP; planten's kill(1) is 9front's"),
    ("note-sigint", "sends a Unix signal with kill -INT; planten's kill(1) is 9front's"),
    ("note-sigterm-default", "sends a Unix signal with kill -TERM; planten's kill(1) is 9front's"),
    ("pipe-chain", "tr '\\n': 9front's tr.c takes only octal and \\x escapes, so \\n is `n` (GNU tr's is a newline)"),
    ("pipe-fn-both", "wc -l: 9front's wc pads the count to 7 columns, GNU wc reading standard input does not"),
    ("pipe-while-read", "needs printf(1), which planten lacks"),
    ("redir-stdin-while", "needs printf(1), which planten lacks"),
    ("status-assign", "prints the status of `false`: 9front's wait message: the status of a child is \"name pid: msg\" (sysproc.c pexit; rc's plan9.c Waitfor sets it whole), not Linux's exit code"),
    ("status-exit-code", "needs sh(1)"),
    ("status-false", "prints the status of `false`: 9front's wait message: the status of a child is \"name pid: msg\" (sysproc.c pexit; rc's plan9.c Waitfor sets it whole), not Linux's exit code"),
    ("status-pipe", "prints the statuses of `false` in a pipeline: 9front's wait message: the status of a child is \"name pid: msg\" (sysproc.c pexit; rc's plan9.c Waitfor sets it whole), not Linux's exit code"),
    ("subshell-status", "prints the status of @{exit 3}: 9front's wait message: the status of a child is \"name pid: msg\" (sysproc.c pexit; rc's plan9.c Waitfor sets it whole), not Linux's exit code"),
];

fn corpus() -> PathBuf {
    qemu::workspace_root().join("sys/src/cmd/rc/tests/run")
}

/// One script: its name, its source and the flags of its `#args:` line.
struct Case {
    name: String,
    src: String,
    flags: Vec<String>,
}

fn case(name: &str) -> Case {
    let src = fs::read_to_string(corpus().join(format!("{name}.rc")))
        .unwrap_or_else(|e| panic!("{name}.rc: {e}"));
    let flags = src
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("#args:"))
        .map(|f| f.split_whitespace().map(String::from).collect())
        .unwrap_or_default();
    Case {
        name: name.to_string(),
        src,
        flags,
    }
}

/// What the corpus's reference gives for `c`: the `.out`/`.status`
/// files, or 9base's rc (None when 9base is unavailable).
fn reference(c: &Case, ninebase: Option<&Path>) -> Option<(Vec<u8>, i32)> {
    let script = corpus().join(format!("{}.rc", c.name));
    if let Ok(out) = fs::read(script.with_extension("out")) {
        let st = fs::read_to_string(script.with_extension("status"))
            .map(|s| s.trim().parse().unwrap())
            .unwrap_or(0);
        return Some((out, st));
    }
    let rc = ninebase?;
    let scratch = std::env::temp_dir().join(format!(
        "planten-native-rc-{}-{}",
        std::process::id(),
        c.name
    ));
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(&scratch).unwrap();
    let mut child = Command::new(rc)
        .args(&c.flags)
        .arg(&script)
        .current_dir(&scratch)
        .env_clear()
        .env("PATH", "/bin:/usr/bin")
        .env("HOME", &scratch)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    let _ = fs::remove_dir_all(&scratch);
    Some((out.stdout, out.status.code().unwrap_or(-1)))
}

/// rc's quoting of `s` as one word.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The rc commands that run `c` in the guest.
fn commands(c: &Case) -> String {
    let n = &c.name;
    let mut flags = String::new();
    for f in &c.flags {
        flags.push_str(&quote(f));
        flags.push(' ');
    }
    format!(
        "mkdir /tmp/w/{n}; echo -n {} >/tmp/s/{n}.rc\n\
         echo '#@#begin {n}'\n\
         @{{rfork E; cd /tmp/w/{n}; rc {flags}/tmp/s/{n}.rc >[2]/dev/null </dev/null; echo '#@#end {n}' $status}}\n",
        quote(&c.src)
    )
}

/// Scratch directories, and `true` and `false` in /tmp/bin after /bin.
const PROLOGUE: &str = "mkdir /tmp/w /tmp/s /tmp/bin\n\
    echo '#!/bin/rc' >/tmp/bin/true; echo '#!/bin/rc' >/tmp/bin/false\n\
    echo 'exit false' >>/tmp/bin/false; chmod +x /tmp/bin/*; bind -a /tmp/bin /bin\n";
/// What of the kernel's 4096-byte command line a batch may use.
const CMDLINE: usize = 3840;

/// Packs the cases into batches whose encoded commands fit the line.
fn batches(cases: &[Case]) -> Vec<Vec<usize>> {
    let len = |s: &str| qemu::cmdline::encode(s).len();
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut cur: Vec<usize> = Vec::new();
    let mut size = "rcmd=".len() + len(PROLOGUE);
    for (i, c) in cases.iter().enumerate() {
        let n = len(&commands(c));
        assert!(
            "rcmd=".len() + len(PROLOGUE) + n <= CMDLINE,
            "{} does not fit on the command line",
            c.name
        );
        if size + n > CMDLINE {
            out.push(std::mem::take(&mut cur));
            size = "rcmd=".len() + len(PROLOGUE);
        }
        cur.push(i);
        size += n;
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A script's standard output and the `$status` after it.
type Outcome = (Vec<u8>, String);

/// Boots once for the batch and returns each case's (stdout, status).
///
/// (A start-up fault of rc for some lengths of its `-c` argument, once
/// worked around here, was QEMU 7.2's TCG pushing stale flags at a page
/// fault; the kernel now maps a new stack's top pages at exec: see
/// pc64/uproc.rs's `prefaultstack`.)
fn run_batch(cases: &[&Case]) -> Result<Vec<Outcome>, String> {
    boot_batch(cases)
}

/// A process dying of a memory fault: never expected in these scripts.
const FAULT: &str = "suicide: sys: trap: fault read";

fn boot_batch(cases: &[&Case]) -> Result<Vec<Outcome>, String> {
    let mut script = String::from(PROLOGUE);
    for c in cases {
        script.push_str(&commands(c));
    }
    let mut g = Guest::boot(&Options {
        append: format!("rcmd={}", qemu::cmdline::encode(&script)),
        timeout: Duration::from_secs(180),
        ..Options::default()
    })
    .map_err(|f| format!("{}\n{}", f.what, f.transcript))?;
    let exit = g.wait();
    let t = g.transcript().replace('\r', "");
    if let Err(f) = exit {
        return Err(format!("{}\n{t}", f.what));
    }
    if t.contains(FAULT) {
        return Err(format!("a process faulted:\n{t}"));
    }
    let mut res = Vec::new();
    for c in cases {
        let begin = format!("#@#begin {}\n", c.name);
        let end = format!("#@#end {} ", c.name);
        let b = t
            .find(&begin)
            .ok_or_else(|| format!("{}: no begin marker in\n{t}", c.name))?
            + begin.len();
        let e = b + t[b..]
            .find(&end)
            .ok_or_else(|| format!("{}: no end marker in\n{t}", c.name))?;
        let st = t[e + end.len()..].lines().next().unwrap_or("").to_string();
        res.push((t.as_bytes()[b..e].to_vec(), st));
    }
    Ok(res)
}

/// The exit code a Unix rc gives for the native rc's `$status` after a
/// script: empty is 0; the wait message's text after "rc PID: " is the
/// script's exit string, a number is itself, anything else 1.
fn code(status: &str) -> i32 {
    let mut s = status.trim();
    // each process's wait message prefixes "name pid: " (9front's pexit)
    while let Some((pre, rest)) = s.split_once(": ") {
        match pre.split_once(' ') {
            Some((_, pid)) if !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) => {
                s = rest
            }
            _ => break,
        }
    }
    if s.is_empty() {
        0
    } else if let Ok(n) = s.parse::<i32>() {
        n & 0xff
    } else {
        1
    }
}

fn names() -> Vec<String> {
    if std::env::var("PLANTEN_NATIVE_RC").is_ok_and(|v| v == "all") {
        let mut v: Vec<String> = fs::read_dir(corpus())
            .unwrap()
            .filter_map(|e| {
                let p = e.unwrap().path();
                (p.extension()? == "rc")
                    .then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
            })
            .collect();
        v.sort();
        return v;
    }
    SCRIPTS.iter().map(|s| s.to_string()).collect()
}

#[test]
fn subset_is_broad_and_accounted_for() {
    assert!(SCRIPTS.len() >= 40, "only {} scripts", SCRIPTS.len());
    for s in SCRIPTS {
        assert!(corpus().join(format!("{s}.rc")).exists(), "{s}.rc missing");
        assert!(
            !LEFT_OUT.iter().any(|(l, _)| l == s),
            "{s} both run and left out"
        );
    }
    // every corpus script is either run or left out with a reason
    for e in fs::read_dir(corpus()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "rc") {
            let n = p.file_stem().unwrap().to_string_lossy().into_owned();
            assert!(
                SCRIPTS.contains(&n.as_str()) || LEFT_OUT.iter().any(|(l, _)| *l == n),
                "{n} neither run natively nor left out"
            );
        }
    }
}

#[test]
fn corpus_scripts_match_natively() {
    let ninebase = match peers::ninebase::bin("rc") {
        Ok(p) => Some(p),
        Err(e) => {
            eprintln!("9base's rc unavailable ({e}): only scripts with .out files are checked");
            None
        }
    };
    let cases: Vec<Case> = names().iter().map(|n| case(n)).collect();
    let want: Vec<Option<(Vec<u8>, i32)>> = cases
        .iter()
        .map(|c| reference(c, ninebase.as_deref()))
        .collect();
    let todo = Mutex::new(batches(&cases));
    let got: Mutex<Vec<Option<Outcome>>> = Mutex::new(cases.iter().map(|_| None).collect());
    let errors = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 3);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let Some(b) = todo.lock().unwrap().pop() else {
                    break;
                };
                let refs: Vec<&Case> = b.iter().map(|&i| &cases[i]).collect();
                match run_batch(&refs) {
                    Ok(r) => {
                        let mut g = got.lock().unwrap();
                        for (&i, r) in b.iter().zip(r) {
                            g[i] = Some(r);
                        }
                    }
                    Err(e) => errors.lock().unwrap().push(e),
                }
            });
        }
    });
    let errors = errors.into_inner().unwrap();
    assert!(errors.is_empty(), "{}", errors.join("\n\n"));
    let got = got.into_inner().unwrap();
    let mut failures = Vec::new();
    let mut compared = 0;
    for ((c, w), g) in cases.iter().zip(&want).zip(&got) {
        let Some((wout, wst)) = w else { continue };
        let (gout, gst) = g.as_ref().unwrap();
        compared += 1;
        if gout != wout || code(gst) != *wst {
            failures.push(format!(
                "{}: status {gst:?} want {wst}\n--- got\n{}--- want\n{}",
                c.name,
                String::from_utf8_lossy(gout),
                String::from_utf8_lossy(wout)
            ));
        }
    }
    let _ = std::io::stderr().write_all(format!("{compared} scripts compared\n").as_bytes());
    assert!(
        failures.is_empty(),
        "{} of {compared} scripts differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
