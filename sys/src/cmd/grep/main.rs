//! grep: a port of 9front's `sys/src/cmd/grep/main.c`.
//!
//! Flags `-bchiLlnsv`, `-e pattern` (repeatable) and `-f patternfile`;
//! the patterns are ored. Each input (standard input when there are none)
//! runs through the DFA byte by byte; at each newline the state says
//! whether the line matched. Selected lines are printed (with `file:` when
//! there are several files and no `-h`, and `n: ` under `-n`); `-c`
//! prints a count, `-l` and `-L` names, `-s` nothing. A last line without
//! a newline is searched as if it had one, which is printed only with the
//! file name. Output is flushed every 512 lines, and after each line under
//! `-b`. The status is empty if any line was selected, else `no matches`;
//! files that cannot be opened are reported and skipped.
//!
//! As in 9front, a line that spans three or more of its 16 KiB reads is
//! printed as its first 16 KiB followed by the part in the read where it
//! ends (9front keeps only that much of a long line); planten reads in
//! larger blocks and cuts long lines where 9front's reads of a regular
//! file would fall.
//!
//! What differs, none of it in the output: reading standard input, 9front
//! also flushes after each selected line; planten flushes before each read
//! of it instead, so nothing found waits while grep waits for input.
//! Reads are 1 MiB. In a DFA state that stays put on all but at most three
//! bytes, the search jumps to the next of those bytes with `memchr`. When
//! the pattern carries nothing from one line to the next, whole lines are
//! searched by four DFA chains at once, and lines without a literal every
//! match holds are passed over (the prefilter). The states, the lines
//! selected and the output are 9front's.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

extern crate alloc;

mod comp;
mod grep;
mod sub;

use alloc::string::String;
use alloc::vec::Vec;
use libbio::Biobuf;
use libc::arg::Args;
use libc::syscall::{self, exits, Fd, OREAD, OWRITE};

use grep::*;

libc::main!(main);

const VALIDFLAGS: &str = "bchiLlnsv";

/// 9front's read size and line history (`u.buf`, `u.pre`).
const CHUNK: u64 = 16 * 1024;
/// planten's read size: a multiple of `CHUNK`.
const READ: usize = 64 * CHUNK as usize;

fn usage() -> ! {
    let _ = libc::fprint!(
        Fd::STDERR,
        "usage: grep [-{VALIDFLAGS}] [-e pattern] [-f patternfile] [file ...]\n"
    );
    exits("usage")
}

fn main(argv: Vec<String>) {
    let mut g = Grep::new();
    let mut a = Args::new(argv);
    while let Some(c) = a.next_flag() {
        match c {
            'e' => {
                g.flags[b'e' as usize] += 1;
                g.lineno = 0;
                let Some(p) = a.value() else { usage() };
                g.str2top(p.as_bytes());
            }
            'f' => {
                g.flags[b'f' as usize] += 1;
                let Some(f) = a.value() else { usage() };
                match syscall::open(&f, OREAD) {
                    Ok(fd) => g.src = Src::File(Biobuf::new(fd, OREAD)),
                    Err(e) => {
                        let _ = libc::fprint!(Fd::STDERR, "grep: can't open {f}: {e}\n");
                        exits("open");
                    }
                }
                g.filename = Some(f.clone());
                g.lineno = 1;
                g.str2top(f.as_bytes());
            }
            c => {
                if !VALIDFLAGS.contains(c) {
                    usage();
                }
                g.flags[c as usize] += 1;
            }
        }
    }
    let mut files = a.rest();
    if g.flags[b'f' as usize] == 0 && g.flags[b'e' as usize] == 0 {
        if files.is_empty() {
            usage();
        }
        let p = files.remove(0);
        g.str2top(p.as_bytes());
    }
    let top = g.topre.unwrap();
    let indep = line_independent(&g);
    g.state0 = g.initstate(top.beg);

    let mut bout = Biobuf::new(Fd::STDOUT, OWRITE);
    let mut sr = Searcher::new();
    sr.indep = indep;
    let status = match files.len() {
        0 => sr.search(&mut g, &mut bout, None, 0),
        1 => sr.search(&mut g, &mut bout, Some(&files[0]), 0),
        _ => {
            let mut status = false;
            for f in &files {
                status |= sr.search(&mut g, &mut bout, Some(f), HFLAG);
            }
            status
        }
    };
    let _ = bout.flush();
    if status {
        exits("");
    }
    exits("no matches");
}

