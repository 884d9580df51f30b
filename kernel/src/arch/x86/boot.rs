//! The Multiboot header and the first instructions.
//!
//! QEMU (or GRUB) loads the ELF at 1 MiB and jumps to `_start` with paging
//! off, `eax` = the Multiboot magic and `ebx` = the physical address of the
//! Multiboot information. The kernel is linked at 0xC010_0000, so until paging
//! is on, every absolute address must have `KERNEL_BASE` subtracted.
//!
//! `_start` builds the boot page directory out of 4 MiB pages:
//! - entries 768..992 map physical 0..896 MiB at 0xC000_0000 (the direct
//!   map, global so that address-space switches keep it in the TLB); the
//!   last 128 MiB of the address space are left to kernel stacks, which are
//!   mapped page by page so that each can have an unmapped guard page
//!   (`mm::kstack`);
//! - entries 0 and 1 identity-map the first 8 MiB, only so the instruction
//!   after `mov cr0` can still be fetched; `kmain` drops them.
//!
//! Then it turns on PSE, PGE, paging and write protection, jumps to the
//! higher half, switches to the boot stack and calls `kmain(magic, info)`.

use core::arch::global_asm;

/// Size of the stack `kmain` (and later the idle task) runs on.
pub const BOOT_STACK_SIZE: usize = 16 * 1024;

/// Where physical address 0 appears in virtual memory.
pub const KERNEL_BASE: u32 = abi::layout::KERNEL_BASE;
/// How much physical memory the direct map covers (like Linux's i386
/// "lowmem"): RAM above it is not used.
pub const DIRECT_MAP_SIZE: u32 = 896 << 20;
/// 4 MiB directory entries of the direct map.
const DIRECT_MAP_ENTRIES: u32 = DIRECT_MAP_SIZE >> 22;
/// Flags of a direct-map directory entry: present, writable, 4 MiB, global.
const DIRECT_MAP_FLAGS: u32 = 0x183;
/// Flags of the two identity entries: present, writable, 4 MiB.
const IDENTITY_FLAGS: u32 = 0x083;
/// CR4.PSE | CR4.PGE.
const CR4_PSE_PGE: u32 = (1 << 4) | (1 << 7);
/// CR0.PG | CR0.WP.
const CR0_PG_WP: u32 = (1 << 31) | (1 << 16);
/// The Multiboot header's magic (what a loader searches the image for).
const MULTIBOOT_HEADER_MAGIC: u32 = 0x1BAD_B002;
/// The header's flags: modules page-aligned (bit 0), a memory map (bit 1).
const MULTIBOOT_HEADER_FLAGS: u32 = (1 << 0) | (1 << 1);
/// What makes magic + flags + checksum zero.
const MULTIBOOT_HEADER_CHECKSUM: u32 =
    0u32.wrapping_sub(MULTIBOOT_HEADER_MAGIC.wrapping_add(MULTIBOOT_HEADER_FLAGS));
/// The second identity entry's physical address: 4 MiB (one large page each).
const SECOND_LARGE_PAGE: u32 = 4 << 20;

/// The boot page directory; `kmain` keeps using it as the kernel's master
/// directory whose upper quarter every address space copies.
#[repr(C, align(4096))]
pub struct PageDirectory(pub [u32; 1024]);

#[no_mangle]
static mut BOOT_PAGE_DIRECTORY: PageDirectory = PageDirectory([0; 1024]);

#[repr(C, align(16))]
struct BootStack([u8; BOOT_STACK_SIZE]);

#[no_mangle]
static mut BOOT_STACK: BootStack = BootStack([0; BOOT_STACK_SIZE]);

global_asm!(
    r#"
    .section .multiboot, "a"
    .align 4
    .long {multiboot_magic}
    .long {multiboot_flags}
    .long {multiboot_checksum}

    .section .text.boot, "ax"
    .global _start
_start:
    cli
    movl %eax, %esi                 /* Multiboot magic */
    leal (BOOT_PAGE_DIRECTORY - {kernel_base}), %edi
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $22, %eax
    orl ${direct_flags}, %eax
    movl %eax, {kernel_slot_offset}(%edi, %ecx, 4)
    incl %ecx
    cmpl ${direct_entries}, %ecx
    jne 1b
    movl ${identity_flags}, 0(%edi)              /* identity 0..4 MiB for the jump */
    movl $({second_large_page} | {identity_flags}), 4(%edi) /* identity 4..8 MiB */
    movl %cr4, %eax
    orl ${cr4_bits}, %eax
    movl %eax, %cr4
    movl %edi, %cr3
    movl %cr0, %eax
    orl ${cr0_bits}, %eax
    movl %eax, %cr0
    leal 2f, %eax
    jmp *%eax
2:  leal (BOOT_STACK + {stack_size}), %esp
    xorl %ebp, %ebp
    pushl %ebx                      /* Multiboot information (physical) */
    pushl %esi                      /* Multiboot magic */
    call kmain
3:  cli
    hlt
    jmp 3b
    "#,
    multiboot_magic = const MULTIBOOT_HEADER_MAGIC,
    multiboot_flags = const MULTIBOOT_HEADER_FLAGS,
    multiboot_checksum = const MULTIBOOT_HEADER_CHECKSUM,
    second_large_page = const SECOND_LARGE_PAGE,
    stack_size = const BOOT_STACK_SIZE,
    kernel_base = const KERNEL_BASE,
    kernel_slot_offset = const (KERNEL_BASE >> 22) * 4,
    direct_flags = const DIRECT_MAP_FLAGS,
    direct_entries = const DIRECT_MAP_ENTRIES,
    identity_flags = const IDENTITY_FLAGS,
    cr4_bits = const CR4_PSE_PGE,
    cr0_bits = const CR0_PG_WP,
    options(att_syntax)
);

/// The kernel's master page directory (a kernel-virtual pointer; its
/// physical address is `virt_to_phys` of it).
pub fn kernel_page_directory() -> *mut PageDirectory {
    &raw mut BOOT_PAGE_DIRECTORY
}

/// Drops the two identity entries `_start` needed to survive turning paging
/// on; nothing runs at those addresses any more.
pub fn drop_identity_mapping() {
    // SAFETY: entries 0 and 1 are only used by the instructions right after
    // `mov cr0` in `_start`; reloading CR3 flushes their translations.
    unsafe {
        let directory = kernel_page_directory();
        (*directory).0[0] = 0;
        (*directory).0[1] = 0;
        super::cpu::write_cr3(super::cpu::read_cr3());
    }
}

/// Installs a page table for kernel addresses at directory slot `slot` of
/// the master directory. Only before any address space copies the kernel
/// half (they copy it once, at creation).
///
/// # Safety
/// `table_phys` must be a zeroed page-table frame owned by the kernel for
/// good, and `slot` a kernel slot outside the direct map.
pub unsafe fn install_kernel_table(slot: usize, table_phys: u32, flags: u32) {
    assert!(slot >= (KERNEL_BASE >> 22) as usize + DIRECT_MAP_ENTRIES as usize && slot < 1024);
    // SAFETY: guaranteed by the caller; the slot is outside the direct map.
    unsafe { (*kernel_page_directory()).0[slot] = table_phys | flags };
}
