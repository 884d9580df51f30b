//! A process's descriptor table: small integers naming shared open file
//! descriptions, with the POSIX rules for which number comes next.
//!
//! The table stores a handle `T` per descriptor (the kernel's
//! `Arc<OpenFile>`); it never looks inside it. What belongs to the descriptor
//! lives here: the number and the close-on-exec flag (`FD_CLOEXEC`). What
//! belongs to the open file description (the offset and the status flags
//! `O_APPEND`, `O_NONBLOCK` and the access mode) lives in `T`, so `dup`,
//! `dup2`, `F_DUPFD` and fork share it by cloning the handle.
//!
//! The rules, as POSIX and Linux give them:
//! - a new descriptor is the lowest free number (at or above a minimum for
//!   `F_DUPFD`); none free below [`MAX_FDS`] is `EMFILE`;
//! - a number that is negative, out of range or closed is `EBADF`;
//! - `dup2(fd, fd)` returns `fd` when it is open, `EBADF` otherwise;
//!   `dup2` onto an open descriptor replaces it in one step (no moment in
//!   which the number is free for someone else) and the old handle comes
//!   back to the caller;
//! - `dup`, `dup2` and `F_DUPFD` clear close-on-exec on the new descriptor;
//!   fork copies it; execve closes exactly the descriptors that have it.
//!
//! Handles leave the table by value ([`FdTable::close`], [`FdTable::dup2`],
//! [`FdTable::close_on_exec`]) so the caller drops them after letting go of
//! the table: dropping the last handle of a pipe end wakes the other side,
//! which should not happen while the table is borrowed.
//!
//! Memory: the slots grow lazily with fallible allocation (`try_reserve`), so
//! a process with three descriptors pays for a few slots, not for
//! [`MAX_FDS`]; running out of memory is `ENOMEM`, never a panic. Slots are
//! not given back when descriptors close (a table only grows to the highest
//! number the process used); [`FdTable::fork_copy`] sizes the child's table to
//! the highest open descriptor.
//!
//! Lunaix's counterpart is `struct v_fdtable` (`includes/lunaix/fs.h`): a
//! fixed array of `VFS_MAX_FD` (32) pointers to `struct v_fd`, each holding
//! a `struct v_file` (the open file description, reference-counted, with the
//! position) and open flags; `vfs_alloc_fdslot` scans for the lowest free
//! slot and `fdtable_copy` duplicates every slot on fork. Lunaix has no
//! close-on-exec and no `fcntl`, and its `dup2(fd, fd)` does not check `fd`;
//! here those follow POSIX, and the limit is larger.

use abi::errno::Errno;
use alloc::vec::Vec;

/// Most descriptors a process can have open (numbers `0..MAX_FDS`).
///
/// The contract asks for at least 64. 256 is the default soft limit
/// (`ulimit -n`) of macOS and of Solaris: room for a shell with pipelines
/// and redirections and for test programs that open many files, while a
/// scan for the lowest free number stays short. Slots are allocated
/// lazily, so the limit costs nothing until it is used; a full table is
/// 2 KiB on i686 (8 bytes a slot with an `Arc` handle).
pub const MAX_FDS: usize = 256;

pub use abi::fs::{FD_CLOEXEC, O_APPEND, O_NONBLOCK};

/// The status flags `F_SETFL` may change; the access mode and every other
/// bit stay as they were (the contract asks for these two; Linux also lets
/// `O_ASYNC`, `O_DIRECT` and `O_NOATIME` change, which this kernel lacks).
pub const SETFL_MASK: u32 = O_APPEND | O_NONBLOCK;

/// The status flags of an open file description after `F_SETFL` with
/// `requested`: the bits of [`SETFL_MASK`] are taken from `requested`, all
/// others kept from `current`.
pub const fn status_flags_after_setfl(current: u32, requested: u32) -> u32 {
    (current & !SETFL_MASK) | (requested & SETFL_MASK)
}

/// The smallest number of slots a table allocates at once, so the first
/// few opens do not each reallocate.
const MIN_SLOTS: usize = 8;

