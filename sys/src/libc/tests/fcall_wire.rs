//! Every 9P2000 message encoded to the bytes intro(5) and the per-message
//! pages of section 5 give it, byte by byte: size[4] type[1] tag[2] and
//! the fields, integers little-endian, strings as n[2] and n bytes, qids as
//! type[1] vers[4] path[8]. Each message is also decoded back from those
//! bytes, and its size checked with `sizeS2M` and `convS2M`'s buffer rules.

mod common;

use common::{rename_dir, root_dir, sample};
use libc::fcall::*;

/// Checks that `f` encodes to exactly `wire` and `wire` decodes to `f`,
/// through both the Rust and the 9front-named interfaces.
fn check(f: &Fcall, wire: &[u8]) {
    // The size field is the length of the whole message.
    assert_eq!(
        gbit32(wire),
        Some(wire.len() as u32),
        "size field of {:?}",
        f
    );
    assert_eq!(wire[4], f.typ());
    assert_eq!(f.size(), Ok(wire.len()));
    assert_eq!(sizeS2M(f) as usize, wire.len());
    assert_eq!(f.to_bytes().unwrap(), wire, "encoding {:?}", f);

    // convS2M: exactly the size needed is enough, one byte less is not.
    let mut buf = vec![0xaa; wire.len() + 3];
    assert_eq!(convS2M(f, &mut buf) as usize, wire.len());
    assert_eq!(&buf[..wire.len()], wire);
    assert_eq!(
        &buf[wire.len()..],
        &[0xaa; 3],
        "convS2M wrote past the message"
    );
    assert_eq!(convS2M(f, &mut buf[..wire.len() - 1]), 0);
    assert_eq!(
        f.encode(&mut buf[..wire.len() - 1]),
        Err(EncodeError::BufferTooSmall { need: wire.len() })
    );

    assert_eq!(Fcall::decode(wire).as_ref(), Ok(f));
    let mut g = Fcall::new(0, Msg::Rflush);
    assert_eq!(convM2S(wire, &mut g) as usize, wire.len());
    assert_eq!(&g, f);
    // convM2S leaves bytes after the message alone.
    let mut more = wire.to_vec();
    more.extend_from_slice(&[1, 2, 3]);
    assert_eq!(Fcall::decode_prefix(&more), Ok((f.clone(), wire.len())));
    assert_eq!(convM2S(&more, &mut g) as usize, wire.len());
}

#[test]
fn version_bytes() {
    check(
        &sample(Tversion),
        &[
            19, 0, 0, 0, 100, 0xff, 0xff, 0x00, 0x20, 0, 0, 6, 0, b'9', b'P', b'2', b'0', b'0',
            b'0',
        ],
    );
    check(
        &sample(Rversion),
        &[
            19, 0, 0, 0, 101, 0xff, 0xff, 0x00, 0x20, 0, 0, 6, 0, b'9', b'P', b'2', b'0', b'0',
            b'0',
        ],
    );
}

#[test]
fn auth_bytes() {
    check(
        &sample(Tauth),
        &[
            21, 0, 0, 0, 102, 1, 0, 5, 0, 0, 0, 6, 0, b'g', b'l', b'e', b'n', b'd', b'a', 0, 0,
        ],
    );
    check(
        &sample(Rauth),
        &[
            20, 0, 0, 0, 103, 1, 0, 0x08, 0, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1,
        ],
    );
}

#[test]
fn attach_bytes() {
    check(
        &sample(Tattach),
        &[
            29, 0, 0, 0, 104, 2, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 6, 0, b'g', b'l', b'e',
            b'n', b'd', b'a', 4, 0, b'm', b'a', b'i', b'n',
        ],
    );
    check(
        &sample(Rattach),
        &[
            20, 0, 0, 0, 105, 2, 0, 0x80, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
        ],
    );
}

#[test]
fn error_bytes() {
    let mut wire = vec![28, 0, 0, 0, 107, 3, 0, 19, 0];
    wire.extend_from_slice(b"file does not exist");
    check(&sample(Rerror), &wire);
}

#[test]
fn flush_bytes() {
    check(&sample(Tflush), &[9, 0, 0, 0, 108, 4, 0, 3, 0]);
    check(&sample(Rflush), &[7, 0, 0, 0, 109, 4, 0]);
}

