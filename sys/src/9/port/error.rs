//! The kernel's error strings: a port of 9front's `port/error.h`.
//!
//! 9front declares each error as a C string (`Enonexist`, `Eperm`, ...)
//! that `error()` raises and `waserror()` catches; user programs read the
//! text with `errstr`. planten returns `Result<T, Error>` instead, and
//! [`Error`] carries the same strings, so what a user program sees is
//! unchanged. Errors that come from elsewhere (a 9P server's `Rerror`, a
//! driver's formatted message) travel as [`Error::Msg`].

use alloc::string::String;
use core::fmt;

macro_rules! errors {
    ($($name:ident => $text:literal,)*) => {
        /// A kernel error, named as in 9front's `port/error.h`.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Error {
            $(
                #[doc = $text]
                $name,
            )*
            /// Any other error string, such as a file server's `Rerror`.
            Msg(String),
        }

        impl Error {
            /// The error string, as `errstr` gives it to user programs.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Error::$name => $text,)*
                    Error::Msg(s) => s,
                }
            }

            /// The named error whose string is `s`, or [`Error::Msg`].
            pub fn from_errstr(s: &str) -> Error {
                match s {
                    $($text => Error::$name,)*
                    _ => Error::Msg(String::from(s)),
                }
            }

            /// Every named error, in `error.h`'s order.
            pub const ALL: &'static [Error] = &[$(Error::$name,)*];
        }
    };
}

errors! {
    Enoerror => "no error",
    Emount => "inconsistent mount",
    Eunmount => "not mounted",
    Eismtpt => "is a mount point",
    Eunion => "not in union",
    Emountrpc => "mount rpc error",
    Eshutdown => "device shut down",
    Enocreate => "mounted directory forbids creation",
    Enonexist => "file does not exist",
    Eexist => "file already exists",
    Ebadsharp => "unknown device in # filename",
    Enotdir => "not a directory",
    Eisdir => "file is a directory",
    Ebadchar => "bad character in file name",
    Efilename => "file name syntax",
    Eperm => "permission denied",
    Ebadusefd => "inappropriate use of fd",
    Ebadarg => "bad arg in system call",
    Einuse => "device or object already in use",
    Eio => "i/o error",
    Etoobig => "read or write too large",
    Etoosmall => "read or write too small",
    Enoport => "network port not available",
    Ehungup => "i/o on hungup channel",
    Ebadctl => "bad process or channel control request",
    Enodev => "no free devices",
    Eprocdied => "process exited",
    Enochild => "no living children",
    Eioload => "i/o error in demand load",
    Enovmem => "virtual memory allocation failed",
    Ebadfd => "fd out of range or not open",
    Enofd => "no free file descriptors",
    Eisstream => "seek on a stream",
    Ebadexec => "exec header invalid",
    Etimedout => "connection timed out",
    Econrefused => "connection refused",
    Econinuse => "connection in use",
    Eintr => "interrupted",
    Enomem => "kernel allocate failed",
    Esoverlap => "segments overlap",
    Emouseset => "mouse type already set",
    Eshort => "i/o count too small",
    Egreg => "the front fell off",
    Ebadspec => "bad attach specifier",
    Enoreg => "process has no saved registers",
    Enoattach => "mount/attach disallowed",
    Eshortstat => "stat buffer too small",
    Ebadstat => "malformed stat buffer",
    Enegoff => "negative i/o offset",
    Ecmdargs => "wrong #args in control message",
    Ebadip => "bad ip address syntax",
    Edirseek => "seek in directory",
    Etoolong => "name too long",
    Echange => "media or partition has changed",
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of a kernel operation.
pub type Result<T, E = Error> = core::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn strings_are_9fronts() {
        // Spot checks against port/error.h.
        assert_eq!(Error::Enonexist.as_str(), "file does not exist");
        assert_eq!(Error::Eperm.to_string(), "permission denied");
        assert_eq!(Error::Eintr.as_str(), "interrupted");
        assert_eq!(Error::Egreg.as_str(), "the front fell off");
        assert_eq!(Error::Echange.as_str(), "media or partition has changed");
        assert_eq!(Error::ALL.len(), 54);
    }

    #[test]
    fn strings_map_back() {
        for e in Error::ALL {
            assert_eq!(&Error::from_errstr(e.as_str()), e);
        }
        let m = Error::from_errstr("unknown 9P error");
        assert_eq!(m, Error::Msg("unknown 9P error".into()));
        assert_eq!(m.as_str(), "unknown 9P error");
    }

    #[test]
    fn strings_are_distinct() {
        for (i, a) in Error::ALL.iter().enumerate() {
            for b in &Error::ALL[i + 1..] {
                assert_ne!(a.as_str(), b.as_str());
            }
        }
    }
}
