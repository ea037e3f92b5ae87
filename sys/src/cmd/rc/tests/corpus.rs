//! The corpus of rc scripts under `tests/parse` and `tests/errors`.
//!
//! - `parse/NAME.rc` is a script; `NAME.tree` holds the tree of each of
//!   its commands as [`rc::Tree::sexp`] prints it, one a line; `NAME.whatis`
//!   is what 9front's rc prints for `fn f {` NAME.rc `}` followed by
//!   `whatis f`. The `.whatis` files were made by 9front's rc itself (its
//!   source, built for Unix from `sys/src/cmd/rc`), not by this crate.
//! - `errors/NAME.rc` is a script that stops at a syntax error; `NAME.err`
//!   holds the messages 9front's rc prints for the failing command, the
//!   file named `NAME.rc`. These were made by 9front's rc too, but for
//!   `switch-no-brace`: that rc was built with byacc, which reduces only on
//!   lookahead, while 9front's yacc makes the reduction that runs `skipnl`
//!   after `switch word` the default, so the error comes a line later (see
//!   `wract` in 9front's `sys/src/cmd/yacc.c`).
//!
//! `PLANTEN_BLESS=1` rewrites the `.tree` files from the parser (to be
//! reviewed by hand); the `.whatis` and `.err` files are never written here.
//! With `PLANTEN_9FRONT_RC` naming a 9front rc binary (and
//! `PLANTEN_9FRONT_RCMAIN` its rcmain, for a Unix build), the `.whatis`
//! files are checked against it as well.

use std::fs;
use std::path::{Path, PathBuf};

use rc::{fnstr, parse_script, pcmd, Cursor, Node, Step, Tree};

fn dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(sub)
}

/// The scripts of a corpus directory, sorted.
fn scripts(sub: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir(sub))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().map(|e| e == "rc").unwrap_or(false))
        .collect();
    v.sort();
    v
}

