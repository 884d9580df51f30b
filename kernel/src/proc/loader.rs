//! Loading a program from the initrd into a fresh address space.
//!
//! The file is validated by `initrd::elf` (the same code initrd-builder
//! runs): ELF32, i386, ET_EXEC, segments inside user space. Segments are
//! mapped page by page (text and rodata read-only, data and bss writable),
//! the stack gets its first pages and the System V i386 start-up layout:
//! `esp -> argc, argv[0..argc], NULL, envp[..], NULL`, strings above.
//!
//! Before anything is mapped, the loader counts the frames the program
//! needs and fails with ENOMEM at once when they are not free (a valid ELF
//! may ask for a 3 GiB bss). Pages of bss beyond the file's data are not
//! zeroed now but on first touch (demand-zero), so a large bss that fits
//! does not hold the CPU with interrupts off while megabytes are cleared.

#![deny(unsafe_code)]

use abi::errno::Errno;
use abi::layout::{USER_IMAGE_END, USER_IMAGE_START, USER_STACK_TOP};
use initrd::cpio::Archive;
use initrd::elf::{parse_executable, UserRange};
use initrd::path::LookupError;
use spin::Once;

use crate::mm::address_space::Access;
use crate::mm::{page_down, page_up, user, AddressSpace, UserAddr, PAGE_SIZE};

/// Stack pages mapped at load time; more are added on demand.
const INITIAL_STACK_PAGES: u32 = 4;

static INITRD: Once<Archive<'static>> = Once::new();

/// Makes the initrd the source of programs.
pub fn set_initrd(archive: Archive<'static>) {
    INITRD.call_once(|| archive);
}

/// The initrd, if one was loaded.
pub fn initrd() -> Option<&'static Archive<'static>> {
    INITRD.get()
}

/// A loaded program, ready to run.
pub struct Image {
    /// Its memory.
    pub space: AddressSpace,
    /// Entry point.
    pub entry: u32,
    /// Initial stack pointer (pointing at argc).
    pub stack_pointer: u32,
}

/// Loads the initrd file at `path` with the given arguments and environment.
pub fn load<S: AsRef<[u8]>>(path: &str, argv: &[S], envp: &[S]) -> Result<Image, Errno> {
    let archive = initrd().ok_or(Errno::ENOENT)?;
    let entry = initrd::path::lookup(archive, path).map_err(|e| match e {
        LookupError::NotFound => Errno::ENOENT,
        LookupError::NotDirectory => Errno::ENOTDIR,
        LookupError::IsDirectory => Errno::EACCES,
        LookupError::TooLong => Errno::ENAMETOOLONG,
    })?;
    // Only a regular file with an execute bit may run (POSIX: EACCES).
    if !entry.is_file() || entry.permissions() & 0o111 == 0 {
        return Err(Errno::EACCES);
    }
    let range = UserRange {
        start: USER_IMAGE_START,
        end: USER_IMAGE_END,
    };
    let exe = parse_executable(entry.data, range).map_err(|e| {
        log::info!("exec {}: not a valid program: {}", path, e);
        Errno::ENOEXEC
    })?;
    check_memory_fits(&exe)?;
    let mut space = AddressSpace::new()?;
    let mut image_end = 0;
    let mut demand_zero: Option<(u32, u32)> = None;
    for segment in exe.segments() {
        let start = page_down(segment.vaddr);
        let end = page_up(segment.vaddr + segment.mem_size);
        // Pages holding file bytes are mapped now; a writable segment's
        // pages past them (pure bss) are mapped zero-filled on first touch.
        let data_end = page_up(segment.vaddr + segment.file_size);
        let lazy = segment.writable && data_end < end && demand_zero.is_none();
        let eager_end = if lazy { data_end.max(start) } else { end };
        if lazy {
            demand_zero = Some((eager_end, end));
        }
        let access = if segment.writable {
            Access::ReadWrite
        } else {
            Access::ReadOnly
        };
        let mut page = start;
        while page < eager_end {
            match space.entry(page) {
                Some(e) if e.is_present() => {
                    if segment.writable {
                        space.make_writable(page);
                    }
                }
                _ => {
                    space.map_zeroed(page, access)?;
                }
            }
            page += PAGE_SIZE;
        }
        space.fill(segment.vaddr, exe.segment_data(segment));
        image_end = image_end.max(end);
    }
    if let Some((start, end)) = demand_zero {
        space.set_demand_zero(start, end);
    }
    space.set_heap_start(image_end);
    let stack_pointer = build_stack(&mut space, argv, envp)?;
    Ok(Image {
        space,
        entry: exe.entry,
        stack_pointer,
    })
}

/// Fails with ENOMEM unless the frames the program needs are free: every
/// page of every segment (bss included, mapped now or later), a page table
/// per 4 MiB they span, the directory and the first stack pages with their
/// table.
fn check_memory_fits(exe: &initrd::elf::Executable) -> Result<(), Errno> {
    let mut needed: u64 = 1 + INITIAL_STACK_PAGES as u64 + 1;
    for segment in exe.segments() {
        let start = page_down(segment.vaddr) as u64;
        let end = page_up(segment.vaddr + segment.mem_size) as u64;
        needed += (end - start) / PAGE_SIZE as u64;
        needed += (end - 1) / (4 << 20) - start / (4 << 20) + 1;
    }
    if needed > crate::mm::frames::free_count() as u64 {
        return Err(Errno::ENOMEM);
    }
    Ok(())
}

/// Maps the initial stack and lays out argc, argv and envp on it.
fn build_stack<S: AsRef<[u8]>>(
    space: &mut AddressSpace,
    argv: &[S],
    envp: &[S],
) -> Result<u32, Errno> {
    for i in 1..=INITIAL_STACK_PAGES {
        space.map_zeroed(USER_STACK_TOP - i * PAGE_SIZE, Access::ReadWrite)?;
    }
    // The strings go at the top, argv's first; below them, 16-byte aligned, argc and the
    // two NULL-terminated pointer arrays. Written straight to the new stack: no kernel heap.
    let mut strings_bottom = USER_STACK_TOP;
    for s in argv.iter().chain(envp) {
        let s = s.as_ref();
        strings_bottom -= s.len() as u32 + 1;
        user::copy_to_user(space, UserAddr::new(strings_bottom as usize), s)?;
        user::copy_to_user(
            space,
            UserAddr::new(strings_bottom as usize + s.len()),
            &[0],
        )?;
    }
    let words = (1 + argv.len() + 1 + envp.len() + 1) as u32;
    let sp = (strings_bottom - words * 4) & !0xf;
    let mut slot = sp;
    let mut put_word = |space: &mut AddressSpace, word: u32| -> Result<(), Errno> {
        user::copy_to_user(space, UserAddr::new(slot as usize), &word.to_le_bytes())?;
        slot += 4;
        Ok(())
    };
    put_word(space, argv.len() as u32)?;
    let mut string_at = USER_STACK_TOP;
    for list in [argv, envp] {
        for s in list {
            string_at -= s.as_ref().len() as u32 + 1;
            put_word(space, string_at)?;
        }
        put_word(space, 0)?;
    }
    Ok(sp)
}
