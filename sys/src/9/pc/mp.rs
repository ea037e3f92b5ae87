//! Multiprocessor start-up and interrupt routing through the I/O APICs.
//!
//! Ports 9front `sys/src/9/pc/mp.c`: `mpinit` (the boot processor's
//! local APIC and its local interrupts, then `mpstartap` for each other
//! enabled processor, as many as `*ncpu=` allows), `mpintrinit` (an
//! interrupt entry's polarity and trigger as redirection bits),
//! `allocvector` (two vectors per priority level, round robin),
//! `mpintrcpu` (interrupts spread over the online processors),
//! `mpintrassign` for the ISA bus and for the local APIC's own
//! interrupts, and the enabling of the redirection entry
//! (`ioapicirqenable`). The tables it works from come from the MADT
//! (archacpi.rs) rather than `mpbus`/`mpapic` linked lists.
//!
//! Not ported: the MP configuration table (archmp.c), PCI buses and MSI
//! (no PCI yet), `mpintrassignx`'s walk up PCI bridges, `syncclock`
//! (fastticks is the i8253, not the TSC), `mpshutdown`, `*apicdebug`,
//! `conf.copymode`.

use alloc::vec::Vec;
use core::sync::atomic::Ordering;

use crate::apic::{self, Ioapic, APICIMASK, APICLEVEL, APICLOW, APICPHYSICAL};
use crate::archacpi::{Isaintr, Madt};
use crate::taslock::ILock;
use crate::trap::VECTORPIC;

/// First vector given to I/O APIC interrupts (io.h's VectorAPIC).
pub const VECTORAPIC: u8 = 65;
/// Last (MaxVectorAPIC).
pub const MAXVECTORAPIC: u32 = 255;

const PCMPPOMASK: u16 = 0x03;
const PCMPHIGH: u16 = 0x01;
const PCMPLOW: u16 = 0x03;
const PCMPELMASK: u16 = 0x0C;
const PCMPEDGE: u16 = 0x04;
const PCMPLEVEL: u16 = 0x0C;

/// `mpintrinit` for an ordinary (PcmpINT) interrupt of the ISA bus,
/// whose default is active high, edge triggered: the redirection entry's
/// low word for vector `vno`, or `APICIMASK` if the flags are bad.
pub fn mpintrinit(flags: u16, vno: u32) -> u32 {
    let mut v = vno;
    let mut po = flags & PCMPPOMASK;
    let mut el = flags & PCMPELMASK;
    if po == 0 {
        po = PCMPHIGH;
    }
    if po == PCMPLOW {
        v |= APICLOW;
    } else if po != PCMPHIGH {
        return APICIMASK;
    }
    if el == 0 {
        el = PCMPEDGE;
    }
    if el == PCMPLEVEL {
        v |= APICLEVEL;
    } else if el != PCMPEDGE {
        return APICIMASK;
    }
    v
}

/// `allocvector`'s state: (round, num).
pub fn allocvector(st: &mut (u32, u32)) -> u8 {
    let vno = VECTORAPIC as u32 + st.1;
    if vno < MAXVECTORAPIC - 7 {
        st.1 += 8;
    } else {
        st.0 += 1;
        st.1 = st.0 % 8;
    }
    vno as u8
}

struct IoapicAt {
    apicno: u32,
    gsibase: u32,
    mre: u32,
    regs: Ioapic,
}

struct Mpconf {
    ioapics: Vec<IoapicAt>,
    isa: Vec<Isaintr>,
    lapics: Vec<crate::archacpi::Lapic>,
    vec: (u32, u32),
    physid: usize,
}

static MP: ILock<Option<Mpconf>> = ILock::new_const(None);

/// Whether interrupts go through the I/O APICs.
pub fn mpactive() -> bool {
    MP.ilock().is_some()
}

/// `mpintrcpu`: the APIC id of the next online processor, round robin.
fn mpintrcpu(c: &mut Mpconf) -> u32 {
    for _ in 0..c.lapics.len() {
        let i = c.physid;
        c.physid = (c.physid + 1) % c.lapics.len();
        let l = c.lapics[i];
        if crate::dat::machp(l.machno).is_some_and(|m| m.online.load(Ordering::Acquire)) {
            return l.apicno;
        }
    }
    crate::dat::m().apicno.load(Ordering::Relaxed)
}

/// How an interrupt was assigned.
pub struct Assigned {
    pub vno: u8,
    /// Before the handlers.
    pub isr: Option<fn(u8) -> bool>,
    /// After the handlers.
    pub eoi: Option<fn(u8) -> bool>,
}

