//! The context switch: save callee-saved registers and the stack pointer of
//! one kernel stack, load another's.
//!
//! A switched-out context's stack holds, from its saved esp upward:
//! `edi, esi, ebx, ebp, return address`. A new process's kernel stack is
//! built the same way with `task_first_run` as the return address and the
//! scheduler's "finish the switch" function in the `ebx` slot, sitting just
//! below the [`TrapFrame`] that takes it to ring 3: its first run calls the
//! function (which releases the scheduler's lock, as every context resuming
//! from a switch does), then leaves through `trap_return`.

use core::arch::global_asm;
use core::sync::atomic::{AtomicUsize, Ordering};

use super::idt::TrapFrame;

global_asm!(
    r#"
    .section .text.hot, "ax"
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

    .section .text
    .global task_first_run
    task_first_run:
        call *%ebx
        jmp trap_return
    "#,
    options(att_syntax)
);

extern "C" {
    fn context_switch(save_esp: *mut usize, load_esp: usize);
    fn task_first_run();
}

/// Where a switched-out context's stack pointer is kept.
pub struct SavedContext(AtomicUsize);

impl SavedContext {
    /// Nothing saved yet.
    pub const fn new() -> SavedContext {
        SavedContext(AtomicUsize::new(0))
    }

    /// The saved stack pointer.
    pub fn esp(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}

impl Default for SavedContext {
    fn default() -> Self {
        Self::new()
    }
}

/// Saves the current context into `save` and resumes the context saved in
/// `load`. Returns when something switches back to `save`.
///
/// Safe to call because a [`SavedContext`] can only hold what this module
/// put there: an esp saved by a switch or laid out by
/// [`prepare_new_stack`], pointing into the stack that the same record (the
/// scheduler's task) owns. The caller keeps both records alive across the
/// switch, which it must for its own bookkeeping anyway.
pub fn switch(save: &SavedContext, load: &SavedContext) {
    let load_esp = load.esp();
    assert_ne!(load_esp, 0, "switch to a context that was never saved");
    // SAFETY: see above; the store through the atomic's pointer is the only
    // write to `save` while its context is switched out.
    unsafe { context_switch(save.0.as_ptr(), load_esp) }
}

/// Lays out a fresh kernel stack ending at `stack_top` so that switching to
/// it calls `first_run`, then enters ring 3 through `frame`. Records the esp
/// to switch to in `context`.
///
/// # Safety
/// `stack_top` must be the 16-byte-aligned end of an unused, writable kernel
/// stack of at least a page.
pub unsafe fn prepare_new_stack(
    context: &SavedContext,
    stack_top: usize,
    frame: &TrapFrame,
    first_run: extern "C" fn(),
) {
    let frame_addr = stack_top - core::mem::size_of::<TrapFrame>();
    // edi esi ebx ebp ret
    let switch_words: [usize; 5] = [
        0,
        0,
        first_run as usize,
        0,
        task_first_run as *const () as usize,
    ];
    let esp = frame_addr - core::mem::size_of_val(&switch_words);
    // SAFETY: both writes land inside the stack the caller handed over.
    unsafe {
        (frame_addr as *mut TrapFrame).write(*frame);
        (esp as *mut [usize; 5]).write(switch_words);
    }
    context.0.store(esp, Ordering::Relaxed);
}
