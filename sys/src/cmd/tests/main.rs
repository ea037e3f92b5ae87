//! Tests of the single-file commands, run as Linux programs against
//! Debian's 9base (Plan 9's own commands) where 9base has the command, and
//! against 9front's source where the two differ.

mod common;

mod cat;
mod echo;
