//! The amd64 kernel's crate root and `main`, where l.rs's bootstrap
//! arrives in the higher half.
//!
//! Ports the outline of 9front `sys/src/9/pc64/main.c`. 9front's `main`
//! runs some forty initialisation steps and ends in the scheduler; this
//! one runs the ones that exist, in 9front's order: `bootargsinit` (the
//! Multiboot information), `i8250console` (COM1), the banner (9front
//! prints "Plan 9"), the part of `meminit` that reports the memory map,
//! `trapinit0` (the IDT), `xinit`, `mmuinit` (the rest of the KZERO
//! map, VMAP), `i8259init`, `trapinit`, `fpuinit`, the i8253 (counter 2
//! is `fastticks`), then `arch->intrinit`: with ACPI's MADT (archacpi.rs,
//! unless `*acpi=0` or `*nomp=1`), `mpinit` brings up the local APICs,
//! the I/O APICs and the other processors (up to `*ncpu=`), and the
//! local APIC timer is each processor's clock; without it, the i8259
//! and the i8253's counter 0 are. Then `timersinit`, `pageinit`, the
//! time of day and the random generator, `spllo`. The command line and
//! memory map are copied into the kernel first, since xalloc may hand
//! out the memory the loader left them in. `dat::setmach` comes first
//! of all (9front's `mach0init`): `m` and `up` are read through GS. With `ktest=NAME` it then runs a
//! kernel self-test (ktest.rs); otherwise it acts on `rcmd` and calls
//! `exit(0)`, since there is no init process to run. `exit` ports
//! main.c's `exit`: 9front's ends in `arch->reset()`, which reboots the
//! PC; planten's first writes the status to QEMU's isa-debug-exit port,
//! then halts. `print!`/`iprint!` go to the console and the kmesg log
//! (cons.rs). The panic handler stands in for port's `panic`.
//!
//! As in 9front's mkfile, which compiles ../pc/*.c into the pc64
//! kernel, the PC-generic modules are compiled from `../pc` by path.

#![no_std]
#![no_main]

extern crate alloc;

/// `print`: to the console and the kmesg log (cons.rs).
macro_rules! print {
    ($($arg:tt)*) => {
        $crate::cons::putfmt(format_args!($($arg)*))
    };
}

/// `iprint`: as `print`, safe at interrupt time.
macro_rules! iprint {
    ($($arg:tt)*) => {
        $crate::cons::putfmt(format_args!($($arg)*))
    };
}

use core::panic::PanicInfo;

mod clock;
mod cons;
mod dat;
mod fpu;
mod kalloc;
mod ktest;
mod l;
mod libc;
mod mem;
mod mmu;
mod pc64;
mod proctab;
mod random;
mod sched;
mod squidboy;
mod systab;
mod taslock;
mod trap;
mod uproc;

#[path = "../pc/apic.rs"]
mod apic;
#[path = "../pc/archacpi.rs"]
mod archacpi;
#[path = "../pc/bootargs.rs"]
mod bootargs;
#[path = "../pc/devarch.rs"]
mod devarch;
#[path = "../pc/devrtc.rs"]
mod devrtc;
#[path = "../pc/i8253.rs"]
mod i8253;
#[path = "../pc/i8259.rs"]
mod i8259;
#[path = "../pc/irq.rs"]
mod irq;
#[path = "../pc/memory.rs"]
mod memory;
#[path = "../pc/mp.rs"]
mod mp;
#[path = "../pc/uarti8250.rs"]
mod uarti8250;

use bootargs::{Mmap, MBINFOLEN, MBOOTMAGIC};
use memory::E820;

/// The I/O port of QEMU's `isa-debug-exit` device as the boot runner
/// configures it (`-device isa-debug-exit,iobase=0xf4,iosize=0x04`).
/// Writing v makes QEMU exit with status (v<<1)|1. Nothing is at this
/// port on a PC.
const DEBUGEXIT: u16 = 0xf4;

/// Added to the status written to [`DEBUGEXIT`], so that no guest status
/// looks like QEMU's own exit status 1.
const EXITBIAS: u32 = 0x10;

/// The status [`exit`] is given after a panic: QEMU then exits with 255.
const PANICSTATUS: u32 = 0x6f;

/// Longest command line read.
const CMDLINELEN: usize = 4096;

