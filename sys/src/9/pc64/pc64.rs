//! The kernel configuration: 9front's `pc64/pc64` file, from which its
//! `mkdevc` generates the device table (`devtab[]`), and the machine's
//! side of the devices that need one (devcons's `ConsHost`).
//!
//! What differs: the table is built by hand at boot ([`devtab`]) from the
//! port crate's devices, with the kernel's implementations of their
//! traits (`#P`, `#r` and `#t` over pc/devarch.rs, pc/devrtc.rs and
//! pc/uarti8250.rs); the root device's files come from the build (`rootfiles.rs`,
//! made by build.rs from `amd64/bin`, `rc`, `lib` and `/boot`).

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicPtr, Ordering};

use port::dev::{Dev, Devtab};
use port::devcons::{Cons, ConsHost, MachStat, Rebootcmd};
use port::portdat::Up;
use port::qio::Queue;
use port::{Error, Result};

use crate::sched::Kernel;

include!(concat!(env!("OUT_DIR"), "/rootfiles.rs"));

/// The kernel's half of `#c`.
pub struct Host {
    /// The console's input queue, when there is no UART interrupt (a
    /// queue no one writes).
    spare: Queue<Kernel>,
}

impl ConsHost<Kernel> for Host {
    fn putstrn(&self, s: &[u8]) {
        crate::cons::putstrn(s);
    }
    fn kbdq(&self) -> &Queue<Kernel> {
        crate::uarti8250::iq().unwrap_or(&self.spare)
    }
    fn todget(&self) -> (i64, u64) {
        (crate::clock::todget(), crate::clock::fastticks())
    }
    fn fasthz(&self) -> u64 {
        crate::clock::fasthz()
    }
    fn todset(&self, _t: i64, _delta: i64, _n: i32) {}
    fn todsetfreq(&self, _f: i64) {}
    fn ticks(&self) -> u32 {
        crate::clock::ticks() as u32
    }
    fn randomread(&self, buf: &mut [u8]) -> usize {
        crate::random::randomread(buf)
    }
    fn proctime(&self, _up: &Up<Kernel>) -> [u32; 6] {
        [0; 6]
    }
    fn machs(&self) -> Vec<MachStat> {
        let load = crate::sched::LOAD.load(Ordering::Relaxed);
        (0..crate::dat::nmach())
            .map(|i| MachStat {
                machno: i as u32,
                load,
                ..Default::default()
            })
            .collect()
    }
    fn resetstats(&self) {}
    fn kmesg(&self) -> Vec<u8> {
        crate::cons::kmesg(|b| b.to_vec())
    }
    fn reboot(&self, cmd: Rebootcmd) -> Result<()> {
        match cmd {
            Rebootcmd::Panic => panic!("/dev/reboot"),
            _ => {
                print!("reboot: halting\n");
                crate::exit(0)
            }
        }
    }
    fn setuser(&self, _up: &Up<Kernel>, _user: &str) -> Result<()> {
        Err(Error::Eperm)
    }
    fn sethostowner(&self, _up: &Up<Kernel>, _user: &str) -> Result<()> {
        Err(Error::Eperm)
    }
    fn interrupt(&self) {
        let init = crate::uproc::initpid();
        if init != 0 {
            let _ = crate::uproc::postnotepid(init, "interrupt", port::proc::NoteFlag::User, true);
        }
    }
}

/// The kernel's half of `#¶`.
pub struct Swap;

impl port::devswap::SwapHost for Swap {
    fn meminfo(&self) -> port::devswap::Meminfo {
        let pg = crate::mem::BY2PG;
        let npage = crate::MEMTOTAL.load(Ordering::Relaxed) / pg;
        let (user, free) = crate::mmu::palloc().with(|p| (p.user() as u64, p.freecount() as u64));
        let (size, _free, alloc) = crate::kalloc::poolstats();
        port::devswap::Meminfo {
            npage,
            pagesize: pg,
            kpages: npage.saturating_sub(user),
            userused: user - free,
            user,
            swapused: 0,
            nswap: 0,
            reclaim: 0,
            malloc: [alloc, size, size],
        }
    }
}

static DEVTAB: AtomicPtr<Devtab<Kernel>> = AtomicPtr::new(core::ptr::null_mut());
static CONS: AtomicPtr<Cons<Kernel>> = AtomicPtr::new(core::ptr::null_mut());