/// One open descriptor.
#[derive(Clone)]
struct Slot<T> {
    file: T,
    cloexec: bool,
}

/// The descriptors of one process.
pub struct FdTable<T> {
    /// Indexed by descriptor number; `None` is a closed descriptor. Never
    /// longer than [`MAX_FDS`].
    slots: Vec<Option<Slot<T>>>,
    /// How many slots are `Some`.
    open: usize,
}

impl<T> Default for FdTable<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// The slot index of `fd`, if it is a number the table could hold.
fn index(fd: i32) -> Option<usize> {
    usize::try_from(fd).ok().filter(|&i| i < MAX_FDS)
}

impl<T> FdTable<T> {
    /// An empty table (allocates nothing).
    pub const fn new() -> Self {
        FdTable {
            slots: Vec::new(),
            open: 0,
        }
    }

    /// How many descriptors are open.
    pub fn len(&self) -> usize {
        self.open
    }

    /// True when no descriptor is open.
    pub fn is_empty(&self) -> bool {
        self.open == 0
    }

    fn slot(&self, fd: i32) -> Result<&Slot<T>, Errno> {
        index(fd)
            .and_then(|i| self.slots.get(i))
            .and_then(Option::as_ref)
            .ok_or(Errno::EBADF)
    }

    fn slot_mut(&mut self, fd: i32) -> Result<&mut Slot<T>, Errno> {
        index(fd)
            .and_then(|i| self.slots.get_mut(i))
            .and_then(Option::as_mut)
            .ok_or(Errno::EBADF)
    }

    /// The handle behind `fd`; `EBADF` when it is not open.
    pub fn get(&self, fd: i32) -> Result<&T, Errno> {
        self.slot(fd).map(|slot| &slot.file)
    }

    /// Whether `fd` has close-on-exec (`F_GETFD`); `EBADF` when not open.
    pub fn cloexec(&self, fd: i32) -> Result<bool, Errno> {
        self.slot(fd).map(|slot| slot.cloexec)
    }

    /// Sets or clears close-on-exec on `fd` (`F_SETFD`); `EBADF` when not
    /// open. Other descriptors sharing the description are not affected.
    pub fn set_cloexec(&mut self, fd: i32, cloexec: bool) -> Result<(), Errno> {
        self.slot_mut(fd).map(|slot| slot.cloexec = cloexec)
    }

    /// Closes `fd` and hands back its handle for the caller to drop;
    /// `EBADF` when it is not open.
    pub fn close(&mut self, fd: i32) -> Result<T, Errno> {
        let slot = index(fd)
            .and_then(|i| self.slots.get_mut(i))
            .and_then(Option::take)
            .ok_or(Errno::EBADF)?;
        self.open -= 1;
        Ok(slot.file)
    }

    /// The lowest closed number at or above `min` (which is in range), with
    /// room for it in `slots`; `EMFILE` when all are open, `ENOMEM` when
    /// the slots cannot grow to hold it.
    fn lowest_free(&mut self, min: usize) -> Result<usize, Errno> {
        let found = self
            .slots
            .iter()
            .enumerate()
            .skip(min)
            .find(|(_, slot)| slot.is_none())
            .map(|(i, _)| i);
        match found {
            Some(i) => Ok(i),
            None => {
                let fd = self.slots.len().max(min);
                if fd >= MAX_FDS {
                    return Err(Errno::EMFILE);
                }
                self.grow_to_hold(fd)?;
                Ok(fd)
            }
        }
    }

    /// Makes `slots` long enough to hold index `fd` (< [`MAX_FDS`]); at
    /// least doubles, so a run of opens reallocates rarely.
    fn grow_to_hold(&mut self, fd: usize) -> Result<(), Errno> {
        let len = self.slots.len();
        if fd < len {
            return Ok(());
        }
        let target = (fd + 1).max(len * 2).clamp(MIN_SLOTS, MAX_FDS);
        self.slots
            .try_reserve_exact(target - len)
            .map_err(|_| Errno::ENOMEM)?;
        // Within the reserved capacity: no allocation here.
        self.slots.resize_with(target, || None);
        Ok(())
    }

