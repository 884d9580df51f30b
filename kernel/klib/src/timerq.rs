//! The timer queue: sleepers ordered by the deadline at which they wake
//! (the kernel uses nanoseconds on its monotonic clock; the queue only
//! compares numbers).
//!
//! Ties wake in the order they went to sleep, so two processes sleeping the
//! same time wake first-come, first-served.

use alloc::collections::BinaryHeap;
use alloc::collections::TryReserveError;
use core::cmp::{Ordering, Reverse};

/// One timer: ordered by deadline, then by arrival.
struct Timer<T> {
    deadline: u64,
    sequence: u64,
    item: T,
}

impl<T> PartialEq for Timer<T> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl<T> Eq for Timer<T> {}

impl<T> PartialOrd for Timer<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Timer<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.deadline, self.sequence).cmp(&(other.deadline, other.sequence))
    }
}

/// Items (the kernel's sleepers) waiting for a deadline.
pub struct TimerQueue<T> {
    heap: BinaryHeap<Reverse<Timer<T>>>,
    sequence: u64,
}

impl<T> Default for TimerQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> TimerQueue<T> {
    /// An empty queue.
    pub const fn new() -> Self {
        TimerQueue {
            heap: BinaryHeap::new(),
            sequence: 0,
        }
    }

    /// Adds `item`, due when the clock reaches `deadline`. Fails only when
    /// memory for the queue runs out (nothing is added then).
    pub fn insert(&mut self, deadline: u64, item: T) -> Result<(), TryReserveError> {
        self.heap.try_reserve(1)?;
        self.sequence += 1;
        self.heap.push(Reverse(Timer {
            deadline,
            sequence: self.sequence,
            item,
        }));
        Ok(())
    }

    /// Removes and returns one item whose deadline is at or before `now`.
    pub fn pop_expired(&mut self, now: u64) -> Option<T> {
        match self.heap.peek() {
            Some(Reverse(timer)) if timer.deadline <= now => {
                self.heap.pop().map(|Reverse(timer)| timer.item)
            }
            _ => None,
        }
    }

    /// Keeps only the items for which `keep` is true (O(n)): how a timer
    /// that is no longer wanted leaves the queue before its deadline.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        self.heap.retain(|Reverse(timer)| keep(&timer.item));
    }

    /// The earliest deadline, if any.
    pub fn next_deadline(&self) -> Option<u64> {
        self.heap.peek().map(|Reverse(timer)| timer.deadline)
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when the queue is empty.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod retain_tests {
    use super::*;

    #[test]
    fn retain_drops_items_and_keeps_the_order_of_the_rest() {
        let mut q = TimerQueue::new();
        for (deadline, item) in [(30, 'c'), (10, 'a'), (20, 'x'), (20, 'b')] {
            q.insert(deadline, item).unwrap();
        }
        q.retain(|&item| item != 'x');
        assert_eq!(q.len(), 3);
        let mut order = Vec::new();
        while let Some(item) = q.pop_expired(u64::MAX) {
            order.push(item);
        }
        assert_eq!(order, ['a', 'b', 'c']);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_wakes_before_its_deadline() {
        let mut q = TimerQueue::new();
        q.insert(10, 1).unwrap();
        assert_eq!(q.pop_expired(9), None);
        assert_eq!(q.pop_expired(10), Some(1));
        assert!(q.is_empty());
    }

    #[test]
    fn wakes_in_deadline_order_then_fifo() {
        let mut q = TimerQueue::new();
        q.insert(30, 3).unwrap();
        q.insert(10, 1).unwrap();
        q.insert(20, 2).unwrap();
        q.insert(10, 4).unwrap();
        let mut woken = Vec::new();
        while let Some(pid) = q.pop_expired(100) {
            woken.push(pid);
        }
        assert_eq!(woken, vec![1, 4, 2, 3]);
    }
}
