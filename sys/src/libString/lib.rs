//! planten's libString: the Rust port of 9front's `sys/src/libString`
//! (extensible strings, string(2)), with `String.h`'s type and macros
//! here.
//!
//! A [`String`] is 9front's: an allocation (`base` to `end`) holding a
//! NUL-terminated byte string, and a finger (`ptr`) where characters are
//! added ([`String::putc`], [`String::append`], ...) or where parsing
//! starts ([`Source::parse`]). Each 9front file is a module adding its
//! function as a method of the same name without the `s_` prefix
//! (`s_putc` → [`String::putc`], `s_grow` → [`String::grow`], ...);
//! `s_to_c` is [`String::to_c`] and `s_len` is [`String::len`].
//!
//! What differs, by Rust's ownership rather than by behaviour:
//!
//! - `s_free` is `Drop`; a `String` has one owner, so the reference
//!   count and lock of 9front's are [`alloc::sync::Arc`]: `s_incref` is
//!   [`incref`], `s_unique` is [`unique`] (the `sysfatal`s on writing a
//!   shared string cannot happen: a shared one cannot be borrowed
//!   mutably);
//! - `s_array`'s constant strings, which 9front `sysfatal`s on growing,
//!   are a type of their own, [`Array`], borrowing the bytes and offering
//!   only what reads them; [`Source`] is what [`String`] and [`Array`]
//!   share (`s_parse`'s input);
//! - a nil `String*` argument (which `s_append` and friends turn into a
//!   fresh `s_new()`) has no counterpart: callers pass `&mut
//!   String::new()`;
//! - functions returning a `char*` into the string return the bytes as a
//!   slice of it.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::vec::Vec;

pub mod s_alloc;
pub mod s_append;
pub mod s_array;
pub mod s_copy;
pub mod s_getline;
pub mod s_grow;
pub mod s_memappend;
pub mod s_nappend;
pub mod s_parse;
pub mod s_putc;
pub mod s_rdinstack;
pub mod s_read;
pub mod s_read_line;
pub mod s_reset;
pub mod s_terminate;
pub mod s_tolower;
pub mod s_unique;

pub use s_alloc::incref;
pub use s_array::Array;
pub use s_parse::Source;
pub use s_rdinstack::Sinstack;
pub use s_unique::unique;

/// An extensible string (9front's `String`).
#[derive(Debug, PartialEq, Eq)]
pub struct String {
    /// The allocation, `base` to `end`: its length is the allocated size.
    pub(crate) buf: Vec<u8>,
    /// The finger, an index into `buf`.
    pub(crate) ptr: usize,
}

/// The bytes of `b` before its first NUL (all of them without one).
pub(crate) fn cstr(b: &[u8]) -> &[u8] {
    match b.iter().position(|&c| c == 0) {
        Some(n) => &b[..n],
        None => b,
    }
}

impl String {
    /// `s_to_c`: the NUL-terminated string at the base, without the NUL.
    pub fn to_c(&self) -> &[u8] {
        cstr(&self.buf)
    }

    /// `s_len`: how far the finger is from the base.
    pub fn len(&self) -> usize {
        self.ptr
    }

    /// Whether [`String::len`] is 0.
    pub fn is_empty(&self) -> bool {
        self.ptr == 0
    }

    /// The allocated size (`end - base`).
    pub fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// `s_clone`: [`String::copy`] of [`String::to_c`].
    pub fn clone_c(&self) -> String {
        String::copy(self.to_c())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use libbio::Biobuf;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A temporary file holding `data`; its name.
    pub fn tmpfile(data: &[u8]) -> alloc::string::String {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!("planten-libstring-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(N.fetch_add(1, Ordering::Relaxed).to_string());
        std::fs::write(&p, data).unwrap();
        p.to_str().unwrap().into()
    }

    /// A Biobuf reading `data`.
    pub fn bio(data: &[u8]) -> Biobuf {
        Biobuf::open(&tmpfile(data), libc::syscall::OREAD).unwrap()
    }
}
