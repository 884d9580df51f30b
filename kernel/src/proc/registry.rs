//! The process registry: which pids exist, who is whose parent, and the
//! exit statuses of zombies until their parents collect them.
//!
//! A table indexed by pid (allocated once at boot: lookups and inserts never
//! allocate, so fork cannot fail halfway because a map node could not be
//! allocated). Children hang off their parent in an intrusive doubly linked
//! list of pids, so re-parenting orphans and scanning one's children never
//! allocate either. Process groups and sessions will join these records.
//!
//! Lunaix links `proc_info`s into parent/children/sibling lists and keeps a
//! fixed table of them; its zombies stay in the table the same way.

use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;

use abi::errno::Errno;
use abi::limits::MAX_PROCESSES;
use klib::pid::PidAllocator;

use super::{Pid, Process, INIT_PID};

/// Largest pid; pids wrap after it.
pub const MAX_PID: Pid = 32767;
/// "No pid" in the links (pid 0 is idle, nobody's child).
const NONE: Pid = 0;

/// One live (or zombie) process's record.
struct Entry {
    process: Arc<Process>,
    parent: Pid,
    first_child: Pid,
    next_sibling: Pid,
    prev_sibling: Pid,
    /// The encoded wait status once it has exited.
    exit_status: Option<i32>,
}

enum Slot {
    Free,
    /// Handed out by [`Registry::reserve_pid`], not yet installed.
    Reserved,
    Used(Box<Entry>),
}

/// What [`Registry::exit`] found.
pub struct ExitOutcome {
    /// The parent to wake (it may be waiting for this child).
    pub parent: Option<Arc<Process>>,
    /// Init, when it inherited a child that had already exited (it must
    /// wake to reap it).
    pub init_inherited_zombie: Option<Arc<Process>>,
    /// For init's own exit: how many other processes are still alive.
    pub others_alive: usize,
}

/// The registry.
pub struct Registry {
    slots: Vec<Slot>,
    pids: PidAllocator,
    /// Pids in use (reserved or installed).
    used: usize,
}

impl Registry {
    /// An empty registry (allocates the table).
    pub fn new() -> Registry {
        let mut slots = Vec::with_capacity(MAX_PID as usize + 1);
        slots.resize_with(MAX_PID as usize + 1, || Slot::Free);
        Registry {
            slots,
            pids: PidAllocator::new(INIT_PID, MAX_PID),
            used: 0,
        }
    }

    fn entry(&self, pid: Pid) -> Option<&Entry> {
        match self.slots.get(usize::try_from(pid).ok()?)? {
            Slot::Used(entry) => Some(entry),
            _ => None,
        }
    }

    fn entry_mut(&mut self, pid: Pid) -> Option<&mut Entry> {
        match self.slots.get_mut(usize::try_from(pid).ok()?)? {
            Slot::Used(entry) => Some(entry),
            _ => None,
        }
    }

    /// A pid for a new process: EAGAIN at the process limit.
    pub fn reserve_pid(&mut self) -> Result<Pid, Errno> {
        if self.used >= MAX_PROCESSES {
            return Err(Errno::EAGAIN);
        }
        let slots = &self.slots;
        let pid = self
            .pids
            .allocate(|p| !matches!(slots[p as usize], Slot::Free))
            .ok_or(Errno::EAGAIN)?;
        self.slots[pid as usize] = Slot::Reserved;
        self.used += 1;
        Ok(pid)
    }

    /// Gives back a reserved pid that was not installed.
    pub fn release_pid(&mut self, pid: Pid) {
        assert!(matches!(self.slots[pid as usize], Slot::Reserved));
        self.slots[pid as usize] = Slot::Free;
        self.used -= 1;
    }

    /// Installs a process under its reserved pid as a child of `parent`
    /// (`NONE` = 0 for init). ENOMEM when its record cannot be allocated.
    pub fn install(&mut self, process: Arc<Process>, parent: Pid) -> Result<(), Errno> {
        let pid = process.pid;
        assert!(matches!(self.slots[pid as usize], Slot::Reserved));
        let first_sibling = self.entry(parent).map_or(NONE, |p| p.first_child);
        let entry = Box::try_new(Entry {
            process,
            parent,
            first_child: NONE,
            next_sibling: first_sibling,
            prev_sibling: NONE,
            exit_status: None,
        })
        .map_err(|_| Errno::ENOMEM)?;
        self.slots[pid as usize] = Slot::Used(entry);
        if let Some(sibling) = self.entry_mut(first_sibling) {
            sibling.prev_sibling = pid;
        }
        if let Some(p) = self.entry_mut(parent) {
            p.first_child = pid;
        }
        Ok(())
    }

