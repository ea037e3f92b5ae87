//! Kernel address translation, the kernel's map of physical memory,
//! `vmap`, and per-process page tables.
//!
//! Ports parts of 9front `sys/src/9/pc64/mmu.c`: `kaddr`, `paddr`,
//! `mmuwalk` (create intermediate tables as needed), the KZERO map of
//! physical memory (`mmuinit`/`mapkzero` of pc/memory.c: RAM above the
//! first GiB the boot map covers, with 2 MiB pages, up to the 2 GiB
//! window below the top of the address space, or with 1 GiB pages where
//! the processor has them), `vmap`/`vunmap` (uncached device memory at
//! VMAP), `mmuswitch`, `putmmu`, `mmurelease` and `checkmmu`'s look-up
//! ([`Pmap::lookup`]).
//!
//! Differences from 9front:
//! - A process's address space ([`Pmap`]) has a PML4 of its own whose
//!   kernel half (slots 256-511) shares the kernel's PDPs, and
//!   `mmuswitch` loads it into CR3; 9front keeps one PML4 per processor
//!   and copies the user PDP entries into it (`m->mmuhead`...). Kernel
//!   processes run on the boot PML4. The page-table pages of a Pmap are
//!   kept in a list and freed with it (9front recycles them per Mach).
//! - Table pages come from xalloc (`xspanalloc`), not from `mmualloc`'s
//!   pool; `vmap` maps 4 KiB pages only and never reuses addresses
//!   (physical address + VMAP); `vunmap` is not needed yet.
//! - Instead of panicking on an address outside the KZERO window, `kaddr`
//!   and `paddr` return `None`. [`bootbytes`] is new: it lends out memory
//!   the boot loader left (the Multiboot information) as a slice.
//! - No KMAP (`kmap` of pages above the KZERO window), no NX bit, no PAT.
//! - `gdtinit` is the GDT/TSS/MSR part of `mmuinit`: per-processor GDT
//!   and TSS from the heap, EFER.SCE, STAR, LSTAR, SFMASK as 9front;
//!   the double map at 0 is not zapped (the AP bootstrap uses it), no
//!   IST stacks, no `kernelro`.

use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};

use crate::l;
use crate::mem::{
    pglsz, ptlx, BOOTMAPPED, BY2PG, GIB, KZERO, PTEACCESSED, PTEDIRTY, PTEGLOBAL, PTESIZE,
    PTEUNCACHED, PTEUSER, PTEVALID, PTEWRITE, PTEWT,
};

/// Where device memory is mapped (mem.h's VMAP) and how much.
pub const VMAP: u64 = 0xffff_fe80_0000_0000;
pub const VMAPSIZE: u64 = 1024 * GIB;

/// Physical memory mapped at KZERO: the boot map's first GiB until
/// `mmuinit` maps more.
static KZEROTOP: AtomicU64 = AtomicU64::new(BOOTMAPPED);

extern "C" {
    static _pml4: u8;
    static _pd1: u8;
}

/// The kernel virtual address of physical address `pa`, if mapped.
pub fn kaddr(pa: u64) -> Option<u64> {
    if pa < KZEROTOP.load(Ordering::Relaxed) {
        Some(pa + KZERO)
    } else {
        None
    }
}

/// The physical address of kernel virtual address `va`, if it is in the
/// KZERO window.
pub fn paddr(va: u64) -> Option<u64> {
    if va >= KZERO && va - KZERO < KZEROTOP.load(Ordering::Relaxed) {
        Some(va - KZERO)
    } else {
        None
    }
}

/// Physical memory mapped at KZERO.
pub fn kzerotop() -> u64 {
    KZEROTOP.load(Ordering::Relaxed)
}

/// The physical address of the boot (kernel) PML4.
pub fn kernelpml4() -> u64 {
    paddr(core::ptr::addr_of!(_pml4) as u64).expect("_pml4 in KZERO")
}

