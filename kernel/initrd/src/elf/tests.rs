use super::*;
use std::string::ToString;
use std::vec;
use std::vec::Vec;

/// The user range of the kernel's layout (`abi::layout`), spelled out here.
const USER: UserRange = UserRange {
    start: 0x0000_1000,
    end: 0xBF80_0000,
};

const PT_NOTE: u32 = 4;
const PT_GNU_STACK: u32 = 0x6474_e551;
const R: u32 = 4;
const W: u32 = 2;
const X: u32 = 1;

/// One program header of a fixture.
#[derive(Debug, Clone, Copy)]
struct Phdr {
    p_type: u32,
    offset: u32,
    vaddr: u32,
    filesz: u32,
    memsz: u32,
    flags: u32,
}

fn load(offset: u32, vaddr: u32, filesz: u32, memsz: u32, flags: u32) -> Phdr {
    Phdr {
        p_type: 1,
        offset,
        vaddr,
        filesz,
        memsz,
        flags,
    }
}

/// A handcrafted ELF32 file: header at 0, program headers right after it, and every other
/// byte filled with `pattern(offset)` so segment contents can be checked.
#[derive(Debug, Clone)]
struct Fixture {
    class: u8,
    data: u8,
    ident_version: u8,
    e_type: u16,
    machine: u16,
    version: u32,
    entry: u32,
    phentsize: u16,
    phoff: u32,
    phdrs: Vec<Phdr>,
    file_len: usize,
}

fn pattern(offset: usize) -> u8 {
    (offset % 251) as u8
}

impl Fixture {
    /// A valid program: text (R+X) at 0x400000, data (R+W, with .bss) at 0x401000, plus a
    /// PT_GNU_STACK header.
    fn good() -> Self {
        Self {
            class: 1,
            data: 1,
            ident_version: 1,
            e_type: 2,
            machine: 3,
            version: 1,
            entry: 0x0040_0010,
            phentsize: 32,
            phoff: 52,
            phdrs: vec![
                load(0x100, 0x0040_0000, 0x100, 0x100, R | X),
                load(0x200, 0x0040_1000, 0x40, 0x1000, R | W),
                Phdr {
                    p_type: PT_GNU_STACK,
                    offset: 0,
                    vaddr: 0,
                    filesz: 0,
                    memsz: 0,
                    flags: R | W,
                },
            ],
            file_len: 0x240,
        }
    }

    fn with(mut self, f: impl FnOnce(&mut Self)) -> Self {
        f(&mut self);
        self
    }

    fn build(&self) -> Vec<u8> {
        let mut out: Vec<u8> = (0..self.file_len.max(52)).map(pattern).collect();
        out[..16].copy_from_slice(&[
            0x7f,
            b'E',
            b'L',
            b'F',
            self.class,
            self.data,
            self.ident_version,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
        ]);
        let mut header = Vec::new();
        header.extend(self.e_type.to_le_bytes());
        header.extend(self.machine.to_le_bytes());
        header.extend(self.version.to_le_bytes());
        header.extend(self.entry.to_le_bytes());
        header.extend(self.phoff.to_le_bytes());
        header.extend(0u32.to_le_bytes()); // e_shoff
        header.extend(0u32.to_le_bytes()); // e_flags
        header.extend(52u16.to_le_bytes()); // e_ehsize
        header.extend(self.phentsize.to_le_bytes());
        header.extend((self.phdrs.len() as u16).to_le_bytes());
        header.extend(40u16.to_le_bytes()); // e_shentsize
        header.extend(0u16.to_le_bytes()); // e_shnum
        header.extend(0u16.to_le_bytes()); // e_shstrndx
        out[16..52].copy_from_slice(&header);
        // Write the table (e_phoff 0 means there is none), clipped to the file.
        let table = self.phdrs.iter().flat_map(|ph| {
            [
                ph.p_type, ph.offset, ph.vaddr, 0, ph.filesz, ph.memsz, ph.flags, 0x1000,
            ]
            .into_iter()
            .flat_map(u32::to_le_bytes)
        });
        if self.phoff != 0 {
            for (byte, slot) in table.zip(out.iter_mut().skip(self.phoff as usize)) {
                *slot = byte;
            }
        }
        out
    }

