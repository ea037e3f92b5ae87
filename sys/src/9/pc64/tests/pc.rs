//! Host tests of the kernel's pure, machine-independent logic.
//!
//! No 9front counterpart. The kernel binary itself cannot be tested on
//! the host (it is `no_std`, `no_main`), but the modules below depend
//! on little or nothing else in the kernel, so their `#[cfg(test)]`
//! tests are compiled here, with std, by path. Run with
//! `cargo test -p pc64`.

extern crate alloc;

#[path = "../../pc/archacpi.rs"]
#[allow(dead_code)]
mod archacpi;
#[path = "../../pc/bootargs.rs"]
#[allow(dead_code)]
mod bootargs;
#[path = "../../pc/devrtc.rs"]
#[allow(dead_code)]
mod devrtc;
#[path = "../../pc/memory.rs"]
#[allow(dead_code)]
mod memory;
#[path = "../../pc/uarti8250.rs"]
#[allow(dead_code)]
mod uarti8250;

/// Stand-ins for the port I/O of l.rs, enough for uarti8250 to compile;
/// its tests do not touch the hardware.
#[allow(dead_code)]
mod l {
    /// # Safety
    /// None needed: this touches nothing.
    pub unsafe fn inb(_port: u16) -> u8 {
        0x20
    }
    /// # Safety
    /// None needed: this touches nothing.
    pub unsafe fn outb(_port: u16, _v: u8) {}
}
