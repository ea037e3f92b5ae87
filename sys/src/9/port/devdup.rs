//! The dup device `#d`: a port of 9front's `port/devdup.c`.
//!
//! `#d` is a directory of the current process's open descriptors: for
//! descriptor `n`, a file `n` and a file `nctl`. Opening `n` gives the
//! descriptor's own channel (what `dup(n, -1)` would), no longer a file
//! of `#d`; its mode must agree with the descriptor's (`Ebadusefd`), as
//! fdtochan checks. Reading `nctl` gives the line `/proc/n/fd` has for
//! the descriptor ([`procfdprint`]). The entry of `n` has mode 0400, 0200
//! or 0600 as the descriptor is open for reading, writing or both, that
//! of `nctl` 0400; both belong to eve and have length 0. A qid path is
//! `2*n + 1` for `n` and `2*n + 2` for `nctl`.
//!
//! What differs from 9front:
//!
//! - A walk to a name finds its entry at once (a name is a number, in
//!   canonical form, or one followed by `ctl`) instead of listing every
//!   descriptor until it matches; what matches is the same.
//! - A read of a descriptor file, which 9front never reaches (it
//!   panics), is `Egreg`.

use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;

use libc::fcall::{Qid, ORCLOSE, OREAD, QTAUTH, QTDIR, QTFILE};

use crate::chan::{chanpath, Chan};
use crate::dev::{
    devattach, devdir, devdirread, devstat, devwalk, Dev, Dirtab, Gen, Walkqid, DEVDOTDOT,
};
use crate::portdat::{Up, COPEN};
use crate::portfns::Sched;
use crate::sysfile::openmode;
use crate::{Error, Result};

/// `procfdprint`: the line of `/proc/n/fd` (and of `#d/nctl`) for the
/// channel `c` open as descriptor `fd`: the descriptor, its mode (`r`,
/// `w`, `rw`), the device's letter and instance, the qid (path in 16 hex
/// digits, version, type in 2), the iounit, the offset and the name.
pub fn procfdprint<S: Sched>(up: &Up<S>, c: &Chan<S>, fd: usize) -> String {
    let mode = ["r ", "w ", "rw", ""][(c.mode & 3) as usize];
    let dc = up.devtab.get(c.typ).map_or('?', |d| d.dc());
    format!(
        "{:3} {} {} {:4} ({:016x} {} {:02x}) {:5} {:8} {}\n",
        fd,
        mode,
        dc,
        c.dev,
        c.qid.path,
        c.qid.vers,
        c.qid.typ,
        c.iounit,
        c.offset(),
        chanpath(c)
    )
}

/// `readstr`: read the string `s` at `off`.
fn readstr(off: i64, buf: &mut [u8], s: &str) -> usize {
    let s = s.as_bytes();
    let Ok(off) = usize::try_from(off) else {
        return 0;
    };
    if off >= s.len() {
        return 0;
    }
    let n = buf.len().min(s.len() - off);
    buf[..n].copy_from_slice(&s[off..off + n]);
    n
}

/// The descriptor and whether it is the ctl file of a name of `#d`, if
/// it is one in canonical form.
fn parsename(name: &str) -> Option<(usize, bool)> {
    let (num, ctl) = match name.strip_suffix("ctl") {
        Some(n) => (n, true),
        None => (name, false),
    };
    let fd: usize = num.parse().ok()?;
    (format!("{fd}") == num).then_some((fd, ctl))
}

/// The dup device, `#d`.
#[derive(Default)]
pub struct DevDup;

impl DevDup {
    /// The device.
    pub fn new() -> DevDup {
        DevDup
    }

    /// The entry of index `s`: 0 is nothing; `2*fd + 1` is `fd`,
    /// `2*fd + 2` is `fdctl`.
    fn entry<S: Sched>(up: &Up<S>, c: &Chan<S>, s: usize) -> Gen {
        if s == 0 {
            return Gen::Skip;
        }
        let s = s - 1;
        let fd = s / 2;
        let mode = {
            let t = up.fgrp.lock();
            if fd > t.maxfd {
                return Gen::Done;
            }
            match t.fd.get(fd) {
                Some(Some(f)) => f.mode,
                _ => return Gen::Skip,
            }
        };
        let (name, perm) = if s & 1 != 0 {
            (format!("{fd}ctl"), 0o400)
        } else {
            (
                format!("{fd}"),
                [0o400, 0o200, 0o600, 0][(mode & 3) as usize],
            )
        };
        let q = Qid {
            path: s as u64 + 1,
            vers: 0,
            typ: QTFILE,
        };
        Gen::Entry(devdir(up, c, q, &name, 0, &up.devtab.eve, perm))
    }

