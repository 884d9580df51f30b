//! `sh`: the shell.
//!
//! ```text
//! sh                 read commands from standard input (a prompt if it is a terminal)
//! sh -c 'command'    run the command text and exit with its status
//! sh -m ...          any of the above with job control even without a terminal
//! sh script [args]   run the script file and exit with its status
//! ```
//!
//! The grammar (docs/shell.md): words with `'...'`, `"..."` and `\`
//! quoting; `$?`, `$$`, `$NAME` and `${NAME}`; `NAME=value`; `;`, `&&`, `||`, `|`, `&`,
//! newlines; `<`, `>`, `>>`, `N>`, `N>&M`; `#` comments. Builtins: `cd`, `exit`, `export`,
//! `jobs`, `fg`, `bg`, `wait`, `kill`, `true`, `false`. Other commands are looked up in
//! `PATH` (default `/bin`) and run with the exported variables as their environment.
//!
//! Standard input and scripts are read and run a line at a time ([`input`]), never taking
//! more of a shared input than the line being run.
//!
//! With a terminal on standard input whose foreground group can be set, the shell does job
//! control: each pipeline in its own process group, the terminal handed to the foreground
//! one, ^Z stops it (`fg`, `bg` continue it). Started in the background, it waits, stopped,
//! to be brought to the foreground. Without a terminal (a pipe, a file) everything runs in
//! the shell's own group.
//!
//! Exit status: that of the last command; 2 for a syntax error in a script (after the lines
//! before it ran) or `-c` text; 127 when the script cannot be opened.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

extern crate alloc;

mod builtins;
mod exec;
mod expand;
mod input;
mod jobs;
mod syntax;

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, Ordering};

use ulib::prelude::*;
use ulib::signal::{self, SigHandler};

use input::LineInput;
use jobs::Jobs;
use ulib::fs::OFlag;

ulib::entry!(main);

/// Status of a syntax error (as other shells give).
const SYNTAX_STATUS: i32 = 2;
/// Signals an interactive shell ignores (the foreground job gets them instead).
const INTERACTIVE_IGNORED: [Signal; 2] = [Signal::SIGINT, Signal::SIGQUIT];
/// Signals a job-control shell ignores as well.
const JOB_CONTROL_IGNORED: [Signal; 3] = [Signal::SIGTSTP, Signal::SIGTTIN, Signal::SIGTTOU];

/// A shell variable.
#[derive(Clone, Debug)]
pub struct Var {
    /// Its value.
    pub value: String,
    /// Whether commands get it in their environment.
    pub exported: bool,
}

/// The shell's state.
pub struct Shell {
    /// Variables, exported or not.
    pub vars: BTreeMap<String, Var>,
    /// `$?`.
    pub last_status: i32,
    /// `$$`: the shell's pid (the same in a forked child).
    pub pid: Pid,
    /// `$!`: the pid of the last background job's last process.
    pub last_background: Option<Pid>,
    /// `$0` and the positional parameters of a script.
    pub args: Vec<String>,
    /// Standard input is a terminal.
    pub interactive: bool,
    /// Job control is on (interactive, and the terminal's group could be set).
    pub job_control: bool,
    /// The shell's process group.
    pub pgid: Pid,
    /// The terminal's settings when the shell started, put back after each foreground job
    /// under job control (a program that set raw mode and then died leaves a usable
    /// terminal).
    pub tty_modes: Option<ulib::tty::Termios>,
    /// The jobs.
    pub jobs: Jobs,
    /// Set by `exit`: the status to exit with.
    pub exit_requested: Option<i32>,
    /// In a forked child (a pipeline member or a background and-or list): builtins like
    /// `exit` end the child, and no job control.
    pub in_child: bool,
}

impl Shell {
    fn new() -> Shell {
        let mut vars = BTreeMap::new();
        for (name, value) in ulib::env::vars() {
            vars.insert(
                name.to_string(),
                Var {
                    value: value.to_string(),
                    exported: true,
                },
            );
        }
        vars.entry(String::from("PATH")).or_insert(Var {
            value: String::from("/bin"),
            exported: true,
        });
        Shell {
            vars,
            last_status: 0,
            pid: getpid(),
            last_background: None,
            args: Vec::new(),
            interactive: false,
            job_control: false,
            pgid: ulib::process::getpgrp(),
            tty_modes: None,
            jobs: Jobs::default(),
            exit_requested: None,
            in_child: false,
        }
    }

    /// The value of `$name`: a variable, or one of `?`, `$`, `!`, `#`, `0`..`9`.
    pub fn lookup(&self, name: &str) -> Option<String> {
        match name {
            "?" => Some(self.last_status.to_string()),
            "$" => Some(self.pid.to_string()),
            "!" => self.last_background.map(|p| p.to_string()),
            "#" => Some(self.args.len().saturating_sub(1).to_string()),
            _ if name.bytes().all(|b| b.is_ascii_digit()) => name
                .parse::<usize>()
                .ok()
                .and_then(|i| self.args.get(i).cloned()),
            _ => self.vars.get(name).map(|v| v.value.clone()),
        }
    }

