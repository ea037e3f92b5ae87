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
//! - exec loads static ELF64 executables (planten's documented
//!   deviation from a.out; see `port-status.toml`), reading the whole
//!   file and copying its text and data into fresh pages (no image cache,
//!   no demand paging of text). `#!` scripts run their interpreter.
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
use crate::mem::{BY2PG, UDSEL, UESEL, USTKSIZE, USTKTOP, UTZERO};
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
    let p = me();
    let u = user();
    const UREGSZ: u64 = core::mem::size_of::<Ureg>() as u64;
    let usp = ureg.sp;
    let sp = usp.wrapping_sub(256).wrapping_sub(UREGSZ);
    let low = sp.wrapping_sub(8 + ERRMAX as u64 + 3 * 8);
    let ok = u.notify != 0
        && crate::trap::okaddr(u.notify, 1, false)
        && usp > low
        && crate::trap::okaddr(low, sp + UREGSZ - low, true);
    if !ok {
        print!("{} {}: suicide: bad address in notify\n", p.text, p.pid);
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
        print!(
            "{} {}: bad ureg in noted or call to noted when not notified\n",
            p.text, p.pid
        );
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
                print!("{} {}: suicide: trap in noted\n", p.text, p.pid);
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
                print!("{} {}: suicide: {}\n", p.text, p.pid, msg);
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

/// The loadable parts of an ELF64 executable.
struct Elf {
    entry: u64,
    /// (virtual address, memory size, file offset, file size, writable)
    segs: Vec<(u64, u64, u64, u64, bool)>,
}

fn rd16(b: &[u8], o: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(o..o + 2)?.try_into().ok()?))
}
fn rd32(b: &[u8], o: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(o..o + 4)?.try_into().ok()?))
}
fn rd64(b: &[u8], o: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(o..o + 8)?.try_into().ok()?))
}

/// 9front's `Ebadexec`.
fn ebadexec() -> Error {
    Error::Ebadexec
}

/// Parse a static x86-64 ELF64 executable.
fn elfparse(b: &[u8]) -> Result<Elf> {
    if b.len() < 64 || &b[0..4] != b"\x7fELF" || b[4] != 2 || b[5] != 1 {
        return Err(ebadexec());
    }
    let typ = rd16(b, 16).ok_or_else(ebadexec)?;
    let mach = rd16(b, 18).ok_or_else(ebadexec)?;
    if typ != 2 || mach != 62 {
        return Err(ebadexec());
    }
    let entry = rd64(b, 24).ok_or_else(ebadexec)?;
    let phoff = rd64(b, 32).ok_or_else(ebadexec)? as usize;
    let phentsize = rd16(b, 54).ok_or_else(ebadexec)? as usize;
    let phnum = rd16(b, 56).ok_or_else(ebadexec)? as usize;
    if phentsize < 56 || phnum > 64 {
        return Err(ebadexec());
    }
    let mut segs = Vec::new();
    for i in 0..phnum {
        let o = phoff.checked_add(i * phentsize).ok_or_else(ebadexec)?;
        let ptype = rd32(b, o).ok_or_else(ebadexec)?;
        if ptype == 3 {
            // PT_INTERP: a dynamic executable.
            return Err(ebadexec());
        }
        if ptype != 1 {
            continue;
        }
        let flags = rd32(b, o + 4).ok_or_else(ebadexec)?;
        let off = rd64(b, o + 8).ok_or_else(ebadexec)?;
        let va = rd64(b, o + 16).ok_or_else(ebadexec)?;
        let filesz = rd64(b, o + 32).ok_or_else(ebadexec)?;
        let memsz = rd64(b, o + 40).ok_or_else(ebadexec)?;
        if filesz > memsz
            || off.checked_add(filesz).is_none_or(|e| e > b.len() as u64)
            || va < UTZERO
            || va.checked_add(memsz).is_none_or(|e| e > USTKTOP - USTKSIZE)
        {
            return Err(ebadexec());
        }
        segs.push((va, memsz, off, filesz, flags & 2 != 0));
    }
    if segs.is_empty() || segs.len() > 2 {
        return Err(ebadexec());
    }
    segs.sort_by_key(|s| s.0);
    Ok(Elf { entry, segs })
}

/// The most argument bytes exec takes (9front's limit on the new
/// stack's strings and pointers).
const MAXARGBYTES: usize = 128 * 1024;

