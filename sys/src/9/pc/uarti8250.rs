//! The 8250/16550 UART, polled, as the kernel console.
//!
//! Ports part of 9front `sys/src/9/pc/uarti8250.c`: the register
//! layout, the baud-rate divisor computation of `i8250baud`, the polled
//! `i8250putc`, `i8250console`, and input by interrupt: `i8250enable`'s
//! receive interrupt (IER's receive-data bit, MCR's OUT2 gating the IRQ
//! line on a PC) on IRQ 4 through `intrenable` (the I/O APIC or the
//! i8259), and `i8250interrupt`'s receive loop, which drains the FIFO
//! into the input queue (port::qio, with `qproduce` as port/devuart.c's
//! `uartrecv` does) that readers sleep on. Differences: there is no
//! `Uart`/`PhysUart` machinery, no transmit interrupt (output stays
//! polled, as 9front's console `iprint` is), no modem-status or line
//! error handling, no `console=` configuration yet; `i8250console` always takes COM1 (0x3F8) at
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
            while inb(io + LSR) & DR != 0 {
                let c = inb(io + THR);
                NRECV.fetch_add(1, Ordering::Relaxed);
                if let Some(q) = iq() {
                    let _ = q.qproduce(&[c]);
                }
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divisors() {
        assert_eq!(i8250bgc(UARTFREQ, 115_200), Some(1));
        assert_eq!(i8250bgc(UARTFREQ, 9600), Some(12));
        assert_eq!(i8250bgc(UARTFREQ, 0), None);
        assert_eq!(i8250bgc(UARTFREQ, 1), None);
    }
}
