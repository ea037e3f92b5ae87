//! Program entry on planten: a port of 9front's `sys/src/libc/amd64/main9.s`
//! (`_main`) and `sys/src/libc/9sys/callmain.c` (`_callmain`), with
//! `sys/include/tos.h`'s `Tos`.
//!
//! 9front's exec (`port/sysproc.c` `sysexec`, `pc64/trap.c` `execregs`)
//! starts a program at its entry `_main` with:
//!
//! - SP pointing at `argc` (one word), followed by `argv[0]`…`argv[argc-1]`
//!   and a nil word; the strings lie above, under the top of the stack;
//! - AX holding the address of the `Tos` structure, the last
//!   `sizeof(Tos)` bytes under USTKTOP, where the kernel keeps the pid and
//!   the profiling clocks;
//! - SP not aligned to anything but 8.
//!
//! `_main` stores AX in `_tos` and calls `_callmain(main, argc, argv...)`,
//! which gives `_privates` sixteen words on its stack (`privalloc(2)`),
//! calls `main(argc, argv)` and exits with "main" if it returns.
//!
//! Here `_main` is the same few instructions in `global_asm!`, emitted by
//! [`libc::main!`](crate::main) into the program (so the program's object
//! defines the entry the linker script names), and it calls
//! [`_callmain`], which keeps `_tos`, `argc`/`argv` and `_privates` and
//! calls the program's start function. What differs: `_main` aligns SP to
//! 16 bytes before the call, as the System V ABI of planten's Rust code
//! needs, and passes `_tos` and the argument pointer in registers;
//! `_callmain` exits with "" when the program returns (`libc::main!`
//! programs return for success, as falling off a 9front `main` with
//! `exits(nil)`), since the status "main" would make every such program
//! fail. Profiling (`main9p.s`'s `_mainp`) is not ported.

use alloc::string::String;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicI32, AtomicPtr, AtomicUsize, Ordering};

/// The kernel-maintained structure at the top of the stack
/// (`sys/include/tos.h`): on amd64 a `ulong` is 32 bits, a pointer 64.
#[repr(C)]
#[derive(Debug)]
pub struct Tos {
    /// Per-process profiling: `pp`, `next`, `last`, `first`, then `pid`
    /// and `what` (32 bits each).
    pub prof: [usize; 4],
    pub prof_pid: u32,
    pub prof_what: u32,
    /// Cycle clock frequency, 0 if there is none.
    pub cyclefreq: u64,
    /// Cycles spent in the kernel.
    pub kcycles: i64,
    /// Cycles spent in the process (kernel and user).
    pub pcycles: i64,
    /// The process's pid.
    pub pid: u32,
    pub clock: u32,
}

/// 9front's `_tos`: where the kernel's `Tos` is (set by `_main`).
#[cfg_attr(all(feature = "native", not(test)), no_mangle)]
pub static _tos: AtomicPtr<Tos> = AtomicPtr::new(core::ptr::null_mut());

/// 9front's `_privates` and `_nprivates`: per-process words handed out
/// by `privalloc` (on the main stack, which `rfork(RFMEM)` does not share,
/// so each process has its own).
#[cfg_attr(all(feature = "native", not(test)), no_mangle)]
pub static _privates: AtomicPtr<usize> = AtomicPtr::new(core::ptr::null_mut());
#[cfg_attr(all(feature = "native", not(test)), no_mangle)]
pub static _nprivates: AtomicI32 = AtomicI32::new(0);

/// callmain.c's NPRIVATES.
pub const NPRIVATES: usize = 16;

static ARGC: AtomicUsize = AtomicUsize::new(0);
static ARGV: AtomicPtr<*const u8> = AtomicPtr::new(core::ptr::null_mut());

/// `_callmain`: called by `_main` with the kernel's AX (`tos`), the stack
/// pointer the program started with (`sp`: argc, then argv), and the
/// program's start function.
///
/// # Safety
/// `sp` must be the initial stack pointer 9front's exec sets up and `tos`
/// its AX; called once, by `_main`.
pub unsafe extern "C" fn _callmain(tos: *mut Tos, sp: *const usize, main: extern "C" fn() -> !) -> ! {
    _tos.store(tos, Ordering::SeqCst);
    // SAFETY: the caller passes exec's stack: argc, then argv[].
    let argc = unsafe { *sp };
    ARGC.store(argc, Ordering::SeqCst);
    // SAFETY: argv starts one word above argc.
    ARGV.store(unsafe { sp.add(1) } as *mut *const u8, Ordering::SeqCst);
    let mut privates = [0usize; NPRIVATES];
    _privates.store(privates.as_mut_ptr(), Ordering::SeqCst);
    _nprivates.store(NPRIVATES as i32, Ordering::SeqCst);
    main()
}