/// Read the whole file `c` (a channel open for reading).
fn readall(up: &Up<Kernel>, c: &Chan<Kernel>) -> Result<Vec<u8>> {
    let d = c.devp()?;
    let mut v = Vec::new();
    let mut off = 0i64;
    loop {
        let n0 = v.len();
        v.resize(n0 + 65536, 0);
        let n = d.read(up, c, &mut v[n0..], off)?;
        v.truncate(n0 + n);
        if n == 0 {
            break;
        }
        off += n as i64;
        if v.len() > 256 * 1024 * 1024 {
            return Err(Error::Msg(String::from("exec: file too big")));
        }
    }
    Ok(v)
}

/// `sysexec`: replace the running program with the one in file `name`,
/// with arguments `argv`. On success the Ureg is the new program's
/// start, and the result is what AX holds there (the Tos address).
pub fn exec(ureg: &mut Ureg, name: &str, argv: Vec<Vec<u8>>) -> Result<i64> {
    let u = user();
    let mut argv = argv;
    let mut name = String::from(name);
    let mut image = None;
    for _ in 0..2 {
        let c = namec(&u.up, &name, Amode::Aopen, plibc::fcall::OEXEC as u32, 0)?;
        let b = readall(&u.up, &c)?;
        drop(c);
        if b.starts_with(b"#!") {
            // shargs: the interpreter and its argument words, then the
            // file's name, then the original arguments but the first.
            let line = &b[2..b.len().min(2 + 256)];
            let end = line.iter().position(|&x| x == b'\n').ok_or_else(ebadexec)?;
            let words: Vec<Vec<u8>> = line[..end]
                .split(|&x| x == b' ' || x == b'\t')
                .filter(|w| !w.is_empty())
                .map(|w| w.to_vec())
                .collect();
            if words.is_empty() {
                return Err(ebadexec());
            }
            let mut nargv = words.clone();
            nargv.push(name.clone().into_bytes());
            nargv.extend(argv.into_iter().skip(1));
            argv = nargv;
            name = String::from_utf8_lossy(&words[0]).into_owned();
            continue;
        }
        image = Some(b);
        break;
    }
    let b = image.ok_or_else(ebadexec)?;
    let elf = elfparse(&b)?;
    let progname = name.rsplit('/').next().unwrap_or(&name);
    execimage(ureg, &b, &elf, progname, &argv)
}

/// Copy `data` into user page `idx` of segment `id` (a fresh page).
fn fillpage(segs: &mut port::segment::Segs, id: port::segment::SegId, va: u64, data: &[u8]) {
    let pg = palloc().newpage(&mut KMem, true, va, false);
    let pa = palloc().with(|pa| pa.page(pg).pa);
    let kva = crate::mmu::kaddr(pa).expect("pool page in the KZERO map");
    // SAFETY: a fresh pool page in the KZERO map, ours alone; data is
    // at most a page.
    unsafe { core::ptr::copy_nonoverlapping(data.as_ptr(), kva as *mut u8, data.len().min(BY2PG as usize)) };
    let s = segs.get_mut(id);
    let idx = (va - s.base) / BY2PG;
    if let Some(old) = s.map.insert(idx, pg) {
        palloc().with(|pa| pa.putpage(old));
    }
}

/// Size of the Tos at the top of the stack (sys/include/tos.h on amd64).
const TOSSIZE: u64 = 72;

