//! rc's code generator: the port of 9front's `sys/src/cmd/rc/code.c`,
//! as a tree walker.
//!
//! 9front compiles each command to a vector of instructions for the
//! machine of exec.c. planten runs the tree itself ([`crate::exec::Shell::run`]
//! does for each node what the code `outcode` emits for it does, in the
//! same order, with the same `-e` rule: not in the conditions of `if`,
//! `while`, `&&`, `||`, nor in a backquote). This module keeps the part of
//! code.c that is not execution: the checks that make a command fail to
//! compile (`` `if not' does not follow `if(...)' ``, `case missing in
//! switch`), with the `iflast` state the lexer keeps across the commands
//! of one input. `noglobs` is [`crate::exec::Mode`]; `codecopy` and
//! `codefree` are reference counting ([`alloc::rc::Rc`]).

use crate::exec::case_words;
use crate::tree::{Node, Tree};

/// The compile-time errors of `outcode` for `t`; `iflast` says whether
/// the last command compiled on this input was an `if`.
pub fn check(t: &Tree, iflast: &mut bool) -> Result<(), &'static str> {
    let special = matches!(t.node, Node::IfNot(_) | Node::Seq(..));
    if !special {
        *iflast = false;
    }
    match &t.node {
        Node::IfNot(_) if !*iflast => {
            return Err("`if not' does not follow `if(...)'");
        }
        Node::Switch(_, body) => {
            let ok = match &body.node {
                Node::Brace(Some(b)) => match &b.node {
                    Node::Seq(a, _) => case_words(a).is_some(),
                    _ => false,
                },
                _ => false,
            };
            if !ok {
                return Err("case missing in switch");
            }
        }
        _ => {}
    }
    for c in t.children() {
        check(c, iflast)?;
    }
    if !special {
        *iflast = matches!(t.node, Node::If(..));
    } else {
        let c0 = match &t.node {
            Node::IfNot(c) => c.as_deref(),
            Node::Seq(a, _) => Some(&**a),
            _ => None,
        };
        if let Some(c0) = c0 {
            *iflast = matches!(c0.node, Node::If(..));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checks(src: &str) -> Result<(), &'static str> {
        let mut iflast = false;
        for t in crate::parse_script(src.as_bytes()).unwrap() {
            check(&t, &mut iflast)?;
        }
        Ok(())
    }

    #[test]
    fn if_not_must_follow_if() {
        assert!(checks("if(x) y\nif not z\n").is_ok());
        assert!(checks("if(x) y; if not z\n").is_ok());
        assert_eq!(checks("if not z\n"), Err("`if not' does not follow `if(...)'"));
        assert_eq!(checks("if(x) y\necho\nif not z\n"), Err("`if not' does not follow `if(...)'"));
    }

    #[test]
    fn switch_needs_a_case_first() {
        assert!(checks("switch(x){case a; echo}\n").is_ok());
        assert_eq!(checks("switch(x){echo; case a}\n"), Err("case missing in switch"));
    }
}