#[test]
fn walk_bytes() {
    check(
        &sample(Twalk),
        &[
            30, 0, 0, 0, 110, 5, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 3, 0, b'u', b's', b'r', 6, 0,
            b'g', b'l', b'e', b'n', b'd', b'a',
        ],
    );
    check(
        &sample(Rwalk),
        &[
            35, 0, 0, 0, 111, 5, 0, 2, 0, //
            0x80, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, //
            0x80, 0, 0, 0, 0, 0x11, 0, 0, 0, 0, 0, 0, 0,
        ],
    );
    // A walk of no names (a fid clone) and its empty reply.
    check(
        &Fcall::new(
            1,
            Msg::Twalk {
                fid: 7,
                newfid: 8,
                wname: vec![],
            },
        ),
        &[17, 0, 0, 0, 110, 1, 0, 7, 0, 0, 0, 8, 0, 0, 0, 0, 0],
    );
    check(
        &Fcall::new(1, Msg::Rwalk { wqid: vec![] }),
        &[9, 0, 0, 0, 111, 1, 0, 0, 0],
    );
}

#[test]
fn walk_maxwelem() {
    // MAXWELEM names encode and decode; one more does neither.
    let names: Vec<WireStr> = (0..16).map(|i| format!("{:x}", i).into()).collect();
    let f = Fcall::new(
        1,
        Msg::Twalk {
            fid: 0,
            newfid: 1,
            wname: names.clone(),
        },
    );
    let wire = f.to_bytes().unwrap();
    assert_eq!(wire.len(), 7 + 4 + 4 + 2 + 16 * 3);
    assert_eq!(Fcall::decode(&wire), Ok(f));
    let mut more = names;
    more.push("g".into());
    let f = Fcall::new(
        1,
        Msg::Twalk {
            fid: 0,
            newfid: 1,
            wname: more,
        },
    );
    assert_eq!(f.size(), Err(EncodeError::TooManyElems));
    assert_eq!(sizeS2M(&f), 0);
    assert_eq!(convS2M(&f, &mut [0; 256]), 0);
    let f = Fcall::new(
        1,
        Msg::Rwalk {
            wqid: vec![Qid::default(); 17],
        },
    );
    assert_eq!(f.to_bytes(), Err(EncodeError::TooManyElems));
    let f = Fcall::new(
        1,
        Msg::Rwalk {
            wqid: vec![Qid::default(); 16],
        },
    );
    assert_eq!(f.size(), Ok(7 + 2 + 16 * 13));
}

#[test]
fn open_bytes() {
    check(&sample(Topen), &[12, 0, 0, 0, 112, 6, 0, 1, 0, 0, 0, 0x12]);
    check(
        &sample(Ropen),
        &[
            24, 0, 0, 0, 113, 6, 0, 0, 1, 0, 0, 0, 0x2a, 0, 0, 0, 0, 0, 0, 0, 0xe8, 0x1f, 0, 0,
        ],
    );
}

#[test]
fn create_bytes() {
    check(
        &sample(Tcreate),
        &[
            19, 0, 0, 0, 114, 7, 0, 1, 0, 0, 0, 1, 0, b'x', 0xed, 0x01, 0x00, 0x80, 0,
        ],
    );
    check(
        &sample(Rcreate),
        &[
            24, 0, 0, 0, 115, 7, 0, 0x80, 0, 0, 0, 0, 0x2b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ],
    );
}

#[test]
fn read_bytes() {
    check(
        &sample(Tread),
        &[
            23, 0, 0, 0, 116, 8, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0x20, 0, 0,
        ],
    );
    check(
        &sample(Rread),
        &[
            16, 0, 0, 0, 117, 8, 0, 5, 0, 0, 0, b'h', b'e', b'l', b'l', b'o',
        ],
    );
    check(
        &Fcall::new(8, Msg::Rread { data: vec![] }),
        &[11, 0, 0, 0, 117, 8, 0, 0, 0, 0, 0],
    );
}

#[test]
fn write_bytes() {
    check(
        &sample(Twrite),
        &[
            26, 0, 0, 0, 118, 9, 0, 1, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 1, 2,
        ],
    );
    check(&sample(Rwrite), &[11, 0, 0, 0, 119, 9, 0, 3, 0, 0, 0]);
}

#[test]
fn clunk_remove_bytes() {
    check(&sample(Tclunk), &[11, 0, 0, 0, 120, 10, 0, 1, 0, 0, 0]);
    check(&sample(Rclunk), &[7, 0, 0, 0, 121, 10, 0]);
    check(&sample(Tremove), &[11, 0, 0, 0, 122, 11, 0, 2, 0, 0, 0]);
    check(&sample(Rremove), &[7, 0, 0, 0, 123, 11, 0]);
}

/// The root entry of the Rstat sample, laid out as stat(5) gives it.
const ROOT_STAT: [u8; 65] = [
    63, 0, // size: the 63 bytes that follow
    0x4d, 0, // type
    0, 0, 0, 0, // dev
    0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // qid: type, vers, path
    0xfd, 0x01, 0x00, 0x80, // mode DMDIR|0775
    0x00, 0xf1, 0x53, 0x65, // atime 1700000000
    0x01, 0xf1, 0x53, 0x65, // mtime 1700000001
    0, 0, 0, 0, 0, 0, 0, 0, // length
    1, 0, b'/', //
    6, 0, b'g', b'l', b'e', b'n', b'd', b'a', //
    3, 0, b's', b'y', b's', //
    6, 0, b'g', b'l', b'e', b'n', b'd', b'a',
];

