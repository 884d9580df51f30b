//! The job table: every pipeline the shell started and has not forgotten, with the state of
//! each of its processes.
//!
//! The shell reaps every child through [`Jobs::record`], whichever job it belongs to, so a
//! background job that ends while a foreground one runs is noted, not lost.

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;

use ulib::prelude::*;

/// What one process of a job is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcState {
    /// Running (or runnable).
    Running,
    /// Stopped by this signal.
    Stopped(Signal),
    /// Ended with this shell status (0..=255, or 128 + n when killed by signal n).
    Done(i32),
}

/// One process of a job.
#[derive(Clone, Debug)]
pub struct Proc {
    /// Its pid.
    pub pid: Pid,
    /// Its state.
    pub state: ProcState,
    /// The signal that killed it, if one did (for the report line).
    pub killed_by: Option<Signal>,
}

/// A job: the processes of one pipeline (or of one backgrounded and-or list).
#[derive(Clone, Debug)]
pub struct Job {
    /// The job number (`%n`).
    pub id: usize,
    /// The process group (the first process's pid).
    pub pgid: Pid,
    /// The processes, in pipeline order.
    pub procs: Vec<Proc>,
    /// The command text.
    pub text: String,
    /// Whether it runs in the background (for `jobs` and the reports).
    pub background: bool,
    /// Whether its current stop was reported already.
    pub stop_reported: bool,
    /// The terminal's settings when it stopped in the foreground, given back by `fg` (an
    /// editor stopped in raw mode resumes in raw mode, while the shell reads with its own).
    pub tty_modes: Option<ulib::tty::Termios>,
}

/// The job's overall state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobState {
    /// At least one process runs.
    Running,
    /// Nothing runs and at least one process is stopped.
    Stopped(Signal),
    /// Every process ended; the status is the last process's.
    Done(i32),
}

impl Job {
    /// The job's state.
    pub fn state(&self) -> JobState {
        if self
            .procs
            .iter()
            .any(|p| matches!(p.state, ProcState::Running))
        {
            return JobState::Running;
        }
        if let Some(sig) = self.procs.iter().find_map(|p| match p.state {
            ProcState::Stopped(sig) => Some(sig),
            _ => None,
        }) {
            return JobState::Stopped(sig);
        }
        match self.procs.last().map(|p| p.state) {
            Some(ProcState::Done(status)) => JobState::Done(status),
            _ => JobState::Done(0),
        }
    }

    /// Marks every process that is not done as running again (after `SIGCONT`).
    pub fn mark_continued(&mut self) {
        self.stop_reported = false;
        for p in &mut self.procs {
            if matches!(p.state, ProcState::Stopped(_)) {
                p.state = ProcState::Running;
            }
        }
    }
}

/// The shell status for a wait status: the exit code, or 128 + n for signal n.
pub fn status_of(ws: WaitStatus) -> Option<ProcState> {
    match ws {
        WaitStatus::Exited(_, code) => Some(ProcState::Done(code & 0xff)),
        WaitStatus::Signaled(_, sig) => Some(ProcState::Done(128 + sig as i32)),
        WaitStatus::Stopped(_, sig) => Some(ProcState::Stopped(sig)),
        WaitStatus::Continued(_) => Some(ProcState::Running),
        WaitStatus::StillAlive => None,
    }
}

/// The table.
#[derive(Default)]
pub struct Jobs {
    /// The jobs, in the order started.
    pub list: Vec<Job>,
    /// The current job (`%+`, the default of `fg` and `bg`): the last one started or stopped.
    pub current: Option<usize>,
    /// The statuses of the processes of background jobs already forgotten, oldest first (at
    /// most [`FINISHED_KEPT`]): `wait $!` after the job's `Done` was reported still gives
    /// its status, as in other shells.
    finished: VecDeque<(Pid, i32)>,
}

/// How many statuses of forgotten background processes the table keeps.
pub const FINISHED_KEPT: usize = 256;

