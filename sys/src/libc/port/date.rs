//! Calendar time: part of 9front's `libc/port/date.c`.
//!
//! Ported: time zones in 9front's text format (`tzload`, read from
//! `/adm/timezone/NAME`, or for `local` from the `timezone` environment
//! variable, which is what 9front's `/env/timezone` is), splitting a time
//! into a [`Tm`] in a zone (`tmtime`, `tmtimens`, with 9front's `tmfill`
//! arithmetic, Tantzen's algorithm 199, including its skipped year 0),
//! normalising a `Tm` back to seconds (`tmnorm`), tmdate(2)'s formats
//! (`tmfmt`, what 9front's `%τ` verb prints) and the ctime(2) form of a
//! `Tm` (`asctime`: `Wed Mar  4 05:06:07 GMT 2020\n`).
//!
//! Not yet ported: `tmparse`. The zone text is parsed by
//! [`Tzone::parse`], which is pure; loading it needs the system calls.
//! 9front caches loaded zones; planten reads them each time. `tmfmt`
//! returns the text or the error string instead of being a `%τ` verb; a
//! format that ends in `_` ends there (9front's verb reads past the end of
//! the string then).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

const DAYSEC: i64 = 24 * 3600;


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
    /// The zone the time was split in (`None`: GMT), as 9front's `tm->tz`.
    pub tz: Option<Tzone>,
}

impl Tzone {
    /// Parses a zone in 9front's format: `STNAME STDIFF DLNAME DLDIFF`
    /// then pairs of transition times, ending at a 0 or at the end.
    pub fn parse(name: &str, text: &str) -> Option<Tzone> {
        Tzone::parse_err(name, text).ok()
    }