/// The program's arguments as exec passed them (`argv[0]` first), each
/// made a `String` (invalid UTF-8 replaced).
pub fn args() -> Vec<String> {
    let argc = ARGC.load(Ordering::SeqCst);
    let argv = ARGV.load(Ordering::SeqCst);
    if argv.is_null() {
        return Vec::new();
    }
    // SAFETY: `_callmain` stored exec's argv, argc pointers to
    // NUL-terminated strings that stay on the stack for the process's life.
    unsafe { argvstrings(argc, argv) }
}

/// The strings of an exec-style argument vector.
///
/// # Safety
/// `argv` must hold `argc` pointers to NUL-terminated strings (a nil
/// pointer ends the vector early).
pub unsafe fn argvstrings(argc: usize, argv: *const *const u8) -> Vec<String> {
    let mut out = Vec::with_capacity(argc);
    for i in 0..argc {
        // SAFETY: i < argc, as the caller promises.
        let p = unsafe { *argv.add(i) };
        if p.is_null() {
            break;
        }
        // SAFETY: a NUL-terminated string, as the caller promises.
        let s = unsafe { core::ffi::CStr::from_ptr(p.cast()) };
        out.push(String::from_utf8_lossy(s.to_bytes()).into_owned());
    }
    out
}

/// The pid the kernel keeps in `_tos` (9front's `getpid.c`), or 0 before
/// `_main` has run.
pub fn tospid() -> u32 {
    let t = _tos.load(Ordering::SeqCst);
    if t.is_null() {
        return 0;
    }
    // SAFETY: `_tos` is the kernel's Tos, mapped for the life of the
    // process; the kernel may change `pid` (rfork), so read it afresh.
    unsafe { core::ptr::addr_of!((*t).pid).read_volatile() }
}

/// Emits `_main` into the program (see the module documentation);
/// `$start` is an `extern "C" fn() -> !` that runs the program.
#[doc(hidden)]
#[macro_export]
macro_rules! __main9_entry {
    ($start:path) => {
        core::arch::global_asm!(
            ".globl _main",
            ".type _main, @function",
            "_main:",
            // _tos, as main9.s's MOVQ AX, _tos(SB)
            "mov rdi, rax",
            // argc and argv[]
            "mov rsi, rsp",
            "lea rdx, [rip + {start}]",
            "and rsp, -16",
            // the outermost frame
            "xor ebp, ebp",
            "call {callmain}",
            "ud2",
            ".size _main, . - _main",
            start = sym $start,
            callmain = sym $crate::amd64::main9::_callmain,
        );
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec;

    #[test]
    fn tos_is_laid_out_as_tos_h_on_amd64() {
        // tos.h: four pointers and two ulongs of profiling, then
        // cyclefreq, kcycles, pcycles (8 bytes each), then pid and clock
        // (ulong, 32 bits on amd64): 72 bytes, pid at 64.
        assert_eq!(core::mem::size_of::<Tos>(), 72);
        assert_eq!(core::mem::offset_of!(Tos, cyclefreq), 40);
        assert_eq!(core::mem::offset_of!(Tos, pid), 64);
        assert_eq!(core::mem::offset_of!(Tos, clock), 68);
    }

    #[test]
    fn callmain_reads_execs_stack() {
        // The layout sysexec builds: argc, argv[0..argc], nil, strings,
        // and the Tos under the top of the stack.
        let strings: Vec<&[u8]> = vec![b"ls\0", b"-l\0", b"/tmp\0"];
        let mut stack: Vec<usize> = vec![3];
        for s in &strings {
            stack.push(s.as_ptr() as usize);
        }
        stack.push(0);
        // SAFETY: the vector above is argc then argv, as exec lays it out.
        let got = unsafe { argvstrings(stack[0], stack[1..].as_ptr() as *const *const u8) };
        assert_eq!(got, ["ls", "-l", "/tmp"]);
        // A nil pointer ends the vector even if argc says more.
        stack[0] = 5;
        // SAFETY: as above; the nil word is read, nothing past it.
        let got = unsafe { argvstrings(stack[0], stack[1..].as_ptr() as *const *const u8) };
        assert_eq!(got.len(), 3);
    }
}
