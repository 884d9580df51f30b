//! The Multiboot header and the first instructions.
//!
//! QEMU (or GRUB) loads the ELF at 1 MiB and jumps to `_start` with paging
//! off, `eax` = the Multiboot magic and `ebx` = the physical address of the
//! Multiboot information. The kernel is linked at 0xC010_0000, so until paging
//! is on, every absolute address must have `KERNEL_BASE` subtracted.
//!
//! `_start` builds the boot page directory out of 4 MiB pages:
//! - entries 768..1024 map physical 0..1 GiB at 0xC000_0000 (the direct map,
//!   global so that address-space switches keep it in the TLB);
//! - entries 0 and 1 identity-map the first 8 MiB, only so the instruction
//!   after `mov cr0` can still be fetched; `kmain` drops them.
//!
//! Then it turns on PSE, PGE, paging and write protection, jumps to the
//! higher half, switches to the boot stack and calls `kmain(magic, info)`.

use core::arch::global_asm;

/// Size of the stack `kmain` (and later the idle task) runs on.
pub const BOOT_STACK_SIZE: usize = 16 * 1024;

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
    .long 0x1BADB002            /* magic */
    .long 0x00000003            /* flags: page-align modules, give memory map */
    .long -(0x1BADB002 + 0x00000003)

    .section .text.boot, "ax"
    .global _start
_start:
    cli
    movl %eax, %esi                 /* Multiboot magic */
    leal (BOOT_PAGE_DIRECTORY - 0xC0000000), %edi
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $22, %eax
    orl $0x183, %eax                /* present | writable | 4 MiB | global */
    movl %eax, 3072(%edi, %ecx, 4)
    incl %ecx
    cmpl $256, %ecx
    jne 1b
    movl $0x000083, 0(%edi)         /* identity 0..4 MiB for the jump */
    movl $0x400083, 4(%edi)         /* identity 4..8 MiB */
    movl %cr4, %eax
    orl $0x90, %eax                 /* CR4.PSE | CR4.PGE */
    movl %eax, %cr4
    movl %edi, %cr3
    movl %cr0, %eax
    orl $0x80010000, %eax           /* CR0.PG | CR0.WP */
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
    stack_size = const BOOT_STACK_SIZE,
    options(att_syntax)
);

/// The kernel's master page directory (a kernel-virtual pointer; its
/// physical address is `virt_to_phys` of it).
pub fn kernel_page_directory() -> *mut PageDirectory {
    &raw mut BOOT_PAGE_DIRECTORY
}

/// The top of the boot stack (the idle task's kernel stack).
pub fn boot_stack_top() -> usize {
    (&raw const BOOT_STACK) as usize + BOOT_STACK_SIZE
}
