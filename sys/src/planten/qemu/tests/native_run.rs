//! Native programs run before planten's kernel can exec them: a Linux
//! process started from a native binary is traced with ptrace, and each
//! 9front system call it makes (the number in RARG = BP, the arguments at
//! SP+8..., as 9front's amd64 ABI has them) is carried out in its place,
//! most by turning it into the Linux call that does the same (pread at
//! offset -1 into read, open into openat, brk_ into an anonymous mapping
//! above the bss, exits into exit_group), the error string kept here as
//! the kernel keeps it (errstr swaps). That runs the whole native path of
//! a command: 9front's entry (`_main` with argc and argv on the stack),
//! libc's allocator growing the heap with brk, formatting and one write
//! per print, and `exits` with the status; it checks that path, not the
//! kernel (whose error strings and devices differ from this stand-in).
//!
//! The tracer needs ptrace and raw memory access, so this test file uses
//! unsafe code (crates.io's `libc`), each use with a SAFETY comment; it is
//! test scaffolding of the host and nothing links it into planten.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use libc as lx;

fn built() -> &'static [PathBuf] {
    static BUILT: OnceLock<Vec<PathBuf>> = OnceLock::new();
    BUILT.get_or_init(|| qemu::native::build(false).unwrap_or_else(|e| panic!("{e}")))
}

fn bin(name: &str) -> PathBuf {
    let p = built().iter().find(|p| p.file_name().is_some_and(|n| n == name));
    p.unwrap_or_else(|| panic!("{name} not installed")).clone()
}

// 9front's system-call numbers (libc/9syscall/sys.h).
const CLOSE: u64 = 4;
const DUP: u64 = 5;
const EXITS: u64 = 8;
const BRK: u64 = 24;
const OPEN: u64 = 14;
const CREATE: u64 = 22;
const SEEK: u64 = 39;
const ERRSTR: u64 = 41;
const PREAD: u64 = 50;
const PWRITE: u64 = 51;
const NSEC: u64 = 53;

/// How a program ended.
#[derive(Debug)]
struct Run {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    /// The status it gave `exits`, or why it did not.
    status: Result<String, String>,
    /// The 9front system calls it made, by number.
    calls: HashMap<u64, usize>,
}

/// What to do when the traced call returns.
enum After {
    /// The Linux call's result, -errno mapped to -1 and an error string.
    Linux,
    /// `seek`: the offset goes to this address, the result is 0.
    Seek(u64),
    /// `brk_`: the mapping of [from, to) was asked for.
    Brk(u64, u64),
    /// The call was done here (or refused); this is its result.
    Value(i64),
}

struct Tracee {
    pid: i32,
    errstr: String,
    /// The end of the memory mapped for the bss and the heap.
    brktop: u64,
    status: Option<String>,
    calls: HashMap<u64, usize>,
}

fn regs(pid: i32) -> lx::user_regs_struct {
    // SAFETY: user_regs_struct is plain data; PTRACE_GETREGS fills it for
    // a tracee stopped under us.
    unsafe {
        let mut r: lx::user_regs_struct = std::mem::zeroed();
        let ok = lx::ptrace(lx::PTRACE_GETREGS, pid, std::ptr::null_mut::<lx::c_void>(), &mut r as *mut _ as *mut lx::c_void);
        assert_eq!(ok, 0, "PTRACE_GETREGS");
        r
    }
}

fn setregs(pid: i32, r: &lx::user_regs_struct) {
    // SAFETY: as for regs; the kernel copies the structure in.
    let ok = unsafe { lx::ptrace(lx::PTRACE_SETREGS, pid, std::ptr::null_mut::<lx::c_void>(), r as *const _ as *mut lx::c_void) };
    assert_eq!(ok, 0, "PTRACE_SETREGS");
}

