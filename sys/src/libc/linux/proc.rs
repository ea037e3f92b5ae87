//! Procs that share memory, and `rendezvous`, for the Linux backend.
//!
//! Not a 9front file. 9front makes a proc that shares its parent's memory
//! with `rfork(RFPROC|RFMEM)` and synchronises procs with the
//! `rendezvous` system call; libthread and `QLock` are built on the two.
//! On Linux such a proc is a thread of the process (a std thread), and
//! `rendezvous` is a table of waiting threads kept here, with 9front's
//! semantics: the first proc to arrive at a tag sleeps until a second one
//! arrives at the same tag; then each gets the other's value.
//!
//! What differs: a proc's pid is a number given out here (Linux thread ids
//! would do, but std does not expose them), the name-space and note flags
//! of rfork are ignored, and a proc ends by returning from its function:
//! there is no `_exits` for one proc alone.

use std::boxed::Box;
use std::collections::HashMap;
use std::string::String;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, Thread};
use std::vec::Vec;

use crate::syscall::{Error, Pid, Result};

static NEXTPID: AtomicI32 = AtomicI32::new(1 << 20);

std::thread_local! {
    static MYPID: core::cell::Cell<i32> = const { core::cell::Cell::new(0) };
}

/// Starts `f` in a new proc sharing this one's memory; returns its pid.
/// The rfork flags are ignored (see the module documentation).
pub fn procrfork(f: Box<dyn FnOnce() + Send + 'static>, _flags: u32, stack: usize) -> Result<Pid> {
    let pid = NEXTPID.fetch_add(1, Ordering::Relaxed);
    let mut b = thread::Builder::new();
    if stack > 0 {
        // Rust frames are larger than C's; never go below 256K.
        b = b.stack_size(stack.max(256 * 1024));
    }
    b.spawn(move || {
        MYPID.with(|p| p.set(pid));
        f()
    })
    .map_err(|e| Error(String::from("rfork: ") + &e.to_string().to_lowercase()))?;
    Ok(Pid(pid))
}

/// The pid of the calling proc: the process's pid in its first proc.
pub fn procpid() -> Pid {
    match MYPID.with(|p| p.get()) {
        0 => super::getpid(),
        p => Pid(p),
    }
}

/// One proc waiting at a tag.
struct Waiter {
    /// The sleeper's value, and then the value it is given.
    val: usize,
    done: bool,
    thread: Thread,
}

type Slot = Arc<Mutex<Waiter>>;

static TABLE: Mutex<Option<HashMap<usize, Vec<Slot>>>> = Mutex::new(None);

/// 9front's `rendezvous(tag, value)`.
pub fn rendezvous(tag: usize, val: usize) -> usize {
    let mut t = TABLE.lock().unwrap_or_else(|e| e.into_inner());
    let map = t.get_or_insert_with(HashMap::new);
    if let Some(q) = map.get_mut(&tag) {
        if let Some(w) = q.pop() {
            if q.is_empty() {
                map.remove(&tag);
            }
            drop(t);
            let mut w = w.lock().unwrap_or_else(|e| e.into_inner());
            let theirs = w.val;
            w.val = val;
            w.done = true;
            w.thread.unpark();
            return theirs;
        }
    }
    let me: Slot = Arc::new(Mutex::new(Waiter { val, done: false, thread: thread::current() }));
    map.entry(tag).or_default().insert(0, me.clone());
    drop(t);
    loop {
        {
            let w = me.lock().unwrap_or_else(|e| e.into_inner());
            if w.done {
                return w.val;
            }
        }
        thread::park();
    }
}
