/* crt0: the entry point of every C program.
 *
 * The kernel starts the program with this stack (SysV i386):
 *     (%esp)            argc
 *     4(%esp)           argv[0] ... argv[argc - 1], NULL
 *     8+4*argc(%esp)    envp[0] ... NULL
 * and every register else undefined. We set up environ and run the constructors
 * (__lx_libc_init), call main(argc, argv), and hand its result to exit().
 * Calls are made with %esp 16-byte aligned, as the i386 ABI asks. */

    .section .text._start, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    xorl %ebp, %ebp                 /* end of the frame-pointer chain */
    movl (%esp), %esi               /* argc (esi, edi, ebx survive calls) */
    leal 4(%esp), %edi              /* argv */
    leal 8(%esp, %esi, 4), %ebx     /* envp = &argv[argc + 1] */
    andl $-16, %esp

    subl $12, %esp
    pushl %ebx
    call __lx_libc_init             /* __lx_libc_init(envp) */
    addl $16, %esp

    subl $8, %esp
    pushl %edi
    pushl %esi
    call main                       /* main(argc, argv) */
    addl $16, %esp

    subl $12, %esp
    pushl %eax
    call exit                       /* exit(main's result); does not return */
    ud2
    .size _start, . - _start

    .section .note.GNU-stack, "", @progbits
