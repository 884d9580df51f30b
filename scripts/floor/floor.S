/*
 * The floor kernel's assembly: the Multiboot header, the first instruction, the GDT, the trap
 * entries and the switch between kernel stacks. What each entry costs is what the project's
 * kernel cannot go below under the same emulator (docs/performance.md, "Floors").
 *
 * Segment selectors: 0x08 kernel code, 0x10 kernel data, 0x1b user code, 0x23 user data
 * (both DPL 3), 0x28 the TSS. Ring 0 may use the DPL 3 data segment, so after the first
 * entry into ring 3 every data segment register holds 0x23 in the kernel too, as in Linux i386.
 */

    .set MULTIBOOT_MAGIC, 0x1BADB002
    .set MULTIBOOT_FLAGS, 0
    .set KERNEL_DATA, 0x10
    .set USER_CODE, 0x1b
    .set USER_DATA, 0x23
    .set TSS_SELECTOR, 0x28

    .section .multiboot, "a"
    .align 4
    .long MULTIBOOT_MAGIC, MULTIBOOT_FLAGS, -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)

    .section .text
    .global _start
_start:
    cli
    movl $boot_stack_top, %esp
    call floor_main
1:  hlt
    jmp 1b

/* Loads the GDT (its TSS descriptor filled in by C), every segment register and the task register. */
    .global load_gdt
load_gdt:
    lgdt gdt_pointer
    movw $KERNEL_DATA, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    movw %ax, %ss
    ljmpl $0x08, $1f
1:  movw $TSS_SELECTOR, %ax
    ltr %ax
    ret

/*
 * Vector 0x21, the floor of a system call: the kernel's frame (error code and vector slots,
 * every general register, the four data segment registers as read, never reloaded), a call of
 * the C handler with the frame, and the way back.
 */
    .global entry_syscall
entry_syscall:
    pushl $0
    pushl $0x21
    pushal
    pushl %ds
    pushl %es
    pushl %fs
    pushl %gs
    cld
    pushl %esp
    call floor_handler
    addl $4, %esp
    .global return_from_trap
return_from_trap:
    addl $16, %esp          /* the data segment registers did not change: not reloaded */
    popal
    addl $8, %esp
    iretl

/* Vector 0x22: a trap that does nothing but return. */
    .global entry_bare
entry_bare:
    iretl

/* Vector 0x23: entry_syscall with the kernel's own data segment loaded into ds/es/fs/gs on the
   way in and the user's loaded back on the way out (what the project's kernel does today). */
    .global entry_segments
entry_segments:
    pushl $0
    pushl $0x23
    pushal
    pushl %ds
    pushl %es
    pushl %fs
    pushl %gs
    movw $KERNEL_DATA, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    cld
    pushl %esp
    call floor_handler
    addl $4, %esp
    popl %gs
    popl %fs
    popl %es
    popl %ds
    popal
    addl $8, %esp
    iretl

/*
 * enter_user(eip, esp, count): enters ring 3 at eip with stack esp and count in ecx, with the
 * address space and TSS esp0 the caller set. Returns when the user code asks to stop (leave_user).
 */
    .global enter_user
enter_user:
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %esp, kernel_resume_esp
    movl 20(%esp), %eax     /* eip */
    movl 24(%esp), %edx     /* esp */
    movl 28(%esp), %ecx     /* the user loops' count */
    movw $USER_DATA, %si
    movw %si, %ds
    movw %si, %es
    movw %si, %fs
    movw %si, %gs
    pushl $USER_DATA
    pushl %edx
    pushl $0x202            /* eflags: IF set, as for the kernel's programs (the PIC masks every line) */
    pushl $USER_CODE
    pushl %eax
    iretl

/* Called by the handler on a task's kernel stack: back to enter_user's caller. */
    .global leave_user
leave_user:
    movl kernel_resume_esp, %esp
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret

/* switch_stacks(save_esp, load_esp): saves the callee-saved registers and esp, loads another's. */
    .global switch_stacks
switch_stacks:
    movl 4(%esp), %eax
    movl 8(%esp), %edx
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %esp, (%eax)
    movl %edx, %esp
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret

/*
 * The user programs, in a page of their own that every address space maps at USER_BASE
 * (floor.c): position-independent loops of `int`. The count is in ecx.
 */
    .section .user, "ax"
    .align 4096
    .global user_page
user_page:
    .global user_syscall_loop
user_syscall_loop:          /* `getpid` (eax = 0) through vector 0x21, ecx times */
1:  movl $0, %eax
    int $0x21
    decl %ecx
    jnz 1b
    movl $2, %eax
    int $0x21
    .global user_bare_loop
user_bare_loop:             /* the do-nothing trap, ecx times */
1:  int $0x22
    decl %ecx
    jnz 1b
    movl $2, %eax
    int $0x21
    .global user_segments_loop
user_segments_loop:         /* `getpid` through vector 0x23, ecx times */
1:  movl $0, %eax
    int $0x23
    decl %ecx
    jnz 1b
    movl $2, %eax
    int $0x21
    .global user_yield_loop
user_yield_loop:            /* `yield` (eax = 1), ecx times, then stop (eax = 2) */
1:  movl $1, %eax
    int $0x21
    decl %ecx
    jnz 1b
    movl $2, %eax
    int $0x21
    .global user_yield_forever
user_yield_forever:         /* the other side of the ping-pong */
1:  movl $1, %eax
    int $0x21
    jmp 1b
    .align 4096

    .section .data
    .align 8
    .global gdt
gdt:
    .quad 0
    .quad 0x00cf9b000000ffff    /* 0x08 kernel code */
    .quad 0x00cf93000000ffff    /* 0x10 kernel data */
    .quad 0x00cffb000000ffff    /* 0x18 user code, DPL 3 */
    .quad 0x00cff3000000ffff    /* 0x20 user data, DPL 3 */
    .quad 0                     /* 0x28 the TSS, filled in by floor.c */
gdt_end:
gdt_pointer:
    .word gdt_end - gdt - 1
    .long gdt
kernel_resume_esp:
    .long 0

    .section .bss
    .align 16
boot_stack:
    .skip 16384
boot_stack_top:
    .section .note.GNU-stack, "", @progbits
