//! Running what the parser built: and-or lists, pipelines (fork, pipes, process groups),
//! redirections, the PATH search and waiting for foreground jobs.

use alloc::string::String;
use alloc::vec::Vec;

use ulib::fs::{self, OFlag};
use ulib::io;
use ulib::prelude::*;
use ulib::signal::{self, SigHandler};

use crate::jobs::{self, JobState};
use crate::syntax::{AndOr, Command, Connector, Item, Pipeline, Redir, RedirOp};
use crate::{Shell, builtins, expand};

/// Status when a command is not found.
const NOT_FOUND: i32 = 127;
/// Status when a command is found but cannot be run.
const CANNOT_RUN: i32 = 126;
/// Descriptors at or above this hold the shell's saved standard descriptors while a builtin
/// runs with redirections.
const SAVED_FD_BASE: i32 = 10;

/// Runs one item: in the foreground, or as a background job.
pub fn run_item(sh: &mut Shell, item: &Item) {
    if !item.background {
        run_and_or(sh, &item.and_or);
        return;
    }
    // A single pipeline becomes a job directly; a longer and-or list runs in a forked
    // copy of the shell, which is then the job's one process.
    if item.and_or.rest.is_empty() {
        launch(sh, &item.and_or.first, &item.text, true);
    } else {
        let and_or = item.and_or.clone();
        let pgid = Pid::from_raw(0);
        match fork_member(sh, pgid, true) {
            Ok(None) => {
                run_and_or(sh, &and_or);
                exit(sh.exit_requested.unwrap_or(sh.last_status));
            }
            Ok(Some(child)) => {
                if sh.job_control {
                    let _ = ulib::process::setpgid(child, child);
                }
                background_started(sh, child, &[child], &item.text);
            }
            Err(e) => {
                eprintln!("sh: fork: {e}");
                sh.last_status = CANNOT_RUN;
            }
        }
    }
}

/// Notes a new background job and prints `[n] pid` when interactive.
fn background_started(sh: &mut Shell, pgid: Pid, pids: &[Pid], text: &str) {
    let id = sh.jobs.add(pgid, pids, text, true);
    sh.last_background = pids.last().copied();
    if sh.interactive && !sh.in_child {
        eprintln!("[{id}] {}", pids.last().map_or(0, |p| p.as_raw()));
    }
    sh.last_status = 0;
}

/// Runs an and-or list in the foreground.
pub fn run_and_or(sh: &mut Shell, and_or: &AndOr) {
    run_pipeline(sh, &and_or.first);
    for (connector, pipeline) in &and_or.rest {
        if sh.exit_requested.is_some() {
            return;
        }
        let run = match connector {
            Connector::And => sh.last_status == 0,
            Connector::Or => sh.last_status != 0,
        };
        if run {
            run_pipeline(sh, pipeline);
        }
    }
}

/// Runs a pipeline in the foreground.
fn run_pipeline(sh: &mut Shell, pipeline: &Pipeline) {
    // A lone builtin or assignment runs in the shell itself, so that `cd`, `exit` and
    // `X=1` change the shell.
    if let [command] = pipeline.commands.as_slice()
        && runs_in_shell(sh, command)
    {
        sh.last_status = run_in_shell(sh, command);
        return;
    }
    launch(sh, pipeline, &pipeline.text, false);
}

/// Whether `command` runs in the shell process: no words left after the assignments (only
/// assignments and redirections), or a builtin.
fn runs_in_shell(sh: &Shell, command: &Command) -> bool {
    let first = command.words.iter().find(|w| w.assignment().is_none());
    match first {
        None => true,
        Some(w) => {
            let name = expand::fields(w, &|n| sh.lookup(n));
            name.first().is_some_and(|n| builtins::is_builtin(n))
        }
    }
}

/// The expanded parts of a command: assignments, then the argument list.
struct Expanded {
    assignments: Vec<(String, String)>,
    argv: Vec<String>,
}

