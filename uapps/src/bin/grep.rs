//! `grep [-v] [-c] [-n] [-i] PATTERN [file...]`: prints the lines of each file (standard
//! input for `-` or when there is none) that contain PATTERN, a fixed string (not a regular
//! expression; the empty pattern matches every line).
//!
//! - `-v` selects the lines that do not contain it, `-i` ignores ASCII letter case,
//!   `-n` puts `<line number>:` before each line, `-c` prints only how many lines were
//!   selected.
//! - With several files, each output line (or count) starts with `<file>:`.
//!
//! The status is 0 if a line was selected, 1 if none was, 2 on an error (a file that
//! cannot be read is reported as `grep: <file>: <message>`) or bad usage.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

extern crate alloc;

use alloc::vec::Vec;

use uapps::out;
use uapps::tool::{Input, LineReader, Opt, Opts, Tool};

ulib::entry!(main);

const HELP: &str = "  -v  select lines without PATTERN
  -c  print only the number of selected lines
  -n  number the lines
  -i  ignore ASCII letter case
";

/// The options.
struct Search {
    pattern: Vec<u8>,
    invert: bool,
    count: bool,
    number: bool,
    ignore_case: bool,
}

fn main() -> i32 {
    let mut tool = Tool::new("grep", "[-v] [-c] [-n] [-i] PATTERN [file...]", HELP);
    let mut opts = Opts::from_env();
    let (mut invert, mut count, mut number, mut ignore_case) = (false, false, false, false);
    for opt in opts.by_ref() {
        match opt {
            Opt::Flag('v') => invert = true,
            Opt::Flag('c') => count = true,
            Opt::Flag('n') => number = true,
            Opt::Flag('i') => ignore_case = true,
            other => return tool.reject(other),
        }
    }
    let Some((pattern, operands)) = opts.operands().split_first() else {
        return tool.usage_error(format_args!("no pattern given"));
    };
    let mut search = Search {
        pattern: pattern.as_bytes().to_vec(),
        invert,
        count,
        number,
        ignore_case,
    };
    if ignore_case {
        search.pattern.make_ascii_lowercase();
    }
    let files: &[&str] = if operands.is_empty() {
        &["-"]
    } else {
        operands
    };
    let prefix = files.len() > 1;
    let mut selected_any = false;
    for &path in files {
        let input = match Input::open(path) {
            Ok(input) => input,
            Err(e) => {
                tool.error(path, e);
                continue;
            }
        };
        let name = if prefix { Some(path) } else { None };
        match grep(&mut tool, &search, LineReader::new(input), name) {
            Ok(n) => selected_any |= n > 0,
            Err(e) => tool.error(path, e),
        }
    }
    let status = if tool.failed() {
        2
    } else if selected_any {
        0
    } else {
        1
    };
    match tool.finish(status) {
        // A write error on standard output is trouble too.
        1 if status != 1 => 2,
        s => s,
    }
}

/// Searches one input; returns how many lines were selected.
fn grep(
    tool: &mut Tool,
    search: &Search,
    mut lines: LineReader,
    name: Option<&str>,
) -> Result<u64, ulib::errno::Errno> {
    let mut selected = 0;
    let mut number = 0u64;
    let mut folded = Vec::new();
    while let Some(line) = lines.next_line(tool)? {
        number += 1;
        let text = line.strip_suffix(b"\n").unwrap_or(line);
        let found = if search.ignore_case {
            folded.clear();
            folded.extend(text.iter().map(u8::to_ascii_lowercase));
            contains(&folded, &search.pattern)
        } else {
            contains(text, &search.pattern)
        };
        if found == search.invert {
            continue;
        }
        selected += 1;
        if search.count {
            continue;
        }
        if let Some(name) = name {
            out!(tool, "{name}:");
        }
        if search.number {
            out!(tool, "{number}:");
        }
        tool.out(text);
        tool.out(b"\n");
    }
    if search.count {
        if let Some(name) = name {
            out!(tool, "{name}:");
        }
        out!(tool, "{selected}\n");
    }
    Ok(selected)
}

/// Whether `needle` occurs in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}
