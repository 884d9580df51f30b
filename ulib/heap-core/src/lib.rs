//! ulib's heap without the system calls, so that `cargo test` on the host exercises it.
//!
//! - [`free_list::FreeList`]: an address-ordered, first-fit free list that coalesces neighbours;
//! - [`BrkHeap`]: the allocator proper, which takes memory from a [`Break`] (in ulib: `sbrk`)
//!   when no free block fits;
//! - [`HeapCell`]: gives the allocator exclusive access to the heap, and fails loudly (a panic
//!   with [`REENTRY_MESSAGE`]) when the allocator is entered again while it runs.
//!
//! ulib (`ulib/src/heap/mod.rs`) puts a `BrkHeap` over the real program break in a `HeapCell`
//! and makes that the `#[global_allocator]`.
#![cfg_attr(not(test), no_std)]

pub mod free_list;

use core::alloc::Layout;
use core::cell::UnsafeCell;
use core::ptr;
use core::sync::atomic::{AtomicBool, Ordering};

use free_list::{FreeList, GRANULE, align_up, block_layout};

/// Smallest amount the heap grows by at a time.
pub const GROW_STEP: usize = 16 * 1024;

/// What a re-entered allocator panics with.
pub const REENTRY_MESSAGE: &str = "ulib heap: allocation from inside the allocator (the heap is \
    already in use: re-entry, e.g. from a handler that interrupted an allocation)";

/// The program break: memory from the end of the program's data up.
pub trait Break {
    /// Moves the break up by `increment` bytes and returns the old break, or `None` if the
    /// system refuses. `sbrk(0)` returns the current break.
    fn sbrk(&mut self, increment: usize) -> Option<usize>;
}

/// A first-fit heap on memory taken from a [`Break`].
///
/// The heap starts empty. When no free block fits a request, it moves the break up by at least
/// [`GROW_STEP`] bytes and gives the new memory to the free list, where it merges with a free
/// block just below it. Memory is never given back; freed blocks are reused and neighbours
/// coalesce.
pub struct BrkHeap<B> {
    free: FreeList,
    brk: B,
    /// Whether the break has been aligned to [`GRANULE`] yet.
    aligned: bool,
}

impl<B: Break> BrkHeap<B> {
    /// An empty heap over `brk`.
    pub const fn new(brk: B) -> Self {
        Self {
            free: FreeList::new(),
            brk,
            aligned: false,
        }
    }

    /// Free bytes and free blocks in the list.
    pub fn stats(&self) -> (usize, usize) {
        self.free.stats()
    }

    /// Adds at least `min` bytes from the break to the free list; false if it is refused.
    fn grow(&mut self, min: usize) -> bool {
        if !self.aligned {
            let Some(brk) = self.brk.sbrk(0) else {
                return false;
            };
            let Some(aligned) = align_up(brk, GRANULE) else {
                return false;
            };
            if aligned != brk && self.brk.sbrk(aligned - brk).is_none() {
                return false;
            }
            self.aligned = true;
        }
        let Some(amount) = align_up(min.max(GROW_STEP), GROW_STEP) else {
            return false;
        };
        let Some(old) = self.brk.sbrk(amount) else {
            return false;
        };
        // Someone else may have moved the break by an odd amount (through `ulib::raw`).
        let Some(start) = align_up(old, GRANULE) else {
            return false;
        };
        let end = (old + amount) & !(GRANULE - 1);
        if end <= start {
            return false;
        }
        // SAFETY: `[start, end)` was just added above the old break and belongs to no one
        // else (the `Break` contract); both ends are multiples of GRANULE.
        unsafe { self.free.give(start, end - start) };
        true
    }

    /// Allocates a block for `layout`, or returns null when the break cannot grow.
    pub fn alloc(&mut self, layout: Layout) -> *mut u8 {
        let Some((size, align)) = block_layout(layout.size(), layout.align()) else {
            return ptr::null_mut();
        };
        loop {
            // SAFETY: the free list only ever holds memory handed to it by `grow` or
            // `dealloc`.
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

    /// Frees a block.
    ///
    /// # Safety
    ///
    /// `ptr` must come from `alloc` (or `realloc`) of this heap with this `layout` and not have
    /// been freed.
    pub unsafe fn dealloc(&mut self, ptr: *mut u8, layout: Layout) {
        if let Some((size, _)) = block_layout(layout.size(), layout.align()) {
            // SAFETY: the block `[ptr, ptr + size)` was carved from the list by `alloc` with
            // the same block size and is handed back exactly once (the caller's contract).
            unsafe { self.free.give(ptr as usize, size) };
        }
    }

    /// Resizes a block, in place when it can.
    ///
    /// # Safety
    ///
    /// As for `GlobalAlloc::realloc`: `ptr` is a live block of this heap allocated with
    /// `layout`, and `new_size` rounded up to `layout.align()` does not overflow `isize`.
    pub unsafe fn realloc(&mut self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
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

/// Exclusive access to a value for code that must never be re-entered, such as an allocator.
///
/// [`HeapCell::with`] marks the value in use while its closure runs. Entering it again before
/// the closure returns (from inside the closure, from a handler that interrupted it, or from a
/// second thread) panics with [`REENTRY_MESSAGE`] instead of waiting: in a single-threaded
/// process nobody else could ever release it, so waiting would spin forever.
pub struct HeapCell<T> {
    in_use: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: the value is only reached through `with`, which hands out one `&mut` at a time (a
// second caller panics before touching it); `T: Send` lets that `&mut` be used on any thread.
unsafe impl<T: Send> Sync for HeapCell<T> {}

impl<T> HeapCell<T> {
    /// A cell holding `value`.
    pub const fn new(value: T) -> Self {
        Self {
            in_use: AtomicBool::new(false),
            value: UnsafeCell::new(value),
        }
    }

    /// Runs `f` with exclusive access to the value.
    ///
    /// # Panics
    ///
    /// With [`REENTRY_MESSAGE`] if the cell is already in use.
    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        if self.in_use.swap(true, Ordering::Acquire) {
            panic!("{REENTRY_MESSAGE}");
        }
        // SAFETY: `in_use` was false and is now true, so no other reference to the value
        // exists until it is cleared below.
        let r = f(unsafe { &mut *self.value.get() });
        self.in_use.store(false, Ordering::Release);
        r
    }
}

#[cfg(test)]
mod tests;
