//! How the guest's exit status crosses `isa-debug-exit`.
//!
//! QEMU's `isa-debug-exit` device (at I/O port 0xf4) makes QEMU exit with
//! status `(v << 1) | 1` when the guest writes `v`. QEMU also exits with 1
//! when it fails on its own (a bad option, an unloadable kernel), so the
//! kernel never writes 0: it writes [`BIAS`]` + status`, and 1 stays an error
//! of QEMU's. A plain 0 from QEMU means the guest reset or QEMU was shut down
//! without going through the device.

/// Added by the kernel to the status it writes to the exit port.
pub const BIAS: i32 = 0x10;
/// The status the kernel reports after a panic.
pub const PANIC: i32 = 0x6f;

/// What a QEMU exit code says about the guest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The guest powered off through the exit device with this status.
    Guest(i32),
    /// The guest panicked.
    Panic,
    /// QEMU stopped without the guest's say: an error, a reset, a signal.
    Qemu(Option<i32>),
}

/// Decodes QEMU's exit code (`None` when QEMU was killed by a signal).
pub fn decode(code: Option<i32>) -> Exit {
    match code {
        Some(c) if c & 1 == 1 && (c >> 1) >= BIAS => {
            let s = (c >> 1) - BIAS;
            if s == PANIC {
                Exit::Panic
            } else {
                Exit::Guest(s)
            }
        }
        other => Exit::Qemu(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_guest_statuses() {
        assert_eq!(decode(Some(((BIAS) << 1) | 1)), Exit::Guest(0));
        assert_eq!(decode(Some(((BIAS + 3) << 1) | 1)), Exit::Guest(3));
        assert_eq!(decode(Some(((BIAS + PANIC) << 1) | 1)), Exit::Panic);
    }

    #[test]
    fn qemu_errors_are_not_guest_statuses() {
        assert_eq!(decode(Some(1)), Exit::Qemu(Some(1)));
        assert_eq!(decode(Some(0)), Exit::Qemu(Some(0)));
        assert_eq!(decode(Some(2)), Exit::Qemu(Some(2)));
        assert_eq!(decode(None), Exit::Qemu(None));
    }
}
