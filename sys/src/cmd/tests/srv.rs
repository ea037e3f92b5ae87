//! srv against 9front's srv.c (srv(4); 9base has none). On Linux there is
//! no `/srv`, so posting a connection fails after a successful dial.

use crate::common::*;

fn usage(exe: &std::path::Path) -> String {
    // srv.c's usage names argv0 on both lines.
    let a = exe.display();
    format!(
        "usage: {a} [-abcCmnNq] [net!]host [srvname [mtpt]]\n    or {a} -e [-abcCmnNq] command [srvname [mtpt]]\n"
    )
}

#[test]
fn srv_usage() {
    let exe = planten("srv");
    // srv.c: 1 to 3 arguments; -a with -b; -s needs a value; unknown flags.
    for args in [
        &[][..],
        &["a", "b", "c", "d"],
        &["-a", "-b", "host"],
        &["-ab", "host"],
        &["-x", "host"],
        &["-s"],
    ] {
        let r = run(&exe, args, b"");
        assert_eq!((r.code, r.stderr), (Some(1), usage(&exe)), "{args:?}");
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn srv_dial_failure() {
    // srv.c: "srv: dial %s: %r", status "dial"; the flags are all taken.
    let port = free_port();
    let dest = format!("tcp!127.0.0.1!{port}");
    for flags in [
        &[][..],
        &["-m"],
        &["-q"],
        &["-r"],
        &["-n"],
        &["-C", "-c"],
        &["-s", "0"],
    ] {
        let mut args = flags.to_vec();
        args.push(&dest);
        let r = run(&planten("srv"), &args, b"");
        assert_eq!(
            r.stderr,
            format!("srv: dial {dest}: connection refused\n"),
            "{args:?}"
        );
        assert_eq!(r.code, Some(1));
        assert!(r.stdout.is_empty());
    }
    // netmkaddr completes the address: a bare host gets "net!" and
    // "!9fs"; a host!port gets "!9fs" (9front's netmkaddr.c).
    let r = run(&planten("srv"), &["127.0.0.1"], b"");
    assert!(
        r.stderr.starts_with("srv: dial net!127.0.0.1!9fs: "),
        "{}",
        r.stderr
    );
    assert_eq!(r.code, Some(1));
    let r = run(&planten("srv"), &[&format!("127.0.0.1!{port}")], b"");
    assert!(
        r.stderr
            .starts_with(&format!("srv: dial 127.0.0.1!{port}!9fs: ")),
        "{}",
        r.stderr
    );
    assert_eq!(r.code, Some(1));
}

// Posting is not tested: it creates files in the host's /srv, which Linux
// systems have (FHS) and which root can write.
