//! The scheduler's policy from 9front's `port/proc.c`: the process
//! states and their names (`statename`), the priority levels of
//! `portdat.h`, the run queues (`runq`, `runvec`, `queueproc`,
//! `dequeueproc` and `runproc`'s choice), and the decaying CPU average and
//! fair-share priority (`updatecpu`, `reprioritize`).
//!
//! These are pure: the kernel (`pc64/sched.rs`) owns the processes, keeps a
//! [`Runq`] of their ids under the `runq` lock, and does the context
//! switches (`sched`, `ready`, `sleep`, `wakeup`, `tsleep`, `kproc`).
//!
//! What differs from 9front: queues hold ids (`P`) in `VecDeque`s rather
//! than linking `Proc.rnext`; [`Runq::runproc`] only picks (highest
//! priority, then first queued) and takes the process off its queue, with
//! no processor affinity (`p->mp`, `p->wired`) or EDF, since planten runs
//! one processor so far; `updatecpu` and `reprioritize` take the values
//! 9front reads from `MACHP(0)` and `conf` as arguments.

use alloc::collections::VecDeque;

/// Scheduler priority levels (`Npriq`).
pub const NPRIQ: usize = 20;
/// Levels including real time (`Nrq`).
pub const NRQ: usize = NPRIQ + 2;
/// Released EDF processes.
pub const PRIRELEASE: usize = NPRIQ;
/// Active EDF processes.
pub const PRIEDF: usize = NPRIQ + 1;
/// Base priority of user processes.
pub const PRINORMAL: usize = 10;
/// EDF processes at high best-effort priority.
pub const PRIEXTRA: usize = NPRIQ - 1;
/// Base priority of kernel processes.
pub const PRIKPROC: usize = 13;
/// Base priority of root's processes.
pub const PRIROOT: usize = 13;

/// `schedgain`: seconds over which the CPU average decays.
pub const SCHEDGAIN: u32 = 30;
/// `Scaling`: half-tick resolution of `lastupdate`.
pub const SCALING: u32 = 2;

/// Process states (`enum procstate`), in 9front's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Procstate {
    Dead,
    Moribund,
    New,
    Ready,
    Scheding,
    Running,
    Queueing,
    QueueingR,
    QueueingW,
    Wakeme,
    Broken,
    Stopped,
    Rendezvous,
    Waitrelease,
}

/// `statename[]`: what ps shows for each state.
pub fn statename(s: Procstate) -> &'static str {
    match s {
        Procstate::Dead => "Dead",
        Procstate::Moribund => "Moribund",
        Procstate::New => "New",
        Procstate::Ready => "Ready",
        Procstate::Scheding => "Scheding",
        Procstate::Running => "Running",
        Procstate::Queueing => "Queueing",
        Procstate::QueueingR => "QueueingR",
        Procstate::QueueingW => "QueueingW",
        Procstate::Wakeme => "Wakeme",
        Procstate::Broken => "Broken",
        Procstate::Stopped => "Stopped",
        Procstate::Rendezvous => "Rendez",
        Procstate::Waitrelease => "Waitrelease",
    }
}

/// `queueproc`'s test: whether a process in state `s` may be queued.
/// Sleeping states may be queued only by the process itself (`p == up`,
/// as when it readies itself in `sched`); a process already ready or
/// running, or dead, never.
pub fn queueable(s: Procstate, is_up: bool) -> bool {
    use Procstate::*;
    match s {
        Scheding => true,
        New | Queueing | QueueingR | QueueingW | Wakeme | Broken | Stopped | Rendezvous => !is_up,
        Dead | Moribund | Ready | Running | Waitrelease => false,
    }
}

/// The run queues (`runq[Nrq]`, `runvec`, `nrdy`).
#[derive(Debug)]
pub struct Runq<P> {
    q: [VecDeque<P>; NRQ],
    runvec: u32,
    nrdy: usize,
}

