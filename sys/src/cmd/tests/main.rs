//! Tests of the single-file commands, run as Linux programs against
//! Debian's 9base (Plan 9's own commands) where 9base has the command, and
//! against 9front's source where the two differ.

mod common;

mod cat;
mod wc;
mod seq;
mod sleep;
mod tee;
mod uniq;
mod tail;
mod cmp;
mod comm;
mod echo;
mod basename;
mod chmod;
mod cleanname;
mod cp;
mod du;
mod ls;
mod mkdir;
mod mtime;
mod mv;
mod pwd;
mod rm;
mod test;
mod touch;
mod xd;
mod tr;
mod strings;
mod sum;
mod read;
mod sort;
mod date;
mod unicode;
mod ascii;
mod split;
mod join;
mod md5sum;
mod sha1sum;
mod freq;
mod look;
mod fmt;
mod sed;
mod xargs;
mod time;
mod walk;
mod chgrp;
mod col;
mod p;
mod bind;
mod mount;
mod unmount;
mod ns;
mod srv;
mod ps;
