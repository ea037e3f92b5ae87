//! User processes: the machine half of 9front's process system calls.
//!
//! No 9front file of its own: this is what 9front's `port/sysproc.c`
//! (`sysrfork`, `sysexec`, `sysexits`, `sysawait`, `syserrstr`), the user
//! side of `port/proc.c` (`pexit`'s Waitmsg to the parent, `postnote` to
//! another process) and `pc64/main.c`'s `userinit` do with a process's
//! address space, kernel stack and registers, over the portable logic of
//! the port crate (name space in chan.rs/pgrp.rs/sysfile.rs, segments in
//! segment.rs, notes in proc.rs).
//!
//! What differs from 9front:
//!
//! - A user process is a [`Proc`] with a [`User`] half: its name space
//!   (`port::portdat::Up`), error string, arguments, children's wait
//!   messages, note handler. The pc64 `Proc` stays the scheduler's.
//! - exec takes static ELF64 executables (planten's documented
//!   deviation from a.out; see `port-status.toml`): port::sysproc's
//!   `execresolve` decides what the file is (ELF, `#!` script, or
//!   "exec header invalid") and `execstack` builds the new stack; this
//!   file builds the segments and copies the text and data into fresh
//!   pages at exec (no image cache, no demand paging of text).
//! - A forked child starts with `fpinit`'s FPU state rather than a copy
//!   of the parent's user state.
//! - Wait messages carry zero times (no per-process time accounting yet).

use alloc::boxed::Box;
use alloc::collections::{BTreeSet, VecDeque};
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use port::chan::{namec, Chan};
use port::portdat::rfork::{RFMEM, RFNOTEG, RFNOWAIT, RFPROC};
use port::portdat::{Amode, Up};
use port::segment::{SegType, Segtab, BSEG, DSEG, NSEG, SG_RONLY, SSEG, TSEG};
use port::{Error, Result};

use crate::l;
use crate::mem::{BY2PG, UDSEL, UESEL, USTKSIZE, USTKTOP};
use crate::mmu::{palloc, Pmap, KMem, SEGS};
use crate::sched::{self, Kernel, Proc, Rendez};
use crate::taslock::ILock;
use crate::trap::Ureg;

/// The host owner (`eve`): the first process's user.
pub const EVE: &str = "glenda";

/// `ERRMAX`.
pub const ERRMAX: usize = port::proc::ERRMAX;

/// The user half of a process.
pub struct User {
    /// Name space, files, groups, user, pid.
    pub up: Up<Kernel>,
    /// `up->errstr`: the last system call's error.
    pub errstr: String,
    /// `up->args`: the arguments, each NUL-terminated.
    pub args: Vec<u8>,
    /// Wait messages of children that exited, and live children.
    pub waitq: ILock<Waitq>,
    /// Where `await` sleeps (`up->waitr`).
    pub waitr: Rendez,
    /// The note handler (`up->notify`), 0 if none.
    pub notify: u64,
    /// Whether the parent waits for this one (not RFNOWAIT).
    pub waited: bool,
    /// `up->ureg` while a note handler runs: the user address of the
    /// saved Ureg.
    pub nureg: u64,
    /// `up->lastnote`: the note being handled.
    pub lastnote: Option<port::proc::Note>,
}

/// A process's children (`up->waitq`, `up->nchild`, `up->nwait`).
#[derive(Default)]
pub struct Waitq {
    pub msgs: VecDeque<port::sysproc::Waitmsg>,
    pub nchild: u32,
}

impl User {
    /// A user half for `up`.
    pub fn new(up: Up<Kernel>) -> User {
        User {
            up,
            errstr: String::new(),
            args: Vec::new(),
            waitq: ILock::new_const(Waitq {
                msgs: VecDeque::new(),
                nchild: 0,
            }),
            waitr: Rendez::default(),
            notify: 0,
            waited: true,
            nureg: 0,
            lastnote: None,
        }
    }
}

/// The running process.
pub fn me() -> &'static mut Proc {
    let p = sched::up();
    assert!(!p.is_null(), "no process");
    // SAFETY: up is alive while it runs, and these fields are its own.
    unsafe { &mut *p }
}

/// The running process's user half.
pub fn user() -> &'static mut User {
    me().user.as_deref_mut().expect("a kernel process made a system call")
}

/// Program names, kept for the life of the kernel (a `Proc`'s text is a
/// `&'static str`): each distinct name is stored once.
static NAMES: ILock<BTreeSet<&'static str>> = ILock::new_const(BTreeSet::new());

fn intern(s: &str) -> &'static str {
    let mut g = NAMES.ilock();
    if let Some(n) = g.get(s) {
        return n;
    }
    let n: &'static str = Box::leak(String::from(s).into_boxed_str());
    g.insert(n);
    n
}

/// Give back the running process's segments and address space.
fn freesegs(p: &mut Proc) {
    let tab = p.segtab.take();
    if let Some(pm) = p.pmap.as_mut() {
        pm.flush();
    }
    if let Some(t) = tab {
        let mut segs = SEGS.ilock();
        palloc().with(|pa| {
            for id in t.iter().flatten() {
                segs.putseg(pa, *id);
            }
        });
        drop(segs);
        palloc().kick();
    }
}

