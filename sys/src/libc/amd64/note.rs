//! Notes on planten: the native backend's half of
//! [`crate::syscall::notify`] and [`crate::syscall::pendingnote`].
//!
//! Not one 9front file: it is a note handler of the kind 9front programs
//! register with `notify(2)`, over the `notify` and `noted` system calls.
//! The kernel (`pc64/trap.c` `notify()`) delivers a note by copying the
//! interrupted `Ureg` onto the user stack and starting the handler with
//! SP pointing at a zero word (the return PC), then the `Ureg*` (also in
//! RARG, BP), then a pointer to the note's text (at most ERRMAX bytes);
//! the handler must end with the `noted` system call, which restores the
//! `Ureg` (NCONT) or ends the process with the note as its status (NDFLT).
//! A system call the note interrupted fails with "interrupted".
//!
//! The handler, `_planten_notetramp`, is a few instructions of assembly,
//! because 9front forbids floating point in a note handler (the kernel
//! marks the FPU illegal until `noted`) and compiled Rust may use SSE
//! anywhere. It compares the text with the notes the Linux backend
//! catches ("hangup", "interrupt", "quit", "alarm", "kill"); for one of
//! them it sets that note's bit in a pending set and continues
//! (`noted(NCONT)`), for any other note it takes the default
//! (`noted(NDFLT)`), as an unhandled note does in 9front. The program
//! takes pending notes with `pendingnote`, in that fixed order.

use alloc::string::String;
use core::sync::atomic::{AtomicU32, Ordering};

/// The notes caught, in the order pending ones are taken; each ends with
/// a NUL, and an empty name ends the table.
static NOTENAMES: [u8; 34] = *b"hangup\0interrupt\0quit\0alarm\0kill\0\0";

/// Bit i is set when the i'th note of NOTENAMES arrived and has not been
/// taken.
static PENDING: AtomicU32 = AtomicU32::new(0);

/// libc.h's `noted` arguments.
pub const NCONT: i32 = 0;
pub const NDFLT: i32 = 1;

/// Defines the handler `$name`, ending with `$trap` in place of the
/// `noted` system call's SYSCALL (the host test records instead).
macro_rules! notetramp {
    ($name:literal, $trap:literal) => {
        core::arch::global_asm!(
            concat!(".globl ", $name),
            concat!(".type ", $name, ", @function"),
            concat!($name, ":"),
            // the note's text: arg 2, at 16(SP)
            "mov rsi, [rsp + 16]",
            "lea rdi, [rip + {names}]",
            "xor ecx, ecx",
            concat!(".L", $name, "_name:"),
            "cmp byte ptr [rdi], 0",
            concat!("je .L", $name, "_default"),
            "mov rdx, rsi",
            concat!(".L", $name, "_cmp:"),
            "mov al, [rdi]",
            "cmp al, [rdx]",
            concat!("jne .L", $name, "_skip"),
            "test al, al",
            concat!("je .L", $name, "_match"),
            "inc rdi",
            "inc rdx",
            concat!("jmp .L", $name, "_cmp"),
            // past this name's NUL, to the next name
            concat!(".L", $name, "_skip:"),
            "mov al, [rdi]",
            "inc rdi",
            "test al, al",
            concat!("jne .L", $name, "_skip"),
            "inc ecx",
            concat!("jmp .L", $name, "_name"),
            concat!(".L", $name, "_match:"),
            "mov eax, 1",
            "shl eax, cl",
            "lock or dword ptr [rip + {pending}], eax",
            "mov edi, {ncont}",
            concat!("jmp .L", $name, "_noted"),
            concat!(".L", $name, "_default:"),
            "mov edi, {ndflt}",
            // noted(v): the argument word at 8(SP), the number in RARG
            concat!(".L", $name, "_noted:"),
            "mov [rsp + 8], rdi",
            "mov ebp, {noted}",
            $trap,
            "ud2",
            concat!(".size ", $name, ", . - ", $name),
            names = sym NOTENAMES,
            pending = sym PENDING,
            ncont = const NCONT,
            ndflt = const NDFLT,
            noted = const crate::sys::NOTED,
        );
    };
}

#[cfg(all(feature = "native", not(test)))]
notetramp!("_planten_notetramp", "syscall");

#[cfg(all(feature = "native", not(test)))]
extern "C" {
    fn _planten_notetramp();
}

