//! The global allocator: a first-fit free list on memory from `sbrk`.
//!
//! The heap starts empty at the program break the kernel set (the page after the program's
//! last segment). When no free block fits a request, the allocator moves the break up with
//! `sbrk` by at least [`GROW_STEP`] bytes and adds the new memory to the free list, where it
//! merges with a free block just below it. Memory is never given back to the kernel; freed
//! blocks are reused and neighbours coalesce.
//!
//! Processes have a single thread, so the lock only guards against misuse (an allocation from
//! inside the allocator); `fork` copies the heap along with everything else.

mod free_list;

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr;
use core::sync::atomic::{AtomicBool, Ordering};

use free_list::{FreeList, GRANULE, align_up, block_layout};

use crate::errno::decode_result;
use crate::raw;

/// Smallest amount the heap grows by at a time.
pub const GROW_STEP: usize = 16 * 1024;

/// The allocator state behind the lock.
struct Heap {
    free: FreeList,
    /// Whether the break has been aligned to [`GRANULE`] yet.
    aligned: bool,
}

/// ulib's `#[global_allocator]`.
struct BrkAllocator {
    locked: AtomicBool,
    heap: UnsafeCell<Heap>,
}

// SAFETY: all access to `heap` happens with `locked` held (see `BrkAllocator::with`).
unsafe impl Sync for BrkAllocator {}

#[global_allocator]
static ALLOCATOR: BrkAllocator = BrkAllocator {
    locked: AtomicBool::new(false),
    heap: UnsafeCell::new(Heap {
        free: FreeList::new(),
        aligned: false,
    }),
};

/// Moves the break by `increment` bytes, returning the old break.
fn sbrk(increment: usize) -> Option<usize> {
    let increment = isize::try_from(increment).ok()?;
    // SAFETY: moving the break up only adds memory; nothing else in the process uses the
    // memory above the break, which from now on belongs to the allocator.
    decode_result(unsafe { raw::sys_sbrk(increment) }).ok()
}

impl Heap {
    /// Adds at least `min` bytes from `sbrk` to the free list; false if the kernel refuses.
    fn grow(&mut self, min: usize) -> bool {
        if !self.aligned {
            let Some(brk) = sbrk(0) else { return false };
            let Some(aligned) = align_up(brk, GRANULE) else {
                return false;
            };
            if aligned != brk && sbrk(aligned - brk).is_none() {
                return false;
            }
            self.aligned = true;
        }
        let Some(amount) = align_up(min.max(GROW_STEP), GROW_STEP) else {
            return false;
        };
        let Some(old) = sbrk(amount) else {
            return false;
        };
        // Someone else may have moved the break by an odd amount through `ulib::raw`.
        let Some(start) = align_up(old, GRANULE) else {
            return false;
        };
        let end = (old + amount) & !(GRANULE - 1);
        if end <= start {
            return false;
        }
        // SAFETY: `[start, end)` was just added above the old break and belongs to no one
        // else; both ends are multiples of GRANULE.
        unsafe { self.free.give(start, end - start) };
        true
    }

    fn alloc(&mut self, layout: Layout) -> *mut u8 {
        let Some((size, align)) = block_layout(layout.size(), layout.align()) else {
            return ptr::null_mut();
        };
        loop {
            // SAFETY: the free list only ever holds memory handed to it by `grow` or `dealloc`.
            if let Some(addr) = unsafe { self.free.take(size, align) } {
                return addr as *mut u8;
            }
            // Enough for the block even if the new memory starts badly aligned.
            let Some(need) = size.checked_add(align) else {
                return ptr::null_mut();
            };
            if !self.grow(need) {
                return ptr::null_mut();
            }
        }
    }

    /// # Safety
    ///
    /// `ptr` must come from `alloc` with this `layout` and not have been freed.
    unsafe fn dealloc(&mut self, ptr: *mut u8, layout: Layout) {
        if let Some((size, _)) = block_layout(layout.size(), layout.align()) {
            // SAFETY: the block `[ptr, ptr + size)` was carved from the list by `alloc` with
            // the same block size and is handed back exactly once (the caller's contract).
            unsafe { self.free.give(ptr as usize, size) };
        }
    }

    /// # Safety
    ///
    /// As for `GlobalAlloc::realloc`.
    unsafe fn realloc(&mut self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let (Some((old, _)), Some((new, _))) = (
            block_layout(layout.size(), layout.align()),
            block_layout(new_size, layout.align()),
        ) else {
            return ptr::null_mut();
        };
        if new <= old {
            if new < old {
                // SAFETY: the tail `[ptr + new, ptr + old)` belongs to this live block, is
                // GRANULE-aligned, and the caller stops using it by shrinking.
                unsafe { self.free.give(ptr as usize + new, old - new) };
            }
            return ptr;
        }
        // SAFETY: `[ptr, ptr + old)` is a live block of this list (the caller's contract).
        if unsafe { self.free.grow_in_place(ptr as usize, old, new) } {
            return ptr;
        }
        // SAFETY: `new_size` with the old alignment forms a valid layout: `block_layout`
        // accepted it, so rounding it up does not overflow.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        let fresh = self.alloc(new_layout);
        if !fresh.is_null() {
            // SAFETY: both blocks are live, distinct allocations at least `layout.size()`
            // bytes long; the old one is freed right after.
            unsafe {
                ptr::copy_nonoverlapping(ptr, fresh, layout.size());
                self.dealloc(ptr, layout);
            }
        }
        fresh
    }
}

impl BrkAllocator {
    /// Runs `f` on the heap with the lock held.
    fn with<R>(&self, f: impl FnOnce(&mut Heap) -> R) -> R {
        while self
            .locked
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            core::hint::spin_loop();
        }
        // SAFETY: the lock is held, so this is the only reference to the heap state.
        let r = f(unsafe { &mut *self.heap.get() });
        self.locked.store(false, Ordering::Release);
        r
    }
}

// SAFETY: `alloc` returns blocks of at least `layout.size()` bytes aligned to `layout.align()`
// carved from memory only the allocator owns; blocks are never handed out twice while live.
unsafe impl GlobalAlloc for BrkAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.with(|heap| heap.alloc(layout))
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded from the caller of `GlobalAlloc::dealloc`.
        self.with(|heap| unsafe { heap.dealloc(ptr, layout) })
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded from the caller of `GlobalAlloc::realloc`.
        self.with(|heap| unsafe { heap.realloc(ptr, layout, new_size) })
    }
}