/// `pexit` of a user process: close its files and name space, leave a
/// wait message for its parent, give back its memory and exit.
pub fn pexit(exitstr: &str) -> ! {
    let p = me();
    let pid = p.pid;
    let u = p.user.take();
    let mut waited = false;
    let mut parentpid = 0;
    if let Some(u) = u {
        waited = u.waited;
        parentpid = u.up.parentpid;
        // Dropping the name space and file groups closes their channels.
        drop(u);
    }
    if waited && parentpid != 0 {
        let msg = port::sysproc::Waitmsg::new(pid, p.text, [0; 3], Some(exitstr));
        let procs = sched::PROCS.ilock();
        if let Some(&pp) = procs.get(&parentpid) {
            // SAFETY: a process in PROCS is alive while the table's lock
            // is held (it leaves the table before it is freed); its wait
            // queue has a lock of its own.
            let parent = unsafe { &*(pp as *const Proc) };
            if let Some(pu) = parent.user.as_deref() {
                let mut w = pu.waitq.ilock();
                w.msgs.push_back(msg);
                w.nchild = w.nchild.saturating_sub(1);
                drop(w);
                sched::wakeup(&pu.waitr);
            }
        }
        drop(procs);
    }
    ALARMS.ilock().remove(&pid);
    freesegs(p);
    if pid == INITPID.load(core::sync::atomic::Ordering::Relaxed) {
        // 9front panics when init exits; planten powers off, with
        // status 0 for an empty exit string (`cargo boot -c` returns
        // rc's status this way).
        print!("init: exits '{}'\n", exitstr);
        crate::exit(if exitstr.is_empty() { 0 } else { 1 });
    }
    sched::pexitmsg(exitstr)
}

/// The pid of the first user process.
static INITPID: core::sync::atomic::AtomicU32 = core::sync::atomic::AtomicU32::new(0);

/// The pid of the first user process, 0 before there is one.
pub fn initpid() -> u32 {
    INITPID.load(core::sync::atomic::Ordering::Relaxed)
}

/// `kexit`'s bookkeeping on the way back to user mode: the process's pid
/// in its Tos (9front updates the Tos's clocks and pid here).
pub fn kexit() {
    let p = me();
    if p.user.is_none() || p.segtab.is_none_or(|t| t[SSEG].is_none()) {
        return;
    }
    // SAFETY: the Tos lies at the top of the process's stack segment
    // (USTKTOP-TOSSIZE), which every user process has; a page not yet
    // there faults in as demand-zero.
    unsafe { ((USTKTOP - TOSSIZE + 64) as *mut u32).write_volatile(p.pid) };
}

/// `notify`'s delivery to a handler: save `ureg` on the user stack
/// (with the previous saved Ureg's address under it), copy the note's
/// text below, and start the handler with SP at a zero return pc, then
/// the Ureg's address (also in RARG), then the text's. A bad stack or
/// handler kills the process, as 9front's "suicide: bad address in
/// notify".
pub fn notifyuser(ureg: &mut Ureg, msg: &str) {
    let u = user();
    if crate::trap::SYSTRACE.load(core::sync::atomic::Ordering::Relaxed) {
        print!("{} {}: note '{}' pc {:#x} sp {:#x}\n", me().text, me().pid, msg, ureg.pc, ureg.sp);
    }
    const UREGSZ: u64 = core::mem::size_of::<Ureg>() as u64;
    let usp = ureg.sp;
    let sp = usp.wrapping_sub(256).wrapping_sub(UREGSZ);
    let low = sp.wrapping_sub(8 + ERRMAX as u64 + 3 * 8);
    let ok = u.notify != 0
        && crate::trap::okaddr(u.notify, 1, false)
        && usp > low
        && crate::trap::okaddr(low, sp + UREGSZ - low, true);
    if !ok {
        pprint(format_args!("suicide: bad address in notify\n"));
        pexit("Suicide");
    }
    // SAFETY: okaddr checked [low, sp+sizeof(Ureg)) lies in writable
    // segments of the running process.
    unsafe {
        (sp as *mut Ureg).write_unaligned(*ureg);
        ((sp - 8) as *mut u64).write_unaligned(u.nureg);
        let text = sp - 8 - ERRMAX as u64;
        let t = text as *mut u8;
        core::ptr::write_bytes(t, 0, ERRMAX);
        let n = msg.len().min(ERRMAX - 1);
        core::ptr::copy_nonoverlapping(msg.as_ptr(), t, n);
        let a = text - 3 * 8;
        (a as *mut u64).write_unaligned(0);
        ((a + 8) as *mut u64).write_unaligned(sp);
        ((a + 16) as *mut u64).write_unaligned(text);
        u.nureg = sp;
        ureg.sp = a;
    }
    ureg.pc = u.notify;
    ureg.bp = sp;
    ureg.cs = UESEL as u64;
    ureg.ss = UDSEL as u64;
}

/// The flags bits a note handler may change (`setregisters`).
const FLAGSUSER: u64 = 0xcd5;

