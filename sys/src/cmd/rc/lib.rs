//! rc, the Plan 9 shell: the Rust port of 9front's `sys/src/cmd/rc`.
//!
//! The front end: the lexer ([`lex`]), the parser ([`syn`]), the syntax
//! tree ([`tree`]), here documents ([`here`]) and the printer that turns a
//! tree back into rc source ([`pcmd`]), as `whatis` shows functions. It
//! is pure: bytes in, a tree or a [`SyntaxError`] out.
//!
//! The interpreter runs the tree through planten's libc: the machine
//! ([`exec`], with [`code`]'s checks), simple commands and builtins
//! ([`simple`]), forking ([`havefork`]), variables ([`var`]), globbing
//! ([`glob`]), notes ([`trap`]), flags ([`getflags`]), the system
//! interface ([`plan9`]) and the trace ([`pfnc`]). The program is
//! `main.rs`.
//!
//! ```
//! let t = rc::parse_script(b"fn f { echo $a.c >[2=1] }\n").unwrap();
//! let rc::Node::Fn(_, Some(body)) = &t[0].node else { panic!() };
//! assert_eq!(rc::fnstr(body), b"{\n\t>[2=1]echo $a^.c\n}");
//! ```
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod code;
pub mod exec;
pub mod getflags;
pub mod glob;
pub mod havefork;
pub mod here;
pub mod io;
pub mod lex;
pub mod pcmd;
pub mod pfnc;
pub mod plan9;
pub mod rc;
pub mod simple;
pub mod subr;
pub mod syn;
pub mod trap;
pub mod tree;
pub mod var;

pub use lex::SyntaxError;
pub use pcmd::{fnstr, pcmd};
pub use rc::RType;
pub use syn::{parse_block, parse_command, parse_script, Cursor, Reader, Step};
pub use tree::{Glob, HereDoc, Node, Tree};
