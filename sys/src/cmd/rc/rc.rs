//! Definitions shared by rc's front end: the port of the parts of 9front's
//! `sys/src/cmd/rc/rc.h` that the lexer, parser and printer need.
//!
//! What differs: rc.h's `struct tree` is [`crate::tree::Tree`], a Rust enum
//! with boxed children instead of a node with three child pointers and a
//! type code; `struct lexer` is the private state of [`crate::lex`]. The
//! interpreter's types (`var`, `code`, `thread`, ...) come with the port of
//! the interpreter.

/// The kind of a redirection (`rtype` in rc.h's tree node).
///
/// The numbers are rc.h's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RType {
    /// `>>`
    Append = 1,
    /// `>`
    Write = 2,
    /// `<`
    Read = 3,
    /// `<<`, a here document
    Here = 4,
    /// `>[n=m]`
    DupFd = 5,
    /// `>[n=]`
    Close = 6,
    /// `<>`
    RdWr = 7,
}

/// The byte that escapes a glob metacharacter in an unquoted word: the
/// lexer puts it before each `*`, `?`, `[` and before itself.
pub const GLOB: u8 = 0x01;

/// The size of the lexer's token buffer: a word longer than `NTOK-1` bytes is
/// the error "token buffer too short".
pub const NTOK: usize = 8192;

/// The depth of the parser's stack, as rc.h sets it for yacc: a command
/// whose parse would need more is the error "yacc stack overflow".
pub const YYMAXDEPTH: usize = 500;

/// Is `c` the first byte of a one-byte UTF-8 sequence?
pub(crate) fn onebyte(c: i32) -> bool {
    c & 0x80 == 0
}
pub(crate) fn twobyte(c: i32) -> bool {
    c & 0xe0 == 0xc0
}
pub(crate) fn threebyte(c: i32) -> bool {
    c & 0xf0 == 0xe0
}
/// Is `c` a continuation byte of a UTF-8 sequence?
pub(crate) fn xbyte(c: i32) -> bool {
    c & 0xc0 == 0x80
}