/// How a DFA state is searched: byte by byte, or by jumping to the next
/// of the few bytes that leave it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Accel {
    /// Not looked at yet: how often it was entered.
    Unknown(u16),
    Step,
    /// The bytes that leave the state (newline among them), and how the
    /// jumps have gone: jumps and bytes jumped, to give up on a state whose
    /// jumps are too short to pay.
    Skip(u8, [u8; 3], u32, u64),
}

/// Entries into a state before its transitions are all built to see
/// whether it can be jumped through.
const HOT: u16 = 256;

/// A transition entry in `Grep::trans` is `next << 8 | flags`: the offset
/// of the next state's row, so the search adds the byte to it, and flags.
/// Bit 0 marks a slow entry, one the single-chain search handles outside
/// its fast loop: newlines, and entries into states that are jumped
/// through or not classified yet. Bit 1 marks a hard one, which every
/// search must stop for: newlines, with bit 2 saying whether the line
/// matched. `UNBUILT` (11: bit 3) is an entry not built yet.
const UNBUILT: u32 = 11;
const SLOW: u32 = 1;
const HARD: u32 = 2;
/// Chains the multi-chain search runs at once, and the least bytes of
/// whole lines it takes on.
const NCHAIN: usize = 4;
const MULTI_MIN: usize = 64 * 1024;

struct Searcher {
    data: Vec<u8>,
    accel: Vec<Accel>,
    fold: [u8; 256],
    /// Whether the pattern carries nothing from one line to the next.
    indep: bool,
}

/// Builds all transitions of `s` and decides how to search it.
fn classify(accel: &mut Vec<Accel>, fold: &[u8; 256], g: &mut Grep, s: u32, iflag: bool) {
    let st = s as usize;
    for c in 0..256u32 {
        if g.trans[st * 256 + c as usize] == UNBUILT {
            g.increment(s, c);
        }
    }
    let mut set = [0u8; 3];
    let mut n = 0;
    let mut ok = true;
    for b in 0..256usize {
        let c = if iflag { fold[b] as usize } else { b };
        if b == b'\n' as usize || g.trans[st * 256 + c] >> 8 != s {
            if n == 3 {
                ok = false;
                break;
            }
            set[n] = b as u8;
            n += 1;
        }
    }
    if accel.len() < g.states.len() {
        accel.resize(g.states.len(), Accel::Unknown(0));
    }
    accel[st] = if ok { Accel::Skip(n as u8, set, 0, 0) } else { Accel::Step };
}

impl Searcher {
    fn new() -> Searcher {
        let mut fold = [0u8; 256];
        for (i, f) in fold.iter_mut().enumerate() {
            *f = (i as u8).to_ascii_lowercase();
        }
        Searcher { data: Vec::new(), accel: Vec::new(), fold, indep: false }
    }