impl<P: PartialEq> Default for Runq<P> {
    fn default() -> Self {
        Self::new()
    }
}

impl<P: PartialEq> Runq<P> {
    /// Empty queues.
    pub const fn new() -> Self {
        Runq {
            q: [const { VecDeque::new() }; NRQ],
            runvec: 0,
            nrdy: 0,
        }
    }

    /// Room for `n` processes in each queue, so that queueing from an
    /// interrupt need not allocate.
    pub fn reserve(&mut self, n: usize) {
        for q in &mut self.q {
            q.reserve(n.saturating_sub(q.len()));
        }
    }

    /// `queueproc`: put `p` at the tail of queue `pri` (clamped to the
    /// last queue).
    pub fn queueproc(&mut self, pri: usize, p: P) {
        let pri = pri.min(NRQ - 1);
        self.q[pri].push_back(p);
        self.nrdy += 1;
        self.runvec |= 1 << pri;
    }

    /// `dequeueproc`: take `p` out of queue `pri`; false if it is not
    /// there.
    pub fn dequeueproc(&mut self, pri: usize, p: &P) -> bool {
        let q = match self.q.get_mut(pri) {
            Some(q) => q,
            None => return false,
        };
        match q.iter().position(|x| x == p) {
            Some(i) => {
                q.remove(i);
                if q.is_empty() {
                    self.runvec &= !(1 << pri);
                }
                self.nrdy -= 1;
                true
            }
            None => false,
        }
    }

    /// `runproc`'s choice: the first process of the highest non-empty
    /// queue, taken off it, with its priority.
    pub fn runproc(&mut self) -> Option<(usize, P)> {
        if self.runvec == 0 {
            return None;
        }
        let pri = 31 - self.runvec.leading_zeros() as usize;
        let p = self.q[pri].pop_front()?;
        if self.q[pri].is_empty() {
            self.runvec &= !(1 << pri);
        }
        self.nrdy -= 1;
        Some((pri, p))
    }

    /// `anyready`: the bit mask of non-empty queues.
    pub fn anyready(&self) -> u32 {
        self.runvec
    }

    /// `anyhigher`: whether a process of priority above `pri` is ready.
    pub fn anyhigher(&self, pri: usize) -> bool {
        self.runvec & !((1u32 << (pri + 1)) - 1) != 0
    }

    /// `nrdy`: processes queued.
    pub fn nrdy(&self) -> usize {
        self.nrdy
    }

    /// Processes in queue `pri`.
    pub fn len(&self, pri: usize) -> usize {
        self.q.get(pri).map_or(0, |q| q.len())
    }

    /// Whether no process is queued.
    pub fn is_empty(&self) -> bool {
        self.nrdy == 0
    }
}

/// `updatecpu`: bring a process's CPU average (`cpu`, in thousandths of
/// a processor) up to `ticks` (`MACHP(0)->ticks`), given the half-tick at
/// which it was last brought up to date (`lastupdate`) and whether it has
/// been running since (`p == up`). Returns the new (`cpu`, `lastupdate`).
pub fn updatecpu(cpu: u32, lastupdate: u32, ticks: u32, hz: u32, running: bool) -> (u32, u32) {
    let t = ticks.wrapping_mul(SCALING).wrapping_add(SCALING / 2);
    let mut n = t.wrapping_sub(lastupdate);
    if n == 0 {
        return (cpu, lastupdate);
    }
    let d = SCHEDGAIN * hz * SCALING;
    if n > d {
        n = d;
    }
    let cpu = if running {
        let idle = 1000 - cpu.min(1000);
        1000 - idle * (d - n) / d
    } else {
        cpu * (d - n) / d
    };
    (cpu, t)
}