/// A zeroed page-table page from xalloc: (va, pa).
fn ptalloc() -> Option<(u64, u64)> {
    let p = crate::kalloc::xspanalloc(BY2PG, BY2PG)? as u64;
    // SAFETY: xspanalloc gave a page of RAM mapped at KZERO that no one
    // else owns.
    unsafe { core::ptr::write_bytes(p as *mut u8, 0, BY2PG as usize) };
    Some((p, paddr(p)?))
}

/// `mmuwalk`: the address of the level-`level` entry for `va` in the
/// tables rooted at `pml4` (kernel virtual), creating missing tables
/// with the given flags if `create`; `None` if one is missing (or a
/// large page is in the way) and not created. `fresh` collects the
/// physical addresses of tables created.
fn mmuwalk(
    pml4: u64,
    va: u64,
    level: u32,
    create: Option<u64>,
    fresh: &mut Vec<u64>,
) -> Option<*mut u64> {
    let mut table = pml4;
    let mut l = 3;
    loop {
        let pte = (table + ptlx(va, l) * 8) as *mut u64;
        if l == level {
            return Some(pte);
        }
        // SAFETY: table is a page-table page mapped at KZERO, and pte
        // one of its 512 entries; page tables are changed only under the
        // caller's lock (or before other processors run).
        let e = unsafe { pte.read_volatile() };
        if e & PTEVALID == 0 {
            let flags = create?;
            let (tva, tpa) = ptalloc()?;
            fresh.push(tpa);
            // SAFETY: as above.
            unsafe { pte.write_volatile(tpa | flags) };
            table = tva;
        } else if e & PTESIZE != 0 {
            return None;
        } else {
            table = kaddr(e & 0x000f_ffff_ffff_f000)?;
        }
        l -= 1;
    }
}

/// Kernel page-table changes are made under this lock.
static KMAPLOCK: crate::taslock::ILock<()> = crate::taslock::ILock::new_const(());

/// `mmuinit` on the boot processor: map the RAM of `map` between 1 GiB
/// and 2 GiB at KZERO, and create the VMAP PDP, so that every PML4
/// made later shares them.
pub fn mmuinit(ramtop: u64) {
    let _g = KMAPLOCK.ilock();
    let top = ramtop.min(2 * GIB);
    if top > BOOTMAPPED {
        let pd1 = core::ptr::addr_of!(_pd1) as u64 as *mut u64;
        let big = pglsz(1);
        let mut pa = BOOTMAPPED;
        while pa < top {
            // SAFETY: _pd1 is the boot PD of KZERO+1GiB (l.rs), present
            // in the PDP and empty; each entry maps one 2 MiB page.
            unsafe {
                pd1.add(((pa - BOOTMAPPED) / big) as usize).write_volatile(
                    pa | PTEACCESSED | PTEDIRTY | PTESIZE | PTEGLOBAL | PTEWRITE | PTEVALID,
                )
            };
            pa += big;
        }
        KZEROTOP.store(pa.min(2 * GIB), Ordering::Release);
    }
    let pml4 = core::ptr::addr_of!(_pml4) as u64;
    let mut fresh = Vec::new();
    let _ = mmuwalk(pml4, VMAP, 2, Some(PTEWRITE | PTEVALID), &mut fresh);
}

/// `mmuinit` on an application processor: nothing to map (it shares
/// the boot processor's tables); its own GDT and TSS and the system
/// call MSRs, as on the boot processor.
pub fn mmuinitap() {
    gdtinit();
}

