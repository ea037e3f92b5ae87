//! The connection a client speaks over, and how its procs sleep.

#[cfg(any(feature = "linux", feature = "native"))]
use crate::Error;
use crate::Result;

/// A byte stream to a 9P server. `read` is called by one proc at a time;
/// `write` may be called by several at once, each with a whole message.
pub trait Transport: Send + Sync {
    /// Reads some bytes; 0 is end of file.
    fn read(&self, buf: &mut [u8]) -> Result<usize>;
    /// Writes all of `buf`.
    fn write(&self, buf: &[u8]) -> Result<()>;
}

/// 9front's `rendezvous`: the first proc at a tag sleeps until a second
/// arrives; each gets the other's value.
pub trait Rendezvous: Send + Sync {
    fn rendezvous(&self, tag: usize, val: usize) -> usize;
}

/// A transport over a libc file descriptor (a dialled connection, a pipe).
#[cfg(any(feature = "linux", feature = "native"))]
pub struct FdTransport {
    pub fd: libc::syscall::Fd,
    /// Close the descriptor when the transport goes.
    pub owned: bool,
}

#[cfg(any(feature = "linux", feature = "native"))]
impl FdTransport {
    pub fn new(fd: libc::syscall::Fd) -> FdTransport {
        FdTransport { fd, owned: true }
    }
}

#[cfg(any(feature = "linux", feature = "native"))]
impl Transport for FdTransport {
    fn read(&self, buf: &mut [u8]) -> Result<usize> {
        libc::syscall::read(self.fd, buf).map_err(|e| Error(e.0))
    }
    fn write(&self, buf: &[u8]) -> Result<()> {
        let mut off = 0;
        while off < buf.len() {
            match libc::syscall::write(self.fd, &buf[off..]) {
                Ok(0) => return Err(Error::new("i/o on hungup channel")),
                Ok(n) => off += n,
                Err(e) => return Err(Error(e.0)),
            }
        }
        Ok(())
    }
}

#[cfg(any(feature = "linux", feature = "native"))]
impl Drop for FdTransport {
    fn drop(&mut self) {
        if self.owned {
            let _ = libc::syscall::close(self.fd);
        }
    }
}

/// libc's rendezvous.
#[cfg(any(feature = "linux", feature = "native"))]
pub struct LibcRendezvous;

#[cfg(any(feature = "linux", feature = "native"))]
impl Rendezvous for LibcRendezvous {
    fn rendezvous(&self, tag: usize, val: usize) -> usize {
        libc::syscall::rendezvous(tag, val)
    }
}
