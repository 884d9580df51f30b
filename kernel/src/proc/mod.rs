//! Processes: the table, the scheduler, fork, exit and wait, sleep, the
//! program loader and the killing of faulting programs.
//!
//! Lunaix keeps a `proc_info` per process with its saved interrupt context,
//! page directory, parent and children lists; `schedule()` picks the next
//! ready process round-robin and "soft-irets" into its saved context. Here
//! each process has its own kernel stack holding its trap frame, the
//! scheduler switches kernel stacks (see arch/x86/context.rs), and the
//! process table is a map from pid to [`Process`].
//!
//! Concurrency: one CPU, and the kernel runs with interrupts off (every gate
//! is an interrupt gate), so the table lock is never contended. It is never
//! held across a context switch.

pub mod loader;
mod table;

use alloc::string::String;

use abi::errno::Errno;
use abi::signal::Signal;
use abi::wait;

use crate::arch::x86::{context, cpu, gdt, paging, TrapFrame};
use crate::mm::{user, AddressSpace, UserAddr};
use crate::time;

use table::{with_table, Table, TABLE};
pub use table::{Pid, State, IDLE_PID, INIT_PID};

/// How long a process may run before the next one gets the CPU.
pub const TIME_SLICE_NS: u64 = 10_000_000;

/// Sets up the process table with the idle task (the boot context).
pub fn init() {
    *TABLE.lock() = Some(Table::new());
}

/// Starts the first program as pid 1.
pub fn spawn_init(path: &str, args: &[&str]) -> Result<(), Errno> {
    let mut argv = alloc::vec![path];
    argv.extend_from_slice(args);
    let image = loader::load(path, &argv, &[] as &[&str])?;
    with_table(|t| t.insert_new(INIT_PID, IDLE_PID, name_of(path), image))?;
    Ok(())
}

fn name_of(path: &str) -> String {
    String::from(path.rsplit('/').next().unwrap_or(path))
}

/// Gives the CPU to the next ready process (or to idle). Returns when this
/// context is scheduled again. The caller has already set its state: a
/// `Running` caller stays ready, anything else waits for a wake-up.
pub fn schedule() {
    let switch = with_table(|t| t.pick_next());
    if let Some(s) = switch {
        gdt::set_kernel_stack(s.kernel_stack_top);
        if paging::active() != s.directory {
            // SAFETY: every directory maps the kernel half identically.
            unsafe { paging::activate(s.directory) };
        }
        // SAFETY: `save` points into the current process's boxed record,
        // which outlives the switch (a zombie is reaped only after it has
        // switched away); `load` was saved by a switch or built by
        // `prepare_new_stack`.
        unsafe { context::switch(s.save, s.load) };
    }
}

/// The idle task: halts until an interrupt makes some process ready.
pub fn idle_loop() -> ! {
    loop {
        if with_table(|t| t.has_ready()) {
            schedule();
        } else {
            cpu::enable_interrupts_and_halt();
            cpu::disable_interrupts();
        }
    }
}

/// The timer interrupt: advance the clock, wake sleepers, and preempt a
/// ring-3 program whose slice is used up (or when a sleeper woke, so that
/// sleeps end on time).
pub fn timer_tick(from_user: bool) {
    time::tick();
    let now = time::now_ns();
    // Before the process table exists (clock calibration at boot) a tick
    // only counts.
    let preempt = TABLE.lock().as_mut().is_some_and(|t| {
        let woke = t.wake_sleepers(now);
        t.slice_used_up(now) || woke
    });
    if preempt && from_user {
        schedule();
    }
}

/// The caller's pid.
pub fn current_pid() -> Pid {
    with_table(|t| t.current)
}

/// The caller's parent's pid.
pub fn parent_pid() -> Pid {
    with_table(|t| t.current().ppid)
}

/// Creates a child that shares the caller's memory copy-on-write and resumes
/// at the same place with `eax` = 0.
pub fn fork(frame: &TrapFrame) -> Result<Pid, Errno> {
    let pid = with_table(|t| t.fork_current(frame))?;
    log::debug!("fork: pid {} created pid {}", current_pid(), pid);
    Ok(pid)
}

/// Gives up the CPU; returns after the other ready processes had a turn.
pub fn yield_now() {
    schedule();
}

/// Ends the caller with a wait status (already encoded). Never returns.
pub fn exit_current(status: i32) -> ! {
    with_table(|t| t.exit_current(status));
    schedule();
    unreachable!("a zombie was scheduled");
}

