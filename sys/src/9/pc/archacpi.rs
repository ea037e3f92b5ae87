//! ACPI: finding the root table, the RSDT/XSDT walk, and the MADT
//! (the processors' local APIC ids, the I/O APICs and the ISA interrupt
//! overrides).
//!
//! Ports the table parts of 9front `sys/src/9/pc/archacpi.c` (`Rsd`,
//! `Tbl`, `maptable`, `maptables`, `findtable`, the MADT loop of
//! `acpiinit` with its second pass for interrupt source overrides,
//! `addirq`'s identity-mapped legacy ISA interrupts, and `identify`'s
//! `*acpi=` switch) and `rsdsearch`/`sigsearch`/`sigscan` of
//! `pc/memory.c`. The parsing is pure (tables are read through
//! [`Phys`]), so its tests run on the host (`cargo test -p pc64`).
//!
//! Not ported: the AML interpreter (`amlinit`, `_PIC`, `_PRT` PCI
//! interrupt links, the embedded controller), `acpireset`, the HPET,
//! `#P/acpitbls` and `#P/acpimem`, `memcheck`/`memreserve`. Where 9front
//! panics with no MADT, [`madt`] returns `None` and the kernel keeps the
//! i8259 (as 9front's `identify` does when there is no "APIC" table).
//! Disabled processors and duplicate APIC ids are skipped as 9front does;
//! the first processor listed is the boot processor.

use alloc::vec::Vec;

/// Size of a table header (`Tblsz`).
pub const TBLSZ: usize = 36;

/// Physical memory, as the parser reads it.
pub trait Phys {
    /// `len` bytes at physical address `pa`, or `None` if not readable.
    fn read(&self, pa: u64, len: usize) -> Option<Vec<u8>>;
}

fn get16(p: &[u8]) -> u16 {
    u16::from_le_bytes([p[0], p[1]])
}
fn get32(p: &[u8]) -> u32 {
    u32::from_le_bytes([p[0], p[1], p[2], p[3]])
}
fn get64(p: &[u8]) -> u64 {
    (get32(&p[4..]) as u64) << 32 | get32(p) as u64
}

/// `checksum`: whether the bytes sum to 0 mod 256.
pub fn checksum(p: &[u8]) -> bool {
    p.iter().fold(0u8, |a, &b| a.wrapping_add(b)) == 0
}

/// `sigscan`: the offset of the first `sig` at a multiple of `step` in
/// `b` whose `size` bytes (if `size` > 0) check.
pub fn sigscan(b: &[u8], sig: &[u8], size: usize, step: usize) -> Option<usize> {
    let need = size.max(sig.len());
    let mut o = 0;
    while o + need <= b.len() {
        if &b[o..o + sig.len()] == sig && (size == 0 || checksum(&b[o..o + size])) {
            return Some(o);
        }
        o += step;
    }
    None
}

/// `rsdsearch`: the physical address of the root pointer, looked for
/// in the first KiB of the EBDA, the KiB below 640 KiB and the BIOS ROM
/// (0xE0000-0xFFFFF), a 36-byte (ACPI 2) one first.
pub fn rsdsearch(m: &dyn Phys) -> Option<u64> {
    let sig = b"RSD PTR ";
    let ebda = m
        .read(0x40E, 2)
        .map(|b| (get16(&b) as u64) << 4)
        .filter(|&a| a != 0);
    let mut areas: Vec<(u64, usize)> = Vec::new();
    if let Some(e) = ebda {
        areas.push((e, 1024));
    }
    areas.push((0xA0000 - 1024, 1024));
    areas.push((0xE0000, 128 * 1024));
    for size in [36, 20] {
        for &(pa, len) in &areas {
            if let Some(b) = m.read(pa, len) {
                if let Some(o) = sigscan(&b, sig, size, 16) {
                    return Some(pa + o as u64);
                }
            }
        }
    }
    None
}

/// A table found by [`maptables`].
#[derive(Clone, Debug)]
pub struct Tbl {
    #[allow(dead_code)]
    pub pa: u64,
    /// The whole table, header included.
    pub data: Vec<u8>,
}

impl Tbl {
    /// Its signature.
    pub fn sig(&self) -> &[u8] {
        &self.data[..4]
    }
    /// The bytes after the header.
    pub fn body(&self) -> &[u8] {
        &self.data[TBLSZ..]
    }
}

/// At most this many tables, as 9front's `tblmap`.
const NTBL: usize = 64;

