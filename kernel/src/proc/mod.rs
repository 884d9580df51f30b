//! Processes: the registry of pids, parents and zombies; fork, exit and
//! wait; exec and the program loader; the killing of faulting programs.
//!
//! A [`Process`] is shared (`Arc`): the registry holds it from fork until
//! its parent reaps it, and a system call in progress holds it through its
//! context. Its scheduling half is a [`Task`] (sched/), its memory an
//! [`AddressSpace`] (mm/). Blocking (wait, sleep) goes through the
//! scheduler's wait queues, so it is interruptible.
//!
//! Locks, in the order they may be taken: the registry, then a process's
//! own lock, then (inside sched/ and mm/) the scheduler's and the frame
//! allocator's. No lock is held across `schedule()`.
//!
//! Lunaix keeps a `proc_info` per process with its saved interrupt context,
//! page directory, parent and children lists, in one fixed table; see
//! docs/processes.md for the mapping.

mod fault;
mod lifecycle;
pub mod loader;
mod registry;

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use abi::errno::Errno;

use crate::arch::x86::lock::{IrqGuard, IrqMutex};
use crate::arch::x86::TrapFrame;
use crate::mm::AddressSpace;
use crate::sched::{self, Task, WaitQueue};
use crate::signal::Signals;

pub use fault::{handle_user_page_fault, kill_current, user_fault};
pub use lifecycle::{exec, exit_current, fork, nanosleep, sleep, wait_child};
pub use registry::{ProcView, Registry, WaitTarget};
pub use sched::Pid;

/// The first program; orphans are re-parented to it.
pub const INIT_PID: Pid = 1;

/// The registry of every process (see registry.rs).
static REGISTRY: IrqMutex<Option<Registry>> = IrqMutex::new(None);

/// Runs `f` with the registry locked (the first lock in the order above).
pub fn with_registry<R>(f: impl FnOnce(&mut Registry) -> R) -> R {
    f(REGISTRY
        .lock()
        .as_mut()
        .expect("process registry not initialised"))
}

/// A process.
pub struct Process {
    /// Its id.
    pub pid: Pid,
    /// Its scheduling half.
    pub task: Arc<Task>,
    /// Where it waits for a child to exit; a child's exit wakes it.
    pub child_exit: WaitQueue,
    /// Where it waits while stopped (`SIGCONT` wakes this queue) and in
    /// `pause`, `sigsuspend`, `sleep` and `nanosleep` (the timer wakes a
    /// sleeper's task directly, and a signal interrupts it); every waiter
    /// re-checks its own condition, so one queue serves all, and waiting
    /// needs no memory of its own.
    pub paused: WaitQueue,
    /// Its signal state (signal/), under its own lock, taken after the
    /// registry's and never together with the process's other lock.
    pub signals: IrqMutex<Signals>,
    /// Its descriptors: each refers to a shared open file description.
    /// Handles taken out (close, dup2, exec, exit) are dropped after the
    /// lock is released: the last one going may wake a pipe's other side.
    pub files: IrqMutex<Files>,
    inner: IrqMutex<ProcessInner>,
}

/// A process's descriptor table.
pub type Files = klib::fdtable::FdTable<Arc<crate::fs::OpenFile>>;

/// The parts of a process that change while it runs, under its own lock.
pub struct ProcessInner {
    /// Program name (last path component), for reports.
    pub name: String,
    /// User memory; `None` once it has exited.
    pub space: Option<AddressSpace>,
    /// Its working directory; `None` once it has exited.
    pub cwd: Option<Arc<crate::fs::Node>>,
    /// Its arguments, each followed by a NUL (`/proc/<pid>/cmdline`).
    pub cmdline: Vec<u8>,
}

impl ProcessInner {
    /// The user address space of a live process.
    pub fn space(&mut self) -> Result<&mut AddressSpace, Errno> {
        // A process without one has exited and never runs a system call.
        self.space.as_mut().ok_or(Errno::ESRCH)
    }
}

impl Process {
    /// Locks the process's changing parts.
    pub fn lock(&self) -> IrqGuard<'_, ProcessInner> {
        self.inner.lock()
    }

    /// Its program name.
    pub fn with_name<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        f(&self.lock().name)
    }

    /// Its parent's pid (0 for init).
    pub fn parent_pid(&self) -> Pid {
        with_registry(|r| r.parent_of(self.pid))
    }
}

