//! Deliberate kernel failures that prove the fault reports work
//! (`crashtest=` on the command line; see docs/testing.md). Never enabled
//! by default.

use core::sync::atomic::{AtomicBool, Ordering};

static STACK_OVERFLOW_ARMED: AtomicBool = AtomicBool::new(false);

/// `crashtest=stackoverflow`: the next system call recurses without end on
/// its process's kernel stack.
pub fn arm_stack_overflow() {
    STACK_OVERFLOW_ARMED.store(true, Ordering::Relaxed);
}

/// Called at every system call's start.
#[inline]
pub fn overflow_if_armed() {
    if STACK_OVERFLOW_ARMED.load(Ordering::Relaxed) {
        crate::kprintln!(
            "crashtest=stackoverflow: recursing on pid {}'s kernel stack",
            crate::sched::current_pid()
        );
        let depth = recurse(core::hint::black_box(1));
        crate::kprintln!("recursion ended at depth {depth}?");
    }
}

/// Uses a frame of stack per level and never ends.
#[inline(never)]
#[allow(unconditional_recursion)]
fn recurse(depth: u32) -> u32 {
    let mut frame = [0u8; 256];
    frame[depth as usize % 256] = depth as u8;
    core::hint::black_box(&mut frame);
    recurse(core::hint::black_box(depth + 1)).wrapping_add(frame[0] as u32)
}
