//! `netmkaddr`: a port of 9front's `sys/src/libc/port/netmkaddr.c`.
//!
//! Completes a network address with a default network and service:
//! `host` becomes `defnet!host!defsrv` (network `net` when there is no
//! default), `net!host` gets `!defsrv`, and an address that already has a
//! service is returned as it is.
//!
//! What differs from 9front: the result is a new `String` (9front returns a
//! static buffer).

use alloc::format;
use alloc::string::String;

/// `linear` completed with `defnet` and `defsrv`.
pub fn netmkaddr(linear: &str, defnet: Option<&str>, defsrv: Option<&str>) -> String {
    let Some(i) = linear.find('!') else {
        let net = defnet.unwrap_or("net");
        return match defsrv {
            Some(s) => format!("{net}!{linear}!{s}"),
            None => format!("{net}!{linear}"),
        };
    };
    if linear[i + 1..].contains('!') {
        return linear.into();
    }
    match defsrv {
        Some(s) => format!("{linear}!{s}"),
        None => linear.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::netmkaddr;

    // The cases follow netmkaddr.c's three branches.
    #[test]
    fn netmkaddr_follows_9front() {
        assert_eq!(netmkaddr("sources", None, None), "net!sources");
        assert_eq!(netmkaddr("sources", None, Some("9fs")), "net!sources!9fs");
        assert_eq!(netmkaddr("sources", Some("tcp"), Some("9fs")), "tcp!sources!9fs");
        assert_eq!(netmkaddr("sources", Some("tcp"), None), "tcp!sources");
        assert_eq!(netmkaddr("tcp!sources", Some("net"), Some("9fs")), "tcp!sources!9fs");
        assert_eq!(netmkaddr("tcp!sources", None, None), "tcp!sources");
        assert_eq!(netmkaddr("tcp!sources!564", Some("net"), Some("9fs")), "tcp!sources!564");
        assert_eq!(netmkaddr("unix!/tmp/s", Some("net"), None), "unix!/tmp/s");
    }
}
