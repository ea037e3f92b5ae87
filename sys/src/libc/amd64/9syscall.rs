//! The system-call stubs: what 9front's `sys/src/libc/9syscall/mkfile`
//! generates for amd64 (one `TEXT name(SB)` stub per call of `sys.h`),
//! for planten's native backend.
//!
//! 9front's amd64 stub for a call numbered `n` is four instructions:
//! store the first argument, which 6c passes in RARG (BP), into its stack
//! slot `a0+0(FP)`; load `$n` into RARG; `SYSCALL`; `RET`. The kernel
//! (`pc64/l.s` `syscallentry`, `pc64/trap.c` `syscall()`) takes the number
//! from BP, copies `MAXSYSARG` (5) argument words from the user stack at
//! `SP+8` (above the stub's return address), and returns the result in
//! AX. Each argument occupies one 8-byte word, as 6c lays out arguments:
//! an `int` or `ulong` is read by the kernel's `va_arg` from the low four
//! bytes of its word, a pointer or `vlong` from all eight. `SYSCALL`
//! itself overwrites CX (the return PC) and R11 (the flags), and the
//! kernel returns through `forkret`, which restores only R14, R15, the
//! stack pointer and AX: every other general register may come back
//! changed, which costs 6c's code nothing (its calls save no registers).
//!
//! What differs: planten's Rust code calls with the System V ABI, whose
//! arguments are in registers and whose callees keep RBX, RBP and
//! R12–R15. So there is one stub, `_planten_syscall`, called with the
//! number in RDI and a pointer to the five argument words in RSI; it
//! saves the System V callee-saved registers, builds 9front's frame (a
//! return-address word, then the five argument words) on the stack, loads
//! the number into RBP, executes `SYSCALL`, and restores the registers.
//! At the `SYSCALL` instruction the machine state the kernel sees is the
//! one 9front's generated stub gives it: BP holds the number, and
//! `SP+8`... holds the arguments in order. Which words a call passes is
//! decided by the functions below (one per call, named as 9front's stubs,
//! `await_` for the keyword), which are plain code and tested on the host;
//! the same stub, with `SYSCALL` replaced by a call to a recorder, is run
//! on the host by the tests to check the frame it builds.
//!
//! `seek` is 9front's `_seek(vlong *ret, int fd, vlong off, int whence)`
//! (the C `seek` of `amd64/_seek.c` wraps it); `_nsec` returns the time
//! in AX on a 64-bit machine (`port/sysproc.c`'s `sys_nsec`).

use crate::sys;

/// Argument words the kernel copies from the user stack (`pc64/dat.h`).
pub const MAXSYSARG: usize = 5;

/// One system call, ready to make: its number and its argument words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    pub nr: u32,
    pub args: [u64; MAXSYSARG],
}

impl Call {
    fn new(nr: u32, a: &[u64]) -> Call {
        let mut args = [0u64; MAXSYSARG];
        args[..a.len()].copy_from_slice(a);
        Call { nr, args }
    }

    /// Makes the call; the result is the kernel's AX (-1 on failure, with
    /// the process's error string set).
    ///
    /// # Safety
    /// The words must be what the call expects: pointers valid for what
    /// the kernel reads or writes through them, for as long as the call
    /// lasts. `rfork` with RFPROC|RFMEM, `exec`, `exits` and `noted` also
    /// change or end the process; their callers answer for what follows.
    #[cfg(all(feature = "native", not(test)))]
    pub unsafe fn make(&self) -> i64 {
        // SAFETY: the stub follows the System V ABI (it keeps the
        // callee-saved registers and the stack), and the caller vouches
        // for the words.
        unsafe { _planten_syscall(self.nr as u64, self.args.as_ptr()) }
    }

    /// Host builds (the tests) never reach a kernel of 9front's: making a
    /// call there is a bug.
    ///
    /// # Safety
    /// None needed; it only panics.
    #[cfg(not(all(feature = "native", not(test))))]
    pub unsafe fn make(&self) -> i64 {
        panic!("9front system call {} made on a host build", self.nr)
    }
}

