//! Program start-up: what 9front's `amd64/main9.s` does for a C program
//! (set up `argv0`, call `main`, exit), for planten's Rust programs.
//!
//! A command is a `#![no_std]`, `#![no_main]` crate that names its main
//! function with [`main!`](crate::main):
//!
//! ```ignore
//! #![no_std]
//! #![no_main]
//! libc::main!(main);
//! fn main(argv: Vec<String>) { ... libc::exits("") }
//! ```
//!
//! The macro defines the entry point the backend needs: on Linux, C's
//! `main`, called by the C runtime; natively, 9front's `_main`, which
//! planten's exec jumps to (`amd64/main9.rs`). Returning from the
//! program's main function exits with an empty (successful) status.

use alloc::string::String;
use alloc::vec::Vec;

pub(crate) static ARGV0: spin::Mutex<String> = spin::Mutex::new(String::new());

/// The program's name for messages (9front's `argv0`): `argv[0]` as the
/// program was started, unless the program set another.
pub fn argv0() -> String {
    ARGV0.lock().clone()
}

/// Sets `argv0`, as 9front programs assign it (`argv0 = "cat"`).
pub fn set_argv0(name: &str) {
    *ARGV0.lock() = name.into();
}

/// Runs the program: records `argv0`, calls `main` with the arguments and
/// exits with "" when it returns.
pub fn start(main: fn(Vec<String>)) -> ! {
    let argv = crate::syscall::args();
    set_argv0(argv.first().map(|s| s.as_str()).unwrap_or(""));
    main(argv);
    crate::syscall::exits("")
}

/// Names the program's main function, `fn(Vec<String>)`, defined in the
/// same module.
#[cfg(all(feature = "linux", not(feature = "native")))]
#[macro_export]
macro_rules! main {
    ($main:ident) => {
        #[doc(hidden)]
        mod __libc_main9 {
            #[no_mangle]
            pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
                $crate::main9::start(super::$main)
            }
        }
    };
}

/// Names the program's main function, `fn(Vec<String>)`, defined in the
/// same module. Natively the program gets 9front's entry `_main`, which
/// the kernel's exec starts (see `amd64/main9.rs`).
#[cfg(feature = "native")]
#[macro_export]
macro_rules! main {
    ($main:ident) => {
        #[doc(hidden)]
        mod __libc_main9 {
            extern "C" fn start() -> ! {
                $crate::main9::start(super::$main)
            }
            $crate::__main9_entry!(start);
        }
    };
}
