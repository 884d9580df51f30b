//! `head [-n N | -N] [file...]`: prints the first N lines (10 unless given) of each file
//! (standard input for `-` or when there is none), reading no further than needed. With
//! several files, each starts with a `==> <file> <==` line, and a blank line separates them.
//!
//! It leaves the rest of its input to whoever reads that open file next, as POSIX asks of a
//! utility reading a shared input (`head -1` in a script run by `sh < script` or
//! `... | sh` reads just the script's next line): from a pipe it reads byte by byte, from a
//! file it seeks back past what it read and did not print.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

use uapps::out;
use uapps::tool::{Input, LineReader, Opt, Opts, Tool};

ulib::entry!(main);

const HELP: &str = "  -n N  the first N lines (default 10)\n  -N    the same\n";

fn main() -> i32 {
    let mut tool = Tool::new("head", "[-n N | -N] [file...]", HELP);
    let mut opts = Opts::from_env();
    let mut count: u64 = 10;
    loop {
        let spec = if let Some(digits) = opts.number_option() {
            digits
        } else {
            match opts.next() {
                None => break,
                Some(Opt::Flag('n')) => match opts.value('n') {
                    Ok(v) => v,
                    Err(missing) => return tool.reject(missing),
                },
                Some(other) => return tool.reject(other),
            }
        };
        match spec.parse() {
            Ok(n) => count = n,
            Err(_) => return tool.usage_error(format_args!("invalid number of lines '{spec}'")),
        }
    }
    let operands = opts.operands();
    let files: &[&str] = if operands.is_empty() {
        &["-"]
    } else {
        operands
    };
    let headers = files.len() > 1;
    let mut first = true;
    for &path in files {
        let mut lines = match Input::open(path) {
            Ok(input) => LineReader::exact(input),
            Err(e) => {
                tool.error(path, e);
                continue;
            }
        };
        if headers {
            if !first {
                tool.out(b"\n");
            }
            out!(tool, "==> {path} <==\n");
        }
        first = false;
        for _ in 0..count {
            match lines.next_line(&mut tool) {
                Ok(Some(line)) => tool.out(line),
                Ok(None) => break,
                Err(e) => {
                    tool.error(path, e);
                    break;
                }
            }
        }
        // The rest of a shared input is the next reader's (`head -1` in a script run by
        // `sh < file`).
        lines.give_back();
    }
    tool.finish(0)
}
