//! The typed system-call handlers, one per line of abi/syscalls.tbl.

use alloc::vec;

use abi::errno::Errno;
use abi::time::{Timespec, CLOCK_MONOTONIC};
use abi::wait;

use crate::arch::x86::TrapFrame;
use crate::mm::{user, UserAddr};
use crate::{console, proc, time};

/// Largest single write; longer writes are partial, as POSIX allows.
const MAX_WRITE: usize = 64 * 1024;

pub fn sys_fork(frame: &mut TrapFrame) -> Result<usize, Errno> {
    proc::fork(frame).map(|pid| pid as usize)
}

pub fn sys_yield() -> Result<usize, Errno> {
    proc::yield_now();
    Ok(0)
}

pub fn sys_sbrk(increment: isize) -> Result<usize, Errno> {
    proc::grow_break(increment)
}

pub fn sys_brk(addr: usize) -> Result<usize, Errno> {
    proc::set_break(addr).map(|()| 0)
}

pub fn sys_getpid() -> Result<usize, Errno> {
    Ok(proc::current_pid() as usize)
}

pub fn sys_getppid() -> Result<usize, Errno> {
    Ok(proc::parent_pid() as usize)
}

pub fn sys_sleep(seconds: u32) -> Result<usize, Errno> {
    Ok(proc::sleep(seconds) as usize)
}

pub fn sys_exit(status: i32) -> ! {
    proc::exit_current(wait::exited_status(status))
}

pub fn sys_wait(status: UserAddr) -> Result<usize, Errno> {
    proc::wait_child(-1, status, 0).map(|pid| pid as usize)
}

pub fn sys_waitpid(pid: i32, status: UserAddr, options: u32) -> Result<usize, Errno> {
    // Options are checked first, as on Linux: bad options are EINVAL
    // whatever the pid.
    if options & !wait::VALID_OPTIONS != 0 {
        return Err(Errno::EINVAL);
    }
    // Every process is in one process group, so "any child in my group"
    // (0) is any child; other groups (< -1) hold none of our children.
    let target = match pid {
        0 | -1 => -1,
        p if p < -1 => return Err(Errno::ECHILD),
        p => p,
    };
    proc::wait_child(target, status, options).map(|pid| pid as usize)
}

pub fn sys_write(fd: i32, buf: UserAddr, len: usize) -> Result<usize, Errno> {
    if fd != 1 && fd != 2 {
        return Err(Errno::EBADF);
    }
    if len == 0 {
        return Ok(0);
    }
    let len = len.min(MAX_WRITE);
    let mut bytes = vec![0u8; len];
    proc::with_current_space(|space| user::copy_from_user(space, buf, &mut bytes))?;
    console::write_bytes(&bytes);
    Ok(len)
}

pub fn sys_execve(
    frame: &mut TrapFrame,
    path: UserAddr,
    argv: UserAddr,
    envp: UserAddr,
) -> Result<usize, Errno> {
    proc::exec(frame, path, argv, envp).map(|()| 0)
}

pub fn sys_clock_gettime(clock: u32, ts: UserAddr) -> Result<usize, Errno> {
    if clock != CLOCK_MONOTONIC {
        return Err(Errno::EINVAL);
    }
    let now = Timespec::from_nanos(time::now_ns());
    let mut bytes = [0u8; 8];
    bytes[..4].copy_from_slice(&now.tv_sec.to_le_bytes());
    bytes[4..].copy_from_slice(&now.tv_nsec.to_le_bytes());
    proc::with_current_space(|space| user::copy_to_user(space, ts, &bytes))?;
    Ok(0)
}
