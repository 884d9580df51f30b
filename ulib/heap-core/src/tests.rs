use super::*;
use std::alloc::{alloc_zeroed, dealloc};
use std::vec::Vec;

/// A fake program break over a host buffer: it starts at `base + offset` (so the heap has to
/// align it) and refuses to pass `base + capacity`.
struct FakeBreak {
    base: usize,
    capacity: usize,
    brk: usize,
    calls: usize,
}

/// The host buffer a [`FakeBreak`] hands out, freed on drop.
struct Arena {
    base: *mut u8,
    layout: Layout,
}

impl Arena {
    fn new(capacity: usize) -> Arena {
        let layout = Layout::from_size_align(capacity, 4096).unwrap();
        // SAFETY: the layout has a non-zero size.
        let base = unsafe { alloc_zeroed(layout) };
        assert!(!base.is_null());
        Arena { base, layout }
    }

    fn brk(&self, offset: usize) -> FakeBreak {
        FakeBreak {
            base: self.base as usize,
            capacity: self.layout.size(),
            brk: self.base as usize + offset,
            calls: 0,
        }
    }
}

impl Drop for Arena {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe { dealloc(self.base, self.layout) };
    }
}

impl Break for FakeBreak {
    fn sbrk(&mut self, increment: usize) -> Option<usize> {
        self.calls += 1;
        let new = self.brk.checked_add(increment)?;
        if new > self.base + self.capacity {
            return None;
        }
        Some(core::mem::replace(&mut self.brk, new))
    }
}

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

// ---- the free list on its own ----

/// A free list given one region of `len` bytes of `arena`, at a GRANULE-aligned start.
fn list_over(arena: &Arena, len: usize) -> (FreeList, usize) {
    let mut list = FreeList::new();
    let start = arena.base as usize;
    // SAFETY: the arena's memory belongs to this test and nothing else uses it.
    unsafe { list.give(start, len) };
    (list, start)
}

#[test]
fn take_carves_blocks_first_fit_in_address_order() {
    let arena = Arena::new(4096);
    let (mut list, start) = list_over(&arena, 1024);
    // SAFETY (all `take`/`give` below): the list only holds the arena's memory, and blocks are
    // given back exactly once with the size they were taken with.
    unsafe {
        let a = list.take(GRANULE * 2, GRANULE).unwrap();
        let b = list.take(GRANULE, GRANULE).unwrap();
        assert_eq!(a, start);
        assert_eq!(b, start + GRANULE * 2);
        assert_eq!(list.stats(), (1024 - GRANULE * 3, 1));
        // A hole at the front is reused first.
        list.give(a, GRANULE * 2);
        assert_eq!(list.stats(), (1024 - GRANULE, 2));
        assert_eq!(list.take(GRANULE, GRANULE), Some(start));
    }
}

#[test]
fn freed_neighbours_coalesce_in_any_order() {
    let arena = Arena::new(4096);
    for order in [
        [0, 1, 2],
        [2, 1, 0],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
    ] {
        let (mut list, _) = list_over(&arena, 3 * 64);
        // SAFETY: as in the test above.
        unsafe {
            let blocks: Vec<usize> = (0..3).map(|_| list.take(64, GRANULE).unwrap()).collect();
            assert_eq!(list.stats(), (0, 0), "the list is used up");
            for (n, &i) in order.iter().enumerate() {
                list.give(blocks[i], 64);
                assert_eq!(list.stats().0, 64 * (n + 1));
            }
        }
        // Three adjacent blocks freed, whatever the order: one block again.
        assert_eq!(list.stats(), (3 * 64, 1), "order {order:?}");
    }
}

#[test]
fn separate_regions_stay_separate_blocks() {
    let arena = Arena::new(4096);
    let mut list = FreeList::new();
    let base = arena.base as usize;
    // SAFETY: disjoint pieces of the arena.
    unsafe {
        list.give(base + 512, 128);
        list.give(base, 128);
        assert_eq!(list.stats(), (256, 2));
        // The gap between them closes: all three merge.
        list.give(base + 128, 384);
        assert_eq!(list.stats(), (640, 1));
        assert_eq!(list.take(640, GRANULE), Some(base));
    }
}