/// The rename of the Twstat sample: all ones but the name.
const RENAME_STAT: [u8; 52] = [
    50, 0, // size
    0xff, 0xff, // type
    0xff, 0xff, 0xff, 0xff, // dev
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // qid
    0xff, 0xff, 0xff, 0xff, // mode
    0xff, 0xff, 0xff, 0xff, // atime
    0xff, 0xff, 0xff, 0xff, // mtime
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // length
    3, 0, b'n', b'e', b'w', //
    0, 0, 0, 0, 0, 0,
];

#[test]
fn stat_bytes() {
    check(&sample(Tstat), &[11, 0, 0, 0, 124, 12, 0, 1, 0, 0, 0]);
    let mut wire = vec![74, 0, 0, 0, 125, 12, 0, 65, 0];
    wire.extend_from_slice(&ROOT_STAT);
    check(&sample(Rstat), &wire);
}

#[test]
fn wstat_bytes() {
    let mut wire = vec![65, 0, 0, 0, 126, 13, 0, 1, 0, 0, 0, 52, 0];
    wire.extend_from_slice(&RENAME_STAT);
    check(&sample(Twstat), &wire);
    check(&sample(Rwstat), &[7, 0, 0, 0, 127, 13, 0]);
}

#[test]
fn dir_bytes() {
    for (d, wire) in [
        (root_dir(), &ROOT_STAT[..]),
        (rename_dir(), &RENAME_STAT[..]),
    ] {
        assert_eq!(d.size(), Ok(wire.len()));
        assert_eq!(sizeD2M(&d) as usize, wire.len());
        assert_eq!(d.to_bytes().unwrap(), wire);
        assert_eq!(statcheck(wire), 0);
        assert_eq!(Dir::decode(wire).as_ref(), Ok(&d));
        let mut e = Dir::default();
        assert_eq!(convM2D(wire, &mut e) as usize, wire.len());
        assert_eq!(e, d);
        let mut buf = vec![0; wire.len()];
        assert_eq!(convD2M(&d, &mut buf) as usize, wire.len());
        assert_eq!(buf, wire);
    }
    // The smallest entry: all strings empty.
    let d = Dir::default();
    assert_eq!(d.size(), Ok(STATFIXLEN));
    let mut wire = vec![0u8; STATFIXLEN];
    wire[0] = 47;
    assert_eq!(d.to_bytes().unwrap(), wire);
    assert_eq!(Dir::decode(&wire), Ok(d));
}

#[test]
fn convd2m_short_buffer() {
    // fcall(2): a buffer too short for the entry gets its size (less the
    // size field) in its first BIT16SZ bytes and BIT16SZ is returned; a
    // buffer shorter than BIT16SZ gets nothing and 0.
    let d = root_dir();
    let mut buf = [0u8; 64];
    assert_eq!(convD2M(&d, &mut buf), BIT16SZ as u32);
    assert_eq!(gbit16(&buf), Some(63));
    assert_eq!(&buf[2..], &[0; 62]);
    let mut one = [0u8; 1];
    assert_eq!(convD2M(&d, &mut one), 0);
    assert_eq!(one, [0]);
    assert_eq!(
        d.encode(&mut buf),
        Err(EncodeError::BufferTooSmall { need: 65 })
    );
}

#[test]
fn dirpackage_unpacks_entries() {
    let mut buf = ROOT_STAT.to_vec();
    buf.extend_from_slice(&RENAME_STAT);
    buf.extend_from_slice(&ROOT_STAT);
    assert_eq!(
        dirpackage(&buf),
        Ok(vec![root_dir(), rename_dir(), root_dir()])
    );
    assert_eq!(dirpackage(&[]), Ok(vec![]));
}

