//! The native build (`cargo native`): every command built with libc's
//! native backend must be a static ELF64 executable laid out for 9front's
//! user address space (text from UTZERO, pc64/mem.h) whose entry is
//! 9front's `_main` (libc/amd64/main9.s), and its system-call stub must be
//! the instruction sequence 9front's 9syscall/mkfile generates for amd64
//! (number in RARG = BP, SYSCALL). The binaries cannot run until the kernel
//! execs them; these checks read the files.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use qemu::native;

fn built() -> &'static [PathBuf] {
    static BUILT: OnceLock<Vec<PathBuf>> = OnceLock::new();
    BUILT.get_or_init(|| native::build(false).unwrap_or_else(|e| panic!("{e}")))
}

fn bin(name: &str) -> PathBuf {
    let p = built().iter().find(|p| p.file_name().is_some_and(|n| n == name));
    p.unwrap_or_else(|| panic!("{name} not installed: {:?}", built())).clone()
}

fn u16le(b: &[u8], o: usize) -> u16 {
    u16::from_le_bytes(b[o..o + 2].try_into().unwrap())
}
fn u32le(b: &[u8], o: usize) -> u32 {
    u32::from_le_bytes(b[o..o + 4].try_into().unwrap())
}
fn u64le(b: &[u8], o: usize) -> u64 {
    u64::from_le_bytes(b[o..o + 8].try_into().unwrap())
}

/// What the checks need of an ELF64 file.
#[derive(Debug)]
struct Elf {
    typ: u16,
    machine: u16,
    entry: u64,
    /// (type, offset, vaddr, filesz, memsz, flags)
    phdrs: Vec<(u32, u64, u64, u64, u64, u32)>,
    /// (name, value, section index)
    syms: Vec<(String, u64, u16)>,
}

const PT_LOAD: u32 = 1;
const PT_DYNAMIC: u32 = 2;
const PT_INTERP: u32 = 3;
const SHT_SYMTAB: u32 = 2;

fn parse(path: &Path) -> Elf {
    let b = std::fs::read(path).unwrap();
    assert_eq!(&b[..4], b"\x7fELF", "{}", path.display());
    assert_eq!(b[4], 2, "{}: ELFCLASS64", path.display());
    assert_eq!(b[5], 1, "{}: little-endian", path.display());
    let (phoff, shoff) = (u64le(&b, 32) as usize, u64le(&b, 40) as usize);
    let (phentsize, phnum) = (u16le(&b, 54) as usize, u16le(&b, 56) as usize);
    let (shentsize, shnum) = (u16le(&b, 58) as usize, u16le(&b, 60) as usize);
    let phdrs = (0..phnum)
        .map(|i| {
            let o = phoff + i * phentsize;
            (u32le(&b, o), u64le(&b, o + 8), u64le(&b, o + 16), u64le(&b, o + 32), u64le(&b, o + 40), u32le(&b, o + 4))
        })
        .collect();
    let mut syms = Vec::new();
    for i in 0..shnum {
        let o = shoff + i * shentsize;
        if u32le(&b, o + 4) != SHT_SYMTAB {
            continue;
        }
        let (off, size, link, entsize) =
            (u64le(&b, o + 24) as usize, u64le(&b, o + 32) as usize, u32le(&b, o + 40) as usize, u64le(&b, o + 56) as usize);
        let so = shoff + link * shentsize;
        let stroff = u64le(&b, so + 24) as usize;
        for k in 0..size / entsize {
            let e = off + k * entsize;
            let name_at = stroff + u32le(&b, e) as usize;
            let end = b[name_at..].iter().position(|&c| c == 0).unwrap();
            let name = String::from_utf8_lossy(&b[name_at..name_at + end]).into_owned();
            syms.push((name, u64le(&b, e + 8), u16le(&b, e + 6)));
        }
    }
    Elf { typ: u16le(&b, 16), machine: u16le(&b, 18), entry: u64le(&b, 24), phdrs, syms }
}

