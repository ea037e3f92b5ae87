//! grep against Debian's 9base grep (plan9port's, a close relative of
//! 9front's) and 9front's grep source where the two differ.

mod common;
mod grep;
