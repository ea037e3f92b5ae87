//! Calendar time: part of 9front's `libc/port/date.c`.
//!
//! Ported: time zones in 9front's text format (`tzload`, read from
//! `/adm/timezone/NAME`, or for `local` from the `timezone` environment
//! variable, which is what 9front's `/env/timezone` is), splitting a time
//! into a [`Tm`] in a zone (`tmtime`), and the ctime(2) form of a `Tm`
//! (`asctime`: `Wed Mar  4 05:06:07 GMT 2020\n`).
//!
//! Not yet ported: `tmparse`, `tmnorm`, `tmfmt` with arbitrary formats
//! and nanosecond times. The zone text is parsed by [`Tzone::parse`],
//! which is pure; loading it needs the system calls. 9front caches loaded
//! zones; planten reads them each time.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

const DAYSEC: i64 = 24 * 3600;

const WDAY: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTH: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A time zone: standard and daylight names and offsets from GMT in
/// seconds, and the daylight-saving intervals (start, end] in seconds
/// since the epoch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tzone {
    pub tzname: String,
    pub stname: String,
    pub dlname: String,
    pub stdiff: i64,
    pub dldiff: i64,
    pub dlpairs: Vec<(i64, i64)>,
}

/// A broken-down time, as 9front's `Tm`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tm {
    pub nsec: i32,
    pub sec: i32,
    pub min: i32,
    pub hour: i32,
    pub mday: i32,
    /// 0..11
    pub mon: i32,
    /// Years since 1900.
    pub year: i32,
    /// 0 is Sunday.
    pub wday: i32,
    pub yday: i32,
    pub zone: String,
    pub tzoff: i64,
}

impl Tzone {
    /// Parses a zone in 9front's format: `STNAME STDIFF DLNAME DLDIFF`
    /// then pairs of transition times, ending at a 0 or at the end.
    /// Names are at most 15 bytes, as 9front's `rdname` wants.
    pub fn parse(name: &str, text: &str) -> Option<Tzone> {
        let mut f = text.split([' ', '\t', '\n']).filter(|s| !s.is_empty());
        let rdname = |s: Option<&str>| -> Option<String> {
            let s = s?;
            (s.len() < 16).then(|| s.into())
        };
        let rdlong = |s: Option<&str>| -> Option<i64> {
            match s {
                None => Some(0),
                Some(s) => {
                    let (neg, d) = match s.strip_prefix('-') {
                        Some(d) => (true, d),
                        None => (false, s),
                    };
                    if d.is_empty() || !d.bytes().all(|b| b.is_ascii_digit()) {
                        return None;
                    }
                    let v: i64 = d.parse().ok()?;
                    Some(if neg { -v } else { v })
                }
            }
        };
        let stname = rdname(f.next())?;
        let stdiff = rdlong(f.next())?;
        let dlname = rdname(f.next())?;
        let dldiff = rdlong(f.next())?;
        let mut times = Vec::new();
        loop {
            let t = rdlong(f.next())?;
            if t == 0 {
                break;
            }
            times.push(t);
            if times.len() > 150 {
                return None;
            }
        }
        let dlpairs = times
            .chunks(2)
            .map(|c| (c[0], c.get(1).copied().unwrap_or(0)))
            .collect();
        Some(Tzone {
            tzname: name.into(),
            stname,
            stdiff,
            dlname,
            dldiff,
            dlpairs,
        })
    }

    fn offset(&self, abs: i64) -> (&str, i64) {
        if self.dlpairs.iter().any(|&(s, e)| abs > s && abs <= e) {
            (&self.dlname, self.dldiff)
        } else {
            (&self.stname, self.stdiff)
        }
    }
}