fn expand_command(sh: &Shell, command: &Command) -> Expanded {
    let mut assignments = Vec::new();
    let mut argv = Vec::new();
    let lookup = |n: &str| sh.lookup(n);
    for word in &command.words {
        if argv.is_empty()
            && let Some((name, value)) = word.assignment()
        {
            assignments.push((name, expand::single(&value, &lookup)));
            continue;
        }
        argv.extend(expand::fields(word, &lookup));
    }
    Expanded { assignments, argv }
}

/// Runs an assignment-only command or a builtin in the shell, with its redirections applied
/// for its duration only.
fn run_in_shell(sh: &mut Shell, command: &Command) -> i32 {
    let ex = expand_command(sh, command);
    let saved = match apply_redirs(sh, &command.redirs, true) {
        Ok(saved) => saved,
        Err(()) => return 1,
    };
    let status = if ex.argv.is_empty() {
        for (name, value) in &ex.assignments {
            sh.set_var(name, value);
        }
        0
    } else {
        builtins::run(sh, &ex.argv)
    };
    restore(saved);
    status
}

/// Redirections applied in the shell: (descriptor, saved copy or -1 when it was closed).
type Saved = Vec<(i32, i32)>;

/// Applies `redirs` in order. With `save`, first keeps a copy of each descriptor changed so
/// that [`restore`] can undo it. Reports a failure on stderr.
fn apply_redirs(sh: &Shell, redirs: &[Redir], save: bool) -> Result<Saved, ()> {
    let mut saved: Saved = Vec::new();
    for r in redirs {
        if save && !saved.iter().any(|&(fd, _)| fd == r.fd) {
            let copy = io::fcntl(r.fd, fs::F_DUPFD_CLOEXEC, SAVED_FD_BASE).unwrap_or(-1);
            saved.push((r.fd, copy));
        }
        let target = expand::single(&r.target, &|n| sh.lookup(n));
        let result = match r.op {
            RedirOp::Dup => match target.parse::<i32>() {
                Ok(from) => io::dup2(from, r.fd).map(drop),
                Err(_) => Err(Errno::EBADF),
            },
            RedirOp::Read | RedirOp::Write | RedirOp::Append => {
                let flags = match r.op {
                    RedirOp::Read => OFlag::O_RDONLY,
                    RedirOp::Write => OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_TRUNC,
                    _ => OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_APPEND,
                };
                fs::open(&target, flags, 0o644).and_then(|fd| {
                    if fd == r.fd {
                        return Ok(());
                    }
                    let moved = io::dup2(fd, r.fd).map(drop);
                    let _ = io::close(fd);
                    moved
                })
            }
        };
        if let Err(e) = result {
            eprintln!("sh: {target}: {e}");
            restore(saved);
            return Err(());
        }
    }
    Ok(saved)
}

/// Undoes [`apply_redirs`], last change first.
fn restore(saved: Saved) {
    for (fd, copy) in saved.into_iter().rev() {
        if copy >= 0 {
            let _ = io::dup2(copy, fd);
            let _ = io::close(copy);
        } else {
            let _ = io::close(fd);
        }
    }
}

/// Forks one member of a job. In the child (`Ok(None)`): joins the group `pgid` (0: its
/// own) when job control is on, takes the terminal for a foreground job, and gets the
/// default signal actions back.
fn fork_member(sh: &mut Shell, pgid: Pid, background: bool) -> Result<Option<Pid>, Errno> {
    match fork()? {
        ForkResult::Parent { child } => Ok(Some(child)),
        ForkResult::Child => {
            if sh.job_control {
                let _ = ulib::process::setpgid(Pid::from_raw(0), pgid);
                if !background {
                    let group = if pgid.as_raw() == 0 { getpid() } else { pgid };
                    let _ = ulib::tty::tcsetpgrp(io::STDIN, group);
                }
            }
            // Ignored signals survive execve; the command must get the defaults back.
            if sh.interactive || sh.job_control {
                for sig in crate::INTERACTIVE_IGNORED
                    .iter()
                    .chain(crate::JOB_CONTROL_IGNORED.iter())
                {
                    // SAFETY: restoring the default action installs no handler code.
                    #[allow(unsafe_code)]
                    let _ = unsafe { signal::signal(*sig, SigHandler::SigDfl) };
                }
            }
            // Without job control a background job must not take the shell's input, and
            // ^C at the terminal must not reach it (POSIX: SIGINT and SIGQUIT ignored).
            if background && !sh.job_control {
                if let Ok(fd) = fs::open("/dev/null", OFlag::O_RDONLY, 0) {
                    let _ = io::dup2(fd, io::STDIN);
                    let _ = io::close(fd);
                }
                for sig in crate::INTERACTIVE_IGNORED {
                    // SAFETY: ignoring a signal installs no handler code.
                    #[allow(unsafe_code)]
                    let _ = unsafe { signal::signal(sig, SigHandler::SigIgn) };
                }
            }
            // The copy of the shell in the child does no job control of its own; in a
            // background job its children keep the signals ignored above.
            sh.in_child = true;
            sh.job_control = false;
            if background {
                sh.interactive = false;
            }
            sh.jobs = jobs::Jobs::default();
            Ok(None)
        }
    }
}

