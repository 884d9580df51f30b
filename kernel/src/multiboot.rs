//! Reading what the boot loader hands over (Multiboot v1): the memory map,
//! the modules (our initrd) and the command line. Everything is copied out
//! at boot so the memory it sits in can be reused.

use alloc::string::String;
use alloc::vec::Vec;

use crate::mm::phys_to_virt;

/// The magic `eax` holds when a Multiboot loader started us.
pub const BOOTLOADER_MAGIC: u32 = 0x2BAD_B002;

const FLAG_CMDLINE: u32 = 1 << 2;
const FLAG_MODULES: u32 = 1 << 3;
const FLAG_MEMORY_MAP: u32 = 1 << 6;

#[repr(C)]
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

#[repr(C)]
struct RawModule {
    start: u32,
    end: u32,
    string: u32,
    reserved: u32,
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
    /// The module's string (usually its file name).
    #[allow(dead_code)]
    pub name: String,
}

/// What the loader told us.
pub struct BootInfo {
    /// The kernel command line.
    pub cmdline: String,
    /// The memory map.
    pub memory: Vec<MemoryRegion>,
    /// The modules, in order.
    pub modules: Vec<Module>,
}

/// Panics unless `phys..phys + len` lies in the direct map (the first GiB):
/// a loader could put boot data anywhere, and the kernel reads it there.
fn require_mapped(what: &str, phys: u32, len: u32) {
    if phys as u64 + len as u64 > crate::mm::DIRECT_MAP_SIZE {
        panic!("the Multiboot {what} lies at {phys:#x}, outside the first GiB the kernel maps");
    }
}

/// Reads the C string at physical address `phys`.
///
/// # Safety
/// `phys` must point at a NUL-terminated string inside the direct map.
unsafe fn read_c_string(phys: u32) -> String {
    let mut text = String::new();
    require_mapped("string", phys, 4096);
    let mut p = phys_to_virt(phys) as *const u8;
    // SAFETY: the loader guarantees a terminating NUL; we stop at 4 KiB anyway.
    unsafe {
        while *p != 0 && text.len() < 4096 {
            text.push(*p as char);
            p = p.add(1);
        }
    }
    text
}

/// Parses the Multiboot information at physical address `info_phys`.
///
/// # Safety
/// `info_phys` must be the address a Multiboot loader passed in `ebx`, and
/// the memory it describes must still be intact.
/// Reads the boot information at `info_phys` (from `ebx` at boot).
pub fn read(info_phys: u32) -> BootInfo {
    // SAFETY: called once at boot with the loader's address, before
    // anything has been allocated over the boot information.
    unsafe { parse(info_phys) }
}

/// # Safety
/// `info_phys` must be the Multiboot information the loader passed, still
/// intact.
pub unsafe fn parse(info_phys: u32) -> BootInfo {
    // SAFETY: guaranteed by the caller; all addresses are below 1 GiB and
    // therefore inside the direct map.
    unsafe {
        require_mapped(
            "information",
            info_phys,
            core::mem::size_of::<RawInfo>() as u32,
        );
        let info = &*(phys_to_virt(info_phys) as *const RawInfo);
        let cmdline = if info.flags & FLAG_CMDLINE != 0 {
            read_c_string(info.cmdline)
        } else {
            String::new()
        };
        let mut memory = Vec::new();
        if info.flags & FLAG_MEMORY_MAP != 0 {
            require_mapped("memory map", info.mmap_addr, info.mmap_length);
            let mut offset = 0;
            while offset + 24 <= info.mmap_length {
                let entry = phys_to_virt(info.mmap_addr + offset) as *const u32;
                let size = entry.read_unaligned();
                let base = (entry.add(1) as *const u64).read_unaligned();
                let length = (entry.add(3) as *const u64).read_unaligned();
                let kind = entry.add(5).read_unaligned();
                memory.push(MemoryRegion {
                    base,
                    length,
                    usable: kind == 1,
                });
                offset += size + 4;
            }
        } else {
            memory.push(MemoryRegion {
                base: 0x10_0000,
                length: info.mem_upper as u64 * 1024,
                usable: true,
            });
        }
        let mut modules = Vec::new();
        if info.flags & FLAG_MODULES != 0 {
            require_mapped("module list", info.mods_addr, info.mods_count * 16);
            let list = phys_to_virt(info.mods_addr) as *const RawModule;
            for i in 0..info.mods_count as usize {
                let m = &*list.add(i);
                modules.push(Module {
                    start: m.start,
                    end: m.end,
                    name: read_c_string(m.string),
                });
            }
        }
        BootInfo {
            cmdline,
            memory,
            modules,
        }
    }
}
