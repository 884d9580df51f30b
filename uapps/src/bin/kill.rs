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
//! The arguments are read by [`uapps::kill_args`], as the shell's `kill` builtin reads them.
//!
//! A pid that cannot be signalled is reported (`kill: <pid>: No such process`); the status
//! is then 1.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;

use uapps::kill_args::{self, KillRequest};
use uapps::tool::Tool;
use ulib::process::Pid;

ulib::entry!(main);

const HELP: &str = "  -s SIG  send SIG (a name such as TERM or SIGTERM, or a number)
  -SIG    the same
  -n NUM  send signal number NUM
  -l      list the signal names (-l SIG: name of a number, number of a name)
A negative pid is a process group; -- ends the options.
";

fn main() -> i32 {
    let mut tool = Tool::new("kill", "[-s SIG | -SIG | -n NUM] pid... | -l [SIG]", HELP);
    let args: Vec<&str> = ulib::env::args().skip(1).collect();
    let (signal, targets) = match kill_args::parse(&args) {
        Ok(KillRequest::Help) => return tool.help(),
        Ok(KillRequest::List(names)) => {
            let mut text = String::new();
            let listed = kill_args::list(names, &mut text);
            tool.out(text.as_bytes());
            return match listed {
                Ok(()) => tool.finish(0),
                Err(e) => tool.usage_error(format_args!("{e}")),
            };
        }
        Ok(KillRequest::Send { signal, targets }) => (signal, targets),
        Err(e) => return tool.usage_error(format_args!("{e}")),
    };
    for &arg in targets {
        let Ok(pid) = arg.parse::<i32>() else {
            return tool.usage_error(format_args!("invalid process id '{arg}'"));
        };
        if let Err(e) = ulib::signal::kill(Pid::from_raw(pid), signal) {
            tool.error(arg, e);
        }
    }
    tool.finish(0)
}
