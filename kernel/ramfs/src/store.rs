//! Where file data lives: 4 KiB pages from a [`PageStore`].
//!
//! The kernel implements the trait with physical frames reached through its direct map; the
//! host tests use [`VecStore`], which allocates boxed pages up to a configurable limit so that
//! running out of memory can be provoked at an exact page.

use alloc::boxed::Box;
use alloc::vec::Vec;

/// The size of one page of file data.
pub const PAGE_SIZE: usize = 4096;

/// One page of a [`PageStore`]: an opaque number the store gave out (the kernel uses the frame's
/// physical address).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PageHandle(pub usize);

/// A source of 4 KiB pages for file data.
///
/// The file system never assumes anything about a fresh page's contents: it clears every page
/// it allocates. A handle is only ever given back to `free` once, and `page`/`page_mut` are
/// only called with handles that are allocated.
pub trait PageStore {
    /// A new page, or `None` when memory is exhausted (the file system turns that into
    /// `ENOSPC`).
    fn allocate(&mut self) -> Option<PageHandle>;
    /// Gives a page back.
    fn free(&mut self, page: PageHandle);
    /// The contents of an allocated page.
    fn page(&self, page: PageHandle) -> &[u8; PAGE_SIZE];
    /// The contents of an allocated page, writable.
    fn page_mut(&mut self, page: PageHandle) -> &mut [u8; PAGE_SIZE];
}

/// A [`PageStore`] on the heap, holding at most `limit` pages at a time.
#[derive(Debug)]
pub struct VecStore {
    /// Slot `i` holds page `PageHandle(i)` while it is allocated.
    slots: Vec<Option<Box<[u8; PAGE_SIZE]>>>,
    /// Slots that are free, reused before new ones are added.
    vacant: Vec<usize>,
    /// Pages allocated now.
    in_use: usize,
    /// The most pages that may be allocated at once.
    limit: usize,
}

impl VecStore {
    /// A store that hands out at most `limit` pages at once.
    pub fn new(limit: usize) -> Self {
        Self {
            slots: Vec::new(),
            vacant: Vec::new(),
            in_use: 0,
            limit,
        }
    }

    /// Pages allocated now.
    pub fn in_use(&self) -> usize {
        self.in_use
    }

    /// Pages that could still be allocated.
    pub fn free_count(&self) -> usize {
        self.limit - self.in_use
    }
}

impl PageStore for VecStore {
    fn allocate(&mut self) -> Option<PageHandle> {
        if self.in_use >= self.limit {
            return None;
        }
        // Not zero, like a recycled frame: a test notices if the file system shows a byte it
        // never cleared or wrote.
        let page = Box::new([0xa5; PAGE_SIZE]);
        let slot = match self.vacant.pop() {
            Some(slot) => {
                self.slots[slot] = Some(page);
                slot
            }
            None => {
                self.slots.push(Some(page));
                self.slots.len() - 1
            }
        };
        self.in_use += 1;
        Some(PageHandle(slot))
    }

    fn free(&mut self, page: PageHandle) {
        let slot = self
            .slots
            .get_mut(page.0)
            .and_then(Option::take)
            .expect("VecStore: freeing a page that is not allocated");
        drop(slot);
        self.vacant.push(page.0);
        self.in_use -= 1;
    }

    fn page(&self, page: PageHandle) -> &[u8; PAGE_SIZE] {
        self.slots[page.0]
            .as_deref()
            .expect("VecStore: reading a page that is not allocated")
    }

    fn page_mut(&mut self, page: PageHandle) -> &mut [u8; PAGE_SIZE] {
        self.slots[page.0]
            .as_deref_mut()
            .expect("VecStore: writing a page that is not allocated")
    }
}
