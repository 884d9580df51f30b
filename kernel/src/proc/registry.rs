//! The process registry: which pids exist, who is whose parent, and the
//! exit statuses of zombies until their parents collect them.
//!
//! A `klib::pid::PidTable` indexed by pid (its slots are allocated once at
//! boot; a process's record is one allocation at fork, and nothing else on
//! the way allocates). It hands out pids that name no live process, group
//! or session, links the members of each group, and keeps a list of every
//! process, so no common path scans the 32767 possible pids. Children hang
//! off their parent in an intrusive doubly linked list of pids, so
//! re-parenting orphans and scanning one's children never allocate either.
//! Each record also holds the stop or continue its parent has not yet
//! collected with `waitpid`.
//!
//! There is no fixed limit on the number of processes below the pid range:
//! fork fails when memory (frames, kernel stacks or the kernel heap) runs
//! out, or with EAGAIN when all 32767 pids are in use.
//!
//! Lunaix links `proc_info`s into parent/children/sibling lists and keeps a
//! fixed table of them; its zombies stay in the table the same way.

use alloc::sync::Arc;

use abi::errno::Errno;
use klib::pid::PidTable;

use super::{Pid, Process, INIT_PID};

/// Largest pid; pids wrap after it.
pub const MAX_PID: Pid = abi::limits::MAX_PID;
/// "No pid" in the links (pid 0 is idle, nobody's child).
const NONE: Pid = 0;

/// One live (or zombie) process's record. Its group and session are in the
/// pid table, which links the members of each group.
///
/// A parent's children are a list, newest first. The parent counts those
/// with something to report (an exit, or a stop or continue not yet
/// collected), so a `waitpid(-1)` with nothing to collect costs the same
/// however many children are alive; one that finds something walks the
/// list to it (a child that has just exited is usually the newest).
/// `waitpid(pid)` is a lookup and `waitpid(-pgid)` walks the group.
struct Entry {
    process: Arc<Process>,
    parent: Pid,
    first_child: Pid,
    /// Children whose [`Entry::has_news`] holds.
    children_with_news: u32,
    next_sibling: Pid,
    prev_sibling: Pid,
    /// The encoded wait status once it has exited.
    exit_status: Option<i32>,
    /// Set by a successful execve: its parent may no longer move it to
    /// another group (EACCES).
    did_exec: bool,
    /// A stop (`stopped_status`) or continue (`CONTINUED_STATUS`) not yet
    /// reported to the parent's `waitpid`.
    change: Option<i32>,
    /// Whether the console is its controlling terminal (the only terminal
    /// there is). Per process, as Linux keeps it: fork passes it on, setsid
    /// drops it, `TIOCSCTTY` and `TIOCNOTTY` set and clear it (tty/).
    has_terminal: bool,
}

impl Entry {
    /// True when its parent's wait has something to collect.
    fn has_news(&self) -> bool {
        self.exit_status.is_some() || self.change.is_some()
    }
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
    /// Whether the console is its controlling terminal.
    pub has_terminal: bool,
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
    table: PidTable<Entry>,
}

impl Registry {
    /// An empty registry (allocates the table).
    pub fn new() -> Registry {
        Registry {
            table: PidTable::new(INIT_PID, MAX_PID),
        }
    }

    fn entry(&self, pid: Pid) -> Option<&Entry> {
        self.table.get(pid)
    }

    fn entry_mut(&mut self, pid: Pid) -> Option<&mut Entry> {
        self.table.get_mut(pid)
    }

    /// A pid for a new process: EAGAIN when every pid is in use (as a
    /// process, a process group or a session).
    pub fn reserve_pid(&mut self) -> Result<Pid, Errno> {
        self.table.reserve().ok_or(Errno::EAGAIN)
    }

    /// Gives back a reserved pid that was not installed.
    pub fn release_pid(&mut self, pid: Pid) {
        self.table.release(pid);
    }

