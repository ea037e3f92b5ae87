//! Nesting is bounded: what would overflow 9front's yacc stack (500
//! entries) is refused with its message, whatever the input's depth, and
//! trees deeper than `MAX_TREE_DEPTH` (long `^`, `|`, `&&` chains) are
//! refused too, so that nothing overflows the machine stack. The parser
//! needs about 2 MiB of stack at 9front's deepest nesting in a debug build
//! (0.5 MiB in release); these tests give their threads 8 MiB.

use rc::{parse_script, SyntaxError};

fn on_big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

fn err(src: String) -> SyntaxError {
    on_big_stack(move || match parse_script(src.as_bytes()) {
        Ok(t) => panic!("parsed {} commands", t.len()),
        Err(e) => e,
    })
}

#[test]
fn a_million_open_braces() {
    let e = err("{".repeat(1_000_000) + "\n");
    assert_eq!(e.msg, "yacc stack overflow");
    assert_eq!(e.token.as_deref(), Some(&b"{"[..]));
}

#[test]
fn a_million_of_each_nesting_form() {
    for (lead, open, close) in [
        ("echo ", "$", "x"),
        ("echo ", "$#", "x"),
        ("echo ", "`{", "}"),
        ("echo ", "(", ")"),
        ("echo ", "<{", "}"),
        ("", "! ", "x"),
        ("", "@ ", "x"),
        ("", "if(x) ", "y"),
        ("", "while(", ")"),
        ("", "a && ", "b"),
        ("", ">f ", "x"),
        ("", "x=y ", "z"),
    ] {
        let e = err(lead.to_string() + &open.repeat(1_000_000) + close + "\n");
        assert!(
            ["yacc stack overflow", "too deeply nested"].contains(&e.msg),
            "{}: {}",
            open,
            e
        );
    }
}

#[test]
fn deepest_braces_9front_allows() {
    // 9front's stack holds 500 entries: 497 nested braces parse, 498 do not
    // (the 498th's empty command and closing brace have no room).
    on_big_stack(|| {
        let ok = "{".repeat(497) + &"}".repeat(497) + "\n";
        let t = parse_script(ok.as_bytes()).unwrap();
        assert_eq!(t.len(), 1);
        let bad = "{".repeat(498) + &"}".repeat(498) + "\n";
        let e = parse_script(bad.as_bytes()).unwrap_err();
        assert_eq!(e.to_string(), "rc:1: token '}': yacc stack overflow");
    });
}

#[test]
fn long_left_chains_are_refused() {
    for sep in ["^", "|", " && ", " || "] {
        let src = vec!["a"; 100_000].join(sep) + "\n";
        let e = err(src);
        assert_eq!(e.msg, "too deeply nested", "{}", sep);
    }
    // Up to the limit they parse.
    let src = vec!["a"; 900].join("^") + "\n";
    let t = on_big_stack(move || parse_script(src.as_bytes()).unwrap());
    assert_eq!(t.len(), 1);
}

#[test]
fn long_flat_lists_are_fine() {
    // Argument and word lists are vectors, not chains: no limit but memory.
    let src = "echo ".to_string() + &"a ".repeat(200_000) + "(" + &"b ".repeat(200_000) + ")\n";
    let t = parse_script(src.as_bytes()).unwrap();
    assert_eq!(t.len(), 1);
    let mut out = Vec::new();
    rc::pcmd(&mut out, Some(&t[0]));
    assert_eq!(out.len(), src.len() - 2);
}