    /// The process with this pid (zombies included).
    pub fn get(&self, pid: Pid) -> Option<Arc<Process>> {
        self.entry(pid).map(|e| e.process.clone())
    }

    /// The parent's pid (0 for init).
    pub fn parent_of(&self, pid: Pid) -> Pid {
        self.entry(pid).map_or(NONE, |e| e.parent)
    }

    fn children(&self, pid: Pid) -> impl Iterator<Item = &Entry> + '_ {
        let mut next = self.entry(pid).map_or(NONE, |e| e.first_child);
        core::iter::from_fn(move || {
            let entry = self.entry(next)?;
            next = entry.next_sibling;
            Some(entry)
        })
    }

    fn unlink(&mut self, pid: Pid) {
        let (parent, prev, next) = {
            let e = self.entry(pid).expect("linked process");
            (e.parent, e.prev_sibling, e.next_sibling)
        };
        match self.entry_mut(prev) {
            Some(p) => p.next_sibling = next,
            None => {
                if let Some(p) = self.entry_mut(parent) {
                    p.first_child = next;
                }
            }
        }
        if let Some(n) = self.entry_mut(next) {
            n.prev_sibling = prev;
        }
        let e = self.entry_mut(pid).expect("linked process");
        e.parent = NONE;
        e.prev_sibling = NONE;
        e.next_sibling = NONE;
    }

    fn link_under(&mut self, pid: Pid, parent: Pid) {
        let first = self.entry(parent).map_or(NONE, |p| p.first_child);
        {
            let e = self.entry_mut(pid).expect("process to link");
            e.parent = parent;
            e.prev_sibling = NONE;
            e.next_sibling = first;
        }
        if let Some(f) = self.entry_mut(first) {
            f.prev_sibling = pid;
        }
        if let Some(p) = self.entry_mut(parent) {
            p.first_child = pid;
        }
    }

    /// Records `pid`'s exit: it becomes a zombie holding `status`, and its
    /// children become init's.
    pub fn exit(&mut self, pid: Pid, status: i32) -> ExitOutcome {
        let mut inherited_zombie = false;
        // Init's own children stay where they are: the machine powers off.
        while let Some(child) = self
            .entry(pid)
            .map(|e| e.first_child)
            .filter(|&c| c != NONE && pid != INIT_PID)
        {
            self.unlink(child);
            self.link_under(child, INIT_PID);
            inherited_zombie |= self.entry(child).is_some_and(|c| c.exit_status.is_some());
        }
        let entry = self.entry_mut(pid).expect("exiting process is registered");
        entry.exit_status = Some(status);
        let parent = entry.parent;
        let others_alive = if pid == INIT_PID {
            self.slots
                .iter()
                .filter(|s| matches!(s, Slot::Used(e) if e.exit_status.is_none()))
                .count()
        } else {
            0
        };
        ExitOutcome {
            parent: self.get(parent),
            init_inherited_zombie: if inherited_zombie && pid != INIT_PID {
                self.get(INIT_PID)
            } else {
                None
            },
            others_alive,
        }
    }

    /// One look for a child of `parent` that has exited (`target` -1 for
    /// any, else that pid): its pid and status, `None` when matching children
    /// exist but none has exited, ECHILD when none match.
    pub fn find_zombie_child(&self, parent: Pid, target: Pid) -> Result<Option<(Pid, i32)>, Errno> {
        let mut any = false;
        for child in self.children(parent) {
            if target != -1 && child.process.pid != target {
                continue;
            }
            any = true;
            if let Some(status) = child.exit_status {
                return Ok(Some((child.process.pid, status)));
            }
        }
        if any {
            Ok(None)
        } else {
            Err(Errno::ECHILD)
        }
    }

    /// Removes an exited process (its parent collected it). The record is
    /// returned so that the caller drops it after releasing the lock.
    pub fn reap(&mut self, pid: Pid) -> Option<Arc<Process>> {
        // Only an exited process can be reaped.
        self.entry(pid)?.exit_status?;
        self.unlink(pid);
        let Slot::Used(entry) = core::mem::replace(&mut self.slots[pid as usize], Slot::Free)
        else {
            unreachable!("checked above");
        };
        self.used -= 1;
        Some(entry.process)
    }
}
