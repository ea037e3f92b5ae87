//! Property tests: any message or directory entry encodes and decodes back
//! to itself, with the size `sizeS2M`/`sizeD2M` predicts; directory reads
//! unpack to the entries packed; and no input, random or a valid message
//! damaged, makes the decoders or the printers panic.

mod common;

use libc::fcall::*;
use proptest::collection::vec;
use proptest::prelude::*;

fn wirestr() -> impl Strategy<Value = WireStr> {
    prop_oneof![
        "[a-zA-Z0-9._/ -]{0,24}".prop_map(WireStr::from),
        "\\PC{0,8}".prop_map(WireStr::from),
        vec(any::<u8>(), 0..24).prop_map(WireStr::from),
    ]
}

fn qid() -> impl Strategy<Value = Qid> {
    (any::<u64>(), any::<u32>(), any::<u8>()).prop_map(|(path, vers, typ)| Qid { path, vers, typ })
}

fn dir() -> impl Strategy<Value = Dir> {
    (
        (any::<u16>(), any::<u32>(), qid(), any::<u32>()),
        (any::<u32>(), any::<u32>(), any::<u64>()),
        (wirestr(), wirestr(), wirestr(), wirestr()),
    )
        .prop_map(
            |((typ, dev, qid, mode), (atime, mtime, length), (name, uid, gid, muid))| Dir {
                typ,
                dev,
                qid,
                mode,
                atime,
                mtime,
                length,
                name,
                uid,
                gid,
                muid,
            },
        )
}

fn data() -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 0..200)
}

/// Stat bytes: usually an entry, sometimes anything (9P does not check).
fn stat() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![dir().prop_map(|d| d.to_bytes().unwrap()), data()]
}

fn msg() -> impl Strategy<Value = Msg> {
    let u32_ = any::<u32>;
    prop_oneof![
        (u32_(), wirestr()).prop_map(|(msize, version)| Msg::Tversion { msize, version }),
        (u32_(), wirestr()).prop_map(|(msize, version)| Msg::Rversion { msize, version }),
        (u32_(), wirestr(), wirestr()).prop_map(|(afid, uname, aname)| Msg::Tauth {
            afid,
            uname,
            aname
        }),
        qid().prop_map(|aqid| Msg::Rauth { aqid }),
        (u32_(), u32_(), wirestr(), wirestr()).prop_map(|(fid, afid, uname, aname)| Msg::Tattach {
            fid,
            afid,
            uname,
            aname
        }),
        qid().prop_map(|qid| Msg::Rattach { qid }),
        wirestr().prop_map(|ename| Msg::Rerror { ename }),
        any::<u16>().prop_map(|oldtag| Msg::Tflush { oldtag }),
        Just(Msg::Rflush),
        (u32_(), u32_(), vec(wirestr(), 0..=MAXWELEM))
            .prop_map(|(fid, newfid, wname)| Msg::Twalk { fid, newfid, wname }),
        vec(qid(), 0..=MAXWELEM).prop_map(|wqid| Msg::Rwalk { wqid }),
        (u32_(), any::<u8>()).prop_map(|(fid, mode)| Msg::Topen { fid, mode }),
        (qid(), u32_()).prop_map(|(qid, iounit)| Msg::Ropen { qid, iounit }),
        (u32_(), wirestr(), u32_(), any::<u8>()).prop_map(|(fid, name, perm, mode)| Msg::Tcreate {
            fid,
            name,
            perm,
            mode
        }),
        (qid(), u32_()).prop_map(|(qid, iounit)| Msg::Rcreate { qid, iounit }),
        (u32_(), any::<u64>(), u32_()).prop_map(|(fid, offset, count)| Msg::Tread {
            fid,
            offset,
            count
        }),
        data().prop_map(|data| Msg::Rread { data }),
        (u32_(), any::<u64>(), data()).prop_map(|(fid, offset, data)| Msg::Twrite {
            fid,
            offset,
            data
        }),
        u32_().prop_map(|count| Msg::Rwrite { count }),
        u32_().prop_map(|fid| Msg::Tclunk { fid }),
        Just(Msg::Rclunk),
        u32_().prop_map(|fid| Msg::Tremove { fid }),
        Just(Msg::Rremove),
        u32_().prop_map(|fid| Msg::Tstat { fid }),
        stat().prop_map(|stat| Msg::Rstat { stat }),
        (u32_(), stat()).prop_map(|(fid, stat)| Msg::Twstat { fid, stat }),
        Just(Msg::Rwstat),
    ]
}

