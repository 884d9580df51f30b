//! The builtins: `cd`, `exit`, `export`, `jobs`, `fg`, `bg`, `wait`, `kill`, `true`, `false`.
//!
//! Each takes the expanded argument list (the name first) and returns the status. They run
//! in the shell itself unless they are part of a pipeline.

use alloc::string::String;
use alloc::vec::Vec;

use uapps::kill_args::{self, KillArgsError, KillRequest};
use ulib::prelude::*;
use ulib::signal;

use crate::Shell;
use crate::exec;
use crate::jobs::{self, JobState};
use crate::syntax::is_name;

/// The builtins' names.
const NAMES: [&str; 10] = [
    "cd", "exit", "export", "jobs", "fg", "bg", "wait", "kill", "true", "false",
];

/// Whether `name` is a builtin.
pub fn is_builtin(name: &str) -> bool {
    NAMES.contains(&name)
}

/// Runs builtin `argv[0]`.
pub fn run(sh: &mut Shell, argv: &[String]) -> i32 {
    let args: Vec<&str> = argv.iter().map(String::as_str).collect();
    match args[0] {
        "true" => 0,
        "false" => 1,
        "cd" => cd(sh, &args[1..]),
        "exit" => exit_builtin(sh, &args[1..]),
        "export" => export(sh, &args[1..]),
        "jobs" => jobs_builtin(sh),
        "fg" => fg(sh, &args[1..]),
        "bg" => bg(sh, &args[1..]),
        "wait" => wait_builtin(sh, &args[1..]),
        "kill" => kill(sh, &args[1..]),
        _ => 127,
    }
}

fn cd(sh: &mut Shell, args: &[&str]) -> i32 {
    let home = sh.lookup("HOME").filter(|h| !h.is_empty());
    let dir = match args.first() {
        Some(d) => String::from(*d),
        None => home.unwrap_or_else(|| String::from("/")),
    };
    match ulib::fs::chdir(&dir) {
        Ok(()) => {
            if let Ok(cwd) = ulib::fs::getcwd() {
                sh.set_var("PWD", &cwd);
            }
            0
        }
        Err(e) => {
            eprintln!("sh: cd: {dir}: {e}");
            1
        }
    }
}

fn exit_builtin(sh: &mut Shell, args: &[&str]) -> i32 {
    let status = match args.first() {
        None => sh.last_status,
        Some(n) => match n.parse::<i64>() {
            Ok(v) => (v & 0xff) as i32,
            Err(_) => {
                eprintln!("sh: exit: {n}: numeric argument required");
                2
            }
        },
    };
    sh.exit_requested = Some(status);
    status
}

fn export(sh: &mut Shell, args: &[&str]) -> i32 {
    if args.is_empty() {
        for (name, var) in &sh.vars {
            if var.exported {
                println!("export {name}='{}'", var.value);
            }
        }
        return 0;
    }
    let mut status = 0;
    for arg in args {
        let (name, value) = match arg.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (*arg, None),
        };
        if !is_name(name) {
            eprintln!("sh: export: {arg}: not a valid name");
            status = 1;
            continue;
        }
        if let Some(v) = value {
            sh.set_var(name, v);
        }
        let var = sh.vars.entry(String::from(name)).or_insert(crate::Var {
            value: String::new(),
            exported: true,
        });
        var.exported = true;
    }
    status
}

fn jobs_builtin(sh: &mut Shell) -> i32 {
    sh.reap_quietly();
    let ids: Vec<usize> = sh.jobs.list.iter().map(|j| j.id).collect();
    for id in ids {
        let mark = sh.jobs.mark(id);
        let Some(job) = sh.jobs.get(id) else { continue };
        let state = job.state();
        // A stop listed here: the prompt need not report it again.
        if matches!(state, JobState::Stopped(_)) {
            job.stop_reported = true;
        }
        println!("[{id}]{mark}  {}  {}", jobs::describe(state), job.text);
        if matches!(state, JobState::Done(_)) {
            sh.jobs.remove(id);
        }
    }
    0
}

