//! A guest under QEMU, driven through its serial console.
//!
//! QEMU runs under TCG with COM1 on a pair of pipes. A thread collects
//! everything the guest prints into a transcript; [`Guest::expect`] waits,
//! with a timeout, for text to appear after what was already matched, and
//! [`Guest::send`] types at the console. Every failure carries the whole
//! transcript and QEMU's own messages, so a failing test shows what the guest
//! said. Dropping a `Guest` kills its QEMU, so tests can run guests in
//! parallel without leaking any.

use std::fmt;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::status::{self, Exit};

/// How to boot a guest.
#[derive(Debug, Clone)]
pub struct Options {
    /// The kernel image; `None` builds the pc64 kernel.
    pub kernel: Option<PathBuf>,
    /// Number of CPUs (`-smp`).
    pub smp: u32,
    /// Memory in MiB (`-m`).
    pub mem: u32,
    /// The kernel command line (`-append`).
    pub append: String,
    /// Further QEMU arguments.
    pub qemu_args: Vec<String>,
    /// How long each wait for the guest may take.
    pub timeout: Duration,
    /// Copy the console to our stdout as it arrives.
    pub echo: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            kernel: None,
            smp: 1,
            mem: 512,
            append: String::new(),
            qemu_args: Vec::new(),
            timeout: Duration::from_secs(30),
            echo: false,
        }
    }
}

/// The QEMU arguments, less stdio handling, for `kernel` and `opts`.
pub fn qemu_args(kernel: &std::path::Path, opts: &Options) -> Vec<String> {
    let mut a: Vec<String> = vec![
        "-kernel".into(),
        kernel.display().to_string(),
        "-m".into(),
        opts.mem.to_string(),
        "-smp".into(),
        opts.smp.to_string(),
        "-accel".into(),
        "tcg".into(),
        "-nodefaults".into(),
        "-display".into(),
        "none".into(),
        "-monitor".into(),
        "none".into(),
        "-serial".into(),
        "stdio".into(),
        "-no-reboot".into(),
        "-device".into(),
        "isa-debug-exit,iobase=0xf4,iosize=0x04".into(),
    ];
    if !opts.append.is_empty() {
        a.push("-append".into());
        a.push(opts.append.clone());
    }
    a.extend(opts.qemu_args.iter().cloned());
    a
}

/// Why a guest did not do what was expected, with everything it said.
pub struct Failure {
    /// What went wrong.
    pub what: String,
    /// The console transcript.
    pub transcript: String,
    /// QEMU's standard error.
    pub stderr: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.what)?;
        writeln!(f, "--- console transcript ---")?;
        write!(f, "{}", self.transcript)?;
        if !self.transcript.ends_with('\n') {
            writeln!(f)?;
        }
        writeln!(f, "--- end of transcript ---")?;
        if !self.stderr.is_empty() {
            writeln!(f, "--- qemu stderr ---\n{}", self.stderr.trim_end())?;
        }
        Ok(())
    }
}

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Failure {}

#[derive(Default)]
struct Output {
    bytes: Vec<u8>,
    eof: bool,
}

type Shared = Arc<(Mutex<Output>, Condvar)>;

fn collect(mut r: impl Read + Send + 'static, echo: bool) -> Shared {
    let shared: Shared = Arc::new((Mutex::new(Output::default()), Condvar::new()));
    let s = shared.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        loop {
            let n = r.read(&mut buf).unwrap_or(0);
            let (lock, cv) = &*s;
            let mut o = lock.lock().unwrap_or_else(|e| e.into_inner());
            if n == 0 {
                o.eof = true;
                cv.notify_all();
                return;
            }
            if echo {
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(&buf[..n]);
                let _ = out.flush();
            }
            o.bytes.extend_from_slice(&buf[..n]);
            cv.notify_all();
        }
    });
    shared
}

/// A running guest.
pub struct Guest {
    child: Child,
    stdin: Option<ChildStdin>,
    console: Shared,
    stderr: Shared,
    /// How far [`Guest::expect`] has matched.
    cursor: usize,
    timeout: Duration,
    started: Instant,
}

