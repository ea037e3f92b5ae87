//! The floating point and SIMD unit: per-processor set-up, the math
//! exception handlers, and each process's saved state.
//!
//! Ports 9front `sys/src/9/pc64/fpu.c`: `fpuinit` (CR4.OSFXSR and
//! OSXMMEXCPT, and CR4.OSXSAVE with XCR0 = x87|SSE|AVX where the
//! processor has xsave), `fpinit`'s initial state (control word 0x0232,
//! MXCSR 0x1900), `mathinit`'s handlers (`matherror` on
//! VectorCERR, `simderror` on VectorSIMD, `mathover` on VectorCSO) with
//! their kernel-mode panics and `mathnote`'s messages, and
//! `fpuprocsetup`/`fpuprocfork`/`fpuprocsave`/`fpuprocrestore` with
//! fxsave/fxrstor.
//!
//! Differences: kernel code uses SSE registers (the Rust compiler emits
//! them), so the state is saved eagerly, by every trap entry (l.rs) and
//! at every process switch (`fpuprocsave` then `fpuprocrestore` around
//! `labelswitch`), instead of 9front's lazy switching with CR0.TS and
//! the "coprocessor not available" trap; xsave's larger area is not
//! used yet (fxsave covers x87 and SSE, all the kernel touches); there
//! are no user processes, so no notes (`mathnote` always panics) and no
//! `fpukenter`/`fpukexit`.

use crate::l;
use crate::trap::Ureg;

/// The saved x87/SSE state (9front's `FPsave`): fxsave's 512 bytes.
#[repr(C, align(16))]
#[derive(Clone)]
pub struct FPsave(pub [u8; 512]);

const FPCW: u16 = 0x0232;
const MXCSR: u32 = 0x1900;

impl FPsave {
    /// The state `fpinit` leaves: everything clear, control word 0x0232,
    /// MXCSR 0x1900 (all SIMD exceptions but underflow and precision
    /// masked off... as 9front sets them).
    pub fn new() -> FPsave {
        let mut s = FPsave([0; 512]);
        s.0[0..2].copy_from_slice(&FPCW.to_le_bytes());
        s.0[24..28].copy_from_slice(&MXCSR.to_le_bytes());
        // MXCSR_MASK: let fxrstor accept every bit the processor has.
        s.0[28..32].copy_from_slice(&0xffffu32.to_le_bytes());
        s
    }

    /// The control word.
    pub fn fcw(&self) -> u16 {
        u16::from_le_bytes([self.0[0], self.0[1]])
    }

    /// MXCSR.
    pub fn mxcsr(&self) -> u32 {
        u32::from_le_bytes([self.0[24], self.0[25], self.0[26], self.0[27]])
    }
}

impl Default for FPsave {
    fn default() -> Self {
        Self::new()
    }
}

const CR4OXSAVE: u64 = 1 << 18;

/// `fpuinit`: this processor's unit on (l.rs and the AP bootstrap set
/// OSFXSR/OSXMMEXCPT already), xsave enabled where there is one, and
/// `fpinit`'s state loaded.
pub fn fpuinit() {
    let (_, _, c, _) = l::cpuid(1, 0);
    if c & (1 << 26) != 0 {
        // SAFETY: setting CR4.OSXSAVE on a processor that has xsave, then
        // XCR0 = x87|SSE (|AVX if present) as 9front does; nothing else
        // depends on them.
        unsafe {
            let cr4 = l::getcr4() | CR4OXSAVE;
            core::arch::asm!("mov cr4, {}", in(reg) cr4, options(nostack));
            let mut xcr0: u64 = 3;
            if c & (1 << 28) != 0 {
                xcr0 |= 4;
            }
            core::arch::asm!("xsetbv", in("ecx") 0, in("eax") xcr0 as u32, in("edx") (xcr0 >> 32) as u32, options(nostack));
        }
    }
    fpinit();
}