/// An `int` argument: sign-extended to its word (the kernel reads the low
/// half).
fn int(v: i32) -> u64 {
    v as i64 as u64
}

/// A `uint`, `ulong` or `usize`-sized unsigned argument.
fn uint(v: u32) -> u64 {
    v as u64
}

/// A `long` count (32 bits on 9front's amd64): clamped to what it holds.
fn long(n: usize) -> u64 {
    int(n.min(i32::MAX as usize) as i32)
}

/// A pointer argument.
fn ptr<T>(p: *const T) -> u64 {
    p as usize as u64
}

/// A `vlong` argument.
fn vlong(v: i64) -> u64 {
    v as u64
}

pub fn open(name: *const u8, mode: i32) -> Call {
    Call::new(sys::OPEN, &[ptr(name), int(mode)])
}

pub fn create(name: *const u8, mode: i32, perm: u32) -> Call {
    Call::new(sys::CREATE, &[ptr(name), int(mode), uint(perm)])
}

pub fn close(fd: i32) -> Call {
    Call::new(sys::CLOSE, &[int(fd)])
}

pub fn pread(fd: i32, buf: *mut u8, n: usize, off: i64) -> Call {
    Call::new(sys::PREAD, &[int(fd), ptr(buf), long(n), vlong(off)])
}

pub fn pwrite(fd: i32, buf: *const u8, n: usize, off: i64) -> Call {
    Call::new(sys::PWRITE, &[int(fd), ptr(buf), long(n), vlong(off)])
}

/// `_seek(&ret, fd, off, whence)`: the new offset is stored at `ret`.
pub fn seek(ret: *mut i64, fd: i32, off: i64, whence: i32) -> Call {
    Call::new(sys::SEEK, &[ptr(ret), int(fd), vlong(off), int(whence)])
}

/// `dup(old, new)`; `new` -1 takes the lowest free descriptor.
pub fn dup(old: i32, new: i32) -> Call {
    Call::new(sys::DUP, &[int(old), int(new)])
}

/// `pipe(fd)`: the kernel stores two `int`s at `fd`.
pub fn pipe(fd: *mut [i32; 2]) -> Call {
    Call::new(sys::PIPE, &[ptr(fd)])
}

pub fn remove(name: *const u8) -> Call {
    Call::new(sys::REMOVE, &[ptr(name)])
}

pub fn chdir(name: *const u8) -> Call {
    Call::new(sys::CHDIR, &[ptr(name)])
}

pub fn fd2path(fd: i32, buf: *mut u8, nbuf: usize) -> Call {
    Call::new(sys::FD2PATH, &[int(fd), ptr(buf), long(nbuf)])
}

pub fn stat(name: *const u8, buf: *mut u8, nbuf: usize) -> Call {
    Call::new(sys::STAT, &[ptr(name), ptr(buf), long(nbuf)])
}

pub fn fstat(fd: i32, buf: *mut u8, nbuf: usize) -> Call {
    Call::new(sys::FSTAT, &[int(fd), ptr(buf), long(nbuf)])
}

pub fn wstat(name: *const u8, buf: *const u8, nbuf: usize) -> Call {
    Call::new(sys::WSTAT, &[ptr(name), ptr(buf), long(nbuf)])
}

pub fn fwstat(fd: i32, buf: *const u8, nbuf: usize) -> Call {
    Call::new(sys::FWSTAT, &[int(fd), ptr(buf), long(nbuf)])
}

pub fn bind(name: *const u8, old: *const u8, flag: u32) -> Call {
    Call::new(sys::BIND, &[ptr(name), ptr(old), uint(flag)])
}

/// `mount(fd, afd, old, flag, aname)`: all five words `MAXSYSARG` has.
pub fn mount(fd: i32, afd: i32, old: *const u8, flag: u32, aname: *const u8) -> Call {
    Call::new(sys::MOUNT, &[int(fd), int(afd), ptr(old), uint(flag), ptr(aname)])
}

/// `unmount(name, old)`; `name` may be nil.
pub fn unmount(name: *const u8, old: *const u8) -> Call {
    Call::new(sys::UNMOUNT, &[ptr(name), ptr(old)])
}