/// `sysnoted`: return from a note handler. NCONT (0) continues with the
/// saved Ureg (as the handler may have changed it); NDFLT (1) and
/// anything else exit with the note, as 9front.
pub fn noted(ureg: &mut Ureg, arg: i32) -> Result<i64> {
    let p = me();
    let u = user();
    const UREGSZ: u64 = core::mem::size_of::<Ureg>() as u64;
    let nureg = u.nureg;
    if nureg == 0 || !crate::trap::okaddr(nureg - 8, 8 + UREGSZ, false) {
        pprint(format_args!("bad ureg in noted or call to noted when not notified\n"));
        pexit("Suicide");
    }
    // SAFETY: okaddr checked the saved Ureg and the word under it.
    let (n, prev) = unsafe {
        (
            (nureg as *const Ureg).read_unaligned(),
            ((nureg - 8) as *const u64).read_unaligned(),
        )
    };
    let last = u.lastnote.take();
    match arg {
        0 | 2 => {
            // NCONT, NRSTR
            if !crate::trap::okaddr(n.pc, 8, false) || !crate::trap::okaddr(n.sp, 8, false) {
                pprint(format_args!("suicide: trap in noted\n"));
                pexit("Suicide");
            }
            let flags = (n.flags & FLAGSUSER) | (ureg.flags & !FLAGSUSER);
            *ureg = Ureg {
                cs: UESEL as u64,
                ss: UDSEL as u64,
                flags,
                typ: ureg.typ,
                error: ureg.error,
                ..n
            };
            u.nureg = prev;
            p.notes.ilock().notified = false;
            Ok(ureg.ax as i64)
        }
        _ => {
            let (msg, debug) = match last {
                Some(n) => (n.msg, arg != 1 || n.flag == port::proc::NoteFlag::Debug),
                None => (String::from("noted"), true),
            };
            if debug {
                pprint(format_args!("suicide: {}\n", msg));
            }
            pexit(&msg)
        }
    }
}

/// `postnote` to process `pid` (or, with `pg`, to every process of its
/// note group): "process exited" if there is no such process.
pub fn postnotepid(pid: u32, msg: &str, flag: port::proc::NoteFlag, pg: bool) -> Result<()> {
    let procs = sched::PROCS.ilock();
    let mut any = false;
    let targets: Vec<usize> = if pg {
        procs
            .values()
            .copied()
            .filter(|&pp| {
                // SAFETY: in PROCS under its lock: alive.
                let q = unsafe { &*(pp as *const Proc) };
                q.user.as_deref().is_some_and(|u| u.up.noteid == pid)
            })
            .collect()
    } else {
        procs.get(&pid).copied().into_iter().collect()
    };
    for pp in targets {
        // SAFETY: as above; the table's lock is held throughout.
        unsafe { sched::postnote(pp as *mut Proc, msg, flag) };
        any = true;
    }
    drop(procs);
    if any {
        Ok(())
    } else {
        Err(Error::Eprocdied)
    }
}

/// `pprint`: "text pid: " and the message on the running process's
/// standard error (fd 2), if it is open for writing and not a mount's
/// channel; a kernel process in ring 3 (ktest.rs) has the console.
pub fn pprint(args: core::fmt::Arguments<'_>) {
    let p = me();
    let Some(u) = p.user.as_deref() else {
        print!("{} {}: {}", p.text, p.pid, args);
        return;
    };
    let Ok(c) = u.up.fgrp.fdtochan(2, None, false) else { return };
    let m = c.mode & 3;
    if c.flag() & port::portdat::CMSG != 0 || (m != plibc::fcall::OWRITE && m != plibc::fcall::ORDWR) {
        return;
    }
    let msg = alloc::format!("{} {}: {}", p.text, p.pid, args);
    let off = c.io().offset;
    if let Ok(d) = c.devp() {
        if let Ok(n) = d.write(&u.up, &c, msg.as_bytes(), off) {
            c.io().offset += n as i64;
        }
    }
}

/// Exit the running process with `msg`: [`pexit`] for a user process,
/// the kernel's `pexitmsg` for a kernel process in ring 3 (ktest.rs).
pub fn exitproc(msg: &str) -> ! {
    if me().user.is_some() {
        pexit(msg)
    }
    sched::pexitmsg(msg)
}

/// `sysawait`: the next wait message of an exited child, waiting for
/// one; "no living children" if there are none.
pub fn await_() -> Result<port::sysproc::Waitmsg> {
    let u = user();
    loop {
        {
            let mut w = u.waitq.ilock();
            if let Some(m) = w.msgs.pop_front() {
                return Ok(m);
            }
            if w.nchild == 0 {
                return Err(Error::Enochild);
            }
        }
        let wq = &u.waitq;
        sched::sleep(&u.waitr, &mut || {
            let w = wq.ilock();
            !w.msgs.is_empty() || w.nchild == 0
        })?;
    }
}

