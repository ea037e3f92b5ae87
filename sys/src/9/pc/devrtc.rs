//! The PC's battery-backed real-time clock (the CMOS clock).
//!
//! Ports the clock-reading part of 9front `sys/src/9/pc/devrtc.c`:
//! `_rtctime` (wait until the update-in-progress bit is clear, read
//! seconds, minutes, hours, day, month and year, check the bit again),
//! `rtctime` (read until two readings agree, at most 100 times, else
//! "we are boofheads"), the BCD conversion, the century rule (a year
//! below 70 is 20xx), `yrsize` and `rtc2sec`. As 9front's, it assumes
//! the clock counts in BCD and 24-hour mode, and in UTC.
//!
//! Not ported: the `#r` device (`rtc` and `nvram` files), `rtcwrite`'s
//! `sec2rtc`, and NVRAM access. 9front leaves setting the time of day
//! from the clock to user level (`aux/timesync` reading `#r/rtc`);
//! planten's main.rs does it at boot with [`rtctime`].
//!
//! The conversion is pure and tested on the host (pc64/tests/pc.rs).

const SEC2MIN: u64 = 60;
const SEC2HOUR: u64 = 60 * SEC2MIN;
const SEC2DAY: u64 = 24 * SEC2HOUR;

/// A reading of the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rtc {
    pub sec: u32,
    pub min: u32,
    pub hour: u32,
    pub mday: u32,
    pub mon: u32,
    pub year: u32,
}

const DMSIZE: [u64; 13] = [365, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const LDMSIZE: [u64; 13] = [366, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// `yrsize`: the days of year `y` and of each of its months.
pub fn yrsize(y: u32) -> &'static [u64; 13] {
    if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) {
        &LDMSIZE
    } else {
        &DMSIZE
    }
}

/// `rtc2sec`: seconds since 1 January 1970.
pub fn rtc2sec(rtc: &Rtc) -> u64 {
    let mut secs = 0;
    for y in 1970..rtc.year {
        secs += yrsize(y)[0] * SEC2DAY;
    }
    let d2m = yrsize(rtc.year);
    for m in 1..(rtc.mon as usize).min(13) {
        secs += d2m[m] * SEC2DAY;
    }
    secs += (rtc.mday.max(1) as u64 - 1) * SEC2DAY;
    secs += rtc.hour as u64 * SEC2HOUR;
    secs += rtc.min as u64 * SEC2MIN;
    secs + rtc.sec as u64
}

/// `GETBCD`.
pub fn getbcd(b: u8) -> u32 {
    (b & 0xf) as u32 + 10 * (b >> 4) as u32
}

/// The clock's six BCD registers (seconds ... year) as a reading, with
/// 9front's century rule.
pub fn frombcd(bcd: &[u8; 6]) -> Rtc {
    let mut year = getbcd(bcd[5]);
    year += if year < 70 { 2000 } else { 1900 };
    Rtc {
        sec: getbcd(bcd[0]),
        min: getbcd(bcd[1]),
        hour: getbcd(bcd[2]),
        mday: getbcd(bcd[3]),
        mon: getbcd(bcd[4]),
        year,
    }
}

#[cfg(not(test))]
mod hw {
    use crate::l::{inb, outb};
    use crate::taslock::ILock;

    const PADDR: u16 = 0x70;
    const PDATA: u16 = 0x71;
    const REGS: [u8; 6] = [0x00, 0x02, 0x04, 0x07, 0x08, 0x09];
    const STATUS: u8 = 0x0A;

    /// `nvrtlock`.
    static NVRTLOCK: ILock<()> = ILock::new_const(());

    fn rd(r: u8) -> u8 {
        // SAFETY: the CMOS index and data ports of every PC; selecting
        // and reading a clock register touches no memory.
        unsafe {
            outb(PADDR, r);
            inb(PDATA)
        }
    }

    /// `_rtctime`.
    fn rtctime1() -> u64 {
        let mut bcd = [0u8; 6];
        for _ in 0..10000 {
            if rd(STATUS) & 0x80 != 0 {
                continue;
            }
            for (b, r) in bcd.iter_mut().zip(REGS) {
                *b = rd(r);
            }
            if rd(STATUS) & 0x80 == 0 {
                break;
            }
        }
        super::rtc2sec(&super::frombcd(&bcd))
    }

    /// `rtctime`: seconds since the epoch by the clock.
    pub fn rtctime() -> u64 {
        let _g = NVRTLOCK.ilock();
        let mut t = rtctime1();
        for _ in 0..100 {
            let ot = t;
            t = rtctime1();
            if ot == t {
                return t;
            }
        }
        print!("we are boofheads\n");
        t
    }
}

#[cfg(not(test))]
pub use hw::rtctime;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_since_the_epoch() {
        // Checked against Python's calendar.timegm.
        let r = |year, mon, mday, hour, min, sec| Rtc {
            sec,
            min,
            hour,
            mday,
            mon,
            year,
        };
        assert_eq!(rtc2sec(&r(1970, 1, 1, 0, 0, 0)), 0);
        assert_eq!(rtc2sec(&r(1970, 3, 1, 0, 0, 0)), 5_097_600);
        assert_eq!(rtc2sec(&r(2000, 1, 1, 0, 0, 0)), 946_684_800);
        assert_eq!(rtc2sec(&r(2024, 2, 29, 1, 2, 3)), 1_709_168_523);
        assert_eq!(rtc2sec(&r(2026, 11, 24, 12, 34, 56)), 1_795_523_696);
        assert_eq!(rtc2sec(&r(2069, 12, 31, 23, 59, 59)), 3_155_759_999);
    }

    #[test]
    fn bcd_and_century() {
        assert_eq!(getbcd(0x59), 59);
        // 24 Nov 26, 12:34:56 in BCD: the twenty-first century.
        let t = frombcd(&[0x56, 0x34, 0x12, 0x24, 0x11, 0x26]);
        assert_eq!(rtc2sec(&t), 1_795_523_696);
        // 99 is 1999, 69 is 2069.
        assert_eq!(frombcd(&[0, 0, 0, 1, 1, 0x99]).year, 1999);
        assert_eq!(frombcd(&[0, 0, 0, 1, 1, 0x69]).year, 2069);
        assert!(yrsize(2000)[0] == 366 && yrsize(1900)[0] == 365 && yrsize(2024)[0] == 366);
    }
}