/// Kills the caller because of a CPU exception in ring 3, reporting it on
/// the console in one line.
pub fn kill_current(signal: Signal, what: &str, eip: u32, address: u32) -> ! {
    let (pid, name) = with_table(|t| (t.current, t.current().name.clone()));
    crate::kprintln!(
        "fault: pid {} ({}) killed by {}: {} at eip {:#010x}, address {:#010x}",
        pid,
        name,
        signal.name(),
        what,
        eip,
        address
    );
    exit_current(wait::signaled_status(signal as i32));
}

/// Waits for a child to end (`pid` = -1 for any), storing its status at
/// `status` unless NULL. With WNOHANG, returns 0 when none has ended.
pub fn wait_child(pid: Pid, status: UserAddr, options: u32) -> Result<Pid, Errno> {
    if options & !wait::VALID_OPTIONS != 0 {
        return Err(Errno::EINVAL);
    }
    loop {
        let found = with_table(|t| t.reap_child(pid, status))?;
        if let Some(child) = found {
            return Ok(child);
        }
        if options & wait::WNOHANG != 0 {
            return Ok(0);
        }
        with_table(|t| t.current_mut().state = State::Waiting);
        schedule();
    }
}

/// Blocks for at least `seconds`; returns the seconds left (always 0: no
/// signal can interrupt a sleep here).
pub fn sleep(seconds: u32) -> u32 {
    if seconds == 0 {
        return 0;
    }
    let deadline = time::now_ns() + seconds as u64 * 1_000_000_000;
    // Only the timer wakes a sleeper; the loop makes "never early" hold even
    // if something else ever did.
    while time::now_ns() < deadline {
        with_table(|t| t.sleep_current(deadline));
        schedule();
    }
    0
}

/// Replaces the caller's program (execve). On success the trap frame enters
/// the new program when the system call returns.
pub fn exec(
    frame: &mut TrapFrame,
    path: UserAddr,
    argv: UserAddr,
    envp: UserAddr,
) -> Result<(), Errno> {
    let (path, argv, envp) = with_table(|t| -> Result<_, Errno> {
        let space = t.current_mut().space.as_mut().expect("user process");
        let path =
            user::read_c_string(space, path, abi::limits::MAX_PATH_LEN, Errno::ENAMETOOLONG)?;
        // Every name in the initrd is UTF-8, so any other path names nothing.
        let path = String::from_utf8(path).map_err(|_| Errno::ENOENT)?;
        let mut budget = abi::limits::MAX_ARG_BYTES;
        let argv = user::read_string_array(space, argv, abi::limits::MAX_ARGS, &mut budget)?;
        let envp = user::read_string_array(space, envp, abi::limits::MAX_ARGS, &mut budget)?;
        Ok((path, argv, envp))
    })?;
    let image = loader::load(&path, &argv, &envp)?;
    *frame = TrapFrame::new_user(image.entry, image.stack_pointer);
    let directory = image.space.directory_phys();
    let old = with_table(|t| {
        let me = t.current_mut();
        me.name = name_of(&path);
        me.heap_start = image.brk;
        me.brk = image.brk;
        me.space.replace(image.space)
    });
    // SAFETY: the new directory maps the kernel half like every other.
    unsafe { paging::activate(directory) };
    drop(old);
    log::debug!("exec: pid {} now runs {}", current_pid(), path);
    Ok(())
}

/// Moves the program break to `new_break` (brk semantics).
pub fn set_break(new_break: usize) -> Result<(), Errno> {
    with_table(|t| t.set_break(new_break))
}

/// Moves the program break by `increment`; returns the previous break.
pub fn grow_break(increment: isize) -> Result<usize, Errno> {
    with_table(|t| {
        let old = t.current().brk as usize;
        let new = old.checked_add_signed(increment).ok_or(Errno::ENOMEM)?;
        t.set_break(new)?;
        Ok(old)
    })
}

/// Runs `f` on the caller's address space (for system calls that copy
/// to or from user memory).
pub fn with_current_space<R>(f: impl FnOnce(&mut AddressSpace) -> R) -> R {
    with_table(|t| f(t.current_mut().space.as_mut().expect("user process")))
}

/// Resolves a page fault from ring 3 if it is a copy-on-write write or
/// stack growth. Returns false when the access is illegal.
pub fn handle_user_page_fault(address: u32, write: bool, present: bool) -> Result<bool, Errno> {
    with_table(|t| {
        let space = t.current_mut().space.as_mut().expect("user process");
        if present && write {
            return space.break_copy_on_write(address);
        }
        let stack = abi::layout::USER_STACK_LIMIT..abi::layout::USER_STACK_TOP;
        if !present && stack.contains(&address) {
            space.map_zeroed(
                crate::mm::page_down(address),
                crate::mm::address_space::Access::ReadWrite,
            )?;
            return Ok(true);
        }
        Ok(false)
    })
}
