//! Kernel stacks, each with an unmapped guard page below it.
//!
//! Every process has its own kernel stack: its trap frame and the kernel's
//! call chain for it live there. A stack that overflows must stop at once
//! instead of silently overwriting whatever lies below, so stacks are not
//! carved from the heap (inside the direct map's 4 MiB pages, where no single
//! page can be left unmapped) but mapped page by page in a region of their
//! own at the top of the address space: slot `i` is one unmapped guard page
//! followed by the stack's pages. An overflow touches the guard page; the
//! page fault cannot push its frame there either, so the CPU raises a double
//! fault, which runs as a separate task on its own stack (arch/x86/gdt.rs)
//! and reports "kernel stack overflow".
//!
//! The region's page tables are allocated at boot and entered in the master
//! directory before any address space copies its kernel half, so every
//! address space sees every stack without further work.
//!
//! Lunaix allocates each process's kernel stack inside its own address
//! space; here stacks are kernel-global, as on Linux and xv6.

use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use abi::errno::Errno;

use super::{frames, phys_to_virt, DIRECT_MAP_SIZE, KERNEL_BASE, PAGE_SIZE};
use crate::arch::x86::boot;
use crate::arch::x86::context::{self, SavedContext};
use crate::arch::x86::cpu;
use crate::arch::x86::lock::IrqMutex;
use crate::arch::x86::paging::{directory_index, table_index, Entry, EntryFlags};
use crate::arch::x86::TrapFrame;

/// Pages of one kernel stack. The deepest path measured with `kstackcheck`
/// (docs/memory.md) uses under 6 KiB, leaving over 2 KiB for an interrupt
/// on top of it; an overflow still stops at the guard page. (Buffers on
/// the stack are kept to 1 KiB: file and pipe I/O copy in such pieces.)
pub const STACK_PAGES: u32 = 2;
/// 32-bit words in one kernel stack.
const STACK_WORDS: usize = (STACK_PAGES * PAGE_SIZE / 4) as usize;
/// What `kstackcheck` fills a fresh stack with.
const PAINT: u32 = 0x5EED_57AC;
/// Whether stacks are painted and measured (`kstackcheck`).
static DEPTH_CHECK: AtomicBool = AtomicBool::new(false);
/// The deepest use of any stack measured so far, in bytes.
static DEEPEST: AtomicUsize = AtomicUsize::new(0);
/// A slot: the guard page and the stack.
const SLOT_SIZE: u32 = (STACK_PAGES + 1) * PAGE_SIZE;
/// First address of the region.
const REGION_START: u32 = KERNEL_BASE + DIRECT_MAP_SIZE as u32;
/// Size of the region: up to the top of the address space.
const REGION_SIZE: u64 = (1 << 32) - REGION_START as u64;
/// Page tables covering the region.
const REGION_TABLES: usize = (REGION_SIZE >> 22) as usize;
/// Stacks that fit.
pub const SLOTS: usize = (REGION_SIZE / SLOT_SIZE as u64) as usize;

/// Free slots, as a stack of slot numbers: taking one and giving one back
/// cost the same however many stacks are in use. Starts full: slot
/// `SLOTS - 1 - i` at index `i`, so the lowest slots go first.
struct FreeSlots {
    slots: [u16; SLOTS],
    count: usize,
}

static FREE_SLOTS: IrqMutex<FreeSlots> = IrqMutex::new(FreeSlots {
    slots: {
        let mut slots = [0u16; SLOTS];
        let mut i = 0;
        while i < SLOTS {
            slots[i] = (SLOTS - 1 - i) as u16;
            i += 1;
        }
        slots
    },
    count: SLOTS,
});

const _: () = assert!(SLOTS <= u16::MAX as usize + 1, "slot numbers fit a u16");

/// Stacks kept mapped after their task ended, for the next task: most
/// processes are short-lived, and mapping a stack (four frames, four
/// entries) and unmapping it (four `invlpg`s, each a full software-TLB flush
/// under QEMU's TCG, which treats the region as near the direct map's 4 MiB
/// pages) is a measurable part of fork + exit. Bounded: memory for more
/// than this many goes back to the frame allocator.
const SPARES: usize = 8;