/// `sysrfork`.
pub fn rfork(ureg: &Ureg, flag: u32) -> Result<i64> {
    let p = me();
    let u = user();
    if flag & RFPROC == 0 {
        // Change the groups of this process.
        let n = port::pgrp::rforkgrp(&u.up, flag)?;
        let noteid = if flag & RFNOTEG != 0 { p.pid } else { u.up.noteid };
        let (pid, parentpid) = (u.up.pid, u.up.parentpid);
        u.up = n;
        u.up.pid = pid;
        u.up.parentpid = parentpid;
        u.up.noteid = noteid;
        return Ok(0);
    }
    let mut nup = port::pgrp::rforkgrp(&u.up, flag)?;
    if flag & RFNOTEG != 0 {
        nup.noteid = 0; // newproc makes it the child's pid
    }
    // Duplicate the segments: text shared, data and bss copied on write
    // (shared with RFMEM), the stack copied on write.
    let tab = p.segtab.ok_or(Error::Egreg)?;
    let mut ntab: Segtab = [None; NSEG];
    {
        let mut segs = SEGS.ilock();
        let r = palloc().with(|pa| -> Result<()> {
            for (i, id) in tab.iter().enumerate() {
                if let Some(id) = id {
                    ntab[i] = Some(segs.dupseg(pa, *id, i, flag & RFMEM != 0)?);
                }
            }
            Ok(())
        });
        if let Err(e) = r {
            palloc().with(|pa| {
                for id in ntab.iter().flatten() {
                    segs.putseg(pa, *id);
                }
            });
            return Err(e);
        }
    }
    // Our pages are shared now: fault them in again to copy on write.
    let s = l::splhi();
    if let Some(pm) = p.pmap.as_mut() {
        pm.flush();
    }
    l::splx(s);
    let mut cu = User::new(nup);
    cu.args = u.args.clone();
    cu.notify = u.notify;
    cu.waited = flag & RFNOWAIT == 0;
    cu.up.parentpid = u.up.pid;
    if cu.waited {
        u.waitq.ilock().nchild += 1;
    }
    let mut cureg = *ureg;
    cureg.ax = 0;
    let pid = sched::newproc(
        p.text,
        port::proc::PRINORMAL,
        Some(Box::new(cu)),
        None,
        move || {
            let c = me();
            let s = l::splhi();
            c.pmap = Some(Box::new(Pmap::new().expect("pmap")));
            c.segtab = Some(ntab);
            crate::mmu::mmuswitch(c);
            l::splx(s);
            touser(cureg)
        },
    );
    Ok(pid as i64)
}

/// Enter ring 3 with `ureg`, for good.
fn touser(ureg: Ureg) -> ! {
    l::splhi();
    // SAFETY: ureg is on this process's kernel stack, which this
    // processor's TSS and m->kstack name (schedinit set them when it
    // switched here); the address space is the process's own.
    unsafe { l::touser(&ureg) }
}

/// `sizeof(Tos)` on amd64 (sys/include/tos.h): the Tos lies at
/// USTKTOP-TOSSIZE, where [`kexit`] keeps its pid.
const TOSSIZE: u64 = port::sysproc::TOSSIZE;

/// Read `buf.len()` bytes of `c` at `off`, in as many reads as it takes
/// (a mount's reads may be short); fewer only at the end of the file.
fn readat(up: &Up<Kernel>, c: &Chan<Kernel>, buf: &mut [u8], off: u64) -> Result<usize> {
    let d = c.devp()?;
    let mut n = 0;
    while n < buf.len() {
        let o = i64::try_from(off + n as u64).map_err(|_| Error::Ebadexec)?;
        let k = d.read(up, c, &mut buf[n..], o)?;
        if k == 0 {
            break;
        }
        n += k;
    }
    Ok(n)
}

/// The length of the file open on `c`: the `length` field of its stat
/// (stat(5): size[2] type[2] dev[4] qid[13] mode[4] atime[4] mtime[4]
/// length[8], so bytes 33 to 41).
fn chanlength(up: &Up<Kernel>, c: &Chan<Kernel>) -> Result<u64> {
    let d = c.devp()?;
    let mut db = alloc::vec![0u8; 1024];
    let n = match d.stat(up, c, &mut db) {
        Ok(n) if n >= 41 => n,
        _ => {
            db = alloc::vec![0u8; 65535];
            d.stat(up, c, &mut db)?
        }
    };
    let l = db.get(33..41).filter(|_| n >= 41).ok_or(Error::Eshortstat)?;
    Ok(u64::from_le_bytes(l.try_into().map_err(|_| Error::Eshortstat)?))
}

/// exec's opener for [`port::sysproc::execresolve`]: `namec(name,
/// Aopen, OEXEC)`, the file's first EXECHDR bytes and its length.
fn execopen(up: &Up<Kernel>, name: &str) -> Result<port::sysproc::Opened<Arc<Chan<Kernel>>>> {
    let c = namec(up, name, Amode::Aopen, plibc::fcall::OEXEC as u32, 0)?;
    let mut hdr = alloc::vec![0u8; port::sysproc::EXECHDR];
    let n = readat(up, &c, &mut hdr, 0)?;
    hdr.truncate(n);
    let flen = chanlength(up, &c)?;
    Ok((c, hdr, flen))
}

