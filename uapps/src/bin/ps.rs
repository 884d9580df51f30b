//! `ps`: lists every process, from `/proc`: the pid directories of the `/proc` listing, each
//! one's `stat` line. Prints the header `  PID  PPID  PGID S COMMAND`, then a line per
//! process in pid order (state letters as Linux's: `R` running or ready, `S` sleeping,
//! `T` stopped, `Z` zombie).
//!
//! The command name is between the first `(` and the last `)` of the `stat` line (a name
//! may hold `)` and spaces), and the other fields follow the last `)`. A process that ends
//! while `ps` reads is left out.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

extern crate alloc;

use alloc::vec::Vec;

use uapps::out;
use uapps::tool::{Opts, Tool};
use ulib::errno::Errno;
use ulib::fs;

ulib::entry!(main);

/// The fields of a `stat` line `ps` shows.
struct ProcLine<'a> {
    pid: &'a str,
    comm: &'a str,
    state: &'a str,
    ppid: &'a str,
    pgrp: &'a str,
}

fn main() -> i32 {
    let mut tool = Tool::new("ps", "", "");
    let mut opts = Opts::from_env();
    if let Some(opt) = opts.next() {
        return tool.reject(opt);
    }
    if let Some(arg) = opts.operands().first() {
        return tool.usage_error(format_args!("unexpected argument '{arg}'"));
    }
    let mut pids: Vec<u32> = match fs::read_dir("/proc") {
        Ok(entries) => entries.iter().filter_map(|e| e.name.parse().ok()).collect(),
        Err(e) => {
            tool.error("/proc", e);
            return tool.finish(1);
        }
    };
    pids.sort_unstable();
    out!(tool, "  PID  PPID  PGID S COMMAND\n");
    for pid in pids {
        let path = alloc::format!("/proc/{pid}/stat");
        let text = match fs::read(&path) {
            Ok(text) => text,
            // It ended since the listing.
            Err(Errno::ENOENT | Errno::ESRCH) => continue,
            Err(e) => {
                tool.error(&path, e);
                continue;
            }
        };
        let text = core::str::from_utf8(&text).unwrap_or_default();
        match parse(text) {
            Some(p) => out!(
                tool,
                "{:>5} {:>5} {:>5} {} {}\n",
                p.pid,
                p.ppid,
                p.pgrp,
                p.state,
                p.comm
            ),
            None => tool.error_msg(&path, format_args!("malformed stat line")),
        }
    }
    tool.finish(0)
}

/// `<pid> (<comm>) <state> <ppid> <pgrp> ...`
fn parse(line: &str) -> Option<ProcLine<'_>> {
    let open = line.find('(')?;
    let close = line.rfind(')')?;
    let comm = line.get(open + 1..close)?;
    let pid = line[..open].trim();
    let mut rest = line[close + 1..].split_ascii_whitespace();
    let state = rest.next()?;
    let ppid = rest.next()?;
    let pgrp = rest.next()?;
    Some(ProcLine {
        pid,
        comm,
        state,
        ppid,
        pgrp,
    })
}
