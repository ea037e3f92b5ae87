//! A cross-check with a real rc: Debian's `9base` (`/usr/lib/plan9/bin/rc`,
//! Plan 9's rc by way of plan9port).
//!
//! For each script of the parse corpus, 9base's rc defines `fn f {script}`
//! and prints it with `whatis f`. Its printer is Plan 9's older `pcmd`,
//! which differs from 9front's only in layout: a brace prints as `{...}`
//! with no newlines, two commands of a list are separated by `;`, and a
//! redirection prints without the space before it. So the tree this crate
//! parses, printed in that older layout ([`pcmd_9base`]), must be
//! byte-for-byte what 9base prints: the two parsers agree on every word,
//! caret, precedence and redirection of the script. (9front's own layout is
//! checked against 9front's rc in `corpus.rs`.)
//!
//! Left out: scripts with here documents (9base turns them into temporary
//! files when it parses), and those using what 9base's older rc lacks or
//! reads differently; each is listed in [`NOT_9BASE`] with the reason.
//!
//! The test is skipped, saying so, when `/usr/lib/plan9/bin/rc` is missing
//! (`apt-get install 9base`).

use std::fs;
use std::path::Path;
use std::process::Command;

use rc::{parse_script, Node, RType, Tree};

const RC_9BASE: &str = "/usr/lib/plan9/bin/rc";

/// Corpus scripts not compared, and why.
const NOT_9BASE: &[(&str, &str)] = &[
    ("heredoc", "here document"),
    ("heredoc-quoted", "here document"),
    ("heredoc-two", "here document"),
    ("heredoc-fd", "here document"),
    ("heredoc-in-pipe", "here document"),
    (
        "backquote-ifs",
        "9front's `ifs{cmd}: 9base's rc lacks it (a syntax error there)",
    ),
    (
        "backquote-word-ifs",
        "9front's `ifs{cmd}: 9base's rc lacks it (a syntax error there)",
    ),
];

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The older Plan 9 layout of `pcmd`, as 9base prints it.
fn pcmd_9base(out: &mut Vec<u8>, t: Option<&Tree>) {
    let Some(t) = t else { return };
    let o = |out: &mut Vec<u8>, b: &Option<Box<Tree>>| pcmd_9base(out, b.as_deref());
    let list = |out: &mut Vec<u8>, l: &[Tree]| {
        for (i, w) in l.iter().enumerate() {
            if i > 0 {
                out.push(b' ');
            }
            pcmd_9base(out, Some(w));
        }
    };
    let fd = |out: &mut Vec<u8>, n: i32| out.extend_from_slice(format!("[{}]", n).as_bytes());
    match &t.node {
        Node::Brace(a) => {
            out.push(b'{');
            o(out, a);
            out.push(b'}');
        }
        Node::Seq(a, b) => {
            pcmd_9base(out, Some(a));
            out.push(b';');
            pcmd_9base(out, Some(b));
        }
        Node::Redir {
            rtype,
            fd0,
            target,
            cmd,
            ..
        } => {
            arrow(out, *rtype, *fd0, fd);
            pcmd_9base(out, Some(target));
            if cmd.is_some() {
                out.push(b' ');
                o(out, cmd);
            }
        }
        Node::PipeFd { rtype, fd0, cmd } => {
            arrow(out, *rtype, *fd0, fd);
            pcmd_9base(out, Some(cmd));
        }
        // The rest prints as 9front prints it, children in this layout.
        Node::Word { .. } => rc::pcmd(out, Some(t)),
        Node::Dollar(a) => {
            out.push(b'$');
            pcmd_9base(out, Some(a));
        }
        Node::Quote(a) => {
            out.extend_from_slice(b"$\"");
            pcmd_9base(out, Some(a));
        }
        Node::Count(a) => {
            out.extend_from_slice(b"$#");
            pcmd_9base(out, Some(a));
        }
        Node::Sub(a, l) => {
            out.push(b'$');
            pcmd_9base(out, Some(a));
            out.push(b'(');
            list(out, l);
            out.push(b')');
        }
        Node::Caret(a, b) => {
            pcmd_9base(out, Some(a));
            out.push(b'^');
            pcmd_9base(out, Some(b));
        }
        Node::Backquote(a, b) => {
            out.push(b'`');
            o(out, a);
            pcmd_9base(out, Some(b));
        }
        Node::Paren(l) => {
            out.push(b'(');
            list(out, l);
            out.push(b')');
        }
        Node::Simple(a) => pcmd_9base(out, Some(a)),
        Node::Arglist(l) => list(out, l),
        Node::Pcmd(a) => {
            out.push(b'(');
            o(out, a);
            out.push(b')');
        }
        Node::Async(a) => {
            o(out, a);
            out.push(b'&');
        }
        Node::AndAnd(a, b) => {
            o(out, a);
            out.extend_from_slice(b" && ");
            o(out, b);
        }
        Node::OrOr(a, b) => {
            o(out, a);
            out.extend_from_slice(b" || ");
            o(out, b);
        }
        Node::Pipe {
            fd0,
            fd1,
            left,
            right,
        } => {
            o(out, left);
            out.push(b'|');
            if *fd1 == 0 {
                if *fd0 != 1 {
                    fd(out, *fd0);
                }
            } else {
                out.extend_from_slice(format!("[{}={}]", fd0, fd1).as_bytes());
            }
            o(out, right);
        }
        Node::Bang(a) => {
            out.extend_from_slice(b"! ");
            o(out, a);
        }
        Node::Subshell(a) => {
            out.extend_from_slice(b"@ ");
            o(out, a);
        }
        Node::If(a, b) => {
            out.extend_from_slice(b"if");
            pcmd_9base(out, Some(a));
            o(out, b);
        }
        Node::IfNot(a) => {
            out.extend_from_slice(b"if not ");
            o(out, a);
        }
        Node::For { var, list: l, body } => {
            out.extend_from_slice(b"for(");
            pcmd_9base(out, Some(var));
            if let Some(l) = l {
                out.extend_from_slice(b" in ");
                list(out, l);
            }
            out.push(b')');
            o(out, body);
        }
        Node::While(a, b) => {
            out.extend_from_slice(b"while ");
            pcmd_9base(out, Some(a));
            o(out, b);
        }
        Node::Switch(a, b) => {
            out.extend_from_slice(b"switch ");
            pcmd_9base(out, Some(a));
            out.push(b' ');
            pcmd_9base(out, Some(b));
        }
        Node::Twiddle(a, l) => {
            out.extend_from_slice(b"~ ");
            pcmd_9base(out, Some(a));
            out.push(b' ');
            list(out, l);
        }
        Node::Fn(l, b) => {
            out.extend_from_slice(b"fn ");
            list(out, l);
            out.push(b' ');
            o(out, b);
        }
        Node::Dup {
            rtype,
            fd0,
            fd1,
            cmd,
        } => {
            if *rtype == RType::DupFd {
                out.extend_from_slice(format!(">[{}={}]", fd1, fd0).as_bytes());
            } else {
                out.extend_from_slice(format!(">[{}=]", fd0).as_bytes());
            }
            o(out, cmd);
        }
        Node::Assign { name, value, cmd } => {
            pcmd_9base(out, Some(name));
            out.push(b'=');
            pcmd_9base(out, Some(value));
            if cmd.is_some() {
                out.push(b' ');
                o(out, cmd);
            }
        }
    }
}