    /// Puts `file` in the free slot `i` (which `lowest_free` or
    /// `grow_to_hold` made room for).
    fn install(&mut self, i: usize, file: T, cloexec: bool) -> i32 {
        debug_assert!(self.slots[i].is_none());
        self.slots[i] = Some(Slot { file, cloexec });
        self.open += 1;
        i as i32
    }

    /// Installs `file` at the lowest free descriptor at or above `min_fd`
    /// and returns the number (open, pipe, `F_DUPFD`).
    ///
    /// `EINVAL` when `min_fd` is negative or not below [`MAX_FDS`] (as
    /// `F_DUPFD` reports it), `EMFILE` when no descriptor is free, `ENOMEM`
    /// when the table cannot grow. On failure `file` is dropped here: it is
    /// either fresh (nobody waits on it) or a clone of a handle still held.
    pub fn insert_lowest(&mut self, file: T, cloexec: bool, min_fd: i32) -> Result<i32, Errno> {
        let min = index(min_fd).ok_or(Errno::EINVAL)?;
        let i = self.lowest_free(min)?;
        Ok(self.install(i, file, cloexec))
    }

    /// Installs both ends of a new pipe at the two lowest free descriptors
    /// (`pipe2`): both or neither, so a failure leaves no descriptor open.
    /// `EMFILE` when fewer than two are free, `ENOMEM` when the table
    /// cannot grow.
    pub fn insert_pair(&mut self, first: T, second: T, cloexec: bool) -> Result<(i32, i32), Errno> {
        let a = self.lowest_free(0)?;
        // Find the second slot before filling the first, so nothing needs
        // undoing; `a` is free, so the search starts after it.
        let b = self.lowest_free(a + 1)?;
        Ok((
            self.install(a, first, cloexec),
            self.install(b, second, cloexec),
        ))
    }

    /// The open descriptors in increasing order with their handles (for
    /// `/proc/<pid>/fd`).
    pub fn iter(&self) -> impl Iterator<Item = (i32, &T)> + '_ {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, slot)| slot.as_ref().map(|slot| (i as i32, &slot.file)))
    }

    /// Removes the lowest close-on-exec descriptor at or above `from` and
    /// returns its number and handle. The kernel can loop on this, taking
    /// and releasing the table's lock around each call, to drop the handles
    /// with no lock held.
    pub fn take_cloexec(&mut self, from: i32) -> Option<(i32, T)> {
        let from = usize::try_from(from).unwrap_or(0);
        let i = self
            .slots
            .iter()
            .enumerate()
            .skip(from)
            .find(|(_, slot)| slot.as_ref().is_some_and(|slot| slot.cloexec))
            .map(|(i, _)| i)?;
        let fd = i as i32;
        self.close(fd).ok().map(|file| (fd, file))
    }

    /// execve: closes every close-on-exec descriptor. The handles come out
    /// of the returned iterator, lowest descriptor first, for the caller to
    /// drop; dropping the iterator early still closes the rest. Allocates
    /// nothing.
    pub fn close_on_exec(&mut self) -> CloseOnExec<'_, T> {
        CloseOnExec {
            table: self,
            next: 0,
        }
    }
}

impl<T: Clone> FdTable<T> {
    /// `dup`: a new descriptor, the lowest free, sharing `fd`'s open file
    /// description, without close-on-exec. `EBADF`, `EMFILE`, `ENOMEM`.
    pub fn dup(&mut self, fd: i32) -> Result<i32, Errno> {
        self.fcntl_dupfd(fd, 0, false)
    }

    /// `fcntl(fd, F_DUPFD, min_fd)` (`cloexec` false) and
    /// `F_DUPFD_CLOEXEC` (true): the lowest free descriptor at or above
    /// `min_fd`, sharing `fd`'s description. `EBADF` when `fd` is not open
    /// (checked first, as Linux does), `EINVAL` when `min_fd` is negative or
    /// not below [`MAX_FDS`], `EMFILE` when nothing at or above it is free,
    /// `ENOMEM` when the table cannot grow.
    pub fn fcntl_dupfd(&mut self, fd: i32, min_fd: i32, cloexec: bool) -> Result<i32, Errno> {
        let file = self.get(fd)?.clone();
        self.insert_lowest(file, cloexec, min_fd)
    }