/// `mpintrassign` for `irq`: a local APIC interrupt (IrqLINT0 to
/// MaxIrqLAPIC) gets VectorPIC+irq; an ISA IRQ gets a vector of its own
/// and its redirection entry, pointing at an online processor, is
/// unmasked. `None`, with 9front's message, when it cannot be routed.
pub fn mpintrassign(irq: i32) -> Option<Assigned> {
    if (apic::IRQLINT0..=apic::MAXIRQLAPIC).contains(&irq) {
        return Some(Assigned {
            vno: VECTORPIC + irq as u8,
            isr: (irq != apic::IRQSPURIOUS).then_some(apic::lapiceoi as fn(u8) -> bool),
            eoi: None,
        });
    }
    if !(0..=15).contains(&irq) {
        print!("mpintrassign: irq {} out of range\n", irq);
        return None;
    }
    let mut g = MP.ilock();
    let c = g.as_mut()?;
    let ai = match c.isa.iter().find(|a| a.irq == irq as u32) {
        Some(a) => *a,
        None => {
            print!(
                "mpintrassign: out of choices eisa -1 isa 0 tbdf {:X} irq {}\n",
                crate::irq::BUSUNKNOWN,
                irq
            );
            return None;
        }
    };
    let io = c
        .ioapics
        .iter()
        .find(|a| ai.gsi >= a.gsibase && ai.gsi <= a.gsibase + a.mre);
    let (regs, intin) = match io {
        Some(a) => (a.regs, ai.gsi - a.gsibase),
        None => {
            print!("findapic: no ioapic found for gsi {}\n", ai.gsi);
            return None;
        }
    };
    let (hi, lo) = regs.rdtr(intin);
    let vno = if lo & APICIMASK != 0 {
        let vno = allocvector(&mut c.vec);
        let cpu = mpintrcpu(c);
        let lo = mpintrinit(ai.flags, vno as u32) | APICPHYSICAL;
        if lo & APICIMASK != 0 {
            print!(
                "mpintrassign: disabled irq {}, tbdf {:X}, lo {:08X}, hi {:08X}\n",
                irq,
                crate::irq::BUSUNKNOWN,
                lo,
                hi
            );
            return None;
        }
        regs.rdtw(intin, cpu << 24, lo);
        vno
    } else {
        (lo & 0xff) as u8
    };
    Some(Assigned {
        vno,
        isr: None,
        eoi: Some(apic::lapiceoi),
    })
}

fn lapicclock(_u: &mut crate::trap::Ureg, _a: usize) {
    crate::clock::timerintr();
}

/// `mpinit`, given the MADT: the boot processor's local APIC, its local
/// interrupts and clock, the I/O APICs (`ioapicinit`, all entries
/// masked), then the other processors. Returns the processors running.
pub fn mpinit(madt: &Madt, ncpuconf: Option<usize>) -> usize {
    let lapicva = crate::mmu::vmap(madt.lapicaddr, 1024).expect("mpinit: cannot map lapic");
    print!("LAPIC: {:08x} {:#x}\n", madt.lapicaddr, lapicva);
    let mut ioapics = Vec::new();
    for e in &madt.ioapics {
        let va = match crate::mmu::vmap(e.paddr, 1024) {
            Some(v) => v,
            None => {
                print!("acpiinit: cannot map ioapic {:08x}\n", e.paddr);
                continue;
            }
        };
        let regs = Ioapic { va };
        let mre = regs.init(e.apicno);
        ioapics.push(IoapicAt {
            apicno: e.apicno,
            gsibase: e.gsibase,
            mre,
            regs,
        });
    }
    let _ = ioapics.iter().map(|a| a.apicno).count();
    let bsp = match madt.lapics.iter().find(|l| l.bp) {
        Some(b) => *b,
        None => panic!("mpinit: no bootstrap processor"),
    };
    let mm = crate::dat::m();
    mm.apicno.store(bsp.apicno, Ordering::Relaxed);
    *MP.ilock() = Some(Mpconf {
        ioapics,
        isa: madt.isa.clone(),
        lapics: madt.lapics.clone(),
        vec: (0, 0),
        physid: 0,
    });
    apic::lapicinit(lapicva);
    crate::irq::intrenable(apic::IRQTIMER, lapicclock, 0, "clock");
    crate::irq::intrenable(apic::IRQERROR, apic::lapicerror, 0, "lapicerror");
    crate::irq::intrenable(apic::IRQSPURIOUS, apic::lapicspurious, 0, "lapicspurious");
    crate::irq::intrenable(apic::IRQWAKEUP, apic::lapicwakeintr, 0, "wakeup");
    let ncpu = ncpuconf
        .unwrap_or(crate::mem::MAXMACH)
        .clamp(1, crate::mem::MAXMACH)
        .min(madt.lapics.len());
    apic::lapiconline(ncpu);
    mm.online.store(true, Ordering::Release);

    crate::squidboy::apbootstrapinit();
    let mut n = 1;
    for l in madt.lapics.iter().filter(|l| !l.bp) {
        if n >= ncpu || l.machno >= crate::mem::MAXMACH {
            break;
        }
        if crate::squidboy::mpstartap(l.apicno, l.machno, ncpu) {
            crate::dat::addmach();
            n += 1;
        } else {
            print!("mp: cpu{} (apic {}) did not start\n", l.machno, l.apicno);
        }
    }
    n
}