/// `reprioritize`: the priority a process with CPU average `cpu` and base
/// priority `basepri` earns, given the load average (`MACHP(0)->load`,
/// thousandths) and the number of processors: its fair share over its
/// use, capped at `basepri`.
pub fn reprioritize(cpu: u32, basepri: usize, load: u32, nmach: u32) -> usize {
    if load == 0 {
        return basepri;
    }
    let fairshare = (nmach as u64 * 1000 * 1000) / load as u64;
    let n = cpu.max(1) as u64;
    let ratio = (fairshare + n / 2) / n;
    (ratio as usize).min(basepri)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_as_portdat() {
        assert_eq!((NPRIQ, NRQ, PRIRELEASE, PRIEDF), (20, 22, 20, 21));
        assert_eq!((PRINORMAL, PRIKPROC, PRIROOT, PRIEXTRA), (10, 13, 13, 19));
        assert_eq!(statename(Procstate::Rendezvous), "Rendez");
        assert_eq!(statename(Procstate::Wakeme), "Wakeme");
    }

    #[test]
    fn highest_priority_first_fifo_within() {
        let mut rq = Runq::new();
        rq.queueproc(PRINORMAL, 1);
        rq.queueproc(PRIKPROC, 2);
        rq.queueproc(PRINORMAL, 3);
        rq.queueproc(PRIKPROC, 4);
        assert_eq!(rq.nrdy(), 4);
        assert_eq!(rq.anyready(), 1 << 10 | 1 << 13);
        assert!(rq.anyhigher(PRINORMAL));
        assert!(!rq.anyhigher(PRIKPROC));
        assert_eq!(rq.runproc(), Some((13, 2)));
        assert_eq!(rq.runproc(), Some((13, 4)));
        assert_eq!(rq.anyready(), 1 << 10, "runvec bit cleared with the queue");
        assert!(rq.dequeueproc(10, &3));
        assert!(!rq.dequeueproc(10, &3));
        assert_eq!(rq.runproc(), Some((10, 1)));
        assert_eq!(rq.runproc(), None);
        assert!(rq.is_empty());
    }

    #[test]
    fn queueable_states() {
        // queueproc refuses Ready, Running, Dead...; sleeping states only
        // for another process than up.
        assert!(queueable(Procstate::Scheding, true));
        assert!(queueable(Procstate::Wakeme, false));
        assert!(!queueable(Procstate::Wakeme, true));
        assert!(!queueable(Procstate::Ready, false));
        assert!(!queueable(Procstate::Running, false));
        assert!(!queueable(Procstate::Dead, false));
    }

    #[test]
    fn cpu_average_decays_and_grows() {
        // D = schedgain*HZ*Scaling = 6000 half-ticks at HZ=100.
        let hz = 100;
        // Idle for 3000 half-ticks halves the average.
        let (c, t) = updatecpu(800, 1, 1500, hz, false);
        assert_eq!((c, t), (400, 3001));
        // Running for as long closes half the gap to 1000.
        let (c, _) = updatecpu(800, 1, 1500, hz, true);
        assert_eq!(c, 900);
        // More than D saturates; no time passed changes nothing.
        assert_eq!(updatecpu(800, 1, 100_000, hz, false).0, 0);
        assert_eq!(updatecpu(800, 1, 100_000, hz, true).0, 1000);
        assert_eq!(updatecpu(800, 3001, 1500, hz, true), (800, 3001));
    }

    #[test]
    fn fair_share_priority() {
        // No load: base priority. A process using its fair share gets 1
        // (1000*1000/1000 over 1000); one using little is capped at basepri.
        assert_eq!(reprioritize(500, PRINORMAL, 0, 1), PRINORMAL);
        assert_eq!(reprioritize(1000, PRINORMAL, 1000, 1), 1);
        assert_eq!(reprioritize(0, PRINORMAL, 1000, 1), PRINORMAL);
        assert_eq!(reprioritize(250, PRIKPROC, 1000, 1), 4);
        assert_eq!(reprioritize(250, PRIKPROC, 500, 2), 13);
    }
}
