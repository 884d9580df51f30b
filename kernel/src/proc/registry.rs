//! The process registry: which pids exist, who is whose parent, and the
//! exit statuses of zombies until their parents collect them.
//!
//! A table indexed by pid (allocated once at boot: lookups and inserts never
//! allocate, so fork cannot fail halfway because a map node could not be
//! allocated). Children hang off their parent in an intrusive doubly linked
//! list of pids, so re-parenting orphans and scanning one's children never
//! allocate either. Each record also holds the process's group and session
//! and the stop or continue its parent has not yet collected with `waitpid`.
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
    /// Its process group and session (ids of their leaders).
    pgid: Pid,
    sid: Pid,
    /// Set by a successful execve: its parent may no longer move it to
    /// another group (EACCES).
    did_exec: bool,
    /// A stop (`stopped_status`) or continue (`CONTINUED_STATUS`) not yet
    /// reported to the parent's `waitpid`.
    change: Option<i32>,
}

/// A process as `/proc` shows it (see [`Registry::proc_view`]).
pub struct ProcView {
    /// The process.
    pub process: Arc<Process>,
    /// Its parent (0 for init).
    pub ppid: Pid,
    /// Its process group.
    pub pgid: Pid,
    /// Its session.
    pub sid: Pid,
    /// Whether it has exited (a zombie).
    pub exited: bool,
}

/// Which children a wait is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitTarget {
    /// Any child.
    Any,
    /// The child with this pid.
    Pid(Pid),
    /// Any child in this process group.
    Group(Pid),
}

