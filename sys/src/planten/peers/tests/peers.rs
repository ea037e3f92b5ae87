//! The peers are there when a test asks for them, and they are the real
//! thing: 9base's rc is Plan 9's rc.

use std::process::Command;

#[test]
fn ninebase_rc_is_plan9_rc() {
    let rc = peers::ninebase::bin("rc").unwrap();
    // Plan 9 rc: $#x counts a list, ^ pastes pairwise, '' quotes a quote.
    let out = Command::new(&rc)
        .args(["-c", "x=(a b c); echo $#x (1 2)^(x y) 'it''s'"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "3 1x 2y it's\n");
}
