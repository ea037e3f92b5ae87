//! The time of day: 9front's `port/tod.c`.
//!
//! Nanoseconds since the epoch are computed from the fastest clock
//! (`fastticks`) as `off + (ticks - last) * multiplier`, the multiplier
//! a 32.32 fraction `(10^9 << 32) / hz` (`mk64fract`, `mul64fract`);
//! `todset` sets the time at once or slews it by a `delta` spread over
//! `n` seconds of clock ticks; `todget` never goes backwards; `todfix`
//! (every 100 ms) folds the elapsed ticks into the offset so the product
//! cannot overflow. The conversions `fastticks2us`, `us2fastticks`,
//! `ms2fastticks`, `ns2fastticks`, `fastticks2ns` and `tod2fastticks` are
//! here too.
//!
//! What differs from 9front: [`Tod`] is a value the kernel keeps under
//! its ilock and passes the current `fastticks` and `MACHP(0)->ticks`
//! to, instead of reading them itself; `todinit` is [`Tod::new`].

/// Nanoseconds per second (TODFREQ).
pub const TODFREQ: u64 = 1_000_000_000;
/// Microseconds per second.
pub const MICROFREQ: u64 = 1_000_000;
/// Clock ticks per second (pc64's HZ).
pub const HZ: u64 = 100;

/// `mk64fract`: `a/b` as a 32.32 fraction.
pub fn mk64fract(a: u64, b: u64) -> u64 {
    (((a as u128) << 32) / b as u128) as u64
}

/// `mul64fract`: `a * b` for a 32.32 fraction `b`.
pub fn mul64fract(a: u64, b: u64) -> u64 {
    ((a as u128 * b as u128) >> 32) as u64
}

/// The time of day state (9front's `tod`).
#[derive(Debug, Clone)]
pub struct Tod {
    multiplier: u64,
    divider: u64,
    umultiplier: u64,
    udivider: u64,
    hz: u64,
    last: u64,
    off: i64,
    lasttime: i64,
    delta: i64,
    sstart: u64,
    send: u64,
}

impl Tod {
    /// `todinit`: a clock at `hz` fastticks a second whose time is 0 at
    /// fastticks `now`.
    pub fn new(hz: u64, now: u64) -> Tod {
        let mut t = Tod {
            multiplier: 0,
            divider: 0,
            umultiplier: 0,
            udivider: 0,
            hz: 0,
            last: now,
            off: 0,
            lasttime: 0,
            delta: 0,
            sstart: 0,
            send: 0,
        };
        t.todsetfreq(hz);
        t
    }

    /// `todsetfreq`.
    pub fn todsetfreq(&mut self, f: u64) {
        assert!(f > 0, "todsetfreq: freq {} <= 0", f);
        self.hz = f;
        self.multiplier = mk64fract(TODFREQ, f);
        self.divider = mk64fract(f, TODFREQ) + 1;
        self.umultiplier = mk64fract(MICROFREQ, f);
        self.udivider = mk64fract(f, MICROFREQ) + 1;
    }

    /// `todset`: with `t >= 0`, the time is `t` ns now (fastticks
    /// `now`); else slew by `delta` ns over `n` seconds from clock tick
    /// `ticks`.
    pub fn todset(&mut self, t: i64, delta: i64, n: i64, now: u64, ticks: u64) {
        if t >= 0 {
            self.off = t;
            self.last = now;
            self.lasttime = 0;
            self.delta = 0;
            self.sstart = self.send;
            return;
        }
        let mut n = n.max(1) * HZ as i64;
        let mut delta = delta;
        if delta < 0 && n > -delta {
            n = -delta;
        }
        if delta > 0 && n > delta {
            n = delta;
        }
        if n == 0 {
            delta = 0;
        } else {
            delta /= n;
        }
        self.sstart = ticks;
        self.send = ticks + n as u64;
        self.delta = delta;
    }

    /// `todget`: nanoseconds since the epoch at fastticks `now`, clock
    /// tick `ticks`.
    pub fn todget(&mut self, now: u64, ticks: u64) -> i64 {
        if self.sstart != self.send {
            let t = ticks.min(self.send);
            self.off += self.delta * (t as i64 - self.sstart as i64);
            self.sstart = t;
        }
        let diff = now.saturating_sub(self.last);
        let mut x = mul64fract(diff, self.multiplier) as i64 + self.off;
        if x < self.lasttime {
            x = self.lasttime;
        } else {
            self.lasttime = x;
        }
        x
    }

