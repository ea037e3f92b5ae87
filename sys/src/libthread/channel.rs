//! Channels: a partial port of 9front's `sys/src/libthread/channel.c`
//! (see thread(2)).
//!
//! A channel made by `chancreate(n)` holds up to `n` values; with `n == 0`
//! it is synchronous: a sender waits for a receiver and the value passes
//! hand to hand. `send` waits for room, `recv` for a value; `nbsend` and
//! `nbrecv` never wait. `chanclose` closes a channel: sends fail from then
//! on, and receives take what is buffered and then fail; procs waiting on
//! it wake up and fail.
//!
//! What differs from 9front: channels are typed (`Channel<T>`, shared as
//! `Arc<Channel<T>>`) rather than carrying `elsize` bytes; a failed send
//! gives its value back (`Err(v)`) where 9front returns -1; there is no
//! `alt` yet. Waiting procs queue in order and sleep in libc's
//! `rendezvous`.

use alloc::collections::VecDeque;
use alloc::sync::Arc;

use libc::qlock::newtag;
use libc::syscall::rendezvous;

type Slot<T> = Arc<spin::Mutex<Option<T>>>;

struct State<T> {
    buf: VecDeque<T>,
    cap: usize,
    closed: bool,
    /// Receivers waiting, with the slot a sender fills.
    recvq: VecDeque<(usize, Slot<T>)>,
    /// Senders waiting, with the value a receiver takes.
    sendq: VecDeque<(usize, Slot<T>)>,
}

/// A channel of `T`s.
pub struct Channel<T> {
    s: spin::Mutex<State<T>>,
}

/// Woken with a value passed, or because the channel closed.
const PASSED: usize = 1;
const CLOSED: usize = 0;

/// `chancreate`: a channel buffering `nel` values (0: synchronous).
pub fn chancreate<T>(nel: usize) -> Arc<Channel<T>> {
    Arc::new(Channel::new(nel))
}

impl<T> Channel<T> {
    pub fn new(nel: usize) -> Channel<T> {
        Channel {
            s: spin::Mutex::new(State {
                buf: VecDeque::new(),
                cap: nel,
                closed: false,
                recvq: VecDeque::new(),
                sendq: VecDeque::new(),
            }),
        }
    }

    fn dosend(&self, v: T, block: bool) -> Result<(), T> {
        let mut s = self.s.lock();
        if s.closed {
            return Err(v);
        }
        if let Some((tag, slot)) = s.recvq.pop_front() {
            *slot.lock() = Some(v);
            drop(s);
            rendezvous(tag, PASSED);
            return Ok(());
        }
        if s.buf.len() < s.cap {
            s.buf.push_back(v);
            return Ok(());
        }
        if !block {
            return Err(v);
        }
        let tag = newtag();
        let slot = Arc::new(spin::Mutex::new(Some(v)));
        s.sendq.push_back((tag, slot.clone()));
        drop(s);
        if rendezvous(tag, 0) == PASSED {
            return Ok(());
        }
        let v = slot.lock().take().expect("unsent value");
        Err(v)
    }

    fn dorecv(&self, block: bool) -> Option<T> {
        let mut s = self.s.lock();
        if let Some(v) = s.buf.pop_front() {
            // Room now: take a waiting sender's value into the buffer.
            if let Some((tag, slot)) = s.sendq.pop_front() {
                let w = slot.lock().take().expect("waiting sender has a value");
                s.buf.push_back(w);
                drop(s);
                rendezvous(tag, PASSED);
            }
            return Some(v);
        }
        if let Some((tag, slot)) = s.sendq.pop_front() {
            let v = slot.lock().take();
            drop(s);
            rendezvous(tag, PASSED);
            return v;
        }
        if s.closed || !block {
            return None;
        }
        let tag = newtag();
        let slot: Slot<T> = Arc::new(spin::Mutex::new(None));
        s.recvq.push_back((tag, slot.clone()));
        drop(s);
        if rendezvous(tag, 0) == PASSED {
            return slot.lock().take();
        }
        None
    }

