//! The text of `fcallfmt` (`%F`) and `dirfmt` (`%D`), as 9front's
//! `fcallfmt.c` builds it: each expected string below follows that file's
//! format strings (`%d` for signed, `%ud` for unsigned, QIDFMT
//! `(%.16llux %lud %s)` with the type letters d, a, l and A, `%#luo` for
//! modes), its `dumpsome` rules for data, and the truncation of its
//! 512-byte (`dirfmt`: 160-byte) buffer by `seprint`.

mod common;

use common::{rename_dir, root_dir, sample, samples};
use libc::fcall::*;

fn fmt(f: &Fcall) -> String {
    let s = fcallfmt(f);
    assert_eq!(f.to_string(), s);
    s
}

#[test]
fn every_message() {
    let want = [
        "Tversion tag 65535 msize 8192 version '9P2000'",
        "Rversion tag 65535 msize 8192 version '9P2000'",
        "Tauth tag 1 afid 5 uname glenda aname ",
        "Rauth tag 1 qid (0102030405060708 0 A)",
        "Tattach tag 2 fid 0 afid -1 uname glenda aname main",
        "Rattach tag 2 qid (0000000000000001 3 d)",
        "Rerror tag 3 ename file does not exist",
        "Tflush tag 4 oldtag 3",
        "Rflush tag 4",
        "Twalk tag 5 fid 0 newfid 1 nwname 2 0:usr 1:glenda ",
        "Rwalk tag 5 nwqid 2 0:(0000000000000010 0 d) 1:(0000000000000011 0 d) ",
        "Topen tag 6 fid 1 mode 18",
        "Ropen tag 6 qid (000000000000002a 1 ) iounit 8168 ",
        "Tcreate tag 7 fid 1 name x perm 020000000755 mode 0",
        "Rcreate tag 7 qid (000000000000002b 0 d) iounit 0 ",
        "Tread tag 8 fid 1 offset 4294967298 count 8192",
        "Rread tag 8 count 5 'hello'",
        "Twrite tag 9 fid 1 offset 10 count 3 '000102'",
        "Rwrite tag 9 count 3",
        "Tclunk tag 10 fid 1",
        "Rclunk tag 10",
        "Tremove tag 11 fid 2",
        "Rremove tag 11",
        "Tstat tag 12 fid 1",
        "Rstat tag 12  stat '/' 'glenda' 'sys' 'glenda' q (0000000000000000 0 d) m 020000000775 \
         at 1700000000 mt 1700000001 l 0 t 77 d 0",
        "Twstat tag 13 fid 1 stat 'new' '' '' '' q (ffffffffffffffff 4294967295 dalA) \
         m 037777777777 at -1 mt -1 l -1 t 65535 d -1",
        "Rwstat tag 13",
    ];
    let samples = samples();
    assert_eq!(samples.len(), want.len());
    for (f, w) in samples.iter().zip(want) {
        assert_eq!(fmt(f), w);
    }
}

