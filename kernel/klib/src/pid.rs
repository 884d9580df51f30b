//! The pid table: which ids are free, which name a process, and which are
//! still in use as a process group's or a session's id.
//!
//! Ids count up and wrap after `max`, skipping every id still in use, so a
//! recently freed pid is not handed out again at once (as on Unix). POSIX
//! forbids reusing an id while it names a live process *or* while a process
//! group or session with that id exists (its leader may have exited while
//! members remain): both count as "in use" here.
//!
//! Everything the kernel asks on a common path costs the same however many
//! processes exist: a lookup is an index; the members of a group are a
//! doubly linked list through their records (`kill(-pgid)`, orphaned-group
//! checks, `waitpid(-pgid)` walk only the group); a session keeps a count;
//! and every record is on one list of all processes, so a walk over them
//! (`/proc`, `kill(-1)`) visits processes, not the 32767 possible ids.

use alloc::alloc::AllocError;
use alloc::boxed::Box;
use alloc::vec::Vec;

/// A process id.
pub type Pid = i32;

/// "No pid" in the links: pid 0 is never handed out (it is the idle task's).
const NONE: u16 = 0;

/// One process's record with its links.
struct Node<T> {
    value: T,
    pgid: u16,
    sid: u16,
    group_prev: u16,
    group_next: u16,
    all_prev: u16,
    all_next: u16,
}

/// What one id is used for.
struct Slot<T> {
    /// The process with this pid.
    node: Option<Box<Node<T>>>,
    /// Handed out by [`PidTable::reserve`], not yet installed.
    reserved: bool,
    /// The first and last members of the process group with this id
    /// (`NONE`: none). Members are kept in the order they joined, so that
    /// a signal to a group reaches its leader before the processes it
    /// started (as the order of pids did before pids wrapped).
    group_head: u16,
    group_tail: u16,
    /// Processes in the session with this id.
    session_members: u16,
}

impl<T> Slot<T> {
    fn in_use(&self) -> bool {
        self.node.is_some() || self.reserved || self.group_head != NONE || self.session_members > 0
    }
}

/// Process records indexed by pid, with groups and sessions.
pub struct PidTable<T> {
    slots: Vec<Slot<T>>,
    /// Where the search for a free id starts.
    next: Pid,
    first: Pid,
    max: Pid,
    /// The first and last of every installed process, in the order they
    /// were installed.
    all_head: u16,
    all_tail: u16,
    /// Ids reserved or installed.
    used: usize,
}

impl<T> PidTable<T> {
    /// A table handing out `first..=max` (`first` >= 1, `max` <= 65535);
    /// allocates one small slot per id.
    pub fn new(first: Pid, max: Pid) -> Self {
        assert!(first >= 1 && first <= max && max <= u16::MAX as Pid);
        let mut slots = Vec::with_capacity(max as usize + 1);
        slots.resize_with(max as usize + 1, || Slot {
            node: None,
            reserved: false,
            group_head: NONE,
            group_tail: NONE,
            session_members: 0,
        });
        PidTable {
            slots,
            next: first,
            first,
            max,
            all_head: NONE,
            all_tail: NONE,
            used: 0,
        }
    }

    fn slot(&self, pid: Pid) -> Option<&Slot<T>> {
        self.slots.get(usize::try_from(pid).ok()?)
    }

    fn node(&self, pid: Pid) -> Option<&Node<T>> {
        self.slot(pid)?.node.as_deref()
    }

    fn node_mut(&mut self, pid: Pid) -> Option<&mut Node<T>> {
        self.slots
            .get_mut(usize::try_from(pid).ok()?)?
            .node
            .as_deref_mut()
    }

    fn node_at(&mut self, pid: u16) -> &mut Node<T> {
        self.slots[pid as usize]
            .node
            .as_deref_mut()
            .expect("linked pid is installed")
    }

    /// True when `pid` may not be handed out: it names a process (or one
    /// being created), a process group or a session.
    pub fn in_use(&self, pid: Pid) -> bool {
        self.slot(pid).is_some_and(Slot::in_use)
    }

    /// Ids reserved or naming a process (zombies included).
    pub fn used(&self) -> usize {
        self.used
    }

