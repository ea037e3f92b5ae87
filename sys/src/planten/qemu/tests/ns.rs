//! The name space at rc's prompt: rc scripts run in the booted system
//! (`rcmd=`, as `cargo boot -c` passes them), their output compared with
//! what 9front does, each case derived from 9front's manual pages
//! (bind(1), bind(2), fork(2), proc(3), pipe(3), env(3), srv(3)) or
//! source (chan.c, sysfile.c, sysproc.c, devpipe.c).

use std::time::Duration;

use qemu::{Guest, Options};

/// Run `script` in rc on a booted planten (see `qemu::rc::run`).
fn rc(script: &str, smp: u32) -> (String, bool) {
    qemu::rc::run(script, smp)
}

/// As [`rc`], on one processor, requiring success.
fn rc1(script: &str) -> String {
    qemu::rc::run_ok(script)
}

#[test]
fn bind_after_before_create_and_unmount() {
    // bind(1): -a puts the new directory after the old in the union, -b
    // before it; -c allows creation, and a create goes to the first
    // member that allows it (the old directory itself does not, having
    // become a union member without MCREATE: chan.c's cmount); with no
    // such member, "mounted directory forbids creation". unmount of one
    // member leaves the rest. ls -n lists in directory order (unsorted).
    let out = rc1(concat!(
        "cd /tmp; mkdir a b c u v w; touch a/x b/y c/z\n",
        "bind -a /tmp/b /tmp/a; echo after: `{ls -np /tmp/a}\n",
        "bind -b /tmp/c /tmp/a; echo before: `{ls -np /tmp/a}\n",
        "bind -a /tmp/v /tmp/u\n",
        "touch /tmp/u/n1 >[2]/dev/null || echo no create\n",
        "bind -ac /tmp/w /tmp/u; touch /tmp/u/n2\n",
        "echo in w: `{ls -p /tmp/w}\n",
        "unmount /tmp/c /tmp/a; echo unmounted: `{ls -np /tmp/a}\n",
        "unmount /tmp/a; echo all: `{ls -np /tmp/a}\n",
    ));
    assert_eq!(
        out,
        "after: x y\nbefore: z x y\nno create\nin w: n2\nunmounted: x y\nall: x\n"
    );
}

#[test]
fn mount_a_ramfs_posted_in_srv() {
    // ramfs(4) -S posts its 9P channel in /srv; mount(1) of it at /n
    // gives its (empty) root, files written there read back, and are
    // gone after unmount.
    let out = rc1(concat!(
        "ramfs -S test\n",
        "ls /srv/test\n",
        "mount -c /srv/test /n\n",
        "echo hello >/n/f; cat /n/f\n",
        "ls -l /n/f\n",
        "unmount /n; echo after: `{ls /n}\n",
    ));
    // ls -l: mode, device type (M: a mount), dev, owner, group, size.
    let l: Vec<&str> = out.lines().collect();
    assert_eq!(l[..2], ["/srv/test", "hello"], "{out}");
    let f: Vec<&str> = l[2].split_whitespace().collect();
    assert_eq!((f[0], f[1], f[3], f[5], f[9]), ("--rw-rw-rw-", "M", "glenda", "6", "/n/f"), "{out}");
    assert_eq!(l[3], "after:", "{out}");
}

#[test]
fn rfork_isolates_name_space_and_environment() {
    // fork(2): RFNAMEG (rc's rfork n) copies the name space, so a bind
    // in the child is not seen by the parent; RFENVG (e) copies the
    // environment, RFCENVG (E) starts an empty one; without them both
    // are shared. RFNOMNT (m) forbids mounting and attaching devices
    // but #| #d #e #c #p (bind of #s then fails with "mount/attach
    // disallowed"). RFCNAMEG (N) starts a clean name space: nothing is
    // bound on /bin (#e is bound again for rc's environment), so exec of
    // /bin/ls fails. RFCFDG (F) starts with no descriptors: echo's output
    // goes nowhere (RFFDG, f, is what rc's @ does anyway; its copy
    // semantics are port's pgrp.rs tests'). RFNOTEG (s) makes a new note group (/proc/n/noteid of
    // a foreground child, a new rc whose $pid is its own); rc's @ alone
    // keeps the parent's.
    let out = rc1(concat!(
        "mkdir /tmp/r /tmp/s; touch /tmp/s/f\n",
        "@{rfork n; bind /tmp/s /tmp/r; echo child: `{ls -p /tmp/r}}\n",
        "echo parent: `{ls -p /tmp/r}\n",
        "@{echo -n yes >/env/shared}; echo shared: `{cat /env/shared}\n",
        "@{rfork e; echo -n yes >/env/private}\n",
        "test -e /env/private || echo private: not seen\n",
        "@{rfork E; test -e /env/shared || echo clean: no shared}\n",
        "@{rfork m; bind '#s' /n >[2=1]}\n",
        "@{rfork N; bind '#e' /env; exec /bin/ls /} >[2]/dev/null || echo clean ns: no /bin/ls\n",
        "@{rfork F; echo not seen}; echo clean fds: yes\n",
        "pn=`{cat /proc/$pid/noteid}\n",
        "@{rfork s; cn=`{rc -c 'cat /proc/$pid/noteid'}; ~ $cn $pn || echo own note group}\n",
        "@{cn=`{rc -c 'cat /proc/$pid/noteid'}; ~ $cn $pn && echo shared note group}\n",
        "status=''\n",
    ));
    // In the clean name space rc cannot write /env/status until #e is
    // bound again, and says so (9front's rc: addenv's "can't open").
    let out: String = out.lines().filter(|l| !l.contains("can't open")).map(|l| format!("{l}\n")).collect();
    assert_eq!(
        out,
        concat!(
            "child: f\nparent:\nshared: yes\nprivate: not seen\nclean: no shared\n",
            "bind: #s: mount/attach disallowed\n",
            "clean ns: no /bin/ls\nclean fds: yes\n",
            "own note group\nshared note group\n"
        )
    );
}

