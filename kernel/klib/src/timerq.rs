//! The sleep queue: sleepers ordered by the deadline at which they wake
//! (the kernel uses nanoseconds on its monotonic clock; the queue only
//! compares numbers).
//!
//! Ties wake in the order they went to sleep, so two processes sleeping the
//! same time wake first-come, first-served.

use alloc::collections::BinaryHeap;
use core::cmp::Reverse;

/// Processes waiting for a tick deadline.
#[derive(Default)]
pub struct TimerQueue {
    heap: BinaryHeap<Reverse<(u64, u64, i32)>>,
    sequence: u64,
}

impl TimerQueue {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Puts `pid` to sleep until the clock reaches `deadline`.
    pub fn insert(&mut self, deadline: u64, pid: i32) {
        self.sequence += 1;
        self.heap.push(Reverse((deadline, self.sequence, pid)));
    }

    /// Removes and returns one sleeper whose deadline is at or before `now`.
    pub fn pop_expired(&mut self, now: u64) -> Option<i32> {
        match self.heap.peek() {
            Some(Reverse((deadline, _, _))) if *deadline <= now => {
                self.heap.pop().map(|Reverse((_, _, pid))| pid)
            }
            _ => None,
        }
    }

    /// Number of sleepers.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when nobody sleeps.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_wakes_before_its_deadline() {
        let mut q = TimerQueue::new();
        q.insert(10, 1);
        assert_eq!(q.pop_expired(9), None);
        assert_eq!(q.pop_expired(10), Some(1));
        assert!(q.is_empty());
    }

    #[test]
    fn wakes_in_deadline_order_then_fifo() {
        let mut q = TimerQueue::new();
        q.insert(30, 3);
        q.insert(10, 1);
        q.insert(20, 2);
        q.insert(10, 4);
        let mut woken = Vec::new();
        while let Some(pid) = q.pop_expired(100) {
            woken.push(pid);
        }
        assert_eq!(woken, vec![1, 4, 2, 3]);
    }
}
