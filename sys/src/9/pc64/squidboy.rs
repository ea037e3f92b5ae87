//! Starting an application processor: `mpstartap` on the boot
//! processor and `squidboy` on the new one.
//!
//! Ports 9front `sys/src/9/pc64/squidboy.c`. `mpstartap` gives the
//! processor a Mach, a stack and the page tables, writes them into the
//! copied bootstrap (l.rs's `apbootstrap`, 9front's apbootstrap.s), sets
//! the warm-reset vector and the CMOS shutdown code as the Universal
//! Startup Algorithm asks, sends INIT and STARTUP (`lapicstartap`) and
//! waits for the processor to come online. `squidboy` then makes the
//! Mach its own, loads the IDT, initialises its FPU, local APIC and
//! clock (`lapicinit`, `lapiconline`), its timer queue (`timersinit`),
//! and enters the scheduler.
//!
//! Differences from 9front: the processor runs on the boot processor's
//! page tables (the boot PML4 maps low memory at 0 as well as at KZERO;
//! per-process tables copy the kernel half) rather than a PML4 of its
//! own per processor; its Mach and a 64 KiB scheduler stack come from
//! the heap, not xspanalloc; the wait for it is at most one second
//! (9front waits up to 100000 delay(1)s); no `cpuidentify`, `syncclock`
//! or MTRRs.

use alloc::boxed::Box;
use alloc::vec;
use core::sync::atomic::Ordering;

use crate::dat::{self, Mach};
use crate::l;

/// Size of an application processor's scheduler stack.
const APSTACK: usize = 64 * 1024;

/// Copy the bootstrap to APBOOTSTRAP (mpinit's `memmove`).
pub fn apbootstrapinit() {
    let code = l::apbootstrapcode();
    let va = crate::mmu::kaddr(l::APBOOTSTRAP).expect("APBOOTSTRAP mapped");
    // SAFETY: physical APBOOTSTRAP is a page of conventional memory that
    // nothing else uses (xinit gives out only memory above 1 MiB), mapped
    // at KZERO; the code is shorter than a page.
    unsafe {
        assert!(code.len() <= 4096);
        core::ptr::copy_nonoverlapping(code.as_ptr(), va as *mut u8, code.len());
    }
}

fn nvramwrite(a: u8, v: u8) {
    // SAFETY: the CMOS index and data ports.
    unsafe {
        l::outb(0x70, a);
        l::outb(0x71, v);
    }
}

/// `mpstartap`: start the processor with local APIC `apicno` as
/// `machno`; whether it came online.
pub fn mpstartap(apicno: u32, machno: usize, nmach: usize) -> bool {
    let mach: &'static Mach = Box::leak(Box::new(Mach::new(machno)));
    mach.apicno.store(apicno, Ordering::Relaxed);
    let stack: &'static mut [u8] = vec![0u8; APSTACK].leak();
    let top = (stack.as_mut_ptr() as u64 + APSTACK as u64) & !15;
    let b = crate::mmu::kaddr(l::APBOOTSTRAP).expect("APBOOTSTRAP mapped");
    NMACHHINT.store(nmach, Ordering::Relaxed);
    // SAFETY: the words at these offsets of the copied bootstrap are its
    // parameters (l.rs); the page is mapped at KZERO and only the
    // processor being started reads it, after the IPIs below. 0x467 is
    // the BIOS warm-reset vector in the BIOS data area.
    unsafe {
        ((b + l::APVECTOR) as *mut u64).write_volatile(squidboy as *const () as u64);
        ((b + l::APPML4) as *mut u64).write_volatile(l::getcr3() & !0xfff);
        ((b + l::APSTACK) as *mut u64).write_volatile(top);
        ((b + l::APMACH) as *mut u64).write_volatile(mach as *const Mach as u64);
        let p = crate::mmu::kaddr(0x467).expect("BDA mapped") as *mut u8;
        p.write_volatile(l::APBOOTSTRAP as u8);
        p.add(1).write_volatile((l::APBOOTSTRAP >> 8) as u8);
        p.add(2).write_volatile(0);
        p.add(3).write_volatile(0);
    }
    l::coherence();
    nvramwrite(0x0F, 0x0A);
    crate::apic::lapicstartap(apicno, l::APBOOTSTRAP);
    let t0 = crate::clock::fastticks();
    let mut ok = false;
    while crate::clock::fastticks() - t0 < crate::clock::fasthz() {
        if mach.online.load(Ordering::Acquire) {
            ok = true;
            break;
        }
        core::hint::spin_loop();
    }
    nvramwrite(0x0F, 0x00);
    ok
}

static NMACHHINT: core::sync::atomic::AtomicUsize = core::sync::atomic::AtomicUsize::new(1);

/// `squidboy`: where an application processor arrives from the
/// bootstrap, in long mode on its own stack, interrupts off.
extern "C" fn squidboy(mach: &'static Mach) -> ! {
    dat::setmach(mach);
    // As 9front's, online before its local APIC is set up: the boot
    // processor goes on to the next one meanwhile.
    mach.online.store(true, Ordering::Release);
    crate::trap::trapinitap();
    crate::fpu::fpuinit();
    crate::mmu::mmuinitap();
    crate::apic::lapicinit(0);
    let id = crate::apic::lapicid();
    if id != mach.apicno.load(Ordering::Relaxed) {
        print!(
            "cpu{}: apic id {} not {}\n",
            mach.machno,
            id,
            mach.apicno.load(Ordering::Relaxed)
        );
        mach.apicno.store(id, Ordering::Relaxed);
    }
    crate::apic::lapiconline(NMACHHINT.load(Ordering::Relaxed));
    crate::clock::timersinit();
    crate::sched::schedinit()
}