pub fn rfork(flags: u32) -> Call {
    Call::new(sys::RFORK, &[uint(flags)])
}

/// `exec(name, argv)`: `argv` is a nil-terminated array of pointers.
pub fn exec(name: *const u8, argv: *const *const u8) -> Call {
    Call::new(sys::EXEC, &[ptr(name), ptr(argv)])
}

/// `_exits(msg)`.
pub fn exits(msg: *const u8) -> Call {
    Call::new(sys::EXITS, &[ptr(msg)])
}

/// `await(buf, n)`: the wait message, not NUL-terminated; AX is its length.
pub fn await_(buf: *mut u8, n: usize) -> Call {
    Call::new(sys::AWAIT, &[ptr(buf), long(n)])
}

pub fn sleep(ms: u32) -> Call {
    Call::new(sys::SLEEP, &[long(ms as usize)])
}

pub fn alarm(ms: u32) -> Call {
    Call::new(sys::ALARM, &[uint(ms)])
}

/// `errstr(buf, nbuf)`: swaps the process's error string with `buf`.
pub fn errstr(buf: *mut u8, nbuf: usize) -> Call {
    Call::new(sys::ERRSTR, &[ptr(buf), long(nbuf)])
}

/// `brk_(addr)`: moves the end of the bss segment.
pub fn brk_(addr: usize) -> Call {
    Call::new(sys::BRK, &[addr as u64])
}

/// `notify(f)`: `f` is the note handler's address, 0 for none.
pub fn notify(f: usize) -> Call {
    Call::new(sys::NOTIFY, &[f as u64])
}

pub fn noted(v: i32) -> Call {
    Call::new(sys::NOTED, &[int(v)])
}

pub fn rendezvous(tag: usize, val: usize) -> Call {
    Call::new(sys::RENDEZVOUS, &[tag as u64, val as u64])
}

/// `_nsec()`: on amd64 the time comes back in AX.
pub fn nsec() -> Call {
    Call::new(sys::NSEC, &[])
}

/// Defines a stub named `$name` that follows 9front's convention and ends
/// the frame with `$trap`: `syscall` for the real stub, a call to a
/// recorder for the host test. Called with RDI = number, RSI = pointer to
/// the `MAXSYSARG` words; returns RAX.
macro_rules! stub {
    ($name:literal, $trap:literal) => {
        core::arch::global_asm!(
            concat!(".globl ", $name),
            concat!(".type ", $name, ", @function"),
            concat!($name, ":"),
            // The System V callee-saved registers: the kernel's return
            // path does not restore them.
            "push rbp",
            "push rbx",
            "push r12",
            "push r13",
            "push r14",
            "push r15",
            // 9front's frame: 0(SP) the caller's return PC (as in a
            // generated stub, where it is the word under the arguments),
            // 8(SP)..40(SP) the five argument words.
            "sub rsp, 48",
            "mov rax, [rsp + 96]",
            "mov [rsp], rax",
            "mov rax, [rsi]",
            "mov [rsp + 8], rax",
            "mov rax, [rsi + 8]",
            "mov [rsp + 16], rax",
            "mov rax, [rsi + 16]",
            "mov [rsp + 24], rax",
            "mov rax, [rsi + 24]",
            "mov [rsp + 32], rax",
            "mov rax, [rsi + 32]",
            "mov [rsp + 40], rax",
            // RARG: the number.
            "mov rbp, rdi",
            $trap,
            "add rsp, 48",
            "pop r15",
            "pop r14",
            "pop r13",
            "pop r12",
            "pop rbx",
            "pop rbp",
            "ret",
            concat!(".size ", $name, ", . - ", $name),
        );
    };
}

#[cfg(all(feature = "native", not(test)))]
stub!("_planten_syscall", "syscall");

