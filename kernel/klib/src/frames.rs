//! Bookkeeping for physical page frames: which are free, and how many
//! mappings share each one (fork shares frames copy-on-write).
//!
//! The table knows nothing about memory itself; it hands out frame numbers.
//! Free frames sit on a stack, so allocating and freeing are O(1).

use alloc::vec;
use alloc::vec::Vec;

/// A physical frame number (physical address / 4096).
pub type FrameNumber = u32;

/// What went wrong when a frame was handed back or shared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameError {
    /// The frame is outside the managed range.
    OutOfRange(FrameNumber),
    /// The frame is not allocated (its reference count is zero).
    NotAllocated(FrameNumber),
    /// The frame's reference count would overflow.
    TooManyReferences(FrameNumber),
}

/// Checks that usable RAM covers the physical range `start..end` without a gap. `usable` lists
/// the usable regions of the memory map as `(base, length)`, in any order, possibly adjacent or
/// overlapping.
///
/// On failure returns where RAM stops: the first address from `start` on that no usable region
/// covers (`start` itself when the range does not begin in RAM).
pub fn ram_covers(
    usable: impl Iterator<Item = (u64, u64)> + Clone,
    start: u64,
    end: u64,
) -> Result<(), u64> {
    let mut reached = start;
    while reached < end {
        let next = usable
            .clone()
            .filter(|&(base, len)| base <= reached && reached < base.saturating_add(len))
            .map(|(base, len)| base.saturating_add(len))
            .max();
        match next {
            Some(next) => reached = next,
            None => return Err(reached),
        }
    }
    Ok(())
}

/// Reference counts and the free list for `count` frames starting at `first`.
pub struct FrameTable {
    first: FrameNumber,
    refcounts: Vec<u16>,
    usable: Vec<bool>,
    free: Vec<FrameNumber>,
    total_usable: usize,
}

impl FrameTable {
    /// A table covering frames `first..first + count`, all of them unusable
    /// until [`FrameTable::add_free_range`] says otherwise.
    pub fn new(first: FrameNumber, count: usize) -> Self {
        FrameTable {
            first,
            refcounts: vec![0; count],
            usable: vec![false; count],
            free: Vec::with_capacity(count),
            total_usable: 0,
        }
    }

    fn index(&self, frame: FrameNumber) -> Result<usize, FrameError> {
        let index = frame
            .checked_sub(self.first)
            .ok_or(FrameError::OutOfRange(frame))? as usize;
        if index < self.refcounts.len() {
            Ok(index)
        } else {
            Err(FrameError::OutOfRange(frame))
        }
    }

    /// Marks frames `start..end` (clipped to the table) as usable and free.
    /// Frames already added are not added twice.
    pub fn add_free_range(&mut self, start: FrameNumber, end: FrameNumber) {
        let lo = start.max(self.first);
        let hi = end.min(self.first + self.refcounts.len() as u32);
        // Push in reverse so that allocation hands out low frames first.
        for frame in (lo..hi).rev() {
            let index = (frame - self.first) as usize;
            if !self.usable[index] {
                self.usable[index] = true;
                self.total_usable += 1;
                self.free.push(frame);
            }
        }
    }

    /// Takes a free frame; its reference count becomes 1.
    pub fn allocate(&mut self) -> Option<FrameNumber> {
        let frame = self.free.pop()?;
        let index = (frame - self.first) as usize;
        debug_assert_eq!(self.refcounts[index], 0);
        self.refcounts[index] = 1;
        Some(frame)
    }

    /// Adds a reference to an allocated frame (another mapping shares it).
    pub fn retain(&mut self, frame: FrameNumber) -> Result<u16, FrameError> {
        let index = self.index(frame)?;
        let count = &mut self.refcounts[index];
        if *count == 0 {
            return Err(FrameError::NotAllocated(frame));
        }
        *count = count
            .checked_add(1)
            .ok_or(FrameError::TooManyReferences(frame))?;
        Ok(*count)
    }

    /// Drops a reference; the frame becomes free when the count reaches 0.
    /// Returns the remaining count.
    pub fn release(&mut self, frame: FrameNumber) -> Result<u16, FrameError> {
        let index = self.index(frame)?;
        let count = &mut self.refcounts[index];
        if *count == 0 {
            return Err(FrameError::NotAllocated(frame));
        }
        *count -= 1;
        if *count == 0 {
            self.free.push(frame);
        }
        Ok(*count)
    }