/// Fill the pages of `[es.base, es.top)` of segment `id` from `c`: the
/// first `es.flen` bytes from the file at `es.fstart`, zeros after
/// (planten reads the image at exec rather than paging it in).
fn loadseg(
    up: &Up<Kernel>,
    c: &Chan<Kernel>,
    id: port::segment::SegId,
    es: &port::sysproc::ExecSeg,
) -> Result<()> {
    let mut a = es.base;
    while a < es.top {
        let mut page = [0u8; BY2PG as usize];
        let o = a - es.base;
        if o < es.flen {
            let k = (es.flen - o).min(BY2PG) as usize;
            if readat(up, c, &mut page[..k], es.fstart + o)? != k {
                // The file is shorter than its stat said.
                return Err(Error::Ebadexec);
            }
        }
        fillpage(id, a, &page);
        a += BY2PG;
    }
    Ok(())
}

/// Copy `data` into a fresh page and make it the page at `va` of
/// segment `id`.
fn fillpage(id: port::segment::SegId, va: u64, data: &[u8]) {
    // newpage may wait for memory: no lock is held here.
    let pg = palloc().newpage(&mut KMem, true, va, false);
    let pa = palloc().with(|pa| pa.page(pg).pa);
    let kva = crate::mmu::kaddr(pa).expect("pool page in the KZERO map");
    // SAFETY: a fresh pool page in the KZERO map, ours alone; data is
    // at most a page.
    unsafe { core::ptr::copy_nonoverlapping(data.as_ptr(), kva as *mut u8, data.len().min(BY2PG as usize)) };
    segpage(id, va, pg);
}

/// `segpage`: make `pg` the page at `va` of segment `id`, giving back
/// the one it replaces.
fn segpage(id: port::segment::SegId, va: u64, pg: port::page::PageId) {
    let mut segs = SEGS.ilock();
    let s = segs.get_mut(id);
    let idx = (va - s.base) / BY2PG;
    if let Some(old) = s.map.insert(idx, pg) {
        palloc().with(|pa| pa.putpage(old));
    }
}

/// Stack bytes below the top mapped at exec, zeroed, before the program
/// runs.
const PREFAULT: u64 = 64 * 1024;


/// Give the new stack zeroed pages for its top [`PREFAULT`] bytes below
/// those `exec` filled (from `sp` up), so that a program's first frames
/// take no page faults. 9front faults them in on demand; this works
/// around QEMU 7.2's TCG, which can push stale flags when a store that
/// faults follows an instruction whose flags are still lazily computed
/// (seen as a `neg`/`setno`/`jo` sequence in rc taking the wrong branch
/// after its first touch of a stack page). Memory short: stop early.
/// Returns the stack's pages (user address, physical address), those
/// exec filled included, for the caller to map once the new address
/// space is in place: it is the page-table entry that spares the fault.
fn prefaultstack(sid: port::segment::SegId, sp: u64) -> Vec<(u64, u64)> {
    let mut a = (sp & !(BY2PG - 1)).saturating_sub(BY2PG);
    let low = USTKTOP - PREFAULT;
    while a >= low {
        if palloc().freecount() < 64 {
            break;
        }
        let pg = palloc().newpage(&mut KMem, true, a, false);
        segpage(sid, a, pg);
        a -= BY2PG;
    }
    let segs = SEGS.ilock();
    let s = segs.get(sid);
    let base = s.base;
    palloc().with(|pa| {
        s.map
            .iter()
            .map(|(&idx, &pg)| (base + idx * BY2PG, pa.page(pg).pa))
            .collect()
    })
}

/// Put the segments of `tab` (a new image that failed to load).
fn putsegs(tab: &Segtab) {
    let mut segs = SEGS.ilock();
    palloc().with(|pa| {
        for id in tab.iter().flatten() {
            segs.putseg(pa, *id);
        }
    });
}