fn arrow(out: &mut Vec<u8>, rtype: RType, fd0: i32, fd: impl Fn(&mut Vec<u8>, i32)) {
    match rtype {
        RType::Here | RType::Read | RType::RdWr => {
            if rtype == RType::Here {
                out.push(b'<');
            }
            out.push(b'<');
            if rtype == RType::RdWr {
                out.push(b'>');
            }
            if fd0 != 0 {
                fd(out, fd0);
            }
        }
        RType::Append | RType::Write => {
            if rtype == RType::Append {
                out.push(b'>');
            }
            out.push(b'>');
            if fd0 != 1 {
                fd(out, fd0);
            }
        }
        RType::DupFd | RType::Close => {}
    }
}

#[test]
fn whatis_matches_9base_rc() {
    if !Path::new(RC_9BASE).exists() {
        eprintln!("skipped: {} is missing (apt-get install 9base)", RC_9BASE);
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parse");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "rc").then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    names.sort();
    let mut compared = 0;
    let mut bad = Vec::new();
    for name in &names {
        if NOT_9BASE.iter().any(|(n, _)| n == name) {
            continue;
        }
        let src = fs::read(dir.join(format!("{}.rc", name))).unwrap();
        let mut script = b"fn f {\n".to_vec();
        script.extend_from_slice(&src);
        script.extend_from_slice(b"}\n");
        let trees = parse_script(&script).unwrap();
        let Node::Fn(_, Some(body)) = &trees[0].node else {
            panic!()
        };
        let mut want = b"fn f ".to_vec();
        pcmd_9base(&mut want, Some(body));
        want.push(b'\n');
        script.extend_from_slice(b"whatis f\n");
        let out = Command::new(RC_9BASE)
            .arg("-c")
            .arg(std::ffi::OsStr::new(&show(&script)))
            .output()
            .unwrap();
        compared += 1;
        if out.stdout != want {
            bad.push(format!(
                "{}:\n--- 9base\n{}--- planten\n{}{}",
                name,
                show(&out.stdout),
                show(&want),
                show(&out.stderr)
            ));
        }
    }
    assert!(compared >= 60, "{}", compared);
    assert!(
        bad.is_empty(),
        "{} of {} differ:\n{}",
        bad.len(),
        compared,
        bad.join("\n")
    );
}
