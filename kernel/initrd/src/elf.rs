//! Validation of user executables.
//!
//! The kernel's loader and `initrd-builder` both call [`parse_executable`], so a program the
//! builder accepts is one the kernel can load. The rules:
//!
//! - ELF magic, class 32 (`ELFCLASS32`), little-endian, version 1, machine `EM_386`, type
//!   `ET_EXEC` (a static, non-PIE executable); no `PT_INTERP` (no dynamic linking);
//! - at least one and at most [`MAX_SEGMENTS`] `PT_LOAD` segments (those with a memory size of 0
//!   are ignored and do not count);
//! - for each: `p_memsz >= p_filesz`; `[p_offset, p_offset + p_filesz)` inside the file;
//!   `[p_vaddr, p_vaddr + p_memsz)` does not wrap around and lies inside the [`UserRange`];
//! - no two segments overlap as byte ranges (two segments may share a page);
//! - the entry point lies inside an executable (`PF_X`) segment.
//!
//! Nothing is required of `p_align` or of the relation between `p_offset` and `p_vaddr`: the
//! loader copies [`Executable::segment_data`] into fresh pages rather than mapping the file.

use core::fmt;

use object::elf::{
    FileHeader32, ELFCLASS32, ELFDATA2LSB, ELFMAG, EM_386, ET_EXEC, EV_CURRENT, PF_W, PF_X,
    PT_INTERP, PT_LOAD,
};
use object::read::elf::{FileHeader, ProgramHeader};
use object::LittleEndian;

/// The most `PT_LOAD` segments an executable may have.
pub const MAX_SEGMENTS: usize = 16;

/// The virtual addresses segments may occupy: `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserRange {
    /// Lowest allowed address.
    pub start: u32,
    /// First address past the allowed range.
    pub end: u32,
}

impl UserRange {
    /// Whether `[vaddr, vaddr + size)` lies inside the range (and does not wrap around).
    pub fn contains(&self, vaddr: u32, size: u32) -> bool {
        match vaddr.checked_add(size) {
            Some(end) => vaddr >= self.start && end <= self.end,
            None => false,
        }
    }
}

/// One loadable (`PT_LOAD`) segment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Segment {
    /// First virtual address.
    pub vaddr: u32,
    /// Size in memory; the bytes past `file_size` are zero (`.bss`).
    pub mem_size: u32,
    /// Where the segment's bytes start in the file.
    pub file_offset: u32,
    /// How many bytes come from the file.
    pub file_size: u32,
    /// Whether the program may write to it (`PF_W`).
    pub writable: bool,
    /// Whether the program may execute it (`PF_X`).
    pub executable: bool,
}

impl Segment {
    /// First address past the segment (`vaddr + mem_size`, saturating at `u32::MAX`).
    pub fn end(&self) -> u32 {
        self.vaddr.saturating_add(self.mem_size)
    }
}

/// A validated executable, borrowing the file's bytes.
#[derive(Debug, Clone)]
pub struct Executable<'a> {
    /// The entry point; inside an executable segment.
    pub entry: u32,
    /// Storage for the segments; the first `count` are valid.
    segments: [Segment; MAX_SEGMENTS],
    /// Number of valid segments (at least 1).
    count: usize,
    /// The whole file.
    bytes: &'a [u8],
}

impl<'a> Executable<'a> {
    /// The loadable segments, sorted by virtual address.
    pub fn segments(&self) -> &[Segment] {
        &self.segments[..self.count]
    }

    /// The `file_size` bytes of `seg` from the file. For a segment of this executable they are
    /// always present; for any other segment, bytes outside the file give an empty slice.
    pub fn segment_data(&self, seg: &Segment) -> &'a [u8] {
        let start = seg.file_offset as usize;
        start
            .checked_add(seg.file_size as usize)
            .and_then(|end| self.bytes.get(start..end))
            .unwrap_or(&[])
    }
}

