//! The process table and the run and sleep queues.

use alloc::alloc::{alloc, dealloc, Layout};
use alloc::boxed::Box;
use alloc::collections::{BTreeMap, VecDeque};
use alloc::string::String;
use core::ptr::NonNull;

use abi::errno::Errno;
use abi::limits::MAX_PROCESSES;
use klib::pid::PidAllocator;
use klib::timerq::TimerQueue;
use spin::Mutex;

use super::loader::Image;
use super::TIME_SLICE_NS;
use crate::arch::x86::boot::{boot_stack_top, kernel_page_directory};
use crate::arch::x86::{context, TrapFrame};
use crate::mm::address_space::Access;
use crate::mm::{page_up, user, virt_to_phys, AddressSpace, UserAddr};

/// A process id.
pub type Pid = i32;
/// The idle task (the boot context). It is nobody's child; pid 1's parent
/// id reads as 0 through it.
pub const IDLE_PID: Pid = 0;
/// The first program; orphans are re-parented to it.
pub const INIT_PID: Pid = 1;
/// Pids wrap after this.
const MAX_PID: Pid = 32767;
/// Frames fork leaves free beyond what the new pair may need (for page
/// tables and stack growth elsewhere).
const FORK_MEMORY_RESERVE: usize = 16;
/// Kernel stack per process.
const KERNEL_STACK_SIZE: usize = 16 * 1024;

/// Where a process is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// On the run queue.
    Ready,
    /// On the CPU.
    Running,
    /// In the sleep queue until its deadline.
    Sleeping,
    /// Blocked in wait/waitpid until a child changes state.
    Waiting,
    /// Ended; keeps its wait status until the parent reaps it.
    Zombie(i32),
}

/// A kernel stack on the heap, freed with the process.
struct KernelStack(NonNull<u8>);

impl KernelStack {
    const LAYOUT: Layout = match Layout::from_size_align(KERNEL_STACK_SIZE, 16) {
        Ok(l) => l,
        Err(_) => panic!("bad kernel stack layout"),
    };

    fn new() -> Result<KernelStack, Errno> {
        // SAFETY: the layout has a non-zero size.
        let memory = unsafe { alloc(Self::LAYOUT) };
        NonNull::new(memory).map(KernelStack).ok_or(Errno::ENOMEM)
    }

    fn top(&self) -> usize {
        self.0.as_ptr() as usize + KERNEL_STACK_SIZE
    }
}

// SAFETY: a kernel stack is plain memory owned by one process record; the
// record moves only under the table lock.
unsafe impl Send for KernelStack {}

impl Drop for KernelStack {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with the same layout.
        unsafe { dealloc(self.0.as_ptr(), Self::LAYOUT) };
    }
}

/// A process control block.
pub struct Process {
    /// Its id.
    pub pid: Pid,
    /// Its parent's id.
    pub ppid: Pid,
    /// Program name (last path component), for reports.
    pub name: String,
    /// Scheduling state.
    pub state: State,
    /// User memory; `None` for idle and for zombies.
    pub space: Option<AddressSpace>,
    /// The first heap address (end of the loaded image).
    pub heap_start: u32,
    /// The current program break.
    pub brk: u32,
    /// Its kernel stack; `None` for idle, which runs on the boot stack.
    kernel_stack: Option<KernelStack>,
    /// The esp saved by the last context switch away from it.
    saved_esp: usize,
}

/// What `schedule` needs to switch.
pub struct Switch {
    pub save: *mut usize,
    pub load: usize,
    pub directory: u32,
    pub kernel_stack_top: usize,
}

/// The process table.
pub struct Table {
    procs: BTreeMap<Pid, Box<Process>>,
    run_queue: VecDeque<Pid>,
    sleepers: TimerQueue,
    /// The pid on the CPU.
    pub current: Pid,
    pids: PidAllocator,
    /// When the running process's time slice ends (ns on the clock).
    slice_end: u64,
}

pub static TABLE: Mutex<Option<Table>> = Mutex::new(None);

/// Runs `f` with the table locked. Never call `schedule` inside.
pub fn with_table<R>(f: impl FnOnce(&mut Table) -> R) -> R {
    f(TABLE
        .lock()
        .as_mut()
        .expect("process table not initialised"))
}

impl Table {
    pub fn new() -> Table {
        let idle = Process {
            pid: IDLE_PID,
            ppid: IDLE_PID,
            name: String::from("idle"),
            state: State::Running,
            space: None,
            heap_start: 0,
            brk: 0,
            kernel_stack: None,
            saved_esp: 0,
        };
        let mut procs = BTreeMap::new();
        procs.insert(IDLE_PID, Box::new(idle));
        Table {
            procs,
            run_queue: VecDeque::new(),
            sleepers: TimerQueue::new(),
            current: IDLE_PID,
            pids: PidAllocator::new(INIT_PID + 1, MAX_PID),
            slice_end: 0,
        }
    }

