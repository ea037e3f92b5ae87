//! The physical memory map.
//!
//! Ports a first, small part of 9front `sys/src/9/pc/memory.c`: the
//! classification of BIOS E820 ranges that `e820scan` does (type 1 is
//! RAM, the rest is not), and the total of usable RAM that `meminit`
//! feeds to `conf.mem`. Differences: 9front receives the ranges as the
//! `*e820=` configuration text that bootargs.c builds; planten takes
//! them as [`E820`] values directly. Instead of adding them to a memmap
//! and mapping RAM at KZERO, this only reports them, one `e820:` line
//! per range, and sums the RAM. When the loader gives no memory map, the
//! two Multiboot sizes (KiB below 640 KiB and above 1 MiB) stand in
//! for it ([`lowupper`]); 9front would probe memory with `ramscan`.
//! Not ported: memmap, UMB/UPA allocation, MTRR checks, the BIOS and
//! ACPI table searches, `ramscan`, `mapkzero`, `meminit`'s conf.mem
//! banks.
//!
//! This file refers to nothing else in the kernel, so its tests run on
//! the host: `cargo test -p pc64` compiles it into `pc64/tests/pc.rs`.

use core::fmt;

const MIB: u64 = 1024 * 1024;

/// E820 range types.
pub const E820RAM: u32 = 1;
pub const E820RESERVED: u32 = 2;
pub const E820ACPI: u32 = 3;
pub const E820NVS: u32 = 4;
pub const E820UNUSABLE: u32 = 5;

/// A range of physical memory, [base, top), of an E820 type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct E820 {
    pub base: u64,
    pub top: u64,
    pub typ: u32,
}

impl E820 {
    /// A range given by its base and length; a range that would run past
    /// the top of the address space ends there.
    pub fn new(base: u64, len: u64, typ: u32) -> Self {
        E820 {
            base,
            top: base.saturating_add(len),
            typ,
        }
    }
}

/// The name of an E820 type, or `None` for one without a name.
pub fn e820name(typ: u32) -> Option<&'static str> {
    match typ {
        E820RAM => Some("memory"),
        E820RESERVED => Some("reserved"),
        E820ACPI => Some("acpi reclaim"),
        E820NVS => Some("acpi nvs"),
        E820UNUSABLE => Some("unusable"),
        _ => None,
    }
}

/// `e820: base top type`, base and top in 16 hex digits, the type by
/// name or else by number.
impl fmt::Display for E820 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "e820: {:016x} {:016x} ", self.base, self.top)?;
        match e820name(self.typ) {
            Some(n) => f.write_str(n),
            None => write!(f, "{}", self.typ),
        }
    }
}

/// Bytes of usable RAM (type 1) in `map`. Empty or inverted ranges
/// count nothing, as e820scan skips them.
pub fn ramtotal(map: impl IntoIterator<Item = E820>) -> u64 {
    map.into_iter()
        .filter(|e| e.typ == E820RAM && e.top > e.base)
        .fold(0u64, |t, e| t.saturating_add(e.top - e.base))
}

/// Whole MiB in `bytes`, rounded down.
pub fn mib(bytes: u64) -> u64 {
    bytes / MIB
}

/// The memory map implied by the Multiboot `mem_lower` and `mem_upper`
/// (KiB of RAM from 0 and from 1 MiB).
pub fn lowupper(lower_kib: u32, upper_kib: u32) -> [E820; 2] {
    [
        E820::new(0, lower_kib as u64 * 1024, E820RAM),
        E820::new(MIB, upper_kib as u64 * 1024, E820RAM),
    ]
}

/// Print `map`, one line each, then the total RAM as `<N>M memory`
/// (whole MiB, rounded down; port/page.c's pageinit rounds up). Returns
/// the total in bytes.
pub fn e820print<W: fmt::Write>(
    w: &mut W,
    map: impl Iterator<Item = E820> + Clone,
) -> Result<u64, fmt::Error> {
    for e in map.clone() {
        writeln!(w, "{}", e)?;
    }
    let total = ramtotal(map);
    writeln!(w, "{}M memory", mib(total))?;
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        assert_eq!(
            E820::new(0, 0x9fc00, 1).to_string(),
            "e820: 0000000000000000 000000000009fc00 memory"
        );
        assert_eq!(
            E820::new(0xfffc0000, 0x40000, 2).to_string(),
            "e820: 00000000fffc0000 0000000100000000 reserved"
        );
        assert_eq!(
            E820::new(0, 1, 3).to_string().rsplit(' ').next(),
            Some("reclaim")
        );
        assert_eq!(
            E820::new(0, 1, 12).to_string(),
            "e820: 0000000000000000 0000000000000001 12"
        );
        assert_eq!(E820::new(u64::MAX - 1, 10, 1).top, u64::MAX);
    }

    #[test]
    fn totals() {
        // QEMU -m 512 under SeaBIOS.
        let map = [
            E820::new(0, 0x9fc00, 1),
            E820::new(0x9fc00, 0x400, 2),
            E820::new(0xf0000, 0x10000, 2),
            E820::new(0x100000, 0x1fee0000, 1),
            E820::new(0x1ffe0000, 0x20000, 2),
            E820::new(0xfffc0000, 0x40000, 2),
        ];
        assert_eq!(mib(ramtotal(map)), 511);
        let mut s = String::new();
        let t = e820print(&mut s, map.iter().copied()).unwrap();
        assert_eq!(t, ramtotal(map));
        assert_eq!(s.lines().count(), 7);
        assert_eq!(s.lines().last(), Some("511M memory"));
        assert_eq!(
            ramtotal([E820 {
                base: 5,
                top: 1,
                typ: 1
            }]),
            0
        );
    }

    #[test]
    fn fallback() {
        let m = lowupper(639, 523264);
        assert_eq!(m[0].top, 639 * 1024);
        assert_eq!(
            m[1],
            E820 {
                base: MIB,
                top: MIB + 523264 * 1024,
                typ: 1
            }
        );
        assert_eq!(mib(ramtotal(m)), 511);
    }
}