/// `sysexec`: replace the running program with the one in file `name`,
/// with arguments `argv`. port::sysproc decides what the file is and
/// what its image and stack are (`execresolve`: ELF or `#!`, with
/// 9front's checks and errors; `execstack`: the Tos, the strings and
/// argv as `_main` reads them); this does what the kernel must: build
/// the text, data, bss and stack segments and fill their pages, then,
/// past the point of no return, drop the old image (keeping attached
/// segments without SG_CEXEC, as 9front), close the close-on-exec
/// files, reset the notes and set the new program's registers. The
/// result is what AX holds at `_main`: the Tos's address.
pub fn exec(ureg: &mut Ureg, name: &str, argv: Vec<Vec<u8>>) -> Result<i64> {
    let p = me();
    let u = user();
    let up = &u.up;
    let r = port::sysproc::execresolve(name, argv, &mut |n: &str| execopen(up, n))?;
    let e = r.exec;
    let stack = port::sysproc::execstack(&r.argv, USTKTOP, 0, p.pid)?;
    // The new segments, filled before anything of the old image goes.
    let mut ntab: Segtab = [None; NSEG];
    let built = (|| -> Result<()> {
        {
            let mut segs = SEGS.ilock();
            let mk = |segs: &mut port::segment::Segs, attr: u32, s: &port::sysproc::ExecSeg| {
                segs.newseg(attr, s.base, (s.top - s.base) / BY2PG)
            };
            ntab[TSEG] = Some(mk(&mut segs, SegType::Text as u32 | SG_RONLY, &e.text)?);
            ntab[DSEG] = Some(mk(&mut segs, SegType::Data as u32, &e.data)?);
            ntab[BSEG] = Some(mk(&mut segs, SegType::Bss as u32, &e.bss)?);
            ntab[SSEG] = Some(segs.newseg(SegType::Stack as u32, USTKTOP - USTKSIZE, USTKSIZE / BY2PG)?);
        }
        loadseg(up, &r.chan, ntab[TSEG].unwrap(), &e.text)?;
        loadseg(up, &r.chan, ntab[DSEG].unwrap(), &e.data)?;
        // The stack's pages from the new stack pointer up.
        let sid = ntab[SSEG].unwrap();
        let mut a = stack.sp & !(BY2PG - 1);
        while a < USTKTOP {
            let mut page = [0u8; BY2PG as usize];
            let lo = a.max(stack.sp);
            let src = &stack.image[(lo - stack.sp) as usize..(a + BY2PG - stack.sp) as usize];
            page[(lo - a) as usize..].copy_from_slice(src);
            fillpage(sid, a, &page);
            a += BY2PG;
        }
        Ok(())
    })();
    if let Err(err) = built {
        putsegs(&ntab);
        return Err(err);
    }
    let stackpages = prefaultstack(ntab[SSEG].unwrap(), stack.sp);
    drop(r.chan);
    // Committed: the old text, data, bss and stack go, and attached
    // segments marked SG_CEXEC; the others stay (9front's sysexec).
    let old = p.segtab.take().unwrap_or([None; NSEG]);
    let mut gone: Segtab = [None; NSEG];
    {
        let segs = SEGS.ilock();
        for (i, id) in old.iter().enumerate() {
            let Some(id) = *id else { continue };
            if i <= BSEG || segs.get(id).attr & port::segment::SG_CEXEC != 0 {
                gone[i] = Some(id);
            } else {
                ntab[i] = Some(id);
            }
        }
    }
    let s = l::splhi();
    if let Some(pm) = p.pmap.as_mut() {
        pm.flush();
    }
    if p.pmap.is_none() {
        match Pmap::new() {
            Some(pm) => p.pmap = Some(Box::new(pm)),
            None => {
                l::splx(s);
                putsegs(&gone);
                putsegs(&ntab);
                // 9front's "disaster after commit".
                pexit(Error::Enomem.as_str());
            }
        }
    }
    p.segtab = Some(ntab);
    crate::mmu::mmuswitch(p);
    if let Some(pm) = p.pmap.as_mut() {
        for &(va, pa) in &stackpages {
            pm.putmmu(va, pa, crate::mem::PTEWRITE);
        }
    }
    l::splx(s);
    putsegs(&gone);
    palloc().kick();

    u.args = port::sysproc::procargs(&r.argv);
    u.notify = 0;
    u.nureg = 0;
    u.lastnote = None;
    u.errstr.clear();
    u.up.fgrp.closeexec();
    p.text = intern(&String::from_utf8_lossy(&r.text));
    port::sysproc::execnotes(&mut p.notes.ilock());
    *ureg = Ureg {
        pc: e.entry,
        sp: stack.sp,
        ax: stack.tos,
        cs: UESEL as u64,
        ss: UDSEL as u64,
        flags: 0x200,
        ..Default::default()
    };
    Ok(stack.tos as i64)
}

/// `userinit`: the first user process, running `/bin/init`... as the
/// boot program with its name space rooted at `#/`.
pub fn userinit(dt: Arc<port::dev::Devtab<Kernel>>, prog: &'static str, argv: Vec<Vec<u8>>) -> u32 {
    let mut up = Up::new(dt, EVE);
    if let Err(e) = port::chan::setroot(&mut up, "#/") {
        panic!("userinit: #/: {}", e.as_str());
    }
    crate::pc64::confenv(&up, crate::cmdline());
    let (nb, no) = port::initcode::startboot(&up);
    if no != 3 {
        print!("userinit: {} binds, {} of 3 opens of /dev/cons\n", nb, no);
    }
    let u = User::new(up);
    let pid = sched::newproc("*init*", port::proc::PRINORMAL, Some(Box::new(u)), None, move || {
        let mut ureg = Ureg::default();
        match exec(&mut ureg, prog, argv) {
            Ok(tos) => {
                ureg.ax = tos as u64;
                touser(ureg)
            }
            Err(e) => {
                print!("init: exec {}: {}\n", prog, e.as_str());
                pexit("exec failed")
            }
        }
    });
    INITPID.store(pid, core::sync::atomic::Ordering::Relaxed);
    pid
}

/// Pending alarms: pid → the tick it is due (9front's `alarms` list).
static ALARMS: ILock<alloc::collections::BTreeMap<u32, u64>> =
    ILock::new_const(alloc::collections::BTreeMap::new());
/// Where the alarm process sleeps (`alarmr`).
static ALARMR: Rendez = Rendez::new_const();

fn alarmdue() -> bool {
    let now = crate::clock::ticks();
    ALARMS.ilock().values().any(|&d| d <= now)
}

