//! The 8250/16550 UART, polled, as the kernel console.
//!
//! Ports part of 9front `sys/src/9/pc/uarti8250.c`: the register
//! layout, the baud-rate divisor computation of `i8250baud`, the polled
//! `i8250putc`, `i8250console`, and input by interrupt: `i8250enable`'s
//! receive interrupt (IER's receive-data bit, MCR's OUT2 gating the IRQ
//! line on a PC) on IRQ 4 through `intrenable` (the I/O APIC or the
//! i8259), and `i8250interrupt`'s receive loop, which drains the FIFO
//! into the input queue (port::qio, with `qproduce` as port/devuart.c's
//! `uartrecv` does) that readers sleep on, counting overruns and framing
//! errors and dropping bytes with a break, framing or parity error as
//! `i8250interrupt` does; and `i8250physuart`'s functions for `#t`
//! ([`I8250`], port/devuart.rs's `PhysUart`: baud, bits, parity, stop,
//! break, DTR, RTS, modem control, FIFO level and `i8250status`'s reading
//! of the registers, with 9front's sticky register values). Differences:
//! only COM1, as the console; no transmit interrupt (output stays
//! polled, as 9front's console `iprint` is, and `#t` writes go out the
//! same way), no modem-status hang-up (the handler only clears the
//! modem-status interrupt), no `console=` configuration yet; `i8250console` always takes COM1 (0x3F8) at
//! 115200 baud, 8 data bits, no parity, 1 stop bit (9front's default is
//! 9600 and only when plan9.ini says `console=0`). The wait for the
//! transmitter is a bounded spin on the line status register instead of
//! 9front's `delay(1)` loop, as there is no timer yet.

use core::fmt;

use crate::l::{inb, outb};

/// COM1's I/O base.
pub const UART0: u16 = 0x3F8;
/// COM2's I/O base.
#[allow(dead_code)]
pub const UART1: u16 = 0x2F8;
/// The crystal of a PC UART, in Hz.
pub const UARTFREQ: u32 = 1_843_200;

// Registers, as offsets from the I/O base.
/// Transmitter holding (write).
const THR: u16 = 0;
/// Interrupt enable.
const IER: u16 = 1;
/// FIFO control (write).
const FCR: u16 = 2;
/// Line control.
const LCR: u16 = 3;
/// Modem control.
const MCR: u16 = 4;
/// Line status.
const LSR: u16 = 5;
/// Divisor latch, low byte (while LCR.DLAB).
const DLL: u16 = 0;
/// Divisor latch, high byte (while LCR.DLAB).
const DLM: u16 = 1;

// FCR bits.
const FIFOENA: u8 = 0x01;
const FIFORCLR: u8 = 0x02;
const FIFOTCLR: u8 = 0x04;

// LCR bits.
const WLS8: u8 = 0x03;
const DLAB: u8 = 0x80;

// MCR bits.
const DTR: u8 = 0x01;
const RTS: u8 = 0x02;

// LSR bits.
/// Transmitter holding register empty.
const THRE: u8 = 0x20;

/// The console's line speed.
pub const CONSBAUD: u32 = 115_200;

/// The baud-rate generator constant for `baud` on a UART clocked at
/// `freq`, rounded to nearest as i8250baud does; `None` if either is
/// zero or the result does not fit the 16-bit divisor latch.
pub const fn i8250bgc(freq: u32, baud: u32) -> Option<u16> {
    if freq == 0 || baud == 0 {
        return None;
    }
    let bgc = (freq as u64 + 8 * baud as u64 - 1) / (16 * baud as u64);
    if bgc == 0 || bgc > 0xFFFF {
        None
    } else {
        Some(bgc as u16)
    }
}

/// A polled 8250 at an I/O base.
#[derive(Clone, Copy)]
pub struct Uart {
    io: u16,
}

