//! Runs the C test program (tests/roundtrip.c), compiled by build.rs
//! against include/fcall.h, linked with the bridge's exports.

// Keeps the bridge's symbols in the link.
use bridge as _;

#[link(name = "fcalltest", kind = "static")]
extern "C" {
    fn bridge_c_test() -> core::ffi::c_int;
}

#[test]
fn c_program_round_trips_through_the_bridge() {
    // SAFETY: the C test takes no arguments and touches only its own data
    // and the bridge.
    let fails = unsafe { bridge_c_test() };
    assert_eq!(fails, 0, "see the C program's messages above");
}

#[test]
fn c_layout_is_9fronts() {
    use core::mem::{offset_of, size_of};
    // amd64 Plan 9: Qid {uvlong, ulong(32), uchar} is 16 bytes.
    assert_eq!(size_of::<bridge::CQid>(), 16);
    assert_eq!(offset_of!(bridge::CDir, qid), 8);
    assert_eq!(offset_of!(bridge::CDir, length), 40);
    assert_eq!(size_of::<bridge::CDir>(), 80);
    assert_eq!(offset_of!(bridge::CFcall, u), 16);
}
