//! mv: a port of 9front's `sys/src/cmd/mv.c`.
//!
//! `mv from to` or `mv from... todir`. Names are cleaned first. Within a
//! directory a file or directory is renamed with wstat (removing an
//! existing target first); across directories a file is copied, given
//! the source's mode and mtime, and the source removed. Directories are
//! never copied. Messages and exit statuses (`bad usage`, `failure`) are
//! 9front's.
//!
//! What differs on Linux: libc's wstat renames within the same Linux
//! directory, so the rename path is the one taken where 9front's is.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use libc::cleanname::cleanname;
use libc::dirfwstat::dirfwstat;
use libc::dirstat::dirstat;
use libc::dirwstat::dirwstat;
use libc::fcall::{Dir, DMAPPEND, DMDIR};
use libc::nulldir::nulldir;
use libc::syscall::{close, create, exits, open, read, remove, write, Fd, OREAD, OWRITE};

libc::main!(main);

/// 9front's IOUNIT.
const IOUNIT: usize = 8192;

/// 9front's toname buffer.
const NAMEMAX: usize = 4096;

fn eprint(s: String) {
    let _ = libc::fprint!(Fd::STDERR, "{s}");
}

/// Splits a name at its last '/' into directory and element.
fn split(name: &str) -> (String, String) {
    if let Some(i) = name.rfind('/') {
        (name[..i].into(), name[i + 1..].into())
    } else if name == ".." {
        ("..".into(), ".".into())
    } else {
        (".".into(), name.into())
    }
}

fn samefile(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    match (dirstat(a), dirstat(b)) {
        (Ok(da), Ok(db)) => {
            da.qid.typ == db.qid.typ
                && da.qid.path == db.qid.path
                && da.qid.vers == db.qid.vers
                && da.dev == db.dev
                && da.typ == db.typ
        }
        _ => false,
    }
}

fn hardremove(a: &str) {
    if let Err(e) = remove(a) {
        eprint(format!("mv: can't remove {a}: {e}\n"));
        exits("mv");
    }
    while remove(a).is_ok() {}
}

fn copy1(fdf: Fd, fdt: Fd, from: &str, to: &str) -> bool {
    let mut buf = vec![0u8; IOUNIT];
    loop {
        match read(fdf, &mut buf) {
            Ok(0) => return true,
            Ok(n) => match write(fdt, &buf[..n]) {
                Ok(m) if m == n => {}
                Ok(_) => {
                    eprint(format!("mv: error writing {to}: short write\n"));
                    return false;
                }
                Err(e) => {
                    eprint(format!("mv: error writing {to}: {e}\n"));
                    return false;
                }
            },
            Err(e) => {
                eprint(format!("mv: error reading {from}: {e}\n"));
                return false;
            }
        }
    }
}

fn mv1(from: &str, dirb: &Dir, todir: &str, toelem: Option<&str>) -> bool {
    let (fromdir, fromelem) = split(from);
    let toelem = toelem.unwrap_or(&fromelem);
    if toelem.is_empty() {
        eprint(format!("mv: null last name element moving {from}\n"));
        return false;
    }
    if toelem.len() + todir.len() + 2 > NAMEMAX {
        eprint(format!("mv: path too big (max {NAMEMAX}): {todir}/{toelem}\n"));
        return false;
    }
    let toname = format!("{todir}/{toelem}");
    if samefile(&fromdir, todir) {
        if samefile(from, &toname) {
            eprint(format!("mv: {from} and {toname} are the same\n"));
            return false;
        }
        if dirstat(&toname).is_ok() {
            hardremove(&toname);
        }
        let mut null = nulldir();
        null.name = toelem.into();
        match dirwstat(from, &null) {
            Ok(()) => return true,
            Err(e) if dirb.mode & DMDIR != 0 => {
                eprint(format!("mv: can't rename directory {from}: {e}\n"));
                return false;
            }
            Err(_) => {}
        }
    }
    if dirb.mode & DMDIR != 0 {
        eprint(format!("mv: {from} is a directory, not copied to {toname}\n"));
        return false;
    }
    let fdf = match open(from, OREAD) {
        Ok(f) => f,
        Err(e) => {
            eprint(format!("mv: can't open {from}: {e}\n"));
            return false;
        }
    };
    if dirstat(&toname).is_ok_and(|d| d.mode & DMAPPEND != 0) {
        hardremove(&toname);
    }
    let fdt = match create(&toname, OWRITE, dirb.mode) {
        Ok(f) => f,
        Err(e) => {
            eprint(format!("mv: can't create {toname}: {e}\n"));
            let _ = close(fdf);
            return false;
        }
    };
    let mut ok = copy1(fdf, fdt, from, &toname);
    let _ = close(fdf);
    if ok {
        let mut null = nulldir();
        null.mtime = dirb.mtime;
        null.mode = dirb.mode;
        let _ = dirfwstat(fdt, &null); // errors ignored, as in 9front
        if let Err(e) = remove(from) {
            eprint(format!("mv: can't remove {from}: {e}\n"));
            ok = false;
        }
    }
    let _ = close(fdt);
    ok
}

fn mv(from: &str, todir: &str, toelem: Option<&str>) -> bool {
    match dirstat(from) {
        Ok(d) => mv1(from, &d, todir, toelem),
        Err(e) => {
            eprint(format!("mv: can't stat {from}: {e}\n"));
            false
        }
    }
}

fn main(argv: Vec<String>) {
    if argv.len() < 3 {
        eprint("usage: mv fromfile tofile\n".into());
        eprint("\t  mv fromfile ... todir\n".into());
        exits("bad usage");
    }
    let names: Vec<String> = argv[1..].iter().map(|a| cleanname(a)).collect();
    let (from, last) = names.split_at(names.len() - 1);
    let last = &last[0];
    let (todir, toelem): (String, Option<String>) =
        if dirstat(last).is_ok_and(|d| d.mode & DMDIR != 0) {
            if from.len() == 1 && dirstat(&from[0]).is_ok_and(|d| d.mode & DMDIR != 0) {
                let (d, e) = split(last); // mv dir1 dir2
                (d, Some(e))
            } else {
                (last.clone(), None) // mv file... dir
            }
        } else {
            let (d, e) = split(last); // mv file1 file2
            (d, Some(e))
        };
    if from.len() > 1 && toelem.is_some() {
        eprint(format!("mv: {last} not a directory\n"));
        exits("bad usage");
    }
    let mut failed = 0;
    for f in from {
        if !mv(f, &todir, toelem.as_deref()) {
            failed += 1;
        }
    }
    exits(if failed > 0 { "failure" } else { "" });
}
