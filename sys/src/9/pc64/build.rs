//! Link the kernel: static, not position-independent, without the C
//! runtime, laid out by kernel.ld (no 9front counterpart: 9front's mkfile
//! gives its linker `-T$KTZERO` instead).

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// The boot files: every file under `amd64/bin`, `rc` and `lib` of the
/// workspace, by path relative to it, with whether it is executable.
fn bootfiles(top: &Path) -> Vec<(String, PathBuf, bool)> {
    fn walk(top: &Path, rel: &str, out: &mut Vec<(String, PathBuf, bool)>) {
        let dir = top.join(rel);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut ents: Vec<_> = match fs::read_dir(&dir) {
            Ok(d) => d.filter_map(|e| e.ok()).collect(),
            Err(_) => return,
        };
        ents.sort_by_key(|e| e.file_name());
        for e in ents {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let r = format!("{rel}/{name}");
            let md = match fs::metadata(e.path()) {
                Ok(m) => m,
                Err(_) => continue,
            };
            if md.is_dir() {
                walk(top, &r, out);
            } else if md.is_file() {
                use std::os::unix::fs::PermissionsExt;
                println!("cargo:rerun-if-changed={}", e.path().display());
                out.push((r, e.path(), md.permissions().mode() & 0o111 != 0));
            }
        }
    }
    let mut v = Vec::new();
    for d in ["amd64/bin", "rc", "lib"] {
        walk(top, d, &mut v);
    }
    // /boot: the boot program (built into amd64/bin by `cargo native`)
    // and planten's bootrc.
    for (src, dst) in [("amd64/bin/boot", "boot/boot"), ("sys/src/9/boot/bootrc", "boot/bootrc")] {
        let path = top.join(src);
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_file() {
            v.push((String::from(dst), path, true));
        }
    }
    v
}

fn main() {
    let dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let script = dir.join("kernel.ld");
    for arg in [
        "-nostartfiles",
        "-nostdlib",
        "-static",
        "-no-pie",
        "-Wl,-z,max-page-size=0x1000",
        "-Wl,--build-id=none",
    ] {
        println!("cargo:rustc-link-arg-bins={arg}");
    }
    println!("cargo:rustc-link-arg-bins=-T{}", script.display());
    println!("cargo:rerun-if-changed={}", script.display());
    println!("cargo:rerun-if-changed=build.rs");

    // The root file system's files (devroot), as 9front's kernel
    // embeds its boot files: `ROOTFILES` in $OUT_DIR/rootfiles.rs.
    let top = dir.join("../../../..");
    let mut out = String::from("/// The boot files: path, contents, executable.\npub static ROOTFILES: &[(&str, &[u8], bool)] = &[\n");
    for (rel, path, x) in bootfiles(&top) {
        let path = path.canonicalize().unwrap_or(path);
        let _ = writeln!(out, "    ({rel:?}, include_bytes!({:?}), {x}),", path.display().to_string());
    }
    out.push_str("];\n");
    let od = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    fs::write(od.join("rootfiles.rs"), out).expect("write rootfiles.rs");
}
