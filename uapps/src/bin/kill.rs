//! `kill [-s SIG | -SIG | -n NUM] pid...`, `kill -l [SIG]`: sends a signal to processes.
//!
//! - The signal is `SIGTERM` unless given: by name, with or without the `SIG` prefix, in
//!   any letter case (`-s term`, `-KILL`, `-SIGUSR1`), or by number (`-9`, `-n 9`; `0` only
//!   checks that the process exists).
//! - A negative pid names a process group (`kill -- -5`, `kill -9 -5`): after the signal,
//!   every argument is a pid.
//! - `kill -l` lists the signals, one `<number> <NAME>` a line (`15 TERM`); `kill -l SIG`
//!   prints the name of a number (an exit status above 128 counts as 128 + the signal) or
//!   the number of a name.
//!
//! A pid that cannot be signalled is reported (`kill: <pid>: No such process`); the status
//! is then 1.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

extern crate alloc;

use alloc::string::String;

use uapps::out;
use uapps::tool::Tool;
use ulib::process::{Pid, Signal};

ulib::entry!(main);

const HELP: &str = "  -s SIG  send SIG (a name such as TERM or SIGTERM, or a number)
  -SIG    the same
  -n NUM  send signal number NUM
  -l      list the signal names (-l SIG: name of a number, number of a name)
A negative pid is a process group; -- ends the options.
";

fn main() -> i32 {
    let mut tool = Tool::new("kill", "[-s SIG | -SIG | -n NUM] pid... | -l [SIG]", HELP);
    let args: alloc::vec::Vec<&str> = ulib::env::args().skip(1).collect();
    let mut sig = Some(Signal::SIGTERM);
    let mut rest = args.as_slice();
    match rest {
        ["--help", ..] => return tool.help(),
        ["-l", names @ ..] => return list(&mut tool, names),
        ["--", tail @ ..] => rest = tail,
        ["-s" | "-n", value, tail @ ..] => {
            match parse_signal(value) {
                Some(s) => sig = s,
                None => return tool.usage_error(format_args!("invalid signal '{value}'")),
            }
            rest = tail;
        }
        ["-s" | "-n"] => {
            return tool.usage_error(format_args!(
                "option requires an argument -- '{}'",
                &rest[0][1..]
            ));
        }
        [first, tail @ ..] if first.starts_with('-') && first.len() > 1 => {
            match parse_signal(&first[1..]) {
                Some(s) => sig = s,
                None => return tool.usage_error(format_args!("invalid signal '{}'", &first[1..])),
            }
            rest = tail;
        }
        _ => {}
    }
    if let ["--", tail @ ..] = rest {
        rest = tail;
    }
    if rest.is_empty() {
        return tool.usage_error(format_args!("no process id given"));
    }
    for &arg in rest {
        let Ok(pid) = arg.parse::<i32>() else {
            return tool.usage_error(format_args!("invalid process id '{arg}'"));
        };
        if let Err(e) = ulib::signal::kill(Pid::from_raw(pid), sig) {
            tool.error(arg, e);
        }
    }
    tool.finish(0)
}

/// A signal by name (any case, `SIG` optional) or number; `Some(None)` for 0.
fn parse_signal(spec: &str) -> Option<Option<Signal>> {
    if let Ok(n) = spec.parse::<i32>() {
        return match n {
            0 => Some(None),
            n => Signal::from_raw(n).map(Some),
        };
    }
    let upper: String = spec.chars().map(|c| c.to_ascii_uppercase()).collect();
    Signal::from_name(&upper).map(Some)
}

/// `kill -l [SIG...]`.
fn list(tool: &mut Tool, names: &[&str]) -> i32 {
    if names.is_empty() {
        for s in Signal::ALL {
            out!(tool, "{:>2} {}\n", s.as_raw(), short_name(s));
        }
        return tool.finish(0);
    }
    for &spec in names {
        match spec.parse::<i32>() {
            // Exit statuses of killed processes are 128 + the signal.
            Ok(n) => match Signal::from_raw(if n > 128 { n - 128 } else { n }) {
                Some(s) => out!(tool, "{}\n", short_name(s)),
                None => return tool.usage_error(format_args!("invalid signal '{spec}'")),
            },
            Err(_) => match parse_signal(spec) {
                Some(Some(s)) => out!(tool, "{}\n", s.as_raw()),
                _ => return tool.usage_error(format_args!("invalid signal '{spec}'")),
            },
        }
    }
    tool.finish(0)
}

/// The name without `SIG` (`TERM`).
fn short_name(s: Signal) -> &'static str {
    s.name().strip_prefix("SIG").unwrap_or(s.name())
}