#[test]
fn aligned_take_leaves_the_front_piece_free() {
    let arena = Arena::new(8192);
    let base = arena.base as usize;
    let mut list = FreeList::new();
    // SAFETY: the arena's memory, from one granule in.
    unsafe {
        list.give(base + GRANULE, 8192 - GRANULE);
        let at = list.take(GRANULE, 4096).unwrap();
        assert_eq!(at, base + 4096);
        assert_eq!(at % 4096, 0);
        // Front piece (before the aligned block) and back piece stay free.
        assert_eq!(list.stats(), (8192 - 2 * GRANULE, 2));
        let small = list.take(GRANULE, GRANULE).unwrap();
        assert_eq!(small, base + GRANULE, "the front piece is used first");
    }
}

#[test]
fn take_fails_when_nothing_fits_and_changes_nothing() {
    let arena = Arena::new(4096);
    let (mut list, _) = list_over(&arena, 256);
    // SAFETY: as above.
    unsafe {
        assert_eq!(list.take(512, GRANULE), None);
        assert_eq!(list.stats(), (256, 1));
        assert!(list.take(256, GRANULE).is_some());
        assert_eq!(list.take(GRANULE, GRANULE), None);
        // Fits by size, but no address inside is aligned enough.
        let mut list = FreeList::new();
        list.give(arena.base as usize + GRANULE, 256);
        assert_eq!(list.take(GRANULE, 4096), None);
        assert_eq!(list.stats(), (256, 1));
    }
}

#[test]
fn grow_in_place_takes_the_next_free_block_only() {
    let arena = Arena::new(4096);
    let (mut list, start) = list_over(&arena, 1024);
    // SAFETY: as above.
    unsafe {
        let a = list.take(64, GRANULE).unwrap();
        assert!(list.grow_in_place(a, 64, 128));
        assert_eq!(list.stats(), (1024 - 128, 1));
        let b = list.take(64, GRANULE).unwrap();
        assert_eq!(b, start + 128);
        // `a` is now followed by a live block: no growing in place.
        assert!(!list.grow_in_place(a, 128, 192));
        // `b` can grow into everything left, but not more.
        assert!(!list.grow_in_place(b, 64, 64 + 1024));
        assert!(list.grow_in_place(b, 64, 1024 - 128));
        assert_eq!(list.stats(), (0, 0));
    }
}

#[test]
fn block_layout_rounds_to_the_granule() {
    assert_eq!(block_layout(0, 1), Some((GRANULE, GRANULE)));
    assert_eq!(block_layout(1, 1), Some((GRANULE, GRANULE)));
    assert_eq!(block_layout(GRANULE + 1, 64), Some((2 * GRANULE, 64)));
    assert_eq!(block_layout(usize::MAX, 1), None);
    assert_eq!(align_up(usize::MAX - 2, 8), None);
}

// ---- the heap over a break ----

#[test]
fn heap_blocks_are_aligned_disjoint_and_writable() {
    let arena = Arena::new(1 << 20);
    // A break that is not even GRANULE-aligned.
    let mut heap = BrkHeap::new(arena.brk(3));
    let mut live: Vec<(usize, usize)> = Vec::new();
    for (i, (size, align)) in [(1, 1), (24, 8), (100, 16), (4096, 4096), (7, 64), (3000, 8)]
        .into_iter()
        .cycle()
        .take(60)
        .enumerate()
    {
        let p = heap.alloc(layout(size, align));
        assert!(!p.is_null());
        assert_eq!(p as usize % align, 0, "alignment {align}");
        // SAFETY: a live block of `size` bytes.
        unsafe { ptr::write_bytes(p, i as u8, size) };
        for &(q, len) in &live {
            assert!(
                p as usize + size <= q || q + len <= p as usize,
                "blocks overlap"
            );
        }
        live.push((p as usize, size));
    }
    // Every block kept what was written to it.
    for (i, &(p, size)) in live.iter().enumerate() {
        // SAFETY: live blocks of `size` bytes.
        let bytes = unsafe { core::slice::from_raw_parts(p as *const u8, size) };
        assert!(
            bytes.iter().all(|&b| b == i as u8),
            "block {i} was overwritten"
        );
    }
}

