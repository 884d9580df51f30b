//! An address-ordered, first-fit free list that coalesces neighbours.
//!
//! The list lives inside the free memory itself: each free block starts with a
//! [`FreeBlock`] header (its size and the next free block). Allocated blocks carry no header;
//! `GlobalAlloc::dealloc` is told the layout, which gives the size back.
//!
//! Every block address and size is a multiple of [`GRANULE`] (the header size), so any
//! leftover piece of a block is either empty or big enough to hold a header, and no byte is
//! ever lost to fragments too small to track.

use core::ptr;

/// Allocation granule: sizes and addresses are multiples of this.
pub const GRANULE: usize = core::mem::size_of::<FreeBlock>();

/// Header of a free block, stored at its start.
struct FreeBlock {
    /// Bytes in the block, header included; a non-zero multiple of [`GRANULE`].
    size: usize,
    /// The next free block at a higher address, or null.
    next: *mut FreeBlock,
}

/// The free blocks, sorted by address.
pub struct FreeList {
    head: *mut FreeBlock,
}

// SAFETY: the list owns the memory its pointers reach (nothing else uses free blocks), so
// moving it to another thread moves that ownership along.
unsafe impl Send for FreeList {}

/// `value` rounded up to a multiple of `align` (a power of two), or `None` on overflow.
pub fn align_up(value: usize, align: usize) -> Option<usize> {
    Some(value.checked_add(align - 1)? & !(align - 1))
}

/// The block size and alignment the list uses for a request of `size` bytes aligned to
/// `align` (a power of two), or `None` if the size overflows.
pub fn block_layout(size: usize, align: usize) -> Option<(usize, usize)> {
    Some((align_up(size.max(1), GRANULE)?, align.max(GRANULE)))
}

impl FreeList {
    /// An empty list.
    pub const fn new() -> FreeList {
        FreeList {
            head: ptr::null_mut(),
        }
    }

    /// Carves `size` bytes aligned to `align` out of the first free block that can hold them.
    ///
    /// `size` and `align` must come from [`block_layout`]. Returns the address, or `None` if
    /// no block is large enough.
    ///
    /// # Safety
    ///
    /// The list's blocks must be memory owned by the list (given to it by [`FreeList::give`]).
    pub unsafe fn take(&mut self, size: usize, align: usize) -> Option<usize> {
        let mut link: *mut *mut FreeBlock = &raw mut self.head;
        // SAFETY (whole loop): `link` points either at `self.head` or at the `next` field of
        // a free block; every non-null block pointer in the list addresses a header the list
        // owns (the caller's contract), so reading and writing headers is sound.
        unsafe {
            while !(*link).is_null() {
                let block = *link;
                let start = block as usize;
                let end = start + (*block).size;
                let next = (*block).next;
                if let Some(at) = align_up(start, align)
                    && let Some(taken_end) = at.checked_add(size)
                    && taken_end <= end
                {
                    // The front piece keeps the block's header; the back piece gets its own.
                    let mut rest = next;
                    if taken_end < end {
                        let back = taken_end as *mut FreeBlock;
                        back.write(FreeBlock {
                            size: end - taken_end,
                            next: rest,
                        });
                        rest = back;
                    }
                    if at > start {
                        (*block).size = at - start;
                        (*block).next = rest;
                    } else {
                        *link = rest;
                    }
                    return Some(at);
                }
                link = &raw mut (*block).next;
            }
        }
        None
    }

    /// Returns `size` bytes at `addr` to the list, merging them with adjacent free blocks.
    ///
    /// # Safety
    ///
    /// `addr` and `size` must be non-zero multiples of [`GRANULE`] describing memory the
    /// caller owns and gives up, not overlapping any block already in the list.
    pub unsafe fn give(&mut self, addr: usize, size: usize) {
        let end = addr + size;
        let mut prev: *mut FreeBlock = ptr::null_mut();
        let mut next = self.head;
        // SAFETY (whole block): every non-null pointer followed is a header owned by the
        // list, and `addr` is memory the caller hands over, large enough for a header.
        unsafe {
            while !next.is_null() && (next as usize) < addr {
                prev = next;
                next = (*next).next;
            }
            let block = addr as *mut FreeBlock;
            block.write(FreeBlock { size, next });
            if !next.is_null() && next as usize == end {
                (*block).size += (*next).size;
                (*block).next = (*next).next;
            }
            if prev.is_null() {
                self.head = block;
            } else if prev as usize + (*prev).size == addr {
                (*prev).size += (*block).size;
                (*prev).next = (*block).next;
            } else {
                (*prev).next = block;
            }
        }
    }

    /// Tries to grow the allocation `[addr, addr + size)` in place to `new_size` bytes by
    /// taking the free block right after it. Both sizes must come from [`block_layout`].
    ///
    /// # Safety
    ///
    /// `[addr, addr + size)` must be an allocation carved from this list and still live.
    pub unsafe fn grow_in_place(&mut self, addr: usize, size: usize, new_size: usize) -> bool {
        let end = addr + size;
        let want = new_size - size;
        let mut link: *mut *mut FreeBlock = &raw mut self.head;
        // SAFETY (whole block): as in `take`, `link` always points at the head or at the
        // `next` field of a header owned by the list.
        unsafe {
            while !(*link).is_null() && ((*link) as usize) < end {
                link = &raw mut (**link).next;
            }
            let block = *link;
            if block.is_null() || block as usize != end || (*block).size < want {
                return false;
            }
            let left = (*block).size - want;
            let next = (*block).next;
            if left == 0 {
                *link = next;
            } else {
                let rest = (end + want) as *mut FreeBlock;
                rest.write(FreeBlock { size: left, next });
                *link = rest;
            }
        }
        true
    }

    /// Total free bytes and number of free blocks.
    pub fn stats(&self) -> (usize, usize) {
        let (mut bytes, mut blocks) = (0, 0);
        let mut cur = self.head;
        while !cur.is_null() {
            // SAFETY: every block in the list is a header the list owns.
            unsafe {
                bytes += (*cur).size;
                cur = (*cur).next;
            }
            blocks += 1;
        }
        (bytes, blocks)
    }
}

impl Default for FreeList {
    fn default() -> Self {
        Self::new()
    }
}
