//! The scheduler: the run queue, time slices, the timer queue, and the
//! switch from one task to the next.
//!
//! Round-robin: a task runs for up to [`TIME_SLICE_NS`], then goes to the
//! back of the run queue. A task woken from a wait queue also joins at the
//! back: tasks that keep waking each other (the two ends of a busy pipe)
//! would otherwise hold the front for ever and starve a task that was
//! preempted. Only a sleeper whose timer expired goes to the *front* (after
//! other sleepers woken since the last pick), so that a sleep ends on time
//! however many tasks are busy; a timer wakes a task at most once per sleep,
//! so this cannot starve anyone. The kernel is not preemptible: a timer
//! interrupt preempts only a task that was running in ring 3.
//!
//! Locking: one lock, `SCHED`, protects the run queue, the timer queue, each
//! CPU's current task and every task's run state. It is the one lock held
//! across a context switch: `schedule()` takes it, switches, and the context
//! that resumes releases it ([`finish_switch`]), so no other CPU can pick the
//! outgoing task before its registers are saved. `schedule()` asserts that
//! its caller holds no other lock and that interrupts are off, as xv6's
//! `sched()` does. The lock order is: a wait queue's lock, then `SCHED`.
//!
//! Lunaix keeps one `sched_ctx` with a ready list and a sleep list scanned
//! on every tick; its `schedule()` picks the next ready process and jumps
//! into its saved interrupt context. Here each task has its own kernel stack
//! and the switch swaps stacks (arch/x86/context.rs), and the timer queue
//! is a heap ordered by deadline.

mod task;
mod wait_queue;

use alloc::collections::{TryReserveError, VecDeque};
use alloc::sync::{Arc, Weak};

use abi::errno::Errno;
use klib::timerq::TimerQueue;

use crate::arch::x86::context::{self, SavedContext};
use crate::arch::x86::lock::{locks_held, IrqMutex};
use crate::arch::x86::{cpu, gdt, TrapFrame};
use crate::mm::address_space::{activate_directory, activate_kernel_directory};
use crate::mm::kstack::KernelStack;
use crate::mm::AddressSpace;
use crate::time;

pub use task::{Pid, RunState, Task};
pub use wait_queue::{block_on, BlockError, WaitQueue};

/// How long a task may run before the next one gets the CPU.
pub const TIME_SLICE_NS: u64 = 10_000_000;

/// The idle task's pid (it is nobody's child).
pub const IDLE_PID: Pid = 0;

/// CPUs the scheduler runs (the kernel starts one; the per-CPU state is
/// already arrays indexed by `cpu::id()`).
const CPUS: usize = 1;

/// What each CPU runs, readable without the scheduler's lock: written only
/// by that CPU, at a switch (under the lock), so a task that reads its own
/// CPU's entry always finds itself.
struct RunningNow {
    pid: core::sync::atomic::AtomicI32,
    /// Set when the task marked itself dead, so that the way out of every
    /// trap ([`leave_if_dead`]) checks a flag instead of taking the lock.
    dead: core::sync::atomic::AtomicBool,
    /// The running task's interrupt request, mirrored so that the way back
    /// to user mode checks for signals without a lock.
    interrupted: core::sync::atomic::AtomicBool,
}

static RUNNING_NOW: [RunningNow; CPUS] = [const {
    RunningNow {
        pid: core::sync::atomic::AtomicI32::new(IDLE_PID),
        dead: core::sync::atomic::AtomicBool::new(false),
        interrupted: core::sync::atomic::AtomicBool::new(false),
    }
}; CPUS];

/// This CPU's [`RunningNow`].
fn running_now() -> &'static RunningNow {
    &RUNNING_NOW[cpu::id() as usize]
}

/// What one CPU is doing.
struct Cpu {
    /// The task on the CPU.
    current: Arc<Task>,
    /// This CPU's idle task: runs when the run queue is empty.
    idle: Arc<Task>,
    /// The task this CPU just switched away from; dropped by
    /// [`finish_switch`] once its stack is no longer in use.
    previous: Option<Arc<Task>>,
    /// When the current task's time slice ends (ns on the clock).
    slice_end: u64,
}

struct Scheduler {
    run_queue: VecDeque<Arc<Task>>,
    /// Sleepers woken by their timer since the last pick, at the front of
    /// the run queue.
    woken_at_front: usize,
    timers: TimerQueue<Weak<Task>>,
    cpus: [Cpu; CPUS],
}

