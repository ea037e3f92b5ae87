//! A rough throughput measure of the 9P conversions (`cargo bench -p
//! planten-libc --bench fcall`): messages per second and MB/s for a few
//! typical messages, encoded into a reused buffer and decoded from it.
//! Nothing is asserted; the numbers are for comparing changes.

use std::hint::black_box;
use std::time::{Duration, Instant};

use libc::fcall::*;

fn measure(name: &str, f: &Fcall) {
    let wire = f.to_bytes().unwrap();
    let mut buf = vec![0u8; wire.len()];
    let run = |what: &str, op: &mut dyn FnMut()| {
        let mut n = 0u64;
        let start = Instant::now();
        while start.elapsed() < Duration::from_millis(300) {
            for _ in 0..1000 {
                op();
            }
            n += 1000;
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{:<8} {:<7} {:>6} bytes  {:>12.0} msg/s  {:>9.1} MB/s",
            name,
            what,
            wire.len(),
            n as f64 / secs,
            n as f64 * wire.len() as f64 / secs / 1e6
        );
    };
    run("encode", &mut || {
        black_box(black_box(f).encode(&mut buf).unwrap());
    });
    run("decode", &mut || {
        black_box(Fcall::decode(black_box(&wire)).unwrap());
    });
}

fn main() {
    let dir = Dir {
        name: "lib".into(),
        uid: "glenda".into(),
        gid: "sys".into(),
        muid: "glenda".into(),
        ..Dir::default()
    };
    let msgs = [
        ("Tclunk", Fcall::new(1, Msg::Tclunk { fid: 1 })),
        (
            "Twalk",
            Fcall::new(
                1,
                Msg::Twalk {
                    fid: 0,
                    newfid: 1,
                    wname: vec!["usr".into(), "glenda".into(), "lib".into()],
                },
            ),
        ),
        (
            "Rstat",
            Fcall::new(
                1,
                Msg::Rstat {
                    stat: dir.to_bytes().unwrap(),
                },
            ),
        ),
        (
            "Rread8k",
            Fcall::new(
                1,
                Msg::Rread {
                    data: vec![0x55; 8192],
                },
            ),
        ),
        (
            "Twrite32k",
            Fcall::new(
                1,
                Msg::Twrite {
                    fid: 1,
                    offset: 0,
                    data: vec![0x55; 32768],
                },
            ),
        ),
    ];
    for (name, f) in &msgs {
        measure(name, f);
    }
}