/// `fpinit`.
pub fn fpinit() {
    // SAFETY: initialising the x87 unit and loading the control word and
    // MXCSR 9front uses; no memory but the two operands is touched.
    unsafe {
        let cw = FPCW;
        let mx = MXCSR;
        core::arch::asm!(
            "fninit",
            "fwait",
            "fldcw [{cw}]",
            "ldmxcsr [{mx}]",
            cw = in(reg) &cw,
            mx = in(reg) &mx,
            options(nostack)
        );
    }
}

/// `fpuprocsetup`: a new process starts with `fpinit`'s state.
#[allow(dead_code)]
pub fn fpuprocsetup(p: &mut crate::sched::Proc) {
    p.fpsave = FPsave::new();
}

/// `fpuprocfork`: the child gets a copy of the parent's state.
#[allow(dead_code)]
pub fn fpuprocfork(parent: &crate::sched::Proc, child: &mut crate::sched::Proc) {
    child.fpsave.0 = parent.fpsave.0;
}

/// `fpuprocsave`: save the unit's state in `p` as it leaves the
/// processor.
pub fn fpuprocsave(p: &mut crate::sched::Proc) {
    // SAFETY: fxsave64 writes 512 bytes to a 16-aligned area (FPsave is
    // align(16)) that p owns.
    unsafe { core::arch::asm!("fxsave64 [{}]", in(reg) p.fpsave.0.as_mut_ptr(), options(nostack)) };
}

/// `fpuprocrestore`: load `p`'s state as it comes back.
pub fn fpuprocrestore(p: &mut crate::sched::Proc) {
    // SAFETY: fxrstor64 reads a 16-aligned area written by fxsave64 or
    // made by FPsave::new (reserved MXCSR bits clear).
    unsafe { core::arch::asm!("fxrstor64 [{}]", in(reg) p.fpsave.0.as_ptr(), options(nostack)) };
}

/// `mathnote`'s message for x87 status word `status`.
pub fn mathmsg(status: u32) -> &'static str {
    const MSG: [&str; 6] = [
        "",
        "denormalized operand",
        "division by zero",
        "numeric overflow",
        "numeric underflow",
        "precision loss",
    ];
    if status & 0x01 != 0 {
        if status & 0x40 != 0 {
            if status & 0x200 != 0 {
                return "stack overflow";
            }
            return "stack underflow";
        }
        return "invalid operation";
    }
    for (i, m) in MSG.iter().enumerate().skip(1) {
        if status & (1 << i) != 0 {
            return m;
        }
    }
    "unknown exception"
}

fn fsw() -> u16 {
    let mut w: u16 = 0;
    // SAFETY: fnstsw stores the status word into w.
    unsafe { core::arch::asm!("fnstsw [{}]", in(reg) &mut w, options(nostack)) };
    w
}

fn matherror(ureg: &mut Ureg, _a: usize) {
    let s = fsw() as u32;
    panic!(
        "sys: fp: {} fppc={:#x} status=0x{:x}",
        mathmsg(s),
        ureg.pc,
        s
    );
}

fn simderror(ureg: &mut Ureg, _a: usize) {
    let mut mx: u32 = 0;
    // SAFETY: stmxcsr stores MXCSR into mx.
    unsafe { core::arch::asm!("stmxcsr [{}]", in(reg) &mut mx, options(nostack)) };
    panic!(
        "sys: fp: {} fppc={:#x} status=0x{:x}",
        mathmsg(mx & 0x3f),
        ureg.pc,
        mx
    );
}

fn mathover(_ureg: &mut Ureg, _a: usize) {
    panic!("math overrun");
}

/// `mathinit`: the math exception handlers.
pub fn mathinit() {
    crate::irq::trapenable(16, matherror, 0, "matherror");
    crate::irq::trapenable(19, simderror, 0, "simderror");
    crate::irq::trapenable(9, mathover, 0, "mathover");
}