/// Sets up the registry and the scheduler with the idle task.
pub fn init() {
    *REGISTRY.lock() = Some(Registry::new());
    sched::init();
}

/// The process on this CPU. Only called from system calls and faults of a
/// user process (never from idle).
pub fn current() -> Arc<Process> {
    let pid = sched::current_pid();
    with_registry(|r| r.get(pid)).expect("the current task is a registered process")
}

/// Registers a new process around `space`, entering ring 3 through `frame`,
/// as a child of `parent`, and makes it runnable.
/// What a new process starts with besides its memory: its name, arguments
/// and working directory.
pub(crate) struct Start {
    name: String,
    cmdline: Vec<u8>,
    cwd: Arc<crate::fs::Node>,
}

fn spawn(
    parent: Pid,
    start: Start,
    space: AddressSpace,
    signals: Signals,
    files: Files,
    frame: &TrapFrame,
) -> Result<Pid, Errno> {
    let pid = with_registry(|r| r.reserve_pid())?;
    let created = (|| {
        let task = sched::create_task(pid, space.directory_phys(), frame)?;
        let process = Arc::try_new(Process {
            pid,
            task,
            // Only the process itself waits on these: room for one, so
            // that waiting never needs the heap.
            child_exit: WaitQueue::with_room_for(1)?,
            paused: WaitQueue::with_room_for(1)?,
            signals: IrqMutex::new(signals),
            files: IrqMutex::new(files),
            inner: IrqMutex::new(ProcessInner {
                name: start.name,
                space: Some(space),
                cwd: Some(start.cwd),
                cmdline: start.cmdline,
            }),
        })
        .map_err(|_| Errno::ENOMEM)?;
        with_registry(|r| r.install(process.clone(), parent))?;
        Ok(process)
    })();
    match created {
        Ok(process) => {
            sched::start(&process.task);
            Ok(pid)
        }
        Err(e) => {
            with_registry(|r| r.release_pid(pid));
            Err(e)
        }
    }
}

/// Starts the first program as pid 1.
pub fn spawn_init(path: &str, args: &[&str]) -> Result<(), Errno> {
    let mut argv = alloc::vec![path];
    argv.extend_from_slice(args);
    let root = crate::fs::Node::root()?;
    let program = crate::fs::open_executable(&root, INIT_PID, path)?;
    let image = loader::load(&program, path, &argv, &[] as &[&str])?;
    drop(program);
    let frame = TrapFrame::new_user(image.entry, image.stack_pointer);
    let signals = Signals::new(klib::signal::SignalState::new(true));
    // 0, 1 and 2 on the console: one open file description, as if opened
    // once and duplicated.
    let mut files = Files::new();
    let console = crate::fs::OpenFile::console()?;
    for _ in 0..3 {
        files.insert_lowest(console.clone(), false, 0)?;
    }
    let start = Start {
        name: try_string(name_of(path))?,
        cmdline: cmdline_of(&argv)?,
        cwd: root,
    };
    let pid = spawn(0, start, image.space, signals, files, &frame)?;
    assert_eq!(pid, INIT_PID, "the first process gets pid 1");
    Ok(())
}

/// Longest `/proc/<pid>/cmdline` kept (longer argument lists are cut).
const CMDLINE_MAX: usize = 4096;

/// The arguments as `/proc/<pid>/cmdline` shows them: each followed by a
/// NUL, at most [`CMDLINE_MAX`] bytes.
fn cmdline_of<S: AsRef<[u8]>>(argv: &[S]) -> Result<Vec<u8>, Errno> {
    let len: usize = argv.iter().map(|a| a.as_ref().len() + 1).sum();
    let mut out = Vec::new();
    out.try_reserve(len.min(CMDLINE_MAX))
        .map_err(|_| Errno::ENOMEM)?;
    for arg in argv {
        out.extend_from_slice(arg.as_ref());
        out.push(0);
    }
    out.truncate(CMDLINE_MAX);
    Ok(out)
}

/// A program's name: the last component of its path.
fn name_of(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// A copy of `s`, or ENOMEM: names are copied on paths a user drives (fork, exec).
fn try_string(s: &str) -> Result<String, Errno> {
    let mut copy = String::new();
    copy.try_reserve_exact(s.len()).map_err(|_| Errno::ENOMEM)?;
    copy.push_str(s);
    Ok(copy)
}
