//! `Blethal`, `Berror`: a port of 9front's `libbio/blethal.c`.

use crate::binit::Biobuf;

fn bpanic(msg: &str) {
    libc::sysfatal!("{msg}");
}

impl Biobuf {
    /// `Blethal`: makes I/O errors call `errorf` (`sysfatal` if `None`).
    pub fn lethal(&mut self, errorf: Option<fn(&str)>) {
        self.errorf = Some(errorf.unwrap_or(bpanic));
    }

    /// `Berror`: reports `msg` through the error function, if any.
    pub(crate) fn error(&self, msg: &str) {
        if let Some(f) = self.errorf {
            f(msg);
        }
    }
}
