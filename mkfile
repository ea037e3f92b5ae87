# mkfile for 9front hands: every target goes through cargo.
# Debian's 9base mk runs it (/usr/lib/plan9/bin/mk).

CARGO=cargo

all:V:
	$CARGO build --workspace --exclude pc64
	$CARGO kbuild
	$CARGO native

# the commands built for planten, installed in amd64/bin
native:V:
	$CARGO native

boot:V:
	$CARGO boot

test:V:
	$CARGO test

check:V:
	$CARGO run -q -p portstat -- check

report:V:
	$CARGO run -q -p portstat -- report

clean:V:
	$CARGO clean