#[test]
fn proc_ns_is_in_9fronts_format() {
    // devproc.c's procns: "bind %s %q %q" with the flags -a, -b, -c
    // (empty for MREPL, hence two spaces; the kernel's %q quotes only
    // blanks and quotes), in order of mount id: bootrc's binds first;
    // for a union made by bind -a, the new member's entry, then the old
    // directory's own (cmount makes it second). bootrc binds #¶ (swap)
    // after #c on /dev.
    let out = rc1("sed 2q /proc/$pid/ns; bind -a /lib /n; grep ' /n$' /proc/$pid/ns");
    assert_eq!(out, "bind  #c /dev\nbind -a #¶ /dev\nbind -a /lib /n\nbind  /n /n\n");
}

#[test]
fn pipes_keep_write_boundaries() {
    // pipe(3): each read returns the data of at most one write (a short
    // read leaves the rest for the next). dd reading 100 bytes gets the
    // first write's "a" only; the second read gets "b".
    let out = rc1("{echo -n a; sleep 0; echo -n b} | {dd -bs 100 -count 1 -quiet 1; echo; cat; echo}");
    assert_eq!(out, "a\nb\n");
}

#[test]
fn exec_errors() {
    // sysexec: a missing file is namec's "file does not exist", a file
    // without execute permission "permission denied", and one that is
    // no executable "exec header invalid".
    let out = rc1(concat!(
        "/n/none >[2=1] | grep -c 'file does not exist'\n",
        "echo hi >/tmp/t; /tmp/t >[2=1] | grep -c 'permission denied'\n",
        "chmod +x /tmp/t; /tmp/t >[2=1] | grep -c 'exec header invalid'\n",
        // a pipeline's status is its members'; end on success
        "status=''\n",
    ));
    assert_eq!(out, "1\n1\n1\n");
}

#[test]
fn kill_through_proc_ctl() {
    // proc(3): writing "kill" to ctl makes the process exit at its next
    // crossing into the kernel; a sleeping one is woken to do so. Its
    // parent's wait message carries the status "Killed" (pexit's).
    let out = rc1(concat!(
        "sleep 100 &\n",
        "echo kill >/proc/$apid/ctl\n",
        "wait $apid\n",
        "echo $status\n",
    ));
    assert!(out.contains("Killed"), "{out}");
}

#[test]
fn notes_interrupt_a_sleeper() {
    // notify(2): a note posted through /proc/n/note interrupts a system
    // call in progress, which fails with "interrupted"; a process with no
    // handler for it exits with the note as its status.
    let out = rc1(concat!(
        "sleep 100 &\n",
        "echo hangup >/proc/$apid/note\n",
        "wait $apid\n",
        "echo $status\n",
    ));
    assert!(out.contains("hangup") || out.contains("interrupted"), "{out}");
}

#[test]
fn fd_limits() {
    // sysfile.c's fdtochan: reading a closed descriptor fails with
    // "fd out of range or not open".
    let out = rc1("cat <[0=] >[2=1]; status=''");
    assert_eq!(out, "cat: error reading <stdin>: fd out of range or not open\n");
}

#[test]
fn two_hundred_processes_fork_bind_pipe_and_exit_on_four_processors() {
    // A stress run: 200 children at once, each in its own name space
    // binding, writing through a pipe and exiting; all are waited for,
    // and the kernel goes on (no panic, no lost wait message). Run twice:
    // the user pages in use (devswap.c's "used/total user" line of
    // /dev/swap) after the second run are what they were after the first,
    // so the 200 processes left no pages behind.
    let run = concat!(
        "for(i in `{seq 200}) @{rfork n; bind /tmp /n; echo $i | cat >/dev/null} &\n",
        "wait\n",
        "sed -n 4p /dev/swap\n",
    );
    let (out, ok) = rc(&format!("{run}{run}echo done"), 4);
    assert!(ok, "{out}");
    let l: Vec<&str> = out.lines().collect();
    assert_eq!(l.len(), 3, "{out}");
    assert!(l[0].ends_with(" user") && l[0].contains('/'), "{out}");
    assert_eq!(l[0], l[1], "pages in use after each run:\n{out}");
    assert_eq!(l[2], "done");
}

#[test]
fn interactive_rc_at_the_console() {
    // With no rcmd, bootrc runs rc -i on the console: rcmain's prompt
    // ("% "), commands typed at the console run, and rc's exit ends init
    // (planten powers off then; 9front would panic).
    let mut g = Guest::boot(&Options {
        timeout: Duration::from_secs(60),
        ..Options::default()
    })
    .unwrap();
    g.expect("% ").unwrap();
    g.send("echo hello from $user\n").unwrap();
    g.expect_re(r"hello from glenda\r?\n").unwrap();
    g.send("cd /tmp; pwd\n").unwrap();
    g.expect_re(r"\n/tmp\r?\n").unwrap();
    g.send("exit\n").unwrap();
    g.expect_poweroff().unwrap();
}
