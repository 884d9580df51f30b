//! The typed system-call handlers, one per line of abi/syscalls.tbl. Each
//! gets the caller's [`SyscallContext`] and its arguments already typed by
//! the generated dispatch; one place (`syscall::handle`) turns the result
//! into the value in `eax`.

use abi::errno::Errno;
use abi::signal::{SigAction, SigSet};
use abi::time::{Timespec, CLOCK_MONOTONIC};
use abi::wait;

use super::SyscallContext;
use crate::mm::{UserAddr, UserPtr};
use crate::proc::WaitTarget;
use crate::{proc, sched, signal, time};

pub use super::files::*;

pub fn sys_fork(ctx: &mut SyscallContext) -> Result<usize, Errno> {
    let (process, frame) = ctx.process_and_frame();
    proc::fork(process, frame).map(|pid| pid as usize)
}

pub fn sys_yield(_ctx: &mut SyscallContext) -> Result<usize, Errno> {
    sched::schedule();
    Ok(0)
}

pub fn sys_sbrk(ctx: &mut SyscallContext, increment: isize) -> Result<usize, Errno> {
    let mut inner = ctx.process().lock();
    let space = inner.space()?;
    let old = space.brk() as usize;
    let new = old.checked_add_signed(increment).ok_or(Errno::ENOMEM)?;
    space.set_break(new)?;
    Ok(old)
}

pub fn sys_brk(ctx: &mut SyscallContext, addr: usize) -> Result<usize, Errno> {
    ctx.process().lock().space()?.set_break(addr).map(|()| 0)
}

pub fn sys_getpid(ctx: &mut SyscallContext) -> Result<usize, Errno> {
    Ok(ctx.pid() as usize)
}

pub fn sys_getppid(ctx: &mut SyscallContext) -> Result<usize, Errno> {
    Ok(ctx.process().parent_pid() as usize)
}

pub fn sys_sleep(ctx: &mut SyscallContext, seconds: u32) -> Result<usize, Errno> {
    proc::sleep(ctx.process(), seconds).map(|left| left as usize)
}

pub fn sys_exit(ctx: &mut SyscallContext, status: i32) -> Result<usize, Errno> {
    proc::exit_current(ctx.process(), wait::exited_status(status));
    // The trap path never returns to a dead process.
    Ok(0)
}

pub fn sys_wait(ctx: &mut SyscallContext, status: UserPtr<i32>) -> Result<usize, Errno> {
    proc::wait_child(ctx.process(), WaitTarget::Any, status, 0).map(|pid| pid as usize)
}

pub fn sys_waitpid(
    ctx: &mut SyscallContext,
    pid: i32,
    status: UserPtr<i32>,
    options: u32,
) -> Result<usize, Errno> {
    // Options are checked first, as on Linux: bad options are EINVAL
    // whatever the pid.
    if options & !wait::VALID_OPTIONS != 0 {
        return Err(Errno::EINVAL);
    }
    let target = match pid {
        -1 => WaitTarget::Any,
        0 => WaitTarget::Group(proc::with_registry(|r| r.group_of(ctx.pid()))?),
        // -i32::MIN does not exist: no child is in such a group.
        i32::MIN => return Err(Errno::ECHILD),
        p if p < -1 => WaitTarget::Group(-p),
        p => WaitTarget::Pid(p),
    };
    proc::wait_child(ctx.process(), target, status, options).map(|pid| pid as usize)
}

pub fn sys_execve(
    ctx: &mut SyscallContext,
    path: UserAddr,
    argv: UserAddr,
    envp: UserAddr,
) -> Result<usize, Errno> {
    let (process, frame) = ctx.process_and_frame();
    proc::exec(process, frame, path, argv, envp).map(|()| 0)
}

pub fn sys_clock_gettime(
    ctx: &mut SyscallContext,
    clock: u32,
    ts: UserPtr<Timespec>,
) -> Result<usize, Errno> {
    if clock != CLOCK_MONOTONIC {
        return Err(Errno::EINVAL);
    }
    let now = Timespec::from_nanos(time::now_ns());
    ts.write(ctx.process().lock().space()?, now)?;
    Ok(0)
}

