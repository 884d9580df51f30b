//! Wait queues: how a task sleeps until something happens.
//!
//! A task that must wait for a condition (a child to exit, a deadline, data
//! in a pipe) calls [`block_on`] with the queue that the event's producer
//! will [`WaitQueue::wake_all`], and the condition itself. The wake-up can
//! never be lost: the task enters the queue and marks itself blocked
//! *before* it checks the condition a last time, so a wake-up that comes
//! between the check and the switch finds it on the queue and makes it
//! runnable again (Linux's `prepare_to_wait` / `finish_wait`). The condition
//! is checked again after every wake-up, so spurious wake-ups are harmless.
//!
//! Blocking is interruptible: [`super::interrupt`] (a signal to take) makes
//! `block_on` return [`BlockError::Interrupted`], and every caller turns that
//! into EINTR or a partial result. The request is not cleared here: it
//! stays until the signals are taken on the way back to user mode, so a
//! second wait in the same system call stops at once too.
//!
//! Lunaix blocks by setting `PS_BLOCKED` and calling `schedule()`, with the
//! waker changing the state back; its `waitq` (used by its TTY and pipes)
//! is the counterpart of this queue.

use alloc::collections::VecDeque;
use alloc::sync::Arc;

use abi::errno::Errno;

use super::{block_current, current, schedule, unblock_current, wake, Task};
use crate::arch::x86::lock::IrqMutex;

/// Why [`block_on`] returned without its condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockError {
    /// A signal is waiting to be taken.
    Interrupted,
    /// No memory to enter the queue.
    NoMemory,
}

impl From<BlockError> for Errno {
    fn from(e: BlockError) -> Errno {
        match e {
            BlockError::Interrupted => Errno::EINTR,
            BlockError::NoMemory => Errno::ENOMEM,
        }
    }
}

/// Tasks waiting for one kind of event.
pub struct WaitQueue {
    waiters: IrqMutex<VecDeque<Arc<Task>>>,
}

impl Default for WaitQueue {
    fn default() -> Self {
        Self::new()
    }
}

impl WaitQueue {
    /// An empty queue.
    pub const fn new() -> WaitQueue {
        WaitQueue {
            waiters: IrqMutex::new(VecDeque::new()),
        }
    }

    /// An empty queue with room for `waiters` tasks, so that blocking on it
    /// needs no allocation until more wait at once (a process's own queues
    /// reserve one: its own task). ENOMEM if even that is not there.
    pub fn with_room_for(waiters: usize) -> Result<WaitQueue, Errno> {
        let mut queue = VecDeque::new();
        queue.try_reserve(waiters).map_err(|_| Errno::ENOMEM)?;
        Ok(WaitQueue {
            waiters: IrqMutex::new(queue),
        })
    }

    /// Wakes every waiter; each re-checks its own condition.
    pub fn wake_all(&self) {
        // One at a time, outside the queue's lock (waking takes the
        // scheduler's), and only those here now: a woken task that comes
        // back is not woken twice. The queue keeps its allocation, so a
        // full kernel heap cannot stop a waiter from entering it again.
        let waiting = self.waiters.lock().len();
        for _ in 0..waiting {
            let Some(task) = self.waiters.lock().pop_front() else {
                break;
            };
            wake(&task);
        }
    }

    fn enqueue(&self, task: &Arc<Task>) -> Result<(), BlockError> {
        let mut waiters = self.waiters.lock();
        if waiters.iter().any(|t| Arc::ptr_eq(t, task)) {
            return Ok(());
        }
        waiters.try_reserve(1).map_err(|_| BlockError::NoMemory)?;
        waiters.push_back(task.clone());
        Ok(())
    }

    fn remove(&self, task: &Arc<Task>) {
        self.waiters.lock().retain(|t| !Arc::ptr_eq(t, task));
    }
}

/// Blocks the current task until `condition()` holds; returns at once if it
/// already does. `condition` runs with no lock held by this function; it
/// may take locks of its own.
pub fn block_on(queue: &WaitQueue, mut condition: impl FnMut() -> bool) -> Result<(), BlockError> {
    let me = current();
    loop {
        if condition() {
            return Ok(());
        }
        if me.interrupt_pending() {
            return Err(BlockError::Interrupted);
        }
        queue.enqueue(&me)?;
        block_current();
        // A wake-up from here on finds us on the queue: not lost.
        if condition() || me.interrupt_pending() {
            unblock_current();
            queue.remove(&me);
            continue;
        }
        schedule();
        queue.remove(&me);
    }
}