impl Uart {
    /// Set the line to `baud` 8N1, enable and clear the FIFOs, raise DTR
    /// and RTS, and leave interrupts off.
    pub fn enable(self, baud: u32) {
        let bgc = match i8250bgc(UARTFREQ, baud) {
            Some(b) => b,
            None => return,
        };
        // SAFETY: `self.io` is the base of an 8250-compatible UART (only
        // `console` makes one); these writes only configure that UART.
        unsafe {
            outb(self.io + IER, 0);
            outb(self.io + LCR, DLAB);
            outb(self.io + DLL, bgc as u8);
            outb(self.io + DLM, (bgc >> 8) as u8);
            outb(self.io + LCR, WLS8);
            outb(self.io + FCR, FIFOENA | FIFORCLR | FIFOTCLR);
            outb(self.io + MCR, DTR | RTS);
        }
    }

    /// Wait (boundedly) for the transmitter to be ready.
    fn thrwait(self) {
        for _ in 0..100_000 {
            // SAFETY: reading the line status of our UART has no side
            // effect beyond clearing its error bits.
            if unsafe { inb(self.io + LSR) } & THRE != 0 {
                return;
            }
            core::hint::spin_loop();
        }
    }

    /// Send one byte.
    pub fn putc(self, c: u8) {
        self.thrwait();
        // SAFETY: writing the transmitter holding register of our UART
        // sends one byte.
        unsafe { outb(self.io + THR, c) };
    }

    /// Send `s`, turning each `\n` into `\r\n` as a terminal expects.
    pub fn puts(self, s: &[u8]) {
        for &c in s {
            if c == b'\n' {
                self.putc(b'\r');
            }
            self.putc(c);
        }
    }
}

impl fmt::Write for Uart {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.puts(s.as_bytes());
        Ok(())
    }
}

/// The console UART: COM1.
pub fn console() -> Uart {
    Uart { io: UART0 }
}

/// Make COM1 the console: 115200 8N1, polled.
pub fn i8250console() {
    console().enable(CONSBAUD);
}

/// Receive data available (IIR/IER bit, LSR's data-ready bit).
#[cfg(not(test))]
const ERDA: u8 = 0x01;
#[cfg(not(test))]
const DR: u8 = 0x01;
/// MCR's OUT2: connects the UART's interrupt to the PC's IRQ line.
#[cfg(not(test))]
const OUT2: u8 = 0x08;
// More of 9front's register bits, for #t (port/devuart.rs).
/// Modem status register.
#[cfg(not(test))]
const MSR: u16 = 6;
#[cfg(not(test))]
const OE: u8 = 0x02;
#[cfg(not(test))]
const PE: u8 = 0x04;
#[cfg(not(test))]
const FE: u8 = 0x08;
#[cfg(not(test))]
const BI: u8 = 0x10;
#[cfg(not(test))]
const TEMT: u8 = 0x40;
#[cfg(not(test))]
const FIFOERR: u8 = 0x80;
/// IER: modem-status interrupts.
#[cfg(not(test))]
const EMS: u8 = 0x08;
// LCR bits.
const WLSMASK: u8 = 0x03;
const STB: u8 = 0x04;
const PEN: u8 = 0x08;
const EPS: u8 = 0x10;
const BRK: u8 = 0x40;
// MSR bits.
const MSR_CTS: u8 = 0x10;
const MSR_DSR: u8 = 0x20;
const MSR_RI: u8 = 0x40;
const MSR_DCD: u8 = 0x80;

/// The line as `i8250status` reads it from the sticky LCR, MCR and IER,
/// the modem status register and the FIFO level.
pub fn linestat(lcr: u8, mcr: u8, ier: u8, msr: u8, fena: i32) -> port::devuart::Linestat {
    port::devuart::Linestat {
        bits: (lcr & WLSMASK) as u32 + 5,
        parity: if lcr & PEN != 0 {
            if lcr & EPS != 0 {
                b'e'
            } else {
                b'o'
            }
        } else {
            b'n'
        },
        stop: if lcr & STB != 0 { 2 } else { 1 },
        modem: ier & 0x08 != 0,
        rts: mcr & RTS != 0,
        fifo: fena,
        cts: msr & MSR_CTS != 0,
        dsr: msr & MSR_DSR != 0,
        dcd: msr & MSR_DCD != 0,
        ring: msr & MSR_RI != 0,
        ferr: 0,
        oerr: 0,
    }
}

