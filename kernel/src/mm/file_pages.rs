//! File data in physical frames: the RAM file system's [`PageStore`].
//!
//! A page of a file is one frame from the frame allocator, reached through
//! the direct map; its handle is the frame's physical address. Writing a
//! file takes frames, unlinking (or truncating) it gives them back, so the
//! RAM file system competes with processes for the same memory and running
//! out is the file system's `ENOSPC`.

use ramfs::{PageHandle, PageStore, PAGE_SIZE as FILE_PAGE_SIZE};

use super::{frames, phys_to_virt, PAGE_SIZE};

const _: () = assert!(FILE_PAGE_SIZE == PAGE_SIZE as usize);

use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Frames that stay free for processes: a file may not take the last ones,
/// so a full file system still leaves room to fork a shell and `rm`.
pub const FRAMES_KEPT_FOR_PROCESSES: usize = 64;

/// Whether files may take every frame: only while the initrd is unpacked,
/// before any process exists (it keeps the minimum RAM low).
static BOOTING: AtomicBool = AtomicBool::new(true);

/// Frames holding file data now.
static IN_USE: AtomicUsize = AtomicUsize::new(0);

/// Frames holding file data now (the power-off balance counts them apart:
/// files written by programs stay until the machine stops).
pub fn in_use() -> usize {
    IN_USE.load(Ordering::Relaxed)
}

/// Ends the boot's licence to take every frame (see [`BOOTING`]).
pub fn keep_frames_for_processes() {
    BOOTING.store(false, Ordering::Relaxed);
}

/// The frame allocator as a [`PageStore`]. There is one ([`FramePages::take`]),
/// owned by the root file system, which only ever passes back handles this
/// store allocated and has not freed (the `PageStore` contract): that is
/// what makes the references below sound.
pub struct FramePages(());

static TAKEN: AtomicBool = AtomicBool::new(false);

impl FramePages {
    /// The store, the first time; `None` after (a second store could reach
    /// the first one's pages).
    pub fn take() -> Option<FramePages> {
        (!TAKEN.swap(true, Ordering::Relaxed)).then_some(FramePages(()))
    }
}

impl PageStore for FramePages {
    fn allocate(&mut self) -> Option<PageHandle> {
        let kept = if BOOTING.load(Ordering::Relaxed) {
            0
        } else {
            FRAMES_KEPT_FOR_PROCESSES
        };
        if frames::free_count() <= kept {
            return None;
        }
        let phys = frames::allocate()?;
        IN_USE.fetch_add(1, Ordering::Relaxed);
        Some(PageHandle(phys as usize))
    }

    fn free(&mut self, page: PageHandle) {
        frames::release(page.0 as u32);
        IN_USE.fetch_sub(1, Ordering::Relaxed);
    }

    fn page(&self, page: PageHandle) -> &[u8; FILE_PAGE_SIZE] {
        // SAFETY: `page` is a frame this store allocated and still owns (the
        // file system frees each handle once and uses only live ones); no
        // mapping of user space or the kernel refers to it, and the
        // reference lives no longer than the borrow of the store, which
        // the file system's lock guards.
        unsafe { &*(phys_to_virt(page.0 as u32) as *const [u8; FILE_PAGE_SIZE]) }
    }

    fn page_mut(&mut self, page: PageHandle) -> &mut [u8; FILE_PAGE_SIZE] {
        // SAFETY: as in `page`; the exclusive borrow of the store makes this
        // the only reference to the frame.
        unsafe { &mut *(phys_to_virt(page.0 as u32) as *mut [u8; FILE_PAGE_SIZE]) }
    }
}