    /// A free id for a new process, reserved until [`PidTable::install`] or
    /// [`PidTable::release`]; `None` when every id is in use.
    pub fn reserve(&mut self) -> Option<Pid> {
        let span = (self.max - self.first + 1) as usize;
        for _ in 0..span {
            let candidate = self.next;
            self.next = if self.next >= self.max {
                self.first
            } else {
                self.next + 1
            };
            let slot = &mut self.slots[candidate as usize];
            if !slot.in_use() {
                slot.reserved = true;
                self.used += 1;
                return Some(candidate);
            }
        }
        None
    }

    /// Gives back a reserved id that was not installed.
    pub fn release(&mut self, pid: Pid) {
        let slot = &mut self.slots[pid as usize];
        assert!(slot.reserved && slot.node.is_none(), "release of pid {pid}");
        slot.reserved = false;
        self.used -= 1;
    }

    /// Installs `value` under the reserved `pid`, in group `pgid` and
    /// session `sid` (each either `pid` itself or an id in use). Fails only
    /// when its record cannot be allocated (the id stays reserved).
    pub fn install(&mut self, pid: Pid, value: T, pgid: Pid, sid: Pid) -> Result<(), AllocError> {
        assert!(
            self.slot(pid).is_some_and(|s| s.reserved),
            "install of unreserved pid {pid}"
        );
        let node = Box::try_new(Node {
            value,
            pgid: NONE,
            sid: NONE,
            group_prev: NONE,
            group_next: NONE,
            all_prev: self.all_tail,
            all_next: NONE,
        })?;
        let slot = &mut self.slots[pid as usize];
        slot.reserved = false;
        slot.node = Some(node);
        let me = pid as u16;
        if self.all_tail == NONE {
            self.all_head = me;
        } else {
            self.node_at(self.all_tail).all_next = me;
        }
        self.all_tail = me;
        self.join(me, pgid as u16, sid as u16);
        Ok(())
    }

    /// Removes `pid`'s record and returns its value: the id is free again
    /// unless a group or session still carries it.
    pub fn remove(&mut self, pid: Pid) -> Option<T> {
        self.node(pid)?;
        let me = pid as u16;
        self.leave(me);
        let (prev, next) = {
            let n = self.node_at(me);
            (n.all_prev, n.all_next)
        };
        if prev == NONE {
            self.all_head = next;
        } else {
            self.node_at(prev).all_next = next;
        }
        if next == NONE {
            self.all_tail = prev;
        } else {
            self.node_at(next).all_prev = prev;
        }
        self.used -= 1;
        self.slots[pid as usize].node.take().map(|n| n.value)
    }

    /// Puts `me` in group `pgid` (last) and session `sid`.
    fn join(&mut self, me: u16, pgid: u16, sid: u16) {
        let tail = self.slots[pgid as usize].group_tail;
        {
            let n = self.node_at(me);
            n.pgid = pgid;
            n.sid = sid;
            n.group_prev = tail;
            n.group_next = NONE;
        }
        if tail == NONE {
            self.slots[pgid as usize].group_head = me;
        } else {
            self.node_at(tail).group_next = me;
        }
        self.slots[pgid as usize].group_tail = me;
        self.slots[sid as usize].session_members += 1;
    }

    /// Takes `me` out of its group and session.
    fn leave(&mut self, me: u16) {
        let (pgid, sid, prev, next) = {
            let n = self.node_at(me);
            (n.pgid, n.sid, n.group_prev, n.group_next)
        };
        if prev == NONE {
            self.slots[pgid as usize].group_head = next;
        } else {
            self.node_at(prev).group_next = next;
        }
        if next == NONE {
            self.slots[pgid as usize].group_tail = prev;
        } else {
            self.node_at(next).group_prev = prev;
        }
        self.slots[sid as usize].session_members -= 1;
    }

    /// Moves `pid` to group `pgid` of session `sid`.
    pub fn set_ids(&mut self, pid: Pid, pgid: Pid, sid: Pid) {
        assert!(self.node(pid).is_some(), "set_ids of absent pid {pid}");
        assert!(self.slot(pgid).is_some() && self.slot(sid).is_some());
        self.leave(pid as u16);
        self.join(pid as u16, pgid as u16, sid as u16);
    }

    /// The record of `pid`.
    pub fn get(&self, pid: Pid) -> Option<&T> {
        self.node(pid).map(|n| &n.value)
    }

    /// The record of `pid`, to change.
    pub fn get_mut(&mut self, pid: Pid) -> Option<&mut T> {
        self.node_mut(pid).map(|n| &mut n.value)
    }

