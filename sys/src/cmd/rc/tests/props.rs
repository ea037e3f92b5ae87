//! Properties: no input makes the parser panic; parsing in pieces gives
//! what parsing at once gives; generated commands print (as a function
//! body, as `whatis` prints them) and read back as the same tree.

use proptest::prelude::*;
use rc::{parse_command, parse_script, Cursor, Node, Reader, Step, Tree};

fn steps_at_once(input: &[u8]) -> Vec<Step> {
    let mut cur = Cursor::new();
    let mut v = Vec::new();
    loop {
        let s = parse_command(input, &mut cur, true).expect("complete input");
        let end = matches!(s, Step::End { eof: true });
        v.push(s);
        if end || v.len() > 10_000 {
            return v;
        }
    }
}

fn steps_in_pieces(input: &[u8], piece: usize) -> Vec<Step> {
    let mut r = Reader::new();
    let mut v = Vec::new();
    for chunk in input.chunks(piece.max(1)) {
        r.push(chunk);
        while let Some(s) = r.next_step() {
            v.push(s);
        }
    }
    r.finish();
    loop {
        let s = r.next_step().expect("finished input");
        let end = matches!(s, Step::End { eof: true });
        v.push(s);
        if end || v.len() > 10_000 {
            return v;
        }
    }
}

/// Bytes biased towards rc's special characters.
fn rcish() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        4 => prop::sample::select(b"{}()<>[]=|&;^$#\"'`\\\n \t!@~*?abcxyz0123-".to_vec()),
        1 => any::<u8>(),
    ];
    prop::collection::vec(byte, 0..200)
}

/// Source text of a random word.
fn word() -> BoxedStrategy<String> {
    prop_oneof![
        prop::sample::select(vec![
            "a", "b", "x.c", "*.c", "a?", "[ab]", "-f", "/bin/rc", "'q'", "'it''s'", "''", "for",
            "in"
        ])
        .prop_map(String::from),
        prop::sample::select(vec![
            "$x", "$#x", "$\"x", "$x(1 2)", "$*", "`{ls}", "`ifs{ls}", "<{a}", ">{b}", "(a b)",
            "()"
        ])
        .prop_map(String::from),
    ]
    .boxed()
}

/// Source text of a random command.
fn command() -> impl Strategy<Value = String> {
    let simple = prop::collection::vec(word(), 1..4)
        .prop_map(|w| w.join(" "))
        .boxed();
    let leaf = prop_oneof![
        simple.clone(),
        (
            simple.clone(),
            prop::sample::select(vec![">f", ">>f", "<f", "<>f", ">[2]f", ">[2=1]", ">[3=]"])
        )
            .prop_map(|(s, r)| format!("{} {}", s, r)),
        (word(), word()).prop_map(|(a, b)| format!("{}^{}", a, b)),
        (word(), word()).prop_map(|(a, b)| format!("x={} {}", a, b)),
        word().prop_map(|w| format!("y=({} z)", w)),
        (word(), prop::collection::vec(word(), 0..3)).prop_map(|(a, l)| format!(
            "~ {} {}",
            a,
            l.join(" ")
        )),
    ];
    leaf.prop_recursive(4, 32, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{} && {}", a, b)),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{} || {}", a, b)),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{} | {}", a, b)),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{}; {}", a, b)),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{{{}\n{}}}", a, b)),
            inner.clone().prop_map(|a| format!("! {}", a)),
            inner.clone().prop_map(|a| format!("@ {}", a)),
            inner.clone().prop_map(|a| format!("{} &", a)),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("if({}) {}", a, b)),
            inner.clone().prop_map(|a| format!("if not {}", a)),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("while({}) {}", a, b)),
            (prop::collection::vec(word(), 0..3), inner.clone()).prop_map(|(l, a)| format!(
                "for(i in {}) {}",
                l.join(" "),
                a
            )),
            inner.clone().prop_map(|a| format!("for(i) {}", a)),
            (word(), inner.clone()).prop_map(|(w, a)| format!("switch {} {{case a\n{}}}", w, a)),
            inner.clone().prop_map(|a| format!("fn f {{{}}}", a)),
            inner.clone().prop_map(|a| format!("{{{}}} >f", a)),
            inner.clone().prop_map(|a| format!("echo `{{{}}}", a)),
        ]
    })
}

/// 9front prints `|[a=b]` as `|[b=a]` (see corpus.rs).
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

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(input in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = parse_script(&input);
        let _ = rc::parse_block(&input);
    }

    #[test]
    fn rc_like_bytes_parse_the_same_in_pieces(input in rcish(), piece in 1usize..20) {
        let a = steps_at_once(&input);
        let b = steps_in_pieces(&input, piece);
        prop_assert_eq!(a, b);
    }

    #[test]
    fn generated_commands_round_trip(src in command()) {
        let text = src + "\n";
        // The generator can put a keyword where a command starts.
        let parsed = parse_script(text.as_bytes());
        prop_assume!(parsed.is_ok());
        for t in parsed.unwrap() {
            if swapped_pipe(&t) || prefix_left_of_pipe(&t) {
                continue;
            }
            // Print it as the body of a function, as whatis does: a list
            // split over lines at the top level would read back as
            // several commands.
            let brace = Tree::new(t.line, Node::Brace(Some(Box::new(t))));
            let mut out = b"fn f ".to_vec();
            out.extend(rc::fnstr(&brace));
            out.push(b'\n');
            // 9front prints no space after `|`, so a pipe into a command
            // whose first word starts with `[` reads back as `|[`, a pipe
            // syntax error.
            if out.windows(3).any(|w| w[0] == b'|' && w[1] == b'[' && !w[2].is_ascii_digit()) {
                continue;
            }
            let back = parse_script(&out).unwrap();
            prop_assert_eq!(back.len(), 1);
            let Node::Fn(_, Some(b)) = &back[0].node else { panic!("not a fn") };
            prop_assert!(b.same_as(&brace), "{}\n{}\n{}", String::from_utf8_lossy(&out), brace.sexp(), b.sexp());
        }
    }
}