/// `#c`, once [`devtab`] made it.
pub fn cons() -> Option<&'static Cons<Kernel>> {
    let p = CONS.load(Ordering::Acquire);
    // SAFETY: set once to a leaked Arc's contents, never freed.
    (!p.is_null()).then(|| unsafe { &*p })
}

/// `chandevreset` and `chandevinit`: the device table, made once.
pub fn devtab() -> Arc<Devtab<Kernel>> {
    let p = DEVTAB.load(Ordering::Acquire);
    if !p.is_null() {
        // SAFETY: p came from Arc::into_raw below and its count was
        // raised for the static's own reference, never dropped.
        unsafe {
            Arc::increment_strong_count(p);
            return Arc::from_raw(p);
        }
    }
    let mut files: Vec<port::devroot::RootFile> = Vec::new();
    files.push(port::devroot::RootFile::dir("tmp"));
    for &(path, data, x) in ROOTFILES {
        files.push(port::devroot::RootFile::new(path, data, if x { 0o555 } else { 0o444 }));
    }
    let root = match port::devroot::DevRoot::new(files) {
        Ok(r) => r,
        Err(e) => panic!("devroot: {}", e.as_str()),
    };
    let cons = Arc::new(Cons::new(Arc::new(Host {
        spare: Queue::qopen(1024, 0, None),
    })));
    CONS.store(Arc::as_ptr(&cons) as *mut _, Ordering::Release);
    core::mem::forget(cons.clone());
    // devpipe.c posts "sys: write on closed pipe" as NUser: it kills
    // quietly (no "suicide:" line), as 9front's.
    let note: port::devpipe::PostNote<Kernel> = Arc::new(|_up: &Up<Kernel>, msg: &str| {
        let s = crate::l::splhi();
        crate::uproc::me().notes.ilock().postnote(msg, port::proc::NoteFlag::User);
        crate::l::splx(s);
    });
    let devs: Vec<Arc<dyn Dev<Kernel>>> = alloc::vec![
        Arc::new(root),
        cons,
        Arc::new(port::devenv::DevEnv::new()),
        Arc::new(port::devpipe::DevPipe::new(0, Some(note))),
        Arc::new(port::devdup::DevDup::new()),
        Arc::new(port::devsrv::DevSrv::new(crate::uproc::EVE)),
        Arc::new(port::devproc::DevProc::new(Arc::new(crate::proctab::Table))),
        Arc::new(port::devmnt::DevMnt::new()),
        Arc::new(port::devswap::DevSwap::new(Arc::new(Swap))),
        Arc::new(crate::devarch::DevArch::new(Arc::new(crate::devarch::KArch::new()), crate::devarch::ioinit())),
        Arc::new(crate::devrtc::DevRtc::new(Arc::new(crate::devrtc::KCmos))),
        Arc::new(port::devuart::DevUart::new(alloc::vec![port::devuart::Uart::new(
            Arc::new(crate::uarti8250::I8250::console()),
            Some(port::devuart::Line {
                baud: crate::uarti8250::CONSBAUD as i32,
                bits: 8,
                parity: b'n',
                stop: 1,
            }),
        )])),
    ];
    let dt = match Devtab::new(crate::uproc::EVE, devs) {
        Ok(d) => Arc::new(d),
        Err(e) => panic!("devtab: {}", e.as_str()),
    };
    let raw = Arc::into_raw(dt.clone());
    DEVTAB.store(raw as *mut _, Ordering::Release);
    dt
}

/// Put the boot configuration (`name=value` words of the command line)
/// in `#ec`, as 9front's `confinit`/`ksetenv` do with plan9.ini, with
/// `%XX` escapes of values decoded (how `cargo boot -c` passes `rcmd`).
pub fn confenv(up: &Up<Kernel>, cmdline: &[u8]) {
    let set = |k: &str, v: &str| {
        let _ = port::devenv::ksetenv(up, k, v, true);
    };
    set("cputype", "amd64");
    set("objtype", "amd64");
    set("service", "terminal");
    for w in cmdline.split(|&c| c == b' ') {
        let Some(eq) = w.iter().position(|&c| c == b'=') else { continue };
        let k = String::from_utf8_lossy(&w[..eq]).into_owned();
        let v = decode(&w[eq + 1..]);
        set(&k, &String::from_utf8_lossy(&v));
    }
}

/// Undo `%XX` escapes; a malformed one stays as it is.
pub fn decode(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' && i + 2 < s.len() {
            let h = core::str::from_utf8(&s[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(b) = h {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(s[i]);
        i += 1;
    }
    out
}