    /// `dup2(old, new)`: makes `new` share `old`'s description, without
    /// close-on-exec, and returns `new` with the handle it replaced (for the
    /// caller to drop, which closes it). `EBADF` when `old` is not open or
    /// `new` is out of range; `ENOMEM` when the table cannot grow to `new`
    /// (then nothing changed). `dup2(fd, fd)` changes nothing, not even
    /// close-on-exec.
    pub fn dup2(&mut self, old: i32, new: i32) -> Result<(i32, Option<T>), Errno> {
        let file = self.get(old)?.clone();
        let i = index(new).ok_or(Errno::EBADF)?;
        if old == new {
            return Ok((new, None));
        }
        self.grow_to_hold(i)?;
        let replaced = self.slots[i].replace(Slot {
            file,
            cloexec: false,
        });
        if replaced.is_none() {
            self.open += 1;
        }
        Ok((new, replaced.map(|slot| slot.file)))
    }

    /// fork: the child's table, the same numbers and close-on-exec flags,
    /// each handle cloned (so parent and child share offsets and status
    /// flags). `ENOMEM` when the copy cannot be allocated (nothing leaks).
    pub fn fork_copy(&self) -> Result<Self, Errno> {
        let used = self
            .slots
            .iter()
            .rposition(Option::is_some)
            .map_or(0, |i| i + 1);
        let mut slots = Vec::new();
        slots.try_reserve_exact(used).map_err(|_| Errno::ENOMEM)?;
        slots.extend(self.slots[..used].iter().cloned());
        Ok(FdTable {
            slots,
            open: self.open,
        })
    }
}

/// The handles execve closes, lowest descriptor first; see
/// [`FdTable::close_on_exec`].
pub struct CloseOnExec<'a, T> {
    table: &'a mut FdTable<T>,
    next: i32,
}

impl<T> Iterator for CloseOnExec<'_, T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        let (fd, file) = self.table.take_cloexec(self.next)?;
        self.next = fd + 1;
        Some(file)
    }
}

