//! `localtime`, `gmtime` and `ctime`: a port of 9front's
//! `libc/9sys/ctime.c`, over [`crate::date`].
//!
//! As in 9front the local zone is `tzload("local")` (the `timezone`
//! environment variable) and a zone that cannot be loaded is GMT. What
//! differs: the results are returned by value instead of in static
//! buffers.

use alloc::string::String;

use crate::date::{asctime, tmtime, tzload, Tm};

/// `abs` (seconds since the epoch) in the local zone.
pub fn localtime(abs: i64) -> Tm {
    tmtime(abs, tzload("local").as_ref())
}

/// `abs` in GMT.
pub fn gmtime(abs: i64) -> Tm {
    tmtime(abs, None)
}

/// `abs` as ctime(2) text in the local zone, newline included:
/// `Wed Mar  4 05:06:07 GMT 2020\n`.
pub fn ctime(abs: i64) -> String {
    asctime(&localtime(abs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_zone_is_the_timezone_variable() {
        // Both cases in one test: the environment is the process's.
        std::env::remove_var("timezone");
        assert_eq!(ctime(1_583_298_367), "Wed Mar  4 05:06:07 GMT 2020\n");
        std::env::set_var("timezone", "EST -18000 EDT -14400\n");
        assert_eq!(ctime(1_583_298_367), "Wed Mar  4 00:06:07 EST 2020\n");
        assert_eq!(gmtime(0).year, 70);
        std::env::remove_var("timezone");
    }
}
