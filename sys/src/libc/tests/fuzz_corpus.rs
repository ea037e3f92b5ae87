//! The seed corpus of the fuzz targets in `fuzz/` is these tests' sample
//! messages and directory entries. `PLANTEN_WRITE_CORPUS=1 cargo test -p
//! planten-libc --test fuzz_corpus` writes it; otherwise the test checks
//! that the committed corpus is exactly the samples, so it cannot go stale.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use libc::fcall::*;

fn corpus(target: &str) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    match target {
        "convM2S" => {
            for f in common::samples() {
                m.insert(
                    format!("{}-{:?}", f.typ(), f.msg)
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                        .collect(),
                    f.to_bytes().unwrap(),
                );
            }
        }
        "convM2D" => {
            let dirs = [common::root_dir(), common::rename_dir(), Dir::default()];
            for (i, d) in dirs.iter().enumerate() {
                m.insert(format!("dir{}", i), d.to_bytes().unwrap());
            }
            m.insert(
                "dirread".to_string(),
                dirs.iter().flat_map(|d| d.to_bytes().unwrap()).collect(),
            );
        }
        _ => unreachable!(),
    }
    m
}

#[test]
fn fuzz_corpus_is_the_samples() {
    for target in ["convM2S", "convM2D"] {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/corpus")
            .join(target);
        let want = corpus(target);
        if std::env::var_os("PLANTEN_WRITE_CORPUS").is_some() {
            std::fs::create_dir_all(&dir).unwrap();
            for (name, bytes) in &want {
                std::fs::write(dir.join(name), bytes).unwrap();
            }
        }
        let mut have = BTreeMap::new();
        for e in std::fs::read_dir(&dir).unwrap() {
            let e = e.unwrap();
            have.insert(
                e.file_name().into_string().unwrap(),
                std::fs::read(e.path()).unwrap(),
            );
        }
        assert_eq!(
            have, want,
            "fuzz/corpus/{} differs from the samples",
            target
        );
    }
}
