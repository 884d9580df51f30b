//! The kernel heap: a fixed region in .bss managed by `linked_list_allocator`.
//! Process control blocks, kernel stacks and the scheduler's queues live here.

use linked_list_allocator::LockedHeap;

/// Heap size: room for the 16 KiB kernel stacks of `MAX_PROCESSES` (512)
/// processes (8 MiB) plus their records and queues.
pub const HEAP_SIZE: usize = 12 * 1024 * 1024;

#[repr(C, align(4096))]
struct HeapArea([u8; HEAP_SIZE]);

static mut HEAP_AREA: HeapArea = HeapArea([0; HEAP_SIZE]);

#[global_allocator]
static ALLOCATOR: LockedHeap = LockedHeap::empty();

/// Hands the heap region to the allocator. Call once, before any allocation.
pub fn init() {
    // SAFETY: called once at boot; the region is a static used by nothing else.
    unsafe {
        ALLOCATOR
            .lock()
            .init((&raw mut HEAP_AREA) as *mut u8, HEAP_SIZE)
    };
}

/// Bytes currently free in the heap.
pub fn free_bytes() -> usize {
    ALLOCATOR.lock().free()
}