/// Loads the zone `name` (`local` is the `timezone` environment
/// variable; others are `/adm/timezone/NAME`); `None` if it cannot be
/// read or parsed, which callers treat as GMT, as 9front's do.
#[cfg(feature = "linux")]
pub fn tzload(name: &str) -> Option<Tzone> {
    use crate::syscall;
    let text = if name == "local" {
        syscall::getenv("timezone")?
    } else {
        let path = format!("/adm/timezone/{name}");
        let fd = syscall::open(&path, syscall::OREAD | syscall::OCEXEC).ok()?;
        let mut buf = alloc::vec![0u8; 150 * 11 + 30];
        let r = syscall::read(fd, &mut buf);
        let _ = syscall::close(fd);
        let n = r.ok()?;
        if n >= buf.len() {
            return None;
        }
        buf.truncate(n);
        buf
    };
    Tzone::parse(name, core::str::from_utf8(&text).ok()?)
}

/// Splits `abs` (seconds since the epoch) into a `Tm` in zone `tz`
/// (GMT when `None`).
pub fn tmtime(abs: i64, tz: Option<&Tzone>) -> Tm {
    let (zone, tzoff) = match tz {
        Some(z) => {
            let (n, o) = z.offset(abs);
            (String::from(n), o)
        }
        None => (String::from("GMT"), 0),
    };
    let zrel = abs + tzoff;
    let days = zrel.div_euclid(DAYSEC);
    let t = zrel.rem_euclid(DAYSEC);
    // Civil date from days since 1970-01-01 (proleptic Gregorian).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    const CUM: [i64; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let yday = CUM[(m - 1) as usize] + d - 1 + if leap && m > 2 { 1 } else { 0 };
    Tm {
        nsec: 0,
        sec: (t % 60) as i32,
        min: (t / 60 % 60) as i32,
        hour: (t / 3600) as i32,
        mday: d as i32,
        mon: (m - 1) as i32,
        year: (y - 1900) as i32,
        wday: (days + 4).rem_euclid(7) as i32,
        yday: yday as i32,
        zone,
        tzoff,
    }
}

/// The ctime(2) text of `tm`: `WW MMM _D hh:mm:ss ZZZ YYYY` and a
/// newline.
pub fn asctime(tm: &Tm) -> String {
    format!(
        "{} {} {:2} {:02}:{:02}:{:02} {:>3} {}\n",
        WDAY[tm.wday.rem_euclid(7) as usize],
        MONTH[tm.mon.rem_euclid(12) as usize],
        tm.mday,
        tm.hour,
        tm.min,
        tm.sec,
        tm.zone,
        tm.year + 1900
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // The ctime(2) layout, checked against known calendar dates.
    #[test]
    fn gmt_dates() {
        assert_eq!(asctime(&tmtime(0, None)), "Thu Jan  1 00:00:00 GMT 1970\n");
        assert_eq!(
            asctime(&tmtime(1_583_298_367, None)),
            "Wed Mar  4 05:06:07 GMT 2020\n"
        );
        // Leap day and the day after, and the end of a leap year.
        assert_eq!(
            asctime(&tmtime(951_782_400, None)),
            "Tue Feb 29 00:00:00 GMT 2000\n"
        );
        let t = tmtime(978_307_199, None); // 2000-12-31 23:59:59
        assert_eq!((t.yday, t.mday, t.mon), (365, 31, 11));
        assert_eq!(asctime(&tmtime(-1, None)), "Wed Dec 31 23:59:59 GMT 1969\n");
    }

    #[test]
    fn zones_with_daylight_time() {
        // The layout of 9front's /adm/timezone files.
        let z = Tzone::parse(
            "US_Eastern",
            "EST -18000 EDT -14400\n  1583650800  1604210400\n",
        )
        .unwrap();
        assert_eq!((z.stdiff, z.dldiff), (-18000, -14400));
        let winter = tmtime(1_583_298_367, Some(&z));
        assert_eq!(asctime(&winter), "Wed Mar  4 00:06:07 EST 2020\n");
        let summer = tmtime(1_590_000_000, Some(&z));
        assert_eq!(asctime(&summer), "Wed May 20 14:40:00 EDT 2020\n");
        assert!(Tzone::parse("x", "EST x EDT 0").is_none());
        assert!(Tzone::parse("x", "").is_none());
    }
}
