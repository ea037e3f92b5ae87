//! The scheduler's policy from 9front's `port/proc.c`: the process
//! states and their names (`statename`), the priority levels of
//! `portdat.h`, the run queues (`runq`, `runvec`, `queueproc`,
//! `dequeueproc` and `runproc`'s choice), and the decaying CPU average and
//! fair-share priority (`updatecpu`, `reprioritize`), and a process's
//! notes: `postnote`/`pushnote` and `popnote` over [`Notes`], with the
//! texts pc64/trap.c posts (`trapnote`, `faultnote`, ...).
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
//! 9front reads from `MACHP(0)` and `conf` as arguments. Notes are
//! owned `String`s in a queue rather than refcounted `Note`s; `popnote`
//! returns what to do (run the handler or exit, printing `suicide:` or
//! not) and the kernel does it.

use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::String;

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

    /// The first process of queue `pri` (`runq[pri].head`).
    pub fn head(&self, pri: usize) -> Option<&P> {
        self.q.get(pri)?.front()
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

/// `accounttime`'s load average on processor 0: given the decaying sum
/// `load` (the load in thousandths times 100), the processes that were
/// running at the ticks since the last call (`nrun`) and the number
/// ready (`nrdy`), the new sum; the load in thousandths
/// (`MACHP(0)->load`) is the sum over 100. Decaying by (HZ-1)/HZ a tick,
/// it follows the last second with a tail of about five.
pub fn loadavg(load: u64, nrun: u64, nrdy: u64, hz: u64) -> u64 {
    let n = (nrdy + nrun) * 1000 * 100;
    (load * (hz - 1) + n) / hz
}

/// `rebalance`'s test: a process queued at `pri` that is not at its base
/// priority moves to the one it has earned now (`npri`), if different.
pub fn rebalances(pri: usize, basepri: usize, npri: usize) -> bool {
    pri != basepri && npri != pri
}

/// `ERRMAX`: the longest error string or note, its NUL included.
pub const ERRMAX: usize = 128;
/// `NNOTE`: notes a process can have pending.
pub const NNOTE: usize = 5;

/// Where a note came from (`NUser`, `NExit`, `NDebug` of portdat.h).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteFlag {
    /// Provided by a process (a write to /proc/n/note).
    User,
    /// Delivered quietly (the kernel's kill).
    Exit,
    /// The kernel's report of a trap: printed when it kills.
    Debug,
}

/// A note (`Note`): its message, at most ERRMAX-1 bytes, and flag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub msg: String,
    pub flag: NoteFlag,
}

/// Cut `s` to at most `max` bytes on a character boundary (`kstrcpy`).
fn clip(s: &mut String, max: usize) {
    if s.len() > max {
        let mut n = max;
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        s.truncate(n);
    }
}

/// What happens to a note that `popnote` takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// To the process's handler (`up->notify`), with this message.
    Handler(String),
    /// No handler (or one already running): the process exits with
    /// this status; `suicide` says whether to print `suicide: msg` first
    /// (NDebug notes).
    Exit { msg: String, suicide: bool },
}

/// A process's pending notes (`p->note`, `p->nnote`), whether it
/// has a handler (`p->notify != nil`) or is in one (`p->notified`),
/// and the note last taken (`p->lastnote`, which `noted(NDFLT)` exits
/// with).
#[derive(Debug, Default)]
pub struct Notes {
    q: VecDeque<Note>,
    pub handler: bool,
    pub notified: bool,
    pub lastnote: Option<Note>,
}

impl Notes {
    /// No notes, no handler.
    pub const fn new() -> Self {
        Notes {
            q: VecDeque::new(),
            handler: false,
            notified: false,
            lastnote: None,
        }
    }

    /// `freenotes`: drop every pending note.
    pub fn freenotes(&mut self) {
        self.q.clear();
    }

    /// Notes pending (`p->nnote`).
    pub fn len(&self) -> usize {
        self.q.len()
    }

    /// Whether none are pending.
    pub fn is_empty(&self) -> bool {
        self.q.is_empty()
    }

    /// `postnote`/`pushnote`: queue `msg`, clipped to ERRMAX-1 bytes. A
    /// kernel note to a process that cannot handle one first clears the
    /// others (it will kill the process); beyond NNOTE the note is
    /// dropped. Whether it was queued.
    pub fn postnote(&mut self, msg: &str, flag: NoteFlag) -> bool {
        let mut m = String::from(msg);
        clip(&mut m, ERRMAX - 1);
        if flag != NoteFlag::User && (!self.handler || self.notified) {
            self.q.clear();
        }
        if self.q.len() < NNOTE {
            self.q.push_back(Note { msg: m, flag });
            return true;
        }
        false
    }

    /// `popnote`: take the first note for delivery at user pc `pc` (a
    /// trap from user mode). A `sys:` note gets ` pc=0x...` appended,
    /// within ERRMAX-1 bytes. A user note waits while a handler runs.
    pub fn popnote(&mut self, pc: Option<u64>) -> Option<Delivery> {
        if self.notified && self.q.front()?.flag == NoteFlag::User {
            return None;
        }
        let mut n = self.q.pop_front()?;
        if let Some(pc) = pc {
            if n.msg.starts_with("sys:") {
                n.msg.push_str(&format!(" pc={:#x}", pc));
                clip(&mut n.msg, ERRMAX - 1);
            }
        }
        self.lastnote = Some(n.clone());
        if !self.handler || self.notified {
            return Some(Delivery::Exit {
                suicide: n.flag == NoteFlag::Debug,
                msg: n.msg,
            });
        }
        self.notified = true;
        Some(Delivery::Handler(n.msg))
    }
}

