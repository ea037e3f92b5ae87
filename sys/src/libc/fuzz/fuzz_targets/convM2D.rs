//! Fuzzes the directory-entry decoders (`convM2D.rs`, `dirread.rs`):
//! `statcheck` agrees with `Dir::decode`, an entry that decodes encodes to
//! the same bytes and decodes again to the same `Dir`, and `dirpackage`
//! either unpacks entries that re-encode to the whole buffer or fails.
#![no_main]

use libc::fcall::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match Dir::decode(data) {
        Ok(d) => {
            assert_eq!(statcheck(data), 0);
            let b = d.to_bytes().expect("a checked entry encodes");
            assert_eq!(&b[..], data, "re-encoding differs");
            assert_eq!(Dir::decode(&b), Ok(d.clone()));
            let _ = dirfmt(&d);
        }
        Err(_) => assert_eq!(statcheck(data), -1),
    }
    let mut d9 = Dir::default();
    let n9 = convM2D(data, &mut d9);
    match Dir::decode_prefix(data) {
        Ok((d, n)) => {
            assert_eq!(n9 as usize, n);
            assert_eq!(d9, d);
            assert_eq!(sizeD2M(&d) as usize, n);
            match d.to_bytes() {
                // The size field is the one thing convM2D ignores.
                Ok(b) => {
                    assert_eq!(&b[2..], &data[2..n]);
                    assert_eq!(Dir::decode(&b), Ok(d));
                }
                Err(e) => {
                    assert_eq!(e, EncodeError::TooLong);
                    assert!(n - 2 > STATMAX);
                }
            }
        }
        Err(_) => assert_eq!(n9, 0),
    }
    if let Ok(dirs) = dirpackage(data) {
        let mut b = Vec::new();
        for d in &dirs {
            b.extend(d.to_bytes().expect("a packaged entry encodes"));
        }
        assert_eq!(&b[..], data);
    }
});