    /// `send`: waits until the value is taken or buffered; `Err(v)` if the
    /// channel is closed.
    pub fn send(&self, v: T) -> Result<(), T> {
        self.dosend(v, true)
    }

    /// `recv`: waits for a value; `None` once the channel is closed and
    /// empty.
    pub fn recv(&self) -> Option<T> {
        self.dorecv(true)
    }

    /// `nbsend`: sends only if no wait is needed.
    pub fn nbsend(&self, v: T) -> Result<(), T> {
        self.dosend(v, false)
    }

    /// `nbrecv`: receives only if a value is ready.
    pub fn nbrecv(&self) -> Option<T> {
        self.dorecv(false)
    }

    /// `chanclose`: closes the channel and wakes everyone waiting on it.
    pub fn chanclose(&self) {
        let mut s = self.s.lock();
        s.closed = true;
        let r: VecDeque<_> = core::mem::take(&mut s.recvq);
        let w: VecDeque<_> = core::mem::take(&mut s.sendq);
        drop(s);
        for (tag, _) in r.into_iter().chain(w) {
            rendezvous(tag, CLOSED);
        }
    }

    /// `chanclosing`: whether the channel is closed.
    pub fn closed(&self) -> bool {
        self.s.lock().closed
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::proccreate;
    use std::vec::Vec;

    #[test]
    fn synchronous_channels_pass_hand_to_hand() {
        let c = chancreate::<u32>(0);
        // Nothing is buffered: a non-blocking send finds no receiver.
        assert_eq!(c.nbsend(1), Err(1));
        let c2 = c.clone();
        proccreate(move || {
            for i in 0..100 {
                c2.send(i).unwrap();
            }
        }, 0)
        .unwrap();
        let got: Vec<u32> = (0..100).map(|_| c.recv().unwrap()).collect();
        assert_eq!(got, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn buffered_channels_and_nonblocking_calls() {
        let c = chancreate::<&str>(2);
        assert_eq!(c.nbrecv(), None);
        c.nbsend("a").unwrap();
        c.send("b").unwrap();
        assert_eq!(c.nbsend("c"), Err("c"));
        assert_eq!(c.recv(), Some("a"));
        assert_eq!(c.nbrecv(), Some("b"));
    }

    #[test]
    fn close_wakes_waiters_and_drains() {
        let c = chancreate::<u8>(1);
        c.send(7).unwrap();
        let d = chancreate::<u8>(0);
        let d2 = d.clone();
        let done = chancreate::<bool>(1);
        let done2 = done.clone();
        proccreate(move || {
            done2.send(d2.recv().is_none()).unwrap();
        }, 0)
        .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        d.chanclose();
        assert_eq!(done.recv(), Some(true));
        c.chanclose();
        assert_eq!(c.send(1), Err(1));
        assert_eq!(c.recv(), Some(7));
        assert_eq!(c.recv(), None);
    }

    #[test]
    fn many_senders_many_receivers() {
        let c = chancreate::<u64>(3);
        let sum = chancreate::<u64>(8);
        for p in 0..4u64 {
            let c = c.clone();
            proccreate(move || {
                for i in 0..500 {
                    c.send(p * 1000 + i).unwrap();
                }
            }, 0)
            .unwrap();
        }
        for _ in 0..2 {
            let c = c.clone();
            let sum = sum.clone();
            proccreate(move || {
                let mut s = 0;
                for _ in 0..1000 {
                    s += c.recv().unwrap();
                }
                sum.send(s).unwrap();
            }, 0)
            .unwrap();
        }
        let total = sum.recv().unwrap() + sum.recv().unwrap();
        let want: u64 = (0..4u64).map(|p| (0..500).map(|i| p * 1000 + i).sum::<u64>()).sum();
        assert_eq!(total, want);
    }
}