/// `maptables`: every table reachable from the root pointer at `rsdpa`
/// (RSDT, and XSDT if revision 2 or later; their entries; the FACP's
/// FACS and DSDT), each once, each with a valid checksum.
pub fn maptables(m: &dyn Phys, rsdpa: u64) -> Vec<Tbl> {
    let mut seen = Vec::new();
    let mut tbls = Vec::new();
    let rsd = match m.read(rsdpa, 36) {
        Some(r) => r,
        None => return tbls,
    };
    if checksum(&rsd[..20]) {
        maptable(m, get32(&rsd[16..]) as u64, &mut seen, &mut tbls);
    }
    if rsd[15] >= 2 && checksum(&rsd[..36]) {
        maptable(m, get64(&rsd[24..]), &mut seen, &mut tbls);
    }
    tbls
}

fn maptable(m: &dyn Phys, pa: u64, seen: &mut Vec<u64>, tbls: &mut Vec<Tbl>) {
    if pa == 0 || pa.wrapping_neg() < 8 || seen.len() >= NTBL || tbls.len() >= NTBL {
        return;
    }
    if seen.contains(&pa) {
        return;
    }
    seen.push(pa);
    let h = match m.read(pa, 8) {
        Some(h) => h,
        None => return,
    };
    let l = get32(&h[4..]) as usize;
    if l < TBLSZ || l >= 0x1000_0000 || pa.wrapping_neg() < l as u64 {
        return;
    }
    let t = match m.read(pa, l) {
        Some(t) => t,
        None => return,
    };
    if !checksum(&t) {
        return;
    }
    let sig: [u8; 4] = [t[0], t[1], t[2], t[3]];
    tbls.push(Tbl {
        pa,
        data: t.clone(),
    });
    match &sig {
        b"RSDT" => {
            for e in t[TBLSZ..].chunks_exact(4) {
                maptable(m, get32(e) as u64, seen, tbls);
            }
        }
        b"XSDT" => {
            for e in t[TBLSZ..].chunks_exact(8) {
                maptable(m, get64(e), seen, tbls);
            }
        }
        b"FACP" => {
            if l < 44 {
                return;
            }
            maptable(m, get32(&t[40..]) as u64, seen, tbls);
            if l < 148 {
                return;
            }
            maptable(m, get64(&t[140..]), seen, tbls);
        }
        _ => {}
    }
}

/// `findtable`: the first table with signature `sig`.
pub fn findtable<'a>(tbls: &'a [Tbl], sig: &[u8; 4]) -> Option<&'a Tbl> {
    tbls.iter().find(|t| t.sig() == sig)
}

/// A processor of the MADT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lapic {
    pub apicno: u32,
    pub machno: usize,
    /// The boot processor (`PcmpBP`): the first listed.
    pub bp: bool,
}

/// An I/O APIC of the MADT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IoapicEntry {
    pub apicno: u32,
    pub paddr: u64,
    pub gsibase: u32,
}

/// An ISA interrupt and where it arrives (`addirq`'s `PCMPintr`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Isaintr {
    pub irq: u32,
    pub gsi: u32,
    /// MPS INTI flags: polarity (bits 0-1) and trigger (bits 2-3).
    pub flags: u16,
}

/// What `acpiinit` takes from the MADT.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Madt {
    pub lapicaddr: u64,
    pub lapics: Vec<Lapic>,
    pub ioapics: Vec<IoapicEntry>,
    /// The ISA bus's interrupts: overrides first, then the identity
    /// mapped IRQs 0-15 not overridden.
    pub isa: Vec<Isaintr>,
}

/// `MaxAPICNO`.
pub const MAXAPICNO: u32 = 255;
const PCMPEN: u8 = 1;

/// Parse the body of an "APIC" table (the MADT) as `acpiinit` does.
pub fn parsemadt(body: &[u8]) -> Option<Madt> {
    if body.len() < 8 {
        return None;
    }
    let mut m = Madt {
        lapicaddr: get32(body) as u64,
        ..Madt::default()
    };
    let s = &body[8..];
    let entries = || {
        let mut o = 0;
        core::iter::from_fn(move || {
            if o + 2 > s.len() {
                return None;
            }
            let c = s[o + 1] as usize;
            if c < 2 || o + c > s.len() {
                return None;
            }
            let e = &s[o..o + c];
            o += c;
            Some(e)
        })
    };
    for p in entries() {
        match p[0] {
            0x00 if p.len() >= 8 => {
                let apicno = p[3] as u32;
                let en = p[4] & PCMPEN != 0;
                if apicno > MAXAPICNO || !en || m.lapics.iter().any(|l| l.apicno == apicno) {
                    continue;
                }
                let machno = m.lapics.len();
                m.lapics.push(Lapic {
                    apicno,
                    machno,
                    bp: machno == 0,
                });
            }
            0x01 if p.len() >= 12 => {
                m.ioapics.push(IoapicEntry {
                    apicno: p[2] as u32,
                    paddr: get32(&p[4..]) as u64,
                    gsibase: get32(&p[8..]),
                });
            }
            _ => {}
        }
    }
    // Second pass: interrupt source overrides (VirtualBox lists them
    // before the I/O APICs).
    for p in entries() {
        if p[0] == 0x02 && p.len() >= 10 {
            addirq(&mut m.isa, p[3] as u32, get32(&p[4..]), get16(&p[8..]));
        }
    }
    for i in 0..16 {
        addirq(&mut m.isa, i, i, 0);
    }
    Some(m)
}