static SCHED: IrqMutex<Option<Scheduler>> = IrqMutex::new(None);

fn with_sched<R>(f: impl FnOnce(&mut Scheduler) -> R) -> R {
    f(SCHED.lock().as_mut().expect("scheduler not initialised"))
}

impl Scheduler {
    fn cpu(&mut self) -> &mut Cpu {
        &mut self.cpus[cpu::id() as usize]
    }

    /// Makes a blocked task runnable, at the back of the run queue (or at
    /// the front, after other sleepers woken since the last pick, when its
    /// `timer` expired).
    fn wake(&mut self, task: &Arc<Task>, timer: bool) {
        if task.state() != RunState::Blocked {
            return;
        }
        if self.cpus.iter().any(|c| Arc::ptr_eq(&c.current, task)) {
            // It has not switched away yet: it will see that it was woken
            // and keep the CPU.
            task.set_state(RunState::Running);
            return;
        }
        task.set_state(RunState::Ready);
        // Capacity for every task was reserved when it was created.
        if timer {
            self.run_queue.insert(self.woken_at_front, task.clone());
            self.woken_at_front += 1;
        } else {
            self.run_queue.push_back(task.clone());
        }
    }
}

/// Sets up the scheduler with the boot context as the idle task.
pub fn init() {
    let idle = Arc::new(Task::new(IDLE_PID, None, 0, SavedContext::new()));
    idle.set_state(RunState::Running);
    *SCHED.lock() = Some(Scheduler {
        run_queue: VecDeque::new(),
        woken_at_front: 0,
        timers: TimerQueue::new(),
        cpus: [Cpu {
            current: idle.clone(),
            idle,
            previous: None,
            slice_end: 0,
        }],
    });
}

/// A new task that will enter ring 3 through `frame` on its first run, with
/// its own kernel stack. Not yet runnable: see [`start`]. EAGAIN or ENOMEM
/// when kernel stacks or memory run out.
pub fn create_task(pid: Pid, directory: u32, frame: &TrapFrame) -> Result<Arc<Task>, Errno> {
    let mut stack = KernelStack::new()?;
    let context = SavedContext::new();
    stack.prepare_first_run(&context, frame, first_run);
    // Room in the run queue for every task there is, so that queueing one
    // (a wake-up in an interrupt, a preemption) never allocates.
    with_sched(|s| -> Result<(), TryReserveError> {
        let tasks = Task::count() + 1;
        s.run_queue
            .try_reserve(tasks.saturating_sub(s.run_queue.len()))
    })
    .map_err(|_| Errno::ENOMEM)?;
    Arc::try_new(Task::new(pid, Some(stack), directory, context)).map_err(|_| Errno::ENOMEM)
}

/// Puts a new task at the back of the run queue.
pub fn start(task: &Arc<Task>) {
    with_sched(|s| {
        task.set_state(RunState::Ready);
        // Capacity was reserved by `create_task`.
        s.run_queue.push_back(task.clone());
    })
}

/// The first thing a new task runs on its own stack (from
/// `task_first_run`): completes the switch that started it.
extern "C" fn first_run() {
    finish_switch();
}

/// The task on this CPU.
pub fn current() -> Arc<Task> {
    with_sched(|s| s.cpu().current.clone())
}

/// The pid of the task on this CPU. Takes no lock: every system call asks
/// (and fault reports, while the scheduler's lock may be held).
pub fn current_pid() -> Pid {
    running_now()
        .pid
        .load(core::sync::atomic::Ordering::Relaxed)
}

/// True when some task waits on the run queue.
pub fn has_ready() -> bool {
    with_sched(|s| !s.run_queue.is_empty())
}