/// Starts every command of `pipeline`, joined by pipes, as one job; waits for it in the
/// foreground or leaves it running in the background.
fn launch(sh: &mut Shell, pipeline: &Pipeline, text: &str, background: bool) {
    let n = pipeline.commands.len();
    let mut pids: Vec<Pid> = Vec::with_capacity(n);
    let mut pgid = Pid::from_raw(0);
    // The read end of the previous pipe: the next command's standard input.
    let mut input: Option<i32> = None;
    for (i, command) in pipeline.commands.iter().enumerate() {
        let pipe = if i + 1 < n {
            match io::pipe2(OFlag::O_CLOEXEC) {
                Ok(p) => Some(p),
                Err(e) => {
                    eprintln!("sh: pipe: {e}");
                    break;
                }
            }
        } else {
            None
        };
        match fork_member(sh, pgid, background) {
            Ok(None) => {
                if let Some(fd) = input {
                    let _ = io::dup2(fd, io::STDIN);
                }
                if let Some((_, w)) = pipe {
                    let _ = io::dup2(w, io::STDOUT);
                }
                exit(run_command_in_child(sh, command));
            }
            Ok(Some(child)) => {
                if pgid.as_raw() == 0 {
                    pgid = child;
                }
                // Also here, as well as in the child: whichever runs first, the group
                // exists before anyone uses it.
                if sh.job_control {
                    let _ = ulib::process::setpgid(child, pgid);
                }
                pids.push(child);
            }
            Err(e) => {
                eprintln!("sh: fork: {e}");
                if let Some((r, w)) = pipe {
                    let _ = io::close(r);
                    let _ = io::close(w);
                }
                break;
            }
        }
        if let Some(fd) = input.take() {
            let _ = io::close(fd);
        }
        if let Some((r, w)) = pipe {
            let _ = io::close(w);
            input = Some(r);
        }
    }
    if let Some(fd) = input {
        let _ = io::close(fd);
    }
    if pids.is_empty() {
        sh.last_status = CANNOT_RUN;
        return;
    }
    if background {
        background_started(sh, pgid, &pids, text);
        return;
    }
    let id = sh.jobs.add(pgid, &pids, text, false);
    wait_foreground(sh, id);
}

