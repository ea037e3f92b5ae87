//! The Linux backend against 9front's semantics for the same calls.

use std::string::{String, ToString};
use std::vec::Vec;
use std::{format, vec};

use crate::dirread::dirpackage;
use crate::fcall::{Dir, DMDIR};
use crate::syscall::*;

fn scratch(name: &str) -> String {
    let d = std::env::temp_dir().join(format!("planten-libc-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d.to_string_lossy().into_owned()
}

fn unpack(buf: &[u8]) -> Vec<Dir> {
    dirpackage(buf).unwrap()
}

#[test]
fn create_write_read_seek_remove() {
    let d = scratch("rw");
    let f = format!("{d}/f");
    let fd = create(&f, ORDWR, 0o644).unwrap();
    assert_eq!(write(fd, b"hello, world").unwrap(), 12);
    assert_eq!(seek(fd, 7, SEEKSET).unwrap(), 7);
    let mut b = [0u8; 32];
    assert_eq!(read(fd, &mut b).unwrap(), 5);
    assert_eq!(&b[..5], b"world");
    assert_eq!(pread(fd, &mut b[..5], 0).unwrap(), 5);
    assert_eq!(&b[..5], b"hello");
    close(fd).unwrap();
    // create truncates an existing file, as 9front's create does.
    let fd = create(&f, OWRITE, 0o644).unwrap();
    close(fd).unwrap();
    assert_eq!(std::fs::metadata(&f).unwrap().len(), 0);
    remove(&f).unwrap();
    assert!(open(&f, OREAD).is_err());
}

#[test]
fn errors_are_9fronts_strings() {
    let d = scratch("err");
    let missing = format!("{d}/nope");
    let e = open(&missing, OREAD).unwrap_err();
    // port/chan.c: namec's failure names the file, %#q-quoted.
    assert_eq!(e.as_str(), format!("file does not exist: '{missing}'"));
    assert_eq!(errstr(), e.as_str(), "the process's error string is set");
    let odd = format!("{d}/it's");
    let e = open(&odd, OREAD).unwrap_err();
    assert_eq!(e.as_str(), format!("file does not exist: '{d}/it''s'"));
    assert_eq!(
        read(Fd(987), &mut [0u8; 4]).unwrap_err().as_str(),
        "fd out of range or not open"
    );
    werrstr("my own error");
    assert_eq!(errstr(), "my own error");
    let mkdir = create(&format!("{d}/sub"), OREAD, DMDIR | 0o755).unwrap();
    close(mkdir).unwrap();
    let e = create(&format!("{d}/sub"), OREAD, DMDIR | 0o755).unwrap_err();
    assert_eq!(e.as_str(), "file already exists");
}

#[test]
fn directories_read_as_packed_entries() {
    let d = scratch("dir");
    for n in ["a", "bb", "ccc"] {
        std::fs::write(format!("{d}/{n}"), n).unwrap();
    }
    std::fs::create_dir(format!("{d}/sub")).unwrap();
    let fd = open(&d, OREAD).unwrap();
    let mut all = Vec::new();
    let mut buf = vec![0u8; 8192];
    loop {
        let n = read(fd, &mut buf).unwrap();
        if n == 0 {
            break;
        }
        all.extend(unpack(&buf[..n]));
    }
    let mut names: Vec<(String, u64, bool)> = all
        .iter()
        .map(|e| (e.name.to_string(), e.length, e.mode & DMDIR != 0))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ("a".to_string(), 1, false),
            ("bb".to_string(), 2, false),
            ("ccc".to_string(), 3, false),
            ("sub".to_string(), 0, true)
        ]
    );
    // Only a rewind is allowed, and it starts the listing again.
    assert_eq!(seek(fd, 5, SEEKSET).unwrap_err().as_str(), "seek in directory");
    assert_eq!(seek(fd, 0, SEEKSET).unwrap(), 0);
    let n = read(fd, &mut buf).unwrap();
    assert_eq!(unpack(&buf[..n]).len(), 4);
    // A buffer too small for one entry is an error, not a silent 0.
    seek(fd, 0, SEEKSET).unwrap();
    assert_eq!(read(fd, &mut buf[..10]).unwrap_err().as_str(), "i/o count too small");
    close(fd).unwrap();
}

