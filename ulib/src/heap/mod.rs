//! The global allocator: [`heap_core::BrkHeap`] (a first-fit free list, host-tested in
//! `ulib/heap-core`) on memory from `sbrk`.
//!
//! The heap starts empty at the program break the kernel set (the page after the program's
//! last segment). When no free block fits a request, the allocator moves the break up with
//! `sbrk` by at least [`GROW_STEP`](heap_core::GROW_STEP) bytes and adds the new memory to the
//! free list, where it merges with a free block just below it. Memory is never given back to
//! the kernel; freed blocks are reused and neighbours coalesce.
//!
//! Processes have a single thread, so nothing can legitimately find the heap in use: an
//! allocation from inside the allocator (re-entry) panics with
//! [`REENTRY_MESSAGE`](heap_core::REENTRY_MESSAGE) instead of spinning forever. `fork` copies
//! the heap along with everything else.

use core::alloc::{GlobalAlloc, Layout};

use heap_core::{Break, BrkHeap, HeapCell};

use crate::errno::decode_result;
use crate::raw;

/// The process's program break, moved with the `sbrk` system call.
struct ProgramBreak;

impl Break for ProgramBreak {
    fn sbrk(&mut self, increment: usize) -> Option<usize> {
        let increment = isize::try_from(increment).ok()?;
        // SAFETY: moving the break up only adds memory; nothing else in the process uses the
        // memory above the break, which from now on belongs to the allocator.
        decode_result(unsafe { raw::sys_sbrk(increment) }).ok()
    }
}

/// ulib's `#[global_allocator]`.
struct BrkAllocator(HeapCell<BrkHeap<ProgramBreak>>);

#[global_allocator]
static ALLOCATOR: BrkAllocator = BrkAllocator(HeapCell::new(BrkHeap::new(ProgramBreak)));

// SAFETY: `alloc` returns blocks of at least `layout.size()` bytes aligned to `layout.align()`
// carved from memory only the allocator owns; blocks are never handed out twice while live.
unsafe impl GlobalAlloc for BrkAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.0.with(|heap| heap.alloc(layout))
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded from the caller of `GlobalAlloc::dealloc`.
        self.0.with(|heap| unsafe { heap.dealloc(ptr, layout) })
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded from the caller of `GlobalAlloc::realloc`.
        self.0
            .with(|heap| unsafe { heap.realloc(ptr, layout, new_size) })
    }
}