/// The kernel's Rust entry, called by l.rs on the boot stack in the
/// higher half, with the Multiboot magic (EAX at entry) and the physical
/// address of the Multiboot information (EBX at entry).
#[no_mangle]
pub extern "C" fn main(magic: u32, mbinfo: u32) -> ! {
    dat::setmach(&dat::MACH0);
    uarti8250::i8250console();
    print!(
        "planten {}: 9front for amd64, in Rust\n",
        env!("CARGO_PKG_VERSION")
    );

    // bootargsinit
    let mb = if magic == MBOOTMAGIC {
        mmu::bootbytes(mbinfo as u64, MBINFOLEN).and_then(bootargs::multiboot)
    } else {
        print!(
            "not loaded by Multiboot (magic {:#x}): no boot arguments\n",
            magic
        );
        None
    };
    let cmdline: &[u8] = mb
        .and_then(|mb| mb.cmdline)
        .and_then(|pa| mmu::bootstr(pa as u64, CMDLINELEN))
        .unwrap_or(&[]);

    // Copy what the loader left (the command line, the memory map) out
    // of memory that xinit is about to give away.
    let cmdline = copycmdline(cmdline);
    let map = meminit(mb);

    trap::trapinit0();
    xinit(&map);
    mmu::mmuinit(
        map.iter()
            .filter(|e| e.typ == memory::E820RAM)
            .map(|e| e.top)
            .max()
            .unwrap_or(0),
    );
    mmu::gdtinit();
    i8259::i8259init();
    trap::trapinit();
    fpu::fpuinit();
    i8253::i8253reset();
    let nomp = getconf(b"*nomp").is_some_and(|v| v != b"0");
    let madt = if nomp {
        None
    } else {
        archacpi::acpimadt(&mmu::PhysMem, getconf(b"*acpi"))
    };
    match madt {
        Some(madt) => {
            let ncpu = getconf(b"*ncpu")
                .and_then(|v| core::str::from_utf8(v).ok())
                .and_then(|v| v.parse::<usize>().ok());
            mp::mpinit(&madt, ncpu);
            clock::timersinit();
        }
        None => {
            clock::timersinit();
            i8253::i8253enable();
        }
    }
    pageinit(&map);
    clock::todinit();
    uarti8250::i8250enable(4096);
    random::randominit();
    l::spllo();
    print!("{} cpus\n", dat::nmach());

    if let Some(t) = bootargs::getconf(cmdline, b"ktest") {
        ktest::run(t);
        print!(
            "ktest {}: no such test\n",
            core::str::from_utf8(t).unwrap_or("?")
        );
        exit(1);
    }
    if bootargs::getconf(cmdline, b"systrace").is_some() {
        trap::SYSTRACE.store(true, core::sync::atomic::Ordering::Relaxed);
    }
    uproc::alarmkproc();
    let dt = pc64::devtab();
    // `init=PATH%20ARGS...` boots another program than /boot/boot, with
    // arguments (for tests; %XX escapes as in rcmd).
    let (init, argv) = match bootargs::getconf(cmdline, b"init") {
        Some(v) => {
            let v = pc64::decode(v);
            let mut w: alloc::vec::Vec<alloc::vec::Vec<u8>> = v
                .split(|&c| c == b' ')
                .filter(|a| !a.is_empty())
                .map(|a| a.to_vec())
                .collect();
            let path = alloc::string::String::from_utf8_lossy(&w[0]).into_owned();
            let arg0 = path.rsplit('/').next().unwrap_or(&path).as_bytes().to_vec();
            w[0] = arg0;
            (&*alloc::boxed::Box::leak(path.into_boxed_str()), w)
        }
        None => (port::initcode::BOOT, alloc::vec![b"boot".to_vec()]),
    };
    uproc::userinit(dt, init, argv);
    sched::schedinit()
}

/// The kernel's command line (the Multiboot loader's), as copied.
pub fn cmdline() -> &'static [u8] {
    let p = CMDLINE.load(core::sync::atomic::Ordering::Acquire);
    if p.is_null() {
        return &[];
    }
    let n = CMDLINELENGTH.load(core::sync::atomic::Ordering::Acquire);
    // SAFETY: as in getconf.
    unsafe { &(&*p)[..n] }
}

static CMDLINE: core::sync::atomic::AtomicPtr<[u8; CMDLINELEN]> =
    core::sync::atomic::AtomicPtr::new(core::ptr::null_mut());
static CMDLINELENGTH: core::sync::atomic::AtomicUsize = core::sync::atomic::AtomicUsize::new(0);

/// `getconf`: the value of `name=value` on the command line.
pub fn getconf(name: &[u8]) -> Option<&'static [u8]> {
    let p = CMDLINE.load(core::sync::atomic::Ordering::Acquire);
    if p.is_null() {
        return None;
    }
    let n = CMDLINELENGTH.load(core::sync::atomic::Ordering::Acquire);
    // SAFETY: CMDLINE points at copycmdline's buffer, written once before
    // it was published and never again.
    let b = unsafe { &(&*p)[..n] };
    bootargs::getconf(b, name)
}