#[test]
fn heap_reuses_freed_memory_and_coalesces_back_to_one_block() {
    let arena = Arena::new(1 << 20);
    let mut heap = BrkHeap::new(arena.brk(0));
    let small = layout(48, 8);
    let blocks: Vec<*mut u8> = (0..100).map(|_| heap.alloc(small)).collect();
    let grown = heap.brk.brk - arena.base as usize;
    assert_eq!(grown, GROW_STEP, "100 small blocks fit in one growth step");
    for &p in blocks
        .iter()
        .step_by(2)
        .chain(blocks.iter().skip(1).step_by(2))
    {
        // SAFETY: each block was allocated above with `small` and is freed once.
        unsafe { heap.dealloc(p, small) };
    }
    // Everything the break gave is one free block again.
    assert_eq!(heap.stats(), (GROW_STEP, 1));
    // And it is reused: no more growth for the same allocations.
    let again: Vec<*mut u8> = (0..100).map(|_| heap.alloc(small)).collect();
    assert_eq!(heap.brk.brk - arena.base as usize, grown);
    assert_eq!(again[0], blocks[0]);
}

#[test]
fn heap_grows_for_a_large_request_in_one_step() {
    let arena = Arena::new(1 << 20);
    let mut heap = BrkHeap::new(arena.brk(0));
    let big = layout(100_000, 8);
    let p = heap.alloc(big);
    assert!(!p.is_null());
    let grown = heap.brk.brk - arena.base as usize;
    assert!(
        grown >= 100_000 && grown.is_multiple_of(GROW_STEP),
        "grew by {grown}"
    );
    // Initial alignment query, then one growth.
    assert_eq!(heap.brk.calls, 2);
}

#[test]
fn exhaustion_returns_null_and_the_heap_still_works() {
    let arena = Arena::new(4 * GROW_STEP);
    let mut heap = BrkHeap::new(arena.brk(0));
    let chunk = layout(GROW_STEP / 2, 8);
    let mut got = Vec::new();
    loop {
        let p = heap.alloc(chunk);
        if p.is_null() {
            break;
        }
        got.push(p);
        assert!(got.len() <= 8, "more memory handed out than the break has");
    }
    assert_eq!(
        got.len(),
        8,
        "all of the break's memory is used before giving up"
    );
    // Larger than anything left: null, not a panic.
    assert!(heap.alloc(layout(isize::MAX as usize & !4095, 8)).is_null());
    // SAFETY: allocated above with `chunk`.
    unsafe { heap.dealloc(got.pop().unwrap(), chunk) };
    assert!(!heap.alloc(chunk).is_null(), "freed memory is usable again");
}

#[test]
fn realloc_shrinks_and_grows_in_place_or_moves_keeping_the_contents() {
    let arena = Arena::new(1 << 20);
    let mut heap = BrkHeap::new(arena.brk(0));
    let l = layout(64, 8);
    let p = heap.alloc(l);
    // SAFETY: p is a live block of 64 bytes; every realloc below follows the contract.
    unsafe {
        for i in 0..64 {
            *p.add(i) = i as u8;
        }
        // Grows in place: the memory after it is free.
        let q = heap.realloc(p, l, 256);
        assert_eq!(q, p);
        // Shrinks in place and frees the tail.
        let r = heap.realloc(q, layout(256, 8), 32);
        assert_eq!(r, p);
        let blocker = heap.alloc(layout(8, 8));
        assert_eq!(
            blocker as usize,
            p as usize + 32,
            "the freed tail is reused"
        );
        // Blocked: it has to move, and keeps its first 32 bytes.
        let moved = heap.realloc(r, layout(32, 8), 512);
        assert_ne!(moved, p);
        for i in 0..32 {
            assert_eq!(*moved.add(i), i as u8);
        }
    }
}

// ---- the re-entry guard ----

#[test]
fn heap_cell_gives_exclusive_access_again_and_again() {
    let cell = HeapCell::new(0u32);
    for _ in 0..3 {
        cell.with(|v| *v += 1);
    }
    assert_eq!(cell.with(|v| *v), 3);
}

#[test]
#[should_panic(expected = "ulib heap: allocation from inside the allocator")]
fn heap_cell_panics_on_reentry_instead_of_spinning() {
    let cell = HeapCell::new(BrkHeap::new(FakeBreak {
        base: 0,
        capacity: 0,
        brk: 0,
        calls: 0,
    }));
    cell.with(|_| cell.with(|heap| heap.alloc(layout(8, 8))));
}
