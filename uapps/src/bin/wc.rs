//! `wc [-l] [-w] [-c] [file...]`: counts lines (newlines), words (runs of bytes other than
//! ASCII white space) and bytes of each file (standard input for `-` or when there is none).
//!
//! Prints the counts asked for (all three without options), in the order lines, words,
//! bytes, separated by spaces, then the file's name (none for standard input without
//! operands): `3 5 27 notes`. With several files a `total` line follows.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

use uapps::out;
use uapps::tool::{Input, Opt, Opts, Tool};

ulib::entry!(main);

const HELP: &str = "  -l  lines\n  -w  words\n  -c  bytes\n";

/// Counts of one input.
#[derive(Clone, Copy, Default)]
struct Counts {
    lines: u64,
    words: u64,
    bytes: u64,
}

/// Which counts to print.
#[derive(Clone, Copy)]
struct Which {
    lines: bool,
    words: bool,
    bytes: bool,
}

fn main() -> i32 {
    let mut tool = Tool::new("wc", "[-l] [-w] [-c] [file...]", HELP);
    let mut opts = Opts::from_env();
    let mut which = Which {
        lines: false,
        words: false,
        bytes: false,
    };
    for opt in opts.by_ref() {
        match opt {
            Opt::Flag('l') => which.lines = true,
            Opt::Flag('w') => which.words = true,
            Opt::Flag('c') => which.bytes = true,
            other => return tool.reject(other),
        }
    }
    if !(which.lines || which.words || which.bytes) {
        which = Which {
            lines: true,
            words: true,
            bytes: true,
        };
    }
    let operands = opts.operands();
    if operands.is_empty() {
        match count(Input::stdin()) {
            Ok(c) => print(&mut tool, c, which, None),
            Err(e) => tool.error("-", e),
        }
        return tool.finish(0);
    }
    let mut total = Counts::default();
    for &path in operands {
        match Input::open(path).and_then(count) {
            Ok(c) => {
                total.lines += c.lines;
                total.words += c.words;
                total.bytes += c.bytes;
                print(&mut tool, c, which, Some(path));
            }
            Err(e) => tool.error(path, e),
        }
    }
    if operands.len() > 1 {
        print(&mut tool, total, which, Some("total"));
    }
    tool.finish(0)
}

fn count(mut input: Input) -> Result<Counts, ulib::errno::Errno> {
    let mut c = Counts::default();
    let mut in_word = false;
    input.for_each_chunk(|chunk| {
        c.bytes += chunk.len() as u64;
        for &b in chunk {
            if b == b'\n' {
                c.lines += 1;
            }
            let space = b.is_ascii_whitespace() || b == 0x0b;
            if !space && !in_word {
                c.words += 1;
            }
            in_word = !space;
        }
    })?;
    Ok(c)
}

fn print(tool: &mut Tool, c: Counts, which: Which, name: Option<&str>) {
    let mut first = true;
    for (wanted, n) in [
        (which.lines, c.lines),
        (which.words, c.words),
        (which.bytes, c.bytes),
    ] {
        if wanted {
            if !first {
                tool.out(b" ");
            }
            out!(tool, "{n}");
            first = false;
        }
    }
    match name {
        Some(name) => out!(tool, " {name}\n"),
        None => tool.out(b"\n"),
    }
}