    /// `pid`'s process group and session.
    pub fn ids(&self, pid: Pid) -> Option<(Pid, Pid)> {
        self.node(pid).map(|n| (n.pgid as Pid, n.sid as Pid))
    }

    /// True when some process (zombies included) is in group `pgid`.
    pub fn group_exists(&self, pgid: Pid) -> bool {
        self.slot(pgid).is_some_and(|s| s.group_head != NONE)
    }

    /// The session of group `pgid`, if the group exists (a group's members
    /// are all in one session).
    pub fn session_of_group(&self, pgid: Pid) -> Option<Pid> {
        let head = self.slot(pgid)?.group_head;
        (head != NONE).then(|| self.node(head as Pid).map(|n| n.sid as Pid))?
    }

    /// True when some process is in session `sid`.
    pub fn session_exists(&self, sid: Pid) -> bool {
        self.slot(sid).is_some_and(|s| s.session_members > 0)
    }

    /// The first member of group `pgid`, if any.
    pub fn first_in_group(&self, pgid: Pid) -> Option<Pid> {
        let head = self.slot(pgid)?.group_head;
        (head != NONE).then_some(head as Pid)
    }

    /// The member of `pid`'s group after it.
    pub fn next_in_group(&self, pid: Pid) -> Option<Pid> {
        let next = self.node(pid)?.group_next;
        (next != NONE).then_some(next as Pid)
    }

    /// The first installed process, if any.
    pub fn first(&self) -> Option<Pid> {
        (self.all_head != NONE).then_some(self.all_head as Pid)
    }

    /// The installed process after `pid`.
    pub fn next(&self, pid: Pid) -> Option<Pid> {
        let next = self.node(pid)?.all_next;
        (next != NONE).then_some(next as Pid)
    }

