//! Procs that share memory, and `rendezvous`, for the native backend.
//!
//! Not one 9front file: what 9front's libthread does to start a proc
//! (`libthread/create.c`, `rfork(RFPROC|RFMEM|RFNOWAIT|flag)` and a jump
//! to a stack of the thread's own), with the `rendezvous` system call.
//!
//! `rfork(RFMEM)` shares the text, data and bss (the heap among them) but
//! gives the child a copy of the stack segment, so the child returns from
//! the system call on its own copy of the parent's frames, at the same
//! addresses. It leaves that copy at once for a stack allocated from the
//! heap and runs the proc's function there; when the function returns,
//! the proc exits (`_exits`). RFNOWAIT keeps procs out of the parent's
//! wait messages, as in libthread. What differs: a proc's stack is never
//! freed (9front's libthread frees a proc's stack with the proc; here no
//! one is left to free it once the proc is gone), and the stack is at
//! least 256 KiB, since Rust frames are larger than C's.

use alloc::boxed::Box;

use crate::syscall::{Pid, Result, RFMEM, RFNOWAIT, RFPROC};

/// The least stack a proc gets.
const MINSTACK: usize = 256 * 1024;

type Start = Box<dyn FnOnce() + Send + 'static>;

/// Starts `f` in a new proc sharing this one's memory; returns its pid.
#[cfg(all(feature = "native", not(test)))]
pub fn procrfork(f: Start, flags: u32, stack: usize) -> Result<Pid> {
    use alloc::alloc::{alloc, dealloc, Layout};

    let size = stack.max(MINSTACK);
    let layout = Layout::from_size_align(size, 16).map_err(|_| crate::syscall::Error::new("rfork: bad stack size"))?;
    // SAFETY: a non-zero size.
    let mem = unsafe { alloc(layout) };
    if mem.is_null() {
        return Err(crate::syscall::Error::new("rfork: no memory for the stack"));
    }
    let top = (mem as usize + size) & !15;
    let arg = Box::into_raw(Box::new(f));
    // SAFETY: rfork takes a flag word; what follows in the child is below.
    let r = unsafe { super::stubs::rfork(RFPROC | RFMEM | RFNOWAIT | flags).make() };
    match r {
        -1 => {
            // SAFETY: the child was never made: both are still ours.
            unsafe {
                drop(Box::from_raw(arg));
                dealloc(mem, layout);
            }
            Err(super::syserr())
        }
        0 => {
            // The child, on its copy of the stack: move to the new stack
            // and run the proc there; `procstart` never returns.
            // SAFETY: `top` is the 16-byte-aligned end of memory no one
            // else uses; `arg` is the boxed function, owned by the child
            // from here on (the parent forgets it).
            unsafe {
                core::arch::asm!(
                    "mov rsp, {top}",
                    "xor ebp, ebp",
                    "call {start}",
                    "ud2",
                    top = in(reg) top,
                    start = sym procstart,
                    in("rdi") arg,
                    options(noreturn),
                );
            }
        }
        pid => Ok(Pid(pid as i32)),
    }
}

/// The first frame of a proc's own stack: runs its function, then ends
/// the proc.
#[cfg(all(feature = "native", not(test)))]
extern "C" fn procstart(arg: *mut Start) -> ! {
    // SAFETY: `procrfork` handed this proc the box it made with into_raw.
    let f = unsafe { Box::from_raw(arg) };
    f();
    super::exits("")
}

#[cfg(not(all(feature = "native", not(test))))]
pub fn procrfork(_f: Start, _flags: u32, _stack: usize) -> Result<Pid> {
    let _ = (MINSTACK, RFPROC | RFMEM | RFNOWAIT);
    unreachable!("procrfork on a host build")
}

/// The pid of the calling proc: each proc is a process of its own.
pub fn procpid() -> Pid {
    super::getpid()
}

/// 9front's `rendezvous(tag, value)`: ~0 when interrupted.
pub fn rendezvous(tag: usize, val: usize) -> usize {
    // SAFETY: rendezvous passes two words, no pointers.
    unsafe { super::stubs::rendezvous(tag, val).make() as usize }
}
