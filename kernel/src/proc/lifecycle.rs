//! The life of a process: fork, exec, exit, wait, and sleep.
//!
//! Signals meet each of them: fork copies the actions and the mask, exec
//! resets what was caught, exit sends the parent `SIGCHLD` (or is reaped at
//! once when the parent ignores it), and waiting or sleeping ends early
//! when a signal must be taken.

use alloc::string::String;

use abi::errno::Errno;
use abi::wait;

use super::registry::{ChildEvent, WaitTarget};
use super::{
    cmdline_of, loader, name_of, spawn, try_string, with_registry, Pid, Process, Start, INIT_PID,
};
use crate::arch::x86::TrapFrame;
use abi::time::Timespec;

use crate::mm::{frames, user, UserAddr, UserPtr};
use crate::sched::{self, block_on, BlockError};
use crate::time;

/// Frames fork leaves free beyond what the new pair may need (for page
/// tables and stack growth elsewhere).
const FORK_MEMORY_RESERVE: usize = 16;

/// Creates a child of `parent` sharing its memory copy-on-write, resuming
/// where `frame` says with `eax` = 0. Returns the child's pid.
pub fn fork(parent: &Process, frame: &TrapFrame) -> Result<Pid, Errno> {
    let (space, start) = {
        let mut inner = parent.lock();
        let name = try_string(&inner.name)?;
        let mut cmdline = alloc::vec::Vec::new();
        cmdline
            .try_reserve(inner.cmdline.len())
            .map_err(|_| Errno::ENOMEM)?;
        cmdline.extend_from_slice(&inner.cmdline);
        let cwd = inner.cwd.clone().ok_or(Errno::ESRCH)?;
        let start = Start { name, cmdline, cwd };
        let space = inner.space()?;
        // Refuse while there is still room for the copy-on-write copies the
        // two processes may need, so that running out of memory shows up as
        // fork's ENOMEM rather than as a process killed in a page fault.
        if space.fork_cost() + FORK_MEMORY_RESERVE > frames::free_count() {
            return Err(Errno::ENOMEM);
        }
        (space.fork()?, start)
    };
    let mut child_frame = *frame;
    child_frame.set_return_value(0); // fork returns 0 in the child
    let signals = parent.signals.lock().for_child();
    let files = parent.files.lock().fork_copy()?;
    let pid = spawn(parent.pid, start, space, signals, files, &child_frame)?;
    log::debug!("fork: pid {} created pid {}", parent.pid, pid);
    Ok(pid)
}

/// Replaces `process`'s program (execve). On success `frame` enters the new
/// program when the system call returns.
pub fn exec(
    process: &Process,
    frame: &mut TrapFrame,
    path: UserAddr,
    argv: UserAddr,
    envp: UserAddr,
) -> Result<(), Errno> {
    let (path, argv, envp) = {
        let mut inner = process.lock();
        let space = inner.space()?;
        let path =
            user::read_c_string(space, path, abi::limits::MAX_PATH_LEN, Errno::ENAMETOOLONG)?;
        // Every name in the file system is UTF-8, so any other path names nothing.
        let path = String::from_utf8(path).map_err(|_| Errno::ENOENT)?;
        let mut budget = abi::limits::MAX_ARG_BYTES;
        let argv = user::read_string_array(space, argv, abi::limits::MAX_ARGS, &mut budget)?;
        let envp = user::read_string_array(space, envp, abi::limits::MAX_ARGS, &mut budget)?;
        (path, argv, envp)
    };
    let cwd = process.lock().cwd.clone().ok_or(Errno::ESRCH)?;
    let program = crate::fs::open_executable(&cwd, process.pid, &path)?;
    drop(cwd);
    let image = loader::load(&program, &path, &argv, &envp)?;
    drop(program);
    let name = try_string(name_of(&path))?;
    let cmdline = cmdline_of(&argv)?;
    *frame = TrapFrame::new_user(image.entry, image.stack_pointer);
    let old = {
        let mut inner = process.lock();
        inner.name = name;
        inner.cmdline = cmdline;
        // The new directory is loaded before the old space goes.
        sched::switch_current_directory(image.space.directory_phys());
        inner.space.replace(image.space)
    };
    drop(old);
    process.signals.lock().state.reset_for_exec();
    // Close-on-exec descriptors, each dropped with no lock held.
    let mut from = 0;
    loop {
        let taken = process.files.lock().take_cloexec(from);
        let Some((fd, file)) = taken else { break };
        drop(file);
        from = fd + 1;
    }
    with_registry(|r| r.mark_exec(process.pid));
    log::debug!("exec: pid {} now runs {}", process.pid, path);
    Ok(())
}

