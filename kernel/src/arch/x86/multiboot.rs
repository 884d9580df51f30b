//! Reading what a Multiboot v1 loader hands over: the memory map, the
//! modules (our initrd) and the command line.
//!
//! The information lives in physical memory the loader chose, which the
//! direct map (`boot.rs`) covers up to [`DIRECT_MAP_SIZE`]. Every structure
//! is read through a `#[repr(C)]` type after checking that its bytes lie in
//! the direct map; everything is copied out at boot so the memory it sits in
//! can be reused. The API is safe: a malformed address is a
//! [`MultibootError`], not undefined behaviour.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::mem::size_of;

use super::boot::{DIRECT_MAP_SIZE, KERNEL_BASE};

/// The magic `eax` holds when a Multiboot loader started us.
pub const BOOTLOADER_MAGIC: u32 = 0x2BAD_B002;

const FLAG_MEMORY: u32 = 1 << 0;
const FLAG_CMDLINE: u32 = 1 << 2;
const FLAG_MODULES: u32 = 1 << 3;
const FLAG_MEMORY_MAP: u32 = 1 << 6;

/// How far past the kept bytes the reader looks for the end of an over-long
/// command line, to report its length.
const CMDLINE_SCAN_LIMIT: usize = 64 * 1024;
/// Longest module name kept (the rest is dropped: the name is informational).
const MODULE_NAME_LIMIT: usize = 256;

/// The fixed part of the Multiboot information (specification 3.3), up to
/// the memory map fields: the only ones the kernel reads.
#[repr(C)]
#[derive(Clone, Copy)]
struct RawInfo {
    flags: u32,
    mem_lower: u32,
    mem_upper: u32,
    boot_device: u32,
    cmdline: u32,
    mods_count: u32,
    mods_addr: u32,
    syms: [u32; 4],
    mmap_length: u32,
    mmap_addr: u32,
}

/// One entry of the module list.
#[repr(C)]
#[derive(Clone, Copy)]
struct RawModule {
    start: u32,
    end: u32,
    string: u32,
    reserved: u32,
}

/// One entry of the memory map. `size` counts the bytes after itself, so the
/// next entry starts `size + 4` bytes further; the 64-bit fields are not
/// 8-byte aligned, hence `packed`.
#[repr(C, packed)]
#[derive(Clone, Copy)]
struct RawMemoryEntry {
    size: u32,
    base: u64,
    length: u64,
    kind: u32,
}

/// One region of the physical memory map.
#[derive(Clone, Copy, Debug)]
pub struct MemoryRegion {
    /// Start address.
    pub base: u64,
    /// Length in bytes.
    pub length: u64,
    /// True for usable RAM (Multiboot type 1).
    pub usable: bool,
}

/// A boot module: physical range and its command line.
#[derive(Clone, Debug)]
pub struct Module {
    /// First byte (physical).
    pub start: u32,
    /// One past the last byte (physical).
    pub end: u32,
    /// The module's string (usually its file name), decoded lossily.
    #[allow(dead_code)]
    pub name: String,
}

/// The command line's raw bytes: the kernel decides what is acceptable.
#[derive(Clone, Debug, Default)]
pub struct RawCommandLine {
    /// The first bytes, at most the `keep` limit given to [`read`].
    pub bytes: Vec<u8>,
    /// Its full length without the NUL, or `None` when no NUL came within
    /// the scan limit (64 KiB past what was kept).
    pub length: Option<usize>,
}

/// What the loader told us.
pub struct BootInfo {
    /// The kernel command line.
    pub cmdline: RawCommandLine,
    /// The memory map.
    pub memory: Vec<MemoryRegion>,
    /// The modules, in order.
    pub modules: Vec<Module>,
}

/// Boot information the kernel cannot read.
#[derive(Clone, Copy, Debug)]
pub enum MultibootError {
    /// A structure lies (partly) outside the direct map.
    OutsideDirectMap {
        /// Which structure.
        what: &'static str,
        /// Its physical address.
        phys: u32,
    },
}

impl fmt::Display for MultibootError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Self::OutsideDirectMap { what, phys } => write!(
                f,
                "the Multiboot {what} lies at {phys:#x}, outside the first {} MiB the kernel maps",
                DIRECT_MAP_SIZE >> 20
            ),
        }
    }
}

