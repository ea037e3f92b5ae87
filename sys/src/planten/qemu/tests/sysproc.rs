//! The process system calls from user space: `utest` (sys/src/planten/
//! utest) run in the booted system (`rcmd=`), its output compared with
//! what 9front does, each line derived from 9front's manual pages
//! (semacquire(2), segattach(2), segbrk(2), segflush(2), exec(2),
//! notify(2), alarm(2), dup(2)) or sources (port/sysproc.c,
//! port/segment.c, port/chan.c, port/sysfile.c, port/proc.c).

/// Run `script` in rc on a booted planten (see `qemu::rc::run`).
fn rc(script: &str, smp: u32) -> (String, bool) {
    qemu::rc::run(script, smp)
}

/// `utest cmd` on `smp` processors, requiring success.
fn utest(cmd: &str, smp: u32) -> String {
    let (out, ok) = rc(&format!("utest {cmd}\n"), smp);
    assert!(ok, "utest {cmd} failed:\n{out}");
    out
}

/// Ebadarg of port/error.h.
const EBADARG: &str = "error 'bad arg in system call'";

fn sem_expected() -> String {
    [
        // Two procs sharing memory hand two semaphores back and forth:
        // each semacquire takes what the other's semrelease gave, in
        // order, and both words end at 0.
        "pingpong: 1000 of 1000",
        "words after: 0 0",
        // semacquire(2): without block, 0 when the semaphore is 0.
        "acquire nonblocking: 0",
        // tsemacquire waits at most ms milliseconds and returns 0 on a
        // time-out; with 0 ms it does not wait (sysproc.c's
        // tsemacquire); a release by another proc in time makes it 1.
        "tsemacquire 200ms: 0 waited>=190ms: true",
        "tsemacquire 0ms: 0",
        "tsemacquire released: 1",
        // semrelease adds count and returns the new value; a count of 0
        // is a no-op, not a release (sysproc.c); three releases let
        // three acquires through and no more.
        "release 3: 3",
        "release 0: 3",
        "acquire x4: 1 1 1 0",
        // A negative count, or a negative word, is Ebadarg
        // (syssemrelease, syssemacquire).
        &format!("release -1: {EBADARG}"),
        &format!("acquire negative: {EBADARG}"),
        &format!("release negative: {EBADARG}"),
        // A word in a read-only segment, or in none, fails validaddr
        // for writing: the process gets "sys: bad address in syscall"
        // and, without a handler, dies with it; pexit's wait message
        // is "text pid: note" (proc.c).
        "acquire text: utest N: sys: bad address in syscall",
        "acquire unmapped: utest N: sys: bad address in syscall",
        // A note interrupts a blocked semacquire: it fails with
        // "interrupted" (the waserror in sysproc.c's semacquire) and
        // the handler sees the note, "alarm" (alarm(2)).
        "acquire interrupted: error 'interrupted'",
        "note: alarm",
        "",
    ]
    .join("\n")
}

#[test]
fn semaphores() {
    assert_eq!(utest("sem", 1), sem_expected());
}

#[test]
fn semaphores_on_two_processors() {
    // The compare-and-swap on the shared word is atomic between
    // processors: no hand-off is lost or doubled.
    assert_eq!(utest("sem", 2), sem_expected());
}

