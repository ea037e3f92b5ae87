//! The two 8259 interrupt controllers of a PC.
//!
//! Ports 9front `sys/src/9/pc/i8259.c`: `i8259init` (remap IRQs 0-15 to
//! vectors VECTORPIC.., everything masked but the cascade, ISR readback,
//! the ELCR probe), `i8259isr` (the end-of-interrupt, returning whether
//! the IRQ was in service), `i8259assign`, `i8259irqno`, `i8259vecno`,
//! `irqenable`/`irqdisable` (the masks), `i8259on`/`i8259off`.
//!
//! What differs from 9front: no `ioalloc`; the functions take an IRQ
//! number instead of a `Vctl`; level-triggered (ELCR) IRQs get their EOI
//! before the handlers like edge ones (9front uses `eoi` after the
//! handlers for them); sharing an edge-triggered IRQ is allowed (the
//! vector table chains the handlers). [`i8259spurious`] is new: it
//! recognises the spurious IRQ 7 and 15.

use crate::l::{inb, outb};
use crate::taslock::ILock;
use crate::trap::VECTORPIC;

/// Control ports (ICW1, OCW2, OCW3) and the rest (ICW2-4, OCW1).
const INT0CTL: u16 = 0x20;
const INT0AUX: u16 = 0x21;
const INT1CTL: u16 = 0xA0;
const INT1AUX: u16 = 0xA1;
const OCW3: u8 = 0x08;
/// ICW1's select bit, and its "ICW4 will be sent" bit.
const ICW1: u8 = 0x10;
const IC4: u8 = 0x01;
/// Non-specific end of interrupt.
const EOI: u8 = 0x20;
/// Edge/level control registers.
const ELCR1: u16 = 0x4D0;
const ELCR2: u16 = 0x4D1;
/// Highest IRQ of the pair.
pub const MAXIRQPIC: i32 = 15;

struct State {
    /// Disabled interrupts, one bit per IRQ.
    mask: u16,
    /// Level-triggered interrupts.
    elcr: u16,
}

static I8259: ILock<State> = ILock::new_const(State {
    mask: 0xFFFF,
    elcr: 0,
});

/// `i8259init`.
pub fn i8259init() {
    let mut s = I8259.ilock();
    // SAFETY: the i8259 ports of every PC; these writes program the two
    // controllers as 9front does (ICW1-4: edge, cascade on IRQ 2, 8086
    // mode) and touch no memory.
    unsafe {
        // ICW1: select (bit 4), edge triggered (bit 3 clear), ICW4
        // follows (bit 0).
        outb(INT0CTL, ICW1 | IC4);
        outb(INT0AUX, VECTORPIC);
        outb(INT0AUX, 0x04);
        outb(INT0AUX, 0x01);

        outb(INT1CTL, ICW1 | IC4);
        outb(INT1AUX, VECTORPIC + 8);
        outb(INT1AUX, 0x02);
        outb(INT1AUX, 0x01);
        outb(INT1AUX, (s.mask >> 8) as u8);

        s.mask &= !0x04;
        outb(INT0AUX, s.mask as u8);

        // Reading the control port returns the ISR from now on.
        inb(INT0CTL);
        outb(INT0CTL, OCW3 | 0x03);
        inb(INT1CTL);
        outb(INT1CTL, OCW3 | 0x03);

        // The ELCR, if the bits that must be edge (IRQ 13, 8, 2, 1, 0)
        // are, and the register holds what is written to it.
        let x = (inb(ELCR2) as u16) << 8 | inb(ELCR1) as u16;
        if x & 0x2107 == 0 {
            outb(ELCR1, 0);
            if inb(ELCR1) == 0 {
                outb(ELCR1, 0x20);
                if inb(ELCR1) == 0x20 {
                    s.elcr = x;
                }
                outb(ELCR1, x as u8);
                print!("ELCR: {:04X}\n", s.elcr);
            }
        }
    }
}

/// `i8259isr`: acknowledge the interrupt of vector `vno`; returns whether
/// its IRQ was in service.
pub fn i8259isr(vno: u8) -> bool {
    if vno < VECTORPIC || vno > VECTORPIC + MAXIRQPIC as u8 {
        return false;
    }
    let irq = vno - VECTORPIC;
    let _s = I8259.ilock();
    // SAFETY: reading the ISR and writing EOI to the controllers.
    let isr = unsafe {
        let mut isr = inb(INT0CTL) as u16;
        outb(INT0CTL, EOI);
        if irq >= 8 {
            isr |= (inb(INT1CTL) as u16) << 8;
            outb(INT1CTL, EOI);
        }
        isr
    };
    isr & (1 << irq) != 0
}

/// Whether vector `vno` is a spurious i8259 interrupt (IRQ 7 or 15 not
/// in service); other unexpected i8259 vectors are acknowledged.
pub fn i8259spurious(vno: u8) -> bool {
    if vno != VECTORPIC + 7 && vno != VECTORPIC + 15 {
        i8259isr(vno);
        return false;
    }
    let _s = I8259.ilock();
    // SAFETY: reading the ISR of the controllers.
    let isr = unsafe { (inb(INT1CTL) as u16) << 8 | inb(INT0CTL) as u16 };
    let irq = vno - VECTORPIC;
    if isr & (1 << irq) != 0 {
        drop(_s);
        i8259isr(vno);
        return false;
    }
    if irq == 15 {
        // The master saw the cascade: it wants its EOI.
        // SAFETY: EOI to the master.
        unsafe { outb(INT0CTL, EOI) };
    }
    true
}

fn setmask(s: &State) {
    // SAFETY: OCW1, the interrupt masks.
    unsafe {
        outb(INT0AUX, s.mask as u8);
        outb(INT1AUX, (s.mask >> 8) as u8);
    }
}

/// `irqenable`: unmask `irq`.
pub fn irqenable(irq: i32) {
    let mut s = I8259.ilock();
    s.mask &= !(1 << irq);
    setmask(&s);
}

/// `irqdisable`: mask `irq`.
#[allow(dead_code)]
pub fn irqdisable(irq: i32) {
    let mut s = I8259.ilock();
    s.mask |= 1 << irq;
    setmask(&s);
}

/// `i8259assign`: the vector of `irq`, or `None` (with 9front's message)
/// if it is out of range.
pub fn i8259assign(irq: i32) -> Option<u8> {
    if !(0..=MAXIRQPIC).contains(&irq) {
        print!("i8259enable: irq {} out of range\n", irq);
        return None;
    }
    Some(i8259vecno(irq))
}

/// `i8259irqno`: IRQ 2 is the cascade; a device set to it appears as 9.
pub fn i8259irqno(irq: i32) -> i32 {
    if irq == 2 {
        9
    } else {
        irq
    }
}

/// `i8259vecno`.
pub fn i8259vecno(irq: i32) -> u8 {
    VECTORPIC + irq as u8
}

/// `i8259on`: restore the masks.
#[allow(dead_code)]
pub fn i8259on() {
    setmask(&I8259.ilock());
}

/// `i8259off`: mask everything.
#[allow(dead_code)]
pub fn i8259off() {
    let _s = I8259.ilock();
    // SAFETY: OCW1, masking all interrupts.
    unsafe {
        outb(INT0AUX, 0xFF);
        outb(INT1AUX, 0xFF);
    }
}