/// The GDT part of 9front's `mmuinit`: this processor's own GDT (the
/// kernel's segments, the user's UE32SEG/UDSEG/UESEG at privilege 3, and
/// the TSS), its TSS, `ltr`, GS bases, and SYSCALL enabled in EFER with
/// STAR, LSTAR (l.rs's `syscallentry`) and SFMASK (interrupts off on
/// entry) as 9front sets them. The GDT and TSS come from the heap and
/// live for ever (9front: `m->gdt`, `mallocz`'d `m->tss`); no IST
/// stacks.
pub fn gdtinit() {
    use crate::dat::Tss;
    use crate::mem::{
        segpl, NGDTMACH, SEGB, SEGD, SEGDATA, SEGEXEC, SEGG, SEGL, SEGP, SEGR, SEGTSS, SEGW,
        TSSSEG, TSSSEL, UDSEG, UE32SEG, UE32SEL, UESEG, KDSEG, KESEG, KESEL,
    };
    let exec = |p: u32| (0u32, SEGL | SEGP | segpl(p) | SEGEXEC | SEGR);
    let data = |p: u32| (0u32, SEGB | SEGG | SEGP | segpl(p) | SEGDATA | SEGW);
    let exec32 = |p: u32| (0xFFFFu32, SEGG | SEGD | (0xF << 16) | SEGP | segpl(p) | SEGEXEC | SEGR);
    let data32 = |p: u32| (0xFFFFu32, SEGB | SEGG | (0xF << 16) | SEGP | segpl(p) | SEGDATA | SEGW);
    let tss: &'static mut Tss = alloc::boxed::Box::leak(alloc::boxed::Box::new(Tss::new()));
    let x = tss as *mut Tss as u64;
    let mut gdt = [(0u32, 0u32); NGDTMACH as usize];
    gdt[KESEG as usize] = exec(0);
    gdt[KDSEG as usize] = data(0);
    gdt[UE32SEG as usize] = exec32(3);
    gdt[UDSEG as usize] = data32(3);
    gdt[UESEG as usize] = exec(3);
    gdt[TSSSEG as usize] = (
        ((x as u32) << 16) | (core::mem::size_of::<Tss>() as u32 - 1),
        (x as u32 & 0xFF00_0000) | ((x >> 16) as u32 & 0xFF) | SEGTSS | segpl(0) | SEGP,
    );
    gdt[TSSSEG as usize + 1] = ((x >> 32) as u32, 0);
    let g: &'static mut [(u32, u32); NGDTMACH as usize] =
        alloc::boxed::Box::leak(alloc::boxed::Box::new(gdt));
    let mm = crate::dat::m();
    mm.tss.store(tss, Ordering::Release);
    // SAFETY: the new GDT keeps the kernel's code and data descriptors
    // at the same selectors, and it and the TSS are leaked, so they stay
    // put; the TSS descriptor is fresh (available) for ltr. The MSR
    // values are 9front's: SYSCALL enters at syscallentry with KESEL
    // and interrupts off; KernelGSbase is the user's GS base, 0.
    unsafe {
        l::lgdt(g.as_ptr() as u64, (NGDTMACH * 8 - 1) as u16);
        l::ltr(TSSSEL);
        l::wrmsr(l::MSRKGSBASE, 0);
        let efer = l::rdmsr(l::MSREFERX);
        l::wrmsr(l::MSREFERX, efer | l::EFERSCE);
        l::wrmsr(l::MSRSTAR, (UE32SEL as u64) << 48 | (KESEL as u64) << 32);
        l::wrmsr(l::MSRLSTAR, l::syscallentryaddr());
        l::wrmsr(l::MSRSFMASK, 0x200);
    }
}

/// `vmap`: map `size` bytes of physical (device) memory at `pa`,
/// uncached; the virtual address, or `None`.
pub fn vmap(pa: u64, size: u64) -> Option<u64> {
    let base = pa & !(BY2PG - 1);
    let end = pa.checked_add(size)?.checked_add(BY2PG - 1)? & !(BY2PG - 1);
    if end > VMAPSIZE {
        return None;
    }
    let _g = KMAPLOCK.ilock();
    let pml4 = core::ptr::addr_of!(_pml4) as u64;
    let mut fresh = Vec::new();
    let mut p = base;
    while p < end {
        let pte = mmuwalk(pml4, VMAP + p, 0, Some(PTEWRITE | PTEVALID), &mut fresh)?;
        // SAFETY: pte is the level-0 entry for VMAP+p, under KMAPLOCK.
        unsafe { pte.write_volatile(p | PTEWRITE | PTEVALID | PTEUNCACHED | PTEWT | PTEGLOBAL) };
        l::invlpg(VMAP + p);
        p += BY2PG;
    }
    Some(VMAP + pa)
}