/// `procalarm`: set the running process's alarm `ms` milliseconds from
/// now (0: none); the milliseconds left of the previous one.
pub fn alarm(ms: u64) -> u64 {
    let pid = me().pid;
    let now = crate::clock::ticks();
    let tick = 1000 / crate::mem::HZ;
    let mut a = ALARMS.ilock();
    let old = a.remove(&pid).map_or(0, |d| d.saturating_sub(now) * tick);
    if ms > 0 {
        a.insert(pid, now + ms.div_ceil(tick));
    }
    old
}

/// `checkalarms`, at each tick of processor 0: wake the alarm process
/// if an alarm is due.
pub fn checkalarms() {
    if alarmdue() {
        sched::wakeup(&ALARMR);
    }
}

/// `alarmkproc`: post "alarm" to each process whose alarm is due.
pub fn alarmkproc() {
    sched::kproc("alarm", || loop {
        let _ = sched::sleep(&ALARMR, &mut alarmdue);
        let now = crate::clock::ticks();
        let due: Vec<u32> = {
            let mut a = ALARMS.ilock();
            let d: Vec<u32> = a.iter().filter(|(_, &t)| t <= now).map(|(&p, _)| p).collect();
            for p in &d {
                a.remove(p);
            }
            d
        };
        for pid in due {
            let _ = postnotepid(pid, "alarm", port::proc::NoteFlag::User, false);
        }
    });
}

// ---------------------------------------------------------------------
// Semaphores and segments: the kernel's half of port::sysproc's
// semacquire/tsemacquire/semrelease and segattach/segdetach/segfree/
// segbrk/segflush.

/// The waiters of each segment's semaphores (9front's `s->sema`), by
/// segment: port::segment's `Segment` is not generic over the
/// scheduler, so the lists live here, keyed by the segment's id. An
/// entry is never removed: a process waiting holds its segment, so a
/// list with waiters always belongs to a live segment, and a recycled
/// id finds an empty list (at most one per segment slot of the arena).
static SEMAS: ILock<alloc::collections::BTreeMap<port::segment::SegId, Arc<port::sysproc::Semalist<Kernel>>>> =
    ILock::new_const(alloc::collections::BTreeMap::new());

/// A semaphore's word in the running process's memory, found by
/// [`semword`].
struct Uword(u64);

impl Uword {
    fn atomic(&self) -> &core::sync::atomic::AtomicI32 {
        // SAFETY: semword checked that the word is 4-byte aligned and
        // lies whole in a writable segment of the running process, and
        // only this process changes its segment table, so the address
        // stays mapped for the call; a page not present faults in
        // (mmu.rs's userfault: zero-filled, or copied on write, as
        // CR0.WP makes kernel writes fault on read-only pages). Other
        // processes sharing the segment reach the same word only through
        // atomic instructions (this, or their own user code).
        unsafe { &*(self.0 as *const core::sync::atomic::AtomicI32) }
    }
}

impl port::sysproc::UserWord for Uword {
    fn get(&self) -> Result<i32> {
        Ok(self.atomic().load(core::sync::atomic::Ordering::SeqCst))
    }
    fn cas(&self, old: i32, new: i32) -> Result<bool> {
        Ok(self
            .atomic()
            .compare_exchange(old, new, core::sync::atomic::Ordering::SeqCst, core::sync::atomic::Ordering::SeqCst)
            .is_ok())
    }
}

/// The kernel's timed sleep and clock, for `tsemacquire`.
struct Ktsleep;

impl port::sysproc::Tsleep<Kernel> for Ktsleep {
    fn tsleep(&self, r: &Rendez, cond: &mut dyn FnMut() -> bool, ms: u64) -> Result<()> {
        sched::tsleep(r, cond, ms)
    }
    fn ms(&self) -> u64 {
        crate::clock::ticks() * (1000 / crate::mem::HZ)
    }
}

/// syssemacquire's checks on `addr`: the segment holding the whole word,
/// not read-only (port::sysproc's `semseg`), else `validaddr` (which
/// posts "sys: bad address in syscall" for an address in no segment)
/// and Ebadarg; the word and that segment's list of waiters. An address
/// not 4-byte aligned is Ebadarg too (planten's deviation: 9front's
/// evenaddr is a no-op on x86, but an atomic access must be aligned).
fn semword(addr: u64, pc: u64) -> Result<(Uword, Arc<port::sysproc::Semalist<Kernel>>)> {
    let tab = me().segtab.ok_or(Error::Ebadarg)?;
    let id = {
        let segs = SEGS.ilock();
        port::sysproc::semseg(&segs, &tab, addr)
    };
    let id = match id {
        Ok(id) => id,
        Err(e) => {
            crate::trap::validaddr(addr, 4, true, pc)?;
            return Err(e);
        }
    };
    if addr & 3 != 0 {
        return Err(Error::Ebadarg);
    }
    let l = SEMAS.ilock().entry(id).or_default().clone();
    Ok((Uword(addr), l))
}

