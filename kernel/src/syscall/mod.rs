//! System calls: `int 0x21` with the number in `eax` and arguments in
//! `ebx, ecx, edx, edi, esi`. The dispatch is generated from
//! abi/syscalls.tbl by build.rs, converting each register to the argument's
//! type (`UserSlice<In>` or `UserSlice<Out>`, `UserPtr<T>`, integers); handlers get a
//! [`SyscallContext`] and return `Result<usize, Errno>`; [`handle`] is the
//! one place that turns an error into `-errno` in `eax`.

mod context;
mod files;
mod handlers;

use abi::errno::{encode_result, Errno};

use crate::arch::x86::TrapFrame;
use crate::mm::{In, Out, UserAddr, UserPtr, UserSlice};
use crate::signal::Restart;

pub use context::SyscallContext;

include!(concat!(env!("OUT_DIR"), "/syscall_dispatch.rs"));

/// Runs the system call described by `frame` and stores the result in `eax`.
pub fn handle(frame: &mut TrapFrame) {
    crate::crashtest::overflow_if_armed();
    let nr = frame.eax as usize;
    let mut ctx = SyscallContext::new(frame);
    // The arguments as the call found them (execve and sigreturn replace the registers).
    let traced_args = log::log_enabled!(log::Level::Trace).then(|| ctx.args());
    let result = dispatch(&mut ctx, nr).unwrap_or(Err(Errno::ENOSYS));
    if let Some(args) = traced_args {
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
}

/// How system call `nr`, which left `eax` as its result, may be run again
/// now that a signal is to be taken: only a call a signal cut short
/// (`EINTR`, or a sleep with seconds left) restarts. Asked only on the way
/// out of a call whose process has signals to take, never on the fast path.
pub fn restart_of(nr: u32, eax: u32) -> Option<Restart> {
    let nr_usize = nr as usize;
    // An interrupted sleep returns the seconds left (never 0): it goes on
    // if no handler runs.
    if nr_usize == abi::nr::SLEEP && eax != 0 {
        return Some(Restart::UnlessHandlerRan(nr));
    }
    if eax != encode_result(Err(Errno::EINTR)) as u32 {
        return None;
    }
    match nr_usize {
        abi::nr::WAIT | abi::nr::WAITPID | abi::nr::READ | abi::nr::WRITE | abi::nr::IOCTL => {
            Some(Restart::UnlessHandlerRefuses(nr))
        }
        abi::nr::PAUSE | abi::nr::SIGSUSPEND | abi::nr::NANOSLEEP => {
            Some(Restart::UnlessHandlerRan(nr))
        }
        _ => None,
    }
}