    /// `search`: one input; whether any line was selected.
    fn search(
        &mut self,
        g: &mut Grep,
        bout: &mut Biobuf,
        file: Option<&str>,
        mut flag: u32,
    ) -> bool {
        // 9front flushes after every selected line when reading standard
        // input (Bflag); planten flushes before every read of it instead,
        // so nothing found waits while grep waits for input, and only
        // -b writes each line by itself.
        let stdin_flush = file.is_none() && g.flags[b'b' as usize] == 0;
        let (name, fd) = match file {
            None => ("stdin", Fd::STDIN),
            Some(f) => match syscall::open(f, OREAD) {
                Ok(fd) => (f, fd),
                Err(e) => {
                    let _ = libc::fprint!(Fd::STDERR, "grep: can't open {f}: {e}\n");
                    return false;
                }
            },
        };
        let fl = |c: u8| g.flags[c as usize] != 0;
        if fl(b'b') {
            flag |= BFLAG;
        }
        if fl(b'c') {
            flag |= CFLAG;
        }
        if fl(b'h') {
            flag &= !HFLAG;
        }
        if fl(b'i') {
            flag |= IFLAG;
        }
        if fl(b'l') {
            flag |= LLFLAG;
        }
        if fl(b'L') {
            flag |= BIGLFLAG;
        }
        if fl(b'n') {
            flag |= NFLAG;
        }
        if fl(b's') {
            flag |= SFLAG;
        }
        if fl(b'v') {
            flag |= VFLAG;
        }
        let iflag = flag & IFLAG != 0;
        let quiet = flag & (CFLAG | SFLAG | LLFLAG | BIGLFLAG) != 0;
        let want = flag & VFLAG == 0;
        let must = if want && !iflag && self.indep { g.must.clone() } else { Vec::new() };
        let mut finder = (!must.is_empty()).then(|| memchr::memmem::Finder::new(&must));
        let mut unmatched: Option<u32> = None;
        let (mut pf_seen, mut pf_skipped) = (0u64, 0u64);

        let mut s = g.state0;
        let mut lineno: i64 = 0;
        let mut count: i64 = 0;
        let mut eof = false;
        let mut nl = false;
        let mut empty = true;

        // data[i] is the byte at stream offset base + i, for i < dlen; the
        // current line starts at offset lstart, and if its middle was
        // dropped, head holds its first CHUNK bytes.
        let data = &mut self.data;
        let accel = &mut self.accel;
        let fold = &self.fold;
        let mut dlen: usize = 0;
        let mut base: u64 = 0;
        let mut lstart: u64 = 0;
        let mut head: Option<Vec<u8>> = None;
        let mut size: u64 = 0;

        loop {
            // loop0: keep the current line, or its head and the block the
            // scan is in, and read more.
            let keep_from = if head.is_some() || (dlen as u64 + base - lstart) > CHUNK + READ as u64
            {
                if head.is_none() {
                    let i = (lstart - base) as usize;
                    head = Some(data[i..i + CHUNK as usize].to_vec());
                }
                let pos = base + dlen as u64;
                (pos - pos % CHUNK).max(base)
            } else {
                lstart
            };
            let drop = (keep_from - base) as usize;
            data.copy_within(drop..dlen, 0);
            dlen -= drop;
            base = keep_from;
            let old = dlen;
            if data.len() < old + READ {
                data.resize(old + READ, 0);
            }
            if stdin_flush {
                let _ = bout.flush();
            }
            let n = match syscall::read(fd, &mut data[old..old + READ]) {
                Ok(n) => n,
                Err(e) => {
                    let _ = libc::fprint!(Fd::STDERR, "grep: read error on {name}: {e}\n");
                    return count != 0;
                }
            };
            dlen = old + n;
            let mut fake = false;
            if n > 0 {
                empty = false;
                nl = data[dlen - 1] == b'\n';
                size += n as u64;
            } else if !eof && !nl && !empty {
                data[dlen] = b'\n';
                dlen += 1;
                eof = true;
                fake = true;
            }
            if dlen == old {
                if fd.0 > 2 {
                    let _ = syscall::close(fd);
                }
                if flag & CFLAG != 0 {
                    if flag & HFLAG != 0 {
                        let _ = bout.write(alloc::format!("{name}:").as_bytes());
                    }
                    let _ = bout.write(alloc::format!("{count}\n").as_bytes());
                }
                if (flag & LLFLAG != 0 && count != 0) || (flag & BIGLFLAG != 0 && count == 0) {
                    let _ = bout.write(alloc::format!("{name}\n").as_bytes());
                }
                let _ = bout.flush();
                return count != 0;
            }
            let end = dlen;
            let mut lp = old;
            if accel.len() < g.states.len() {
                accel.resize(g.states.len(), Accel::Unknown(0));
            }
            'scan: while lp < end {
                // The fast path: plain transitions.
                {
                    let trans = &g.trans[..];
                    let bytes = &data[..end];
                    let mut row = (s as usize) << 8;
                    if iflag {
                        while lp < end {
                            let t = trans[row + fold[bytes[lp] as usize] as usize];
                            if t & 1 != 0 {
                                break;
                            }
                            row = t as usize;
                            lp += 1;
                        }
                    } else {
                        while lp < end {
                            let t = trans[row + bytes[lp] as usize];
                            if t & 1 != 0 {
                                break;
                            }
                            row = t as usize;
                            lp += 1;
                        }
                    }
                    s = (row >> 8) as u32;
                }
                if lp == end {
                    break;
                }
                // A slow entry.
                let b = data[lp];
                let c = if iflag { fold[b as usize] } else { b } as usize;
                let i = (s as usize) << 8 | c;
                let t = g.trans[i];
                if t == UNBUILT {
                    g.increment(s, c as u32);
                    if accel.len() < g.states.len() {
                        accel.resize(g.states.len(), Accel::Unknown(0));
                    }
                    continue;
                }
                let ns = t >> 8;
                lp += 1;
                if c != b'\n' as usize && accel[ns as usize] == Accel::Step {
                    g.trans[i] = t & !1;
                }
                s = ns;
                if c == b'\n' as usize {
                    lineno += 1;
                    let sel = g.states[s as usize].matched == want;
                    if sel {
                        count += 1;
                        if !quiet {
                            if flag & HFLAG != 0 {
                                let _ = bout.write(alloc::format!("{name}:").as_bytes());
                            }
                            if flag & NFLAG != 0 {
                                let _ = bout.write(alloc::format!("{lineno}: ").as_bytes());
                            }
                            let cut = eof && flag & HFLAG == 0;
                            put_line(
                                bout,
                                data,
                                base,
                                lstart,
                                &head,
                                lp - 1,
                                if fake { Some(size) } else { None },
                                cut,
                            );
                            if flag & BFLAG != 0 {
                                let _ = bout.flush();
                            }
                        }
                    }
                    if !(sel && quiet) && lineno & FLSHCNT == 0 {
                        let _ = bout.flush();
                    }
                    lstart = base + lp as u64;
                    head = None;
                    // The prefilter: whole lines before the next occurrence
                    // of the bytes every selected line holds cannot be
                    // selected; they are counted and passed over, and the
                    // search goes on from the start of the next line in the
                    // state any line that did not match leaves.
                    if let Some(f) = &finder {
                        if !g.states[s as usize].matched {
                            unmatched = Some(s);
                        }
                        if let Some(lns) = unmatched {
                            let hay = &data[lp..end];
                            let upto = match f.find(hay) {
                                Some(p) => &hay[..p],
                                None => hay,
                            };
                            let mut skipped = 0;
                            if let Some(k) = memchr::memrchr(b'\n', upto) {
                                let n = memchr::memchr_iter(b'\n', &upto[..=k]).count() as i64;
                                if (lineno + n) / (FLSHCNT + 1) != lineno / (FLSHCNT + 1) {
                                    let _ = bout.flush();
                                }
                                lineno += n;
                                lp += k + 1;
                                s = lns;
                                lstart = base + lp as u64;
                                skipped = k + 1;
                            }
                            // Give the prefilter up if it passes over too
                            // little: the multi-chain search does better.
                            pf_seen += upto.len().max(1) as u64;
                            pf_skipped += skipped as u64;
                            if pf_seen > 4 << 20 && pf_skipped * 4 < pf_seen * 3 {
                                finder = None;
                            }
                        }
                    }
                    if finder.is_none()
                        && self.indep
                        && !matches!(accel[s as usize], Accel::Skip(..))
                    {
                        if let Some(k) = memchr::memrchr(b'\n', &data[lp..end]) {
                            let hi = lp + k + 1;
                            if hi - lp >= MULTI_MIN {
                                let m = multi_scan(
                                    g,
                                    data,
                                    lp,
                                    hi,
                                    s,
                                    iflag.then_some(fold),
                                    want,
                                    !quiet,
                                );
                                if accel.len() < g.states.len() {
                                    accel.resize(g.states.len(), Accel::Unknown(0));
                                }
                                let mut before = 0;
                                for (i, picks) in m.picks.iter().enumerate() {
                                    for &(a, z, no) in picks {
                                        if flag & HFLAG != 0 {
                                            let _ =
                                                bout.write(alloc::format!("{name}:").as_bytes());
                                        }
                                        if flag & NFLAG != 0 {
                                            let _ = bout.write(
                                                alloc::format!("{}: ", lineno + before + no as i64)
                                                    .as_bytes(),
                                            );
                                        }
                                        put_line(
                                            bout,
                                            data,
                                            base,
                                            base + a as u64,
                                            &None,
                                            z,
                                            None,
                                            false,
                                        );
                                        if flag & BFLAG != 0 {
                                            let _ = bout.flush();
                                        }
                                    }
                                    before += m.lines[i] as i64;
                                }
                                count += m.sel as i64;
                                if (lineno + before) / (FLSHCNT + 1) != lineno / (FLSHCNT + 1) {
                                    let _ = bout.flush();
                                }
                                lineno += before;
                                lp = hi;
                                s = m.last;
                                lstart = base + lp as u64;
                            }
                        }
                    }
                }
                // The state just entered.
                loop {
                    let st = s as usize;
                    match accel[st] {
                        Accel::Step => break,
                        Accel::Unknown(h) => {
                            if h < HOT {
                                accel[st] = Accel::Unknown(h + 1);
                                break;
                            }
                            classify(accel, fold, g, s, iflag);
                        }
                        Accel::Skip(k, set, hops, far) => {
                            let hay = &data[lp..end];
                            let at = match k {
                                1 => memchr::memchr(set[0], hay),
                                2 => memchr::memchr2(set[0], set[1], hay),
                                _ => memchr::memchr3(set[0], set[1], set[2], hay),
                            };
                            let jumped = at.unwrap_or(hay.len());
                            lp += jumped;
                            // Jumps of a few bytes cost more than steps.
                            let (hops, far) = (hops + 1, far + jumped as u64);
                            accel[st] = if hops >= 1024 && far < 16 * hops as u64 {
                                Accel::Step
                            } else {
                                Accel::Skip(k, set, hops.min(1 << 30), far)
                            };
                            if at.is_none() {
                                break 'scan;
                            }
                            break;
                        }
                    }
                }
            }
        }
    }
}