#[test]
fn every_command_is_a_static_elf64_at_utzero_entered_at_main() {
    let bins = built();
    // commands of each package (cmd, rc, aux, grep) at least
    for name in ["echo", "cat", "ls", "rc", "9pcon", "ramfs", "grep"] {
        bin(name);
    }
    assert!(bins.len() >= 30, "{bins:?}");
    for p in bins {
        let what = p.display();
        let e = parse(p);
        // ET_EXEC (not ET_DYN: not position-independent), EM_X86_64
        assert_eq!((e.typ, e.machine), (2, 62), "{what}");
        assert!(
            e.phdrs.iter().all(|ph| ph.0 != PT_INTERP && ph.0 != PT_DYNAMIC),
            "{what}: not static: {:?}",
            e.phdrs
        );
        let loads: Vec<_> = e.phdrs.iter().filter(|ph| ph.0 == PT_LOAD).collect();
        assert_eq!(loads.len(), 2, "{what}: {loads:?}");
        // Text: the headers and the code from UTZERO, read and execute.
        let (_, off, vaddr, filesz, _, flags) = *loads[0];
        assert_eq!((off, vaddr, flags), (0, native::UTZERO, 5), "{what}");
        assert!(e.entry > vaddr && e.entry < vaddr + filesz, "{what}: entry {:#x}", e.entry);
        // Data and bss: read-write, at a 2 MiB boundary above the text,
        // as 6l places an amd64 a.out's data.
        let (_, _, dvaddr, dfilesz, dmemsz, dflags) = *loads[1];
        assert_eq!(dflags, 6, "{what}");
        assert_eq!(dvaddr % 0x20_0000, 0, "{what}: data at {dvaddr:#x}");
        assert!(dvaddr >= vaddr + filesz && dmemsz >= dfilesz, "{what}");
        // The entry is 9front's _main, and nothing is left undefined.
        let sym = |n: &str| e.syms.iter().find(|s| s.0 == n).map(|s| s.1);
        assert_eq!(sym("_main"), Some(e.entry), "{what}");
        assert_eq!(sym("end"), Some(dvaddr + dmemsz).map(|v| (v + 7) & !7), "{what}: end");
        let undef: Vec<_> = e.syms.iter().filter(|s| s.2 == 0 && !s.0.is_empty()).collect();
        assert!(undef.is_empty(), "{what}: undefined {undef:?}");
    }
}

/// The disassembly of `sym` in `path`, one instruction per line
/// (mnemonic and operands, Intel syntax).
fn disas(path: &Path, sym: &str) -> Vec<String> {
    let out = Command::new("objdump")
        .args(["-d", "-M", "intel", "--no-show-raw-insn"])
        .arg(format!("--disassemble={sym}"))
        .arg(path)
        .output()
        .expect("objdump (binutils) is needed");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once(":\t").map(|(_, i)| i.split_whitespace().collect::<Vec<_>>().join(" ")))
        .collect()
}

#[test]
fn the_system_call_stub_is_9fronts_sequence() {
    let ins = disas(&bin("cat"), "_planten_syscall");
    // 9syscall/mkfile, amd64: the arguments in their stack words above a
    // return address, MOVQ $n, RARG (BP); SYSCALL; the result in AX.
    let i = ins.iter().position(|l| l == "syscall").unwrap_or_else(|| panic!("{ins:#?}"));
    assert_eq!(ins[i - 1], "mov rbp,rdi", "{ins:#?}");
    for (k, off) in ["0x8", "0x10", "0x18", "0x20", "0x28"].iter().enumerate() {
        assert!(ins.contains(&format!("mov QWORD PTR [rsp+{off}],rax")), "word {k}: {ins:#?}");
    }
    assert!(ins.contains(&"mov QWORD PTR [rsp],rax".to_string()), "{ins:#?}");
    // Registers the kernel's return path does not restore come back from
    // the stack.
    let pops: Vec<_> = ins[i..].iter().filter(|l| l.starts_with("pop")).cloned().collect();
    assert_eq!(pops, ["pop r15", "pop r14", "pop r13", "pop r12", "pop rbx", "pop rbp"]);
    assert_eq!(ins.iter().filter(|l| *l == "syscall").count(), 1);
}

#[test]
fn main_keeps_the_kernels_ax_and_stack() {
    let ins = disas(&bin("echo"), "_main");
    // main9.s: _tos is AX; argc and argv are where SP points.
    assert_eq!(ins[0], "mov rdi,rax", "{ins:#?}");
    assert_eq!(ins[1], "mov rsi,rsp", "{ins:#?}");
    assert!(ins.iter().any(|l| l == "and rsp,0xfffffffffffffff0"), "{ins:#?}");
    assert!(ins.iter().any(|l| l.starts_with("call") && l.contains("_callmain")), "{ins:#?}");
}

#[test]
fn the_note_handler_ends_in_noted() {
    let ins = disas(&bin("rc"), "_planten_notetramp");
    // pc64/trap.c notify(): the note's text is the handler's second
    // argument, at 16(SP); the handler ends with noted (29) in RARG.
    assert_eq!(ins[0], "mov rsi,QWORD PTR [rsp+0x10]", "{ins:#?}");
    let i = ins.iter().position(|l| l == "syscall").unwrap_or_else(|| panic!("{ins:#?}"));
    assert_eq!(ins[i - 1], "mov ebp,0x1d", "{ins:#?}");
    assert_eq!(ins[i - 2], "mov QWORD PTR [rsp+0x8],rdi", "{ins:#?}");
}
