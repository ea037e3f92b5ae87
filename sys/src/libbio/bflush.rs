//! `Bflush`: a port of 9front's `libbio/bflush.c`.

use libc::syscall;

use crate::binit::Biobuf;

impl Biobuf {
    /// `Bflush`: writes all pending output.
    pub fn flush(&mut self) -> syscall::Result<()> {
        let n = self.out.len();
        self.drain(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use libc::syscall::{close, pipe, read, OREAD, OWRITE};

    #[test]
    fn writes_collect_until_flush() {
        let [r, w] = pipe().unwrap();
        let mut b = Biobuf::new(w, OWRITE);
        b.write(b"ab").unwrap();
        b.putc(b'c').unwrap();
        b.putrune(0xE9).unwrap();
        b.print(format_args!("{}-{}", 1, "x")).unwrap();
        assert_eq!(b.offset(), 8);
        b.flush().unwrap();
        close(w).unwrap();
        let mut got = [0u8; 16];
        let n = read(r, &mut got).unwrap();
        assert_eq!(&got[..n], "abcé1-x".as_bytes());
        let _ = OREAD;
    }
}
