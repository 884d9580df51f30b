//! The kernel heap: a fixed region in .bss managed by `linked_list_allocator`,
//! behind the kernel's interrupt-masking lock. Process records, the process
//! registry and the scheduler's queues live here (kernel stacks do not: see
//! `kstack`).
//!
//! Running out of heap must never take the kernel down on a path a user
//! program drives: those paths allocate fallibly (`try_reserve`,
//! `Arc::try_new`) and turn failure into ENOMEM or EAGAIN. The `kheap=`
//! boot option shrinks the usable heap so tests can drive it to exhaustion.

use core::alloc::{GlobalAlloc, Layout};
use core::ptr::NonNull;

use linked_list_allocator::Heap;

use crate::arch::x86::lock::IrqMutex;

/// Heap size.
pub const HEAP_SIZE: usize = 8 * 1024 * 1024;
/// The smallest heap `kheap=` may ask for (the boot itself needs some).
pub const MIN_HEAP_SIZE: usize = 64 * 1024;

#[repr(C, align(4096))]
struct HeapArea([u8; HEAP_SIZE]);

// In a section of its own that `linker.ld` places last in the image: with
// too little RAM only the heap's top is missing, not the page directory or
// the boot stack, so the kernel lives long enough to say so (docs/boot.md).
#[link_section = ".kheap"]
static mut HEAP_AREA: HeapArea = HeapArea([0; HEAP_SIZE]);

struct KernelHeap(IrqMutex<Heap>);

#[global_allocator]
static ALLOCATOR: KernelHeap = KernelHeap(IrqMutex::new(Heap::empty()));

// SAFETY: allocation and deallocation go through the heap under its lock;
// `linked_list_allocator` hands out non-overlapping blocks of the requested
// layout.
unsafe impl GlobalAlloc for KernelHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.0
            .lock()
            .allocate_first_fit(layout)
            .map_or(core::ptr::null_mut(), NonNull::as_ptr)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if let Some(ptr) = NonNull::new(ptr) {
            // SAFETY: the caller passes a block this allocator returned
            // with the same layout.
            unsafe { self.0.lock().deallocate(ptr, layout) };
        }
    }
}

/// Hands the heap region to the allocator. Call once, before any
/// allocation.
pub fn init() {
    // SAFETY: called once at boot; the region is a static used by nothing
    // else.
    unsafe {
        ALLOCATOR
            .0
            .lock()
            .init((&raw mut HEAP_AREA) as *mut u8, HEAP_SIZE)
    };
}

/// Leaves only about `bytes` of the heap free (`kheap=`), by setting the
/// rest aside for good. Returns the bytes free afterwards.
pub fn restrict_to(bytes: usize) -> usize {
    let bytes = bytes.max(MIN_HEAP_SIZE);
    let free = free_bytes();
    if let Some(excess) = free.checked_sub(bytes).filter(|&e| e > 0) {
        let layout = Layout::from_size_align(excess, 8).expect("heap ballast layout");
        // The ballast is never freed: it is the part of the heap this boot
        // does not use.
        let ballast = ALLOCATOR.0.lock().allocate_first_fit(layout);
        if ballast.is_err() {
            log::warn!("kheap: could not set {} bytes aside", excess);
        }
    }
    free_bytes()
}

/// Bytes currently free in the heap.
pub fn free_bytes() -> usize {
    ALLOCATOR.0.lock().free()
}

/// Whether one block of `bytes` could be allocated now: the free bytes may
/// be scattered in holes too small for a map's node. Allocates and frees a
/// probe under the heap's lock (nothing can take the block in between).
pub fn has_block_of(bytes: usize) -> bool {
    let Ok(layout) = Layout::from_size_align(bytes, 16) else {
        return false;
    };
    let mut heap = ALLOCATOR.0.lock();
    match heap.allocate_first_fit(layout) {
        Ok(block) => {
            // SAFETY: the block was allocated just above with this layout and
            // nothing else has seen it.
            unsafe { heap.deallocate(block, layout) };
            true
        }
        Err(()) => false,
    }
}
