//! A process's address space: a page directory whose upper quarter is the
//! kernel's (copied from the master directory; the kernel half is made of
//! 4 MiB pages that never change, so the copies never go stale) and whose
//! lower three quarters map user pages through page tables it owns.
//!
//! Lunaix duplicates a directory by mounting the child's tables next to the
//! parent's (recursive mapping); here the direct map makes every table
//! reachable at `phys + KERNEL_BASE`, so fork is a plain walk.

use abi::errno::Errno;

use super::{frames, page_down, phys_to_virt, PAGE_SIZE};
use crate::arch::x86::boot::kernel_page_directory;
use crate::arch::x86::cpu;
use crate::arch::x86::paging::{directory_index, table_index, Entry, EntryFlags};

/// First page-directory slot of the kernel half.
const KERNEL_FIRST_SLOT: usize = directory_index(abi::layout::KERNEL_BASE);

type Table = [Entry; 1024];

fn table_at(phys: u32) -> *mut Table {
    phys_to_virt(phys) as *mut Table
}

/// What [`AddressSpace::break_copy_on_write`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub enum CowOutcome {
    /// The page is now privately writable.
    MadeWritable,
    /// The page was not copy-on-write: nothing changed.
    NotCopyOnWrite,
}

/// How a user page may be accessed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Read (and execute) only.
    ReadOnly,
    /// Read and write.
    ReadWrite,
}

/// An address space; dropping it frees every user page and table it owns.
pub struct AddressSpace {
    directory: u32,
    /// The first heap address (end of the loaded image).
    heap_start: u32,
    /// The program break.
    brk: u32,
    /// Pages mapped zero-filled on first touch (the loader's bss beyond the
    /// file's data), besides the stack: `start..end`, page-aligned, maybe
    /// empty. Their frames were counted as available when the program was
    /// loaded, like Linux's overcommit heuristic.
    demand_zero: (u32, u32),
}

/// Loads the page directory at physical address `directory` into CR3.
/// `directory` must come from [`AddressSpace::directory_phys`] of a space
/// that is still alive: `proc` clears a task's directory before its space
/// goes, and the scheduler activates only what tasks record.
pub fn activate_directory(directory: u32) {
    // SAFETY: by the rule above the directory is a live address space's,
    // and every directory maps the kernel half like the master.
    unsafe { cpu::write_cr3(directory) };
}

/// Loads the kernel's master directory (no user half).
pub fn activate_kernel_directory() {
    activate_directory(super::virt_to_phys(kernel_page_directory() as usize));
}

impl AddressSpace {
    /// An empty user half with the kernel half mapped.
    pub fn new() -> Result<AddressSpace, Errno> {
        let directory = frames::allocate_zeroed().ok_or(Errno::ENOMEM)?;
        // SAFETY: the new directory is a fresh frame only we reference; the
        // master directory's kernel half is never written after boot.
        unsafe {
            let master = &(*kernel_page_directory()).0;
            let new = &mut *table_at(directory);
            for slot in KERNEL_FIRST_SLOT..1024 {
                new[slot] = Entry(master[slot]);
            }
        }
        Ok(AddressSpace {
            directory,
            heap_start: 0,
            brk: 0,
            demand_zero: (0, 0),
        })
    }

    /// Physical address of the page directory (the value for CR3).
    pub fn directory_phys(&self) -> u32 {
        self.directory
    }

    /// The program break.
    pub fn brk(&self) -> u32 {
        self.brk
    }

    /// Where the heap starts (and the break, for a new image).
    pub fn set_heap_start(&mut self, start: u32) {
        self.heap_start = start;
        self.brk = start;
    }

    /// Pages `start..end` will be mapped zero-filled when first touched.
    pub fn set_demand_zero(&mut self, start: u32, end: u32) {
        self.demand_zero = (start, end);
    }

    /// Maps the page holding `addr` if it lies in a region that is filled
    /// on demand (the stack, the lazy bss) and is not mapped yet. True when
    /// it mapped one.
    pub fn map_on_demand(&mut self, addr: u32) -> Result<bool, Errno> {
        let in_stack = (abi::layout::USER_STACK_LIMIT..abi::layout::USER_STACK_TOP).contains(&addr);
        let in_bss = (self.demand_zero.0..self.demand_zero.1).contains(&addr);
        if !(in_stack || in_bss) || self.entry(addr).is_some_and(|e| e.is_present()) {
            return Ok(false);
        }
        self.map_zeroed(page_down(addr), Access::ReadWrite)?;
        Ok(true)
    }

