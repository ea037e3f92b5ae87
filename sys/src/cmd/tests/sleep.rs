//! sleep against 9base's sleep and 9front's sleep.c.

use crate::common::*;
use std::time::{Duration, Instant};

fn timed(args: &[&str]) -> (Run, Duration) {
    let t = Instant::now();
    let r = run(&planten("sleep"), args, b"");
    (r, t.elapsed())
}

#[test]
fn sleeps_for_seconds_and_fractions() {
    let (r, t) = timed(&["0.3"]);
    assert_eq!(r.code, Some(0));
    assert!(t >= Duration::from_millis(300) && t < Duration::from_secs(3), "{t:?}");
    // Only three digits of the fraction count (sleep.c cuts p[3]).
    let (_, t) = timed(&["0.2509"]);
    assert!(t >= Duration::from_millis(250) && t < Duration::from_secs(3), "{t:?}");
    let (_, t) = timed(&["1"]);
    assert!(t >= Duration::from_secs(1) && t < Duration::from_secs(4), "{t:?}");
}

#[test]
fn bad_or_missing_times_do_not_sleep() {
    for args in [&[][..], &["x"], &["-1"], &["0"], &[".0"]] {
        let (r, t) = timed(args);
        assert_eq!(r.code, Some(0), "{args:?}");
        assert!(r.stdout.is_empty() && r.stderr.is_empty());
        assert!(t < Duration::from_millis(900), "{args:?} {t:?}");
        same_as_9base("sleep", args, b"");
    }
}