/// `syssemacquire(addr, block)`: 1 if acquired, 0 if not (and not
/// blocking); "interrupted" if a note came while waiting.
pub fn semacquire(addr: u64, block: bool, pc: u64) -> Result<i64> {
    let (w, l) = semword(addr, pc)?;
    Ok(port::sysproc::syssemacquire::<Kernel>(&l, &w, addr, block)? as i64)
}

/// `systsemacquire(addr, ms)`: 1 if acquired within `ms`, else 0.
pub fn tsemacquire(addr: u64, ms: u32, pc: u64) -> Result<i64> {
    let (w, l) = semword(addr, pc)?;
    Ok(port::sysproc::systsemacquire::<Kernel>(&l, &w, addr, ms, &Ktsleep)? as i64)
}

/// `syssemrelease(addr, delta)`: the semaphore's new value.
pub fn semrelease(addr: u64, delta: i32, pc: u64) -> Result<i64> {
    let (w, l) = semword(addr, pc)?;
    Ok(port::sysproc::syssemrelease::<Kernel>(&l, &w, addr, delta)? as i64)
}

/// `flushmmu`: forget the running process's user mappings.
fn flushme() {
    let p = me();
    let s = l::splhi();
    if let Some(pm) = p.pmap.as_mut() {
        pm.flush();
    }
    l::splx(s);
}

/// `procflushseg`: every other process with segment `id` forgets its
/// user mappings before it runs again (sched.rs's `newtlb`), so that
/// none keeps a page the segment gave back. What falls short of 9front:
/// a process running on another processor at this moment keeps its
/// mappings until it is next switched in (9front waits for each such
/// processor to flush).
fn procflushseg(id: port::segment::SegId) {
    let mypid = me().pid;
    let procs = sched::PROCS.ilock();
    for (&pid, &pp) in procs.iter() {
        if pid == mypid {
            continue;
        }
        // SAFETY: a process in PROCS is alive while its lock is held;
        // newtlb is atomic, and its segment table is read only.
        let q = unsafe { &*(pp as *const Proc) };
        if q.segtab.is_some_and(|t| t.contains(&Some(id))) {
            q.newtlb.store(true, core::sync::atomic::Ordering::Release);
        }
    }
}

/// Apply `f` to the running process's segment table under the segment
/// lock and the page pool.
fn withsegs<T>(
    f: impl FnOnce(&mut port::segment::Segs, &mut port::page::Palloc, &mut Segtab) -> Result<T>,
) -> Result<T> {
    let p = me();
    let mut tab = p.segtab.ok_or(Error::Ebadarg)?;
    let mut segs = SEGS.ilock();
    let r = palloc().with(|pa| f(&mut segs, pa, &mut tab));
    drop(segs);
    if r.is_ok() {
        p.segtab = Some(tab);
    }
    r
}

/// `syssegattach(attr, name, va, len)`: attach a segment of 9front's
/// table ([`port::segment::PHYSSEG`]: "shared", "memory"); its address.
pub fn segattach(attr: u32, name: &str, va: u64, len: u32) -> Result<i64> {
    withsegs(|segs, _, tab| segs.segattach(tab, &port::segment::PHYSSEG, attr, name, va, len as u64))
        .map(|va| va as i64)
}

/// `syssegdetach(addr)`.
pub fn segdetach(addr: u64) -> Result<i64> {
    withsegs(|segs, pa, tab| port::sysproc::syssegdetach(segs, pa, tab, addr))?;
    flushme();
    palloc().kick();
    Ok(0)
}

/// `syssegfree(va, len)`: the freed pages are forgotten by every
/// process sharing the segment.
pub fn segfree(va: u64, len: u32) -> Result<i64> {
    let id = withsegs(|segs, pa, tab| {
        port::sysproc::syssegfree(segs, pa, tab, va, len)?;
        Ok(segs.seg(tab, va).map(|(_, id)| id))
    })?;
    if let Some(id) = id {
        procflushseg(id);
    }
    flushme();
    palloc().kick();
    Ok(0)
}

/// `syssegbrk(addr, newtop)`.
pub fn segbrk(addr: u64, newtop: u64) -> Result<i64> {
    let r = withsegs(|segs, pa, tab| port::sysproc::syssegbrk(segs, pa, tab, addr, newtop))?;
    // A segment that shrank gave pages back (only an unshared one can).
    flushme();
    palloc().kick();
    Ok(r as i64)
}

/// `syssegflush(va, len)`: every page of `[va, va+len)` rounded out to
/// pages must lie in the process's segments (Ebadarg); then the MMU is
/// flushed. amd64's caches are coherent, so there is no cache to flush.
pub fn segflush(va: u64, len: u32) -> Result<i64> {
    let to = va.wrapping_add(len as u64);
    let to = to.checked_add(BY2PG - 1).map(|t| t & !(BY2PG - 1)).ok_or(Error::Ebadarg)?;
    let mut from = va & !(BY2PG - 1);
    if to < from {
        return Err(Error::Ebadarg);
    }
    let tab = me().segtab.ok_or(Error::Ebadarg)?;
    {
        let segs = SEGS.ilock();
        while from < to {
            let (_, id) = segs.seg(&tab, from).ok_or(Error::Ebadarg)?;
            from = segs.get(id).top.min(to);
        }
    }
    flushme();
    Ok(0)
}
