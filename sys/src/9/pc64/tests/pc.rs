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

#[path = "../../pc/devarch.rs"]
#[allow(dead_code)]
mod devarch;

/// A device table for the host tests of the pc devices: the root device
/// (empty) and the device under test, and a process rooted at `#/`, as
/// port's testdev.rs gives port's own tests.
#[allow(dead_code)]
mod hostdev {
    use alloc::string::String;
    use alloc::sync::Arc;
    use alloc::vec::Vec;

    use plibc::fcall::OREAD;
    use port::chan::setroot;
    use port::dev::{Dev, Devtab};
    use port::devroot::DevRoot;
    use port::portdat::Up;
    use port::sysfile::{sysclose, sysopen, syspread, sysread};

    pub type H = port::portfns::host::Host;
    pub const EVE: &str = "bootes";
    pub const USER: &str = "glenda";

    /// A process running as `user` with `dev` in its device table.
    pub fn hostworld(dev: Arc<dyn Dev<H>>, user: &str) -> Up<H> {
        let root: Arc<dyn Dev<H>> = Arc::new(DevRoot::new(Vec::new()).unwrap());
        let dt = Devtab::new(EVE, alloc::vec![root, dev]).unwrap();
        let mut up = Up::new(Arc::new(dt), user);
        setroot(&mut up, "#/").unwrap();
        up
    }

    /// One read of `name` at `off`.
    pub fn readfile(up: &Up<H>, name: &str, off: i64) -> String {
        let fd = sysopen(up, name, OREAD as u32).unwrap() as i32;
        let mut b = [0u8; 4096];
        let n = syspread(up, fd, &mut b, off).unwrap();
        sysclose(up, fd).unwrap();
        String::from_utf8(b[..n].to_vec()).unwrap()
    }

    /// All of `name`, read in `chunk`-byte reads until end of file.
    pub fn readall(up: &Up<H>, name: &str, chunk: usize) -> String {
        let fd = sysopen(up, name, OREAD as u32).unwrap() as i32;
        let mut out = Vec::new();
        let mut b = alloc::vec![0u8; chunk];
        loop {
            let n = sysread(up, fd, &mut b).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&b[..n]);
        }
        sysclose(up, fd).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The names, modes and lengths of the directory `name`.
    pub fn ls(up: &Up<H>, name: &str) -> Vec<(String, u32, u64)> {
        let fd = sysopen(up, name, OREAD as u32).unwrap() as i32;
        let mut b = [0u8; 4096];
        let n = sysread(up, fd, &mut b).unwrap();
        sysclose(up, fd).unwrap();
        let mut out = Vec::new();
        let mut p = &b[..n];
        while !p.is_empty() {
            let (d, m) = plibc::fcall::Dir::decode_prefix(p).unwrap();
            out.push((String::from(d.name.as_str().unwrap()), d.mode, d.length));
            p = &p[m..];
        }
        out
    }

    /// The error string of a result.
    pub fn err<T: core::fmt::Debug>(r: port::Result<T>) -> String {
        match r {
            Ok(v) => panic!("expected an error, got {v:?}"),
            Err(e) => String::from(e.as_str()),
        }
    }
}