    /// Moves the program break (brk semantics): maps zeroed pages up to the
    /// new break or unmaps those above it. ENOMEM below the heap's start,
    /// into the stack region, or when memory cannot suffice (checked before
    /// anything is mapped: filling memory with zeroed pages only to free
    /// them again would stall every other process).
    pub fn set_break(&mut self, new_break: usize) -> Result<(), Errno> {
        let limit = abi::layout::USER_IMAGE_END as usize;
        if new_break < self.heap_start as usize || new_break > limit {
            return Err(Errno::ENOMEM);
        }
        let new_break = new_break as u32;
        let old_top = super::page_up(self.brk);
        let new_top = super::page_up(new_break);
        // One frame per page, plus the page tables the range lacks (a heap
        // that shrank keeps its tables: counting them again would refuse
        // growing back to where it was).
        let new_pages = (new_top.saturating_sub(old_top) / PAGE_SIZE) as usize;
        if new_pages > 0 && new_pages + self.missing_tables(old_top, new_top) > frames::free_count()
        {
            return Err(Errno::ENOMEM);
        }
        let mut page = old_top;
        while page < new_top {
            if let Err(e) = self.map_zeroed(page, Access::ReadWrite) {
                let mut undo = old_top;
                while undo < page {
                    self.unmap(undo);
                    undo += PAGE_SIZE;
                }
                return Err(e);
            }
            page += PAGE_SIZE;
        }
        let mut page = new_top;
        while page < old_top {
            self.unmap(page);
            page += PAGE_SIZE;
        }
        self.brk = new_break;
        Ok(())
    }

    /// Page tables that mapping `[start, end)` would have to allocate.
    fn missing_tables(&self, start: u32, end: u32) -> usize {
        if start >= end {
            return 0;
        }
        let directory = self.directory();
        (directory_index(start)..=directory_index(end - 1))
            .filter(|&slot| !directory[slot].is_present())
            .count()
    }

    fn is_active(&self) -> bool {
        cpu::read_cr3() == self.directory
    }

    fn directory(&self) -> &Table {
        // SAFETY: the directory frame belongs to this address space.
        unsafe { &*table_at(self.directory) }
    }

    fn directory_mut(&mut self) -> &mut Table {
        // SAFETY: the directory frame belongs to this address space, and
        // `&mut self` makes this the only reference.
        unsafe { &mut *table_at(self.directory) }
    }

    /// The page-table entry for `addr`, if its table exists.
    pub fn entry(&self, addr: u32) -> Option<Entry> {
        let pde = self.directory()[directory_index(addr)];
        if directory_index(addr) >= KERNEL_FIRST_SLOT || !pde.is_present() {
            return None;
        }
        // SAFETY: a present user directory entry points at a table we own.
        let table = unsafe { &*table_at(pde.address()) };
        Some(table[table_index(addr)])
    }

    /// The entry slot for `addr`, creating its page table when `create`.
    fn entry_slot(&mut self, addr: u32, create: bool) -> Result<Option<&mut Entry>, Errno> {
        let slot = directory_index(addr);
        assert!(slot < KERNEL_FIRST_SLOT, "user mapping in the kernel half");
        let mut pde = self.directory()[slot];
        if !pde.is_present() {
            if !create {
                return Ok(None);
            }
            let table = frames::allocate_zeroed().ok_or(Errno::ENOMEM)?;
            pde = Entry::new(
                table,
                EntryFlags::PRESENT | EntryFlags::WRITABLE | EntryFlags::USER,
            );
            self.directory_mut()[slot] = pde;
        }
        // SAFETY: a present user directory entry points at a table we own,
        // and `&mut self` gives exclusive access to it.
        let table = unsafe { &mut *table_at(pde.address()) };
        Ok(Some(&mut table[table_index(addr)]))
    }

    fn set_entry(&mut self, addr: u32, entry: Entry) -> Result<(), Errno> {
        let active = self.is_active();
        let slot = self.entry_slot(addr, true)?.expect("created");
        *slot = entry;
        if active {
            cpu::flush_tlb_page(addr as usize);
        }
        Ok(())
    }