/// The note pc64/trap.c's `usertrap` posts for exception `excname`.
pub fn trapnote(excname: &str) -> String {
    format!("sys: trap: {}", excname)
}

/// The note trap.c's `faultnote` posts for a user fault at `addr`.
pub fn faultnote(read: bool, addr: u64) -> String {
    format!(
        "sys: trap: fault {} addr={:#x}",
        if read { "read" } else { "write" },
        addr
    )
}

/// The note `debugbpt` posts for a user breakpoint.
pub const BPTNOTE: &str = "sys: breakpoint";
/// The note `syscall` posts for a system call number out of range.
pub const BADSYSCALLNOTE: &str = "sys: bad sys call";
/// The note `validaddr` (port/fault.c) posts for a bad address.
pub const BADADDRNOTE: &str = "sys: bad address in syscall";

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

    #[test]
    fn load_average_decays_over_a_second() {
        // accounttime: one process always runnable on processor 0 brings
        // the load to 1000 (thousandths); from 1000 with nothing to run,
        // HZ ticks leave about 1000/e (0.36 of it), and five seconds
        // nearly nothing.
        let hz = 100;
        let mut l = 0;
        for _ in 0..5 * hz {
            l = loadavg(l, 1, 0, hz);
        }
        assert!((990..=1000).contains(&(l / 100)), "{}", l / 100);
        let mut l = 1000 * 100;
        for _ in 0..hz {
            l = loadavg(l, 0, 0, hz);
        }
        assert!((360..=370).contains(&(l / 100)), "{}", l / 100);
        for _ in 0..4 * hz {
            l = loadavg(l, 0, 0, hz);
        }
        assert!(l / 100 < 10, "{}", l / 100);
        // Ready processes count as load too: two ready and one running
        // is a load of three.
        let mut l = 0;
        for _ in 0..20 * hz {
            l = loadavg(l, 1, 2, hz);
        }
        assert!((2990..=3000).contains(&(l / 100)), "{}", l / 100);
    }

    #[test]
    fn rebalance_moves_only_those_off_their_base() {
        assert!(!rebalances(PRINORMAL, PRINORMAL, 3), "at base: left alone");
        assert!(rebalances(3, PRINORMAL, 7), "earned more");
        assert!(!rebalances(3, PRINORMAL, 3), "no change");
    }

    #[test]
    fn trap_notes_as_trap_c() {
        // pc64/trap.c: usertrap's "sys: trap: %s" with excname, and
        // faultnote's "sys: trap: fault %s addr=%#p".
        assert_eq!(trapnote("divide error"), "sys: trap: divide error");
        assert_eq!(faultnote(true, 0), "sys: trap: fault read addr=0x0");
        assert_eq!(
            faultnote(false, 0x7fff_ffff_f000),
            "sys: trap: fault write addr=0x7ffffffff000"
        );
    }

    #[test]
    fn popnote_appends_pc_and_kills_without_handler() {
        // proc.c's popnote: a sys: note gets " pc=%#p"; with no handler
        // the process exits with it, printing "suicide:" for NDebug.
        let mut n = Notes::new();
        assert!(n.postnote(&trapnote("divide error"), NoteFlag::Debug));
        assert_eq!(
            n.popnote(Some(0x200002)),
            Some(Delivery::Exit {
                msg: "sys: trap: divide error pc=0x200002".into(),
                suicide: true
            })
        );
        assert_eq!(n.popnote(Some(0)), None);
        // A user note is not a sys: note: no pc; NUser exits quietly.
        n.postnote("interrupt", NoteFlag::User);
        assert_eq!(
            n.popnote(Some(0x1234)),
            Some(Delivery::Exit {
                msg: "interrupt".into(),
                suicide: false
            })
        );
    }

    #[test]
    fn notes_queue_to_nnote_and_clip_to_errmax() {
        // pushnote: at most NNOTE; a kernel note to a process without a
        // handler replaces the others; mknote's kstrcpy clips to ERRMAX.
        let mut n = Notes::new();
        n.handler = true;
        for i in 0..NNOTE + 2 {
            let queued = n.postnote(&format!("n{i}"), NoteFlag::User);
            assert_eq!(queued, i < NNOTE);
        }
        assert_eq!(n.len(), NNOTE);
        assert_eq!(n.popnote(None), Some(Delivery::Handler("n0".into())));
        // In the handler: user notes wait, a kernel note clears them.
        assert_eq!(n.popnote(None), None);
        n.postnote(BPTNOTE, NoteFlag::Debug);
        assert_eq!(n.len(), 1);
        let long = "sys: ".to_string() + &"x".repeat(200);
        let mut m = Notes::new();
        m.postnote(&long, NoteFlag::Debug);
        match m.popnote(Some(0xffff_ffff)) {
            Some(Delivery::Exit { msg, .. }) => {
                assert_eq!(msg.len(), ERRMAX - 1);
                assert!(msg.starts_with("sys: xxx"));
            }
            d => panic!("{d:?}"),
        }
    }
}
