//! Malformed messages and directory entries are rejected as 9front's
//! `convM2S` (which returns 0), `statcheck` (-1) and `convM2D` (0) reject
//! them, without panicking, and with the reason as a `DecodeError`.

mod common;

use common::{root_dir, sample, samples};
use libc::fcall::*;

fn rejects(wire: &[u8], err: DecodeError) {
    assert_eq!(Fcall::decode(wire), Err(err), "decoding {:?}", wire);
    let mut f = Fcall::new(0, Msg::Rflush);
    assert_eq!(convM2S(wire, &mut f), 0);
    assert_eq!(f, Fcall::new(0, Msg::Rflush), "convM2S changed f on error");
}

/// Sets the size field of `wire`.
fn with_size(mut wire: Vec<u8>, size: u32) -> Vec<u8> {
    pbit32(&mut wire, size).unwrap();
    wire
}

#[test]
fn truncated_at_every_offset() {
    for f in samples() {
        let wire = f.to_bytes().unwrap();
        for n in 0..wire.len() {
            rejects(&wire[..n], DecodeError::Truncated);
        }
    }
}

#[test]
fn zero_length_and_short_header() {
    rejects(&[], DecodeError::Truncated);
    rejects(&[7, 0, 0, 0, 109, 0], DecodeError::Truncated);
}

#[test]
fn size_field_below_header() {
    for size in 0..7 {
        rejects(
            &with_size(vec![0, 0, 0, 0, 109, 1, 0], size),
            DecodeError::BadSize(size),
        );
    }
}

#[test]
fn size_field_larger_than_buffer() {
    for f in samples() {
        let wire = f.to_bytes().unwrap();
        let n = wire.len() as u32;
        rejects(&with_size(wire.clone(), n + 1), DecodeError::Truncated);
        rejects(&with_size(wire.clone(), u32::MAX), DecodeError::Truncated);
        // With a byte more in the buffer, the fields end before the size.
        let mut more = with_size(wire, n + 1);
        more.push(0);
        rejects(&more, DecodeError::SizeMismatch);
    }
}

#[test]
fn size_field_smaller_than_message() {
    // The message is cut at its size field: the last field overruns it.
    for f in samples() {
        let wire = f.to_bytes().unwrap();
        if wire.len() == 7 {
            continue;
        }
        let short = with_size(wire.clone(), wire.len() as u32 - 1);
        let err = Fcall::decode_prefix(&short).unwrap_err();
        let want = match f.msg {
            // Its last string is empty: the cut falls in its count.
            Msg::Tauth { .. } => DecodeError::ShortMessage,
            Msg::Tversion { .. }
            | Msg::Rversion { .. }
            | Msg::Tattach { .. }
            | Msg::Rerror { .. }
            | Msg::Twalk { .. } => DecodeError::BadString,
            Msg::Rread { .. } | Msg::Twrite { .. } | Msg::Rstat { .. } | Msg::Twstat { .. } => {
                DecodeError::BadCount
            }
            _ => DecodeError::ShortMessage,
        };
        assert_eq!(err, want, "{:?}", f);
        rejects(&short, want);
    }
}

#[test]
fn string_past_end() {
    // Rerror whose ename count says 20 with 19 bytes there.
    let mut wire = sample(Rerror).to_bytes().unwrap();
    wire[7] = 20;
    rejects(&wire, DecodeError::BadString);
    wire[7] = 0xff;
    wire[8] = 0xff;
    rejects(&wire, DecodeError::BadString);
    // A Tattach whose aname count is missing altogether.
    let wire = vec![
        23, 0, 0, 0, 104, 2, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 6, 0, b'g', b'l', b'e', b'n',
        b'd', b'a',
    ];
    rejects(&wire, DecodeError::ShortMessage);
}

#[test]
fn too_many_walk_elements() {
    // nwname 17, with the 17 names present.
    let mut wire = vec![0, 0, 0, 0, 110, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 17, 0];
    for _ in 0..17 {
        wire.extend_from_slice(&[1, 0, b'a']);
    }
    let n = wire.len() as u32;
    rejects(&with_size(wire, n), DecodeError::TooManyElems(17));
    // nwqid 17, with the qids present.
    let mut wire = vec![0, 0, 0, 0, 111, 1, 0, 17, 0];
    wire.extend_from_slice(&[0; 17 * 13]);
    let n = wire.len() as u32;
    rejects(&with_size(wire, n), DecodeError::TooManyElems(17));
    // 9front checks the count before looking for the names.
    rejects(
        &[17, 0, 0, 0, 110, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0xff, 0xff],
        DecodeError::TooManyElems(0xffff),
    );
    // A count of names that are not there.
    rejects(
        &[17, 0, 0, 0, 110, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0],
        DecodeError::ShortMessage,
    );
}

#[test]
fn count_past_end() {
    // Rread with count 6 and 5 bytes of data.
    let mut wire = sample(Rread).to_bytes().unwrap();
    wire[7] = 6;
    rejects(&wire, DecodeError::BadCount);
    // A count near 2^32 is refused before anything is allocated.
    let mut wire = sample(Twrite).to_bytes().unwrap();
    pbit32(&mut wire[19..], u32::MAX).unwrap();
    rejects(&wire, DecodeError::BadCount);
    // Rstat and Twstat with stat counts one too many.
    let mut wire = sample(Rstat).to_bytes().unwrap();
    wire[7] += 1;
    rejects(&wire, DecodeError::BadCount);
    let mut wire = sample(Twstat).to_bytes().unwrap();
    wire[11] += 1;
    rejects(&wire, DecodeError::BadCount);
}