    /// Maps a fresh zero-filled page at `addr` (page-aligned, unmapped).
    /// Returns the frame's physical address.
    pub fn map_zeroed(&mut self, addr: u32, access: Access) -> Result<u32, Errno> {
        debug_assert_eq!(addr % PAGE_SIZE, 0);
        let frame = frames::allocate_zeroed().ok_or(Errno::ENOMEM)?;
        let mut flags = EntryFlags::PRESENT | EntryFlags::USER;
        if access == Access::ReadWrite {
            flags |= EntryFlags::WRITABLE;
        }
        if let Err(e) = self.set_entry(addr, Entry::new(frame, flags)) {
            frames::release(frame);
            return Err(e);
        }
        Ok(frame)
    }

    /// Makes an existing page writable (a loader segment sharing a page
    /// with a writable one).
    pub fn make_writable(&mut self, addr: u32) {
        if let Some(entry) = self.entry(page_down(addr)) {
            let upgraded = Entry(entry.0 | EntryFlags::WRITABLE.bits());
            let _ = self.set_entry(page_down(addr), upgraded);
        }
    }

    /// Unmaps the page at `addr`, if mapped, releasing its frame.
    pub fn unmap(&mut self, addr: u32) {
        let active = self.is_active();
        if let Ok(Some(slot)) = self.entry_slot(addr, false) {
            let old = *slot;
            *slot = Entry::EMPTY;
            if old.is_present() {
                frames::release(old.address());
                if active {
                    cpu::flush_tlb_page(addr as usize);
                }
            }
        }
    }

    /// A copy-on-write duplicate for fork: every present user page becomes
    /// read-only and shared (writable ones are marked COPY_ON_WRITE in both
    /// spaces); page tables are copied, frames are not.
    pub fn fork(&mut self) -> Result<AddressSpace, Errno> {
        let result = self.share_into_child();
        if self.is_active() {
            // Entries of ours went from writable to copy-on-write (even when
            // the fork failed half-way): reloading CR3 drops every stale
            // writable translation at once.
            // SAFETY: reloading the current directory changes no mapping.
            unsafe { cpu::write_cr3(self.directory) };
        }
        result
    }

    fn share_into_child(&mut self) -> Result<AddressSpace, Errno> {
        let mut child = AddressSpace::new()?;
        child.heap_start = self.heap_start;
        child.brk = self.brk;
        child.demand_zero = self.demand_zero;
        for slot in 0..KERNEL_FIRST_SLOT {
            let pde = self.directory()[slot];
            if !pde.is_present() {
                continue;
            }
            // SAFETY: the parent's table belongs to this address space.
            let parent_entries = unsafe { &mut *table_at(pde.address()) };
            // The child's table is allocated at the first present entry: a
            // table that maps nothing (its pages were unmapped) is not
            // copied.
            let mut child_table = None;
            for (index, parent_entry) in parent_entries.iter_mut().enumerate() {
                if !parent_entry.is_present() {
                    continue;
                }
                let table = match child_table {
                    Some(table) => table,
                    None => {
                        let table = frames::allocate_zeroed().ok_or(Errno::ENOMEM)?;
                        child.directory_mut()[slot] = Entry::new(table, pde.flags());
                        child_table = Some(table);
                        table
                    }
                };
                let mut flags = parent_entry.flags();
                if flags.contains(EntryFlags::WRITABLE) {
                    flags.remove(EntryFlags::WRITABLE);
                    flags.insert(EntryFlags::COPY_ON_WRITE);
                }
                *parent_entry = Entry::new(parent_entry.address(), flags);
                // SAFETY: the child's table is a distinct frame it owns.
                unsafe { (*table_at(table))[index] = *parent_entry };
                frames::retain(parent_entry.address());
            }
        }
        Ok(child)
    }