    /// Sets a variable, keeping whether it is exported.
    pub fn set_var(&mut self, name: &str, value: &str) {
        match self.vars.get_mut(name) {
            Some(var) => var.value = value.to_string(),
            None => {
                self.vars.insert(
                    name.to_string(),
                    Var {
                        value: value.to_string(),
                        exported: false,
                    },
                );
            }
        }
    }

    /// The environment for a command: the exported variables as `NAME=value`, with
    /// `extra` (the command's own assignments) replacing or adding to them.
    pub fn environment(&self, extra: &[(String, String)]) -> Vec<String> {
        let mut env: Vec<String> = self
            .vars
            .iter()
            .filter(|(name, var)| var.exported && !extra.iter().any(|(n, _)| n == *name))
            .map(|(name, var)| alloc::format!("{name}={}", var.value))
            .collect();
        env.extend(extra.iter().map(|(n, v)| alloc::format!("{n}={v}")));
        env
    }

    /// Runs `text` (a whole `-c` string, a script or one line of input); returns `Err` with
    /// the syntax error, having reported it, if it does not parse.
    pub fn run_text(&mut self, text: &str) -> Result<(), syntax::SyntaxError> {
        let items = match syntax::parse(text) {
            Ok(items) => items,
            Err(e) => {
                report_syntax_error(e);
                self.last_status = SYNTAX_STATUS;
                return Err(e);
            }
        };
        for item in &items {
            if self.exit_requested.is_some() {
                break;
            }
            // Collected, not reported: changes are reported before a prompt (and `jobs`
            // lists them), so a job reported here would be reported twice.
            self.reap_quietly();
            exec::run_item(self, item);
        }
        Ok(())
    }

    /// Collects every child that has ended without blocking (background jobs), so that
    /// zombies do not pile up; reports finished jobs when interactive.
    pub fn reap_finished(&mut self) {
        loop {
            match waitpid(None, WaitFlags::WNOHANG | WaitFlags::WUNTRACED) {
                Ok(WaitStatus::StillAlive) | Err(_) => break,
                Ok(ws) => {
                    self.jobs.record(ws);
                }
            }
        }
        if self.interactive && !self.in_child {
            self.report_jobs();
        }
    }

    /// Prints `[n]+  Done  cmd` for each finished background job and forgets it, and
    /// `[n]+  Stopped  cmd` once for each job that stopped since the last report (a
    /// background job that read the terminal, or one stopped by `kill -STOP`).
    pub fn report_jobs(&mut self) {
        let ids: Vec<usize> = self.jobs.list.iter().map(|j| j.id).collect();
        for id in ids {
            let mark = self.jobs.mark(id);
            if let Some(job) = self.jobs.get(id)
                && matches!(job.state(), jobs::JobState::Stopped(_))
                && !job.stop_reported
            {
                job.stop_reported = true;
                eprintln!("[{id}]{mark}  Stopped  {}", job.text);
            }
        }
        let done: Vec<usize> = self
            .jobs
            .list
            .iter()
            .filter(|j| matches!(j.state(), jobs::JobState::Done(_)))
            .map(|j| j.id)
            .collect();
        for id in done {
            let mark = self.jobs.mark(id);
            if let Some(job) = self.jobs.remove(id)
                && job.background
            {
                eprintln!(
                    "[{id}]{mark}  {}  {}",
                    jobs::describe(job.state()),
                    job.text
                );
            }
        }
    }
}

/// Prints `sh: syntax error: <what>`.
fn report_syntax_error(e: syntax::SyntaxError) {
    eprintln!("sh: syntax error: {e}");
}

/// Sets up the signals and, on a terminal that supports it, job control.
fn init_interactive(sh: &mut Shell) {
    sh.interactive = ulib::tty::isatty(ulib::io::STDIN);
    if !sh.interactive {
        return;
    }
    wait_for_the_foreground(sh);
    for sig in INTERACTIVE_IGNORED {
        // SAFETY: ignoring a signal installs no handler code.
        #[allow(unsafe_code)]
        let _ = unsafe { signal::signal(sig, SigHandler::SigIgn) };
    }
    // Taking the terminal from the group we were started in is a change from the background:
    // SIGTTOU would stop us. Ignore it (and the other stop signals, as a job-control shell
    // does) first.
    for sig in JOB_CONTROL_IGNORED {
        // SAFETY: ignoring a signal installs no handler code.
        #[allow(unsafe_code)]
        let _ = unsafe { signal::signal(sig, SigHandler::SigIgn) };
    }
    // Become a group leader if we are not, then take the terminal. If the terminal does not
    // let us, run without job control.
    if sh.pgid != sh.pid && ulib::process::setpgid(Pid::from_raw(0), Pid::from_raw(0)).is_ok() {
        sh.pgid = sh.pid;
    }
    if ulib::tty::tcsetpgrp(ulib::io::STDIN, sh.pgid).is_ok()
        && ulib::tty::tcgetpgrp(ulib::io::STDIN) == Ok(sh.pgid)
    {
        sh.tty_modes = ulib::tty::Termios::get(ulib::io::STDIN).ok();
        enable_job_control(sh);
    }
}