#[test]
fn trailing_bytes() {
    for f in samples() {
        let mut wire = f.to_bytes().unwrap();
        let n = wire.len();
        wire.push(0);
        // As one message, the extra byte is an error...
        assert_eq!(Fcall::decode(&wire), Err(DecodeError::TrailingBytes));
        // ...but convM2S, as 9front's, decodes the message before it.
        assert_eq!(Fcall::decode_prefix(&wire), Ok((f.clone(), n)));
        let mut g = Fcall::new(0, Msg::Rflush);
        assert_eq!(convM2S(&wire, &mut g) as usize, n);
        // An extra byte inside the message's size is always an error.
        let inside = with_size(wire, n as u32 + 1);
        rejects(&inside, DecodeError::SizeMismatch);
    }
}

#[test]
fn unknown_types() {
    // Terror (106) is illegal; so is anything outside 100..=127.
    for typ in [0, 1, 99, 106, 128, 200, 255] {
        rejects(&[7, 0, 0, 0, typ, 0, 0], DecodeError::BadType(typ));
        rejects(
            &[11, 0, 0, 0, typ, 0, 0, 1, 2, 3, 4],
            DecodeError::BadType(typ),
        );
    }
}

#[test]
fn qid_cut_short() {
    rejects(
        &[
            19, 0, 0, 0, 105, 2, 0, 0x80, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
        ],
        DecodeError::ShortMessage,
    );
}

#[test]
fn stat_rejects_bad_entries() {
    let good = root_dir().to_bytes().unwrap();
    assert_eq!(statcheck(&good), 0);
    let bad = |b: &[u8], err: DecodeError| {
        assert_eq!(statcheck(b), -1, "{:?}", b);
        assert_eq!(Dir::check(b), Err(err));
        assert_eq!(Dir::decode(b), Err(err));
    };
    // Shorter than STATFIXLEN, at every length.
    for n in 0..STATFIXLEN {
        bad(&good[..n], DecodeError::Truncated);
        let mut d = Dir::default();
        assert_eq!(convM2D(&good[..n], &mut d), 0);
    }
    // Cut anywhere in the strings: the size field no longer matches.
    for n in STATFIXLEN..good.len() {
        bad(&good[..n], DecodeError::SizeMismatch);
    }
    // Size field one off either way.
    let mut b = good.clone();
    b[0] += 1;
    bad(&b, DecodeError::SizeMismatch);
    b[0] -= 2;
    bad(&b, DecodeError::SizeMismatch);
    // A string count past the end, with the size field consistent.
    let mut b = good.clone();
    b[41] = 2; // name "/" claims 2 bytes
    bad(&b, DecodeError::BadString);
    // A string count short of the end: bytes left over.
    let mut b = good.clone();
    b[good.len() - 8] = 5; // muid "glenda" claims 5 bytes
    bad(&b, DecodeError::SizeMismatch);
    // Trailing bytes after a whole entry, size field unchanged.
    let mut b = good.clone();
    b.push(0);
    bad(&b, DecodeError::SizeMismatch);
}

#[test]
fn convm2d_is_lenient() {
    // convM2D ignores the size field and bytes after the strings, as
    // 9front's does; it needs only the fixed part and the strings.
    let good = root_dir().to_bytes().unwrap();
    let mut b = good.clone();
    b[0] = 0;
    b[1] = 0;
    b.extend_from_slice(b"junk");
    let mut d = Dir::default();
    assert_eq!(convM2D(&b, &mut d) as usize, good.len());
    assert_eq!(d, root_dir());
    assert_eq!(Dir::decode_prefix(&b), Ok((root_dir(), good.len())));
    // A string past the end of the buffer is still an error.
    let mut d = Dir::default();
    assert_eq!(convM2D(&good[..good.len() - 1], &mut d), 0);
    assert_eq!(d, Dir::default());
    assert_eq!(
        Dir::decode_prefix(&good[..good.len() - 1]),
        Err(DecodeError::BadString)
    );
}

#[test]
fn dirpackage_rejects_bad_buffers() {
    let good = root_dir().to_bytes().unwrap();
    let mut two = good.clone();
    two.extend_from_slice(&good);
    assert_eq!(dirpackage(&two).map(|v| v.len()), Ok(2));
    // A partial entry at the end spoils the whole read.
    for n in 1..good.len() {
        let mut b = good.clone();
        b.extend_from_slice(&good[..n]);
        assert_eq!(
            dirpackage(&b),
            Err(DecodeError::Truncated),
            "{} bytes more",
            n
        );
    }
    // An entry that fails statcheck, though its size fits.
    let mut b = two.clone();
    b[good.len() + 41] = 2;
    assert_eq!(dirpackage(&b), Err(DecodeError::BadString));
    // A size field claiming less than STATFIXLEN.
    assert_eq!(dirpackage(&[1, 0, 0]), Err(DecodeError::Truncated));
}