    /// `dupgen`.
    fn gen<S: Sched>(up: &Up<S>, c: &Chan<S>, name: Option<&str>, s: i32) -> Result<Gen> {
        if s == DEVDOTDOT {
            return Ok(Gen::Entry(devdir(
                up,
                c,
                c.qid,
                ".",
                0,
                &up.devtab.eve,
                0o555,
            )));
        }
        if let Some(name) = name {
            // The entry of that name, if any, whatever the index.
            let s = parsename(name)
                .and_then(|(fd, ctl)| fd.checked_mul(2)?.checked_add(1 + ctl as usize));
            return Ok(match s.map(|s| Self::entry(up, c, s)) {
                Some(Gen::Entry(d)) => Gen::Entry(d),
                _ => Gen::Done,
            });
        }
        match usize::try_from(s) {
            Ok(s) => Ok(Self::entry(up, c, s)),
            Err(_) => Ok(Gen::Done),
        }
    }
}

impl<S: Sched> Dev<S> for DevDup {
    fn dc(&self) -> char {
        'd'
    }

    fn name(&self) -> &str {
        "dup"
    }

    fn attach(&self, up: &Up<S>, spec: &str) -> Result<Chan<S>> {
        devattach(up, 'd', spec)
    }

    fn walk(&self, up: &Up<S>, c: &Chan<S>, names: &[&str]) -> Result<Walkqid<S>> {
        let g =
            |up: &Up<S>, c: &Chan<S>, n: Option<&str>, _: &[Dirtab], i: i32| Self::gen(up, c, n, i);
        devwalk(up, c, names, &[], Some(&g))
    }

    fn stat(&self, up: &Up<S>, c: &Chan<S>, db: &mut [u8]) -> Result<usize> {
        let g =
            |up: &Up<S>, c: &Chan<S>, n: Option<&str>, _: &[Dirtab], i: i32| Self::gen(up, c, n, i);
        devstat(up, c, db, &[], Some(&g))
    }

    fn open(&self, up: &Up<S>, mut c: Chan<S>, omode: u32) -> Result<Arc<Chan<S>>> {
        if omode & ORCLOSE as u32 != 0 {
            return Err(Error::Eperm);
        }
        if c.qid.typ & QTDIR != 0 {
            if omode != 0 {
                return Err(Error::Eisdir);
            }
            c.mode = OREAD;
            c.setflag(COPEN);
            c.set_offset(0);
            return Ok(Arc::new(c));
        }
        if c.qid.typ & QTAUTH != 0 {
            return Err(Error::Eperm);
        }
        let twicefd = c.qid.path.wrapping_sub(1);
        let fd = twicefd / 2;
        if twicefd & 1 != 0 {
            c.mode = openmode(omode)?;
            c.setflag(COPEN);
            c.set_offset(0);
            return Ok(Arc::new(c));
        }
        let mode = openmode(omode)?;
        let fd = i32::try_from(fd).map_err(|_| Error::Ebadfd)?;
        // The descriptor's own channel; ours is closed as it is dropped.
        up.fgrp.fdtochan(fd, Some(mode as u32), false)
    }

    fn close(&self, _c: &mut Chan<S>) {}

    fn read(&self, up: &Up<S>, c: &Chan<S>, buf: &mut [u8], off: i64) -> Result<usize> {
        if c.qid.typ == QTDIR {
            let g = |up: &Up<S>, c: &Chan<S>, n: Option<&str>, _: &[Dirtab], i: i32| {
                Self::gen(up, c, n, i)
            };
            return devdirread(up, c, buf, &[], Some(&g));
        }
        let twicefd = c.qid.path.wrapping_sub(1);
        if twicefd & 1 == 0 {
            return Err(Error::Egreg);
        }
        let fd = i32::try_from(twicefd / 2).map_err(|_| Error::Ebadfd)?;
        let f = up.fgrp.fdtochan(fd, None, false)?;
        let s = procfdprint(up, &f, fd as usize);
        drop(f);
        Ok(readstr(off, buf, &s))
    }