    fn parse(&self) -> Result<(u32, Vec<Segment>), ElfError> {
        let bytes = self.build();
        parse_executable(&bytes, USER).map(|exe| (exe.entry, exe.segments().to_vec()))
    }
}

#[test]
fn accepts_a_good_executable() {
    let bytes = Fixture::good().build();
    let exe = parse_executable(&bytes, USER).unwrap();
    assert_eq!(exe.entry, 0x0040_0010);
    assert_eq!(
        exe.segments(),
        [
            Segment {
                vaddr: 0x0040_0000,
                mem_size: 0x100,
                file_offset: 0x100,
                file_size: 0x100,
                writable: false,
                executable: true,
            },
            Segment {
                vaddr: 0x0040_1000,
                mem_size: 0x1000,
                file_offset: 0x200,
                file_size: 0x40,
                writable: true,
                executable: false,
            },
        ]
    );
    let text = exe.segment_data(&exe.segments()[0]);
    assert_eq!(text, &bytes[0x100..0x200]);
    assert_eq!(text[0], pattern(0x100));
    let data = exe.segment_data(&exe.segments()[1]);
    assert_eq!(data.len(), 0x40);
    assert_eq!(data, &bytes[0x200..0x240]);
    assert_eq!(exe.segments()[1].end(), 0x0040_2000);
}

#[test]
fn segments_come_out_sorted_by_address() {
    let fx = Fixture::good().with(|f| f.phdrs.reverse());
    let (_, segs) = fx.parse().unwrap();
    assert_eq!(segs.len(), 2);
    assert!(segs[0].vaddr < segs[1].vaddr);
    assert!(segs[0].executable);
}

#[test]
fn segments_may_share_a_page_and_touch() {
    // Data starts right where text ends, in the same page.
    let fx = Fixture::good().with(|f| f.phdrs[1].vaddr = 0x0040_0100);
    assert!(fx.parse().is_ok());
    let fx = Fixture::good().with(|f| f.phdrs[1].vaddr = 0x0040_0180);
    assert!(fx.parse().is_ok());
}

#[test]
fn empty_loads_and_other_headers_are_ignored() {
    let fx = Fixture::good().with(|f| {
        f.phdrs.push(load(0, 0x0040_0000, 0, 0, R));
        f.phdrs.push(Phdr {
            p_type: PT_NOTE,
            offset: 0x100,
            vaddr: 0xFFFF_0000,
            filesz: 0x10,
            memsz: 0x10,
            flags: R,
        });
    });
    let (_, segs) = fx.parse().unwrap();
    assert_eq!(segs.len(), 2);
}

#[test]
fn accepts_segments_at_both_ends_of_the_range() {
    let fx = Fixture::good().with(|f| {
        f.phdrs[0].vaddr = USER.start;
        f.entry = USER.start;
        f.phdrs[1].vaddr = USER.end - 0x1000;
    });
    assert!(fx.parse().is_ok());
}

#[test]
fn rejects_non_elf_files() {
    for bytes in [
        &b""[..],
        b"\x7fEL",
        b"#!/bin/sh\necho hi\n",
        b"070701000000",
    ] {
        assert_eq!(
            parse_executable(bytes, USER).unwrap_err(),
            ElfError::NotElf,
            "{bytes:?}"
        );
    }
    let mut bytes = Fixture::good().build();
    bytes[1] = b'e';
    assert_eq!(
        parse_executable(&bytes, USER).unwrap_err(),
        ElfError::NotElf
    );
}

#[test]
fn rejects_64_bit_files() {
    let fx = Fixture::good().with(|f| f.class = 2);
    assert_eq!(fx.parse().unwrap_err(), ElfError::Not32Bit);
    let fx = Fixture::good().with(|f| f.class = 0);
    assert_eq!(fx.parse().unwrap_err(), ElfError::Not32Bit);
}