    pub fn current(&self) -> &Process {
        &self.procs[&self.current]
    }

    pub fn current_mut(&mut self) -> &mut Process {
        self.procs
            .get_mut(&self.current)
            .expect("current process exists")
    }

    /// Processes other than idle, zombies included.
    pub fn count(&self) -> usize {
        self.procs.len() - 1
    }

    pub fn has_ready(&self) -> bool {
        !self.run_queue.is_empty()
    }

    /// Moves `pid` from `from` (a blocked state) to the run queue; does
    /// nothing when it is not blocked that way (a sleeper is not woken by a
    /// child's exit, nor a waiter by the timer).
    fn wake(&mut self, pid: Pid, from: State) {
        if let Some(p) = self.procs.get_mut(&pid) {
            if p.state == from {
                p.state = State::Ready;
                self.run_queue.push_front(pid);
            }
        }
    }

    /// Adds a process that will start in ring 3 with `image`.
    pub fn insert_new(
        &mut self,
        pid: Pid,
        ppid: Pid,
        name: String,
        image: Image,
    ) -> Result<(), Errno> {
        let frame = TrapFrame::new_user(image.entry, image.stack_pointer);
        self.insert(pid, ppid, name, image.space, image.brk, image.brk, &frame)
    }

    #[allow(clippy::too_many_arguments)]
    fn insert(
        &mut self,
        pid: Pid,
        ppid: Pid,
        name: String,
        space: AddressSpace,
        heap_start: u32,
        brk: u32,
        frame: &TrapFrame,
    ) -> Result<(), Errno> {
        let stack = KernelStack::new()?;
        // SAFETY: the stack is fresh, 16-byte aligned and 16 KiB long.
        let esp = unsafe { context::prepare_new_stack(stack.top(), frame) };
        let process = Process {
            pid,
            ppid,
            name,
            state: State::Ready,
            space: Some(space),
            heap_start,
            brk,
            kernel_stack: Some(stack),
            saved_esp: esp,
        };
        self.procs.insert(pid, Box::new(process));
        self.run_queue.push_back(pid);
        Ok(())
    }

    /// fork for the current process.
    pub fn fork_current(&mut self, frame: &TrapFrame) -> Result<Pid, Errno> {
        if self.count() >= MAX_PROCESSES {
            return Err(Errno::EAGAIN);
        }
        let procs = &self.procs;
        let pid = self
            .pids
            .allocate(|p| procs.contains_key(&p))
            .ok_or(Errno::EAGAIN)?;
        let parent = self.current_mut();
        let parent_space = parent.space.as_mut().expect("user process");
        // Refuse while there is still room for the copy-on-write copies the
        // two processes may need, so that running out of memory shows up as
        // fork's ENOMEM rather than as a process killed in a page fault.
        if parent_space.fork_cost() + FORK_MEMORY_RESERVE > crate::mm::frames::free_count() {
            return Err(Errno::ENOMEM);
        }
        let space = parent_space.fork()?;
        let (ppid, name, heap_start, brk) = (
            parent.pid,
            parent.name.clone(),
            parent.heap_start,
            parent.brk,
        );
        let mut child_frame = *frame;
        child_frame.set_return_value(0); // fork returns 0 in the child
        self.insert(pid, ppid, name, space, heap_start, brk, &child_frame)?;
        Ok(pid)
    }

    /// Chooses who runs next; `None` when the caller keeps the CPU.
    pub fn pick_next(&mut self) -> Option<Switch> {
        let current = self.current;
        if current != IDLE_PID && self.current().state == State::Running {
            self.current_mut().state = State::Ready;
            self.run_queue.push_back(current);
        }
        let next = self.run_queue.pop_front().unwrap_or(IDLE_PID);
        self.slice_end = crate::time::now_ns() + TIME_SLICE_NS;
        let next_process = self.procs.get_mut(&next).expect("queued process exists");
        next_process.state = State::Running;
        if next == current {
            return None;
        }
        let load = next_process.saved_esp;
        let directory = match &next_process.space {
            Some(space) => space.directory_phys(),
            None => virt_to_phys(kernel_page_directory() as usize),
        };
        let kernel_stack_top = match &next_process.kernel_stack {
            Some(stack) => stack.top(),
            None => boot_stack_top(),
        };
        self.current = next;
        let save = &mut self
            .procs
            .get_mut(&current)
            .expect("current exists")
            .saved_esp as *mut usize;
        Some(Switch {
            save,
            load,
            directory,
            kernel_stack_top,
        })
    }

    /// True when the running process has used up its time slice.
    pub fn slice_used_up(&self, now: u64) -> bool {
        self.current != IDLE_PID && now >= self.slice_end
    }