/// The job an argument names: `%n`, `%+`/`%%` (current), `%-`, or none (current).
fn job_arg(sh: &Shell, arg: Option<&str>, who: &str) -> Result<usize, i32> {
    let found = match arg {
        None | Some("%+" | "%%" | "%") => sh.jobs.current.or(sh.jobs.list.last().map(|j| j.id)),
        Some("%-") => {
            let cur = sh.jobs.current;
            sh.jobs
                .list
                .iter()
                .rev()
                .map(|j| j.id)
                .find(|&id| Some(id) != cur)
        }
        Some(a) => match a.strip_prefix('%').unwrap_or(a).parse::<usize>() {
            Ok(n) if a.starts_with('%') => sh.jobs.list.iter().find(|j| j.id == n).map(|j| j.id),
            Ok(pid) => sh.jobs.job_of_pid(Pid::from_raw(pid as i32)),
            Err(_) => None,
        },
    };
    found.ok_or_else(|| {
        eprintln!("sh: {who}: {}: no such job", arg.unwrap_or("current"));
        1
    })
}

/// Sends `sig` to job `id`: to its process group under job control; else (the job shares
/// the shell's group) to each of its processes still running, a process already gone being
/// no failure.
fn signal_job(sh: &mut Shell, id: usize, sig: Option<Signal>) -> Result<(), Errno> {
    let job_control = sh.job_control;
    let Some(job) = sh.jobs.get(id) else {
        return Err(Errno::ESRCH);
    };
    // A stopped job takes nothing but SIGKILL until it is continued: continue it after the
    // signal, as other shells do, so that `kill %1` ends a stopped job. Signal 0 (a check)
    // changes nothing.
    let stopped = matches!(job.state(), jobs::JobState::Stopped(_));
    let continue_after = (stopped
        && sig.is_some_and(|s| s != Signal::SIGCONT && s != Signal::SIGKILL))
    .then_some(Some(Signal::SIGCONT));
    for sig in core::iter::once(sig).chain(continue_after) {
        if job_control {
            signal::killpg(job.pgid, sig)?;
            continue;
        }
        job.procs
            .iter()
            .filter(|p| !matches!(p.state, jobs::ProcState::Done(_)))
            .try_for_each(|p| match signal::kill(p.pid, sig) {
                Err(Errno::ESRCH) => Ok(()),
                other => other,
            })?;
    }
    Ok(())
}

fn fg(sh: &mut Shell, args: &[&str]) -> i32 {
    let id = match job_arg(sh, args.first().copied(), "fg") {
        Ok(id) => id,
        Err(status) => return status,
    };
    let Some(job) = sh.jobs.get(id) else { return 1 };
    println!("{}", job.text);
    job.background = false;
    let pgid = job.pgid;
    let modes = job.tty_modes.take();
    if sh.job_control {
        // The settings it stopped with, then the terminal (the shell ignores SIGTTOU).
        if let Some(modes) = modes {
            let _ = modes.set(ulib::io::STDIN);
        }
        let _ = ulib::tty::tcsetpgrp(ulib::io::STDIN, pgid);
    }
    let _ = signal_job(sh, id, Some(Signal::SIGCONT));
    if let Some(job) = sh.jobs.get(id) {
        job.mark_continued();
    }
    exec::wait_foreground(sh, id);
    sh.last_status
}

fn bg(sh: &mut Shell, args: &[&str]) -> i32 {
    let id = match job_arg(sh, args.first().copied(), "bg") {
        Ok(id) => id,
        Err(status) => return status,
    };
    let mark = sh.jobs.mark(id);
    let Some(job) = sh.jobs.get(id) else { return 1 };
    job.background = true;
    println!("[{id}]{mark} {} &", job.text);
    match signal_job(sh, id, Some(Signal::SIGCONT)) {
        Ok(()) => {
            if let Some(job) = sh.jobs.get(id) {
                job.mark_continued();
            }
            0
        }
        Err(e) => {
            eprintln!("sh: bg: {e}");
            1
        }
    }
}