#[test]
fn signed_and_unsigned_fields() {
    // %d fids are signed 32-bit; %ud ones are not.
    let big = 0x8000_0000u32;
    assert_eq!(
        fmt(&Fcall::new(
            1,
            Msg::Tattach {
                fid: big,
                afid: 7,
                uname: "u".into(),
                aname: "a".into()
            }
        )),
        "Tattach tag 1 fid -2147483648 afid 7 uname u aname a"
    );
    assert_eq!(
        fmt(&Fcall::new(
            1,
            Msg::Tauth {
                afid: NOFID,
                uname: "u".into(),
                aname: "a".into()
            }
        )),
        "Tauth tag 1 afid -1 uname u aname a"
    );
    assert_eq!(
        fmt(&Fcall::new(
            1,
            Msg::Twalk {
                fid: NOFID,
                newfid: big,
                wname: vec![]
            }
        )),
        "Twalk tag 1 fid -1 newfid -2147483648 nwname 0 "
    );
    assert_eq!(
        fmt(&Fcall::new(1, Msg::Tclunk { fid: NOFID })),
        "Tclunk tag 1 fid 4294967295"
    );
    assert_eq!(
        fmt(&Fcall::new(1, Msg::Tremove { fid: big })),
        "Tremove tag 1 fid 2147483648"
    );
    assert_eq!(
        fmt(&Fcall::new(1, Msg::Tstat { fid: NOFID })),
        "Tstat tag 1 fid 4294967295"
    );
    assert_eq!(
        fmt(&Fcall::new(
            1,
            Msg::Topen {
                fid: NOFID,
                mode: 0xff
            }
        )),
        "Topen tag 1 fid 4294967295 mode 255"
    );
    // Offsets are vlong.
    assert_eq!(
        fmt(&Fcall::new(
            NOTAG,
            Msg::Tread {
                fid: NOFID,
                offset: u64::MAX,
                count: u32::MAX
            }
        )),
        "Tread tag 65535 fid -1 offset -1 count 4294967295"
    );
    assert_eq!(
        fmt(&Fcall::new(
            1,
            Msg::Twrite {
                fid: 2,
                offset: 1 << 63,
                data: vec![]
            }
        )),
        "Twrite tag 1 fid 2 offset -9223372036854775808 count 0 ''"
    );
    // %luo with a literal 0 before it: perm 0 prints as 00.
    assert_eq!(
        fmt(&Fcall::new(
            1,
            Msg::Tcreate {
                fid: 3,
                name: "f".into(),
                perm: 0,
                mode: OWRITE | OTRUNC
            }
        )),
        "Tcreate tag 1 fid 3 name f perm 00 mode 17"
    );
    assert_eq!(
        fmt(&Fcall::new(1, Msg::Rwrite { count: u32::MAX })),
        "Rwrite tag 1 count 4294967295"
    );
    assert_eq!(
        fmt(&Fcall::new(1, Msg::Tflush { oldtag: NOTAG })),
        "Tflush tag 1 oldtag 65535"
    );
}

#[test]
fn qid_types() {
    let q = |typ| {
        Fcall::new(
            0,
            Msg::Rattach {
                qid: Qid {
                    path: 0xdead_beef,
                    vers: u32::MAX,
                    typ,
                },
            },
        )
    };
    assert_eq!(
        fmt(&q(QTFILE)),
        "Rattach tag 0 qid (00000000deadbeef 4294967295 )"
    );
    // Only directory, append, exclusive and auth have letters.
    assert_eq!(
        fmt(&q(QTMOUNT | QTTMP)),
        "Rattach tag 0 qid (00000000deadbeef 4294967295 )"
    );
    assert_eq!(
        fmt(&q(QTDIR | QTEXCL)),
        "Rattach tag 0 qid (00000000deadbeef 4294967295 dl)"
    );
    assert_eq!(
        fmt(&q(QTAPPEND | QTAUTH)),
        "Rattach tag 0 qid (00000000deadbeef 4294967295 aA)"
    );
}

#[test]
fn dumpsome_data() {
    let rread = |data: &[u8]| {
        fmt(&Fcall::new(
            1,
            Msg::Rread {
                data: data.to_vec(),
            },
        ))
    };
    assert_eq!(rread(b""), "Rread tag 1 count 0 ''");
    // Tab, newline and DEL are printable; the rest below space is not.
    assert_eq!(rread(b"a\tb\nc\x7f"), "Rread tag 1 count 6 'a\tb\nc\x7f'");
    assert_eq!(rread(b"a\rb"), "Rread tag 1 count 3 '610d62'");
    // Nor is anything above DEL: hex, a space every four bytes.
    assert_eq!(rread(b"abc\x80de"), "Rread tag 1 count 6 '61626380 6465'");
    assert_eq!(
        rread(&[0, 1, 2, 3, 4, 5, 6, 7]),
        "Rread tag 1 count 8 '00010203 04050607'"
    );
    // At most 64 bytes, whichever way; a non-printable byte after them
    // does not matter.
    let mut text = vec![b'x'; 64];
    text.push(0);
    assert_eq!(
        rread(&text),
        format!("Rread tag 1 count 65 '{}'", "x".repeat(64))
    );
    let bin: Vec<u8> = (0..100).collect();
    let hex: Vec<String> = (0..16)
        .map(|i| (4 * i..4 * i + 4).map(|b| format!("{:02x}", b)).collect())
        .collect();
    assert_eq!(
        rread(&bin),
        format!("Rread tag 1 count 100 '{}'", hex.join(" "))
    );
}