/// A process's address space: its PML4 and the table pages below it.
pub struct Pmap {
    pml4: u64,
    pml4pa: u64,
    tables: Vec<u64>,
}

impl Pmap {
    /// A new address space with nothing in the user half and the
    /// kernel's half shared.
    pub fn new() -> Option<Pmap> {
        let (va, pa) = ptalloc()?;
        let k = core::ptr::addr_of!(_pml4) as u64;
        // SAFETY: both are page-table pages mapped at KZERO; the kernel
        // half's entries are copied (they point at shared PDPs).
        unsafe {
            core::ptr::copy_nonoverlapping(
                (k + 256 * 8) as *const u64,
                (va + 256 * 8) as *mut u64,
                256,
            )
        };
        Some(Pmap {
            pml4: va,
            pml4pa: pa,
            tables: Vec::new(),
        })
    }

    /// `putmmu`: map the user page at `va` to physical `pa` with the
    /// PTE bits `flags` (PTEWRITE, ...); valid and user are added.
    pub fn putmmu(&mut self, va: u64, pa: u64, flags: u64) -> bool {
        if va >= 1 << 47 {
            return false;
        }
        let pte = match mmuwalk(
            self.pml4,
            va,
            0,
            Some(PTEWRITE | PTEUSER | PTEVALID),
            &mut self.tables,
        ) {
            Some(p) => p,
            None => return false,
        };
        // SAFETY: pte is the level-0 entry for va in this address
        // space's own tables.
        unsafe { pte.write_volatile(pa | flags | PTEUSER | PTEVALID) };
        if l::getcr3() & !0xfff == self.pml4pa {
            l::invlpg(va);
        }
        true
    }

    /// The PTE for `va`, if there is one (`checkmmu`).
    pub fn lookup(&self, va: u64) -> Option<u64> {
        let mut fresh = Vec::new();
        let pte = mmuwalk(self.pml4, va, 0, None, &mut fresh)?;
        // SAFETY: as in putmmu, read only.
        let e = unsafe { pte.read_volatile() };
        (e & PTEVALID != 0).then_some(e)
    }

    #[allow(dead_code)]
    /// Unmap the user page at `va` (`putmmu` of nothing, as `mmuflush`
    /// does for one page).
    pub fn unmap(&mut self, va: u64) {
        if let Some(e) = self.lookup(va) {
            let _ = e;
            let mut fresh = Vec::new();
            if let Some(pte) = mmuwalk(self.pml4, va, 0, None, &mut fresh) {
                // SAFETY: as in putmmu.
                unsafe { pte.write_volatile(0) };
                if l::getcr3() & !0xfff == self.pml4pa {
                    l::invlpg(va);
                }
            }
        }
    }

    #[allow(dead_code)]
    /// Table pages in use, the PML4 included.
    pub fn ntables(&self) -> usize {
        self.tables.len() + 1
    }
}

impl Drop for Pmap {
    fn drop(&mut self) {
        if l::getcr3() & !0xfff == self.pml4pa {
            // SAFETY: the boot PML4 maps the kernel as every Pmap does.
            unsafe { l::putcr3(kernelpml4()) };
        }
        for &pa in self.tables.iter().chain(core::iter::once(&self.pml4pa)) {
            // Table pages came from xspanalloc, which cannot be freed:
            // put them back as holes directly.
            crate::kalloc::xfreepage(pa);
        }
    }
}