#[test]
fn segments() {
    let out = utest("seg", 1);
    let expected = [
        // segattach(2) with va 0 finds the highest hole below the stack
        // (USTKTOP 0x7ffffffff000 less USTKSIZE 16 MiB, less the length
        // rounded up to pages: 5000 bytes are 2 pages), segment.c.
        "attach shared: 0x7ffffeffd000",
        // "shared" segments are shared with children made by rfork;
        // "memory" ones are private like the bss (segment.c's
        // physseg[]: SG_SHARED and SG_BSS), so a child's write stays
        // its own.
        "child wrote shared: hello status ''",
        "attach memory: 0x10000000",
        "child wrote memory: mine status ''",
        // An unknown name, a zero length, an address at or above the
        // stack's top are Ebadarg; an overlap with an existing segment
        // is Esoverlap (segattach in segment.c).
        &format!("attach no such: {EBADARG}"),
        &format!("attach len 0: {EBADARG}"),
        &format!("attach above stack: {EBADARG}"),
        "attach overlap: error 'segments overlap'",
        "attach over text: error 'segments overlap'",
        // segbrk(2) moves the end of a bss-like segment (ibrk returns
        // 0), not into another segment (Esoverlap), never the text, and
        // an address in no segment is Ebadarg (syssegbrk).
        "segbrk memory: 0",
        "after segbrk: top",
        "segbrk into shared: error 'segments overlap'",
        &format!("segbrk text: {EBADARG}"),
        &format!("segbrk nowhere: {EBADARG}"),
        // segfree frees the whole pages of the range (they come back
        // zero), does nothing for a range holding no whole page, and
        // refuses a range ending past its segment or in none
        // (syssegfree).
        "segfree: 0",
        "after segfree: .....",
        "segfree part page: 0",
        "after part: mine",
        &format!("segfree past end: {EBADARG}"),
        &format!("segfree nowhere: {EBADARG}"),
        // segflush(2): every page of the range must be in a segment.
        "segflush: 0",
        &format!("segflush nowhere: {EBADARG}"),
        // segdetach: any address in the segment; then it is gone
        // (Ebadarg); the stack cannot be detached (syssegdetach); a
        // touch of the detached range is a fault, whose note
        // (faultamd64: "sys: trap: fault read addr=...") kills.
        "segdetach: 0",
        &format!("segdetach again: {EBADARG}"),
        &format!("segdetach stack: {EBADARG}"),
        "touch detached: utest N: sys: trap: fault read addr=0x7ffffeffd000",
        // Attached again: the hole below the stack, zero-filled.
        "attach again: 0x7ffffeffe000 ..",
        "",
    ]
    .join("\n");
    assert_eq!(out, expected);
}

#[test]
fn exec_errors_and_scripts() {
    let out = utest("exec", 1);
    let expected = [
        // namec's errors carry the name: "%s: %#q" (chan.c); /tmp is a
        // ramfs, whose walk error is lib9p's "file not found" and whose
        // open of a file without x permission for OEXEC is "permission
        // denied".
        "missing: error 'file not found: '/tmp/nonexistent''",
        "not executable: error 'permission denied: '/tmp/noexec''",
        // Neither a binary nor a #! line: Ebadexec (sysexec); so is a
        // file too short for a header, a #! line with no newline or no
        // words (shargs), and a script whose interpreter is a script
        // (sysexec's indir).
        "bad header: error 'exec header invalid'",
        "short elf: error 'exec header invalid'",
        "no newline: error 'exec header invalid'",
        "empty #!: error 'exec header invalid'",
        "missing interpreter: error 'file not found: '/tmp/nonexistent''",
        "script interpreter: error 'exec header invalid'",
        // A nil argv[0] is Ebadarg (sysexec).
        &format!("no arguments: {EBADARG}"),
        // exec(2): a #! script runs its interpreter with the words of
        // the line (tokenize's quotes kept together), then the file's
        // name, then the arguments but the first; echo prints them
        // from its argv[1].
        "one two three /tmp/script arg1",
        "script status: ''",
        "",
    ]
    .join("\n");
    assert_eq!(out, expected);
}

#[test]
fn alarm_and_descriptors() {
    let out = utest("alarm", 1) + &utest("fd", 1);
    let expected = [
        // alarm(2): no previous alarm, 0; the alarm's note interrupts a
        // read of an empty pipe ("interrupted", notify(2)) after about
        // 100 ms, and the handler sees "alarm"; alarm returns the time
        // left of the previous one, and 0 after a cancel.
        "alarm first: 0",
        "read: error 'interrupted'",
        "note: alarm",
        "waited>=90ms: true",
        "left of 5000: true",
        "left after cancel: 0",
        // dup(2) onto a descriptor beyond what growfd allows (DELTAFD
        // past the table), onto a negative one, or of one not open, and
        // close(2) of one out of range: Ebadfd (sysfile.c).
        "dup huge: error 'fd out of range or not open'",
        "dup negative: error 'fd out of range or not open'",
        "dup closed: error 'fd out of range or not open'",
        "close huge: error 'fd out of range or not open'",
        "",
    ]
    .join("\n");
    assert_eq!(out, expected);
}