/// `addirq` for the ISA bus: the first entry for an IRQ wins.
fn addirq(isa: &mut Vec<Isaintr>, irq: u32, gsi: u32, flags: u16) {
    if isa.iter().any(|a| a.irq == irq) {
        return;
    }
    isa.push(Isaintr {
        irq,
        gsi,
        flags: flags & 0x0F,
    });
}

/// `identify` and the table part of `acpiinit`: the MADT, unless
/// `*acpi=0` turns ACPI off or there is no root pointer or MADT.
pub fn acpimadt(m: &dyn Phys, acpiconf: Option<&[u8]>) -> Option<Madt> {
    if acpiconf == Some(b"0") {
        return None;
    }
    let rsd = rsdsearch(m)?;
    let tbls = maptables(m, rsd);
    let t = findtable(&tbls, b"APIC")?;
    parsemadt(t.body())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Memory made of byte runs at addresses.
    struct Mem(BTreeMap<u64, Vec<u8>>);

    impl Phys for Mem {
        fn read(&self, pa: u64, len: usize) -> Option<Vec<u8>> {
            let end = pa + len as u64;
            // Low memory reads as zeros where nothing was put, as a PC's
            // would; above it only what was put can be read.
            let mut v = vec![0u8; len];
            let mut covered = 0;
            for (&a, b) in &self.0 {
                let (s, e) = (a.max(pa), (a + b.len() as u64).min(end));
                if s < e {
                    v[(s - pa) as usize..(e - pa) as usize]
                        .copy_from_slice(&b[(s - a) as usize..(e - a) as usize]);
                    covered += e - s;
                }
            }
            (end <= 0x10_0000 || covered == len as u64).then_some(v)
        }
    }

    fn fix(t: &mut [u8], at: usize) {
        t[at] = 0;
        let s = t.iter().fold(0u8, |a, &b| a.wrapping_add(b));
        t[at] = s.wrapping_neg();
    }

    fn table(sig: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut t = vec![0u8; TBLSZ];
        t[..4].copy_from_slice(sig);
        t[4..8].copy_from_slice(&((TBLSZ + body.len()) as u32).to_le_bytes());
        t[8] = 1;
        t.extend_from_slice(body);
        fix(&mut t, 9);
        t
    }

    /// QEMU's MADT for -smp 4: four processors, one I/O APIC at
    /// 0xFEC00000, overrides for IRQ 0 (to GSI 2) and the level-
    /// triggered, active-high 5, 9, 10 and 11.
    fn qemumadt() -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&0xFEE0_0000u32.to_le_bytes());
        b.extend_from_slice(&1u32.to_le_bytes());
        for id in 0..4u8 {
            b.extend_from_slice(&[0, 8, id, id, 1, 0, 0, 0]);
        }
        b.extend_from_slice(&[1, 12, 0, 0]);
        b.extend_from_slice(&0xFEC0_0000u32.to_le_bytes());
        b.extend_from_slice(&0u32.to_le_bytes());
        b.extend_from_slice(&[2, 10, 0, 0, 2, 0, 0, 0, 0, 0]);
        for irq in [5u8, 9, 10, 11] {
            b.extend_from_slice(&[2, 10, 0, irq, irq, 0, 0, 0, 0x0D, 0]);
        }
        b
    }

    fn machine(xsdt: bool) -> Mem {
        let mut mem = BTreeMap::new();
        let madt = table(b"APIC", &qemumadt());
        let facp = table(b"FACP", &[0u8; 8]);
        mem.insert(0x1FFE_1000, madt);
        mem.insert(0x1FFE_2000, facp);
        let mut rsdt_body = Vec::new();
        rsdt_body.extend_from_slice(&0x1FFE_2000u32.to_le_bytes());
        rsdt_body.extend_from_slice(&0x1FFE_1000u32.to_le_bytes());
        // A bad entry is skipped.
        rsdt_body.extend_from_slice(&0x1FFE_3000u32.to_le_bytes());
        mem.insert(0x1FFE_3000, vec![0xFF; 64]);
        let (root, rev, xaddr) = if xsdt {
            let mut x = Vec::new();
            x.extend_from_slice(&0x1FFE_1000u64.to_le_bytes());
            mem.insert(0x1FFE_4000, table(b"XSDT", &x));
            (0x1FFE_5000u32, 2u8, 0x1FFE_4000u64)
        } else {
            (0x1FFE_0000u32, 0u8, 0)
        };
        mem.insert(root as u64, table(b"RSDT", &rsdt_body));
        let mut rsd = vec![0u8; 36];
        rsd[..8].copy_from_slice(b"RSD PTR ");
        rsd[9..15].copy_from_slice(b"BOCHS ");
        rsd[15] = rev;
        rsd[16..20].copy_from_slice(&root.to_le_bytes());
        rsd[20..24].copy_from_slice(&36u32.to_le_bytes());
        rsd[24..32].copy_from_slice(&xaddr.to_le_bytes());
        fix(&mut rsd[..20], 8);
        fix(&mut rsd[..36], 32);
        // In the BIOS area, 16-aligned, after a decoy with a bad sum.
        let mut rom = vec![0u8; 0x100];
        rom[0x40..0x48].copy_from_slice(b"RSD PTR ");
        rom[0x80..0x80 + 36].copy_from_slice(&rsd);
        mem.insert(0xF5A00, rom);
        Mem(mem)
    }

    #[test]
    fn finds_root_and_madt() {
        for x in [false, true] {
            let m = machine(x);
            assert_eq!(rsdsearch(&m), Some(0xF5A80), "decoy skipped");
            let t = maptables(&m, 0xF5A80);
            let sigs: Vec<&[u8]> = t.iter().map(|t| t.sig()).collect();
            assert!(sigs.contains(&&b"APIC"[..]), "{sigs:?}");
            assert_eq!(
                t.iter().filter(|t| t.sig() == b"APIC").count(),
                1,
                "a table reached twice is mapped once"
            );
            let madt = acpimadt(&m, None).unwrap();
            assert_eq!(madt.lapicaddr, 0xFEE0_0000);
            assert_eq!(madt.lapics.len(), 4);
            assert!(madt.lapics[0].bp && !madt.lapics[1].bp);
            assert_eq!(madt.lapics[3].machno, 3);
            assert_eq!(
                madt.ioapics,
                vec![IoapicEntry {
                    apicno: 0,
                    paddr: 0xFEC0_0000,
                    gsibase: 0
                }]
            );
            // IRQ 0 arrives at GSI 2; 9 is level, active high.
            assert_eq!(
                madt.isa[0],
                Isaintr {
                    irq: 0,
                    gsi: 2,
                    flags: 0
                }
            );
            let i9 = madt.isa.iter().find(|a| a.irq == 9).unwrap();
            assert_eq!((i9.gsi, i9.flags), (9, 0x0D));
            let i4 = madt.isa.iter().find(|a| a.irq == 4).unwrap();
            assert_eq!((i4.gsi, i4.flags), (4, 0));
            assert_eq!(madt.isa.len(), 16);
        }
    }

    #[test]
    fn acpi_off_or_absent() {
        let m = machine(false);
        assert!(acpimadt(&m, Some(b"0")).is_none(), "*acpi=0");
        assert!(acpimadt(&Mem(BTreeMap::new()), None).is_none());
    }

    #[test]
    fn madt_skips_disabled_and_duplicate_processors() {
        let mut b = Vec::new();
        b.extend_from_slice(&0xFEE0_0000u32.to_le_bytes());
        b.extend_from_slice(&0u32.to_le_bytes());
        b.extend_from_slice(&[0, 8, 0, 5, 1, 0, 0, 0]);
        b.extend_from_slice(&[0, 8, 1, 6, 0, 0, 0, 0]); // disabled
        b.extend_from_slice(&[0, 8, 2, 5, 1, 0, 0, 0]); // duplicate id
        b.extend_from_slice(&[0, 8, 3, 7, 1, 0, 0, 0]);
        b.extend_from_slice(&[9, 1]); // bad length: stop
        b.extend_from_slice(&[0, 8, 4, 8, 1, 0, 0, 0]);
        let m = parsemadt(&b).unwrap();
        let ids: Vec<u32> = m.lapics.iter().map(|l| l.apicno).collect();
        assert_eq!(ids, vec![5, 7]);
        assert_eq!(m.lapics[1].machno, 1);
        assert!(parsemadt(&[0; 4]).is_none());
    }

    #[test]
    fn checksums_and_scans() {
        assert!(checksum(&[1, 0xFF]));
        assert!(!checksum(&[1, 2]));
        let mut b = vec![0u8; 64];
        b[17..25].copy_from_slice(b"RSD PTR ");
        assert_eq!(sigscan(&b, b"RSD PTR ", 0, 16), None, "only at steps");
        b[32..40].copy_from_slice(b"RSD PTR ");
        assert_eq!(sigscan(&b, b"RSD PTR ", 0, 16), Some(32));
    }
}