/// Gives the CPU to the next ready task (or to idle) and returns when this
/// task runs again. A `Running` caller stays runnable (a yield or a
/// preemption); a `Blocked` one waits for a wake-up; a `Dead` one never
/// comes back.
///
/// # Panics
/// When called with a lock held or interrupts on.
#[track_caller]
pub fn schedule() {
    assert!(
        !cpu::interrupts_enabled(),
        "schedule() with interrupts enabled"
    );
    assert_eq!(locks_held(), 0, "schedule() with a lock held");
    let mut guard = SCHED.lock();
    let s = guard.as_mut().expect("scheduler not initialised");
    let me = cpu::id() as usize;
    let prev = s.cpus[me].current.clone();
    let prev_is_idle = Arc::ptr_eq(&prev, &s.cpus[me].idle);
    if prev.state() == RunState::Running && !prev_is_idle {
        prev.set_state(RunState::Ready);
        s.run_queue.push_back(prev.clone());
    }
    let next = match s.run_queue.pop_front() {
        Some(task) => task,
        None => s.cpus[me].idle.clone(),
    };
    s.woken_at_front = 0;
    next.set_state(RunState::Running);
    let cpu = &mut s.cpus[me];
    cpu.slice_end = time::now_ns() + TIME_SLICE_NS;
    if Arc::ptr_eq(&next, &prev) {
        return;
    }
    // The next task's trap frame goes on its own kernel stack; idle runs
    // on the boot stack and never enters ring 3.
    if next.stack_top != 0 {
        gdt::set_kernel_stack(next.stack_top);
    }
    // A user task's directory is always loaded, even when CR3 already holds
    // it: with several CPUs it may have changed mappings elsewhere since.
    // Idle runs only kernel code and keeps whatever is loaded (a CR3 write
    // costs ~3 us under TCG); a task that exits loads the kernel's own
    // before its address space goes.
    let directory = next.directory();
    if directory != 0 {
        activate_directory(directory);
    } else if prev.has_retired_space() {
        // Idle next, after an exit: the exited space's directory is still
        // loaded and is about to be freed.
        activate_kernel_directory();
    }
    let now = &RUNNING_NOW[me];
    now.pid
        .store(next.pid(), core::sync::atomic::Ordering::Relaxed);
    now.dead.store(false, core::sync::atomic::Ordering::Relaxed);
    now.interrupted.store(
        next.interrupt_pending(),
        core::sync::atomic::Ordering::Relaxed,
    );
    cpu.current = next;
    cpu.previous = Some(prev);
    // No task reference may stay in this frame across the switch: a task
    // that never runs again (it exited) would keep itself alive.
    let s = guard
        .keep_across_switch()
        .as_mut()
        .expect("scheduler exists");
    let cpu = &s.cpus[me];
    let (save, load) = (
        &cpu.previous.as_ref().expect("just set").context,
        &cpu.current.context,
    );
    // `previous` keeps the outgoing task alive until the next context has
    // finished the switch; `current` owns the stack being switched to.
    context::switch(save, load);
    finish_switch();
}

/// Completes a switch in the context that now runs: releases the
/// scheduler's lock held across it and lets go of the task switched away
/// from (freeing its kernel stack if it was a reaped zombie: this context
/// runs on another stack).
fn finish_switch() {
    let previous = {
        let mut guard = SCHED.adopt_after_switch();
        let s = guard.as_mut().expect("scheduler not initialised");
        s.cpus[cpu::id() as usize].previous.take()
    };
    if let Some(task) = &previous {
        if task.state() == RunState::Dead {
            // Nothing runs on its stack any more, and its directory is no
            // longer loaded.
            task.release_resources();
        }
    }
    drop(previous);
}

/// Takes the exiting current task's address space: it stays loaded until
/// the task switches away for good, and is freed then (with the kernel
/// stack). The task runs on no directory of its own from now on.
pub fn retire_current_space(space: AddressSpace) {
    with_sched(|s| {
        let current = &s.cpu().current;
        current.set_directory(0);
        current.retire_space(space);
    });
}

/// Loads `directory` for the current task (exec) and records it.
pub fn switch_current_directory(directory: u32) {
    with_sched(|s| s.cpu().current.set_directory(directory));
    if directory == 0 {
        activate_kernel_directory();
    } else {
        activate_directory(directory);
    }
}

/// Marks the current task blocked; it stops running at its next
/// `schedule()` unless woken before.
pub(crate) fn block_current() {
    with_sched(|s| s.cpu().current.set_state(RunState::Blocked));
}

/// Undoes [`block_current`] when the task found it need not sleep.
pub(crate) fn unblock_current() {
    with_sched(|s| s.cpu().current.set_state(RunState::Running));
}

/// Makes `task` runnable if it is blocked.
pub fn wake(task: &Arc<Task>) {
    with_sched(|s| s.wake(task, false));
}

/// Asks `task` to stop blocking for a reason other than its condition (a
/// signal it must take): its `block_on` returns
/// [`BlockError::Interrupted`] (every caller turns that into EINTR or a
/// partial result), and the request stays until the task clears it
/// ([`clear_current_interrupt`]) when it takes its signals on the way back to
/// user mode.
pub fn interrupt(task: &Arc<Task>) {
    with_sched(|s| {
        task.request_interrupt();
        for (cpu, now) in s.cpus.iter().zip(&RUNNING_NOW) {
            if Arc::ptr_eq(&cpu.current, task) {
                now.interrupted
                    .store(true, core::sync::atomic::Ordering::Relaxed);
            }
        }
        s.wake(task, false);
    });
}