/// The boot data at physical `phys..phys + len`, checked to lie in the
/// direct map.
fn physical_bytes(
    what: &'static str,
    phys: u32,
    len: usize,
) -> Result<&'static [u8], MultibootError> {
    let outside = MultibootError::OutsideDirectMap { what, phys };
    let end = (phys as u64).checked_add(len as u64).ok_or(outside)?;
    if end > DIRECT_MAP_SIZE as u64 {
        return Err(outside);
    }
    // SAFETY: `phys..phys + len` lies in the direct map (checked above), which
    // `_start` mapped readable for the kernel's whole life. The loader's
    // structures are not written while the kernel reads them at boot: the
    // frame allocator does not exist yet, and afterwards only the initrd
    // (excluded from it) is read through this view.
    Ok(unsafe { core::slice::from_raw_parts((phys + KERNEL_BASE) as *const u8, len) })
}

/// Reads a `T` from physical `phys` (no alignment needed).
fn read_struct<T: Copy>(what: &'static str, phys: u32) -> Result<T, MultibootError> {
    let bytes = physical_bytes(what, phys, size_of::<T>())?;
    // SAFETY: `bytes` holds `size_of::<T>()` readable bytes; the types read
    // here are `#[repr(C)]` structures of integers, valid for any bit pattern;
    // `read_unaligned` makes no alignment assumption.
    Ok(unsafe { bytes.as_ptr().cast::<T>().read_unaligned() })
}

/// Reads the NUL-terminated string at `phys`: up to `keep` bytes are kept,
/// and its length is measured up to `keep + scan` bytes.
fn read_c_string(
    what: &'static str,
    phys: u32,
    keep: usize,
    scan: usize,
) -> Result<RawCommandLine, MultibootError> {
    let limit = keep.saturating_add(scan);
    // Never look past the direct map, however long the string claims to be.
    let available = (DIRECT_MAP_SIZE as u64).saturating_sub(phys as u64) as usize;
    let window = physical_bytes(what, phys, limit.min(available))?;
    let length = window.iter().position(|&b| b == 0);
    let kept = length.unwrap_or(window.len()).min(keep);
    Ok(RawCommandLine {
        bytes: window[..kept].to_vec(),
        length,
    })
}

/// Reads the boot information at `info_phys` (from `ebx` at boot), keeping
/// at most `cmdline_keep` bytes of the command line.
///
/// Call once at boot, before anything has been allocated over the boot
/// information.
pub fn read(info_phys: u32, cmdline_keep: usize) -> Result<BootInfo, MultibootError> {
    let info: RawInfo = read_struct("information", info_phys)?;
    let cmdline = if info.flags & FLAG_CMDLINE != 0 {
        read_c_string(
            "command line",
            info.cmdline,
            cmdline_keep,
            CMDLINE_SCAN_LIMIT,
        )?
    } else {
        RawCommandLine {
            bytes: Vec::new(),
            length: Some(0),
        }
    };

    let mut memory = Vec::new();
    if info.flags & FLAG_MEMORY_MAP != 0 {
        let map = physical_bytes("memory map", info.mmap_addr, info.mmap_length as usize)?;
        let mut offset = 0usize;
        while offset + size_of::<RawMemoryEntry>() <= map.len() {
            let entry: RawMemoryEntry = read_struct("memory map", info.mmap_addr + offset as u32)?;
            memory.push(MemoryRegion {
                base: entry.base,
                length: entry.length,
                usable: entry.kind == 1,
            });
            // A zero `size` would loop forever; no real entry is that short.
            offset += (entry.size as usize).max(size_of::<RawMemoryEntry>() - 4) + 4;
        }
    } else if info.flags & FLAG_MEMORY != 0 {
        memory.push(MemoryRegion {
            base: 0x10_0000,
            length: info.mem_upper as u64 * 1024,
            usable: true,
        });
    }

    let mut modules = Vec::new();
    if info.flags & FLAG_MODULES != 0 {
        let list_len = (info.mods_count as usize).saturating_mul(size_of::<RawModule>());
        physical_bytes("module list", info.mods_addr, list_len)?;
        for i in 0..info.mods_count {
            let at = info.mods_addr + i * size_of::<RawModule>() as u32;
            let module: RawModule = read_struct("module list", at)?;
            let name = read_c_string("module name", module.string, MODULE_NAME_LIMIT, 0)?;
            modules.push(Module {
                start: module.start,
                end: module.end,
                name: String::from_utf8_lossy(&name.bytes).into_owned(),
            });
        }
    }
    Ok(BootInfo {
        cmdline,
        memory,
        modules,
    })
}