struct Spares {
    slots: [usize; SPARES],
    count: usize,
}

static SPARE_STACKS: IrqMutex<Spares> = IrqMutex::new(Spares {
    slots: [0; SPARES],
    count: 0,
});

/// Physical addresses of the region's page tables, set once by [`init`].
static TABLES: IrqMutex<[u32; REGION_TABLES]> = IrqMutex::new([0; REGION_TABLES]);

/// Allocates the region's page tables and enters them in the master
/// directory. Call once, after the frame allocator and before the first
/// address space.
pub fn init() {
    let mut tables = TABLES.lock();
    let first_slot = directory_index(REGION_START);
    for (i, table) in tables.iter_mut().enumerate() {
        let phys = frames::allocate_zeroed().expect("no memory for the kernel-stack page tables");
        let flags = (EntryFlags::PRESENT | EntryFlags::WRITABLE).bits();
        // SAFETY: a fresh zeroed frame kept for good, entered in a kernel
        // slot above the direct map before any address space exists.
        unsafe { boot::install_kernel_table(first_slot + i, phys, flags) };
        *table = phys;
    }
}

fn slot_base(slot: usize) -> u32 {
    REGION_START + slot as u32 * SLOT_SIZE
}

/// The page-table entry that maps `addr` in the region.
fn entry_slot(tables: &[u32; REGION_TABLES], addr: u32) -> &'static mut Entry {
    let table = tables[directory_index(addr) - directory_index(REGION_START)];
    assert_ne!(table, 0, "kernel stacks used before mm::kstack::init");
    // SAFETY: the table is a frame the region owns for good, reached through
    // the direct map; entries are only written under the TABLES lock or for
    // a slot its owner holds exclusively.
    unsafe { &mut (*(phys_to_virt(table) as *mut [Entry; 1024]))[table_index(addr)] }
}

/// A process's kernel stack; unmapped and freed when dropped.
pub struct KernelStack {
    slot: usize,
}

impl KernelStack {
    /// Maps a new stack: EAGAIN when every slot is taken, ENOMEM when
    /// frames run out.
    pub fn new() -> Result<KernelStack, Errno> {
        {
            let mut spares = SPARE_STACKS.lock();
            if spares.count > 0 {
                spares.count -= 1;
                let slot = spares.slots[spares.count];
                let stack = KernelStack { slot };
                stack.paint_if_checking();
                return Ok(stack);
            }
        }
        let slot = {
            let mut free = FREE_SLOTS.lock();
            if free.count == 0 {
                return Err(Errno::EAGAIN);
            }
            free.count -= 1;
            free.slots[free.count] as usize
        };
        let tables = TABLES.lock();
        for page in 0..STACK_PAGES {
            // Stack memory need not be zeroed: everything on it is written
            // before it is read.
            let Some(frame) = frames::allocate() else {
                drop(tables);
                unmap(slot); // the pages mapped so far, and the slot
                return Err(Errno::ENOMEM);
            };
            let addr = slot_base(slot) + (page + 1) * PAGE_SIZE;
            *entry_slot(&tables, addr) = Entry::new(
                frame,
                EntryFlags::PRESENT | EntryFlags::WRITABLE | EntryFlags::GLOBAL,
            );
        }
        let stack = KernelStack { slot };
        stack.paint_if_checking();
        Ok(stack)
    }

    /// The stack's words, lowest first.
    fn words(&self) -> *mut u32 {
        (slot_base(self.slot) + PAGE_SIZE) as *mut u32
    }

    /// With `kstackcheck`: fills the whole stack with [`PAINT`], so that
    /// [`KernelStack::note_depth`] can tell how deep it was used.
    fn paint_if_checking(&self) {
        if DEPTH_CHECK.load(Ordering::Relaxed) {
            // SAFETY: the stack's pages are mapped and writable, and nothing
            // runs on a stack being handed out.
            unsafe { core::slice::from_raw_parts_mut(self.words(), STACK_WORDS).fill(PAINT) };
        }
    }