fn fcall() -> impl Strategy<Value = Fcall> {
    (any::<u16>(), msg()).prop_map(|(tag, msg)| Fcall { tag, msg })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn fcall_round_trip(f in fcall()) {
        let wire = f.to_bytes().unwrap();
        prop_assert_eq!(wire.len(), f.size().unwrap());
        prop_assert_eq!(sizeS2M(&f) as usize, wire.len());
        prop_assert_eq!(gbit32(&wire), Some(wire.len() as u32));
        prop_assert_eq!(wire[4], f.typ());
        prop_assert_eq!(gbit16(&wire[5..]), Some(f.tag));
        prop_assert_eq!(Fcall::decode(&wire), Ok(f.clone()));
        let _ = fcallfmt(&f);
    }

    #[test]
    fn fcall_stream(fs in vec(fcall(), 0..8)) {
        // Messages back to back decode one at a time, as convM2S is used
        // on a stream.
        let mut wire = Vec::new();
        for f in &fs {
            wire.extend(f.to_bytes().unwrap());
        }
        let mut rest = &wire[..];
        for f in &fs {
            let (g, n) = Fcall::decode_prefix(rest).unwrap();
            prop_assert_eq!(&g, f);
            rest = &rest[n..];
        }
        prop_assert!(rest.is_empty());
    }

    #[test]
    fn dir_round_trip(d in dir()) {
        let wire = d.to_bytes().unwrap();
        prop_assert_eq!(wire.len(), d.size().unwrap());
        prop_assert_eq!(sizeD2M(&d) as usize, wire.len());
        prop_assert_eq!(gbit16(&wire), Some((wire.len() - 2) as u16));
        prop_assert_eq!(statcheck(&wire), 0);
        prop_assert_eq!(Dir::decode(&wire), Ok(d.clone()));
        let mut e = Dir::default();
        prop_assert_eq!(convM2D(&wire, &mut e) as usize, wire.len());
        prop_assert_eq!(&e, &d);
        let _ = dirfmt(&d);
    }

    #[test]
    fn dirpackage_round_trip(ds in vec(dir(), 0..6)) {
        let wire: Vec<u8> = ds.iter().flat_map(|d| d.to_bytes().unwrap()).collect();
        prop_assert_eq!(dirpackage(&wire), Ok(ds));
    }

    #[test]
    fn random_bytes_never_panic(b in vec(any::<u8>(), 0..300)) {
        decode_everything(&b);
    }

    #[test]
    fn random_messages_never_panic(
        typ in 95u8..130,
        tag in any::<u16>(),
        body in vec(any::<u8>(), 0..120),
        slack in -3i64..3,
    ) {
        // A header with a plausible type and a size near the buffer's.
        let size = (7 + body.len() as i64 + slack).max(0) as u32;
        let mut b = size.to_le_bytes().to_vec();
        b.push(typ);
        b.extend(tag.to_le_bytes());
        b.extend(body);
        decode_everything(&b);
    }

    #[test]
    fn damaged_messages_never_panic(f in fcall(), at in any::<prop::sample::Index>(), x in any::<u8>()) {
        let mut b = f.to_bytes().unwrap();
        let i = at.index(b.len());
        b[i] ^= x | 1;
        decode_everything(&b);
        b.truncate(i);
        decode_everything(&b);
    }
}

/// Runs every decoder over `b`; where one succeeds, re-encoding gives the
/// same bytes back.
fn decode_everything(b: &[u8]) {
    if let Ok((f, n)) = Fcall::decode_prefix(b) {
        assert_eq!(f.to_bytes().unwrap(), &b[..n]);
        let _ = fcallfmt(&f);
    }
    let mut f = Fcall::new(0, Msg::Rflush);
    let _ = convM2S(b, &mut f);
    let _ = Fcall::decode(b);
    if let Ok(d) = Dir::decode(b) {
        assert_eq!(d.to_bytes().unwrap(), b);
        let _ = dirfmt(&d);
    }
    let _ = statcheck(b);
    let mut d = Dir::default();
    let _ = convM2D(b, &mut d);
    let _ = dirpackage(b);
}