/// Waits until job `id` ends or stops, with the terminal handed to it under job control;
/// sets `$?` and forgets the job if it ended.
pub fn wait_foreground(sh: &mut Shell, id: usize) {
    let Some(pgid) = sh.jobs.get(id).map(|j| j.pgid) else {
        return;
    };
    if sh.job_control {
        let _ = ulib::tty::tcsetpgrp(io::STDIN, pgid);
    }
    while let Some(JobState::Running) = sh.jobs.get(id).map(|j| j.state()) {
        match waitpid(None, WaitFlags::WUNTRACED) {
            Ok(ws) => {
                sh.jobs.record(ws);
            }
            Err(Errno::EINTR) => {}
            Err(_) => {
                // ECHILD: no child left, yet the table says one runs. Every child is
                // reaped through the table, so this should not happen; rather than wait
                // forever, count the missing ones as failed.
                if let Some(job) = sh.jobs.get(id) {
                    for p in &mut job.procs {
                        if p.state == jobs::ProcState::Running {
                            p.state = jobs::ProcState::Done(CANNOT_RUN);
                        }
                    }
                }
                break;
            }
        }
    }
    if sh.job_control {
        if let Some(job) = sh.jobs.get(id)
            && let JobState::Stopped(_) = job.state()
        {
            job.tty_modes = ulib::tty::Termios::get(io::STDIN).ok();
        }
        let _ = ulib::tty::tcsetpgrp(io::STDIN, sh.pgid);
        if let Some(modes) = &sh.tty_modes {
            let _ = modes.set(io::STDIN);
        }
    }
    let Some(job) = sh.jobs.get(id) else {
        return;
    };
    match job.state() {
        JobState::Stopped(sig) => {
            job.background = true;
            job.stop_reported = true;
            sh.jobs.current = Some(id);
            let mark = sh.jobs.mark(id);
            let text = sh.jobs.get(id).map(|j| j.text.clone()).unwrap_or_default();
            // The terminal echoed `^Z` and a newline already.
            eprintln!("[{id}]{mark}  Stopped  {text}");
            sh.last_status = 128 + sig as i32;
        }
        JobState::Done(status) => {
            // Say why a command was killed, except for the signals a user expects: ^C
            // (SIGINT) and the end of a pipe's reader (SIGPIPE).
            let killed = job.procs.last().and_then(|p| p.killed_by);
            if let Some(sig) = killed
                && sig != Signal::SIGINT
                && sig != Signal::SIGPIPE
            {
                eprintln!("{}", sig.description());
            }
            sh.last_status = status;
            sh.jobs.remove(id);
        }
        JobState::Running => {}
    }
}

/// In a forked pipeline member: applies the redirections and runs the command (a builtin
/// here, anything else through execve); returns the status to exit with.
fn run_command_in_child(sh: &mut Shell, command: &Command) -> i32 {
    let ex = expand_command(sh, command);
    if apply_redirs(sh, &command.redirs, false).is_err() {
        return 1;
    }
    let Some(name) = ex.argv.first() else {
        return 0;
    };
    if builtins::is_builtin(name) {
        let status = builtins::run(sh, &ex.argv);
        return sh.exit_requested.unwrap_or(status);
    }
    let env = sh.environment(&ex.assignments);
    let env: Vec<&str> = env.iter().map(String::as_str).collect();
    let argv: Vec<&str> = ex.argv.iter().map(String::as_str).collect();
    exec_path(sh, name, &argv, &env)
}

/// Executes `name`: directly if it has a `/`, else from each directory of PATH in turn.
/// Returns (after printing why) only if it could not.
fn exec_path(sh: &Shell, name: &str, argv: &[&str], env: &[&str]) -> i32 {
    let candidates: Vec<String> = if name.contains('/') {
        alloc::vec![String::from(name)]
    } else {
        let path = sh.lookup("PATH").unwrap_or_else(|| String::from("/bin"));
        path.split(':')
            .map(|dir| {
                let dir = if dir.is_empty() { "." } else { dir };
                alloc::format!("{}/{name}", dir.trim_end_matches('/'))
            })
            .collect()
    };
    let mut denied = false;
    let mut other: Option<Errno> = None;
    for path in &candidates {
        let err = match ulib::process::execve_env(path, argv, env) {
            Err(e) => e,
            Ok(never) => match never {},
        };
        match err {
            Errno::ENOENT | Errno::ENOTDIR => {}
            Errno::EACCES => denied = true,
            e => {
                other.get_or_insert(e);
            }
        }
    }
    if let Some(e) = other {
        eprintln!("sh: {name}: {e}");
        CANNOT_RUN
    } else if denied {
        eprintln!("sh: {name}: permission denied");
        CANNOT_RUN
    } else {
        eprintln!("sh: {name}: not found");
        NOT_FOUND
    }
}
