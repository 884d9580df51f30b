//! The context switch: save callee-saved registers and the stack pointer of
//! one kernel stack, load another's.
//!
//! A switched-out context's stack holds, from its saved esp upward:
//! `edi, esi, ebx, ebp, return address`. A new process's kernel stack is
//! built the same way with `trap_return` as the return address, sitting just
//! below the [`TrapFrame`] that takes it to ring 3.

use core::arch::global_asm;

use super::idt::{trap_return, TrapFrame};

global_asm!(
    r#"
    .section .text
    .global context_switch
    context_switch:
        movl 4(%esp), %eax      /* where to save the old esp */
        movl 8(%esp), %edx      /* the esp to load */
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
    "#,
    options(att_syntax)
);

extern "C" {
    fn context_switch(save_esp: *mut usize, load_esp: usize);
}

/// Saves the current context's stack pointer into `*save_esp` and resumes
/// the context whose stack pointer is `load_esp`. Returns when something
/// switches back to the saved context.
///
/// # Safety
/// `save_esp` must stay valid until the switch back; `load_esp` must be a
/// stack prepared by a previous switch or by [`prepare_new_stack`].
pub unsafe fn switch(save_esp: *mut usize, load_esp: usize) {
    // SAFETY: guaranteed by the caller.
    unsafe { context_switch(save_esp, load_esp) }
}

/// Lays out a fresh kernel stack ending at `stack_top` so that switching to
/// it enters ring 3 through `frame`. Returns the esp to switch to.
///
/// # Safety
/// `stack_top` must be the 16-byte-aligned end of an unused, writable kernel
/// stack of at least a page.
pub unsafe fn prepare_new_stack(stack_top: usize, frame: &TrapFrame) -> usize {
    let frame_addr = stack_top - core::mem::size_of::<TrapFrame>();
    let switch_words: [usize; 5] = [0, 0, 0, 0, trap_return as *const () as usize]; // edi esi ebx ebp ret
    let esp = frame_addr - core::mem::size_of_val(&switch_words);
    // SAFETY: both writes land inside the stack the caller handed over.
    unsafe {
        (frame_addr as *mut TrapFrame).write(*frame);
        (esp as *mut [usize; 5]).write(switch_words);
    }
    esp
}