/// What a multi-chain scan found: lines, selected lines, the selected
/// lines of each chain (first byte, newline, number within the chain), the
/// lines of each chain, and the state after the last line.
struct Multi {
    lines: [u64; NCHAIN],
    sel: u64,
    picks: [Vec<(usize, usize, u64)>; NCHAIN],
    last: u32,
}

/// Runs the DFA from `s`, a state at the start of a line, over the whole
/// lines `data[lo..hi]` split at newlines into `NCHAIN` parts that advance
/// together, so that their table lookups overlap. This is only right for a
/// pattern that carries nothing across a newline (`line_independent`): then
/// every line starts in a state with the same nodes, whatever came before,
/// and each part can start in `s`. Entries that are only slow for the
/// single-chain search (bit 0) are taken as they are.
#[allow(clippy::too_many_arguments)]
fn multi_scan(
    g: &mut Grep,
    data: &[u8],
    lo: usize,
    hi: usize,
    s: u32,
    fold: Option<&[u8; 256]>,
    want: bool,
    record: bool,
) -> Multi {
    let mut e = [hi; NCHAIN];
    let mut p = [lo; NCHAIN];
    for i in 1..NCHAIN {
        let t = (lo + (hi - lo) * i / NCHAIN).max(p[i - 1]);
        let b = match memchr::memchr(b'\n', &data[t..hi]) {
            Some(k) => t + k + 1,
            None => hi,
        };
        p[i] = b;
        e[i - 1] = b;
    }
    let mut row = [(s as usize) << 8; NCHAIN];
    let mut ls = p;
    let mut m = Multi { lines: [0; NCHAIN], sel: 0, picks: Default::default(), last: s };
    let byte = |i: usize| -> usize {
        match fold {
            Some(f) => f[data[i] as usize] as usize,
            None => data[i] as usize,
        }
    };
    loop {
        if (0..NCHAIN).all(|i| p[i] < e[i]) {
            let trans = &g.trans[..];
            let mut stop = false;
            // One step of chain i: a plain entry, or a newline, counted
            // here; an entry not built stops the lockstep.
            macro_rules! step {
                ($i:expr) => {
                    let t = trans[row[$i] + byte(p[$i])];
                    if t & HARD == 0 {
                        row[$i] = (t & !SLOW) as usize;
                        p[$i] += 1;
                    } else if t == UNBUILT {
                        stop = true;
                    } else {
                        p[$i] += 1;
                        row[$i] = (t & !0xFF) as usize;
                        m.lines[$i] += 1;
                        if (t >> 2 & 1 != 0) == want {
                            m.sel += 1;
                            if record {
                                m.picks[$i].push((ls[$i], p[$i] - 1, m.lines[$i]));
                            }
                        }
                        ls[$i] = p[$i];
                    }
                };
            }
            while p[0] < e[0] && p[1] < e[1] && p[2] < e[2] && p[3] < e[3] && !stop {
                step!(0);
                step!(1);
                step!(2);
                step!(3);
            }
        }
        let mut active = false;
        for i in 0..NCHAIN {
            if p[i] >= e[i] {
                continue;
            }
            active = true;
            // The tail of a part that outlasts the others, fast.
            if (0..NCHAIN).any(|j| p[j] >= e[j]) {
                let trans = &g.trans[..];
                while p[i] < e[i] {
                    let t = trans[row[i] + byte(p[i])];
                    if t & HARD != 0 {
                        break;
                    }
                    row[i] = (t & !SLOW) as usize;
                    p[i] += 1;
                }
                if p[i] >= e[i] {
                    continue;
                }
            }
            // One step through a hard entry.
            let c = byte(p[i]);
            let t = g.trans[row[i] + c];
            if t == UNBUILT {
                g.increment((row[i] >> 8) as u32, c as u32);
                continue;
            }
            p[i] += 1;
            row[i] = (t & !0xFF) as usize;
            if c == b'\n' as usize {
                m.lines[i] += 1;
                if g.states[row[i] >> 8].matched == want {
                    m.sel += 1;
                    if record {
                        m.picks[i].push((ls[i], p[i] - 1, m.lines[i]));
                    }
                }
                ls[i] = p[i];
            }
        }
        if !active {
            break;
        }
    }
    m.last = (row[NCHAIN - 1] >> 8) as u32;
    m
}

