//! The execution trace: the port of 9front's `sys/src/cmd/rc/pfnc.c`
//! and of io.c's `pval`, which `-x` uses.
//!
//! What differs: 9front's `-r` prints each instruction of the code
//! vector with its name (`Xsimple`, ...) and the argument stack. planten
//! walks the tree instead of compiling it (see [`crate::code`]), so `-r`
//! prints one line for each command node it runs: the source position,
//! the pid and the name of the instruction 9front would run for that node
//! (no code address, no argument stack).

use alloc::vec::Vec;

use crate::io::pwrd;
use crate::tree::{Node, Tree};
use crate::var::Word;

/// io.c's `pval` (`%v`): the words, each as rc would read it back,
/// separated by blanks.
pub fn pval(out: &mut Vec<u8>, a: &[Word]) {
    for (i, w) in a.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        pwrd(out, w);
    }
}

/// The name of the instruction that starts the code for `t`.
pub fn xname(t: &Tree) -> &'static str {
    match &t.node {
        Node::Simple(_) => "Xsimple",
        Node::Pipe { .. } => "Xpipe",
        Node::Async(_) => "Xasync",
        Node::Subshell(_) => "Xsubshell",
        Node::If(..) => "Xif",
        Node::IfNot(_) => "Xifnot",
        Node::While(..) | Node::For { .. } => "Xfor",
        Node::Switch(..) => "Xcase",
        Node::Twiddle(..) => "Xmatch",
        Node::Fn(_, Some(_)) => "Xfn",
        Node::Fn(_, None) => "Xdelfn",
        Node::Redir { .. } => "Xredir",
        Node::Dup { .. } => "Xdup",
        Node::Assign { cmd: Some(_), .. } => "Xlocal",
        Node::Assign { .. } => "Xassign",
        Node::Bang(_) => "Xbang",
        Node::AndAnd(..) => "Xtrue",
        Node::OrOr(..) => "Xfalse",
        _ => "Xmark",
    }
}