    /// Makes the copy-on-write page at `addr` privately writable: copies it,
    /// or, when no one else shares the frame any more, just takes it back.
    /// `NotCopyOnWrite` when `addr` is not a copy-on-write page (a write
    /// there is the program's fault); ENOMEM when no frame is left for the
    /// copy.
    pub fn break_copy_on_write(&mut self, addr: u32) -> Result<CowOutcome, Errno> {
        let page = page_down(addr);
        let Some(entry) = self.entry(page) else {
            return Ok(CowOutcome::NotCopyOnWrite);
        };
        if !entry.is_present() || !entry.flags().contains(EntryFlags::COPY_ON_WRITE) {
            return Ok(CowOutcome::NotCopyOnWrite);
        }
        let mut flags = entry.flags();
        flags.remove(EntryFlags::COPY_ON_WRITE);
        flags.insert(EntryFlags::WRITABLE);
        let old = entry.address();
        if frames::refcount(old) == 1 {
            self.set_entry(page, Entry::new(old, flags))?;
            return Ok(CowOutcome::MadeWritable);
        }
        let new = frames::allocate_zeroed().ok_or(Errno::ENOMEM)?;
        // SAFETY: both frames are in the direct map; `new` is ours alone.
        unsafe {
            core::ptr::copy_nonoverlapping(
                phys_to_virt(old) as *const u8,
                phys_to_virt(new) as *mut u8,
                PAGE_SIZE as usize,
            );
        }
        self.set_entry(page, Entry::new(new, flags))?;
        frames::release(old);
        Ok(CowOutcome::MadeWritable)
    }

    /// Copies `data` to `addr`, whatever the pages' permissions: how the
    /// loader fills read-only text. Every page must already be mapped.
    pub fn fill(&mut self, addr: u32, data: &[u8]) {
        let mut done = 0;
        while done < data.len() {
            let va = addr + done as u32;
            let n = ((PAGE_SIZE - va % PAGE_SIZE) as usize).min(data.len() - done);
            let frame = self.entry(va).expect("fill of an unmapped page").address();
            let dst = phys_to_virt(frame) + (va % PAGE_SIZE) as usize;
            // SAFETY: the frame belongs to this address space and lies in the
            // direct map; the piece stays inside its page.
            unsafe { core::ptr::copy_nonoverlapping(data[done..].as_ptr(), dst as *mut u8, n) };
            done += n;
        }
    }

    /// Frames a fork of this space may need: a directory, a copy of every
    /// page table, and a private copy of every page either side may write
    /// (each copy-on-write page is copied at most once, by whoever writes
    /// first while it is shared). Exact when memory is tight; otherwise a
    /// cheap upper bound that is known to fit.
    pub fn fork_cost(&self) -> usize {
        // The exact count walks every table; when even the worst case (every
        // entry of every table writable) fits, that walk is not needed.
        let tables = (0..KERNEL_FIRST_SLOT)
            .filter(|&s| self.directory()[s].is_present())
            .count();
        let worst_case = 1 + tables * 1025;
        if worst_case <= frames::free_count() / 2 {
            return worst_case;
        }
        let mut cost = 1;
        for slot in 0..KERNEL_FIRST_SLOT {
            let pde = self.directory()[slot];
            if pde.is_present() {
                // SAFETY: a present user directory entry points at our table.
                let table = unsafe { &*table_at(pde.address()) };
                cost += 1 + table
                    .iter()
                    .filter(|e| e.is_present())
                    .filter(|e| {
                        e.flags()
                            .intersects(EntryFlags::WRITABLE | EntryFlags::COPY_ON_WRITE)
                    })
                    .count();
            }
        }
        cost
    }

    /// Counts present user pages (for tests and reports).
    pub fn mapped_pages(&self) -> usize {
        let mut count = 0;
        for slot in 0..KERNEL_FIRST_SLOT {
            let pde = self.directory()[slot];
            if pde.is_present() {
                // SAFETY: a present user directory entry points at our table.
                let table = unsafe { &*table_at(pde.address()) };
                count += table.iter().filter(|e| e.is_present()).count();
            }
        }
        count
    }
}

impl Drop for AddressSpace {
    fn drop(&mut self) {
        assert!(!self.is_active(), "dropping the active address space");
        for slot in 0..KERNEL_FIRST_SLOT {
            let pde = self.directory()[slot];
            if !pde.is_present() {
                continue;
            }
            // SAFETY: a present user directory entry points at our table.
            let table = unsafe { &*table_at(pde.address()) };
            for entry in table.iter().filter(|e| e.is_present()) {
                frames::release(entry.address());
            }
            frames::release(pde.address());
        }
        frames::release(self.directory);
    }
}