/// Raises the current task's own interrupt request (it made a signal
/// deliverable to itself, by unblocking it for one).
pub fn interrupt_current() {
    with_sched(|s| s.cpu().current.request_interrupt());
    running_now()
        .interrupted
        .store(true, core::sync::atomic::Ordering::Relaxed);
}

/// True when the current task was asked to take its signals. No lock: the
/// way out of every trap asks.
pub fn current_interrupted() -> bool {
    running_now()
        .interrupted
        .load(core::sync::atomic::Ordering::Relaxed)
}

/// Clears the current task's interrupt request (it is taking its signals).
pub fn clear_current_interrupt() {
    with_sched(|s| s.cpu().current.clear_interrupt());
    running_now()
        .interrupted
        .store(false, core::sync::atomic::Ordering::Relaxed);
}

/// True when the way out of a trap has something to do for the current
/// task: signals to take, or a switch away for good. One load on the path
/// every system call takes.
pub fn current_needs_attention() -> bool {
    let now = running_now();
    now.interrupted.load(core::sync::atomic::Ordering::Relaxed)
        | now.dead.load(core::sync::atomic::Ordering::Relaxed)
}

/// True when the current task has ended (it exited, or a signal or fault
/// killed it) and is on its way out of the trap.
pub fn current_is_dead() -> bool {
    running_now()
        .dead
        .load(core::sync::atomic::Ordering::Relaxed)
}

/// Marks the current task dead: it will never run again once it has
/// switched away ([`leave_if_dead`]).
pub fn mark_current_dead() {
    with_sched(|s| s.cpu().current.set_state(RunState::Dead));
    running_now()
        .dead
        .store(true, core::sync::atomic::Ordering::Relaxed);
}

/// Switches away for good if the current task is dead. The trap path calls
/// this last, when nothing on the stack holds a reference any more (a
/// reference left there would keep the dead task's records alive).
pub fn leave_if_dead() {
    if running_now()
        .dead
        .load(core::sync::atomic::Ordering::Relaxed)
    {
        schedule();
        unreachable!("a dead task was scheduled");
    }
}

/// Wakes the current task's timer wait queue at `deadline` (ns on the
/// clock). Fails only when memory runs out.
pub fn add_timer(deadline: u64, task: &Arc<Task>) -> Result<(), Errno> {
    with_sched(|s| s.timers.insert(deadline, Arc::downgrade(task))).map_err(|_| Errno::ENOMEM)
}

/// Takes `task`'s timers out of the queue (its sleep ended early: a
/// signal), so that interrupted sleeps cannot pile entries up.
pub fn cancel_timers(task: &Arc<Task>) {
    with_sched(|s| {
        s.timers
            .retain(|t| !core::ptr::eq(t.as_ptr(), Arc::as_ptr(task)))
    });
}

/// The idle task: halts until an interrupt makes some task ready.
pub fn idle_loop() -> ! {
    loop {
        if has_ready() {
            schedule();
        } else {
            // `sti; hlt` is atomic: an interrupt between the check above and
            // the halt still wakes it.
            cpu::enable_interrupts_and_halt();
            cpu::disable_interrupts();
        }
    }
}

/// The timer interrupt: advance the clock, wake expired timers, and preempt
/// a ring-3 task whose slice is used up (or when a sleeper woke, so that
/// sleeps end on time).
pub fn timer_tick(from_user: bool) {
    // One CPU keeps time; with several, the others' ticks only schedule.
    if cpu::id() == 0 {
        time::tick();
    }
    let now = time::now_ns();
    // Before the scheduler exists (clock calibration at boot) a tick only
    // counts.
    let preempt = {
        let mut guard = SCHED.lock();
        let Some(s) = guard.as_mut() else {
            return;
        };
        let mut woke = false;
        while let Some(timer) = s.timers.pop_expired(now) {
            if let Some(task) = timer.upgrade() {
                if task.state() == RunState::Blocked {
                    s.wake(&task, true);
                    woke = true;
                }
            }
        }
        let cpu = s.cpu();
        let idle = Arc::ptr_eq(&cpu.current, &cpu.idle);
        woke || (!idle && now >= cpu.slice_end)
    };
    if preempt && from_user {
        schedule();
    }
}