/// The command line, copied to the kernel's own memory.
fn copycmdline(s: &[u8]) -> &'static [u8] {
    static mut BUF: [u8; CMDLINELEN] = [0; CMDLINELEN];
    let n = s.len().min(CMDLINELEN);
    // SAFETY: called once, by main on the boot processor before anything
    // else can run, so this is the only reference to BUF ever made.
    let buf = unsafe { &mut *core::ptr::addr_of_mut!(BUF) };
    buf[..n].copy_from_slice(&s[..n]);
    CMDLINELENGTH.store(n, core::sync::atomic::Ordering::Release);
    CMDLINE.store(buf as *mut _, core::sync::atomic::Ordering::Release);
    // SAFETY: as above; the buffer is never written again.
    unsafe { &(&*core::ptr::addr_of!(BUF))[..n] }
}

/// Most E820 entries kept.
const NMAP: usize = 64;

/// The memory map, copied.
struct MemMap {
    n: usize,
    e: [E820; NMAP],
}

impl MemMap {
    fn iter(&self) -> impl Iterator<Item = E820> + Clone + '_ {
        self.e[..self.n].iter().copied()
    }
}

/// Where kernel memory (xalloc) ends and user pages begin: two fifths
/// of RAM above 1 MiB, at least 64 MiB (9front's confinit gives the
/// kernel a share of memory in the same spirit).
fn klimit(map: &MemMap) -> u64 {
    let ram = memory::ramtotal(map.iter());
    mem::pground(mem::MIB + (ram * 2 / 5).max(64 * mem::MIB))
}

/// `xinit`: the RAM of the map below the kernel limit to xalloc.
fn xinit(map: &MemMap) {
    kalloc::xinit(map.iter(), klimit(map));
}

/// `pageinit`: the RAM above the kernel limit to the user page pool.
fn pageinit(map: &MemMap) {
    let lim = klimit(map);
    let mut banks = [(0u64, 0u64); NMAP];
    let mut n = 0;
    for e in map.iter().filter(|e| e.typ == memory::E820RAM) {
        let base = e.base.max(lim);
        if e.top > base {
            banks[n] = (base, e.top);
            n += 1;
        }
    }
    let total = memory::ramtotal(map.iter());
    MEMTOTAL.store(total, core::sync::atomic::Ordering::Relaxed);
    mmu::pageinit(&banks[..n], total);
}

/// Bytes of RAM (conf.npage*BY2PG), once pageinit has run.
pub static MEMTOTAL: core::sync::atomic::AtomicU64 = core::sync::atomic::AtomicU64::new(0);

/// Report the physical memory map: the loader's E820 map if it gave
/// one, else its two memory sizes; and return it.
fn meminit(mb: Option<bootargs::Multiboot>) -> MemMap {
    let mut m = MemMap {
        n: 0,
        e: [E820::new(0, 0, 0); NMAP],
    };
    let mb = match mb {
        Some(mb) => mb,
        None => {
            print!("no memory map\n0M memory\n");
            return m;
        }
    };
    if let Some(map) = mb
        .mmap
        .and_then(|(pa, len)| mmu::bootbytes(pa as u64, len as usize))
    {
        for e in Mmap::new(map).take(NMAP) {
            m.e[m.n] = E820::new(e.base, e.len, e.typ);
            m.n += 1;
        }
    } else if let Some((lower, upper)) = mb.mem {
        for e in memory::lowupper(lower, upper) {
            m.e[m.n] = e;
            m.n += 1;
        }
    } else {
        print!("no memory map\n0M memory\n");
        return m;
    }
    let mut w = Cons;
    let _ = memory::e820print(&mut w, m.iter());
    m
}

/// The console as a `fmt::Write`.
struct Cons;
impl core::fmt::Write for Cons {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        print!("{}", s);
        Ok(())
    }
}

/// Stop the machine, reporting `status` to QEMU if there is one.
///
/// Writes `EXITBIAS + status` as a 32-bit word to the isa-debug-exit port;
/// under QEMU that ends the emulator with status `(v<<1)|1`. The bias keeps
/// a guest's status 0 (QEMU status 33) apart from QEMU's own failure
/// status, 1; the host side of this is `sys/src/planten/qemu/src/status.rs`.
/// On a real PC the write goes nowhere, and the processor halts with
/// interrupts off.
pub fn exit(status: u32) -> ! {
    let v = EXITBIAS + status.min(PANICSTATUS);
    // SAFETY: port 0xf4 is QEMU's debug-exit device when configured and
    // otherwise unassigned on a PC; a 32-bit write there touches no
    // memory and no other device.
    unsafe { l::outl(DEBUGEXIT, v) };
    l::halt()
}

/// Print `panic: <message>` on the console (and where the panic
/// happened, on the next line), then [`exit`] with [`PANICSTATUS`], so
/// that QEMU exits with status 255 (`(EXITBIAS + PANICSTATUS) << 1 | 1`).
#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    print!("panic: {}\n", info.message());
    if let Some(loc) = info.location() {
        print!("panic: at {}:{}\n", loc.file(), loc.line());
    }
    exit(PANICSTATUS)
}
