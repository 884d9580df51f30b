//! The virtual address-space layout every process sees.
//!
//! ```text
//! 0x0000_0000 ┌──────────────────────────────┐
//!             │ never mapped (NULL guard)     │
//! 0x0000_1000 ├──────────────────────────────┤ USER_IMAGE_START
//!             │ program image (ELF segments), │ programs are linked at 0x0040_0000
//!             │ then the heap (brk/sbrk) ↑    │
//! 0xBF80_0000 ├──────────────────────────────┤ USER_IMAGE_END = USER_STACK_LIMIT
//!             │ stack region ↓ (grows on      │
//!             │ demand, at most 8 MiB)        │
//! 0xC000_0000 ├──────────────────────────────┤ USER_END = KERNEL_BASE
//!             │ kernel: direct map of         │
//!             │ physical memory               │
//! 0xFFFF_FFFF └──────────────────────────────┘
//! ```

/// Lowest address a program segment may use (page 0 stays unmapped so NULL faults).
pub const USER_IMAGE_START: u32 = 0x0000_1000;
/// End (exclusive) of the region for program segments and the heap.
pub const USER_IMAGE_END: u32 = 0xBF80_0000;
/// Lowest address the user stack may grow down to.
pub const USER_STACK_LIMIT: u32 = USER_IMAGE_END;
/// The initial stack pointer region ends here (exclusive).
pub const USER_STACK_TOP: u32 = 0xC000_0000;
/// End (exclusive) of user space; the kernel owns everything above.
pub const USER_END: u32 = 0xC000_0000;
/// Where the kernel half starts in every address space.
pub const KERNEL_BASE: u32 = 0xC000_0000;
/// Size of a page.
pub const PAGE_SIZE: u32 = 4096;
