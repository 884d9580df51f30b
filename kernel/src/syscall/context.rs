//! What every system-call handler receives: the calling process and its
//! trap frame.

use alloc::sync::Arc;

use crate::arch::x86::TrapFrame;
use crate::proc::Process;

/// The caller of a system call.
pub struct SyscallContext<'a> {
    /// The calling process.
    pub process: Arc<Process>,
    /// Its registers as it trapped; changes reach it when the call returns
    /// (the result in `eax`, a new program's entry after execve).
    pub frame: &'a mut TrapFrame,
}