/// Times an interactive shell started in the background stops itself waiting to be brought
/// to the foreground before it gives up and goes on (its reads will then fail).
const BACKGROUND_STOPS: u32 = 100;

/// An interactive shell started in the background (`sh &`) must not take the terminal from
/// the shell that started it: as long as its group is not the terminal's foreground group it
/// stops itself with SIGTTIN (the signal a background read would bring), so that it waits,
/// stopped, until `fg` continues it with the terminal. Done before SIGTTIN is ignored.
fn wait_for_the_foreground(sh: &Shell) {
    for _ in 0..BACKGROUND_STOPS {
        match ulib::tty::tcgetpgrp(ulib::io::STDIN) {
            // 0: the terminal has no foreground group; nobody to wait for.
            Ok(foreground) if foreground.as_raw() > 0 && foreground != sh.pgid => {
                let _ = signal::killpg(sh.pgid, Some(Signal::SIGTTIN));
            }
            _ => return,
        }
    }
}

/// Turns job control on: the stop signals from the terminal are ignored by the shell (its
/// jobs get them).
fn enable_job_control(sh: &mut Shell) {
    sh.job_control = true;
    for sig in JOB_CONTROL_IGNORED {
        // SAFETY: ignoring a signal installs no handler code.
        #[allow(unsafe_code)]
        let _ = unsafe { signal::signal(sig, SigHandler::SigIgn) };
    }
    // ^C at the prompt (the shell's group holds the terminal only then) abandons the line
    // being typed and prompts again: caught without SA_RESTART, it cuts the read short.
    let act = signal::SigAction::new(
        SigHandler::Handler(interrupted),
        signal::SaFlags::empty(),
        signal::SigSet::empty(),
    );
    // SAFETY: the handler does nothing, which is safe at any point.
    #[allow(unsafe_code)]
    let _ = unsafe { signal::sigaction(Signal::SIGINT, &act) };
}

/// Set by SIGINT (^C while the shell holds the terminal), cleared once a command has run.
/// A ^C that comes while the shell is between reads (printing the prompt) interrupts no read;
/// the input loop sees this instead.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// SIGINT at the prompt: a read it cuts short says EINTR; the flag covers the moments
/// outside a read.
extern "C" fn interrupted(_: i32) {
    INTERRUPTED.store(true, Ordering::Relaxed);
}

/// Consecutive `EIO` errors reading the terminal the shell tolerates (taking the terminal
/// back after each) before it takes the input as ended.
const EIO_RETRIES: u32 = 10;