/// `wait`: every job; `wait %n` or `wait pid`: that job, returning its status.
fn wait_builtin(sh: &mut Shell, args: &[&str]) -> i32 {
    if args.is_empty() {
        loop {
            let running = sh
                .jobs
                .list
                .iter()
                .any(|j| matches!(j.state(), JobState::Running));
            if !running {
                break;
            }
            match waitpid(None, WaitFlags::WUNTRACED) {
                Ok(ws) => {
                    sh.jobs.record(ws);
                }
                // ^C (the only signal the shell catches) ends the wait, as in other shells:
                // status 128 + SIGINT.
                Err(Errno::EINTR) => return 128 + Signal::SIGINT as i32,
                Err(_) => break,
            }
        }
        // The ended jobs are collected: nothing left to report.
        let done: Vec<usize> = sh
            .jobs
            .list
            .iter()
            .filter(|j| matches!(j.state(), JobState::Done(_)))
            .map(|j| j.id)
            .collect();
        for id in done {
            sh.jobs.remove(id);
        }
        return 0;
    }
    let mut status = 0;
    for arg in args {
        // A pid whose job ended and was forgotten: its kept status.
        if let Ok(pid) = arg.parse::<i32>()
            && sh.jobs.job_of_pid(Pid::from_raw(pid)).is_none()
            && let Some(kept) = sh.jobs.finished_status(Pid::from_raw(pid))
        {
            status = kept;
            continue;
        }
        let id = match job_arg(sh, Some(arg), "wait") {
            Ok(id) => id,
            Err(_) => {
                status = 127;
                continue;
            }
        };
        loop {
            match sh.jobs.get(id).map(|j| j.state()) {
                Some(JobState::Running) => {}
                Some(JobState::Done(s)) => {
                    status = s;
                    sh.jobs.remove(id);
                    break;
                }
                Some(JobState::Stopped(sig)) => {
                    status = 128 + sig as i32;
                    break;
                }
                None => break,
            }
            match waitpid(None, WaitFlags::WUNTRACED) {
                Ok(ws) => {
                    sh.jobs.record(ws);
                }
                Err(Errno::EINTR) => return 128 + Signal::SIGINT as i32,
                Err(_) => break,
            }
        }
    }
    status
}

/// `kill`: the arguments as `/bin/kill` reads them ([`uapps::kill_args`]), and a target may
/// also be a job (`%n`), whose process group gets the signal.
fn kill(sh: &mut Shell, args: &[&str]) -> i32 {
    let (sig, targets) = match kill_args::parse(args) {
        Ok(KillRequest::Help) => {
            println!("usage: kill [-s SIG | -SIG | -n NUM] %job|pid... | -l [SIG]");
            return 0;
        }
        Ok(KillRequest::List(names)) => {
            let mut text = String::new();
            let listed = kill_args::list(names, &mut text);
            print!("{text}");
            return match listed {
                Ok(()) => 0,
                Err(e) => {
                    eprintln!("sh: kill: {e}");
                    1
                }
            };
        }
        Ok(KillRequest::Send { signal, targets }) => (signal, targets),
        Err(e @ KillArgsError::InvalidSignal(_)) => {
            eprintln!("sh: kill: {e}");
            return 1;
        }
        Err(e) => {
            eprintln!("sh: kill: {e}");
            eprintln!("sh: kill: usage: kill [-s SIG | -SIG | -n NUM] %job|pid... | -l [SIG]");
            return 2;
        }
    };
    let mut status = 0;
    for &target in targets {
        let result = if target.starts_with('%') {
            match job_arg(sh, Some(target), "kill") {
                Ok(id) => signal_job(sh, id, sig),
                Err(s) => {
                    status = s;
                    continue;
                }
            }
        } else {
            match target.parse::<i32>() {
                Ok(pid) => signal::kill(Pid::from_raw(pid), sig),
                Err(_) => {
                    eprintln!("sh: kill: {target}: arguments must be process or job IDs");
                    status = 1;
                    continue;
                }
            }
        };
        if let Err(e) = result {
            eprintln!("sh: kill: {target}: {e}");
            status = 1;
        }
    }
    status
}

impl Shell {
    /// Collects ended children without printing anything.
    pub fn reap_quietly(&mut self) {
        while let Ok(ws) = waitpid(None, WaitFlags::WNOHANG | WaitFlags::WUNTRACED) {
            if ws == WaitStatus::StillAlive {
                break;
            }
            self.jobs.record(ws);
        }
    }
}
