//! What every system-call handler receives: the caller's trap frame (its
//! registers, the arguments among them) and, looked up on first use, its
//! process.

use alloc::sync::Arc;
use core::cell::OnceCell;

use crate::arch::x86::TrapFrame;
use crate::proc::{self, Pid, Process};

/// The caller of a system call.
///
/// The process record is looked up in the registry only when a handler asks
/// for it: `getpid` and `yield` need only the pid, and a lookup (a lock and
/// a reference count) is a measurable part of the cheapest calls.
pub struct SyscallContext<'a> {
    process: OnceCell<Arc<Process>>,
    /// Its registers as it trapped; changes reach it when the call returns
    /// (the result in `eax`, a new program's entry after execve).
    pub frame: &'a mut TrapFrame,
}

impl<'a> SyscallContext<'a> {
    /// The context of the current process, trapped with `frame`.
    pub fn new(frame: &'a mut TrapFrame) -> SyscallContext<'a> {
        SyscallContext {
            process: OnceCell::new(),
            frame,
        }
    }

    /// The caller's pid.
    pub fn pid(&self) -> Pid {
        crate::sched::current_pid()
    }

    /// The raw argument registers `ebx, ecx, edx, edi, esi`, in order (the generated
    /// dispatch converts each call's to its types).
    pub fn args(&self) -> [usize; 5] {
        let f = &self.frame;
        [f.ebx, f.ecx, f.edx, f.edi, f.esi].map(|r| r as usize)
    }

    /// The calling process.
    pub fn process(&self) -> &Arc<Process> {
        self.process.get_or_init(proc::current)
    }

    /// The calling process and its trap frame, for handlers that change
    /// both (fork copies the frame, exec replaces it).
    pub fn process_and_frame(&mut self) -> (&Arc<Process>, &mut TrapFrame) {
        self.process.get_or_init(proc::current);
        (
            self.process.get().expect("initialised just above"),
            self.frame,
        )
    }
}
