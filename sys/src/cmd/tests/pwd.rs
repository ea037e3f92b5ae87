//! pwd against 9front's pwd.c (9base has no pwd).

use crate::common::*;

#[test]
fn pwd_prints_the_current_directory() {
    let d = scratch("pwd");
    let d = d.canonicalize().unwrap();
    let r = run_in(&planten("pwd"), &[], b"", Some(&d));
    // pwd.c: print("%s\n", getwd(...)), exit status "".
    assert_eq!(r.stdout, format!("{}\n", d.display()).into_bytes());
    assert_eq!(r.code, Some(0));
    // Arguments are ignored (USED(argc, argv)).
    let r = run_in(&planten("pwd"), &["-x", "y"], b"", Some(&d));
    assert_eq!(r.stdout, format!("{}\n", d.display()).into_bytes());
}
