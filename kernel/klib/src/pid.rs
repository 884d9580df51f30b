//! Process id allocation: ids count up and wrap, skipping ids still in use,
//! so a recently freed pid is not handed out again at once (as on Unix).

/// Hands out process ids in `first..=max`.
pub struct PidAllocator {
    next: i32,
    first: i32,
    max: i32,
}

impl PidAllocator {
    /// An allocator whose first id is `first` and which wraps after `max`.
    pub const fn new(first: i32, max: i32) -> Self {
        PidAllocator {
            next: first,
            first,
            max,
        }
    }

    /// The next id for which `in_use` is false, or `None` when every id is taken.
    pub fn allocate(&mut self, in_use: impl Fn(i32) -> bool) -> Option<i32> {
        let span = (self.max - self.first + 1) as usize;
        for _ in 0..span {
            let candidate = self.next;
            self.next = if self.next >= self.max {
                self.first
            } else {
                self.next + 1
            };
            if !in_use(candidate) {
                return Some(candidate);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_up_from_first() {
        let mut pids = PidAllocator::new(1, 100);
        assert_eq!(pids.allocate(|_| false), Some(1));
        assert_eq!(pids.allocate(|_| false), Some(2));
        assert_eq!(pids.allocate(|_| false), Some(3));
    }

    #[test]
    fn wraps_and_skips_ids_in_use() {
        let mut pids = PidAllocator::new(2, 5);
        for expected in 2..=5 {
            assert_eq!(pids.allocate(|_| false), Some(expected));
        }
        // Wrapped: 2 and 3 are still alive, so 4 comes next.
        assert_eq!(pids.allocate(|p| p == 2 || p == 3), Some(4));
    }

    #[test]
    fn reports_exhaustion() {
        let mut pids = PidAllocator::new(1, 3);
        assert_eq!(pids.allocate(|_| true), None);
    }
}