/// Why a file is not a loadable user executable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ElfError {
    /// The file does not start with the ELF magic number.
    NotElf,
    /// The file is not a 32-bit (`ELFCLASS32`) ELF file.
    Not32Bit,
    /// The file is not little-endian.
    NotLittleEndian,
    /// The file is for another machine (the `e_machine` value); `EM_386` is required.
    WrongMachine(u16),
    /// The file is not a static executable (the `e_type` value); `ET_EXEC` is required.
    NotExecutable(u16),
    /// There is no `PT_LOAD` segment with a non-zero memory size.
    NoLoadableSegments,
    /// There are more than [`MAX_SEGMENTS`] `PT_LOAD` segments.
    TooManySegments,
    /// A segment wraps around the address space or lies (partly) outside the [`UserRange`].
    SegmentOutsideUserSpace {
        /// The segment's `p_vaddr`.
        vaddr: u32,
        /// The segment's `p_memsz`.
        mem_size: u32,
    },
    /// Two `PT_LOAD` segments overlap.
    SegmentsOverlap,
    /// A segment's file bytes lie (partly) past the end of the file.
    FileRangeOutOfBounds,
    /// A segment's `p_memsz` is smaller than its `p_filesz`.
    MemSizeSmallerThanFileSize,
    /// The entry point (this address) is not inside an executable segment.
    EntryNotExecutable(u32),
    /// Anything else that makes the file unusable (truncated header, bad program header table,
    /// unsupported version, needs a dynamic linker).
    Malformed(&'static str),
}

impl fmt::Display for ElfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotElf => write!(f, "not an ELF file (no ELF magic number)"),
            Self::Not32Bit => write!(f, "not a 32-bit ELF file (an i386 program is required)"),
            Self::NotLittleEndian => write!(f, "not a little-endian ELF file"),
            Self::WrongMachine(machine) => write!(
                f,
                "built for ELF machine {machine}{}, not for i386 (EM_386)",
                machine_name(*machine)
            ),
            Self::NotExecutable(ty) => write!(
                f,
                "ELF type {ty}{} is not a static executable (ET_EXEC)",
                type_name(*ty)
            ),
            Self::NoLoadableSegments => write!(f, "the program has no loadable (PT_LOAD) segment"),
            Self::TooManySegments => write!(
                f,
                "the program has more than {MAX_SEGMENTS} loadable (PT_LOAD) segments"
            ),
            Self::SegmentOutsideUserSpace { vaddr, mem_size } => write!(
                f,
                "the segment at {vaddr:#010x} of {mem_size:#x} bytes lies outside the user \
                 program area"
            ),
            Self::SegmentsOverlap => write!(f, "two loadable segments overlap"),
            Self::FileRangeOutOfBounds => write!(
                f,
                "a loadable segment's file bytes lie past the end of the file"
            ),
            Self::MemSizeSmallerThanFileSize => write!(
                f,
                "a loadable segment's memory size is smaller than its file size"
            ),
            Self::EntryNotExecutable(entry) => write!(
                f,
                "the entry point {entry:#010x} is not inside an executable segment"
            ),
            Self::Malformed(why) => write!(f, "malformed ELF file: {why}"),
        }
    }
}

/// A name for common `e_machine` values, for error messages.
fn machine_name(machine: u16) -> &'static str {
    match machine {
        0 => " (none)",
        3 => " (i386)",
        8 => " (MIPS)",
        20 => " (PowerPC)",
        40 => " (ARM)",
        62 => " (x86-64)",
        183 => " (AArch64)",
        243 => " (RISC-V)",
        _ => "",
    }
}

/// A name for the standard `e_type` values, for error messages.
fn type_name(ty: u16) -> &'static str {
    match ty {
        0 => " (no file type)",
        1 => " (relocatable object file)",
        2 => " (executable)",
        3 => " (shared object or position-independent executable)",
        4 => " (core dump)",
        _ => "",
    }
}

/// Checks that `bytes` is an i386 static executable whose segments lie inside `range`, and
/// returns its entry point and segments.
pub fn parse_executable(bytes: &[u8], range: UserRange) -> Result<Executable<'_>, ElfError> {
    parse_headers(bytes, bytes.len() as u64, range)
}

/// [`parse_executable`] for a file of `file_len` bytes of which only the first ones, `prefix`,
/// are at hand (the kernel reads a program's first page, then its segments one page at a time).
/// The ELF header and the program header table must lie in `prefix` (else `Malformed`);
/// segments are checked against `file_len`. [`Executable::segment_data`] gives only what lies
/// in `prefix`.
pub fn parse_executable_headers(
    prefix: &[u8],
    file_len: u64,
    range: UserRange,
) -> Result<Executable<'_>, ElfError> {
    parse_headers(prefix, file_len.max(prefix.len() as u64), range)
}

