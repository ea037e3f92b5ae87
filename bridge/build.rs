//! Compiles the C test program (tests/roundtrip.c) against the header
//! written here; `cargo test -p bridge` links it with the bridge and runs
//! it (tests/c.rs).

fn main() {
    println!("cargo:rerun-if-changed=tests/roundtrip.c");
    println!("cargo:rerun-if-changed=include/fcall.h");
    cc::Build::new()
        .file("tests/roundtrip.c")
        .include("include")
        .warnings(true)
        .cargo_metadata(false)
        .compile("fcalltest");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    println!("cargo:rustc-link-search=native={out}");
}
