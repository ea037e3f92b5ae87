//! The PC's battery-backed real-time clock (the CMOS clock) and its
//! device `#r`: a port of 9front's `sys/src/9/pc/devrtc.c`.
//!
//! The clock: `_rtctime` (wait until the update-in-progress bit is clear,
//! read seconds, minutes, hours, day, month and year, check the bit
//! again), `rtctime` (read until two readings agree, at most 100 times,
//! else "we are boofheads"), the BCD conversion both ways, the century
//! rule (a year below 70 is 20xx), `yrsize`, `rtc2sec` and `sec2rtc`. As
//! 9front's, it assumes the clock counts in BCD and 24-hour mode, and in
//! UTC.
//!
//! The device `#r` ([`DevRtc`]) has two files:
//!
//! - `rtc` (0664): reads as the clock's seconds since the epoch, as
//!   `readnum` formats a number (11 columns and a blank); eve may write a
//!   number of seconds (the first digits of at most 31 bytes, read as
//!   `strtoul` with base 0 reads them) to set the clock.
//! - `nvram` (0664, length 256, eve only, also for reading): the CMOS
//!   bytes, at CMOS index 128 + offset as 9front's (the index is a byte,
//!   so offsets 128 and up wrap to index 0 and up).
//!
//! A write to either file at an offset other than 0 is "bad arg in system
//! call", as 9front's.
//!
//! What differs: the device reaches the CMOS through [`Cmos`] (the
//! kernel's port I/O under `nvrtlock`, a fake in the host tests);
//! `rtcinit`'s `ioalloc` of the ports is in the kernel's `ioinit`
//! (pc/devarch.rs). 9front leaves setting the time of day from the clock
//! to user level (`bootrc` writes `#r/rtc` to `/dev/time`); planten's
//! main.rs also sets it at boot with [`rtctime`].
//!
//! The conversions and the device are tested on the host
//! (pc64/tests/pc.rs).

use alloc::sync::Arc;

use plibc::fcall::{Qid, DMDIR, OREAD, QTDIR};
use port::chan::Chan;
use port::dev::*;
use port::devcons::readnum;
use port::portdat::{Up, NUMSIZE};
use port::portfns::Sched;
use port::sysfile::openmode;
use port::{Error, Result};

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

/// `sec2rtc`: the reading for `secs` seconds since 1 January 1970 (a
/// `ulong`, 32 bits, on 9front's amd64).
pub fn sec2rtc(secs: u32) -> Rtc {
    let secs = secs as u64;
    let hms = secs % SEC2DAY;
    let mut day = secs / SEC2DAY;
    let mut year = 1970;
    while day >= yrsize(year)[0] {
        day -= yrsize(year)[0];
        year += 1;
    }
    let d2m = yrsize(year);
    let mut mon = 1;
    while day >= d2m[mon] {
        day -= d2m[mon];
        mon += 1;
    }
    Rtc {
        sec: (hms % 60) as u32,
        min: (hms / 60 % 60) as u32,
        hour: (hms / 3600) as u32,
        mday: day as u32 + 1,
        mon: mon as u32,
        year,
    }
}

/// `PUTBCD`: the low two decimal digits of `n` in BCD.
pub fn putbcd(n: u32) -> u8 {
    ((n % 10) | ((n / 10) % 10) << 4) as u8
}

