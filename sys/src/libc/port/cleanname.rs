//! `cleanname`: a port of 9front's `libc/port/cleanname.c`.
//!
//! Rewrites a file name lexically: runs of `/` become one, `.` elements
//! go, and `..` removes the element before it where there is one (`/..` is
//! `/`; a relative name keeps leading `..`s). An empty result is `.`. A
//! name that began with `#` but lost its first element to `.` or `..` gets
//! a `./` prefix, so that it does not become a device name.
//!
//! What differs from 9front: 9front rewrites the C string in place; this
//! returns a new `String`.

use alloc::string::String;
use alloc::vec::Vec;

/// The lexically cleaned form of `name`.
pub fn cleanname(name: &str) -> String {
    let rooted = name.starts_with('/');
    let mut erasedprefix = false;
    // The elements written so far; `fixed` of them are leading `..`s of a
    // relative name, which a later `..` cannot take back.
    let mut out: Vec<&str> = Vec::new();
    let mut fixed = 0;
    let mut first = true;
    for elem in name.split('/') {
        let at_start = first;
        first = false;
        match elem {
            "" => {}
            "." => {
                if at_start {
                    erasedprefix = true;
                }
            }
            ".." => {
                if out.len() > fixed {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                    fixed += 1;
                }
                if out.is_empty() {
                    erasedprefix = true;
                }
            }
            e => out.push(e),
        }
    }
    let mut s = String::with_capacity(name.len() + 2);
    if rooted {
        s.push('/');
    }
    s.push_str(&out.join("/"));
    if s.is_empty() {
        s.push('.');
    }
    if erasedprefix && s.starts_with('#') {
        s.insert_str(0, "./");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::cleanname;

    // Cases follow the rules of 9front's cleanname.c and cleanname(2).
    #[test]
    fn cleans_like_9front() {
        for (i, o) in [
            ("", "."),
            (".", "."),
            ("/", "/"),
            ("//", "/"),
            ("a//b", "a/b"),
            ("a/./b/", "a/b"),
            ("./a", "a"),
            ("a/..", "."),
            ("a/../..", ".."),
            ("../a/../..", "../.."),
            ("/..", "/"),
            ("/../a", "/a"),
            ("/a/b/../c", "/a/c"),
            ("a/b/../../../c", "../c"),
            ("..", ".."),
            ("../..", "../.."),
            ("#c/../#d", "./#d"),
            ("./#c", "./#c"),
            ("#c/x", "#c/x"),
            ("x/./..", "."),
        ] {
            assert_eq!(cleanname(i), o, "cleanname({i:?})");
        }
    }
}