#[cfg(all(feature = "native", not(test)))]
extern "C" {
    /// The stub: RDI the number, RSI the argument words.
    fn _planten_syscall(nr: u64, args: *const u64) -> i64;
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::sync::atomic::{AtomicU64, Ordering};

    // The host test's stub: the same code, with `SYSCALL` replaced by a
    // call to `_planten_syscall_rec`, which records what a 9front kernel
    // would read (BP, and the words at SP+8.. of the stub's frame: one
    // word further up here, past the call's return address), returns
    // REC_RET in AX, and then changes every register the kernel's return
    // path does not restore, as the kernel may.
    stub!("_planten_syscall_test", "call _planten_syscall_rec");

    /// [0] BP, [1..6] the argument words, [6] the word at 0(SP).
    static REC: [AtomicU64; 7] = [const { AtomicU64::new(0) }; 7];
    static REC_RET: AtomicU64 = AtomicU64::new(0);

    core::arch::global_asm!(
        ".globl _planten_syscall_rec",
        "_planten_syscall_rec:",
        "mov [rip + {rec}], rbp",
        "mov rax, [rsp + 16]",
        "mov [rip + {rec} + 8], rax",
        "mov rax, [rsp + 24]",
        "mov [rip + {rec} + 16], rax",
        "mov rax, [rsp + 32]",
        "mov [rip + {rec} + 24], rax",
        "mov rax, [rsp + 40]",
        "mov [rip + {rec} + 32], rax",
        "mov rax, [rsp + 48]",
        "mov [rip + {rec} + 40], rax",
        "mov rax, [rsp + 8]",
        "mov [rip + {rec} + 48], rax",
        "mov rax, -1",
        "mov rbx, rax",
        "mov rbp, rax",
        "mov rcx, rax",
        "mov rdx, rax",
        "mov rsi, rax",
        "mov rdi, rax",
        "mov r8, rax",
        "mov r9, rax",
        "mov r10, rax",
        "mov r11, rax",
        "mov r12, rax",
        "mov r13, rax",
        "mov r14, rax",
        "mov r15, rax",
        "mov rax, [rip + {ret}]",
        "ret",
        rec = sym REC,
        ret = sym REC_RET,
    );

    extern "C" {
        fn _planten_syscall_test(nr: u64, args: *const u64) -> i64;
    }

    /// The recorder's statics are shared by the tests, which run in
    /// parallel.
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

    /// Runs `c` through the test stub with known values in the System V
    /// callee-saved registers; returns (AX, BP as the kernel saw it, the
    /// words it saw, the registers after the stub, the word at 0(SP)).
    fn run(c: Call, ret: u64) -> (i64, u64, [u64; 5], [u64; 6], u64) {
        let _g = LOCK.lock().unwrap_or_else(|e| e.into_inner());
        REC_RET.store(ret, Ordering::SeqCst);
        let (ax, rbx, rbp, r12, r13, r14, r15): (i64, u64, u64, u64, u64, u64, u64);
        // SAFETY: the test stub touches only its own frame, REC and
        // REC_RET; RBX and RBP are saved and restored around it here, and
        // every other register it may change is declared clobbered.
        unsafe {
            core::arch::asm!(
                "push rbx",
                "push rbp",
                "mov rbx, 0x1111",
                "mov rbp, 0x2222",
                "mov r12, 0x3333",
                "mov r13, 0x4444",
                "mov r14, 0x5555",
                "mov r15, 0x6666",
                "call {stub}",
                "mov r8, rbx",
                "mov r9, rbp",
                "pop rbp",
                "pop rbx",
                stub = sym _planten_syscall_test,
                out("r8") rbx,
                out("r9") rbp,
                in("rdi") c.nr as u64,
                in("rsi") c.args.as_ptr(),
                lateout("rax") ax,
                out("r12") r12,
                out("r13") r13,
                out("r14") r14,
                out("r15") r15,
                clobber_abi("C"),
            );
        }
        let words = core::array::from_fn(|i| REC[i + 1].load(Ordering::SeqCst));
        let regs = [rbx, rbp, r12, r13, r14, r15];
        (ax, REC[0].load(Ordering::SeqCst), words, regs, REC[6].load(Ordering::SeqCst))
    }

    #[test]
    fn the_stub_builds_9fronts_frame_and_keeps_registers() {
        let c = Call { nr: sys::MOUNT, args: [1, 2, 3, 4, 5] };
        let (ax, bp, words, regs, _) = run(c, 42);
        // 9syscall/mkfile, case amd64: MOVQ $n, RARG; SYSCALL — the
        // number in BP; trap.c reads the arguments at sp+BY2WD.
        assert_eq!(bp, sys::MOUNT as u64);
        assert_eq!(words, [1, 2, 3, 4, 5]);
        assert_eq!(ax, 42);
        assert_eq!(regs, [0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666]);
        // -1 (failure) comes back whole.
        let (ax, ..) = run(close(7), u64::MAX);
        assert_eq!(ax, -1);
    }

    #[test]
    fn the_word_under_the_arguments_is_a_return_address() {
        let (.., pc) = run(nsec(), 0);
        // The stub stores its caller's return PC there: an address in
        // this test's text, not zero.
        assert_ne!(pc, 0);
    }

    #[test]
    fn every_call_marshals_as_9fronts_stubs() {
        let p = 0x1000 as *const u8;
        let q = 0x2000 as *mut u8;
        let m1 = u64::MAX;
        // (call, number in sys.h, words as the kernel's va_arg reads them
        // in port/sysfile.c and port/sysproc.c)
        let cases: &[(Call, u32, &[u64])] = &[
            (open(p, 2), 14, &[0x1000, 2]),
            (create(p, 1, 0o644 | 0x8000_0000), 22, &[0x1000, 1, 0x8000_01a4]),
            (close(3), 4, &[3]),
            (pread(3, q, 100, -1), 50, &[3, 0x2000, 100, m1]),
            (pwrite(1, p, 5, 7), 51, &[1, 0x1000, 5, 7]),
            (seek(q.cast(), 4, -2, 2), 39, &[0x2000, 4, (-2i64) as u64, 2]),
            (dup(0, -1), 5, &[0, m1]),
            (pipe(q.cast()), 21, &[0x2000]),
            (remove(p), 25, &[0x1000]),
            (chdir(p), 3, &[0x1000]),
            (fd2path(3, q, 64), 23, &[3, 0x2000, 64]),
            (stat(p, q, 113), 42, &[0x1000, 0x2000, 113]),
            (fstat(3, q, 113), 43, &[3, 0x2000, 113]),
            (wstat(p, p, 49), 44, &[0x1000, 0x1000, 49]),
            (fwstat(3, p, 49), 45, &[3, 0x1000, 49]),
            (bind(p, p, 1), 2, &[0x1000, 0x1000, 1]),
            (mount(3, -1, p, 4, q), 46, &[3, m1, 0x1000, 4, 0x2000]),
            (unmount(core::ptr::null(), p), 35, &[0, 0x1000]),
            (rfork(0x30), 19, &[0x30]),
            (exec(p, q.cast()), 7, &[0x1000, 0x2000]),
            (exits(p), 8, &[0x1000]),
            (await_(q, 512), 47, &[0x2000, 512]),
            (sleep(10), 17, &[10]),
            (alarm(1500), 6, &[1500]),
            (errstr(q, 128), 41, &[0x2000, 128]),
            (brk_(0x40_0000), 24, &[0x40_0000]),
            (notify(0x1234), 28, &[0x1234]),
            (noted(1), 29, &[1]),
            (rendezvous(7, 9), 34, &[7, 9]),
            (nsec(), 53, &[]),
        ];
        for (c, nr, words) in cases {
            assert_eq!(c.nr, *nr, "{c:?}");
            let mut want = [0u64; MAXSYSARG];
            want[..words.len()].copy_from_slice(words);
            assert_eq!(c.args, want, "{c:?}");
            // and the stub hands exactly these to the kernel
            let (_, bp, seen, ..) = run(*c, 0);
            assert_eq!((bp, seen), (*nr as u64, want));
        }
        // A count beyond a 32-bit long is clamped, never wrapped negative.
        assert_eq!(pread(0, q, usize::MAX, 0).args[2], i32::MAX as u64);
    }
}