/// `mmuswitch`: the address space of `p`, or the kernel's.
pub fn mmuswitch(p: &crate::sched::Proc) {
    let want = match &p.pmap {
        Some(pm) => pm.pml4pa,
        None => kernelpml4(),
    };
    if l::getcr3() & !0xfff != want {
        // SAFETY: either PML4 maps the kernel half identically.
        unsafe { l::putcr3(want) };
    }
}

/// Load the kernel's own page tables (the scheduler runs on them), if
/// a process's are loaded.
pub fn mmukernel() {
    let k = kernelpml4();
    if l::getcr3() & !0xfff != k {
        // SAFETY: the kernel PML4 maps the kernel half as every PML4 does.
        unsafe { l::putcr3(k) };
    }
}

/// `mmurelease`: drop `p`'s address space.
pub fn mmurelease(p: &mut crate::sched::Proc) {
    p.pmap = None;
}

/// The `len` bytes of physical memory at `pa`, read through the KZERO
/// map, or `None` if any of them is outside it or `pa` is 0.
///
/// Meant for data the boot loader left behind, which nothing in the
/// kernel writes: the Multiboot information, its memory map and command
/// line.
pub fn bootbytes(pa: u64, len: usize) -> Option<&'static [u8]> {
    if pa == 0 || pa.checked_add(len as u64)? > BOOTMAPPED {
        return None;
    }
    let va = kaddr(pa)?;
    // SAFETY: [pa, pa+len) lies below BOOTMAPPED, which l.rs mapped
    // read-write at KZERO for the kernel's lifetime, so the range is
    // readable; it is not null, u8 needs no alignment, and len fits in
    // isize because BOOTMAPPED does. The only memory there that the
    // kernel writes is its own image, page tables and stack; the callers
    // pass only loader data, which is outside that image (the loader
    // must not put it inside the load_addr..bss_end_addr range it was
    // given), so nothing mutates the bytes while the slice lives.
    Some(unsafe { core::slice::from_raw_parts(va as *const u8, len) })
}

/// The NUL-terminated string at physical address `pa`, at most `max`
/// bytes of it, clipped to the KZERO window.
pub fn bootstr(pa: u64, max: usize) -> Option<&'static [u8]> {
    let room = BOOTMAPPED.checked_sub(pa)?;
    let b = bootbytes(pa, max.min(room as usize))?;
    Some(crate::bootargs::cstr(b))
}

/// Physical memory for the ACPI parser: through KZERO where mapped,
/// else through VMAP.
pub struct PhysMem;

impl crate::archacpi::Phys for PhysMem {
    fn read(&self, pa: u64, len: usize) -> Option<alloc::vec::Vec<u8>> {
        let end = pa.checked_add(len as u64)?;
        let va = if end <= kzerotop() {
            kaddr(pa)?
        } else {
            vmap(pa, len as u64)?
        };
        // SAFETY: [va, va+len) is mapped (KZERO or a fresh VMAP
        // mapping of the same physical range) and read only.
        Some(unsafe { core::slice::from_raw_parts(va as *const u8, len) }.to_vec())
    }
}

/// The user page pool (port/page.rs), made by [`pageinit`].
static PALLOC: core::sync::atomic::AtomicPtr<port::page::Pool<crate::sched::Kernel>> =
    core::sync::atomic::AtomicPtr::new(core::ptr::null_mut());

/// Every segment (port/segment.rs), under one lock.
pub static SEGS: crate::taslock::ILock<port::segment::Segs> =
    crate::taslock::ILock::new_const(port::segment::Segs::new());

/// Pages through the KZERO map (9front's `kmap` where the page is
/// below the KZERO limit, as every pool page is).
pub struct KMem;