impl<T> Drop for CloseOnExec<'_, T> {
    fn drop(&mut self) {
        for file in self.by_ref() {
            drop(file);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::rc::Rc;

    /// A stand-in for `Arc<OpenFile>`: the strong count of the `Rc` says
    /// how many descriptors (plus the test's own probe) hold the file, so a
    /// close shows up as a drop.
    type File = Rc<&'static str>;

    fn file(name: &'static str) -> File {
        Rc::new(name)
    }

    /// A table with `n` descriptors 0..n open on distinct files.
    fn table_with(n: usize) -> (FdTable<File>, Vec<File>) {
        let mut t = FdTable::new();
        let files: Vec<File> = (0..n).map(|_| file("f")).collect();
        for (i, f) in files.iter().enumerate() {
            assert_eq!(t.insert_lowest(f.clone(), false, 0), Ok(i as i32));
        }
        (t, files)
    }

    #[test]
    fn numbers_start_at_zero_and_count_up() {
        let (t, _) = table_with(3);
        assert_eq!(t.len(), 3);
        assert_eq!(t.iter().map(|(fd, _)| fd).collect::<Vec<_>>(), [0, 1, 2]);
    }

    #[test]
    fn the_lowest_free_number_is_reused_first() {
        let (mut t, _) = table_with(6);
        drop(t.close(4).unwrap());
        drop(t.close(1).unwrap());
        drop(t.close(2).unwrap());
        assert_eq!(t.insert_lowest(file("a"), false, 0), Ok(1));
        assert_eq!(t.insert_lowest(file("b"), false, 0), Ok(2));
        assert_eq!(t.insert_lowest(file("c"), false, 0), Ok(4));
        assert_eq!(t.insert_lowest(file("d"), false, 0), Ok(6));
        assert_eq!(t.len(), 7);
    }

    #[test]
    fn close_hands_back_the_handle_and_bad_numbers_are_ebadf() {
        let (mut t, files) = table_with(2);
        assert_eq!(Rc::strong_count(&files[1]), 2);
        let closed = t.close(1).unwrap();
        assert!(Rc::ptr_eq(&closed, &files[1]));
        drop(closed);
        assert_eq!(Rc::strong_count(&files[1]), 1);
        for fd in [1, 2, -1, i32::MIN, MAX_FDS as i32, i32::MAX] {
            assert_eq!(t.close(fd), Err(Errno::EBADF), "close({fd})");
            assert_eq!(t.get(fd), Err(Errno::EBADF), "get({fd})");
            assert_eq!(t.cloexec(fd), Err(Errno::EBADF));
            assert_eq!(t.set_cloexec(fd, true), Err(Errno::EBADF));
            assert_eq!(t.dup(fd), Err(Errno::EBADF));
            assert_eq!(t.dup2(fd, 3), Err(Errno::EBADF));
        }
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn every_descriptor_up_to_the_limit_then_emfile() {
        const { assert!(MAX_FDS >= 64) };
        let (mut t, _) = table_with(MAX_FDS);
        assert_eq!(t.len(), MAX_FDS);
        let extra = file("extra");
        assert_eq!(t.insert_lowest(extra.clone(), false, 0), Err(Errno::EMFILE));
        // The refused handle was dropped, not kept.
        assert_eq!(Rc::strong_count(&extra), 1);
        assert_eq!(t.dup(0), Err(Errno::EMFILE));
        assert_eq!(t.fcntl_dupfd(0, 10, false), Err(Errno::EMFILE));
        assert_eq!(
            t.insert_pair(file("r"), file("w"), false),
            Err(Errno::EMFILE)
        );
        // The last number is usable, and reused after a close.
        let last = MAX_FDS as i32 - 1;
        drop(t.close(last).unwrap());
        assert_eq!(t.dup(0), Ok(last));
        // dup2 onto an open descriptor needs no free one.
        let (fd, replaced) = t.dup2(0, 7).unwrap();
        assert_eq!(fd, 7);
        assert!(replaced.is_some());
    }

    #[test]
    fn dup_shares_the_handle_and_clears_cloexec() {
        let mut t = FdTable::new();
        let f = file("f");
        assert_eq!(t.insert_lowest(f.clone(), true, 0), Ok(0));
        assert_eq!(t.dup(0), Ok(1));
        assert!(Rc::ptr_eq(t.get(1).unwrap(), &f));
        assert_eq!(Rc::strong_count(&f), 3);
        assert_eq!(t.cloexec(0), Ok(true));
        assert_eq!(t.cloexec(1), Ok(false));
    }

    #[test]
    fn dup2_onto_itself_returns_it_when_open_and_ebadf_when_not() {
        let mut t = FdTable::new();
        let f = file("f");
        t.insert_lowest(f.clone(), true, 0).unwrap();
        let (fd, replaced) = t.dup2(0, 0).unwrap();
        assert_eq!(fd, 0);
        assert!(replaced.is_none());
        // Nothing changed: still one handle, close-on-exec kept.
        assert_eq!(Rc::strong_count(&f), 2);
        assert_eq!(t.cloexec(0), Ok(true));
        assert_eq!(t.dup2(5, 5), Err(Errno::EBADF));
        assert_eq!(t.dup2(-1, -1), Err(Errno::EBADF));
    }

    #[test]
    fn dup2_onto_an_open_descriptor_replaces_it_and_returns_the_old_handle() {
        let mut t = FdTable::new();
        let a = file("a");
        let b = file("b");
        t.insert_lowest(a.clone(), false, 0).unwrap();
        t.insert_lowest(b.clone(), true, 0).unwrap();
        let (fd, replaced) = t.dup2(0, 1).unwrap();
        assert_eq!(fd, 1);
        // Descriptor 1 now names `a`, without close-on-exec; `b` is still
        // alive in the caller's hands until it drops it.
        assert!(Rc::ptr_eq(t.get(1).unwrap(), &a));
        assert_eq!(t.cloexec(1), Ok(false));
        assert_eq!(Rc::strong_count(&b), 2);
        drop(replaced);
        assert_eq!(Rc::strong_count(&b), 1);
        assert_eq!(Rc::strong_count(&a), 3);
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn dup2_to_a_high_closed_number_grows_the_table() {
        let (mut t, files) = table_with(1);
        let high = MAX_FDS as i32 - 1;
        assert_eq!(
            t.dup2(0, high).map(|(fd, r)| (fd, r.is_none())),
            Ok((high, true))
        );
        assert!(Rc::ptr_eq(t.get(high).unwrap(), &files[0]));
        assert_eq!(t.len(), 2);
        // The numbers in between are free and come first.
        assert_eq!(t.dup(0), Ok(1));
        assert_eq!(t.dup2(0, MAX_FDS as i32), Err(Errno::EBADF));
        assert_eq!(t.dup2(0, -1), Err(Errno::EBADF));
    }

    #[test]
    fn fcntl_dupfd_takes_the_lowest_free_at_or_above_its_argument() {
        let (mut t, _) = table_with(6);
        drop(t.close(2).unwrap());
        assert_eq!(t.fcntl_dupfd(0, 3, false), Ok(6));
        assert_eq!(t.fcntl_dupfd(0, 0, false), Ok(2));
        assert_eq!(t.fcntl_dupfd(0, 100, true), Ok(100));
        assert_eq!(t.cloexec(100), Ok(true));
        assert_eq!(t.fcntl_dupfd(0, 100, false), Ok(101));
        assert_eq!(t.cloexec(101), Ok(false));
        assert_eq!(t.fcntl_dupfd(0, -1, false), Err(Errno::EINVAL));
        assert_eq!(t.fcntl_dupfd(0, MAX_FDS as i32, false), Err(Errno::EINVAL));
        // A bad descriptor is reported before a bad argument (as Linux).
        assert_eq!(t.fcntl_dupfd(50, -1, false), Err(Errno::EBADF));
        assert_eq!(
            t.insert_lowest(file("x"), false, MAX_FDS as i32),
            Err(Errno::EINVAL)
        );
    }

    #[test]
    fn cloexec_belongs_to_each_descriptor() {
        let (mut t, _) = table_with(1);
        t.dup(0).unwrap();
        t.set_cloexec(1, true).unwrap();
        assert_eq!(t.cloexec(0), Ok(false));
        assert_eq!(t.cloexec(1), Ok(true));
        t.set_cloexec(1, false).unwrap();
        assert_eq!(t.cloexec(1), Ok(false));
    }

    #[test]
    fn fork_copies_numbers_flags_and_shares_handles() {
        let mut t = FdTable::new();
        let a = file("a");
        let b = file("b");
        t.insert_lowest(a.clone(), false, 0).unwrap();
        t.insert_lowest(b.clone(), true, 0).unwrap();
        t.dup2(0, 40).unwrap();
        drop(t.close(0).unwrap());
        let child = t.fork_copy().unwrap();
        assert_eq!(child.len(), 2);
        assert_eq!(child.get(0), Err(Errno::EBADF));
        assert!(Rc::ptr_eq(child.get(1).unwrap(), &b));
        assert!(Rc::ptr_eq(child.get(40).unwrap(), &a));
        assert_eq!(child.cloexec(1), Ok(true));
        assert_eq!(child.cloexec(40), Ok(false));
        assert_eq!(Rc::strong_count(&a), 3);
        // The child's closes do not touch the parent's descriptors.
        drop(child);
        assert_eq!(Rc::strong_count(&a), 2);
        assert!(t.get(40).is_ok());
        // A child of an empty table allocates nothing and works.
        let mut empty = FdTable::<File>::new().fork_copy().unwrap();
        assert_eq!(empty.insert_lowest(file("z"), false, 0), Ok(0));
    }

    #[test]
    fn close_on_exec_closes_exactly_the_flagged_descriptors() {
        let mut t = FdTable::new();
        let files: Vec<File> = (0..8).map(|_| file("f")).collect();
        for (i, f) in files.iter().enumerate() {
            t.insert_lowest(f.clone(), i % 3 == 1, 0).unwrap();
        }
        let closed: Vec<File> = t.close_on_exec().collect();
        let closed_ids: Vec<usize> = closed
            .iter()
            .map(|c| files.iter().position(|f| Rc::ptr_eq(f, c)).unwrap())
            .collect();
        assert_eq!(closed_ids, [1, 4, 7]);
        drop(closed);
        for (i, f) in files.iter().enumerate() {
            let open = i % 3 != 1;
            assert_eq!(t.get(i as i32).is_ok(), open);
            assert_eq!(Rc::strong_count(f), if open { 2 } else { 1 });
        }
        assert_eq!(t.len(), 5);
        assert_eq!(t.close_on_exec().count(), 0);
    }

    #[test]
    fn an_abandoned_close_on_exec_still_closes_them_all() {
        let mut t = FdTable::new();
        let f = file("f");
        for _ in 0..4 {
            t.insert_lowest(f.clone(), true, 0).unwrap();
        }
        t.insert_lowest(f.clone(), false, 0).unwrap();
        let first = t.close_on_exec().next();
        assert!(first.is_some());
        drop(first);
        assert_eq!(t.len(), 1);
        assert_eq!(Rc::strong_count(&f), 2);
    }

    #[test]
    fn take_cloexec_steps_through_them_one_at_a_time() {
        let mut t = FdTable::new();
        for cloexec in [true, false, true] {
            t.insert_lowest(file("f"), cloexec, 0).unwrap();
        }
        let mut fds = Vec::new();
        let mut from = 0;
        while let Some((fd, _file)) = t.take_cloexec(from) {
            fds.push(fd);
            from = fd + 1;
        }
        assert_eq!(fds, [0, 2]);
        assert_eq!(t.iter().map(|(fd, _)| fd).collect::<Vec<_>>(), [1]);
    }

    #[test]
    fn insert_pair_takes_the_two_lowest_or_nothing() {
        let (mut t, _) = table_with(4);
        drop(t.close(1).unwrap());
        drop(t.close(3).unwrap());
        assert_eq!(t.insert_pair(file("r"), file("w"), true), Ok((1, 3)));
        assert_eq!(t.cloexec(3), Ok(true));
        assert_eq!(t.insert_pair(file("r"), file("w"), false), Ok((4, 5)));
        // One free number left: the pair is refused whole.
        let (mut full, _) = table_with(MAX_FDS);
        drop(full.close(9).unwrap());
        let (r, w) = (file("r"), file("w"));
        assert_eq!(
            full.insert_pair(r.clone(), w.clone(), false),
            Err(Errno::EMFILE)
        );
        assert_eq!(full.get(9), Err(Errno::EBADF));
        assert_eq!(full.len(), MAX_FDS - 1);
        assert_eq!((Rc::strong_count(&r), Rc::strong_count(&w)), (1, 1));
    }

    #[test]
    fn dropping_the_table_closes_everything() {
        let (t, files) = table_with(5);
        let mut t = t;
        t.dup2(2, 200).unwrap();
        drop(t);
        assert!(files.iter().all(|f| Rc::strong_count(f) == 1));
    }

    #[test]
    fn slots_grow_lazily() {
        let mut t: FdTable<File> = FdTable::new();
        assert_eq!(t.slots.capacity(), 0);
        t.insert_lowest(file("f"), false, 0).unwrap();
        assert!(t.slots.len() < MAX_FDS);
        t.fcntl_dupfd(0, 100, false).unwrap();
        assert!(t.slots.len() <= MAX_FDS);
        assert_eq!(t.fork_copy().unwrap().slots.len(), 101);
    }

    #[test]
    fn setfl_changes_only_append_and_nonblock() {
        const O_RDWR: u32 = 2;
        const O_CREAT: u32 = 0o100;
        assert_eq!(
            status_flags_after_setfl(O_RDWR, O_NONBLOCK | O_CREAT),
            O_RDWR | O_NONBLOCK
        );
        assert_eq!(
            status_flags_after_setfl(O_RDWR | O_APPEND | O_NONBLOCK, 0),
            O_RDWR
        );
        assert_eq!(status_flags_after_setfl(1, O_APPEND | 2), 1 | O_APPEND);
    }
}