/// Ends `process` (the caller) with a wait status (already encoded): frees
/// its memory, hands its children to init, wakes its parent. The task is
/// marked dead; the trap path switches away from it for good on its way
/// out (see trap.rs), once nothing on its stack holds a reference. Powers
/// the machine off when it is init.
pub fn exit_current(process: &Process, status: i32) {
    // Descriptors first: a pipe's other side hears of it now.
    let files = core::mem::take(&mut *process.files.lock());
    drop(files);
    let cwd = process.lock().cwd.take();
    drop(cwd); // with no lock held: it may free a removed directory
    let space = process.lock().space.take();
    if let Some(space) = space {
        if process.pid == INIT_PID {
            // Power-off counts every frame: free it now.
            sched::switch_current_directory(0);
            drop(space);
        } else {
            // Freed once this task has switched away, without loading the
            // kernel's directory first.
            sched::retire_current_space(space);
        }
    }
    crate::signal::cancel_alarm(process);
    let outcome = with_registry(|r| {
        // Job control: only while some process is stopped can an exit leave
        // a group with stopped members orphaned (the check scans the table).
        let at_stake = (crate::signal::any_stopped() && process.pid != INIT_PID)
            .then(|| r.groups_at_stake::<8>(process.pid));
        if process.pid != INIT_PID {
            // The controlling process hangs its terminal up as it goes.
            crate::tty::on_exit(r, process.pid);
        }
        let outcome = r.exit(process.pid, status);
        match at_stake {
            None => {}
            Some(Some(groups)) => {
                for (pgid, was_orphaned) in groups.into_iter().filter(|&(g, _)| g != 0) {
                    crate::signal::hang_up_if_newly_orphaned(r, pgid, was_orphaned);
                }
            }
            // Too many groups to track: check every group that has a
            // stopped member (was it orphaned before? assume not).
            Some(None) => r.for_each_process(|r, p| {
                if crate::signal::is_stopped(p) {
                    if let Ok(pgid) = r.group_of(p.pid) {
                        crate::signal::hang_up_if_newly_orphaned(r, pgid, false);
                    }
                }
            }),
        }
        if let Some(parent) = &outcome.parent {
            // A parent that ignores SIGCHLD (or asked for SA_NOCLDWAIT)
            // leaves no zombies: the child is reaped at once, and its
            // `wait` ends in ECHILD when no child is left.
            if process.pid != INIT_PID && crate::signal::reaps_children_at_once(parent) {
                drop(r.reap(process.pid));
            }
            // Discarded when ignored; a SA_NOCLDWAIT handler still runs (as on Linux).
            crate::signal::post(r, parent, abi::signal::Signal::SIGCHLD);
        }
        if let Some(init) = &outcome.init_inherited_zombie {
            crate::signal::post(r, init, abi::signal::Signal::SIGCHLD);
        }
        outcome
    });
    log::debug!("exit: pid {} status {:#x}", process.pid, status);
    if process.pid == INIT_PID {
        crate::power::halt_after_init(status, outcome.others_alive);
    }
    if let Some(parent) = outcome.parent {
        parent.child_exit.wake_all();
    }
    if let Some(init) = outcome.init_inherited_zombie {
        init.child_exit.wake_all();
    }
    sched::mark_current_dead();
}