    /// Installs a process under its reserved pid as a child of `parent`
    /// (`NONE` = 0 for init). ENOMEM when its record cannot be allocated.
    pub fn install(&mut self, process: Arc<Process>, parent: Pid) -> Result<(), Errno> {
        let pid = process.pid;
        // A child starts in its parent's group and session, with its
        // controlling terminal; init in group and session 1, whose
        // controlling terminal the console is from boot (tty/).
        let (pgid, sid) = self.table.ids(parent).unwrap_or((pid, pid));
        let has_terminal = self.entry(parent).is_none_or(|p| p.has_terminal);
        let entry = Entry {
            process,
            parent: NONE,
            first_child: NONE,
            children_with_news: 0,
            next_sibling: NONE,
            prev_sibling: NONE,
            exit_status: None,
            did_exec: false,
            change: None,
            has_terminal,
        };
        self.table
            .install(pid, entry, pgid, sid)
            .map_err(|_| Errno::ENOMEM)?;
        if parent != NONE {
            self.link_at_front(pid, parent);
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
        let (pgid, sid) = self.table.ids(pid)?;
        self.entry(pid).map(|e| ProcView {
            process: e.process.clone(),
            ppid: e.parent,
            pgid,
            sid,
            exited: e.exit_status.is_some(),
            has_terminal: e.has_terminal,
        })
    }

    /// Calls `f` with every pid in use (live processes and zombies), in the
    /// order they were created; O(processes).
    pub fn for_each_pid(&self, mut f: impl FnMut(Pid)) {
        for (pid, _) in self.table.iter() {
            f(pid);
        }
    }

    /// Calls `f` for every process (zombies included) with the registry at
    /// hand, so that `f` may post signals (which must not add or remove
    /// processes).
    pub fn for_each_process(&mut self, mut f: impl FnMut(&mut Registry, &Arc<Process>)) {
        let mut at = self.table.first();
        while let Some(pid) = at {
            at = self.table.next(pid);
            if let Some(process) = self.get(pid) {
                f(self, &process);
            }
        }
    }

    /// Calls `f` for every member of group `pgid` (zombies included), in
    /// the order they joined, as [`Registry::for_each_process`] does;
    /// O(members). False when the group has no member.
    pub fn for_each_in_group(
        &mut self,
        pgid: Pid,
        mut f: impl FnMut(&mut Registry, &Arc<Process>),
    ) -> bool {
        let mut at = self.table.first_in_group(pgid);
        let found = at.is_some();
        while let Some(pid) = at {
            at = self.table.next_in_group(pid);
            if let Some(process) = self.get(pid) {
                f(self, &process);
            }
        }
        found
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
        if self.entry(pid).is_some_and(Entry::has_news) {
            if let Some(p) = self.entry_mut(parent) {
                p.children_with_news -= 1;
            }
        }
        let e = self.entry_mut(pid).expect("linked process");
        e.parent = NONE;
        e.prev_sibling = NONE;
        e.next_sibling = NONE;
    }

    /// Links `pid` (unlinked) first among `parent`'s children.
    fn link_at_front(&mut self, pid: Pid, parent: Pid) {
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
        let news = self.entry(pid).is_some_and(Entry::has_news);
        if let Some(p) = self.entry_mut(parent) {
            p.first_child = pid;
            p.children_with_news += u32::from(news);
        }
    }

    /// Changes `pid`'s record with `f`, keeping its parent's count of
    /// children with news right.
    fn update(&mut self, pid: Pid, f: impl FnOnce(&mut Entry)) {
        let Some(entry) = self.entry_mut(pid) else {
            return;
        };
        let before = entry.has_news();
        f(entry);
        let (after, parent) = (entry.has_news(), entry.parent);
        if let Some(p) = self.entry_mut(parent) {
            p.children_with_news = p.children_with_news + u32::from(after) - u32::from(before);
        }
    }

    /// The process group of `pid`, ESRCH when there is no such process.
    pub fn group_of(&self, pid: Pid) -> Result<Pid, Errno> {
        self.table.ids(pid).map(|(g, _)| g).ok_or(Errno::ESRCH)
    }

    /// The session of `pid`, ESRCH when there is no such process.
    pub fn session_of(&self, pid: Pid) -> Result<Pid, Errno> {
        self.table.ids(pid).map(|(_, s)| s).ok_or(Errno::ESRCH)
    }

    /// The session of group `pgid`, ESRCH when no process is in it.
    pub fn session_of_group(&self, pgid: Pid) -> Result<Pid, Errno> {
        self.table.session_of_group(pgid).ok_or(Errno::ESRCH)
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
        let target_sid = self.session_of(pid)?;
        if pid != caller {
            // A child that has exited but not been reaped is still a child
            // (POSIX; Linux lets it move too): a parent racing its child's exit
            // must not see ESRCH.
            if target.parent != caller {
                return Err(Errno::ESRCH);
            }
            if target_sid != caller_sid {
                return Err(Errno::EPERM);
            }
            if target.did_exec {
                return Err(Errno::EACCES);
            }
        }
        if target_sid == pid {
            return Err(Errno::EPERM); // a session leader
        }
        if pgid != pid && self.table.session_of_group(pgid) != Some(caller_sid) {
            return Err(Errno::EPERM);
        }
        self.table.set_ids(pid, pgid, target_sid);
        Ok(())
    }

    /// `setsid` for `pid`: it leads a new session and a new group, unless it
    /// already leads a group (EPERM, POSIX).
    pub fn new_session(&mut self, pid: Pid) -> Result<Pid, Errno> {
        if self.table.group_exists(pid) {
            return Err(Errno::EPERM);
        }
        let entry = self.entry_mut(pid).ok_or(Errno::ESRCH)?;
        // A new session starts without a controlling terminal.
        entry.has_terminal = false;
        self.table.set_ids(pid, pid, pid);
        Ok(pid)
    }

    /// Whether the console is `pid`'s controlling terminal.
    pub fn has_terminal(&self, pid: Pid) -> bool {
        self.entry(pid).is_some_and(|e| e.has_terminal)
    }

    /// Gives `pid` the console as its controlling terminal, or takes it
    /// away.
    pub fn set_terminal(&mut self, pid: Pid, has: bool) {
        if let Some(e) = self.entry_mut(pid) {
            e.has_terminal = has;
        }
    }

    /// Takes the controlling terminal away from every process of session
    /// `sid` (the terminal left the session); O(processes), rare.
    pub fn drop_terminal_of_session(&mut self, sid: Pid) {
        let mut at = self.table.first();
        while let Some(pid) = at {
            at = self.table.next(pid);
            if self.table.ids(pid).is_some_and(|(_, s)| s == sid) {
                self.set_terminal(pid, false);
            }
        }
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
    /// own can still be stopped by SIGTSTP.) O(members).
    pub fn is_orphaned_group(&self, pgid: Pid) -> bool {
        !self.table.group(pgid).any(|(pid, e)| {
            e.exit_status.is_none()
                && self
                    .table
                    .ids(e.parent)
                    .is_some_and(|(parent_pgid, parent_sid)| {
                        parent_pgid != pgid && Some(parent_sid) == self.session_of(pid).ok()
                    })
        })
    }

    /// The groups an exit of `pid` may leave orphaned: its own and those of
    /// its children (at most `N` distinct ones; `None` when there are more),
    /// each with whether it is orphaned already.
    pub fn groups_at_stake<const N: usize>(&self, pid: Pid) -> Option<[(Pid, bool); N]> {
        let mut groups = [(NONE, false); N];
        let mut count = 0;
        let own = self.group_of(pid).ok();
        let children = self
            .children(pid)
            .filter_map(|c| self.group_of(c.process.pid).ok());
        for pgid in own.into_iter().chain(children) {
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
        self.entry(pid)?;
        self.update(pid, |e| e.change = Some(status));
        self.get(self.parent_of(pid))
    }

    /// Forgets `pid`'s stop or continue: its parent has collected it.
    pub fn clear_change(&mut self, pid: Pid) {
        self.update(pid, |e| e.change = None);
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
            self.link_at_front(child, INIT_PID);
            inherited_zombie |= self.entry(child).is_some_and(|c| c.exit_status.is_some());
        }
        self.update(pid, |e| {
            e.exit_status = Some(status);
            e.change = None;
        });
        let parent = self
            .entry(pid)
            .expect("exiting process is registered")
            .parent;
        let others_alive = if pid == INIT_PID {
            self.table
                .iter()
                .filter(|(_, e)| e.exit_status.is_none())
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
    /// reported ([`Registry::clear_change`]). A named child is looked up
    /// directly and a group's members are walked, not every child.
    pub fn find_child_event(
        &self,
        parent: Pid,
        target: WaitTarget,
        options: u32,
    ) -> Result<Option<(Pid, ChildEvent)>, Errno> {
        let event = |child: &Entry| -> Option<ChildEvent> {
            if let Some(status) = child.exit_status {
                return Some(ChildEvent::Exited(status));
            }
            let status = child.change?;
            let wanted = if abi::wait::wifcontinued(status) {
                options & abi::wait::WCONTINUED != 0
            } else {
                options & abi::wait::WUNTRACED != 0
            };
            wanted.then_some(ChildEvent::Changed(status))
        };
        match target {
            WaitTarget::Any => {
                let Some(p) = self.entry(parent).filter(|p| p.first_child != NONE) else {
                    return Err(Errno::ECHILD);
                };
                if p.children_with_news == 0 {
                    return Ok(None);
                }
                Ok(self
                    .children(parent)
                    .find_map(|c| event(c).map(|e| (c.process.pid, e))))
            }
            WaitTarget::Pid(pid) => match self.entry(pid) {
                Some(child) if child.parent == parent && parent != NONE => {
                    Ok(event(child).map(|e| (pid, e)))
                }
                _ => Err(Errno::ECHILD),
            },
            WaitTarget::Group(pgid) => {
                let mut any = false;
                for (pid, child) in self.table.group(pgid) {
                    if child.parent != parent || parent == NONE {
                        continue;
                    }
                    any = true;
                    if let Some(e) = event(child) {
                        return Ok(Some((pid, e)));
                    }
                }
                if any {
                    Ok(None)
                } else {
                    Err(Errno::ECHILD)
                }
            }
        }
    }

    /// Removes an exited process (its parent collected it). The record is
    /// returned so that the caller drops it after releasing the lock.
    pub fn reap(&mut self, pid: Pid) -> Option<Arc<Process>> {
        // Only an exited process can be reaped.
        self.entry(pid)?.exit_status?;
        self.unlink(pid);
        self.table.remove(pid).map(|e| e.process)
    }
}