/// Registers the handler (`on`) or none, so that notes kill the process.
#[cfg(all(feature = "native", not(test)))]
pub fn notify(on: bool) {
    let f = if on { _planten_notetramp as *const () as usize } else { 0 };
    // SAFETY: the handler follows the kernel's note convention (see the
    // module documentation); 0 removes it.
    unsafe { super::stubs::notify(f).make() };
}

#[cfg(not(all(feature = "native", not(test))))]
pub fn notify(_on: bool) {
    unreachable!("notify on a host build")
}

/// Takes one pending note, if any.
pub fn pendingnote() -> Option<String> {
    loop {
        let p = PENDING.load(Ordering::SeqCst);
        if p == 0 {
            return None;
        }
        let i = p.trailing_zeros() as usize;
        if PENDING.compare_exchange(p, p & !(1 << i), Ordering::SeqCst, Ordering::SeqCst).is_ok() {
            return NOTENAMES.split(|&b| b == 0).nth(i).map(|n| String::from_utf8_lossy(n).into_owned());
        }
    }
}

/// `<{cmd}`'s pipe: 9front's pipes are what other programs open as
/// `/fd/N`, so it is a plain pipe.
pub fn fdpipe() -> crate::syscall::Result<[crate::syscall::Fd; 2]> {
    super::pipe()
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::sync::atomic::AtomicU64;

    notetramp!("_planten_notetramp_test", "jmp _planten_note_rec");

    /// [0] RARG at the trap, [1] the argument word at 8(SP).
    static NREC: [AtomicU64; 2] = [const { AtomicU64::new(0) }; 2];

    // Enters the test handler as the kernel would (0, a fake Ureg*, the
    // text), and comes back here where the real one would make the
    // system call.
    core::arch::global_asm!(
        ".globl _planten_note_enter",
        "_planten_note_enter:",
        "push rbp",
        "mov r11, rsp",
        "push rdi",
        "push 0x77",
        "push 0",
        "jmp _planten_notetramp_test",
        "_planten_note_rec:",
        "mov [rip + {nrec}], rbp",
        "mov rax, [rsp + 8]",
        "mov [rip + {nrec} + 8], rax",
        "mov rsp, r11",
        "pop rbp",
        "ret",
        nrec = sym NREC,
    );

    extern "C" {
        fn _planten_note_enter(msg: *const u8);
    }

    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

    /// Delivers `msg`; returns (the system call's number, its argument).
    fn deliver(msg: &[u8]) -> (u64, u64) {
        let mut m = msg.to_vec();
        m.push(0);
        // SAFETY: the handler reads the NUL-terminated text and its own
        // table, writes PENDING, and returns through the recorder, which
        // restores the stack and RBP; the registers it changes are
        // caller-saved in the System V ABI.
        unsafe { _planten_note_enter(m.as_ptr()) };
        (NREC[0].load(Ordering::SeqCst), NREC[1].load(Ordering::SeqCst))
    }

    #[test]
    fn caught_notes_continue_and_wait_to_be_taken() {
        let _g = LOCK.lock().unwrap_or_else(|e| e.into_inner());
        while pendingnote().is_some() {}
        // noted(NCONT): number 29 in RARG (sys.h NOTED), 0 in the word.
        assert_eq!(deliver(b"hangup"), (29, 0));
        assert_eq!(pendingnote().as_deref(), Some("hangup"));
        assert_eq!(pendingnote(), None);
        assert_eq!(deliver(b"alarm"), (29, 0));
        assert_eq!(deliver(b"interrupt"), (29, 0));
        assert_eq!(deliver(b"kill"), (29, 0));
        assert_eq!(deliver(b"quit"), (29, 0));
        // taken in the table's order, as the Linux backend's
        assert_eq!(pendingnote().as_deref(), Some("interrupt"));
        assert_eq!(pendingnote().as_deref(), Some("quit"));
        assert_eq!(pendingnote().as_deref(), Some("alarm"));
        assert_eq!(pendingnote().as_deref(), Some("kill"));
        assert_eq!(pendingnote(), None);
    }

    #[test]
    fn other_notes_take_the_default() {
        let _g = LOCK.lock().unwrap_or_else(|e| e.into_inner());
        while pendingnote().is_some() {}
        // noted(NDFLT): the process dies with the note, as with no handler.
        for m in [&b"sys: trap: fault read addr=0x0 pc=0x200028"[..], b"hangupx", b"hang", b"", b"alarm "] {
            assert_eq!(deliver(m), (29, 1), "{:?}", String::from_utf8_lossy(m));
        }
        assert_eq!(pendingnote(), None);
    }
}