/// The FIFO control value `i8250fifo` writes for a trigger level.
pub fn fifoctl(level: i32) -> u8 {
    match level {
        0 => 0,
        1 => FIFOENA,
        4 => 0x40 | FIFOENA,
        8 => 0x80 | FIFOENA,
        _ => 0xC0 | FIFOENA,
    }
}

/// `i8250bits`, `i8250stop`, `i8250parity`: the new LCR, or `None` for
/// a value the UART cannot do.
pub fn lcrbits(lcr: u8, bits: i32) -> Option<u8> {
    (5..=8).contains(&bits).then(|| (lcr & !WLSMASK) | (bits - 5) as u8)
}
pub fn lcrstop(lcr: u8, stop: i32) -> Option<u8> {
    match stop {
        1 => Some(lcr & !STB),
        2 => Some(lcr | STB),
        _ => None,
    }
}
pub fn lcrparity(lcr: u8, p: u8) -> Option<u8> {
    let lcr = lcr & !(EPS | PEN);
    match p {
        b'e' => Some(lcr | EPS | PEN),
        b'o' => Some(lcr | PEN),
        b'n' => Some(lcr),
        _ => None,
    }
}

/// Input by interrupt.
#[cfg(not(test))]
mod intr {
    use core::sync::atomic::{AtomicPtr, AtomicU64, Ordering};

    use port::qio::Queue;

    use super::*;
    use crate::sched::Kernel;

    /// The console's input queue (`uart->iq`).
    static IQ: AtomicPtr<Queue<Kernel>> = AtomicPtr::new(core::ptr::null_mut());
    /// Bytes received by interrupt.
    pub static NRECV: AtomicU64 = AtomicU64::new(0);
    /// Overruns and framing errors seen (`uart->oerr`, `uart->ferr`).
    pub static OERR: core::sync::atomic::AtomicU32 = core::sync::atomic::AtomicU32::new(0);
    pub static FERR: core::sync::atomic::AtomicU32 = core::sync::atomic::AtomicU32::new(0);

    /// The input queue, once `i8250enable` made it.
    pub fn iq() -> Option<&'static Queue<Kernel>> {
        let p = IQ.load(Ordering::Acquire);
        // SAFETY: set once to a leaked Box, never freed.
        (!p.is_null()).then(|| unsafe { &*p })
    }

    /// `i8250interrupt`: move every received byte to the input queue.
    fn i8250interrupt(_u: &mut crate::trap::Ureg, io: usize) {
        let io = io as u16;
        // SAFETY: reading the interrupt identification and line status,
        // and the receive buffer while it has data, of the console UART.
        unsafe {
            let _ = inb(io + FCR);
            loop {
                let lsr = inb(io + LSR);
                if lsr & DR == 0 {
                    break;
                }
                if lsr & (FIFOERR | OE) != 0 {
                    OERR.fetch_add(1, Ordering::Relaxed);
                }
                if lsr & FE != 0 {
                    FERR.fetch_add(1, Ordering::Relaxed);
                }
                let c = inb(io + THR);
                NRECV.fetch_add(1, Ordering::Relaxed);
                // As 9front's: a byte with a break, framing or parity
                // error is dropped.
                if lsr & (BI | FE | PE) != 0 {
                    continue;
                }
                if let Some(q) = iq() {
                    let _ = q.qproduce(&[c]);
                }
            }
            // Clear a modem-status interrupt (`m1` turns them on).
            let _ = inb(io + MSR);
        }
    }

    /// `i8250enable` of the console with its receive interrupt: an
    /// input queue of `limit` bytes.
    pub fn i8250enable(limit: usize) -> Option<u8> {
        let q = alloc::boxed::Box::new(Queue::<Kernel>::qopen(limit, 0, None));
        IQ.store(alloc::boxed::Box::leak(q), Ordering::Release);
        let io = UART0;
        let v = crate::irq::intrenable(4, i8250interrupt, io as usize, "eia0")?;
        // SAFETY: the console UART's interrupt enable and modem control.
        unsafe {
            outb(io + IER, ERDA);
            outb(io + MCR, DTR | RTS | OUT2);
        }
        Some(v)
    }
}