    /// `todfix`: fold the ticks since `last` into the offset once more
    /// than a second has passed.
    pub fn todfix(&mut self, now: u64) {
        let diff = now.saturating_sub(self.last);
        if diff > self.hz {
            self.off += mul64fract(diff, self.multiplier) as i64;
            self.last = now;
        }
    }

    /// `seconds`.
    pub fn seconds(&mut self, now: u64, ticks: u64) -> i64 {
        self.todget(now, ticks) / TODFREQ as i64
    }

    /// `tod2fastticks`.
    pub fn tod2fastticks(&self, ns: i64) -> u64 {
        mul64fract((ns - self.off) as u64, self.divider) + self.last
    }

    /// `fastticks2us`.
    pub fn fastticks2us(&self, t: u64) -> u64 {
        mul64fract(t, self.umultiplier)
    }

    /// `us2fastticks`.
    pub fn us2fastticks(&self, us: u64) -> u64 {
        mul64fract(us, self.udivider)
    }

    /// `ms2fastticks`.
    pub fn ms2fastticks(&self, ms: u64) -> u64 {
        self.hz * ms / 1000
    }

    /// `ns2fastticks`.
    pub fn ns2fastticks(&self, ns: u64) -> u64 {
        mul64fract(ns, self.divider)
    }

    /// `fastticks2ns`.
    pub fn fastticks2ns(&self, t: u64) -> u64 {
        mul64fract(t, self.multiplier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// pc64's fastticks: the i8253's 1193182 Hz << 8.
    const HZF: u64 = 1_193_182 << 8;

    #[test]
    fn fractions() {
        assert_eq!(mk64fract(1, 2), 1 << 31);
        assert_eq!(mul64fract(10, 1 << 31), 5);
        let t = Tod::new(HZF, 0);
        // A second of fastticks is a second, to within a nanosecond per
        // second of rounding (the fraction is truncated).
        let ns = t.fastticks2ns(HZF);
        assert!((TODFREQ - 1..=TODFREQ).contains(&ns), "{ns}");
        assert_eq!(t.fastticks2us(HZF), MICROFREQ - 1);
        assert!(t.ns2fastticks(TODFREQ).abs_diff(HZF) <= 1);
        assert!(t.us2fastticks(MICROFREQ).abs_diff(HZF) <= 1);
        assert_eq!(t.ms2fastticks(1000), HZF);
    }

    #[test]
    fn set_get_fix_and_monotonic() {
        let mut t = Tod::new(HZF, 1000);
        let epoch = 1_764_000_000i64 * TODFREQ as i64;
        t.todset(epoch, 0, 0, 5000, 0);
        assert_eq!(t.todget(5000, 0), epoch);
        // The fraction is truncated: exactly three seconds of fastticks
        // read as a nanosecond short of them.
        assert_eq!(t.seconds(5000 + 3 * HZF, 0), 1_764_000_002);
        assert_eq!(t.seconds(5000 + 3 * HZF + HZF / 1000, 0), 1_764_000_003);
        // todfix keeps the time while moving the base.
        let before = t.todget(5000 + 10 * HZF, 0);
        t.todfix(5000 + 10 * HZF);
        assert_eq!(t.todget(5000 + 10 * HZF, 0), before);
        // Time never goes backwards, even if the clock does.
        assert_eq!(t.todget(5000, 0), before);
        assert!(t.tod2fastticks(before).abs_diff(5000 + 10 * HZF) <= 2);
    }

    #[test]
    fn slew() {
        // todset(-1, delta, n): delta spread over n seconds of ticks.
        let mut t = Tod::new(HZF, 0);
        t.todset(0, 0, 0, 0, 0);
        t.todset(-1, 1_000_000, 1, 0, 0);
        // 1 ms over 100 ticks: 10 µs a tick.
        assert_eq!(t.todget(0, 50), 500_000);
        assert_eq!(t.todget(0, 100), 1_000_000);
        assert_eq!(t.todget(0, 500), 1_000_000, "slew ends");
    }
}