#[test]
fn constants_are_9fronts() {
    // fcall.h
    assert_eq!(VERSION9P, "9P2000");
    assert_eq!(MAXWELEM, 16);
    assert_eq!((BIT8SZ, BIT16SZ, BIT32SZ, BIT64SZ, QIDSZ), (1, 2, 4, 8, 13));
    assert_eq!(STATFIXLEN, 49);
    assert_eq!((NOTAG, NOFID, IOHDRSZ), (0xffff, 0xffff_ffff, 24));
    let types = [
        Tversion, Rversion, Tauth, Rauth, Tattach, Rattach, Terror, Rerror, Tflush, Rflush, Twalk,
        Rwalk, Topen, Ropen, Tcreate, Rcreate, Tread, Rread, Twrite, Rwrite, Tclunk, Rclunk,
        Tremove, Rremove, Tstat, Rstat, Twstat, Rwstat, Tmax,
    ];
    assert_eq!(types.to_vec(), (100..=128).collect::<Vec<u8>>());
    // libc.h
    assert_eq!(
        [QTDIR, QTAPPEND, QTEXCL, QTMOUNT, QTAUTH, QTTMP, QTFILE],
        [0x80, 0x40, 0x20, 0x10, 0x08, 0x04, 0]
    );
    assert_eq!(
        [DMDIR, DMAPPEND, DMEXCL, DMMOUNT, DMAUTH, DMTMP, DMREAD, DMWRITE, DMEXEC],
        [
            0x8000_0000,
            0x4000_0000,
            0x2000_0000,
            0x1000_0000,
            0x0800_0000,
            0x0400_0000,
            4,
            2,
            1
        ]
    );
    assert_eq!(
        [OREAD, OWRITE, ORDWR, OEXEC, OTRUNC, OCEXEC, ORCLOSE],
        [0, 1, 2, 3, 16, 32, 64]
    );
    assert_eq!(OEXCL, 0x1000);
    assert_eq!((STATMAX, ERRMAX), (65535, 128));
    // The samples cover every type once, and their type numbers are the
    // constants.
    let samples = common::samples();
    assert_eq!(samples.len(), 27);
    for f in &samples {
        assert!(types.contains(&f.typ()) && f.typ() != Terror && f.typ() != Tmax);
        assert_eq!(f.msg.is_request(), f.typ() % 2 == 0);
    }
}

#[test]
fn bit_helpers() {
    let b = [1, 2, 3, 4, 5, 6, 7, 8];
    assert_eq!(gbit8(&b), Some(1));
    assert_eq!(gbit16(&b), Some(0x0201));
    assert_eq!(gbit32(&b), Some(0x0403_0201));
    assert_eq!(gbit64(&b), Some(0x0807_0605_0403_0201));
    assert_eq!(gbit64(&b[1..]), None);
    assert_eq!(gbit16(&b[7..]), None);
    let mut p = [0u8; 8];
    assert_eq!(pbit64(&mut p, 0x0807_0605_0403_0201), Some(()));
    assert_eq!(p, b);
    assert_eq!(pbit32(&mut p[..3], 0), None);
    assert_eq!(pbit16(&mut p[6..], 0xaabb), Some(()));
    assert_eq!(&p[6..], &[0xbb, 0xaa]);
    assert_eq!(pbit8(&mut p[..0], 1), None);
}

#[test]
fn strings_are_bytes() {
    // Not UTF-8, and with a NUL: kept and re-encoded as they are.
    let name: WireStr = b"caf\xe9\0x".as_slice().into();
    assert_eq!(name.as_str(), None);
    assert_eq!(name.to_string_lossy(), "caf\u{fffd}\0x");
    let f = Fcall::new(
        1,
        Msg::Tcreate {
            fid: 1,
            name: name.clone(),
            perm: 0o644,
            mode: OWRITE,
        },
    );
    let wire = f.to_bytes().unwrap();
    assert_eq!(&wire[11..19], b"\x06\x00caf\xe9\0x");
    assert_eq!(Fcall::decode(&wire), Ok(f));
    assert_eq!(WireStr::from("usr").as_str(), Some("usr"));
    assert_eq!(WireStr::from("usr"), "usr");
}

#[test]
fn encode_limits() {
    // A string's count is 16 bits: 65535 bytes is the most.
    let long: WireStr = vec![b'a'; 65535].into();
    let f = Fcall::new(1, Msg::Rerror { ename: long });
    assert_eq!(f.size(), Ok(7 + 2 + 65535));
    let f = Fcall::new(
        1,
        Msg::Rerror {
            ename: vec![b'a'; 65536].into(),
        },
    );
    assert_eq!(f.size(), Err(EncodeError::StringTooLong));
    assert_eq!(sizeS2M(&f), 0);
    // So is the count of stat bytes.
    let f = Fcall::new(
        1,
        Msg::Rstat {
            stat: vec![0; 65536],
        },
    );
    assert_eq!(f.size(), Err(EncodeError::CountTooLarge));
    // And a directory entry's size field.
    let d = Dir {
        name: vec![b'a'; 65535 - 47].into(),
        ..Dir::default()
    };
    assert_eq!(d.size(), Ok(65537));
    let d = Dir {
        name: vec![b'a'; 65535 - 46].into(),
        ..Dir::default()
    };
    assert_eq!(d.size(), Err(EncodeError::TooLong));
    assert_eq!(convD2M(&d, &mut [0; 16]), 0);
    assert_eq!(sizeD2M(&d), 65538);
}