#[cfg(not(test))]
pub use intr::{i8250enable, iq, NRECV};

/// COM1 as `#t`'s `eia0` (9front's `i8250physuart` over `i8250uart[0]`).
#[cfg(not(test))]
mod phys {
    use core::sync::atomic::Ordering;

    use port::devuart::{Linestat, PhysUart};
    use port::qio::Queue;

    use super::*;
    use crate::sched::Kernel;
    use crate::taslock::ILock;

    /// The registers 9front keeps "sticky" (ORed into every write), and
    /// the FIFO level.
    struct Sticky {
        ier: u8,
        lcr: u8,
        mcr: u8,
        fena: i32,
    }

    /// The console UART as a `PhysUart`.
    pub struct I8250 {
        io: u16,
        st: ILock<Sticky>,
        /// The input queue when the UART has no interrupt.
        spare: Queue<Kernel>,
    }

    impl I8250 {
        /// COM1 as `i8250console` and `i8250enable` left it: 8N1, FIFO
        /// on with a trigger of one byte, DTR, RTS and OUT2 up, the
        /// receive interrupt on.
        pub fn console() -> I8250 {
            I8250 {
                io: UART0,
                st: ILock::new_const(Sticky {
                    ier: ERDA,
                    lcr: WLS8,
                    mcr: DTR | RTS | OUT2,
                    fena: 1,
                }),
                spare: Queue::qopen(1024, 0, None),
            }
        }

        fn w(&self, r: u16, v: u8) {
            // SAFETY: a register of the console UART, which only this
            // driver and the polled console output touch.
            unsafe { outb(self.io + r, v) }
        }

        fn r(&self, r: u16) -> u8 {
            // SAFETY: reading the line or modem status of the console
            // UART only clears its status bits.
            unsafe { inb(self.io + r) }
        }

        fn waittemt(&self) {
            for _ in 0..100_000 {
                if self.r(LSR) & TEMT != 0 {
                    return;
                }
                core::hint::spin_loop();
            }
        }
    }