    /// The reference count of a frame (0 when free or unusable).
    pub fn refcount(&self, frame: FrameNumber) -> Result<u16, FrameError> {
        Ok(self.refcounts[self.index(frame)?])
    }

    /// How many frames are free right now.
    pub fn free_count(&self) -> usize {
        self.free.len()
    }

    /// How many frames the table manages in total (free or allocated).
    pub fn usable_count(&self) -> usize {
        self.total_usable
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// QEMU's map with `-m 10M`: low memory, a hole, then RAM from 1 MiB up to 128 KiB below
    /// the end (given out of order, with the upper part split in two adjacent regions).
    const MAP: [(u64, u64); 3] = [
        (0x50_0000, 0x4e_0000),
        (0, 0x9_fc00),
        (0x10_0000, 0x40_0000),
    ];

    #[test]
    fn ram_covers_ranges_inside_adjacent_regions() {
        let map = MAP.iter().copied();
        assert_eq!(ram_covers(map.clone(), 0x10_0000, 0x9e_0000), Ok(()));
        assert_eq!(ram_covers(map.clone(), 0x40_0000, 0x60_0000), Ok(()));
        assert_eq!(ram_covers(map.clone(), 0x1000, 0x2000), Ok(()));
        assert_eq!(ram_covers(map, 0x30_0000, 0x30_0000), Ok(()));
    }

    #[test]
    fn ram_covers_reports_where_ram_ends() {
        let map = MAP.iter().copied();
        // An initrd that runs past the top of RAM.
        assert_eq!(
            ram_covers(map.clone(), 0x92_a000, 0xc0_0000),
            Err(0x9e_0000)
        );
        // A range across the hole below 1 MiB stops at the hole.
        assert_eq!(ram_covers(map.clone(), 0x9_0000, 0x11_0000), Err(0x9_fc00));
        // A range that starts outside RAM.
        assert_eq!(ram_covers(map.clone(), 0xa_0000, 0xb_0000), Err(0xa_0000));
        assert_eq!(ram_covers(map, 0x100_0000, 0x100_1000), Err(0x100_0000));
        assert_eq!(ram_covers(core::iter::empty(), 0, 1), Err(0));
    }

    #[test]
    fn allocates_every_free_frame_once_then_runs_out() {
        let mut table = FrameTable::new(100, 10);
        table.add_free_range(102, 106);
        assert_eq!(table.free_count(), 4);
        let mut got: Vec<_> = (0..4).map(|_| table.allocate().unwrap()).collect();
        assert_eq!(table.allocate(), None);
        got.sort();
        assert_eq!(got, vec![102, 103, 104, 105]);
        for frame in got {
            assert_eq!(table.release(frame), Ok(0));
        }
        assert_eq!(table.free_count(), 4);
    }

    #[test]
    fn ranges_are_clipped_and_not_added_twice() {
        let mut table = FrameTable::new(10, 5);
        table.add_free_range(0, 12);
        table.add_free_range(11, 100);
        assert_eq!(table.usable_count(), 5);
        assert_eq!(table.free_count(), 5);
    }

    #[test]
    fn shared_frame_is_freed_by_the_last_release_only() {
        let mut table = FrameTable::new(0, 4);
        table.add_free_range(0, 4);
        let frame = table.allocate().unwrap();
        assert_eq!(table.retain(frame), Ok(2));
        assert_eq!(table.retain(frame), Ok(3));
        assert_eq!(table.release(frame), Ok(2));
        assert_eq!(table.release(frame), Ok(1));
        assert_eq!(table.free_count(), 3);
        assert_eq!(table.release(frame), Ok(0));
        assert_eq!(table.free_count(), 4);
        assert_eq!(table.refcount(frame), Ok(0));
    }

    #[test]
    fn misuse_is_reported() {
        let mut table = FrameTable::new(0, 4);
        table.add_free_range(0, 4);
        assert_eq!(table.release(2), Err(FrameError::NotAllocated(2)));
        assert_eq!(table.retain(2), Err(FrameError::NotAllocated(2)));
        assert_eq!(table.release(9), Err(FrameError::OutOfRange(9)));
        let frame = table.allocate().unwrap();
        table.release(frame).unwrap();
        assert_eq!(table.release(frame), Err(FrameError::NotAllocated(frame)));
        assert_eq!(
            table.free_count(),
            4,
            "a double free must not duplicate the frame"
        );
    }
}