    /// [`Tzone::parse`] with 9front's `loadzone` errors: a name is 3 to
    /// 16 bytes followed by white space (`truncated name`); a number is
    /// digits after `-`s, spaces and newlines, ended by a space or a
    /// newline (`non-number C in name`); at most 150 transition times.
    pub fn parse_err(name: &str, text: &str) -> Result<Tzone, String> {
        let b = text.as_bytes();
        let mut i = 0usize;
        let ws = |c: u8| c == b' ' || c == b'\t' || c == b'\n';
        let rdname = |i: &mut usize| -> Result<String, String> {
            while *i < b.len() && ws(b[*i]) {
                *i += 1;
            }
            let s = *i;
            while *i < b.len() && *i - s < 16 && !ws(b[*i]) {
                *i += 1;
            }
            if *i - s < 3 || !b.get(*i).is_some_and(|&c| ws(c)) {
                return Err("truncated name".into());
            }
            Ok(String::from_utf8_lossy(&b[s..*i]).into_owned())
        };
        let rdlong = |i: &mut usize| -> Result<i64, String> {
            let mut neg = false;
            let mut c;
            loop {
                c = b.get(*i).copied().unwrap_or(0);
                *i += 1;
                match c {
                    0 => return Ok(0),
                    b'-' => neg = true,
                    b' ' | b'\n' => {}
                    _ => break,
                }
            }
            let mut l: i64 = 0;
            while c != b' ' && c != b'\n' {
                if !c.is_ascii_digit() {
                    return Err(format!("non-number {} in name", c as char));
                }
                l = l.wrapping_mul(10).wrapping_add((c - b'0') as i64);
                c = b.get(*i).copied().unwrap_or(0);
                *i += 1;
            }
            Ok(if neg { -l } else { l })
        };
        let stname = rdname(&mut i)?;
        let stdiff = rdlong(&mut i)?;
        let dlname = rdname(&mut i)?;
        let dldiff = rdlong(&mut i)?;
        let mut times = Vec::new();
        loop {
            let t = rdlong(&mut i).map_err(|_| String::from("invalid transition time"))?;
            if t == 0 {
                break;
            }
            times.push(t);
            if times.len() >= 150 {
                return Err(format!("invalid timezone {name}"));
            }
        }
        let dlpairs = times
            .chunks(2)
            .map(|c| (c[0], c.get(1).copied().unwrap_or(0)))
            .collect();
        Ok(Tzone {
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
#[cfg(any(feature = "linux", feature = "native"))]
pub fn tzload(name: &str) -> Option<Tzone> {
    tzload_err(name).ok()
}

/// [`tzload`] with the reason it failed, as 9front's `%r` after
/// `tzload`: the open's error (`local` is 9front's `/env/timezone`, so
/// its absence reads as that file's) or the parse's.
#[cfg(any(feature = "linux", feature = "native"))]
pub fn tzload_err(name: &str) -> Result<Tzone, String> {
    use crate::syscall;
    let text = if name == "local" {
        syscall::getenv("timezone").ok_or_else(|| String::from("file does not exist: '/env/timezone'"))?
    } else {
        let path = format!("/adm/timezone/{name}");
        let fd = syscall::open(&path, syscall::OREAD | syscall::OCEXEC).map_err(|e| String::from(e.as_str()))?;
        let mut buf = alloc::vec![0u8; 150 * 11 + 30];
        let r = syscall::read(fd, &mut buf);
        let _ = syscall::close(fd);
        let n = r.map_err(|e| String::from(e.as_str()))?;
        if n >= buf.len() {
            return Err(format!("invalid timezone {name}"));
        }
        buf.truncate(n);
        buf
    };
    Tzone::parse_err(name, &String::from_utf8_lossy(&text))
}

/// Splits `abs` (seconds since the epoch) into a `Tm` in zone `tz`
/// (GMT when `None`).
pub fn tmtime(abs: i64, tz: Option<&Tzone>) -> Tm {
    tmtimens(abs, 0, tz)
}

/// [`tmtime`] with `ns` nanoseconds past `abs`.
pub fn tmtimens(abs: i64, ns: i64, tz: Option<&Tzone>) -> Tm {
    let mut tm = Tm {
        tz: tz.cloned(),
        ..Tm::default()
    };
    tzoffset(tz, abs, &mut tm);
    tmfill(&mut tm, abs, ns);
    tm
}

fn tzoffset(tz: Option<&Tzone>, abs: i64, tm: &mut Tm) {
    let (zone, off) = match tz {
        Some(z) => z.offset(abs),
        None => ("GMT", 0),
    };
    tm.zone = String::from(zone);
    tm.tzoff = off;
}

const MDAYS: [i64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const NSEC: i64 = 1_000_000_000;
const DAYS400Y: i64 = 365 * 400 + 4 * 25 - 3;
const DAYS4Y: i64 = 365 * 4 + 1;

fn isleap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// 9front's `tmfill`: the fields of `abs` at `tm.tzoff`. C's truncating
/// division throughout; wrapping where C would overflow.
fn tmfill(tm: &mut Tm, abs: i64, nsec: i64) {
    let zrel = abs.wrapping_add(tm.tzoff);
    let mut t = zrel % DAYSEC;
    let mut e = zrel / DAYSEC;
    if t < 0 {
        t += DAYSEC;
        e -= 1;
    }
    t += nsec / NSEC;
    tm.sec = t.rem_euclid(60) as i32;
    t /= 60;
    tm.min = t.rem_euclid(60) as i32;
    t /= 60;
    tm.hour = t.rem_euclid(24) as i32;
    tm.wday = (e + 4).rem_euclid(7) as i32;

    let mut j = zrel.wrapping_add(2_440_588 * DAYSEC) / DAYSEC - 1_721_119;
    let mut y = j.wrapping_mul(4).wrapping_sub(1) / DAYS400Y;
    j = j.wrapping_mul(4).wrapping_sub(1).wrapping_sub(DAYS400Y.wrapping_mul(y));
    let mut d = j / 4;
    j = (4 * d + 3) / DAYS4Y;
    d = 4 * d + 3 - DAYS4Y * j;
    d = (d + 4) / 4;
    let mut m = (5 * d - 3) / 153;
    d = 5 * d - 3 - 153 * m;
    d = (d + 5) / 5;
    y = y.wrapping_mul(100).wrapping_add(j);
    if m < 10 {
        m += 3;
    } else {
        m -= 9;
        y = y.wrapping_add(1);
    }
    // Year 0 does not exist, and a negative j gives a negative day and
    // month too.
    if y <= 0 {
        y -= 1;
    }
    if m < 0 {
        m += 12;
    }
    let mi = (m - 1).clamp(0, 11) as usize;
    if d < 0 {
        d += MDAYS[mi];
    }
    let mut yday = d - 1;
    for md in MDAYS.iter().take(mi) {
        yday += md;
    }
    if m > 1 && isleap(y) {
        yday += 1;
    }
    tm.yday = yday as i32;
    tm.year = y.wrapping_sub(1900) as i32;
    tm.mon = (m - 1) as i32;
    tm.mday = d as i32;
    tm.nsec = nsec.rem_euclid(NSEC) as i32;
}

/// 9front's `tmnorm`: the seconds since the epoch of `tm`'s fields,
/// read in `tm`'s zone; `tm` is refilled from the result.
pub fn tmnorm(tm: &mut Tm) -> i64 {
    let (m, y) = if tm.mon > 1 {
        (tm.mon as i64 - 2, tm.year as i64 + 1900)
    } else {
        (tm.mon as i64 + 10, tm.year as i64 + 1899)
    };
    let d = tm.mday as i64;
    let c = y / 100;
    let yadj = y - 100 * c;
    let j = c * DAYS400Y / 4 + DAYS4Y * yadj / 4 + (153 * m + 2) / 5 + d - 719_469;
    let mut abs = j.wrapping_mul(DAYSEC);
    abs = abs.wrapping_add(tm.hour as i64 * 3600 + tm.min as i64 * 60 + tm.sec as i64);
    if let Some(tz) = tm.tz.take() {
        tzoffset(Some(&tz), abs.wrapping_sub(tm.tzoff), tm);
        tzoffset(Some(&tz), abs.wrapping_sub(tm.tzoff), tm);
        tm.tz = Some(tz);
    }
    abs = abs.wrapping_sub(tm.tzoff);
    let ns = tm.nsec as i64;
    tmfill(tm, abs, ns);
    abs
}

const WDAYNAME: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHNAME: [&str; 12] = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
];

/// The default format of `tmfmt` and date(1).
pub const CTIMEFMT: &str = "WW MMM _D hh:mm:ss ZZZ YYYY";

/// Formats `tm` by tmdate(2)'s format `fmt` (ctime's layout when `None`),
/// as 9front's `%τ` verb does: a run of one letter is one field, its
/// length choosing the form, leading `_`s widening it with spaces; `[...]`
/// is literal text (`\` quoting the next byte); `?` is skipped; other
/// bytes are copied. The error is 9front's `garbled format FMT`.
pub fn tmfmt(tm: &Tm, fmt: Option<&str>) -> Result<String, String> {
    use core::fmt::Write;
    let f = fmt.unwrap_or(CTIMEFMT);
    let p = f.as_bytes();
    let garbled = || format!("garbled format {f}");
    // Bytes are copied as bytes; collected here and checked as UTF-8 at
    // the end (they are the format's own bytes, so they are).
    let mut out: Vec<u8> = Vec::new();
    let mut s = String::new();
    let mon = MONTHNAME[tm.mon.rem_euclid(12) as usize];
    let wd = WDAYNAME[tm.wday.rem_euclid(7) as usize];
    let pp = |pad: usize, w: usize| pad.saturating_sub(w);
    let mut i = 0;
    while i < p.len() {
        let mut w = 1usize;
        let mut pad = 0usize;
        while i < p.len() && p[i] == b'_' {
            pad += 1;
            i += 1;
        }
        if i >= p.len() {
            break;
        }
        let c0 = p[i];
        i += 1;
        while i < p.len() && p[i] == c0 {
            w += 1;
            i += 1;
        }
        pad += w;
        s.clear();
        let np = pad;
        let num = |s: &mut String, v: i64| {
            let _ = write!(s, "{v:>np$}");
        };
        let zero = |s: &mut String, lead: usize, v: i64, digits: usize| {
            let _ = write!(s, "{:lead$}{v:0digits$}", "");
        };
        match c0 {
            b'?' => continue,
            b'Y' => match w {
                1 | 4 => num(&mut s, tm.year as i64 + 1900),
                2 => num(&mut s, (tm.year % 100) as i64),
                _ => return Err(garbled()),
            },
            b'M' => match w {
                1 => num(&mut s, tm.mon as i64 + 1),
                2 => zero(&mut s, pad - 2, tm.mon as i64 + 1, 2),
                3 => {
                    let _ = write!(s, "{:>pad$}", &mon[..3]);
                }
                4 => {
                    let _ = write!(s, "{mon:>pad$}");
                }
                _ => return Err(garbled()),
            },
            b'D' => match w {
                1 => num(&mut s, tm.mday as i64),
                2 => zero(&mut s, pad - 2, tm.mday as i64, 2),
                _ => return Err(garbled()),
            },
            b'o' => {
                if w != 1 {
                    return Err(garbled());
                }
                s.push_str(match tm.mday {
                    1 | 21 | 31 => "st",
                    2 | 22 => "nd",
                    3 | 23 => "rd",
                    _ => "th",
                });
            }
            b'W' => match w {
                1 => num(&mut s, tm.wday as i64 + 1),
                2 => {
                    let _ = write!(s, "{:>pad$}", &wd[..3]);
                }
                3 => {
                    let _ = write!(s, "{wd:>pad$}");
                }
                _ => return Err(garbled()),
            },
            b'H' | b'h' | b'm' | b's' => {
                let v = match c0 {
                    b'H' => tm.hour % 12,
                    b'h' => tm.hour,
                    b'm' => tm.min,
                    _ => tm.sec,
                } as i64;
                match w {
                    1 => num(&mut s, v),
                    2 => zero(&mut s, pad - 2, v, 2),
                    _ => return Err(garbled()),
                }
            }
            b't' => {
                let v = (tm.nsec / 1_000_000) as i64;
                match w {
                    1 => num(&mut s, v % 1000),
                    2 | 3 => zero(&mut s, pp(pad, 3), v % 1000, 3),
                    _ => return Err(garbled()),
                }
            }
            b'u' => {
                let v = (tm.nsec / 1000) as i64;
                match w {
                    1 => num(&mut s, v % 1000),
                    2 => zero(&mut s, pp(pad, 3), v % 1000, 3),
                    3 => {
                        let wd = pp(pad, 6);
                        let _ = write!(s, "{v:>wd$}");
                    }
                    4 => zero(&mut s, pp(pad, 6), v, 6),
                    _ => return Err(garbled()),
                }
            }
            b'n' => {
                let v = tm.nsec as i64;
                match w {
                    1 => num(&mut s, v % 1000),
                    2 => zero(&mut s, pp(pad, 3), v % 1000, 3),
                    3 => num(&mut s, v % 1_000_000),
                    4 => zero(&mut s, pp(pad, 6), v % 1_000_000, 6),
                    5 => num(&mut s, v),
                    6 => zero(&mut s, pp(pad, 9), v, 9),
                    _ => return Err(garbled()),
                }
            }
            b'z' | b'Z' => {
                if c0 == b'z' && w != 1 {
                    return Err(garbled());
                }
                let sgn = if tm.tzoff < 0 { '-' } else { '+' };
                let off = tm.tzoff.unsigned_abs();
                let (h, m) = (off / 3600, (off / 60) % 60);
                if w < 3 && pad < 5 {
                    pad = 5;
                }
                match w {
                    1 => {
                        let _ = write!(s, "{:w$}{sgn}{h:02}{m:02}", "", w = pad - 5);
                    }
                    2 => {
                        let _ = write!(s, "{:w$}{sgn}{h:02}:{m:02}", "", w = pad - 5);
                    }
                    3 => {
                        let _ = write!(s, "{:>pad$}", tm.zone);
                    }
                    // 9front prints nothing for ZZZZ and longer.
                    _ => {}
                }
            }
            b'A' | b'a' => {
                if w != 1 {
                    return Err(garbled());
                }
                let am = match (c0, tm.hour < 12) {
                    (b'a', true) => "am",
                    (b'a', false) => "pm",
                    (_, true) => "AM",
                    (_, false) => "PM",
                };
                let _ = write!(s, "{am:>pad$}");
            }
            b'[' => {
                // A run of '[' is one '[' and then its text.
                let mut depth = 1;
                while i < p.len() {
                    if p[i] == b'[' {
                        depth += 1;
                    }
                    if p[i] == b']' {
                        depth -= 1;
                    }
                    if p[i] == b'\\' {
                        i += 1;
                    }
                    if depth == 0 {
                        break;
                    }
                    match p.get(i) {
                        Some(&b) => out.push(b),
                        None => break,
                    }
                    i += 1;
                }
                if p.get(i) != Some(&b']') {
                    return Err(garbled());
                }
                i += 1;
            }
            _ => {
                for _ in 0..w {
                    out.push(c0);
                }
            }
        }
        out.extend_from_slice(s.as_bytes());
    }
    Ok(String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// The ctime(2) text of `tm`: `WW MMM _D hh:mm:ss ZZZ YYYY` and a
/// newline.
pub fn asctime(tm: &Tm) -> String {
    let mut s = tmfmt(tm, Some("WW MMM _D hh:mm:ss ZZZ YYYY")).unwrap_or_default();
    s.push('\n');
    s
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
        // loadzone's rules: names of 3 or more bytes, numbers ended by a
        // space or newline, a bad transition time.
        assert_eq!(Tzone::parse_err("x", "ES -1 EDT 0\n"), Err("truncated name".into()));
        assert_eq!(Tzone::parse_err("x", "EST -1 EDT 0"), Err("non-number \0 in name".into()));
        assert_eq!(Tzone::parse_err("x", "EST -1 EDT 0 12x\n"), Err("invalid transition time".into()));
        assert_eq!(Tzone::parse_err("x", "EST -1\tEDT 0\n").map(|z| z.stdiff), Err("non-number \t in name".into()));
    }

    // tmdate(2)'s fields, widths and padding, as 9front's τconv prints
    // them: 2020-03-04 05:06:07.123456789 GMT is a Wednesday.
    #[test]
    fn tmfmt_fields() {
        let t = tmtimens(1_583_298_367, 123_456_789, None);
        let f = |s: &str| tmfmt(&t, Some(s)).unwrap();
        assert_eq!(f(CTIMEFMT), "Wed Mar  4 05:06:07 GMT 2020");
        assert_eq!(tmfmt(&t, None).unwrap(), "Wed Mar  4 05:06:07 GMT 2020");
        assert_eq!(f("YYYY-MM-DDThh:mm:ssZZ"), "2020-03-04T05:06:07+00:00");
        assert_eq!(f("YYYY-MM-DD"), "2020-03-04");
        assert_eq!(f("Y YY M MMMM D Do W WWW"), "2020 20 3 March 4 4th 4 Wednesday");
        assert_eq!(f("_MM|__D|___hh|_W"), " 03|  4|   05| 4");
        assert_eq!(f("H:hh a A"), "5:05 am AM");
        assert_eq!(f("t tt u uu uuu uuuu"), "123 123 456 456 123456 123456");
        assert_eq!(f("n nn nnn nnnn nnnnn nnnnnn"), "789 789 456789 456789 123456789 123456789");
        assert_eq!(f("Z z ZZZZ|"), "+0000 +0000 |");
        assert_eq!(f("[YYYY \\] [x]] ?Y"), "YYYY ] [x] 2020");
        assert_eq!(f("%é!"), "%é!");
        for bad in ["YYY", "MMMMM", "DDD", "oo", "WWWW", "hhh", "tttt", "zz", "aa", "[abc"] {
            assert_eq!(tmfmt(&t, Some(bad)), Err(format!("garbled format {bad}")), "{bad}");
        }
        let z = Tzone::parse("x", "EST -18000 EDT -14400\n").unwrap();
        let t = tmtime(1_583_298_367, Some(&z));
        assert_eq!(tmfmt(&t, Some("Z ZZ ZZZ _____ZZZ hh")).unwrap(), "-0500 -05:00 EST      EST 00");
    }

    #[test]
    fn tmnorm_inverts_tmtime() {
        let z = Tzone::parse("US_Eastern", "EST -18000 EDT -14400 1583650800 1604210400\n").unwrap();
        for abs in [0i64, 951_782_400, 1_583_298_367, 1_590_000_000, -1, -86_400 * 800] {
            let mut t = tmtime(abs, Some(&z));
            assert_eq!(tmnorm(&mut t), abs);
            let mut t = tmtime(abs, None);
            assert_eq!(tmnorm(&mut t), abs);
        }
        // Fields out of range roll over: 2020-02-30 is 2020-03-01.
        let mut t = tmtime(1_583_298_367, None);
        t.mon = 1;
        t.mday = 30;
        tmnorm(&mut t);
        assert_eq!((t.mon, t.mday), (2, 1));
    }

    // 9front's tmfill skips year 0: the day before 1 Jan 1 AD is in 1 BC,
    // year -1.
    #[test]
    fn no_year_zero() {
        let t = tmtime(-62_135_596_800, None); // 0001-01-01
        assert_eq!((t.year + 1900, t.mon, t.mday), (1, 0, 1));
        let t = tmtime(-62_135_596_800 - 86_400, None);
        assert_eq!((t.year + 1900, t.mon, t.mday), (-1, 11, 31));
    }
}