    /// Every installed pid with its record, in the order they were installed.
    pub fn iter(&self) -> impl Iterator<Item = (Pid, &T)> + '_ {
        let mut at = self.first();
        core::iter::from_fn(move || {
            let pid = at?;
            at = self.next(pid);
            Some((pid, self.get(pid)?))
        })
    }

    /// The members of group `pgid` with their records, in the order they
    /// joined.
    pub fn group(&self, pgid: Pid) -> impl Iterator<Item = (Pid, &T)> + '_ {
        let mut at = self.first_in_group(pgid);
        core::iter::from_fn(move || {
            let pid = at?;
            at = self.next_in_group(pid);
            Some((pid, self.get(pid)?))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reserves and installs a process in its own group and session, or in
    /// `ids` when given.
    fn spawn(t: &mut PidTable<&'static str>, name: &'static str, ids: Option<(Pid, Pid)>) -> Pid {
        let pid = t.reserve().expect("a free pid");
        let (pgid, sid) = ids.unwrap_or((pid, pid));
        t.install(pid, name, pgid, sid).unwrap();
        pid
    }

    #[test]
    fn counts_up_from_first() {
        let mut t = PidTable::<()>::new(1, 100);
        assert_eq!(t.reserve(), Some(1));
        assert_eq!(t.reserve(), Some(2));
        assert_eq!(t.reserve(), Some(3));
        assert_eq!(t.used(), 3);
    }

    #[test]
    fn wraps_and_skips_ids_in_use() {
        let mut t = PidTable::new(2, 5);
        let pids: Vec<Pid> = (0..4).map(|_| spawn(&mut t, "p", None)).collect();
        assert_eq!(pids, [2, 3, 4, 5]);
        t.remove(4);
        t.remove(5);
        // Wrapped: 2 and 3 are still alive, so 4 comes next.
        assert_eq!(t.reserve(), Some(4));
        assert_eq!(t.reserve(), Some(5));
        assert_eq!(t.reserve(), None, "every id in use");
    }

    #[test]
    fn release_frees_a_reserved_id() {
        let mut t = PidTable::<()>::new(1, 2);
        let a = t.reserve().unwrap();
        let b = t.reserve().unwrap();
        assert_eq!(t.reserve(), None);
        t.release(a);
        assert_eq!(t.used(), 1);
        assert_eq!(t.reserve(), Some(a));
        t.release(b);
    }

    #[test]
    fn a_group_or_session_id_is_not_reused_after_its_leader_goes() {
        let mut t = PidTable::new(1, 6);
        let leader = spawn(&mut t, "leader", None); // 1: group and session 1
        let member = spawn(&mut t, "member", Some((leader, leader))); // 2
        let group_leader = spawn(&mut t, "group", Some((3, leader))); // 3: group 3
        let in_group = spawn(&mut t, "in-group", Some((group_leader, leader))); // 4
                                                                                // Both leaders exit; their members keep the ids busy.
        assert_eq!(t.remove(leader), Some("leader"));
        assert_eq!(t.remove(group_leader), Some("group"));
        assert!(t.in_use(leader) && t.in_use(group_leader));
        assert!(t.session_exists(leader));
        assert_eq!(t.session_of_group(group_leader), Some(leader));
        // Ids 5 and 6 come next, then the wrap skips 1 to 4.
        assert_eq!(t.reserve(), Some(5));
        assert_eq!(t.reserve(), Some(6));
        assert_eq!(t.reserve(), None);
        t.release(5);
        t.release(6);
        // Once the last member leaves, the group's id is free again.
        t.remove(in_group);
        assert!(!t.group_exists(group_leader));
        assert!(t.in_use(leader), "the session still has `member`");
        assert_eq!(t.reserve(), Some(3));
        t.remove(member);
        assert!(!t.in_use(leader));
        assert_eq!(t.reserve(), Some(4));
        assert_eq!(t.reserve(), Some(5));
        assert_eq!(t.reserve(), Some(6));
        assert_eq!(t.reserve(), Some(1));
        assert_eq!(t.reserve(), Some(2));
    }

    #[test]
    fn pids_wrap_many_times_without_hitting_a_live_id() {
        // The kernel's range: a long-lived process and a group leader hold
        // low ids while short-lived processes come and go many times over.
        let mut t = PidTable::new(1, 32767);
        let init = spawn(&mut t, "init", None);
        let leader = spawn(&mut t, "leader", Some((2, init)));
        let member = spawn(&mut t, "member", Some((leader, init)));
        t.remove(leader); // group 2 lives on in `member`
        let session = spawn(&mut t, "session", None);
        let mut seen = 0u32;
        for _ in 0..100_000 {
            let pid = spawn(&mut t, "short", Some((init, init)));
            assert!(![init, leader, member, session].contains(&pid));
            assert_eq!(t.ids(pid), Some((init, init)));
            t.remove(pid);
            seen += 1;
        }
        assert_eq!(seen, 100_000);
        assert_eq!(t.used(), 3);
        assert_eq!(t.first_in_group(leader), Some(member));
    }

    #[test]
    fn groups_and_the_list_of_all_follow_changes() {
        let mut t = PidTable::new(1, 50);
        let a = spawn(&mut t, "a", None);
        let b = spawn(&mut t, "b", Some((a, a)));
        let c = spawn(&mut t, "c", Some((a, a)));
        let group: Vec<Pid> = t.group(a).map(|(p, _)| p).collect();
        assert_eq!(group, [a, b, c], "in the order they joined");
        // c starts a group of its own in the same session.
        t.set_ids(c, c, a);
        let group: Vec<Pid> = t.group(a).map(|(p, _)| p).collect();
        assert_eq!(group.len(), 2);
        assert_eq!(
            t.group(c).map(|(p, v)| (p, *v)).collect::<Vec<_>>(),
            [(c, "c")]
        );
        assert_eq!(t.ids(c), Some((c, a)));
        // b leads a new session.
        t.set_ids(b, b, b);
        assert!(t.session_exists(b));
        let all: Vec<Pid> = t.iter().map(|(p, _)| p).collect();
        assert_eq!(all, [a, b, c], "in the order they were installed");
        t.remove(b);
        assert!(!t.in_use(b));
        let all: Vec<Pid> = t.iter().map(|(p, _)| p).collect();
        assert_eq!(all, [a, c]);
        *t.get_mut(c).unwrap() = "c2";
        assert_eq!(t.get(c), Some(&"c2"));
        assert_eq!(t.get(b), None);
        assert_eq!(t.get(-1), None);
        assert_eq!(t.get(1000), None);
        // Removing the last of a list and of a group keeps both ends right.
        t.remove(c);
        let d = spawn(&mut t, "d", Some((a, a)));
        assert_eq!(t.iter().map(|(p, _)| p).collect::<Vec<_>>(), [a, d]);
        assert_eq!(t.group(a).map(|(p, _)| p).collect::<Vec<_>>(), [a, d]);
    }
}