#[test]
fn rejects_big_endian_files() {
    let fx = Fixture::good().with(|f| f.data = 2);
    assert_eq!(fx.parse().unwrap_err(), ElfError::NotLittleEndian);
}

#[test]
fn rejects_other_machines() {
    for machine in [62u16, 40, 0, 6] {
        let fx = Fixture::good().with(|f| f.machine = machine);
        assert_eq!(fx.parse().unwrap_err(), ElfError::WrongMachine(machine));
    }
}

#[test]
fn rejects_non_executables() {
    for ty in [0u16, 1, 3, 4] {
        let fx = Fixture::good().with(|f| f.e_type = ty);
        assert_eq!(fx.parse().unwrap_err(), ElfError::NotExecutable(ty));
    }
}

#[test]
fn rejects_files_without_loadable_segments() {
    let none = Fixture::good().with(|f| f.phdrs.clear());
    assert_eq!(none.parse().unwrap_err(), ElfError::NoLoadableSegments);
    let no_table = Fixture::good().with(|f| f.phoff = 0);
    assert_eq!(no_table.parse().unwrap_err(), ElfError::NoLoadableSegments);
    let only_empty = Fixture::good().with(|f| {
        f.phdrs = vec![load(0x100, 0x0040_0000, 0, 0, R | X)];
    });
    assert_eq!(
        only_empty.parse().unwrap_err(),
        ElfError::NoLoadableSegments
    );
}

#[test]
fn accepts_16_segments_and_rejects_17() {
    let with_loads = |n: u32| {
        Fixture::good().with(|f| {
            f.phdrs = (0..n)
                .map(|i| load(0x100, 0x0040_0000 + i * 0x1000, 0, 0x100, R | X))
                .collect();
            f.file_len = 0x1000;
        })
    };
    let (_, segs) = with_loads(MAX_SEGMENTS as u32).parse().unwrap();
    assert_eq!(segs.len(), MAX_SEGMENTS);
    assert_eq!(
        with_loads(MAX_SEGMENTS as u32 + 1).parse().unwrap_err(),
        ElfError::TooManySegments
    );
}

#[test]
fn rejects_segments_outside_user_space() {
    let cases = [
        (0x0000_0000, 0x100),        // the NULL page
        (USER.start - 0x100, 0x200), // straddles the start
        (USER.end - 0x800, 0x1000),  // straddles the end
        (0xC000_0000, 0x1000),       // kernel space
        (0xFFFF_F000, 0x2000),       // wraps around
        (USER.end, 1),               // first byte past the end
        (0x0040_0000, 0xFFFF_FFFF),  // absurd size
    ];
    for (vaddr, mem_size) in cases {
        let fx = Fixture::good().with(|f| {
            f.phdrs[1].vaddr = vaddr;
            f.phdrs[1].memsz = mem_size;
            f.phdrs[1].filesz = mem_size.min(0x40);
        });
        assert_eq!(
            fx.parse().unwrap_err(),
            ElfError::SegmentOutsideUserSpace { vaddr, mem_size },
            "{vaddr:#x}+{mem_size:#x}"
        );
    }
    // The range is a parameter, not a constant.
    let bytes = Fixture::good().build();
    let narrow = UserRange {
        start: 0x0040_0000,
        end: 0x0040_1fff,
    };
    assert_eq!(
        parse_executable(&bytes, narrow).unwrap_err(),
        ElfError::SegmentOutsideUserSpace {
            vaddr: 0x0040_1000,
            mem_size: 0x1000
        }
    );
}

#[test]
fn rejects_overlapping_segments() {
    // Data's first byte is text's last.
    let fx = Fixture::good().with(|f| f.phdrs[1].vaddr = 0x0040_00ff);
    assert_eq!(fx.parse().unwrap_err(), ElfError::SegmentsOverlap);
    // One inside the other, listed in either order.
    let fx = Fixture::good().with(|f| f.phdrs[0].vaddr = 0x0040_1800);
    assert_eq!(fx.parse().unwrap_err(), ElfError::SegmentsOverlap);
    let fx = Fixture::good().with(|f| {
        f.phdrs[0].vaddr = 0x0040_1800;
        f.phdrs.swap(0, 1);
    });
    assert_eq!(fx.parse().unwrap_err(), ElfError::SegmentsOverlap);
}

