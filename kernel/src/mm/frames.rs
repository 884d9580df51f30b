//! The physical frame allocator: [`klib::frames::FrameTable`] (pure
//! bookkeeping, host-tested) fed from the Multiboot memory map, minus
//! everything that is already in use.

use klib::frames::FrameTable;

use super::{phys_to_virt, DIRECT_MAP_SIZE, PAGE_SIZE};
use crate::arch::x86::lock::IrqMutex;
use crate::arch::x86::multiboot::BootInfo;

static FRAMES: IrqMutex<Option<FrameTable>> = IrqMutex::new(None);

extern "C" {
    static __kernel_start: u8;
    static __kernel_end: u8;
}

/// Totals for the boot report.
pub struct MemorySummary {
    /// Usable RAM the map reports, in bytes.
    pub total_bytes: u64,
    /// Frames handed to the allocator.
    pub free_frames: usize,
}

/// Builds the frame table: usable RAM from 1 MiB up to the end of the direct
/// map, minus the kernel image and the boot modules.
pub fn init(boot: &BootInfo) -> MemorySummary {
    let (kernel_start, kernel_end) = kernel_image();
    let top = boot
        .memory
        .iter()
        .filter(|r| r.usable)
        .map(|r| (r.base + r.length).min(DIRECT_MAP_SIZE))
        .max()
        .unwrap_or(0);
    let first_frame = 0x10_0000 / PAGE_SIZE;
    let frame_count = (top / PAGE_SIZE as u64).saturating_sub(first_frame as u64) as usize;
    let mut table = FrameTable::new(first_frame, frame_count);
    let mut total_bytes = 0;
    let mut reserved = alloc::vec![(kernel_start, kernel_end)];
    for module in &boot.modules {
        reserved.push((module.start, module.end));
    }
    for region in boot.memory.iter().filter(|r| r.usable) {
        total_bytes += region.length;
        let start = region.base.min(DIRECT_MAP_SIZE);
        let end = (region.base + region.length).min(DIRECT_MAP_SIZE);
        let first = start.div_ceil(PAGE_SIZE as u64) as u32;
        let last = (end / PAGE_SIZE as u64) as u32;
        for frame in first..last {
            let addr = frame * PAGE_SIZE;
            let in_use = reserved
                .iter()
                .any(|&(s, e)| addr + PAGE_SIZE > s && addr < e);
            if !in_use {
                table.add_free_range(frame, frame + 1);
            }
        }
    }
    let free_frames = table.free_count();
    *FRAMES.lock() = Some(table);
    MemorySummary {
        total_bytes,
        free_frames,
    }
}

/// The physical range of the kernel image (text through bss, heap included).
pub fn kernel_image() -> (u32, u32) {
    // Linker-script symbols: only their addresses are used.
    (
        super::virt_to_phys(&raw const __kernel_start as usize),
        super::virt_to_phys(&raw const __kernel_end as usize),
    )
}

fn with_table<R>(f: impl FnOnce(&mut FrameTable) -> R) -> R {
    f(FRAMES
        .lock()
        .as_mut()
        .expect("frame allocator not initialised"))
}

/// Allocates a frame whose contents are undefined; returns its physical
/// address.
pub fn allocate() -> Option<u32> {
    Some(with_table(|t| t.allocate())? * PAGE_SIZE)
}

/// Allocates a zero-filled frame; returns its physical address.
pub fn allocate_zeroed() -> Option<u32> {
    let phys = with_table(|t| t.allocate())? * PAGE_SIZE;
    // SAFETY: the frame was free, so nobody else uses it; it lies in the
    // direct map.
    unsafe { core::ptr::write_bytes(phys_to_virt(phys) as *mut u8, 0, PAGE_SIZE as usize) };
    Some(phys)
}

/// Adds a sharer to an allocated frame.
pub fn retain(phys: u32) {
    with_table(|t| t.retain(phys / PAGE_SIZE)).expect("retain of a frame that is not allocated");
}

/// Drops a sharer; the frame is freed with its last one. Returns the count left.
pub fn release(phys: u32) -> u16 {
    with_table(|t| t.release(phys / PAGE_SIZE)).expect("release of a frame that is not allocated")
}

/// How many mappings share the frame.
pub fn refcount(phys: u32) -> u16 {
    with_table(|t| t.refcount(phys / PAGE_SIZE)).unwrap_or(0)
}

/// Frames the allocator manages (free or not).
pub fn total_count() -> usize {
    with_table(|t| t.usable_count())
}

/// Free frames right now.
pub fn free_count() -> usize {
    with_table(|t| t.free_count())
}

/// Where usable RAM stops, if the memory map does not cover the physical
/// range `start..end`; `None` when it does.
pub fn ram_end_before(boot: &BootInfo, start: u32, end: u32) -> Option<u64> {
    let usable = boot
        .memory
        .iter()
        .filter(|r| r.usable)
        .map(|r| (r.base, r.length));
    klib::frames::ram_covers(usable, start as u64, end as u64).err()
}

/// Why a boot module cannot be used.
#[derive(Clone, Copy, Debug)]
pub enum ModuleError {
    /// Its end lies before its start.
    Malformed,
    /// Part of it lies where the machine has no RAM: the loader placed it
    /// past the end of memory, so its bytes are not there.
    PastEndOfRam {
        /// Where usable RAM stops.
        ram_end: u64,
    },
    /// It lies in RAM the direct map does not reach.
    OutsideDirectMap,
}

/// A boot module (the initrd) checked to lie in RAM and in the direct map;
/// its frames stay out of the allocator until [`BootModule::reclaim`].
pub struct BootModule {
    start: u32,
    end: u32,
}

impl BootModule {
    /// Its bytes, as the boot loader left them.
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: `init` excluded the module's frames from the allocator and
        // they return only through `reclaim`, which consumes `self` (so no
        // borrow of these bytes outlives that); the range lies in RAM and in
        // the direct map.
        unsafe {
            core::slice::from_raw_parts(
                phys_to_virt(self.start) as *const u8,
                (self.end - self.start) as usize,
            )
        }
    }

    /// Gives the module's whole frames to the allocator (Linux's "Freeing
    /// initrd memory"), once its contents have been unpacked; returns how
    /// many. A frame the module shares with anything else stays reserved.
    pub fn reclaim(self) -> usize {
        let first = self.start.div_ceil(PAGE_SIZE);
        let last = self.end / PAGE_SIZE;
        if last <= first {
            return 0;
        }
        with_table(|t| {
            let before = t.free_count();
            t.add_free_range(first, last);
            t.free_count() - before
        })
    }
}

/// Whether [`boot_module`] has handed out the module.
static MODULE_TAKEN: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);

/// The boot module at physical `start..end`, once checked to lie in RAM
/// and in the direct map. Handed out once: a second `BootModule` could read
/// the bytes after the first one's [`BootModule::reclaim`].
///
/// # Panics
/// When called a second time.
pub fn boot_module(boot: &BootInfo, start: u32, end: u32) -> Result<BootModule, ModuleError> {
    assert!(
        !MODULE_TAKEN.swap(true, core::sync::atomic::Ordering::Relaxed),
        "the boot module is handed out once"
    );
    if end < start {
        return Err(ModuleError::Malformed);
    }
    if let Some(ram_end) = ram_end_before(boot, start, end) {
        return Err(ModuleError::PastEndOfRam { ram_end });
    }
    if end as u64 > DIRECT_MAP_SIZE {
        return Err(ModuleError::OutsideDirectMap);
    }
    Ok(BootModule { start, end })
}