/// What a wait found for a child.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChildEvent {
    /// It has exited (a zombie; reap it).
    Exited(i32),
    /// It stopped or continued: the status to report (now reported).
    Changed(i32),
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
        // A child starts in its parent's group and session; init in group
        // and session 1.
        let (pgid, sid) = self.entry(parent).map_or((pid, pid), |p| (p.pgid, p.sid));
        let entry = Box::try_new(Entry {
            process,
            parent,
            first_child: NONE,
            next_sibling: first_sibling,
            prev_sibling: NONE,
            exit_status: None,
            pgid,
            sid,
            did_exec: false,
            change: None,
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

    /// What `/proc` shows of `pid` (zombies included): the process, its
    /// parent, group and session, and whether it has exited.
    pub fn proc_view(&self, pid: Pid) -> Option<ProcView> {
        self.entry(pid).map(|e| ProcView {
            process: e.process.clone(),
            ppid: e.parent,
            pgid: e.pgid,
            sid: e.sid,
            exited: e.exit_status.is_some(),
        })
    }

    /// Calls `f` with every pid in use (live processes and zombies), in
    /// increasing order.
    pub fn for_each_pid(&self, mut f: impl FnMut(Pid)) {
        for (pid, slot) in self.slots.iter().enumerate() {
            if matches!(slot, Slot::Used(_)) {
                f(pid as Pid);
            }
        }
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

    /// The process group of `pid`, ESRCH when there is no such process.
    pub fn group_of(&self, pid: Pid) -> Result<Pid, Errno> {
        self.entry(pid).map(|e| e.pgid).ok_or(Errno::ESRCH)
    }

    /// The session of `pid`, ESRCH when there is no such process.
    pub fn session_of(&self, pid: Pid) -> Result<Pid, Errno> {
        self.entry(pid).map(|e| e.sid).ok_or(Errno::ESRCH)
    }

    /// `setpgid(pid, pgid)` asked by `caller`, with `pid` and `pgid`
    /// already resolved (0 means the caller, and the pid itself). POSIX's
    /// rules: `pid` is the caller or one of its children (ESRCH), a child
    /// that has not exec'd (EACCES) in the caller's session (EPERM); a
    /// session leader cannot move (EPERM); the group joined is `pid`'s own
    /// or an existing one in the same session (EPERM).
    pub fn set_group(&mut self, caller: Pid, pid: Pid, pgid: Pid) -> Result<(), Errno> {
        if pgid < 0 {
            return Err(Errno::EINVAL);
        }
        let caller_sid = self.session_of(caller)?;
        let target = self.entry(pid).ok_or(Errno::ESRCH)?;
        if pid != caller {
            if target.parent != caller || target.exit_status.is_some() {
                return Err(Errno::ESRCH);
            }
            if target.sid != caller_sid {
                return Err(Errno::EPERM);
            }
            if target.did_exec {
                return Err(Errno::EACCES);
            }
        }
        if target.sid == pid {
            return Err(Errno::EPERM); // a session leader
        }
        if pgid != pid
            && !self
                .slots
                .iter()
                .any(|s| matches!(s, Slot::Used(e) if e.pgid == pgid && e.sid == caller_sid))
        {
            return Err(Errno::EPERM);
        }
        self.entry_mut(pid).expect("checked above").pgid = pgid;
        Ok(())
    }

    /// `setsid` for `pid`: it leads a new session and a new group, unless it
    /// already leads a group (EPERM, POSIX).
    pub fn new_session(&mut self, pid: Pid) -> Result<Pid, Errno> {
        let leads_a_group = self
            .slots
            .iter()
            .any(|s| matches!(s, Slot::Used(e) if e.pgid == pid));
        if leads_a_group {
            return Err(Errno::EPERM);
        }
        let entry = self.entry_mut(pid).ok_or(Errno::ESRCH)?;
        entry.pgid = pid;
        entry.sid = pid;
        Ok(pid)
    }

    /// Notes that `pid` ran execve.
    pub fn mark_exec(&mut self, pid: Pid) {
        if let Some(e) = self.entry_mut(pid) {
            e.did_exec = true;
        }
    }

    /// True when group `pgid` is orphaned (POSIX): no member has a parent in
    /// another group of the same session. Init's group is, init having no
    /// parent. (Linux also discounts parents that are init; POSIX, which
    /// the contract follows, does not: a child of init in a group of its
    /// own can still be stopped by SIGTSTP.)
    pub fn is_orphaned_group(&self, pgid: Pid) -> bool {
        !self.slots.iter().any(|s| match s {
            Slot::Used(e) if e.pgid == pgid && e.exit_status.is_none() => self
                .entry(e.parent)
                .is_some_and(|p| p.pgid != pgid && p.sid == e.sid),
            _ => false,
        })
    }

    /// The groups an exit of `pid` may leave orphaned: its own and those of
    /// its children (at most `N` distinct ones; `None` when there are more),
    /// each with whether it is orphaned already.
    pub fn groups_at_stake<const N: usize>(&self, pid: Pid) -> Option<[(Pid, bool); N]> {
        let mut groups = [(NONE, false); N];
        let mut count = 0;
        let own = self.entry(pid).map(|e| e.pgid);
        for pgid in own.into_iter().chain(self.children(pid).map(|c| c.pgid)) {
            if groups[..count].iter().any(|&(g, _)| g == pgid) {
                continue;
            }
            if count == N {
                return None;
            }
            groups[count] = (pgid, self.is_orphaned_group(pgid));
            count += 1;
        }
        Some(groups)
    }

    /// Records that `pid` stopped or continued (`status`), for its parent's
    /// `waitpid` with WUNTRACED or WCONTINUED; returns the parent.
    pub fn note_change(&mut self, pid: Pid, status: i32) -> Option<Arc<Process>> {
        let entry = self.entry_mut(pid)?;
        entry.change = Some(status);
        let parent = entry.parent;
        self.get(parent)
    }

    /// Forgets `pid`'s stop or continue: its parent has collected it.
    pub fn clear_change(&mut self, pid: Pid) {
        if let Some(e) = self.entry_mut(pid) {
            e.change = None;
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
        entry.change = None;
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

    /// One look for a child of `parent` matching `target` that has exited
    /// or, as `options` ask (WUNTRACED, WCONTINUED), stopped or continued:
    /// its pid and what happened, `None` when matching children exist but
    /// none has anything to report, ECHILD when none match. Nothing changes:
    /// the caller reaps the zombie, or clears the stop or continue it has
    /// reported ([`Registry::clear_change`]).
    pub fn find_child_event(
        &self,
        parent: Pid,
        target: WaitTarget,
        options: u32,
    ) -> Result<Option<(Pid, ChildEvent)>, Errno> {
        let mut any = false;
        let mut found = None;
        for child in self.children(parent) {
            let pid = child.process.pid;
            let matches = match target {
                WaitTarget::Any => true,
                WaitTarget::Pid(p) => pid == p,
                WaitTarget::Group(g) => child.pgid == g,
            };
            if !matches {
                continue;
            }
            any = true;
            if let Some(status) = child.exit_status {
                found = Some((pid, ChildEvent::Exited(status)));
                break;
            }
            if let Some(status) = child.change {
                let wanted = if abi::wait::wifcontinued(status) {
                    options & abi::wait::WCONTINUED != 0
                } else {
                    options & abi::wait::WUNTRACED != 0
                };
                if wanted {
                    found = Some((pid, ChildEvent::Changed(status)));
                    break;
                }
            }
        }
        match (found, any) {
            (Some(found), _) => Ok(Some(found)),
            (None, true) => Ok(None),
            (None, false) => Err(Errno::ECHILD),
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
