//! The 32-bit (non-PAE) page-table entry format.

use bitflags::bitflags;

bitflags! {
    /// Flags of a page-directory or page-table entry.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct EntryFlags: u32 {
        /// The entry maps something.
        const PRESENT = 1 << 0;
        /// Writes allowed.
        const WRITABLE = 1 << 1;
        /// Ring 3 may access.
        const USER = 1 << 2;
        /// Set by the CPU on access.
        const ACCESSED = 1 << 5;
        /// Set by the CPU on write.
        const DIRTY = 1 << 6;
        /// A 4 MiB page (directory entries only).
        const HUGE = 1 << 7;
        /// Kept in the TLB across CR3 loads.
        const GLOBAL = 1 << 8;
        /// Software bit: the page is shared copy-on-write; a write fault
        /// copies it (or just makes it writable when no one else shares it).
        const COPY_ON_WRITE = 1 << 9;
    }
}

/// A page-directory or page-table entry.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry(pub u32);

impl Entry {
    /// An entry mapping the 4 KiB-aligned physical address `phys`.
    pub const fn new(phys: u32, flags: EntryFlags) -> Entry {
        Entry((phys & !0xfff) | flags.bits())
    }

    /// The empty entry.
    pub const EMPTY: Entry = Entry(0);

    /// The physical address the entry points to.
    pub const fn address(self) -> u32 {
        self.0 & !0xfff
    }

    /// The flags.
    pub const fn flags(self) -> EntryFlags {
        EntryFlags::from_bits_truncate(self.0)
    }

    /// True when present.
    pub const fn is_present(self) -> bool {
        self.0 & EntryFlags::PRESENT.bits() != 0
    }
}

/// Page-directory index of a virtual address.
pub const fn directory_index(addr: u32) -> usize {
    (addr >> 22) as usize
}

/// Page-table index of a virtual address.
pub const fn table_index(addr: u32) -> usize {
    ((addr >> 12) & 0x3ff) as usize
}

/// Page-fault error-code bits.
pub mod fault {
    /// The page was present (a protection violation, not a missing page).
    pub const PRESENT: u32 = 1 << 0;
    /// The access was a write.
    pub const WRITE: u32 = 1 << 1;
}
