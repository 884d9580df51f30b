//! Loading a program from the root file system into a fresh address space.
//!
//! The file is validated by `initrd::elf` (the same code initrd-builder
//! runs): ELF32, i386, ET_EXEC, segments inside user space. Its first page
//! is read for the headers (which must lie in it), then each segment's
//! bytes a page at a time, straight from the file's pages. Segments are
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
use initrd::elf::{parse_executable_headers, UserRange};

use crate::fs::{with_root, Node};
use crate::mm::address_space::Access;
use crate::mm::{page_down, page_up, user, AddressSpace, UserAddr, PAGE_SIZE};

/// Stack pages mapped at load time; more are added on demand.
const INITIAL_STACK_PAGES: u32 = 4;

/// A loaded program, ready to run.
pub struct Image {
    /// Its memory.
    pub space: AddressSpace,
    /// Entry point.
    pub entry: u32,
    /// Initial stack pointer (pointing at argc).
    pub stack_pointer: u32,
}

/// Bytes of a program read for its headers: the ELF header and the program
/// header table must lie in them (a static program's dozen headers take
/// under 500 bytes).
const HEADER_BYTES: usize = 1024;

/// Bytes copied per step from a program's file into its pages (a buffer
/// on the kernel stack).
const COPY_STEP: u32 = 2048;

/// Loads the program `file` (a regular file with an execute bit, `path`
/// for messages) with the given arguments and environment.
pub fn load<S: AsRef<[u8]>>(
    file: &Node,
    path: &str,
    argv: &[S],
    envp: &[S],
) -> Result<Image, Errno> {
    let ino = file.ino();
    let mut header = [0u8; HEADER_BYTES];
    let (file_len, got) = with_root(|fs| {
        let len = fs.stat(ino)?.size;
        Ok::<_, Errno>((len, fs.read_at(ino, 0, &mut header)?))
    })?;
    let range = UserRange {
        start: USER_IMAGE_START,
        end: USER_IMAGE_END,
    };
    let exe = parse_executable_headers(&header[..got], file_len, range).map_err(|e| {
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
        copy_segment(&mut space, ino, segment)?;
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

/// Copies a segment's bytes from the file into its (mapped) pages.
fn copy_segment(
    space: &mut AddressSpace,
    ino: u64,
    segment: &initrd::elf::Segment,
) -> Result<(), Errno> {
    let mut chunk = [0u8; COPY_STEP as usize];
    let mut done = 0;
    while done < segment.file_size {
        let want = (segment.file_size - done).min(COPY_STEP) as usize;
        let offset = segment.file_offset as u64 + done as u64;
        let got = with_root(|fs| fs.read_at(ino, offset, &mut chunk[..want]))?;
        if got != want {
            // The file shrank under us (it was truncated while we loaded).
            return Err(Errno::ENOEXEC);
        }
        space.fill(segment.vaddr + done, &chunk[..got]);
        done += got as u32;
    }
    Ok(())
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