/// Whether the pattern's graph carries nothing across a newline other
/// than through the wrapping `prog` adds: no class of a pattern holds a
/// newline, and every `^` is reached from the start of its pattern without
/// consuming a byte. Then every newline leaves the same set of nodes,
/// whatever came before.
fn line_independent(g: &Grep) -> bool {
    for (i, r) in g.res.iter().enumerate() {
        if r.ty == Ty::Class
            && r.lo <= b'\n' as u32
            && b'\n' as u32 <= r.hi
            && !g.wrapper.contains(&(i as ReId))
        {
            return false;
        }
    }
    let mut seen = alloc::vec![false; g.res.len()];
    let mut work: Vec<ReId> = g.cores.clone();
    while let Some(r) = work.pop() {
        if r == NIL || seen[r as usize] {
            continue;
        }
        seen[r as usize] = true;
        let x = &g.res[r as usize];
        match x.ty {
            Ty::Alt | Ty::Or => {
                work.push(x.alt);
                work.push(x.next);
            }
            Ty::End => work.push(x.next),
            _ => {}
        }
    }
    g.res.iter().enumerate().all(|(i, r)| r.ty != Ty::Begin || seen[i])
}

/// Prints the line ending at `data[e]`, as much of it as 9front would have
/// kept (see the module's notes); `fake` is the offset of a newline grep
/// added at the end of the input, which `cut` leaves out.
#[allow(clippy::too_many_arguments)]
fn put_line(
    bout: &mut Biobuf,
    data: &[u8],
    base: u64,
    lstart: u64,
    head: &Option<Vec<u8>>,
    e: usize,
    fake: Option<u64>,
    cut: bool,
) {
    let eoff = base + e as u64;
    let block = match fake {
        Some(size) => size,
        None => eoff - eoff % CHUNK,
    };
    let end = if cut { e } else { e + 1 };
    if lstart + CHUNK < block {
        match head {
            Some(h) => {
                let _ = bout.write(h);
            }
            None => {
                let i = (lstart - base) as usize;
                let _ = bout.write(&data[i..i + CHUNK as usize]);
            }
        }
        let _ = bout.write(&data[(block - base) as usize..end]);
    } else {
        let _ = bout.write(&data[(lstart - base) as usize..end]);
    }
}
