//! Memory: physical frames with reference counts, the kernel heap, address
//! spaces with copy-on-write, kernel stacks with guard pages, and checked
//! access to user memory.
//!
//! Physical memory 0..896 MiB is mapped at `KERNEL_BASE` (the direct map,
//! built in boot.rs from 4 MiB pages), so the kernel reaches any frame at
//! `phys + KERNEL_BASE` without temporary mappings. The last 128 MiB of the
//! address space hold kernel stacks ([`kstack`]).
//!
//! This module and `arch` are the only places allowed `unsafe`.

pub mod address_space;
pub mod file_pages;
pub mod frames;
pub mod heap;
pub mod kstack;
pub mod user;

pub use address_space::AddressSpace;
pub use user::{In, Out, UserAddr, UserPtr, UserSlice};

pub use abi::layout::{KERNEL_BASE, PAGE_SIZE};
/// How much physical memory the direct map covers.
pub const DIRECT_MAP_SIZE: u64 = crate::arch::x86::boot::DIRECT_MAP_SIZE as u64;

/// The kernel-virtual address of physical address `phys` (below 1 GiB).
pub const fn phys_to_virt(phys: u32) -> usize {
    (phys + KERNEL_BASE) as usize
}

/// The physical address of a kernel-virtual address in the direct map.
pub const fn virt_to_phys(virt: usize) -> u32 {
    virt as u32 - KERNEL_BASE
}

/// Rounds down to a page boundary.
pub const fn page_down(addr: u32) -> u32 {
    addr & !(PAGE_SIZE - 1)
}

/// Rounds up to a page boundary (saturating at the last page).
pub const fn page_up(addr: u32) -> u32 {
    match addr.checked_add(PAGE_SIZE - 1) {
        Some(a) => a & !(PAGE_SIZE - 1),
        None => !(PAGE_SIZE - 1),
    }
}
