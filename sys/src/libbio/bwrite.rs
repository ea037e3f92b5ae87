//! `Bwrite`: a port of 9front's `libbio/bwrite.c`.
//!
//! Bytes collect in the buffer and go out `Bsize` at a time; a failed
//! write reports through the error function and fails the call.

use libc::syscall::{self, Error};

use crate::binit::{Biobuf, BSIZE};

impl Biobuf {
    /// Writes the first `n` pending bytes.
    pub(crate) fn drain(&mut self, n: usize) -> syscall::Result<()> {
        if n == 0 {
            return Ok(());
        }
        match syscall::write(self.fd, &self.out[..n]) {
            Ok(m) if m == n => {
                self.out.drain(..n);
                self.offset += n as i64;
                Ok(())
            }
            r => {
                let e = match r {
                    Err(e) => e,
                    Ok(_) => Error::new("short write"),
                };
                self.out.clear();
                self.error(&alloc::format!("write error: {e}"));
                Err(e)
            }
        }
    }

    /// `Bwrite`: buffers `buf`, writing full buffers out.
    pub fn write(&mut self, buf: &[u8]) -> syscall::Result<usize> {
        self.out.extend_from_slice(buf);
        while self.out.len() >= BSIZE {
            self.drain(BSIZE)?;
        }
        Ok(buf.len())
    }
}
