//! The interrupt vector table and its dispatch.
//!
//! Ports 9front `sys/src/9/pc/irq.c`: `trapenable` (a handler for a
//! processor exception), `intrenable` (a handler for a device IRQ, via
//! the interrupt controller's `assign`), and `irqhandled` (run the
//! handlers of a vector, with the controller's `isr`/`eoi` around them,
//! then `preempted`).
//!
//! What differs from 9front: the table is a fixed array of [`NVCTL`]
//! handlers per vector instead of `Vctl` chains from xalloc, and a
//! handler's argument is a `usize`; `arch->intrassign` is a choice
//! between the I/O APICs (pc/mp.rs's `mpintrassign`, when ACPI found
//! them) and the i8259; no `intrdisable`, no `intrtimes` histogram, no
//! spurious-interrupt statistics beyond the message, and no calling of
//! every handler on a spurious interrupt.

use crate::taslock::ILock;
use crate::trap::{Ureg, VECTORPIC, VECTORSYSCALL};

/// A handler: the Ureg of the interrupted code and the argument given
/// when it was enabled.
pub type Handler = fn(&mut Ureg, usize);

/// Handlers one vector may have.
pub const NVCTL: usize = 4;

/// One handler of a vector (9front's `Vctl`).
#[derive(Clone, Copy)]
pub struct Vctl {
    pub f: Handler,
    pub a: usize,
    pub name: &'static str,
    #[allow(dead_code)]
    pub irq: i32,
    /// Before the handlers: the controller's `isr` (edge-triggered EOI).
    pub isr: Option<fn(u8) -> bool>,
    /// After the handlers: the controller's `eoi`.
    pub eoi: Option<fn(u8) -> bool>,
    /// The clock's vector: the end of its interrupt may reschedule.
    pub clock: bool,
}

#[derive(Clone, Copy)]
struct Vec4 {
    n: usize,
    v: [Option<Vctl>; NVCTL],
}

static VCTL: ILock<[Vec4; 256]> = ILock::new_const(
    [Vec4 {
        n: 0,
        v: [None; NVCTL],
    }; 256],
);

/// `trapenable`: handle processor exception `vno` (below VECTORPIC) with
/// `f`.
pub fn trapenable(vno: u8, f: Handler, a: usize, name: &'static str) {
    if vno >= VECTORPIC {
        print!("trapenable: vno {} out of range", vno);
        return;
    }
    let mut t = VCTL.ilock();
    let e = &mut t[vno as usize];
    if e.n != 0 {
        print!(
            "trapenable: vno {} assigned twice: {} {}\n",
            vno,
            e.v[0].map_or("", |v| v.name),
            name
        );
        return;
    }
    e.v[0] = Some(Vctl {
        f,
        a,
        name,
        irq: -1,
        isr: None,
        eoi: None,
        clock: false,
    });
    e.n = 1;
}

/// `intrenable`: handle device interrupt `irq` with `f`. Through the
/// I/O APICs if there are, else the i8259, which assigns the vector and
/// is unmasked for it. A handler named "clock" is the clock's. Returns
/// the vector, or `None` with a message as 9front prints it.
pub fn intrenable(irq: i32, f: Handler, a: usize, name: &'static str) -> Option<u8> {
    let (vno, isr, eoi, pic) = if crate::mp::mpactive() {
        match crate::mp::mpintrassign(irq) {
            Some(x) => (x.vno, x.isr, x.eoi, false),
            None => {
                print!(
                    "intrenable: couldn't assign irq {}, tbdf 0x{:X} for {}\n",
                    irq, BUSUNKNOWN, name
                );
                return None;
            }
        }
    } else {
        let irq = crate::i8259::i8259irqno(irq);
        match crate::i8259::i8259assign(irq) {
            Some(v) => (
                v,
                Some(crate::i8259::i8259isr as fn(u8) -> bool),
                None,
                true,
            ),
            None => {
                print!(
                    "intrenable: couldn't assign irq {}, tbdf 0x{:X} for {}\n",
                    irq, BUSUNKNOWN, name
                );
                return None;
            }
        }
    };
    {
        let mut t = VCTL.ilock();
        let e = &mut t[vno as usize];
        if e.n == NVCTL {
            print!("intrenable: too many handlers for irq {}\n", irq);
            return None;
        }
        e.v[e.n] = Some(Vctl {
            f,
            a,
            name,
            irq,
            isr,
            eoi,
            clock: name == "clock",
        });
        e.n += 1;
    }
    if pic {
        crate::i8259::irqenable(crate::i8259::i8259irqno(irq));
    }
    Some(vno)
}

/// The handlers of every vector, in vector order, as (vector, irq,
/// name): what `#P/irqalloc` lists (pc/devarch.rs).
pub fn irqlist() -> alloc::vec::Vec<(u32, i32, &'static str)> {
    let t = VCTL.ilock();
    let mut out = alloc::vec::Vec::new();
    for (vno, e) in t.iter().enumerate() {
        for v in e.v[..e.n].iter().flatten() {
            out.push((vno as u32, v.irq, v.name));
        }
    }
    out
}

/// `BUSUNKNOWN` of io.h, printed in intrenable's complaint.
pub const BUSUNKNOWN: u32 = u32::MAX;

/// `irqhandled`: run the handlers of `vno`; false if it has none and is
/// an exception (or the system call vector), for `trap` to report.
pub fn irqhandled(ureg: &mut Ureg, vno: u8) -> bool {
    // Copy the handlers out, so that none runs with the table locked.
    let e = VCTL.ilock()[vno as usize];
    if e.n > 0 {
        if vno < VECTORPIC {
            if let Some(v) = e.v[0] {
                (v.f)(ureg, v.a);
            }
            return true;
        }
        let first = e.v[0].expect("vector with handlers");
        if let Some(isr) = first.isr {
            isr(vno);
        }
        for v in e.v[..e.n].iter().flatten() {
            (v.f)(ureg, v.a);
        }
        if let Some(eoi) = first.eoi {
            eoi(vno);
        }
        crate::dat::m()
            .intr
            .fetch_add(1, core::sync::atomic::Ordering::Relaxed);
        crate::sched::preempted(first.clock);
        return true;
    }
    if vno < VECTORPIC || vno == VECTORSYSCALL {
        return false;
    }
    // A spurious interrupt (IRQ 7 or 15 of an i8259 with nothing in
    // service) needs no EOI; anything else unexpected gets one.
    let spurious = if crate::mp::mpactive() {
        crate::apic::lapiceoi(vno);
        false
    } else {
        crate::i8259::i8259spurious(vno)
    };
    if !spurious {
        iprint!(
            "cpu{}: spurious interrupt {}, last {}\n",
            crate::dat::m().machno,
            vno,
            -1
        );
    }
    true
}
