//! The arguments of `kill`, read one way for both the shell's builtin and `/bin/kill`:
//!
//! ```text
//! kill [-s SIG | -SIG | -n NUM] [--] target...     send SIG (default SIGTERM)
//! kill -l [SIG...]                                 list the signals, or translate some
//! ```
//!
//! - A signal is a name, with or without `SIG`, in any letter case (`-s term`, `-KILL`,
//!   `-SIGUSR1`), or a number (`-9`, `-n 9`); `0` sends nothing and only checks that the
//!   target exists.
//! - After the signal option, and after `--`, every argument is a target, so a negative
//!   number is a process group (`kill -- -5`, `kill -9 -5`). What a target means (a pid, a
//!   shell's `%job`) is the caller's business.
//! - `kill -l` lists every signal as `<number> <NAME>` (`15 TERM`); `kill -l SIG...` gives
//!   the name of a number (an exit status above 128 counts as 128 + the signal) or the
//!   number of a name.

use alloc::string::String;
use core::fmt;

use ulib::process::Signal;

/// What a `kill` command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum KillRequest<'a> {
    /// `--help`.
    Help,
    /// `-l [SIG...]`.
    List(&'a [&'a str]),
    /// Send `signal` (`None`: signal 0, only a check) to each of `targets`.
    Send {
        /// The signal.
        signal: Option<Signal>,
        /// The pids, groups (negative) or, for the shell, jobs (`%n`); never empty.
        targets: &'a [&'a str],
    },
}

/// A `kill` command line that does not parse.
#[derive(Debug, PartialEq, Eq)]
pub enum KillArgsError<'a> {
    /// The signal named is not one.
    InvalidSignal(&'a str),
    /// `-s` or `-n` came last.
    MissingValue(&'a str),
    /// No target.
    NoTargets,
}

impl fmt::Display for KillArgsError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KillArgsError::InvalidSignal(s) => write!(f, "invalid signal '{s}'"),
            KillArgsError::MissingValue(opt) => {
                write!(f, "option requires an argument -- '{}'", &opt[1..])
            }
            KillArgsError::NoTargets => f.write_str("no process id given"),
        }
    }
}

/// Reads the arguments after `kill`.
///
/// # Errors
///
/// When the signal is not one, `-s`/`-n` lack their value, or no target is given.
pub fn parse<'a>(args: &'a [&'a str]) -> Result<KillRequest<'a>, KillArgsError<'a>> {
    let mut signal = Some(Signal::SIGTERM);
    let mut rest = args;
    match rest {
        ["--help", ..] => return Ok(KillRequest::Help),
        ["-l", names @ ..] => return Ok(KillRequest::List(names)),
        ["--", tail @ ..] => rest = tail,
        ["-s" | "-n", value, tail @ ..] => {
            signal = parse_signal(value).ok_or(KillArgsError::InvalidSignal(value))?;
            rest = tail;
        }
        [opt @ ("-s" | "-n")] => return Err(KillArgsError::MissingValue(opt)),
        [first, tail @ ..] if first.starts_with('-') && first.len() > 1 => {
            signal = parse_signal(&first[1..]).ok_or(KillArgsError::InvalidSignal(&first[1..]))?;
            rest = tail;
        }
        _ => {}
    }
    if let ["--", tail @ ..] = rest {
        rest = tail;
    }
    if rest.is_empty() {
        return Err(KillArgsError::NoTargets);
    }
    Ok(KillRequest::Send {
        signal,
        targets: rest,
    })
}

/// A signal by name (any case, `SIG` optional) or number; `Some(None)` for 0.
pub fn parse_signal(spec: &str) -> Option<Option<Signal>> {
    if let Ok(n) = spec.parse::<i32>() {
        return match n {
            0 => Some(None),
            n => Signal::from_raw(n).map(Some),
        };
    }
    let upper: String = spec.chars().map(|c| c.to_ascii_uppercase()).collect();
    Signal::from_name(&upper).map(Some)
}

/// Writes what `kill -l [SIG...]` prints into `out`.
///
/// # Errors
///
/// The first `SIG` that is not a signal (what came before it is written).
pub fn list<'a>(names: &[&'a str], out: &mut impl fmt::Write) -> Result<(), KillArgsError<'a>> {
    if names.is_empty() {
        for s in Signal::ALL {
            let _ = writeln!(out, "{:>2} {}", s.as_raw(), short_name(s));
        }
        return Ok(());
    }
    for &spec in names {
        match spec.parse::<i32>() {
            // Exit statuses of killed processes are 128 + the signal.
            Ok(n) => match Signal::from_raw(if n > 128 { n - 128 } else { n }) {
                Some(s) => {
                    let _ = writeln!(out, "{}", short_name(s));
                }
                None => return Err(KillArgsError::InvalidSignal(spec)),
            },
            Err(_) => match parse_signal(spec) {
                Some(Some(s)) => {
                    let _ = writeln!(out, "{}", s.as_raw());
                }
                _ => return Err(KillArgsError::InvalidSignal(spec)),
            },
        }
    }
    Ok(())
}

/// The name without `SIG` (`TERM`).
pub fn short_name(s: Signal) -> &'static str {
    s.name().strip_prefix("SIG").unwrap_or(s.name())
}