pub fn sys_sigreturn(ctx: &mut SyscallContext) -> Result<usize, Errno> {
    let (process, frame) = ctx.process_and_frame();
    signal::sigreturn(process, frame)
}

pub fn sys_sigprocmask(
    ctx: &mut SyscallContext,
    how: i32,
    set: UserPtr<SigSet>,
    oldset: UserPtr<SigSet>,
) -> Result<usize, Errno> {
    signal::sigprocmask(ctx.process(), how, set, oldset).map(|()| 0)
}

pub fn sys_sigaction(
    ctx: &mut SyscallContext,
    sig: i32,
    act: UserPtr<SigAction>,
    oldact: UserPtr<SigAction>,
) -> Result<usize, Errno> {
    signal::sigaction(ctx.process(), sig, act, oldact).map(|()| 0)
}

pub fn sys_pause(ctx: &mut SyscallContext) -> Result<usize, Errno> {
    Err(signal::pause(ctx.process()))
}

pub fn sys_kill(ctx: &mut SyscallContext, pid: i32, sig: i32) -> Result<usize, Errno> {
    signal::kill(ctx.pid(), pid, sig).map(|()| 0)
}

pub fn sys_alarm(ctx: &mut SyscallContext, seconds: u32) -> Result<usize, Errno> {
    signal::alarm(ctx.process(), seconds).map(|left| left as usize)
}

pub fn sys_sigpending(ctx: &mut SyscallContext, set: UserPtr<SigSet>) -> Result<usize, Errno> {
    signal::sigpending(ctx.process(), set).map(|()| 0)
}

pub fn sys_sigsuspend(ctx: &mut SyscallContext, mask: UserPtr<SigSet>) -> Result<usize, Errno> {
    Err(signal::sigsuspend(ctx.process(), mask))
}

/// `pid` 0 means the caller.
fn pid_or_caller(ctx: &SyscallContext, pid: i32) -> Result<i32, Errno> {
    match pid {
        0 => Ok(ctx.pid()),
        p if p < 0 => Err(Errno::ESRCH),
        p => Ok(p),
    }
}

pub fn sys_getpgid(ctx: &mut SyscallContext, pid: i32) -> Result<usize, Errno> {
    let pid = pid_or_caller(ctx, pid)?;
    proc::with_registry(|r| r.group_of(pid)).map(|g| g as usize)
}

pub fn sys_setpgid(ctx: &mut SyscallContext, pid: i32, pgid: i32) -> Result<usize, Errno> {
    if pgid < 0 {
        return Err(Errno::EINVAL);
    }
    let pid = pid_or_caller(ctx, pid)?;
    let pgid = if pgid == 0 { pid } else { pgid };
    let caller = ctx.pid();
    proc::with_registry(|r| r.set_group(caller, pid, pgid)).map(|()| 0)
}

pub fn sys_setsid(ctx: &mut SyscallContext) -> Result<usize, Errno> {
    let pid = ctx.pid();
    proc::with_registry(|r| r.new_session(pid)).map(|sid| sid as usize)
}

pub fn sys_getsid(ctx: &mut SyscallContext, pid: i32) -> Result<usize, Errno> {
    let pid = pid_or_caller(ctx, pid)?;
    proc::with_registry(|r| r.session_of(pid)).map(|s| s as usize)
}

pub fn sys_nanosleep(
    ctx: &mut SyscallContext,
    req: UserPtr<Timespec>,
    rem: UserPtr<Timespec>,
) -> Result<usize, Errno> {
    let process = ctx.process();
    let req = req.read(process.lock().space()?)?;
    let duration = req.to_duration().ok_or(Errno::EINVAL)?;
    let nanos = u64::try_from(duration.as_nanos()).map_err(|_| Errno::EINVAL)?;
    proc::nanosleep(process, nanos, rem).map(|()| 0)
}
