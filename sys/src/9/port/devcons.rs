//! The kernel message log of 9front's `port/devcons.c`: the `kmesg`
//! buffer (declared in `portdat.h`) and `kmesgputs`, which keeps the last
//! 16384 bytes printed on the console for `/dev/kmesg`.
//!
//! Only the buffer is here: the kernel (`pc64/cons.rs`) keeps a [`Kmesg`]
//! under an `ilock` and feeds it everything `print` and `iprint` write.
//! Not ported yet: the rest of devcons.c (the `#c` device, `/dev/cons`
//! input, `putstrn`'s screen and `kprint` queues, `panic`, `pprint`).

/// Bytes kept (the size of `kmesg.buf`).
pub const KMESGSIZE: usize = 16384;

/// The log: the last [`KMESGSIZE`] bytes written, oldest first.
#[derive(Clone)]
pub struct Kmesg {
    n: usize,
    buf: [u8; KMESGSIZE],
}

impl Default for Kmesg {
    fn default() -> Self {
        Self::new()
    }
}

impl Kmesg {
    /// An empty log.
    pub const fn new() -> Self {
        Kmesg {
            n: 0,
            buf: [0; KMESGSIZE],
        }
    }

    /// `kmesgputs`: append `s`; of a write longer than the buffer keep its
    /// tail, and otherwise slide older bytes out to make room.
    pub fn puts(&mut self, mut s: &[u8]) {
        if s.len() > KMESGSIZE {
            s = &s[s.len() - KMESGSIZE..];
        }
        let mut nn = self.n;
        if nn + s.len() >= KMESGSIZE {
            let d = nn + s.len() - KMESGSIZE;
            if d > 0 {
                self.buf.copy_within(d.., 0);
            }
            nn -= d;
        }
        self.buf[nn..nn + s.len()].copy_from_slice(s);
        self.n = nn + s.len();
    }

    /// The logged bytes (what reading `/dev/kmesg` from offset 0 gives).
    pub fn bytes(&self) -> &[u8] {
        &self.buf[..self.n]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    #[test]
    fn appends_then_keeps_the_tail() {
        let mut k = Kmesg::new();
        k.puts(b"hello ");
        k.puts(b"world\n");
        assert_eq!(k.bytes(), b"hello world\n");
        // Filling past the end slides the oldest bytes out.
        let fill: Vec<u8> = (0..KMESGSIZE).map(|i| b'a' + (i % 26) as u8).collect();
        k.puts(&fill[..KMESGSIZE - 4]);
        assert_eq!(k.bytes().len(), KMESGSIZE);
        assert_eq!(
            &k.bytes()[..8],
            b"rld\nabcd",
            "12+16380 bytes: the first 8 went"
        );
        k.puts(b"XY");
        assert_eq!(k.bytes().len(), KMESGSIZE);
        assert!(k.bytes().ends_with(b"XY"));
        assert_eq!(&k.bytes()[..4], b"d\nab");
        // A write longer than the buffer leaves only its tail.
        let mut big = vec![b'z'; KMESGSIZE + 10];
        big[10] = b'!';
        k.puts(&big);
        assert_eq!(k.bytes()[0], b'!');
        assert_eq!(k.bytes().len(), KMESGSIZE);
    }
}
