//! Fuzzes the 9P message decoder (`convM2S.rs`): decoding never panics,
//! and a message that decodes encodes to the same bytes and decodes to the
//! same message again; printing it (`fcallfmt`) never panics either.
#![no_main]

use libc::fcall::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut f9 = Fcall::new(0, Msg::Rflush);
    let n9 = convM2S(data, &mut f9);
    match Fcall::decode_prefix(data) {
        Ok((f, n)) => {
            assert_eq!(n9 as usize, n);
            assert_eq!(f9, f);
            assert_eq!(sizeS2M(&f) as usize, n);
            let b = f.to_bytes().expect("a decoded message encodes");
            assert_eq!(&b[..], &data[..n], "re-encoding differs");
            assert_eq!(Fcall::decode(&b), Ok(f.clone()));
            assert_eq!(Fcall::decode(data).is_ok(), n == data.len());
            let _ = fcallfmt(&f);
            if let Msg::Rstat { stat } | Msg::Twstat { stat, .. } = &f.msg {
                let _ = Dir::decode(stat);
            }
        }
        Err(_) => {
            assert_eq!(n9, 0);
            assert!(Fcall::decode(data).is_err());
        }
    }
});