/// Runs `f` on a thread with a stack large enough for the deepest command
/// 9front's stack allows: a debug build needs about 2 MiB for it, more than
/// a test thread has (a release build about 0.5 MiB).
fn big_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(16 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

fn with_ext(p: &Path, ext: &str) -> PathBuf {
    p.with_extension(ext)
}

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `fn f {` script `}` and a newline, as the `.whatis` files were made.
fn wrap(src: &[u8]) -> Vec<u8> {
    let mut s = b"fn f {\n".to_vec();
    s.extend_from_slice(src);
    s.extend_from_slice(b"}\n");
    s
}

/// What `whatis f` prints after the wrapped script.
fn whatis(src: &[u8]) -> Vec<u8> {
    let trees = parse_script(&wrap(src)).unwrap_or_else(|e| panic!("{}", e));
    assert_eq!(trees.len(), 1);
    let Node::Fn(names, Some(body)) = &trees[0].node else {
        panic!("not a fn: {}", trees[0].sexp())
    };
    let mut out = b"fn ".to_vec();
    rc::io::pwrd(&mut out, names[0].word_text().unwrap());
    out.push(b' ');
    out.extend(fnstr(body));
    out.push(b'\n');
    out
}

#[test]
fn corpus_is_large_enough() {
    assert!(
        scripts("parse").len() >= 60,
        "want at least 60 parse scripts"
    );
    assert!(
        scripts("errors").len() >= 40,
        "want at least 40 error scripts"
    );
}

#[test]
fn parse_corpus_trees() {
    let bless = std::env::var_os("PLANTEN_BLESS").is_some();
    let mut bad = Vec::new();
    for p in scripts("parse") {
        let src = fs::read(&p).unwrap();
        let trees = parse_script(&src).unwrap_or_else(|e| panic!("{}: {}", p.display(), e));
        let mut got = String::new();
        for t in &trees {
            got.push_str(&t.sexp());
            got.push('\n');
        }
        let tp = with_ext(&p, "tree");
        if bless {
            fs::write(&tp, &got).unwrap();
            continue;
        }
        let want = fs::read_to_string(&tp).unwrap_or_else(|_| panic!("missing {}", tp.display()));
        if want != got {
            bad.push(format!("{}:\nwant {}got  {}", p.display(), want, got));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn parse_corpus_whatis_matches_9front() {
    let mut bad = Vec::new();
    let mut n = 0;
    for p in scripts("parse") {
        let src = fs::read(&p).unwrap();
        let want = fs::read(with_ext(&p, "whatis")).unwrap();
        let got = whatis(&src);
        n += 1;
        if want != got {
            bad.push(format!(
                "{}:\n--- 9front\n{}--- planten\n{}",
                p.display(),
                show(&want),
                show(&got)
            ));
        }
    }
    assert!(n >= 60);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The messages of the first command with errors, for a script read from
/// a file named `name`.
fn first_errors(src: &[u8], name: &str) -> Option<String> {
    let mut cur = Cursor::new();
    loop {
        match rc::parse_command(src, &mut cur, true)? {
            Step::Error(es) => {
                let mut s = String::new();
                for e in es {
                    s.push_str(&show(&e.message(Some(name.as_bytes()), b"rc")));
                    s.push('\n');
                }
                return Some(s);
            }
            Step::End { .. } => return None,
            Step::Command(_) => {}
        }
    }
}

#[test]
fn error_corpus_matches_9front() {
    big_stack(error_corpus);
}

fn error_corpus() {
    let mut bad = Vec::new();
    for p in scripts("errors") {
        let src = fs::read(&p).unwrap();
        let name = p.file_name().unwrap().to_str().unwrap();
        let want = fs::read_to_string(with_ext(&p, "err")).unwrap();
        let got = first_errors(&src, name).unwrap_or_default();
        if want != got {
            bad.push(format!(
                "{}:\n--- 9front\n{}--- planten\n{}",
                p.display(),
                want,
                got
            ));
        }
        // parse_script stops at the same error, with the first message.
        let e = parse_script(&src).expect_err(name);
        assert_eq!(
            format!("{}\n", show(&e.message(Some(name.as_bytes()), b"rc"))),
            want.lines().next().unwrap().to_string() + "\n"
        );
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Printing a tree and reading it back gives the same tree (up to line
/// numbers): 9front relies on this when it passes functions to child
/// processes through the environment.
#[test]
fn round_trip_corpus() {
    let mut n = 0;
    for p in scripts("parse") {
        let src = fs::read(&p).unwrap();
        for t in parse_script(&src).unwrap() {
            round_trip(&t, &p);
            n += 1;
        }
        let w = parse_script(&wrap(&src)).unwrap();
        round_trip(&w[0], &p);
    }
    assert!(n > 150, "{}", n);
}

/// Does `t` hold a here document that 9front's `pcmd` cannot print back?
/// It prints the text right after the here document's redirection, so
/// what follows that redirection on the line (a pipe, another command of
/// a list) comes after the text and is read as another command, and the
/// redirections of its command print in another order. Only a here
/// document on a simple command by itself comes back.
fn here_not_alone(t: &Tree) -> bool {
    fn has_here(t: &Tree) -> bool {
        matches!(t.node, Node::Redir { here: Some(_), .. })
            || t.children().into_iter().any(has_here)
    }
    match &t.node {
        Node::Redir {
            here: Some(_),
            cmd: Some(c),
            ..
        } => !matches!(c.node, Node::Simple(_)),
        _ => has_here(t),
    }
}

/// Does `t` hold a pipe `|[a=b]`? 9front's `pcmd` prints it as `|[b=a]`
/// (it prints `fd0` first where the lexer put `b`).
fn swapped_pipe(t: &Tree) -> bool {
    matches!(t.node, Node::Pipe { fd1, .. } if fd1 != 0)
        || t.children().into_iter().any(swapped_pipe)
}

/// Does `t` hold a pipe whose left side is a redirection or assignment?
/// 9front's `pcmd` prints those before their command (`a >f | b` as
/// ` >f a|b`), which reads back with the pipe inside the redirection.
fn prefix_left_of_pipe(t: &Tree) -> bool {
    fn ends_in_prefix(t: &Tree) -> bool {
        match &t.node {
            Node::Redir { .. } | Node::Dup { .. } | Node::Assign { .. } => true,
            Node::Pipe { right: Some(r), .. } => ends_in_prefix(r),
            _ => false,
        }
    }
    if let Node::Pipe { left: Some(l), .. } = &t.node {
        if ends_in_prefix(l) {
            return true;
        }
    }
    t.children().into_iter().any(prefix_left_of_pipe)
}

fn round_trip(t: &Tree, p: &Path) {
    if here_not_alone(t) || swapped_pipe(t) || prefix_left_of_pipe(t) {
        return;
    }
    let mut text = Vec::new();
    pcmd(&mut text, Some(t));
    text.push(b'\n');
    let back =
        parse_script(&text).unwrap_or_else(|e| panic!("{}: {}\n{}", p.display(), e, show(&text)));
    assert_eq!(back.len(), 1, "{}: {}", p.display(), show(&text));
    assert!(
        back[0].same_as(t),
        "{}: {}\n{}\n{}",
        p.display(),
        show(&text),
        t.sexp(),
        back[0].sexp()
    );
    // The text itself need not come back: a brace is credited to the line
    // of its first command, which printing moves to a line of its own, so
    // `a; {b}` prints as `a; {` and then as `a` and `{` on two lines.
}

#[test]
fn parse_corpus_whatis_against_9front_rc() {
    let Some(rcbin) = std::env::var_os("PLANTEN_9FRONT_RC") else {
        eprintln!("skipped: set PLANTEN_9FRONT_RC to a 9front rc binary to check the .whatis files against it");
        return;
    };
    let tmp = std::env::temp_dir().join(format!("planten-rc-whatis-{}", std::process::id()));
    fs::create_dir_all(&tmp).unwrap();
    for p in scripts("parse") {
        let src = fs::read(&p).unwrap();
        let mut s = wrap(&src);
        s.extend_from_slice(b"whatis f\n");
        let f = tmp.join("w.rc");
        fs::write(&f, &s).unwrap();
        let mut cmd = std::process::Command::new(&rcbin);
        if let Some(m) = std::env::var_os("PLANTEN_9FRONT_RCMAIN") {
            cmd.arg("-m").arg(m);
        }
        let out = cmd.arg(&f).current_dir(&tmp).output().unwrap();
        assert_eq!(show(&out.stdout), show(&whatis(&src)), "{}", p.display());
    }
    let _ = fs::remove_dir_all(&tmp);
}