    impl PhysUart<Kernel> for I8250 {
        fn name(&self) -> &str {
            "COM1"
        }
        fn enable(&self, ie: bool) {
            let mut s = self.st.ilock();
            if ie {
                s.ier = ERDA;
                s.mcr |= OUT2;
            }
            s.mcr |= DTR | RTS;
            self.w(IER, s.ier);
            self.w(MCR, s.mcr);
        }
        fn disable(&self) {
            let mut s = self.st.ilock();
            s.mcr &= !(DTR | RTS);
            s.ier = 0;
            s.fena = 0;
            self.w(MCR, s.mcr);
            self.w(FCR, 0);
            self.w(IER, 0);
        }
        fn dobreak(&self, ms: i32) {
            let ms = if ms <= 0 { 200 } else { ms };
            let lcr = self.st.ilock().lcr;
            self.w(LCR, lcr | BRK);
            let r = crate::sched::Rendez::default();
            let _ = crate::sched::tsleep(&r, &mut || false, ms as u64);
            self.w(LCR, self.st.ilock().lcr);
        }
        fn baud(&self, baud: i32) -> bool {
            if baud <= 0 {
                return false;
            }
            let Some(bgc) = i8250bgc(UARTFREQ, baud as u32) else { return false };
            let s = self.st.ilock();
            self.w(LCR, s.lcr | DLAB);
            self.w(DLM, (bgc >> 8) as u8);
            self.w(DLL, bgc as u8);
            self.w(LCR, s.lcr);
            true
        }
        fn bits(&self, bits: i32) -> bool {
            let mut s = self.st.ilock();
            let Some(l) = lcrbits(s.lcr, bits) else { return false };
            s.lcr = l;
            self.w(LCR, l);
            true
        }
        fn stop(&self, stop: i32) -> bool {
            let mut s = self.st.ilock();
            let Some(l) = lcrstop(s.lcr, stop) else { return false };
            s.lcr = l;
            self.w(LCR, l);
            true
        }
        fn parity(&self, p: u8) -> bool {
            let mut s = self.st.ilock();
            let Some(l) = lcrparity(s.lcr, p) else { return false };
            s.lcr = l;
            self.w(LCR, l);
            true
        }
        fn modemctl(&self, on: bool) {
            {
                let mut s = self.st.ilock();
                if on {
                    s.ier |= EMS;
                } else {
                    s.ier &= !EMS;
                }
                self.w(IER, s.ier);
            }
            // The modem needs the FIFO.
            self.fifo(on as i32);
        }
        fn rts(&self, on: bool) {
            let mut s = self.st.ilock();
            if on {
                s.mcr |= RTS;
            } else {
                s.mcr &= !RTS;
            }
            self.w(MCR, s.mcr);
        }
        fn dtr(&self, on: bool) {
            let mut s = self.st.ilock();
            if on {
                s.mcr |= DTR;
            } else {
                s.mcr &= !DTR;
            }
            self.w(MCR, s.mcr);
        }
        fn fifo(&self, level: i32) {
            self.waittemt();
            let mut s = self.st.ilock();
            s.fena = level;
            let v = fifoctl(level);
            self.w(FCR, v);
            self.w(FCR, v);
        }
        fn status(&self) -> Linestat {
            let msr = self.r(MSR);
            let s = self.st.ilock();
            let mut l = linestat(s.lcr, s.mcr, s.ier, msr, s.fena);
            l.ferr = intr::FERR.load(Ordering::Relaxed);
            l.oerr = intr::OERR.load(Ordering::Relaxed);
            l
        }
        fn write(&self, buf: &[u8]) {
            let u = console();
            for &c in buf {
                u.putc(c);
            }
        }
        fn iq(&self) -> &Queue<Kernel> {
            iq().unwrap_or(&self.spare)
        }
    }
}

#[cfg(not(test))]
pub use phys::I8250;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_settings_as_i8250s() {
        // i8250bits/stop/parity: the LCR bits; others are refused (-1).
        assert_eq!(lcrbits(0x03, 7), Some(0x02));
        assert_eq!(lcrbits(0x1f, 5), Some(0x1c));
        assert_eq!(lcrbits(0x03, 9), None);
        assert_eq!(lcrstop(0x03, 2), Some(0x07));
        assert_eq!(lcrstop(0x07, 1), Some(0x03));
        assert_eq!(lcrstop(0x03, 3), None);
        assert_eq!(lcrparity(0x03, b'e'), Some(0x1b));
        assert_eq!(lcrparity(0x1b, b'o'), Some(0x0b));
        assert_eq!(lcrparity(0x1b, b'n'), Some(0x03));
        assert_eq!(lcrparity(0x03, b'm'), None);
        // i8250fifo's trigger levels; anything else is the maximum.
        assert_eq!([fifoctl(0), fifoctl(1), fifoctl(4), fifoctl(8), fifoctl(14), fifoctl(3)], [0, 1, 0x41, 0x81, 0xc1, 0xc1]);
        // i8250status's reading of the registers: 7 bits, even parity,
        // 2 stop bits, modem interrupts, RTS, CTS and DCD.
        let l = linestat(0x1e, 0x02, 0x08, 0x90, 4);
        assert_eq!((l.bits, l.parity, l.stop, l.modem, l.rts, l.fifo), (7, b'e', 2, true, true, 4));
        assert_eq!((l.cts, l.dsr, l.dcd, l.ring), (true, false, true, false));
    }

    #[test]
    fn divisors() {
        assert_eq!(i8250bgc(UARTFREQ, 115_200), Some(1));
        assert_eq!(i8250bgc(UARTFREQ, 9600), Some(12));
        assert_eq!(i8250bgc(UARTFREQ, 0), None);
        assert_eq!(i8250bgc(UARTFREQ, 1), None);
    }
}