fn execimage(ureg: &mut Ureg, b: &[u8], elf: &Elf, progname: &str, argv: &[Vec<u8>]) -> Result<i64> {
    let p = me();
    let u = user();
    let nbytes: usize = argv.iter().map(|a| a.len() + 1 + 8).sum();
    if nbytes > MAXARGBYTES {
        return Err(Error::Msg(String::from("arg list too long")));
    }
    // The new segments: text (the first PT_LOAD, read-only), data (the
    // second, if any) and bss after it, and the stack.
    let mut ntab: Segtab = [None; NSEG];
    {
        let mut segs = SEGS.ilock();
        let res = (|| -> Result<()> {
            for (k, &(va, memsz, off, filesz, writable)) in elf.segs.iter().enumerate() {
                let base = va & !(BY2PG - 1);
                let top = (va + memsz + BY2PG - 1) & !(BY2PG - 1);
                let (slot, typ) = if k == 0 && !writable {
                    (TSEG, SegType::Text as u32 | SG_RONLY)
                } else {
                    (DSEG, SegType::Data as u32)
                };
                if ntab[slot].is_some() {
                    return Err(ebadexec());
                }
                // File bytes go in pages now; the rest of a data segment
                // past its last file page is bss.
                let fileend = (va + filesz + BY2PG - 1) & !(BY2PG - 1);
                let segtop = if slot == DSEG { fileend.max(base + BY2PG) } else { top };
                let id = segs.newseg(typ, base, (segtop - base) / BY2PG)?;
                ntab[slot] = Some(id);
                let mut a = base;
                while a < segtop {
                    let mut page = [0u8; BY2PG as usize];
                    // The part of [va, va+filesz) in [a, a+BY2PG).
                    let lo = a.max(va);
                    let hi = (a + BY2PG).min(va + filesz);
                    if lo < hi {
                        let fo = (off + (lo - va)) as usize;
                        page[(lo - a) as usize..(hi - a) as usize]
                            .copy_from_slice(&b[fo..fo + (hi - lo) as usize]);
                    }
                    fillpage(&mut segs, id, a, &page);
                    a += BY2PG;
                }
                if slot == DSEG && top > segtop {
                    ntab[BSEG] = Some(segs.newseg(SegType::Bss as u32, segtop, (top - segtop) / BY2PG)?);
                }
            }
            if ntab[TSEG].is_none() {
                return Err(ebadexec());
            }
            if ntab[BSEG].is_none() {
                // An empty bss for brk to grow.
                let t = ntab[DSEG].or(ntab[TSEG]).map(|id| segs.get(id).top).unwrap_or(UTZERO);
                ntab[BSEG] = Some(segs.newseg(SegType::Bss as u32, t, 0)?);
            }
            ntab[SSEG] = Some(segs.newseg(
                SegType::Stack as u32,
                USTKTOP - USTKSIZE,
                USTKSIZE / BY2PG,
            )?);
            Ok(())
        })();
        if let Err(e) = res {
            palloc().with(|pa| {
                for id in ntab.iter().flatten() {
                    segs.putseg(pa, *id);
                }
            });
            return Err(e);
        }
    }
    // Past the point of no return: drop the old image.
    freesegs(p);
    let s = l::splhi();
    if p.pmap.is_none() {
        p.pmap = Some(Box::new(Pmap::new().ok_or(Error::Enomem)?));
    }
    p.segtab = Some(ntab);
    crate::mmu::mmuswitch(p);
    l::splx(s);

    // The stack: Tos at the top, the strings under it, then argv[] and
    // argc, as 9front's sysexec lays them out for _main.
    let tos = USTKTOP - TOSSIZE;
    let mut sp = tos;
    let mut ptrs = Vec::with_capacity(argv.len());
    for a in argv.iter() {
        sp -= a.len() as u64 + 1;
        ptrs.push(sp);
    }
    sp &= !7;
    sp -= 8 * (argv.len() as u64 + 2);
    // SAFETY: [sp, USTKTOP) is in the new stack segment of the running
    // process, whose pages fault in as demand-zero on first touch.
    unsafe {
        let t = tos as *mut u8;
        core::ptr::write_bytes(t, 0, TOSSIZE as usize);
        ((tos + 64) as *mut u32).write(p.pid);
        for (a, &pa) in argv.iter().zip(ptrs.iter()) {
            core::ptr::copy_nonoverlapping(a.as_ptr(), pa as *mut u8, a.len());
            ((pa + a.len() as u64) as *mut u8).write(0);
        }
        let w = sp as *mut u64;
        w.write(argv.len() as u64);
        for (i, &pa) in ptrs.iter().enumerate() {
            w.add(1 + i).write(pa);
        }
        w.add(1 + argv.len()).write(0);
    }
    let mut args = Vec::new();
    for a in argv {
        args.extend_from_slice(a);
        args.push(0);
    }
    u.args = args;
    u.notify = 0;
    u.up.fgrp.closeexec();
    p.text = intern(progname);
    *p.notes.ilock() = port::proc::Notes::new();
    *ureg = Ureg {
        pc: elf.entry,
        sp,
        cs: UESEL as u64,
        ss: UDSEL as u64,
        flags: 0x200,
        ..Default::default()
    };
    Ok(tos as i64)
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
