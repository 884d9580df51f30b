//! A task: what the scheduler knows of a process.

use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU8, AtomicUsize, Ordering};

use crate::arch::x86::context::SavedContext;
use crate::arch::x86::lock::IrqMutex;
use crate::mm::kstack::KernelStack;
use crate::mm::AddressSpace;

/// A process id.
pub type Pid = i32;

/// Where a task is in the scheduler. Changed only under the scheduler's
/// lock; read anywhere (for reports).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum RunState {
    /// On a CPU.
    Running = 0,
    /// On the run queue.
    Ready = 1,
    /// Waiting on a wait queue (or a timer) until woken.
    Blocked = 2,
    /// Ended: it will never run again once it has switched away.
    Dead = 3,
}

impl RunState {
    fn from_u8(v: u8) -> RunState {
        match v {
            0 => RunState::Running,
            1 => RunState::Ready,
            2 => RunState::Blocked,
            _ => RunState::Dead,
        }
    }
}

/// The scheduling half of a process: its kernel stack, its saved context,
/// its run state and the page directory to load when it runs.
pub struct Task {
    pid: Pid,
    state: AtomicU8,
    /// Set by whoever wants the task to stop blocking for a reason other
    /// than its condition (a signal will); cleared by the task itself.
    interrupt: AtomicBool,
    /// Physical address of the page directory; 0 for a task that runs on
    /// the kernel's own (idle, and a process that has exited).
    directory: AtomicU32,
    pub(super) context: SavedContext,
    /// `None` for idle, which runs on the boot stack, and for a dead task
    /// once it has switched away for good (its stack is freed then, so a
    /// zombie holds no kernel stack).
    kernel_stack: IrqMutex<Option<KernelStack>>,
    /// The address space of a task that exited, still loaded in CR3 until
    /// the task switches away for good; freed then, with the stack. Saves
    /// the CR3 write (~3 us under TCG) of loading the kernel's directory
    /// just to free the space.
    retired_space: IrqMutex<Option<AddressSpace>>,
    /// The top of the kernel stack (0 for idle): the TSS's esp0.
    pub(super) stack_top: usize,
}

/// Tasks in existence (idle included).
static TASKS: AtomicUsize = AtomicUsize::new(0);

impl Task {
    pub(super) fn new(
        pid: Pid,
        kernel_stack: Option<KernelStack>,
        directory: u32,
        context: SavedContext,
    ) -> Task {
        TASKS.fetch_add(1, Ordering::Relaxed);
        Task {
            pid,
            state: AtomicU8::new(RunState::Ready as u8),
            interrupt: AtomicBool::new(false),
            directory: AtomicU32::new(directory),
            context,
            stack_top: kernel_stack.as_ref().map_or(0, KernelStack::top),
            kernel_stack: IrqMutex::new(kernel_stack),
            retired_space: IrqMutex::new(None),
        }
    }

    /// How many tasks exist.
    pub fn count() -> usize {
        TASKS.load(Ordering::Relaxed)
    }

    /// The process id.
    pub fn pid(&self) -> Pid {
        self.pid
    }

    /// The run state.
    pub fn state(&self) -> RunState {
        RunState::from_u8(self.state.load(Ordering::Relaxed))
    }

    /// Only under the scheduler's lock.
    pub(super) fn set_state(&self, state: RunState) {
        self.state.store(state as u8, Ordering::Relaxed);
    }

    /// The page directory this task runs on (0: the kernel's).
    pub fn directory(&self) -> u32 {
        self.directory.load(Ordering::Relaxed)
    }

    /// Records the page directory the task runs on from now on (exec, or
    /// 0 when its address space goes away at exit). The caller activates
    /// it if the task is the current one.
    pub fn set_directory(&self, directory: u32) {
        self.directory.store(directory, Ordering::Relaxed);
    }

    /// True when someone asked this task to stop blocking.
    pub fn interrupt_pending(&self) -> bool {
        self.interrupt.load(Ordering::Acquire)
    }

    /// Clears the interrupt request (the task saw it).
    pub fn clear_interrupt(&self) {
        self.interrupt.store(false, Ordering::Release);
    }

    pub(super) fn request_interrupt(&self) {
        self.interrupt.store(true, Ordering::Release);
    }

    /// Keeps the exiting task's address space until it has switched away
    /// (see [`Task::release_resources`]).
    pub(super) fn retire_space(&self, space: AddressSpace) {
        *self.retired_space.lock() = Some(space);
    }

    /// True while a retired address space waits to be freed (its
    /// directory may still be in CR3).
    pub(super) fn has_retired_space(&self) -> bool {
        self.retired_space.lock().is_some()
    }

    /// Frees the kernel stack and the address space of a dead task that
    /// has switched away: nothing runs on the stack, and CR3 holds another
    /// directory.
    pub(super) fn release_resources(&self) {
        debug_assert_eq!(self.state(), RunState::Dead);
        let stack = self.kernel_stack.lock().take();
        drop(stack);
        let space = self.retired_space.lock().take();
        drop(space);
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        TASKS.fetch_sub(1, Ordering::Relaxed);
    }
}