#[test]
fn rejects_file_ranges_past_the_end() {
    // One byte too many.
    let fx = Fixture::good().with(|f| f.phdrs[1].filesz = 0x41);
    assert_eq!(fx.parse().unwrap_err(), ElfError::FileRangeOutOfBounds);
    let fx = Fixture::good().with(|f| f.phdrs[0].offset = 0x141);
    assert_eq!(fx.parse().unwrap_err(), ElfError::FileRangeOutOfBounds);
    // offset + size overflows 32 bits.
    let fx = Fixture::good().with(|f| f.phdrs[0].offset = 0xFFFF_FFF0);
    assert_eq!(fx.parse().unwrap_err(), ElfError::FileRangeOutOfBounds);
    // Exactly at the end is fine, and a .bss-only segment needs no file bytes.
    let fx = Fixture::good().with(|f| {
        f.phdrs[1].offset = 0x200;
        f.phdrs[1].filesz = 0x40;
        f.phdrs
            .push(load(0xFFFF_0000, 0x0050_0000, 0, 0x1000, R | W));
    });
    assert!(fx.parse().is_ok());
}

#[test]
fn rejects_mem_size_below_file_size() {
    let fx = Fixture::good().with(|f| f.phdrs[0].memsz = 0xff);
    assert_eq!(
        fx.parse().unwrap_err(),
        ElfError::MemSizeSmallerThanFileSize
    );
    let fx = Fixture::good().with(|f| f.phdrs[0].memsz = 0);
    assert_eq!(
        fx.parse().unwrap_err(),
        ElfError::MemSizeSmallerThanFileSize
    );
}

#[test]
fn rejects_entry_points_outside_executable_segments() {
    for entry in [
        0x0040_1000, // in data, which is not executable
        0x0040_0100, // one past the end of text
        0x003F_FFFF, // one before text
        0,
    ] {
        let fx = Fixture::good().with(|f| f.entry = entry);
        assert_eq!(fx.parse().unwrap_err(), ElfError::EntryNotExecutable(entry));
    }
    let fx = Fixture::good().with(|f| f.entry = 0x0040_00ff);
    assert!(fx.parse().is_ok());
}

#[test]
fn rejects_malformed_files() {
    let truncated = &Fixture::good().build()[..40];
    assert!(matches!(
        parse_executable(truncated, USER),
        Err(ElfError::Malformed(_))
    ));
    let ident_only = &Fixture::good().build()[..5];
    assert!(matches!(
        parse_executable(ident_only, USER),
        Err(ElfError::Malformed(_))
    ));
    let bad_ident_version = Fixture::good().with(|f| f.ident_version = 0);
    assert!(matches!(
        bad_ident_version.parse(),
        Err(ElfError::Malformed(_))
    ));
    let bad_version = Fixture::good().with(|f| f.version = 2);
    assert!(matches!(bad_version.parse(), Err(ElfError::Malformed(_))));
    let bad_entsize = Fixture::good().with(|f| f.phentsize = 56);
    assert!(matches!(bad_entsize.parse(), Err(ElfError::Malformed(_))));
    let table_past_end = Fixture::good().with(|f| f.phoff = 0x230);
    assert!(matches!(
        table_past_end.parse(),
        Err(ElfError::Malformed(_))
    ));
    let dynamic = Fixture::good().with(|f| {
        f.phdrs.push(Phdr {
            p_type: 3,
            offset: 0x100,
            vaddr: 0x0040_0000,
            filesz: 0x10,
            memsz: 0x10,
            flags: R,
        })
    });
    assert_eq!(
        dynamic.parse().unwrap_err(),
        ElfError::Malformed("the program needs a dynamic linker (PT_INTERP); link it statically")
    );
}

