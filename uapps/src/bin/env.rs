//! `env [-i] [NAME=value...] [command [arg...]]`: prints the environment, or runs a command
//! in a changed one.
//!
//! - Without a command it prints the environment, one `NAME=value` a line (nothing when it
//!   is empty), after applying the assignments.
//! - With a command it runs it with the assignments added to the environment (replacing a
//!   variable of the same name) through `execve_env`. A command without `/` is looked for
//!   in each directory of `PATH` (of the new environment; `/bin` when unset).
//! - `-i` starts from an empty environment.
//!
//! A command that is not found ends `env` with status 127 (`env: <command>: No such file or
//! directory`), one that cannot be run with 126, as in GNU `env`.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;

use uapps::out;
use uapps::tool::{Opt, Opts, Tool, join};
use ulib::errno::Errno;

ulib::entry!(main);

const HELP: &str = "  -i  start with an empty environment
A command without '/' is looked for in PATH (default /bin).
";

/// Where commands are looked for when `PATH` is unset.
const DEFAULT_PATH: &str = "/bin";

fn main() -> i32 {
    let mut tool = Tool::new("env", "[-i] [NAME=value...] [command [arg...]]", HELP);
    let mut opts = Opts::from_env();
    let mut empty = false;
    for opt in opts.by_ref() {
        match opt {
            Opt::Flag('i') => empty = true,
            other => return tool.reject(other),
        }
    }
    let mut vars: Vec<String> = Vec::new();
    if !empty {
        for (name, value) in ulib::env::vars() {
            vars.push(alloc::format!("{name}={value}"));
        }
    }
    let mut rest = opts.operands();
    while let Some((assignment, tail)) = rest.split_first() {
        let Some((name, _)) = assignment.split_once('=') else {
            break;
        };
        if name.is_empty() {
            return tool.usage_error(format_args!("invalid assignment '{assignment}'"));
        }
        vars.retain(|v| v.split_once('=').map(|(n, _)| n) != Some(name));
        vars.push(String::from(*assignment));
        rest = tail;
    }
    let Some(&command) = rest.first() else {
        for v in &vars {
            out!(tool, "{v}\n");
        }
        return tool.finish(0);
    };
    let envp: Vec<&str> = vars.iter().map(String::as_str).collect();
    let err = run(command, rest, &envp);
    tool.error(command, err);
    let _ = tool.finish(1);
    if err == Errno::ENOENT { 127 } else { 126 }
}

/// Runs `command` with `argv` and `envp`; returns only on failure, with the error that
/// tells most (`ENOENT` only if no directory held the command).
fn run(command: &str, argv: &[&str], envp: &[&str]) -> Errno {
    if command.contains('/') {
        return exec(command, argv, envp);
    }
    let path = envp
        .iter()
        .rev()
        .find_map(|v| v.strip_prefix("PATH="))
        .unwrap_or(DEFAULT_PATH);
    let mut best = Errno::ENOENT;
    for dir in path.split(':') {
        let dir = if dir.is_empty() { "." } else { dir };
        match exec(&join(dir, command), argv, envp) {
            Errno::ENOENT | Errno::ENOTDIR => {}
            other => best = other,
        }
    }
    best
}

fn exec(path: &str, argv: &[&str], envp: &[&str]) -> Errno {
    match ulib::process::execve_env(path, argv, envp) {
        Err(e) => e,
        Ok(never) => match never {},
    }
}