#[test]
fn stat_sizes() {
    // More than 200 stat bytes are not decoded.
    let d = Dir {
        name: "n".repeat(200).into(),
        ..root_dir()
    };
    let stat = d.to_bytes().unwrap();
    assert_eq!(stat.len(), 264);
    assert_eq!(
        fmt(&Fcall::new(1, Msg::Rstat { stat: stat.clone() })),
        "Rstat tag 1  stat(264 bytes)"
    );
    assert_eq!(
        fmt(&Fcall::new(1, Msg::Twstat { fid: 2, stat })),
        "Twstat tag 1 fid 2 stat(264 bytes)"
    );
    // 200 bytes exactly are.
    let d = Dir {
        name: "n".repeat(200 - 65 + 1).into(),
        ..root_dir()
    };
    let stat = d.to_bytes().unwrap();
    assert_eq!(stat.len(), 200);
    // (In fcallfmt's 512-byte buffer, not dirfmt's 160-byte one.)
    assert_eq!(
        fmt(&Fcall::new(1, Msg::Rstat { stat })),
        format!(
            "Rstat tag 1  stat '{}' 'glenda' 'sys' 'glenda' q (0000000000000000 0 d) \
             m 020000000775 at 1700000000 mt 1700000001 l 0 t 77 d 0",
            "n".repeat(136)
        )
    );
    // planten's choice where 9front prints garbage: stat bytes convM2D
    // rejects print as if they were too long to show.
    assert_eq!(
        fmt(&Fcall::new(
            1,
            Msg::Rstat {
                stat: vec![1, 2, 3]
            }
        )),
        "Rstat tag 1  stat(3 bytes)"
    );
    // Stat bytes with a wrong size field or bytes left over print, as
    // convM2D accepts them.
    let mut stat = root_dir().to_bytes().unwrap();
    stat[0] = 0;
    stat.push(9);
    assert_eq!(
        fmt(&Fcall::new(1, Msg::Twstat { fid: 2, stat })),
        format!("Twstat tag 1 fid 2 stat {}", dirfmt(&root_dir()))
    );
}

#[test]
fn dirfmt_text() {
    assert_eq!(
        dirfmt(&root_dir()),
        "'/' 'glenda' 'sys' 'glenda' q (0000000000000000 0 d) m 020000000775 at 1700000000 \
         mt 1700000001 l 0 t 77 d 0"
    );
    assert_eq!(root_dir().to_string(), dirfmt(&root_dir()));
    assert_eq!(
        dirfmt(&rename_dir()),
        "'new' '' '' '' q (ffffffffffffffff 4294967295 dalA) m 037777777777 at -1 mt -1 l -1 \
         t 65535 d -1"
    );
    // %#luo: no extra 0 for a mode of 0.
    assert_eq!(
        dirfmt(&Dir::default()),
        "'' '' '' '' q (0000000000000000 0 ) m 0 at 0 mt 0 l 0 t 0 d 0"
    );
    // Times are longs: 32-bit signed on amd64 Plan 9.
    let d = Dir {
        atime: 0x8000_0000,
        mtime: 0x7fff_ffff,
        mode: 0o644,
        ..Dir::default()
    };
    assert_eq!(
        dirfmt(&d),
        "'' '' '' '' q (0000000000000000 0 ) m 0644 at -2147483648 mt 2147483647 l 0 t 0 d 0"
    );
}

#[test]
fn dirfmt_cut_at_159_bytes() {
    let d = Dir {
        name: "n".repeat(150).into(),
        ..root_dir()
    };
    let full = format!(
        "'{}' 'glenda' 'sys' 'glenda' q (0000000000000000 0 d) m 020000000775 at 1700000000 \
         mt 1700000001 l 0 t 77 d 0",
        "n".repeat(150)
    );
    assert_eq!(dirfmt(&d), full[..159]);
}

