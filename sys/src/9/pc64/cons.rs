//! Console output: `print`, `iprint` and the kmesg log.
//!
//! No 9front file of its own: the kernel half of 9front's `port/print.c`
//! (the lock that keeps one `print`'s output together, `_fmtlock`) and of
//! `port/devcons.c`'s `print`, `iprint`, `putstrn` and `kmesgputs`.
//! Everything printed goes to the log (`port::devcons::Kmesg`, what
//! `/dev/kmesg` will read) and to the polled COM1 UART, a whole
//! `print!`/`iprint!` at a time, under one ilock. `iprint` is `print`
//! here (both are synchronous); if the lock is held on this processor
//! already (a fault while printing, a panic) the text goes straight to
//! the UART, unlogged, rather than deadlocking.

use core::fmt;

use port::devcons::Kmesg;

use crate::taslock::ILock;
use crate::uarti8250;

static KMESG: ILock<Kmesg> = ILock::new_const(Kmesg::new());

struct Both<'a>(&'a mut Kmesg);

impl fmt::Write for Both<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.puts(s.as_bytes());
        uarti8250::console().puts(s.as_bytes());
        Ok(())
    }
}

/// `print`: format to the console and the log.
pub fn putfmt(args: fmt::Arguments<'_>) {
    use fmt::Write as _;
    match KMESG.canilock() {
        Some(mut k) => {
            let _ = Both(&mut k).write_fmt(args);
        }
        None => {
            let _ = uarti8250::console().write_fmt(args);
        }
    }
}

/// Call `f` with the log's contents.
pub fn kmesg<R>(f: impl FnOnce(&[u8]) -> R) -> R {
    let k = KMESG.ilock();
    f(k.bytes())
}
