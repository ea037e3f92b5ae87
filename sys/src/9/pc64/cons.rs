//! Console output: `print`, `iprint` and the kmesg log.
//!
//! No 9front file of its own: the kernel half of 9front's `port/print.c`
//! (the lock that keeps one `print`'s output together, `_fmtlock`) and of
//! `port/devcons.c`'s `print`, `iprint`, `putstrn` and `kmesgputs`.
//! Everything printed goes to the log (`port::devcons::Kmesg`, what
//! `/dev/kmesg` will read) and to the polled COM1 UART, a whole
//! `print!`/`iprint!` at a time, under one ilock, so that the output of
//! processors does not interleave. `iprint` is `print` here (both are
//! synchronous); if the lock is held by this processor already (a fault
//! while printing, a panic) the text goes straight to the UART,
//! unlogged, rather than deadlocking.

use core::fmt;
use core::sync::atomic::{AtomicUsize, Ordering};

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

/// 1 + the number of the processor printing, or 0.
static PRINTING: AtomicUsize = AtomicUsize::new(0);

/// `print`: format to the console and the log.
pub fn putfmt(args: fmt::Arguments<'_>) {
    use fmt::Write as _;
    let s = crate::l::splhi();
    let me = crate::dat::m().machno + 1;
    if PRINTING.load(Ordering::Relaxed) == me {
        let _ = uarti8250::console().write_fmt(args);
        crate::l::splx(s);
        return;
    }
    let mut k = KMESG.ilock();
    PRINTING.store(me, Ordering::Relaxed);
    let _ = Both(&mut k).write_fmt(args);
    PRINTING.store(0, Ordering::Relaxed);
    drop(k);
    crate::l::splx(s);
}

/// Call `f` with the log's contents.
pub fn kmesg<R>(f: impl FnOnce(&[u8]) -> R) -> R {
    let k = KMESG.ilock();
    f(k.bytes())
}

/// `putstrn` for what processes write to `/dev/cons`: to the log and the
/// serial line (whose `puts` sends each `\n` as `\r\n`, as 9front's
/// serial console does), and to `/dev/kprint`'s reader if one has it
/// open.
pub fn putstrn(s: &[u8]) {
    if let Some(c) = crate::pc64::cons() {
        c.kprintputs(s);
    }
    let sr = crate::l::splhi();
    let mut k = KMESG.ilock();
    k.puts(s);
    uarti8250::console().puts(s);
    drop(k);
    crate::l::splx(sr);
}