    /// Wakes every sleeper whose deadline (ns) has come and puts it at the
    /// *front* of the run queue (in deadline order), so that the preemption
    /// that follows runs it at once instead of after every ready process.
    /// True if any woke.
    pub fn wake_sleepers(&mut self, now: u64) -> bool {
        let mut woken = alloc::vec::Vec::new();
        while let Some(pid) = self.sleepers.pop_expired(now) {
            if let Some(p) = self.procs.get_mut(&pid) {
                if p.state == State::Sleeping {
                    p.state = State::Ready;
                    woken.push(pid);
                }
            }
        }
        for &pid in woken.iter().rev() {
            self.run_queue.push_front(pid);
        }
        !woken.is_empty()
    }

    pub fn sleep_current(&mut self, deadline: u64) {
        let pid = self.current;
        self.current_mut().state = State::Sleeping;
        self.sleepers.insert(deadline, pid);
    }

    /// Turns the current process into a zombie: frees its memory, hands its
    /// children to init, wakes its parent. Halts the machine if it is init.
    pub fn exit_current(&mut self, status: i32) {
        let pid = self.current;
        let kernel_directory = virt_to_phys(kernel_page_directory() as usize);
        // SAFETY: the kernel directory maps the kernel half; we must leave
        // the address space before freeing it.
        unsafe { crate::arch::x86::paging::activate(kernel_directory) };
        let space = self.current_mut().space.take();
        drop(space);
        let mut orphan_zombie = false;
        for p in self.procs.values_mut() {
            if p.ppid == pid && p.pid != IDLE_PID {
                p.ppid = INIT_PID;
                orphan_zombie |= matches!(p.state, State::Zombie(_));
            }
        }
        let me = self.current_mut();
        me.state = State::Zombie(status);
        let parent = me.ppid;
        log::debug!("exit: pid {} ({}) status {:#x}", pid, me.name, status);
        if pid == INIT_PID {
            let others_alive = self
                .procs
                .values()
                .filter(|p| p.pid != IDLE_PID && p.pid != INIT_PID)
                .filter(|p| !matches!(p.state, State::Zombie(_)))
                .count();
            crate::halt_after_init(status, others_alive);
        }
        self.wake(parent, State::Waiting);
        if orphan_zombie {
            self.wake(INIT_PID, State::Waiting);
        }
    }

    /// One attempt of wait: reaps a matching zombie child, `Ok(None)` when
    /// matching children exist but none has ended, ECHILD when none exist.
    pub fn reap_child(&mut self, pid: Pid, status: UserAddr) -> Result<Option<Pid>, Errno> {
        let me = self.current;
        let matches =
            |p: &Process| p.ppid == me && p.pid != IDLE_PID && (pid == -1 || p.pid == pid);
        if !self.procs.values().any(|p| matches(p)) {
            return Err(Errno::ECHILD);
        }
        let zombie = self
            .procs
            .values()
            .filter(|p| matches(p))
            .find_map(|p| match p.state {
                State::Zombie(code) => Some((p.pid, code)),
                _ => None,
            });
        let Some((child, code)) = zombie else {
            return Ok(None);
        };
        if !status.is_null() {
            let space = self.current_mut().space.as_mut().expect("user process");
            user::copy_to_user(space, status, &code.to_le_bytes())?;
        }
        self.procs.remove(&child);
        Ok(Some(child))
    }

    /// brk for the current process.
    pub fn set_break(&mut self, new_break: usize) -> Result<(), Errno> {
        let me = self.current_mut();
        let limit = abi::layout::USER_IMAGE_END as usize;
        if new_break < me.heap_start as usize || new_break > limit {
            return Err(Errno::ENOMEM);
        }
        let new_break = new_break as u32;
        let old_top = page_up(me.brk);
        let new_top = page_up(new_break);
        let space = me.space.as_mut().expect("user process");
        // Fail at once when memory cannot suffice (one frame per page plus
        // one page table per 4 MiB), rather than filling memory with zeroed
        // pages only to free them again with interrupts off all along.
        let new_pages = (new_top.saturating_sub(old_top) / crate::mm::PAGE_SIZE) as usize;
        if new_pages > 0 && new_pages + new_pages / 1024 + 1 > crate::mm::frames::free_count() {
            return Err(Errno::ENOMEM);
        }
        let mut page = old_top;
        while page < new_top {
            if let Err(e) = space.map_zeroed(page, Access::ReadWrite) {
                let mut undo = old_top;
                while undo < page {
                    space.unmap(undo);
                    undo += crate::mm::PAGE_SIZE;
                }
                return Err(e);
            }
            page += crate::mm::PAGE_SIZE;
        }
        let mut page = new_top;
        while page < old_top {
            space.unmap(page);
            page += crate::mm::PAGE_SIZE;
        }
        me.brk = new_break;
        Ok(())
    }
}