/// Reads `input` a line at a time (see [`input`]) and runs each complete command (a line,
/// or several when a quote or a trailing `|`/`&&`/`||` continues it) before reading more.
/// When not interactive, a syntax error ends the run with status 2 (the lines before it
/// have run).
fn run_input(sh: &mut Shell, input: &mut LineInput) -> i32 {
    let mut command = String::new();
    let mut eof = false;
    // A prompt is due: at the start and after each line taken, not while a partial line
    // (read without its newline) waits for the rest.
    let mut prompt_due = true;
    let mut eio_in_a_row = 0;
    loop {
        if sh.exit_requested.is_some() {
            break;
        }
        let line = match input.take_line(eof) {
            Some(line) => line,
            // At the end, a command still open (an unterminated quote) is parsed once more:
            // its syntax error is reported.
            None if eof && !command.is_empty() => Vec::new(),
            None if eof => break,
            None => {
                if sh.interactive && prompt_due && !input.has_partial_line() {
                    sh.reap_finished();
                    eprint!("{}", if command.is_empty() { "$ " } else { "> " });
                    prompt_due = false;
                }
                let read = if INTERRUPTED.swap(false, Ordering::Relaxed) {
                    Err(Errno::EINTR)
                } else {
                    input.fill()
                };
                match read {
                    Ok(0) => {
                        eof = true;
                        if sh.interactive {
                            // Leave the prompt's line, as other shells do at ^D.
                            eprintln!();
                        }
                    }
                    Ok(n) => {
                        eio_in_a_row = 0;
                        // The ^C handler ran on the way out of this read rather than cutting
                        // an earlier one short (the signal and the input came together): what
                        // was typed before the ^C goes, what this read brought stays.
                        if INTERRUPTED.swap(false, Ordering::Relaxed) {
                            command.clear();
                            input.discard_before_last(n);
                            sh.last_status = 128 + Signal::SIGINT as i32;
                        }
                    }
                    // ^C at the prompt: forget the command typed so far, prompt again; `$?` says
                    // the line was interrupted, as in other shells.
                    Err(Errno::EINTR) => {
                        INTERRUPTED.store(false, Ordering::Relaxed);
                        command.clear();
                        input.discard();
                        sh.last_status = 128 + Signal::SIGINT as i32;
                        prompt_due = true;
                    }
                    // A read of the terminal from outside its foreground group, with SIGTTIN
                    // ignored: another process took the terminal (a job that set its group
                    // itself). Take it back and read again, a few times, rather than exit.
                    Err(Errno::EIO) if sh.job_control && eio_in_a_row < EIO_RETRIES => {
                        eio_in_a_row += 1;
                        let _ = ulib::tty::tcsetpgrp(ulib::io::STDIN, sh.pgid);
                    }
                    Err(_) => eof = true,
                }
                continue;
            }
        };
        prompt_due = true;
        command.push_str(&String::from_utf8_lossy(&line));
        match syntax::parse(&command) {
            Err(e) if e.is_incomplete() && !eof => continue,
            Err(e) => {
                report_syntax_error(e);
                sh.last_status = SYNTAX_STATUS;
                command.clear();
                if !sh.interactive {
                    return SYNTAX_STATUS;
                }
            }
            Ok(_) => {
                let text = core::mem::take(&mut command);
                let _ = sh.run_text(&text);
                // A ^C while the command ran (one that ended `wait`) is done with.
                INTERRUPTED.store(false, Ordering::Relaxed);
            }
        }
    }
    if sh.interactive && sh.exit_requested.is_none() {
        eprintln!();
    }
    sh.exit_requested.unwrap_or(sh.last_status)
}

fn main() -> i32 {
    let mut sh = Shell::new();
    let mut args: Vec<&str> = ulib::env::args().collect();
    sh.args
        .push(String::from(args.first().copied().unwrap_or("sh")));
    // `-m` (POSIX "monitor"): job control even without a terminal: every job in a process
    // group of its own, `kill %n`, `fg` and `bg` signal the group.
    let monitor = args.get(1) == Some(&"-m");
    if monitor {
        args.remove(1);
        enable_job_control(&mut sh);
    }
    match args.get(1).copied() {
        Some("-c") => {
            let Some(text) = args.get(2) else {
                eprintln!("sh: -c: option requires an argument");
                return SYNTAX_STATUS;
            };
            // `sh -c text name args...`: $0 is name.
            if let Some(name) = args.get(3) {
                sh.args[0] = String::from(*name);
                sh.args.extend(args[4..].iter().map(|s| String::from(*s)));
            }
            let _ = sh.run_text(text);
            sh.exit_requested.unwrap_or(sh.last_status)
        }
        Some(path) => {
            // Close-on-exec: the commands of the script do not get (or read) the script.
            let fd = match ulib::fs::open(path, OFlag::O_RDONLY | OFlag::O_CLOEXEC, 0) {
                Ok(fd) => fd,
                Err(e) => {
                    eprintln!("sh: {path}: {e}");
                    return 127;
                }
            };
            sh.args[0] = String::from(path);
            sh.args.extend(args[2..].iter().map(|s| String::from(*s)));
            let status = run_input(&mut sh, &mut LineInput::new(fd, true));
            let _ = ulib::io::close(fd);
            status
        }
        None => {
            init_interactive(&mut sh);
            let status = run_input(&mut sh, &mut LineInput::new(ulib::io::STDIN, false));
            hang_up_jobs(&mut sh);
            status
        }
    }
}

/// Leaving the shell: a stopped job could be continued by nobody (its parent becomes init,
/// whose group keeps the job's from counting as orphaned), and an interactive shell's running
/// jobs would outlive the session (init, which waits for every process before it powers off,
/// would wait for them). Each such job's group gets SIGHUP, then SIGCONT so that a stopped one
/// takes it: what a terminal hangup does to a login shell's jobs.
fn hang_up_jobs(sh: &mut Shell) {
    if !sh.job_control {
        return;
    }
    sh.reap_quietly();
    for job in &sh.jobs.list {
        let hang_up = match job.state() {
            jobs::JobState::Stopped(_) => true,
            jobs::JobState::Running => sh.interactive,
            jobs::JobState::Done(_) => false,
        };
        if hang_up {
            let _ = signal::killpg(job.pgid, Some(Signal::SIGHUP));
            let _ = signal::killpg(job.pgid, Some(Signal::SIGCONT));
        }
    }
}
