//! Sample messages and directory entries shared by the tests: one message
//! of each 9P2000 type, as the wire tests spell out byte by byte, and the
//! seeds of the fuzz corpus.
#![allow(dead_code)]

use libc::fcall::*;

/// The directory entry of the Rstat sample: a server's root.
pub fn root_dir() -> Dir {
    Dir {
        typ: 0x4d,
        dev: 0,
        qid: Qid {
            path: 0,
            vers: 0,
            typ: QTDIR,
        },
        mode: DMDIR | 0o775,
        atime: 1700000000,
        mtime: 1700000001,
        length: 0,
        name: "/".into(),
        uid: "glenda".into(),
        gid: "sys".into(),
        muid: "glenda".into(),
    }
}

/// The entry of the Twstat sample: a rename, every other field "don't
/// touch" (all ones, empty strings), as stat(5) describes.
pub fn rename_dir() -> Dir {
    Dir {
        typ: !0,
        dev: !0,
        qid: Qid {
            path: !0,
            vers: !0,
            typ: !0,
        },
        mode: !0,
        atime: !0,
        mtime: !0,
        length: !0,
        name: "new".into(),
        uid: "".into(),
        gid: "".into(),
        muid: "".into(),
    }
}

/// One message of each type, in type order.
pub fn samples() -> Vec<Fcall> {
    let f = Fcall::new;
    vec![
        f(
            NOTAG,
            Msg::Tversion {
                msize: 8192,
                version: VERSION9P.into(),
            },
        ),
        f(
            NOTAG,
            Msg::Rversion {
                msize: 8192,
                version: VERSION9P.into(),
            },
        ),
        f(
            1,
            Msg::Tauth {
                afid: 5,
                uname: "glenda".into(),
                aname: "".into(),
            },
        ),
        f(
            1,
            Msg::Rauth {
                aqid: Qid {
                    path: 0x0102030405060708,
                    vers: 0,
                    typ: QTAUTH,
                },
            },
        ),
        f(
            2,
            Msg::Tattach {
                fid: 0,
                afid: NOFID,
                uname: "glenda".into(),
                aname: "main".into(),
            },
        ),
        f(
            2,
            Msg::Rattach {
                qid: Qid {
                    path: 1,
                    vers: 3,
                    typ: QTDIR,
                },
            },
        ),
        f(
            3,
            Msg::Rerror {
                ename: "file does not exist".into(),
            },
        ),
        f(4, Msg::Tflush { oldtag: 3 }),
        f(4, Msg::Rflush),
        f(
            5,
            Msg::Twalk {
                fid: 0,
                newfid: 1,
                wname: vec!["usr".into(), "glenda".into()],
            },
        ),
        f(
            5,
            Msg::Rwalk {
                wqid: vec![
                    Qid {
                        path: 0x10,
                        vers: 0,
                        typ: QTDIR,
                    },
                    Qid {
                        path: 0x11,
                        vers: 0,
                        typ: QTDIR,
                    },
                ],
            },
        ),
        f(
            6,
            Msg::Topen {
                fid: 1,
                mode: ORDWR | OTRUNC,
            },
        ),
        f(
            6,
            Msg::Ropen {
                qid: Qid {
                    path: 0x2a,
                    vers: 1,
                    typ: QTFILE,
                },
                iounit: 8168,
            },
        ),
        f(
            7,
            Msg::Tcreate {
                fid: 1,
                name: "x".into(),
                perm: DMDIR | 0o755,
                mode: OREAD,
            },
        ),
        f(
            7,
            Msg::Rcreate {
                qid: Qid {
                    path: 0x2b,
                    vers: 0,
                    typ: QTDIR,
                },
                iounit: 0,
            },
        ),
        f(
            8,
            Msg::Tread {
                fid: 1,
                offset: 0x1_0000_0002,
                count: 8192,
            },
        ),
        f(
            8,
            Msg::Rread {
                data: b"hello".to_vec(),
            },
        ),
        f(
            9,
            Msg::Twrite {
                fid: 1,
                offset: 10,
                data: vec![0, 1, 2],
            },
        ),
        f(9, Msg::Rwrite { count: 3 }),
        f(10, Msg::Tclunk { fid: 1 }),
        f(10, Msg::Rclunk),
        f(11, Msg::Tremove { fid: 2 }),
        f(11, Msg::Rremove),
        f(12, Msg::Tstat { fid: 1 }),
        f(
            12,
            Msg::Rstat {
                stat: root_dir().to_bytes().unwrap(),
            },
        ),
        f(
            13,
            Msg::Twstat {
                fid: 1,
                stat: rename_dir().to_bytes().unwrap(),
            },
        ),
        f(13, Msg::Rwstat),
    ]
}

/// The sample of type `typ`.
pub fn sample(typ: u8) -> Fcall {
    samples()
        .into_iter()
        .find(|f| f.typ() == typ)
        .expect("a sample of each type")
}
