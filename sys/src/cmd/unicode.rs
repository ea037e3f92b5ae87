//! unicode: a port of 9front's `sys/src/cmd/unicode.c` (manual: ascii(1)).
//!
//! `unicode hexmin-hexmax ...` lists the runes of each range, eight to a
//! line as `%.4x %C` separated by tabs; `unicode hex ...` prints each rune
//! on a line (with `-t` all of them as one text, no newlines); `unicode
//! [-n] text ...` prints the hex value of each rune of the text. Which of
//! the three is chosen by the first argument, as in 9front: a `-` in it
//! (without `-n`) makes ranges, a first byte that is not a hex digit (or
//! `-n`) makes text. Hex numbers are read as 9front's `strtoul(s, &e, 16)`
//! reads them (an optional `0x`, 32-bit overflow to all ones). Unknown
//! flags are ignored, as 9front's ARGBEGIN without a default ignores
//! them. Runes are encoded as 9front's `runetochar` does, surrogates
//! included.
//!
//! What differs: planten's libc hands arguments over as UTF-8 strings with
//! invalid sequences already replaced by U+FFFD, so `invalid utf string`
//! (9front's check in `nums`) cannot be reached.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use libc::arg::Args;
use libc::rune::{chartorune, push_rune, RUNEMAX};
use libc::strtoul::strtoul;
use libc::syscall::{exits, write_all, Fd};

libc::main!(main);

const USAGE: &str = "unicode { [-t] hex hex ... | hexmin-hexmax ... | [-n] char ... }";
const HEX: &[u8] = b"0123456789abcdefABCDEF";

/// Buffered standard output (9front's `bout`).
struct Out(Vec<u8>);

impl Out {
    fn put(&mut self, b: &[u8]) {
        self.0.extend_from_slice(b);
        if self.0.len() >= 8192 {
            self.flush();
        }
    }
    fn rune(&mut self, r: u32) {
        let mut b = Vec::new();
        push_rune(&mut b, r);
        self.put(&b);
    }
    fn flush(&mut self) {
        let _ = write_all(Fd::STDOUT, &self.0);
        self.0.clear();
    }
}

fn ishex(b: Option<&u8>) -> bool {
    b.is_some_and(|c| HEX.contains(c))
}

/// A hex value that is a rune: the value read must fit an int and be at
/// most Runemax.
fn runeval(v: u32) -> Option<u32> {
    ((v as i32) >= 0 && v <= RUNEMAX).then_some(v)
}

fn range(out: &mut Out, argv: &[String]) -> &'static str {
    for a in argv {
        let q = a.as_bytes();
        let bad = |out: &mut Out| {
            out.flush();
            let _ = libc::fprint!(Fd::STDERR, "unicode: bad range {a}\n");
            "bad range"
        };
        if !ishex(q.first()) {
            return bad(out);
        }
        let (min, n) = strtoul(q, 16);
        let Some(mut min) = runeval(min) else { return bad(out) };
        if q.get(n) != Some(&b'-') {
            return bad(out);
        }
        let q = &q[n + 1..];
        if !ishex(q.first()) {
            return bad(out);
        }
        let (max, n) = strtoul(q, 16);
        let Some(max) = runeval(max) else { return bad(out) };
        if max < min || n != q.len() {
            return bad(out);
        }
        let mut i = 0;
        loop {
            out.put(alloc::format!("{min:04x} ").as_bytes());
            out.rune(min);
            i += 1;
            out.put(if min == max || i & 7 == 0 { b"\n" } else { b"\t" });
            min += 1;
            if min > max {
                break;
            }
        }
    }
    ""
}

fn nums(out: &mut Out, argv: &[String]) -> &'static str {
    for a in argv {
        let mut q = a.as_bytes();
        while !q.is_empty() {
            let (r, w) = chartorune(q);
            out.put(alloc::format!("{r:04x}\n").as_bytes());
            q = &q[w..];
        }
    }
    ""
}

fn chars(out: &mut Out, argv: &[String], text: bool) -> &'static str {
    for a in argv {
        let q = a.as_bytes();
        // 9front's strchr(hex, q[0]) also finds the terminating NUL, so an
        // empty argument is the value 0.
        let v = if q.is_empty() {
            Some(0)
        } else if !ishex(q.first()) {
            None
        } else {
            let (m, n) = strtoul(q, 16);
            runeval(m).filter(|_| n == q.len())
        };
        let Some(m) = v else {
            out.flush();
            let _ = libc::fprint!(Fd::STDERR, "unicode: bad unicode value {a}\n");
            return "bad char";
        };
        out.rune(m);
        if !text {
            out.put(b"\n");
        }
    }
    ""
}

fn main(argv: Vec<String>) {
    let mut a = Args::new(argv);
    let mut numout = false;
    let mut text = false;
    while let Some(c) = a.next_flag() {
        match c {
            'n' => numout = true,
            't' => text = true,
            _ => {}
        }
    }
    let argv = a.rest();
    if argv.is_empty() {
        let _ = libc::fprint!(Fd::STDERR, "usage: {USAGE}\n");
        exits("usage");
    }
    let mut out = Out(Vec::new());
    let st = if !numout && argv[0].contains('-') {
        range(&mut out, &argv)
    } else if numout || !(argv[0].is_empty() || ishex(argv[0].as_bytes().first())) {
        nums(&mut out, &argv)
    } else {
        chars(&mut out, &argv, text)
    };
    out.flush();
    exits(st);
}
