//! `Binit`, `Bopen`, `Bfdopen`, `Bterm`: a port of 9front's
//! `libbio/binit.c`.
//!
//! The buffer is a `Vec` with the unread bytes at `rp..re` (read mode) or
//! the pending bytes (write mode). There is no `atexit` list: see the
//! crate's notes.

use alloc::vec;
use alloc::vec::Vec;
use libc::syscall::{self, Fd, OREAD};

/// The buffer size, 9front's `Bsize` (= IOUNIT).
pub const BSIZE: usize = 32768;
/// Room kept for ungetting, 9front's `Bungetsize`.
pub(crate) const BUNGETSIZE: usize = libc::rune::UTFMAX + 1;

/// A buffered file.
pub struct Biobuf {
    pub(crate) fd: Fd,
    pub(crate) writing: bool,
    /// Read buffer: `BUNGETSIZE + BSIZE` bytes, data at `rp..re`.
    pub(crate) buf: Vec<u8>,
    pub(crate) rp: usize,
    pub(crate) re: usize,
    pub(crate) eof: bool,
    /// Pending output.
    pub(crate) out: Vec<u8>,
    pub(crate) rdline: usize,
    pub(crate) runesize: usize,
    /// Bytes read from or written to the file so far.
    pub(crate) offset: i64,
    pub(crate) errorf: Option<fn(&str)>,
}

impl Biobuf {
    /// `Binit`: buffers `fd`, opened with `mode` (OREAD or OWRITE).
    pub fn new(fd: Fd, mode: i32) -> Biobuf {
        let writing = mode & 3 != OREAD;
        Biobuf {
            fd,
            writing,
            buf: if writing { Vec::new() } else { vec![0; BUNGETSIZE + BSIZE] },
            rp: BUNGETSIZE,
            re: BUNGETSIZE,
            eof: false,
            out: Vec::new(),
            rdline: 0,
            runesize: 0,
            offset: 0,
            errorf: None,
        }
    }

    /// `Bopen`: opens `name` with `mode` and buffers it.
    pub fn open(name: &str, mode: i32) -> syscall::Result<Biobuf> {
        let fd = syscall::open(name, mode)?;
        Ok(Biobuf::new(fd, mode))
    }

    /// `Bfildes`: the file descriptor.
    pub fn fd(&self) -> Fd {
        self.fd
    }

    /// `Bterm`: flushes and closes (unless the descriptor is 0, 1 or 2).
    pub fn term(mut self) -> syscall::Result<()> {
        let r = self.flush();
        if self.fd.0 > 2 {
            let _ = syscall::close(self.fd);
        }
        r
    }
}