impl Jobs {
    /// Adds a job with the given processes and returns its number (the lowest free one
    /// above every job still listed, as other shells count).
    pub fn add(&mut self, pgid: Pid, pids: &[Pid], text: &str, background: bool) -> usize {
        let id = self.list.iter().map(|j| j.id).max().unwrap_or(0) + 1;
        self.list.push(Job {
            id,
            pgid,
            procs: pids
                .iter()
                .map(|&pid| Proc {
                    pid,
                    state: ProcState::Running,
                    killed_by: None,
                })
                .collect(),
            text: String::from(text),
            background,
            stop_reported: false,
            tty_modes: None,
        });
        if background {
            self.current = Some(id);
        }
        id
    }

    /// The job numbered `id`.
    pub fn get(&mut self, id: usize) -> Option<&mut Job> {
        self.list.iter_mut().find(|j| j.id == id)
    }

    /// Removes job `id`.
    pub fn remove(&mut self, id: usize) -> Option<Job> {
        let at = self.list.iter().position(|j| j.id == id)?;
        if self.current == Some(id) {
            self.current = None;
        }
        let job = self.list.remove(at);
        if self.current.is_none() {
            self.current = self.list.last().map(|j| j.id);
        }
        if job.background {
            for p in &job.procs {
                if let ProcState::Done(status) = p.state {
                    if self.finished.len() == FINISHED_KEPT {
                        self.finished.pop_front();
                    }
                    self.finished.push_back((p.pid, status));
                }
            }
        }
        Some(job)
    }

    /// The status of process `pid` of a background job already forgotten, if kept.
    pub fn finished_status(&self, pid: Pid) -> Option<i32> {
        self.finished
            .iter()
            .rev()
            .find(|(p, _)| *p == pid)
            .map(|&(_, status)| status)
    }

    /// Notes a wait status; returns the number of the job the process belongs to (`None`
    /// for a child the table does not know, such as one whose job was forgotten).
    pub fn record(&mut self, ws: WaitStatus) -> Option<usize> {
        let pid = ws.pid()?;
        let state = status_of(ws)?;
        for job in &mut self.list {
            let was_stopped = matches!(job.state(), JobState::Stopped(_));
            let Some(p) = job.procs.iter_mut().find(|p| p.pid == pid) else {
                continue;
            };
            p.state = state;
            if let WaitStatus::Signaled(_, sig) = ws {
                p.killed_by = Some(sig);
            }
            // A new stop of the job (after a SIGCONT from anywhere) is reported anew.
            if !was_stopped && matches!(job.state(), JobState::Stopped(_)) {
                job.stop_reported = false;
            }
            return Some(job.id);
        }
        None
    }

    /// The job a process belongs to.
    pub fn job_of_pid(&self, pid: Pid) -> Option<usize> {
        self.list
            .iter()
            .find(|j| j.procs.iter().any(|p| p.pid == pid))
            .map(|j| j.id)
    }

    /// `+` for the current job, `-` for the one before it, a blank otherwise.
    pub fn mark(&self, id: usize) -> char {
        if self.current == Some(id) {
            return '+';
        }
        let previous = self
            .list
            .iter()
            .rev()
            .map(|j| j.id)
            .find(|&j| Some(j) != self.current);
        if previous == Some(id) { '-' } else { ' ' }
    }
}

/// The word `jobs` and the reports show for a state.
pub fn describe(state: JobState) -> String {
    match state {
        JobState::Running => String::from("Running"),
        JobState::Stopped(_) => String::from("Stopped"),
        JobState::Done(0) => String::from("Done"),
        JobState::Done(status) if status > 128 => match Signal::from_raw(status - 128) {
            Some(sig) => String::from(sig.description()),
            None => alloc::format!("Exit {status}"),
        },
        JobState::Done(status) => alloc::format!("Exit {status}"),
    }
}
