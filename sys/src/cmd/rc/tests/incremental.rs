//! The incremental interface an interactive rc uses: commands come out as
//! soon as they are complete, and the reader asks for more input where
//! 9front's rc would print its second prompt.

use rc::{parse_script, Reader, Step};

fn cmd_text(s: Step) -> String {
    match s {
        Step::Command(Some(t)) => {
            let mut o = Vec::new();
            rc::pcmd(&mut o, Some(&t));
            String::from_utf8(o).unwrap()
        }
        other => panic!("not a command: {:?}", other),
    }
}

#[test]
fn needs_more_until_the_command_is_complete() {
    for (parts, want) in [
        (&["echo {\n"][..], None),
        (&["{\n", "echo a\n", "}\n"][..], Some("{\n\techo a\n}")),
        (&["echo a \\\n", "b\n"][..], Some("echo a b")),
        (&["echo 'a\n", "b'\n"][..], Some("echo 'a\nb'")),
        (&["a |\n", "\n", "b\n"][..], Some("a|b")),
        (&["a &&\n", "b\n"][..], Some("a && b")),
        (&["if(x)\n", "y\n"][..], Some("if(x)y")),
        (
            &["fn f {\n", "  echo\n", "}\n"][..],
            Some("fn f {\n\techo\n}"),
        ),
        (
            &["cat <<EOF\n", "text\n", "EOF\n"][..],
            Some(" cat <<EOF\ntext\nEOF\n"),
        ),
    ] {
        let mut r = Reader::new();
        let mut got = None;
        for (i, p) in parts.iter().enumerate() {
            assert!(got.is_none(), "{:?}: a command before the last part", parts);
            r.push(p.as_bytes());
            let s = r.next_step();
            if i + 1 < parts.len() {
                assert!(s.is_none(), "{:?}: complete after part {}", parts, i);
            } else {
                got = s;
            }
        }
        match want {
            None => {
                // `echo {` is a complete line with a syntax error... no: `{`
                // after a word starts nothing, so it is an error at once.
                let s = got.expect("a step");
                assert!(matches!(s, Step::Error(_)), "{:?}", s);
            }
            Some(w) => assert_eq!(cmd_text(got.expect("a step")), w, "{:?}", parts),
        }
    }
}

#[test]
fn one_command_per_line_and_line_numbers() {
    let mut r = Reader::new();
    r.push(b"a; b\nc\n\n# comment\nd");
    assert_eq!(cmd_text(r.next_step().unwrap()), "a; b");
    assert_eq!(r.line(), 2);
    assert_eq!(cmd_text(r.next_step().unwrap()), "c");
    assert_eq!(r.next_step(), Some(Step::Command(None)));
    assert_eq!(r.next_step(), Some(Step::Command(None)));
    assert_eq!(r.line(), 5);
    assert_eq!(r.next_step(), None, "d without its newline is not complete");
    r.finish();
    // At the end of input a line without its newline is a syntax error,
    // as in 9front.
    match r.next_step().unwrap() {
        Step::Error(e) => assert_eq!(e[0].to_string(), "rc:5: token EOF: syntax error"),
        s => panic!("{:?}", s),
    }
    assert_eq!(r.next_step(), Some(Step::End { eof: true }));
}

#[test]
fn an_error_skips_the_rest_of_its_line() {
    let mut r = Reader::new();
    r.push(b"echo ) more words\necho ok\n");
    match r.next_step().unwrap() {
        Step::Error(e) => {
            assert_eq!(e.len(), 1);
            assert_eq!(e[0].to_string(), "rc:1: token ')': syntax error");
        }
        s => panic!("{:?}", s),
    }
    assert_eq!(cmd_text(r.next_step().unwrap()), "echo ok");
    // parse_script stops at the error, as rc stops a script.
    assert_eq!(parse_script(b"echo ) x\necho ok\n").unwrap_err().line, 1);
}

#[test]
fn redirection_syntax_reports_twice() {
    // The lexer's error, then yacc's on the end it returns.
    let mut r = Reader::new();
    r.push(b"echo >[x] f\necho ok\n");
    match r.next_step().unwrap() {
        Step::Error(e) => {
            let m: Vec<String> = e.iter().map(|e| e.to_string()).collect();
            assert_eq!(
                m,
                [
                    "rc:1: token '>[x': redirection syntax",
                    "rc:2: token '>[x': syntax error"
                ]
            );
        }
        s => panic!("{:?}", s),
    }
    assert_eq!(cmd_text(r.next_step().unwrap()), "echo ok");
}

#[test]
fn nul_where_a_command_starts_ends_the_script() {
    let mut r = Reader::new();
    r.push(b"a\n\0b\n");
    r.finish();
    assert_eq!(cmd_text(r.next_step().unwrap()), "a");
    assert_eq!(r.next_step(), Some(Step::End { eof: false }));
    // An interactive rc reads on.
    assert_eq!(cmd_text(r.next_step().unwrap()), "b");
    assert_eq!(parse_script(b"a\n\0b\n").unwrap().len(), 1);
}

#[test]
fn block_mode_reads_the_file_as_one_brace() {
    let t = rc::parse_block(b"a\nb\n").unwrap();
    assert_eq!(t.len(), 1);
    let mut o = Vec::new();
    rc::pcmd(&mut o, Some(&t[0]));
    assert_eq!(String::from_utf8(o).unwrap(), "{\n\ta\n\tb\n}");
    // Without a final newline too: the epilog supplies `}` and a newline.
    assert_eq!(rc::parse_block(b"a").unwrap().len(), 1);
    assert!(rc::parse_block(b"a }").is_err());
}

#[test]
fn here_document_text_is_read_after_the_newline() {
    let t = parse_script(b"cat <<EOF; echo x\nline $x\n EOF\nEOF\necho after\n").unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(
        t[0].sexp(),
        r#"(; (redir<<0 here="line $x\n EOF\n" "EOF" (simple "cat")) (simple (args "echo" "x")))"#
    );
    assert_eq!(t[1].line, 5);
    // A quoted tag; the text is kept as is.
    let t = parse_script(b"cat <<'E F'\n$a\nE F\n").unwrap();
    assert_eq!(
        t[0].sexp(),
        r#"(redir<<0 here="$a\n" 'E F' (simple "cat"))"#
    );
    // At the end of input the text is what there is.
    let t = parse_script(b"cat <<EOF\nabc").unwrap();
    assert_eq!(t[0].sexp(), r#"(redir<<0 here="abc" "EOF" (simple "cat"))"#);
}