impl Guest {
    /// Boots a guest: builds the kernel if none is given, finds QEMU
    /// (installing it if need be) and starts it.
    pub fn boot(opts: &Options) -> Result<Guest, Failure> {
        let fail = |what: String| Failure {
            what,
            transcript: String::new(),
            stderr: String::new(),
        };
        let kernel = match &opts.kernel {
            Some(k) => k.clone(),
            None => crate::kernel::build().map_err(fail)?,
        };
        let qemu = crate::install::ensure(&mut |m| eprintln!("qemu: {m}")).map_err(fail)?;
        let mut child = Command::new(&qemu)
            .args(qemu_args(&kernel, opts))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| fail(format!("cannot start {}: {e}", qemu.display())))?;
        let console = collect(child.stdout.take().expect("piped stdout"), opts.echo);
        let stderr = collect(child.stderr.take().expect("piped stderr"), false);
        Ok(Guest {
            stdin: child.stdin.take(),
            child,
            console,
            stderr,
            cursor: 0,
            timeout: opts.timeout,
            started: Instant::now(),
        })
    }

    /// Time since QEMU started.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Sets the timeout of later waits.
    pub fn set_timeout(&mut self, t: Duration) {
        self.timeout = t;
    }

    /// Everything the guest has printed so far.
    pub fn transcript(&self) -> String {
        let o = self.console.0.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&o.bytes).into_owned()
    }

    fn stderr_text(&self) -> String {
        let o = self.stderr.0.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&o.bytes).into_owned()
    }

    /// A failure report for `what`, with the transcript.
    pub fn failure(&self, what: impl Into<String>) -> Failure {
        Failure {
            what: what.into(),
            transcript: self.transcript(),
            stderr: self.stderr_text(),
        }
    }

    /// Waits until `find` locates something in the console output after the
    /// cursor; `find` returns the match's (start, end) in the text it is
    /// given. Returns the text from the cursor to the end of the match, and
    /// moves the cursor past it.
    fn wait_for<F>(&mut self, what: &str, mut find: F) -> Result<String, Failure>
    where
        F: FnMut(&str) -> Option<(usize, usize)>,
    {
        let deadline = Instant::now() + self.timeout;
        let (lock, cv) = &*self.console;
        let mut o = lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let text = String::from_utf8_lossy(&o.bytes[self.cursor..]).into_owned();
            if let Some((_, end)) = find(&text) {
                // Map the end back to bytes: lossy text can differ in length
                // only where the output was not UTF-8.
                let consumed = text[..end].to_string();
                let advance = if text.len() == o.bytes.len() - self.cursor {
                    end
                } else {
                    o.bytes.len() - self.cursor
                };
                self.cursor += advance;
                return Ok(consumed);
            }
            if o.eof {
                drop(o);
                return Err(self.failure(format!("console closed while waiting for {what}")));
            }
            let now = Instant::now();
            if now >= deadline {
                drop(o);
                return Err(self.failure(format!(
                    "timed out after {:?} waiting for {what}",
                    self.timeout
                )));
            }
            o = cv
                .wait_timeout(o, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Waits for `text` to appear on the console.
    pub fn expect(&mut self, text: &str) -> Result<String, Failure> {
        let t = text.to_string();
        self.wait_for(&format!("{text:?}"), |s| {
            s.find(&t).map(|i| (i, i + t.len()))
        })
    }

    /// Waits for a match of the regular expression `re`; returns its capture
    /// groups (group 0 is the whole match).
    pub fn expect_re(&mut self, re: &str) -> Result<Vec<String>, Failure> {
        let rx =
            regex::Regex::new(re).map_err(|e| self.failure(format!("bad regex {re:?}: {e}")))?;
        let mut caps = Vec::new();
        self.wait_for(&format!("/{re}/"), |s| {
            let c = rx.captures(s)?;
            caps = c
                .iter()
                .map(|m| m.map(|m| m.as_str().to_string()).unwrap_or_default())
                .collect();
            let m = c.get(0)?;
            Some((m.start(), m.end()))
        })?;
        Ok(caps)
    }

    /// Types `s` at the console.
    pub fn send(&mut self, s: &str) -> Result<(), Failure> {
        let r = match self.stdin.as_mut() {
            Some(w) => w.write_all(s.as_bytes()).and_then(|_| w.flush()),
            None => Err(std::io::Error::other("console input closed")),
        };
        r.map_err(|e| self.failure(format!("cannot type at the console: {e}")))
    }

    /// Waits for QEMU to exit and says how the guest ended. A guest still
    /// running at the timeout is killed, and that is a failure.
    pub fn wait(&mut self) -> Result<Exit, Failure> {
        let deadline = Instant::now() + self.timeout;
        loop {
            match self.child.try_wait() {
                Ok(Some(st)) => {
                    // Let the collector drain the pipe.
                    let (lock, cv) = &*self.console;
                    let mut o = lock.lock().unwrap_or_else(|e| e.into_inner());
                    let until = Instant::now() + Duration::from_secs(2);
                    while !o.eof && Instant::now() < until {
                        o = cv
                            .wait_timeout(o, Duration::from_millis(50))
                            .unwrap_or_else(|e| e.into_inner())
                            .0;
                    }
                    return Ok(status::decode(st.code()));
                }
                Ok(None) => {}
                Err(e) => return Err(self.failure(format!("cannot wait for qemu: {e}"))),
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                return Err(self.failure(format!(
                    "guest did not power off within {:?}; killed it",
                    self.timeout
                )));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits for the guest to power off with status 0.
    pub fn expect_poweroff(&mut self) -> Result<(), Failure> {
        match self.wait()? {
            Exit::Guest(0) => Ok(()),
            other => Err(self.failure(format!("guest ended badly: {other:?}"))),
        }
    }
}

impl Drop for Guest {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