fn parse_headers(
    bytes: &[u8],
    file_len: u64,
    range: UserRange,
) -> Result<Executable<'_>, ElfError> {
    if bytes.get(..ELFMAG.len()) != Some(&ELFMAG[..]) {
        return Err(ElfError::NotElf);
    }
    // e_ident: magic (4 bytes), then class, data encoding and version, one byte each.
    let ident = |index: usize| {
        bytes
            .get(index)
            .copied()
            .ok_or(ElfError::Malformed("the ELF header is truncated"))
    };
    if ident(4)? != ELFCLASS32.0 {
        return Err(ElfError::Not32Bit);
    }
    if ident(5)? != ELFDATA2LSB.0 {
        return Err(ElfError::NotLittleEndian);
    }
    if ident(6)? != EV_CURRENT.0 {
        return Err(ElfError::Malformed("unsupported ELF version"));
    }
    let endian = LittleEndian;
    let header = FileHeader32::<LittleEndian>::parse(bytes)
        .map_err(|_| ElfError::Malformed("the ELF header is truncated"))?;
    let machine = header.e_machine(endian).0;
    if machine != EM_386.0 {
        return Err(ElfError::WrongMachine(machine));
    }
    let ty = header.e_type(endian).0;
    if ty != ET_EXEC.0 {
        return Err(ElfError::NotExecutable(ty));
    }
    if header.e_version(endian) != u32::from(EV_CURRENT.0) {
        return Err(ElfError::Malformed("unsupported ELF version"));
    }
    let headers = header
        .program_headers(endian, bytes)
        .map_err(|_| ElfError::Malformed("the program header table is invalid or truncated"))?;

    let mut segments = [Segment::default(); MAX_SEGMENTS];
    let mut count = 0;
    for ph in headers {
        let ptype = ph.p_type(endian);
        if ptype == PT_INTERP {
            return Err(ElfError::Malformed(
                "the program needs a dynamic linker (PT_INTERP); link it statically",
            ));
        }
        if ptype != PT_LOAD {
            continue;
        }
        let flags = ph.p_flags(endian).0;
        let seg = Segment {
            vaddr: ph.p_vaddr(endian),
            mem_size: ph.p_memsz(endian),
            file_offset: ph.p_offset(endian),
            file_size: ph.p_filesz(endian),
            writable: flags & PF_W.0 != 0,
            executable: flags & PF_X.0 != 0,
        };
        if seg.mem_size < seg.file_size {
            return Err(ElfError::MemSizeSmallerThanFileSize);
        }
        let file_end = u64::from(seg.file_offset) + u64::from(seg.file_size);
        if seg.file_size != 0 && file_end > file_len {
            return Err(ElfError::FileRangeOutOfBounds);
        }
        if seg.mem_size == 0 {
            continue;
        }
        if !range.contains(seg.vaddr, seg.mem_size) {
            return Err(ElfError::SegmentOutsideUserSpace {
                vaddr: seg.vaddr,
                mem_size: seg.mem_size,
            });
        }
        let slot = segments.get_mut(count).ok_or(ElfError::TooManySegments)?;
        *slot = seg;
        count += 1;
    }
    if count == 0 {
        return Err(ElfError::NoLoadableSegments);
    }

    let loaded = &mut segments[..count];
    loaded.sort_unstable_by_key(|s| s.vaddr);
    // Every segment ends at or below `range.end`, so `vaddr + mem_size` cannot overflow.
    if loaded
        .windows(2)
        .any(|pair| pair[0].vaddr + pair[0].mem_size > pair[1].vaddr)
    {
        return Err(ElfError::SegmentsOverlap);
    }

    let entry = header.e_entry(endian);
    if !loaded
        .iter()
        .any(|s| s.executable && entry >= s.vaddr && entry - s.vaddr < s.mem_size)
    {
        return Err(ElfError::EntryNotExecutable(entry));
    }

    Ok(Executable {
        entry,
        segments,
        count,
        bytes,
    })
}

#[cfg(test)]
mod tests;