#[test]
fn fcallfmt_cut_at_511_bytes() {
    // Sixteen 40-byte names make more than fits in fcallfmt's buffer: the
    // text stops at 511 bytes.
    let names: Vec<WireStr> = (0..16).map(|i| format!("{:040}", i).into()).collect();
    let f = Fcall::new(
        1,
        Msg::Twalk {
            fid: 0,
            newfid: 1,
            wname: names.clone(),
        },
    );
    let mut full = String::from("Twalk tag 1 fid 0 newfid 1 nwname 16 ");
    for (i, n) in names.iter().enumerate() {
        full += &format!("{}:{} ", i, n.as_str().unwrap());
    }
    assert!(full.len() > 600);
    assert_eq!(fmt(&f), full[..511]);
    // So does an Rerror with a long ename.
    let f = Fcall::new(
        1,
        Msg::Rerror {
            ename: "e".repeat(1000).into(),
        },
    );
    assert_eq!(
        fmt(&f),
        format!("Rerror tag 1 ename {}", "e".repeat(511 - 19))
    );
    // Rwalk of sixteen directory qids with long versions overflows too.
    let wqid = vec![
        Qid {
            path: u64::MAX,
            vers: u32::MAX,
            typ: 0xff
        };
        16
    ];
    let f = Fcall::new(1, Msg::Rwalk { wqid });
    let mut full = String::from("Rwalk tag 1 nwqid 16 ");
    for i in 0..16 {
        full += &format!("{}:(ffffffffffffffff 4294967295 dalA) ", i);
    }
    assert_eq!(fmt(&f), full[..511]);
}

#[test]
fn seprint_stops_at_a_rune_that_does_not_fit() {
    // A three-byte rune meets two bytes of room: that seprint ends there,
    // and the next one (the next walk name) fills the two bytes.
    let prefix = "Twalk tag 1 fid 0 newfid 1 nwname 2 ";
    let k = 509 - prefix.len() - 2;
    let first = format!("{}\u{20ac}z", "a".repeat(k));
    let f = Fcall::new(
        1,
        Msg::Twalk {
            fid: 0,
            newfid: 1,
            wname: vec![first.as_str().into(), "bb".into()],
        },
    );
    let want = format!("{}0:{}1:", prefix, "a".repeat(k));
    assert_eq!(want.len(), 511);
    assert_eq!(fmt(&f), want);
}

#[test]
fn strings_print_as_c_strings() {
    let ename = |b: &[u8]| fmt(&Fcall::new(1, Msg::Rerror { ename: b.into() }));
    // UTF-8 prints as it is.
    assert_eq!(
        ename("fichier «x»".as_bytes()),
        "Rerror tag 1 ename fichier «x»"
    );
    // A NUL ends the string.
    assert_eq!(ename(b"ab\0cd"), "Rerror tag 1 ename ab");
    // A byte that is not UTF-8 is one Runeerror...
    assert_eq!(ename(b"a\xffbcd"), "Rerror tag 1 ename a\u{fffd}bcd");
    assert_eq!(ename(b"\xe9t\xe9"), "Rerror tag 1 ename \u{fffd}t");
    // ...but near the end, where fewer bytes remain than its first byte
    // announces, the string stops there (fullrune fails): the rest is
    // dropped, not replaced.
    assert_eq!(ename(b"ab\xe2\x82"), "Rerror tag 1 ename ab");
    assert_eq!(ename(b"a\xffb"), "Rerror tag 1 ename a");
    // Overlong encodings are errors, one Runeerror a byte, but a lone
    // continuation byte at the end is incomplete.
    assert_eq!(ename(b"\xc0\x80"), "Rerror tag 1 ename \u{fffd}");
    assert_eq!(ename(b"\xc0\x80x"), "Rerror tag 1 ename \u{fffd}\u{fffd}x");
    // Four-byte sequences up to U+10FFFF are runes; beyond is an error,
    // a Runeerror a byte, but for the last byte, alone at the end.
    assert_eq!(
        ename("\u{1f600}".as_bytes()),
        "Rerror tag 1 ename \u{1f600}"
    );
    assert_eq!(
        ename(b"\xf4\x90\x80\x80"),
        "Rerror tag 1 ename \u{fffd}\u{fffd}\u{fffd}"
    );
    // planten's deviation: a surrogate, which 9front would print, is
    // replaced.
    assert_eq!(ename(b"\xed\xa0\x80"), "Rerror tag 1 ename \u{fffd}");
    // Names in a directory entry follow the same rules.
    let d = Dir {
        name: b"a\0b".as_slice().into(),
        uid: b"\xff".as_slice().into(),
        ..Dir::default()
    };
    assert!(dirfmt(&d).starts_with("'a' '' '' '' q"));
}

#[test]
fn display_pads() {
    let f = sample(Rflush);
    assert_eq!(format!("{:>15}|", f), "   Rflush tag 4|");
    assert_eq!(format!("{:.6}", f), "Rflush");
}
