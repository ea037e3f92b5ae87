//! portstat: see README.md beside this crate, or `portstat --help`.

#![forbid(unsafe_code)]

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let env = portstat::Env::from_process();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let code = portstat::run(&args, &env, &mut stdout.lock(), &mut stderr.lock());
    std::process::exit(code);
}