    fn write(&self, _up: &Up<S>, _c: &Chan<S>, _buf: &[u8], _off: i64) -> Result<usize> {
        Err(Error::Eperm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chan::setroot;
    use crate::dev::Devtab;
    use crate::portdat::MREPL;
    use crate::sysfile::*;
    use crate::testdev::*;
    use alloc::vec::Vec;
    use libc::fcall::{Dir, OEXEC, ORDWR, OTRUNC, OWRITE};

    /// world() with #d in the device table, bound on /x.
    fn dupworld() -> World {
        let mut w = world();
        let devs: Vec<Arc<dyn Dev<H>>> = alloc::vec![w.y.clone(), w.z.clone(), Arc::new(DevDup)];
        let mut up = Up::new(Arc::new(Devtab::new(EVE, devs).unwrap()), USER);
        setroot(&mut up, "#Yroot").unwrap();
        sysbind(&up, "#d", "/x", MREPL).unwrap();
        w.up = up;
        w
    }

    fn rd(up: &Up<H>, fd: usize, n: usize) -> Result<String> {
        let mut b = alloc::vec![0u8; n];
        let k = sysread(up, fd as i32, &mut b)?;
        Ok(String::from_utf8_lossy(&b[..k]).into_owned())
    }

    #[test]
    fn the_directory_lists_open_descriptors() {
        // dup(3): for each open descriptor n, files n and nctl; n's mode
        // 0400, 0200 or 0600 after the descriptor's, nctl's 0400; eve
        // owns them; length 0.
        let w = dupworld();
        let up = &w.up;
        let r = sysopen(up, "/f", OREAD as u32).unwrap();
        let wr = sysopen(up, "/f", OWRITE as u32).unwrap();
        let rw = sysopen(up, "/f", ORDWR as u32).unwrap();
        sysclose(up, wr as i32).unwrap();
        let e = sysopen(up, "#Z/x", OEXEC as u32).unwrap();
        assert_eq!((r, wr, rw, e), (0, 1, 2, 1));
        sysclose(up, 1).unwrap();
        let l = lsn(up, "/x", 4096).unwrap();
        let v: Vec<(String, u32, u64, u64)> = l
            .iter()
            .map(|d| {
                (
                    d.name.to_string_lossy().into_owned(),
                    d.mode,
                    d.qid.path,
                    d.length,
                )
            })
            .collect();
        assert_eq!(
            v,
            [
                ("0".into(), 0o400, 1, 0),
                ("0ctl".into(), 0o400, 2, 0),
                // The directory itself, open while it is read.
                ("1".into(), 0o400, 3, 0),
                ("1ctl".into(), 0o400, 4, 0),
                ("2".into(), 0o600, 5, 0),
                ("2ctl".into(), 0o400, 6, 0),
            ]
        );
        assert!(l.iter().all(|d| d.uid == EVE && d.typ == 'd' as u16));
        // A descriptor open for writing.
        let wr = sysopen(up, "/f", OWRITE as u32).unwrap();
        let mut b = [0u8; 256];
        let n = sysstat(up, &format!("/x/{wr}"), &mut b).unwrap();
        assert_eq!(Dir::decode(&b[..n]).unwrap().mode, 0o200);
    }

    #[test]
    fn opening_n_gives_the_descriptors_channel() {
        // dup(3): "An open of file n results in a file descriptor
        // identical to what would be returned from dup(n, -1)": the same
        // channel, sharing the offset, no longer a #d file.
        let w = dupworld();
        let up = &w.up;
        let fd = sysopen(up, "/sub/s/deep", OREAD as u32).unwrap();
        assert_eq!(rd(up, fd, 2).unwrap(), "de");
        let d = sysopen(up, &format!("/x/{fd}"), OREAD as u32).unwrap();
        assert_eq!(d, 1);
        assert_eq!(rd(up, d, 10).unwrap(), "ep", "the same offset");
        assert_eq!(sysfd2path(up, d as i32).unwrap(), "/sub/s/deep");
        let a = up.fgrp.fdtochan(fd as i32, None, false).unwrap();
        let b = up.fgrp.fdtochan(d as i32, None, false).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        // Through #d directly too, and with OEXEC read as OREAD.
        let d2 = sysopen(up, &format!("#d/{fd}"), OEXEC as u32).unwrap();
        let c = up.fgrp.fdtochan(d2 as i32, None, false).unwrap();
        assert!(Arc::ptr_eq(&a, &c));
    }

    #[test]
    fn errors_are_9fronts() {
        // devdup.c: a closed descriptor does not exist; the mode must
        // agree with the descriptor's (fdtochan's Ebadusefd); ORCLOSE is
        // Eperm; the directory opens only OREAD (Eisdir); writes are
        // Eperm; names are canonical numbers.
        let w = dupworld();
        let up = &w.up;
        let fd = sysopen(up, "/f", OREAD as u32).unwrap();
        assert_eq!(
            err(sysopen(up, "/x/5", OREAD as u32)),
            "file does not exist: '/x/5'"
        );
        assert_eq!(
            err(sysopen(up, "/x/5ctl", OREAD as u32)),
            "file does not exist: '/x/5ctl'"
        );
        assert_eq!(
            err(sysopen(up, "/x/00", OREAD as u32)),
            "file does not exist: '/x/00'"
        );
        assert_eq!(
            err(sysopen(up, "/x/+0", OREAD as u32)),
            "file does not exist: '/x/+0'"
        );
        assert_eq!(
            err(sysopen(up, "/x/ctl", OREAD as u32)),
            "file does not exist: '/x/ctl'"
        );
        // Numbers too large for anything.
        let huge = format!("/x/{}", u64::MAX);
        assert_eq!(
            err(sysopen(up, &huge, OREAD as u32)),
            format!("file does not exist: '{huge}'")
        );
        let huge = format!("/x/{}ctl", u64::MAX / 2 + 1);
        assert_eq!(
            err(sysopen(up, &huge, OREAD as u32)),
            format!("file does not exist: '{huge}'")
        );
        assert_eq!(
            err(sysopen(up, &format!("/x/{fd}"), OWRITE as u32)),
            format!("inappropriate use of fd: '/x/{fd}'")
        );
        assert_eq!(
            err(sysopen(up, &format!("/x/{fd}"), (OREAD | ORCLOSE) as u32)),
            format!("permission denied: '/x/{fd}'")
        );
        // OTRUNC is not part of the mode fdtochan sees (openmode).
        assert!(sysopen(up, &format!("/x/{fd}"), (OREAD | OTRUNC) as u32).is_ok());
        assert_eq!(err(sysopen(up, "#d", OWRITE as u32)), "file is a directory");
        let ctl = sysopen(up, &format!("/x/{fd}ctl"), ORDWR as u32).unwrap();
        assert_eq!(err(syswrite(up, ctl as i32, b"x")), "permission denied");
        // The ctl file of a descriptor closed after it was opened.
        let gone = sysopen(up, "/f", OREAD as u32).unwrap();
        let c2 = sysopen(up, &format!("/x/{gone}ctl"), OREAD as u32).unwrap();
        sysclose(up, gone as i32).unwrap();
        assert_eq!(err(rd(up, c2, 100)), "fd out of range or not open");
    }

    #[test]
    fn ctl_reads_as_procfdprint() {
        // devdup.c's dupread of nctl: devproc.c's procfdprint format,
        // "%3d %.2s %C %4ld (%.16llux %lud %.2ux) %5ld %8lld %s\n", read
        // with readstr at the offset.
        let w = dupworld();
        let up = &w.up;
        let fd = sysopen(up, "/sub/s/deep", OREAD as u32).unwrap();
        rd(up, fd, 3).unwrap();
        let c = up.fgrp.fdtochan(fd as i32, None, false).unwrap();
        let want = format!(
            "  0 r  Y    0 ({:016x} 0 00)     0        3 /sub/s/deep\n",
            c.qid.path
        );
        let ctl = sysopen(up, "/x/0ctl", OREAD as u32).unwrap();
        assert_eq!(rd(up, ctl, 200).unwrap(), want);
        assert_eq!(rd(up, ctl, 200).unwrap(), "", "then end of file");
        assert_eq!(syspread(up, ctl as i32, &mut [0u8; 5], 3).unwrap(), 5);
        let mut b = [0u8; 5];
        syspread(up, ctl as i32, &mut b, 4).unwrap();
        assert_eq!(&b, b"r  Y ");
        // The line of descriptor 1, the ctl file itself: device d, qid
        // path 2*0+2, its offset after the read of the 65-byte line.
        assert_eq!(want.len(), 65);
        let c2 = sysopen(up, "#d/1ctl", OREAD as u32).unwrap();
        assert_eq!(c2, 2);
        assert_eq!(
            rd(up, c2, 200).unwrap(),
            "  1 r  d    0 (0000000000000002 0 00)     0       65 /x/0ctl\n"
        );
    }
}
