//! System calls: `int 0x21` with the number in `eax` and arguments in
//! `ebx, ecx, edx, edi, esi`. The dispatch is generated from
//! abi/syscalls.tbl by build.rs, converting each register to the argument's
//! type (`UserSlice<In>` or `UserSlice<Out>`, `UserPtr<T>`, integers); handlers get a
//! [`SyscallContext`] and return `Result<usize, Errno>`; [`handle`] is the
//! one place that turns an error into `-errno` in `eax`.

mod context;
mod handlers;

use abi::errno::{encode_result, Errno};

use crate::arch::x86::TrapFrame;
use crate::mm::{In, UserAddr, UserPtr, UserSlice};
use crate::signal::Restart;

pub use context::SyscallContext;

include!(concat!(env!("OUT_DIR"), "/syscall_dispatch.rs"));

/// Runs the system call described by `frame` and stores the result in `eax`.
/// Returns how the call may be run again when a signal interrupted it
/// (EINTR from a call that restarts), for the signal delivery that follows.
pub fn handle(frame: &mut TrapFrame) -> Option<Restart> {
    crate::crashtest::overflow_if_armed();
    let nr = frame.eax as usize;
    let args = [frame.ebx, frame.ecx, frame.edx, frame.edi, frame.esi].map(|a| a as usize);
    let mut ctx = SyscallContext::new(frame);
    let result = dispatch(&mut ctx, nr, args).unwrap_or(Err(Errno::ENOSYS));
    if log::log_enabled!(log::Level::Trace) {
        log::trace!(
            "syscall: pid {} {}({:#x}, {:#x}, {:#x}) = {:?}",
            ctx.pid(),
            abi::nr::syscall_name(nr).unwrap_or("unknown"),
            args[0],
            args[1],
            args[2],
            result
        );
    }
    ctx.frame.set_return_value(encode_result(result) as u32);
    // An interrupted sleep returns the seconds left (never 0): it goes on
    // if no handler runs.
    if nr == abi::nr::SLEEP && matches!(result, Ok(left) if left > 0) {
        return Some(Restart::UnlessHandlerRan(nr as u32));
    }
    if result != Err(Errno::EINTR) {
        return None;
    }
    match nr {
        abi::nr::WAIT | abi::nr::WAITPID => Some(Restart::UnlessHandlerRefuses(nr as u32)),
        abi::nr::PAUSE | abi::nr::SIGSUSPEND | abi::nr::NANOSLEEP => {
            Some(Restart::UnlessHandlerRan(nr as u32))
        }
        _ => None,
    }
}