/// A reading as the clock's six BCD registers (seconds ... year), the
/// year's last two digits only.
pub fn tobcd(r: &Rtc) -> [u8; 6] {
    [putbcd(r.sec), putbcd(r.min), putbcd(r.hour), putbcd(r.mday), putbcd(r.mon), putbcd(r.year)]
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

/// `Paddr` and `Pdata`'s registers the device names.
const SECONDS: u8 = 0x00;
const MINUTES: u8 = 0x02;
const HOURS: u8 = 0x04;
const MDAY: u8 = 0x07;
const MONTH: u8 = 0x08;
const YEAR: u8 = 0x09;
/// Where usable NVRAM lives, and its size.
pub const NVOFF: u32 = 128;
pub const NVSIZE: u32 = 256;

/// The CMOS registers, while `nvrtlock` is held.
pub trait CmosRegs {
    /// Select register `index` and read it.
    fn get(&self, index: u8) -> u8;
    /// Select register `index` and write `v`.
    fn put(&self, index: u8, v: u8);
}

/// What `#r` needs from the machine.
pub trait Cmos: Send + Sync {
    /// `rtctime`: the clock's seconds since the epoch.
    fn rtctime(&self) -> u64;
    /// Run `f` with the registers, under `nvrtlock`.
    fn locked(&self, f: &mut dyn FnMut(&dyn CmosRegs));
}

const QDIR: u64 = 0;
const QRTC: u64 = 1;
const QNVRAM: u64 = 2;

const fn q(path: u64, typ: u8) -> Qid {
    Qid { path, vers: 0, typ }
}

/// `rtcdir`.
const RTCDIR: &[Dirtab] = &[
    Dirtab::new(".", q(QDIR, QTDIR), 0, DMDIR | 0o555),
    Dirtab::new("nvram", q(QNVRAM, 0), NVSIZE as u64, 0o664),
    Dirtab::new("rtc", q(QRTC, 0), 0, 0o664),
];

/// The seconds a write to `rtc` gives: its first 31 bytes at most (more
/// is an error), up to a NUL, from the first digit on, as `strtoul` with
/// base 0 reads them.
pub fn rtcwritesecs(buf: &[u8]) -> Result<u32> {
    if buf.len() >= 32 {
        return Err(Error::Ebadarg);
    }
    let s = match buf.iter().position(|&c| c == 0) {
        Some(i) => &buf[..i],
        None => buf,
    };
    let from = s.iter().position(|c| c.is_ascii_digit()).unwrap_or(s.len());
    Ok(plibc::strtoul::strtoul(&s[from..], 0).0)
}

/// The `#r` device.
pub struct DevRtc {
    cmos: Arc<dyn Cmos>,
}

impl DevRtc {
    /// The device over the machine's CMOS.
    pub fn new(cmos: Arc<dyn Cmos>) -> DevRtc {
        DevRtc { cmos }
    }
}

fn iseve<S: Sched>(up: &Up<S>) -> bool {
    up.user == up.devtab.eve
}

impl<S: Sched> Dev<S> for DevRtc {
    fn dc(&self) -> char {
        'r'
    }
    fn name(&self) -> &str {
        "rtc"
    }
    fn attach(&self, up: &Up<S>, spec: &str) -> Result<Chan<S>> {
        devattach(up, 'r', spec)
    }
    fn walk(&self, up: &Up<S>, c: &Chan<S>, names: &[&str]) -> Result<Walkqid<S>> {
        devwalk(up, c, names, RTCDIR, None)
    }
    fn stat(&self, up: &Up<S>, c: &Chan<S>, db: &mut [u8]) -> Result<usize> {
        devstat(up, c, db, RTCDIR, None)
    }
    fn open(&self, up: &Up<S>, c: Chan<S>, omode: u32) -> Result<Arc<Chan<S>>> {
        let mode = openmode(omode)? as u32;
        match c.qid.path {
            QRTC if !iseve(up) && mode != OREAD as u32 => return Err(Error::Eperm),
            QNVRAM if !iseve(up) => return Err(Error::Eperm),
            _ => {}
        }
        devopen(up, c, mode, RTCDIR, None)
    }
    fn close(&self, _c: &mut Chan<S>) {}
    fn read(&self, up: &Up<S>, c: &Chan<S>, buf: &mut [u8], off: i64) -> Result<usize> {
        if c.qid.typ & QTDIR != 0 {
            return devdirread(up, c, buf, RTCDIR, None);
        }
        // 9front's offset is a ulong.
        let offset = off as u32;
        match c.qid.path {
            QRTC => Ok(readnum(offset as u64, buf, self.cmos.rtctime() as u32, NUMSIZE)),
            QNVRAM => {
                let n = buf.len().min(NVSIZE as usize);
                let mut t = offset;
                self.cmos.locked(&mut |r| {
                    while (t - offset) < n as u32 && t < NVSIZE {
                        buf[(t - offset) as usize] = r.get((NVOFF + t) as u8);
                        t += 1;
                    }
                });
                Ok((t - offset) as usize)
            }
            _ => Err(Error::Ebadarg),
        }
    }
    fn write(&self, _up: &Up<S>, c: &Chan<S>, buf: &[u8], off: i64) -> Result<usize> {
        if off as u32 != 0 {
            return Err(Error::Ebadarg);
        }
        match c.qid.path {
            QRTC => {
                let bcd = tobcd(&sec2rtc(rtcwritesecs(buf)?));
                self.cmos.locked(&mut |r| {
                    for (reg, v) in [SECONDS, MINUTES, HOURS, MDAY, MONTH, YEAR].into_iter().zip(bcd) {
                        r.put(reg, v);
                    }
                });
                Ok(buf.len())
            }
            QNVRAM => {
                let n = buf.len().min(NVSIZE as usize);
                self.cmos.locked(&mut |r| {
                    for (t, &v) in buf[..n].iter().enumerate() {
                        r.put((NVOFF + t as u32) as u8, v);
                    }
                });
                Ok(n)
            }
            _ => Err(Error::Ebadarg),
        }
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

    struct Regs;

    impl super::CmosRegs for Regs {
        fn get(&self, index: u8) -> u8 {
            rd(index)
        }
        fn put(&self, index: u8, v: u8) {
            // SAFETY: the CMOS index and data ports; the caller holds
            // nvrtlock, so no other selection intervenes. Writing the
            // clock or NVRAM bytes touches no memory.
            unsafe {
                outb(PADDR, index);
                outb(PDATA, v);
            }
        }
    }

    /// The kernel's CMOS for `#r`.
    pub struct KCmos;

    impl super::Cmos for KCmos {
        fn rtctime(&self) -> u64 {
            rtctime()
        }
        fn locked(&self, f: &mut dyn FnMut(&dyn super::CmosRegs)) {
            let _g = NVRTLOCK.ilock();
            f(&Regs);
        }
    }
}

#[cfg(not(test))]
pub use hw::{rtctime, KCmos};

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

    #[test]
    fn sec2rtc_inverts_rtc2sec() {
        // devrtc.c's sec2rtc: days, then years from 1970, then months of
        // that year (leap years by yrsize).
        let t = sec2rtc(1_795_523_696);
        assert_eq!((t.year, t.mon, t.mday, t.hour, t.min, t.sec), (2026, 11, 24, 12, 34, 56));
        let t = sec2rtc(1_709_168_523);
        assert_eq!((t.year, t.mon, t.mday), (2024, 2, 29));
        assert_eq!(sec2rtc(0), Rtc { sec: 0, min: 0, hour: 0, mday: 1, mon: 1, year: 1970 });
        // The last second of the 32-bit ulong: 2106-02-07 06:28:15.
        let t = sec2rtc(u32::MAX);
        assert_eq!((t.year, t.mon, t.mday, t.hour, t.min, t.sec), (2106, 2, 7, 6, 28, 15));
        for s in [0u32, 59, 86_399, 951_782_400, 1_000_000_000, 1_709_168_523, 3_155_759_999] {
            assert_eq!(rtc2sec(&sec2rtc(s)), s as u64, "{s}");
            // Through the clock's BCD registers and back (years 1970-2069).
            assert_eq!(rtc2sec(&frombcd(&tobcd(&sec2rtc(s)))), s as u64, "{s}");
        }
        // PUTBCD keeps the year's last two digits.
        assert_eq!(tobcd(&sec2rtc(1_795_523_696)), [0x56, 0x34, 0x12, 0x24, 0x11, 0x26]);
        assert_eq!(putbcd(2106), 0x06);
    }

    #[test]
    fn rtc_write_reads_the_first_number() {
        // rtcwrite: at most 31 bytes, from the first digit, strtoul(cp, 0, 0).
        assert_eq!(rtcwritesecs(b"1795523696\n").unwrap(), 1_795_523_696);
        assert_eq!(rtcwritesecs(b"time: 42").unwrap(), 42);
        assert_eq!(rtcwritesecs(b"0x10").unwrap(), 16);
        assert_eq!(rtcwritesecs(b"010").unwrap(), 8);
        assert_eq!(rtcwritesecs(b"none").unwrap(), 0);
        assert_eq!(rtcwritesecs(b"99999999999").unwrap(), u32::MAX);
        assert_eq!(rtcwritesecs(&[b'1'; 32]), Err(Error::Ebadarg));
    }

    use crate::hostdev::*;
    use alloc::vec::Vec;
    use plibc::fcall::{ORDWR, OWRITE};
    use port::sysfile::{sysopen, syspread, syspwrite};
    use std::sync::Mutex;

    /// A CMOS of 128 registers, indexed as the chip does (bit 7, the NMI
    /// mask, ignored), with a log of the indexes written.
    struct FakeCmos {
        regs: Mutex<[u8; 128]>,
        puts: Mutex<Vec<u8>>,
    }

    impl CmosRegs for FakeCmos {
        fn get(&self, index: u8) -> u8 {
            self.regs.lock().unwrap()[(index & 0x7f) as usize]
        }
        fn put(&self, index: u8, v: u8) {
            self.puts.lock().unwrap().push(index);
            self.regs.lock().unwrap()[(index & 0x7f) as usize] = v;
        }
    }

    impl Cmos for FakeCmos {
        fn rtctime(&self) -> u64 {
            let r = self.regs.lock().unwrap();
            rtc2sec(&frombcd(&[r[0], r[2], r[4], r[7], r[8], r[9]]))
        }
        fn locked(&self, f: &mut dyn FnMut(&dyn CmosRegs)) {
            f(self)
        }
    }

    fn rtcworld(user: &str) -> (Up<H>, Arc<FakeCmos>) {
        let mut regs = [0u8; 128];
        for (i, r) in regs.iter_mut().enumerate() {
            *r = i as u8;
        }
        // 24 Nov 2026 12:34:56.
        for (i, v) in [(0, 0x56), (2, 0x34), (4, 0x12), (7, 0x24), (8, 0x11), (9, 0x26)] {
            regs[i] = v;
        }
        let c = Arc::new(FakeCmos {
            regs: Mutex::new(regs),
            puts: Mutex::new(Vec::new()),
        });
        (hostworld(Arc::new(DevRtc::new(c.clone())), user), c)
    }

    #[test]
    fn rtc_reads_as_readnum_of_the_clock() {
        // rtcread: readnum(offset, buf, n, rtctime(), 12).
        let (up, _) = rtcworld(USER);
        assert_eq!(readfile(&up, "#r/rtc", 0), " 1795523696 ");
        assert_eq!(readfile(&up, "#r/rtc", 4), "5523696 ");
        assert_eq!(ls(&up, "#r"), [("nvram".into(), 0o664, 256), ("rtc".into(), 0o664, 0)]);
    }

    #[test]
    fn only_eve_sets_the_clock_or_touches_nvram() {
        // rtcopen: anyone may open rtc for reading; writing it and any
        // open of nvram are eve's.
        let (up, _) = rtcworld(USER);
        assert_eq!(err(sysopen(&up, "#r/rtc", OWRITE as u32)), "permission denied: '#r/rtc'");
        assert_eq!(err(sysopen(&up, "#r/nvram", 0)), "permission denied: '#r/nvram'");
    }

    #[test]
    fn writing_rtc_sets_the_bcd_registers() {
        // rtcwrite: sec2rtc, PUTBCD, then Seconds, Minutes, Hours, Mday,
        // Month, Year written in that order; offset must be 0.
        let (up, c) = rtcworld(EVE);
        let fd = sysopen(&up, "#r/rtc", ORDWR as u32).unwrap() as i32;
        assert_eq!(syspwrite(&up, fd, b"1000000000", 0).unwrap(), 10);
        assert_eq!(*c.puts.lock().unwrap(), [0, 2, 4, 7, 8, 9]);
        // 2001-09-09 01:46:40.
        let r = *c.regs.lock().unwrap();
        assert_eq!([r[0], r[2], r[4], r[7], r[8], r[9]], [0x40, 0x46, 0x01, 0x09, 0x09, 0x01]);
        assert_eq!(readfile(&up, "#r/rtc", 0), " 1000000000 ");
        assert_eq!(err(syspwrite(&up, fd, b"5", 1)), "bad arg in system call");
        assert_eq!(err(syspwrite(&up, fd, &[b'7'; 40], 0)), "bad arg in system call");
    }

    #[test]
    fn nvram_is_cmos_from_index_128() {
        // rtcread/rtcwrite of nvram: byte t at CMOS index Nvoff+t (a
        // uchar), at most Nvsize bytes, nothing past Nvsize.
        let (up, c) = rtcworld(EVE);
        let fd = sysopen(&up, "#r/nvram", ORDWR as u32).unwrap() as i32;
        let mut b = [0u8; 300];
        assert_eq!(syspread(&up, fd, &mut b, 0).unwrap(), 256);
        // Index 0x80|t selects register t; from offset 128 the index wraps.
        assert_eq!(b[20], 20);
        assert_eq!(b[128 + 20], 20);
        assert_eq!(syspread(&up, fd, &mut b[..10], 250).unwrap(), 6);
        assert_eq!(syspread(&up, fd, &mut b[..10], 256).unwrap(), 0);
        assert_eq!(syspwrite(&up, fd, &[0xaa; 300], 0).unwrap(), 256);
        let puts = c.puts.lock().unwrap().clone();
        assert_eq!(puts.len(), 256);
        assert_eq!((puts[0], puts[127], puts[128], puts[255]), (0x80, 0xff, 0x00, 0x7f));
        assert_eq!(err(syspwrite(&up, fd, b"x", 3)), "bad arg in system call");
        assert_eq!(syspwrite(&up, fd, b"", 0).unwrap(), 0);
    }
}