#[test]
fn stat_and_wstat() {
    let d = scratch("stat");
    let f = format!("{d}/file");
    std::fs::write(&f, b"12345").unwrap();
    let st = stat(&f).unwrap();
    let dir = unpack(&st).remove(0);
    assert_eq!(dir.name.to_string(), "file");
    assert_eq!(dir.length, 5);
    assert_eq!(dir.mode & 0o777, std::fs::metadata(&f).map(|m| {
        use std::os::unix::fs::PermissionsExt;
        m.permissions().mode() & 0o777
    }).unwrap());
    // wstat with "don't touch" everywhere but the name and mode renames
    // and chmods.
    let mut nd = crate::nulldir::nulldir();
    nd.name = "renamed".into();
    nd.mode = 0o600;
    let mut buf = vec![0u8; crate::convd2m::sizeD2M(&nd) as usize];
    crate::convd2m::convD2M(&nd, &mut buf);
    wstat(&f, &buf).unwrap();
    let dir = unpack(&stat(&format!("{d}/renamed")).unwrap()).remove(0);
    assert_eq!((dir.name.to_string(), dir.mode & 0o777), ("renamed".to_string(), 0o600));
}

#[test]
fn pipes_are_bidirectional() {
    let [a, b] = pipe().unwrap();
    write(a, b"to b").unwrap();
    write(b, b"to a").unwrap();
    let mut buf = [0u8; 8];
    let n = read(b, &mut buf).unwrap();
    assert_eq!(&buf[..n], b"to b");
    let n = read(a, &mut buf).unwrap();
    assert_eq!(&buf[..n], b"to a");
    close(a).unwrap();
    assert_eq!(read(b, &mut buf).unwrap(), 0, "hangup reads as end of file");
    close(b).unwrap();
}

#[test]
fn rfork_exec_await() {
    let child = rfork(RFPROC | RFFDG).unwrap();
    match child {
        None => {
            let e = exec("/bin/sh", &["sh", "-c", "exit 3"]);
            std::eprintln!("exec: {e}");
            exits("exec failed");
        }
        Some(pid) => {
            let msg = awaitmsg().unwrap();
            let f: Vec<&str> = msg.splitn(5, ' ').collect();
            assert_eq!(f[0], pid.to_string());
            assert_eq!(f[4], "3", "{msg}");
        }
    }
    let e = exec("/nonexistent/prog", &["prog"]);
    assert_eq!(e.as_str(), "file does not exist: '/nonexistent/prog'");
}

#[test]
fn environment_lists() {
    putenv("plantentestlist", b"a\0b c\0").unwrap();
    assert_eq!(getenv("plantentestlist").unwrap(), b"a\0b c\0");
    assert!(envnames().iter().any(|n| n == "plantentestlist"));
    assert_eq!(getenv("plantentestnosuch"), None);
    assert!(putenv("bad=name", b"x").is_err());
}

// 9front's name space has the dup device at /fd: /fd/N opens the file
// open as N (libc's Linux backend uses /dev/fd).
#[test]
fn fd_names_open_the_dup_device() {
    let [r, w] = fdpipe().unwrap();
    let w2 = open(&format!("/fd/{}", w.0), OWRITE).unwrap();
    assert_eq!(write(w2, b"dup device").unwrap(), 10);
    close(w2).unwrap();
    let mut b = [0u8; 32];
    assert_eq!(read(r, &mut b).unwrap(), 10);
    assert_eq!(&b[..10], b"dup device");
    close(w).unwrap();
    close(r).unwrap();
    assert!(open("/fd/x", OREAD).is_err());
    assert!(open("/fd/", OREAD).is_err());
}