/// Waits for a child of `process` matching `target` to end (or, with
/// WUNTRACED / WCONTINUED in `options`, to stop or continue), storing its
/// status at `status` unless NULL. With WNOHANG, returns 0 when none has
/// anything to report. A status that cannot be stored is EFAULT and leaves
/// the child unreaped. EINTR when a signal must be taken.
pub fn wait_child(
    process: &Process,
    target: WaitTarget,
    status: UserPtr<i32>,
    options: u32,
) -> Result<Pid, Errno> {
    // The options were checked by the handler (before the pid, as Linux does).
    loop {
        let found = with_registry(|r| r.find_child_event(process.pid, target, options))?;
        if let Some((child, event)) = found {
            let code = match event {
                ChildEvent::Exited(code) | ChildEvent::Changed(code) => code,
            };
            if !status.is_null() {
                status.write(process.lock().space()?, code)?;
            }
            match event {
                ChildEvent::Exited(_) => {
                    let reaped = with_registry(|r| r.reap(child));
                    drop(reaped); // outside the registry's lock
                }
                ChildEvent::Changed(_) => with_registry(|r| r.clear_change(child)),
            }
            return Ok(child);
        }
        if options & wait::WNOHANG != 0 {
            return Ok(0);
        }
        // Wake when a child exits, stops or continues, or when there are no
        // matching children any more (then the next look says ECHILD).
        block_on(&process.child_exit, || {
            with_registry(|r| r.find_child_event(process.pid, target, options))
                .map_or(true, |z| z.is_some())
        })?;
    }
}

/// Blocks the caller for at least `seconds`; returns the seconds left (0
/// when it slept fully, more when a signal interrupted it).
pub fn sleep(process: &Process, seconds: u32) -> Result<u32, Errno> {
    if seconds == 0 {
        return Ok(0);
    }
    let deadline = resumed_or(process, seconds as u64 * 1_000_000_000);
    match sleep_until(process, deadline) {
        Ok(()) => Ok(0),
        Err((BlockError::Interrupted, left)) => {
            // At least 1: the caller tells an interrupted sleep by a result
            // above 0, and the restart path by the same.
            crate::signal::keep_deadline_for_restart(process, deadline);
            Ok(left.div_ceil(1_000_000_000).max(1) as u32)
        }
        Err((e, _)) => Err(e.into()),
    }
}

/// `nanosleep`: blocks for at least `duration` ns. When a signal interrupts
/// it, stores the time left at `remaining` (unless NULL) and fails with
/// EINTR.
pub fn nanosleep(
    process: &Process,
    duration: u64,
    remaining: UserPtr<Timespec>,
) -> Result<(), Errno> {
    if duration == 0 {
        return Ok(());
    }
    let deadline = resumed_or(process, duration);
    match sleep_until(process, deadline) {
        Ok(()) => Ok(()),
        Err((BlockError::Interrupted, left)) => {
            crate::signal::keep_deadline_for_restart(process, deadline);
            if !remaining.is_null() {
                remaining.write(process.lock().space()?, Timespec::from_nanos(left))?;
            }
            Err(Errno::EINTR)
        }
        Err((e, _)) => Err(e.into()),
    }
}

/// The deadline of a sleep: the one an interrupted sleep left when this
/// call is its restart (a stop and a continue must not make it start over,
/// nor end it early), else `duration` ns from now.
fn resumed_or(process: &Process, duration: u64) -> u64 {
    crate::signal::take_deadline_for_restart(process)
        .unwrap_or_else(|| time::now_ns().saturating_add(duration))
}

/// Blocks until the clock reaches `deadline` (never early); on failure,
/// why and how many ns were left.
fn sleep_until(process: &Process, deadline: u64) -> Result<(), (BlockError, u64)> {
    sched::add_timer(deadline, &process.task).map_err(|_| (BlockError::NoMemory, 0))?;
    // The timer wakes the task itself; the condition makes "never early"
    // hold whatever else wakes it.
    block_on(&process.paused, || time::now_ns() >= deadline).map_err(|e| {
        sched::cancel_timers(&process.task);
        (e, deadline.saturating_sub(time::now_ns()))
    })
}