    /// With `kstackcheck`: records how deep this stack was used (the
    /// lowest word no longer holding [`PAINT`]).
    fn note_depth(&self) {
        if DEPTH_CHECK.load(Ordering::Relaxed) {
            // SAFETY: the stack's pages are mapped; its task has switched
            // away for good, so nothing writes it while it is read.
            let words = unsafe { core::slice::from_raw_parts(self.words(), STACK_WORDS) };
            let untouched = words.iter().take_while(|&&w| w == PAINT).count();
            DEEPEST.fetch_max((STACK_WORDS - untouched) * 4, Ordering::Relaxed);
        }
    }

    /// Lays the stack out so that the first switch to `context` calls
    /// `first_run` and then enters ring 3 through `frame`. Takes `&mut`: a
    /// stack is prepared while its task is being created, before anything
    /// can run on it.
    pub fn prepare_first_run(
        &mut self,
        context: &SavedContext,
        frame: &TrapFrame,
        first_run: extern "C" fn(),
    ) {
        // SAFETY: the stack is mapped, writable, 16-byte aligned at its top,
        // and unused (exclusive access through `&mut self`).
        unsafe { context::prepare_new_stack(context, self.top(), frame, first_run) };
    }

    /// One past the highest byte (16-byte aligned): the initial esp.
    pub fn top(&self) -> usize {
        (slot_base(self.slot) + SLOT_SIZE) as usize
    }
}

/// Paints every kernel stack handed out from now on and measures it when
/// it is freed (`kstackcheck`).
pub fn enable_depth_check() {
    DEPTH_CHECK.store(true, Ordering::Relaxed);
}

/// With `kstackcheck`: the most bytes of kernel stack any finished task
/// used.
pub fn deepest_use() -> Option<usize> {
    DEPTH_CHECK
        .load(Ordering::Relaxed)
        .then(|| DEEPEST.load(Ordering::Relaxed))
}

/// Unmaps every spare stack and returns its frames (power-off counts every
/// frame; nothing else needs to).
pub fn release_spares() {
    loop {
        let slot = {
            let mut spares = SPARE_STACKS.lock();
            if spares.count == 0 {
                return;
            }
            spares.count -= 1;
            spares.slots[spares.count]
        };
        unmap(slot);
    }
}

impl Drop for KernelStack {
    fn drop(&mut self) {
        self.note_depth();
        {
            let mut spares = SPARE_STACKS.lock();
            if spares.count < SPARES {
                let count = spares.count;
                spares.slots[count] = self.slot;
                spares.count += 1;
                return;
            }
        }
        unmap(self.slot);
    }
}

/// Unmaps `slot`'s pages (those mapped), frees their frames and the slot.
fn unmap(slot: usize) {
    {
        let tables = TABLES.lock();
        for page in 0..STACK_PAGES {
            let addr = slot_base(slot) + (page + 1) * PAGE_SIZE;
            let entry = entry_slot(&tables, addr);
            let old = *entry;
            *entry = Entry::EMPTY;
            if old.is_present() {
                // With several CPUs this needs a shootdown; the slot is
                // not reused before it completes.
                cpu::flush_tlb_page(addr as usize);
                frames::release(old.address());
            }
        }
    }
    let mut free = FREE_SLOTS.lock();
    let count = free.count;
    free.slots[count] = slot as u16;
    free.count += 1;
}

/// True when `addr` lies in some kernel stack's guard page: a fault there is
/// a stack overflow.
pub fn is_guard_page(addr: u32) -> bool {
    addr >= REGION_START && (addr - REGION_START) % SLOT_SIZE < PAGE_SIZE
}

/// True when the kernel can read the word at `addr` without a fault: inside
/// the direct map, or on a mapped kernel-stack page. Lets fault reports walk
/// a stack that overflowed into its guard page. Never blocks: if the table
/// lock is held (a fault inside this module), the stack region counts as
/// unreadable.
pub fn kernel_readable(addr: usize) -> bool {
    let addr = addr as u64;
    if addr >= KERNEL_BASE as u64 && addr + 4 <= REGION_START as u64 {
        return true;
    }
    if addr < REGION_START as u64 || addr + 4 > 1 << 32 {
        return false;
    }
    let Some(tables) = TABLES.try_lock() else {
        return false;
    };
    tables[0] != 0 && entry_slot(&tables, addr as u32).is_present()
}