impl port::page::PageMem for KMem {
    fn zero(&mut self, pa: u64) {
        let va = kaddr(pa).expect("pool page in the KZERO map");
        // SAFETY: a pool page is RAM in the KZERO map owned by the pool
        // user that asked for it.
        unsafe { core::ptr::write_bytes(va as *mut u8, 0, BY2PG as usize) };
    }
    fn copy(&mut self, f: u64, t: u64) {
        let (fv, tv) = (
            kaddr(f).expect("pool page in the KZERO map"),
            kaddr(t).expect("pool page in the KZERO map"),
        );
        // SAFETY: two distinct pool pages in the KZERO map; t belongs to
        // the caller, f is only read.
        unsafe { core::ptr::copy_nonoverlapping(fv as *const u8, tv as *mut u8, BY2PG as usize) };
    }
}

/// `pageinit`: the user page pool over the RAM of `banks` (base, top),
/// clipped to the KZERO map; prints 9front's summary line.
pub fn pageinit(banks: &[(u64, u64)], memory: u64) {
    let top = kzerotop();
    let b: Vec<(u64, u64)> = banks
        .iter()
        .filter_map(|&(base, t)| {
            let base = (base + BY2PG - 1) & !(BY2PG - 1);
            let t = t.min(top) & !(BY2PG - 1);
            (t > base).then(|| (base, (t - base) / BY2PG))
        })
        .collect();
    let pa = port::page::Palloc::new(&b);
    print!("{}\n", pa.summary(memory));
    let pool = alloc::boxed::Box::new(port::page::Pool::new(pa));
    PALLOC.store(alloc::boxed::Box::leak(pool), Ordering::Release);
}

/// The user page pool.
pub fn palloc() -> &'static port::page::Pool<crate::sched::Kernel> {
    let p = PALLOC.load(Ordering::Acquire);
    assert!(!p.is_null(), "pageinit");
    // SAFETY: set once by pageinit to a leaked Box, never freed.
    unsafe { &*p }
}

/// Faults resolved by [`userfault`], and copies made.
pub static NFAULT: AtomicU64 = AtomicU64::new(0);

/// The user half of `faultamd64`: resolve a fault at `addr` in the
/// running process's segments (port/fault.rs) and map the page;
/// whether it was resolved. Waits for memory if there is none.
pub fn userfault(addr: u64, read: bool) -> bool {
    let p = crate::dat::up();
    if p.is_null() {
        return false;
    }
    // SAFETY: p is the running process, alive while it runs; its
    // segment table and address space are its own.
    let p = unsafe { &mut *p };
    let tab = match p.segtab {
        Some(t) => t,
        None => return false,
    };
    let copymode = crate::dat::nmach() > 1;
    loop {
        let r = {
            let mut segs = SEGS.ilock();
            palloc()
                .with(|pa| port::fault::fault(&mut segs, &tab, pa, &mut KMem, addr, read, copymode))
        };
        match r {
            Ok(fix) => {
                let pm = match p.pmap.as_mut() {
                    Some(pm) => pm,
                    None => return false,
                };
                NFAULT.fetch_add(1, Ordering::Relaxed);
                let flags = if fix.write { PTEWRITE } else { 0 };
                return pm.putmmu(fix.va, fix.pa, flags);
            }
            Err(port::fault::Fault::Nomem) => {
                let s = l::spllo();
                let _ = palloc().waitpages(false);
                l::splx(s);
            }
            Err(_) => return false,
        }
    }
}

impl Pmap {
    /// `flushmmu`: forget every user mapping (they come back through
    /// faults), freeing the user half's tables.
    pub fn flush(&mut self) {
        // SAFETY: the PML4 is this address space's own page; clearing
        // its user half unmaps every user page.
        unsafe { core::ptr::write_bytes(self.pml4 as *mut u64, 0, 256) };
        for pa in self.tables.drain(..) {
            crate::kalloc::xfreepage(pa);
        }
        if l::getcr3() & !0xfff == self.pml4pa {
            // SAFETY: reloading the same PML4 flushes the non-global
            // TLB entries, the user ones among them.
            unsafe { l::putcr3(self.pml4pa) };
        }
    }
}