#[test]
fn rejects_the_hosts_own_x86_64_programs() {
    let path = "/bin/true";
    let Ok(bytes) = std::fs::read(path) else {
        std::println!("notice: {path} is missing; skipping the real x86-64 ELF check");
        return;
    };
    let err = parse_executable(&bytes, USER).unwrap_err();
    assert!(
        matches!(err, ElfError::Not32Bit | ElfError::WrongMachine(_)),
        "{err:?}"
    );
}

#[test]
fn segment_data_of_a_foreign_segment_is_empty_when_out_of_bounds() {
    let bytes = Fixture::good().build();
    let exe = parse_executable(&bytes, USER).unwrap();
    let foreign = Segment {
        file_offset: 0x230,
        file_size: 0x100,
        ..Segment::default()
    };
    assert_eq!(exe.segment_data(&foreign), b"");
    let overflowing = Segment {
        file_offset: u32::MAX,
        file_size: u32::MAX,
        ..Segment::default()
    };
    assert_eq!(exe.segment_data(&overflowing), b"");
}

#[test]
fn user_range_contains() {
    assert!(USER.contains(0x1000, 0));
    assert!(USER.contains(0x1000, 0x1000));
    assert!(USER.contains(USER.end - 1, 1));
    assert!(!USER.contains(USER.end - 1, 2));
    assert!(!USER.contains(0xfff, 1));
    assert!(!USER.contains(0xFFFF_FFFF, 2));
}

#[test]
fn error_messages_are_clear() {
    let cases: Vec<(ElfError, &[&str])> = vec![
        (ElfError::NotElf, &["not an ELF file"]),
        (ElfError::Not32Bit, &["32-bit"]),
        (ElfError::NotLittleEndian, &["little-endian"]),
        (ElfError::WrongMachine(62), &["62", "x86-64", "i386"]),
        (ElfError::WrongMachine(1234), &["1234", "i386"]),
        (
            ElfError::NotExecutable(3),
            &["type 3", "position-independent", "ET_EXEC"],
        ),
        (ElfError::NoLoadableSegments, &["no loadable"]),
        (ElfError::TooManySegments, &["more than 16"]),
        (
            ElfError::SegmentOutsideUserSpace {
                vaddr: 0xC000_0000,
                mem_size: 0x2000,
            },
            &["0xc0000000", "0x2000", "outside"],
        ),
        (ElfError::SegmentsOverlap, &["overlap"]),
        (
            ElfError::FileRangeOutOfBounds,
            &["past the end of the file"],
        ),
        (
            ElfError::MemSizeSmallerThanFileSize,
            &["memory size is smaller"],
        ),
        (
            ElfError::EntryNotExecutable(0x1234),
            &["0x00001234", "entry point"],
        ),
        (
            ElfError::Malformed("bad thing"),
            &["malformed", "bad thing"],
        ),
    ];
    for (error, needles) in cases {
        let text = error.to_string();
        for needle in needles {
            assert!(text.contains(needle), "{text:?} lacks {needle:?}");
        }
    }
}

#[test]
fn headers_alone_are_checked_against_the_whole_file_length() {
    let bytes = Fixture::good().build();
    let full = parse_executable(&bytes, USER).unwrap();
    // The headers lie in the first 0x100 bytes; the segments beyond them.
    let prefix = &bytes[..0x100];
    let exe = parse_executable_headers(prefix, bytes.len() as u64, USER).unwrap();
    assert_eq!((exe.entry, exe.segments()), (full.entry, full.segments()));
    assert_eq!(exe.segment_data(&exe.segments()[0]), &[] as &[u8]);
    // A file too short for its segments is refused, as the whole file would be.
    assert_eq!(
        parse_executable_headers(prefix, 0x200, USER).unwrap_err(),
        ElfError::FileRangeOutOfBounds
    );
    // Headers cut short are malformed.
    assert!(matches!(
        parse_executable_headers(&bytes[..40], bytes.len() as u64, USER),
        Err(ElfError::Malformed(_))
    ));
}