/// Reads `n` bytes of the tracee's memory at `addr`.
fn peek(pid: i32, addr: u64, n: usize) -> Vec<u8> {
    let mut b = vec![0u8; n];
    let local = lx::iovec { iov_base: b.as_mut_ptr().cast(), iov_len: n };
    let remote = lx::iovec { iov_base: addr as *mut lx::c_void, iov_len: n };
    // SAFETY: `local` is our buffer of n bytes; the kernel checks `remote`.
    let got = unsafe { lx::process_vm_readv(pid, &local, 1, &remote, 1, 0) };
    b.truncate(got.max(0) as usize);
    b
}

/// Writes `b` into the tracee's memory at `addr`.
fn poke(pid: i32, addr: u64, b: &[u8]) {
    let local = lx::iovec { iov_base: b.as_ptr() as *mut lx::c_void, iov_len: b.len() };
    let remote = lx::iovec { iov_base: addr as *mut lx::c_void, iov_len: b.len() };
    // SAFETY: the kernel only reads `local` and checks `remote`.
    let put = unsafe { lx::process_vm_writev(pid, &local, 1, &remote, 1, 0) };
    assert_eq!(put, b.len() as isize, "process_vm_writev");
}

/// The NUL-terminated string at `addr` (at most `max` bytes).
fn peekstr(pid: i32, addr: u64, max: usize) -> String {
    let mut out = Vec::new();
    while out.len() < max {
        let chunk = peek(pid, addr + out.len() as u64, 64.min(max - out.len()));
        if chunk.is_empty() {
            break;
        }
        match chunk.iter().position(|&c| c == 0) {
            Some(i) => {
                out.extend_from_slice(&chunk[..i]);
                return String::from_utf8_lossy(&out).into_owned();
            }
            None => out.extend_from_slice(&chunk),
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Linux open flags for a 9front mode (libc.h's OREAD.. and OTRUNC,
/// OCEXEC).
fn oflags(mode: u64) -> u64 {
    let mut f = match mode & 3 {
        1 => lx::O_WRONLY,
        2 => lx::O_RDWR,
        _ => lx::O_RDONLY,
    } as u64;
    if mode & 16 != 0 {
        f |= lx::O_TRUNC as u64;
    }
    if mode & 32 != 0 {
        f |= lx::O_CLOEXEC as u64;
    }
    f
}

/// 9front's text for a Linux errno, where the two name the same thing.
fn errtext(e: i32) -> String {
    match e {
        lx::ENOENT => "file does not exist".into(),
        lx::EACCES | lx::EPERM => "permission denied".into(),
        lx::EBADF => "fd out of range or not open".into(),
        lx::EISDIR => "file is a directory".into(),
        lx::ENOMEM => "no memory".into(),
        e => format!("linux errno {e}"),
    }
}

const PAGE: u64 = 4096;

impl Tracee {
    /// A call is entered: carry it out, or rewrite it into a Linux one.
    fn enter(&mut self, r: &mut lx::user_regs_struct) -> After {
        let nr = r.rbp;
        *self.calls.entry(nr).or_default() += 1;
        let w = peek(self.pid, r.rsp + 8, 40);
        let a: Vec<u64> = w.chunks(8).map(|c| u64::from_le_bytes(c.try_into().unwrap())).collect();
        let int = |x: u64| x as u32 as i32 as i64 as u64;
        let mut linux = |no: i64, args: &[u64]| {
            r.orig_rax = no as u64;
            let slots = [&mut r.rdi, &mut r.rsi, &mut r.rdx, &mut r.r10, &mut r.r8, &mut r.r9];
            for (s, v) in slots.into_iter().zip(args) {
                *s = *v;
            }
        };
        match nr {
            PREAD if int(a[3]) as i64 == -1 => linux(lx::SYS_read, &[int(a[0]), a[1], int(a[2])]),
            PREAD => linux(lx::SYS_pread64, &[int(a[0]), a[1], int(a[2]), a[3]]),
            PWRITE if int(a[3]) as i64 == -1 => linux(lx::SYS_write, &[int(a[0]), a[1], int(a[2])]),
            PWRITE => linux(lx::SYS_pwrite64, &[int(a[0]), a[1], int(a[2]), a[3]]),
            OPEN => linux(lx::SYS_openat, &[lx::AT_FDCWD as u64, a[0], oflags(a[1]), 0]),
            CREATE => linux(
                lx::SYS_openat,
                &[lx::AT_FDCWD as u64, a[0], oflags(a[1]) | (lx::O_CREAT | lx::O_TRUNC) as u64, a[2] & 0o777],
            ),
            CLOSE => linux(lx::SYS_close, &[int(a[0])]),
            DUP if int(a[1]) as i64 == -1 => linux(lx::SYS_dup, &[int(a[0])]),
            DUP => linux(lx::SYS_dup2, &[int(a[0]), int(a[1])]),
            SEEK => {
                linux(lx::SYS_lseek, &[int(a[1]), a[2], int(a[3])]);
                return After::Seek(a[0]);
            }
            BRK => {
                let top = (a[0] + PAGE - 1) & !(PAGE - 1);
                if top <= self.brktop {
                    linux(-1, &[]);
                    return After::Value(0);
                }
                let flags = (lx::MAP_PRIVATE | lx::MAP_ANONYMOUS | lx::MAP_FIXED) as u64;
                let prot = (lx::PROT_READ | lx::PROT_WRITE) as u64;
                linux(lx::SYS_mmap, &[self.brktop, top - self.brktop, prot, flags, u64::MAX, 0]);
                return After::Brk(self.brktop, top);
            }
            EXITS => {
                let msg = if a[0] == 0 { String::new() } else { peekstr(self.pid, a[0], 128) };
                linux(lx::SYS_exit_group, &[(!msg.is_empty()) as u64]);
                self.status = Some(msg);
            }
            ERRSTR => {
                // port/sysproc.c generrstr: swap, each cut to the buffer.
                let n = (a[1] as usize).min(128);
                let new = peekstr(self.pid, a[0], n);
                let mut old = std::mem::replace(&mut self.errstr, new).into_bytes();
                old.truncate(n.saturating_sub(1));
                old.push(0);
                poke(self.pid, a[0], &old);
                linux(-1, &[]);
                return After::Value(0);
            }
            NSEC => {
                linux(-1, &[]);
                let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
                return After::Value(t.as_nanos() as i64);
            }
            _ => {
                self.errstr = format!("no system call {nr} in the tracer");
                linux(-1, &[]);
                return After::Value(-1);
            }
        }
        After::Linux
    }

    /// The call returns: give the program 9front's result.
    fn exit(&mut self, r: &mut lx::user_regs_struct, after: After) {
        let got = r.rax as i64;
        // (a call done here was skipped by Linux, whose ENOSYS is not ours)
        let failed = !matches!(after, After::Value(_)) && (-4095..0).contains(&got);
        if failed {
            self.errstr = errtext(-got as i32);
        }
        let v = match after {
            After::Value(v) => v,
            _ if failed => -1,
            After::Linux => got,
            After::Seek(at) => {
                poke(self.pid, at, &got.to_le_bytes());
                0
            }
            After::Brk(from, to) => {
                assert_eq!(got as u64, from, "mmap for brk");
                self.brktop = to;
                0
            }
        };
        r.rax = v as u64;
    }
}

/// The end of the program's loaded memory (its last PT_LOAD), page
/// rounded: where the heap's mappings begin.
fn loadtop(path: &std::path::Path) -> u64 {
    let b = std::fs::read(path).unwrap();
    let u16le = |o: usize| u16::from_le_bytes(b[o..o + 2].try_into().unwrap()) as usize;
    let u64le = |o: usize| u64::from_le_bytes(b[o..o + 8].try_into().unwrap());
    let (phoff, phentsize, phnum) = (u64le(32) as usize, u16le(54), u16le(56));
    let top = (0..phnum)
        .map(|i| phoff + i * phentsize)
        .filter(|&o| u32::from_le_bytes(b[o..o + 4].try_into().unwrap()) == 1)
        .map(|o| u64le(o + 16) + u64le(o + 40))
        .max()
        .unwrap();
    (top + PAGE - 1) & !(PAGE - 1)
}

/// Runs the native `name` with `args` and `input` on its standard input
/// under the tracer.
fn run(name: &str, args: &[&str], input: &[u8]) -> Run {
    let path = bin(name);
    let mut cmd = Command::new(&path);
    cmd.arg0(name).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    // SAFETY: between fork and exec the child only asks to be traced, an
    // async-signal-safe system call.
    unsafe {
        cmd.pre_exec(|| {
            if lx::ptrace(lx::PTRACE_TRACEME, 0, std::ptr::null_mut::<lx::c_void>(), std::ptr::null_mut::<lx::c_void>()) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("spawn under ptrace");
    let pid = child.id() as i32;
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let outr = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = so.read_to_end(&mut v);
        v
    });
    let errr = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = se.read_to_end(&mut v);
        v
    });
    let mut t = Tracee { pid, errstr: String::new(), brktop: loadtop(&path), status: None, calls: HashMap::new() };
    let mut st: lx::c_int = 0;
    // SAFETY: waiting for our own child; `st` is valid for the call.
    unsafe { lx::waitpid(pid, &mut st, 0) };
    assert!(lx::WIFSTOPPED(st), "not stopped at exec: {st:#x}");
    // SAFETY: options for our stopped tracee.
    unsafe {
        lx::ptrace(
            lx::PTRACE_SETOPTIONS,
            pid,
            std::ptr::null_mut::<lx::c_void>(),
            (lx::PTRACE_O_TRACESYSGOOD | lx::PTRACE_O_EXITKILL) as *mut lx::c_void,
        );
    }
    let mut pending: Option<After> = None;
    let mut sig = 0;
    let status = loop {
        // SAFETY: resuming our stopped tracee until the next system-call
        // stop, passing on the signal it stopped with, if any.
        unsafe { lx::ptrace(lx::PTRACE_SYSCALL, pid, std::ptr::null_mut::<lx::c_void>(), sig as *mut lx::c_void) };
        sig = 0;
        // SAFETY: as above.
        unsafe { lx::waitpid(pid, &mut st, 0) };
        if lx::WIFEXITED(st) {
            break t.status.clone().ok_or_else(|| format!("exited {} without exits", lx::WEXITSTATUS(st)));
        }
        if lx::WIFSIGNALED(st) {
            break Err(format!("killed by signal {}", lx::WTERMSIG(st)));
        }
        let s = lx::WSTOPSIG(st);
        if s != (lx::SIGTRAP | 0x80) {
            if s == lx::SIGSEGV || s == lx::SIGILL || s == lx::SIGBUS || s == lx::SIGFPE {
                let r = regs(pid);
                // SAFETY: ending our tracee.
                unsafe { lx::kill(pid, lx::SIGKILL) };
                // SAFETY: reaping it.
                unsafe { lx::waitpid(pid, &mut st, 0) };
                break Err(format!("signal {s} at pc {:#x}", r.rip));
            }
            sig = s;
            continue;
        }
        let mut r = regs(pid);
        match pending.take() {
            None => {
                pending = Some(t.enter(&mut r));
                setregs(pid, &r);
            }
            Some(after) => {
                t.exit(&mut r, after);
                setregs(pid, &r);
            }
        }
    };
    feeder.join().unwrap();
    drop(child);
    Run { stdout: outr.join().unwrap(), stderr: errr.join().unwrap(), status, calls: t.calls }
}

fn text(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap()
}

#[test]
fn echo_prints_its_arguments_and_exits_with_an_empty_status() {
    let r = run("echo", &["hello", "wörld", ""], b"");
    assert_eq!(text(&r.stdout), "hello wörld \n", "{r:?}");
    assert_eq!(r.status, Ok(String::new()), "{r:?}");
    // echo.c: the whole line in one write
    assert_eq!(r.calls.get(&PWRITE), Some(&1), "{r:?}");
    let r = run("echo", &["-n", "x"], b"");
    assert_eq!(text(&r.stdout), "x");
}

#[test]
fn cat_copies_standard_input() {
    let input: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    let r = run("cat", &[], &input);
    assert_eq!(r.status, Ok(String::new()), "{:?}", r.status);
    assert_eq!(r.stdout, input);
    assert!(r.calls[&PREAD] >= 2);
}

#[test]
fn a_missing_file_is_an_error_status() {
    let r = run("cat", &["/nonexistent/planten"], b"");
    // cat.c: sysfatal("can't open %s: %r"): argv0 and the message on
    // standard error, the message as the status; %r is the error string
    // the (here: the tracer's) kernel set.
    let msg = "can't open /nonexistent/planten: file does not exist";
    assert_eq!(r.status.as_deref(), Ok(msg), "{r:?}");
    assert_eq!(text(&r.stderr), format!("cat: {msg}\n"), "{r:?}");
}

#[test]
fn sort_grows_the_heap_with_brk() {
    // 30000 lines of 7 bytes: far beyond the first growth of the heap.
    let lines: Vec<String> = (0..30000u32).map(|i| format!("{:06}", (i * 7919) % 30000)).collect();
    let mut want = lines.clone();
    want.sort();
    let r = run("sort", &[], (lines.join("\n") + "\n").as_bytes());
    assert_eq!(r.status, Ok(String::new()), "{:?} {}", r.status, text(&r.stderr));
    assert_eq!(text(&r.stdout), want.join("\n") + "\n");
    assert!(r.calls[&BRK] >= 2, "{:?}", r.calls);
}

#[test]
fn digests_and_translations_match_their_definitions() {
    // FIPS 180's test vector.
    let r = run("sha1sum", &[], b"abc");
    assert!(text(&r.stdout).starts_with("a9993e364706816aba3e25717850c26c9cd0d89d"), "{r:?}");
    let r = run("tr", &["a-z", "A-Z"], b"hello, planten\n");
    assert_eq!(text(&r.stdout), "HELLO, PLANTEN\n", "{r:?}");
    let r = run("seq", &["3"], b"");
    assert_eq!(text(&r.stdout), "1\n2\n3\n", "{r:?}");
}

#[test]
fn grep_selects_lines_and_says_when_none_match() {
    let r = run("grep", &["^b"], b"a\nb\nbc\ncb\n");
    assert_eq!(text(&r.stdout), "b\nbc\n", "{r:?}");
    assert_eq!(r.status.as_deref(), Ok(""), "{r:?}");
    // grep/main.c: exits("no matches") when nothing matched
    let r = run("grep", &["x"], b"a\nb\n");
    assert_eq!(text(&r.stdout), "", "{r:?}");
    assert_eq!(r.status.as_deref(), Ok("no matches"), "{r:?}");
}

#[test]
fn rc_interprets_and_exits_with_its_status() {
    // The native rc reads /rc/lib/rcmain, as 9front's; on the host it is
    // the repository's.
    let rcmain = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../../rc/lib/rcmain");
    let r = run("rc", &["-m", rcmain, "-c", "x=(a b c); exit $#x"], b"");
    // rc's exit: the status is the word given.
    assert_eq!(r.status.as_deref(), Ok("3"), "{r:?}");
    // Exporting x goes through putenv, creating /env/x (putenv.c); the
    // host has no /env, so rc reports it, as 9front's rc would without
    // #e bound.
    assert!(r.calls[&CREATE] >= 1, "{:?}", r.calls);
    for l in text(&r.stderr).lines() {
        assert_eq!(l, "rc: can't open: file does not exist", "{r:?}");
    }
}
